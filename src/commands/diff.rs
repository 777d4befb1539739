//! `flags diff [BASE [HEAD]]`: what changed between two revisions (default: HEAD and the
//! working tree), in flag terms rather than lines.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use crate::commands::{Ctx, DataFormat, FormatArg};
use crate::error::UserError;
use crate::git::Git;
use crate::render::{CYAN, GREEN, RED, escape, paint};
use crate::repo::{Audience, Repo};
use crate::semdiff::{Change, SemDiff, diff};

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Revision to compare from (default: HEAD)
    pub base: Option<String>,
    /// Revision to compare to (default: the working tree)
    pub head: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Serialize)]
struct Report<'a> {
    base: &'a str,
    head: &'a str,
    #[serde(flatten)]
    diff: &'a SemDiff,
}

pub fn run(ctx: &Ctx, args: &DiffArgs) -> Result<ExitCode> {
    let root = crate::discover::find_root(&ctx.dir)?;
    let git = Git::discover(&root)?.ok_or_else(|| {
        UserError::new(
            "`flags diff` compares git revisions, and the flags root is not in a git repository",
        )
    })?;
    let base_rev = args.base.as_deref().unwrap_or("HEAD");
    let base = git.load_at(base_rev, &root)?;
    let head = match &args.head {
        Some(rev) => git.load_at(rev, &root)?,
        None => Repo::load(&root),
    };
    let head_name = args.head.as_deref().unwrap_or("working tree");
    // A flag whose file cannot be read on either side is left out of the comparison: it has
    // not been added or removed, and its stages are unknown.
    let mut unreadable = std::collections::BTreeSet::new();
    for (side, repo) in [(base_rev, &base), (head_name, &head)] {
        let broken: Vec<&str> = repo
            .load_problems
            .iter()
            .filter(|p| p.is_error())
            .map(|p| p.file.as_str())
            .collect();
        if !broken.is_empty() {
            super::warn(
                ctx,
                &format!(
                    "{} file(s) in {} could not be read and are left out ({}); run `flags validate`",
                    broken.len(),
                    escape(side),
                    escape(&broken.join(", "))
                ),
            );
        }
        for file in broken {
            if let Some(f) = file.strip_prefix("flags/") {
                let name = f.rsplit('/').next().unwrap_or(f);
                unreadable.insert(name.trim_end_matches(".yaml").to_string());
            }
        }
    }
    let mut d = diff(&base, &head);
    d.flags.retain(|f| !unreadable.contains(&f.key));
    if args.format.format == DataFormat::Json {
        super::print_json(&Report {
            base: base_rev,
            head: head_name,
            diff: &d,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let c = ctx.style.stdout;
    let mut out = std::io::stdout().lock();
    if d.flags.is_empty() && d.pipeline.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "no flag changes between {} and {}",
            escape(base_rev),
            escape(head_name)
        );
        return Ok(ExitCode::SUCCESS);
    }
    for f in &d.flags {
        let (sign, colour, what) = match f.change {
            Change::Added => ("+", GREEN, "added"),
            Change::Removed => ("-", RED, "removed"),
            Change::Changed => ("~", CYAN, "changed"),
        };
        writeln!(
            out,
            "{} ({what}, {})",
            paint(c, colour, &format!("{sign} {}", escape(&f.key))),
            escape(&f.file)
        )?;
        for field in &f.fields {
            writeln!(
                out,
                "    {}: {} -> {}",
                field.field,
                value(&field.from),
                value(&field.to)
            )?;
        }
        for e in &f.environments {
            let aud = |a: &crate::semdiff::AudienceJson| {
                crate::render::describe_audience(&Audience {
                    segments: a.segments.clone(),
                    rollout: a.rollout,
                    users: a.users.clone(),
                })
            };
            if e.from != e.to {
                writeln!(
                    out,
                    "    {}: {} -> {}",
                    escape(&e.environment),
                    escape(&e.from),
                    escape(&e.to)
                )?;
            }
            if let Some(plan) = &e.schedule {
                let list = |p: &[crate::semdiff::Planned]| {
                    if p.is_empty() {
                        "none".to_string()
                    } else {
                        p.iter()
                            .map(|p| format!("{} at {}", escape(&p.stage), escape(&p.at)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                };
                writeln!(
                    out,
                    "    {}: schedule {} -> {}",
                    escape(&e.environment),
                    list(&plan.from),
                    list(&plan.to)
                )?;
            }
            // A stage move implies its audience change; show the audience on its own only
            // when the stage stayed (extra segments or the pipeline changed).
            if e.from == e.to && e.audience.from != e.audience.to {
                writeln!(
                    out,
                    "    {}: audience {} -> {}",
                    escape(&e.environment),
                    aud(&e.audience.from),
                    aud(&e.audience.to)
                )?;
            }
        }
    }
    for s in &d.pipeline {
        let what = match s.change {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        };
        let desc = |st: &Option<crate::semdiff::StageJson>| match st {
            None => "-".to_string(),
            Some(st) => {
                let mut parts = vec![format!("#{}", st.position)];
                if !st.segments.is_empty() {
                    parts.push(format!("segments {}", st.segments.join(", ")));
                }
                if let Some(r) = st.rollout {
                    parts.push(format!("rollout {r}%"));
                }
                if let Some(d) = st.soak_days {
                    parts.push(format!("soak {d}d"));
                }
                escape(&parts.join(", ")).into_owned()
            }
        };
        writeln!(
            out,
            "pipeline stage `{}` {what}: {} -> {}",
            escape(&s.stage),
            desc(&s.from),
            desc(&s.to)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn value(v: &Option<String>) -> String {
    match v {
        Some(s) => format!("{:?}", escape(s).as_ref()),
        None => "(none)".into(),
    }
}
