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

/// Every flag whose due moves can be written is advanced in the one commit; a file the tool
/// cannot edit (a flow-style schedule) is named in a warning and left for a person, and the
/// exit code is then 1 (the command ran and found a problem), so a scheduled job notices.
pub fn run(ctx: &Ctx, args: &AdvanceArgs) -> Result<ExitCode> {
    let found = crate::discover::find_root(&ctx.dir)?;
    let skipped = std::cell::Cell::new(false);
    let code = mutate::on_target(ctx, &found, &args.mutate, |root| plan(ctx, root, &skipped))?;
    Ok(if skipped.get() {
        ExitCode::from(1)
    } else {
        code
    })
}

/// Plans writing every due entry of every flag into its file.
fn plan(
    ctx: &Ctx,
    root: &std::path::Path,
    skipped_any: &std::cell::Cell<bool>,
) -> Result<mutate::Planned> {
    let repo = crate::repo::Repo::load(root);
    mutate::check_pipeline(ctx, &repo, mutate::Guard::Pipeline)?;
    super::warn_if_incomplete(ctx, &repo);
    let now = Timestamp::now();
    let mut changes = Vec::new();
    let mut moves = Vec::new();
    let mut skipped: Vec<anyhow::Error> = Vec::new();
    for flag in &repo.flags {
        let due = crate::schedule::due(&repo, &flag.def, now);
        if due.is_empty() {
            continue;
        }
        // A file the tool cannot edit (a flow-style schedule, say) is left for a person;
        // every other flag still advances.
        let edited = due.iter().try_fold(
            (flag.source.clone(), Vec::new()),
            |(text, mut said), d| -> Result<(String, Vec<String>)> {
                let edit = StageEdit {
                    env: d.env.clone(),
                    stage: d.stage.clone(),
                    since: d.at.date().to_string(),
                };
                let text = crate::edit::set_stage(&text, &edit)
                    .and_then(|t| crate::edit_schedule::drop_first(&t, &d.env, d.drop))
                    .with_context(|| format!("advancing `{}` in `{}`", flag.path, d.env))?;
                said.push(format!(
                    "{} to {} in {} (due since {})",
                    escape(&flag.name),
                    escape(&d.stage),
                    d.env,
                    d.at
                ));
                Ok((text, said))
            },
        );
        let text = match edited {
            Ok((text, said)) => {
                moves.extend(said);
                text
            }
            Err(e) => {
                skipped.push(e);
                continue;
            }
        };
        changes.push(mutate::FileChange {
            rel: flag.path.clone(),
            old: Some(flag.source.clone()),
            new: Some(text),
        });
    }
    if changes.is_empty() && !skipped.is_empty() {
        let each: Vec<String> = skipped.iter().map(|e| format!("  {e:#}")).collect();
        return Err(crate::error::UserError::new(format!(
            "scheduled moves are due, but the tool cannot edit {} they are in; nothing changed:\n{}",
            if skipped.len() == 1 { "the file" } else { "the files" },
            each.join("\n")
        ))
        .hint("advance them by hand (write the due stage into `stage` and `since`, and remove the entry)")
        .into());
    }
    for e in &skipped {
        super::warn(
            ctx,
            &format!("{e:#}; advance it by hand (the other flags advance)"),
        );
    }
    skipped_any.set(!skipped.is_empty());
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
