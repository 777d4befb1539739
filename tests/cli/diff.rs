//! `flags diff`: semantic changes between revisions, as text and JSON.

use crate::harness::TestRepo;

fn setup() -> TestRepo {
    let r = TestRepo::new();
    r.git_init();
    r.flag("nd", "  development: internal\n  production: internal\n");
    r.flag("old", "  development: everyone\n");
    r.commit_all("init", "2026-11-01");
    r
}

#[test]
fn diff_head_against_the_working_tree_as_text() {
    let r = setup();
    r.flag(
        "nd",
        "  development: partners\n  production:\n    stage: internal\n    segments: [partners]\n",
    );
    std::fs::remove_file(r.join("flags/old.yaml")).unwrap();
    r.write("flags/team/fresh.yaml", "description: Fresh\nowner: team-b\ntype: experiment\nenvironments:\n  development: internal\n");
    let run = r.run(&["diff"]);
    run.success();
    assert_eq!(
        run.stdout,
        "+ fresh (added, flags/team/fresh.yaml)\n    development: off -> internal\n~ nd (changed, flags/nd.yaml)\n    development: internal -> partners\n    production: audience internal -> internal + partners\n- old (removed, flags/old.yaml)\n    development: everyone -> off\n"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn diff_between_two_revisions_as_json() {
    let r = setup();
    let base = r.git().head().unwrap().target().unwrap().to_string();
    r.write("flags/nd.yaml", "description: Flag nd\nowner: team-z\ntype: release\nenvironments:\n  development: partners\n  production: internal\n");
    r.write("flags.yaml", "pipeline:\n  - stage: internal\n    segments: [internal]\n    soak_days: 1\n  - stage: partners\n    segments: [partners]\n  - stage: everyone\n    rollout: 100\n");
    r.commit_all("second", "2026-11-02");
    r.write("flags/nd.yaml", "garbage: [\n"); // the working tree does not matter here
    let run = r.run(&["diff", &base, "HEAD", "--format", "json"]);
    run.success();
    assert_eq!(
        run.json(),
        serde_json::json!({
            "base": base,
            "head": "HEAD",
            "flags": [{
                "key": "nd",
                "change": "changed",
                "file": "flags/nd.yaml",
                "fields": [{"field": "owner", "from": "team-a", "to": "team-z"}],
                "environments": [{
                    "environment": "development",
                    "from": "internal",
                    "to": "partners",
                    "audience": {
                        "from": {"segments": ["internal"], "rollout": 0.0},
                        "to": {"segments": ["internal", "partners"], "rollout": 0.0}
                    }
                }]
            }],
            "pipeline": [{
                "stage": "internal",
                "change": "changed",
                "from": {"position": 1, "segments": ["internal"], "rollout": null, "soak_days": null},
                "to": {"position": 1, "segments": ["internal"], "rollout": null, "soak_days": 1}
            }]
        })
    );
}

#[test]
fn diff_in_a_flags_root_inside_an_application_repository() {
    let r = TestRepo::empty();
    r.git_init();
    r.write("app/main.rs", "fn main() {}\n");
    r.write("ops/flags/flags.yaml", crate::harness::SETTINGS);
    r.write(
        "ops/flags/environments/production.yaml",
        "description: Prod\n",
    );
    r.write("ops/flags/segments/internal.yaml", "users: [a]\n");
    r.write("ops/flags/segments/partners.yaml", "users: [b]\n");
    r.write(
        "ops/flags/flags/nd.yaml",
        "description: D\nowner: o\ntype: release\nenvironments:\n  production: internal\n",
    );
    r.commit_all("init", "2026-11-01");
    r.write(
        "ops/flags/flags/nd.yaml",
        "description: D\nowner: o\ntype: release\nenvironments:\n  production: partners\n",
    );
    let run = r.run(&["-C", "ops/flags", "diff"]);
    run.success();
    assert_eq!(
        run.stdout,
        "~ nd (changed, flags/nd.yaml)\n    production: internal -> partners\n"
    );
}

#[test]
fn diff_without_changes_says_so() {
    let r = setup();
    let run = r.run(&["diff"]);
    run.success();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "no flag changes between HEAD and working tree\n"
    );
    let run = r.run(&["diff", "--format", "json"]);
    assert_eq!(
        run.json(),
        serde_json::json!({"base": "HEAD", "head": "working tree", "flags": [], "pipeline": []})
    );
}

#[test]
fn diff_refuses_unknown_revisions_and_no_git() {
    let r = setup();
    let run = r.run(&["diff", "nope"]);
    run.code(2);
    assert!(
        run.stderr.starts_with("error: unknown revision `nope`: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with("hint: pass a branch, tag or commit, e.g. `origin/main`; in CI, fetch it first (GitHub Actions: `fetch-depth: 0` on actions/checkout)\n"),
        "{}",
        run.stderr
    );
    let plain = TestRepo::new();
    let run = plain.run(&["diff"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: `flags diff` compares git revisions, and the flags root is not in a git repository\n"
    );
}
