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
        let byte = bytes[valid];
        // Show the file with the bad bytes replaced, pointing at the first.
        let src = Source::new(path, String::from_utf8_lossy(&bytes).into_owned());
        let at = String::from_utf8_lossy(&bytes[..valid]).len();
        let end = at + '\u{fffd}'.len_utf8();
        Diagnostic::error(format!("`{path}` is not UTF-8 text"))
            .at(&src, at..end, format!("byte 0x{byte:02x} is not UTF-8"))
            .help("save the file as UTF-8")
    })
}

/// The deepest nesting the YAML loader reads.
pub(super) const MAX_DEPTH: usize = 32;

/// Loads a YAML topology from its source: by the fast path on parser
/// events ([`super::yaml_events`]) when the text is a plain, valid
/// topology, else by the full serde-saphyr loader ([`yaml_serde`]), whose
/// diagnostics are the only ones ever shown.
pub fn yaml(source: &SourceRef) -> Result<Topology, Errors> {
    let with_newlines = lone_returns_as_newlines(source);
    let source = with_newlines.as_ref().unwrap_or(source);
    if is_blank(source.text()) {
        return Err(empty(source).into());
    }
    if let Some(topology) = super::yaml_events::load(source) {
        return Ok(topology);
    }
    yaml_serde(source)
}

/// Loads a YAML topology with serde-saphyr, every diagnostic included:
/// the reference the fast path is tested against.
pub fn yaml_serde(source: &SourceRef) -> Result<Topology, Errors> {
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
    budget.max_depth = MAX_DEPTH;
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
    let stopped = result.err().map(|e| {
        let d = parser_error(source, &e, builder.context_words().as_deref());
        reshape(d, source, builder.context.as_ref())
    });
    builder.into_result(stopped)
}

/// A parser error while reading the `nodes` or `edges` value itself, in
/// words that say what the key should hold ("`nodes` maps node ids to
/// attributes; found a list"); any other error as it is.
pub(super) fn reshape(
    d: Diagnostic,
    source: &SourceRef,
    context: Option<&super::raw::Context>,
) -> Diagnostic {
    let at = d.primary.as_ref().map_or(0, |l| l.span.start);
    let rest = source.text().get(at..).unwrap_or("");
    match context.and_then(|c| c.shape(rest)) {
        Some((message, help)) => Diagnostic {
            message,
            help: Some(help.to_string()),
            ..d
        },
        None => d,
    }
}

/// The source with each lone `\r` made a `\n`, if it has one.
///
/// A lone `\r` ends a line in YAML, as `\n` and `\r\n` do, and a line
/// break in a scalar's content is read as `\n` whichever it was, so the
/// exchange changes nothing the file means, and no byte offset. It makes
/// the lines of messages and witnesses the lines an editor shows: the
/// line index counts `\n` only, and a file of old Mac line endings would
/// otherwise be reported as one long line.
fn lone_returns_as_newlines(source: &SourceRef) -> Option<SourceRef> {
    let text = source.text();
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    // `\r\n` endings are common; a lone `\r` is not.
    if !text.match_indices('\r').any(|(i, _)| lone(i)) {
        return None;
    }
    let text: String = text
        .char_indices()
        .map(|(i, c)| if c == '\r' && lone(i) { '\n' } else { c })
        .collect();
    Some(Source::part_of(source.path(), text, source.first_line()))
}

fn is_blank(text: &str) -> bool {
    // A lone `\r` ends a line in YAML, as `\n` and `\r\n` do: the text
    // after it is not part of a comment before it.
    text.split(['\n', '\r']).all(|l| {
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
    let (message, help, about_a_value) = match translate(&raw) {
        // Not known by its text: maybe by its kind.
        (m, None, false) if m == raw => match limits(e.without_snippet()) {
            Some((message, help)) => (message, help, false),
            None => (m, None, false),
        },
        known => known,
    };
    // Only a value of the wrong kind is about the key being read; a syntax
    // error is about the text at its location, whatever was being read.
    let message = match context {
        Some(ctx) if about_a_value => format!("{message} in {ctx}"),
        _ => message,
    };
    at_yaml_error(Diagnostic::error(message).maybe_help(help), source, e)
}

/// serde-saphyr's message for `e`: ours where [`limits`] knows its kind,
/// else serde-saphyr's own, without its snippet.
pub(crate) fn yaml_message(e: &serde_saphyr::Error) -> String {
    limits(e.without_snippet())
        .map(|(m, _)| m)
        .unwrap_or_else(|| {
            serde_saphyr::DefaultMessageFormatter
                .format_message(e.without_snippet())
                .to_string()
        })
}

/// `d` pointing at the character where serde-saphyr stopped, if it says.
pub(crate) fn at_yaml_error(
    d: Diagnostic,
    source: &SourceRef,
    e: &serde_saphyr::Error,
) -> Diagnostic {
    match e.location() {
        Some(loc) => {
            let start = source.offset(loc.line() as usize, loc.column() as usize);
            let end = (start + 1).min(source.text().len());
            d.at(source, start.min(end)..end, "here")
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

/// serde-saphyr's errors whose default messages speak of its own types
/// (`budget breached: Nodes { nodes: 250001 }`, `set DuplicateKeyPolicy in
/// Options`), in our words, with help; `None` for the others. Shared by
/// every YAML reader (topologies, waivers).
pub(crate) fn limits(e: &serde_saphyr::Error) -> Option<(String, Option<String>)> {
    use serde_saphyr::budget::BudgetBreach as B;
    let some = |m: String, h: &str| Some((m, Some(h.to_string())));
    match e {
        serde_saphyr::Error::Budget { breach, .. } => match breach {
            B::Nodes { .. } | B::Events { .. } => some(
                "the YAML holds or expands to more values than proviso reads from one file".into(),
                "split the file, or write values out instead of repeating anchors with `*alias`",
            ),
            B::Aliases { .. } | B::Anchors { .. } | B::AliasAnchorRatio { .. } => some(
                "the YAML uses too many anchors or aliases (`&name`, `*name`)".into(),
                "write the values out instead of repeating anchors with `*alias`",
            ),
            B::Depth { .. } => some(
                "the YAML is nested too deeply".into(),
                "a topology nests three levels: `nodes`, a node, its attributes",
            ),
            B::Documents { .. } => some(
                "the file holds more than one YAML document".into(),
                "remove the `---` and what follows, or put each in its own file",
            ),
            B::ScalarBytes { .. } => some(
                "the YAML's values are longer in total than proviso reads from one file".into(),
                "split the file",
            ),
            _ => some(
                "the YAML is larger or more repetitive than proviso reads from one file".into(),
                "split the file, or write values out instead of repeating anchors with `*alias`",
            ),
        },
        serde_saphyr::Error::DuplicateMappingKey { key, .. } => some(
            match key {
                Some(k) => format!("the key `{}` is given twice", crate::escape::display(k)),
                None => "a key is given twice".into(),
            },
            "keep one of them",
        ),
        serde_saphyr::Error::UnknownAnchor { .. } => some(
            "an alias (`*name`) names no anchor (`&name`) above it".into(),
            "define the anchor before the alias, or write the value out",
        ),
        _ => None,
    }
}

/// Maps serde-saphyr's messages to ours (message, help, whether it is about
/// a value of the wrong kind); unknown ones pass through.
fn translate(raw: &str) -> (String, Option<String>, bool) {
    let help = |s: &str| Some(s.to_string());
    if raw.starts_with("multiple YAML documents") || raw.contains("Documents") {
        return (
            "a topology file holds one YAML document, this is a second".into(),
            help("remove the `---` and what follows, or put each topology in its own file"),
            false,
        );
    }
    if let Some(tag) = raw.strip_prefix("unsupported tag ") {
        return (
            format!("YAML tags such as {tag} are not allowed"),
            help("remove the tag: topology values are plain text, numbers or booleans"),
            true,
        );
    }
    if raw.contains("Depth") || raw.contains("recursion limit") {
        return (
            "the YAML is nested too deeply".into(),
            help("a topology nests three levels: `nodes`, a node, its attributes"),
            false,
        );
    }
    if raw.contains("budget breached") || (raw.contains("alias") && raw.contains("limit")) {
        return (
            "the YAML expands to far more values than its size allows (an alias bomb?)".into(),
            help("write the values out instead of repeating anchors with `*alias`"),
            false,
        );
    }
    if raw.starts_with("expected string scalar") || raw.starts_with("invalid type") {
        return (
            "expected a plain value (text, number or boolean), found a list or a map".into(),
            help("attributes and edge fields are single values, such as `cloud: azure`"),
            true,
        );
    }
    if raw.starts_with("cannot deserialize null") {
        return (
            "a value is missing".into(),
            help("give a value, such as `region: eastus`, or remove the key"),
            true,
        );
    }
    if raw.starts_with("unexpected end of input") {
        return ("the file ends too early".into(), None, false);
    }
    (raw.to_string(), None, false)
}

/// The formats a topology file can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `*.yaml`, `*.yml`, and the `proviso` blocks of Markdown docs.
    Yaml,
    /// `*.json`, the same schema.
    Json,
}

impl Kind {
    /// The kind a file's extension says, if it names one (`.md` does not:
    /// a doc is cut into YAML blocks first).
    pub fn of_path(path: &str) -> Option<Kind> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "yaml" | "yml" => Some(Kind::Yaml),
            "json" => Some(Kind::Json),
            _ => None,
        }
    }
}

/// Loads a topology of any kind: the one place that picks a loader.
pub fn from_source(source: &SourceRef, kind: Kind) -> Result<Topology, Errors> {
    let mut topology = match kind {
        Kind::Yaml => yaml(source),
        Kind::Json => super::json::json(source),
    }?;
    topology.drop_index();
    Ok(topology)
}

/// What a file found by a scan holds, as far as a scan needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    /// A topology, or something close enough that loading it will say
    /// what is wrong: a top-level `nodes` or `edges` key, or a near miss
    /// of one (`node`, `Nodes`, `nodes `).
    Topology,
    /// Valid YAML or JSON that is not a topology (a CI config, a
    /// manifest), with the reason in words.
    Other(String),
    /// Not valid YAML or JSON at all, so nobody can tell: the caller must
    /// not skip it.
    Unreadable,
}

/// Tells topologies from the other YAML and JSON of a repository. A scan
/// in CI reads files an attacker wrote, so the answer is never "skip" for
/// a file that might be a topology: a parse failure is
/// [`Class::Unreadable`], and any top-level key that a person could have
/// meant as `nodes` or `edges` makes it a [`Class::Topology`], which the
/// loader then reports precisely (did you mean `nodes`?). Every document
/// of a multi-document YAML file is looked at.
pub fn classify(text: &str, kind: Kind) -> Class {
    let docs: Option<Vec<TopKeysOf>> = match kind {
        Kind::Yaml => {
            let mut options = serde_saphyr::Options::default();
            let mut budget = serde_saphyr::Budget::default();
            budget.max_nodes = text.len() + 10_000;
            budget.max_events = 2 * text.len() + 10_000;
            budget.max_depth = 256;
            budget.max_aliases = 10_000;
            options.budget = Some(budget);
            options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
            serde_saphyr::from_multiple_with_options(text, options).ok()
        }
        Kind::Json => serde_json::from_str::<TopKeysOf>(text)
            .ok()
            .map(|d| vec![d]),
    };
    let Some(docs) = docs else {
        return Class::Unreadable;
    };
    let keys: Vec<&String> = docs.iter().flat_map(|d| &d.0).collect();
    if keys.iter().any(|k| topology_like(k)) {
        return Class::Topology;
    }
    Class::Other("its top level has no `nodes`".to_string())
}

/// Whether a top-level key is, or is a near miss of, `nodes` or `edges`.
fn topology_like(key: &str) -> bool {
    let k = key.trim().to_lowercase();
    ["nodes", "edges"]
        .iter()
        .any(|t| k == *t || strsim::damerau_levenshtein(&k, t) <= 1)
}

/// The keys of a document's top level (none when it is not a map); values
/// are skipped unread.
struct TopKeysOf(Vec<String>);

impl<'de> serde::Deserialize<'de> for TopKeysOf {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(TopKeys).map(TopKeysOf)
    }
}

struct TopKeys;

impl<'de> serde::de::Visitor<'de> for TopKeys {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a document")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut keys = Vec::new();
        while let Some(AnyKey(key)) = map.next_key()? {
            map.next_value::<serde::de::IgnoredAny>()?;
            keys.extend(key);
        }
        Ok(keys)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Vec::new())
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
}

/// A map key of any kind: its text when it is a string, else nothing.
struct AnyKey(Option<String>);

impl<'de> serde::Deserialize<'de> for AnyKey {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> serde::de::Visitor<'de> for KeyVisitor {
    type Value = AnyKey;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<AnyKey, E> {
        Ok(AnyKey(Some(v.to_string())))
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<AnyKey, E> {
        Ok(AnyKey(None))
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<AnyKey, E> {
        Ok(AnyKey(None))
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<AnyKey, E> {
        Ok(AnyKey(None))
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<AnyKey, E> {
        Ok(AnyKey(None))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<AnyKey, E> {
        Ok(AnyKey(None))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<AnyKey, E> {
        Ok(AnyKey(None))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<AnyKey, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(AnyKey(None))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<AnyKey, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(AnyKey(None))
    }
}
