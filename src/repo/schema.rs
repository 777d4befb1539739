//! The JSON Schema of the four file formats, generated from the very types the decoder
//! fills (`flags schema`); a test feeds one corpus to both and compares their verdicts.

use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Value, json};

use super::{EnvironmentDef, FlagDef, SegmentDef, Settings};

/// One file kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaKind {
    /// flags.yaml
    Settings,
    /// environments/<env>.yaml
    Environment,
    /// segments/<segment>.yaml
    Segment,
    /// flags/**/<flag>.yaml
    Flag,
}

fn root<T: JsonSchema>() -> Value {
    schemars::schema_for!(T).to_value()
}

/// The schema of one kind, or a bundle whose `$defs` hold all four.
pub fn schema(kind: Option<SchemaKind>) -> Value {
    match kind {
        Some(SchemaKind::Settings) => root::<Settings>(),
        Some(SchemaKind::Environment) => root::<EnvironmentDef>(),
        Some(SchemaKind::Segment) => root::<SegmentDef>(),
        Some(SchemaKind::Flag) => root::<FlagDef>(),
        None => {
            let mut generator = SchemaGenerator::default();
            let refs = [
                generator.subschema_for::<Settings>(),
                generator.subschema_for::<EnvironmentDef>(),
                generator.subschema_for::<SegmentDef>(),
                generator.subschema_for::<FlagDef>(),
            ];
            let defs = generator.take_definitions(true);
            json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "title": "flags repository files",
                "description": "flags.yaml (Settings), environments/*.yaml (EnvironmentDef), segments/*.yaml (SegmentDef), flags/**/*.yaml (FlagDef)",
                "anyOf": refs.iter().map(|r| r.clone().to_value()).collect::<Vec<_>>(),
                "$defs": defs,
            })
        }
    }
}
