//! The syntax tree of a program file, as written.
//!
//! Produced by [`crate::parse`]; names are not resolved and types are not known yet (that is
//! [`crate::check`]'s work). Every node keeps its [`Span`]; spans are ignored by equality.

use crate::span::Span;
use chrono::NaiveDate;
use rust_decimal::Decimal;

mod run;
pub use run::{
    ComplianceEntry, CycleDecl, CycleEvery, DedupBy, DedupEntry, SelectionEntry, SummaryDecl,
    SummaryDim,
};

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

/// A section header followed by entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section<T> {
    /// The entries, in order.
    pub entries: Vec<T>,
    /// The section keyword(s).
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

/// Whether a rule must hold or must not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// Must be true for the unit to be eligible.
    When,
    /// Excludes the unit when true.
    Unless,
}

/// `id "sentence" expr` or `unless id "sentence" expr` under `eligible when`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// When or unless.
    pub kind: RuleKind,
    /// `union`: the rule adds the units it holds for to those selected by the rules before it,
    /// instead of narrowing them (always with kind `When`).
    pub union: bool,
    /// The rule's identifier.
    pub id: Ident,
    /// Its human sentence.
    pub sentence: Text,
    /// Its condition.
    pub expr: Expr,
    /// The whole line.
    pub span: Span,
}

/// How entitlement items combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectionMode {
    /// Every item whose condition holds is given (the default).
    All,
    /// Only the first item, in written order, whose condition holds.
    FirstMatch,
}

/// The `entitlement` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntitlementSection {
    /// `entitlement` or `entitlement first match`.
    pub mode: SelectionMode,
    /// The lines, in order.
    pub entries: Vec<EntitlementEntry>,
    /// The section keyword(s).
    pub span: Span,
}

/// Cash or in kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Money in the program's currency.
    Cash,
    /// A quantity of goods.
    InKind,
}

/// A line of the `entitlement` section.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // built once per compilation; boxing would only add indirection
pub enum EntitlementEntry {
    /// `cash id "sentence" amount [times m [up to max]] [when cond]`.
    Item(EntitlementItem),
    /// `fee id "sentence" amount`: a transfer fee deducted from the cash total.
    Fee {
        /// Identifier.
        id: Ident,
        /// Human sentence.
        sentence: Text,
        /// The fee amount (may use `cash_total`).
        amount: Expr,
        /// The whole line.
        span: Span,
    },
    /// `cap cash at amount`, `floor cash at amount`, `cap a + b at amount`.
    Limit {
        /// Cap (at most) or floor (at least).
        kind: LimitKind,
        /// The items whose sum is limited (`a + b`); empty for the cash total.
        items: Vec<Ident>,
        /// The amount.
        amount: Expr,
        /// The whole line.
        span: Span,
    },
    /// `round cash to step mode`.
    Round {
        /// The step (`KES 10`, `0.01`).
        step: Expr,
        /// How ties and remainders go.
        mode: (RoundingMode, Span),
        /// The whole line.
        span: Span,
    },
}

/// Cap or floor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    /// The total is at most this.
    Cap,
    /// A non-zero total is at least this (only when written).
    Floor,
}

/// Rounding modes; the names follow Java's `RoundingMode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Nearest, ties away from zero.
    HalfUp,
    /// Nearest, ties to the even neighbour (banker's rounding).
    HalfEven,
    /// Towards zero.
    Down,
    /// Away from zero.
    Up,
}

impl RoundingMode {
    /// The words used in program text (`half up`).
    pub fn words(self) -> &'static str {
        match self {
            RoundingMode::HalfUp => "half up",
            RoundingMode::HalfEven => "half even",
            RoundingMode::Down => "down",
            RoundingMode::Up => "up",
        }
    }

    /// The identifier form used as a function argument (`half_up`).
    pub fn ident(self) -> &'static str {
        match self {
            RoundingMode::HalfUp => "half_up",
            RoundingMode::HalfEven => "half_even",
            RoundingMode::Down => "down",
            RoundingMode::Up => "up",
        }
    }

    /// Parses the identifier form.
    pub fn from_ident(s: &str) -> Option<RoundingMode> {
        [
            RoundingMode::HalfUp,
            RoundingMode::HalfEven,
            RoundingMode::Down,
            RoundingMode::Up,
        ]
        .into_iter()
        .find(|m| m.ident() == s)
    }
}

/// An entitlement item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntitlementItem {
    /// Cash or in kind.
    pub kind: ItemKind,
    /// Identifier.
    pub id: Ident,
    /// Human sentence.
    pub sentence: Text,
    /// The amount (money for cash, a quantity in kind) per multiplier unit.
    pub amount: Expr,
    /// `times m`: the multiplier.
    pub times: Option<Expr>,
    /// `up to max`: the maximum multiplier.
    pub up_to: Option<Expr>,
    /// `when cond`: the item is given only when this holds.
    pub condition: Option<Expr>,
    /// `valued at price`: the price of one unit of an in-kind item.
    pub valued: Option<Expr>,
    /// The whole line.
    pub span: Span,
}

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

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `not x`
    Not,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `or`
    Or,
    /// `and`
    And,
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

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "mod",
        }
    }

    /// Binding strength: higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => 4,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 6,
        }
    }

    /// True for comparisons.
    pub fn is_comparison(self) -> bool {
        self.precedence() == 4
    }
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// `12`, `12.50`.
    Number(Decimal),
    /// `5%` (the value written, before dividing by 100).
    Percent(Decimal),
    /// `KES 1500`.
    Money {
        /// The currency code as written.
        currency: Ident,
        /// The amount.
        amount: Decimal,
    },
    /// `10 kg`.
    Quantity {
        /// The amount.
        amount: Decimal,
        /// The unit of measure.
        unit: Ident,
    },
    /// `2026-01-01`.
    Date(NaiveDate),
    /// `"text"`.
    Text(String),
    /// `true`, `false`.
    Bool(bool),
    /// `unknown`: a missing value (in test data).
    Unknown,
    /// `[a, b]`.
    List(Vec<Expr>),
    /// A bare name.
    Name(Ident),
    /// `household.x`, `member.x`, `person.x`, `head.x`.
    Field {
        /// The qualifier (`household`, `member`, `person`, `head`).
        base: Ident,
        /// The field.
        field: Ident,
    },
    /// `members` or `members where cond`.
    Members(Option<Box<Expr>>),
    /// `visits where cond`: the records of a collection that satisfy a condition.
    Records {
        /// The collection.
        name: Ident,
        /// The condition.
        filter: Box<Expr>,
    },
    /// `["a": 1, "b": 2]`: a table.
    Table(Vec<(Expr, Expr)>),
    /// `-x`, `not x`.
    Unary(UnaryOp, Box<Expr>),
    /// `a op b`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `x in list`, `x not in list`.
    In {
        /// The value looked for.
        value: Box<Expr>,
        /// The list.
        list: Box<Expr>,
        /// True for `not in`.
        negated: bool,
    },
    /// `if c then a else b`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `f(args)`.
    Call(Ident, Vec<Expr>),
}
