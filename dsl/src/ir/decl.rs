//! What a checked program declares: inputs, record collections, scores, code lists, host
//! functions, parameters and `let`s, and [`Ref`], the names explanations report.

#[cfg(doc)]
use super::Program;
use super::TExpr;
use crate::ast::Scope;
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;
use chrono::NaiveDate;
use serde::Serialize;

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
