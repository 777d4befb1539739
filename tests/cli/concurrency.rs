//! Several `flags` processes changing one repository at the same time: every run either
//! commits or refuses with exit 2, the commits are exactly the successes, nothing is lost
//! and the work tree ends clean.

use crate::harness::{Run, TestRepo, finish, head_file};

const FLAGS: usize = 6;

/// A committed repository with `FLAGS` flags at `internal` in development.
fn setup() -> TestRepo {
    let r = TestRepo::new();
    r.git_init();
    for i in 0..FLAGS {
        r.flag(&format!("f{i}"), "  development: internal\n");
    }
    r.commit_all("init", "2026-11-01");
    r
}

/// The refusals a concurrent run may give: each names what happened and changes nothing.
fn is_clean_refusal(run: &Run) -> bool {
    run.code == 2
        && run.stderr.starts_with("error: ")
        && (run.stderr.contains("nothing was changed")
            || run.stderr.contains("nothing was committed")
            || run.stderr.contains("there is nothing to promote to"))
}

#[test]
fn simultaneous_promotes_of_different_flags_all_land() {
    let r = setup();
    for (round, (from, to)) in [("internal", "partners"), ("partners", "everyone")]
        .into_iter()
        .enumerate()
    {
        let before = r.commit_count();
        let children: Vec<_> = (0..FLAGS)
            .map(|i| {
                let key = format!("f{i}");
                r.spawn(&["promote", &key, "--env", "development", "--yes"])
            })
            .collect();
        let runs: Vec<Run> = children.into_iter().map(finish).collect();
        let git = r.git();
        let mut successes = 0;
        for (i, run) in runs.iter().enumerate() {
            let rel = format!("flags/f{i}.yaml");
            let disk = r.read(&rel);
            let head = head_file(&git, &rel).expect("flag file in HEAD");
            assert_eq!(disk, head, "round {round}: {rel} differs from HEAD");
            match run.code {
                0 => {
                    successes += 1;
                    assert!(
                        disk.contains(&format!("stage: {to}\n")),
                        "round {round}: {rel} lost its promotion:\n{disk}\n{run:?}"
                    );
                }
                _ => {
                    assert!(is_clean_refusal(run), "round {round}: f{i}: {run:?}");
                    assert!(disk.contains(from), "{disk}");
                }
            }
        }
        assert_eq!(
            r.commit_count() - before,
            successes,
            "round {round}: {runs:?}"
        );
        assert_eq!(r.status(), vec![], "round {round}: work tree not clean");
        // The runs queue on one lock rather than race, so none needs to refuse.
        assert_eq!(successes, FLAGS, "round {round}: {runs:?}");
    }
}

/// Two runs promoting the same flag: the second must not overwrite the first's change with
/// an edit planned from the old text.
#[test]
fn simultaneous_promotes_of_one_flag_never_lose_an_update() {
    for attempt in 0..4 {
        let r = setup();
        let children: Vec<_> = (0..4)
            .map(|_| r.spawn(&["promote", "f0", "--env", "development", "--yes"]))
            .collect();
        let runs: Vec<Run> = children.into_iter().map(finish).collect();
        let successes = runs.iter().filter(|run| run.code == 0).count();
        for run in &runs {
            assert!(run.code == 0 || is_clean_refusal(run), "{run:?}");
        }
        assert_eq!(
            r.commit_count() - 1,
            successes,
            "attempt {attempt}: {runs:?}"
        );
        let disk = r.read("flags/f0.yaml");
        assert_eq!(Some(disk.clone()), head_file(&r.git(), "flags/f0.yaml"));
        // Each success moved the flag exactly one stage from what it saw.
        let expected = ["internal", "partners", "everyone"][successes.min(2)];
        assert!(
            disk.contains(&format!("stage: {expected}\n")) || successes == 0,
            "attempt {attempt}: {successes} successes but\n{disk}\n{runs:?}"
        );
        assert_eq!(r.status(), vec![]);
    }
}

// A held `index.lock` (exit 2, exact message, file and history untouched) is tested in
// `promote.rs`: `promote_refuses_when_the_index_is_locked`.
