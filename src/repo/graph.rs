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

/// The nodes that lie on a cycle along `edges` (self-loops aside), in one linear pass:
/// Tarjan's strongly connected components, without recursion, so that a chain of thousands
/// of nodes costs neither quadratic time nor a deep stack. A caller then asks for the cycle
/// itself ([`cycle_from`]) only where there is one.
pub fn on_cycles<'a>(nodes: &[&'a str], edges: impl Fn(&str) -> Vec<&'a str>) -> HashSet<&'a str> {
    use std::collections::HashMap;
    /// A node being visited: its edges (self-loops left out) and how many were followed.
    struct Frame<'a> {
        node: &'a str,
        edges: Vec<&'a str>,
        followed: usize,
    }
    #[derive(Default)]
    struct State<'a> {
        index: HashMap<&'a str, usize>,
        low: HashMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: HashSet<&'a str>,
        calls: Vec<Frame<'a>>,
    }
    impl<'a> State<'a> {
        fn enter(&mut self, v: &'a str, edges: Vec<&'a str>) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            let edges = edges.into_iter().filter(|w| *w != v).collect();
            self.calls.push(Frame {
                node: v,
                edges,
                followed: 0,
            });
        }
        fn lower(&mut self, v: &'a str, to: usize) {
            if let Some(l) = self.low.get_mut(v) {
                *l = (*l).min(to);
            }
        }
    }
    let mut st = State::default();
    let mut out = HashSet::new();
    for &root in nodes {
        if st.index.contains_key(root) {
            continue;
        }
        st.enter(root, edges(root));
        while let Some(frame) = st.calls.last_mut() {
            let v = frame.node;
            if let Some(&w) = frame.edges.get(frame.followed) {
                frame.followed += 1;
                match st.index.get(w).copied() {
                    None => st.enter(w, edges(w)),
                    Some(iw) if st.on_stack.contains(w) => st.lower(v, iw),
                    Some(_) => {}
                }
                continue;
            }
            st.calls.pop();
            let (lv, iv) = (st.low[v], st.index[v]);
            if let Some(parent) = st.calls.last().map(|f| f.node) {
                st.lower(parent, lv);
            }
            if lv == iv {
                let mut component = Vec::new();
                while let Some(w) = st.stack.pop() {
                    st.on_stack.remove(w);
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    out.extend(component);
                }
            }
        }
    }
    out
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

    #[test]
    fn on_cycles_finds_every_node_of_every_cycle_and_nothing_else() {
        let graph: &[(&str, &[&str])] = &[
            ("a", &["b"]),
            ("b", &["c", "x"]),
            ("c", &["a"]),
            ("x", &["x", "y"]),
            ("y", &[]),
            ("p", &["q"]),
            ("q", &["p", "missing"]),
        ];
        let edges = |n: &str| -> Vec<&'static str> {
            graph
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, e)| e.to_vec())
                .unwrap_or_default()
        };
        let nodes: Vec<&str> = graph.iter().map(|(k, _)| *k).collect();
        let mut got: Vec<&str> = on_cycles(&nodes, edges).into_iter().collect();
        got.sort();
        assert_eq!(got, vec!["a", "b", "c", "p", "q"]);
        // A chain of 100,000 nodes: no cycle, no deep stack.
        let names: Vec<String> = (0..100_000).map(|i| format!("s{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let chain = |n: &str| -> Vec<&str> {
            let i: usize = n[1..].parse().unwrap();
            refs.get(i + 1).copied().into_iter().collect()
        };
        assert!(on_cycles(&refs, chain).is_empty());
        // Closing the chain makes every node cyclic.
        let ring = |n: &str| -> Vec<&str> {
            let i: usize = n[1..].parse().unwrap();
            vec![refs[(i + 1) % refs.len()]]
        };
        assert_eq!(on_cycles(&refs, ring).len(), 100_000);
    }
}
