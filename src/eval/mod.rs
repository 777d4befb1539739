//! Evaluation: is a flag on for a user in an environment, and why. Pure: model and user in,
//! decision out; no I/O. `flags eval` prints these decisions and `flags export` compiles the
//! same rules to flagd JsonLogic, so the two must agree for every user (PRODUCT.md section 5).
//!
//! # Semantics
//!
//! A user is a targeting key plus attributes, each a string or a number. The attribute `key`
//! (and `targetingKey`, its flagd name) is the targeting key. An attribute name is a JsonLogic
//! `var` path in flagd: `org.name` reads the field `name` of the object `org` in the
//! OpenFeature context; here it is the attribute named `org.name`.
//!
//! A rule matches when the attribute is present, has the type its operator compares, and the
//! comparison holds for **any** of the rule's values. A missing attribute matches no rule, not
//! even `not_in` (as in most flag services: a user who has not told us their country is not
//! "outside the US"). There is no coercion between strings and numbers:
//!
//! | op | matches when |
//! |---|---|
//! | `in` | the attribute equals a value of the same type (strings byte for byte, numbers numerically) |
//! | `not_in` | the attribute is present and equals none of the values |
//! | `starts_with`, `ends_with`, `contains` | the attribute is a string with a string value as prefix / suffix / substring (case-sensitive) |
//! | `lt`, `lte`, `gt`, `gte` | the attribute is a number and compares so with a number value |
//!
//! A segment holds a user whose key is in `users`, or who matches a rule, or who is in an
//! included segment; a key in `exclude` is never in it, whatever else matches. An include
//! cycle (a validation error) adds nobody.
//!
//! A flag is on when its stage in the environment is not `off` and the user is in one of the
//! audience's segments (the stages' cumulative ones plus the environment's extra ones) or in
//! its rollout. The rollout is flagd's `fractional`: MurmurHash3 x86 32-bit (seed 0) of the
//! canonical CBOR encoding of `[flagKey, targetingKey]`, bucket = hash × 100000 >> 32, on when
//! bucket < rollout × 1000. An empty targeting key is in no rollout below 100 % (the export
//! only runs `fractional` for a non-empty key, so the flag serves its default variant, off).
//! With `bucketing: legacy` in `flags.yaml` the hash is taken of the string
//! `flagKey + targetingKey` instead, as legacy evaluators do ([`legacy_murmur3_utf16`]).
//!
//! # Typed flags (PRODUCT.md section 8)
//!
//! The audience (the environment's `users` included) gets `serve`, everyone else `default`.
//! Before that, each prerequisite (`requires`) must serve the required variant; one the user
//! reaches only through its own partial rollout counts as not met (flagd buckets a rollout
//! by the flag being evaluated, so the export cannot reproduce another flag's). A split picks
//! the variant with a second bucketing value, [`split_key`] (`FLAG/split/KEY`, hashed as
//! flagd's `fractional` hashes an explicit bucketing value), so it is independent of the
//! rollout bucket; an empty targeting key gets no split, `default`.

use std::collections::BTreeMap;
use std::fmt;

use crate::date::Timestamp;
use crate::error::unknown;
use crate::repo::{Audience, Bucketing, FlagDef, Op, Repo, Rule, RuleValue, ServeView, TypedView};

mod bucket;
mod explain;
mod prereq;
mod rules;
mod segments;
mod user;

pub use bucket::*;
use explain::*;
pub use prereq::*;
pub use rules::*;
pub use segments::*;
pub use user::*;

// ---- decisions ----

/// Why a user is or is not in a flag's audience in an environment.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// The flag is `off` in the environment (or at a stage the pipeline does not know).
    Off,
    /// The stage's rollout is 100 %: everyone.
    Everyone,
    /// The targeting key is in the environment's `users`.
    Listed,
    /// The user is in this audience segment.
    Segment {
        segment: String,
        membership: Membership,
    },
    /// The user's bucket is below the rollout threshold.
    Rollout { bucket: u32, threshold: u32 },
    /// In no audience segment and (when there is a rollout) above its threshold. `bucket` is
    /// `None` when there is no rollout or the targeting key is empty.
    NoMatch { bucket: Option<u32>, threshold: u32 },
    /// In the audience, but a prerequisite does not serve the variant it requires: `served`
    /// is what it serves, `None` when that is decided by the prerequisite's own partial
    /// rollout (which flagd cannot evaluate inside another flag) or a cycle.
    Prerequisite {
        flag: String,
        wanted: String,
        served: Option<String>,
        /// Why the user is in the audience.
        audience: Box<Reason>,
    },
}

impl Reason {
    /// A short machine-readable name: `off`, `everyone`, `listed`, `segment`, `rollout`,
    /// `no-match`, `prerequisite`.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Off => "off",
            Reason::Everyone => "everyone",
            Reason::Listed => "listed",
            Reason::Segment { .. } => "segment",
            Reason::Rollout { .. } => "rollout",
            Reason::NoMatch { .. } => "no-match",
            Reason::Prerequisite { .. } => "prerequisite",
        }
    }

    /// Whether the user is in the audience and every prerequisite is met (so gets `serve`).
    pub fn served(&self) -> bool {
        !matches!(
            self,
            Reason::Off | Reason::NoMatch { .. } | Reason::Prerequisite { .. }
        )
    }
}

/// How the served variant was picked for a user in the audience.
#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    /// `serve` names one variant.
    Variant,
    /// `serve` is a split: the user's split bucket (of the split's total weight) and the
    /// weights, in bucket order, as whole thousandths of a percent.
    Split {
        bucket: u32,
        total: u32,
        weights: Vec<(String, u32)>,
    },
    /// `serve` is a split, but the targeting key is empty: no split, `default`.
    SplitWithoutKey,
}

/// The answer for one flag, environment and user.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The variant served.
    pub variant: String,
    /// Its value (a boolean for boolean flags).
    pub value: serde_json::Value,
    /// The flag's stage in the environment (`off` when not listed).
    pub stage: String,
    /// Who the flag is served to there.
    pub audience: Audience,
    pub reason: Reason,
    /// How the variant was picked, when the reason lets the user have `serve`.
    pub pick: Option<Pick>,
    /// The prerequisites checked, each with the variant it serves (all met unless the
    /// reason is [`Reason::Prerequisite`]).
    pub prerequisites: Vec<(String, String)>,
}

impl Decision {
    /// For boolean flags: whether the flag is on.
    pub fn is_on(&self) -> bool {
        self.value == serde_json::Value::Bool(true)
    }

    /// One line saying why, e.g. "in segment `internal`: rule `email ends_with "@acme.io"` matched".
    pub fn explain(&self) -> String {
        let mut text = explain_reason(&self.reason, &self.stage, &self.audience);
        if !self.prerequisites.is_empty() && self.reason.served() {
            let met: Vec<String> = self
                .prerequisites
                .iter()
                .map(|(f, v)| format!("`{f}` serves `{v}`"))
                .collect();
            text.push_str(&format!("; prerequisites met: {}", met.join(", ")));
        }
        match &self.pick {
            Some(Pick::Split {
                bucket,
                total,
                weights,
            }) => {
                let mut start = 0u32;
                for (v, w) in weights {
                    let end = start.saturating_add(*w);
                    if *bucket < end {
                        text.push_str(&format!(
                            "; split bucket {bucket} in {start}..{end} (of {total}): `{v}`"
                        ));
                        break;
                    }
                    start = end;
                }
            }
            Some(Pick::SplitWithoutKey) => text.push_str(&format!(
                "; an empty targeting key gets no split: default `{}`",
                self.variant
            )),
            _ => {}
        }
        text
    }
}

/// Evaluates a flag by key in an environment, now (see [`evaluate_at`]).
pub fn evaluate(repo: &Repo, flag_key: &str, env: &str, user: &User) -> anyhow::Result<Decision> {
    evaluate_at(repo, flag_key, env, user, Timestamp::now())
}

/// Evaluates a flag by key in an environment at the instant `now` (the stage in force then,
/// schedules applied). Unknown flag or environment names are errors with the nearest name as
/// a hint.
pub fn evaluate_at(
    repo: &Repo,
    flag_key: &str,
    env: &str,
    user: &User,
    now: Timestamp,
) -> anyhow::Result<Decision> {
    let Some(flag) = repo.flag(flag_key) else {
        return Err(unknown("flag", flag_key, repo.flags.iter().map(|f| f.name.as_str())).into());
    };
    if repo.environment(env).is_none() {
        return Err(unknown("environment", env, repo.environment_order()).into());
    }
    Ok(evaluate_flag_at(
        repo, &flag.name, &flag.def, env, user, now,
    ))
}

/// Evaluates one flag definition now (its key is needed for the rollout and split buckets).
pub fn evaluate_flag(
    repo: &Repo,
    flag_key: &str,
    flag: &FlagDef,
    env: &str,
    user: &User,
) -> Decision {
    evaluate_flag_at(repo, flag_key, flag, env, user, Timestamp::now())
}

/// Evaluates one flag definition at the instant `now` (the stage in force then).
pub fn evaluate_flag_at(
    repo: &Repo,
    flag_key: &str,
    flag: &FlagDef,
    env: &str,
    user: &User,
    now: Timestamp,
) -> Decision {
    evaluate_in(
        repo,
        flag_key,
        flag,
        env,
        user,
        now,
        &mut vec![flag_key.to_string()],
        &mut { MAX_PREREQ_EXPANSIONS },
    )
}

/// The audience decision: is the user in the flag's audience in `env` at `now`, and why.
fn audience_reason(
    repo: &Repo,
    flag_key: &str,
    flag: &FlagDef,
    env: &str,
    user: &User,
    now: Timestamp,
) -> (String, Audience, Reason) {
    let state = repo.state_at(flag, env, now);
    let stage = state.stage.to_string();
    if state.position.unwrap_or(0) == 0 {
        return (stage, Audience::default(), Reason::Off);
    }
    let audience = repo.audience_of(&state);
    let threshold = threshold(audience.rollout);
    let reason = if threshold >= BUCKETS {
        Reason::Everyone
    } else if audience.users.contains(&user.key) {
        Reason::Listed
    } else if let Some((segment, membership)) = audience
        .segments
        .iter()
        .find_map(|s| segment_membership(repo, s, user).map(|m| (s.clone(), m)))
    {
        Reason::Segment {
            segment,
            membership,
        }
    } else if threshold > 0 && !user.key.is_empty() {
        let bucket = bucket_with(repo_bucketing(repo), flag_key, &user.key);
        if bucket < threshold {
            Reason::Rollout { bucket, threshold }
        } else {
            Reason::NoMatch {
                bucket: Some(bucket),
                threshold,
            }
        }
    } else {
        Reason::NoMatch {
            bucket: None,
            threshold,
        }
    };
    (stage, audience, reason)
}

/// [`evaluate_flag`] with the chain of flags whose prerequisites led here (`path`, this
/// flag last), for cycles and depth.
#[allow(clippy::too_many_arguments)]
fn evaluate_in(
    repo: &Repo,
    flag_key: &str,
    flag: &FlagDef,
    env: &str,
    user: &User,
    now: Timestamp,
    path: &mut Vec<String>,
    budget: &mut usize,
) -> Decision {
    let view = TypedView::new(flag);
    let (stage, audience, mut reason) = audience_reason(repo, flag_key, flag, env, user, now);
    let mut prerequisites = Vec::new();
    if reason.served() {
        for (req, wanted) in view.requires() {
            let served = prerequisite_variant(repo, req, env, user, now, path, budget);
            if served.as_deref() == Some(wanted) {
                prerequisites.push((req.to_string(), wanted.to_string()));
            } else {
                reason = Reason::Prerequisite {
                    flag: req.to_string(),
                    wanted: wanted.to_string(),
                    served,
                    audience: Box::new(reason),
                };
                break;
            }
        }
    }
    let (variant, pick) = if reason.served() {
        match view.serve(env) {
            ServeView::Variant(v) => (v.to_string(), Some(Pick::Variant)),
            ServeView::Split(_) if user.key.is_empty() => {
                (view.default().to_string(), Some(Pick::SplitWithoutKey))
            }
            ServeView::Split(weights) => {
                let weights: Vec<(String, u32)> = weights
                    .iter()
                    .map(|(v, w)| (v.to_string(), threshold(*w)))
                    .collect();
                // Saturating: a split nobody validated may list very many variants.
                let total = weights.iter().fold(0u32, |a, (_, w)| a.saturating_add(*w));
                let b = split_bucket_with(repo_bucketing(repo), flag_key, &user.key, total);
                let variant = pick_split(&weights, b).unwrap_or(view.default());
                (
                    variant.to_string(),
                    Some(Pick::Split {
                        bucket: b,
                        total,
                        weights,
                    }),
                )
            }
        }
    } else {
        (view.default().to_string(), None)
    };
    let value = view.value(&variant).unwrap_or(serde_json::Value::Null);
    Decision {
        variant,
        value,
        stage,
        audience,
        reason,
        pick,
        prerequisites,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::repo::Sp;

    fn rule(attribute: &str, op: Op, values: Vec<RuleValue>) -> Rule {
        Rule {
            attribute: Sp::new(attribute.into(), Default::default()),
            op: Sp::new(op, Default::default()),
            values: Sp::new(values, Default::default()),
        }
    }
    fn s(v: &str) -> RuleValue {
        RuleValue::String(v.into())
    }
    fn n(v: f64) -> RuleValue {
        RuleValue::Number(v)
    }
    fn m(r: &Rule, u: &User) -> bool {
        rule_matches(r, u)
    }

    #[test]
    fn every_operator_on_strings_numbers_and_missing_attributes() {
        let u = User::new("u1")
            .with("plan", "enterprise")
            .with("seats", 500i64)
            .with("zip", "01234");
        let none = User::new("u2");
        let cases: Vec<(Rule, bool)> = vec![
            (rule("plan", Op::In, vec![s("pro"), s("enterprise")]), true),
            (rule("plan", Op::In, vec![s("pro")]), false),
            (rule("plan", Op::In, vec![s("Enterprise")]), false),
            (rule("seats", Op::In, vec![n(500.0)]), true),
            (rule("seats", Op::In, vec![s("500")]), false), // no coercion
            (rule("zip", Op::In, vec![n(1234.0)]), false),
            (rule("plan", Op::NotIn, vec![s("pro")]), true),
            (
                rule("plan", Op::NotIn, vec![s("enterprise"), s("pro")]),
                false,
            ),
            (rule("seats", Op::NotIn, vec![s("500")]), true),
            (rule("plan", Op::StartsWith, vec![s("x"), s("ent")]), true),
            (rule("plan", Op::StartsWith, vec![s("prise")]), false),
            (rule("plan", Op::EndsWith, vec![s("prise")]), true),
            (rule("plan", Op::EndsWith, vec![s("ent")]), false),
            (rule("plan", Op::Contains, vec![s("terp")]), true),
            (rule("plan", Op::Contains, vec![s("TERP")]), false),
            (rule("plan", Op::Contains, vec![s("")]), true),
            (rule("seats", Op::StartsWith, vec![s("5")]), false), // numbers are not strings
            (rule("seats", Op::Contains, vec![s("0")]), false),
            (rule("seats", Op::Lt, vec![n(501.0)]), true),
            (rule("seats", Op::Lt, vec![n(500.0)]), false),
            (rule("seats", Op::Lte, vec![n(500.0)]), true),
            (rule("seats", Op::Lte, vec![n(499.5)]), false),
            (rule("seats", Op::Gt, vec![n(499.0)]), true),
            (rule("seats", Op::Gt, vec![n(500.0)]), false),
            (rule("seats", Op::Gte, vec![n(500.0)]), true),
            (rule("seats", Op::Gte, vec![n(1000.0), n(500.0)]), true),
            (rule("seats", Op::Gte, vec![n(501.0)]), false),
            (rule("zip", Op::Gt, vec![n(0.0)]), false), // strings are not numbers
            (rule("key", Op::In, vec![s("u1")]), true),
            (rule("targetingKey", Op::StartsWith, vec![s("u")]), true),
        ];
        for (r, want) in &cases {
            assert_eq!(
                m(r, &u),
                *want,
                "{} {} {:?}",
                r.attribute.value,
                r.op.value,
                r.values.value
            );
        }
        // A missing attribute matches nothing, not even `not_in`.
        for op in Op::ALL {
            let r = rule("plan", op, vec![s("x"), n(1.0)]);
            assert!(!m(&r, &none), "{op} on a missing attribute");
        }
        assert_eq!(
            rule_match(&rule("plan", Op::In, vec![s("a"), s("enterprise")]), &u),
            Some(&s("enterprise"))
        );
    }

    #[test]
    fn attribute_values_parse_as_json_numbers_or_strings() {
        assert_eq!(AttrValue::parse("42"), AttrValue::Number(42.0));
        assert_eq!(AttrValue::parse("-1.5e2"), AttrValue::Number(-150.0));
        assert_eq!(AttrValue::parse("01234"), AttrValue::String("01234".into()));
        assert_eq!(AttrValue::parse("\"42\""), AttrValue::String("42".into()));
        assert_eq!(AttrValue::parse("NaN"), AttrValue::String("NaN".into()));
        assert_eq!(AttrValue::parse("1e999"), AttrValue::String("1e999".into()));
        assert_eq!(AttrValue::parse(""), AttrValue::String(String::new()));
        assert_eq!(AttrValue::parse("\""), AttrValue::String("\"".into()));
    }

    #[test]
    fn murmur3_matches_reference_vectors() {
        // SMHasher / Wikipedia vectors for MurmurHash3_x86_32.
        assert_eq!(murmur3_x86_32(b"", 0), 0);
        assert_eq!(murmur3_x86_32(b"", 1), 0x514e_28b7);
        assert_eq!(murmur3_x86_32(b"", 0xffff_ffff), 0x81f1_6f39);
        assert_eq!(murmur3_x86_32(b"test", 0), 0xba6b_d213);
        assert_eq!(murmur3_x86_32(b"Hello, world!", 0), 0xc036_3e43);
        assert_eq!(
            murmur3_x86_32(b"The quick brown fox jumps over the lazy dog", 0),
            0x2e4f_f723
        );
        assert_eq!(murmur3_x86_32(&[0x21, 0x43, 0x65], 0), 0x7e4a_8634);
        // flagd-evaluation-engine's own test vector.
        assert_eq!(murmur3_x86_32(b"flag-user", 0), 2_410_693_464);
    }

    #[test]
    fn bucketing_value_is_canonical_cbor() {
        assert_eq!(bucketing_value("", ""), [0x82, 0x60, 0x60]);
        assert_eq!(bucketing_value("flag", "user"), b"\x82\x64flag\x64user");
        let k = "k".repeat(24);
        assert_eq!(
            &bucketing_value("x", &k)[..5],
            &[0x82, 0x61, b'x', 0x78, 24]
        );
        let k = "k".repeat(256);
        assert_eq!(
            &bucketing_value("x", &k)[..6],
            &[0x82, 0x61, b'x', 0x79, 0x01, 0x00]
        );
        let k = "k".repeat(70_000);
        assert_eq!(
            &bucketing_value("x", &k)[..8],
            &[0x82, 0x61, b'x', 0x7a, 0x00, 0x01, 0x11, 0x70]
        );
    }

    #[test]
    fn buckets_match_independently_computed_vectors() {
        // Derived with Python's mmh3 + cbor2 (canonical=True) as hash(cbor([flag, key])),
        // bucket = hash * 100000 >> 32.
        let vectors: [(&str, String, u32, u32); 9] = [
            ("new-tax-engine", "alice".into(), 3_879_207_608, 90_319),
            ("flag", "user".into(), 922_802_439, 21_485),
            ("headerColor", "user@faas.com".into(), 1_401_938_885, 32_641),
            ("", "".into(), 2_363_404_595, 55_027),
            ("dark-mode", "zoë".into(), 257_864_085, 6_003),
            ("x", "k".repeat(23), 3_093_306_061, 72_021),
            ("x", "k".repeat(24), 4_153_436_435, 96_704),
            ("x", "k".repeat(256), 3_815_014_227, 88_825),
            ("x", "k".repeat(70_000), 1_753_111_289, 40_817),
        ];
        for (flag, key, hash, b) in &vectors {
            assert_eq!(
                murmur3_x86_32(&bucketing_value(flag, key), 0),
                *hash,
                "{flag}/{}",
                key.len()
            );
            assert_eq!(bucket(flag, key), *b, "{flag}/{}", key.len());
        }
        assert_eq!(bucket(&"a".repeat(30), &"b".repeat(300)), 39_012);
    }

    #[test]
    fn legacy_hash_matches_javascript_imurmurhash() {
        // (string, hash, bucket) computed by `new (require("imurmurhash"))(s).result() >>> 0`
        // with imurmurhash 0.1.4, the hash @openfeature/flagd-core 4.0.1 buckets with.
        let cases: [(&str, u32, u32); 13] = [
            ("", 0, 0),
            ("a", 1_009_084_850, 23_494),
            ("ab", 2_613_040_991, 60_839),
            ("abc", 3_017_643_002, 70_259),
            ("abcd", 1_139_631_978, 26_534),
            ("abcde", 3_902_511_862, 90_862),
            ("new-dashboarduser-1", 4_285_976_062, 99_790),
            ("fzoë", 1_756_008_564, 40_885),
            ("f\u{8000}x", 2_410_552_382, 56_125),
            // A tail with its sign bit set is left out: these two hash alike.
            ("xy\u{8000}", 2_247_144_487, 52_320),
            ("\u{ffff}\u{ffff}\u{ffff}", 2_247_144_487, 52_320),
            ("😀", 306_838_748, 7_144),
            ("f-canaryuser-12345678", 1_884_527_211, 43_877),
        ];
        for (text, hash, b) in cases {
            let units: Vec<u16> = text.encode_utf16().collect();
            assert_eq!(legacy_murmur3_utf16(&units), hash, "{text:?}");
            if let Some((flag, key)) = text.split_at_checked(1) {
                assert_eq!(bucket_with(Bucketing::Legacy, flag, key), b, "{text:?}");
            }
        }
        // ASCII: the reference hash of the bytes.
        assert_eq!(
            legacy_murmur3_utf16(&"abcde".encode_utf16().collect::<Vec<_>>()),
            murmur3_x86_32(b"abcde", 0)
        );
    }

    #[test]
    fn split_buckets_match_independently_computed_vectors() {
        // Python's mmh3 + cbor2 (canonical=True) as hash(cbor("FLAG/split/KEY")),
        // bucket = hash * 100000 >> 32: what flagd's `fractional` does with the explicit
        // bucketing value `{"cat": ["FLAG/split/", {"var": "targetingKey"}]}`.
        for (flag, key, b) in [
            ("theme", "alice", 37_763),
            ("checkout-theme", "ann", 34_564),
            ("x", "zoë", 45_001),
            ("exp", "member-0", 71_387),
        ] {
            assert_eq!(split_bucket(flag, key, BUCKETS), b, "{flag}/{key}");
        }
        assert_eq!(split_key("f", "u"), "f/split/u");
        let weights = vec![("a".to_string(), 12_500), ("b".to_string(), 87_500)];
        assert_eq!(pick_split(&weights, 0), Some("a"));
        assert_eq!(pick_split(&weights, 12_499), Some("a"));
        assert_eq!(pick_split(&weights, 12_500), Some("b"));
        assert_eq!(pick_split(&weights, 99_999), Some("b"));
        assert_eq!(pick_split(&weights, 100_000), None);
        // Legacy evaluators hash the text itself (its UTF-16 code units).
        let units: Vec<u16> = "theme/split/alice".encode_utf16().collect();
        assert_eq!(
            split_bucket_with(Bucketing::Legacy, "theme", "alice", BUCKETS),
            ((u64::from(legacy_murmur3_utf16(&units)) * 100_000) >> 32) as u32
        );
    }

    #[test]
    fn thresholds() {
        assert_eq!(threshold(0.0), 0);
        assert_eq!(threshold(10.0), 10_000);
        assert_eq!(threshold(12.345), 12_345);
        assert_eq!(threshold(0.001), 1);
        assert_eq!(threshold(100.0), BUCKETS);
        assert_eq!(threshold(250.0), BUCKETS);
        assert_eq!(threshold(-3.0), 0);
        assert_eq!(threshold(f64::NAN), 0);
    }

    /// A repository written to a temp dir and loaded (the model has no builder).
    pub(crate) fn repo(files: &[(&str, &str)]) -> (tempfile::TempDir, Repo) {
        let dir = tempfile::tempdir().expect("tempdir");
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        let repo = Repo::load(dir.path());
        assert!(repo.load_problems.is_empty(), "{:?}", repo.load_problems);
        (dir, repo)
    }

    const PIPELINE: &str = "pipeline:
  - stage: internal
    segments: [internal]
  - stage: partners
    segments: [partners]
  - stage: canary
    rollout: 10
  - stage: half
    rollout: 50
  - stage: everyone
    rollout: 100
";

    fn segments_repo() -> (tempfile::TempDir, Repo) {
        repo(&[
            ("flags.yaml", PIPELINE),
            ("environments/production.yaml", ""),
            (
                "segments/internal.yaml",
                "users: [ops-bot]\nrules:\n  - attribute: email\n    op: ends_with\n    values: [\"@acme.io\"]\nsegments: [contractors]\nexclude: [intern-42]\n",
            ),
            (
                "segments/contractors.yaml",
                "rules:\n  - attribute: email\n    op: ends_with\n    values: [\"@contractors.io\"]\nsegments: [vendors]\n",
            ),
            ("segments/vendors.yaml", "users: [vendor-1, intern-42]\n"),
            (
                "segments/partners.yaml",
                "users: [globex]\nrules:\n  - attribute: seats\n    op: gte\n    values: [100]\n",
            ),
            ("segments/beta.yaml", "users: [beta-1]\n"),
            (
                "segments/loop-a.yaml",
                "segments: [loop-b]\nusers: [a-user]\n",
            ),
            ("segments/loop-b.yaml", "segments: [loop-a]\n"),
            (
                "flags/at-internal.yaml",
                "description: d\nowner: o\ntype: release\nenvironments:\n  production: internal\n",
            ),
            (
                "flags/at-partners-beta.yaml",
                "description: d\nowner: o\ntype: release\nenvironments:\n  production:\n    stage: partners\n    segments: [beta]\n",
            ),
            (
                "flags/at-canary.yaml",
                "description: d\nowner: o\ntype: release\nenvironments:\n  production: canary\n",
            ),
            (
                "flags/at-everyone.yaml",
                "description: d\nowner: o\ntype: release\nenvironments:\n  production: everyone\n",
            ),
            (
                "flags/switched-off.yaml",
                "description: d\nowner: o\ntype: release\nenvironments:\n  production:\n    stage: off\n    segments: [beta]\n",
            ),
        ])
    }

    #[test]
    fn segments_nest_and_exclusion_wins() {
        let (_d, r) = segments_repo();
        let member = |seg: &str, u: &User| segment_membership(&r, seg, u);
        assert_eq!(
            member("internal", &User::new("ops-bot")),
            Some(Membership::Listed)
        );
        let staff = User::new("x").with("email", "ann@acme.io");
        assert!(matches!(
            member("internal", &staff),
            Some(Membership::Rule { index: 0, .. })
        ));
        let contractor = User::new("c").with("email", "bob@contractors.io");
        assert_eq!(
            member("internal", &contractor),
            Some(Membership::Included {
                segment: "contractors".into(),
                via: Box::new(Membership::Rule {
                    index: 0,
                    attribute: "email".into(),
                    op: Op::EndsWith,
                    value: Some(s("@contractors.io")),
                }),
            })
        );
        // Two levels down.
        let vendor = member("internal", &User::new("vendor-1"));
        assert_eq!(
            vendor.map(|m| m.to_string()).as_deref(),
            Some(
                "via included segment `contractors`: via included segment `vendors`: listed in `users`"
            )
        );
        // Excluded from internal, though listed in an included segment and matching a rule.
        let intern = User::new("intern-42").with("email", "intern@acme.io");
        assert_eq!(member("internal", &intern), None);
        assert!(member("vendors", &intern).is_some());
        assert_eq!(member("internal", &User::new("nobody")), None);
        assert_eq!(member("no-such-segment", &User::new("ops-bot")), None);
    }

    #[test]
    fn not_in_explains_without_naming_a_value() {
        let (_d, r) = repo(&[
            ("flags.yaml", PIPELINE),
            (
                "segments/paying.yaml",
                "rules:\n  - attribute: plan\n    op: not_in\n    values: [free, trial]\n",
            ),
        ]);
        let m =
            segment_membership(&r, "paying", &User::new("u").with("plan", "pro")).expect("member");
        assert_eq!(
            m.to_string(),
            "rule `plan not_in ...` matched (`plan` is none of its values)"
        );
        assert_eq!(
            segment_membership(&r, "paying", &User::new("u").with("plan", "trial")),
            None
        );
    }

    #[test]
    fn include_cycles_terminate() {
        let (_d, r) = segments_repo();
        assert_eq!(
            segment_membership(&r, "loop-b", &User::new("a-user"))
                .map(|m| m.to_string())
                .as_deref(),
            Some("via included segment `loop-a`: listed in `users`")
        );
        assert_eq!(segment_membership(&r, "loop-a", &User::new("other")), None);
        assert_eq!(segment_membership(&r, "loop-b", &User::new("other")), None);
    }

    #[test]
    fn audiences_are_cumulative_with_environment_extras() {
        let (_d, r) = segments_repo();
        let eval = |flag: &str, u: &User| evaluate(&r, flag, "production", u).expect("known flag");
        let globex = User::new("globex");
        let staff = User::new("s").with("email", "s@acme.io");
        let beta = User::new("beta-1");
        // internal: only internal.
        assert!(eval("at-internal", &staff).is_on());
        assert!(!eval("at-internal", &globex).is_on());
        assert!(!eval("at-internal", &beta).is_on());
        // partners: internal ∪ partners ∪ the environment's extra segment.
        assert!(eval("at-partners-beta", &staff).is_on());
        assert!(eval("at-partners-beta", &globex).is_on());
        let d = eval("at-partners-beta", &beta);
        assert!(d.is_on());
        assert_eq!(
            d.reason,
            Reason::Segment {
                segment: "beta".into(),
                membership: Membership::Listed
            }
        );
        assert_eq!(d.audience.segments, ["internal", "partners", "beta"]);
        // off: nobody, extra segments included.
        let d = eval("switched-off", &beta);
        assert_eq!(
            (d.is_on(), d.reason, d.stage.as_str()),
            (false, Reason::Off, "off")
        );
        // everyone: everybody, even an empty key.
        assert_eq!(eval("at-everyone", &User::new("")).reason, Reason::Everyone);
        // canary: segments first, then 10 % by bucket.
        assert!(matches!(
            eval("at-canary", &staff).reason,
            Reason::Segment { .. }
        ));
        let mut on = 0;
        for i in 0..2000 {
            let u = User::new(format!("user-{i}"));
            let d = eval("at-canary", &u);
            let b = bucket("at-canary", &u.key);
            assert_eq!(d.is_on(), b < 10_000);
            match d.reason {
                Reason::Rollout { bucket, threshold } => {
                    assert_eq!((bucket, threshold), (b, 10_000))
                }
                Reason::NoMatch { bucket, threshold } => {
                    assert_eq!((bucket, threshold), (Some(b), 10_000))
                }
                other => panic!("{other:?}"),
            }
            on += usize::from(d.is_on());
        }
        assert!((150..250).contains(&on), "{on} of 2000 in a 10% rollout");
        // An empty targeting key is in no partial rollout (flagd's fractional refuses it).
        assert_eq!(
            eval("at-canary", &User::new("")).reason,
            Reason::NoMatch {
                bucket: None,
                threshold: 10_000
            }
        );
        // An environment the flag does not list is off.
        assert!(evaluate(&r, "nope", "production", &staff).is_err());
        assert!(evaluate(&r, "at-canary", "prod", &staff).is_err());
    }

    /// A chain `s0 -> s1 -> ... -> s40` of includes, the user listed in every `s{i}` given.
    pub(crate) fn chain(listed_in: usize) -> (tempfile::TempDir, Repo) {
        let mut files: Vec<(String, String)> = vec![("flags.yaml".into(), PIPELINE.into())];
        for i in 0..=40 {
            let users = if i == listed_in {
                "users: [deep]\n"
            } else {
                ""
            };
            let inc = if i < 40 {
                format!("segments: [s{}]\n", i + 1)
            } else {
                String::new()
            };
            files.push((format!("segments/s{i}.yaml"), format!("{users}{inc}")));
        }
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        repo(&refs)
    }

    #[test]
    fn includes_deeper_than_the_limit_add_nobody() {
        let (_d, r) = chain(MAX_INCLUDE_DEPTH);
        assert!(segment_membership(&r, "s0", &User::new("deep")).is_some());
        let (_d, r) = chain(MAX_INCLUDE_DEPTH + 1);
        assert!(segment_membership(&r, "s0", &User::new("deep")).is_none());
        assert!(segment_membership(&r, "s1", &User::new("deep")).is_some());
    }
}
