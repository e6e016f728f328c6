//! From the checked program to the columnar plan: lets, rules and the entitlement compiled to
//! operations on typed registers, once per program, and the interpreter's steps counted.

use super::compiler::Compiler;
use super::num::Fx;
use super::plan::{ItemRegs, Kind, Lanes, Op, Plan, Reg};
use crate::program::Inner;
use entitle_dsl::ast::{ItemKind, SelectionMode};
use entitle_dsl::ir::{TExpr, TKind};

/// Expression steps the interpreter takes on `e`: a fixed part and a part per active member.
fn steps(e: &TExpr) -> (u64, u64) {
    fn nodes(e: &TExpr) -> u64 {
        let (f, m) = steps(e);
        f + m
    }
    let mut fixed = 1;
    let mut per_member = 0;
    let mut add = |x: &TExpr| {
        let (f, m) = steps(x);
        fixed += f;
        per_member += m;
    };
    match &e.kind {
        TKind::Neg(x) | TKind::Not(x) => add(x),
        TKind::And(a, b) | TKind::Or(a, b) | TKind::Arith(_, a, b) | TKind::Compare(_, a, b) => {
            add(a);
            add(b);
        }
        TKind::In { value, list, .. } => {
            add(value);
            add(list);
        }
        TKind::If(c, a, b) => {
            add(c);
            add(a);
            add(b);
        }
        TKind::Call(_, args) => args.iter().for_each(add),
        TKind::Aggregate { filter, value, .. } => {
            per_member += filter.as_deref().map(nodes).unwrap_or(0)
                + value.as_deref().map(nodes).unwrap_or(0);
        }
        _ => {}
    }
    (fixed, per_member)
}

impl Plan {
    /// Compiles a program, or `None` when it uses something the plan does not express.
    pub(crate) fn compile(inner: &Inner) -> Option<Plan> {
        let ir = &inner.ir;
        if !ir.records.is_empty()
            || inner.run_checks
            || !ir.entitlement.group_caps.is_empty()
            || ir.entitlement.items.iter().any(|i| i.valued.is_some())
        {
            return None;
        }
        let mut c = Compiler {
            ir,
            regs: Vec::new(),
            ops: Vec::new(),
            lets: vec![None; ir.lets.len()],
            broadcast_lets: vec![None; ir.lets.len()],
            cash_total: None,
            loads: Vec::new(),
            aggregates: Vec::new(),
        };
        let mut fixed_steps = 0u64;
        let mut member_steps = 0u64;
        let mut count = |e: &TExpr, per_member: bool| {
            let (f, m) = steps(e);
            if per_member {
                member_steps += f + m;
            } else {
                fixed_steps += f;
                member_steps += m;
            }
        };
        for (pos, l) in ir.lets.iter().enumerate() {
            count(&l.expr, l.per_member);
            let lanes = if l.per_member {
                Lanes::Member
            } else {
                Lanes::Unit
            };
            let r = c.value_reg_keep_ratio(&l.expr, lanes)?;
            if let Some(slot) = c.lets.get_mut(pos) {
                *slot = Some(r);
            }
        }
        let mut rules = Vec::with_capacity(ir.rules.len());
        for rule in &ir.rules {
            count(&rule.expr, false);
            rules.push(c.bool_reg(&rule.expr, Lanes::Unit)?);
        }
        let ent = &ir.entitlement;
        let mut items = Vec::with_capacity(ent.items.len());
        for item in &ent.items {
            for e in [
                Some(&item.amount),
                item.times.as_ref(),
                item.up_to.as_ref(),
                item.condition.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                count(e, false);
            }
            let cond = match &item.condition {
                Some(e) => Some(c.bool_reg(e, Lanes::Unit)?),
                None => None,
            };
            let amount = c.unit_value(&item.amount)?;
            let times = match &item.times {
                Some(e) => Some(c.unit_value(e)?),
                None => None,
            };
            let up_to = match &item.up_to {
                Some(e) => Some(c.unit_value(e)?),
                None => None,
            };
            for r in [Some(amount), times, up_to].into_iter().flatten() {
                if c.kind(r) != Some(Kind::Num) {
                    return None;
                }
            }
            if item.kind == ItemKind::InKind && item.unit.is_none() {
                return None;
            }
            items.push(ItemRegs {
                cond,
                amount,
                times,
                up_to,
            });
        }
        let num = |c: &mut Compiler<'_>, e: Option<&TExpr>| -> Option<Option<Reg>> {
            match e {
                None => Some(None),
                Some(e) => {
                    let r = c.unit_value(e)?;
                    (c.kind(r) == Some(Kind::Num)).then_some(Some(r))
                }
            }
        };
        for e in [ent.cap.as_ref(), ent.floor.as_ref()].into_iter().flatten() {
            count(e, false);
        }
        let cap = num(&mut c, ent.cap.as_ref())?;
        let floor = num(&mut c, ent.floor.as_ref())?;
        let mut scores = Vec::new();
        for s in &ir.scores {
            for pos in std::iter::once(s.let_pos).chain(s.components.iter().map(|x| x.let_pos)) {
                let r = c.lets.get(pos).copied().flatten()?;
                if c.lanes(r) != Some(Lanes::Unit)
                    || !matches!(c.kind(r), Some(Kind::Num | Kind::Ratio))
                {
                    return None;
                }
                scores.push(r);
            }
        }
        let main = std::mem::take(&mut c.ops);
        let (cash_total, fee) = match &ent.fee {
            None => (None, None),
            Some(fee) => {
                count(&fee.amount, false);
                let total = c.new_reg(Kind::Num, Lanes::Unit);
                c.cash_total = Some(total);
                (
                    Some(total),
                    Some(num(&mut c, Some(&fee.amount))?.unwrap_or(total)),
                )
            }
        };
        let fee_ops = std::mem::take(&mut c.ops);
        let round = match ent.round {
            None => None,
            Some((step, mode)) => Some((Fx::from_dec(step)?, mode)),
        };
        let reads_head = main.iter().chain(&fee_ops).any(Op::reads_head);
        Some(Plan {
            reads_head,
            regs: c.regs,
            main,
            fee_ops,
            cash_total,
            rules,
            items,
            cap,
            floor,
            fee,
            round,
            scores,
            steps: (fixed_steps, member_steps),
            first_match: ent.selection() == SelectionMode::FirstMatch,
        })
    }
}

impl Compiler<'_> {
    /// A let's register: a quotient stays a quotient (its readers decide what they need).
    fn value_reg_keep_ratio(&mut self, e: &TExpr, lanes: Lanes) -> Option<Reg> {
        let o = self.expr(e, lanes)?;
        self.reg(o, &e.ty, lanes)
    }
}
