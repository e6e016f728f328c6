//! The syntax of decisions: eligibility rules under `eligible when`, and the `entitlement` section
//! with its items, fee, caps, floors and rounding.

use super::{Expr, Ident, Text};
use crate::span::Span;

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
    /// A positive total is at least this (only when written; zero and below are not lifted).
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
