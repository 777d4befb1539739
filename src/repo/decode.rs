//! The one reader of the four file formats: located tree ([`crate::yaml::Node`]) in, model
//! out, every problem of the file collected on the way.
//!
//! Each field is decoded on its own: a missing, unknown or mistyped field is a problem that
//! names the field, says what was expected and what was found, and the decoder carries on
//! with the next one, so one mistake never hides another. What a file with such problems
//! still declares is kept (a segment with a bad rule is still a segment), with two
//! conventions the checks rely on:
//! - a required value that is missing or unreadable is a placeholder with an unknown
//!   location ([`Loc::default`]): its problem was reported here, later checks skip it;
//! - an optional value that is unreadable is left out, a list item or rule that is
//!   unreadable is dropped.
//!
//! Problems come in two kinds: *shape* problems (the file does not say what the format
//! needs: the file is left out of the model other commands use, as before) and *value*
//! problems (a well-formed date that does not exist: the file is still used, validation
//! reports the date).

use std::collections::BTreeMap;
use std::fmt;

use crate::date::Date;
use crate::error::nearest;
use crate::escape::escape;
use crate::problem::{Effect, Problem};
use crate::yaml::{Node, Value};

use super::model::Entries;
use super::{
    Bucketing, EnvEntry, EnvironmentDef, FlagDef, FlagType, Loc, Op, Rule, RuleValue,
    ScheduleEntry, SegmentDef, Serve, Settings, Sp, StageDef, VariantName,
};

/// Everything decoded from one file.
pub(crate) struct Decoded<T> {
    /// What the file declares (`None` only when it declares nothing: not a mapping, empty).
    pub def: Option<T>,
    /// Shape problems: the file is left out of the model other commands use.
    pub problems: Vec<Problem>,
    /// Value problems: reported by validation, the file is still used.
    pub value_problems: Vec<Problem>,
}

/// The decoding of one file: where problems go, and the text values are sliced from.
struct Decoder<'a> {
    file: &'a str,
    source: &'a str,
    problems: Vec<Problem>,
    value_problems: Vec<Problem>,
}

/// What a value is, for messages (`owner`, `environments.production.since`): formatted only
/// when there is a problem to report, so the common case allocates nothing.
type What<'w> = &'w dyn fmt::Display;

/// "each item of WHAT".
struct ItemOf<'w>(What<'w>);

impl fmt::Display for ItemOf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "each item of {}", self.0)
    }
}

/// "`environments.ENV`" or "`environments.ENV.FIELD`".
struct EnvField<'w>(&'w str, Option<&'w str>);

impl fmt::Display for EnvField<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            None => write!(f, "`environments.{}`", escape(self.0)),
            Some(field) => write!(f, "`environments.{}.{field}`", escape(self.0)),
        }
    }
}

/// The mapping of a struct-like node: each entry's key text, key node and value.
type Fields<'n> = Vec<(std::borrow::Cow<'n, str>, &'n Node, &'n Node)>;

const FLAG_FIELDS: &[&str] = &[
    "description",
    "owner",
    "type",
    "created",
    "expires",
    "environments",
    "variants",
    "default",
    "serve",
    "requires",
];
const ENTRY_FIELDS: &[&str] = &["stage", "since", "segments", "schedule", "users", "serve"];
const SCHEDULE_FIELDS: &[&str] = &["stage", "at"];
const SEGMENT_FIELDS: &[&str] = &["description", "users", "rules", "segments", "exclude"];
const RULE_FIELDS: &[&str] = &["attribute", "op", "values"];
const ENVIRONMENT_FIELDS: &[&str] = &["description", "after"];
const SETTINGS_FIELDS: &[&str] = &["pipeline", "cleanup", "bucketing"];
const STAGE_FIELDS: &[&str] = &["stage", "segments", "rollout", "soak_days"];
const CLEANUP_FIELDS: &[&str] = &["after_days", "stalled_days"];

const ENTRY_SHAPE: &str = "a stage name or a mapping with `stage`, `since`, `segments`, `schedule`";

fn code(s: &str) -> String {
    format!("`{}`", escape(s))
}

impl<'a> Decoder<'a> {
    fn new(file: &'a str, source: &'a str) -> Self {
        Decoder {
            file,
            source,
            problems: Vec::new(),
            value_problems: Vec::new(),
        }
    }

    fn finish<T>(self, def: Option<T>) -> Decoded<T> {
        Decoded {
            def,
            problems: self.problems,
            value_problems: self.value_problems,
        }
    }

    fn error(&mut self, loc: Loc, message: String) {
        self.problems
            .push(Problem::error(self.file, Some(loc), message));
    }

    /// "`what` must be EXPECTED, found FOUND" (+ a hint for scalars that want quotes).
    fn mistyped(&mut self, node: &Node, what: What, expected: &str) {
        let found = node.describe(self.source);
        let hint = match (&node.value, node.raw(self.source)) {
            (Value::Bool(_) | Value::Int(_) | Value::Float(_), Some(raw))
                if expected.contains("text") || expected.contains("name") =>
            {
                format!(": quote it (\"{}\") to make it text", escape(raw.trim()))
            }
            (Value::Null, _) if what.to_string().starts_with('`') => {
                format!(": write a value after {what} or remove it")
            }
            _ => String::new(),
        };
        self.error(
            node.loc,
            format!("{what} must be {expected}, found {found}{hint}"),
        );
    }

    /// The entries of a mapping whose keys are fixed field names; unknown fields are
    /// reported (with the nearest known one) and left out. `None` (reported) when the node
    /// is not a mapping.
    fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: What,
        expected: &str,
        known: &[&str],
    ) -> Option<Fields<'n>>
    where
        'a: 'n,
    {
        let Value::Map(entries) = &node.value else {
            self.mistyped(node, what, expected);
            return None;
        };
        let mut out = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            let key = k.key_text(self.source);
            if known.contains(&key.as_ref()) {
                out.push((key, k, v));
                continue;
            }
            let fix = match nearest(&key, known.iter().copied()) {
                Some(n) => format!("did you mean `{n}`?"),
                None => format!("remove it (the fields here are {})", known.join(", ")),
            };
            self.error(
                k.loc,
                format!("unknown field {} in {what}: {fix}", code(&key)),
            );
        }
        Some(out)
    }

    fn missing(&mut self, at: Loc, field: &str, what: &str, hint: &str) {
        self.error(
            at,
            format!("{what} has no `{field}`: add `{field}:` with {hint}"),
        );
    }

    /// A text value. Numbers and booleans are refused (YAML reads `yes` and `1.0` as
    /// something else than what was written): quoting them makes them text.
    fn text(&mut self, node: &Node, what: What) -> Option<Sp<String>> {
        match &node.value {
            Value::Str(s) => Some(Sp::new(s.clone(), node.loc)),
            _ => {
                self.mistyped(node, what, "a single text value");
                None
            }
        }
    }

    /// A stage name: text, or YAML 1.1's reading of a bare `off` (`false`).
    fn stage(&mut self, node: &Node, what: What) -> Option<Sp<String>> {
        match &node.value {
            // A bare `off` reads as false in YAML 1.1: it is the stage `off`. Other spellings
            // of false (`no`, `false`, `n`) are not: what they mean is anyone's guess.
            Value::Bool(false)
                if node
                    .raw(self.source)
                    .is_some_and(|r| r.trim().eq_ignore_ascii_case(super::OFF)) =>
            {
                Some(Sp::new(super::OFF.to_string(), node.loc))
            }
            Value::Bool(b) => {
                let found = node.describe(self.source);
                let fix = if *b {
                    "write a stage name"
                } else {
                    "write `off` to serve nobody, or a stage name"
                };
                self.error(
                    node.loc,
                    format!("{what} must be a stage name, found {found}: {fix}"),
                );
                None
            }
            _ => self.text(node, what),
        }
    }

    /// A list of names (segments, users); unreadable items are reported and dropped.
    fn names(&mut self, node: &Node, what: What) -> Vec<Sp<String>> {
        let Value::Seq(items) = &node.value else {
            self.mistyped(node, what, "a list of names (`[a, b]` or `- a` lines)");
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| self.text(item, &ItemOf(what)))
            .collect()
    }

    /// A whole number, 0 or more.
    fn whole(&mut self, node: &Node, what: What) -> Option<Sp<u32>> {
        match &node.value {
            Value::Int(i) if u32::try_from(*i).is_ok() => Some(Sp::new(*i as u32, node.loc)),
            Value::Int(i) if *i > 0 => {
                self.mistyped(node, what, "a whole number from 0 to 4294967295");
                None
            }
            _ => {
                self.mistyped(node, what, "a whole number, 0 or more");
                None
            }
        }
    }

    fn number(&mut self, node: &Node, what: What) -> Option<Sp<f64>> {
        match &node.value {
            Value::Int(i) => Some(Sp::new(*i as f64, node.loc)),
            Value::Float(f) if !f.is_nan() => Some(Sp::new(*f, node.loc)),
            Value::Float(_) => {
                self.mistyped(node, what, "a number (`.nan` is none)");
                None
            }
            _ => {
                self.mistyped(node, what, "a number");
                None
            }
        }
    }

    /// A date `YYYY-MM-DD`: text first (a shape problem), then a real date (a value
    /// problem: the text is kept, so the file stays usable).
    fn date(&mut self, node: &Node, field: &str, what: What) -> Option<Sp<String>> {
        let text = match &node.value {
            Value::Null => return None,
            Value::Int(_) | Value::Float(_) => {
                // An unquoted `20261101`: the date message says more than "quote it".
                let raw = node.raw(self.source).unwrap_or_default().trim();
                self.error(
                    node.loc,
                    format!(
                        "`{field}` `{}` is not a valid date: write YYYY-MM-DD, e.g. 2026-11-02",
                        escape(raw)
                    ),
                );
                return None;
            }
            _ => self.text(node, what)?,
        };
        if Date::parse(&text.value).is_none() {
            // A date never changes what is served: `since` is pipeline order, the others
            // (`created`, `expires`) are metadata.
            let effect = match field {
                "since" => Effect::Order,
                _ => Effect::Record,
            };
            self.value_problems.push(
                Problem::error(
                    self.file,
                    Some(text.loc),
                    format!(
                        "`{field}` `{}` is not a valid date: write YYYY-MM-DD, e.g. 2026-11-02",
                        escape(&text.value)
                    ),
                )
                .effect(effect),
            );
        }
        Some(text)
    }

    /// A value from a fixed set (`type`, `op`), with the nearest one as a hint.
    fn one_of<T: Copy>(
        &mut self,
        node: &Node,
        what: What,
        kind: &str,
        all: &[T],
        name: impl Fn(T) -> &'static str,
    ) -> Option<Sp<T>> {
        let names: Vec<&str> = all.iter().map(|t| name(*t)).collect();
        let Value::Str(s) = &node.value else {
            self.mistyped(node, what, &format!("one of {}", names.join(", ")));
            return None;
        };
        if let Some(t) = all.iter().find(|t| name(**t) == s) {
            return Some(Sp::new(*t, node.loc));
        }
        let fix = match nearest(s, names.iter().copied()) {
            Some(n) => format!("did you mean `{n}`? (one of {})", names.join(", ")),
            None => format!("use one of {}", names.join(", ")),
        };
        self.error(
            node.loc,
            format!("{what}: {} is not {kind}; {fix}", code(s)),
        );
        None
    }
}

/// The place of a whole file's problem when the file is blank.
const FILE_START: Loc = Loc {
    line: 1,
    column: 1,
    start: 0,
    len: 0,
};

const MAPPING: &str = "a mapping (`key: value` lines)";

/// A flag file. A blank file is a problem (a flag needs `description`, `owner`, `type`).
pub(crate) fn flag(file: &str, source: &str, root: Option<&Node>) -> Decoded<FlagDef> {
    let mut d = Decoder::new(file, source);
    let name = format!("flag {}", code(super::load::stem(file).as_str()));
    let Some(root) = root else {
        d.error(
            FILE_START,
            "file is empty; a flag needs `description`, `owner` and `type`".into(),
        );
        return d.finish(None);
    };
    let Some(fields) = d.fields(root, &"a flag file", MAPPING, FLAG_FIELDS) else {
        return d.finish(None);
    };
    let (mut description, mut owner, mut kind) = (None, None, None);
    let (mut created, mut expires) = (None, None);
    let mut environments = Sp::new(Entries::default(), root.loc);
    let (mut variants, mut default, mut serve, mut requires) = (None, None, None, None);
    for (key, _, v) in &fields {
        match key.as_ref() {
            "description" => description = Some(d.text(v, &"`description`")),
            "owner" => owner = Some(d.text(v, &"`owner`")),
            "type" => {
                kind = Some(d.one_of(
                    v,
                    &"`type`",
                    "a flag type",
                    &FlagType::ALL,
                    FlagType::as_str,
                ))
            }
            "created" => created = d.date(v, "created", &"`created`"),
            "expires" => expires = d.date(v, "expires", &"`expires`"),
            "environments" => environments = env_entries(&mut d, v),
            "variants" => variants = typed_variants(&mut d, v),
            // Unreadable: a placeholder (unknown location), so no follow-on "no `default`".
            "default" => {
                default = Some(
                    variant_name(&mut d, v, &"`default`")
                        .unwrap_or_else(|| Sp::new(VariantName(String::new()), Loc::default())),
                )
            }
            "serve" => serve = typed_serve(&mut d, v, &"`serve`"),
            "requires" => requires = typed_requires(&mut d, v),
            _ => {}
        }
    }
    let placeholder = || Sp::new(String::new(), Loc::default());
    let mut required = |value: Option<Option<Sp<String>>>, field: &str, hint: &str| match value {
        Some(v) => v.unwrap_or_else(placeholder),
        None => {
            d.missing(root.loc, field, &name, hint);
            placeholder()
        }
    };
    let description = required(description, "description", "what the flag controls");
    let owner = required(owner, "owner", "the team or person responsible");
    let kind = match kind {
        Some(k) => k,
        None => {
            d.missing(
                root.loc,
                "type",
                &name,
                "one of release, experiment, operational, kill-switch, permission",
            );
            None
        }
    };
    let kind = kind.unwrap_or(Sp::new(FlagType::Release, Loc::default()));
    d.finish(Some(FlagDef {
        description,
        owner,
        kind,
        created,
        expires,
        environments,
        variants,
        default,
        serve,
        requires,
    }))
}

fn env_entries(d: &mut Decoder, node: &Node) -> Sp<Entries<Sp<String>, Sp<EnvEntry>>> {
    let entries = match &node.value {
        Value::Null => Vec::new(),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| {
                let env = Sp::new(k.key_text(d.source).into_owned(), k.loc);
                let entry = env_entry(d, v, &env.value);
                (env, entry)
            })
            .collect(),
        _ => {
            d.mistyped(
                node,
                &"`environments`",
                "a mapping of environment to stage (`production: internal` lines)",
            );
            Vec::new()
        }
    };
    Sp::new(Entries(entries), node.loc)
}

/// One environment of a flag; an unreadable entry keeps a placeholder stage (unknown
/// location) so that the environment is neither `off` nor unknown for the gate checks.
fn env_entry(d: &mut Decoder, node: &Node, env: &str) -> Sp<EnvEntry> {
    let what = EnvField(env, None);
    let mut entry = EnvEntry {
        stage: Sp::new(String::new(), Loc::default()),
        since: None,
        segments: Vec::new(),
        users: Vec::new(),
        serve: None,
        schedule: Vec::new(),
        long_form: false,
    };
    match &node.value {
        Value::Str(_) | Value::Bool(_) => {
            if let Some(stage) = d.stage(node, &what) {
                entry.stage = stage;
            }
        }
        Value::Map(_) => {
            entry.long_form = true;
            if let Some(fields) = d.fields(node, &what, ENTRY_SHAPE, ENTRY_FIELDS) {
                let mut has_stage = false;
                for (key, _, v) in &fields {
                    let what = EnvField(env, Some(key));
                    match key.as_ref() {
                        "stage" => {
                            has_stage = true;
                            if let Some(stage) = d.stage(v, &what) {
                                entry.stage = stage;
                            }
                        }
                        "since" => entry.since = d.date(v, "since", &what),
                        "segments" => entry.segments = d.names(v, &what),
                        "schedule" => entry.schedule = schedule(d, v, env),
                        "users" => entry.users = d.names(v, &what),
                        "serve" => entry.serve = typed_serve(d, v, &what),
                        _ => {}
                    }
                }
                if !has_stage {
                    d.missing(
                        node.loc,
                        "stage",
                        &format!("environment {}", code(env)),
                        "the flag's stage there",
                    );
                }
            }
        }
        _ => d.mistyped(node, &what, ENTRY_SHAPE),
    }
    Sp::new(entry, node.loc)
}

// ---- typed flags (PRODUCT.md section 8); checked by `crate::validate::typed` ----

/// A variant name: text, or YAML 1.1's reading of a bare `on`/`off` (`true`/`false`), or a
/// bare number (`1`) as written.
fn variant_name(d: &mut Decoder, node: &Node, what: What) -> Option<Sp<VariantName>> {
    // A bare `on`/`off` reads as a boolean in YAML 1.1: they are the variants `on`/`off`.
    // Other spellings (`yes`, `true`, `no`) would silently mean one of them.
    let spelled = |word: &str| {
        node.raw(d.source)
            .is_some_and(|r| r.trim().eq_ignore_ascii_case(word))
    };
    let name = match &node.value {
        Value::Str(s) => s.clone(),
        Value::Bool(true) if spelled(super::typed::ON) => super::typed::ON.to_string(),
        Value::Bool(false) if spelled(super::typed::OFF_VARIANT) => {
            super::typed::OFF_VARIANT.to_string()
        }
        Value::Bool(_) => {
            let found = node.describe(d.source);
            d.error(
                node.loc,
                format!(
                    "{what} must be a variant name, found {found}: write `on` or `off`, or quote the name"
                ),
            );
            return None;
        }
        Value::Int(_) => node.raw(d.source).unwrap_or_default().trim().to_string(),
        _ => {
            d.mistyped(node, what, "a variant name");
            return None;
        }
    };
    Some(Sp::new(VariantName(name), node.loc))
}

/// `variants`: variant name -> value (any JSON value here; validation checks the types).
fn typed_variants(
    d: &mut Decoder,
    node: &Node,
) -> Option<Sp<Entries<Sp<String>, Sp<serde_json::Value>>>> {
    let entries = match &node.value {
        Value::Null => Vec::new(),
        Value::Map(entries) => {
            let mut out = Vec::with_capacity(entries.len());
            let mut readable = true;
            for (k, v) in entries {
                let name = Sp::new(k.key_text(d.source).into_owned(), k.loc);
                let what = format!("`variants.{}`", escape(&name.value));
                match json_value(d, v, &what) {
                    Some(value) => out.push((name, Sp::new(value, v.loc))),
                    None => readable = false,
                }
            }
            if !readable {
                // A placeholder (unknown location): `default` and `serve` are not checked
                // against the variants that could be read.
                return Some(Sp::new(Entries(out), Loc::default()));
            }
            out
        }
        _ => {
            d.mistyped(
                node,
                &"`variants`",
                "a mapping of variant name to value (`dark: \"#000\"` lines)",
            );
            // A placeholder (unknown location): the flag is still typed, its checks skip it.
            return Some(Sp::new(Entries::default(), Loc::default()));
        }
    };
    Some(Sp::new(Entries(entries), node.loc))
}

/// A variant's value as JSON; a number that JSON cannot hold (`.nan`, `.inf`) is a problem.
fn json_value(d: &mut Decoder, node: &Node, what: What) -> Option<serde_json::Value> {
    if let (Value::Int(_) | Value::Float(_), Some(raw)) = (&node.value, node.raw(d.source))
        && !super::typed::number_is_exact(raw)
    {
        let raw = raw.trim();
        d.error(
            node.loc,
            format!(
                "{what}: the number `{}` has more digits than flagd can serve exactly (it reads every number as a double): quote it as text, or round it",
                escape(raw)
            ),
        );
        return None;
    }
    Some(match &node.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Float(f) => match serde_json::Number::from_f64(*f) {
            Some(n) => serde_json::Value::Number(n),
            None => {
                d.mistyped(node, what, "a finite number (JSON has no NaN or infinity)");
                return None;
            }
        },
        Value::Str(s) => serde_json::Value::String(s.clone()),
        Value::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(json_value(d, item, what)?);
            }
            serde_json::Value::Array(out)
        }
        Value::Map(entries) => {
            let mut out = serde_json::Map::new();
            for (k, v) in entries {
                let key = k.key_text(d.source).into_owned();
                let value = json_value(d, v, what)?;
                out.insert(key, value);
            }
            serde_json::Value::Object(out)
        }
    })
}

/// `serve` (the flag's or an environment's): a variant name, or a split `{variant: percent}`.
fn typed_serve(d: &mut Decoder, node: &Node, what: What) -> Option<Sp<Serve>> {
    let serve = match &node.value {
        Value::Map(entries) => {
            let mut split = Vec::with_capacity(entries.len());
            let mut readable = true;
            for (k, v) in entries {
                let name = Sp::new(k.key_text(d.source).into_owned(), k.loc);
                let what = format!("{what}: the weight of `{}`", escape(&name.value));
                match d.number(v, &what) {
                    Some(w) => split.push((name, w)),
                    None => readable = false,
                }
            }
            if !readable {
                // A placeholder (unknown location): the split's checks skip it.
                return Some(Sp::new(Serve::Split(split), Loc::default()));
            }
            Serve::Split(split)
        }
        Value::Str(_) | Value::Bool(_) | Value::Int(_) => match variant_name(d, node, what) {
            Some(name) => Serve::Variant(Sp::new(name.value.0, name.loc)),
            None => return Some(Sp::new(Serve::Split(Vec::new()), Loc::default())),
        },
        _ => {
            d.mistyped(
                node,
                what,
                "a variant name or a split (`{variant: percent, ...}`)",
            );
            // A placeholder (unknown location), so no follow-on "no `serve`".
            return Some(Sp::new(Serve::Split(Vec::new()), Loc::default()));
        }
    };
    Some(Sp::new(serve, node.loc))
}

/// `requires`: flag key -> variant.
fn typed_requires(
    d: &mut Decoder,
    node: &Node,
) -> Option<Sp<Entries<Sp<String>, Sp<VariantName>>>> {
    let entries = match &node.value {
        Value::Null => Vec::new(),
        Value::Map(entries) => entries
            .iter()
            .filter_map(|(k, v)| {
                let flag = Sp::new(k.key_text(d.source).into_owned(), k.loc);
                let what = format!("`requires.{}`", escape(&flag.value));
                Some((flag, variant_name(d, v, &what)?))
            })
            .collect(),
        _ => {
            d.mistyped(
                node,
                &"`requires`",
                "a mapping of flag key to variant (`new-checkout: on` lines)",
            );
            return None;
        }
    };
    Some(Sp::new(Entries(entries), node.loc))
}

/// The shape of a schedule entry's `at` (the schema's pattern).
pub(crate) use crate::date::TIMESTAMP_PATTERN;
use crate::date::is_timestamp_shaped;

/// The planned moves of one environment (`schedule:`): a list of `{stage, at}` mappings, a
/// bare `schedule:` being none. `at` is RFC 3339-shaped text; whether it is a real time is
/// schedule validation's to say, located on the entry. An unreadable entry is dropped.
fn schedule(d: &mut Decoder, node: &Node, env: &str) -> Vec<Sp<ScheduleEntry>> {
    let what = EnvField(env, Some("schedule"));
    let items = match &node.value {
        Value::Null => return Vec::new(),
        Value::Seq(items) => items,
        _ => {
            d.mistyped(
                node,
                &what,
                "a list of planned moves (`- {stage: NAME, at: TIME}` items)",
            );
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let item_what = ItemOf(&what);
        let Some(fields) = d.fields(
            item,
            &item_what,
            "a mapping with `stage` and `at`",
            SCHEDULE_FIELDS,
        ) else {
            continue;
        };
        let (mut stage, mut at, mut readable) = (None, None, true);
        for (key, _, v) in &fields {
            match key.as_ref() {
                "stage" => {
                    stage = d.stage(v, &EnvField(env, Some("schedule.stage")));
                    readable &= stage.is_some();
                }
                "at" => {
                    at = match &v.value {
                        Value::Str(s) if is_timestamp_shaped(s) => Some(Sp::new(s.clone(), v.loc)),
                        Value::Str(s) => {
                            let why = crate::date::Timestamp::parse(s)
                                .err()
                                .unwrap_or_else(|| "it has more than whole seconds".into());
                            d.error(
                                v.loc,
                                format!(
                                    "{} `{}` is not a valid time: {why}; write RFC 3339 with `Z` or an offset, e.g. 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00",
                                    EnvField(env, Some("schedule.at")),
                                    escape(s)
                                ),
                            );
                            None
                        }
                        _ => {
                            d.mistyped(
                                v,
                                &EnvField(env, Some("schedule.at")),
                                "a time, RFC 3339 with `Z` or an offset (e.g. 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00)",
                            );
                            None
                        }
                    };
                    readable &= at.is_some();
                }
                _ => {}
            }
        }
        for (field, missing, hint) in [
            (
                "stage",
                stage.is_none() && readable,
                "the stage it moves to",
            ),
            (
                "at",
                at.is_none() && readable,
                "the time, e.g. 2026-12-01T09:00:00Z",
            ),
        ] {
            if missing {
                d.missing(item.loc, field, "a schedule entry", hint);
            }
        }
        if let (Some(stage), Some(at)) = (stage, at) {
            out.push(Sp::new(ScheduleEntry { stage, at }, item.loc));
        }
    }
    out
}

/// The stage per environment of a flag file and nothing else: the view of the decoder that
/// history compares between versions of a file. A version from history may be invalid in
/// other ways, or older than today's format, so only `environments` and each entry's stage
/// are read; `None` when those cannot be (the file is not a mapping, `environments` is not
/// one, an entry has no readable stage).
pub(crate) fn stages(source: &str, root: Option<&Node>) -> Option<BTreeMap<String, String>> {
    let mut d = Decoder::new("", source);
    let Value::Map(fields) = &root?.value else {
        return None;
    };
    let mut stages = BTreeMap::new();
    let Some((_, envs)) = fields
        .iter()
        .find(|(k, _)| k.value == Value::Str("environments".into()))
    else {
        return Some(stages);
    };
    let entries = match &envs.value {
        Value::Null => return Some(stages),
        Value::Map(entries) => entries,
        _ => return None,
    };
    for (k, v) in entries {
        let stage = match &v.value {
            Value::Map(fields) => fields
                .iter()
                .find(|(k, _)| k.value == Value::Str("stage".into()))
                .map(|(_, v)| v)?,
            _ => v,
        };
        let stage = d.stage(stage, &"`stage`")?;
        stages.insert(k.key_text(source).into_owned(), stage.value);
    }
    Some(stages)
}

/// A segment file; a blank file is an empty segment.
pub(crate) fn segment(file: &str, source: &str, root: Option<&Node>) -> Decoded<SegmentDef> {
    let mut d = Decoder::new(file, source);
    let Some(root) = root else {
        return d.finish(Some(SegmentDef::default()));
    };
    let Some(fields) = d.fields(root, &"a segment file", MAPPING, SEGMENT_FIELDS) else {
        return d.finish(Some(SegmentDef::default()));
    };
    let mut def = SegmentDef::default();
    for (key, _, v) in &fields {
        let what = format!("`{key}`");
        match key.as_ref() {
            "description" if v.value != Value::Null => def.description = d.text(v, &what),
            "users" => def.users = d.names(v, &what),
            "segments" => def.segments = d.names(v, &what),
            "exclude" => def.exclude = d.names(v, &what),
            "rules" => match &v.value {
                Value::Seq(items) => {
                    def.rules = items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, r)| rule(&mut d, r, i + 1))
                        .collect()
                }
                _ => d.mistyped(v, &"`rules`", "a list of rules (`- attribute: ...` items)"),
            },
            _ => {}
        }
    }
    d.finish(Some(def))
}

/// One rule (1-based `n` for messages); `None` (reported) when it cannot be evaluated.
fn rule(d: &mut Decoder, node: &Node, n: usize) -> Option<Sp<Rule>> {
    let what = format!("rule {n}");
    let fields = d.fields(
        node,
        &what,
        "a mapping with `attribute`, `op`, `values`",
        RULE_FIELDS,
    )?;
    let (mut attribute, mut op, mut values) = (None, None, None);
    for (key, _, v) in &fields {
        let field = format!("`{key}` of rule {n}");
        match key.as_ref() {
            "attribute" => attribute = Some(d.text(v, &field)),
            "op" => op = Some(d.one_of(v, &field, "an operator", &Op::ALL, Op::as_str)),
            "values" => values = Some(rule_values(d, v, &field)),
            _ => {}
        }
    }
    let mut need = |found: bool, field: &str, hint: &str| {
        if !found {
            d.missing(node.loc, field, &what, hint);
        }
    };
    need(
        attribute.is_some(),
        "attribute",
        "a user attribute (`key` is the targeting key)",
    );
    need(
        op.is_some(),
        "op",
        "one of in, not_in, starts_with, ends_with, contains, lt, lte, gt, gte",
    );
    need(values.is_some(), "values", "a list of strings or numbers");
    Some(Sp::new(
        Rule {
            attribute: attribute??,
            op: op??,
            values: values??,
        },
        node.loc,
    ))
}

fn rule_values(d: &mut Decoder, node: &Node, what: What) -> Option<Sp<Vec<RuleValue>>> {
    let Value::Seq(items) = &node.value else {
        d.mistyped(node, what, "a list of strings or numbers");
        return None;
    };
    let mut ok = true;
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        match &item.value {
            Value::Str(s) => values.push(RuleValue::String(s.clone())),
            Value::Int(i) => values.push(RuleValue::Number(*i as f64)),
            Value::Float(f) if f.is_finite() => values.push(RuleValue::Number(*f)),
            Value::Bool(_) => {
                let raw = item.raw(d.source).unwrap_or_default().trim().to_string();
                d.error(
                    item.loc,
                    format!(
                        "`{}` is a boolean; rule values are strings or numbers (quote it: \"{}\")",
                        escape(&raw),
                        escape(&raw)
                    ),
                );
                ok = false;
            }
            _ => {
                d.mistyped(item, &ItemOf(what), "a string or a finite number");
                ok = false;
            }
        }
    }
    ok.then(|| Sp::new(values, node.loc))
}

/// An environment file; a blank file is an environment with nothing set.
pub(crate) fn environment(
    file: &str,
    source: &str,
    root: Option<&Node>,
) -> Decoded<EnvironmentDef> {
    let mut d = Decoder::new(file, source);
    let mut def = EnvironmentDef::default();
    if let Some(root) = root
        && let Some(fields) = d.fields(root, &"an environment file", MAPPING, ENVIRONMENT_FIELDS)
    {
        for (key, _, v) in &fields {
            if v.value == Value::Null {
                continue;
            }
            match key.as_ref() {
                "description" => def.description = d.text(v, &"`description`"),
                "after" => def.after = d.text(v, &"`after`"),
                _ => {}
            }
        }
    }
    d.finish(Some(def))
}

/// `flags.yaml`; a blank file is the defaults. A stage whose name cannot be read is
/// dropped; a bad `rollout` or `soak_days` is left out of its stage.
pub(crate) fn settings(file: &str, source: &str, root: Option<&Node>) -> Decoded<Settings> {
    let mut d = Decoder::new(file, source);
    let mut def = Settings::default();
    let Some(root) = root else {
        return d.finish(Some(def));
    };
    let Some(fields) = d.fields(root, &"`flags.yaml`", MAPPING, SETTINGS_FIELDS) else {
        return d.finish(Some(def));
    };
    for (key, _, v) in &fields {
        match key.as_ref() {
            "pipeline" => match &v.value {
                Value::Null => {}
                Value::Seq(items) => {
                    let stages = items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, s)| stage_def(&mut d, s, i + 1))
                        .collect();
                    def.pipeline = Some(Sp::new(stages, v.loc));
                }
                _ => d.mistyped(v, &"`pipeline`", "a list of stages (`- stage: NAME` items)"),
            },
            "bucketing" => {
                if let Some(b) = d.one_of(
                    v,
                    &"`bucketing`",
                    "a bucketing",
                    &Bucketing::ALL,
                    Bucketing::as_str,
                ) {
                    def.bucketing = b.value;
                }
            }
            "cleanup" => {
                if let Some(fields) = d.fields(v, &"`cleanup`", MAPPING, CLEANUP_FIELDS) {
                    for (key, _, v) in &fields {
                        let what = format!("`cleanup.{key}`");
                        let Some(days) = d.whole(v, &what) else {
                            continue;
                        };
                        match key.as_ref() {
                            "after_days" => def.cleanup.after_days = days.value,
                            "stalled_days" => def.cleanup.stalled_days = days.value,
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    d.finish(Some(def))
}

fn stage_def(d: &mut Decoder, node: &Node, n: usize) -> Option<StageDef> {
    let named_as = match &node.value {
        Value::Map(entries) => entries
            .iter()
            .find_map(|(k, v)| match (&k.value, &v.value) {
                (Value::Str(k), Value::Str(name)) if k == "stage" => Some(name.as_str()),
                _ => None,
            }),
        _ => None,
    };
    let what = match named_as {
        Some(name) => format!("stage {}", code(name)),
        None => format!("stage {n} of `pipeline`"),
    };
    let fields = d.fields(
        node,
        &what,
        "a mapping with `stage` and `segments`, `rollout` or `soak_days`",
        STAGE_FIELDS,
    )?;
    let has_name = fields.iter().any(|(k, _, _)| k == "stage");
    let mut def = StageDef {
        stage: Sp::new(String::new(), Loc::default()),
        segments: Vec::new(),
        rollout: None,
        soak_days: None,
    };
    let mut named = false;
    for (key, _, v) in &fields {
        let field = format!("`{key}` of {what}");
        match key.as_ref() {
            "stage" => {
                if let Some(s) = d.text(v, &field) {
                    def.stage = s;
                    named = true;
                }
            }
            "segments" => def.segments = d.names(v, &field),
            "rollout" | "soak_days" if v.value == Value::Null => {}
            // Unreadable: a placeholder (unknown location) tells validation that the
            // stage's reach is unknown, so it does not call the pipeline short of 100 %.
            "rollout" => {
                def.rollout = Some(
                    d.number(v, &field)
                        .unwrap_or(Sp::new(f64::NAN, Loc::default())),
                )
            }
            "soak_days" => def.soak_days = d.whole(v, &field),
            _ => {}
        }
    }
    if !has_name {
        d.missing(node.loc, "stage", &what, "the stage's name");
    }
    named.then_some(def)
}

/// One source of truth: the JSON Schema printed by `flags schema` and this decoder must give
/// the same verdict on every file (the checks across files, such as unknown references,
/// belong to neither).
#[cfg(test)]
mod schema_agreement {
    use crate::repo::schema::{SchemaKind, schema};
    use crate::yaml::parse;

    fn decoder_accepts(kind: SchemaKind, source: &str) -> (bool, Vec<String>) {
        let tree = parse(source).expect("parses").expect("not blank");
        let root = Some(&tree);
        let (p, v) = match kind {
            SchemaKind::Flag => {
                let d = super::flag("f", source, root);
                (d.problems, d.value_problems)
            }
            SchemaKind::Segment => {
                let d = super::segment("s", source, root);
                (d.problems, d.value_problems)
            }
            SchemaKind::Environment => {
                let d = super::environment("e", source, root);
                (d.problems, d.value_problems)
            }
            SchemaKind::Settings => {
                let d = super::settings("flags.yaml", source, root);
                (d.problems, d.value_problems)
            }
        };
        let all: Vec<String> = p.into_iter().chain(v).map(|p| p.message).collect();
        (all.is_empty(), all)
    }

    fn schema_accepts(kind: SchemaKind, source: &str) -> (bool, Vec<String>) {
        let tree = parse(source).expect("parses").expect("not blank");
        let validator = jsonschema::validator_for(&schema(Some(kind))).expect("schema compiles");
        let instance = tree.to_json(source);
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        (errors.is_empty(), errors)
    }

    #[track_caller]
    fn agree(kind: SchemaKind, source: &str) -> bool {
        let (d, why_d) = decoder_accepts(kind, source);
        let (s, why_s) = schema_accepts(kind, source);
        assert_eq!(
            d, s,
            "{kind:?} verdicts differ on:\n{source}\ndecoder: {why_d:?}\nschema: {why_s:?}"
        );
        d
    }

    /// Small files of each kind, each with its expected verdict.
    const CASES: &[(SchemaKind, bool, &str)] = {
        use SchemaKind::*;
        &[
            (Flag, true, "description: d\nowner: o\ntype: release\n"),
            (
                Flag,
                true,
                "description: d\nowner: o\ntype: kill-switch\ncreated: 2026-01-31\nexpires: ~\nenvironments:\n  production: off\n  staging:\n    stage: internal\n    since: 2026-02-01\n    segments: [beta]\n",
            ),
            (
                Flag,
                true,
                "description: d\nowner: o\ntype: release\nenvironments:\n",
            ),
            (
                Flag,
                true,
                "description: d\nowner: o\ntype: release\nenvironments:\n  3: internal\n",
            ),
            (Flag, false, "owner: o\ntype: release\n"),
            (
                Flag,
                true,
                "description: d\nowner: o\ntype: release\nenvironments:\n  production: OFF\n",
            ),
            (
                Flag,
                false,
                "description: d\nowner: [a, b]\ntype: release\n",
            ),
            (Flag, false, "description: d\nowner: 42\ntype: release\n"),
            (Flag, false, "description: d\nowner: yes\ntype: release\n"),
            (Flag, false, "description: d\nowner: o\ntype: relase\n"),
            (
                Flag,
                false,
                "description: d\nowner: o\ntype: release\nowners: x\n",
            ),
            (
                Flag,
                false,
                "description: d\nowner: o\ntype: release\ncreated: 2026-13-45\n",
            ),
            (
                Flag,
                false,
                "description: d\nowner: o\ntype: release\ncreated: tomorrow\n",
            ),
            (
                Flag,
                false,
                "description: d\nowner: o\ntype: release\ncreated: 20261101\n",
            ),
            (
                Flag,
                false,
                "description: d\nowner: o\ntype: release\nenvironments: [production]\n",
            ),
            (
                Flag,
                false,
                "description: d\nowner: o\ntype: release\nenvironments:\n  production: true\n",
            ),
            (
                Flag,
                false,
                "description: d\nowner: o\ntype: release\nenvironments:\n  production: 3\n",
            ),
            (
                Flag,
                false,
                "description: d\nowner: o\ntype: release\nenvironments:\n  production:\n    since: 2026-01-01\n",
            ),
            (
                Flag,
                false,
                "description: d\nowner: o\ntype: release\nenvironments:\n  production:\n    stage: internal\n    segments: beta\n",
            ),
            (
                Flag,
                false,
                "description: d\nowner: o\ntype: release\nenvironments:\n  production:\n    stage: internal\n    colour: blue\n",
            ),
            (Flag, false, "- description\n"),
            (
                Segment,
                true,
                "description: d\nusers: [a]\nrules:\n  - attribute: email\n    op: ends_with\n    values: [\"@x.com\", 3, 1.5]\nsegments: [b]\nexclude: []\n",
            ),
            (Segment, true, "description: ~\n"),
            (
                Segment,
                false,
                "rules:\n  - attribute: email\n    op: ends\n    values: [a]\n",
            ),
            (
                Segment,
                false,
                "rules:\n  - attribute: email\n    values: [a]\n",
            ),
            (
                Segment,
                false,
                "rules:\n  - attribute: plan\n    op: in\n    values: [gold, true]\n",
            ),
            (
                Segment,
                false,
                "rules:\n  - attribute: plan\n    op: in\n    values: [.nan]\n",
            ),
            (
                Segment,
                false,
                "rules:\n  - attribute: plan\n    op: in\n    values: gold\n",
            ),
            (Segment, false, "users: [[a]]\n"),
            (Segment, false, "users:\n"),
            (Segment, false, "user: [a]\n"),
            (Environment, true, "description: d\nafter: staging\n"),
            (Environment, true, "after: ~\n"),
            (Environment, false, "after: [staging]\n"),
            (Environment, false, "colour: blue\n"),
            (
                Settings,
                true,
                "pipeline:\n  - stage: a\n    segments: [internal]\n    soak_days: 2\n    rollout: ~\n  - stage: b\n    rollout: 100\ncleanup:\n  after_days: 3\n  stalled_days: 0\n",
            ),
            (Settings, true, "pipeline: ~\n"),
            (
                Settings,
                false,
                "pipeline:\n  - stage: a\n    soak_days: -1\n",
            ),
            (
                Settings,
                false,
                "pipeline:\n  - stage: a\n    soak_days: 1.5\n",
            ),
            (
                Settings,
                false,
                "pipeline:\n  - stage: a\n    rollout: all\n",
            ),
            (Settings, false, "pipeline:\n  - name: a\n"),
            (Settings, false, "pipeline:\n  - stage: off\n"),
            (Settings, false, "pipeline: {a: 1}\n"),
            (Settings, false, "cleanup:\n"),
            (Settings, false, "cleanup:\n  after_days: soon\n"),
        ]
    };

    /// A variant named by a YAML 1.1 boolean: only `on`/`off` themselves; numbers beyond what
    /// a field holds and `.nan` are named as such.
    #[test]
    fn booleans_name_variants_only_as_on_and_off_and_odd_numbers_say_why() {
        let flag = |default: &str| {
            format!(
                "description: d\nowner: o\ntype: release\nvariants:\n  \"yes\": 1\n  on: 2\ndefault: {default}\nserve: on\n"
            )
        };
        assert!(decoder_accepts(SchemaKind::Flag, &flag("on")).0);
        assert!(decoder_accepts(SchemaKind::Flag, &flag("\"yes\"")).0);
        let (ok, why) = decoder_accepts(SchemaKind::Flag, &flag("yes"));
        assert!(!ok);
        assert_eq!(
            why,
            vec![
                "`default` must be a variant name, found the boolean `yes`: write `on` or `off`, or quote the name"
            ]
        );
        let (_, why) = decoder_accepts(
            SchemaKind::Settings,
            "pipeline:\n  - stage: a\n    soak_days: 4294967296\n  - stage: b\n    rollout: .nan\n",
        );
        assert!(
            why.iter()
                .any(|w| w.contains("a whole number from 0 to 4294967295")),
            "{why:?}"
        );
        assert!(
            why.iter().any(|w| w.contains("a number (`.nan` is none)")),
            "{why:?}"
        );
    }

    /// Where the two cannot agree: JSON sees `false` for every YAML 1.1 spelling of it, so
    /// the schema takes `production: no` for the `off` its description names, where the
    /// decoder refuses every spelling but `off` itself (what `no` means is anyone's guess).
    #[test]
    fn only_off_spells_the_off_stage() {
        for (spelling, ok) in [
            ("off", true),
            ("Off", true),
            ("no", false),
            ("false", false),
            ("n", false),
        ] {
            let src = format!(
                "description: d\nowner: o\ntype: release\nenvironments:\n  production: {spelling}\n"
            );
            assert_eq!(decoder_accepts(SchemaKind::Flag, &src).0, ok, "{spelling}");
            assert!(schema_accepts(SchemaKind::Flag, &src).0, "{spelling}");
        }
    }

    #[test]
    fn schema_and_decoder_agree_on_every_case() {
        for (kind, expected, source) in CASES {
            assert_eq!(agree(*kind, source), *expected, "{kind:?}:\n{source}");
        }
    }

    #[test]
    fn schema_and_decoder_agree_on_the_corpus_and_the_example() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for entry in std::fs::read_dir(root.join("tests/corpus")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let kind = match name.split_once("--").map(|(k, _)| k) {
                Some("flag") => SchemaKind::Flag,
                Some("segment") => SchemaKind::Segment,
                Some("settings") => SchemaKind::Settings,
                Some("env") => SchemaKind::Environment,
                _ => continue,
            };
            if name.ends_with(".yaml") {
                files.push((kind, path));
            }
        }
        let acme = root.join("examples/acme");
        files.push((SchemaKind::Settings, acme.join("flags.yaml")));
        for (dir, kind) in [
            ("environments", SchemaKind::Environment),
            ("segments", SchemaKind::Segment),
            ("flags", SchemaKind::Flag),
        ] {
            for entry in std::fs::read_dir(acme.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    files.push((kind, path));
                }
            }
        }
        let mut checked = 0;
        for (kind, path) in files {
            let Ok(source) = std::fs::read_to_string(&path) else {
                continue; // not UTF-8: neither side ever sees it
            };
            // Files that are not YAML (or break a limit) never reach either side.
            if !matches!(parse(&source), Ok(Some(_))) {
                continue;
            }
            agree(kind, &source);
            checked += 1;
        }
        assert!(checked >= 35, "only {checked} files checked");
    }

    #[test]
    fn the_one_thing_a_pattern_cannot_say() {
        // A day the month does not have: the schema's pattern allows it, the decoder not.
        let source = "description: d\nowner: o\ntype: release\ncreated: 2026-02-30\n";
        assert!(schema_accepts(SchemaKind::Flag, source).0);
        assert!(!decoder_accepts(SchemaKind::Flag, source).0);
    }
}
