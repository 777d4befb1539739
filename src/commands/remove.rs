//! `flags remove KEY`: delete a flag whose cleanup is done. Refuses while source code still
//! mentions the key: deleting a fully rolled-out flag that code still checks would switch
//! the feature off for everyone.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::mutate::{self, FileChange, MutateArgs};
use super::promote::find_flag;
use crate::cli::Ctx;
use crate::error::UserError;
use crate::render::escape;

/// How many references a refusal lists before summarising the rest.
const SHOWN_REFS: usize = 20;

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Flag key (asked for on a terminal when left out)
    pub key: Option<String>,
    /// Delete even while source code still mentions the key
    #[arg(long)]
    pub force: bool,
    /// Where to look for references (default: the enclosing git repository, else the flags
    /// root)
    #[arg(long = "refs", value_name = "DIR")]
    pub refs: Option<PathBuf>,
    #[command(flatten)]
    pub mutate: MutateArgs,
}

pub fn run(ctx: &Ctx, args: &RemoveArgs) -> Result<ExitCode> {
    let root = crate::repo::find_root(&ctx.dir)?;
    let key = mutate::key_or_ask(&root, args.key.as_deref(), "flags remove KEY --yes")?;
    let (repo, keys) = crate::repo::Repo::load_one_flag(&root, &key);
    let flag = find_flag(&repo, &keys, &key)?;

    // Without a terminal and without `--yes`, refuse at once: before searching the tree.
    mutate::check_can_confirm(&args.mutate)?;
    let search = super::refs::search_dir(ctx, &repo.root, args.refs.as_deref());
    let refs = crate::refs::find(&repo.root, std::slice::from_ref(&key), &search)?;
    if !refs.is_empty() {
        let mut listing: Vec<String> = refs
            .iter()
            .take(SHOWN_REFS)
            .map(|r| format!("  {}:{}", escape(&r.file), r.line))
            .collect();
        if refs.len() > SHOWN_REFS {
            listing.push(format!(
                "  ... and {} more (`flags refs {key}`)",
                refs.len() - SHOWN_REFS
            ));
        }
        if !args.force {
            return Err(UserError::new(format!(
                "code still mentions flag `{key}` ({} place{} under `{}`):\n{}",
                refs.len(),
                if refs.len() == 1 { "" } else { "s" },
                escape(&search.display().to_string()),
                listing.join("\n")
            ))
            .hint(
                "remove the code that checks the flag first, or pass `--force` to delete it anyway",
            )
            .into());
        }
        super::warn(
            ctx,
            &format!(
                "removing `{key}` although code still mentions it (--force):\n{}",
                listing.join("\n")
            ),
        );
    } else {
        let _ = writeln!(
            std::io::stderr(),
            "no code under `{}` mentions `{key}`",
            escape(&search.display().to_string())
        );
    }

    let change = FileChange {
        rel: flag.path.clone(),
        old: Some(flag.source.clone()),
        new: None,
    };
    mutate::apply(
        ctx,
        &repo,
        &[change],
        &format!("flags: remove {key}"),
        &args.mutate,
    )
}
