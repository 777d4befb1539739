//! Finding the flags root (PRODUCT.md section 2, "Global"): walk up from the start to the
//! first folder holding `flags.yaml`; failing that, inside a git work tree, the one flags
//! root tracked in the repository. Several are a refusal that lists the `-C` for each.

use std::path::{Path, PathBuf};

use crate::error::UserError;

/// The flags root for a command started in `start`.
pub fn find_root(start: &Path) -> anyhow::Result<PathBuf> {
    let walked = crate::repo::find_root_upward(start);
    let Err(not_found) = walked else {
        return walked;
    };
    let Ok(abs) = start.canonicalize() else {
        return Err(not_found);
    };
    if !abs.is_dir() {
        return Err(not_found);
    }
    let Some(roots) = crate::git::discover::tracked_roots(&abs) else {
        return Err(not_found);
    };
    match roots.as_slice() {
        [] => Err(not_found),
        [one] => Ok(one.clone()),
        many => {
            let list = many
                .iter()
                .map(|r| {
                    format!(
                        "  flags -C {} ...",
                        crate::escape::escape(&crate::git::discover::relative(&abs, r))
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Err(UserError::new(format!(
                "this git repository holds {} flags roots; pick one with `-C`:\n{list}",
                many.len()
            ))
            .hint("run the command from inside one of them, or pass its `-C`")
            .into())
        }
    }
}
