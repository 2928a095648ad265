//! Layered views: the searches of `paths` and `cut`, unchanged, on a
//! graph that also remembers what the path so far has done.
//!
//! Two clause features ask more of a path than where it starts, ends and
//! whether it passed W:
//! - `directly` / `direct access`: the path has exactly one edge;
//! - permissions (`clause 4.5 notwithstanding 4.2: ... may route via
//!   other_clouds`): a violating path of 4.2 is excused when a permission
//!   covers it, i.e. it starts in the permission's sources, ends in its
//!   targets, every edge is one the permission grants (its kind under the
//!   same reading, its edge condition) and, if it names a via set, some
//!   interior node is in it.
//!
//! Rather than teach every search these rules, we build the product of the
//! walked graph with a small automaton: a state is a node and, for each
//! permission naming the clause, whether it still covers the path so far
//! (dead, alive, alive and passed its via set). Arriving at a target is a
//! separate edge into a *copy* of the target that has no way out, and that
//! edge exists only when the arrival is wanted (uncovered by every
//! permission, or covered by one when listing what it excuses). Target
//! copies are numbered as the targets themselves (product node `t` is
//! target `t`), so a witness names the original node and each target is
//! counted once. Every product edge remembers its edge in the walked list,
//! so witnesses, violating edges and cuts map back to edges as written.
//!
//! Size: with k permissions (at most 3, see `meaning`), at most
//! 2·3^k·(V+E) states and edges; the product is built by a search from the
//! sources, so states no path reaches cost nothing. Still O(V+E) per
//! clause and reading for a fixed agreement.

use std::collections::VecDeque;

use fixedbitset::FixedBitSet;

use super::graph::{EdgeMask, Graph};
use crate::topology::Edge;

const NONE: u32 = u32::MAX;

/// What a permission covers, over the walked edge list.
#[derive(Debug, Clone)]
pub struct Cover {
    /// Where covered paths start.
    pub sources: FixedBitSet,
    /// Where they end.
    pub targets: FixedBitSet,
    /// A set some interior node must be in, if named.
    pub via: Option<FixedBitSet>,
    /// The edges a covered path may take.
    pub mask: EdgeMask,
}

/// Which arrivals at a target the layered view keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Those no permission covers: the paths that break the clause.
    Uncovered,
    /// Those permission `i` covers: the paths it excuses.
    CoveredBy(usize),
}

/// The question a clause asks, before layering.
pub struct Ask<'a> {
    /// The graph walked and its edges.
    pub graph: &'a Graph,
    /// Its edges.
    pub edges: &'a [Edge],
    /// The edges the clause's reading follows.
    pub mask: &'a EdgeMask,
    /// Sources, targets and waypoints of the clause.
    pub sources: &'a FixedBitSet,
    /// The targets.
    pub targets: &'a FixedBitSet,
    /// The clause's own waypoints, if any.
    pub via: Option<&'a FixedBitSet>,
    /// Only paths of one edge.
    pub direct: bool,
    /// The permissions that name the clause.
    pub covers: &'a [Cover],
    /// Which arrivals to keep.
    pub want: Want,
}

/// A layered view and the clause's sets lifted onto it.
#[derive(Debug)]
pub struct Layered {
    /// Adjacency over [`Layered::edges`].
    pub graph: Graph,
    /// The product edges (ends are product nodes).
    pub edges: Vec<Edge>,
    /// The walked-list edge each product edge stands for.
    pub origin: Vec<u32>,
    /// The start states of the sources.
    pub sources: FixedBitSet,
    /// The target copies (product nodes below the node count).
    pub targets: FixedBitSet,
    /// The product nodes whose node is a waypoint.
    pub via: Option<FixedBitSet>,
}

/// The per-permission state: 0 dead, 1 alive, 2 alive and passed its via.
fn radix(c: &Cover) -> u32 {
    if c.via.is_some() { 3 } else { 2 }
}

/// Builds the layered view of `ask` (see the module docs).
pub fn build(ask: &Ask<'_>) -> Layered {
    let n = ask.graph.len();
    let radices: Vec<u32> = ask.covers.iter().map(radix).collect();
    let layers: usize = radices.iter().map(|&r| r as usize).product();
    let digit = |l: u32, i: usize| -> u32 {
        let below: u32 = radices[..i].iter().product();
        (l / below) % radices[i]
    };
    let with = |l: u32, i: usize, d: u32| -> u32 {
        let below: u32 = radices[..i].iter().product();
        l - digit(l, i) * below + d * below
    };
    // Product node ids: targets' copies first (id = node), then states in
    // the order the search discovers them.
    let mut states = States {
        id: vec![NONE; n * layers],
        layers,
        node_of: (0..n as u32).collect(),
        queue: VecDeque::new(),
    };
    let mut sources = Vec::new();
    for s in ask.sources.ones() {
        let mut l = 0;
        for (i, c) in ask.covers.iter().enumerate() {
            if c.sources.contains(s) {
                l = with(l, i, 1);
            }
        }
        sources.push(states.get(s as u32, l));
    }
    let mut edges = Vec::new();
    let mut origin = Vec::new();
    while let Some((u, l)) = states.queue.pop_front() {
        let from = states.get(u, l);
        for &e in ask.graph.out(u) {
            let edge = &ask.edges[e as usize];
            if !ask.mask.allows(e, edge) {
                continue;
            }
            let v = edge.to;
            // After the edge: a permission that does not grant it is dead;
            // `arrive` is the state judged at v as an end, `next` the
            // state with v as an interior node.
            let (mut arrive, mut next) = (l, l);
            for (i, c) in ask.covers.iter().enumerate() {
                let d = digit(l, i);
                if d == 0 {
                    continue;
                }
                if !c.mask.allows(e, edge) {
                    arrive = with(arrive, i, 0);
                    next = with(next, i, 0);
                } else if c.via.as_ref().is_some_and(|w| w.contains(v as usize)) {
                    next = with(next, i, 2);
                }
            }
            if ask.targets.contains(v as usize) && wanted(ask, arrive, v, &digit) {
                edges.push(derived(edge, from, v));
                origin.push(e);
            }
            if !ask.direct {
                let to = states.get(v, next);
                edges.push(derived(edge, from, to));
                origin.push(e);
            }
        }
    }
    let node_of = states.node_of;
    let total = node_of.len();
    let lift = |set: &FixedBitSet| {
        let mut out = FixedBitSet::with_capacity(total);
        for (p, &v) in node_of.iter().enumerate() {
            if set.contains(v as usize) {
                out.insert(p);
            }
        }
        out
    };
    let mut targets = FixedBitSet::with_capacity(total);
    for t in ask.targets.ones() {
        targets.insert(t);
    }
    let mut source_set = FixedBitSet::with_capacity(total);
    source_set.extend(sources.iter().map(|&s| s as usize));
    Layered {
        graph: Graph::new(total, &edges),
        via: ask.via.map(lift),
        edges,
        origin,
        sources: source_set,
        targets,
    }
}

/// The product states found so far, numbered after the target copies.
struct States {
    id: Vec<u32>,
    layers: usize,
    node_of: Vec<u32>,
    queue: VecDeque<(u32, u32)>,
}

impl States {
    /// The id of state `(v, l)`, queued for expansion when new.
    fn get(&mut self, v: u32, l: u32) -> u32 {
        let slot = v as usize * self.layers + l as usize;
        if self.id[slot] == NONE {
            self.id[slot] = self.node_of.len() as u32;
            self.node_of.push(v);
            self.queue.push_back((v, l));
        }
        self.id[slot]
    }
}

/// Whether arriving at target `v` in permission state `l` is kept.
fn wanted(ask: &Ask<'_>, l: u32, v: u32, digit: &impl Fn(u32, usize) -> u32) -> bool {
    let covers = |i: usize| {
        let c = &ask.covers[i];
        let d = digit(l, i);
        d != 0 && c.targets.contains(v as usize) && (c.via.is_none() || d == 2)
    };
    match ask.want {
        Want::Uncovered => !(0..ask.covers.len()).any(covers),
        Want::CoveredBy(i) => covers(i),
    }
}

/// A product edge: the walked edge's kind and span, between product nodes;
/// the searches read only the ends and the kind.
fn derived(e: &Edge, from: u32, to: u32) -> Edge {
    e.between(from, to)
}

/// Whether two product edges of `es` stand for the same walked edge: then
/// a cut of product edges may count one edge twice and is not proven the
/// fewest.
pub fn shares_origin(es: &[u32], origin: &[u32]) -> bool {
    let mut seen: Vec<u32> = es.iter().map(|&e| origin[e as usize]).collect();
    seen.sort_unstable();
    seen.windows(2).any(|w| w[0] == w[1])
}
