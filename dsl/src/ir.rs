//! The checked program: names resolved to slots, every expression typed.
//!
//! This is what [`crate::check`] produces and what `entitle-core` compiles into its evaluation plan.
//! Nothing here refers back to names at evaluation time: inputs, parameters and `let`s are indices.

use crate::ast::{ItemKind, RoundingMode, RuleKind, Scope, SelectionMode, Target};
use crate::currency::Currency;
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// A checked program.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// The program identifier.
    pub id: String,
    /// The human title.
    pub title: Option<String>,
    /// The program version.
    pub version: Option<String>,
    /// Households or individuals.
    pub target: Target,
    /// The program's currency (needed as soon as it uses money).
    pub currency: Option<Currency>,
    /// Declared inputs, in declaration order. [`Input::slot`] numbers them within their scope.
    pub inputs: Vec<Input>,
    /// Parameters, in declaration order.
    pub params: Vec<Param>,
    /// `let`s, in an order where each comes after everything it uses.
    pub lets: Vec<Let>,
    /// Eligibility rules, in written order.
    pub rules: Vec<Rule>,
    /// The entitlement section.
    pub entitlement: Entitlement,
    /// Translated sentences: locale → identifier → text (`title` for the program title).
    pub translations: BTreeMap<String, BTreeMap<String, String>>,
    /// The program's own tests.
    pub tests: Vec<Test>,
    /// What the program declares about runs over a population: compliance conditions,
    /// deduplication, selection and cycles (empty when it declares none).
    pub run: crate::run::RunModel,
}

impl Program {
    /// The inputs of one scope, in slot order.
    pub fn inputs_of(&self, scope: Scope) -> impl Iterator<Item = &Input> {
        self.inputs.iter().filter(move |i| i.scope == scope)
    }

    /// The scope of unit-level inputs for this program's target.
    pub fn unit_scope(&self) -> Scope {
        match self.target {
            Target::Household => Scope::Household,
            Target::Individual => Scope::Person,
        }
    }
}

/// A declared input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Input {
    /// Household, member or person.
    pub scope: Scope,
    /// The name, as in the registry's column or field.
    pub name: String,
    /// The declared type.
    #[serde(rename = "type")]
    pub ty: Type,
    /// A label for forms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The value used when the input is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// The allowed values, when declared with `one of`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<Value>>,
    /// Position among the inputs of the same scope.
    #[serde(skip)]
    pub slot: usize,
    /// Whether any rule, item or `let` reads it.
    pub used: bool,
}

/// A parameter with its effective-dated values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Param {
    /// The name.
    pub name: String,
    /// The type.
    #[serde(rename = "type")]
    pub ty: Type,
    /// A label for explanations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Values sorted by the date they are in force from (`None`, meaning always, first).
    pub values: Vec<ParamValue>,
}

/// A parameter value and the date it is in force from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamValue {
    /// In force from this date (inclusive); `None` means from the beginning.
    pub from: Option<NaiveDate>,
    /// The value.
    pub value: Value,
}

impl Param {
    /// The value in force on `date`: the one with the latest `from` on or before it.
    pub fn value_on(&self, date: NaiveDate) -> Option<&ParamValue> {
        self.values.iter().rev().find(|v| v.from.is_none_or(|f| f <= date))
    }
}

/// A `let`.
#[derive(Clone, Debug, PartialEq)]
pub struct Let {
    /// The name.
    pub name: String,
    /// A human description.
    pub sentence: Option<String>,
    /// Computed once per unit, or once per member (`let member.x`).
    pub per_member: bool,
    /// Position among the lets of the same kind (unit or member).
    pub slot: usize,
    /// The definition.
    pub expr: TExpr,
    /// Where it is defined.
    pub span: Span,
}

/// A name an explanation reports the value of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ref {
    /// A unit-level input (index into [`Program::inputs`]).
    Input(usize),
    /// A parameter (index into [`Program::params`]).
    Param(usize),
    /// A unit-level `let` (index into [`Program::lets`]).
    Let(usize),
}

/// An eligibility rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Identifier.
    pub id: String,
    /// When or unless.
    pub kind: RuleKind,
    /// Human sentence.
    pub sentence: String,
    /// The condition.
    pub expr: TExpr,
    /// Unit-level names the condition reads, for explanations.
    pub refs: Vec<Ref>,
    /// Where it is.
    pub span: Span,
}

/// The entitlement section.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Entitlement {
    /// How items combine.
    pub mode: Option<SelectionMode>,
    /// The items, in written order.
    pub items: Vec<Item>,
    /// The transfer fee.
    pub fee: Option<Fee>,
    /// The cap on the cash total.
    pub cap: Option<TExpr>,
    /// The floor under a non-zero cash total (only when written).
    pub floor: Option<TExpr>,
    /// Rounding of the cash total: step and mode.
    pub round: Option<(Decimal, RoundingMode)>,
}

impl Entitlement {
    /// The selection mode (all items unless `first match` was written).
    pub fn selection(&self) -> SelectionMode {
        self.mode.unwrap_or(SelectionMode::All)
    }
}

/// An entitlement item.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Cash or in kind.
    pub kind: ItemKind,
    /// Identifier.
    pub id: String,
    /// Human sentence.
    pub sentence: String,
    /// The amount per multiplier unit.
    pub amount: TExpr,
    /// The multiplier.
    pub times: Option<TExpr>,
    /// The maximum multiplier.
    pub up_to: Option<TExpr>,
    /// The condition.
    pub condition: Option<TExpr>,
    /// Unit-level names the item reads, for explanations.
    pub refs: Vec<Ref>,
    /// The unit of measure, for in-kind items.
    pub unit: Option<String>,
    /// Where it is.
    pub span: Span,
}

/// A transfer fee.
#[derive(Clone, Debug, PartialEq)]
pub struct Fee {
    /// Identifier.
    pub id: String,
    /// Human sentence.
    pub sentence: String,
    /// The fee (may read `cash_total`).
    pub amount: TExpr,
}

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
}

/// A test case written in the program.
#[derive(Clone, Debug, PartialEq)]
pub struct Test {
    /// Its name.
    pub name: String,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// The unit's own attributes (household or person): input name and value.
    pub attributes: Vec<(String, Value)>,
    /// Members (household programs).
    pub members: Vec<TestMember>,
    /// What is expected.
    pub expectations: Vec<Expectation>,
    /// Where the test starts.
    pub span: Span,
}

/// A member in a test.
#[derive(Clone, Debug, PartialEq)]
pub struct TestMember {
    /// Member id (`id "M1"`), or a generated one.
    pub id: String,
    /// Membership kinds (`kind "head"`).
    pub kinds: Vec<String>,
    /// Membership start.
    pub start_date: Option<NaiveDate>,
    /// Membership end (the first day it no longer counts).
    pub end_date: Option<NaiveDate>,
    /// Attributes: input name and value.
    pub attributes: Vec<(String, Value)>,
}

/// An expected outcome.
#[derive(Clone, Debug, PartialEq)]
pub enum Expectation {
    /// The decision.
    Decision(crate::ast::ExpectedDecision),
    /// The cash total.
    Cash(Value),
    /// The cash total less the fee.
    Net(Value),
    /// The fee.
    Fee(Value),
    /// An item's amount (money or quantity).
    Item(String, Value),
    /// A rule that decided against the unit.
    Failed(String),
    /// A rule that holds in the unit's favour.
    Passed(String),
    /// An input listed as missing.
    Missing(String),
    /// An evaluation error code.
    Error(String),
}
