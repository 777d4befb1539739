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
    #[command(flatten)]
    pub mutate: MutateArgs,
}

pub fn run(ctx: &Ctx, args: &NewArgs) -> Result<ExitCode> {
    let root = crate::repo::find_root(&ctx.dir)?;
    let key = mutate::text_or_ask(args.key.as_deref(), "Flag key", "KEY")?;
    let (repo, keys) = crate::repo::Repo::load_one_flag(&root, &key);
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
    let rel = format!("flags/{key}.yaml");
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
    let owner = mutate::text_or_ask(args.owner.as_deref(), "Owner", "--owner")?;
    let description =
        mutate::text_or_ask(args.description.as_deref(), "Description", "--description")?;
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
    mutate::apply(
        ctx,
        &repo,
        &[change],
        &format!("flags: new {key}"),
        &args.mutate,
    )
}
