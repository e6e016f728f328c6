//! Evaluation of record collections and of the functions of scoring models and code lists:
//! `latest` / `earliest`, `lookup`, `band`, `power`, `is_code`.

use super::expr::cell;
use super::ops;
use super::value::Val;
use super::{Env, State};
use crate::error::EvalError;
use entitle_dsl::ir::{Aggregate, Builtin, TExpr};
use entitle_dsl::Value;
use rust_decimal::Decimal;
use std::cmp::Ordering;

type R<'a> = Result<Val<'a>, Box<EvalError>>;

/// The `[key, value]` pairs of a table (a list of two-element lists).
fn pairs<'v>(table: &Val<'v>) -> impl Iterator<Item = (&'v Value, &'v Value)> {
    let items: &'v [Value] = match table {
        Val::List(items) => items,
        _ => &[],
    };
    items.iter().filter_map(|p| match p {
        Value::List(kv) => match kv.as_slice() {
            [k, v] => Some((k, v)),
            _ => None,
        },
        _ => None,
    })
}

/// `is_code(x, codes)`: the codes are already trimmed and in lower case.
pub(crate) fn is_code<'a>(x: &Val<'a>, codes: &Val<'a>) -> Val<'a> {
    match (x, codes) {
        (Val::Text(t), Val::List(items)) => {
            let t = t.trim().to_lowercase();
            Val::Bool(items.iter().any(|c| matches!(c, Value::Text(c) if *c == t)))
        }
        _ => Val::Unknown,
    }
}

impl<'a> Env<'a> {
    /// A field of record `k` of collection `set`.
    pub(crate) fn record_field(
        &self,
        st: &mut State<'a>,
        set: usize,
        field: usize,
        k: Option<usize>,
    ) -> Val<'a> {
        let row = k.and_then(|k| st.records.get(set)?.get(k).copied());
        let got = row.and_then(|r| {
            self.batch
                .records
                .get(set)?
                .cols
                .get(field)
                .and_then(|c| cell(c, r as usize))
        });
        match got {
            Some(v) => v,
            None => match self
                .p
                .ir
                .records
                .get(set)
                .and_then(|s| s.fields.get(field))
                .and_then(|f| f.default.as_ref())
            {
                Some(d) => Val::from_value(d),
                None => {
                    if let Some(base) = self.p.record_bits.get(set) {
                        st.mark_missing(base + field);
                    }
                    Val::Unknown
                }
            },
        }
    }

    /// `latest(S, value, by)` / `earliest(S, value, by)`: the value at the record whose key is the
    /// greatest (the smallest); on a tie, the last (the first) such record in the unit's data. A
    /// record the filter or the key leaves unknown makes the answer unknown, since it could be the one.
    pub(crate) fn latest(
        &self,
        st: &mut State<'a>,
        n: usize,
        func: Aggregate,
        filter: Option<&'a TExpr>,
        value: Option<&'a TExpr>,
        by: Option<&'a TExpr>,
    ) -> R<'a> {
        let (Some(value), Some(by)) = (value, by) else {
            return Ok(Val::Unknown);
        };
        let mut best: Option<(Val<'a>, usize)> = None;
        let mut unknown = false;
        for k in 0..n {
            let included = match filter {
                None => Some(true),
                Some(f) => match self.eval(st, f, Some(k))? {
                    Val::Bool(b) => Some(b),
                    _ => None,
                },
            };
            match included {
                Some(false) => continue,
                None => {
                    unknown = true;
                    continue;
                }
                Some(true) => {}
            }
            let key = self.eval(st, by, Some(k))?;
            if key.is_unknown() {
                unknown = true;
                continue;
            }
            let better = match &best {
                None => true,
                Some((b, _)) => match key.compare(b) {
                    Some(Ordering::Greater) => func == Aggregate::Latest,
                    Some(Ordering::Less) => func == Aggregate::Earliest,
                    Some(Ordering::Equal) => func == Aggregate::Latest,
                    None => false,
                },
            };
            if better {
                best = Some((key, k));
            }
        }
        match best {
            Some((_, k)) if !unknown => self.eval(st, value, Some(k)),
            _ => Ok(Val::Unknown),
        }
    }

    /// `lookup(table, key [, default])`.
    pub(crate) fn lookup(
        &self,
        st: &State<'a>,
        table: &Val<'a>,
        key: &Val<'a>,
        default: Option<&Val<'a>>,
    ) -> R<'a> {
        if let Some((_, v)) = pairs(table).find(|(k, _)| key.equals_value(k)) {
            return Ok(Val::from_value(v));
        }
        match default {
            Some(d) => Ok(d.clone()),
            None => Err(EvalError::NoTableEntry {
                at: st.at.to_string(),
            }
            .into()),
        }
    }

    /// `band(x, table)`: the value of the greatest key not above x.
    pub(crate) fn band(&self, st: &State<'a>, x: &Val<'a>, table: &Val<'a>) -> R<'a> {
        let mut found = None;
        for (k, v) in pairs(table) {
            match x.compare(&Val::from_value(k)) {
                Some(Ordering::Less) => break,
                Some(_) => found = Some(v),
                None => return Ok(Val::Unknown),
            }
        }
        match found {
            Some(v) => Ok(Val::from_value(v)),
            None => Err(EvalError::NoTableEntry {
                at: st.at.to_string(),
            }
            .into()),
        }
    }

    /// The error of built-in `f` that failed with `e`.
    pub(crate) fn call_error(
        &self,
        st: &State<'a>,
        f: Builtin,
        e: super::ops::OpError,
    ) -> EvalError {
        match e {
            super::ops::OpError::NotWhole => self.not_whole(st, f),
            e => self.fail(st, e),
        }
    }

    /// R0013 for a count of days, months or years that is not a whole number (`add_days(d,
    /// 1.5)`, `months_ago(0.5)`): never silently truncated.
    pub(crate) fn not_whole(&self, st: &State<'a>, f: Builtin) -> EvalError {
        let function = match f {
            Builtin::AddDays => "add_days",
            Builtin::AddMonths => "add_months",
            Builtin::AddYears => "add_years",
            Builtin::DaysAgo => "days_ago",
            Builtin::MonthsAgo => "months_ago",
            _ => "years_ago",
        };
        EvalError::InvalidArgument {
            at: st.at.to_string(),
            function: function.into(),
        }
    }

    /// `power(x, n)`: exact repeated multiplication (n a whole number from -64 to 64).
    pub(crate) fn power(&self, st: &State<'a>, x: &Val<'a>, n: &Val<'a>) -> R<'a> {
        let (Val::Dec(x), Val::Dec(n)) = (x, n) else {
            return Ok(Val::Unknown);
        };
        let invalid = || EvalError::InvalidArgument {
            at: st.at.to_string(),
            function: "power".into(),
        };
        if !n.fract().is_zero() || n.abs() > Decimal::from(64) {
            return Err(invalid().into());
        }
        let times = n.abs().to_string().parse::<u32>().map_err(|_| invalid())?;
        let mut acc = Decimal::ONE;
        for _ in 0..times {
            acc = ops::mul(acc, *x).map_err(|e| self.fail(st, e))?;
        }
        if n.is_sign_negative() && !n.is_zero() {
            if acc.is_zero() {
                return Err(invalid().into());
            }
            acc = ops::div(Decimal::ONE, acc).map_err(|e| self.fail(st, e))?;
        }
        Ok(Val::Dec(acc))
    }
}
