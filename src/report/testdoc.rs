//! A hand-built document with every optional field filled (waivers,
//! baseline states, an accepted clause), for the renderers' unit tests:
//! the command line cannot produce one until waivers and baselines exist.

use super::model::*;
use crate::source::Location;

fn at(file: &str, line: usize) -> Location {
    Location {
        file: file.to_string(),
        line,
        column: 5,
    }
}

fn path(nodes: &[&str], kind: &str, line: usize) -> Witness {
    let hops = nodes
        .windows(2)
        .enumerate()
        .map(|(i, p)| Hop {
            from: p[0].to_string(),
            to: p[1].to_string(),
            kind: kind.to_string(),
            location: at("t.yaml", line + i),
            against: false,
        })
        .collect::<Vec<_>>();
    Witness {
        nodes: nodes.iter().map(|n| n.to_string()).collect(),
        location: at("t.yaml", line + hops.len() - 1),
        hops,
        waiver: None,
        baseline: None,
    }
}

fn verdict(
    clause: &str,
    verdict: Verdict,
    witnesses: Vec<Witness>,
    accepted: bool,
) -> ClauseVerdict {
    ClauseVerdict {
        clause: clause.to_string(),
        title: Some(format!("Title of {clause}")),
        text: "api access to models must route via azure".to_string(),
        modal: "must".to_string(),
        level: Level::Error,
        form: "waypoint".to_string(),
        verdict,
        binding: Reading::Letter,
        location: at("a.contract", 3),
        letter: Some(ReadingResult {
            holds: witnesses.is_empty(),
            kinds: vec!["api".to_string()],
            violating: violating(&witnesses),
            witnesses,
            omitted: 0,
            excused: Vec::new(),
            measure: None,
        }),
        spirit: Some(ReadingResult {
            holds: true,
            kinds: vec!["api".to_string()],
            witnesses: Vec::new(),
            violating: Vec::new(),
            omitted: 0,
            excused: Vec::new(),
            measure: None,
        }),
        readings: Vec::new(),
        owed_by: Vec::new(),
        remedy: None,
        accepted,
        why: None,
    }
}

/// The witnesses' edges as violating edges, with their witness's marks.
fn violating(witnesses: &[Witness]) -> Vec<Violation> {
    witnesses
        .iter()
        .flat_map(|w| {
            w.hops.iter().map(|h| Violation {
                from: h.edge_ends().0.to_string(),
                kind: h.kind.clone(),
                to: h.edge_ends().1.to_string(),
                location: h.location.clone(),
                waiver: w.waiver.clone(),
                baseline: w.baseline,
            })
        })
        .collect()
}

pub fn waiver_note() -> WaiverNote {
    WaiverNote {
        reason: "legacy path, migration ticket OPS-12".to_string(),
        approved_by: "security@example.com".to_string(),
        expires: "2027-01-31".to_string(),
        location: at("proviso-waivers.yaml", 4),
    }
}

/// Clause W1: breached, its one witness waived (accepted). Clause B1:
/// breached with one new and one unchanged witness (not accepted).
pub fn document() -> Document {
    let mut waived = path(&["app", "gw", "model"], "api", 10);
    waived.waiver = Some(waiver_note());
    let mut new = path(&["app", "model"], "api", 20);
    new.baseline = Some(BaselineState::New);
    let mut old = path(&["rival", "model"], "api", 30);
    old.baseline = Some(BaselineState::Unchanged);
    let report = Report {
        topology: "t.yaml".to_string(),
        name: None,
        agreement: "a.contract".to_string(),
        agreement_title: None,
        agreement_hash: "0123456789abcdef".to_string(),
        as_of: "2026-11-26".to_string(),
        verdicts: vec![
            verdict("W1", Verdict::Breached, vec![waived], true),
            ClauseVerdict {
                remedy: Some(Remedy {
                    remove: [&new, &old].iter().map(|w| w.hops[0].clone()).collect(),
                    minimum: true,
                    capped: false,
                    limit: 100,
                }),
                ..verdict(
                    "B1",
                    Verdict::Breached,
                    vec![new.clone(), old.clone()],
                    false,
                )
            },
        ],
        warnings: Vec::new(),
        summary: Summary {
            breached: 2,
            ..Summary::default()
        },
    };
    Document {
        format_version: FORMAT_VERSION,
        reports: vec![report],
        waivers: vec![
            WaiverStatus {
                state: WaiverState::Expired,
                clause: "X9".to_string(),
                topology: "*.yaml".to_string(),
                witness: vec!["app".to_string()],
                expires: "2026-01-01".to_string(),
                location: at("proviso-waivers.yaml", 9),
            },
            WaiverStatus {
                state: WaiverState::Stale,
                clause: "X8".to_string(),
                topology: "other.yaml".to_string(),
                witness: Vec::new(),
                expires: "2027-06-30".to_string(),
                location: at("proviso-waivers.yaml", 15),
            },
        ],
        baseline: Some(BaselineSummary {
            file: "baseline.json".to_string(),
            new: 1,
            unchanged: 1,
            fixed: vec![FindingKey {
                topology: "t.yaml".to_string(),
                agreement: "a.contract".to_string(),
                agreement_hash: "0123456789abcdef".to_string(),
                clause: "B1".to_string(),
                edge: Some(EdgeKey {
                    from: "old".to_string(),
                    kind: "api".to_string(),
                    to: "model".to_string(),
                }),
                node: None,
            }],
            stale: Vec::new(),
        }),
        base: None,
        warnings: Vec::new(),
    }
}
