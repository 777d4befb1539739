//! The typed model of the four file kinds (PRODUCT.md section 1).
//!
//! These types are what the decoder (`decode.rs`) reads from the located YAML tree and what
//! schemars describes for `flags schema`; a test feeds one corpus to both the schema and the
//! decoder and compares their verdicts, so the two cannot drift. Values that problems point
//! at or that edits rewrite are wrapped in [`Sp`] to keep their location. Names and stage
//! references stay strings here: checking them against the other files is validation's job.

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::Serialize;

use super::typed::{Serve, VariantName};
use crate::span::Sp;

/// `flags.yaml`: the settings of a flags repository.
#[derive(Debug, Default, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "flags.yaml")]
pub struct Settings {
    /// Ordered release stages; every flag walks them one at a time, per environment.
    /// Defaults to internal -> partners -> everyone.
    #[serde(default)]
    pub pipeline: Option<Sp<Vec<StageDef>>>,
    /// When temporary flags become cleanup candidates.
    #[serde(default)]
    pub cleanup: Cleanup,
    /// How `flags eval` computes rollout buckets: `flagd` (default) as flagd 0.2.15's
    /// `fractional` (CBOR of `[flagKey, targetingKey]`), or `legacy` as evaluators that still
    /// hash the string `flagKey + targetingKey` (JavaScript `@openfeature/flagd-core` 4.x).
    /// The export is the same either way: the evaluator decides how it buckets.
    #[serde(default)]
    pub bucketing: Bucketing,
}

/// The rollout bucketing `flags eval` answers with (`bucketing` in `flags.yaml`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Bucketing {
    /// MurmurHash3 of the canonical CBOR of `[flagKey, targetingKey]` (flagd schema 0.2.15).
    #[default]
    Flagd,
    /// MurmurHash3 of the string `flagKey + targetingKey`, over UTF-16 code units as
    /// JavaScript's `imurmurhash` reads them.
    Legacy,
}

impl Bucketing {
    pub const ALL: [Bucketing; 2] = [Bucketing::Flagd, Bucketing::Legacy];

    pub fn as_str(self) -> &'static str {
        match self {
            Bucketing::Flagd => "flagd",
            Bucketing::Legacy => "legacy",
        }
    }
}

/// One stage of the pipeline.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageDef {
    /// Stage name, e.g. `partners`.
    pub stage: Sp<String>,
    /// Segments added to the audience at this stage (audiences are cumulative).
    #[serde(default)]
    pub segments: Vec<Sp<String>>,
    /// Percent of all users (sticky per user) from this stage on, at most three decimals.
    #[serde(default)]
    pub rollout: Option<Sp<f64>>,
    /// Minimum days at this stage before a promotion out of it.
    #[serde(default)]
    pub soak_days: Option<Sp<u32>>,
}

/// Cleanup policy.
#[derive(Debug, Clone, Copy, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cleanup {
    /// Days a temporary flag stays at the last stage everywhere before it is ready for cleanup.
    #[serde(default = "default_after_days")]
    pub after_days: u32,
    /// Days after creation by which a temporary flag not fully rolled out counts as stalled.
    #[serde(default = "default_stalled_days")]
    pub stalled_days: u32,
}

fn default_after_days() -> u32 {
    30
}
fn default_stalled_days() -> u32 {
    90
}

impl Default for Cleanup {
    fn default() -> Self {
        Cleanup {
            after_days: default_after_days(),
            stalled_days: default_stalled_days(),
        }
    }
}

/// `environments/<env>.yaml`.
#[derive(Debug, Default, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "environment")]
pub struct EnvironmentDef {
    /// What this environment is.
    #[serde(default)]
    pub description: Option<Sp<String>>,
    /// Gate: a flag here may never be at a later stage than in this environment.
    #[serde(default)]
    pub after: Option<Sp<String>>,
}

/// `segments/<segment>.yaml`.
#[derive(Debug, Default, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "segment")]
pub struct SegmentDef {
    /// Who this segment is.
    #[serde(default)]
    pub description: Option<Sp<String>>,
    /// Targeting keys listed explicitly.
    #[serde(default)]
    pub users: Vec<Sp<String>>,
    /// Any matching rule includes the user.
    #[serde(default)]
    pub rules: Vec<Sp<Rule>>,
    /// Other segments whose members are included (no cycles).
    #[serde(default)]
    pub segments: Vec<Sp<String>>,
    /// Targeting keys never in the segment, whatever else matches.
    #[serde(default)]
    pub exclude: Vec<Sp<String>>,
}

/// A targeting rule: `attribute op values`. The targeting key is the attribute `key`.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// User attribute the rule reads (`key` is the targeting key).
    pub attribute: Sp<String>,
    /// Comparison.
    pub op: Sp<Op>,
    /// The user matches when the comparison holds for any of these values.
    pub values: Sp<Vec<RuleValue>>,
}

/// Rule operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    In,
    NotIn,
    StartsWith,
    EndsWith,
    Contains,
    Lt,
    Lte,
    Gt,
    Gte,
}

impl Op {
    pub const ALL: [Op; 9] = [
        Op::In,
        Op::NotIn,
        Op::StartsWith,
        Op::EndsWith,
        Op::Contains,
        Op::Lt,
        Op::Lte,
        Op::Gt,
        Op::Gte,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Op::In => "in",
            Op::NotIn => "not_in",
            Op::StartsWith => "starts_with",
            Op::EndsWith => "ends_with",
            Op::Contains => "contains",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Gt => "gt",
            Op::Gte => "gte",
        }
    }

    /// Whether the operator compares numbers (and so needs numeric values).
    pub fn is_numeric(self) -> bool {
        matches!(self, Op::Lt | Op::Lte | Op::Gt | Op::Gte)
    }

    /// Whether the operator compares strings (and so needs string values).
    pub fn is_textual(self) -> bool {
        matches!(self, Op::StartsWith | Op::EndsWith | Op::Contains)
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule value: a string or a number.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RuleValue {
    String(String),
    Number(f64),
}

impl fmt::Display for RuleValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleValue::String(s) => write!(f, "{s:?}"),
            RuleValue::Number(n) => write!(f, "{n}"),
        }
    }
}

/// `flags/**/<flag>.yaml`.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "flag")]
pub struct FlagDef {
    /// What the flag controls.
    pub description: Sp<String>,
    /// Team or person responsible for the flag and its cleanup.
    pub owner: Sp<String>,
    /// Kind of flag: release and experiment are temporary, the others permanent.
    #[serde(rename = "type")]
    pub kind: Sp<FlagType>,
    /// Creation date (YYYY-MM-DD); written by `flags new`, else taken from git history.
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = DATE_PATTERN))]
    pub created: Option<Sp<String>>,
    /// Past this date (YYYY-MM-DD) the flag is overdue for cleanup.
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = DATE_PATTERN))]
    pub expires: Option<Sp<String>>,
    /// Stage per environment; an environment not listed is `off`.
    #[serde(default)]
    #[schemars(with = "Option<std::collections::BTreeMap<String, EnvEntry>>")]
    pub environments: Sp<Entries<Sp<String>, Sp<EnvEntry>>>,
    // ---- typed flags (PRODUCT.md section 8; resolved by `typed::TypedView`) ----
    /// Variant name -> value; all values of one JSON type (boolean, string, number or
    /// object). Without it the flag is boolean: `off: false`, `on: true`.
    #[serde(default)]
    #[schemars(with = "Option<std::collections::BTreeMap<String, serde_json::Value>>")]
    pub variants: Option<Sp<Entries<Sp<String>, Sp<serde_json::Value>>>>,
    /// The variant served outside the audience, and to everyone where the flag is `off`
    /// (required with `variants`).
    #[serde(default)]
    pub default: Option<Sp<VariantName>>,
    /// What the audience is served: a variant, or a split `{variant: percent}` (required
    /// with `variants`; an environment may override it).
    #[serde(default)]
    pub serve: Option<Sp<Serve>>,
    /// Prerequisites: flag key -> variant. The audience gets `serve` only when each of these
    /// flags serves that variant to the user; everyone else gets `default`.
    #[serde(default)]
    #[schemars(with = "Option<std::collections::BTreeMap<String, VariantName>>")]
    pub requires: Option<Sp<Entries<Sp<String>, Sp<VariantName>>>>,
}

/// `YYYY-MM-DD` with a month from 01 to 12 and a day from 01 to 31 (the decoder also refuses
/// days a month does not have, such as 2026-02-30, which a pattern cannot say).
pub const DATE_PATTERN: &str = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/// Flag types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FlagType {
    Release,
    Experiment,
    Operational,
    KillSwitch,
    Permission,
}

impl FlagType {
    pub const ALL: [FlagType; 5] = [
        FlagType::Release,
        FlagType::Experiment,
        FlagType::Operational,
        FlagType::KillSwitch,
        FlagType::Permission,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FlagType::Release => "release",
            FlagType::Experiment => "experiment",
            FlagType::Operational => "operational",
            FlagType::KillSwitch => "kill-switch",
            FlagType::Permission => "permission",
        }
    }

    /// Release and experiment flags are meant to be deleted once done.
    pub fn is_temporary(self) -> bool {
        matches!(self, FlagType::Release | FlagType::Experiment)
    }

    pub fn parse(s: &str) -> Option<FlagType> {
        FlagType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for FlagType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A flag's state in one environment: `production: partners` (short form) or a mapping
/// with `stage`, `since`, `segments` and `schedule` (long form).
#[derive(Debug, Clone, PartialEq)]
pub struct EnvEntry {
    pub stage: Sp<String>,
    pub since: Option<Sp<String>>,
    pub segments: Vec<Sp<String>>,
    /// Extra audience in this environment: these targeting keys (section 8).
    pub users: Vec<Sp<String>>,
    /// This environment's own `serve` (section 8).
    pub serve: Option<Sp<Serve>>,
    /// Planned moves, in time order (PRODUCT.md section 9); see [`ScheduleEntry`].
    pub schedule: Vec<Sp<ScheduleEntry>>,
    /// Written as a mapping rather than a bare stage name.
    pub long_form: bool,
}

impl JsonSchema for EnvEntry {
    fn schema_name() -> Cow<'static, str> {
        "EnvEntry".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The flag's stage in this environment: a stage name (short form) or a mapping (long form).",
            "anyOf": [
                { "type": "string", "description": "Stage name, or `off`." },
                { "const": false, "description": "A bare `off`, which YAML reads as false: the `off` stage (other spellings of false, such as `no`, are refused)." },
                {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["stage"],
                    "properties": {
                        "stage": { "anyOf": [{ "type": "string" }, { "const": false }], "description": "Stage name, or `off` (a bare `off` is read as false)." },
                        "since": { "type": ["string", "null"], "pattern": DATE_PATTERN, "description": "When this environment entered its stage (YYYY-MM-DD)." },
                        "segments": { "type": "array", "items": { "type": "string" }, "description": "Extra audience in this environment, at any stage but off." },
                        "users": { "type": "array", "items": { "type": "string" }, "description": "Extra audience in this environment: these targeting keys, at any stage but off." },
                        "serve": {
                            "description": "This environment's own `serve`: a variant name, or a split `{variant: percent}`.",
                            "anyOf": [
                                { "type": "string" },
                                { "type": "object", "additionalProperties": { "type": "number", "exclusiveMinimum": 0, "maximum": 100 } }
                            ]
                        },
                        "schedule": {
                            "type": ["array", "null"],
                            "description": "Planned moves, in time order: from `at` on, the environment is at `stage`.",
                            "items": {
                                "type": "object",
                                "additionalProperties": false,
                                "required": ["stage", "at"],
                                "properties": {
                                    "stage": { "anyOf": [{ "type": "string" }, { "const": false }], "description": "Stage the environment moves to." },
                                    "at": { "type": "string", "pattern": super::decode::TIMESTAMP_PATTERN, "description": "When: RFC 3339 with `Z` or an offset, e.g. 2026-12-01T09:00:00Z." }
                                }
                            }
                        }
                    }
                }
            ]
        })
    }
}

/// One planned move of a flag in an environment (PRODUCT.md section 9): from `at` on, the
/// environment is at `stage`. `at` stays text here (checked by `crate::schedule`), so one bad
/// timestamp does not hide the file's other problems.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleEntry {
    /// Stage the environment moves to.
    pub stage: Sp<String>,
    /// When: RFC 3339 with `Z` or an offset.
    pub at: Sp<String>,
}

/// A mapping read in file order (key order matters for edits and for messages).
#[derive(Debug, Clone, PartialEq)]
pub struct Entries<K, V>(pub Vec<(K, V)>);

impl<K, V> Default for Entries<K, V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}
