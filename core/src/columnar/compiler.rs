//! The compiler's state: registers, constants, loads of inputs and reads of lets, each
//! expression's result before and after it is put in a register.

use super::num::Fx;
use super::plan::{Fixed, Kind, Lanes, Op, Reg, Source, TextSrc};
use entitle_dsl::ast::Scope;
use entitle_dsl::ir::{self, Aggregate, TExpr};
use entitle_dsl::{Type, Value};

/// An aggregate by what it computes: its function, filter and value registers.
type AggKey = (Aggregate, Option<Reg>, Option<Reg>);

pub(super) struct Compiler<'a> {
    pub(super) ir: &'a ir::Program,
    pub(super) regs: Vec<(Kind, Lanes)>,
    pub(super) ops: Vec<Op>,
    pub(super) lets: Vec<Option<Reg>>,
    pub(super) broadcast_lets: Vec<Option<Reg>>,
    pub(super) cash_total: Option<Reg>,
    /// Registers already loaded from an input: (input, from the head, lanes).
    pub(super) loads: Vec<((usize, bool, Lanes), Reg)>,
    /// Aggregates already computed, by function, filter and value: a program that writes
    /// `count(members)` twice counts once.
    pub(super) aggregates: Vec<(AggKey, Reg)>,
}

/// An expression's result before it is put in a register.
pub(super) enum Operand {
    Reg(Reg),
    Text(TextSrc),
    Fixed(Fixed),
}

pub(super) fn kind_of(ty: &Type) -> Option<Kind> {
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

impl<'a> Compiler<'a> {
    pub(super) fn new_reg(&mut self, kind: Kind, lanes: Lanes) -> Reg {
        self.regs.push((kind, lanes));
        self.regs.len() - 1
    }

    pub(super) fn kind(&self, r: Reg) -> Option<Kind> {
        self.regs.get(r).map(|k| k.0)
    }

    pub(super) fn lanes(&self, r: Reg) -> Option<Lanes> {
        self.regs.get(r).map(|k| k.1)
    }

    /// Whether a fixed value (every value of a parameter) fits `kind`.
    pub(super) fn fixed_fits(&self, f: &Fixed, kind: Kind) -> bool {
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
    pub(super) fn reg(&mut self, o: Operand, ty: &Type, lanes: Lanes) -> Option<Reg> {
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
    pub(super) fn value_reg(&mut self, e: &TExpr, lanes: Lanes) -> Option<Reg> {
        let o = self.expr(e, lanes)?;
        let r = self.reg(o, &e.ty, lanes)?;
        if self.kind(r) == Some(Kind::Ratio) {
            let dst = self.new_reg(Kind::Num, lanes);
            self.ops.push(Op::Materialize { a: r, dst });
            return Some(dst);
        }
        Some(r)
    }

    pub(super) fn bool_reg(&mut self, e: &TExpr, lanes: Lanes) -> Option<Reg> {
        let r = self.value_reg(e, lanes)?;
        (self.kind(r) == Some(Kind::Bool)).then_some(r)
    }

    pub(super) fn push(
        &mut self,
        kind: Kind,
        lanes: Lanes,
        make: impl FnOnce(Reg) -> Op,
    ) -> Option<Operand> {
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

    pub(super) fn input(&mut self, i: usize, head: bool, lanes: Lanes) -> Option<Operand> {
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

    pub(super) fn let_read(&mut self, pos: usize, lanes: Lanes) -> Option<Operand> {
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

    /// A top-level expression of the unit as a register (quotients materialised).
    pub(super) fn unit_value(&mut self, e: &TExpr) -> Option<Reg> {
        let r = self.value_reg(e, Lanes::Unit)?;
        (self.lanes(r) == Some(Lanes::Unit)).then_some(r)
    }
}
