//! Adjacency built once per topology, shared by every clause and reading.
//!
//! Compressed rows (CSR) in both directions: `out(v)` lists the edges
//! leaving `v` and `inc(v)` the edges entering it, each in file order, so a
//! search that scans them in order breaks ties by file order. Readings do
//! not get graphs of their own: a search filters edges by a kind mask as it
//! goes, which costs one lookup per edge and no copies. Per-kind CSRs
//! (one filtered adjacency per reading, built on first use) were measured
//! and lost: 11% more instructions for the 20-clause check at 10k nodes,
//! because building them costs more than the lookups they save (see
//! docs/performance.md).

use fixedbitset::FixedBitSet;

use crate::topology::{Edge, Sym};

/// Forward and reverse adjacency of a topology.
#[derive(Debug)]
pub struct Graph {
    out_start: Vec<u32>,
    out_edges: Vec<u32>,
    in_start: Vec<u32>,
    in_arcs: Vec<Arc>,
}

/// An edge entering a node, with what a backward search reads of it: its
/// other end and its kind. Edges entering one node lie anywhere in the
/// file, so reading them from [`Edge`] costs a cache miss per edge at a
/// million nodes; the backward searches read these 12 bytes in a row.
#[derive(Debug, Clone, Copy)]
pub struct Arc {
    /// The edge's index in the edge list.
    pub edge: u32,
    /// The node it leaves.
    pub from: u32,
    /// Its kind.
    pub kind: Sym,
}

impl Graph {
    /// Builds both directions by counting sort, O(V+E).
    pub fn new(nodes: usize, edges: &[Edge]) -> Self {
        // The two directions are independent: one per core.
        let ((out_start, out_edges), (in_start, in_edges)) = rayon::join(
            || csr(nodes, edges, |e| e.from),
            || csr(nodes, edges, |e| e.to),
        );
        let in_arcs = in_edges
            .into_iter()
            .map(|e| {
                let edge = &edges[e as usize];
                Arc {
                    edge: e,
                    from: edge.from,
                    kind: edge.kind,
                }
            })
            .collect();
        Graph {
            out_start,
            out_edges,
            in_start,
            in_arcs,
        }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.out_start.len() - 1
    }

    /// Indices of the edges leaving `v`, in file order.
    pub fn out(&self, v: u32) -> &[u32] {
        let v = v as usize;
        &self.out_edges[self.out_start[v] as usize..self.out_start[v + 1] as usize]
    }

    /// The edges entering `v`, in file order.
    pub fn inc(&self, v: u32) -> &[Arc] {
        let v = v as usize;
        &self.in_arcs[self.in_start[v] as usize..self.in_start[v + 1] as usize]
    }
}

fn csr(nodes: usize, edges: &[Edge], key: impl Fn(&Edge) -> u32) -> (Vec<u32>, Vec<u32>) {
    let mut start = vec![0u32; nodes + 1];
    for e in edges {
        start[key(e) as usize + 1] += 1;
    }
    for i in 0..nodes {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut list = vec![0u32; edges.len()];
    for (i, e) in edges.iter().enumerate() {
        let slot = &mut fill[key(e) as usize];
        list[*slot as usize] = i as u32;
        *slot += 1;
    }
    (start, list)
}

/// Which edge kinds a reading follows: `None` follows every edge.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KindMask(pub Option<Vec<bool>>);

impl KindMask {
    /// Whether an edge of kind `k` is followed.
    #[inline]
    pub fn allows(&self, k: Sym) -> bool {
        match &self.0 {
            None => true,
            Some(mask) => mask.get(k as usize).copied().unwrap_or(false),
        }
    }
}

/// Which edges a reading of a clause walks: those of its kinds and, when
/// the clause has an edge condition (`api access where stateful = false`),
/// only those that meet it. Kinds are checked by symbol (no work per
/// reading); the condition is a bitset over the walked edge list, built
/// once per clause, so a search pays one lookup per edge for each.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EdgeMask {
    /// The kinds followed.
    pub kinds: KindMask,
    /// The edges that meet the clause's condition (`None`: no condition),
    /// indexed like the edge list the search walks.
    pub edges: Option<FixedBitSet>,
}

impl EdgeMask {
    /// Every edge.
    pub fn all() -> EdgeMask {
        EdgeMask {
            kinds: KindMask(None),
            edges: None,
        }
    }

    /// Whether edge number `e` of the walked list is followed.
    #[inline]
    pub fn allows(&self, e: u32, edge: &Edge) -> bool {
        self.allows_kind(e, edge.kind)
    }

    /// Whether edge number `e`, of kind `kind`, is followed.
    #[inline]
    pub fn allows_kind(&self, e: u32, kind: Sym) -> bool {
        self.kinds.allows(kind) && self.edges.as_ref().is_none_or(|b| b.contains(e as usize))
    }

    /// This mask for a derived edge list whose edge `i` stands for
    /// original edge `origin[i]`.
    pub fn through(&self, origin: &[u32]) -> EdgeMask {
        EdgeMask {
            kinds: self.kinds.clone(),
            edges: self.edges.as_ref().map(|b| {
                let mut out = FixedBitSet::with_capacity(origin.len());
                for (i, &o) in origin.iter().enumerate() {
                    if b.contains(o as usize) {
                        out.insert(i);
                    }
                }
                out
            }),
        }
    }
}
