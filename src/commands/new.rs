//! `flags new KEY`: create a flag at the first stage in every environment.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::mutate::{self, MutateArgs};
use crate::commands::Ctx;
use crate::date::Date;
use crate::edit::{NewFlag, NewTyped, new_flag_file};
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
    /// A variant of a typed flag: its name and JSON value (`dark='"#000"'`, `limit=100`,
    /// `cfg='{"rows": 10}'`); repeat for each variant
    #[arg(long = "variant", value_name = "NAME=JSON", value_parser = parse_variant)]
    pub variants: Vec<(String, serde_json::Value)>,
    /// The variant served outside the audience (with --variant)
    #[arg(long, value_name = "VARIANT")]
    pub default: Option<String>,
    /// The variant served to the audience (with --variant)
    #[arg(long, value_name = "VARIANT")]
    pub serve: Option<String>,
    /// Sub-folder of `flags/` to create the file in (a team's folder, e.g. `checkout` or
    /// `web/checkout`)
    #[arg(long = "dir", id = "subfolder", value_name = "SUBFOLDER")]
    pub subfolder: Option<String>,
    #[command(flatten)]
    pub mutate: MutateArgs,
}

fn parse_variant(s: &str) -> Result<(String, serde_json::Value), String> {
    let Some((name, json)) = s.split_once('=') else {
        return Err(format!("`{}` is not NAME=JSON", escape(s)));
    };
    if !is_valid_name(name) {
        return Err(format!(
            "variant name `{}` is invalid: use {NAME_RULE}",
            escape(name)
        ));
    }
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
        format!("the value of `{name}` is not JSON ({e}); quote strings, e.g. {name}='\"text\"'")
    })?;
    if let Some(lossy) = crate::repo::typed::json_number_literals(json)
        .into_iter()
        .find(|n| !crate::repo::typed::number_is_exact(n))
    {
        return Err(format!(
            "the number `{}` in the value of `{name}` has more digits than flagd can serve exactly (it reads every number as a double): quote it as text, or round it",
            escape(lossy)
        ));
    }
    if crate::repo::ValueType::of(&value).is_none() {
        return Err(format!(
            "the value of `{name}` must be a boolean, string, number or object"
        ));
    }
    Ok((name.to_string(), value))
}

/// Checks `--variant`, `--default` and `--serve` together.
fn typed_args(args: &NewArgs) -> Result<Option<NewTyped<'_>>> {
    if args.variants.is_empty() {
        if args.default.is_some() || args.serve.is_some() {
            return Err(UserError::new("`--default` and `--serve` need `--variant`")
                .hint("list the variants: --variant NAME=JSON (at least two)")
                .into());
        }
        return Ok(None);
    }
    if args.variants.len() < 2 {
        return Err(UserError::new("a typed flag needs at least two `--variant`s").into());
    }
    let names: Vec<&str> = args.variants.iter().map(|(n, _)| n.as_str()).collect();
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(UserError::new(format!("variant `{n}` is given twice")).into());
        }
    }
    let first = crate::repo::ValueType::of(&args.variants[0].1);
    for (n, v) in &args.variants {
        let t = crate::repo::ValueType::of(v);
        if t != first {
            return Err(UserError::new(format!(
                "variant `{n}` is a {} but `{}` is a {}: all values of one flag have one type",
                t.map_or("?", |t| t.as_str()),
                names[0],
                first.map_or("?", |t| t.as_str())
            ))
            .into());
        }
    }
    fn pick<'a>(flag: &str, v: Option<&'a String>, names: &[&str]) -> Result<&'a str> {
        let Some(v) = v else {
            return Err(
                UserError::new(format!("a typed flag needs `--{flag} VARIANT`"))
                    .hint(format!("one of: {}", names.join(", ")))
                    .into(),
            );
        };
        if !names.contains(&v.as_str()) {
            return Err(crate::error::unknown("variant", v, names.iter().copied()).into());
        }
        Ok(v)
    }
    Ok(Some(NewTyped {
        variants: args
            .variants
            .iter()
            .map(|(n, v)| (n.as_str(), v.clone()))
            .collect(),
        default: pick("default", args.default.as_ref(), &names)?,
        serve: pick("serve", args.serve.as_ref(), &names)?,
    }))
}

const USAGE: &str = "flags new KEY --owner OWNER --description TEXT --yes";

pub fn run(ctx: &Ctx, args: &NewArgs) -> Result<ExitCode> {
    let found = crate::discover::find_root(&ctx.dir)?;
    mutate::on_target(ctx, &found, &args.mutate, |root| plan(ctx, root, args))
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

fn plan(ctx: &Ctx, root: &std::path::Path, args: &NewArgs) -> Result<mutate::Planned> {
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
    mutate::check_pipeline(ctx, &repo, mutate::Guard::Pipeline)?;
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
    let typed = typed_args(args)?;
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
        typed,
    })?;
    let change = mutate::FileChange {
        rel,
        old: None,
        new: Some(text),
    };
    Ok((repo, vec![change], format!("flags: new {key}")))
}
