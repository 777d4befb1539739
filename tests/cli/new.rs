//! `flags new`: the file it writes, its commit, and its refusals.

use crate::harness::TestRepo;

#[test]
fn new_writes_a_tidy_file_at_the_first_stage_and_commits_it() {
    let r = TestRepo::new();
    r.git_init();
    r.commit_all("init", "2026-11-01");
    let run = r.run(&[
        "new",
        "new-checkout",
        "--owner",
        "team-pay",
        "--description",
        "One-page checkout: v2",
        "--expires",
        "2027-01-31",
        "--yes",
    ]);
    run.success();
    let expected = "description: \"One-page checkout: v2\"\nowner: team-pay\ntype: release\ncreated: 2026-11-25\nexpires: 2027-01-31\nenvironments:\n  development:\n    stage: internal\n    since: 2026-11-25\n  staging:\n    stage: internal\n    since: 2026-11-25\n  production:\n    stage: internal\n    since: 2026-11-25\n";
    assert_eq!(r.read("flags/new-checkout.yaml"), expected);
    let mut diff = String::from("--- /dev/null\n+++ b/flags/new-checkout.yaml\n@@ -0,0 +1,15 @@\n");
    for l in expected.lines() {
        diff.push_str(&format!("+{l}\n"));
    }
    assert_eq!(run.stdout, diff);
    let git = r.git();
    let head = git.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.message().unwrap(), "flags: new new-checkout\n");
    assert_eq!(r.commit_count(), 2);
    assert_eq!(r.status(), vec![]);
    r.run(&["validate"]).success();
}

#[test]
fn new_refuses_existing_keys_bad_names_and_missing_values() {
    let r = TestRepo::new();
    r.flag("taken", "  development: internal\n");
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "new",
                "taken",
                "--owner",
                "o",
                "--description",
                "d",
                "--yes",
            ],
            "error: flag `taken` already exists in `flags/taken.yaml`\n",
        ),
        (
            &[
                "new",
                "Bad_Key",
                "--owner",
                "o",
                "--description",
                "d",
                "--yes",
            ],
            "error: `Bad_Key` is not a valid flag key\nhint: use lowercase letters and digits, separated by single `.`, `_` or `-`, at most 64 characters\n",
        ),
        (
            &["new", "fresh", "--description", "d", "--yes"],
            "error: missing `--owner` (no terminal to ask on)\nhint: pass it: `flags new KEY --owner OWNER --description TEXT --yes`\n",
        ),
        (
            &[
                "new",
                "fresh",
                "--owner",
                "o",
                "--description",
                "d",
                "--expires",
                "soon",
                "--yes",
            ],
            "error: `--expires soon` is not a date\nhint: write it as YYYY-MM-DD\n",
        ),
    ];
    for (args, stderr) in cases {
        let run = r.run(args);
        run.code(2);
        assert_eq!(run.stderr, stderr, "{args:?}");
    }
    assert!(!r.join("flags/fresh.yaml").exists());
}
