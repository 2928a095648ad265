//! Reading a JSON topology: the fast path for generated graphs.
//!
//! The schema is the YAML one (`name`, `agreement`, `nodes` as a map from
//! id to attributes, `edges` as a list of `{from, to, kind, ...}`), and the
//! document goes through the same visitors ([`super::raw`]), so every check
//! and message is the same; only the parser differs. serde_json reads a
//! generated estate several times faster than any YAML parser.
//!
//! serde_json has no spans, so positions come from the text itself: a key
//! or string value without escapes is handed to the visitor as a slice
//! *of the input* (`visit_borrowed_str`), and its byte offset is its
//! pointer minus the text's. That is exact and costs nothing, unlike a
//! pre-scan of the whole text (a second pass and a vector of offsets) or a
//! position-tracking reader (serde_json's `Read` trait is sealed). A string
//! with escapes is copied by serde_json; for those, the offset is found by
//! scanning forward from the last known one to the next string literal,
//! which is that string unless a skipped value lies between.
//!
//! The source and the cursor live in a thread-local for the duration of
//! one load, because serde's `Deserialize` gets no state.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Visitor};

use super::Topology;
use super::load;
use super::raw::{Builder, Located, Shape, Text, TopSeed, Value};
use crate::diag::{Diagnostic, Errors};
use crate::source::{Source, SourceRef};

thread_local! {
    /// The source being read.
    static SOURCE: RefCell<Option<SourceRef>> = const { RefCell::new(None) };
    /// The offset just past the last string whose position is known.
    static CURSOR: Cell<usize> = const { Cell::new(0) };
}

/// Loads a JSON topology from its source: on the fast path
/// ([`super::json_fast`]) when it takes the file, else with serde.
pub fn json(source: &SourceRef) -> Result<Topology, Errors> {
    match super::json_fast::load(source) {
        Some(topology) => Ok(topology),
        None => json_serde(source),
    }
}

/// Loads a JSON topology through serde_json and the shared visitors: the
/// loader of record, which gives every diagnostic. [`json`] calls it
/// whenever the fast path declines; tests and fuzz targets call it to
/// hold the fast path to it.
pub fn json_serde(source: &SourceRef) -> Result<Topology, Errors> {
    let text = source.text();
    if text.trim().is_empty() {
        return Err(load::empty(source).into());
    }
    SOURCE.with(|s| *s.borrow_mut() = Some(source.clone()));
    CURSOR.with(|c| c.set(0));
    let mut builder = Builder::new(Topology::new(source.clone()));
    let mut de = serde_json::Deserializer::from_str(text);
    let result = TopSeed::<JsonKey>(&mut builder, PhantomData)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    SOURCE.with(|s| *s.borrow_mut() = None);
    let stopped = result.err().map(|e| {
        let d = parser_error(source, &e, builder.context_words().as_deref());
        load::reshape(d, source, builder.context.as_ref())
    });
    builder.into_result(stopped)
}

/// The offset of a string serde_json borrowed from the text, if it did.
fn borrowed_offset(s: &str) -> Option<usize> {
    let (base, len) = SOURCE.with(|src| {
        src.borrow().as_ref().map_or((0, 0), |src| {
            (src.text().as_ptr() as usize, src.text().len())
        })
    });
    let at = (s.as_ptr() as usize).checked_sub(base)?;
    (at + s.len() <= len).then(|| {
        CURSOR.with(|c| c.set(at + s.len()));
        at
    })
}

/// The offset of the next string literal's content after the cursor, for a
/// string serde_json had to unescape (so did not borrow).
fn scanned_offset() -> usize {
    let Some(source) = SOURCE.with(|s| s.borrow().clone()) else {
        return 0;
    };
    let bytes = source.text().as_bytes();
    let len = bytes.len();
    let mut i = CURSOR.with(Cell::get);
    // Step over the closing quote of the last known string.
    if bytes.get(i) == Some(&b'"') {
        i += 1;
    }
    while i < len && bytes[i] != b'"' {
        i += 1;
    }
    let start = (i + 1).min(len);
    let mut j = start;
    while j < len && bytes[j] != b'"' {
        j += if bytes[j] == b'\\' { 2 } else { 1 };
    }
    CURSOR.with(|c| c.set(j.min(len)));
    start
}

/// The source range of the number just read: the first number literal
/// after the cursor (which is just past the attribute's key, so only `":`
/// and whitespace lie between). A few bytes of scanning per number, and
/// nothing for strings, so the loader stays one pass.
fn number_text() -> Option<Str> {
    let source = SOURCE.with(|s| s.borrow().clone())?;
    let bytes = source.text().as_bytes();
    let mut i = CURSOR.with(Cell::get);
    while i < bytes.len() && !matches!(bytes[i], b'-' | b'0'..=b'9') {
        i += 1;
    }
    let start = i;
    while i < bytes.len() && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
        i += 1;
    }
    CURSOR.with(|c| c.set(i));
    (i > start).then_some(Str::Borrowed(start, i))
}

/// A string as read: a range of the source when serde_json borrowed it
/// (no escapes: nearly every key and value), else its unescaped copy.
pub enum Str {
    Borrowed(usize, usize),
    Owned(String),
}

impl Str {
    fn text<'a>(&'a self, source: &'a Source) -> &'a str {
        match self {
            Str::Borrowed(start, end) => source.text().get(*start..*end).unwrap_or(""),
            Str::Owned(s) => s,
        }
    }
    fn into_text(self, source: &Source) -> String {
        match self {
            Str::Owned(s) => s,
            borrowed => borrowed.text(source).to_string(),
        }
    }
}

/// A JSON string (a key or a value) and its byte offset.
pub struct JsonKey {
    text: Str,
    offset: usize,
}

impl Text for JsonKey {
    fn text<'a>(&'a self, source: &'a Source) -> &'a str {
        self.text.text(source)
    }
    fn into_text(self, source: &Source) -> String {
        self.text.into_text(source)
    }
}

impl Located for JsonKey {
    type Scalar = JsonScalar;
    fn offset(&self, _source: &Source) -> usize {
        self.offset
    }
}

impl<'de> de::Deserialize<'de> for JsonKey {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = JsonKey;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<JsonKey, E> {
        Ok(match borrowed_offset(v) {
            Some(offset) => JsonKey {
                text: Str::Borrowed(offset, offset + v.len()),
                offset,
            },
            None => JsonKey {
                text: Str::Owned(v.to_string()),
                offset: scanned_offset(),
            },
        })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<JsonKey, E> {
        Ok(JsonKey {
            text: Str::Owned(v.to_string()),
            offset: scanned_offset(),
        })
    }
}

/// An attribute value: a string, a number or a boolean, kept as text, as
/// the YAML loader keeps `port: 443`; or an array or object of them, kept
/// whole for the loader to check and flatten.
pub enum JsonScalar {
    /// Text, a number or a boolean.
    Plain(Str),
    /// An array.
    List(Vec<JsonScalar>),
    /// An object, with its keys' positions.
    Map(Vec<(JsonKey, JsonScalar)>),
}

impl Text for JsonScalar {
    fn text<'a>(&'a self, source: &'a Source) -> &'a str {
        match self {
            JsonScalar::Plain(s) => s.text(source),
            _ => "",
        }
    }
    fn into_text(self, source: &Source) -> String {
        match self {
            JsonScalar::Plain(s) => s.into_text(source),
            _ => String::new(),
        }
    }
}

impl Value<JsonKey> for JsonScalar {
    fn shape(&self) -> Shape<'_, JsonKey, Self> {
        match self {
            JsonScalar::Plain(_) => Shape::Plain,
            JsonScalar::List(items) => Shape::List(items),
            JsonScalar::Map(entries) => Shape::Map(entries),
        }
    }
}

impl<'de> de::Deserialize<'de> for JsonScalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = JsonScalar;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a plain value (text, number or boolean)")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<JsonScalar, E> {
        Ok(JsonScalar::Plain(match borrowed_offset(v) {
            Some(at) => Str::Borrowed(at, at + v.len()),
            None => {
                let _ = scanned_offset();
                Str::Owned(v.to_string())
            }
        }))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<JsonScalar, E> {
        let _ = scanned_offset();
        Ok(JsonScalar::Plain(Str::Owned(v.to_string())))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<JsonScalar, E> {
        Ok(JsonScalar::Plain(Str::Owned(v.to_string())))
    }
    // A number is kept as written (`1.10`, `1e3`, `12345678901234567890`),
    // as YAML keeps it, not as serde_json re-prints its value.
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<JsonScalar, E> {
        Ok(JsonScalar::Plain(
            number_text().unwrap_or_else(|| Str::Owned(v.to_string())),
        ))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<JsonScalar, E> {
        Ok(JsonScalar::Plain(
            number_text().unwrap_or_else(|| Str::Owned(v.to_string())),
        ))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<JsonScalar, E> {
        Ok(JsonScalar::Plain(
            number_text().unwrap_or_else(|| Str::Owned(v.to_string())),
        ))
    }
    // Nesting is bounded by serde_json's recursion limit.
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<JsonScalar, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<JsonScalar>()? {
            items.push(item);
        }
        Ok(JsonScalar::List(items))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<JsonScalar, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<JsonKey, JsonScalar>()? {
            entries.push(entry);
        }
        Ok(JsonScalar::Map(entries))
    }
}

/// serde_json's error in our words, at its line and column.
fn parser_error(source: &SourceRef, e: &serde_json::Error, context: Option<&str>) -> Diagnostic {
    let raw = e.to_string();
    let raw = match raw.rfind(" at line ") {
        Some(i) => &raw[..i],
        None => &raw[..],
    };
    let (message, help) = translate(raw);
    let message = match context {
        // As the YAML loader says it, with what was being read.
        Some(ctx) if message == MISSING => format!("{message} in {ctx}"),
        _ => load::with_context(message, context),
    };
    let d = Diagnostic::error(message).maybe_help(help);
    if e.line() == 0 {
        return d;
    }
    let text = source.text();
    // serde_json counts columns in bytes, from 1.
    let line_start = source.offset(e.line(), 1);
    let mut start = (line_start + e.column().saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let end = text[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    d.at(source, start..end, "here")
}

/// A `null` value: the YAML loader's words for `key: null` or `key:`.
const MISSING: &str = "a value is missing";

/// Maps serde_json's messages to ours; unknown ones pass through.
fn translate(raw: &str) -> (String, Option<String>) {
    if raw.starts_with("invalid type: null") {
        return (
            MISSING.into(),
            Some("give a value, such as `region: eastus`, or remove the key".into()),
        );
    }
    if raw.starts_with("EOF while parsing") {
        return ("the file ends too early".into(), None);
    }
    if raw == "trailing characters" {
        return (
            "unexpected text after the topology".into(),
            Some("a topology file holds one JSON object".into()),
        );
    }
    if raw == "recursion limit exceeded" {
        return (
            "the JSON is nested too deeply".into(),
            Some("a topology nests three levels: `nodes`, a node, its attributes".into()),
        );
    }
    if let Some(rest) = raw.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        let found = found.split(' ').next().unwrap_or(found);
        let found = match found {
            "map" => "an object",
            "sequence" => "an array",
            "null" => "`null`",
            "string" => "a string",
            "boolean" | "integer" | "floating" => "a plain value",
            other => other,
        };
        return (format!("expected {expected}, found {found}"), None);
    }
    (raw.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_strings_are_unescaped_and_plain_ones_keep_their_positions() {
        let text = concat!(
            "{\"nodes\": {\"a\\u0062\": {\"kind\": \"mo\\\"del\"}, \"c\": {\"kind\": \"client\"}},\n",
            "\"edges\": [{\"from\": \"c\", \"to\": \"ab\", \"kind\": \"api\"}]}"
        );
        let src = Source::new("t.json", text);
        let t = json(&src).expect("the topology loads");
        assert_eq!(t.node_ids().collect::<Vec<_>>(), ["ab", "c"]);
        let kind = t.strings.get("kind").expect("`kind` is interned");
        let value = t.nodes[0].attr(kind).expect("node `ab` has a kind");
        assert_eq!(t.strings.resolve(value), "mo\"del");
        assert_eq!(&text[t.nodes[1].span()], "c");
        assert_eq!((t.edges[0].from, t.edges[0].to), (1, 0));
    }

    /// The nodes are indexed when their map ends: each repeated id is
    /// reported at its place with its first one, in file order. A parse
    /// error later in the file still leaves the repeats reported, before
    /// it.
    #[test]
    fn repeated_node_ids_are_reported_with_the_first_even_when_the_parse_stops() {
        let text = concat!(
            "{\"nodes\": {\"a\": {\"kind\": \"client\"}, \"b\": {}, \"a\": {\"kind\": \"model\"},\n",
            "\"c\": {}, \"b\": {}},\n",
            "\"edges\": [{\"from\": \"a\", \"to\": \"c\", \"kind\": \"api\"}]}"
        );
        let errors = json(&Source::new("t.json", text))
            .expect_err("ids repeat")
            .0;
        let found: Vec<(String, usize, usize)> = errors
            .iter()
            .map(|d| {
                let at = d.primary.as_ref().expect("a place").span.start;
                let first = d.secondary.first().expect("the first place").span.start;
                (d.message.clone(), at, first)
            })
            .collect();
        let a = text.find("\"a\"").unwrap() + 1;
        let b = text.find("\"b\"").unwrap() + 1;
        let a2 = text.rfind("\"a\": {\"kind\": \"model").unwrap() + 1;
        let b2 = text.rfind("\"b\": {}}").unwrap() + 1;
        assert_eq!(
            found,
            [
                ("node id `a` is used twice".to_string(), a2, a),
                ("node id `b` is used twice".to_string(), b2, b),
            ]
        );
        let stopped = text.replace("]}", "]");
        let errors = json(&Source::new("t.json", stopped))
            .expect_err("ids repeat")
            .0;
        let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "node id `a` is used twice",
                "node id `b` is used twice",
                "the file ends too early"
            ]
        );
    }

    /// Edge ends are looked up in batches ([`super::raw`]): across a
    /// batch's boundary every end still finds its node, an escaped id
    /// (copied, not lent) included, and each unknown id is reported at its
    /// own position, in file order.
    #[test]
    fn edge_ends_found_in_batches_find_their_nodes_and_report_unknown_ids_in_order() {
        let n = 3000; // 6000 ends: more than one batch
        let mut text = String::from("{\"nodes\": {\"hub\": {\"kind\": \"gateway\"}");
        for i in 0..n {
            text.push_str(&format!(", \"n{i}\": {{\"kind\": \"model\"}}"));
        }
        text.push_str("},\n\"edges\": [");
        let unknown = [5, 2100, 2999];
        for i in 0..n {
            let sep = if i == 0 { "" } else { ", " };
            let to = if unknown.contains(&i) {
                format!("x{i}")
            } else {
                format!("n{}", (i * 7) % n)
            };
            // Every tenth `from` names the hub with an escape.
            let from = if i % 10 == 0 {
                "h\\u0075b".to_string()
            } else {
                format!("n{i}")
            };
            text.push_str(&format!(
                "{sep}{{\"from\": \"{from}\", \"to\": \"{to}\", \"kind\": \"api\"}}"
            ));
        }
        text.push_str("]}");
        let src = Source::new("t.json", text.clone());
        let errors = json(&src).expect_err("three edges name unknown nodes").0;
        let messages: Vec<String> = errors.iter().map(|d| d.message.clone()).collect();
        assert_eq!(
            messages,
            [
                "edge to unknown node `x5`",
                "edge to unknown node `x2100`",
                "edge to unknown node `x2999`"
            ]
        );
        for (d, i) in errors.iter().zip(unknown) {
            let at = d.primary.as_ref().expect("each error has a position");
            assert_eq!(&text[at.span.clone()], format!("x{i}"));
        }
        // Without the unknown ids, every end is the node it names.
        let fixed = unknown
            .iter()
            .fold(text, |t, i| t.replace(&format!("\"x{i}\""), "\"n0\""));
        let t = json(&Source::new("t.json", fixed)).expect("the topology loads");
        assert_eq!(t.edges.len(), n);
        for (i, e) in t.edges.iter().enumerate() {
            let from = if i % 10 == 0 {
                "hub".to_string()
            } else {
                format!("n{i}")
            };
            let to = if unknown.contains(&i) {
                "n0".to_string()
            } else {
                format!("n{}", (i * 7) % n)
            };
            assert_eq!(t.nodes[e.from as usize].id, from, "edge {i}");
            assert_eq!(t.nodes[e.to as usize].id, to, "edge {i}");
        }
    }
}
