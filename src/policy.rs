//! The pipeline policy: what may stand in the way of one move forward of a flag in one
//! environment (one stage at a time, the soak time of the stage it leaves, the gate of the
//! environment it comes after). One function, [`check_transition`], used by `flags promote`
//! and `flags schedule` (rendered as refusals) and by schedule validation (rendered as
//! problems located on the entry). Pure: no I/O, no printing.

use crate::date::Date;
use crate::repo::Pipeline;

/// One move forward: from position `from` to `to` in an environment, made on `on`.
#[derive(Debug, Clone, Copy)]
pub struct Transition<'a> {
    pub pipeline: &'a Pipeline,
    pub from: usize,
    pub to: usize,
    /// The day of the move (today for a promotion, the day of `at` for a schedule entry).
    pub on: Date,
    /// When the environment entered `from`, if known (`since`, git history, an earlier entry).
    pub entered: Option<Date>,
    /// The environment this one comes `after` and the flag's position there at the time of
    /// the move.
    pub gate: Option<(&'a str, usize)>,
}

/// Why a move may not be made (without `--force`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// More than one stage forward; the stages skipped.
    Skips { skipped: Vec<String> },
    /// The gate environment is not at `to` yet.
    Gate { env: String, there: usize },
    /// The stage left has not soaked: entered on `entered`, ready on `ready`.
    Soak {
        soak: u32,
        entered: Date,
        ready: Date,
    },
}

/// Every rule the move breaks, in the order promote has always reported them (skips, gate,
/// soak). A move that is not forward is the caller's to refuse: it is no promotion at all.
pub fn check_transition(t: &Transition<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    if t.to > t.from + 1 {
        out.push(Violation::Skips {
            skipped: (t.from + 1..t.to)
                .map(|i| t.pipeline.name_at(i).to_string())
                .collect(),
        });
    }
    if let Some((env, there)) = t.gate
        && there < t.to
    {
        out.push(Violation::Gate {
            env: env.to_string(),
            there,
        });
    }
    if t.from > 0
        && let Some(soak) = t.pipeline.stages.get(t.from - 1).and_then(|s| s.soak_days)
        && let Some(entered) = t.entered
    {
        let ready = entered.add_days(i64::from(soak));
        if t.on < ready {
            out.push(Violation::Soak {
                soak,
                entered,
                ready,
            });
        }
    }
    out
}

/// `1 day`, `3 days`.
pub fn days(n: u32) -> String {
    format!("{n} day{}", if n == 1 { "" } else { "s" })
}

/// "`a`, `b`" for messages.
pub fn stage_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipeline() -> Pipeline {
        let mut p = Pipeline::default_pipeline();
        p.stages[0].soak_days = Some(2);
        p
    }

    #[test]
    fn each_rule_is_reported_and_only_when_broken() {
        let p = pipeline();
        let d = |s: &str| Date::parse(s).unwrap();
        let t = Transition {
            pipeline: &p,
            from: 1,
            to: 2,
            on: d("2026-11-25"),
            entered: Some(d("2026-11-23")),
            gate: Some(("staging", 2)),
        };
        assert_eq!(check_transition(&t), vec![]);
        let early = Transition {
            entered: Some(d("2026-11-24")),
            ..t
        };
        assert_eq!(
            check_transition(&early),
            vec![Violation::Soak {
                soak: 2,
                entered: d("2026-11-24"),
                ready: d("2026-11-26")
            }]
        );
        let unknown_entry = Transition {
            entered: None,
            ..early
        };
        assert_eq!(check_transition(&unknown_entry), vec![]);
        let all = Transition {
            from: 1,
            to: 3,
            gate: Some(("staging", 1)),
            ..early
        };
        assert_eq!(
            check_transition(&all),
            vec![
                Violation::Skips {
                    skipped: vec!["partners".into()]
                },
                Violation::Gate {
                    env: "staging".into(),
                    there: 1
                },
                Violation::Soak {
                    soak: 2,
                    entered: d("2026-11-24"),
                    ready: d("2026-11-26")
                }
            ]
        );
    }
}
