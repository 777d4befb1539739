//! `flags validate`: every rule of PRODUCT.md section 3, located exactly, in every format.

use crate::harness::TestRepo;

/// Runs `validate` and returns (exit code, stdout).
fn validate(r: &TestRepo) -> (i32, String) {
    let run = r.run(&["validate"]);
    (run.code, run.stdout)
}

#[test]
fn clean_repository_exits_zero_with_summary_on_stderr() {
    let r = TestRepo::new();
    r.flag(
        "a",
        "  development: everyone\n  staging: partners\n  production: internal\n",
    );
    let run = r.run(&["validate"]);
    run.success();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "0 errors, 0 warnings in 1 flag, 2 segments, 3 environments\n"
    );
}

#[test]
fn bundled_example_validates_clean() {
    let run = TestRepo::empty().run(&[
        "-C",
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/acme"),
        "validate",
    ]);
    run.success();
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("0 errors, 0 warnings in 17 flags, 4 segments, 3 environments"),
        "{}",
        run.stderr
    );
}

#[test]
fn yaml_syntax_error_is_located() {
    let r = TestRepo::new();
    r.write("flags/a.yaml", "description: \"unclosed\nowner: x\n");
    r.write(
        "flags/b.yaml",
        "description: d\nowner: o\n  type: release\n",
    );
    assert_eq!(
        validate(&r),
        (1, "flags/a.yaml:1:14: error: a quoted value is not closed: add the closing quote\nflags/b.yaml:3:7: error: a `key: value` cannot stand here: check the indentation (the keys of one mapping line up), or quote a value that contains `: `\n".into())
    );
}

#[test]
fn unknown_missing_and_mistyped_fields() {
    let r = TestRepo::new();
    r.write(
        "flags/unknown.yaml",
        "description: d\nowner: o\ntype: release\nowners: x\n",
    );
    r.write("flags/missing.yaml", "description: d\ntype: release\n");
    r.write(
        "flags/wrong-type.yaml",
        "description: d\nowner: o\ntype: release\nenvironments: [production]\n",
    );
    r.write(
        "flags/bad-enum.yaml",
        "description: d\nowner: o\ntype: relase\n",
    );
    r.write("environments/qa.yaml", "after: staging\ncolour: blue\n");
    let (code, out) = validate(&r);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "environments/qa.yaml:2:1: error: unknown field `colour` in an environment file: remove it (the fields here are description, after)
flags/bad-enum.yaml:3:7: error: `type`: `relase` is not a flag type; did you mean `release`? (one of release, experiment, operational, kill-switch, permission)
flags/missing.yaml:1:1: error: flag `missing` has no `owner`: add `owner:` with the team or person responsible
flags/unknown.yaml:4:1: error: unknown field `owners` in a flag file: did you mean `owner`?
flags/wrong-type.yaml:4:15: error: `environments` must be a mapping of environment to stage (`production: internal` lines), found a list of 1 item
"
    );
}

#[test]
fn duplicate_key_in_a_file() {
    let r = TestRepo::new();
    r.write(
        "flags/a.yaml",
        "description: d\nowner: o\nowner: p\ntype: release\n",
    );
    assert_eq!(
        validate(&r),
        (
            1,
            "flags/a.yaml:3:1: error: duplicate key `owner`; keep only one of them\n".into()
        )
    );
}

#[test]
fn invalid_file_names_and_duplicate_keys_across_folders() {
    let r = TestRepo::new();
    r.flag("Bad_Name", "  development: internal\n");
    r.write(
        "flags/team-a/same.yaml",
        "description: d\nowner: o\ntype: release\n",
    );
    r.write(
        "flags/team-b/same.yaml",
        "description: d\nowner: o\ntype: release\n",
    );
    r.write("segments/has space.yaml", "users: [x]\n");
    let (code, out) = validate(&r);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "flags/Bad_Name.yaml: error: flag name `Bad_Name` (the file name) is invalid: use lowercase letters and digits, separated by single `.`, `_` or `-`, at most 64 characters; rename the file
flags/team-b/same.yaml: error: duplicate flag key `same`: also defined in `flags/team-a/same.yaml`; flag keys must be unique across sub-folders, rename or delete one
segments/has space.yaml: error: segment name `has space` (the file name) is invalid: use lowercase letters and digits, separated by single `.`, `_` or `-`, at most 64 characters; rename the file
segments/has space.yaml: warning: segment `has space` is not used by any stage, flag or other segment: use it or delete the file
"
    );
}

#[test]
fn unknown_environment_stage_and_segment_references() {
    let r = TestRepo::new();
    r.write(
        "flags/a.yaml",
        "description: d\nowner: o\ntype: release\nenvironments:\n  prod: internal\n  development: partnrs\n  staging:\n    stage: internal\n    segments: [beta]\n",
    );
    r.write("flags.yaml", "pipeline:\n  - stage: internal\n    segments: [internal, staff]\n  - stage: partners\n    segments: [partners]\n  - stage: everyone\n    rollout: 100\n");
    let (code, out) = validate(&r);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "flags.yaml:3:26: error: stage `internal` names unknown segment `staff`: known: internal, partners (segments live in `segments/<name>.yaml`)
flags/a.yaml:5:3: error: flag `a` names unknown environment `prod`: did you mean `production`?
flags/a.yaml:6:16: error: flag `a` is at unknown stage `partnrs` in `development`: did you mean `partners`?
flags/a.yaml:9:16: error: flag `a` in `staging` names unknown segment `beta`: known: internal, partners (segments live in `segments/<name>.yaml`)
"
    );
}

#[test]
fn segment_include_cycle_and_self_include() {
    let r = TestRepo::new();
    r.write("segments/internal.yaml", "users: [a]\nsegments: [staff]\n");
    r.write("segments/staff.yaml", "segments: [internal]\n");
    r.write(
        "segments/partners.yaml",
        "users: [g]\nsegments: [partners]\n",
    );
    let (code, out) = validate(&r);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "segments/internal.yaml:2:12: error: segment includes form a cycle: internal -> staff -> internal; remove one of these includes
segments/partners.yaml:2:12: error: segment `partners` includes itself; remove it from `segments`
segments/staff.yaml:1:12: error: segment includes form a cycle: staff -> internal -> staff; remove one of these includes
"
    );
}

#[test]
fn gate_unknown_self_and_cycle() {
    let r = TestRepo::new();
    r.write("environments/development.yaml", "after: production\n");
    r.write("environments/qa.yaml", "after: stagin\n");
    r.write("environments/sandbox.yaml", "after: sandbox\n");
    let (code, out) = validate(&r);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "environments/development.yaml:1:8: error: `after` gates form a cycle: development -> production -> staging -> development; remove one `after`
environments/production.yaml:1:8: error: `after` gates form a cycle: production -> staging -> development -> production; remove one `after`
environments/qa.yaml:1:8: error: `after` names unknown environment `stagin`: did you mean `staging`?
environments/sandbox.yaml:1:8: error: environment `sandbox` is gated on itself: `after` must name another environment
environments/staging.yaml:1:8: error: `after` gates form a cycle: staging -> development -> production -> staging; remove one `after`
"
    );
}

#[test]
fn flag_ahead_of_its_gate() {
    let r = TestRepo::new();
    r.flag(
        "a",
        "  development: everyone\n  staging: internal\n  production: partners  # too early\n",
    );
    let (code, out) = validate(&r);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "flags/a.yaml:7:15: error: flag `a` is at `partners` in `production` but only at `internal` in `staging`, which `production` comes after: demote it in `production` or promote it in `staging` first\n"
    );
}

#[test]
fn last_stage_must_reach_everyone_and_stages_must_add_someone() {
    let r = TestRepo::new();
    r.write(
        "flags.yaml",
        "pipeline:\n  - stage: internal\n    segments: [internal]\n  - stage: again\n    segments: [internal]\n  - stage: partners\n    segments: [partners]\n    rollout: 50\n",
    );
    let (code, out) = validate(&r);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "flags.yaml:4:12: warning: stage `again` adds nobody to the audience of the stages before it: give it new `segments` or a higher `rollout`, or remove it
flags.yaml:6:12: error: the last stage `partners` reaches 50% of users; the pipeline must end at 100%: add `rollout: 100` to it
"
    );
}

#[test]
fn pipeline_stage_names_rollout_range_and_decimals() {
    let r = TestRepo::new();
    r.write(
        "flags.yaml",
        "pipeline:\n  - stage: 'off'\n    segments: [internal]\n  - stage: Partners\n    segments: [partners]\n    rollout: 12.3456\n  - stage: everyone\n    rollout: 150\n  - stage: everyone\n    rollout: 100\n",
    );
    let (code, out) = validate(&r);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "flags.yaml:2:12: error: stage name `off` is reserved for the stage before the first one; rename this stage
flags.yaml:4:12: error: stage name `Partners` is invalid: use lowercase letters and digits, separated by single `.`, `_` or `-`, at most 64 characters
flags.yaml:6:14: error: rollout `12.3456` of stage `Partners` has more than three decimals: round it (e.g. 12.5)
flags.yaml:8:14: error: rollout `150` of stage `everyone` is out of range: use a percentage from 0 to 100
flags.yaml:9:12: error: stage `everyone` is listed twice (first on line 7); stage names must be unique
"
    );
}

#[test]
fn invalid_dates_future_since_and_expired() {
    let r = TestRepo::new();
    r.write(
        "flags/a.yaml",
        "description: d\nowner: o\ntype: release\ncreated: 2026-02-30\nexpires: 2026-11-01\nenvironments:\n  development:\n    stage: internal\n    since: 2026-12-01\n  staging:\n    stage: internal\n    since: yesterday\n",
    );
    let (code, out) = validate(&r);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "flags/a.yaml:4:10: error: `created` `2026-02-30` is not a valid date: write YYYY-MM-DD, e.g. 2026-11-02
flags/a.yaml:5:10: warning: flag `a` expired on 2026-11-01: remove it (`flags remove a`) or move `expires` later
flags/a.yaml:9:12: error: `since` 2026-12-01 of flag `a` in `development` is in the future (today is 2026-11-25): use the date the stage was entered
flags/a.yaml:12:12: error: `since` `yesterday` is not a valid date: write YYYY-MM-DD, e.g. 2026-11-02
"
    );
}

#[test]
fn warnings_alone_exit_zero() {
    let r = TestRepo::new();
    r.write("segments/unused.yaml", "users: [x]\n");
    let run = r.run(&["validate"]);
    run.success();
    assert_eq!(
        run.stdout,
        "segments/unused.yaml: warning: segment `unused` is not used by any stage, flag or other segment: use it or delete the file\n"
    );
    assert_eq!(
        run.stderr,
        "0 errors, 1 warning in 0 flags, 3 segments, 3 environments\n"
    );
}

#[test]
fn rule_values_must_suit_the_operator() {
    let r = TestRepo::new();
    r.write(
        "segments/internal.yaml",
        "rules:\n  - attribute: seats\n    op: gte\n    values: [\"many\"]\n  - attribute: email\n    op: ends_with\n    values: [5]\n  - attribute: ''\n    op: in\n    values: []\n",
    );
    let (code, out) = validate(&r);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "segments/internal.yaml:4:13: error: operator `gte` compares numbers, but value \"many\" is not one: use numbers
segments/internal.yaml:7:13: error: operator `ends_with` compares strings, but value 5 is not one: use strings (quote them)
segments/internal.yaml:8:16: error: rule `attribute` is empty: name a user attribute (`key` is the targeting key)
segments/internal.yaml:10:13: error: rule on `` has no `values`: list at least one
"
    );
}

#[test]
fn every_problem_of_every_file_in_one_run() {
    let r = TestRepo::new();
    r.write("flags/a.yaml", "not: [valid\n");
    r.write(
        "flags/b.yaml",
        "description: d\nowner: o\ntype: release\nenvironments:\n  nowhere: internal\n",
    );
    r.write("environments/qa.yaml", "after: nowhere\n");
    let (code, out) = validate(&r);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 3, "{out}");
}

#[test]
fn json_format() {
    let r = TestRepo::new();
    r.flag("a", "  production: partners\n");
    r.write("segments/unused.yaml", "users: [x]\n");
    let run = r.run(&["validate", "--format", "json"]);
    run.code(1);
    // `root` is the flags root, absolute: every `file` is relative to it.
    let root = std::fs::canonicalize(r.path()).unwrap();
    assert_eq!(
        run.json(),
        serde_json::json!({
            "valid": false,
            "root": root.to_str().unwrap(),
            "errors": 1,
            "warnings": 1,
            "problems": [
                {"severity": "error", "file": "flags/a.yaml", "line": 5, "column": 15,
                 "message": "flag `a` is at `partners` in `production` but only at `off` in `staging`, which `production` comes after: demote it in `production` or promote it in `staging` first"},
                {"severity": "warning", "file": "segments/unused.yaml", "line": null, "column": null,
                 "message": "segment `unused` is not used by any stage, flag or other segment: use it or delete the file"}
            ]
        })
    );
    let clean = TestRepo::new();
    let run = clean.run(&["validate", "--format", "json"]);
    run.success();
    assert_eq!(
        run.json(),
        serde_json::json!({"valid": true, "root": std::fs::canonicalize(clean.path()).unwrap().to_str().unwrap(), "errors": 0, "warnings": 0, "problems": []})
    );
}

#[test]
fn github_format_prefixes_the_path_inside_the_git_repository() {
    let r = TestRepo::empty();
    r.git_init();
    let app = TestRepo::new();
    // Copy the minimal repo into a sub-folder of an application repository.
    for rel in [
        "flags.yaml",
        "environments/development.yaml",
        "environments/staging.yaml",
        "environments/production.yaml",
        "segments/internal.yaml",
        "segments/partners.yaml",
    ] {
        r.write(&format!("config/flags/{rel}"), app.read(rel));
    }
    r.write(
        "config/flags/flags/a,b.yaml",
        "description: d\nowner: o\ntype: release\nenvironments:\n  production: internal\n",
    );
    let run = r.run(&["-C", "config/flags", "validate", "--format", "github"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "::error file=config/flags/flags/a%2Cb.yaml::flag name `a,b` (the file name) is invalid: use lowercase letters and digits, separated by single `.`, `_` or `-`, at most 64 characters; rename the file
::error file=config/flags/flags/a%2Cb.yaml,line=5,col=15::flag `a,b` is at `internal` in `production` but only at `off` in `staging`, which `production` comes after: demote it in `production` or promote it in `staging` first
"
    );
}

#[test]
fn text_from_files_is_escaped() {
    let r = TestRepo::new();
    r.write(
        "flags/a.yaml",
        "description: d\nowner: o\ntype: release\nenvironments:\n  \"prod\\e[31m\": internal\n",
    );
    let (code, out) = validate(&r);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "flags/a.yaml:5:3: error: flag `a` names unknown environment `prod\\u{1b}[31m`: known: development, production, staging\n"
    );
}

#[test]
fn every_problem_of_a_file_in_one_run_with_the_field_named() {
    // Issue #12: the loader used to stop at the first problem of each file, so one mistake
    // hid the others (a missing `owner` hid the bad date and the misspelt stage).
    let r = TestRepo::new();
    r.write(
        "flags/a.yaml",
        "description: d\ntype: release\ncreated: 2026-13-45\nenvironments:\n  development: partnrs\n",
    );
    r.write(
        "flags/b.yaml",
        "description: d\nowner: [a, b]\ntype: release\nenvironments:\n  development: partnrs\n",
    );
    r.write(
        "flags/c.yaml",
        "description: d\nowner: o\ntype: relase\nexpires: tomorrow\nenvironments:\n  prod: internal\n",
    );
    let run = r.run(&["validate"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "flags/a.yaml:1:1: error: flag `a` has no `owner`: add `owner:` with the team or person responsible
flags/a.yaml:3:10: error: `created` `2026-13-45` is not a valid date: write YYYY-MM-DD, e.g. 2026-11-02
flags/a.yaml:5:16: error: flag `a` is at unknown stage `partnrs` in `development`: did you mean `partners`?
flags/b.yaml:2:8: error: `owner` must be a single text value, found a list of 2 items
flags/b.yaml:5:16: error: flag `b` is at unknown stage `partnrs` in `development`: did you mean `partners`?
flags/c.yaml:3:7: error: `type`: `relase` is not a flag type; did you mean `release`? (one of release, experiment, operational, kill-switch, permission)
flags/c.yaml:4:10: error: `expires` `tomorrow` is not a valid date: write YYYY-MM-DD, e.g. 2026-11-02
flags/c.yaml:6:3: error: flag `c` names unknown environment `prod`: did you mean `production`?
"
    );
    // Files with problems are counted: they were read.
    assert_eq!(
        run.stderr,
        "8 errors, 0 warnings in 3 flags, 2 segments, 3 environments\n"
    );
}

#[test]
fn a_file_with_problems_still_declares_what_it_can() {
    // Issue #12: a segment with a bad rule used to vanish, so every reference to it was a
    // second, false "unknown segment" error; a broken environment file did the same.
    let r = TestRepo::new();
    r.write(
        "segments/partners.yaml",
        "rules:\n  - attribute: email\n    op: ends\n    values: [\"@partner.com\"]\n",
    );
    r.write("segments/beta.yaml", "users: [a\n");
    r.write("environments/qa.yaml", "after: [staging]\n");
    r.flag(
        "a",
        "  development:\n    stage: partners\n    segments: [beta]\n  qa: internal\n",
    );
    let run = r.run(&["validate"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "environments/qa.yaml:1:8: error: `after` must be a single text value, found a list of 1 item
segments/beta.yaml:1:8: error: a `[` is not closed: add the `]` (a value in brackets may go on over lines only up to its closing bracket)
segments/partners.yaml:3:9: error: `op` of rule 1: `ends` is not an operator; did you mean `ends_with`? (one of in, not_in, starts_with, ends_with, contains, lt, lte, gt, gte)
"
    );
    // Other commands still leave the broken files out, and say so.
    let run = r.run(&["list"]);
    run.success();
    assert!(
        run.stderr.starts_with("warning: 3 file(s) could not be read and are left out (environments/qa.yaml, segments/beta.yaml, segments/partners.yaml)"),
        "{}",
        run.stderr
    );
}

#[test]
fn json_output_when_the_command_cannot_run() {
    let dir = TestRepo::empty();
    let run = dir.run(&["validate", "--format", "json"]);
    run.code(2);
    assert_eq!(
        run.json(),
        serde_json::json!({
            "valid": false,
            "error": "no flags repository found in `.` or any parent directory (no `flags.yaml`)",
            "hint": "run `flags init` to create one, or pass `-C DIR` to point at it"
        })
    );
    assert!(
        run.stderr.starts_with("error: no flags repository found"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unreadable_flags_yaml_is_one_problem() {
    // Its stages are unknown, so no flag is said to be at an unknown stage.
    let r = TestRepo::new();
    r.write(
        "flags.yaml",
        "pipeline:\n  - stage: canary\n    rollout: [\n",
    );
    r.flag("a", "  development: canary\n");
    let run = r.run(&["validate"]);
    run.code(1);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(run.stdout.starts_with("flags.yaml:"), "{}", run.stdout);
    // ... nor a schedule entry planning one (regression: found in review).
    r.flag(
        "b",
        "  development:\n    stage: canary\n    schedule:\n      - {stage: ga, at: 2099-01-01T00:00:00Z}\n",
    );
    let run = r.run(&["validate"]);
    run.code(1);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
}

/// YAML files where they are not read are named, not ignored in silence: a sub-folder of
/// `segments/` or `environments/` (only flags may be grouped), and a top folder whose name is
/// close to one that is read.
#[test]
fn yaml_files_where_they_are_not_read_are_warned_about() {
    let r = TestRepo::new();
    r.write("segments/team/beta.yaml", "users: [x]\n");
    r.write("flag/lost.yaml", "description: d\n");
    r.write("docs/notes.yaml", "a: 1\n");
    let run = r.run(&["validate"]);
    run.success();
    assert_eq!(
        run.stdout,
        "flag/: warning: ignored: `flag/` is not a folder flags reads (flags/, segments/, environments/); did you mean `flags/`?\nsegments/team/: warning: ignored: the files of `segments/` are read from that folder itself, not from its sub-folders (only flags may be grouped); move them to `segments/`\n"
    );
}

/// An attribute that flagd would read otherwise than `eval` (a `.` is a nested path in
/// JsonLogic, `$...` is flagd's own) is an error on the rule, and what uses the segment is
/// not exported.
#[test]
fn attributes_flagd_reads_otherwise_are_errors() {
    let r = TestRepo::new();
    r.write(
        "segments/internal.yaml",
        "rules:\n  - attribute: user.email\n    op: ends_with\n    values: [\"@example.com\"]\n  - attribute: $flagd.timestamp\n    op: gt\n    values: [0]\n",
    );
    let run = r.run(&["validate"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "segments/internal.yaml:2:16: error: rule `attribute` `user.email` contains a `.`, which flagd reads as a path into nested attributes (`a.b` is `b` inside `a`): use a plain name, such as `a_b`\nsegments/internal.yaml:5:16: error: rule `attribute` `$flagd.timestamp` starts with `$`, which flagd keeps for its own values (`$flagd.timestamp`): use a plain name (a move at a set time is a schedule)\n"
    );
}

/// `environments` (or `segments`, `flags`) as a file is an error, not a repository without
/// environments.
#[test]
fn a_folder_that_is_a_file_is_an_error() {
    let r = TestRepo::empty();
    r.write("flags.yaml", crate::harness::SETTINGS);
    r.write("environments", "production: {}\n");
    r.write("segments/internal.yaml", "users: [a]\n");
    r.write("segments/partners.yaml", "users: [b]\n");
    let run = r.run(&["validate"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "environments: error: `environments` is a file; it must be a folder of `.yaml` files (`environments/NAME.yaml`)\n"
    );
}
