//! `flags show KEY`: one flag's definition and who it is served to in each environment.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use serde_json::{Map, json};

use crate::commands::{Ctx, DataFormat, FormatArg};
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
        let view = crate::repo::TypedView::new(def);
        let typed = view.uses_typed_fields();
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
            if typed && let Some(obj) = e.as_object_mut() {
                obj.insert("users".into(), json!(a.users));
                obj.insert("serve".into(), super::list::serve_json(&view, env));
            }
            environments.insert(env.to_string(), e);
        }
        let mut doc = json!({
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
        });
        if typed
            && let Some(obj) = doc.as_object_mut()
            && let Ok(serde_json::Value::Object(t)) =
                serde_json::to_value(super::list::typed_json(&view))
        {
            obj.extend(t);
        }
        super::print_json(&doc)?;
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
    let view = crate::repo::TypedView::new(def);
    let typed = view.uses_typed_fields();
    if typed {
        writeln!(out)?;
        writeln!(out, "variants ({}):", view.value_type())?;
        for (name, value) in view.variants() {
            writeln!(
                out,
                "  {:<12} {}",
                escape(name),
                escape(&crate::export::inline_json(&value))
            )?;
        }
        writeln!(out, "{:<9}{}", "default", escape(view.default()))?;
        let serve = match &def.serve {
            Some(s) => crate::repo::typed::serve_view(&s.value).describe(),
            None => crate::repo::typed::ON.to_string(),
        };
        writeln!(out, "{:<9}{}", "serve", escape(&serve))?;
        let requires = view.requires();
        if !requires.is_empty() {
            let list: Vec<String> = requires.iter().map(|(f, v)| format!("{f}: {v}")).collect();
            writeln!(out, "{:<9}{}", "requires", escape(&list.join(", ")))?;
        }
    }
    writeln!(out)?;
    let header: &[&str] = if typed {
        &["ENVIRONMENT", "STAGE", "SINCE", "AUDIENCE", "SERVE"]
    } else {
        &["ENVIRONMENT", "STAGE", "SINCE", "AUDIENCE"]
    };
    let mut t = table(header);
    for env in &envs {
        let s = repo.state_at(def, env, now);
        let mut row = vec![
            escape(env).into_owned(),
            escape(s.stage).into_owned(),
            entered(&s).unwrap_or_else(|| "-".to_string()),
            crate::render::describe_audience(&repo.audience_of(&s)),
        ];
        if typed {
            row.push(if s.position.unwrap_or(0) == 0 {
                format!("{} (default)", escape(view.default()))
            } else {
                escape(&view.serve(env).describe()).into_owned()
            });
        }
        t.add_row(row);
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
