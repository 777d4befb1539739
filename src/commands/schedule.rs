//! `flags schedule KEY --env E --at TIME [--to STAGE]` and `--clear`: plan a move through the
//! pipeline in the flag file (PRODUCT.md section 9), with the checks `promote` makes, judged
//! at the planned instant.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::common::{find_flag, refusal, soak_entered, stage_position};
use super::mutate::{self, MutateArgs};
use crate::commands::Ctx;
use crate::date::Timestamp;
use crate::error::UserError;
use crate::policy::{Transition, Violation, check_transition};
use crate::render::escape;

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// Flag key (asked for on a terminal when left out)
    pub key: Option<String>,
    /// Environment to plan in (asked for on a terminal when left out)
    #[arg(long = "env", short = 'e', value_name = "ENV")]
    pub env: Option<String>,
    /// When the move happens: RFC 3339 with `Z` or an offset (2026-12-01T09:00:00Z)
    #[arg(long, value_name = "TIME", value_parser = super::cli::parse_instant, required_unless_present = "clear")]
    pub at: Option<super::cli::InstantArg>,
    /// Stage to move to (default: the one after the last planned stage)
    #[arg(long, value_name = "STAGE", conflicts_with = "clear")]
    pub to: Option<String>,
    /// Remove every planned move of the flag in the environment
    #[arg(long, conflicts_with = "at")]
    pub clear: bool,
    /// Plan past a gate, before soak time ends, or more than one stage at once
    #[arg(long, conflicts_with = "clear")]
    pub force: bool,
    #[command(flatten)]
    pub mutate: MutateArgs,
}

pub fn run(ctx: &Ctx, args: &ScheduleArgs) -> Result<ExitCode> {
    let found = crate::discover::find_root(&ctx.dir)?;
    mutate::on_target(ctx, &found, &args.mutate, |root| plan(ctx, root, args))
}

/// Plans adding an entry to (or clearing) the schedule of one flag in one environment.
fn plan(ctx: &Ctx, root: &std::path::Path, args: &ScheduleArgs) -> Result<mutate::Planned> {
    let usage = "flags schedule KEY --env ENV --at TIME --yes";
    let key = mutate::key_or_ask(root, args.key.as_deref(), usage)?;
    let (repo, keys) = crate::repo::Repo::load_one_flag(root, &key);
    mutate::check_pipeline(ctx, &repo, mutate::Guard::Pipeline)?;
    let flag = find_flag(&repo, &keys, &key)?;
    let envs = mutate::envs_or_ask(&repo, args.env.as_slice(), usage)?;
    let env = envs.first().cloned().unwrap_or_default();
    let keyd = escape(&key);
    let p = &repo.pipeline;
    if args.clear {
        if flag.def.entry(&env).is_none_or(|e| e.schedule.is_empty()) {
            let _ = writeln!(
                std::io::stderr(),
                "flag `{keyd}` has no schedule in `{env}`; nothing changed"
            );
            return Ok((repo, Vec::new(), String::new()));
        }
        let new = crate::edit_schedule::clear(&flag.source, &env)?;
        let change = mutate::FileChange {
            rel: flag.path.clone(),
            old: Some(flag.source.clone()),
            new: Some(new),
        };
        let message = format!("flags: clear the schedule of {key} in {env}");
        return Ok((repo, vec![change], message));
    }
    let Some(entry) = flag.def.entry(&env) else {
        return Err(UserError::new(format!(
            "flag `{keyd}` does not list `{env}`, so it is `off` there and has nothing to schedule from"
        ))
        .hint(format!(
            "add `{env}: off` under `environments` in `{}` first",
            escape(&flag.path)
        ))
        .into());
    };

    let Some(super::cli::InstantArg { text: at_text, at }) = args.at.clone() else {
        return Err(anyhow::anyhow!("`--at` is required without `--clear`"));
    };
    let now = Timestamp::now();
    if at <= now {
        return Err(UserError::new(format!(
            "`--at {}` is not in the future (now is {now}); a schedule plans moves to come",
            escape(&at_text)
        ))
        .hint(format!(
            "to move the flag now, run `flags promote {keyd} --env {env}`"
        ))
        .into());
    }
    // The move starts where the plan ends: the last planned entry, else the file's stage.
    let last = entry
        .schedule
        .iter()
        .rev()
        .find_map(|e| Some((Timestamp::parse(&e.value.at.value).ok()?, &e.value)));
    let state = repo.state(&flag.def, &env);
    let from = match last {
        Some((_, e)) => p.position(&e.stage.value),
        None => state.position,
    };
    let Some(from) = from else {
        return Err(
            UserError::new(format!("flag `{keyd}` is at an unknown stage in `{env}`"))
                .hint(format!(
                    "fix the file first; stages: {}",
                    p.names().join(", ")
                ))
                .into(),
        );
    };
    if let Some((last_at, _)) = last
        && at <= last_at
    {
        return Err(UserError::new(format!(
            "`--at {at}` is not after the last planned move of `{keyd}` in `{env}` ({last_at}); entries are in time order"
        ))
        .hint(format!(
            "plan a later time, or start over with `flags schedule {keyd} --env {env} --clear`"
        ))
        .into());
    }
    if from >= p.last() {
        return Err(UserError::new(format!(
            "flag `{keyd}` is {} the last stage `{}` in `{env}`; there is nothing to schedule",
            if last.is_some() {
                "already planned to reach"
            } else {
                "already at"
            },
            p.name_at(p.last())
        ))
        .into());
    }
    let to = match &args.to {
        Some(stage) => stage_position(&repo, stage)?,
        None => from + 1,
    };
    if to <= from {
        return Err(UserError::new(format!(
            "flag `{keyd}` is {} `{}` in `{env}`; `{}` is not later, and a schedule only moves forward",
            if last.is_some() { "planned to be at" } else { "at" },
            p.name_at(from),
            p.name_at(to)
        ))
        .hint(format!("to move it back, run `flags demote {keyd} --env {env} --to {}`", p.name_at(to)))
        .into());
    }
    if !args.force {
        // After a planned entry, its time; else as promote, by `at`.
        let (entered, warning) = match last {
            Some((t, _)) => (Some(t.date()), None),
            None => soak_entered(
                &repo,
                flag,
                &env,
                from,
                at.date(),
                crate::date::Date::today(),
                now,
            ),
        };
        if let Some(w) = warning {
            super::warn(ctx, &w);
        }
        let gate = crate::repo::graph::gate(&repo, &env)
            .filter(|g| repo.environment(g).is_some())
            .and_then(|g| Some((g, repo.state_at(&flag.def, g, at).position?)));
        let transition = Transition {
            pipeline: p,
            from,
            to,
            on: at.date(),
            entered,
            gate,
        };
        if let Some(v) = check_transition(&transition).first() {
            let reason = match v {
                // The gate environment may get there by its own plan: say so.
                Violation::Gate { env: gate, there } => format!(
                    "`{env}` comes after `{}`, where flag `{keyd}` is only at `{}` then; promote or schedule it there to `{}` first",
                    escape(gate),
                    p.name_at(*there),
                    p.name_at(to)
                ),
                v => refusal(v, &keyd, &env, from, to, p),
            };
            return Err(UserError::new(format!("at {at}: {reason}"))
                .hint("pass `--force` to schedule anyway")
                .into());
        }
    }
    let stage = p.name_at(to).to_string();
    let new = crate::edit_schedule::add(&flag.source, &env, &stage, &at_text)?;
    let change = mutate::FileChange {
        rel: flag.path.clone(),
        old: Some(flag.source.clone()),
        new: Some(new),
    };
    let message = format!("flags: schedule {key} to {stage} in {env} at {at}");
    Ok((repo, vec![change], message))
}
