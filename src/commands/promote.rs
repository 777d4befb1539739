//! `flags promote KEY --env E [--to STAGE]`: move a flag forward in the pipeline, refusing
//! past the last stage, past a gate and before soak time (unless `--force`).

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::mutate::{self, MutateArgs};
use crate::cli::Ctx;
use crate::date::Date;
use crate::edit::StageEdit;
use crate::error::{UserError, unknown};
use crate::git::history::{Dated, WalkOptions};
use crate::render::escape;
use crate::repo::{Doc, FlagDef, Repo};

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// Flag key (asked for on a terminal when left out)
    pub key: Option<String>,
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
    let root = crate::repo::find_root(&ctx.dir)?;
    let usage = "flags promote KEY --env ENV --yes";
    let key = mutate::key_or_ask(&root, args.key.as_deref(), usage)?;
    // Only this flag's file is read: promote stays fast in a repository of thousands.
    let (repo, keys) = crate::repo::Repo::load_one_flag(&root, &key);
    let flag = find_flag(&repo, &keys, &key)?;
    let envs = mutate::envs_or_ask(&repo, &args.env, usage)?;
    let today = Date::today();

    let mut positions = current_positions(&repo, &flag.def, None)?;
    let mut edits = Vec::new();
    for env in &envs {
        let from = positions.get(env.as_str()).copied().unwrap_or(0);
        let to = match &args.to {
            Some(stage) => stage_position(&repo, stage)?,
            None => from + 1,
        };
        if let Some(warning) = check(&repo, flag, env, from, to, &positions, today, args.force)? {
            super::warn(ctx, &warning);
        }
        positions.insert(env.clone(), to);
        edits.push(StageEdit {
            env: env.clone(),
            stage: repo.pipeline.name_at(to).to_string(),
            since: today.to_string(),
        });
    }
    let message = commit_message("promote", &key, &edits);
    let new = crate::edit::set_stages(&flag.source, &edits)?;
    let change = mutate::FileChange {
        rel: flag.path.clone(),
        old: Some(flag.source.clone()),
        new: Some(new),
    };
    mutate::apply(ctx, &repo, &[change], &message, &args.mutate)
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
pub(crate) fn current_positions(
    repo: &Repo,
    def: &FlagDef,
    required: Option<&[String]>,
) -> Result<HashMap<String, usize>> {
    let mut out = HashMap::new();
    for env in repo.environment_order() {
        let state = repo.state(def, env);
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

#[allow(clippy::too_many_arguments)]
fn check(
    repo: &Repo,
    flag: &Doc<FlagDef>,
    env: &str,
    from: usize,
    to: usize,
    positions: &HashMap<String, usize>,
    today: Date,
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
    if to <= from {
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
    let refuse = |msg: String| -> anyhow::Error {
        UserError::new(msg)
            .hint("pass `--force` to promote anyway")
            .into()
    };
    if to > from + 1 {
        return Err(refuse(format!(
            "promoting flag `{key}` from `{}` to `{}` in `{env}` skips {}; promote one stage at a time",
            p.name_at(from),
            p.name_at(to),
            (from + 1..to)
                .map(|i| format!("`{}`", p.name_at(i)))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if let Some(gate) = repo.environment(env).and_then(|e| e.def.after.as_ref()) {
        let gate_pos = positions.get(gate.value.as_str()).copied().unwrap_or(0);
        if gate_pos < to {
            return Err(refuse(format!(
                "`{env}` comes after `{}`, where flag `{key}` is only at `{}`; promote it there to `{}` first",
                escape(&gate.value),
                p.name_at(gate_pos),
                p.name_at(to)
            )));
        }
    }
    if from > 0
        && let Some(soak) = p.stages.get(from - 1).and_then(|s| s.soak_days)
    {
        let recorded = repo
            .state(&flag.def, env)
            .since
            .and_then(|s| Date::parse(&s.value));
        // Without a recorded `since`, the entry date comes from git history, as for `stale`
        // (the file has no uncommitted changes: the commit checks refuse those). A date cut
        // off by a shallow clone is only an upper bound: enough when even it has soaked.
        let since = match recorded {
            Some(d) => Some(d),
            None => match entry_date_from_history(repo, &flag.name, env) {
                Some(Dated::On(d)) => Some(d),
                Some(Dated::OnOrBefore(d)) if d.add_days(i64::from(soak)) <= today => Some(d),
                _ => None,
            },
        };
        let Some(since) = since else {
            // The entry date is unknown (no `since`, no history); blocking would make
            // hand-written flags unpromotable, so say what was not checked.
            return Ok(Some(format!(
                "flag `{key}` has no `since` in `{env}` and git history does not date it, so its soak time of {soak} day{} at `{}` was not checked",
                if soak == 1 { "" } else { "s" },
                p.name_at(from)
            )));
        };
        let ready = since.add_days(i64::from(soak));
        if today < ready {
            return Err(refuse(format!(
                "flag `{key}` entered `{}` in `{env}` on {since}; its soak time of {soak} day{} ends on {ready}",
                p.name_at(from),
                if soak == 1 { "" } else { "s" }
            )));
        }
    }
    Ok(None)
}

/// When the flag entered its current stage in `env`, from the commit that last changed it
/// (one history walk, stopping once the flag is dated); `None` outside git.
fn entry_date_from_history(repo: &Repo, key: &str, env: &str) -> Option<Dated> {
    let loc = crate::git::locate(&repo.root)?;
    let options = WalkOptions {
        transitions: false,
        date: std::iter::once(key.to_string()).collect(),
    };
    let history = crate::git::history::walk(&loc.repo, &loc.root_rel, &options).ok()?;
    history.flags.get(key)?.env(env)
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
