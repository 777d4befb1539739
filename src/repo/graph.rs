//! The three graphs of a repository, walked here: segment includes (a segment's
//! `segments`), gates (an environment's `after`) and prerequisites (a flag's `requires`).
//! Validation asks for cycles and `eval`/`export` for what a served flag needs through the
//! same two walks, so a cycle or a reachable node means one thing everywhere. Evaluation and
//! export, which build their output as they go, recurse on [`includes`] and
//! [`prerequisites`] under the limits `crate::eval` sets.

use std::collections::HashSet;

use super::{Repo, TypedView};

/// The segments `segment` includes (none when it does not exist).
pub fn includes<'a>(repo: &'a Repo, segment: &str) -> Vec<&'a str> {
    repo.segment(segment)
        .map(|s| s.def.segments.iter().map(|i| i.value.as_str()).collect())
        .unwrap_or_default()
}

/// The environment `env` comes after (its gate), if any.
pub fn gate<'a>(repo: &'a Repo, env: &str) -> Option<&'a str> {
    repo.environment(env)
        .and_then(|e| e.def.after.as_ref())
        .map(|a| a.value.as_str())
}

/// The flags `flag` requires (none when it does not exist).
pub fn prerequisites<'a>(repo: &'a Repo, flag: &str) -> Vec<&'a str> {
    repo.flag(flag)
        .map(|f| {
            TypedView::new(&f.def)
                .requires()
                .into_iter()
                .map(|(k, _)| k)
                .collect()
        })
        .unwrap_or_default()
}

/// The path `start -> from -> ... -> start` along `edges`, if `from` leads back to `start`:
/// a cycle through the edge `start -> from`. Self-loops are left out (each check reports them
/// on its own); paths longer than `max_len` nodes are not followed.
pub fn path_back<'a>(
    start: &str,
    from: &'a str,
    max_len: usize,
    edges: impl Fn(&str) -> Vec<&'a str>,
) -> Option<Vec<String>> {
    fn walk<'a>(
        cur: &'a str,
        start: &str,
        max_len: usize,
        edges: &dyn Fn(&str) -> Vec<&'a str>,
        path: &mut Vec<String>,
        seen: &mut HashSet<&'a str>,
    ) -> bool {
        if cur == start {
            return true;
        }
        if !seen.insert(cur) || path.len() > max_len {
            return false;
        }
        for next in edges(cur) {
            if next == cur {
                continue;
            }
            path.push(next.to_string());
            if walk(next, start, max_len, edges, path, seen) {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut path = vec![start.to_string(), from.to_string()];
    walk(from, start, max_len, &edges, &mut path, &mut HashSet::new()).then_some(path)
}

/// The first cycle through `start` along `edges` (trying its edges in order), as
/// `start -> ... -> start`.
pub fn cycle_from<'a>(
    start: &'a str,
    max_len: usize,
    edges: impl Fn(&str) -> Vec<&'a str>,
) -> Option<Vec<String>> {
    edges(start)
        .into_iter()
        .filter(|n| *n != start)
        .find_map(|n| path_back(start, n, max_len, &edges))
}

/// Every node reachable from `starts` along `edges`, the starts included.
pub fn reachable(
    starts: impl IntoIterator<Item = String>,
    edges: impl Fn(&str) -> Vec<String>,
) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut todo: Vec<String> = starts.into_iter().collect();
    while let Some(node) = todo.pop() {
        if out.contains(&node) {
            continue;
        }
        todo.extend(edges(&node).into_iter().filter(|n| !out.contains(n)));
        out.insert(node);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edges(e: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Vec<&'static str> {
        let e = e.to_vec();
        move |n: &str| e.iter().filter(|(a, _)| *a == n).map(|(_, b)| *b).collect()
    }

    #[test]
    fn cycles_are_found_through_the_first_edge_that_leads_back() {
        let g = edges(&[
            ("a", "a"),
            ("a", "x"),
            ("a", "b"),
            ("b", "c"),
            ("c", "a"),
            ("x", "y"),
        ]);
        assert_eq!(
            cycle_from("a", usize::MAX, &g),
            Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
        );
        assert_eq!(path_back("a", "x", usize::MAX, &g), None);
        // Not through `a`: a cycle further on is another node's to report.
        let g = edges(&[("a", "b"), ("b", "c"), ("c", "b")]);
        assert_eq!(cycle_from("a", usize::MAX, &g), None);
        assert!(cycle_from("b", usize::MAX, &g).is_some());
        // A path longer than the limit is not followed.
        let g = edges(&[("a", "b"), ("b", "c"), ("c", "d"), ("d", "a")]);
        assert_eq!(cycle_from("a", 2, &g), None);
        assert_eq!(cycle_from("a", 4, &g).map(|p| p.len()), Some(5));
    }

    #[test]
    fn reachable_holds_the_starts_and_survives_cycles() {
        let g = |n: &str| -> Vec<String> {
            match n {
                "a" => vec!["b".into()],
                "b" => vec!["a".into(), "c".into()],
                _ => vec![],
            }
        };
        let mut all: Vec<String> = reachable(["a".to_string()], g).into_iter().collect();
        all.sort();
        assert_eq!(all, ["a", "b", "c"]);
    }
}
