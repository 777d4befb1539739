//! `flags stale`: reasons and non-reasons dated from real backdated git history, recorded
//! `since`, `--as-of`, `--check`, references, and shallow clones.

use crate::harness::TestRepo;

/// The same stage in development, staging and production.
fn all(stage: &str) -> String {
    format!("  development: {stage}\n  staging: {stage}\n  production: {stage}\n")
}

fn flag(r: &TestRepo, key: &str, kind: &str, extra: &str, envs: &str) {
    r.write(
        &format!("flags/{key}.yaml"),
        format!("description: Flag {key}\nowner: team-{kind}\ntype: {kind}\n{extra}environments:\n{envs}"),
    );
}

const APP: &str = r#"if flags.enabled("ready-one") {
    // ready-one-v2 is another flag and old_ready-one is not a mention
    log("ready-one", "ready-one");
}
let x = stalled_one;
check(stalled-one)
"#;

/// A history with one flag for every reason and every non-reason (today is 2026-11-25,
/// after_days 30, stalled_days 90):
/// - ready-one: release, everyone everywhere since 2026-09-01 (a comment-only edit on
///   2026-11-20 must not move that date) -> ready, 85 days
/// - recorded: release, everyone everywhere, `since: 2026-10-01` recorded but committed on
///   2026-11-20 -> ready, 55 days (the file wins over history)
/// - recent: everyone everywhere since 2026-11-10 -> not yet (15 days)
/// - expired-one: operational (permanent) whose `expires` passed on 2026-11-01 -> expired
/// - stalled-one: release created 2026-06-01, still internal -> stalled, 177 days
/// - young: release created 2026-10-01, still internal -> not yet (55 days)
/// - partial: created 2026-09-15, everyone in development/staging, partners in production
/// - kill: kill-switch at everyone since 2026-06-01 -> permanent, never a candidate
fn history() -> (TestRepo, Vec<git2::Oid>) {
    let r = TestRepo::new();
    r.git_init();
    r.write(".gitignore", "build/\n");
    r.write("src/app.rs", APP);
    r.write("build/generated.rs", "ready-one stalled-one\n");
    r.write(
        "assets/logo.bin",
        b"ready-one\0\x01\x02stalled-one\n".as_slice(),
    );
    flag(&r, "ready-one", "release", "", &all("internal"));
    flag(&r, "stalled-one", "release", "", &all("internal"));
    flag(&r, "kill", "kill-switch", "", &all("everyone"));
    flag(
        &r,
        "expired-one",
        "operational",
        "expires: 2026-11-01\n",
        &all("everyone"),
    );
    flag(&r, "recent", "release", "", &all("internal"));
    let mut ids = vec![r.commit_all("initial flags", "2026-06-01")];
    r.write("src/other.rs", "fn main() {}\n");
    ids.push(r.commit_all("app code only", "2026-08-01"));
    flag(&r, "ready-one", "release", "", &all("everyone"));
    ids.push(r.commit_all("roll out ready-one", "2026-09-01"));
    flag(
        &r,
        "partial",
        "release",
        "",
        "  development: everyone\n  staging: everyone\n  production: partners\n",
    );
    ids.push(r.commit_all("add partial", "2026-09-15"));
    flag(&r, "young", "release", "", &all("internal"));
    ids.push(r.commit_all("add young", "2026-10-01"));
    flag(&r, "recent", "release", "", &all("everyone"));
    ids.push(r.commit_all("roll out recent", "2026-11-10"));
    r.write(
        "flags/ready-one.yaml",
        format!("# rolled out, clean up soon\ndescription: Flag ready-one, reworded\nowner: team-release\ntype: release\nenvironments:\n{}", all("everyone")),
    );
    let since = "    stage: everyone\n    since: 2026-10-01\n";
    flag(
        &r,
        "recorded",
        "release",
        "",
        &format!("  development:\n{since}  staging:\n{since}  production:\n{since}"),
    );
    ids.push(r.commit_all("comment on ready-one, add recorded", "2026-11-20"));
    (r, ids)
}

#[test]
fn stale_table_lists_each_reason_sorted_with_references() {
    let (r, _) = history();
    let run = r.run(&["stale"]);
    run.success();
    assert_eq!(
        run.stdout,
        "\
FLAG         OWNER             REASON   SINCE       DAYS  REFERENCES
ready-one    team-release      ready    2026-09-01  85    2
recorded     team-release      ready    2026-10-01  55    0
expired-one  team-operational  expired  2026-11-01  24    0
stalled-one  team-release      stalled  2026-06-01  177   1
"
    );
    assert_eq!(
        run.stderr,
        "4 cleanup candidate(s) among 8 flags as of 2026-11-25\n"
    );
}

#[test]
fn stale_json_shape() {
    let (r, _) = history();
    let run = r.run(&["stale", "--format", "json"]);
    run.success();
    assert_eq!(
        run.json(),
        serde_json::json!([
            {"key": "ready-one", "owner": "team-release", "type": "release", "reason": "ready", "since": "2026-09-01", "days": 85, "references": 2},
            {"key": "recorded", "owner": "team-release", "type": "release", "reason": "ready", "since": "2026-10-01", "days": 55, "references": 0},
            {"key": "expired-one", "owner": "team-operational", "type": "operational", "reason": "expired", "since": "2026-11-01", "days": 24, "references": 0},
            {"key": "stalled-one", "owner": "team-release", "type": "release", "reason": "stalled", "since": "2026-06-01", "days": 177, "references": 1},
        ])
    );
}

#[test]
fn stale_check_exit_codes() {
    let (r, _) = history();
    r.run(&["stale", "--check"]).code(1);
    // On 2026-06-02 nothing was old enough, expired, or ready yet.
    let run = r.run(&["stale", "--check", "--as-of", "2026-06-02"]);
    run.code(0);
    assert_eq!(run.stdout, "");
    r.run(&["stale", "--as-of", "2026-13-01"]).code(2);
}

#[test]
fn stale_as_of_answers_what_will_be_stale_by_then() {
    let (r, _) = history();
    let run = r.run(&["stale", "--as-of", "2027-01-01", "--format", "json"]);
    run.success();
    let rows: Vec<(String, String, i64)> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["key"].as_str().unwrap().into(),
                v["reason"].as_str().unwrap().into(),
                v["days"].as_i64().unwrap(),
            )
        })
        .collect();
    let rows: Vec<(&str, &str, i64)> = rows
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), *c))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("ready-one", "ready", 122),
            ("recorded", "ready", 92),
            ("recent", "ready", 52),
            ("expired-one", "expired", 61),
            ("stalled-one", "stalled", 214),
            ("partial", "stalled", 108),
            ("young", "stalled", 92),
        ]
    );
}

#[test]
fn comment_only_commit_after_rollout_does_not_move_since() {
    // Regression guard: a commit that rewrites the file without changing a stage (comment,
    // description) must not restart the clock, or nothing would ever become ready.
    let (r, _) = history();
    r.write(
        "flags/ready-one.yaml",
        r.read("flags/ready-one.yaml")
            .replace("reworded", "reworded again"),
    );
    r.commit_all("reword ready-one", "2026-11-24");
    let run = r.run(&["stale", "--format", "json"]);
    assert_eq!(run.json()[0]["key"], "ready-one");
    assert_eq!(run.json()[0]["since"], "2026-09-01");
}

#[test]
fn latest_environment_dates_readiness() {
    // Production reached the last stage on 2026-11-01, the others long before: the flag is
    // fully rolled out only since the latest of them.
    let r = TestRepo::new();
    r.git_init();
    flag(
        &r,
        "late",
        "experiment",
        "",
        "  development: everyone\n  staging: everyone\n  production: partners\n",
    );
    r.commit_all("add late", "2026-05-01");
    flag(&r, "late", "experiment", "", &all("everyone"));
    r.commit_all("roll out late in production", "2026-11-01");
    let run = r.run(&["stale", "--format", "json"]);
    run.success();
    assert_eq!(run.stdout, "[]\n", "24 days at the last stage is not 30");
    let run = r.run(&["stale", "--format", "json", "--as-of", "2026-12-01"]);
    assert_eq!(run.json()[0]["since"], "2026-11-01");
    assert_eq!(run.json()[0]["days"], 30);
}

#[test]
fn references_dir_and_missing_git() {
    // Without git, dates come from the files only and references cannot be counted by default.
    let r = TestRepo::new();
    let since = "    stage: everyone\n    since: 2026-01-01\n";
    flag(
        &r,
        "done",
        "release",
        "",
        &format!("  development:\n{since}  staging:\n{since}  production:\n{since}"),
    );
    flag(&r, "undated", "release", "", &all("internal"));
    let run = r.run(&["stale", "--format", "json"]);
    run.success();
    assert_eq!(
        run.json(),
        serde_json::json!([{"key": "done", "owner": "team-release", "type": "release", "reason": "ready", "since": "2026-01-01", "days": 328, "references": null}])
    );
    assert!(
        run.stderr.contains("not in a git repository"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("could not be dated") && run.stderr.contains("undated"),
        "{}",
        run.stderr
    );

    r.write("code/main.py", "if flag('done'):\n    pass\n# done\n");
    let run = r.run(&[
        "stale",
        "--format",
        "json",
        "--refs",
        r.join("code").to_str().unwrap(),
    ]);
    assert_eq!(run.json()[0]["references"], 2);
}

fn git(r: &TestRepo, args: &[&str]) {
    let mut cmd = std::process::Command::new("git");
    r.apply_env(&mut cmd);
    let out = cmd
        .args(args)
        .current_dir(r.path())
        .output()
        .expect("running git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A shallow clone of `r` with `depth` commits, in a new temp repo.
fn shallow_clone(r: &TestRepo, depth: u32) -> TestRepo {
    let clone = TestRepo::empty();
    let url = format!("file://{}", r.path().display());
    let dest = clone.join("repo");
    git(
        &clone,
        &[
            "clone",
            "-q",
            "--depth",
            &depth.to_string(),
            &url,
            dest.to_str().unwrap(),
        ],
    );
    clone
}

#[test]
fn shallow_clone_never_shows_a_date_later_than_the_truth() {
    let (r, _) = history();
    // Only the newest commit (2026-11-20): it "adds" every file, but that date is a lie.
    let clone = shallow_clone(&r, 1);
    let run = clone.run(&["-C", "repo", "stale", "--format", "json"]);
    run.success();
    // Only what the files prove: the recorded `since` and the `expires` date.
    assert_eq!(
        run.json(),
        serde_json::json!([
            {"key": "recorded", "owner": "team-release", "type": "release", "reason": "ready", "since": "2026-10-01", "days": 55, "references": 0},
            {"key": "expired-one", "owner": "team-operational", "type": "operational", "reason": "expired", "since": "2026-11-01", "days": 24, "references": 0},
        ])
    );
    assert!(run.stderr.contains("shallow clone"), "{}", run.stderr);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);

    // Five commits reach back to the roll-out of ready-one (2026-09-01), which is then the
    // boundary: that proves it has been at the last stage for at least 85 days, so it is
    // ready, but the exact date is unknown and shown as such.
    let clone = shallow_clone(&r, 5);
    let run = clone.run(&["-C", "repo", "stale"]);
    run.success();
    assert_eq!(
        run.stdout,
        "\
FLAG         OWNER             REASON   SINCE       DAYS  REFERENCES
recorded     team-release      ready    2026-10-01  55    0
ready-one    team-release      ready    unknown     -     2
expired-one  team-operational  expired  2026-11-01  24    0
"
    );
    assert!(
        run.stderr.contains("history before 2026-09-01 is missing"),
        "{}",
        run.stderr
    );
}

#[test]
fn uncommitted_stage_change_dates_from_today() {
    let (r, _) = history();
    // Promoted in production in the working tree, not committed: history's date (2026-09-15,
    // when the file was added) is for the old stage, so the new one dates from today.
    flag(&r, "partial", "release", "", &all("everyone"));
    let run = r.run(&["stale", "--format", "json"]);
    let keys: Vec<String> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        keys,
        vec!["ready-one", "recorded", "expired-one", "stalled-one"]
    );
    let run = r.run(&["stale", "--format", "json", "--as-of", "2026-12-25"]);
    let row = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["key"] == "partial")
        .cloned()
        .unwrap();
    assert_eq!(row["since"], "2026-11-25");
    assert_eq!(row["days"], 30);
}
