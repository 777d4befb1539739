//! Regressions found by a review of the whole tool; each test says what broke.

use crate::harness::TestRepo;

fn committed() -> TestRepo {
    let r = TestRepo::new();
    r.git_init();
    r.flag(
        "a",
        "  development: everyon\n  staging: partners\n  production: partners\n",
    );
    r.commit_all("init", "2026-11-01");
    r
}

#[test]
fn demote_is_not_blocked_by_an_unknown_stage_in_another_environment() {
    // Demote is the emergency path: a typo in `development` used to block it in production.
    let r = committed();
    let run = r.run(&["demote", "a", "--env", "production", "--yes"]);
    run.success();
    assert!(
        r.read("flags/a.yaml")
            .contains("  production:\n    stage: internal\n    since: 2026-11-25\n")
    );
    // Promote still refuses: its gate checks need every stage.
    let run = r.run(&["promote", "a", "--env", "staging", "--yes"]);
    run.code(2);
    assert!(
        run.stderr
            .contains("unknown stage `everyon` in `development`"),
        "{}",
        run.stderr
    );
}

#[test]
fn mutating_commands_refuse_while_flags_yaml_is_broken() {
    // A broken flags.yaml used to fall back silently to the default pipeline, so promote and
    // new wrote stages the real pipeline does not have.
    let r = TestRepo::new();
    r.git_init();
    r.flag("a", "  development: internal\n");
    r.write("flags.yaml", "pipeline:\n  - stage: a\n    segments: [internal]\n  - stage: b\n    rollout: 100\ncleanup:\n  after_days: soon\n");
    r.commit_all("init", "2026-11-01");
    for args in [
        &["promote", "a", "--env", "development", "--yes"][..],
        &["new", "b", "--owner", "o", "--description", "d", "--yes"],
        &["demote", "a", "--env", "development", "--dry-run"],
    ] {
        let run = r.run(args);
        run.code(2);
        assert_eq!(
            run.stderr,
            "error: flags.yaml:7:15: `cleanup.after_days` must be a whole number, 0 or more, found the text `soon`\nhint: the stages and gates of a change come from `flags.yaml` and `environments/`: fix them first (`flags validate` shows every problem); nothing was changed\n",
            "{args:?}"
        );
    }
    assert!(!r.join("flags/b.yaml").exists());
    assert_eq!(
        r.read("flags/a.yaml"),
        "description: Flag a\nowner: team-a\ntype: release\nenvironments:\n  development: internal\n"
    );
}

/// An environment file with a problem (here an `after` naming an unknown environment):
/// `promote`, `new` and `flags schedule` refuse before planning anything, located as
/// `validate` says it; `demote`, the emergency path, goes ahead and warns.
#[test]
fn a_broken_gate_stops_promote_but_not_a_rollback() {
    let r = TestRepo::new();
    r.git_init();
    r.flag(
        "a",
        "  development: internal\n  staging: internal\n  production: internal\n",
    );
    r.write(
        "environments/production.yaml",
        "description: Prod\nafter: stagin\n",
    );
    r.commit_all("init", "2026-11-01");
    let refusal = "error: environments/production.yaml:2:8: `after` names unknown environment `stagin`: did you mean `staging`?\nhint: the stages and gates of a change come from `flags.yaml` and `environments/`: fix them first (`flags validate` shows every problem); nothing was changed\n";
    for args in [
        &["promote", "a", "--env", "production", "--yes"][..],
        &["new", "b", "--owner", "o", "--description", "d", "--yes"],
        &[
            "schedule",
            "a",
            "--env",
            "development",
            "--at",
            "2099-01-01T00:00:00Z",
            "--yes",
        ],
    ] {
        let run = r.run(args);
        run.code(2);
        assert_eq!(run.stderr, refusal, "{args:?}");
    }
    assert_eq!(r.commit_count(), 1);
    let run = r.run(&["demote", "a", "--env", "production", "--to", "off", "--yes"]);
    run.success();
    assert!(
        run.stderr.starts_with("warning: environments/production.yaml:2:8: `after` names unknown environment `stagin`: did you mean `staging`? (the rollback goes ahead: `demote` is the emergency path)\ncommitted "),
        "{}",
        run.stderr
    );
    assert_eq!(r.commit_count(), 2);
    assert!(
        r.read("flags/a.yaml")
            .contains("  production:\n    stage: off\n"),
        "{}",
        r.read("flags/a.yaml")
    );
}

#[test]
fn new_refuses_a_key_whose_file_in_a_sub_folder_is_broken() {
    // `flags new foo` used to write flags/foo.yaml beside a broken flags/team/foo.yaml.
    let r = TestRepo::new();
    r.write("flags/team/foo.yaml", "description: [\n");
    let run = r.run(&["new", "foo", "--owner", "o", "--description", "d", "--yes"]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: a file for flag `foo` already exists"),
        "{}",
        run.stderr
    );
    assert!(!r.join("flags/foo.yaml").exists());
}

#[test]
fn diff_leaves_out_a_flag_that_cannot_be_read_instead_of_calling_it_removed() {
    let r = TestRepo::new();
    r.git_init();
    r.flag("foo", "  development: internal\n");
    r.commit_all("init", "2026-11-01");
    r.write("flags/foo.yaml", "description: d\nowner: o\ntype: relase\n");
    let run = r.run(&["diff", "--format", "json"]);
    run.success();
    assert_eq!(run.json()["flags"], serde_json::json!([]));
    assert!(
        run.stderr.contains(
            "1 file(s) in working tree could not be read and are left out (flags/foo.yaml)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn environment_names_are_escaped_in_tables() {
    // Environment names come from file names; list's header and show's column printed them raw.
    let r = TestRepo::new();
    r.write("environments/qa\u{1b}[31m.yaml", "description: x\n");
    r.flag("a", "  development: internal\n");
    // (The warning for the invalid file name is printed escaped on stderr.)
    for args in [&["list"][..], &["show", "a"]] {
        let run = r.run(args);
        run.success();
        // Nothing may reach the terminal raw: neither the escape character nor the rest of
        // the sequence unescaped.
        assert!(!run.stdout.contains('\u{1b}'), "{args:?}: {:?}", run.stdout);
        assert!(!run.stderr.contains('\u{1b}'), "{args:?}: {:?}", run.stderr);
        assert!(
            run.stdout.to_lowercase().contains("\\u{1b}[31m"),
            "{args:?}: {}",
            run.stdout
        );
        // Before the fix, the environment was printed as is.
        assert!(!run.stdout.contains("qa\u{1b}"), "{args:?}");
    }
}

#[test]
fn refs_lists_a_key_given_twice_once() {
    let r = TestRepo::new();
    r.flag("a", "  development: internal\n");
    r.write("README.md", "flag a\n");
    let run = r.run(&["refs", "a", "a"]);
    run.success();
    assert_eq!(run.stdout, "README.md:1: a\n");
}

#[test]
fn remove_without_a_terminal_refuses_before_searching() {
    let r = TestRepo::new();
    r.flag("a", "  development: internal\n");
    let run = r.run(&["remove", "a"]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: refusing to change files without confirmation"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("mentions"), "{}", run.stderr);
}

#[test]
fn validate_reports_include_webs_that_eval_and_export_cut_short() {
    // eval silently stopped past the expansion budget and export refused, while validate
    // passed: all three must agree.
    let r = TestRepo::new();
    // 13 levels, each reaching the next through two segments: over 2^13 expansions, yet only
    // 26 levels deep.
    for level in 0..13 {
        let next = level + 1;
        r.write(
            &format!("segments/web-{level}.yaml"),
            format!("segments: [a-{next}, b-{next}]\n"),
        );
        r.write(
            &format!("segments/a-{next}.yaml"),
            format!("segments: [web-{next}]\n"),
        );
        r.write(
            &format!("segments/b-{next}.yaml"),
            format!("segments: [web-{next}]\n"),
        );
    }
    r.write("segments/web-13.yaml", "users: [x]\n");
    r.flag(
        "a",
        "  development:\n    stage: internal\n    segments: [web-0]\n",
    );
    let run = r.run(&["validate", "--format", "json"]);
    run.code(1);
    let problems = run.json()["problems"].clone();
    // Every segment whose includes reach that far is reported: web-0, a-1, b-1, web-1, ...
    let first = problems
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["file"] == "segments/web-0.yaml")
        .unwrap()
        .clone();
    assert_eq!(first["severity"], "error");
    assert_eq!(
        first["message"],
        "segment `web-0` includes segments more than 32 levels deep or more than 10000 times in all; flatten its includes (eval and export stop there)"
    );
    assert_eq!(
        r.run(&["eval", "a", "--env", "development", "--user", "x"])
            .code,
        2
    );
    assert_eq!(r.run(&["export", "--env", "development"]).code, 2);
    // A chain deeper than 32 is the same error; 32 levels are fine.
    let r = TestRepo::new();
    for level in 0..32 {
        r.write(
            &format!("segments/c{level}.yaml"),
            format!("segments: [c{}]\n", level + 1),
        );
    }
    r.write("segments/c32.yaml", "users: [x]\n");
    r.flag(
        "a",
        "  development:\n    stage: internal\n    segments: [c0]\n",
    );
    r.run(&["validate"]).success();
    r.write("segments/c32.yaml", "segments: [c33]\n");
    r.write("segments/c33.yaml", "users: [x]\n");
    let run = r.run(&["validate"]);
    run.code(1);
    assert!(
        run.stdout.starts_with(
            "segments/c0.yaml:1:12: error: segment `c0` includes segments more than 32 levels deep"
        ),
        "{}",
        run.stdout
    );
}
