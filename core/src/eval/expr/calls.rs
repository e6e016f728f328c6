//! The built-in functions, for one unit (or member).

use super::{dec, ops, R};
use crate::eval::value::Val;
use crate::eval::{Env, State};
use chrono::Datelike;
use entitle_dsl::ast::RoundingMode;
use entitle_dsl::ir::{Builtin, TExpr};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::cmp::Ordering;

impl<'a> Env<'a> {
    pub(super) fn call(
        &self,
        st: &mut State<'a>,
        f: Builtin,
        args: &'a [TExpr],
        member: Option<usize>,
    ) -> R<'a> {
        // Functions that look at unknown arguments themselves.
        match f {
            Builtin::Known => {
                let v = match args.first() {
                    Some(a) => self.eval_quiet(st, a, member)?,
                    None => Val::Unknown,
                };
                return Ok(Val::Bool(!v.is_unknown()));
            }
            Builtin::Coalesce => {
                for a in args {
                    let v = self.eval_quiet(st, a, member)?;
                    if !v.is_unknown() {
                        return Ok(v);
                    }
                }
                // Nothing known: report what each argument was missing.
                for a in args {
                    self.eval(st, a, member)?;
                }
                return Ok(Val::Unknown);
            }
            // The commonest call (`age(birthdate) < 18` for each member), without the general
            // path's room for three arguments (its one argument is checked before evaluation).
            Builtin::Age => {
                let arg = args.first().map(|a| self.eval(st, a, member)).transpose()?;
                return Ok(match arg {
                    Some(Val::Date(d)) => match ops::age(d, self.as_of) {
                        Ok(years) => Val::Dec(Decimal::from(years)),
                        Err(e) => return Err(self.call_error(st, f, e).into()),
                    },
                    _ => Val::Unknown,
                });
            }
            _ => {}
        }
        let mut vals: [Val<'a>; 3] = [Val::Unknown, Val::Unknown, Val::Unknown];
        let many;
        let vs: &[Val<'a>] = if args.len() <= 3 {
            for (slot, a) in vals.iter_mut().zip(args) {
                *slot = self.eval(st, a, member)?;
            }
            vals.get(..args.len()).unwrap_or(&[])
        } else {
            let mut v = Vec::with_capacity(args.len());
            for a in args {
                v.push(self.eval(st, a, member)?);
            }
            many = v;
            &many
        };
        if matches!(f, Builtin::Min | Builtin::Max) {
            let mut best: Option<&Val<'a>> = None;
            for v in vs {
                if v.is_unknown() {
                    return Ok(Val::Unknown);
                }
                best = match best {
                    None => Some(v),
                    Some(b) => {
                        let ord = v.compare(b);
                        let take = if f == Builtin::Min {
                            ord == Some(Ordering::Less)
                        } else {
                            ord == Some(Ordering::Greater)
                        };
                        Some(if take { v } else { b })
                    }
                };
            }
            return Ok(best.cloned().unwrap_or(Val::Unknown));
        }
        if vs.iter().any(Val::is_unknown) {
            return Ok(Val::Unknown);
        }
        let a0 = vs.first().cloned().unwrap_or(Val::Unknown);
        let a1 = vs.get(1).cloned().unwrap_or(Val::Unknown);
        let date = |v: &Val<'a>| if let Val::Date(d) = v { Some(*d) } else { None };
        let text = |v: &Val<'a>| {
            if let Val::Text(t) = v {
                Some(t.clone())
            } else {
                None
            }
        };
        let num = |n: i64| Val::Dec(Decimal::from(n));
        let fail = |e| self.call_error(st, f, e);
        Ok(match f {
            Builtin::AgeInMonths => match date(&a0) {
                Some(d) => num(ops::age_months(d, self.as_of).map_err(fail)?),
                None => Val::Unknown,
            },
            Builtin::YearsBetween | Builtin::MonthsBetween | Builtin::DaysBetween => {
                match (date(&a0), date(&a1)) {
                    (Some(x), Some(y)) => num(match f {
                        Builtin::YearsBetween => ops::years_between(x, y),
                        Builtin::MonthsBetween => ops::months_between(x, y),
                        _ => (y - x).num_days(),
                    }),
                    _ => Val::Unknown,
                }
            }
            Builtin::AddDays | Builtin::AddMonths | Builtin::AddYears => {
                match (date(&a0), dec(&a1)) {
                    (Some(d), Some(n)) => Val::Date(
                        match f {
                            Builtin::AddDays => ops::add_days(d, n),
                            Builtin::AddMonths => ops::add_months(d, n),
                            _ => ops::add_years(d, n),
                        }
                        .map_err(fail)?,
                    ),
                    _ => Val::Unknown,
                }
            }
            Builtin::DaysAgo | Builtin::MonthsAgo | Builtin::YearsAgo => match dec(&a0) {
                Some(n) => Val::Date(
                    match f {
                        Builtin::DaysAgo => ops::add_days(self.as_of, -n),
                        Builtin::MonthsAgo => ops::add_months(self.as_of, -n),
                        _ => ops::add_years(self.as_of, -n),
                    }
                    .map_err(fail)?,
                ),
                None => Val::Unknown,
            },
            Builtin::Year => date(&a0)
                .map(|d| num(i64::from(d.year())))
                .unwrap_or(Val::Unknown),
            Builtin::Month => date(&a0)
                .map(|d| num(i64::from(d.month())))
                .unwrap_or(Val::Unknown),
            Builtin::Day => date(&a0)
                .map(|d| num(i64::from(d.day())))
                .unwrap_or(Val::Unknown),
            Builtin::Abs => dec(&a0).map(|d| Val::Dec(d.abs())).unwrap_or(Val::Unknown),
            Builtin::Floor => dec(&a0)
                .map(|d| Val::Dec(ops::floor(d)))
                .unwrap_or(Val::Unknown),
            Builtin::Ceil => dec(&a0)
                .map(|d| Val::Dec(ops::ceil(d)))
                .unwrap_or(Val::Unknown),
            Builtin::Round => {
                let mode = match vs.get(2) {
                    Some(Val::Text(t)) => {
                        RoundingMode::from_ident(t).unwrap_or(RoundingMode::HalfUp)
                    }
                    _ => RoundingMode::HalfUp,
                };
                match (dec(&a0), dec(&a1)) {
                    (Some(x), Some(step)) => Val::Dec(ops::round_to(x, step, mode).map_err(fail)?),
                    _ => Val::Unknown,
                }
            }
            Builtin::Between => {
                let a2 = vs.get(2).cloned().unwrap_or(Val::Unknown);
                match (a0.compare(&a1), a0.compare(&a2)) {
                    (Some(lo), Some(hi)) => {
                        Val::Bool(lo != Ordering::Less && hi != Ordering::Greater)
                    }
                    _ => Val::Unknown,
                }
            }
            Builtin::Lower => text(&a0)
                .map(|t| Val::Text(Cow::Owned(t.to_lowercase())))
                .unwrap_or(Val::Unknown),
            Builtin::Upper => text(&a0)
                .map(|t| Val::Text(Cow::Owned(t.to_uppercase())))
                .unwrap_or(Val::Unknown),
            Builtin::Trim => match text(&a0) {
                Some(Cow::Borrowed(t)) => Val::Text(Cow::Borrowed(t.trim())),
                Some(Cow::Owned(t)) => Val::Text(Cow::Owned(t.trim().to_string())),
                None => Val::Unknown,
            },
            Builtin::Length => text(&a0)
                .map(|t| num(i64::try_from(t.chars().count()).unwrap_or(i64::MAX)))
                .unwrap_or(Val::Unknown),
            Builtin::Contains
            | Builtin::StartsWith
            | Builtin::EndsWith
            | Builtin::SameText
            | Builtin::Matches => match (text(&a0), text(&a1)) {
                (Some(t), Some(p)) => Val::Bool(match f {
                    Builtin::Contains => t.contains(p.as_ref()),
                    Builtin::StartsWith => t.starts_with(p.as_ref()),
                    Builtin::EndsWith => t.ends_with(p.as_ref()),
                    Builtin::SameText => t.trim().to_lowercase() == p.trim().to_lowercase(),
                    _ => self
                        .p
                        .regexes
                        .get(p.as_ref())
                        .is_some_and(|re| re.is_match(&t)),
                }),
                _ => Val::Unknown,
            },
            Builtin::Size => match a0 {
                Val::List(items) => num(i64::try_from(items.len()).unwrap_or(i64::MAX)),
                _ => Val::Unknown,
            },
            Builtin::Amount => a0,
            Builtin::HasKind => {
                let row = member.and_then(|k| st.active.get(k)).map(|r| *r as usize);
                match (row, text(&a0)) {
                    (Some(r), Some(kind)) => {
                        Val::Bool(self.batch.member_kinds.get(r).is_some_and(|ks| {
                            ks.iter().any(|k| k.eq_ignore_ascii_case(kind.trim()))
                        }))
                    }
                    _ => Val::Unknown,
                }
            }
            Builtin::Lookup => self.lookup(st, &a0, &a1, vs.get(2))?,
            Builtin::Band => self.band(st, &a0, &a1)?,
            Builtin::Power => self.power(st, &a0, &a1)?,
            Builtin::IsCode => crate::eval::extras::is_code(&a0, &a1),
            // Decided above.
            Builtin::Age | Builtin::Min | Builtin::Max | Builtin::Known | Builtin::Coalesce => {
                Val::Unknown
            }
        })
    }
}
