//! Reports: the data model and one renderer per output format.
//!
//! [`model`] is the stable, serialisable report; each other module turns a
//! [`model::Document`] into one format. Renderers never look at the
//! topology or the agreement again: everything they print is in the model,
//! so every format tells the same story and a stored JSON report can be
//! rendered again later. [`render`] is the one place that picks a renderer.

pub mod findings;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod sarif;
#[cfg(test)]
mod testdoc;
pub mod verdicts;

use crate::diag::Diagnostic;

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people, in a terminal.
    Human,
    /// The stable JSON report.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// JUnit XML, for CI test-report views.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A Markdown report for a pull-request comment.
    Markdown,
    /// The compact verdict view (JSON), without locations.
    Verdicts,
}

/// The document in a format. `strict` matters to the formats that decide
/// pass or fail themselves (JUnit); `color` only to the human view.
pub fn render(format: Format, doc: &model::Document, strict: bool, color: bool) -> String {
    match format {
        Format::Human => human::render(doc, color),
        Format::Json => json::render(doc),
        Format::Sarif => sarif::render(doc),
        Format::Junit => junit::render(doc, strict),
        Format::Github => github::render(doc),
        Format::Markdown => markdown::render(doc),
        Format::Verdicts => verdicts::render(doc),
    }
}

/// A diagnostic as a report warning.
pub fn warning(d: &Diagnostic) -> model::Warning {
    model::Warning {
        code: String::new(),
        topology: None,
        acknowledged: None,
        message: d.message.clone(),
        location: d.location(),
        help: d.help.clone(),
    }
}
