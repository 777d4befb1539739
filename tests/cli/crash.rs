//! Crash safety: `promote`, `demote` and `new` killed with SIGKILL at random points. Every
//! file always parses and the repository always validates; what a kill can leave behind is
//! only ever one of the states listed in `Leftovers`, each refused cleanly or recovered with
//! an ordinary git command, and a run that is not killed leaves no temporary file.

use crate::harness::{Rng, Run, TestRepo, finish};

const FLAGS: usize = 4;
const ENVS: [&str; 2] = ["development", "production"];

/// No gates: any sequence of promotions and demotions keeps the repository valid, so a
/// validation error can only come from a damaged file.
fn setup() -> TestRepo {
    let r = TestRepo::new();
    r.write("environments/staging.yaml", "description: Staging\n");
    r.write("environments/production.yaml", "description: Production\n");
    r.git_init();
    for i in 0..FLAGS {
        r.flag(
            &format!("f{i}"),
            "  development: internal  # first\n  production:\n    stage: 'internal'\n",
        );
    }
    r.commit_all("init", "2026-11-01");
    r
}

fn git(r: &TestRepo, args: &[&str]) -> Run {
    r.git_cli(r.path(), args)
}

/// Temporary files of `atomic_write` anywhere under the flags root.
fn temp_files(r: &TestRepo) -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![r.path().to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name == ".git" {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                dirs.push(e.path());
            } else if name.starts_with(".flags-tmp-") {
                found.push(e.path().display().to_string());
            }
        }
    }
    found
}

/// Lock files git2 left in the git directory, other than the index's and flags' own (whose
/// `flock` dies with the process).
fn git_locks(r: &TestRepo) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![r.join(".git")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                dirs.push(e.path());
            } else if name.ends_with(".lock") && name != "flags.lock" && name != "index.lock" {
                found.push(e.path());
            }
        }
    }
    found
}

/// Every flag file on disk and in HEAD parses, and `flags validate` finds no error.
#[track_caller]
fn assert_consistent(r: &TestRepo, context: &str) {
    let v = r.run(&["validate"]);
    assert_eq!(
        v.code, 0,
        "{context}: validate failed:\n{}{}",
        v.stdout, v.stderr
    );
    let repo = r.git();
    let tree = repo.head().unwrap().peel_to_tree().unwrap();
    let flags = repo
        .find_tree(tree.get_path("flags".as_ref()).unwrap().id())
        .unwrap();
    for entry in flags.iter() {
        let blob = repo.find_blob(entry.id()).unwrap();
        let text = std::str::from_utf8(blob.content()).unwrap();
        assert!(
            flags::repo::parse_flag(text).is_ok(),
            "{context}: {:?} in HEAD does not parse:\n{text}",
            entry.name()
        );
    }
}

/// What the kills left behind, counted for the test's output.
#[derive(Debug, Default)]
struct Leftovers {
    killed: usize,
    finished: usize,
    temp_files: usize,
    index_locks: usize,
    ref_or_reflog_locks: usize,
    written_not_committed: usize,
    index_behind_head: usize,
}

#[test]
fn sigkill_at_random_points_never_damages_the_repository() {
    let r = setup();
    let mut rng = Rng(0x5eed_f1a9_2026_1125);
    let mut seen = Leftovers::default();
    let lock = r.join(".git/index.lock");
    for i in 0..80 {
        let key = format!("f{}", rng.below(FLAGS as u64));
        let env = ENVS[rng.below(2) as usize];
        let new_key = format!("n{i}");
        let args: Vec<&str> = match rng.below(5) {
            0 | 1 => vec!["promote", &key, "--env", env, "--yes"],
            2 | 3 => vec!["demote", &key, "--env", env, "--yes"],
            _ => vec![
                "new",
                &new_key,
                "--owner",
                "o",
                "--description",
                "D",
                "--yes",
            ],
        };
        let context = format!("run {i}: {args:?}");
        let commits = r.commit_count();
        let temps = temp_files(&r).len();
        let child = r.spawn(&args);
        let delay = rng.below(31);
        let mut child = child;
        // Every eighth run is left alone, so normal runs are checked whatever the speed of
        // the machine.
        if i % 8 != 7 {
            std::thread::sleep(std::time::Duration::from_millis(delay));
            let _ = child.kill(); // SIGKILL; an error means it had already exited
        }
        let run = finish(child);
        assert_consistent(&r, &context);
        if run.code == -1 {
            seen.killed += 1;
        } else {
            // Not killed: a normal run with a normal outcome and nothing left behind.
            seen.finished += 1;
            assert!(run.code == 0 || run.code == 2, "{context}: {run:?}");
            assert_eq!(temp_files(&r).len(), temps, "{context}: temp file left");
            let expected = commits + usize::from(run.code == 0);
            assert_eq!(r.commit_count(), expected, "{context}: {run:?}");
            if run.code == 2 {
                assert!(run.stderr.starts_with("error: "), "{context}: {run:?}");
            }
        }
        // Whatever was left is one of these, each found and recovered the way a user would.
        if lock.exists() {
            seen.index_locks += 1;
            let refused = r.run(&["promote", "f0", "--env", "development", "--yes"]);
            refused.code(2);
            assert!(
                refused
                    .stderr
                    .starts_with("error: the git index is locked ("),
                "{context}: {refused:?}"
            );
            std::fs::remove_file(&lock).unwrap();
        }
        let stale = git_locks(&r);
        if !stale.is_empty() {
            // Killed while git2 held a reference or reflog lock: the next commit fails, puts
            // the file back and says why.
            seen.ref_or_reflog_locks += 1;
            let probe = format!("probe{i}");
            let refused = r.run(&["new", &probe, "--owner", "o", "--description", "D", "--yes"]);
            refused.code(2);
            assert!(
                refused.stderr.starts_with("error: nothing was committed; the file was put back as it was\n  caused by: git refused the commit: failed to lock file")
                    && refused.stderr.ends_with("hint: another git command is running; wait for it, or remove the lock file if it crashed\n"),
                "{context}: {stale:?} {refused:?}"
            );
            assert!(
                !r.join(&format!("flags/{probe}.yaml")).exists(),
                "{context}"
            );
            for l in stale {
                std::fs::remove_file(l).unwrap();
            }
        }
        if !r.status().is_empty() {
            // Killed between writing and committing (a changed or new flag file), or between
            // the commit and the index update (the index is behind HEAD). The file parses
            // (checked above); git puts it back.
            let status = r.status();
            if status
                .iter()
                .any(|(_, s)| s.is_index_modified() || s.is_index_deleted())
            {
                seen.index_behind_head += 1;
            } else {
                assert!(
                    status
                        .iter()
                        .all(|(p, s)| p.starts_with("flags/")
                            && (s.is_wt_modified() || s.is_wt_new())),
                    "{context}: {status:?}"
                );
                seen.written_not_committed += 1;
            }
            git(&r, &["reset", "-q", "--hard"]).code(0);
            for f in temp_files(&r) {
                std::fs::remove_file(f).unwrap();
            }
            git(&r, &["clean", "-fdq", "flags"]).code(0);
        }
        seen.temp_files += temp_files(&r).len();
        for f in temp_files(&r) {
            std::fs::remove_file(f).unwrap();
        }
        assert_eq!(r.status(), vec![], "{context}");
    }
    eprintln!("{seen:?}");
    // The seed makes both kinds of run happen.
    assert!(seen.killed > 0 && seen.finished > 0, "{seen:?}");
    // After all that, git and flags work normally, and a normal run leaves nothing behind.
    git(&r, &["fsck", "--no-progress"]).code(0);
    git(&r, &["status", "--porcelain"]).code(0);
    let before = r.commit_count();
    let run = r.run(&[
        "new",
        "after-crashes",
        "--owner",
        "o",
        "--description",
        "D",
        "--yes",
    ]);
    run.success();
    assert_eq!(r.commit_count(), before + 1);
    assert_eq!(temp_files(&r), Vec::<String>::new());
    assert_eq!(r.status(), vec![]);
    assert_consistent(&r, "after the crashes");
}
