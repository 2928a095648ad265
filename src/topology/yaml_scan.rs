//! A scanner for the plainest YAML: the block mappings, block sequences,
//! one-line flow collections and one-line scalars that nearly every
//! topology file is written in, read straight off the bytes into the
//! events [`super::yaml_events`] consumes.
//!
//! Why a scanner of our own, when YAML parsers exist: the target
//! (the 100k-node estate checked in a second) is out of reach of every
//! parser we measured. They run YAML's full state machine and move each
//! token through queues (granit), or build a `String` per scalar as well
//! (saphyr-parser); their events alone cost more than the whole check
//! should (docs/performance.md, "The event parser, measured"). This
//! scanner borrows every scalar from the text and knows only a small
//! subset of YAML, so it is a few branches per byte.
//!
//! Why it cannot change what a file means: it *declines* (sets
//! [`Scanner::declined`] and stops) at the first thing outside that
//! subset, and the caller then reads the file on a full parser. Within
//! the subset it gives the events granit (the full loader's parser)
//! gives, with the same byte spans. The `yaml_scan` fuzz target compares
//! the two event streams on any text, and `yaml_fast` the topologies.
//!
//! The subset, on text that [`super::yaml_events::plain_text`] already
//! limited to printable ASCII and line feeds, without directives,
//! document markers or many comments:
//! - one document whose root is a block mapping at column 0;
//! - block mappings of `key: value` and block sequences of `- item`
//!   (a sequence may sit at its key's own indentation, an item may start
//!   a compact mapping, `- key: value`), indented with spaces;
//! - keys and values on one line: plain scalars of letters, digits,
//!   spaces and `-_./+~=@` (not starting with an indicator), quoted
//!   scalars without escapes or doubled quotes, flow collections
//!   (`[a, b]`, `{k: v}`, nested) that close on their line, without a
//!   trailing comma;
//! - comments after a space or at the start of a line, blank lines.
//!
//! Declined: anchors, aliases, tags, block and multi-line scalars,
//! complex keys (`?`), `- - x`, a key whose `:` is more than
//! [`KEY_REACH`] bytes away (granit refuses it), anything indented in a
//! way that is either an error or a continuation line, and nesting past
//! [`super::yaml_events::MAX_DEPTH`].
//!
//! Hostile input: every byte is looked at a bounded number of times (the
//! queue of events per line is filled and drained once), the stack of
//! open collections is bounded by [`super::yaml_events::MAX_DEPTH`], and
//! flow collections are read with a counted depth, so time is linear and
//! memory is the events of one line.

use std::borrow::Cow;
use std::collections::VecDeque;

use super::yaml_events::{Ev, MAX_DEPTH};

/// The farthest (in bytes) a key's `:` may come after the key's start:
/// granit gives up on a simple key past 1024 characters, so this scanner
/// declines well before.
pub const KEY_REACH: usize = 1000;

/// A block collection being read, with its indentation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Map(usize),
    Seq(usize),
}

/// A value still owed: a key ended its line (`key:`) or an item did
/// (`-`), so the next line either opens a collection inside it or the
/// value is null.
#[derive(Clone, Copy)]
struct Owed {
    /// The indentation of the mapping or sequence that owes it.
    indent: usize,
    /// Owed by a mapping key (a sequence may then sit at the same
    /// indentation) rather than by a sequence item.
    by_key: bool,
    /// Where a null value is placed if nothing opens: at the key's `:`
    /// or at the end of the item's line, as granit places it.
    at: usize,
}

/// The scanner: [`Scanner::next`] gives events until the end of the
/// stream, or `None` early when it declines.
pub struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Where the next line starts.
    pos: usize,
    stack: Vec<Open>,
    owed: Option<Owed>,
    queue: VecDeque<(Ev<'a>, usize, usize)>,
    started: bool,
    ended: bool,
    /// The text left the subset: the caller must read it on a full parser.
    pub declined: bool,
}

impl<'a> Scanner<'a> {
    pub fn new(text: &'a str) -> Self {
        Scanner {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            stack: Vec::new(),
            owed: None,
            queue: VecDeque::new(),
            started: false,
            ended: false,
            declined: false,
        }
    }

    /// The next event and the byte offsets its span covers; `None` at the
    /// end of the stream, or when the scanner declines.
    pub fn next(&mut self) -> Option<(Ev<'a>, usize, usize)> {
        while self.queue.is_empty() {
            if self.ended || self.declined {
                return None;
            }
            if self.fill().is_none() {
                self.declined = true;
                self.queue.clear();
                return None;
            }
        }
        self.queue.pop_front()
    }

    fn emit(&mut self, ev: Ev<'a>, at: usize, end: usize) {
        self.queue.push_back((ev, at, end));
    }

    /// Reads the next line that holds something, or the end of the text,
    /// into the queue; `None` to decline.
    fn fill(&mut self) -> Option<()> {
        let len = self.bytes.len();
        while self.pos < len {
            let start = self.pos;
            let eol = memchr::memchr(b'\n', &self.bytes[start..]).map_or(len, |n| start + n);
            self.pos = (eol + 1).min(len);
            let mut content = start;
            while content < eol && self.bytes[content] == b' ' {
                content += 1;
            }
            if content == eol || self.bytes[content] == b'#' {
                continue; // blank, or a comment line
            }
            return self.line(content - start, content, eol);
        }
        self.finish();
        Some(())
    }

    /// The end of the text: the owed value is null, everything closes.
    fn finish(&mut self) {
        let len = self.bytes.len();
        if !self.started {
            self.declined = true; // no document: the full loader says so
            return;
        }
        if let Some(owed) = self.owed.take() {
            self.emit(Ev::Scalar(Cow::Borrowed(""), true), owed.at, owed.at);
        }
        while let Some(open) = self.stack.pop() {
            self.close(open, len);
        }
        self.emit(Ev::DocumentEnd, len, len);
        self.emit(Ev::StreamEnd, len, len);
        self.ended = true;
    }

    fn close(&mut self, open: Open, at: usize) {
        let ev = match open {
            Open::Map(_) => Ev::MappingEnd,
            Open::Seq(_) => Ev::SequenceEnd,
        };
        self.emit(ev, at, at);
    }

    fn push(&mut self, open: Open, at: usize) -> Option<()> {
        if self.stack.len() >= MAX_DEPTH {
            return None;
        }
        self.stack.push(open);
        let ev = match open {
            Open::Map(_) => Ev::MappingStart,
            Open::Seq(_) => Ev::SequenceStart,
        };
        self.emit(ev, at, at);
        Some(())
    }

    /// One line whose content starts at `at`, `indent` spaces in.
    fn line(&mut self, indent: usize, at: usize, eol: usize) -> Option<()> {
        let dash = self.bytes[at] == b'-' && (at + 1 == eol || self.bytes[at + 1] == b' ');
        if !self.started {
            // The root: a block mapping at column 0.
            if indent != 0 || dash {
                return None;
            }
            self.started = true;
            self.emit(Ev::StreamStart, 0, 0);
            self.emit(Ev::DocumentStart, 0, 0);
            self.push(Open::Map(0), at)?;
        } else if let Some(owed) = self.owed.take() {
            let opens = indent > owed.indent || (owed.by_key && dash && indent == owed.indent);
            if opens {
                let open = if dash {
                    Open::Seq(indent)
                } else {
                    Open::Map(indent)
                };
                self.push(open, at)?;
            } else {
                self.emit(Ev::Scalar(Cow::Borrowed(""), true), owed.at, owed.at);
            }
        }
        while let Some(&open) = self.stack.last() {
            let close = match open {
                Open::Map(n) => n > indent,
                // A sequence at its key's indentation ends where the
                // mapping's next key starts.
                Open::Seq(n) => n > indent || (n == indent && !dash),
            };
            if !close {
                break;
            }
            self.stack.pop();
            self.close(open, at);
        }
        match self.stack.last() {
            Some(&Open::Map(n)) if n == indent && !dash => self.entry(at, eol),
            Some(&Open::Seq(n)) if n == indent && dash => self.item(at, eol),
            // The document ended (a second root), a continuation line,
            // or an indentation that is an error: the full parser says.
            _ => None,
        }
    }

    /// A mapping entry, `key: value`, starting at `at`.
    fn entry(&mut self, at: usize, eol: usize) -> Option<()> {
        let indent = match self.stack.last() {
            Some(&Open::Map(n)) => n,
            _ => return None,
        };
        let (key, after) = self.block_scalar(at, eol)?;
        let colon = self.key_colon(at, after, eol)?;
        self.queue.push_back(key);
        self.value(colon + 1, eol, indent)
    }

    /// A sequence item, `- ...`, its dash at `at`.
    fn item(&mut self, at: usize, eol: usize) -> Option<()> {
        let indent = match self.stack.last() {
            Some(&Open::Seq(n)) => n,
            _ => return None,
        };
        let p = self.spaces(at + 1, eol);
        if p == eol || self.bytes[p] == b'#' {
            self.owed = Some(Owed {
                indent,
                by_key: false,
                at: eol,
            });
            return Some(());
        }
        if matches!(self.bytes[p], b'[' | b'{') {
            let end = self.flow(p, eol, self.stack.len())?;
            return self.rest_of_line(end, eol);
        }
        // A scalar, or the first key of a compact mapping.
        let (scalar, after) = self.block_scalar(p, eol)?;
        if let Some(colon) = self.key_colon(p, after, eol) {
            // The compact mapping's indentation: its first key's column.
            let column = indent + (p - at);
            self.push(Open::Map(column), p)?;
            self.queue.push_back(scalar);
            return self.value(colon + 1, eol, column);
        }
        self.queue.push_back(scalar);
        self.rest_of_line(after, eol)
    }

    /// Where the `:` of a key that starts at `at` and ends at `after` is:
    /// after spaces, followed by a space or the end of the line, and
    /// within [`KEY_REACH`] of the key's start. `None`: not a key.
    fn key_colon(&self, at: usize, after: usize, eol: usize) -> Option<usize> {
        let colon = self.spaces(after, eol);
        (colon < eol
            && self.bytes[colon] == b':'
            && (colon + 1 == eol || self.bytes[colon + 1] == b' ')
            && colon - at <= KEY_REACH)
            .then_some(colon)
    }

    /// A mapping value from `p`, just after its key's `:`, to the end of
    /// the line; `indent`: the mapping's.
    fn value(&mut self, p: usize, eol: usize, indent: usize) -> Option<()> {
        let p0 = p - 1; // the `:`
        let p = self.spaces(p, eol);
        if p == eol || self.bytes[p] == b'#' {
            // `key:` (a comment after `: ` is after a space).
            self.owed = Some(Owed {
                indent,
                by_key: true,
                at: p0,
            });
            return Some(());
        }
        if matches!(self.bytes[p], b'[' | b'{') {
            let end = self.flow(p, eol, self.stack.len())?;
            return self.rest_of_line(end, eol);
        }
        let (scalar, after) = self.block_scalar(p, eol)?;
        self.queue.push_back(scalar);
        self.rest_of_line(after, eol)
    }

    /// A scalar in block context at `p`: quoted, or plain up to a `:` that
    /// may end a key, a comment or the end of the line (trailing spaces
    /// not included). The event, and where its text ends.
    #[allow(clippy::type_complexity)]
    fn block_scalar(&self, p: usize, eol: usize) -> Option<((Ev<'a>, usize, usize), usize)> {
        if matches!(self.bytes[p], b'"' | b'\'') {
            let end = self.quoted(p, eol)?;
            let text = &self.text[p + 1..end - 1];
            return Some(((Ev::Scalar(Cow::Borrowed(text), false), p, end), end));
        }
        let end = self.plain(p, eol)?;
        let text = &self.text[p..end];
        Some(((Ev::Scalar(Cow::Borrowed(text), true), p, end), end))
    }

    /// The end of a quoted scalar starting at `p` (after its closing
    /// quote), which must close on its line and hold no escape.
    fn quoted(&self, p: usize, eol: usize) -> Option<usize> {
        let quote = self.bytes[p];
        let close = p + 1 + memchr::memchr(quote, &self.bytes[p + 1..eol])?;
        let inner = &self.bytes[p + 1..close];
        let doubled = self.bytes.get(close + 1) == Some(&quote);
        (!doubled && (quote == b'\'' || memchr::memchr(b'\\', inner).is_none()))
            .then_some(close + 1)
    }

    /// The end of a plain scalar starting at `p` (trailing spaces not
    /// included): letters, digits, spaces and `-_./+~=@`, not starting
    /// with an indicator (but `-` before a letter or digit).
    fn plain(&self, p: usize, eol: usize) -> Option<usize> {
        let b = self.bytes;
        let starts = match b[p] {
            b'-' => p + 1 < eol && b[p + 1].is_ascii_alphanumeric(),
            c => c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'~' | b'+'),
        };
        if !starts {
            return None;
        }
        let mut q = p + 1;
        while q < eol && simple(b[q]) {
            q += 1;
        }
        let mut end = q;
        while b[end - 1] == b' ' {
            end -= 1;
        }
        Some(end)
    }

    /// After a value that ends at `p`: only spaces, then a comment (after
    /// a space) or the end of the line.
    fn rest_of_line(&self, p: usize, eol: usize) -> Option<()> {
        let q = self.spaces(p, eol);
        (q == eol || (q > p && self.bytes[q] == b'#')).then_some(())
    }

    /// A flow collection at `p` that closes on its line; `depth`
    /// collections are open around it. Where it ends (after its closing
    /// bracket).
    fn flow(&mut self, p: usize, eol: usize, depth: usize) -> Option<usize> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let map = self.bytes[p] == b'{';
        let close = if map { b'}' } else { b']' };
        self.emit(
            if map {
                Ev::MappingStart
            } else {
                Ev::SequenceStart
            },
            p,
            p,
        );
        let mut q = self.spaces(p + 1, eol);
        if self.bytes.get(q) == Some(&close) && q < eol {
            self.emit(end_event(map), q, q + 1);
            return Some(q + 1);
        }
        loop {
            if map {
                let (key, after) = self.flow_scalar(q, eol)?;
                // `key: value`, the `:` followed by a space.
                let colon = self.spaces(after, eol);
                (colon + 1 < eol
                    && self.bytes[colon] == b':'
                    && self.bytes[colon + 1] == b' '
                    && colon - key.1 <= KEY_REACH)
                    .then_some(())?;
                self.queue.push_back(key);
                q = self.spaces(colon + 1, eol);
            }
            q = if q < eol && matches!(self.bytes[q], b'[' | b'{') {
                self.flow(q, eol, depth + 1)?
            } else {
                let (scalar, after) = self.flow_scalar(q, eol)?;
                self.queue.push_back(scalar);
                after
            };
            q = self.spaces(q, eol);
            match self.bytes.get(q) {
                Some(&c) if q < eol && c == close => {
                    self.emit(end_event(map), q, q + 1);
                    return Some(q + 1);
                }
                Some(b',') if q < eol => {
                    q = self.spaces(q + 1, eol);
                    // No trailing comma, no empty entry.
                    if q >= eol || matches!(self.bytes[q], b',' | b']' | b'}') {
                        return None;
                    }
                }
                _ => return None,
            }
        }
    }

    /// A scalar inside a flow collection at `p`: quoted, or plain up to
    /// `,`, `]`, `}` or `:` (trailing spaces not included).
    #[allow(clippy::type_complexity)]
    fn flow_scalar(&self, p: usize, eol: usize) -> Option<((Ev<'a>, usize, usize), usize)> {
        if p >= eol {
            return None;
        }
        let (scalar, end) = self.block_scalar(p, eol)?;
        // A plain one must stop at something flow context ends it with.
        let stop = self.spaces(end, eol);
        (stop < eol && matches!(self.bytes[stop], b',' | b']' | b'}' | b':')).then_some(())?;
        Some((scalar, end))
    }

    fn spaces(&self, mut p: usize, eol: usize) -> usize {
        while p < eol && self.bytes[p] == b' ' {
            p += 1;
        }
        p
    }
}

fn end_event<'a>(map: bool) -> Ev<'a> {
    if map { Ev::MappingEnd } else { Ev::SequenceEnd }
}

/// Whether `b` may continue a plain scalar on this scanner's path.
fn simple(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b' ' | b'-' | b'_' | b'.' | b'/' | b'+' | b'~' | b'=' | b'@'
        )
}
