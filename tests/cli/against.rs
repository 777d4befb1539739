//! `flags validate --against REV`: the pipeline rules on what changed since REV, located on
//! the changed stage value.

use crate::harness::TestRepo;

const SOAK_SETTINGS: &str = "pipeline:\n  - stage: internal\n    segments: [internal]\n    soak_days: 2\n  - stage: partners\n    segments: [partners]\n  - stage: everyone\n    rollout: 100\n";

fn setup(envs: &str) -> TestRepo {
    let r = TestRepo::new();
    r.write("flags.yaml", SOAK_SETTINGS);
    r.git_init();
    r.flag("nd", envs);
    r.commit_all("base", "2026-11-01");
    r
}

#[track_caller]
fn assert_against(r: &TestRepo, stdout: &str) {
    let run = r.run(&["validate", "--against", "HEAD"]);
    run.code(if stdout.is_empty() { 0 } else { 1 });
    assert_eq!(run.stdout, stdout);
}

#[test]
fn a_move_of_more_than_one_stage_is_an_error() {
    let r = setup("  development:\n    stage: internal\n    since: 2026-11-01\n");
    r.flag(
        "nd",
        "  development:\n    stage: everyone\n    since: 2026-11-25\n",
    );
    assert_against(
        &r,
        "flags/nd.yaml:6:12: error: flag `nd` moves from `internal` to `everyone` in `development`, skipping `partners`; promote one stage at a time\n",
    );
}

#[test]
fn a_new_flag_past_the_first_stage_is_an_error() {
    let r = setup("  development: internal\n");
    r.write(
        "flags/team/fresh.yaml",
        "description: F\nowner: o\ntype: release\nenvironments:\n  development: partners\n",
    );
    assert_against(
        &r,
        "flags/team/fresh.yaml:5:16: error: new flag `fresh` starts at `partners` in `development`; new flags start at `internal` and are promoted one stage at a time (`flags promote`)\n",
    );
}

#[test]
fn a_promotion_before_soak_time_is_an_error() {
    let r = setup("  development:\n    stage: internal\n    since: 2026-11-24\n");
    r.flag(
        "nd",
        "  development:\n    stage: partners\n    since: 2026-11-25\n",
    );
    assert_against(
        &r,
        "flags/nd.yaml:6:12: error: flag `nd` leaves `internal` in `development` on 2026-11-25, before its soak time of 2 days ends on 2026-11-26 (entered 2026-11-24)\n",
    );
}

#[test]
fn a_stage_change_that_keeps_the_old_since_is_an_error() {
    let r = setup("  development:\n    stage: internal  # c\n    since: 2026-11-01\n");
    r.flag(
        "nd",
        "  development:\n    stage: partners  # c\n    since: 2026-11-01\n",
    );
    assert_against(
        &r,
        "flags/nd.yaml:6:12: error: flag `nd` changes stage in `development` (internal -> partners) but keeps `since: 2026-11-01` from the previous stage; set `since` to the date of this change (`flags promote`/`flags demote` do)\n",
    );
}

#[test]
fn what_promote_writes_passes() {
    let r = setup("  development:\n    stage: internal\n    since: 2026-11-01\n");
    r.run(&["promote", "nd", "--env", "development", "--yes"])
        .success();
    let run = r.run(&["validate", "--against", "HEAD~1"]);
    run.success();
    assert_eq!(run.stdout, "");
    // Unchanged flags are not checked against the pipeline at all.
    assert_against(&r, "");
}

#[test]
fn against_json_output_and_unknown_revision() {
    let r = setup("  development: internal\n");
    r.flag("nd", "  development: everyone\n");
    let run = r.run(&["validate", "--against", "HEAD", "--format", "json"]);
    run.code(1);
    assert_eq!(
        run.json(),
        serde_json::json!({"valid": false, "root": std::fs::canonicalize(r.path()).unwrap().to_str().unwrap(), "errors": 1, "warnings": 0, "problems": [{
            "severity": "error", "file": "flags/nd.yaml", "line": 5, "column": 16,
            "message": "flag `nd` moves from `internal` to `everyone` in `development`, skipping `partners`; promote one stage at a time"
        }]})
    );
    let run = r.run(&["validate", "--against", "no-such-branch"]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: unknown revision `no-such-branch`"),
        "{}",
        run.stderr
    );
    // The command cannot run: `--format json` still prints its one object (exit 2), and
    // the error goes to stderr as in every format.
    let run = r.run(&[
        "validate",
        "--against",
        "no-such-branch",
        "--format",
        "json",
    ]);
    run.code(2);
    assert_eq!(
        run.json(),
        serde_json::json!({
            "valid": false,
            "error": "unknown revision `no-such-branch`: revspec 'no-such-branch' not found",
            "hint": "pass a branch, tag or commit, e.g. `origin/main`; in CI, fetch it first (GitHub Actions: `fetch-depth: 0` on actions/checkout)"
        })
    );
    assert!(
        run.stderr
            .starts_with("error: unknown revision `no-such-branch`")
    );
}

/// A flag whose file could not be read at the base is not "new" there (nor compared): fixing
/// a broken file is no promotion.
#[test]
fn a_file_fixed_since_the_base_is_not_a_new_flag() {
    let r = TestRepo::new();
    r.write("flags.yaml", SOAK_SETTINGS);
    r.git_init();
    r.write(
        "flags/nd.yaml",
        "description: [broken\nowner: team-a\ntype: release\nenvironments:\n  development: everyone\n",
    );
    r.commit_all("base", "2026-11-01");
    r.flag("nd", "  development: everyone\n");
    assert_against(&r, "");
}
