//! The command line: clap definitions and the one dispatch match.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands;
use crate::render::Style;
use crate::repo::Repo;

/// Feature flags as YAML files in git: validate them, walk them through a release pipeline,
/// find the ones ready for cleanup.
#[derive(Debug, Parser)]
#[command(name = "flags", version, about, max_term_width = 100)]
pub struct Cli {
    /// Run as if started in DIR (the flags root is found by walking up from there)
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// When to use colour (also off when NO_COLOR is set)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a flags repository: flags.yaml, three gated environments, two segments
    Init(commands::init::InitArgs),
    /// Check every file and report every problem (exit 1 on errors)
    Validate(commands::validate::ValidateArgs),
    /// List flags with their stage in each environment
    List(commands::list::ListArgs),
    /// Show one flag: definition and audience per environment
    Show(commands::show::ShowArgs),
    /// Create a flag at the first stage in every environment
    New(commands::new::NewArgs),
    /// Move flags one stage forward (or to --to) in an environment; diff, confirm, commit
    Promote(commands::promote::PromoteArgs),
    /// Roll flags back one stage (or to --to STAGE|off); never blocked
    Demote(commands::demote::DemoteArgs),
    /// Plan a move to the next stage (or --to) at a time, or --clear the plan; diff, confirm, commit
    Schedule(commands::schedule::ScheduleArgs),
    /// Write every scheduled move that is due into the flag files, in one commit
    Advance(commands::advance::AdvanceArgs),
    /// Show what changed between two revisions in flag terms (default: HEAD vs working tree)
    Diff(commands::diff::DiffArgs),
    /// Tell whether a flag is on for a user in an environment, and why
    Eval(commands::eval::EvalArgs),
    /// Compile environments for run time: flagd definitions or OpenFeature Operator resources
    Export(commands::export::ExportArgs),
    /// Show stage changes from git history, newest first
    Log(commands::log::LogArgs),
    /// List cleanup candidates: ready, expired or stalled flags (exit 1 with --check)
    Stale(commands::stale::StaleArgs),
    /// Delete flags whose cleanup is done (refuses while code still mentions them)
    Remove(commands::remove::RemoveArgs),
    /// Show where source code mentions flag keys (file:line), honouring .gitignore
    Refs(commands::refs::RefsArgs),
    /// Print the JSON Schema of the file formats
    Schema(commands::schema::SchemaArgs),
    /// Print a shell completion script
    Completions(commands::completions::CompletionsArgs),
    /// Print the man page (roff): `flags manpage > flags.1`
    Manpage,
}

/// `--format` for commands that print data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum DataFormat {
    /// Human-readable table
    #[default]
    #[value(alias = "text")]
    Table,
    /// Machine-readable JSON
    Json,
}

/// Shared `--format` argument.
#[derive(Debug, Args)]
pub struct FormatArg {
    /// Output format
    #[arg(long, value_enum, default_value_t = DataFormat::Table)]
    pub format: DataFormat,
}

/// What every command gets: where to start looking and how to print.
pub struct Ctx {
    pub dir: PathBuf,
    pub style: Style,
}

impl Ctx {
    /// Finds and loads the flags repository.
    pub fn repo(&self) -> anyhow::Result<Repo> {
        Ok(Repo::load(&crate::discover::find_root(&self.dir)?))
    }
}

impl Cli {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        // Commands that need neither the disk nor the repository return first.
        match &self.command {
            Command::Completions(args) => return commands::completions::run(args),
            Command::Schema(args) => return commands::schema::run(args),
            Command::Manpage => return commands::completions::manpage(),
            _ => {}
        }
        let ctx = Ctx {
            dir: self.dir.clone().unwrap_or_else(|| PathBuf::from(".")),
            style: style(self.color),
        };
        // A clock override that does not parse stops every command that reads the clock
        // (inside `validate`, so that `--format json` still answers with one object).
        if !matches!(self.command, Command::Validate(_)) {
            check_clock()?;
        }
        match self.command {
            Command::Init(args) => commands::init::run(&ctx, &args),
            Command::Validate(args) => commands::validate::run(&ctx, &args),
            Command::List(args) => commands::list::run(&ctx, &args),
            Command::Show(args) => commands::show::run(&ctx, &args),
            Command::Diff(args) => commands::diff::run(&ctx, &args),
            Command::New(args) => commands::new::run(&ctx, &args),
            Command::Promote(args) => commands::promote::run(&ctx, &args),
            Command::Demote(args) => commands::demote::run(&ctx, &args),
            Command::Schedule(args) => commands::schedule::run(&ctx, &args),
            Command::Advance(args) => commands::advance::run(&ctx, &args),
            Command::Eval(args) => commands::eval::run(&ctx, &args),
            Command::Export(args) => commands::export::run(&ctx, &args),
            Command::Remove(args) => commands::remove::run(&ctx, &args),
            Command::Log(args) => commands::log::run(&ctx, &args),
            Command::Stale(args) => commands::stale::run(&ctx, &args),
            Command::Refs(args) => commands::refs::run(&ctx, &args),
            Command::Schema(_) | Command::Completions(_) | Command::Manpage => {
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to colour a stream: `always`/`never` win; `auto` means a terminal and no `NO_COLOR`.
pub fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Colour settings for one run: each stream on its own.
pub fn style(choice: ColorChoice) -> Style {
    use std::io::IsTerminal;
    Style {
        stdout: use_color(choice, std::io::stdout().is_terminal()),
        stderr: use_color(choice, std::io::stderr().is_terminal()),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// clap's own checks of the definitions (conflicting names, bad defaults), as jj's
    /// `verify_app`: a mistake here would otherwise only show when that flag is used.
    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}

/// An instant given on the command line (`--at`): parsed once, and kept as typed for the
/// commands that write it into a file as the user wrote it.
#[derive(Clone, Debug)]
pub struct InstantArg {
    pub text: String,
    pub at: crate::date::Timestamp,
}

/// The value parser of every `--at`: RFC 3339 with `Z` or an offset.
pub fn parse_instant(s: &str) -> Result<InstantArg, String> {
    crate::date::Timestamp::parse(s)
        .map(|at| InstantArg {
            text: s.to_string(),
            at,
        })
        .map_err(|why| format!("{why}; e.g. {}", crate::date::TIMESTAMP_EXAMPLE))
}

/// Refuses a `FLAGS_NOW` that is not a timestamp: ignoring it would run on the real clock.
pub(crate) fn check_clock() -> anyhow::Result<()> {
    crate::date::check_env_now().map_err(|m| crate::error::UserError::new(m).into())
}
