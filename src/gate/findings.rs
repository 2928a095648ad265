//! Findings: the witnesses that decide a failing verdict, and their keys.
//!
//! A breached clause is decided by its binding reading's witnesses, a
//! contested one by the other reading's (the binding reading holds). Those
//! witnesses are the findings a waiver or a baseline can accept. When both
//! readings list the same witness, both copies are visited, so a renderer
//! that shows the readings side by side shows the same annotations.

use std::collections::BTreeSet;

use crate::report::model::{
    ClauseVerdict, Document, FindingKey, Reading, ReadingResult, Verdict, Witness,
};

/// The reading that decides a failing verdict, if the verdict fails.
pub fn deciding(v: &ClauseVerdict) -> Option<&ReadingResult> {
    let reading = deciding_reading(v)?;
    match reading {
        Reading::Letter => v.letter.as_ref(),
        Reading::Spirit => v.spirit.as_ref(),
    }
}

fn deciding_reading(v: &ClauseVerdict) -> Option<Reading> {
    match (v.verdict, v.binding) {
        (Verdict::Breached, b) => Some(b),
        (Verdict::Contested, Reading::Letter) => Some(Reading::Spirit),
        (Verdict::Contested, Reading::Spirit) => Some(Reading::Letter),
        _ => None,
    }
}

/// A finding's key.
pub fn key(topology: &str, clause: &str, w: &Witness) -> FindingKey {
    FindingKey {
        topology: topology.to_string(),
        clause: clause.to_string(),
        nodes: w.nodes.clone(),
    }
}

/// Every finding of a document, sorted and without duplicates.
pub fn keys(doc: &Document) -> BTreeSet<FindingKey> {
    let mut out = BTreeSet::new();
    for r in &doc.reports {
        for v in &r.verdicts {
            for w in deciding(v).map_or(&[][..], |d| &d.witnesses) {
                out.insert(key(&r.topology, &v.clause, w));
            }
        }
    }
    out
}

/// Calls `f` on every finding of `doc` with its key: the deciding
/// reading's witnesses, and the other reading's copies of them.
pub fn visit(doc: &mut Document, mut f: impl FnMut(&FindingKey, &mut Witness)) {
    for r in &mut doc.reports {
        for v in &mut r.verdicts {
            let Some(decided) = deciding(v) else { continue };
            let nodes: BTreeSet<Vec<String>> =
                decided.witnesses.iter().map(|w| w.nodes.clone()).collect();
            for reading in [&mut v.letter, &mut v.spirit].into_iter().flatten() {
                for w in &mut reading.witnesses {
                    if nodes.contains(&w.nodes) {
                        f(&key(&r.topology, &v.clause, w), w);
                    }
                }
            }
        }
    }
}

/// Marks each failing clause `accepted` when every finding that decides it
/// is waived or unchanged from the baseline.
pub fn mark_accepted(doc: &mut Document) {
    for r in &mut doc.reports {
        for v in &mut r.verdicts {
            v.accepted = deciding(v).is_some_and(|d| {
                // Omitted witnesses were seen by no waiver and no
                // baseline: a clause with some is never accepted.
                d.omitted == 0 && !d.witnesses.is_empty() && d.witnesses.iter().all(is_accepted)
            });
        }
    }
}

/// Whether a witness is waived or unchanged from the baseline.
pub fn is_accepted(w: &Witness) -> bool {
    w.waiver.is_some() || w.baseline == Some(crate::report::model::BaselineState::Unchanged)
}
