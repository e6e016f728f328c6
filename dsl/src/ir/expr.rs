//! Typed expressions: their kinds, operators, aggregates and built-in functions.

#[cfg(doc)]
use super::{Program, RecordSet};
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;

/// A typed expression.
#[derive(Clone, Debug, PartialEq)]
pub struct TExpr {
    /// What it computes.
    pub kind: TKind,
    /// Its type.
    pub ty: Type,
    /// Where it is written.
    pub span: Span,
}

/// The names a household's decision lists as missing besides its inputs, in this order: `head`
/// (no member is the head), then a member's `kind`, `start_date` and `end_date` the registry did
/// not give. `entitle-core` numbers its missing-input bits by it, and a program's test may name
/// them in `expect … missing`.
pub const MISSING_FACTS: [&str; 4] = ["head", "kind", "start_date", "end_date"];

/// Membership facts available inside member expressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemberField {
    /// The first membership kind (`kind`).
    Kind,
    /// Whether one of the kinds is `head` (any case) (`is_head`).
    IsHead,
    /// `start_date` of the membership.
    StartDate,
    /// `end_date` of the membership.
    EndDate,
}

/// Arithmetic operators, after type checking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `mod`
    Mod,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Aggregates over members.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Aggregate {
    /// Number of members.
    Count,
    /// Sum of a value over members.
    Sum,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Average value (exact division).
    Avg,
    /// Some member satisfies the condition.
    Any,
    /// Every member satisfies the condition.
    All,
    /// The value at the record whose ordering key is greatest (ties: the last in the data).
    Latest,
    /// The value at the record whose ordering key is smallest (ties: the first in the data).
    Earliest,
}

/// Built-in scalar functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `age(date)`: whole years completed at the as-of date.
    Age,
    /// `age_in_months(date)`: whole months completed at the as-of date.
    AgeInMonths,
    /// `years_between(a, b)`: whole years from a to b.
    YearsBetween,
    /// `months_between(a, b)`: whole months from a to b.
    MonthsBetween,
    /// `days_between(a, b)`: days from a to b.
    DaysBetween,
    /// `add_days(date, n)`.
    AddDays,
    /// `add_months(date, n)`, clamped to the month's end.
    AddMonths,
    /// `add_years(date, n)`, clamped (29 February → 28 February).
    AddYears,
    /// `days_ago(n)`: the as-of date minus n days.
    DaysAgo,
    /// `months_ago(n)`.
    MonthsAgo,
    /// `years_ago(n)`.
    YearsAgo,
    /// `year(date)`.
    Year,
    /// `month(date)`.
    Month,
    /// `day(date)`.
    Day,
    /// `min(a, b, …)`.
    Min,
    /// `max(a, b, …)`.
    Max,
    /// `abs(x)`.
    Abs,
    /// `round(x, step_or_places, mode)`.
    Round,
    /// `floor(x)`: largest whole number not above x.
    Floor,
    /// `ceil(x)`: smallest whole number not below x.
    Ceil,
    /// `between(x, low, high)`: inclusive.
    Between,
    /// `known(x)`: whether x is known (never unknown itself).
    Known,
    /// `coalesce(x, y, …)`: the first known value.
    Coalesce,
    /// `lower(text)`.
    Lower,
    /// `upper(text)`.
    Upper,
    /// `trim(text)`.
    Trim,
    /// `length(text)`: characters.
    Length,
    /// `contains(text, part)`.
    Contains,
    /// `starts_with(text, prefix)`.
    StartsWith,
    /// `ends_with(text, suffix)`.
    EndsWith,
    /// `same_text(a, b)`: equal ignoring case and surrounding spaces.
    SameText,
    /// `matches(text, "pattern")`: regular expression (linear time, no backtracking).
    Matches,
    /// `size(list)`.
    Size,
    /// `amount(money)`: the number of a money amount.
    Amount,
    /// `has_kind("principal")`: the member's membership has this kind (any case).
    HasKind,
    /// `lookup(table, key)` or `lookup(table, key, default)`: the value for a key (R0012 when
    /// the key is absent and no default is given).
    Lookup,
    /// `band(x, table)`: the value of the greatest key not above x (R0012 below the first key).
    Band,
    /// `power(x, n)`: x to a whole power (R0013 when n is not a whole number from -64 to 64).
    Power,
    /// `is_code(x, codes.entry)` or `is_code(x, codes)`: x is one of the codes, ignoring case and
    /// surrounding spaces. The second argument is compiled to the list of codes, trimmed and in lower
    /// case.
    IsCode,
}

/// The kinds of typed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum TKind {
    /// A constant.
    Const(Value),
    /// An input of the unit, or of the current member inside a member expression (index into
    /// [`Program::inputs`]).
    Input(usize),
    /// A member input read from the household's head (`head.x`).
    HeadInput(usize),
    /// A membership fact of the current member.
    Member(MemberField),
    /// A parameter's value in force at the as-of date.
    Param(usize),
    /// A `let` (index into [`Program::lets`]); a member `let` reads the current member's value.
    Let(usize),
    /// The as-of date (`as_of_date`).
    AsOf,
    /// The cash total before the fee (only in a `fee` line).
    CashTotal,
    /// `-x`
    Neg(Box<TExpr>),
    /// `not x` (Kleene).
    Not(Box<TExpr>),
    /// `a and b` (Kleene).
    And(Box<TExpr>, Box<TExpr>),
    /// `a or b` (Kleene).
    Or(Box<TExpr>, Box<TExpr>),
    /// Arithmetic.
    Arith(ArithOp, Box<TExpr>, Box<TExpr>),
    /// Comparison.
    Compare(CmpOp, Box<TExpr>, Box<TExpr>),
    /// `x in list` / `x not in list`.
    In {
        /// The value.
        value: Box<TExpr>,
        /// The list.
        list: Box<TExpr>,
        /// `not in`.
        negated: bool,
    },
    /// `if c then a else b`.
    If(Box<TExpr>, Box<TExpr>, Box<TExpr>),
    /// A built-in function; rounding modes are passed as `Const(Text)` arguments.
    Call(Builtin, Vec<TExpr>),
    /// An aggregate over the members active at the as-of date.
    Aggregate {
        /// Which aggregate.
        func: Aggregate,
        /// `members where filter`.
        filter: Option<Box<TExpr>>,
        /// The per-member value (or condition, for `any` and `all`).
        value: Option<Box<TExpr>>,
    },
    /// A field of the current record, inside an aggregate over a collection.
    RecordField {
        /// The collection (index into [`Program::records`]).
        set: usize,
        /// The field (index into [`RecordSet::fields`]).
        field: usize,
    },
    /// An aggregate over the records of a collection that count on the as-of date.
    RecordAggregate {
        /// The collection (index into [`Program::records`]).
        set: usize,
        /// Which aggregate.
        func: Aggregate,
        /// `visits where filter`.
        filter: Option<Box<TExpr>>,
        /// The per-record value (or condition, for `any` and `all`).
        value: Option<Box<TExpr>>,
        /// For `latest` and `earliest`: the per-record ordering key.
        by: Option<Box<TExpr>>,
    },
}
