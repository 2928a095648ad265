//! Warnings about how the agreement reads values, beyond names: tests
//! that a topology's values make silently false.
//!
//! Three mistakes pass every name check and still change verdicts:
//!
//! - **An edge condition naming an edge attribute no edge has** (or a
//!   value no edge has): `where statefull != true` keeps every path, so
//!   the condition guards nothing. Edge attributes get the typo guards
//!   node attributes get (near miss: a warning; absent: an absence, judged
//!   over the whole run like the others).
//! - **A number test on a value that is not a number**: `gpus >= 8` is
//!   false for `gpus: eight`, and a share weighed `by gpus` counts such a
//!   node as 0. Both are located warnings naming the node or edge, never a
//!   silent false.
//! - **`=` on a list**: `tags = phi` compares one value and is false for
//!   `tags: [pci, phi]`; the warning suggests `tags contains phi`.
//!
//! One pass over the nodes (or edges) per attribute the agreement tests
//! this way, so linear in the topology.

use std::collections::{BTreeMap, HashSet};

use super::warnings::{Coded, Unused};
use crate::diag::{Diagnostic, suggest};
use crate::escape;
use crate::number;
use crate::syntax::ast::{Agreement, Atom, Form, Name, Predicate, SelBase, Selector, ShareTest};
use crate::syntax::meaning::selectors;
use crate::topology::{Sym, Topology};

/// An absence this pass found: what, the name, and a help line.
pub type Found<'a> = (Unused, &'a Name, Option<String>);

/// Which items of a topology a predicate reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Nodes,
    Edges,
}

impl Side {
    fn noun(self) -> &'static str {
        match self {
            Side::Nodes => "node",
            Side::Edges => "edge",
        }
    }
}

/// The value warnings and edge-attribute absences of `ag` on `topo`.
pub fn collect<'a>(
    ag: &'a Agreement,
    topo: &Topology,
    label: &str,
) -> (Vec<Coded>, Vec<Found<'a>>) {
    let mut c = Checker {
        ag,
        topo,
        label,
        out: Vec::new(),
        absent: Vec::new(),
        seen: HashSet::new(),
        edge_attrs: edge_attr_names(topo),
    };
    for def in &ag.definitions {
        c.selector(&def.selector);
    }
    for clause in &ag.clauses {
        for sel in selectors(&clause.form) {
            c.selector(sel);
        }
        match &clause.form {
            Form::Attribute { predicate, .. }
            | Form::Share {
                test: ShareTest::Attribute(predicate),
                ..
            } => c.predicate(predicate, Side::Nodes),
            _ => {}
        }
        if let Form::Share { by: Some(attr), .. } = &clause.form {
            c.weight(attr);
        }
        if let Some(edge) = clause.form.edge_condition() {
            c.predicate(edge, Side::Edges);
        }
    }
    (c.out, c.absent)
}

fn edge_attr_names(topo: &Topology) -> Vec<&str> {
    let mut names: Vec<Sym> = topo
        .edges
        .iter()
        .flat_map(|e| e.attrs.iter().map(|&(k, _)| k))
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut out: Vec<&str> = names.into_iter().map(|k| topo.strings.resolve(k)).collect();
    out.sort_unstable();
    out
}

struct Checker<'a, 't> {
    ag: &'a Agreement,
    topo: &'t Topology,
    label: &'t str,
    out: Vec<Coded>,
    absent: Vec<Found<'a>>,
    /// Codes already given, so each warning comes once.
    seen: HashSet<String>,
    edge_attrs: Vec<&'t str>,
}

impl<'a> Checker<'a, '_> {
    fn warn(&mut self, code: String, d: Diagnostic) {
        if self.seen.insert(code.clone()) {
            self.out.push((code, d));
        }
    }

    fn selector(&mut self, sel: &'a Selector) {
        for term in std::iter::once(&sel.first).chain(sel.rest.iter().map(|(_, t)| t)) {
            if let SelBase::Group(inner) = &term.base {
                self.selector(inner);
            }
            if let Some(p) = &term.filter {
                self.predicate(p, Side::Nodes);
            }
        }
    }

    fn predicate(&mut self, pred: &'a Predicate, side: Side) {
        for factor in pred.any.iter().flatten() {
            match &factor.atom {
                Atom::Group(inner) => self.predicate(inner, side),
                Atom::Has(attr) | Atom::Matches { attr, .. } => self.name(attr, &[], side),
                Atom::Contains { attr, value } => {
                    self.name(attr, std::slice::from_ref(value), side)
                }
                Atom::Compare { attr, values, .. } => {
                    self.name(attr, values, side);
                    self.list(attr, values, side);
                }
                Atom::Order { attr, op, .. } => {
                    self.name(attr, &[], side);
                    let why = format!(
                        "`{} {} ...` is false for it",
                        escape::display(&attr.node),
                        op.node.as_str()
                    );
                    self.number(attr, side, &why);
                }
            }
        }
    }

    /// The typo guards for an edge attribute and its values (node
    /// attributes have theirs in the warnings pass).
    fn name(&mut self, attr: &'a Name, values: &[Name], side: Side) {
        if side == Side::Nodes {
            return;
        }
        let src = &self.ag.source;
        let Some(a) = self
            .topo
            .strings
            .get(&attr.node)
            .filter(|a| self.topo.edges.iter().any(|e| e.has(*a)))
        else {
            let names = &self.edge_attrs;
            let nearest = suggest::nearest(&attr.node, names.iter().copied());
            match suggest::did_you_mean(&attr.node, names.iter().copied()) {
                Some(n) => {
                    let d = Diagnostic::warning(format!(
                        "no edge has attribute `{}` in `{}`",
                        escape::display(&attr.node),
                        escape::display(self.label)
                    ))
                    .at(src, attr.span.clone(), "unknown edge attribute")
                    .help(format!(
                        "did you mean `{}`? edge attributes that exist: {}",
                        escape::display(n),
                        suggest::list(&nearest, 8)
                    ));
                    self.warn(format!("unknown-edge-attribute:{}", attr.node), d);
                }
                None => {
                    let help = (!nearest.is_empty()).then(|| {
                        format!("edge attributes that exist: {}", suggest::list(&nearest, 8))
                    });
                    self.absent.push((Unused::EdgeAttribute, attr, help));
                }
            }
            return;
        };
        if values.is_empty() {
            return;
        }
        let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
        for e in &self.topo.edges {
            for v in e.values(a) {
                seen.insert(self.topo.strings.resolve(v), ());
            }
        }
        for v in values {
            if seen.contains_key(v.node.as_str()) {
                continue;
            }
            let Some(near) = suggest::did_you_mean(&v.node, seen.keys().copied()) else {
                continue;
            };
            let d = Diagnostic::warning(format!(
                "no edge has {} `{}` in `{}`",
                escape::display(&attr.node),
                escape::display(&v.node),
                escape::display(self.label)
            ))
            .at(src, v.span.clone(), "no edge has this value")
            .help(format!(
                "did you mean `{}`? seen: {}",
                escape::display(near),
                suggest::list(&seen.keys().copied().collect::<Vec<_>>(), 8)
            ));
            self.warn(format!("near-miss-edge:{}={}", attr.node, v.node), d);
        }
    }

    /// The first node (or edge) whose value of `attr` is not a number.
    fn number(&mut self, attr: &Name, side: Side, why: &str) {
        let Some(a) = self.topo.strings.get(&attr.node) else {
            return;
        };
        let strings = &self.topo.strings;
        let bad = |vals: &mut dyn Iterator<Item = Sym>| {
            vals.map(|v| strings.resolve(v))
                .find(|v| number::parse(v).is_none())
        };
        let found = match side {
            Side::Nodes => self.topo.nodes.iter().find_map(|n| {
                bad(&mut n.values(a))
                    .map(|v| (format!("node `{}`", escape::display(&n.id)), v, n.span()))
            }),
            Side::Edges => self
                .topo
                .edges
                .iter()
                .find_map(|e| bad(&mut e.values(a)).map(|v| (self.edge_name(e), v, e.span()))),
        };
        let Some((what, value, span)) = found else {
            return;
        };
        let at = self.at(&span);
        let d = Diagnostic::warning(format!(
            "{what} ({at}) has {} `{}` in `{}`, which is not a number",
            escape::display(&attr.node),
            escape::display(value),
            escape::display(self.label)
        ))
        .at(&self.ag.source, attr.span.clone(), "read as a number here")
        .also(
            self.topo.locate(&span).0,
            self.topo.locate(&span).1,
            "not a number",
        )
        .help(format!(
            "{why}; write the value as a decimal number (`8`, `2.5`)"
        ));
        self.warn(format!("not-a-number:{}:{}", side.noun(), attr.node), d);
    }

    fn weight(&mut self, attr: &Name) {
        let why = format!(
            "a share weighed by `{}` counts the node as 0",
            escape::display(&attr.node)
        );
        self.number(attr, Side::Nodes, &why);
    }

    /// `=` or `in` on an attribute some item holds as a list.
    fn list(&mut self, attr: &Name, values: &[Name], side: Side) {
        let Some(a) = self.topo.strings.get(&attr.node) else {
            return;
        };
        let found = match side {
            Side::Nodes => self
                .topo
                .nodes
                .iter()
                .find(|n| n.is_list(a))
                .map(|n| (format!("node `{}`", escape::display(&n.id)), n.span())),
            Side::Edges => self
                .topo
                .edges
                .iter()
                .find(|e| e.is_list(a))
                .map(|e| (self.edge_name(e), e.span())),
        };
        let Some((what, span)) = found else {
            return;
        };
        let at = self.at(&span);
        let name = escape::display(&attr.node);
        let value = values
            .first()
            .map(|v| escape::display(&v.node).into_owned())
            .unwrap_or_default();
        let d = Diagnostic::warning(format!(
            "{what} ({at}) holds `{name}` as a list in `{}`; `=` and `in` compare a single value and are false for a list",
            escape::display(self.label)
        ))
        .at(&self.ag.source, attr.span.clone(), "compared as a single value")
        .also(self.topo.locate(&span).0, self.topo.locate(&span).1, "a list")
        .help(format!("to test a list's elements, write `{name} contains {value}`"));
        self.warn(format!("equals-on-list:{}:{}", side.noun(), attr.node), d);
    }

    /// Where an item of the topology is, as `file:line:col` (a warning
    /// carries one location, the agreement's; this names the other).
    fn at(&self, span: &crate::source::Span) -> String {
        let (src, span) = self.topo.locate(span);
        crate::diag::Label::new(src, span, "")
            .location()
            .to_string()
    }

    fn edge_name(&self, e: &crate::topology::Edge) -> String {
        let n = &self.topo.nodes;
        format!(
            "edge `{} -> {}`",
            escape::display(&n[e.from as usize].id),
            escape::display(&n[e.to as usize].id)
        )
    }
}
