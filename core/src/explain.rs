//! Explanations: for every rule and item, its outcome and the values that decided it.
//!
//! An explanation is data (identifiers and values), built only when asked for; it is rendered to
//! text in a locale by [`crate::Program::explain_text`], from the message catalogue and the
//! program's own translations.

use crate::result::Truth;
use chrono::NaiveDate;
use entitle_dsl::ast::{ItemKind, RuleKind};
use entitle_dsl::Value;
use rust_decimal::Decimal;
use serde::Serialize;

/// Where a named value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A registry input.
    Input,
    /// A program parameter.
    Param,
    /// A `let`.
    Let,
}

/// A name and its value for this unit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NamedValue {
    /// The input, parameter or `let` name.
    pub name: String,
    /// Where it comes from.
    pub source: Source,
    /// Its value (`null` when unknown).
    pub value: Value,
    /// For a parameter: the date from which the value used is in force (`null`: always).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_force_from: Option<NaiveDate>,
    /// For an input: true when the registry had no value and the declared default was used.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub defaulted: bool,
}

/// One rule's explanation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleExplanation {
    /// The rule.
    pub id: String,
    /// When or unless.
    pub kind: RuleKind,
    /// Whether its condition holds.
    pub outcome: Truth,
    /// The values of the names its condition reads.
    pub values: Vec<NamedValue>,
}

/// One item's explanation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemExplanation {
    /// The item.
    pub id: String,
    /// Cash or in kind.
    pub kind: ItemKind,
    /// Its condition's outcome (`met` when it has none).
    pub condition: Truth,
    /// Whether it was given.
    pub applied: bool,
    /// In `first match` mode: skipped because an earlier item was given.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub superseded: bool,
    /// The values of the names it reads.
    pub values: Vec<NamedValue>,
}

/// An adjustment of the cash total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Adjustment {
    /// The cap lowered the total.
    Cap {
        /// The cap.
        limit: Decimal,
        /// The total before.
        before: Decimal,
    },
    /// The floor raised the total.
    Floor {
        /// The floor.
        limit: Decimal,
        /// The total before.
        before: Decimal,
    },
    /// Rounding changed the total.
    Round {
        /// The step.
        step: Decimal,
        /// The mode (`half_up` …).
        mode: String,
        /// The total before.
        before: Decimal,
        /// The total after.
        after: Decimal,
    },
}

/// The whole explanation of one decision.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct Explanation {
    /// Every rule, in written order.
    pub rules: Vec<RuleExplanation>,
    /// Every item, in written order (empty unless eligible).
    pub items: Vec<ItemExplanation>,
    /// Adjustments of the cash total, in the order applied.
    pub adjustments: Vec<Adjustment>,
}
