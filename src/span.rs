//! `Sp<T>`: a value with the place in its file where it was written.
//!
//! The line, column and byte range of a value (for located problems and for
//! comment-preserving edits), taken from the located YAML tree; `Sp<T>` describes itself to
//! schemars as plain `T`, so the JSON Schema comes from the model's own types.

use std::borrow::Cow;

/// Where a value sits in its source file: 1-based line and column, and its byte range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loc {
    pub line: u32,
    pub column: u32,
    /// Byte offset of the value's first byte (for scalars: the first byte of the scalar,
    /// quotes included).
    pub start: usize,
    /// Byte length of the value as written.
    pub len: usize,
}

impl Loc {
    /// Whether the location is known (serde-saphyr loses spans in a few serde corners).
    pub fn is_known(&self) -> bool {
        self.line > 0
    }

    pub(crate) fn from_saphyr(l: &serde_saphyr::Location) -> Loc {
        let span = l.span();
        Loc {
            line: u32::try_from(l.line()).unwrap_or(u32::MAX),
            column: u32::try_from(l.column()).unwrap_or(u32::MAX),
            start: span
                .byte_offset()
                .and_then(|o| usize::try_from(o).ok())
                .unwrap_or(usize::MAX),
            len: span
                .byte_len()
                .and_then(|o| usize::try_from(o).ok())
                .unwrap_or(0),
        }
    }
}

/// A deserialized value and its location.
#[derive(Clone, Debug)]
pub struct Sp<T> {
    pub value: T,
    pub loc: Loc,
}

impl<T> Sp<T> {
    pub fn new(value: T, loc: Loc) -> Self {
        Sp { value, loc }
    }
}

/// Equal when the values are: where a value was written is not part of what the file says
/// (edit verification compares decoded models this way, spans erased).
impl<T: PartialEq> PartialEq for Sp<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

impl<T: Default> Default for Sp<T> {
    fn default() -> Self {
        Sp {
            value: T::default(),
            loc: Loc::default(),
        }
    }
}
