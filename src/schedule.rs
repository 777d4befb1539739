//! Scheduled walks (PRODUCT.md section 9), the pure parts: checking each environment's
//! `schedule` as the promotions it plans, and finding what `flags advance` writes.
//!
//! The stage in force at an instant is [`crate::repo::Repo::state_at`]; everything here reads
//! the same rule (the last entry, in file order, whose `at` has passed), so `validate`,
//! `eval`, `export` and `advance` agree even on a schedule that breaks the rules.

use crate::date::{Date, TIMESTAMP_EXAMPLE, Timestamp};
use crate::error::nearest_or_list;
use crate::escape::escape;
use crate::policy::{Transition, Violation, check_transition, days, stage_list};
use crate::problem::{Effect, Problem, Scope};
use crate::repo::{Doc, FlagDef, Repo};

/// Every problem of one flag's schedules: located on the entry, as if each entry were a
/// promotion at its `at`. `now` decides which entries are due (a note).
pub fn check_flag(repo: &Repo, flag: &Doc<FlagDef>, now: Timestamp, out: &mut Vec<Problem>) {
    let p = &repo.pipeline;
    let key = escape(&flag.name);
    let file = flag.path.as_str();
    for (env_key, entry) in &flag.def.environments.value.0 {
        let entry = &entry.value;
        if entry.schedule.is_empty() {
            continue;
        }
        let env = env_key.value.as_str();
        let envd = escape(env);
        let here = Effect::Undefined(Scope::FlagIn {
            flag: flag.name.clone(),
            env: env.to_string(),
        });
        let gate = crate::repo::graph::gate(repo, env).filter(|g| repo.environment(g).is_some());
        // The position and the instant each entry moves from.
        let mut from = p.position(&entry.stage.value);
        let mut prev_at: Option<Timestamp> = None;
        let mut entered = entry.since.as_ref().and_then(|s| Date::parse(&s.value));
        for item in &entry.schedule {
            let item = &item.value;
            let at = match Timestamp::parse(&item.at.value) {
                Ok(t) => Some(t),
                Err(why) => {
                    out.push(
                        Problem::error(
                            file,
                            Some(item.at.loc),
                            format!(
                                "`at` `{}` of flag `{key}`'s schedule in `{envd}` is not a valid timestamp: {why}; write RFC 3339 with `Z` or an offset, e.g. {TIMESTAMP_EXAMPLE}",
                                escape(&item.at.value)
                            ),
                        )
                        .effect(here.clone()),
                    );
                    None
                }
            };
            let to = p.position(&item.stage.value);
            // While `flags.yaml` cannot be read its stages are unknown: no false errors.
            if to.is_none() && !repo.partial.stages_unknown {
                let hint = nearest_or_list(&item.stage.value, p.names(), "stages");
                out.push(
                    Problem::error(
                        file,
                        Some(item.stage.loc),
                        format!(
                            "flag `{key}`'s schedule in `{envd}` names unknown stage `{}`: {hint}",
                            escape(&item.stage.value)
                        ),
                    )
                    .effect(here.clone()),
                );
            }
            if let (Some(at), Some(prev)) = (at, prev_at)
                && at <= prev
            {
                out.push(
                    Problem::error(
                        file,
                        Some(item.at.loc),
                        format!(
                            "flag `{key}`'s schedule in `{envd}` is out of time order: {at} is not after {prev}, the entry before; list entries in strictly increasing time"
                        ),
                    )
                    .effect(Effect::Order),
                );
            }
            if let (Some(f), Some(t)) = (from, to) {
                let when = at.map_or_else(|| "at its time".to_string(), |a| format!("at {a}"));
                if t <= f {
                    out.push(
                        Problem::error(
                            file,
                            Some(item.stage.loc),
                            format!(
                                "flag `{key}`'s schedule in `{envd}` moves from `{}` to `{}` {when}, which is not forward; a schedule only promotes (roll back with `flags demote`)",
                                p.name_at(f),
                                p.name_at(t)
                            ),
                        )
                        .effect(Effect::Order),
                    );
                } else if let Some(at) = at {
                    let gate_pos = gate
                        .and_then(|g| repo.state_at(&flag.def, g, at).position.map(|pos| (g, pos)));
                    let transition = Transition {
                        pipeline: p,
                        from: f,
                        to: t,
                        on: at.date(),
                        entered,
                        gate: gate_pos,
                    };
                    for v in check_transition(&transition) {
                        let (loc, message) = match &v {
                            Violation::Skips { skipped } => (
                                item.stage.loc,
                                format!(
                                    "flag `{key}`'s schedule in `{envd}` moves from `{}` to `{}` {when}, skipping {}; plan one stage per entry",
                                    p.name_at(f),
                                    p.name_at(t),
                                    stage_list(skipped)
                                ),
                            ),
                            Violation::Gate { env: g, there } => (
                                item.at.loc,
                                format!(
                                    "flag `{key}`'s schedule in `{envd}` reaches `{}` {when}, when `{}` (which `{envd}` comes after) is only at `{}`; schedule `{}` in `{}` earlier, or this entry later",
                                    p.name_at(t),
                                    escape(g),
                                    p.name_at(*there),
                                    p.name_at(t),
                                    escape(g)
                                ),
                            ),
                            Violation::Soak {
                                soak,
                                entered,
                                ready,
                            } => (
                                item.at.loc,
                                format!(
                                    "flag `{key}`'s schedule in `{envd}` leaves `{}` {when}, before its soak time of {} ends on {ready} (entered {entered}); move the entry to {ready} or later",
                                    p.name_at(f),
                                    days(*soak)
                                ),
                            ),
                        };
                        out.push(Problem::error(file, Some(loc), message).effect(Effect::Order));
                    }
                }
            }
            if let Some(at) = at
                && at <= now
            {
                out.push(
                    Problem::note(
                        file,
                        Some(item.at.loc),
                        format!(
                            "flag `{key}` is due to be at `{}` in `{envd}` since {at}: `flags advance` writes it into `stage` and `since`",
                            escape(&item.stage.value)
                        ),
                    )
                    .effect(Effect::Record),
                );
            }
            if to.is_some() {
                from = to;
            }
            if at.is_some() {
                prev_at = at;
                entered = at.map(Timestamp::date);
            }
        }
    }
}

/// What `flags advance` writes for one environment: the entry in force becomes `stage` and
/// `since`, and it and every entry listed before it leave the schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advance {
    pub env: String,
    pub stage: String,
    pub at: Timestamp,
    /// How many entries leave the schedule (from its start).
    pub drop: usize,
}

/// The environments of a flag with a schedule entry in force at `now`. An entry in force whose
/// stage the pipeline does not know is left alone (validation reports it).
pub fn due(repo: &Repo, def: &FlagDef, now: Timestamp) -> Vec<Advance> {
    let mut out = Vec::new();
    for (env, entry) in &def.environments.value.0 {
        let Some((i, e, at)) = entry.value.in_force_with_index(now) else {
            continue;
        };
        if repo.pipeline.position(&e.stage.value).is_none() {
            continue;
        }
        out.push(Advance {
            env: env.value.clone(),
            stage: e.stage.value.clone(),
            at,
            drop: i + 1,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::repo::load_from_sources;

    fn repo(prod: &str, staging: &str) -> Repo {
        let files = vec![
            ("environments/staging.yaml".to_string(), Ok(String::new())),
            (
                "environments/prod.yaml".to_string(),
                Ok("after: staging\n".to_string()),
            ),
            (
                "flags/nd.yaml".to_string(),
                Ok(format!(
                    "description: D\nowner: o\ntype: release\nenvironments:\n  staging:\n{staging}  prod:\n{prod}"
                )),
            ),
        ];
        let settings = "pipeline:\n  - stage: internal\n    soak_days: 2\n  - stage: partners\n  - stage: everyone\n    rollout: 100\n";
        load_from_sources(
            PathBuf::from("/x"),
            Some(Ok(settings.to_string())),
            files,
            Vec::new(),
        )
    }

    fn messages(prod: &str, staging: &str) -> Vec<String> {
        let r = repo(prod, staging);
        let now = Timestamp::parse("2026-11-25T12:00:00Z").unwrap();
        let mut out = Vec::new();
        check_flag(&r, &r.flags[0], now, &mut out);
        out.into_iter()
            .map(|p| {
                format!(
                    "{}:{} {:?} {}",
                    p.line.unwrap_or(0),
                    p.column.unwrap_or(0),
                    p.severity,
                    p.message
                )
            })
            .collect()
    }

    const STAGING_DONE: &str = "    stage: everyone\n";

    #[test]
    fn a_good_plan_has_no_problems_and_due_entries_are_notes() {
        let plan = "    stage: internal\n    since: 2026-11-20\n    schedule:\n      - {stage: partners, at: 2026-11-22T09:00:00Z}\n      - {stage: everyone, at: 2026-12-08T09:00:00+01:00}\n";
        assert_eq!(
            messages(plan, STAGING_DONE),
            vec![
                "11:31 Note flag `nd` is due to be at `partners` in `prod` since 2026-11-22T09:00:00Z: `flags advance` writes it into `stage` and `since`"
            ]
        );
    }

    #[test]
    fn every_rule_is_located_on_its_entry() {
        let plan = "    stage: internal\n    since: 2026-11-30\n    schedule:\n      - {stage: everyone, at: 2026-12-01T09:00:00Z}\n      - {stage: partners, at: 2026-11-30T09:00:00Z}\n      - {stage: evryone, at: 2026-12-32T09:00:00Z}\n";
        assert_eq!(
            messages(plan, "    stage: internal\n"),
            vec![
                "11:17 Error flag `nd`'s schedule in `prod` moves from `internal` to `everyone` at 2026-12-01T09:00:00Z, skipping `partners`; plan one stage per entry",
                "11:31 Error flag `nd`'s schedule in `prod` reaches `everyone` at 2026-12-01T09:00:00Z, when `staging` (which `prod` comes after) is only at `internal`; schedule `everyone` in `staging` earlier, or this entry later",
                "11:31 Error flag `nd`'s schedule in `prod` leaves `internal` at 2026-12-01T09:00:00Z, before its soak time of 2 days ends on 2026-12-02 (entered 2026-11-30); move the entry to 2026-12-02 or later",
                "12:31 Error flag `nd`'s schedule in `prod` is out of time order: 2026-11-30T09:00:00Z is not after 2026-12-01T09:00:00Z, the entry before; list entries in strictly increasing time",
                "12:17 Error flag `nd`'s schedule in `prod` moves from `everyone` to `partners` at 2026-11-30T09:00:00Z, which is not forward; a schedule only promotes (roll back with `flags demote`)",
                "13:30 Error `at` `2026-12-32T09:00:00Z` of flag `nd`'s schedule in `prod` is not a valid timestamp: that date or time does not exist (a day past the end of its month, an hour past 23, a minute or second past 59); write RFC 3339 with `Z` or an offset, e.g. 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00",
                "13:17 Error flag `nd`'s schedule in `prod` names unknown stage `evryone`: did you mean `everyone`?",
            ]
        );
    }

    #[test]
    fn gates_follow_the_gate_environments_own_schedule() {
        let staging = "    stage: internal\n    schedule:\n      - {stage: partners, at: 2026-12-01T09:00:00Z}\n";
        // Reaching partners in prod one second after staging does: fine; one second before: not.
        let ok = "    stage: internal\n    schedule:\n      - {stage: partners, at: 2026-12-01T09:00:01Z}\n";
        assert_eq!(messages(ok, staging), Vec::<String>::new());
        let early = "    stage: internal\n    schedule:\n      - {stage: partners, at: 2026-12-01T08:59:59Z}\n";
        assert_eq!(messages(early, staging).len(), 1);
        assert!(
            messages(early, staging)[0]
                .contains("when `staging` (which `prod` comes after) is only at `internal`")
        );
    }

    /// `pending` lists exactly the entries `in_force` will reach, each at its instant, even
    /// in a schedule out of time order (which validation rejects, but list and export read).
    #[test]
    fn pending_is_what_in_force_will_reach() {
        let plan = "    stage: internal\n    schedule:\n      - {stage: everyone, at: 2026-12-03T09:00:00Z}\n      - {stage: partners, at: 2026-12-01T09:00:00Z}\n      - {stage: internal, at: 2026-12-05T09:00:00Z}\n      - {stage: everyone, at: 2026-12-07T09:00:00Z}\n";
        let r = repo(plan, STAGING_DONE);
        let entry = r.flags[0].def.entry("prod").unwrap();
        let t = |s: &str| Timestamp::parse(s).unwrap();
        let now = t("2026-11-25T12:00:00Z");
        let pending: Vec<(String, &str)> = entry
            .pending(now)
            .iter()
            .map(|(at, e)| (at.to_string(), e.stage.value.as_str()))
            .collect();
        assert_eq!(
            pending,
            vec![
                ("2026-12-01T09:00:00Z".to_string(), "partners"),
                ("2026-12-05T09:00:00Z".to_string(), "internal"),
                ("2026-12-07T09:00:00Z".to_string(), "everyone"),
            ]
        );
        // Hour by hour, whatever is in force is what pending said would be, from its instant.
        let mut instant = now;
        while instant < t("2026-12-09T00:00:00Z") {
            let expected = entry
                .pending(now)
                .into_iter()
                .rev()
                .find(|(at, _)| *at <= instant)
                .map(|(_, e)| e.stage.value.clone());
            let actual = entry.in_force(instant).map(|e| e.stage.value.clone());
            assert_eq!(actual, expected, "at {instant}");
            instant = Timestamp::from_unix(instant.unix() + 3600);
        }
        assert!(entry.pending(t("2026-12-07T09:00:00Z")).is_empty());
    }

    #[test]
    fn due_takes_the_entry_in_force() {
        let plan = "    stage: internal\n    schedule:\n      - {stage: partners, at: 2026-11-22T09:00:00Z}\n      - {stage: everyone, at: 2026-11-24T09:00:00Z}\n      - {stage: nope, at: 2026-12-24T09:00:00Z}\n";
        let r = repo(plan, STAGING_DONE);
        let now = Timestamp::parse("2026-11-25T12:00:00Z").unwrap();
        assert_eq!(
            due(&r, &r.flags[0].def, now),
            vec![Advance {
                env: "prod".into(),
                stage: "everyone".into(),
                at: Timestamp::parse("2026-11-24T09:00:00Z").unwrap(),
                drop: 2
            }]
        );
        let before = Timestamp::parse("2026-11-22T08:59:59Z").unwrap();
        assert_eq!(due(&r, &r.flags[0].def, before), vec![]);
    }
}
