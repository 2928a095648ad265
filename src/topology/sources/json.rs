//! JSON with a location for every value, for the importers of JSON
//! sources (Terraform plans, Structurizr workspaces).
//!
//! serde_json gives no positions, and a witness must point at the line of
//! the plan that made an edge, so these files are parsed with jsonc-parser,
//! whose tree keeps each value's and key's byte range. It is set strict
//! (no comments, no trailing commas, no JSON5): a plan that another tool
//! would refuse is refused here too. Nesting is capped by the parser.

use jsonc_parser::ast::{Array, Object, Value};
use jsonc_parser::{CollectOptions, ParseOptions};

use crate::diag::Diagnostic;
use crate::source::{SourceRef, Span};

/// Parses the whole text, or says where it stops being JSON.
pub(crate) fn parse<'a>(source: &'a SourceRef, what: &str) -> Result<Value<'a>, Diagnostic> {
    let strict = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let text = source.text();
    match jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict) {
        Ok(r) => r.value.ok_or_else(|| {
            Diagnostic::error(format!("the {what} `{}` is empty", source.path())).at(
                source,
                0..0,
                "nothing here",
            )
        }),
        Err(e) => {
            let r = e.range();
            let start = r.start.min(text.len());
            let end = r.end.clamp(start, text.len());
            let end = if end == start {
                (start + 1).min(text.len())
            } else {
                end
            };
            let start = floor(text, start);
            let end = ceil(text, end);
            Err(Diagnostic::error(format!(
                "the {what} is not valid JSON: {}",
                lower(&e.kind().to_string())
            ))
            .at(source, start..end, "here"))
        }
    }
}

fn floor(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The parser's message in our style: lowercase first letter.
fn lower(m: &str) -> String {
    let mut c = m.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A value's byte range.
pub(crate) fn span(v: &Value<'_>) -> Span {
    use jsonc_parser::common::Ranged;
    let r = v.range();
    r.start..r.end
}

/// The value of `key` in an object.
pub(crate) fn get<'b, 'a>(o: &'b Object<'a>, key: &str) -> Option<&'b Value<'a>> {
    o.properties
        .iter()
        .find(|p| p.name.as_str() == key)
        .map(|p| &p.value)
}

/// The string value of `key`, with its range.
pub(crate) fn string<'b>(o: &'b Object<'_>, key: &str) -> Option<(&'b str, Span)> {
    match get(o, key)? {
        Value::StringLit(s) => Some((&s.value, s.range.start..s.range.end)),
        _ => None,
    }
}

/// The object value of `key`.
pub(crate) fn object<'b, 'a>(o: &'b Object<'a>, key: &str) -> Option<&'b Object<'a>> {
    get(o, key)?.as_object()
}

/// The array value of `key`.
pub(crate) fn array<'b, 'a>(o: &'b Object<'a>, key: &str) -> Option<&'b Array<'a>> {
    get(o, key)?.as_array()
}

/// A scalar as text: a string's value, a number as written, a boolean;
/// `None` for null, arrays and objects.
pub(crate) fn scalar(v: &Value<'_>) -> Option<String> {
    match v {
        Value::StringLit(s) => Some(s.value.to_string()),
        Value::NumberLit(n) => Some(n.value.to_string()),
        Value::BooleanLit(b) => Some(b.value.to_string()),
        _ => None,
    }
}
