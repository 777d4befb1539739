//! `flags new KEY`: create a flag at the first stage in every environment.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::mutate::{self, MutateArgs};
use crate::cli::Ctx;
use crate::date::Date;
use crate::edit::{NewFlag, new_flag_file};
use crate::error::UserError;
use crate::render::escape;
use crate::repo::{FlagType, NAME_RULE, is_valid_name};

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Flag key: the file `flags/KEY.yaml` (asked for on a terminal when left out)
    pub key: Option<String>,
    /// Team or person responsible (asked for on a terminal when left out)
    #[arg(long)]
    pub owner: Option<String>,
    /// What the flag controls (asked for on a terminal when left out)
    #[arg(long)]
    pub description: Option<String>,
    /// Kind of flag
    #[arg(long = "type", value_name = "TYPE", default_value = "release", value_parser = clap::builder::PossibleValuesParser::new(FlagType::ALL.map(FlagType::as_str)))]
    pub kind: String,
    /// Date past which the flag is overdue for cleanup (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
    /// Sub-folder of `flags/` to create the file in (a team's folder, e.g. `checkout` or
    /// `web/checkout`)
    #[arg(long = "dir", id = "subfolder", value_name = "SUBFOLDER")]
    pub subfolder: Option<String>,
    #[command(flatten)]
    pub mutate: MutateArgs,
}

const USAGE: &str = "flags new KEY --owner OWNER --description TEXT --yes";

pub fn run(ctx: &Ctx, args: &NewArgs) -> Result<ExitCode> {
    let found = crate::repo::find_root(&ctx.dir)?;
    mutate::on_target(ctx, &found, &args.mutate, |root| plan(root, args))
}

/// The sub-folder of `flags/` from `--dir`: names joined by `/`, each following the naming
/// rule (no `..`, no absolute path).
fn sub_folder(dir: Option<&str>) -> Result<String> {
    let Some(dir) = dir else {
        return Ok(String::new());
    };
    let parts: Vec<&str> = dir.trim_matches('/').split('/').collect();
    if parts.iter().any(|p| !is_valid_name(p)) {
        return Err(UserError::new(format!(
            "`--dir {}` is not a folder name under `flags/`",
            escape(dir)
        ))
        .hint(format!("use folder names joined by `/`, each {NAME_RULE}"))
        .into());
    }
    Ok(format!("{}/", parts.join("/")))
}

fn plan(root: &std::path::Path, args: &NewArgs) -> Result<mutate::Planned> {
    let folder = sub_folder(args.subfolder.as_deref())?;
    let key = mutate::text_or_ask(
        args.key.as_deref(),
        "Flag key",
        "the flag KEY",
        USAGE,
        |k| {
            if is_valid_name(k) {
                Ok(())
            } else {
                Err(format!("not a valid flag key: use {NAME_RULE}"))
            }
        },
    )?;
    let (repo, keys) = crate::repo::Repo::load_one_flag(root, &key);
    if !is_valid_name(&key) {
        return Err(
            UserError::new(format!("`{}` is not a valid flag key", escape(&key)))
                .hint(format!("use {NAME_RULE}"))
                .into(),
        );
    }
    if let Some(existing) = repo.flags.iter().find(|f| f.name == key) {
        return Err(UserError::new(format!(
            "flag `{key}` already exists in `{}`",
            escape(&existing.path)
        ))
        .into());
    }
    let rel = format!("flags/{folder}{key}.yaml");
    // Also a file of that name that cannot be parsed, in any sub-folder.
    if keys.contains(&key) || repo.root.join(&rel).exists() {
        return Err(
            UserError::new(format!("a file for flag `{key}` already exists"))
                .hint("fix or remove it first (`flags validate`)")
                .into(),
        );
    }
    let kind = FlagType::parse(&args.kind)
        .ok_or_else(|| UserError::new(format!("unknown flag type `{}`", escape(&args.kind))))?;
    if let Some(e) = &args.expires
        && Date::parse(e).is_none()
    {
        return Err(
            UserError::new(format!("`--expires {}` is not a date", escape(e)))
                .hint("write it as YYYY-MM-DD")
                .into(),
        );
    }
    let not_empty = |v: &str| {
        if v.trim().is_empty() {
            Err("must not be empty".to_string())
        } else {
            Ok(())
        }
    };
    let owner = mutate::text_or_ask(
        args.owner.as_deref(),
        "Owner",
        "`--owner`",
        USAGE,
        not_empty,
    )?;
    let description = mutate::text_or_ask(
        args.description.as_deref(),
        "Description",
        "`--description`",
        USAGE,
        not_empty,
    )?;
    if owner.trim().is_empty() || description.trim().is_empty() {
        return Err(UserError::new("`--owner` and `--description` must not be empty").into());
    }
    let Some(first) = repo.pipeline.stages.first() else {
        return Err(UserError::new("the pipeline has no stages")
            .hint("add stages to `flags.yaml`")
            .into());
    };
    let today = Date::today().to_string();
    let envs = repo.environment_order();
    let text = new_flag_file(&NewFlag {
        description: &description,
        owner: &owner,
        kind,
        created: &today,
        expires: args.expires.as_deref(),
        environments: envs.iter().map(|e| (*e, first.name.as_str())).collect(),
    })?;
    let change = mutate::FileChange {
        rel,
        old: None,
        new: Some(text),
    };
    Ok((repo, vec![change], format!("flags: new {key}")))
}
