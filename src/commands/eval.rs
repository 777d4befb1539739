//! `flags eval KEY --env E --user ID [--attr NAME=VALUE]...`: on or off for one user, and why.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use crate::commands::Ctx;
use crate::date::Timestamp;
use crate::eval::{AttrValue, Decision, KEY_ATTRIBUTES, Membership, Pick, Reason, User};
use crate::render::{BOLD, GREEN, RED, escape, paint};

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Flag key
    pub key: String,
    /// Environment to evaluate in
    #[arg(long, value_name = "ENV")]
    pub env: String,
    /// Targeting key of the user (the attribute `key`)
    #[arg(long, value_name = "ID")]
    pub user: String,
    /// A user attribute; JSON numbers are numbers, anything else (or "quoted") a string
    #[arg(long = "attr", value_name = "NAME=VALUE", value_parser = parse_attr)]
    pub attrs: Vec<(String, AttrValue)>,
    /// Evaluate at this instant (RFC 3339 with `Z` or an offset; default: now), schedules applied
    #[arg(long, value_name = "TIME", value_parser = super::cli::parse_instant)]
    pub at: Option<super::cli::InstantArg>,
    /// Output format
    #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
    pub format: EvalFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    /// The answer, the stage and the reason, one per line
    #[value(alias = "table")]
    Text,
    /// One JSON object
    Json,
}

fn parse_attr(s: &str) -> Result<(String, AttrValue), String> {
    let Some((name, value)) = s.split_once('=') else {
        return Err(format!("`{}` is not NAME=VALUE", escape(s)));
    };
    if name.is_empty() {
        return Err("the attribute name is empty".into());
    }
    if KEY_ATTRIBUTES.contains(&name) {
        return Err(format!(
            "`{name}` is the targeting key: pass it with --user"
        ));
    }
    Ok((name.to_string(), AttrValue::parse(value)))
}

pub fn run(ctx: &Ctx, args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let repo = ctx.repo()?;
    super::require_servable(ctx, &repo, std::slice::from_ref(&args.env), Some(&args.key))?;
    let mut user = User::new(&args.user);
    for (name, value) in &args.attrs {
        user.attributes.insert(name.clone(), value.clone());
    }
    let given = args.at.as_ref().map(|a| a.at);
    let at = given.unwrap_or_else(Timestamp::now);
    let decision = crate::eval::evaluate_at(&repo, &args.key, &args.env, &user, at)?;
    if args.format == EvalFormat::Json {
        let mut value = to_json(&args.key, &args.env, &user, &decision);
        if given.is_some() {
            value["at"] = json!(at.to_string());
        }
        super::print_json(&value)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    let typed = repo
        .flag(&args.key)
        .is_some_and(|f| crate::repo::TypedView::new(&f.def).is_typed());
    let head = if !typed {
        // Boolean flags: `on` / `off`, as always.
        if decision.is_on() {
            paint(ctx.style.stdout, &format!("{BOLD}{GREEN}"), "on")
        } else {
            paint(ctx.style.stdout, &format!("{BOLD}{RED}"), "off")
        }
    } else {
        let colour = if decision.reason.served() { GREEN } else { RED };
        format!(
            "{} = {}",
            paint(
                ctx.style.stdout,
                &format!("{BOLD}{colour}"),
                &escape(&decision.variant)
            ),
            escape(&crate::export::inline_json(&decision.value))
        )
    };
    writeln!(
        out,
        "{head}: `{}` for user `{}` in `{}`",
        args.key,
        escape(&user.key),
        args.env
    )?;
    let audience = crate::render::describe_audience(&decision.audience);
    let when = match args.at.as_ref().map(|a| a.at) {
        Some(t) => format!(" at {t}"),
        None => String::new(),
    };
    writeln!(
        out,
        "stage:  {}{when} ({audience})",
        escape(&decision.stage)
    )?;
    writeln!(out, "reason: {}", escape(&decision.explain()))?;
    Ok(ExitCode::SUCCESS)
}

/// `{"flag", "environment", "user", "value", "stage", "reason", ...}`.
fn to_json(flag: &str, env: &str, user: &User, d: &Decision) -> Value {
    let attributes: serde_json::Map<String, Value> = user
        .attributes
        .iter()
        .map(|(k, v)| {
            let v = match v {
                AttrValue::String(s) => json!(s),
                AttrValue::Number(n) => json!(n),
            };
            (k.clone(), v)
        })
        .collect();
    let (segment, membership) = match &d.reason {
        Reason::Segment {
            segment,
            membership,
        } => (
            Some(segment.as_str()),
            Some(membership_json(segment, membership)),
        ),
        _ => (None, None),
    };
    let audience_reason = match &d.reason {
        Reason::Prerequisite { audience, .. } => audience.as_ref(),
        r => r,
    };
    let (bucket, threshold) = match audience_reason {
        Reason::Rollout { bucket, threshold } => (Some(*bucket), Some(*threshold)),
        Reason::NoMatch { bucket, threshold } => (*bucket, Some(*threshold)),
        _ => (None, None),
    };
    let mut out = json!({
        "flag": flag,
        "environment": env,
        "user": user.key,
        "value": d.value,
        "variant": d.variant,
        "stage": d.stage,
        "reason": d.reason.code(),
        "detail": d.explain(),
        "audience": {"segments": d.audience.segments, "rollout": d.audience.rollout},
        "segment": segment,
        "match": membership,
        "bucket": bucket,
        "threshold": threshold,
        "attributes": attributes,
    });
    // Typed-flag details, only where they apply (boolean flags keep their shape).
    if let Some(obj) = out.as_object_mut() {
        if !d.audience.users.is_empty() {
            obj.insert("users".into(), json!(d.audience.users));
        }
        match &d.pick {
            Some(Pick::Split {
                bucket,
                total,
                weights,
            }) => {
                let w: serde_json::Map<String, Value> =
                    weights.iter().map(|(v, w)| (v.clone(), json!(w))).collect();
                obj.insert(
                    "split".into(),
                    json!({"bucket": bucket, "total": total, "weights": w}),
                );
            }
            Some(Pick::SplitWithoutKey) => {
                obj.insert("split".into(), json!({"bucket": null}));
            }
            _ => {}
        }
        if let Reason::Prerequisite {
            flag,
            wanted,
            served,
            ..
        } = &d.reason
        {
            obj.insert(
                "prerequisite".into(),
                json!({"flag": flag, "wanted": wanted, "served": served, "met": false}),
            );
        } else if !d.prerequisites.is_empty() {
            let met: Vec<Value> = d
                .prerequisites
                .iter()
                .map(|(f, v)| json!({"flag": f, "variant": v}))
                .collect();
            obj.insert("prerequisites".into(), json!(met));
        }
    }
    out
}

/// `{"path": ["internal", "contractors"], "by": "users"|"rule", "rule": {...}|null}`.
fn membership_json(segment: &str, m: &Membership) -> Value {
    let mut path = vec![segment.to_string()];
    let mut cur = m;
    while let Membership::Included { segment, via } = cur {
        path.push(segment.clone());
        cur = via;
    }
    match cur {
        Membership::Rule {
            index,
            attribute,
            op,
            value,
        } => json!({
            "path": path,
            "by": "rule",
            "rule": {"index": index, "attribute": attribute, "op": op, "value": value},
        }),
        _ => json!({"path": path, "by": "users", "rule": null}),
    }
}
