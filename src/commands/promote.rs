//! `flags promote KEY --env E [--to STAGE]`: move a flag forward in the pipeline, refusing
//! past the last stage, past a gate and before soak time (unless `--force`).

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::mutate::{self, MutateArgs};
use crate::commands::Ctx;
use crate::date::{Date, Timestamp};
use crate::edit::StageEdit;
use crate::error::{UserError, unknown};
use crate::git::history::{Dated, WalkOptions};
use crate::policy::{Transition, Violation, check_transition};
use crate::render::escape;
use crate::repo::{Doc, FlagDef, Repo};

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// Flag keys, one commit for all (asked for on a terminal when left out)
    #[arg(value_name = "KEY")]
    pub keys: Vec<String>,
    /// Environment to promote in; repeat for several (asked for on a terminal when left out)
    #[arg(long = "env", short = 'e', value_name = "ENV")]
    pub env: Vec<String>,
    /// Stage to promote to (default: the next one)
    #[arg(long, value_name = "STAGE")]
    pub to: Option<String>,
    /// Promote past a gate, before soak time ends, or more than one stage at once
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub mutate: MutateArgs,
}

pub fn run(ctx: &Ctx, args: &PromoteArgs) -> Result<ExitCode> {
    stage_change(
        ctx,
        "promote",
        &args.keys,
        &args.env,
        &args.mutate,
        |repo, flags, envs| {
            let (today, now) = (Date::today(), Timestamp::now());
            flags
                .iter()
                .map(|flag| plan(repo, flag, envs, args.to.as_deref(), today, now, args.force))
                .collect()
        },
    )
}

/// What `promote` and `demote` share: the keys and environments (asked for on a terminal),
/// only those flags' files read (fast in a repository of thousands), every key planned by
/// `plan` before anything is said (a refused key changes nothing and warns about nothing),
/// then one change with one message, on the target `--branch` names.
pub(crate) fn stage_change(
    ctx: &Ctx,
    verb: &str,
    keys: &[String],
    envs: &[String],
    opts: &MutateArgs,
    plan: impl FnOnce(&Repo, &[&Doc<FlagDef>], &[String]) -> Result<Vec<KeyPlan>>,
) -> Result<ExitCode> {
    let found = crate::discover::find_root(&ctx.dir)?;
    mutate::on_target(ctx, &found, opts, |root| {
        let usage = format!("flags {verb} KEY --env ENV --yes");
        let keys = mutate::keys_or_ask(root, keys, &usage)?;
        let (repo, all_keys) = crate::repo::Repo::load_flags(root, &keys);
        let envs = mutate::envs_or_ask_for(&repo, envs, &keys, &usage)?;
        let flags = keys
            .iter()
            .map(|key| find_flag(&repo, &all_keys, key))
            .collect::<Result<Vec<_>>>()?;
        let plans = plan(&repo, &flags, &envs)?;
        for p in &plans {
            for w in &p.warnings {
                super::warn(ctx, w);
            }
        }
        let message = commit_message_many(verb, &plans);
        let changes: Vec<_> = plans.into_iter().map(|p| p.change).collect();
        Ok((repo, changes, message))
    })
}

/// One flag's part of a stage change: its file edit, the stages it sets and what to warn
/// about once the whole change is planned.
pub(crate) struct KeyPlan {
    pub key: String,
    pub edits: Vec<StageEdit>,
    pub change: mutate::FileChange,
    pub warnings: Vec<String>,
}

/// Plans promoting one flag in `envs` (gate order): refuses as `check` says.
fn plan(
    repo: &Repo,
    flag: &Doc<FlagDef>,
    envs: &[String],
    to: Option<&str>,
    today: Date,
    now: Timestamp,
    force: bool,
) -> Result<KeyPlan> {
    let key = &flag.name;
    let mut positions = current_positions(repo, &flag.def, None, now)?;
    let mut edits = Vec::new();
    let mut warnings = Vec::new();
    let mut cleared = Vec::new();
    for env in envs {
        // A planned walk and a hand promotion would contradict each other: change the plan
        // first. Entries already due are in force, so promoting from them ends the plan.
        if let Some(entry) = flag.def.entry(env) {
            if let Some((at, next)) = entry.pending(now).first() {
                return Err(UserError::new(format!(
                    "flag `{}` has a schedule in `{env}` (next: `{}` at {at}); promoting by hand would contradict it",
                    escape(key),
                    escape(&next.stage.value)
                ))
                .hint(format!(
                    "drop the plan with `flags schedule {} --env {env} --clear`, then promote",
                    escape(key)
                ))
                .into());
            }
            if !entry.schedule.is_empty() {
                cleared.push(env.clone());
            }
        }
        let from = positions.get(env.as_str()).copied().unwrap_or(0);
        let to = match to {
            Some(stage) => stage_position(repo, stage)?,
            None => from + 1,
        };
        if let Some(warning) = check(repo, flag, env, from, to, &positions, today, now, force)? {
            warnings.push(warning);
        }
        positions.insert(env.clone(), to);
        edits.push(StageEdit {
            env: env.clone(),
            stage: repo.pipeline.name_at(to).to_string(),
            since: today.to_string(),
        });
    }
    let mut new = crate::edit::set_stages(&flag.source, &edits)?;
    for env in &cleared {
        new = crate::edit_schedule::clear(&new, env)?;
    }
    Ok(KeyPlan {
        key: flag.name.clone(),
        edits,
        change: mutate::FileChange {
            rel: flag.path.clone(),
            old: Some(flag.source.clone()),
            new: Some(new),
        },
        warnings,
    })
}

/// The one flag named `key` (an unknown or duplicated key stops the command).
/// `keys` are every flag key of the repository (for the nearest-name hint).
pub(crate) fn find_flag<'a>(
    repo: &'a Repo,
    keys: &[String],
    key: &str,
) -> Result<&'a Doc<FlagDef>> {
    let matches: Vec<&Doc<FlagDef>> = repo.flags.iter().filter(|f| f.name == key).collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => {
            if let Some(p) = repo
                .load_problems
                .iter()
                .find(|p| p.is_error() && p.file.ends_with(&format!("/{key}.yaml")))
            {
                return Err(UserError::new(format!(
                    "flag `{}` cannot be read: {}",
                    escape(key),
                    escape(&p.message)
                ))
                .hint("fix the file first (`flags validate` shows every problem)")
                .into());
            }
            Err(unknown("flag", key, keys.iter().map(|k| k.as_str())).into())
        }
        many => Err(UserError::new(format!(
            "flag key `{}` is defined {} times ({}); keys must be unique",
            escape(key),
            many.len(),
            many.iter()
                .map(|f| f.path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .hint("remove or rename the duplicates first")
        .into()),
    }
}

/// The position of every environment's current stage; an unknown stage stops the command.
/// The flag's stage position in every environment. An unknown stage is an error in the
/// environments of `required` (all when `None`) and is left out elsewhere, so a typo in one
/// environment never blocks an emergency demote in another.
/// Positions are those in force at `now` (schedules applied).
pub(crate) fn current_positions(
    repo: &Repo,
    def: &FlagDef,
    required: Option<&[String]>,
    now: Timestamp,
) -> Result<HashMap<String, usize>> {
    let mut out = HashMap::new();
    for env in repo.environment_order() {
        let state = repo.state_at(def, env, now);
        let Some(pos) = state.position else {
            if required.is_some_and(|r| !r.iter().any(|e| e == env)) {
                continue;
            }
            return Err(UserError::new(format!(
                "the flag is at unknown stage `{}` in `{env}`",
                escape(state.stage)
            ))
            .hint(format!(
                "fix the file first; stages: {}",
                repo.pipeline.names().join(", ")
            ))
            .into());
        };
        out.insert(env.to_string(), pos);
    }
    Ok(out)
}

/// The position of a stage named on the command line.
pub(crate) fn stage_position(repo: &Repo, stage: &str) -> Result<usize> {
    repo.pipeline
        .position(stage)
        .ok_or_else(|| unknown("stage", stage, repo.pipeline.names()).into())
}

/// Refuses (exit 2) a promotion the pipeline does not allow; `Ok(Some(warning))` when the
/// soak time could not be checked. `flags schedule` checks an entry with the same policy
/// ([`crate::policy::check_transition`]) and [`soak_entered`], at the planned instant.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check(
    repo: &Repo,
    flag: &Doc<FlagDef>,
    env: &str,
    from: usize,
    to: usize,
    positions: &HashMap<String, usize>,
    today: Date,
    now: Timestamp,
    force: bool,
) -> Result<Option<String>> {
    let p = &repo.pipeline;
    let key = escape(&flag.name);
    let last = p.last();
    if from >= last {
        return Err(UserError::new(format!(
            "flag `{key}` is already at the last stage `{}` in `{env}`; there is nothing to promote to (`--force` cannot go past the last stage)",
            p.name_at(last)
        ))
        .into());
    }
    if to == from {
        return Err(UserError::new(format!(
            "flag `{key}` is already at `{}` in `{env}`; there is nothing to promote",
            p.name_at(from)
        ))
        .into());
    }
    if to < from {
        return Err(UserError::new(format!(
            "flag `{key}` is at `{}` in `{env}`; `{}` is not later",
            p.name_at(from),
            p.name_at(to)
        ))
        .hint(format!(
            "to move it back, run `flags demote {key} --env {env} --to {}`",
            p.name_at(to)
        ))
        .into());
    }
    if force {
        return Ok(None);
    }
    let gate =
        crate::repo::graph::gate(repo, env).map(|g| (g, positions.get(g).copied().unwrap_or(0)));
    let (entered, warning) = soak_entered(repo, flag, env, from, today, today, now);
    let transition = Transition {
        pipeline: p,
        from,
        to,
        on: today,
        entered,
        gate,
    };
    if let Some(v) = check_transition(&transition).first() {
        return Err(UserError::new(refusal(v, &key, env, from, to, p))
            .hint("pass `--force` to promote anyway")
            .into());
    }
    Ok(warning)
}

/// A policy violation as the reason a promotion is refused (also used by `flags schedule`).
pub(crate) fn refusal(
    v: &Violation,
    key: &str,
    env: &str,
    from: usize,
    to: usize,
    p: &crate::repo::Pipeline,
) -> String {
    match v {
        Violation::Skips { skipped } => format!(
            "promoting flag `{key}` from `{}` to `{}` in `{env}` skips {}; promote one stage at a time",
            p.name_at(from),
            p.name_at(to),
            crate::policy::stage_list(skipped)
        ),
        Violation::Gate { env: gate, there } => format!(
            "`{env}` comes after `{}`, where flag `{key}` is only at `{}`; promote it there to `{}` first",
            escape(gate),
            p.name_at(*there),
            p.name_at(to)
        ),
        Violation::Soak {
            soak,
            entered,
            ready,
        } => format!(
            "flag `{key}` entered `{}` in `{env}` on {entered}; its soak time of {} ends on {ready}",
            p.name_at(from),
            crate::policy::days(*soak)
        ),
    }
}

/// For the soak time of the stage at `from` in `env`, checked on `on`: when the flag entered
/// that stage, and what to warn when nothing dates it. Both `None` when the stage has no soak
/// time. Shared by `promote` and `flags schedule`.
pub(crate) fn soak_entered(
    repo: &Repo,
    flag: &Doc<FlagDef>,
    env: &str,
    from: usize,
    on: Date,
    today: Date,
    now: Timestamp,
) -> (Option<Date>, Option<String>) {
    let p = &repo.pipeline;
    let Some(soak) = (from > 0)
        .then(|| p.stages.get(from - 1).and_then(|s| s.soak_days))
        .flatten()
    else {
        return (None, None);
    };
    // Without a recorded date, the entry date comes from git history, as for `stale`. A date
    // cut off by a shallow clone is only an upper bound: enough when even it has soaked.
    let entered = match entry_date(repo, flag, env, today, now) {
        Some(Dated::On(d)) => Some(d),
        Some(Dated::OnOrBefore(d)) if d.add_days(i64::from(soak)) <= on => Some(d),
        _ => None,
    };
    // The entry date is unknown (no `since`, no history); blocking would make hand-written
    // flags unpromotable, so say what was not checked.
    let warning = entered.is_none().then(|| {
        format!(
            "flag `{}` has no `since` in `{env}` and git history does not date it, so its soak time of {} at `{}` was not checked",
            escape(&flag.name),
            crate::policy::days(soak),
            p.name_at(from)
        )
    });
    (entered, warning)
}

/// When the flag entered its stage in force in `env`: as `flags stale` says it
/// ([`crate::stale::env_since`]: the recorded date, else git history, today for a change not
/// committed yet), walking history only when nothing is recorded, and only until the flag is
/// dated; `None` when nothing dates it (outside git, say).
pub(crate) fn entry_date(
    repo: &Repo,
    flag: &Doc<FlagDef>,
    env: &str,
    today: Date,
    now: Timestamp,
) -> Option<Dated> {
    use crate::stale::env_since;
    env_since(repo, flag, env, None, today, now).or_else(|| {
        let loc = crate::git::locate(&repo.root)?;
        let options = WalkOptions {
            transitions: false,
            date: std::iter::once(flag.name.clone()).collect(),
        };
        let history = loc.walk(&options).ok()?;
        let hist = history.flags.get(&flag.name)?;
        env_since(repo, flag, env, Some(hist), today, now)
    })
}

/// The message of a change of several flags: `flags: promote a, b to STAGE in ENV` when every
/// flag moves alike, else each flag's own part joined with `; `.
pub(crate) fn commit_message_many(verb: &str, plans: &[KeyPlan]) -> String {
    let same = plans.windows(2).all(|w| {
        w[0].edits.len() == w[1].edits.len()
            && w[0]
                .edits
                .iter()
                .zip(&w[1].edits)
                .all(|(a, b)| a.env == b.env && a.stage == b.stage)
    });
    let keys = plans
        .iter()
        .map(|p| p.key.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    match plans {
        [] => format!("flags: {verb}"),
        [first, ..] if same => commit_message(verb, &keys, &first.edits),
        _ => {
            let parts = plans
                .iter()
                .map(|p| {
                    commit_message(verb, &p.key, &p.edits)
                        .trim_start_matches(&format!("flags: {verb} "))
                        .to_string()
                })
                .collect::<Vec<_>>()
                .join("; ");
            format!("flags: {verb} {parts}")
        }
    }
}

/// `flags: promote KEY to STAGE in ENV[, ENV]` (or per environment when targets differ).
pub(crate) fn commit_message(verb: &str, key: &str, edits: &[StageEdit]) -> String {
    let first = edits.first().map(|e| e.stage.as_str()).unwrap_or_default();
    if edits.iter().all(|e| e.stage == first) {
        let envs = edits
            .iter()
            .map(|e| e.env.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        format!("flags: {verb} {key} to {first} in {envs}")
    } else {
        let parts = edits
            .iter()
            .map(|e| format!("{} in {}", e.stage, e.env))
            .collect::<Vec<_>>()
            .join(", ");
        format!("flags: {verb} {key} to {parts}")
    }
}
