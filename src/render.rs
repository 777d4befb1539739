//! Presentation: colour decisions, escaping of file text, tables.

use std::io::IsTerminal;

use comfy_table::{Cell, ContentArrangement, Table, presets};

pub use crate::escape::{escape, escape_message};

/// Colour settings for one run.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub stdout: bool,
    pub stderr: bool,
}

pub const RED: &str = "\x1b[31m";
pub const GREEN: &str = "\x1b[32m";
pub const YELLOW: &str = "\x1b[33m";
pub const CYAN: &str = "\x1b[36m";
pub const BOLD: &str = "\x1b[1m";
pub const RESET: &str = "\x1b[0m";

/// Wraps `text` in an SGR colour when `on`.
pub fn paint(on: bool, color: &str, text: &str) -> String {
    if on {
        format!("{color}{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// A borderless table in the style of `kubectl get`/`cargo tree`, fitted to the terminal
/// width when stdout is one.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_content_arrangement(ContentArrangement::Dynamic);
    if !std::io::stdout().is_terminal() {
        t.force_no_tty();
    }
    t.set_header(header.iter().map(Cell::new).collect::<Vec<_>>());
    t
}

/// Renders a table to lines without trailing spaces (stable output for tests and pipes).
pub fn table_lines(t: &mut Table) -> String {
    for col in t.column_iter_mut() {
        col.set_padding((0, 2));
    }
    let mut out = String::new();
    for line in t.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A unified diff of one file (`a/PATH` -> `b/PATH`, three lines of context), coloured when
/// `color`. File text is escaped; `\r\n` line ends are shown like `\n` ones. A created file
/// diffs against `/dev/null`, as in git.
pub fn unified_diff(path: &str, old: Option<&str>, new: Option<&str>, color: bool) -> String {
    let (old_text, new_text) = (old.unwrap_or(""), new.unwrap_or(""));
    let diff = similar::TextDiff::from_lines(old_text, new_text);
    let path = escape(path);
    let a = if old.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".into()
    };
    let b = if new.is_some() {
        format!("b/{path}")
    } else {
        "/dev/null".into()
    };
    let mut out = String::new();
    out.push_str(&paint(color, BOLD, &format!("--- {a}")));
    out.push('\n');
    out.push_str(&paint(color, BOLD, &format!("+++ {b}")));
    out.push('\n');
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        out.push_str(&paint(color, CYAN, &hunk.header().to_string()));
        out.push('\n');
        for change in hunk.iter_changes() {
            let line = change.value().trim_end_matches(['\n', '\r']);
            let (sign, colour) = match change.tag() {
                similar::ChangeTag::Delete => ("-", Some(RED)),
                similar::ChangeTag::Insert => ("+", Some(GREEN)),
                similar::ChangeTag::Equal => (" ", None),
            };
            let text = format!("{sign}{}", escape(line));
            match colour {
                Some(c) => out.push_str(&paint(color, c, &text)),
                None => out.push_str(&text),
            }
            out.push('\n');
            if change.missing_newline() {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// "internal, partners + 10% of users", "everyone", "nobody".
pub fn describe_audience(a: &crate::repo::Audience) -> String {
    if a.rollout >= 100.0 {
        return "everyone".into();
    }
    let mut parts: Vec<String> = a.segments.iter().map(|s| escape(s).into_owned()).collect();
    match a.users.len() {
        0 => {}
        1 => parts.push(format!("user {}", escape(&a.users[0]))),
        n => parts.push(format!("{n} users")),
    }
    if a.rollout > 0.0 {
        parts.push(format!("{}% of users", a.rollout));
    }
    if parts.is_empty() {
        "nobody".into()
    } else {
        parts.join(" + ")
    }
}
