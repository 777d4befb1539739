//! Typed flags (PRODUCT.md section 8) through the CLI: validation of every field, eval's
//! variant and reason, the export's shape, `new --variant`, the OpenFeature manifest, edits
//! that keep a typed file's bytes, and diff.

use crate::agreement::assert_valid_flagd;
use crate::harness::TestRepo;

const THEME: &str = "description: Theme
owner: team-ui
type: experiment
variants:
  classic: {primary: \"#333\"}
  dark: {primary: \"#000\"}
  contrast: {primary: \"#fff\"}
default: classic
serve: {dark: 50, contrast: 50}   # sticky split
requires:
  checkout: on
environments:
  development: everyone
  staging:
    stage: internal
    users: [acct-42]
  production:
    stage: internal
    serve: dark
";

fn repo() -> TestRepo {
    let r = TestRepo::new();
    r.write("flags/theme.yaml", THEME);
    r.flag(
        "checkout",
        "  development: everyone\n  staging: partners\n  production: internal\n",
    );
    r
}

#[test]
fn validate_locates_every_typed_problem() {
    let r = TestRepo::new();
    r.write(
        "flags/bad.yaml",
        "description: Bad typed flag
owner: team-a
type: experiment
variants:
  small: 1
  Big: \"two\"
  list: [1, 2]
default: smal
serve: {small: 50.0001, Big: 40}
requires:
  bad: on
  nope: on
  loop-a: maybe
environments:
  development:
    stage: internal
    serve: {small: 100}
  staging:
    stage: off
    users: [u1]
",
    );
    r.write("flags/loop-a.yaml", "description: A\nowner: o\ntype: release\nrequires:\n  loop-b: on\nenvironments:\n  development: internal\n");
    r.write("flags/loop-b.yaml", "description: B\nowner: o\ntype: release\nrequires:\n  loop-a: on\n  off-dep: on\nenvironments:\n  development: internal\n");
    r.write(
        "flags/off-dep.yaml",
        "description: Off everywhere\nowner: o\ntype: release\n",
    );
    r.write(
        "flags/untyped.yaml",
        "description: U\nowner: o\ntype: release\nvariants:\n  a: \"x\"\n  b: 2\n",
    );
    r.write(
        "flags/sums.yaml",
        "description: S\nowner: o\ntype: release\nvariants:\n  a: 1\n  b: 2\ndefault: a\nserve: {a: 60, b: 30}\nenvironments:\n  development:\n    stage: internal\n    serve: {a: 0, c: 100}\n",
    );
    let run = r.run(&["validate"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "flags/bad.yaml:6:3: error: variant name `Big` of flag `bad` is invalid: use lowercase letters and digits, separated by single `.`, `_` or `-`, at most 64 characters
flags/bad.yaml:6:8: error: variant `Big` of flag `bad` is a string but `small` is a number: all values of one flag have one type; make it a number too
flags/bad.yaml:7:9: error: variant `list` of flag `bad` is a list: a value must be a boolean, string, number or object (wrap a list in an object)
flags/bad.yaml:8:10: error: `default` of flag `bad` names `smal`, which is none of its variants: did you mean `small`?
flags/bad.yaml:9:16: error: weight `50.0001` of variant `small` in `serve` of flag `bad` has more than three decimals: round it (e.g. 33.333)
flags/bad.yaml:11:3: error: flag `bad` requires itself: remove `bad` from `requires`
flags/bad.yaml:12:3: error: flag `bad` requires unknown flag `nope`: did you mean `untyped`?
flags/bad.yaml:13:11: error: flag `bad` requires `loop-a` to serve `maybe`, which is none of its variants: variants: off, on
flags/bad.yaml:17:13: error: `serve` in `development` of flag `bad` splits a single variant: a split needs two or more; write `serve: small` to serve one
flags/bad.yaml:20:13: warning: `users` of flag `bad` in `staging` have no effect while the flag is `off` there
flags/loop-a.yaml:5:3: error: prerequisites form a cycle: loop-a -> loop-b -> loop-a; remove one of these `requires`
flags/loop-b.yaml:5:3: error: prerequisites form a cycle: loop-b -> loop-a -> loop-b; remove one of these `requires`
flags/loop-b.yaml:6:3: warning: prerequisite `off-dep` is `off` in `development`, where flag `loop-b` is not: nobody gets `loop-b`'s `serve` there; promote `off-dep` or demote `loop-b` in `development`
flags/sums.yaml:8:9: error: the weights of `serve` of flag `sums` add up to 90%, not 100%: make them sum to exactly 100
flags/sums.yaml:12:16: error: weight `0` of variant `a` in `serve` in `development` of flag `sums` is out of range: use a percentage above 0 and at most 100 (remove a variant that gets nothing)
flags/sums.yaml:12:19: error: `serve` in `development` of flag `sums` names `c`, which is none of its variants: variants: a, b
flags/untyped.yaml:5:3: error: flag `untyped` has `variants` but no `default`: add `default: VARIANT` (served outside the audience and where the flag is off)
flags/untyped.yaml:5:3: error: flag `untyped` has `variants` but no `serve`: add `serve: VARIANT` or a split `serve: {a: 50, b: 50}`
flags/untyped.yaml:6:6: error: variant `b` of flag `untyped` is a number but `a` is a string: all values of one flag have one type; make it a string too
"
    );
    assert_eq!(
        run.stderr,
        "17 errors, 2 warnings in 6 flags, 2 segments, 3 environments\n"
    );
    // Nothing about the typed flags stops another flag's eval; the broken one refuses.
    r.flag("fine", "  development: everyone\n");
    let ok = r.run(&["eval", "fine", "--env", "development", "--user", "u"]);
    ok.success();
    let run = r.run(&["eval", "sums", "--env", "development", "--user", "u"]);
    run.code(2);
    assert!(
        run.stderr.contains("flags/sums.yaml:12:19: error: `serve` in `development` of flag `sums` names `c`, which is none of its variants")
            && run.stderr.contains("error: what `sums` in `development` serves is undefined: 3 errors above"),
        "{}",
        run.stderr
    );
    let run = r.run(&["export", "--env", "development"]);
    run.code(2);
    assert_eq!(run.stdout, "");
}

#[test]
fn eval_names_the_variant_value_split_bucket_and_prerequisite() {
    let r = repo();
    let run = r.run(&["eval", "theme", "--env", "development", "--user", "alice"]);
    assert_eq!(
        run.success().stdout,
        "dark = {\"primary\": \"#000\"}: `theme` for user `alice` in `development`
stage:  everyone (everyone)
reason: the stage serves everyone (rollout 100%); prerequisites met: `checkout` serves `on`; split bucket 37763 in 0..50000 (of 100000): `dark`
"
    );
    // Listed in the environment's users, but the prerequisite is not on for them.
    let run = r.run(&["eval", "theme", "--env", "staging", "--user", "acct-42"]);
    assert_eq!(
        run.success().stdout,
        "classic = {\"primary\": \"#333\"}: `theme` for user `acct-42` in `staging`
stage:  internal (internal + user acct-42)
reason: listed in this environment's `users`; but prerequisite `checkout` serves `off`, not `on`: default
"
    );
    let run = r.run(&[
        "eval",
        "theme",
        "--env",
        "production",
        "--user",
        "bob",
        "--attr",
        "email=bob@example.com",
        "--format",
        "json",
    ]);
    let json = run.success().json();
    assert_eq!(json["variant"], "dark");
    assert_eq!(json["value"], serde_json::json!({"primary": "#000"}));
    assert_eq!(json["reason"], "segment");
    assert_eq!(
        json["prerequisites"],
        serde_json::json!([{"flag": "checkout", "variant": "on"}])
    );
    let run = r.run(&[
        "eval", "theme", "--env", "staging", "--user", "acct-42", "--format", "json",
    ]);
    let json = run.success().json();
    assert_eq!(
        (
            &json["variant"],
            &json["reason"],
            &json["users"],
            &json["prerequisite"]
        ),
        (
            &serde_json::json!("classic"),
            &serde_json::json!("prerequisite"),
            &serde_json::json!(["acct-42"]),
            &serde_json::json!({"flag": "checkout", "wanted": "on", "served": "off", "met": false})
        )
    );
    let run = r.run(&[
        "eval",
        "theme",
        "--env",
        "development",
        "--user",
        "alice",
        "--format",
        "json",
    ]);
    assert_eq!(
        run.success().json()["split"],
        serde_json::json!({"bucket": 37763, "total": 100000, "weights": {"dark": 50000, "contrast": 50000}})
    );
    // An anonymous user gets no split: the default.
    let run = r.run(&["eval", "theme", "--env", "development", "--user", ""]);
    assert_eq!(
        run.success().stdout,
        "classic = {\"primary\": \"#333\"}: `theme` for user `` in `development`
stage:  everyone (everyone)
reason: the stage serves everyone (rollout 100%); prerequisites met: `checkout` serves `on`; an empty targeting key gets no split: default `classic`
"
    );
}

#[test]
fn export_writes_typed_variants_and_inlines_prerequisites() {
    let r = repo();
    let run = r.run(&["export", "--env", "staging"]);
    run.success();
    assert_valid_flagd(&run.json());
    assert_eq!(
        run.stdout,
        r##"{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "flags": {
    "checkout": {
      "state": "ENABLED",
      "variants": {"on": true, "off": false},
      "defaultVariant": "off",
      "targeting": {"if": [{"or": [{"$ref": "internal"}, {"$ref": "partners"}]}, "on", "off"]},
      "metadata": {"owner": "team-a", "type": "release", "stage": "partners"}
    },
    "theme": {
      "state": "ENABLED",
      "variants": {
        "classic": {"primary": "#333"},
        "dark": {"primary": "#000"},
        "contrast": {"primary": "#fff"}
      },
      "defaultVariant": "classic",
      "targeting": {
        "if": [
          {"or": [{"in": [{"var": "targetingKey"}, ["acct-42"]]}, {"$ref": "internal"}]},
          {
            "if": [
              {
                "==": [
                  {"if": [{"or": [{"$ref": "internal"}, {"$ref": "partners"}]}, "on", "off"]},
                  "on"
                ]
              },
              {
                "if": [
                  {"var": "targetingKey"},
                  {
                    "fractional": [
                      {"cat": ["theme/split/", {"var": "targetingKey"}]},
                      ["dark", 50000],
                      ["contrast", 50000]
                    ]
                  },
                  "classic"
                ]
              },
              "classic"
            ]
          },
          "classic"
        ]
      },
      "metadata": {"owner": "team-ui", "type": "experiment", "stage": "internal"}
    }
  },
  "$evaluators": {
    "internal": {"ends_with": [{"var": "email"}, "@example.com"]},
    "partners": {"in": [{"var": "targetingKey"}, ["globex"]]}
  }
}
"##
    );
    let run = r.run(&["export", "--env", "production", "--format", "json"]);
    assert_eq!(
        run.success().json()["theme"],
        serde_json::json!({"stage": "internal", "segments": ["internal"], "rollout": 0, "users": [], "default": "classic", "serve": "dark", "requires": {"checkout": "on"}})
    );
}

/// The constraints of the OpenFeature CLI's flag manifest schema (open-feature/cli,
/// `schema/v0/flag-manifest.json`): `flags` required, each flag `oneOf` the five typed
/// shapes, each requiring `flagType` and `defaultValue`, with a string `description`.
fn manifest_validator() -> jsonschema::Validator {
    let typed = |t: &str, value: serde_json::Value| {
        serde_json::json!({
            "type": "object",
            "properties": {
                "flagType": {"type": "string", "enum": [t]},
                "description": {"type": "string"},
                "defaultValue": value
            }
        })
    };
    let schema = serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "required": ["flags"],
        "properties": {
            "flags": {
                "type": "object",
                "additionalProperties": false,
                "patternProperties": {"^.{1,}$": {
                    "oneOf": [
                        typed("boolean", serde_json::json!({"type": "boolean"})),
                        typed("string", serde_json::json!({"type": "string"})),
                        typed("integer", serde_json::json!({"type": "integer"})),
                        typed("float", serde_json::json!({"type": "number"})),
                        typed("object", serde_json::json!({}))
                    ],
                    "required": ["flagType", "defaultValue"]
                }}
            }
        }
    });
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .expect("manifest schema compiles")
}

#[test]
fn openfeature_manifest_has_typed_defaults() {
    let r = repo();
    r.write(
        "flags/limit.yaml",
        "description: Rate limit\nowner: o\ntype: operational\nvariants:\n  low: 10\n  high: 1000\ndefault: low\nserve: high\n",
    );
    r.write(
        "flags/ratio.yaml",
        "description: Sample ratio\nowner: o\ntype: operational\nvariants:\n  some: 0.25\n  all: 1\ndefault: some\nserve: all\n",
    );
    r.write(
        "flags/label.yaml",
        "description: \"Pay button: label\"\nowner: o\ntype: experiment\nvariants:\n  pay: \"Pay now\"\n  buy: \"Buy now\"\ndefault: pay\nserve: {pay: 50, buy: 50}\n",
    );
    let run = r.run(&["export", "--env", "production", "--format", "openfeature"]);
    run.success();
    assert_eq!(
        run.stdout,
        r##"{
  "$schema": "https://raw.githubusercontent.com/open-feature/cli/main/schema/v0/flag-manifest.json",
  "flags": {
    "checkout": {"flagType": "boolean", "defaultValue": false, "description": "Flag checkout"},
    "label": {"flagType": "string", "defaultValue": "Pay now", "description": "Pay button: label"},
    "limit": {"flagType": "integer", "defaultValue": 10, "description": "Rate limit"},
    "ratio": {"flagType": "float", "defaultValue": 0.25, "description": "Sample ratio"},
    "theme": {"flagType": "object", "defaultValue": {"primary": "#333"}, "description": "Theme"}
  }
}
"##
    );
    let v = manifest_validator();
    let doc = run.json();
    let errors: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    // The validator is not vacuous.
    assert!(!v.is_valid(
        &serde_json::json!({"flags": {"x": {"flagType": "integer", "defaultValue": 0.5}}})
    ));
    assert!(!v.is_valid(&serde_json::json!({"flags": {"x": {"flagType": "boolean"}}})));
}

#[test]
fn new_writes_a_typed_flag() {
    let r = TestRepo::new();
    r.git_init();
    r.commit_all("init", "2026-11-01");
    let run = r.run(&[
        "new",
        "pay-label",
        "--owner",
        "team-pay",
        "--description",
        "Pay button label",
        "--type",
        "experiment",
        "--variant",
        "pay=\"Pay now\"",
        "--variant",
        "buy=\"Buy: now\"",
        "--default",
        "pay",
        "--serve",
        "buy",
        "--yes",
    ]);
    run.success();
    assert_eq!(
        r.read("flags/pay-label.yaml"),
        "description: Pay button label\nowner: team-pay\ntype: experiment\ncreated: 2026-11-25\nvariants:\n  pay: \"Pay now\"\n  buy: \"Buy: now\"\ndefault: pay\nserve: buy\nenvironments:\n  development:\n    stage: internal\n    since: 2026-11-25\n  staging:\n    stage: internal\n    since: 2026-11-25\n  production:\n    stage: internal\n    since: 2026-11-25\n"
    );
    assert_eq!(r.commit_count(), 2);
    r.run(&["validate"]).success();
    let run = r.run(&[
        "eval",
        "pay-label",
        "--env",
        "production",
        "--user",
        "x",
        "--attr",
        "email=x@example.com",
    ]);
    assert!(
        run.success()
            .stdout
            .starts_with("buy = \"Buy: now\": `pay-label`"),
        "{}",
        run.stdout
    );
    // Refusals, each before anything is written.
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "--variant",
                "a=1",
                "--variant",
                "b=\"x\"",
                "--default",
                "a",
                "--serve",
                "b",
            ],
            "error: variant `b` is a string but `a` is a number: all values of one flag have one type\n",
        ),
        (
            &[
                "--variant",
                "a=1",
                "--variant",
                "b=2",
                "--default",
                "c",
                "--serve",
                "b",
            ],
            "error: unknown variant `c`",
        ),
        (
            &["--variant", "a=1", "--variant", "b=2", "--serve", "b"],
            "error: a typed flag needs `--default VARIANT`\nhint: one of: a, b\n",
        ),
        (
            &["--default", "a"],
            "error: `--default` and `--serve` need `--variant`\n",
        ),
        (
            &["--variant", "a=oops"],
            "error: invalid value 'a=oops' for '--variant <NAME=JSON>': the value of `a` is not JSON",
        ),
    ];
    for (extra, want) in cases {
        let mut args = vec![
            "new",
            "other",
            "--owner",
            "o",
            "--description",
            "d",
            "--yes",
        ];
        args.extend_from_slice(extra);
        let run = r.run(&args);
        run.code(2);
        assert!(run.stderr.starts_with(want), "{extra:?}: {}", run.stderr);
        assert!(!r.join("flags/other.yaml").exists());
    }
}

#[test]
fn promote_keeps_every_other_byte_of_a_typed_file() {
    let r = repo();
    r.git_init();
    r.commit_all("init", "2026-11-01");
    let run = r.run(&["promote", "theme", "--env", "staging", "--yes"]);
    run.success();
    assert_eq!(
        r.read("flags/theme.yaml"),
        THEME.replace(
            "  staging:\n    stage: internal\n",
            "  staging:\n    stage: partners\n    since: 2026-11-25\n"
        )
    );
    assert_eq!(r.commit_count(), 2);
}

#[test]
fn list_show_and_diff_show_variants_and_serve() {
    let r = repo();
    r.git_init();
    r.commit_all("init", "2026-11-01");
    let run = r.run(&["list"]);
    assert_eq!(
        run.success().stdout,
        "FLAG      OWNER    TYPE        DEVELOPMENT                       STAGING                 PRODUCTION
checkout  team-a   release     everyone                          partners                internal
theme     team-ui  experiment  everyone: dark 50%, contrast 50%  internal: dark 50%, contrast 50%  internal: dark
"
        .replace("STAGING                 PRODUCTION", "STAGING                           PRODUCTION")
        .replace("partners                internal", "partners                          internal")
    );
    let json = r.run(&["list", "--format", "json"]).json();
    assert_eq!(
        json[0].get("variants"),
        None,
        "boolean rows keep their shape"
    );
    assert_eq!(json[1]["default"], "classic");
    assert_eq!(
        json[1]["serve"],
        serde_json::json!({"dark": 50.0, "contrast": 50.0})
    );
    assert_eq!(json[1]["environments"]["production"]["serve"], "dark");
    let run = r.run(&["show", "theme"]);
    let out = run.success().stdout.clone();
    assert!(
        out.contains(
            "variants (object):
  classic      {\"primary\": \"#333\"}
  dark         {\"primary\": \"#000\"}
  contrast     {\"primary\": \"#fff\"}
default  classic
serve    dark 50%, contrast 50%
requires checkout: on
"
        ),
        "{out}"
    );
    assert!(out.contains("SERVE"), "{out}");
    r.write(
        "flags/theme.yaml",
        THEME
            .replace("  dark: {primary: \"#000\"}", "  dark: {primary: \"#111\"}")
            .replace(
                "serve: {dark: 50, contrast: 50}",
                "serve: {dark: 70, contrast: 30}",
            )
            .replace("  checkout: on", "  checkout: off")
            .replace("default: classic", "default: contrast"),
    );
    let run = r.run(&["diff"]);
    assert_eq!(
        run.success().stdout,
        r##"~ theme (changed, flags/theme.yaml)
    variants.dark: "{\"primary\": \"#000\"}" -> "{\"primary\": \"#111\"}"
    default: "classic" -> "contrast"
    serve: "dark 50%, contrast 50%" -> "dark 70%, contrast 30%"
    requires.checkout: "on" -> "off"
"##
    );
}

#[test]
fn log_and_stale_read_typed_files_from_history() {
    // History reads typed files (long-form entries with `users`/`serve`, top-level
    // `variants`) like any other: the stage moves show, the stale report dates them.
    let r = repo();
    r.git_init();
    r.commit_all("init", "2026-09-01");
    r.write(
        "flags/theme.yaml",
        THEME.replace("  development: everyone\n", "  development: partners\n"),
    );
    r.commit_all("theme back to partners", "2026-09-05");
    let run = r.run(&["log", "theme", "--format", "json"]);
    let rows = run.success().json();
    let moves: Vec<(String, String, String)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["environment"].as_str().unwrap().to_string(),
                t["from"].as_str().unwrap().to_string(),
                t["to"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        moves.contains(&("development".into(), "everyone".into(), "partners".into())),
        "{moves:?}"
    );
    let run = r.run(&["stale", "--format", "json", "--as-of", "2027-06-01"]);
    let stale = run.success().json();
    let theme = stale
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "theme")
        .expect("theme is stalled by then");
    assert_eq!(theme["reason"], "stalled");
    assert_eq!(theme["since"], "2026-09-01");
}

#[test]
fn webs_and_deep_chains_of_prerequisites_are_refused_not_expanded() {
    // Each of two flags per level requires both flags of the next level: 2^11 evaluations
    // for the top one, which eval and export must not attempt (nor an exponential export).
    let r = TestRepo::new();
    for level in 0..=11 {
        for side in ["a", "b"] {
            let requires = if level < 11 {
                format!("requires:\n  l{}a: on\n  l{}b: on\n", level + 1, level + 1)
            } else {
                String::new()
            };
            r.write(
                &format!("flags/l{level}{side}.yaml"),
                format!("description: d\nowner: o\ntype: release\n{requires}environments:\n  development: everyone\n"),
            );
        }
    }
    // A chain of 18: c0 requires c1 ... requires c17.
    for i in 0..18 {
        let requires = if i < 17 {
            format!("requires:\n  c{}: on\n", i + 1)
        } else {
            String::new()
        };
        r.write(
            &format!("flags/c{i}.yaml"),
            format!("description: d\nowner: o\ntype: release\n{requires}environments:\n  development: everyone\n"),
        );
    }
    let run = r.run(&["validate"]);
    run.code(1);
    let errors: Vec<&str> = run.stdout.lines().collect();
    assert!(
        errors.contains(&"flags/l0a.yaml:5:3: error: the prerequisites of flag `l0a` (and theirs, counted each time one is shared) come to more than 1000: require fewer flags (eval and export stop there)"),
        "{}",
        run.stdout
    );
    assert!(
        errors.contains(&"flags/c0.yaml:5:3: error: the prerequisites of flag `c0` chain more than 16 flags deep through `c1`: shorten the chain (eval and export stop there)"),
        "{}",
        run.stdout
    );
    // Levels far enough down fit; the chain's lower links are short enough.
    assert!(!run.stdout.contains("flags/l3a.yaml"), "{}", run.stdout);
    assert!(!run.stdout.contains("flags/c2.yaml"), "{}", run.stdout);
    let run = r.run(&["eval", "l0a", "--env", "development", "--user", "u"]);
    run.code(2);
    let run = r.run(&["eval", "l4a", "--env", "development", "--user", "u"]);
    assert!(
        run.success().stdout.starts_with("on: `l4a`"),
        "{}",
        run.stdout
    );
    r.run(&["export", "--env", "development"]).code(2);
    // The library refuses to export the web too, without validation in front of it.
    let repo = flags::repo::Repo::load(r.path());
    let err = flags::export::flagd(&repo, "development").expect_err("refused");
    assert_eq!(
        err.to_string(),
        "the prerequisites of flag `l0a` expand to more than 1000 flags to export"
    );
}

/// A number a double cannot hold exactly would be served changed (flagd reads every number
/// as a double): refused in a file, located, and on the command line of `new`, which used to
/// write `1.2345678901234568e+29` for it.
#[test]
fn numbers_flagd_cannot_serve_exactly_are_refused() {
    let r = TestRepo::new();
    r.write(
        "flags/n.yaml",
        "description: d\nowner: o\ntype: release\nvariants:\n  small: {id: 9007199254740993}\n  big: 2\ndefault: small\nserve: big\n",
    );
    let run = r.run(&["validate"]);
    run.code(1);
    assert!(
        run.stdout.starts_with("flags/n.yaml:5:15: error: `variants.small`: the number `9007199254740993` has more digits than flagd can serve exactly (it reads every number as a double): quote it as text, or round it\n"),
        "{}",
        run.stdout
    );
    std::fs::remove_file(r.join("flags/n.yaml")).unwrap();
    let run = r.run(&[
        "new",
        "t",
        "--owner",
        "o",
        "--description",
        "d",
        "--variant",
        "a=123456789012345678901234567890",
        "--variant",
        "b=2",
        "--default",
        "a",
        "--serve",
        "b",
        "--yes",
        "--no-commit",
    ]);
    run.code(2);
    assert!(
        run.stderr.contains("the number `123456789012345678901234567890` in the value of `a` has more digits than flagd can serve exactly"),
        "{}",
        run.stderr
    );
    assert!(!r.join("flags/t.yaml").exists());
}

/// An empty split is located on itself.
#[test]
fn an_empty_split_is_located() {
    let r = TestRepo::new();
    r.write(
        "flags/e.yaml",
        "description: d\nowner: o\ntype: release\nvariants:\n  a: 1\n  b: 2\ndefault: a\nserve: {}\n",
    );
    let run = r.run(&["validate"]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "flags/e.yaml:8:8: error: `serve` of flag `e` splits no variant: a split needs two or more; write `serve: VARIANT` to serve one\n"
    );
}
