//! Where source code mentions flag keys: one parallel pass over a tree for all keys.
//!
//! Files written by `flags export` are not code: a mention there is the export of the flag,
//! not a use of it (see [`is_generated`]).
//!
//! Files are walked with the `ignore` crate (ripgrep's walker: `.gitignore`, `.ignore` and
//! hidden files are skipped, as `rg` does) and searched for every key at once with one
//! Aho-Corasick automaton. Binary files (any NUL byte) and the flags root's own definition
//! files (`flags.yaml`, `environments/`, `segments/`, `flags/`) are skipped.
//!
//! **Whole word.** Keys are matched case-sensitively. A match counts unless a neighbour
//! continues the word: an ASCII letter or digit, or a `-` or `_` that is itself followed
//! (on the right) or preceded (on the left) by a letter or digit. So `dark-mode` is not found
//! in `dark-mode-v2`, `old_dark-mode` or `darkmode`, but is found in `"dark-mode"`,
//! `flags.dark-mode`, `dark-mode.enabled`, `--dark-mode` and `FLAG(dark-mode)`. A `.` never
//! continues a word (property access is the common case), so a key `checkout` is also found in
//! `checkout.v2`: when in doubt the search counts a mention, because `flags remove` relies on it
//! and missing a use is worse than an extra line to look at.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use aho_corasick::{AhoCorasick, MatchKind};
use anyhow::{Context, Result};
use ignore::{WalkBuilder, WalkState};
use serde::Serialize;

/// One mention of a key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Ref {
    /// Relative to the search root, with `/` separators.
    pub file: String,
    /// 1-based.
    pub line: u64,
    pub key: String,
}

/// Finds every line of every file under `path` that mentions one of `keys` as a whole word,
/// leaving out the definition files of the flags root at `flags_root`. Sorted by file, line,
/// key; a key is listed once per line.
pub fn find(flags_root: &Path, keys: &[String], path: &Path) -> Result<Vec<Ref>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let base = path
        .canonicalize()
        .with_context(|| format!("opening `{}`", path.display()))?;
    let root = flags_root
        .canonicalize()
        .unwrap_or_else(|_| flags_root.to_path_buf());
    let skip: Vec<PathBuf> = ["flags.yaml", "environments", "segments", "flags"]
        .iter()
        .map(|p| root.join(p))
        .collect();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(keys)
        .context("building the key matcher")?;

    let found: Mutex<Vec<Ref>> = Mutex::new(Vec::new());
    let walker = WalkBuilder::new(&base)
        .require_git(false)
        .filter_entry(move |e| !skip.iter().any(|s| s == e.path()))
        .build_parallel();
    walker.run(|| {
        let ac = &ac;
        let found = &found;
        let base = &base;
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                return WalkState::Continue;
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            let Ok(bytes) = std::fs::read(entry.path()) else {
                return WalkState::Continue;
            };
            let hits = search(ac, &bytes);
            if hits.is_empty() || is_generated(&bytes) {
                return WalkState::Continue;
            }
            let rel = entry.path().strip_prefix(base).unwrap_or(entry.path());
            let file = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let refs = hits.into_iter().map(|(line, k)| Ref {
                file: file.clone(),
                line,
                key: keys[k].clone(),
            });
            if let Ok(mut all) = found.lock() {
                all.extend(refs);
            }
            WalkState::Continue
        })
    });
    let mut all = found.into_inner().unwrap_or_else(|e| e.into_inner());
    all.sort();
    Ok(all)
}

/// (line, key index) of every whole-word mention in one file's bytes, each once; nothing for a
/// binary file.
pub(crate) fn search(ac: &AhoCorasick, bytes: &[u8]) -> Vec<(u64, usize)> {
    if memchr::memchr(0, bytes).is_some() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    let (mut counted_to, mut line) = (0usize, 1u64);
    // Overlapping matches, so a longer key that fails the word test never hides a shorter one
    // that passes (`a.b` in `a.bc` still finds `a`). They come in order of their end.
    for m in ac.find_overlapping_iter(bytes) {
        if !is_whole_word(bytes, m.start(), m.end()) {
            continue;
        }
        line += memchr::memchr_iter(b'\n', &bytes[counted_to..m.end()]).count() as u64;
        counted_to = m.end();
        hits.push((line, m.pattern().as_usize()));
    }
    hits.sort_unstable();
    hits.dedup();
    hits
}

fn is_whole_word(b: &[u8], start: usize, end: usize) -> bool {
    let alnum = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_alphanumeric());
    let joiner = |i: usize| b.get(i).is_some_and(|c| matches!(c, b'-' | b'_'));
    let left =
        start > 0 && (alnum(start - 1) || (joiner(start - 1) && start >= 2 && alnum(start - 2)));
    let right = alnum(end) || (joiner(end) && alnum(end + 1));
    !left && !right
}

/// Whether a file is one `flags export` writes, recognised by its content: flagd
/// definitions (`"$schema"` is flagd's flags schema), a `--format json` snapshot (an object
/// of `{"stage", "segments", "rollout"}` objects), an OpenFeature CLI manifest (`"flags"` of
/// objects with a `"flagType"`) or OpenFeature Operator `FeatureFlag` resources.
pub fn is_generated(bytes: &[u8]) -> bool {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').trim_start(),
        Err(_) => return false,
    };
    if text.starts_with("apiVersion: core.openfeature.dev/")
        || text.contains("\napiVersion: core.openfeature.dev/")
    {
        return text.contains("kind: FeatureFlag");
    }
    if !text.starts_with('{') {
        return false;
    }
    let Ok(serde_json::Value::Object(top)) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    let schema = top.get("$schema").and_then(|s| s.as_str());
    if schema == Some(crate::export::FLAGD_SCHEMA)
        || schema == Some(crate::export::OPENFEATURE_MANIFEST_SCHEMA)
    {
        return true;
    }
    let objects_with =
        |map: &serde_json::Map<String, serde_json::Value>, keys: &[&str], exact: bool| {
            !map.is_empty()
                && map.values().all(|v| {
                    v.as_object().is_some_and(|o| {
                        keys.iter().all(|k| o.contains_key(*k)) && (!exact || o.len() == keys.len())
                    })
                })
        };
    if let Some(serde_json::Value::Object(flags)) = top.get("flags")
        && top.len() == 1
        && objects_with(flags, &["flagType"], false)
    {
        return true;
    }
    // The snapshot (`--format json`): typed flags and planned moves add fields to these.
    objects_with(&top, &["stage", "segments", "rollout"], false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(keys: &[&str], text: &str) -> Vec<(u64, &'static str)> {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(keys)
            .unwrap();
        search(&ac, text.as_bytes())
            .into_iter()
            .map(|(l, k)| (l, &*keys[k].to_string().leak()))
            .collect()
    }

    #[test]
    fn whole_words_only() {
        let keys = ["dark-mode"];
        for yes in [
            "dark-mode",
            "\"dark-mode\"",
            "flags.dark-mode",
            "dark-mode.enabled",
            "--dark-mode",
            "f(dark-mode)",
            "dark-mode-",
            "x: dark-mode_",
        ] {
            assert_eq!(lines(&keys, yes), vec![(1, "dark-mode")], "{yes}");
        }
        for no in [
            "dark-mode-v2",
            "old_dark-mode",
            "old-dark-mode",
            "xdark-mode",
            "dark-modes",
            "Dark-mode",
            "dark-mode_2",
            "dark_mode",
        ] {
            assert!(lines(&keys, no).is_empty(), "{no}");
        }
    }

    #[test]
    fn overlapping_keys_and_lines() {
        let keys = ["dark-mode", "dark-mode-v2", "a", "a.b"];
        assert_eq!(
            lines(&keys, "x\ndark-mode-v2 dark-mode\n\ndark-mode dark-mode"),
            vec![(2, "dark-mode"), (2, "dark-mode-v2"), (4, "dark-mode"),]
        );
        // The longer key fails the word test; the shorter one still counts.
        assert_eq!(lines(&keys, "a.bc"), vec![(1, "a")]);
        assert_eq!(lines(&keys, "a.b"), vec![(1, "a"), (1, "a.b")]);
    }

    #[test]
    fn binary_files_are_skipped() {
        assert!(lines(&["dark-mode"], "dark-mode\0").is_empty());
    }

    #[test]
    fn generated_files_are_recognised_by_their_content() {
        let flagd = format!(
            "{{\n  \"$schema\": \"{}\",\n  \"flags\": {{}}\n}}\n",
            crate::export::FLAGD_SCHEMA
        );
        assert!(super::is_generated(flagd.as_bytes()));
        assert!(super::is_generated(
            br#"{"nd": {"stage": "internal", "segments": ["internal"], "rollout": 0}}"#
        ));
        assert!(super::is_generated(
            br#"{"flags": {"nd": {"flagType": "boolean", "defaultValue": false}}}"#
        ));
        assert!(super::is_generated(
            b"apiVersion: core.openfeature.dev/v1beta1\nkind: FeatureFlag\n"
        ));
        // Code and configuration that merely look alike are code.
        assert!(!super::is_generated(br#"{"nd": {"stage": "internal"}}"#));
        assert!(!super::is_generated(
            br#"{"flags": {"nd": true}, "app": 1}"#
        ));
        assert!(!super::is_generated(b"if flags.enabled(\"nd\") {}\n"));
        assert!(!super::is_generated(&[0xff, 0xfe]));
    }
}
