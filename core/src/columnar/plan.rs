//! The columnar plan: typed registers and the operations that fill them, compiled once per
//! program (see `compile`).

use super::num::Fx;
use chrono::NaiveDate;
use entitle_dsl::ast::RoundingMode;
use entitle_dsl::ir::{Aggregate, ArithOp, Builtin, CmpOp};
use entitle_dsl::Value;

/// A register: one column over the chunk's units or members.
pub(crate) type Reg = usize;

/// What a register holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Truth values (`None`: unknown).
    Bool,
    /// Numbers, amounts and quantities, in fixed point.
    Num,
    /// Quotients kept as their operands (see [`super::num::Ratio`]).
    Ratio,
    /// Dates.
    Date,
}

/// Which lanes a register has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lanes {
    /// One per unit of the chunk.
    Unit,
    /// One per member row of the chunk.
    Member,
}

/// A value known before the data: a constant, or a parameter (known once the as-of date is).
#[derive(Clone, Debug)]
pub(crate) enum Fixed {
    /// A constant of the program text.
    Value(Value),
    /// A parameter (index into the program's parameters).
    Param(usize),
}

/// Where an input's cells are.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Source {
    /// A unit-level column (slot).
    Unit(usize),
    /// A member column (slot), per member.
    Member(usize),
    /// A member column (slot), read from each unit's head.
    Head(usize),
}

/// A text the plan can test: a dictionary-coded column, or the membership's first kind.
#[derive(Clone, Debug)]
pub(crate) enum TextSrc {
    /// An input column, with the input's default.
    Col(Source, Option<String>),
    /// `kind` of the current member.
    Kind,
}

/// A test on a text, decided once per distinct text.
#[derive(Clone, Debug)]
pub(crate) enum TextPred {
    /// `text OP fixed`.
    Cmp(CmpOp, Fixed),
    /// `text in list` (negated: `not in`).
    In(Fixed, bool),
    /// `contains`, `starts_with`, `ends_with`, `same_text`, `matches` with a fixed second argument.
    Fn(Builtin, Fixed),
    /// `known(text)`.
    Known,
    /// `has_kind(fixed)` (membership kinds only).
    HasKind(Fixed),
}

/// One operation over a chunk.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// An input column (with its default) into a register of `kind`.
    Load {
        src: Source,
        default: Option<Value>,
        dst: Reg,
    },
    /// A text test.
    Text {
        src: TextSrc,
        pred: TextPred,
        dst: Reg,
    },
    /// `is_head`.
    IsHead { dst: Reg },
    /// `start_date` or `end_date` of the membership.
    MemberDate { end: bool, dst: Reg },
    /// A constant or parameter in every lane.
    Fixed { v: Fixed, dst: Reg },
    /// The as-of date in every lane.
    AsOf { dst: Reg },
    /// Each member gets its unit's value.
    Broadcast { src: Reg, dst: Reg },
    /// Kleene `not`.
    Not { a: Reg, dst: Reg },
    /// Kleene `and`.
    And { a: Reg, b: Reg, dst: Reg },
    /// Kleene `or`.
    Or { a: Reg, b: Reg, dst: Reg },
    /// `known(x)`.
    Known { a: Reg, dst: Reg },
    /// `if c then a else b`.
    If { c: Reg, a: Reg, b: Reg, dst: Reg },
    /// `coalesce(…)`.
    Coalesce { args: Vec<Reg>, dst: Reg },
    /// `+`, `-`, `*` on numbers.
    Arith {
        op: ArithOp,
        a: Reg,
        b: Reg,
        dst: Reg,
    },
    /// `/`: a quotient register.
    Div { a: Reg, b: Reg, dst: Reg },
    /// `mod`, by the interpreter's own operation.
    Mod { a: Reg, b: Reg, dst: Reg },
    /// `-x`.
    Neg { a: Reg, dst: Reg },
    /// A quotient's digits, as the interpreter's division gives them.
    Materialize { a: Reg, dst: Reg },
    /// A comparison of numbers (or a quotient with a number), dates or truth values.
    Cmp { op: CmpOp, a: Reg, b: Reg, dst: Reg },
    /// `age(date) OP n` with `n` fixed and `OP` an ordering (`<`, `<=`, `>`, `>=`): one pass over
    /// the dates against the birthdate where the comparison turns (`super::builtins::AgeTest`),
    /// without a register of ages.
    AgeCmp {
        op: CmpOp,
        date: Reg,
        n: Fixed,
        dst: Reg,
    },
    /// `min(…)` (`less`) or `max(…)`.
    MinMax {
        less: bool,
        args: Vec<Reg>,
        dst: Reg,
    },
    /// `between(x, lo, hi)`.
    Between { x: Reg, lo: Reg, hi: Reg, dst: Reg },
    /// `x in list` for numbers, dates and truth values.
    In {
        a: Reg,
        list: Fixed,
        negated: bool,
        dst: Reg,
    },
    /// Calendar and decimal functions, computed by the interpreter's own operations.
    Call {
        f: Builtin,
        args: Vec<Reg>,
        mode: RoundingMode,
        dst: Reg,
    },
    /// An aggregate over each unit's active members.
    Agg {
        func: Aggregate,
        filter: Option<Reg>,
        value: Option<Reg>,
        dst: Reg,
    },
}

/// The registers of one entitlement item.
#[derive(Clone, Debug)]
pub(crate) struct ItemRegs {
    pub cond: Option<Reg>,
    pub amount: Reg,
    pub times: Option<Reg>,
    pub up_to: Option<Reg>,
}

/// A program compiled to columnar operations.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    /// Kind and lanes of each register.
    pub regs: Vec<(Kind, Lanes)>,
    /// Lets, rules, items, cap and floor.
    pub main: Vec<Op>,
    /// The fee, run once the cash totals are known.
    pub fee_ops: Vec<Op>,
    /// The register the cash totals go into before `fee_ops`.
    pub cash_total: Option<Reg>,
    /// Each rule's truth (unit lanes).
    pub rules: Vec<Reg>,
    /// Each item's registers.
    pub items: Vec<ItemRegs>,
    /// `cap cash at`.
    pub cap: Option<Reg>,
    /// `floor cash at`.
    pub floor: Option<Reg>,
    /// The fee's amount.
    pub fee: Option<Reg>,
    /// `round cash to`.
    pub round: Option<(Fx, RoundingMode)>,
    /// Each score's register, then its components', in the decision's order.
    pub scores: Vec<Reg>,
    /// Steps the interpreter may take on a unit: a fixed part and a part per active member.
    pub steps: (u64, u64),
    /// `first match`.
    pub first_match: bool,
    /// Whether an operation reads each unit's head (chunks of other programs skip finding it).
    pub reads_head: bool,
}

impl Op {
    /// Whether the operation reads the unit's head (`Workspace::head`).
    pub(crate) fn reads_head(&self) -> bool {
        matches!(
            self,
            Op::Load {
                src: Source::Head(_),
                ..
            } | Op::Text {
                src: TextSrc::Col(Source::Head(_), _),
                ..
            }
        )
    }
}

/// A fixed value's scalar form, for filling a register.
pub(crate) fn scalar(v: &Value) -> Option<Scalar> {
    match v {
        Value::Bool(b) => Some(Scalar::Bool(*b)),
        Value::Number(d) => Fx::from_dec(*d).map(Scalar::Num),
        Value::Money(m) => Fx::from_dec(m.amount).map(Scalar::Num),
        Value::Quantity(q) => Fx::from_dec(q.amount).map(Scalar::Num),
        Value::Date(d) => Some(Scalar::Date(*d)),
        _ => None,
    }
}

/// A value in one lane.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scalar {
    /// A truth value.
    Bool(bool),
    /// A number.
    Num(Fx),
    /// A date.
    Date(NaiveDate),
}
