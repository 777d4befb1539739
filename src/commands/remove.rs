//! `flags remove KEY`: delete a flag whose cleanup is done. Refuses while source code still
//! mentions the key: deleting a fully rolled-out flag that code still checks would switch
//! the feature off for everyone.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::common::find_flag;
use super::mutate::{self, FileChange, MutateArgs};
use crate::commands::Ctx;
use crate::error::UserError;
use crate::render::escape;

/// How many references a refusal lists before summarising the rest.
const SHOWN_REFS: usize = 20;

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Flag keys, one commit for all (asked for on a terminal when left out)
    #[arg(value_name = "KEY")]
    pub keys: Vec<String>,
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
    let found = crate::discover::find_root(&ctx.dir)?;
    mutate::on_target(ctx, &found, &args.mutate, |root| {
        let keys = mutate::keys_or_ask(root, &args.keys, "flags remove KEY --yes")?;
        // Every flag is read (not only `keys`): one that requires a removed flag must be found.
        let repo = crate::repo::Repo::load(root);
        let all_keys: Vec<String> = repo.flags.iter().map(|f| f.name.clone()).collect();
        mutate::check_pipeline(ctx, &repo, mutate::Guard::Pipeline)?;
        let mut changes = Vec::new();
        for key in &keys {
            let flag = find_flag(&repo, &all_keys, key)?;
            changes.push(FileChange {
                rel: flag.path.clone(),
                old: Some(flag.source.clone()),
                new: None,
            });
        }
        check_required(&repo, &keys)?;
        // Without a terminal and without `--yes`, refuse at once: before searching the tree.
        mutate::check_can_confirm(&args.mutate)?;
        // With `--branch`, the code searched is the branch's (its temporary worktree).
        let search = super::refs::search_dir(ctx, &repo.root, args.refs.as_deref());
        let refs = crate::refs::find(&repo.root, &keys, &search)?;
        check_refs(ctx, &keys, &refs, &search, args.force)?;
        let message = format!("flags: remove {}", keys.join(", "));
        Ok((repo, changes, message))
    })
}

/// Refuses to remove a flag that another flag (not removed with it) requires: the other
/// flag's prerequisite would be unknown, and what it serves undefined (`export` would refuse).
/// `--force` does not override this: it is about code, and the repository would not validate.
fn check_required(repo: &crate::repo::Repo, keys: &[String]) -> Result<()> {
    let mut needs: Vec<String> = Vec::new();
    for flag in repo.flags.iter().filter(|f| !keys.contains(&f.name)) {
        let Some(requires) = &flag.def.requires else {
            continue;
        };
        for (key, _) in &requires.value.0 {
            if keys.contains(&key.value) {
                needs.push(format!(
                    "  {}:{}:{}: `{}` requires `{}`",
                    escape(&flag.path),
                    key.loc.line,
                    key.loc.column,
                    escape(&flag.name),
                    escape(&key.value)
                ));
            }
        }
    }
    if needs.is_empty() {
        return Ok(());
    }
    Err(UserError::new(format!(
        "other flags require {}; without {} they would serve nothing defined:\n{}",
        if keys.len() == 1 { "it" } else { "them" },
        if keys.len() == 1 { "it" } else { "them" },
        needs.join("\n")
    ))
    .hint("remove each `requires` entry first (or remove those flags in the same command); nothing was changed")
    .into())
}

/// Refuses while code mentions one of `keys` (unless `force`, which warns instead), listing
/// where; says so when nothing mentions them.
fn check_refs(
    ctx: &Ctx,
    keys: &[String],
    refs: &[crate::refs::Ref],
    search: &std::path::Path,
    force: bool,
) -> Result<()> {
    let under = escape(&search.display().to_string()).into_owned();
    let named = keys
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if refs.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "no code under `{under}` mentions {named}"
        );
        return Ok(());
    }
    let several = keys.len() > 1;
    let mut listing: Vec<String> = refs
        .iter()
        .take(SHOWN_REFS)
        .map(|r| {
            if several {
                format!("  {}:{}: {}", escape(&r.file), r.line, r.key)
            } else {
                format!("  {}:{}", escape(&r.file), r.line)
            }
        })
        .collect();
    if refs.len() > SHOWN_REFS {
        listing.push(format!(
            "  ... and {} more (`flags refs {}`)",
            refs.len() - SHOWN_REFS,
            keys.join(" ")
        ));
    }
    let mut mentioned: Vec<&str> = refs.iter().map(|r| r.key.as_str()).collect();
    mentioned.sort_unstable();
    mentioned.dedup();
    let which = mentioned
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if !force {
        return Err(UserError::new(format!(
            "code still mentions flag{} {which} ({} place{} under `{under}`):\n{}",
            if mentioned.len() == 1 { "" } else { "s" },
            refs.len(),
            if refs.len() == 1 { "" } else { "s" },
            listing.join("\n")
        ))
        .hint(if several {
            "remove the code that checks the flags first (nothing was removed), or pass `--force` to delete them anyway"
        } else {
            "remove the code that checks the flag first, or pass `--force` to delete it anyway"
        })
        .into());
    }
    super::warn(
        ctx,
        &format!(
            "removing {which} although code still mentions {} (--force):\n{}",
            if mentioned.len() == 1 { "it" } else { "them" },
            listing.join("\n")
        ),
    );
    Ok(())
}
