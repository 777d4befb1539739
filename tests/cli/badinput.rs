//! Malformed files of every kind: a located error and exit 1, never a panic, never a hang.

use crate::harness::TestRepo;

/// Writes one bad flag file into a valid repository and returns validate's stdout.
#[track_caller]
fn one_bad_file(rel: &str, contents: &[u8]) -> String {
    let r = TestRepo::new();
    r.write(rel, contents);
    let run = r.run(&["validate"]);
    run.code(1);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stdout
}

#[test]
fn not_yaml() {
    assert_eq!(
        one_bad_file("flags/a.yaml", b"description: : :\n  - ]\n"),
        "flags/a.yaml:1:14: error: a `key: value` cannot stand here: check the indentation (the keys of one mapping line up), or quote a value that contains `: `\n"
    );
}

#[test]
fn not_utf8_reports_the_first_bad_byte() {
    assert_eq!(
        one_bad_file("flags/a.yaml", b"description: ok\nowner: caf\xe9\n"),
        "flags/a.yaml:2:11: error: file is not valid UTF-8; save it as UTF-8 text\n"
    );
}

#[test]
fn wrong_shape() {
    assert_eq!(
        one_bad_file("flags/a.yaml", b"- description\n- owner\n"),
        "flags/a.yaml:1:1: error: a flag file must be a mapping (`key: value` lines), found a list of 2 items\n"
    );
    assert_eq!(
        one_bad_file("segments/s.yaml", b"just a string\n"),
        "segments/s.yaml:1:1: error: a segment file must be a mapping (`key: value` lines), found the text `just a string`\n"
    );
}

#[test]
fn value_of_the_wrong_type() {
    assert_eq!(
        one_bad_file(
            "flags/a.yaml",
            b"description: d\nowner: o\ntype: release\nenvironments:\n  production: [a, b]\n"
        ),
        "flags/a.yaml:5:15: error: `environments.production` must be a stage name or a mapping with `stage`, `since`, `segments`, `schedule`, found a list of 2 items\n"
    );
    assert_eq!(
        one_bad_file("flags.yaml", b"pipeline:\n  - stage: internal\n    soak_days: soon\n    segments: [internal]\n  - stage: everyone\n    rollout: 100\n"),
        // The stages that could be read are the pipeline (not the default one), so the
        // warning about `partners` is true.
        "flags.yaml:3:16: error: `soak_days` of stage `internal` must be a whole number, 0 or more, found the text `soon`\nsegments/partners.yaml: warning: segment `partners` is not used by any stage, flag or other segment: use it or delete the file\n"
    );
}

#[test]
fn empty_flag_file() {
    assert_eq!(
        one_bad_file("flags/a.yaml", b""),
        "flags/a.yaml:1:1: error: file is empty; a flag needs `description`, `owner` and `type`\n"
    );
}

#[test]
fn empty_settings_environment_and_segment_files_are_fine() {
    let r = TestRepo::new();
    r.write("flags.yaml", "# all defaults\n");
    r.write("environments/qa.yaml", "");
    r.write("segments/partners.yaml", "---\n");
    let run = r.run(&["validate"]);
    run.success();
    assert_eq!(run.stdout, "");
}

#[test]
fn empty_environments_mapping_means_off_everywhere() {
    // Regression: a bare `environments:` (null) used to be "expected a mapping".
    let r = TestRepo::new();
    r.write(
        "flags/a.yaml",
        "description: d\nowner: o\ntype: release\nenvironments:\n",
    );
    r.write(
        "flags/b.yaml",
        "description: d\nowner: o\ntype: release\nenvironments: ~\n",
    );
    r.run(&["validate"]).success();
    let run = r.run(&["list"]);
    run.success();
    assert_eq!(
        run.stdout,
        "FLAG  OWNER  TYPE     DEVELOPMENT  STAGING  PRODUCTION\na     o      release  off          off      off\nb     o      release  off          off      off\n"
    );
}

#[test]
fn alias_bomb_is_bounded() {
    let mut bomb = String::from(
        "description: d\nowner: o\ntype: release\nenvironments:\n  production:\n    stage: internal\n    segments: &a [x, x, x, x, x, x, x, x, x, x]\n",
    );
    // Each level multiplies by ten: 10^9 strings if expanded naively.
    let mut prev = String::from("a");
    for level in ["b", "c", "d", "e", "f", "g", "h", "i"] {
        bomb.push_str(&format!("  x{level}: &{level} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        prev = level.to_string();
    }
    let start = std::time::Instant::now();
    let out = one_bad_file("flags/a.yaml", bomb.as_bytes());
    assert!(start.elapsed().as_secs() < 5);
    assert_eq!(
        out,
        "flags/a.yaml:11:39: error: too many anchors, aliases or values for a flags file (aliases are limited to guard against alias bombs); write the values out\n"
    );

    // Aliases where a list of names is expected, nested inside one list (a repeated key
    // would be refused as a duplicate before any alias is expanded).
    let mut bomb = String::from("users: &a [x, x, x, x, x, x, x, x, x, x]\nexclude:\n");
    let mut prev = String::from("a");
    for level in ["b", "c", "d", "e", "f", "g", "h"] {
        bomb.push_str(&format!("  - &{level} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        prev = level.to_string();
    }
    let start = std::time::Instant::now();
    let out = one_bad_file("segments/bomb.yaml", bomb.as_bytes());
    assert!(start.elapsed().as_secs() < 5);
    assert_eq!(
        out,
        "segments/bomb.yaml:6:37: error: too many anchors, aliases or values for a flags file (aliases are limited to guard against alias bombs); write the values out\n"
    );
}

#[test]
fn deep_nesting_is_bounded() {
    let deep = format!(
        "description: d\nowner: o\ntype: release\nenvironments: {}\n",
        "[".repeat(5000)
    );
    let out = one_bad_file("flags/a.yaml", deep.as_bytes());
    assert_eq!(
        out,
        "flags/a.yaml:4:270: error: nesting deeper than 16 levels; these files need only a few\n"
    );
    let deep = format!(
        "description: d\nowner: o\ntype: release\nenvironments:\n  production:\n    segments: {}\n",
        "[".repeat(5000)
    );
    let out = one_bad_file("flags/a.yaml", deep.as_bytes());
    assert_eq!(
        out,
        "flags/a.yaml:6:270: error: nesting deeper than 16 levels; these files need only a few\n"
    );
    let mut block = String::from("users:\n");
    for depth in 0..300 {
        block.push_str(&" ".repeat(depth + 2));
        block.push_str("-\n");
    }
    let out = one_bad_file("segments/deep.yaml", block.as_bytes());
    assert_eq!(
        out,
        "segments/deep.yaml:17:18: error: nesting deeper than 16 levels; these files need only a few\n"
    );
}

#[test]
fn file_over_one_mebibyte() {
    let mut big = b"description: d\nowner: o\ntype: release\n# ".to_vec();
    big.resize(1024 * 1024 + 1, b'x');
    assert_eq!(
        one_bad_file("flags/a.yaml", &big),
        "flags/a.yaml: error: file is larger than the 1024 KiB limit; flag files are small, split or trim it\n"
    );
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_root_is_an_error_and_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.yaml"),
        "description: d\nowner: o\ntype: release\n",
    )
    .unwrap();
    let r = TestRepo::new();
    std::fs::create_dir_all(r.join("flags")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.yaml"), r.join("flags/a.yaml")).unwrap();
    std::os::unix::fs::symlink(outside.path(), r.join("flags/team")).unwrap();
    let run = r.run(&["validate"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "flags/a.yaml: error: symbolic link leads out of the flags root and is not followed; replace it with the file itself
flags/team: error: symbolic link leads out of the flags root and is not followed; replace it with the file itself
"
    );
}

#[cfg(unix)]
#[test]
fn symlink_inside_the_root_is_followed() {
    let r = TestRepo::new();
    r.write("shared/a.yaml", "description: d\nowner: o\ntype: release\n");
    std::fs::create_dir_all(r.join("flags")).unwrap();
    std::os::unix::fs::symlink(r.join("shared/a.yaml"), r.join("flags/a.yaml")).unwrap();
    let run = r.run(&["list", "--format", "json"]);
    run.success();
    assert_eq!(run.json()[0]["key"], "a");
}

#[test]
fn tabs_nul_bytes_and_bom() {
    assert_eq!(
        one_bad_file(
            "flags/a.yaml",
            b"description: d\nowner: o\ntype: release\nenvironments:\n\tproduction: internal\n"
        ),
        "flags/a.yaml:5:2: error: a tab indents this line; YAML indents with spaces only: replace the tab with spaces\n"
    );
    assert_eq!(
        one_bad_file("flags/a.yaml", b"description: a\x00b\n"),
        "flags/a.yaml:1:15: error: the control character `\\u{0}` cannot be in a YAML file: remove it\n"
    );
    // A UTF-8 byte order mark is allowed.
    let r = TestRepo::new();
    r.write(
        "flags/a.yaml",
        b"\xef\xbb\xbfdescription: d\nowner: o\ntype: release\n",
    );
    r.run(&["validate"]).success();
}

#[test]
fn binary_file() {
    let out = one_bad_file(
        "flags/a.yaml",
        &[
            0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d,
        ],
    );
    assert_eq!(
        out,
        "flags/a.yaml:1:1: error: file is not valid UTF-8; save it as UTF-8 text\n"
    );
}

#[cfg(unix)]
#[test]
fn a_linked_flags_folder_outside_the_root_is_not_followed() {
    // Regression: only links inside the folders were checked, so `flags -> /elsewhere` was read
    // (and `flags new` wrote there).
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("leak.yaml"),
        "description: d\nowner: o\ntype: release\n",
    )
    .unwrap();
    let r = TestRepo::new();
    std::os::unix::fs::symlink(outside.path(), r.join("flags")).unwrap();
    let run = r.run(&["validate"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "flags: error: symbolic link leads out of the flags root and is not followed; replace it with the folder itself\n"
    );
    let list = r.run(&["list", "--format", "json"]);
    assert_eq!(list.json(), serde_json::json!([]));
}

#[cfg(unix)]
#[test]
fn folder_link_loops_end_and_list_nothing_twice() {
    // Regression: three links back to `flags/` made the walk exponential (a hang).
    let r = TestRepo::new();
    r.flag("a", "  development: internal\n");
    for name in ["x", "y", "z"] {
        std::os::unix::fs::symlink(r.join("flags"), r.join(&format!("flags/{name}"))).unwrap();
    }
    std::os::unix::fs::symlink(r.path(), r.join("flags/root")).unwrap();
    let run = r.run(&["validate"]);
    run.code(1);
    let lp = "error: symbolic link points back to a folder that contains it (a loop); remove it";
    assert_eq!(
        run.stdout,
        format!("flags/root: {lp}\nflags/x: {lp}\nflags/y: {lp}\nflags/z: {lp}\n")
    );
    // A link to a sibling folder already walked is not walked twice.
    std::fs::remove_file(r.join("flags/root")).unwrap();
    for name in ["x", "y", "z"] {
        std::fs::remove_file(r.join(&format!("flags/{name}"))).unwrap();
    }
    r.write(
        "flags/team/b.yaml",
        "description: d\nowner: o\ntype: release\n",
    );
    std::os::unix::fs::symlink(r.join("flags/team"), r.join("flags/also-team")).unwrap();
    let run = r.run(&["validate"]);
    run.success();
    assert_eq!(
        r.run(&["list", "--format", "json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_is_reported_and_never_opened() {
    // Regression: opening a FIFO named `*.yaml` blocked forever.
    let r = TestRepo::new();
    std::fs::create_dir_all(r.join("flags")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(r.join("flags/pipe.yaml"))
        .status()
        .unwrap();
    assert!(status.success());
    let run = r.run(&["validate"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "flags/pipe.yaml: error: not a regular file; replace it with a YAML file\n"
    );
}
