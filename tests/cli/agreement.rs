//! `flags eval` and the flagd export agree for every user: each environment of a repository
//! with 10 % and 50 % rollouts, nested, excluding and rule-based segments is exported,
//! validated against the flagd schema, and evaluated by an independent flagd evaluator
//! (`flagd-evaluation-engine`, the Rust in-process engine of OpenFeature's flagd provider)
//! for thousands of generated users; every answer must equal the library's.

use std::collections::HashMap;

use flagd_evaluation_engine::{FlagParser, Operator};
use open_feature::EvaluationContext;
use serde_json::Value;

use flags::eval::{AttrValue, User};
use flags::repo::Repo;

use crate::harness::TestRepo;

/// The flagd schema, copied from `../shared/flagd-schema` so the test needs nothing outside
/// the repository.
const SCHEMA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/flagd-schema");

/// A validator for flagd's `flags.json`, with `targeting.json` registered under its `$id`:
/// the `./targeting.json` reference resolves locally (no network: `jsonschema` is built
/// without its HTTP resolver).
pub fn flagd_validator() -> jsonschema::Validator {
    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(format!("{SCHEMA_DIR}/{name}")).expect("schema file");
        serde_json::from_str(&text).expect("schema JSON")
    };
    let flags = read("flags.json");
    let targeting = read("targeting.json");
    let flags_id = flags["$id"].as_str().expect("flags $id").to_string();
    let targeting_id = targeting["$id"]
        .as_str()
        .expect("targeting $id")
        .to_string();
    // Draft 7 ignores the siblings of a root `$ref`, `$id` included, so flags.json is
    // registered under its `$id` and validated through a reference to it.
    let registry = jsonschema::Registry::new()
        .add(targeting_id, targeting)
        .expect("register targeting.json")
        .add(flags_id.clone(), flags)
        .expect("register flags.json")
        .prepare()
        .expect("registry");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .with_registry(&registry)
        .build(&serde_json::json!({ "$ref": flags_id }))
        .expect("flagd schema compiles")
}

/// Asserts `doc` is valid flagd, listing every error otherwise.
pub fn assert_valid_flagd(doc: &Value) {
    let v = flagd_validator();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "export is not valid flagd:\n{}",
        errors.join("\n")
    );
}

/// flagd's answer for one flag: the variant and its value, as a flagd provider resolves them.
fn flagd_answer(
    op: &Operator,
    flags: &HashMap<String, flagd_evaluation_engine::FeatureFlag>,
    key: &str,
    ctx: &EvaluationContext,
) -> (String, Value) {
    let flag = &flags[key];
    assert_eq!(flag.state, "ENABLED");
    let variant = match &flag.targeting {
        None => flag.default_variant.clone(),
        Some(t) if t.as_object().is_some_and(|o| o.is_empty()) => flag.default_variant.clone(),
        Some(t) => match op.apply(key, &t.to_string(), ctx) {
            Ok(Some(v)) => v,
            Ok(None) => flag.default_variant.clone(),
            Err(e) => panic!("flagd failed on `{key}` for {ctx:?}: {e}"),
        },
    };
    let value = flag
        .variants
        .get(&variant)
        .unwrap_or_else(|| panic!("flagd chose `{variant}`, which `{key}` does not have"))
        .clone();
    (variant, value)
}

pub const PIPELINE: &str = "pipeline:
  - stage: internal
    segments: [internal]
  - stage: partners
    segments: [partners]
  - stage: canary
    rollout: 10
  - stage: half
    segments: [beta]
    rollout: 50
  - stage: everyone
    rollout: 100
";

/// A repository exercising every operator, nesting, exclusion and both rollouts.
pub fn agreement_repo() -> TestRepo {
    let r = TestRepo::empty();
    r.write("flags.yaml", PIPELINE);
    r.write("environments/development.yaml", "");
    // No gates: the environments differ freely, which is what this test needs.
    r.write("environments/staging.yaml", "");
    r.write("environments/production.yaml", "");
    r.write(
        "segments/internal.yaml",
        "users: [ops-bot]
rules:
  - attribute: email
    op: ends_with
    values: [\"@acme.io\", \"@acme.dev\"]
segments: [contractors]
exclude: [intern-7, vendor-2]
",
    );
    r.write(
        "segments/contractors.yaml",
        "rules:
  - attribute: email
    op: ends_with
    values: [\"@contractors.io\"]
segments: [vendors]
",
    );
    r.write(
        "segments/vendors.yaml",
        "users: [vendor-1, vendor-2, intern-7]\nexclude: [vendor-9]\n",
    );
    r.write(
        "segments/partners.yaml",
        "users: [globex]
rules:
  - attribute: org
    op: in
    values: [umbrella, soylent, 42]
  - attribute: org
    op: starts_with
    values: [wayne]
",
    );
    r.write(
        "segments/beta.yaml",
        "rules:
  - attribute: seats
    op: gte
    values: [500]
  - attribute: seats
    op: lt
    values: [3]
  - attribute: plan
    op: not_in
    values: [free, trial, 0]
  - attribute: name
    op: contains
    values: [beta, Test]
  - attribute: region
    op: in
    values: [1, 2.5, \"3\"]
  - attribute: score
    op: gt
    values: [9.5]
  - attribute: score
    op: lte
    values: [-1]
  - attribute: key
    op: ends_with
    values: [\"-77\"]
",
    );
    r.write("segments/nobody.yaml", "description: Matches nobody\n");
    let flag = |key: &str, envs: &str| {
        r.write(
            &format!("flags/{key}.yaml"),
            format!("description: Flag {key}\nowner: team-a\ntype: release\nenvironments:\n{envs}"),
        );
    };
    flag(
        "f-internal",
        "  development: everyone\n  staging: internal\n  production: internal\n",
    );
    flag(
        "f-partners",
        "  development: half\n  staging: partners\n  production: partners\n",
    );
    flag(
        "f-canary",
        "  development: everyone\n  staging: canary\n  production: canary\n",
    );
    flag(
        "f-half",
        "  development: everyone\n  staging: half\n  production: half\n",
    );
    flag(
        "f-everyone",
        "  development: everyone\n  staging: everyone\n  production: everyone\n",
    );
    flag("f-off", "  development: canary\n  staging: off\n");
    flag(
        "f-extra",
        "  development: everyone
  staging:
    stage: internal
    segments: [beta, nobody]
  production:
    stage: canary
    segments: [vendors]
",
    );
    flag(
        "f-off-extra",
        "  development: internal\n  staging: internal\n  production: off\n",
    );
    flag(
        "checkout.v2_flow",
        "  development: half\n  staging: half\n  production: canary\n",
    );
    flag(
        "z9",
        "  development: canary\n  staging: canary\n  production: internal\n",
    );
    r
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Users with every shape an attribute can take: missing, the matching string, a near miss,
/// a number where a string is expected and the other way round.
pub fn users(count: usize) -> Vec<User> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // Listed and excluded keys, the empty key, non-ASCII keys (a UTF-16 surrogate pair and
    // code units with the high bit set, which legacy bucketing hashes its own way) and "0"
    // (false in some languages, a valid key in JsonLogic).
    let special = [
        "ops-bot",
        "intern-7",
        "vendor-1",
        "vendor-2",
        "vendor-9",
        "globex",
        "",
        "zoë",
        "user-77",
        "b",
        "0",
        "用户-42",
        "😀",
        "\u{8000}ab",
        "x\u{ffff}\u{ffff}",
        "acct-42",
    ];
    let emails = [
        "a@acme.io",
        "b@acme.dev",
        "c@ACME.io",
        "d@contractors.io",
        "e@example.com",
        "@acme.io",
        "acme.io",
        "",
    ];
    let orgs = [
        "umbrella",
        "soylent",
        "wayne-enterprises",
        "wayne",
        "Wayne",
        "globex",
        "42",
        "",
    ];
    let plans = ["free", "trial", "pro", "enterprise", "", "0"];
    let names = [
        "beta tester",
        "Beta",
        "my Test",
        "test",
        "alphabetagamma",
        "",
    ];
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let key = if i < special.len() {
            special[i].to_string()
        } else {
            format!("user-{}", rng.next() % 1_000_000)
        };
        let mut u = User::new(key);
        let mut maybe = |rng: &mut Rng, name: &str, value: Option<AttrValue>| {
            if let Some(v) = value {
                u.attributes.insert(name.to_string(), v);
            }
            let _ = rng;
        };
        let v = match rng.below(4) {
            0 => None,
            1 => Some(AttrValue::Number(rng.below(100) as f64)),
            _ => Some(AttrValue::from(rng.pick(&emails))),
        };
        maybe(&mut rng, "email", v);
        let v = match rng.below(4) {
            0 => None,
            1 => Some(AttrValue::Number(if rng.below(2) == 0 {
                42.0
            } else {
                7.0
            })),
            _ => Some(AttrValue::from(rng.pick(&orgs))),
        };
        maybe(&mut rng, "org", v);
        let v = match rng.below(5) {
            0 => None,
            1 => Some(AttrValue::from(["600", "2", "abc", ""][rng.below(4)])),
            _ => Some(AttrValue::Number(
                [
                    0.0, 1.0, 2.0, 2.999, 3.0, 499.0, 500.0, 500.5, 10_000.0, -4.0,
                ][rng.below(10)],
            )),
        };
        maybe(&mut rng, "seats", v);
        let v = match rng.below(4) {
            0 => None,
            1 => Some(AttrValue::Number([0.0, 1.0][rng.below(2)])),
            _ => Some(AttrValue::from(rng.pick(&plans))),
        };
        maybe(&mut rng, "plan", v);
        let v = match rng.below(3) {
            0 => None,
            1 => Some(AttrValue::Number(5.0)),
            _ => Some(AttrValue::from(rng.pick(&names))),
        };
        maybe(&mut rng, "name", v);
        let v = match rng.below(4) {
            0 => None,
            1 => Some(AttrValue::from(["1", "3", "2.5"][rng.below(3)])),
            _ => Some(AttrValue::Number([1.0, 2.5, 3.0, 4.0][rng.below(4)])),
        };
        maybe(&mut rng, "region", v);
        let v = match rng.below(4) {
            0 => None,
            1 => Some(AttrValue::from(["10", "-5", "x"][rng.below(3)])),
            _ => Some(AttrValue::Number(
                [9.5, 9.51, 100.0, -1.0, -0.5, 0.0][rng.below(6)],
            )),
        };
        maybe(&mut rng, "score", v);
        out.push(u);
    }
    out
}

pub fn context(u: &User) -> EvaluationContext {
    let mut ctx = EvaluationContext::default().with_targeting_key(u.key.clone());
    for (name, value) in &u.attributes {
        ctx = match value {
            AttrValue::String(s) => ctx.with_custom_field(name.clone(), s.clone()),
            // Whole numbers travel as integers, as JSON-decoding SDKs send them.
            AttrValue::Number(n) if n.fract() == 0.0 => {
                ctx.with_custom_field(name.clone(), *n as i64)
            }
            AttrValue::Number(n) => ctx.with_custom_field(name.clone(), *n),
        };
    }
    ctx
}

/// Exports every environment of `repo`, checks it against the schema, and compares flagd's
/// answer with the library's for every user and flag. Returns the count of each reason.
fn check_agreement(repo: &Repo, users: &[User]) -> HashMap<&'static str, usize> {
    let today = flags::date::Date::parse("2026-11-25").expect("date");
    let problems = flags::validate::validate(repo, today);
    assert!(problems.iter().all(|p| !p.is_error()), "{problems:#?}");
    let op = Operator::new();
    let mut by_reason: HashMap<&'static str, usize> = HashMap::new();
    for env in repo.environment_order() {
        let doc = flags::export::flagd(repo, env).expect("export");
        assert_valid_flagd(&doc);
        let parsed = FlagParser::parse_string(&doc.to_string()).expect("flagd parses the export");
        assert_eq!(parsed.flags.len(), repo.flags.len());
        for u in users {
            let ctx = context(u);
            for flag in &repo.flags {
                let ours = flags::eval::evaluate_flag(repo, &flag.name, &flag.def, env, u);
                let (variant, value) = flagd_answer(&op, &parsed.flags, &flag.name, &ctx);
                assert_eq!(
                    (&ours.variant, &ours.value),
                    (&variant, &value),
                    "`{}` in `{env}` for {u:?}: flags says {} = {} ({}), flagd says {variant} = {value}",
                    flag.name,
                    ours.variant,
                    ours.value,
                    ours.explain()
                );
                *by_reason.entry(ours.reason.code()).or_default() += 1;
                if let Some(flags::eval::Pick::Split { .. }) = ours.pick {
                    *by_reason.entry("split").or_default() += 1;
                }
            }
        }
    }
    by_reason
}

#[test]
fn eval_agrees_with_flagd_for_every_generated_user() {
    let r = agreement_repo();
    let by_reason = check_agreement(&Repo::load(r.path()), &users(3000));
    assert_eq!(by_reason.values().sum::<usize>(), 3 * 3000 * 10);
    // The answers cover every path, so agreement is not an accident of all-off or all-on.
    for code in ["off", "everyone", "segment", "rollout", "no-match"] {
        assert!(
            by_reason.get(code).copied().unwrap_or(0) > 100,
            "too few `{code}` answers: {by_reason:?}"
        );
    }
}

#[test]
fn rollouts_hit_their_percentages() {
    // 10 % and 50 % of 20000 keys, by the library's bucketing that flagd just agreed with.
    for (flag, pct) in [("f-canary", 10.0), ("f-half", 50.0)] {
        let on = (0..20_000)
            .filter(|i| flags::eval::bucket(flag, &format!("k{i}")) < flags::eval::threshold(pct))
            .count();
        let want = 20_000.0 * pct / 100.0;
        assert!(
            (on as f64 - want).abs() < want * 0.1,
            "{flag}: {on} of 20000 for {pct}%"
        );
    }
}

#[test]
fn schema_rejects_what_flagd_would_reject() {
    // The validator is not vacuous: a flag without variants or with a bad state fails.
    let v = flagd_validator();
    let bad = serde_json::json!({"flags": {"x": {"state": "ON", "defaultVariant": "off"}}});
    assert!(!v.is_valid(&bad));
    let bad_ref = serde_json::json!({"flags": {"x": {"state": "ENABLED", "variants": {"on": true}, "targeting": {"$ref": "seg"}}}});
    assert!(!v.is_valid(&bad_ref), "a bare $ref is not a targeting rule");
}

#[test]
fn example_repository_agrees_with_flagd() {
    let repo = Repo::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/acme"
    )));
    let by_reason = check_agreement(&repo, &users(1000));
    assert_eq!(
        by_reason.values().sum::<usize>() - by_reason.get("split").copied().unwrap_or(0),
        3 * 1000 * 17
    );
    assert!(
        by_reason.get("rollout").copied().unwrap_or(0) > 0,
        "{by_reason:?}"
    );
    assert!(
        by_reason.get("segment").copied().unwrap_or(0) > 0,
        "{by_reason:?}"
    );
}

#[test]
fn schema_fixture_matches_shared_copy_when_present() {
    // The tests read the copy in tests/fixtures so they need nothing outside the repository;
    // where the shared original sits beside the repository (CI, developers), they must match.
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/flagd-schema");
    if !std::path::Path::new(shared).is_dir() {
        return;
    }
    for name in ["flags.json", "targeting.json", "LICENSE"] {
        let ours = std::fs::read(format!("{SCHEMA_DIR}/{name}")).expect("fixture");
        let theirs = std::fs::read(format!("{shared}/{name}")).expect("shared");
        assert!(
            ours == theirs,
            "tests/fixtures/flagd-schema/{name} differs from ../shared/flagd-schema/{name}: copy it again"
        );
    }
}

/// The agreement repository plus typed flags: a string flag with a split, a number flag, an
/// object flag with an environment's own split, boolean-typed variants, `users` lists, and
/// prerequisites in chains (`t-object` requires `t-number` requires `t-theme` requires
/// `f-canary`), on a partial rollout, on a split and on a default variant.
pub fn typed_agreement_repo() -> TestRepo {
    let r = agreement_repo();
    let typed = |key: &str, body: &str| {
        r.write(
            &format!("flags/{key}.yaml"),
            format!("description: Flag {key}\nowner: team-a\ntype: experiment\n{body}"),
        );
    };
    typed(
        "t-theme",
        "variants:
  classic: \"#333\"
  dark: \"#000\"
  contrast: \"#fff\"
default: classic
serve: {dark: 50, contrast: 50}
environments:
  development: everyone
  staging:
    stage: canary
    users: [acct-42, \"0\"]
  production:
    stage: half
    serve: {dark: 33.333, contrast: 33.333, classic: 33.334}
",
    );
    typed(
        "t-number",
        "variants:
  low: 10
  high: 1000.5
  zero: 0
default: zero
serve: high
requires:
  t-theme: dark
environments:
  development: everyone
  staging: partners
  production:
    stage: internal
    users: [globex, b]
    serve: {low: 10, high: 90}
",
    );
    typed(
        "t-object",
        "variants:
  small: {rows: 10, dense: false}
  large: {rows: 50, dense: true, tags: [a, b]}
default: small
serve: large
requires:
  t-number: high
  f-partners: on
environments:
  development: half
  staging: everyone
  production: canary
",
    );
    typed(
        "t-bool",
        "variants:
  yes-please: true
  no-thanks: false
default: no-thanks
serve: {yes-please: 25, no-thanks: 75}
requires:
  f-off: off
environments:
  development: canary
  staging: everyone
  production:
    stage: internal
    serve: yes-please
",
    );
    // A boolean flag (no variants) with a prerequisite on a rollout and a user list.
    r.write(
        "flags/t-gated.yaml",
        "description: Gated\nowner: team-a\ntype: release\nrequires:\n  f-half: on\nenvironments:\n  development: everyone\n  staging:\n    stage: internal\n    users: [user-77]\n  production: half\n",
    );
    r
}

#[test]
fn typed_flags_splits_and_prerequisites_agree_with_flagd() {
    let r = typed_agreement_repo();
    let repo = Repo::load(r.path());
    let by_reason = check_agreement(&repo, &users(2000));
    assert_eq!(
        by_reason.values().sum::<usize>() - by_reason["split"],
        3 * 2000 * 15
    );
    // `listed`: the few special keys in `users` lists.
    for (code, min) in [
        ("listed", 3),
        ("prerequisite", 500),
        ("split", 500),
        ("rollout", 500),
        ("segment", 500),
    ] {
        assert!(
            by_reason.get(code).copied().unwrap_or(0) >= min,
            "too few `{code}` answers: {by_reason:?}"
        );
    }
    // Every variant of every typed flag is served to someone somewhere.
    let mut seen: std::collections::HashSet<(String, String)> = Default::default();
    for env in repo.environment_order() {
        for u in users(1500) {
            for flag in repo.flags.iter().filter(|f| f.name.starts_with("t-")) {
                let d = flags::eval::evaluate_flag(&repo, &flag.name, &flag.def, env, &u);
                seen.insert((flag.name.clone(), d.variant));
            }
        }
    }
    for (flag, variants) in [
        ("t-theme", &["classic", "dark", "contrast"][..]),
        ("t-number", &["low", "high", "zero"]),
        ("t-object", &["small", "large"]),
        ("t-bool", &["yes-please", "no-thanks"]),
        ("t-gated", &["on", "off"]),
    ] {
        for v in variants {
            assert!(
                seen.contains(&(flag.to_string(), v.to_string())),
                "`{flag}` never served `{v}`"
            );
        }
    }
}

/// The real clock, in whole seconds: what flagd's `$flagd.timestamp` reads.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

#[test]
fn scheduled_flags_switch_in_flagd_when_their_time_comes() {
    // Entries a few seconds ahead of the real clock: the export is made once, and flagd's
    // answer must change by itself when `$flagd.timestamp` passes each `at`, agreeing with
    // the library (and `flags eval --at`) before, between and after.
    use flags::date::Timestamp;
    let r = agreement_repo();
    let t0 = unix_now();
    let at = |dt: i64| Timestamp::from_unix(t0 + dt).to_string();
    r.write(
        "flags/s-walk.yaml",
        format!(
            "description: Walks by itself\nowner: o\ntype: release\nenvironments:\n  production:\n    stage: partners\n    schedule:\n      - {{stage: canary, at: {}}}\n      - {{stage: half, at: {}}}\n      - {{stage: everyone, at: '{}'}}\n",
            at(-100),
            at(3),
            // An offset other than Z: the same instant.
            {
                let t = Timestamp::from_unix(t0 + 6 + 3600).to_string();
                t.replace('Z', "+01:00")
            }
        ),
    );
    r.write(
        "flags/s-on.yaml",
        format!(
            "description: Switches on\nowner: o\ntype: release\nenvironments:\n  production:\n    stage: off\n    schedule:\n      - {{stage: internal, at: {}}}\n",
            at(3)
        ),
    );
    let repo = Repo::load(r.path());
    let problems = flags::validate::validate(&repo, flags::date::Date::today());
    assert!(problems.iter().all(|p| !p.is_error()), "{problems:#?}");
    let doc =
        flags::export::flagd_at(&repo, "production", Timestamp::from_unix(t0)).expect("export");
    assert_valid_flagd(&doc);
    let parsed = FlagParser::parse_string(&doc.to_string()).expect("flagd parses the export");
    let op = Operator::new();
    let users = users(300);
    let keys = ["s-walk", "s-on"];

    // Each phase: flagd at the real clock, the library at an instant inside the same phase.
    let mut answers: Vec<Vec<bool>> = Vec::new();
    for (phase, (start, instant)) in [(0i64, 0i64), (4, 4), (7, 7)].into_iter().enumerate() {
        while unix_now() < t0 + start {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let now = Timestamp::from_unix(t0 + instant);
        let mut got = Vec::new();
        for u in &users {
            let ctx = context(u);
            for key in keys {
                let flag = repo.flag(key).expect("flag");
                let ours =
                    flags::eval::evaluate_flag_at(&repo, key, &flag.def, "production", u, now);
                let (variant, value) = flagd_answer(&op, &parsed.flags, key, &ctx);
                assert_eq!(
                    (&ours.variant, &ours.value),
                    (&variant, &value),
                    "phase {phase}: `{key}` for {u:?}: flags says {} ({}), flagd says {variant}",
                    ours.variant,
                    ours.explain()
                );
                got.push(value.as_bool().expect("boolean flag"));
            }
        }
        assert!(
            unix_now() < t0 + [3, 6, 1_000_000][phase],
            "phase {phase} ran past its boundary: the machine is too slow for this test"
        );
        answers.push(got);
    }
    // flagd's answers really changed, twice, with no new export.
    let on = |v: &Vec<bool>| v.iter().filter(|b| **b).count();
    assert!(
        on(&answers[0]) < on(&answers[1]),
        "{} {}",
        on(&answers[0]),
        on(&answers[1])
    );
    assert!(
        on(&answers[1]) < on(&answers[2]),
        "{} {}",
        on(&answers[1]),
        on(&answers[2])
    );

    // `flags eval --at` gives the same answers at the three instants, for a few users.
    for u in users.iter().take(5) {
        for (phase, instant) in [0i64, 4, 7].into_iter().enumerate() {
            let mut args = vec![
                "eval".to_string(),
                "s-walk".into(),
                "--env".into(),
                "production".into(),
                "--user".into(),
                u.key.clone(),
                "--at".into(),
                at(instant),
                "--format".into(),
                "json".into(),
            ];
            for (name, value) in &u.attributes {
                args.push("--attr".into());
                args.push(format!("{name}={value}"));
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = r.run(&args);
            let i = users.iter().position(|x| x.key == u.key).unwrap() * keys.len();
            assert_eq!(
                run.json()["value"],
                answers[phase][i],
                "phase {phase}, user {u:?}: {}",
                run.stderr
            );
        }
    }
}

#[test]
fn split_shares_match_the_weights_and_are_independent_of_the_rollout() {
    // 100,000 users: a 10 % rollout of a 50/50 split serves about 5 % each, the full
    // audience splits by the weights, and a user's variant does not change as the rollout
    // grows (the split bucket is salted, separate from the rollout bucket).
    let r = TestRepo::empty();
    r.write(
        "flags.yaml",
        "pipeline:\n  - stage: canary\n    rollout: 10\n  - stage: everyone\n    rollout: 100\n",
    );
    r.write("environments/small.yaml", "");
    r.write("environments/all.yaml", "");
    r.write(
        "flags/exp.yaml",
        "description: d\nowner: o\ntype: experiment\nvariants:\n  a: \"a\"\n  b: \"b\"\n  c: \"c\"\ndefault: c\nserve: {a: 50, b: 50}\nenvironments:\n  small: canary\n  all:\n    stage: everyone\n    serve: {a: 12.5, b: 37.5, c: 50}\n",
    );
    let repo = Repo::load(r.path());
    let def = &repo.flag("exp").expect("flag").def;
    let n = 100_000usize;
    let mut small = HashMap::<String, usize>::new();
    let mut all = HashMap::<String, usize>::new();
    for i in 0..n {
        let u = User::new(format!("member-{i}"));
        let s = flags::eval::evaluate_flag(&repo, "exp", def, "small", &u);
        let a = flags::eval::evaluate_flag(&repo, "exp", def, "all", &u);
        if s.reason.served() {
            *small.entry(s.variant.clone()).or_default() += 1;
            // Sticky: in the rollout at 10 %, the same split bucket when everyone is in.
            let (
                Some(flags::eval::Pick::Split { bucket: b1, .. }),
                Some(flags::eval::Pick::Split { bucket: b2, .. }),
            ) = (&s.pick, &a.pick)
            else {
                panic!("{s:?} {a:?}");
            };
            assert_eq!(b1, b2);
        }
        *all.entry(a.variant).or_default() += 1;
    }
    let pct = |m: &HashMap<String, usize>, v: &str| {
        m.get(v).copied().unwrap_or(0) as f64 * 100.0 / n as f64
    };
    for (v, want) in [("a", 5.0), ("b", 5.0)] {
        assert!(
            (pct(&small, v) - want).abs() < 0.5,
            "{v}: {}% of users, want {want}%",
            pct(&small, v)
        );
    }
    for (v, want) in [("a", 12.5), ("b", 37.5), ("c", 50.0)] {
        assert!(
            (pct(&all, v) - want).abs() < 0.5,
            "{v}: {}% of users, want {want}%",
            pct(&all, v)
        );
    }
    // The split answers agree with flagd for a sample of these users too.
    let op = Operator::new();
    for env in ["small", "all"] {
        let doc = flags::export::flagd(&repo, env).expect("export");
        assert_valid_flagd(&doc);
        let parsed = FlagParser::parse_string(&doc.to_string()).expect("parses");
        for i in (0..n).step_by(25) {
            let u = User::new(format!("member-{i}"));
            let ours = flags::eval::evaluate_flag(&repo, "exp", def, env, &u);
            let (variant, _) = flagd_answer(&op, &parsed.flags, "exp", &context(&u));
            assert_eq!(ours.variant, variant, "{env} member-{i}");
        }
    }
}

#[test]
fn boolean_attributes_make_flagd_evaluation_engine_fail_nowhere() {
    // Outside `flags eval`'s user model, but applications send them: every flag of every
    // environment evaluates without an error (`flagd_answer` panics on one).
    let r = agreement_repo();
    let repo = Repo::load(r.path());
    let op = Operator::new();
    let names = ["email", "org", "seats", "plan", "name", "region", "score"];
    for env in repo.environment_order() {
        let doc = flags::export::flagd(&repo, env).expect("export");
        let parsed = FlagParser::parse_string(&doc.to_string()).expect("flagd parses the export");
        for value in [true, false] {
            for key in ["", "user-1", "ops-bot"] {
                let ctx = names.iter().fold(
                    EvaluationContext::default().with_targeting_key(key),
                    |ctx, n| ctx.with_custom_field(*n, value),
                );
                for flag in &repo.flags {
                    flagd_answer(&op, &parsed.flags, &flag.name, &ctx);
                }
            }
        }
    }
}

/// The exported JsonLogic of a segment whose one rule is `seats gte 500`.
pub fn seats_gte_500() -> Value {
    let r = TestRepo::empty();
    r.write("flags.yaml", PIPELINE);
    r.write("environments/production.yaml", "");
    for seg in ["internal", "partners"] {
        r.write(&format!("segments/{seg}.yaml"), "users: [x]\n");
    }
    r.write(
        "segments/beta.yaml",
        "rules:\n  - attribute: seats\n    op: gte\n    values: [500]\n",
    );
    r.write(
        "flags/f.yaml",
        "description: d\nowner: o\ntype: release\nenvironments:\n  production: half\n",
    );
    let doc = flags::export::flagd(&Repo::load(r.path()), "production").expect("export");
    doc["$evaluators"]["beta"].clone()
}

#[test]
fn typed_scheduled_flags_and_prerequisites_switch_in_flagd() {
    // A typed flag with its own schedule, requiring a flag that switches on by schedule:
    // exported once, flagd's variant changes by itself at each `at`, agreeing with the
    // library at the instant flagd answered (a user whose answer straddles a boundary on a
    // slow machine is left out, not guessed).
    use flags::date::Timestamp;
    let r = agreement_repo();
    let t0 = unix_now();
    let at = |dt: i64| Timestamp::from_unix(t0 + dt).to_string();
    r.write(
        "flags/s-gate.yaml",
        format!(
            "description: Switches on\nowner: o\ntype: release\nenvironments:\n  production:\n    stage: off\n    schedule:\n      - {{stage: internal, at: {}}}\n",
            at(3)
        ),
    );
    r.write(
        "flags/s-typed.yaml",
        format!(
            "description: Typed and scheduled\nowner: o\ntype: experiment\nvariants:\n  a: \"A\"\n  b: \"B\"\n  c: \"C\"\ndefault: a\nserve: {{b: 50, c: 50}}\nrequires:\n  s-gate: on\nenvironments:\n  production:\n    stage: internal\n    schedule:\n      - {{stage: partners, at: {}}}\n      - {{stage: canary, at: {}}}\n",
            at(-50),
            at(6)
        ),
    );
    let repo = Repo::load(r.path());
    let problems = flags::validate::validate(&repo, flags::date::Date::today());
    assert!(problems.iter().all(|p| !p.is_error()), "{problems:#?}");
    let doc =
        flags::export::flagd_at(&repo, "production", Timestamp::from_unix(t0)).expect("export");
    assert_valid_flagd(&doc);
    let parsed = FlagParser::parse_string(&doc.to_string()).expect("flagd parses the export");
    let op = Operator::new();
    let users = users(200);
    let flag = repo.flag("s-typed").expect("flag");
    // (phase, variant) -> count; phases: before 3 s, between 3 and 6 s, after 6 s.
    let mut served: HashMap<(i64, String), usize> = HashMap::new();
    for start in [0i64, 4, 7] {
        while unix_now() < t0 + start {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        for u in &users {
            let before = unix_now();
            let (variant, value) = flagd_answer(&op, &parsed.flags, "s-typed", &context(u));
            let after = unix_now();
            let phase = |t: i64| [3, 6].iter().filter(|b| t >= t0 + **b).count() as i64;
            if phase(before) != phase(after) {
                continue;
            }
            let ours = flags::eval::evaluate_flag_at(
                &repo,
                "s-typed",
                &flag.def,
                "production",
                u,
                Timestamp::from_unix(before),
            );
            assert_eq!(
                (&ours.variant, &ours.value),
                (&variant, &value),
                "at t0+{}: for {u:?}: {}",
                before - t0,
                ours.explain()
            );
            *served.entry((phase(before), variant)).or_default() += 1;
        }
    }
    // Only the default before the prerequisite switches on; both split variants after.
    assert!(served.keys().all(|(p, v)| *p > 0 || v == "a"), "{served:?}");
    for v in ["b", "c"] {
        assert!(served.keys().any(|(p, x)| *p > 0 && x == v), "{served:?}");
    }
}
