//! Which way the searches walk each edge, for the forms that follow data.
//!
//! Edges point from caller to callee, and every search walks them that
//! way. But a caller that *reads* (`billing --read--> phi-store`) moves
//! data from the callee to itself, against its edge, so `data from
//! customers must stay within azure` walking calls would miss it. An
//! agreement says so per kind (`data moves against the call over read`,
//! `data moves both ways over sync`), and the forms that care get a
//! *view*: a derived edge list in which such an edge is turned round, or
//! doubled, each derived edge remembering its original edge and whether
//! it runs against it, and a [`Graph`] over that list. The searches in
//! `paths` and `cut` run on the view unchanged; results are mapped back to
//! the original edges, so locations, violating edges and remedies name
//! edges as written.
//!
//! Two views, because the two kinds of form ask different questions:
//! - [`Follow::Data`] (`K from S must stay within W`): where data can end
//!   up. An edge is walked every way its data moves: against the call
//!   only, or both ways.
//! - [`Follow::Access`] (`S must [not] have access to T`, `access ... must
//!   [not] route via W`): who can get at what. The caller always has
//!   access to what it calls (a reader reads), so an edge is still walked
//!   with the call; an edge whose data moves both ways is also walked back
//!   (the callee of a sync receives the caller's data). Turning a read
//!   round here would make `billing must not have access to phi-store`
//!   hold for the very edge by which billing reads it.
//!
//! Dependency and hosting are about calls and placement, not data, and
//! walk calls ([`Follow::Calls`]). Building a view is one O(V+E) pass,
//! once per topology and kind of form, and only when some edge's kind is
//! declared; without declarations every form walks the topology's own
//! graph, so an agreement without them gives exactly the same report.

use std::collections::HashMap;

use fixedbitset::FixedBitSet;

use super::graph::Graph;
use crate::syntax::ast::{Agreement, Flow};
use crate::topology::{Edge, Topology};

/// How a form walks edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Follow {
    /// From caller to callee, as written.
    Calls,
    /// Every way the edge's data moves.
    Data,
    /// With the call, and back too where data moves both ways.
    Access,
}

/// The topology's edges as one kind of form walks them.
#[derive(Debug)]
pub struct View {
    /// Adjacency over [`View::edges`].
    pub graph: Graph,
    /// The derived edges, `from` and `to` in walking order, grouped by
    /// original edge in file order (so mapping indices back keeps file
    /// order).
    pub edges: Vec<Edge>,
    /// The original edge of each derived edge.
    pub origin: Vec<u32>,
    /// The derived edges that run against their original edge.
    pub against: FixedBitSet,
    /// Whether some original edge has two derived edges (moves both ways).
    pub doubled: bool,
}

impl View {
    /// The original edges of derived edges `es`, in file order, each once.
    pub fn originals(&self, es: &[u32]) -> Vec<u32> {
        let mut out: Vec<u32> = es.iter().map(|&e| self.origin[e as usize]).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The declared flow of each interned string of the topology that is an
/// edge kind of some declaration (`None`: data moves with the call).
pub fn flows(ag: &Agreement, topo: &Topology) -> Vec<Option<Flow>> {
    let mut declared: HashMap<&str, Flow> = HashMap::new();
    for decl in &ag.directions {
        for k in &decl.kinds {
            declared.entry(k.node.as_str()).or_insert(decl.flow.node);
        }
    }
    let mut out = vec![None; topo.strings.len()];
    for (k, flow) in declared {
        if let Some(sym) = topo.strings.get(k) {
            out[sym as usize] = Some(flow);
        }
    }
    out
}

/// The view `follow` needs, or `None` when it walks the edges as written
/// (always for [`Follow::Calls`]; otherwise when no edge's declared flow
/// changes how it is walked).
pub fn build(topo: &Topology, flows: &[Option<Flow>], follow: Follow) -> Option<View> {
    let flow = |e: &Edge| flows.get(e.kind as usize).copied().flatten();
    // Which ways each edge is walked: (with the call, against it).
    let ways = |e: &Edge| match (follow, flow(e)) {
        (Follow::Calls, _) | (_, None) | (Follow::Access, Some(Flow::Against)) => (true, false),
        (Follow::Data, Some(Flow::Against)) => (false, true),
        (_, Some(Flow::Both)) => (true, true),
    };
    if topo.edges.iter().all(|e| ways(e) == (true, false)) {
        return None;
    }
    let mut edges = Vec::with_capacity(topo.edges.len());
    let mut origin = Vec::with_capacity(topo.edges.len());
    let mut against = Vec::new();
    let mut doubled = false;
    for (i, e) in topo.edges.iter().enumerate() {
        let (with, back) = ways(e);
        doubled |= with && back;
        if with {
            edges.push(derived(e, e.from, e.to));
            origin.push(i as u32);
        }
        if back {
            against.push(edges.len());
            edges.push(derived(e, e.to, e.from));
            origin.push(i as u32);
        }
    }
    let mut set = FixedBitSet::with_capacity(edges.len());
    set.extend(against);
    Some(View {
        graph: Graph::new(topo.nodes.len(), &edges),
        edges,
        origin,
        against: set,
        doubled,
    })
}

/// An edge walked from `from` to `to`; the searches read only the ends
/// and the kind, so the attributes are not copied.
fn derived(e: &Edge, from: u32, to: u32) -> Edge {
    e.between(from, to)
}
