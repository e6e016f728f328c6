//! Membership states: from a unit's decision, its previous state and the compliance conditions.
//!
//! | decision | previous state | compliance (when applied) | state | reason |
//! | --- | --- | --- | --- | --- |
//! | error | any | – | previous (draft when new) | `error` |
//! | any | `exited` | – | `exited` | `exited` |
//! | not eligible | any | – | `not_eligible` | `not_eligible` with the rules |
//! | undetermined | any | – | previous (draft when new) | `undetermined` with the missing inputs |
//! | eligible | any | a condition does not hold | the most severe `else` state of the failing conditions (`exited`, then `not_eligible`, then `paused`) | `compliance` with the failing conditions |
//! | eligible | any | a condition is unknown, none fails | previous (draft when new) | `undetermined` with the unknown conditions |
//! | eligible | `enrolled` or `paused` | all hold | `enrolled` | `compliant` |
//! | eligible | any | not applied | `enrolled` | `eligible` |
//!
//! Compliance conditions apply by default to units enrolled or paused before the run: they are the
//! ongoing conditions of beneficiaries (attending school, health visits), not a test of new
//! applicants ([`super::ComplianceCheck`] changes that). A paused unit whose conditions hold again
//! is enrolled again. An enrolled unit may still leave the run's selection (deduplication, priority,
//! ranking, budget): see the other steps.

use super::{
    ComplianceCheck, MembershipState, ReasonCode, RunOptions, RunUnit, SelectionCode, StateReason,
    UnitRun,
};
use crate::eval::run_checks::key_value;
use crate::program::Program;
use crate::result::{Outcome, Truth};
use entitle_dsl::run::ComplianceRule;

/// How severe a state a failing compliance condition leads to (higher wins).
fn severity(s: MembershipState) -> u8 {
    match s {
        MembershipState::Exited => 3,
        MembershipState::NotEligible => 2,
        MembershipState::Paused => 1,
        _ => 0,
    }
}

/// The state and reason of one unit before deduplication and selection.
pub fn decide(
    rules: &[ComplianceRule],
    u: &RunUnit,
    previous: Option<MembershipState>,
    check: ComplianceCheck,
) -> (MembershipState, StateReason) {
    let kept = previous.unwrap_or(MembershipState::Draft);
    let Some(outcome) = u.outcome else {
        let mut r = StateReason::new(ReasonCode::Error);
        r.error = u.error.clone();
        return (kept, r);
    };
    if previous == Some(MembershipState::Exited) {
        return (
            MembershipState::Exited,
            StateReason::new(ReasonCode::Exited),
        );
    }
    match outcome {
        Outcome::NotEligible => (
            MembershipState::NotEligible,
            StateReason::new(ReasonCode::NotEligible).with_rules(u.failed.clone()),
        ),
        Outcome::Undetermined => {
            let mut r = StateReason::new(ReasonCode::Undetermined);
            r.missing = u.missing.clone();
            (kept, r)
        }
        Outcome::Eligible => {
            let existing = matches!(
                previous,
                Some(MembershipState::Enrolled | MembershipState::Paused)
            );
            let apply = !rules.is_empty()
                && match check {
                    ComplianceCheck::Never => false,
                    ComplianceCheck::Enrolled => existing,
                    ComplianceCheck::All => true,
                };
            if !apply {
                return (
                    MembershipState::Enrolled,
                    StateReason::new(ReasonCode::Eligible),
                );
            }
            let mut failing = Vec::new();
            let mut unknown = Vec::new();
            let mut state = MembershipState::Enrolled;
            for (rule, truth) in rules.iter().zip(
                u.compliance
                    .iter()
                    .chain(std::iter::repeat(&Truth::Unknown)),
            ) {
                match truth {
                    Truth::NotMet => {
                        failing.push(rule.id.clone());
                        if severity(rule.otherwise) > severity(state) {
                            state = rule.otherwise;
                        }
                    }
                    Truth::Unknown => unknown.push(rule.id.clone()),
                    Truth::Met => {}
                }
            }
            if !failing.is_empty() {
                (
                    state,
                    StateReason::new(ReasonCode::Compliance).with_rules(failing),
                )
            } else if !unknown.is_empty() {
                (
                    kept,
                    StateReason::new(ReasonCode::Undetermined).with_rules(unknown),
                )
            } else {
                let code = if existing {
                    ReasonCode::Compliant
                } else {
                    ReasonCode::Eligible
                };
                (MembershipState::Enrolled, StateReason::new(code))
            }
        }
    }
}

/// The state of a single new registrant evaluated on its own, as when a platform enrols people as
/// they register (OpenG2P's `auto_enrol_partners`): `enrolled` when eligible, `not_eligible` with
/// the rules otherwise, `draft` while undetermined. Selection does not apply to one unit.
pub fn enrolment_state(decision: &crate::result::Decision) -> (MembershipState, StateReason) {
    let u = RunUnit {
        unit_id: decision.unit_id.clone(),
        outcome: Some(decision.outcome),
        failed: decision
            .rules
            .iter()
            .filter(|r| r.decided_against())
            .map(|r| r.id.to_string())
            .collect(),
        missing: decision.missing.iter().map(|m| m.to_string()).collect(),
        ..RunUnit::default()
    };
    decide(&[], &u, None, ComplianceCheck::Never)
}

/// The unit's record after the state step (selection and approval fill in the rest), from its
/// state before the run.
pub(crate) fn initial(
    program: &Program,
    u: &RunUnit,
    previous: Option<MembershipState>,
    options: &RunOptions,
) -> UnitRun {
    let (state, state_reason) = decide(
        &program.ir().run.compliance,
        u,
        previous,
        options.compliance,
    );
    let rank_keys = if u.outcome == Some(Outcome::Eligible) {
        program
            .ir()
            .run
            .rank()
            .iter()
            .zip(&u.rank_keys)
            .map(|(k, v)| key_value(*v, &k.expr.ty))
            .collect()
    } else {
        Vec::new()
    };
    UnitRun {
        unit_id: u.unit_id.clone(),
        decision: u.outcome,
        previous_state: previous,
        state,
        state_reason,
        rank: None,
        rank_keys,
        selected: false,
        selection: SelectionCode::NotEnrolled,
        selection_rules: Vec::new(),
        cash: u.cash,
        allocated: None,
        approval: None,
        approval_reason: None,
    }
}
