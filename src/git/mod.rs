//! Everything that reads git: opening the repository around a flags root, and history.

pub mod history;

use std::path::{Path, PathBuf};

/// The git repository that holds a flags root, with the root's path inside the work tree
/// (`""` when the flags root is the repository itself).
pub struct Located {
    pub repo: git2::Repository,
    pub workdir: PathBuf,
    /// The flags root relative to the work tree, with `/` separators.
    pub root_rel: String,
}

/// Opens the git repository enclosing `root`, if any (a bare repository has no work tree and
/// counts as none).
pub fn locate(root: &Path) -> Option<Located> {
    let repo = git2::Repository::discover(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    let rel = root.strip_prefix(&workdir).ok()?;
    let root_rel = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    Some(Located {
        repo,
        workdir,
        root_rel,
    })
}
