//! Agreement text to a checked AST.
//!
//! Step one: the text is bounded ([`limits`]) and parsed by pest
//! ([`parser`]) into pairs. Step two: pairs are lowered into the typed AST
//! ([`ast`], [`lower`]). Step three: names, numbers and dates are checked
//! for meaning ([`meaning`]). A syntax error stops at step one (pest cannot
//! go on after it); lowering and meaning errors are collected and reported
//! together.

pub mod ast;
mod expected;
mod limits;
mod lower;
pub mod meaning;
pub(crate) mod parser;

use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};

use crate::diag::{Diagnostic, Errors};
use crate::source::SourceRef;
pub use limits::MAX_NESTING;
use parser::{ProvisoParser, Rule};

/// Parses and checks an agreement.
pub fn parse_agreement(source: &SourceRef) -> Result<ast::Agreement, Errors> {
    match analyse(source) {
        (Some(agreement), errors) if errors.is_empty() => Ok(agreement),
        (_, errors) => Err(Errors(errors)),
    }
}

/// Parses and checks an agreement, keeping the tree when only lowering or
/// meaning errors were found (the language server shows symbols and
/// hovers for a file that still has mistakes). The errors are those
/// [`parse_agreement`] reports, in the same order; the tree is `None` only
/// after a syntax error or a nesting limit.
pub fn analyse(source: &SourceRef) -> (Option<ast::Agreement>, Vec<Diagnostic>) {
    if let Err(e) = limits::check_nesting(source) {
        return (None, vec![e]);
    }
    let mut pairs = match ProvisoParser::parse(Rule::agreement, source.text()) {
        Ok(pairs) => pairs,
        Err(e) => return (None, vec![syntax_error(source, e)]),
    };
    let Some(top) = pairs.next() else {
        let d = Diagnostic::error("internal error: the parser returned nothing");
        return (None, vec![d]);
    };
    let mut lowering = lower::Lowering::new(source);
    let agreement = match lowering.lower_agreement(top) {
        Ok(agreement) => agreement,
        Err(e) => return (None, vec![e]),
    };
    let mut errors = lowering.errors;
    errors.extend(meaning::check(&agreement));
    errors.sort_by_key(|d| d.primary.as_ref().map(|l| l.span.start));
    (Some(agreement), errors)
}

/// A pest error in the user's words: what was expected, what was found.
fn syntax_error(source: &SourceRef, err: pest::error::Error<Rule>) -> Diagnostic {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let (expected, wants_name) = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => (
            expected::describe_all(positives),
            positives.iter().any(|r| {
                matches!(
                    r,
                    Rule::name
                        | Rule::kind
                        | Rule::access_kind
                        | Rule::attr
                        | Rule::sel_base
                        | Rule::selector
                        | Rule::sel_term
                )
            }),
        ),
        ErrorVariant::CustomError { message } => (message.clone(), false),
    };
    let found = found_at(source.text(), pos);
    let conjunction = ["and", "or", "not"].contains(&found.to_lowercase().as_str());
    let keyword_help = (wants_name && !conjunction && is_keyword(found)).then(|| {
        format!("`{found}` is a keyword of the language and cannot be used as a name; choose another, such as `{}_nodes`", found.to_lowercase())
    });
    let end = pos
        + found
            .len()
            .max(if pos < source.text().len() { 1 } else { 0 });
    let end = floor_boundary(source.text(), end);
    let label = if found.is_empty() {
        "the file ends here".to_string()
    } else {
        format!("found `{}`", found.escape_debug())
    };
    let quote_help =
        (found == "\"").then(|| "a quoted string must end with `\"` on the same line".to_string());
    let message = format!("expected {expected}");
    // Data moves with the call unless declared otherwise, so the two
    // declarations are all there is to say.
    let flow_help = (expected == "`against the call` or `both ways`").then(|| {
        "data moves with the call unless declared: say `data moves against the call over read` (the caller reads) or `data moves both ways over sync`".to_string()
    });
    Diagnostic::error(message)
        .at(source, pos..end, label)
        .maybe_help(keyword_help.or(quote_help).or(flow_help))
}

fn is_keyword(word: &str) -> bool {
    ProvisoParser::parse(Rule::keyword, word).is_ok_and(|p| p.as_str().len() == word.len())
}

/// The word (or the single character) at `pos`, at most 40 bytes.
fn found_at(text: &str, pos: usize) -> &str {
    let rest = text.get(pos..).unwrap_or("");
    let word_len = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .map_or(rest.len(), |(i, _)| i);
    let len = if word_len == 0 {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        word_len
    };
    let len = floor_boundary(rest, len.min(40));
    &rest[..len]
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}
