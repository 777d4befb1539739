//! A team's git workflow (PRODUCT.md section 6): commits signed as git signs them, hooks run
//! as git runs them, `--branch`, several keys in one commit, the root found from anywhere in
//! the work tree, `init` committing its scaffold, generated files not counted as code.
//! Everything here runs the real `git` (and `ssh-keygen`/`gpg` for signing).

use std::path::Path;

use crate::harness::{Run, TestRepo, head_file};

const ND: &str =
    "description: Flag nd\nowner: team-a\ntype: release\nenvironments:\n  development: internal\n";

fn setup() -> TestRepo {
    let r = TestRepo::new();
    r.git_init();
    r.flag("nd", "  development: internal\n");
    r.commit_all("init", "2026-11-01");
    r
}

fn git(r: &TestRepo, args: &[&str]) -> Run {
    let run = r.git_cli(r.path(), args);
    run.success();
    run
}

fn head_message(r: &TestRepo) -> String {
    git(r, &["log", "-1", "--format=%B"]).stdout
}

/// Writes an executable hook script into `.git/hooks` (or `dir`).
fn hook(r: &TestRepo, dir: &str, name: &str, script: &str) {
    let rel = format!("{dir}/{name}");
    r.write(&rel, format!("#!/bin/sh\n{script}"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(r.join(&rel), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// Whether a program needed by a test is installed. In CI (`CI=true`) a missing one fails
/// the test instead of skipping it: `.ci/run` installs it.
fn have(program: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "`{program}` is not installed (`.ci/run` installs it)"
        );
        eprintln!("skipped: `{program}` is not installed");
    }
    found
}

// ---- signing ----------------------------------------------------------------------------

#[test]
fn ssh_signing_is_done_as_git_does_it_and_git_verifies_it() {
    if !have("ssh-keygen") {
        return;
    }
    let r = setup();
    let key = r.join("signing-key");
    let out = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let public = std::fs::read_to_string(r.join("signing-key.pub")).unwrap();
    r.write(
        ".test-home/allowed_signers",
        format!("author@example.com {public}"),
    );
    git(&r, &["config", "gpg.format", "ssh"]);
    git(
        &r,
        &[
            "config",
            "user.signingkey",
            &r.join("signing-key.pub").to_string_lossy(),
        ],
    );
    git(&r, &["config", "commit.gpgsign", "true"]);
    git(
        &r,
        &[
            "config",
            "gpg.ssh.allowedSignersFile",
            &r.join(".test-home/allowed_signers").to_string_lossy(),
        ],
    );
    r.run(&["promote", "nd", "--env", "development", "--yes"])
        .success();
    let raw = git(&r, &["cat-file", "commit", "HEAD"]).stdout;
    assert!(
        raw.contains("\ngpgsig -----BEGIN SSH SIGNATURE-----\n"),
        "{raw}"
    );
    let verify = r.git_cli(r.path(), &["verify-commit", "HEAD"]);
    verify.success();
    assert!(
        verify
            .stderr
            .starts_with("Good \"git\" signature for author@example.com with ED25519 key"),
        "{}",
        verify.stderr
    );
    assert_eq!(
        head_message(&r),
        "flags: promote nd to partners in development\n\n"
    );
}

#[test]
fn openpgp_signing_with_gpg_is_verified_by_git() {
    if !have("gpg") {
        return;
    }
    let r = setup();
    // A private GnuPG home (short path: gpg-agent's socket lives there).
    let gnupg = tempfile::Builder::new()
        .prefix("g")
        .tempdir_in("/tmp")
        .unwrap();
    let mut r = r;
    r.env.push((
        "GNUPGHOME".into(),
        gnupg.path().to_string_lossy().into_owned(),
    ));
    let gpg = |args: &[&str]| {
        let mut cmd = std::process::Command::new("gpg");
        cmd.args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
            .args(args)
            .env("GNUPGHOME", gnupg.path());
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "gpg {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    gpg(&[
        "--quick-gen-key",
        "Test Author <author@example.com>",
        "ed25519",
        "sign",
        "never",
    ]);
    let listing = gpg(&["--with-colons", "--list-secret-keys"]);
    let fpr = listing
        .lines()
        .find_map(|l| l.strip_prefix("fpr:"))
        .map(|l| l.trim_matches(':').to_string())
        .unwrap();
    git(&r, &["config", "user.signingkey", &fpr]);
    git(&r, &["config", "commit.gpgsign", "true"]);
    let run = r.run(&["promote", "nd", "--env", "development", "--yes"]);
    let _ = std::process::Command::new("gpgconf")
        .args(["--kill", "gpg-agent"])
        .env("GNUPGHOME", gnupg.path())
        .status();
    run.success();
    let raw = git(&r, &["cat-file", "commit", "HEAD"]).stdout;
    assert!(
        raw.contains("\ngpgsig -----BEGIN PGP SIGNATURE-----\n"),
        "{raw}"
    );
    let shown = git(&r, &["log", "-1", "--show-signature", "--format=%G? %GF"]).stdout;
    assert!(shown.ends_with(&format!("G {fpr}\n")), "{shown}");
}

#[test]
fn a_signing_failure_commits_nothing_and_puts_the_file_back() {
    let r = setup();
    git(&r, &["config", "gpg.format", "ssh"]);
    git(
        &r,
        &[
            "config",
            "user.signingkey",
            &r.join("no-such-key.pub").to_string_lossy(),
        ],
    );
    git(&r, &["config", "commit.gpgsign", "true"]);
    let run = r.run(&["promote", "nd", "--env", "development", "--yes"]);
    run.code(2);
    assert!(
        run.stderr.starts_with("error: nothing was committed; the file was put back as it was\n  caused by: git could not make the commit; nothing was committed:\n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("no-such-key.pub"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("hint: git's configuration asks for signed commits"),
        "{}",
        run.stderr
    );
    assert_eq!(r.read("flags/nd.yaml"), ND);
    assert_eq!(r.commit_count(), 1);
    assert_eq!(r.status(), vec![]);
}

// ---- hooks ------------------------------------------------------------------------------

#[test]
fn a_rejecting_pre_commit_hook_stops_the_commit_and_no_verify_skips_it() {
    let r = setup();
    hook(
        &r,
        ".git/hooks",
        "pre-commit",
        "echo 'pre-commit says no' >&2\nexit 3\n",
    );
    let run = r.run(&["promote", "nd", "--env", "development", "--yes"]);
    run.code(2);
    assert!(
        run.stderr.ends_with("pre-commit says no\nerror: nothing was committed; the file was put back as it was\n  caused by: the `pre-commit` hook rejected the commit (exit 3); its output is above\nhint: fix what the hook reports, or pass `--no-verify` to skip the `pre-commit` and `commit-msg` hooks\n"),
        "{}",
        run.stderr
    );
    assert_eq!(r.read("flags/nd.yaml"), ND);
    assert_eq!(r.commit_count(), 1);
    assert_eq!(r.status(), vec![]);

    let run = r.run(&[
        "promote",
        "nd",
        "--env",
        "development",
        "--yes",
        "--no-verify",
    ]);
    run.success();
    assert_eq!(r.commit_count(), 2);
    assert_eq!(
        head_message(&r),
        "flags: promote nd to partners in development\n\n"
    );
}

#[test]
fn a_rejecting_commit_msg_hook_stops_the_commit() {
    let r = setup();
    hook(
        &r,
        ".git/hooks",
        "commit-msg",
        "echo \"bad message: $(cat \"$1\")\"\nexit 1\n",
    );
    let run = r.run(&["promote", "nd", "--env", "development", "--yes"]);
    run.code(2);
    assert!(
        run.stdout.starts_with("--- a/flags/nd.yaml\n"),
        "{}",
        run.stdout
    );
    // A hook's standard output goes to standard error, as with git: stdout stays the diff.
    assert!(!run.stdout.contains("bad message"), "{}", run.stdout);
    assert!(
        run.stderr.contains("bad message: flags: promote nd to partners in development\nerror: nothing was committed; the file was put back as it was\n  caused by: the `commit-msg` hook rejected the commit (exit 1)"),
        "{}",
        run.stderr
    );
    assert_eq!(r.read("flags/nd.yaml"), ND);
    assert_eq!(r.commit_count(), 1);
}

#[test]
fn hooks_rewrite_the_message_and_see_an_index_holding_exactly_the_change() {
    let r = setup();
    // Other work: a staged change and an unstaged one, both must stay as they are.
    r.write("notes.txt", "staged\n");
    git(&r, &["add", "notes.txt"]);
    r.write(
        "flags.yaml",
        format!("{}# unstaged\n", crate::harness::SETTINGS),
    );
    let log = r.join(".test-home/hooks.log");
    let log = log.to_string_lossy();
    hook(
        &r,
        ".git/hooks",
        "pre-commit",
        &format!(
            "{{ echo \"pre-commit $# cwd=$(pwd)\"; git diff --cached --name-status; }} >> '{log}'\n"
        ),
    );
    hook(
        &r,
        ".git/hooks",
        "prepare-commit-msg",
        &format!(
            "echo \"prepare-commit-msg $(basename \"$1\") $2\" >> '{log}'\necho '# prepared' >> \"$1\"\n"
        ),
    );
    hook(
        &r,
        ".git/hooks",
        "commit-msg",
        &format!(
            "echo \"commit-msg $(head -n1 \"$1\")\" >> '{log}'\nprintf '\\nSigned-off-by: Test Author <author@example.com>\\n' >> \"$1\"\n"
        ),
    );
    hook(
        &r,
        ".git/hooks",
        "post-commit",
        &format!("echo \"post-commit $(git log -1 --format=%s)\" >> '{log}'\n"),
    );
    r.run(&["promote", "nd", "--env", "development", "--yes"])
        .success();
    let top = r.path().canonicalize().unwrap();
    assert_eq!(
        std::fs::read_to_string(r.join(".test-home/hooks.log")).unwrap(),
        format!(
            "pre-commit 0 cwd={}\nM\tflags/nd.yaml\nprepare-commit-msg COMMIT_EDITMSG message\ncommit-msg flags: promote nd to partners in development\npost-commit flags: promote nd to partners in development # prepared\n",
            top.display()
        )
    );
    assert_eq!(
        head_message(&r),
        "flags: promote nd to partners in development\n# prepared\n\nSigned-off-by: Test Author <author@example.com>\n\n"
    );
    // Only the flag file is in the commit; the other work is still staged / unstaged.
    let changed = git(&r, &["show", "--format=", "--name-only", "HEAD"]).stdout;
    assert_eq!(changed, "flags/nd.yaml\n");
    let status = git(&r, &["status", "--porcelain"]).stdout;
    assert_eq!(status, " M flags.yaml\nA  notes.txt\n?? .test-home/\n");
}

#[test]
fn hooks_come_from_core_hooks_path() {
    let r = setup();
    hook(
        &r,
        "team-hooks",
        "pre-commit",
        "echo 'team policy: no' >&2\nexit 1\n",
    );
    git(&r, &["add", "team-hooks"]);
    git(&r, &["commit", "-q", "-m", "hooks"]);
    git(&r, &["config", "core.hooksPath", "team-hooks"]);
    let run = r.run(&["promote", "nd", "--env", "development", "--yes"]);
    run.code(2);
    assert!(
        run.stderr.starts_with("team policy: no\n"),
        "{}",
        run.stderr
    );
    assert_eq!(r.commit_count(), 2);
    // A hook that is not executable is ignored, as git ignores it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            r.join("team-hooks/pre-commit"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
    }
    r.run(&["promote", "nd", "--env", "development", "--yes"])
        .success();
    assert_eq!(r.commit_count(), 3);
    assert!(Path::new(&r.join("team-hooks/pre-commit")).exists());
    let _ = head_file(&r.git(), "flags/nd.yaml").unwrap();
}
