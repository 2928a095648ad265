//! The fast path for YAML topologies: granit-parser's events read straight
//! into the model, without serde.
//!
//! Why: serde-saphyr drives the same parser (granit) but adds a
//! deserializer layer that is about as costly as the parser itself on a
//! generated estate (a `Spanned` wrapper per key, comment plumbing, a
//! fingerprint per key for duplicate and merge-key bookkeeping, events
//! moved through queues). Reading the events directly, with their byte
//! spans, loads the 100k-node estate more than twice as fast.
//!
//! Why it cannot change a diagnostic: this reader only ever *succeeds* on
//! a plain, valid topology. On anything it does not handle exactly as the
//! serde-saphyr loader does — a parser error, an anchor, an alias, a tag,
//! a merge key (`<<`), a second document, a duplicate key or node id, an
//! unknown key, a missing or null value, a list of lists, an unknown node,
//! an invisible character in a name, edges before `nodes`, nesting deeper
//! than [`MAX_DEPTH`], more events or scalar bytes than the full loader's
//! budgets would surely allow — it gives up (`None`) and
//! [`super::load::yaml`] runs the full loader, whose messages are
//! therefore the only ones a user ever sees. The cost of a bad file is one
//! extra partial parse, stopped at its first oddity.
//!
//! When it succeeds it gives the very topology the full loader gives:
//! same nodes, edges, spans, and strings interned in the same order (so
//! symbol numbers, and everything sorted by them, agree). The differential
//! test in `tests/it/yaml_fast.rs` checks that on every fixture and on
//! generated and mutated topologies.
//!
//! Hostile input: the parser is run with serde-saphyr's own options
//! (granit refuses flow nesting past 255 levels and block nesting past its
//! limit, both without recursion), and this reader gives up past
//! [`MAX_DEPTH`] levels, so its own recursion is bounded; its work is one
//! pass over the events.

use std::borrow::Cow;

use granit_parser::{Event, Parser, ScalarStyle, Span as ParserSpan, StrInput};

use super::{EMPTY_LIST, LIST, Sym, Topology};
use crate::source::{SourceRef, Span};

/// Deepest collection nesting this reader follows (a topology needs four:
/// the document, `nodes`, a node, an attribute map); the full loader
/// allows 32, so anything this reader accepts is within its limit.
pub const MAX_DEPTH: usize = 12;

/// The topology, when the text is a plain, valid topology that this reader
/// loads exactly as the full loader would; `None` otherwise (the caller
/// then runs the full loader).
pub fn load(source: &SourceRef) -> Option<Topology> {
    let text = source.text();
    let mut reader = Reader {
        events: Events::new(text),
        text,
        topo: Topology::new(source.clone()),
        keys: Vec::new(),
        attrs: Vec::new(),
        last_from: u32::MAX,
    };
    reader.document()?;
    Some(reader.topo)
}

/// The parser's events, with comments skipped, and with everything this
/// reader does not handle (errors, anchors, aliases, tags, budgets)
/// turned into `None`.
struct Events<'a> {
    parser: Parser<'a, StrInput<'a>>,
    depth: usize,
    events: usize,
    max_events: usize,
    scalar_bytes: usize,
    max_scalar_bytes: usize,
}

impl<'a> Events<'a> {
    fn new(text: &'a str) -> Self {
        // The options serde-saphyr gives the parser for the full loader's
        // budget (`Budget::parser_options`), so both accept the same text.
        let budget = serde_saphyr::Budget::default();
        let mut options = granit_parser::Options::default();
        options.simple_key_max_lookahead = budget.simple_key_max_lookahead;
        options.flow_nesting_limit = budget.flow_nesting_limit;
        options.block_nesting_limit = granit_parser::Options::default()
            .block_nesting_limit
            .max(super::load::MAX_DEPTH + 1);
        // Comments are skipped here, but asking for them keeps the full
        // loader's budget on comments buffered in a lookahead: without
        // them the fast path took a file the full loader refuses ("too
        // many buffered comments"; found by the `yaml_fast` fuzz target).
        options.emit_comments = true;
        options.max_buffered_comment_events = budget.max_buffered_comment_events;
        Events {
            parser: Parser::new_from_str_with_options(text, options),
            depth: 0,
            events: 0,
            // Well inside the full loader's budgets (`2 * len + 10_000`
            // events, `len + 10_000` nodes, `len + 1024` scalar bytes).
            max_events: text.len() + 10_000,
            scalar_bytes: 0,
            max_scalar_bytes: text.len(),
        }
    }

    fn next(&mut self) -> Option<(Event<'a>, ParserSpan)> {
        loop {
            let (event, span) = self.parser.next()?.ok()?;
            self.events += 1;
            if self.events > self.max_events {
                return None;
            }
            match &event {
                Event::Comment(..) => continue,
                Event::Scalar(value, _, anchor, tag) => {
                    self.scalar_bytes += value.len();
                    if *anchor != 0 || tag.is_some() || self.scalar_bytes > self.max_scalar_bytes {
                        return None;
                    }
                }
                Event::MappingStart(_, anchor, tag) | Event::SequenceStart(_, anchor, tag) => {
                    self.depth += 1;
                    if *anchor != 0 || tag.is_some() || self.depth > MAX_DEPTH {
                        return None;
                    }
                }
                Event::MappingEnd | Event::SequenceEnd => self.depth -= 1,
                Event::StreamStart
                | Event::StreamEnd
                | Event::DocumentStart(..)
                | Event::DocumentEnd => {}
                // Aliases, anchors, and whatever a later parser adds.
                _ => return None,
            }
            return Some((event, span));
        }
    }
}

/// A scalar as read: its text and where it is.
struct Scalar<'a> {
    text: Cow<'a, str>,
    style: ScalarStyle,
    /// Byte offset and byte length of what the parser's span covers.
    at: usize,
    written: usize,
}

impl Scalar<'_> {
    /// Whether serde-saphyr reads it as null (`~`, `null`, nothing).
    fn is_null(&self) -> bool {
        self.style == ScalarStyle::Plain
            && matches!(&*self.text, "" | "~" | "null" | "Null" | "NULL")
    }

    /// Its length as the full loader underlines it (`Located::len` for
    /// serde-saphyr keys): what the span covers for a scalar on one line,
    /// quotes included; the text's length otherwise.
    fn len(&self, text_len: usize) -> usize {
        let value = self.text.len();
        let len = if self.written >= value && self.written <= value + 2 {
            self.written
        } else {
            value
        };
        len.min(text_len)
    }
}

struct Reader<'a> {
    events: Events<'a>,
    text: &'a str,
    topo: Topology,
    /// The attribute names of the map being read, for the duplicate check.
    keys: Vec<Sym>,
    /// The attributes of the node or edge being read.
    attrs: Vec<(Sym, Sym)>,
    /// The last edge's `from` node, for [`Topology::node_index_hinted`].
    last_from: u32,
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Option<(Event<'a>, ParserSpan)> {
        self.events.next()
    }

    fn scalar(event: Event<'a>, span: &ParserSpan) -> Option<Scalar<'a>> {
        let Event::Scalar(text, style, _, _) = event else {
            return None;
        };
        let at = span.start.byte_offset()?;
        let end = span.end.byte_offset()?;
        Some(Scalar {
            text,
            style,
            at,
            written: end.saturating_sub(at),
        })
    }

    /// The next event, which must be a scalar that is neither null nor a
    /// merge key (`<<`).
    fn key_or_text(&mut self, event: Event<'a>, span: &ParserSpan) -> Option<Scalar<'a>> {
        let s = Self::scalar(event, span)?;
        (!s.is_null() && s.text != "<<").then_some(s)
    }

    /// A plain scalar whose text is not exactly what it covers in the file
    /// (one folded over lines) is left to the full loader, which reads a
    /// number or a boolean by its span and text by its value.
    /// A non-finite float (`.inf`, `-.NaN`, `1e999`) is refused by
    /// serde-saphyr's default float policy: left to the full loader as well.
    fn attr_text(&self, s: &Scalar<'_>) -> Option<()> {
        if s.style == ScalarStyle::Plain {
            if self.text.get(s.at..s.at + s.written)? != s.text {
                return None;
            }
            let bare = s.text.trim_start_matches(['+', '-']);
            if bare.starts_with('.') && matches!(bare.len(), 4) {
                let lower = bare.to_ascii_lowercase();
                if lower == ".inf" || lower == ".nan" {
                    return None;
                }
            }
            // So is a numeral too large for a float (`1e999`), which
            // serde-saphyr reads as infinity and refuses (found by the
            // `yaml_fast` fuzz target).
            if bare.as_bytes().first().is_some_and(u8::is_ascii_digit)
                && s.text.parse::<f64>().is_ok_and(f64::is_infinite)
            {
                return None;
            }
        }
        Some(())
    }

    fn span_at(&self, start: usize, len: usize) -> Span {
        let text_len = self.text.len();
        let start = start.min(text_len);
        let end = (start + len.max(1)).min(text_len);
        start..end.max(start)
    }

    fn document(&mut self) -> Option<()> {
        matches!(self.next()?.0, Event::StreamStart).then_some(())?;
        matches!(self.next()?.0, Event::DocumentStart(..)).then_some(())?;
        matches!(self.next()?.0, Event::MappingStart(..)).then_some(())?;
        let (mut name, mut agreement, mut nodes, mut edges) = (false, false, false, false);
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::MappingEnd) {
                break;
            }
            let key = self.key_or_text(event, &span)?;
            let seen = match &*key.text {
                "name" => &mut name,
                "agreement" => &mut agreement,
                "nodes" => &mut nodes,
                "edges" => &mut edges,
                _ => return None,
            };
            if std::mem::replace(seen, true) {
                return None;
            }
            match &*key.text {
                "name" => {
                    let (event, span) = self.next()?;
                    let v = self.key_or_text(event, &span)?;
                    self.topo.name = Some(v.text.into_owned());
                }
                "agreement" => {
                    let (event, span) = self.next()?;
                    let v = self.key_or_text(event, &span)?;
                    let vspan = self.span_at(v.at, v.len(self.text.len()));
                    self.topo.agreement = Some((v.text.into_owned(), vspan));
                }
                "nodes" => self.nodes()?,
                _ => {
                    if !nodes {
                        return None; // edges before nodes: resolved later by the full loader
                    }
                    self.edges()?;
                }
            }
        }
        if !nodes {
            return None;
        }
        matches!(self.next()?.0, Event::DocumentEnd).then_some(())?;
        matches!(self.next()?.0, Event::StreamEnd).then_some(())?;
        // Nothing after the end of the stream (the parser is fused).
        self.events.parser.next().is_none().then_some(())
    }

    fn nodes(&mut self) -> Option<()> {
        matches!(self.next()?.0, Event::MappingStart(..)).then_some(())?;
        let text_len = self.text.len();
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::MappingEnd) {
                return Some(());
            }
            let key = self.key_or_text(event, &span)?;
            safe_name(&key.text)?;
            let node_span = self.span_at(key.at, key.len(text_len));
            let mut attrs = std::mem::take(&mut self.attrs);
            attrs.clear();
            let (event, span) = self.next()?;
            match event {
                Event::MappingStart(..) => self.attr_map(&mut attrs, true)?,
                event => {
                    // `id:` (or `~`, `null`): a node without attributes.
                    let s = Self::scalar(event, &span)?;
                    s.is_null().then_some(())?;
                }
            }
            let added = self
                .topo
                .add_node_interned(&key.text, &mut attrs, node_span);
            self.attrs = attrs;
            added.ok()?;
        }
    }

    /// A map of attributes, its `MappingStart` read, into `out`; then the
    /// duplicate check. `node`: a node's map, whose keys the full loader
    /// interns before their values.
    fn attr_map(&mut self, out: &mut Vec<(Sym, Sym)>, node: bool) -> Option<()> {
        self.keys.clear();
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::MappingEnd) {
                break;
            }
            let key = self.key_or_text(event, &span)?;
            safe_name(&key.text)?;
            if node {
                self.topo.strings.intern(&key.text);
            }
            self.attr(out, &key.text)?;
        }
        self.no_duplicates()
    }

    /// One attribute value, read as the full loader's `read_attr` reads it:
    /// a plain value as one pair, a list as one tagged pair per element, a
    /// map as dotted names.
    fn attr(&mut self, out: &mut Vec<(Sym, Sym)>, name: &str) -> Option<()> {
        let (event, span) = self.next()?;
        match event {
            Event::SequenceStart(..) => {
                let k = self.topo.strings.intern(name);
                self.keys.push(k);
                let mut empty = true;
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    let item = Self::scalar(event, &span)?;
                    (!item.is_null()).then_some(())?;
                    self.attr_text(&item)?;
                    let v = self.topo.strings.intern(&item.text);
                    out.push((k, v | LIST));
                    empty = false;
                }
                if empty {
                    out.push((k, EMPTY_LIST));
                }
            }
            Event::MappingStart(..) => loop {
                let (event, span) = self.next()?;
                if matches!(event, Event::MappingEnd) {
                    break;
                }
                let inner = self.key_or_text(event, &span)?;
                safe_name(&inner.text)?;
                let dotted = format!("{name}.{}", inner.text);
                self.attr(out, &dotted)?;
            },
            event => {
                let value = Self::scalar(event, &span)?;
                (!value.is_null()).then_some(())?;
                self.attr_text(&value)?;
                let k = self.topo.strings.intern(name);
                let v = self.topo.strings.intern(&value.text);
                self.keys.push(k);
                out.push((k, v));
            }
        }
        Some(())
    }

    /// Gives up when the map just read named an attribute twice.
    fn no_duplicates(&mut self) -> Option<()> {
        if self.keys.len() > 1 {
            self.keys.sort_unstable();
            if self.keys.windows(2).any(|w| w[0] == w[1]) {
                return None;
            }
        }
        Some(())
    }

    fn edges(&mut self) -> Option<()> {
        let (event, span) = self.next()?;
        match event {
            Event::SequenceStart(..) => {}
            event => {
                // `edges:` with nothing: no edges.
                return Self::scalar(event, &span)?.is_null().then_some(());
            }
        }
        loop {
            let (event, _) = self.next()?;
            match event {
                Event::SequenceEnd => return Some(()),
                Event::MappingStart(..) => self.edge()?,
                _ => return None,
            }
        }
    }

    /// One edge, its `MappingStart` read.
    fn edge(&mut self) -> Option<()> {
        let text_len = self.text.len();
        let mut first = None;
        let mut end = 0;
        let mut ends: [Option<Scalar<'a>>; 3] = [None, None, None];
        let mut attrs = Vec::new();
        self.keys.clear();
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::MappingEnd) {
                break;
            }
            let key = self.key_or_text(event, &span)?;
            first.get_or_insert(key.at);
            safe_name(&key.text)?;
            end = end.max(key.at + key.len(text_len));
            let slot = match &*key.text {
                "from" => 0,
                "to" => 1,
                "kind" => 2,
                _ => {
                    self.attr(&mut attrs, &key.text)?;
                    continue;
                }
            };
            let (event, span) = self.next()?;
            let v = self.key_or_text(event, &span)?;
            if slot == 2 {
                safe_name(&v.text)?;
            }
            end = end.max(self.span_at(v.at, v.len(text_len)).end);
            if ends[slot].replace(v).is_some() {
                return None;
            }
        }
        self.no_duplicates()?;
        let span = super::raw::edge_span(self.text, first?, end);
        let [Some(from), Some(to), Some(kind)] = ends else {
            return None;
        };
        let from = self
            .topo
            .node_index_hinted(&from.text, &mut self.last_from)?;
        let to = self.topo.node_index(&to.text)?;
        self.topo
            .add_edge_interned(from, to, &kind.text, attrs, span);
        Some(())
    }
}

/// Gives up on a name holding a character the full loader refuses in
/// node ids, attribute names, edge keys and kinds.
fn safe_name(name: &str) -> Option<()> {
    (!crate::escape::has_unsafe(name)).then_some(())
}
