//! Mermaid flowcharts in Markdown docs as topologies.
//!
//! An architecture doc's diagram is often the only graph of a design; a
//! block fenced ```` ```mermaid proviso ```` is read as a topology (GitHub
//! renders it as any Mermaid block: only the first word of the info string
//! picks the language). The subset proviso reads is `grammar/mermaid.pest`;
//! a line outside it is a located error, never skipped, because a gate
//! that skips what it cannot read can be walked around.
//!
//! - `A -->|api| B`, `A -- api --> B`, `A ==> B`, `A -.-> B` are edges
//!   from A to B whose kind is the label, or `uses` without one; `A <--> B`
//!   is an edge each way. Chains (`A --> B --> C`) and groups
//!   (`A & B --> C`) expand to every pair.
//! - Undirected links (`---`, `-.-`, `~~~`) and circle or cross ends
//!   (`--o`, `--x`) are errors: proviso cannot tell which way the call goes.
//! - A node's attributes are, from weakest to strongest: those of the
//!   subgraphs it sits in (outer first), those of its classes (`:::c`,
//!   `class a,b c`), and its own, all declared in comment lines that the
//!   rendered diagram does not show: `%% proviso ID key=value ...` for a
//!   node or a subgraph, `%% proviso class NAME key=value ...` for a class.
//!   It also gets `label` (its text), `subgraphs` and `classes` (lists).
//! - A node belongs to the innermost subgraph in which it is first
//!   mentioned inside any subgraph.

use foldhash::HashMap;
use pest::Parser;
use pest::iterators::Pair;

use super::draft::{Draft, DraftEdge, DraftNode};
use crate::diag::{Diagnostic, Errors};
use crate::source::{SourceRef, Span};

#[allow(missing_docs)]
mod parser {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/mermaid.pest"]
    pub struct MermaidParser;
}
use parser::{MermaidParser, Rule};

/// The kind of an edge drawn without a label.
pub const UNLABELLED: &str = "uses";

/// Whether a fenced block's info string marks a Mermaid topology.
pub fn is_info(info: &str) -> bool {
    let mut words = info.split_whitespace();
    words.next() == Some("mermaid") && words.any(|w| w == "proviso")
}

/// One node being read: its attributes by layer.
#[derive(Default)]
struct Seen {
    span: Span,
    label: Option<String>,
    classes: Vec<String>,
    /// The subgraph path of its first mention inside a subgraph.
    within: Option<Vec<String>>,
}

/// A `%% proviso` declaration.
struct Decl {
    target: String,
    class: bool,
    pairs: Vec<(String, String)>,
    span: Span,
}

/// Reads a Mermaid block's source.
pub fn import(source: &SourceRef) -> Result<Draft, Errors> {
    let text = source.text();
    let diagram = MermaidParser::parse(Rule::diagram, text)
        .map_err(|e| Errors(vec![parse_error(source, &e)]))?
        .next()
        .expect("a diagram");
    let mut draft = Draft::new(source, "node");
    let mut order: Vec<String> = Vec::new();
    let mut nodes: HashMap<String, Seen> = HashMap::default();
    let mut stack: Vec<(String, Span)> = Vec::new();
    let mut subgraphs: HashMap<String, Span> = HashMap::default();
    let mut decls: Vec<Decl> = Vec::new();
    let mut edges: Vec<DraftEdge> = Vec::new();
    for p in diagram.into_inner() {
        let span = p.as_span().start()..p.as_span().end();
        match p.as_rule() {
            Rule::subgraph => {
                let id = p.into_inner().next().expect("an id");
                let name = id.as_str().to_string();
                let at = id.as_span().start()..id.as_span().end();
                if let Some(first) = subgraphs.get(&name).cloned() {
                    draft.error(
                        format!(
                            "two subgraphs have the id `{}`",
                            crate::escape::display(&name)
                        ),
                        at.clone(),
                        "the second",
                    );
                    let d = draft.errors.pop().expect("pushed");
                    draft.errors.push(d.also(source, first, "the first"));
                } else {
                    subgraphs.insert(name.clone(), at.clone());
                }
                stack.push((name, at));
            }
            Rule::end_kw if stack.pop().is_none() => {
                draft.error("`end` closes no subgraph", span, "nothing to close");
            }
            Rule::proviso_attrs => decls.push(decl(p, span)),
            Rule::class_stmt => {
                let ids: Vec<Pair<Rule>> = p.into_inner().collect();
                let (class, members) = ids.split_last().expect("a class");
                for m in members {
                    let seen = mention(&mut nodes, &mut order, m, &stack);
                    seen.classes.push(class.as_str().to_string());
                }
            }
            Rule::chain => chain(p, &mut nodes, &mut order, &stack, &mut edges, &mut draft),
            _ => {}
        }
    }
    if let Some((name, at)) = stack.pop() {
        draft
            .error(
                format!(
                    "the subgraph `{}` is never closed",
                    crate::escape::display(&name)
                ),
                at,
                "opened here",
            )
            .help = Some("end it with a line `end`".into());
    }
    // Declarations: by class, by subgraph, by node.
    let mut class_attrs: HashMap<String, Vec<(String, String)>> = HashMap::default();
    let mut own: HashMap<String, Vec<(String, String)>> = HashMap::default();
    for d in decls {
        if d.class {
            class_attrs.entry(d.target).or_default().extend(d.pairs);
        } else if nodes.contains_key(&d.target) || subgraphs.contains_key(&d.target) {
            own.entry(d.target).or_default().extend(d.pairs);
        } else {
            // Subgraph names in a fixed order (the table's own order is
            // seeded), so that a tie between suggestions is decided the same
            // way on every run.
            let mut names: Vec<&str> = subgraphs.keys().map(String::as_str).collect();
            names.sort_unstable();
            let known = order.iter().map(String::as_str).chain(names);
            let help = crate::diag::suggest::help_line(&d.target, known)
                .unwrap_or_else(|| "name a node or a subgraph of this diagram, or write `%% proviso class NAME ...` for a class".into());
            draft
                .error(
                    format!(
                        "`%% proviso {}` names no node or subgraph of this diagram",
                        crate::escape::display(&d.target)
                    ),
                    d.span,
                    "unknown",
                )
                .help = Some(help);
        }
    }
    for id in order {
        let seen = nodes.remove(&id).expect("seen");
        let mut node = DraftNode::new(id.clone(), seen.span);
        let within = seen.within.unwrap_or_default();
        for sg in &within {
            for (k, v) in own.get(sg).into_iter().flatten() {
                node.set(k.clone(), v.clone());
            }
        }
        for c in &seen.classes {
            for (k, v) in class_attrs.get(c).into_iter().flatten() {
                node.set(k.clone(), v.clone());
            }
        }
        if !subgraphs.contains_key(&id) {
            for (k, v) in own.get(&id).into_iter().flatten() {
                node.set(k.clone(), v.clone());
            }
        }
        if let Some(l) = seen.label
            && node.get("label").is_none()
        {
            node.set("label", l);
        }
        node.set_list("subgraphs", within);
        let mut classes = seen.classes;
        classes.dedup();
        node.set_list("classes", classes);
        draft.nodes.push(node);
    }
    draft.edges = edges;
    Ok(draft)
}

fn decl(p: Pair<Rule>, span: Span) -> Decl {
    let mut target = String::new();
    let mut class = false;
    let mut pairs = Vec::new();
    for q in p.into_inner() {
        match q.as_rule() {
            Rule::class_target => {
                class = true;
                target = q
                    .into_inner()
                    .next()
                    .map_or_else(String::new, |i| i.as_str().to_string());
            }
            Rule::id => target = q.as_str().to_string(),
            Rule::pair => {
                let mut kv = q.into_inner();
                let k = kv.next().map_or("", |k| k.as_str()).to_string();
                let v = kv.next().map_or("", |v| v.as_str());
                pairs.push((k, unquote(v).to_string()));
            }
            _ => {}
        }
    }
    Decl {
        target,
        class,
        pairs,
        span,
    }
}

fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

/// Records a mention of a node (its `id` pair), first mention first.
fn mention<'m>(
    nodes: &'m mut HashMap<String, Seen>,
    order: &mut Vec<String>,
    id: &Pair<Rule>,
    stack: &[(String, Span)],
) -> &'m mut Seen {
    let name = id.as_str();
    if !nodes.contains_key(name) {
        order.push(name.to_string());
    }
    let seen = nodes.entry(name.to_string()).or_insert_with(|| Seen {
        span: id.as_span().start()..id.as_span().end(),
        ..Seen::default()
    });
    if seen.within.is_none() && !stack.is_empty() {
        seen.within = Some(stack.iter().map(|(s, _)| s.clone()).collect());
    }
    seen
}

/// A chain of groups joined by links: every node, and an edge for each
/// pair of the groups on either side of each link.
fn chain(
    p: Pair<Rule>,
    nodes: &mut HashMap<String, Seen>,
    order: &mut Vec<String>,
    stack: &[(String, Span)],
    edges: &mut Vec<DraftEdge>,
    draft: &mut Draft,
) {
    let mut previous: Option<Vec<String>> = None;
    let mut pending: Option<(Pair<Rule>, Span)> = None;
    for part in p.into_inner() {
        match part.as_rule() {
            Rule::group => {
                let mut ids = Vec::new();
                for n in part.into_inner() {
                    let mut inner = n.into_inner();
                    let id = inner.next().expect("an id");
                    let name = id.as_str().to_string();
                    let seen = mention(nodes, order, &id, stack);
                    for q in inner {
                        match q.as_rule() {
                            Rule::shape if seen.label.is_none() => {
                                let l = q.into_inner().next().map_or("", |l| l.as_str());
                                seen.label = Some(unquote(l.trim()).to_string());
                            }
                            Rule::id => seen.classes.push(q.as_str().to_string()),
                            _ => {}
                        }
                    }
                    ids.push(name);
                }
                if let (Some(from), Some((link, span))) = (previous.take(), pending.take()) {
                    link_edges(&from, &ids, link, span, edges, draft);
                }
                previous = Some(ids);
            }
            Rule::link => {
                let span = part.as_span().start()..part.as_span().end();
                pending = Some((part, span));
            }
            _ => {}
        }
    }
}

fn link_edges(
    from: &[String],
    to: &[String],
    link: Pair<Rule>,
    span: Span,
    edges: &mut Vec<DraftEdge>,
    draft: &mut Draft,
) {
    let inner = link.into_inner().next().expect("a link form");
    let rule = inner.as_rule();
    let label = inner
        .into_inner()
        .find(|q| {
            matches!(
                q.as_rule(),
                Rule::pipe_text | Rule::dash_text | Rule::eq_text | Rule::dot_text
            )
        })
        .map(|q| q.as_str().trim().to_string())
        .filter(|l| !l.is_empty());
    match rule {
        Rule::open_link => {
            draft
                .error(
                    "an undirected link: proviso needs to know which way the call goes",
                    span,
                    "no arrow head",
                )
                .help = Some("draw the caller to the callee, such as `A -->|api| B`".into());
            return;
        }
        Rule::ended_link => {
            draft
                .error(
                    "links ending in a circle or a cross (`--o`, `--x`) are not read",
                    span,
                    "not an arrow",
                )
                .help =
                Some("draw an arrow from the caller to the callee, such as `A --> B`".into());
            return;
        }
        _ => {}
    }
    let kind = label.unwrap_or_else(|| UNLABELLED.to_string());
    for f in from {
        for t in to {
            edges.push(DraftEdge::new(
                f.clone(),
                t.clone(),
                kind.clone(),
                span.clone(),
            ));
            if rule == Rule::both {
                edges.push(DraftEdge::new(
                    t.clone(),
                    f.clone(),
                    kind.clone(),
                    span.clone(),
                ));
            }
        }
    }
}

/// pest's error in words: where the line stops being the subset, and what
/// could have come there.
fn parse_error(source: &SourceRef, e: &pest::error::Error<Rule>) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let at = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let text = source.text();
    let at = at.min(text.len());
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let expected = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut words: Vec<&str> = positives.iter().filter_map(|r| word(*r)).collect();
            words.sort_unstable();
            words.dedup();
            words
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let line = source.line_range(at);
    let header = !text[..line.start].lines().any(|l| {
        let t = l.trim();
        t.starts_with("flowchart") || t.starts_with("graph")
    });
    let first_word = text[line.clone()].split_whitespace().next().unwrap_or("");
    let message = if matches!(
        first_word,
        "click" | "callback" | "linkStyle" | "accTitle" | "accDescr"
    ) && !header
    {
        format!("`{first_word}` lines are outside the Mermaid subset proviso reads")
    } else if header && !text[line.clone()].trim_start().starts_with("%%") {
        "a proviso diagram is a Mermaid flowchart: its first line is `flowchart LR` (or TD, RL, BT)"
            .to_string()
    } else if expected.is_empty() {
        "this line is outside the Mermaid subset proviso reads".to_string()
    } else {
        format!(
            "this line is outside the Mermaid subset proviso reads: expected {}",
            expected.join(", ")
        )
    };
    Diagnostic::error(message)
        .at(source, at..end, "here")
        .help("proviso reads nodes, shapes, directed links (`-->`, `-->|kind|`, `-- kind -->`), `&`, subgraphs, classes and `%%` comments; see docs/sources.md")
}

/// What a rule is called in a message, if it is worth naming.
fn word(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::id => "a node id",
        Rule::link => "a link such as `-->`",
        Rule::shape => "a shape such as `[text]`",
        Rule::pair => "`key=value`",
        Rule::direction => "a direction (TB, TD, BT, RL, LR)",
        Rule::header => "`flowchart`",
        Rule::EOI => "the end of the diagram",
        Rule::pipe_text => "a label",
        _ => return None,
    })
}
