//! Writing files so that a crash never leaves a half-written one.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Writes `contents` to `path` atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over the target. Readers see the old file or the new one, never a mix.
pub fn atomic_write(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".flags-tmp-")
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in `{}`", dir.display()))?;
    tmp.write_all(contents)
        .with_context(|| format!("writing `{}`", path.display()))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("writing `{}`", path.display()))?;
    // Keep the permissions of the file being replaced (tempfile creates 0600).
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644));
        }
    }
    tmp.persist(path)
        .with_context(|| format!("replacing `{}`", path.display()))?;
    Ok(())
}

/// How many symbolic links [`resolve_links`] follows before it gives up (Linux's limit).
const MAX_LINKS: usize = 40;

/// The file a path leads to: `path` itself unless it is a symbolic link, else the link's
/// target, followed through further links (a relative target is relative to the link's
/// folder). The final target need not exist yet: writing through a dangling link creates it,
/// as a shell's `>` does.
pub fn resolve_links(path: &Path) -> Result<std::path::PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)
                    .with_context(|| format!("reading the link `{}`", current.display()))?;
                current = match current.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(crate::error::UserError::new(format!(
        "`{}` leads through more than {MAX_LINKS} symbolic links",
        path.display()
    ))
    .hint("point it at a file, not at a loop of links")
    .into())
}
