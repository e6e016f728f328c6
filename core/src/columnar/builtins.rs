//! Builtin functions of the calendar and of decimals, computed lane by lane with the
//! interpreter's own operations.

use super::lanes::{dates, nums, Col};
use super::num::{self, Fx};
use super::plan::{Reg, Scalar};
use crate::eval::expr::holds;
use crate::eval::ops;
use chrono::{Datelike, NaiveDate};
use entitle_dsl::ast::RoundingMode;
use entitle_dsl::ir::{Builtin, CmpOp};

/// A function of the calendar or of decimals, computed by the interpreter's own operations.
pub(super) fn call(
    f: Builtin,
    mode: RoundingMode,
    args: &[Reg],
    cols: &[Col],
    i: usize,
    as_of: NaiveDate,
) -> Result<Option<Scalar>, ()> {
    let date = |k: usize| {
        args.get(k)
            .and_then(|r| dates(cols, *r).get(i).copied().flatten())
    };
    let dec = |k: usize| {
        args.get(k)
            .and_then(|r| nums(cols, *r).get(i).copied().flatten())
    };
    let whole = |n: i64| Ok(Some(Scalar::Num(Fx::int(n))));
    let back = |d: rust_decimal::Decimal| Fx::from_dec(d).map(|x| Some(Scalar::Num(x))).ok_or(());
    match f {
        Builtin::Age | Builtin::AgeInMonths | Builtin::Year | Builtin::Month | Builtin::Day => {
            let Some(d) = date(0) else { return Ok(None) };
            match f {
                Builtin::Age => whole(ops::age(d, as_of).map_err(|_| ())?),
                Builtin::AgeInMonths => whole(ops::age_months(d, as_of).map_err(|_| ())?),
                Builtin::Year => whole(i64::from(d.year())),
                Builtin::Month => whole(i64::from(d.month())),
                _ => whole(i64::from(d.day())),
            }
        }
        Builtin::YearsBetween | Builtin::MonthsBetween | Builtin::DaysBetween => {
            match (date(0), date(1)) {
                (Some(x), Some(y)) => whole(match f {
                    Builtin::YearsBetween => ops::years_between(x, y),
                    Builtin::MonthsBetween => ops::months_between(x, y),
                    _ => (y - x).num_days(),
                }),
                _ => Ok(None),
            }
        }
        // An error (a date out of range, a count that is not whole) sends the unit to the
        // interpreter, which reports it.
        Builtin::AddDays | Builtin::AddMonths | Builtin::AddYears => match (date(0), dec(1)) {
            (Some(d), Some(n)) => {
                let n = n.to_dec();
                let r = match f {
                    Builtin::AddDays => ops::add_days(d, n),
                    Builtin::AddMonths => ops::add_months(d, n),
                    _ => ops::add_years(d, n),
                };
                r.map(|d| Some(Scalar::Date(d))).map_err(|_| ())
            }
            _ => Ok(None),
        },
        Builtin::DaysAgo | Builtin::MonthsAgo | Builtin::YearsAgo => match dec(0) {
            Some(n) => {
                let n = -n.to_dec();
                let r = match f {
                    Builtin::DaysAgo => ops::add_days(as_of, n),
                    Builtin::MonthsAgo => ops::add_months(as_of, n),
                    _ => ops::add_years(as_of, n),
                };
                r.map(|d| Some(Scalar::Date(d))).map_err(|_| ())
            }
            None => Ok(None),
        },
        Builtin::Abs | Builtin::Floor | Builtin::Ceil => match dec(0) {
            Some(x) => {
                let x = x.to_dec();
                back(match f {
                    Builtin::Abs => x.abs(),
                    Builtin::Floor => ops::floor(x),
                    _ => ops::ceil(x),
                })
            }
            None => Ok(None),
        },
        Builtin::Round => match (dec(0), dec(1)) {
            (Some(x), Some(step)) => {
                back(ops::round_to(x.to_dec(), step.to_dec(), mode).map_err(|_| ())?)
            }
            _ => Ok(None),
        },
        _ => Err(()),
    }
}

/// `age(b) OP n` at one as-of date, for an ordering `OP`: as the birthdate grows the age never
/// grows, so the comparison turns once; the date where it turns is found by a binary search
/// that evaluates the comparison exactly as the interpreter does, and each lane is then one
/// comparison of dates.
pub(super) struct AgeTest {
    as_of: NaiveDate,
    /// `<` and `<=` hold for the young (birthdates on or after `first`), `>` and `>=` for the old.
    young: bool,
    /// The first birthdate for which the comparison holds (young) or no longer holds (old).
    first: Option<NaiveDate>,
}

impl AgeTest {
    pub(super) fn new(op: CmpOp, n: Fx, as_of: NaiveDate) -> Option<AgeTest> {
        let young = match op {
            CmpOp::Lt | CmpOp::Le => true,
            CmpOp::Gt | CmpOp::Ge => false,
            _ => return None,
        };
        let age = ops::AgeAt::new(as_of);
        // Whether the comparison holds is `young` from `first` on: a rising step.
        let step = |day: i32| -> bool {
            NaiveDate::from_num_days_from_ce_opt(day)
                .and_then(|b| age.of(b).ok())
                .is_some_and(|a| holds(op, num::cmp(Fx::int(a), n)) == young)
        };
        let (mut lo, mut hi) = (NaiveDate::MIN.num_days_from_ce(), as_of.num_days_from_ce());
        let first = if !step(hi) {
            None
        } else {
            // `step(hi)` holds; find the first day it does.
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if step(mid) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            NaiveDate::from_num_days_from_ce_opt(lo)
        };
        Some(AgeTest {
            as_of,
            young,
            first,
        })
    }

    /// The comparison for birthdate `b`; `Err` for a birthdate after the as-of date (an error
    /// for the unit, as `age` gives).
    #[inline]
    pub(super) fn holds(&self, b: NaiveDate) -> Result<bool, ()> {
        if b > self.as_of {
            return Err(());
        }
        Ok(self.first.is_some_and(|f| b >= f) == self.young)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn an_age_test_agrees_with_computing_the_age() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let ns = [
            Fx::int(0),
            Fx::int(1),
            Fx::new(175, 1),
            Fx::int(18),
            Fx::int(60),
            Fx::int(-1),
            Fx::int(300_000),
        ];
        let ops = [CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge];
        for as_of in [
            d(2024, 2, 29),
            d(2023, 2, 28),
            d(2023, 3, 1),
            d(2026, 3, 1),
            d(2000, 1, 1),
        ] {
            let age = ops::AgeAt::new(as_of);
            for n in ns {
                for op in ops {
                    let t = AgeTest::new(op, n, as_of).unwrap();
                    // Every birthdate of the 70 years before the as-of date, and a few after.
                    let births = as_of
                        .checked_sub_days(chrono::Days::new(70 * 366))
                        .unwrap()
                        .iter_days()
                        .take(70 * 366 + 3);
                    for b in births {
                        let want = age.of(b).map(|a| holds(op, num::cmp(Fx::int(a), n)));
                        assert_eq!(
                            t.holds(b),
                            want.map_err(|_| ()),
                            "{b} {op:?} {n:?} at {as_of}"
                        );
                    }
                }
            }
        }
        assert!(AgeTest::new(CmpOp::Eq, Fx::int(1), d(2026, 1, 1)).is_none());
    }
}
