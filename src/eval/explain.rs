//! Why a decision was made, in words (`flags eval`).

use super::*;

pub(super) fn explain_reason(reason: &Reason, stage: &str, audience: &Audience) -> String {
    match reason {
        Reason::Off => format!("the flag is `{stage}` in this environment: served to nobody"),
        Reason::Everyone => "the stage serves everyone (rollout 100%)".into(),
        Reason::Listed => "listed in this environment's `users`".into(),
        Reason::Segment {
            segment,
            membership,
        } => format!("in segment `{segment}`: {membership}"),
        Reason::Rollout { bucket, threshold } => format!(
            "in the {}% rollout: bucket {bucket} < {threshold} (of {BUCKETS})",
            audience.rollout
        ),
        Reason::NoMatch { bucket, threshold } => {
            let segs = if audience.segments.is_empty() {
                "the audience has no segments".to_string()
            } else {
                format!("in none of the segments ({})", audience.segments.join(", "))
            };
            let segs = if audience.users.is_empty() {
                segs
            } else {
                format!("{segs}, not in `users`")
            };
            match bucket {
                Some(b) => format!(
                    "{segs}; outside the {}% rollout: bucket {b} >= {threshold} (of {BUCKETS})",
                    audience.rollout
                ),
                None if *threshold > 0 => {
                    format!("{segs}; an empty targeting key is in no rollout")
                }
                None => format!("{segs}; no rollout at this stage"),
            }
        }
        Reason::Prerequisite {
            flag,
            wanted,
            served,
            audience: why,
        } => {
            let inner = explain_reason(why, stage, audience);
            match served {
                Some(v) => format!(
                    "{inner}; but prerequisite `{flag}` serves `{v}`, not `{wanted}`: default"
                ),
                None => format!(
                    "{inner}; but prerequisite `{flag}` reaches this user only through its own partial rollout (or a cycle), which cannot be evaluated inside another flag: not met, default"
                ),
            }
        }
    }
}
