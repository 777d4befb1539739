//! `validate --against REV`: the pipeline rules of PRODUCT.md section 3 applied to what
//! changed between two loaded repositories. Pure: two models in, problems out.

use crate::date::{Date, Timestamp};
use crate::escape::escape;
use crate::policy::{Transition, Violation, check_transition, days, stage_list};
use crate::problem::{Effect, Problem};
use crate::repo::{EnvEntry, Repo};

/// Problems with the stage changes from `base` (the repository at REV) to `head`: a move
/// forward of more than one stage, a new flag created past the first stage, a promotion
/// before the stage's `soak_days` passed, and a stage change that leaves the old `since`.
/// Positions are read in `head`'s pipeline; each problem points at the changed stage value.
///
/// Stages are those in force at `now` on both sides, so `flags advance` writing a due entry
/// into `stage` is no change. Schedule entries added or changed since `base` are checked
/// like the promotions they plan (PRODUCT.md section 9): the schedule checks of `validate`
/// apply to every entry, and here an entry that is already due when it lands is an error.
pub fn check_against(base: &Repo, head: &Repo, today: Date, now: Timestamp) -> Vec<Problem> {
    let p = &head.pipeline;
    let mut out = Vec::new();
    for flag in &head.flags {
        let key = escape(&flag.name);
        let old = base.flag(&flag.name);
        // A flag whose file could not be read at the base is not new, and its stages there
        // are unknown: nothing to compare (as `flags diff` leaves it out).
        if old.is_none()
            && base
                .load_problems
                .iter()
                .any(|p| p.is_error() && p.file == flag.path)
        {
            continue;
        }
        for (env_key, entry) in &flag.def.environments.value.0 {
            let env = escape(&env_key.value);
            let entry = &entry.value;
            check_added_entries(
                old.and_then(|o| o.def.entry(&env_key.value)),
                entry,
                &flag.path,
                &key,
                &env,
                now,
                &mut out,
            );
            let loc = Some(entry.stage.loc);
            let Some(to) = p.position(&entry.stage.value) else {
                continue;
            }; // validate reports it
            let Some(old) = old else {
                if to > 1 {
                    out.push(Problem::error(
                        &flag.path,
                        loc,
                        format!(
                            "new flag `{key}` starts at `{}` in `{env}`; new flags start at `{}` and are promoted one stage at a time (`flags promote`)",
                            p.name_at(to),
                            p.name_at(1)
                        ),
                    ));
                }
                continue;
            };
            if head
                .state_at(&flag.def, &env_key.value, now)
                .scheduled
                .is_some()
            {
                // In force by a schedule entry, checked above and by `validate`.
                continue;
            }
            let before = base.state_at(&old.def, &env_key.value, now);
            if before.stage == entry.stage.value.as_str() {
                continue;
            }
            let Some(from) = p.position(before.stage) else {
                continue;
            };
            // The date the old stage was entered (`since`, or its schedule entry's `at`).
            let before_entered = before.entered();
            if to > from {
                // The new `since` dates the promotion; a kept (stale) one does not.
                let promoted = entry
                    .since
                    .as_ref()
                    .filter(|s| before.since.is_none_or(|b| b.value != s.value))
                    .and_then(|s| Date::parse(&s.value))
                    .unwrap_or(today);
                // Gates are checked on the whole repository by `validate`.
                let transition = Transition {
                    pipeline: p,
                    from,
                    to,
                    on: promoted,
                    entered: before_entered,
                    gate: None,
                };
                for v in check_transition(&transition) {
                    let message = match v {
                        Violation::Skips { skipped } => format!(
                            "flag `{key}` moves from `{}` to `{}` in `{env}`, skipping {}; promote one stage at a time",
                            p.name_at(from),
                            p.name_at(to),
                            stage_list(&skipped)
                        ),
                        Violation::Soak {
                            soak,
                            entered,
                            ready,
                        } => format!(
                            "flag `{key}` leaves `{}` in `{env}` on {promoted}, before its soak time of {} ends on {ready} (entered {entered})",
                            p.name_at(from),
                            days(soak)
                        ),
                        Violation::Gate { .. } => continue,
                    };
                    out.push(Problem::error(&flag.path, loc, message));
                }
            }
            if let (Some(new_since), Some(old_since)) = (&entry.since, before.since)
                && new_since.value == old_since.value
                // A `since` of today cannot date the new stage too early (a same-day
                // promote and demote legitimately keeps the date).
                && Date::parse(&new_since.value).is_none_or(|d| d < today)
            {
                out.push(Problem::error(
                    &flag.path,
                    loc,
                    format!(
                        "flag `{key}` changes stage in `{env}` ({} -> {}) but keeps `since: {}` from the previous stage; set `since` to the date of this change (`flags promote`/`flags demote` do)",
                        p.name_at(from),
                        p.name_at(to),
                        escape(&new_since.value)
                    ),
                ));
            }
        }
    }
    out
}

/// Entries of `entry`'s schedule that are not in `old`'s (added, or changed in stage or
/// time) and are already due: they take effect the moment they land, unreviewed as a
/// promotion, and `flags advance` would date the stage to an `at` before the change existed.
fn check_added_entries(
    old: Option<&EnvEntry>,
    entry: &EnvEntry,
    file: &str,
    key: &str,
    env: &str,
    now: Timestamp,
    out: &mut Vec<Problem>,
) {
    for item in &entry.schedule {
        let item = &item.value;
        let known = old.is_some_and(|o| {
            o.schedule.iter().any(|e| {
                e.value.stage.value == item.stage.value && e.value.at.value == item.at.value
            })
        });
        if known {
            continue;
        }
        if let Ok(at) = Timestamp::parse(&item.at.value)
            && at <= now
        {
            out.push(
                Problem::error(
                    file,
                    Some(item.at.loc),
                    format!(
                        "flag `{key}`'s schedule in `{env}` gains an entry for `{}` at {at}, which has already passed: it would take effect as soon as it lands, dated before it was made; plan a time to come, or promote now with `flags promote`",
                        escape(&item.stage.value)
                    ),
                )
                .effect(Effect::Order),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::repo::load_from_sources;

    fn repo(flag: &str) -> Repo {
        let files = vec![
            ("environments/prod.yaml".to_string(), Ok(String::new())),
            (
                "flags/nd.yaml".to_string(),
                Ok(format!(
                    "description: D\nowner: o\ntype: release\nenvironments:\n{flag}"
                )),
            ),
        ];
        load_from_sources(PathBuf::from("/x"), None, files, Vec::new())
    }

    fn messages(base: &str, head: &str) -> Vec<String> {
        let today = Date::parse("2026-11-25").unwrap();
        check_against(&repo(base), &repo(head), today, Timestamp::end_of(today))
            .into_iter()
            .map(|p| p.message)
            .collect()
    }

    #[test]
    fn demotions_may_jump_but_must_update_since() {
        assert_eq!(
            messages(
                "  prod:\n    stage: everyone\n    since: 2026-11-01\n",
                "  prod:\n    stage: off\n    since: 2026-11-20\n"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            messages(
                "  prod:\n    stage: everyone\n    since: 2026-11-01\n",
                "  prod:\n    stage: off\n    since: 2026-11-01\n"
            ),
            vec![
                "flag `nd` changes stage in `prod` (everyone -> off) but keeps `since: 2026-11-01` from the previous stage; set `since` to the date of this change (`flags promote`/`flags demote` do)"
            ]
        );
    }

    #[test]
    fn a_since_of_today_is_accepted_and_unchanged_stages_are_not_checked() {
        assert_eq!(
            messages(
                "  prod:\n    stage: internal\n    since: 2026-11-25\n",
                "  prod:\n    stage: partners\n    since: 2026-11-25\n"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            messages("  prod: everyone\n", "  prod: everyone  # moved comment\n"),
            Vec::<String>::new()
        );
        // Listing an environment at `off` explicitly is no stage change.
        assert_eq!(
            messages("  dev: internal\n", "  dev: internal\n  prod: off\n"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn an_advance_is_no_stage_change_and_a_due_entry_added_is_an_error() {
        assert_eq!(
            messages(
                "  prod:\n    stage: internal\n    since: 2026-11-01\n    schedule:\n      - {stage: partners, at: 2026-11-20T09:00:00Z}\n",
                "  prod:\n    stage: partners\n    since: 2026-11-20\n"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            messages(
                "  prod: internal\n",
                "  prod:\n    stage: internal\n    schedule:\n      - {stage: partners, at: 2026-11-24T09:00:00Z}\n"
            ),
            vec![
                "flag `nd`'s schedule in `prod` gains an entry for `partners` at 2026-11-24T09:00:00Z, which has already passed: it would take effect as soon as it lands, dated before it was made; plan a time to come, or promote now with `flags promote`"
            ]
        );
        // Already there in the base: not added, not reported again.
        let planned = "  prod:\n    stage: internal\n    schedule:\n      - {stage: partners, at: 2026-11-24T09:00:00Z}\n";
        assert_eq!(messages(planned, planned), Vec::<String>::new());
    }
}
