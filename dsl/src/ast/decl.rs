//! The declarations of a program: inputs and their types, parameters, `let`s, record
//! collections, scores, code lists and host functions.

use super::{Expr, Ident, Text};
use crate::span::Span;
use chrono::NaiveDate;

/// `score pmt "Proxy means test score"` and its components: a sum whose parts are each reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreSection {
    /// The score's name (usable like a `let`).
    pub id: Ident,
    /// A human sentence.
    pub sentence: Option<Text>,
    /// The components, in order.
    pub components: Vec<Component>,
    /// The section line.
    pub span: Span,
}

/// `roof "Roof material" lookup(roof_points, roof)`: one component of a score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    /// The component's identifier (`pmt.roof` in expressions and expectations).
    pub id: Ident,
    /// Its human sentence.
    pub sentence: Text,
    /// Its value.
    pub expr: Expr,
    /// The whole line.
    pub span: Span,
}

/// `records visits "Clinic visits" dated by visit_date` and its fields: a collection of records
/// that each unit has (events, ID documents, phone numbers, enrolments …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordsSection {
    /// The collection's name (the key of the unit's data, and the set in aggregates).
    pub name: Ident,
    /// A label for forms.
    pub label: Option<Text>,
    /// `dated by FIELD`: records dated after the as-of date do not count.
    pub dated_by: Option<Ident>,
    /// The fields of each record.
    pub fields: Vec<FieldDecl>,
    /// The section line.
    pub span: Span,
}

/// `visit_date: date "Date of the visit"`: a field of each record of a collection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDecl {
    /// The field's name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// A label for forms.
    pub label: Option<Text>,
    /// The allowed values (`one of [...]`).
    pub choices: Option<Expr>,
    /// The value used when the field is missing.
    pub default: Option<Expr>,
    /// The whole declaration.
    pub span: Span,
}

/// `codes genders "Gender codes"` and its entries: a vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodesSection {
    /// The code list's name.
    pub name: Ident,
    /// A label.
    pub label: Option<Text>,
    /// The entries, in order.
    pub entries: Vec<CodeEntry>,
    /// The section line.
    pub span: Span,
}

/// `female "Female" = "F", "female", "2"`: an entry of a code list and the codes that mean it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeEntry {
    /// The entry's name (`genders.female` in expressions).
    pub name: Ident,
    /// A label.
    pub label: Option<Text>,
    /// The codes, as found in registries.
    pub codes: Vec<Text>,
    /// The whole line.
    pub span: Span,
}

/// `distance_to_clinic(gps_location): number "Distance to the nearest clinic"`: a value the host
/// computes from the named inputs before evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionDecl {
    /// The function's name.
    pub name: Ident,
    /// The inputs its value is computed from.
    pub args: Vec<Ident>,
    /// The type of its value.
    pub ty: TypeExpr,
    /// A label.
    pub label: Option<Text>,
    /// The whole declaration.
    pub span: Span,
}

/// Where an input lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// An attribute of the household (group).
    Household,
    /// An attribute of each member of the household.
    Member,
    /// An attribute of the person, in a program that targets individuals.
    Person,
    /// A field of the records of a collection (`records`).
    Record,
}

impl Scope {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Scope::Household => "household",
            Scope::Member => "member",
            Scope::Person => "person",
            Scope::Record => "record",
        }
    }
}

/// A type as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    /// `bool`
    Bool(Span),
    /// `number`
    Number(Span),
    /// `money` or `money USD`
    Money(Option<Ident>, Span),
    /// `date`
    Date(Span),
    /// `text`
    Text(Span),
    /// `quantity kg`
    Quantity(Ident, Span),
    /// `list of T`
    List(Box<TypeExpr>, Span),
    /// `table of K to V`
    Table(Box<TypeExpr>, Box<TypeExpr>, Span),
}

impl TypeExpr {
    /// Where the type is written.
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Bool(s)
            | TypeExpr::Number(s)
            | TypeExpr::Money(_, s)
            | TypeExpr::Date(s)
            | TypeExpr::Text(s)
            | TypeExpr::Quantity(_, s)
            | TypeExpr::List(_, s)
            | TypeExpr::Table(_, _, s) => *s,
        }
    }
}

/// `household.region: text "Region" one of ["North", "East"] default "North"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputDecl {
    /// `household`, `member` or `person`.
    pub scope: Scope,
    /// The input's name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// A label for forms and explanations.
    pub label: Option<Text>,
    /// The allowed values (`one of [...]`).
    pub choices: Option<Expr>,
    /// The value used when the input is missing.
    pub default: Option<Expr>,
    /// The whole declaration.
    pub span: Span,
}

/// One value of a parameter and the date from which it is in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamValue {
    /// The value (a constant).
    pub value: Expr,
    /// `from DATE`; `None` means from the beginning.
    pub from: Option<(NaiveDate, Span)>,
}

/// `name: type = value [from date], value from date …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamDecl {
    /// The parameter's name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// A label for explanations.
    pub label: Option<Text>,
    /// Its values, as written.
    pub values: Vec<ParamValue>,
    /// The whole declaration.
    pub span: Span,
}

/// `let name "sentence" = expr` or `let member.name = expr`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetDecl {
    /// True for `let member.name`, computed for each member.
    pub per_member: bool,
    /// The name.
    pub name: Ident,
    /// A human description for explanations.
    pub sentence: Option<Text>,
    /// The definition.
    pub expr: Expr,
    /// The whole statement.
    pub span: Span,
}
