//! Streaming the topology document into the model.
//!
//! Serde visitors read the YAML (or JSON) events straight into a
//! [`Builder`]: there is no intermediate tree of the whole document, and
//! attribute strings are interned as they arrive. The visitors never stop at
//! a problem they can describe better than the parser (an unknown key, a
//! missing `to`, a duplicate id): they record a diagnostic and read on, so
//! every such mistake in a file is reported in one run.
//!
//! Keys are read through [`Located`], which gives their byte offset; the
//! YAML loader uses serde-saphyr's `Spanned<String>`, the JSON loader its
//! own key type (see [`super::json`]). The per-key work on the happy path
//! is kept to interning: what was being read is remembered as a cheap
//! [`Context`] and only turned into words when the parser fails.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::index::NodeIndex;
use super::late::{self, LateEnds};
use super::{EMPTY_LIST, LIST, Sym, Topology};
use crate::diag::{Diagnostic, Errors, suggest};
use crate::source::{Source, Span};

/// Text read from the document. The source is passed in so that a loader
/// can keep a string as a range of the text instead of a copy (the JSON
/// loader does: most keys and values are never copied at all).
pub trait Text {
    /// The text.
    fn text<'a>(&'a self, source: &'a Source) -> &'a str;
    /// The text as an owned string.
    fn into_text(self, source: &Source) -> String;
}

/// What an attribute value is: plain text (a string, number or boolean),
/// a list, or a map.
pub enum Shape<'a, K, S> {
    /// Text, a number or a boolean.
    Plain,
    /// A list; its elements must be plain.
    List(&'a [S]),
    /// A map, flattened into dotted names (`labels.team`).
    Map(&'a [(K, S)]),
}

/// An attribute value as a loader reads it, with its shape.
pub trait Value<K>: for<'de> serde::Deserialize<'de> + Text + Sized {
    /// Plain, a list or a map.
    fn shape(&self) -> Shape<'_, K, Self>;
}

/// A map key (or string value) that knows where it was written.
pub trait Located: for<'de> serde::Deserialize<'de> + Text {
    /// An attribute value: text, a number or a boolean (as text), or a
    /// list or map of them.
    type Scalar: Value<Self>;
    /// Its byte offset in `source`.
    fn offset(&self, source: &Source) -> usize;
    /// How many bytes it takes in `source`: the text's length, or more
    /// for a YAML key written in quotes (`"labels.team":`), so that a
    /// message underlines all of it.
    fn len(&self, source: &Source) -> usize {
        self.text(source).len()
    }
}

impl Text for String {
    fn text<'a>(&'a self, _: &'a Source) -> &'a str {
        self
    }
    fn into_text(self, _: &Source) -> String {
        self
    }
}

impl Text for serde_saphyr::Spanned<String> {
    fn text<'a>(&'a self, _: &'a Source) -> &'a str {
        &self.value
    }
    fn into_text(self, _: &Source) -> String {
        self.value
    }
}

impl Located for serde_saphyr::Spanned<String> {
    type Scalar = YamlScalar;
    fn offset(&self, source: &Source) -> usize {
        // The byte offset when serde-saphyr knows it (it does for text
        // input); line and column otherwise, which costs a scan of the line.
        match self.referenced.span().byte_offset() {
            Some(at) => (at as usize).min(source.text().len()),
            None => source.offset(
                self.referenced.line() as usize,
                self.referenced.column() as usize,
            ),
        }
    }
    fn len(&self, source: &Source) -> usize {
        let written = self.referenced.span().byte_len().map(|l| l as usize);
        // A plain or quoted scalar on one line; anything else (a block
        // scalar) is underlined by its text's length, as before.
        match written {
            Some(len) if len >= self.value.len() && len <= self.value.len() + 2 => len,
            _ => self.value.len(),
        }
        .min(source.text().len())
    }
}

/// A YAML attribute value. Text is kept as the parser gives it; a number
/// or a boolean as written in the file (`1.10`, `0x1F`, `true`: the text
/// its span covers), never as re-printed from its value; a list or a map
/// is kept whole (with its keys' positions) for the loader to check and
/// flatten.
pub struct YamlScalar {
    value: Plain,
    /// Byte offset and length of the value in the source, when known.
    span: Option<(usize, usize)>,
}

enum Plain {
    Text(String),
    /// A number or boolean: its text is read from the source by span; the
    /// parser's rendering is the fallback.
    Typed(String),
    List(Vec<YamlScalar>),
    Map(Vec<(serde_saphyr::Spanned<String>, YamlScalar)>),
}

impl Text for YamlScalar {
    fn text<'a>(&'a self, source: &'a Source) -> &'a str {
        match &self.value {
            Plain::Text(t) => t,
            Plain::Typed(fallback) => self
                .span
                .and_then(|(at, len)| source.text().get(at..at + len))
                .unwrap_or(fallback),
            Plain::List(_) | Plain::Map(_) => "",
        }
    }
    fn into_text(self, source: &Source) -> String {
        self.text(source).to_string()
    }
}

impl Value<serde_saphyr::Spanned<String>> for YamlScalar {
    fn shape(&self) -> Shape<'_, serde_saphyr::Spanned<String>, Self> {
        match &self.value {
            Plain::List(items) => Shape::List(items),
            Plain::Map(entries) => Shape::Map(entries),
            _ => Shape::Plain,
        }
    }
}

impl<'de> serde::Deserialize<'de> for YamlScalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<PlainValue>::deserialize(d)?;
        let span = spanned.referenced.span();
        let span = span
            .byte_offset()
            .zip(span.byte_len())
            .map(|(at, len)| (at as usize, len as usize));
        Ok(YamlScalar {
            value: spanned.value.0,
            span,
        })
    }
}

struct PlainValue(Plain);

impl<'de> serde::Deserialize<'de> for PlainValue {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PlainVisitor).map(PlainValue)
    }
}

struct PlainVisitor;

impl<'de> Visitor<'de> for PlainVisitor {
    type Value = Plain;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a plain value (text, number or boolean)")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Plain, E> {
        Ok(Plain::Text(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Plain, E> {
        Ok(Plain::Text(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Plain, E> {
        Ok(Plain::Typed(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Plain, E> {
        Ok(Plain::Typed(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Plain, E> {
        Ok(Plain::Typed(v.to_string()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Plain, E> {
        Ok(Plain::Typed(v.to_string()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Plain, E> {
        Ok(Plain::Typed(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Plain, E> {
        Ok(Plain::Typed(v.to_string()))
    }
    // The parser's own words for a missing value, which the loader
    // translates ("a value is missing").
    fn visit_unit<E: de::Error>(self) -> Result<Plain, E> {
        Err(E::custom("cannot deserialize null into a value"))
    }
    fn visit_none<E: de::Error>(self) -> Result<Plain, E> {
        Err(E::custom("cannot deserialize null into a value"))
    }
    // Nesting is bounded by the parser's depth limit.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Plain, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<YamlScalar>()? {
            items.push(item);
        }
        Ok(Plain::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Plain, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<serde_saphyr::Spanned<String>, YamlScalar>()? {
            entries.push(entry);
        }
        Ok(Plain::Map(entries))
    }
}

/// What was being read, for the message when the parser stops.
#[derive(Debug, Clone)]
pub enum Context {
    /// The `name` key.
    Name,
    /// The `agreement` key.
    Agreement,
    /// The attributes of a node.
    Node(String),
    /// One attribute (its interned name) of the node whose key has this span.
    Attr(super::Sym, Span),
    /// The n-th edge (1-based).
    Edge(usize),
    /// The `nodes` value itself (before any node was read).
    Nodes,
    /// The `edges` value itself (before any edge was read).
    Edges,
}

impl Context {
    /// In words, for an error message.
    pub fn describe(&self, topo: &super::Topology) -> String {
        match self {
            Context::Name => "`name`".into(),
            Context::Agreement => "`agreement`".into(),
            Context::Node(id) => format!("node `{id}`"),
            Context::Attr(name, node) => format!(
                "attribute `{}` of node `{}`",
                topo.strings.resolve(*name),
                topo.source.text().get(node.clone()).unwrap_or("?")
            ),
            Context::Edge(n) => format!("edge {n}"),
            Context::Nodes => "`nodes`".into(),
            Context::Edges => "`edges`".into(),
        }
    }

    /// For the `nodes` or `edges` value of the wrong shape, the message
    /// and help that say what the key holds, given the text where the
    /// parser stopped (a list starts with `-` or `[`).
    pub fn shape(&self, found_at: &str) -> Option<(String, &'static str)> {
        let t = found_at.trim_start();
        let found = if t.starts_with('-') || t.starts_with('[') {
            "a list"
        } else if t.starts_with('{') || {
            let line = t.lines().next().unwrap_or("");
            line.contains(": ") || line.trim_end().ends_with(':')
        } {
            "a map"
        } else {
            "a plain value"
        };
        match self {
            Context::Nodes => Some((
                format!("`nodes` maps node ids to attributes; found {found}"),
                "write each node as `id: {attr: value, ...}` under `nodes:`, such as `app: {kind: client}`",
            )),
            Context::Edges if found != "a list" => Some((
                format!("`edges` is a list of edges; found {found}"),
                "write each edge as `- {from: a, to: b, kind: api}` under `edges:`",
            )),
            _ => None,
        }
    }
}

/// The keys a topology document may have at its top level.
pub const TOP_KEYS: [&str; 4] = ["name", "agreement", "nodes", "edges"];

/// An edge whose nodes were not all known when it was read.
struct PendingEdge {
    from: (String, Span),
    to: (String, Span),
    kind: String,
    attrs: Vec<(Sym, Sym)>,
    span: Span,
}

/// Whether no two of `keys` (the attribute names of one map, sorted
/// here) are equal: the fast paths' duplicate check, which gives up on a
/// map the full loaders then report.
pub(super) fn distinct(keys: &mut [Sym]) -> bool {
    keys.sort_unstable();
    !keys.windows(2).any(|w| w[0] == w[1])
}

/// Whose attributes are being read, for the words of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Node,
    Edge,
}

/// One attribute name given in the map being read, for the duplicate
/// check at its end.
struct KeySeen {
    name: Sym,
    /// The key as written (for a flattened name, its innermost key).
    span: Span,
    /// Whether the name came from flattening a map (`labels: {team: ml}`
    /// gives `labels.team`).
    flattened: bool,
}

/// The topology being built, and what went wrong so far.
pub struct Builder {
    /// The model.
    pub topo: Topology,
    /// Problems found; the load fails if any is an error.
    pub problems: Vec<Diagnostic>,
    /// What was being read when the parser stopped, for its message.
    pub context: Option<Context>,
    /// The span of the key of the node being read.
    node_span: Span,
    pending: Vec<PendingEdge>,
    /// Ends of edges read after `nodes`, for the next batch lookup.
    ends: LateEnds,
    nodes_read: bool,
    saw_nodes: bool,
    /// Unknown node ids given a "did you mean" so far.
    suggested: usize,
    /// The attribute names of the map being read.
    keys: Vec<KeySeen>,
    /// Whether nodes were added without indexing their ids, to be indexed
    /// when the `nodes` map ends ([`Builder::index_nodes`]).
    unindexed: bool,
}

/// An edge's span: from the `{` before its first key (flow style and
/// JSON) or that key, to the end of the last key or `from`/`to`/`kind`
/// value read (`end`), and the `}` right after it if any. Only the edge's own bytes are looked at: a span
/// that ran to the end of the line made every edge of a one-line
/// (minified) document scan the rest of the line, quadratic in all.
pub(super) fn edge_span(text: &str, first: usize, mut end: usize) -> Span {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let mut start = first.min(len);
    // Back up over blanks, a `"` (JSON keys start after it) and blanks
    // to a `{`; the blanks are this edge's, so each byte is seen once.
    let blanks = |mut i: usize| {
        while i > 0 && matches!(bytes[i - 1], b' ' | b'\t') {
            i -= 1;
        }
        i
    };
    let mut i = blanks(start);
    if i > 0 && bytes[i - 1] == b'"' {
        i = blanks(i - 1);
    }
    if i > 0 && bytes[i - 1] == b'{' {
        start = i - 1;
        // And forward over a `"`, blanks and the `}` that closes it.
        let mut j = end.min(len);
        if bytes.get(j) == Some(&b'"') {
            j += 1;
        }
        while j < len && matches!(bytes[j], b' ' | b'\t') {
            j += 1;
        }
        if bytes.get(j) == Some(&b'}') {
            end = j + 1;
        }
    }
    start..end.max(start + 1).min(len).max(start)
}

/// The span of `len` bytes of `text` at `start`, at least one byte long
/// (an empty string's span shows its closing quote), within the text.
pub(super) fn span_at(text: &str, start: usize, len: usize) -> Span {
    let start = start.min(text.len());
    let end = (start + len.max(1)).min(text.len());
    start..end.max(start)
}

/// Most unknown node ids given a "did you mean" per file.
const MAX_SUGGESTIONS: usize = 20;

impl Builder {
    /// A builder for a topology read from `topo.source`.
    pub fn new(topo: Topology) -> Self {
        Builder {
            topo,
            problems: Vec::new(),
            context: None,
            node_span: 0..0,
            pending: Vec::new(),
            ends: LateEnds::new(),
            nodes_read: false,
            saw_nodes: false,
            suggested: 0,
            keys: Vec::new(),
            unindexed: false,
        }
    }

    pub(super) fn span_at(&self, start: usize, len: usize) -> Span {
        span_at(self.topo.source.text(), start, len)
    }

    pub(super) fn edge_span(&self, first: usize, end: usize) -> Span {
        edge_span(self.topo.source.text(), first, end)
    }

    /// Reads one attribute (`name` written at `at`) into `out`: a plain
    /// value as one pair, a list as one tagged pair per element (the empty
    /// list as one [`EMPTY_LIST`] pair), a map as the attributes of its
    /// dotted names, recursively. A list or a map inside a list is
    /// reported and skipped. Duplicate names are checked by
    /// [`Builder::check_keys`] once the whole map is read.
    fn read_attr<K: Located>(
        &mut self,
        owner: Owner,
        out: &mut Vec<(Sym, Sym)>,
        name: &str,
        key: (usize, usize),
        value: &K::Scalar,
        flattened: bool,
    ) {
        let src = self.topo.source.clone();
        let span = self.span_at(key.0, key.1);
        match value.shape() {
            Shape::Plain => {
                let k = self.topo.strings.intern(name);
                let v = self.topo.strings.intern(value.text(&src));
                self.keys.push(KeySeen {
                    name: k,
                    span,
                    flattened,
                });
                out.push((k, v));
            }
            Shape::List(items) => {
                let k = self.topo.strings.intern(name);
                self.keys.push(KeySeen {
                    name: k,
                    span: span.clone(),
                    flattened,
                });
                if items.is_empty() {
                    out.push((k, EMPTY_LIST));
                }
                for item in items {
                    let found = match item.shape() {
                        Shape::Plain => {
                            let v = self.topo.strings.intern(item.text(&src));
                            out.push((k, v | LIST));
                            continue;
                        }
                        Shape::List(_) => "a list",
                        Shape::Map(_) => "a map",
                    };
                    let what = match owner {
                        Owner::Node => format!(
                            "attribute `{}` of {}",
                            crate::escape::display(name),
                            self.context_words().unwrap_or_default()
                        ),
                        Owner::Edge => format!("edge key `{}`", crate::escape::display(name)),
                    };
                    self.error(
                        Diagnostic::error(format!(
                            "expected a plain value (text, number or boolean) for each element of {what}, found {found}"
                        ))
                        .at(&src, span.clone(), "this list")
                        .help("list elements are single values, such as `tags: [pci, phi]`"),
                    );
                    break;
                }
            }
            Shape::Map(entries) => {
                for (inner, v) in entries {
                    let (text, at, len) = (inner.text(&src), inner.offset(&src), inner.len(&src));
                    let what = match owner {
                        Owner::Node => "attribute name",
                        Owner::Edge => "edge key",
                    };
                    self.check_name(what, text, at);
                    let dotted = format!("{name}.{text}");
                    self.read_attr::<K>(owner, out, &dotted, (at, len), v, true);
                }
            }
        }
    }

    /// Reports every attribute name given twice in the map just read (a
    /// key repeated, or a flattened name such as `labels.team` also
    /// written out), then forgets the map's names. Sorting makes this
    /// O(n log n) in the map's size, however many keys a hostile file
    /// gives one node.
    fn check_keys(&mut self, owner: Owner) {
        let mut keys = std::mem::take(&mut self.keys);
        if keys.len() > 1 {
            keys.sort_by_key(|k| (k.name, k.span.start));
            let src = self.topo.source.clone();
            let mut first = 0;
            for i in 1..keys.len() {
                if keys[i].name != keys[first].name {
                    first = i;
                    continue;
                }
                let (again, one) = (&keys[i], &keys[first]);
                let name =
                    crate::escape::display(self.topo.strings.resolve(again.name)).to_string();
                let what = match owner {
                    Owner::Node => "attribute",
                    Owner::Edge => "edge key",
                };
                let d = Diagnostic::error(format!("{what} `{name}` is given twice")).at(
                    &src,
                    again.span.clone(),
                    "again here",
                );
                let d = if again.flattened || one.flattened {
                    d.also(&src, one.span.clone(), "first here").help(format!(
                        "a map's keys are read as dotted names (`labels: {{team: ml}}` gives `labels.team`), so both places give `{name}`: keep one of them"
                    ))
                } else {
                    d.help(match owner {
                        Owner::Node => "keep one value per attribute",
                        Owner::Edge => "keep one value per key",
                    })
                };
                self.error(d);
            }
        }
        keys.clear();
        self.keys = keys;
    }

    /// Indexes the nodes added without an index (see
    /// [`Topology::push_node_unindexed`]), reporting each repeated id.
    fn index_nodes(&mut self) {
        if !std::mem::take(&mut self.unindexed) {
            return;
        }
        for (again, first) in self.topo.index_nodes() {
            let first = self.topo.nodes[first as usize].span();
            self.node_twice(&again.id, again.span(), first);
        }
    }

    /// Reports a node id used twice.
    fn node_twice(&mut self, id: &str, again: Span, first: Span) {
        let src = self.topo.source.clone();
        self.error(
            Diagnostic::error(format!(
                "node id `{}` is used twice",
                crate::escape::display(id)
            ))
            .at(&src, again, "defined again here")
            .also(&src, first, "first defined here")
            .help("node ids must be unique: rename one of them"),
        );
    }

    fn error(&mut self, d: Diagnostic) {
        self.problems.push(d);
    }

    /// Refuses a node id, attribute name or edge kind holding a control,
    /// bidi or other invisible-layout character: such a name would print as
    /// something else (a newline and `::error`, a right-to-left override),
    /// and no honest design needs one. Values may hold any text; they are
    /// escaped wherever they are shown.
    fn check_name(&mut self, what: &str, name: &str, at: usize) {
        if !crate::escape::has_unsafe(name) {
            return;
        }
        let Some(bad) = name.chars().find(|&c| crate::escape::is_unsafe(c)) else {
            return;
        };
        let src = self.topo.source.clone();
        let span = self.span_at(at, name.len());
        self.error(
            Diagnostic::error(format!(
                "{what} `{}` holds the invisible character U+{:04X}",
                crate::escape::display(name),
                bad as u32
            ))
            .at(&src, span, "here")
            .help(format!(
                "{what}s may not hold control, line-break or text-direction characters: remove it"
            )),
        );
    }

    /// The topology, or every problem found, in file order. `stopped` is the
    /// parser's own error (already in our words), if it stopped early.
    pub fn into_result(mut self, stopped: Option<Diagnostic>) -> Result<Topology, Errors> {
        if let Some(d) = stopped {
            // Nodes read before the parser stopped are still checked for
            // repeated ids; what was found is given in file order, then
            // where the parser stopped.
            self.index_nodes();
            self.problems
                .sort_by_key(|d| d.primary.as_ref().map(|l| l.span.start));
            self.problems.push(d);
            return Err(Errors(self.problems));
        }
        self.finish();
        if self.problems.is_empty() {
            return Ok(self.topo);
        }
        self.problems
            .sort_by_key(|d| d.primary.as_ref().map(|l| l.span.start));
        Err(Errors(self.problems))
    }

    /// What was being read, in words, for the parser's error message.
    pub fn context_words(&self) -> Option<String> {
        self.context.as_ref().map(|c| c.describe(&self.topo))
    }

    /// Resolves the edges that named nodes before `nodes:` was read, and
    /// checks the document had `nodes`.
    fn finish(&mut self) {
        if !self.saw_nodes {
            let src = self.topo.source.clone();
            let len = src.text().len();
            self.error(
                Diagnostic::error("the topology has no `nodes`")
                    .at(&src, 0..len.min(1), "expected a `nodes:` map here or below")
                    .help("a topology needs `nodes:` (a map from node id to attributes) and usually `edges:`"),
            );
        }
        self.resolve_late();
        for p in std::mem::take(&mut self.pending) {
            self.add_edge(p);
        }
    }

    /// Adds an edge read after `nodes`, its ends left for the next batch
    /// lookup ([`super::late`]).
    pub(super) fn add_edge_late(
        &mut self,
        ends: [(&str, &Span); 2],
        kind: &str,
        attrs: Vec<(Sym, Sym)>,
        span: Span,
    ) {
        let edge = self.topo.edges.len() as u32;
        let text = self.topo.source.text();
        let hinted = self.ends.push(&self.topo.nodes, text, edge, ends);
        self.topo
            .add_edge_interned(hinted.unwrap_or(u32::MAX), u32::MAX, kind, attrs, span);
        if self.ends.len() >= late::BATCH {
            self.resolve_late();
        }
    }

    /// Looks up the ends waiting, then sets them or reports each unknown
    /// id, in file order.
    pub(super) fn resolve_late(&mut self) {
        let topo = &mut self.topo;
        let index = topo.index.get_or_init(|| NodeIndex::of(&topo.nodes));
        let mut unknown = Vec::new();
        let text = topo.source.text();
        self.ends
            .resolve((&topo.nodes, index), text, &mut topo.edges, &mut unknown);
        for (id, span, role) in unknown {
            self.unknown(&id, span, role);
        }
    }

    fn resolve(&mut self, (id, span): (&str, &Span), role: &str) -> Option<u32> {
        let found = if role == "from" {
            self.topo.node_index_hinted(id, &mut self.ends.last_from)
        } else {
            self.topo.node_index(id)
        };
        if let Some(ix) = found {
            return Some(ix);
        }
        self.unknown(id, span.clone(), role);
        None
    }

    /// Reports an edge end naming no node.
    fn unknown(&mut self, id: &str, span: Span, role: &str) {
        // A suggestion compares the id with every node id: O(V) per
        // unknown id, so only the first few get one (a file of many edges
        // to unknown nodes would otherwise cost O(E·V)).
        let suggestion = if self.suggested < MAX_SUGGESTIONS {
            self.suggested += 1;
            suggest::help_line(id, self.topo.node_ids())
        } else {
            None
        };
        let help =
            suggestion.unwrap_or_else(|| "add the node under `nodes:`, or fix the id".to_string());
        let src = self.topo.source.clone();
        self.error(
            Diagnostic::error(format!("edge {role} unknown node `{id}`"))
                .at(&src, span, "no node has this id")
                .help(help),
        );
    }

    fn add_edge(&mut self, p: PendingEdge) {
        let ends = [(p.from.0.as_str(), &p.from.1), (p.to.0.as_str(), &p.to.1)];
        self.add_edge_parts(ends, &p.kind, p.attrs, p.span);
    }

    /// Adds an edge given the ids (and spans) of its two ends.
    fn add_edge_parts(
        &mut self,
        [from, to]: [(&str, &Span); 2],
        kind: &str,
        attrs: Vec<(Sym, Sym)>,
        span: Span,
    ) {
        let from = self.resolve(from, "from");
        let to = self.resolve(to, "to");
        if let (Some(from), Some(to)) = (from, to) {
            self.topo.add_edge_interned(from, to, kind, attrs, span);
        }
    }
}

/// Seed for the whole document.
pub struct TopSeed<'b, K>(pub &'b mut Builder, pub std::marker::PhantomData<K>);

impl<'de, K: Located> DeserializeSeed<'de> for TopSeed<'_, K> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, K: Located> Visitor<'de> for TopSeed<'_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map with `nodes` and `edges`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let b = self.0;
        let mut seen: HashMap<String, Span> = HashMap::new();
        let src = b.topo.source.clone();
        while let Some(key) = map.next_key::<K>()? {
            let name = key.text(&src);
            let span = b.span_at(key.offset(&src), key.len(&src));
            if let Some(first) = seen.get(name) {
                let src = b.topo.source.clone();
                b.error(
                    Diagnostic::error(format!("`{name}` appears twice at the top level"))
                        .at(&src, span.clone(), "again here")
                        .also(&src, first.clone(), "first here")
                        .help("merge the two into one"),
                );
            }
            seen.insert(name.to_string(), span.clone());
            match name {
                "name" => {
                    b.context = Some(Context::Name);
                    b.topo.name = Some(map.next_value::<K>()?.into_text(&src));
                }
                "agreement" => {
                    b.context = Some(Context::Agreement);
                    let v = map.next_value::<K>()?;
                    let vspan = b.span_at(v.offset(&src), v.len(&src));
                    b.topo.agreement = Some((v.into_text(&src), vspan));
                }
                "nodes" => {
                    b.saw_nodes = true;
                    b.context = Some(Context::Nodes);
                    map.next_value_seed(NodesSeed::<K>(b, Default::default()))?;
                    b.nodes_read = true;
                }
                "edges" => {
                    b.context = Some(Context::Edges);
                    map.next_value_seed(EdgesSeed::<K>(b, Default::default()))?;
                }
                other => {
                    let src = b.topo.source.clone();
                    b.error(
                        Diagnostic::error(format!("unknown top-level key `{other}`"))
                            .at(&src, span, "not a topology key")
                            .help(suggest::help_line(other, TOP_KEYS).unwrap_or_else(|| {
                                format!("the keys are {}", suggest::list(&TOP_KEYS, 4))
                            })),
                    );
                    map.next_value::<IgnoredAny>()?;
                }
            }
            b.context = None;
        }
        Ok(())
    }
}

struct NodesSeed<'b, K>(&'b mut Builder, std::marker::PhantomData<K>);

impl<'de, K: Located> DeserializeSeed<'de> for NodesSeed<'_, K> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, K: Located> Visitor<'de> for NodesSeed<'_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map from node id to attributes")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let b = self.0;
        let mut attrs: Vec<(super::Sym, super::Sym)> = Vec::new();
        let src = b.topo.source.clone();
        // The first `nodes` map is indexed when it ends, all at once (a
        // repeated one, already an error, one node at a time, so that a
        // file repeating it cannot make the indexing quadratic).
        b.unindexed = b.topo.nodes.is_empty();
        while let Some(key) = map.next_key::<K>()? {
            let span = b.span_at(key.offset(&src), key.len(&src));
            b.check_name("node id", key.text(&src), span.start);
            b.node_span = span.clone();
            b.context = Some(Context::Node(key.into_text(&src)));
            attrs.clear();
            map.next_value_seed(AttrsSeed::<K>(b, &mut attrs, Default::default()))?;
            let Some(Context::Node(id)) = b.context.take() else {
                continue; // the seed puts the node context back
            };
            if b.unindexed {
                b.topo.push_node_unindexed(&id, &mut attrs, span);
            } else if let Err(prev) = b.topo.add_node_interned(&id, &mut attrs, span.clone()) {
                let first = b.topo.nodes[prev as usize].span();
                b.node_twice(&id, span, first);
            }
        }
        b.index_nodes();
        Ok(())
    }
}

/// Reads one attribute map into `out`, interned and flattened, rejecting
/// duplicates and lists of lists.
struct AttrsSeed<'b, 'o, K>(
    &'b mut Builder,
    &'o mut Vec<(super::Sym, super::Sym)>,
    std::marker::PhantomData<K>,
);

impl<'de, K: Located> DeserializeSeed<'de> for AttrsSeed<'_, '_, K> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, K: Located> Visitor<'de> for AttrsSeed<'_, '_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of attributes, such as `{kind: model, cloud: azure}`")
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(()) // `node-id:` with nothing after it: a node without attributes
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (b, out) = (self.0, self.1);
        let src = b.topo.source.clone();
        b.keys.clear();
        while let Some(key) = map.next_key::<K>()? {
            let name = key.text(&src);
            let at = key.offset(&src);
            b.check_name("attribute name", name, at);
            let k = b.topo.strings.intern(name);
            let node = match &b.context {
                Some(Context::Node(_)) => b.node_span.clone(),
                _ => 0..0,
            };
            let ctx = b.context.replace(Context::Attr(k, node));
            let value = map.next_value::<K::Scalar>()?;
            b.context = ctx;
            let len = key.len(&src);
            b.read_attr::<K>(Owner::Node, out, name, (at, len), &value, false);
        }
        b.check_keys(Owner::Node);
        Ok(())
    }
}

struct EdgesSeed<'b, K>(&'b mut Builder, std::marker::PhantomData<K>);

impl<'de, K: Located> DeserializeSeed<'de> for EdgesSeed<'_, K> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, K: Located> Visitor<'de> for EdgesSeed<'_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of edges, such as `- {from: a, to: b, kind: api}`")
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let b = self.0;
        let src = b.topo.source.clone();
        let mut index = 0usize;
        loop {
            index += 1;
            b.context = Some(Context::Edge(index));
            let mut edge = RawEdge::default();
            if seq
                .next_element_seed(EdgeSeed::<K>(b, &mut edge, Default::default()))?
                .is_none()
            {
                break;
            }
            let Some(pos) = edge.first else {
                b.context = None;
                continue; // `- {}`: reported by the seed
            };
            let span = b.edge_span(pos, edge.end);
            let missing: Vec<&str> = [
                ("from", edge.from.is_none()),
                ("to", edge.to.is_none()),
                ("kind", edge.kind.is_none()),
            ]
            .into_iter()
            .filter(|(_, m)| *m)
            .map(|(k, _)| k)
            .collect();
            if !missing.is_empty() {
                let list = suggest::list(&missing, 3).replace(", ", " and ");
                let src = b.topo.source.clone();
                b.error(
                    Diagnostic::error(format!("edge {index} has no {list}"))
                        .at(&src, span, "this edge")
                        .help("every edge needs `from`, `to` and `kind`, such as `{from: app, to: gateway, kind: api}`"),
                );
                continue;
            }
            let (Some(from), Some(to), Some(kind)) = (edge.from, edge.to, edge.kind) else {
                continue;
            };
            if b.nodes_read {
                let ends = [(from.0.text(&src), &from.1), (to.0.text(&src), &to.1)];
                b.add_edge_late(ends, kind.0.text(&src), edge.attrs, span);
            } else {
                b.pending.push(PendingEdge {
                    from: (from.0.into_text(&src), from.1),
                    to: (to.0.into_text(&src), to.1),
                    kind: kind.0.into_text(&src),
                    attrs: edge.attrs,
                    span,
                });
            }
        }
        b.context = None;
        Ok(())
    }
}

/// One edge as read: its keys are kept as the loader gave them, so an
/// edge whose nodes are known is added without copying its strings.
struct RawEdge<K> {
    /// The offset of the first key.
    first: Option<usize>,
    /// The end of the last key or `from`/`to`/`kind` value read.
    end: usize,
    from: Option<(K, Span)>,
    to: Option<(K, Span)>,
    kind: Option<(K, Span)>,
    attrs: Vec<(Sym, Sym)>,
}

impl<K> Default for RawEdge<K> {
    fn default() -> Self {
        RawEdge {
            first: None,
            end: 0,
            from: None,
            to: None,
            kind: None,
            attrs: Vec::new(),
        }
    }
}

struct EdgeSeed<'b, 'e, K>(
    &'b mut Builder,
    &'e mut RawEdge<K>,
    std::marker::PhantomData<K>,
);

impl<'de, K: Located> DeserializeSeed<'de> for EdgeSeed<'_, '_, K> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, K: Located> Visitor<'de> for EdgeSeed<'_, '_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an edge, such as `{from: app, to: gateway, kind: api}`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (b, edge) = (self.0, self.1);
        let src = b.topo.source.clone();
        b.keys.clear();
        while let Some(key) = map.next_key::<K>()? {
            let pos = key.offset(&src);
            edge.first.get_or_insert(pos);
            let name = key.text(&src);
            b.check_name("edge key", name, pos);
            edge.end = edge.end.max(pos + key.len(&src));
            let slot = match name {
                "from" => Some(&mut edge.from),
                "to" => Some(&mut edge.to),
                "kind" => Some(&mut edge.kind),
                _ => None,
            };
            let dup = match slot {
                Some(slot) => {
                    let v = map.next_value::<K>()?;
                    let span = b.span_at(v.offset(&src), v.len(&src));
                    if name == "kind" {
                        b.check_name("edge kind", v.text(&src), span.start);
                    }
                    edge.end = edge.end.max(span.end);
                    let dup = slot.is_some();
                    *slot = Some((v, span));
                    dup
                }
                None => {
                    let v = map.next_value::<K::Scalar>()?;
                    let len = key.len(&src);
                    b.read_attr::<K>(Owner::Edge, &mut edge.attrs, name, (pos, len), &v, false);
                    false
                }
            };
            if dup {
                let span = b.span_at(pos, key.len(&src));
                b.error(
                    Diagnostic::error(format!("edge key `{name}` is given twice"))
                        .at(&src, span, "again here")
                        .help("keep one value per key"),
                );
            }
        }
        b.check_keys(Owner::Edge);
        Ok(())
    }
}
