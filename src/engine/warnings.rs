//! Warnings that catch typos before they pass silently.
//!
//! An agreement is written once and checked against many designs, so
//! nothing here is an error: a definition that matches no node may simply
//! not apply to this design. But each warning names what the topology does
//! have, nearest first, so a typo (`cloud = azur`, `regoin`) is obvious.
//! Values are only flagged when they are a near miss of a value that exists:
//! an agreement naming `gcp` for a design that has no GCP is normal.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use chrono::NaiveDate;
use fixedbitset::FixedBitSet;

use super::kinds::CountsAs;
use super::select::Definitions;
use crate::diag::{Diagnostic, suggest};
use crate::syntax::ast::{Agreement, Atom, Clause, Form, Predicate, SelBase, Selector};
use crate::syntax::meaning::selectors;
use crate::topology::{Sym, Topology};

/// All warnings for this agreement on this topology, in agreement order.
pub fn collect(
    ag: &Agreement,
    topo: &Topology,
    defs: &Definitions,
    counts: &CountsAs,
    as_of: NaiveDate,
) -> Vec<Diagnostic> {
    let src = &ag.source;
    let facts = Facts::new(topo);
    let mut out = Vec::new();
    term_warning(ag, as_of, &mut out);
    for def in &ag.definitions {
        if defs.get(&def.name.node).is_some_and(FixedBitSet::is_clear) {
            out.push(
                Diagnostic::warning(format!(
                    "definition `{}` matches no node in `{}`",
                    def.name.node,
                    topo.source.path()
                ))
                .at(src, def.name.span.clone(), "matches nothing")
                .help("check its conditions against the topology's attributes, or ignore this if the design has no such nodes"),
            );
        }
        selector_warnings(&def.selector, &facts, ag, &mut out);
    }
    let mut declared: HashSet<&str> = HashSet::new();
    for decl in &ag.counts_as {
        declared.insert(&decl.target.node);
        for k in &decl.kinds {
            declared.insert(&k.node);
            if !facts.edge_kinds.contains(k.node.as_str()) {
                out.push(
                    Diagnostic::warning(format!("no edge has kind `{}`", k.node))
                        .at(src, k.span.clone(), "declared to count, but never used")
                        .maybe_help(kind_help(&k.node, &facts)),
                );
            }
        }
    }
    for clause in &ag.clauses {
        window_warning(ag, clause, &mut out);
        for sel in selectors(&clause.form) {
            selector_warnings(sel, &facts, ag, &mut out);
        }
        if let Form::Attribute { predicate, .. } = &clause.form {
            predicate_warnings(predicate, &facts, ag, &mut out);
        }
        let kind = match &clause.form {
            Form::Route { kind, .. } | Form::Access { kind, .. } => kind.as_ref(),
            Form::Stay { kind, .. } => Some(kind),
            _ => None,
        };
        if let Some(k) = kind
            && !declared.contains(k.node.as_str())
            && !facts.edge_kinds.contains(k.node.as_str())
        {
            out.push(
                Diagnostic::warning(format!("no edge has kind `{}`", k.node))
                    .at(
                        src,
                        k.span.clone(),
                        "no edge of this kind, in the letter or the spirit",
                    )
                    .maybe_help(kind_help(&k.node, &facts)),
            );
        }
    }
    let _ = counts;
    out
}

/// An agreement whose term excludes `as_of` has no clause in force: the
/// report would say "not in force" for every clause and pass, which is
/// rarely what a gate means to do.
fn term_warning(ag: &Agreement, as_of: NaiveDate, out: &mut Vec<Diagnostic>) {
    let Some(term) = &ag.window else { return };
    if ag.clauses.is_empty() || term.node.contains(as_of) {
        return;
    }
    let day = as_of.format("%Y-%m-%d");
    let label = if as_of < term.node.from {
        "the term has not started"
    } else {
        "the term has ended"
    };
    out.push(
        Diagnostic::warning(format!(
            "the agreement is not in force on {day}: its term is {}",
            term.node.describe()
        ))
        .at(&ag.source, term.span.clone(), label)
        .help(format!(
            "no clause is checked; pass `--as-of` a day inside the term, or check against the agreement in force on {day}"
        )),
    );
}

/// A clause window that starts before the agreement's term or runs past it:
/// the clause is in force only inside the term, so part of what is written
/// is not obeyed.
fn window_warning(ag: &Agreement, clause: &Clause, out: &mut Vec<Diagnostic>) {
    let (Some(own), Some(term)) = (&clause.window, &ag.window) else {
        return;
    };
    let (w, t) = (own.node, term.node);
    let early = w.from < t.from;
    let late = match (w.until, t.until) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(a), Some(b)) => a > b,
    };
    let label = match (early, late) {
        (false, false) => return,
        (true, false) => "starts before the agreement's term",
        (false, true) => "runs past the agreement's term",
        (true, true) => "starts before and runs past the agreement's term",
    };
    let both = w.intersect(&t);
    let help = if both.until.is_some_and(|u| u <= both.from) {
        "the windows do not overlap, so the clause is never in force; move its window inside the term, or extend the term".to_string()
    } else {
        format!(
            "the clause is in force only {}; move its window inside the term, or extend the term",
            both.describe()
        )
    };
    out.push(
        Diagnostic::warning(format!(
            "clause `{}` is effective {}, outside the agreement's term {}",
            clause.id.node,
            w.describe(),
            t.describe()
        ))
        .at(&ag.source, own.span.clone(), label)
        .also(&ag.source, term.span.clone(), "the agreement's term")
        .help(help),
    );
}

fn kind_help(kind: &str, facts: &Facts) -> Option<String> {
    let kinds: Vec<&str> = facts.edge_kinds.iter().copied().collect();
    suggest::help_line(kind, kinds.iter().copied()).or_else(|| {
        (!kinds.is_empty())
            .then(|| format!("the topology's edge kinds are {}", suggest::list(&kinds, 8)))
    })
}

/// What the topology has: attribute names, values per attribute, edge kinds.
///
/// Built for a million nodes: one pass marks which attribute names and
/// edge kinds occur (bitsets over interned symbols), and the values of an
/// attribute are gathered only when a predicate names it, once per name.
struct Facts<'t> {
    topo: &'t Topology,
    attrs: FixedBitSet,
    edge_kinds: BTreeSet<&'t str>,
    values: RefCell<HashMap<Sym, Rc<BTreeSet<&'t str>>>>,
}

impl<'t> Facts<'t> {
    fn new(topo: &'t Topology) -> Self {
        let mut attrs = FixedBitSet::with_capacity(topo.strings.len());
        for n in &topo.nodes {
            for &(k, _) in &n.attrs {
                attrs.insert(k as usize);
            }
        }
        let mut kinds = FixedBitSet::with_capacity(topo.strings.len());
        for e in &topo.edges {
            kinds.insert(e.kind as usize);
        }
        let edge_kinds = kinds
            .ones()
            .map(|k| topo.strings.resolve(k as Sym))
            .collect();
        Facts {
            topo,
            attrs,
            edge_kinds,
            values: RefCell::new(HashMap::new()),
        }
    }

    fn attr_names(&self) -> Vec<&'t str> {
        let mut names: Vec<&str> = self
            .attrs
            .ones()
            .map(|k| self.topo.strings.resolve(k as Sym))
            .collect();
        names.sort();
        names
    }

    /// The values some node has for `attr`; `None` if no node has it.
    fn values_of(&self, attr: &str) -> Option<Rc<BTreeSet<&'t str>>> {
        let a = self.topo.strings.get(attr)?;
        if !self.attrs.contains(a as usize) {
            return None;
        }
        let mut cache = self.values.borrow_mut();
        let set = cache.entry(a).or_insert_with(|| {
            let syms: HashSet<Sym> = self.topo.nodes.iter().filter_map(|n| n.attr(a)).collect();
            Rc::new(
                syms.into_iter()
                    .map(|v| self.topo.strings.resolve(v))
                    .collect(),
            )
        });
        Some(Rc::clone(set))
    }
}

fn selector_warnings(sel: &Selector, facts: &Facts, ag: &Agreement, out: &mut Vec<Diagnostic>) {
    for term in std::iter::once(&sel.first).chain(sel.rest.iter().map(|(_, t)| t)) {
        if let SelBase::Group(inner) = &term.base {
            selector_warnings(inner, facts, ag, out);
        }
        if let Some(p) = &term.filter {
            predicate_warnings(p, facts, ag, out);
        }
    }
}

fn predicate_warnings(pred: &Predicate, facts: &Facts, ag: &Agreement, out: &mut Vec<Diagnostic>) {
    let src = &ag.source;
    for factor in pred.any.iter().flatten() {
        let (attr, values) = match &factor.atom {
            Atom::Group(inner) => {
                predicate_warnings(inner, facts, ag, out);
                continue;
            }
            Atom::Has(attr) => (attr, &[][..]),
            Atom::Compare { attr, values, .. } => (attr, &values[..]),
        };
        let Some(seen) = facts.values_of(&attr.node) else {
            let names = facts.attr_names();
            let nearest = suggest::nearest(&attr.node, names.iter().copied());
            let help = if nearest.is_empty() {
                "no node has any attribute".to_string()
            } else {
                let near = suggest::did_you_mean(&attr.node, names.iter().copied());
                let list = format!("attributes that exist: {}", suggest::list(&nearest, 8));
                match near {
                    Some(n) => format!("did you mean `{n}`? {list}"),
                    None => list,
                }
            };
            out.push(
                Diagnostic::warning(format!("no node has attribute `{}`", attr.node))
                    .at(src, attr.span.clone(), "unknown attribute")
                    .help(help),
            );
            continue;
        };
        for v in values {
            if seen.contains(v.node.as_str()) {
                continue;
            }
            let limit = (v.node.chars().count() / 4).max(1);
            let near = suggest::nearest(&v.node, seen.iter().copied());
            let close = near.first().is_some_and(|n| {
                strsim::damerau_levenshtein(&v.node.to_lowercase(), &n.to_lowercase()) <= limit
            });
            if close {
                out.push(
                    Diagnostic::warning(format!("no node has {} `{}`", attr.node, v.node))
                        .at(src, v.span.clone(), "no node has this value")
                        .help(format!(
                            "did you mean `{}`? seen: {}",
                            near[0],
                            suggest::list(&near, 8)
                        )),
                );
            }
        }
    }
}
