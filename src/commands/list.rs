//! `flags list`: one row per flag with its stage in each environment.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use crate::commands::{Ctx, DataFormat, FormatArg};
use crate::date::Timestamp;
use crate::error::{UserError, unknown};
use crate::render::{escape, table, table_lines};
use crate::repo::{FlagType, Repo, TypedView};

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this environment's stage is matched by --stage
    #[arg(long, value_name = "ENV")]
    pub env: Option<String>,
    /// Only flags at this stage (in --env, or in any environment)
    #[arg(long, value_name = "STAGE")]
    pub stage: Option<String>,
    /// Only flags owned by OWNER
    #[arg(long, value_name = "OWNER")]
    pub owner: Option<String>,
    /// Only flags of this type (release, experiment, operational, kill-switch, permission)
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

pub fn run(ctx: &Ctx, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let repo = ctx.repo()?;
    let envs = repo.environment_order();
    if let Some(env) = &args.env
        && repo.environment(env).is_none()
    {
        return Err(unknown("environment", env, envs.iter().copied()).into());
    }
    if let Some(stage) = &args.stage
        && repo.pipeline.position(stage).is_none()
    {
        return Err(unknown("stage", stage, repo.pipeline.names()).into());
    }
    let kind = match &args.kind {
        Some(t) => Some(FlagType::parse(t).ok_or_else(|| {
            UserError::new(format!("unknown flag type `{}`", escape(t)))
                .hint("types: release, experiment, operational, kill-switch, permission")
        })?),
        None => None,
    };
    super::warn_if_incomplete(ctx, &repo);
    let now = Timestamp::now();

    let selected: Vec<_> = repo
        .flags
        .iter()
        .filter(|f| args.owner.as_ref().is_none_or(|o| &f.def.owner.value == o))
        .filter(|f| kind.is_none_or(|k| f.def.kind.value == k))
        .filter(|f| {
            let Some(stage) = &args.stage else {
                return true;
            };
            match &args.env {
                Some(env) => repo.state_at(&f.def, env, now).stage == stage,
                None => envs
                    .iter()
                    .any(|env| repo.state_at(&f.def, env, now).stage == stage),
            }
        })
        .collect();

    match args.format.format {
        DataFormat::Json => {
            let rows: Vec<FlagJson> = selected
                .iter()
                .map(|f| flag_json(&repo, &envs, f, now))
                .collect();
            super::print_json(&rows)?;
        }
        DataFormat::Table => {
            let mut header = vec!["FLAG", "OWNER", "TYPE"];
            let upper: Vec<String> = envs
                .iter()
                .map(|e| escape(&e.to_uppercase()).into_owned())
                .collect();
            header.extend(upper.iter().map(String::as_str));
            let mut t = table(&header);
            for f in &selected {
                let mut row = vec![
                    escape(&f.name).into_owned(),
                    escape(&f.def.owner.value).into_owned(),
                    f.def.kind.value.to_string(),
                ];
                let view = TypedView::new(&f.def);
                let typed = view.uses_typed_fields();
                row.extend(envs.iter().map(|env| {
                    let s = repo.state_at(&f.def, env, now);
                    let mut stage = escape(s.stage).into_owned();
                    if typed {
                        // A typed flag: what the stage's audience gets, the default where off.
                        let served = if s.position.unwrap_or(0) == 0 {
                            view.default().to_string()
                        } else {
                            view.serve(env).describe()
                        };
                        stage = format!("{stage}: {}", escape(&served));
                    }
                    // The next planned move, by date: the table stays narrow.
                    match s.entry.and_then(|e| e.pending(now).into_iter().next()) {
                        Some((at, next)) => {
                            format!("{stage} (→ {} {})", escape(&next.stage.value), at.date())
                        }
                        None => stage,
                    }
                }));
                t.add_row(row);
            }
            let mut out = std::io::stdout().lock();
            if !selected.is_empty() {
                out.write_all(table_lines(&mut t).as_bytes())?;
            }
            let _ = writeln!(
                std::io::stderr(),
                "{} of {} flags",
                selected.len(),
                repo.flags.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct EnvJson<'a> {
    stage: &'a str,
    /// When the stage in force was entered: `since`, or the date of the schedule entry.
    since: Option<std::borrow::Cow<'a, str>>,
    /// Planned moves still to come (left out when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    schedule: Vec<PlannedJson<'a>>,
    /// A typed flag's `serve` there (left out for boolean flags).
    #[serde(skip_serializing_if = "Option::is_none")]
    serve: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct PlannedJson<'a> {
    stage: &'a str,
    at: String,
}

/// What a typed flag serves in `env`, as JSON (see [`serve_value`]).
pub(crate) fn serve_json(view: &TypedView<'_>, env: &str) -> serde_json::Value {
    serve_value(&view.serve(env))
}

/// A `serve` as JSON: a variant name or `{variant: percent}`.
fn serve_value(serve: &crate::repo::ServeView<'_>) -> serde_json::Value {
    match serve {
        crate::repo::ServeView::Variant(v) => serde_json::json!(v),
        crate::repo::ServeView::Split(ws) => serde_json::Value::Object(
            ws.iter()
                .map(|(v, w)| (v.to_string(), serde_json::json!(w)))
                .collect(),
        ),
    }
}

/// A typed flag's fields for JSON output: variants, default, serve, requires.
#[derive(Serialize)]
pub(crate) struct TypedJson {
    variants: serde_json::Map<String, serde_json::Value>,
    default: String,
    serve: serde_json::Value,
    requires: serde_json::Map<String, serde_json::Value>,
}

pub(crate) fn typed_json(view: &TypedView<'_>) -> TypedJson {
    TypedJson {
        variants: view
            .variants()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_owned()))
            .collect(),
        default: view.default().to_string(),
        serve: match &view.def.serve {
            Some(s) => serve_value(&crate::repo::typed::serve_view(&s.value)),
            None => serde_json::json!(crate::repo::typed::ON),
        },
        requires: view
            .requires()
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
            .collect(),
    }
}

/// One row of `--format json`, serialized straight from the model (no intermediate
/// `serde_json::Value` tree: 10,000 flags made that a third of the command's time).
#[derive(Serialize)]
struct FlagJson<'a> {
    key: &'a str,
    owner: &'a str,
    #[serde(rename = "type")]
    kind: FlagType,
    description: &'a str,
    environments: EnvsJson<'a>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    typed: Option<TypedJson>,
}

/// Environments in gate order, as a JSON object.
struct EnvsJson<'a>(Vec<(&'a str, EnvJson<'a>)>);

impl Serialize for EnvsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (env, state) in &self.0 {
            map.serialize_entry(env, state)?;
        }
        map.end()
    }
}

fn flag_json<'a>(
    repo: &'a Repo,
    envs: &[&'a str],
    f: &'a crate::repo::Doc<crate::repo::FlagDef>,
    now: Timestamp,
) -> FlagJson<'a> {
    let view = TypedView::new(&f.def);
    let typed = view.uses_typed_fields();
    let environments = envs
        .iter()
        .map(|env| {
            let s = repo.state_at(&f.def, env, now);
            let since = match s.scheduled {
                Some(_) => s.entered().map(|d| d.to_string().into()),
                None => s.since.map(|d| d.value.as_str().into()),
            };
            let schedule = s
                .entry
                .map(|e| e.pending(now))
                .unwrap_or_default()
                .into_iter()
                .map(|(at, e)| PlannedJson {
                    stage: &e.stage.value,
                    at: at.to_string(),
                })
                .collect();
            (
                *env,
                EnvJson {
                    stage: s.stage,
                    since,
                    schedule,
                    serve: typed.then(|| serve_json(&view, env)),
                },
            )
        })
        .collect();
    FlagJson {
        key: &f.name,
        owner: &f.def.owner.value,
        kind: f.def.kind.value,
        description: &f.def.description.value,
        environments: EnvsJson(environments),
        typed: typed.then(|| typed_json(&view)),
    }
}
