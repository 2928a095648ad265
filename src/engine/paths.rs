//! The graph searches behind every path clause, each O(V+E).
//!
//! [`forward`] is one breadth-first search over states `(node, passed)`,
//! where `passed` says whether the path so far has an interior node in the
//! waypoint set W. That one search answers three questions:
//! - `route via W` fails at a target reached with `passed = false`;
//! - `not route via W` fails at a target reached with `passed = true`;
//! - `not have access` and `stay within` fail at any target reached.
//!
//! A path has at least one edge, and its interior is every node but its
//! two ends, so a start node is never interior and the target's own
//! membership of W does not count. Paths may revisit nodes: deciding
//! "some *simple* path passes through W" is NP-hard, and the walks found
//! here are shortest, so in practice they rarely repeat a node.
//!
//! Breadth-first order makes each witness a shortest path; starting from the
//! sources in file order and scanning edges in file order makes it the same
//! path on every run.
//!
//! [`can_reach`] is the reverse search for "every S has access to T".
//!
//! The search records, for each offending target, only the edge it was
//! first reached by; paths are rebuilt from those parent links for the
//! first `max` targets alone. A witness path can be as long as the graph,
//! so rebuilding one per target would make a chain of n nodes cost O(n²)
//! time and report size; capped, the work stays O(V+E + max·V).

use std::collections::VecDeque;

use fixedbitset::FixedBitSet;

use super::graph::{EdgeMask, Graph};
use crate::topology::Edge;

/// Which arrivals at a target are violations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Goal {
    /// A path whose interior avoids W (breaks `route via W`).
    Avoiding,
    /// A path whose interior meets W (breaks `not route via W`).
    Through,
    /// Any path (breaks `not have access`, `stay within`).
    Any,
}

/// A violating path: the edge indices from a source to a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// The offending target node.
    pub target: u32,
    /// The edges, in order; never empty.
    pub edges: Vec<u32>,
}

const NONE: u32 = u32::MAX;

/// [`forward`]'s witnesses and count, and every edge on a violating walk
/// ([`violating_edges`]), from one forward search and one backward: the
/// states [`forward`] reaches are exactly [`Live::fwd`], so the forward
/// half of [`live`] is not walked twice.
#[allow(clippy::too_many_arguments)]
pub fn forward_violating(
    graph: &Graph,
    edges: &[Edge],
    kinds: &EdgeMask,
    sources: &FixedBitSet,
    targets: &FixedBitSet,
    via: Option<&FixedBitSet>,
    goal: Goal,
    max: usize,
) -> (Vec<Path>, usize, Vec<u32>) {
    let (paths, total, fwd) = forward(graph, edges, kinds, sources, targets, via, goal, max);
    let live = backward(fwd, graph, kinds, targets, via, goal);
    (
        paths,
        total,
        live.violating(edges, kinds, targets, via, goal),
    )
}

/// For each of the first `max` targets (in file order) reachable in
/// violation of `goal`, one shortest path; how many targets are
/// reachable in violation in all; and the states reached.
#[allow(clippy::too_many_arguments)]
pub fn forward(
    graph: &Graph,
    edges: &[Edge],
    kinds: &EdgeMask,
    sources: &FixedBitSet,
    targets: &FixedBitSet,
    via: Option<&FixedBitSet>,
    goal: Goal,
    max: usize,
) -> (Vec<Path>, usize, FixedBitSet) {
    let n = graph.len();
    // State s = 2 * node + passed.
    let mut seen = FixedBitSet::with_capacity(2 * n);
    let mut parent_edge = vec![NONE; 2 * n];
    let mut parent_state = vec![NONE; 2 * n];
    let mut arrival: Vec<(u32, u32)> = vec![(NONE, NONE); n];
    let mut queue: VecDeque<u32> = VecDeque::new();
    for s in sources.ones() {
        let state = 2 * s as u32;
        seen.insert(state as usize);
        queue.push_back(state);
    }
    let in_via = |v: u32| via.is_some_and(|w| w.contains(v as usize));
    while let Some(state) = queue.pop_front() {
        let u = state / 2;
        let passed = state % 2 == 1;
        for &e in graph.out(u) {
            let edge = &edges[e as usize];
            if !kinds.allows(e, edge) {
                continue;
            }
            let v = edge.to;
            let violates = targets.contains(v as usize)
                && match goal {
                    Goal::Avoiding => !passed,
                    Goal::Through => passed,
                    Goal::Any => true,
                };
            if violates && arrival[v as usize].0 == NONE {
                arrival[v as usize] = (e, state);
            }
            let next_passed = passed || in_via(v);
            if goal == Goal::Avoiding && next_passed {
                continue; // a path through W can no longer break `route via W`
            }
            let next = 2 * v + next_passed as u32;
            if !seen.put(next as usize) {
                parent_edge[next as usize] = e;
                parent_state[next as usize] = state;
                queue.push_back(next);
            }
        }
    }
    let total = arrival.iter().filter(|a| a.0 != NONE).count();
    // However many witnesses are asked for (`--max-witnesses 0` is all),
    // their hops together stay linear in the graph: a chain of n nodes
    // would otherwise give n paths of up to n hops. Paths past the budget
    // are counted as omitted, like those past `max`.
    let budget = HOPS_PER_ELEMENT * (n + edges.len()) + 64;
    let mut hops = 0;
    let mut paths = Vec::new();
    for (t, &(e, state)) in arrival.iter().enumerate().filter(|(_, a)| a.0 != NONE) {
        if paths.len() >= max || hops >= budget {
            break;
        }
        let mut path = vec![e];
        let mut s = state;
        while parent_edge[s as usize] != NONE {
            path.push(parent_edge[s as usize]);
            s = parent_state[s as usize];
        }
        path.reverse();
        hops += path.len();
        paths.push(Path {
            target: t as u32,
            edges: path,
        });
    }
    (paths, total, seen)
}

/// The hops all witnesses of one reading may hold together, per node and
/// edge of the graph.
pub const HOPS_PER_ELEMENT: usize = 4;

/// The nodes that have a path of at least one edge to some target.
pub fn can_reach(graph: &Graph, kinds: &EdgeMask, targets: &FixedBitSet) -> FixedBitSet {
    let n = graph.len();
    let mut reached = FixedBitSet::with_capacity(n);
    let mut expanded = FixedBitSet::with_capacity(n);
    let mut queue: VecDeque<u32> = VecDeque::new();
    for t in targets.ones() {
        expanded.insert(t);
        queue.push_back(t as u32);
    }
    while let Some(v) = queue.pop_front() {
        for arc in graph.inc(v) {
            if !kinds.allows_kind(arc.edge, arc.kind) {
                continue;
            }
            let u = arc.from;
            reached.insert(u as usize);
            if !expanded.put(u as usize) {
                queue.push_back(u);
            }
        }
    }
    reached
}

/// The state after taking an edge into `v` from state `(u, passed)`, if a
/// violating walk may continue there: `passed` becomes true once an
/// interior node is in W, and `route via W` drops walks that passed W.
#[inline]
fn step(v: u32, passed: bool, via: Option<&FixedBitSet>, goal: Goal) -> Option<u32> {
    let next = passed || via.is_some_and(|w| w.contains(v as usize));
    if goal == Goal::Avoiding && next {
        return None;
    }
    Some(2 * v + next as u32)
}

/// Whether reaching target-or-not `to` with `passed` is a violation.
#[inline]
fn arrives(targets: &FixedBitSet, to: u32, passed: bool, goal: Goal) -> bool {
    targets.contains(to as usize)
        && match goal {
            Goal::Avoiding => !passed,
            Goal::Through => passed,
            Goal::Any => true,
        }
}

/// The states of the search [`forward`] walks, split by what they can
/// still do: `fwd` holds the states reachable from a source, `co` the
/// states from which some violating arrival is reachable. A transition
/// lies on a violating walk exactly when it leaves a `fwd` state and
/// either is a violating arrival or enters a `co` state.
pub struct Live {
    /// Reachable from a source (state `2 * node + passed`).
    pub fwd: FixedBitSet,
    /// Can still end in a violating arrival.
    pub co: FixedBitSet,
}

/// The two searches behind [`violating_edges`] and the minimum cut: one
/// forward breadth-first search over the same states as [`forward`], and
/// one backward over the reversed state graph from the violating
/// arrivals. Each state is entered once and each edge is scanned at most
/// twice per direction (once per `passed` value): O(V+E).
#[allow(clippy::too_many_arguments)]
pub fn live(
    graph: &Graph,
    edges: &[Edge],
    kinds: &EdgeMask,
    sources: &FixedBitSet,
    targets: &FixedBitSet,
    via: Option<&FixedBitSet>,
    goal: Goal,
) -> Live {
    let n = graph.len();
    let mut fwd = FixedBitSet::with_capacity(2 * n);
    let mut queue: VecDeque<u32> = VecDeque::new();
    for s in sources.ones() {
        fwd.insert(2 * s);
        queue.push_back(2 * s as u32);
    }
    while let Some(state) = queue.pop_front() {
        for &e in graph.out(state / 2) {
            let edge = &edges[e as usize];
            if !kinds.allows(e, edge) {
                continue;
            }
            if let Some(next) = step(edge.to, state % 2 == 1, via, goal)
                && !fwd.put(next as usize)
            {
                queue.push_back(next);
            }
        }
    }
    backward(fwd, graph, kinds, targets, via, goal)
}

/// The backward half of [`live`], given its forward half `fwd`.
fn backward(
    fwd: FixedBitSet,
    graph: &Graph,
    kinds: &EdgeMask,
    targets: &FixedBitSet,
    via: Option<&FixedBitSet>,
    goal: Goal,
) -> Live {
    let n = graph.len();
    let mut queue: VecDeque<u32> = VecDeque::new();
    // Backward: a state is `co` if one of its transitions is a violating
    // arrival, or leads to a `co` state.
    let mut co = FixedBitSet::with_capacity(2 * n);
    for t in targets.ones() {
        for arc in graph.inc(t as u32) {
            if !kinds.allows_kind(arc.edge, arc.kind) {
                continue;
            }
            for passed in [false, true] {
                let state = 2 * arc.from + passed as u32;
                if arrives(targets, t as u32, passed, goal) && !co.put(state as usize) {
                    queue.push_back(state);
                }
            }
        }
    }
    while let Some(state) = queue.pop_front() {
        for arc in graph.inc(state / 2) {
            if !kinds.allows_kind(arc.edge, arc.kind) {
                continue;
            }
            for passed in [false, true] {
                let prev = 2 * arc.from + passed as u32;
                if step(state / 2, passed, via, goal) == Some(state) && !co.put(prev as usize) {
                    queue.push_back(prev);
                }
            }
        }
    }
    Live { fwd, co }
}

impl Live {
    /// How edge `e` lies on violating walks from state `(from, passed)`:
    /// `None` if it does not; `Some(None)` if it is a violating arrival
    /// there; `Some(Some(next))` if it leads to the `co` state `next`. An
    /// arrival at a target is not continued: every walk that goes on from
    /// it has the arrival as a violating prefix, so cutting the prefixes
    /// cuts it too.
    pub fn transition(
        &self,
        edge: &Edge,
        passed: bool,
        targets: &FixedBitSet,
        via: Option<&FixedBitSet>,
        goal: Goal,
    ) -> Option<Option<u32>> {
        if !self.fwd.contains((2 * edge.from + passed as u32) as usize) {
            return None;
        }
        if arrives(targets, edge.to, passed, goal) {
            return Some(None);
        }
        step(edge.to, passed, via, goal)
            .filter(|&next| self.co.contains(next as usize))
            .map(Some)
    }
}

/// Every edge that lies on some violating walk (a walk from a source
/// whose arrival at a target breaks the clause, see [`forward`]), in file
/// order. O(V+E): see [`live`].
pub fn violating_edges(
    graph: &Graph,
    edges: &[Edge],
    kinds: &EdgeMask,
    sources: &FixedBitSet,
    targets: &FixedBitSet,
    via: Option<&FixedBitSet>,
    goal: Goal,
) -> Vec<u32> {
    live(graph, edges, kinds, sources, targets, via, goal)
        .violating(edges, kinds, targets, via, goal)
}

impl Live {
    /// The edges with a transition on a violating walk, in file order.
    fn violating(
        &self,
        edges: &[Edge],
        kinds: &EdgeMask,
        targets: &FixedBitSet,
        via: Option<&FixedBitSet>,
        goal: Goal,
    ) -> Vec<u32> {
        edges
            .iter()
            .enumerate()
            .filter(|&(e, edge)| {
                kinds.allows(e as u32, edge)
                    && [false, true]
                        .into_iter()
                        .any(|p| self.transition(edge, p, targets, via, goal).is_some())
            })
            .map(|(e, _)| e as u32)
            .collect()
    }
}
