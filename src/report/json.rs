//! The JSON report: the [`Document`] as pretty JSON, fields in a fixed
//! order, so the same input always gives the same bytes.

use super::model::Document;

/// The document as pretty JSON with a final newline.
pub fn render(doc: &Document) -> String {
    let s = serde_json::to_string_pretty(doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    let mut s = crate::escape::json(&s).into_owned();
    s.push('\n');
    s
}
