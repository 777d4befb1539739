//! A team's git workflow (PRODUCT.md section 6): commits signed as git signs them, hooks run
//! as git runs them, `--branch`, several keys in one commit, the root found from anywhere in
//! the work tree, `init` committing its scaffold, generated files not counted as code.
//! Everything here runs the real `git` (and `ssh-keygen`/`gpg` for signing).

use std::path::Path;

use crate::harness::{Run, TestRepo, head_file};

const ND: &str =
    "description: Flag nd\nowner: team-a\ntype: release\nenvironments:\n  development: internal\n";

/// Keeps the harness's home folder (hook logs, keys) out of `git status`.
fn exclude_home(r: &TestRepo) {
    r.write(".git/info/exclude", ".test-home/\n");
}

fn setup() -> TestRepo {
    let r = TestRepo::new();
    r.git_init();
    exclude_home(&r);
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

/// When the commit exists but git's index cannot be refreshed (here a hook leaves
/// `index.lock` behind), the file stays as committed: putting it back would leave the work
/// tree behind the commit that holds the change.
#[test]
fn a_commit_whose_index_cannot_be_refreshed_keeps_the_file() {
    let r = setup();
    hook(
        &r,
        ".git/hooks",
        "pre-commit",
        "touch \"$(git rev-parse --git-common-dir)/index.lock\"\n",
    );
    let run = r.run(&["promote", "nd", "--env", "development", "--yes"]);
    run.code(2);
    let id = git(&r, &["rev-parse", "HEAD"]).stdout;
    assert!(
        run.stderr.starts_with(&format!(
            "error: committed {} but could not update the git index: ",
            id.trim()
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.ends_with(
            "hint: run `git reset -q -- <file>` for the changed file to refresh its index entry\n"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("put back"), "{}", run.stderr);
    assert_eq!(r.commit_count(), 2);
    assert_eq!(
        head_message(&r),
        "flags: promote nd to partners in development\n\n"
    );
    let committed = git(&r, &["show", "HEAD:flags/nd.yaml"]).stdout;
    assert_eq!(r.read("flags/nd.yaml"), committed);
    assert_ne!(committed, ND);
}

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

    // `--no-verify` skips `pre-commit` (and `commit-msg`), not `post-commit`, as in git.
    let marker = r.join(".test-home/post-commit-ran");
    hook(
        &r,
        ".git/hooks",
        "post-commit",
        &format!("touch '{}'\n", marker.display()),
    );
    let run = r.run(&[
        "promote",
        "nd",
        "--env",
        "development",
        "--yes",
        "--no-verify",
    ]);
    run.success();
    assert!(marker.exists());
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
    assert_eq!(status, " M flags.yaml\nA  notes.txt\n");
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

// ---- several keys -----------------------------------------------------------------------

fn two_flags() -> TestRepo {
    let r = TestRepo::new();
    r.git_init();
    exclude_home(&r);
    r.flag("a", "  development: internal\n");
    r.flag("b", "  development: internal\n");
    r.flag("c", "  development: internal\n  staging: internal\n");
    r.commit_all("init", "2026-11-01");
    r
}

#[test]
fn several_keys_are_one_diff_one_commit() {
    let r = two_flags();
    let run = r.run(&["promote", "a", "b", "--env", "development", "--yes"]);
    run.success();
    assert_eq!(
        run.stdout,
        "--- a/flags/a.yaml\n+++ b/flags/a.yaml\n@@ -2,4 +2,6 @@\n owner: team-a\n type: release\n environments:\n-  development: internal\n+  development:\n+    stage: partners\n+    since: 2026-11-25\n--- a/flags/b.yaml\n+++ b/flags/b.yaml\n@@ -2,4 +2,6 @@\n owner: team-a\n type: release\n environments:\n-  development: internal\n+  development:\n+    stage: partners\n+    since: 2026-11-25\n"
    );
    assert_eq!(r.commit_count(), 2);
    assert_eq!(
        head_message(&r),
        "flags: promote a, b to partners in development\n\n"
    );
    let changed = git(&r, &["show", "--format=", "--name-only", "HEAD"]).stdout;
    assert_eq!(changed, "flags/a.yaml\nflags/b.yaml\n");
    // Different targets: each flag's own part.
    let run = r.run(&[
        "demote",
        "a",
        "c",
        "--env",
        "development",
        "--to",
        "off",
        "--yes",
    ]);
    run.success();
    assert_eq!(
        head_message(&r),
        "flags: demote a, c to off in development\n\n"
    );
    r.run(&["promote", "a", "b", "--env", "development", "--yes"])
        .success();
    assert_eq!(
        head_message(&r),
        "flags: promote a to internal in development; b to everyone in development\n\n"
    );
    assert_eq!(r.commit_count(), 4);
}

#[test]
fn any_refused_key_changes_nothing_and_warns_about_nothing() {
    let r = two_flags();
    // `c` may not go to partners in staging: development is only at internal (a gate).
    let run = r.run(&["promote", "a", "c", "--env", "staging", "--yes"]);
    run.code(2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.starts_with(
            "error: `staging` comes after `development`, where flag `c` is only at `internal`"
        ),
        "{}",
        run.stderr
    );
    // `b` would be fine, `z` does not exist.
    let run = r.run(&["remove", "b", "z", "--yes"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: unknown flag `z`\nhint: flags: a, b, c\n"
    );
    // A demote of `c` would warn that production... here `b` is already off: refused, and
    // the warning `a`'s plan would give is not printed as if it had happened.
    r.flag("a", "  development: everyone\n  staging: everyone\n");
    r.commit_all("a everywhere", "2026-11-02");
    let run = r.run(&["demote", "a", "b", "--env", "staging", "--yes"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: flag `b` is already `off` in `staging`\n"
    );
    assert_eq!(r.commit_count(), 2);
    assert_eq!(git(&r, &["status", "--porcelain"]).stdout, "");
}

#[test]
fn remove_of_several_keys_refuses_when_code_mentions_one() {
    let r = two_flags();
    r.write("src/app.rs", "if flags.enabled(\"b\") {}\n");
    r.commit_all("code", "2026-11-02");
    let run = r.run(&["remove", "a", "b", "--yes"]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: code still mentions flag `b` (1 place under `"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("\n  src/app.rs:1: b\n"),
        "{}",
        run.stderr
    );
    assert!(r.join("flags/a.yaml").exists());
    r.run(&["remove", "a", "c", "--yes"]).success();
    assert_eq!(head_message(&r), "flags: remove a, c\n\n");
    assert!(!r.join("flags/a.yaml").exists() && !r.join("flags/c.yaml").exists());
}

// ---- --branch ---------------------------------------------------------------------------

#[test]
fn branch_commits_elsewhere_and_leaves_work_tree_index_and_branch_alone() {
    let r = setup();
    let head = git(&r, &["rev-parse", "HEAD"]).stdout;
    let current = git(&r, &["symbolic-ref", "--short", "HEAD"]).stdout;
    // Work in progress: staged and unstaged, also in the flag file itself.
    r.write("notes.txt", "staged\n");
    git(&r, &["add", "notes.txt"]);
    let wip = format!("{ND}# thinking about it\n");
    r.write("flags/nd.yaml", &wip);
    let log = r.join(".test-home/hook.log");
    hook(
        &r,
        ".git/hooks",
        "pre-commit",
        &format!("git diff --cached --name-only > '{}'\n", log.display()),
    );
    let run = r.run(&[
        "promote",
        "nd",
        "--env",
        "development",
        "--yes",
        "--branch",
        "review/nd",
    ]);
    run.success();
    assert!(
        run.stdout.contains("+    stage: partners\n"),
        "{}",
        run.stdout
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines[0].starts_with("committed ")
            && lines[0]
                .ends_with(" on branch `review/nd`: flags: promote nd to partners in development"),
        "{}",
        run.stderr
    );
    assert_eq!(
        lines[1],
        "publish it for review: git push -u origin review/nd"
    );
    // Nothing here moved.
    assert_eq!(git(&r, &["rev-parse", "HEAD"]).stdout, head);
    assert_eq!(
        git(&r, &["symbolic-ref", "--short", "HEAD"]).stdout,
        current
    );
    assert_eq!(r.read("flags/nd.yaml"), wip);
    assert_eq!(
        git(&r, &["status", "--porcelain"]).stdout,
        " M flags/nd.yaml\nA  notes.txt\n"
    );
    // The branch has one commit on HEAD, holding exactly the change.
    assert_eq!(git(&r, &["rev-parse", "review/nd~1"]).stdout, head);
    let shown = git(&r, &["show", "review/nd:flags/nd.yaml"]).stdout;
    assert_eq!(
        shown,
        "description: Flag nd\nowner: team-a\ntype: release\nenvironments:\n  development:\n    stage: partners\n    since: 2026-11-25\n"
    );
    assert_eq!(
        git(&r, &["show", "--format=", "--name-only", "review/nd"]).stdout,
        "flags/nd.yaml\n"
    );
    // The hook saw an index holding exactly the change.
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "flags/nd.yaml\n");
    // No temporary worktree is left behind.
    let worktrees = git(&r, &["worktree", "list", "--porcelain"]).stdout;
    assert_eq!(worktrees.matches("worktree ").count(), 1, "{worktrees}");

    // Stacking: the next change is planned from the branch's tip, not from HEAD.
    let run = r.run(&[
        "promote",
        "nd",
        "--env",
        "development",
        "--yes",
        "--branch",
        "review/nd",
    ]);
    run.success();
    assert_eq!(git(&r, &["rev-parse", "review/nd~2"]).stdout, head);
    assert!(
        git(&r, &["show", "review/nd:flags/nd.yaml"])
            .stdout
            .contains("    stage: everyone\n")
    );
    assert_eq!(
        git(&r, &["log", "-1", "--format=%s", "review/nd"]).stdout,
        "flags: promote nd to everyone in development\n"
    );
    // --dry-run shows the next change and changes nothing.
    let tip = git(&r, &["rev-parse", "review/nd"]).stdout;
    let run = r.run(&[
        "demote",
        "nd",
        "--env",
        "development",
        "--dry-run",
        "--branch",
        "review/nd",
    ]);
    run.success();
    assert!(
        run.stdout.contains("+    stage: partners\n"),
        "{}",
        run.stdout
    );
    assert_eq!(git(&r, &["rev-parse", "review/nd"]).stdout, tip);
}

/// Git cannot have a branch `feat` beside `feat/ok` (nor `feat/ok/x` beside `feat/ok`):
/// refused before anything is made, not reported as a branch that moved.
#[test]
fn branch_refuses_a_name_that_clashes_with_another_branch() {
    let r = setup();
    git(&r, &["branch", "feat/ok"]);
    let before = git(&r, &["for-each-ref", "--format=%(refname) %(objectname)"]).stdout;
    for (name, other) in [("feat", "feat/ok"), ("feat/ok/x", "feat/ok")] {
        let run = r.run(&[
            "promote",
            "nd",
            "--env",
            "development",
            "--yes",
            "--branch",
            name,
        ]);
        run.code(2);
        assert_eq!(
            run.stderr,
            format!(
                "error: branch `{name}` cannot be made beside branch `{other}` (git keeps one as a folder of the other); nothing was changed\nhint: pick another name for the branch, e.g. `{}-2`\n",
                name.replace('/', "-")
            )
        );
    }
    assert_eq!(
        git(&r, &["for-each-ref", "--format=%(refname) %(objectname)"]).stdout,
        before
    );
    assert_eq!(r.status(), vec![]);
}

#[test]
fn branch_refuses_bad_names_checked_out_branches_and_unreadable_files() {
    let r = setup();
    let current = git(&r, &["symbolic-ref", "--short", "HEAD"])
        .stdout
        .trim()
        .to_string();
    let before = git(&r, &["for-each-ref", "--format=%(refname) %(objectname)"]).stdout;
    let run = r.run(&[
        "promote",
        "nd",
        "--env",
        "development",
        "--yes",
        "--branch",
        "bad..name",
    ]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: `bad..name` is not a valid branch name; nothing was changed\n"),
        "{}",
        run.stderr
    );
    let run = r.run(&[
        "promote",
        "nd",
        "--env",
        "development",
        "--yes",
        "--branch",
        &current,
    ]);
    run.code(2);
    assert_eq!(
        run.stderr,
        format!(
            "error: branch `{current}` is checked out in this worktree; nothing was changed\nhint: leave out `--branch` to commit on the current branch\n"
        )
    );
    let other = tempfile::tempdir().unwrap();
    let other_wt = other.path().join("wt");
    git(
        &r,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "busy",
            &other_wt.to_string_lossy(),
        ],
    );
    let run = r.run(&[
        "promote",
        "nd",
        "--env",
        "development",
        "--yes",
        "--branch",
        "busy",
    ]);
    run.code(2);
    assert!(
        run.stderr.starts_with(&format!(
            "error: branch `busy` is checked out in the worktree `{}`; nothing was changed\n",
            other_wt.canonicalize().unwrap().display()
        )),
        "{}",
        run.stderr
    );
    git(
        &r,
        &["worktree", "remove", "--force", &other_wt.to_string_lossy()],
    );
    // A branch whose flag file has a conflict left in it.
    git(&r, &["branch", "conflicted"]);
    git(
        &r,
        &[
            "worktree",
            "add",
            "-q",
            &other_wt.to_string_lossy(),
            "conflicted",
        ],
    );
    std::fs::write(
        other_wt.join("flags/nd.yaml"),
        format!("<<<<<<< ours\n{ND}=======\n{ND}>>>>>>> theirs\n"),
    )
    .unwrap();
    let cmd_r = r.git_cli(&other_wt, &["commit", "-q", "-am", "conflict"]);
    assert_eq!(cmd_r.code, 0, "{cmd_r:?}");
    git(
        &r,
        &["worktree", "remove", "--force", &other_wt.to_string_lossy()],
    );
    let refs_before = git(&r, &["for-each-ref", "--format=%(refname) %(objectname)"]).stdout;
    let run = r.run(&[
        "promote",
        "nd",
        "--env",
        "development",
        "--yes",
        "--branch",
        "conflicted",
    ]);
    run.code(2);
    assert!(
        run.stderr.starts_with(
            "error: on branch `conflicted` (the change is planned from the files at its tip, "
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("caused by: flag `nd` cannot be read: "),
        "{}",
        run.stderr
    );
    assert_eq!(
        git(&r, &["for-each-ref", "--format=%(refname) %(objectname)"]).stdout,
        refs_before
    );
    assert!(before.lines().count() + 2 == refs_before.lines().count());
    // `--no-commit` cannot go with `--branch`.
    let run = r.run(&[
        "promote",
        "nd",
        "--env",
        "development",
        "--yes",
        "--no-commit",
        "--branch",
        "x",
    ]);
    run.code(2);
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
    assert_eq!(r.read("flags/nd.yaml"), ND);
    let worktrees = git(&r, &["worktree", "list", "--porcelain"]).stdout;
    assert_eq!(worktrees.matches("worktree ").count(), 1, "{worktrees}");
}

#[test]
fn new_with_branch_and_dir_creates_the_flag_in_a_team_folder_on_the_branch() {
    let r = setup();
    let run = r.run(&[
        "new",
        "dash",
        "--owner",
        "team-ui",
        "--description",
        "Dash",
        "--dir",
        "ui/web",
        "--yes",
        "--branch",
        "new-dash",
    ]);
    run.success();
    assert!(!r.join("flags/ui/web/dash.yaml").exists());
    assert_eq!(
        git(&r, &["show", "--format=", "--name-only", "new-dash"]).stdout,
        "flags/ui/web/dash.yaml\n"
    );
    let run = r.run(&[
        "new",
        "x",
        "--owner",
        "o",
        "--description",
        "d",
        "--dir",
        "../up",
        "--yes",
    ]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: `--dir ../up` is not a folder name under `flags/`\n"),
        "{}",
        run.stderr
    );
}

// ---- root discovery, init -----------------------------------------------------------------

/// An application repository with its flags root in `config/flags`.
fn app() -> TestRepo {
    let r = TestRepo::empty();
    r.git_init();
    exclude_home(&r);
    r.write("src/main.rs", "fn main() {}\n");
    r.commit_all("app", "2026-10-01");
    r.run(&["init", "config/flags"]).success();
    r
}

#[test]
fn init_in_a_git_work_tree_commits_exactly_its_scaffold() {
    let r = TestRepo::empty();
    r.git_init();
    exclude_home(&r);
    r.write("src/main.rs", "fn main() {}\n");
    r.commit_all("app", "2026-10-01");
    r.write("staged.txt", "mine\n");
    git(&r, &["add", "staged.txt"]);
    let run = r.run(&["init", "config/flags"]);
    run.success();
    assert!(run.stderr.contains("\ncommitted "), "{}", run.stderr);
    assert_eq!(head_message(&r), "flags: init config/flags\n\n");
    assert_eq!(
        git(&r, &["show", "--format=", "--name-only", "HEAD"]).stdout,
        "config/flags/environments/development.yaml\nconfig/flags/environments/production.yaml\nconfig/flags/environments/staging.yaml\nconfig/flags/flags.yaml\nconfig/flags/flags/.gitkeep\nconfig/flags/segments/internal.yaml\nconfig/flags/segments/partners.yaml\n"
    );
    assert_eq!(
        git(&r, &["status", "--porcelain"]).stdout,
        "A  staged.txt\n"
    );
    // A clone has the flags root, and a new flag's commit is all it needs.
    r.run(&[
        "-C",
        "config/flags",
        "new",
        "dash",
        "--owner",
        "o",
        "--description",
        "d",
        "--yes",
    ])
    .success();
    let clone = tempfile::tempdir().unwrap();
    let dest = clone.path().join("c");
    git(
        &r,
        &[
            "clone",
            "-q",
            &r.path().to_string_lossy(),
            &dest.to_string_lossy(),
        ],
    );
    assert!(dest.join("config/flags/flags.yaml").is_file());
    r.run_in(&dest, &["validate"]).success();
}

#[test]
fn the_flags_root_is_found_from_anywhere_in_the_work_tree() {
    let r = app();
    let run = r.run_in(r.path(), &["validate"]);
    run.success();
    let run = r.run_in(&r.join("src"), &["list", "--format", "json"]);
    run.success();
    assert_eq!(run.stdout, "[]\n");
    // A second root: which one is meant is the user's choice.
    r.run(&["init", "ops/flags"]).success();
    let run = r.run_in(&r.join("src"), &["validate"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: this git repository holds 2 flags roots; pick one with `-C`:\n  flags -C ../config/flags ...\n  flags -C ../ops/flags ...\nhint: run the command from inside one of them, or pass its `-C`\n"
    );
    r.run_in(&r.join("src"), &["-C", "../ops/flags", "validate"])
        .success();
}

#[test]
fn the_stash_hint_names_a_path_that_works_from_the_current_directory() {
    let r = app();
    r.run(&[
        "-C",
        "config/flags",
        "new",
        "dash",
        "--owner",
        "o",
        "--description",
        "d",
        "--yes",
    ])
    .success();
    let f = "config/flags/flags/dash.yaml";
    r.write(f, format!("{}# wip\n", r.read(f)));
    let root = r.join("config/flags");
    let run = r.run_in(&root, &["promote", "dash", "--env", "development", "--yes"]);
    run.code(2);
    assert!(
        run.stderr.ends_with("hint: commit or stash them first (`git stash push -- flags/dash.yaml`), or pass `--no-commit`\n"),
        "{}",
        run.stderr
    );
    let run = r.run_in(
        r.path(),
        &["promote", "dash", "--env", "development", "--yes"],
    );
    run.code(2);
    assert!(
        run.stderr.ends_with("hint: commit or stash them first (`git stash push -- config/flags/flags/dash.yaml`), or pass `--no-commit`\n"),
        "{}",
        run.stderr
    );
}

// ---- generated files ----------------------------------------------------------------------

#[test]
fn files_written_by_export_are_not_code() {
    let r = setup();
    std::fs::create_dir_all(r.join("deploy")).unwrap();
    r.run(&[
        "export",
        "--env",
        "production",
        "-o",
        "deploy/flags.production.json",
    ])
    .success();
    r.run(&[
        "export",
        "--env",
        "production",
        "--format",
        "json",
        "-o",
        "deploy/snapshot.json",
    ])
    .success();
    r.write("deploy/README.md", "nd is exported\n");
    r.commit_all("deploy", "2026-11-02");
    let run = r.run(&["refs", "nd"]);
    run.success();
    assert_eq!(run.stdout, "deploy/README.md:1: nd\n");
    std::fs::remove_file(r.join("deploy/README.md")).unwrap();
    r.commit_all("no readme", "2026-11-03");
    r.run(&["refs", "nd"]).success();
    let run = r.run(&["remove", "nd", "--yes"]);
    run.success();
    assert!(run.stderr.starts_with("no code under `"), "{}", run.stderr);
}

/// Regression: the snapshot of a typed or scheduled flag carries more fields, and the
/// OpenFeature manifest a `$schema` beside `flags`: both were counted as code.
#[test]
fn exports_of_typed_and_scheduled_flags_in_every_format_are_not_code() {
    let r = setup();
    r.write(
        "flags/theme.yaml",
        "description: Theme\nowner: o\ntype: experiment\nvariants:\n  light: \"l\"\n  dark: \"d\"\ndefault: light\nserve: dark\nenvironments:\n  development:\n    stage: internal\n    since: 2026-11-01\n    schedule:\n      - {stage: partners, at: 2099-01-01T00:00:00Z}\n",
    );
    r.commit_all("theme", "2026-11-02");
    std::fs::create_dir_all(r.join("deploy")).unwrap();
    for (format, file) in [
        ("flagd", "deploy/flags.json"),
        ("json", "deploy/snapshot.json"),
        ("openfeature", "deploy/manifest.json"),
        ("openfeature-operator", "deploy/featureflag.yaml"),
    ] {
        r.run(&[
            "export",
            "--env",
            "development",
            "--format",
            format,
            "-o",
            file,
        ])
        .success();
        assert!(r.read(file).contains("theme"), "{format}");
    }
    r.commit_all("exports", "2026-11-03");
    let run = r.run(&["refs", "theme", "--format", "json"]);
    run.success();
    assert_eq!(run.json(), serde_json::json!([]), "{}", run.stdout);
}

// ---- messages -----------------------------------------------------------------------------

#[test]
fn messages_met_in_a_team_trial() {
    let r = setup();
    // `--to` the current stage: "already at", in both directions.
    let run = r.run(&[
        "promote",
        "nd",
        "--env",
        "development",
        "--to",
        "internal",
        "--yes",
    ]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: flag `nd` is already at `internal` in `development`; there is nothing to promote\n"
    );
    let run = r.run(&[
        "demote",
        "nd",
        "--env",
        "development",
        "--to",
        "internal",
        "--yes",
    ]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: flag `nd` is already at `internal` in `development`; there is nothing to demote\n"
    );
    // `flags new` without a terminal and without a key names the whole command.
    let run = r.run(&["new"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: missing the flag KEY (no terminal to ask on)\nhint: pass it: `flags new KEY --owner OWNER --description TEXT --yes`\n"
    );
    // `show` of a removed key points at its history.
    r.run(&["remove", "nd", "--yes"]).success();
    let run = r.run(&["show", "nd"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: flag `nd` is not in the flags repository any more (it was removed)\nhint: see its stage history: `flags log nd`\n"
    );
    // A missing `--against` revision: in CI the usual cause is a shallow checkout.
    let run = r.run(&["validate", "--against", "origin/main"]);
    run.code(2);
    assert!(
        run.stderr.ends_with("hint: pass a branch, tag or commit, e.g. `origin/main`; in CI, fetch it first (GitHub Actions: `fetch-depth: 0` on actions/checkout)\n"),
        "{}",
        run.stderr
    );
    // `manpage` is a listed command.
    let run = r.run(&["--help"]);
    assert!(run.stdout.contains("\n  manpage "), "{}", run.stdout);
}

#[test]
fn branch_from_an_application_root_with_the_flags_in_a_sub_folder() {
    let r = app();
    r.run(&[
        "-C",
        "config/flags",
        "new",
        "dash",
        "--owner",
        "o",
        "--description",
        "d",
        "--yes",
    ])
    .success();
    let head = git(&r, &["rev-parse", "HEAD"]).stdout;
    // From the application's top: the root is found, the change goes to the branch.
    let run = r.run_in(
        r.path(),
        &[
            "promote",
            "dash",
            "--env",
            "development",
            "--yes",
            "--branch",
            "flags/dash",
        ],
    );
    run.success();
    assert_eq!(git(&r, &["rev-parse", "HEAD"]).stdout, head);
    assert_eq!(
        git(&r, &["show", "--format=", "--name-only", "flags/dash"]).stdout,
        "config/flags/flags/dash.yaml\n"
    );
    // Without a terminal and without --yes: refused before anything is made.
    let run = r.run_in(
        r.path(),
        &["promote", "dash", "--env", "development", "--branch", "b2"],
    );
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: refusing to change files without confirmation"),
        "{}",
        run.stderr
    );
    assert_eq!(git(&r, &["branch", "--list", "b2"]).stdout, "");
}

#[test]
fn init_whose_commit_a_hook_rejects_leaves_nothing_behind() {
    let r = TestRepo::empty();
    r.git_init();
    exclude_home(&r);
    r.write("README.md", "app\n");
    r.commit_all("app", "2026-10-01");
    hook(
        &r,
        ".git/hooks",
        "pre-commit",
        "echo 'no flags here' >&2\nexit 1\n",
    );
    let run = r.run(&["init", "config/flags"]);
    run.code(2);
    assert!(
        run.stderr.starts_with("no flags here\nerror: nothing was committed; the files were removed again\n  caused by: the `pre-commit` hook rejected the commit (exit 1)"),
        "{}",
        run.stderr
    );
    assert!(!r.join("config").exists());
    assert_eq!(r.commit_count(), 1);
    assert_eq!(git(&r, &["status", "--porcelain"]).stdout, "");
    // --no-verify, as with git.
    r.run(&["init", "config/flags", "--no-verify"]).success();
    assert_eq!(r.commit_count(), 2);
    assert_eq!(head_message(&r), "flags: init config/flags\n\n");
}
