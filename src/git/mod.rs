//! Git: the enclosing repository of a flags root, safety checks before a change, commits of
//! exactly the touched files, and flags repositories read from a revision's tree.
//!
//! The only module (with its children) that imports git2. The flags root may be a folder
//! inside an application's repository: paths given to this module are relative to the flags
//! root and mapped to repository paths here.

pub mod branch;
pub mod commit;
pub mod discover;
mod error;
pub mod history;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use git2::{ErrorCode, FileMode, ObjectType, Oid, Repository, RepositoryState, Status};

pub use commit::{CommitOptions, Touch};
pub use error::GitError;

/// A commit's id, as the commands hold it (they never name libgit2's types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommitId(Oid);

impl CommitId {
    /// The full hexadecimal id.
    pub fn full(&self) -> String {
        self.0.to_string()
    }

    /// The first seven hexadecimal digits, as `git log --oneline` shows them.
    pub fn short(&self) -> String {
        self.0.to_string().chars().take(7).collect()
    }
}

impl std::fmt::Display for CommitId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

use crate::problem::Problem;
use crate::repo::{Repo, SETTINGS_FILE};

/// The git repository enclosing a flags root.
pub struct Git {
    repo: Repository,
    /// The flags root's folder inside the repository: `""` or `"path/to/root/"`.
    prefix: String,
    /// The author identity the last check found, for the commit that follows it.
    ident: std::cell::RefCell<Option<commit::Ident>>,
}

/// Held while `flags` checks, writes and commits; see [`Git::lock`]. Dropping it (or the
/// process ending) releases the lock.
pub struct CommitLock {
    _file: std::fs::File,
}

impl Git {
    /// Opens the repository that encloses `root` (the flags root), or `None` outside git.
    /// A bare repository or one without a work tree counts as outside.
    pub fn discover(root: &Path) -> Result<Option<Git>> {
        let repo = match Repository::discover(root) {
            Ok(r) => r,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(e).context("opening the git repository"),
        };
        let Some(workdir) = repo.workdir() else {
            return Ok(None);
        };
        let workdir = std::fs::canonicalize(workdir).unwrap_or_else(|_| workdir.to_path_buf());
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let Ok(rel) = root.strip_prefix(&workdir) else {
            return Ok(None);
        };
        let mut prefix = String::new();
        for c in rel.components() {
            prefix.push_str(&c.as_os_str().to_string_lossy());
            prefix.push('/');
        }
        Ok(Some(Git {
            repo,
            prefix,
            ident: std::cell::RefCell::new(None),
        }))
    }

    /// The repository path of a file given relative to the flags root.
    pub fn repo_path(&self, rel: &str) -> String {
        format!("{}{rel}", self.prefix)
    }

    /// A repository path as a path from the current directory (what a `git` command typed
    /// there takes), or the repository path itself when the current directory is elsewhere.
    fn path_from_cwd(&self, repo_path: &str) -> String {
        let cwd = std::env::current_dir().and_then(|d| d.canonicalize());
        let top = self.repo.workdir().map(|w| w.canonicalize());
        match (cwd, top) {
            (Ok(cwd), Some(Ok(top))) if cwd.starts_with(&top) => {
                discover::relative(&cwd, &top.join(repo_path))
            }
            _ => repo_path.to_string(),
        }
    }

    /// The flags root's folder inside the repository (`""` at the top).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The commit HEAD points at; `None` on an unborn branch (no commit yet).
    pub fn head(&self) -> Result<Option<CommitId>> {
        match self.repo.head() {
            Ok(h) => Ok(Some(CommitId(
                h.peel_to_commit().context("reading HEAD")?.id(),
            ))),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
            Err(e) => Err(e).context("reading HEAD"),
        }
    }

    /// Takes the exclusive lock that `flags` holds from its last checks to the end of its
    /// commit, so that concurrent `flags` runs on one repository queue instead of racing
    /// (two commits from the same HEAD, one index write undoing another). It is an advisory
    /// `flock` on `flags.lock` in the git directory, released when the process ends, even
    /// by SIGKILL: a crash never leaves it held. The file itself stays and is harmless.
    /// Waits up to 30 seconds for another run, then refuses.
    pub fn lock(&self) -> Result<CommitLock> {
        let path = self.repo.commondir().join("flags.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("opening `{}`", path.display()))?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(CommitLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) => {
                    if std::time::Instant::now() > deadline {
                        return Err(GitError::LockBusy { path }.into());
                    }
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("locking `{}`", path.display()));
                }
            }
        }
    }

    /// Refuses (as a [`GitError`]) when a commit of `files` (relative to the flags root)
    /// must not happen: an operation in progress, a locked index, uncommitted changes in one
    /// of the files, or no author identity. Touches nothing.
    pub fn preflight(&self, files: &[&str]) -> Result<()> {
        let state = match self.repo.state() {
            RepositoryState::Clean => None,
            RepositoryState::Merge => Some("a merge"),
            RepositoryState::Revert | RepositoryState::RevertSequence => Some("a revert"),
            RepositoryState::CherryPick | RepositoryState::CherryPickSequence => {
                Some("a cherry-pick")
            }
            RepositoryState::Bisect => Some("a bisect"),
            RepositoryState::Rebase
            | RepositoryState::RebaseInteractive
            | RepositoryState::RebaseMerge => Some("a rebase"),
            RepositoryState::ApplyMailbox | RepositoryState::ApplyMailboxOrRebase => {
                Some("`git am`")
            }
        };
        if let Some(op) = state {
            return Err(GitError::InProgress { op }.into());
        }
        let lock = self.repo.path().join("index.lock");
        if lock.exists() {
            return Err(GitError::IndexLocked { lock }.into());
        }
        // On an unborn branch every file is untracked: the first commit takes them as they are.
        let unborn = self.head()?.is_none();
        for rel in files {
            let path = self.repo_path(rel);
            let status = match self.repo.status_file(Path::new(&path)) {
                Ok(s) => s,
                Err(e) if e.code() == ErrorCode::NotFound => Status::CURRENT,
                Err(e) => {
                    return Err(e).with_context(|| format!("reading the git status of `{path}`"));
                }
            };
            if !(status.is_empty()
                || status == Status::IGNORED
                || unborn && status == Status::WT_NEW)
            {
                return Err(GitError::Dirty {
                    rel: rel.to_string(),
                    from_cwd: self.path_from_cwd(&path),
                }
                .into());
            }
        }
        let ident = self.ident()?;
        *self.ident.borrow_mut() = Some(ident);
        Ok(())
    }

    /// Loads the flags repository as it was at `rev` (any revision git understands), from
    /// the same folder of the tree as the flags root. Files parse exactly as from disk; a
    /// revision where the flags root does not exist yet gives an empty repository.
    pub fn load_at(&self, rev: &str, root: &Path) -> Result<Repo> {
        let commit = self
            .repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| GitError::UnknownRevision {
                rev: rev.to_string(),
                why: e.message().to_string(),
            })?;
        let tree = commit.tree().context("reading the revision's tree")?;
        let sub = if self.prefix.is_empty() {
            Some(tree)
        } else {
            match tree.get_path(Path::new(self.prefix.trim_end_matches('/'))) {
                Ok(entry) if entry.kind() == Some(ObjectType::Tree) => {
                    Some(self.repo.find_tree(entry.id())?)
                }
                _ => None,
            }
        };
        let root: PathBuf = root.to_path_buf();
        let Some(sub) = sub else {
            return Ok(crate::repo::load_from_sources(
                root,
                None,
                Vec::new(),
                Vec::new(),
            ));
        };
        let mut problems = Vec::new();
        let settings = sub
            .get_name(SETTINGS_FILE)
            .map(|e| self.blob_text(&e, SETTINGS_FILE));
        let mut files = Vec::new();
        for (dir, recursive) in crate::repo::FOLDERS {
            let Some(entry) = sub.get_name(dir) else {
                continue;
            };
            if entry.kind() == Some(ObjectType::Tree) {
                let t = self.repo.find_tree(entry.id())?;
                self.walk_tree(&t, dir, recursive, 0, &mut files, &mut problems)?;
            } else {
                problems.push(crate::repo::not_a_folder(dir));
            }
        }
        // As on disk: a folder named close to one that is read, holding `.yaml` files.
        for entry in sub.iter() {
            if entry.kind() != Some(ObjectType::Tree) {
                continue;
            }
            let Ok(name) = entry.name() else { continue };
            if let Some(p) = crate::repo::misnamed_folder(name)
                && self.tree_holds_yaml(&entry)?
            {
                problems.push(p);
            }
        }
        Ok(crate::repo::load_from_sources(
            root, settings, files, problems,
        ))
    }

    fn blob_text(&self, entry: &git2::TreeEntry<'_>, rel: &str) -> Result<String, Problem> {
        if entry.filemode() == i32::from(FileMode::Link) {
            return Err(Problem::error(
                rel,
                None,
                "symbolic link is not followed in a git revision; replace it with the file itself",
            ));
        }
        let blob = self.repo.find_blob(entry.id()).map_err(|e| {
            Problem::error(
                rel,
                None,
                format!("cannot read file from git: {}", e.message()),
            )
        })?;
        // An oversized blob is refused before it is copied.
        if blob.size() as u64 > crate::repo::MAX_FILE_BYTES {
            return Err(crate::repo::too_large(rel));
        }
        crate::repo::check_bytes(blob.content().to_vec(), rel)
    }

    /// Whether the tree `entry` names directly holds a `.yaml` file.
    fn tree_holds_yaml(&self, entry: &git2::TreeEntry<'_>) -> Result<bool> {
        let tree = self.repo.find_tree(entry.id())?;
        Ok(tree.iter().any(|e| {
            e.kind() == Some(ObjectType::Blob) && e.name().is_ok_and(|n| n.ends_with(".yaml"))
        }))
    }

    fn walk_tree(
        &self,
        tree: &git2::Tree<'_>,
        rel_dir: &str,
        recursive: bool,
        depth: usize,
        files: &mut Vec<(String, Result<String, Problem>)>,
        problems: &mut Vec<Problem>,
    ) -> Result<()> {
        for entry in tree.iter() {
            let Ok(name) = entry.name() else { continue };
            if name.starts_with('.') {
                continue;
            }
            let rel = format!("{rel_dir}/{name}");
            match entry.kind() {
                Some(ObjectType::Tree) if recursive && depth < 32 => {
                    let t = self.repo.find_tree(entry.id())?;
                    self.walk_tree(&t, &rel, recursive, depth + 1, files, problems)?;
                }
                Some(ObjectType::Tree) if !recursive && self.tree_holds_yaml(&entry)? => {
                    problems.push(crate::repo::ignored_sub_folder(&rel));
                }
                Some(ObjectType::Blob) if name.ends_with(".yaml") => {
                    let text = self.blob_text(&entry, &rel);
                    files.push((rel, text));
                }
                Some(ObjectType::Blob) if name.ends_with(".yml") => {
                    problems.push(Problem::warning(
                        &rel,
                        None,
                        "ignored: only `.yaml` files are read; rename it to `.yaml`",
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// The git repository that holds a flags root, for reading its history: the commands hold
/// this handle, never libgit2's repository.
pub struct Located {
    repo: git2::Repository,
    /// The work tree's top folder.
    pub workdir: PathBuf,
    /// The flags root relative to the work tree, with `/` separators.
    root_rel: String,
}

impl Located {
    /// Walks the history of the flags root (`history::walk`).
    pub fn walk(&self, opts: &history::WalkOptions) -> Result<history::History> {
        history::walk(&self.repo, &self.root_rel, opts)
    }

    /// The keys of the flags at HEAD (`history::flags_at_head`).
    pub fn flags_at_head(&self) -> Result<std::collections::HashSet<String>> {
        history::flags_at_head(&self.repo, &self.root_rel)
    }
}

/// Opens the git repository enclosing `root`, if any (a bare repository has no work tree and
/// counts as none).
pub fn locate(root: &Path) -> Option<Located> {
    let git = Git::discover(root).ok()??;
    let workdir = git.repo.workdir()?.canonicalize().ok()?;
    let root_rel = git.prefix.trim_end_matches('/').to_string();
    Some(Located {
        repo: git.repo,
        workdir,
        root_rel,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_with_commit(dir: &Path) -> Repository {
        let repo = Repository::init(dir).unwrap();
        let mut cfg = repo.config().unwrap();
        cfg.set_str("user.name", "T").unwrap();
        cfg.set_str("user.email", "t@example.com").unwrap();
        std::fs::write(dir.join("a.yaml"), "a: 1\n").unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new("a.yaml")).unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = repo.signature().unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "init", &tree, &[])
            .unwrap();
        drop(tree);
        repo
    }

    #[test]
    fn commit_refuses_when_head_moved() {
        let dir = tempfile::tempdir().unwrap();
        let raw = repo_with_commit(dir.path());
        let git = Git::discover(dir.path()).unwrap().unwrap();
        let stale = git.head().unwrap();
        // Someone else commits in between.
        let head = raw.head().unwrap().peel_to_commit().unwrap();
        let sig = raw.signature().unwrap();
        raw.commit(
            Some("HEAD"),
            &sig,
            &sig,
            "other",
            &head.tree().unwrap(),
            &[&head],
        )
        .unwrap();
        std::fs::write(dir.path().join("a.yaml"), "a: 2\n").unwrap();
        let err = git
            .commit(
                &[("a.yaml", Touch::Write)],
                "flags: x",
                stale,
                CommitOptions::default(),
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "HEAD moved while the command ran (another commit or checkout); nothing was committed"
        );
        let tip = raw.head().unwrap().peel_to_commit().unwrap();
        assert_eq!(tip.message(), Ok("other"));
    }

    #[test]
    fn commit_of_a_deletion_and_the_prefix_of_a_sub_folder_root() {
        let dir = tempfile::tempdir().unwrap();
        let raw = repo_with_commit(dir.path());
        std::fs::create_dir_all(dir.path().join("ops/flags")).unwrap();
        let git = Git::discover(&dir.path().join("ops/flags"))
            .unwrap()
            .unwrap();
        assert_eq!(git.prefix(), "ops/flags/");
        let top = Git::discover(dir.path()).unwrap().unwrap();
        std::fs::remove_file(dir.path().join("a.yaml")).unwrap();
        let head = top.head().unwrap();
        top.commit(
            &[("a.yaml", Touch::Delete)],
            "flags: remove a",
            head,
            CommitOptions::default(),
        )
        .unwrap();
        let tree = raw.head().unwrap().peel_to_tree().unwrap();
        assert_eq!(tree.len(), 0);
        let fresh = Repository::open(dir.path()).unwrap();
        assert!(
            fresh
                .index()
                .unwrap()
                .get_path(Path::new("a.yaml"), 0)
                .is_none()
        );
    }
}

#[cfg(test)]
mod tree_tests {
    use super::*;

    /// A revision's tree loads exactly like the same files on disk.
    #[test]
    fn load_at_matches_loading_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ops/flags");
        let files = [
            (
                "flags.yaml",
                "pipeline:\n  - stage: a\n  - stage: b\n    rollout: 100\n",
            ),
            ("environments/prod.yaml", "after: dev\n"),
            ("environments/dev.yaml", ""),
            ("segments/s.yaml", "users: [x]\n"),
            (
                "flags/t/one.yaml",
                "description: \"1\"\nowner: o\ntype: release\nenvironments:\n  prod: a  # c\r\n",
            ),
            ("flags/two.yaml", "description: [\n"),
            ("flags/ignored.yml", "x: 1\n"),
            ("segments/team/beta.yaml", "users: [x]\n"),
            ("flag/lost.yaml", "description: d\n"),
            ("docs/notes.yaml", "a: 1\n"),
        ];
        for (rel, text) in files {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let repo = Repository::init(dir.path()).unwrap();
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::now("T", "t@example.com").unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "init", &tree, &[])
            .unwrap();

        let git = Git::discover(&root).unwrap().unwrap();
        let disk = Repo::load(&root);
        let at = git.load_at("HEAD", &disk.root).unwrap();
        let summary = |r: &Repo| {
            (
                r.flags
                    .iter()
                    .map(|f| (f.name.clone(), f.path.clone(), f.source.clone()))
                    .collect::<Vec<_>>(),
                r.environments
                    .iter()
                    .map(|e| (e.name.clone(), e.source.clone()))
                    .collect::<Vec<_>>(),
                r.segments
                    .iter()
                    .map(|e| e.name.clone())
                    .collect::<Vec<_>>(),
                r.pipeline
                    .names()
                    .into_iter()
                    .map(String::from)
                    .collect::<Vec<_>>(),
                {
                    let mut p = r.load_problems.clone();
                    crate::problem::sort(&mut p);
                    p
                },
            )
        };
        assert_eq!(summary(&at), summary(&disk));
        assert_eq!(at.flags.len(), 1);
        assert_eq!(at.load_problems.len(), 4, "{:?}", at.load_problems);
        // A revision without the flags root is an empty repository, not an error.
        let empty_tree = repo
            .find_tree(repo.treebuilder(None).unwrap().write().unwrap())
            .unwrap();
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "empty", &empty_tree, &[&head])
            .unwrap();
        let empty = git.load_at("HEAD", &disk.root).unwrap();
        assert!(
            empty.flags.is_empty()
                && empty.environments.is_empty()
                && empty.load_problems.is_empty()
        );
        assert!(git.load_at("HEAD~1", &disk.root).unwrap().flags.len() == 1);
    }
}
