//! A case's expectations against what the check found.
//!
//! Only what the case writes is compared. A clause id, a reading or a
//! vacuity opt-out that the agreement does not have is an input error
//! (with the nearest id), never a silent pass. A clause under test that
//! holds while one of its source or target sets selects no node fails
//! the case as vacuous, unless the case lists it under `vacuous`: an
//! empty set makes most clauses true, so a typo in a definition would
//! otherwise keep a test green forever.

use super::spec::{At, Case, Outcome};
use crate::diag::{Diagnostic, suggest};
use crate::report::findings;
use crate::report::model::{ClauseVerdict, Report, Verdict};
use crate::source::{SourceRef, Span};

/// What `proviso check` gave on the case's topology.
#[derive(Debug, Clone)]
pub struct Actual<'a> {
    /// The report.
    pub report: &'a Report,
    /// The codes of every warning (the topology's and the run's), sorted.
    pub warnings: Vec<String>,
    /// The exit code `proviso check` would give.
    pub exit: u8,
    /// For each clause id, its source and target sets that select no
    /// node, described (`targets \`competitors\``).
    pub empty: Vec<(String, Vec<String>)>,
}

/// One difference between the expected and the actual.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Where the expectation is written in the test file.
    pub at: Span,
    /// What differs: `clause 4.2`, `clause 4.2, the spirit`, `warnings`.
    pub what: String,
    /// The expectation, as the file says it.
    pub expected: String,
    /// What the check found.
    pub actual: String,
    /// Lines that say why (the witness, the empty set).
    pub detail: Vec<String>,
}

/// Compares a case with its actual outcome: the mismatches, or the input
/// errors of the case's expectations.
pub fn judge(
    source: &SourceRef,
    case: &Case,
    actual: &Actual<'_>,
) -> Result<Vec<Mismatch>, Vec<Diagnostic>> {
    let verdicts = &actual.report.verdicts;
    let ids: Vec<&str> = verdicts.iter().map(|v| v.clause.as_str()).collect();
    let mut errors = Vec::new();
    let mut unknown = |at: &At<String>, star: bool| {
        let known = ids.contains(&at.value.as_str()) || (star && at.value == "*");
        if !known {
            let help = suggest::help_line(&at.value, ids.iter().copied()).unwrap_or_else(|| {
                format!("the agreement's clauses are {}", suggest::list(&ids, 8))
            });
            errors.push(
                Diagnostic::error(format!(
                    "the agreement has no clause `{}`",
                    crate::escape::display(&at.value)
                ))
                .at(source, at.span.clone(), "no such clause")
                .help(help),
            );
        }
    };
    for (k, _) in case.verdicts.iter().flatten() {
        unknown(k, true);
    }
    for (k, _) in case.readings.iter().flatten() {
        unknown(k, false);
    }
    for (k, _) in case.witnesses.iter().flatten() {
        unknown(k, false);
    }
    for k in &case.vacuous {
        unknown(k, false);
    }
    let by_id = |id: &str| verdicts.iter().find(|v| v.clause == id);
    for (k, rs) in case.readings.iter().flatten() {
        let Some(v) = by_id(&k.value) else { continue };
        let names = reading_names(v);
        for (name, _) in rs {
            if v.verdict != Verdict::NotInForce && !names.contains(&name.value) {
                let list: Vec<&str> = names.iter().map(String::as_str).collect();
                let help =
                    suggest::help_line(&name.value, list.iter().copied()).unwrap_or_else(|| {
                        format!("clause {} has the readings {}", v.clause, list.join(", "))
                    });
                errors.push(
                    Diagnostic::error(format!(
                        "clause {} has no reading `{}`",
                        v.clause,
                        crate::escape::display(&name.value)
                    ))
                    .at(source, name.span.clone(), "no such reading")
                    .help(help),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = Vec::new();
    if let Some(e) = &case.exit
        && e.value != actual.exit
    {
        out.push(Mismatch {
            at: e.span.clone(),
            what: "exit code".to_string(),
            expected: e.value.to_string(),
            actual: actual.exit.to_string(),
            detail: Vec::new(),
        });
    }
    let default = case
        .verdicts
        .iter()
        .flatten()
        .find(|(k, _)| k.value == "*")
        .map(|(_, v)| v);
    for v in verdicts {
        let explicit = case
            .verdicts
            .iter()
            .flatten()
            .find(|(k, _)| k.value == v.clause)
            .map(|(_, v)| v);
        let Some(expected) = explicit.or(default) else {
            continue;
        };
        if expected.value != v.verdict {
            out.push(Mismatch {
                at: expected.span.clone(),
                what: format!("clause {}", v.clause),
                expected: expected.value.as_str().to_string(),
                actual: v.verdict.as_str().to_string(),
                detail: why(v),
            });
        } else if v.verdict == Verdict::Holds
            && !case.vacuous.iter().any(|c| c.value == v.clause)
            && let Some((_, empty)) = actual.empty.iter().find(|(id, _)| *id == v.clause)
            && !empty.is_empty()
        {
            out.push(Mismatch {
                at: expected.span.clone(),
                what: format!("clause {}", v.clause),
                expected: "holds".to_string(),
                actual: "holds vacuously".to_string(),
                detail: empty
                    .iter()
                    .map(|e| format!("its {e} select no node"))
                    .chain(std::iter::once(format!(
                        "list it under `vacuous: [\"{}\"]` if the case means it",
                        v.clause
                    )))
                    .collect(),
            });
        }
    }
    for (k, rs) in case.readings.iter().flatten() {
        let Some(v) = by_id(&k.value) else { continue };
        for (name, expected) in rs {
            let got = v
                .all_readings()
                .into_iter()
                .find(|(w, _)| w.name() == name.value)
                .map(|(_, r)| {
                    if r.holds {
                        Outcome::Holds
                    } else {
                        Outcome::Fails
                    }
                });
            let got_text = got.map_or("not judged (not in force)", |o| o.as_str());
            if got != Some(expected.value) {
                out.push(Mismatch {
                    at: expected.span.clone(),
                    what: format!("clause {}, reading {}", v.clause, name.value),
                    expected: expected.value.as_str().to_string(),
                    actual: got_text.to_string(),
                    detail: why(v),
                });
            }
        }
    }
    for (k, expected) in case.witnesses.iter().flatten() {
        let Some(v) = by_id(&k.value) else { continue };
        let got = deciding_witnesses(v);
        if &got != expected {
            out.push(Mismatch {
                at: k.span.clone(),
                what: format!("clause {}, witnesses", v.clause),
                expected: paths_text(expected),
                actual: paths_text(&got),
                detail: Vec::new(),
            });
        }
    }
    if let Some(expected) = &case.warnings {
        let mut want: Vec<&str> = expected.iter().map(|w| w.value.as_str()).collect();
        want.sort_unstable();
        let got: Vec<&str> = actual.warnings.iter().map(String::as_str).collect();
        if want != got {
            let at = expected
                .first()
                .map_or(case.name.span.clone(), |w| w.span.clone());
            let missing: Vec<&str> = want.iter().filter(|w| !got.contains(w)).copied().collect();
            let extra: Vec<&str> = got.iter().filter(|w| !want.contains(w)).copied().collect();
            let mut detail = Vec::new();
            if !missing.is_empty() {
                detail.push(format!("not given: {}", missing.join(", ")));
            }
            if !extra.is_empty() {
                detail.push(format!("not expected: {}", extra.join(", ")));
            }
            out.push(Mismatch {
                at,
                what: "warnings".to_string(),
                expected: list_text(&want),
                actual: list_text(&got),
                detail,
            });
        }
    }
    out.sort_by_key(|m| m.at.start);
    Ok(out)
}

/// `letter`, `spirit`, then each party's reading name.
pub fn reading_names(v: &ClauseVerdict) -> Vec<String> {
    let mut out = vec!["letter".to_string(), "spirit".to_string()];
    out.extend(v.readings.iter().map(|p| p.party.clone()));
    out
}

/// The node ids of each witness of the reading that decides a failing
/// verdict; empty when the clause holds.
pub fn deciding_witnesses(v: &ClauseVerdict) -> Vec<Vec<String>> {
    crate::gate::findings::deciding(v)
        .map(|d| d.witnesses.iter().map(|w| w.nodes.clone()).collect())
        .unwrap_or_default()
}

/// Why a clause got its verdict, in a line or two: its readings and the
/// first witness of the deciding reading.
pub fn why(v: &ClauseVerdict) -> Vec<String> {
    let mut out = Vec::new();
    if v.verdict == Verdict::NotInForce {
        out.push("not in force on this day".to_string());
        return out;
    }
    out.push(findings::readings_sentence(v));
    if let Some((which, r)) = findings::deciding(v) {
        if let Some(w) = r.witnesses.first() {
            let text = if w.hops.is_empty() {
                w.nodes.join(", ")
            } else {
                w.hops
                    .iter()
                    .enumerate()
                    .map(|(i, h)| {
                        let (l, r) = h.arrows();
                        if i == 0 {
                            format!("{} {l}{}{r} {}", h.from, h.kind, h.to)
                        } else {
                            format!(" {l}{}{r} {}", h.kind, h.to)
                        }
                    })
                    .collect()
            };
            out.push(format!(
                "witness ({}): {text} at {}",
                which.label(),
                w.location
            ));
        }
        if let Some(m) = &r.measure {
            out.push(m.text());
        }
    }
    out
}

fn paths_text(paths: &[Vec<String>]) -> String {
    if paths.is_empty() {
        return "none".to_string();
    }
    paths
        .iter()
        .map(|p| format!("[{}]", p.join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_text(items: &[&str]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}
