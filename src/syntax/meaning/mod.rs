//! Checks of meaning that the grammar cannot express.
//!
//! A definition may only use names defined above it (so definitions can
//! never form a cycle, and a reader can follow an agreement top to bottom);
//! names and clause ids are unique; `stay within` cannot be negated; an
//! edge kind moves data one way only (two declarations that disagree
//! would make the stay-within and access forms depend on which one wins). Every
//! problem is collected, so a user fixes them all in one round. Parties
//! (readings, obligors) are checked in [`parties`], permissions (`may`,
//! `notwithstanding`) in [`permissions`].

use std::collections::HashMap;

mod parties;
mod permissions;

use super::ast::*;
use crate::diag::{Diagnostic, suggest};
use crate::source::SourceRef;

/// All the meaning errors in `ag`, in file order.
pub fn check(ag: &Agreement) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let src = &ag.source;
    let all_names: Vec<&str> = ag
        .definitions
        .iter()
        .map(|d| d.name.node.as_str())
        .collect();
    let mut defined: HashMap<&str, &Definition> = HashMap::new();
    for def in &ag.definitions {
        let scope = Scope {
            src,
            defined: &defined,
            all: &all_names,
            current: Some(&def.name.node),
        };
        scope.selector(&def.selector, &mut errors);
        if let Some(first) = defined.get(def.name.node.as_str()) {
            errors.push(
                Diagnostic::error(format!("`{}` is defined twice", def.name.node))
                    .at(src, def.name.span.clone(), "defined again here")
                    .also(src, first.name.span.clone(), "first defined here")
                    .help("rename one of them, or remove the second"),
            );
        } else {
            defined.insert(&def.name.node, def);
        }
    }
    let mut flows: HashMap<&str, (&Name, &Node<Flow>)> = HashMap::new();
    for decl in &ag.directions {
        for kind in &decl.kinds {
            match flows.get(kind.node.as_str()) {
                Some((first, flow)) if flow.node != decl.flow.node => errors.push(
                    Diagnostic::error(format!(
                        "data over `{}` is declared to move two ways",
                        kind.node
                    ))
                    .at(
                        src,
                        kind.span.clone(),
                        format!("declared to move {} here", decl.flow.node.as_str()),
                    )
                    .also(
                        src,
                        first.span.clone(),
                        format!("declared to move {} here", flow.node.as_str()),
                    )
                    .help(format!(
                        "keep one declaration for `{}`; `both ways` includes against the call",
                        kind.node
                    )),
                ),
                Some(_) => {}
                None => {
                    flows.insert(&kind.node, (kind, &decl.flow));
                }
            }
        }
    }
    parties::check(ag, &mut errors);
    let mut ids: HashMap<&str, &Clause> = HashMap::new();
    for clause in &ag.clauses {
        let scope = Scope {
            src,
            defined: &defined,
            all: &all_names,
            current: None,
        };
        for sel in selectors(&clause.form) {
            scope.selector(sel, &mut errors);
        }
        if let Some(first) = ids.get(clause.id.node.as_str()) {
            errors.push(
                Diagnostic::error(format!("clause `{}` appears twice", clause.id.node))
                    .at(src, clause.id.span.clone(), "numbered again here")
                    .also(src, first.id.span.clone(), "first numbered here")
                    .help("give each clause its own number"),
            );
        } else {
            ids.insert(&clause.id.node, clause);
        }
        if let Form::Stay { .. } = clause.form
            && clause.modal.node.negated
        {
            errors.push(
                Diagnostic::error(format!(
                    "`{} stay within` makes no sense",
                    clause.modal.node.as_str()
                ))
                .at(src, clause.modal.span.clone(), "a flow cannot be required to leave")
                .help("to keep a flow out of some nodes, say `must stay within` the nodes it may reach, or use `must not have ... access to`"),
            );
        }
    }
    permissions::check(ag, &mut errors);
    errors
}

/// The selectors a clause names, in source order.
pub fn selectors(form: &Form) -> Vec<&Selector> {
    match form {
        Form::Route { from, to, via, .. } => from.iter().chain([to, via]).collect(),
        Form::Access { subject, to, .. } => vec![subject, to],
        Form::Depend { subject, on, .. } | Form::Hosted { subject, on } => vec![subject, on],
        Form::Attribute { subject, .. } | Form::Span { subject, .. } => vec![subject],
        Form::Stay { from, within, .. } => vec![from, within],
        Form::Share { subject, test, .. } => match test {
            ShareTest::Hosted(on) => vec![subject, on],
            ShareTest::Attribute(_) => vec![subject],
        },
    }
}

struct Scope<'a> {
    src: &'a SourceRef,
    defined: &'a HashMap<&'a str, &'a Definition>,
    all: &'a [&'a str],
    current: Option<&'a str>,
}

impl Scope<'_> {
    fn selector(&self, sel: &Selector, errors: &mut Vec<Diagnostic>) {
        for term in std::iter::once(&sel.first).chain(sel.rest.iter().map(|(_, t)| t)) {
            match &term.base {
                SelBase::All(_) => {}
                SelBase::Ref(name) => self.reference(name, errors),
                SelBase::Group(inner) => self.selector(inner, errors),
            }
        }
    }

    fn reference(&self, name: &Name, errors: &mut Vec<Diagnostic>) {
        let n = name.node.as_str();
        if self.defined.contains_key(n) {
            return;
        }
        let sp = name.span.clone();
        let d = if self.current == Some(n) {
            Diagnostic::error(format!("`{n}` is defined in terms of itself"))
                .at(self.src, sp, "used inside its own definition")
                .help("a definition can only use names defined above it")
        } else if self.all.contains(&n) {
            Diagnostic::error(format!("`{n}` is used before it is defined"))
                .at(self.src, sp, "not defined yet")
                .help(format!("move `define {n} as ...` above this line"))
        } else {
            let known: Vec<&str> = self.defined.keys().copied().collect();
            let mut known = known;
            known.sort();
            Diagnostic::error(format!("unknown definition `{n}`"))
                .at(self.src, sp, "not defined")
                .maybe_help(suggest::help_line(n, known.iter().copied()).or_else(|| {
                    Some(if known.is_empty() {
                        "define it first, such as `define name as nodes where kind = model`"
                            .to_string()
                    } else {
                        format!("the definitions are {}", suggest::list(&known, 8))
                    })
                }))
        };
        errors.push(d);
    }
}
