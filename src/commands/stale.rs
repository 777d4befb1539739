//! `flags stale`: the flags ready for cleanup, with owners, dates and code references.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use crate::commands::{Ctx, DataFormat, FormatArg};
use crate::date::Date;
use crate::git::history::WalkOptions;
use crate::render::{escape, table, table_lines};
use crate::stale::{Context, needs_history, report};

#[derive(Debug, Args)]
pub struct StaleArgs {
    /// Report what will be stale by DATE (YYYY-MM-DD) instead of today
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Count references in DIR (default: the enclosing git repository)
    #[arg(long, value_name = "DIR")]
    pub refs: Option<PathBuf>,
    /// Exit 1 when there are candidates (for scheduled CI jobs)
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn run(ctx: &Ctx, args: &StaleArgs) -> anyhow::Result<ExitCode> {
    let today = Date::today();
    let as_of = match &args.as_of {
        Some(s) => Date::parse(s).ok_or_else(|| {
            crate::user_error!("`--as-of {}` is not a date", escape(s))
                .hint("write it as YYYY-MM-DD, e.g. 2026-12-31")
        })?,
        None => today,
    };
    // Three independent jobs run at once: the history walk (one thread, git), loading the
    // flags (rayon), then the reference search for every flag that could be a candidate
    // (the `ignore` walker's threads). Counting references for a few more keys than needed
    // costs nothing extra in a single pass, and it does not have to wait for the walk.
    let root = crate::discover::find_root(&ctx.dir)?;
    let (repo, walked, counts) = std::thread::scope(|scope| -> anyhow::Result<_> {
        let load = scope.spawn(|| -> anyhow::Result<_> {
            let repo = crate::repo::Repo::load(&root);
            let refs_dir = args
                .refs
                .as_ref()
                .map(|p| ctx.dir.join(p))
                .or_else(|| crate::git::locate(&repo.root).map(|l| l.workdir));
            let counts: Option<BTreeMap<String, usize>> = match refs_dir {
                Some(dir) => {
                    let keys: Vec<String> = repo
                        .flags
                        .iter()
                        .filter(|f| f.def.kind.value.is_temporary() || f.def.expires.is_some())
                        .map(|f| f.name.clone())
                        .collect();
                    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
                    for r in crate::refs::find(&repo.root, &keys, &dir)? {
                        *counts.entry(r.key).or_default() += 1;
                    }
                    Some(counts)
                }
                None => None,
            };
            Ok((repo, counts))
        });
        // The walk stays on the main thread: its many small allocations are cheapest in the
        // main malloc arena (a thread arena grows by mprotect calls, tens of thousands here).
        let walked = match crate::git::locate(&root) {
            None => None,
            Some(loc) => {
                let wanted = loc.flags_at_head()?;
                let h = loc.walk(&WalkOptions {
                    transitions: false,
                    date: wanted,
                })?;
                // The walk filled libgit2's caches: freeing them entry by entry costs more
                // than the process exit that follows does.
                std::mem::forget(loc);
                Some(h)
            }
        };
        let (repo, counts) = load
            .join()
            .map_err(|_| anyhow::anyhow!("loading the flags panicked"))??;
        Ok((repo, walked, counts))
    })?;
    super::warn_if_incomplete(ctx, &repo);
    let needs: bool = repo.flags.iter().any(|f| needs_history(&repo, &f.def));
    match &walked {
        Some(h) if needs => super::warn_shallow(ctx, h),
        None if needs => super::warn(
            ctx,
            "not in a git repository: dates come only from `since` and `created` in the files; flags without them are left out",
        ),
        _ => {}
    }
    let result = report(
        &repo,
        &Context {
            history: walked.as_ref().map(|h| &h.flags),
            as_of,
            today,
            // `--as-of DATE` counts what is in force by the end of that day.
            at: match &args.as_of {
                Some(_) => crate::date::Timestamp::end_of(as_of),
                None => crate::date::Timestamp::now(),
            },
        },
    );
    if !result.undated.is_empty() {
        super::warn(
            ctx,
            &format!(
                "{} temporary flag(s) could not be dated (no `since`/`created` and not in git history) and are left out: {}",
                result.undated.len(),
                result.undated.join(", ")
            ),
        );
    }

    let references = |key: &str| counts.as_ref().map(|c| c.get(key).copied().unwrap_or(0));

    match args.format.format {
        DataFormat::Json => {
            let rows: Vec<_> = result
                .candidates
                .iter()
                .map(|c| {
                    json!({
                        "key": c.key,
                        "owner": c.owner,
                        "type": c.kind,
                        "reason": c.reason,
                        "since": c.since,
                        "days": c.days,
                        "references": references(&c.key),
                    })
                })
                .collect();
            super::print_json(&rows)?;
        }
        DataFormat::Table => {
            let mut t = table(&["FLAG", "OWNER", "REASON", "SINCE", "DAYS", "REFERENCES"]);
            for c in &result.candidates {
                t.add_row(vec![
                    escape(&c.key).into_owned(),
                    escape(&c.owner).into_owned(),
                    c.reason.as_str().to_string(),
                    c.since.map_or("unknown".to_string(), |d| d.to_string()),
                    c.days.map_or("-".to_string(), |d| d.to_string()),
                    references(&c.key).map_or("-".to_string(), |n| n.to_string()),
                ]);
            }
            if !result.candidates.is_empty() {
                std::io::stdout()
                    .lock()
                    .write_all(table_lines(&mut t).as_bytes())?;
            }
            let _ = writeln!(
                std::io::stderr(),
                "{} cleanup candidate(s) among {} flags as of {as_of}",
                result.candidates.len(),
                repo.flags.len()
            );
        }
    }
    Ok(if args.check && !result.candidates.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
