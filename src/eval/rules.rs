//! Segment rules: does one rule match a user (no coercion between strings and numbers).

use super::*;

#[derive(Clone, Copy)]
pub(super) enum Attr<'a> {
    Str(&'a str),
    Num(f64),
}

/// Whether `rule` matches `user` (see the module docs for the semantics).
pub fn rule_matches(rule: &Rule, user: &User) -> bool {
    rule_match(rule, user).is_some() || not_in_empty(rule, user)
}

/// The value of `rule` that matched `user`, if any; for `not_in`, its first value.
pub(super) fn rule_match<'r>(rule: &'r Rule, user: &User) -> Option<&'r RuleValue> {
    let attr = user.lookup(&rule.attribute.value)?;
    let values = &rule.values.value;
    let op = rule.op.value;
    if op == Op::NotIn {
        // Matches with every value, so report none of them in particular: the first.
        return if values.iter().any(|v| equals(attr, v)) {
            None
        } else {
            values.first()
        };
    }
    values.iter().find(|v| match (op, attr, v) {
        (Op::In, a, v) => equals(a, v),
        (Op::StartsWith, Attr::Str(a), RuleValue::String(v)) => a.starts_with(v.as_str()),
        (Op::EndsWith, Attr::Str(a), RuleValue::String(v)) => a.ends_with(v.as_str()),
        (Op::Contains, Attr::Str(a), RuleValue::String(v)) => a.contains(v.as_str()),
        (Op::Lt, Attr::Num(a), RuleValue::Number(v)) => a < *v,
        (Op::Lte, Attr::Num(a), RuleValue::Number(v)) => a <= *v,
        (Op::Gt, Attr::Num(a), RuleValue::Number(v)) => a > *v,
        (Op::Gte, Attr::Num(a), RuleValue::Number(v)) => a >= *v,
        _ => false,
    })
}

/// `not_in` with no values matches every present attribute, but has no value to report.
pub(super) fn not_in_empty(rule: &Rule, user: &User) -> bool {
    rule.op.value == Op::NotIn
        && rule.values.value.is_empty()
        && user.lookup(&rule.attribute.value).is_some()
}

pub(super) fn equals(a: Attr<'_>, v: &RuleValue) -> bool {
    match (a, v) {
        (Attr::Str(a), RuleValue::String(v)) => a == v,
        (Attr::Num(a), RuleValue::Number(v)) => a == *v,
        _ => false,
    }
}
