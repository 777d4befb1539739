//! The flow every mutating command shares: plan -> diff -> confirm -> atomic write -> commit,
//! restoring the files when the commit fails. Also the prompts for missing arguments, which
//! only ever run when a person is at a terminal.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use crate::cli::Ctx;
use crate::error::{UserError, unknown};
use crate::fsutil::atomic_write;
use crate::git::{Git, Touch};
use crate::render::{escape, unified_diff};
use crate::repo::Repo;

/// Options shared by `new`, `promote` and `demote`.
#[derive(Debug, Args)]
pub struct MutateArgs {
    /// Apply without asking for confirmation (required without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the diff and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Write the file but do not commit it
    #[arg(long)]
    pub no_commit: bool,
}

/// One file to change, relative to the flags root. `old`/`new` are `None` for a file that
/// does not exist before/after.
pub(crate) struct FileChange {
    pub rel: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Whether a person can answer a question: stdin and stderr are both terminals.
pub(crate) fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Refuses at once when the change would need a confirmation and nobody can give one.
pub(crate) fn check_can_confirm(opts: &MutateArgs) -> Result<()> {
    if !opts.yes && !opts.dry_run && !interactive() {
        return Err(UserError::new(
            "refusing to change files without confirmation: there is no terminal to ask on",
        )
        .hint("pass `--yes` to apply the change, or `--dry-run` to only see it")
        .into());
    }
    Ok(())
}

/// The flag key from the command line, or chosen on a terminal among every flag under
/// `root` (only then is the whole repository loaded).
pub(crate) fn key_or_ask(root: &std::path::Path, key: Option<&str>, usage: &str) -> Result<String> {
    if let Some(k) = key {
        return Ok(k.to_string());
    }
    if !interactive() {
        return Err(UserError::new("missing flag KEY (no terminal to ask on)")
            .hint(format!("pass it: `{usage}`"))
            .into());
    }
    let repo = Repo::load(root);
    let keys: Vec<&str> = repo.flags.iter().map(|f| f.name.as_str()).collect();
    if keys.is_empty() {
        return Err(UserError::new("there are no flags yet")
            .hint("create one with `flags new KEY`")
            .into());
    }
    let i = dialoguer::FuzzySelect::new()
        .with_prompt("Flag")
        .items(&keys)
        .default(0)
        .interact()?;
    Ok(keys.get(i).copied().unwrap_or_default().to_string())
}

/// The environments from `--env`, or one chosen on a terminal; each must exist.
pub(crate) fn envs_or_ask(repo: &Repo, envs: &[String], usage: &str) -> Result<Vec<String>> {
    let order = repo.environment_order();
    let chosen = if !envs.is_empty() {
        envs.to_vec()
    } else if !interactive() {
        return Err(UserError::new("missing `--env` (no terminal to ask on)")
            .hint(format!("pass it: `{usage}`"))
            .into());
    } else {
        if order.is_empty() {
            return Err(UserError::new("there are no environments")
                .hint("add one under `environments/`")
                .into());
        }
        let i = dialoguer::FuzzySelect::new()
            .with_prompt("Environment")
            .items(&order)
            .default(0)
            .interact()?;
        vec![order.get(i).copied().unwrap_or_default().to_string()]
    };
    for e in &chosen {
        if repo.environment(e).is_none() {
            return Err(unknown("environment", e, order.iter().copied()).into());
        }
    }
    // Gate order, each once: a gated environment is checked after the one it follows.
    let mut sorted: Vec<String> = order
        .iter()
        .filter(|o| chosen.iter().any(|c| c == *o))
        .map(|s| s.to_string())
        .collect();
    sorted.dedup();
    Ok(sorted)
}

/// A text value from the command line, or typed on a terminal.
pub(crate) fn text_or_ask(value: Option<&str>, prompt: &str, flag: &str) -> Result<String> {
    if let Some(v) = value {
        return Ok(v.to_string());
    }
    if !interactive() {
        return Err(
            UserError::new(format!("missing `{flag}` (no terminal to ask on)"))
                .hint(format!("pass `{flag} VALUE`"))
                .into(),
        );
    }
    Ok(dialoguer::Input::<String>::new()
        .with_prompt(prompt)
        .interact_text()?)
}

/// Shows the change, asks, writes atomically and commits `changes` with `message`.
pub(crate) fn apply(
    ctx: &Ctx,
    repo: &Repo,
    changes: &[FileChange],
    message: &str,
    opts: &MutateArgs,
) -> Result<ExitCode> {
    // The stages and gates a change is planned with come from these files: a broken one
    // would silently stand in for the default pipeline or drop a gate.
    if let Some(p) = repo.load_problems.iter().find(|p| {
        p.is_error()
            && (p.file == crate::repo::SETTINGS_FILE || p.file.starts_with("environments/"))
    }) {
        return Err(UserError::new(format!(
            "`{}` cannot be read: {}",
            escape(&p.file),
            escape(&p.message)
        ))
        .hint("fix it first (`flags validate` shows every problem); nothing was changed")
        .into());
    }
    check_can_confirm(opts)?;
    let ask = !opts.yes && !opts.dry_run;
    for c in changes {
        let path = repo.root.join(&c.rel);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(UserError::new(format!(
                "`{}` is a symbolic link; replacing it would turn it into a copy",
                escape(&c.rel)
            ))
            .hint("edit the file it points to by hand, or replace the link with the file itself")
            .into());
        }
    }
    let git = if opts.no_commit || opts.dry_run {
        None
    } else {
        Git::discover(&repo.root)?
    };
    let files: Vec<&str> = changes.iter().map(|c| c.rel.as_str()).collect();
    // Concurrent `flags` runs queue on one lock from their last checks to their commit. With
    // `--yes` it is taken now, so the checks and HEAD below are the ones the commit builds
    // on; when a person confirms, only after the answer (HEAD must then not have moved since
    // the diff was shown).
    let mut lock = match &git {
        Some(g) if !ask => Some(g.lock()?),
        _ => None,
    };
    let head = match &git {
        Some(g) => {
            g.preflight(&files)?;
            Some(g.head()?)
        }
        None => None,
    };

    {
        let mut out = std::io::stdout().lock();
        for c in changes {
            out.write_all(
                unified_diff(&c.rel, c.old.as_deref(), c.new.as_deref(), ctx.style.stdout)
                    .as_bytes(),
            )?;
        }
        out.flush()?;
    }
    if opts.dry_run {
        let _ = writeln!(std::io::stderr(), "dry run: nothing was written");
        return Ok(ExitCode::SUCCESS);
    }
    if ask {
        let yes = dialoguer::Confirm::new()
            .with_prompt(if git.is_some() {
                "Write and commit this change?"
            } else {
                "Write this change?"
            })
            .default(false)
            .interact()?;
        if !yes {
            return Err(UserError::new("cancelled; nothing was changed").into());
        }
        if let Some(g) = &git {
            lock = Some(g.lock()?);
            g.preflight(&files)?;
        }
    }
    // The plan was made from the files as read before the lock: if another run changed one
    // since, writing now would undo that change.
    for c in changes {
        let path = repo.root.join(&c.rel);
        let now = match std::fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("reading `{}`", path.display())),
        };
        if now.as_deref() != c.old.as_deref().map(str::as_bytes) {
            return Err(UserError::new(format!(
                "`{}` changed while the command ran (another `flags` or editor); nothing was changed",
                escape(&c.rel)
            ))
            .hint("run the command again")
            .into());
        }
    }

    // Write; on any failure put back what was there.
    let write_all = || -> Result<()> {
        for c in changes {
            let path = repo.root.join(&c.rel);
            match &c.new {
                Some(text) => {
                    if let Some(dir) = path.parent() {
                        std::fs::create_dir_all(dir)
                            .with_context(|| format!("creating `{}`", dir.display()))?;
                    }
                    atomic_write(&path, text.as_bytes())?;
                }
                None => std::fs::remove_file(&path)
                    .with_context(|| format!("removing `{}`", path.display()))?,
            }
        }
        Ok(())
    };
    if let Err(e) = write_all() {
        restore(repo, changes);
        return Err(e);
    }

    let paths = changes
        .iter()
        .map(|c| escape(&c.rel).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    let mut stderr = std::io::stderr();
    match (&git, head) {
        (Some(g), Some(head)) => {
            let touched: Vec<(&str, Touch)> = changes
                .iter()
                .map(|c| {
                    (
                        c.rel.as_str(),
                        if c.new.is_some() {
                            Touch::Write
                        } else {
                            Touch::Delete
                        },
                    )
                })
                .collect();
            // The message names stages and environments from the files: keep controls out of
            // git history too (`git log` prints messages raw).
            let message = escape(message);
            match g.commit(&touched, &message, head) {
                Ok(oid) => {
                    let short = oid.to_string().chars().take(7).collect::<String>();
                    let _ = writeln!(stderr, "committed {short}: {message}");
                }
                Err(e) => {
                    restore(repo, changes);
                    return Err(e.context("nothing was committed; the file was put back as it was"));
                }
            }
        }
        _ if opts.no_commit => {
            let _ = writeln!(stderr, "wrote {paths} (not committed: --no-commit)");
        }
        _ => {
            let _ = writeln!(
                stderr,
                "wrote {paths}; not in a git repository, so nothing was committed"
            );
        }
    }
    drop(lock);
    Ok(ExitCode::SUCCESS)
}

/// Puts files back as they were before the command (best effort: the error that led here
/// is what the user sees).
fn restore(repo: &Repo, changes: &[FileChange]) {
    for c in changes {
        let path = repo.root.join(&c.rel);
        match &c.old {
            Some(text) => {
                let _ = atomic_write(&path, text.as_bytes());
            }
            None => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}
