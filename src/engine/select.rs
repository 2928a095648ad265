//! Selectors and predicates evaluated to sets of nodes.
//!
//! Each definition is evaluated once per topology into a bitset, in file
//! order (a definition only uses names above it, so one pass suffices), and
//! clauses combine those bitsets. Attribute names and values are looked up
//! in the topology's interner once per predicate, then each node is tested
//! by comparing symbols. A value no node has can never be equal, which is
//! exactly "a missing attribute is unequal to every value".

use std::collections::HashMap;

use fixedbitset::FixedBitSet;

use crate::syntax::ast::{Atom, Predicate, SelBase, Selector, SetOp};
use crate::topology::{Node, Sym, Topology};

/// The evaluated definitions of an agreement on one topology.
pub type Definitions = HashMap<String, FixedBitSet>;

/// Evaluates a selector; names must already be in `defs` (the agreement
/// was checked for meaning, so they are).
pub fn selector(sel: &Selector, topo: &Topology, defs: &Definitions) -> FixedBitSet {
    let mut acc = term(&sel.first.base, sel.first.filter.as_ref(), topo, defs);
    for (op, t) in &sel.rest {
        let set = term(&t.base, t.filter.as_ref(), topo, defs);
        match op {
            SetOp::Or => acc.union_with(&set),
            SetOp::Except => acc.difference_with(&set),
        }
    }
    acc
}

fn term(
    base: &SelBase,
    filter: Option<&Predicate>,
    topo: &Topology,
    defs: &Definitions,
) -> FixedBitSet {
    let n = topo.nodes.len();
    let mut set = match base {
        SelBase::All(_) => {
            let mut all = FixedBitSet::with_capacity(n);
            all.insert_range(..);
            all
        }
        SelBase::Ref(name) => defs
            .get(&name.node)
            .cloned()
            .unwrap_or_else(|| FixedBitSet::with_capacity(n)),
        SelBase::Group(inner) => selector(inner, topo, defs),
    };
    if let Some(pred) = filter {
        let compiled = compile(pred, topo);
        let keep: Vec<usize> = set
            .ones()
            .filter(|&i| compiled.test(&topo.nodes[i]))
            .collect();
        set.clear();
        for i in keep {
            set.insert(i);
        }
    }
    set
}

/// The nodes (in file order) that satisfy a predicate, among `among`.
pub fn satisfying(pred: &Predicate, topo: &Topology, among: &FixedBitSet) -> FixedBitSet {
    let compiled = compile(pred, topo);
    let mut out = FixedBitSet::with_capacity(topo.nodes.len());
    for i in among.ones() {
        if compiled.test(&topo.nodes[i]) {
            out.insert(i);
        }
    }
    out
}

/// A predicate with names and values resolved to symbols.
struct Compiled {
    any: Vec<Vec<(bool, CAtom)>>,
}

enum CAtom {
    Group(Compiled),
    Has(Option<Sym>),
    Compare {
        attr: Option<Sym>,
        values: Vec<Sym>,
        negated: bool,
    },
}

fn compile(pred: &Predicate, topo: &Topology) -> Compiled {
    let s = &topo.strings;
    Compiled {
        any: pred
            .any
            .iter()
            .map(|all| {
                all.iter()
                    .map(|f| {
                        let atom = match &f.atom {
                            Atom::Group(inner) => CAtom::Group(compile(inner, topo)),
                            Atom::Has(a) => CAtom::Has(s.get(&a.node)),
                            Atom::Compare {
                                attr,
                                values,
                                negated,
                            } => CAtom::Compare {
                                attr: s.get(&attr.node),
                                values: values.iter().filter_map(|v| s.get(&v.node)).collect(),
                                negated: *negated,
                            },
                        };
                        (f.negated, atom)
                    })
                    .collect()
            })
            .collect(),
    }
}

impl Compiled {
    fn test(&self, node: &Node) -> bool {
        self.any
            .iter()
            .any(|all| all.iter().all(|(neg, atom)| atom.test(node) != *neg))
    }
}

impl CAtom {
    fn test(&self, node: &Node) -> bool {
        match self {
            CAtom::Group(inner) => inner.test(node),
            CAtom::Has(attr) => attr.is_some_and(|a| node.has(a)),
            CAtom::Compare {
                attr,
                values,
                negated,
            } => {
                let value = attr.and_then(|a| node.attr(a));
                let equal = value.is_some_and(|v| values.contains(&v));
                equal != *negated
            }
        }
    }
}
