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
    /// Where each line starts, built on the first position asked: most
    /// runs over a large generated estate report few or no positions, and
    /// a load that never asks one should not pay a pass over the text and
    /// a vector of a word per line.
    line_starts: OnceLock<Vec<usize>>,
    chars: OnceLock<CharIndex>,
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
            line_starts: OnceLock::new(),
            chars: OnceLock::new(),
        })
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            // memchr scans a word at a time; `match_indices` goes through
            // the generic string searcher, several times slower on a 300 MB
            // file.
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
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

    /// 0-based index into `line_starts` of the line holding `offset`.
    fn line_index(&self, offset: usize) -> usize {
        self.line_starts()
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// 1-based line (of the displayed file) and character column of a byte
    /// offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_char(offset.min(self.text.len()));
        let line = self.line_index(offset);
        let start = self.line_starts()[line];
        let bytes = self.text.as_bytes();
        let chars = self.chars();
        let col = chars.chars_before(bytes, offset) - chars.chars_before(bytes, start) + 1;
        (self.lines_before + line + 1, col)
    }

    /// Byte offset of a 1-based line and character column, the line counted
    /// in [`Source::text`] (as a parser of that text reports it, not as
    /// [`Source::line_col`] displays it); clamped to the text, so a position
    /// from a parser that disagrees never panics.
    pub fn offset(&self, line: usize, col: usize) -> usize {
        let index = line.saturating_sub(1);
        let Some(&start) = self.line_starts().get(index) else {
            return self.text.len();
        };
        let end = self.line_end(index);
        let bytes = self.text.as_bytes();
        let chars = self.chars();
        let target = chars.chars_before(bytes, start) + col.saturating_sub(1);
        chars.byte_of(bytes, start, end, target)
    }

    /// Byte range of the line that holds `offset`, without its newline.
    pub fn line_range(&self, offset: usize) -> Span {
        let line = self.line_index(offset.min(self.text.len()));
        self.line_starts()[line]..self.line_end(line)
    }

    /// The end of line `index` (0-based), before its `\n` or `\r\n`.
    fn line_end(&self, index: usize) -> usize {
        let starts = self.line_starts();
        let start = starts[index];
        let end = starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
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
