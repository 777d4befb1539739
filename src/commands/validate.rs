//! `flags validate`: every problem in every file, for people and for CI.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::commands::Ctx;
use crate::date::Date;
use crate::problem::{Problem, Severity};
use crate::render::{CYAN, RED, YELLOW, escape, paint};

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
    /// Also enforce the pipeline on what changed since REV (e.g. `origin/main`)
    #[arg(long, value_name = "REV")]
    pub against: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// `file:line:column: severity: message`, one per line
    Text,
    /// One JSON object with every problem
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request)
    Github,
}

#[derive(Serialize)]
struct Report<'a> {
    valid: bool,
    /// The flags root (absolute): every `file` is relative to it.
    root: String,
    errors: usize,
    warnings: usize,
    problems: &'a [Problem],
}

/// What `--format json` prints when the command cannot run (exit 2): still one object, so
/// a tool reading stdout never has to parse an empty or half-written answer.
#[derive(Serialize)]
struct Failure {
    valid: bool,
    error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
}

pub fn run(ctx: &Ctx, args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let result = validate(ctx, args);
    if let (Err(err), ValidateFormat::Json) = (&result, args.format)
        && !crate::error::is_broken_pipe(err)
    {
        super::print_json(&Failure {
            valid: false,
            error: format!("{err:#}"),
            hint: super::advice::hint(err),
        })?;
    }
    result
}

fn validate(ctx: &Ctx, args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    super::cli::check_clock()?;
    let repo = ctx.repo()?;
    let today = Date::today();
    // History is read only when a gate is broken, to tell a rollback from a promotion.
    let breaches = crate::validate::gate_breaches(&repo);
    let rollbacks = match breaches.is_empty() {
        true => crate::validate::Rollbacks::new(),
        false => match super::stage_history_dating(
            ctx,
            &repo,
            breaches.iter().map(|b| b.flag.name.clone()).collect(),
        ) {
            Ok(Some(history)) => crate::rollback::find(&repo, &breaches, &history, today),
            Ok(None) => crate::validate::Rollbacks::new(),
            Err(e) => {
                super::warn(
                    ctx,
                    &format!(
                        "git history cannot be read ({e:#}), so no broken gate is taken for a rollback"
                    ),
                );
                crate::validate::Rollbacks::new()
            }
        },
    };
    drop(breaches);
    let now = crate::date::Timestamp::now();
    let mut problems = crate::validate::validate_with(&repo, today, now, &rollbacks);
    if let Some(rev) = &args.against {
        let git = crate::git::Git::discover(&repo.root)?.ok_or_else(|| {
            crate::error::UserError::new(format!(
                "`--against {}` needs a git repository, and the flags root is not in one",
                escape(rev)
            ))
        })?;
        let base = git.load_at(rev, &repo.root)?;
        problems.extend(crate::pipeline_checks::check_against(
            &base, &repo, today, now,
        ));
        crate::problem::sort(&mut problems);
    }
    let count = |s: Severity| problems.iter().filter(|p| p.severity == s).count();
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );

    match args.format {
        ValidateFormat::Json => super::print_json(&Report {
            valid: errors == 0,
            root: repo.root.to_string_lossy().into_owned(),
            errors,
            warnings,
            problems: &problems,
        })?,
        ValidateFormat::Text => {
            let mut out = std::io::stdout().lock();
            for p in &problems {
                let label = match p.severity {
                    Severity::Error => paint(ctx.style.stdout, RED, "error"),
                    Severity::Warning => paint(ctx.style.stdout, YELLOW, "warning"),
                    Severity::Note => paint(ctx.style.stdout, CYAN, "note"),
                };
                writeln!(out, "{}: {label}: {}", place(p), escape(&p.message))?;
            }
        }
        ValidateFormat::Github => {
            let prefix = workspace_prefix(&repo.root);
            let mut out = std::io::stdout().lock();
            for p in &problems {
                let mut props = format!("file={}", gh_property(&format!("{prefix}{}", p.file)));
                if let Some(l) = p.line {
                    props.push_str(&format!(",line={l}"));
                }
                if let Some(c) = p.column {
                    props.push_str(&format!(",col={c}"));
                }
                let command = match p.severity {
                    Severity::Note => "notice",
                    s => s.as_str(),
                };
                writeln!(out, "::{command} {props}::{}", gh_data(&p.message))?;
            }
        }
    }

    // Files with problems count too: they were read, and their problems are in the report.
    let (flags, segments, environments) = (
        repo.flags.len() + repo.partial.flags.len(),
        repo.segments.len() + repo.partial.segments.len(),
        repo.environments.len() + repo.partial.environments.len(),
    );
    let summary = format!(
        "{} error{}, {} warning{}{} in {} flag{}, {} segment{}, {} environment{}",
        errors,
        plural(errors),
        warnings,
        plural(warnings),
        match notes {
            0 => String::new(),
            n => format!(", {n} note{}", plural(n)),
        },
        flags,
        plural(flags),
        segments,
        plural(segments),
        environments,
        plural(environments),
    );
    let _ = writeln!(std::io::stderr(), "{summary}");
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A problem's place, `file:line:column` (as much as is known), escaped for printing.
pub(crate) fn place(p: &Problem) -> String {
    let file = escape(&p.file);
    match (p.line, p.column) {
        (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
        (Some(l), None) => format!("{file}:{l}"),
        _ => file.into_owned(),
    }
}

/// GitHub resolves annotation paths from the repository top: prefix the flags root's place
/// in the enclosing repository (found by its `.git`), if any.
fn workspace_prefix(root: &Path) -> String {
    for dir in root.ancestors() {
        if dir.join(".git").exists() {
            let rel = root.strip_prefix(dir).unwrap_or(Path::new(""));
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            return if rel.is_empty() {
                String::new()
            } else {
                format!("{}/", rel.join("/"))
            };
        }
    }
    String::new()
}

/// Escaping of workflow command data (the message).
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of workflow command properties (`file=`).
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}
