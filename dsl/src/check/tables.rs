//! Tables (`["thatch": 0, "iron": 5]`), and the functions added for scoring models, code lists and
//! host functions: `lookup`, `band`, `power`, `is_code`, and calls of declared host functions.

use super::scores::normalize_code;
use super::{Checker, Ctx};
use crate::ast::{self, Expr, ExprKind};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{Builtin, TExpr, TKind};
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;
use rust_decimal::Decimal;

fn texpr(kind: TKind, ty: Type, span: Span) -> TExpr {
    TExpr { kind, ty, span }
}

fn err(span: Span) -> TExpr {
    texpr(TKind::Const(Value::Unknown), Type::Error, span)
}

/// The comparable key of a band bound.
fn band_key(v: &Value) -> Option<BandKey> {
    match v {
        Value::Number(n) => Some(BandKey::Dec(*n)),
        Value::Money(m) => Some(BandKey::Dec(m.amount)),
        Value::Quantity(q) => Some(BandKey::Dec(q.amount)),
        Value::Date(d) => Some(BandKey::Date(*d)),
        _ => None,
    }
}

#[derive(PartialEq, PartialOrd)]
enum BandKey {
    Dec(Decimal),
    Date(chrono::NaiveDate),
}

impl Checker {
    /// A table literal: constant keys of one type, constant values of one type, no key twice.
    pub(crate) fn table(&mut self, entries: &[(Expr, Expr)], span: Span, ctx: Ctx) -> TExpr {
        let mut key_ty = Type::Error;
        let mut value_ty = Type::Error;
        let mut pairs: Vec<Value> = Vec::with_capacity(entries.len());
        let mut all_const = true;
        for (i, (k, v)) in entries.iter().enumerate() {
            let kt = self.expr(k, ctx);
            let vt = self.expr(v, ctx);
            if i == 0 {
                key_ty = kt.ty.clone();
                value_ty = vt.ty.clone();
            } else {
                key_ty = self.unify_types(&key_ty, &kt.ty, k.span);
                value_ty = self.unify_types(&value_ty, &vt.ty, v.span);
            }
            if matches!(kt.ty, Type::List { .. } | Type::Table { .. }) {
                self.diags.push(
                    Diagnostic::new(codes::TYPE_MISMATCH, k.span)
                        .arg("expected", "a text, number, amount or date")
                        .arg("found", &kt.ty),
                );
            }
            match (kt.kind, vt.kind) {
                (TKind::Const(kv), TKind::Const(vv)) => {
                    if pairs
                        .iter()
                        .any(|p| matches!(p, Value::List(kv2) if kv2.first() == Some(&kv)))
                    {
                        let shown = match &kv {
                            Value::Text(t) => format!("{t:?}"),
                            other => format!("`{other}`"),
                        };
                        self.diags
                            .push(Diagnostic::new(codes::DUPLICATE_KEY, k.span).arg("key", shown));
                    }
                    pairs.push(Value::List(vec![kv, vv]));
                }
                _ => all_const = false,
            }
        }
        if !all_const {
            // Like lists, tables are constants: parameters, or written in place.
            self.diags
                .push(Diagnostic::new(codes::NOT_CONSTANT, span).with_help("E0212.help"));
            return err(span);
        }
        texpr(
            TKind::Const(Value::List(pairs)),
            Type::Table {
                key: Box::new(key_ty),
                value: Box::new(value_ty),
            },
            span,
        )
    }

    fn unify_types(&mut self, a: &Type, b: &Type, span: Span) -> Type {
        if a.is_error() {
            return b.clone();
        }
        if b.is_error() || a == b {
            return a.clone();
        }
        self.diags.push(
            Diagnostic::new(codes::MIXED_LIST, span)
                .arg("found", b)
                .arg("expected", a),
        );
        Type::Error
    }

    /// `lookup`, `band`, `power`, `is_code` and host functions; `None` when `name` is none of them.
    pub(crate) fn extension_call(
        &mut self,
        name: &ast::Ident,
        args: &[Expr],
        span: Span,
        ctx: Ctx,
    ) -> Option<TExpr> {
        let n = name.name.as_str();
        if let Some(f) = self.function_index.get(n).copied() {
            return Some(self.host_call(f, name, args, span, ctx));
        }
        if !matches!(n, "lookup" | "band" | "power" | "is_code") {
            return None;
        }
        if n == "is_code" {
            return Some(self.is_code(name, args, span, ctx));
        }
        let typed: Vec<TExpr> = args.iter().map(|a| self.expr(a, ctx)).collect();
        let t = |i: usize| typed.get(i).map(|x| x.ty.clone()).unwrap_or(Type::Error);
        let sp = |i: usize| args.get(i).map(|a| a.span).unwrap_or(span);
        let (builtin, ty) = match n {
            "lookup" => {
                if !self.arity_ok(name, args, "2 or 3", args.len() == 2 || args.len() == 3) {
                    return Some(err(span));
                }
                let Type::Table { key, value } = t(0) else {
                    if !t(0).is_error() {
                        self.bad_arg(n, 1, sp(0), "a table", &t(0));
                    }
                    return Some(err(span));
                };
                if !t(1).is_error() && !key.is_error() && t(1) != *key {
                    self.bad_arg(n, 2, sp(1), &format!("{key}"), &t(1));
                }
                if args.len() == 3 && !t(2).is_error() && !value.is_error() && t(2) != *value {
                    self.bad_arg(n, 3, sp(2), &format!("{value}"), &t(2));
                }
                (Builtin::Lookup, *value)
            }
            "band" => {
                if !self.arity_ok(name, args, "2", args.len() == 2) {
                    return Some(err(span));
                }
                let Type::Table { key, value } = t(1) else {
                    if !t(1).is_error() {
                        self.bad_arg(n, 2, sp(1), "a table of bands", &t(1));
                    }
                    return Some(err(span));
                };
                if !key.is_error() && !key.is_numeric() && *key != Type::Date {
                    self.bad_arg(
                        n,
                        2,
                        sp(1),
                        "a table whose keys are numbers, amounts or dates",
                        &t(1),
                    );
                } else if !t(0).is_error() && !key.is_error() && t(0) != *key {
                    self.bad_arg(n, 1, sp(0), &format!("{key}"), &t(0));
                }
                if let Some(table) = typed.get(1) {
                    self.check_bands(table, sp(1));
                }
                (Builtin::Band, *value)
            }
            _ => {
                if !self.arity_ok(name, args, "2", args.len() == 2) {
                    return Some(err(span));
                }
                for i in 0..2 {
                    if !t(i).is_error() && t(i) != Type::Number {
                        self.bad_arg(n, i + 1, sp(i), "a number", &t(i));
                    }
                }
                if let Some(TKind::Const(Value::Number(e))) = typed.get(1).map(|x| &x.kind) {
                    if !e.fract().is_zero() || e.abs() > Decimal::from(64) {
                        self.diags.push(
                            Diagnostic::new(codes::BAD_ARGUMENT, sp(1))
                                .arg("name", n)
                                .arg("expected", "a whole number from -64 to 64")
                                .arg("position", 2)
                                .arg("found", e.to_string()),
                        );
                    }
                }
                (Builtin::Power, Type::Number)
            }
        };
        Some(texpr(TKind::Call(builtin, typed), ty, span))
    }

    /// The bands of a constant table (or of every value of a table parameter) must ascend.
    fn check_bands(&mut self, table: &TExpr, span: Span) {
        let values: Vec<Value> = match &table.kind {
            TKind::Const(v) => vec![v.clone()],
            TKind::Param(i) => self
                .params
                .get(*i)
                .map(|p| p.values.iter().map(|v| v.value.clone()).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        for v in values {
            let Value::List(pairs) = v else { continue };
            let keys: Vec<Option<BandKey>> = pairs
                .iter()
                .map(|p| {
                    if let Value::List(kv) = p {
                        kv.first().and_then(band_key)
                    } else {
                        None
                    }
                })
                .collect();
            if keys
                .windows(2)
                .any(|w| matches!(w, [Some(a), Some(b)] if a >= b))
            {
                self.diags.push(
                    Diagnostic::new(codes::BANDS_NOT_ASCENDING, span).with_help("E0312.help"),
                );
                return;
            }
        }
    }

    /// `is_code(x, list.entry)` or `is_code(x, list)`.
    fn is_code(&mut self, name: &ast::Ident, args: &[Expr], span: Span, ctx: Ctx) -> TExpr {
        if !self.arity_ok(name, args, "2", args.len() == 2) {
            return err(span);
        }
        let value = match args.first() {
            Some(a) => self.expr(a, ctx),
            None => return err(span),
        };
        if !value.ty.is_error() && value.ty != Type::Text {
            self.bad_arg("is_code", 1, value.span, "text", &value.ty);
        }
        let Some(which) = args.get(1) else {
            return err(span);
        };
        let (list, entry) = match &which.kind {
            ExprKind::Name(id) => (id, None),
            ExprKind::Field { base, field } => (base, Some(field)),
            _ => {
                self.diags.push(
                    Diagnostic::new(codes::BAD_ARGUMENT, which.span)
                        .arg("name", "is_code")
                        .arg(
                            "expected",
                            "a code list or one of its entries (`genders.female`)",
                        )
                        .arg("position", 2)
                        .arg("found", "another expression"),
                );
                return err(span);
            }
        };
        let Some(cl) = self
            .code_index
            .get(&list.name)
            .and_then(|i| self.codes.get(*i))
            .cloned()
        else {
            let names: Vec<String> = self.code_index.keys().cloned().collect();
            self.unknown_among(list, names.iter().map(String::as_str).collect());
            return err(span);
        };
        let codes: Vec<Value> = match entry {
            None => cl
                .entries
                .iter()
                .flat_map(|e| e.codes.iter())
                .map(|c| Value::Text(normalize_code(c)))
                .collect(),
            Some(field) => match cl.entries.iter().find(|e| e.name == field.name) {
                Some(e) => e
                    .codes
                    .iter()
                    .map(|c| Value::Text(normalize_code(c)))
                    .collect(),
                None => {
                    self.unknown_among(field, cl.entries.iter().map(|e| e.name.as_str()).collect());
                    return err(span);
                }
            },
        };
        let list_ty = Type::List {
            of: Box::new(Type::Text),
        };
        let codes = texpr(TKind::Const(Value::List(codes)), list_ty, which.span);
        texpr(
            TKind::Call(Builtin::IsCode, vec![value, codes]),
            Type::Bool,
            span,
        )
    }

    /// A call of a host function: its arguments must be the inputs it is declared with.
    fn host_call(
        &mut self,
        f: usize,
        name: &ast::Ident,
        args: &[Expr],
        span: Span,
        ctx: Ctx,
    ) -> TExpr {
        let Some(func) = self.functions.get(f).cloned() else {
            return err(span);
        };
        let expected = func.args.join(", ");
        if !self.arity_ok(
            name,
            args,
            &func.args.len().to_string(),
            args.len() == func.args.len(),
        ) {
            return err(span);
        }
        for (i, (a, want)) in args.iter().zip(&func.args).enumerate() {
            let given = match &a.kind {
                ExprKind::Name(id) => Some(id.name.as_str()),
                ExprKind::Field { base, field }
                    if matches!(base.name.as_str(), "household" | "person" | "member") =>
                {
                    Some(field.name.as_str())
                }
                _ => None,
            };
            if given != Some(want.as_str()) {
                self.diags.push(
                    Diagnostic::new(codes::BAD_ARGUMENT, a.span)
                        .arg("name", &name.name)
                        .arg(
                            "expected",
                            format!("`{want}` (it is computed by the host from {expected})"),
                        )
                        .arg("position", i + 1)
                        .arg("found", "another expression"),
                );
                return err(span);
            }
        }
        let input = ast::Ident {
            name: func.name.clone(),
            span: name.span,
        };
        let mut t = self.expr(
            &Expr {
                kind: ExprKind::Name(input),
                span: name.span,
            },
            ctx,
        );
        t.span = span;
        t
    }

    fn arity_ok(&mut self, name: &ast::Ident, args: &[Expr], expected: &str, ok: bool) -> bool {
        if !ok {
            self.diags.push(super::calls::wrong_argument_count(
                &name.name,
                expected,
                args.len(),
                name.span,
            ));
        }
        ok
    }

    fn bad_arg(&mut self, name: &str, position: usize, span: Span, expected: &str, found: &Type) {
        self.diags.push(
            Diagnostic::new(codes::BAD_ARGUMENT, span)
                .arg("name", name)
                .arg("expected", expected)
                .arg("position", position)
                .arg("found", found),
        );
    }
}
