//! From the checked program to the columnar plan: each expression becomes operations on typed
//! registers (columns over a chunk's units or members), compiled once per program.

use super::num::Fx;
use super::plan::{Fixed, ItemRegs, Kind, Lanes, Op, Plan, Reg, Source, TextPred, TextSrc};
use crate::program::Inner;
use entitle_dsl::ast::{ItemKind, RoundingMode, Scope, SelectionMode};
use entitle_dsl::ir::{self, Aggregate, ArithOp, Builtin, CmpOp, MemberField, TExpr, TKind};
use entitle_dsl::{Type, Value};

/// An aggregate by what it computes: its function, filter and value registers.
type AggKey = (Aggregate, Option<Reg>, Option<Reg>);

struct Compiler<'a> {
    ir: &'a ir::Program,
    regs: Vec<(Kind, Lanes)>,
    ops: Vec<Op>,
    lets: Vec<Option<Reg>>,
    broadcast_lets: Vec<Option<Reg>>,
    cash_total: Option<Reg>,
    /// Registers already loaded from an input: (input, from the head, lanes).
    loads: Vec<((usize, bool, Lanes), Reg)>,
    /// Aggregates already computed, by function, filter and value: a program that writes
    /// `count(members)` twice counts once.
    aggregates: Vec<(AggKey, Reg)>,
}

/// An expression's result before it is put in a register.
enum Operand {
    Reg(Reg),
    Text(TextSrc),
    Fixed(Fixed),
}

fn kind_of(ty: &Type) -> Option<Kind> {
    match ty {
        Type::Bool => Some(Kind::Bool),
        Type::Number | Type::Money { .. } | Type::Quantity { .. } => Some(Kind::Num),
        Type::Date => Some(Kind::Date),
        _ => None,
    }
}

/// Whether a constant fits a register of `kind` (numbers must fit fixed point).
fn fits(v: &Value, kind: Kind) -> bool {
    match (v, kind) {
        (Value::Unknown, _) | (Value::Bool(_), Kind::Bool) | (Value::Date(_), Kind::Date) => true,
        (Value::Number(d), Kind::Num) => Fx::from_dec(*d).is_some(),
        (Value::Money(m), Kind::Num) => Fx::from_dec(m.amount).is_some(),
        (Value::Quantity(q), Kind::Num) => Fx::from_dec(q.amount).is_some(),
        _ => false,
    }
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

impl<'a> Compiler<'a> {
    fn new_reg(&mut self, kind: Kind, lanes: Lanes) -> Reg {
        self.regs.push((kind, lanes));
        self.regs.len() - 1
    }

    fn kind(&self, r: Reg) -> Option<Kind> {
        self.regs.get(r).map(|k| k.0)
    }

    fn lanes(&self, r: Reg) -> Option<Lanes> {
        self.regs.get(r).map(|k| k.1)
    }

    /// Whether a fixed value (every value of a parameter) fits `kind`.
    fn fixed_fits(&self, f: &Fixed, kind: Kind) -> bool {
        match f {
            Fixed::Value(v) => fits(v, kind),
            Fixed::Param(i) => self
                .ir
                .params
                .get(*i)
                .is_some_and(|p| p.values.iter().all(|v| fits(&v.value, kind))),
        }
    }

    /// An operand in a register of the expression's kind (quotients stay quotients).
    fn reg(&mut self, o: Operand, ty: &Type, lanes: Lanes) -> Option<Reg> {
        match o {
            Operand::Reg(r) => Some(r),
            Operand::Text(_) => None,
            Operand::Fixed(f) => {
                let kind = kind_of(ty)?;
                if !self.fixed_fits(&f, kind) {
                    return None;
                }
                let dst = self.new_reg(kind, lanes);
                self.ops.push(Op::Fixed { v: f, dst });
                Some(dst)
            }
        }
    }

    /// A register holding digits (a quotient is materialised).
    fn value_reg(&mut self, e: &TExpr, lanes: Lanes) -> Option<Reg> {
        let o = self.expr(e, lanes)?;
        let r = self.reg(o, &e.ty, lanes)?;
        if self.kind(r) == Some(Kind::Ratio) {
            let dst = self.new_reg(Kind::Num, lanes);
            self.ops.push(Op::Materialize { a: r, dst });
            return Some(dst);
        }
        Some(r)
    }

    fn bool_reg(&mut self, e: &TExpr, lanes: Lanes) -> Option<Reg> {
        let r = self.value_reg(e, lanes)?;
        (self.kind(r) == Some(Kind::Bool)).then_some(r)
    }

    fn push(&mut self, kind: Kind, lanes: Lanes, make: impl FnOnce(Reg) -> Op) -> Option<Operand> {
        let dst = self.new_reg(kind, lanes);
        self.ops.push(make(dst));
        Some(Operand::Reg(dst))
    }

    /// A unit register seen from member lanes.
    fn broadcast(&mut self, src: Reg) -> Reg {
        let kind = self.kind(src).unwrap_or(Kind::Bool);
        let dst = self.new_reg(kind, Lanes::Member);
        self.ops.push(Op::Broadcast { src, dst });
        dst
    }

    fn input(&mut self, i: usize, head: bool, lanes: Lanes) -> Option<Operand> {
        let key = (i, head, lanes);
        if let Some((_, r)) = self.loads.iter().find(|(k, _)| *k == key) {
            return Some(Operand::Reg(*r));
        }
        let loaded = self.load(i, head, lanes)?;
        if let Operand::Reg(r) = loaded {
            self.loads.push((key, r));
        }
        Some(loaded)
    }

    fn load(&mut self, i: usize, head: bool, lanes: Lanes) -> Option<Operand> {
        let input = self.ir.inputs.get(i)?;
        let member_scope = input.scope == Scope::Member;
        let src = match (head, member_scope, lanes) {
            (true, true, Lanes::Unit) => Source::Head(input.slot),
            (false, true, Lanes::Member) => Source::Member(input.slot),
            (false, false, Lanes::Unit) => Source::Unit(input.slot),
            (_, _, Lanes::Member) if head || !member_scope => {
                // A unit-level value inside a member expression.
                return match self.input(i, head, Lanes::Unit)? {
                    Operand::Reg(r) => Some(Operand::Reg(self.broadcast(r))),
                    _ => None,
                };
            }
            _ => return None,
        };
        if input.ty == Type::Text {
            let default = match &input.default {
                None => None,
                Some(Value::Text(t)) => Some(t.clone()),
                Some(_) => return None,
            };
            return Some(Operand::Text(TextSrc::Col(src, default)));
        }
        let kind = kind_of(&input.ty)?;
        if input.default.as_ref().is_some_and(|d| !fits(d, kind)) {
            return None;
        }
        let default = input.default.clone();
        self.push(kind, lanes, |dst| Op::Load { src, default, dst })
    }

    fn text_test(&mut self, src: TextSrc, pred: TextPred, lanes: Lanes) -> Option<Operand> {
        if matches!(src, TextSrc::Kind) && lanes != Lanes::Member {
            return None;
        }
        if matches!(src, TextSrc::Col(Source::Member(_), _)) && lanes != Lanes::Member {
            return None;
        }
        self.push(Kind::Bool, lanes, |dst| Op::Text { src, pred, dst })
    }

    fn let_read(&mut self, pos: usize, lanes: Lanes) -> Option<Operand> {
        let l = self.ir.lets.get(pos)?;
        let r = (*self.lets.get(pos)?)?;
        match (l.per_member, lanes) {
            (true, Lanes::Member) | (false, Lanes::Unit) => Some(Operand::Reg(r)),
            (false, Lanes::Member) => {
                if let Some(b) = self.broadcast_lets.get(pos).copied().flatten() {
                    return Some(Operand::Reg(b));
                }
                let b = self.broadcast(r);
                if let Some(slot) = self.broadcast_lets.get_mut(pos) {
                    *slot = Some(b);
                }
                Some(Operand::Reg(b))
            }
            (true, Lanes::Unit) => None,
        }
    }

    fn expr(&mut self, e: &TExpr, lanes: Lanes) -> Option<Operand> {
        match &e.kind {
            TKind::Const(v) => Some(Operand::Fixed(Fixed::Value(v.clone()))),
            TKind::Param(i) => Some(Operand::Fixed(Fixed::Param(*i))),
            TKind::Input(i) => self.input(*i, false, lanes),
            TKind::HeadInput(i) => self.input(*i, true, lanes),
            TKind::Member(f) => {
                if lanes != Lanes::Member {
                    return None;
                }
                match f {
                    MemberField::Kind => Some(Operand::Text(TextSrc::Kind)),
                    MemberField::IsHead => self.push(Kind::Bool, lanes, |dst| Op::IsHead { dst }),
                    MemberField::StartDate => {
                        self.push(Kind::Date, lanes, |dst| Op::MemberDate { end: false, dst })
                    }
                    MemberField::EndDate => {
                        self.push(Kind::Date, lanes, |dst| Op::MemberDate { end: true, dst })
                    }
                }
            }
            TKind::Let(pos) => self.let_read(*pos, lanes),
            TKind::AsOf => self.push(Kind::Date, lanes, |dst| Op::AsOf { dst }),
            TKind::CashTotal => match (self.cash_total, lanes) {
                (Some(r), Lanes::Unit) => Some(Operand::Reg(r)),
                _ => None,
            },
            TKind::Neg(x) => {
                let a = self.value_reg(x, lanes)?;
                self.push(Kind::Num, lanes, |dst| Op::Neg { a, dst })
            }
            TKind::Not(x) => {
                let a = self.bool_reg(x, lanes)?;
                self.push(Kind::Bool, lanes, |dst| Op::Not { a, dst })
            }
            TKind::And(x, y) | TKind::Or(x, y) => {
                let a = self.bool_reg(x, lanes)?;
                let b = self.bool_reg(y, lanes)?;
                let and = matches!(e.kind, TKind::And(..));
                self.push(Kind::Bool, lanes, |dst| {
                    if and {
                        Op::And { a, b, dst }
                    } else {
                        Op::Or { a, b, dst }
                    }
                })
            }
            TKind::Arith(op, x, y) => {
                let a = self.value_reg(x, lanes)?;
                let b = self.value_reg(y, lanes)?;
                if self.kind(a) != Some(Kind::Num) || self.kind(b) != Some(Kind::Num) {
                    return None;
                }
                match op {
                    ArithOp::Add | ArithOp::Sub | ArithOp::Mul => {
                        self.push(Kind::Num, lanes, |dst| Op::Arith { op: *op, a, b, dst })
                    }
                    ArithOp::Div => self.push(Kind::Ratio, lanes, |dst| Op::Div { a, b, dst }),
                    ArithOp::Mod => self.push(Kind::Num, lanes, |dst| Op::Mod { a, b, dst }),
                }
            }
            TKind::Compare(op, x, y) => self.compare(*op, x, y, lanes),
            TKind::In {
                value,
                list,
                negated,
            } => {
                let list = match self.expr(list, lanes)? {
                    Operand::Fixed(f) => f,
                    _ => return None,
                };
                match self.expr(value, lanes)? {
                    Operand::Text(src) => self.text_test(src, TextPred::In(list, *negated), lanes),
                    o => {
                        let mut a = self.reg(o, &value.ty, lanes)?;
                        if self.kind(a) == Some(Kind::Ratio) {
                            let m = self.new_reg(Kind::Num, lanes);
                            self.ops.push(Op::Materialize { a, dst: m });
                            a = m;
                        }
                        let negated = *negated;
                        self.push(Kind::Bool, lanes, |dst| Op::In {
                            a,
                            list,
                            negated,
                            dst,
                        })
                    }
                }
            }
            TKind::If(c, x, y) => {
                let kind = kind_of(&e.ty)?;
                let c = self.bool_reg(c, lanes)?;
                let a = self.value_reg(x, lanes)?;
                let b = self.value_reg(y, lanes)?;
                self.push(kind, lanes, |dst| Op::If { c, a, b, dst })
            }
            TKind::Call(f, args) => self.call(*f, args, &e.ty, lanes),
            TKind::Aggregate {
                func,
                filter,
                value,
            } => {
                if lanes != Lanes::Unit {
                    return None;
                }
                let filter = match filter {
                    Some(f) => Some(self.bool_reg(f, Lanes::Member)?),
                    None => None,
                };
                let value = match value {
                    Some(v) => Some(self.value_reg(v, Lanes::Member)?),
                    None => None,
                };
                let value_kind = value.and_then(|v| self.kind(v));
                let kind = match func {
                    Aggregate::Count => Kind::Num,
                    Aggregate::Sum if value_kind == Some(Kind::Num) => Kind::Num,
                    Aggregate::Avg if value_kind == Some(Kind::Num) => Kind::Ratio,
                    Aggregate::Min | Aggregate::Max
                        if matches!(value_kind, Some(Kind::Num | Kind::Date)) =>
                    {
                        value_kind.unwrap_or(Kind::Num)
                    }
                    Aggregate::Any | Aggregate::All
                        if value_kind.is_none_or(|k| k == Kind::Bool) =>
                    {
                        Kind::Bool
                    }
                    _ => return None,
                };
                let func = *func;
                let key = (func, filter, value);
                if let Some((_, r)) = self.aggregates.iter().find(|(k, _)| *k == key) {
                    return Some(Operand::Reg(*r));
                }
                let dst = self.new_reg(kind, lanes);
                self.ops.push(Op::Agg {
                    func,
                    filter,
                    value,
                    dst,
                });
                self.aggregates.push((key, dst));
                Some(Operand::Reg(dst))
            }
            _ => None,
        }
    }

    fn compare(&mut self, op: CmpOp, x: &TExpr, y: &TExpr, lanes: Lanes) -> Option<Operand> {
        if x.ty == Type::Text {
            return match (self.expr(x, lanes)?, self.expr(y, lanes)?) {
                (Operand::Text(src), Operand::Fixed(f)) => {
                    self.text_test(src, TextPred::Cmp(op, f), lanes)
                }
                (Operand::Fixed(f), Operand::Text(src)) => {
                    self.text_test(src, TextPred::Cmp(flip(op), f), lanes)
                }
                _ => None,
            };
        }
        kind_of(&x.ty)?;
        let ox = self.expr(x, lanes)?;
        let a = self.reg(ox, &x.ty, lanes)?;
        let oy = self.expr(y, lanes)?;
        let mut b = self.reg(oy, &y.ty, lanes)?;
        if self.kind(a) == Some(Kind::Ratio) && self.kind(b) == Some(Kind::Ratio) {
            let m = self.new_reg(Kind::Num, lanes);
            self.ops.push(Op::Materialize { a: b, dst: m });
            b = m;
        }
        self.push(Kind::Bool, lanes, |dst| Op::Cmp { op, a, b, dst })
    }

    fn call(&mut self, f: Builtin, args: &[TExpr], ty: &Type, lanes: Lanes) -> Option<Operand> {
        let first = args.first()?;
        match f {
            Builtin::Known => match self.expr(first, lanes)? {
                Operand::Text(src) => self.text_test(src, TextPred::Known, lanes),
                o => {
                    let a = self.reg(o, &first.ty, lanes)?;
                    self.push(Kind::Bool, lanes, |dst| Op::Known { a, dst })
                }
            },
            Builtin::HasKind => match self.expr(first, lanes)? {
                Operand::Fixed(k) => self.text_test(TextSrc::Kind, TextPred::HasKind(k), lanes),
                _ => None,
            },
            Builtin::Contains
            | Builtin::StartsWith
            | Builtin::EndsWith
            | Builtin::SameText
            | Builtin::Matches => {
                let second = args.get(1)?;
                match (self.expr(first, lanes)?, self.expr(second, lanes)?) {
                    (Operand::Text(src), Operand::Fixed(p)) => {
                        self.text_test(src, TextPred::Fn(f, p), lanes)
                    }
                    _ => None,
                }
            }
            Builtin::Amount => self.expr(first, lanes),
            Builtin::Coalesce | Builtin::Min | Builtin::Max | Builtin::Between => {
                let kind = if f == Builtin::Between {
                    kind_of(&first.ty)?
                } else {
                    kind_of(ty)?
                };
                let mut regs = Vec::with_capacity(args.len());
                for a in args {
                    regs.push(self.value_reg(a, lanes)?);
                }
                match f {
                    Builtin::Coalesce => {
                        self.push(kind, lanes, |dst| Op::Coalesce { args: regs, dst })
                    }
                    Builtin::Between => match regs.as_slice() {
                        [x, lo, hi] => {
                            let (x, lo, hi) = (*x, *lo, *hi);
                            self.push(Kind::Bool, lanes, |dst| Op::Between { x, lo, hi, dst })
                        }
                        _ => None,
                    },
                    _ if kind == Kind::Bool => None,
                    _ => self.push(kind, lanes, |dst| Op::MinMax {
                        less: f == Builtin::Min,
                        args: regs,
                        dst,
                    }),
                }
            }
            Builtin::Age
            | Builtin::AgeInMonths
            | Builtin::YearsBetween
            | Builtin::MonthsBetween
            | Builtin::DaysBetween
            | Builtin::AddDays
            | Builtin::AddMonths
            | Builtin::AddYears
            | Builtin::DaysAgo
            | Builtin::MonthsAgo
            | Builtin::YearsAgo
            | Builtin::Year
            | Builtin::Month
            | Builtin::Day
            | Builtin::Abs
            | Builtin::Floor
            | Builtin::Ceil
            | Builtin::Round => {
                let kind = kind_of(ty)?;
                let mut mode = RoundingMode::HalfUp;
                let mut regs = Vec::with_capacity(2);
                for (i, a) in args.iter().enumerate() {
                    if f == Builtin::Round && i == 2 {
                        match &a.kind {
                            TKind::Const(Value::Text(t)) => {
                                mode = RoundingMode::from_ident(t).unwrap_or(RoundingMode::HalfUp)
                            }
                            _ => return None,
                        }
                        continue;
                    }
                    regs.push(self.value_reg(a, lanes)?);
                }
                self.push(kind, lanes, |dst| Op::Call {
                    f,
                    args: regs,
                    mode,
                    dst,
                })
            }
            _ => None,
        }
    }

    /// A top-level expression of the unit as a register (quotients materialised).
    fn unit_value(&mut self, e: &TExpr) -> Option<Reg> {
        let r = self.value_reg(e, Lanes::Unit)?;
        (self.lanes(r) == Some(Lanes::Unit)).then_some(r)
    }
}

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
        Some(Plan {
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
