//! Problems found in a flags repository: data, never printed here.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// For information only (a scheduled move that is due): never fails a check.
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
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
    /// What the problem leaves undefined at run time; decides whether `eval` and `export`
    /// must refuse (PRODUCT.md section 5). Not part of the JSON output.
    #[serde(skip)]
    pub effect: Effect,
}

/// What a problem means for what environments serve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Serving is well defined anyway: metadata, naming, cleanup policy.
    Record,
    /// Pipeline order (gates, soak time, `since`, skipped stages): how flags may move, never
    /// what an environment serves, so never a reason to stop a rollback from being exported.
    Order,
    /// What is served is undefined wherever this part of the repository is needed.
    Undefined(Scope),
}

/// A part of the repository that a problem leaves undefined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Everything (`flags.yaml`: the pipeline every flag is served by).
    All,
    Environment(String),
    Segment(String),
    /// A flag in every environment (its file cannot be read, or its key is ambiguous).
    Flag(String),
    /// A flag in one environment (an unknown stage or segment there).
    FlagIn {
        flag: String,
        env: String,
    },
}

impl Effect {
    /// The part of the repository a file's problems leave undefined, unless a check says
    /// otherwise: a new check blocks `eval` and `export` until it is classified.
    fn of_file(file: &str) -> Effect {
        let stem = |rest: &str| {
            let name = rest.rsplit('/').next().unwrap_or(rest);
            name.strip_suffix(".yaml")
                .or_else(|| name.strip_suffix(".yml"))
                .unwrap_or(name)
                .to_string()
        };
        let scope = if let Some(rest) = file.strip_prefix("environments/") {
            Scope::Environment(stem(rest))
        } else if let Some(rest) = file.strip_prefix("segments/") {
            Scope::Segment(stem(rest))
        } else if let Some(rest) = file.strip_prefix("flags/") {
            Scope::Flag(stem(rest))
        } else {
            Scope::All
        };
        Effect::Undefined(scope)
    }
}

impl Problem {
    pub fn error(
        file: impl Into<String>,
        loc: Option<crate::span::Loc>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, file.into(), loc, message.into())
    }

    pub fn warning(
        file: impl Into<String>,
        loc: Option<crate::span::Loc>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, file.into(), loc, message.into())
    }

    pub fn note(
        file: impl Into<String>,
        loc: Option<crate::span::Loc>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Note, file.into(), loc, message.into())
    }

    fn new(
        severity: Severity,
        file: String,
        loc: Option<crate::span::Loc>,
        message: String,
    ) -> Self {
        let loc = loc.filter(|l| l.is_known());
        Problem {
            severity,
            effect: Effect::of_file(&file),
            file,
            line: loc.map(|l| l.line),
            column: loc.map(|l| l.column),
            message,
        }
    }

    /// The same problem with what it leaves undefined stated by the check that found it.
    pub fn effect(mut self, effect: Effect) -> Self {
        self.effect = effect;
        self
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
