//! `flags demote KEY... --env E [--to STAGE|off]`: roll flags back. Never blocked (it is the
//! emergency path); warns when a gated environment is left ahead.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::mutate::{self, MutateArgs};
use super::promote::{KeyPlan, commit_message_many, current_positions, find_flag, stage_position};
use crate::cli::Ctx;
use crate::date::Date;
use crate::edit::StageEdit;
use crate::error::UserError;
use crate::render::escape;
use crate::repo::{Doc, FlagDef, Repo};

#[derive(Debug, Args)]
pub struct DemoteArgs {
    /// Flag keys, one commit for all (asked for on a terminal when left out)
    #[arg(value_name = "KEY")]
    pub keys: Vec<String>,
    /// Environment to demote in; repeat for several (asked for on a terminal when left out)
    #[arg(long = "env", short = 'e', value_name = "ENV")]
    pub env: Vec<String>,
    /// Stage to roll back to, or `off` (default: the previous one)
    #[arg(long, value_name = "STAGE")]
    pub to: Option<String>,
    #[command(flatten)]
    pub mutate: MutateArgs,
}

pub fn run(ctx: &Ctx, args: &DemoteArgs) -> Result<ExitCode> {
    let found = crate::repo::find_root(&ctx.dir)?;
    mutate::on_target(ctx, &found, &args.mutate, |root| {
        let usage = "flags demote KEY --env ENV --yes";
        let keys = mutate::keys_or_ask(root, &args.keys, usage)?;
        // Only these flags' files are read: demote stays fast in a repository of thousands.
        let (repo, all_keys) = mutate::load_flags(root, &keys);
        let envs = mutate::envs_or_ask_for(&repo, &args.env, &keys, usage)?;
        let today = Date::today();
        let mut plans = Vec::new();
        for key in &keys {
            let flag = find_flag(&repo, &all_keys, key)?;
            plans.push(plan(&repo, flag, &envs, args.to.as_deref(), today)?);
        }
        // Warnings only once every key was planned: a refused key changes nothing.
        for p in &plans {
            for w in &p.warnings {
                super::warn(ctx, w);
            }
        }
        let message = commit_message_many("demote", &plans);
        let changes: Vec<_> = plans.into_iter().map(|p| p.change).collect();
        Ok((repo, changes, message))
    })
}

/// Plans demoting one flag in `envs`; warns about environments gated on a demoted one and
/// now ahead of it.
fn plan(
    repo: &Repo,
    flag: &Doc<FlagDef>,
    envs: &[String],
    to: Option<&str>,
    today: Date,
) -> Result<KeyPlan> {
    let p = &repo.pipeline;
    let key = &flag.name;
    let mut positions = current_positions(repo, &flag.def, Some(envs))?;
    let mut edits = Vec::new();
    for env in envs {
        let from = positions.get(env.as_str()).copied().unwrap_or(0);
        if from == 0 {
            return Err(UserError::new(format!(
                "flag `{}` is already `off` in `{env}`",
                escape(key)
            ))
            .into());
        }
        let to = match to {
            Some(stage) => stage_position(repo, stage)?,
            None => from - 1,
        };
        if to == from {
            return Err(UserError::new(format!(
                "flag `{}` is already at `{}` in `{env}`; there is nothing to demote",
                escape(key),
                p.name_at(from)
            ))
            .into());
        }
        if to > from {
            return Err(UserError::new(format!(
                "flag `{}` is at `{}` in `{env}`; `{}` is not earlier",
                escape(key),
                p.name_at(from),
                p.name_at(to)
            ))
            .hint(format!(
                "to move it forward, run `flags promote {} --env {env} --to {}`",
                escape(key),
                p.name_at(to)
            ))
            .into());
        }
        positions.insert(env.clone(), to);
        edits.push(StageEdit {
            env: env.clone(),
            stage: p.name_at(to).to_string(),
            since: today.to_string(),
        });
    }
    // Environments gated on a demoted one and now ahead of it.
    let mut warnings = Vec::new();
    for e in &repo.environments {
        let Some(gate) = &e.def.after else { continue };
        let (Some(&mine), Some(&gate_pos)) = (positions.get(&e.name), positions.get(&gate.value))
        else {
            continue;
        };
        if envs.contains(&gate.value) && mine > gate_pos {
            warnings.push(format!(
                "`{}` is now ahead of `{}` ({} > {}), which it comes after; demote it too: `flags demote {} --env {} --to {}`",
                e.name,
                escape(&gate.value),
                p.name_at(mine),
                p.name_at(gate_pos),
                escape(key),
                e.name,
                p.name_at(gate_pos)
            ));
        }
    }
    let new = crate::edit::set_stages(&flag.source, &edits)?;
    Ok(KeyPlan {
        key: key.clone(),
        edits,
        change: mutate::FileChange {
            rel: flag.path.clone(),
            old: Some(flag.source.clone()),
            new: Some(new),
        },
        warnings,
    })
}
