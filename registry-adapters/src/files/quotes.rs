//! Where a CSV record's quotes leave it, followed beside `csv-core` (which does not say). A stray
//! quote makes the lines after it one cell: up to the end of the file when nothing closes it, or
//! up to the next quoted cell, whose opening quote then closes it with text after it. The reader
//! must tell such a record from a good one, and where its first line ends, to read the lines after
//! it again.

/// The state of one record's bytes as RFC 4180 reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum State {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted cell: the cell's end, or the first of a doubled quote.
    QuoteInQuoted,
    /// A `\r` after a closing quote, in a file whose lines end in `\n`: the `\r` of a `\r\n`
    /// ending, unless text follows it.
    CrAfterQuote,
}

/// Follows a record's bytes, fed in pieces as the reader consumes them.
#[derive(Clone, Debug, Default)]
pub(crate) struct QuoteTrack {
    state: State,
    /// The cell being read (0 for the first).
    field: usize,
    /// A cell of the record is quoted.
    quoted: bool,
    /// The cell whose quote is open, while one is.
    open_field: usize,
    /// Newlines inside quoted cells so far, and inside the last quoted cell.
    inner_newlines: u64,
    cell_newlines: u64,
    /// The first quoted cell over several lines that closed with text after its closing quote
    /// (`"Anne⏎M2,G1,"Bob"`): the cell, and the line it closed on (counted from the record's).
    text_after: Option<(usize, u64)>,
    /// Offset, from the record's first byte, of the end of its first line (its first `\n`, or
    /// a `\r` not followed by one, as old Mac spreadsheets end lines), and whether it is a `\r`.
    first_newline: Option<(u64, bool)>,
    /// The last byte fed was a `\r`: a `\n` after it ends the same line.
    after_cr: bool,
    seen: u64,
    /// The file's lines end in `\n` or `\r\n` (see `sniff::lines_end_in_newline`): only `\n`
    /// breaks a line, and a lone `\r` is text. Otherwise a lone `\r` breaks one too.
    newline_lines: bool,
}

impl QuoteTrack {
    /// A record of a file whose lines end in `\n` or `\r\n` (`newline_lines`), or in any of
    /// `\n`, `\r\n` and a lone `\r`.
    pub fn new(newline_lines: bool) -> QuoteTrack {
        QuoteTrack {
            newline_lines,
            ..QuoteTrack::default()
        }
    }

    /// Follows `bytes`, the next piece of the record (its terminator may be included).
    pub fn feed(&mut self, delimiter: u8, bytes: &[u8]) {
        for (i, b) in bytes.iter().enumerate() {
            // A line ends at `\n`, `\r\n` or a lone `\r`: the `\r` is the break, a `\n`
            // right after it is part of it. In a file of `\n` lines, only at a `\n`.
            let breaks = if self.newline_lines {
                *b == b'\n'
            } else {
                *b == b'\r' || (*b == b'\n' && !self.after_cr)
            };
            self.after_cr = *b == b'\r';
            if breaks && self.first_newline.is_none() {
                self.first_newline = Some((self.seen + i as u64, *b == b'\r'));
            }
            let ends_record = if self.newline_lines {
                *b == b'\n'
            } else {
                matches!(b, b'\n' | b'\r')
            };
            self.state = match (self.state, *b) {
                (State::FieldStart, b'"') => {
                    self.quoted = true;
                    self.open_field = self.field;
                    self.cell_newlines = 0;
                    State::Quoted
                }
                (State::Quoted, b'"') => State::QuoteInQuoted,
                (State::Quoted, _) => {
                    if breaks {
                        self.inner_newlines += 1;
                        self.cell_newlines += 1;
                    }
                    State::Quoted
                }
                (State::QuoteInQuoted, b'"') => State::Quoted,
                (_, b) if b == delimiter => {
                    self.field += 1;
                    State::FieldStart
                }
                _ if ends_record => State::FieldStart,
                (State::QuoteInQuoted | State::CrAfterQuote, b'\r') => State::CrAfterQuote,
                (State::QuoteInQuoted | State::CrAfterQuote, _) => {
                    if self.cell_newlines > 0 && self.text_after.is_none() {
                        self.text_after = Some((self.open_field, self.inner_newlines));
                    }
                    State::Unquoted
                }
                _ => State::Unquoted,
            };
        }
        self.seen += bytes.len() as u64;
    }

    /// Whether no cell of the record so far is quoted.
    pub fn unquoted(&self) -> bool {
        !self.quoted
    }

    /// The cell (0-based) whose quote the record ends in, when the file ended inside it.
    pub fn unclosed(&self) -> Option<usize> {
        (self.state == State::Quoted).then_some(self.open_field)
    }

    /// The first cell over several lines whose closing quote has text after it, with the line
    /// it closed on, counted from the record's first (see `text_after`).
    pub fn text_after_close(&self) -> Option<(usize, u64)> {
        self.text_after
    }

    /// How many line breaks the record's quoted cells hold (the record runs over as many more lines).
    pub fn inner_newlines(&self) -> u64 {
        self.inner_newlines
    }

    /// Offset from the record's first byte of its first line break, if it has one, and whether
    /// that is a `\r` (a `\n` may follow it, and belongs to the same break).
    pub fn first_newline(&self) -> Option<(u64, bool)> {
        self.first_newline
    }
}

#[cfg(test)]
mod tests {
    use super::QuoteTrack;

    fn track(text: &str) -> QuoteTrack {
        let mut t = QuoteTrack::default();
        // In pieces, as the reader feeds it: state crosses the cuts (a doubled quote cut in two).
        for piece in text.as_bytes().chunks(3) {
            t.feed(b',', piece);
        }
        t
    }

    #[test]
    fn a_quote_left_open_is_found_with_its_cell_and_first_line() {
        let t = track("M1,G1,\"Anne\nM2,G1,Bob\n");
        assert_eq!(t.unclosed(), Some(2));
        assert_eq!(t.first_newline(), Some((11, false)));
        assert_eq!(t.inner_newlines(), 2);
    }

    #[test]
    fn closed_and_doubled_quotes_and_quotes_inside_plain_cells_leave_nothing_open() {
        for text in [
            "a,\"b\"\"c\",d\n",
            "a,\"b\nc\",d\n",
            "a,5'11\",d\n",
            "\"\"\"\",x",
            "a,\"\",b",
        ] {
            assert_eq!(track(text).unclosed(), None, "{text:?}");
        }
        assert_eq!(track("a,\"b\nc\",d\n").inner_newlines(), 1);
        // Text after a closing quote matters only for a cell over several lines.
        assert_eq!(track("a,\"b\"c,d\n").text_after_close(), None);
        assert_eq!(track("a,\"b\nc\"\"\",d\n").text_after_close(), None);
        let t = track("M1,\"Anne\nM2,Bob\nM3,\"Cy\",x\n");
        assert_eq!((t.unclosed(), t.text_after_close()), (None, Some((1, 2))));
        assert_eq!(track("a,\"b\"\"").unclosed(), Some(1));
        assert_eq!(track("\"x").first_newline(), None);
    }

    #[test]
    fn in_a_file_of_newline_lines_a_lone_carriage_return_is_text() {
        let track = |text: &str| {
            let mut t = QuoteTrack::new(true);
            for piece in text.as_bytes().chunks(3) {
                t.feed(b',', piece);
            }
            t
        };
        // Inside a quoted cell: no line break, so the first line ends at the `\n`.
        let t = track("M1,\"An\rne\nM2,Bob\r\n");
        assert_eq!(t.unclosed(), Some(1));
        assert_eq!(t.first_newline(), Some((9, false)));
        assert_eq!(t.inner_newlines(), 2);
        // After a quoted cell over two lines, the `\r` of `\r\n`, or before a delimiter, is no
        // text after its quote; a letter after the `\r` is.
        for text in ["a,\"b\nc\"\r\n", "a,\"b\nc\"\r,d\n", "a,\"b\r\nc\"\r\n"] {
            let t = track(text);
            assert_eq!(
                (t.unclosed(), t.text_after_close()),
                (None, None),
                "{text:?}"
            );
        }
        assert_eq!(track("a,\"b\nc\"\rx,d\n").text_after_close(), Some((1, 1)));
        assert_eq!(track("a,\"b\r\nc\",d\n").inner_newlines(), 1);
        // Outside quotes, a lone `\r` does not end the record: the cells go on counting.
        let t = track("a,b\rc,\"d\ne\"\n");
        assert_eq!((t.unclosed(), t.inner_newlines()), (None, 1));
    }
}
