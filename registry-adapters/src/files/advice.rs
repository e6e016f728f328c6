//! What a spreadsheet's export does to numbers and dates, and what to tell whoever exported it.
//!
//! The engine's parser (`entitle_core::parse`) is the same for every language and every source:
//! a cell it refuses says what was expected. A registry file says more, because its cells come
//! from a spreadsheet whose locale and column formats shaped them: a number grouped by spaces or
//! commas, a date saved as the spreadsheet's day count or day first. The rules here recognise those
//! shapes and say how to fix the export, never repeating the cell. They also refuse the one shape
//! that the parser would read wrongly: in a file separated by semicolons, `1.500` (see
//! [`ambiguous`]).

//!
//! The advice is said by catalogue entries (`G0101.number`, `G0101.date.day_first` …, and `G0111`
//! for the ambiguous number), so that it reaches whoever fixes the file in their language.

use super::rows::Separator;
use crate::reason::Reason;
use entitle_dsl::Type;

/// Whether `text`, a cell of an input of type `ty` in a file separated by `separator`, is a number
/// that the parser would read as a decimal but that the file's spreadsheet meant as thousands: in
/// a semicolon-separated file, a point followed by three digits after one to three digits
/// (`1.500`, `-12.000`, `1.500.000`; not `0.125`, `1.50` or `1500.00`).
pub(crate) fn ambiguous(ty: &Type, text: &str, separator: Separator) -> bool {
    separator == Separator::Semicolon && any_number(ty, text, &point_grouped)
}

/// Advice for a cell that the parser refused as a value of `ty`, when its shape says what the
/// export did (a number grouped by spaces, a date saved as a number …); `None` otherwise, and the
/// parser's own reason stands.
pub(crate) fn for_cell(ty: &Type, text: &str, separator: Separator) -> Option<Reason> {
    match ty {
        Type::Date => for_date(text),
        // An amount in another currency: the parser says which, and that comes first.
        Type::Money { currency } if other_currency(text, currency.code()) => None,
        Type::Number | Type::Money { .. } | Type::Quantity { .. } => {
            let how = for_number(number_part(ty, text), separator)?;
            let reason = match ty {
                Type::Money { currency } => {
                    Reason::with("G0101.number", &[("currency", currency.code())])
                        .and_entry("shape", "G0101.shape.money")
                }
                Type::Quantity { unit } => Reason::with("G0101.number", &[("unit", unit)])
                    .and_entry("shape", "G0101.shape.quantity"),
                _ => Reason::key("G0101.number").and_entry("shape", "G0101.shape.number"),
            };
            Some(reason.and_entry("how", how))
        }
        _ => None,
    }
}

/// Advice for a date cell that is not an ISO 8601 date, by its shape.
pub(crate) fn for_date(text: &str) -> Option<Reason> {
    let t = text.trim();
    // `2026-13-01` is written right, for a day that does not exist: the parser says so.
    if entitle_core::parse::date_problem(t) == entitle_core::parse::ParseError::NoSuchDate {
        return None;
    }
    let (whole, fraction) = t.split_once('.').unwrap_or((t, ""));
    // A year alone (`2026`) is not taken for a count of days.
    let year = digits(whole, 4..=4) && (whole.starts_with("19") || whole.starts_with("20"));
    if digits(whole, 2..=6) && !year && (fraction.is_empty() || digits(fraction, 1..=12)) {
        return Some(Reason::key("G0101.date.count"));
    }
    if digits(t, 8..=8) && (t.starts_with("19") || t.starts_with("20")) {
        return Some(Reason::key("G0101.date.no_hyphens"));
    }
    // The date part: a date-time's time is not looked at.
    let date = t.split([' ', 'T']).next().unwrap_or(t);
    let parts: Vec<&str> = date.split(['/', '.', '-']).collect();
    match parts.as_slice() {
        [y, m, d] if digits(y, 4..=4) && digits(m, 1..=2) && digits(d, 1..=2) => {
            Some(Reason::key("G0101.date.two_digits"))
        }
        [a, b, y] if digits(a, 1..=2) && digits(b, 1..=2) && digits(y, 2..=4) => {
            Some(Reason::key("G0101.date.day_first"))
        }
        _ => None,
    }
}

/// Advice for a number written as a spreadsheet of some locale writes it: the catalogue entry
/// that says how it is written.
fn for_number(t: &str, separator: Separator) -> Option<&'static str> {
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let (int, frac) = match body.rfind(['.', ',']) {
        // A last mark followed by other than three digits is a decimal mark.
        Some(at) if !digits(body.get(at + 1..).unwrap_or(""), 3..=3) => {
            (body.get(..at).unwrap_or(""), body.get(at..))
        }
        _ => (body, None),
    };
    let decimal_comma = frac.is_some_and(|f| f.starts_with(','));
    let frac_ok = frac.is_none_or(|f| digits(f.get(1..).unwrap_or(""), 1..=28));
    let grouped_by = |marks: &[char]| grouped(int, marks);
    let spaces = ['\u{20}', '\u{a0}', '\u{202f}', '\u{2009}'];
    let how = if !frac_ok {
        return None;
    } else if grouped_by(&spaces) {
        "G0101.how.spaces"
    } else if grouped_by(&[',']) && !decimal_comma {
        match separator {
            // Where the comma is the decimal mark, `1,500` is one and a half.
            Separator::Semicolon if frac.is_none() => "G0101.how.decimal_comma",
            _ => "G0101.how.commas",
        }
    } else if grouped_by(&['.']) && frac.is_none_or(|_| decimal_comma) {
        "G0101.how.points"
    } else if decimal_comma && digits(int, 1..=28) {
        "G0101.how.decimal_comma"
    } else {
        return None;
    };
    Some(how)
}

/// Whether `t` is one to three digits (not starting with 0), then one or more groups of a point
/// and three digits, with an optional sign.
fn point_grouped(t: &str) -> bool {
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    grouped(body, &['.']) && !body.starts_with('0')
}

/// Whether `t` is one to three digits, then one or more groups of a mark of `marks` and three
/// digits (`1 500`, `12,000,000`).
fn grouped(t: &str, marks: &[char]) -> bool {
    let mut groups = t.split(marks);
    let first = groups.next().unwrap_or("");
    let mut n = 0;
    for g in groups {
        if !digits(g, 3..=3) {
            return false;
        }
        n += 1;
    }
    n > 0 && digits(first, 1..=3)
}

/// Whether any number in a cell of type `ty` passes `test`: the cell of a number, the amount of
/// money without its currency code, a quantity without its unit, each element of a list.
fn any_number(ty: &Type, text: &str, test: &dyn Fn(&str) -> bool) -> bool {
    match ty {
        // An amount in another currency is refused for that, and says which.
        Type::Money { currency } if other_currency(text, currency.code()) => false,
        Type::Number | Type::Money { .. } | Type::Quantity { .. } => test(number_part(ty, text)),
        Type::List { of } => text
            .split([';', '|'])
            .any(|part| any_number(of, part, test)),
        _ => false,
    }
}

/// The number in a cell of a number, money or quantity input: without a currency code before or
/// after it (as the parser accepts `KES 1500` and `1500 KES`), or the quantity's unit after it.
fn number_part<'a>(ty: &Type, text: &'a str) -> &'a str {
    let t = text.trim();
    match ty {
        Type::Money { .. } => money_parts(t).1,
        Type::Quantity { unit } => t.strip_suffix(unit.as_str()).map_or(t, str::trim_end),
        _ => t,
    }
}

/// The currency code written before or after an amount (`KES 1500`, `1500 KES`), and the amount.
fn money_parts(t: &str) -> (Option<&str>, &str) {
    let is_code = |c: &str| c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic());
    match (t.split_once(' '), t.rsplit_once(' ')) {
        (Some((code, rest)), _) | (_, Some((rest, code))) if is_code(code) => {
            (Some(code), rest.trim())
        }
        _ => (None, t),
    }
}

/// Whether a money cell names a currency other than `code`.
fn other_currency(text: &str, code: &str) -> bool {
    money_parts(text.trim())
        .0
        .is_some_and(|c| !c.eq_ignore_ascii_case(code))
}

/// Whether `t` is ASCII digits only, as many as `len` allows.
fn digits(t: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
#[path = "advice_tests.rs"]
mod tests;
