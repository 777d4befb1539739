//! Every official flagd evaluator answers as `flags eval` (PRODUCT.md section 10): the exports
//! of the agreement repository and of `examples/acme` are evaluated by Python's
//! `openfeature-flagd-core` and JavaScript's `@openfeature/flagd-core` (the Rust
//! `flagd-evaluation-engine` is in `agreement.rs`) for thousands of generated users, wrong-typed
//! attributes, empty and non-ASCII keys included. Each evaluator runs once per batch of users
//! (`tests/evaluators/evaluate.{py,js}`), and must neither fail nor log a warning or an error.
//!
//! The evaluators are installed by `.ci/run` (pinned versions: `pip install
//! openfeature-flagd-core==2.0.0`, `npm ci` in `tests/evaluators`). Where one is missing the
//! test says so and passes, except under `CI=true`, where a missing evaluator fails the test.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use flags::eval::{AttrValue, User};
use flags::repo::Repo;

use crate::agreement::{PIPELINE, agreement_repo, users};

const EVALUATORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/evaluators");

#[derive(Clone, Copy, Debug, PartialEq)]
enum Evaluator {
    Python,
    JavaScript,
}

impl Evaluator {
    fn command(self) -> Command {
        match self {
            Evaluator::Python => {
                let mut c = Command::new("python3");
                c.arg(format!("{EVALUATORS}/evaluate.py"));
                c
            }
            Evaluator::JavaScript => {
                let mut c = Command::new("node");
                c.arg(format!("{EVALUATORS}/evaluate.js"));
                c
            }
        }
    }

    /// Whether the evaluator is installed; under `CI=true` a missing one fails the test.
    fn available(self) -> bool {
        let probe = match self {
            Evaluator::Python => Command::new("python3")
                .args(["-c", "import openfeature.contrib.tools.flagd.core"])
                .output(),
            Evaluator::JavaScript => Command::new("node")
                .current_dir(EVALUATORS)
                .args(["-e", "require('@openfeature/flagd-core')"])
                .output(),
        };
        let ok = probe.as_ref().is_ok_and(|o| o.status.success());
        if !ok {
            let how = match self {
                Evaluator::Python => "pip install openfeature-flagd-core==2.0.0",
                Evaluator::JavaScript => "npm ci --prefix tests/evaluators",
            };
            let detail = match &probe {
                Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
                Err(e) => e.to_string(),
            };
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "the {self:?} flagd evaluator is not installed (run `{how}`, as .ci/run does): {detail}"
            );
            eprintln!("skipping the {self:?} evaluator: not installed (`{how}`)");
        }
        ok
    }

    /// Evaluates every flag of `config` for every user in one process: one row of answers
    /// (`None` where the evaluator failed) per user, and what it logged or failed with.
    fn run(
        self,
        config: &Value,
        flags: &[&str],
        users: &[User],
    ) -> (Vec<Vec<Option<Value>>>, Vec<String>) {
        let users: Vec<Value> = users.iter().map(user_json).collect();
        self.run_json(config, flags, &users)
    }

    /// [`Evaluator::run`] for users given as JSON `{"key", "attributes"}`.
    fn run_json(
        self,
        config: &Value,
        flags: &[&str],
        users: &[Value],
    ) -> (Vec<Vec<Option<Value>>>, Vec<String>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let request = dir.path().join("request.json");
        let body = json!({"config": config, "flags": flags, "users": users});
        std::fs::write(&request, body.to_string()).expect("write request");
        let out = self
            .command()
            .arg(&request)
            .current_dir(EVALUATORS)
            .output()
            .expect("run the evaluator");
        assert!(
            out.status.success(),
            "the {self:?} evaluator failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).expect("evaluator prints JSON");
        let answers = v["answers"]
            .as_array()
            .expect("answers")
            .iter()
            .map(|row| {
                row.as_array()
                    .expect("row")
                    .iter()
                    .map(|v| (!v.is_null()).then(|| v.clone()))
                    .collect()
            })
            .collect();
        let errors = v["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e.as_str().unwrap_or_default().to_string())
            .collect();
        (answers, errors)
    }
}

/// A user as an OpenFeature context: whole numbers as integers, as JSON-decoding SDKs send them.
fn user_json(u: &User) -> Value {
    let attrs: serde_json::Map<String, Value> = u
        .attributes
        .iter()
        .map(|(k, v)| {
            let v = match v {
                AttrValue::String(s) => json!(s),
                AttrValue::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => json!(*n as i64),
                AttrValue::Number(n) => json!(n),
            };
            (k.clone(), v)
        })
        .collect();
    json!({"key": u.key, "attributes": attrs})
}

/// How the answers of one evaluator compare with `flags eval`'s.
#[derive(Debug, Default)]
struct Comparison {
    answers: usize,
    /// `(flag, env, user key, flags eval's reason)` of each disagreement.
    disagreements: Vec<(String, String, String, &'static str)>,
    errors: Vec<String>,
}

fn compare(ev: Evaluator, repo: &Repo, users: &[User]) -> Comparison {
    let mut c = Comparison::default();
    let keys: Vec<&str> = repo.flags.iter().map(|f| f.name.as_str()).collect();
    for env in repo.environment_order() {
        let doc = flags::export::flagd(repo, env).expect("export");
        crate::agreement::assert_valid_flagd(&doc);
        let (answers, errors) = ev.run(&doc, &keys, users);
        c.errors.extend(errors);
        assert_eq!(answers.len(), users.len());
        for (u, row) in users.iter().zip(&answers) {
            assert_eq!(row.len(), keys.len());
            for (flag, theirs) in repo.flags.iter().zip(row) {
                let ours = flags::eval::evaluate_flag(repo, &flag.name, &flag.def, env, u);
                c.answers += 1;
                if !theirs.as_ref().is_some_and(|t| same_value(t, &ours.value)) {
                    // A split decided answers apart from the audience's reason.
                    let why = match ours.pick {
                        Some(flags::eval::Pick::Split { .. }) => "split",
                        _ => ours.reason.code(),
                    };
                    c.disagreements
                        .push((flag.name.clone(), env.to_string(), u.key.clone(), why));
                }
            }
        }
    }
    c
}

/// JSON values equal, numbers compared as numbers (Python resolves `600` as `600.0`).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_value(v, w))
        }
        _ => a == b,
    }
}

#[track_caller]
fn assert_agrees(ev: Evaluator, c: &Comparison, answers: usize) {
    assert_eq!(c.answers, answers);
    assert!(
        c.errors.is_empty(),
        "the {ev:?} evaluator failed or logged {} times, e.g.:\n{}",
        c.errors.len(),
        c.errors
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        c.disagreements.is_empty(),
        "the {ev:?} evaluator disagrees with `flags eval` on {} of {} answers, e.g. {:?}",
        c.disagreements.len(),
        c.answers,
        &c.disagreements[..c.disagreements.len().min(5)]
    );
}

/// Generated users plus the edge cases every evaluator must survive with no attribute to
/// save it: anonymous users (empty key) with no attributes, with every attribute a number and
/// with every attribute a string; non-ASCII keys with no attributes.
fn all_users(count: usize) -> Vec<User> {
    let mut out = users(count);
    let names = [
        "email", "org", "seats", "plan", "name", "region", "score", "ua",
    ];
    let numbers = names.iter().fold(User::new(""), |u, n| u.with(*n, 5i64));
    let strings = names
        .iter()
        .fold(User::new(""), |u, n| u.with(*n, "Mobile"));
    out.extend([User::new(""), numbers, strings]);
    for key in ["zoë", "用户-7", "😀😀", "\u{8000}", "0"] {
        out.push(User::new(key));
        out.push(names.iter().fold(User::new(key), |u, n| u.with(*n, 2.5)));
    }
    out
}

fn acme() -> Repo {
    Repo::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/acme"
    )))
}

/// The agreement repository with `bucketing: legacy` in `flags.yaml`.
fn legacy_repo() -> crate::harness::TestRepo {
    let r = agreement_repo();
    r.write("flags.yaml", format!("{PIPELINE}bucketing: legacy\n"));
    r
}

#[test]
fn python_flagd_core_agrees_with_eval_without_logging() {
    if !Evaluator::Python.available() {
        return;
    }
    let r = agreement_repo();
    let c = compare(Evaluator::Python, &Repo::load(r.path()), &all_users(3000));
    assert_agrees(Evaluator::Python, &c, 3 * 3013 * 10);
    let c = compare(Evaluator::Python, &acme(), &all_users(1000));
    assert_agrees(Evaluator::Python, &c, 3 * 1013 * 17);
    // Typed flags, splits, `users` lists and prerequisite chains (section 8).
    let r = crate::agreement::typed_agreement_repo();
    let c = compare(Evaluator::Python, &Repo::load(r.path()), &all_users(1500));
    assert_agrees(Evaluator::Python, &c, 3 * 1513 * 15);
}

#[test]
fn javascript_flagd_core_agrees_with_eval_under_legacy_bucketing() {
    if !Evaluator::JavaScript.available() {
        return;
    }
    let r = legacy_repo();
    let c = compare(
        Evaluator::JavaScript,
        &Repo::load(r.path()),
        &all_users(3000),
    );
    assert_agrees(Evaluator::JavaScript, &c, 3 * 3013 * 10);
    // Typed flags and splits too: a split's explicit bucketing value is hashed as text.
    let r = crate::agreement::typed_agreement_repo();
    r.write("flags.yaml", format!("{PIPELINE}bucketing: legacy\n"));
    let c = compare(
        Evaluator::JavaScript,
        &Repo::load(r.path()),
        &all_users(1500),
    );
    assert_agrees(Evaluator::JavaScript, &c, 3 * 1513 * 15);
}

#[test]
fn javascript_flagd_core_buckets_the_legacy_way() {
    // What the README says about @openfeature/flagd-core 4.0.1: without `bucketing: legacy`
    // it disagrees with `flags eval`, and only on answers a rollout decided; it still never
    // fails or logs, whatever the attributes (a number where `contains` expects a string
    // made it throw before the export guarded its string operators).
    if !Evaluator::JavaScript.available() {
        return;
    }
    let r = agreement_repo();
    let c = compare(
        Evaluator::JavaScript,
        &Repo::load(r.path()),
        &all_users(3000),
    );
    assert!(
        c.errors.is_empty(),
        "{:?}",
        &c.errors[..c.errors.len().min(5)]
    );
    assert!(
        c.disagreements.len() > 500,
        "expected the legacy bucketing to put many users elsewhere: {} disagreements",
        c.disagreements.len()
    );
    for d in &c.disagreements {
        assert!(
            d.3 == "rollout" || d.3 == "no-match",
            "a disagreement not decided by a rollout: {d:?}"
        );
    }
    // The example repository has rollouts and splits too; its answers decided by neither
    // all agree.
    let c = compare(Evaluator::JavaScript, &acme(), &all_users(1000));
    assert!(
        c.errors.is_empty(),
        "{:?}",
        &c.errors[..c.errors.len().min(5)]
    );
    assert!(
        c.disagreements
            .iter()
            .all(|d| d.3 == "rollout" || d.3 == "no-match" || d.3 == "split"),
        "{:?}",
        c.disagreements
            .iter()
            .find(|d| !matches!(d.3, "rollout" | "no-match" | "split"))
    );
}

#[test]
fn python_flagd_core_buckets_the_flagd_way() {
    // The other half of the README's table: legacy bucketing is not what Python answers.
    if !Evaluator::Python.available() {
        return;
    }
    let r = legacy_repo();
    let c = compare(Evaluator::Python, &Repo::load(r.path()), &all_users(500));
    assert!(
        c.errors.is_empty(),
        "{:?}",
        &c.errors[..c.errors.len().min(5)]
    );
    assert!(c.disagreements.len() > 50, "{}", c.disagreements.len());
}

#[test]
fn booleans_nulls_lists_and_objects_make_no_evaluator_fail_or_log() {
    // Outside the user model `flags eval` answers for (strings and numbers), but applications
    // send them: such an attribute, wherever a rule reads it, must not make an evaluator throw
    // or log. Regression: a list or an object in a number comparison made JavaScript's throw.
    // (What they answer for `in` is not compared: Python's JsonLogic holds `true == 1`,
    // JavaScript's does not; a number comparison is false for all of them in both.)
    let r = agreement_repo();
    let repo = Repo::load(r.path());
    let keys: Vec<&str> = repo.flags.iter().map(|f| f.name.as_str()).collect();
    let names = ["email", "org", "seats", "plan", "name", "region", "score"];
    let mut users = Vec::new();
    let odd = [
        json!(true),
        json!(false),
        Value::Null,
        json!([]),
        json!([600]),
        json!([1, "x"]),
        json!({}),
        json!({"seats": 600}),
    ];
    for value in &odd {
        for key in ["", "user-1", "ops-bot"] {
            let attrs: serde_json::Map<String, Value> = names
                .iter()
                .map(|n| (n.to_string(), value.clone()))
                .collect();
            users.push(json!({"key": key, "attributes": attrs}));
        }
    }
    for ev in [Evaluator::Python, Evaluator::JavaScript] {
        if !ev.available() {
            continue;
        }
        for env in repo.environment_order() {
            let doc = flags::export::flagd(&repo, env).expect("export");
            let (answers, errors) = ev.run_json(&doc, &keys, &users);
            assert!(errors.is_empty(), "{ev:?} in {env}: {errors:?}");
            assert!(answers.iter().flatten().all(Option::is_some));
        }
        // A number comparison is false for every one of them, in both (as `flags eval` has it
        // for anything but a number): a segment whose one rule is `seats gte 500`.
        let beta = json!({"flags": {"b": {"state": "ENABLED", "variants": {"on": true, "off": false},
            "defaultVariant": "off", "targeting": {"if": [{"$ref": "beta"}, "on", "off"]}}},
            "$evaluators": {"beta": crate::agreement::seats_gte_500()}});
        let users: Vec<Value> = odd
            .iter()
            .chain(&[json!(600), json!(600.5)])
            .map(|v| json!({"key": "k", "attributes": {"seats": v}}))
            .collect();
        let (answers, errors) = ev.run_json(&beta, &["b"], &users);
        assert!(errors.is_empty(), "{ev:?}: {errors:?}");
        let on: Vec<bool> = answers
            .iter()
            .map(|row| row[0].as_ref().and_then(Value::as_bool).expect("answer"))
            .collect();
        let mut want = vec![false; odd.len()];
        want.extend([true, true]);
        assert_eq!(on, want, "{ev:?}");
    }
}

/// Adds two scheduled flags to `r`: `s-walk` walks partners -> canary (already in force) ->
/// half at `t0 + 4` -> everyone at `t0 + 8` (written with a +01:00 offset), `s-on` goes from
/// off to internal at `t0 + 4`, in production.
fn add_scheduled_flags(r: &crate::harness::TestRepo, t0: i64) {
    use flags::date::Timestamp;
    let at = |dt: i64| Timestamp::from_unix(t0 + dt).to_string();
    let plus_one = Timestamp::from_unix(t0 + 8 + 3600)
        .to_string()
        .replace('Z', "+01:00");
    r.write(
        "flags/s-walk.yaml",
        format!(
            "description: Walks by itself\nowner: o\ntype: release\nenvironments:\n  production:\n    stage: partners\n    schedule:\n      - {{stage: canary, at: {}}}\n      - {{stage: half, at: {}}}\n      - {{stage: everyone, at: '{plus_one}'}}\n",
            at(-100),
            at(4)
        ),
    );
    r.write(
        "flags/s-on.yaml",
        format!(
            "description: Switches on\nowner: o\ntype: release\nenvironments:\n  production:\n    stage: off\n    schedule:\n      - {{stage: internal, at: {}}}\n",
            at(4)
        ),
    );
}

#[test]
fn scheduled_flags_switch_in_python_and_javascript_at_their_time() {
    // One export, made before the entries' times; each evaluator runs before, between and
    // after them on the real clock (`$flagd.timestamp`), and must answer as `flags eval` at
    // an instant of the same phase, without failing or logging.
    use flags::date::Timestamp;
    let evaluators: Vec<Evaluator> = [Evaluator::Python, Evaluator::JavaScript]
        .into_iter()
        .filter(|e| e.available())
        .collect();
    if evaluators.is_empty() {
        return;
    }
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs() as i64
    };
    // JavaScript's flagd-core buckets the legacy way: its repository says so.
    let repos: Vec<(Evaluator, crate::harness::TestRepo)> = evaluators
        .iter()
        .map(|&e| {
            (
                e,
                if e == Evaluator::Python {
                    agreement_repo()
                } else {
                    legacy_repo()
                },
            )
        })
        .collect();
    let t0 = now();
    let mut loaded = Vec::new();
    for (e, r) in &repos {
        add_scheduled_flags(r, t0);
        let repo = Repo::load(r.path());
        let doc =
            flags::export::flagd_at(&repo, "production", Timestamp::from_unix(t0)).expect("export");
        crate::agreement::assert_valid_flagd(&doc);
        loaded.push((*e, repo, doc));
    }
    let keys = ["s-walk", "s-on"];
    let users = all_users(200);
    let mut on_counts: Vec<Vec<usize>> = vec![Vec::new(); loaded.len()];
    for (phase, (start, boundary)) in [(0i64, 4i64), (5, 8), (9, 1_000_000)]
        .into_iter()
        .enumerate()
    {
        while now() < t0 + start {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        for (i, (ev, repo, doc)) in loaded.iter().enumerate() {
            let (answers, errors) = ev.run(doc, &keys, &users);
            assert!(
                now() < t0 + boundary,
                "phase {phase} ran past its boundary: the machine is too slow for this test"
            );
            assert!(errors.is_empty(), "{ev:?} failed or logged: {errors:?}");
            let instant = Timestamp::from_unix(t0 + start);
            let mut on = 0;
            for (u, row) in users.iter().zip(&answers) {
                for (key, theirs) in keys.iter().zip(row) {
                    let flag = repo.flag(key).expect("flag");
                    let ours = flags::eval::evaluate_flag_at(
                        repo,
                        key,
                        &flag.def,
                        "production",
                        u,
                        instant,
                    );
                    assert!(
                        theirs.as_ref().is_some_and(|t| same_value(t, &ours.value)),
                        "{ev:?}, phase {phase}: `{key}` for {u:?}: {theirs:?} ({})",
                        ours.explain()
                    );
                    on += usize::from(ours.is_on());
                }
            }
            on_counts[i].push(on);
        }
    }
    // The answers changed with no new export, at each entry's time.
    for counts in &on_counts {
        assert!(counts[0] < counts[1] && counts[1] < counts[2], "{counts:?}");
    }
}
