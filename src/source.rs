//! Source files and positions.
//!
//! Every message proviso prints points at a file, a line and a column, so
//! every input (agreement, topology, waiver file) is kept as a [`Source`]:
//! its display path, its text and the byte offset where each line starts.
//! Spans are byte ranges into that text; lines and columns are computed only
//! when a message is rendered, and columns count characters, not bytes, so
//! they match what an editor shows.

use std::ops::Range;
use std::sync::Arc;

/// A byte range into a [`Source`]'s text.
pub type Span = Range<usize>;

/// One input file, shared by every span and location that points into it.
#[derive(Debug)]
pub struct Source {
    path: String,
    text: String,
    line_starts: Vec<usize>,
    excerpts: bool,
}

/// A shared handle on a [`Source`].
pub type SourceRef = Arc<Source>;

impl Source {
    /// Wraps `text` read from `path` (the path as the user should see it).
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> SourceRef {
        let text = text.into();
        // memchr scans a word at a time; `match_indices` goes through the
        // generic string searcher, several times slower on a 300 MB file.
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        Arc::new(Source {
            path: path.into(),
            text,
            line_starts,
            excerpts: true,
        })
    }

    /// Like [`Source::new`], for a file that is not one of the run's own
    /// inputs (an agreement that an untrusted topology named): messages
    /// locate it but never quote its lines.
    pub fn without_excerpts(path: impl Into<String>, text: impl Into<String>) -> SourceRef {
        let mut s = Source::new(path, text);
        if let Some(s) = Arc::get_mut(&mut s) {
            s.excerpts = false;
        }
        s
    }

    /// Whether messages may quote this file's lines.
    pub fn excerpts(&self) -> bool {
        self.excerpts
    }

    /// The path as given by the user.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_char(offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self.text[start..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// Byte offset of a 1-based line and character column; clamped to the
    /// text, so a position from a parser that disagrees never panics.
    pub fn offset(&self, line: usize, col: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let end = self.line_end(start);
        self.text[start..end]
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(end, |(i, _)| start + i)
    }

    /// Byte range of the line that holds `offset`, without its newline.
    pub fn line_range(&self, offset: usize) -> Span {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        start..self.line_end(start)
    }

    fn line_end(&self, start: usize) -> usize {
        let rest = &self.text[start..];
        let end = rest.find('\n').map_or(self.text.len(), |i| start + i);
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
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
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
    fn positions_out_of_range_are_clamped() {
        let s = Source::new("a", "ab");
        assert_eq!(s.offset(9, 9), 2);
        assert_eq!(s.line_col(99), (1, 3));
    }
}
