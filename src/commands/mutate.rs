//! The flow every mutating command shares: plan -> diff -> confirm -> atomic write -> commit,
//! restoring the files when the commit fails. Also the prompts for missing arguments, which
//! only ever run when a person is at a terminal.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use std::path::Path;

pub(crate) use crate::change::FileChange;
use crate::change::Transaction;
use crate::commands::Ctx;
use crate::error::{UserError, unknown};
use crate::git::{CommitOptions, Git};
use crate::render::{escape, unified_diff};
use crate::repo::Repo;

/// Options shared by the mutating commands.
#[derive(Debug, Args)]
pub struct MutateArgs {
    /// Apply without asking for confirmation (required without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the diff and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Write the file but do not commit it
    #[arg(long, conflicts_with = "branch")]
    pub no_commit: bool,
    /// Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)
    #[arg(long, short = 'n')]
    pub no_verify: bool,
    /// Commit on branch NAME (created from HEAD if new) instead of the current branch; the
    /// work tree, the index and the current branch are not touched
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
}

/// What [`apply_change`] did.
pub(crate) enum Outcome {
    /// Committed: the new commit's id and its message.
    Committed {
        id: crate::git::CommitId,
        message: String,
    },
    /// Written without a commit (`--no-commit`, or outside git); already reported.
    Written,
    /// Nothing was written: `--dry-run`, or the person declined; already reported.
    Unchanged,
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

/// What a change needs of the files it reads the stages and gates from (`flags.yaml` and the
/// environment files).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Guard {
    /// Refuse on any error there: a broken file would silently stand in for the default
    /// pipeline or drop a gate.
    Pipeline,
    /// The emergency path (`demote`): refuse only when `flags.yaml` cannot be read (the stages
    /// would be the default ones, and nothing can be served anyway); warn about the rest.
    Rollback,
}

/// The change a command plans from the flags root it is given: the repository it read, the
/// file changes and the commit message. No changes: the plan said why, nothing is done.
pub(crate) type Planned = (Repo, Vec<FileChange>, String);

/// Plans with `plan` and applies the result: on the flags root `root` found for the command,
/// or with `--branch NAME` on the same root as it is at NAME's tip (in a temporary worktree,
/// so that the current work tree, index and branch are not touched; the branch is then moved
/// to the new commit).
pub(crate) fn on_target(
    ctx: &Ctx,
    root: &Path,
    opts: &MutateArgs,
    plan: impl FnOnce(&Path) -> Result<Planned>,
) -> Result<ExitCode> {
    let Some(name) = &opts.branch else {
        let (repo, changes, message) = plan(root)?;
        if changes.is_empty() {
            return Ok(ExitCode::SUCCESS);
        }
        let outcome = apply_change(ctx, &repo, &changes, &message, opts)?;
        if let Outcome::Committed { id, message } = outcome {
            let _ = writeln!(std::io::stderr(), "committed {}: {message}", id.short());
        }
        return Ok(ExitCode::SUCCESS);
    };
    // Refuse at once what would be refused later anyway, before making a worktree.
    check_can_confirm(opts)?;
    let git = Git::discover(root)?.ok_or_else(|| {
        UserError::new("`--branch` needs a git repository, and the flags root is not in one")
            .hint("leave out `--branch`")
    })?;
    let target = git.branch_target(name)?;
    let checkout = target.checkout()?;
    let branch_root = checkout.root();
    if !branch_root.join(crate::repo::SETTINGS_FILE).is_file() {
        return Err(UserError::new(format!(
            "branch `{}` has no flags root at `{}` (no `{}` there); nothing was changed",
            escape(name),
            escape(git.prefix().trim_end_matches('/')),
            crate::repo::SETTINGS_FILE
        ))
        .hint("pick a branch that has the flags repository, or a new branch name")
        .into());
    }
    let (repo, changes, message) = plan(&branch_root).map_err(|e| {
        e.context(format!(
            "on branch `{}` (the change is planned from the files at its tip, {})",
            escape(name),
            target.tip_short()
        ))
    })?;
    if changes.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let outcome = apply_change(ctx, &repo, &changes, &message, opts)?;
    if let Outcome::Committed { id, message } = outcome {
        target.advance(&checkout)?;
        let mut err = std::io::stderr();
        let _ = writeln!(
            err,
            "committed {} on branch `{}`: {message}",
            id.short(),
            escape(name)
        );
        let _ = writeln!(
            err,
            "publish it for review: git push -u origin {}",
            escape(name)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The flag key from the command line, or one chosen on a terminal (see [`keys_or_ask`]).
pub(crate) fn key_or_ask(root: &Path, key: Option<&str>, usage: &str) -> Result<String> {
    let given: Vec<String> = key.map(str::to_string).into_iter().collect();
    Ok(keys_or_ask(root, &given, usage)?
        .into_iter()
        .next()
        .unwrap_or_default())
}

/// The flag keys from the command line (each once), or one chosen on a terminal among
/// every flag under `root` (only then is the whole repository loaded).
pub(crate) fn keys_or_ask(root: &Path, keys: &[String], usage: &str) -> Result<Vec<String>> {
    if !keys.is_empty() {
        let mut out: Vec<String> = Vec::new();
        for k in keys {
            if !out.contains(k) {
                out.push(k.clone());
            }
        }
        return Ok(out);
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
    restore_terminal_on_ctrl_c();
    let i = prompt(
        dialoguer::FuzzySelect::new()
            .with_prompt("Flag")
            .items(&keys)
            .default(0)
            .interact_opt(),
    )?;
    Ok(vec![keys.get(i).copied().unwrap_or_default().to_string()])
}

/// Installs, once, a Ctrl-C handler that makes the cursor visible again before the process
/// ends: a prompt hides it, and the default handling of the signal would leave it hidden.
fn restore_terminal_on_ctrl_c() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            let _ = console::Term::stderr().show_cursor();
            // In a prompt the interrupted read returns to the command, which reports it and
            // exits 130 itself; elsewhere this ends the process as the signal would have.
            std::thread::sleep(std::time::Duration::from_millis(300));
            std::process::exit(130);
        });
    });
}

/// The answer of a prompt; Esc (`None`) cancels the command, changing nothing.
fn prompt<T>(answer: dialoguer::Result<Option<T>>) -> Result<T> {
    let _ = console::Term::stderr().show_cursor();
    match answer {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(crate::error::Cancelled { interrupted: false }.into()),
        Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
            Err(crate::error::Cancelled { interrupted: true }.into())
        }
        Err(e) => Err(anyhow::Error::from(e).context("reading the answer from the terminal")),
    }
}

/// Asks a yes/no question that waits for Enter: `y`/`yes` or `n`/`no` (default no); anything
/// else is asked again.
pub(crate) fn confirm(question: &str) -> Result<bool> {
    restore_terminal_on_ctrl_c();
    let answer = dialoguer::Input::<String>::new()
        .with_prompt(format!("{question} [y/N]"))
        .allow_empty(true)
        .validate_with(|a: &String| -> std::result::Result<(), String> {
            match a.trim().to_ascii_lowercase().as_str() {
                "" | "y" | "yes" | "n" | "no" => Ok(()),
                _ => Err("answer `y` (yes) or `n` (no)".to_string()),
            }
        })
        .interact_text()
        .map(Some);
    let answer: String = prompt(answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// The environments from `--env`, or one chosen on a terminal; each must exist.
pub(crate) fn envs_or_ask(repo: &Repo, envs: &[String], usage: &str) -> Result<Vec<String>> {
    envs_or_ask_for(repo, envs, &[], usage)
}

/// [`envs_or_ask`] whose picker shows where the flags `keys` are in each environment.
pub(crate) fn envs_or_ask_for(
    repo: &Repo,
    envs: &[String],
    keys: &[String],
    usage: &str,
) -> Result<Vec<String>> {
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
        let items: Vec<String> = order
            .iter()
            .map(|env| {
                let stages: Vec<String> = keys
                    .iter()
                    .filter_map(|k| repo.flags.iter().find(|f| &f.name == k))
                    .map(|f| {
                        let stage = escape(repo.state(&f.def, env).stage).into_owned();
                        if keys.len() == 1 {
                            stage
                        } else {
                            format!("{}: {stage}", escape(&f.name))
                        }
                    })
                    .collect();
                if stages.is_empty() {
                    env.to_string()
                } else {
                    format!("{env} (now {})", stages.join(", "))
                }
            })
            .collect();
        restore_terminal_on_ctrl_c();
        let i = prompt(
            dialoguer::FuzzySelect::new()
                .with_prompt("Environment")
                .items(&items)
                .default(0)
                .interact_opt(),
        )?;
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

/// A text value from the command line, or typed on a terminal, where a value `check`
/// rejects is asked for again with the reason. Without a terminal a missing value is an
/// error whose hint is the whole command (`usage`).
pub(crate) fn text_or_ask(
    value: Option<&str>,
    prompt_text: &str,
    what: &str,
    usage: &str,
    check: impl Fn(&str) -> std::result::Result<(), String>,
) -> Result<String> {
    if let Some(v) = value {
        return Ok(v.to_string());
    }
    if !interactive() {
        return Err(
            UserError::new(format!("missing {what} (no terminal to ask on)"))
                .hint(format!("pass it: `{usage}`"))
                .into(),
        );
    }
    restore_terminal_on_ctrl_c();
    let answer = dialoguer::Input::<String>::new()
        .with_prompt(prompt_text)
        .validate_with(|v: &String| check(v))
        .interact_text()
        .map(Some);
    prompt(answer)
}

/// Shows the change, asks, writes atomically and commits `changes` with `message`: the checks
/// that refuse before anything is shown, the diff and the question, then a [`Transaction`]
/// that the commit keeps (a refused commit puts the files back).
fn apply_change(
    ctx: &Ctx,
    repo: &Repo,
    changes: &[FileChange],
    message: &str,
    opts: &MutateArgs,
) -> Result<Outcome> {
    check_can_confirm(opts)?;
    crate::change::check_targets(&repo.root, changes)?;
    let ask = !opts.yes && !opts.dry_run;
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
            g.head()?
        }
        None => None,
    };
    show_diff(ctx, changes)?;
    if opts.dry_run {
        let _ = writeln!(std::io::stderr(), "dry run: nothing was written");
        return Ok(Outcome::Unchanged);
    }
    if ask {
        let question = match (&git, &opts.branch) {
            (Some(_), Some(b)) => format!("Commit this change on branch `{}`?", escape(b)),
            (Some(_), None) => "Write and commit this change?".to_string(),
            (None, _) => "Write this change?".to_string(),
        };
        if !confirm(&question)? {
            let _ = writeln!(std::io::stderr(), "nothing changed");
            return Ok(Outcome::Unchanged);
        }
        if let Some(g) = &git {
            lock = Some(g.lock()?);
            g.preflight(&files)?;
        }
    }
    let tx = Transaction::write(&repo.root, changes, lock)?;
    let Some(g) = &git else {
        let paths = changes
            .iter()
            .map(|c| escape(&c.rel).into_owned())
            .collect::<Vec<_>>()
            .join(", ");
        let why = if opts.no_commit {
            " (not committed: --no-commit)"
        } else {
            "; not in a git repository, so nothing was committed"
        };
        let _ = writeln!(std::io::stderr(), "wrote {paths}{why}");
        tx.keep();
        return Ok(Outcome::Written);
    };
    // The message names stages and environments from the files: keep controls out of git
    // history too (`git log` prints messages raw).
    let message = escape(message);
    let options = CommitOptions {
        no_verify: opts.no_verify,
    };
    let id = tx.commit(
        g,
        &message,
        head,
        options,
        "nothing was committed; the file was put back as it was",
    )?;
    Ok(Outcome::Committed {
        id,
        message: message.into_owned(),
    })
}

/// Refuses to plan a change from a broken `flags.yaml` or environment file (see [`Guard`]),
/// naming the first problem where it is, as `flags validate` does. Called by each mutating
/// command right after it loads the repository, before anything is planned (a prompt for a
/// missing key can come first: the key says which files to load).
pub(crate) fn check_pipeline(ctx: &Ctx, repo: &Repo, guard: Guard) -> Result<()> {
    let problems = crate::validate::pipeline_problems(repo);
    let refused = |p: &crate::problem::Problem| match guard {
        Guard::Pipeline => true,
        Guard::Rollback => {
            p.file == crate::repo::SETTINGS_FILE && repo.load_problems.iter().any(|l| l == p)
        }
    };
    if let Some(p) = problems.iter().find(|p| refused(p)) {
        let more = problems.len() - 1;
        return Err(UserError::new(format!(
            "{}: {}{}",
            super::validate::place(p),
            p.message,
            match more {
                0 => String::new(),
                1 => " (and 1 more problem)".to_string(),
                n => format!(" (and {n} more problems)"),
            }
        ))
        .hint("the stages and gates of a change come from `flags.yaml` and `environments/`: fix them first (`flags validate` shows every problem); nothing was changed")
        .into());
    }
    for p in &problems {
        super::warn(
            ctx,
            &format!(
                "{}: {} (the rollback goes ahead: `demote` is the emergency path)",
                super::validate::place(p),
                p.message
            ),
        );
    }
    Ok(())
}

/// Prints the unified diff of every change on stdout.
fn show_diff(ctx: &Ctx, changes: &[FileChange]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for c in changes {
        out.write_all(
            unified_diff(&c.rel, c.old.as_deref(), c.new.as_deref(), ctx.style.stdout).as_bytes(),
        )?;
    }
    out.flush()?;
    Ok(())
}
