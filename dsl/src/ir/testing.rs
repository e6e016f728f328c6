//! The program's own tests, as checked: the unit's data and the expected outcomes.

use crate::span::Span;
use crate::value::Value;
use chrono::NaiveDate;

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
