//! Which broken gates a rollback broke (PRODUCT.md section 7): pure, from the stage history.
//!
//! A gate is broken by a rollback when the environment a flag must come after moved back
//! behind it *after* the later environment reached its stage — the emergency path, which CI
//! must let through with a warning. A gate broken by a promotion (the later environment moved
//! past the earlier one), or one whose cause the available history does not show (no git, a
//! shallow clone's boundary), stays an error.

use crate::date::Date;
use crate::git::history::History;
use crate::repo::Repo;
use crate::validate::{GateBreach, Rollback, Rollbacks};

/// One stage change; `commit: None` is a change in the working tree, not committed yet.
#[derive(Debug, Clone, Copy)]
struct Move<'a> {
    commit: Option<&'a str>,
    date: Date,
    from: usize,
    to: usize,
}

/// The rollbacks among `breaches`, judged from `history` (first-parent transitions, newest
/// first, and each flag's stages at HEAD) and the working tree's stages in `repo`.
pub fn find(repo: &Repo, breaches: &[GateBreach], history: &History, today: Date) -> Rollbacks {
    let mut out = Rollbacks::new();
    for b in breaches {
        let key = b.flag.name.as_str();
        let Some(gate_moves) = moves(repo, b, b.gate, history, today) else {
            continue;
        };
        let Some(ahead_moves) = moves(repo, b, b.env, history, today) else {
            continue;
        };
        // The move that put the earlier environment behind: the newest one that started at
        // or past where the later environment is now (older moves kept it behind already).
        let Some(cause) = gate_moves.iter().find(|m| m.from >= b.here) else {
            continue; // behind since the flag was added: never a rollback
        };
        if cause.to >= b.here {
            continue;
        }
        // The later environment reached its stage before that, or got there by moving back
        // itself; moving forward past the gate afterwards is a promotion, an error.
        let promoted_after = ahead_moves.first().is_some_and(|m| {
            m.to > m.from && position_in(history, m) <= position_in(history, cause)
        });
        if promoted_after {
            continue;
        }
        out.insert(
            (key.to_string(), b.env.to_string()),
            Rollback {
                commit: cause.commit.map(str::to_string),
                date: cause.date,
            },
        );
    }
    out
}

/// Where a move stands in history, newest first: the working tree before every commit.
fn position_in(history: &History, m: &Move) -> usize {
    match m.commit {
        None => 0,
        Some(c) => history
            .transitions
            .iter()
            .position(|t| t.commit == c)
            .map_or(usize::MAX, |i| i + 1),
    }
}

/// The stage moves of the breach's flag in `env`, newest first, the working tree's own
/// change (against HEAD) first; `None` when history does not know the flag or a stage in its
/// history is no longer in the pipeline.
fn moves<'a>(
    repo: &Repo,
    b: &GateBreach,
    env: &str,
    history: &'a History,
    today: Date,
) -> Option<Vec<Move<'a>>> {
    let key = b.flag.name.as_str();
    let head = history.flags.get(key)?.head_stage(env)?;
    let pos = |stage: &str| repo.pipeline.position(stage);
    let mut out = Vec::new();
    let now = repo.state(&b.flag.def, env).position?;
    let at_head = pos(head)?;
    if now != at_head {
        out.push(Move {
            commit: None,
            date: today,
            from: at_head,
            to: now,
        });
    }
    for t in history
        .transitions
        .iter()
        .filter(|t| t.flag == key && t.environment == env)
    {
        out.push(Move {
            commit: Some(t.commit.as_str()),
            date: t.date,
            from: pos(&t.from)?,
            to: pos(&t.to)?,
        });
    }
    Some(out)
}
