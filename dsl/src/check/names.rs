//! Name resolution in expressions: bare names, `household.`/`person.`/`member.`/`head.` fields,
//! score components and record fields, with the diagnostics for unknown or misplaced names.

use super::exprs::{err, texpr};
use super::suggest::closest;
use super::{Checker, Ctx, Def};
use crate::ast::{self, Scope, Target};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{MemberField, Ref, TExpr, TKind};
use crate::span::Span;
use crate::types::Type;

impl Checker {
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
        crate::sorting::sort(&mut v);
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

    pub(super) fn name(&mut self, id: &ast::Ident, ctx: Ctx) -> TExpr {
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

    pub(super) fn field(&mut self, base: &ast::Ident, field: &ast::Ident, ctx: Ctx) -> TExpr {
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
}
