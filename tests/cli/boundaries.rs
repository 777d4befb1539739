//! The architecture's boundaries (ARCHITECTURE.md), read from the source: libgit2 stays
//! inside `src/git/`, which gives no advice (its errors are data), clap inside the command line
//! (`src/commands/` and the `run` in `src/lib.rs`), and the top-level modules depend on each
//! other without a cycle, so each layer can be read, tested and changed without the ones above
//! it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments (`//`, `///`, `//!`): what a comment mentions is
/// no dependency. String literals stay; none of them spells a path here.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|line| match line.find("//") {
            // `//` inside a string (a URL) is rare; a line that only starts a comment is common.
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level module a file belongs to (`src/repo/load.rs` -> `repo`).
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The top-level modules each file's code names with `crate::NAME` (also inside a grouped
/// `use crate::{a, b::c}`).
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let module = module_of(&file);
        if module == "lib" || module == "main" {
            continue;
        }
        let code = code(&file);
        let deps = graph.entry(module.clone()).or_default();
        let mut names = Vec::new();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    names.push(item.trim().split("::").next().unwrap_or("").to_string());
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                names.push(name);
            }
        }
        for name in names {
            // Macros exported at the crate root (`crate::user_error!`) are not modules.
            let is_module = src().join(format!("{name}.rs")).exists()
                || src().join(&name).join("mod.rs").exists();
            if !name.is_empty() && name != module && is_module {
                deps.insert(name);
            }
        }
    }
    graph
}

/// A cycle through `start`, as the path `start -> ... -> start`, if there is one.
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        node: &str,
        start: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(node).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, next, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    walk(graph, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn the_top_level_modules_form_no_cycle() {
    let graph = dependencies();
    // The graph is not empty: the scan itself works.
    assert!(graph["commands"].contains("repo"), "{graph:?}");
    assert!(graph["validate"].contains("repo"), "{graph:?}");
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|m| cycle_from(&graph, m))
        .map(|c| c.join(" -> "))
        .collect();
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

#[test]
fn libgit2_stays_inside_git() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let outside: Vec<String> = files
        .iter()
        .filter(|f| module_of(f) != "git")
        .filter(|f| code(f).contains("git2::") || code(f).contains("use git2"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        outside.is_empty(),
        "git2 used outside src/git/: {outside:?}"
    );
    assert!(code(&src().join("git/mod.rs")).contains("git2::"));
}

/// The git layer reports what happened as `GitError`s; the advice (a `hint:` naming
/// `--no-commit`, `--no-verify`, `--branch`) is the commands' to give.
#[test]
fn the_git_layer_gives_no_advice() {
    let mut files = Vec::new();
    rust_files(&src().join("git"), &mut files);
    assert!(files.len() >= 5, "{files:?}");
    let advising: Vec<String> = files
        .iter()
        .filter(|f| code(f).contains("UserError") || code(f).contains(".hint("))
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        advising.is_empty(),
        "src/git/ builds hints itself: {advising:?}"
    );
    assert!(code(&src().join("commands/advice.rs")).contains("GitError::*"));
}

#[test]
fn clap_stays_in_the_command_line() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let below: Vec<String> = files
        .iter()
        .filter(|f| !matches!(module_of(f).as_str(), "commands" | "lib" | "main"))
        .filter(|f| code(f).contains("clap"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(below.is_empty(), "clap used below src/commands/: {below:?}");
    assert!(code(&src().join("commands/cli.rs")).contains("clap::"));
}

#[test]
fn the_cycle_finder_finds_cycles() {
    // A test that cannot fail is worse than none: the finder sees a planted cycle.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        cycle_from(&graph, "a"),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    graph.get_mut("c").unwrap().clear();
    assert_eq!(cycle_from(&graph, "a"), None);
}
