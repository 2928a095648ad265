//! Baselines: an earlier JSON report, so that only new findings fail.
//!
//! Adopting a gate on an estate that already breaches its agreement would
//! otherwise mean fixing everything first. A baseline is simply a report
//! written with `--format json` (or `--write-baseline`): its findings are
//! read back, keyed by topology, agreement (path and text hash), clause
//! and violating edge or offending node ([`findings`]), and compared with
//! this run's. Lines are not part of the key, so moving a node in its file
//! does not make it new.
//!
//! Reports written before format version 2 keyed findings by witness node
//! lists, which cannot be turned into edges (a witness is one path of
//! many), so they are refused with a message saying how to re-create the
//! baseline rather than silently compared.

use std::collections::BTreeSet;

use super::findings;
use crate::diag::{Diagnostic, Errors};
use crate::report::model::{BaselineState, BaselineSummary, Document, FORMAT_VERSION, FindingKey};
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
        } else if message.contains("expected struct ") {
            // serde_json names our Rust types (`struct Document`); say what
            // the file should hold instead.
            "expected a JSON object with `format_version` and `reports`".to_string()
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
    if doc.format_version != FORMAT_VERSION {
        let (older, what) = if doc.format_version < FORMAT_VERSION {
            ("an older", "keyed its findings by witness paths")
        } else {
            ("a newer", "uses a format this one does not know")
        };
        // Point at the document's first character: the version field is
        // missing or wrong for the document as a whole.
        let start = source.text().find('{').unwrap_or(0);
        let end = (start + 1).min(source.text().len());
        return Err(Diagnostic::error(format!(
            "this baseline was written by {older} proviso (report format version {}, this one reads {FORMAT_VERSION}), which {what}",
            doc.format_version
        ))
        .at(source, start..end, "this report")
        .help("re-create it with `proviso check ... --write-baseline FILE`; findings are now keyed by violating edge, so a new route to an old target is seen")
        .into());
    }
    Ok(Baseline {
        file: source.path().to_string(),
        keys: findings::keys(&doc),
    })
}

/// Compares a document with a baseline: marks each finding new or
/// unchanged and sets `doc.baseline`.
pub fn apply(doc: &mut Document, baseline: &Baseline) {
    let current = findings::keys(doc);
    findings::visit(doc, |key, marks| {
        *marks.baseline = Some(if baseline.keys.contains(key) {
            BaselineState::Unchanged
        } else {
            BaselineState::New
        });
    });
    findings::settle(doc);
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
    // A node clause that kept only some witnesses may have omitted this
    // one: it is not known to be fixed. (Path clauses list every
    // violating edge, capped or not.)
    let capped: BTreeSet<(&str, &str)> = doc
        .reports
        .iter()
        .flat_map(|r| {
            r.verdicts
                .iter()
                .filter(|v| {
                    findings::deciding(v).is_some_and(|d| d.omitted > 0 && d.violating.is_empty())
                })
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
