//! `flags`: feature flags as YAML files in git.
//!
//! The library loads a flags repository into a typed model ([`repo::Repo`]), checks it
//! ([`validate::validate`]), evaluates flags for users ([`eval::evaluate`]) and compiles an
//! environment to flagd definitions ([`export::flagd`]); the `flags` binary is a thin
//! command-line layer over it.
//!
//! ```no_run
//! let repo = flags::repo::Repo::discover(std::path::Path::new("examples/acme"))?;
//! let problems = flags::validate::validate(&repo, flags::date::Date::today());
//! assert!(problems.iter().all(|p| !p.is_error()));
//!
//! let user = flags::eval::User::new("alice").with("email", "alice@acme.io").with("seats", 12i64);
//! let decision = flags::eval::evaluate(&repo, "new-tax-engine", "production", &user)?;
//! println!("{}: {}", decision.value, decision.explain());
//!
//! let flagd = flags::export::flagd(&repo, "production")?;
//! print!("{}", flags::export::to_pretty(&flagd));
//! # Ok::<(), anyhow::Error>(())
//! ```

mod change;
mod commands;
pub mod date;
pub mod discover;
pub mod edit;
pub mod edit_schedule;
pub mod error;
pub mod escape;
pub mod eval;
pub mod export;
mod fsutil;
pub mod git;
pub mod pipeline_checks;
pub mod policy;
pub mod problem;
pub mod refs;
pub mod render;
pub mod repo;
pub mod rollback;
pub mod schedule;
pub mod semdiff;
pub mod span;
pub mod stale;
pub mod validate;
pub mod yaml;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// Runs the CLI with these arguments and returns the exit code (0, 1 or 2).
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match commands::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let color = commands::use_color(
        cli.color,
        std::io::IsTerminal::is_terminal(&std::io::stderr()),
    );
    match cli.run() {
        Ok(code) => code,
        Err(e) if error::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if e.chain().any(|c| c.is::<error::Cancelled>()) => {
            let c = e
                .chain()
                .find_map(|c| c.downcast_ref::<error::Cancelled>())
                .map_or(0, error::Cancelled::code);
            let _ = writeln!(std::io::stderr(), "{}", e.root_cause());
            ExitCode::from(c)
        }
        Err(e) => {
            report(&e, color);
            ExitCode::from(2)
        }
    }
}

/// Prints `error: ...`, the cause chain and a `hint:` line to stderr.
fn report(err: &anyhow::Error, color: bool) {
    let mut stderr = std::io::stderr().lock();
    let label = render::paint(color, &format!("{}{}", render::BOLD, render::RED), "error");
    // Messages name things from files and from git: never let them drive the terminal.
    let text = |d: &dyn std::fmt::Display| render::escape_message(&d.to_string()).into_owned();
    let _ = writeln!(stderr, "{label}: {}", text(err));
    for cause in err.chain().skip(1) {
        let _ = writeln!(stderr, "  caused by: {}", text(cause));
    }
    if let Some(hint) = commands::advice::hint(err) {
        let label = render::paint(color, &format!("{}{}", render::BOLD, render::CYAN), "hint");
        let _ = writeln!(stderr, "{label}: {}", render::escape_message(&hint));
    }
}
