//! The commit step: the commit `git commit -- FILES` would make, made with the `git` command.
//!
//! The tree is built with libgit2 from HEAD's tree plus exactly the touched files; a
//! temporary index holding that tree is what the hooks see (`GIT_INDEX_FILE`, as `git commit
//! -- FILES` does with its own temporary index). The commit object itself is written by `git
//! commit-tree`, so signing is git's own code with git's own configuration (`commit.gpgsign`,
//! `gpg.format` openpgp/ssh/x509, `user.signingkey`, `gpg.program`, `gpg.ssh.program`, ...),
//! and HEAD's branch is moved by `git update-ref` with the expected old value, so a commit or
//! checkout made meanwhile is refused instead of overwritten. Hooks (`pre-commit`,
//! `prepare-commit-msg`, `commit-msg`, `post-commit`) are found where git finds them
//! (`core.hooksPath` or the hooks folder) and run as git runs them: from the top of the work
//! tree, with git's arguments and `GIT_INDEX_FILE`, `GIT_EDITOR=:`, `GIT_PREFIX` and the
//! author identity in the environment.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use git2::{FileMode, Oid};

use super::{CommitId, Git, GitError};

/// What a commit did to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touch {
    /// Written (created or changed): commit its current worktree content.
    Write,
    /// Deleted: remove it from the commit's tree.
    Delete,
}

/// How to commit.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommitOptions {
    /// Skip the `pre-commit` and `commit-msg` hooks (`git commit --no-verify`).
    pub no_verify: bool,
}

/// The `git` command, run in the work tree with the caller's environment.
pub(crate) fn git_command(workdir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(workdir).stdin(Stdio::null());
    cmd
}

/// Runs `git ARGS` in `workdir` and returns its standard output (trimmed), or an error with
/// git's own message.
pub(crate) fn git_output(workdir: &Path, args: &[&str]) -> Result<String> {
    let out = git_command(workdir)
        .args(args)
        .output()
        .map_err(not_found)?;
    if !out.status.success() {
        return Err(GitError::CommandFailed {
            command: args.first().copied().unwrap_or_default().to_string(),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        }
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

/// The error for a `git` command that could not be started.
fn not_found(e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        GitError::GitMissing.into()
    } else {
        anyhow::Error::from(e).context("running `git`")
    }
}

/// The author identity git would use (`git var GIT_AUTHOR_IDENT`): name, email and date.
pub(crate) struct Ident {
    name: String,
    email: String,
    date: String,
}

impl Git {
    fn workdir(&self) -> Result<&Path> {
        self.repo
            .workdir()
            .ok_or_else(|| anyhow::anyhow!("the git repository has no work tree"))
    }

    /// The author identity git commits with; refuses (nothing changed yet) when git has none.
    pub(crate) fn ident(&self) -> Result<Ident> {
        let out = git_command(self.workdir()?)
            .args(["var", "GIT_AUTHOR_IDENT"])
            .output()
            .map_err(not_found)?;
        let text = String::from_utf8_lossy(&out.stdout);
        let parsed = text.trim_end().rsplit_once("> ").and_then(|(who, date)| {
            let (name, email) = who.split_once(" <")?;
            Some(Ident {
                name: name.to_string(),
                email: email.to_string(),
                date: format!("@{date}"),
            })
        });
        match parsed {
            Some(ident) if out.status.success() => Ok(ident),
            _ => {
                let why = String::from_utf8_lossy(&out.stderr);
                let why = why
                    .lines()
                    .rfind(|l| l.starts_with("fatal:"))
                    .unwrap_or("git var GIT_AUTHOR_IDENT failed")
                    .trim_start_matches("fatal: ");
                Err(GitError::NoIdentity {
                    why: why.to_string(),
                }
                .into())
            }
        }
    }

    /// Commits exactly `files` (relative to the flags root) as they are now in the work
    /// tree, on top of `expected_head`, as `git commit -- FILES` would (signed, hooks run),
    /// then refreshes only their index entries: every other staged or unstaged change stays
    /// as it was. Fails, committing nothing, when HEAD is no longer `expected_head`, when a
    /// hook rejects the commit or when signing fails. Returns the new commit.
    pub fn commit(
        &self,
        files: &[(&str, Touch)],
        message: &str,
        expected_head: Option<CommitId>,
        options: CommitOptions,
    ) -> Result<CommitId> {
        let expected_head = expected_head.map(|c| c.0);
        let workdir = self.workdir()?.to_path_buf();
        // The identity the last check found (taken just before, after any question), else now.
        let ident = match self.ident.borrow_mut().take() {
            Some(i) => i,
            None => self.ident()?,
        };
        let settings = self.commit_settings(&workdir)?;
        let hooks = settings.hooks;
        let hctx = HookCtx {
            workdir: &workdir,
            ident: &ident,
            hooks,
            sign: settings.sign,
        };
        if self.head()?.map(|c| c.0) != expected_head {
            return Err(GitError::HeadMoved.into());
        }
        let parent = match expected_head {
            Some(oid) => Some(self.repo.find_commit(oid).context("reading HEAD")?),
            None => None,
        };
        let base_tree = match &parent {
            Some(c) => c.tree().context("reading HEAD's tree")?,
            None => {
                let empty = self.repo.treebuilder(None)?.write()?;
                self.repo.find_tree(empty)?
            }
        };
        let mut index = self.repo.index().context("reading the git index")?;
        index.read(false).context("reading the git index")?; // pick up changes made since it was cached
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (rel, touch) in files {
            let path = self.repo_path(rel);
            match touch {
                Touch::Write => {
                    // `add_path` hashes the file as git would (filters, mode) into the
                    // in-memory index; the index is only written after the commit exists.
                    index
                        .add_path(Path::new(&path))
                        .with_context(|| format!("adding `{path}` to git"))?;
                    let entry = index.get_path(Path::new(&path), 0).ok_or_else(|| {
                        anyhow::anyhow!("`{path}` is missing from the git index after adding it")
                    })?;
                    let mode = if entry.mode == u32::from(FileMode::BlobExecutable) {
                        FileMode::BlobExecutable
                    } else {
                        FileMode::Blob
                    };
                    update.upsert(path.as_str(), entry.id, mode);
                }
                Touch::Delete => {
                    let _ = index.remove_path(Path::new(&path));
                    update.remove(path.as_str());
                }
            }
        }
        let result = (|| -> Result<Oid> {
            let tree_id = update
                .create_updated(&self.repo, &base_tree)
                .context("building the commit tree")?;
            let subject = message.lines().next().unwrap_or_default();
            let oid = self.publish(&hctx, tree_id, expected_head, message, options)?;
            // Move HEAD's branch (or a detached HEAD) only if it is still where the change
            // was planned: git's compare-and-swap closes the window since the check above.
            let old = expected_head.map_or_else(|| "0".repeat(40), |o| o.to_string());
            let reflog = if expected_head.is_some() {
                format!("commit: {subject}")
            } else {
                format!("commit (initial): {subject}")
            };
            let out = git_command(&workdir)
                .args(["update-ref", "-m", &reflog, "HEAD", &oid.to_string(), &old])
                .output()
                .map_err(not_found)?;
            if !out.status.success() {
                if self.head()?.map(|c| c.0) != expected_head {
                    return Err(GitError::HeadMoved.into());
                }
                let why = String::from_utf8_lossy(&out.stderr);
                let why = why.trim().trim_start_matches("fatal: ").to_string();
                return Err(GitError::RefRefused { why }.into());
            }
            Ok(oid)
        })();
        let oid = match result {
            Ok(oid) => oid,
            Err(e) => {
                let _ = index.read(true); // drop the in-memory additions
                return Err(e);
            }
        };
        index.write().map_err(|e| GitError::IndexNotUpdated {
            commit: CommitId(oid),
            why: e.message().to_string(),
        })?;
        // `post-commit` runs even with `--no-verify`, as in git; its exit status is ignored.
        let real_index = self.repo.path().join("index");
        let _ = self.run_hook(&hctx, "post-commit", &[], &real_index);
        Ok(CommitId(oid))
    }

    /// Runs the hooks on a temporary index holding `tree` and writes the commit object with
    /// `git commit-tree` (signed when git's configuration asks for it). Moves no reference.
    fn publish(
        &self,
        hctx: &HookCtx<'_>,
        tree: Oid,
        parent: Option<Oid>,
        message: &str,
        options: CommitOptions,
    ) -> Result<Oid> {
        let (workdir, ident) = (hctx.workdir, hctx.ident);
        let runs = |name: &str| Self::hook_path(&hctx.hooks, name).is_some();
        let (pre_commit, prepare, commit_msg) = (
            !options.no_verify && runs("pre-commit"),
            runs("prepare-commit-msg"),
            !options.no_verify && runs("commit-msg"),
        );
        let mut tree = tree;
        let mut text = message.to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        // Without hooks to run nothing reads an index or a message file: skip making them
        // (a large repository's index costs more than the rest of the commit).
        if pre_commit || prepare || commit_msg {
            // The index the hooks see: exactly HEAD plus the change, like `git commit --
            // FILES`. It lives outside the git directory: a killed run leaves nothing there.
            let tmp_dir = tempfile::Builder::new()
                .prefix("flags-index-")
                .tempdir()
                .context("creating a temporary directory for the index")?;
            let tmp_index = TempPath(tmp_dir.path().join("index"));
            {
                let tree = self.repo.find_tree(tree)?;
                let mut idx =
                    git2::Index::open(&tmp_index.0).context("creating a temporary git index")?;
                idx.read_tree(&tree)
                    .context("filling the temporary git index")?;
                idx.write().context("writing the temporary git index")?;
            }
            if pre_commit {
                self.run_hook(hctx, "pre-commit", &[], &tmp_index.0)?;
                // A hook may stage more (a formatter's `git add`): commit what the index holds.
                let mut idx =
                    git2::Index::open(&tmp_index.0).context("reading the temporary git index")?;
                tree = idx
                    .write_tree_to(&self.repo)
                    .context("reading the index the hooks left")?;
            }
            let msg_file = self.repo.path().join("COMMIT_EDITMSG");
            std::fs::write(&msg_file, &text)
                .with_context(|| format!("writing `{}`", msg_file.display()))?;
            let msg_arg = msg_file.to_string_lossy().into_owned();
            if prepare {
                self.run_hook(
                    hctx,
                    "prepare-commit-msg",
                    &[&msg_arg, "message"],
                    &tmp_index.0,
                )?;
            }
            if commit_msg {
                self.run_hook(hctx, "commit-msg", &[&msg_arg], &tmp_index.0)?;
            }
            let edited = std::fs::read(&msg_file)
                .with_context(|| format!("reading `{}`", msg_file.display()))?;
            text = String::from_utf8_lossy(&edited).into_owned();
        }
        let cleaned = cleanup_whitespace(&text);
        if cleaned.is_empty() {
            return Err(GitError::EmptyMessage.into());
        }

        let mut cmd = git_command(workdir);
        cmd.arg("commit-tree").arg(tree.to_string());
        if let Some(p) = parent {
            cmd.arg("-p").arg(p.to_string());
        }
        // `git commit-tree` signs only when asked; `git commit` asks when `commit.gpgsign` is
        // true, so ask exactly then (git reads the rest of the signing configuration itself).
        let signing = hctx.sign;
        if signing {
            cmd.arg("-S");
        }
        let out = cmd
            .env("GIT_AUTHOR_NAME", &ident.name)
            .env("GIT_AUTHOR_EMAIL", &ident.email)
            .env("GIT_AUTHOR_DATE", &ident.date)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(not_found)
            .and_then(|mut child| {
                if let Some(mut stdin) = child.stdin.take() {
                    let _ = stdin.write_all(cleaned.as_bytes());
                }
                child
                    .wait_with_output()
                    .context("running `git commit-tree`")
            })?;
        if !out.status.success() {
            let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
            return Err(GitError::CommitFailed { why, signing }.into());
        }
        let text = String::from_utf8_lossy(&out.stdout);
        Oid::from_str(text.trim()).with_context(|| {
            format!(
                "`git commit-tree` printed `{}` instead of a commit id",
                text.trim()
            )
        })
    }

    /// Where hooks are and whether to sign, from one `git config` run (the files and
    /// includes git reads; the last value wins; `~/` in `core.hooksPath` is the home folder and
    /// a relative path is from the top of the work tree, as for git's hooks).
    fn commit_settings(&self, workdir: &Path) -> Result<CommitSettings> {
        let out = git_command(workdir)
            .args([
                "config",
                "-z",
                "--get-regexp",
                r"^(core\.hookspath|commit\.gpgsign)$",
            ])
            .output()
            .map_err(not_found)?;
        if !matches!(out.status.code(), Some(0 | 1)) {
            return Err(GitError::ConfigUnreadable {
                why: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            }
            .into());
        }
        let mut hooks_path = None;
        let mut sign = false;
        for record in out.stdout.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            let text = String::from_utf8_lossy(record);
            let (key, value) = match text.split_once('\n') {
                Some((k, v)) => (k.to_ascii_lowercase(), Some(v.to_string())),
                None => (text.to_ascii_lowercase(), None),
            };
            if key == "commit.gpgsign" {
                sign = git_bool(value.as_deref());
            } else {
                hooks_path = value;
            }
        }
        let hooks = match hooks_path {
            Some(p) if !p.is_empty() => match p.strip_prefix("~/") {
                Some(rest) => std::env::var_os("HOME")
                    .map(PathBuf::from)
                    .unwrap_or_default()
                    .join(rest),
                None => workdir.join(p),
            },
            // Linked worktrees share the repository's hooks folder.
            _ => self.repo.commondir().join("hooks"),
        };
        Ok(CommitSettings { hooks, sign })
    }

    /// The hook called `name` where git looks for it (`core.hooksPath` or the hooks folder),
    /// if it exists and is executable (git ignores a hook that is not).
    fn hook_path(hooks: &Path, name: &str) -> Option<PathBuf> {
        let path = hooks.join(name);
        let meta = std::fs::metadata(&path).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if meta.permissions().mode() & 0o111 == 0 {
                return None;
            }
        }
        meta.is_file().then_some(path)
    }

    /// Runs one hook as `git commit` does; a non-zero exit is a refusal of the commit.
    fn run_hook(&self, ctx: &HookCtx<'_>, name: &str, args: &[&str], index: &Path) -> Result<()> {
        let (workdir, ident) = (ctx.workdir, ctx.ident);
        let Some(hook) = Self::hook_path(&ctx.hooks, name) else {
            return Ok(());
        };
        let prefix = std::env::current_dir()
            .ok()
            .and_then(|d| d.canonicalize().ok())
            .and_then(|d| {
                let top = workdir.canonicalize().ok()?;
                let rel = d.strip_prefix(&top).ok()?.to_path_buf();
                Some(if rel.as_os_str().is_empty() {
                    String::new()
                } else {
                    format!("{}/", rel.to_string_lossy())
                })
            })
            .unwrap_or_default();
        // Git sends a hook's standard output to its standard error: data stays on stdout.
        let stderr = std::io::stderr();
        let _ = stderr.lock().flush();
        let out_to_err = std::os::fd::AsFd::as_fd(&stderr)
            .try_clone_to_owned()
            .map(Stdio::from)
            .unwrap_or_else(|_| Stdio::inherit());
        let status = Command::new(&hook)
            .args(args)
            .current_dir(workdir)
            .env("GIT_INDEX_FILE", index)
            .env("GIT_EDITOR", ":")
            .env("GIT_PREFIX", prefix)
            .env("GIT_AUTHOR_NAME", &ident.name)
            .env("GIT_AUTHOR_EMAIL", &ident.email)
            .env("GIT_AUTHOR_DATE", &ident.date)
            .stdin(Stdio::null())
            .stdout(out_to_err)
            .status()
            .with_context(|| format!("running the `{name}` hook `{}`", hook.display()))?;
        if !status.success() {
            let code = status
                .code()
                .map_or_else(|| "killed by a signal".to_string(), |c| format!("exit {c}"));
            return Err(GitError::HookRejected {
                hook: name.to_string(),
                status: code,
            }
            .into());
        }
        Ok(())
    }
}

/// Where and as whom hooks run.
struct HookCtx<'a> {
    workdir: &'a Path,
    ident: &'a Ident,
    /// The folder git takes hooks from (`core.hooksPath` or the hooks folder).
    hooks: PathBuf,
    /// `commit.gpgsign`: whether `git commit` would sign.
    sign: bool,
}

/// What git's configuration says about committing.
struct CommitSettings {
    hooks: PathBuf,
    sign: bool,
}

/// A boolean as git reads one: a key without `=` is true; `true`/`yes`/`on` and non-zero
/// numbers are true.
fn git_bool(value: Option<&str>) -> bool {
    match value.map(|v| v.trim().to_ascii_lowercase()) {
        None => true,
        Some(v) => match v.as_str() {
            "true" | "yes" | "on" => true,
            "false" | "no" | "off" | "" => false,
            n => n.parse::<i64>().is_ok_and(|n| n != 0),
        },
    }
}

/// A file removed when dropped.
struct TempPath(PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Git's `whitespace` clean-up of a message given with `-m`/`-F`: trailing whitespace off
/// every line, runs of blank lines made one, no blank lines at the start or end.
fn cleanup_whitespace(text: &str) -> String {
    let mut out = String::new();
    let mut blank_run = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run = !out.is_empty();
            continue;
        }
        if blank_run {
            out.push('\n');
            blank_run = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cleanup_whitespace;

    #[test]
    fn booleans_as_git_reads_them() {
        use super::git_bool;
        assert!(git_bool(None) && git_bool(Some("true")) && git_bool(Some("Yes")));
        assert!(git_bool(Some("on")) && git_bool(Some("1")) && git_bool(Some("-2")));
        assert!(!git_bool(Some("false")) && !git_bool(Some("")) && !git_bool(Some("0")));
        assert!(!git_bool(Some("off")) && !git_bool(Some("maybe")));
    }

    #[test]
    fn cleanup_is_gits_whitespace_mode() {
        assert_eq!(
            cleanup_whitespace("\n\nsubject  \n\n\n\nbody\t\n\n"),
            "subject\n\nbody\n"
        );
        assert_eq!(cleanup_whitespace(" \n\t\n"), "");
        assert_eq!(cleanup_whitespace("# kept\n"), "# kept\n");
    }
}
