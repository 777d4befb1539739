//! Comment-preserving edits of flag files: text + intended change -> new text.
//!
//! Pure functions, no I/O. An edit rewrites only the bytes it must, located by the spans the
//! loader keeps ([`crate::repo::Loc`]): the stage value (in the quoting style it was written
//! in), the `since` value or a new `since:` line, a short form entry turned into long form, or
//! a new environment appended to `environments`. Every result is parsed again and compared
//! with the intended model; anything else changing is an error, never a written file.

use anyhow::{Result, bail};

use crate::repo::{EnvEntry, FlagDef, FlagType, Loc, Sp, parse_flag};

/// One intended change: put `env` at `stage`, entered on `since` (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageEdit {
    pub env: String,
    pub stage: String,
    pub since: String,
}

/// Applies `edits` in order to a flag file's text and returns the new text. Fails (and
/// writes nothing, since it is pure) when the file does not parse, when its layout cannot be
/// edited safely, or when the re-parsed result differs from the intent in any other value.
pub fn set_stages(source: &str, edits: &[StageEdit]) -> Result<String> {
    let mut text = source.to_string();
    for edit in edits {
        text = set_stage(&text, edit)?;
    }
    Ok(text)
}

/// Applies one [`StageEdit`]; see [`set_stages`].
pub fn set_stage(source: &str, edit: &StageEdit) -> Result<String> {
    editable(source, |source| set_stage_in(source, edit))
}

/// Runs the edit `f` on a flag file's text as the edits need it: spans count from the text
/// after a byte-order mark, so `f` edits that and the mark is put back; and a lone `\r`,
/// which YAML also takes for a line break but the edits do not know, is refused (found by
/// fuzzing: such a file gave an "internal" error instead of this one).
pub(crate) fn editable(source: &str, f: impl FnOnce(&str) -> Result<String>) -> Result<String> {
    if let Some(rest) = source.strip_prefix('\u{feff}') {
        return Ok(format!("\u{feff}{}", editable(rest, f)?));
    }
    if source
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'\r' && w[1] != b'\n')
        || source.ends_with('\r')
    {
        bail!(
            "the flag file breaks lines with a lone carriage return (`\\r`); convert it to LF or CRLF line ends, or edit it by hand"
        );
    }
    f(source)
}

/// The flag a file's text decodes to, and the line break it uses (`\r\n` or `\n`).
pub(crate) fn parse_for_edit(source: &str) -> Result<(FlagDef, &'static str)> {
    let def = parse_flag(source)
        .map_err(|(_, msg)| anyhow::anyhow!("the flag file does not parse: {msg}"))?;
    let nl = if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    Ok((def, nl))
}

fn set_stage_in(source: &str, edit: &StageEdit) -> Result<String> {
    let (def, nl) = parse_for_edit(source)?;
    let new = match def
        .environments
        .value
        .0
        .iter()
        .find(|(k, _)| k.value == edit.env)
    {
        Some((key, entry)) => edit_entry(source, nl, key, &entry.value, edit)?,
        None => append_entry(source, nl, &def, edit)?,
    };
    if let Err(e) = verify(source, &def, &new, edit) {
        // Without entries the `environments` key is found by reading lines, not from spans:
        // a layout that reading misses (`"environments" :`, a complex key) is the user's to
        // edit, not an internal error (found by fuzzing).
        if def.environments.value.0.is_empty() {
            bail!(
                "`environments` has an unusual layout; add `{}` by hand",
                edit.env
            );
        }
        return Err(e);
    }
    Ok(new)
}

/// A replacement of `source[start..end]` by `text`.
pub(crate) struct Splice {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) text: String,
}

pub(crate) fn apply(source: &str, mut splices: Vec<Splice>) -> Result<String> {
    splices.sort_by_key(|s| std::cmp::Reverse(s.start));
    let mut out = source.to_string();
    for s in splices {
        if s.start > s.end
            || s.end > out.len()
            || !out.is_char_boundary(s.start)
            || !out.is_char_boundary(s.end)
        {
            bail!("internal: an edit falls outside the file; edit it by hand");
        }
        out.replace_range(s.start..s.end, &s.text);
    }
    Ok(out)
}

pub(crate) fn span_text<'a, T>(source: &'a str, sp: &Sp<T>) -> Result<&'a str> {
    let l = sp.loc;
    if !l.is_known() {
        bail!("the position of a value in the file is unknown; edit it by hand");
    }
    source
        .get(l.start..l.start.saturating_add(l.len))
        .ok_or_else(|| {
            anyhow::anyhow!("the position of a value in the file is out of range; edit it by hand")
        })
}

/// `new` in the quoting style of `original` (`"x"`, `'x'` or plain).
pub(crate) fn requote(original: &str, new: &str) -> String {
    match original.as_bytes().first() {
        Some(b'"') => format!("\"{new}\""),
        Some(b'\'') => format!("'{new}'"),
        _ => new.to_string(),
    }
}

pub(crate) fn line_start(source: &str, pos: usize) -> usize {
    source
        .get(..pos)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// End of the line's content at `pos` (before `\n` or `\r\n`).
pub(crate) fn line_content_end(source: &str, pos: usize) -> usize {
    let end = source
        .get(pos..)
        .and_then(|s| s.find('\n'))
        .map_or(source.len(), |i| pos + i);
    if end > 0 && source.as_bytes().get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    }
}

pub(crate) fn indent_of(line: &str) -> usize {
    line.bytes().take_while(|&b| b == b' ').count()
}

/// Whether `source[line_start..pos]` is only indentation (the value sits in block context).
pub(crate) fn only_indent_before(source: &str, pos: usize) -> bool {
    source
        .get(line_start(source, pos)..pos)
        .is_some_and(|s| s.bytes().all(|b| b == b' '))
}

fn edit_entry(
    source: &str,
    nl: &str,
    key: &Sp<String>,
    entry: &crate::repo::EnvEntry,
    edit: &StageEdit,
) -> Result<String> {
    let stage_text = span_text(source, &entry.stage)?;
    let stage_end = entry.stage.loc.start.saturating_add(entry.stage.loc.len);
    if entry.long_form {
        let mut splices = vec![Splice {
            start: entry.stage.loc.start,
            end: stage_end,
            text: requote(stage_text, &edit.stage),
        }];
        match &entry.since {
            Some(since) => splices.push(Splice {
                start: since.loc.start,
                end: since.loc.start.saturating_add(since.loc.len),
                text: requote(span_text(source, since)?, &edit.since),
            }),
            None if entry.stage.loc.line != key.loc.line
                && only_indent_before(source, stage_key_start(source, entry)?) =>
            {
                // Block mapping: a `since:` line under the `stage:` line, same indentation.
                let ls = line_start(source, entry.stage.loc.start);
                let indent = indent_of(&source[ls..]);
                let at = line_content_end(source, stage_end);
                splices.push(Splice {
                    start: at,
                    end: at,
                    text: format!("{nl}{}since: {}", " ".repeat(indent), edit.since),
                });
            }
            None => {
                // Flow mapping (`{stage: partners}`): add the pair after the stage.
                splices.push(Splice {
                    start: stage_end,
                    end: stage_end,
                    text: format!(", since: {}", edit.since),
                });
            }
        }
        return apply(source, splices);
    }
    // Short form: `production: partners  # comment` becomes a long-form mapping that keeps
    // the comment on the key line.
    let value_start = entry.stage.loc.start;
    if entry.stage.loc.line != key.loc.line || !only_indent_before(source, key.loc.start) {
        // Flow context or a value on its own line: a flow mapping in place is always valid.
        return apply(
            source,
            vec![Splice {
                start: value_start,
                end: stage_end,
                text: format!(
                    "{{stage: {}, since: {}}}",
                    requote(stage_text, &edit.stage),
                    edit.since
                ),
            }],
        );
    }
    let lines = [
        format!("stage: {}", requote(stage_text, &edit.stage)),
        format!("since: {}", edit.since),
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

/// The splice that turns a short-form entry (`  key: stage  # comment`, the stage from
/// `value_start` to `stage_end`) into a block mapping: the key line keeps its comment, and
/// `lines` follow it, each indented as the mapping's children.
pub(crate) fn long_form(
    source: &str,
    nl: &str,
    key_start: usize,
    value_start: usize,
    stage_end: usize,
    lines: &[String],
) -> Splice {
    let ls = line_start(source, key_start);
    let key_indent = indent_of(&source[ls..]);
    let child = " ".repeat(key_indent + if key_indent == 0 { 2 } else { key_indent });
    let prefix = source
        .get(ls..value_start)
        .unwrap_or_default()
        .trim_end_matches([' ', '\t']);
    let end = line_content_end(source, stage_end);
    let suffix = source.get(stage_end..end).unwrap_or_default();
    Splice {
        start: ls,
        end,
        text: lines
            .iter()
            .fold(format!("{prefix}{suffix}"), |text, line| {
                format!("{text}{nl}{child}{line}")
            }),
    }
}

/// Start of the `stage` key on the stage value's line (for the block-context check).
fn stage_key_start(source: &str, entry: &crate::repo::EnvEntry) -> Result<usize> {
    let ls = line_start(source, entry.stage.loc.start);
    let line = source.get(ls..entry.stage.loc.start).unwrap_or_default();
    Ok(ls + indent_of(line))
}

fn append_entry(source: &str, nl: &str, def: &FlagDef, edit: &StageEdit) -> Result<String> {
    let block = |indent: usize, child: usize| {
        format!(
            "{}{}:{nl}{}stage: {}{nl}{}since: {}",
            " ".repeat(indent),
            edit.env,
            " ".repeat(child),
            edit.stage,
            " ".repeat(child),
            edit.since
        )
    };
    if let Some((last_key, _)) = def.environments.value.0.last() {
        if !only_indent_before(source, last_key.loc.start) {
            bail!(
                "`environments` is written in flow style (`{{...}}`); add `{}` by hand",
                edit.env
            );
        }
        let ls = line_start(source, last_key.loc.start);
        let key_indent = indent_of(&source[ls..]);
        let child = key_indent + if key_indent == 0 { 2 } else { key_indent };
        // The entry ends at its last line indented deeper than its key (comments and blank
        // lines after it belong to what follows).
        let mut end = line_content_end(source, last_key.loc.start);
        let mut pos = source
            .get(end..)
            .and_then(|s| s.find('\n'))
            .map(|i| end + i + 1);
        while let Some(p) = pos {
            if p >= source.len() {
                break;
            }
            let le = line_content_end(source, p);
            let line = &source[p..le];
            let trimmed = line.trim_start_matches(' ');
            if !(trimmed.is_empty() || trimmed.starts_with('#')) {
                if indent_of(line) <= key_indent {
                    break;
                }
                end = le;
            }
            pos = source
                .get(le..)
                .and_then(|s| s.find('\n'))
                .map(|i| le + i + 1);
        }
        return apply(
            source,
            vec![Splice {
                start: end,
                end,
                text: format!("{nl}{}", block(key_indent, child)),
            }],
        );
    }
    // No entries yet: under an `environments:` line, or a new block at the end.
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let code = content.split(" #").next().unwrap_or(content).trim_end();
        // `environments :` and `"environments":` are the same key.
        let code = match code.split_once(':') {
            Some((key, rest)) if !key.starts_with([' ', '\t']) => {
                let key = key.trim_end().trim_matches(|c| c == '"' || c == '\'');
                if key == "environments" {
                    if rest.trim().is_empty() {
                        "environments:"
                    } else {
                        "environments: (value)"
                    }
                } else {
                    code
                }
            }
            _ => code,
        };
        if code == "environments:" {
            let at = offset + content.len();
            return apply(
                source,
                vec![Splice {
                    start: at,
                    end: at,
                    text: format!("{nl}{}", block(2, 4)),
                }],
            );
        }
        if code.starts_with("environments:") {
            bail!(
                "`environments` has an unusual layout; add `{}` by hand",
                edit.env
            );
        }
        offset += line.len();
    }
    let sep = if source.is_empty() || source.ends_with('\n') {
        ""
    } else {
        nl
    };
    Ok(format!("{source}{sep}environments:{nl}{}{nl}", block(2, 4)))
}

/// What the edit must produce: the old flag with `edit` applied to its model. Compared with
/// what the edited text decodes to, spans erased (`Sp`'s equality is its value's), so every
/// field the format has, today's and tomorrow's, must come back unchanged.
fn expected_after(old: &FlagDef, new: &FlagDef, edit: &StageEdit) -> FlagDef {
    let mut expected = old.clone();
    let entries = &mut expected.environments.value.0;
    let at = entries.iter().position(|(k, _)| k.value == edit.env);
    let at = at.unwrap_or_else(|| {
        entries.push((
            Sp::new(edit.env.clone(), Loc::default()),
            Sp::new(
                EnvEntry {
                    stage: Sp::new(String::new(), Loc::default()),
                    since: None,
                    segments: Vec::new(),
                    users: Vec::new(),
                    serve: None,
                    schedule: Vec::new(),
                    long_form: true,
                },
                Loc::default(),
            ),
        ));
        entries.len() - 1
    });
    let entry = &mut entries[at].1.value;
    entry.stage.value = edit.stage.clone();
    entry.since = Some(Sp::new(edit.since.clone(), Loc::default()));
    // Short or long form is the edit's choice (a `since` needs the long form).
    if let Some(e) = new.entry(&edit.env) {
        entry.long_form = e.long_form;
    }
    expected
}

/// The model with its environments in name order: an edit may add an entry anywhere.
fn by_env(mut def: FlagDef) -> FlagDef {
    def.environments
        .value
        .0
        .sort_by(|a, b| a.0.value.cmp(&b.0.value));
    def
}

fn verify(old_source: &str, old: &FlagDef, new_source: &str, edit: &StageEdit) -> Result<()> {
    let new = parse_flag(new_source).map_err(|(_, msg)| {
        anyhow::anyhow!(
            "the file cannot be edited safely: the edited text would not read back ({msg}); nothing was written, edit it by hand (YAML tags, anchors, aliases and merge keys are beyond what flags edits)"
        )
    })?;
    let expected = by_env(expected_after(old, &new, edit));
    if by_env(new) != expected {
        bail!(
            "the file cannot be edited safely: the edit would change more than `{}` in `{}`; nothing was written, edit it by hand (YAML tags, anchors, aliases and merge keys are beyond what flags edits)",
            "stage",
            edit.env
        );
    }
    // Every line outside the edited entry is byte-identical: compare what precedes and
    // follows the changed region.
    let prefix = old_source
        .bytes()
        .zip(new_source.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = old_source
        .bytes()
        .rev()
        .zip(new_source.bytes().rev())
        .take_while(|(a, b)| a == b)
        .count()
        .min(old_source.len() - prefix)
        .min(new_source.len() - prefix);
    let changed_old = &old_source.as_bytes()[prefix..old_source.len() - suffix];
    // The changed region may span the edited entry (its `since` first and `stage` last, say,
    // with `segments`, `users` and `serve` between them), plus the lines an edit adds.
    if changed_old.iter().filter(|&&b| b == b'\n').count() > 3 + entry_lines(old, &edit.env) {
        bail!(
            "internal: the edit would change too many lines; nothing was written, edit it by hand"
        );
    }
    Ok(())
}

/// How many lines the values of an environment's entry span (first to last), 0 for a short
/// form or an entry that is not there.
fn entry_lines(def: &FlagDef, env: &str) -> usize {
    let Some(e) = def.entry(env) else {
        return 0;
    };
    let mut lines: Vec<u32> = vec![e.stage.loc.line];
    lines.extend(e.since.iter().map(|s| s.loc.line));
    lines.extend(e.segments.iter().map(|s| s.loc.line));
    lines.extend(e.users.iter().map(|s| s.loc.line));
    lines.extend(
        e.schedule
            .iter()
            .flat_map(|s| [s.value.stage.loc.line, s.value.at.loc.line]),
    );
    if let Some(serve) = &e.serve {
        lines.push(serve.loc.line);
        if let crate::repo::Serve::Split(ws) = &serve.value {
            lines.extend(ws.iter().flat_map(|(v, w)| [v.loc.line, w.loc.line]));
        }
    }
    lines.retain(|l| *l > 0);
    match (lines.iter().min(), lines.iter().max()) {
        (Some(a), Some(b)) => (b - a) as usize,
        _ => 0,
    }
}

/// The fields of a new flag file.
#[derive(Debug, Clone)]
pub struct NewFlag<'a> {
    pub description: &'a str,
    pub owner: &'a str,
    pub kind: FlagType,
    pub created: &'a str,
    pub expires: Option<&'a str>,
    /// Environments in file order, each with its stage; all get `since: created`.
    pub environments: Vec<(&'a str, &'a str)>,
    /// A typed flag's variants (name, value), `default` and `serve`; `None`: boolean.
    pub typed: Option<NewTyped<'a>>,
}

/// The typed fields of a new flag (PRODUCT.md section 8).
#[derive(Debug, Clone)]
pub struct NewTyped<'a> {
    pub variants: Vec<(&'a str, serde_json::Value)>,
    pub default: &'a str,
    pub serve: &'a str,
}

/// The text of a new flag file, tidy and commented by nothing but its values; verified by
/// parsing it back.
pub fn new_flag_file(new: &NewFlag<'_>) -> Result<String> {
    let mut out = String::new();
    out.push_str(&format!("description: {}\n", yaml_string(new.description)));
    out.push_str(&format!("owner: {}\n", yaml_string(new.owner)));
    out.push_str(&format!("type: {}\n", new.kind));
    out.push_str(&format!("created: {}\n", new.created));
    if let Some(e) = new.expires {
        out.push_str(&format!("expires: {e}\n"));
    }
    if let Some(t) = &new.typed {
        // JSON is YAML: each value on its line in JSON syntax reads back as itself.
        out.push_str("variants:\n");
        for (name, value) in &t.variants {
            out.push_str(&format!(
                "  {name}: {}\n",
                crate::export::inline_json(value)
            ));
        }
        out.push_str(&format!("default: {}\n", t.default));
        out.push_str(&format!("serve: {}\n", t.serve));
    }
    out.push_str("environments:\n");
    for (env, stage) in &new.environments {
        out.push_str(&format!(
            "  {env}:\n    stage: {stage}\n    since: {}\n",
            new.created
        ));
    }
    let def = parse_flag(&out).map_err(|(_, msg)| {
        anyhow::anyhow!("internal: the new flag file does not parse ({msg})")
    })?;
    if def.description.value != new.description
        || def.owner.value != new.owner
        || def.kind.value != new.kind
    {
        bail!("internal: the new flag file does not read back as written");
    }
    if let Some(t) = &new.typed {
        let view = crate::repo::TypedView::new(&def);
        let read: Vec<(&str, serde_json::Value)> = view
            .variants()
            .into_iter()
            .map(|(k, v)| (k, v.into_owned()))
            .collect();
        if read != t.variants
            || view.default() != t.default
            || view.serve("") != crate::repo::ServeView::Variant(t.serve)
        {
            bail!("internal: the new flag's variants do not read back as written");
        }
    }
    Ok(out)
}

/// A YAML scalar for `s`: plain when that reads back as the same string, else double-quoted
/// (JSON string syntax is valid YAML).
pub fn yaml_string(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && s.trim() == s
        && s.chars()
            .all(|c| c.is_alphanumeric() || " _.,/()-+@&".contains(c))
        && s.chars().next().is_some_and(|c| c.is_alphabetic())
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n" | "nan" | "inf"
        );
    if plain_ok {
        s.to_string()
    } else {
        serde_json::Value::String(s.to_string()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(env: &str, stage: &str) -> StageEdit {
        StageEdit {
            env: env.into(),
            stage: stage.into(),
            since: "2026-11-25".into(),
        }
    }

    const HEAD: &str = "description: D\nowner: o\ntype: release\n";

    #[test]
    fn short_form_becomes_long_form_keeping_the_comment() {
        let src = format!(
            "{HEAD}environments:\n  development: everyone\n  production: partners  # beta customers\n# trailer\n"
        );
        let out = set_stage(&src, &e("production", "everyone")).unwrap();
        assert_eq!(
            out,
            format!(
                "{HEAD}environments:\n  development: everyone\n  production:  # beta customers\n    stage: everyone\n    since: 2026-11-25\n# trailer\n"
            )
        );
    }

    #[test]
    fn long_form_replaces_stage_and_since_in_their_quotes() {
        let src = format!(
            "{HEAD}environments:\n    production:   # prod\n        stage: \"partners\" # why\n        since: '2026-11-02'\n        segments: [beta]\n"
        );
        let out = set_stage(&src, &e("production", "everyone")).unwrap();
        assert_eq!(
            out,
            format!(
                "{HEAD}environments:\n    production:   # prod\n        stage: \"everyone\" # why\n        since: '2026-11-25'\n        segments: [beta]\n"
            )
        );
    }

    #[test]
    fn long_form_without_since_gets_a_since_line() {
        let src = format!(
            "{HEAD}environments:\n  production:\n    segments: [beta]\n    stage: internal\n  staging: partners\n"
        );
        let out = set_stage(&src, &e("production", "partners")).unwrap();
        assert_eq!(
            out,
            format!(
                "{HEAD}environments:\n  production:\n    segments: [beta]\n    stage: partners\n    since: 2026-11-25\n  staging: partners\n"
            )
        );
    }

    #[test]
    fn quoted_short_form_keeps_its_quotes() {
        let src = format!("{HEAD}environments:\n  production: 'internal'\n");
        let out = set_stage(&src, &e("production", "partners")).unwrap();
        assert_eq!(
            out,
            format!(
                "{HEAD}environments:\n  production:\n    stage: 'partners'\n    since: 2026-11-25\n"
            )
        );
    }

    #[test]
    fn missing_environment_is_appended_after_the_last_entry() {
        let src = format!(
            "{HEAD}environments:\n  development:\n    stage: everyone\n    # note\n\n    since: 2026-01-01\n\n# end comment\n"
        );
        let out = set_stage(&src, &e("staging", "internal")).unwrap();
        assert_eq!(
            out,
            format!(
                "{HEAD}environments:\n  development:\n    stage: everyone\n    # note\n\n    since: 2026-01-01\n  staging:\n    stage: internal\n    since: 2026-11-25\n\n# end comment\n"
            )
        );
    }

    #[test]
    fn environments_block_is_created_when_absent() {
        let out = set_stage(HEAD, &e("production", "internal")).unwrap();
        assert_eq!(
            out,
            format!(
                "{HEAD}environments:\n  production:\n    stage: internal\n    since: 2026-11-25\n"
            )
        );
    }

    #[test]
    fn crlf_files_keep_crlf() {
        let src = "description: D\r\nowner: o\r\ntype: release\r\nenvironments:\r\n  production: internal # c\r\n  staging: partners\r\n";
        let out = set_stage(src, &e("production", "partners")).unwrap();
        assert_eq!(
            out,
            "description: D\r\nowner: o\r\ntype: release\r\nenvironments:\r\n  production: # c\r\n    stage: partners\r\n    since: 2026-11-25\r\n  staging: partners\r\n"
        );
        let out = set_stage(src, &e("development", "internal")).unwrap();
        assert!(out.ends_with("  staging: partners\r\n  development:\r\n    stage: internal\r\n    since: 2026-11-25\r\n"), "{out:?}");
    }

    #[test]
    fn flow_style_entries_stay_valid() {
        let src =
            format!("{HEAD}environments: {{production: internal, staging: {{stage: partners}}}}\n");
        let out = set_stage(&src, &e("production", "partners")).unwrap();
        assert_eq!(
            out,
            format!(
                "{HEAD}environments: {{production: {{stage: partners, since: 2026-11-25}}, staging: {{stage: partners}}}}\n"
            )
        );
        let out = set_stage(&src, &e("staging", "everyone")).unwrap();
        assert_eq!(
            out,
            format!(
                "{HEAD}environments: {{production: internal, staging: {{stage: everyone, since: 2026-11-25}}}}\n"
            )
        );
        assert!(set_stage(&src, &e("development", "internal")).is_err());
    }

    #[test]
    fn unparsable_input_is_an_error_not_a_panic() {
        for src in [
            "",
            "{",
            "environments: [",
            "description: [\n",
            "\u{feff}x: y\n",
        ] {
            assert!(
                set_stage(src, &e("production", "partners")).is_err(),
                "{src:?}"
            );
        }
    }

    /// Regression (fuzzing): an empty `environments` key written unusually got a second
    /// `environments:` block appended (a duplicate key, caught only as an internal error).
    #[test]
    fn empty_environments_key_with_spaces_or_quotes_gets_the_entry() {
        for key in [
            "environments  :  # done",
            "\"environments\":",
            "'environments' :",
        ] {
            let src = format!("{HEAD}{key}\n# end\n");
            let out = set_stage(&src, &e("production", "internal")).unwrap();
            assert_eq!(
                out,
                format!(
                    "{HEAD}{key}\n  production:\n    stage: internal\n    since: 2026-11-25\n# end\n"
                )
            );
        }
        // A layout the line reading cannot place is refused as such, not as an internal error.
        let src = format!("{HEAD}? environments\n:\n");
        if let Err(err) = set_stage(&src, &e("production", "internal")) {
            assert!(!err.to_string().contains("internal:"), "{err}");
        }
    }

    /// Regression (fuzzing): YAML breaks lines at a lone `\r`, which the edit's line logic
    /// does not; such a file is refused with a clear error, not an "internal" one.
    #[test]
    fn lone_carriage_returns_are_refused_clearly() {
        for src in [
            format!("{HEAD}environments:\r  production: internal\r"),
            format!("{HEAD}environments:\n  production: internal # a\rb\n"),
        ] {
            let err = set_stage(&src, &e("production", "partners")).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("the flag file breaks lines with a lone carriage return"),
                "{err}"
            );
        }
    }

    #[test]
    fn byte_order_mark_is_kept() {
        let src = format!("\u{feff}{HEAD}environments:\n  production: internal\n");
        let out = set_stage(&src, &e("production", "partners")).unwrap();
        assert_eq!(
            out,
            format!(
                "\u{feff}{HEAD}environments:\n  production:\n    stage: partners\n    since: 2026-11-25\n"
            )
        );
    }

    /// Every prefix of a realistic file, cut at any byte, either edits cleanly or is an
    /// error: never a panic, never output that fails verification.
    #[test]
    fn truncated_inputs_never_panic() {
        let src = "# c\ndescription: \"D é\"\nowner: o\ntype: release\nenvironments:\n  development: internal # x\n  production:\n    stage: 'partners'\n    since: 2026-01-01\n    segments: [beta]\n";
        for end in 0..=src.len() {
            let Some(prefix) = src.get(..end) else {
                continue;
            };
            for env in ["development", "production", "staging"] {
                if let Ok(out) = set_stage(prefix, &e(env, "everyone")) {
                    let def = parse_flag(&out).unwrap();
                    assert_eq!(
                        def.entry(env).unwrap().stage.value,
                        "everyone",
                        "{prefix:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn several_edits_apply_in_order() {
        let src = format!("{HEAD}environments:\n  staging: internal\n  production: internal\n");
        let out = set_stages(
            &src,
            &[e("staging", "partners"), e("production", "partners")],
        )
        .unwrap();
        assert_eq!(
            out,
            format!(
                "{HEAD}environments:\n  staging:\n    stage: partners\n    since: 2026-11-25\n  production:\n    stage: partners\n    since: 2026-11-25\n"
            )
        );
    }

    #[test]
    fn new_flag_file_is_tidy_and_quotes_when_needed() {
        let text = new_flag_file(&NewFlag {
            description: "Checkout: new flow #2",
            owner: "team-ui",
            kind: FlagType::Release,
            created: "2026-11-25",
            expires: Some("2027-01-31"),
            environments: vec![("development", "internal"), ("production", "internal")],
            typed: None,
        })
        .unwrap();
        assert_eq!(
            text,
            "description: \"Checkout: new flow #2\"\nowner: team-ui\ntype: release\ncreated: 2026-11-25\nexpires: 2027-01-31\nenvironments:\n  development:\n    stage: internal\n    since: 2026-11-25\n  production:\n    stage: internal\n    since: 2026-11-25\n"
        );
        assert_eq!(yaml_string("yes"), "\"yes\"");
        assert_eq!(yaml_string("Plain text, ok"), "Plain text, ok");
        assert_eq!(yaml_string("tab\there"), "\"tab\\there\"");
    }
}
