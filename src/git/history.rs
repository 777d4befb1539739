//! One walk of git history for every flag at once.
//!
//! The walk follows first parents from HEAD (the mainline: a change is dated when it landed on
//! the branch, which is when it took effect, and a merge is one step rather than a detour
//! through a feature branch). For each commit it compares the tree id of the `flags/` folder
//! with the parent's and skips the commit when they are equal, which is most commits of an
//! application repository. Otherwise it diffs only that folder, parses the old and the new
//! version of each changed flag file (each blob once) and compares the stage of every
//! environment: a commit that only edits a comment or the description changes no stage and
//! is not a transition.
//!
//! Flags are identified by file stem, so moving a file between sub-folders (a delete and an
//! add of the same stem in one commit) is not mistaken for a new flag.
//!
//! Shallow clones: the oldest commit of a shallow clone has no parent, so its tree looks like it
//! added every file on that date, which is later than the truth. The walk recognises that
//! boundary and reports dates it cut off as [`Dated::OnOrBefore`] instead of a date.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;

use anyhow::{Context, Result};
use git2::{ObjectType, Oid, Repository, Tree};

use crate::date::Date;
use crate::repo::{OFF, parse_flag};

/// One stage change of one flag in one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// Full commit id.
    pub commit: String,
    /// Committer date (when the change landed on the branch).
    pub date: Date,
    pub author: String,
    pub flag: String,
    pub environment: String,
    pub from: String,
    pub to: String,
}

/// When something happened, as far as the available history tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dated {
    /// On this date: the commit that made the change is in the history.
    On(Date),
    /// Cut off by a shallow clone: already so on this date (the boundary commit's), exact date
    /// unknown.
    OnOrBefore(Date),
}

impl Dated {
    /// The exact date, if known.
    pub fn exact(self) -> Option<Date> {
        match self {
            Dated::On(d) => Some(d),
            Dated::OnOrBefore(_) => None,
        }
    }

    /// The latest the true date can be.
    pub fn latest(self) -> Date {
        match self {
            Dated::On(d) | Dated::OnOrBefore(d) => d,
        }
    }
}

/// What history says about one flag (by key).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlagHistory {
    /// The commit that added the flag's file (the latest time it was added, if it was ever
    /// deleted and re-added).
    pub added: Option<Dated>,
    /// Per environment, when the stage it has at HEAD was entered. An environment missing here
    /// has not changed since the file was added: use `added`.
    pub envs: BTreeMap<String, Dated>,
    /// The stages at HEAD as history saw them (environments not listed are `off`); `None` when
    /// the walk only reached the flag at a shallow boundary.
    pub head: Option<BTreeMap<String, String>>,
}

impl FlagHistory {
    /// When the environment entered its HEAD stage.
    pub fn env(&self, env: &str) -> Option<Dated> {
        self.envs.get(env).copied().or(self.added)
    }

    /// The flag's stage in an environment at HEAD, if history saw it.
    pub fn head_stage(&self, env: &str) -> Option<&str> {
        self.head
            .as_ref()
            .map(|h| h.get(env).map_or(OFF, String::as_str))
    }
}

/// What to collect.
#[derive(Debug, Default)]
pub struct WalkOptions {
    /// Collect every transition (for `flags log`); this walks the whole history.
    pub transitions: bool,
    /// Date these flags; when `transitions` is off the walk stops as soon as all are dated.
    pub date: HashSet<String>,
}

/// The result of one walk.
#[derive(Debug, Default)]
pub struct History {
    /// Newest first.
    pub transitions: Vec<Transition>,
    pub flags: HashMap<String, FlagHistory>,
    /// The repository is a shallow clone and the walk reached its boundary.
    pub shallow_boundary: Option<Date>,
    /// The repository is a shallow clone (whether or not the walk reached the boundary).
    pub shallow: bool,
    /// Commits looked at.
    pub commits: usize,
}

type Stages = Rc<BTreeMap<String, String>>;

/// Walks first-parent history from HEAD for the flags root at `root_rel` (relative to the work
/// tree, `/`-separated, `""` for the top). An unborn HEAD gives an empty history.
pub fn walk(repo: &Repository, root_rel: &str, opts: &WalkOptions) -> Result<History> {
    let mut history = History {
        shallow: repo.is_shallow(),
        ..History::default()
    };
    let head = match repo.head() {
        Ok(h) => h.peel_to_commit().context("reading HEAD")?,
        Err(e)
            if matches!(
                e.code(),
                git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
            ) =>
        {
            return Ok(history);
        }
        Err(e) => return Err(e).context("reading HEAD"),
    };
    let flags_path = if root_rel.is_empty() {
        "flags".to_string()
    } else {
        format!("{root_rel}/flags")
    };
    let shallow_roots = if history.shallow {
        shallow_roots(repo)
    } else {
        HashSet::new()
    };

    let mut walker = Walker {
        repo,
        cache: HashMap::new(),
        opts,
        pending: opts.date.len(),
        history: &mut history,
    };
    let mut commit = head;
    let mut tree = subtree(&commit.tree()?, &flags_path);
    loop {
        walker.history.commits += 1;
        let parent = if shallow_roots.contains(&commit.id()) {
            None
        } else {
            commit.parent(0).ok()
        };
        let date = Date::from_unix(commit.time().seconds());
        if parent.is_none() && (commit.parent_count() > 0 || shallow_roots.contains(&commit.id())) {
            walker.boundary(tree, date)?;
            break;
        }
        let parent_tree = match &parent {
            Some(p) => subtree(&p.tree()?, &flags_path),
            None => None,
        };
        if tree != parent_tree {
            walker.commit(&commit, date, parent_tree, tree)?;
        }
        if !opts.transitions && walker.pending == 0 {
            break;
        }
        match parent {
            Some(p) => {
                commit = p;
                tree = parent_tree;
            }
            None => break,
        }
    }
    Ok(history)
}

struct Walker<'a> {
    repo: &'a Repository,
    /// Parsed stages per blob: each version of a file is parsed once (`None`: unparsable).
    cache: HashMap<Oid, Option<Stages>>,
    opts: &'a WalkOptions,
    /// Flags to date that are not dated yet.
    pending: usize,
    history: &'a mut History,
}

impl Walker<'_> {
    fn stages(&mut self, oid: Oid) -> Option<Stages> {
        if let Some(s) = self.cache.get(&oid) {
            return s.clone();
        }
        let parsed = self.repo.find_blob(oid).ok().and_then(|blob| {
            let text = std::str::from_utf8(blob.content()).ok()?;
            let def = parse_flag(text).ok()?;
            let map: BTreeMap<String, String> = def
                .environments
                .value
                .0
                .iter()
                .map(|(k, v)| (k.value.clone(), v.value.stage.value.clone()))
                .collect();
            Some(Rc::new(map))
        });
        self.cache.insert(oid, parsed.clone());
        parsed
    }

    fn wanted(&self, key: &str) -> bool {
        self.opts.date.contains(key)
            && self
                .history
                .flags
                .get(key)
                .is_none_or(|f| f.added.is_none())
    }

    fn commit(
        &mut self,
        commit: &git2::Commit,
        date: Date,
        old: Option<Oid>,
        new: Option<Oid>,
    ) -> Result<()> {
        let mut changes: BTreeMap<String, (Option<Oid>, Option<Oid>)> = BTreeMap::new();
        diff_trees(self.repo, old, new, &mut changes)?;
        let author = String::from_utf8_lossy(commit.author().name_bytes()).into_owned();
        for (key, (old, new)) in changes {
            let wanted = self.wanted(&key);
            if !self.opts.transitions && !wanted {
                continue;
            }
            let Some(new) = new else { continue }; // a removal is not a stage change
            let Some(new_stages) = self.stages(new) else {
                continue;
            };
            let old_stages = match old {
                Some(o) => match self.stages(o) {
                    Some(s) => Some(s),
                    None => continue, // unparsable old version: nothing to compare with
                },
                None => None,
            };
            let stage = |s: &Option<Stages>, env: &str| -> String {
                s.as_ref()
                    .and_then(|m| m.get(env).cloned())
                    .unwrap_or_else(|| OFF.to_string())
            };
            let mut envs: Vec<&String> = new_stages.keys().collect();
            if let Some(o) = &old_stages {
                envs.extend(o.keys().filter(|k| !new_stages.contains_key(*k)));
            }
            let mut moved = Vec::new();
            for env in envs {
                let from = stage(&old_stages, env);
                let to = new_stages
                    .get(env)
                    .cloned()
                    .unwrap_or_else(|| OFF.to_string());
                if from != to {
                    moved.push(env.clone());
                    if self.opts.transitions {
                        self.history.transitions.push(Transition {
                            commit: commit.id().to_string(),
                            date,
                            author: author.clone(),
                            flag: key.clone(),
                            environment: env.clone(),
                            from,
                            to,
                        });
                    }
                }
            }
            if wanted {
                let entry = self.history.flags.entry(key.clone()).or_default();
                if entry.head.is_none() {
                    entry.head = Some((*new_stages).clone());
                }
                for env in moved {
                    entry.envs.entry(env).or_insert(Dated::On(date));
                }
                if old_stages.is_none() {
                    entry.added = Some(Dated::On(date));
                    self.pending = self.pending.saturating_sub(1);
                }
            }
        }
        Ok(())
    }

    /// The oldest commit of a shallow clone: whatever is still undated was already so then.
    fn boundary(&mut self, tree: Option<Oid>, date: Date) -> Result<()> {
        self.history.shallow_boundary = Some(date);
        let mut present: BTreeMap<String, (Option<Oid>, Option<Oid>)> = BTreeMap::new();
        diff_trees(self.repo, None, tree, &mut present)?;
        for key in present.into_keys() {
            if self.wanted(&key) {
                let entry = self.history.flags.entry(key).or_default();
                entry.added = Some(Dated::OnOrBefore(date));
                self.pending = self.pending.saturating_sub(1);
            }
        }
        Ok(())
    }
}

/// The id of the tree at `path` inside `tree`, if there is one.
fn subtree(tree: &Tree, path: &str) -> Option<Oid> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    (entry.kind() == Some(ObjectType::Tree)).then(|| entry.id())
}

/// Changed `.yaml` files between two versions of the flags folder, by file stem: (old blob,
/// new blob). Sub-trees with equal ids are skipped without being read.
fn diff_trees(
    repo: &Repository,
    old: Option<Oid>,
    new: Option<Oid>,
    out: &mut BTreeMap<String, (Option<Oid>, Option<Oid>)>,
) -> Result<()> {
    if old == new {
        return Ok(());
    }
    let read = |id: Option<Oid>| -> Result<Vec<(String, Oid, Option<ObjectType>)>> {
        let Some(id) = id else { return Ok(Vec::new()) };
        let tree = repo
            .find_tree(id)
            .with_context(|| format!("reading tree {id}"))?;
        Ok(tree
            .iter()
            .map(|e| {
                (
                    String::from_utf8_lossy(e.name_bytes()).into_owned(),
                    e.id(),
                    e.kind(),
                )
            })
            .collect())
    };
    let old_entries = read(old)?;
    let new_entries = read(new)?;
    let mut old_by_name: HashMap<&str, (Oid, Option<ObjectType>)> = old_entries
        .iter()
        .map(|(n, id, k)| (n.as_str(), (*id, *k)))
        .collect();
    let mut record = |name: &str, o: Option<Oid>, n: Option<Oid>| {
        if let Some(stem) = name.strip_suffix(".yaml") {
            let slot = out.entry(stem.to_string()).or_insert((None, None));
            slot.0 = slot.0.or(o);
            slot.1 = slot.1.or(n);
        }
    };
    let mut subdirs: Vec<(Option<Oid>, Option<Oid>)> = Vec::new();
    for (name, id, kind) in &new_entries {
        let before = old_by_name.remove(name.as_str());
        match kind {
            Some(ObjectType::Tree) => match before {
                Some((oid, Some(ObjectType::Tree))) => subdirs.push((Some(oid), Some(*id))),
                Some((oid, Some(ObjectType::Blob))) => {
                    record(name, Some(oid), None);
                    subdirs.push((None, Some(*id)));
                }
                _ => subdirs.push((None, Some(*id))),
            },
            Some(ObjectType::Blob) => match before {
                Some((oid, Some(ObjectType::Blob))) if oid == *id => {}
                Some((oid, Some(ObjectType::Blob))) => record(name, Some(oid), Some(*id)),
                Some((oid, Some(ObjectType::Tree))) => {
                    subdirs.push((Some(oid), None));
                    record(name, None, Some(*id));
                }
                _ => record(name, None, Some(*id)),
            },
            _ => {}
        }
    }
    for (name, (id, kind)) in old_by_name {
        match kind {
            Some(ObjectType::Tree) => subdirs.push((Some(id), None)),
            Some(ObjectType::Blob) => record(name, Some(id), None),
            _ => {}
        }
    }
    for (o, n) in subdirs {
        diff_trees(repo, o, n, out)?;
    }
    Ok(())
}

/// The boundary commits of a shallow clone (`.git/shallow`).
fn shallow_roots(repo: &Repository) -> HashSet<Oid> {
    std::fs::read_to_string(repo.path().join("shallow"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| Oid::from_str(l.trim()).ok())
        .collect()
}
