//! The rule engine: an agreement and a topology in, a report out.
//!
//! Per topology we build the adjacency once ([`graph`]) and evaluate every
//! definition once into a bitset ([`select`]). Each clause in force is then
//! checked under the letter and the spirit ([`kinds`] gives each reading's
//! edge kinds, [`forms`] the search). When the two readings follow the same
//! kinds the search runs once. Clauses are judged in parallel (rayon; on
//! two cores the clause phase takes 0.55 to 0.65 of its sequential time),
//! and the verdicts are collected in clause order, so the report does not
//! depend on scheduling. The engine never reads files and never fails: a
//! checked agreement and a loaded topology always give a report.

mod cut;
mod forms;
mod graph;
mod kinds;
mod layers;
mod paths;
mod quantity;
mod select;
pub mod sets;
mod values;
mod view;
mod warnings;
pub mod why;

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::report::model::{
    ClauseVerdict, Excused, Hop, Level, PartyReading, Reading, ReadingResult, Remedy, Report,
    Summary, Verdict, Violation, Warning, Witness,
};
use crate::syntax::ast::{Agreement, Clause, Form};
use crate::topology::Topology;
use cut::Cut;
use forms::{Ctx, Found, Offence, Offences};
use graph::{EdgeMask, Graph};
use kinds::{Reading as Kinds, ReadingName};
use select::Definitions;
pub use select::wildcard;
pub use warnings::{Absence, Absences, Folded, Unused, dates, fold};

/// Witnesses kept per clause and reading unless told otherwise: enough to
/// act on, and a bound on the report (see [`Options::max_witnesses`]).
pub const DEFAULT_MAX_WITNESSES: usize = 10;

/// How to check.
#[derive(Debug, Clone)]
pub struct Options {
    /// The day at which clauses are judged in force or not.
    pub as_of: NaiveDate,
    /// Most witnesses kept per clause and reading: those of the first
    /// offending nodes in file order; the rest are only counted
    /// ([`ReadingResult::omitted`]). 0 keeps them all. A witness path can
    /// be as long as the topology, so without a cap one clause on a chain
    /// of n nodes reports O(n²) hops (2,000 nodes: a 1.4 GB JSON report).
    pub max_witnesses: usize,
    /// The topology's name in the report and in warnings (`docs/arch.md#2`
    /// for a block of a doc); its source path when `None`.
    pub label: Option<String>,
}

impl Options {
    /// Judging as of `as_of`, keeping [`DEFAULT_MAX_WITNESSES`] witnesses.
    pub fn new(as_of: NaiveDate) -> Options {
        Options {
            as_of,
            max_witnesses: DEFAULT_MAX_WITNESSES,
            label: None,
        }
    }
}

/// A report and the warnings behind it, with their source excerpts.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The serialisable report.
    pub report: Report,
    /// The warnings as diagnostics (the report holds them as text), in
    /// the report's order.
    pub warnings: Vec<Diagnostic>,
    /// What of the agreement this topology does not use: judged over a
    /// whole run by [`fold`], never a warning on its own.
    pub absences: Absences,
    /// How long each phase took (`index`, then `clause <id>` in clause
    /// order, `all clauses` (their wall time: they run in parallel), then
    /// `warnings`), for `--timings`; never in the report.
    pub timings: Vec<(String, Duration)>,
}

/// Checks every clause of `agreement` against `topology`.
pub fn check(agreement: &Agreement, topology: &Topology, options: &Options) -> Checked {
    let clock = Instant::now();
    // The adjacency and the definitions' node sets are independent, and
    // at a million nodes each takes a tenth of a second: one per core.
    let (graph, (defs, views)) = rayon::join(
        || Graph::new(topology.nodes.len(), &topology.edges),
        || (definitions(agreement, topology), views(agreement, topology)),
    );
    let readings = kinds::readings(agreement);
    let ctx = Ctx {
        ag: agreement,
        permits: permits(agreement),
        topo: topology,
        graph: &graph,
        defs: &defs,
        memo: forms::Memo::default(),
        max: match options.max_witnesses {
            0 => usize::MAX,
            n => n,
        },
        views,
    };
    let mut timings = vec![("index".to_string(), clock.elapsed())];
    // Clauses are independent: rayon judges them on every core, and
    // `collect` keeps them in clause order. The warnings need no verdict,
    // so they are collected alongside, on whatever core the clauses leave
    // idle (a clause of a large estate can take half the check alone).
    let clock = Instant::now();
    let label = options
        .label
        .clone()
        .unwrap_or_else(|| topology.source.path().to_string());
    let (judged, ((coded, absences), warned)) = rayon::join(
        || {
            // Permissions are not judged: they excuse paths of the clauses they name.
            let judged: Vec<(ClauseVerdict, Duration)> = agreement
                .clauses
                .par_iter()
                .enumerate()
                .filter(|(_, c)| !c.modal.node.is_permission())
                .map(|(ix, c)| {
                    let clock = Instant::now();
                    let v = judge(ix, c, &ctx, &readings, options);
                    (v, clock.elapsed())
                })
                .collect();
            judged
        },
        || {
            let clock = Instant::now();
            (
                warnings::collect(agreement, topology, &defs, &label),
                clock.elapsed(),
            )
        },
    );
    let mut verdicts = Vec::with_capacity(judged.len());
    for (v, took) in judged {
        timings.push((format!("clause {}", v.clause), took));
        verdicts.push(v);
    }
    // The clauses overlap in time (with each other and the warnings), so
    // their sum is not the wall time.
    timings.push(("all clauses".to_string(), clock.elapsed()));
    let mut coded = coded;
    coded.extend(warnings::dates(agreement, options.as_of));
    timings.push(("warnings".to_string(), warned));
    let mut summary = Summary::default();
    for v in &verdicts {
        match v.verdict {
            Verdict::Holds => summary.holds += 1,
            Verdict::Breached => summary.breached += 1,
            Verdict::Contested => summary.contested += 1,
            Verdict::NotInForce => summary.not_in_force += 1,
        }
    }
    let report_warnings = coded
        .iter()
        .map(|(code, d)| Warning {
            code: code.clone(),
            topology: Some(label.clone()),
            ..crate::report::warning(d)
        })
        .collect();
    let warnings = coded.into_iter().map(|(_, d)| d).collect();
    let report = Report {
        topology: label,
        name: topology.name.clone(),
        agreement: agreement.source.path().to_string(),
        agreement_title: agreement.title.as_ref().map(|t| t.node.clone()),
        agreement_hash: fnv1a(agreement.source.text()),
        as_of: options.as_of.format("%Y-%m-%d").to_string(),
        verdicts,
        warnings: report_warnings,
        summary,
    };
    Checked {
        report,
        warnings,
        absences,
        timings,
    }
}

/// The views the agreement's clauses walk, built only when some clause
/// walks one and some edge's declared flow changes it (see [`view`]).
fn views(agreement: &Agreement, topology: &Topology) -> forms::Views {
    if agreement.directions.is_empty() {
        return forms::Views::default();
    }
    let flows = view::flows(agreement, topology);
    let uses = |pick: fn(&Form) -> bool| agreement.clauses.iter().any(|c| pick(&c.form));
    let data = uses(|f| matches!(f, Form::Stay { .. }));
    let access = uses(|f| matches!(f, Form::Access { .. } | Form::Route { .. }));
    forms::Views {
        data: data
            .then(|| view::build(topology, &flows, view::Follow::Data))
            .flatten(),
        access: access
            .then(|| view::build(topology, &flows, view::Follow::Access))
            .flatten(),
    }
}

/// For each clause (by index), the permissions (clause indices) whose
/// `notwithstanding` names it, in agreement order.
fn permits(ag: &Agreement) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); ag.clauses.len()];
    for (p, perm) in ag.clauses.iter().enumerate() {
        if !perm.modal.node.is_permission() {
            continue;
        }
        for target in &perm.notwithstanding {
            if let Some(ix) = ag.clauses.iter().position(|c| c.id.node == target.node) {
                out[ix].push(p);
            }
        }
    }
    out
}

/// Evaluates every definition, in order (each may use those above it).
fn definitions(agreement: &Agreement, topology: &Topology) -> Definitions {
    let mut defs = Definitions::new();
    for def in &agreement.definitions {
        let set = select::selector(&def.selector, topology, &defs);
        defs.insert(def.name.node.clone(), set);
    }
    defs
}

/// The nodes each definition of `agreement` selects on `topology`: the
/// definitions in agreement order, each with its node indices (into
/// [`Topology::nodes`]) in file order. This is the first step of
/// [`check`], on its own for tools that list what a name denotes, and for
/// the selector benchmarks.
///
/// ```
/// let ag = proviso::parse_agreement(
///     "a.contract",
///     "define models as nodes where kind = model
///      clause 1: models must have zone = internal",
/// )?;
/// let topo = proviso::load_topology("t.yaml", "nodes:\n  app: {kind: client}\n  gpt: {kind: model}\n")?;
/// assert_eq!(proviso::engine::selections(&ag, &topo), [("models".to_string(), vec![1])]);
/// # Ok::<(), proviso::Errors>(())
/// ```
pub fn selections(agreement: &Agreement, topology: &Topology) -> Vec<(String, Vec<u32>)> {
    let defs = definitions(agreement, topology);
    agreement
        .definitions
        .iter()
        .map(|d| {
            let nodes = defs
                .get(&d.name.node)
                .map(|set| set.ones().map(|i| i as u32).collect())
                .unwrap_or_default();
            (d.name.node.clone(), nodes)
        })
        .collect()
}

fn judge(
    ix: usize,
    clause: &Clause,
    ctx: &Ctx<'_>,
    readings: &[Kinds],
    opts: &Options,
) -> ClauseVerdict {
    let ag = ctx.ag;
    let binding = if clause.indirect.is_some() {
        Reading::Spirit
    } else {
        Reading::Letter
    };
    // A clause is in force inside the agreement's term and its own window
    // (a window that pokes out of the term is warned about, not obeyed).
    let window = match (&clause.window, &ag.window) {
        (Some(c), Some(a)) => Some(c.node.intersect(&a.node)),
        (c, a) => c.as_ref().or(a.as_ref()).map(|w| w.node),
    };
    let in_force = window.is_none_or(|w| w.contains(opts.as_of));
    let mut results: Vec<ReadingResult> = Vec::new();
    let mut remedy = None;
    if in_force {
        // Readings whose masks agree find the same: search once.
        let mut done: Vec<(Vec<EdgeMask>, Found)> = Vec::new();
        let b = match binding {
            Reading::Letter => 0,
            Reading::Spirit => 1,
        };
        for (i, r) in readings.iter().enumerate() {
            let sig = forms::signature(ix, clause, r, ctx);
            let found = match done.iter().find(|(s, _)| *s == sig) {
                Some((_, f)) => f.clone(),
                None => {
                    let f = forms::offences(ix, clause, r, &sig[0], ctx);
                    done.push((sig.clone(), f.clone()));
                    f
                }
            };
            // The remedy: only for a breach, only under the binding reading.
            if i == b && found.offences.total > 0 {
                remedy = forms::remedy(ix, clause, r, &sig[0], ctx).map(|c| remedy_of(c, ctx.topo));
            }
            let kinds = forms::access_kind(&clause.form).map(|k| r.kinds(k));
            results.push(reading(found, kinds, ctx));
        }
    }
    let mut results = results.into_iter();
    let (letter, spirit) = (results.next(), results.next());
    let parties: Vec<PartyReading> = readings
        .iter()
        .skip(2)
        .zip(results)
        .map(|(r, result)| PartyReading {
            party: match &r.name {
                ReadingName::Party(p) => p.clone(),
                _ => String::new(),
            },
            result,
        })
        .collect();
    let verdict = match (&letter, &spirit) {
        (Some(l), Some(s)) => {
            let (b, o) = match binding {
                Reading::Letter => (l, s),
                Reading::Spirit => (s, l),
            };
            if !b.holds {
                Verdict::Breached
            } else if !o.holds || parties.iter().any(|p| !p.result.holds) {
                Verdict::Contested
            } else {
                Verdict::Holds
            }
        }
        _ => Verdict::NotInForce,
    };
    let modal = clause.modal.node;
    let form = match (&clause.form, modal.negated) {
        (Form::Access { .. }, false) => "reachability",
        (f, _) => f.name(),
    };
    let text = body_text(&ag.source.text()[clause.body.0.clone()]);
    ClauseVerdict {
        clause: clause.id.node.clone(),
        title: clause.title.as_ref().map(|t| t.node.clone()),
        text,
        modal: modal.as_str().to_string(),
        level: if modal.is_binding() {
            Level::Error
        } else {
            Level::Warning
        },
        form: form.to_string(),
        verdict,
        binding,
        location: ag.source.location(&clause.span),
        letter,
        spirit,
        readings: parties,
        owed_by: clause.obligors.iter().map(|p| p.node.clone()).collect(),
        remedy,
        accepted: false,
        why: None,
    }
}

/// A clause body as the report shows it: comments dropped (the parser's
/// span of a body runs up to the next item, over any comment before it),
/// whitespace folded.
fn body_text(body: &str) -> String {
    body.lines()
        .map(|line| {
            let mut quoted = false;
            let mut escaped = false;
            let end = line
                .char_indices()
                .find(|&(_, c)| {
                    let comment = c == '#' && !quoted;
                    if c == '"' && !escaped {
                        quoted = !quoted;
                    }
                    escaped = c == '\\' && !escaped;
                    comment
                })
                .map_or(line.len(), |(i, _)| i);
            &line[..end]
        })
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

type KindSet = Option<std::collections::BTreeSet<String>>;

fn reading(found: Found, kinds: KindSet, ctx: &Ctx<'_>) -> ReadingResult {
    let topo = ctx.topo;
    ReadingResult {
        holds: found.offences.total == 0,
        kinds: kinds.map(|k| k.into_iter().collect()).unwrap_or_default(),
        witnesses: found
            .offences
            .kept
            .iter()
            .map(|o| witness(o, topo))
            .collect(),
        omitted: found.offences.total - found.offences.kept.len(),
        violating: found
            .violating
            .iter()
            .map(|&e| {
                let h = hop(e, topo);
                Violation {
                    from: h.from,
                    kind: h.kind,
                    to: h.to,
                    location: h.location,
                    waiver: None,
                    baseline: None,
                }
            })
            .collect(),
        excused: found
            .excused
            .iter()
            .map(|(p, off)| excused(*p, off, ctx))
            .collect(),
        measure: found.measure,
    }
}

fn excused(perm: usize, off: &Offences, ctx: &Ctx<'_>) -> Excused {
    let c = &ctx.ag.clauses[perm];
    Excused {
        by: c.id.node.clone(),
        title: c.title.as_ref().map(|t| t.node.clone()),
        witnesses: off.kept.iter().map(|o| witness(o, ctx.topo)).collect(),
        omitted: off.total - off.kept.len(),
    }
}

fn remedy_of(cut: Cut, topo: &Topology) -> Remedy {
    match cut {
        Cut::Edges { edges, minimum } => Remedy {
            remove: edges.iter().map(|&e| hop(e, topo)).collect(),
            minimum,
            capped: false,
            limit: cut::MAX_CUT,
        },
        Cut::Capped => Remedy {
            remove: Vec::new(),
            minimum: false,
            capped: true,
            limit: cut::MAX_CUT,
        },
    }
}

fn hop(e: u32, topo: &Topology) -> Hop {
    let edge = &topo.edges[e as usize];
    Hop {
        from: topo.nodes[edge.from as usize].id.to_string(),
        to: topo.nodes[edge.to as usize].id.to_string(),
        kind: topo.strings.resolve(edge.kind).to_string(),
        location: topo.edge_location(e),
        against: false,
    }
}

/// Edge `e` walked from callee to caller when `against`: `from` and `to`
/// in walking order, the hop marked.
fn walked_hop(e: u32, against: bool, topo: &Topology) -> Hop {
    let h = hop(e, topo);
    if against {
        Hop {
            from: h.to,
            to: h.from,
            against: true,
            ..h
        }
    } else {
        h
    }
}

/// The 64-bit FNV-1a hash of a text, as 16 hex digits. Stable across
/// platforms and releases (unlike `std`'s hasher) and dependency-free; it
/// identifies an agreement's wording, it does not defend against anyone
/// forging a collision, so a cryptographic hash would buy nothing.
pub fn fnv1a(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn witness(offence: &Offence, topo: &Topology) -> Witness {
    match offence {
        Offence::Node(n) => Witness {
            nodes: vec![topo.nodes[*n as usize].id.to_string()],
            hops: Vec::new(),
            location: topo.node_location(*n),
            waiver: None,
            baseline: None,
        },
        Offence::Path(path) => {
            let hops: Vec<Hop> = path
                .steps
                .iter()
                .map(|&(e, against)| walked_hop(e, against, topo))
                .collect();
            let mut nodes: Vec<String> = hops.iter().map(|h| h.from.clone()).collect();
            nodes.extend(hops.last().map(|h| h.to.clone()));
            let location = hops
                .last()
                .map_or_else(|| topo.node_location(path.target), |h| h.location.clone());
            Witness {
                nodes,
                hops,
                location,
                waiver: None,
                baseline: None,
            }
        }
    }
}
