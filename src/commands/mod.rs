//! One module per subcommand: parse context, call the model, render.

pub mod completions;
pub mod demote;
pub mod diff;
pub mod eval;
pub mod export;
pub mod init;
pub mod list;
pub mod log;
pub(crate) mod mutate;
pub mod new;
pub mod promote;
pub mod refs;
pub mod remove;
pub mod schema;
pub mod show;
pub mod stale;
pub mod validate;

use std::io::Write;

use crate::cli::Ctx;
use crate::repo::Repo;

/// Warns on stderr when some files could not be loaded, so partial output is not mistaken
/// for the whole repository.
pub(crate) fn warn_if_incomplete(ctx: &Ctx, repo: &Repo) {
    let broken: std::collections::BTreeSet<&str> = repo
        .load_problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.file.as_str())
        .collect();
    if !broken.is_empty() {
        warn(
            ctx,
            &format!(
                "{} file(s) could not be read and are left out ({}); run `flags validate` for details",
                broken.len(),
                broken.into_iter().collect::<Vec<_>>().join(", ")
            ),
        );
    }
}

/// Writes JSON followed by a newline.
pub(crate) fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    // Serialize first: an `io::Error` (a closed pipe) must reach the caller as itself, not
    // wrapped in serde_json's error, so `flags ... | head` exits quietly.
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

/// Refuses to go on when the repository has validation errors: evaluating or exporting a
/// broken definition would serve something nobody reviewed.
pub(crate) fn require_valid(repo: &Repo) -> anyhow::Result<()> {
    let errors = crate::validate::validate(repo, crate::date::Date::today())
        .iter()
        .filter(|p| p.is_error())
        .count();
    if errors > 0 {
        return Err(crate::error::UserError::new(format!(
            "the flags repository has {errors} error{}",
            if errors == 1 { "" } else { "s" }
        ))
        .hint("run `flags validate` to see them, fix them, then try again")
        .into());
    }
    Ok(())
}

/// Prints `warning: MESSAGE` to stderr.
pub(crate) fn warn(ctx: &Ctx, message: &str) {
    let label = crate::render::paint(ctx.style.stderr, crate::render::YELLOW, "warning");
    let _ = writeln!(
        std::io::stderr(),
        "{label}: {}",
        crate::render::escape_message(message)
    );
}

/// Says on stderr that history is incomplete, and how to get all of it.
pub(crate) fn warn_shallow(ctx: &Ctx, history: &crate::git::history::History) {
    if !history.shallow {
        return;
    }
    let cut = match history.shallow_boundary {
        Some(d) => format!("history before {d} is missing, so dates it cut off are unknown"),
        None => "the dates shown were all found in the history that is there".to_string(),
    };
    warn(
        ctx,
        &format!(
            "this is a shallow clone: {cut}; fetch all history with `git fetch --unshallow` (in GitHub Actions: `fetch-depth: 0` on actions/checkout)"
        ),
    );
}

/// Every stage transition in the history of the git repository around the flags root (one
/// walk), or `None` outside git. Warns on stderr when the clone is shallow.
pub(crate) fn stage_history(
    ctx: &Ctx,
    repo: &Repo,
) -> anyhow::Result<Option<crate::git::history::History>> {
    use crate::git::history::{WalkOptions, walk};
    let Some(loc) = crate::git::locate(&repo.root) else {
        return Ok(None);
    };
    let h = walk(
        &loc.repo,
        &loc.root_rel,
        &WalkOptions {
            transitions: true,
            ..WalkOptions::default()
        },
    )?;
    // Leave libgit2's filled caches to the process exit rather than freeing them one by one.
    std::mem::forget(loc);
    warn_shallow(ctx, &h);
    Ok(Some(h))
}
