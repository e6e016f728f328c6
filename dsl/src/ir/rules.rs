//! What decides: the checked eligibility rules and the entitlement section with its items, fee,
//! caps, floor and rounding.

use super::{Ref, TExpr};
use crate::ast::{ItemKind, RoundingMode, RuleKind, SelectionMode};
use crate::span::Span;
use rust_decimal::Decimal;

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
