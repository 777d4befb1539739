//! `flags demote KEY... --env E [--to STAGE|off] [--cascade]`: roll flags back. Never blocked
//! (it is the emergency path). Environments that come after a demoted one and would be left
//! ahead of it are demoted too with `--cascade` (asked on a terminal), else warned about.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::common::{KeyPlan, current_positions, stage_change, stage_position};
use super::mutate::{self, MutateArgs};
use crate::commands::Ctx;
use crate::date::{Date, Timestamp};
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
    /// Also demote every environment that comes after (directly or through other gates) and
    /// would be left ahead, to the same stage, in the same commit
    #[arg(long)]
    pub cascade: bool,
    #[command(flatten)]
    pub mutate: MutateArgs,
}

pub fn run(ctx: &Ctx, args: &DemoteArgs) -> Result<ExitCode> {
    stage_change(
        ctx,
        "demote",
        &args.keys,
        &args.env,
        &args.mutate,
        mutate::Guard::Rollback,
        |repo, flags, envs| {
            let opts = Demotion {
                envs,
                to: args.to.as_deref(),
                today: Date::today(),
                now: Timestamp::now(),
                cascade: args.cascade,
            };
            let plan_all = |opts: &Demotion| -> Result<Vec<DemotePlan>> {
                flags.iter().map(|flag| plan(repo, flag, opts)).collect()
            };
            let mut plans = plan_all(&opts)?;
            // Left ahead without `--cascade`: on a terminal, ask (once for every key).
            let ahead: Vec<String> = plans
                .iter()
                .flat_map(|p| {
                    p.ahead
                        .iter()
                        .map(move |a| format!("`{}` in `{}`", escape(&p.plan.key), a.env))
                })
                .collect();
            if !args.cascade
                && !ahead.is_empty()
                && !args.mutate.yes
                && mutate::interactive()
                && mutate::confirm(&format!(
                    "Also demote {}, which come{} after `{}`?",
                    ahead.join(", "),
                    if ahead.len() == 1 { "s" } else { "" },
                    envs.join("`, `")
                ))?
            {
                plans = plan_all(&Demotion {
                    cascade: true,
                    ..opts
                })?;
            }
            Ok(plans.into_iter().map(|p| p.plan).collect())
        },
    )
}

/// What every key of one `demote` is asked for.
#[derive(Clone, Copy)]
struct Demotion<'a> {
    envs: &'a [String],
    to: Option<&'a str>,
    today: Date,
    now: Timestamp,
    cascade: bool,
}

/// One flag's demotion, and the environments it leaves ahead (demoted too when cascading).
struct DemotePlan {
    plan: KeyPlan,
    ahead: Vec<LeftAhead>,
}

/// Plans demoting one flag in `envs`, cascading to the environments left ahead or warning
/// about them.
fn plan(repo: &Repo, flag: &Doc<FlagDef>, d: &Demotion) -> Result<DemotePlan> {
    let p = &repo.pipeline;
    let key = &flag.name;
    let envs = d.envs;
    let mut positions = current_positions(repo, &flag.def, Some(envs), d.now)?;
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
        let to = match d.to {
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
            since: d.today.to_string(),
        });
    }
    // Environments that come after a demoted one (directly or through other gates) and are
    // now ahead of it: in gate order, so a cascade carries on down the chain.
    let ahead = left_ahead(repo, envs, &positions);
    let mut warnings = Vec::new();
    if d.cascade {
        for a in &ahead {
            positions.insert(a.env.clone(), a.to);
            edits.push(StageEdit {
                env: a.env.clone(),
                stage: p.name_at(a.to).to_string(),
                since: d.today.to_string(),
            });
        }
    } else {
        // Only the environments really left ahead: the ones after them are not, until the
        // cascade would move them.
        for a in ahead.iter().filter(|a| envs.contains(&a.gate)) {
            warnings.push(format!(
                "`{}` is now ahead of `{}` ({} > {}), which it comes after; demote it too: `flags demote {} --env {} --to {}`, or demote with `--cascade`",
                a.env,
                escape(&a.gate),
                p.name_at(a.from),
                p.name_at(a.to),
                escape(key),
                a.env,
                p.name_at(a.to)
            ));
        }
    }
    let mut new = crate::edit::set_stages(&flag.source, &edits)?;
    // A rollback cancels the plan: a scheduled move would otherwise undo it on its own.
    for edit in &edits {
        if flag
            .def
            .entry(&edit.env)
            .is_some_and(|e| !e.schedule.is_empty())
        {
            new = crate::edit_schedule::clear(&new, &edit.env)?;
            warnings.push(format!(
                "the schedule of `{}` in `{}` is dropped with this rollback; plan again with `flags schedule` once it is fixed",
                escape(key),
                edit.env
            ));
        }
    }
    // A plan in an environment that comes after a rolled-back one, directly or through
    // other gates, must not take it past where that one now is: such a plan would undo the
    // rollback on its own schedule (and fail validation), so it goes too.
    let mut capped: Vec<&str> = edits.iter().map(|e| e.env.as_str()).collect();
    for env in repo.environment_order() {
        let Some(gate) = crate::repo::graph::gate(repo, env) else {
            continue;
        };
        if capped.contains(&env) || !capped.contains(&gate) {
            continue;
        }
        let cap = positions.get(gate).copied().unwrap_or(0);
        let Some(entry) = flag.def.entry(env) else {
            continue;
        };
        let past = entry.pending(d.now).into_iter().find(|(_, e)| {
            p.position(&e.stage.value)
                .is_some_and(|position| position > cap)
        });
        if let Some((at, e)) = past {
            // Entries already due are in force (what `positions` and the next cap read):
            // write the one in force into `stage` first, as `advance` would, so that dropping
            // the plan drops only what is to come.
            if let Some((i, due, due_at)) = entry.in_force_with_index(d.now) {
                let edit = StageEdit {
                    env: env.to_string(),
                    stage: due.stage.value.clone(),
                    since: due_at.date().to_string(),
                };
                new = crate::edit::set_stage(&new, &edit)?;
                new = crate::edit_schedule::drop_first(&new, env, i + 1)?;
            }
            new = crate::edit_schedule::clear(&new, env)?;
            warnings.push(format!(
                "the schedule of `{}` in `{env}` would take it to `{}` at {at}, past `{}` in `{gate}`, which it comes after: it is dropped with this rollback; plan again with `flags schedule` once it is fixed",
                escape(key),
                escape(&e.stage.value),
                p.name_at(cap)
            ));
            capped.push(env);
        }
    }
    Ok(DemotePlan {
        plan: KeyPlan {
            key: key.clone(),
            edits,
            change: mutate::FileChange {
                rel: flag.path.clone(),
                old: Some(flag.source.clone()),
                new: Some(new),
            },
            warnings,
        },
        ahead,
    })
}

/// An environment left ahead of the one it comes after by a demotion.
struct LeftAhead {
    env: String,
    gate: String,
    from: usize,
    /// The stage it must go back to: the one its gate is at after the demotion (and after
    /// the cascade of the environments before it).
    to: usize,
}

/// The environments that come after a demoted one in `demoted`, directly or through other
/// gates, and would be ahead of the environment they come after, in gate order.
fn left_ahead(
    repo: &Repo,
    demoted: &[String],
    positions: &std::collections::HashMap<String, usize>,
) -> Vec<LeftAhead> {
    let mut positions = positions.clone();
    let mut moved: Vec<&str> = demoted.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for env in repo.environment_order() {
        let Some(gate) = crate::repo::graph::gate(repo, env) else {
            continue;
        };
        if !moved.contains(&gate) || demoted.iter().any(|d| d == env) {
            continue;
        }
        let (Some(&mine), Some(&theirs)) = (positions.get(env), positions.get(gate)) else {
            continue;
        };
        if mine > theirs {
            positions.insert(env.to_string(), theirs);
            moved.push(env);
            out.push(LeftAhead {
                env: env.to_string(),
                gate: gate.to_string(),
                from: mine,
                to: theirs,
            });
        }
    }
    out
}
