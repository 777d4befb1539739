//! The flags repository: discovery, loading, and the resolved model other modules use.

mod decode;
pub mod graph;
mod load;
pub mod model;
pub mod schema;
pub mod typed;

use std::path::{Path, PathBuf};

pub use crate::span::{Loc, Sp};
pub use crate::yaml::MAX_NESTING;
pub(crate) use load::{
    FOLDERS, check_bytes, flag_keys, ignored_sub_folder, load_from_sources, misnamed_folder,
    not_a_folder, parse_stages, too_large,
};
pub use load::{MAX_FILE_BYTES, decode_file, find_root_upward, parse_flag};
pub use model::*;
pub use typed::{Serve, ServeView, TypedView, ValueType, VariantName};

use crate::date::Timestamp;

use crate::problem::Problem;

/// Name of the file that marks the flags root.
pub const SETTINGS_FILE: &str = "flags.yaml";

/// The stage before the first one: served to nobody.
pub const OFF: &str = "off";

/// A loaded file: its name (the file stem), its path relative to the flags root, its text and
/// what it decoded into.
#[derive(Debug, Clone)]
pub struct Doc<T> {
    pub name: String,
    /// Relative to the flags root, with `/` separators (as shown to users).
    pub path: String,
    pub source: String,
    pub def: T,
}

/// A flags repository as read from disk. Files that could not be read or decoded are absent
/// from the model and recorded in `load_problems`, so one bad file never hides the others;
/// what they still declare is kept apart in `partial`, for validation.
#[derive(Debug)]
pub struct Repo {
    pub root: PathBuf,
    pub settings: Option<Doc<Settings>>,
    pub pipeline: Pipeline,
    pub cleanup: Cleanup,
    /// Sorted by name.
    pub environments: Vec<Doc<EnvironmentDef>>,
    /// Sorted by name.
    pub segments: Vec<Doc<SegmentDef>>,
    /// Sorted by key, then path (duplicates are kept for validation to report).
    pub flags: Vec<Doc<FlagDef>>,
    /// Problems that keep a file out of the model (not YAML, a missing or mistyped field).
    pub load_problems: Vec<Problem>,
    /// Problems with a value of a file that is still in the model (a date that does not
    /// exist): validation reports them, other commands use the file.
    pub value_problems: Vec<Problem>,
    /// What the files with `load_problems` still declare.
    pub partial: Partial,
}

/// What files with problems still declare, for validation only: their other problems are
/// found, and references to them are not reported as unknown. Other commands leave these
/// files out (and say so).
#[derive(Debug, Default)]
pub struct Partial {
    /// `flags.yaml` when it has problems (the model's pipeline is then the default one;
    /// validation's is built from what it could read).
    pub settings: Option<Doc<Settings>>,
    /// `flags.yaml` could not be read at all: the stages are unknown.
    pub stages_unknown: bool,
    /// Sorted by name, as the model's lists.
    pub environments: Vec<Doc<EnvironmentDef>>,
    pub segments: Vec<Doc<SegmentDef>>,
    pub flags: Vec<Doc<FlagDef>>,
}

/// The resolved pipeline: stages in order, `off` implied before them.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub stages: Vec<Stage>,
    /// Whether `flags.yaml` left the pipeline out and the default applies.
    pub is_default: bool,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub name: String,
    pub segments: Vec<String>,
    pub rollout: Option<f64>,
    pub soak_days: Option<u32>,
}

/// Who a flag is served to: a union of segments plus a percentage of everyone.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Audience {
    pub segments: Vec<String>,
    pub rollout: f64,
    /// The environment's extra targeting keys (`users`, section 8).
    pub users: Vec<String>,
}

impl Pipeline {
    pub fn default_pipeline() -> Pipeline {
        let stage = |name: &str, segments: &[&str], rollout: Option<f64>| Stage {
            name: name.into(),
            segments: segments.iter().map(|s| s.to_string()).collect(),
            rollout,
            soak_days: None,
        };
        Pipeline {
            stages: vec![
                stage("internal", &["internal"], None),
                stage("partners", &["partners"], None),
                stage("everyone", &[], Some(100.0)),
            ],
            is_default: true,
        }
    }

    /// Position of a stage: 0 for `off`, 1 for the first stage, and so on.
    pub fn position(&self, stage: &str) -> Option<usize> {
        if stage == OFF {
            return Some(0);
        }
        self.stages
            .iter()
            .position(|s| s.name == stage)
            .map(|i| i + 1)
    }

    /// Name of the stage at a position (0 is `off`).
    pub fn name_at(&self, pos: usize) -> &str {
        match pos {
            0 => OFF,
            p => self.stages.get(p - 1).map_or(OFF, |s| s.name.as_str()),
        }
    }

    /// Position of the last stage.
    pub fn last(&self) -> usize {
        self.stages.len()
    }

    /// Stage names including `off`, in order (for messages and completion of `--to`).
    pub fn names(&self) -> Vec<&str> {
        std::iter::once(OFF)
            .chain(self.stages.iter().map(|s| s.name.as_str()))
            .collect()
    }

    /// The cumulative audience at a position: every segment up to it, the highest rollout.
    pub fn audience(&self, pos: usize) -> Audience {
        let mut audience = Audience::default();
        for stage in self.stages.iter().take(pos) {
            for s in &stage.segments {
                if !audience.segments.contains(s) {
                    audience.segments.push(s.clone());
                }
            }
            if let Some(r) = stage.rollout {
                audience.rollout = audience.rollout.max(r);
            }
        }
        audience
    }
}

/// The state of one flag in one environment, resolved against the pipeline.
#[derive(Debug, Clone)]
pub struct EnvState<'a> {
    pub stage: &'a str,
    /// `None` when the stage is unknown to the pipeline (a validation error).
    pub position: Option<usize>,
    pub since: Option<&'a Sp<String>>,
    pub segments: Vec<&'a str>,
    /// The entry in the file, if the environment is listed.
    pub entry: Option<&'a EnvEntry>,
    /// The schedule entry in force, when a planned move has replaced the file's `stage`
    /// ([`Repo::state_at`]).
    pub scheduled: Option<&'a ScheduleEntry>,
}

impl EnvState<'_> {
    /// The date the environment entered the stage in force: the scheduled entry's `at`, else
    /// `since` (when it is a valid date).
    pub fn entered(&self) -> Option<crate::date::Date> {
        match self.scheduled {
            Some(s) => Timestamp::parse(&s.at.value).ok().map(Timestamp::date),
            None => self.since.and_then(|s| crate::date::Date::parse(&s.value)),
        }
    }
}

impl EnvEntry {
    /// The schedule entry in force at `now`: the last one whose `at` has passed. Entries
    /// whose `at` does not parse are skipped (validation reports them).
    pub fn in_force(&self, now: Timestamp) -> Option<&ScheduleEntry> {
        self.in_force_with_index(now).map(|(_, e, _)| e)
    }

    /// [`EnvEntry::in_force`] with its index in the schedule and its instant.
    pub fn in_force_with_index(
        &self,
        now: Timestamp,
    ) -> Option<(usize, &ScheduleEntry, Timestamp)> {
        self.schedule.iter().enumerate().rev().find_map(|(i, e)| {
            let t = Timestamp::parse(&e.value.at.value).ok()?;
            (t <= now).then_some((i, &e.value, t))
        })
    }

    /// The entries that will come into force after `now` ([`EnvEntry::in_force`] at their
    /// instant), with their instants, earliest first. In a valid schedule that is every entry
    /// after `now` in file order; in one out of order (an error `validate` reports) an entry
    /// followed by an earlier one never comes into force, and is left out, so that `list`,
    /// `promote`'s refusal and the export all say what `eval` does (`show` lists the
    /// schedule as the file writes it, beside validation's error).
    pub fn pending(&self, now: Timestamp) -> Vec<(Timestamp, &ScheduleEntry)> {
        let mut out = Vec::new();
        let mut next: Option<Timestamp> = None;
        for e in self.schedule.iter().rev() {
            let Ok(t) = Timestamp::parse(&e.value.at.value) else {
                continue;
            };
            if t <= now {
                break;
            }
            if next.is_none_or(|n| t < n) {
                out.push((t, &e.value));
                next = Some(t);
            }
        }
        out.reverse();
        out
    }
}

impl FlagDef {
    pub fn entry(&self, env: &str) -> Option<&EnvEntry> {
        self.environments
            .value
            .0
            .iter()
            .find(|(k, _)| k.value == env)
            .map(|(_, v)| &v.value)
    }
}

impl Partial {
    pub fn is_empty(&self) -> bool {
        self.settings.is_none()
            && !self.stages_unknown
            && self.environments.is_empty()
            && self.segments.is_empty()
            && self.flags.is_empty()
    }
}

impl Repo {
    /// The model with what files with problems still declare merged in (each list sorted
    /// again), for validation: their other problems are found, and references to them are
    /// not unknown. `partial` keeps only `stages_unknown`.
    pub fn with_partial(&self) -> Repo {
        // Validation reads the models, never the texts: leave those behind.
        fn merge<T: Clone>(clean: &[Doc<T>], partial: &[Doc<T>]) -> Vec<Doc<T>> {
            let mut all: Vec<Doc<T>> = clean
                .iter()
                .chain(partial)
                .map(|d| Doc {
                    name: d.name.clone(),
                    path: d.path.clone(),
                    source: String::new(),
                    def: d.def.clone(),
                })
                .collect();
            all.sort_by(|a, b| (&a.name, &a.path).cmp(&(&b.name, &b.path)));
            all
        }
        let p = &self.partial;
        // A `flags.yaml` with problems still gives the stages it could read: the default
        // pipeline in its place would turn every custom stage into a false "unknown stage".
        let (pipeline, cleanup) = match &p.settings {
            Some(doc) => (load::resolve_pipeline(&doc.def), doc.def.cleanup),
            None => (self.pipeline.clone(), self.cleanup),
        };
        Repo {
            root: self.root.clone(),
            settings: self.settings.clone().or_else(|| p.settings.clone()),
            pipeline,
            cleanup,
            environments: merge(&self.environments, &p.environments),
            segments: merge(&self.segments, &p.segments),
            flags: merge(&self.flags, &p.flags),
            load_problems: self.load_problems.clone(),
            value_problems: self.value_problems.clone(),
            partial: Partial {
                stages_unknown: p.stages_unknown,
                ..Partial::default()
            },
        }
    }

    /// Finds the flags root from `start` (walking up; the command line also looks in the
    /// enclosing git repository: [`crate::discover::find_root`]) and loads it.
    pub fn discover(start: &Path) -> anyhow::Result<Repo> {
        let root = find_root_upward(start)?;
        Ok(Repo::load(&root))
    }

    /// Loads settings, environments, segments and only the flag files named `<key>.yaml`
    /// (in any sub-folder), plus every flag key found, for hints. For commands that change
    /// one flag in a repository of thousands.
    pub fn load_one_flag(root: &Path, key: &str) -> (Repo, Vec<String>) {
        load::load_flags(root, &[key.to_string()])
    }

    /// [`Repo::load_one_flag`] for several keys, in one walk of the root.
    pub fn load_flags(root: &Path, keys: &[String]) -> (Repo, Vec<String>) {
        load::load_flags(root, keys)
    }

    /// Loads every file under a flags root. Never fails: unreadable or malformed files
    /// become problems.
    pub fn load(root: &Path) -> Repo {
        load::load(root)
    }

    pub fn flag(&self, key: &str) -> Option<&Doc<FlagDef>> {
        find_sorted(&self.flags, key)
    }

    pub fn environment(&self, name: &str) -> Option<&Doc<EnvironmentDef>> {
        find_sorted(&self.environments, name)
    }

    pub fn segment(&self, name: &str) -> Option<&Doc<SegmentDef>> {
        find_sorted(&self.segments, name)
    }

    /// Environment names in gate order: an environment comes after the one it is gated on,
    /// ties by name (development, staging, production).
    pub fn environment_order(&self) -> Vec<&str> {
        // The number of gates above an environment; a cycle (validation reports it) stops
        // once every gate was passed.
        let gated = self
            .environments
            .iter()
            .filter(|e| e.def.after.is_some())
            .count();
        let depth = |start: &str| -> usize {
            let mut d = 0usize;
            let mut name = start;
            while let Some(next) = graph::gate(self, name) {
                d += 1;
                name = next;
                if d > gated {
                    break;
                }
            }
            d
        };
        let mut names: Vec<(usize, &str)> = self
            .environments
            .iter()
            .map(|e| (depth(&e.name), e.name.as_str()))
            .collect();
        names.sort();
        names.into_iter().map(|(_, n)| n).collect()
    }

    /// A flag's state in an environment (`off` when not listed).
    pub fn state<'a>(&self, flag: &'a FlagDef, env: &str) -> EnvState<'a> {
        match flag.entry(env) {
            Some(e) => EnvState {
                stage: &e.stage.value,
                position: self.pipeline.position(&e.stage.value),
                since: e.since.as_ref(),
                segments: e.segments.iter().map(|s| s.value.as_str()).collect(),
                entry: Some(e),
                scheduled: None,
            },
            None => EnvState {
                stage: OFF,
                position: Some(0),
                since: None,
                segments: Vec::new(),
                entry: None,
                scheduled: None,
            },
        }
    }

    /// A flag's state in an environment at `now`: the stage of the schedule entry in force
    /// then, else the file's `stage` (PRODUCT.md section 9).
    pub fn state_at<'a>(&self, flag: &'a FlagDef, env: &str, now: Timestamp) -> EnvState<'a> {
        let mut state = self.state(flag, env);
        if let Some(s) = state.entry.and_then(|e| e.in_force(now)) {
            state.stage = &s.stage.value;
            state.position = self.pipeline.position(&s.stage.value);
            state.scheduled = Some(s);
        }
        state
    }

    /// Who a flag is served to in an environment according to the file's `stage` (no
    /// schedule applied): the stage's cumulative audience plus the environment's extra
    /// segments (none while `off`).
    pub fn audience(&self, flag: &FlagDef, env: &str) -> Audience {
        self.audience_of(&self.state(flag, env))
    }

    /// The audience of a resolved state.
    pub fn audience_of(&self, state: &EnvState<'_>) -> Audience {
        self.audience_at_position(state, state.position.unwrap_or(0))
    }

    /// The audience the environment of `state` has at stage position `pos` (its extra
    /// segments included).
    pub fn audience_at_position(&self, state: &EnvState<'_>, pos: usize) -> Audience {
        let mut audience = self.pipeline.audience(pos);
        if pos > 0 {
            for &s in &state.segments {
                if !audience.segments.iter().any(|a| a == s) {
                    audience.segments.push(s.to_string());
                }
            }
            if let Some(e) = state.entry {
                for u in &e.users {
                    if !audience.users.contains(&u.value) {
                        audience.users.push(u.value.clone());
                    }
                }
            }
        }
        audience
    }
}

/// Whether a name (flag key, segment, environment, stage) follows the naming rule:
/// `^[a-z0-9]+([._-][a-z0-9]+)*$`, at most 64 characters.
pub fn is_valid_name(name: &str) -> bool {
    if name.is_empty() || name.len() > 64 {
        return false;
    }
    let mut prev_sep = true; // no separator first
    for c in name.bytes() {
        match c {
            b'a'..=b'z' | b'0'..=b'9' => prev_sep = false,
            b'.' | b'_' | b'-' if !prev_sep => prev_sep = true,
            _ => return false,
        }
    }
    !prev_sep
}

/// The rule, for messages.
pub const NAME_RULE: &str =
    "lowercase letters and digits, separated by single `.`, `_` or `-`, at most 64 characters";

/// The first document named `name`. The loader sorts every list by name, so a binary search
/// finds it (validation looks up a segment or environment for every reference of 10,000
/// flags); a model built by hand in another order still gets the linear scan.
fn find_sorted<'a, T>(docs: &'a [Doc<T>], name: &str) -> Option<&'a Doc<T>> {
    let i = docs.partition_point(|d| d.name.as_str() < name);
    match docs.get(i) {
        Some(d) if d.name == name && (i == 0 || docs[i - 1].name.as_str() < name) => Some(d),
        _ => docs.iter().find(|d| d.name == name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(names: &[&str]) -> Vec<Doc<()>> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| Doc {
                name: n.to_string(),
                path: format!("{n}-{i}"),
                source: String::new(),
                def: (),
            })
            .collect()
    }

    #[test]
    fn find_sorted_returns_the_first_match_sorted_or_not() {
        let sorted = docs(&["a", "b", "b", "c"]);
        assert_eq!(find_sorted(&sorted, "b").unwrap().path, "b-1");
        assert_eq!(find_sorted(&sorted, "c").unwrap().path, "c-3");
        assert!(find_sorted(&sorted, "bb").is_none());
        // Built by hand out of order: still found, by the scan.
        let unsorted = docs(&["c", "a", "b"]);
        for (name, path) in [("a", "a-1"), ("b", "b-2"), ("c", "c-0")] {
            assert_eq!(find_sorted(&unsorted, name).unwrap().path, path);
        }
    }

    #[test]
    fn names() {
        for ok in ["a", "new-dashboard", "v2.checkout_flow", "x1-2"] {
            assert!(is_valid_name(ok), "{ok}");
        }
        let long = "a".repeat(65);
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "A",
            "new dashboard",
            "a/b",
            "..",
            "é",
            long.as_str(),
        ] {
            assert!(!is_valid_name(bad), "{bad}");
        }
        assert!(is_valid_name(&"a".repeat(64)));
    }

    #[test]
    fn cumulative_audience() {
        let p = Pipeline::default_pipeline();
        assert_eq!(p.audience(0), Audience::default());
        assert_eq!(p.audience(2).segments, vec!["internal", "partners"]);
        assert_eq!(p.audience(2).rollout, 0.0);
        assert_eq!(p.audience(3).rollout, 100.0);
        assert_eq!(p.position("off"), Some(0));
        assert_eq!(p.position("everyone"), Some(3));
        assert_eq!(p.position("nope"), None);
    }
}
