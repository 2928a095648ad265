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

use super::graph::{Graph, KindMask};
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

/// For each of the first `max` targets (in file order) reachable in
/// violation of `goal`, one shortest path; and how many targets are
/// reachable in violation in all.
#[allow(clippy::too_many_arguments)]
pub fn forward(
    graph: &Graph,
    edges: &[Edge],
    kinds: &KindMask,
    sources: &FixedBitSet,
    targets: &FixedBitSet,
    via: Option<&FixedBitSet>,
    goal: Goal,
    max: usize,
) -> (Vec<Path>, usize) {
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
            if !kinds.allows(edge.kind) {
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
    let paths = arrival
        .iter()
        .enumerate()
        .filter(|(_, a)| a.0 != NONE)
        .take(max)
        .map(|(t, &(e, state))| {
            let mut path = vec![e];
            let mut s = state;
            while parent_edge[s as usize] != NONE {
                path.push(parent_edge[s as usize]);
                s = parent_state[s as usize];
            }
            path.reverse();
            Path {
                target: t as u32,
                edges: path,
            }
        })
        .collect();
    (paths, total)
}

/// The nodes that have a path of at least one edge to some target.
pub fn can_reach(
    graph: &Graph,
    edges: &[Edge],
    kinds: &KindMask,
    targets: &FixedBitSet,
) -> FixedBitSet {
    let n = graph.len();
    let mut reached = FixedBitSet::with_capacity(n);
    let mut expanded = FixedBitSet::with_capacity(n);
    let mut queue: VecDeque<u32> = VecDeque::new();
    for t in targets.ones() {
        expanded.insert(t);
        queue.push_back(t as u32);
    }
    while let Some(v) = queue.pop_front() {
        for &e in graph.inc(v) {
            let edge = &edges[e as usize];
            if !kinds.allows(edge.kind) {
                continue;
            }
            let u = edge.from;
            reached.insert(u as usize);
            if !expanded.put(u as usize) {
                queue.push_back(u);
            }
        }
    }
    reached
}
