//! The run model: what happens when a program runs over a whole population for a cycle.
//!
//! Evaluation decides each unit on its own. A run then takes every unit's decision together, in
//! this order:
//!
//! 1. **Membership state** ([`states`]): each unit's state (`enrolled`, `not_eligible`, `paused`,
//!    `exited`, `duplicated`, or `draft`) from its decision, its previous state and the program's
//!    `compliant when` conditions, with the reason.
//! 2. **Deduplication** ([`dedup`]): units that share a member or an identifying value become
//!    `duplicated`, unless exactly one of them was a beneficiary (enrolled or paused) before.
//! 3. **Selection** ([`selection`]): among enrolled units, the priority conditions, the ranking (ties
//!    broken by unit id in byte order), `top N`, and a budget spent in rank order or shared out in
//!    proportion.
//! 4. **Approval** ([`approval`]): against a fund, in rank order (unit id order for a program that
//!    does not rank), stopping at the first entitlement the fund cannot cover.
//! 5. **Summary** ([`summary`]): counts and totals by area, gender or disability, quartiles, the Gini
//!    coefficient, the Lorenz curve, leakage and under-coverage against a reference list, and the
//!    comparison of two runs.
//!
//! None of this runs in the per-unit hot path: conditions and ranking keys are evaluated with each
//! unit (see the `run_checks` module of evaluation), and everything here works on one compact
//! [`RunUnit`] per unit.
//!
//! ```
//! use entitle_core::run_model::{MembershipState, RunOptions};
//! use entitle_core::{Program, Unit};
//! let program = Program::compile(r#"
//! program p "Top two by score" version "1"
//!   target individual
//!   currency KES
//! inputs
//!   person.score: number
//! eligible when
//!   poor "Score below 50" score < 50
//! entitlement
//!   cash base "Transfer" KES 100
//! selection
//!   rank by score ascending
//!   top 2
//! test "poor" as of 2026-01-01
//!   person score 10
//!   expect eligible
//! "#).unwrap();
//! let units: Vec<Unit> = [("A", 30), ("B", 10), ("C", 20), ("D", 70)]
//!     .iter()
//!     .map(|(id, s)| Unit::new(*id).with("score", i64::from(*s)))
//!     .collect();
//! let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
//! let run = program.run_cycle(&units, as_of, &RunOptions::default()).unwrap();
//! let selected: Vec<&str> = run.units.iter().filter(|u| u.selected).map(|u| u.unit_id.as_str()).collect();
//! assert_eq!(selected, ["B", "C"]);
//! assert_eq!(run.unit("A").unwrap().state, MembershipState::Draft); // eligible, third in rank
//! ```

pub mod approval;
mod collect;
pub mod dedup;
mod error;
pub mod json;
pub mod schedule;
pub mod selection;
pub mod states;
pub mod stats;
pub mod summary;

pub use collect::Collector;
pub use entitle_dsl::run::{BudgetMode, MembershipState};
pub use error::{RunError, CODES as ERROR_CODES};

use crate::program::Program;
use crate::result::{Outcome, Truth};
use chrono::NaiveDate;
use entitle_dsl::Value;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// When the `compliant when` conditions are applied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceCheck {
    /// Never (OpenSPP's mechanism 0).
    Never,
    /// To units that were enrolled or paused before this run: the default, because compliance is
    /// an ongoing condition of beneficiaries, separate from one-time eligibility.
    #[default]
    Enrolled,
    /// To every eligible unit, new ones included (checked before they are enrolled).
    All,
}

/// Whether a run may enrol units that were not enrolled before.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Enrolment {
    /// Eligible new units are enrolled (when selected): an enrolment run, or a cycle that also enrols.
    #[default]
    Open,
    /// Only units enrolled or paused before the run can be selected: a disbursement cycle restricted
    /// to the last approved enrolment list (OpenG2P 3.x priority rules); eligible new units stay
    /// `draft` with the reason `enrolment_closed`.
    Closed,
}

/// A fund to approve entitlements against (OpenG2P's `g2p.program.fund`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Fund {
    /// Funds posted to the program.
    pub posted: Decimal,
    /// Entitlements approved against the fund before this run.
    #[serde(default)]
    pub approved: Decimal,
}

impl Fund {
    /// What is left to approve against: posted funds less what is already approved.
    pub fn available(&self) -> Decimal {
        self.posted - self.approved
    }
}

/// Options of a run. Every default lives here.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunOptions {
    /// Each unit's state before this run (units not listed are new: `draft`).
    pub previous: HashMap<String, MembershipState>,
    /// When compliance conditions apply (default: to previously enrolled or paused units).
    pub compliance: ComplianceCheck,
    /// Whether new units may be enrolled (default: yes).
    pub enrolment: Enrolment,
    /// Overrides the program's `top N`.
    pub top: Option<u64>,
    /// Overrides the program's budget amount (in the program's currency).
    pub budget: Option<Decimal>,
    /// Overrides the program's budget mode (a budget given here without a mode is spent in rank
    /// order when the program ranks, and shared out in proportion when it does not).
    pub budget_mode: Option<BudgetMode>,
    /// Approve the selected entitlements against this fund.
    pub fund: Option<Fund>,
    /// Without a fund, approve every selected entitlement (OpenG2P's `auto_approve_entitlements`).
    pub auto_approve: bool,
}

/// The compact record of one unit that a run works on (built by a [`Collector`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunUnit {
    /// The unit's id.
    pub unit_id: String,
    /// The decision, or `None` when the unit could not be evaluated.
    pub outcome: Option<Outcome>,
    /// The error code when it could not be evaluated.
    pub error: Option<String>,
    /// Rules that decided against the unit (not eligible).
    pub failed: Vec<String>,
    /// Inputs whose absence left the decision open (undetermined).
    pub missing: Vec<String>,
    /// `compliant when` outcomes, in written order (eligible units).
    pub compliance: Vec<Truth>,
    /// Priority outcomes, in written order (eligible units).
    pub priority: Vec<Truth>,
    /// Ranking keys, in order (eligible units; dates as day numbers).
    pub rank_keys: Vec<Option<Decimal>>,
    /// The cash entitlement (eligible units of programs with cash items).
    pub cash: Option<Decimal>,
    /// Whether the unit receives in-kind items (some in-kind total above zero).
    pub in_kind: bool,
    /// Ids of the members whose membership counts on the as-of date (only when a `shared members`
    /// rule needs them).
    pub members: Vec<String>,
    /// Per `same` deduplication rule, the unit's normalised keys.
    pub dedup_keys: Vec<Vec<String>>,
    /// Values of the summary dimensions, in the order asked for.
    pub groups: Vec<Value>,
    /// Age in whole years at the as-of date (when the summary asks for ages).
    pub age: Option<u32>,
}

/// Why a unit has its state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// Eligible and enrolled in this run.
    Eligible,
    /// Enrolled before, and every compliance condition holds.
    Compliant,
    /// Eligibility rules decided against the unit (`rules` lists them).
    NotEligible,
    /// Compliance conditions do not hold (`rules` lists them).
    Compliance,
    /// A duplicate of the units in `with`, by the deduplication rule in `rules`.
    Duplicate,
    /// Exited before this run: a run never enrols the unit again.
    Exited,
    /// Missing data left the decision or a compliance condition open (`missing` lists the inputs
    /// when known); the previous state is kept.
    Undetermined,
    /// The unit could not be evaluated (`error` has the code); the previous state is kept.
    Error,
    /// Eligible but not selected in this run (see the unit's `selection`).
    NotSelected,
    /// Eligible, but the run enrols nobody new (see [`Enrolment::Closed`]).
    EnrolmentClosed,
}

/// A unit's state reason: a code and what it refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StateReason {
    /// Why.
    pub code: ReasonCode,
    /// The rules that decided (eligibility, compliance or deduplication rule ids).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// For a duplicate: the units it duplicates, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<String>,
    /// For an undetermined decision: the missing inputs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// For an error: its code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl StateReason {
    /// A reason with only a code.
    pub fn new(code: ReasonCode) -> StateReason {
        StateReason {
            code,
            rules: Vec::new(),
            with: Vec::new(),
            missing: Vec::new(),
            error: None,
        }
    }

    fn with_rules(mut self, rules: Vec<String>) -> StateReason {
        self.rules = rules;
        self
    }
}

/// Why a unit is or is not selected in this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectionCode {
    /// Selected: receives its entitlement in this run.
    Selected,
    /// Not enrolled after this run (not eligible, paused, exited, duplicated, undetermined …).
    NotEnrolled,
    /// Enrolled, but its decision or a compliance condition could not be made in this run (missing
    /// data or an error): nothing is given until it can.
    Undecided,
    /// A priority condition does not hold (`selection_rules` lists them).
    Priority,
    /// A priority condition could not be decided for missing data.
    PriorityUnknown,
    /// A ranking key is unknown, so the unit cannot be ranked.
    RankUnknown,
    /// Ranked after the first `top N`.
    BelowTop,
    /// In rank order, the budget was spent before this unit's entitlement.
    OverBudget,
    /// In a proportional budget, the unit's share rounds down to nothing: it is not selected, and
    /// the budget is shared among the units with larger entitlements.
    ShareTooSmall,
}

/// Whether a selected entitlement is approved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    /// Approved (covered by the fund, or approved automatically).
    Approved,
    /// Waiting for approval (no approval was asked for, or the fund could not cover it).
    PendingValidation,
}

/// Why an entitlement is not approved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalReason {
    /// The fund could not cover this entitlement, or an earlier one in approval order.
    FundExhausted,
}

/// One unit's outcome in a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitRun {
    /// The unit's id.
    pub unit_id: String,
    /// The unit's decision (`None`: it could not be evaluated).
    pub decision: Option<Outcome>,
    /// The state before this run (`None`: a new unit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_state: Option<MembershipState>,
    /// The membership state after this run.
    pub state: MembershipState,
    /// Why.
    pub state_reason: StateReason,
    /// Position in rank order among the units that could be ranked (from 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<u64>,
    /// The ranking keys (programs that rank).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rank_keys: Vec<Value>,
    /// Whether the unit receives its entitlement in this run.
    pub selected: bool,
    /// Why it is or is not selected.
    pub selection: SelectionCode,
    /// The priority conditions that left it out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub selection_rules: Vec<String>,
    /// The cash entitlement as decided.
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub cash: Option<Decimal>,
    /// The cash allocated in this run (selected units; lower than `cash` after a proportional
    /// reduction).
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub allocated: Option<Decimal>,
    /// Approval of the allocated entitlement (selected units with a non-zero amount).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    /// Why it is not approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_reason: Option<ApprovalReason>,
}

mod opt_decimal {
    use rust_decimal::Decimal;
    pub fn serialize<S: serde::Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }
}

/// Totals of the budget step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BudgetTotals {
    /// The budget.
    #[serde(serialize_with = "decimal")]
    pub amount: Decimal,
    /// How it was applied.
    pub mode: BudgetMode,
    /// Proportional mode: the factor applied to every amount (1 when the budget covers all).
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub factor: Option<Decimal>,
    /// What the budget leaves unspent (rounding down, or units that did not fit).
    #[serde(serialize_with = "decimal")]
    pub unallocated: Decimal,
}

/// Totals of approval against a fund.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FundTotals {
    /// Funds posted.
    #[serde(serialize_with = "decimal")]
    pub posted: Decimal,
    /// Approved before this run.
    #[serde(serialize_with = "decimal")]
    pub approved_before: Decimal,
    /// Available at the start of approval.
    #[serde(serialize_with = "decimal")]
    pub available: Decimal,
    /// Approved in this run.
    #[serde(serialize_with = "decimal")]
    pub approved: Decimal,
    /// Left after this run.
    #[serde(serialize_with = "decimal")]
    pub remaining: Decimal,
}

fn decimal<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

/// Counts and amounts of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunTotals {
    /// Units in the run.
    pub units: u64,
    /// Units that could not be evaluated.
    pub errors: u64,
    /// Units per state after the run.
    pub states: BTreeMap<MembershipState, u64>,
    /// Units selected.
    pub selected: u64,
    /// The number of units `top N` allowed, when one applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top: Option<u64>,
    /// Sum of the selected units' cash entitlements as decided.
    #[serde(serialize_with = "decimal")]
    pub requested: Decimal,
    /// Sum of the allocated amounts.
    #[serde(serialize_with = "decimal")]
    pub allocated: Decimal,
    /// Entitlements approved and their sum.
    pub approved_units: u64,
    /// Sum approved.
    #[serde(serialize_with = "decimal")]
    pub approved: Decimal,
    /// Entitlements pending validation and their sum.
    pub pending_units: u64,
    /// Sum pending.
    #[serde(serialize_with = "decimal")]
    pub pending: Decimal,
    /// The budget step, when a budget applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<BudgetTotals>,
    /// The fund, when entitlements were approved against one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fund: Option<FundTotals>,
}

/// The outcome of a run: every unit's record, in input order, and the totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunOutcome {
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Every unit, in the order given.
    pub units: Vec<UnitRun>,
    /// Totals.
    pub totals: RunTotals,
    /// The units of the previous states ([`RunOptions::previous`]) that were not given to this
    /// run, with their states, by id. The run decides only the units it is given, so these have
    /// no record: a run that starts from this one's states would not know them (an enrolled unit
    /// would come back as new, an exited one could be enrolled again). Said so that a registry
    /// export that left units out is seen.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub previous_not_in_run: Vec<PreviousUnit>,
}

/// A unit of the previous states, with its state.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PreviousUnit {
    /// The unit's id.
    pub unit_id: String,
    /// Its state before the run.
    pub state: MembershipState,
}

impl RunOutcome {
    /// The record of the unit with this id.
    pub fn unit(&self, id: &str) -> Option<&UnitRun> {
        self.units.iter().find(|u| u.unit_id == id)
    }

    /// Ids of the selected units, in input order.
    pub fn selected_ids(&self) -> Vec<&str> {
        self.units
            .iter()
            .filter(|u| u.selected)
            .map(|u| u.unit_id.as_str())
            .collect()
    }
}

/// Runs the run model over units already decided (see [`Collector`]). A unit whose id an earlier
/// unit already has is not decided again: it is an error record (R0010) without a previous state.
///
/// # Errors
/// [`RunError`] when the program's selection bounds have no value at the as-of date, or the options
/// do not fit the program (a budget for a program without a currency, a negative amount …).
pub fn run(
    program: &Program,
    as_of: NaiveDate,
    units: &[RunUnit],
    options: &RunOptions,
) -> Result<RunOutcome, RunError> {
    let bounds = selection::Bounds::resolve(program, as_of, options)?;
    approval::check_fund(options)?;
    let repeated = repeated_ids(units);
    let owned: Vec<RunUnit>;
    let units = if repeated.is_empty() {
        units
    } else {
        owned = units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                if repeated.contains(&i) {
                    repeated_unit(u)
                } else {
                    u.clone()
                }
            })
            .collect();
        &owned
    };
    let mut records: Vec<UnitRun> = units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            // The state before the run belongs to the id's first unit only.
            let previous = if repeated.contains(&i) {
                None
            } else {
                options.previous.get(&u.unit_id).copied()
            };
            states::initial(program, u, previous, options)
        })
        .collect();
    dedup::apply(program, units, &mut records);
    let budget = selection::select(program, units, &mut records, &bounds)?;
    let fund = approval::approve(program, units, &mut records, options)?;
    let totals = totals(&records, bounds.top, budget, fund);
    let previous_not_in_run = previous_not_given(&options.previous, &records);
    Ok(RunOutcome {
        as_of,
        units: records,
        totals,
        previous_not_in_run,
    })
}

/// The units of `previous` that no record took its state from, by id. Every unit given whose id
/// is in `previous` has its `previous_state` (the first of a repeated id), so the records that
/// found theirs are counted first, and a set of them, no larger than `previous`, is made only
/// when some are missing.
fn previous_not_given(
    previous: &HashMap<String, MembershipState>,
    records: &[UnitRun],
) -> Vec<PreviousUnit> {
    let with_state = records.iter().filter(|r| r.previous_state.is_some());
    if with_state.clone().count() == previous.len() {
        return Vec::new();
    }
    let found: std::collections::HashSet<&str> = with_state.map(|r| r.unit_id.as_str()).collect();
    let mut missing: Vec<PreviousUnit> = previous
        .iter()
        .filter(|(id, _)| !found.contains(id.as_str()))
        .map(|(id, state)| PreviousUnit {
            unit_id: id.clone(),
            state: *state,
        })
        .collect();
    entitle_dsl::sorting::sort(&mut missing);
    missing
}

/// Positions of the units whose id an earlier unit already has.
fn repeated_ids(units: &[RunUnit]) -> std::collections::BTreeSet<usize> {
    let mut seen = std::collections::HashSet::with_capacity(units.len());
    entitle_dsl::sorting::btree_set(
        units
            .iter()
            .enumerate()
            .filter(|(_, u)| !seen.insert(u.unit_id.as_str()))
            .map(|(i, _)| i),
    )
}

/// A later unit with an id already given is not decided: two records with one id would be
/// selected, approved and paid twice (a registry that repeats a row, a join that doubles it). It
/// becomes a malformed unit (R0010), as a registry's repeated id is a row error; its registry facts
/// stay for the summary.
fn repeated_unit(u: &RunUnit) -> RunUnit {
    let code = crate::EvalError::InvalidUnit {
        reason: String::new(),
    }
    .code();
    RunUnit {
        outcome: None,
        error: Some(code.to_string()),
        failed: Vec::new(),
        missing: Vec::new(),
        compliance: Vec::new(),
        priority: Vec::new(),
        rank_keys: Vec::new(),
        cash: None,
        in_kind: false,
        ..u.clone()
    }
}

fn totals(
    records: &[UnitRun],
    top: Option<u64>,
    budget: Option<BudgetTotals>,
    fund: Option<FundTotals>,
) -> RunTotals {
    let mut t = RunTotals {
        top,
        budget,
        fund,
        ..RunTotals::default()
    };
    for r in records {
        t.units += 1;
        if r.decision.is_none() {
            t.errors += 1;
        }
        *t.states.entry(r.state).or_default() += 1;
        if r.selected {
            t.selected += 1;
            t.requested += r.cash.unwrap_or_default();
            t.allocated += r.allocated.unwrap_or_default();
        }
        match r.approval {
            Some(Approval::Approved) => {
                t.approved_units += 1;
                t.approved += r.allocated.unwrap_or_default();
            }
            Some(Approval::PendingValidation) => {
                t.pending_units += 1;
                t.pending += r.allocated.unwrap_or_default();
            }
            None => {}
        }
    }
    t
}

impl Program {
    /// Evaluates `units` at `as_of` and runs the run model over them: membership states,
    /// deduplication, selection and approval.
    ///
    /// # Errors
    /// As [`run`].
    pub fn run_cycle(
        &self,
        units: &[crate::model::Unit],
        as_of: NaiveDate,
        options: &RunOptions,
    ) -> Result<RunOutcome, RunError> {
        let collector = Collector::new(self, as_of, &[], None)?;
        let batch = self.bind(units);
        let result = self.run(&batch, as_of, &crate::eval::EvalOptions::default());
        let mut records = Vec::with_capacity(units.len());
        collector.collect(&result, &mut records);
        run(self, as_of, &records, options)
    }
}
