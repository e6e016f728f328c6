//! The run model a program declares: what happens when the program runs over a whole population
//! rather than one unit.
//!
//! Four parts, each optional, each checked like the rest of the program:
//!
//! - `compliant when`: conditions re-checked each cycle for units that are already enrolled, with
//!   the membership state a unit takes when one fails (`else paused`, `else exited`; not eligible
//!   by default).
//! - `deduplicate`: units that share a member or the value of an input (an ID document, a phone
//!   number, the cluster id of an external fuzzy matcher) are duplicates.
//! - `selection`: priority conditions, a ranking, a number of units to select and a budget.
//! - `cycle` (a header line): the recurrence of the program's cycles.
//!
//! `entitle-core` evaluates the conditions and ranking keys with each unit, and applies the rest in
//! its `run_model` module.

use crate::ir::{Ref, TExpr};
use crate::span::Span;
use crate::value::Value;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The state of a unit's membership in a program (OpenG2P's `g2p.program_membership` states).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum MembershipState {
    /// Known to the program but not enrolled (new, or eligible but not selected).
    #[default]
    Draft,
    /// Enrolled: receives entitlements when selected in a cycle.
    Enrolled,
    /// Enrolled, but receives nothing until a compliance condition holds again.
    Paused,
    /// Left the program; a run never enrols the unit again.
    Exited,
    /// Does not meet the eligibility rules (or a compliance condition that says so).
    NotEligible,
    /// A duplicate of another unit.
    Duplicated,
}

impl MembershipState {
    /// Every state, in declaration order.
    pub const ALL: [MembershipState; 6] = [
        MembershipState::Draft,
        MembershipState::Enrolled,
        MembershipState::Paused,
        MembershipState::Exited,
        MembershipState::NotEligible,
        MembershipState::Duplicated,
    ];

    /// The snake_case word (`not_eligible`).
    pub fn as_str(self) -> &'static str {
        match self {
            MembershipState::Draft => "draft",
            MembershipState::Enrolled => "enrolled",
            MembershipState::Paused => "paused",
            MembershipState::Exited => "exited",
            MembershipState::NotEligible => "not_eligible",
            MembershipState::Duplicated => "duplicated",
        }
    }

    /// Parses the snake_case word (OpenG2P's spelling).
    pub fn from_word(word: &str) -> Option<MembershipState> {
        MembershipState::ALL
            .into_iter()
            .find(|s| s.as_str() == word.trim())
    }
}

impl std::fmt::Display for MembershipState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything a program declares about runs. Empty for a program that declares none of it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RunModel {
    /// `compliant when` conditions, in written order.
    pub compliance: Vec<ComplianceRule>,
    /// `deduplicate` rules, in written order.
    pub dedup: Vec<DedupRule>,
    /// The `selection` section.
    pub selection: Option<Selection>,
    /// The `cycle` header line.
    pub schedule: Option<Schedule>,
    /// The `summary by` line.
    pub summary: Option<SummarySpec>,
}

impl RunModel {
    /// True when the program declares no run behaviour at all.
    pub fn is_empty(&self) -> bool {
        self.compliance.is_empty()
            && self.dedup.is_empty()
            && self.selection.is_none()
            && self.schedule.is_none()
            && self.summary.is_none()
    }

    /// Priority conditions (empty without a `selection` section).
    pub fn priority(&self) -> &[PriorityRule] {
        self.selection
            .as_ref()
            .map(|s| s.priority.as_slice())
            .unwrap_or(&[])
    }

    /// Ranking keys (empty without `rank by`).
    pub fn rank(&self) -> &[RankKey] {
        self.selection
            .as_ref()
            .map(|s| s.rank.as_slice())
            .unwrap_or(&[])
    }
}

/// A condition re-checked each cycle for enrolled units: `id "sentence" condition [else state]`.
#[derive(Clone, Debug, PartialEq)]
pub struct ComplianceRule {
    /// Identifier (also the reason recorded when it fails).
    pub id: String,
    /// Human sentence.
    pub sentence: String,
    /// What must hold.
    pub expr: TExpr,
    /// Unit-level names the condition reads, for explanations.
    pub refs: Vec<Ref>,
    /// The state a unit takes when the condition does not hold: paused, exited or not eligible.
    pub otherwise: MembershipState,
    /// Where it is.
    pub span: Span,
}

/// A priority condition of the `selection` section: only units that meet every one are selected.
#[derive(Clone, Debug, PartialEq)]
pub struct PriorityRule {
    /// Identifier (the reason recorded for a unit it leaves out).
    pub id: String,
    /// Human sentence.
    pub sentence: String,
    /// What must hold.
    pub expr: TExpr,
    /// Unit-level names the condition reads, for explanations.
    pub refs: Vec<Ref>,
    /// Where it is.
    pub span: Span,
}

/// One key of `rank by`.
#[derive(Clone, Debug, PartialEq)]
pub struct RankKey {
    /// A number, money amount or date computed for each unit.
    pub expr: TExpr,
    /// Larger values first.
    pub descending: bool,
    /// Unit-level names the key reads, for explanations.
    pub refs: Vec<Ref>,
}

/// A bound of the selection: a constant, or a parameter (whose value in force at the as-of date is
/// used).
#[derive(Clone, Debug, PartialEq)]
pub enum Bound {
    /// A value written in the program.
    Const(Value),
    /// A parameter (index into [`crate::ir::Program::params`]).
    Param(usize),
}

/// How a budget is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetMode {
    /// Units are selected in rank order while their entitlements fit; the first that does not fit
    /// and every unit after it are left out.
    RankOrder,
    /// Every selected unit is kept and all amounts are reduced in the same proportion to fit.
    Proportional,
}

/// The `selection` section.
#[derive(Clone, Debug, PartialEq)]
pub struct Selection {
    /// Priority conditions (all must hold, as OpenG2P's priority rules joined with INTERSECT).
    pub priority: Vec<PriorityRule>,
    /// Ranking keys, in order; ties are broken by unit id (byte order).
    pub rank: Vec<RankKey>,
    /// `top N`: at most this many units.
    pub top: Option<Bound>,
    /// `budget AMOUNT [proportional]`.
    pub budget: Option<(Bound, BudgetMode)>,
    /// Where the section starts.
    pub span: Span,
}

/// What makes two units duplicates.
#[derive(Clone, Debug, PartialEq)]
pub enum DedupCriterion {
    /// `shared members`: households that count the same individual (member id) among their members.
    SharedMembers,
    /// `same a, b`: units with the same value of these inputs (unit inputs, or member inputs of any
    /// of their members); indices into [`crate::ir::Program::inputs`].
    Same(Vec<usize>),
}

/// A `deduplicate` rule: `id "reason" shared members` or `id "reason" same input`.
#[derive(Clone, Debug, PartialEq)]
pub struct DedupRule {
    /// Identifier (recorded as the reason of a duplicate).
    pub id: String,
    /// Human sentence.
    pub sentence: String,
    /// What makes units duplicates.
    pub criterion: DedupCriterion,
    /// Where it is.
    pub span: Span,
}

/// A calendar period of a recurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Calendar months (a day past the month's end is clamped to it).
    Month,
    /// Calendar years (29 February becomes 28 February in a common year).
    Year,
}

/// The recurrence of a program's cycles (OpenG2P's cycle manager, G2P Bridge frequencies).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Schedule {
    /// `None` for a program without cycles (on demand).
    pub every: Option<(u32, Period)>,
    /// Weekdays of a weekly recurrence (Monday = 0 … Sunday = 6), sorted; empty: the start's weekday.
    pub weekdays: Vec<u8>,
    /// The first cycle's start.
    pub from: Option<NaiveDate>,
    /// Number of cycles.
    pub count: Option<u32>,
    /// No cycle starts after this date.
    pub until: Option<NaiveDate>,
    /// Length of a cycle in days (default: until the next cycle starts).
    pub duration_days: Option<u32>,
}

/// `summary by …`: what a run's summary reports coverage and amounts by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SummarySpec {
    /// The dimensions as written: a unit input (`region`), a member input of the head
    /// (`head.gender`), or a member truth value held by any member (`member.disabled`).
    pub by: Vec<String>,
    /// The date input of the age quartiles (`head.birthdate`).
    pub ages: Option<String>,
}
