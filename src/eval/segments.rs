//! Segment membership, following includes within the limits export and validation share.

use super::*;

/// Why a user is in a segment.
#[derive(Debug, Clone, PartialEq)]
pub enum Membership {
    /// The targeting key is listed in `users`.
    Listed,
    /// A rule matched (`value` is the value that matched; `None` for `not_in`).
    Rule {
        index: usize,
        attribute: String,
        op: Op,
        value: Option<RuleValue>,
    },
    /// Through an included segment.
    Included {
        segment: String,
        via: Box<Membership>,
    },
}

impl fmt::Display for Membership {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Membership::Listed => f.write_str("listed in `users`"),
            Membership::Rule {
                attribute,
                op,
                value: Some(v),
                ..
            } => write!(f, "rule `{attribute} {op} {v}` matched"),
            Membership::Rule {
                attribute,
                op,
                value: None,
                ..
            } => {
                write!(
                    f,
                    "rule `{attribute} {op} ...` matched (`{attribute}` is none of its values)"
                )
            }
            Membership::Included { segment, via } => {
                write!(f, "via included segment `{segment}`: {via}")
            }
        }
    }
}

/// How deep segment includes are followed: a segment nested deeper adds nobody, here and in
/// the export (so a hostile repository cannot overflow the stack).
pub const MAX_INCLUDE_DEPTH: usize = 32;

/// How many segments one membership test may visit (a web of includes is otherwise
/// exponential); past it, the rest add nobody. `flags export` refuses such a repository.
pub const MAX_EXPANSIONS: usize = 10_000;

/// Whether `user` is in `segment`, and why. `None`: not a member (or an unknown segment).
pub fn segment_membership(repo: &Repo, segment: &str, user: &User) -> Option<Membership> {
    membership(repo, segment, user, &mut Vec::new(), &mut {
        MAX_EXPANSIONS
    })
}

pub(super) fn membership<'a>(
    repo: &'a Repo,
    segment: &'a str,
    user: &User,
    path: &mut Vec<&'a str>,
    budget: &mut usize,
) -> Option<Membership> {
    if path.contains(&segment) || path.len() > MAX_INCLUDE_DEPTH {
        return None; // an include cycle (a validation error) or too deep: adds nobody
    }
    *budget = budget.checked_sub(1)?;
    let def = &repo.segment(segment)?.def;
    if def.exclude.iter().any(|e| e.value == user.key) {
        return None;
    }
    if def.users.iter().any(|u| u.value == user.key) {
        return Some(Membership::Listed);
    }
    for (index, rule) in def.rules.iter().enumerate() {
        let rule = &rule.value;
        if rule_matches(rule, user) {
            let matched = rule_match(rule, user).cloned();
            return Some(Membership::Rule {
                index,
                attribute: rule.attribute.value.clone(),
                op: rule.op.value,
                // `not_in` matched because of no value in particular.
                value: if rule.op.value == Op::NotIn {
                    None
                } else {
                    matched
                },
            });
        }
    }
    path.push(segment);
    let mut found = None;
    for inc in &def.segments {
        if let Some(via) = membership(repo, &inc.value, user, path, budget) {
            found = Some(Membership::Included {
                segment: inc.value.clone(),
                via: Box::new(via),
            });
            break;
        }
    }
    path.pop();
    found
}
