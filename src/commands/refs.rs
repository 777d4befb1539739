//! `flags refs`: where source code mentions flag keys.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::json;

use crate::commands::Ctx;
use crate::render::escape;
use crate::repo::is_valid_name;

/// `--format` for `refs`: one `file:line: key` line per mention, or JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum RefsFormat {
    /// `file:line: key` lines
    #[default]
    #[value(alias = "table")]
    Text,
    /// Machine-readable JSON
    Json,
}

#[derive(Debug, Args)]
pub struct RefsArgs {
    /// Flag keys to look for (default: every flag)
    #[arg(value_name = "KEY")]
    pub keys: Vec<String>,
    /// Directory to search (default: the enclosing git repository, else the flags root)
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = RefsFormat::Text)]
    pub format: RefsFormat,
}

/// The directory `refs` and `remove` search: `--path`/`--refs` (relative to `-C`), else the
/// git work tree around the flags root, else the flags root itself (never a parent folder
/// that may hold anything, such as a home directory).
pub(crate) fn search_dir(
    ctx: &Ctx,
    root: &std::path::Path,
    given: Option<&std::path::Path>,
) -> PathBuf {
    match given {
        Some(p) => ctx.dir.join(p),
        None => crate::git::locate(root)
            .map(|l| l.workdir)
            .unwrap_or_else(|| root.to_path_buf()),
    }
}

pub fn run(ctx: &Ctx, args: &RefsArgs) -> anyhow::Result<ExitCode> {
    let root = crate::discover::find_root(&ctx.dir)?;
    let search_path = |root: &std::path::Path| search_dir(ctx, root, args.path.as_deref());
    let (keys, path, mut refs) = if args.keys.is_empty() {
        // Every flag: load the repository (only the flags that parse count) while the search
        // runs beside it for every flag file's key, then keep the mentions of loaded flags.
        // A mention of one key never depends on another key being searched, so this is the
        // search for the loaded keys alone, without waiting for the parse.
        let (repo, found) = std::thread::scope(|scope| -> anyhow::Result<_> {
            let load = scope.spawn(|| crate::repo::Repo::load(&root));
            let all_keys = crate::repo::flag_keys(&root);
            let canon = root.canonicalize().unwrap_or_else(|_| root.clone());
            let path = search_path(&canon);
            let found = crate::refs::find(&canon, &all_keys, &path).map(|refs| (path, refs));
            let repo = load
                .join()
                .map_err(|_| anyhow::anyhow!("loading the flags panicked"))?;
            Ok((repo, found))
        })?;
        let (path, mut refs) = found?;
        let mut keys: Vec<String> = repo.flags.iter().map(|f| f.name.clone()).collect();
        keys.dedup();
        refs.retain(|r| keys.binary_search(&r.key).is_ok());
        (keys, path, refs)
    } else {
        let repo = crate::repo::Repo::load(&root);
        for key in &args.keys {
            if !is_valid_name(key) {
                return Err(crate::user_error!("`{}` is not a flag key", escape(key))
                    .hint(format!("keys are {}", crate::repo::NAME_RULE))
                    .into());
            }
            if repo.flag(key).is_none() {
                super::warn(
                    ctx,
                    &format!("`{key}` is not a flag in this repository; searching for it anyway"),
                );
            }
        }
        let mut keys = args.keys.clone();
        keys.sort();
        keys.dedup();
        let path = search_path(&repo.root);
        let refs = crate::refs::find(&repo.root, &keys, &path)?;
        (keys, path, refs)
    };
    // Paths as the user would type them: under `--path` as written (as grep and rg print
    // them), else relative to the repository's top.
    if let Some(given) = &args.path {
        let prefix = given.to_string_lossy().trim_end_matches('/').to_string();
        if !prefix.is_empty() && prefix != "." {
            for r in &mut refs {
                r.file = format!("{prefix}/{}", r.file);
            }
        }
    }

    let mut out = std::io::stdout().lock();
    match args.format {
        RefsFormat::Json => {
            let rows: Vec<_> = refs
                .iter()
                .map(|r| json!({"key": r.key, "file": r.file, "line": r.line}))
                .collect();
            drop(out);
            super::print_json(&rows)?;
        }
        RefsFormat::Text => {
            for r in &refs {
                writeln!(out, "{}:{}: {}", escape(&r.file), r.line, escape(&r.key))?;
            }
        }
    }
    let files: std::collections::BTreeSet<&str> = refs.iter().map(|r| r.file.as_str()).collect();
    let found: std::collections::BTreeSet<&str> = refs.iter().map(|r| r.key.as_str()).collect();
    let _ = writeln!(
        std::io::stderr(),
        "{} reference(s) to {} of {} key(s) in {} file(s) under `{}`",
        refs.len(),
        found.len(),
        keys.len(),
        files.len(),
        escape(&path.display().to_string())
    );
    Ok(ExitCode::SUCCESS)
}
