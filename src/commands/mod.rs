//! One module per subcommand: parse context, call the model, render.

pub mod advance;
pub(crate) mod advice;
pub mod cli;
pub(crate) mod common;
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
pub mod schedule;
pub mod schema;
pub mod show;
pub mod stale;
pub mod validate;

use std::io::Write;

use crate::repo::Repo;
pub use cli::{Cli, Ctx, DataFormat, FormatArg, use_color};

/// Warns on stderr when some files could not be loaded, so partial output is not mistaken
/// for the whole repository, and when a flag key is defined by several files (their rows all
/// show, under one key).
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
    // Keys must be unique (validation's error); until they are, say which rows share one.
    let mut files: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for f in &repo.flags {
        files
            .entry(f.name.as_str())
            .or_default()
            .push(f.path.as_str());
    }
    for (key, paths) in files.iter().filter(|(_, p)| p.len() > 1) {
        warn(
            ctx,
            &format!(
                "flag key `{key}` is defined {} times ({}); keys must be unique: rename or remove the extra files (`flags validate` reports it)",
                paths.len(),
                paths.join(", ")
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

/// Refuses to go on only when what `env` serves (of the flag `flag`, or of every flag) is
/// undefined: a file it needs cannot be read, or names a segment or stage that does not
/// exist. Every other error (pipeline order such as a gate broken by a rollback, metadata)
/// is printed as a warning: an emergency rollback must always reach run time.
pub(crate) fn require_servable(
    ctx: &Ctx,
    repo: &Repo,
    envs: &[String],
    flag: Option<&str>,
) -> anyhow::Result<()> {
    let problems = crate::validate::validate(repo, crate::date::Date::today());
    let needed: Vec<_> = envs
        .iter()
        .map(|env| crate::validate::Needed::new(repo, env, flag))
        .collect();
    let (blocking, other): (Vec<_>, Vec<_>) = problems
        .iter()
        .filter(|p| p.is_error())
        .partition(|p| needed.iter().any(|n| n.blocked_by(p)));
    const SHOWN: usize = 5;
    for p in other.iter().take(SHOWN) {
        warn(ctx, &format!("{}: {}", validate::place(p), p.message));
    }
    if other.len() > SHOWN {
        warn(
            ctx,
            &format!(
                "and {} more problems that do not change what is served; `flags validate` lists them all",
                other.len() - SHOWN
            ),
        );
    }
    if blocking.is_empty() {
        return Ok(());
    }
    let mut err = std::io::stderr().lock();
    for p in &blocking {
        let label = crate::render::paint(ctx.style.stderr, crate::render::RED, "error");
        let _ = writeln!(
            err,
            "{}: {label}: {}",
            validate::place(p),
            crate::render::escape_message(&p.message)
        );
    }
    let undefined: Vec<String> = envs
        .iter()
        .zip(&needed)
        .filter(|(_, n)| blocking.iter().any(|p| n.blocked_by(p)))
        .map(|(env, _)| format!("`{env}`"))
        .collect();
    let what = match flag {
        Some(k) => format!("`{}` in {}", crate::render::escape(k), undefined.join(", ")),
        None => undefined.join(", "),
    };
    Err(crate::error::UserError::new(format!(
        "what {what} serve{} undefined: {} error{} above",
        if flag.is_none() && undefined.len() > 1 {
            " is"
        } else {
            "s is"
        },
        blocking.len(),
        if blocking.len() == 1 { "" } else { "s" }
    ))
    .hint("fix them, then try again (`flags validate` lists every problem)")
    .into())
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
    stage_history_dating(ctx, repo, Default::default())
}

/// As [`stage_history`], also dating the flags `date` (their stages at HEAD included).
pub(crate) fn stage_history_dating(
    ctx: &Ctx,
    repo: &Repo,
    date: std::collections::HashSet<String>,
) -> anyhow::Result<Option<crate::git::history::History>> {
    let Some(loc) = crate::git::locate(&repo.root) else {
        return Ok(None);
    };
    let h = loc.walk(&crate::git::history::WalkOptions {
        transitions: true,
        date,
    })?;
    // Leave libgit2's filled caches to the process exit rather than freeing them one by one.
    std::mem::forget(loc);
    warn_shallow(ctx, &h);
    Ok(Some(h))
}
