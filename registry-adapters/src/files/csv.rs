//! CSV (and TSV) registry files, read as byte records: no allocation per row or per cell.
//!
//! The first line is the header. Columns are matched to inputs by name (exactly, else ignoring case
//! and surrounding spaces); columns the program does not use are never decoded. Quoting follows
//! RFC 4180. A row with more or fewer cells than the header is a row error (G0104), not the end of
//! the file.

use super::quotes::QuoteTrack;
use super::rows::{
    absent_columns, find_columns, trimmed_range, Absent, BadCell, Cells, RowStream, Separator,
    Wanted,
};
use crate::error::RegistryError;
use crate::reason::Reason;
use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A quote that makes a record swallow the lines after its first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StrayQuote {
    /// The file ends inside the quoted cell `cell` (0-based).
    Unclosed { cell: usize },
    /// The quoted cell `cell`, over several lines, closes on `line` with text after its quote.
    TextAfter { cell: usize, line: u64 },
}

/// A CSV file being read.
///
/// Records are parsed by `csv-core` from our own buffer, so that line numbers are exact: the line
/// of a record is the line of its first byte, after blank lines, with `\n`, `\r\n` or lone `\r` endings, and
/// counting the newlines inside quoted cells. A file's first line break says which end its lines
/// (see [`super::sniff::lines_end_in_newline`]): in a file of `\n` or `\r\n` lines, a lone `\r` is
/// text in its cell; in a file of lone `\r` lines (old Mac spreadsheets), all three end lines.
pub(crate) struct CsvRows {
    file: Arc<str>,
    path: PathBuf,
    input: BufReader<File>,
    core: csv_core::Reader,
    /// The field delimiter (`,`, or a tab for TSV).
    delimiter: u8,
    /// The current record was read by `read_plain_line`: it is the start of `input`'s buffer,
    /// delimiters included, consumed only when the next record is read (so that it is never
    /// copied here: the reading thread copies it once, into its block).
    plain: bool,
    /// A plain record's length up to the end of the last wanted field, checked to be UTF-8.
    line_len: usize,
    /// Bytes of the current plain record, its newline included, still to consume.
    pending: usize,
    out: Vec<u8>,
    ends: Vec<usize>,
    nfields: usize,
    /// Field index of each wanted column.
    fields: Vec<Option<usize>>,
    /// The last field a wanted column is in: a plain line is split and checked up to it.
    last_wanted: usize,
    header_len: usize,
    /// The optional wanted columns the header lacks.
    absent: Vec<Absent>,
    line: u64,
    /// The last line of the current record (past `line` when quoted cells hold line breaks).
    end_line: u64,
    /// A stray quote in the current record (see [`StrayQuote`]): the record is a row error, and
    /// the lines after its first are read again as rows.
    stray: Option<StrayQuote>,
    /// Line breaks read so far: `\n`, `\r\n`, or a lone `\r` (old Mac spreadsheets end lines so,
    /// and `csv-core` ends records there too) unless `newline_lines`.
    newlines: u64,
    /// The file's lines end in `\n` or `\r\n`: `csv-core` ends records at `\n` only, and a lone
    /// `\r` is text (the `\r` of a `\r\n` is taken off the record's last cell).
    newline_lines: bool,
    /// The last byte read was a `\r`: a `\n` next is the same break.
    after_cr: bool,
    bytes: u64,
    size: Option<u64>,
}

impl CsvRows {
    /// Opens `path`, reads its header and finds the wanted columns.
    ///
    /// # Errors
    /// G0001 (cannot open or read), G0003 (no header), G0004 (required columns missing), G0005 (a
    /// wanted column twice), G0006 (a header that is not UTF-8).
    pub fn open(
        path: &Path,
        display: Arc<str>,
        wanted: &[Wanted],
    ) -> Result<CsvRows, RegistryError> {
        let file = File::open(path).map_err(|e| RegistryError::io("open", path, e))?;
        let size = file.metadata().ok().map(|m| m.len());
        let mut input = BufReader::with_capacity(1 << 18, file);
        let start = input
            .fill_buf()
            .map_err(|e| RegistryError::io("read", path, e))?;
        let delimiter = super::sniff::delimiter(path, start)?;
        let newline_lines = super::sniff::lines_end_in_newline(start);
        let mut builder = csv_core::ReaderBuilder::new();
        builder.delimiter(delimiter);
        if newline_lines {
            builder.terminator(csv_core::Terminator::Any(b'\n'));
        }
        let core = builder.build();
        let mut rows = CsvRows {
            file: display,
            path: path.to_path_buf(),
            input,
            core,
            delimiter,
            plain: false,
            line_len: 0,
            pending: 0,
            out: vec![0; 1024],
            ends: vec![0; 64],
            nfields: 0,
            fields: Vec::new(),
            last_wanted: 0,
            header_len: 0,
            absent: Vec::new(),
            line: 0,
            end_line: 0,
            stray: None,
            newlines: 0,
            newline_lines,
            after_cr: false,
            bytes: 0,
            size,
        };
        if !rows.read_record()? {
            return Err(RegistryError::NoHeader {
                path: path.to_path_buf(),
            });
        }
        let mut names: Vec<String> = Vec::with_capacity(rows.nfields);
        for i in 0..rows.nfields {
            let text = std::str::from_utf8(rows.raw(i)).map_err(|_| RegistryError::Malformed {
                path: path.to_path_buf(),
                line: rows.line,
                reason: Reason::with("G0006.header_utf8", &[("cell", &(i + 1).to_string())]),
            })?;
            let text = if i == 0 {
                text.trim_start_matches('\u{feff}')
            } else {
                text
            };
            names.push(text.trim().to_string());
        }
        rows.fields = find_columns(path, &names, wanted)?;
        rows.absent = absent_columns(&names, wanted, &rows.fields);
        rows.last_wanted = rows.fields.iter().flatten().copied().max().unwrap_or(0);
        rows.header_len = names.len();
        Ok(rows)
    }

    /// The current plain record up to the end of its last wanted field.
    fn line_bytes(&self) -> &[u8] {
        self.input.buffer().get(..self.line_len).unwrap_or(&[])
    }

    /// Where field `i` of the current record is, in `line_bytes` (plain) or `out`.
    fn span(&self, i: usize) -> (usize, usize) {
        let start = if i == 0 {
            0
        } else {
            // A plain line keeps its delimiters between the fields.
            self.ends.get(i - 1).copied().unwrap_or(0) + usize::from(self.plain)
        };
        (start, self.ends.get(i).copied().unwrap_or(start))
    }

    /// The raw bytes of field `i` of the current record.
    fn raw(&self, i: usize) -> &[u8] {
        let (start, end) = self.span(i);
        let record = if self.plain {
            self.line_bytes()
        } else {
            &self.out
        };
        record.get(start..end).unwrap_or(&[])
    }

    /// Reads the next record into `out`/`ends`; false at the end of the file.
    ///
    /// A record with a stray quote (see [`StrayQuote`]) is kept with the cells before the quoted
    /// one and flagged (`stray`), and the reading goes back to the line after its first: one
    /// stray quote costs its own row, not every row after it.
    fn read_record(&mut self) -> Result<bool, RegistryError> {
        let CsvRows {
            input,
            core,
            out,
            ends,
            newlines,
            after_cr,
            bytes,
            path,
            delimiter,
            newline_lines,
            ..
        } = self;
        let newline_lines = *newline_lines;
        let (mut outlen, mut endlen) = (0usize, 0usize);
        let mut start_line = None;
        // The record's first byte in the file, and its quotes.
        let mut start_byte = 0u64;
        let mut quotes = QuoteTrack::new(newline_lines);
        loop {
            let buf = input
                .fill_buf()
                .map_err(|e| RegistryError::io("read", path.as_path(), e))?;
            let at_end = buf.is_empty();
            let (res, nin, nout, nend) = core.read_record(
                buf,
                out.get_mut(outlen..).unwrap_or(&mut []),
                ends.get_mut(endlen..).unwrap_or(&mut []),
            );
            let consumed = buf.get(..nin).unwrap_or(&[]);
            let mut rest = consumed;
            if start_line.is_none() {
                // Blank lines (and the `\n` of a `\r\n` ending) come before the record's first
                // byte. (In a file of `\n` lines, a blank `\r\n` line is a record of one `\r`.)
                let skipped = consumed
                    .iter()
                    .take_while(|b| **b == b'\n' || (**b == b'\r' && !newline_lines))
                    .count();
                let (blank, tail) = consumed.split_at(skipped);
                *newlines += line_breaks(blank, after_cr, newline_lines);
                if !tail.is_empty() {
                    start_line = Some(*newlines + 1);
                    start_byte = *bytes + skipped as u64;
                }
                rest = tail;
            }
            quotes.feed(*delimiter, rest);
            *newlines += line_breaks(rest, after_cr, newline_lines);
            input.consume(nin);
            *bytes += nin as u64;
            outlen += nout;
            endlen += nend;
            match res {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => out.resize(out.len().max(1) * 2, 0),
                csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len().max(1) * 2, 0),
                csv_core::ReadRecordResult::Record => {
                    if newline_lines {
                        // The `\r` of a `\r\n` ending is in the last cell: it is the line break's.
                        let last = endlen.checked_sub(1).and_then(|k| ends.get_mut(k));
                        if let Some(end) = last {
                            if end.checked_sub(1).and_then(|e| out.get(e)) == Some(&b'\r') {
                                *end -= 1;
                            }
                        }
                        // A blank `\r\n` line, passed over as `csv-core` passes over `\n` ones.
                        if endlen == 1 && ends.first() == Some(&0) && quotes.unquoted() {
                            (outlen, endlen, start_line) = (0, 0, None);
                            quotes = QuoteTrack::new(newline_lines);
                            continue;
                        }
                    }
                    let line = start_line.unwrap_or(*newlines + 1);
                    self.plain = false;
                    self.nfields = endlen;
                    self.line = line;
                    self.end_line = line + quotes.inner_newlines();
                    self.stray = match (at_end, quotes.unclosed(), quotes.text_after_close()) {
                        (true, Some(cell), _) => Some(StrayQuote::Unclosed { cell }),
                        (_, _, Some((cell, lines))) => Some(StrayQuote::TextAfter {
                            cell,
                            line: line + lines,
                        }),
                        _ => None,
                    };
                    if let Some(
                        StrayQuote::Unclosed { cell } | StrayQuote::TextAfter { cell, .. },
                    ) = self.stray
                    {
                        // The cells before the quoted one are kept (the id among them, usually).
                        self.nfields = cell.min(endlen);
                        if let Some((nl, cr)) = quotes.first_newline() {
                            let next = start_byte + nl + 1;
                            // After a `\r`, the `\n` of a `\r\n` is still to come.
                            self.after_cr = cr;
                            self.input
                                .seek(SeekFrom::Start(next))
                                .map_err(|e| RegistryError::io("read", &self.path, e))?;
                            self.core.reset();
                            self.bytes = next;
                            self.newlines = line;
                        }
                    }
                    return Ok(true);
                }
                csv_core::ReadRecordResult::End => return Ok(false),
            }
        }
    }
}

/// The line breaks in `bytes` (`\n`, `\r\n` or a lone `\r`; only `\n` when `newline_lines`),
/// read after `after_cr` (whether the byte before them was a `\r`), which is left saying whether
/// their last byte is one.
fn line_breaks(bytes: &[u8], after_cr: &mut bool, newline_lines: bool) -> u64 {
    if newline_lines {
        *after_cr = bytes.last() == Some(&b'\r');
        return memchr::memchr_iter(b'\n', bytes).count() as u64;
    }
    let mut n = 0u64;
    for b in bytes {
        n += u64::from(*b == b'\r' || (*b == b'\n' && !*after_cr));
        *after_cr = *b == b'\r';
    }
    n
}

impl CsvRows {
    /// The common case without the CSV state machine: a whole line already in the buffer, ending
    /// with `\n` (or `\r\n`), valid UTF-8, with no quote and no other `\r` (unless the file's
    /// lines end in `\n`, where a lone `\r` is text), is split at each
    /// delimiter. Such a line is one record whose fields are its pieces, exactly as `csv-core`
    /// reads it. Anything else (quotes, a blank line, a line across the buffer's end, the last
    /// line without a newline, bytes that are not UTF-8) returns false without consuming
    /// anything, and [`CsvRows::read_record`] reads it (and reports a bad cell as such).
    fn read_plain_line(&mut self) -> Result<bool, RegistryError> {
        let CsvRows {
            input,
            ends,
            path,
            delimiter,
            last_wanted,
            newline_lines,
            ..
        } = self;
        let buf = input
            .fill_buf()
            .map_err(|e| RegistryError::io("read", path.as_path(), e))?;
        let Some(nl) = memchr::memchr(b'\n', buf) else {
            return Ok(false);
        };
        let Some(mut line) = buf.get(..nl) else {
            return Ok(false);
        };
        if let Some(body) = line.strip_suffix(b"\r") {
            line = body;
        }
        let special = if *newline_lines {
            memchr::memchr(b'"', line)
        } else {
            memchr::memchr2(b'"', b'\r', line)
        };
        if line.is_empty() || special.is_some() {
            return Ok(false);
        }
        // Fields are split up to the last wanted one; the rest of the line is only counted, so
        // that a row with too many or too few cells is still found.
        let mut n = 0usize;
        let mut known = line.len();
        let mut end_field = |n: usize, at: usize| {
            if ends.len() <= n {
                ends.resize((n + 1).next_power_of_two(), 0);
            }
            if let Some(e) = ends.get_mut(n) {
                *e = at;
            }
        };
        for (i, b) in line.iter().enumerate() {
            if *b == *delimiter {
                end_field(n, i);
                n += 1;
                if n > *last_wanted {
                    known = i;
                    break;
                }
            }
        }
        if known == line.len() {
            // The line ended before the last wanted field did.
            end_field(n, line.len());
            n += 1;
        } else {
            let rest = line.get(known + 1..).unwrap_or(&[]);
            n += rest.iter().filter(|b| **b == *delimiter).count() + 1;
        }
        // Only the fields a wanted column reads are checked to be UTF-8, as `cell` checks them; an
        // ASCII line (nearly all) needs no more than a look at each byte.
        let wanted = line.get(..known).unwrap_or(&[]);
        if !wanted.is_ascii() && std::str::from_utf8(wanted).is_err() {
            return Ok(false);
        }
        self.line_len = known;
        self.pending = nl + 1;
        self.plain = true;
        self.bytes += nl as u64 + 1;
        self.newlines += 1;
        self.after_cr = false;
        self.line = self.newlines;
        self.end_line = self.line;
        self.stray = None;
        self.nfields = n;
        Ok(true)
    }
}

impl Cells for CsvRows {
    fn line(&self) -> u64 {
        self.line
    }

    fn problem(&self) -> Option<Reason> {
        match self.stray {
            Some(StrayQuote::Unclosed { cell }) => {
                let cell = (cell + 1).to_string();
                return Some(Reason::with("G0104.unclosed", &[("cell", &cell)]));
            }
            Some(StrayQuote::TextAfter { cell, line }) => {
                let cell = (cell + 1).to_string();
                let args = [("cell", cell.as_str()), ("closes", &line.to_string())];
                return Some(Reason::with("G0104.text_after", &args));
            }
            None => {}
        }
        (self.nfields != self.header_len).then(|| {
            let runs_on = self.end_line > self.line;
            let key = match (self.nfields == 1, runs_on) {
                (true, false) => "G0104.cell",
                (false, false) => "G0104.cells",
                (true, true) => "G0104.cell.runs_on",
                (false, true) => "G0104.cells.runs_on",
            };
            let args = [
                ("cells", self.nfields.to_string()),
                ("header", self.header_len.to_string()),
                ("end", self.end_line.to_string()),
            ];
            let refs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            Reason::with(key, &refs)
        })
    }

    fn cell(&self, k: usize) -> Result<Option<&str>, BadCell> {
        let Some(Some(field)) = self.fields.get(k) else {
            return Ok(None);
        };
        if *field >= self.nfields {
            return Ok(None);
        }
        // A plain line was checked up to its last wanted field, so this fails only in a quoted
        // record, read by `csv-core`.
        let text = std::str::from_utf8(self.raw(*field))
            .map_err(|_| BadCell::NOT_UTF8)?
            .trim();
        Ok((!text.is_empty()).then_some(text))
    }
}

impl CsvRows {
    /// Whether every cell of the current record is empty or spaces.
    fn all_cells_empty(&self) -> bool {
        if self.stray.is_some() {
            return false;
        }
        let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
        if self.plain {
            let line = self.input.buffer().get(..self.pending).unwrap_or(&[]);
            // A row of data starts with its id: the whole line is looked at only when it does not.
            line.first()
                .is_some_and(|b| *b == self.delimiter || blank(b))
                && line.iter().all(|b| *b == self.delimiter || blank(b))
        } else {
            let end = self
                .nfields
                .checked_sub(1)
                .and_then(|last| self.ends.get(last))
                .copied()
                .unwrap_or(0);
            self.out.get(..end).unwrap_or(&[]).iter().all(blank)
        }
    }

    /// [`RowStream::row_text`] for a plain line: its text up to the last wanted field.
    fn plain_row_text(&self, spans: &mut [Option<(u32, u32)>]) -> Option<&[u8]> {
        if !self.plain {
            return None;
        }
        for (k, span) in spans.iter_mut().enumerate() {
            *span = match self.fields.get(k) {
                Some(Some(field)) if *field < self.nfields => {
                    let (start, end) = self.span(*field);
                    let (start, end) = trimmed_range(self.line_bytes(), start, end);
                    match (u32::try_from(start), u32::try_from(end)) {
                        (Ok(s), Ok(e)) if e > s => Some((s, e)),
                        (Ok(_), Ok(_)) => None,
                        // A line over 4 GiB: let the cells be taken one by one.
                        _ => return None,
                    }
                }
                _ => None,
            };
        }
        Some(self.line_bytes())
    }
}

impl RowStream for CsvRows {
    fn absent(&self) -> Option<&[Absent]> {
        Some(&self.absent)
    }

    fn file(&self) -> &Arc<str> {
        &self.file
    }

    fn advance(&mut self) -> Result<bool, RegistryError> {
        loop {
            let done = std::mem::take(&mut self.pending);
            self.input.consume(done);
            self.plain = false;
            let read = self.read_plain_line()? || self.read_record()?;
            // A row whose every cell is empty (`,,,,`: spreadsheets export the rows that were only
            // formatted) holds nothing, and is passed over as a blank line is.
            if !read || !self.all_cells_empty() {
                return Ok(read);
            }
        }
    }

    fn position(&self) -> (u64, Option<u64>) {
        (self.bytes, self.size)
    }

    fn row_text(&self, spans: &mut [Option<(u32, u32)>]) -> Option<&[u8]> {
        self.plain_row_text(spans)
    }

    fn separator(&self) -> Separator {
        match self.delimiter {
            b',' => Separator::Comma,
            b';' => Separator::Semicolon,
            _ => Separator::Other,
        }
    }
}

#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;
