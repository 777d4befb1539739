//! The error a command stops with, and how it maps to exit codes.
//!
//! Exit codes (PRODUCT.md): 0 success, 1 the command ran and found problems, 2 anything that
//! stopped the command. Every `anyhow::Error` that reaches `run` is a 2; a `UserError` in the
//! chain adds a `hint:` line, and so does a `git::GitError`, with the commands' advice.

use std::fmt;

/// A failure caused by the user's input or environment, with an optional hint for the fix.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub hint: Option<String>,
}

impl UserError {
    pub fn new(message: impl Into<String>) -> Self {
        UserError {
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// The person cancelled a prompt: with Esc (nothing was changed, and that is not a failure:
/// exit 0) or with Ctrl-C (`interrupted`: exit 130, as a shell reports an interrupt).
#[derive(Debug)]
pub struct Cancelled {
    pub interrupted: bool,
}

impl Cancelled {
    /// The exit code: 130 for Ctrl-C, 0 for Esc.
    pub fn code(&self) -> u8 {
        if self.interrupted { 130 } else { 0 }
    }
}

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.interrupted {
            "interrupted; nothing was changed"
        } else {
            "cancelled; nothing changed"
        })
    }
}

impl std::error::Error for Cancelled {}

/// Shorthand: `return Err(user_error!(...))`.
#[macro_export]
macro_rules! user_error {
    ($($arg:tt)*) => { $crate::error::UserError::new(format!($($arg)*)) };
}

/// The closest of `candidates` to `name`, if reasonably close (for "did you mean" hints).
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// "did you mean `n`?" with the nearest of `candidates`, else `LABEL: a, b` (or "there are
/// none").
pub fn nearest_or_list<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
    label: &str,
) -> String {
    match nearest(name, candidates.clone()) {
        Some(n) => format!("did you mean `{n}`?"),
        None => {
            let list: Vec<&str> = candidates.into_iter().collect();
            if list.is_empty() {
                "there are none".into()
            } else {
                format!("{label}: {}", list.join(", "))
            }
        }
    }
}

/// An error for an unknown name of some kind, with the nearest valid name as a hint.
pub fn unknown<'a>(
    kind: &str,
    name: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> UserError {
    let list: Vec<&str> = candidates.clone().into_iter().collect();
    let err = UserError::new(format!("unknown {kind} `{}`", crate::escape::escape(name)));
    match nearest(name, candidates) {
        Some(n) => err.hint(format!("did you mean `{n}`?")),
        None if list.is_empty() => err.hint(format!("there is no {kind} yet")),
        None if list.len() <= 12 => err.hint(format!("{kind}s: {}", list.join(", "))),
        None => err.hint(format!("run `flags list` to see the {kind}s")),
    }
}

/// Whether an error is a closed stdout (`flags list | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        let io = e.downcast_ref::<std::io::Error>().map(|io| io.kind());
        let json = e
            .downcast_ref::<serde_json::Error>()
            .and_then(|j| j.io_error_kind());
        io.or(json) == Some(std::io::ErrorKind::BrokenPipe)
    })
}
