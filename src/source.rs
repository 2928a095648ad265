//! Source files and positions.
//!
//! Every message proviso prints points at a file, a line and a column, so
//! every input (agreement, topology, waiver file) is kept as a [`Source`]:
//! its display path, its text and the byte offset where each line starts.
//! Spans are byte ranges into that text; lines and columns are computed only
//! when a message is rendered, and columns count characters, not bytes, so
//! they match what an editor shows.
//!
//! A source may be part of a larger file (a `proviso` block of a Markdown
//! doc): it then holds only its own text and the line of the file where
//! that text starts, so that reported lines are the file's lines while the
//! memory is that of the part, not of the file (a doc of N blocks would
//! otherwise cost N copies of the doc).
//!
//! Positions must stay cheap on hostile input, such as a 100 MB minified
//! JSON file that is one line with a million locations to report. Lines
//! are found by binary search in the line starts (found on the first
//! position asked, so a run that reports none never scans for them); columns never count
//! from the start of the line: an ASCII text (decided once, lazily) has
//! column = byte distance, and any other text gets, on the first column
//! asked, a checkpoint index of how many characters precede every
//! [`STRIDE`]-th byte, so a column costs a lookup and a count of at most
//! two strides, whatever the line's length.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// A byte range into a [`Source`]'s text.
pub type Span = Range<usize>;

/// A [`Span`] in 8 bytes instead of 16, for what the model keeps a
/// million of (every node and edge): at 1M nodes and 3M edges that is 32 MB
/// less to allocate and touch. Offsets are `u32`: no input is larger than
/// [`MAX_OFFSET`] (the size limit refuses more, and an estate's parts
/// together are checked too); a larger offset is clamped, never wrapped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CompactSpan {
    start: u32,
    end: u32,
}

/// The largest byte offset a [`CompactSpan`] holds: 4 GiB - 1.
pub const MAX_OFFSET: u64 = u32::MAX as u64;

impl CompactSpan {
    /// The span as a range.
    pub fn range(self) -> Span {
        self.start as usize..self.end as usize
    }
}

impl From<Span> for CompactSpan {
    fn from(span: Span) -> Self {
        let clamp = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
        CompactSpan {
            start: clamp(span.start),
            end: clamp(span.end),
        }
    }
}

/// Bytes between two character-count checkpoints: the most a column
/// query counts (twice). 8 bytes of index per 1 KiB of non-ASCII text.
const STRIDE: usize = 1024;

/// One input file, shared by every span and location that points into it.
#[derive(Debug)]
pub struct Source {
    path: String,
    text: String,
    /// Lines of the displayed file before the text: 0 for a whole file.
    lines_before: usize,
    /// Where lines are, built on the first position asked: most runs over
    /// a large generated estate report few or no positions, and a load
    /// that never asks one should not pay a pass over the text.
    lines: OnceLock<LineIndex>,
    chars: OnceLock<CharIndex>,
}

/// Bytes between two line-index checkpoints: the most a line query scans.
const LINE_BLOCK: usize = 4096;

/// Lines of a text, kept sparse: a checkpoint every [`LINE_BLOCK`] bytes
/// instead of a word per line. A 323 MB estate of 4 million lines needs
/// 2 MB for it instead of 32 MB, and every query still scans at most two
/// blocks, however long the line (a minified one-line JSON file included).
#[derive(Debug)]
struct LineIndex {
    /// `newlines[k]`: `\n` bytes before byte `k * LINE_BLOCK`.
    newlines: Vec<usize>,
    /// `starts[k]`: where the line holding byte `k * LINE_BLOCK` starts.
    starts: Vec<usize>,
    /// `ends[k]`: the first `\n` at or after byte `k * LINE_BLOCK` (the
    /// text's length when there is none).
    ends: Vec<usize>,
}

impl LineIndex {
    fn new(bytes: &[u8]) -> LineIndex {
        let blocks = bytes.len() / LINE_BLOCK + 1;
        let mut index = LineIndex {
            newlines: Vec::with_capacity(blocks),
            starts: Vec::with_capacity(blocks),
            ends: Vec::with_capacity(blocks),
        };
        let (mut newlines, mut start) = (0, 0);
        for k in 0..blocks {
            let from = k * LINE_BLOCK;
            let block = &bytes[from..(from + LINE_BLOCK).min(bytes.len())];
            index.newlines.push(newlines);
            index.starts.push(start);
            index.ends.push(usize::MAX);
            let mut first = true;
            for at in memchr::memchr_iter(b'\n', block) {
                if first {
                    // Every block before this one without a newline ends here.
                    for end in index.ends.iter_mut().rev() {
                        if *end != usize::MAX {
                            break;
                        }
                        *end = from + at;
                    }
                    first = false;
                }
                newlines += 1;
                start = from + at + 1;
            }
        }
        for end in index.ends.iter_mut().rev() {
            if *end != usize::MAX {
                break;
            }
            *end = bytes.len();
        }
        index
    }

    /// 0-based index of the line holding byte `offset` (at most the length).
    fn line_of(&self, bytes: &[u8], offset: usize) -> usize {
        let k = offset / LINE_BLOCK;
        self.newlines[k] + memchr::memchr_iter(b'\n', &bytes[k * LINE_BLOCK..offset]).count()
    }

    /// Where the line holding byte `offset` starts and ends (before its
    /// `\n`).
    fn line_around(&self, bytes: &[u8], offset: usize) -> (usize, usize) {
        let k = offset / LINE_BLOCK;
        let from = k * LINE_BLOCK;
        let start =
            memchr::memrchr(b'\n', &bytes[from..offset]).map_or(self.starts[k], |i| from + i + 1);
        let to = (from + LINE_BLOCK).min(bytes.len());
        let end = match memchr::memchr(b'\n', &bytes[offset..to]) {
            Some(i) => offset + i,
            None => self.ends.get(k + 1).copied().unwrap_or(bytes.len()),
        };
        (start, end)
    }

    /// Where line `line` (0-based) starts, if the text has it.
    fn line_start(&self, bytes: &[u8], line: usize) -> Option<usize> {
        // The last checkpoint with at most `line` newlines before it.
        let k = self
            .newlines
            .partition_point(|&n| n <= line)
            .checked_sub(1)?;
        let more = line - self.newlines[k];
        if more == 0 {
            return Some(self.starts[k]);
        }
        let from = k * LINE_BLOCK;
        // The line starts after the `more`-th newline from the checkpoint,
        // which is in this block unless this is the last one.
        memchr::memchr_iter(b'\n', &bytes[from..])
            .nth(more - 1)
            .map(|i| from + i + 1)
    }
}

/// Characters before byte offsets, for columns in O(1) per query.
#[derive(Debug)]
struct CharIndex {
    /// The text is ASCII: a character is a byte.
    ascii: bool,
    /// `before[i]`: characters in the first `i * STRIDE` bytes (empty when ASCII).
    before: Vec<usize>,
}

/// Characters that start in `bytes`: every byte but UTF-8 continuation
/// bytes. Valid at any byte offsets, boundaries or not.
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl CharIndex {
    fn new(text: &str) -> CharIndex {
        if text.is_ascii() {
            return CharIndex {
                ascii: true,
                before: Vec::new(),
            };
        }
        let mut before = Vec::with_capacity(text.len() / STRIDE + 2);
        let mut total = 0;
        before.push(0);
        for chunk in text.as_bytes().chunks(STRIDE) {
            total += char_starts(chunk);
            before.push(total);
        }
        CharIndex {
            ascii: false,
            before,
        }
    }

    /// Characters before byte `offset` (a character boundary).
    fn chars_before(&self, bytes: &[u8], offset: usize) -> usize {
        if self.ascii {
            return offset;
        }
        let k = offset / STRIDE;
        self.before.get(k).copied().unwrap_or(0) + char_starts(&bytes[k * STRIDE..offset])
    }

    /// The byte offset of the character with index `target` (0-based, from
    /// the text's start), searched from `from` (a boundary with at most
    /// `target` characters before it) and clamped to `end`.
    fn byte_of(&self, bytes: &[u8], from: usize, end: usize, target: usize) -> usize {
        if self.ascii {
            return target.clamp(from, end);
        }
        // The last checkpoint at or before the target, but not before `from`.
        let k = self
            .before
            .partition_point(|&c| c <= target)
            .saturating_sub(1);
        let mut at = (k * STRIDE).clamp(from, end);
        let mut count = self.chars_before(bytes, at);
        while at < end {
            if bytes[at] & 0xC0 != 0x80 {
                if count == target {
                    return at;
                }
                count += 1;
            }
            at += 1;
        }
        end
    }
}

/// A shared handle on a [`Source`].
pub type SourceRef = Arc<Source>;

impl Source {
    /// Wraps `text` read from `path` (the path as the user should see it).
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> SourceRef {
        Source::part_of(path, text, 1)
    }

    /// Wraps `text`, the part of the file `path` that starts at the
    /// beginning of its line `first_line` (1-based): lines are reported as
    /// the file's lines, columns are unchanged.
    pub fn part_of(
        path: impl Into<String>,
        text: impl Into<String>,
        first_line: usize,
    ) -> SourceRef {
        Arc::new(Source {
            path: path.into(),
            text: text.into(),
            lines_before: first_line.saturating_sub(1),
            lines: OnceLock::new(),
            chars: OnceLock::new(),
        })
    }

    fn lines(&self) -> &LineIndex {
        self.lines
            .get_or_init(|| LineIndex::new(self.text.as_bytes()))
    }

    /// The path as given by the user.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The line of the displayed file where the text starts (1-based).
    pub fn first_line(&self) -> usize {
        self.lines_before + 1
    }

    fn chars(&self) -> &CharIndex {
        self.chars.get_or_init(|| CharIndex::new(&self.text))
    }

    /// 1-based line (of the displayed file) and character column of a byte
    /// offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_char(offset.min(self.text.len()));
        let bytes = self.text.as_bytes();
        let line = self.lines().line_of(bytes, offset);
        let (start, _) = self.lines().line_around(bytes, offset);
        let chars = self.chars();
        let col = chars.chars_before(bytes, offset) - chars.chars_before(bytes, start) + 1;
        (self.lines_before + line + 1, col)
    }

    /// Byte offset of a 1-based line and character column, the line counted
    /// in [`Source::text`] (as a parser of that text reports it, not as
    /// [`Source::line_col`] displays it); clamped to the text, so a position
    /// from a parser that disagrees never panics.
    pub fn offset(&self, line: usize, col: usize) -> usize {
        let bytes = self.text.as_bytes();
        let Some(start) = self.lines().line_start(bytes, line.saturating_sub(1)) else {
            return self.text.len();
        };
        let end = self.line_end(start);
        let chars = self.chars();
        let target = chars.chars_before(bytes, start) + col.saturating_sub(1);
        chars.byte_of(bytes, start, end, target)
    }

    /// Byte range of the line that holds `offset`, without its newline.
    pub fn line_range(&self, offset: usize) -> Span {
        let offset = offset.min(self.text.len());
        let (start, _) = self.lines().line_around(self.text.as_bytes(), offset);
        start..self.line_end(offset)
    }

    /// The end of the line holding `offset`, before its `\n` or `\r\n`.
    fn line_end(&self, offset: usize) -> usize {
        let (start, end) = self.lines().line_around(self.text.as_bytes(), offset);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        }
    }

    fn floor_char(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// A location for a span's start.
    pub fn location(&self, span: &Span) -> Location {
        let (line, column) = self.line_col(span.start);
        Location {
            file: self.path.clone(),
            line,
            column,
        }
    }
}

/// A file, line and column as reports show them.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
pub struct Location {
    /// The file's path as the user gave it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A file name is untrusted text: shown escaped.
        let file = crate::escape::display(&self.file);
        write!(f, "{file}:{}:{}", self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sparse line index against a plain list of line starts, on texts
    /// around and across its checkpoints: no newline at all, one every
    /// byte, lines longer than a block, `\r\n`, non-ASCII.
    #[test]
    fn the_sparse_line_index_agrees_with_a_list_of_line_starts() {
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for (len, every) in [
            (0, 1),
            (1, 1),
            (4095, 0),
            (4096, 1),
            (4097, 3),
            (9000, 5000),
            (12288, 40),
            (20000, 0),
            (13000, 2),
        ] {
            let mut text = String::new();
            while text.len() < len {
                match next(every.max(1) as u64 + 2) {
                    0 if every > 0 => text.push('\n'),
                    1 if every > 0 && next(4) == 0 => text.push_str("\r\n"),
                    2 if next(8) == 0 => text.push('é'),
                    _ => text.push('a'),
                }
            }
            let s = Source::new("t", text.clone());
            let starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            let line_end = |l: usize| {
                let end = starts.get(l + 1).map_or(text.len(), |n| n - 1);
                if end > starts[l] && text.as_bytes()[end - 1] == b'\r' {
                    end - 1
                } else {
                    end
                }
            };
            for offset in (0..=text.len()).filter(|o| text.is_char_boundary(*o)) {
                let line = starts.partition_point(|&st| st <= offset) - 1;
                let col = text[starts[line]..offset].chars().count() + 1;
                assert_eq!(
                    s.line_col(offset),
                    (line + 1, col),
                    "len {len} offset {offset}"
                );
                assert_eq!(
                    s.line_range(offset),
                    starts[line]..line_end(line),
                    "len {len} offset {offset}"
                );
            }
            for (l, &st) in starts.iter().enumerate() {
                assert_eq!(s.offset(l + 1, 1), st, "len {len} line {l}");
            }
            assert_eq!(s.offset(starts.len() + 1, 1), text.len());
        }
    }

    #[test]
    fn line_col_counts_characters_from_one() {
        let s = Source::new("a", "ab\nçd\r\ne");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(3), (2, 1));
        assert_eq!(s.line_col(5), (2, 2));
        assert_eq!(s.line_col(8), (3, 1));
        assert_eq!(s.offset(2, 2), 5);
        assert_eq!(s.line_range(4), 3..6);
    }

    #[test]
    fn columns_on_a_long_line_count_characters() {
        // Non-ASCII characters on both sides of many checkpoints.
        let line: String = (0..5000)
            .map(|i| if i % 7 == 0 { 'é' } else { 'a' })
            .collect();
        let text = format!("x\n{line}\ny");
        let s = Source::new("a", text.clone());
        for (ci, (bi, _)) in line.char_indices().enumerate().step_by(97) {
            let at = 2 + bi;
            assert_eq!(s.line_col(at), (2, ci + 1), "byte {at}");
            assert_eq!(s.offset(2, ci + 1), at);
        }
        // Past the end of the line: its end, not the next line.
        assert_eq!(s.offset(2, 99_999), 2 + line.len());
        assert_eq!(s.line_col(text.len()), (3, 2));
        // Inside a character: that character's column.
        assert_eq!(s.line_col(3), (2, 1));
    }

    #[test]
    fn a_part_reports_lines_of_its_file() {
        let s = Source::part_of("doc.md", "nodes:\n  é: {}\n", 12);
        assert_eq!(s.path(), "doc.md");
        assert_eq!(s.line_col(0), (12, 1));
        assert_eq!(s.line_col(12), (13, 5));
        // A parser of the text counts its own lines.
        assert_eq!(s.offset(2, 5), 12);
        assert_eq!(s.location(&(9..10)).line, 13);
    }

    #[test]
    fn positions_out_of_range_are_clamped() {
        let s = Source::new("a", "ab");
        assert_eq!(s.offset(9, 9), 2);
        assert_eq!(s.line_col(99), (1, 3));
    }
}
