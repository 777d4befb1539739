// The edit fuzz target's property, shared (by `include!`) between the fuzz target and the
// regression test that replays `tests/fuzz-regressions/edit/` in `cargo test`.

use std::collections::BTreeMap;

use flags::edit::{StageEdit, set_stage};
use flags::repo::{FlagDef, parse_flag};

const ENVS: [&str; 5] = ["development", "staging", "production", "prod", "a"];
const STAGES: [&str; 5] = ["internal", "partners", "everyone", "off", "x"];

type Envs = BTreeMap<String, (String, Option<String>, Vec<String>)>;

fn model(def: &FlagDef) -> (String, String, String, Option<String>, Option<String>, Envs) {
    (
        def.description.value.clone(),
        def.owner.value.clone(),
        format!("{:?}", def.kind.value),
        def.created.as_ref().map(|c| c.value.clone()),
        def.expires.as_ref().map(|c| c.value.clone()),
        def.environments
            .value
            .0
            .iter()
            .map(|(k, v)| {
                let e = &v.value;
                (
                    k.value.clone(),
                    (
                        e.stage.value.clone(),
                        e.since.as_ref().map(|s| s.value.clone()),
                        e.segments.iter().map(|s| s.value.clone()).collect(),
                    ),
                )
            })
            .collect(),
    )
}

/// The property, for one input: the first byte picks the environment and stage, the rest
/// is the file text. Panics when it does not hold.
pub fn check_edit(data: &[u8]) {
    let [choice, rest @ ..] = data else { return };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let edit = StageEdit {
        env: ENVS[usize::from(choice & 0x0f) % ENVS.len()].to_string(),
        stage: STAGES[usize::from(choice >> 4) % STAGES.len()].to_string(),
        since: "2026-11-25".to_string(),
    };
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Ok(before) = parse_flag(body) else {
        // Unparsable input must be refused, never "edited".
        assert!(set_stage(text, &edit).is_err(), "edited an unparsable file");
        return;
    };
    let out = match set_stage(text, &edit) {
        Ok(out) => out,
        // Refusing a layout is fine; an "internal" error means the edit produced something
        // its own verification rejected: a bug in the edit, even though nothing is written.
        Err(e) => {
            let msg = format!("{e:#}");
            assert!(!msg.contains("internal:"), "{msg}\ninput {text:?}");
            return;
        }
    };
    assert_eq!(
        text.starts_with('\u{feff}'),
        out.starts_with('\u{feff}'),
        "byte-order mark changed"
    );
    let after = parse_flag(out.strip_prefix('\u{feff}').unwrap_or(&out))
        .unwrap_or_else(|(_, e)| panic!("edited file does not parse: {e}\n{out:?}"));
    let mut expected = model(&before);
    let segments = expected
        .5
        .get(&edit.env)
        .map(|e| e.2.clone())
        .unwrap_or_default();
    expected.5.insert(
        edit.env.clone(),
        (edit.stage.clone(), Some(edit.since.clone()), segments),
    );
    assert_eq!(model(&after), expected, "input {text:?}\noutput {out:?}");
}
