//! Text from files and from git, made safe to print: no character of it may drive a terminal.
//! A leaf module: every layer escapes, and none of them needs more than this.

use std::borrow::Cow;

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
