//! Checks of typed flags (PRODUCT.md section 8): variants, `default`, `serve` and splits,
//! prerequisites, an environment's `users` and `serve`. Model in, problems out, like
//! [`crate::validate`], which calls [`check_flag`] for every flag.

use std::collections::HashSet;

use crate::error::nearest;
use crate::escape::escape;
use crate::eval::{BUCKETS, MAX_PREREQ_DEPTH, MAX_PREREQ_EXPANSIONS, threshold};
use crate::problem::{Effect, Problem, Scope};
use crate::repo::{
    Doc, FlagDef, Loc, NAME_RULE, Repo, Serve, Sp, TypedView, ValueType, graph, is_valid_name,
};

fn loc<T>(sp: &Sp<T>) -> Option<Loc> {
    Some(sp.loc)
}

fn hint<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> String {
    crate::error::nearest_or_list(name, candidates, "variants")
}

/// A JSON value's kind, for messages.
fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Every problem of one flag's typed fields.
pub fn check_flag(repo: &Repo, flag: &Doc<FlagDef>, out: &mut Vec<Problem>) {
    let file = flag.path.as_str();
    let def = &flag.def;
    let key = escape(&flag.name).into_owned();
    let view = TypedView::new(def);
    let undefined = || Effect::Undefined(Scope::Flag(flag.name.clone()));
    let variant_names: Vec<&str> = view.variants().iter().map(|(n, _)| *n).collect();
    // Unreadable `variants` (a placeholder with an unknown location): the decoder reported
    // it; checking `default` and `serve` against nothing would only add follow-on problems.
    let variants_unknown = def.variants.as_ref().is_some_and(|v| !v.loc.is_known());

    if let Some(variants) = def.variants.as_ref().filter(|_| !variants_unknown) {
        if variants.value.0.is_empty() {
            out.push(
                Problem::error(
                    file,
                    loc(variants),
                    format!("flag `{key}` has no `variants`: list at least two (`name: value`), or remove `variants` for a boolean flag"),
                )
                .effect(undefined()),
            );
        }
        let mut first: Option<(&str, ValueType)> = None;
        for (name, value) in &variants.value.0 {
            if !is_valid_name(&name.value) {
                out.push(
                    Problem::error(
                        file,
                        loc(name),
                        format!(
                            "variant name `{}` of flag `{key}` is invalid: use {NAME_RULE}",
                            escape(&name.value)
                        ),
                    )
                    .effect(undefined()),
                );
            }
            let Some(t) = ValueType::of(&value.value) else {
                out.push(
                    Problem::error(
                        file,
                        loc(value),
                        format!(
                            "variant `{}` of flag `{key}` is {}: a value must be a boolean, string, number or object (wrap a list in an object)",
                            escape(&name.value),
                            kind(&value.value)
                        ),
                    )
                    .effect(undefined()),
                );
                continue;
            };
            match first {
                None => first = Some((&name.value, t)),
                Some((first_name, ft)) if ft != t => out.push(
                    Problem::error(
                        file,
                        loc(value),
                        format!(
                            "variant `{}` of flag `{key}` is {} but `{}` is {}: all values of one flag have one type; make it {} too",
                            escape(&name.value),
                            kind(&value.value),
                            escape(first_name),
                            article(ft),
                            article(ft)
                        ),
                    )
                    .effect(undefined()),
                ),
                _ => {}
            }
        }
        if def.default.is_none() {
            out.push(
                Problem::error(
                    file,
                    loc(variants),
                    format!("flag `{key}` has `variants` but no `default`: add `default: VARIANT` (served outside the audience and where the flag is off)"),
                )
                .effect(undefined()),
            );
        }
        if def.serve.is_none() {
            out.push(
                Problem::error(
                    file,
                    loc(variants),
                    format!("flag `{key}` has `variants` but no `serve`: add `serve: VARIANT` or a split `serve: {{a: 50, b: 50}}`"),
                )
                .effect(undefined()),
            );
        }
    }
    if let Some(d) = &def.default
        && d.loc.is_known()
        && !variants_unknown
        && !variant_names.contains(&d.value.0.as_str())
    {
        out.push(
            Problem::error(
                file,
                loc(d),
                format!(
                    "`default` of flag `{key}` names `{}`, which is none of its variants: {}",
                    escape(&d.value.0),
                    hint(&d.value.0, variant_names.iter().copied())
                ),
            )
            .effect(undefined()),
        );
    }
    if let Some(s) = def
        .serve
        .as_ref()
        .filter(|s| s.loc.is_known() && !variants_unknown)
    {
        check_serve(file, &key, "`serve`", s, &variant_names, undefined(), out);
    }
    for (env, entry) in &def.environments.value.0 {
        let entry = &entry.value;
        let here = Effect::Undefined(Scope::FlagIn {
            flag: flag.name.clone(),
            env: env.value.clone(),
        });
        if let Some(s) = entry
            .serve
            .as_ref()
            .filter(|s| s.loc.is_known() && !variants_unknown)
        {
            let what = format!("`serve` in `{}`", escape(&env.value));
            check_serve(file, &key, &what, s, &variant_names, here, out);
        }
        let off = repo.pipeline.position(&entry.stage.value) == Some(0);
        if off && let Some(u) = entry.users.first() {
            out.push(Problem::warning(
                file,
                loc(u),
                format!(
                    "`users` of flag `{key}` in `{}` have no effect while the flag is `off` there",
                    escape(&env.value)
                ),
            ));
        }
        for u in &entry.users {
            if u.value.is_empty() {
                out.push(
                    Problem::error(
                        file,
                        loc(u),
                        format!("`users` of flag `{key}` in `{}` lists an empty targeting key: remove it", escape(&env.value)),
                    )
                    .effect(Effect::Record),
                );
            }
        }
    }
    check_requires(repo, flag, out);
}

fn article(t: ValueType) -> &'static str {
    match t {
        ValueType::Boolean => "a boolean",
        ValueType::String => "a string",
        ValueType::Number => "a number",
        ValueType::Object => "an object",
    }
}

/// A `serve` (the flag's or an environment's): known variants, and a split's weights.
fn check_serve(
    file: &str,
    key: &str,
    what: &str,
    serve: &Sp<Serve>,
    variants: &[&str],
    effect: Effect,
    out: &mut Vec<Problem>,
) {
    let (serve, serve_loc) = (&serve.value, serve.loc);
    let unknown = |v: &Sp<String>| {
        Problem::error(
            file,
            loc(v),
            format!(
                "{what} of flag `{key}` names `{}`, which is none of its variants: {}",
                escape(&v.value),
                hint(&v.value, variants.iter().copied())
            ),
        )
        .effect(effect.clone())
    };
    match serve {
        Serve::Variant(v) => {
            if !variants.contains(&v.value.as_str()) {
                out.push(unknown(v));
            }
        }
        Serve::Split(weights) => {
            // An empty split (`serve: {}`) is located on itself.
            let at = weights
                .first()
                .map_or(Some(serve_loc), |(v, _)| Some(v.loc));
            if weights.len() < 2 {
                let only = weights
                    .first()
                    .map_or(String::new(), |(v, _)| v.value.clone());
                out.push(
                    Problem::error(
                        file,
                        at,
                        format!(
                            "{what} of flag `{key}` splits {} variant: a split needs two or more; write `serve: {}` to serve one",
                            if weights.is_empty() { "no" } else { "a single" },
                            if only.is_empty() { "VARIANT".to_string() } else { escape(&only).into_owned() }
                        ),
                    )
                    .effect(effect.clone()),
                );
            }
            let mut sum_thousandths: u64 = 0;
            let mut weights_ok = true;
            for (v, w) in weights {
                if !variants.contains(&v.value.as_str()) {
                    out.push(unknown(v));
                }
                let w_val = w.value;
                if !w_val.is_finite() || w_val <= 0.0 || w_val > 100.0 {
                    weights_ok = false;
                    out.push(
                        Problem::error(
                            file,
                            loc(w),
                            format!(
                                "weight `{w_val}` of variant `{}` in {what} of flag `{key}` is out of range: use a percentage above 0 and at most 100 (remove a variant that gets nothing)",
                                escape(&v.value)
                            ),
                        )
                        .effect(effect.clone()),
                    );
                    continue;
                }
                if ((w_val * 1000.0).round() - w_val * 1000.0).abs() > 1e-6 {
                    weights_ok = false;
                    out.push(
                        Problem::error(
                            file,
                            loc(w),
                            format!(
                                "weight `{w_val}` of variant `{}` in {what} of flag `{key}` has more than three decimals: round it (e.g. 33.333)",
                                escape(&v.value)
                            ),
                        )
                        .effect(effect.clone()),
                    );
                }
                sum_thousandths += u64::from(threshold(w_val));
            }
            if weights_ok && weights.len() >= 2 && sum_thousandths != u64::from(BUCKETS) {
                out.push(
                    Problem::error(
                        file,
                        at,
                        format!(
                            "the weights of {what} of flag `{key}` add up to {}%, not 100%: make them sum to exactly 100",
                            sum_thousandths as f64 / 1000.0
                        ),
                    )
                    .effect(effect.clone()),
                );
            }
        }
    }
}

/// Prerequisites: known flags and variants, no self-reference, no cycle, a bounded chain,
/// and warnings where one can never or only partly be met.
fn check_requires(repo: &Repo, flag: &Doc<FlagDef>, out: &mut Vec<Problem>) {
    let Some(requires) = &flag.def.requires else {
        return;
    };
    let file = flag.path.as_str();
    let key = escape(&flag.name).into_owned();
    let undefined = || Effect::Undefined(Scope::Flag(flag.name.clone()));
    if !expansion_fits(repo, &flag.name, &mut vec![flag.name.clone()], &mut {
        MAX_PREREQ_EXPANSIONS
    }) {
        out.push(
            Problem::error(
                file,
                loc(requires),
                format!(
                    "the prerequisites of flag `{key}` (and theirs, counted each time one is shared) come to more than {MAX_PREREQ_EXPANSIONS}: require fewer flags (eval and export stop there)"
                ),
            )
            .effect(undefined()),
        );
    }
    for (req, wanted) in &requires.value.0 {
        if req.value == flag.name {
            out.push(
                Problem::error(
                    file,
                    loc(req),
                    format!("flag `{key}` requires itself: remove `{key}` from `requires`"),
                )
                .effect(undefined()),
            );
            continue;
        }
        let Some(other) = repo.flag(&req.value) else {
            out.push(
                Problem::error(
                    file,
                    loc(req),
                    format!(
                        "flag `{key}` requires unknown flag `{}`: {}",
                        escape(&req.value),
                        match nearest(&req.value, repo.flags.iter().map(|f| f.name.as_str())) {
                            Some(n) => format!("did you mean `{n}`?"),
                            None => "add the flag or remove the prerequisite".into(),
                        }
                    ),
                )
                .effect(undefined()),
            );
            continue;
        };
        let other_view = TypedView::new(&other.def);
        let names: Vec<&str> = other_view.variants().iter().map(|(n, _)| *n).collect();
        if !names.contains(&wanted.value.0.as_str()) {
            out.push(
                Problem::error(
                    file,
                    loc(wanted),
                    format!(
                        "flag `{key}` requires `{}` to serve `{}`, which is none of its variants: {}",
                        escape(&req.value),
                        escape(&wanted.value.0),
                        hint(&wanted.value.0, names.iter().copied())
                    ),
                )
                .effect(undefined()),
            );
        }
        if let Some(cycle) = prerequisite_cycle(repo, &flag.name, &req.value) {
            out.push(
                Problem::error(
                    file,
                    loc(req),
                    format!(
                        "prerequisites form a cycle: {}; remove one of these `requires`",
                        cycle.join(" -> ")
                    ),
                )
                .effect(undefined()),
            );
        } else if chain_depth(repo, &req.value, &mut Vec::new(), &mut {
            MAX_PREREQ_EXPANSIONS
        }) >= MAX_PREREQ_DEPTH
        {
            out.push(
                Problem::error(
                    file,
                    loc(req),
                    format!(
                        "the prerequisites of flag `{key}` chain more than {MAX_PREREQ_DEPTH} flags deep through `{}`: shorten the chain (eval and export stop there)",
                        escape(&req.value)
                    ),
                )
                .effect(undefined()),
            );
        }
        // Per environment where this flag serves anyone.
        for env in &repo.environments {
            let here = repo.state(&flag.def, &env.name).position.unwrap_or(0);
            if here == 0 {
                continue;
            }
            let there = repo.state(&other.def, &env.name);
            if there.position == Some(0) {
                let default = other_view.default();
                if default != wanted.value.0 {
                    out.push(Problem::warning(
                        file,
                        loc(req),
                        format!(
                            "prerequisite `{}` is `off` in `{}`, where flag `{key}` is not: nobody gets `{key}`'s `serve` there; promote `{}` or demote `{key}` in `{}`",
                            escape(&req.value),
                            env.name,
                            escape(&req.value),
                            env.name
                        ),
                    ));
                }
                continue;
            }
            let rollout = repo.audience(&other.def, &env.name).rollout;
            let thr = threshold(rollout);
            if thr > 0 && thr < BUCKETS {
                out.push(Problem::warning(
                    file,
                    loc(req),
                    format!(
                        "prerequisite `{}` is at a {rollout}% rollout in `{}`: users it reaches only through that rollout do not meet it (flagd buckets a rollout by the flag being evaluated, so another flag cannot reproduce it); they get `{key}`'s `default` until `{}` is at 100% or they are in its segments",
                        escape(&req.value),
                        env.name,
                        escape(&req.value)
                    ),
                ));
            }
        }
    }
}

/// The prerequisite path from `start` through `next` back to `start`, if there is one.
fn prerequisite_cycle(repo: &Repo, start: &str, next: &str) -> Option<Vec<String>> {
    graph::path_back(start, next, 4 * MAX_PREREQ_DEPTH, |f| {
        graph::prerequisites(repo, f)
    })
}

/// Whether evaluating `key`'s prerequisites (each shared one counted every time it is
/// reached, in every environment at once: an upper bound of what eval and export follow)
/// stays within [`MAX_PREREQ_EXPANSIONS`]. Stops counting as soon as it does not.
fn expansion_fits(repo: &Repo, key: &str, path: &mut Vec<String>, budget: &mut usize) -> bool {
    let Some(flag) = repo.flag(key) else {
        return true;
    };
    for (req, _) in TypedView::new(&flag.def).requires() {
        if path.iter().any(|p| p == req) || path.len() > MAX_PREREQ_DEPTH {
            continue;
        }
        let Some(left) = budget.checked_sub(1) else {
            return false;
        };
        *budget = left;
        path.push(req.to_string());
        let fits = expansion_fits(repo, req, path, budget);
        path.pop();
        if !fits {
            return false;
        }
    }
    true
}

/// The longest prerequisite chain below `key` (0: it requires nothing). Cycles stop it.
/// Bounded by `budget` visits (a web of prerequisites is otherwise exponential; one past
/// the budget is reported by [`expansion_fits`]).
fn chain_depth(repo: &Repo, key: &str, path: &mut Vec<String>, budget: &mut usize) -> usize {
    if path.iter().any(|p| p == key) || path.len() > MAX_PREREQ_DEPTH {
        return 0;
    }
    let Some(left) = budget.checked_sub(1) else {
        return 0;
    };
    *budget = left;
    let Some(flag) = repo.flag(key) else {
        return 0;
    };
    path.push(key.to_string());
    let depth = TypedView::new(&flag.def)
        .requires()
        .iter()
        .map(|(r, _)| 1 + chain_depth(repo, r, path, budget))
        .max()
        .unwrap_or(0);
    path.pop();
    depth
}

/// The flags `key` needs to be served: itself and its prerequisites, transitively.
pub fn with_prerequisites(repo: &Repo, key: &str) -> HashSet<String> {
    graph::reachable([key.to_string()], |f| {
        graph::prerequisites(repo, f)
            .into_iter()
            .map(str::to_string)
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(requires: &[&str]) -> String {
        let mut s = String::from("description: d\nowner: o\ntype: release\n");
        if !requires.is_empty() {
            s.push_str("requires:\n");
            for r in requires {
                s.push_str(&format!("  {r}: on\n"));
            }
        }
        s
    }

    #[test]
    fn prerequisite_graph_walks() {
        let files = [
            ("flags.yaml", String::new()),
            ("flags/a.yaml", flag(&["b"])),
            ("flags/b.yaml", flag(&["c", "a"])),
            ("flags/c.yaml", flag(&[])),
            ("flags/d.yaml", flag(&["c"])),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let (_d, repo) = crate::eval::tests::repo(&refs);
        assert_eq!(
            prerequisite_cycle(&repo, "a", "b"),
            Some(vec!["a".into(), "b".into(), "a".into()])
        );
        assert_eq!(prerequisite_cycle(&repo, "d", "c"), None);
        let mut all: Vec<String> = with_prerequisites(&repo, "a").into_iter().collect();
        all.sort();
        assert_eq!(all, ["a", "b", "c"]);
        assert_eq!(chain_depth(&repo, "d", &mut Vec::new(), &mut { 10 }), 1);
        assert!(expansion_fits(&repo, "a", &mut vec!["a".into()], &mut {
            2
        }));
        assert!(!expansion_fits(&repo, "a", &mut vec!["a".into()], &mut {
            1
        }));
    }

    #[test]
    fn split_weights_are_checked_in_thousandths() {
        let check = |weights: &[(&str, f64)]| {
            let serve = Serve::Split(
                weights
                    .iter()
                    .map(|(v, w)| {
                        (
                            Sp::new(v.to_string(), Loc::default()),
                            Sp::new(*w, Loc::default()),
                        )
                    })
                    .collect(),
            );
            let mut out = Vec::new();
            check_serve(
                "f",
                "k",
                "`serve`",
                &Sp::new(serve, Loc::default()),
                &["a", "b", "c"],
                Effect::Record,
                &mut out,
            );
            out.into_iter().map(|p| p.message).collect::<Vec<_>>()
        };
        assert!(check(&[("a", 33.333), ("b", 33.333), ("c", 33.334)]).is_empty());
        assert_eq!(check(&[("a", 50.0), ("b", 49.999)]).len(), 1);
        assert_eq!(check(&[("a", 100.0)]).len(), 1);
        assert_eq!(check(&[("a", 50.0), ("x", 50.0)]).len(), 1);
        assert_eq!(check(&[("a", -1.0), ("b", 101.0)]).len(), 2);
    }
}
