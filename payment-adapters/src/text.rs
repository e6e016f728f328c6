//! Text rules of the formats: the SEPA (and SWIFT) Latin character set, lengths, CSV and XML safety.

use crate::error::PaymentError;
use std::borrow::Cow;

/// `s` as a cell of a CSV file meant for people, which they open in a spreadsheet: a cell that
/// starts like a formula (`=`, `@`, a tab or a carriage return, or `+` or `-` before anything but
/// a plain number) gets a leading `'`, so that opening the file cannot run a formula a registrant
/// typed as an id or a name (CSV injection). Plain numbers (`-5`, `+254700000001`) and all other
/// text are unchanged. Files read by machines (a payment batch, decisions.jsonl) keep the value
/// as it is.
pub fn spreadsheet_safe(s: &str) -> Cow<'_, str> {
    let plain_number = |rest: &str| {
        !rest.is_empty()
            && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
            && rest.chars().filter(|c| *c == '.').count() <= 1
    };
    let formula = match s.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some(sign @ ('+' | '-')) => !plain_number(s.get(sign.len_utf8()..).unwrap_or("")),
        _ => false,
    };
    if formula {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
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

/// Latin letters with diacritics, and a few ligatures, with their basic Latin equivalents. This is
/// the conversion the EPC recommends (a letter loses its accent); nothing else is converted.
fn transliterate_char(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'ď' | 'đ' => "d",
        'Ď' | 'Đ' => "D",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'ĥ' | 'ħ' => "h",
        'Ĥ' | 'Ħ' => "H",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'ĵ' => "j",
        'Ĵ' => "J",
        'ķ' => "k",
        'Ķ' => "K",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ŏ' | 'Ő' => "O",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'ś' | 'ŝ' | 'ş' | 'š' => "s",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' => "S",
        'ţ' | 'ť' | 'ŧ' => "t",
        'Ţ' | 'Ť' | 'Ŧ' => "T",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
        'ŵ' => "w",
        'Ŵ' => "W",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'Ý' | 'Ÿ' | 'Ŷ' => "Y",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ß' => "ss",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        _ => return None,
    })
}

/// Brings a text into the SEPA character set: letters lose their accents (`Zoë` → `Zoe`); any
/// other character outside the set is an error (nothing is dropped or replaced silently). The
/// result must be 1 to `max` characters.
///
/// # Errors
/// [`PaymentError::InvalidText`] (P0013) naming the field and, for payee data, the unit.
pub fn sepa_text(
    text: &str,
    max: usize,
    field: &str,
    unit_id: Option<&str>,
    format: &'static str,
) -> Result<String, PaymentError> {
    let err = |reason: String| PaymentError::InvalidText {
        unit_id: unit_id.map(str::to_string),
        field: field.to_string(),
        format,
        reason,
    };
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if is_sepa_char(c) {
            out.push(c);
        } else if let Some(t) = transliterate_char(c) {
            out.push_str(t);
        } else {
            return Err(err(format!(
                "contains U+{:04X}, outside the SEPA character set",
                u32::from(c)
            )));
        }
    }
    check_length(&out, 1, max).map_err(err)?;
    Ok(out)
}

/// Checks that a text has between `min` and `max` characters and no control characters.
pub(crate) fn check_length(text: &str, min: usize, max: usize) -> Result<(), String> {
    let n = text.chars().count();
    if n < min {
        return Err("is empty".into());
    }
    if n > max {
        return Err(format!("is {n} characters long, more than {max}"));
    }
    if text.chars().any(char::is_control) {
        return Err("contains control characters".into());
    }
    Ok(())
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
    check_length(t, 1, max).map_err(|reason| PaymentError::InvalidText {
        unit_id: unit_id.map(str::to_string),
        field: field.to_string(),
        format,
        reason,
    })?;
    Ok(t.to_string())
}

/// A value for the Payment Hub EE CSV, whose reader splits lines on `,` and knows no quoting: no
/// commas, quotes or line breaks.
pub(crate) fn csv_cell(
    text: &str,
    field: &str,
    unit_id: Option<&str>,
    format: &'static str,
) -> Result<String, PaymentError> {
    if let Some(c) = text
        .chars()
        .find(|c| matches!(c, ',' | '"' | '\r' | '\n') || c.is_control())
    {
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
    fn xml_escape_escapes_markup() {
        assert_eq!(
            xml_escape("O'Neil & <Sons> \"x\""),
            "O&apos;Neil &amp; &lt;Sons&gt; &quot;x&quot;"
        );
    }
}
