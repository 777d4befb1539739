//! `flags schema [KIND]`: JSON Schema generated from the very types the loader uses.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::repo::schema::{SchemaKind, schema};

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// One file kind (for an editor's per-file schema); all of them when left out
    #[arg(value_enum)]
    pub kind: Option<Kind>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// flags.yaml
    Settings,
    /// environments/<env>.yaml
    Environment,
    /// segments/<segment>.yaml
    Segment,
    /// flags/**/<flag>.yaml
    Flag,
}

pub fn run(args: &SchemaArgs) -> anyhow::Result<ExitCode> {
    let kind = args.kind.map(|k| match k {
        Kind::Settings => SchemaKind::Settings,
        Kind::Environment => SchemaKind::Environment,
        Kind::Segment => SchemaKind::Segment,
        Kind::Flag => SchemaKind::Flag,
    });
    super::print_json(&schema(kind))?;
    Ok(ExitCode::SUCCESS)
}
