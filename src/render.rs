//! Presentation: colour decisions, escaping of file text, tables.

use std::borrow::Cow;
use std::io::IsTerminal;

use clap::ValueEnum;
use comfy_table::{Cell, ContentArrangement, Table, presets};

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

/// Colour settings for one run.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub stdout: bool,
    pub stderr: bool,
}

impl Style {
    pub fn new(choice: ColorChoice) -> Style {
        Style {
            stdout: use_color(choice, std::io::stdout().is_terminal()),
            stderr: use_color(choice, std::io::stderr().is_terminal()),
        }
    }
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

/// Escapes characters that could drive a terminal (C0/C1 controls, DEL, bidi overrides) so
/// text from files and from git is shown, never executed. Newlines and tabs are escaped too:
/// every value is printed on its own line.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`escape`] for a message that may span lines: newlines stay, every other control
/// character is escaped. Used on every message `flags` prints to stderr, since names and
/// values from files (a stage, an environment) end up in them.
pub fn escape_message(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && needs_escape(c)) {
        return Cow::Borrowed(s);
    }
    let lines: Vec<Cow<'_, str>> = s.split('\n').map(escape).collect();
    Cow::Owned(lines.join("\n"))
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape("a\x1b[31mred"), "a\\u{1b}[31mred");
        assert_eq!(escape("x\x1b]0;title\x07"), "x\\u{1b}]0;title\\u{7}");
        assert_eq!(escape("two\nlines"), "two\\nlines");
        assert_eq!(escape("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(escape("\u{9b}"), "\\u{9b}");
        assert_eq!(escape_message("a\nb\u{202e}\u{85}"), "a\nb\\u{202e}\\u{85}");
        assert_eq!(escape_message("plain\nlines"), "plain\nlines");
    }
}
