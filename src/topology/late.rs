//! Edge ends looked up in batches, after the edges that name them.
//!
//! Why: at a million nodes each lookup of an id is two cache misses (the
//! index's slot, then the node it names). Looked up one by one between
//! the parser's work, they happen one after the other; a loop of nothing
//! but lookups lets the processor wait for several at once
//! ([`super::index::NodeIndex::get_many`]). Before an end waits for the
//! batch, a `from` is compared with the node the last `from` named and
//! the one after it: edges are usually grouped by caller, in node order,
//! so most `from`s need no lookup at all.
//!
//! The serde loader ([`super::raw::Builder`]) and the JSON fast path
//! ([`super::json_fast`], whose second reader holds its own) share this:
//! the nodes are passed in, not owned, so that two readers of one file
//! can look their edges up in the same nodes at once.

use super::index::NodeIndex;
use super::{Edge, Node};
use crate::source::{CompactSpan, Span};

/// How many edge ends wait for a batch lookup: enough that the lookups'
/// cache misses overlap, few enough that the ids just read are still in
/// cache (a batch of ends names about 400 KB of a generated estate).
pub(super) const BATCH: usize = 4096;

/// An edge end whose node is looked up with the others of its batch.
struct LateEnd {
    /// The edge, already in its list of edges with this end unset.
    edge: u32,
    /// `to` rather than `from`.
    to: bool,
    /// The id's span; its text too, unless `owned` holds it.
    span: CompactSpan,
    /// The id, when it is not the text at its span (an escaped JSON
    /// string, a quoted YAML one, an empty one).
    owned: Option<Box<str>>,
}

/// The ends waiting for the next batch lookup, and the hint for `from`s.
pub(super) struct LateEnds {
    late: Vec<LateEnd>,
    /// The node the last hinted `from` named.
    pub(super) last_from: u32,
}

/// An end that names no node: its id, span and role (`from` or `to`).
pub(super) type Unknown = (String, Span, &'static str);

impl LateEnds {
    pub(super) fn new() -> Self {
        LateEnds {
            late: Vec::new(),
            last_from: u32::MAX,
        }
    }

    /// How many ends wait.
    pub(super) fn len(&self) -> usize {
        self.late.len()
    }

    /// Leaves the ends of edge number `edge` for the batch lookup, except
    /// a `from` the hint finds in `nodes`: its node. `text` is the file
    /// the spans point into; an id lent from it is not copied.
    pub(super) fn push(
        &mut self,
        nodes: &[Node],
        text: &str,
        edge: u32,
        [from, to]: [(&str, &Span); 2],
    ) -> Option<u32> {
        let hinted = self.hinted_from(nodes, from.0);
        for (to, (id, at)) in [(false, from), (true, to)] {
            if !to && hinted.is_some() {
                continue;
            }
            let lent = text
                .get(at.clone())
                .is_some_and(|t| std::ptr::eq(t.as_ptr(), id.as_ptr()) && t.len() == id.len());
            self.late.push(LateEnd {
                edge,
                to,
                span: at.clone().into(),
                owned: (!lent).then(|| id.into()),
            });
        }
        hinted
    }

    /// The node an edge's `from` names, when it is the node the last
    /// hinted `from` named or the one after it. `None`: the end waits for
    /// the lookup. A node id given twice would make the hint's node not
    /// the first with that id, but that topology is refused anyway.
    fn hinted_from(&mut self, nodes: &[Node], id: &str) -> Option<u32> {
        let last = self.last_from;
        for ix in [last, last.wrapping_add(1)] {
            if nodes.get(ix as usize).is_some_and(|n| n.id == id) {
                self.last_from = ix;
                return Some(ix);
            }
        }
        None
    }

    /// Looks up every waiting end in `index` and sets it in `edges`;
    /// adds each end that names no node to `unknown`, in file order.
    pub(super) fn resolve(
        &mut self,
        (nodes, index): (&[Node], &NodeIndex),
        text: &str,
        edges: &mut [Edge],
        unknown: &mut Vec<Unknown>,
    ) {
        fn id<'a>(end: &'a LateEnd, text: &'a str) -> &'a str {
            match &end.owned {
                Some(id) => id,
                None => text.get(end.span.range()).unwrap_or(""),
            }
        }
        let mut found = Vec::with_capacity(self.late.len());
        index.get_many(nodes, self.late.iter().map(|end| id(end, text)), &mut found);
        for (end, found) in self.late.iter().zip(found) {
            let (Some(ix), Some(edge)) = (found, edges.get_mut(end.edge as usize)) else {
                let role = if end.to { "to" } else { "from" };
                unknown.push((id(end, text).to_string(), end.span.range(), role));
                continue;
            };
            if end.to {
                edge.to = ix;
            } else {
                edge.from = ix;
            }
        }
        self.late.clear();
    }
}
