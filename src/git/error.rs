//! Why the git layer refused or failed, as data.
//!
//! The git layer says what happened (HEAD moved, a file has uncommitted changes, a hook
//! rejected the commit); what the person should do about it depends on the command line they
//! typed (`--no-commit`, `--no-verify`, `--branch`), so the advice lives with the commands
//! (`commands::advice`). A refusal before anything was written says "nothing was changed"
//! (or "committed"); a failure of git itself carries git's own message.

use std::fmt;
use std::path::PathBuf;

use super::CommitId;
use crate::escape::escape;

/// A refusal or failure of the git layer. Reaches the user as `error: MESSAGE` with the
/// commands' advice as the hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// The `git` command is not on `PATH`.
    GitMissing,
    /// `git COMMAND` failed with this message.
    CommandFailed { command: String, message: String },
    /// Git has no author identity (`git var GIT_AUTHOR_IDENT` failed, for this reason).
    NoIdentity { why: String },
    /// Git cannot read its configuration.
    ConfigUnreadable { why: String },
    /// Another `flags` run held the commit lock (this file) for the whole wait.
    LockBusy { path: PathBuf },
    /// A merge, rebase, ... is in progress (the operation, as a person says it).
    InProgress { op: &'static str },
    /// The git index is locked by this file.
    IndexLocked { lock: PathBuf },
    /// A file to commit (relative to the flags root) has uncommitted changes; `from_cwd` is
    /// its path as a `git` command typed in the current directory takes it.
    Dirty { rel: String, from_cwd: String },
    /// HEAD is not where the change was planned from any more.
    HeadMoved,
    /// `git update-ref` refused to move HEAD's branch, for this reason.
    RefRefused { why: String },
    /// The commit exists but the index entries of its files could not be refreshed.
    IndexNotUpdated { commit: CommitId, why: String },
    /// A hook's exit status refused the commit (`status`: "exit 1", "killed by a signal").
    HookRejected { hook: String, status: String },
    /// The hooks left an empty commit message.
    EmptyMessage,
    /// `git commit-tree` failed (with git's message); `signing` when it was asked to sign.
    CommitFailed { why: String, signing: bool },
    /// A revision git does not know.
    UnknownRevision { rev: String, why: String },
    /// A `--branch` name git does not accept.
    BadBranchName { name: String },
    /// The branch is checked out in a worktree: this one (`at: None`) or another.
    BranchCheckedOut { name: String, at: Option<String> },
    /// A new branch whose name clashes with an existing one (`a` beside `a/b`).
    BranchNameTaken { name: String, other: String },
    /// A new branch, and no commit to start it from.
    NoBaseCommit { name: String },
    /// The temporary worktree of `--branch` could not be filled.
    WorktreeFill { why: String },
    /// The branch moved while the command ran.
    BranchMoved { name: String, why: String },
}

impl fmt::Display for GitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use GitError::*;
        match self {
            GitMissing => f.write_str(
                "the `git` command is needed to commit, and it is not on PATH; nothing was committed",
            ),
            CommandFailed { command, message } => write!(f, "`git {command}` failed: {message}"),
            NoIdentity { why } => write!(f, "git has no author identity to commit with ({why})"),
            ConfigUnreadable { why } => write!(f, "git cannot read its configuration: {why}"),
            LockBusy { path } => write!(
                f,
                "another `flags` command has held `{}` for 30 seconds; nothing was changed",
                path.display()
            ),
            InProgress { op } => write!(
                f,
                "{op} is in progress in the git repository; nothing was changed"
            ),
            IndexLocked { lock } => write!(
                f,
                "the git index is locked (`{}` exists); nothing was changed",
                lock.display()
            ),
            Dirty { rel, .. } => write!(f, "`{rel}` has uncommitted changes; nothing was changed"),
            HeadMoved => f.write_str(
                "HEAD moved while the command ran (another commit or checkout); nothing was committed",
            ),
            RefRefused { why } => write!(f, "git refused the commit: {why}"),
            IndexNotUpdated { commit, why } => write!(
                f,
                "committed {} but could not update the git index: {why}",
                commit.full()
            ),
            HookRejected { hook, status } => write!(
                f,
                "the `{hook}` hook rejected the commit ({status}); its output is above"
            ),
            EmptyMessage => f.write_str(
                "the commit message is empty after the hooks ran; nothing was committed",
            ),
            CommitFailed { why, .. } => write!(
                f,
                "git could not make the commit; nothing was committed:\n{why}"
            ),
            UnknownRevision { rev, why } => {
                write!(f, "unknown revision `{}`: {why}", escape(rev))
            }
            BadBranchName { name } => write!(
                f,
                "`{}` is not a valid branch name; nothing was changed",
                escape(name)
            ),
            BranchCheckedOut { name, at } => write!(
                f,
                "branch `{}` is checked out in {}; nothing was changed",
                escape(name),
                match at {
                    None => "this worktree".to_string(),
                    Some(at) => format!("the worktree `{}`", escape(at)),
                }
            ),
            BranchNameTaken { name, other } => write!(
                f,
                "branch `{}` cannot be made beside branch `{}` (git keeps one as a folder of the other); nothing was changed",
                escape(name),
                escape(other)
            ),
            NoBaseCommit { name } => write!(
                f,
                "branch `{}` does not exist and there is no commit to start it from; nothing was changed",
                escape(name)
            ),
            WorktreeFill { why } => write!(
                f,
                "could not fill the temporary worktree for `--branch`: {why}"
            ),
            BranchMoved { name, why } => write!(
                f,
                "branch `{}` moved while the command ran; nothing was committed on it ({why})",
                escape(name)
            ),
        }
    }
}

impl std::error::Error for GitError {}
