//! Selectors and predicates evaluated to sets of nodes.
//!
//! Each definition is evaluated once per topology into a bitset, in file
//! order (a definition only uses names above it, so one pass suffices), and
//! clauses combine those bitsets. Attribute names and values are looked up
//! in the topology's interner once per predicate, then each node is tested
//! by comparing symbols. A value no node has can never be equal, which is
//! exactly "a missing attribute is unequal to every value". The same
//! predicates test edges (`api access where stateful = false`), over the
//! edge's attributes. A numeric comparison or a pattern is decided once per
//! interned string, so nodes are still tested by symbol. Operators that
//! compare one value (`=`, `<`, `matches`) are false on a list attribute;
//! `contains` reads lists (and a single value as a list of one).

use std::collections::HashMap;

use fixedbitset::FixedBitSet;

use crate::syntax::ast::{Atom, Predicate, SelBase, Selector, SetOp};
use crate::topology::{Sym, Topology};

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
            .filter(|&i| compiled.test(&topo.nodes[i].attrs))
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
        if compiled.test(&topo.nodes[i].attrs) {
            out.insert(i);
        }
    }
    out
}

/// The edges (in file order) that satisfy a predicate on edge attributes.
pub fn edges_satisfying(pred: &Predicate, topo: &Topology) -> FixedBitSet {
    let compiled = compile(pred, topo);
    let mut out = FixedBitSet::with_capacity(topo.edges.len());
    for (i, e) in topo.edges.iter().enumerate() {
        if compiled.test(&e.attrs) {
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
    /// A numeric comparison or a pattern: the values (symbols) that pass,
    /// decided once per interned string rather than once per node.
    Passing {
        attr: Option<Sym>,
        passing: FixedBitSet,
    },
    Contains {
        attr: Option<Sym>,
        value: Option<Sym>,
    },
}

fn compile(pred: &Predicate, topo: &Topology) -> Compiled {
    Compiled {
        any: pred
            .any
            .iter()
            .map(|all| {
                all.iter()
                    .map(|f| (f.negated, atom(&f.atom, topo)))
                    .collect()
            })
            .collect(),
    }
}

fn atom(atom: &Atom, topo: &Topology) -> CAtom {
    let s = &topo.strings;
    match atom {
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
        Atom::Order {
            attr, op, number, ..
        } => CAtom::Passing {
            attr: s.get(&attr.node),
            passing: passing(topo, |text| {
                crate::number::parse(text).is_some_and(|n| op.node.test(&n, number))
            }),
        },
        Atom::Matches { attr, pattern } => CAtom::Passing {
            attr: s.get(&attr.node),
            passing: passing(topo, |text| wildcard(&pattern.node, text)),
        },
        Atom::Contains { attr, value } => CAtom::Contains {
            attr: s.get(&attr.node),
            value: s.get(&value.node),
        },
    }
}

/// The interned strings that pass `test`, as a set of symbols.
fn passing(topo: &Topology, test: impl Fn(&str) -> bool) -> FixedBitSet {
    let n = topo.strings.len();
    let mut out = FixedBitSet::with_capacity(n);
    for sym in 0..n {
        if test(topo.strings.resolve(sym as Sym)) {
            out.insert(sym);
        }
    }
    out
}

/// Whether `text` matches `pattern`, in which each `*` matches any run of
/// characters (none included) and everything else matches itself. The
/// classic greedy match with one backtrack point: O(len(text) *
/// len(pattern)) at worst, linear for a pattern with one `*`.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if i < p.len() && p[i] == t[j] {
            i += 1;
            j += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

impl Compiled {
    fn test(&self, attrs: &[(Sym, Sym)]) -> bool {
        self.any
            .iter()
            .any(|all| all.iter().all(|(neg, atom)| atom.test(attrs) != *neg))
    }
}

impl CAtom {
    fn test(&self, attrs: &[(Sym, Sym)]) -> bool {
        match self {
            CAtom::Group(inner) => inner.test(attrs),
            CAtom::Has(attr) => attr.is_some_and(|a| !entries(attrs, a).is_empty()),
            CAtom::Compare {
                attr,
                values,
                negated,
            } => {
                let value = attr.and_then(|a| scalar(attrs, a));
                let equal = value.is_some_and(|v| values.contains(&v));
                equal != *negated
            }
            CAtom::Passing { attr, passing } => attr
                .and_then(|a| scalar(attrs, a))
                .is_some_and(|v| passing.contains(v as usize)),
            CAtom::Contains { attr, value } => match (attr, value) {
                (Some(a), Some(v)) => entries(attrs, *a)
                    .iter()
                    .any(|&(_, x)| x != EMPTY_LIST && x & !LIST == *v),
                _ => false,
            },
        }
    }
}

pub use crate::topology::{EMPTY_LIST, LIST};

/// The entries of attribute `name` in a sorted attribute list.
fn entries(attrs: &[(Sym, Sym)], name: Sym) -> &[(Sym, Sym)] {
    let lo = attrs.partition_point(|&(n, _)| n < name);
    let hi = lo + attrs[lo..].partition_point(|&(n, _)| n == name);
    &attrs[lo..hi]
}

/// The value of a single-valued attribute; `None` when absent or a list.
fn scalar(attrs: &[(Sym, Sym)], name: Sym) -> Option<Sym> {
    match entries(attrs, name) {
        [(_, v)] if v & LIST == 0 => Some(*v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::wildcard;

    #[test]
    fn a_star_matches_any_run_of_characters() {
        assert!(wildcard("eu-*", "eu-west-1"));
        assert!(wildcard("eu-*", "eu-"));
        assert!(!wildcard("eu-*", "us-east-1"));
        assert!(wildcard("*-1", "eu-west-1"));
        assert!(wildcard("a*b*c", "aXXbYYc"));
        assert!(!wildcard("a*b*c", "aXXbYY"));
        assert!(wildcard("région", "région"));
        assert!(!wildcard("eu", "eu-west"));
    }
}
