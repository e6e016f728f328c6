//! Typing of expressions: name resolution, operators, functions and aggregates.

use super::suggest::closest;
use super::{Checker, Ctx, Def};
use crate::ast::{self, BinaryOp, Expr, ExprKind, RoundingMode, Scope, Target, UnaryOp};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{Aggregate, ArithOp, Builtin, CmpOp, MemberField, Ref, TExpr, TKind};
use crate::span::Span;
use crate::types::Type;
use crate::value::{Money, Quantity, Value};
use rust_decimal::Decimal;

fn texpr(kind: TKind, ty: Type, span: Span) -> TExpr {
    TExpr { kind, ty, span }
}

fn err(span: Span) -> TExpr {
    texpr(TKind::Const(Value::Unknown), Type::Error, span)
}

/// The words for a type in messages.
fn words(t: &Type) -> String {
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
    fn unify(&mut self, a: &Type, b: &Type, span: Span, what: &str) -> Type {
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

    fn visible_names(&self, ctx: Ctx) -> Vec<String> {
        let mut v: Vec<String> = self.unit_names.keys().cloned().collect();
        if ctx.member {
            v.extend(self.member_names.keys().cloned());
            v.extend(["kind", "is_head", "start_date", "end_date"].map(String::from));
        }
        if let Some(set) = ctx.records {
            v.extend(
                self.record_fields
                    .get(set)
                    .map(|m| m.keys().cloned().collect::<Vec<_>>())
                    .unwrap_or_default(),
            );
        }
        v.push("as_of_date".into());
        if ctx.fee {
            v.push("cash_total".into());
        }
        v.sort();
        v
    }

    fn unknown_name(&mut self, id: &ast::Ident, ctx: Ctx) -> TExpr {
        if self.broken_names.contains(&id.name) {
            // Its declaration has a syntax error already reported.
            return err(id.span);
        }
        let names = self.visible_names(ctx);
        let mut d = Diagnostic::new(codes::UNKNOWN_NAME, id.span).arg("name", &id.name);
        if let Some(s) = closest(&id.name, names.iter().map(String::as_str)) {
            d = d.arg("suggestion", s).with_help("E0101.help");
        } else {
            d = d.with_help("E0101.help.declare");
        }
        self.diags.push(d);
        err(id.span)
    }

    fn use_def(&mut self, def: Def, span: Span, ctx: Ctx) -> TExpr {
        match def {
            Def::UnitInput(i) | Def::MemberInput(i) => {
                let ty = match self.inputs.get_mut(i) {
                    Some(input) => {
                        input.used = true;
                        input.ty.clone()
                    }
                    None => Type::Error,
                };
                if matches!(def, Def::UnitInput(_)) && !ctx.member {
                    self.refs.push(Ref::Input(i));
                }
                texpr(TKind::Input(i), ty, span)
            }
            Def::Param(i) => {
                if let Some(u) = self.used_params.get_mut(i) {
                    *u = true;
                }
                if !ctx.member {
                    self.refs.push(Ref::Param(i));
                }
                let ty = self
                    .params
                    .get(i)
                    .map(|p| p.ty.clone())
                    .unwrap_or(Type::Error);
                texpr(TKind::Param(i), ty, span)
            }
            Def::Let(i) => {
                if let Some(u) = self.used_lets.get_mut(i) {
                    *u = true;
                }
                let pos = self.let_pos.get(i).copied().unwrap_or(usize::MAX);
                let (ty, per_member) = self
                    .lets
                    .get(i)
                    .map(|l| (l.ty.clone(), l.per_member))
                    .unwrap_or((Type::Error, false));
                if !per_member && !ctx.member {
                    self.refs.push(Ref::Let(pos));
                }
                texpr(TKind::Let(pos), ty, span)
            }
        }
    }

    fn member_builtin(name: &str) -> Option<(MemberField, Type)> {
        match name {
            "kind" => Some((MemberField::Kind, Type::Text)),
            "is_head" => Some((MemberField::IsHead, Type::Bool)),
            "start_date" => Some((MemberField::StartDate, Type::Date)),
            "end_date" => Some((MemberField::EndDate, Type::Date)),
            _ => None,
        }
    }

    fn name(&mut self, id: &ast::Ident, ctx: Ctx) -> TExpr {
        let n = id.name.as_str();
        if let Some(set) = ctx.records {
            if let Some(t) = self.record_field(set, n, id.span) {
                return t;
            }
        }
        if !self.unit_names.contains_key(n) && !self.member_names.contains_key(n) {
            if self.record_field_outside(id, ctx) {
                return err(id.span);
            }
            if self.record_index.contains_key(n) || self.code_index.contains_key(n) {
                let what = if self.record_index.contains_key(n) {
                    "a record collection (use it inside an aggregate)"
                } else {
                    "a code list (use it in `is_code`)"
                };
                self.diags.push(
                    Diagnostic::new(codes::TYPE_MISMATCH, id.span)
                        .arg("expected", "a value")
                        .arg("found", what),
                );
                return err(id.span);
            }
        }
        if ctx.member {
            if let Some(def) = self.member_names.get(n).copied() {
                if matches!(def, Def::MemberInput(_))
                    && matches!(self.unit_names.get(n), Some(Def::UnitInput(_)))
                {
                    self.diags.push(
                        Diagnostic::new(codes::AMBIGUOUS_NAME, id.span)
                            .arg("name", n)
                            .with_help("E0104.help"),
                    );
                    return err(id.span);
                }
                return self.use_def(def, id.span, ctx);
            }
            if let Some((f, ty)) = Self::member_builtin(n) {
                return texpr(TKind::Member(f), ty, id.span);
            }
        } else if self.member_names.contains_key(n) && !self.unit_names.contains_key(n)
            || Self::member_builtin(n).is_some()
        {
            if self.target == Target::Individual {
                return self.unknown_name(id, ctx);
            }
            self.diags.push(
                Diagnostic::new(codes::MEMBER_NAME_OUTSIDE_MEMBERS, id.span)
                    .arg("name", n)
                    .with_help("E0105.help"),
            );
            return err(id.span);
        }
        if let Some(def) = self.unit_names.get(n).copied() {
            return self.use_def(def, id.span, ctx);
        }
        match n {
            "as_of_date" => texpr(TKind::AsOf, Type::Date, id.span),
            "cash_total" if ctx.fee => {
                let ty = self.money(id.span);
                texpr(TKind::CashTotal, ty, id.span)
            }
            _ => self.unknown_name(id, ctx),
        }
    }

    fn field(&mut self, base: &ast::Ident, field: &ast::Ident, ctx: Ctx) -> TExpr {
        let span = base.span.to(field.span);
        let n = field.name.as_str();
        match base.name.as_str() {
            "household" | "person" => {
                let want = if base.name == "household" {
                    Scope::Household
                } else {
                    Scope::Person
                };
                if self.unit_scope() != want {
                    return self.wrong_target(base);
                }
                match self.unit_names.get(n).copied() {
                    Some(def @ Def::UnitInput(_)) => self.use_def(def, span, ctx),
                    _ => self.unknown_field(field, want),
                }
            }
            "member" => {
                if self.target == Target::Individual {
                    return self.wrong_target(base);
                }
                if !ctx.member {
                    self.diags.push(
                        Diagnostic::new(codes::MEMBER_NAME_OUTSIDE_MEMBERS, span)
                            .arg("name", n)
                            .with_help("E0105.help"),
                    );
                    return err(span);
                }
                if let Some(def) = self.member_names.get(n).copied() {
                    return self.use_def(def, span, ctx);
                }
                if let Some((f, ty)) = Self::member_builtin(n) {
                    return texpr(TKind::Member(f), ty, span);
                }
                self.unknown_field(field, Scope::Member)
            }
            "head" => {
                if self.target == Target::Individual {
                    return self.wrong_target(base);
                }
                match self.member_names.get(n).copied() {
                    Some(Def::MemberInput(i)) => {
                        let ty = match self.inputs.get_mut(i) {
                            Some(input) => {
                                input.used = true;
                                input.ty.clone()
                            }
                            None => Type::Error,
                        };
                        texpr(TKind::HeadInput(i), ty, span)
                    }
                    _ => self.unknown_field(field, Scope::Member),
                }
            }
            other => {
                let qualified = format!("{other}.{n}");
                if let Some(def @ Def::Let(_)) = self.unit_names.get(&qualified).copied() {
                    // A score's component: `pmt.roof`.
                    return self.use_def(def, span, ctx);
                }
                if let Some(set) = self.record_index.get(other).copied() {
                    if ctx.records == Some(set) {
                        if let Some(t) = self.record_field(set, n, span) {
                            return t;
                        }
                        let names: Vec<String> = self
                            .record_fields
                            .get(set)
                            .map(|m| m.keys().cloned().collect())
                            .unwrap_or_default();
                        self.unknown_among(field, names.iter().map(String::as_str).collect());
                        return err(span);
                    }
                    self.diags.push(
                        Diagnostic::new(codes::RECORD_FIELD_OUTSIDE_RECORDS, span)
                            .arg("name", n)
                            .arg("records", other)
                            .with_help("E0114.help"),
                    );
                    return err(span);
                }
                if self.code_index.contains_key(other) {
                    self.diags.push(
                        Diagnostic::new(codes::TYPE_MISMATCH, span)
                            .arg("expected", "a value")
                            .arg("found", "a code list entry (use it in `is_code`)"),
                    );
                    return err(span);
                }
                self.unknown_name(base, ctx)
            }
        }
    }

    fn wrong_target(&mut self, base: &ast::Ident) -> TExpr {
        if self.target == Target::Individual {
            self.diags.push(
                Diagnostic::new(codes::NO_MEMBERS_FOR_INDIVIDUALS, base.span)
                    .arg("name", &base.name),
            );
        } else {
            self.diags.push(
                Diagnostic::new(codes::SCOPE_NOT_FOR_TARGET, base.span)
                    .arg("scope", &base.name)
                    .arg("target", "households")
                    .with_help("E0110.help"),
            );
        }
        err(base.span)
    }

    fn unknown_field(&mut self, field: &ast::Ident, scope: Scope) -> TExpr {
        let names: Vec<String> = self
            .inputs
            .iter()
            .filter(|i| i.scope == scope)
            .map(|i| i.name.clone())
            .collect();
        let mut d = Diagnostic::new(codes::UNKNOWN_NAME, field.span).arg("name", &field.name);
        if let Some(s) = closest(&field.name, names.iter().map(String::as_str)) {
            d = d.arg("suggestion", s).with_help("E0101.help");
        } else {
            d = d.with_help("E0101.help.declare");
        }
        self.diags.push(d);
        err(field.span)
    }

    fn unary(&mut self, op: UnaryOp, x: &Expr, span: Span, ctx: Ctx) -> TExpr {
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

    fn binary(&mut self, op: BinaryOp, a: &Expr, b: &Expr, span: Span, ctx: Ctx) -> TExpr {
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
                self.check_comparable(op, &l.ty, &r.ty, span, b.span);
                texpr(
                    TKind::Compare(cmp, Box::new(l), Box::new(r)),
                    Type::Bool,
                    span,
                )
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
                let l = self.expr(a, ctx);
                let r = self.expr(b, ctx);
                let ty = self.arith_type(op, &l.ty, &r.ty, span, &r);
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

    fn check_comparable(&mut self, op: BinaryOp, l: &Type, r: &Type, span: Span, rspan: Span) {
        if l.is_error() || r.is_error() {
            return;
        }
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
                self.diags.push(
                    Diagnostic::new(codes::MONEY_AND_NUMBER, rspan)
                        .arg("action", "compared")
                        .arg("currency", currency)
                        .arg("number", "…")
                        .with_help("E0203.help"),
                );
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

    fn arith_type(&mut self, op: BinaryOp, l: &Type, r: &Type, span: Span, rhs: &TExpr) -> Type {
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
                        .arg("number", "…")
                        .with_help("E0203.help"),
                );
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

    fn in_list(&mut self, value: &Expr, list: &Expr, negated: bool, span: Span, ctx: Ctx) -> TExpr {
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

    fn arity(&mut self, name: &ast::Ident, args: &[Expr], expected: &str, ok: bool) -> bool {
        if !ok {
            self.diags.push(
                Diagnostic::new(codes::WRONG_ARGUMENT_COUNT, name.span)
                    .arg("name", &name.name)
                    .arg("expected", expected)
                    .arg("found", args.len()),
            );
        }
        ok
    }

    fn arg_type(&mut self, name: &str, position: usize, span: Span, expected: &str, found: &Type) {
        self.diags.push(
            Diagnostic::new(codes::BAD_ARGUMENT, span)
                .arg("name", name)
                .arg("expected", expected)
                .arg("position", position)
                .arg("found", words(found)),
        );
    }

    fn call(&mut self, name: &ast::Ident, args: &[Expr], span: Span, ctx: Ctx) -> TExpr {
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
            self.diags
                .push(Diagnostic::new(codes::NOT_CONSTANT, step_span).with_help("E0212.help"));
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

    fn aggregate(
        &mut self,
        func: Aggregate,
        name: &ast::Ident,
        args: &[Expr],
        span: Span,
        ctx: Ctx,
    ) -> TExpr {
        let set = args.first().and_then(|a| self.record_set_of(a));
        if set.is_none() && self.target == Target::Individual {
            self.diags.push(
                Diagnostic::new(codes::NO_MEMBERS_FOR_INDIVIDUALS, name.span)
                    .arg("name", &name.name),
            );
            return err(span);
        }
        if ctx.member || ctx.records.is_some() || self.in_aggregate {
            self.diags
                .push(Diagnostic::new(codes::NESTED_MEMBER_AGGREGATE, span));
            return err(span);
        }
        let (expected, ok) = match func {
            Aggregate::Count => ("1", args.len() == 1),
            Aggregate::Any => ("1 or 2", args.len() == 1 || args.len() == 2),
            Aggregate::Latest | Aggregate::Earliest => ("3", args.len() == 3),
            _ => ("2", args.len() == 2),
        };
        if !self.arity(name, args, expected, ok) {
            return err(span);
        }
        let filter: Option<&Expr> = match (args.first().map(|a| &a.kind), set) {
            (Some(ExprKind::Members(filter)), _)
                if !matches!(func, Aggregate::Latest | Aggregate::Earliest) =>
            {
                filter.as_deref()
            }
            (Some(ExprKind::Records { filter, .. }), Some(_)) => Some(filter),
            (Some(ExprKind::Name(_)), Some(_)) => None,
            _ => {
                let found = match args.first() {
                    Some(a) if matches!(a.kind, ExprKind::Members(_)) => Type::Members,
                    Some(a) => self.expr(a, ctx).ty,
                    None => Type::Error,
                };
                let what = if matches!(func, Aggregate::Latest | Aggregate::Earliest) {
                    "a record collection (`visits` or `visits where …`)"
                } else {
                    "`members`, `members where …`, or a record collection"
                };
                self.arg_type(
                    &name.name,
                    1,
                    args.first().map(|a| a.span).unwrap_or(span),
                    what,
                    &found,
                );
                return err(span);
            }
        };
        self.in_aggregate = true;
        let inner = match set {
            Some(_) => Ctx {
                member: false,
                fee: ctx.fee,
                records: set,
            },
            None => Ctx {
                member: true,
                fee: ctx.fee,
                records: None,
            },
        };
        let filter = filter.map(|f| Box::new(self.condition(f, inner)));
        let value = args.get(1).map(|v| {
            if matches!(func, Aggregate::Any | Aggregate::All) {
                self.condition(v, inner)
            } else {
                self.expr(v, inner)
            }
        });
        let by = args.get(2).map(|b| self.expr(b, inner));
        self.in_aggregate = false;
        let value_ty = value.as_ref().map(|v| v.ty.clone()).unwrap_or(Type::Error);
        let value_span = args.get(1).map(|a| a.span).unwrap_or(span);
        let ty = match func {
            Aggregate::Count => Type::Number,
            Aggregate::Any | Aggregate::All => Type::Bool,
            Aggregate::Sum | Aggregate::Avg => {
                if !value_ty.is_error() && !value_ty.is_numeric() {
                    self.arg_type(
                        &name.name,
                        2,
                        value_span,
                        "a number, amount or quantity",
                        &value_ty,
                    );
                    Type::Error
                } else {
                    value_ty
                }
            }
            Aggregate::Min | Aggregate::Max => {
                if !value_ty.is_error() && !value_ty.is_numeric() && value_ty != Type::Date {
                    self.arg_type(
                        &name.name,
                        2,
                        value_span,
                        "a number, amount, quantity or date",
                        &value_ty,
                    );
                    Type::Error
                } else {
                    value_ty
                }
            }
            Aggregate::Latest | Aggregate::Earliest => {
                let by_ty = by.as_ref().map(|b| b.ty.clone()).unwrap_or(Type::Error);
                if !by_ty.is_error() && !by_ty.is_numeric() && by_ty != Type::Date {
                    self.arg_type(
                        &name.name,
                        3,
                        args.get(2).map(|a| a.span).unwrap_or(span),
                        "a date, number, amount or quantity",
                        &by_ty,
                    );
                }
                value_ty
            }
        };
        let kind = match set {
            Some(set) => TKind::RecordAggregate {
                set,
                func,
                filter,
                value: value.map(Box::new),
                by: by.map(Box::new),
            },
            None => TKind::Aggregate {
                func,
                filter,
                value: value.map(Box::new),
            },
        };
        texpr(kind, ty, span)
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
