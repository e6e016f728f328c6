//! What the first bytes of a CSV or TSV file say about how to read it: the one rule for the
//! rows' reader and for `entitle import`, so that both read a file alike.

use crate::error::RegistryError;
use std::path::Path;

/// The field delimiter of the file at `path` whose first bytes are `start`.
///
/// # Errors
/// G0006 when the file is plainly not UTF-8 text ([`other_encoding`]).
#[cfg_attr(not(feature = "csv"), allow(dead_code))]
pub(crate) fn delimiter(path: &Path, start: &[u8]) -> Result<u8, RegistryError> {
    not_utf16(path, start, SAVE_CSV)?;
    Ok(field_delimiter(path, start))
}

/// What to do with a CSV file saved as UTF-16.
const SAVE_CSV: &str = "G0006.utf16_csv";
/// What to do with a JSON Lines file saved as UTF-16 (as Windows PowerShell 5 writes by default).
#[cfg(feature = "jsonl")]
pub(crate) const SAVE_JSONL: &str = "G0006.utf16_jsonl";

/// Refuses the file at `path` whose first bytes are `start` when it is plainly UTF-16 text, which
/// would otherwise be reported as unreadable rows without saying what to do.
///
/// # Errors
/// G0006 with `how`, the catalogue entry that says what to do instead.
pub(crate) fn not_utf16(path: &Path, start: &[u8], how: &'static str) -> Result<(), RegistryError> {
    if utf16(start) {
        return Err(RegistryError::Malformed {
            path: path.to_path_buf(),
            line: 1,
            reason: crate::reason::Reason::key(how),
        });
    }
    Ok(())
}

/// A tab for `.tsv`, else [`comma_or_semicolon`]: how every CSV file the project reads is split,
/// the registry's and the lists `entitle cycle` is given beside it.
pub fn field_delimiter(path: &Path, start: &[u8]) -> u8 {
    let tsv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    if tsv {
        b'\t'
    } else {
        comma_or_semicolon(start)
    }
}

/// Whether a file whose first bytes are `start` is plainly UTF-16 text: spreadsheets save
/// "Unicode text" so.
fn utf16(start: &[u8]) -> bool {
    match start {
        [0xff, 0xfe, ..] | [0xfe, 0xff, ..] => true,
        // Without a byte-order mark: a zero byte beside each character of an ASCII header.
        [a, 0, b, 0, ..] | [0, a, 0, b, ..] => a.is_ascii_graphic() && b.is_ascii_graphic(),
        _ => false,
    }
}

/// Whether the lines of a CSV file whose first bytes are `start` end in `\n` (or `\r\n`), as its
/// first line break outside quotes says: then a lone `\r` inside a line is text (a cell pasted from
/// an old Mac text), not a line break. Otherwise (the first break is a lone `\r`, as old Mac
/// spreadsheets end lines, or none is in sight) a lone `\r`, `\n` and `\r\n` all end lines.
pub(crate) fn lines_end_in_newline(start: &[u8]) -> bool {
    let mut quoted = false;
    for (i, b) in start.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => return true,
            b'\r' if !quoted => return start.get(i + 1) == Some(&b'\n'),
            _ => {}
        }
    }
    false
}

/// The delimiter of a `.csv` file whose header line starts `start`: `;` when the header has
/// semicolons and no comma outside quotes (as spreadsheets write CSV where the comma is the
/// decimal mark), a tab when it has tabs and neither (a spreadsheet's "Text (Tab delimited)" or
/// cells pasted into an editor, saved as `.csv`), `,` otherwise. Columns are then found by name,
/// so a wrong guess cannot go unnoticed: the program's columns would be missing.
fn comma_or_semicolon(start: &[u8]) -> u8 {
    let mut quoted = false;
    let (mut semicolons, mut tabs) = (false, false);
    for b in start {
        match b {
            b'"' => quoted = !quoted,
            // The header ends at its line break, a lone `\r` in a file of old Mac lines.
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => return b',',
            b';' if !quoted => semicolons = true,
            b'\t' if !quoted => tabs = true,
            _ => {}
        }
    }
    match (semicolons, tabs) {
        (true, _) => b';',
        (false, true) => b'\t',
        (false, false) => b',',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_with_semicolons_and_no_comma_is_read_with_semicolons() {
        assert_eq!(comma_or_semicolon(b"id;region\nH1;a,b"), b';');
        assert_eq!(comma_or_semicolon(b"\"a,b\";id\n"), b';');
        assert_eq!(comma_or_semicolon(b"id,notes;x\n"), b',');
        assert_eq!(comma_or_semicolon(b"id\nH1;x\n"), b',');
        assert_eq!(comma_or_semicolon(b""), b',');
        assert_eq!(comma_or_semicolon(b"id\tregion\nH1\ta,b"), b'\t');
        assert_eq!(comma_or_semicolon(b"id\tregion;x\n"), b';');
        assert_eq!(comma_or_semicolon(b"id\tregion,x\n"), b',');
        assert_eq!(comma_or_semicolon(b"\"a\tb\",id\n"), b',');
        // Old Mac lines end in a lone `\r`: the comma of a row's decimal is not the header's.
        assert_eq!(comma_or_semicolon(b"id;income\rH1;1500,50\r"), b';');
        assert_eq!(comma_or_semicolon(b"id;income\r\nH1;1500,50\r\n"), b';');
        // A `.tsv` file is read with tabs whatever its header holds.
        assert_eq!(field_delimiter(Path::new("g.tsv"), b"id;x\n"), b'\t');
        assert_eq!(field_delimiter(Path::new("g.TSV"), b"id,x\n"), b'\t');
        assert_eq!(field_delimiter(Path::new("g.csv"), b"id;x\n"), b';');
    }

    #[test]
    fn the_first_line_break_says_whether_a_lone_carriage_return_ends_lines() {
        for (start, newline) in [
            (&b"id,x\nA,1\rB\n"[..], true),
            (b"id,x\r\nA,1\rB\r\n", true),
            // A quoted header cell's break is not the header's end.
            (b"\"i\rd\",x\nA,1\n", true),
            (b"id,x\rA,1\r", false),
            (b"id,x\rA,1\r\n", false),
            // Nothing in sight says: every ending is one, as for old Mac files.
            (b"id,x", false),
            (b"id,x\r", false),
            (b"", false),
        ] {
            assert_eq!(
                lines_end_in_newline(start),
                newline,
                "{}",
                String::from_utf8_lossy(start)
            );
        }
    }

    #[test]
    fn utf16_is_told_from_utf8_by_its_first_bytes() {
        assert!(utf16(b"\xff\xfei\0d\0"));
        assert!(utf16(b"\xfe\xff\0i\0d"));
        assert!(utf16(b"i\0d\0,\0"));
        assert!(utf16(b"\0i\0d\0,"));
        assert!(!utf16(b"\xef\xbb\xbfid,region\n"));
        assert!(!utf16(b"id,region\n"));
        assert!(!utf16(b"i"));
        assert!(!utf16(b""));
        let e = delimiter(Path::new("g.csv"), b"\xff\xfei\0").unwrap_err();
        assert_eq!(e.code(), "G0006");
        assert_eq!(delimiter(Path::new("g.csv"), b"id;x\n").ok(), Some(b';'));
    }
}
