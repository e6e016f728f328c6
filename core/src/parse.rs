//! Text to typed values: how registry cells, form fields and JSON strings become values.
//!
//! One set of rules for every source (CSV, JSONL, SQLite, PostgreSQL, DCI, the bindings):
//!
//! | type | accepted text |
//! | --- | --- |
//! | any | empty or only spaces: unknown |
//! | bool | `true`/`false`, `yes`/`no`, `y`/`n`, `t`/`f`, `on`/`off`, `1`/`0` (any case); a number (not text) for a truth value must be 1 or 0 |
//! | number | an exact decimal: `12`, `-3.50`, `+7` (no exponent, no thousands separator) |
//! | money | a number in the program's currency (`1500.50`), or with its code before or after (`KES 1500.50`, `1500.50 KES`); another currency is an error |
//! | date | ISO 8601 `2026-03-01`; a date-time (`2026-03-01T10:00:00Z`, `2026-03-01 10:00:00`) keeps its date part |
//! | text | the text, without surrounding spaces |
//! | quantity | a number, optionally followed by the declared unit (`10` or `10 kg`) |
//! | list of T | elements separated by `;` or `|`, each parsed as T |

use chrono::NaiveDate;
use entitle_dsl::{Currency, Money, Quantity, Type, Value};
use rust_decimal::Decimal;

/// Why a text could not be read as a value of a type. The text itself is never included, so a
/// registrant's data cannot leak into logs through an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Not a truth value.
    #[error("expected a truth value (true/false, yes/no, on/off, 1/0)")]
    NotBool,
    /// Not an exact decimal.
    #[error("expected a number such as 12 or 1500.50")]
    NotNumber,
    /// Not an amount.
    #[error("expected an amount such as 1500.50 or {currency} 1500.50")]
    NotMoney {
        /// The program's currency.
        currency: Currency,
    },
    /// An amount in another currency than the input's.
    #[error("the amount is in {found}, but this input is in {expected}")]
    WrongCurrency {
        /// The input's currency.
        expected: Currency,
        /// The currency written.
        found: String,
    },
    /// A number with more digits than an exact decimal keeps.
    #[error("the number has more than 28 significant digits, more than an exact decimal holds")]
    TooManyDigits,
    /// Not a date.
    #[error("expected a date in ISO 8601 form, such as 2026-03-01")]
    NotDate,
    /// Written as a date, but no such day exists (`2020-02-30`, month 13).
    #[error("there is no such date: the month or the day is out of range")]
    NoSuchDate,
    /// A number written with a comma (`1500,50`, `1,500`), as spreadsheets of many locales do.
    #[error("expected a number such as 1500.50, without thousands separators and with a point before any decimals")]
    Comma,
    /// A quantity in another unit.
    #[error("expected a quantity in {unit}")]
    NotQuantity {
        /// The declared unit.
        unit: String,
    },
    /// The type cannot be read from text.
    #[error("values of type {0} cannot be read from text")]
    Unsupported(String),
}

/// Parses `text` as a value of `ty`.
///
/// # Errors
/// [`ParseError`] when the text is not a value of that type.
pub fn parse_value(text: &str, ty: &Type) -> Result<Value, ParseError> {
    let t = crate::texts::trim(text);
    if t.is_empty() {
        return Ok(Value::Unknown);
    }
    match ty {
        Type::Bool => parse_bool(t).map(Value::Bool).ok_or(ParseError::NotBool),
        Type::Number => parse_decimal(t)
            .map(Value::Number)
            .ok_or_else(|| too_long_or(t, ParseError::NotNumber)),
        Type::Money { currency } => parse_money(t, *currency).map(Value::Money),
        Type::Date => parse_date(t)
            .map(Value::Date)
            .ok_or_else(|| date_problem(t)),
        Type::Text => Ok(Value::Text(t.to_string())),
        Type::Quantity { unit } => {
            let number = t
                .strip_suffix(unit.as_str())
                .map(str::trim_end)
                .unwrap_or(t);
            parse_decimal(number)
                .map(|amount| {
                    Value::Quantity(Quantity {
                        amount,
                        unit: unit.clone(),
                    })
                })
                .ok_or_else(|| too_long_or(number, ParseError::NotQuantity { unit: unit.clone() }))
        }
        Type::List { of } => {
            let mut items = Vec::new();
            for part in t.split([';', '|']) {
                let v = parse_value(part, of)?;
                if !v.is_unknown() {
                    items.push(v);
                }
            }
            Ok(Value::List(items))
        }
        other => Err(ParseError::Unsupported(other.to_string())),
    }
}

/// Reads the usual spellings of a truth value. `on`/`off` because a browser form's checkbox sends
/// `on` when ticked.
pub fn parse_bool(t: &str) -> Option<bool> {
    const TRUE: &[&str] = &["true", "yes", "y", "t", "on", "1"];
    const FALSE: &[&str] = &["false", "no", "n", "f", "off", "0"];
    if TRUE.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        Some(true)
    } else if FALSE.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        Some(false)
    } else {
        None
    }
}

/// A number given for a truth value (a JSON `1`, a Python `int`, a JS number): 1 is true, 0 is
/// false, as the texts `"1"` and `"0"` are; any other number is not a truth value.
pub fn bool_of_number(n: Decimal) -> Option<bool> {
    if n == Decimal::ONE {
        Some(true)
    } else if n.is_zero() {
        Some(false)
    } else {
        None
    }
}

/// Reads an exact decimal (an optional sign, digits, an optional fraction).
pub fn parse_decimal(t: &str) -> Option<Decimal> {
    if !decimal_shape(t) {
        return None;
    }
    let unsigned = t.strip_prefix('+').unwrap_or(t);
    Decimal::from_str_exact(unsigned).ok()
}

/// Reads a number a host wrote with an exponent (`1e-7`, `1.5E+3`: a JSON number, a JS number
/// JavaScript prints so, a Python `Decimal` such as `Decimal("1E+3")`) exactly, or `None` when its
/// value has no exact decimal (more than 28 significant digits or decimals). Unlike
/// `Decimal::from_scientific`, a mantissa too long to keep is refused, never rounded.
pub fn parse_scientific(t: &str) -> Option<Decimal> {
    let (mantissa, exponent) = t.split_once(['e', 'E'])?;
    let mantissa = parse_decimal(mantissa)?;
    let (sign, digits) = match exponent.as_bytes().first() {
        Some(b'-') => (-1, exponent.get(1..)?),
        Some(b'+') => (1, exponent.get(1..)?),
        _ => (1, exponent),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let exponent = sign * digits.parse::<i64>().ok()?;
    // The value is digits × 10^(exponent − scale).
    let shift = exponent - i64::from(mantissa.scale());
    let digits = mantissa.mantissa();
    if shift >= 0 {
        let power = 10i128.checked_pow(u32::try_from(shift).ok()?)?;
        Decimal::try_from_i128_with_scale(digits.checked_mul(power)?, 0).ok()
    } else {
        Decimal::try_from_i128_with_scale(digits, u32::try_from(-shift).ok()?).ok()
    }
}

/// Reads an amount in `currency`, with or without its code.
///
/// # Errors
/// Not an amount, or an amount in another currency.
pub fn parse_money(t: &str, currency: Currency) -> Result<Money, ParseError> {
    // `-KES 5`, as the language (and an amount printed by Entitle) writes a negative amount.
    if let Some(rest) = t.strip_prefix('-') {
        if rest
            .get(..3)
            .is_some_and(|c| c.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            let m = parse_money(rest, currency)?;
            if m.amount.is_sign_negative() {
                return Err(ParseError::NotMoney { currency });
            }
            return Ok(Money {
                amount: -m.amount,
                currency,
            });
        }
    }
    let (code, number) = match (
        t.get(..3),
        t.get(3..),
        t.len().checked_sub(3).and_then(|n| t.get(n..)),
    ) {
        (Some(c), Some(rest), _)
            if c.bytes().all(|b| b.is_ascii_alphabetic()) && rest.starts_with(' ') =>
        {
            (Some(c), crate::texts::trim(rest))
        }
        (_, _, Some(c))
            if t.len() > 4
                && c.bytes().all(|b| b.is_ascii_alphabetic())
                && t.get(..t.len() - 3).is_some_and(|r| r.ends_with(' ')) =>
        {
            (Some(c), t.get(..t.len() - 3).unwrap_or("").trim())
        }
        _ => (None, t),
    };
    if let Some(code) = code {
        if !code.eq_ignore_ascii_case(currency.code()) {
            return Err(ParseError::WrongCurrency {
                expected: currency,
                found: code.to_ascii_uppercase(),
            });
        }
    }
    parse_decimal(number)
        .map(|amount| Money { amount, currency })
        .ok_or_else(|| too_long_or(number, ParseError::NotMoney { currency }))
}

/// Whether `t` is written as an exact decimal (an optional sign, digits, an optional fraction).
// One pass over the bytes: every amount a registry or a host hands over is read through it.
fn decimal_shape(t: &str) -> bool {
    let bytes = t.as_bytes();
    let body = match bytes.split_first() {
        Some((b'+' | b'-', rest)) => rest,
        _ => bytes,
    };
    let (mut whole, mut point, mut fraction) = (0usize, false, 0usize);
    for b in body {
        match b {
            b'0'..=b'9' if point => fraction += 1,
            b'0'..=b'9' => whole += 1,
            b'.' if !point => point = true,
            _ => return false,
        }
    }
    whole > 0 && (!point || fraction > 0)
}

/// Why `t`, which [`parse_date`] refused, is not a date: a day that does not exist, when it is
/// written `YYYY-MM-DD` in digits, else not a date at all.
pub fn date_problem(t: &str) -> ParseError {
    if date_part(t).and_then(ymd_digits).is_some() {
        ParseError::NoSuchDate
    } else {
        ParseError::NotDate
    }
}

/// [`ParseError::TooManyDigits`] for a text written as a decimal that `parse_decimal` refused
/// (it has more digits than a decimal keeps exactly), [`ParseError::Comma`] for one written with
/// a decimal comma or thousands separators, else `other`.
fn too_long_or(t: &str, other: ParseError) -> ParseError {
    if t.contains(',') && decimal_shape(&t.replace(',', "")) {
        ParseError::Comma
    } else if decimal_shape(t) {
        ParseError::TooManyDigits
    } else {
        other
    }
}

/// The first ten characters of a date or date-time, when they are followed by nothing, `T`, `t`
/// or a space.
fn date_part(t: &str) -> Option<&str> {
    t.get(..10)
        .filter(|_| t.len() == 10 || matches!(t.as_bytes().get(10), Some(b'T' | b' ' | b't')))
}

/// Year, month and day of a `YYYY-MM-DD` written in digits, whether or not that day exists.
#[inline]
fn ymd_digits(date_part: &str) -> Option<(i32, u32, u32)> {
    let d = |b: u8| b.is_ascii_digit().then(|| u32::from(b - b'0'));
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *date_part.as_bytes() else {
        return None;
    };
    let (Some(y0), Some(y1), Some(y2), Some(y3), Some(m0), Some(m1), Some(d0), Some(d1)) =
        (d(y0), d(y1), d(y2), d(y3), d(m0), d(m1), d(d0), d(d1))
    else {
        return None;
    };
    let year = i32::try_from(y0 * 1000 + y1 * 100 + y2 * 10 + y3).ok()?;
    Some((year, m0 * 10 + m1, d0 * 10 + d1))
}

/// Reads an ISO 8601 date, or the date part of a date-time.
pub fn parse_date(t: &str) -> Option<NaiveDate> {
    let date_part = date_part(t)?;
    if date_part.as_bytes().get(4) != Some(&b'-') || date_part.as_bytes().get(7) != Some(&b'-') {
        return None;
    }
    // `YYYY-MM-DD` in digits, the usual form, without chrono's format machinery (a registry has
    // millions of dates); anything else as chrono reads it.
    if let Some((year, month, day)) = ymd_digits(date_part) {
        return NaiveDate::from_ymd_opt(year, month, day);
    }
    NaiveDate::parse_from_str(date_part, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shape_of_a_decimal_is_digits_with_a_sign_and_a_fraction_optional() {
        let good = [
            "0", "5000", "+5000", "-5000", "1500.50", "-0.5", "007", "1.0",
        ];
        let bad = [
            "", "+", "-", ".", "5.", ".5", "+-5", "--5", "1.2.3", "1,500", "5 000", "1e5", "KES",
            "١٢", "5.5.", "+.5", "12a",
        ];
        for t in good {
            assert!(decimal_shape(t), "{t}");
        }
        for t in bad {
            assert!(!decimal_shape(t), "{t}");
        }
    }
    use rust_decimal_macros_free::dec;

    mod rust_decimal_macros_free {
        /// `dec("1.5")` without the macro crate.
        pub fn dec(s: &str) -> rust_decimal::Decimal {
            rust_decimal::Decimal::from_str_exact(s).unwrap_or_default()
        }
    }

    fn kes() -> Currency {
        Currency::from_code("KES").unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn booleans_in_the_usual_spellings() {
        for (t, b) in [
            ("true", true),
            ("YES", true),
            ("y", true),
            ("T", true),
            ("1", true),
            ("False", false),
            ("no", false),
            ("0", false),
            ("f", false),
            ("On", true),
            ("OFF", false),
        ] {
            assert_eq!(parse_value(t, &Type::Bool), Ok(Value::Bool(b)), "{t}");
        }
        for bad in ["maybe", "2", "1.0", "-1", "oui", "checked"] {
            assert_eq!(
                parse_value(bad, &Type::Bool),
                Err(ParseError::NotBool),
                "{bad}"
            );
        }
        assert_eq!(parse_value("  ", &Type::Bool), Ok(Value::Unknown));
    }

    #[test]
    fn a_number_is_a_truth_value_only_when_it_is_1_or_0() {
        assert_eq!(bool_of_number(dec("1")), Some(true));
        assert_eq!(bool_of_number(dec("1.00")), Some(true));
        assert_eq!(bool_of_number(dec("0")), Some(false));
        assert_eq!(bool_of_number(dec("-0.0")), Some(false));
        for n in ["2", "0.5", "-1", "10"] {
            assert_eq!(bool_of_number(dec(n)), None, "{n}");
        }
    }

    #[test]
    fn numbers_with_an_exponent_are_read_exactly_or_refused() {
        for (t, want) in [
            ("1e-7", "0.0000001"),
            ("1.5E+3", "1500"),
            ("-2.50e1", "-25.0"),
            ("1E+3", "1000"),
            ("7e0", "7"),
            ("1e27", "1000000000000000000000000000"),
            ("12.5e-27", "0.0000000000000000000000000125"),
            (
                "1.0000000000000000000000000001e5",
                "100000.00000000000000000000001",
            ),
        ] {
            assert_eq!(parse_scientific(t), Some(dec(want)), "{t}");
            assert_eq!(
                parse_scientific(t).map(|d| d.to_string()).as_deref(),
                Some(want),
                "{t}"
            );
        }
        // No exact decimal: too large, too many decimals, or a mantissa longer than 28 digits
        // (from_scientific rounds it); and not numbers at all.
        for t in [
            "1e29",
            "1e-29",
            "5e-324",
            "1.00000000000000000000000000001e5",
            "1e",
            "e5",
            "1e1.5",
            "1e+-2",
            "1,5e3",
            "1500",
        ] {
            assert_eq!(parse_scientific(t), None, "{t}");
        }
    }

    #[test]
    fn numbers_are_exact_and_strict() {
        assert_eq!(
            parse_value("1500.50", &Type::Number),
            Ok(Value::Number(dec("1500.50")))
        );
        assert_eq!(
            parse_value("-3", &Type::Number),
            Ok(Value::Number(dec("-3")))
        );
        assert_eq!(
            parse_value("+7", &Type::Number),
            Ok(Value::Number(dec("7")))
        );
        // Written as a decimal, but longer than one keeps exactly: said so.
        for long in [
            "99999999999999999999999999999",
            "-99999999999999999999999999999",
            "0.00000000000000000000000000001",
        ] {
            assert_eq!(
                parse_value(long, &Type::Number),
                Err(ParseError::TooManyDigits),
                "{long}"
            );
            let money = parse_value(&format!("KES {long}"), &Type::Money { currency: kes() });
            assert_eq!(money, Err(ParseError::TooManyDigits), "{long}");
            let kg = Type::Quantity { unit: "kg".into() };
            assert_eq!(
                parse_value(&format!("{long} kg"), &kg),
                Err(ParseError::TooManyDigits)
            );
        }
        assert_eq!(
            parse_value("9999999999999999999999999999", &Type::Number),
            Ok(Value::Number(dec("9999999999999999999999999999")))
        );
        assert_eq!(parse_value("1,500", &Type::Number), Err(ParseError::Comma));
        for bad in ["1e5", "12.", ".5", "abc", "1.2.3", "--1", "0x10"] {
            assert_eq!(
                parse_value(bad, &Type::Number),
                Err(ParseError::NotNumber),
                "{bad}"
            );
        }
    }

    #[test]
    fn money_with_or_without_its_code() {
        let ty = Type::Money { currency: kes() };
        let m = |s: &str| {
            Value::Money(Money {
                amount: dec(s),
                currency: kes(),
            })
        };
        assert_eq!(parse_value("1500.50", &ty), Ok(m("1500.50")));
        assert_eq!(parse_value("KES 1500.50", &ty), Ok(m("1500.50")));
        assert_eq!(parse_value("1500.50 KES", &ty), Ok(m("1500.50")));
        assert_eq!(parse_value("kes 10", &ty), Ok(m("10")));
        // A negative amount as the language writes it and Entitle prints it, or as written before.
        assert_eq!(parse_value("-KES 5.50", &ty), Ok(m("-5.50")));
        assert_eq!(parse_value("KES -5.50", &ty), Ok(m("-5.50")));
        assert_eq!(parse_value("-5.50", &ty), Ok(m("-5.50")));
        let printed = Money {
            amount: dec("-5.50"),
            currency: kes(),
        };
        assert_eq!(printed.to_string(), "-KES 5.50");
        assert_eq!(parse_value(&printed.to_string(), &ty), Ok(m("-5.50")));
        assert!(matches!(
            parse_value("-KES -5", &ty),
            Err(ParseError::NotMoney { .. })
        ));
        assert!(matches!(
            parse_value("-USD 5", &ty),
            Err(ParseError::WrongCurrency { .. })
        ));
        assert!(matches!(
            parse_value("USD 10", &ty),
            Err(ParseError::WrongCurrency { .. })
        ));
        assert!(matches!(
            parse_value("ten", &ty),
            Err(ParseError::NotMoney { .. })
        ));
    }

    #[test]
    fn the_digit_fast_path_reads_dates_as_chrono_does() {
        let texts = [
            "2026-03-01",
            "0000-01-01",
            "9999-12-31",
            "2024-02-29",
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-04-00",
            "2026-0a-01",
            "+202-03-01",
            "2026-03- 1",
            "2026- 3-01",
            " 2026-3-01",
            "2026-03-01",
        ];
        // What `parse_date` was before the fast path: the positions checked, then chrono.
        let chrono_only = |t: &str| {
            let b = t.as_bytes();
            (b.len() == 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-'))
                .then(|| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
                .flatten()
        };
        for t in texts {
            assert_eq!(parse_date(t), chrono_only(t), "{t}");
        }
    }

    #[test]
    fn a_day_that_does_not_exist_and_a_decimal_comma_are_told_apart() {
        for t in [
            "2020-02-30",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31T10:00:00Z",
        ] {
            assert_eq!(
                parse_value(t, &Type::Date),
                Err(ParseError::NoSuchDate),
                "{t}"
            );
        }
        for t in ["06/04/1966", "2026-3-1", "20260301", "2026-03-01x"] {
            assert_eq!(parse_value(t, &Type::Date), Err(ParseError::NotDate), "{t}");
        }
        assert_eq!(
            ParseError::NoSuchDate.to_string(),
            "there is no such date: the month or the day is out of range"
        );
        let money = Type::Money { currency: kes() };
        for t in ["1500,50", "1,500", "KES 1,500.50", "-0,5"] {
            assert_eq!(parse_value(t, &money), Err(ParseError::Comma), "{t}");
        }
        for t in ["1500,50", "1,500", "-0,5"] {
            assert_eq!(parse_value(t, &Type::Number), Err(ParseError::Comma), "{t}");
        }
        assert_eq!(
            parse_value("1,5a", &money),
            Err(ParseError::NotMoney { currency: kes() })
        );
    }

    #[test]
    fn dates_and_date_times() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
        assert_eq!(parse_value("2026-03-01", &Type::Date), Ok(Value::Date(d)));
        assert_eq!(
            parse_value("2026-03-01T10:00:00Z", &Type::Date),
            Ok(Value::Date(d))
        );
        assert_eq!(
            parse_value("2026-03-01 10:00:00", &Type::Date),
            Ok(Value::Date(d))
        );
        assert_eq!(
            parse_value("2026-02-30", &Type::Date),
            Err(ParseError::NoSuchDate)
        );
        for bad in ["01/03/2026", "2026-3-1", "2026-03-01X", "20260301"] {
            assert_eq!(
                parse_value(bad, &Type::Date),
                Err(ParseError::NotDate),
                "{bad}"
            );
        }
    }

    #[test]
    fn lists_and_quantities() {
        let ty = Type::List {
            of: Box::new(Type::Text),
        };
        assert_eq!(
            parse_value("a; b|c", &ty),
            Ok(Value::List(vec![
                Value::Text("a".into()),
                Value::Text("b".into()),
                Value::Text("c".into())
            ]))
        );
        let q = Type::Quantity { unit: "kg".into() };
        assert_eq!(
            parse_value("10 kg", &q),
            Ok(Value::Quantity(Quantity {
                amount: dec("10"),
                unit: "kg".into()
            }))
        );
        assert_eq!(
            parse_value("2.5", &q),
            Ok(Value::Quantity(Quantity {
                amount: dec("2.5"),
                unit: "kg".into()
            }))
        );
        assert!(parse_value("10 l", &q).is_err());
    }

    #[test]
    fn errors_never_contain_the_text() {
        let e = parse_value("SECRET-VALUE-123", &Type::Date).unwrap_err();
        assert!(!e.to_string().contains("SECRET"));
    }
}
