//! Declarations and sections: inputs, params, lets, rules, entitlement.

use super::{Checker, Ctx, Def, LetInfo};
use crate::ast::{
    self, EntitlementEntry, ExprKind, Item, ItemKind, LimitKind, ProgramFile, Scope, Target,
};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{self, TExpr, TKind};
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;
use std::collections::{HashMap, HashSet};

impl Checker {
    /// Resolves a written type.
    pub(crate) fn resolve_type(&mut self, t: &ast::TypeExpr) -> Type {
        match t {
            ast::TypeExpr::Bool(_) => Type::Bool,
            ast::TypeExpr::Number(_) => Type::Number,
            ast::TypeExpr::Date(_) => Type::Date,
            ast::TypeExpr::Text(_) => Type::Text,
            ast::TypeExpr::Money(None, span) => self.money(*span),
            ast::TypeExpr::Money(Some(code), _) => match self.currency_code(code) {
                Some(currency) => Type::Money { currency },
                None => Type::Error,
            },
            ast::TypeExpr::Quantity(unit, _) => Type::Quantity {
                unit: unit.name.clone(),
            },
            ast::TypeExpr::List(of, _) => Type::List {
                of: Box::new(self.resolve_type(of)),
            },
            ast::TypeExpr::Table(k, v, _) => Type::Table {
                key: Box::new(self.resolve_type(k)),
                value: Box::new(self.resolve_type(v)),
            },
        }
    }

    pub(crate) fn declare_input(&mut self, d: &ast::InputDecl) {
        let ok_scope = matches!(
            (self.target, d.scope),
            (Target::Household, Scope::Household | Scope::Member)
                | (Target::Individual, Scope::Person)
        );
        if !ok_scope {
            let target = if self.target == Target::Household {
                "households"
            } else {
                "individuals"
            };
            self.diags.push(
                Diagnostic::new(codes::SCOPE_NOT_FOR_TARGET, d.span)
                    .arg("scope", d.scope.keyword())
                    .arg("target", target)
                    .with_help("E0110.help"),
            );
            return;
        }
        let ty = self.resolve_type(&d.ty);
        let index = self.inputs.len();
        let member = d.scope == Scope::Member;
        let def = if member {
            Def::MemberInput(index)
        } else {
            Def::UnitInput(index)
        };
        if !self.define(&d.name, def, member) {
            return;
        }
        let (choices, default) = self.input_values(d, &ty);
        let slot = self.inputs.iter().filter(|i| i.scope == d.scope).count();
        self.inputs.push(ir::Input {
            scope: d.scope,
            name: d.name.name.clone(),
            ty,
            label: d.label.as_ref().map(|l| l.value.clone()),
            default,
            choices,
            slot,
            used: false,
            host: false,
        });
        self.input_spans.push(d.span);
    }

    /// An input's (or a record field's) choices and default, checked against its type.
    pub(crate) fn input_values(
        &mut self,
        d: &ast::InputDecl,
        ty: &Type,
    ) -> (Option<Vec<Value>>, Option<Value>) {
        let ty = ty.clone();
        let mut choices = None;
        if let Some(c) = &d.choices {
            let list_ty = Type::List {
                of: Box::new(ty.clone()),
            };
            match self.const_value(c, &list_ty, false) {
                Some(Value::List(items)) => choices = Some(items),
                Some(_) => {}
                None => self.bad_declaration(d, "the choices", &ty, c.span),
            }
        }
        let mut default = None;
        if let Some(e) = &d.default {
            match self.const_value(e, &ty, false) {
                Some(v) => {
                    if let (Some(ch), false) = (&choices, v.is_unknown()) {
                        if !ch.contains(&v) {
                            self.bad_declaration(d, "the default", &ty, e.span);
                        }
                    }
                    default = Some(v).filter(|v| !v.is_unknown());
                }
                None => self.bad_declaration(d, "the default", &ty, e.span),
            }
        }
        (choices, default)
    }

    fn bad_declaration(&mut self, d: &ast::InputDecl, what: &str, ty: &Type, span: Span) {
        // const_value already reported the precise problem; this says which declaration it breaks.
        if !self
            .diags
            .last()
            .is_some_and(|x| x.span.range() == span.range() || x.span.start >= span.start)
        {
            self.diags.push(
                Diagnostic::new(codes::BAD_INPUT_DECLARATION, span)
                    .arg("what", what)
                    .arg("name", &d.name.name)
                    .arg("expected", ty),
            );
        }
    }

    pub(crate) fn declare_param(&mut self, d: &ast::ParamDecl) {
        let ty = self.resolve_type(&d.ty);
        let index = self.params.len();
        if !self.define(&d.name, Def::Param(index), false) {
            return;
        }
        let mut values: Vec<ir::ParamValue> = Vec::new();
        let mut seen_dates: HashMap<Option<chrono::NaiveDate>, Span> = HashMap::new();
        let mut last: Option<Option<chrono::NaiveDate>> = None;
        let mut out_of_order = false;
        for v in &d.values {
            let from = v.from.map(|(d, _)| d);
            let span = v.from.map(|(_, s)| s).unwrap_or(v.value.span);
            if seen_dates.insert(from, span).is_some() {
                let date = from
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "the beginning".to_string());
                self.diags.push(
                    Diagnostic::new(codes::OVERLAPPING_DATES, span)
                        .arg("name", &d.name.name)
                        .arg("date", date)
                        .with_help("E0301.help"),
                );
            }
            if let Some(prev) = last {
                if from < prev {
                    out_of_order = true;
                }
            }
            last = Some(from);
            let value = match self.const_value(&v.value, &ty, false) {
                Some(value) => value,
                None => continue,
            };
            values.push(ir::ParamValue { from, value });
        }
        if out_of_order {
            self.diags.push(
                Diagnostic::new(codes::DATES_OUT_OF_ORDER, d.name.span).arg("name", &d.name.name),
            );
        }
        values.sort_by_key(|v| v.from);
        self.params.push(ir::Param {
            name: d.name.name.clone(),
            ty,
            label: d.label.as_ref().map(|l| l.value.clone()),
            values,
        });
        self.param_spans.push(d.span);
        self.used_params.push(false);
    }

    /// Checks every `let`: names, circles, then types in dependency order.
    pub(crate) fn check_lets(&mut self, decls: &[&ast::LetDecl]) -> Vec<ir::Let> {
        // 1. Names.
        let mut ok = vec![false; decls.len()];
        let mut unit_slot = 0;
        let mut member_slot = 0;
        for (i, d) in decls.iter().enumerate() {
            if d.per_member && self.target == Target::Individual {
                self.diags.push(
                    Diagnostic::new(codes::NO_MEMBERS_FOR_INDIVIDUALS, d.name.span)
                        .arg("name", "let member."),
                );
                continue;
            }
            let slot = if d.per_member { member_slot } else { unit_slot };
            let index = self.lets.len();
            if self.define(&d.name, Def::Let(index), d.per_member) {
                self.lets.push(LetInfo {
                    name: d.name.name.clone(),
                    per_member: d.per_member,
                    ty: Type::Error,
                    span: d.span,
                    slot,
                });
                self.used_lets.push(false);
                if d.per_member {
                    member_slot += 1;
                } else {
                    unit_slot += 1;
                }
                if let Some(o) = ok.get_mut(i) {
                    *o = true;
                }
            }
        }
        // Map decl index -> let index.
        let mut let_of_decl = Vec::with_capacity(decls.len());
        let mut next = 0;
        for o in &ok {
            if *o {
                let_of_decl.push(Some(next));
                next += 1;
            } else {
                let_of_decl.push(None);
            }
        }
        // 2. Dependencies between lets, by the names each definition mentions.
        let n = self.lets.len();
        let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (di, d) in decls.iter().enumerate() {
            let Some(Some(li)) = let_of_decl.get(di) else {
                continue;
            };
            let mut names = HashSet::new();
            collect_names(&d.expr, &mut names);
            let mut ds: Vec<usize> = names
                .iter()
                .filter_map(|name| {
                    self.member_names
                        .get(name.as_str())
                        .or_else(|| self.unit_names.get(name.as_str()))
                        .and_then(|def| match def {
                            Def::Let(j) => Some(*j),
                            _ => None,
                        })
                })
                .collect();
            ds.sort_unstable();
            ds.dedup();
            if let Some(slot) = deps.get_mut(*li) {
                *slot = ds;
            }
        }
        // 3. Order (Kahn's algorithm, iterative so a long chain of lets cannot overflow the stack).
        let mut indegree = vec![0usize; n];
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, ds) in deps.iter().enumerate() {
            for &j in ds {
                if let Some(d) = indegree.get_mut(i) {
                    *d += 1;
                }
                if let Some(u) = users.get_mut(j) {
                    u.push(i);
                }
            }
        }
        let mut ready: std::collections::VecDeque<usize> =
            (0..n).filter(|i| indegree.get(*i) == Some(&0)).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(i) = ready.pop_front() {
            order.push(i);
            for &u in users.get(i).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(d) = indegree.get_mut(u) {
                    *d -= 1;
                    if *d == 0 {
                        ready.push_back(u);
                    }
                }
            }
        }
        let in_cycle: Vec<usize> = (0..n).filter(|i| !order.contains(i)).collect();
        if !in_cycle.is_empty() {
            let path = in_cycle
                .iter()
                .filter_map(|i| self.lets.get(*i))
                .map(|l| format!("`{}`", l.name))
                .collect::<Vec<_>>()
                .join(", ");
            for &i in &in_cycle {
                if let Some(l) = self.lets.get(i) {
                    let (name, span) = (l.name.clone(), l.span);
                    self.diags.push(
                        Diagnostic::new(codes::CIRCULAR_LET, span)
                            .arg("name", name)
                            .arg("path", &path)
                            .with_help("E0108.help"),
                    );
                }
            }
        }
        // Expressions refer to a let by its position in evaluation order.
        self.let_pos = vec![usize::MAX; n];
        for (pos, &li) in order.iter().enumerate() {
            if let Some(p) = self.let_pos.get_mut(li) {
                *p = pos;
            }
        }
        // 4. Types, in order.
        let decl_of_let: HashMap<usize, usize> = let_of_decl
            .iter()
            .enumerate()
            .filter_map(|(di, li)| li.map(|l| (l, di)))
            .collect();
        let mut out: Vec<ir::Let> = Vec::with_capacity(n);
        for &li in &order {
            let Some(d) = decl_of_let.get(&li).and_then(|di| decls.get(*di)) else {
                continue;
            };
            let ctx = Ctx {
                member: d.per_member,
                ..Ctx::default()
            };
            let refs_before = std::mem::take(&mut self.refs);
            let expr = self.expr(&d.expr, ctx);
            self.refs = refs_before;
            if let Some(info) = self.lets.get_mut(li) {
                info.ty = expr.ty.clone();
            }
            let info = self.lets.get(li);
            out.push(ir::Let {
                name: d.name.name.clone(),
                sentence: d.sentence.as_ref().map(|s| s.value.clone()),
                per_member: d.per_member,
                slot: info.map(|i| i.slot).unwrap_or(0),
                expr,
                span: d.span,
            });
        }
        out
    }

    pub(crate) fn check_rules(&mut self, file: &ProgramFile) -> Vec<ir::Rule> {
        let mut rules = Vec::new();
        let mut ids: HashMap<String, Span> = HashMap::new();
        for item in &file.items {
            let Item::Eligibility(sec) = item else {
                continue;
            };
            for r in &sec.entries {
                if let Some(prev) = ids.get(&r.id.name) {
                    self.diags.push(
                        Diagnostic::new(codes::DUPLICATE_RULE, r.id.span)
                            .arg("name", &r.id.name)
                            .arg("line", prev.line)
                            .with_help("E0103.help"),
                    );
                    continue;
                }
                ids.insert(r.id.name.clone(), r.id.span);
                self.refs.clear();
                let expr = self.condition(&r.expr, Ctx::default());
                let refs = first_occurrences(std::mem::take(&mut self.refs));
                self.fold_rule(r, &expr);
                if r.union && rules.is_empty() {
                    self.diags.push(
                        Diagnostic::new(codes::UNION_FIRST, r.id.span).with_help("E0307.help"),
                    );
                }
                rules.push(ir::Rule {
                    id: r.id.name.clone(),
                    kind: r.kind,
                    sentence: r.sentence.value.clone(),
                    expr,
                    refs,
                    union: r.union,
                    span: r.span,
                });
            }
        }
        self.rule_ids = ids;
        rules
    }

    /// Checks an expression that must be a truth value.
    pub(crate) fn condition(&mut self, e: &ast::Expr, ctx: Ctx) -> TExpr {
        let t = self.expr(e, ctx);
        if !matches!(t.ty, Type::Bool | Type::Error) {
            self.diags
                .push(Diagnostic::new(codes::CONDITION_NOT_BOOL, e.span).arg("found", &t.ty));
        }
        t
    }

    fn expect_money(&mut self, e: &ast::Expr, ctx: Ctx) -> TExpr {
        let t = self.expr(e, ctx);
        let want = self.money(e.span);
        if !t.ty.is_error() && !want.is_error() && t.ty != want {
            let currency = self.currency.map(|c| c.to_string()).unwrap_or_default();
            self.diags.push(
                Diagnostic::new(codes::CASH_NOT_MONEY, e.span)
                    .arg("currency", currency)
                    .arg("found", &t.ty),
            );
        }
        t
    }

    fn expect_number(&mut self, e: &ast::Expr, ctx: Ctx) -> TExpr {
        let t = self.expr(e, ctx);
        if !matches!(t.ty, Type::Number | Type::Error) {
            self.diags.push(
                Diagnostic::new(codes::TYPE_MISMATCH, e.span)
                    .arg("expected", "a number")
                    .arg("found", &t.ty),
            );
        }
        t
    }

    pub(crate) fn check_entitlement(&mut self, file: &ProgramFile) -> ir::Entitlement {
        let mut ent = ir::Entitlement::default();
        let mut ids: HashMap<String, Span> = self.rule_ids.clone();
        let mut seen_adjust: HashMap<&'static str, Span> = HashMap::new();
        let mut floor_span = None;
        let mut group_lines = Vec::new();
        let mut capped: HashMap<String, Span> = HashMap::new();
        for item in &file.items {
            let Item::Entitlement(sec) = item else {
                continue;
            };
            ent.mode = Some(sec.mode);
            for entry in &sec.entries {
                match entry {
                    EntitlementEntry::Item(it) => {
                        if !self.fresh_id(&mut ids, &it.id) {
                            continue;
                        }
                        self.refs.clear();
                        let (amount, unit) = match it.kind {
                            ItemKind::Cash => (self.expect_money(&it.amount, Ctx::default()), None),
                            ItemKind::InKind => {
                                let t = self.expr(&it.amount, Ctx::default());
                                let unit = match &t.ty {
                                    Type::Quantity { unit } => Some(unit.clone()),
                                    Type::Error => None,
                                    other => {
                                        self.diags.push(
                                            Diagnostic::new(
                                                codes::IN_KIND_NOT_QUANTITY,
                                                it.amount.span,
                                            )
                                            .arg("found", other),
                                        );
                                        None
                                    }
                                };
                                (t, unit)
                            }
                        };
                        let times = it
                            .times
                            .as_ref()
                            .map(|e| self.expect_number(e, Ctx::default()));
                        let up_to = it
                            .up_to
                            .as_ref()
                            .map(|e| self.expect_number(e, Ctx::default()));
                        let condition = it
                            .condition
                            .as_ref()
                            .map(|e| self.condition(e, Ctx::default()));
                        let valued = it.valued.as_ref().map(|e| {
                            if it.kind == ItemKind::Cash {
                                self.diags
                                    .push(Diagnostic::new(codes::VALUED_CASH_ITEM, e.span));
                            }
                            self.expect_money(e, Ctx::default())
                        });
                        let refs = first_occurrences(std::mem::take(&mut self.refs));
                        ent.items.push(ir::Item {
                            kind: it.kind,
                            id: it.id.name.clone(),
                            sentence: it.sentence.value.clone(),
                            amount,
                            times,
                            up_to,
                            condition,
                            valued,
                            refs,
                            unit,
                            span: it.span,
                        });
                    }
                    EntitlementEntry::Fee {
                        id,
                        sentence,
                        amount,
                        span,
                    } => {
                        if self.adjustment_once(&mut seen_adjust, "fee", *span)
                            && self.fresh_id(&mut ids, id)
                        {
                            let amount = self.expect_money(
                                amount,
                                Ctx {
                                    fee: true,
                                    ..Ctx::default()
                                },
                            );
                            ent.fee = Some(ir::Fee {
                                id: id.name.clone(),
                                sentence: sentence.value.clone(),
                                amount,
                            });
                        }
                    }
                    EntitlementEntry::Limit {
                        kind,
                        items,
                        amount,
                        span,
                    } if !items.is_empty() => {
                        group_lines.push((*kind, items, amount, *span));
                    }
                    EntitlementEntry::Limit {
                        kind, amount, span, ..
                    } => {
                        let what = if *kind == LimitKind::Cap {
                            "cap"
                        } else {
                            "floor"
                        };
                        if self.adjustment_once(&mut seen_adjust, what, *span) {
                            let t = self.expect_money(amount, Ctx::default());
                            if *kind == LimitKind::Cap {
                                ent.cap = Some(t);
                            } else {
                                floor_span = Some(*span);
                                ent.floor = Some(t);
                            }
                        }
                    }
                    EntitlementEntry::Round { step, mode, span } => {
                        if self.adjustment_once(&mut seen_adjust, "round", *span) {
                            let money = self.money(step.span);
                            let v = match self.const_value(step, &money, true) {
                                Some(Value::Money(m)) => Some(m.amount),
                                Some(Value::Number(n)) => Some(n),
                                _ => None,
                            };
                            match v {
                                Some(s) if s > rust_decimal::Decimal::ZERO => {
                                    ent.round = Some((s, mode.0))
                                }
                                Some(_) => self.diags.push(
                                    Diagnostic::new(codes::INVALID_LITERAL, step.span)
                                        .arg("literal", "0"),
                                ),
                                None => {}
                            }
                        }
                    }
                }
            }
        }
        for (kind, items, amount, span) in group_lines {
            if let Some(cap) = self.group_cap(&ent, &mut capped, kind, items, amount, span) {
                ent.group_caps.push(cap);
            }
        }
        // A floor above the cap is a contradiction when both are constants.
        if let (Some(cap), Some(floor)) = (&ent.cap, &ent.floor) {
            if let (TKind::Const(Value::Money(c)), TKind::Const(Value::Money(f))) =
                (&cap.kind, &floor.kind)
            {
                if f.amount > c.amount {
                    self.diags.push(Diagnostic::new(
                        codes::FLOOR_ABOVE_CAP,
                        floor_span.unwrap_or(floor.span),
                    ));
                }
            }
        }
        self.item_ids = ids;
        ent
    }

    /// `cap a + b at amount`: known items, of one kind (and one unit), each in one cap only.
    fn group_cap(
        &mut self,
        ent: &ir::Entitlement,
        capped: &mut HashMap<String, Span>,
        kind: LimitKind,
        items: &[ast::Ident],
        amount: &ast::Expr,
        span: Span,
    ) -> Option<ir::GroupCap> {
        if kind == LimitKind::Floor {
            self.diags.push(Diagnostic::new(codes::GROUP_FLOOR, span));
            return None;
        }
        let mut indices = Vec::new();
        for id in items {
            match ent.items.iter().position(|i| i.id == id.name) {
                Some(i) => {
                    if let Some(prev) = capped.insert(id.name.clone(), id.span) {
                        let _ = prev;
                        self.diags.push(
                            Diagnostic::new(codes::ITEM_IN_TWO_CAPS, id.span).arg("name", &id.name),
                        );
                        return None;
                    }
                    indices.push(i);
                }
                None => {
                    self.unknown_among(id, ent.items.iter().map(|i| i.id.as_str()).collect());
                    return None;
                }
            }
        }
        let first = ent.items.get(*indices.first()?)?;
        let (item_kind, unit) = (first.kind, first.unit.clone());
        if indices
            .iter()
            .filter_map(|i| ent.items.get(*i))
            .any(|i| i.kind != item_kind || i.unit != unit)
        {
            self.diags.push(Diagnostic::new(codes::MIXED_GROUP, span));
            return None;
        }
        let t = match item_kind {
            ItemKind::Cash => self.expect_money(amount, Ctx::default()),
            ItemKind::InKind => {
                let t = self.expr(amount, Ctx::default());
                let want = unit.map(|unit| Type::Quantity { unit });
                if let Some(want) = want {
                    if !t.ty.is_error() && t.ty != want {
                        self.diags.push(
                            Diagnostic::new(codes::TYPE_MISMATCH, amount.span)
                                .arg("expected", &want)
                                .arg("found", &t.ty),
                        );
                    }
                }
                t
            }
        };
        Some(ir::GroupCap {
            items: indices,
            amount: t,
            kind: item_kind,
        })
    }

    fn fresh_id(&mut self, ids: &mut HashMap<String, Span>, id: &ast::Ident) -> bool {
        if let Some(prev) = ids.get(&id.name) {
            self.diags.push(
                Diagnostic::new(codes::DUPLICATE_RULE, id.span)
                    .arg("name", &id.name)
                    .arg("line", prev.line)
                    .with_help("E0103.help"),
            );
            return false;
        }
        ids.insert(id.name.clone(), id.span);
        true
    }

    fn adjustment_once(
        &mut self,
        seen: &mut HashMap<&'static str, Span>,
        what: &'static str,
        span: Span,
    ) -> bool {
        if seen.insert(what, span).is_some() {
            self.diags
                .push(Diagnostic::new(codes::DUPLICATE_ADJUSTMENT, span).arg("what", what));
            return false;
        }
        true
    }

    /// W0001, W0002, W0003.
    pub(crate) fn report_unused(&mut self) {
        self.report_unused_fields();
        for (i, p) in self.params.iter().enumerate() {
            if !self.used_params.get(i).copied().unwrap_or(true) {
                let span = self.param_spans.get(i).copied().unwrap_or_default();
                self.diags
                    .push(Diagnostic::new(codes::UNUSED_PARAM, span).arg("name", &p.name));
            }
        }
        for (i, l) in self.lets.iter().enumerate() {
            if !self.used_lets.get(i).copied().unwrap_or(true) {
                self.diags
                    .push(Diagnostic::new(codes::UNUSED_LET, l.span).arg("name", &l.name));
            }
        }
        for (i, input) in self.inputs.iter().enumerate() {
            if !input.used {
                let span = self.input_spans.get(i).copied().unwrap_or_default();
                self.diags
                    .push(Diagnostic::new(codes::UNUSED_INPUT, span).arg("name", &input.name));
            }
        }
    }
}

/// Every bare name an expression mentions (for let dependencies).
pub(crate) fn collect_names(e: &ast::Expr, out: &mut HashSet<String>) {
    match &e.kind {
        ExprKind::Name(id) => {
            out.insert(id.name.clone());
        }
        ExprKind::Field { base, field } => {
            if base.name == "member" {
                out.insert(field.name.clone());
            } else {
                // A score component (`pmt.roof`) is a let of that name.
                out.insert(format!("{}.{}", base.name, field.name));
            }
        }
        ExprKind::Records { filter, .. } => collect_names(filter, out),
        ExprKind::Table(entries) => entries.iter().for_each(|(k, v)| {
            collect_names(k, out);
            collect_names(v, out);
        }),
        ExprKind::List(items) => items.iter().for_each(|x| collect_names(x, out)),
        ExprKind::Members(Some(f)) => collect_names(f, out),
        ExprKind::Unary(_, x) => collect_names(x, out),
        ExprKind::Binary(_, a, b) => {
            collect_names(a, out);
            collect_names(b, out);
        }
        ExprKind::In { value, list, .. } => {
            collect_names(value, out);
            collect_names(list, out);
        }
        ExprKind::If(c, a, b) => {
            collect_names(c, out);
            collect_names(a, out);
            collect_names(b, out);
        }
        ExprKind::Call(_, args) => args.iter().for_each(|x| collect_names(x, out)),
        _ => {}
    }
}

/// The references in the order they are first read, without repeats.
fn first_occurrences(refs: Vec<ir::Ref>) -> Vec<ir::Ref> {
    let mut seen = HashSet::new();
    refs.into_iter().filter(|r| seen.insert(*r)).collect()
}

/// The unit-level names an expression reads outside aggregates, in the order first read (for the
/// explanation of a score's components).
pub(crate) fn refs_of(e: &TExpr) -> Vec<ir::Ref> {
    fn walk(e: &TExpr, out: &mut Vec<ir::Ref>) {
        match &e.kind {
            TKind::Input(i) => out.push(ir::Ref::Input(*i)),
            TKind::Param(i) => out.push(ir::Ref::Param(*i)),
            TKind::Let(p) => out.push(ir::Ref::Let(*p)),
            TKind::Neg(x) | TKind::Not(x) => walk(x, out),
            TKind::And(a, b)
            | TKind::Or(a, b)
            | TKind::Arith(_, a, b)
            | TKind::Compare(_, a, b) => {
                walk(a, out);
                walk(b, out);
            }
            TKind::In { value, list, .. } => {
                walk(value, out);
                walk(list, out);
            }
            TKind::If(c, a, b) => {
                walk(c, out);
                walk(a, out);
                walk(b, out);
            }
            TKind::Call(_, args) => args.iter().for_each(|a| walk(a, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(e, &mut out);
    first_occurrences(out)
}
