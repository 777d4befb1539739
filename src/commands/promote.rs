//! `flags promote KEY --env E [--to STAGE]`: move a flag forward in the pipeline, refusing
//! past the last stage, past a gate and before soak time (unless `--force`).

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::common::{
    KeyPlan, current_positions, refusal, soak_entered, stage_change, stage_position,
};
use super::mutate::{self, MutateArgs};
use crate::commands::Ctx;
use crate::date::{Date, Timestamp};
use crate::edit::StageEdit;
use crate::error::UserError;
use crate::policy::{Transition, check_transition};
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
        mutate::Guard::Pipeline,
        |repo, flags, envs| {
            let (today, now) = (Date::today(), Timestamp::now());
            flags
                .iter()
                .map(|flag| plan(repo, flag, envs, args.to.as_deref(), today, now, args.force))
                .collect()
        },
    )
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
