//! The syntax tree of a program file, as written.
//!
//! Produced by [`crate::parse`]; names are not resolved and types are not known yet (that is
//! [`crate::check`]'s work). Every node keeps its [`Span`]; spans are ignored by equality.

use crate::span::Span;

mod decl;
mod expr;
mod rules;
mod run;
mod testing;
pub use decl::{
    CodeEntry, CodesSection, Component, FieldDecl, FunctionDecl, InputDecl, LetDecl, ParamDecl,
    ParamValue, RecordsSection, Scope, ScoreSection, TypeExpr,
};
pub use expr::{BinaryOp, Expr, ExprKind, UnaryOp};
pub use rules::{
    EntitlementEntry, EntitlementItem, EntitlementSection, ItemKind, LimitKind, RoundingMode, Rule,
    RuleKind, SelectionMode,
};
pub use run::{
    ComplianceEntry, CycleDecl, CycleEvery, DedupBy, DedupEntry, SelectionEntry, SummaryDecl,
    SummaryDim,
};
pub use testing::{Expectation, ExpectedDecision, RecordKind, TestCase, TestRecord, Translation};

/// A name as written, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// A quoted text as written (escapes already resolved).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// The text.
    pub value: String,
    /// Where it is, quotes included.
    pub span: Span,
}

/// A whole program file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramFile {
    /// The `program` line and its properties.
    pub header: Header,
    /// The sections, in the order written.
    pub items: Vec<Item>,
    /// Every comment, in source order (kept for the formatter).
    pub comments: Vec<Comment>,
}

/// A `# …` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`, trimmed on the right.
    pub text: String,
    /// Where it is.
    pub span: Span,
    /// True when code precedes it on its line.
    pub trailing: bool,
}

/// What a program evaluates: households (groups with members) or individuals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Groups with members (OpenG2P's default target type).
    Household,
    /// One person per unit.
    Individual,
}

/// `program id "title" version "v"` and its indented properties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The program identifier.
    pub id: Ident,
    /// The human title.
    pub title: Option<Text>,
    /// The program version.
    pub version: Option<Text>,
    /// `target household` or `target individual` (household when absent).
    pub target: Option<(Target, Span)>,
    /// `currency KES`.
    pub currency: Option<Ident>,
    /// `cycle monthly from 2026-01-01 count 12`.
    pub cycle: Option<CycleDecl>,
    /// The whole header.
    pub span: Span,
}

/// A top-level section or statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `inputs` and its declarations.
    Inputs(Section<InputDecl>),
    /// `params` and its declarations.
    Params(Section<ParamDecl>),
    /// `let name = expr`.
    Let(LetDecl),
    /// `eligible when` and its rules.
    Eligibility(Section<Rule>),
    /// `entitlement` and its lines.
    Entitlement(EntitlementSection),
    /// `translation fr` and its sentences.
    Translation(Translation),
    /// `test "name" as of DATE` and its lines.
    Test(TestCase),
    /// `compliant when` and its conditions.
    Compliance(Section<ComplianceEntry>),
    /// `selection` and its lines.
    Selection(Section<SelectionEntry>),
    /// `deduplicate` and its rules.
    Deduplicate(Section<DedupEntry>),
    /// `summary by …`: what a run's summary reports by.
    Summary(SummaryDecl),
    /// `score id "sentence"` and its components.
    Score(ScoreSection),
    /// `records id "label" [dated by field]` and its fields.
    Records(RecordsSection),
    /// `codes id "label"` and its entries.
    Codes(CodesSection),
    /// `functions` and the host functions it declares.
    Functions(Section<FunctionDecl>),
}

impl Item {
    /// Where the item's first line is written (its header line, or the whole `let`).
    pub fn span(&self) -> Span {
        match self {
            Item::Inputs(s) => s.span,
            Item::Params(s) => s.span,
            Item::Let(l) => l.span,
            Item::Eligibility(s) => s.span,
            Item::Entitlement(s) => s.span,
            Item::Translation(t) => t.span,
            Item::Test(t) => t.span,
            Item::Compliance(s) => s.span,
            Item::Selection(s) => s.span,
            Item::Deduplicate(s) => s.span,
            Item::Summary(s) => s.span,
            Item::Score(s) => s.span,
            Item::Records(r) => r.span,
            Item::Codes(c) => c.span,
            Item::Functions(s) => s.span,
        }
    }
}

/// A section header followed by entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section<T> {
    /// The entries, in order.
    pub entries: Vec<T>,
    /// The section keyword(s).
    pub span: Span,
}
