//! Typing of expressions: the dispatch over expression kinds, literals, lists and branch types, and
//! the small helpers the other expression files share.

use super::{Checker, Ctx};
use crate::ast::{Expr, ExprKind};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{TExpr, TKind};
use crate::span::Span;
use crate::types::Type;
use crate::value::{Money, Quantity, Value};
use rust_decimal::Decimal;

pub(super) fn texpr(kind: TKind, ty: Type, span: Span) -> TExpr {
    TExpr { kind, ty, span }
}

pub(super) fn err(span: Span) -> TExpr {
    texpr(TKind::Const(Value::Unknown), Type::Error, span)
}

/// The words for a type in messages.
pub(super) fn words(t: &Type) -> String {
    match t {
        Type::Bool => "a truth value".into(),
        Type::Number => "a number".into(),
        Type::Money { currency } => format!("money in {currency}"),
        Type::Date => "a date".into(),
        Type::Text => "text".into(),
        Type::Quantity { unit } => format!("a quantity in {unit}"),
        Type::List { of } => format!("a list of {of}"),
        Type::Members => "a set of members".into(),
        Type::Table { key, value } => format!("a table of {key} to {value}"),
        Type::Error => "an invalid value".into(),
    }
}

/// The amount of `e` when it is written as a number (`3000`, `-5`) or with a currency code after
/// it as if it were a unit (`3000 KES`), for help that shows it written as money; `…` otherwise.
pub(super) fn amount_written(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Number(n) | ExprKind::Quantity { amount: n, .. } => n.to_string(),
        ExprKind::Unary(crate::ast::UnaryOp::Neg, x) => match &x.kind {
            ExprKind::Number(n) | ExprKind::Quantity { amount: n, .. } => format!("-{n}"),
            _ => "…".into(),
        },
        _ => "…".into(),
    }
}

/// An amount written as money in `currency`, the minus sign first as the language writes it:
/// `KES 3000`, `-KES 5` (never `KES -5`, which reads as the name `KES` minus 5).
pub(super) fn money_written(currency: impl std::fmt::Display, number: &str) -> String {
    match number.strip_prefix('-') {
        Some(rest) => format!("-{currency} {rest}"),
        None => format!("{currency} {number}"),
    }
}

/// Whether a quantity's unit is a currency code: `3000 KES` was meant as money.
pub(super) fn unit_is_currency(ty: &Type) -> bool {
    match ty {
        Type::Quantity { unit } => crate::Currency::from_code(unit).is_some(),
        _ => false,
    }
}

impl Checker {
    /// `KES -50`: to the parser the name `KES` minus 50, but meant as a negative amount, which the
    /// language writes `-KES 50`. Reports E0217 and returns true when `e` is written so (and `KES`
    /// is not a name of the program).
    pub(crate) fn negative_money_written_backwards(&mut self, e: &Expr) -> bool {
        let ExprKind::Binary(crate::ast::BinaryOp::Sub, a, b) = &e.kind else {
            return false;
        };
        let (ExprKind::Name(code), ExprKind::Number(n)) = (&a.kind, &b.kind) else {
            return false;
        };
        if crate::Currency::from_code(&code.name).is_none()
            || self.unit_names.contains_key(&code.name)
            || self.member_names.contains_key(&code.name)
        {
            return false;
        }
        self.diags.push(
            Diagnostic::new(codes::NEGATIVE_MONEY_WRITTEN, e.span)
                .arg("money", format!("-{} {n}", code.name))
                .with_help("E0217.help"),
        );
        true
    }

    /// Types an expression.
    pub(crate) fn expr(&mut self, e: &Expr, ctx: Ctx) -> TExpr {
        let span = e.span;
        match &e.kind {
            ExprKind::Number(n) => texpr(TKind::Const(Value::Number(*n)), Type::Number, span),
            ExprKind::Percent(p) => {
                let v = p.checked_div(Decimal::ONE_HUNDRED).unwrap_or_default();
                texpr(TKind::Const(Value::Number(v)), Type::Number, span)
            }
            ExprKind::Money { currency, amount } => match self.currency_code(currency) {
                Some(c) => texpr(
                    TKind::Const(Value::Money(Money {
                        amount: *amount,
                        currency: c,
                    })),
                    Type::Money { currency: c },
                    span,
                ),
                None => err(span),
            },
            ExprKind::Quantity { amount, unit } => texpr(
                TKind::Const(Value::Quantity(Quantity {
                    amount: *amount,
                    unit: unit.name.clone(),
                })),
                Type::Quantity {
                    unit: unit.name.clone(),
                },
                span,
            ),
            ExprKind::Date(d) => texpr(TKind::Const(Value::Date(*d)), Type::Date, span),
            ExprKind::Text(t) => texpr(TKind::Const(Value::Text(t.clone())), Type::Text, span),
            ExprKind::Bool(b) => texpr(TKind::Const(Value::Bool(*b)), Type::Bool, span),
            ExprKind::Unknown => err(span),
            ExprKind::List(items) => self.list(items, span, ctx),
            ExprKind::Name(id) => self.name(id, ctx),
            ExprKind::Field { base, field } => self.field(base, field, ctx),
            ExprKind::Table(entries) => self.table(entries, span, ctx),
            ExprKind::Records { .. } => {
                self.diags.push(
                    Diagnostic::new(codes::TYPE_MISMATCH, span)
                        .arg("expected", "a value")
                        .arg("found", "a set of records (use it inside `count`, `sum`, `avg`, `min`, `max`, `any`, `all`, `latest` or `earliest`)"),
                );
                err(span)
            }
            ExprKind::Members(_) => {
                self.diags.push(
                    Diagnostic::new(codes::TYPE_MISMATCH, span)
                        .arg("expected", "a value")
                        .arg("found", "a set of members (use it inside `count`, `sum`, `avg`, `min`, `max`, `any` or `all`)"),
                );
                err(span)
            }
            ExprKind::Unary(op, x) => self.unary(*op, x, span, ctx),
            ExprKind::Binary(..) if self.negative_money_written_backwards(e) => err(span),
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, span, ctx),
            ExprKind::In {
                value,
                list,
                negated,
            } => self.in_list(value, list, *negated, span, ctx),
            ExprKind::If(c, a, b) => {
                let c = self.condition(c, ctx);
                let a = self.expr(a, ctx);
                let b_t = self.expr(b, ctx);
                let ty = self.unify(&a.ty, &b_t.ty, b.span, "the `else` branch");
                texpr(TKind::If(Box::new(c), Box::new(a), Box::new(b_t)), ty, span)
            }
            ExprKind::Call(name, args) => self.call(name, args, span, ctx),
        }
    }

    /// The common type of two branches or list elements, reporting a mismatch.
    pub(super) fn unify(&mut self, a: &Type, b: &Type, span: Span, what: &str) -> Type {
        if a.is_error() {
            return b.clone();
        }
        if b.is_error() || a == b {
            return a.clone();
        }
        if let (Type::List { of: x }, Type::List { of: y }) = (a, b) {
            if x.is_error() {
                return b.clone();
            }
            if y.is_error() {
                return a.clone();
            }
        }
        let _ = what;
        match (a, b) {
            (Type::Money { currency: x }, Type::Money { currency: y }) => self.diags.push(
                Diagnostic::new(codes::MIXED_CURRENCIES, span)
                    .arg("left", x)
                    .arg("right", y)
                    .with_help("E0202.help"),
            ),
            (Type::Quantity { unit: x }, Type::Quantity { unit: y }) => self.diags.push(
                Diagnostic::new(codes::MIXED_UNITS, span)
                    .arg("left", x)
                    .arg("right", y),
            ),
            _ => self.diags.push(
                Diagnostic::new(codes::TYPE_MISMATCH, span)
                    .arg("expected", words(a))
                    .arg("found", words(b)),
            ),
        }
        Type::Error
    }

    fn list(&mut self, items: &[Expr], span: Span, ctx: Ctx) -> TExpr {
        let mut elem = Type::Error;
        let mut typed = Vec::with_capacity(items.len());
        let mut all_const = true;
        for (i, item) in items.iter().enumerate() {
            let t = self.expr(item, ctx);
            if i == 0 || elem.is_error() {
                elem = t.ty.clone();
            } else if !t.ty.is_error() && t.ty != elem {
                self.diags.push(
                    Diagnostic::new(codes::MIXED_LIST, item.span)
                        .arg("found", words(&t.ty))
                        .arg("expected", words(&elem)),
                );
            }
            all_const &= matches!(t.kind, TKind::Const(_));
            typed.push(t);
        }
        let ty = Type::List { of: Box::new(elem) };
        if all_const {
            let values = typed
                .into_iter()
                .filter_map(|t| {
                    if let TKind::Const(v) = t.kind {
                        Some(v)
                    } else {
                        None
                    }
                })
                .collect();
            return texpr(TKind::Const(Value::List(values)), ty, span);
        }
        // Lists of computed values are not needed by any rule written so far; keep the language small.
        self.diags
            .push(Diagnostic::new(codes::NOT_CONSTANT, span).with_help("E0212.help"));
        err(span)
    }
}
