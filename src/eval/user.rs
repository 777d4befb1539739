//! A user: a targeting key and string or number attributes.

use super::*;

/// A user attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    String(String),
    Number(f64),
}

impl AttrValue {
    /// Parses a command-line value: a JSON number (`42`, `-1.5`, `1e3`) is a number, a value
    /// in double quotes is the string inside them, anything else is a string (`01234` stays
    /// a string: it is not a JSON number).
    pub fn parse(text: &str) -> AttrValue {
        if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            return AttrValue::String(inner.to_string());
        }
        match serde_json::from_str::<serde_json::Number>(text) {
            Ok(n) => match n.as_f64() {
                Some(f) if f.is_finite() => AttrValue::Number(f),
                _ => AttrValue::String(text.to_string()),
            },
            Err(_) => AttrValue::String(text.to_string()),
        }
    }
}

impl fmt::Display for AttrValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrValue::String(s) => write!(f, "{s:?}"),
            AttrValue::Number(n) => write!(f, "{n}"),
        }
    }
}

impl From<&str> for AttrValue {
    fn from(s: &str) -> Self {
        AttrValue::String(s.to_string())
    }
}

impl From<String> for AttrValue {
    fn from(s: String) -> Self {
        AttrValue::String(s)
    }
}

impl From<f64> for AttrValue {
    fn from(n: f64) -> Self {
        AttrValue::Number(n)
    }
}

impl From<i64> for AttrValue {
    fn from(n: i64) -> Self {
        AttrValue::Number(n as f64)
    }
}

/// Attribute names that mean the targeting key.
pub const KEY_ATTRIBUTES: [&str; 2] = ["key", "targetingKey"];

/// Who a flag is evaluated for: a targeting key and attributes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct User {
    pub key: String,
    pub attributes: BTreeMap<String, AttrValue>,
}

impl User {
    pub fn new(key: impl Into<String>) -> User {
        User {
            key: key.into(),
            attributes: BTreeMap::new(),
        }
    }

    /// Adds an attribute (builder style).
    pub fn with(mut self, name: impl Into<String>, value: impl Into<AttrValue>) -> User {
        self.attributes.insert(name.into(), value.into());
        self
    }

    /// The value a rule on `name` reads: the targeting key for `key`, else the attribute.
    pub(super) fn lookup(&self, name: &str) -> Option<Attr<'_>> {
        if KEY_ATTRIBUTES.contains(&name) {
            return Some(Attr::Str(&self.key));
        }
        match self.attributes.get(name)? {
            AttrValue::String(s) => Some(Attr::Str(s)),
            AttrValue::Number(n) => Some(Attr::Num(*n)),
        }
    }
}
