//! Reading a topology file: bytes to a checked [`Topology`].
//!
//! YAML goes through serde-saphyr, not serde_yaml: serde_yaml is archived,
//! keeps the last of two duplicate keys without a word (two nodes with one
//! id would silently become one), gives no line and column for values that
//! parsed, and has a known quadratic-time input. serde-saphyr gives every
//! key a location and bounds depth, aliases and size. Duplicate keys are
//! let through to our visitors ([`super::raw`]), which report both places.
//!
//! Budgets grow with the input: a YAML document without aliases has fewer
//! values than bytes, so `max_nodes = bytes` never refuses an honest file
//! but stops an alias bomb, together with serde-saphyr's cap on replayed
//! alias events.

use std::marker::PhantomData;

use serde::de::DeserializeSeed;
use serde_saphyr::{DuplicateKeyPolicy, MessageFormatter};

use super::Topology;
use super::raw::{Builder, TopSeed};
use crate::diag::{Diagnostic, Errors};
use crate::source::{Source, SourceRef};

/// Text from bytes, or an error that points at the first byte that is not UTF-8.
pub fn utf8(path: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
        let src = Source::new(path, text);
        let (line, col) = src.line_col(valid);
        let byte = bytes[valid];
        Diagnostic::error(format!(
            "`{path}` is not UTF-8 text: byte 0x{byte:02x} at line {line}, column {col}"
        ))
        .help("save the file as UTF-8")
    })
}

/// Loads a YAML topology from its source.
pub fn yaml(source: &SourceRef) -> Result<Topology, Errors> {
    if is_blank(source.text()) {
        return Err(empty(source).into());
    }
    let len = source.text().len();
    let mut options = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = len + 10_000;
    budget.max_events = 2 * len + 10_000;
    budget.max_total_scalar_bytes = len + 1024;
    budget.max_documents = 1;
    budget.max_depth = 32;
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    options.budget = Some(budget);
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    options.reject_unsupported_tags = true;
    options.with_snippet = false;
    let mut builder = Builder::new(Topology::new(source.clone()));
    let result =
        serde_saphyr::with_deserializer_from_str_with_options(source.text(), options, |de| {
            TopSeed::<serde_saphyr::Spanned<String>>(&mut builder, PhantomData).deserialize(de)
        });
    if let Err(e) = result {
        let context = builder
            .context
            .as_ref()
            .map(|c| c.describe(&builder.topo.strings));
        let d = parser_error(source, &e, context.as_deref());
        builder.problems.push(d);
        return Err(Errors(builder.problems));
    }
    builder.finish();
    if builder.problems.is_empty() {
        Ok(builder.topo)
    } else {
        builder
            .problems
            .sort_by_key(|d| d.primary.as_ref().map(|l| l.span.start));
        Err(Errors(builder.problems))
    }
}

fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}

pub(super) fn empty(source: &SourceRef) -> Diagnostic {
    Diagnostic::error(format!("the topology `{}` is empty", source.path()))
        .at(source, 0..0, "nothing here")
        .help("a topology needs `nodes:` (a map from node id to attributes) and `edges:` (a list of `{from, to, kind}`)")
}

/// serde-saphyr's error in our words, at its location.
fn parser_error(source: &SourceRef, e: &serde_saphyr::Error, context: Option<&str>) -> Diagnostic {
    let raw = serde_saphyr::DefaultMessageFormatter
        .format_message(e.without_snippet())
        .to_string();
    let (message, help) = translate(&raw);
    let d = Diagnostic::error(with_context(message, context)).maybe_help(help);
    match e.location() {
        Some(loc) => {
            let start = source.offset(loc.line() as usize, loc.column() as usize);
            let end = (start + 1).min(source.text().len());
            let start = start.min(end);
            d.at(source, start..end, "here")
        }
        None => d,
    }
}

/// `message in <what was being read>`, unless the message says it already.
pub(super) fn with_context(message: String, context: Option<&str>) -> String {
    match context {
        Some(ctx) if !message.starts_with("the ") && !message.starts_with("a ") => {
            format!("{message} in {ctx}")
        }
        _ => message,
    }
}

/// Maps serde-saphyr's messages to ours; unknown ones pass through.
fn translate(raw: &str) -> (String, Option<String>) {
    let help = |s: &str| Some(s.to_string());
    if raw.starts_with("multiple YAML documents") {
        return (
            "a topology file holds one YAML document, this is a second".into(),
            help("remove the `---` and what follows, or put each topology in its own file"),
        );
    }
    if let Some(tag) = raw.strip_prefix("unsupported tag ") {
        return (
            format!("YAML tags such as {tag} are not allowed"),
            help("remove the tag: topology values are plain text, numbers or booleans"),
        );
    }
    if raw.contains("Depth") || raw.contains("recursion limit") {
        return (
            "the YAML is nested too deeply".into(),
            help("a topology nests three levels: `nodes`, a node, its attributes"),
        );
    }
    if raw.contains("budget breached") {
        return (
            "the YAML expands to far more values than its size allows (an alias bomb?)".into(),
            help("write the values out instead of repeating anchors with `*alias`"),
        );
    }
    if raw.contains("alias") && raw.contains("limit") {
        return (
            "the YAML repeats aliases past the limit".into(),
            help("write the values out instead of repeating anchors with `*alias`"),
        );
    }
    if raw.starts_with("expected string scalar") || raw.contains("invalid type") {
        return (
            "expected a plain value (text, number or boolean), found a list or a map".into(),
            help("attributes and edge fields are single values, such as `cloud: azure`"),
        );
    }
    if raw.starts_with("cannot deserialize null") {
        return (
            "a value is missing".into(),
            help("give a value, such as `region: eastus`, or remove the key"),
        );
    }
    if raw.starts_with("unexpected end of input") {
        return ("the file ends too early".into(), None);
    }
    if raw.starts_with("invalid type") {
        return (raw.to_string(), None);
    }
    (raw.to_string(), None)
}
