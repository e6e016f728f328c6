//! The entitlement section: items, fee, cap and floor (also over groups of items) and rounding,
//! with the checks on their ids, amounts and adjustments.

use super::decls::first_occurrences;
use super::exprs::{amount_written, money_written, unit_is_currency};
use super::{Checker, Ctx};
use crate::ast::{self, EntitlementEntry, Item, ItemKind, LimitKind, ProgramFile};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{self, TExpr, TKind};
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;
use std::collections::HashMap;

impl Checker {
    /// W0011 for a fee written as a constant below zero (`fee f "Fee" -KES 5`): a fee below zero
    /// charges nothing, so the line does nothing a reader would expect of it.
    fn warn_negative_fee(&mut self, name: &str, amount: &TExpr) {
        let constant = match &amount.kind {
            TKind::Const(Value::Money(m)) => Some(*m),
            TKind::Neg(inner) => match &inner.kind {
                TKind::Const(Value::Money(m)) => Some(crate::value::Money {
                    amount: -m.amount,
                    currency: m.currency,
                }),
                _ => None,
            },
            _ => None,
        };
        if let Some(m) = constant.filter(|m| m.amount.is_sign_negative() && !m.amount.is_zero()) {
            let shown = m.to_string();
            self.diags.push(
                Diagnostic::new(codes::NEGATIVE_FEE, amount.span)
                    .arg("name", name)
                    .arg("amount", shown),
            );
        }
    }

    fn expect_money(&mut self, e: &ast::Expr, ctx: Ctx) -> TExpr {
        let t = self.expr(e, ctx);
        let want = self.money(e.span);
        if !t.ty.is_error() && !want.is_error() && t.ty != want {
            let currency = self.currency.map(|c| c.to_string()).unwrap_or_default();
            let d = Diagnostic::new(codes::CASH_NOT_MONEY, e.span)
                .arg("currency", &currency)
                .arg("found", &t.ty);
            // A number or `1500 KES` was meant as money: show it written so.
            let d = if matches!(t.ty, Type::Number) || unit_is_currency(&t.ty) {
                d.arg("money", money_written(&currency, &amount_written(e)))
                    .with_help("E0207.help")
            } else {
                d
            };
            self.diags.push(d);
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
                            self.warn_negative_fee(&id.name, &amount);
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
                            let value = self.const_value(step, &money, true);
                            let v = match &value {
                                Some(Value::Money(m)) => Some(m.amount),
                                Some(Value::Number(n)) => Some(*n),
                                _ => None,
                            };
                            match (v, &value) {
                                (Some(s), _) if s > rust_decimal::Decimal::ZERO => {
                                    ent.round = Some((s, mode.0))
                                }
                                (Some(_), Some(value)) => self
                                    .diags
                                    .push(super::calls::bad_round_step(value, &money, step.span)),
                                _ => {}
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
}
