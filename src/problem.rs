//! Problems found in a flags repository: data, never printed here.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding: severity, file relative to the flags root (with `/`), place, and a message
/// that names the thing and says how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl Problem {
    pub fn error(
        file: impl Into<String>,
        loc: Option<crate::repo::Loc>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, file.into(), loc, message.into())
    }

    pub fn warning(
        file: impl Into<String>,
        loc: Option<crate::repo::Loc>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, file.into(), loc, message.into())
    }

    fn new(
        severity: Severity,
        file: String,
        loc: Option<crate::repo::Loc>,
        message: String,
    ) -> Self {
        let loc = loc.filter(|l| l.is_known());
        Problem {
            severity,
            file,
            line: loc.map(|l| l.line),
            column: loc.map(|l| l.column),
            message,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Orders problems by file, then position, so output is stable across runs.
pub fn sort(problems: &mut [Problem]) {
    problems.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
    });
}
