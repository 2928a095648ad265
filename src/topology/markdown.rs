//! Topologies embedded in Markdown architecture docs.
//!
//! A design doc often carries its deployment graph; checking the graph
//! where it is written keeps the doc and the gate from drifting apart. A
//! fenced block whose info string is `proviso` or `yaml proviso` is a
//! topology; a doc may hold several.
//!
//! Fences are found by pulldown-cmark, not by hand, so indented and tilde
//! fences, fences inside lists and fence-like lines inside other blocks
//! are read as CommonMark reads them. Each block is handed to the YAML
//! loader as a [`Source`] whose path is the doc's, whose text is the
//! block's body from the start of its first line (so columns are the
//! doc's, fence indentation included) and which knows the doc line the
//! body starts on: every line and column the loader and the engine report
//! is then a line and column of the doc itself. A block holds only its own
//! lines, so a doc of many blocks costs memory linear in its size (a copy
//! of the whole doc per block made a 1 MB doc of one-line blocks abort).

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::diag::{Diagnostic, Errors};
use crate::source::{Source, SourceRef, Span};

/// One `proviso` block of a doc.
#[derive(Debug, Clone)]
pub struct Block {
    /// 1-based, in doc order: the `2` of `docs/arch.md#2`.
    pub index: usize,
    /// The block's body, located in the doc (see [`Source::part_of`]).
    pub source: SourceRef,
    /// A ```` ```mermaid proviso ```` flowchart, not YAML (see
    /// [`super::sources::mermaid`]).
    pub mermaid: bool,
}

/// Whether a fenced block's info string marks a topology.
pub fn is_topology_info(info: &str) -> bool {
    let mut words = info.split_whitespace();
    match words.next() {
        Some("proviso") => true,
        Some("yaml" | "yml") => words.any(|w| w == "proviso"),
        _ => false,
    }
}

/// Whether an info string that is not a topology's looks meant as one:
/// `YAML proviso`, `yaml Proviso`, `yaml-proviso`, `{.yaml .proviso}`,
/// `provisio`. A doc in a pull request must not be able to hide a
/// topology behind a spelling the gate does not read.
pub fn is_near_topology_info(info: &str) -> bool {
    let words = info
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect::<Vec<_>>();
    !is_topology_info(info)
        && words
            .iter()
            .any(|w| strsim::damerau_levenshtein(w, "proviso") <= 2)
}

/// The `proviso` blocks of a doc, or every error: an empty block, and a
/// block whose info string is a near miss of `yaml proviso`.
pub fn blocks(doc: &SourceRef) -> Result<Vec<Block>, Errors> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut index = 0;
    let mut open: Option<(usize, Option<Span>)> = None;
    let mut mermaid = false;
    for (event, range) in Parser::new(doc.text()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if is_topology_info(&info) =>
            {
                open = Some((range.start, None));
                mermaid = false;
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if super::sources::mermaid::is_info(&info) =>
            {
                open = Some((range.start, None));
                mermaid = true;
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if is_near_topology_info(&info) =>
            {
                let line = doc.line_range(range.start);
                errors.push(
                    Diagnostic::error(format!(
                        "the block info string `{}` is not `yaml proviso`, so this block would not be checked",
                        crate::escape::display(info.trim())
                    ))
                    .at(doc, line, "a near miss")
                    .help("write ```yaml proviso (lowercase, separated by a space) to check the block, or give it an info string without `proviso`"),
                );
            }
            Event::Text(_) => {
                if let Some((_, body)) = &mut open {
                    let b = body.get_or_insert(range.clone());
                    b.end = b.end.max(range.end);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((fence, body)) = open.take() {
                    index += 1;
                    match block(doc, index, fence, body) {
                        Ok(b) => out.push(Block { mermaid, ..b }),
                        Err(d) => errors.push(d),
                    }
                }
            }
            _ => {}
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Errors(errors))
    }
}

fn block(
    doc: &SourceRef,
    index: usize,
    fence: usize,
    body: Option<Span>,
) -> Result<Block, Diagnostic> {
    let Some(body) = body.filter(|b| !doc.text()[b.clone()].trim().is_empty()) else {
        let line = doc.line_range(fence);
        return Err(
            Diagnostic::error(format!("the `proviso` block #{index} of `{}` is empty", doc.path()))
                .at(doc, line, "this block")
                .help("a topology needs `nodes:` (a map from node id to attributes) and `edges:` (a list of `{from, to, kind}`)"),
        );
    };
    // The body starts at the beginning of its first line: the fence's
    // indentation is stripped from the text events but kept in the doc.
    // It ends with the line its last text event ends on.
    let text = doc.text();
    let start = doc.line_range(body.start).start;
    let end = if text.as_bytes().get(body.end.wrapping_sub(1)) == Some(&b'\n') {
        body.end
    } else {
        doc.line_range(body.end.saturating_sub(1)).end
    };
    let (first_line, _) = doc.line_col(start);
    Ok(Block {
        index,
        source: Source::part_of(doc.path(), text.get(start..end).unwrap_or(""), first_line),
        mermaid: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_strings() {
        assert!(is_topology_info("proviso"));
        assert!(is_topology_info("yaml proviso"));
        assert!(is_topology_info("yml  proviso title=x"));
        assert!(!is_topology_info("yaml"));
        assert!(!is_topology_info("rust proviso"));
    }

    #[test]
    fn block_bodies_keep_doc_lines() {
        let doc = Source::new(
            "a.md",
            "# t\n\n```yaml proviso\nnodes: {}\n```\n\n```yaml\nx: 1\n```\n~~~proviso\nnodes:\n  a: {}\n~~~\n",
        );
        let b = blocks(&doc).unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].source.text(), "nodes: {}\n");
        assert_eq!(b[0].source.line_col(0), (4, 1));
        assert_eq!(b[1].index, 2);
        assert_eq!(
            b[1].source.line_col(b[1].source.text().find("a:").unwrap()),
            (12, 3)
        );
        assert_eq!(b[1].source.path(), "a.md");
    }

    #[test]
    fn an_empty_block_is_an_error() {
        let doc = Source::new("a.md", "text\n\n```proviso\n```\n");
        let e = blocks(&doc).unwrap_err();
        assert_eq!(e.0[0].location().unwrap().line, 3);
    }
}
