//! Expressions to operations: operators, comparisons, text tests, calls of builtins and
//! aggregates over members.

use super::compiler::{kind_of, Compiler, Operand};
use super::plan::{Fixed, Kind, Lanes, Op, Source, TextPred, TextSrc};
use entitle_dsl::ast::RoundingMode;
use entitle_dsl::ir::{Aggregate, ArithOp, Builtin, CmpOp, MemberField, TExpr, TKind};
use entitle_dsl::{Type, Value};

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

impl Compiler<'_> {
    fn text_test(&mut self, src: TextSrc, pred: TextPred, lanes: Lanes) -> Option<Operand> {
        if matches!(src, TextSrc::Kind) && lanes != Lanes::Member {
            return None;
        }
        if matches!(src, TextSrc::Col(Source::Member(_), _)) && lanes != Lanes::Member {
            return None;
        }
        self.push(Kind::Bool, lanes, |dst| Op::Text { src, pred, dst })
    }

    pub(super) fn expr(&mut self, e: &TExpr, lanes: Lanes) -> Option<Operand> {
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
        if let Some(o) = self.age_compare(op, x, y, lanes) {
            return o;
        }
        if let Some(o) = self.age_compare(flip(op), y, x, lanes) {
            return o;
        }
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

    /// `age(d) OP n` with `n` a constant or parameter and `OP` an ordering, as one operation
    /// ([`Op::AgeCmp`]); `None` when the comparison is not of that shape (the outer `Option` is
    /// the result the caller returns).
    fn age_compare(
        &mut self,
        op: CmpOp,
        x: &TExpr,
        y: &TExpr,
        lanes: Lanes,
    ) -> Option<Option<Operand>> {
        if !matches!(op, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge) {
            return None;
        }
        let TKind::Call(Builtin::Age, args) = &x.kind else {
            return None;
        };
        let [d] = args.as_slice() else { return None };
        let n = match &y.kind {
            TKind::Const(v) => Fixed::Value(v.clone()),
            TKind::Param(i) => Fixed::Param(*i),
            _ => return None,
        };
        if !self.fixed_fits(&n, Kind::Num) {
            return None;
        }
        Some((|| {
            let date = self.value_reg(d, lanes)?;
            (self.kind(date) == Some(Kind::Date)).then_some(())?;
            self.push(Kind::Bool, lanes, |dst| Op::AgeCmp { op, date, n, dst })
        })())
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
}
