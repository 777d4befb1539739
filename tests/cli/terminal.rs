//! On a terminal the mutating commands ask. These tests run `flags` under `script(1)`, which
//! gives it a pseudo-terminal, and type the answers. Without `script` they are skipped.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::harness::{BIN, TestRepo};

/// Runs `flags ARGS` on a pseudo-terminal, typing `keys` once it had time to ask.
/// Returns (exit code, everything the terminal showed), or `None` without `script`.
fn on_terminal(r: &TestRepo, args: &str, keys: &str) -> Option<(i32, String)> {
    if !std::path::Path::new("/usr/bin/script").exists() {
        eprintln!("skipped: /usr/bin/script is not installed");
        return None;
    }
    let mut cmd = Command::new("/usr/bin/script");
    cmd.current_dir(r.path())
        .args(["-qec", &format!("{BIN} {args}"), "/dev/null"]);
    r.apply_env(&mut cmd);
    cmd.env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("running script");
    let mut stdin = child.stdin.take().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    stdin.write_all(keys.as_bytes()).unwrap();
    drop(stdin);
    // A watchdog, not a timing assumption: `flags` still waiting after a minute is hung.
    let pid = child.id();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let done = std::sync::Arc::clone(&done);
        std::thread::spawn(move || {
            for _ in 0..600 {
                if done.load(std::sync::atomic::Ordering::SeqCst) {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = Command::new("pkill")
                .args(["-KILL", "-P", &pid.to_string()])
                .status();
            true
        })
    };
    let out = child.wait_with_output().unwrap();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(
        !watchdog.join().unwrap(),
        "flags hung on the terminal and was killed"
    );
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).replace('\r', ""),
    ))
}

fn setup() -> TestRepo {
    let r = TestRepo::new();
    r.git_init();
    r.flag("nd", "  development: internal\n");
    r.commit_all("init", "2026-11-01");
    r
}

#[test]
fn on_a_terminal_promote_asks_and_yes_commits() {
    let r = setup();
    let Some((code, shown)) = on_terminal(&r, "promote nd --env development", "y\r") else {
        return;
    };
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("+    stage: partners\n"), "{shown}");
    assert!(
        shown.contains("Write and commit this change? [y/N]"),
        "{shown}"
    );
    assert!(shown.contains("committed "), "{shown}");
    assert_eq!(r.commit_count(), 2);
}

#[test]
fn on_a_terminal_no_changes_nothing() {
    let r = setup();
    let before = r.read("flags/nd.yaml");
    let Some((code, shown)) = on_terminal(&r, "promote nd --env development", "n\r") else {
        return;
    };
    // Declining is an answer, not an error.
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("nothing changed"), "{shown}");
    assert!(!shown.contains("error"), "{shown}");
    assert_eq!(r.read("flags/nd.yaml"), before);
    assert_eq!(r.commit_count(), 1);
}

#[test]
fn on_a_terminal_a_missing_env_is_chosen() {
    let r = setup();
    // Enter picks the first environment in gate order: development.
    let Some((code, shown)) = on_terminal(&r, "promote nd --yes", "\r") else {
        return;
    };
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("Environment"), "{shown}");
    let git = r.git();
    let head = git.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(
        head.message().unwrap(),
        "flags: promote nd to partners in development\n"
    );
}

/// Runs `flags ARGS` on a pseudo-terminal; once the confirmation prompt is on screen, calls
/// `meanwhile` (another party changing the repository) and then answers `y`.
fn on_terminal_change_then_yes(
    r: &TestRepo,
    args: &str,
    meanwhile: impl FnOnce(),
) -> Option<(i32, String)> {
    use std::io::Read;
    use std::sync::{Arc, Mutex};
    if !std::path::Path::new("/usr/bin/script").exists() {
        eprintln!("skipped: /usr/bin/script is not installed");
        return None;
    }
    let mut cmd = Command::new("/usr/bin/script");
    cmd.current_dir(r.path())
        .args(["-qec", &format!("{BIN} {args}"), "/dev/null"]);
    r.apply_env(&mut cmd);
    cmd.env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("running script");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let shown = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let shown = Arc::clone(&shown);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                shown.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    // Wait for the question (a watchdog, not a timing assumption).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !String::from_utf8_lossy(&shown.lock().unwrap()).contains("[y/N]") {
        assert!(
            std::time::Instant::now() < deadline,
            "no prompt within a minute"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    meanwhile();
    stdin.write_all(b"y\r").unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let shown = String::from_utf8_lossy(&shown.lock().unwrap()).replace('\r', "");
    Some((status.code().unwrap_or(-1), shown))
}

/// Regression: a change planned from the file as it was when the diff was shown must not
/// overwrite what someone else wrote and committed while the question was open.
#[test]
fn a_file_committed_by_someone_else_while_asking_is_not_overwritten() {
    let r = setup();
    let theirs = "description: Flag nd\nowner: team-a\ntype: release\nenvironments:\n  development: partners # theirs\n";
    let Some((code, shown)) =
        on_terminal_change_then_yes(&r, "promote nd --env development", || {
            r.write("flags/nd.yaml", theirs);
            r.commit_all("their change", "2026-11-02");
        })
    else {
        return;
    };
    assert_eq!(code, 2, "{shown}");
    assert!(
        shown.contains("error: `flags/nd.yaml` changed while the command ran (another `flags` or editor); nothing was changed\nhint: run the command again"),
        "{shown}"
    );
    assert_eq!(r.read("flags/nd.yaml"), theirs);
    assert_eq!(r.commit_count(), 2);
    assert_eq!(r.status(), vec![]);
}

/// The same check without git: `--no-commit` does not overwrite an edit made meanwhile.
#[test]
fn a_file_edited_while_asking_is_not_overwritten_with_no_commit() {
    let r = setup();
    let edited = "description: Flag nd\nowner: team-a\ntype: release\nenvironments:\n  development: internal # edited\n";
    let Some((code, shown)) =
        on_terminal_change_then_yes(&r, "promote nd --env development --no-commit", || {
            r.write("flags/nd.yaml", edited);
        })
    else {
        return;
    };
    assert_eq!(code, 2, "{shown}");
    assert!(shown.contains("changed while the command ran"), "{shown}");
    assert_eq!(r.read("flags/nd.yaml"), edited);
}

#[test]
fn the_question_waits_for_enter_and_asks_again_after_a_wrong_answer() {
    let r = setup();
    let before = r.read("flags/nd.yaml");
    // `maybe` is asked again with the reason; `n` then declines.
    let Some((code, shown)) = on_terminal(&r, "promote nd --env development", "maybe\rn\r") else {
        return;
    };
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("answer `y` (yes) or `n` (no)"), "{shown}");
    assert!(shown.contains("nothing changed"), "{shown}");
    assert_eq!(r.read("flags/nd.yaml"), before);
    assert_eq!(r.commit_count(), 1);
    // A typed `y` is not the answer until Enter: `y`, a correction and `yes` is `yes`.
    let Some((code, shown)) = on_terminal(&r, "promote nd --env development", "y\x7fyes\r") else {
        return;
    };
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("committed "), "{shown}");
    assert_eq!(r.commit_count(), 2);
}

#[test]
fn ctrl_c_in_the_environment_picker_shows_the_cursor_again_and_changes_nothing() {
    let r = setup();
    let Some((code, shown)) = on_terminal(&r, "promote nd --yes", "\x03") else {
        return;
    };
    assert_eq!(code, 130, "{shown}");
    // The picker shows each environment's current stage.
    assert!(shown.contains("development (now internal)"), "{shown}");
    let hidden = shown
        .rfind("\x1b[?25l")
        .expect("the picker hides the cursor");
    let shown_again = shown.rfind("\x1b[?25h").expect("the cursor is shown again");
    assert!(shown_again > hidden, "{shown:?}");
    assert!(
        shown.contains("interrupted; nothing was changed"),
        "{shown}"
    );
    assert_eq!(r.commit_count(), 1);
}

#[test]
fn esc_in_the_picker_cancels_without_an_error() {
    let r = setup();
    let Some((code, shown)) = on_terminal(&r, "promote nd --yes", "\x1b") else {
        return;
    };
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("cancelled; nothing changed"), "{shown}");
    assert!(!shown.contains("error"), "{shown}");
    assert_eq!(r.commit_count(), 1);
}

#[test]
fn an_invalid_typed_key_is_asked_again() {
    let r = setup();
    let Some((code, shown)) = on_terminal(
        &r,
        "new --owner team-a --description Dash --yes",
        "Bad Key\rdash\r",
    ) else {
        return;
    };
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("not a valid flag key"), "{shown}");
    assert!(r.join("flags/dash.yaml").exists());
}

#[test]
fn on_a_terminal_demote_asks_whether_to_cascade() {
    let r = TestRepo::new();
    r.git_init();
    r.flag(
        "nd",
        "  development: everyone\n  staging: everyone\n  production: everyone\n",
    );
    r.commit_all("init", "2026-11-01");
    let Some((code, shown)) = on_terminal(&r, "demote nd --env staging --to off", "y\ry\r") else {
        return;
    };
    assert_eq!(code, 0, "{shown}");
    assert!(
        shown.contains("Also demote `nd` in `production`, which comes after `staging`? [y/N]"),
        "{shown}"
    );
    assert!(
        shown.contains("flags: demote nd to off in staging, production"),
        "{shown}"
    );
    assert_eq!(r.commit_count(), 2);
    assert!(
        r.read("flags/nd.yaml")
            .contains("  production:\n    stage: off\n")
    );
}
