//! Why a path clause holds: the fewest edges that every path between its
//! sets passes, shown rather than assumed.
//!
//! "Every path from customers to models passes azure-gateway" is a claim
//! about all paths; the proof is a cut. For a holding clause whose paths
//! exist (`route via W`, and `have access` or `depend on` that reach), we
//! ask the isolation question on the same sets, kinds, edge condition and
//! walk (`S must not have access to T`) and take its remedy from
//! [`super::cut`]: a smallest set of edges whose removal would separate S
//! from T. For `route via W` we also list the waypoints those paths pass.
//! Why a clause fails needs nothing new: the report already has its
//! witnesses, violating edges and remedy, which `explain` shows.

use super::cut::Cut;
use super::forms::{self, Ctx};
use super::graph::Graph;
use super::kinds;
use crate::report::model::Hop;
use crate::syntax::ast::Agreement;
use crate::syntax::ast::{
    At, Clause, Form, Modal, Node, SelBase, SelTerm, Selector, SetOp, Strength,
};
use crate::topology::Topology;

/// The paths between a holding clause's sets, for one reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The reading (`letter`, `spirit` or a party's name).
    pub reading: String,
    /// How many edges lie on some path from S to T.
    pub path_edges: usize,
    /// The fewest edges every path from S to T passes (empty when no path
    /// exists), in file order.
    pub cut: Vec<Hop>,
    /// Whether the cut is proven smallest (see [`super::cut`]).
    pub minimum: bool,
    /// More than [`super::cut::MAX_CUT`] edges would be needed: not computed.
    pub capped: bool,
    /// For `route via W`: the waypoints on those paths (node ids, file order).
    pub waypoints: Vec<String>,
    /// For `must not route via W`: the clause holds because no such path
    /// passes W, so the cut is not asked for (it would not explain it).
    pub avoids: bool,
}

/// The isolation question behind a path clause: `S must not have [K]
/// access [where E] to T`, with the clause's direct-ness; `None` for the
/// forms that are not judged by paths between two sets.
fn isolation(clause: &Clause) -> Option<Clause> {
    let (subject, kind, edge, to) = match &clause.form {
        Form::Route {
            kind,
            edge,
            from,
            to,
            via,
            ..
        } => {
            let subject = match from {
                Some(f) => f.clone(),
                None => outside(to, via),
            };
            (subject, kind.clone(), edge.clone(), to.clone())
        }
        Form::Access {
            subject,
            kind,
            edge,
            to,
        } if !clause.modal.node.negated => {
            (subject.clone(), kind.clone(), edge.clone(), to.clone())
        }
        _ => return None,
    };
    Some(Clause {
        modal: Node::new(
            Modal {
                strength: Strength::Must,
                negated: true,
            },
            clause.modal.span.clone(),
        ),
        form: Form::Access {
            subject,
            kind,
            edge,
            to,
        },
        indirect: None,
        obligors: Vec::new(),
        notwithstanding: Vec::new(),
        ..clause.clone()
    })
}

/// `nodes except (T) except (W)`: the sources of a route clause without `from`.
fn outside(to: &Selector, via: &Selector) -> Selector {
    let term = |base| SelTerm {
        base,
        filter: None,
        span: At::default(),
    };
    Selector {
        first: term(SelBase::All(0..0)),
        rest: vec![
            (SetOp::Except, term(SelBase::Group(Box::new(to.clone())))),
            (SetOp::Except, term(SelBase::Group(Box::new(via.clone())))),
        ],
        span: At::default(),
    }
}

/// For a path clause, per reading: the edges on paths between its sets,
/// the smallest cut of them and (for `route via`) the waypoints passed;
/// empty for other forms. Call it for a clause that holds: for one that
/// fails, the report's remedy is the cut that matters.
pub fn held(ag: &Agreement, topo: &Topology, clause: &Clause) -> Vec<Held> {
    let Some(question) = isolation(clause) else {
        return Vec::new();
    };
    let graph = Graph::new(topo.nodes.len(), &topo.edges);
    let defs = super::definitions(ag, topo);
    // The synthetic clause is judged as one more clause, named by no
    // permission.
    let mut permits = super::permits(ag);
    permits.push(Vec::new());
    let ix = permits.len() - 1;
    let mut views_ag = ag.clone();
    views_ag.clauses.push(question.clone());
    let ctx = Ctx {
        ag,
        permits,
        topo,
        graph: &graph,
        defs: &defs,
        memo: forms::Memo::default(),
        max: 1,
        views: super::views(&views_ag, topo),
    };
    let via = match &clause.form {
        Form::Route { via, .. } => Some(super::select::selector(via, topo, &defs)),
        _ => None,
    };
    let mut out: Vec<Held> = Vec::new();
    for r in kinds::readings(ag) {
        let name = match &r.name {
            kinds::ReadingName::Letter => "letter".to_string(),
            kinds::ReadingName::Spirit => "spirit".to_string(),
            kinds::ReadingName::Party(p) => p.clone(),
        };
        let mask = forms::mask(&question, &r, topo);
        let found = forms::offences(ix, &question, &r, &mask, &ctx);
        let avoids = matches!(clause.form, Form::Route { .. }) && clause.modal.node.negated;
        let (cut, minimum, capped) = if found.offences.total == 0 || avoids {
            (Vec::new(), true, false)
        } else {
            match forms::remedy(ix, &question, &r, &mask, &ctx) {
                Some(Cut::Edges { edges, minimum }) => (
                    edges.iter().map(|&e| super::hop(e, topo)).collect(),
                    minimum,
                    false,
                ),
                Some(Cut::Capped) => (Vec::new(), false, true),
                None => (Vec::new(), true, false),
            }
        };
        let waypoints = match &via {
            Some(w) => {
                let mut on = fixedbitset::FixedBitSet::with_capacity(topo.nodes.len());
                for &e in &found.violating {
                    let edge = &topo.edges[e as usize];
                    for n in [edge.from, edge.to] {
                        if w.contains(n as usize) {
                            on.insert(n as usize);
                        }
                    }
                }
                on.ones().map(|i| topo.nodes[i].id.to_string()).collect()
            }
            None => Vec::new(),
        };
        out.push(Held {
            reading: name,
            path_edges: found.violating.len(),
            cut,
            minimum,
            capped,
            waypoints,
            avoids,
        });
    }
    out
}
