//! `proviso graph`: a topology as Graphviz DOT or a Mermaid flowchart,
//! optionally for one clause.
//!
//! For a clause, the nodes of its sets are coloured (sources blue,
//! targets green, waypoints yellow; a node in two sets takes the first),
//! every edge says which readings follow its kind (`session (spirit,
//! microsoft)`; an edge no reading follows is dashed and grey), the
//! deciding witness's edges are red and bold, and the remedy's cut edges
//! are marked `cut`. Output is deterministic: nodes and edges in file
//! order, ids numbered (`n0`, `n1`) so that no topology id has to be
//! quoted into an identifier. Every label is escaped for its format:
//! DOT strings escape `"` and `\`, Mermaid labels are quoted with
//! entities (`#quot;`, `#lt;`), and control or invisible characters are
//! shown as escapes (see [`crate::escape`]), so a hostile id can neither
//! break out of its label nor render as something it is not.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::engine::sets::{self, Role};
use crate::report::findings;
use crate::report::model::ClauseVerdict;
use crate::syntax::ast::{Agreement, Clause};
use crate::topology::Topology;

/// What to draw for one clause.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    /// The clause id and verdict, for the title.
    pub title: String,
    /// Per node index: its role, if any.
    pub roles: Vec<Option<Role>>,
    /// Per edge index: the readings that follow it (empty: none); `None`
    /// when the clause follows every kind.
    pub readings: Vec<Option<Vec<String>>>,
    /// Edges of the deciding witnesses.
    pub witness: BTreeSet<u32>,
    /// Edges of the remedy's cut.
    pub cut: BTreeSet<u32>,
    /// How many readings the clause has.
    pub all: usize,
}

/// The overlay of `clause`, whose verdict on `topo` is `verdict`.
pub fn overlay(
    ag: &Agreement,
    topo: &Topology,
    clause: &Clause,
    verdict: &ClauseVerdict,
) -> Overlay {
    let mut roles = vec![None; topo.nodes.len()];
    for s in sets::clause_sets(ag, topo, clause) {
        for &n in &s.nodes {
            let slot = &mut roles[n as usize];
            if slot.is_none() {
                *slot = Some(s.role);
            }
        }
    }
    let kinds = sets::reading_kinds(ag, clause);
    let readings = topo
        .edges
        .iter()
        .map(|e| {
            if kinds.is_empty() {
                return None;
            }
            let kind = topo.strings.resolve(e.kind);
            Some(
                kinds
                    .iter()
                    .filter(|r| r.kinds.iter().any(|k| k.kind == kind))
                    .map(|r| r.reading.clone())
                    .collect(),
            )
        })
        .collect();
    // Edges are found back by their ends and kind, as the report gives them.
    let find = |from: &str, kind: &str, to: &str| {
        topo.edges.iter().position(|e| {
            topo.nodes[e.from as usize].id == from
                && topo.nodes[e.to as usize].id == to
                && topo.strings.resolve(e.kind) == kind
        })
    };
    let mut witness = BTreeSet::new();
    if let Some((_, r)) = findings::deciding(verdict) {
        for w in &r.witnesses {
            for h in &w.hops {
                let (from, to) = h.edge_ends();
                if let Some(i) = find(from, &h.kind, to) {
                    witness.insert(i as u32);
                }
            }
        }
    }
    let mut cut = BTreeSet::new();
    for h in verdict.remedy.iter().flat_map(|r| &r.remove) {
        let (from, to) = h.edge_ends();
        if let Some(i) = find(from, &h.kind, to) {
            cut.insert(i as u32);
        }
    }
    Overlay {
        title: format!("clause {}: {}", verdict.clause, verdict.verdict.as_str()),
        roles,
        readings,
        witness,
        cut,
        all: kinds.len(),
    }
}

fn role_colour(r: Role) -> &'static str {
    match r {
        Role::Sources => "#cfe2ff",
        Role::Targets => "#d1e7dd",
        Role::Waypoints => "#fff3cd",
    }
}

/// Text safe to show: controls and invisible characters as escapes.
fn shown(s: &str) -> String {
    crate::escape::display(s).into_owned()
}

fn dot_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in shown(s).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The label of an edge: its kind and, for a clause, the readings that
/// follow it when not all of them do.
fn edge_label(kind: &str, readings: Option<&Vec<String>>, all: usize, cut: bool) -> String {
    let mut s = kind.to_string();
    if let Some(r) = readings
        && !r.is_empty()
        && r.len() < all
    {
        let _ = write!(s, " ({})", r.join(", "));
    }
    if cut {
        s.push_str(" (cut)");
    }
    s
}

/// The topology as Graphviz DOT.
pub fn dot(topo: &Topology, overlay: Option<&Overlay>) -> String {
    let mut out = String::new();
    let name = topo
        .name
        .clone()
        .unwrap_or_else(|| topo.source.path().to_string());
    let _ = writeln!(out, "digraph {} {{", dot_string(&name));
    out.push_str("  rankdir=LR;\n");
    out.push_str("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\"];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    if let Some(o) = overlay {
        let _ = writeln!(out, "  label={};\n  labelloc=t;", dot_string(&o.title));
    }
    for (i, n) in topo.nodes.iter().enumerate() {
        let mut attrs = format!("label={}", dot_string(&n.id));
        if let Some(r) = overlay.and_then(|o| o.roles[i]) {
            let _ = write!(
                attrs,
                ", fillcolor=\"{}\", tooltip={}",
                role_colour(r),
                dot_string(r.as_str())
            );
        }
        let _ = writeln!(out, "  n{i} [{attrs}];");
    }
    for (i, e) in topo.edges.iter().enumerate() {
        let kind = topo.strings.resolve(e.kind);
        let readings = overlay.and_then(|o| o.readings[i].as_ref());
        let cut = overlay.is_some_and(|o| o.cut.contains(&(i as u32)));
        let mut attrs = format!(
            "label={}",
            dot_string(&edge_label(
                kind,
                readings,
                overlay.map_or(0, |o| o.all),
                cut
            ))
        );
        if overlay.is_some_and(|o| o.witness.contains(&(i as u32))) {
            attrs.push_str(", color=\"#d62728\", fontcolor=\"#d62728\", penwidth=2.5");
        } else if readings.is_some_and(|r| r.is_empty()) {
            attrs.push_str(", style=dashed, color=\"#999999\", fontcolor=\"#999999\"");
        }
        if cut {
            attrs.push_str(", arrowhead=tee");
        }
        let _ = writeln!(out, "  n{} -> n{} [{attrs}];", e.from, e.to);
    }
    out.push_str("}\n");
    crate::escape::output(&out).into_owned()
}

/// A Mermaid label: quoted, with the characters Mermaid reads as syntax
/// written as its entities.
fn mermaid_label(s: &str) -> String {
    let mut out = String::from("\"");
    for c in shown(s).chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '[' => out.push_str("#91;"),
            ']' => out.push_str("#93;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The topology as a Mermaid flowchart (renders in GitHub Markdown inside
/// a ```mermaid block).
pub fn mermaid(topo: &Topology, overlay: Option<&Overlay>) -> String {
    let mut out = String::from("flowchart LR\n");
    if let Some(o) = overlay {
        let _ = writeln!(out, "  %% {}", shown(&o.title).replace('\n', " "));
    }
    for (i, n) in topo.nodes.iter().enumerate() {
        let _ = writeln!(out, "  n{i}[{}]", mermaid_label(&n.id));
    }
    let mut styles = Vec::new();
    for (i, e) in topo.edges.iter().enumerate() {
        let kind = topo.strings.resolve(e.kind);
        let readings = overlay.and_then(|o| o.readings[i].as_ref());
        let cut = overlay.is_some_and(|o| o.cut.contains(&(i as u32)));
        let arrow = if readings.is_some_and(|r| r.is_empty()) {
            "-.->"
        } else {
            "-->"
        };
        let _ = writeln!(
            out,
            "  n{} {arrow}|{}| n{}",
            e.from,
            mermaid_label(&edge_label(
                kind,
                readings,
                overlay.map_or(0, |o| o.all),
                cut
            )),
            e.to
        );
        if overlay.is_some_and(|o| o.witness.contains(&(i as u32))) {
            styles.push(format!(
                "  linkStyle {i} stroke:#d62728,stroke-width:3px,color:#d62728"
            ));
        } else if readings.is_some_and(|r| r.is_empty()) {
            styles.push(format!("  linkStyle {i} stroke:#999999,color:#999999"));
        }
    }
    if let Some(o) = overlay {
        for role in [Role::Sources, Role::Targets, Role::Waypoints] {
            let members: Vec<String> = o
                .roles
                .iter()
                .enumerate()
                .filter(|(_, r)| **r == Some(role))
                .map(|(i, _)| format!("n{i}"))
                .collect();
            let _ = writeln!(
                out,
                "  classDef {} fill:{},stroke:#333333",
                role.as_str(),
                role_colour(role)
            );
            if !members.is_empty() {
                let _ = writeln!(out, "  class {} {}", members.join(","), role.as_str());
            }
        }
    }
    for s in styles {
        out.push_str(&s);
        out.push('\n');
    }
    crate::escape::output(&out).into_owned()
}
