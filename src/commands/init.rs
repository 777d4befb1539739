//! `flags init [DIR]`: scaffold a flags repository that validates clean.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::cli::Ctx;
use crate::error::UserError;
use crate::fsutil::atomic_write;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to create the flags repository in (default: the current directory, or -C)
    pub dir: Option<PathBuf>,
}

/// The files `init` writes, relative to the new root.
pub const SCAFFOLD: &[(&str, &str)] = &[
    (
        "flags.yaml",
        "# flags settings: https://github.com/flags-rs/flags#file-format
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
    for (rel, _) in SCAFFOLD {
        if dir.join(rel).exists() {
            return Err(
                UserError::new(format!("`{}` already exists", dir.join(rel).display()))
                    .hint("nothing was changed; run `flags init` in an empty directory")
                    .into(),
            );
        }
    }
    for (rel, contents) in SCAFFOLD {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating `{}`", parent.display()))?;
        }
        atomic_write(&path, contents.as_bytes())?;
    }
    let mut err = std::io::stderr().lock();
    writeln!(err, "created a flags repository in `{}`", dir.display())?;
    writeln!(
        err,
        "next: set your email domain in segments/internal.yaml, then `flags validate`"
    )?;
    Ok(ExitCode::SUCCESS)
}
