//! Text rules of the formats: the SEPA (and SWIFT) Latin character set, lengths, CSV and XML safety.

use crate::error::PaymentError;
use crate::payee::ExceptionReason;
use std::borrow::Cow;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// `s` as a cell of a CSV file meant for people, which they open in a spreadsheet: a cell that
/// starts like a formula (`=`, `@`, a tab or a carriage return, or `+` or `-` before anything but
/// a plain number) gets a leading `'`, so that opening the file cannot run a formula a registrant
/// typed as an id or a name (CSV injection). A cell that already starts with `'` gets one more, so
/// that the rule can be undone ([`from_spreadsheet_safe`]) and two values never give the same cell:
/// `=1+2` is written `'=1+2`, and `'=1+2` is written `''=1+2`. Plain numbers (`-5`,
/// `+254700000001`) and all other text are unchanged. Files read by machines (a payment batch,
/// decisions.jsonl) keep the value as it is.
pub fn spreadsheet_safe(s: &str) -> Cow<'_, str> {
    let plain_number = |rest: &str| {
        !rest.is_empty()
            && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
            && rest.chars().filter(|c| *c == '.').count() <= 1
    };
    let prefixed = match s.chars().next() {
        Some('=' | '@' | '\t' | '\r' | '\'') => true,
        Some(sign @ ('+' | '-')) => !plain_number(s.get(sign.len_utf8()..).unwrap_or("")),
        _ => false,
    };
    if prefixed {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The value a [`spreadsheet_safe`] cell stands for: the cell without its first `'`, if it starts
/// with one (that `'` was added, as every value that starts with `'` gets one more); any other
/// cell as it is.
pub fn from_spreadsheet_safe(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// Whether a character is in the EPC's basic Latin set for SEPA, which is also the SWIFT `x`
/// character set: `a-z A-Z 0-9 / - ? : ( ) . , ' +` and space.
pub fn is_sepa_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '/' | '-' | '?' | ':' | '(' | ')' | '.' | ',' | '\'' | '+' | ' '
        )
}

/// The character set a Latin-only text field must fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    /// The EPC's basic Latin set for SEPA credit transfers (`pain001.sepa = true`).
    Sepa,
    /// The SWIFT `x` character set, which banks apply to pain.001 outside SEPA: the same
    /// characters as [`Charset::Sepa`].
    Swift,
}

impl Charset {
    /// The set's name and its characters, as an error message gives them.
    pub fn describe(self) -> &'static str {
        match self {
            Charset::Sepa => "the SEPA character set (a-z A-Z 0-9 / - ? : ( ) . , ' + space)",
            Charset::Swift => {
                "the SWIFT character set of pain.001 without SEPA (a-z A-Z 0-9 / - ? : ( ) . , ' + space)"
            }
        }
    }
}

/// Letters that do not decompose into a basic Latin letter and accents, and ligatures, with their
/// basic Latin equivalents.
fn transliterate_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'ẞ' => "SS",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        'ø' => "o",
        'Ø' => "O",
        'đ' | 'ð' => "d",
        'Đ' | 'Ð' => "D",
        'ħ' => "h",
        'Ħ' => "H",
        'ı' => "i",
        'ł' | 'ŀ' => "l",
        'Ł' | 'Ŀ' => "L",
        'ŧ' => "t",
        'Ŧ' => "T",
        'þ' => "th",
        'Þ' => "TH",
        _ => return None,
    })
}

/// Punctuation and spaces with their basic Latin equivalents: typographic apostrophes and quotes
/// become `'` (the set has no `"`), dashes `-`, and the no-break and narrow spaces a space.
fn transliterate_punctuation(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '`' => "'",
        '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' => "'",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => "-",
        '\u{00A0}' | '\u{2007}' | '\u{2009}' | '\u{202F}' => " ",
        '\u{2026}' => "...",
        _ => return None,
    })
}

/// Brings a text into the SEPA character set: see [`latin_text`].
///
/// # Errors
/// As [`latin_text`].
pub fn sepa_text(
    text: &str,
    max: usize,
    field: &str,
    unit_id: Option<&str>,
    format: &'static str,
) -> Result<String, PaymentError> {
    latin_text(text, max, Charset::Sepa, field, unit_id, format)
}

/// Brings a text into a basic Latin character set, the conversion the EPC recommends: letters lose
/// their accents whether they come composed or decomposed (`Zoë`, `Ștefan`, `Nguyễn` → `Zoe`,
/// `Stefan`, `Nguyen`), a few letters and ligatures are spelled out (`ß` → `ss`), typographic
/// punctuation becomes its plain form (`’` → `'`, `–` → `-`, a no-break space a space). Any other
/// character is an error: nothing is dropped or replaced silently. The result must be 1 to `max`
/// characters.
///
/// # Errors
/// [`PaymentError::InvalidText`] (P0013) naming the field, the character set and, for payee data,
/// the unit (never the text).
pub fn latin_text(
    text: &str,
    max: usize,
    charset: Charset,
    field: &str,
    unit_id: Option<&str>,
    format: &'static str,
) -> Result<String, PaymentError> {
    to_latin(text, max).map_err(|problem| PaymentError::InvalidText {
        unit_id: unit_id.map(str::to_string),
        field: field.to_string(),
        format,
        reason: problem.reason(charset),
    })
}

/// Why a text does not fit a Latin field. Whatever the problem, a payee's text sends only its
/// unit to the exceptions file (each problem has its reason), while a payer setting's stops the
/// export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LatinProblem {
    /// A character outside the set that has no basic Latin form (Cyrillic, Arabic …).
    Outside(char),
    /// Empty, too long or with control characters, once transliterated.
    Length(LengthProblem),
}

impl LatinProblem {
    /// The reason an error gives, naming the set that applies.
    pub(crate) fn reason(&self, charset: Charset) -> String {
        match self {
            LatinProblem::Outside(c) => format!(
                "contains U+{:04X}, outside {}",
                u32::from(*c),
                charset.describe()
            ),
            LatinProblem::Length(problem) => problem.reason(),
        }
    }
}

/// Why a text does not fit a field's length (or has control characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LengthProblem {
    /// No characters (after trimming).
    Empty,
    /// More characters than the field holds.
    TooLong { chars: usize, max: usize },
    /// A control character (a line break, a tab …).
    Control,
}

impl LengthProblem {
    /// The reason an error gives.
    pub(crate) fn reason(self) -> String {
        match self {
            LengthProblem::Empty => "is empty".into(),
            LengthProblem::TooLong { chars, max } => {
                format!("is {chars} characters long, more than {max}")
            }
            LengthProblem::Control => "contains control characters".into(),
        }
    }
}

/// [`latin_text`] without the error's context: the transliterated text or what is wrong with it.
pub(crate) fn to_latin(text: &str, max: usize) -> Result<String, LatinProblem> {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        // A control character is no letter of another script: it is reported as what it is, so
        // that nobody is asked for a Latin spelling of a stray tab.
        if c.is_control() {
            return Err(LatinProblem::Length(LengthProblem::Control));
        }
        if is_sepa_char(c) {
            out.push(c);
        } else if let Some(t) = transliterate_punctuation(c) {
            out.push_str(t);
        } else {
            for d in std::iter::once(c).nfd() {
                if is_sepa_char(d) {
                    out.push(d);
                } else if let Some(t) = transliterate_letter(d) {
                    out.push_str(t);
                } else if !is_combining_mark(d) {
                    return Err(LatinProblem::Outside(c));
                }
            }
        }
    }
    let out = out.trim().to_string();
    check_length(&out, 1, max).map_err(LatinProblem::Length)?;
    Ok(out)
}

/// Checks that a text has between `min` and `max` characters and no control characters.
pub(crate) fn check_length(text: &str, min: usize, max: usize) -> Result<(), LengthProblem> {
    let n = text.chars().count();
    if n < min {
        return Err(LengthProblem::Empty);
    }
    if n > max {
        return Err(LengthProblem::TooLong { chars: n, max });
    }
    if has_control(text) {
        return Err(LengthProblem::Control);
    }
    Ok(())
}

/// Whether a text has a control character: C0 (U+0000 to U+001F), DEL or C1 (U+0080 to
/// U+009F). A payee's text with one goes to the exceptions file in every format
/// ([`ExceptionReason::PayeeTextControlCharacters`]).
pub(crate) fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// A checked free text (note, purpose, name) for a JSON format.
pub(crate) fn json_text(
    text: &str,
    max: usize,
    field: &str,
    unit_id: Option<&str>,
    format: &'static str,
) -> Result<String, PaymentError> {
    let t = text.trim();
    check_length(t, 1, max).map_err(|problem| PaymentError::InvalidText {
        unit_id: unit_id.map(str::to_string),
        field: field.to_string(),
        format,
        reason: problem.reason(),
    })?;
    Ok(t.to_string())
}

/// A payee's free text (a name) for a JSON format: as [`json_text`], except that a text longer
/// than the field (`payee_text_too_long`) or with control characters
/// (`payee_text_control_characters`) sends the unit to the exceptions file, so that one payee's
/// data does not hold back everyone else's payment. It is never cut or cleaned: a changed name
/// could name someone else.
///
/// # Errors
/// [`PaymentError::InvalidText`] (P0013) for an empty text, naming the field and the unit (the
/// callers pass trimmed, non-empty names, so this is a defect).
pub(crate) fn payee_json_text(
    text: &str,
    max: usize,
    field: &str,
    unit_id: &str,
    format: &'static str,
) -> Result<Result<String, ExceptionReason>, PaymentError> {
    let t = text.trim();
    match check_length(t, 1, max) {
        Ok(()) => Ok(Ok(t.to_string())),
        Err(LengthProblem::TooLong { .. }) => Ok(Err(ExceptionReason::PayeeTextTooLong)),
        Err(LengthProblem::Control) => Ok(Err(ExceptionReason::PayeeTextControlCharacters)),
        Err(problem @ LengthProblem::Empty) => Err(PaymentError::InvalidText {
            unit_id: Some(unit_id.to_string()),
            field: field.to_string(),
            format,
            reason: problem.reason(),
        }),
    }
}

/// Whether the Payment Hub EE CSV reader, which splits lines on `,` and knows no quoting, cannot
/// carry a character: a comma, a double quote, a line break or another control character.
fn breaks_csv(c: char) -> bool {
    matches!(c, ',' | '"' | '\r' | '\n') || c.is_control()
}

/// A value for the Payment Hub EE CSV, whose reader splits lines on `,` and knows no quoting: no
/// commas, quotes or line breaks.
pub(crate) fn csv_cell(
    text: &str,
    field: &str,
    unit_id: Option<&str>,
    format: &'static str,
) -> Result<String, PaymentError> {
    if let Some(c) = text.chars().find(|c| breaks_csv(*c)) {
        let what = match c {
            ',' => "a comma".to_string(),
            '"' => "a double quote".to_string(),
            _ => "a line break or control character".to_string(),
        };
        return Err(PaymentError::InvalidText {
            unit_id: unit_id.map(str::to_string),
            field: field.to_string(),
            format,
            reason: format!("contains {what}, which the Payment Hub EE CSV reader cannot carry"),
        });
    }
    Ok(text.to_string())
}

/// A payee's value for the Payment Hub EE CSV: as [`csv_cell`], except that a value it cannot
/// carry sends the unit to the exceptions file (`payee_text_control_characters`, or
/// `payee_text_breaks_csv` for a comma or a double quote) rather than stopping the export. It is
/// never quoted or altered: the reader would split inside the quotes, and a changed identifier
/// could pay someone else.
pub(crate) fn payee_csv_cell(text: &str) -> Result<(), ExceptionReason> {
    if has_control(text) {
        Err(ExceptionReason::PayeeTextControlCharacters)
    } else if text.chars().any(breaks_csv) {
        Err(ExceptionReason::PayeeTextBreaksCsv)
    } else {
        Ok(())
    }
}

/// Escapes text for XML element content and attribute values.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_start_like_formulas_are_made_text() {
        for (given, shown) in [
            ("=1+2", "'=1+2"),
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            // A value that starts with `'` gets one more, so that it stays apart from the value
            // the first `'` was added to.
            ("'=HYPERLINK(\"http://x\")", "''=HYPERLINK(\"http://x\")"),
            ("'H1", "''H1"),
            ("'", "''"),
            ("''=1", "'''=1"),
            // Unchanged: numbers with a sign, ordinary ids and names, and signs inside.
            ("-5", "-5"),
            ("-1500.50", "-1500.50"),
            ("+254700000001", "+254700000001"),
            ("H0000001", "H0000001"),
            ("Mercy Wambua", "Mercy Wambua"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(given), shown, "{given:?}");
        }
        assert!(matches!(spreadsheet_safe("H1"), Cow::Borrowed(_)));
    }

    /// Distinct values give distinct cells, and each cell gives back its value.
    #[test]
    fn spreadsheet_cells_keep_distinct_values_apart_and_give_them_back() {
        let values = [
            "=HYPERLINK(\"x\")",
            "'=HYPERLINK(\"x\")",
            "''=HYPERLINK(\"x\")",
            "@SUM(A1)",
            "'@SUM(A1)",
            "-5",
            "'-5",
            "-x",
            "'-x",
            "H1",
            "'H1",
            "''H1",
            "'",
            "''",
            "",
            "\t=1",
            "'\t=1",
        ];
        let cells: std::collections::BTreeSet<String> = values
            .iter()
            .map(|v| spreadsheet_safe(v).into_owned())
            .collect();
        assert_eq!(cells.len(), values.len(), "{cells:?}");
        for v in values {
            assert_eq!(from_spreadsheet_safe(&spreadsheet_safe(v)), v, "{v:?}");
        }
    }

    #[test]
    fn sepa_text_transliterates_letters_and_refuses_the_rest() {
        assert_eq!(
            sepa_text("  Zoë Müller-Łukasz ", 70, "Cdtr/Nm", Some("H1"), "pain").unwrap(),
            "Zoe Muller-Lukasz"
        );
        assert_eq!(
            sepa_text("Straße", 70, "n", None, "pain").unwrap(),
            "Strasse"
        );
        let e = sepa_text("Ali & Sons", 70, "Cdtr/Nm", Some("H9"), "pain.001.001.03").unwrap_err();
        assert_eq!(e.code(), "P0013");
        let msg = e.to_string();
        assert!(
            msg.contains("H9") && msg.contains("U+0026") && !msg.contains("Ali"),
            "{msg}"
        );
        let e = sepa_text(&"a".repeat(71), 70, "Cdtr/Nm", None, "pain").unwrap_err();
        assert!(e.to_string().contains("71 characters"));
        assert!(sepa_text("   ", 70, "n", None, "pain").is_err());
        assert!(sepa_text("Wanjiru", 70, "n", None, "pain").is_ok());
    }

    #[test]
    fn latin_text_decomposes_letters_and_plains_punctuation() {
        for (given, want) in [
            ("Zoe\u{301} Mu\u{308}ller", "Zoe Muller"),
            (
                "\u{218}tefan \u{21A}\u{103}ran \u{219}i \u{21B}",
                "Stefan Taran si t",
            ),
            ("\u{15E}erban \u{162}u\u{163}", "Serban Tut"),
            (
                "Nguy\u{1EC5}n V\u{0103}n \u{110}\u{1EE9}c",
                "Nguyen Van Duc",
            ),
            ("O\u{2019}Brien \u{2018}Pat\u{2019}", "O'Brien 'Pat'"),
            ("\u{201C}Mama\u{201D} Njeri", "'Mama' Njeri"),
            ("Jean\u{A0}Luc\u{202F}Picard", "Jean Luc Picard"),
            ("Smith\u{2013}Jones\u{2014}Okafor", "Smith-Jones-Okafor"),
            (
                "\u{C5}se \u{D8}stergaard \u{DE}\u{F3}r",
                "Ase Ostergaard THor",
            ),
            ("Stra\u{DF}e \u{141}\u{F3}d\u{17A}", "Strasse Lodz"),
        ] {
            for charset in [Charset::Sepa, Charset::Swift] {
                assert_eq!(
                    latin_text(given, 70, charset, "Cdtr/Nm", Some("H1"), "pain").unwrap(),
                    want,
                    "{given:?}"
                );
            }
        }
    }

    #[test]
    fn latin_text_names_the_character_set_that_applies() {
        let sepa = latin_text(
            "\u{41C}\u{430}\u{448}\u{430}",
            70,
            Charset::Sepa,
            "Cdtr/Nm",
            Some("H2"),
            "pain.001.001.09",
        )
        .unwrap_err();
        assert_eq!(sepa.code(), "P0013");
        assert_eq!(
            sepa.to_string(),
            "Cdtr/Nm contains U+041C, outside the SEPA character set (a-z A-Z 0-9 / - ? : ( ) . , ' + \
             space) in the pain.001.001.09 format (unit H2)"
        );
        let swift = latin_text(
            "A & B",
            70,
            Charset::Swift,
            "Cdtr/Nm",
            Some("H2"),
            "pain.001.001.03",
        )
        .unwrap_err();
        assert_eq!(
            swift.to_string(),
            "Cdtr/Nm contains U+0026, outside the SWIFT character set of pain.001 without SEPA (a-z \
             A-Z 0-9 / - ? : ( ) . , ' + space) in the pain.001.001.03 format (unit H2)"
        );
        // A lone accent is dropped; a text left empty is refused, not sent blank.
        let e = latin_text("\u{301}", 70, Charset::Sepa, "Cdtr/Nm", None, "pain").unwrap_err();
        assert!(e.to_string().contains("is empty"), "{e}");
    }

    #[test]
    fn csv_cells_refuse_what_ph_ee_cannot_split() {
        assert_eq!(
            csv_cell("Child grant March", "note", None, "ph-ee").unwrap(),
            "Child grant March"
        );
        for bad in ["a,b", "a\"b", "a\nb"] {
            assert_eq!(
                csv_cell(bad, "note", None, "ph-ee").unwrap_err().code(),
                "P0013"
            );
        }
    }

    #[test]
    fn payee_csv_cells_send_what_ph_ee_cannot_split_to_the_exceptions() {
        assert_eq!(payee_csv_cell("amina@example.org"), Ok(()));
        for (text, reason) in [
            (
                "amina,njeri@example.org",
                ExceptionReason::PayeeTextBreaksCsv,
            ),
            ("\"amina\"@example.org", ExceptionReason::PayeeTextBreaksCsv),
            (
                "amina\n@example.org",
                ExceptionReason::PayeeTextControlCharacters,
            ),
            (
                "amina\u{0},@example.org",
                ExceptionReason::PayeeTextControlCharacters,
            ),
        ] {
            assert_eq!(payee_csv_cell(text), Err(reason), "{text:?}");
        }
    }

    #[test]
    fn a_payee_text_too_long_or_with_control_characters_is_an_exception() {
        assert_eq!(
            payee_json_text(" Amina ", 5, "to.name", "H1", "mojaloop").unwrap(),
            Ok("Amina".to_string())
        );
        assert_eq!(
            payee_json_text("Aminaa", 5, "to.name", "H1", "mojaloop").unwrap(),
            Err(ExceptionReason::PayeeTextTooLong)
        );
        for text in ["A\nB", "A\u{0}B", "A\u{7F}", "A\u{9B}B"] {
            assert_eq!(
                payee_json_text(text, 5, "to.name", "H1", "mojaloop").unwrap(),
                Err(ExceptionReason::PayeeTextControlCharacters),
                "{text:?}"
            );
        }
        let e = payee_json_text(" ", 5, "to.name", "H1", "mojaloop").unwrap_err();
        assert_eq!(e.code(), "P0013");
        // In a Latin field, a control character is reported as one, not as another script.
        assert_eq!(
            to_latin("Zo\u{eb}\u{7}", 70),
            Err(LatinProblem::Length(LengthProblem::Control))
        );
        assert_eq!(
            to_latin("Zo\u{eb}", 2),
            Err(LatinProblem::Length(LengthProblem::TooLong {
                chars: 3,
                max: 2
            }))
        );
    }

    #[test]
    fn xml_escape_escapes_markup() {
        assert_eq!(
            xml_escape("O'Neil & <Sons> \"x\""),
            "O&apos;Neil &amp; &lt;Sons&gt; &quot;x&quot;"
        );
    }
}
