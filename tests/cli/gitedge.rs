//! Git layouts a flags repository can live in: detached HEAD, submodules, linked worktrees,
//! a bare repository. (An unborn branch is in `promote.rs`: `first_commit_on_an_unborn_branch`.)

use crate::harness::{Run, TestRepo, head_file};

fn setup() -> TestRepo {
    let r = TestRepo::new();
    r.git_init();
    r.flag("nd", "  development: internal\n");
    r.commit_all("init", "2026-11-01");
    r
}

const PROMOTE: [&str; 5] = ["promote", "nd", "--env", "development", "--yes"];

#[track_caller]
fn git_ok(r: &TestRepo, cwd: &std::path::Path, args: &[&str]) -> Run {
    let run = r.git_cli(cwd, args);
    run.code(0);
    run
}

/// Like `git commit`, a promote on a detached HEAD commits there and moves HEAD; no branch
/// moves.
#[test]
fn detached_head_commits_on_the_detached_head() {
    let r = setup();
    let repo = r.git();
    let init = repo.head().unwrap().target().unwrap();
    let branch = repo.head().unwrap().name().unwrap().to_string();
    repo.set_head_detached(init).unwrap();
    r.run(&PROMOTE).success();
    let repo = r.git();
    assert!(repo.head_detached().unwrap());
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.parent_id(0).unwrap(), init);
    assert_eq!(
        head.message(),
        Ok("flags: promote nd to partners in development\n")
    );
    assert_eq!(
        repo.find_reference(&branch).unwrap().target(),
        Some(init),
        "the branch must not move"
    );
    assert_eq!(r.status(), vec![]);
}

/// A submodule (even with changes of its own) neither blocks the promote nor gets committed.
#[test]
fn a_submodule_does_not_confuse_status_or_the_commit() {
    let r = setup();
    let upstream = tempfile::tempdir().unwrap();
    git_ok(&r, upstream.path(), &["init", "-q"]);
    std::fs::write(upstream.path().join("lib.rs"), "// lib\n").unwrap();
    git_ok(&r, upstream.path(), &["add", "lib.rs"]);
    git_ok(&r, upstream.path(), &["commit", "-qm", "lib"]);
    let url = upstream.path().to_str().unwrap();
    git_ok(
        &r,
        r.path(),
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            url,
            "vendor/lib",
        ],
    );
    git_ok(&r, r.path(), &["commit", "-qm", "add submodule"]);
    // Work in progress inside the submodule.
    r.write("vendor/lib/lib.rs", "// changed\n");
    let status = r.status();
    assert_eq!(status.len(), 1, "{status:?}");
    assert_eq!(status[0].0, "vendor/lib");
    let before = r.commit_count();

    r.run(&PROMOTE).success();
    assert_eq!(r.commit_count(), before + 1);
    let repo = r.git();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let diff = repo
        .diff_tree_to_tree(
            Some(&head.parent(0).unwrap().tree().unwrap()),
            Some(&head.tree().unwrap()),
            None,
        )
        .unwrap();
    let changed: Vec<String> = diff
        .deltas()
        .map(|d| d.new_file().path().unwrap().display().to_string())
        .collect();
    assert_eq!(changed, vec!["flags/nd.yaml"]);
    assert_eq!(r.status(), status, "the submodule's state is untouched");
    assert_eq!(r.read("vendor/lib/lib.rs"), "// changed\n");
}

/// A linked worktree (`git worktree add`) commits to its own branch; the main worktree and
/// its branch do not change.
#[test]
fn a_linked_worktree_commits_to_its_own_branch() {
    let r = setup();
    let outside = tempfile::tempdir().unwrap();
    let wt = outside.path().join("wt");
    git_ok(
        &r,
        r.path(),
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "feature",
            wt.to_str().unwrap(),
        ],
    );
    let main = r.git();
    let main_branch = main.head().unwrap().name().unwrap().to_string();
    let init = main.head().unwrap().target().unwrap();

    let run = r.run_in(&wt, &PROMOTE);
    run.success();
    let feature = main.find_reference("refs/heads/feature").unwrap();
    let commit = feature.peel_to_commit().unwrap();
    assert_eq!(commit.parent_id(0).unwrap(), init);
    assert_eq!(
        commit.message(),
        Ok("flags: promote nd to partners in development\n")
    );
    assert_eq!(
        main.find_reference(&main_branch).unwrap().target(),
        Some(init)
    );
    // The worktree is clean and holds the change; the main worktree is as it was.
    assert_eq!(git_ok(&r, &wt, &["status", "--porcelain"]).stdout, "");
    let wt_repo = git2::Repository::open(&wt).unwrap();
    assert!(
        head_file(&wt_repo, "flags/nd.yaml")
            .unwrap()
            .contains("stage: partners")
    );
    assert_eq!(r.status(), vec![]);
    assert!(r.read("flags/nd.yaml").contains("development: internal"));
}

/// A bare repository has no work tree and so no flags root: a clear exit 2, for reading
/// and for changing commands alike.
#[test]
fn a_bare_repository_is_a_clear_error() {
    let r = TestRepo::empty();
    let bare = r.join("bare.git");
    git_ok(
        &r,
        r.path(),
        &["init", "-q", "--bare", bare.to_str().unwrap()],
    );
    for args in [
        &["validate"][..],
        &["list"],
        &["diff"],
        &["promote", "nd", "--env", "development", "--yes"],
        &["new", "nd", "--owner", "o", "--description", "D", "--yes"],
    ] {
        let mut full = vec!["-C", "bare.git"];
        full.extend_from_slice(args);
        let run = r.run(&full);
        run.code(2);
        assert!(
            run.stderr.starts_with("error: ") && !run.stderr.contains("panicked"),
            "{args:?}: {run:?}"
        );
        assert!(
            run.stderr.contains("flags.yaml"),
            "{args:?}: the error should say what is missing: {run:?}"
        );
    }
}
