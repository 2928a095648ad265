//! Findings: the witnesses that decide a verdict, one by one.
//!
//! The line-oriented formats (SARIF, GitHub annotations, JUnit, Markdown)
//! all report "one thing per witness". Which witnesses count, how severe
//! each is and the one sentence that describes it are decided here once,
//! so the formats cannot drift apart on what a contested or a waived
//! finding means.

use std::fmt::Write as _;

use super::model::{
    BaselineState, ClauseVerdict, Document, Level, ReadingResult, Remedy, Report, Verdict,
    Violation, Which, Witness,
};

/// One witness of the reading that decides a clause's verdict.
#[derive(Debug, Clone, Copy)]
pub struct Finding<'a> {
    /// The report (topology) it is in.
    pub report: &'a Report,
    /// The clause's verdict.
    pub verdict: &'a ClauseVerdict,
    /// The reading the witness belongs to.
    pub reading: Which<'a>,
    /// The witness.
    pub witness: &'a Witness,
}

/// How loudly a finding is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// A contested `should` clause, or an accepted finding.
    Note,
    /// A `should` breach, or a contested `must`/`shall` clause.
    Warning,
    /// A `must`/`shall` breach.
    Error,
}

impl Severity {
    /// `error`, `warning`, `note`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// Every finding of the document, report by report, clause by clause.
pub fn all(doc: &Document) -> impl Iterator<Item = Finding<'_>> {
    doc.reports
        .iter()
        .flat_map(|r| r.verdicts.iter().flat_map(move |v| of_clause(r, v)))
}

/// The findings of one clause.
pub fn of_clause<'a>(
    report: &'a Report,
    verdict: &'a ClauseVerdict,
) -> impl Iterator<Item = Finding<'a>> {
    deciding(verdict)
        .into_iter()
        .flat_map(move |(reading, result)| {
            result.witnesses.iter().map(move |witness| Finding {
                report,
                verdict,
                reading,
                witness,
            })
        })
}

/// The reading whose witnesses decide a verdict: the binding reading of a
/// breached clause, the first failing other reading of a contested one
/// (the letter or the spirit before any party's), none for a clause that
/// holds or is not in force.
pub fn deciding(v: &ClauseVerdict) -> Option<(Which<'_>, &ReadingResult)> {
    let binding = Which::from(v.binding);
    match v.verdict {
        Verdict::Holds | Verdict::NotInForce => None,
        Verdict::Breached => v.result(binding).filter(|r| !r.holds).map(|r| (binding, r)),
        Verdict::Contested => v
            .all_readings()
            .into_iter()
            .find(|(w, r)| *w != binding && !r.holds),
    }
}

/// One reading's result, absent when the clause is not in force.
pub fn reading<'a>(v: &'a ClauseVerdict, r: Which<'_>) -> Option<&'a ReadingResult> {
    v.result(r)
}

/// Which readings hold and which fail, in report order: `the letter
/// holds; microsoft's reading fails; openai's reading holds`. Readings
/// that agree with the one before in kinds and outcome are not repeated
/// only when there are no party readings (then it is `the letter holds;
/// the spirit fails`, as before).
pub fn readings_sentence(v: &ClauseVerdict) -> String {
    v.all_readings()
        .iter()
        .map(|(w, r)| format!("{} {}", w.label(), if r.holds { "holds" } else { "fails" }))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `4.2 "API access to models routes via Azure"`, or the id alone.
pub fn clause_label(v: &ClauseVerdict) -> String {
    match &v.title {
        Some(t) => format!("{} \"{t}\"", v.clause),
        None => v.clause.clone(),
    }
}

/// The severity of a verdict's findings before waivers and baselines:
/// must/shall breaches are errors, should breaches and contested
/// must/shall clauses warnings, contested should clauses notes.
pub fn verdict_severity(v: &ClauseVerdict) -> Severity {
    match (v.verdict, v.level) {
        (Verdict::Breached, Level::Error) => Severity::Error,
        (Verdict::Breached, Level::Warning) | (Verdict::Contested, Level::Error) => {
            Severity::Warning
        }
        _ => Severity::Note,
    }
}

impl Finding<'_> {
    /// Whether a waiver or the baseline keeps this finding from failing:
    /// the witness is (all its edges are), and so is every violating edge
    /// of its reading that no witness shows (a new route to an old target
    /// keeps the old witness but must still fail).
    pub fn accepted(&self) -> bool {
        let own = self.witness.waiver.is_some()
            || self.witness.baseline == Some(BaselineState::Unchanged);
        own && reading(self.verdict, self.reading).is_none_or(|r| off_witness(r).all(edge_accepted))
    }

    /// The severity, lowered to a note when the finding is accepted.
    pub fn severity(&self) -> Severity {
        if self.accepted() {
            Severity::Note
        } else {
            verdict_severity(self.verdict)
        }
    }

    /// One sentence (no final period) saying what the witness shows: the
    /// verdict, both readings when contested, and the path.
    pub fn sentence(&self) -> String {
        let v = self.verdict;
        let mut s = format!("clause {} is {}", clause_label(v), v.verdict.as_str());
        if v.verdict == Verdict::Contested && v.readings.is_empty() {
            let _ = write!(
                s,
                ": {} holds{} and binds, but {} fails{}",
                v.binding.label(),
                kinds(v, v.binding.into()),
                self.reading.label(),
                kinds(v, self.reading)
            );
        } else if v.verdict == Verdict::Contested {
            let _ = write!(
                s,
                " ({} binds): {}; {} finds",
                v.binding.as_str(),
                readings_sentence(v),
                self.reading.label()
            );
        } else {
            let _ = write!(s, " ({} binds; {}{})", v.binding.as_str(), v.modal, owed(v));
        }
        let _ = write!(s, ": {}", super::human::path_text(self.witness));
        if let Some(m) = reading(v, self.reading).and_then(|r| r.measure.as_ref()) {
            let _ = write!(s, "; counted {}", crate::escape::display(&m.text()));
        }
        if let Some(n) = reading(v, self.reading).and_then(violating_count) {
            let _ = write!(s, "; {n} in all");
        }
        s
    }

    /// What accepts this finding, if anything: `waived by ...` or
    /// `unchanged since the baseline`.
    pub fn acceptance(&self) -> Option<String> {
        if let Some(w) = &self.witness.waiver {
            return Some(format!(
                "waived: {} (approved by {}, until {}; {})",
                w.reason, w.approved_by, w.expires, w.location
            ));
        }
        (self.witness.baseline == Some(BaselineState::Unchanged))
            .then(|| "unchanged since the baseline".to_string())
    }
}

/// `; owed by openai`, or nothing for a clause that names no obligor.
pub fn owed(v: &ClauseVerdict) -> String {
    if v.owed_by.is_empty() {
        String::new()
    } else {
        format!("; owed by {}", v.owed_by.join(" and "))
    }
}

/// A path a permission excuses: where it is and the sentence for it.
#[derive(Debug, Clone)]
pub struct ExcusedPath<'a> {
    /// The report it is in.
    pub report: &'a Report,
    /// The clause it would break.
    pub verdict: &'a ClauseVerdict,
    /// The permission that excuses it.
    pub by: &'a super::model::Excused,
    /// The path.
    pub witness: &'a Witness,
}

impl ExcusedPath<'_> {
    /// `clause 4.2 "..." is excused by 4.8 "Government carve-out" for: a --api--> b`.
    pub fn sentence(&self) -> String {
        let title = self
            .by
            .title
            .as_ref()
            .map(|t| format!(" \"{t}\""))
            .unwrap_or_default();
        format!(
            "clause {} is excused by {}{title} for: {}",
            clause_label(self.verdict),
            self.by.by,
            super::human::path_text(self.witness)
        )
    }
}

/// The paths permissions excuse under each clause's binding reading, in
/// report and clause order.
pub fn excused(doc: &Document) -> impl Iterator<Item = ExcusedPath<'_>> {
    doc.reports.iter().flat_map(|report| {
        report.verdicts.iter().flat_map(move |verdict| {
            verdict
                .result(verdict.binding.into())
                .into_iter()
                .flat_map(|r| &r.excused)
                .flat_map(move |by| {
                    by.witnesses.iter().map(move |witness| ExcusedPath {
                        report,
                        verdict,
                        by,
                        witness,
                    })
                })
        })
    })
}

/// Whether a violating edge is waived or unchanged since the baseline.
pub fn edge_accepted(e: &Violation) -> bool {
    e.waiver.is_some() || e.baseline == Some(BaselineState::Unchanged)
}

/// The violating edges of a reading that lie on none of its witnesses.
pub fn off_witness(r: &ReadingResult) -> impl Iterator<Item = &Violation> {
    r.violating.iter().filter(move |e| {
        !r.witnesses.iter().any(|w| {
            w.hops
                .iter()
                .any(|h| h.edge_ends() == (e.from.as_str(), e.to.as_str()) && h.kind == e.kind)
        })
    })
}

/// `3 violating edges`, with `(1 new)` when a baseline marked some new;
/// `None` for a reading without violating edges (it holds, or it is a
/// node clause).
pub fn violating_count(r: &ReadingResult) -> Option<String> {
    let n = r.violating.len();
    if n == 0 {
        return None;
    }
    let new = r
        .violating
        .iter()
        .filter(|e| e.baseline == Some(BaselineState::New))
        .count();
    let mut s = format!("{n} violating edge{}", if n == 1 { "" } else { "s" });
    if new > 0 {
        let _ = write!(s, " ({new} new)");
    }
    Some(s)
}

/// `a --kind--> b`.
pub fn edge_text(from: &str, kind: &str, to: &str) -> String {
    use crate::escape::display as esc;
    format!("{} --{}--> {}", esc(from), esc(kind), esc(to))
}

/// The remedy's lead sentence (no final period): how many edges to remove
/// and whether that is the fewest, or why none is listed.
pub fn remedy_text(r: &Remedy) -> String {
    if r.capped {
        return format!(
            "no remedy listed: more than {} edges would have to be removed (the cut search stops there)",
            r.limit
        );
    }
    let n = r.remove.len();
    let mut s = if n == 1 {
        "removing this edge restores the clause".to_string()
    } else {
        format!("removing these {n} edges restores the clause")
    };
    if !r.minimum {
        s.push_str(" (a valid cut, not proven the fewest: at most twice the fewest)");
    }
    s
}

/// ` (api, session)` for a reading that follows some kinds, else nothing.
fn kinds(v: &ClauseVerdict, r: Which<'_>) -> String {
    match reading(v, r) {
        Some(res) if !res.kinds.is_empty() => format!(" ({})", res.kinds.join(", ")),
        _ => String::new(),
    }
}
