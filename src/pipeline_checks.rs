//! `validate --against REV`: the pipeline rules of PRODUCT.md section 3 applied to what
//! changed between two loaded repositories. Pure: two models in, problems out.

use crate::date::Date;
use crate::problem::Problem;
use crate::render::escape;
use crate::repo::Repo;

/// Problems with the stage changes from `base` (the repository at REV) to `head`: a move
/// forward of more than one stage, a new flag created past the first stage, a promotion
/// before the stage's `soak_days` passed, and a stage change that leaves the old `since`.
/// Positions are read in `head`'s pipeline; each problem points at the changed stage value.
pub fn check_against(base: &Repo, head: &Repo, today: Date) -> Vec<Problem> {
    let p = &head.pipeline;
    let mut out = Vec::new();
    for flag in &head.flags {
        let key = escape(&flag.name);
        let old = base.flag(&flag.name);
        for (env_key, entry) in &flag.def.environments.value.0 {
            let env = escape(&env_key.value);
            let entry = &entry.value;
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
            let before = base.state(&old.def, &env_key.value);
            if before.stage == entry.stage.value.as_str() {
                continue;
            }
            let Some(from) = p.position(before.stage) else {
                continue;
            };
            if to > from + 1 {
                out.push(Problem::error(
                    &flag.path,
                    loc,
                    format!(
                        "flag `{key}` moves from `{}` to `{}` in `{env}`, skipping {}; promote one stage at a time",
                        p.name_at(from),
                        p.name_at(to),
                        (from + 1..to).map(|i| format!("`{}`", p.name_at(i))).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            if to > from
                && from > 0
                && let Some(soak) = p.stages.get(from - 1).and_then(|s| s.soak_days)
                && let Some(entered) = before.since.and_then(|s| Date::parse(&s.value))
            {
                // The new `since` dates the promotion; a kept (stale) one does not.
                let promoted = entry
                    .since
                    .as_ref()
                    .filter(|s| before.since.is_none_or(|b| b.value != s.value))
                    .and_then(|s| Date::parse(&s.value))
                    .unwrap_or(today);
                let ready = entered.add_days(i64::from(soak));
                if promoted < ready {
                    out.push(Problem::error(
                        &flag.path,
                        loc,
                        format!(
                            "flag `{key}` leaves `{}` in `{env}` on {promoted}, before its soak time of {soak} day{} ends on {ready} (entered {entered})",
                            p.name_at(from),
                            if soak == 1 { "" } else { "s" }
                        ),
                    ));
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
        check_against(&repo(base), &repo(head), today)
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
}
