//! `flags promote` / `flags demote`: exact bytes of edited files, commits of only the touched
//! file, every refusal with its exit code, and what happens outside git.

use crate::harness::{Run, TestRepo};

/// A committed repository with one flag `nd` (short forms, a trailing comment).
fn setup() -> TestRepo {
    let r = TestRepo::new();
    r.git_init();
    r.flag(
        "nd",
        "  development: internal  # dev first\n  staging: internal\n  production: internal\n",
    );
    r.commit_all("init", "2026-11-01");
    r
}

/// Paths changed by HEAD's commit relative to its parent (or all paths of a root commit).
fn head_changes(r: &TestRepo) -> Vec<String> {
    let git = r.git();
    let head = git.head().unwrap().peel_to_commit().unwrap();
    let parent_tree = head.parent(0).ok().map(|p| p.tree().unwrap());
    let diff = git
        .diff_tree_to_tree(parent_tree.as_ref(), Some(&head.tree().unwrap()), None)
        .unwrap();
    diff.deltas()
        .map(|d| d.new_file().path().unwrap().to_string_lossy().into_owned())
        .collect()
}

fn head_message(r: &TestRepo) -> String {
    r.git()
        .head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .message()
        .unwrap()
        .to_string()
}

#[track_caller]
fn assert_committed(run: &Run, message: &str) {
    let line = run.stderr.trim_end();
    assert!(
        line.starts_with("committed ") && line.ends_with(&format!(": {message}")),
        "stderr: {:?}",
        run.stderr
    );
}

#[test]
fn promote_short_form_writes_long_form_and_commits_only_that_file() {
    let r = setup();
    let run = r.run(&["promote", "nd", "--env", "development", "--yes"]);
    run.success();
    assert_eq!(
        run.stdout,
        "--- a/flags/nd.yaml\n+++ b/flags/nd.yaml\n@@ -2,6 +2,8 @@\n owner: team-a\n type: release\n environments:\n-  development: internal  # dev first\n+  development:  # dev first\n+    stage: partners\n+    since: 2026-11-25\n   staging: internal\n   production: internal\n"
    );
    assert_committed(&run, "flags: promote nd to partners in development");
    assert_eq!(
        r.read("flags/nd.yaml"),
        "description: Flag nd\nowner: team-a\ntype: release\nenvironments:\n  development:  # dev first\n    stage: partners\n    since: 2026-11-25\n  staging: internal\n  production: internal\n"
    );
    assert_eq!(
        head_message(&r),
        "flags: promote nd to partners in development\n"
    );
    let git = r.git();
    let head = git.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.author().name().unwrap(), "Test Author");
    assert_eq!(head.author().email().unwrap(), "author@example.com");
    assert_eq!(head_changes(&r), vec!["flags/nd.yaml"]);
    assert_eq!(r.commit_count(), 2);
    assert_eq!(r.status(), vec![], "work tree and index are clean");
}

#[test]
fn promote_long_form_keeps_quotes_comments_and_sub_folder() {
    let r = TestRepo::new();
    r.git_init();
    let before = "# Owned by the search team\ndescription: \"Ranking v2\"\nowner: team-search\ntype: experiment\nenvironments:\n  development:\n    stage: 'partners'   # keep me\n    since: \"2026-10-01\"\n    segments: [partners]\n  staging:\n    # no since yet\n    stage: internal\n";
    r.write("flags/team/search/ranking.yaml", before);
    r.commit_all("init", "2026-11-01");
    r.run(&["promote", "ranking", "-e", "development", "--yes"])
        .success();
    r.run(&["promote", "ranking", "-e", "staging", "--yes"])
        .success();
    assert_eq!(
        r.read("flags/team/search/ranking.yaml"),
        "# Owned by the search team\ndescription: \"Ranking v2\"\nowner: team-search\ntype: experiment\nenvironments:\n  development:\n    stage: 'everyone'   # keep me\n    since: \"2026-11-25\"\n    segments: [partners]\n  staging:\n    # no since yet\n    stage: partners\n    since: 2026-11-25\n"
    );
    assert_eq!(head_changes(&r), vec!["flags/team/search/ranking.yaml"]);
    assert_eq!(
        head_message(&r),
        "flags: promote ranking to partners in staging\n"
    );
    assert_eq!(r.commit_count(), 3);
}

#[test]
fn promote_adds_an_environment_the_flag_does_not_list() {
    let r = TestRepo::new();
    r.git_init();
    r.flag("nd", "  development: partners\n");
    r.commit_all("init", "2026-11-01");
    r.run(&["promote", "nd", "--env", "staging", "--yes"])
        .success();
    assert_eq!(
        r.read("flags/nd.yaml"),
        "description: Flag nd\nowner: team-a\ntype: release\nenvironments:\n  development: partners\n  staging:\n    stage: internal\n    since: 2026-11-25\n"
    );
    assert_eq!(
        head_message(&r),
        "flags: promote nd to internal in staging\n"
    );
}

#[test]
fn promote_several_environments_in_gate_order_in_one_commit() {
    let r = setup();
    r.run(&["promote", "nd", "--env", "development", "--yes"])
        .success();
    let run = r.run(&[
        "promote",
        "nd",
        "--env",
        "production",
        "--env",
        "staging",
        "--yes",
    ]);
    // staging would be at internal when production is checked in the given order; the gate
    // order makes this one valid step.
    assert_committed(&run, "flags: promote nd to partners in staging, production");
    assert_eq!(head_changes(&r), vec!["flags/nd.yaml"]);
    assert_eq!(r.commit_count(), 3);
}

#[test]
fn unrelated_staged_and_unstaged_changes_survive() {
    let r = setup();
    r.flag("other", "  development: internal\n");
    r.write("notes.txt", "v1\n");
    r.commit_all("more", "2026-11-02");
    // Staged change to one file, unstaged change to another, an untracked file.
    r.flag("other", "  development: partners\n");
    let git = r.git();
    let mut index = git.index().unwrap();
    index
        .add_path(std::path::Path::new("flags/other.yaml"))
        .unwrap();
    index.write().unwrap();
    r.write("notes.txt", "v2 unstaged\n");
    r.write("scratch.txt", "untracked\n");
    let status_before = r.status();

    r.run(&["promote", "nd", "--env", "development", "--yes"])
        .success();

    assert_eq!(head_changes(&r), vec!["flags/nd.yaml"]);
    assert_eq!(r.status(), status_before);
    assert_eq!(
        status_before,
        vec![
            ("flags/other.yaml".to_string(), git2::Status::INDEX_MODIFIED),
            ("notes.txt".to_string(), git2::Status::WT_MODIFIED),
            ("scratch.txt".to_string(), git2::Status::WT_NEW),
        ]
    );
    // The staged content is still staged, and HEAD still has the old one.
    let git = r.git();
    let index = git.index().unwrap();
    let staged = index
        .get_path(std::path::Path::new("flags/other.yaml"), 0)
        .unwrap();
    let blob = git.find_blob(staged.id).unwrap();
    assert!(String::from_utf8_lossy(blob.content()).contains("development: partners"));
    let head_tree = git.head().unwrap().peel_to_tree().unwrap();
    let in_head = head_tree
        .get_path(std::path::Path::new("flags/other.yaml"))
        .unwrap();
    let blob = git.find_blob(in_head.id()).unwrap();
    assert!(String::from_utf8_lossy(blob.content()).contains("development: internal"));
    assert_eq!(r.read("notes.txt"), "v2 unstaged\n");
    assert_eq!(r.read("scratch.txt"), "untracked\n");
}

/// Runs a command that must be refused: exit 2, this exact stderr, file and history untouched.
#[track_caller]
fn assert_refused(r: &TestRepo, args: &[&str], stderr: &str) {
    let before = r.read("flags/nd.yaml");
    let commits = r.commit_count();
    let run = r.run(args);
    run.code(2);
    assert_eq!(run.stderr, stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(r.read("flags/nd.yaml"), before);
    assert_eq!(r.commit_count(), commits);
}

#[test]
fn promote_refuses_at_the_last_stage() {
    let r = TestRepo::new();
    r.git_init();
    r.flag("nd", "  development: everyone\n");
    r.commit_all("init", "2026-11-01");
    assert_refused(
        &r,
        &["promote", "nd", "--env", "development", "--yes"],
        "error: flag `nd` is already at the last stage `everyone` in `development`; there is nothing to promote to (`--force` cannot go past the last stage)\n",
    );
}

#[test]
fn promote_refuses_past_a_gate_unless_forced() {
    let r = setup();
    assert_refused(
        &r,
        &["promote", "nd", "--env", "staging", "--yes"],
        "error: `staging` comes after `development`, where flag `nd` is only at `internal`; promote it there to `partners` first\nhint: pass `--force` to promote anyway\n",
    );
    r.run(&["promote", "nd", "--env", "staging", "--yes", "--force"])
        .success();
    assert_eq!(
        head_message(&r),
        "flags: promote nd to partners in staging\n"
    );
}

#[test]
fn promote_refuses_before_soak_time() {
    let r = TestRepo::new();
    r.write("flags.yaml", "pipeline:\n  - stage: internal\n    segments: [internal]\n    soak_days: 2\n  - stage: partners\n    segments: [partners]\n  - stage: everyone\n    rollout: 100\n");
    r.git_init();
    r.flag(
        "nd",
        "  development:\n    stage: internal\n    since: 2026-11-24\n",
    );
    r.commit_all("init", "2026-11-01");
    assert_refused(
        &r,
        &["promote", "nd", "--env", "development", "--yes"],
        "error: flag `nd` entered `internal` in `development` on 2026-11-24; its soak time of 2 days ends on 2026-11-26\nhint: pass `--force` to promote anyway\n",
    );
    // On the day soak time ends, it goes through.
    let mut r2 = r;
    r2.env.push(("FLAGS_TODAY".into(), "2026-11-26".into()));
    r2.run(&["promote", "nd", "--env", "development", "--yes"])
        .success();
    assert!(
        r2.read("flags/nd.yaml")
            .contains("stage: partners\n    since: 2026-11-26\n")
    );
}

#[test]
fn promote_refuses_to_skip_stages_unless_forced() {
    let r = setup();
    assert_refused(
        &r,
        &[
            "promote",
            "nd",
            "--env",
            "development",
            "--to",
            "everyone",
            "--yes",
        ],
        "error: promoting flag `nd` from `internal` to `everyone` in `development` skips `partners`; promote one stage at a time\nhint: pass `--force` to promote anyway\n",
    );
    assert_refused(
        &r,
        &[
            "promote",
            "nd",
            "--env",
            "development",
            "--to",
            "off",
            "--yes",
        ],
        "error: flag `nd` is at `internal` in `development`; `off` is not later\nhint: to move it back, run `flags demote nd --env development --to off`\n",
    );
}

#[test]
fn promote_refuses_a_file_with_uncommitted_changes() {
    let r = setup();
    r.write(
        "flags/nd.yaml",
        format!("{}# local edit\n", r.read("flags/nd.yaml")),
    );
    assert_refused(
        &r,
        &["promote", "nd", "--env", "development", "--yes"],
        "error: `flags/nd.yaml` has uncommitted changes; nothing was changed\nhint: commit or stash them first (`git stash push -- flags/nd.yaml`), or pass `--no-commit`\n",
    );
}

#[test]
fn promote_refuses_during_a_merge() {
    let r = setup();
    let head = r.git().head().unwrap().target().unwrap();
    r.write(".git/MERGE_HEAD", format!("{head}\n"));
    assert_refused(
        &r,
        &["promote", "nd", "--env", "development", "--yes"],
        "error: a merge is in progress in the git repository; nothing was changed\nhint: finish or abort it first (e.g. `git merge --abort`), or pass `--no-commit` to only write the file\n",
    );
}

#[test]
fn promote_refuses_when_the_index_is_locked() {
    let r = setup();
    r.write(".git/index.lock", "");
    let lock = std::fs::canonicalize(r.join(".git"))
        .unwrap()
        .join("index.lock");
    assert_refused(
        &r,
        &["promote", "nd", "--env", "development", "--yes"],
        &format!(
            "error: the git index is locked (`{}` exists); nothing was changed\nhint: another git command is running; wait for it, or remove the lock file if it crashed\n",
            lock.display()
        ),
    );
}

#[test]
fn without_a_terminal_missing_yes_key_or_env_is_an_error() {
    let r = setup();
    assert_refused(
        &r,
        &["promote", "nd", "--env", "development"],
        "error: refusing to change files without confirmation: there is no terminal to ask on\nhint: pass `--yes` to apply the change, or `--dry-run` to only see it\n",
    );
    assert_refused(
        &r,
        &["promote", "--env", "development", "--yes"],
        "error: missing flag KEY (no terminal to ask on)\nhint: pass it: `flags promote KEY --env ENV --yes`\n",
    );
    assert_refused(
        &r,
        &["demote", "nd", "--yes"],
        "error: missing `--env` (no terminal to ask on)\nhint: pass it: `flags demote KEY --env ENV --yes`\n",
    );
}

#[test]
fn unknown_names_fail_with_the_nearest_name() {
    let r = setup();
    assert_refused(
        &r,
        &["promote", "ndd", "--env", "development", "--yes"],
        "error: unknown flag `ndd`\nhint: did you mean `nd`?\n",
    );
    assert_refused(
        &r,
        &["promote", "nd", "--env", "prod", "--yes"],
        "error: unknown environment `prod`\nhint: did you mean `production`?\n",
    );
    assert_refused(
        &r,
        &[
            "demote",
            "nd",
            "--env",
            "development",
            "--to",
            "of",
            "--yes",
        ],
        "error: unknown stage `of`\nhint: did you mean `off`?\n",
    );
}

#[test]
fn dry_run_prints_the_diff_and_changes_nothing() {
    let r = setup();
    let before = r.read("flags/nd.yaml");
    let run = r.run(&["promote", "nd", "--env", "development", "--dry-run"]);
    run.success();
    assert!(
        run.stdout
            .starts_with("--- a/flags/nd.yaml\n+++ b/flags/nd.yaml\n@@ -2,6 +2,8 @@\n"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "dry run: nothing was written\n");
    assert_eq!(r.read("flags/nd.yaml"), before);
    assert_eq!(r.commit_count(), 1);
}

#[test]
fn no_commit_writes_only() {
    let r = setup();
    let run = r.run(&[
        "promote",
        "nd",
        "--env",
        "development",
        "--yes",
        "--no-commit",
    ]);
    run.success();
    assert_eq!(
        run.stderr,
        "wrote flags/nd.yaml (not committed: --no-commit)\n"
    );
    assert!(r.read("flags/nd.yaml").contains("stage: partners"));
    assert_eq!(r.commit_count(), 1);
    assert_eq!(
        r.status(),
        vec![("flags/nd.yaml".to_string(), git2::Status::WT_MODIFIED)]
    );
}

#[test]
fn outside_git_writes_and_says_nothing_was_committed() {
    let r = TestRepo::new();
    r.flag("nd", "  development: internal\n");
    let run = r.run(&["promote", "nd", "--env", "development", "--yes"]);
    run.success();
    assert_eq!(
        run.stderr,
        "wrote flags/nd.yaml; not in a git repository, so nothing was committed\n"
    );
    assert!(r.read("flags/nd.yaml").contains("stage: partners"));
}

#[test]
fn flags_root_inside_an_application_repository() {
    let r = TestRepo::empty();
    r.git_init();
    r.write("src/main.rs", "fn main() {}\n");
    r.write("config/flags/flags.yaml", crate::harness::SETTINGS);
    r.write(
        "config/flags/environments/development.yaml",
        "description: Dev\n",
    );
    r.write("config/flags/segments/internal.yaml", "users: [a]\n");
    r.write("config/flags/segments/partners.yaml", "users: [b]\n");
    r.write(
        "config/flags/flags/nd.yaml",
        "description: D\nowner: o\ntype: release\nenvironments:\n  development: internal\n",
    );
    r.commit_all("init", "2026-11-01");
    r.write("src/main.rs", "fn main() { todo!() }\n"); // unrelated unstaged work
    let run = r.run_in(
        &r.join("src"),
        &[
            "-C",
            "../config/flags",
            "promote",
            "nd",
            "--env",
            "development",
            "--yes",
        ],
    );
    run.success();
    assert_eq!(head_changes(&r), vec!["config/flags/flags/nd.yaml"]);
    assert_eq!(
        r.status(),
        vec![("src/main.rs".to_string(), git2::Status::WT_MODIFIED)]
    );
}

#[test]
fn first_commit_on_an_unborn_branch() {
    let r = setup_unborn();
    r.run(&["promote", "nd", "--env", "development", "--yes"])
        .success();
    assert_eq!(r.commit_count(), 1);
    assert_eq!(head_changes(&r), vec!["flags/nd.yaml"]);
    // Everything else is still untracked, as before.
    assert!(
        r.status()
            .iter()
            .any(|(p, s)| p == "flags.yaml" && *s == git2::Status::WT_NEW)
    );
}

fn setup_unborn() -> TestRepo {
    let r = TestRepo::new();
    r.git_init();
    r.flag("nd", "  development: internal\n");
    r
}

#[test]
fn missing_git_identity_is_a_clear_error() {
    let r = TestRepo::new();
    git2::Repository::init(r.path()).unwrap(); // no user.name / user.email anywhere
    r.flag("nd", "  development: internal\n");
    // The harness gives git an identity in the environment: take it away (git refuses an
    // empty name whatever it could guess from the host).
    let mut r = r;
    r.env.push(("GIT_AUTHOR_NAME".into(), String::new()));
    let run = r.run(&["promote", "nd", "--env", "development", "--yes"]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: git has no author identity to commit with ("),
        "{}",
        run.stderr
    );
    assert!(run.stderr.ends_with("hint: set one: `git config user.name \"Your Name\"` and `git config user.email you@example.com`, or pass `--no-commit`\n"), "{}", run.stderr);
    assert_eq!(
        r.read("flags/nd.yaml"),
        "description: Flag nd\nowner: team-a\ntype: release\nenvironments:\n  development: internal\n"
    );
}

#[test]
fn demote_is_never_blocked_and_warns_about_environments_left_ahead() {
    let r = TestRepo::new();
    r.git_init();
    r.flag(
        "nd",
        "  development: everyone\n  staging: everyone\n  production: partners\n",
    );
    r.commit_all("init", "2026-11-01");
    let run = r.run(&["demote", "nd", "--env", "staging", "--to", "off", "--yes"]);
    run.success();
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines[0],
        "warning: `production` is now ahead of `staging` (partners > off), which it comes after; demote it too: `flags demote nd --env production --to off`, or demote with `--cascade`"
    );
    assert!(
        lines[1].starts_with("committed ")
            && lines[1].ends_with(": flags: demote nd to off in staging")
    );
    assert_eq!(
        r.read("flags/nd.yaml"),
        "description: Flag nd\nowner: team-a\ntype: release\nenvironments:\n  development: everyone\n  staging:\n    stage: off\n    since: 2026-11-25\n  production: partners\n"
    );
    assert_eq!(head_changes(&r), vec!["flags/nd.yaml"]);
    // One stage back by default.
    r.run(&["demote", "nd", "--env", "production", "--yes"])
        .success();
    assert_eq!(
        head_message(&r),
        "flags: demote nd to internal in production\n"
    );
    let run = r.run(&["demote", "nd", "--env", "staging", "--yes"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: flag `nd` is already `off` in `staging`\n"
    );
}

#[test]
fn promote_without_since_dates_the_stage_from_history() {
    // Without a recorded `since`, soak time is measured from the commit that set the stage
    // (as `stale` dates it); only without any history is it left unchecked, with a warning.
    let settings = "pipeline:\n  - stage: internal\n    segments: [internal]\n    soak_days: 3\n  - stage: partners\n    segments: [partners]\n  - stage: everyone\n    rollout: 100\n";
    let r = TestRepo::new();
    r.write("flags.yaml", settings);
    r.git_init();
    r.flag("nd", "  development: internal\n");
    r.commit_all("init", "2026-11-01");
    r.flag("fresh", "  development: internal\n");
    r.commit_all("add fresh", "2026-11-24");
    // Entered on 2026-11-01: soaked.
    let run = r.run(&["promote", "nd", "--env", "development", "--yes"]);
    run.success();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    // Entered on 2026-11-24 (today is 2026-11-25): three days not yet passed.
    let run = r.run(&["promote", "fresh", "--env", "development", "--yes"]);
    run.code(2);
    assert!(
        run.stderr.starts_with("error: flag `fresh` entered `internal` in `development` on 2026-11-24; its soak time of 3 days ends on 2026-11-27"),
        "{}",
        run.stderr
    );
    // Outside git nothing dates it: promote goes ahead and says what it did not check.
    let plain = TestRepo::new();
    plain.write("flags.yaml", settings);
    plain.flag("nd", "  development: internal\n");
    let run = plain.run(&["promote", "nd", "--env", "development", "--yes"]);
    run.success();
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        "warning: flag `nd` has no `since` in `development` and git history does not date it, so its soak time of 3 days at `internal` was not checked"
    );
}

#[test]
fn a_failed_commit_puts_the_file_back() {
    let r = setup();
    let before = r.read("flags/nd.yaml");
    // A locked branch ref makes the commit itself fail after the file was written.
    let branch = r.git().head().unwrap().name().unwrap().to_string();
    r.write(&format!(".git/{branch}.lock"), "");
    let run = r.run(&["promote", "nd", "--env", "development", "--yes"]);
    run.code(2);
    assert!(run.stderr.starts_with("error: nothing was committed; the file was put back as it was\n  caused by: git refused the commit: "), "{}", run.stderr);
    assert!(run.stderr.contains(".lock"), "{}", run.stderr);
    assert_eq!(r.read("flags/nd.yaml"), before);
    assert_eq!(r.commit_count(), 1);
    assert_eq!(r.status(), vec![]);
}

#[test]
fn crlf_files_stay_crlf() {
    let r = TestRepo::new();
    r.git_init();
    r.write("flags/nd.yaml", "description: D\r\nowner: o\r\ntype: release\r\nenvironments:\r\n  development: internal\r\n");
    r.commit_all("init", "2026-11-01");
    r.run(&["promote", "nd", "--env", "development", "--yes"])
        .success();
    assert_eq!(
        r.read("flags/nd.yaml"),
        "description: D\r\nowner: o\r\ntype: release\r\nenvironments:\r\n  development:\r\n    stage: partners\r\n    since: 2026-11-25\r\n"
    );
    assert_eq!(r.status(), vec![]);
}

#[test]
fn dry_run_diff_is_coloured_only_when_asked() {
    let r = setup();
    let run = r.run(&[
        "--color",
        "always",
        "promote",
        "nd",
        "--env",
        "development",
        "--dry-run",
    ]);
    run.success();
    assert!(run.stdout.starts_with("\x1b[1m--- a/flags/nd.yaml\x1b[0m\n\x1b[1m+++ b/flags/nd.yaml\x1b[0m\n\x1b[36m@@ -2,6 +2,8 @@\x1b[0m\n"), "{:?}", run.stdout);
    assert!(run.stdout.contains("\x1b[31m-  development: internal  # dev first\x1b[0m\n\x1b[32m+  development:  # dev first\x1b[0m\n"), "{:?}", run.stdout);
    let plain = r.run(&["promote", "nd", "--env", "development", "--dry-run"]);
    assert!(!plain.stdout.contains('\x1b'));
}

#[test]
fn a_symlinked_flag_file_is_not_replaced() {
    let r = TestRepo::new();
    // The link stays inside the flags root, so the loader follows it.
    r.write(
        "flags/src/nd.txt",
        "description: D\nowner: o\ntype: release\nenvironments:\n  development: internal\n",
    );
    std::os::unix::fs::symlink("src/nd.txt", r.join("flags/nd.yaml")).unwrap();
    let run = r.run(&["promote", "nd", "--env", "development", "--yes"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: `flags/nd.yaml` is a symbolic link; replacing it would turn it into a copy\nhint: edit the file it points to by hand, or replace the link with the file itself\n"
    );
    assert!(
        std::fs::symlink_metadata(r.join("flags/nd.yaml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        r.read("flags/src/nd.txt")
            .contains("development: internal\n")
    );
}
