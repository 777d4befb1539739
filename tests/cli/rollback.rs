//! PRODUCT.md section 7: a rollback never blocks. `export` and `eval` refuse only when what
//! an environment serves is undefined; a gate broken by a demotion is a warning in
//! `validate` (one broken by a promotion stays an error); `demote --cascade`.

use crate::agreement::assert_valid_flagd;
use crate::harness::TestRepo;

const ENVS: [&str; 3] = ["development", "staging", "production"];

/// The scenario: `pay` at `everyone` everywhere, committed on 2026-11-01.
fn everywhere() -> TestRepo {
    let r = TestRepo::new();
    r.git_init();
    r.flag(
        "pay",
        "  development: everyone\n  staging: everyone\n  production: everyone\n",
    );
    r.commit_all("init", "2026-11-01");
    r
}

fn head_id_and_date(r: &TestRepo) -> (String, String) {
    let run = r.git_cli(r.path(), &["log", "-1", "--format=%h %cs"]);
    let out = run.success().stdout.trim().to_string();
    let (id, date) = out.split_once(' ').unwrap();
    (id.to_string(), date.to_string())
}

#[test]
fn after_a_rollback_of_staging_every_environment_exports_and_ci_passes() {
    let r = everywhere();
    let run = r.run(&["demote", "pay", "--env", "staging", "--to", "off", "--yes"]);
    run.success();
    assert!(
        run.stderr.starts_with(
            "warning: `production` is now ahead of `staging` (everyone > off), which it comes after; demote it too: `flags demote pay --env production --to off`, or demote with `--cascade`\ncommitted "
        ),
        "{}",
        run.stderr
    );
    let (id, date) = head_id_and_date(&r);
    let warning = format!(
        "flag `pay` is at `everyone` in `production` but only at `off` in `staging`, which `production` comes after: `staging` was rolled back in commit {id} on {date}; bring `production` in line with `flags demote pay --env production --to off`"
    );

    for env in ENVS {
        let run = r.run(&["export", "--env", env]);
        run.success();
        assert_valid_flagd(&run.json());
        // The gate is pipeline order: said, never a reason to refuse.
        assert_eq!(
            run.stderr,
            "warning: flags/pay.yaml:9:15: flag `pay` is at `everyone` in `production` but only at `off` in `staging`, which `production` comes after: demote it in `production` or promote it in `staging` first\n",
            "{env}"
        );
        let on = run.json()["flags"]["pay"]["defaultVariant"].clone();
        assert_eq!(on, "off");
    }
    let staging = r.run(&["export", "--env", "staging"]);
    assert!(staging.json()["flags"]["pay"].get("targeting").is_none());
    let eval = r.run(&[
        "eval", "pay", "--env", "staging", "--user", "u1", "--format", "json",
    ]);
    assert_eq!(eval.success().json()["value"], false);

    let run = r.run(&["validate"]);
    run.success();
    assert_eq!(
        run.stdout,
        format!("flags/pay.yaml:9:15: warning: {warning}\n")
    );
    let run = r.run(&["validate", "--format", "github"]);
    run.success();
    assert!(
        run.stdout
            .starts_with("::warning file=flags/pay.yaml,line=9,col=15::flag `pay`"),
        "{}",
        run.stdout
    );
    // The CI example: `--against` the commit before the rollback also passes.
    let run = r.run(&["validate", "--against", "HEAD~1"]);
    run.success();
}

#[test]
fn a_rollback_committed_by_hand_is_dated_by_its_commit() {
    let r = everywhere();
    r.flag(
        "pay",
        "  development: everyone\n  staging: internal\n  production: everyone\n",
    );
    let oid = r.commit_all("roll staging back", "2026-11-20");
    let run = r.run(&["validate", "--format", "json"]);
    run.success();
    let short: String = oid.to_string().chars().take(7).collect();
    assert_eq!(
        run.json()["problems"][0]["message"],
        format!(
            "flag `pay` is at `everyone` in `production` but only at `internal` in `staging`, which `production` comes after: `staging` was rolled back in commit {short} on 2026-11-20; bring `production` in line with `flags demote pay --env production --to internal`"
        )
    );
    assert_eq!(run.json()["problems"][0]["severity"], "warning");
    assert_eq!(run.json()["valid"], true);
}

#[test]
fn two_rollbacks_in_a_row_are_dated_by_the_one_that_broke_the_gate() {
    let r = everywhere();
    r.flag(
        "pay",
        "  development: everyone\n  staging: partners\n  production: everyone\n",
    );
    let first = r.commit_all("staging back to partners", "2026-11-10");
    r.flag(
        "pay",
        "  development: everyone\n  staging: internal\n  production: everyone\n",
    );
    r.commit_all("staging back to internal", "2026-11-12");
    let run = r.run(&["validate", "--format", "json"]);
    run.success();
    let short: String = first.to_string().chars().take(7).collect();
    let message = run.json()["problems"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains(&format!("rolled back in commit {short} on 2026-11-10")),
        "{message}"
    );
}

#[test]
fn an_uncommitted_rollback_is_a_warning_too() {
    let r = everywhere();
    let run = r.run(&[
        "demote",
        "pay",
        "--env",
        "staging",
        "--to",
        "off",
        "--yes",
        "--no-commit",
    ]);
    run.success();
    let run = r.run(&["validate"]);
    run.success();
    assert_eq!(
        run.stdout,
        "flags/pay.yaml:9:15: warning: flag `pay` is at `everyone` in `production` but only at `off` in `staging`, which `production` comes after: `staging` was rolled back in the working tree (not committed yet); bring `production` in line with `flags demote pay --env production --to off`\n"
    );
}

#[test]
fn a_promotion_past_a_gate_by_hand_stays_an_error() {
    let r = TestRepo::new();
    r.git_init();
    r.flag(
        "pay",
        "  development: everyone\n  staging: internal\n  production: internal\n",
    );
    r.commit_all("init", "2026-11-01");
    // Committed: production moved forward past staging.
    r.flag(
        "pay",
        "  development: everyone\n  staging: internal\n  production: everyone\n",
    );
    r.commit_all("promote production by hand", "2026-11-02");
    let error = "flags/pay.yaml:7:15: error: flag `pay` is at `everyone` in `production` but only at `internal` in `staging`, which `production` comes after: demote it in `production` or promote it in `staging` first\n";
    let run = r.run(&["validate"]);
    run.code(1);
    assert_eq!(run.stdout, error);
    // Uncommitted: the same.
    r.flag(
        "pay",
        "  development: everyone\n  staging: internal\n  production: partners\n",
    );
    let run = r.run(&["validate"]);
    run.code(1);
    assert!(
        run.stdout
            .contains("error: flag `pay` is at `partners` in `production`")
    );
    // A rollback of staging that comes after production's promotion past it does not excuse it.
    r.flag(
        "pay",
        "  development: everyone\n  staging: off\n  production: everyone\n",
    );
    r.commit_all("staging off", "2026-11-03");
    let run = r.run(&["validate"]);
    run.code(1);
}

#[test]
fn a_broken_gate_that_history_cannot_date_stays_an_error() {
    // No git: nothing tells a rollback from a promotion.
    let r = TestRepo::new();
    r.flag(
        "pay",
        "  development: everyone\n  staging: off\n  production: everyone\n",
    );
    let run = r.run(&["validate"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "flags/pay.yaml:7:15: error: flag `pay` is at `everyone` in `production` but only at `off` in `staging`, which `production` comes after: demote it in `production` or promote it in `staging` first\n"
    );
    // ... and still exports, with the error as a warning.
    let run = r.run(&["export", "--env", "production"]);
    run.success();
    assert_valid_flagd(&run.json());
}

#[test]
fn cascade_demotes_every_environment_that_comes_after_in_one_commit() {
    let r = everywhere();
    let before = r.commit_count();
    let run = r.run(&[
        "demote",
        "pay",
        "--env",
        "development",
        "--to",
        "internal",
        "--cascade",
        "--yes",
    ]);
    run.success();
    assert!(
        run.stderr
            .ends_with(": flags: demote pay to internal in development, staging, production\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert_eq!(r.commit_count(), before + 1);
    assert_eq!(
        r.read("flags/pay.yaml"),
        "description: Flag pay\nowner: team-a\ntype: release\nenvironments:\n  development:\n    stage: internal\n    since: 2026-11-25\n  staging:\n    stage: internal\n    since: 2026-11-25\n  production:\n    stage: internal\n    since: 2026-11-25\n"
    );
    let run = r.run(&["validate"]);
    run.success();
    assert_eq!(run.stdout, "");
    assert!(r.status().is_empty(), "{:?}", r.status());
}

#[test]
fn cascade_leaves_environments_that_are_not_ahead_alone() {
    let r = TestRepo::new();
    r.git_init();
    r.flag(
        "pay",
        "  development: everyone\n  staging: everyone\n  production: internal\n",
    );
    r.commit_all("init", "2026-11-01");
    let run = r.run(&[
        "demote",
        "pay",
        "--env",
        "development",
        "--to",
        "partners",
        "--cascade",
        "--yes",
    ]);
    run.success();
    assert!(
        run.stderr
            .ends_with(": flags: demote pay to partners in development, staging\n"),
        "{}",
        run.stderr
    );
    assert_eq!(
        r.read("flags/pay.yaml"),
        "description: Flag pay\nowner: team-a\ntype: release\nenvironments:\n  development:\n    stage: partners\n    since: 2026-11-25\n  staging:\n    stage: partners\n    since: 2026-11-25\n  production: internal\n"
    );
}

#[test]
fn without_cascade_and_without_a_terminal_demote_never_asks_and_names_cascade() {
    let r = everywhere();
    let run = r.run(&[
        "demote",
        "pay",
        "--env",
        "development",
        "--to",
        "off",
        "--yes",
    ]);
    run.success();
    // Only the environment really left ahead is named; production is not ahead of staging.
    assert_eq!(run.stderr.matches("warning:").count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("or demote with `--cascade`"));
    assert!(
        run.stderr
            .contains("flags: demote pay to off in development\n")
    );
}

#[test]
fn cascade_dry_run_shows_every_environment_and_changes_nothing() {
    let r = everywhere();
    let run = r.run(&[
        "demote",
        "pay",
        "--env",
        "staging",
        "--to",
        "off",
        "--cascade",
        "--dry-run",
    ]);
    run.success();
    assert!(
        run.stdout.contains("-  staging: everyone\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("-  production: everyone\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("-  development"), "{}", run.stdout);
    assert!(r.status().is_empty());
}

/// One problem of each kind, and whether `export`/`eval` of `production` refuse because of it:
/// only what leaves production's serving undefined does.
#[test]
fn each_kind_of_problem_falls_on_its_side() {
    struct Case {
        what: &'static str,
        files: &'static [(&'static str, &'static str)],
        refuses: bool,
    }
    const F: &str = "description: d\nowner: o\ntype: release\nenvironments:\n";
    let cases = [
        Case {
            what: "gate broken (pipeline order)",
            files: &[(
                "flags/pay.yaml",
                "description: d\nowner: o\ntype: release\nenvironments:\n  production: everyone\n",
            )],
            refuses: false,
        },
        Case {
            what: "`since` in the future (pipeline order)",
            files: &[(
                "flags/pay.yaml",
                "description: d\nowner: o\ntype: release\nenvironments:\n  development:\n    stage: internal\n    since: 2027-01-01\n",
            )],
            refuses: false,
        },
        Case {
            what: "`after` names an unknown environment (pipeline order)",
            files: &[("environments/qa.yaml", "after: nowhere\n")],
            refuses: false,
        },
        Case {
            what: "empty owner (metadata)",
            files: &[(
                "flags/pay.yaml",
                "description: d\nowner: ''\ntype: release\nenvironments:\n  production: off\n",
            )],
            refuses: false,
        },
        Case {
            what: "invalid `expires` (metadata)",
            files: &[(
                "flags/pay.yaml",
                "description: d\nowner: o\ntype: release\nexpires: soon\n",
            )],
            refuses: false,
        },
        Case {
            what: "a flag names an unknown environment",
            files: &[(
                "flags/pay.yaml",
                "description: d\nowner: o\ntype: release\nenvironments:\n  prod: everyone\n",
            )],
            refuses: false,
        },
        Case {
            what: "an unknown stage in another environment",
            files: &[(
                "flags/pay.yaml",
                "description: d\nowner: o\ntype: release\nenvironments:\n  development: partnrs\n",
            )],
            refuses: false,
        },
        Case {
            what: "a broken segment nobody uses in production",
            files: &[
                ("segments/beta.yaml", "segments: [nope]\n"),
                (
                    "flags/pay.yaml",
                    "description: d\nowner: o\ntype: release\nenvironments:\n  development:\n    stage: internal\n    segments: [beta]\n",
                ),
            ],
            refuses: false,
        },
        Case {
            what: "the last stage does not reach 100 %",
            files: &[(
                "flags.yaml",
                "pipeline:\n  - stage: internal\n    segments: [internal]\n  - stage: partners\n    segments: [partners]\n",
            )],
            refuses: false,
        },
        Case {
            what: "an unknown stage in production",
            files: &[(
                "flags/pay.yaml",
                "description: d\nowner: o\ntype: release\nenvironments:\n  production: partnrs\n",
            )],
            refuses: true,
        },
        Case {
            what: "an unknown extra segment in production",
            files: &[(
                "flags/pay.yaml",
                "description: d\nowner: o\ntype: release\nenvironments:\n  production:\n    stage: internal\n    segments: [betta]\n",
            )],
            refuses: true,
        },
        Case {
            what: "a flag file that cannot be read",
            files: &[("flags/pay.yaml", "description: [unclosed\n")],
            refuses: true,
        },
        Case {
            what: "a segment used in production names an unknown segment",
            files: &[("segments/partners.yaml", "segments: [nope]\n")],
            refuses: true,
        },
        Case {
            what: "a segment include cycle in production's audience",
            files: &[
                ("segments/partners.yaml", "segments: [loop]\n"),
                ("segments/loop.yaml", "segments: [partners]\n"),
            ],
            refuses: true,
        },
        Case {
            what: "a stage names an unknown segment",
            files: &[(
                "flags.yaml",
                "pipeline:\n  - stage: internal\n    segments: [internl]\n  - stage: everyone\n    rollout: 100\n",
            )],
            refuses: true,
        },
        Case {
            what: "flags.yaml cannot be read",
            files: &[("flags.yaml", "pipeline: [\n")],
            refuses: true,
        },
        Case {
            what: "a duplicate flag key",
            files: &[("flags/team/other.yaml", F), ("flags/other.yaml", F)],
            refuses: true,
        },
    ];
    for case in cases {
        let r = TestRepo::new();
        r.flag(
            "other",
            "  production: partners\n  staging: partners\n  development: partners\n",
        );
        for (path, text) in case.files {
            r.write(path, text);
        }
        let validate = r.run(&["validate"]);
        validate.code(1);
        let export = r.run(&["export", "--env", "production"]);
        let eval = r.run(&["eval", "other", "--env", "production", "--user", "u"]);
        if case.refuses {
            export.code(2);
            assert_eq!(export.stdout, "", "{}", case.what);
            assert!(
                export
                    .stderr
                    .contains("error: what `production` serves is undefined: "),
                "{}: {}",
                case.what,
                export.stderr
            );
        } else {
            export.success();
            assert_valid_flagd(&export.json());
            assert!(
                export.stderr.starts_with("warning: "),
                "{}: {}",
                case.what,
                export.stderr
            );
            eval.success();
        }
    }
}

#[test]
fn eval_refuses_only_for_the_flag_and_environment_it_needs() {
    let r = TestRepo::new();
    r.flag("pay", "  production: partnrs\n");
    r.flag(
        "other",
        "  development: internal\n  staging: internal\n  production: internal\n",
    );
    // `other` in production does not depend on `pay`.
    let run = r.run(&["eval", "other", "--env", "production", "--user", "u"]);
    run.success();
    assert_eq!(
        run.stderr,
        "warning: flags/pay.yaml:5:15: flag `pay` is at unknown stage `partnrs` in `production`: did you mean `partners`?\n"
    );
    // `pay` in staging neither (it is `off` there).
    r.run(&["eval", "pay", "--env", "staging", "--user", "u"])
        .success();
    // `pay` in production is undefined.
    let run = r.run(&["eval", "pay", "--env", "production", "--user", "u"]);
    run.code(2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "flags/pay.yaml:5:15: error: flag `pay` is at unknown stage `partnrs` in `production`: did you mean `partners`?\nerror: what `pay` in `production` serves is undefined: 1 error above\nhint: fix them, then try again (`flags validate` lists every problem)\n"
    );
}

#[test]
fn a_rollback_merged_from_a_pull_request_passes_ci() {
    // GitHub checks out a pull request as a merge commit whose first parent is the base: the
    // first-parent walk sees the rollback as that merge.
    let r = everywhere();
    let git = |args: &[&str]| {
        r.git_cli(r.path(), args).success();
    };
    git(&["branch", "-M", "main"]);
    git(&["switch", "-c", "rollback"]);
    r.run(&["demote", "pay", "--env", "staging", "--to", "off", "--yes"])
        .success();
    git(&["switch", "main"]);
    git(&[
        "merge",
        "--no-ff",
        "-m",
        "Merge pull request #7",
        "rollback",
    ]);
    let (id, _) = head_id_and_date(&r);
    let run = r.run(&["validate", "--format", "github", "--against", "main~1"]);
    run.success();
    assert!(
        run.stdout
            .contains(&format!("rolled back in commit {id} on ")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.starts_with("::warning "), "{}", run.stdout);
}

#[test]
fn cascade_on_a_branch_for_review_and_several_keys_in_one_commit() {
    let r = everywhere();
    r.flag(
        "tax",
        "  development: everyone\n  staging: everyone\n  production: partners\n",
    );
    r.commit_all("tax", "2026-11-02");
    let head = r.git_cli(r.path(), &["rev-parse", "HEAD"]).stdout;
    let run = r.run(&[
        "demote",
        "pay",
        "tax",
        "--env",
        "staging",
        "--to",
        "internal",
        "--cascade",
        "--yes",
        "--branch",
        "rollback/staging",
    ]);
    run.success();
    assert!(
        run.stderr.contains(
            " on branch `rollback/staging`: flags: demote pay, tax to internal in staging, production\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(r.git_cli(r.path(), &["rev-parse", "HEAD"]).stdout, head);
    for key in ["pay", "tax"] {
        let shown = r
            .git_cli(
                r.path(),
                &["show", &format!("rollback/staging:flags/{key}.yaml")],
            )
            .stdout;
        assert!(
            shown.ends_with(
                "  staging:\n    stage: internal\n    since: 2026-11-25\n  production:\n    stage: internal\n    since: 2026-11-25\n"
            ),
            "{shown}"
        );
    }
}
