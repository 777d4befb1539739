//! Scheduled walks (PRODUCT.md section 9): `flags schedule` and `flags advance` (exact bytes,
//! commits, refusals), validation of schedules located on the entry, and every reader of a
//! stage (`eval --at`, `export`, `list`, `show`, `stale`, `diff`, `log`) reading the stage in
//! force. The clock is `FLAGS_NOW`; the agreement with flagd evaluators is in `agreement.rs`.

use crate::harness::{Run, TestRepo};

const NOW: &str = "2026-11-25T12:00:00Z";

/// A committed repository (development -> staging -> production gates) with flag `nd` at
/// `internal` everywhere, entered 2026-11-20, production in short form with a comment.
fn setup() -> TestRepo {
    let mut r = TestRepo::new();
    r.env.push(("FLAGS_NOW".into(), NOW.into()));
    r.git_init();
    r.flag(
        "nd",
        "  development:\n    stage: internal\n    since: 2026-11-20\n  staging:\n    stage: internal\n    since: 2026-11-20\n  production: internal  # careful\n",
    );
    r.commit_all("init", "2026-11-20");
    r
}

/// The same flag with a plan in every environment: development and staging reach partners
/// on 2026-11-24 (due), production on 2026-12-01 09:00 +01:00 (to come).
fn planned() -> TestRepo {
    let mut r = TestRepo::new();
    r.env.push(("FLAGS_NOW".into(), NOW.into()));
    r.git_init();
    r.flag("nd", PLANNED);
    r.commit_all("plan", "2026-11-20");
    r
}

const PLANNED: &str = "  development:
    stage: internal
    since: 2026-11-20
    schedule:
      - {stage: partners, at: 2026-11-24T09:00:00Z}
  staging:
    stage: internal
    since: 2026-11-20
    schedule:
      - {stage: partners, at: 2026-11-24T10:00:00Z}  # after dev
  production:
    stage: internal
    since: 2026-11-20
    schedule:
      - {stage: partners, at: 2026-12-01T09:00:00+01:00}
";

fn head_message(r: &TestRepo) -> String {
    let git = r.git();
    let head = git.head().unwrap().peel_to_commit().unwrap();
    head.message().unwrap().to_string()
}

#[track_caller]
fn assert_error(run: &Run, stderr: &str) {
    run.code(2);
    assert_eq!(run.stderr, stderr);
}

#[test]
fn schedule_adds_an_entry_keeping_the_comment_and_commits_only_that_file() {
    let r = setup();
    r.write("notes.txt", "unrelated work\n");
    let run = r.run(&[
        "schedule",
        "nd",
        "--env",
        "development",
        "--at",
        "2026-11-27T09:00:00Z",
        "--yes",
    ]);
    run.success();
    assert_eq!(
        run.stderr,
        format!(
            "committed {}: flags: schedule nd to partners in development at 2026-11-27T09:00:00Z\n",
            &r.git().head().unwrap().target().unwrap().to_string()[..7]
        )
    );
    assert_eq!(
        r.read("flags/nd.yaml"),
        "description: Flag nd\nowner: team-a\ntype: release\nenvironments:\n  development:\n    stage: internal\n    since: 2026-11-20\n    schedule:\n      - {stage: partners, at: 2026-11-27T09:00:00Z}\n  staging:\n    stage: internal\n    since: 2026-11-20\n  production: internal  # careful\n"
    );
    assert_eq!(r.commit_count(), 2);
    // The untracked file stays out of the commit.
    assert_eq!(
        r.status().into_iter().map(|(p, _)| p).collect::<Vec<_>>(),
        vec!["notes.txt".to_string()]
    );

    // A short form becomes a long one, the comment kept on the key line; `--to` names the
    // stage, and the time is written as given.
    r.run(&[
        "schedule",
        "nd",
        "--env",
        "staging",
        "--at",
        "2026-11-28T09:00:00Z",
        "--yes",
    ])
    .success();
    let run = r.run(&[
        "schedule",
        "nd",
        "--env",
        "production",
        "--at",
        "2026-11-29T10:00:00+01:00",
        "--to",
        "partners",
        "--yes",
    ]);
    run.success();
    assert!(r.read("flags/nd.yaml").ends_with(
        "  production:  # careful\n    stage: internal\n    schedule:\n      - {stage: partners, at: 2026-11-29T10:00:00+01:00}\n"
    ));
    assert_eq!(
        head_message(&r),
        "flags: schedule nd to partners in production at 2026-11-29T09:00:00Z\n"
    );
}

#[test]
fn schedule_refuses_what_promote_refuses_unless_forced() {
    let r = setup();
    r.write("flags.yaml", "pipeline:\n  - stage: internal\n    segments: [internal]\n    soak_days: 10\n  - stage: partners\n    segments: [partners]\n  - stage: everyone\n    rollout: 100\n");
    r.commit_all("soak", "2026-11-21");
    let at = ["--at", "2026-11-27T09:00:00Z"];
    // Soak: internal entered 2026-11-20, 10 days end on 2026-11-30.
    let run = r.run(&[
        "schedule",
        "nd",
        "--env",
        "development",
        at[0],
        at[1],
        "--yes",
    ]);
    assert_error(
        &run,
        "error: at 2026-11-27T09:00:00Z: flag `nd` entered `internal` in `development` on 2026-11-20; its soak time of 10 days ends on 2026-11-30\nhint: pass `--force` to schedule anyway\n",
    );
    // A skipped stage.
    let run = r.run(&[
        "schedule",
        "nd",
        "--env",
        "development",
        "--at",
        "2026-12-01T09:00:00Z",
        "--to",
        "everyone",
        "--yes",
    ]);
    assert_error(
        &run,
        "error: at 2026-12-01T09:00:00Z: promoting flag `nd` from `internal` to `everyone` in `development` skips `partners`; promote one stage at a time\nhint: pass `--force` to schedule anyway\n",
    );
    // A gate, judged with the gate environment's own plan: staging is still at internal then.
    let run = r.run(&[
        "schedule",
        "nd",
        "--env",
        "staging",
        "--at",
        "2026-12-01T09:00:00Z",
        "--yes",
    ]);
    assert_error(
        &run,
        "error: at 2026-12-01T09:00:00Z: `staging` comes after `development`, where flag `nd` is only at `internal` then; promote or schedule it there to `partners` first\nhint: pass `--force` to schedule anyway\n",
    );
    assert_eq!(r.commit_count(), 2, "a refusal commits nothing");
    // Planned in development first, the same entry in staging one hour later passes the gate.
    r.run(&[
        "schedule",
        "nd",
        "--env",
        "development",
        "--at",
        "2026-12-01T08:00:00Z",
        "--yes",
    ])
    .success();
    r.run(&[
        "schedule",
        "nd",
        "--env",
        "staging",
        "--at",
        "2026-12-01T09:00:00Z",
        "--yes",
    ])
    .success();
    // ... but one hour earlier does not.
    let run = r.run(&[
        "schedule",
        "nd",
        "--env",
        "production",
        "--at",
        "2026-12-01T08:30:00Z",
        "--yes",
    ]);
    run.code(2);
    assert!(
        run.stderr.contains("`production` comes after `staging`"),
        "{}",
        run.stderr
    );
    // `--force` plans it anyway (and validate then reports it).
    r.run(&[
        "schedule",
        "nd",
        "--env",
        "production",
        "--at",
        "2026-12-01T08:30:00Z",
        "--force",
        "--yes",
    ])
    .success();
    let v = r.run(&["validate"]);
    v.code(1);
    assert_eq!(
        v.stdout,
        "flags/nd.yaml:18:31: error: flag `nd`'s schedule in `production` reaches `partners` at 2026-12-01T08:30:00Z, when `staging` (which `production` comes after) is only at `internal`; schedule `partners` in `staging` earlier, or this entry later\n"
    );
}

#[test]
fn schedule_refuses_bad_times_and_plans_that_go_nowhere() {
    let r = setup();
    let run = r.run(&[
        "schedule",
        "nd",
        "--env",
        "development",
        "--at",
        "2026-12-01",
        "--yes",
    ]);
    run.code(2);
    assert!(
        run.stderr.contains("invalid value '2026-12-01' for '--at <TIME>': it is a date without a time; e.g. 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00"),
        "{}",
        run.stderr
    );
    let run = r.run(&[
        "schedule",
        "nd",
        "--env",
        "development",
        "--at",
        "2026-11-25T11:59:59Z",
        "--yes",
    ]);
    assert_error(
        &run,
        "error: `--at 2026-11-25T11:59:59Z` is not in the future (now is 2026-11-25T12:00:00Z); a schedule plans moves to come\nhint: to move the flag now, run `flags promote nd --env development`\n",
    );
    let run = r.run(&["schedule", "nd", "--env", "development", "--yes"]);
    run.code(2);
    assert!(run.stderr.contains("--at <TIME>"), "{}", run.stderr);
    r.run(&[
        "schedule",
        "nd",
        "--env",
        "development",
        "--at",
        "2026-12-01T09:00:00Z",
        "--yes",
    ])
    .success();
    let run = r.run(&[
        "schedule",
        "nd",
        "--env",
        "development",
        "--at",
        "2026-12-01T09:00:00Z",
        "--yes",
    ]);
    assert_error(
        &run,
        "error: `--at 2026-12-01T09:00:00Z` is not after the last planned move of `nd` in `development` (2026-12-01T09:00:00Z); entries are in time order\nhint: plan a later time, or start over with `flags schedule nd --env development --clear`\n",
    );
    let run = r.run(&[
        "schedule",
        "nd",
        "--env",
        "development",
        "--at",
        "2026-12-02T09:00:00Z",
        "--to",
        "internal",
        "--yes",
    ]);
    assert_error(
        &run,
        "error: flag `nd` is planned to be at `partners` in `development`; `internal` is not later, and a schedule only moves forward\nhint: to move it back, run `flags demote nd --env development --to internal`\n",
    );
    r.run(&[
        "schedule",
        "nd",
        "--env",
        "development",
        "--at",
        "2026-12-02T09:00:00Z",
        "--yes",
    ])
    .success();
    let run = r.run(&[
        "schedule",
        "nd",
        "--env",
        "development",
        "--at",
        "2026-12-03T09:00:00Z",
        "--yes",
    ]);
    assert_error(
        &run,
        "error: flag `nd` is already planned to reach the last stage `everyone` in `development`; there is nothing to schedule\n",
    );
    // Without a terminal and without --yes: refused at once; --dry-run shows and writes nothing.
    let before = r.read("flags/nd.yaml");
    let run = r.run(&[
        "schedule",
        "nd",
        "--env",
        "staging",
        "--at",
        "2026-12-09T09:00:00Z",
    ]);
    run.code(2);
    assert!(
        run.stderr
            .contains("refusing to change files without confirmation")
    );
    let run = r.run(&[
        "schedule",
        "nd",
        "--env",
        "staging",
        "--at",
        "2026-12-09T09:00:00Z",
        "--dry-run",
    ]);
    run.success();
    assert!(
        run.stdout
            .contains("+    schedule:\n+      - {stage: partners, at: 2026-12-09T09:00:00Z}\n"),
        "{}",
        run.stdout
    );
    assert_eq!(r.read("flags/nd.yaml"), before);
    assert_eq!(r.commit_count(), 3);
}

#[test]
fn clear_removes_the_plan_and_nothing_to_clear_is_no_commit() {
    let r = planned();
    let run = r.run(&["schedule", "nd", "--env", "staging", "--clear", "--yes"]);
    run.success();
    assert_eq!(
        run.stdout,
        "--- a/flags/nd.yaml\n+++ b/flags/nd.yaml\n@@ -10,8 +10,6 @@\n   staging:\n     stage: internal\n     since: 2026-11-20\n-    schedule:\n-      - {stage: partners, at: 2026-11-24T10:00:00Z}  # after dev\n   production:\n     stage: internal\n     since: 2026-11-20\n"
    );
    assert_eq!(
        head_message(&r),
        "flags: clear the schedule of nd in staging\n"
    );
    let run = r.run(&["schedule", "nd", "--env", "staging", "--clear", "--yes"]);
    run.success();
    assert_eq!(
        run.stderr,
        "flag `nd` has no schedule in `staging`; nothing changed\n"
    );
    assert_eq!(r.commit_count(), 2);
}

#[test]
fn advance_writes_every_due_entry_in_one_commit_and_nothing_due_is_no_commit() {
    let r = planned();
    r.flag(
        "other",
        "  development:\n    stage: partners\n    since: 2026-11-01\n    schedule:\n      - stage: everyone  # go\n        at: 2026-11-25T11:00:00Z\n      - {stage: everyone, at: 2026-12-25T11:00:00Z}\n",
    );
    r.commit_all("other", "2026-11-21");
    let run = r.run(&["advance", "--yes"]);
    run.success();
    assert_eq!(
        head_message(&r),
        "flags: advance 2 flags to their scheduled stages\n"
    );
    assert!(run.stderr.starts_with(
        "advance nd to partners in development (due since 2026-11-24T09:00:00Z)\nadvance nd to partners in staging (due since 2026-11-24T10:00:00Z)\nadvance other to everyone in development (due since 2026-11-25T11:00:00Z)\ncommitted "
    ), "{}", run.stderr);
    assert_eq!(
        r.read("flags/nd.yaml"),
        "description: Flag nd\nowner: team-a\ntype: release\nenvironments:\n  development:\n    stage: partners\n    since: 2026-11-24\n  staging:\n    stage: partners\n    since: 2026-11-24\n  production:\n    stage: internal\n    since: 2026-11-20\n    schedule:\n      - {stage: partners, at: 2026-12-01T09:00:00+01:00}\n"
    );
    assert_eq!(
        r.read("flags/other.yaml"),
        "description: Flag other\nowner: team-a\ntype: release\nenvironments:\n  development:\n    stage: everyone\n    since: 2026-11-25\n    schedule:\n      - {stage: everyone, at: 2026-12-25T11:00:00Z}\n"
    );
    assert!(r.status().is_empty());
    // The files now say what is served: validate has nothing to note, and the advance is
    // no stage change for `validate --against`.
    let v = r.run(&["validate", "--against", "HEAD~1"]);
    v.code(1);
    assert_eq!(
        v.stdout,
        "flags/other.yaml:9:17: error: flag `other`'s schedule in `development` moves from `everyone` to `everyone` at 2026-12-25T11:00:00Z, which is not forward; a schedule only promotes (roll back with `flags demote`)\n"
    );
    let run = r.run(&["advance", "--yes"]);
    run.success();
    assert_eq!(
        run.stderr,
        "no scheduled move is due (now is 2026-11-25T12:00:00Z); nothing changed\n"
    );
    assert_eq!(r.commit_count(), 3);
}

#[test]
fn validate_locates_schedule_problems_and_notes_due_entries() {
    let r = planned();
    let v = r.run(&["validate"]);
    v.success();
    assert_eq!(
        v.stdout,
        "flags/nd.yaml:9:31: note: flag `nd` is due to be at `partners` in `development` since 2026-11-24T09:00:00Z: `flags advance` writes it into `stage` and `since`\nflags/nd.yaml:14:31: note: flag `nd` is due to be at `partners` in `staging` since 2026-11-24T10:00:00Z: `flags advance` writes it into `stage` and `since`\n"
    );
    assert_eq!(
        v.stderr,
        "0 errors, 0 warnings, 2 notes in 1 flag, 2 segments, 3 environments\n"
    );
    let json = r.run(&["validate", "--format", "json"]).json();
    assert_eq!(json["valid"], true);
    assert_eq!(json["warnings"], 0);
    assert_eq!(json["problems"][0]["severity"], "note");
    assert_eq!(json["problems"][0]["line"], 9);
    let gh = r.run(&["validate", "--format", "github"]);
    assert!(
        gh.stdout
            .starts_with("::notice file=flags/nd.yaml,line=9,col=31::flag `nd` is due"),
        "{}",
        gh.stdout
    );

    r.flag(
        "bad",
        "  development:\n    stage: internal\n    schedule:\n      - {stage: partnrs, at: 2026-12-01T09:00:00Z}\n      - {stage: everyone, at: 2026-12-01 09:00}\n      - {stage: everyone, at: \"2026-11-30T09:00:00\"}\n",
    );
    let v = r.run(&["validate"]);
    v.code(1);
    assert_eq!(
        v.stdout
            .lines()
            .filter(|l| l.starts_with("flags/bad.yaml"))
            .collect::<Vec<_>>(),
        vec![
            "flags/bad.yaml:8:17: error: flag `bad`'s schedule in `development` names unknown stage `partnrs`: did you mean `partners`?",
            "flags/bad.yaml:9:31: error: `environments.development.schedule.at` `2026-12-01 09:00` is not a valid time: it separates the date and the time with a space; write `T`; write RFC 3339 with `Z` or an offset, e.g. 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00",
            "flags/bad.yaml:10:31: error: `environments.development.schedule.at` `2026-11-30T09:00:00` is not a valid time: it has no offset (add `Z` for UTC, or `+01:00` and the like); write RFC 3339 with `Z` or an offset, e.g. 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00",
        ]
    );
    // An unknown stage or time leaves what development serves undefined: eval refuses there.
    let run = r.run(&["eval", "bad", "--env", "development", "--user", "u"]);
    run.code(2);
    assert!(
        run.stderr
            .contains("what `bad` in `development` serves is undefined: 3 errors above"),
        "{}",
        run.stderr
    );
    // ... but an order problem (a skipped stage) never blocks: it is pipeline order.
    r.flag(
        "bad",
        "  development:\n    stage: internal\n    schedule:\n      - {stage: everyone, at: 2026-12-01T09:00:00Z}\n",
    );
    let run = r.run(&[
        "eval",
        "bad",
        "--env",
        "development",
        "--user",
        "u",
        "--at",
        "2026-12-01T09:00:00Z",
    ]);
    run.success();
    assert!(run.stdout.starts_with("on: `bad`"), "{}", run.stdout);
    assert!(run.stderr.contains("warning: flags/bad.yaml:8:17: flag `bad`'s schedule in `development` moves from `internal` to `everyone`"), "{}", run.stderr);
}

#[test]
fn eval_reads_the_stage_in_force_at_the_instant() {
    let r = planned();
    let eval = |at: Option<&str>| {
        let mut args = vec![
            "eval",
            "nd",
            "--env",
            "production",
            "--user",
            "globex",
            "--format",
            "json",
        ];
        if let Some(at) = at {
            args.extend(["--at", at]);
        }
        r.run(&args).json()
    };
    // production reaches partners at 08:00:00Z; globex is a partner.
    let before = eval(Some("2026-12-01T07:59:59Z"));
    assert_eq!(
        (before["value"].clone(), before["stage"].clone()),
        (false.into(), "internal".into())
    );
    assert_eq!(before["at"], "2026-12-01T07:59:59Z");
    let after = eval(Some("2026-12-01T09:00:00+01:00"));
    assert_eq!(
        (after["value"].clone(), after["stage"].clone()),
        (true.into(), "partners".into())
    );
    // Default: now (FLAGS_NOW), before the move; no `at` in the output.
    let now = eval(None);
    assert_eq!(now["stage"], "internal");
    assert!(now.get("at").is_none());
    // A due entry is in force without `flags advance`.
    let run = r.run(&["eval", "nd", "--env", "staging", "--user", "globex"]);
    assert_eq!(
        run.stdout,
        "on: `nd` for user `globex` in `staging`\nstage:  partners (internal + partners)\nreason: in segment `partners`: listed in `users`\n"
    );
    let run = r.run(&[
        "eval", "nd", "--env", "staging", "--user", "globex", "--at", "tomorrow",
    ]);
    run.code(2);
    assert!(
        run.stderr
            .contains("invalid value 'tomorrow' for '--at <TIME>'"),
        "{}",
        run.stderr
    );
}

#[test]
fn flags_now_moves_the_clock_and_a_bad_one_stops_the_command() {
    let mut r = planned();
    r.env.retain(|(k, _)| k != "FLAGS_NOW");
    r.env
        .push(("FLAGS_NOW".into(), "2026-12-01T08:00:00Z".into()));
    let run = r.run(&["eval", "nd", "--env", "production", "--user", "globex"]);
    assert!(run.stdout.starts_with("on: "), "{}", run.stdout);
    r.env.push(("FLAGS_NOW".into(), "2026-12-01".into()));
    let run = r.run(&["list"]);
    assert_error(
        &run,
        "error: `FLAGS_NOW` is `2026-12-01`, which is not a valid timestamp: it is a date without a time; e.g. 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00\n",
    );
    // `validate --format json` still answers with one object.
    let run = r.run(&["validate", "--format", "json"]);
    run.code(2);
    assert_eq!(
        run.json(),
        serde_json::json!({"valid": false, "error": "`FLAGS_NOW` is `2026-12-01`, which is not a valid timestamp: it is a date without a time; e.g. 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00"})
    );
}

#[test]
fn export_compiles_the_plan_with_the_flagd_timestamp() {
    let r = planned();
    let run = r.run(&["export", "--env", "production"]);
    run.success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    crate::agreement::assert_valid_flagd(&doc);
    assert_eq!(
        doc["flags"]["nd"]["targeting"],
        serde_json::json!({"if": [
            {">=": [{"var": "$flagd.timestamp"}, 1_796_112_000i64]},
            {"if": [{"or": [{"$ref": "internal"}, {"$ref": "partners"}]}, "on", "off"]},
            {"if": [{"$ref": "internal"}, "on", "off"]}
        ]})
    );
    assert_eq!(doc["flags"]["nd"]["metadata"]["stage"], "internal");
    // Staging's entry is due: its stage is exported as it is, with nothing left to compile.
    let run = r.run(&["export", "--env", "staging"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        doc["flags"]["nd"]["targeting"],
        serde_json::json!({"if": [{"or": [{"$ref": "internal"}, {"$ref": "partners"}]}, "on", "off"]})
    );
    let json = r
        .run(&["export", "--env", "production", "--format", "json"])
        .json();
    assert_eq!(
        json,
        serde_json::json!({"nd": {"stage": "internal", "segments": ["internal"], "rollout": 0,
            "schedule": [{"stage": "partners", "at": "2026-12-01T08:00:00Z"}]}})
    );
}

#[test]
fn list_show_and_diff_read_the_plan() {
    let r = planned();
    let run = r.run(&["list"]);
    assert_eq!(
        run.stdout,
        "FLAG  OWNER   TYPE     DEVELOPMENT  STAGING   PRODUCTION\nnd    team-a  release  partners     partners  internal (→ partners 2026-12-01)\n"
    );
    let json = r.run(&["list", "--format", "json"]).json();
    assert_eq!(
        json[0]["environments"],
        serde_json::json!({
            "development": {"stage": "partners", "since": "2026-11-24"},
            "staging": {"stage": "partners", "since": "2026-11-24"},
            "production": {"stage": "internal", "since": "2026-11-20",
                "schedule": [{"stage": "partners", "at": "2026-12-01T08:00:00Z"}]}
        })
    );
    let run = r.run(&["list", "--stage", "partners"]);
    assert!(
        run.stdout.contains("nd "),
        "a due entry counts: {}",
        run.stdout
    );

    let show = r.run(&["show", "nd"]);
    assert!(show.stdout.contains(
        "PLANNED               ENVIRONMENT  STAGE     STATUS\n2026-11-24T09:00:00Z  development  partners  due (in force; `flags advance` writes it)\n2026-11-24T10:00:00Z  staging      partners  due (in force; `flags advance` writes it)\n2026-12-01T08:00:00Z  production   partners  planned\n"
    ), "{}", show.stdout);
    let json = r.run(&["show", "nd", "--format", "json"]).json();
    assert_eq!(
        json["environments"]["production"]["schedule"],
        serde_json::json!([{"stage": "partners", "at": "2026-12-01T08:00:00Z", "due": false}])
    );
    assert_eq!(json["environments"]["development"]["since"], "2026-11-24");

    // diff: a new entry in the working tree.
    r.write("flags/nd.yaml", r.read("flags/nd.yaml").replace(
        "      - {stage: partners, at: 2026-12-01T09:00:00+01:00}\n",
        "      - {stage: partners, at: 2026-12-01T09:00:00+01:00}\n      - {stage: everyone, at: 2026-12-08T09:00:00Z}\n",
    ));
    let run = r.run(&["diff"]);
    assert_eq!(
        run.stdout,
        "~ nd (changed, flags/nd.yaml)\n    production: schedule partners at 2026-12-01T09:00:00+01:00 -> partners at 2026-12-01T09:00:00+01:00, everyone at 2026-12-08T09:00:00Z\n"
    );
    let json = r.run(&["diff", "--format", "json"]).json();
    assert_eq!(
        json["flags"][0]["environments"][0]["schedule"]["to"][1],
        serde_json::json!({"stage": "everyone", "at": "2026-12-08T09:00:00Z"})
    );
}

#[test]
fn log_shows_moves_made_by_the_schedule_and_stale_counts_them() {
    let r = planned();
    let run = r.run(&["log", "nd"]);
    run.success();
    assert_eq!(
        run.stdout,
        "DATE        COMMIT    AUTHOR       FLAG  ENVIRONMENT  CHANGE\n2026-11-24  schedule  -            nd    staging      internal -> partners (at 2026-11-24T10:00:00Z)\n2026-11-24  schedule  -            nd    development  internal -> partners (at 2026-11-24T09:00:00Z)\n"
            .to_string()
            + &format!(
                "2026-11-20  {c}   Test Author  nd    development  off -> internal\n2026-11-20  {c}   Test Author  nd    staging      off -> internal\n2026-11-20  {c}   Test Author  nd    production   off -> internal\n",
                c = &r.git().head().unwrap().target().unwrap().to_string()[..7]
            )
    );
    let json = r.run(&["log", "nd", "--format", "json"]).json();
    assert_eq!(json[0]["scheduled"], true);
    assert_eq!(json[0]["commit"], serde_json::Value::Null);

    // stale: a flag scheduled to reach everyone everywhere counts from the entries' `at`.
    let mut s = TestRepo::new();
    s.env.push(("FLAGS_NOW".into(), NOW.into()));
    s.flag(
        "done",
        "  development: everyone\n  staging: everyone\n  production:\n    stage: partners\n    since: 2026-09-01\n    schedule:\n      - {stage: everyone, at: 2026-10-01T12:00:00Z}\n",
    );
    s.flag(
        "later",
        "  development: everyone\n  staging: everyone\n  production:\n    stage: partners\n    since: 2026-09-01\n    schedule:\n      - {stage: everyone, at: 2026-12-01T12:00:00Z}\n",
    );
    s.write(
        "flags/done.yaml",
        s.read("flags/done.yaml")
            .replace("type: release\n", "type: release\ncreated: 2026-09-01\n"),
    );
    s.write(
        "flags/later.yaml",
        s.read("flags/later.yaml")
            .replace("type: release\n", "type: release\ncreated: 2026-09-01\n"),
    );
    s.write("flags/done.yaml", s.read("flags/done.yaml").replace("  development: everyone\n  staging: everyone\n", "  development:\n    stage: everyone\n    since: 2026-09-01\n  staging:\n    stage: everyone\n    since: 2026-09-01\n"));
    s.write("flags/later.yaml", s.read("flags/later.yaml").replace("  development: everyone\n  staging: everyone\n", "  development:\n    stage: everyone\n    since: 2026-09-01\n  staging:\n    stage: everyone\n    since: 2026-09-01\n"));
    let json = s.run(&["stale", "--format", "json"]).json();
    assert_eq!(
        json,
        serde_json::json!([{"key": "done", "owner": "team-a", "type": "release", "reason": "ready", "since": "2026-10-01", "days": 55, "references": null}])
    );
    // By 2027-01-15, `later` has been at everyone since 2026-12-01 for 45 days.
    let json = s
        .run(&["stale", "--format", "json", "--as-of", "2027-01-15"])
        .json();
    let later: Vec<_> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["key"] == "later")
        .collect();
    assert_eq!(later.len(), 1, "{json}");
    assert_eq!(
        (later[0]["since"].clone(), later[0]["days"].clone()),
        ("2026-12-01".into(), 45.into())
    );
}

#[test]
fn promote_respects_a_plan_and_demote_drops_it() {
    let r = planned();
    let run = r.run(&["promote", "nd", "--env", "production", "--yes"]);
    assert_error(
        &run,
        "error: flag `nd` has a schedule in `production` (next: `partners` at 2026-12-01T08:00:00Z); promoting by hand would contradict it\nhint: drop the plan with `flags schedule nd --env production --clear`, then promote\n",
    );
    // From a due entry, promotion starts at the stage in force and ends the plan.
    let run = r.run(&["promote", "nd", "--env", "development", "--yes"]);
    run.success();
    assert!(r.read("flags/nd.yaml").starts_with(
        "description: Flag nd\nowner: team-a\ntype: release\nenvironments:\n  development:\n    stage: everyone\n    since: 2026-11-25\n  staging:\n"
    ), "{}", r.read("flags/nd.yaml"));
    // A rollback cancels the plan: the scheduled move would otherwise undo it.
    let run = r.run(&[
        "demote",
        "nd",
        "--env",
        "production",
        "--to",
        "off",
        "--yes",
    ]);
    run.success();
    assert!(
        run.stderr.contains(
            "warning: the schedule of `nd` in `production` is dropped with this rollback"
        ),
        "{}",
        run.stderr
    );
    assert!(
        r.read("flags/nd.yaml")
            .ends_with("  production:\n    stage: off\n    since: 2026-11-25\n"),
        "{}",
        r.read("flags/nd.yaml")
    );
}

/// A rollback of staging is never undone by production's plan: an entry that would take
/// production past staging's new stage drops production's plan in the same commit (with or
/// without `--cascade`, which only moves current stages), and CI passes.
#[test]
fn a_rollback_drops_a_later_environments_plan_that_would_pass_it() {
    let r = setup();
    r.run(&[
        "promote",
        "nd",
        "--env",
        "development",
        "--env",
        "staging",
        "--yes",
        "--force",
    ])
    .success();
    r.run(&[
        "schedule",
        "nd",
        "--env",
        "production",
        "--at",
        "2026-12-08T09:00:00Z",
        "--yes",
    ])
    .success();
    assert!(r.read("flags/nd.yaml").contains("schedule:"));
    let before = r.commit_count();
    let run = r.run(&["demote", "nd", "--env", "staging", "--yes"]);
    run.success();
    assert!(
        run.stderr.starts_with("warning: the schedule of `nd` in `production` would take it to `partners` at 2026-12-08T09:00:00Z, past `internal` in `staging`, which it comes after: it is dropped with this rollback; plan again with `flags schedule` once it is fixed\ncommitted "),
        "{}",
        run.stderr
    );
    assert_eq!(r.commit_count(), before + 1);
    let text = r.read("flags/nd.yaml");
    assert!(!text.contains("schedule:"), "{text}");
    assert!(
        text.ends_with("  staging:\n    stage: internal\n    since: 2026-11-25\n  production:  # careful\n    stage: internal\n"),
        "{text}"
    );
    r.run(&["validate"]).success();
    // After the planned instant, production still serves what staging allows.
    let later = r.run(&[
        "eval",
        "nd",
        "--env",
        "production",
        "--user",
        "u",
        "--at",
        "2026-12-09T00:00:00Z",
        "--format",
        "json",
    ]);
    later.success();
    assert!(
        later.stdout.contains("\"stage\": \"internal\""),
        "{}",
        later.stdout
    );
}

/// When the later environment's plan is dropped, an entry already due there (in force, not
/// yet advanced) is written into its `stage` first: the rollback never moves an environment
/// nobody demoted.
#[test]
fn a_dropped_later_plan_keeps_the_stage_already_in_force() {
    let mut r = TestRepo::new();
    r.env
        .push(("FLAGS_NOW".into(), "2026-06-01T00:00:00Z".into()));
    r.git_init();
    r.flag(
        "f",
        "  development: everyone\n  staging:\n    stage: internal\n    since: 2026-01-01\n    schedule:\n      - {stage: partners, at: 2026-03-01T00:00:00Z}\n      - {stage: everyone, at: 2026-12-01T00:00:00Z}\n",
    );
    r.commit_all("init", "2026-01-01");
    let run = r.run(&[
        "demote",
        "f",
        "--env",
        "development",
        "--to",
        "partners",
        "--yes",
    ]);
    run.success();
    assert!(
        run.stderr.contains("warning: the schedule of `f` in `staging` would take it to `everyone` at 2026-12-01T00:00:00Z, past `partners` in `development`"),
        "{}",
        run.stderr
    );
    assert!(
        r.read("flags/f.yaml")
            .ends_with("  staging:\n    stage: partners\n    since: 2026-03-01\n"),
        "{}",
        r.read("flags/f.yaml")
    );
    r.run(&["validate"]).success();
}

/// A later plan that stays within the rolled-back environment's new stage is kept.
#[test]
fn a_rollback_keeps_a_later_plan_that_stays_behind_it() {
    let r = setup();
    r.run(&[
        "promote",
        "nd",
        "--env",
        "development",
        "--yes",
        "--force",
        "--to",
        "everyone",
    ])
    .success();
    r.run(&[
        "promote", "nd", "--env", "staging", "--yes", "--force", "--to", "everyone",
    ])
    .success();
    r.run(&[
        "schedule",
        "nd",
        "--env",
        "production",
        "--at",
        "2026-12-08T09:00:00Z",
        "--yes",
    ])
    .success();
    let run = r.run(&["demote", "nd", "--env", "staging", "--yes"]);
    run.success();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(
        r.read("flags/nd.yaml")
            .contains("      - {stage: partners, at: 2026-12-08T09:00:00Z}\n"),
        "{}",
        r.read("flags/nd.yaml")
    );
    r.run(&["validate"]).success();
}

#[test]
fn against_refuses_entries_added_already_due() {
    let r = planned();
    r.write(
        "flags/nd.yaml",
        r.read("flags/nd.yaml").replace(
            "      - {stage: partners, at: 2026-12-01T09:00:00+01:00}\n",
            "      - {stage: partners, at: 2026-11-25T09:00:00Z}\n",
        ),
    );
    let v = r.run(&["validate", "--against", "HEAD"]);
    v.code(1);
    assert_eq!(
        v.stdout
            .lines()
            .filter(|l| l.contains("error"))
            .collect::<Vec<_>>(),
        vec![
            "flags/nd.yaml:19:31: error: flag `nd`'s schedule in `production` gains an entry for `partners` at 2026-11-25T09:00:00Z, which has already passed: it would take effect as soon as it lands, dated before it was made; plan a time to come, or promote now with `flags promote`"
        ]
    );
    // The same entry planned for later is fine.
    r.write(
        "flags/nd.yaml",
        r.read("flags/nd.yaml")
            .replace("2026-11-25T09:00:00Z", "2026-11-26T09:00:00Z"),
    );
    let v = r.run(&["validate", "--against", "HEAD"]);
    v.success();
}

#[test]
fn the_schema_describes_schedule_entries() {
    let r = TestRepo::empty();
    let schema = r.run(&["schema", "flag"]).json();
    let validator = jsonschema::validator_for(&schema).expect("the flag schema compiles");
    let flag = |entry: serde_json::Value| {
        serde_json::json!({"description": "D", "owner": "o", "type": "release",
            "environments": {"production": {"stage": "internal", "schedule": [entry]}}})
    };
    for good in ["2026-12-01T09:00:00Z", "2026-12-01T10:00:00+01:00"] {
        assert!(
            validator.is_valid(&flag(serde_json::json!({"stage": "partners", "at": good}))),
            "{good}"
        );
    }
    for bad in [
        serde_json::json!({"stage": "partners", "at": "2026-12-01"}),
        serde_json::json!({"stage": "partners", "at": "2026-12-01T09:00:00"}),
        serde_json::json!({"stage": "partners"}),
        serde_json::json!({"stage": "partners", "at": "2026-12-01T09:00:00Z", "when": 1}),
    ] {
        assert!(!validator.is_valid(&flag(bad.clone())), "{bad}");
    }
}

#[test]
fn an_environment_the_flag_does_not_list_has_nothing_to_schedule_or_clear() {
    let r = setup();
    r.flag("dev-only", "  development: internal\n");
    r.commit_all("dev only", "2026-11-21");
    let run = r.run(&[
        "schedule",
        "dev-only",
        "--env",
        "production",
        "--at",
        "2026-12-01T09:00:00Z",
        "--yes",
    ]);
    assert_error(
        &run,
        "error: flag `dev-only` does not list `production`, so it is `off` there and has nothing to schedule from\nhint: add `production: off` under `environments` in `flags/dev-only.yaml` first\n",
    );
    let run = r.run(&[
        "schedule",
        "dev-only",
        "--env",
        "production",
        "--clear",
        "--yes",
    ]);
    run.success();
    assert_eq!(
        run.stderr,
        "flag `dev-only` has no schedule in `production`; nothing changed\n"
    );
    let run = r.run(&["schedule", "dev-only", "--env", "prod", "--clear", "--yes"]);
    run.code(2);
    assert!(
        run.stderr.contains("did you mean `production`?"),
        "{}",
        run.stderr
    );
    assert_eq!(r.commit_count(), 2);
}

#[test]
fn advance_leaves_a_file_it_cannot_edit_to_a_person_and_advances_the_others() {
    let r = planned();
    // A flow-style entry: its due move cannot be written by a span edit.
    r.flag(
        "flowy",
        "  development: {stage: internal, schedule: [{stage: partners, at: 2026-11-24T09:00:00Z}]}\n",
    );
    r.commit_all("flowy", "2026-11-21");
    let flowy = r.read("flags/flowy.yaml");
    let run = r.run(&["advance", "--yes"]);
    // Ran, committed the others, and found a problem: exit 1 for a scheduled job to notice.
    run.code(1);
    assert!(
        run.stderr
            .starts_with("warning: advancing `flags/flowy.yaml` in `development`: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("; advance it by hand (the other flags advance)\n"),
        "{}",
        run.stderr
    );
    assert_eq!(r.read("flags/flowy.yaml"), flowy);
    assert_eq!(r.commit_count(), 3);
    assert!(
        r.read("flags/nd.yaml")
            .contains("  development:\n    stage: partners\n    since: 2026-11-24\n"),
        "{}",
        r.read("flags/nd.yaml")
    );
    // Only that file left: an error, nothing changed.
    let run = r.run(&["advance", "--yes"]);
    run.code(2);
    assert!(
        run.stderr.starts_with("error: scheduled moves are due, but the tool cannot edit the file they are in; nothing changed:\n  advancing `flags/flowy.yaml` in `development`: "),
        "{}",
        run.stderr
    );
    assert_eq!(r.commit_count(), 3);
}

#[test]
fn schedule_and_advance_take_branch_and_leave_the_work_tree_alone() {
    let r = planned();
    let git = |args: &[&str]| r.git_cli(r.path(), args).success().stdout.clone();
    let head = git(&["rev-parse", "HEAD"]);
    let before = r.read("flags/nd.yaml");
    let run = r.run(&["advance", "--yes", "--branch", "flags/advance"]);
    run.success();
    assert!(
        run.stderr.contains(
            " on branch `flags/advance`: flags: advance 1 flag to its scheduled stage\npublish it for review: git push -u origin flags/advance\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(git(&["rev-parse", "HEAD"]), head);
    assert_eq!(r.read("flags/nd.yaml"), before);
    assert_eq!(git(&["status", "--porcelain"]), "");
    let advanced = git(&["show", "flags/advance:flags/nd.yaml"]);
    assert!(
        advanced.starts_with(
            "description: Flag nd\nowner: team-a\ntype: release\nenvironments:\n  development:\n    stage: partners\n    since: 2026-11-24\n"
        ),
        "{advanced}"
    );
    // Stacked on the same branch: the plan is made from its tip.
    let run = r.run(&[
        "schedule",
        "nd",
        "--env",
        "development",
        "--at",
        "2026-12-02T09:00:00Z",
        "--yes",
        "--branch",
        "flags/advance",
    ]);
    run.success();
    assert_eq!(git(&["rev-parse", "flags/advance~2"]), head);
    assert!(
        git(&["show", "flags/advance:flags/nd.yaml"])
            .contains("      - {stage: everyone, at: 2026-12-02T09:00:00Z}\n")
    );
    assert_eq!(r.read("flags/nd.yaml"), before);
    // Nothing due on the branch any more: no commit there.
    let tip = git(&["rev-parse", "flags/advance"]);
    r.run(&["advance", "--yes", "--branch", "flags/advance"])
        .success();
    assert_eq!(git(&["rev-parse", "flags/advance"]), tip);
}

/// A time written with a space between date and time is refused wherever it is given, with
/// the same reason: on the command line (`--at`, `FLAGS_NOW`) as in a file.
#[test]
fn a_space_instead_of_t_is_refused_everywhere_with_the_reason() {
    let mut r = setup();
    let reason = "it separates the date and the time with a space; write `T`";
    for args in [
        &[
            "schedule",
            "nd",
            "--env",
            "development",
            "--at",
            "2026-12-01 09:00:00Z",
            "--yes",
        ][..],
        &[
            "eval",
            "nd",
            "--env",
            "development",
            "--user",
            "u",
            "--at",
            "2026-12-01 09:00:00Z",
        ],
    ] {
        let run = r.run(args);
        run.code(2);
        assert!(run.stderr.contains(reason), "{args:?}: {}", run.stderr);
    }
    assert_eq!(r.commit_count(), 1);
    r.write(
        "flags/nd.yaml",
        r.read("flags/nd.yaml").replace(
            "  production: internal  # careful\n",
            "  production:\n    stage: internal\n    schedule:\n      - {stage: partners, at: 2026-12-01 09:00:00Z}\n",
        ),
    );
    let v = r.run(&["validate"]);
    v.code(1);
    assert!(
        v.stdout.contains(&format!("flags/nd.yaml:14:31: error: `environments.production.schedule.at` `2026-12-01 09:00:00Z` is not a valid time: {reason};")),
        "{}",
        v.stdout
    );
    r.env.retain(|(k, _)| k != "FLAGS_NOW");
    r.env
        .push(("FLAGS_NOW".into(), "2026-12-01 09:00:00Z".into()));
    let run = r.run(&["list"]);
    run.code(2);
    assert!(run.stderr.contains(reason), "{}", run.stderr);
}
