//! The topology: a graph of nodes with attributes and edges with kinds.
//!
//! This is the model the engine reads. Node and edge order is file order,
//! which is what makes witnesses deterministic (ties go to the earlier node
//! or edge). Attribute names and values are interned ([`Interner`]) because
//! a generated estate repeats `cloud: aws` a million times; node ids are
//! kept in [`Node::id`] (and, while loading, in the id index). Every node
//! and edge keeps the span of its definition in the topology's
//! [`Source`](crate::source::Source), so a witness can name the line that
//! breaks a clause.
//!
//! Why the model is small: at a million nodes and three million edges,
//! the time of a check goes largely into memory touched for the first
//! time and into cache misses, so [`Node`] and [`Edge`] are 40 bytes each
//! (ids inline, boxed attribute slices, 32-bit spans) and the id index is
//! freed once loading is done (docs/performance.md has the figures).
//!
//! Loading is in [`load`] (Markdown docs are cut into blocks by
//! [`markdown`] first; plain YAML takes the fast path in [`yaml_events`],
//! plain JSON the one in [`json_fast`] (a large file on two cores, by
//! [`json_part`]), each declining to the full loader on anything else;
//! every loader looks edge ends up in batches, by [`late`]); the model
//! never reads files itself.

pub mod estate;
mod index;
pub mod json;
pub mod json_fast;
mod json_part;
mod late;
pub mod load;
pub mod markdown;
mod raw;
pub mod sources;
#[cfg(test)]
mod tests;
pub mod yaml_events;
mod yaml_scan;

use std::sync::OnceLock;

use compact_str::CompactString;
// Seeded per table: the keys are a pull request's text (see Cargo.toml).
use foldhash::HashMap;

use crate::source::{CompactSpan, Location, SourceRef, Span};

/// An interned string.
pub type Sym = u32;

/// Strings stored once, looked up by text or by number.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    strings: Vec<Box<str>>,
    ids: HashMap<Box<str>, Sym>,
}

impl Interner {
    /// The symbol for `s`, adding it if new.
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as Sym;
        self.strings.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    /// The symbol for `s`, if it was ever interned.
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.ids.get(s).copied()
    }

    /// How many strings are interned.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Whether nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    /// The text of a symbol.
    pub fn resolve(&self, id: Sym) -> &str {
        self.strings.get(id as usize).map_or("", |s| s)
    }
}

/// The tag on a value symbol that is one element of a list: `tags: [pci,
/// phi]` is stored as two pairs `(tags, pci | LIST)`, `(tags, phi | LIST)`.
/// Interned symbols stay below it (an interner of 2^31 strings would need
/// far more memory than any budget allows).
pub const LIST: Sym = 1 << 31;

/// The value symbol of an empty list (`tags: []`): one pair `(name,
/// EMPTY_LIST)`, so the attribute is still present. It carries the
/// [`LIST`] tag, and [`untag`] maps it to no string.
pub const EMPTY_LIST: Sym = u32::MAX;

/// The plain symbol of a value, without its [`LIST`] tag. For
/// [`EMPTY_LIST`] the result names no string: check for it first.
pub fn untag(sym: Sym) -> Sym {
    sym & !LIST
}

/// Whether a value symbol is a list element (or the empty list).
pub fn is_list_value(sym: Sym) -> bool {
    sym & LIST != 0
}

/// Moves the distinct pairs of sorted `attrs` to its front; their count.
fn dedup_len(attrs: &mut [(Sym, Sym)]) -> usize {
    let mut len = 0;
    for i in 0..attrs.len() {
        if len == 0 || attrs[i] != attrs[len - 1] {
            attrs[len] = attrs[i];
            len += 1;
        }
    }
    len
}

/// Reading attributes, shared by [`Node`] and [`Edge`]: `attrs` is sorted
/// by `(name, value)`, so the pairs of one name are a run found by binary
/// search.
mod attrs {
    use super::{EMPTY_LIST, Sym, is_list_value, untag};

    /// The pairs of `attrs` named `name`.
    pub(super) fn run(attrs: &[(Sym, Sym)], name: Sym) -> &[(Sym, Sym)] {
        let start = attrs.partition_point(|&(n, _)| n < name);
        let len = attrs[start..].partition_point(|&(n, _)| n == name);
        &attrs[start..start + len]
    }

    pub(super) fn scalar(attrs: &[(Sym, Sym)], name: Sym) -> Option<Sym> {
        match run(attrs, name) {
            [(_, v)] if !is_list_value(*v) => Some(*v),
            _ => None,
        }
    }

    pub(super) fn values(attrs: &[(Sym, Sym)], name: Sym) -> impl Iterator<Item = Sym> + '_ {
        run(attrs, name)
            .iter()
            .filter(|&&(_, v)| v != EMPTY_LIST)
            .map(|&(_, v)| untag(v))
    }

    pub(super) fn is_list(attrs: &[(Sym, Sym)], name: Sym) -> bool {
        run(attrs, name)
            .first()
            .is_some_and(|&(_, v)| is_list_value(v))
    }

    pub(super) fn has(attrs: &[(Sym, Sym)], name: Sym) -> bool {
        !run(attrs, name).is_empty()
    }
}

/// The attribute accessors of [`Node`] and [`Edge`], one implementation.
macro_rules! attr_accessors {
    () => {
        /// The value of a plain (scalar) attribute; `None` when the
        /// attribute is absent or a list.
        pub fn attr(&self, name: Sym) -> Option<Sym> {
            attrs::scalar(&self.attrs, name)
        }

        /// Every value of an attribute, untagged, in symbol order: a plain
        /// attribute gives its one value, a list its elements, an empty
        /// list or an absent attribute none.
        pub fn values(&self, name: Sym) -> impl Iterator<Item = Sym> + '_ {
            attrs::values(&self.attrs, name)
        }

        /// Whether the attribute is a list (possibly empty).
        pub fn is_list(&self, name: Sym) -> bool {
            attrs::is_list(&self.attrs, name)
        }

        /// Whether the attribute is present: a plain value or any list,
        /// even an empty one.
        pub fn has(&self, name: Sym) -> bool {
            attrs::has(&self.attrs, name)
        }
    };
}

/// One node: its id, its attributes and where it is.
///
/// Kept small (40 bytes, most ids inline) because an estate holds a
/// million of them and, at that size, the time goes into touching fresh
/// memory (docs/performance.md).
#[derive(Debug, Clone)]
pub struct Node {
    /// The node id, as written; ids of up to 24 bytes need no allocation.
    pub id: compact_str::CompactString,
    /// Attribute name and value symbols, sorted by `(name, value)`. A list
    /// gives one pair per element, its value tagged with [`LIST`]; a map
    /// is flattened into dotted names (`labels.team`).
    pub attrs: Box<[(Sym, Sym)]>,
    /// The span of the node's key in the topology file.
    span: CompactSpan,
}

impl Node {
    attr_accessors!();

    /// The span of the node's key in the topology file.
    pub fn span(&self) -> Span {
        self.span.range()
    }
}

/// One directed edge, caller to callee (40 bytes: there are millions).
#[derive(Debug, Clone)]
pub struct Edge {
    /// Index of the caller in [`Topology::nodes`].
    pub from: u32,
    /// Index of the callee.
    pub to: u32,
    /// The edge kind, lowercased and interned.
    pub kind: Sym,
    /// Other attributes of the edge, as [`Node::attrs`].
    pub attrs: Box<[(Sym, Sym)]>,
    /// The span of the edge in the topology file.
    span: CompactSpan,
}

impl Edge {
    attr_accessors!();

    /// An edge whose kind is interned here (lowercased) into `strings`,
    /// the attributes already interned there; they are sorted here.
    pub(crate) fn interned(
        strings: &mut Interner,
        [from, to]: [u32; 2],
        kind: &str,
        mut attrs: Vec<(Sym, Sym)>,
        span: Span,
    ) -> Edge {
        let kind = if kind.bytes().any(|b| b.is_ascii_uppercase()) || !kind.is_ascii() {
            strings.intern(&kind.to_lowercase())
        } else {
            strings.intern(kind)
        };
        attrs.sort_unstable();
        attrs.dedup();
        Edge {
            from,
            to,
            kind,
            attrs: attrs.into_boxed_slice(),
            span: span.into(),
        }
    }

    /// An edge of this one's kind and span between other nodes, without
    /// its attributes: the engine's derived graphs (layers, views) read
    /// only the ends and the kind.
    pub fn between(&self, from: u32, to: u32) -> Edge {
        Edge {
            from,
            to,
            kind: self.kind,
            attrs: Box::default(),
            span: self.span,
        }
    }

    /// The span of the edge in the topology file.
    pub fn span(&self) -> Span {
        self.span.range()
    }
}

/// A loaded topology.
#[derive(Debug, Clone)]
pub struct Topology {
    /// The file it came from.
    pub source: SourceRef,
    /// The `name:` key, if any.
    pub name: Option<String>,
    /// The `agreement:` key as written, with its span.
    pub agreement: Option<(String, Span)>,
    /// The nodes, in file order.
    pub nodes: Vec<Node>,
    /// The edges, in file order.
    pub edges: Vec<Edge>,
    /// Attribute names and values, edge kinds.
    pub strings: Interner,
    /// Node id to index ([`index::NodeIndex`]).
    ///
    /// Only loading needs it (the engine never looks an id up), and at a
    /// million nodes it is 16 MB of the check's peak memory, so the
    /// loaders drop it when they are done ([`Topology::drop_index`]); a
    /// lookup after that builds it again, once.
    index: OnceLock<index::NodeIndex>,
    /// The other files of an estate (docs/sources.md), each with the
    /// offset its spans are shifted by: an estate's spans live in one
    /// address space, `source` at 0 and each part after the one before, so
    /// a node or edge keeps its file without a field of its own, and
    /// [`Topology::locate`] finds it by binary search. Empty for a
    /// topology of one file.
    pub files: Vec<(usize, SourceRef)>,
}

impl Topology {
    /// Everything a check can see of the topology (name, agreement, the
    /// interned strings in order, nodes and edges with their spans), in
    /// one text: what the differential tests and fuzz targets compare
    /// when two loaders read the same file.
    #[doc(hidden)]
    pub fn canonical(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(out, "name {:?}\nagreement {:?}", self.name, self.agreement);
        for i in 0..self.strings.len() {
            let _ = writeln!(out, "sym {i} {:?}", self.strings.resolve(i as u32));
        }
        for n in &self.nodes {
            let _ = writeln!(out, "node {n:?}");
        }
        for e in &self.edges {
            let _ = writeln!(out, "edge {e:?}");
        }
        out
    }

    /// An empty topology read from `source`.
    pub fn new(source: SourceRef) -> Self {
        Topology {
            source,
            name: None,
            agreement: None,
            nodes: Vec::new(),
            edges: Vec::new(),
            strings: Interner::default(),
            index: OnceLock::new(),
            files: Vec::new(),
        }
    }

    /// The file a span of this topology's nodes or edges is in, and the
    /// span within that file (see [`Topology::files`]).
    pub fn locate(&self, span: &Span) -> (&SourceRef, Span) {
        let at = self.files.partition_point(|(base, _)| *base <= span.start);
        match at.checked_sub(1).map(|i| &self.files[i]) {
            Some((base, src)) => (src, span.start - base..span.end.saturating_sub(*base)),
            None => (&self.source, span.clone()),
        }
    }

    /// Adds a node; returns the index of an earlier node with the same id
    /// instead if there is one.
    pub fn add_node(&mut self, id: &str, attrs: &[(&str, &str)], span: Span) -> Result<u32, u32> {
        if let Some(prev) = self.node_index(id) {
            return Err(prev);
        }
        let mut attrs: Vec<(Sym, Sym)> = attrs
            .iter()
            .map(|(k, v)| (self.strings.intern(k), self.strings.intern(v)))
            .collect();
        attrs.sort_unstable();
        let ix = self.nodes.len() as u32;
        let id = CompactString::new(id);
        self.index_insert(&id, ix)?;
        self.nodes.push(Node {
            id,
            attrs: attrs.into(),
            span: span.into(),
        });
        Ok(ix)
    }

    /// Adds a node whose attributes are already interned (the loaders'
    /// path: no string is copied twice). `attrs` is sorted in place. A
    /// duplicate gives back the earlier node's index.
    pub(crate) fn add_node_interned(
        &mut self,
        id: &str,
        attrs: &mut [(Sym, Sym)],
        span: Span,
    ) -> Result<u32, u32> {
        let ix = self.nodes.len() as u32;
        let id = CompactString::new(id);
        // One probe for the duplicate check and the insertion: at a
        // million nodes each probe is a cache miss.
        self.index_insert(&id, ix)?;
        attrs.sort_unstable();
        // `tags: [a, a]` is read as one element `a`.
        let len = dedup_len(attrs);
        self.nodes.push(Node {
            id,
            attrs: attrs[..len].into(),
            span: span.into(),
        });
        Ok(ix)
    }

    /// Adds a node whose attributes are already interned, as
    /// [`Topology::add_node_interned`], but without indexing its id: a
    /// loader adding a whole `nodes` map calls [`Topology::index_nodes`]
    /// at its end, which indexes them all at once (and finds the
    /// duplicates) faster than one by one.
    pub(crate) fn push_node_unindexed(&mut self, id: &str, attrs: &mut [(Sym, Sym)], span: Span) {
        self.index = OnceLock::new();
        attrs.sort_unstable();
        let len = dedup_len(attrs);
        self.nodes.push(Node {
            id: CompactString::new(id),
            attrs: attrs[..len].into(),
            span: span.into(),
        });
    }

    /// Indexes every node's id (see [`index::NodeIndex::build`]) and
    /// removes each node whose id an earlier node has; gives back, for
    /// each one removed in file order, the node as read and the earlier
    /// node's index (after the removal).
    pub(crate) fn index_nodes(&mut self) -> Vec<(Node, u32)> {
        let (index, dups) = index::NodeIndex::build(&self.nodes);
        if dups.is_empty() {
            self.index = OnceLock::from(index);
            return Vec::new();
        }
        // Rare (the load fails): drop the later copies, then index again.
        let mut later = vec![false; self.nodes.len()];
        for &(dup, _) in &dups {
            later[dup as usize] = true;
        }
        // An earlier node's new index: how many kept nodes precede it.
        let mut kept_before = Vec::with_capacity(self.nodes.len());
        let mut kept = 0u32;
        for &l in &later {
            kept_before.push(kept);
            kept += u32::from(!l);
        }
        let mut removed = Vec::with_capacity(dups.len());
        let mut dups = dups.into_iter().peekable();
        let mut i = 0usize;
        self.nodes.retain(|node| {
            let at = i;
            i += 1;
            match dups.peek() {
                Some(&(dup, first)) if dup as usize == at => {
                    dups.next();
                    removed.push((node.clone(), kept_before[first as usize]));
                    false
                }
                _ => true,
            }
        });
        self.index = OnceLock::from(index::NodeIndex::of(&self.nodes));
        removed
    }

    /// Adds an edge between two known node indices.
    pub fn add_edge(&mut self, from: u32, to: u32, kind: &str, attrs: &[(&str, &str)], span: Span) {
        let attrs: Vec<(Sym, Sym)> = attrs
            .iter()
            .map(|(k, v)| (self.strings.intern(k), self.strings.intern(v)))
            .collect();
        self.add_edge_interned(from, to, kind, attrs, span);
    }

    /// Adds an edge whose attributes are already interned (and maybe
    /// tagged as list elements); they are sorted here.
    pub(crate) fn add_edge_interned(
        &mut self,
        from: u32,
        to: u32,
        kind: &str,
        attrs: Vec<(Sym, Sym)>,
        span: Span,
    ) {
        let edge = Edge::interned(&mut self.strings, [from, to], kind, attrs, span);
        self.edges.push(edge);
    }

    /// The index of the node with this id.
    pub fn node_index(&self, id: &str) -> Option<u32> {
        self.index
            .get_or_init(|| index::NodeIndex::of(&self.nodes))
            .get(&self.nodes, id)
    }

    /// Records `id` as node `ix`, unless a node has it already: then its
    /// index is the error.
    fn index_insert(&mut self, id: &str, ix: u32) -> Result<(), u32> {
        if self.index.get().is_none() {
            self.index = OnceLock::from(index::NodeIndex::of(&self.nodes));
        }
        let index = self.index.get_mut().expect("the index was just built");
        index.insert(&self.nodes, id, ix)
    }

    /// Frees the id index (see [`Topology::index`]); loaders call it when
    /// the topology is complete. Lookups still work: the first one after
    /// this builds the index again.
    pub fn drop_index(&mut self) {
        self.index = OnceLock::new();
    }

    /// [`Topology::node_index`], trying `hint` first and leaving the answer
    /// in it. The loaders keep one hint for edges' `from`: edges are
    /// usually grouped by caller, so most `from`s name the node the last
    /// one named, and comparing with that node's id (just read, so in
    /// cache) saves a table probe, which at a million nodes is a cache
    /// miss (a fifth of loading 1M JSON nodes was spent in lookups).
    pub(crate) fn node_index_hinted(&self, id: &str, hint: &mut u32) -> Option<u32> {
        if let Some(node) = self.nodes.get(*hint as usize)
            && node.id == id
        {
            return Some(*hint);
        }
        let ix = self.node_index(id)?;
        *hint = ix;
        Some(ix)
    }

    /// The node ids, in file order.
    pub fn node_ids(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|n| n.id.as_str())
    }

    /// Where a node is defined.
    pub fn node_location(&self, ix: u32) -> Location {
        let (src, span) = self.locate(&self.nodes[ix as usize].span());
        src.location(&span)
    }

    /// Where an edge is defined.
    pub fn edge_location(&self, ix: u32) -> Location {
        let (src, span) = self.locate(&self.edges[ix as usize].span());
        src.location(&span)
    }
}
