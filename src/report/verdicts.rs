//! The compact verdict view: what each clause decided, and on which nodes,
//! with no line numbers, locations, counts or help text.
//!
//! A snapshot of the full report churns whenever a node moves down a line;
//! this view changes only when a verdict, its binding reading or a witness
//! path changes. Library users snapshot [`view`]; users of other languages
//! read the same data with `--format verdicts`.

use serde::{Deserialize, Serialize};

use super::model::{Document, Reading, Verdict};

/// One topology's verdicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdicts {
    /// The topology, as reported.
    pub topology: String,
    /// One line per clause, in agreement order.
    pub clauses: Vec<ClauseLine>,
}

/// One clause's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseLine {
    /// The clause id.
    pub clause: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The reading that binds.
    pub binding: Reading,
    /// The node ids of each witness of the reading that decides a failing
    /// verdict (empty when the clause holds or is not in force).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub witnesses: Vec<Vec<String>>,
}

/// The compact view of a document.
pub fn view(doc: &Document) -> Vec<Verdicts> {
    doc.reports
        .iter()
        .map(|r| Verdicts {
            topology: r.topology.clone(),
            clauses: r
                .verdicts
                .iter()
                .map(|v| ClauseLine {
                    clause: v.clause.clone(),
                    verdict: v.verdict,
                    binding: v.binding,
                    witnesses: crate::gate::findings::deciding(v)
                        .map(|d| d.witnesses.iter().map(|w| w.nodes.clone()).collect())
                        .unwrap_or_default(),
                })
                .collect(),
        })
        .collect()
}

/// The compact view as pretty JSON with a final newline.
pub fn render(doc: &Document) -> String {
    let s = serde_json::to_string_pretty(&view(doc))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    let mut s = crate::escape::json(&s).into_owned();
    s.push('\n');
    s
}
