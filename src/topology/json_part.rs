//! The JSON fast path on two cores: the later edges read by a second
//! thread while the first reads the earlier ones.
//!
//! Why: in a generated estate `edges` is about two thirds of the file and
//! of the load, and the reader ([`super::json_fast`]) keeps no state
//! between two edges but its place. Once the first reader has read
//! `nodes` (the edges' ends are looked up in them), it guesses a byte
//! about halfway through the rest of the file that starts an edge
//! ([`guess`]); a second thread reads the edges from there to the end of
//! `edges`, into a [`Part`] of its own, while the first reads up to it.
//!
//! Why the result is the one a single reader gives: the second reader's
//! edges are used only if the first reader, reading from the start, comes
//! to that very byte between two elements of `edges`. From there, reading
//! is the same whoever does it. A wrong guess (the `,{` of a string) costs
//! the second core's work and nothing else: the first reader, once past
//! it, stops the second and reads on alone. The second reader's strings
//! are its own until the merge, which interns them in the order the
//! second reader met them ([`Part::append`]): the order one reader would
//! have met them in, so every symbol is the one it would have had.
//!
//! The tests and the fuzz target start the second reader at arbitrary
//! bytes (`json_fast::load_cut`) and compare with one reader alone.

use std::sync::OnceLock;

use super::index::NodeIndex;
use super::json_fast::Intern;
use super::late::{self, LateEnds, Unknown};
use super::{EMPTY_LIST, Edge, Interner, LIST, Node, Sym, Topology, untag};
use crate::source::Span;

/// What the first reader hands over once it has read `nodes`: the nodes
/// and their index (both readers look edge ends up in them, and they go
/// back into the model at the end), the strings interned so far (the
/// second reader starts from a copy, so that its symbols are mostly the
/// model's already), and where the second reader starts, if one does.
pub(super) struct Known {
    nodes: Vec<Node>,
    index: NodeIndex,
    pub(super) strings: Interner,
    pub(super) cut: Option<usize>,
}

impl Known {
    /// Takes the nodes and their index out of `topo`.
    pub(super) fn take(topo: &mut Topology, cut: Option<usize>) -> Self {
        let nodes = std::mem::take(&mut topo.nodes);
        let index = topo.index.take();
        let index = index.unwrap_or_else(|| NodeIndex::of(&nodes));
        let strings = cut.map(|_| topo.strings.clone()).unwrap_or_default();
        Known {
            nodes,
            index,
            strings,
            cut,
        }
    }

    /// Nothing: what the second reader gets when the first stopped
    /// before `nodes`, so that it never waits for them.
    pub(super) fn none() -> Self {
        Known {
            nodes: Vec::new(),
            index: NodeIndex::of(&[]),
            strings: Interner::default(),
            cut: None,
        }
    }

    /// Puts the nodes and their index back into `topo`.
    pub(super) fn restore(self, topo: &mut Topology) {
        topo.nodes = self.nodes;
        topo.index = OnceLock::from(self.index);
    }
}

/// Where a second reader starts: the first `{` halfway through the rest
/// of `text` from `from` (where `nodes` ends) that follows a `,` and
/// blanks, the start of an element of `edges` if the guess is right.
pub(super) fn guess(text: &str, from: usize) -> Option<usize> {
    let mut after_comma = false;
    let half = from + text.len().saturating_sub(from) / 2;
    for (at, &b) in text.as_bytes().iter().enumerate().skip(half) {
        match b {
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            b'{' if after_comma => return Some(at),
            _ => {}
        }
        after_comma = b == b',';
    }
    None
}

/// The edges one reader read, into its strings, their ends looked up in
/// the nodes the first reader read.
pub(super) struct Part<'a> {
    text: &'a str,
    known: &'a Known,
    /// The first reader's are the model's; the second's are its own until
    /// they are merged ([`Part::append`]).
    pub(super) strings: Interner,
    pub(super) edges: Vec<Edge>,
    ends: LateEnds,
    unknown: Vec<Unknown>,
    /// The byte after the `]` that closes `edges`.
    pub(super) end: usize,
}

impl<'a> Part<'a> {
    pub(super) fn new(text: &'a str, known: &'a Known, strings: Interner) -> Self {
        Part {
            text,
            known,
            strings,
            edges: Vec::new(),
            ends: LateEnds::new(),
            unknown: Vec::new(),
            end: 0,
        }
    }

    /// Adds an edge, its ends left for the next batch lookup.
    pub(super) fn add(
        &mut self,
        [f, t]: [(&str, Span); 2],
        kind: &str,
        attrs: Vec<(Sym, Sym)>,
        span: Span,
    ) {
        let ix = self.edges.len() as u32;
        let nodes = &self.known.nodes;
        let hinted = self
            .ends
            .push(nodes, self.text, ix, [(f.0, &f.1), (t.0, &t.1)]);
        let ends = [hinted.unwrap_or(u32::MAX), u32::MAX];
        let edge = Edge::interned(&mut self.strings, ends, kind, attrs, span);
        self.edges.push(edge);
        if self.ends.len() >= late::BATCH {
            self.resolve();
        }
    }

    fn resolve(&mut self) {
        let known = (&self.known.nodes[..], &self.known.index);
        self.ends
            .resolve(known, self.text, &mut self.edges, &mut self.unknown);
    }

    /// Every end looked up: whether each names a node.
    pub(super) fn finish(&mut self) -> Option<()> {
        self.resolve();
        self.unknown.is_empty().then_some(())
    }

    /// Appends the edges of the part that follows this one. Its strings
    /// are interned here in the order it holds them (the order a single
    /// reader would have met them in), its symbols mapped to these, and
    /// each edge's attributes sorted again in the new symbols.
    pub(super) fn append(&mut self, later: Part) {
        let here: Vec<Sym> = (0..later.strings.len())
            .map(|i| self.strings.intern(later.strings.resolve(i as Sym)))
            .collect();
        if here.iter().enumerate().all(|(i, &s)| s == i as Sym) {
            // The usual case: the same strings, first met in the same order.
            self.edges.extend(later.edges);
            return;
        }
        let map = |sym: Sym| match sym {
            EMPTY_LIST => EMPTY_LIST,
            _ => here
                .get(untag(sym) as usize)
                .map_or(sym, |&s| s | (sym & LIST)),
        };
        self.edges.reserve(later.edges.len());
        for mut edge in later.edges {
            edge.kind = map(edge.kind);
            for (name, value) in edge.attrs.iter_mut() {
                (*name, *value) = (map(*name), map(*value));
            }
            edge.attrs.sort_unstable();
            self.edges.push(edge);
        }
    }
}

impl Intern for Part<'_> {
    fn intern(&mut self, s: &str) -> Sym {
        self.strings.intern(s)
    }
}
