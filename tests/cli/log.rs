//! `flags log`: stage transitions from real git history, with the flags root in a sub-folder
//! of an application repository.

use crate::harness::{SETTINGS, TestRepo};

fn checkout(r: &TestRepo, dir: &str, comment: &str, dev: &str, staging: &str, prod: &str) {
    r.write(
        &format!("ops/flags/{dir}/checkout.yaml"),
        format!("{comment}description: New checkout\nowner: team-pay\ntype: release\nenvironments:\n  development: {dev}\n  staging: {staging}\n  production: {prod}\n"),
    );
}

/// Returns the repository and the ids of the commits that moved a stage, newest first.
fn history() -> (TestRepo, Vec<String>) {
    let r = TestRepo::empty();
    r.git_init();
    r.write("ops/flags.yaml", SETTINGS);
    r.write("ops/environments/development.yaml", "");
    r.write("ops/environments/staging.yaml", "after: development\n");
    r.write("ops/environments/production.yaml", "after: staging\n");
    r.write("ops/segments/internal.yaml", "users: [ops-bot]\n");
    r.write("ops/segments/partners.yaml", "users: [globex]\n");
    r.write("src/main.rs", "fn main() {}\n");
    checkout(&r, "team-a", "", "internal", "internal", "internal");
    let c1 = r.commit_all("add checkout", "2026-10-01");
    r.write("src/main.rs", "fn main() { checkout() }\n");
    r.commit_all("app code", "2026-10-05");
    checkout(&r, "team-a", "", "everyone", "internal", "internal");
    let c2 = r.commit_all("checkout to everyone in development", "2026-10-10");
    checkout(
        &r,
        "team-a",
        "# owned by payments\n",
        "everyone",
        "internal",
        "internal",
    );
    r.commit_all("comment only", "2026-10-12");
    // Moved to another team's folder in the same commit as a promotion: one transition, no
    // re-creation.
    std::fs::remove_file(r.join("ops/flags/team-a/checkout.yaml")).unwrap();
    checkout(
        &r,
        "team-b",
        "# owned by payments\n",
        "everyone",
        "partners",
        "internal",
    );
    let c3 = r.commit_all("move checkout, partners in staging", "2026-10-15");
    checkout(
        &r,
        "team-b",
        "# owned by payments\n",
        "partners",
        "partners",
        "internal",
    );
    r.write("ops/flags/search.yaml", "description: Search\nowner: team-find\ntype: experiment\nenvironments:\n  development: internal\n");
    let c4 = r.commit_all("demote checkout in development, add search", "2026-10-20");
    (
        r,
        [c4, c3, c2, c1].iter().map(|id| id.to_string()).collect(),
    )
}

#[test]
fn log_text_newest_first() {
    let (r, c) = history();
    let run = r.run(&["-C", "ops", "log"]);
    run.success();
    assert_eq!(
        run.stdout,
        format!(
            "\
DATE        COMMIT   AUTHOR       FLAG      ENVIRONMENT  CHANGE
2026-10-20  {0}  Test Author  checkout  development  everyone -> partners
2026-10-20  {0}  Test Author  search    development  off -> internal
2026-10-15  {1}  Test Author  checkout  staging      internal -> partners
2026-10-10  {2}  Test Author  checkout  development  internal -> everyone
2026-10-01  {3}  Test Author  checkout  development  off -> internal
2026-10-01  {3}  Test Author  checkout  staging      off -> internal
2026-10-01  {3}  Test Author  checkout  production   off -> internal
",
            &c[0][..7],
            &c[1][..7],
            &c[2][..7],
            &c[3][..7]
        )
    );
    // Four commits changed stages; the walk read all six.
    assert_eq!(
        run.stderr,
        "7 stage change(s) in 4 commit(s) (6 commit(s) read)\n"
    );
}

#[test]
fn log_json_for_one_flag_and_environment() {
    let (r, c) = history();
    let run = r.run(&[
        "-C",
        "ops",
        "log",
        "checkout",
        "--env",
        "development",
        "--format",
        "json",
    ]);
    run.success();
    assert_eq!(
        run.json(),
        serde_json::json!([
            {"commit": c[0], "date": "2026-10-20", "author": "Test Author", "flag": "checkout", "environment": "development", "from": "everyone", "to": "partners"},
            {"commit": c[2], "date": "2026-10-10", "author": "Test Author", "flag": "checkout", "environment": "development", "from": "internal", "to": "everyone"},
            {"commit": c[3], "date": "2026-10-01", "author": "Test Author", "flag": "checkout", "environment": "development", "from": "off", "to": "internal"},
        ])
    );
}

#[test]
fn log_errors() {
    let (r, _) = history();
    let run = r.run(&["-C", "ops", "log", "chekout"]);
    run.code(2);
    assert!(
        run.stderr.contains("unknown flag `chekout`")
            && run.stderr.contains("did you mean `checkout`?"),
        "{}",
        run.stderr
    );
    r.run(&["-C", "ops", "log", "--env", "prod"]).code(2);

    let plain = TestRepo::new();
    let run = plain.run(&["log"]);
    run.code(2);
    assert!(
        run.stderr.contains("is not in a git repository"),
        "{}",
        run.stderr
    );
}

#[test]
fn log_in_a_shallow_clone_shows_only_real_transitions() {
    let (r, c) = history();
    let clone = TestRepo::empty();
    let mut cmd = std::process::Command::new("git");
    clone.apply_env(&mut cmd);
    let dest = clone.join("repo");
    let out = cmd
        .args([
            "clone",
            "-q",
            "--depth",
            "2",
            &format!("file://{}", r.path().display()),
            dest.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The boundary commit (2026-10-15) looks like it added everything; it is left out.
    let run = clone.run(&["-C", "repo/ops", "log"]);
    run.success();
    assert_eq!(
        run.stdout,
        format!(
            "\
DATE        COMMIT   AUTHOR       FLAG      ENVIRONMENT  CHANGE
2026-10-20  {0}  Test Author  checkout  development  everyone -> partners
2026-10-20  {0}  Test Author  search    development  off -> internal
",
            &c[0][..7]
        )
    );
    assert!(
        run.stderr
            .contains("shallow clone: history before 2026-10-15 is missing"),
        "{}",
        run.stderr
    );
}
