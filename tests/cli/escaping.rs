//! Terminal safety of the mutating commands: text from files (comments, values, stage names
//! from `flags.yaml`) and from the command line reaches the diff, the messages and the commit
//! message only with its control and bidi characters escaped.

use crate::harness::{Run, TestRepo};

/// Characters that could drive a terminal: C0/C1 controls (newline aside), DEL, bidi controls.
fn raw_controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
        })
        .collect()
}

#[track_caller]
fn assert_safe(run: &Run) {
    assert_eq!(raw_controls(&run.stdout), vec![], "stdout: {run:?}");
    assert_eq!(raw_controls(&run.stderr), vec![], "stderr: {run:?}");
}

/// A pipeline whose middle and last stage names carry a bidi override and a C1 control (NEL),
/// written as YAML escapes: the names themselves hold the raw characters. Such names are
/// invalid, so `promote` and `new` refuse (naming them), and `demote`, the emergency path,
/// goes ahead with a warning: it is what carries them into diffs and commit messages.
const SETTINGS: &str = "pipeline:\n  - stage: internal\n  - stage: \"part\\u202eners\\x85\"\n  - stage: \"every\\u202eone\"\n    rollout: 100\n";

fn setup() -> TestRepo {
    let r = TestRepo::new();
    r.write("flags.yaml", SETTINGS);
    r.git_init();
    // Raw bidi override and NEL in comments; ESC and OSC as YAML escapes in values (the file
    // text is harmless, the parsed values are not).
    r.write(
        "flags/x.yaml",
        "description: \"D \\e]0;pwned\\a \\e[2J\" # \u{202e} c\nowner: \"o\\e[31m\"\ntype: release\nenvironments:\n  development: \"every\\u202eone\" # \u{85} \u{202e}\n",
    );
    r.commit_all("init", "2026-11-01");
    r
}

#[test]
fn dry_run_diff_escapes_file_text() {
    let r = setup();
    let run = r.run(&["demote", "x", "--env", "development", "--dry-run"]);
    run.success();
    assert_safe(&run);
    assert_eq!(
        run.stdout,
        "--- a/flags/x.yaml\n+++ b/flags/x.yaml\n@@ -2,4 +2,6 @@\n owner: \"o\\e[31m\"\n type: release\n environments:\n-  development: \"every\\u202eone\" # \\u{85} \\u{202e}\n+  development: # \\u{85} \\u{202e}\n+    stage: \"part\\u{202e}ners\\u{85}\"\n+    since: 2026-11-25\n"
    );
    assert!(
        run.stderr.starts_with(
            "warning: flags.yaml:3:12: stage name `part\\u{202e}ners\\u{85}` is invalid"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn commit_message_and_its_report_escape_stage_names() {
    let r = setup();
    let run = r.run(&["demote", "x", "--env", "development", "--yes"]);
    run.success();
    assert_safe(&run);
    let expected = "flags: demote x to part\\u{202e}ners\\u{85} in development";
    assert!(
        run.stderr.ends_with(&format!(": {expected}\n")),
        "{}",
        run.stderr
    );
    let repo = r.git();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.message(), Ok(format!("{expected}\n").as_str()));
}

#[test]
fn refusals_and_warnings_escape_names_from_files() {
    let r = setup();
    // An invalid stage name in flags.yaml: promote refuses, naming it.
    let run = r.run(&["promote", "x", "--env", "development", "--yes"]);
    run.code(2);
    assert_safe(&run);
    assert!(
        run.stderr.starts_with(
            "error: flags.yaml:3:12: stage name `part\\u{202e}ners\\u{85}` is invalid"
        ),
        "{}",
        run.stderr
    );
    // Already at that stage: the refusal names it.
    let run = r.run(&[
        "demote",
        "x",
        "--env",
        "development",
        "--yes",
        "--to",
        "every\u{202e}one",
    ]);
    run.code(2);
    assert_safe(&run);
    assert!(
        run.stderr.contains("is already at `every\\u{202e}one`"),
        "{}",
        run.stderr
    );
    // An unknown stage from the command line is named escaped.
    let run = r.run(&[
        "demote",
        "x",
        "--env",
        "development",
        "--yes",
        "--to",
        "\u{1b}]0;t\u{7}",
    ]);
    run.code(2);
    assert_safe(&run);
    assert!(run.stderr.contains("\\u{1b}]0;t\\u{7}"), "{}", run.stderr);
}

#[test]
fn new_escapes_a_description_from_the_command_line() {
    let r = TestRepo::new();
    r.git_init();
    let run = r.run(&[
        "new",
        "y",
        "--owner",
        "o",
        "--description",
        "\u{1b}]0;pwned\u{7}\u{202e}",
        "--dry-run",
    ]);
    run.success();
    assert_safe(&run);
    // The file stores JSON-style escapes, and the diff shows that text.
    assert!(
        run.stdout
            .contains("+description: \"\\u001b]0;pwned\\u0007\\u{202e}\"\n"),
        "{}",
        run.stdout
    );
}
