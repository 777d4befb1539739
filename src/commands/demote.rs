//! `flags demote KEY --env E [--to STAGE|off]`: roll a flag back. Never blocked (it is the
//! emergency path); warns when a gated environment is left ahead.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::mutate::{self, MutateArgs};
use super::promote::{commit_message, current_positions, find_flag, stage_position};
use crate::cli::Ctx;
use crate::date::Date;
use crate::edit::StageEdit;
use crate::error::UserError;
use crate::render::escape;

#[derive(Debug, Args)]
pub struct DemoteArgs {
    /// Flag key (asked for on a terminal when left out)
    pub key: Option<String>,
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
    let root = crate::repo::find_root(&ctx.dir)?;
    let usage = "flags demote KEY --env ENV --yes";
    let key = mutate::key_or_ask(&root, args.key.as_deref(), usage)?;
    // Only this flag's file is read: promote stays fast in a repository of thousands.
    let (repo, keys) = crate::repo::Repo::load_one_flag(&root, &key);
    let flag = find_flag(&repo, &keys, &key)?;
    let envs = mutate::envs_or_ask(&repo, &args.env, usage)?;
    let today = Date::today();
    let p = &repo.pipeline;

    let mut positions = current_positions(&repo, &flag.def, Some(&envs))?;
    let mut edits = Vec::new();
    for env in &envs {
        let from = positions.get(env.as_str()).copied().unwrap_or(0);
        if from == 0 {
            return Err(UserError::new(format!(
                "flag `{}` is already `off` in `{env}`",
                escape(&key)
            ))
            .into());
        }
        let to = match &args.to {
            Some(stage) => stage_position(&repo, stage)?,
            None => from - 1,
        };
        if to >= from {
            return Err(UserError::new(format!(
                "flag `{}` is at `{}` in `{env}`; `{}` is not earlier",
                escape(&key),
                p.name_at(from),
                p.name_at(to)
            ))
            .hint(format!(
                "to move it forward, run `flags promote {} --env {env} --to {}`",
                escape(&key),
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
    for e in &repo.environments {
        let Some(gate) = &e.def.after else { continue };
        let (Some(&mine), Some(&gate_pos)) = (positions.get(&e.name), positions.get(&gate.value))
        else {
            continue;
        };
        if envs.contains(&gate.value) && mine > gate_pos {
            super::warn(
                ctx,
                &format!(
                    "`{}` is now ahead of `{}` ({} > {}), which it comes after; demote it too: `flags demote {} --env {} --to {}`",
                    e.name,
                    escape(&gate.value),
                    p.name_at(mine),
                    p.name_at(gate_pos),
                    escape(&key),
                    e.name,
                    p.name_at(gate_pos)
                ),
            );
        }
    }
    let message = commit_message("demote", &key, &edits);
    let new = crate::edit::set_stages(&flag.source, &edits)?;
    let change = mutate::FileChange {
        rel: flag.path.clone(),
        old: Some(flag.source.clone()),
        new: Some(new),
    };
    mutate::apply(ctx, &repo, &[change], &message, &args.mutate)
}
