//! Comment-preserving edits of an environment's `schedule` (PRODUCT.md section 9): add an
//! entry, clear the entries, drop the entries `flags advance` has written into `stage`.
//!
//! Pure, like [`crate::edit`], whose splicing helpers it uses: only the lines of the schedule
//! change, and every result is parsed again and compared with the intended model (every other
//! value of the file unchanged) before anything is written.

use anyhow::{Result, bail};

use crate::edit::{
    Splice, apply, editable, indent_of, line_content_end, line_start, long_form,
    only_indent_before, parse_for_edit, yaml_string,
};
use crate::repo::{EnvEntry, FlagDef, Loc, ScheduleEntry, Sp, parse_flag};

/// Appends `{stage: STAGE, at: AT}` to the schedule of `env` (creating `schedule:`, and
/// turning a short form entry into a long one, as needed).
pub fn add(source: &str, env: &str, stage: &str, at: &str) -> Result<String> {
    editable(source, |source| {
        let (def, nl) = parse_for_edit(source)?;
        let Some((key, entry)) = find(&def, env) else {
            bail!(
                "the flag does not list `{env}` (it is `off` there); add `{env}: off` under `environments` first"
            );
        };
        let item = format!("{{stage: {}, at: {}}}", yaml_string(stage), at_text(at));
        let new = if !entry.long_form {
            short_to_long(source, nl, key, entry, &item)?
        } else {
            let child = block_child_indent(source, key, entry)?;
            match (entry.schedule.first(), entry.schedule.last()) {
                (Some(first), Some(last)) if is_block_item(source, first) => {
                    let (ls, end) = item_lines(source, last);
                    let prefix = &source[ls..ls + indent_of(&source[ls..])];
                    apply(
                        source,
                        vec![Splice {
                            start: end,
                            end,
                            text: format!("{nl}{prefix}- {item}"),
                        }],
                    )?
                }
                (Some(_), Some(last)) => {
                    // Flow sequence: `schedule: [{...}, {...}]` gets `, {...}` before `]`.
                    let after = value_end(last);
                    let rest = source.get(after..).unwrap_or_default();
                    let close = rest
                        .char_indices()
                        .find(|&(_, c)| !(c == '}' || c.is_whitespace()))
                        .filter(|&(_, c)| c == ']')
                        .map(|(i, _)| after + i);
                    let Some(close) = close else {
                        bail!("the schedule of `{env}` has an unusual layout; edit it by hand");
                    };
                    apply(
                        source,
                        vec![Splice {
                            start: close,
                            end: close,
                            text: format!(", {item}"),
                        }],
                    )?
                }
                _ => {
                    let end = entry_end(source, key);
                    match empty_schedule_key(source, key, end, &child) {
                        // `schedule:` or `schedule: []` with nothing planned: the entry goes
                        // under that key (a second `schedule` key would be a duplicate).
                        Some((key_start, key_end)) => apply(
                            source,
                            vec![Splice {
                                start: key_start,
                                end: key_end,
                                text: format!("schedule:{nl}{child}  - {item}"),
                            }],
                        )?,
                        None => apply(
                            source,
                            vec![Splice {
                                start: end,
                                end,
                                text: format!("{nl}{child}schedule:{nl}{child}  - {item}"),
                            }],
                        )?,
                    }
                }
            }
        };
        verify(&def, &new, env, |e| {
            e.schedule.push(Sp::new(
                ScheduleEntry {
                    stage: Sp::new(stage.to_string(), Loc::default()),
                    at: Sp::new(at.to_string(), Loc::default()),
                },
                Loc::default(),
            ));
        })?;
        Ok(new)
    })
}

/// Removes the whole `schedule` of `env` (nothing to do when it has none).
pub fn clear(source: &str, env: &str) -> Result<String> {
    editable(source, |source| {
        let (def, _) = parse_for_edit(source)?;
        clear_in(source, &def, env)
    })
}

/// [`clear`] of a text without a byte-order mark, whose flag is `def`.
fn clear_in(source: &str, def: &FlagDef, env: &str) -> Result<String> {
    let Some((key, entry)) = find(def, env) else {
        return Ok(source.to_string());
    };
    if entry.schedule.is_empty() {
        return Ok(source.to_string());
    }
    block_child_indent(source, key, entry)?;
    let (Some(first), Some(last)) = (entry.schedule.first(), entry.schedule.last()) else {
        return Ok(source.to_string());
    };
    // From the `schedule:` key line to the end of the last entry's line.
    let first_line = line_start(source, item_lines(source, first).0);
    let key_line = schedule_key_line(source, first_line).ok_or_else(|| {
        anyhow::anyhow!("the schedule of `{env}` has an unusual layout; edit it by hand")
    })?;
    let (_, end) = item_lines(source, last);
    let end = next_line(source, end);
    let new = apply(
        source,
        vec![Splice {
            start: key_line,
            end,
            text: String::new(),
        }],
    )?;
    verify(def, &new, env, |e| e.schedule.clear())?;
    Ok(new)
}

/// Drops the first `n` entries of the schedule of `env` (all of them: the `schedule` key too).
/// Used by `flags advance` after writing the last due entry into `stage` and `since`.
pub fn drop_first(source: &str, env: &str, n: usize) -> Result<String> {
    editable(source, |source| {
        let (def, _) = parse_for_edit(source)?;
        let Some((key, entry)) = find(&def, env) else {
            return Ok(source.to_string());
        };
        if n == 0 {
            return Ok(source.to_string());
        }
        if n >= entry.schedule.len() {
            return clear_in(source, &def, env);
        }
        block_child_indent(source, key, entry)?;
        let first = &entry.schedule[0];
        let keep = &entry.schedule[n];
        if !is_block_item(source, first) || !is_block_item(source, keep) {
            bail!("the schedule of `{env}` is written in flow style (`[...]`); edit it by hand");
        }
        let start = item_lines(source, first).0;
        let end = item_lines(source, keep).0;
        let new = apply(
            source,
            vec![Splice {
                start,
                end,
                text: String::new(),
            }],
        )?;
        verify(&def, &new, env, |e| {
            e.schedule.drain(..n.min(e.schedule.len()));
        })?;
        Ok(new)
    })
}

/// The span of an empty `schedule:` or `schedule: []` (comment excluded) among the fields
/// of the long-form entry at `key`, which end at `end`, indented by `child`.
fn empty_schedule_key(
    source: &str,
    key: &Sp<String>,
    end: usize,
    child: &str,
) -> Option<(usize, usize)> {
    let mut pos = next_line_start(source, line_content_end(source, key.loc.start))?;
    while pos < end {
        let line_end = line_content_end(source, pos);
        let line = &source[pos..line_end];
        if let Some(rest) = line
            .strip_prefix(child)
            .and_then(|l| l.strip_prefix("schedule:"))
        {
            let content = rest.find(" #").map_or(rest, |i| &rest[..i]);
            let value_end = pos + child.len() + "schedule:".len() + content.trim_end().len();
            let value: String = content.chars().filter(|c| !c.is_whitespace()).collect();
            let empty = matches!(value.as_str(), "" | "[]" | "~" | "null" | "Null" | "NULL");
            return empty.then_some((pos + child.len(), value_end));
        }
        pos = match next_line_start(source, line_end) {
            Some(p) => p,
            None => break,
        };
    }
    None
}

fn find<'a>(def: &'a FlagDef, env: &str) -> Option<(&'a Sp<String>, &'a EnvEntry)> {
    def.environments
        .value
        .0
        .iter()
        .find(|(k, _)| k.value == env)
        .map(|(k, v)| (k, &v.value))
}

/// `at` as a YAML scalar: plain when it is a plain RFC 3339 timestamp, else quoted.
fn at_text(at: &str) -> String {
    if at
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'+' | b'.'))
    {
        at.to_string()
    } else {
        serde_json::Value::String(at.to_string()).to_string()
    }
}

/// The end of the value of an entry's last field.
fn value_end(e: &Sp<ScheduleEntry>) -> usize {
    let end = |l: crate::repo::Loc| l.start.saturating_add(l.len);
    end(e.value.stage.loc).max(end(e.value.at.loc))
}

/// The start of an entry's first line and the end of its last line's content.
fn item_lines(source: &str, e: &Sp<ScheduleEntry>) -> (usize, usize) {
    let start = e.value.stage.loc.start.min(e.value.at.loc.start);
    (
        line_start(source, start),
        line_content_end(source, value_end(e)),
    )
}

/// Whether an entry is a block sequence item: its first line starts with `- `.
fn is_block_item(source: &str, e: &Sp<ScheduleEntry>) -> bool {
    let (ls, _) = item_lines(source, e);
    let line = &source[ls..line_content_end(source, ls)];
    line.trim_start_matches(' ').starts_with("- ")
}

/// The indentation of the long form entry's keys; an error unless it is a block mapping.
fn block_child_indent(source: &str, key: &Sp<String>, entry: &EnvEntry) -> Result<String> {
    let ls = line_start(source, entry.stage.loc.start);
    let indent = indent_of(&source[ls..]);
    if entry.stage.loc.line == key.loc.line
        || !only_indent_before(source, ls + indent)
        || !only_indent_before(source, key.loc.start)
    {
        bail!(
            "the entry of `{}` is written in flow style (`{{...}}`); edit its schedule by hand",
            key.value
        );
    }
    Ok(" ".repeat(indent))
}

/// The end of the last line that belongs to the environment entry at `key` (lines indented
/// deeper than the key; comments and blank lines after it belong to what follows).
fn entry_end(source: &str, key: &Sp<String>) -> usize {
    let ls = line_start(source, key.loc.start);
    let key_indent = indent_of(&source[ls..]);
    let mut end = line_content_end(source, key.loc.start);
    let mut pos = next_line_start(source, end);
    while let Some(p) = pos {
        let le = line_content_end(source, p);
        let line = &source[p..le];
        let trimmed = line.trim_start_matches(' ');
        if !(trimmed.is_empty() || trimmed.starts_with('#')) {
            if indent_of(line) <= key_indent {
                break;
            }
            end = le;
        }
        pos = next_line_start(source, le);
    }
    end
}

fn next_line_start(source: &str, from: usize) -> Option<usize> {
    source
        .get(from..)
        .and_then(|s| s.find('\n'))
        .map(|i| from + i + 1)
        .filter(|&p| p < source.len())
}

/// The start of the line after the one ending at `content_end` (or the end of the file).
fn next_line(source: &str, content_end: usize) -> usize {
    source
        .get(content_end..)
        .and_then(|s| s.find('\n'))
        .map_or(source.len(), |i| content_end + i + 1)
}

/// The start of the `schedule:` key's line, at or above the line starting at `from` (only
/// blank and comment lines may lie between the key and the first entry).
fn schedule_key_line(source: &str, from: usize) -> Option<usize> {
    let mut ls = from;
    loop {
        let line = &source[ls..line_content_end(source, ls)];
        let trimmed = line.trim_start_matches(' ');
        if let Some(rest) = trimmed
            .strip_prefix("schedule")
            .map(|r| r.trim_start_matches(' '))
            && rest.starts_with(':')
        {
            return Some(ls);
        }
        let skippable = trimmed.is_empty() || trimmed.starts_with('#') || ls == from;
        if !skippable || ls == 0 {
            return None;
        }
        ls = line_start(source, ls - 1);
    }
}

/// `production: partners  # note` becomes a block mapping with the schedule, keeping the
/// comment on the key line.
fn short_to_long(
    source: &str,
    nl: &str,
    key: &Sp<String>,
    entry: &EnvEntry,
    item: &str,
) -> Result<String> {
    let value_start = entry.stage.loc.start;
    let stage_end = value_start.saturating_add(entry.stage.loc.len);
    if entry.stage.loc.line != key.loc.line || !only_indent_before(source, key.loc.start) {
        bail!(
            "the entry of `{}` has an unusual layout; edit its schedule by hand",
            key.value
        );
    }
    let stage_text = source.get(value_start..stage_end).ok_or_else(|| {
        anyhow::anyhow!("the position of a value is out of range; edit it by hand")
    })?;
    let lines = [
        format!("stage: {stage_text}"),
        "schedule:".to_string(),
        format!("  - {item}"),
    ];
    apply(
        source,
        vec![long_form(
            source,
            nl,
            key.loc.start,
            value_start,
            stage_end,
            &lines,
        )],
    )
}

/// The edited text parses, and its model is the old one with only `env`'s schedule changed
/// as `change` says.
fn verify(
    old: &FlagDef,
    new_source: &str,
    env: &str,
    change: impl FnOnce(&mut EnvEntry),
) -> Result<()> {
    let new = parse_flag(new_source).map_err(|(_, msg)| {
        anyhow::anyhow!(
            "the file cannot be edited safely: the edited text would not read back ({msg}); nothing was written, edit it by hand (YAML tags, anchors, aliases and merge keys are beyond what flags edits)"
        )
    })?;
    // The whole decoded flag, spans erased, must be the old one with only this change: every
    // field the format has is compared, today's and tomorrow's.
    let mut expected = old.clone();
    if let Some((_, e)) = expected
        .environments
        .value
        .0
        .iter_mut()
        .find(|(k, _)| k.value == env)
    {
        change(&mut e.value);
        // Short or long form is the edit's choice (a schedule needs the long form).
        if let Some(n) = new.entry(env) {
            e.value.long_form = n.long_form;
        }
    }
    if new != expected {
        bail!(
            "the edit would change more than the schedule of `{env}` (an unusual layout); nothing was written, edit it by hand"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "description: D\nowner: o\ntype: release\nenvironments:\n";

    #[test]
    fn add_to_a_short_form_keeps_its_comment() {
        let src = format!("{HEAD}  dev: everyone\n  prod: internal  # careful\n# end\n");
        let out = add(&src, "prod", "partners", "2026-12-01T09:00:00Z").unwrap();
        assert_eq!(
            out,
            format!(
                "{HEAD}  dev: everyone\n  prod:  # careful\n    stage: internal\n    schedule:\n      - {{stage: partners, at: 2026-12-01T09:00:00Z}}\n# end\n"
            )
        );
        let out = add(&out, "prod", "everyone", "2026-12-08T09:00:00+01:00").unwrap();
        assert_eq!(
            out,
            format!(
                "{HEAD}  dev: everyone\n  prod:  # careful\n    stage: internal\n    schedule:\n      - {{stage: partners, at: 2026-12-01T09:00:00Z}}\n      - {{stage: everyone, at: 2026-12-08T09:00:00+01:00}}\n# end\n"
            )
        );
    }

    #[test]
    fn add_to_a_long_form_goes_after_its_last_line() {
        let src = format!(
            "{HEAD}  prod:\n    stage: internal\n    since: 2026-11-20\n    segments:\n      - beta  # pilot\n  dev: everyone\n"
        );
        let out = add(&src, "prod", "partners", "2026-12-01T09:00:00Z").unwrap();
        assert_eq!(
            out,
            format!(
                "{HEAD}  prod:\n    stage: internal\n    since: 2026-11-20\n    segments:\n      - beta  # pilot\n    schedule:\n      - {{stage: partners, at: 2026-12-01T09:00:00Z}}\n  dev: everyone\n"
            )
        );
    }

    /// An empty `schedule:` or `schedule: []` takes the first entry under itself instead of
    /// a second `schedule` key (a duplicate), keeping what follows it.
    #[test]
    fn add_under_an_empty_schedule_key() {
        for (empty, tail) in [
            ("schedule:", ""),
            ("schedule: []", ""),
            ("schedule: []  # none yet", "  # none yet"),
            ("schedule: ~", ""),
            ("schedule: null", ""),
            ("schedule: [ ]", ""),
        ] {
            let src =
                format!("{HEAD}  prod:\n    stage: internal\n    {empty}\n    since: 2026-11-20\n");
            let out = add(&src, "prod", "partners", "2026-12-01T09:00:00Z").unwrap();
            assert_eq!(
                out,
                format!(
                    "{HEAD}  prod:\n    stage: internal\n    schedule:\n      - {{stage: partners, at: 2026-12-01T09:00:00Z}}{tail}\n    since: 2026-11-20\n"
                ),
                "{empty}"
            );
        }
    }

    #[test]
    fn add_to_a_flow_sequence_and_to_block_items() {
        let src = format!(
            "{HEAD}  prod:\n    stage: internal\n    schedule: [{{stage: partners, at: 2026-12-01T09:00:00Z}}]\n"
        );
        let out = add(&src, "prod", "everyone", "2026-12-02T09:00:00Z").unwrap();
        assert_eq!(
            out,
            format!(
                "{HEAD}  prod:\n    stage: internal\n    schedule: [{{stage: partners, at: 2026-12-01T09:00:00Z}}, {{stage: everyone, at: 2026-12-02T09:00:00Z}}]\n"
            )
        );
        let src = format!(
            "{HEAD}  prod:\n    stage: internal\n    schedule:\n    - stage: partners   # first\n      at: \"2026-12-01T09:00:00Z\"\n"
        );
        let out = add(&src, "prod", "everyone", "2026-12-02T09:00:00Z").unwrap();
        assert_eq!(
            out,
            format!(
                "{HEAD}  prod:\n    stage: internal\n    schedule:\n    - stage: partners   # first\n      at: \"2026-12-01T09:00:00Z\"\n    - {{stage: everyone, at: 2026-12-02T09:00:00Z}}\n"
            )
        );
    }

    #[test]
    fn clear_and_drop_keep_everything_else() {
        let src = format!(
            "{HEAD}  prod:\n    stage: internal\n    # the plan\n    schedule:  # reviewed\n      - {{stage: partners, at: 2026-12-01T09:00:00Z}}  # a\n      - {{stage: everyone, at: 2026-12-08T09:00:00Z}}  # b\n  dev: everyone  # kept\n"
        );
        assert_eq!(
            clear(&src, "prod").unwrap(),
            format!(
                "{HEAD}  prod:\n    stage: internal\n    # the plan\n  dev: everyone  # kept\n"
            )
        );
        assert_eq!(
            drop_first(&src, "prod", 1).unwrap(),
            format!(
                "{HEAD}  prod:\n    stage: internal\n    # the plan\n    schedule:  # reviewed\n      - {{stage: everyone, at: 2026-12-08T09:00:00Z}}  # b\n  dev: everyone  # kept\n"
            )
        );
        assert_eq!(
            drop_first(&src, "prod", 2).unwrap(),
            clear(&src, "prod").unwrap()
        );
        // Nothing scheduled: nothing changes.
        assert_eq!(clear(&src, "dev").unwrap(), src);
    }

    #[test]
    fn crlf_and_bom_are_kept() {
        let src = format!("\u{feff}{HEAD}  prod: internal\n").replace('\n', "\r\n");
        let out = add(&src, "prod", "partners", "2026-12-01T09:00:00Z").unwrap();
        assert!(out.starts_with('\u{feff}'));
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
        assert_eq!(
            clear(&out, "prod").unwrap(),
            format!("\u{feff}{HEAD}  prod:\n    stage: internal\n").replace('\n', "\r\n")
        );
    }

    #[test]
    fn unusual_layouts_are_refused_not_mangled() {
        let src = format!("{HEAD}  prod: {{stage: internal}}\n");
        assert!(add(&src, "prod", "partners", "2026-12-01T09:00:00Z").is_err());
        let src = format!("{HEAD}  prod: internal\n");
        assert!(
            add(&src, "staging", "internal", "2026-12-01T09:00:00Z")
                .unwrap_err()
                .to_string()
                .contains("does not list `staging`")
        );
        assert!(add("not: [yaml", "prod", "partners", "2026-12-01T09:00:00Z").is_err());
    }
}
