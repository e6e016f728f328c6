//! Results of evaluation: decisions, entitlement items and totals, unit errors.
//!
//! These types serialise (serde) to Entitle's one JSON result shape, shared by the CLI's
//! `decisions.jsonl`, the bindings and the conformance corpus:
//!
//! ```json
//! {"unit_id": "H1",
//!  "program": {"id": "child_grant", "version": "2026.1", "hash": "sha256:…"},
//!  "as_of": "2026-03-01",
//!  "decision": "eligible",
//!  "rules": [{"id": "has_child", "kind": "when", "outcome": "met"}],
//!  "missing": [],
//!  "items": [{"id": "base", "kind": "cash", "applied": true, "amount": "1500", "currency": "KES"}],
//!  "cash": {"currency": "KES", "items_total": "2500", "total": "2500", "fee": "0", "net": "2500",
//!           "capped": false, "floored": false, "rounded": false},
//!  "in_kind": [{"unit": "kg", "quantity": "30"}]}
//! ```
//!
//! Amounts are decimal strings with their exact digits, never binary floats; dates are ISO 8601;
//! unknown values are `null`. `explanation` appears only when one was asked for; `scores`
//! (`[{"id": "pmt", "value": "42", "components": [{"id": "roof", "value": "10"}]}]`) only for
//! programs with scores, and an item's `value` only for in-kind items with a price (`valued at`).

use crate::explain::Explanation;
use crate::name::Name;
use chrono::NaiveDate;
use entitle_dsl::ast::{ItemKind, RuleKind};
use entitle_dsl::run::MembershipState;
use entitle_dsl::{Currency, Value};
use rust_decimal::Decimal;
use serde::Serialize;
use std::sync::Arc;

/// Which program produced a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProgramRef {
    /// Program identifier.
    pub id: String,
    /// Program version, if declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `sha256:` and the hex SHA-256 of the program text.
    pub hash: String,
}

/// The decision for one unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every `when` rule holds and no `unless` rule applies.
    Eligible,
    /// A `when` rule fails or an `unless` rule applies.
    NotEligible,
    /// Missing data leaves the answer open.
    Undetermined,
}

impl Outcome {
    /// The snake_case word.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Eligible => "eligible",
            Outcome::NotEligible => "not_eligible",
            Outcome::Undetermined => "undetermined",
        }
    }
}

/// A three-valued truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Truth {
    /// The condition holds.
    Met,
    /// The condition does not hold.
    NotMet,
    /// Missing data: it cannot be said.
    Unknown,
}

impl Truth {
    /// `met`, `not_met` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Truth::Met => "met",
            Truth::NotMet => "not_met",
            Truth::Unknown => "unknown",
        }
    }
}

/// A rule's outcome for one unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleOutcome {
    /// The rule identifier.
    pub id: Name,
    /// `when` or `unless`.
    pub kind: RuleKind,
    /// Whether the condition holds.
    pub outcome: Truth,
}

impl RuleOutcome {
    /// The outcome code used by explanations and the corpus: `has_child:met`.
    pub fn code(&self) -> String {
        format!("{}:{}", self.id, self.outcome.as_str())
    }

    /// Whether this rule decided against the unit (see [`decides_against`]).
    pub(crate) fn decided_against(&self) -> bool {
        decides_against(self.kind, self.outcome)
    }
}

/// Whether a rule of `kind` with `outcome` decides against a unit: a `when` rule not met, an
/// `unless` rule met. These are the rules a refusal names.
pub(crate) fn decides_against(kind: RuleKind, outcome: Truth) -> bool {
    match kind {
        RuleKind::When => outcome == Truth::NotMet,
        RuleKind::Unless => outcome == Truth::Met,
    }
}

/// A `compliant when` condition's outcome for one (eligible) unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComplianceOutcome {
    /// The condition's identifier.
    pub id: Name,
    /// Whether it holds.
    pub outcome: Truth,
    /// The state an enrolled unit takes when it does not hold.
    pub otherwise: MembershipState,
}

impl ComplianceOutcome {
    /// The outcome code: `school:not_met`.
    pub fn code(&self) -> String {
        format!("{}:{}", self.id, self.outcome.as_str())
    }
}

/// A `selection` priority condition's outcome for one (eligible) unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PriorityOutcome {
    /// The condition's identifier.
    pub id: Name,
    /// Whether it holds.
    pub outcome: Truth,
}

/// One entitlement item's result for one unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemResult {
    /// Item identifier.
    pub id: Name,
    /// Cash or in kind.
    pub kind: ItemKind,
    /// Whether the item was given (its condition held, and in `first match` mode no earlier item was).
    pub applied: bool,
    /// The amount given (zero when not applied).
    pub amount: Decimal,
    /// The currency, for cash items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// The unit of measure, for in-kind items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<Name>,
    /// The amount per multiplier unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<Decimal>,
    /// The multiplier as computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<Decimal>,
    /// The maximum multiplier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_multiplier: Option<Decimal>,
    /// For an in-kind item with a price (`valued at`): its value in the program's currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Decimal>,
}

/// Cash totals for one unit, with every adjustment recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CashTotals {
    /// The program's currency.
    pub currency: Currency,
    /// Sum of the applied cash items.
    pub items_total: Decimal,
    /// Whether the cap lowered the total.
    pub capped: bool,
    /// Whether the floor raised the total.
    pub floored: bool,
    /// Whether rounding changed the total.
    pub rounded: bool,
    /// The entitlement after cap, floor and rounding.
    pub total: Decimal,
    /// The transfer fee.
    pub fee: Decimal,
    /// `total - fee`: what reaches the beneficiary.
    pub net: Decimal,
}

/// The total of in-kind items in one unit of measure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuantityTotal {
    /// The unit of measure.
    pub unit: Name,
    /// The total quantity.
    pub quantity: Decimal,
}

/// A score's value for one unit, with its components (`null` when unknown).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScoreResult {
    /// The score.
    pub id: Name,
    /// Its value: the sum of the components.
    pub value: Option<Decimal>,
    /// Each component's value, in written order.
    pub components: Vec<ComponentResult>,
}

/// One component of a score for one unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComponentResult {
    /// The component.
    pub id: Name,
    /// Its value (`null` when unknown).
    pub value: Option<Decimal>,
}

/// The decision record for one unit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decision {
    /// The unit's identifier.
    pub unit_id: String,
    /// The program that decided.
    pub program: Arc<ProgramRef>,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Eligible, not eligible or undetermined.
    #[serde(rename = "decision")]
    pub outcome: Outcome,
    /// Every rule's outcome, in written order.
    pub rules: Vec<RuleOutcome>,
    /// Inputs whose absence left a rule unknown (for undetermined decisions), sorted.
    pub missing: Vec<Name>,
    /// Every entitlement item (empty unless eligible).
    pub items: Vec<ItemResult>,
    /// Cash totals (eligible units of programs with cash items).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cash: Option<CashTotals>,
    /// In-kind totals per unit of measure.
    pub in_kind: Vec<QuantityTotal>,
    /// Scores (`score`), each with its components, in declaration order (absent when the program
    /// has none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<ScoreResult>,
    /// The explanation, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
    /// `compliant when` outcomes (eligible units of programs that have them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<ComplianceOutcome>,
    /// `selection` priority outcomes (eligible units of programs that have them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub priority: Vec<PriorityOutcome>,
    /// The values of the `rank by` keys, in order (eligible units of programs that rank; `null` when
    /// a key is unknown).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rank_keys: Vec<Value>,
}

impl Decision {
    /// A decision with nothing in it yet, which allocates nothing: what a decision is written
    /// into.
    pub(crate) fn empty(program: Arc<ProgramRef>, as_of: NaiveDate) -> Decision {
        Decision {
            unit_id: String::new(),
            program,
            as_of,
            outcome: Outcome::NotEligible,
            rules: Vec::new(),
            missing: Vec::new(),
            items: Vec::new(),
            cash: None,
            in_kind: Vec::new(),
            scores: Vec::new(),
            explanation: None,
            compliance: Vec::new(),
            priority: Vec::new(),
            rank_keys: Vec::new(),
        }
    }

    /// Rule outcome codes (`has_child:met` …), in rule order.
    pub fn rule_codes(&self) -> Vec<String> {
        self.rules.iter().map(RuleOutcome::code).collect()
    }

    /// The cash total, if any.
    pub fn cash_total(&self) -> Option<Decimal> {
        self.cash.as_ref().map(|c| c.total)
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&ItemResult> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The score with this id.
    pub fn score(&self, id: &str) -> Option<&ScoreResult> {
        self.scores.iter().find(|s| s.id == id)
    }
}

/// Evaluation failed for one unit; the rest of a batch is unaffected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}{error}", unit_prefix(unit_id))]
pub struct UnitError {
    /// The unit's identifier (never any of its attribute values).
    pub unit_id: String,
    /// What went wrong.
    pub error: crate::error::EvalError,
}

/// `unit H1: ` before a unit's error, nothing when the unit came without an id (its error says so;
/// `unit : ` said nothing). [`UnitError`]'s text, and the bindings' that rebuild it from JSON.
pub fn unit_prefix(unit_id: &str) -> String {
    if unit_id.is_empty() {
        String::new()
    } else {
        format!("unit {unit_id}: ")
    }
}

impl UnitError {
    /// The stable error code (`R0001` …).
    pub fn code(&self) -> &'static str {
        self.error.code()
    }
}
