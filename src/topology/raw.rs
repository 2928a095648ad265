//! Streaming the topology document into the model.
//!
//! Serde visitors read the YAML (or JSON) events straight into a
//! [`Builder`]: there is no intermediate tree of the whole document, and
//! attribute strings are interned as they arrive. The visitors never stop at
//! a problem they can describe better than the parser (an unknown key, a
//! missing `to`, a duplicate id): they record a diagnostic and read on, so
//! every such mistake in a file is reported in one run.
//!
//! Keys are read through [`Located`], which gives their line and column;
//! the YAML loader uses serde-saphyr's `Spanned<String>`.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::Topology;
use crate::diag::{Diagnostic, suggest};
use crate::source::Span;

/// A map key that knows where it was written.
pub trait Located: for<'de> serde::Deserialize<'de> {
    /// The key's text.
    fn text(&self) -> &str;
    /// 1-based line and column.
    fn line_col(&self) -> (usize, usize);
}

impl Located for serde_saphyr::Spanned<String> {
    fn text(&self) -> &str {
        &self.value
    }
    fn line_col(&self) -> (usize, usize) {
        (
            self.referenced.line() as usize,
            self.referenced.column() as usize,
        )
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
    pub context: Option<String>,
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
            pending: Vec::new(),
            nodes_read: false,
            saw_nodes: false,
        }
    }

    fn span_at(&self, (line, col): (usize, usize), len: usize) -> Span {
        let start = self.topo.source.offset(line, col);
        let end = (start + len.max(1)).min(self.topo.source.text().len());
        start..end.max(start)
    }

    /// A span from an edge's first key (or the `{` just before it) to the
    /// end of its line.
    fn line_span_at(&self, pos: (usize, usize)) -> Span {
        let text = self.topo.source.text();
        let mut start = self.topo.source.offset(pos.0, pos.1);
        let line = self.topo.source.line_range(start);
        let before = text[line.start..start].trim_end();
        if before.ends_with('{') {
            start = line.start + before.len() - 1;
        }
        let end = line.start + text[line.clone()].trim_end().len();
        start..end.max(start + 1).min(text.len().max(start))
    }

    fn error(&mut self, d: Diagnostic) {
        self.problems.push(d);
    }

    /// Resolves the edges that named nodes before `nodes:` was read, and
    /// checks the document had `nodes`.
    pub fn finish(&mut self) {
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
            let span = b.span_at(key.line_col(), key.text().len());
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
                    b.context = Some("`name`".into());
                    b.topo.name = Some(map.next_value::<String>()?);
                }
                "agreement" => {
                    b.context = Some("`agreement`".into());
                    let v = map.next_value::<K>()?;
                    let vspan = b.span_at(v.line_col(), v.text().len());
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
        let mut attrs: Vec<(String, String)> = Vec::new();
        while let Some(key) = map.next_key::<K>()? {
            let id = key.text().to_string();
            let span = b.span_at(key.line_col(), id.len());
            b.context = Some(format!("node `{id}`"));
            attrs.clear();
            map.next_value_seed(AttrsSeed::<K>(b, &mut attrs, Default::default()))?;
            let pairs: Vec<(&str, &str)> = attrs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            if let Err(prev) = b.topo.add_node(&id, &pairs, span.clone()) {
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

/// Reads one attribute map into `out`, rejecting duplicates and non-scalars.
struct AttrsSeed<'b, 'o, K>(
    &'b mut Builder,
    &'o mut Vec<(String, String)>,
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
            let name = key.text().to_string();
            let outer = b.context.take();
            b.context = Some(match &outer {
                Some(o) => format!("attribute `{name}` of {o}"),
                None => format!("attribute `{name}`"),
            });
            let value = map.next_value::<String>()?;
            b.context = outer;
            if out.iter().any(|(k, _)| *k == name) {
                let src = b.topo.source.clone();
                let span = b.span_at(key.line_col(), name.len());
                b.error(
                    Diagnostic::error(format!("attribute `{name}` is given twice"))
                        .at(&src, span, "again here")
                        .help("keep one value per attribute"),
                );
                continue;
            }
            out.push((name, value));
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
            b.context = Some(format!("edge {index}"));
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
            let src = b.topo.source.clone();
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
    first: Option<(usize, usize)>,
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
            let pos = key.line_col();
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
                    let span = b.span_at(v.line_col(), v.text().len());
                    let dup = slot.is_some();
                    *slot = Some((v.text().to_string(), span));
                    dup
                }
                None => {
                    let v = map.next_value::<String>()?;
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
