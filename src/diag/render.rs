//! Turning diagnostics into text, with annotate-snippets.
//!
//! We never hand the renderer a whole file: a topology can be a 50 MB line.
//! Each label is cut down to an excerpt of the lines it touches, and a line
//! longer than [`MAX_LINE`] is cut to a window around the span, marked with
//! `…`. Colour is the caller's choice (see `cli`), so tests and pipes get
//! plain text.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Diagnostic, Label, Severity};
use crate::escape;

/// Longest line (in bytes) shown whole in an excerpt.
const MAX_LINE: usize = 160;

/// Renders diagnostics one after the other, separated by blank lines.
pub fn render(diagnostics: &[Diagnostic], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&render_one(d, &renderer));
        out.push_str("\n\n");
    }
    out
}

/// `file:line:col: message` for each diagnostic, one per line: for the
/// `Display` of [`super::Errors`] and other places that want one line.
pub fn plain_summary(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| match d.location() {
            Some(loc) => format!(
                "{}: {}",
                escape::display(&loc.to_string()),
                escape::display(&d.message)
            ),
            None => escape::display(&d.message).into_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An excerpt of a source: the text of the lines a span touches, cut around
/// the span if too long, with the span moved into the excerpt.
struct Excerpt {
    text: String,
    line_start: usize,
    span: std::ops::Range<usize>,
}

fn excerpt(label: &Label) -> Excerpt {
    let src = &label.source;
    // Spans come from several parsers; snap them to character boundaries
    // so that no span, however computed, can split a character.
    let text = src.text();
    let mut start = label.span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = label.span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    // A multi-line span is shown on its first line. A span may start after
    // its line's text, on the `\n` of a `\r\n` or at the end of a text
    // ending in `\r`: it is shown at the line's end.
    let lines = src.line_range(start);
    let start = start.min(lines.end);
    let span_end = end.min(lines.end).max(start);
    let (line_start, _) = src.line_col(start);
    let text = &src.text()[lines.clone()];
    if text.len() <= MAX_LINE {
        let (text, span) = shown(text, start - lines.start..span_end - lines.start);
        return Excerpt {
            text,
            line_start,
            span,
        };
    }
    // Cut a window of about MAX_LINE bytes around the span's start.
    let rel = start - lines.start;
    let mut from = rel.saturating_sub(MAX_LINE / 2);
    let mut to = (rel + MAX_LINE / 2).min(text.len());
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    while !text.is_char_boundary(to) {
        to += 1;
    }
    let prefix = if from > 0 { "…" } else { "" };
    let suffix = if to < text.len() { "…" } else { "" };
    let s = rel - from;
    let e = (span_end - lines.start).min(to) - from;
    let (body, span) = shown(&text[from..to], s..e.max(s));
    Excerpt {
        text: format!("{prefix}{body}{suffix}"),
        line_start,
        span: span.start + prefix.len()..span.end + prefix.len(),
    }
}

/// An excerpt's text with each unsafe character replaced by one `�` (see
/// [`escape::placeholder`]), and its span moved to match: the replacement
/// is longer in bytes than a control character.
fn shown(text: &str, span: std::ops::Range<usize>) -> (String, std::ops::Range<usize>) {
    let safe = escape::placeholder(text);
    if safe.len() == text.len() {
        return (safe.into_owned(), span);
    }
    let moved = |at: usize| escape::placeholder(&text[..at]).len();
    let span = moved(span.start)..moved(span.end);
    (safe.into_owned(), span)
}

fn render_one(d: &Diagnostic, renderer: &Renderer) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut labels: Vec<(&Label, bool)> = Vec::new();
    if let Some(p) = &d.primary {
        labels.push((p, true));
    }
    labels.extend(d.secondary.iter().map(|l| (l, false)));
    let excerpts: Vec<(Excerpt, String, String, bool)> = labels
        .into_iter()
        .map(|(l, p)| {
            let path = escape::display(l.source.path()).into_owned();
            (excerpt(l), path, escape::display(&l.text).into_owned(), p)
        })
        .collect();
    let message = escape::display(&d.message);
    let group = level
        .primary_title(message.as_ref())
        .elements(excerpts.iter().map(|(ex, path, text, primary)| {
            let kind = if *primary {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            Snippet::source(ex.text.as_str())
                .line_start(ex.line_start)
                .path(path.as_str())
                .fold(false)
                .annotation(kind.span(ex.span.clone()).label(text.as_str()))
        }));
    let mut report: Vec<Group<'_>> = vec![group];
    let help = d.help.as_deref().map(escape::display);
    if let Some(help) = &help {
        report.push(Group::with_title(
            Level::HELP.secondary_title(help.as_ref()),
        ));
    }
    renderer.render(&report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    /// Regression (found by the topology fuzzer): a span that ends inside a
    /// multi-byte character used to make the renderer panic.
    #[test]
    fn spans_inside_a_character_are_snapped_to_its_edges() {
        let src = Source::new("t.yaml", "\"Ɩ߈");
        for span in [1..2, 2..3, 0..1, 3..4, 4..9] {
            let d = Diagnostic::error("boom").at(&src, span, "here");
            assert!(render(&[d], false).contains("t.yaml:1:"));
        }
    }

    /// Regression (found by the markdown fuzzer, fuzz/regressions/markdown/):
    /// a span starting on the `\n` of a `\r\n`, or at the end of a text
    /// ending in `\r`, lies after its line's text, and the excerpt was cut
    /// out of bounds.
    #[test]
    fn spans_after_a_carriage_return_are_shown_at_the_line_end() {
        let src = Source::new("t.yaml", "nodes: [\r\nx\r");
        for span in [9..10, 9..12, 12..12, 11..12] {
            let d = Diagnostic::error("boom").at(&src, span.clone(), "here");
            assert!(render(&[d], false).contains("t.yaml:"), "{span:?}");
        }
        let long = format!("{}\r", "a".repeat(4 * MAX_LINE));
        let src = Source::new("t.yaml", long.as_str());
        let d = Diagnostic::error("boom").at(&src, long.len()..long.len(), "here");
        assert!(render(&[d], false).contains("t.yaml:1:"));
    }
}
