//! Checks of the run model: `compliant when`, `deduplicate`, `selection` and the `cycle` line.

use super::suggest::closest;
use super::{Checker, Ctx, Def};
use crate::ast::{
    self, ComplianceEntry, CycleDecl, CycleEvery, DedupBy, Expr, ExprKind, Item, ProgramFile,
    Scope, SelectionEntry, Target, UnaryOp,
};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{self, TExpr};
use crate::run::{
    Bound, BudgetMode, ComplianceRule, DedupCriterion, DedupRule, MembershipState, Period,
    PriorityRule, RankKey, RunModel, Schedule, Selection, SummarySpec,
};
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// Most cycles a `count` may ask for (the core lists at most this many).
const MAX_CYCLES: u32 = 10_000;

fn first_occurrences(refs: Vec<ir::Ref>) -> Vec<ir::Ref> {
    let mut seen = HashSet::new();
    refs.into_iter().filter(|r| seen.insert(*r)).collect()
}

/// A whole number from 0 up to `max`.
fn whole(d: Decimal, max: u32) -> Option<u32> {
    (d.fract().is_zero() && !d.is_sign_negative())
        .then(|| d.to_u32())
        .flatten()
        .filter(|n| *n <= max)
}

impl Checker {
    /// Checks every run-model section; `ids` holds the rule and item identifiers already taken.
    pub(crate) fn check_run(
        &mut self,
        file: &ProgramFile,
        ids: &HashMap<String, Span>,
    ) -> RunModel {
        let mut ids = ids.clone();
        let mut run = RunModel {
            schedule: file.header.cycle.as_ref().and_then(|c| self.schedule(c)),
            ..RunModel::default()
        };
        for item in &file.items {
            match item {
                Item::Compliance(sec) => {
                    for e in &sec.entries {
                        if let Some(r) = self.compliance_rule(e, &mut ids) {
                            run.compliance.push(r);
                        }
                    }
                }
                Item::Deduplicate(sec) => {
                    for e in &sec.entries {
                        if let Some(r) = self.dedup_rule(e, &mut ids) {
                            run.dedup.push(r);
                        }
                    }
                }
                Item::Selection(sec) => {
                    let s = self.selection(sec, &mut ids);
                    run.selection = Some(s);
                }
                Item::Summary(s) => {
                    if run.summary.is_some() {
                        self.diags.push(
                            Diagnostic::new(codes::DUPLICATE_SECTION, s.span)
                                .arg("section", "summary")
                                .with_help("E0006.help"),
                        );
                        continue;
                    }
                    run.summary = self.summary(s);
                }
                _ => {}
            }
        }
        self.check_ids = run
            .compliance
            .iter()
            .map(|r| r.id.clone())
            .chain(run.priority().iter().map(|r| r.id.clone()))
            .collect();
        self.run_ids = run
            .compliance
            .iter()
            .map(|r| r.id.clone())
            .chain(run.priority().iter().map(|r| r.id.clone()))
            .chain(run.dedup.iter().map(|r| r.id.clone()))
            .collect();
        run
    }

    /// Records a new rule identifier (E0103 when it is taken).
    fn fresh_run_id(&mut self, ids: &mut HashMap<String, Span>, id: &ast::Ident) -> bool {
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

    /// A condition with the unit-level names it reads.
    fn run_condition(&mut self, e: &Expr) -> (TExpr, Vec<ir::Ref>) {
        self.refs.clear();
        let t = self.condition(e, Ctx::default());
        (t, first_occurrences(std::mem::take(&mut self.refs)))
    }

    fn compliance_rule(
        &mut self,
        e: &ComplianceEntry,
        ids: &mut HashMap<String, Span>,
    ) -> Option<ComplianceRule> {
        if !self.fresh_run_id(ids, &e.id) {
            return None;
        }
        let (expr, refs) = self.run_condition(&e.expr);
        Some(ComplianceRule {
            id: e.id.name.clone(),
            sentence: e.sentence.value.clone(),
            expr,
            refs,
            otherwise: e
                .otherwise
                .map(|(s, _)| s)
                .unwrap_or(MembershipState::NotEligible),
            span: e.span,
        })
    }

    fn dedup_rule(
        &mut self,
        e: &ast::DedupEntry,
        ids: &mut HashMap<String, Span>,
    ) -> Option<DedupRule> {
        if !self.fresh_run_id(ids, &e.id) {
            return None;
        }
        let criterion = match &e.by {
            DedupBy::SharedMembers => {
                if self.target == Target::Individual {
                    self.diags.push(
                        Diagnostic::new(codes::NO_MEMBERS_FOR_INDIVIDUALS, e.span)
                            .arg("name", "shared members"),
                    );
                    return None;
                }
                DedupCriterion::SharedMembers
            }
            DedupBy::Same(names) => {
                let mut inputs = Vec::new();
                let mut scopes = HashSet::new();
                for n in names {
                    let def = self
                        .unit_names
                        .get(&n.name)
                        .or_else(|| self.member_names.get(&n.name))
                        .copied();
                    match def {
                        Some(Def::UnitInput(i) | Def::MemberInput(i)) => {
                            if let Some(input) = self.inputs.get_mut(i) {
                                input.used = true;
                                scopes.insert(input.scope == Scope::Member);
                            }
                            inputs.push(i);
                        }
                        _ => {
                            let candidates: Vec<String> =
                                self.inputs.iter().map(|i| i.name.clone()).collect();
                            let mut d =
                                Diagnostic::new(codes::UNKNOWN_NAME, n.span).arg("name", &n.name);
                            d = match closest(&n.name, candidates.iter().map(String::as_str)) {
                                Some(s) => d.arg("suggestion", s).with_help("E0101.help"),
                                None => d.with_help("E0605.help.input"),
                            };
                            self.diags.push(d);
                            return None;
                        }
                    }
                }
                if scopes.len() > 1 {
                    self.diags.push(
                        Diagnostic::new(codes::DEDUP_MIXED_SCOPES, e.span)
                            .arg("name", &e.id.name)
                            .with_help("E0605.help"),
                    );
                    return None;
                }
                DedupCriterion::Same(inputs)
            }
        };
        Some(DedupRule {
            id: e.id.name.clone(),
            sentence: e.sentence.value.clone(),
            criterion,
            span: e.span,
        })
    }

    fn selection(
        &mut self,
        sec: &ast::Section<SelectionEntry>,
        ids: &mut HashMap<String, Span>,
    ) -> Selection {
        let mut s = Selection {
            priority: Vec::new(),
            rank: Vec::new(),
            top: None,
            budget: None,
            span: sec.span,
        };
        let mut seen: HashMap<&'static str, Span> = HashMap::new();
        let mut once = |this: &mut Checker, what: &'static str, span: Span| -> bool {
            if let Some(prev) = seen.get(what) {
                this.diags.push(
                    Diagnostic::new(codes::DUPLICATE_SELECTION_LINE, span)
                        .arg("what", what)
                        .arg("line", prev.line),
                );
                return false;
            }
            seen.insert(what, span);
            true
        };
        let mut needs_rank: Option<(Span, &'static str)> = None;
        for entry in &sec.entries {
            match entry {
                SelectionEntry::Priority {
                    id,
                    sentence,
                    expr,
                    span,
                } => {
                    if self.fresh_run_id(ids, id) {
                        let (expr, refs) = self.run_condition(expr);
                        s.priority.push(PriorityRule {
                            id: id.name.clone(),
                            sentence: sentence.value.clone(),
                            expr,
                            refs,
                            span: *span,
                        });
                    }
                }
                SelectionEntry::Rank { keys, span } => {
                    if !once(self, "rank by", *span) {
                        continue;
                    }
                    for (k, descending) in keys {
                        self.refs.clear();
                        let t = self.expr(k, Ctx::default());
                        let refs = first_occurrences(std::mem::take(&mut self.refs));
                        if !matches!(
                            t.ty,
                            Type::Number | Type::Money { .. } | Type::Date | Type::Error
                        ) {
                            self.diags.push(
                                Diagnostic::new(codes::RANK_KEY_TYPE, k.span)
                                    .arg("found", &t.ty)
                                    .with_help("E0602.help"),
                            );
                            continue;
                        }
                        s.rank.push(RankKey {
                            expr: t,
                            descending: *descending,
                            refs,
                        });
                    }
                }
                SelectionEntry::Top { count, span } => {
                    if once(self, "top", *span) {
                        s.top = self.bound(count, &Type::Number, "top");
                        needs_rank = needs_rank.or(Some((*span, "top")));
                    }
                }
                SelectionEntry::Budget {
                    amount,
                    proportional,
                    span,
                } => {
                    if once(self, "budget", *span) {
                        let money = self.money(amount.span);
                        let mode = if *proportional {
                            BudgetMode::Proportional
                        } else {
                            BudgetMode::RankOrder
                        };
                        s.budget = self.bound(amount, &money, "budget").map(|b| (b, mode));
                        if !proportional {
                            needs_rank = needs_rank.or(Some((*span, "budget")));
                        }
                    }
                }
            }
        }
        let rank_written = sec
            .entries
            .iter()
            .any(|e| matches!(e, SelectionEntry::Rank { .. }));
        if let (Some((span, what)), false) = (needs_rank, rank_written) {
            self.diags.push(
                Diagnostic::new(codes::RANK_REQUIRED, span)
                    .arg("what", what)
                    .with_help("E0601.help"),
            );
        }
        s
    }

    /// `top` and `budget`: a literal or a parameter, the same for every unit.
    fn bound(&mut self, e: &Expr, ty: &Type, what: &str) -> Option<Bound> {
        let bound = match &e.kind {
            ExprKind::Name(id) => match self.unit_names.get(&id.name).copied() {
                Some(Def::Param(i)) => {
                    if let Some(u) = self.used_params.get_mut(i) {
                        *u = true;
                    }
                    let p = self.params.get(i)?.clone();
                    if !ty.is_error() && !p.ty.is_error() && p.ty != *ty {
                        self.bound_type(e.span, ty, &p.ty);
                        return None;
                    }
                    if what == "top" && p.values.iter().any(|v| !matches!(v.value, Value::Number(n) if whole(n, u32::MAX).is_some())) {
                        self.diags.push(Diagnostic::new(codes::TOP_NOT_WHOLE, e.span).with_help("E0604.help"));
                        return None;
                    }
                    Bound::Param(i)
                }
                Some(_) => {
                    self.diags.push(
                        Diagnostic::new(codes::BOUND_NOT_CONSTANT, e.span)
                            .arg("what", what)
                            .with_help("E0603.help"),
                    );
                    return None;
                }
                None => {
                    // Reported as an unknown name, with a suggestion.
                    let _ = self.expr(e, Ctx::default());
                    return None;
                }
            },
            ExprKind::Number(_)
            | ExprKind::Money { .. }
            | ExprKind::Percent(_)
            | ExprKind::Unary(UnaryOp::Neg, _) => {
                let v = self.const_value(e, ty, false)?;
                if what == "top" && !matches!(v, Value::Number(n) if whole(n, u32::MAX).is_some()) {
                    self.diags.push(
                        Diagnostic::new(codes::TOP_NOT_WHOLE, e.span).with_help("E0604.help"),
                    );
                    return None;
                }
                if let Value::Money(m) = &v {
                    if m.amount.is_sign_negative() {
                        self.diags.push(
                            Diagnostic::new(codes::INVALID_LITERAL, e.span)
                                .arg("literal", m.to_string()),
                        );
                        return None;
                    }
                }
                Bound::Const(v)
            }
            _ => {
                self.diags.push(
                    Diagnostic::new(codes::BOUND_NOT_CONSTANT, e.span)
                        .arg("what", what)
                        .with_help("E0603.help"),
                );
                return None;
            }
        };
        Some(bound)
    }

    fn bound_type(&mut self, span: Span, want: &Type, found: &Type) {
        let d = match want {
            Type::Money { currency } => Diagnostic::new(codes::CASH_NOT_MONEY, span)
                .arg("currency", currency.to_string())
                .arg("found", found),
            _ => Diagnostic::new(codes::TYPE_MISMATCH, span)
                .arg("expected", "a number")
                .arg("found", found),
        };
        self.diags.push(d);
    }

    /// The `summary by` line: each dimension must be an input a summary can group by.
    fn summary(&mut self, s: &ast::SummaryDecl) -> Option<SummarySpec> {
        let mut ok = true;
        let mut by = Vec::new();
        for d in &s.by {
            match self.summary_dim(d) {
                Some(_) => by.push(d.text()),
                None => {
                    self.diags.push(
                        Diagnostic::new(codes::BAD_SUMMARY_DIMENSION, d.name.span)
                            .arg("name", d.text())
                            .with_help("E0609.help"),
                    );
                    ok = false;
                }
            }
        }
        let ages = match &s.ages {
            Some(d) => match self.summary_dim(d) {
                Some(Type::Date) if d.scope.as_ref().is_none_or(|s| s.name != "member") => {
                    Some(d.text())
                }
                _ => {
                    self.diags.push(
                        Diagnostic::new(codes::BAD_SUMMARY_DIMENSION, d.name.span)
                            .arg("name", d.text())
                            .with_help("E0609.help.age"),
                    );
                    ok = false;
                    None
                }
            },
            None => None,
        };
        ok.then_some(SummarySpec { by, ages })
    }

    /// The type of a summary dimension's input (marking it read), or `None` when it cannot be one.
    fn summary_dim(&mut self, d: &ast::SummaryDim) -> Option<Type> {
        let unit = match self.target {
            Target::Household => "household",
            Target::Individual => "person",
        };
        let (member, any) = match d.scope.as_ref().map(|s| s.name.as_str()) {
            None => (false, false),
            Some(s) if s == unit => (false, false),
            Some("head") if self.target == Target::Household => (true, false),
            Some("member") if self.target == Target::Household => (true, true),
            Some(_) => return None,
        };
        let def = if member {
            self.member_names.get(&d.name.name)
        } else {
            self.unit_names.get(&d.name.name)
        }
        .copied();
        let i = match def {
            Some(Def::UnitInput(i)) if !member => i,
            Some(Def::MemberInput(i)) if member => i,
            _ => return None,
        };
        let input = self.inputs.get_mut(i)?;
        if any && input.ty != Type::Bool {
            return None;
        }
        input.used = true;
        Some(input.ty.clone())
    }

    /// The `cycle` line as a schedule.
    fn schedule(&mut self, c: &CycleDecl) -> Option<Schedule> {
        let bad = |this: &mut Checker, span: Span, help: &'static str| {
            this.diags
                .push(Diagnostic::new(codes::INVALID_CYCLE, span).with_help(help));
        };
        let every = match &c.every {
            CycleEvery::OnDemand => None,
            CycleEvery::Frequency(word) => Some(match word.as_str() {
                "daily" => (1, Period::Day),
                "weekly" => (1, Period::Week),
                "fortnightly" => (2, Period::Week),
                "monthly" => (1, Period::Month),
                "bimonthly" => (2, Period::Month),
                "quarterly" => (3, Period::Month),
                "semiannually" => (6, Period::Month),
                _ => (1, Period::Year),
            }),
            CycleEvery::Interval(n, period) => {
                let Some(n) = whole(*n, MAX_CYCLES).filter(|n| *n > 0) else {
                    bad(self, c.span, "E0608.help.interval");
                    return None;
                };
                let p = match period.trim_end_matches('s') {
                    "day" => Period::Day,
                    "week" => Period::Week,
                    "month" => Period::Month,
                    _ => Period::Year,
                };
                Some((n, p))
            }
        };
        let mut weekdays = Vec::new();
        for d in &c.weekdays {
            let n = [
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday",
            ]
            .iter()
            .position(|w| *w == d.name)
            .unwrap_or(0) as u8;
            if weekdays.contains(&n) {
                bad(self, d.span, "E0608.help.weekday_twice");
                return None;
            }
            weekdays.push(n);
        }
        crate::sorting::sort(&mut weekdays);
        if !weekdays.is_empty() && every.map(|e| e.1) != Some(Period::Week) {
            bad(self, c.span, "E0608.help.weekdays");
            return None;
        }
        let count = match c.count {
            Some((n, span)) => match whole(n, MAX_CYCLES).filter(|n| *n > 0) {
                Some(n) => Some(n),
                None => {
                    bad(self, span, "E0608.help.count");
                    return None;
                }
            },
            None => None,
        };
        let duration_days = match c.lasting {
            Some((n, span)) => match whole(n, 36_600).filter(|n| *n > 0) {
                Some(n) => Some(n),
                None => {
                    bad(self, span, "E0608.help.lasting");
                    return None;
                }
            },
            None => None,
        };
        let from = c.from.map(|(d, _)| d);
        if every.is_some() && from.is_none() {
            self.diags
                .push(Diagnostic::new(codes::CYCLE_WITHOUT_START, c.span).with_help("E0607.help"));
            return None;
        }
        if let (Some(f), Some((u, span))) = (from, c.until) {
            if u < f {
                bad(self, span, "E0608.help.until");
                return None;
            }
        }
        Some(Schedule {
            every,
            weekdays,
            from,
            count,
            until: c.until.map(|(d, _)| d),
            duration_days,
        })
    }
}
