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
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use git2::{ObjectType, Oid, Repository, Tree};

use crate::date::Date;
use crate::repo::OFF;

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
pub(super) fn walk(repo: &Repository, root_rel: &str, opts: &WalkOptions) -> Result<History> {
    // Objects are addressed by their hash already; re-hashing every object read costs a
    // quarter of the walk and protects against nothing git itself has not checked.
    git2::opts::strict_hash_verification(false);
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

    let git_dir = repo.path().to_path_buf();
    let path: Vec<&str> = flags_path.split('/').collect();
    let head_id = head.id();
    let stop = AtomicBool::new(false);
    let pending = opts.date.len();
    let mut walker = Walker {
        repo,
        cache: HashMap::new(),
        opts,
        pending,
        history: &mut history,
    };
    // A pipeline of three stages, in order, newest first, so that the walk uses both cores:
    // a reader follows the first-parent chain and finds, per commit, the id of the flags
    // folder (what `git log -- <dir>` does); a differ lists the files changed where that id
    // changed; this thread parses the flag versions and dates the flags.
    let (tx, rx_diff) = std::sync::mpsc::sync_channel::<Vec<Step>>(64);
    let (tx_diff, rx) = std::sync::mpsc::sync_channel::<Vec<Step>>(64);
    let total = std::thread::scope(|scope| -> Result<usize> {
        let reader =
            scope.spawn(|| read_chain(&git_dir, head_id, &path, &shallow_roots, tx, &stop));
        let differ = scope.spawn(|| diff_chain(&git_dir, rx_diff, tx_diff, &stop));
        let mut result = Ok(None);
        'steps: for batch in &rx {
            for step in batch {
                let done = match step {
                    Step::Unchanged(n) => n,
                    Step::Changed {
                        n,
                        id,
                        date,
                        changes,
                        ..
                    } => {
                        if let Err(e) = walker.commit(id, date, changes) {
                            result = Err(e);
                            break 'steps;
                        }
                        n
                    }
                    Step::Boundary {
                        n, date, present, ..
                    } => {
                        if let Err(e) = walker.boundary(present, date) {
                            result = Err(e);
                            break 'steps;
                        }
                        n
                    }
                };
                if !opts.transitions && walker.pending == 0 {
                    result = Ok(Some(done));
                    break 'steps;
                }
            }
        }
        stop.store(true, Ordering::Relaxed);
        drop(rx); // the other stages stop at their next send
        let diffed = differ
            .join()
            .map_err(|_| anyhow::anyhow!("the history differ panicked"))?;
        let read = reader
            .join()
            .map_err(|_| anyhow::anyhow!("the history reader panicked"))?;
        diffed?;
        match result? {
            Some(n) => Ok(n),
            None => read,
        }
    })?;
    history.commits = total;
    Ok(history)
}

/// What the history reader found about one commit (`n`: its place in the walk, from 1).
enum Step {
    /// The flags folder is the same as in the parent.
    Unchanged(usize),
    /// The flags folder changed from `old` (the parent's) to `new`; `changes` is filled in by
    /// the differ.
    Changed {
        n: usize,
        id: Oid,
        date: Date,
        old: Option<Oid>,
        new: Option<Oid>,
        changes: Changes,
    },
    /// The oldest commit of a shallow clone (its parent is missing); `present` (its flag
    /// files) is filled in by the differ.
    Boundary {
        n: usize,
        tree: Option<Oid>,
        date: Date,
        present: Changes,
    },
}

/// Changed `.yaml` files by stem: (old blob, new blob).
type Changes = BTreeMap<String, (Option<Oid>, Option<Oid>)>;

/// The middle stage: diffs the flags folder of each changed commit, in order, with its own
/// repository handle (the older side of one diff is the newer side of the next, which
/// [`Trees`] keeps).
fn diff_chain(
    git_dir: &Path,
    rx: std::sync::mpsc::Receiver<Vec<Step>>,
    tx: std::sync::mpsc::SyncSender<Vec<Step>>,
    stop: &AtomicBool,
) -> Result<()> {
    let repo = Repository::open(git_dir).context("opening the repository")?;
    let mut trees = Trees::new(&repo)?;
    for mut batch in rx {
        for step in &mut batch {
            match step {
                Step::Unchanged(_) => {}
                Step::Changed {
                    old, new, changes, ..
                } => {
                    diff_trees(&mut trees, *old, *new, changes, 0)?;
                    trees.advance();
                }
                Step::Boundary { tree, present, .. } => {
                    diff_trees(&mut trees, None, *tree, present, 0)?;
                }
            }
        }
        if stop.load(Ordering::Relaxed) || tx.send(batch).is_err() {
            break;
        }
    }
    Ok(())
}

/// The fields of a raw commit object the walk needs.
struct RawCommit {
    tree: Oid,
    first_parent: Option<Oid>,
    parents: usize,
    /// Committer time (when the commit landed), in seconds since the epoch.
    time: i64,
}

fn read_commit(odb: &git2::Odb, id: Oid) -> Result<RawCommit> {
    let obj = odb
        .read(id)
        .with_context(|| format!("reading commit {id}"))?;
    if obj.kind() != ObjectType::Commit {
        anyhow::bail!("object {id} is not a commit");
    }
    parse_commit(obj.data())
        .with_context(|| format!("reading commit {id}: malformed commit object"))
}

/// Parses the header of a raw commit: `tree`, `parent` lines, and the committer's time.
fn parse_commit(data: &[u8]) -> Result<RawCommit> {
    let hex = |s: &[u8]| -> Result<Oid> {
        Ok(Oid::from_str(std::str::from_utf8(
            s.get(..40).unwrap_or(s),
        )?)?)
    };
    let (mut tree, mut first_parent, mut parents, mut time) = (None, None, 0, None);
    for line in data.split(|&b| b == b'\n') {
        if line.is_empty() {
            break; // the message follows
        }
        if let Some(rest) = line.strip_prefix(b"tree ") {
            tree = Some(hex(rest)?);
        } else if let Some(rest) = line.strip_prefix(b"parent ") {
            if parents == 0 {
                first_parent = Some(hex(rest)?);
            }
            parents += 1;
        } else if let Some(rest) = line.strip_prefix(b"committer ") {
            // `Name <email> SECONDS TZ`: the time is the second field from the end.
            let mut fields = rest.rsplit(|&b| b == b' ');
            let _tz = fields.next();
            time = fields
                .next()
                .and_then(|t| std::str::from_utf8(t).ok()?.parse::<i64>().ok());
        }
    }
    Ok(RawCommit {
        tree: tree.ok_or_else(|| anyhow::anyhow!("no tree"))?,
        first_parent,
        parents,
        time: time.unwrap_or(0),
    })
}

/// The id of the sub-tree at `path` inside a tree, read from raw tree objects. `memo` holds,
/// per depth, the last tree id seen there and what it led to: consecutive commits mostly
/// share everything below the top, so most lookups read one tree.
fn subtree_raw(
    odb: &git2::Odb,
    tree: Oid,
    path: &[&str],
    memo: &mut [Option<(Oid, Option<Oid>)>],
) -> Result<Option<Oid>> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(Some(tree));
    };
    if let Some((id, found)) = memo[0]
        && id == tree
    {
        return Ok(found);
    }
    let obj = odb
        .read(tree)
        .with_context(|| format!("reading tree {tree}"))?;
    if obj.kind() != ObjectType::Tree {
        anyhow::bail!("object {tree} is not a tree");
    }
    let child = raw_entries(obj.data())?
        .into_iter()
        .find(|e| e.kind == EntryKind::Tree && e.name == first.as_bytes())
        .map(|e| e.id);
    let found = match child {
        Some(c) => subtree_raw(odb, c, rest, &mut memo[1..])?,
        None => None,
    };
    memo[0] = Some((tree, found));
    Ok(found)
}

/// Follows first parents from `head` and sends, in batches and in order, what changed in the
/// flags folder at `path`; stops at the root, at a shallow boundary, when `stop` is set or
/// when the receiver is gone. Returns the number of commits looked at.
fn read_chain(
    git_dir: &Path,
    head: Oid,
    path: &[&str],
    shallow_roots: &HashSet<Oid>,
    tx: std::sync::mpsc::SyncSender<Vec<Step>>,
    stop: &AtomicBool,
) -> Result<usize> {
    let repo = Repository::open(git_dir).context("opening the repository")?;
    let odb = repo.odb().context("opening the object database")?;
    let mut memo = vec![None; path.len()];
    let mut batch = Vec::with_capacity(256);
    let mut id = head;
    let mut commit = read_commit(&odb, head).context("reading HEAD")?;
    let mut tree = subtree_raw(&odb, commit.tree, path, &mut memo)?;
    let mut n = 0;
    loop {
        n += 1;
        let shallow_root = shallow_roots.contains(&id);
        let parent = match commit.first_parent {
            Some(p) if !shallow_root => read_commit(&odb, p).ok().map(|c| (p, c)),
            _ => None,
        };
        let date = Date::from_unix(commit.time);
        if parent.is_none() && (commit.parents > 0 || shallow_root) {
            batch.push(Step::Boundary {
                n,
                tree,
                date,
                present: Changes::new(),
            });
            break;
        }
        let parent_tree = match &parent {
            Some((_, c)) => subtree_raw(&odb, c.tree, path, &mut memo)?,
            None => None,
        };
        batch.push(if tree != parent_tree {
            Step::Changed {
                n,
                id,
                date,
                old: parent_tree,
                new: tree,
                changes: Changes::new(),
            }
        } else {
            Step::Unchanged(n)
        });
        if batch.len() == 256 {
            if stop.load(Ordering::Relaxed) || tx.send(std::mem::take(&mut batch)).is_err() {
                return Ok(n);
            }
            batch.reserve(256);
        }
        match parent {
            Some((p, c)) => {
                id = p;
                commit = c;
                tree = parent_tree;
            }
            None => break,
        }
    }
    let _ = tx.send(batch);
    Ok(n)
}

/// The keys (file stems) of the flags at HEAD: what a walk that dates every current flag
/// wants. Lists trees only, reads no file.
pub(super) fn flags_at_head(repo: &Repository, root_rel: &str) -> Result<HashSet<String>> {
    let tree = match repo.head().and_then(|h| h.peel_to_tree()) {
        Ok(t) => t,
        Err(_) => return Ok(HashSet::new()), // unborn: nothing to date
    };
    let mut stems = BTreeMap::new();
    diff_trees(
        &mut Trees::new(repo)?,
        None,
        subtree(&tree, &flags_dir(root_rel)),
        &mut stems,
        0,
    )?;
    Ok(stems.into_keys().collect())
}

fn flags_dir(root_rel: &str) -> String {
    if root_rel.is_empty() {
        "flags".to_string()
    } else {
        format!("{root_rel}/flags")
    }
}

struct Walker<'a, 'r> {
    repo: &'r Repository,
    /// Parsed stages per blob: each version of a file is parsed once (`None`: unparsable).
    cache: HashMap<Oid, Option<Stages>>,
    opts: &'a WalkOptions,
    /// Flags to date that are not dated yet.
    pending: usize,
    history: &'a mut History,
}

impl Walker<'_, '_> {
    fn stages(&mut self, oid: Oid) -> Option<Stages> {
        if let Some(s) = self.cache.get(&oid) {
            return s.clone();
        }
        let parsed = self.repo.find_blob(oid).ok().and_then(|blob| {
            let text = std::str::from_utf8(blob.content()).ok()?;
            parse_stages(text).map(Rc::new)
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

    /// One commit that changed the flags folder, with its changed files (see [`diff_trees`]).
    fn commit(&mut self, id: Oid, date: Date, changes: Changes) -> Result<()> {
        // The author is read only when a transition is recorded, once per commit.
        let mut author: Option<String> = None;
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
                        if author.is_none() {
                            let commit = self
                                .repo
                                .find_commit(id)
                                .with_context(|| format!("reading commit {id}"))?;
                            author = Some(
                                String::from_utf8_lossy(commit.author().name_bytes()).into_owned(),
                            );
                        }
                        self.history.transitions.push(Transition {
                            commit: id.to_string(),
                            date,
                            author: author.clone().unwrap_or_default(),
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
    /// `present`: the flag files of the boundary commit (a diff from nothing).
    fn boundary(&mut self, present: Changes, date: Date) -> Result<()> {
        self.history.shallow_boundary = Some(date);
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

/// The stage per environment of one version of a flag file; `None` when it is not YAML.
///
/// Reads only `environments` and each entry's stage (a version from history may be invalid in
/// other ways, or older than today's format; the stages are what the walk compares), which
/// costs a fraction of the full, located parse.
pub(crate) fn parse_stages(text: &str) -> Option<BTreeMap<String, String>> {
    if let Some(stages) = quick_stages(text) {
        return Some(stages);
    }
    parse_stages_yaml(text)
}

/// The stages of a file in the plain layout that `flags` and people write (column-0 keys,
/// `environments:` entries indented by two, long-form fields by four, bare lowercase names),
/// without a YAML parser; `None` for anything else, which then gets the full parse. Every value
/// accepted here is one YAML reads as the same plain string.
fn quick_stages(text: &str) -> Option<BTreeMap<String, String>> {
    fn word(s: &str) -> Option<&str> {
        let ok = s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'))
            // YAML 1.1 booleans and nulls read as something else (`off` reads as false, which
            // the full parse also takes for `off`).
            && !matches!(s, "y" | "yes" | "n" | "no" | "on" | "true" | "false" | "null");
        ok.then_some(s)
    }
    if text.contains(['\r', '\t']) || text.starts_with('\u{feff}') {
        return None;
    }
    let mut stages = BTreeMap::new();
    let (mut in_envs, mut seen_envs, mut seen_key) = (false, false, false);
    // The top-level key's value is on its line and is no block scalar: an indented line
    // after it continues a plain scalar (or is an error), which only the parser reads right.
    let mut inline_value = false;
    // Inside a long-form environment entry (its fields are indented by four).
    let mut in_entry = false;
    let mut current: Option<&str> = None; // a long-form entry waiting for its `stage`
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        match indent {
            0 => {
                if current.is_some() {
                    return None;
                }
                let (key, value) = line.split_once(':')?;
                if key.is_empty()
                    || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                    || line.starts_with("---")
                {
                    return None;
                }
                // A quoted or flow value that goes on over more lines could hide a line that
                // looks like a key; leave those files to the parser.
                let value = value.trim();
                let closed = |open: char, close: char| {
                    !value.starts_with(open)
                        || (value.len() > 1 && value.ends_with(close) && !value.ends_with("\\\""))
                };
                if !(closed('"', '"') && closed('\'', '\'') && closed('[', ']') && closed('{', '}'))
                {
                    return None;
                }
                seen_key = true;
                in_entry = false;
                let value_text = value.split(" #").next().unwrap_or("").trim();
                inline_value = !value_text.is_empty()
                    && !value_text.starts_with('|')
                    && !value_text.starts_with('>');
                in_envs = key == "environments";
                if in_envs {
                    if seen_envs || line != "environments:" {
                        return None;
                    }
                    seen_envs = true;
                }
            }
            2 if in_envs => {
                if current.is_some() {
                    return None;
                }
                let (name, value) = trimmed.split_once(':')?;
                let name = word(name)?;
                in_entry = false;
                match value.strip_prefix(' ') {
                    Some(v) => {
                        stages.insert(name.to_string(), word(v)?.to_string());
                    }
                    None if value.is_empty() => {
                        current = Some(name);
                        in_entry = true;
                    }
                    None => return None,
                }
            }
            4 if in_envs && in_entry => {
                let (key, value) = trimmed.split_once(": ")?;
                match key {
                    "stage" => {
                        let name = current.take()?;
                        stages.insert(name.to_string(), word(value)?.to_string());
                    }
                    "since" | "segments" => {}
                    _ => return None,
                }
            }
            _ if in_envs => return None,
            _ if inline_value || !seen_key => return None,
            _ => {} // inside another top-level value
        }
    }
    // A file without a key (empty, or only comments) is no mapping: the decoder says so.
    if current.is_some() || !seen_key {
        return None;
    }
    Some(stages)
}

/// The decoder's stages-only view: the one reader of the flag format.
fn parse_stages_yaml(text: &str) -> Option<BTreeMap<String, String>> {
    crate::repo::parse_stages(text)
}

/// The id of the tree at `path` inside `tree`, if there is one.
fn subtree(tree: &Tree, path: &str) -> Option<Oid> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    (entry.kind() == Some(ObjectType::Tree)).then(|| entry.id())
}

/// Changed `.yaml` files between two versions of the flags folder, by file stem: (old blob,
/// new blob). Sub-trees with equal ids are skipped without being read; entries are merged in
/// git's own sort order, so nothing is allocated for the unchanged ones.
fn diff_trees(
    trees: &mut Trees<'_>,
    old: Option<Oid>,
    new: Option<Oid>,
    out: &mut Changes,
    depth: usize,
) -> Result<()> {
    // Sub-folders deeper than the loader reads (32 levels) hold no flags it would see, and a
    // crafted deep tree must not exhaust the stack.
    if old == new || depth > 32 {
        return Ok(());
    }
    let old_tree = old.map(|id| trees.get(id)).transpose()?;
    let new_tree = new.map(|id| trees.get(id)).transpose()?;
    // Both versions usually differ in one or two entries of hundreds: the entries wholly
    // inside their common leading bytes are equal (same bytes, same boundaries), so the merge
    // starts after them.
    let skip = match (&old_tree, &new_tree) {
        (Some(a), Some(b)) => equal_entries_len(a, b),
        _ => 0,
    };
    let old_entries = match &old_tree {
        Some(t) => raw_entries(&t[skip..])?,
        None => Vec::new(),
    };
    let new_entries = match &new_tree {
        Some(t) => raw_entries(&t[skip..])?,
        None => Vec::new(),
    };
    let mut subdirs: Vec<(Option<Oid>, Option<Oid>)> = Vec::new();
    type Out = BTreeMap<String, (Option<Oid>, Option<Oid>)>;
    fn record(
        e: &RawEntry,
        is_old: bool,
        subdirs: &mut Vec<(Option<Oid>, Option<Oid>)>,
        out: &mut Out,
    ) {
        match e.kind {
            EntryKind::Tree => subdirs.push(if is_old {
                (Some(e.id), None)
            } else {
                (None, Some(e.id))
            }),
            EntryKind::File => {
                if let Some(stem) = e.name.strip_suffix(b".yaml") {
                    let slot = out
                        .entry(String::from_utf8_lossy(stem).into_owned())
                        .or_insert((None, None));
                    if is_old {
                        slot.0 = slot.0.or(Some(e.id));
                    } else {
                        slot.1 = slot.1.or(Some(e.id));
                    }
                }
            }
            EntryKind::Other => {}
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < old_entries.len() || j < new_entries.len() {
        let order = match (old_entries.get(i), new_entries.get(j)) {
            (Some(a), Some(b)) => git_order(a, b),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                record(&old_entries[i], true, &mut subdirs, out);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                record(&new_entries[j], false, &mut subdirs, out);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                let (a, b) = (&old_entries[i], &new_entries[j]);
                if a.id != b.id || a.kind != b.kind {
                    if a.kind == EntryKind::Tree && b.kind == EntryKind::Tree {
                        subdirs.push((Some(a.id), Some(b.id)));
                    } else {
                        record(a, true, &mut subdirs, out);
                        record(b, false, &mut subdirs, out);
                    }
                }
                i += 1;
                j += 1;
            }
        }
    }
    for (o, n) in subdirs {
        diff_trees(trees, o, n, out, depth + 1)?;
    }
    Ok(())
}

/// The trees read for the previous and the current commit: the older side of one diff is the
/// newer side of the next, so each version of a folder is read and parsed once (libgit2's own
/// cache evicts at random once full, which a 20,000-commit walk reaches).
struct Trees<'r> {
    odb: git2::Odb<'r>,
    prev: HashMap<Oid, Rc<[u8]>>,
    cur: HashMap<Oid, Rc<[u8]>>,
}

impl<'r> Trees<'r> {
    fn new(repo: &'r Repository) -> Result<Self> {
        Ok(Trees {
            odb: repo.odb().context("opening the object database")?,
            prev: HashMap::new(),
            cur: HashMap::new(),
        })
    }

    /// A tree's raw bytes (read straight from the object database: the diff walks the raw
    /// entries, cheaper than having libgit2 build and cache an entry table for each version).
    fn get(&mut self, id: Oid) -> Result<Rc<[u8]>> {
        if let Some(t) = self.cur.get(&id).or_else(|| self.prev.get(&id)) {
            return Ok(t.clone());
        }
        let obj = self
            .odb
            .read(id)
            .with_context(|| format!("reading tree {id}"))?;
        if obj.kind() != ObjectType::Tree {
            anyhow::bail!("object {id} is not a tree");
        }
        let data: Rc<[u8]> = Rc::from(obj.data());
        self.cur.insert(id, data.clone());
        Ok(data)
    }

    /// Moves on to the next (older) commit: keep what this one read, forget the one before.
    fn advance(&mut self) {
        self.prev = std::mem::take(&mut self.cur);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Tree,
    File,
    /// Symbolic links and submodules: never a flag file.
    Other,
}

struct RawEntry<'a> {
    kind: EntryKind,
    name: &'a [u8],
    id: Oid,
}

/// The length of the leading entries two raw trees have byte for byte in common.
fn equal_entries_len(a: &[u8], b: &[u8]) -> usize {
    let common = a
        .chunks(32)
        .zip(b.chunks(32))
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len())
        .sum::<usize>();
    let common = common
        + a[common.min(a.len())..]
            .iter()
            .zip(&b[common.min(b.len())..])
            .take_while(|(x, y)| x == y)
            .count();
    let mut at = 0;
    while let Some(nul) = memchr::memchr(0, &a[at..]) {
        let end = at + nul + 21;
        if end > common {
            break;
        }
        at = end;
    }
    at
}

/// The entries of a raw tree object: `<octal mode> <name>\0<20-byte id>`, in git's order.
fn raw_entries(data: &[u8]) -> Result<Vec<RawEntry<'_>>> {
    let bad = || anyhow::anyhow!("malformed tree object");
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let space = memchr::memchr(b' ', rest).ok_or_else(bad)?;
        let mode = &rest[..space];
        let nul = memchr::memchr(0, &rest[space + 1..]).ok_or_else(bad)? + space + 1;
        let name = &rest[space + 1..nul];
        let id = rest.get(nul + 1..nul + 21).ok_or_else(bad)?;
        let kind = match mode {
            b"40000" | b"040000" => EntryKind::Tree,
            b"100644" | b"100755" | b"100664" | b"100640" => EntryKind::File,
            _ => EntryKind::Other,
        };
        out.push(RawEntry {
            kind,
            name,
            id: Oid::from_bytes(id)?,
        });
        rest = &rest[nul + 21..];
    }
    Ok(out)
}

/// Git sorts tree entries by name, a directory as if its name ended in `/`; the same name as
/// a file and as a directory sort apart, which the merge then treats as a removal and an add.
fn git_order(a: &RawEntry, b: &RawEntry) -> std::cmp::Ordering {
    fn key<'a>(e: &RawEntry<'a>) -> impl Iterator<Item = u8> + 'a {
        let dir = e.kind == EntryKind::Tree;
        e.name.iter().copied().chain(dir.then_some(b'/'))
    }
    // Fast path: names that differ before either ends need no suffix.
    match a.name.iter().zip(b.name).find(|(x, y)| x != y) {
        Some((x, y)) => x.cmp(y),
        None if a.name.len() == b.name.len()
            && (a.kind == EntryKind::Tree) == (b.kind == EntryKind::Tree) =>
        {
            std::cmp::Ordering::Equal
        }
        None => key(a).cmp(key(b)),
    }
}

/// The boundary commits of a shallow clone (`.git/shallow`).
fn shallow_roots(repo: &Repository) -> HashSet<Oid> {
    std::fs::read_to_string(repo.path().join("shallow"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| Oid::from_str(l.trim()).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_of_both_forms() {
        let text = "# c\ndescription: d\nowner: o\ntype: release\nextra: tolerated\nenvironments:\n  development: everyone\n  staging:\n    stage: partners\n    since: 2026-01-01\n  production: off\n";
        let got = parse_stages(text).unwrap();
        let want: BTreeMap<String, String> = [
            ("development", "everyone"),
            ("production", "off"),
            ("staging", "partners"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(got, want);
        assert_eq!(parse_stages("description: d\n").unwrap(), BTreeMap::new());
        assert!(parse_stages("environments: [").is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The quick reader is only an optimisation of the one reader: on files assembled
        /// from the line shapes that trip it up (block scalars, open quotes, flow values,
        /// odd indents, tabs, anchors, YAML 1.1 words, repeated keys), whatever the decoder
        /// reads, the quick reader reads the same or leaves to it. (On a version that is no
        /// valid YAML, the decoder reads nothing; the quick reader declines the usual shapes
        /// of that too, but may still read a plain `environments` block beside broken YAML
        /// in another field, which is what that version meant.)
        #[test]
        fn quick_path_never_disagrees_with_the_decoder(
            picks in proptest::collection::vec(0usize..LINES.len(), 0..14)
        ) {
            let text: String = picks.iter().map(|&i| format!("{}\n", LINES[i])).collect();
            let full = parse_stages_yaml(&text);
            if let (Some(quick), Some(_)) = (quick_stages(&text), &full) {
                proptest::prop_assert_eq!(Some(quick), full, "{}", text);
            }
        }
    }

    const LINES: &[&str] = &[
        "environments:",
        "environments:",
        "environments: {a: b}",
        "environments: []",
        "environments:   # c",
        "  staging: internal",
        "  production: everyone",
        "  dev: off",
        "  dev: no",
        "  dev: on",
        "  dev: null",
        "  dev: 12",
        "  dev: \"everyone\"",
        "  dev: everyone # c",
        "  dev: everyone#c",
        "  dev: a.b-c_d",
        "  Dev: internal",
        "  a.b: c",
        "  production:",
        "  staging:",
        "    stage: partners",
        "    stage: \"partners\"",
        "    stage: off",
        "    stage:",
        "    since: 2026-01-01",
        "    segments: [beta]",
        "    segments:",
        "      - beta",
        "    schedule:",
        "      - {stage: everyone, at: 2026-01-01T00:00:00Z}",
        "    serve: {a: 50, b: 50}",
        "    users: [u1]",
        "   odd: indent",
        "     deeper: x",
        "\tstage: tab",
        "description: d",
        "description: |",
        "description: >-",
        "  literal line",
        "  staging: internal",
        "description: \"open",
        "  x\"",
        "description: 'it''s",
        "  y'",
        "description: [a,",
        "  b]",
        "description: {a: 1,",
        "  b: 2}",
        "owner: o",
        "type: release",
        "default: off",
        "variants:",
        "  on: true",
        "# comment",
        "",
        "  # indented comment",
        "---",
        "...",
        "  staging: &a internal",
        "  prod: *a",
        "<<: {environments: {x: y}}",
        "? environments",
        ": {x: y}",
        "environments: !!map",
        "  staging: !!str internal",
    ];

    #[test]
    fn quick_path_agrees_with_yaml_or_declines() {
        let cases = [
            "description: d\nenvironments:\n  development: everyone\n  production:\n    stage: partners\n    since: 2026-01-01\n    segments: [beta]\n",
            "environments:\n  production: off\n",
            "environments:\n  production: no\n",
            "environments:\n  production: \"everyone\"\n",
            "environments:\n  production: everyone # note\n",
            "environments:\n  production:\n    since: 2026-01-01\n    stage: internal\n",
            "environments:\n  production:\n",
            "environments: {production: everyone}\n",
            "environments:\n    production: everyone\n",
            "description: |\n  environments:\n  x: y\nenvironments:\n  staging: internal\n",
            "environments:\n  staging: internal\nenvironments:\n  staging: everyone\n",
            "environments:\n  staging: 12\n",
            "environments:\n  staging: &a internal\n  production: *a\n",
            "description: \"a\nenvironments:\n  b\"\nenvironments:\n  staging: internal\n",
            "environments:\n  staging:\n    stage: internal\n  production: everyone\n",
            "description: \"a\nenvironments:\n  staging: internal\"\n",
            "description: 'it''s\nenvironments:\n  staging: internal'\n",
            "description: \"it's \\\"quoted\\\"\"\nenvironments:\n  staging: internal\n",
        ];
        for text in cases {
            if let Some(quick) = quick_stages(text) {
                assert_eq!(Some(quick), parse_stages_yaml(text), "{text}");
            }
        }
        // The common layouts take the quick path.
        assert!(quick_stages(cases[0]).is_some());
        assert!(quick_stages(cases[1]).is_some());
        assert!(quick_stages(cases[5]).is_some());
        assert!(quick_stages(cases[14]).is_some());
        assert!(quick_stages(cases[2]).is_none());
        assert!(quick_stages(cases[12]).is_none());
        assert!(quick_stages(cases[15]).is_none());
        assert!(quick_stages(cases[16]).is_none());
        assert_eq!(quick_stages(cases[17]).map(|s| s.len()), Some(1));
    }
}
