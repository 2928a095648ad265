//! Findings: what decides a failing verdict, one by one, and their keys.
//!
//! A breached clause is decided by its binding reading, a contested one by
//! the other reading (the binding reading holds). A path clause's findings
//! are the reading's *violating edges* (every edge on some path that
//! breaks it), not its witnesses: a witness is one shortest path per
//! target, chosen by the search, so a baseline keyed by witnesses could
//! not see a second route to a target that already had one. Keyed by
//! edge, a change that adds a violating edge is new whatever witness the
//! search picks, and removing one is fixed. A node clause's findings are
//! its offending nodes (its witnesses).
//!
//! A key also names the agreement, by path and by a hash of its text, so
//! a baseline written against one agreement never accepts another's
//! clause that happens to share an id.
//!
//! Witnesses stay the readable explanation. Their marks are derived from
//! their findings ([`settle`]): a witness is `new` when one of its edges
//! (or its node) is, waived when all of them are. When both readings list
//! the same edge, both copies are marked, so a renderer that shows the
//! readings side by side shows the same annotations.

use std::collections::BTreeSet;

use crate::report::model::{
    BaselineState, ClauseVerdict, Document, EdgeKey, FindingKey, ReadingResult, Report, Violation,
    WaiverNote, Witness,
};

/// The reading that decides a failing verdict, if the verdict fails (the
/// one [`crate::report::findings::deciding`] picks).
pub fn deciding(v: &ClauseVerdict) -> Option<&ReadingResult> {
    crate::report::findings::deciding(v).map(|(_, r)| r)
}

/// What a key takes from its report: topology and agreement.
#[derive(Debug, Clone)]
pub struct Origin {
    topology: String,
    agreement: String,
    agreement_hash: String,
}

impl Origin {
    /// The origin of a report's findings.
    pub fn of(r: &Report) -> Origin {
        Origin {
            topology: r.topology.clone(),
            agreement: r.agreement.clone(),
            agreement_hash: r.agreement_hash.clone(),
        }
    }
}

/// The key of a violating edge.
pub fn edge_key(r: &Origin, clause: &str, e: &Violation) -> FindingKey {
    FindingKey {
        edge: Some(EdgeKey {
            from: e.from.clone(),
            kind: e.kind.clone(),
            to: e.to.clone(),
        }),
        ..base(r, clause)
    }
}

/// The key of an offending node (a node witness).
pub fn node_key(r: &Origin, clause: &str, w: &Witness) -> FindingKey {
    FindingKey {
        node: w.nodes.first().cloned(),
        ..base(r, clause)
    }
}

fn base(r: &Origin, clause: &str) -> FindingKey {
    FindingKey {
        topology: r.topology.clone(),
        agreement: r.agreement.clone(),
        agreement_hash: r.agreement_hash.clone(),
        clause: clause.to_string(),
        edge: None,
        node: None,
    }
}

/// The keys of one reading's findings: its violating edges, or for a
/// node clause its offending nodes.
fn reading_keys(r: &Origin, clause: &str, d: &ReadingResult) -> Vec<FindingKey> {
    if d.violating.is_empty() {
        d.witnesses
            .iter()
            .filter(|w| w.hops.is_empty())
            .map(|w| node_key(r, clause, w))
            .collect()
    } else {
        d.violating.iter().map(|e| edge_key(r, clause, e)).collect()
    }
}

/// Every finding of a document, sorted and without duplicates.
pub fn keys(doc: &Document) -> BTreeSet<FindingKey> {
    let mut out = BTreeSet::new();
    for r in &doc.reports {
        for v in &r.verdicts {
            if let Some(d) = deciding(v) {
                out.extend(reading_keys(&Origin::of(r), &v.clause, d));
            }
        }
    }
    out
}

/// The gate's marks on one finding.
pub struct Marks<'a> {
    /// The waiver that covers it.
    pub waiver: &'a mut Option<WaiverNote>,
    /// How it compares with the baseline.
    pub baseline: &'a mut Option<BaselineState>,
}

/// Calls `f` on every finding of `doc` with its key: the deciding
/// reading's violating edges (or offending nodes), and the other
/// reading's copies of them. Call [`settle`] afterwards.
pub fn visit(doc: &mut Document, mut f: impl FnMut(&FindingKey, Marks<'_>)) {
    for r in &mut doc.reports {
        let report = Origin::of(r);
        for v in &mut r.verdicts {
            let Some(decided) = deciding(v) else { continue };
            let wanted: BTreeSet<FindingKey> = reading_keys(&report, &v.clause, decided)
                .into_iter()
                .collect();
            let path = !decided.violating.is_empty();
            let clause = v.clause.clone();
            for reading in v.results_mut() {
                if path {
                    for e in &mut reading.violating {
                        let key = edge_key(&report, &clause, e);
                        if wanted.contains(&key) {
                            f(
                                &key,
                                Marks {
                                    waiver: &mut e.waiver,
                                    baseline: &mut e.baseline,
                                },
                            );
                        }
                    }
                } else {
                    for w in reading.witnesses.iter_mut().filter(|w| w.hops.is_empty()) {
                        let key = node_key(&report, &clause, w);
                        if wanted.contains(&key) {
                            f(
                                &key,
                                Marks {
                                    waiver: &mut w.waiver,
                                    baseline: &mut w.baseline,
                                },
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Derives each path witness's marks from its edges' (see the module
/// docs): new when one of its edges is new, unchanged when all are in the
/// baseline, waived (by the first edge's waiver) when all are waived.
pub fn settle(doc: &mut Document) {
    for r in &mut doc.reports {
        for v in &mut r.verdicts {
            for reading in v.results_mut() {
                if reading.violating.is_empty() {
                    continue;
                }
                let violating = &reading.violating;
                for w in &mut reading.witnesses {
                    let marks: Vec<&Violation> = w
                        .hops
                        .iter()
                        .filter_map(|h| {
                            violating.iter().find(|e| {
                                h.edge_ends() == (e.from.as_str(), e.to.as_str())
                                    && e.kind == h.kind
                            })
                        })
                        .collect();
                    if marks.is_empty() {
                        continue;
                    }
                    let baselined: Vec<BaselineState> =
                        marks.iter().filter_map(|e| e.baseline).collect();
                    w.baseline = if baselined.is_empty() {
                        None
                    } else if baselined.contains(&BaselineState::New) {
                        Some(BaselineState::New)
                    } else {
                        Some(BaselineState::Unchanged)
                    };
                    w.waiver = if marks.iter().all(|e| e.waiver.is_some()) {
                        marks[0].waiver.clone()
                    } else {
                        None
                    };
                }
            }
        }
    }
}

/// Marks each failing clause `accepted` when every finding that decides it
/// (each violating edge, or each offending node) is waived or unchanged
/// from the baseline.
pub fn mark_accepted(doc: &mut Document) {
    for r in &mut doc.reports {
        for v in &mut r.verdicts {
            v.accepted = deciding(v).is_some_and(|d| {
                // Node clauses are judged by their witnesses, and omitted
                // ones were seen by no waiver and no baseline: such a
                // clause is never accepted. Path clauses list every
                // violating edge, so the cap hides nothing from the gate.
                (d.omitted == 0 || !d.violating.is_empty()) && all_accepted(d)
            });
        }
    }
}

/// Whether a failing reading's findings are all waived or unchanged.
pub fn all_accepted(d: &ReadingResult) -> bool {
    if d.violating.is_empty() {
        !d.witnesses.is_empty() && d.witnesses.iter().all(is_accepted)
    } else {
        d.violating
            .iter()
            .all(|e| e.waiver.is_some() || e.baseline == Some(BaselineState::Unchanged))
    }
}

/// Whether a witness is waived or unchanged from the baseline.
pub fn is_accepted(w: &Witness) -> bool {
    w.waiver.is_some() || w.baseline == Some(BaselineState::Unchanged)
}
