//! Built-in functions in SQL: each one with an exact translation, or a diagnostic.

use super::{Ctx, Translator, T};
use entitle_dsl::ir::{Builtin, TExpr, TKind};
use entitle_dsl::{Span, Value};

impl Translator<'_> {
    pub(super) fn call(&mut self, f: Builtin, args: &[TExpr], span: Span, ctx: Ctx) -> T {
        let arg = |i: usize| args.get(i);
        match f {
            Builtin::Known => Ok(format!("({} IS NOT NULL)", self.arg(arg(0), span, ctx)?)),
            Builtin::Coalesce => {
                let mut parts = Vec::new();
                for a in args {
                    parts.push(self.expr(a, ctx)?);
                }
                Ok(format!("COALESCE({})", parts.join(", ")))
            }
            Builtin::Abs => Ok(format!("ABS({})", self.arg(arg(0), span, ctx)?)),
            Builtin::Amount => self.arg(arg(0), span, ctx),
            Builtin::Lower => Ok(format!("LOWER({})", self.arg(arg(0), span, ctx)?)),
            Builtin::Upper => Ok(format!("UPPER({})", self.arg(arg(0), span, ctx)?)),
            Builtin::Trim => Ok(format!("TRIM({})", self.arg(arg(0), span, ctx)?)),
            Builtin::Length => Ok(format!("LENGTH({})", self.arg(arg(0), span, ctx)?)),
            Builtin::SameText => {
                let (a, b) = (self.arg(arg(0), span, ctx)?, self.arg(arg(1), span, ctx)?);
                Ok(format!("(LOWER(TRIM({a})) = LOWER(TRIM({b})))"))
            }
            Builtin::StartsWith => {
                let (a, b) = (self.arg(arg(0), span, ctx)?, self.arg(arg(1), span, ctx)?);
                Ok(format!("(SUBSTR({a}, 1, LENGTH({b})) = {b})"))
            }
            Builtin::Between => {
                let (x, lo, hi) = (
                    self.arg(arg(0), span, ctx)?,
                    self.arg(arg(1), span, ctx)?,
                    self.arg(arg(2), span, ctx)?,
                );
                Ok(format!("({x} BETWEEN {lo} AND {hi})"))
            }
            Builtin::Min | Builtin::Max => {
                let mut acc = self.arg(arg(0), span, ctx)?;
                for a in args.iter().skip(1) {
                    let b = self.expr(a, ctx)?;
                    let keep = if f == Builtin::Min { "<=" } else { ">=" };
                    let other = if f == Builtin::Min { ">" } else { "<" };
                    acc = format!("(CASE WHEN {acc} {keep} {b} THEN {acc} WHEN {acc} {other} {b} THEN {b} END)");
                }
                Ok(acc)
            }
            Builtin::DaysAgo | Builtin::MonthsAgo | Builtin::YearsAgo => {
                let Some(n) = arg(0).and_then(|a| self.number_of(a)) else {
                    return self.refuse(span, "a date function of a computed number");
                };
                let d = match f {
                    Builtin::DaysAgo => crate::eval::ops::add_days(self.as_of, -n),
                    Builtin::MonthsAgo => crate::eval::ops::add_months(self.as_of, -n),
                    _ => crate::eval::ops::add_years(self.as_of, -n),
                };
                match d {
                    Ok(d) => Ok(self.param(Value::Date(d))),
                    // Entitle's evaluation fails on such a count (R0013): no date stands for it.
                    Err(crate::eval::ops::OpError::NotWhole) => {
                        self.refuse(span, "a count of days, months or years that is not whole")
                    }
                    Err(_) => self.refuse(span, "a date out of range"),
                }
            }
            Builtin::HasKind => match arg(0).map(|a| &a.kind) {
                Some(TKind::Const(Value::Text(k))) if ctx == Ctx::Member => {
                    Ok(self.has_kind(k.clone()))
                }
                _ => self.refuse(span, "`has_kind` of a computed text"),
            },
            Builtin::IsCode => {
                let x = self.arg(arg(0), span, ctx)?;
                let Some(TKind::Const(Value::List(codes))) = arg(1).map(|a| &a.kind) else {
                    return self.refuse(span, "`is_code`");
                };
                if codes.is_empty() {
                    return Ok(format!("(CASE WHEN {x} IS NULL THEN NULL ELSE FALSE END)"));
                }
                let mut ps = Vec::new();
                for c in codes.clone() {
                    ps.push(self.param(c));
                }
                Ok(format!("(LOWER(TRIM({x})) IN ({}))", ps.join(", ")))
            }
            Builtin::Lookup => {
                let key = self.arg(arg(1), span, ctx)?;
                let Some(pairs) = arg(0).and_then(|t| self.table_of(t)) else {
                    return self.refuse(span, "`lookup` in a computed table");
                };
                let mut sql = format!("CASE {key}");
                for (k, v) in pairs {
                    let (k, v) = (self.constant(&k, span)?, self.constant(&v, span)?);
                    sql.push_str(&format!(" WHEN {k} THEN {v}"));
                }
                if let Some(d) = arg(2) {
                    sql.push_str(&format!(" ELSE {}", self.expr(d, ctx)?));
                }
                sql.push_str(" END");
                Ok(format!("({sql})"))
            }
            Builtin::Band => {
                let x = self.arg(arg(0), span, ctx)?;
                let Some(pairs) = arg(1).and_then(|t| self.table_of(t)) else {
                    return self.refuse(span, "`band` of a computed table");
                };
                let mut sql = String::from("CASE");
                for (k, v) in pairs.into_iter().rev() {
                    let (k, v) = (self.constant(&k, span)?, self.constant(&v, span)?);
                    sql.push_str(&format!(" WHEN {x} >= {k} THEN {v}"));
                }
                sql.push_str(" END");
                Ok(format!("({sql})"))
            }
            Builtin::Round => self.refuse(span, "`round` (databases round ties differently)"),
            Builtin::Age | Builtin::AgeInMonths => {
                self.refuse(span, "an age that is not compared with a constant")
            }
            Builtin::YearsBetween | Builtin::MonthsBetween | Builtin::DaysBetween => {
                self.refuse(span, "a count of days, months or years between dates")
            }
            Builtin::AddDays
            | Builtin::AddMonths
            | Builtin::AddYears
            | Builtin::Year
            | Builtin::Month
            | Builtin::Day => self.refuse(span, "date arithmetic on a stored date"),
            Builtin::Floor | Builtin::Ceil | Builtin::Power => {
                self.refuse(span, "`floor`, `ceil` and `power`")
            }
            Builtin::Contains | Builtin::EndsWith | Builtin::Matches => {
                self.refuse(span, "`contains`, `ends_with` and `matches`")
            }
            Builtin::Size => self.refuse(span, "`size`"),
        }
    }

    pub(super) fn arg(&mut self, a: Option<&TExpr>, span: Span, ctx: Ctx) -> T {
        match a {
            Some(a) => self.expr(a, ctx),
            None => self.refuse(span, "a missing argument"),
        }
    }

    /// The `(key, value)` pairs of a constant table or of a table parameter at the as-of date.
    pub(super) fn table_of(&self, e: &TExpr) -> Option<Vec<(Value, Value)>> {
        let v = match &e.kind {
            TKind::Const(v) => v.clone(),
            TKind::Param(i) => self.param_value(*i)?.clone(),
            _ => return None,
        };
        let Value::List(items) = v else { return None };
        items
            .into_iter()
            .map(|p| match p {
                Value::List(kv) => {
                    let mut it = kv.into_iter();
                    Some((it.next()?, it.next()?))
                }
                _ => None,
            })
            .collect()
    }
}
