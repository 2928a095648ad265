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

use super::Topology;
use crate::diag::{Diagnostic, Errors, suggest};
use crate::source::{Source, Span};

/// A map key (or string value) that knows where it was written.
pub trait Located: for<'de> serde::Deserialize<'de> {
    /// A plain attribute value: text, a number or a boolean, as text.
    type Scalar: for<'de> serde::Deserialize<'de> + Into<String> + AsRef<str>;
    /// The key's text.
    fn text(&self) -> &str;
    /// Its byte offset in `source`.
    fn offset(&self, source: &Source) -> usize;
}

impl Located for serde_saphyr::Spanned<String> {
    type Scalar = String;
    fn text(&self) -> &str {
        &self.value
    }
    fn offset(&self, source: &Source) -> usize {
        source.offset(
            self.referenced.line() as usize,
            self.referenced.column() as usize,
        )
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
    attrs: Vec<(String, String)>,
    span: Span,
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
    nodes_read: bool,
    saw_nodes: bool,
}

impl Builder {
    /// A builder for a topology read from `topo.source`.
    pub fn new(topo: Topology) -> Self {
        Builder {
            topo,
            problems: Vec::new(),
            context: None,
            node_span: 0..0,
            pending: Vec::new(),
            nodes_read: false,
            saw_nodes: false,
        }
    }

    fn span_at(&self, start: usize, len: usize) -> Span {
        let start = start.min(self.topo.source.text().len());
        let end = (start + len.max(1)).min(self.topo.source.text().len());
        start..end.max(start)
    }

    /// A span from an edge's first key (or the `{` just before it) to the
    /// end of its line.
    fn line_span_at(&self, pos: usize) -> Span {
        let text = self.topo.source.text();
        let mut start = pos.min(text.len());
        let line = self.topo.source.line_range(start);
        // Back up over `{` (YAML flow style) or `{"` (JSON).
        let before = text[line.start..start].trim_end();
        let before = before.strip_suffix('"').unwrap_or(before).trim_end();
        if before.ends_with('{') {
            start = line.start + before.len() - 1;
        }
        let end = line.start + text[line.clone()].trim_end().len();
        start..end.max(start + 1).min(text.len().max(start))
    }

    fn error(&mut self, d: Diagnostic) {
        self.problems.push(d);
    }

    /// The topology, or every problem found, in file order. `stopped` is the
    /// parser's own error (already in our words), if it stopped early.
    pub fn into_result(mut self, stopped: Option<Diagnostic>) -> Result<Topology, Errors> {
        if let Some(d) = stopped {
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
        for p in std::mem::take(&mut self.pending) {
            self.add_edge(p);
        }
    }

    fn resolve(&mut self, (id, span): &(String, Span), role: &str) -> Option<u32> {
        if let Some(ix) = self.topo.node_index(id) {
            return Some(ix);
        }
        let ids: Vec<&str> = self.topo.node_ids().collect();
        let help = suggest::help_line(id, ids.iter().copied())
            .unwrap_or_else(|| "add the node under `nodes:`, or fix the id".to_string());
        let src = self.topo.source.clone();
        self.error(
            Diagnostic::error(format!("edge {role} unknown node `{id}`"))
                .at(&src, span.clone(), "no node has this id")
                .help(help),
        );
        None
    }

    fn add_edge(&mut self, p: PendingEdge) {
        let from = self.resolve(&p.from, "from");
        let to = self.resolve(&p.to, "to");
        if let (Some(from), Some(to)) = (from, to) {
            let attrs: Vec<(&str, &str)> = p
                .attrs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            self.topo.add_edge(from, to, &p.kind, &attrs, p.span);
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
        while let Some(key) = map.next_key::<K>()? {
            let span = b.span_at(key.offset(&b.topo.source), key.text().len());
            let name = key.text().to_string();
            if let Some(first) = seen.get(&name) {
                let src = b.topo.source.clone();
                b.error(
                    Diagnostic::error(format!("`{name}` appears twice at the top level"))
                        .at(&src, span.clone(), "again here")
                        .also(&src, first.clone(), "first here")
                        .help("merge the two into one"),
                );
            }
            seen.insert(name.clone(), span.clone());
            match name.as_str() {
                "name" => {
                    b.context = Some(Context::Name);
                    b.topo.name = Some(map.next_value::<K>()?.text().to_string());
                }
                "agreement" => {
                    b.context = Some(Context::Agreement);
                    let v = map.next_value::<K>()?;
                    let vspan = b.span_at(v.offset(&b.topo.source), v.text().len());
                    b.topo.agreement = Some((v.text().to_string(), vspan));
                }
                "nodes" => {
                    b.saw_nodes = true;
                    map.next_value_seed(NodesSeed::<K>(b, Default::default()))?;
                    b.nodes_read = true;
                }
                "edges" => map.next_value_seed(EdgesSeed::<K>(b, Default::default()))?,
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
        while let Some(key) = map.next_key::<K>()? {
            let span = b.span_at(key.offset(&b.topo.source), key.text().len());
            b.context = Some(Context::Node(key.text().to_string()));
            b.node_span = span.clone();
            attrs.clear();
            map.next_value_seed(AttrsSeed::<K>(b, &mut attrs, Default::default()))?;
            let Some(Context::Node(id)) = b.context.take() else {
                continue; // the seed puts the node context back
            };
            if let Err(prev) = b.topo.add_node_interned(id, &mut attrs, span.clone()) {
                let id = key.text();
                let src = b.topo.source.clone();
                let first = b.topo.nodes[prev as usize].span.clone();
                b.error(
                    Diagnostic::error(format!("node id `{id}` is used twice"))
                        .at(&src, span, "defined again here")
                        .also(&src, first, "first defined here")
                        .help("node ids must be unique: rename one of them"),
                );
            }
        }
        Ok(())
    }
}

/// Reads one attribute map into `out`, interned, rejecting duplicates and
/// non-scalars.
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
        while let Some(key) = map.next_key::<K>()? {
            let name = key.text();
            let k = b.topo.strings.intern(name);
            let node = match &b.context {
                Some(Context::Node(_)) => b.node_span.clone(),
                _ => 0..0,
            };
            let ctx = b.context.replace(Context::Attr(k, node));
            let value = map.next_value::<K::Scalar>()?;
            b.context = ctx;
            if out.iter().any(|(n, _)| *n == k) {
                let src = b.topo.source.clone();
                let span = b.span_at(key.offset(&src), name.len());
                b.error(
                    Diagnostic::error(format!("attribute `{name}` is given twice"))
                        .at(&src, span, "again here")
                        .help("keep one value per attribute"),
                );
                continue;
            }
            let v = b.topo.strings.intern(value.as_ref());
            out.push((k, v));
        }
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
            let span = b.line_span_at(pos);
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
            let pending = PendingEdge {
                from,
                to,
                kind: kind.0,
                attrs: edge.attrs,
                span,
            };
            if b.nodes_read {
                b.add_edge(pending);
            } else {
                b.pending.push(pending);
            }
        }
        b.context = None;
        Ok(())
    }
}

#[derive(Default)]
struct RawEdge {
    first: Option<usize>,
    from: Option<(String, Span)>,
    to: Option<(String, Span)>,
    kind: Option<(String, Span)>,
    attrs: Vec<(String, String)>,
}

struct EdgeSeed<'b, 'e, K>(
    &'b mut Builder,
    &'e mut RawEdge,
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
        while let Some(key) = map.next_key::<K>()? {
            let pos = key.offset(&b.topo.source);
            edge.first.get_or_insert(pos);
            let name = key.text().to_string();
            let slot = match name.as_str() {
                "from" => Some(&mut edge.from),
                "to" => Some(&mut edge.to),
                "kind" => Some(&mut edge.kind),
                _ => None,
            };
            let dup = match slot {
                Some(slot) => {
                    let v = map.next_value::<K>()?;
                    let span = b.span_at(v.offset(&b.topo.source), v.text().len());
                    let dup = slot.is_some();
                    *slot = Some((v.text().to_string(), span));
                    dup
                }
                None => {
                    let v: String = map.next_value::<K::Scalar>()?.into();
                    let dup = edge.attrs.iter().any(|(k, _)| *k == name);
                    edge.attrs.push((name.clone(), v));
                    dup
                }
            };
            if dup {
                let src = b.topo.source.clone();
                let span = b.span_at(pos, name.len());
                b.error(
                    Diagnostic::error(format!("edge key `{name}` is given twice"))
                        .at(&src, span, "again here")
                        .help("keep one value per key"),
                );
            }
        }
        Ok(())
    }
}
