//! Typed flags (PRODUCT.md section 8): variants of any JSON type, `default`, `serve` (one
//! variant or a split of weights), prerequisites (`requires`) and an environment's own
//! `users` and `serve`.
//!
//! Kept apart from the rest of the model on purpose: these types only describe what the
//! files say, and [`TypedView`] resolves them (a boolean flag is `off: false`, `on: true`,
//! `default: off`, `serve: on`), so evaluation, export and the commands read one answer.
//! Checking them is `validate::typed`'s job.

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde_json::Value;

use super::model::FlagDef;
use crate::span::Sp;

/// The variant names of a boolean flag.
pub const ON: &str = "on";
pub const OFF_VARIANT: &str = "off";

/// A variant name as written: a plain scalar. YAML 1.1 readers take a bare `on`/`off` for a
/// boolean, so the decoder reads `true`/`false` back as `on`/`off` (the boolean flag's
/// variant names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantName(pub String);

impl JsonSchema for VariantName {
    fn schema_name() -> Cow<'static, str> {
        "VariantName".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A variant name (a key of `variants`; `on`/`off` for boolean flags)."
        })
    }
}

/// What the audience is served: one variant, or a split of percentages per variant.
#[derive(Debug, Clone, PartialEq)]
pub enum Serve {
    Variant(Sp<String>),
    /// Variant -> percent, in file order (the order of the buckets).
    Split(Vec<(Sp<String>, Sp<f64>)>),
}

impl JsonSchema for Serve {
    fn schema_name() -> Cow<'static, str> {
        "Serve".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "What the audience is served: a variant name, or a split `{variant: percent}` summing to 100 (at most three decimals), sticky per user.",
            "anyOf": [
                { "type": "string" },
                { "type": "object", "additionalProperties": { "type": "number", "exclusiveMinimum": 0, "maximum": 100 } }
            ]
        })
    }
}

/// The JSON type of a flag's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Boolean,
    String,
    Number,
    Object,
}

impl ValueType {
    pub fn of(v: &Value) -> Option<ValueType> {
        match v {
            Value::Bool(_) => Some(ValueType::Boolean),
            Value::String(_) => Some(ValueType::String),
            Value::Number(_) => Some(ValueType::Number),
            Value::Object(_) => Some(ValueType::Object),
            Value::Null | Value::Array(_) => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::Boolean => "boolean",
            ValueType::String => "string",
            ValueType::Number => "number",
            ValueType::Object => "object",
        }
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one environment serves its audience, resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum ServeView<'a> {
    Variant(&'a str),
    /// (variant, percent) in bucket order.
    Split(Vec<(&'a str, f64)>),
}

impl ServeView<'_> {
    /// `dark` or `dark 50%, contrast 50%`.
    pub fn describe(&self) -> String {
        match self {
            ServeView::Variant(v) => (*v).to_string(),
            ServeView::Split(ws) => ws
                .iter()
                .map(|(v, w)| format!("{v} {w}%"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// A flag's typed fields resolved: boolean flags get their implicit variants.
#[derive(Debug, Clone)]
pub struct TypedView<'a> {
    pub def: &'a FlagDef,
}

impl<'a> TypedView<'a> {
    pub fn new(def: &'a FlagDef) -> Self {
        TypedView { def }
    }

    /// Whether the flag declares `variants` (a typed flag).
    pub fn is_typed(&self) -> bool {
        self.def.variants.is_some()
    }

    /// Whether the flag uses any section 8 field (typed fields, `requires`, an environment's
    /// `users` or `serve`): such flags take the general export path.
    pub fn uses_typed_fields(&self) -> bool {
        let t = self.def;
        t.variants.is_some()
            || t.default.is_some()
            || t.serve.is_some()
            || t.requires.as_ref().is_some_and(|r| !r.value.0.is_empty())
            || self
                .def
                .environments
                .value
                .0
                .iter()
                .any(|(_, e)| !e.value.users.is_empty() || e.value.serve.is_some())
    }

    /// Variants in file order; `off: false`, `on: true` for a boolean flag.
    pub fn variants(&self) -> Vec<(&'a str, Cow<'a, Value>)> {
        match &self.def.variants {
            Some(v) => v
                .value
                .0
                .iter()
                .map(|(k, v)| (k.value.as_str(), Cow::Borrowed(&v.value)))
                .collect(),
            None => vec![
                (OFF_VARIANT, Cow::Owned(Value::Bool(false))),
                (ON, Cow::Owned(Value::Bool(true))),
            ],
        }
    }

    /// The value of a variant, if the flag has it.
    pub fn value(&self, variant: &str) -> Option<Value> {
        match &self.def.variants {
            Some(v) => v
                .value
                .0
                .iter()
                .find(|(k, _)| k.value == variant)
                .map(|(_, v)| v.value.clone()),
            None => match variant {
                ON => Some(Value::Bool(true)),
                OFF_VARIANT => Some(Value::Bool(false)),
                _ => None,
            },
        }
    }

    /// The type of the values (of the first variant; validation checks they agree).
    pub fn value_type(&self) -> ValueType {
        self.variants()
            .first()
            .and_then(|(_, v)| ValueType::of(v))
            .unwrap_or(ValueType::Boolean)
    }

    /// The `default` variant (`off` for a boolean flag).
    pub fn default(&self) -> &'a str {
        match &self.def.default {
            Some(d) => d.value.0.as_str(),
            None => OFF_VARIANT,
        }
    }

    /// What the audience gets in `env`: the environment's own `serve`, else the flag's
    /// (`on` for a boolean flag).
    pub fn serve(&self, env: &str) -> ServeView<'a> {
        let own = self.def.entry(env).and_then(|e| e.serve.as_ref());
        match own.or(self.def.serve.as_ref()) {
            Some(s) => serve_view(&s.value),
            None => ServeView::Variant(ON),
        }
    }

    /// Prerequisites in file order: (flag key, variant).
    pub fn requires(&self) -> Vec<(&'a str, &'a str)> {
        match &self.def.requires {
            Some(r) => r
                .value
                .0
                .iter()
                .map(|(k, v)| (k.value.as_str(), v.value.0.as_str()))
                .collect(),
            None => Vec::new(),
        }
    }

    /// The environment's extra targeting keys.
    pub fn users(&self, env: &str) -> Vec<&'a str> {
        self.def
            .entry(env)
            .map(|e| e.users.iter().map(|u| u.value.as_str()).collect())
            .unwrap_or_default()
    }
}

pub fn serve_view(s: &Serve) -> ServeView<'_> {
    match s {
        Serve::Variant(v) => ServeView::Variant(v.value.as_str()),
        Serve::Split(ws) => ServeView::Split(
            ws.iter()
                .map(|(v, w)| (v.value.as_str(), w.value))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_fields_parse_with_locations() {
        let src = "description: d\nowner: o\ntype: experiment\nvariants:\n  on: 1\n  off: 2.5\n  big: {a: [1, \"x\"], b: null}\ndefault: off\nserve: {on: 50, big: 50}\nrequires:\n  other: on\n  third: dark\nenvironments:\n  production:\n    stage: internal\n    users: [u1]\n    serve: big\n";
        let def = crate::repo::parse_flag(src).expect("parses");
        let v = TypedView::new(&def);
        let names: Vec<&str> = v.variants().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["on", "off", "big"]);
        assert_eq!(v.value("on"), Some(serde_json::json!(1)));
        assert_eq!(
            v.value("big"),
            Some(serde_json::json!({"a": [1, "x"], "b": null}))
        );
        assert_eq!(v.default(), "off");
        assert_eq!(
            v.serve("staging"),
            ServeView::Split(vec![("on", 50.0), ("big", 50.0)])
        );
        assert_eq!(v.serve("production"), ServeView::Variant("big"));
        assert_eq!(v.requires(), [("other", "on"), ("third", "dark")]);
        assert_eq!(v.users("production"), ["u1"]);
        let serve = def.entry("production").unwrap().serve.as_ref().unwrap();
        match &serve.value {
            Serve::Variant(s) => assert_eq!((s.loc.line, s.loc.column), (17, 12)),
            other => panic!("{other:?}"),
        }
        let Some(Serve::Split(ws)) = def.serve.as_ref().map(|s| &s.value) else {
            panic!()
        };
        assert_eq!(
            (ws[1].0.loc.line, ws[1].1.loc.line, ws[1].1.loc.column),
            (9, 9, 22)
        );
    }
}

/// Whether the number written as `raw` (YAML or JSON) reads back as written from a double,
/// which is what flagd and JavaScript read every number as: its significant digits are those
/// of the nearest double's shortest form (so a long literal is refused even where, like
/// 2^60, the double happens to hold it: it would be served in another spelling). `123456789012345678901234567890` and `9007199254740993` are not (they
/// would be served as `1.2345678901234568e29` and `9007199254740992`); `1e18`, `0.1` and
/// `100` are. Text that is no number is not judged (`true`).
pub fn number_is_exact(raw: &str) -> bool {
    fn digits(mantissa: &str) -> String {
        let d: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        d.trim_start_matches('0').trim_end_matches('0').to_string()
    }
    let raw = raw.trim().trim_start_matches(['+', '-']);
    let Ok(value) = raw.replace('_', "").parse::<f64>() else {
        return true;
    };
    if !value.is_finite() {
        return true;
    }
    let mantissa = raw.split(['e', 'E']).next().unwrap_or(raw);
    let nearest = format!("{value:e}");
    let nearest = nearest.split('e').next().unwrap_or_default();
    digits(mantissa) == digits(nearest)
}

/// The number literals of a JSON text (outside its strings), for [`number_is_exact`].
pub fn json_number_literals(json: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut in_string, mut escaped, mut start) = (false, false, None);
    for (i, c) in json.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        let in_number = c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E');
        match (start, in_number) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push(&json[s..i]);
                start = None;
            }
            _ => {}
        }
        if c == '"' {
            in_string = true;
        }
    }
    if let Some(s) = start {
        out.push(&json[s..]);
    }
    out
}

#[cfg(test)]
mod exact_tests {
    use super::{json_number_literals, number_is_exact};

    #[test]
    fn numbers_a_double_holds_and_numbers_it_does_not() {
        for ok in [
            "100",
            "0.1",
            "1e18",
            "1000000000000000000",
            "-12.5",
            "9007199254740992",
            "1.5E3",
        ] {
            assert!(number_is_exact(ok), "{ok}");
        }
        for lossy in [
            "123456789012345678901234567890",
            "9007199254740993",
            "0.12345678901234567891",
        ] {
            assert!(!number_is_exact(lossy), "{lossy}");
        }
        assert_eq!(
            json_number_literals(r#"{"a": 12, "b": "9007199254740993", "c": [-1.5e3, 7]}"#),
            vec!["12", "-1.5e3", "7"]
        );
    }
}
