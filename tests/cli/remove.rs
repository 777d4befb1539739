//! `flags remove`: refuses while code mentions the key, then deletes the file and commits only
//! that deletion.

use crate::harness::{SETTINGS, TestRepo};

/// An application repository with the flags root in `config/flags`, one flag `old-checkout`
/// and a source file that still checks it.
fn app() -> TestRepo {
    let r = TestRepo::empty();
    r.git_init();
    r.write("config/flags/flags.yaml", SETTINGS);
    r.write(
        "config/flags/environments/production.yaml",
        "description: Prod\n",
    );
    r.write("config/flags/segments/internal.yaml", "users: [a]\n");
    r.write("config/flags/segments/partners.yaml", "users: [b]\n");
    r.write(
        "config/flags/flags/checkout/old-checkout.yaml",
        "description: Old checkout\nowner: team-a\ntype: release\nenvironments:\n  production: everyone\n",
    );
    r.write(
        "config/flags/flags/keep.yaml",
        "description: Keep\nowner: team-a\ntype: kill-switch\n",
    );
    r.write(
        "src/checkout.rs",
        "fn checkout() {\n    // the old flow\n    if flags.enabled(\"old-checkout\") {\n        old();\n    }\n}\n",
    );
    r.write("src/other.rs", "// old-checkout-v2 is a different key\n");
    r.commit_all("init", "2026-10-01");
    r
}

const FLAGS: &str = "config/flags";

fn head_message(r: &TestRepo) -> String {
    let git = r.git();
    let head = git.head().unwrap().peel_to_commit().unwrap();
    head.message().unwrap().to_string()
}

#[test]
fn refuses_while_code_mentions_the_key() {
    let r = app();
    let run = r.run(&["-C", FLAGS, "remove", "old-checkout", "--yes"]);
    run.code(2);
    assert_eq!(run.stdout, "");
    let top = r.path().canonicalize().unwrap();
    assert_eq!(
        run.stderr,
        format!(
            "error: code still mentions flag `old-checkout` (1 place under `{}`):\n  src/checkout.rs:3\nhint: remove the code that checks the flag first, or pass `--force` to delete it anyway\n",
            top.display()
        )
    );
    assert!(
        r.join("config/flags/flags/checkout/old-checkout.yaml")
            .exists()
    );
    assert_eq!(r.commit_count(), 1);
    assert!(r.status().is_empty(), "{:?}", r.status());
}

#[test]
fn removes_and_commits_only_the_deletion_once_the_code_is_gone() {
    let r = app();
    r.write("src/checkout.rs", "fn checkout() {\n    new();\n}\n");
    r.commit_all("use the new checkout", "2026-11-01");
    // Unrelated work in progress, staged and unstaged, must survive untouched.
    r.write("src/wip.rs", "// staged work\n");
    {
        let git = r.git();
        let mut index = git.index().unwrap();
        index.add_path(std::path::Path::new("src/wip.rs")).unwrap();
        index.write().unwrap();
    }
    r.write("src/other.rs", "// unstaged edit\n");

    let run = r.run(&["-C", FLAGS, "remove", "old-checkout", "--yes"]);
    run.success();
    assert_eq!(
        run.stdout,
        "--- a/flags/checkout/old-checkout.yaml\n+++ /dev/null\n@@ -1,5 +0,0 @@\n-description: Old checkout\n-owner: team-a\n-type: release\n-environments:\n-  production: everyone\n"
    );
    assert!(run.stderr.contains("no code under `"), "{}", run.stderr);
    assert!(
        !r.join("config/flags/flags/checkout/old-checkout.yaml")
            .exists()
    );
    assert_eq!(head_message(&r), "flags: remove old-checkout\n");
    assert_eq!(r.commit_count(), 3);

    // The commit deletes exactly that file.
    let git = r.git();
    let head = git.head().unwrap().peel_to_commit().unwrap();
    let parent = head.parent(0).unwrap();
    let diff = git
        .diff_tree_to_tree(
            Some(&parent.tree().unwrap()),
            Some(&head.tree().unwrap()),
            None,
        )
        .unwrap();
    let changes: Vec<(String, git2::Delta)> = diff
        .deltas()
        .map(|d| {
            (
                d.old_file().path().unwrap().to_string_lossy().into_owned(),
                d.status(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [(
            "config/flags/flags/checkout/old-checkout.yaml".to_string(),
            git2::Delta::Deleted
        )]
    );

    // The other work is exactly as it was: src/wip.rs staged, src/other.rs modified.
    let mut status = r.status();
    status.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        status,
        [
            ("src/other.rs".to_string(), git2::Status::WT_MODIFIED),
            ("src/wip.rs".to_string(), git2::Status::INDEX_NEW),
        ]
    );
    assert_eq!(r.read("src/other.rs"), "// unstaged edit\n");
}

#[test]
fn force_removes_despite_references_and_says_where() {
    let r = app();
    let run = r.run(&["-C", FLAGS, "remove", "old-checkout", "--yes", "--force"]);
    run.success();
    assert!(
        run.stderr.starts_with("warning: removing `old-checkout` although code still mentions it (--force):\n  src/checkout.rs:3\n"),
        "{}",
        run.stderr
    );
    assert!(
        !r.join("config/flags/flags/checkout/old-checkout.yaml")
            .exists()
    );
    assert_eq!(head_message(&r), "flags: remove old-checkout\n");
}

#[test]
fn dry_run_and_missing_yes_change_nothing() {
    let r = app();
    let run = r.run(&["-C", FLAGS, "remove", "keep", "--dry-run"]);
    run.success();
    assert_eq!(
        run.stdout,
        "--- a/flags/keep.yaml\n+++ /dev/null\n@@ -1,3 +0,0 @@\n-description: Keep\n-owner: team-a\n-type: kill-switch\n"
    );
    assert!(r.join("config/flags/flags/keep.yaml").exists());
    let run = r.run(&["-C", FLAGS, "remove", "keep"]);
    run.code(2);
    assert!(run.stderr.contains("pass `--yes`"), "{}", run.stderr);
    assert!(r.join("config/flags/flags/keep.yaml").exists());
    let run = r.run(&["-C", FLAGS, "remove"]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: missing flag KEY (no terminal to ask on)"),
        "{}",
        run.stderr
    );
    assert_eq!(r.commit_count(), 1);
    assert!(r.status().is_empty());
}

#[test]
fn unknown_key_and_dirty_file_are_refused() {
    let r = app();
    let run = r.run(&["-C", FLAGS, "remove", "kep", "--yes"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: unknown flag `kep`\nhint: did you mean `keep`?\n"
    );
    r.write(
        "config/flags/flags/keep.yaml",
        "description: Keep (edited)\nowner: team-a\ntype: kill-switch\n",
    );
    let run = r.run(&["-C", FLAGS, "remove", "keep", "--yes"]);
    run.code(2);
    assert!(run.stderr.contains("uncommitted changes"), "{}", run.stderr);
    assert_eq!(
        r.read("config/flags/flags/keep.yaml"),
        "description: Keep (edited)\nowner: team-a\ntype: kill-switch\n"
    );
    assert_eq!(r.commit_count(), 1);
}

#[test]
fn outside_git_the_file_is_deleted_and_nothing_committed() {
    let r = TestRepo::new();
    r.flag("gone", "  development: everyone\n");
    let run = r.run(&["remove", "gone", "--yes", "--refs", "."]);
    run.success();
    assert!(!r.join("flags/gone.yaml").exists());
    assert!(
        run.stderr.contains("nothing was committed"),
        "{}",
        run.stderr
    );
}

/// A flag that another flag requires is not removed (even with `--force`, which is about
/// code): the other flag would require an unknown flag and serve nothing defined. Removing
/// both in one command is fine.
#[test]
fn refuses_a_flag_another_flag_requires() {
    let r = app();
    r.write("src/checkout.rs", "fn checkout() {}\n");
    r.write(
        "config/flags/flags/new-checkout.yaml",
        "description: New\nowner: team-a\ntype: release\nrequires:\n  old-checkout: on\nenvironments:\n  production: everyone\n",
    );
    r.commit_all("requires", "2026-10-02");
    for force in [false, true] {
        let mut args = vec!["-C", FLAGS, "remove", "old-checkout", "--yes"];
        if force {
            args.push("--force");
        }
        let run = r.run(&args);
        run.code(2);
        assert_eq!(
            run.stderr,
            "error: other flags require it; without it they would serve nothing defined:\n  flags/new-checkout.yaml:5:3: `new-checkout` requires `old-checkout`\nhint: remove each `requires` entry first (or remove those flags in the same command); nothing was changed\n"
        );
    }
    assert_eq!(r.commit_count(), 2);
    assert!(r.status().is_empty(), "{:?}", r.status());
    let run = r.run(&[
        "-C",
        FLAGS,
        "remove",
        "old-checkout",
        "new-checkout",
        "--yes",
    ]);
    run.success();
    assert_eq!(r.commit_count(), 3);
    assert_eq!(
        head_message(&r),
        "flags: remove old-checkout, new-checkout\n"
    );
    r.run(&["-C", FLAGS, "validate"]).success();
}
