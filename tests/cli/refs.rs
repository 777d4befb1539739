//! `flags refs`: whole-word mentions, .gitignore, binary files, definitions, output shapes.

use crate::harness::{SETTINGS, TestRepo};

/// An application repository with its flags root in `config/`.
fn app() -> TestRepo {
    let r = TestRepo::empty();
    r.git_init();
    r.write(
        "config/flags.yaml",
        format!("# dark-mode is our oldest flag\n{SETTINGS}"),
    );
    r.write(
        "config/environments/production.yaml",
        "description: dark-mode lives here too\n",
    );
    r.write("config/segments/internal.yaml", "users: [dark-mode]\n");
    for key in ["dark-mode", "dark-mode-v2", "checkout.v2"] {
        r.write(
            &format!("config/flags/web/{key}.yaml"),
            format!("description: {key}\nowner: web\ntype: release\nenvironments:\n  production: internal\n"),
        );
    }
    r.write("config/README.md", "Remove dark-mode after the launch.\n");
    r.write(
        "src/ui.ts",
        "import { flag } from './flags';\n\
         if (flag('dark-mode')) { theme('dark-mode'); }\n\
         if (flag(\"dark-mode-v2\")) {}\n\
         const old_dark-mode = darkmode || dark_mode;\n\
         flags.checkout.v2.enabled && flags['checkout.v2x'];\n",
    );
    r.write(
        "src/deep/nested/api.py",
        "FLAGS = ['checkout.v2', 'dark-mode']\n",
    );
    r.write(".gitignore", "dist/\n*.log\n");
    r.write("dist/bundle.js", "flag('dark-mode')\n");
    r.write("debug.log", "dark-mode on\n");
    r.write("assets/icon.png", b"\x89PNG\0dark-mode\n".as_slice());
    r.commit_all("app", "2026-11-01");
    r
}

#[test]
fn refs_text_lists_every_whole_word_mention() {
    let r = app();
    let run = r.run(&["-C", "config", "refs"]);
    run.success();
    assert_eq!(
        run.stdout,
        "\
config/README.md:1: dark-mode
src/deep/nested/api.py:1: checkout.v2
src/deep/nested/api.py:1: dark-mode
src/ui.ts:2: dark-mode
src/ui.ts:3: dark-mode-v2
src/ui.ts:5: checkout.v2
"
    );
    assert!(
        run.stderr
            .starts_with("6 reference(s) to 3 of 3 key(s) in 3 file(s) under `"),
        "{}",
        run.stderr
    );
}

#[test]
fn refs_json_for_chosen_keys() {
    let r = app();
    let run = r.run(&["-C", "config", "refs", "dark-mode", "--format", "json"]);
    run.success();
    assert_eq!(
        run.json(),
        serde_json::json!([
            {"key": "dark-mode", "file": "config/README.md", "line": 1},
            {"key": "dark-mode", "file": "src/deep/nested/api.py", "line": 1},
            {"key": "dark-mode", "file": "src/ui.ts", "line": 2},
        ])
    );
}

#[test]
fn refs_path_is_relative_to_the_working_directory_and_printed_as_given() {
    let r = app();
    let run = r.run(&["-C", "config", "refs", "--path", "../src/deep", "dark-mode"]);
    run.success();
    assert_eq!(run.stdout, "../src/deep/nested/api.py:1: dark-mode\n");
}

#[test]
fn refs_ignored_binary_and_definition_files_are_skipped() {
    let r = app();
    // The same mentions, made visible: the counts go up exactly by these files.
    std::fs::remove_file(r.join(".gitignore")).unwrap();
    let run = r.run(&["-C", "config", "refs", "dark-mode"]);
    assert_eq!(
        run.stdout,
        "\
config/README.md:1: dark-mode
debug.log:1: dark-mode
dist/bundle.js:1: dark-mode
src/deep/nested/api.py:1: dark-mode
src/ui.ts:2: dark-mode
"
    );
}

#[test]
fn refs_unknown_and_invalid_keys() {
    let r = app();
    // Not a flag (any more): searched anyway, so leftovers of a removed flag can be found.
    let run = r.run(&["-C", "config", "refs", "theme"]);
    run.success();
    assert_eq!(run.stdout, "src/ui.ts:2: theme\n");
    assert!(
        run.stderr
            .contains("warning: `theme` is not a flag in this repository"),
        "{}",
        run.stderr
    );
    let run = r.run(&["-C", "config", "refs", "Dark Mode"]);
    run.code(2);
    assert!(
        run.stderr.contains("error: `Dark Mode` is not a flag key"),
        "{}",
        run.stderr
    );
}

#[test]
fn refs_without_git_searches_the_flags_root_or_the_given_path() {
    let r = TestRepo::empty();
    r.write("app/flags/flags.yaml", SETTINGS);
    r.write(
        "app/flags/flags/a.yaml",
        "description: a\nowner: o\ntype: release\n",
    );
    r.write("app/main.go", "if enabled(\"a\") {}\n");
    r.write("app/.gitignore", "main.go\n");
    r.write("app/other.go", "// a\n");
    r.write("app/flags/README.md", "The flag a is documented here.\n");
    // Outside git the default is the flags root itself, never a parent folder (which could be
    // a home directory).
    let run = r.run(&["-C", "app/flags", "refs", "--format", "json"]);
    run.success();
    assert_eq!(
        run.json(),
        serde_json::json!([{"key": "a", "file": "README.md", "line": 1}])
    );
    // With --path: .gitignore is honoured without git too.
    let run = r.run(&[
        "-C",
        "app/flags",
        "refs",
        "--path",
        "..",
        "--format",
        "json",
    ]);
    run.success();
    assert_eq!(
        run.json(),
        serde_json::json!([
            {"key": "a", "file": "../flags/README.md", "line": 1},
            {"key": "a", "file": "../other.go", "line": 1}
        ])
    );
}
