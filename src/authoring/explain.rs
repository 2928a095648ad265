//! `proviso explain`: how one clause reads on one topology, and why it
//! holds or fails.
//!
//! Three parts, each from the engine's own answers rather than a second
//! evaluation: the clause's sets resolved (from [`engine::sets`], with
//! counts, first members and each definition's chain of refinements),
//! the edge kinds of each reading with the declaration behind each kind,
//! and the why. A failing clause is explained by its report: witnesses,
//! violating edges and the remedy (the cut of [`engine::cut`] the check
//! computed). A holding path clause is explained by a cut too, of the
//! paths between its sets ([`engine::why`]): "every path from customers
//! to models passes azure-gateway" is shown, not assumed.
//!
//! [`engine::sets`]: crate::engine::sets
//! [`engine::cut`]: crate::engine
//! [`engine::why`]: crate::engine::why

use std::fmt::Write as _;

use serde::Serialize;

use crate::engine::{sets, why};
use crate::report::findings;
use crate::report::model::{ClauseVerdict, Hop, Measure, Remedy, Verdict, Violation, Witness};
use crate::source::Location;
use crate::syntax::ast::{Agreement, Clause};
use crate::topology::Topology;

/// Members of a set shown by name; the rest are counted.
pub const FIRST_MEMBERS: usize = 5;

/// The whole explanation (the `--format json` document).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The clause id.
    pub clause: String,
    /// Its title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The body as written.
    pub text: String,
    /// Where the clause is written.
    pub location: Location,
    /// The topology, as reported.
    pub topology: String,
    /// The day judged at.
    pub as_of: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The binding reading.
    pub binding: String,
    /// S, T, W resolved.
    pub sets: Vec<SetView>,
    /// Each reading: its outcome and the kinds it follows.
    pub readings: Vec<ReadingView>,
    /// Why it holds, per reading, for a holding path clause.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub holds_because: Vec<HeldView>,
    /// Why it fails: the deciding reading's findings and the remedy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fails_because: Option<FailView>,
    /// The explanation in one line (as `check --explain` prints it).
    pub summary: String,
}

/// One set of the clause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetView {
    /// `S`, `T` or `W`.
    pub role: String,
    /// `sources`, `targets`, `waypoints`.
    pub name: String,
    /// The selector as written.
    pub selector: String,
    /// How many nodes it selects.
    pub count: usize,
    /// The first members, in file order.
    pub first: Vec<String>,
    /// The definitions it names, resolved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub definitions: Vec<DefinitionView>,
}

/// A definition a set names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DefinitionView {
    /// The name.
    pub name: String,
    /// Its selector as written.
    pub selector: String,
    /// Where it is defined.
    pub location: Location,
    /// How many nodes it selects.
    pub count: usize,
    /// What it refines, nearest first, down to `nodes`.
    pub chain: Vec<String>,
}

/// One reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadingView {
    /// `letter`, `spirit` or a party.
    pub reading: String,
    /// Whether the clause holds under it.
    pub holds: bool,
    /// The kinds it follows (empty: every kind), with their derivation.
    pub kinds: Vec<KindView>,
}

/// A kind a reading follows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindView {
    /// The kind.
    pub kind: String,
    /// What it counts as, when declared to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts_as: Option<String>,
    /// The declaration that says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<Location>,
}

/// Why a path clause holds under one reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeldView {
    /// The reading.
    pub reading: String,
    /// Edges on some path between the clause's sets.
    pub path_edges: usize,
    /// The fewest edges every such path passes.
    pub cut: Vec<Hop>,
    /// Whether the cut is proven smallest.
    pub minimum: bool,
    /// Whether the cut was too large to compute.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub capped: bool,
    /// For `route via W`: the waypoints those paths pass.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub waypoints: Vec<String>,
    /// For `must not route via W`: no path between the sets passes W.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub avoids: bool,
}

/// Why a clause fails.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailView {
    /// The reading that decides.
    pub reading: String,
    /// Its witnesses.
    pub witnesses: Vec<Witness>,
    /// How many more offending nodes there are.
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted: usize,
    /// Every edge on a violating path.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub violating: Vec<Violation>,
    /// The fewest edges whose removal restores the binding reading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedy: Option<Remedy>,
    /// For a quantity, what was counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure: Option<Measure>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Explains `verdict` (the report's verdict on `clause`) on `topo`.
pub fn explain(
    ag: &Agreement,
    topo: &Topology,
    clause: &Clause,
    verdict: &ClauseVerdict,
    topology: &str,
    as_of: &str,
) -> Explanation {
    let defs = sets::definitions(ag, topo);
    let node = |i: &u32| topo.nodes[*i as usize].id.to_string();
    let set_views = sets::clause_sets(ag, topo, clause)
        .into_iter()
        .map(|s| SetView {
            role: s.role.letter().to_string(),
            name: s.role.as_str().to_string(),
            selector: s.text.clone(),
            count: s.nodes.len(),
            first: s.nodes.iter().take(FIRST_MEMBERS).map(node).collect(),
            definitions: s
                .names
                .iter()
                .filter_map(|n| defs.iter().find(|d| &d.name == n))
                .map(|d| DefinitionView {
                    name: d.name.clone(),
                    selector: d.text.clone(),
                    location: d.location.clone(),
                    count: d.nodes.len(),
                    chain: d.chain.clone(),
                })
                .collect(),
        })
        .collect();
    let kinds = sets::reading_kinds(ag, clause);
    let readings = verdict
        .all_readings()
        .iter()
        .map(|(w, r)| ReadingView {
            reading: w.name().to_string(),
            holds: r.holds,
            kinds: kinds
                .iter()
                .find(|k| k.reading == w.name())
                .map(|k| {
                    k.kinds
                        .iter()
                        .map(|s| KindView {
                            kind: s.kind.clone(),
                            counts_as: s.counts_as.clone(),
                            declared: s.declared.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let holds_because = if verdict.verdict == Verdict::NotInForce {
        Vec::new()
    } else {
        why::held(ag, topo, clause)
            .into_iter()
            .filter(|h| {
                verdict
                    .all_readings()
                    .iter()
                    .any(|(w, r)| w.name() == h.reading && r.holds)
            })
            .map(|h| HeldView {
                reading: h.reading,
                path_edges: h.path_edges,
                cut: h.cut,
                minimum: h.minimum,
                capped: h.capped,
                waypoints: h.waypoints,
                avoids: h.avoids,
            })
            .collect()
    };
    let fails_because = findings::deciding(verdict).map(|(w, r)| FailView {
        reading: w.name().to_string(),
        witnesses: r.witnesses.clone(),
        omitted: r.omitted,
        violating: r.violating.clone(),
        remedy: verdict.remedy.clone(),
        measure: r.measure.clone(),
    });
    let mut e = Explanation {
        clause: verdict.clause.clone(),
        title: verdict.title.clone(),
        text: verdict.text.clone(),
        location: verdict.location.clone(),
        topology: topology.to_string(),
        as_of: as_of.to_string(),
        verdict: verdict.verdict,
        binding: verdict.binding.as_str().to_string(),
        sets: set_views,
        readings,
        holds_because,
        fails_because,
        summary: String::new(),
    };
    e.summary = summary(&e);
    e
}

/// The explanation in one line: for a failure, the deciding reading's
/// first witness and the remedy; for a holding path clause, what every
/// path passes; else how many nodes were tested.
pub fn summary(e: &Explanation) -> String {
    if let Some(f) = &e.fails_because {
        let mut s = format!("{} fails", label(&f.reading));
        if let Some(w) = f.witnesses.first() {
            let _ = write!(s, ": {}", witness_text(w));
        }
        if let Some(m) = &f.measure {
            let _ = write!(s, ": {}", m.text());
        }
        if let Some(r) = &e.fails_because.as_ref().and_then(|f| f.remedy.clone())
            && !r.remove.is_empty()
        {
            let _ = write!(s, "; removing {} would restore it", hops_text(&r.remove));
        }
        return s;
    }
    if e.verdict == Verdict::NotInForce {
        return format!("not in force on {}", e.as_of);
    }
    let binding = e
        .holds_because
        .iter()
        .find(|h| h.reading == e.binding)
        .or(e.holds_because.first());
    let from = e.sets.iter().find(|s| s.role == "S");
    let to = e.sets.iter().find(|s| s.role == "T");
    let via = e.sets.iter().find(|s| s.role == "W");
    if let (Some(h), Some(from), Some(to)) = (binding, from, to) {
        if h.avoids {
            return format!(
                "none of the {} edges on paths from {} to {} under {} touches {}",
                h.path_edges,
                from.selector,
                to.selector,
                label(&h.reading),
                via.map_or("W", |w| w.selector.as_str())
            );
        }
        if h.cut.is_empty() && !h.capped {
            return format!(
                "no path from {} ({}) to {} ({}) under {}",
                from.selector,
                count(from.count),
                to.selector,
                count(to.count),
                label(&h.reading)
            );
        }
        let mut s = format!(
            "every path from {} to {} under {} passes {}",
            from.selector,
            to.selector,
            label(&h.reading),
            if h.capped {
                "more than 100 edges".to_string()
            } else {
                hops_text(&h.cut)
            }
        );
        if !h.waypoints.is_empty() {
            let _ = write!(s, " (waypoints on them: {})", h.waypoints.join(", "));
        }
        return s;
    }
    let tested: Vec<String> = e
        .sets
        .iter()
        .map(|s| format!("{} {} ({})", s.name, s.selector, count(s.count)))
        .collect();
    format!("holds on {}", tested.join(", "))
}

fn count(n: usize) -> String {
    format!("{n} node{}", if n == 1 { "" } else { "s" })
}

fn label(reading: &str) -> String {
    match reading {
        "letter" | "spirit" => format!("the {reading}"),
        p => format!("{p}'s reading"),
    }
}

fn hops_text(hops: &[Hop]) -> String {
    hops.iter().map(Hop::text).collect::<Vec<_>>().join(", ")
}

fn witness_text(w: &Witness) -> String {
    if w.hops.is_empty() {
        return w.nodes.join(", ");
    }
    let mut s = w.hops[0].from.clone();
    for h in &w.hops {
        let (l, r) = h.arrows();
        let _ = write!(s, " {l}{}{r} {}", h.kind, h.to);
    }
    s
}

/// The explanation for people.
pub fn human(e: &Explanation) -> String {
    let mut out = String::new();
    let title = e
        .title
        .as_ref()
        .map(|t| format!(" \"{t}\""))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "clause {}{title}: {} on {} as of {} ({} binds)",
        e.clause,
        e.verdict.as_str(),
        e.topology,
        e.as_of,
        e.binding
    );
    let _ = writeln!(out, "  {}", e.text);
    let _ = writeln!(out, "  at {}", e.location);
    let _ = writeln!(out, "\nhow it reads");
    for s in &e.sets {
        let more = s.count.saturating_sub(s.first.len());
        let members = if s.first.is_empty() {
            "no node".to_string()
        } else if more > 0 {
            format!("{} and {more} more", s.first.join(", "))
        } else {
            s.first.join(", ")
        };
        let _ = writeln!(
            out,
            "  {} ({}) = {}: {}: {members}",
            s.role,
            s.name,
            s.selector,
            count(s.count)
        );
        for d in &s.definitions {
            let _ = writeln!(
                out,
                "    {} = {} ({}; refines {}) at {}",
                d.name,
                d.selector,
                count(d.count),
                d.chain.join(" < "),
                d.location
            );
        }
    }
    for r in &e.readings {
        let verdict = if r.holds { "holds" } else { "fails" };
        if r.kinds.is_empty() {
            let _ = writeln!(out, "  {}: every edge kind; {verdict}", label(&r.reading));
            continue;
        }
        let kinds: Vec<&str> = r.kinds.iter().map(|k| k.kind.as_str()).collect();
        let _ = writeln!(
            out,
            "  {}: {}; {verdict}",
            label(&r.reading),
            kinds.join(", ")
        );
        for k in r.kinds.iter().filter(|k| k.counts_as.is_some()) {
            let at = k
                .declared
                .as_ref()
                .map(|l| format!(" by line {}", l.line))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {} counts as {}{at}",
                k.kind,
                k.counts_as.as_deref().unwrap_or("")
            );
        }
    }
    if let Some(f) = &e.fails_because {
        let _ = writeln!(out, "\nwhy it fails ({})", label(&f.reading));
        for w in &f.witnesses {
            let _ = writeln!(out, "  witness: {} at {}", witness_text(w), w.location);
        }
        if f.omitted > 0 {
            let _ = writeln!(out, "  and {} more offending nodes", f.omitted);
        }
        if let Some(m) = &f.measure {
            let _ = writeln!(out, "  counted: {}", m.text());
        }
        if !f.violating.is_empty() {
            let _ = writeln!(out, "  violating edges:");
            for v in &f.violating {
                let _ = writeln!(
                    out,
                    "    {} at {}",
                    findings::edge_text(&v.from, &v.kind, &v.to),
                    v.location
                );
            }
        }
        if let Some(r) = &f.remedy {
            let _ = writeln!(out, "  remedy: {}", findings::remedy_text(r));
            for h in &r.remove {
                let _ = writeln!(out, "    {} at {}", h.text(), h.location);
            }
        }
    }
    if !e.holds_because.is_empty() {
        let _ = writeln!(out, "\nwhy it holds");
        for h in &e.holds_because {
            if h.avoids {
                let _ = writeln!(
                    out,
                    "  {}: {} edge{} on paths from S to T, none through W",
                    label(&h.reading),
                    h.path_edges,
                    if h.path_edges == 1 { " lies" } else { "s lie" }
                );
                continue;
            }
            if h.cut.is_empty() && !h.capped {
                let _ = writeln!(out, "  {}: no path between the sets", label(&h.reading));
                continue;
            }
            let _ = writeln!(
                out,
                "  {}: {} edge{} on paths from S to T, and every such path passes {}{}:",
                label(&h.reading),
                h.path_edges,
                if h.path_edges == 1 { " lies" } else { "s lie" },
                if h.capped {
                    "more than 100 edges".to_string()
                } else if h.cut.len() == 1 {
                    "this one".to_string()
                } else {
                    format!("one of these {}", h.cut.len())
                },
                if h.minimum {
                    " (no fewer edges would do)"
                } else {
                    " (at most twice the fewest)"
                }
            );
            for c in &h.cut {
                let _ = writeln!(out, "    {} at {}", c.text(), c.location);
            }
            if !h.waypoints.is_empty() {
                let _ = writeln!(out, "    waypoints passed: {}", h.waypoints.join(", "));
            }
        }
    }
    let _ = writeln!(out, "\nin short: {}", e.summary);
    out
}

/// The explanation as pretty JSON with a final newline.
pub fn json(e: &Explanation) -> String {
    let s =
        serde_json::to_string_pretty(e).unwrap_or_else(|err| format!("{{\"error\": \"{err}\"}}"));
    let mut s = crate::escape::json(&s).into_owned();
    s.push('\n');
    s
}
