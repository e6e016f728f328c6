//! Typing of operators: `not` and negation, `and`/`or`, comparisons, arithmetic on numbers, money
//! and quantities, and `in` lists.

use super::exprs::{amount_written, err, money_written, texpr, unit_is_currency, words};
use super::{Checker, Ctx};
use crate::ast::{BinaryOp, Expr, UnaryOp};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{ArithOp, CmpOp, TExpr, TKind};
use crate::span::Span;
use crate::types::Type;
use crate::value::{Money, Quantity, Value};

impl Checker {
    pub(super) fn unary(&mut self, op: UnaryOp, x: &Expr, span: Span, ctx: Ctx) -> TExpr {
        match op {
            UnaryOp::Not => {
                let t = self.condition(x, ctx);
                texpr(TKind::Not(Box::new(t)), Type::Bool, span)
            }
            UnaryOp::Neg => {
                let t = self.expr(x, ctx);
                if !t.ty.is_numeric() && !t.ty.is_error() {
                    self.diags.push(
                        Diagnostic::new(codes::INVALID_OPERANDS, span)
                            .arg("op", "-")
                            .arg("left", words(&t.ty))
                            .arg("right", "nothing"),
                    );
                    return err(span);
                }
                // Fold negative literals so `-5` stays a constant (parameter values, test data).
                if let TKind::Const(v) = &t.kind {
                    let folded = match v {
                        Value::Number(n) => Some(Value::Number(-*n)),
                        Value::Money(m) => Some(Value::Money(Money {
                            amount: -m.amount,
                            currency: m.currency,
                        })),
                        Value::Quantity(q) => Some(Value::Quantity(Quantity {
                            amount: -q.amount,
                            unit: q.unit.clone(),
                        })),
                        _ => None,
                    };
                    if let Some(v) = folded {
                        return texpr(TKind::Const(v), t.ty, span);
                    }
                }
                let ty = t.ty.clone();
                texpr(TKind::Neg(Box::new(t)), ty, span)
            }
        }
    }

    pub(super) fn binary(
        &mut self,
        op: BinaryOp,
        a: &Expr,
        b: &Expr,
        span: Span,
        ctx: Ctx,
    ) -> TExpr {
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let l = self.condition(a, ctx);
                let r = self.condition(b, ctx);
                let kind = if op == BinaryOp::And {
                    TKind::And(Box::new(l), Box::new(r))
                } else {
                    TKind::Or(Box::new(l), Box::new(r))
                };
                texpr(kind, Type::Bool, span)
            }
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => {
                let l = self.expr(a, ctx);
                let r = self.expr(b, ctx);
                let cmp = match op {
                    BinaryOp::Eq => CmpOp::Eq,
                    BinaryOp::Ne => CmpOp::Ne,
                    BinaryOp::Lt => CmpOp::Lt,
                    BinaryOp::Le => CmpOp::Le,
                    BinaryOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                self.check_comparable(op, (&l.ty, a), (&r.ty, b), span);
                texpr(
                    TKind::Compare(cmp, Box::new(l), Box::new(r)),
                    Type::Bool,
                    span,
                )
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
                let l = self.expr(a, ctx);
                let r = self.expr(b, ctx);
                let ty = self.arith_type(op, (&l.ty, a), (&r.ty, b), span, &r);
                let aop = match op {
                    BinaryOp::Add => ArithOp::Add,
                    BinaryOp::Sub => ArithOp::Sub,
                    BinaryOp::Mul => ArithOp::Mul,
                    BinaryOp::Div => ArithOp::Div,
                    _ => ArithOp::Mod,
                };
                texpr(TKind::Arith(aop, Box::new(l), Box::new(r)), ty, span)
            }
        }
    }

    /// `3000 KES` where money in `currency` is meant: a type mismatch at the quantity, with the
    /// amount written as money for help.
    fn currency_as_unit(&mut self, currency: crate::Currency, q: &Type, quantity: &Expr) {
        self.diags.push(
            Diagnostic::new(codes::TYPE_MISMATCH, quantity.span)
                .arg("expected", format!("money in {currency}"))
                .arg("found", words(q))
                .arg("currency", currency)
                .arg("money", money_written(currency, &amount_written(quantity)))
                .with_help("E0201.help.money_first"),
        );
    }

    /// Reports what keeps `l op r` from being a comparison; each side comes with its expression as
    /// written, for help that rewrites it.
    fn check_comparable(
        &mut self,
        op: BinaryOp,
        (l, a): (&Type, &Expr),
        (r, b): (&Type, &Expr),
        span: Span,
    ) {
        if l.is_error() || r.is_error() {
            return;
        }
        let rspan = b.span;
        let ordering = !matches!(op, BinaryOp::Eq | BinaryOp::Ne);
        match (l, r) {
            (Type::Money { currency: x }, Type::Money { currency: y }) if x != y => {
                self.diags.push(
                    Diagnostic::new(codes::MIXED_CURRENCIES, span)
                        .arg("left", x)
                        .arg("right", y)
                        .with_help("E0202.help"),
                );
            }
            (Type::Money { currency }, Type::Number) | (Type::Number, Type::Money { currency }) => {
                // The caret goes under the number, on whichever side it is.
                let number = if matches!(r, Type::Number) { b } else { a };
                self.diags.push(
                    Diagnostic::new(codes::MONEY_AND_NUMBER, number.span)
                        .arg("action", "compared")
                        .arg("currency", currency)
                        .arg("money", money_written(currency, &amount_written(number)))
                        .with_help("E0203.help"),
                );
            }
            (Type::Money { currency }, q) | (q, Type::Money { currency })
                if unit_is_currency(q) =>
            {
                let quantity = if unit_is_currency(r) { b } else { a };
                self.currency_as_unit(*currency, q, quantity);
            }
            (Type::Quantity { unit: x }, Type::Quantity { unit: y }) if x != y => {
                self.diags.push(
                    Diagnostic::new(codes::MIXED_UNITS, span)
                        .arg("left", x)
                        .arg("right", y),
                );
            }
            (a, b) if a != b => {
                self.diags.push(
                    Diagnostic::new(codes::TYPE_MISMATCH, rspan)
                        .arg("expected", words(a))
                        .arg("found", words(b)),
                );
            }
            (Type::Bool | Type::Text | Type::List { .. }, _) if ordering => {
                self.diags.push(
                    Diagnostic::new(codes::INVALID_OPERANDS, span)
                        .arg("op", op.symbol())
                        .arg("left", words(l))
                        .arg("right", words(r)),
                );
            }
            (Type::List { .. }, _) => {
                self.diags.push(
                    Diagnostic::new(codes::INVALID_OPERANDS, span)
                        .arg("op", op.symbol())
                        .arg("left", words(l))
                        .arg("right", words(r)),
                );
            }
            _ => {}
        }
    }

    /// The type of `l op r`, or an error reported; each side comes with its expression as written.
    fn arith_type(
        &mut self,
        op: BinaryOp,
        (l, a): (&Type, &Expr),
        (r, b): (&Type, &Expr),
        span: Span,
        rhs: &TExpr,
    ) -> Type {
        if l.is_error() || r.is_error() {
            return Type::Error;
        }
        if matches!(op, BinaryOp::Div | BinaryOp::Mod) && is_zero(rhs) {
            self.diags
                .push(Diagnostic::new(codes::DIVISION_BY_ZERO, rhs.span));
            return Type::Error;
        }
        let invalid = |this: &mut Checker| {
            this.diags.push(
                Diagnostic::new(codes::INVALID_OPERANDS, span)
                    .arg("op", op.symbol())
                    .arg("left", words(l))
                    .arg("right", words(r)),
            );
            Type::Error
        };
        if matches!(l, Type::Date) || matches!(r, Type::Date) {
            self.diags.push(
                Diagnostic::new(codes::DATE_ARITHMETIC, span)
                    .arg("left", words(l))
                    .arg("op", op.symbol())
                    .arg("right", words(r))
                    .with_help("E0204.help"),
            );
            return Type::Error;
        }
        match (op, l, r) {
            (_, Type::Number, Type::Number) => Type::Number,
            (
                BinaryOp::Add | BinaryOp::Sub,
                Type::Money { currency: x },
                Type::Money { currency: y },
            ) => {
                if x == y {
                    l.clone()
                } else {
                    self.diags.push(
                        Diagnostic::new(codes::MIXED_CURRENCIES, span)
                            .arg("left", x)
                            .arg("right", y)
                            .with_help("E0202.help"),
                    );
                    Type::Error
                }
            }
            (BinaryOp::Add | BinaryOp::Sub, Type::Money { currency }, Type::Number)
            | (BinaryOp::Add | BinaryOp::Sub, Type::Number, Type::Money { currency }) => {
                let number = if matches!(r, Type::Number) { b } else { a };
                self.diags.push(
                    Diagnostic::new(codes::MONEY_AND_NUMBER, span)
                        .arg(
                            "action",
                            if op == BinaryOp::Add {
                                "added"
                            } else {
                                "subtracted"
                            },
                        )
                        .arg("currency", currency)
                        .arg("money", money_written(currency, &amount_written(number)))
                        .with_help("E0203.help"),
                );
                Type::Error
            }
            (BinaryOp::Add | BinaryOp::Sub, Type::Money { currency }, q)
            | (BinaryOp::Add | BinaryOp::Sub, q, Type::Money { currency })
                if unit_is_currency(q) =>
            {
                let quantity = if unit_is_currency(r) { b } else { a };
                self.currency_as_unit(*currency, q, quantity);
                Type::Error
            }
            (
                BinaryOp::Add | BinaryOp::Sub,
                Type::Quantity { unit: x },
                Type::Quantity { unit: y },
            ) => {
                if x == y {
                    l.clone()
                } else {
                    self.diags.push(
                        Diagnostic::new(codes::MIXED_UNITS, span)
                            .arg("left", x)
                            .arg("right", y),
                    );
                    Type::Error
                }
            }
            (BinaryOp::Mul, Type::Money { .. } | Type::Quantity { .. }, Type::Number) => l.clone(),
            (BinaryOp::Mul, Type::Number, Type::Money { .. } | Type::Quantity { .. }) => r.clone(),
            (BinaryOp::Div, Type::Money { .. } | Type::Quantity { .. }, Type::Number) => l.clone(),
            (BinaryOp::Div, Type::Money { currency: x }, Type::Money { currency: y }) => {
                if x == y {
                    Type::Number
                } else {
                    self.diags.push(
                        Diagnostic::new(codes::MIXED_CURRENCIES, span)
                            .arg("left", x)
                            .arg("right", y)
                            .with_help("E0202.help"),
                    );
                    Type::Error
                }
            }
            (BinaryOp::Div, Type::Quantity { unit: x }, Type::Quantity { unit: y }) => {
                if x == y {
                    Type::Number
                } else {
                    self.diags.push(
                        Diagnostic::new(codes::MIXED_UNITS, span)
                            .arg("left", x)
                            .arg("right", y),
                    );
                    Type::Error
                }
            }
            _ => invalid(self),
        }
    }

    pub(super) fn in_list(
        &mut self,
        value: &Expr,
        list: &Expr,
        negated: bool,
        span: Span,
        ctx: Ctx,
    ) -> TExpr {
        let v = self.expr(value, ctx);
        let l = self.expr(list, ctx);
        match &l.ty {
            Type::List { of } => {
                if !of.is_error() && !v.ty.is_error() && **of != v.ty {
                    self.diags.push(
                        Diagnostic::new(codes::TYPE_MISMATCH, value.span)
                            .arg("expected", words(of))
                            .arg("found", words(&v.ty)),
                    );
                }
            }
            Type::Error => {}
            other => {
                self.diags.push(
                    Diagnostic::new(codes::TYPE_MISMATCH, list.span)
                        .arg("expected", "a list")
                        .arg("found", words(other)),
                );
            }
        }
        texpr(
            TKind::In {
                value: Box::new(v),
                list: Box::new(l),
                negated,
            },
            Type::Bool,
            span,
        )
    }
}

fn is_zero(e: &TExpr) -> bool {
    match &e.kind {
        TKind::Const(Value::Number(n)) => n.is_zero(),
        TKind::Const(Value::Money(m)) => m.amount.is_zero(),
        TKind::Const(Value::Quantity(q)) => q.amount.is_zero(),
        _ => false,
    }
}
