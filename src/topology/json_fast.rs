//! The fast path for JSON topologies: the plainest JSON read straight off
//! the bytes into the model, without serde.
//!
//! Why: serde_json parses a generated estate at well over 1 GB/s (19.5 ms
//! for the 31 MB, 100k-node one, into `IgnoredAny`), yet the serde load
//! took 110 ms. The rest was the visitor layer around the parser: a key
//! type per string that finds its own offset through a thread-local, an
//! enum per value, a name check and a recorded key per attribute. This
//! reader knows the topology schema, so each string is one table-driven
//! scan to its closing quote and goes straight to the interner or the
//! node list.
//!
//! Why it cannot change what a file means, or any message: it only ever
//! *succeeds*, on a valid topology within its subset, and builds it with
//! the serde loader's own [`Builder`] primitives (the same spans, the
//! same interning order, the same batched lookup of edge ends). At the
//! first thing outside the subset, and at any problem at all, it returns
//! `None` and the caller reads the file with the serde loader
//! ([`super::json::json_serde`]), which reports everything as before. A
//! file with a mistake is thus read twice, which stays linear. The
//! `json_fast` tests and fuzz target hold the two loaders to the same
//! topology on any text the fast path takes.
//!
//! The subset: one object with `name` and `agreement` strings, a `nodes`
//! object and then an `edges` array, each key at most once; node values
//! objects of attributes; an attribute value a string, a number without
//! an exponent (at most 15 characters), `true`, `false`, or an array of
//! those; strings without escapes or control characters. Declined: `null`
//! anywhere, attribute objects (flattened names), nested arrays, a key
//! repeated in any object, `edges` before `nodes`, unknown keys, an edge
//! without `from`, `to` or `kind`, a node id used twice, an edge end
//! naming no node, a name holding an [unsafe character]
//! (crate::escape::has_unsafe), and text after the object.
//!
//! Hostile input: the reader keeps no stack (the schema nests four levels
//! and it reads them in four functions), looks at each byte once, and
//! allocates only what the model keeps. On a file of a megabyte or more,
//! a second reader reads the later edges at the same time
//! ([`super::json_part`]); when its starting guess is wrong, the bytes
//! after it are read twice at most, and it is stopped as soon as the
//! first reader passes it.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use super::json_part::{Known, Part, guess};
use super::raw::{Builder, edge_span, span_at};
use super::{EMPTY_LIST, LIST, Sym, Topology};
use crate::source::{SourceRef, Span};

/// Loads `source` if it is a valid topology in the subset this reader
/// handles; `None` means: read it with the serde loader.
pub fn load(source: &SourceRef) -> Option<Topology> {
    let second = if source.text().len() >= SPLIT_MIN {
        Second::Guess
    } else {
        Second::Alone
    };
    read(source, second).0
}

/// [`load`], with the second reader started at byte `cut` (any byte: a
/// guess that is not an element of `edges` is simply not used), or with
/// no second reader: what the tests and the fuzz target use to try every
/// place a guess can land on small files. Also says whether the second
/// reader's edges were used.
#[doc(hidden)]
pub fn load_cut(source: &SourceRef, cut: Option<usize>) -> (Option<Topology>, bool) {
    read(source, cut.map_or(Second::Alone, Second::At))
}

/// Files smaller than this are read by one thread: starting a second one
/// costs more than it saves.
const SPLIT_MIN: usize = 1 << 20;

/// Whether a second thread reads the later edges, and from where.
#[derive(Clone, Copy)]
enum Second {
    Alone,
    /// From the [`guess`] made once the nodes are read.
    Guess,
    /// From this byte.
    At(usize),
}

/// Reads the topology, the later part of `edges` on a second thread
/// unless `second` says not to (see [`super::json_part`]); whether that
/// thread's edges were used.
fn read(source: &SourceRef, second: Second) -> (Option<Topology>, bool) {
    let text = source.text();
    let mut builder = Builder::new(Topology::new(source.clone()));
    let known = OnceLock::new();
    let stop = AtomicBool::new(false);
    let (read, met) = std::thread::scope(|scope| {
        let mut reader = Reader::new(text, 0, &known, &stop, second);
        if !matches!(second, Second::Alone) {
            let (known, stop) = (&known, &stop);
            let later = std::thread::Builder::new().spawn_scoped(scope, move || {
                let k = known.wait();
                Reader::new(text, k.cut?, known, stop, second).rest_of_edges(k)
            });
            match later {
                Ok(later) => reader.later = Some(Box::new(move || later.join().ok().flatten())),
                // No thread to be had (a process limit): one reader does it all.
                Err(_) => reader.second = Second::Alone,
            }
        }
        let read = reader.top(&mut builder);
        // Whether or not the first reader met the second, it is done, and
        // the second must not wait for nodes that will not come.
        stop.store(true, Ordering::Relaxed);
        let _ = known.set(Known::none());
        (read, reader.met)
    });
    read.and_then(|()| {
        known.into_inner()?.restore(&mut builder.topo);
        builder.problems.is_empty().then_some(builder.topo)
    })
    .map_or((None, false), |t| (Some(t), met))
}

/// Where an attribute's strings are interned: the model ([`Builder`]),
/// or a [`Part`] of the edges.
pub(super) trait Intern {
    fn intern(&mut self, s: &str) -> Sym;
}

impl Intern for Builder {
    fn intern(&mut self, s: &str) -> Sym {
        self.topo.strings.intern(s)
    }
}

/// How a byte inside a string is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Printable ASCII other than `"` and `\`.
    Plain,
    /// The closing quote.
    Quote,
    /// DEL or a byte of a multi-byte character: fine in a value, and a
    /// name holding one is checked for unsafe characters.
    Wide,
    /// A control character (an error in JSON) or a backslash (an escape,
    /// which the serde loader unescapes): declined.
    Decline,
}

const CLASSES: [Class; 256] = {
    let mut table = [Class::Plain; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b {
            0x00..=0x1f | 0x5c => Class::Decline,
            0x22 => Class::Quote,
            0x7f..=0xff => Class::Wide,
            _ => Class::Plain,
        };
        b += 1;
    }
    table
};

/// A string as written: its content's byte range, and whether it holds a
/// byte outside printable ASCII.
#[derive(Clone, Copy)]
struct Str {
    start: usize,
    end: usize,
    wide: bool,
}

impl Str {
    fn len(&self) -> usize {
        self.end - self.start
    }
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// The next byte to read.
    at: usize,
    /// The attribute names of the object being read, for the duplicate
    /// check at its end.
    keys: Vec<Sym>,
    /// The nodes, once the first reader has read them.
    known: &'a OnceLock<Known>,
    /// Set when the first reader no longer needs the second's edges.
    stop: &'a AtomicBool,
    second: Second,
    /// The second reader's edges, once it has read them all.
    later: Option<Later<'a>>,
    /// Whether they were taken.
    met: bool,
}

/// Waits for the second reader: its edges, if it read them all.
type Later<'a> = Box<dyn FnOnce() -> Option<Part<'a>> + 'a>;

impl<'a> Reader<'a> {
    fn new(
        text: &'a str,
        at: usize,
        known: &'a OnceLock<Known>,
        stop: &'a AtomicBool,
        second: Second,
    ) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            at,
            keys: Vec::new(),
            known,
            stop,
            second,
            later: None,
            met: false,
        }
    }

    /// The next byte after JSON whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.bytes.get(self.at) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(b);
            }
            self.at += 1;
        }
        None
    }

    /// Consumes `byte`, after whitespace, or declines.
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// After an element: `true` at `,`, `false` at `close`, else declines.
    fn more(&mut self, close: u8) -> Option<bool> {
        let b = self.peek()?;
        self.at += 1;
        match b {
            b',' => Some(true),
            _ if b == close => Some(false),
            _ => None,
        }
    }

    /// Consumes `open`, and `close` right after it if the collection is
    /// empty: whether it is.
    fn open(&mut self, open: u8, close: u8) -> Option<bool> {
        self.eat(open)?;
        let empty = self.peek()? == close;
        if empty {
            self.at += 1;
        }
        Some(empty)
    }

    /// A string without escapes.
    fn string(&mut self) -> Option<Str> {
        self.eat(b'"')?;
        let start = self.at;
        let mut wide = false;
        loop {
            match CLASSES[usize::from(*self.bytes.get(self.at)?)] {
                Class::Plain => {}
                Class::Quote => break,
                Class::Wide => wide = true,
                Class::Decline => return None,
            }
            self.at += 1;
        }
        let end = self.at;
        self.at += 1;
        Some(Str { start, end, wide })
    }

    /// The text of a string read (its quotes are ASCII, so its range lies
    /// on character boundaries).
    fn text(&self, s: Str) -> &'a str {
        &self.text[s.start..s.end]
    }

    /// A string that names something (a node id, an attribute name, an
    /// edge key or kind): declined if it holds an unsafe character, which
    /// the serde loader reports.
    fn name(&mut self) -> Option<(Str, &'a str)> {
        let s = self.string()?;
        let text = self.text(s);
        (!(s.wide && crate::escape::has_unsafe(text))).then_some((s, text))
    }

    /// `key:`, the key a name.
    fn key(&mut self) -> Option<(Str, &'a str)> {
        let key = self.name()?;
        self.eat(b':')?;
        Some(key)
    }

    /// The top-level object.
    fn top(&mut self, b: &mut Builder) -> Option<()> {
        if self.open(b'{', b'}')? {
            return None; // no `nodes`
        }
        let (mut name, mut agreement, mut nodes, mut edges) = (false, false, false, false);
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            match self.text(key) {
                "name" if !std::mem::replace(&mut name, true) => {
                    let v = self.string()?;
                    b.topo.name = Some(self.text(v).to_string());
                }
                "agreement" if !std::mem::replace(&mut agreement, true) => {
                    let v = self.string()?;
                    let span = span_at(self.text, v.start, v.len());
                    b.topo.agreement = Some((self.text(v).to_string(), span));
                }
                "nodes" if !std::mem::replace(&mut nodes, true) => {
                    self.nodes(b)?;
                    // For the edges, and for the second reader to start.
                    let cut = match self.second {
                        Second::Alone => None,
                        Second::Guess => guess(self.text, self.at),
                        Second::At(at) => Some(at),
                    };
                    let _ = self.known.set(Known::take(&mut b.topo, cut));
                }
                // Edges before nodes wait for them in the serde loader.
                "edges" if nodes && !std::mem::replace(&mut edges, true) => self.edges(b)?,
                _ => return None,
            }
            if !self.more(b'}')? {
                break;
            }
        }
        (nodes && self.peek().is_none()).then_some(())
    }

    /// The `nodes` object, indexed at its end as the serde loader does.
    fn nodes(&mut self, b: &mut Builder) -> Option<()> {
        let mut attrs = Vec::new();
        if !self.open(b'{', b'}')? {
            loop {
                let (id, text) = self.key()?;
                let span = span_at(self.text, id.start, id.len());
                attrs.clear();
                self.attrs(b, &mut attrs)?;
                b.topo.push_node_unindexed(text, &mut attrs, span);
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        b.topo.index_nodes().is_empty().then_some(())
    }

    /// A node's attribute object.
    fn attrs(&mut self, b: &mut Builder, out: &mut Vec<(Sym, Sym)>) -> Option<()> {
        self.keys.clear();
        if !self.open(b'{', b'}')? {
            loop {
                let (_, name) = self.key()?;
                self.attr(b, name, out)?;
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        self.no_repeated_keys()
    }

    /// One attribute's value, for the attribute `name`: interned after
    /// its name, as the serde loader interns them.
    fn attr<S: Intern>(&mut self, b: &mut S, name: &str, out: &mut Vec<(Sym, Sym)>) -> Option<()> {
        let k = b.intern(name);
        self.keys.push(k);
        if self.peek()? != b'[' {
            let v = self.plain()?;
            out.push((k, b.intern(v)));
            return Some(());
        }
        if self.open(b'[', b']')? {
            out.push((k, EMPTY_LIST));
            return Some(());
        }
        loop {
            let v = self.plain()?;
            out.push((k, b.intern(v) | LIST));
            if !self.more(b']')? {
                return Some(());
            }
        }
    }

    /// Whether no attribute name of the object just read repeats.
    fn no_repeated_keys(&mut self) -> Option<()> {
        super::raw::distinct(&mut self.keys).then_some(())
    }

    /// A plain value's text: a string, a number as written, or a boolean.
    fn plain(&mut self) -> Option<&'a str> {
        match self.peek()? {
            b'"' => self.string().map(|s| self.text(s)),
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            _ => self.number(),
        }
    }

    fn literal(&mut self, word: &'static str) -> Option<&'a str> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| {
            self.at = end;
            &self.text[end - word.len()..end]
        })
    }

    /// `-?(0|[1-9][0-9]*)(.[0-9]+)?`, at most 15 characters: no exponent
    /// and no value serde_json would round, so its text is the number.
    fn number(&mut self) -> Option<&'a str> {
        let start = self.at;
        let digits = |r: &mut Self| {
            let from = r.at;
            while r.bytes.get(r.at).is_some_and(u8::is_ascii_digit) {
                r.at += 1;
            }
            r.at - from
        };
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        match self.bytes.get(self.at)? {
            b'0' => self.at += 1,
            b'1'..=b'9' => {
                digits(self);
            }
            _ => return None,
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            if digits(self) == 0 {
                return None;
            }
        }
        let next = self.bytes.get(self.at).copied().unwrap_or(b' ');
        let ok = self.at - start <= 15 && !matches!(next, b'e' | b'E' | b'0'..=b'9' | b'.');
        ok.then(|| &self.text[start..self.at])
    }

    /// The `edges` array, read into a [`Part`] holding the model's
    /// strings. At the byte where the second reader started, its edges
    /// are taken instead of reading on.
    fn edges(&mut self, b: &mut Builder) -> Option<()> {
        let known = self.known.get()?;
        let mut part = Part::new(self.text, known, std::mem::take(&mut b.topo.strings));
        self.edge_list(&mut part, known.cut)?;
        part.finish()?;
        (b.topo.strings, b.topo.edges) = (part.strings, part.edges);
        Some(())
    }

    fn edge_list(&mut self, part: &mut Part<'a>, cut: Option<usize>) -> Option<()> {
        if self.open(b'[', b']')? {
            return Some(());
        }
        loop {
            self.peek()?;
            if let Some(cut) = cut
                && self.at >= cut
                && let Some(later) = self.later.take()
            {
                if self.at == cut {
                    // Its ends are looked up already (in `rest_of_edges`).
                    let later = later()?;
                    self.at = later.end;
                    part.append(later);
                    self.met = true;
                    return Some(());
                }
                self.stop.store(true, Ordering::Relaxed);
            }
            self.edge(part)?;
            if !self.more(b']')? {
                return Some(());
            }
        }
    }

    /// The second reader: edges from its start to the end of `edges`, or
    /// `None` when they are not all in the subset, or when the first
    /// reader no longer needs them.
    fn rest_of_edges(mut self, known: &'a Known) -> Option<Part<'a>> {
        let mut part = Part::new(self.text, known, known.strings.clone());
        loop {
            if part.edges.len().is_multiple_of(1024) && self.stop.load(Ordering::Relaxed) {
                return None;
            }
            self.edge(&mut part)?;
            if !self.more(b']')? {
                part.end = self.at;
                part.finish()?;
                return Some(part);
            }
        }
    }

    /// One edge, added with its ends left for the batched lookup.
    fn edge(&mut self, b: &mut Part) -> Option<()> {
        if self.open(b'{', b'}')? {
            return None; // `{}`: no `from`, `to` or `kind`
        }
        self.keys.clear();
        let mut ends: [Option<(&'a str, Span)>; 3] = [None, None, None];
        let mut attrs = Vec::new();
        let mut first = None;
        let mut end = 0;
        loop {
            let (key, name) = self.key()?;
            first.get_or_insert(key.start);
            end = end.max(key.end);
            let slot = match name {
                "from" => Some(0),
                "to" => Some(1),
                "kind" => Some(2),
                _ => None,
            };
            match slot {
                Some(slot) => {
                    let (v, text) = if slot == 2 {
                        self.name()?
                    } else {
                        let v = self.string()?;
                        (v, self.text(v))
                    };
                    let span = span_at(self.text, v.start, v.len());
                    end = end.max(span.end);
                    if ends[slot].replace((text, span)).is_some() {
                        return None; // a key given twice
                    }
                }
                None => self.attr(b, name, &mut attrs)?,
            }
            if !self.more(b'}')? {
                break;
            }
        }
        self.no_repeated_keys()?;
        let [Some(from), Some(to), Some(kind)] = ends else {
            return None;
        };
        let span = edge_span(self.text, first?, end);
        b.add([from, to], kind.0, attrs, span);
        Some(())
    }
}
