//! `flags init [DIR]`: scaffold a flags repository that validates clean.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::change::{FileChange, Transaction};
use crate::commands::Ctx;
use crate::error::UserError;
use crate::git::{CommitOptions, Git};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to create the flags repository in (default: the current directory, or -C)
    #[arg(id = "target_dir", value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Write the files but do not commit them (in a git work tree they are committed)
    #[arg(long)]
    pub no_commit: bool,
    /// Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)
    #[arg(long, short = 'n')]
    pub no_verify: bool,
}

/// The files `init` writes, relative to the new root.
pub const SCAFFOLD: &[(&str, &str)] = &[
    (
        "flags.yaml",
        "# flags settings (`flags schema settings` describes every field)
pipeline:                  # ordered stages; every flag walks them one at a time, per environment
  - stage: internal
    segments: [internal]   # audience added at this stage (audiences are cumulative)
  - stage: partners
    segments: [partners]
  - stage: everyone
    rollout: 100           # percent of all users; the last stage must reach 100
cleanup:
  after_days: 30           # temporary flag at the last stage everywhere this long -> ready for cleanup
  stalled_days: 90         # temporary flag not fully rolled out this long after creation -> stalled
",
    ),
    ("environments/development.yaml", "description: Local and preview deployments\n"),
    ("environments/staging.yaml", "description: Pre-production\nafter: development        # a flag here is never ahead of development\n"),
    ("environments/production.yaml", "description: Customer-facing\nafter: staging            # a flag here is never ahead of staging\n"),
    (
        "segments/internal.yaml",
        "description: Employees
rules:
  - attribute: email
    op: ends_with
    values: [\"@example.com\"]   # your company's email domain
",
    ),
    (
        "segments/partners.yaml",
        "description: External partners who get features early
users: []                  # targeting keys of partner accounts
",
    ),
    ("flags/.gitkeep", ""),
];

pub fn run(ctx: &Ctx, args: &InitArgs) -> anyhow::Result<ExitCode> {
    let dir = match &args.dir {
        Some(d) if d.is_relative() => ctx.dir.join(d),
        Some(d) => d.clone(),
        None => ctx.dir.clone(),
    };
    if dir.join(crate::repo::SETTINGS_FILE).exists() {
        return Err(UserError::new(format!(
            "`{}` already holds a flags repository (`flags.yaml` exists)",
            dir.display()
        ))
        .hint("nothing was changed; run `flags validate` to check it")
        .into());
    }
    // Inside another flags root's `flags/`, `segments/` or `environments/`, the scaffold's
    // files would be read as that root's flags, segments or environments.
    let abs = std::path::absolute(&dir).unwrap_or_else(|_| dir.clone());
    for outer in abs.ancestors().skip(1) {
        if !outer.join(crate::repo::SETTINGS_FILE).is_file() {
            continue;
        }
        if let Some(folder) = ["flags", "segments", "environments"]
            .into_iter()
            .find(|f| abs.starts_with(outer.join(f)))
        {
            return Err(UserError::new(format!(
                "`{}` is inside the `{folder}/` folder of the flags repository in `{}`, which would read the new files as its own; nothing was changed",
                abs.display(),
                outer.display()
            ))
            .hint("create it outside that repository's `flags/`, `segments/` and `environments/` folders")
            .into());
        }
    }
    for (rel, _) in SCAFFOLD {
        if dir.join(rel).exists() {
            return Err(
                UserError::new(format!("`{}` already exists", dir.join(rel).display()))
                    .hint("nothing was changed; run `flags init` in an empty directory")
                    .into(),
            );
        }
    }
    // In a git work tree the scaffold is committed (only these files, as every mutating
    // command commits), so that a clone has the flags root: check before writing anything.
    // The folders this run creates (deepest first), removed again if it fails.
    let created: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
        .map(PathBuf::from)
        .collect();
    let result = scaffold(&dir, args);
    if result.is_err() {
        for d in &created {
            let _ = std::fs::remove_dir(d);
        }
    }
    let committed = result?;
    let mut err = std::io::stderr().lock();
    writeln!(err, "created a flags repository in `{}`", dir.display())?;
    if let Some(line) = committed {
        writeln!(err, "{line}")?;
    }
    writeln!(
        err,
        "next: set your email domain in segments/internal.yaml, then `flags validate`"
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the scaffold into `dir` and commits it when `dir` is in a git work tree (unless
/// `--no-commit`); the line to print about the commit, if one was made. On an error nothing
/// is left written.
fn scaffold(dir: &Path, args: &InitArgs) -> anyhow::Result<Option<String>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating `{}`", dir.display()))?;
    let changes: Vec<FileChange> = SCAFFOLD
        .iter()
        .map(|(rel, text)| FileChange {
            rel: rel.to_string(),
            old: None,
            new: Some(text.to_string()),
        })
        .collect();
    let git = if args.no_commit {
        None
    } else {
        Git::discover(dir)?
    };
    let Some(git) = git else {
        Transaction::write(dir, &changes, None)?.keep();
        return Ok(None);
    };
    let lock = git.lock()?;
    let files: Vec<&str> = SCAFFOLD.iter().map(|(rel, _)| *rel).collect();
    git.preflight(&files)?;
    let head = git.head()?;
    let tx = Transaction::write(dir, &changes, Some(lock))?;
    let prefix = git.prefix().trim_end_matches('/');
    let message = if prefix.is_empty() {
        "flags: init".to_string()
    } else {
        format!("flags: init {prefix}")
    };
    let options = CommitOptions {
        no_verify: args.no_verify,
    };
    let id = tx.commit(
        &git,
        &message,
        head,
        options,
        "nothing was committed; the files were removed again",
    )?;
    Ok(Some(format!("committed {}: {message}", id.short())))
}
