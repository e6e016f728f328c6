//! What a program carries besides its logic: `translation` sections, and `test` cases with their
//! data lines and expectations.

use super::{Expr, Ident, Text};
use crate::span::Span;
use chrono::NaiveDate;

/// `translation fr` and `key "text"` lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    /// The locale tag.
    pub locale: Ident,
    /// (identifier, translated sentence) pairs; `program` is the title.
    pub entries: Vec<(Ident, Text)>,
    /// The section keyword and locale.
    pub span: Span,
}

/// A test case inside a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCase {
    /// Its name.
    pub name: Text,
    /// The as-of date.
    pub as_of: (NaiveDate, Span),
    /// `household …`, `person …` and `member …` lines.
    pub records: Vec<TestRecord>,
    /// The `expect` line's expectations.
    pub expectations: Vec<Expectation>,
    /// An `expect` line, or an expectation on it, did not parse: its syntax error is reported,
    /// and the test is not also said to have no expectation.
    pub broken_expect: bool,
    /// The test line.
    pub span: Span,
}

/// What a test data line describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    /// `household …`
    Household,
    /// `member …`
    Member,
    /// `person …`
    Person,
    /// `record NAME …`: one record of a collection.
    Record,
}

/// A test data line: `member kind "child", birthdate 2020-05-01`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestRecord {
    /// Which record.
    pub kind: RecordKind,
    /// The collection, for `record NAME …` lines.
    pub collection: Option<Ident>,
    /// Field name and value pairs.
    pub fields: Vec<(Ident, Expr)>,
    /// The whole line.
    pub span: Span,
}

/// The expected decision of a test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectedDecision {
    /// `eligible`
    Eligible,
    /// `not_eligible`
    NotEligible,
    /// `undetermined`
    Undetermined,
}

/// One expectation of a test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// `eligible`, `not_eligible`, `undetermined`.
    Decision(ExpectedDecision, Span),
    /// `cash KES 2500`: the cash total (after cap, floor and rounding).
    Cash(Expr, Span),
    /// `net KES 2450`: the cash total less the fee.
    Net(Expr, Span),
    /// `fee KES 50`.
    Fee(Expr, Span),
    /// `item per_child KES 1000` or `item maize 30 kg`.
    Item(Ident, Expr, Span),
    /// `value rice KES 600`: the value of an in-kind item.
    Value(Ident, Expr, Span),
    /// `score pmt 42`, `score pmt.roof 5`: a score, or one of its components.
    Score(Ident, Option<Ident>, Expr, Span),
    /// `failed poor`: this rule's outcome is what made the unit not eligible.
    Failed(Ident, Span),
    /// `passed poor`: this rule's outcome is favourable.
    Passed(Ident, Span),
    /// `missing monthly_income`: this input is listed as missing.
    Missing(Ident, Span),
    /// `error R0001`: evaluation of the unit fails with this code.
    Error(Ident, Span),
}
