//! Global behaviour: discovery, exit codes, --version/--help, colour, broken pipes, and the
//! read-only commands list/show/init/schema/completions.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::harness::{BIN, TestRepo};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/acme");

#[test]
fn finds_the_root_by_walking_up() {
    let r = TestRepo::new();
    r.flag("a", "  development: internal\n");
    std::fs::create_dir_all(r.join("flags/deep/er")).unwrap();
    let run = r.run_in(&r.join("flags/deep/er"), &["list", "--format", "json"]);
    run.success();
    assert_eq!(run.json()[0]["key"], "a");
}

#[test]
fn no_flags_repository_is_exit_2_with_a_hint() {
    let r = TestRepo::empty();
    let run = r.run(&["list"]);
    run.code(2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with(
            "error: no flags repository found in `.` or any parent directory (no `flags.yaml`)\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with("hint: run `flags init` to create one, or pass `-C DIR` to point at it\n"),
        "{}",
        run.stderr
    );
    let run = r.run(&["-C", "does/not/exist", "validate"]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: cannot open directory `does/not/exist`"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_are_exit_2_and_help_version_exit_0() {
    let r = TestRepo::new();
    let run = r.run(&["frobnicate"]);
    run.code(2);
    assert!(
        run.stderr.contains("unrecognized subcommand 'frobnicate'"),
        "{}",
        run.stderr
    );
    r.run(&["validate", "--format", "yaml"]).code(2);
    let run = r.run(&["--version"]);
    run.success();
    assert_eq!(run.stdout, format!("flags {}\n", env!("CARGO_PKG_VERSION")));
    let run = r.run(&["--help"]);
    run.success();
    assert!(
        run.stdout
            .contains("Check every file and report every problem"),
        "{}",
        run.stdout
    );
}

#[test]
fn version_help_completions_and_schema_never_touch_the_disk() {
    // Run from a directory that does not exist any more: anything reading the disk would fail.
    let r = TestRepo::empty();
    for args in [
        &["--version"][..],
        &["completions", "bash"],
        &["schema"],
        &["help"],
    ] {
        let run = r.run(&[&["-C", "/nonexistent/place"][..], args].concat());
        run.success();
        assert!(!run.stdout.is_empty());
    }
}

#[test]
fn list_table_and_filters() {
    let r = TestRepo::new();
    r.flag(
        "beta",
        "  development: everyone\n  staging: partners\n  production: internal\n",
    );
    r.write("flags/team/alpha.yaml", "description: d\nowner: team-b\ntype: kill-switch\nenvironments:\n  development: everyone\n");
    let run = r.run(&["list"]);
    run.success();
    assert_eq!(
        run.stdout,
        "FLAG   OWNER   TYPE         DEVELOPMENT  STAGING   PRODUCTION
alpha  team-b  kill-switch  everyone     off       off
beta   team-a  release      everyone     partners  internal
"
    );
    assert_eq!(run.stderr, "2 of 2 flags\n");
    let keys = |args: &[&str]| -> Vec<String> {
        let run = r.run(&[&["list", "--format", "json"][..], args].concat());
        run.success();
        run.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["key"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(keys(&["--owner", "team-b"]), ["alpha"]);
    assert_eq!(keys(&["--type", "release"]), ["beta"]);
    assert_eq!(keys(&["--stage", "partners"]), ["beta"]);
    assert_eq!(
        keys(&["--stage", "everyone", "--env", "development"]),
        ["alpha", "beta"]
    );
    assert_eq!(keys(&["--stage", "off", "--env", "staging"]), ["alpha"]);
    assert!(keys(&["--stage", "everyone", "--env", "production"]).is_empty());
}

#[test]
fn list_rejects_unknown_filter_values() {
    let r = TestRepo::new();
    let run = r.run(&["list", "--env", "prod"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: unknown environment `prod`\nhint: did you mean `production`?\n"
    );
    let run = r.run(&["list", "--stage", "canary"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: unknown stage `canary`\nhint: stages: off, internal, partners, everyone\n"
    );
    let run = r.run(&["list", "--type", "temporary"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: unknown flag type `temporary`\nhint: types: release, experiment, operational, kill-switch, permission\n"
    );
}

#[test]
fn list_json_shape() {
    let r = TestRepo::new();
    r.flag(
        "a",
        "  development: everyone\n  staging:\n    stage: partners\n    since: 2026-11-01\n",
    );
    let run = r.run(&["list", "--format", "json"]);
    run.success();
    assert_eq!(
        run.stdout,
        r#"[
  {
    "key": "a",
    "owner": "team-a",
    "type": "release",
    "description": "Flag a",
    "environments": {
      "development": {
        "stage": "everyone",
        "since": null
      },
      "staging": {
        "stage": "partners",
        "since": "2026-11-01"
      },
      "production": {
        "stage": "off",
        "since": null
      }
    }
  }
]
"#
    );
}

#[test]
fn list_leaves_out_broken_files_and_says_so() {
    let r = TestRepo::new();
    r.flag("good", "  development: internal\n");
    r.write("flags/bad.yaml", "description: [\n");
    let run = r.run(&["list", "--format", "json"]);
    run.success();
    assert_eq!(run.json().as_array().unwrap().len(), 1);
    assert_eq!(
        run.stderr,
        "warning: 1 file(s) could not be read and are left out (flags/bad.yaml); run `flags validate` for details\n"
    );
}

#[test]
fn show_text() {
    let r = TestRepo::new();
    r.write(
        "flags/ui/new-dashboard.yaml",
        "description: Redesigned dashboard\nowner: team-ui\ntype: release\ncreated: 2026-10-01\nenvironments:\n  development: everyone\n  staging: partners\n  production:\n    stage: internal\n    since: 2026-11-02\n    segments: [partners]\n",
    );
    let run = r.run(&["show", "new-dashboard"]);
    run.success();
    assert_eq!(
        run.stdout,
        "new-dashboard
  Redesigned dashboard

file     flags/ui/new-dashboard.yaml
owner    team-ui
type     release (temporary)
created  2026-10-01

ENVIRONMENT  STAGE     SINCE       AUDIENCE
development  everyone  -           everyone
staging      partners  -           internal + partners
production   internal  2026-11-02  internal + partners
"
    );
}

#[test]
fn show_json_with_rollout() {
    let r = TestRepo::new();
    r.write(
        "flags.yaml",
        "pipeline:\n  - stage: internal\n    segments: [internal]\n  - stage: canary\n    segments: [partners]\n    rollout: 12.5\n  - stage: everyone\n    rollout: 100\n",
    );
    r.flag("a", "  development: canary\n");
    let run = r.run(&["show", "a", "--format", "json"]);
    run.success();
    assert_eq!(
        run.json(),
        serde_json::json!({
            "key": "a", "file": "flags/a.yaml", "description": "Flag a", "owner": "team-a", "type": "release",
            "created": null, "expires": null,
            "environments": {
                "development": {"stage": "canary", "since": null, "segments": ["internal", "partners"], "rollout": 12.5},
                "staging": {"stage": "off", "since": null, "segments": [], "rollout": 0.0},
                "production": {"stage": "off", "since": null, "segments": [], "rollout": 0.0}
            },
            "history": null
        })
    );
    let text = r.run(&["show", "a"]);
    assert!(
        text.stdout
            .contains("development  canary  -      internal + partners + 12.5% of users\n"),
        "{}",
        text.stdout
    );
}

#[test]
fn show_unknown_key_suggests_the_nearest() {
    let r = TestRepo::new();
    r.flag("new-dashboard", "  development: internal\n");
    let run = r.run(&["show", "new-dashbord"]);
    run.code(2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: unknown flag `new-dashbord`\nhint: did you mean `new-dashboard`?\n"
    );
}

#[test]
fn show_escapes_control_characters_from_files() {
    let r = TestRepo::new();
    r.write(
        "flags/a.yaml",
        "description: \"evil \\e]0;pwned\\a \\e[2J\"\nowner: \"x\\u202Ey\"\ntype: release\n",
    );
    let run = r.run(&["show", "a"]);
    run.success();
    assert!(!run.stdout.contains('\x1b'), "{:?}", run.stdout);
    assert!(
        run.stdout
            .contains("  evil \\u{1b}]0;pwned\\u{7} \\u{1b}[2J\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("owner    x\\u{202e}y\n"),
        "{}",
        run.stdout
    );
    let list = r.run(&["list"]);
    assert!(!list.stdout.contains('\u{202e}'), "{:?}", list.stdout);
}

#[test]
fn init_scaffolds_a_repository_that_validates_clean() {
    let r = TestRepo::empty();
    let run = r.run(&["init", "acme-flags"]);
    run.success();
    assert_eq!(run.stdout, "");
    let mut files: Vec<String> = walk(&r.join("acme-flags"));
    files.sort();
    assert_eq!(
        files,
        [
            "environments/development.yaml",
            "environments/production.yaml",
            "environments/staging.yaml",
            "flags.yaml",
            "flags/.gitkeep",
            "segments/internal.yaml",
            "segments/partners.yaml"
        ]
    );
    assert_eq!(
        r.read("acme-flags/environments/production.yaml"),
        "description: Customer-facing\nafter: staging            # a flag here is never ahead of staging\n"
    );
    let run = r.run(&["-C", "acme-flags", "validate"]);
    run.success();
    assert_eq!(run.stdout, "");
    // A second init refuses and changes nothing.
    let before = r.read("acme-flags/flags.yaml");
    let run = r.run(&["init", "acme-flags"]);
    run.code(2);
    assert!(
        run.stderr.contains("already holds a flags repository"),
        "{}",
        run.stderr
    );
    assert_eq!(r.read("acme-flags/flags.yaml"), before);
}

#[test]
fn init_refuses_to_overwrite_any_file() {
    let r = TestRepo::empty();
    r.write("segments/internal.yaml", "mine\n");
    let run = r.run(&["init"]);
    run.code(2);
    assert!(
        run.stderr
            .contains("segments/internal.yaml` already exists"),
        "{}",
        run.stderr
    );
    assert_eq!(r.read("segments/internal.yaml"), "mine\n");
    assert!(!r.join("flags.yaml").exists());
}

/// `init` inside another flags root's `flags/` (or `segments/`, `environments/`) would make
/// that root read the scaffold as its own files: refused, nothing created. Beside them (a
/// sub-folder of the root that is none of the three) it is fine.
#[test]
fn init_refuses_inside_another_roots_folders() {
    let r = TestRepo::new();
    let run = r.run(&["init", "flags/sub"]);
    run.code(2);
    assert_eq!(
        run.stderr,
        format!(
            "error: `{}/flags/sub` is inside the `flags/` folder of the flags repository in `{}`, which would read the new files as its own; nothing was changed\nhint: create it outside that repository's `flags/`, `segments/` and `environments/` folders\n",
            r.path().display(),
            r.path().display()
        )
    );
    assert!(!r.join("flags/sub").exists());
    r.run(&["init", "tools/other"]).success();
    r.run(&["validate"]).success();
}

/// Two files defining one key: `list` shows both rows (it cannot tell which is meant) and
/// says so on stderr, as it does for files it leaves out.
#[test]
fn list_warns_about_a_key_defined_twice() {
    let r = TestRepo::new();
    for team in ["web", "api"] {
        r.write(
            &format!("flags/{team}/dup.yaml"),
            format!("description: {team}\nowner: {team}\ntype: release\n"),
        );
    }
    let run = r.run(&["list"]);
    run.success();
    assert_eq!(
        run.stderr,
        "warning: flag key `dup` is defined 2 times (flags/api/dup.yaml, flags/web/dup.yaml); keys must be unique: rename or remove the extra files (`flags validate` reports it)\n2 of 2 flags\n"
    );
    assert_eq!(run.stdout.matches("dup").count(), 2, "{}", run.stdout);
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            for f in walk(&p) {
                out.push(format!("{}/{f}", p.file_name().unwrap().to_string_lossy()));
            }
        } else {
            out.push(p.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    out
}

#[test]
fn schema_describes_every_file_kind() {
    let r = TestRepo::empty();
    let run = r.run(&["schema"]);
    run.success();
    let all = run.json();
    assert_eq!(
        all["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    for def in [
        "Settings",
        "EnvironmentDef",
        "SegmentDef",
        "FlagDef",
        "EnvEntry",
        "Rule",
        "Op",
        "FlagType",
    ] {
        assert!(all["$defs"].get(def).is_some(), "missing {def}");
    }
    let flag = r.run(&["schema", "flag"]).json();
    assert_eq!(flag["title"], "flag");
    assert_eq!(flag["additionalProperties"], false);
    assert_eq!(
        flag["required"],
        serde_json::json!(["description", "owner", "type"])
    );
    assert_eq!(
        flag["$defs"]["FlagType"]["enum"],
        serde_json::json!([
            "release",
            "experiment",
            "operational",
            "kill-switch",
            "permission"
        ])
    );
    let segment = r.run(&["schema", "segment"]).json();
    assert_eq!(
        segment["$defs"]["Op"]["enum"],
        serde_json::json!([
            "in",
            "not_in",
            "starts_with",
            "ends_with",
            "contains",
            "lt",
            "lte",
            "gt",
            "gte"
        ])
    );
    assert_eq!(r.run(&["schema", "settings"]).json()["title"], "flags.yaml");
    assert_eq!(
        r.run(&["schema", "environment"]).json()["properties"]["after"]["type"],
        serde_json::json!(["string", "null"])
    );
}

#[test]
fn committed_completions_match_the_cli() {
    // Regenerate with: for s in bash zsh fish powershell elvish; do flags completions $s > completions/...; done
    let r = TestRepo::empty();
    for (shell, file) in [
        ("bash", "flags.bash"),
        ("zsh", "_flags"),
        ("fish", "flags.fish"),
        ("powershell", "_flags.ps1"),
        ("elvish", "flags.elv"),
    ] {
        let run = r.run(&["completions", shell]);
        run.success();
        let committed =
            std::fs::read_to_string(format!("{}/completions/{file}", env!("CARGO_MANIFEST_DIR")))
                .unwrap();
        assert!(
            run.stdout == committed,
            "completions/{file} is out of date: regenerate it with `flags completions {shell}`"
        );
        assert!(run.stdout.contains("validate"), "{shell}");
    }
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let r = TestRepo::new();
    r.write("segments/unused.yaml", "users: [x]\n");
    let plain = r.run(&["validate"]);
    assert!(!plain.stdout.contains('\x1b'));
    let coloured = r.run(&["--color", "always", "validate"]);
    assert_eq!(
        coloured.stdout,
        "segments/unused.yaml: \x1b[33mwarning\x1b[0m: segment `unused` is not used by any stage, flag or other segment: use it or delete the file\n"
    );
    let never = r.run(&["--color", "never", "show", "nope"]);
    assert!(!never.stderr.contains('\x1b'));
    let always = r.run(&["--color", "always", "show", "nope"]);
    assert!(
        always
            .stderr
            .starts_with("\x1b[1m\x1b[31merror\x1b[0m: unknown flag `nope`"),
        "{:?}",
        always.stderr
    );
}

#[test]
fn broken_pipe_exits_quietly() {
    let r = TestRepo::new();
    for i in 0..300 {
        r.flag(&format!("flag-{i:03}"), "  development: internal\n");
    }
    for format in ["table", "json"] {
        let mut cmd = Command::new(BIN);
        r.apply_env(&mut cmd);
        let mut child = cmd
            .args(["-C", r.path().to_str().unwrap(), "list", "--format", format])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read one byte, then close our end of the pipe.
        let mut stdout = child.stdout.take().unwrap();
        let mut byte = [0u8; 1];
        stdout.read_exact(&mut byte).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(
            !stderr.contains("error") && !stderr.contains("panicked"),
            "{stderr}"
        );
    }
}

#[test]
fn bundled_example_lists() {
    let run = TestRepo::empty().run(&["-C", EXAMPLE, "list"]);
    run.success();
    assert_eq!(run.stdout.lines().count(), 18);
    assert!(run.stdout.contains("new-tax-engine         team-checkout       release      everyone                          everyone                          canary\n"), "{}", run.stdout);
    // Typed flags show what each stage serves.
    assert!(run.stdout.contains("api-rate-limit         team-platform       operational  everyone: raised                  partners: raised                  partners: raised\n"), "{}", run.stdout);
}

#[test]
fn show_lists_the_stage_history_from_git() {
    let r = TestRepo::new();
    r.git_init();
    r.flag("a", "  development: internal\n");
    r.commit_all("add a", "2026-10-01");
    r.flag("a", "  development: partners  # moved\n");
    r.commit_all("promote a", "2026-10-05");
    r.flag(
        "a",
        "  development: partners  # comment only: not a stage change\n",
    );
    r.commit_all("reword", "2026-10-06");
    let run = r.run(&["show", "a"]);
    run.success();
    let history = run.stdout.split("\n\n").last().unwrap();
    let git = r.git();
    let head = git.head().unwrap().peel_to_commit().unwrap();
    let promote = head.parent(0).unwrap();
    let add = promote.parent(0).unwrap();
    let short = |c: &git2::Commit| c.id().to_string()[..7].to_string();
    assert_eq!(
        history,
        format!(
            "DATE        COMMIT   AUTHOR       ENVIRONMENT  CHANGE\n2026-10-05  {}  Test Author  development  internal -> partners\n2026-10-01  {}  Test Author  development  off -> internal\n",
            short(&promote),
            short(&add)
        )
    );
    let json = r.run(&["show", "a", "--format", "json"]).json();
    assert_eq!(json["history"][0]["to"], "partners");
    assert_eq!(json["history"][0]["date"], "2026-10-05");
    assert_eq!(json["history"].as_array().unwrap().len(), 2);
    // Outside git there is no history section, and JSON says null.
    let plain = TestRepo::new();
    plain.flag("a", "  development: internal\n");
    assert_eq!(
        plain.run(&["show", "a", "--format", "json"]).json()["history"],
        serde_json::Value::Null
    );
}
