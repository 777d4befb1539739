//! `flags eval`: the answer and its reason, text and JSON, and every refusal.

use crate::harness::TestRepo;

const PIPELINE: &str = "pipeline:
  - stage: internal
    segments: [internal]
  - stage: partners
    segments: [partners]
  - stage: canary
    rollout: 10
  - stage: half
    rollout: 50
  - stage: everyone
    rollout: 100
";

/// The harness repository with a pipeline that has 10 % and 50 % rollouts, and flags at
/// each kind of stage. `flag` / `user` is bucket 21485 (see the vectors in src/eval.rs):
/// outside 10 %, inside 50 %.
fn repo() -> TestRepo {
    let r = TestRepo::new();
    r.write("flags.yaml", PIPELINE);
    r.write(
        "segments/partners.yaml",
        "users: [globex]\nrules:\n  - attribute: seats\n    op: gte\n    values: [500]\n",
    );
    r.flag("flag", "  development: half\n  staging: canary\n");
    r.flag(
        "dash",
        "  development: everyone\n  staging: partners\n  production: internal\n",
    );
    r
}

#[test]
fn text_names_the_segment_and_rule_that_matched() {
    let r = repo();
    let run = r.run(&[
        "eval",
        "dash",
        "--env",
        "production",
        "--user",
        "ann",
        "--attr",
        "email=ann@example.com",
    ]);
    run.success();
    assert_eq!(
        run.stdout,
        "on: `dash` for user `ann` in `production`
stage:  internal (internal)
reason: in segment `internal`: rule `email ends_with \"@example.com\"` matched
"
    );
    assert_eq!(run.stderr, "");
    let run = r.run(&["eval", "dash", "--env", "staging", "--user", "globex"]);
    assert_eq!(
        run.success().stdout,
        "on: `dash` for user `globex` in `staging`
stage:  partners (internal + partners)
reason: in segment `partners`: listed in `users`
"
    );
}

#[test]
fn text_shows_the_rollout_bucket_against_the_threshold() {
    let r = repo();
    let run = r.run(&["eval", "flag", "--env", "staging", "--user", "user"]);
    assert_eq!(
        run.success().stdout,
        "off: `flag` for user `user` in `staging`
stage:  canary (internal + partners + 10% of users)
reason: in none of the segments (internal, partners); outside the 10% rollout: bucket 21485 >= 10000 (of 100000)
"
    );
    let run = r.run(&["eval", "flag", "--env", "development", "--user", "user"]);
    assert_eq!(
        run.success().stdout,
        "on: `flag` for user `user` in `development`
stage:  half (internal + partners + 50% of users)
reason: in the 50% rollout: bucket 21485 < 50000 (of 100000)
"
    );
    // Not listed in production: off for everyone.
    let run = r.run(&["eval", "flag", "--env", "production", "--user", "globex"]);
    assert_eq!(
        run.success().stdout,
        "off: `flag` for user `globex` in `production`
stage:  off (nobody)
reason: the flag is `off` in this environment: served to nobody
"
    );
}

#[test]
fn json_shape_for_a_rollout_answer() {
    let r = repo();
    let run = r.run(&[
        "eval",
        "flag",
        "--env",
        "development",
        "--user",
        "user",
        "--attr",
        "plan=pro",
        "--format",
        "json",
    ]);
    assert_eq!(
        run.success().json(),
        serde_json::json!({
            "flag": "flag",
            "environment": "development",
            "user": "user",
            "value": true,
            "variant": "on",
            "stage": "half",
            "reason": "rollout",
            "detail": "in the 50% rollout: bucket 21485 < 50000 (of 100000)",
            "audience": {"segments": ["internal", "partners"], "rollout": 50.0},
            "segment": null,
            "match": null,
            "bucket": 21485,
            "threshold": 50000,
            "attributes": {"plan": "pro"}
        })
    );
}

#[test]
fn json_shape_for_a_segment_answer_through_an_include() {
    let r = repo();
    r.write(
        "segments/internal.yaml",
        "users: [ops-bot]\nsegments: [contractors]\n",
    );
    r.write(
        "segments/contractors.yaml",
        "rules:\n  - attribute: email\n    op: ends_with\n    values: [\"@c.io\"]\n",
    );
    let run = r.run(&[
        "eval",
        "dash",
        "--env",
        "production",
        "--user",
        "c1",
        "--attr",
        "email=x@c.io",
        "--format",
        "json",
    ]);
    let j = run.success().json();
    assert_eq!(j["value"], true);
    assert_eq!(j["reason"], "segment");
    assert_eq!(j["segment"], "internal");
    assert_eq!(
        j["match"],
        serde_json::json!({"path": ["internal", "contractors"], "by": "rule", "rule": {"index": 0, "attribute": "email", "op": "ends_with", "value": "@c.io"}})
    );
    assert_eq!(j["bucket"], serde_json::Value::Null);
    assert_eq!(
        j["detail"],
        "in segment `internal`: via included segment `contractors`: rule `email ends_with \"@c.io\"` matched"
    );

    let run = r.run(&[
        "eval",
        "dash",
        "--env",
        "production",
        "--user",
        "ops-bot",
        "--format",
        "json",
    ]);
    assert_eq!(
        run.success().json()["match"],
        serde_json::json!({"path": ["internal"], "by": "users", "rule": null})
    );
    let run = r.run(&[
        "eval",
        "dash",
        "--env",
        "production",
        "--user",
        "nobody",
        "--format",
        "json",
    ]);
    let j = run.success().json();
    assert_eq!(
        (
            j["value"].clone(),
            j["reason"].clone(),
            j["threshold"].clone()
        ),
        (false.into(), "no-match".into(), 0.into())
    );
}

#[test]
fn numbers_in_attr_are_numbers_and_quoted_values_strings() {
    let r = repo();
    let value = |attr: &str| {
        let run = r.run(&[
            "eval", "dash", "--env", "staging", "--user", "u", "--attr", attr, "--format", "json",
        ]);
        run.success().json()["value"].as_bool().expect("bool")
    };
    assert!(value("seats=600"));
    assert!(value("seats=5e2"));
    assert!(!value("seats=499.5"));
    assert!(
        !value("seats=\"600\""),
        "a quoted number is a string: no coercion"
    );
    assert!(!value("seats=0600"), "not a JSON number, so a string");
}

#[test]
fn unknown_flag_and_environment_exit_2_with_the_nearest_name() {
    let r = repo();
    let run = r.run(&["eval", "dahs", "--env", "production", "--user", "u"]);
    run.code(2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: unknown flag `dahs`\nhint: did you mean `dash`?\n"
    );
    let run = r.run(&["eval", "dash", "--env", "prod", "--user", "u"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: unknown environment `prod`\nhint: did you mean `production`?\n"
    );
}

#[test]
fn bad_arguments_exit_2() {
    let r = repo();
    for (args, needle) in [
        (
            &[
                "eval",
                "dash",
                "--env",
                "production",
                "--user",
                "u",
                "--attr",
                "plan",
            ][..],
            "is not NAME=VALUE",
        ),
        (
            &[
                "eval",
                "dash",
                "--env",
                "production",
                "--user",
                "u",
                "--attr",
                "=x",
            ][..],
            "attribute name is empty",
        ),
        (
            &[
                "eval",
                "dash",
                "--env",
                "production",
                "--user",
                "u",
                "--attr",
                "key=x",
            ][..],
            "pass it with --user",
        ),
        (&["eval", "dash", "--env", "production"][..], "--user"),
        (&["eval", "dash", "--user", "u"][..], "--env"),
        (
            &[
                "eval",
                "dash",
                "--env",
                "production",
                "--user",
                "u",
                "--format",
                "yaml",
            ][..],
            "yaml",
        ),
    ] {
        let run = r.run(args);
        run.code(2);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "");
    }
}

#[test]
fn a_flag_at_an_unknown_stage_is_refused_and_others_are_not() {
    // What `broken` serves in production is undefined: answering would make something up.
    // `dash` does not depend on it, so it is answered, with the problem as a warning.
    let r = repo();
    r.flag("broken", "  production: nowhere\n");
    let run = r.run(&["eval", "broken", "--env", "production", "--user", "u"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "flags/broken.yaml:5:15: error: flag `broken` is at unknown stage `nowhere` in `production`: known: off, internal, partners, canary, half, everyone\nerror: what `broken` in `production` serves is undefined: 1 error above\nhint: fix them, then try again (`flags validate` lists every problem)\n"
    );
    let run = r.run(&["eval", "dash", "--env", "production", "--user", "u"]);
    run.success();
    assert_eq!(
        run.stderr,
        "warning: flags/broken.yaml:5:15: flag `broken` is at unknown stage `nowhere` in `production`: known: off, internal, partners, canary, half, everyone\n"
    );
}

#[test]
fn control_characters_from_the_command_line_are_escaped() {
    let r = repo();
    let run = r.run(&[
        "eval",
        "dash",
        "--env",
        "production",
        "--user",
        "a\x1b[31mb",
    ]);
    assert!(
        run.success().stdout.contains("user `a\\u{1b}[31mb`"),
        "{}",
        run.stdout
    );
}

#[test]
fn legacy_bucketing_answers_as_javascript_flagd_core() {
    // Buckets from `new (require("imurmurhash"))("new-dashboard" + key).result()`, scaled as
    // @openfeature/flagd-core 4.0.1 scales them (hash × 100000 >> 32).
    let r = repo();
    r.flag("new-dashboard", "  development: half\n");
    let bucket = |r: &TestRepo, user: &str| {
        let run = r.run(&[
            "eval",
            "new-dashboard",
            "--env",
            "development",
            "--user",
            user,
            "--format",
            "json",
        ]);
        let v = run.success().json();
        (v["bucket"].as_u64().unwrap(), v["value"].as_bool().unwrap())
    };
    let flagd: Vec<_> = ["alice", "bob", "zoë"].map(|u| bucket(&r, u)).to_vec();
    r.write("flags.yaml", format!("{PIPELINE}bucketing: legacy\n"));
    let legacy: Vec<_> = ["alice", "bob", "zoë"].map(|u| bucket(&r, u)).to_vec();
    assert_eq!(legacy, [(76_903, false), (37_558, true), (78_801, false)]);
    assert_ne!(flagd, legacy);
    // `flagd` is the default, and can be said.
    r.write("flags.yaml", format!("{PIPELINE}bucketing: flagd\n"));
    assert_eq!(
        ["alice", "bob", "zoë"].map(|u| bucket(&r, u)).to_vec(),
        flagd
    );
    // A typo is a located error.
    r.write("flags.yaml", format!("{PIPELINE}bucketing: legcy\n"));
    let run = r.run(&["validate"]);
    run.code(1);
    assert!(
        run.stdout.contains(
            "flags.yaml:12:12: error: `bucketing`: `legcy` is not a bucketing; did you mean `legacy`? (one of flagd, legacy)"
        ),
        "{}",
        run.stdout
    );
}
