//! Finding the flags root from anywhere in an application's work tree, when walking up from
//! the current directory found no `flags.yaml`.

use std::path::{Path, PathBuf};

use git2::{ErrorCode, Repository};

/// The flags roots tracked in the git repository around `start` (folders whose `flags.yaml`
/// is in the index and on disk), outermost first, sorted; `None` outside a git work tree.
/// A root inside another root's folders (a flag file named `flags.yaml`) is not one.
pub fn tracked_roots(start: &Path) -> Option<Vec<PathBuf>> {
    let repo = match Repository::discover(start) {
        Ok(r) => r,
        Err(e) if e.code() == ErrorCode::NotFound => return None,
        Err(_) => return None,
    };
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let index = repo.index().ok()?;
    let mut found: Vec<String> = Vec::new();
    for entry in index.iter() {
        let Ok(path) = std::str::from_utf8(&entry.path) else {
            continue;
        };
        let dir = if path == crate::repo::SETTINGS_FILE {
            ""
        } else if let Some(d) = path.strip_suffix("/flags.yaml") {
            d
        } else {
            continue;
        };
        if workdir.join(path).is_file() {
            found.push(dir.to_string());
        }
    }
    found.sort();
    let mut roots: Vec<String> = Vec::new();
    for dir in found {
        let inside = roots
            .iter()
            .any(|r| r.is_empty() || dir.starts_with(&format!("{r}/")));
        if !inside {
            roots.push(dir);
        }
    }
    Some(roots.into_iter().map(|d| workdir.join(d)).collect())
}

/// `to` relative to `from` (both absolute and canonical), with `/` separators: `.`, `sub/dir`
/// or `../other`.
pub fn relative(from: &Path, to: &Path) -> String {
    let f: Vec<_> = from.components().collect();
    let t: Vec<_> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), f.len() - common).collect();
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::relative;
    use std::path::Path;

    #[test]
    fn relative_paths() {
        assert_eq!(relative(Path::new("/a/b"), Path::new("/a/b")), ".");
        assert_eq!(relative(Path::new("/a/b"), Path::new("/a/b/c/d")), "c/d");
        assert_eq!(
            relative(Path::new("/a/b/src"), Path::new("/a/b/config/flags")),
            "../config/flags"
        );
    }
}
