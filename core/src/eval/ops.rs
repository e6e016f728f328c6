//! Exact arithmetic, rounding and calendar rules.
//!
//! Conventions (also in the language reference):
//! - Age is whole years completed at the as-of date: the birthday is reached when the as-of date's
//!   (month, day) is on or after the birth's. Someone born on 29 February therefore turns a year
//!   older on 1 March in a non-leap year. `age_in_months` follows the same rule for months (born on
//!   the 31st: a month is completed on the 1st of the month after a 30-day month).
//! - Month arithmetic clamps to the month's end: 31 January + 1 month = 28 or 29 February;
//!   29 February + 1 year = 28 February.
//! - Division keeps 28 significant digits (rust_decimal); nothing is rounded otherwise unless the
//!   program says so.

use chrono::{Datelike, Days, Months, NaiveDate};
use entitle_dsl::ast::RoundingMode;
use rust_decimal::{Decimal, RoundingStrategy};

/// Why an operation failed (the caller adds where).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpError {
    DivisionByZero,
    Overflow,
    FutureDate,
    DateRange,
    /// A count of days, months or years that is not a whole number: never truncated.
    NotWhole,
}

/// `a.cmp(&b)`, for the common case of one scale (a count against a whole number, an amount
/// against a limit in the same places) by their mantissas alone.
#[inline]
pub(crate) fn cmp(a: &Decimal, b: &Decimal) -> std::cmp::Ordering {
    if a.scale() == b.scale() {
        a.mantissa().cmp(&b.mantissa())
    } else {
        a.cmp(b)
    }
}

pub(crate) fn add(a: Decimal, b: Decimal) -> Result<Decimal, OpError> {
    a.checked_add(b).ok_or(OpError::Overflow)
}

pub(crate) fn sub(a: Decimal, b: Decimal) -> Result<Decimal, OpError> {
    a.checked_sub(b).ok_or(OpError::Overflow)
}

pub(crate) fn mul(a: Decimal, b: Decimal) -> Result<Decimal, OpError> {
    a.checked_mul(b).ok_or(OpError::Overflow)
}

pub(crate) fn div(a: Decimal, b: Decimal) -> Result<Decimal, OpError> {
    if b.is_zero() {
        return Err(OpError::DivisionByZero);
    }
    a.checked_div(b)
        .map(|d| d.normalize())
        .ok_or(OpError::Overflow)
}

pub(crate) fn rem(a: Decimal, b: Decimal) -> Result<Decimal, OpError> {
    if b.is_zero() {
        return Err(OpError::DivisionByZero);
    }
    a.checked_rem(b).ok_or(OpError::Overflow)
}

fn strategy(mode: RoundingMode) -> RoundingStrategy {
    match mode {
        RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        RoundingMode::Down => RoundingStrategy::ToZero,
        RoundingMode::Up => RoundingStrategy::AwayFromZero,
    }
}

/// Rounds `x` to a multiple of `step` (> 0) with `mode`.
pub(crate) fn round_to(x: Decimal, step: Decimal, mode: RoundingMode) -> Result<Decimal, OpError> {
    if step.is_zero() {
        return Err(OpError::DivisionByZero);
    }
    if let Some(r) = round_whole(x, step, mode) {
        return Ok(r);
    }
    // A power of ten (0.01, 1, 10 …) rounds directly to its decimal places, which also keeps the scale.
    if step.mantissa() == 1 || step.normalize().mantissa() == 1 {
        let s = step.normalize();
        if s.scale() > 0 || s == Decimal::ONE {
            return Ok(x.round_dp_with_strategy(s.scale(), strategy(mode)));
        }
    }
    let q = x.checked_div(step).ok_or(OpError::Overflow)?;
    let r = q.round_dp_with_strategy(0, strategy(mode));
    r.checked_mul(step).ok_or(OpError::Overflow)
}

/// [`round_to`] of a whole, non-negative amount to a whole step (`round cash to KES 10`, the
/// common case) in integers, without a decimal division: the same value and scale (none).
/// `None` for anything else.
fn round_whole(x: Decimal, step: Decimal, mode: RoundingMode) -> Option<Decimal> {
    if x.scale() != 0 || step.scale() != 0 {
        return None;
    }
    let v = u64::try_from(x.mantissa()).ok()?;
    let s = u64::try_from(step.mantissa()).ok().filter(|s| *s > 0)?;
    let (q, r) = (v / s, v % s);
    let twice = r.checked_mul(2)?;
    let up = match mode {
        RoundingMode::Down => false,
        RoundingMode::Up => r > 0,
        RoundingMode::HalfUp => twice >= s,
        RoundingMode::HalfEven => twice > s || (twice == s && q % 2 == 1),
    };
    let q = if up { q.checked_add(1)? } else { q };
    q.checked_mul(s).map(Decimal::from)
}

/// Largest whole number not above `x`.
pub(crate) fn floor(x: Decimal) -> Decimal {
    x.floor()
}

/// Smallest whole number not below `x`.
pub(crate) fn ceil(x: Decimal) -> Decimal {
    x.ceil()
}

/// Whole years from `from` to `to` (the anniversary is reached on or after the same month and day).
#[inline]
pub(crate) fn whole_years(from: NaiveDate, to: NaiveDate) -> i64 {
    AgeAt::new(to).years_since(from)
}

/// A date's month and day as one number ordered as `(month, day)` is: its day of the year in a
/// leap year (chrono keeps the day of the year; month and day each take a table lookup).
#[inline]
pub(crate) fn month_day(d: NaiveDate) -> u32 {
    let o = d.ordinal();
    o + u32::from(!d.leap_year() && o >= 60)
}

/// Whole months from `from` to `to`, by the same rule.
pub(crate) fn whole_months(from: NaiveDate, to: NaiveDate) -> i64 {
    let mut m = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month())
        - i64::from(from.month());
    if to.day() < from.day() {
        m -= 1;
    }
    m
}

/// `years_between(a, b)`: whole years from `a` to `b`, counted toward zero, so that swapping the
/// dates only changes the sign (a document that expired three months ago is 0 years past, not −1).
pub(crate) fn years_between(a: NaiveDate, b: NaiveDate) -> i64 {
    if a <= b {
        whole_years(a, b)
    } else {
        -whole_years(b, a)
    }
}

/// `months_between(a, b)`: whole months, as [`years_between`].
pub(crate) fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
    if a <= b {
        whole_months(a, b)
    } else {
        -whole_months(b, a)
    }
}

/// Age in whole years at `as_of`; a birth after `as_of` is an error, never a negative age.
#[inline]
pub(crate) fn age(birth: NaiveDate, as_of: NaiveDate) -> Result<i64, OpError> {
    AgeAt::new(as_of).of(birth)
}

/// Ages at one as-of date, its year and month-and-day taken apart once (for columns of dates).
#[derive(Clone, Copy)]
pub(crate) struct AgeAt {
    as_of: NaiveDate,
    year: i64,
    month_day: u32,
}

impl AgeAt {
    pub(crate) fn new(as_of: NaiveDate) -> AgeAt {
        AgeAt {
            as_of,
            year: i64::from(as_of.year()),
            month_day: month_day(as_of),
        }
    }

    /// Age in whole years; a birth after the as-of date is an error.
    #[inline(always)]
    pub(crate) fn of(self, birth: NaiveDate) -> Result<i64, OpError> {
        if birth > self.as_of {
            return Err(OpError::FutureDate);
        }
        Ok(self.years_since(birth))
    }

    /// Whole years from `from` to the as-of date (the anniversary is reached on or after the
    /// same month and day).
    #[inline(always)]
    fn years_since(self, from: NaiveDate) -> i64 {
        self.year - i64::from(from.year()) - i64::from(self.month_day < month_day(from))
    }
}

/// Age in whole months at `as_of`.
pub(crate) fn age_months(birth: NaiveDate, as_of: NaiveDate) -> Result<i64, OpError> {
    if birth > as_of {
        return Err(OpError::FutureDate);
    }
    Ok(whole_months(birth, as_of))
}

fn whole(n: Decimal) -> Result<i64, OpError> {
    if !n.fract().is_zero() {
        return Err(OpError::NotWhole);
    }
    i64::try_from(n).map_err(|_| OpError::DateRange)
}

pub(crate) fn add_days(d: NaiveDate, n: Decimal) -> Result<NaiveDate, OpError> {
    let n = whole(n)?;
    let r = if n >= 0 {
        d.checked_add_days(Days::new(n.unsigned_abs()))
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
    };
    r.ok_or(OpError::DateRange)
}

pub(crate) fn add_months(d: NaiveDate, n: Decimal) -> Result<NaiveDate, OpError> {
    let n = whole(n)?;
    let months = u32::try_from(n.unsigned_abs()).map_err(|_| OpError::DateRange)?;
    let r = if n >= 0 {
        d.checked_add_months(Months::new(months))
    } else {
        d.checked_sub_months(Months::new(months))
    };
    r.ok_or(OpError::DateRange)
}

pub(crate) fn add_years(d: NaiveDate, n: Decimal) -> Result<NaiveDate, OpError> {
    // Half a year is not six months here: a count of years is whole, as one of days or months.
    if !n.fract().is_zero() {
        return Err(OpError::NotWhole);
    }
    let twelve = n.checked_mul(Decimal::from(12)).ok_or(OpError::DateRange)?;
    add_months(d, twelve)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap_or_default()
    }

    #[test]
    fn the_remainder_keeps_the_sign_of_the_left_side() {
        for (a, b, r) in [
            ("7", "3", "1"),
            ("-7", "3", "-1"),
            ("7", "-3", "1"),
            ("7.5", "2", "1.5"),
        ] {
            assert_eq!(rem(dec(a), dec(b)), Ok(dec(r)), "{a} mod {b}");
        }
        assert_eq!(rem(dec("1"), dec("0")), Err(OpError::DivisionByZero));
    }

    #[test]
    fn whole_amounts_round_in_integers_as_decimals_do() {
        let modes = [
            RoundingMode::HalfUp,
            RoundingMode::HalfEven,
            RoundingMode::Down,
            RoundingMode::Up,
        ];
        let mut checked = 0;
        for x in (0u64..=130).chain([999_995, 1_000_005, u64::MAX]) {
            for step in [1u64, 2, 5, 10, 25, 50, 100, 1000] {
                for mode in modes {
                    let (x, step) = (Decimal::from(x), Decimal::from(step));
                    let by_decimals = {
                        let q = x.checked_div(step).unwrap();
                        q.round_dp_with_strategy(0, strategy(mode))
                            .checked_mul(step)
                    };
                    if let Some(fast) = round_whole(x, step, mode) {
                        checked += 1;
                        assert_eq!(Some(fast), by_decimals, "{x} to {step} {mode:?}");
                        assert_eq!(fast.scale(), 0);
                    }
                }
            }
        }
        assert!(checked > 4000);
        // Not whole, negative or a fractional step: left to decimals.
        let d = |s: &str| Decimal::from_str_exact(s).unwrap();
        assert_eq!(round_whole(d("12.5"), d("10"), RoundingMode::HalfUp), None);
        assert_eq!(round_whole(d("-15"), d("10"), RoundingMode::HalfUp), None);
        assert_eq!(round_whole(d("15"), d("0.5"), RoundingMode::HalfUp), None);
        assert_eq!(
            round_to(d("-15"), d("10"), RoundingMode::HalfUp),
            Ok(d("-20"))
        );
        assert_eq!(
            round_to(d("2545"), d("10"), RoundingMode::HalfEven),
            Ok(d("2540"))
        );
    }

    #[test]
    fn cmp_orders_as_decimals_do() {
        let xs = [
            "0",
            "-0",
            "0.0",
            "1",
            "1.0",
            "-1",
            "2500",
            "3000",
            "2999.99",
            "-0.01",
            "0.01",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "18",
            "17.5",
        ];
        for a in xs {
            for b in xs {
                let (x, y) = (dec(a), dec(b));
                assert_eq!(cmp(&x, &y), x.cmp(&y), "{a} against {b}");
            }
        }
    }

    #[test]
    fn leap_day_birthdays_come_on_the_first_of_march() {
        let b = d(2000, 2, 29);
        assert_eq!(age(b, d(2001, 2, 28)), Ok(0));
        assert_eq!(age(b, d(2001, 3, 1)), Ok(1));
        assert_eq!(age(b, d(2004, 2, 29)), Ok(4));
        assert_eq!(age(b, d(2004, 2, 28)), Ok(3));
        assert_eq!(age(d(2010, 5, 1), d(2010, 5, 1)), Ok(0));
        assert_eq!(age(d(2010, 5, 2), d(2010, 5, 1)), Err(OpError::FutureDate));
    }

    #[test]
    fn month_day_orders_as_month_then_day() {
        // Every day of a leap year and the years around it, against every other.
        let days: Vec<NaiveDate> = d(1999, 1, 1).iter_days().take(4 * 366).collect();
        for a in &days {
            for b in days.iter().step_by(7) {
                assert_eq!(
                    month_day(*a).cmp(&month_day(*b)),
                    (a.month(), a.day()).cmp(&(b.month(), b.day())),
                    "{a} {b}"
                );
            }
        }
        assert_eq!(month_day(d(2001, 3, 1)), month_day(d(2000, 3, 1)));
        assert_eq!(month_day(d(2000, 2, 29)), 60);
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        assert_eq!(add_months(d(2026, 1, 31), Decimal::ONE), Ok(d(2026, 2, 28)));
        assert_eq!(add_months(d(2028, 1, 31), Decimal::ONE), Ok(d(2028, 2, 29)));
        assert_eq!(
            add_months(d(2026, 3, 31), Decimal::from(-1)),
            Ok(d(2026, 2, 28))
        );
        assert_eq!(add_years(d(2028, 2, 29), Decimal::ONE), Ok(d(2029, 2, 28)));
        assert_eq!(whole_months(d(2026, 1, 31), d(2026, 2, 28)), 0);
        // Counted toward zero both ways.
        assert_eq!(years_between(d(2026, 3, 1), d(2025, 6, 1)), 0);
        assert_eq!(years_between(d(2025, 6, 1), d(2026, 3, 1)), 0);
        assert_eq!(years_between(d(2026, 3, 1), d(2025, 3, 1)), -1);
        assert_eq!(years_between(d(2024, 2, 29), d(2025, 2, 28)), 0);
        assert_eq!(years_between(d(2025, 2, 28), d(2024, 2, 29)), 0);
        assert_eq!(months_between(d(2026, 3, 15), d(2026, 1, 20)), -1);
        assert_eq!(months_between(d(2026, 1, 20), d(2026, 3, 15)), 1);
        assert_eq!(months_between(d(2026, 3, 20), d(2026, 1, 20)), -2);
        assert_eq!(whole_months(d(2026, 1, 31), d(2026, 3, 1)), 1);
        assert_eq!(add_days(d(2026, 12, 31), Decimal::ONE), Ok(d(2027, 1, 1)));
        assert_eq!(
            add_days(d(2026, 1, 1), dec("1e20").max(Decimal::MAX)),
            Err(OpError::DateRange)
        );
    }

    #[test]
    fn rounding_modes_follow_java() {
        let cases = [
            ("2.5", RoundingMode::HalfUp, "3"),
            ("-2.5", RoundingMode::HalfUp, "-3"),
            ("2.5", RoundingMode::HalfEven, "2"),
            ("3.5", RoundingMode::HalfEven, "4"),
            ("2.9", RoundingMode::Down, "2"),
            ("-2.9", RoundingMode::Down, "-2"),
            ("2.1", RoundingMode::Up, "3"),
            ("-2.1", RoundingMode::Up, "-3"),
        ];
        for (x, mode, want) in cases {
            assert_eq!(
                round_to(dec(x), Decimal::ONE, mode),
                Ok(dec(want)),
                "{x} {mode:?}"
            );
        }
        assert_eq!(
            round_to(dec("2505"), dec("10"), RoundingMode::HalfUp),
            Ok(dec("2510"))
        );
        assert_eq!(
            round_to(dec("2505"), dec("10"), RoundingMode::HalfEven),
            Ok(dec("2500"))
        );
        assert_eq!(
            round_to(dec("1666.666"), dec("0.01"), RoundingMode::HalfUp),
            Ok(dec("1666.67"))
        );
        assert_eq!(
            round_to(dec("7.3"), dec("0.5"), RoundingMode::HalfUp),
            Ok(dec("7.5"))
        );
        assert_eq!(
            round_to(dec("7.2"), dec("0.5"), RoundingMode::Down),
            Ok(dec("7.0"))
        );
    }

    #[test]
    fn division_by_zero_and_overflow_are_errors() {
        assert_eq!(
            div(Decimal::ONE, Decimal::ZERO),
            Err(OpError::DivisionByZero)
        );
        assert_eq!(mul(Decimal::MAX, Decimal::TWO), Err(OpError::Overflow));
        assert_eq!(div(dec("10"), dec("4")), Ok(dec("2.5")));
    }
}
