//! Source positions.

use serde::Serialize;

/// A region of program text: a byte range plus the line and column where it starts (both from 1;
/// the column counts characters, not bytes).
///
/// Spans never take part in AST equality: two programs that differ only in layout compare equal,
/// which is what the formatter's round-trip guarantee is stated in. Compare `range()` when positions
/// matter.
#[derive(Clone, Copy, Debug, Default, Serialize, Eq)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Line of the first byte, from 1.
    pub line: u32,
    /// Column of the first byte, from 1, in characters.
    pub column: u32,
}

impl PartialEq for Span {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl Span {
    /// The byte range.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// A span covering both `self` and `other` (positions taken from whichever starts first).
    pub fn to(&self, other: Span) -> Span {
        let (first, _) = if self.start <= other.start {
            (*self, other)
        } else {
            (other, *self)
        };
        Span {
            start: first.start,
            end: self.end.max(other.end),
            line: first.line,
            column: first.column,
        }
    }
}

/// Maps byte offsets to lines and columns.
#[derive(Debug)]
pub struct LineIndex<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
}

/// Bytes of the byte-order mark a file may start with (Windows editors write one): not part of
/// the program, and not of its first line, so that columns there count as an editor shows them.
pub(crate) fn bom_len(source: &str) -> usize {
    if source.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    }
}

impl<'a> LineIndex<'a> {
    /// Indexes `source`.
    pub fn new(source: &'a str) -> Self {
        let mut line_starts = vec![bom_len(source)];
        for (i, b) in source.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
            }
        }
        LineIndex {
            source,
            line_starts,
        }
    }

    /// The span for a byte range.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let start = start.min(self.source.len());
        let end = end.clamp(start, self.source.len());
        let line_idx = match self.line_starts.binary_search(&start) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = self.line_starts.get(line_idx).copied().unwrap_or(0);
        let column = self
            .source
            .get(line_start..start)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        Span {
            start,
            end,
            line: u32::try_from(line_idx + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The text of line `line` (from 1), without its line break.
    pub fn line_text(&self, line: u32) -> &'a str {
        let idx = (line as usize).saturating_sub(1);
        let start = self
            .line_starts
            .get(idx)
            .copied()
            .unwrap_or(self.source.len());
        let end = self
            .line_starts
            .get(idx + 1)
            .map(|e| e.saturating_sub(1))
            .unwrap_or(self.source.len());
        let text = self.source.get(start..end.max(start)).unwrap_or("");
        text.strip_suffix('\r').unwrap_or(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_from_one_in_characters() {
        let src = "ab\ncé d\n\nx";
        let idx = LineIndex::new(src);
        let s = idx.span(0, 1);
        assert_eq!((s.line, s.column), (1, 1));
        // 'd' is after "cé " : byte 3 + 'c'(1) + 'é'(2) + ' '(1) = 7
        let s = idx.span(7, 8);
        assert_eq!((s.line, s.column), (2, 4));
        let s = idx.span(10, 11);
        assert_eq!((s.line, s.column), (4, 1));
        assert_eq!(idx.line_text(2), "cé d");
        assert_eq!(idx.line_text(3), "");
        // Offsets past the end clamp instead of panicking.
        let s = idx.span(100, 200);
        assert_eq!(s.start, src.len());
    }
}
