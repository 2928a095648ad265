//! Diagnostics: the errors and warnings proviso shows a person.
//!
//! Every stage (agreement syntax, agreement meaning, topology loading, the
//! engine's typo warnings) reports through one [`Diagnostic`] type so that
//! they all look alike and all point somewhere: a primary label on a span of
//! a [`Source`], optional secondary labels (the other place of a duplicate),
//! and a `help` line with the fix when one is obvious. Messages are
//! lowercase, without a final period, with user input in backticks.
//!
//! Rendering lives in [`render`]; "did you mean" lives in [`suggest`].

pub mod render;
pub mod suggest;

use crate::source::{Location, SourceRef, Span};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input cannot be used.
    Error,
    /// The input can be used, but something looks like a mistake.
    Warning,
}

/// A place in a source with a short note.
#[derive(Debug, Clone)]
pub struct Label {
    /// The file the span points into.
    pub source: SourceRef,
    /// The byte range.
    pub span: Span,
    /// What to say under the caret; may be empty.
    pub text: String,
}

impl Label {
    /// A label on `span` of `source`.
    pub fn new(source: &SourceRef, span: Span, text: impl Into<String>) -> Self {
        Label {
            source: source.clone(),
            span,
            text: text.into(),
        }
    }

    /// The file, line and column of the label's start.
    pub fn location(&self) -> Location {
        self.source.location(&self.span)
    }
}

/// One error or warning.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The one-line message.
    pub message: String,
    /// Where it is; absent only for messages about a whole run.
    pub primary: Option<Label>,
    /// Other places worth showing (the first of two duplicates).
    pub secondary: Vec<Label>,
    /// The fix, when one is obvious.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with a message and no location yet.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    /// A warning with a message and no location yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Points the diagnostic at `span` of `source`.
    pub fn at(mut self, source: &SourceRef, span: Span, text: impl Into<String>) -> Self {
        self.primary = Some(Label::new(source, span, text));
        self
    }

    /// Adds a secondary place.
    pub fn also(mut self, source: &SourceRef, span: Span, text: impl Into<String>) -> Self {
        self.secondary.push(Label::new(source, span, text));
        self
    }

    /// Adds a help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a help line if there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// The primary location, if any.
    pub fn location(&self) -> Option<Location> {
        self.primary.as_ref().map(Label::location)
    }
}

/// One or more diagnostics, at least one of them an error: what a failed
/// stage returns, so that independent mistakes are reported together.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", render::plain_summary(.0))]
pub struct Errors(pub Vec<Diagnostic>);

impl From<Diagnostic> for Errors {
    fn from(d: Diagnostic) -> Self {
        Errors(vec![d])
    }
}
