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
    let out = child.wait_with_output().unwrap();
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
    let Some((code, shown)) = on_terminal(&r, "promote nd --env development", "y") else {
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
    let Some((code, shown)) = on_terminal(&r, "promote nd --env development", "n") else {
        return;
    };
    assert_eq!(code, 2, "{shown}");
    assert!(
        shown.contains("error: cancelled; nothing was changed"),
        "{shown}"
    );
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
        "flags: promote nd to partners in development"
    );
}
