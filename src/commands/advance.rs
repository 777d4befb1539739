//! `flags advance`: every schedule entry that is due, in every flag, written into `stage` and
//! `since` (the entry removed), in one commit (PRODUCT.md section 9). Meant for a scheduled
//! CI job: it keeps the files telling what is served.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use super::mutate::{self, MutateArgs};
use crate::commands::Ctx;
use crate::date::Timestamp;
use crate::edit::StageEdit;
use crate::render::escape;

#[derive(Debug, Args)]
pub struct AdvanceArgs {
    #[command(flatten)]
    pub mutate: MutateArgs,
}

pub fn run(ctx: &Ctx, args: &AdvanceArgs) -> Result<ExitCode> {
    let found = crate::discover::find_root(&ctx.dir)?;
    mutate::on_target(ctx, &found, &args.mutate, |root| plan(ctx, root))
}

/// Plans writing every due entry of every flag into its file.
fn plan(ctx: &Ctx, root: &std::path::Path) -> Result<mutate::Planned> {
    let repo = crate::repo::Repo::load(root);
    mutate::check_pipeline(ctx, &repo, mutate::Guard::Pipeline)?;
    super::warn_if_incomplete(ctx, &repo);
    let now = Timestamp::now();
    let mut changes = Vec::new();
    let mut moves = Vec::new();
    for flag in &repo.flags {
        let due = crate::schedule::due(&repo, &flag.def, now);
        if due.is_empty() {
            continue;
        }
        let mut text = flag.source.clone();
        for d in &due {
            let edit = StageEdit {
                env: d.env.clone(),
                stage: d.stage.clone(),
                since: d.at.date().to_string(),
            };
            text = crate::edit::set_stage(&text, &edit)
                .and_then(|t| crate::edit_schedule::drop_first(&t, &d.env, d.drop))
                .with_context(|| format!("advancing `{}` in `{}`", flag.path, d.env))?;
            moves.push(format!(
                "{} to {} in {} (due since {})",
                escape(&flag.name),
                escape(&d.stage),
                d.env,
                d.at
            ));
        }
        changes.push(mutate::FileChange {
            rel: flag.path.clone(),
            old: Some(flag.source.clone()),
            new: Some(text),
        });
    }
    let mut err = std::io::stderr().lock();
    if changes.is_empty() {
        let _ = writeln!(
            err,
            "no scheduled move is due (now is {now}); nothing changed"
        );
        return Ok((repo, Vec::new(), String::new()));
    }
    for m in &moves {
        let _ = writeln!(err, "advance {m}");
    }
    drop(err);
    let n = changes.len();
    let message = if n == 1 {
        "flags: advance 1 flag to its scheduled stage".to_string()
    } else {
        format!("flags: advance {n} flags to their scheduled stages")
    };
    Ok((repo, changes, message))
}
