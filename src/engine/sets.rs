//! What a clause's names denote on one topology: its sets (sources,
//! targets, waypoints) resolved to nodes, each definition's chain of
//! refinements, and the edge kinds each reading follows with the
//! declaration that adds each kind.
//!
//! `proviso explain` shows these so that an author sees how a clause
//! reads before asking why it holds; `proviso test` uses the resolved
//! sources and targets to refuse a case that passes only because a set is
//! empty (a vacuous pass). The sets are evaluated by the same selector
//! code as the check ([`super::select`]), never by a second implementation.

use std::collections::BTreeSet;

use super::kinds::{self, ReadingName};
use super::select;
use crate::source::Location;
use crate::syntax::ast::{Agreement, Clause, CountsAs, Form, SelBase, Selector, ShareTest};
use crate::topology::Topology;

/// The part a set plays in a clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// S: where paths start (or the nodes that must reach, depend, stay).
    Sources,
    /// T: where paths end, or the nodes a node form tests.
    Targets,
    /// W: the waypoints, hosts or the region a flow must stay within.
    Waypoints,
}

impl Role {
    /// `S`, `T`, `W`.
    pub fn letter(&self) -> &'static str {
        match self {
            Role::Sources => "S",
            Role::Targets => "T",
            Role::Waypoints => "W",
        }
    }

    /// `sources`, `targets`, `waypoints`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Sources => "sources",
            Role::Targets => "targets",
            Role::Waypoints => "waypoints",
        }
    }
}

/// One of a clause's sets, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSet {
    /// Its part in the clause.
    pub role: Role,
    /// The selector as written (whitespace folded), or how the clause
    /// implies it (`every node outside T and W`).
    pub text: String,
    /// The nodes it selects (indices into the topology), in file order.
    pub nodes: Vec<u32>,
    /// The definitions the selector names, in the order written.
    pub names: Vec<String>,
}

/// A definition, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionSet {
    /// The defined name.
    pub name: String,
    /// The selector as written.
    pub text: String,
    /// Where it is defined.
    pub location: Location,
    /// The nodes it selects, in file order.
    pub nodes: Vec<u32>,
    /// What it refines, nearest first: `frontier` refines `models`,
    /// which refines `nodes` (the chain ends at `nodes`, or at a
    /// definition whose first term is a group).
    pub chain: Vec<String>,
}

/// A kind a reading follows and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindStep {
    /// The kind.
    pub kind: String,
    /// The kind it counts as (`None` for the clause's own kind).
    pub counts_as: Option<String>,
    /// The declaration that says so.
    pub declared: Option<Location>,
}

/// The kinds of one reading of a clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingKinds {
    /// `letter`, `spirit` or a party's name.
    pub reading: String,
    /// Each kind followed, the clause's own first, then in the order the
    /// declarations add them.
    pub kinds: Vec<KindStep>,
}

/// The selector as written in the agreement, comments dropped and
/// whitespace folded.
pub fn selector_text(ag: &Agreement, sel: &Selector) -> String {
    // The span may run on over a comment after the selector.
    super::body_text(ag.source.text().get(sel.span.0.clone()).unwrap_or(""))
}

/// Every definition of the agreement on the topology, in agreement order.
pub fn definitions(ag: &Agreement, topo: &Topology) -> Vec<DefinitionSet> {
    let defs = super::definitions(ag, topo);
    ag.definitions
        .iter()
        .map(|d| {
            let mut chain = Vec::new();
            let mut sel = &d.selector;
            loop {
                match &sel.first.base {
                    SelBase::All(_) => {
                        chain.push("nodes".to_string());
                        break;
                    }
                    SelBase::Ref(name) => {
                        chain.push(name.node.clone());
                        match ag.definitions.iter().find(|o| o.name.node == name.node) {
                            // Definitions only use names above them: the chain ends.
                            Some(next) if chain.len() <= ag.definitions.len() => {
                                sel = &next.selector
                            }
                            _ => break,
                        }
                    }
                    SelBase::Group(_) => break,
                }
            }
            DefinitionSet {
                name: d.name.node.clone(),
                text: selector_text(ag, &d.selector),
                location: ag.source.location(&d.span.0),
                nodes: defs
                    .get(&d.name.node)
                    .map(|s| s.ones().map(|i| i as u32).collect())
                    .unwrap_or_default(),
                chain,
            }
        })
        .collect()
}

/// The definitions a selector names, in the order written, once each.
fn names(sel: &Selector, out: &mut Vec<String>) {
    let terms = std::iter::once(&sel.first).chain(sel.rest.iter().map(|(_, t)| t));
    for t in terms {
        match &t.base {
            SelBase::Ref(n) if !out.contains(&n.node) => out.push(n.node.clone()),
            SelBase::Group(inner) => names(inner, out),
            _ => {}
        }
    }
}

/// The sets of `clause` on `topo`: S, T and W as the form has them.
pub fn clause_sets(ag: &Agreement, topo: &Topology, clause: &Clause) -> Vec<RoleSet> {
    let defs = super::definitions(ag, topo);
    let eval = |role: Role, sel: &Selector| {
        let mut n = Vec::new();
        names(sel, &mut n);
        RoleSet {
            role,
            text: selector_text(ag, sel),
            nodes: select::selector(sel, topo, &defs)
                .ones()
                .map(|i| i as u32)
                .collect(),
            names: n,
        }
    };
    match &clause.form {
        Form::Route { from, to, via, .. } => {
            let t = eval(Role::Targets, to);
            let w = eval(Role::Waypoints, via);
            let s = match from {
                Some(f) => eval(Role::Sources, f),
                None => {
                    let excluded: BTreeSet<u32> = t.nodes.iter().chain(&w.nodes).copied().collect();
                    RoleSet {
                        role: Role::Sources,
                        text: "every node outside T and W".to_string(),
                        nodes: (0..topo.nodes.len() as u32)
                            .filter(|i| !excluded.contains(i))
                            .collect(),
                        names: Vec::new(),
                    }
                }
            };
            vec![s, t, w]
        }
        Form::Access { subject, to, .. } => {
            vec![eval(Role::Sources, subject), eval(Role::Targets, to)]
        }
        Form::Depend { subject, on, .. } => {
            vec![eval(Role::Sources, subject), eval(Role::Targets, on)]
        }
        Form::Hosted { subject, on } => {
            vec![eval(Role::Targets, subject), eval(Role::Waypoints, on)]
        }
        Form::Attribute { subject, .. } | Form::Span { subject, .. } => {
            vec![eval(Role::Targets, subject)]
        }
        Form::Stay { from, within, .. } => {
            vec![eval(Role::Sources, from), eval(Role::Waypoints, within)]
        }
        Form::Share { subject, test, .. } => {
            let mut out = vec![eval(Role::Targets, subject)];
            if let ShareTest::Hosted(on) = test {
                out.push(eval(Role::Waypoints, on));
            }
            out
        }
    }
}

/// The edge kinds each reading of `clause` follows, with the declaration
/// behind each kind; empty when the clause names no kind (it follows
/// every edge).
pub fn reading_kinds(ag: &Agreement, clause: &Clause) -> Vec<ReadingKinds> {
    let Some(kind) = super::forms::access_kind(&clause.form) else {
        return Vec::new();
    };
    kinds::readings(ag)
        .iter()
        .map(|r| {
            let followed = r.kinds(kind);
            let name = match &r.name {
                ReadingName::Letter => "letter".to_string(),
                ReadingName::Spirit => "spirit".to_string(),
                ReadingName::Party(p) => p.clone(),
            };
            // The declarations this reading reads: none for the letter,
            // the shared ones for the spirit, a party's own first.
            let decls: Vec<&CountsAs> = match &r.name {
                ReadingName::Letter => Vec::new(),
                ReadingName::Spirit => ag.counts_as.iter().filter(|d| d.party.is_none()).collect(),
                ReadingName::Party(p) => ag
                    .counts_as
                    .iter()
                    .filter(|d| d.party.as_ref().is_some_and(|q| &q.node == p))
                    .chain(ag.counts_as.iter().filter(|d| d.party.is_none()))
                    .collect(),
            };
            let mut steps = vec![KindStep {
                kind: kind.to_string(),
                counts_as: None,
                declared: None,
            }];
            // Breadth first from the clause's kind, so each kind is
            // explained by the declaration nearest to it.
            let mut i = 0;
            while i < steps.len() {
                let target = steps[i].kind.clone();
                for d in decls.iter().filter(|d| d.target.node == target) {
                    for k in &d.kinds {
                        if followed.contains(&k.node) && !steps.iter().any(|s| s.kind == k.node) {
                            steps.push(KindStep {
                                kind: k.node.clone(),
                                counts_as: Some(target.clone()),
                                declared: Some(ag.source.location(&d.span.0)),
                            });
                        }
                    }
                }
                i += 1;
            }
            ReadingKinds {
                reading: name,
                kinds: steps,
            }
        })
        .collect()
}
