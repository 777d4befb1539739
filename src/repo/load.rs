//! Reading a flags root from disk: discovery, safe file reading, parsing into the model.

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{
    Cleanup, Doc, EnvironmentDef, FlagDef, Loc, Partial, Pipeline, Repo, SETTINGS_FILE, SegmentDef,
    Settings, Stage, decode,
};
use crate::error::UserError;
use crate::problem::Problem;
use anyhow::Result;
use rayon::prelude::*;

/// Largest file `flags` reads (1 MiB): flag files are a few hundred bytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Walks up from `start` to the first directory holding `flags.yaml`.
pub fn find_root_upward(start: &Path) -> Result<PathBuf> {
    let start = if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        start
    };
    let abs = fs::canonicalize(start).map_err(|e| {
        UserError::new(format!("cannot open directory `{}`: {e}", start.display()))
            .hint("pass an existing directory to `-C`")
    })?;
    if !abs.is_dir() {
        return Err(UserError::new(format!("`{}` is not a directory", start.display())).into());
    }
    for dir in abs.ancestors() {
        if dir.join(SETTINGS_FILE).is_file() {
            return Ok(dir.to_path_buf());
        }
    }
    Err(UserError::new(format!(
        "no flags repository found in `{}` or any parent directory (no `{SETTINGS_FILE}`)",
        start.display()
    ))
    .hint("run `flags init` to create one, or pass `-C DIR` to point at it")
    .into())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Settings,
    Environment,
    Segment,
    Flag,
}

/// A file found under the root: its absolute path and display path.
struct Found {
    abs: PathBuf,
    rel: String,
    /// The directory entry is a symbolic link (its target was checked to be inside the root).
    symlink: bool,
}

// Short-lived (one per file, moved straight into its list): boxing the flag would cost an
// allocation per flag for nothing.
#[allow(clippy::large_enum_variant)]
enum Parsed {
    Settings(Doc<Settings>),
    Environment(Doc<EnvironmentDef>),
    Segment(Doc<SegmentDef>),
    Flag(Doc<FlagDef>),
}

pub(super) fn load(root: &Path) -> Repo {
    load_filtered(root, None).0
}

/// Loads settings, environments and segments, but of the flags only the files named
/// `<key>.yaml` for the `keys` (in any sub-folder); also returns every flag key found (file
/// stems), for "did you mean" hints. What a command that changes a few flags needs, in one
/// walk, without parsing thousands of other flag files.
pub(super) fn load_flags(root: &Path, keys: &[String]) -> (Repo, Vec<String>) {
    load_filtered(root, Some(keys))
}

/// The keys (file stems) of every flag file under the root, sorted and unique, from the
/// directory listing alone: no file is read.
pub(crate) fn flag_keys(root: &Path) -> Vec<String> {
    let canon_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let (found, _) = list_files(&canon_root, &[("flags", true)]);
    let mut keys: Vec<String> = found.iter().map(|f| stem(&f.rel)).collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Lists the `.yaml` files under the given folders of a flags root (`true`: with
/// sub-folders), with a problem for each entry that is refused (links out of the root or in
/// a loop, FIFOs and the like).
fn list_files(canon_root: &Path, dirs: &[(&str, bool)]) -> (Vec<Found>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut found = Vec::new();
    for &(dir, recursive) in dirs {
        // Per folder: a link from one kind's folder to another's (`segments -> flags`) must
        // not make the other's own walk skip what it already saw.
        let mut walked = HashSet::new();
        let abs = canon_root.join(dir);
        // The folders themselves may be links too: the same rule as for the files in them.
        let Ok(target) = fs::canonicalize(&abs) else {
            continue;
        };
        if !target.starts_with(canon_root) {
            problems.push(Problem::error(
                dir,
                None,
                "symbolic link leads out of the flags root and is not followed; replace it with the folder itself",
            ));
        } else if !target.is_dir() {
            problems.push(not_a_folder(dir));
        } else {
            walked.insert(target);
            let mut w = Walk {
                root: canon_root,
                recursive,
                found: &mut found,
                problems: &mut problems,
                walked: &mut walked,
            };
            w.dir(&abs, dir, 0);
        }
    }
    (found, problems)
}

fn load_filtered(root: &Path, only_flags: Option<&[String]>) -> (Repo, Vec<String>) {
    let canon_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let settings = read_checked(
        &canon_root,
        &canon_root.join(SETTINGS_FILE),
        SETTINGS_FILE,
        None,
    );

    let (mut found, mut problems) = list_files(&canon_root, &FOLDERS);
    problems.extend(misnamed_folders(&canon_root));
    let mut keys: Vec<String> = found
        .iter()
        .filter(|f| f.rel.starts_with("flags/"))
        .map(|f| stem(&f.rel))
        .collect();
    keys.sort();
    keys.dedup();
    if let Some(only) = only_flags {
        let wanted = |rel: &str| !rel.starts_with("flags/") || only.contains(&stem(rel));
        found.retain(|f| wanted(&f.rel));
        // Problems of files left out are not this command's business.
        problems.retain(|p: &Problem| wanted(&p.file));
    }
    let files: Vec<(String, Result<String, Problem>)> = found
        .par_iter()
        .map(|f| {
            (
                f.rel.clone(),
                read_checked(&canon_root, &f.abs, &f.rel, Some(f.symlink)),
            )
        })
        .collect();
    (
        load_from_sources(canon_root, Some(settings), files, problems),
        keys,
    )
}

/// Builds a [`Repo`] from file texts already read (from disk or from a git tree), so both
/// sources parse identically. `settings` is `None` when there is no `flags.yaml` at all;
/// each file's kind follows from its path (`environments/`, `segments/`, `flags/`).
pub(crate) fn load_from_sources(
    root: PathBuf,
    settings: Option<Result<String, Problem>>,
    files: Vec<(String, Result<String, Problem>)>,
    mut problems: Vec<Problem>,
) -> Repo {
    let mut value_problems = Vec::new();
    let mut partial = Partial::default();
    let settings = match settings {
        Some(source) => {
            let read = read_file(Kind::Settings, SETTINGS_FILE.to_string(), source);
            problems.extend(read.problems);
            value_problems.extend(read.value_problems);
            match read.parsed {
                Some(Parsed::Settings(doc)) if read.clean => Some(doc),
                Some(Parsed::Settings(doc)) => {
                    partial.settings = Some(doc);
                    None
                }
                _ => {
                    partial.stages_unknown = true;
                    None
                }
            }
        }
        None => None,
    };

    let read: Vec<FileRead> = files
        .into_par_iter()
        .filter_map(|(rel, source)| {
            let kind = if rel.starts_with("environments/") {
                Kind::Environment
            } else if rel.starts_with("segments/") {
                Kind::Segment
            } else if rel.starts_with("flags/") {
                Kind::Flag
            } else {
                return None;
            };
            Some(read_file(kind, rel, source))
        })
        .collect();

    let (mut environments, mut segments, mut flags) = (Vec::new(), Vec::new(), Vec::new());
    for r in read {
        problems.extend(r.problems);
        value_problems.extend(r.value_problems);
        match (r.parsed, r.clean) {
            (Some(Parsed::Environment(d)), true) => environments.push(d),
            (Some(Parsed::Segment(d)), true) => segments.push(d),
            (Some(Parsed::Flag(d)), true) => flags.push(d),
            (Some(Parsed::Environment(d)), false) => partial.environments.push(d),
            (Some(Parsed::Segment(d)), false) => partial.segments.push(d),
            (Some(Parsed::Flag(d)), false) => partial.flags.push(d),
            (Some(Parsed::Settings(_)) | None, _) => {}
        }
    }
    for list in [&mut environments, &mut partial.environments] {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    for list in [&mut segments, &mut partial.segments] {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    for list in [&mut flags, &mut partial.flags] {
        list.sort_by(|a, b| (&a.name, &a.path).cmp(&(&b.name, &b.path)));
    }

    // The model other commands use has no `flags.yaml` with problems (the mutating commands
    // refuse to plan with it); validation reads the stages it could read from
    // `Repo::with_partial`.
    let (pipeline, cleanup) = match &settings {
        Some(doc) => (resolve_pipeline(&doc.def), doc.def.cleanup),
        None => (Pipeline::default_pipeline(), Cleanup::default()),
    };

    Repo {
        root,
        settings,
        pipeline,
        cleanup,
        environments,
        segments,
        flags,
        load_problems: problems,
        value_problems,
        partial,
    }
}

/// One file read, decoded and sorted into the model or the partial model.
struct FileRead {
    /// What the file declares, if anything.
    parsed: Option<Parsed>,
    /// Whether it decoded without shape problems (then it joins the model).
    clean: bool,
    problems: Vec<Problem>,
    value_problems: Vec<Problem>,
}

fn read_file(kind: Kind, rel: String, source: Result<String, Problem>) -> FileRead {
    let name = stem(&rel);
    let (source, tree) = match source {
        Ok(source) => match crate::yaml::parse(&source) {
            Ok(tree) => (source, tree),
            Err((loc, msg)) => {
                let problem = Problem::error(&rel, loc, msg);
                return unreadable(kind, name, rel, problem);
            }
        },
        Err(problem) => return unreadable(kind, name, rel, problem),
    };
    macro_rules! decoded {
        ($decode:path, $variant:ident) => {{
            let d = $decode(&rel, &source, tree.as_ref());
            FileRead {
                clean: d.problems.is_empty() && d.def.is_some(),
                problems: d.problems,
                value_problems: d.value_problems,
                parsed: d.def.map(|def| {
                    Parsed::$variant(Doc {
                        name,
                        path: rel.clone(),
                        source,
                        def,
                    })
                }),
            }
        }};
    }
    match kind {
        Kind::Settings => decoded!(decode::settings, Settings),
        Kind::Environment => decoded!(decode::environment, Environment),
        Kind::Segment => decoded!(decode::segment, Segment),
        Kind::Flag => decoded!(decode::flag, Flag),
    }
}

/// A file that is not YAML (or not readable at all) is one problem; an environment or a
/// segment still exists by its file name, so references to it raise nothing more.
fn unreadable(kind: Kind, name: String, rel: String, problem: Problem) -> FileRead {
    fn doc<T>(name: String, path: String, def: T) -> Doc<T> {
        Doc {
            name,
            path,
            source: String::new(),
            def,
        }
    }
    let parsed = match kind {
        Kind::Environment => Some(Parsed::Environment(doc(
            name,
            rel,
            EnvironmentDef::default(),
        ))),
        Kind::Segment => Some(Parsed::Segment(doc(name, rel, SegmentDef::default()))),
        Kind::Settings | Kind::Flag => None,
    };
    FileRead {
        parsed,
        clean: false,
        problems: vec![problem],
        value_problems: Vec::new(),
    }
}

/// The problem of a file over [`MAX_FILE_BYTES`].
pub(crate) fn too_large(rel: &str) -> Problem {
    Problem::error(
        rel,
        None,
        format!(
            "file is larger than the {} KiB limit; flag files are small, split or trim it",
            MAX_FILE_BYTES / 1024
        ),
    )
}

/// Checks the bytes of a file, from the disk or from a git blob: the size limit, and UTF-8
/// (located at the first bad byte).
pub(crate) fn check_bytes(bytes: Vec<u8>, rel: &str) -> Result<String, Problem> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(rel));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        Problem::error(
            rel,
            Some(Loc {
                line: line as u32,
                column: column as u32,
                start: valid.len(),
                len: 1,
            }),
            "file is not valid UTF-8; save it as UTF-8 text",
        )
    })
}

pub(super) fn resolve_pipeline(settings: &Settings) -> Pipeline {
    match &settings.pipeline {
        None => Pipeline::default_pipeline(),
        Some(stages) => Pipeline {
            stages: stages
                .value
                .iter()
                .map(|s| Stage {
                    name: s.stage.value.clone(),
                    segments: s.segments.iter().map(|x| x.value.clone()).collect(),
                    rollout: s.rollout.as_ref().map(|r| r.value),
                    soak_days: s.soak_days.as_ref().map(|d| d.value),
                })
                .collect(),
            is_default: false,
        },
    }
}

pub(super) fn stem(rel: &str) -> String {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    file.strip_suffix(".yaml").unwrap_or(file).to_string()
}

/// The folders of a flags root that are read, and whether their sub-folders are.
pub(crate) const FOLDERS: [(&str, bool); 3] = [
    ("environments", false),
    ("segments", false),
    ("flags", true),
];

/// The error for `flags`, `segments` or `environments` being something else than a folder.
pub(crate) fn not_a_folder(dir: &str) -> Problem {
    Problem::error(
        dir,
        None,
        format!("`{dir}` is a file; it must be a folder of `.yaml` files (`{dir}/NAME.yaml`)"),
    )
}

/// The warning for a sub-folder `rel` of `environments/` or `segments/` that holds `.yaml`
/// files: only flags may be grouped in sub-folders.
pub(crate) fn ignored_sub_folder(rel: &str) -> Problem {
    let top = rel.split('/').next().unwrap_or(rel);
    Problem::warning(
        format!("{rel}/"),
        None,
        format!(
            "ignored: the files of `{top}/` are read from that folder itself, not from its sub-folders (only flags may be grouped); move them to `{top}/`"
        ),
    )
}

/// The warning for a folder at the top of the flags root whose name is close to one that
/// is read (`flag/`, `segment/`, `env/`) and that holds `.yaml` files; `None` for any other
/// name.
pub(crate) fn misnamed_folder(name: &str) -> Option<Problem> {
    let read = FOLDERS.map(|(f, _)| f);
    if read.contains(&name) || name.starts_with('.') {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    // A one-letter typo, a shortening (`flag`, `env`) or `envs`: close enough to be meant;
    // `assets`, `tags` or `logs` beside `segments` and `flags` are not.
    let near = match lower.as_str() {
        "env" | "envs" => "environments",
        _ => read.into_iter().find(|f| {
            (lower.len() >= 3 && f.starts_with(&lower)) || strsim::levenshtein(&lower, f) <= 1
        })?,
    };
    Some(Problem::warning(
        format!("{name}/"),
        None,
        format!(
            "ignored: `{}/` is not a folder flags reads (flags/, segments/, environments/); did you mean `{near}/`?",
            crate::escape::escape(name)
        ),
    ))
}

/// Whether the folder `dir` directly holds a `.yaml` file.
fn holds_yaml(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().ends_with(".yaml"))
    })
}

/// The warnings for the folders at the top of the flags root with a name close to one that
/// is read, that hold `.yaml` files.
fn misnamed_folders(canon_root: &Path) -> Vec<Problem> {
    let Ok(entries) = fs::read_dir(canon_root) else {
        return Vec::new();
    };
    let mut out: Vec<Problem> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            misnamed_folder(&name).filter(|_| holds_yaml(&e.path()))
        })
        .collect();
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

/// The walk over the folders of a flags root, collecting `.yaml` files.
struct Walk<'a> {
    root: &'a Path,
    recursive: bool,
    found: &'a mut Vec<Found>,
    problems: &'a mut Vec<Problem>,
    /// Canonical folders already walked: a link back to one of them is not walked again, so
    /// link loops end (and nothing is listed twice).
    walked: &'a mut HashSet<PathBuf>,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path, rel_dir: &str, depth: usize) {
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                self.problems.push(Problem::error(
                    rel_dir,
                    None,
                    format!("cannot read directory: {e}"),
                ));
                return;
            }
        };
        let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            if file_name.starts_with('.') {
                continue;
            }
            let rel = format!("{rel_dir}/{file_name}");
            let path = entry.path();
            // The type from the directory entry itself (no `stat` per file: a repository of
            // 10,000 flags would pay 10,000 system calls for it).
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let (is_dir, is_file) = if file_type.is_symlink() {
                match fs::canonicalize(&path) {
                    Ok(target) if target.starts_with(self.root) => {
                        if target.is_dir()
                            && fs::canonicalize(dir).is_ok_and(|here| here.starts_with(&target))
                        {
                            self.problems.push(Problem::error(
                                &rel,
                                None,
                                "symbolic link points back to a folder that contains it (a loop); remove it",
                            ));
                            continue;
                        }
                        if target.is_dir() && !self.walked.insert(target.clone()) {
                            continue; // a link to a folder already walked
                        }
                        (target.is_dir(), target.is_file())
                    }
                    Ok(_) => {
                        self.problems.push(Problem::error(
                            &rel,
                            None,
                            "symbolic link leads out of the flags root and is not followed; replace it with the file itself",
                        ));
                        continue;
                    }
                    Err(_) => {
                        self.problems.push(Problem::error(
                            &rel,
                            None,
                            "broken symbolic link; remove it or point it at a file inside the flags root",
                        ));
                        continue;
                    }
                }
            } else {
                if file_type.is_dir()
                    && fs::canonicalize(&path).is_ok_and(|c| !self.walked.insert(c))
                {
                    continue; // already walked through a link to it
                }
                (file_type.is_dir(), file_type.is_file())
            };
            if is_dir {
                // Sub-folders group flags; 32 levels is far beyond any real layout.
                if self.recursive && depth < 32 {
                    self.dir(&path, &rel, depth + 1);
                } else if !self.recursive && holds_yaml(&path) {
                    self.problems.push(ignored_sub_folder(&rel));
                }
                continue;
            }
            if file_name.ends_with(".yaml") {
                if is_file {
                    self.found.push(Found {
                        abs: path,
                        rel,
                        symlink: file_type.is_symlink(),
                    });
                } else {
                    // A FIFO or socket would block the read: never open one.
                    self.problems.push(Problem::error(
                        &rel,
                        None,
                        "not a regular file; replace it with a YAML file",
                    ));
                }
            } else if file_name.ends_with(".yml") {
                self.problems.push(Problem::warning(
                    &rel,
                    None,
                    "ignored: only `.yaml` files are read; rename it to `.yaml`",
                ));
            }
        }
    }
}

/// Reads a file under the root: refuses links out of the root, files over the size limit and
/// non-UTF-8 text, each as a problem naming the file. `symlink`: whether the directory entry
/// is a symbolic link, when the caller knows (then only links pay for a path lookup before
/// the file is opened: with 10,000 files that lookup was a tenth of loading).
fn read_checked(
    root: &Path,
    path: &Path,
    rel: &str,
    symlink: Option<bool>,
) -> Result<String, Problem> {
    let io_err = |e: std::io::Error| Problem::error(rel, None, format!("cannot read file: {e}"));
    // `Some(false)`: the walk saw a regular file in the directory entry: no lookup needed.
    let (symlink, regular) = match symlink {
        Some(known) => (known, !known),
        None => {
            let meta = fs::symlink_metadata(path).map_err(io_err)?;
            (meta.file_type().is_symlink(), meta.is_file())
        }
    };
    let is_file = if symlink {
        let target = fs::canonicalize(path).map_err(io_err)?;
        if !target.starts_with(root) {
            return Err(Problem::error(
                rel,
                None,
                "symbolic link leads out of the flags root and is not followed; replace it with the file itself",
            ));
        }
        fs::metadata(&target).map_err(io_err)?.is_file()
    } else {
        regular
    };
    // A FIFO, socket or device would block the read or never end: never open one.
    if !is_file {
        return Err(Problem::error(
            rel,
            None,
            "not a regular file; replace it with a YAML file",
        ));
    }
    let file = fs::File::open(path).map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    // Sized from the metadata, as `fs::read` does: `take` hides the size hint otherwise.
    let hint = if meta.is_file() {
        meta.len().min(MAX_FILE_BYTES) as usize + 1
    } else {
        0
    };
    let mut bytes = Vec::with_capacity(hint);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    check_bytes(bytes, rel)
}

/// Decodes a flag file's text (also used to verify an edit before it is written): the
/// flag, or the first problem that keeps the file out of the model.
pub fn parse_flag(source: &str) -> Result<FlagDef, (Option<Loc>, String)> {
    let tree = crate::yaml::parse(source)?;
    let d = decode::flag("", source, tree.as_ref());
    let mut problems = d.problems;
    crate::problem::sort(&mut problems);
    match (d.def, problems.into_iter().next()) {
        (Some(def), None) => Ok(def),
        (_, Some(p)) => Err((
            p.line.map(|line| Loc {
                line,
                column: p.column.unwrap_or(1),
                start: 0,
                len: 0,
            }),
            p.message,
        )),
        (None, None) => Err((None, "file declares no flag".into())),
    }
}

/// The stage per environment of a version of a flag file (the decoder's stages-only view,
/// for history); `None` when the text is not YAML or its stages cannot be read.
pub(crate) fn parse_stages(source: &str) -> Option<std::collections::BTreeMap<String, String>> {
    let tree = crate::yaml::parse(source).ok()?;
    decode::stages(source, tree.as_ref())
}

/// Every problem of one file's text read as the kind its path says (`flags.yaml`,
/// `environments/`, `segments/`, `flags/`): the loader's whole reading of one file, for
/// fuzzing and tools.
pub fn decode_file(rel: &str, source: &str) -> Vec<Problem> {
    let kind = match rel {
        SETTINGS_FILE => Kind::Settings,
        r if r.starts_with("environments/") => Kind::Environment,
        r if r.starts_with("segments/") => Kind::Segment,
        _ => Kind::Flag,
    };
    let read = read_file(kind, rel.to_string(), Ok(source.to_string()));
    read.problems
        .into_iter()
        .chain(read.value_problems)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::misnamed_folder;

    /// Near misses of the three folders are named; the usual folders of an application
    /// repository (where the flags root may be its top) are not.
    #[test]
    fn only_near_misses_of_the_folders_read_are_named() {
        for (name, near) in [
            ("flag", "flags"),
            ("Flags", "flags"),
            ("segment", "segments"),
            ("segmets", "segments"),
            ("enviroments", "environments"),
            ("environment", "environments"),
            ("envs", "environments"),
        ] {
            let p = misnamed_folder(name).unwrap_or_else(|| panic!("{name}"));
            assert!(
                p.message.ends_with(&format!("did you mean `{near}/`?")),
                "{name}: {}",
                p.message
            );
        }
        for name in [
            "src",
            "docs",
            "tests",
            "scripts",
            "examples",
            "config",
            "deploy",
            "node_modules",
            "target",
            "build",
            "lib",
            "bin",
            "vendor",
            "assets",
            "public",
            "fixtures",
            "features",
            "settings",
            "services",
            "schemas",
            "helm",
            "charts",
            "flags",
            "segments",
            "tags",
            "logs",
            "flows",
            "dags",
            "plans",
            "labs",
            "blogs",
            "slugs",
            "langs",
        ] {
            assert!(misnamed_folder(name).is_none(), "{name}");
        }
    }
}
