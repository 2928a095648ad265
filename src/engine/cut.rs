//! Remediation: a smallest set of edges whose removal makes a breached
//! path clause hold.
//!
//! A path clause is broken by walks in the state graph of
//! [`paths::forward`](super::paths::forward): states `(node, passed)`, one
//! transition per edge. Making the clause hold means cutting every
//! violating walk, and by Menger's theorem the fewest edges that do so is
//! the most edge-disjoint violating walks: a maximum flow with unit
//! capacities, found with Dinic's algorithm (O(E·sqrt(V)) on unit
//! networks), read back as the arcs leaving the residual source side.
//!
//! The network has a super-source feeding every source state with
//! unbounded capacity, one unit arc per live transition (see
//! [`paths::Live`]: only transitions on violating walks, so the network
//! is no larger than the violating edges), and a violating arrival is an
//! arc into the super-sink rather than into the target (a walk that goes
//! on past a violating arrival has that arrival as a prefix, so it needs
//! no cut of its own; and a target that is also a source is not joined to
//! the sink by a zero-edge path).
//!
//! **Exactness.** `route via W`, `not have access`, `not depend on` and
//! `stay within` use one layer (`passed` is always false), so every edge
//! is at most one arc and the minimum arc cut is a minimum edge cut.
//! `must not route via W` uses two layers (before and after passing W),
//! and an edge can be an arc in both; cutting the edge removes both arcs,
//! which the flow does not know. Minimum cuts with shared arcs are hard in
//! general, so there we compute the minimum arc cut and remove the edges
//! behind its arcs: always a valid cut, never more than twice the minimum
//! (the minimum edge cut, with both copies of each edge, is an arc cut),
//! and reported as minimum only when no live edge is an arc in both layers.
//!
//! **Cost cap.** Each Dinic phase costs O(V+E) and augments at least one
//! walk; we stop as soon as the flow exceeds [`MAX_CUT`], so the work is
//! at most O(min(MAX_CUT, sqrt(E))·(V+E)) per clause, and the report says
//! the cut was not computed rather than printing a partial, wrong one.

use std::collections::VecDeque;

use fixedbitset::FixedBitSet;

use super::graph::{EdgeMask, Graph};
use super::paths::{self, Goal};
use crate::topology::Edge;

/// The most edges a remediation lists. A cut needing more is not a
/// remediation anyone applies by hand, and stopping there bounds the work.
pub const MAX_CUT: usize = 100;

/// The outcome of the cut search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cut {
    /// Removing these edges (indices in file order) makes the reading hold.
    Edges {
        /// The edges.
        edges: Vec<u32>,
        /// Whether no smaller set exists (see the module docs).
        minimum: bool,
    },
    /// More than [`MAX_CUT`] edge-disjoint violating walks: not computed.
    Capped,
}

const SRC: usize = 0;
const SNK: usize = 1;

/// A flow network with paired arcs (`a ^ 1` is `a`'s reverse).
struct Net {
    head: Vec<usize>,
    next: Vec<usize>,
    to: Vec<usize>,
    cap: Vec<u32>,
    /// The topology edge behind each forward arc (`u32::MAX` for none).
    edge: Vec<u32>,
}

const END: usize = usize::MAX;

impl Net {
    fn new(nodes: usize) -> Net {
        Net {
            head: vec![END; nodes],
            next: Vec::new(),
            to: Vec::new(),
            cap: Vec::new(),
            edge: Vec::new(),
        }
    }

    fn arc(&mut self, from: usize, to: usize, cap: u32, edge: u32) {
        for (a, b, c) in [(from, to, cap), (to, from, 0)] {
            self.next.push(self.head[a]);
            self.head[a] = self.to.len();
            self.to.push(b);
            self.cap.push(c);
            self.edge.push(edge);
        }
    }

    /// Breadth-first levels from the source over arcs with capacity left.
    fn levels(&self) -> Vec<u32> {
        let mut level = vec![u32::MAX; self.head.len()];
        level[SRC] = 0;
        let mut queue = VecDeque::from([SRC]);
        while let Some(u) = queue.pop_front() {
            let mut a = self.head[u];
            while a != END {
                let v = self.to[a];
                if self.cap[a] > 0 && level[v] == u32::MAX {
                    level[v] = level[u] + 1;
                    queue.push_back(v);
                }
                a = self.next[a];
            }
        }
        level
    }

    /// Dinic's algorithm, stopping once the flow exceeds `limit`. Each
    /// blocking flow is found by an explicit-stack search (no recursion:
    /// walks can be as long as the graph). Every walk to the sink ends in
    /// a unit arc and only the source's arcs exceed one unit, so each
    /// augmentation carries exactly one unit.
    fn max_flow(&mut self, limit: usize) -> Option<usize> {
        let mut flow = 0;
        loop {
            let mut level = self.levels();
            if level[SNK] == u32::MAX {
                return Some(flow);
            }
            let mut current = self.head.clone();
            let mut path: Vec<usize> = Vec::new();
            let mut u = SRC;
            loop {
                if u == SNK {
                    for &a in &path {
                        self.cap[a] -= 1;
                        self.cap[a ^ 1] += 1;
                    }
                    flow += 1;
                    if flow > limit {
                        return None;
                    }
                    path.clear();
                    u = SRC;
                    continue;
                }
                let mut a = current[u];
                while a != END && !(self.cap[a] > 0 && level[self.to[a]] == level[u] + 1) {
                    a = self.next[a];
                }
                current[u] = a;
                if a != END {
                    path.push(a);
                    u = self.to[a];
                    continue;
                }
                // A dead end: leave it out of this phase and step back.
                level[u] = u32::MAX;
                match path.pop() {
                    None => break,
                    Some(back) => {
                        u = self.to[back ^ 1];
                        current[u] = self.next[current[u]];
                    }
                }
            }
        }
    }

    /// The nodes still reachable from the source in the residual network.
    fn source_side(&self) -> FixedBitSet {
        let mut seen = FixedBitSet::with_capacity(self.head.len());
        seen.insert(SRC);
        let mut queue = VecDeque::from([SRC]);
        while let Some(u) = queue.pop_front() {
            let mut a = self.head[u];
            while a != END {
                let v = self.to[a];
                if self.cap[a] > 0 && !seen.put(v) {
                    queue.push_back(v);
                }
                a = self.next[a];
            }
        }
        seen
    }
}

/// A smallest set of edges whose removal leaves no violating walk (see
/// the module docs for when it is exactly minimum), or [`Cut::Capped`].
/// `None` when there is no violating walk.
#[allow(clippy::too_many_arguments)]
pub fn min_cut(
    graph: &Graph,
    edges: &[Edge],
    kinds: &EdgeMask,
    sources: &FixedBitSet,
    targets: &FixedBitSet,
    via: Option<&FixedBitSet>,
    goal: Goal,
    limit: usize,
) -> Option<Cut> {
    let live = paths::live(graph, edges, kinds, sources, targets, via, goal);
    // Network node of state s is s + 2.
    let mut net = Net::new(2 * graph.len() + 2);
    for s in sources.ones() {
        net.arc(SRC, 2 * s + 2, u32::MAX, u32::MAX);
    }
    let mut layers = FixedBitSet::with_capacity(edges.len());
    let mut doubled = false;
    let mut any = false;
    for (e, edge) in edges.iter().enumerate() {
        if !kinds.allows(e as u32, edge) {
            continue;
        }
        for passed in [false, true] {
            let Some(next) = live.transition(edge, passed, targets, via, goal) else {
                continue;
            };
            any = true;
            doubled |= layers.put(e);
            let from = (2 * edge.from + passed as u32) as usize + 2;
            let to = next.map_or(SNK, |n| n as usize + 2);
            net.arc(from, to, 1, e as u32);
        }
    }
    if !any {
        return None;
    }
    if net.max_flow(limit).is_none() {
        return Some(Cut::Capped);
    }
    let side = net.source_side();
    let mut cut = FixedBitSet::with_capacity(edges.len());
    for a in (0..net.to.len()).step_by(2) {
        let from = net.to[a ^ 1];
        if net.edge[a] != u32::MAX && side.contains(from) && !side.contains(net.to[a]) {
            cut.insert(net.edge[a] as usize);
        }
    }
    Some(Cut::Edges {
        edges: cut.ones().map(|e| e as u32).collect(),
        minimum: !doubled,
    })
}
