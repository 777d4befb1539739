//! Compiling one environment for run time: flagd flag definitions (PRODUCT.md sections 5
//! and 10), and the same definitions as an OpenFeature Operator `FeatureFlag` resource.
//! Pure: model in, JSON out. The JsonLogic written here must answer exactly as
//! [`crate::eval`] does for every user; `tests/cli/export.rs` proves it against an independent
//! flagd evaluator.
//!
//! # Shape
//!
//! Every flag is a boolean flag with variants `on: true` / `off: false`, `state: ENABLED` and
//! `defaultVariant: off`, so anything flagd cannot decide falls back to off. A flag that is `off` in the environment has no targeting: it is
//! off for everyone, but still known to flagd (a `DISABLED` or missing flag would make the
//! application fall back to the default in its code, which may be `true`). A flag at 100 %
//! has the constant targeting `{"if": [true, "on", "off"]}`.
//!
//! A schedule (PRODUCT.md section 9) compiles to a chain of tests of flagd's clock:
//! `{"if": [{">=": [{"var": "$flagd.timestamp"}, AT]}, TARGETING_THEN, ..., TARGETING_NOW]}`,
//! newest entry first, so flagd switches at each `at` with no new export. Entries already in
//! force at export time need no test: the export is exact from the instant it is made on.
//!
//! Each segment the flags use becomes a `$evaluators` entry, referenced from the flags'
//! targeting as `{"$ref": "segment"}`. Inside an evaluator, included segments are written
//! out in full rather than referenced: flagd resolves `$ref`s only in flag targeting, not
//! inside other evaluators, on every implementation.
//!
//! # Rules as JsonLogic
//!
//! The attribute `key` is flagd's `targetingKey`. Guards keep flagd from coercing what
//! [`crate::eval`] never coerces: a present-check (`!==` null) makes a missing attribute match
//! nothing, and `starts_with(attr, "")` (true only for strings, in every flagd) keeps strings
//! out of numeric comparisons.
//!
//! | op | JsonLogic |
//! |---|---|
//! | `in` | `{"in": [attr, [values]]}` |
//! | `not_in` | `{"and": [{"!==": [attr, null]}, {"!": [{"in": [attr, [values]]}]}]}` |
//! | `starts_with`, `ends_with` | `{"starts_with": [attr, value]}` (flagd's string operators) |
//! | `contains` | `{"and": [{"starts_with": [attr, ""]}, {"in": [value, attr]}]}` (substring of a string) |
//! | `lt` … `gte` | `{"and": [{"!==": [attr, null]}, {"!": [{"starts_with": [attr, ""]}]}, NUMBER, {"<": [attr, value]}]}` |
//!
//! where NUMBER is `{"in": [{"substr": [{"cat": [attr]}, 0, 1]}, ["-", "0", …, "9"]]}, {"in":
//! [attr, {"merge": [attr]}]}`: true for a number only (not a boolean, list, object or date)
//! in every evaluator, without a type operator JsonLogic does not have.
//!
//! Several values are an `or` of one comparison per value.
//!
//! # Safe on every evaluator (PRODUCT.md section 10)
//!
//! The JsonLogic may not depend on one evaluator's quirks: string operators only ever see
//! strings (JavaScript's `in` throws on a number, and the application would then get the
//! default from its code), and `fractional` only runs for a non-empty targeting key
//! (`{"if": [{"var": "targetingKey"}, {"fractional": ...}, "off"]}`: an empty or missing key
//! is false in every JsonLogic), so no evaluator throws or logs an error for any user.
//! `tests/cli/evaluators.rs` proves it with the Rust, Python and JavaScript evaluators.

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::{Map, Value, json};

use crate::date::Timestamp;
use crate::error::UserError;
use crate::eval::{BUCKETS, KEY_ATTRIBUTES, MAX_EXPANSIONS, MAX_INCLUDE_DEPTH, threshold};
use crate::eval::{MAX_PREREQ_DEPTH, MAX_PREREQ_EXPANSIONS, SPLIT_SALT};
use crate::repo::{Audience, EnvState, FlagDef, Op, Repo, Rule, RuleValue, ServeView, TypedView};

/// The flagd schema the export validates against.
pub const FLAGD_SCHEMA: &str = "https://flagd.dev/schema/v0/flags.json";

/// The flagd flag definitions of one environment, from now on (see [`flagd_at`]).
pub fn flagd(repo: &Repo, env: &str) -> Result<Value> {
    flagd_at(repo, env, Timestamp::now())
}

/// The flagd flag definitions of one environment, exact for every instant from `now` on: the
/// stage in force at `now`, and each schedule entry still to come compiled into the targeting
/// as a test of flagd's `$flagd.timestamp` (unix seconds), so flagd switches at `at` by itself.
pub fn flagd_at(repo: &Repo, env: &str, now: Timestamp) -> Result<Value> {
    let (flags, evaluators) = definitions(repo, env, now)?;
    let mut root = Map::new();
    root.insert("$schema".into(), json!(FLAGD_SCHEMA));
    root.insert("flags".into(), Value::Object(flags));
    root.insert("$evaluators".into(), Value::Object(evaluators));
    Ok(Value::Object(root))
}

/// The `flags` and `$evaluators` of an environment's flagd definitions at `now`.
fn definitions(
    repo: &Repo,
    env: &str,
    now: Timestamp,
) -> Result<(Map<String, Value>, Map<String, Value>)> {
    let mut flags = Map::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    for flag in &repo.flags {
        let def = &flag.def;
        if TypedView::new(def).uses_typed_fields() {
            let out = typed_flag(repo, &flag.name, def, env, now, &mut used)?;
            flags.insert(flag.name.clone(), Value::Object(out));
            continue;
        }
        let state = repo.state_at(def, env, now);
        let target = |pos: usize, used: &mut BTreeSet<String>| {
            stage_targeting(&repo.audience_at_position(&state, pos), used)
        };
        let mut targeting = target(state.position.unwrap_or(0), &mut used);
        // The entries to come, latest first: at each instant the first whose `at` has
        // passed is the one in force, as eval reads the schedule.
        let mut branches = Vec::new();
        for (at, pos) in pending_positions(repo, &state, now) {
            branches.push((at, target(pos, &mut used).unwrap_or_else(|| json!("off"))));
        }
        if !branches.is_empty() {
            targeting = Some(by_time(branches, targeting.unwrap_or_else(|| json!("off"))));
        }
        let mut out = Map::new();
        out.insert("state".into(), json!("ENABLED"));
        out.insert("variants".into(), json!({"on": true, "off": false}));
        out.insert("defaultVariant".into(), json!("off"));
        if let Some(t) = targeting {
            out.insert("targeting".into(), t);
        }
        out.insert(
            "metadata".into(),
            json!({"owner": def.owner.value, "type": def.kind.value.as_str(), "stage": state.stage}),
        );
        flags.insert(flag.name.clone(), Value::Object(out));
    }
    let mut evaluators = Map::new();
    for seg in &used {
        let mut budget = MAX_EXPANSIONS;
        let expr = segment_expr(repo, seg, &mut Vec::new(), &mut budget).ok_or_else(|| {
            UserError::new(format!(
                "segment `{seg}` includes too many nested segments to export"
            ))
            .hint(format!(
                "flatten its includes (at most {MAX_EXPANSIONS} expansions)"
            ))
        })?;
        evaluators.insert(seg.clone(), expr);
    }
    Ok((flags, evaluators))
}

/// The OpenFeature Operator's custom resource kind and version.
pub const OPERATOR_API_VERSION: &str = "core.openfeature.dev/v1beta1";

/// One environment as an OpenFeature Operator `FeatureFlag` resource: `spec.flagSpec` holds
/// the flagd definitions of [`flagd`] (without `$schema`, which the CRD has no field for).
/// The resource is named after the environment (`_` becomes `-`: Kubernetes names allow
/// lowercase letters, digits, `-` and `.`); the namespace is left to `kubectl`/kustomize.
pub fn operator(repo: &Repo, env: &str) -> Result<Value> {
    let (flags, evaluators) = definitions(repo, env, Timestamp::now())?;
    let mut spec = Map::new();
    spec.insert("flags".into(), Value::Object(flags));
    spec.insert("$evaluators".into(), Value::Object(evaluators));
    Ok(json!({
        "apiVersion": OPERATOR_API_VERSION,
        "kind": "FeatureFlag",
        "metadata": {
            "name": env.replace('_', "-"),
            "labels": {"app.kubernetes.io/managed-by": "flags"},
            "annotations": {"flags.openfeature.dev/environment": env},
        },
        "spec": {"flagSpec": Value::Object(spec)},
    }))
}

/// A `FeatureFlag` resource as YAML, behind a comment naming the command that wrote it.
/// Strings YAML 1.1 would read as booleans or numbers (`on`, `off`, `yes`, `12`) are quoted,
/// so Kubernetes' YAML reader sees the same document.
pub fn operator_yaml(resource: &Value, env: &str) -> Result<String> {
    let body = serde_saphyr::to_string(resource)
        .map_err(|e| anyhow::anyhow!("writing the FeatureFlag resource as YAML: {e}"))?;
    Ok(format!(
        "# Generated by `flags export --env {env} --format openfeature-operator`: edit the flag\n\
         # files and export again instead of editing this file.\n{body}"
    ))
}

// ---- typed flags (PRODUCT.md section 8) ----

/// A flag that uses variants, `serve`, `requires` or an environment's `users` / `serve`:
/// its variants as written, `defaultVariant` = `default`, and the targeting
/// `{"if": [AUDIENCE, SERVED, DEFAULT]}`, where SERVED checks the prerequisites (inlined) and
/// then names the variant or splits. A rollout is `fractional` with the flag's own
/// (default) bucketing, for a non-empty targeting key only, compared with a marker so its
/// result is never taken for a variant:
/// `{"==": [{"if": [{"var": "targetingKey"}, {"fractional": [["in", T], ["out", 100000 - T]]}, "out"]}, "in"]}`.
fn typed_flag(
    repo: &Repo,
    key: &str,
    def: &FlagDef,
    env: &str,
    now: Timestamp,
    used: &mut BTreeSet<String>,
) -> Result<Map<String, Value>> {
    let view = TypedView::new(def);
    let state = repo.state_at(def, env, now);
    let default = view.default();
    let mut out = Map::new();
    out.insert("state".into(), json!("ENABLED"));
    let variants: Map<String, Value> = view
        .variants()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_owned()))
        .collect();
    out.insert("variants".into(), Value::Object(variants));
    out.insert("defaultVariant".into(), json!(default));
    let current = state.position.unwrap_or(0);
    let pending = pending_positions(repo, &state, now);
    if current > 0 || pending.iter().any(|(_, pos)| *pos > 0) {
        let mut budget = Some(MAX_PREREQ_EXPANSIONS);
        let served = served_expr(
            repo,
            key,
            def,
            env,
            now,
            used,
            &mut vec![key.to_string()],
            &mut budget,
        );
        if budget.is_none() {
            return Err(UserError::new(format!(
                "the prerequisites of flag `{key}` expand to more than {MAX_PREREQ_EXPANSIONS} flags to export"
            ))
            .hint("require fewer flags, or flags with fewer prerequisites of their own")
            .into());
        }
        // The targeting at one stage position: the audience gets SERVED, the rest `default`.
        let mut at = |pos: usize| -> Value {
            if pos == 0 {
                return json!(default);
            }
            let audience = repo.audience_at_position(&state, pos);
            let thr = threshold(audience.rollout);
            if thr >= BUCKETS {
                return json!({"if": [true, served.clone(), default]});
            }
            let mut parts = member_parts(&audience, used);
            if thr > 0 {
                // `fractional` only for a non-empty targeting key, as for boolean flags.
                parts.push(json!({"==": [
                    {"if": [
                        {"var": "targetingKey"},
                        {"fractional": [["in", thr], ["out", BUCKETS - thr]]},
                        "out"
                    ]},
                    "in"
                ]}));
            }
            json!({"if": [any(parts).unwrap_or_else(never), served.clone(), default]})
        };
        let branches: Vec<(i64, Value)> = pending.iter().map(|&(t, pos)| (t, at(pos))).collect();
        let targeting = by_time(branches, at(current));
        out.insert("targeting".into(), targeting);
    }
    out.insert(
        "metadata".into(),
        json!({"owner": def.owner.value, "type": def.kind.value.as_str(), "stage": state.stage}),
    );
    Ok(out)
}

/// The schedule entries of `state` still to come after `now` (unix seconds, stage position),
/// latest first, as the export compiles them ([`crate::repo::EnvEntry::pending`]).
fn pending_positions(repo: &Repo, state: &EnvState<'_>, now: Timestamp) -> Vec<(i64, usize)> {
    let mut out: Vec<(i64, usize)> = state
        .entry
        .map(|e| e.pending(now))
        .unwrap_or_default()
        .into_iter()
        .map(|(at, e)| {
            (
                at.unix(),
                repo.pipeline.position(&e.stage.value).unwrap_or(0),
            )
        })
        .collect();
    out.reverse();
    out
}

/// `current`, or, with entries to come, `{"if": [{">=": [{"var": "$flagd.timestamp"}, AT],
/// VALUE, ..., current]}` (latest entry first): what is in force at each instant.
fn by_time(branches: Vec<(i64, Value)>, current: Value) -> Value {
    if branches.is_empty() {
        return current;
    }
    let mut args = Vec::with_capacity(branches.len() * 2 + 1);
    for (at, value) in branches {
        args.push(json!({">=": [{"var": "$flagd.timestamp"}, at]}));
        args.push(value);
    }
    args.push(current);
    json!({ "if": args })
}

/// Membership in an audience without its rollout: the environment's `users`, then the
/// segments (as `$ref`s to `$evaluators`, recorded in `used`).
fn member_parts(audience: &Audience, used: &mut BTreeSet<String>) -> Vec<Value> {
    let mut parts = Vec::new();
    if !audience.users.is_empty() {
        parts.push(json!({"in": [{"var": "targetingKey"}, audience.users]}));
    }
    for s in &audience.segments {
        parts.push(json!({"$ref": s}));
        used.insert(s.clone());
    }
    parts
}

/// What a user in the audience gets: `serve` when every prerequisite serves the variant it
/// requires, else `default`. `path`: the chain of flags inlined so far (this one last).
#[allow(clippy::too_many_arguments)]
fn served_expr(
    repo: &Repo,
    key: &str,
    def: &FlagDef,
    env: &str,
    now: Timestamp,
    used: &mut BTreeSet<String>,
    path: &mut Vec<String>,
    budget: &mut Option<usize>,
) -> Value {
    let view = TypedView::new(def);
    let default = view.default();
    let serve = match view.serve(env) {
        ServeView::Variant(v) => json!(v),
        ServeView::Split(weights) => {
            let buckets: Vec<Value> = weights
                .iter()
                .map(|(v, w)| json!([v, threshold(*w)]))
                .collect();
            let mut args =
                vec![json!({"cat": [format!("{key}{SPLIT_SALT}"), {"var": "targetingKey"}]})];
            args.extend(buckets);
            // No split for an empty (or missing) targeting key: `default`, as in eval.
            json!({"if": [{"var": "targetingKey"}, {"fractional": args}, default]})
        }
    };
    let requires = view.requires();
    if requires.is_empty() {
        return serve;
    }
    let conds: Vec<Value> = requires
        .iter()
        .map(|(req, wanted)| {
            json!({"==": [prerequisite_expr(repo, req, env, now, used, path, budget), wanted]})
        })
        .collect();
    let cond = if conds.len() == 1 {
        conds.into_iter().next().unwrap_or_else(never)
    } else {
        json!({"and": conds})
    };
    json!({"if": [cond, serve, default]})
}

/// The variant prerequisite `key` serves, as JsonLogic (see [`crate::eval`]'s
/// `prerequisite_variant`), its own schedule included: `""` (no variant) where its own
/// partial rollout would decide, on a cycle, past [`MAX_PREREQ_DEPTH`] or for an unknown flag.
fn prerequisite_expr(
    repo: &Repo,
    key: &str,
    env: &str,
    now: Timestamp,
    used: &mut BTreeSet<String>,
    path: &mut Vec<String>,
    budget: &mut Option<usize>,
) -> Value {
    if path.iter().any(|p| p == key) || path.len() > MAX_PREREQ_DEPTH {
        return json!("");
    }
    // `None`: spent; the caller refuses the flag.
    *budget = budget.and_then(|b| b.checked_sub(1));
    if budget.is_none() {
        return json!("");
    }
    let Some(flag) = repo.flag(key) else {
        return json!("");
    };
    let def = &flag.def;
    let view = TypedView::new(def);
    let default = view.default();
    let state = repo.state_at(def, env, now);
    let current = state.position.unwrap_or(0);
    let pending = pending_positions(repo, &state, now);
    if current == 0 && pending.iter().all(|(_, pos)| *pos == 0) {
        return json!(default);
    }
    path.push(key.to_string());
    let served = served_expr(repo, key, def, env, now, used, path, budget);
    path.pop();
    let mut at = |pos: usize| -> Value {
        if pos == 0 {
            return json!(default);
        }
        let audience = repo.audience_at_position(&state, pos);
        let thr = threshold(audience.rollout);
        if thr >= BUCKETS {
            return served.clone();
        }
        let outside = if thr > 0 {
            json!({"if": [{"var": "targetingKey"}, "", default]})
        } else {
            json!(default)
        };
        match any(member_parts(&audience, used)) {
            Some(cond) => json!({"if": [cond, served.clone(), outside]}),
            None => outside,
        }
    };
    let branches: Vec<(i64, Value)> = pending.iter().map(|&(t, pos)| (t, at(pos))).collect();
    by_time(branches, at(current))
}

/// Where the OpenFeature CLI's flag manifest schema lives (written as the manifest's `$schema`).
pub const OPENFEATURE_MANIFEST_SCHEMA: &str =
    "https://raw.githubusercontent.com/open-feature/cli/main/schema/v0/flag-manifest.json";

/// The OpenFeature CLI flag manifest (`openfeature generate <language>` reads it for typed
/// accessors): `{"flags": {KEY: {"flagType", "defaultValue", "description"}}}`. The type is
/// `boolean`, `string`, `integer` (every number value whole), `float` or `object`; the
/// default value is the `default` variant's, what the application falls back to.
pub fn openfeature_manifest(repo: &Repo) -> Value {
    let mut flags = Map::new();
    for flag in &repo.flags {
        let view = TypedView::new(&flag.def);
        let variants = view.variants();
        let flag_type = match view.value_type() {
            crate::repo::ValueType::Boolean => "boolean",
            crate::repo::ValueType::String => "string",
            crate::repo::ValueType::Object => "object",
            crate::repo::ValueType::Number => {
                let whole = variants.iter().all(|(_, v)| {
                    v.as_i64().is_some()
                        || v.as_u64().is_some()
                        || v.as_f64()
                            .is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                });
                if whole { "integer" } else { "float" }
            }
        };
        let mut default = view.value(view.default()).unwrap_or(Value::Null);
        if flag_type == "integer"
            && let Some(f) = default.as_f64()
            && default.as_i64().is_none()
        {
            default = json!(f as i64);
        }
        flags.insert(
            flag.name.clone(),
            json!({"flagType": flag_type, "defaultValue": default, "description": flag.def.description.value}),
        );
    }
    json!({"$schema": OPENFEATURE_MANIFEST_SCHEMA, "flags": flags})
}

/// The targeting of one audience: `None` when it is nobody (the default variant, `off`).
fn stage_targeting(audience: &Audience, used: &mut BTreeSet<String>) -> Option<Value> {
    let thr = threshold(audience.rollout);
    if audience.segments.is_empty() && thr == 0 {
        None
    } else if thr >= BUCKETS {
        Some(json!({"if": [true, "on", "off"]}))
    } else {
        // Only for a non-empty targeting key: every evaluator refuses to bucket an empty
        // or missing one, and some log an error each time (Python flagd-core).
        let fractional = (thr > 0).then(|| {
            json!({"if": [
                {"var": "targetingKey"},
                {"fractional": [["on", thr], ["off", BUCKETS - thr]]},
                "off"
            ]})
        });
        // A flag with `users` takes the typed path; here the members are the segments.
        match (any(member_parts(audience, used)), fractional) {
            (None, f) => f,
            (Some(cond), Some(f)) => Some(json!({"if": [cond, "on", f]})),
            (Some(cond), None) => Some(json!({"if": [cond, "on", "off"]})),
        }
    }
}

/// The plain snapshot of the stage in force now (see [`snapshot_at`]).
pub fn snapshot(repo: &Repo, env: &str) -> Value {
    snapshot_at(repo, env, Timestamp::now())
}

/// The plain snapshot at `now`: `{flag: {"stage", "segments", "rollout"}}`, plus
/// `"schedule": [{"stage", "at"}]` for the moves still to come when there are any.
pub fn snapshot_at(repo: &Repo, env: &str, now: Timestamp) -> Value {
    let mut out = Map::new();
    for flag in &repo.flags {
        let state = repo.state_at(&flag.def, env, now);
        let audience = repo.audience_of(&state);
        out.insert(
            flag.name.clone(),
            json!({"stage": state.stage, "segments": audience.segments, "rollout": number(audience.rollout)}),
        );
        let view = TypedView::new(&flag.def);
        if view.uses_typed_fields()
            && let Some(Value::Object(o)) = out.get_mut(&flag.name)
        {
            o.insert("users".into(), json!(audience.users));
            o.insert("default".into(), json!(view.default()));
            let serve = match view.serve(env) {
                ServeView::Variant(v) => json!(v),
                ServeView::Split(ws) => Value::Object(
                    ws.iter()
                        .map(|(v, w)| (v.to_string(), number(*w)))
                        .collect(),
                ),
            };
            o.insert("serve".into(), serve);
            let requires: Map<String, Value> = view
                .requires()
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            o.insert("requires".into(), Value::Object(requires));
        }
        let pending = state.entry.map(|e| e.pending(now)).unwrap_or_default();
        if !pending.is_empty()
            && let Some(Value::Object(o)) = out.get_mut(&flag.name)
        {
            let list: Vec<Value> = pending
                .iter()
                .map(|(t, e)| json!({"stage": e.stage.value, "at": t.to_string()}))
                .collect();
            o.insert("schedule".into(), Value::Array(list));
        }
    }
    Value::Object(out)
}

/// A JsonLogic expression that is always false (`or` needs at least one argument).
fn never() -> Value {
    json!({"!": [true]})
}

/// `or` of the expressions; `None` when there are none, the expression itself when one.
fn any(mut exprs: Vec<Value>) -> Option<Value> {
    match exprs.len() {
        0 => None,
        1 => exprs.pop(),
        _ => Some(json!({"or": exprs})),
    }
}

/// A segment's membership test with its includes inlined. `None` when the budget runs out.
fn segment_expr(
    repo: &Repo,
    name: &str,
    path: &mut Vec<String>,
    budget: &mut usize,
) -> Option<Value> {
    *budget = budget.checked_sub(1)?;
    if path.iter().any(|p| p == name) || path.len() > MAX_INCLUDE_DEPTH {
        return Some(never()); // a cycle (a validation error) or too deep: adds nobody, as in eval
    }
    let Some(seg) = repo.segment(name) else {
        return Some(never());
    };
    let def = &seg.def;
    let key = json!({"var": "targetingKey"});
    let mut members = Vec::new();
    if !def.users.is_empty() {
        let users: Vec<&str> = def.users.iter().map(|u| u.value.as_str()).collect();
        members.push(json!({"in": [key, users]}));
    }
    for rule in &def.rules {
        members.push(rule_expr(&rule.value));
    }
    path.push(name.to_string());
    for inc in &def.segments {
        members.push(segment_expr(repo, &inc.value, path, budget)?);
    }
    path.pop();
    let body = any(members).unwrap_or_else(never);
    if def.exclude.is_empty() {
        return Some(body);
    }
    let excluded: Vec<&str> = def.exclude.iter().map(|u| u.value.as_str()).collect();
    Some(json!({"and": [{"!": [{"in": [key, excluded]}]}, body]}))
}

/// JsonLogic for one rule, matching [`crate::eval::rule_matches`].
pub fn rule_expr(rule: &Rule) -> Value {
    let name = rule.attribute.value.as_str();
    let var = json!({"var": if KEY_ATTRIBUTES.contains(&name) { "targetingKey" } else { name }});
    let present = json!({"!==": [var, null]});
    let values = &rule.values.value;
    let strings = || {
        values.iter().filter_map(|v| match v {
            RuleValue::String(s) => Some(s.as_str()),
            RuleValue::Number(_) => None,
        })
    };
    let numbers = || {
        values.iter().filter_map(|v| match v {
            RuleValue::Number(n) => Some(*n),
            RuleValue::String(_) => None,
        })
    };
    let list: Vec<Value> = values.iter().map(rule_value).collect();
    match rule.op.value {
        Op::In => json!({"in": [var, list]}),
        Op::NotIn => json!({"and": [present, {"!": [{"in": [var, list]}]}]}),
        op @ (Op::StartsWith | Op::EndsWith) => {
            let name = if op == Op::StartsWith {
                "starts_with"
            } else {
                "ends_with"
            };
            any(strings().map(|s| json!({ name: [var, s] })).collect()).unwrap_or_else(never)
        }
        Op::Contains => match any(strings().map(|s| json!({"in": [s, var]})).collect()) {
            // JavaScript's `in` throws on a number: only strings reach it.
            Some(found) => json!({"and": [{"starts_with": [var, ""]}, found]}),
            None => never(),
        },
        op @ (Op::Lt | Op::Lte | Op::Gt | Op::Gte) => {
            let sym = match op {
                Op::Lt => "<",
                Op::Lte => "<=",
                Op::Gt => ">",
                _ => ">=",
            };
            match any(numbers()
                .map(|n| json!({ sym: [var, number(n)] }))
                .collect())
            {
                Some(cmp) => json!({"and": [
                    present,
                    {"!": [{"starts_with": [var, ""]}]},
                    // Only numbers reach the comparison: JavaScript's throws on a list, an
                    // object or a date. A number's text starts with a digit or `-` (a
                    // boolean's, an object's or a date's does not), and a number is in
                    // `merge` of itself (a list is not: `merge` flattens it).
                    {"in": [{"substr": [{"cat": [var]}, 0, 1]}, NUMBER_STARTS]},
                    {"in": [var, {"merge": [var]}]},
                    cmp
                ]}),
                None => never(),
            }
        }
    }
}

/// The first characters of a number written as text, in every JsonLogic's `cat`.
const NUMBER_STARTS: [&str; 11] = ["-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

fn rule_value(v: &RuleValue) -> Value {
    match v {
        RuleValue::String(s) => json!(s),
        RuleValue::Number(n) => number(*n),
    }
}

/// A number as JSON: integral values without a fraction (`500`, not `500.0`).
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// Widest line [`to_pretty`] puts a value on before breaking it over several lines.
const WIDTH: usize = 100;

/// JSON for people and diffs: one key per line, but a value that fits on its line (a
/// `{"var": "email"}`, a list of users, a `fractional` bucket) stays on it. Deterministic:
/// keys keep the order they were built in.
pub fn to_pretty(value: &Value) -> String {
    let mut out = String::new();
    write_pretty(value, 0, 0, &mut out);
    out.push('\n');
    out
}

fn write_pretty(value: &Value, indent: usize, column: usize, out: &mut String) {
    // Measure before building: rendering every subtree inline first would make this
    // quadratic in the depth of the document.
    if WIDTH
        .checked_sub(column)
        .is_some_and(|room| inline_len(value, room).is_some())
    {
        write_inline(value, out);
        return;
    }
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push_str("{\n");
            for (i, (k, v)) in map.iter().enumerate() {
                let start = out.len();
                out.push_str(&" ".repeat(indent + 2));
                write_string(k, out);
                out.push_str(": ");
                let column = out.len() - start;
                write_pretty(v, indent + 2, column, out);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            out.push_str(&" ".repeat(indent));
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, v) in items.iter().enumerate() {
                out.push_str(&" ".repeat(indent + 2));
                write_pretty(v, indent + 2, indent + 2, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&" ".repeat(indent));
            out.push(']');
        }
        _ => write_inline(value, out),
    }
}

/// The length of `value` written inline, if it is at most `max` (stops counting past it).
fn inline_len(value: &Value, max: usize) -> Option<usize> {
    let len = match value {
        Value::Object(map) => {
            let mut len = 2 + map.len().saturating_sub(1) * 2;
            for (k, v) in map {
                len += string_len(k) + 2;
                if len > max {
                    return None;
                }
                len += inline_len(v, max - len)?;
            }
            len
        }
        Value::Array(items) => {
            let mut len = 2 + items.len().saturating_sub(1) * 2;
            for v in items {
                if len > max {
                    return None;
                }
                len += inline_len(v, max - len)?;
            }
            len
        }
        Value::String(s) => string_len(s),
        scalar => scalar.to_string().len(),
    };
    (len <= max).then_some(len)
}

/// The length of a JSON string literal, quotes and escapes included.
fn string_len(s: &str) -> usize {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        s.len() + 2
    } else {
        Value::String(s.to_string()).to_string().len()
    }
}

fn write_string(s: &str, out: &mut String) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&Value::String(s.to_string()).to_string());
    }
}

/// One-line JSON with a space after `:` and `,` (as in the export).
pub fn inline_json(value: &Value) -> String {
    let mut out = String::new();
    write_inline(value, &mut out);
    out
}

/// One-line JSON with a space after `:` and `,`.
fn write_inline(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(k, out);
                out.push_str(": ");
                write_inline(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_inline(v, out);
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_includes_are_cut_where_eval_cuts_them() {
        // Listed exactly at the limit: inlined. One deeper: not, as in eval.
        let (_d, r) = crate::eval::tests::chain(MAX_INCLUDE_DEPTH);
        let expr =
            segment_expr(&r, "s0", &mut Vec::new(), &mut { MAX_EXPANSIONS }).expect("budget");
        assert!(expr.to_string().contains("\"deep\""));
        let (_d, r) = crate::eval::tests::chain(MAX_INCLUDE_DEPTH + 1);
        let expr =
            segment_expr(&r, "s0", &mut Vec::new(), &mut { MAX_EXPANSIONS }).expect("budget");
        assert!(!expr.to_string().contains("\"deep\""));
    }

    #[test]
    fn pretty_output_keeps_short_values_on_one_line() {
        let v = json!({"a": {"var": "email"}, "b": [], "c": {}, "d": ["x".repeat(120)]});
        let x = "x".repeat(120);
        let want = format!(
            "{{\n  \"a\": {{\"var\": \"email\"}},\n  \"b\": [],\n  \"c\": {{}},\n  \"d\": [\n    \"{x}\"\n  ]\n}}\n"
        );
        assert_eq!(to_pretty(&v), want);
        let parsed: Value = serde_json::from_str(&to_pretty(&v)).expect("valid JSON");
        assert_eq!(parsed, v);
    }
}
