//! `--branch NAME`: a change committed on another branch, leaving the current branch, the
//! index and the work tree alone.
//!
//! The change is planned and committed in a temporary linked worktree, detached at NAME's tip
//! (HEAD's commit when NAME is new) and filled with `git reset --hard` (no checkout hook
//! runs). So the commit is made exactly as on the current branch — same checks, signing and
//! hooks, which see a work tree and an index holding NAME's files plus the change — and the
//! branch is then moved to it with `git update-ref` against the tip the change was planned
//! from: a branch that moved meanwhile is refused, not overwritten. The worktree is removed
//! when the command ends, whatever happened.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use git2::Oid;

use super::commit::{git_command, git_output};
use super::{Git, GitError};

/// The branch a change goes to.
pub struct BranchTarget {
    /// The main work tree of the repository (where `git` runs).
    workdir: PathBuf,
    /// The flags root's folder inside the repository (`""` or `"path/"`).
    prefix: String,
    name: String,
    /// NAME's tip, or `None` when NAME is new.
    tip: Option<Oid>,
    /// The commit the change is planned from: NAME's tip, or HEAD's commit for a new NAME.
    base: Oid,
}

/// A temporary worktree at the base commit; removed when dropped.
pub struct Checkout {
    workdir: PathBuf,
    path: PathBuf,
    root: PathBuf,
    _dir: tempfile::TempDir,
}

impl Git {
    /// Checks `--branch NAME` and finds where the change starts from. Refuses an invalid
    /// name, a branch checked out in a worktree (the current one included: committing there
    /// is what leaving out `--branch` does) and a repository without a commit yet.
    pub fn branch_target(&self, name: &str) -> Result<BranchTarget> {
        if !git2::Branch::name_is_valid(name).unwrap_or(false) || name.starts_with('-') {
            return Err(GitError::BadBranchName {
                name: name.to_string(),
            }
            .into());
        }
        let workdir = self
            .repo
            .workdir()
            .ok_or_else(|| anyhow::anyhow!("the git repository has no work tree"))?
            .to_path_buf();
        let full = format!("refs/heads/{name}");
        let listing = git_output(&workdir, &["worktree", "list", "--porcelain"])?;
        let mut path = None;
        for line in listing.lines() {
            if let Some(p) = line.strip_prefix("worktree ") {
                path = Some(p.to_string());
            } else if line.strip_prefix("branch ") == Some(full.as_str()) {
                let at = path.clone().unwrap_or_default();
                let here = self
                    .repo
                    .workdir()
                    .and_then(|w| w.canonicalize().ok())
                    .is_some_and(|w| Path::new(&at).canonicalize().ok().as_ref() == Some(&w));
                return Err(GitError::BranchCheckedOut {
                    name: name.to_string(),
                    at: (!here).then_some(at),
                }
                .into());
            }
        }
        let tip = match self.repo.find_reference(&full) {
            Ok(r) => Some(
                r.peel_to_commit()
                    .with_context(|| format!("reading branch `{name}`"))?
                    .id(),
            ),
            Err(e) if e.code() == git2::ErrorCode::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("reading branch `{name}`")),
        };
        // Git keeps `refs/heads/a/b` as a file under a folder `a`: `a` and `a/b` cannot both
        // be branches, and `update-ref` would fail at the very end.
        if tip.is_none() {
            let mut clash = None;
            if let Ok(mut refs) = self.repo.references_glob(&format!("{full}/*")) {
                clash = refs.names().flatten().next().map(str::to_string);
            }
            let mut prefix = String::from("refs/heads");
            for part in name
                .split('/')
                .take(name.split('/').count().saturating_sub(1))
            {
                prefix.push('/');
                prefix.push_str(part);
                if clash.is_none() && self.repo.find_reference(&prefix).is_ok() {
                    clash = Some(prefix.clone());
                }
            }
            if let Some(other) = clash {
                return Err(GitError::BranchNameTaken {
                    name: name.to_string(),
                    other: other.trim_start_matches("refs/heads/").to_string(),
                }
                .into());
            }
        }
        let base = match tip {
            Some(t) => t,
            None => {
                self.head()?
                    .ok_or_else(|| GitError::NoBaseCommit {
                        name: name.to_string(),
                    })?
                    .0
            }
        };
        Ok(BranchTarget {
            workdir,
            prefix: self.prefix.clone(),
            name: name.to_string(),
            tip,
            base,
        })
    }
}

impl BranchTarget {
    /// The commit the change starts from, shortened, and whether it is NAME's own tip.
    pub fn tip_short(&self) -> String {
        let short = super::CommitId(self.base).short();
        match self.tip {
            Some(_) => short,
            None => format!("{short}, HEAD's commit: the branch is new"),
        }
    }

    /// Makes the temporary worktree at the base commit.
    pub fn checkout(&self) -> Result<Checkout> {
        let dir = tempfile::Builder::new()
            .prefix("flags-branch-")
            .tempdir()
            .context("creating a temporary directory")?;
        let path = dir.path().join("worktree");
        let path_arg = path.to_string_lossy().into_owned();
        git_output(
            &self.workdir,
            &[
                "worktree",
                "add",
                "--quiet",
                "--detach",
                "--no-checkout",
                &path_arg,
                &self.base.to_string(),
            ],
        )
        .context("creating a temporary worktree for `--branch`")?;
        let checkout = Checkout {
            workdir: self.workdir.clone(),
            root: path.join(self.prefix.trim_end_matches('/')),
            path,
            _dir: dir,
        };
        // Git LFS would download every large file of the branch: the change needs none.
        let out = git_command(&checkout.path)
            .args(["reset", "--quiet", "--hard"])
            .env("GIT_LFS_SKIP_SMUDGE", "1")
            .output()
            .context("running `git reset`")?;
        if !out.status.success() {
            return Err(GitError::WorktreeFill {
                why: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            }
            .into());
        }
        Ok(checkout)
    }

    /// Moves NAME to the commit made in `checkout`, if it is still at the tip the change was
    /// planned from (or still absent).
    pub fn advance(&self, checkout: &Checkout) -> Result<()> {
        // The worktree's HEAD, not the id the commit step returned: a `post-commit` hook that
        // amends moves it, as it would move the branch `git commit` committed on.
        let new = git_output(&checkout.path, &["rev-parse", "HEAD"])?;
        let old = self.tip.map_or_else(|| "0".repeat(40), |t| t.to_string());
        let full = format!("refs/heads/{}", self.name);
        let subject = git_output(&checkout.path, &["log", "-1", "--format=%s", "HEAD"])?;
        let reflog = if self.tip.is_some() {
            format!("commit: {subject}")
        } else {
            format!("branch: Created from {} by flags: {subject}", self.base)
        };
        let out = git_command(&self.workdir)
            .args(["update-ref", "-m", &reflog, &full, &new, &old])
            .output()
            .context("running `git update-ref`")?;
        if !out.status.success() {
            return Err(GitError::BranchMoved {
                name: self.name.clone(),
                why: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            }
            .into());
        }
        Ok(())
    }
}

impl Checkout {
    /// The flags root inside the temporary worktree.
    pub fn root(&self) -> PathBuf {
        self.root.clone()
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let path = self.path.to_string_lossy().into_owned();
        let _ = git_command(&self.workdir)
            .args(["worktree", "remove", "--force", &path])
            .output();
        let _ = git_command(&self.workdir)
            .args(["worktree", "prune"])
            .output();
    }
}
