//! `flags export`: the exact flagd and snapshot output, `-o`, refusals, and the example
//! repository's export validating against the flagd schema.

use crate::agreement::assert_valid_flagd;
use crate::harness::TestRepo;

fn repo() -> TestRepo {
    let r = TestRepo::empty();
    r.write(
        "flags.yaml",
        "pipeline:
  - stage: internal
    segments: [internal]
  - stage: partners
    segments: [partners]
  - stage: canary
    rollout: 12.5
  - stage: everyone
    rollout: 100
",
    );
    r.write("environments/production.yaml", "");
    r.write(
        "segments/internal.yaml",
        "users: [ops-bot]\nrules:\n  - attribute: email\n    op: ends_with\n    values: [\"@example.com\"]\nexclude: [intern]\n",
    );
    r.write(
        "segments/partners.yaml",
        "rules:\n  - attribute: seats\n    op: gte\n    values: [500]\n  - attribute: key\n    op: not_in\n    values: [a, b]\n",
    );
    r.write("segments/beta.yaml", "users: [beta-1]\n");
    r.write(
        "flags/at-internal.yaml",
        "description: d\nowner: team-a\ntype: release\nenvironments:\n  production:\n    stage: internal\n    segments: [beta]\n",
    );
    r.write(
        "flags/at-canary.yaml",
        "description: d\nowner: team-b\ntype: experiment\nenvironments:\n  production: canary\n",
    );
    r.write(
        "flags/at-everyone.yaml",
        "description: d\nowner: team-c\ntype: kill-switch\nenvironments:\n  production: everyone\n",
    );
    r.write(
        "flags/switched-off.yaml",
        "description: d\nowner: team-d\ntype: operational\n",
    );
    r
}

const FLAGD: &str = r#"{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "flags": {
    "at-canary": {
      "state": "ENABLED",
      "variants": {"on": true, "off": false},
      "defaultVariant": "off",
      "targeting": {
        "if": [
          {"or": [{"$ref": "internal"}, {"$ref": "partners"}]},
          "on",
          {"if": [{"var": "targetingKey"}, {"fractional": [["on", 12500], ["off", 87500]]}, "off"]}
        ]
      },
      "metadata": {"owner": "team-b", "type": "experiment", "stage": "canary"}
    },
    "at-everyone": {
      "state": "ENABLED",
      "variants": {"on": true, "off": false},
      "defaultVariant": "off",
      "targeting": {"if": [true, "on", "off"]},
      "metadata": {"owner": "team-c", "type": "kill-switch", "stage": "everyone"}
    },
    "at-internal": {
      "state": "ENABLED",
      "variants": {"on": true, "off": false},
      "defaultVariant": "off",
      "targeting": {"if": [{"or": [{"$ref": "internal"}, {"$ref": "beta"}]}, "on", "off"]},
      "metadata": {"owner": "team-a", "type": "release", "stage": "internal"}
    },
    "switched-off": {
      "state": "ENABLED",
      "variants": {"on": true, "off": false},
      "defaultVariant": "off",
      "metadata": {"owner": "team-d", "type": "operational", "stage": "off"}
    }
  },
  "$evaluators": {
    "beta": {"in": [{"var": "targetingKey"}, ["beta-1"]]},
    "internal": {
      "and": [
        {"!": [{"in": [{"var": "targetingKey"}, ["intern"]]}]},
        {
          "or": [
            {"in": [{"var": "targetingKey"}, ["ops-bot"]]},
            {"ends_with": [{"var": "email"}, "@example.com"]}
          ]
        }
      ]
    },
    "partners": {
      "or": [
        {
          "and": [
            {"!==": [{"var": "seats"}, null]},
            {"!": [{"starts_with": [{"var": "seats"}, ""]}]},
            {">=": [{"var": "seats"}, 500]}
          ]
        },
        {
          "and": [
            {"!==": [{"var": "targetingKey"}, null]},
            {"!": [{"in": [{"var": "targetingKey"}, ["a", "b"]]}]}
          ]
        }
      ]
    }
  }
}
"#;

#[test]
fn flagd_output_is_exact_and_valid() {
    let r = repo();
    let run = r.run(&["export", "--env", "production"]);
    run.success();
    assert_eq!(run.stdout, FLAGD);
    assert_eq!(run.stderr, "");
    assert_valid_flagd(&run.json());
    // --format flagd is the default.
    assert_eq!(
        r.run(&["export", "--env", "production", "--format", "flagd"])
            .success()
            .stdout,
        FLAGD
    );
}

#[test]
fn json_snapshot_is_exact() {
    let r = repo();
    let run = r.run(&["export", "--env", "production", "--format", "json"]);
    assert_eq!(
        run.success().stdout,
        r#"{
  "at-canary": {"stage": "canary", "segments": ["internal", "partners"], "rollout": 12.5},
  "at-everyone": {"stage": "everyone", "segments": ["internal", "partners"], "rollout": 100},
  "at-internal": {"stage": "internal", "segments": ["internal", "beta"], "rollout": 0},
  "switched-off": {"stage": "off", "segments": [], "rollout": 0}
}
"#
    );
}

#[test]
fn output_file_is_written_relative_to_dash_c() {
    let r = repo();
    std::fs::create_dir_all(r.join("deploy")).unwrap();
    r.write(
        "deploy/flags.json",
        "old contents that must be replaced whole",
    );
    let other = tempfile::tempdir().unwrap();
    let dir = r.path().to_str().unwrap();
    let run = r.run_in(
        other.path(),
        &[
            "-C",
            dir,
            "export",
            "--env",
            "production",
            "-o",
            "deploy/flags.json",
        ],
    );
    run.success();
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("wrote 4 flags of `production` to "),
        "{}",
        run.stderr
    );
    assert_eq!(r.read("deploy/flags.json"), FLAGD);
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(r.join("deploy"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["flags.json"]);
    // --output, and an absolute path.
    let abs = other.path().join("snap.json");
    r.run(&[
        "export",
        "--env",
        "production",
        "--format",
        "json",
        "--output",
        abs.to_str().unwrap(),
    ])
    .success();
    assert!(
        std::fs::read_to_string(abs)
            .unwrap()
            .starts_with("{\n  \"at-canary\": {\"stage\": \"canary\"")
    );
}

#[test]
fn unknown_environment_exits_2_with_the_nearest_name() {
    let r = repo();
    let run = r.run(&["export", "--env", "prod"]);
    run.code(2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: unknown environment `prod`\nhint: did you mean `production`?\n"
    );
    let run = r.run(&["export"]);
    run.code(2);
    assert!(run.stderr.contains("--env"), "{}", run.stderr);
}

#[test]
fn an_invalid_repository_is_not_exported_and_no_file_is_written() {
    let r = repo();
    r.write("segments/beta.yaml", "users: [beta-1]\nsegments: [nope]\n");
    let run = r.run(&["export", "--env", "production", "-o", "out.json"]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: the flags repository has 1 error\n"),
        "{}",
        run.stderr
    );
    assert!(!r.join("out.json").exists());
}

#[test]
fn an_unwritable_output_exits_2() {
    let r = repo();
    let run = r.run(&[
        "export",
        "--env",
        "production",
        "-o",
        "no/such/dir/flags.json",
    ]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: creating a temporary file in "),
        "{}",
        run.stderr
    );
}

#[test]
fn example_repository_exports_valid_flagd_for_every_environment_deterministically() {
    let acme = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/acme");
    let r = TestRepo::empty();
    for env in ["development", "staging", "production"] {
        let first = r.run(&["-C", acme, "export", "--env", env]);
        first.success();
        assert_valid_flagd(&first.json());
        let second = r.run(&["-C", acme, "export", "--env", env]);
        assert_eq!(
            first.stdout, second.stdout,
            "export of {env} is not deterministic"
        );
        let flags = first.json()["flags"].as_object().unwrap().len();
        assert_eq!(flags, 14);
    }
}
