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
            {
              "in": [
                {"substr": [{"cat": [{"var": "seats"}]}, 0, 1]},
                ["-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
              ]
            },
            {"in": [{"var": "seats"}, {"merge": [{"var": "seats"}]}]},
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

/// `-o` into folders that do not exist yet (a fresh checkout's `deploy/...`) makes them, as
/// `--out-dir` does, and writes exactly what stdout would have had.
#[test]
fn output_into_a_missing_folder_makes_it() {
    let r = repo();
    let stdout = r.run(&["export", "--env", "production"]);
    stdout.success();
    let run = r.run(&[
        "export",
        "--env",
        "production",
        "-o",
        "deploy/k8s/production/flags.json",
    ]);
    run.success();
    assert_eq!(run.stdout, "");
    assert_eq!(r.read("deploy/k8s/production/flags.json"), stdout.stdout);
}

/// An export never replaces the repository's own files (a flag file with uncommitted edits,
/// `flags.yaml`) nor lands where it would be read as one.
#[test]
fn an_export_over_the_repositorys_own_files_is_refused() {
    let r = repo();
    let flag = std::fs::read_dir(r.join("flags"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "yaml"))
        .unwrap();
    let rel = flag
        .strip_prefix(r.path())
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let before = r.read(&rel);
    for args in [
        vec!["export", "--env", "production", "-o", rel.as_str()],
        vec!["export", "--env", "production", "-o", "flags.yaml"],
        vec!["export", "--env", "production", "-o", "environments"],
        vec![
            "export",
            "--format",
            "openfeature-operator",
            "--all",
            "--out-dir",
            "segments",
        ],
    ] {
        let run = r.run(&args);
        run.code(2);
        assert!(
            run.stderr.contains("is one of the flags repository's own files (or would be read as one); nothing was written\nhint: write the export outside"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert_eq!(r.read(&rel), before);
    assert!(r.read("flags.yaml").starts_with("pipeline:"));
    assert!(!r.join("segments/production.yaml").exists());
    r.run(&["validate"]).success();
}

#[test]
fn an_invalid_repository_is_not_exported_and_no_file_is_written() {
    let r = repo();
    r.write("segments/beta.yaml", "users: [beta-1]\nsegments: [nope]\n");
    let run = r.run(&["export", "--env", "production", "-o", "out.json"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "segments/beta.yaml:2:12: error: segment `beta` names unknown segment `nope`: known: beta, internal, partners (segments live in `segments/<name>.yaml`)\nerror: what `production` serves is undefined: 1 error above\nhint: fix them, then try again (`flags validate` lists every problem)\n"
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
        "flags.yaml/flags.json",
    ]);
    run.code(2);
    assert!(
        run.stderr.starts_with("error: creating the folder `")
            && run.stderr.contains("flags.yaml`\n  caused by: "),
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
        assert_eq!(flags, 17);
    }
}

/// `repo()` with a second environment, `staging`, where `at-canary` is still internal.
fn two_environments() -> TestRepo {
    let r = repo();
    r.write("environments/staging.yaml", "");
    r.write(
        "flags/at-canary.yaml",
        "description: d\nowner: team-b\ntype: experiment\nenvironments:\n  production: canary\n  staging: internal\n",
    );
    r
}

fn file_names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn all_writes_one_file_per_environment() {
    let r = two_environments();
    let run = r.run(&["export", "--all", "--out-dir", "deploy/flags"]);
    run.success();
    assert_eq!(run.stdout, "");
    let dir = r.join("deploy/flags");
    assert_eq!(
        run.stderr,
        "wrote 4 flags of `production` to deploy/flags/production.flagd.json\n\
         wrote 4 flags of `staging` to deploy/flags/staging.flagd.json\n"
    );
    // Exactly one file per environment (no temporary file left), each what `--env` prints.
    assert_eq!(
        file_names(&dir),
        ["production.flagd.json", "staging.flagd.json"]
    );
    assert_eq!(r.read("deploy/flags/production.flagd.json"), FLAGD);
    let staging = r.run(&["export", "--env", "staging"]);
    assert_eq!(
        r.read("deploy/flags/staging.flagd.json"),
        staging.success().stdout
    );
    assert_ne!(staging.stdout, FLAGD);
    // Again, over the existing files: replaced whole.
    r.write("deploy/flags/staging.flagd.json", "stale");
    r.run(&["export", "--all", "--out-dir", "deploy/flags"])
        .success();
    assert_eq!(r.read("deploy/flags/staging.flagd.json"), staging.stdout);
    // The other formats name their files after themselves.
    r.run(&["export", "--all", "--out-dir", "snap", "--format", "json"])
        .success();
    assert_eq!(
        file_names(&r.join("snap")),
        ["production.json", "staging.json"]
    );
    let json = r.run(&["export", "--env", "staging", "--format", "json"]);
    assert_eq!(r.read("snap/staging.json"), json.success().stdout);
}

#[test]
fn all_needs_an_out_dir_and_excludes_env_and_output() {
    let r = two_environments();
    for args in [
        &["export", "--all"][..],
        &["export", "--all", "--env", "staging", "--out-dir", "d"],
        &["export", "--all", "--out-dir", "d", "-o", "f.json"],
        &["export", "--env", "staging", "--out-dir", "d"],
    ] {
        let run = r.run(args);
        run.code(2);
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "");
    }
    assert!(!r.join("d").exists());
    assert!(!r.join("f.json").exists());
}

#[test]
fn all_writes_nothing_when_the_repository_is_invalid() {
    let r = two_environments();
    r.write("segments/beta.yaml", "users: [beta-1]\nsegments: [nope]\n");
    let run = r.run(&["export", "--all", "--out-dir", "out"]);
    run.code(2);
    assert!(!r.join("out").exists());
}

#[cfg(unix)]
#[test]
fn output_through_a_symbolic_link_writes_its_target() {
    // Regression: `-o` through a link replaced the link with a file, so a flagd watching the
    // link's target never saw the update.
    use std::os::unix::fs::symlink;
    let r = repo();
    std::fs::create_dir_all(r.join("releases")).unwrap();
    std::fs::create_dir_all(r.join("deploy")).unwrap();
    r.write("releases/flags.json", "old");
    // deploy/current.json -> deploy/via.json -> ../releases/flags.json (relative links).
    symlink("../releases/flags.json", r.join("deploy/via.json")).unwrap();
    symlink("via.json", r.join("deploy/current.json")).unwrap();
    let run = r.run(&["export", "--env", "production", "-o", "deploy/current.json"]);
    run.success();
    assert_eq!(r.read("releases/flags.json"), FLAGD);
    for link in ["deploy/current.json", "deploy/via.json"] {
        let meta = std::fs::symlink_metadata(r.join(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} is no longer a link");
    }
    assert_eq!(file_names(&r.join("releases")), ["flags.json"]);
    assert_eq!(file_names(&r.join("deploy")), ["current.json", "via.json"]);
    // A dangling link: its target is created, as a shell's `>` would.
    symlink("../releases/new.json", r.join("deploy/next.json")).unwrap();
    r.run(&["export", "--env", "production", "-o", "deploy/next.json"])
        .success();
    assert_eq!(r.read("releases/new.json"), FLAGD);
    // `--all` writes through a link in the output folder too.
    std::fs::create_dir_all(r.join("out")).unwrap();
    symlink("../releases/prod.json", r.join("out/production.flagd.json")).unwrap();
    r.run(&["export", "--all", "--out-dir", "out"]).success();
    assert_eq!(r.read("releases/prod.json"), FLAGD);
    assert!(
        std::fs::symlink_metadata(r.join("out/production.flagd.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[cfg(unix)]
#[test]
fn a_loop_of_links_exits_2() {
    use std::os::unix::fs::symlink;
    let r = repo();
    symlink("b.json", r.join("a.json")).unwrap();
    symlink("a.json", r.join("b.json")).unwrap();
    let run = r.run(&["export", "--env", "production", "-o", "a.json"]);
    run.code(2);
    assert!(
        run.stderr
            .contains("leads through more than 40 symbolic links"),
        "{}",
        run.stderr
    );
}
