//! Program text from a file's bytes: every reader of program files (the CLI, a host that reads
//! files itself) decodes them here, so a file that is not UTF-8 is refused the same way everywhere,
//! with the line and column of its first invalid byte.

use crate::codes;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::span::LineIndex;

/// Bytes that are not UTF-8 text: why, and a copy of the text that can be shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotUtf8 {
    /// The bytes decoded with each invalid sequence replaced by `�` (U+FFFD), to show the
    /// diagnostic's source line. It is not the file: never write it back.
    pub shown: String,
    /// One `E0008` error at the first invalid byte (line and column as in [`Self::shown`], byte
    /// offsets as in the file), with help to save the file as UTF-8.
    pub diagnostics: Diagnostics,
}

/// The program text in `bytes`.
///
/// # Errors
/// [`NotUtf8`] when the bytes are not UTF-8, as a file saved in Latin-1 or Windows-1252 is as
/// soon as it holds an accented letter.
///
/// ```
/// let err = entitle_dsl::text::from_bytes(b"program p \"Caf\xe9\"\n".to_vec()).unwrap_err();
/// let d = &err.diagnostics.0[0];
/// assert_eq!((d.code, d.span.line, d.span.column), ("E0008", 1, 15));
/// ```
pub fn from_bytes(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    let error = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e,
    };
    let utf8 = error.utf8_error();
    let start = utf8.valid_up_to();
    let bad = error.as_bytes().get(start..).unwrap_or_default();
    let len = utf8.error_len().unwrap_or(bad.len()).max(1);
    let shown = String::from_utf8_lossy(error.as_bytes()).into_owned();
    // The text before the first invalid byte is the same in `shown`, so its line and column are
    // the file's; the end stays the file's offset, past the invalid bytes only.
    let mut span = LineIndex::new(&shown).span(start, start);
    span.end = start.saturating_add(len);
    let hex: Vec<String> = bad.iter().take(len).map(|b| format!("0x{b:02X}")).collect();
    let what = if len == 1 {
        "a byte that is not UTF-8"
    } else {
        "bytes that are not UTF-8"
    };
    let diagnostic = Diagnostic::new(codes::INVALID_TEXT, span)
        .arg("what", format!("{what} (`{}`)", hex.join(" ")))
        .with_help("E0008.help.utf8");
    Err(NotUtf8 {
        shown,
        diagnostics: Diagnostics(vec![diagnostic]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_text_is_returned_as_is() {
        assert_eq!(
            from_bytes(b"program p".to_vec()),
            Ok("program p".to_string())
        );
    }

    #[test]
    fn a_truncated_sequence_at_the_end_is_one_invalid_run() {
        // The first two bytes of `€` (E2 82 AC), cut off by the end of the file.
        let err = from_bytes(b"ab\n\xe2\x82".to_vec()).unwrap_err();
        let d = &err.diagnostics.0[0];
        assert_eq!(
            (d.span.line, d.span.column, d.span.start, d.span.end),
            (2, 1, 3, 5)
        );
        assert_eq!(err.shown, "ab\n\u{fffd}");
    }
}
