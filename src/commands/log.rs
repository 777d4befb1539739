//! `flags log`: stage changes from git history, newest first.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use crate::cli::{Ctx, DataFormat, FormatArg};
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

    match args.format.format {
        DataFormat::Json => {
            let rows: Vec<_> = rows
                .iter()
                .map(|t| {
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
            for r in &rows {
                t.add_row(vec![
                    r.date.to_string(),
                    r.commit.chars().take(7).collect(),
                    escape(&r.author).into_owned(),
                    escape(&r.flag).into_owned(),
                    escape(&r.environment).into_owned(),
                    format!("{} -> {}", escape(&r.from), escape(&r.to)),
                ]);
            }
            if !rows.is_empty() {
                std::io::stdout()
                    .lock()
                    .write_all(table_lines(&mut t).as_bytes())?;
            }
            // Commits that changed a stage, not every commit the walk read.
            let changed: std::collections::HashSet<&str> =
                rows.iter().map(|r| r.commit.as_str()).collect();
            let _ = writeln!(
                std::io::stderr(),
                "{} stage change(s) in {} commit(s) ({} commit(s) read)",
                rows.len(),
                changed.len(),
                h.commits
            );
        }
    }
    Ok(ExitCode::SUCCESS)
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
