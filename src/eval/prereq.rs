//! Prerequisites: the variant another flag serves, as a targeting expression can know it.

use super::*;

/// How deep prerequisite chains are followed (a requires b requires c ...); deeper ones
/// are not met, here and in the export. Validation reports chains past it.
pub const MAX_PREREQ_DEPTH: usize = 16;

/// How many prerequisite evaluations one flag's answer may take (shared prerequisites count
/// each time: a web of them is otherwise exponential). Past it the rest are not met here,
/// `flags export` refuses, and validation reports the flag, so `eval` and `export` refuse it.
pub const MAX_PREREQ_EXPANSIONS: usize = 1_000;

/// The variant prerequisite `key` serves `user` in `env`, as another flag's targeting can
/// know it: `None` when its own partial rollout decides it (flagd buckets a rollout by the
/// flag being evaluated, so no other flag can reproduce it), when the chain cycles or runs
/// deeper than [`MAX_PREREQ_DEPTH`], or when the flag does not exist.
pub(super) fn prerequisite_variant(
    repo: &Repo,
    key: &str,
    env: &str,
    user: &User,
    now: Timestamp,
    path: &mut Vec<String>,
    budget: &mut usize,
) -> Option<String> {
    if path.iter().any(|p| p == key) || path.len() > MAX_PREREQ_DEPTH {
        return None;
    }
    *budget = budget.checked_sub(1)?;
    let flag = repo.flag(key)?;
    path.push(key.to_string());
    let d = evaluate_in(repo, key, &flag.def, env, user, now, path, budget);
    path.pop();
    let by_rollout = |r: &Reason| {
        matches!(
            r,
            Reason::Rollout { .. }
                | Reason::NoMatch {
                    bucket: Some(_),
                    ..
                }
        )
    };
    let undecided = match &d.reason {
        Reason::Prerequisite { audience, .. } => by_rollout(audience),
        r => by_rollout(r),
    };
    (!undecided).then_some(d.variant)
}
