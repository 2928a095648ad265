//! The fast path for YAML topologies: a YAML parser's events read straight
//! into the model, without serde.
//!
//! Why: serde-saphyr drives its parser (granit) but adds a deserializer
//! layer that is about as costly as the parser itself on a generated
//! estate (a `Spanned` wrapper per key, comment plumbing, a fingerprint
//! per key for duplicate and merge-key bookkeeping, events moved through
//! queues). Reading the events directly, with their byte spans, loads the
//! 100k-node estate more than twice as fast.
//!
//! Which parser: saphyr-parser 0.3 (granit's ancestor) when the text is
//! [`plain_text`] — printable ASCII and line feeds only, no line starting
//! with `%`, `---` or `...`, fewer than 32 `#` — because it runs about 30%
//! fewer instructions than granit for the same events (callgrind, 10k-node
//! estate; see "The event parser, measured" in docs/performance.md);
//! granit, with the full loader's own options, for any other text, and
//! again whenever a rule of the saphyr path below gave up (so such a file
//! costs one more partial parse, never a wrong result). Where the two
//! parsers could read plain text differently, the saphyr path gives up:
//! - a flow collection must stay on its line, and a scalar on one line
//!   (granit refuses a flow continuation line indented less than the
//!   block around it, saphyr-parser does not: found by the `yaml_fast`
//!   fuzz target; folding and block scalars are left out with it);
//! - a plain scalar must be letters, digits, spaces and `-_./+~=@`, not
//!   starting with an indicator (saphyr-parser reads `|x` in a flow map as
//!   text, granit refuses it: found by the fuzz target too); a quoted one
//!   must have no escape;
//! - a value must start within [`KEY_REACH`] bytes of its key (granit
//!   gives up on a simple key whose `:` is more than 1024 characters away
//!   in flow collections too, saphyr-parser only in block context);
//! - fewer than 32 `#` (granit's budget on comments buffered in a
//!   lookahead can then never trip); nesting stays far below both
//!   parsers' limits ([`MAX_DEPTH`]); tabs, carriage returns, a BOM,
//!   control and non-ASCII characters (where character and byte offsets
//!   differ), directives and document markers all go to granit.
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
//! generated and mutated topologies, and the `yaml_fast` fuzz target on
//! any text.
//!
//! Hostile input: both parsers refuse flow nesting past 255 levels;
//! granit bounds block nesting, and this reader gives up past
//! [`MAX_DEPTH`] levels on either, so its own recursion is bounded; its
//! work is one pass over the events. saphyr-parser builds a long scalar
//! about twice as slowly as granit (a 50 MB one: 2.2 s against 1.0 s),
//! still linearly.

use std::borrow::Cow;

use super::{EMPTY_LIST, LIST, Sym, Topology};
use crate::source::{SourceRef, Span};

/// Deepest collection nesting this reader follows (a topology needs four:
/// the document, `nodes`, a node, an attribute map); the full loader
/// allows 32, so anything this reader accepts is within its limit.
pub const MAX_DEPTH: usize = 12;

/// On saphyr-parser's events, the farthest a key may start before its
/// value does (in bytes, which are characters on that path). granit (the
/// full loader's parser) gives up on a simple key whose `:` comes more
/// than 1024 characters after its start, in flow collections too;
/// saphyr-parser does so only in block context.
const KEY_REACH: usize = 1000;

/// On saphyr-parser's events: fewer `#` than granit's budget for comments
/// buffered in a lookahead (serde-saphyr's default, 32), so that budget
/// can never trip where saphyr-parser, which drops comments, reads on.
const MAX_HASHES: usize = 31;

/// The topology, when the text is a plain, valid topology that this reader
/// loads exactly as the full loader would; `None` otherwise (the caller
/// then runs the full loader).
///
/// The parsers are tried from the fastest: this crate's own scanner
/// ([`super::yaml_scan`]) and saphyr-parser on [`plain_text`] only, then
/// granit. A path that *declines* (the text leaves what it reads exactly
/// as granit does) hands over to the next; a path whose reader gives up
/// (a duplicate id, an unknown key...) ends the fast path, since every
/// path gives the same events where it reads at all.
pub fn load(source: &SourceRef) -> Option<Topology> {
    for via in [EventSource::Scan, EventSource::Saphyr, EventSource::Granit] {
        match read(source, via) {
            Read::Done(topology) => return Some(*topology),
            Read::Declined => continue,
            Read::GaveUp => return None,
        }
    }
    None
}

/// Which parser's events a fast load reads: [`load`] tries them in turn;
/// tests and fuzz targets call [`load_with`] to hold each to the full
/// loader on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventSource {
    /// The scanner for the plainest YAML ([`super::yaml_scan`]).
    Scan,
    /// saphyr-parser, on [`plain_text`].
    Saphyr,
    /// granit, with the full loader's options, on any text.
    Granit,
}

/// The topology read on one parser's events only (see [`load`]).
pub fn load_with(source: &SourceRef, via: EventSource) -> Option<Topology> {
    match read(source, via) {
        Read::Done(topology) => Some(*topology),
        Read::Declined | Read::GaveUp => None,
    }
}

enum Read {
    Done(Box<Topology>),
    /// The text is outside what this path reads: another path may.
    Declined,
    /// The reader gave up: no path will read it; the full loader must.
    GaveUp,
}

fn read(source: &SourceRef, via: EventSource) -> Read {
    let text = source.text();
    let parser = match via {
        EventSource::Scan | EventSource::Saphyr if !plain_text(text) => return Read::Declined,
        EventSource::Scan => Parser::Scan(super::yaml_scan::Scanner::new(text)),
        EventSource::Saphyr => Parser::Saphyr(saphyr_parser::Parser::new_from_str(text)),
        EventSource::Granit => Parser::Granit(granit(text)),
    };
    let mut reader = Reader::new(source, parser);
    if reader.document().is_some() {
        return Read::Done(Box::new(reader.topo));
    }
    let declined = reader.events.declined
        || matches!(&reader.events.parser, Parser::Scan(scanner) if scanner.declined);
    if declined {
        Read::Declined
    } else {
        Read::GaveUp
    }
}

/// Whether the scanner ([`super::yaml_scan`]) reads `text` (`Ok(true)`),
/// declines it (`Ok(false)`), or reads it otherwise than granit, the full
/// loader's parser, does (`Err`, saying where): scalars must agree in
/// text, style and span, collections and documents in kind and order.
/// For the `yaml_scan` fuzz target and the tests.
pub fn scan_agrees_with_granit(text: &str) -> Result<bool, String> {
    if !plain_text(text) {
        return Ok(false);
    }
    let mut scanner = super::yaml_scan::Scanner::new(text);
    let mut scanned = Vec::new();
    while let Some(event) = scanner.next() {
        scanned.push(event);
    }
    if scanner.declined {
        return Ok(false);
    }
    let mut granit = Parser::Granit(granit(text));
    let mut read = Vec::new();
    while let Some(event) = granit.next() {
        if event.0 != Ev::Comment {
            read.push(event);
        }
    }
    for (i, (ours, theirs)) in scanned.iter().zip(&read).enumerate() {
        let agree = match (&ours.0, &theirs.0) {
            // granit spells an empty value `~`; the reader takes both.
            (Ev::Scalar(a, true), Ev::Scalar(b, true)) if a.is_empty() => {
                (b.is_empty() || b == "~") && ours.1 == theirs.1 && ours.2 == theirs.2
            }
            (Ev::Scalar(..), _) => ours == theirs,
            (a, b) => a == b,
        };
        if !agree {
            return Err(format!("event {i}: scanned {ours:?}, granit {theirs:?}"));
        }
    }
    if scanned.len() != read.len() || !granit.done() {
        return Err(format!(
            "scanned {} events, granit {} (the last: {:?} / {:?})",
            scanned.len(),
            read.len(),
            scanned.last(),
            read.last()
        ));
    }
    Ok(true)
}

/// Whether `text` is plain enough to be read on saphyr-parser's events:
/// printable ASCII and line feeds only (so character offsets are byte
/// offsets, and no tab, carriage return, BOM, control or non-ASCII
/// character, where the two parsers' histories differ), no line starting
/// with a directive (`%`) or a document marker (`---`, `...`), and fewer
/// `#` than granit's comment budget. Anything else is read on granit's
/// events, as the full loader reads it.
pub fn plain_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Not short-circuiting within a chunk, so the compiler vectorizes it.
    let printable = bytes.chunks(64).all(|chunk| {
        chunk.iter().fold(true, |ok, &b| {
            ok & ((0x20..0x7f).contains(&b) | (b == b'\n'))
        })
    });
    let starts_line = |marker: &[u8]| {
        bytes.starts_with(&marker[1..]) || memchr::memmem::find(bytes, marker).is_some()
    };
    printable
        && memchr::memchr_iter(b'#', bytes)
            .take(MAX_HASHES + 1)
            .count()
            <= MAX_HASHES
        && !starts_line(b"\n%")
        && !starts_line(b"\n---")
        && !starts_line(b"\n...")
}

/// On saphyr-parser's events, a plain scalar is taken only when it is
/// made of letters, digits, spaces and `-_./+~=@`, and starts with none
/// of YAML's indicators (but `-` before a letter or digit): saphyr-parser
/// reads `|x` in a flow map as text where granit refuses it (found by the
/// `yaml_fast` fuzz target), and a colon, a `#` or an indicator is where
/// such differences live. Anything else goes to granit.
fn plain_and_simple(value: &[u8]) -> bool {
    let start = match value {
        [b'-', next, ..] => next.is_ascii_alphanumeric(),
        [first, ..] => {
            first.is_ascii_alphanumeric() || matches!(first, b'_' | b'.' | b'/' | b'~' | b'+')
        }
        [] => true,
    };
    start
        && value.iter().all(|&b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b' ' | b'-' | b'_' | b'.' | b'/' | b'+' | b'~' | b'=' | b'@'
                )
        })
}

/// On saphyr-parser's events, a scalar that is not plain is taken only
/// when quoted, and, if double-quoted, without escapes (a block scalar
/// goes to granit, and so do escapes, where the parsers could differ);
/// and only when its span is the quoted value, quotes included.
/// saphyr-parser gives a quoted key with no value in a flow mapping
/// (`{"a  "}`) a span as long as its value, without the closing quote
/// (found by the `yaml_fast` fuzz target), where granit's is right.
fn quoted_and_simple(covered: &[u8], value: &str) -> bool {
    let Some((&quote, rest)) = covered.split_first() else {
        return false;
    };
    let Some((&last, inner)) = rest.split_last() else {
        return false;
    };
    match quote {
        _ if last != quote => false,
        b'"' => memchr::memchr(b'\\', inner).is_none() && inner == value.as_bytes(),
        b'\'' => single_quoted_is(inner, value.as_bytes()),
        _ => false,
    }
}

/// Whether `inner`, the text between a single-quoted scalar's quotes,
/// reads as `value` (`''` is one `'`; a lone `'` cannot be inside).
fn single_quoted_is(inner: &[u8], value: &[u8]) -> bool {
    let mut value = value.iter();
    let mut at = 0;
    while let Some(&b) = inner.get(at) {
        if b == b'\'' {
            if inner.get(at + 1) != Some(&b'\'') {
                return false;
            }
            at += 1;
        }
        if value.next() != Some(&b) {
            return false;
        }
        at += 1;
    }
    value.next().is_none()
}

/// An event as this reader needs it, from any of the parsers.
#[derive(Debug, PartialEq)]
pub(crate) enum Ev<'a> {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    MappingStart,
    MappingEnd,
    SequenceStart,
    SequenceEnd,
    /// A scalar's value, and whether it is plain (unquoted, not a block).
    Scalar(Cow<'a, str>, bool),
    Comment,
}

/// The parser: saphyr-parser for [`plain_text`] (it is faster), granit,
/// with the full loader's options, for anything else.
// One per load, on the stack: boxing granit's larger state would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Parser<'a> {
    Scan(super::yaml_scan::Scanner<'a>),
    Granit(granit_parser::Parser<'a, granit_parser::StrInput<'a>>),
    Saphyr(saphyr_parser::Parser<'a, saphyr_parser::StrInput<'a>>),
}

impl<'a> Parser<'a> {
    /// The next event and the byte offsets of its start and end; `None`
    /// on an error, at the end, or on anything this reader does not handle
    /// (anchors, aliases, tags).
    fn next(&mut self) -> Option<(Ev<'a>, usize, usize)> {
        match self {
            Parser::Scan(scanner) => scanner.next(),
            Parser::Granit(parser) => {
                use granit_parser::Event as E;
                let (event, span) = parser.next()?.ok()?;
                let ev = match event {
                    E::Comment(..) => Ev::Comment,
                    E::Scalar(value, style, anchor, tag) => {
                        if anchor != 0 || tag.is_some() {
                            return None;
                        }
                        let plain = style == granit_parser::ScalarStyle::Plain;
                        let at = span.start.byte_offset()?;
                        let end = span.end.byte_offset()?;
                        return Some((Ev::Scalar(value, plain), at, end));
                    }
                    E::MappingStart(_, anchor, tag) => {
                        (anchor == 0 && tag.is_none()).then_some(Ev::MappingStart)?
                    }
                    E::SequenceStart(_, anchor, tag) => {
                        (anchor == 0 && tag.is_none()).then_some(Ev::SequenceStart)?
                    }
                    E::MappingEnd => Ev::MappingEnd,
                    E::SequenceEnd => Ev::SequenceEnd,
                    E::StreamStart => Ev::StreamStart,
                    E::StreamEnd => Ev::StreamEnd,
                    E::DocumentStart(..) => Ev::DocumentStart,
                    E::DocumentEnd => Ev::DocumentEnd,
                    // Aliases, anchors, and whatever a later parser adds.
                    _ => return None,
                };
                let at = span.start.byte_offset().unwrap_or(0);
                Some((ev, at, at))
            }
            Parser::Saphyr(parser) => {
                use saphyr_parser::Event as E;
                let (event, span) = parser.next_event()?.ok()?;
                let ev = match event {
                    E::Scalar(value, style, anchor, tag) => {
                        if anchor != 0 || tag.is_some() {
                            return None;
                        }
                        Ev::Scalar(value, style == saphyr_parser::ScalarStyle::Plain)
                    }
                    E::MappingStart(anchor, tag) => {
                        (anchor == 0 && tag.is_none()).then_some(Ev::MappingStart)?
                    }
                    E::SequenceStart(anchor, tag) => {
                        (anchor == 0 && tag.is_none()).then_some(Ev::SequenceStart)?
                    }
                    E::MappingEnd => Ev::MappingEnd,
                    E::SequenceEnd => Ev::SequenceEnd,
                    E::StreamStart => Ev::StreamStart,
                    E::StreamEnd => Ev::StreamEnd,
                    E::DocumentStart(_) => Ev::DocumentStart,
                    E::DocumentEnd => Ev::DocumentEnd,
                    _ => return None,
                };
                // Character offsets: byte offsets, the text being ASCII.
                Some((ev, span.start.index(), span.end.index()))
            }
        }
    }

    /// Whether the parser has nothing after the end of the stream.
    fn done(&mut self) -> bool {
        match self {
            Parser::Scan(scanner) => scanner.next().is_none(),
            Parser::Granit(parser) => parser.next().is_none(),
            Parser::Saphyr(parser) => parser.next_event().is_none(),
        }
    }
}

/// granit, with the options serde-saphyr gives it for the full loader's
/// budget (`Budget::parser_options`), so both accept the same text.
fn granit(text: &str) -> granit_parser::Parser<'_, granit_parser::StrInput<'_>> {
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
    granit_parser::Parser::new_from_str_with_options(text, options)
}

/// The parser's events, with comments skipped, and with everything this
/// reader does not handle (errors, anchors, aliases, tags, budgets)
/// turned into `None`.
struct Events<'a> {
    parser: Parser<'a>,
    text: &'a str,
    /// On saphyr-parser's events: how many flow collections are open,
    /// where the line of the outermost one ends, and whether a rule of
    /// the saphyr path (not of the reader) gave up.
    flow: usize,
    flow_line_end: usize,
    declined: bool,
    depth: usize,
    events: usize,
    max_events: usize,
    scalar_bytes: usize,
    max_scalar_bytes: usize,
}

impl<'a> Events<'a> {
    fn new(text: &'a str, parser: Parser<'a>) -> Self {
        Events {
            parser,
            text,
            flow: 0,
            flow_line_end: 0,
            declined: false,
            depth: 0,
            events: 0,
            // Well inside the full loader's budgets (`2 * len + 10_000`
            // events, `len + 10_000` nodes, `len + 1024` scalar bytes).
            max_events: text.len() + 10_000,
            scalar_bytes: 0,
            max_scalar_bytes: text.len(),
        }
    }

    fn saphyr(&self) -> bool {
        matches!(self.parser, Parser::Saphyr(_))
    }

    /// On saphyr-parser's events: whether a flow collection stays on the
    /// line it starts on (keeping count of the flow collections open).
    /// granit refuses a flow collection's continuation line indented less
    /// than the block around it, saphyr-parser does not (found by the
    /// `yaml_fast` fuzz target), so the saphyr path takes flow
    /// collections on one line only.
    /// A scalar over several lines (folded, a block scalar, a quoted
    /// scalar with a line break) is left to granit too: that is where
    /// the two parsers' indentation rules could differ.
    fn on_one_line(&mut self, (event, at, end): &(Ev<'a>, usize, usize)) -> bool {
        if self.flow > 0 && *end > self.flow_line_end {
            return false;
        }
        match event {
            Ev::Scalar(value, plain) => {
                let covered = self.text.as_bytes().get(*at..*end).unwrap_or_default();
                return memchr::memchr(b'\n', covered).is_none()
                    && if *plain {
                        plain_and_simple(value.as_bytes())
                    } else {
                        quoted_and_simple(covered, value)
                    };
            }
            Ev::MappingStart | Ev::SequenceStart => {
                if self.flow == 0 {
                    if !matches!(self.text.as_bytes().get(*at), Some(b'{' | b'[')) {
                        return true; // a block collection
                    }
                    self.flow_line_end = memchr::memchr(b'\n', &self.text.as_bytes()[*at..])
                        .map_or(self.text.len(), |n| at + n);
                }
                self.flow += 1;
            }
            Ev::MappingEnd | Ev::SequenceEnd => self.flow = self.flow.saturating_sub(1),
            _ => {}
        }
        true
    }

    fn next(&mut self) -> Option<(Ev<'a>, usize, usize)> {
        loop {
            let next = self.parser.next()?;
            self.events += 1;
            if self.events > self.max_events {
                return None;
            }
            if self.saphyr() && !self.on_one_line(&next) {
                self.declined = true;
                return None;
            }
            match &next.0 {
                Ev::Comment => continue,
                Ev::Scalar(value, _) => {
                    self.scalar_bytes += value.len();
                    if self.scalar_bytes > self.max_scalar_bytes {
                        return None;
                    }
                }
                Ev::MappingStart | Ev::SequenceStart => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return None;
                    }
                }
                Ev::MappingEnd | Ev::SequenceEnd => self.depth -= 1,
                Ev::StreamStart | Ev::StreamEnd | Ev::DocumentStart | Ev::DocumentEnd => {}
            }
            return Some(next);
        }
    }
}
/// A scalar as read: its text and where it is.
struct Scalar<'a> {
    text: Cow<'a, str>,
    plain: bool,
    /// Byte offset and byte length of what the parser's span covers.
    at: usize,
    written: usize,
}

impl Scalar<'_> {
    /// Whether serde-saphyr reads it as null (`~`, `null`, nothing).
    fn is_null(&self) -> bool {
        self.plain && matches!(&*self.text, "" | "~" | "null" | "Null" | "NULL")
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

type Next<'a> = (Ev<'a>, usize, usize);

impl<'a> Reader<'a> {
    fn new(source: &'a SourceRef, parser: Parser<'a>) -> Self {
        let text = source.text();
        Reader {
            events: Events::new(text, parser),
            text,
            topo: Topology::new(source.clone()),
            keys: Vec::new(),
            attrs: Vec::new(),
            last_from: u32::MAX,
        }
    }

    fn next(&mut self) -> Option<Next<'a>> {
        self.events.next()
    }

    /// The next event, the value of a key that starts at `key_at`: on
    /// saphyr-parser's events, `None` when it starts farther than
    /// [`KEY_REACH`] from the key.
    fn value(&mut self, key_at: usize) -> Option<Next<'a>> {
        let next = self.events.next()?;
        if self.events.saphyr() && next.1.saturating_sub(key_at) > KEY_REACH {
            self.events.declined = true;
            return None;
        }
        Some(next)
    }

    fn scalar((event, at, end): Next<'a>) -> Option<Scalar<'a>> {
        let Ev::Scalar(text, plain) = event else {
            return None;
        };
        Some(Scalar {
            text,
            plain,
            at,
            written: end.saturating_sub(at),
        })
    }

    /// The event, which must be a scalar that is neither null nor a
    /// merge key (`<<`).
    fn key_or_text(next: Next<'a>) -> Option<Scalar<'a>> {
        let s = Self::scalar(next)?;
        (!s.is_null() && s.text != "<<").then_some(s)
    }

    /// A plain scalar whose text is not exactly what it covers in the file
    /// (one folded over lines) is left to the full loader, which reads a
    /// number or a boolean by its span and text by its value.
    /// A non-finite float (`.inf`, `-.NaN`, `1e999`) is refused by
    /// serde-saphyr's default float policy: left to the full loader as well.
    fn attr_text(&self, s: &Scalar<'_>) -> Option<()> {
        if s.plain {
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
        matches!(self.next()?.0, Ev::StreamStart).then_some(())?;
        matches!(self.next()?.0, Ev::DocumentStart).then_some(())?;
        matches!(self.next()?.0, Ev::MappingStart).then_some(())?;
        let (mut name, mut agreement, mut nodes, mut edges) = (false, false, false, false);
        loop {
            let next = self.next()?;
            if matches!(next.0, Ev::MappingEnd) {
                break;
            }
            let key = Self::key_or_text(next)?;
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
            let value = self.value(key.at)?;
            match &*key.text {
                "name" => {
                    let v = Self::key_or_text(value)?;
                    self.topo.name = Some(v.text.into_owned());
                }
                "agreement" => {
                    let v = Self::key_or_text(value)?;
                    let vspan = self.span_at(v.at, v.len(self.text.len()));
                    self.topo.agreement = Some((v.text.into_owned(), vspan));
                }
                "nodes" => self.nodes(value)?,
                _ => {
                    if !nodes {
                        return None; // edges before nodes: resolved later by the full loader
                    }
                    self.edges(value)?;
                }
            }
        }
        if !nodes {
            return None;
        }
        matches!(self.next()?.0, Ev::DocumentEnd).then_some(())?;
        matches!(self.next()?.0, Ev::StreamEnd).then_some(())?;
        // Nothing after the end of the stream (the parsers are fused).
        self.events.parser.done().then_some(())
    }

    /// The nodes, from their map's first event.
    fn nodes(&mut self, first: Next<'a>) -> Option<()> {
        matches!(first.0, Ev::MappingStart).then_some(())?;
        let text_len = self.text.len();
        loop {
            let next = self.next()?;
            if matches!(next.0, Ev::MappingEnd) {
                // Indexed at once; a repeated id is the full loader's to
                // report.
                return self.topo.index_nodes().is_empty().then_some(());
            }
            let key = Self::key_or_text(next)?;
            safe_name(&key.text)?;
            let node_span = self.span_at(key.at, key.len(text_len));
            let mut attrs = std::mem::take(&mut self.attrs);
            attrs.clear();
            let value = self.value(key.at)?;
            match value.0 {
                Ev::MappingStart => self.attr_map(&mut attrs, true)?,
                _ => {
                    // `id:` (or `~`, `null`): a node without attributes.
                    let s = Self::scalar(value)?;
                    s.is_null().then_some(())?;
                }
            }
            self.topo
                .push_node_unindexed(&key.text, &mut attrs, node_span);
            self.attrs = attrs;
        }
    }

    /// A map of attributes, its `MappingStart` read, into `out`; then the
    /// duplicate check. `node`: a node's map, whose keys the full loader
    /// interns before their values.
    fn attr_map(&mut self, out: &mut Vec<(Sym, Sym)>, node: bool) -> Option<()> {
        self.keys.clear();
        loop {
            let next = self.next()?;
            if matches!(next.0, Ev::MappingEnd) {
                break;
            }
            let key = Self::key_or_text(next)?;
            safe_name(&key.text)?;
            let sym = node.then(|| self.topo.strings.intern(&key.text));
            let value = self.value(key.at)?;
            self.attr(out, &key.text, sym, value)?;
        }
        self.no_duplicates()
    }

    /// One attribute value, from its first event, read as the full
    /// loader's `read_attr` reads it: a plain value as one pair, a list as
    /// one tagged pair per element, a map as dotted names. `sym`: `name`
    /// interned already (so not looked up twice).
    fn attr(
        &mut self,
        out: &mut Vec<(Sym, Sym)>,
        name: &str,
        sym: Option<Sym>,
        first: Next<'a>,
    ) -> Option<()> {
        match first.0 {
            Ev::SequenceStart => {
                let k = sym.unwrap_or_else(|| self.topo.strings.intern(name));
                self.keys.push(k);
                let mut empty = true;
                loop {
                    let next = self.next()?;
                    if matches!(next.0, Ev::SequenceEnd) {
                        break;
                    }
                    let item = Self::scalar(next)?;
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
            Ev::MappingStart => loop {
                let next = self.next()?;
                if matches!(next.0, Ev::MappingEnd) {
                    break;
                }
                let inner = Self::key_or_text(next)?;
                safe_name(&inner.text)?;
                let dotted = format!("{name}.{}", inner.text);
                let value = self.value(inner.at)?;
                self.attr(out, &dotted, None, value)?;
            },
            _ => {
                let value = Self::scalar(first)?;
                (!value.is_null()).then_some(())?;
                self.attr_text(&value)?;
                let k = sym.unwrap_or_else(|| self.topo.strings.intern(name));
                let v = self.topo.strings.intern(&value.text);
                self.keys.push(k);
                out.push((k, v));
            }
        }
        Some(())
    }

    /// Gives up when the map just read named an attribute twice.
    fn no_duplicates(&mut self) -> Option<()> {
        super::raw::distinct(&mut self.keys).then_some(())
    }

    /// The edges, from their list's first event.
    fn edges(&mut self, first: Next<'a>) -> Option<()> {
        match first.0 {
            Ev::SequenceStart => {}
            _ => {
                // `edges:` with nothing: no edges.
                return Self::scalar(first)?.is_null().then_some(());
            }
        }
        loop {
            match self.next()?.0 {
                Ev::SequenceEnd => return Some(()),
                Ev::MappingStart => self.edge()?,
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
            let next = self.next()?;
            if matches!(next.0, Ev::MappingEnd) {
                break;
            }
            let key = Self::key_or_text(next)?;
            first.get_or_insert(key.at);
            safe_name(&key.text)?;
            end = end.max(key.at + key.len(text_len));
            let value = self.value(key.at)?;
            let slot = match &*key.text {
                "from" => 0,
                "to" => 1,
                "kind" => 2,
                _ => {
                    self.attr(&mut attrs, &key.text, None, value)?;
                    continue;
                }
            };
            let v = Self::key_or_text(value)?;
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
