//! Builtin functions of the calendar and of decimals, computed lane by lane with the
//! interpreter's own operations.

use super::lanes::{dates, nums, Col};
use super::num::Fx;
use super::plan::{Reg, Scalar};
use crate::eval::ops;
use chrono::{Datelike, NaiveDate};
use entitle_dsl::ast::RoundingMode;
use entitle_dsl::ir::Builtin;

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
                    Builtin::YearsBetween => ops::whole_years(x, y),
                    Builtin::MonthsBetween => ops::whole_months(x, y),
                    _ => (y - x).num_days(),
                }),
                _ => Ok(None),
            }
        }
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
