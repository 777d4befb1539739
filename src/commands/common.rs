//! What the stage-changing commands share: `promote`, `demote`, `remove` and `flags schedule`
//! find a flag, read its positions, plan a change of several keys as one commit, and word a
//! policy refusal the same way.

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::Result;

use super::mutate::{self, MutateArgs};
use crate::commands::Ctx;
use crate::date::{Date, Timestamp};
use crate::edit::StageEdit;
use crate::error::{UserError, unknown};
use crate::git::history::{Dated, WalkOptions};
use crate::policy::Violation;
use crate::render::escape;
use crate::repo::{Doc, FlagDef, Repo};

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
    guard: mutate::Guard,
    plan: impl FnOnce(&Repo, &[&Doc<FlagDef>], &[String]) -> Result<Vec<KeyPlan>>,
) -> Result<ExitCode> {
    let found = crate::discover::find_root(&ctx.dir)?;
    mutate::on_target(ctx, &found, opts, |root| {
        let usage = format!("flags {verb} KEY --env ENV --yes");
        let keys = mutate::keys_or_ask(root, keys, &usage)?;
        let (repo, all_keys) = crate::repo::Repo::load_flags(root, &keys);
        mutate::check_pipeline(ctx, &repo, guard)?;
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
                    "flag `{}` cannot be read: {}: {}",
                    escape(key),
                    super::validate::place(p),
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
