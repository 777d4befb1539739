//! `flags show KEY`: one flag's definition and who it is served to in each environment.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use serde_json::{Map, json};

use crate::cli::{Ctx, DataFormat, FormatArg};
use crate::date::Timestamp;
use crate::error::{UserError, unknown};
use crate::render::{BOLD, escape, paint, table, table_lines};

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Flag key (the file name without `.yaml`)
    pub key: String,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn run(ctx: &Ctx, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let repo = ctx.repo()?;
    let Some(flag) = repo.flag(&args.key) else {
        super::warn_if_incomplete(ctx, &repo);
        // A key that git history knows was removed: its history is what is left to show.
        if let Some(h) = super::stage_history(ctx, &repo)?
            && h.transitions.iter().any(|t| t.flag == args.key)
        {
            return Err(UserError::new(format!(
                "flag `{}` is not in the flags repository any more (it was removed)",
                escape(&args.key)
            ))
            .hint(format!(
                "see its stage history: `flags log {}`",
                escape(&args.key)
            ))
            .into());
        }
        return Err(unknown(
            "flag",
            &args.key,
            repo.flags.iter().map(|f| f.name.as_str()),
        )
        .into());
    };
    let def = &flag.def;
    let envs = repo.environment_order();
    let opt = |o: &Option<crate::repo::Sp<String>>| o.as_ref().map(|s| s.value.clone());
    let history = super::stage_history(ctx, &repo)?;
    let now = Timestamp::now();
    let entered = |s: &crate::repo::EnvState<'_>| s.entered().map(|d| d.to_string());
    // Every planned move, due or to come: (environment, at, stage, due).
    let plan: Vec<(&str, Timestamp, &str, bool)> = envs
        .iter()
        .filter_map(|env| def.entry(env).map(|e| (*env, e)))
        .flat_map(|(env, e)| {
            e.schedule.iter().filter_map(move |item| {
                let at = Timestamp::parse(&item.value.at.value).ok()?;
                Some((env, at, item.value.stage.value.as_str(), at <= now))
            })
        })
        .collect();

    if args.format.format == DataFormat::Json {
        let mut environments = Map::new();
        for env in &envs {
            let s = repo.state_at(def, env, now);
            let a = repo.audience_of(&s);
            let schedule: Vec<_> = plan
                .iter()
                .filter(|p| p.0 == *env)
                .map(
                    |(_, at, stage, due)| json!({"stage": stage, "at": at.to_string(), "due": due}),
                )
                .collect();
            let mut e = json!({
                "stage": s.stage,
                "since": entered(&s),
                "segments": a.segments,
                "rollout": a.rollout,
            });
            if !schedule.is_empty() {
                e["schedule"] = json!(schedule);
            }
            environments.insert(env.to_string(), e);
        }
        super::print_json(&json!({
            "key": flag.name,
            "file": flag.path,
            "description": def.description.value,
            "owner": def.owner.value,
            "type": def.kind.value,
            "created": opt(&def.created),
            "expires": opt(&def.expires),
            "environments": environments,
            "history": history.as_ref().map(|h| super::log::sorted(&repo, h, Some(&flag.name), None)
                .iter()
                .map(|t| json!({
                    "commit": t.commit,
                    "date": t.date,
                    "author": t.author,
                    "environment": t.environment,
                    "from": t.from,
                    "to": t.to,
                }))
                .collect::<Vec<_>>()),
        }))?;
        return Ok(ExitCode::SUCCESS);
    }

    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}",
        paint(ctx.style.stdout, BOLD, &escape(&flag.name))
    )?;
    writeln!(out, "  {}", escape(&def.description.value))?;
    writeln!(out)?;
    let kind = def.kind.value;
    let rows = [
        ("file", Some(flag.path.clone())),
        ("owner", Some(def.owner.value.clone())),
        (
            "type",
            Some(format!(
                "{kind} ({})",
                if kind.is_temporary() {
                    "temporary"
                } else {
                    "permanent"
                }
            )),
        ),
        ("created", opt(&def.created)),
        ("expires", opt(&def.expires)),
    ];
    for (label, value) in rows {
        if let Some(v) = value {
            writeln!(out, "{label:<9}{}", escape(&v))?;
        }
    }
    writeln!(out)?;
    let mut t = table(&["ENVIRONMENT", "STAGE", "SINCE", "AUDIENCE"]);
    for env in &envs {
        let s = repo.state_at(def, env, now);
        t.add_row(vec![
            escape(env).into_owned(),
            escape(s.stage).into_owned(),
            entered(&s).unwrap_or_else(|| "-".to_string()),
            crate::render::describe_audience(&repo.audience_of(&s)),
        ]);
    }
    out.write_all(table_lines(&mut t).as_bytes())?;
    if !plan.is_empty() {
        writeln!(out)?;
        let mut t = table(&["PLANNED", "ENVIRONMENT", "STAGE", "STATUS"]);
        for (env, at, stage, due) in &plan {
            t.add_row(vec![
                at.to_string(),
                escape(env).into_owned(),
                escape(stage).into_owned(),
                if *due {
                    "due (in force; `flags advance` writes it)".to_string()
                } else {
                    "planned".to_string()
                },
            ]);
        }
        out.write_all(table_lines(&mut t).as_bytes())?;
    }

    if let Some(h) = &history {
        let rows = super::log::sorted(&repo, h, Some(&flag.name), None);
        writeln!(out)?;
        if rows.is_empty() {
            writeln!(out, "no stage changes in git history")?;
        } else {
            let mut t = table(&["DATE", "COMMIT", "AUTHOR", "ENVIRONMENT", "CHANGE"]);
            for r in rows.iter().take(HISTORY_ROWS) {
                t.add_row(vec![
                    r.date.to_string(),
                    r.commit.chars().take(7).collect(),
                    escape(&r.author).into_owned(),
                    escape(&r.environment).into_owned(),
                    format!("{} -> {}", escape(&r.from), escape(&r.to)),
                ]);
            }
            out.write_all(table_lines(&mut t).as_bytes())?;
            if rows.len() > HISTORY_ROWS {
                writeln!(
                    out,
                    "... {} older change(s): `flags log {}`",
                    rows.len() - HISTORY_ROWS,
                    escape(&flag.name)
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// How many stage changes `show` lists before pointing at `flags log`.
const HISTORY_ROWS: usize = 10;
