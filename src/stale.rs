//! Cleanup candidates (PRODUCT.md section 4): pure, from the model and what history says.
//!
//! The date a flag entered its stage in an environment is its recorded `since`; without one,
//! the history walker's date ([`crate::git::history`]). A date that a shallow clone cut off is
//! only known to be *on or before* the boundary: it still proves a flag old enough (the truth is
//! at least that old) but is never shown as a date.

use std::collections::HashMap;

use crate::date::{Date, Timestamp};
use crate::git::history::{Dated, FlagHistory};
use crate::repo::{Doc, FlagDef, FlagType, Repo};

/// Why a flag is a cleanup candidate, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// At the last stage everywhere for at least `cleanup.after_days`.
    Ready,
    /// Its `expires` date has passed.
    Expired,
    /// Not fully rolled out `cleanup.stalled_days` after creation.
    Stalled,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Ready => "ready",
            Reason::Expired => "expired",
            Reason::Stalled => "stalled",
        }
    }
}

/// One flag to clean up. A flag with several reasons is listed once, under the first of
/// ready, expired, stalled (ready says the most: it can go now).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub key: String,
    pub owner: String,
    pub kind: FlagType,
    pub reason: Reason,
    /// Ready: the latest date an environment reached the last stage. Expired: the `expires`
    /// date. Stalled: the creation date. `None` when history cannot tell it exactly.
    pub since: Option<Date>,
    /// Days from `since` to the as-of date.
    pub days: Option<i64>,
}

/// The report: candidates in order, plus what could not be decided.
#[derive(Debug, Default)]
pub struct Report {
    pub candidates: Vec<Candidate>,
    /// Temporary flags that could not be dated (no `since`/`created`, not in history).
    pub undated: Vec<String>,
}

/// Inputs besides the repository.
pub struct Context<'a> {
    /// What history says, by key; `None` when there is no git repository.
    pub history: Option<&'a HashMap<String, FlagHistory>>,
    /// "What is stale by then".
    pub as_of: Date,
    /// The real today: a stage changed in the working tree but not committed yet dates from it.
    pub today: Date,
    /// The instant whose stages count (schedules applied): a due entry counts as reached at
    /// its `at`.
    pub at: Timestamp,
}

/// Whether a flag needs history to be dated (some date is not recorded in the file).
pub fn needs_history(repo: &Repo, flag: &FlagDef) -> bool {
    if !flag.kind.value.is_temporary() {
        return false;
    }
    flag.created
        .as_ref()
        .and_then(|c| Date::parse(&c.value))
        .is_none()
        || repo.environment_order().iter().any(|env| {
            repo.state(flag, env)
                .since
                .and_then(|s| Date::parse(&s.value))
                .is_none()
        })
}

/// Finds the cleanup candidates.
pub fn report(repo: &Repo, cx: &Context) -> Report {
    let envs = repo.environment_order();
    let last = repo.pipeline.last();
    let mut out = Report::default();
    for flag in &repo.flags {
        let def = &flag.def;
        let hist = cx.history.and_then(|h| h.get(&flag.name));
        let candidate = |reason, since: Option<Date>| Candidate {
            key: flag.name.clone(),
            owner: def.owner.value.clone(),
            kind: def.kind.value,
            reason,
            since,
            days: since.map(|s| s.days_until(cx.as_of)),
        };
        let temporary = def.kind.value.is_temporary();
        let mut undated = false;
        let fully_rolled_out = !envs.is_empty()
            && envs
                .iter()
                .all(|env| repo.state_at(def, env, cx.at).position == Some(last));

        if temporary && fully_rolled_out {
            let dates: Option<Vec<Dated>> = envs
                .iter()
                .map(|env| env_since(repo, flag, env, hist, cx.today, cx.at))
                .collect();
            match dates {
                Some(dates) => {
                    let bound = dates.iter().map(|d| d.latest()).max();
                    let exact = dates.iter().filter_map(|d| d.exact()).max();
                    if let Some(bound) = bound
                        && bound.days_until(cx.as_of) >= i64::from(repo.cleanup.after_days)
                    {
                        // Exact only when the latest bound is itself a known date.
                        let since = exact.filter(|e| *e == bound);
                        out.candidates.push(candidate(Reason::Ready, since));
                        continue;
                    }
                }
                None => undated = true,
            }
        }
        if let Some(expires) = def.expires.as_ref().and_then(|e| Date::parse(&e.value))
            && expires < cx.as_of
        {
            out.candidates
                .push(candidate(Reason::Expired, Some(expires)));
            continue;
        }
        if temporary && !fully_rolled_out {
            match created(def, hist) {
                Some(created) => {
                    if created.latest().days_until(cx.as_of) >= i64::from(repo.cleanup.stalled_days)
                    {
                        out.candidates
                            .push(candidate(Reason::Stalled, created.exact()));
                    }
                }
                None => undated = true,
            }
        }
        if undated {
            out.undated.push(flag.name.clone());
        }
    }
    out.candidates.sort_by(|a, b| {
        (
            a.reason,
            std::cmp::Reverse(a.days.unwrap_or(i64::MIN)),
            &a.key,
        )
            .cmp(&(
                b.reason,
                std::cmp::Reverse(b.days.unwrap_or(i64::MIN)),
                &b.key,
            ))
    });
    out
}

/// When a flag entered its stage in force at `at` in an environment: the schedule entry's
/// `at`, recorded `since`, else history.
pub fn env_since(
    repo: &Repo,
    flag: &Doc<FlagDef>,
    env: &str,
    hist: Option<&FlagHistory>,
    today: Date,
    at: Timestamp,
) -> Option<Dated> {
    let state = repo.state_at(&flag.def, env, at);
    if let Some(entered) = state.entered() {
        return Some(Dated::On(entered));
    }
    if state.scheduled.is_some() {
        return None;
    }
    let hist = hist?;
    if hist.head_stage(env).is_some_and(|s| s != state.stage) {
        // Changed in the working tree and not committed yet: it happens now.
        return Some(Dated::On(today));
    }
    hist.env(env)
}

/// When a flag was created: recorded `created`, else the commit that added its file.
pub fn created(def: &FlagDef, hist: Option<&FlagHistory>) -> Option<Dated> {
    match def.created.as_ref().and_then(|c| Date::parse(&c.value)) {
        Some(d) => Some(Dated::On(d)),
        None => hist.and_then(|h| h.added),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(flags: &[(&str, &str)]) -> (tempfile::TempDir, Repo) {
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |rel: &str, text: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        };
        write(
            "flags.yaml",
            "cleanup:\n  after_days: 30\n  stalled_days: 90\n",
        );
        write("environments/staging.yaml", "");
        write("environments/production.yaml", "after: staging\n");
        for (key, envs) in flags {
            write(
                &format!("flags/{key}.yaml"),
                &format!("description: d\nowner: o\ntype: release\nenvironments:\n{envs}"),
            );
        }
        let repo = Repo::load(dir.path());
        (dir, repo)
    }

    fn d(s: &str) -> Date {
        Date::parse(s).expect("date")
    }

    #[test]
    fn a_cut_off_date_proves_age_but_is_never_shown() {
        let (_dir, repo) = repo(&[
            ("done", "  staging: everyone\n  production: everyone\n"),
            (
                "mixed",
                "  staging: everyone\n  production:\n    stage: everyone\n    since: 2026-10-01\n",
            ),
            ("unknown", "  staging: everyone\n  production: everyone\n"),
        ]);
        let cut = Dated::OnOrBefore(d("2026-09-01"));
        let mut history = HashMap::new();
        history.insert(
            "done".to_string(),
            FlagHistory {
                added: Some(cut),
                ..FlagHistory::default()
            },
        );
        // The recorded date is later than the boundary: it is the latest, so it is exact.
        history.insert(
            "mixed".to_string(),
            FlagHistory {
                added: Some(cut),
                ..FlagHistory::default()
            },
        );
        let cx = Context {
            history: Some(&history),
            as_of: d("2026-11-25"),
            today: d("2026-11-25"),
            at: Timestamp::end_of(d("2026-11-25")),
        };
        let r = report(&repo, &cx);
        let got: Vec<(&str, Option<Date>, Option<i64>)> = r
            .candidates
            .iter()
            .map(|c| (c.key.as_str(), c.since, c.days))
            .collect();
        assert_eq!(
            got,
            vec![
                ("mixed", Some(d("2026-10-01")), Some(55)),
                ("done", None, None)
            ]
        );
        assert_eq!(r.undated, vec!["unknown".to_string()]);

        // Too recent a boundary proves nothing.
        let cx = Context {
            as_of: d("2026-09-20"),
            ..cx
        };
        assert!(report(&repo, &cx).candidates.is_empty());
    }
}
