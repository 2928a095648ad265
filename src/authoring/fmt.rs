//! `proviso fmt`: the canonical layout of a `.contract` file.
//!
//! The layout: the header's title, parties and term on three lines; one
//! definition a line, their `as` aligned within a run of definitions; one
//! declaration a line; each clause as a heading line ending in `:` and
//! its body on one line, indented two spaces; keywords in lower case;
//! one space between words, none inside brackets or before `,` and `:`;
//! lists as `a, b and c`; a blank line between items of different kinds,
//! before every clause, and wherever the source had one. Names, values
//! and titles are kept as written (names are case-insensitive, values are
//! not), so formatting never changes what an agreement means: the tests
//! check that the formatted text parses to the same tree, ignoring spans,
//! and that formatting it again changes nothing.
//!
//! The text is re-emitted from pest's tree, one function per rule that
//! needs punctuation of its own. Comments are not in the tree (they are
//! implicit in the grammar), so they are found in the gaps between the
//! tree's leaves, where a `#` can only start a comment, and put back: a
//! comment on the same line as the word before it stays at the end of
//! that word's line; any other comment goes on its own line before the
//! line of the word after it, at that line's indentation.
//!
//! The input must parse: a file with a syntax error is reported as `check`
//! reports it, and left alone.

use pest::Parser as _;
use pest::iterators::Pair;

use crate::diag::Errors;
use crate::source::SourceRef;
use crate::syntax::parser::{ProvisoParser, Rule};

/// A word of the output, with the span of the leaf it came from (for
/// placing comments); punctuation has none.
#[derive(Debug, Clone)]
struct Piece {
    text: String,
    at: Option<usize>,
    /// No space before it (`)`, `]`, `,`, `:`).
    glue_left: bool,
    /// No space after it (`(`, `[`).
    glue_right: bool,
}

impl Piece {
    fn word(text: impl Into<String>, at: Option<usize>) -> Piece {
        Piece {
            text: text.into(),
            at,
            glue_left: false,
            glue_right: false,
        }
    }
    fn punct(text: &str, glue_left: bool, glue_right: bool) -> Piece {
        Piece {
            text: text.to_string(),
            at: None,
            glue_left,
            glue_right,
        }
    }
}

/// A line of output: its indentation and words; `pad` is where a
/// definition's name is padded to for alignment.
#[derive(Debug, Clone, Default)]
struct Line {
    indent: usize,
    pieces: Vec<Piece>,
    /// For a definition: pad the second piece's start to this column.
    align: Option<usize>,
    /// Blank line before it.
    blank_before: bool,
    /// Comments on their own lines before it.
    above: Vec<String>,
    /// Comment at its end.
    trailing: Vec<String>,
}

impl Line {
    fn render(&self) -> String {
        let mut s = " ".repeat(self.indent);
        let mut glue = true;
        for (i, p) in self.pieces.iter().enumerate() {
            if !glue && !p.glue_left {
                s.push(' ');
            }
            if i == 2
                && let Some(col) = self.align
            {
                // `define NAME<pad> as`: the name is pieces[1].
                let width = s.chars().count();
                if width < col {
                    s.push_str(&" ".repeat(col - width));
                }
            }
            s.push_str(&p.text);
            glue = p.glue_right;
        }
        if !self.trailing.is_empty() {
            if !self.pieces.is_empty() {
                s.push(' ');
            }
            s.push_str(&self.trailing.join(" "));
        }
        s
    }
}

/// The formatted text of an agreement, or its syntax error.
pub fn format(source: &SourceRef) -> Result<String, Errors> {
    // Only an agreement that reads (syntax and names) is formatted.
    crate::syntax::parse_agreement(source)?;
    let text = source.text();
    let top = ProvisoParser::parse(Rule::agreement, text)
        .map_err(|e| Errors::from(crate::diag::Diagnostic::error(e.to_string())))?
        .next()
        .ok_or_else(|| Errors::from(crate::diag::Diagnostic::error("nothing parsed")))?;
    let mut leaves = Vec::new();
    collect_leaves(top.clone(), &mut leaves);
    let comments = comments(text, &leaves);
    let mut lines: Vec<Line> = Vec::new();
    let mut prev: Option<(Rule, usize)> = None;
    for item in top.into_inner() {
        let rule = item.as_rule();
        if rule == Rule::EOI {
            continue;
        }
        let start = item.as_span().start();
        let blank_in_source = prev.is_some_and(|(_, end)| blank_line(&text[end..start]));
        // Declarations (`counts as`, `data moves`) are one group.
        let group = |r: Rule| {
            if r == Rule::direction {
                Rule::counts_as
            } else {
                r
            }
        };
        let kind_changed = prev.is_some_and(|(r, _)| group(r) != group(rule));
        let mut item_lines = match rule {
            Rule::header => header(item.clone()),
            Rule::definition => vec![simple_line(item.clone(), 0)],
            Rule::counts_as | Rule::direction => vec![simple_line(item.clone(), 0)],
            Rule::clause => clause(item.clone()),
            _ => vec![simple_line(item.clone(), 0)],
        };
        if let Some(first) = item_lines.first_mut() {
            first.blank_before =
                prev.is_some() && (blank_in_source || kind_changed || rule == Rule::clause);
        }
        lines.append(&mut item_lines);
        // The item's last word: pest's span of an item may run on over
        // the whitespace and comments after it.
        let mut own = Vec::new();
        collect_leaves(item.clone(), &mut own);
        let end = own.last().map_or(item.as_span().end(), |&(_, e)| e);
        prev = Some((rule, end));
    }
    align_definitions(&mut lines);
    let tail = place_comments(&mut lines, &comments, text);
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if l.blank_before && i > 0 {
            out.push('\n');
        }
        for c in &l.above {
            out.push_str(&" ".repeat(l.indent));
            out.push_str(c);
            out.push('\n');
        }
        out.push_str(&l.render());
        out.push('\n');
    }
    if !tail.is_empty() {
        if !lines.is_empty() {
            out.push('\n');
        }
        for c in tail {
            out.push_str(&c);
            out.push('\n');
        }
    }
    Ok(out)
}

/// Whether a gap between two items holds a blank line.
fn blank_line(gap: &str) -> bool {
    let segs: Vec<&str> = gap.split('\n').collect();
    segs.len() >= 3 && segs[1..segs.len() - 1].iter().any(|l| l.trim().is_empty())
}

/// Pads the names of each run of consecutive definitions so their `as`
/// line up.
fn align_definitions(lines: &mut [Line]) {
    let is_def = |l: &Line| l.pieces.first().is_some_and(|p| p.text == "define") && l.indent == 0;
    let mut i = 0;
    while i < lines.len() {
        if !is_def(&lines[i]) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < lines.len() && is_def(&lines[j]) && !lines[j].blank_before {
            j += 1;
        }
        let width = lines[i..j]
            .iter()
            .map(|l| "define ".len() + l.pieces.get(1).map_or(0, |p| p.text.chars().count()) + 1)
            .max()
            .unwrap_or(0);
        for l in &mut lines[i..j] {
            l.align = Some(width);
        }
        i = j;
    }
}

/// The spans of the leaves, in order: where comments cannot be.
fn collect_leaves(pair: Pair<'_, Rule>, out: &mut Vec<(usize, usize)>) {
    if is_leaf(pair.as_rule()) || pair.clone().into_inner().next().is_none() {
        let s = pair.as_span();
        out.push((s.start(), s.end()));
        return;
    }
    for p in pair.into_inner() {
        collect_leaves(p, out);
    }
}

fn is_leaf(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::string
            | Rule::bare_value
            | Rule::name
            | Rule::attr_name
            | Rule::date
            | Rule::clause_id
            | Rule::count
            | Rule::percent
            | Rule::in_spirit
    )
}

/// Every comment: its start and its text.
fn comments(text: &str, leaves: &[(usize, usize)]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut gaps: Vec<(usize, usize)> = Vec::new();
    for &(s, e) in leaves {
        if s > pos {
            gaps.push((pos, s));
        }
        pos = pos.max(e);
    }
    gaps.push((pos, text.len()));
    for (s, e) in gaps {
        let gap = &text[s..e];
        let mut i = 0;
        while let Some(h) = gap[i..].find('#') {
            let start = i + h;
            let end = gap[start..].find('\n').map_or(gap.len(), |n| start + n);
            out.push((s + start, gap[start..end].trim_end().to_string()));
            i = end;
        }
    }
    out
}

/// Puts each comment above or at the end of an output line; returns the
/// comments after the last word.
fn place_comments(lines: &mut [Line], comments: &[(usize, String)], text: &str) -> Vec<String> {
    // Where each output line's words came from.
    let spans: Vec<Vec<usize>> = lines
        .iter()
        .map(|l| l.pieces.iter().filter_map(|p| p.at).collect())
        .collect();
    let mut tail = Vec::new();
    for (at, c) in comments {
        // The last word before the comment, and whether it is on the
        // comment's source line.
        let line_start = text[..*at].rfind('\n').map_or(0, |i| i + 1);
        let before = spans
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.iter().map(move |&p| (i, p)))
            .filter(|&(_, p)| p < *at)
            .max_by_key(|&(_, p)| p);
        if let Some((i, p)) = before
            && p >= line_start
        {
            lines[i].trailing.push(c.clone());
            continue;
        }
        let after = spans
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.iter().map(move |&p| (i, p)))
            .filter(|&(_, p)| p > *at)
            .min_by_key(|&(_, p)| p);
        match after {
            Some((i, _)) => lines[i].above.push(c.clone()),
            None => tail.push(c.clone()),
        }
    }
    tail
}

/// `agreement "T"`, then `between ...` and `effective ...` indented.
fn header(pair: Pair<'_, Rule>) -> Vec<Line> {
    let mut first = Line::default();
    let mut rest = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::parties | Rule::window => rest.push(simple_line(p, 2)),
            _ => first.pieces.extend(pieces(p)),
        }
    }
    let mut out = vec![first];
    out.extend(rest);
    out
}

/// `clause ID ["T"] [window] [owed by] [notwithstanding]:` and the body.
fn clause(pair: Pair<'_, Rule>) -> Vec<Line> {
    let mut head = Line::default();
    let mut body = Line {
        indent: 2,
        ..Line::default()
    };
    let mut in_body = false;
    for p in pair.into_inner() {
        if in_body {
            body.pieces.extend(pieces(p));
            continue;
        }
        let colon = p.as_rule() == Rule::colon;
        head.pieces.extend(pieces(p));
        in_body = colon;
    }
    // `, directly or indirectly` at the end of a body needs no closing comma.
    if body
        .pieces
        .last()
        .is_some_and(|p| p.text == "," && p.at.is_none())
    {
        body.pieces.pop();
    }
    vec![head, body]
}

fn simple_line(pair: Pair<'_, Rule>, indent: usize) -> Line {
    Line {
        indent,
        pieces: pieces(pair),
        ..Line::default()
    }
}

/// The words of a pair, with the punctuation its rule writes.
fn pieces(pair: Pair<'_, Rule>) -> Vec<Piece> {
    let start = pair.as_span().start();
    let rule = pair.as_rule();
    match rule {
        Rule::string
        | Rule::bare_value
        | Rule::name
        | Rule::attr_name
        | Rule::date
        | Rule::clause_id
        | Rule::count
        | Rule::percent => vec![Piece::word(pair.as_str(), Some(start))],
        Rule::in_spirit => vec![Piece::word("in spirit", Some(start))],
        Rule::close_paren => vec![Piece {
            glue_left: true,
            ..Piece::word(")", Some(start))
        }],
        Rule::close_bracket => vec![Piece {
            glue_left: true,
            ..Piece::word("]", Some(start))
        }],
        Rule::colon => vec![Piece {
            glue_left: true,
            ..Piece::word(":", Some(start))
        }],
        r if keyword(r) => vec![Piece::word(pair.as_str().to_lowercase(), Some(start))],
        Rule::op_eq => op("=", pair),
        Rule::op_ne => op("!=", pair),
        Rule::op_le => op("<=", pair),
        Rule::op_lt => op("<", pair),
        Rule::op_ge => op(">=", pair),
        Rule::op_gt => op(">", pair),
        Rule::value_list => {
            let mut out = vec![Piece::punct("[", false, true)];
            let mut first = true;
            for p in pair.into_inner() {
                if p.as_rule() == Rule::close_bracket {
                    out.extend(pieces(p));
                    continue;
                }
                if !first {
                    out.push(Piece::punct(",", true, false));
                }
                first = false;
                out.extend(pieces(p));
            }
            out
        }
        Rule::sel_base | Rule::pred_atom => {
            let text = pair.as_str();
            let mut out = Vec::new();
            if text.starts_with('(') {
                out.push(Piece::punct("(", false, true));
            }
            for p in pair.into_inner() {
                out.extend(pieces(p));
            }
            out
        }
        Rule::parties | Rule::obligor | Rule::notwithstanding | Rule::direction => {
            list(pair, false)
        }
        Rule::counts_as => list(pair, true),
        Rule::indirect => {
            let mut words: Vec<Piece> = pair.into_inner().flat_map(pieces).collect();
            // `, directly or indirectly,` and `, directly,`: the commas
            // are optional in the grammar and written in the layout.
            if let Some(f) = words.first_mut() {
                f.glue_left = false;
            }
            let mut out = vec![Piece::punct(",", true, false)];
            out.append(&mut words);
            out.push(Piece::punct(",", true, false));
            out
        }
        _ => pair.into_inner().flat_map(pieces).collect(),
    }
}

/// `OP VALUE`.
fn op(symbol: &str, pair: Pair<'_, Rule>) -> Vec<Piece> {
    let mut out = vec![Piece::word(symbol, None)];
    out.extend(pair.into_inner().flat_map(pieces));
    out
}

/// A rule with a list (`a, b and c`): the items that follow `list_sep`
/// in the grammar are the runs of `name`, `kind` or `clause_ref` pairs;
/// the separators are written as commas, with `and` before the last
/// item when the source said `and` anywhere in the list. With
/// `comma_after_head`, a `,` follows the head (`in spirit,`).
fn list(pair: Pair<'_, Rule>, comma_after_head: bool) -> Vec<Piece> {
    let inner: Vec<Pair<'_, Rule>> = pair.into_inner().collect();
    let is_item = |r: Rule| matches!(r, Rule::name | Rule::kind | Rule::clause_ref);
    let mut out = Vec::new();
    let mut i = 0;
    while i < inner.len() {
        let p = &inner[i];
        if !is_item(p.as_rule()) {
            if comma_after_head && matches!(p.as_rule(), Rule::in_spirit | Rule::according) {
                out.extend(pieces(p.clone()));
                out.push(Piece::punct(",", true, false));
            } else {
                out.extend(pieces(p.clone()));
            }
            i += 1;
            continue;
        }
        // A run of items, with `and` pairs among them.
        let mut items = Vec::new();
        let mut said_and = false;
        while i < inner.len() && (is_item(inner[i].as_rule()) || inner[i].as_rule() == Rule::kw_and)
        {
            if inner[i].as_rule() == Rule::kw_and {
                said_and = true;
            } else {
                items.push(inner[i].clone());
            }
            i += 1;
        }
        let n = items.len();
        for (k, item) in items.into_iter().enumerate() {
            if k > 0 {
                if said_and && k == n - 1 {
                    out.push(Piece::word("and", None));
                } else {
                    out.push(Piece::punct(",", true, false));
                }
            }
            out.extend(pieces(item));
        }
    }
    out
}

fn keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_agreement
            | Rule::kw_between
            | Rule::kw_effective
            | Rule::kw_until
            | Rule::kw_define
            | Rule::kw_as
            | Rule::kw_nodes
            | Rule::kw_where
            | Rule::kw_or
            | Rule::kw_and
            | Rule::kw_not
            | Rule::kw_in
            | Rule::kw_has
            | Rule::kw_except
            | Rule::kw_spirit
            | Rule::kw_count
            | Rule::kw_clause
            | Rule::kw_must
            | Rule::kw_shall
            | Rule::kw_should
            | Rule::kw_access
            | Rule::kw_from
            | Rule::kw_to
            | Rule::kw_route
            | Rule::kw_via
            | Rule::kw_have
            | Rule::kw_depend
            | Rule::kw_on
            | Rule::kw_be
            | Rule::kw_hosted
            | Rule::kw_stay
            | Rule::kw_within
            | Rule::kw_directly
            | Rule::kw_indirectly
            | Rule::kw_direct
            | Rule::kw_only
            | Rule::kw_may
            | Rule::kw_according
            | Rule::kw_notwithstanding
            | Rule::kw_owed
            | Rule::kw_by
            | Rule::kw_span
            | Rule::kw_at
            | Rule::kw_least
            | Rule::kw_most
            | Rule::kw_exactly
            | Rule::kw_distinct
            | Rule::kw_of
            | Rule::kw_contains
            | Rule::kw_matches
            | Rule::kw_data
            | Rule::kw_moves
            | Rule::kw_against
            | Rule::kw_the
            | Rule::kw_call
            | Rule::kw_both
            | Rule::kw_ways
            | Rule::kw_over
    )
}
