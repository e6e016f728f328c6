//! Calls to built-in functions: the list of known functions, argument count and type checks, and
//! the typing of each function, `round` included; aggregates are passed on to `aggregates.rs`.

use super::exprs::{err, texpr, words};
use super::suggest::closest;
use super::{Checker, Ctx};
use crate::ast::{self, Expr, ExprKind, RoundingMode};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{Aggregate, Builtin, TExpr, TKind};
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;
use rust_decimal::Decimal;

const FUNCTIONS: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "any",
    "all",
    "age",
    "age_in_months",
    "years_between",
    "months_between",
    "days_between",
    "add_days",
    "add_months",
    "add_years",
    "days_ago",
    "months_ago",
    "years_ago",
    "year",
    "month",
    "day",
    "abs",
    "round",
    "floor",
    "ceil",
    "between",
    "known",
    "coalesce",
    "lower",
    "upper",
    "trim",
    "length",
    "contains",
    "starts_with",
    "ends_with",
    "same_text",
    "matches",
    "size",
    "amount",
    "has_kind",
    "lookup",
    "band",
    "power",
    "is_code",
    "latest",
    "earliest",
];

impl Checker {
    pub(super) fn arity(
        &mut self,
        name: &ast::Ident,
        args: &[Expr],
        expected: &str,
        ok: bool,
    ) -> bool {
        if !ok {
            self.diags.push(wrong_argument_count(
                &name.name,
                expected,
                args.len(),
                name.span,
            ));
        }
        ok
    }

    pub(super) fn arg_type(
        &mut self,
        name: &str,
        position: usize,
        span: Span,
        expected: &str,
        found: &Type,
    ) {
        self.diags.push(
            Diagnostic::new(codes::BAD_ARGUMENT, span)
                .arg("name", name)
                .arg("expected", expected)
                .arg("position", position)
                .arg("found", words(found)),
        );
    }

    pub(super) fn call(&mut self, name: &ast::Ident, args: &[Expr], span: Span, ctx: Ctx) -> TExpr {
        let n = name.name.as_str();
        if let Some(t) = self.extension_call(name, args, span, ctx) {
            return t;
        }
        let first_is_members = matches!(args.first().map(|a| &a.kind), Some(ExprKind::Members(_)))
            || args.first().and_then(|a| self.record_set_of(a)).is_some();
        let agg = match n {
            "count" => Some(Aggregate::Count),
            "sum" => Some(Aggregate::Sum),
            "avg" => Some(Aggregate::Avg),
            "any" => Some(Aggregate::Any),
            "all" => Some(Aggregate::All),
            "min" if first_is_members => Some(Aggregate::Min),
            "max" if first_is_members => Some(Aggregate::Max),
            "latest" => Some(Aggregate::Latest),
            "earliest" => Some(Aggregate::Earliest),
            _ => None,
        };
        if let Some(func) = agg {
            return self.aggregate(func, name, args, span, ctx);
        }
        let typed: Vec<TExpr> = match n {
            // The mode of `round` is a word, not a name.
            "round" => args
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    if i == 2 {
                        self.rounding_mode(a)
                    } else {
                        self.expr(a, ctx)
                    }
                })
                .collect(),
            // A function that does not exist is reported alone (E0106): a set of members or
            // records given to it is what `count` or `sum` would take, not a misplaced set.
            _ if !FUNCTIONS.contains(&n) => args
                .iter()
                .map(|a| {
                    if matches!(a.kind, ExprKind::Members(_)) || self.record_set_of(a).is_some() {
                        err(a.span)
                    } else {
                        self.expr(a, ctx)
                    }
                })
                .collect(),
            _ => args.iter().map(|a| self.expr(a, ctx)).collect(),
        };
        let t = |i: usize| typed.get(i).map(|x| x.ty.clone()).unwrap_or(Type::Error);
        let sp = |i: usize| args.get(i).map(|a| a.span).unwrap_or(span);
        let any_error = typed.iter().any(|x| x.ty.is_error());
        let (builtin, ty) = match n {
            "age" | "age_in_months" => {
                if !self.arity(name, args, "1", args.len() == 1) {
                    return err(span);
                }
                if !any_error && t(0) != Type::Date {
                    self.arg_type(n, 1, sp(0), "a date", &t(0));
                }
                (
                    if n == "age" {
                        Builtin::Age
                    } else {
                        Builtin::AgeInMonths
                    },
                    Type::Number,
                )
            }
            "years_between" | "months_between" | "days_between" => {
                if !self.arity(name, args, "2", args.len() == 2) {
                    return err(span);
                }
                for i in 0..2 {
                    if !t(i).is_error() && t(i) != Type::Date {
                        self.arg_type(n, i + 1, sp(i), "a date", &t(i));
                    }
                }
                let b = match n {
                    "years_between" => Builtin::YearsBetween,
                    "months_between" => Builtin::MonthsBetween,
                    _ => Builtin::DaysBetween,
                };
                (b, Type::Number)
            }
            "add_days" | "add_months" | "add_years" => {
                if !self.arity(name, args, "2", args.len() == 2) {
                    return err(span);
                }
                if !t(0).is_error() && t(0) != Type::Date {
                    self.arg_type(n, 1, sp(0), "a date", &t(0));
                }
                if !t(1).is_error() && t(1) != Type::Number {
                    self.arg_type(n, 2, sp(1), "a number", &t(1));
                }
                let b = match n {
                    "add_days" => Builtin::AddDays,
                    "add_months" => Builtin::AddMonths,
                    _ => Builtin::AddYears,
                };
                (b, Type::Date)
            }
            "days_ago" | "months_ago" | "years_ago" => {
                if !self.arity(name, args, "1", args.len() == 1) {
                    return err(span);
                }
                if !t(0).is_error() && t(0) != Type::Number {
                    self.arg_type(n, 1, sp(0), "a number", &t(0));
                }
                let b = match n {
                    "days_ago" => Builtin::DaysAgo,
                    "months_ago" => Builtin::MonthsAgo,
                    _ => Builtin::YearsAgo,
                };
                (b, Type::Date)
            }
            "year" | "month" | "day" => {
                if !self.arity(name, args, "1", args.len() == 1) {
                    return err(span);
                }
                if !t(0).is_error() && t(0) != Type::Date {
                    self.arg_type(n, 1, sp(0), "a date", &t(0));
                }
                let b = match n {
                    "year" => Builtin::Year,
                    "month" => Builtin::Month,
                    _ => Builtin::Day,
                };
                (b, Type::Number)
            }
            "min" | "max" | "coalesce" => {
                if !self.arity(name, args, "2 or more", args.len() >= 2) {
                    return err(span);
                }
                let mut ty = t(0);
                for i in 1..args.len() {
                    ty = self.unify(&ty, &t(i), sp(i), "an argument");
                }
                if n != "coalesce" && !ty.is_error() && !ty.is_numeric() && ty != Type::Date {
                    self.arg_type(n, 1, sp(0), "numbers, amounts, quantities or dates", &ty);
                }
                (
                    match n {
                        "min" => Builtin::Min,
                        "max" => Builtin::Max,
                        _ => Builtin::Coalesce,
                    },
                    ty,
                )
            }
            "abs" | "floor" | "ceil" => {
                if !self.arity(name, args, "1", args.len() == 1) {
                    return err(span);
                }
                if !t(0).is_error() && !t(0).is_numeric() {
                    self.arg_type(n, 1, sp(0), "a number, amount or quantity", &t(0));
                }
                (
                    match n {
                        "abs" => Builtin::Abs,
                        "floor" => Builtin::Floor,
                        _ => Builtin::Ceil,
                    },
                    t(0),
                )
            }
            "round" => return self.round(name, args, typed, span),
            "between" => {
                if !self.arity(name, args, "3", args.len() == 3) {
                    return err(span);
                }
                let ty = self.unify(&t(0), &t(1), sp(1), "the low bound");
                let ty = self.unify(&ty, &t(2), sp(2), "the high bound");
                if !ty.is_error() && !ty.is_numeric() && ty != Type::Date {
                    self.arg_type(n, 1, sp(0), "a number, amount, quantity or date", &ty);
                }
                (Builtin::Between, Type::Bool)
            }
            "known" => {
                if !self.arity(name, args, "1", args.len() == 1) {
                    return err(span);
                }
                (Builtin::Known, Type::Bool)
            }
            "lower" | "upper" | "trim" | "length" => {
                if !self.arity(name, args, "1", args.len() == 1) {
                    return err(span);
                }
                if !t(0).is_error() && t(0) != Type::Text {
                    self.arg_type(n, 1, sp(0), "text", &t(0));
                }
                match n {
                    "lower" => (Builtin::Lower, Type::Text),
                    "upper" => (Builtin::Upper, Type::Text),
                    "trim" => (Builtin::Trim, Type::Text),
                    _ => (Builtin::Length, Type::Number),
                }
            }
            "contains" | "starts_with" | "ends_with" | "same_text" | "matches" => {
                if !self.arity(name, args, "2", args.len() == 2) {
                    return err(span);
                }
                for i in 0..2 {
                    if !t(i).is_error() && t(i) != Type::Text {
                        self.arg_type(n, i + 1, sp(i), "text", &t(i));
                    }
                }
                if n == "matches" {
                    match typed.get(1).map(|x| &x.kind) {
                        Some(TKind::Const(Value::Text(p))) => {
                            if crate::limits::compile_pattern(p).is_err() {
                                self.diags.push(
                                    Diagnostic::new(codes::INVALID_PATTERN, sp(1))
                                        .arg("pattern", p),
                                );
                            }
                        }
                        Some(TKind::Const(_)) | None => {}
                        Some(_) => self.diags.push(
                            Diagnostic::new(codes::NOT_CONSTANT, sp(1)).with_help("E0212.help"),
                        ),
                    }
                }
                (
                    match n {
                        "contains" => Builtin::Contains,
                        "starts_with" => Builtin::StartsWith,
                        "ends_with" => Builtin::EndsWith,
                        "same_text" => Builtin::SameText,
                        _ => Builtin::Matches,
                    },
                    Type::Bool,
                )
            }
            "size" => {
                if !self.arity(name, args, "1", args.len() == 1) {
                    return err(span);
                }
                if !t(0).is_error() && !matches!(t(0), Type::List { .. }) {
                    self.arg_type(n, 1, sp(0), "a list", &t(0));
                }
                (Builtin::Size, Type::Number)
            }
            "amount" => {
                if !self.arity(name, args, "1", args.len() == 1) {
                    return err(span);
                }
                if !t(0).is_error() && !matches!(t(0), Type::Money { .. } | Type::Quantity { .. }) {
                    self.arg_type(n, 1, sp(0), "money or a quantity", &t(0));
                }
                (Builtin::Amount, Type::Number)
            }
            "has_kind" => {
                if !self.arity(name, args, "1", args.len() == 1) {
                    return err(span);
                }
                if !ctx.member {
                    self.diags.push(
                        Diagnostic::new(codes::MEMBER_NAME_OUTSIDE_MEMBERS, name.span)
                            .arg("name", n)
                            .with_help("E0105.help"),
                    );
                    return err(span);
                }
                if !t(0).is_error() && t(0) != Type::Text {
                    self.arg_type(n, 1, sp(0), "text", &t(0));
                }
                (Builtin::HasKind, Type::Bool)
            }
            _ => {
                let mut d = Diagnostic::new(codes::UNKNOWN_FUNCTION, name.span).arg("name", n);
                if let Some(s) = closest(n, FUNCTIONS.iter().copied()) {
                    d = d.arg("suggestion", s).with_help("E0106.help");
                }
                self.diags.push(d);
                return err(span);
            }
        };
        texpr(TKind::Call(builtin, typed), ty, span)
    }

    fn rounding_mode(&mut self, a: &Expr) -> TExpr {
        if let ExprKind::Name(id) = &a.kind {
            if let Some(m) = RoundingMode::from_ident(&id.name) {
                return texpr(
                    TKind::Const(Value::Text(m.ident().to_string())),
                    Type::Text,
                    a.span,
                );
            }
        }
        self.diags.push(
            Diagnostic::new(codes::BAD_ARGUMENT, a.span)
                .arg("name", "round")
                .arg(
                    "expected",
                    "a rounding mode (`half_up`, `half_even`, `down`, `up`)",
                )
                .arg("position", 3)
                .arg("found", "something else"),
        );
        err(a.span)
    }

    /// `round(x, places)`, `round(x, step)`, with an optional mode (half up by default).
    fn round(
        &mut self,
        name: &ast::Ident,
        args: &[Expr],
        mut typed: Vec<TExpr>,
        span: Span,
    ) -> TExpr {
        if !self.arity(name, args, "2 or 3", args.len() == 2 || args.len() == 3) {
            return err(span);
        }
        let x_ty = typed.first().map(|x| x.ty.clone()).unwrap_or(Type::Error);
        if !x_ty.is_error() && !x_ty.is_numeric() {
            self.arg_type(
                "round",
                1,
                args.first().map(|a| a.span).unwrap_or(span),
                "a number, amount or quantity",
                &x_ty,
            );
            return err(span);
        }
        // The second argument is a whole number of decimal places (`2`), or a step of the value's
        // own type (`KES 10`, `0.5 kg`).
        let step_span = args.get(1).map(|a| a.span).unwrap_or(span);
        let step = match typed.get(1).map(|s| &s.kind) {
            Some(TKind::Const(Value::Number(n)))
                if n.fract().is_zero() && !n.is_sign_negative() =>
            {
                n.to_string()
                    .parse::<u32>()
                    .ok()
                    .filter(|p| *p <= 28)
                    .map(|p| Decimal::new(1, p))
            }
            Some(TKind::Const(Value::Money(m)))
                if Type::Money {
                    currency: m.currency,
                } == x_ty =>
            {
                Some(m.amount)
            }
            Some(TKind::Const(Value::Quantity(q)))
                if Type::Quantity {
                    unit: q.unit.clone(),
                } == x_ty =>
            {
                Some(q.amount)
            }
            _ => None,
        };
        let Some(step) = step.filter(|s| *s > Decimal::ZERO) else {
            // A literal that is not a valid step says why; anything else is not a constant.
            let d = match typed.get(1).and_then(literal) {
                Some(v) => bad_round_step(&v, &x_ty, step_span),
                None => Diagnostic::new(codes::NOT_CONSTANT, step_span).with_help("E0212.help"),
            };
            self.diags.push(d);
            return err(span);
        };
        if let Some(s) = typed.get_mut(1) {
            *s = texpr(TKind::Const(Value::Number(step)), Type::Number, step_span);
        }
        if typed.len() == 2 {
            typed.push(texpr(
                TKind::Const(Value::Text(RoundingMode::HalfUp.ident().into())),
                Type::Text,
                span,
            ));
        }
        texpr(TKind::Call(Builtin::Round, typed), x_ty, span)
    }
}

/// The value of a literal argument, negative ones (`-1`, `-KES 5`) included.
fn literal(e: &TExpr) -> Option<Value> {
    match &e.kind {
        TKind::Const(v) => Some(v.clone()),
        TKind::Neg(x) => match literal(x)? {
            Value::Number(n) => Some(Value::Number(-n)),
            Value::Money(m) => Some(Value::Money(crate::value::Money {
                amount: -m.amount,
                currency: m.currency,
            })),
            Value::Quantity(q) => Some(Value::Quantity(crate::value::Quantity {
                amount: -q.amount,
                unit: q.unit,
            })),
            _ => None,
        },
        _ => None,
    }
}

/// E0216: a literal that cannot be what `round` rounds to, with what it can be: a whole number of
/// decimal places from 0 to 28, or a positive step of the rounded value's own type.
pub(crate) fn bad_round_step(v: &Value, x_ty: &Type, span: Span) -> Diagnostic {
    // As the language writes it: `-KES 5`, not `KES -5`.
    let written = match v {
        Value::Money(m) => super::exprs::money_written(m.currency, &m.amount.to_string()),
        other => other.to_string(),
    };
    let d = Diagnostic::new(codes::BAD_ROUND_STEP, span).arg("step", written);
    let example = match x_ty {
        Type::Money { currency } => Some(format!("{currency} 5")),
        Type::Quantity { unit } => Some(format!("0.5 {unit}")),
        _ => None,
    };
    match (v, example) {
        (Value::Money(_) | Value::Quantity(_), Some(example)) => {
            d.arg("example", example).with_help("E0216.help.step")
        }
        _ => d.with_help("E0216.help.places"),
    }
}

/// E0107 with singulars and plurals right: `takes 1 argument, but 2 were given`, `takes 2
/// arguments, but 1 was given`.
pub(crate) fn wrong_argument_count(
    name: &str,
    expected: &str,
    given: usize,
    span: Span,
) -> Diagnostic {
    let expected = if expected == "1" {
        "1 argument".to_string()
    } else {
        format!("{expected} arguments")
    };
    let found = match given {
        0 => "none was given".to_string(),
        1 => "1 was given".to_string(),
        n => format!("{n} were given"),
    };
    Diagnostic::new(codes::WRONG_ARGUMENT_COUNT, span)
        .arg("name", name)
        .arg("expected", expected)
        .arg("found", found)
}
