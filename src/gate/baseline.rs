//! Baselines: an earlier JSON report, so that only new findings fail.
//!
//! Adopting a gate on an estate that already breaches its agreement would
//! otherwise mean fixing everything first. A baseline is simply a report
//! written with `--format json` (or `--write-baseline`): its findings are
//! read back, keyed by topology, clause and witness nodes
//! ([`findings::key`]), and compared with this run's. Lines are not part
//! of the key, so moving a node in its file does not make it new.

use std::collections::BTreeSet;

use super::findings;
use crate::diag::{Diagnostic, Errors};
use crate::report::model::{BaselineState, BaselineSummary, Document, FindingKey};
use crate::source::SourceRef;

/// The findings of a baseline report.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// The file, as the user gave it.
    pub file: String,
    /// Its findings.
    pub keys: BTreeSet<FindingKey>,
}

/// Reads a baseline from the text of a JSON report.
pub fn parse(source: &SourceRef) -> Result<Baseline, Errors> {
    let doc: Document = serde_json::from_str(source.text()).map_err(|e| {
        let message = e.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        let message = if message == "expected value" {
            "this is not JSON".to_string()
        } else {
            message
        };
        let start = source.offset(e.line(), e.column().max(1));
        let end = (start + 1).min(source.text().len());
        Diagnostic::error(format!(
            "`{}` is not a proviso JSON report: {message}",
            source.path()
        ))
        .at(source, start.min(end)..end, "here")
        .help("write a baseline with `proviso check ... --write-baseline FILE`")
    })?;
    Ok(Baseline {
        file: source.path().to_string(),
        keys: findings::keys(&doc),
    })
}

/// Compares a document with a baseline: marks each finding new or
/// unchanged and sets `doc.baseline`.
pub fn apply(doc: &mut Document, baseline: &Baseline) {
    let current = findings::keys(doc);
    findings::visit(doc, |key, witness| {
        witness.baseline = Some(if baseline.keys.contains(key) {
            BaselineState::Unchanged
        } else {
            BaselineState::New
        });
    });
    let checked: BTreeSet<(&str, &str)> = doc
        .reports
        .iter()
        .flat_map(|r| {
            r.verdicts
                .iter()
                .map(|v| (r.topology.as_str(), v.clause.as_str()))
        })
        .collect();
    let mut summary = BaselineSummary {
        file: baseline.file.clone(),
        new: current.difference(&baseline.keys).count(),
        unchanged: current.intersection(&baseline.keys).count(),
        fixed: Vec::new(),
        stale: Vec::new(),
    };
    // A clause that kept only some witnesses may have omitted this one:
    // it is not known to be fixed.
    let capped: BTreeSet<(&str, &str)> = doc
        .reports
        .iter()
        .flat_map(|r| {
            r.verdicts
                .iter()
                .filter(|v| findings::deciding(v).is_some_and(|d| d.omitted > 0))
                .map(|v| (r.topology.as_str(), v.clause.as_str()))
        })
        .collect();
    for k in baseline.keys.difference(&current) {
        let at = (k.topology.as_str(), k.clause.as_str());
        if capped.contains(&at) {
            continue;
        }
        if checked.contains(&at) {
            summary.fixed.push(k.clone());
        } else {
            summary.stale.push(k.clone());
        }
    }
    doc.baseline = Some(summary);
}
