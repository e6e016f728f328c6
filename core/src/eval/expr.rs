//! The expression interpreter for one unit (and, inside aggregates, one member).

use super::ops::{self, OpError};
use super::value::Val;
use super::{Env, State};
use crate::batch::Column;
use crate::error::EvalError;
use entitle_dsl::ir::{Aggregate, ArithOp, CmpOp, MemberField, TExpr, TKind};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::cmp::Ordering;

type R<'a> = Result<Val<'a>, Box<EvalError>>;

mod calls;

/// Reads a column cell as a value (`None` when unknown).
pub(crate) fn cell<'a>(col: &'a Column, row: usize) -> Option<Val<'a>> {
    match col {
        Column::Bool(v) => v.get(row).copied().flatten().map(Val::Bool),
        Column::Decimal(v) => v.get(row).copied().flatten().map(Val::Dec),
        Column::Date(v) => v.get(row).copied().flatten().map(Val::Date),
        Column::Text(t) => t.get(row).map(|s| Val::Text(Cow::Borrowed(s))),
        Column::List(v) => v.get(row).and_then(|x| x.as_deref()).map(Val::List),
    }
}

fn truth(v: &Val<'_>) -> Option<bool> {
    match v {
        Val::Bool(b) => Some(*b),
        _ => None,
    }
}

fn dec(v: &Val<'_>) -> Option<Decimal> {
    match v {
        Val::Dec(d) => Some(*d),
        _ => None,
    }
}

impl<'a> Env<'a> {
    pub(crate) fn fail(&self, st: &State<'a>, e: OpError) -> EvalError {
        let at = st.at.to_string();
        match e {
            OpError::DivisionByZero => EvalError::DivisionByZero { at },
            OpError::Overflow => EvalError::Overflow { at },
            OpError::FutureDate => EvalError::FutureDate { at },
            OpError::DateRange => EvalError::DateOutOfRange { at },
            // Only the date functions count whole days, months and years; their calls name
            // themselves (`Env::not_whole`).
            OpError::NotWhole => EvalError::InvalidArgument {
                at,
                function: "a date function".into(),
            },
        }
    }

    /// Reads input `i` for the unit, or for active member `member`.
    pub(crate) fn input(&self, st: &mut State<'a>, i: usize, member: Option<usize>) -> Val<'a> {
        let Some(input) = self.p.ir.inputs.get(i) else {
            return Val::Unknown;
        };
        let got = if input.scope == entitle_dsl::ast::Scope::Member {
            let row = member.and_then(|k| st.active.get(k)).copied();
            row.and_then(|r| {
                self.batch
                    .member_cols
                    .get(input.slot)
                    .and_then(|c| cell(c, r as usize))
            })
        } else {
            self.batch
                .unit_cols
                .get(input.slot)
                .and_then(|c| cell(c, self.row))
        };
        match got {
            Some(v) => v,
            None => match &input.default {
                Some(d) => Val::from_value(d),
                None => {
                    st.mark_missing(i);
                    Val::Unknown
                }
            },
        }
    }

    /// Evaluates `e`. The leaves most expressions end in (constants, parameters, inputs, lets)
    /// are read here, inline in the caller: through [`Env::eval_node`] each paid for the frame
    /// of the whole interpreter (a fifth of one household's instructions went to entering and
    /// leaving it). A leaf counts one step, as every node does.
    #[inline(always)]
    pub(crate) fn eval(&self, st: &mut State<'a>, e: &'a TExpr, member: Option<usize>) -> R<'a> {
        if st.steps < st.max_steps {
            let leaf = match &e.kind {
                TKind::Const(v) => Val::from_value(v),
                TKind::Param(i) => match self.params.get(*i) {
                    Some(super::ParamAt { value: Some(v), .. }) => Val::from_value(v),
                    _ => return self.eval_node(st, e, member),
                },
                TKind::Input(i) => self.input(st, *i, member),
                TKind::Let(pos) => {
                    st.steps += 1;
                    return st.read_let(*pos, member);
                }
                _ => return self.eval_node(st, e, member),
            };
            st.steps += 1;
            return Ok(leaf);
        }
        self.eval_node(st, e, member)
    }

    /// Evaluates `e` when it is not a leaf [`Env::eval`] reads itself (or the unit is out of
    /// steps).
    #[inline(never)]
    fn eval_node(&self, st: &mut State<'a>, e: &'a TExpr, member: Option<usize>) -> R<'a> {
        st.steps += 1;
        if st.steps > st.max_steps {
            return Err(EvalError::TooMuchWork {
                limit: st.max_steps,
            }
            .into());
        }
        Ok(match &e.kind {
            TKind::Const(v) => Val::from_value(v),
            TKind::Input(i) => self.input(st, *i, member),
            TKind::HeadInput(i) => match st.head {
                Some(k) => self.input(st, *i, Some(k)),
                None => {
                    st.mark_missing(st.head_bit);
                    Val::Unknown
                }
            },
            TKind::Member(f) => {
                let row = member.and_then(|k| st.active.get(k)).map(|r| *r as usize);
                let v = match (f, row) {
                    (_, None) => return Ok(Val::Unknown),
                    (MemberField::Kind, Some(r)) => self
                        .batch
                        .member_kinds
                        .get(r)
                        .and_then(|k| k.first())
                        .map(|k| Val::Text(Cow::Borrowed(k))),
                    (MemberField::IsHead, Some(r)) => Some(Val::Bool(
                        self.batch.member_is_head.get(r).copied().unwrap_or(false),
                    )),
                    (MemberField::StartDate, Some(r)) => self
                        .batch
                        .member_start
                        .get(r)
                        .copied()
                        .flatten()
                        .map(Val::Date),
                    (MemberField::EndDate, Some(r)) => self
                        .batch
                        .member_end
                        .get(r)
                        .copied()
                        .flatten()
                        .map(Val::Date),
                };
                // A membership fact the registry did not give is missing, as an input is: an
                // undetermined decision names it.
                v.unwrap_or_else(|| {
                    st.mark_missing(st.member_field_bit(*f));
                    Val::Unknown
                })
            }
            TKind::Param(i) => match self.params.get(*i) {
                Some(super::ParamAt { value: Some(v), .. }) => Val::from_value(v),
                _ => {
                    let param = self
                        .p
                        .ir
                        .params
                        .get(*i)
                        .map(|p| p.name.clone())
                        .unwrap_or_default();
                    return Err(EvalError::NoParamValue {
                        param,
                        as_of: self.as_of,
                    }
                    .into());
                }
            },
            TKind::Let(pos) => st.read_let(*pos, member)?,
            TKind::AsOf => Val::Date(self.as_of),
            TKind::CashTotal => st.cash_total.map(Val::Dec).unwrap_or(Val::Unknown),
            TKind::Neg(x) => match self.eval(st, x, member)? {
                Val::Dec(d) => Val::Dec(-d),
                _ => Val::Unknown,
            },
            TKind::Not(x) => match truth(&self.eval(st, x, member)?) {
                Some(b) => Val::Bool(!b),
                None => Val::Unknown,
            },
            // Kleene logic, short-circuiting on the deciding value so irrelevant inputs are not read.
            TKind::And(a, b) => match truth(&self.eval(st, a, member)?) {
                Some(false) => Val::Bool(false),
                l => match (l, truth(&self.eval(st, b, member)?)) {
                    (_, Some(false)) => Val::Bool(false),
                    (Some(true), Some(true)) => Val::Bool(true),
                    _ => Val::Unknown,
                },
            },
            TKind::Or(a, b) => match truth(&self.eval(st, a, member)?) {
                Some(true) => Val::Bool(true),
                l => match (l, truth(&self.eval(st, b, member)?)) {
                    (_, Some(true)) => Val::Bool(true),
                    (Some(false), Some(false)) => Val::Bool(false),
                    _ => Val::Unknown,
                },
            },
            TKind::Arith(op, a, b) => {
                let l = self.eval(st, a, member)?;
                let r = self.eval(st, b, member)?;
                match (dec(&l), dec(&r)) {
                    (Some(x), Some(y)) => {
                        let v = match op {
                            ArithOp::Add => ops::add(x, y),
                            ArithOp::Sub => ops::sub(x, y),
                            ArithOp::Mul => ops::mul(x, y),
                            ArithOp::Div => ops::div(x, y),
                            ArithOp::Mod => ops::rem(x, y),
                        };
                        Val::Dec(v.map_err(|e| self.fail(st, e))?)
                    }
                    _ => Val::Unknown,
                }
            }
            TKind::Compare(op, a, b) => {
                let l = self.eval(st, a, member)?;
                let r = self.eval(st, b, member)?;
                if l.is_unknown() || r.is_unknown() {
                    Val::Unknown
                } else {
                    match l.compare(&r) {
                        Some(ord) => Val::Bool(holds(*op, ord)),
                        None => Val::Unknown,
                    }
                }
            }
            TKind::In {
                value,
                list,
                negated,
            } => {
                let v = self.eval(st, value, member)?;
                let l = self.eval(st, list, member)?;
                match (v.is_unknown(), l) {
                    (false, Val::List(items)) => {
                        Val::Bool(items.iter().any(|x| v.equals_value(x)) != *negated)
                    }
                    _ => Val::Unknown,
                }
            }
            TKind::If(c, a, b) => match truth(&self.eval(st, c, member)?) {
                Some(true) => self.eval(st, a, member)?,
                Some(false) => self.eval(st, b, member)?,
                None => Val::Unknown,
            },
            TKind::Call(f, args) => self.call(st, *f, args, member)?,
            TKind::Aggregate {
                func,
                filter,
                value,
            } => {
                let n = st.active.len();
                self.aggregate(st, n, *func, filter.as_deref(), value.as_deref())?
            }
            TKind::RecordField { set, field } => self.record_field(st, *set, *field, member),
            TKind::RecordAggregate {
                set,
                func,
                filter,
                value,
                by,
            } => {
                let n = st.records.get(*set).map(Vec::len).unwrap_or(0);
                match func {
                    Aggregate::Latest | Aggregate::Earliest => self.latest(
                        st,
                        n,
                        *func,
                        filter.as_deref(),
                        value.as_deref(),
                        by.as_deref(),
                    )?,
                    _ => self.aggregate(st, n, *func, filter.as_deref(), value.as_deref())?,
                }
            }
        })
    }

    /// An aggregate over `n` members or records (the current one is passed to sub-expressions as
    /// the index `k`).
    pub(crate) fn aggregate(
        &self,
        st: &mut State<'a>,
        n: usize,
        func: Aggregate,
        filter: Option<&'a TExpr>,
        value: Option<&'a TExpr>,
    ) -> R<'a> {
        // `count(members)`: nothing to evaluate per member.
        if let (Aggregate::Count, None, None) = (func, filter, value) {
            return Ok(Val::Dec(Decimal::from(n)));
        }
        let mut count: i64 = 0;
        let mut unknown = false;
        let mut acc: Option<Val<'a>> = None;
        let mut sum = Decimal::ZERO;
        // For any/all: Kleene OR / AND over members.
        let mut kleene: Option<bool> = Some(func == Aggregate::All);
        for k in 0..n {
            let included = match filter {
                None => Some(true),
                Some(f) => truth(&self.eval(st, f, Some(k))?),
            };
            match func {
                Aggregate::Any => {
                    let v = match (included, value) {
                        (Some(false), _) => Some(false),
                        (inc, None) => inc,
                        (inc, Some(p)) => match (inc, truth(&self.eval(st, p, Some(k))?)) {
                            (_, Some(false)) => Some(false),
                            (Some(true), Some(true)) => Some(true),
                            _ => None,
                        },
                    };
                    kleene = match (kleene, v) {
                        (Some(true), _) | (_, Some(true)) => Some(true),
                        (Some(false), Some(false)) => Some(false),
                        _ => None,
                    };
                    if kleene == Some(true) {
                        break;
                    }
                }
                Aggregate::All => {
                    let v = match (included, value) {
                        (Some(false), _) => Some(true),
                        (_, None) => Some(true),
                        (inc, Some(p)) => match (inc, truth(&self.eval(st, p, Some(k))?)) {
                            (_, Some(true)) => Some(true),
                            (Some(true), Some(false)) => Some(false),
                            _ => None,
                        },
                    };
                    kleene = match (kleene, v) {
                        (Some(false), _) | (_, Some(false)) => Some(false),
                        (Some(true), Some(true)) => Some(true),
                        _ => None,
                    };
                    if kleene == Some(false) {
                        break;
                    }
                }
                _ => match included {
                    Some(false) => {}
                    None => unknown = true,
                    Some(true) => {
                        count += 1;
                        if let Some(vexpr) = value {
                            let v = self.eval(st, vexpr, Some(k))?;
                            if v.is_unknown() {
                                unknown = true;
                                continue;
                            }
                            match func {
                                Aggregate::Sum | Aggregate::Avg => {
                                    if let Some(d) = dec(&v) {
                                        sum = ops::add(sum, d).map_err(|e| self.fail(st, e))?;
                                    }
                                }
                                Aggregate::Min | Aggregate::Max => {
                                    let better = match &acc {
                                        None => true,
                                        Some(cur) => {
                                            let ord = v.compare(cur);
                                            if func == Aggregate::Min {
                                                ord == Some(Ordering::Less)
                                            } else {
                                                ord == Some(Ordering::Greater)
                                            }
                                        }
                                    };
                                    if better {
                                        acc = Some(v);
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                },
            }
        }
        Ok(match func {
            Aggregate::Any | Aggregate::All => kleene.map(Val::Bool).unwrap_or(Val::Unknown),
            _ if unknown => Val::Unknown,
            Aggregate::Count => Val::Dec(Decimal::from(count)),
            Aggregate::Sum => Val::Dec(sum),
            Aggregate::Avg => {
                if count == 0 {
                    Val::Unknown
                } else {
                    Val::Dec(ops::div(sum, Decimal::from(count)).map_err(|e| self.fail(st, e))?)
                }
            }
            Aggregate::Min | Aggregate::Max => acc.unwrap_or(Val::Unknown),
            // Only over records, evaluated by `latest`.
            Aggregate::Latest | Aggregate::Earliest => Val::Unknown,
        })
    }

    /// Evaluates without recording missing inputs (for `known` and `coalesce`, which handle absence).
    fn eval_quiet(&self, st: &mut State<'a>, e: &'a TExpr, member: Option<usize>) -> R<'a> {
        let was = std::mem::replace(&mut st.quiet, true);
        let v = self.eval(st, e, member);
        st.quiet = was;
        v
    }
}

pub(crate) fn holds(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
    }
}
