//! `flags export --env E [--format flagd|json|openfeature] [-o FILE]`: one environment compiled for run time.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::cli::Ctx;
use crate::error::unknown;
use crate::render::escape;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Environment to export
    #[arg(long, value_name = "ENV")]
    pub env: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = ExportFormat::Flagd)]
    pub format: ExportFormat,
    /// Write to FILE (atomically) instead of standard output; relative to -C DIR when given
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// flagd flag definitions (flagd --uri file:..., OpenFeature in-process providers)
    Flagd,
    /// Plain snapshot: {flag: {"stage", "segments", "rollout"}}
    Json,
    /// OpenFeature CLI flag manifest ({"flags": {KEY: {"flagType", "defaultValue", "description"}}}), for `openfeature generate`
    Openfeature,
}

pub fn run(ctx: &Ctx, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let repo = ctx.repo()?;
    if repo.environment(&args.env).is_none() {
        return Err(unknown("environment", &args.env, repo.environment_order()).into());
    }
    super::require_servable(ctx, &repo, &args.env, None)?;
    let value = match args.format {
        ExportFormat::Flagd => crate::export::flagd(&repo, &args.env)?,
        ExportFormat::Json => crate::export::snapshot(&repo, &args.env),
        ExportFormat::Openfeature => crate::export::openfeature_manifest(&repo),
    };
    let text = crate::export::to_pretty(&value);
    match &args.output {
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
        Some(path) => {
            let path = if path.is_relative() {
                ctx.dir.join(path)
            } else {
                path.clone()
            };
            crate::fsutil::atomic_write(&path, text.as_bytes())?;
            let _ = writeln!(
                std::io::stderr(),
                "wrote {} flags of `{}` to {}",
                repo.flags.len(),
                args.env,
                escape(&path.display().to_string())
            );
        }
    }
    // The process ends next: freeing thousands of parsed files one allocation at a time
    // costs about a tenth of a large export, and the operating system reclaims it at once.
    std::mem::forget(repo);
    std::mem::forget(value);
    Ok(ExitCode::SUCCESS)
}
