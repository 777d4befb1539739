//! The located YAML tree: every file is parsed once into [`Node`]s that keep each value's
//! line, column and byte range, and the decoder (`repo::decode`) reads the model from it.
//!
//! serde-saphyr does the parsing (it is the only YAML parser here) with every limit the
//! formats need: nesting depth, aliases and their replay, anchors, nodes, duplicate keys,
//! tabs and control characters, one document per file. Its `Spanned` wrapper gives each
//! node its place; `deserialize_any` gives each scalar its YAML type (`yes` is a boolean,
//! `3` a number, `"3"` text), which the decoder needs to say what it found.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::span::Loc;

/// Deepest YAML nesting accepted; the formats need four levels. The tree is built by
/// recursion, so this also bounds the stack a file can use (about 40 KiB a level in a debug
/// build: 16 levels fit in a 2 MiB worker thread many times over).
pub const MAX_NESTING: usize = 16;

/// Most values (after alias expansion) one file may hold: a flag file holds a few dozen.
const MAX_REPLAYED_EVENTS: usize = 100_000;

/// A parsed value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the value is used (for an alias `*a`: the alias).
    pub loc: Loc,
    /// Where the value is written (for an alias: in its anchor); what [`Node::raw`] reads.
    pub defined: Loc,
    pub value: Value,
}

/// A YAML value as the YAML 1.1 core schema reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null` or nothing after a `key:`.
    Null,
    Bool(bool),
    /// A whole number; one beyond `i64` is a [`Value::Float`].
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in file order (duplicate keys are refused by the parser).
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The text of a scalar as written in `source` (a number or a boolean keeps its
    /// spelling: `1.50`, `yes`), or `None` for a list, a mapping or a value whose place
    /// is unknown.
    pub fn raw<'s>(&self, source: &'s str) -> Option<&'s str> {
        let at = self.defined;
        if matches!(self.value, Value::Seq(_) | Value::Map(_)) || !at.is_known() {
            return None;
        }
        source.get(at.start..at.start.checked_add(at.len)?)
    }

    /// What the value is, for messages: "a list of 2 items", "the number 3", "nothing".
    pub fn describe(&self, source: &str) -> String {
        let spelled = |fallback: String| {
            self.raw(source)
                .map(str::trim)
                .filter(|r| !r.is_empty() && r.len() <= 40)
                .map_or(fallback, |r| crate::escape::escape(r).into_owned())
        };
        match &self.value {
            Value::Null => "nothing".into(),
            Value::Bool(b) => format!("the boolean `{}`", spelled(b.to_string())),
            Value::Int(i) => format!("the number `{}`", spelled(i.to_string())),
            Value::Float(f) => format!("the number `{}`", spelled(f.to_string())),
            Value::Str(s) if s.chars().count() > 40 => "a text value".into(),
            Value::Str(s) => format!("the text `{}`", crate::escape::escape(s)),
            Value::Seq(items) if items.len() == 1 => "a list of 1 item".into(),
            Value::Seq(items) => format!("a list of {} items", items.len()),
            Value::Map(_) => "a mapping".into(),
        }
    }

    /// The JSON value of the tree (mapping keys as their text), for checking a file against
    /// the JSON Schema of `flags schema` (the schema-agreement test). Non-finite numbers
    /// become `null`.
    #[cfg(test)]
    pub fn to_json(&self, source: &str) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(|n| n.to_json(source)).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.key_text(source).into_owned(), v.to_json(source)))
                    .collect(),
            ),
        }
    }

    /// A mapping key as text: a string as itself, another scalar as written.
    pub fn key_text<'s>(&'s self, source: &'s str) -> std::borrow::Cow<'s, str> {
        match &self.value {
            Value::Str(s) => s.as_str().into(),
            _ => self.raw(source).unwrap_or_default().trim().into(),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<Value>::deserialize(d)?;
        Ok(Node {
            loc: Loc::from_saphyr(&s.referenced),
            defined: Loc::from_saphyr(&s.defined),
            value: s.value,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a YAML value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Value, D2::Error> {
                Value::deserialize(d)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                Ok(Value::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Str(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
                Ok(Value::Str(v))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
                Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                // Sized for the lists these files hold: growing copies every node again.
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(4));
                while let Some(n) = seq.next_element::<Node>()? {
                    items.push(n);
                }
                Ok(Value::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(Key(k)) = map.next_key::<Key>()? {
                    entries.push((k, map.next_value::<Node>()?));
                }
                if entries.iter().any(|(k, _)| is_merge_key(k)) {
                    entries = merge(entries);
                }
                Ok(Value::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
}

fn is_merge_key(k: &Node) -> bool {
    matches!(&k.value, Value::Str(s) if s == "<<")
}

/// YAML's merge keys (`<<: *base`, `<<: [*a, *b]`): the merged mappings' entries join this
/// one where it does not set the key itself (the first merged mapping wins among them), in
/// place of the `<<` entry. Done on the tree rather than by the parser, whose merging keeps
/// a hashed set of every mapping's keys (a tenth of the parse of a flags repository).
fn merge(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    let own: Vec<Value> = entries
        .iter()
        .filter(|(k, _)| !is_merge_key(k))
        .map(|(k, _)| k.value.clone())
        .collect();
    let mut out: Vec<(Node, Node)> = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        if !is_merge_key(&k) {
            out.push((k, v));
            continue;
        }
        let sources: Vec<Node> = match v.value {
            Value::Map(_) => vec![v],
            Value::Seq(items) => items,
            // Not a mapping to merge: kept as written, the decoder calls it an unknown field.
            value => {
                out.push((
                    k,
                    Node {
                        loc: v.loc,
                        defined: v.defined,
                        value,
                    },
                ));
                continue;
            }
        };
        for source in sources {
            let Value::Map(merged) = source.value else {
                continue;
            };
            for (mk, mv) in merged {
                let taken = own.contains(&mk.value) || out.iter().any(|(o, _)| o.value == mk.value);
                if !taken {
                    out.push((mk, mv));
                }
            }
        }
    }
    out
}

/// The first key of a mapping (anywhere in the tree) written twice, as the problem to report.
fn duplicate_key(node: &Node, source: &str) -> Option<(Loc, String)> {
    match &node.value {
        Value::Map(entries) => {
            // Keys are text: past a few keys a set finds the first repeat in one pass (a file
            // of 50,000 keys took seconds with pairwise comparison); the usual small mappings
            // compare pairwise, without allocating.
            let mut seen = std::collections::HashSet::new();
            let hashed = entries.len() > 16;
            for (i, (k, _)) in entries.iter().enumerate() {
                let repeated = match &k.value {
                    Value::Str(s) if hashed => !seen.insert(s.as_str()),
                    other => entries[..i].iter().any(|(o, _)| o.value == *other),
                };
                if repeated {
                    return Some((
                        k.loc,
                        format!(
                            "duplicate key `{}`; keep only one of them",
                            k.key_text(source)
                        ),
                    ));
                }
            }
            entries.iter().find_map(|(_, v)| duplicate_key(v, source))
        }
        Value::Seq(items) => items.iter().find_map(|n| duplicate_key(n, source)),
        _ => None,
    }
}

/// A mapping key: always text (`3:` is the key "3"). Read as a string rather than through
/// `deserialize_any`, which would try it as a boolean, an integer and a float first: keys
/// are most of the scalars of these files, and that guessing was a twentieth of the parse.
struct Key(Node);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text(String);
        impl<'de> Deserialize<'de> for Text {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Text;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a mapping key that is a single text value")
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                        Ok(Text(v.to_owned()))
                    }
                    fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                        Ok(Text(v))
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                        Ok(Text(String::new()))
                    }
                    fn visit_none<E: de::Error>(self) -> Result<Text, E> {
                        Ok(Text(String::new()))
                    }
                }
                d.deserialize_str(V)
            }
        }
        let s = serde_saphyr::Spanned::<Text>::deserialize(d)?;
        Ok(Key(Node {
            loc: Loc::from_saphyr(&s.referenced),
            defined: Loc::from_saphyr(&s.defined),
            value: Value::Str(s.value.0),
        }))
    }
}

/// Whether a document holds nothing but comments, blank lines and document markers.
pub fn is_blank_document(source: &str) -> bool {
    source.trim_start_matches('\u{feff}').lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}

/// Parses one file into its located tree; `Ok(None)` for a blank document. A file that is
/// not YAML (or breaks a limit) is one error: where, and a message that says what to do.
pub fn parse(source: &str) -> Result<Option<Node>, (Option<Loc>, String)> {
    if is_blank_document(source) {
        return Ok(None);
    }
    let tree = parse_as::<Node>(source)?;
    if let Some((loc, msg)) = duplicate_key(&tree, source) {
        return Err((Some(loc), msg));
    }
    Ok(Some(tree))
}

/// Parses YAML straight into `T` with the same limits and messages as [`parse`].
fn parse_as<T: de::DeserializeOwned>(source: &str) -> Result<T, (Option<Loc>, String)> {
    // Comments are never read from the model: not capturing their text saves a tenth of
    // the parse (flag files start with one). They are still checked as YAML syntax.
    let mut options = serde_saphyr::options! {
        with_snippet: false,
        emit_comments: false,
        // `.inf` and `.nan` reach the decoder, which says which field cannot take them.
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
        // Duplicate keys and merge keys are handled on the tree (`parse`, `merge`).
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
        merge_keys: serde_saphyr::MergeKeyPolicy::AsOrdinary,
        budget: serde_saphyr::budget! {
            max_depth: MAX_NESTING,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_nodes: 100_000,
        },
    };
    // Aliases are replayed into the tree: a few of them nested could expand to billions.
    options.alias_limits.max_total_replayed_events = MAX_REPLAYED_EVENTS;
    serde_saphyr::from_str_with_options(source, options).map_err(|e| {
        let loc = e
            .location()
            .map(|l| Loc::from_saphyr(&l))
            .filter(|l| l.is_known());
        (loc, explain(&e.without_snippet().to_string()))
    })
}

/// Turns serde-saphyr's message about a file that is not YAML into one that names the fix.
fn explain(raw: &str) -> String {
    // The location is reported separately.
    let msg = match raw.rfind(" at line ") {
        Some(i) if is_line_column(&raw[i + " at line ".len()..]) => &raw[..i],
        _ => raw,
    };
    if msg.contains("recursion limit") || msg.contains("depth") && msg.contains("budget") {
        return format!("nesting deeper than {MAX_NESTING} levels; these files need only a few");
    }
    if msg.contains("budget")
        || msg.contains("alias") && (msg.contains("limit") || msg.contains("exceeded"))
        || msg.contains("replay")
    {
        return "too many anchors, aliases or values for a flags file (aliases are limited to guard against alias bombs); write the values out".into();
    }
    if msg.starts_with("recursive references") {
        return "an alias is used inside the value it names (a loop): write the values out".into();
    }
    // A scalar with an explicit tag (`!!int abc`) that its tag cannot read.
    if msg == "invalid !!binary base64" {
        return "a value tagged `!!binary` is not valid base64: remove the tag".into();
    }
    if let Some(ty) = msg.strip_prefix("invalid ")
        && ty.split_whitespace().count() <= 2
    {
        let kind = match ty {
            "boolean" => "true or false",
            "floating point" => "a number",
            _ => "a whole number",
        };
        return format!(
            "a value with an explicit tag (such as `!!int`) is not {kind}: remove the tag or fix the value"
        );
    }
    // Only mapping keys are read as plain strings (`Key`); then the scanner's and parser's
    // words for the usual slips, with the fix.
    const FIXES: &[(&str, &str)] = &[
        (
            "expected string scalar",
            "a mapping key must be a single text value, such as `owner`",
        ),
        (
            "cannot deserialize null into string",
            "a mapping key is empty (`~` or nothing before the `:`): write a name",
        ),
        (
            "tabs disallowed",
            "a tab indents this line; YAML indents with spaces only: replace the tab with spaces",
        ),
        (
            "unclosed bracket '{'",
            "a `{` is not closed: add the `}` (a value in brackets may go on over lines only up to its closing bracket)",
        ),
        (
            "unclosed bracket '['",
            "a `[` is not closed: add the `]` (a value in brackets may go on over lines only up to its closing bracket)",
        ),
        (
            "misplaced bracket",
            "a closing bracket without its opening one: remove it, or quote the value",
        ),
        (
            "unclosed quote",
            "a quoted value is not closed: add the closing quote",
        ),
        (
            "mapping values are not allowed",
            "a `key: value` cannot stand here: check the indentation (the keys of one mapping line up), or quote a value that contains `: `",
        ),
        (
            "did not find expected key",
            "a `key: value` line was expected here: check the indentation (the keys of one mapping line up; a list item `- ` cannot follow a key at its level)",
        ),
        (
            "did not find expected '-' indicator",
            "a list item was expected here: every item of a list starts with `- ` at the same indentation",
        ),
        (
            "alias references unknown anchor",
            "an alias (`*name`) names no anchor (`&name`) defined before it: define the anchor first, or write the value out",
        ),
    ];
    if let Some((_, fix)) = FIXES.iter().find(|(words, _)| msg.contains(words)) {
        return (*fix).to_string();
    }
    if let Some(c) = msg.strip_prefix("unexpected character: `") {
        let c = c.trim_end_matches('\'');
        // The parser writes a control character escaped (`\u{0}`).
        if c.starts_with("\\u{") || !c.is_empty() && c.chars().all(char::is_control) {
            return format!("the control character `{c}` cannot be in a YAML file: remove it");
        }
        let c = if c == "`" {
            "a backtick".to_string()
        } else {
            format!("`{c}`")
        };
        return format!("a plain value cannot start with {c} in YAML: quote the value");
    }
    if msg.starts_with("multiple YAML documents") {
        return "a file holds one YAML document: remove the `---` separator and what follows it"
            .into();
    }
    msg.to_string()
}

/// Whether `s` is exactly `N, column M` (the location suffix of serde-saphyr's messages).
fn is_line_column(s: &str) -> bool {
    let Some((line, column)) = s.split_once(", column ") else {
        return false;
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    digits(line) && digits(column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(src: &str) -> Node {
        parse(src).unwrap().unwrap()
    }

    #[test]
    fn scalars_keep_their_yaml_type_and_place() {
        let src = "a: yes\nb: \"3\"\nc: 3\nd: 1.50\ne:\nf: [x, {g: h}]\n";
        let Value::Map(entries) = tree(src).value else {
            panic!("not a map")
        };
        let kinds: Vec<(&str, &Value)> = entries
            .iter()
            .map(|(k, v)| (k.raw(src).unwrap(), &v.value))
            .collect();
        assert_eq!(kinds[0], ("a", &Value::Bool(true)));
        assert_eq!(kinds[1], ("b", &Value::Str("3".into())));
        assert_eq!(kinds[2], ("c", &Value::Int(3)));
        assert_eq!(kinds[3], ("d", &Value::Float(1.5)));
        assert_eq!(kinds[4], ("e", &Value::Null));
        assert_eq!(entries[3].1.raw(src), Some("1.50"));
        assert_eq!((entries[5].1.loc.line, entries[5].1.loc.column), (6, 4));
        assert_eq!(entries[5].1.describe(src), "a list of 2 items");
        assert_eq!(entries[0].1.describe(src), "the boolean `yes`");
        assert_eq!(entries[3].1.describe(src), "the number `1.50`");
    }

    /// The parser's words for the usual slips reach the user as the fix, located.
    #[test]
    fn syntax_errors_say_what_to_fix() {
        let err = |src: &str| {
            let (loc, msg) = parse(src).unwrap_err();
            let loc = loc.unwrap();
            format!("{}:{} {msg}", loc.line, loc.column)
        };
        let cases = [
            ("a: b\n- c\n", "2:3 a `key: value` line was expected here"),
            ("a:\n  - b\n  c: d\n", "3:3 a list item was expected here"),
            ("a: [b]]\n", "1:7 a closing bracket without its opening one"),
            ("a: &x 1\nb: *y\n", "2:4 an alias (`*name`) names no anchor"),
            (
                "a: `x`\n",
                "1:4 a plain value cannot start with a backtick in YAML",
            ),
            ("a: @x\n", "1:4 a plain value cannot start with `@` in YAML"),
            ("a: {b: c\n", "1:4 a `{` is not closed: add the `}`"),
        ];
        for (src, want) in cases {
            let got = err(src);
            assert!(got.starts_with(want), "{src:?}: {got}");
        }
    }

    #[test]
    fn blank_documents_are_none_and_bad_yaml_is_one_located_error() {
        assert_eq!(parse("# only a comment\n---\n").unwrap(), None);
        let (loc, msg) = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(msg, "duplicate key `a`; keep only one of them");
        assert_eq!(loc.map(|l| (l.line, l.column)), Some((2, 1)));
    }

    #[test]
    fn merge_keys_fill_in_what_the_mapping_does_not_set() {
        let src = "base: &b {owner: o, type: release}\nother: &c {type: kill-switch, x: 1}\nflag:\n  <<: [*b, *c]\n  type: experiment\n";
        let Value::Map(top) = tree(src).value else {
            panic!("not a map")
        };
        let Value::Map(flag) = &top[2].1.value else {
            panic!("not a map")
        };
        let got: Vec<(String, String)> = flag
            .iter()
            .map(|(k, v)| {
                (
                    k.key_text(src).into_owned(),
                    v.raw(src).unwrap().to_string(),
                )
            })
            .collect();
        let want = [("owner", "o"), ("x", "1"), ("type", "experiment")];
        assert_eq!(
            got,
            want.map(|(k, v)| (k.to_string(), v.to_string())).to_vec()
        );
    }

    #[test]
    fn a_duplicate_key_anywhere_is_one_located_error() {
        let (loc, msg) = parse("a:\n  - b: 1\n    c: 2\n    b: 3\n").unwrap_err();
        assert_eq!(msg, "duplicate key `b`; keep only one of them");
        assert_eq!(loc.map(|l| (l.line, l.column)), Some((4, 5)));
        // A key a merge brings in is not a duplicate of the one the mapping sets.
        assert!(parse("x: &x {a: 1}\ny:\n  <<: *x\n  a: 2\n").is_ok());
        // A large mapping (compared through a set) finds the first repeat too.
        let mut big: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        assert!(parse(&big).is_ok());
        big.push_str("k7: again\n");
        let (loc, msg) = parse(&big).unwrap_err();
        assert_eq!(msg, "duplicate key `k7`; keep only one of them");
        assert_eq!(loc.map(|l| (l.line, l.column)), Some((41, 1)));
    }

    #[test]
    fn keys_are_text_and_complex_or_empty_keys_are_one_error() {
        let src = "3: a\nyes: b\n";
        let Value::Map(entries) = tree(src).value else {
            panic!("not a map")
        };
        assert_eq!(entries[0].0.value, Value::Str("3".into()));
        assert_eq!(entries[1].0.value, Value::Str("yes".into()));
        let (loc, msg) = parse("a: 1\n? [x, y]\n: 2\n").unwrap_err();
        assert_eq!(
            msg,
            "a mapping key must be a single text value, such as `owner`"
        );
        assert_eq!(loc.map(|l| (l.line, l.column)), Some((2, 3)));
        let (_, msg) = parse("~: 1\n").unwrap_err();
        assert_eq!(
            msg,
            "a mapping key is empty (`~` or nothing before the `:`): write a name"
        );
    }

    #[test]
    fn alias_replay_is_bounded() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = "a".to_string();
        for level in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            bomb.push_str(&format!("{level}: &{level} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = level.to_string();
        }
        let start = std::time::Instant::now();
        let (_, msg) = parse(&bomb).unwrap_err();
        assert!(
            start.elapsed().as_secs() < 10,
            "no hang, even in a debug build"
        );
        assert!(
            msg.starts_with("too many anchors, aliases or values"),
            "{msg}"
        );
    }
}
