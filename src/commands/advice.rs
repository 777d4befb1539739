//! What to do about an error: the `hint:` line. A [`UserError`] carries its own; the git
//! layer's refusals ([`GitError`]) are facts, and the advice for them is written here, where
//! the command line they can point to (`--no-commit`, `--no-verify`, `--branch`) is known.

use crate::error::UserError;
use crate::escape::escape;
use crate::git::GitError;

/// The hint for `err`: the first [`UserError`]'s or [`GitError`]'s in its chain that has one.
pub(crate) fn hint(err: &anyhow::Error) -> Option<String> {
    err.chain().find_map(|e| {
        if let Some(user) = e.downcast_ref::<UserError>() {
            return user.hint.clone();
        }
        e.downcast_ref::<GitError>().and_then(for_git)
    })
}

/// The advice for a refusal of the git layer, if there is any to give.
fn for_git(err: &GitError) -> Option<String> {
    use GitError::*;
    const AGAIN: &str = "run the command again";
    const GIT_LOCK: &str =
        "another git command is running; wait for it, or remove the lock file if it crashed";
    Some(match err {
        GitMissing => "install git (https://git-scm.com/downloads), or pass `--no-commit` to only write the files".into(),
        NoIdentity { .. } => "set one: `git config user.name \"Your Name\"` and `git config user.email you@example.com`, or pass `--no-commit`".into(),
        LockBusy { .. } => "wait for it to finish, then run the command again".into(),
        InProgress { .. } => "finish or abort it first (e.g. `git merge --abort`), or pass `--no-commit` to only write the file".into(),
        IndexLocked { .. } => GIT_LOCK.into(),
        Dirty { from_cwd, .. } => format!(
            "commit or stash them first (`git stash push -- {from_cwd}`), or pass `--no-commit`"
        ),
        HeadMoved | BranchMoved { .. } => AGAIN.into(),
        // A `.lock` left by a killed git process is the usual cause.
        RefRefused { why } if why.contains(".lock") => GIT_LOCK.into(),
        IndexNotUpdated { .. } => {
            "run `git reset -q -- <file>` for the changed file to refresh its index entry".into()
        }
        HookRejected { hook, .. } if hook == "prepare-commit-msg" => {
            "fix what the hook reports".into()
        }
        HookRejected { .. } => "fix what the hook reports, or pass `--no-verify` to skip the `pre-commit` and `commit-msg` hooks".into(),
        EmptyMessage => "a `prepare-commit-msg` or `commit-msg` hook emptied it".into(),
        CommitFailed { signing: true, .. } => "git's configuration asks for signed commits (`commit.gpgsign`); fix the signing setup (`user.signingkey`, `gpg.format`, the signing program), or commit with `--no-commit` and `git commit` yourself".into(),
        UnknownRevision { .. } => "pass a branch, tag or commit, e.g. `origin/main`; in CI, fetch it first (GitHub Actions: `fetch-depth: 0` on actions/checkout)".into(),
        BadBranchName { .. } => "use a name git accepts, e.g. `flags/promote-new-dashboard` (see `git check-ref-format --branch`)".into(),
        BranchCheckedOut { at: None, .. } => {
            "leave out `--branch` to commit on the current branch".into()
        }
        BranchCheckedOut { at: Some(at), .. } => format!(
            "run the command in that worktree without `--branch` (`flags -C {} ...`), or pick another branch",
            escape(at)
        ),
        NoBaseCommit { .. } => "make a first commit, or leave out `--branch`".into(),
        // A name without `/` clashes with no other branch's folders.
        BranchNameTaken { name, .. } => format!(
            "pick another name for the branch, e.g. `{}-2`",
            escape(&name.replace('/', "-"))
        ),
        CommandFailed { .. }
        | ConfigUnreadable { .. }
        | RefRefused { .. }
        | CommitFailed { .. }
        | WorktreeFill { .. } => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first hint in the chain wins, whichever kind of error carries it; context added
    /// on top keeps it.
    #[test]
    fn hint_comes_from_the_first_error_in_the_chain_that_has_one() {
        let git = anyhow::Error::from(GitError::HeadMoved).context("on branch `x`");
        assert_eq!(hint(&git).as_deref(), Some("run the command again"));
        let silent = anyhow::Error::from(GitError::ConfigUnreadable { why: "bad".into() });
        assert_eq!(hint(&silent), None);
        let user = anyhow::Error::from(UserError::new("m").hint("h"));
        assert_eq!(hint(&user).as_deref(), Some("h"));
        let refused = GitError::RefRefused {
            why: "cannot lock ref 'HEAD': Unable to create '.git/HEAD.lock'".into(),
        };
        assert!(for_git(&refused).is_some_and(|h| h.starts_with("another git command")));
    }
}
