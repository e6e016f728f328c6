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
    /// Record collections (`records`), in declaration order.
    pub records: Vec<RecordSet>,
    /// Scores (`score`), in declaration order.
    pub scores: Vec<Score>,
    /// Code lists (`codes`), in declaration order.
    pub codes: Vec<CodeList>,
    /// Values the host computes before evaluation (`functions`), in declaration order.
    pub functions: Vec<HostFunction>,
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
    /// For the value of a host function (`functions`): the host computes it before evaluation.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub host: bool,
}

/// A collection of records that each unit has (`records visits …`): events, ID documents, phone
/// numbers, enrolments in other programs, relationships.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecordSet {
    /// The collection's name: the key of the unit's data.
    pub name: String,
    /// A label for forms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The fields of each record; [`Input::slot`] numbers them within the collection and
    /// [`Input::scope`] is [`Scope::Record`].
    pub fields: Vec<Input>,
    /// `dated by FIELD` (an index into `fields`): records dated after the as-of date do not count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dated_by: Option<usize>,
}

/// A score: the sum of named components, each recorded in decisions and explained.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// The score's name.
    pub id: String,
    /// A human sentence.
    pub sentence: Option<String>,
    /// The `let` (position in [`Program::lets`]) that holds the score.
    pub let_pos: usize,
    /// The components, in written order.
    pub components: Vec<ScoreComponent>,
}

/// One component of a score.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreComponent {
    /// The component's identifier.
    pub id: String,
    /// Its human sentence.
    pub sentence: String,
    /// The `let` (position in [`Program::lets`]) that holds its value.
    pub let_pos: usize,
    /// Unit-level names it reads, for explanations.
    pub refs: Vec<Ref>,
}

/// A code list (vocabulary): entries and the codes registries use for them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CodeList {
    /// The list's name.
    pub name: String,
    /// A label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The entries, in written order.
    pub entries: Vec<CodeListEntry>,
}

/// An entry of a code list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CodeListEntry {
    /// The entry's name.
    pub name: String,
    /// A label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The codes that mean this entry, as written.
    pub codes: Vec<String>,
}

/// A value the host computes for each unit (or member) before evaluation, from named inputs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HostFunction {
    /// The function's name, which is also the name of the input that carries its value.
    pub name: String,
    /// The inputs the host computes it from, in order.
    pub args: Vec<String>,
    /// The type of its value.
    #[serde(rename = "type")]
    pub ty: Type,
    /// A label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The input (index into [`Program::inputs`]) that carries its value.
    pub input: usize,
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
        self.values
            .iter()
            .rev()
            .find(|v| v.from.is_none_or(|f| f <= date))
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
    /// `union`: the units it holds for are added to those the rules before it select.
    pub union: bool,
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
    /// Caps on the sum of groups of items (`cap a + b at amount`), applied before the overall cap.
    pub group_caps: Vec<GroupCap>,
}

/// `cap a + b at amount`: a cap on the sum of some items (OpenG2P 3.x: the `max_quantity` of a
/// benefit code, over the rules of that code).
#[derive(Clone, Debug, PartialEq)]
pub struct GroupCap {
    /// The items (indices into [`Entitlement::items`]), all cash or all in kind in one unit.
    pub items: Vec<usize>,
    /// The cap.
    pub amount: TExpr,
    /// Cash or in kind.
    pub kind: ItemKind,
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
    /// `valued at`: the price of one unit of an in-kind item, in the program's currency.
    pub valued: Option<TExpr>,
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
    /// Records: collection name and each record's field names and values.
    pub records: Vec<(String, Vec<(String, Value)>)>,
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
    /// An in-kind item's value (`valued at`).
    ItemValue(String, Value),
    /// A score's value, or one of its components' (`(score, component)`).
    Score(String, Option<String>, Value),
    /// A rule that decided against the unit.
    Failed(String),
    /// A rule that holds in the unit's favour.
    Passed(String),
    /// An input listed as missing.
    Missing(String),
    /// An evaluation error code.
    Error(String),
}
