//! Hover text: what a definition selects (and the definitions it refines),
//! what counts as a kind, what a clause requires in plain words, and how
//! many nodes a definition matches in the topologies the workspace names.
//!
//! The text is Markdown. Agreement text is shown in code fences longer
//! than any run of backticks it holds, and topology paths in code spans
//! the same way, so nothing a file says can change the rendering.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;

use super::index::{Analysis, Occurrence, What};
use crate::syntax::ast::{Agreement, Form, SelBase, Selector, ShareTest};

/// Each configured topology's path and the node indices each definition
/// selects there ([`crate::engine::selections`]).
pub type Selections = [(String, Vec<(String, Vec<u32>)>)];

/// The hover text for `o`, if there is something to say.
pub fn hover(analysis: &Analysis, o: &Occurrence, selections: &Selections) -> Option<String> {
    let ag = analysis.agreement.as_ref()?;
    match o.what {
        What::Definition => definition(ag, &o.name, selections),
        What::Kind => Some(kind(ag, &o.name)),
        What::Clause => clause(ag, &o.name),
        What::Party => Some(party(ag, &o.name)),
    }
}

/// The text of a construct, without trailing blanks and comments.
fn text<'a>(ag: &'a Agreement, span: &crate::source::Span) -> &'a str {
    let text = ag.source.text();
    text.get(super::index::trim(text, span)).unwrap_or("")
}

/// A code block holding `body`, fenced so that `body` cannot close it.
fn fenced(body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}proviso\n{body}\n{fence}\n")
}

/// Inline code holding `body`, with a fence it cannot close.
fn code(body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// The definition and the chain of definitions it refines, nearest first.
fn definition(ag: &Agreement, name: &str, selections: &Selections) -> Option<String> {
    let mut chain = Vec::new();
    let mut seen = HashSet::new();
    let mut next = Some(name.to_string());
    while let Some(n) = next.take() {
        if !seen.insert(n.clone()) {
            break;
        }
        let Some(d) = ag.definitions.iter().find(|d| d.name.node == n) else {
            break;
        };
        chain.push(d);
        if let (SelBase::Ref(base), true) = (&d.selector.first.base, d.selector.rest.is_empty()) {
            next = Some(base.node.clone());
        }
    }
    let first = chain.first()?;
    let mut out = String::new();
    let lines: Vec<&str> = chain.iter().map(|d| text(ag, &d.span)).collect();
    out.push_str(&fenced(&lines.join("\n")));
    if chain.len() > 1 {
        let names: Vec<String> = chain.iter().map(|d| code(&d.name.node)).collect();
        let _ = writeln!(out, "\nrefines: {} ⊆ nodes", names.join(" ⊆ "));
    }
    for (path, selections) in selections {
        if let Some((_, nodes)) = selections.iter().find(|(n, _)| *n == first.name.node) {
            let _ = writeln!(
                out,
                "\n{} node{} in {}",
                nodes.len(),
                if nodes.len() == 1 { "" } else { "s" },
                code(path)
            );
        }
    }
    Some(out)
}

/// What counts as `kind` and what it counts as, in the spirit and in each
/// party's reading, transitively.
fn kind(ag: &Agreement, kind: &str) -> String {
    let mut out = format!("edge kind {}\n", code(kind));
    let mut readers: Vec<Option<&str>> = vec![None];
    let parties: BTreeSet<&str> = ag
        .counts_as
        .iter()
        .filter_map(|c| c.party.as_ref().map(|p| p.node.as_str()))
        .collect();
    readers.extend(parties.into_iter().map(Some));
    for reader in readers {
        let pairs: Vec<(&str, &str)> = ag
            .counts_as
            .iter()
            .filter(|c| c.party.as_ref().map(|p| p.node.as_str()) == reader)
            .flat_map(|c| {
                c.kinds
                    .iter()
                    .map(|k| (k.node.as_str(), c.target.node.as_str()))
            })
            .collect();
        let below = closure(&pairs, kind, |&(a, b)| (b, a));
        let above = closure(&pairs, kind, |&(a, b)| (a, b));
        if below.is_empty() && above.is_empty() {
            continue;
        }
        let who = match reader {
            None => "in spirit".to_string(),
            Some(p) => format!("according to {}", code(p)),
        };
        let list =
            |set: &BTreeSet<&str>| set.iter().map(|k| code(k)).collect::<Vec<_>>().join(", ");
        if !below.is_empty() {
            let _ = writeln!(out, "\n{who}, {} count as {}", list(&below), code(kind));
        }
        if !above.is_empty() {
            let _ = writeln!(out, "\n{who}, {} counts as {}", code(kind), list(&above));
        }
    }
    for d in &ag.directions {
        if d.kinds.iter().any(|k| k.node == kind) {
            let _ = writeln!(out, "\ndata moves {} over it", d.flow.node.as_str());
        }
    }
    out
}

/// Every kind reachable from `start` over `pairs`, read as edges by `dir`.
fn closure<'a>(
    pairs: &[(&'a str, &'a str)],
    start: &str,
    dir: impl Fn(&(&'a str, &'a str)) -> (&'a str, &'a str),
) -> BTreeSet<&'a str> {
    let mut found = BTreeSet::new();
    let mut todo = vec![start.to_string()];
    while let Some(k) = todo.pop() {
        for p in pairs {
            let (from, to) = dir(p);
            if from == k && to != start && found.insert(to) {
                todo.push(to.to_string());
            }
        }
    }
    found
}

fn party(ag: &Agreement, name: &str) -> String {
    let owed = ag
        .clauses
        .iter()
        .filter(|c| c.obligors.iter().any(|p| p.node == name))
        .map(|c| code(&c.id.node))
        .collect::<Vec<_>>();
    let mut out = format!("party {}\n", code(name));
    if !owed.is_empty() {
        let _ = writeln!(
            out,
            "\nowes clause{} {}",
            if owed.len() == 1 { "" } else { "s" },
            owed.join(", ")
        );
    }
    out
}

/// The clause's form in plain words.
fn clause(ag: &Agreement, id: &str) -> Option<String> {
    let c = ag.clauses.iter().find(|c| c.id.node == id)?;
    let sel = |s: &Selector| code(text(ag, &s.span));
    let kind = |k: &Option<crate::syntax::ast::Name>| {
        k.as_ref().map_or("any".to_string(), |k| code(&k.node))
    };
    let neg = c.modal.node.negated;
    let words = match &c.form {
        Form::Route {
            kind: k,
            from,
            to,
            via,
            only,
            ..
        } => {
            let from = from.as_ref().map_or(
                "every node outside the targets and waypoints".to_string(),
                sel,
            );
            let how = if *only { "only through" } else { "through" };
            if neg {
                format!(
                    "no path of {} edges from {from} to {} passes {how} a node of {}",
                    kind(k),
                    sel(to),
                    sel(via)
                )
            } else {
                format!(
                    "every path of {} edges from {from} to {} passes {how} a node of {}",
                    kind(k),
                    sel(to),
                    sel(via)
                )
            }
        }
        Form::Access {
            subject,
            kind: k,
            to,
            ..
        } => {
            if neg {
                format!(
                    "no node of {} reaches {} over {} edges",
                    sel(subject),
                    sel(to),
                    kind(k)
                )
            } else {
                format!(
                    "every node of {} reaches some node of {} over {} edges",
                    sel(subject),
                    sel(to),
                    kind(k)
                )
            }
        }
        Form::Depend { subject, on, .. } => format!(
            "{} node of {} depends (over any edges) on {}",
            if neg { "no" } else { "each" },
            sel(subject),
            sel(on)
        ),
        Form::Hosted { subject, on } => format!(
            "{} node of {} is in {}",
            if neg { "no" } else { "every" },
            sel(subject),
            sel(on)
        ),
        Form::Attribute { subject, predicate } => format!(
            "{} node of {} satisfies {}",
            if neg { "no" } else { "every" },
            sel(subject),
            code(text(ag, &predicate.span))
        ),
        Form::Stay {
            kind: k,
            from,
            within,
            ..
        } => format!(
            "every node reached from {} over {} edges (each walked the way its data moves) is in {}",
            sel(from),
            code(&k.node),
            sel(within)
        ),
        Form::Span {
            subject,
            bound,
            count,
            attr,
        } => format!(
            "the nodes of {} have {} {} distinct values of {}",
            sel(subject),
            bound.node.as_str(),
            count.node,
            code(&attr.node)
        ),
        Form::Share {
            bound,
            percent,
            subject,
            by,
            test,
        } => {
            let what = match test {
                ShareTest::Hosted(on) => format!("are in {}", sel(on)),
                ShareTest::Attribute(p) => format!("satisfy {}", code(text(ag, &p.span))),
            };
            let by = by
                .as_ref()
                .map_or(String::new(), |b| format!(", weighed by {}", code(&b.node)));
            format!(
                "{} {}% of {}{by} {what}",
                bound.node.as_str(),
                percent.node,
                sel(subject)
            )
        }
    };
    let mut out = format!("clause {}", code(&c.id.node));
    if let Some(t) = &c.title {
        let _ = write!(out, ": {}", code(&t.node));
    }
    let _ = writeln!(
        out,
        "\n\n{} ({}, {}): {words}",
        c.form.name(),
        c.modal.node.as_str(),
        reading(c)
    );
    if !c.obligors.is_empty() {
        let owed: Vec<String> = c.obligors.iter().map(|p| code(&p.node)).collect();
        let _ = writeln!(out, "\nowed by {}", owed.join(", "));
    }
    if let Some(w) = &c.window {
        let _ = writeln!(out, "\neffective {}", w.node.describe());
    }
    Some(out)
}

fn reading(c: &crate::syntax::ast::Clause) -> &'static str {
    if c.indirect.is_some() {
        "binds the spirit"
    } else {
        "binds the letter"
    }
}
