//! The one builder every importer fills: nodes and edges by id, with
//! their raw attributes and locations, turned into a [`Topology`] after a
//! mapping profile has had its say.
//!
//! Importers think in ids (a Terraform address, a Backstage entity ref),
//! so edges name their ends by id and are resolved here, once; an end that
//! names no node is a located error with a did-you-mean, never a silent
//! drop. Nodes and edges keep the order the importer found them in, which
//! is file order, so witnesses stay deterministic.

use foldhash::{HashMap, HashSet};

use super::profile::Profile;
use crate::diag::{Diagnostic, Errors};
use crate::source::{SourceRef, Span};
use crate::topology::{LIST, Topology};

/// An attribute value: one text, or a list of texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    /// A plain value.
    One(String),
    /// A list (`tags: [a, b]`), possibly empty.
    List(Vec<String>),
}

/// A node as an importer sees it.
#[derive(Debug, Clone)]
pub struct DraftNode {
    /// The id edges and witnesses use.
    pub id: String,
    /// Attributes in the order found; a later one of the same name wins.
    pub attrs: Vec<(String, Val)>,
    /// Where the node is defined.
    pub span: Span,
}

impl DraftNode {
    /// A node with no attributes yet.
    pub fn new(id: impl Into<String>, span: Span) -> Self {
        DraftNode {
            id: id.into(),
            attrs: Vec::new(),
            span,
        }
    }

    /// Sets a plain attribute (replacing an earlier one of that name).
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        self.attrs.retain(|(n, _)| *n != name);
        self.attrs.push((name, Val::One(value.into())));
    }

    /// Sets a list attribute.
    pub fn set_list(&mut self, name: impl Into<String>, values: Vec<String>) {
        let name = name.into();
        self.attrs.retain(|(n, _)| *n != name);
        self.attrs.push((name, Val::List(values)));
    }

    /// The plain value of an attribute.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attrs.iter().rev().find_map(|(n, v)| match v {
            Val::One(s) if n == name => Some(s.as_str()),
            _ => None,
        })
    }
}

/// An edge as an importer sees it: its ends by node id.
#[derive(Debug, Clone)]
pub struct DraftEdge {
    /// The caller's id.
    pub from: String,
    /// The callee's id.
    pub to: String,
    /// The raw kind (a profile may map it).
    pub kind: String,
    /// Other attributes (`description`).
    pub attrs: Vec<(String, String)>,
    /// Where the edge is defined.
    pub span: Span,
    /// Where each end is named, when not at `span` (for errors).
    pub ends: Option<(Span, Span)>,
}

impl DraftEdge {
    /// An edge without attributes.
    pub fn new(
        from: impl Into<String>,
        to: impl Into<String>,
        kind: impl Into<String>,
        span: Span,
    ) -> Self {
        DraftEdge {
            from: from.into(),
            to: to.into(),
            kind: kind.into(),
            attrs: Vec::new(),
            span,
            ends: None,
        }
    }
}

/// What an importer read from one file.
#[derive(Debug)]
pub struct Draft {
    /// The file.
    pub source: SourceRef,
    /// The topology's name, when the source has one.
    pub name: Option<String>,
    /// Nodes in file order.
    pub nodes: Vec<DraftNode>,
    /// Edges in file order.
    pub edges: Vec<DraftEdge>,
    /// Mistakes found while reading; reported together.
    pub errors: Vec<Diagnostic>,
    /// What the source calls a node, for messages (`resource`, `element`).
    pub noun: &'static str,
}

impl Draft {
    /// An empty draft of `source`.
    pub fn new(source: &SourceRef, noun: &'static str) -> Self {
        Draft {
            source: source.clone(),
            name: None,
            nodes: Vec::new(),
            edges: Vec::new(),
            errors: Vec::new(),
            noun,
        }
    }

    /// An error at `span` of the draft's source.
    pub fn error(
        &mut self,
        message: impl Into<String>,
        span: Span,
        label: &str,
    ) -> &mut Diagnostic {
        let d = Diagnostic::error(message).at(&self.source, span, label);
        self.errors.push(d);
        self.errors.last_mut().expect("just pushed")
    }
}

/// The topology of a draft: the profile applied to each node and edge,
/// `kind` defaulting to the raw `type`, ends resolved, duplicates and
/// unknown ends reported.
pub fn finish(draft: Draft, profile: Option<&Profile>) -> Result<Topology, Errors> {
    let Draft {
        source,
        name,
        nodes,
        edges,
        mut errors,
        noun,
    } = draft;
    let mut topo = Topology::new(source.clone());
    topo.name = name;
    let mut first: HashMap<String, Span> = HashMap::default();
    for mut node in nodes {
        if let Some(p) = profile {
            p.apply_node(&mut node);
        }
        if node.get("kind").is_none()
            && let Some(t) = node.get("type").map(str::to_string)
        {
            node.set("kind", t);
        }
        let mut attrs = Vec::with_capacity(node.attrs.len());
        for (n, v) in &node.attrs {
            let n = topo.strings.intern(n);
            match v {
                Val::One(s) => attrs.push((n, topo.strings.intern(s))),
                Val::List(items) if items.is_empty() => {
                    attrs.push((n, crate::topology::EMPTY_LIST))
                }
                Val::List(items) => {
                    for s in items {
                        attrs.push((n, topo.strings.intern(s) | LIST));
                    }
                }
            }
        }
        if topo
            .add_node_interned(&node.id, &mut attrs, node.span.clone())
            .is_err()
        {
            let id = &node.id;
            let mut d = Diagnostic::error(format!(
                "two {noun}s have the id `{}`",
                crate::escape::display(id)
            ))
            .at(&source, node.span.clone(), "the second")
            .help("ids must be unique within a topology");
            if let Some(s) = first.get(id.as_str()) {
                d = d.also(&source, s.clone(), "the first");
            }
            errors.push(d);
        } else {
            first.insert(node.id, node.span);
        }
    }
    let mut seen: HashSet<(u32, u32, u32)> = HashSet::default();
    for mut edge in edges {
        let mut keep = true;
        if let Some(p) = profile {
            keep = p.apply_edge(&mut edge);
        }
        if !keep {
            continue;
        }
        let (fs, ts) = edge
            .ends
            .clone()
            .unwrap_or((edge.span.clone(), edge.span.clone()));
        let from = resolve(&topo, &source, &edge.from, fs, noun, &mut errors);
        let to = resolve(&topo, &source, &edge.to, ts, noun, &mut errors);
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        let kind = topo.strings.intern(&edge.kind.to_lowercase());
        if !seen.insert((from, to, kind)) {
            continue;
        }
        let attrs = edge
            .attrs
            .iter()
            .map(|(k, v)| (topo.strings.intern(k), topo.strings.intern(v)))
            .collect();
        topo.add_edge_interned(from, to, &edge.kind, attrs, edge.span);
    }
    if errors.is_empty() {
        Ok(topo)
    } else {
        Err(Errors(errors))
    }
}

fn resolve(
    topo: &Topology,
    source: &SourceRef,
    id: &str,
    span: Span,
    noun: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<u32> {
    if let Some(ix) = topo.node_index(id) {
        return Some(ix);
    }
    let help = crate::diag::suggest::help_line(id, topo.node_ids()).unwrap_or_else(|| {
        format!("define the {noun}, or combine this file with the one that does in an estate")
    });
    errors.push(
        Diagnostic::error(format!(
            "`{}` names no {noun} of this file",
            crate::escape::display(id)
        ))
        .at(source, span, "unknown")
        .help(help),
    );
    None
}
