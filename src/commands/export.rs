//! `flags export (--env E [-o FILE] | --all --out-dir DIR) [--format ...]`: environments
//! compiled for run time (PRODUCT.md sections 5, 8 and 10).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{ArgGroup, Args, ValueEnum};

use crate::commands::Ctx;
use crate::error::{UserError, unknown};
use crate::render::escape;
use crate::repo::Repo;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("which").required(true).args(["env", "all"])))]
pub struct ExportArgs {
    /// Environment to export
    #[arg(long, value_name = "ENV")]
    pub env: Option<String>,
    /// Export every environment, one file each in --out-dir
    #[arg(long, requires = "out_dir", conflicts_with = "output")]
    pub all: bool,
    /// Directory for --all: DIR/ENV.flagd.json (ENV.json, ENV.openfeature.json, ENV.featureflag.yaml for the other formats)
    #[arg(long, value_name = "DIR", conflicts_with = "env")]
    pub out_dir: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ExportFormat::Flagd)]
    pub format: ExportFormat,
    /// Write to FILE (atomically; through a symbolic link, to its target) instead of standard
    /// output; relative to -C DIR when given
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// flagd flag definitions (flagd --uri file:..., OpenFeature in-process providers)
    Flagd,
    /// Plain snapshot: {flag: {"stage", "segments", "rollout"}}
    Json,
    /// OpenFeature CLI flag manifest ({"flags": {KEY: {"flagType", "defaultValue", "description"}}}), for `openfeature generate`
    Openfeature,
    /// Kubernetes FeatureFlag resource (core.openfeature.dev/v1beta1) for the OpenFeature Operator
    OpenfeatureOperator,
}

impl ExportFormat {
    /// The file name `--all` gives an environment's export.
    fn file_name(self, env: &str) -> String {
        match self {
            ExportFormat::Flagd => format!("{env}.flagd.json"),
            ExportFormat::Json => format!("{env}.json"),
            ExportFormat::Openfeature => format!("{env}.openfeature.json"),
            ExportFormat::OpenfeatureOperator => format!("{env}.featureflag.yaml"),
        }
    }
}

pub fn run(ctx: &Ctx, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let repo = ctx.repo()?;
    let envs: Vec<String> = match &args.env {
        Some(env) if repo.environment(env).is_none() => {
            return Err(unknown("environment", env, repo.environment_order()).into());
        }
        Some(env) => vec![env.clone()],
        None => repo
            .environment_order()
            .into_iter()
            .map(str::to_string)
            .collect(),
    };
    super::require_servable(ctx, &repo, &envs, None)?;
    // Every environment is compiled before anything is written: one that cannot be exported
    // leaves every file as it was.
    let texts = match args.format {
        // The manifest is the same for every environment: made once.
        ExportFormat::Openfeature => {
            let text = crate::export::to_pretty(&crate::export::openfeature_manifest(&repo));
            vec![text; envs.len()]
        }
        format => envs
            .iter()
            .map(|env| render(&repo, env, format))
            .collect::<anyhow::Result<Vec<String>>>()?,
    };
    let relative = |path: &Path| {
        if path.is_relative() && ctx.dir != Path::new(".") {
            ctx.dir.join(path)
        } else {
            path.to_path_buf()
        }
    };
    let mut err = std::io::stderr();
    match (&args.out_dir, &args.output) {
        (Some(dir), _) => {
            let dir = relative(dir);
            if envs.is_empty() {
                return Err(
                    UserError::new("the flags repository has no environments to export")
                        .hint("add one as `environments/<env>.yaml`")
                        .into(),
                );
            }
            // Every target is checked before the first is written.
            for env in &envs {
                let path = dir.join(args.format.file_name(env));
                refuse_definitions(&repo.root, &crate::fsutil::resolve_links(&path)?)?;
            }
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("creating `{}`", dir.display()))?;
            for (env, text) in envs.iter().zip(&texts) {
                let path = dir.join(args.format.file_name(env));
                write_through_links(&path, text)?;
                let _ = writeln!(
                    err,
                    "wrote {} flags of `{env}` to {}",
                    repo.flags.len(),
                    escape(&path.display().to_string())
                );
            }
        }
        (None, Some(path)) => {
            let path = relative(path);
            refuse_definitions(&repo.root, &crate::fsutil::resolve_links(&path)?)?;
            write_through_links(&path, &texts.concat())?;
            let _ = writeln!(
                err,
                "wrote {} flags of `{}` to {}",
                repo.flags.len(),
                envs.concat(),
                escape(&path.display().to_string())
            );
        }
        (None, None) => std::io::stdout()
            .lock()
            .write_all(texts.concat().as_bytes())?,
    }
    // The process ends next: freeing thousands of parsed files one allocation at a time
    // costs about a tenth of a large export, and the operating system reclaims it at once.
    std::mem::forget(repo);
    std::mem::forget(texts);
    Ok(ExitCode::SUCCESS)
}

/// One environment in one format, as the text written out.
fn render(repo: &Repo, env: &str, format: ExportFormat) -> anyhow::Result<String> {
    Ok(match format {
        ExportFormat::Flagd => crate::export::to_pretty(&crate::export::flagd(repo, env)?),
        ExportFormat::Json => crate::export::to_pretty(&crate::export::snapshot(repo, env)),
        ExportFormat::Openfeature => {
            crate::export::to_pretty(&crate::export::openfeature_manifest(repo))
        }
        ExportFormat::OpenfeatureOperator => {
            crate::export::operator_yaml(&crate::export::operator(repo, env)?, env)?
        }
    })
}

/// Refuses an output that is one of the flags repository's own files, or would be read as
/// one: `flags.yaml` and anything in `flags/`, `segments/` or `environments/` (an export over
/// a flag file would replace its definition, uncommitted edits included).
fn refuse_definitions(root: &Path, target: &Path) -> anyhow::Result<()> {
    let absolute = |p: &Path| {
        let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        // The folders that exist resolve links, as the root's own path does.
        match (p.parent(), p.file_name()) {
            (Some(dir), Some(name)) => std::fs::canonicalize(dir)
                .map(|d| d.join(name))
                .unwrap_or(p),
            _ => p,
        }
    };
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let target = absolute(target);
    let Ok(rel) = target.strip_prefix(&root) else {
        return Ok(());
    };
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let definition = rel == Path::new(crate::repo::SETTINGS_FILE)
        || first
            .as_deref()
            .is_some_and(|f| crate::repo::FOLDERS.iter().any(|(d, _)| *d == f));
    if definition {
        return Err(UserError::new(format!(
            "`{}` is one of the flags repository's own files (or would be read as one); nothing was written",
            escape(&rel.display().to_string())
        ))
        .hint("write the export outside `flags.yaml`, `flags/`, `segments/` and `environments/`, e.g. `-o deploy/flags.json`")
        .into());
    }
    Ok(())
}

/// Writes atomically to `path`, or, when `path` is a symbolic link, to the file it leads to
/// (a watcher of the target sees the update, and the link stays a link).
fn write_through_links(path: &Path, text: &str) -> anyhow::Result<()> {
    let target = crate::fsutil::resolve_links(path)?;
    // `-o deploy/k8s/production/flags.yaml` in a fresh checkout: make the folders, as
    // `--out-dir` does.
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the folder `{}`", dir.display()))?;
    }
    crate::fsutil::atomic_write(&target, text.as_bytes())
}
