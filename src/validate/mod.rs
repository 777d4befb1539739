//! Every check of PRODUCT.md section 3 that needs only the files: model in, problems out.
//! No I/O and no printing; `today` is passed in so the date rules are testable.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

pub mod typed;

use crate::date::{Date, Timestamp};
use crate::error::nearest_or_list;
use crate::escape::escape;
use crate::eval::{MAX_EXPANSIONS, MAX_INCLUDE_DEPTH};
use crate::problem::{self, Effect, Problem, Scope};
use crate::repo::{
    Doc, FlagDef, Loc, NAME_RULE, OFF, Repo, SETTINGS_FILE, Sp, graph, is_valid_name,
};

/// All problems of a repository: what loading found plus every semantic check, sorted.
/// Schedule entries are judged due against the clock ([`Timestamp::now`]).
pub fn validate(repo: &Repo, today: Date) -> Vec<Problem> {
    validate_with(repo, today, Timestamp::now(), &Rollbacks::new())
}

/// As [`validate`] at the instant `now`, with the gates that `rollbacks` broke reported as
/// warnings.
pub fn validate_with(
    repo: &Repo,
    today: Date,
    now: Timestamp,
    rollbacks: &Rollbacks,
) -> Vec<Problem> {
    let mut out = repo.load_problems.clone();
    out.extend(repo.value_problems.iter().cloned());
    // What files with problems still declare is checked too (their other problems), and
    // is there for references to them (no false "unknown segment").
    let merged;
    let repo = if repo.partial.is_empty() {
        repo
    } else {
        merged = repo.with_partial();
        &merged
    };
    check_names(repo, &mut out);
    check_pipeline(repo, &mut out);
    check_environments(repo, &mut out);
    check_segments(repo, &mut out);
    // Flags are checked on every core; each flag's problems keep their order.
    let per_flag: Vec<Vec<Problem>> = repo
        .flags
        .par_iter()
        .map(|flag| {
            let mut problems = Vec::new();
            check_flag(repo, flag, today, &mut problems);
            typed::check_flag(repo, flag, &mut problems);
            check_gates(repo, flag, rollbacks, &mut problems);
            crate::schedule::check_flag(repo, flag, now, &mut problems);
            problems
        })
        .collect();
    out.extend(per_flag.into_iter().flatten());
    check_unused_segments(repo, &mut out);
    problem::sort(&mut out);
    out
}

/// "unknown X `y`" plus the nearest name or the list, for messages.
/// The errors in the files a change reads its stages and gates from (`flags.yaml` and the
/// environment files): what they fail to declare would silently stand in for the default
/// pipeline or drop a gate. Cheap: no flag is checked.
pub fn pipeline_problems(repo: &Repo) -> Vec<Problem> {
    let in_scope = |p: &Problem| {
        p.is_error() && (p.file == SETTINGS_FILE || p.file.starts_with("environments/"))
    };
    let mut out: Vec<Problem> = repo
        .load_problems
        .iter()
        .chain(&repo.value_problems)
        .filter(|p| in_scope(p))
        .cloned()
        .collect();
    let mut checked = Vec::new();
    check_pipeline(repo, &mut checked);
    check_environments(repo, &mut checked);
    out.extend(checked.into_iter().filter(in_scope));
    problem::sort(&mut out);
    out
}

fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> String {
    nearest_or_list(name, candidates, "known")
}

fn loc(sp: &Sp<impl Sized>) -> Option<Loc> {
    Some(sp.loc)
}

fn check_names(repo: &Repo, out: &mut Vec<Problem>) {
    let docs = repo
        .environments
        .iter()
        .map(|d| (&d.name, &d.path, "environment"))
        .chain(repo.segments.iter().map(|d| (&d.name, &d.path, "segment")))
        .chain(repo.flags.iter().map(|d| (&d.name, &d.path, "flag")));
    for (name, path, kind) in docs {
        if !is_valid_name(name) {
            out.push(Problem::error(
                path.as_str(),
                None,
                format!(
                    "{kind} name `{}` (the file name) is invalid: use {NAME_RULE}; rename the file",
                    escape(name)
                ),
            )
            .effect(Effect::Record));
        }
    }
    // Keys are unique across sub-folders: flags are sorted by key, then path.
    for pair in repo.flags.windows(2) {
        if pair[0].name == pair[1].name {
            out.push(Problem::error(
                pair[1].path.as_str(),
                None,
                format!(
                    "duplicate flag key `{}`: also defined in `{}`; flag keys must be unique across sub-folders, rename or delete one",
                    escape(&pair[1].name),
                    pair[0].path
                ),
            ));
        }
    }
}

/// Why flagd would not read an attribute name as `eval` does, if it would not: a `.` is a
/// path into nested attributes in JsonLogic's `var`, and names starting with `$` are
/// flagd's own (`$flagd.timestamp`).
fn unservable_attribute(name: &str) -> Option<&'static str> {
    if name.starts_with('$') {
        Some(
            "starts with `$`, which flagd keeps for its own values (`$flagd.timestamp`): use a plain name (a move at a set time is a schedule)",
        )
    } else if name.contains('.') {
        Some(
            "contains a `.`, which flagd reads as a path into nested attributes (`a.b` is `b` inside `a`): use a plain name, such as `a_b`",
        )
    } else {
        None
    }
}

fn segment_names(repo: &Repo) -> impl Iterator<Item = &str> + Clone {
    repo.segments.iter().map(|s| s.name.as_str())
}

/// "names unknown segment", when `seg` does not exist.
fn unknown_segment(repo: &Repo, file: &str, seg: &Sp<String>, context: &str) -> Option<Problem> {
    repo.segment(&seg.value).is_none().then(|| {
        Problem::error(
            file,
            loc(seg),
            format!(
                "{context} names unknown segment `{}`: {} (segments live in `segments/<name>.yaml`)",
                escape(&seg.value),
                did_you_mean(&seg.value, segment_names(repo))
            ),
        )
    })
}

fn check_pipeline(repo: &Repo, out: &mut Vec<Problem>) {
    let Some(settings) = &repo.settings else {
        return;
    };
    let Some(stages) = &settings.def.pipeline else {
        return;
    };
    let file = SETTINGS_FILE;
    if stages.value.is_empty() {
        out.push(Problem::error(
            file,
            loc(stages),
            "`pipeline` is empty: list at least one stage, the last reaching `rollout: 100`",
        ));
        return;
    }
    // A rollout the decoder could not read (reported there) leaves the reach unknown.
    let reach_known = stages
        .value
        .iter()
        .all(|s| s.rollout.as_ref().is_none_or(|r| r.loc.is_known()));
    let mut seen: HashMap<&str, &Sp<String>> = HashMap::new();
    let mut covered: HashSet<&str> = HashSet::new();
    let mut max_rollout = 0.0f64;
    for stage in &stages.value {
        let name = stage.stage.value.as_str();
        if name == OFF {
            out.push(Problem::error(file, loc(&stage.stage), "stage name `off` is reserved for the stage before the first one; rename this stage"));
        } else if !is_valid_name(name) {
            out.push(
                Problem::error(
                    file,
                    loc(&stage.stage),
                    format!("stage name `{}` is invalid: use {NAME_RULE}", escape(name)),
                )
                .effect(Effect::Record),
            );
        }
        if let Some(first) = seen.insert(name, &stage.stage) {
            out.push(Problem::error(
                file,
                loc(&stage.stage),
                format!(
                    "stage `{}` is listed twice (first on line {}); stage names must be unique",
                    escape(name),
                    first.loc.line
                ),
            ));
        }
        for seg in &stage.segments {
            out.extend(unknown_segment(
                repo,
                file,
                seg,
                &format!("stage `{}`", escape(name)),
            ));
        }
        let mut adds = false;
        if let Some(r) = stage.rollout.as_ref().filter(|r| r.loc.is_known()) {
            if !(0.0..=100.0).contains(&r.value) || !r.value.is_finite() {
                out.push(Problem::error(file, loc(r), format!("rollout `{}` of stage `{}` is out of range: use a percentage from 0 to 100", r.value, escape(name))));
            } else if ((r.value * 1000.0).round() - r.value * 1000.0).abs() > 1e-6 {
                out.push(Problem::error(file, loc(r), format!("rollout `{}` of stage `{}` has more than three decimals: round it (e.g. 12.5)", r.value, escape(name))));
            }
            if r.value > max_rollout {
                adds = true;
                max_rollout = r.value;
            }
        }
        for seg in &stage.segments {
            if covered.insert(seg.value.as_str()) {
                adds = true;
            }
        }
        if !adds && max_rollout < 100.0 && reach_known {
            out.push(Problem::warning(
                file,
                loc(&stage.stage),
                format!("stage `{}` adds nobody to the audience of the stages before it: give it new `segments` or a higher `rollout`, or remove it", escape(name)),
            ));
        }
    }
    if max_rollout < 100.0 && reach_known {
        let last = stages.value.last().map(|s| &s.stage);
        out.push(Problem::error(
            file,
            last.map(|s| s.loc),
            format!(
                "the last stage `{}` reaches {}% of users; the pipeline must end at 100%: add `rollout: 100` to it",
                last.map_or("", |s| s.value.as_str()),
                max_rollout
            ),
        )
        // Who each stage serves is still well defined; only the walk cannot end.
        .effect(Effect::Record));
    }
}

fn check_environments(repo: &Repo, out: &mut Vec<Problem>) {
    let names = || repo.environments.iter().map(|e| e.name.as_str());
    for env in &repo.environments {
        let Some(after) = &env.def.after else {
            continue;
        };
        if after.value == env.name {
            out.push(Problem::error(
                env.path.as_str(),
                loc(after),
                format!(
                    "environment `{}` is gated on itself: `after` must name another environment",
                    env.name
                ),
            )
            .effect(Effect::Order));
            continue;
        }
        if repo.environment(&after.value).is_none() {
            out.push(
                Problem::error(
                    env.path.as_str(),
                    loc(after),
                    format!(
                        "`after` names unknown environment `{}`: {}",
                        escape(&after.value),
                        did_you_mean(&after.value, names())
                    ),
                )
                .effect(Effect::Order),
            );
            continue;
        }
        // Follow the gates; coming back here is a cycle.
        if let Some(cycle) = graph::path_back(&env.name, &after.value, usize::MAX, |e| {
            graph::gate(repo, e).into_iter().collect()
        }) {
            out.push(
                Problem::error(
                    env.path.as_str(),
                    loc(after),
                    format!(
                        "`after` gates form a cycle: {}; remove one `after`",
                        cycle.join(" -> ")
                    ),
                )
                .effect(Effect::Order),
            );
        }
    }
}

fn check_segments(repo: &Repo, out: &mut Vec<Problem>) {
    // Which segments lie on an include cycle, in one pass; only those look for theirs.
    let names: Vec<&str> = repo.segments.iter().map(|s| s.name.as_str()).collect();
    let cyclic = graph::on_cycles(&names, |s| graph::includes(repo, s));
    for seg in &repo.segments {
        let file = seg.path.as_str();
        for inc in &seg.def.segments {
            if inc.value == seg.name {
                out.push(Problem::error(
                    file,
                    loc(inc),
                    format!(
                        "segment `{}` includes itself; remove it from `segments`",
                        seg.name
                    ),
                ));
            } else {
                out.extend(unknown_segment(
                    repo,
                    file,
                    inc,
                    &format!("segment `{}`", seg.name),
                ));
            }
        }
        if !expansion_fits(repo, &seg.name, &mut Vec::new(), &mut { MAX_EXPANSIONS }) {
            out.push(Problem::error(
                file,
                seg.def.segments.first().map(|s| s.loc),
                format!(
                    "segment `{}` includes segments more than {MAX_INCLUDE_DEPTH} levels deep or more than {MAX_EXPANSIONS} times in all; flatten its includes (eval and export stop there)",
                    seg.name
                ),
            ));
        }
        if cyclic.contains(seg.name.as_str())
            && let Some(cycle) = include_cycle(repo, &seg.name)
        {
            let at = seg.def.segments.iter().find(|s| s.value == cycle[1]);
            out.push(Problem::error(
                file,
                at.map(|s| s.loc),
                format!(
                    "segment includes form a cycle: {}; remove one of these includes",
                    cycle.join(" -> ")
                ),
            ));
        }
        for rule in &seg.def.rules {
            let r = &rule.value;
            if r.attribute.value.trim().is_empty() {
                out.push(Problem::error(
                    file,
                    loc(&r.attribute),
                    "rule `attribute` is empty: name a user attribute (`key` is the targeting key)",
                ));
            } else if let Some(why) = unservable_attribute(&r.attribute.value) {
                out.push(Problem::error(
                    file,
                    loc(&r.attribute),
                    format!("rule `attribute` `{}` {why}", escape(&r.attribute.value)),
                ));
            }
            if r.values.value.is_empty() {
                out.push(Problem::error(
                    file,
                    loc(&r.values),
                    format!(
                        "rule on `{}` has no `values`: list at least one",
                        escape(&r.attribute.value)
                    ),
                ));
            }
            let op = r.op.value;
            for v in &r.values.value {
                let bad = match v {
                    crate::repo::RuleValue::String(_) => op.is_numeric(),
                    crate::repo::RuleValue::Number(_) => op.is_textual(),
                };
                if bad {
                    let want = if op.is_numeric() {
                        "numbers"
                    } else {
                        "strings (quote them)"
                    };
                    out.push(Problem::error(
                        file,
                        loc(&r.values),
                        format!(
                            "operator `{op}` compares {}, but value {v} is not one: use {want}",
                            if op.is_numeric() {
                                "numbers"
                            } else {
                                "strings"
                            }
                        ),
                    ));
                    break;
                }
            }
        }
    }
}

/// Whether following `name`'s includes (repeats counted, as evaluation does) stays within
/// the limits that `flags eval` and `flags export` enforce. Cycles are reported on their own.
fn expansion_fits<'a>(
    repo: &'a Repo,
    name: &'a str,
    path: &mut Vec<&'a str>,
    budget: &mut usize,
) -> bool {
    if path.contains(&name) {
        return true;
    }
    if path.len() > MAX_INCLUDE_DEPTH {
        return false;
    }
    let Some(left) = budget.checked_sub(1) else {
        return false;
    };
    *budget = left;
    let Some(seg) = repo.segment(name) else {
        return true;
    };
    path.push(name);
    let fits = seg
        .def
        .segments
        .iter()
        .all(|inc| expansion_fits(repo, &inc.value, path, budget));
    path.pop();
    fits
}

/// The include path from `start` back to itself, if there is one (`[a, b, a]`).
fn include_cycle(repo: &Repo, start: &str) -> Option<Vec<String>> {
    graph::cycle_from(start, usize::MAX, |s| graph::includes(repo, s))
}

fn check_flag(repo: &Repo, flag: &Doc<FlagDef>, today: Date, out: &mut Vec<Problem>) {
    let file = flag.path.as_str();
    let def = &flag.def;
    let key = escape(&flag.name);
    // A placeholder (unknown location) stands for a field the decoder already reported.
    if def.owner.loc.is_known() && def.owner.value.trim().is_empty() {
        out.push(
            Problem::error(
                file,
                loc(&def.owner),
                format!("flag `{key}` has an empty `owner`: name the team or person responsible"),
            )
            .effect(Effect::Record),
        );
    }
    if def.description.loc.is_known() && def.description.value.trim().is_empty() {
        out.push(
            Problem::error(
                file,
                loc(&def.description),
                format!("flag `{key}` has an empty `description`: say what it controls"),
            )
            .effect(Effect::Record),
        );
    }
    // Dates that do not exist were reported by the decoder (`Repo::value_problems`).
    if let Some(e) = &def.expires
        && let Some(d) = Date::parse(&e.value)
        && d < today
    {
        out.push(Problem::warning(
            file,
            loc(e),
            format!("flag `{key}` expired on {d}: remove it (`flags remove {key}`) or move `expires` later"),
        ));
    }
    let env_names = || repo.environments.iter().map(|e| e.name.as_str());
    let stage_names = repo.pipeline.names();
    // Duplicate environment keys never get here: the YAML tree refuses duplicate keys.
    for (env, entry) in &def.environments.value.0 {
        let entry = &entry.value;
        if repo.environment(&env.value).is_none() {
            out.push(
                Problem::error(
                    file,
                    loc(env),
                    format!(
                        "flag `{key}` names unknown environment `{}`: {}",
                        escape(&env.value),
                        did_you_mean(&env.value, env_names())
                    ),
                )
                // No environment serves it: every real one is still well defined.
                .effect(Effect::Record),
            );
        }
        let here = Effect::Undefined(Scope::FlagIn {
            flag: flag.name.clone(),
            env: env.value.clone(),
        });
        let position = repo.pipeline.position(&entry.stage.value);
        if position.is_none() && entry.stage.loc.is_known() && !repo.partial.stages_unknown {
            out.push(
                Problem::error(
                    file,
                    loc(&entry.stage),
                    format!(
                        "flag `{key}` is at unknown stage `{}` in `{}`: {}",
                        escape(&entry.stage.value),
                        escape(&env.value),
                        did_you_mean(&entry.stage.value, stage_names.iter().copied())
                    ),
                )
                .effect(here.clone()),
            );
        }
        for seg in &entry.segments {
            let context = format!("flag `{key}` in `{}`", escape(&env.value));
            if let Some(p) = unknown_segment(repo, file, seg, &context) {
                out.push(p.effect(here.clone()));
            }
        }
        if position == Some(0) && !entry.segments.is_empty() {
            out.push(Problem::warning(
                file,
                entry.segments.first().map(|s| s.loc),
                format!("extra `segments` of flag `{key}` in `{}` have no effect while the flag is `off` there", escape(&env.value)),
            ));
        }
        if let Some(since) = &entry.since
            && let Some(d) = Date::parse(&since.value)
            && d > today
        {
            out.push(Problem::error(
                file,
                loc(since),
                format!("`since` {d} of flag `{key}` in `{}` is in the future (today is {today}): use the date the stage was entered", escape(&env.value)),
            ).effect(Effect::Order));
        }
    }
}

/// A flag at a later stage in an environment than in the one that environment comes `after`.
#[derive(Debug, Clone)]
pub struct GateBreach<'a> {
    pub flag: &'a Doc<FlagDef>,
    /// The environment that is ahead.
    pub env: &'a str,
    /// The environment it comes after.
    pub gate: &'a str,
    pub here: usize,
    pub there: usize,
}

/// A gate broken by a rollback of the earlier environment (PRODUCT.md section 7): the commit
/// that moved it back (`None`: not committed yet) and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollback {
    pub commit: Option<String>,
    pub date: Date,
}

/// Rollbacks by (flag key, environment that is ahead).
pub type Rollbacks = HashMap<(String, String), Rollback>;

/// Every gate breach of one flag.
pub fn flag_gate_breaches<'a>(repo: &'a Repo, flag: &'a Doc<FlagDef>) -> Vec<GateBreach<'a>> {
    let mut out = Vec::new();
    for env in &repo.environments {
        let Some(after) = &env.def.after else {
            continue;
        };
        let Some(gate) = repo.environment(&after.value) else {
            continue;
        };
        // The file's stages (as `repo.state`, without building an audience for each).
        let position = |env: &str| {
            flag.def
                .entry(env)
                .map_or(Some(0), |e| repo.pipeline.position(&e.stage.value))
        };
        let (here, there) = (position(&env.name), position(&gate.name));
        if let (Some(here), Some(there)) = (here, there)
            && here > there
        {
            out.push(GateBreach {
                flag,
                env: &env.name,
                gate: &gate.name,
                here,
                there,
            });
        }
    }
    out
}

/// Every gate breach in the repository (cheap: no history is read to find them).
pub fn gate_breaches(repo: &Repo) -> Vec<GateBreach<'_>> {
    repo.flags
        .iter()
        .flat_map(|f| flag_gate_breaches(repo, f))
        .collect()
}

/// A flag may never be at a later stage in an environment than in the one it comes `after`,
/// unless a rollback of that one put it behind: then it is a warning with the way back in line.
fn check_gates(repo: &Repo, flag: &Doc<FlagDef>, rollbacks: &Rollbacks, out: &mut Vec<Problem>) {
    let p = &repo.pipeline;
    for b in flag_gate_breaches(repo, flag) {
        let at = flag.def.entry(b.env).map(|e| e.stage.loc);
        let key = escape(&flag.name);
        let ahead = format!(
            "flag `{key}` is at `{}` in `{}` but only at `{}` in `{}`, which `{}` comes after",
            p.name_at(b.here),
            b.env,
            p.name_at(b.there),
            b.gate,
            b.env,
        );
        let problem = match rollbacks.get(&(flag.name.clone(), b.env.to_string())) {
            Some(r) => {
                let when = match &r.commit {
                    Some(c) => format!(
                        "in commit {} on {}",
                        c.chars().take(7).collect::<String>(),
                        r.date
                    ),
                    None => "in the working tree (not committed yet)".to_string(),
                };
                Problem::warning(
                    flag.path.as_str(),
                    at,
                    format!(
                        "{ahead}: `{}` was rolled back {when}; bring `{}` in line with `flags demote {key} --env {} --to {}`",
                        b.gate,
                        b.env,
                        b.env,
                        p.name_at(b.there)
                    ),
                )
            }
            None => Problem::error(
                flag.path.as_str(),
                at,
                format!(
                    "{ahead}: demote it in `{}` or promote it in `{}` first",
                    b.env, b.gate
                ),
            ),
        };
        out.push(problem.effect(Effect::Order));
    }
}

fn check_unused_segments(repo: &Repo, out: &mut Vec<Problem>) {
    let mut used: HashSet<&str> = HashSet::new();
    for stage in &repo.pipeline.stages {
        used.extend(stage.segments.iter().map(String::as_str));
    }
    for flag in &repo.flags {
        for (_, entry) in &flag.def.environments.value.0 {
            used.extend(entry.value.segments.iter().map(|s| s.value.as_str()));
        }
    }
    for seg in &repo.segments {
        used.extend(
            seg.def
                .segments
                .iter()
                .filter(|s| s.value != seg.name)
                .map(|s| s.value.as_str()),
        );
    }
    for seg in &repo.segments {
        // A file with problems gets no warning on top of them.
        if !used.contains(seg.name.as_str())
            && !repo.load_problems.iter().any(|p| p.file == seg.path)
        {
            out.push(Problem::warning(
                seg.path.as_str(),
                None,
                format!("segment `{}` is not used by any stage, flag or other segment: use it or delete the file", escape(&seg.name)),
            ));
        }
    }
}

/// What `flags eval` or `flags export` needs defined to serve one environment: the
/// environment, the flags it serves (one or all) and every segment their audiences name there.
pub struct Needed<'a> {
    env: &'a str,
    /// The flags needed (one and its prerequisites), or `None` for all.
    flags: Option<HashSet<String>>,
    segments: HashSet<String>,
}

impl<'a> Needed<'a> {
    pub fn new(repo: &Repo, env: &'a str, flag: Option<&'a str>) -> Self {
        let flags = flag.map(|k| typed::with_prerequisites(repo, k));
        let starts: Vec<String> = repo
            .flags
            .iter()
            .filter(|f| flags.as_ref().is_none_or(|set| set.contains(&f.name)))
            .flat_map(|f| {
                // The file's stage and every scheduled one: export compiles them all.
                let state = repo.state(&f.def, env);
                let mut positions = vec![state.position.unwrap_or(0)];
                if let Some(entry) = state.entry {
                    positions.extend(
                        entry
                            .schedule
                            .iter()
                            .filter_map(|e| repo.pipeline.position(&e.value.stage.value)),
                    );
                }
                positions
                    .into_iter()
                    .flat_map(|pos| repo.audience_at_position(&state, pos).segments)
                    .collect::<Vec<_>>()
            })
            .collect();
        let segments = graph::reachable(starts, |s| {
            graph::includes(repo, s)
                .into_iter()
                .map(str::to_string)
                .collect()
        });
        Needed {
            env,
            flags,
            segments,
        }
    }

    /// Whether `problem` leaves something undefined that is needed.
    pub fn blocked_by(&self, problem: &Problem) -> bool {
        let Effect::Undefined(scope) = &problem.effect else {
            return false;
        };
        let flag_needed = |k: &str| self.flags.as_ref().is_none_or(|set| set.contains(k));
        match scope {
            Scope::All => true,
            Scope::Environment(e) => e == self.env,
            Scope::Segment(s) => self.segments.contains(s),
            Scope::Flag(k) => flag_needed(k),
            Scope::FlagIn { flag, env } => env == self.env && flag_needed(flag),
        }
    }
}
