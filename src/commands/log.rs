//! `flags log`: stage changes from git history, newest first.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use crate::commands::{Ctx, DataFormat, FormatArg};
use crate::date::Timestamp;
use crate::error::unknown;
use crate::git::history::{History, Transition};
use crate::render::{escape, table, table_lines};
use crate::repo::Repo;

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only this flag (also one that has since been removed)
    #[arg(value_name = "KEY")]
    pub key: Option<String>,
    /// Only this environment
    #[arg(long, value_name = "ENV")]
    pub env: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn run(ctx: &Ctx, args: &LogArgs) -> anyhow::Result<ExitCode> {
    let repo = ctx.repo()?;
    let Some(h) = super::stage_history(ctx, &repo)? else {
        return Err(crate::user_error!(
            "`{}` is not in a git repository; `flags log` reads git history",
            repo.root.display()
        )
        .hint("run `git init` and commit the flags, or use `flags list` for the current stages")
        .into());
    };
    if let Some(key) = &args.key
        && repo.flag(key).is_none()
        && !h.transitions.iter().any(|t| &t.flag == key)
    {
        return Err(unknown("flag", key, repo.flags.iter().map(|f| f.name.as_str())).into());
    }
    if let Some(env) = &args.env
        && repo.environment(env).is_none()
        && !h.transitions.iter().any(|t| &t.environment == env)
    {
        return Err(unknown("environment", env, repo.environment_order()).into());
    }
    let rows = sorted(&repo, &h, args.key.as_deref(), args.env.as_deref());
    let planned = scheduled(
        &repo,
        args.key.as_deref(),
        args.env.as_deref(),
        Timestamp::now(),
    );
    // Newest first: each scheduled move goes before the first commit older than it.
    let mut merged: Vec<Row<'_>> = Vec::with_capacity(rows.len() + planned.len());
    let mut planned = planned.into_iter().peekable();
    for t in &rows {
        while let Some(p) = planned.next_if(|p| p.at.date() >= t.date) {
            merged.push(Row::Scheduled(p));
        }
        merged.push(Row::Commit(t));
    }
    merged.extend(planned.map(Row::Scheduled));

    match args.format.format {
        DataFormat::Json => {
            let rows: Vec<_> = merged
                .iter()
                .map(|row| {
                    let t = match row {
                        Row::Commit(t) => t,
                        Row::Scheduled(p) => {
                            return json!({
                                "commit": null,
                                "date": p.at.date(),
                                "author": null,
                                "flag": p.flag,
                                "environment": p.env,
                                "from": p.from,
                                "to": p.to,
                                "scheduled": true,
                                "at": p.at,
                            });
                        }
                    };
                    json!({
                        "commit": t.commit,
                        "date": t.date,
                        "author": t.author,
                        "flag": t.flag,
                        "environment": t.environment,
                        "from": t.from,
                        "to": t.to,
                    })
                })
                .collect();
            super::print_json(&rows)?;
        }
        DataFormat::Table => {
            let mut t = table(&["DATE", "COMMIT", "AUTHOR", "FLAG", "ENVIRONMENT", "CHANGE"]);
            for row in &merged {
                let r = match row {
                    Row::Commit(r) => r,
                    Row::Scheduled(p) => {
                        t.add_row(vec![
                            p.at.date().to_string(),
                            "schedule".to_string(),
                            "-".to_string(),
                            escape(&p.flag).into_owned(),
                            escape(&p.env).into_owned(),
                            format!("{} -> {} (at {})", escape(&p.from), escape(&p.to), p.at),
                        ]);
                        continue;
                    }
                };
                t.add_row(vec![
                    r.date.to_string(),
                    r.commit.chars().take(7).collect(),
                    escape(&r.author).into_owned(),
                    escape(&r.flag).into_owned(),
                    escape(&r.environment).into_owned(),
                    format!("{} -> {}", escape(&r.from), escape(&r.to)),
                ]);
            }
            if !merged.is_empty() {
                std::io::stdout()
                    .lock()
                    .write_all(table_lines(&mut t).as_bytes())?;
            }
            // Commits that changed a stage, not every commit the walk read.
            let changed: std::collections::HashSet<&str> =
                rows.iter().map(|r| r.commit.as_str()).collect();
            let _ = writeln!(
                std::io::stderr(),
                "{} stage change(s) in {} commit(s) ({} commit(s) read){}",
                rows.len(),
                changed.len(),
                h.commits,
                match merged.len() - rows.len() {
                    0 => String::new(),
                    n => format!(", {n} by schedule (not yet written by `flags advance`)"),
                }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A line of the log: a commit that changed a stage, or a scheduled move that took effect.
enum Row<'h> {
    Commit(&'h Transition),
    Scheduled(ScheduledMove),
}

/// A schedule entry of the current files that is in force or was (its `at` has passed).
pub(crate) struct ScheduledMove {
    pub at: Timestamp,
    pub flag: String,
    pub env: String,
    pub from: String,
    pub to: String,
}

/// The moves the current files' schedules have made by `now` (due entries, not yet written
/// by `flags advance`), newest first.
pub(crate) fn scheduled(
    repo: &Repo,
    key: Option<&str>,
    env: Option<&str>,
    now: Timestamp,
) -> Vec<ScheduledMove> {
    let mut out = Vec::new();
    for flag in repo
        .flags
        .iter()
        .filter(|f| key.is_none_or(|k| f.name == k))
    {
        for (e, entry) in &flag.def.environments.value.0 {
            if env.is_some_and(|x| x != e.value) {
                continue;
            }
            let mut from = entry.value.stage.value.clone();
            for item in &entry.value.schedule {
                let Ok(at) = Timestamp::parse(&item.value.at.value) else {
                    continue;
                };
                if at > now {
                    break;
                }
                out.push(ScheduledMove {
                    at,
                    flag: flag.name.clone(),
                    env: e.value.clone(),
                    from: std::mem::replace(&mut from, item.value.stage.value.clone()),
                    to: item.value.stage.value.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.flag.cmp(&b.flag)));
    out
}

/// The transitions of one flag and/or environment (all when `None`), newest commit first;
/// within a commit by flag, then environments in gate order.
pub(crate) fn sorted<'h>(
    repo: &Repo,
    h: &'h History,
    key: Option<&str>,
    env: Option<&str>,
) -> Vec<&'h Transition> {
    let mut rows: Vec<&Transition> = h
        .transitions
        .iter()
        .filter(|t| key.is_none_or(|k| t.flag == k))
        .filter(|t| env.is_none_or(|e| t.environment == e))
        .collect();
    let order = repo.environment_order();
    let rank = |env: &str| order.iter().position(|e| *e == env).unwrap_or(order.len());
    let mut first_seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, t) in rows.iter().enumerate() {
        first_seen.entry(t.commit.as_str()).or_insert(i);
    }
    rows.sort_by_key(|t| {
        (
            first_seen.get(t.commit.as_str()).copied(),
            t.flag.as_str(),
            rank(&t.environment),
            t.environment.as_str(),
        )
    });
    rows
}
