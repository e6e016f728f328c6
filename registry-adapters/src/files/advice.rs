//! What a spreadsheet's export does to numbers.
//!
//! The engine's parser (`entitle_core::parse`) is the same for every language and every source.
//! A registry file's cells come from a spreadsheet whose locale shaped them, and one shape would be
//! read wrongly: in a file separated by semicolons, `1.500` (see [`ambiguous`]).

use super::rows::Separator;
use entitle_dsl::Type;

/// Why a number cell of a semicolon-separated file is refused (code G0111).
pub(crate) const AMBIGUOUS: &str = "the number is ambiguous in a semicolon-separated file: \
     spreadsheets that separate cells with semicolons write the comma as the decimal mark and a \
     point between thousands, so a point followed by three digits may mean either; write \
     thousands without a separator (1500) and decimals with a point (1.5); a number with exactly \
     three decimals takes a fourth, zero (1.2500)";

/// Whether `text`, a cell of an input of type `ty` in a file separated by `separator`, is a number
/// that the parser would read as a decimal but that the file's spreadsheet meant as thousands: in
/// a semicolon-separated file, a point followed by three digits after one to three digits
/// (`1.500`, `-12.000`, `1.500.000`; not `0.125`, `1.50` or `1500.00`).
pub(crate) fn ambiguous(ty: &Type, text: &str, separator: Separator) -> bool {
    separator == Separator::Semicolon && any_number(ty, text, &point_grouped)
}

/// Whether `t` is one to three digits (not starting with 0), then one or more groups of a point
/// and three digits, with an optional sign.
fn point_grouped(t: &str) -> bool {
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let mut groups = body.split('.');
    let first = groups.next().unwrap_or("");
    let mut n = 0;
    for g in groups {
        if !digits(g, 3..=3) {
            return false;
        }
        n += 1;
    }
    n > 0 && digits(first, 1..=3) && !first.starts_with('0')
}

/// Whether any number in a cell of type `ty` passes `test`: the cell of a number, the amount of
/// money without its currency code, a quantity without its unit, each element of a list.
fn any_number(ty: &Type, text: &str, test: &dyn Fn(&str) -> bool) -> bool {
    match ty {
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
    let is_code = |c: &str| c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic());
    match ty {
        Type::Money { .. } => match (t.split_once(' '), t.rsplit_once(' ')) {
            (Some((code, rest)), _) | (_, Some((rest, code))) if is_code(code) => rest.trim(),
            _ => t,
        },
        Type::Quantity { unit } => t.strip_suffix(unit.as_str()).map_or(t, str::trim_end),
        _ => t,
    }
}

/// Whether `t` is ASCII digits only, as many as `len` allows.
fn digits(t: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
#[path = "advice_tests.rs"]
mod tests;
