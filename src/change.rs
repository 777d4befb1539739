//! A planned change to files under the flags root, and the transaction that writes it.
//!
//! A command plans [`FileChange`]s (pure: the bytes before and after). The [`Transaction`]
//! then verifies that every file is still as planned, writes each one atomically, and puts
//! every file back as it was when it is dropped without [`Transaction::keep`]: a failed write,
//! a refused commit or an early return all end the same way. [`Transaction::commit`]
//! publishes it through the git layer and keeps it once the commit exists (jj's "write the
//! operation, then publish it").

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::UserError;
use crate::escape::escape;
use crate::fsutil::atomic_write;
use crate::git::{CommitId, CommitLock, CommitOptions, Git, GitError, Touch};

/// One file to change, relative to the flags root. `old`/`new` are `None` for a file that
/// does not exist before/after: `(None, Some)` creates it, `(Some, None)` deletes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub rel: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl FileChange {
    /// What the commit does to the file.
    pub fn touch(&self) -> Touch {
        if self.new.is_some() {
            Touch::Write
        } else {
            Touch::Delete
        }
    }
}

/// Refuses a change that would replace a symbolic link with a copy of its target.
pub fn check_targets(root: &Path, changes: &[FileChange]) -> Result<()> {
    for c in changes {
        let path = root.join(&c.rel);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(UserError::new(format!(
                "`{}` is a symbolic link; replacing it would turn it into a copy",
                escape(&c.rel)
            ))
            .hint("edit the file it points to by hand, or replace the link with the file itself")
            .into());
        }
    }
    Ok(())
}

/// Files written under the flags root, put back as they were when dropped unless kept. Holds
/// the commit lock (if any) until then, so that no other `flags` run sees the files between
/// the write and the commit or the roll-back.
pub struct Transaction<'a> {
    root: &'a Path,
    changes: &'a [FileChange],
    /// Folders the write created (deepest last), removed again on roll-back.
    created: Vec<PathBuf>,
    kept: bool,
    _lock: Option<CommitLock>,
}

impl<'a> Transaction<'a> {
    /// Verifies that every file under `root` is still what the change was planned from (a
    /// plan made before the lock would otherwise undo another run's edit), then writes the
    /// changes. On an error nothing is left changed.
    pub fn write(
        root: &'a Path,
        changes: &'a [FileChange],
        lock: Option<CommitLock>,
    ) -> Result<Self> {
        for c in changes {
            let path = root.join(&c.rel);
            let now = match std::fs::read(&path) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(e).with_context(|| format!("reading `{}`", path.display())),
            };
            if now.as_deref() != c.old.as_deref().map(str::as_bytes) {
                return Err(UserError::new(format!(
                    "`{}` changed while the command ran (another `flags` or editor); nothing was changed",
                    escape(&c.rel)
                ))
                .hint("run the command again")
                .into());
            }
        }
        let mut tx = Transaction {
            root,
            changes,
            created: Vec::new(),
            kept: false,
            _lock: lock,
        };
        for c in changes {
            let path = root.join(&c.rel);
            match &c.new {
                Some(text) => {
                    if let Some(dir) = path.parent() {
                        tx.create_dir(dir)?;
                    }
                    atomic_write(&path, text.as_bytes())?;
                }
                None => std::fs::remove_file(&path)
                    .with_context(|| format!("removing `{}`", path.display()))?,
            }
        }
        Ok(tx)
    }

    /// Creates `dir` and its missing parents, remembering each one made.
    fn create_dir(&mut self, dir: &Path) -> Result<()> {
        let missing: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
            .map(Path::to_path_buf)
            .collect();
        std::fs::create_dir_all(dir).with_context(|| format!("creating `{}`", dir.display()))?;
        self.created.extend(missing.into_iter().rev());
        Ok(())
    }

    /// The change stands (it was committed, or it is only written): nothing is put back, and
    /// the lock is released.
    pub fn keep(mut self) {
        self.kept = true;
    }

    /// Publishes the written files: commits exactly them with `message` on top of `head` (as
    /// `git commit -- FILES` would) and keeps the change. When git refuses, every file is put
    /// back and the error says so with `undone`; when the commit was made but the index could
    /// not be refreshed, the files stay (they are what the commit holds).
    pub fn commit(
        self,
        git: &Git,
        message: &str,
        head: Option<CommitId>,
        options: CommitOptions,
        undone: &'static str,
    ) -> Result<CommitId> {
        let touched: Vec<(&str, Touch)> = self
            .changes
            .iter()
            .map(|c| (c.rel.as_str(), c.touch()))
            .collect();
        match git.commit(&touched, message, head, options) {
            Ok(id) => {
                self.keep();
                Ok(id)
            }
            // The commit exists and holds the files: keep them, whatever else failed.
            Err(e) if matches!(e.downcast_ref(), Some(GitError::IndexNotUpdated { .. })) => {
                self.keep();
                Err(e)
            }
            Err(e) => Err(e.context(undone)),
        }
    }
}

impl Drop for Transaction<'_> {
    /// Puts every file back as it was, then removes the folders the write created (best
    /// effort: the error that led here is what the user sees).
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        for c in self.changes {
            let path = self.root.join(&c.rel);
            match &c.old {
                Some(text) => {
                    let _ = atomic_write(&path, text.as_bytes());
                }
                None => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        for dir in self.created.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(rel: &str, old: Option<&str>, new: Option<&str>) -> FileChange {
        FileChange {
            rel: rel.into(),
            old: old.map(String::from),
            new: new.map(String::from),
        }
    }

    fn read(root: &Path, rel: &str) -> Option<String> {
        std::fs::read_to_string(root.join(rel)).ok()
    }

    #[test]
    fn dropped_without_keep_puts_everything_back() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.yaml"), "a\n").unwrap();
        std::fs::write(root.join("gone.yaml"), "g\n").unwrap();
        let changes = [
            change("a.yaml", Some("a\n"), Some("A\n")),
            change("gone.yaml", Some("g\n"), None),
            change("new/deep/n.yaml", None, Some("n\n")),
        ];
        let tx = Transaction::write(root, &changes, None).unwrap();
        assert_eq!(read(root, "a.yaml").as_deref(), Some("A\n"));
        assert_eq!(read(root, "gone.yaml"), None);
        assert_eq!(read(root, "new/deep/n.yaml").as_deref(), Some("n\n"));
        drop(tx);
        assert_eq!(read(root, "a.yaml").as_deref(), Some("a\n"));
        assert_eq!(read(root, "gone.yaml").as_deref(), Some("g\n"));
        assert!(!root.join("new").exists(), "created folders are removed");

        Transaction::write(root, &changes, None).unwrap().keep();
        assert_eq!(read(root, "a.yaml").as_deref(), Some("A\n"));
        assert_eq!(read(root, "new/deep/n.yaml").as_deref(), Some("n\n"));
    }

    #[test]
    fn a_file_changed_since_the_plan_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.yaml"), "a\n").unwrap();
        std::fs::write(root.join("b.yaml"), "edited\n").unwrap();
        let changes = [
            change("a.yaml", Some("a\n"), Some("A\n")),
            change("b.yaml", Some("b\n"), Some("B\n")),
        ];
        let err = Transaction::write(root, &changes, None).err().unwrap();
        assert_eq!(
            err.to_string(),
            "`b.yaml` changed while the command ran (another `flags` or editor); nothing was changed"
        );
        assert_eq!(read(root, "a.yaml").as_deref(), Some("a\n"));
        assert_eq!(read(root, "b.yaml").as_deref(), Some("edited\n"));
    }

    #[test]
    fn a_failed_write_puts_back_what_was_written_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.yaml"), "a\n").unwrap();
        // A file where the next change needs a folder: its write fails.
        std::fs::write(root.join("blocker"), "").unwrap();
        let changes = [
            change("a.yaml", Some("a\n"), Some("A\n")),
            change("blocker/x.yaml", None, Some("x\n")),
        ];
        assert!(Transaction::write(root, &changes, None).is_err());
        assert_eq!(read(root, "a.yaml").as_deref(), Some("a\n"));
    }
}
