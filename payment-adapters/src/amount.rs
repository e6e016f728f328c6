//! Amounts: rounding to the currency's minor unit, and each format's way of writing them.
//!
//! Every format writes amounts differently (standards.md P1, P2): G2P Connect needs a decimal point
//! and at most two decimals, Mojaloop forbids trailing zeros, pain.001 allows 18 digits of which 5
//! decimals, G2P Bridge 1.0 carries a binary float. The writers here refuse what a format cannot hold
//! instead of changing an amount.

use crate::error::PaymentError;
use entitle_dsl::Currency;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

/// What to do with an amount that has more decimals than its currency's minor unit
/// (KES 100.005 when KES has two decimals).
///
/// The default is [`Rounding::Reject`]: a payment file never silently changes an approved amount.
/// The modes follow Java's `BigDecimal` (and the program language's `round`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Refuse the export with [`PaymentError::RoundingRequired`] (P0009).
    #[default]
    Reject,
    /// Ties to the even neighbour (banker's rounding).
    HalfEven,
    /// Ties away from zero.
    HalfUp,
    /// Towards zero (truncate).
    Down,
    /// Away from zero.
    Up,
}

impl Rounding {
    fn strategy(self) -> Option<RoundingStrategy> {
        match self {
            Rounding::Reject => None,
            Rounding::HalfEven => Some(RoundingStrategy::MidpointNearestEven),
            Rounding::HalfUp => Some(RoundingStrategy::MidpointAwayFromZero),
            Rounding::Down => Some(RoundingStrategy::ToZero),
            Rounding::Up => Some(RoundingStrategy::AwayFromZero),
        }
    }
}

/// Brings `amount` to the currency's minor unit.
///
/// Returns the amount with exactly `currency.minor_units()` decimals, and whether rounding changed
/// its value.
///
/// # Errors
/// [`PaymentError::RoundingRequired`] (P0009) when the amount has more significant decimals than the
/// currency and `rounding` is [`Rounding::Reject`].
pub fn to_minor_unit(
    unit_id: &str,
    amount: Decimal,
    currency: Currency,
    rounding: Rounding,
) -> Result<(Decimal, bool), PaymentError> {
    let minor = currency.minor_units();
    let significant = amount.normalize().scale();
    if significant <= minor {
        let mut exact = amount.normalize();
        exact.rescale(minor);
        return Ok((exact, false));
    }
    match rounding.strategy() {
        None => Err(PaymentError::RoundingRequired {
            unit_id: unit_id.to_string(),
            currency: currency.code().to_string(),
            scale: significant,
            minor_units: minor,
        }),
        Some(strategy) => {
            let mut rounded = amount.round_dp_with_strategy(minor, strategy);
            rounded.rescale(minor);
            Ok((rounded, true))
        }
    }
}

/// The number of digits before the decimal point (0 counts as one digit).
pub(crate) fn integer_digits(amount: Decimal) -> u32 {
    let whole = amount.trunc().abs().normalize();
    let text = whole.to_string();
    u32::try_from(text.trim_start_matches('-').len()).unwrap_or(u32::MAX)
}

/// The number of significant decimals (trailing zeros do not count).
pub(crate) fn decimals(amount: Decimal) -> u32 {
    amount.normalize().scale()
}

/// The amount written with exactly `scale` decimals (`1500` at scale 2 is `1500.00`).
pub fn fixed(amount: Decimal, scale: u32) -> String {
    let mut a = amount;
    a.rescale(scale);
    a.to_string()
}

/// The amount without trailing zeros and without a trailing point (`1500.50` is `1500.5`,
/// `1500.00` is `1500`), as Mojaloop's `Amount` requires.
pub fn without_trailing_zeros(amount: Decimal) -> String {
    amount.normalize().to_string()
}

/// Checks that an amount has at most `max_int` integer digits and `max_frac` decimals.
pub(crate) fn check_digits(
    what: impl FnOnce() -> String,
    amount: Decimal,
    format: &'static str,
    max_int: u32,
    max_frac: u32,
) -> Result<(), PaymentError> {
    let int = integer_digits(amount);
    let frac = decimals(amount);
    if int > max_int {
        return Err(PaymentError::AmountOutOfRange {
            what: what(),
            format,
            reason: format!("{int} digits before the decimal point, at most {max_int} allowed"),
        });
    }
    if frac > max_frac {
        return Err(PaymentError::AmountOutOfRange {
            what: what(),
            format,
            reason: format!("{frac} decimals, at most {max_frac} allowed"),
        });
    }
    Ok(())
}

/// Checks that an amount can travel as an IEEE 754 double without changing: at most 15 significant
/// digits (G2P Bridge 1.0 declares its amounts as Python `float`).
pub(crate) fn check_float_exact(
    what: impl FnOnce() -> String,
    amount: Decimal,
    format: &'static str,
) -> Result<(), PaymentError> {
    let n = amount.normalize();
    let digits = n.mantissa().unsigned_abs().to_string().len();
    if digits > 15 {
        return Err(PaymentError::AmountOutOfRange {
            what: what(),
            format,
            reason: format!("{digits} significant digits, at most 15 survive a binary float"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn kes() -> Currency {
        Currency::from_code("KES").unwrap()
    }

    #[test]
    fn exact_amounts_are_rescaled_not_rounded() {
        let (a, changed) = to_minor_unit("H1", d("1500"), kes(), Rounding::Reject).unwrap();
        assert_eq!((a.to_string(), changed), ("1500.00".to_string(), false));
        let (a, changed) = to_minor_unit("H1", d("1500.5000"), kes(), Rounding::Reject).unwrap();
        assert_eq!((a.to_string(), changed), ("1500.50".to_string(), false));
        let jpy = Currency::from_code("JPY").unwrap();
        let (a, _) = to_minor_unit("H1", d("1500.000"), jpy, Rounding::Reject).unwrap();
        assert_eq!(a.to_string(), "1500");
    }

    #[test]
    fn rounding_modes_follow_their_names() {
        let table = [
            (Rounding::HalfEven, "2.345", "2.34"),
            (Rounding::HalfEven, "2.355", "2.36"),
            (Rounding::HalfUp, "2.345", "2.35"),
            (Rounding::Down, "2.349", "2.34"),
            (Rounding::Up, "2.341", "2.35"),
        ];
        for (mode, input, want) in table {
            let (a, changed) = to_minor_unit("H1", d(input), kes(), mode).unwrap();
            assert_eq!(a.to_string(), want, "{mode:?} {input}");
            assert!(changed);
        }
        let err = to_minor_unit("H7", d("2.345"), kes(), Rounding::Reject).unwrap_err();
        assert_eq!(err.code(), "P0009");
        assert!(err.to_string().contains("H7"));
    }

    #[test]
    fn writers_follow_each_format() {
        assert_eq!(fixed(d("1500"), 2), "1500.00");
        assert_eq!(fixed(d("22.5"), 2), "22.50");
        assert_eq!(without_trailing_zeros(d("1500.00")), "1500");
        assert_eq!(without_trailing_zeros(d("1500.50")), "1500.5");
        assert_eq!(without_trailing_zeros(d("0.10")), "0.1");
        assert_eq!(integer_digits(d("0.5")), 1);
        assert_eq!(integer_digits(d("1234567890123.99")), 13);
        assert_eq!(decimals(d("1.250")), 2);
    }

    #[test]
    fn digit_limits_are_enforced() {
        let ok = check_digits(|| "x".into(), d("9999999999999.99"), "g2p-connect", 13, 2);
        assert!(ok.is_ok());
        let err = check_digits(|| "x".into(), d("10000000000000.00"), "g2p-connect", 13, 2);
        assert_eq!(err.unwrap_err().code(), "P0007");
        assert!(check_float_exact(|| "x".into(), d("123456789012.345"), "g2p-bridge").is_ok());
        let err = check_float_exact(|| "x".into(), d("1234567890123.456"), "g2p-bridge");
        assert_eq!(err.unwrap_err().code(), "P0007");
    }
}
