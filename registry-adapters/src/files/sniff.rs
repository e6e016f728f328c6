//! What the first bytes of a CSV or TSV file say about how to read it: the one rule for the
//! rows' reader and for `entitle import`, so that both read a file alike.

use crate::error::RegistryError;
use std::path::Path;

/// The field delimiter of the file at `path` whose first bytes are `start`.
///
/// # Errors
/// G0006 when the file is plainly not UTF-8 text ([`other_encoding`]).
pub(crate) fn delimiter(path: &Path, start: &[u8]) -> Result<u8, RegistryError> {
    if let Some(reason) = other_encoding(start) {
        return Err(RegistryError::Malformed {
            path: path.to_path_buf(),
            line: 1,
            reason: reason.into(),
        });
    }
    Ok(field_delimiter(path, start))
}

/// A tab for `.tsv`, else [`comma_or_semicolon`].
fn field_delimiter(path: &Path, start: &[u8]) -> u8 {
    let tsv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    if tsv {
        b'\t'
    } else {
        comma_or_semicolon(start)
    }
}

/// Why a file whose first bytes are `start` is not UTF-8 text, when it is plainly in another
/// encoding: spreadsheets save "Unicode text" as UTF-16, which would otherwise be reported as a
/// header that is not UTF-8 without saying what to do.
fn other_encoding(start: &[u8]) -> Option<&'static str> {
    const HOW: &str =
        "the file is UTF-16 text (a spreadsheet's \"Unicode text\"); save it as \"CSV UTF-8\"";
    match start {
        [0xff, 0xfe, ..] | [0xfe, 0xff, ..] => Some(HOW),
        // Without a byte-order mark: a zero byte beside each character of an ASCII header.
        [a, 0, b, 0, ..] | [0, a, 0, b, ..] if a.is_ascii_graphic() && b.is_ascii_graphic() => {
            Some(HOW)
        }
        _ => None,
    }
}

/// The delimiter of a `.csv` file whose header line starts `start`: `;` when the header has
/// semicolons and no comma outside quotes (as spreadsheets write CSV where the comma is the
/// decimal mark), `,` otherwise. Columns are then found by name, so a wrong guess cannot go
/// unnoticed: the program's columns would be missing.
fn comma_or_semicolon(start: &[u8]) -> u8 {
    let mut quoted = false;
    let mut semicolons = false;
    for b in start {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => return b',',
            b';' if !quoted => semicolons = true,
            _ => {}
        }
    }
    if semicolons {
        b';'
    } else {
        b','
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
        // A `.tsv` file is read with tabs whatever its header holds.
        assert_eq!(field_delimiter(Path::new("g.tsv"), b"id;x\n"), b'\t');
        assert_eq!(field_delimiter(Path::new("g.TSV"), b"id,x\n"), b'\t');
        assert_eq!(field_delimiter(Path::new("g.csv"), b"id;x\n"), b';');
    }

    #[test]
    fn utf16_is_told_from_utf8_by_its_first_bytes() {
        let utf16 = |bytes: &[u8]| other_encoding(bytes).is_some();
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
