//! Selection: priority conditions, ranking, `top N` and budgets, among the units enrolled after the
//! state and deduplication steps.
//!
//! - **Priority.** Every priority condition must hold (OpenG2P's priority rules are joined with
//!   INTERSECT); a unit for which one does not is left out (`priority`), and one for which one is
//!   unknown too (`priority_unknown`).
//! - **Ranking.** Units are ordered by the `rank by` keys, each ascending or descending as written,
//!   then by unit id in byte order (ascending), so the order is total and the same on every
//!   platform. A unit with an unknown key cannot be ranked and is left out (`rank_unknown`).
//! - **Top N.** The first N units in rank order are kept (`below_top` for the rest).
//! - **Budget in rank order.** Units are kept in rank order while the sum of their cash entitlements
//!   is within the budget; the first unit that does not fit, and every unit after it, are left out
//!   (`over_budget`): a unit further down never overtakes one ranked before it.
//! - **Proportional budget.** Every kept unit stays, and when their entitlements add up to more than
//!   the budget each is multiplied by budget ÷ total and rounded down to the program's rounding step
//!   (`round cash to`), or to the currency's minor unit; the allocated total never exceeds the
//!   budget, and what rounding leaves is reported as `unallocated`. A unit whose share would round
//!   down to nothing is not selected (`share_too_small`): the smallest entitlements leave first,
//!   all units of one amount together, and the budget is shared among the rest, until every unit
//!   paid gets at least one step. So the units selected are the units paid, and the factor is the
//!   budget ÷ what they requested.
//!
//! A unit that was new to the program and is not selected stays `draft` (`not_selected`): selection
//! decides who is enrolled. A unit already enrolled stays enrolled and simply receives nothing in
//! this run.

use super::{
    BudgetMode, BudgetTotals, MembershipState, ReasonCode, RunError, RunOptions, RunUnit,
    SelectionCode, StateReason, UnitRun,
};
use crate::program::Program;
use crate::result::Truth;
use chrono::NaiveDate;
use entitle_dsl::run::Bound;
use entitle_dsl::Value;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use std::cmp::Ordering;

/// The selection bounds in force for a run.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Bounds {
    pub top: Option<u64>,
    pub budget: Option<(Decimal, BudgetMode)>,
    /// The step amounts are rounded down to in a proportional reduction.
    pub step: Decimal,
    /// No new enrolments in this run.
    pub closed: bool,
}

fn bound_value(program: &Program, b: &Bound, as_of: NaiveDate) -> Result<Value, RunError> {
    match b {
        Bound::Const(v) => Ok(v.clone()),
        Bound::Param(i) => {
            let p = program.ir().params.get(*i);
            let name = p.map(|p| p.name.clone()).unwrap_or_default();
            p.and_then(|p| p.value_on(as_of))
                .map(|v| v.value.clone())
                .ok_or(RunError::NoBoundValue { param: name, as_of })
        }
    }
}

fn amount(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => Some(*n),
        Value::Money(m) => Some(m.amount),
        _ => None,
    }
}

impl Bounds {
    /// The bounds from the program's `selection` section, overridden by the options.
    pub(crate) fn resolve(
        program: &Program,
        as_of: NaiveDate,
        options: &RunOptions,
    ) -> Result<Bounds, RunError> {
        let sel = program.ir().run.selection.as_ref();
        let ranks = !program.ir().run.rank().is_empty();
        let invalid = |option: &str, reason: &str| RunError::InvalidOption {
            option: option.into(),
            reason: reason.into(),
        };
        let top = match (options.top, sel.and_then(|s| s.top.as_ref())) {
            (Some(n), _) => Some(n),
            (None, Some(b)) => {
                let v = amount(&bound_value(program, b, as_of)?)
                    .ok_or_else(|| invalid("top", "it is not a number"))?;
                if v.is_sign_negative() || v.fract() != Decimal::ZERO {
                    return Err(invalid(
                        "top",
                        "it must be a whole number of units, zero or more",
                    ));
                }
                Some(
                    v.to_u64()
                        .ok_or_else(|| invalid("top", "it is too large"))?,
                )
            }
            (None, None) => None,
        };
        let written = sel.and_then(|s| s.budget.as_ref());
        let budget = match (options.budget, written) {
            (Some(a), w) => {
                let mode = options
                    .budget_mode
                    .or(w.map(|(_, m)| *m))
                    .unwrap_or(if ranks {
                        BudgetMode::RankOrder
                    } else {
                        BudgetMode::Proportional
                    });
                Some((a, mode))
            }
            (None, Some((b, mode))) => {
                let v = amount(&bound_value(program, b, as_of)?)
                    .ok_or_else(|| invalid("budget", "it is not an amount of money"))?;
                Some((v, options.budget_mode.unwrap_or(*mode)))
            }
            (None, None) => None,
        };
        if let Some((a, mode)) = budget {
            if program.currency().is_none() {
                return Err(invalid(
                    "budget",
                    "the program has no currency, so nothing is paid in cash",
                ));
            }
            if a.is_sign_negative() {
                return Err(invalid("budget", "a budget cannot be negative"));
            }
            if mode == BudgetMode::RankOrder && !ranks {
                return Err(invalid(
                    "budget",
                    "a budget spent in rank order needs `rank by` in the program's selection",
                ));
            }
        }
        if top.is_some() && !ranks {
            return Err(invalid(
                "top",
                "selecting the top units needs `rank by` in the program's selection",
            ));
        }
        let step = match (program.ir().entitlement.round, program.currency()) {
            (Some((step, _)), _) => step,
            (None, Some(c)) => Decimal::new(1, c.minor_units()),
            (None, None) => Decimal::ONE,
        };
        Ok(Bounds {
            top,
            budget,
            step,
            closed: options.enrolment == super::Enrolment::Closed,
        })
    }
}

/// Compares two units' ranking keys: each key in its direction, then unit ids in byte order.
pub fn compare_keys(
    a: (&[Option<Decimal>], &str),
    b: (&[Option<Decimal>], &str),
    descending: &[bool],
) -> Ordering {
    for (k, desc) in descending.iter().enumerate() {
        let x = a.0.get(k).copied().flatten();
        let y = b.0.get(k).copied().flatten();
        let o = x.cmp(&y);
        let o = if *desc { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.1.as_bytes().cmp(b.1.as_bytes())
}

/// The order in which selected units are approved and budgets are spent: rank order for a program
/// that ranks, unit id (byte order) otherwise.
pub(crate) fn run_order(records: &[UnitRun], selected_only: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..records.len())
        .filter(|i| {
            records
                .get(*i)
                .is_some_and(|r| !selected_only || r.selected)
        })
        .collect();
    entitle_dsl::sorting::sort_by(&mut order, |a, b| {
        let (ra, rb) = (records.get(*a), records.get(*b));
        let ka = ra.and_then(|r| r.rank).unwrap_or(u64::MAX);
        let kb = rb.and_then(|r| r.rank).unwrap_or(u64::MAX);
        ka.cmp(&kb).then_with(|| {
            let ia = ra.map(|r| r.unit_id.as_bytes()).unwrap_or(&[]);
            let ib = rb.map(|r| r.unit_id.as_bytes()).unwrap_or(&[]);
            ia.cmp(ib)
        })
    });
    order
}

/// Whether the unit was a beneficiary before this run (enrolled or paused).
fn was_enrolled(r: &UnitRun) -> bool {
    matches!(
        r.previous_state,
        Some(MembershipState::Enrolled | MembershipState::Paused)
    )
}

/// Rounds down (towards zero) to a multiple of `step`.
fn floor_to(x: Decimal, step: Decimal) -> Decimal {
    if step <= Decimal::ZERO {
        return x;
    }
    match x.checked_div(step) {
        Some(q) => q
            .round_dp_with_strategy(0, RoundingStrategy::ToZero)
            .checked_mul(step)
            .unwrap_or(x),
        None => x,
    }
}

/// Applies priority, ranking, `top N` and the budget. Returns the budget's totals when one applied.
pub(crate) fn select(
    program: &Program,
    units: &[RunUnit],
    records: &mut [UnitRun],
    bounds: &Bounds,
) -> Result<Option<BudgetTotals>, RunError> {
    let run = &program.ir().run;
    let ranks = !run.rank().is_empty();
    let directions: Vec<bool> = run.rank().iter().map(|k| k.descending).collect();
    // 1. Who may be selected at all, and the priority conditions.
    let mut rankable: Vec<usize> = Vec::new();
    for (i, r) in records.iter_mut().enumerate() {
        if bounds.closed && r.state == MembershipState::Enrolled && !was_enrolled(r) {
            r.state = MembershipState::Draft;
            r.state_reason = StateReason::new(ReasonCode::EnrolmentClosed);
        }
        if r.state != MembershipState::Enrolled {
            r.selection = SelectionCode::NotEnrolled;
            continue;
        }
        if !matches!(
            r.state_reason.code,
            ReasonCode::Eligible | ReasonCode::Compliant
        ) {
            r.selection = SelectionCode::Undecided;
            continue;
        }
        let u = units.get(i);
        let priority = u.map(|u| u.priority.as_slice()).unwrap_or(&[]);
        let failing: Vec<String> = run
            .priority()
            .iter()
            .zip(priority)
            .filter(|(_, t)| **t == Truth::NotMet)
            .map(|(p, _)| p.id.clone())
            .collect();
        if !failing.is_empty() {
            r.selection = SelectionCode::Priority;
            r.selection_rules = failing;
            continue;
        }
        if priority.len() < run.priority().len() || priority.contains(&Truth::Unknown) {
            r.selection = SelectionCode::PriorityUnknown;
            continue;
        }
        if ranks
            && u.is_none_or(|u| {
                u.rank_keys.len() < directions.len() || u.rank_keys.iter().any(Option::is_none)
            })
        {
            r.selection = SelectionCode::RankUnknown;
            continue;
        }
        rankable.push(i);
    }
    // 2. Ranking.
    if ranks {
        let empty: Vec<Option<Decimal>> = Vec::new();
        let keys = |i: usize| -> (&[Option<Decimal>], &str) {
            (
                units
                    .get(i)
                    .map(|u| u.rank_keys.as_slice())
                    .unwrap_or(&empty),
                records.get(i).map(|r| r.unit_id.as_str()).unwrap_or(""),
            )
        };
        entitle_dsl::sorting::sort_by(&mut rankable, |a, b| {
            compare_keys(keys(*a), keys(*b), &directions)
        });
        for (pos, i) in rankable.iter().enumerate() {
            if let Some(r) = records.get_mut(*i) {
                r.rank = Some(pos as u64 + 1);
            }
        }
    } else {
        entitle_dsl::sorting::sort_by(&mut rankable, |a, b| {
            let ia = records.get(*a).map(|r| r.unit_id.as_bytes()).unwrap_or(&[]);
            let ib = records.get(*b).map(|r| r.unit_id.as_bytes()).unwrap_or(&[]);
            ia.cmp(ib)
        });
    }
    // 3. Top N, then a budget in rank order.
    let mut spent = Decimal::ZERO;
    let mut over = false;
    let rank_order_budget = bounds
        .budget
        .filter(|(_, m)| *m == BudgetMode::RankOrder)
        .map(|(a, _)| a);
    for (pos, i) in rankable.iter().enumerate() {
        let Some(r) = records.get_mut(*i) else {
            continue;
        };
        if bounds.top.is_some_and(|n| pos as u64 >= n) {
            r.selection = SelectionCode::BelowTop;
            continue;
        }
        if let Some(budget) = rank_order_budget {
            let cost = r.cash.unwrap_or_default();
            let next = spent.checked_add(cost).ok_or(RunError::Overflow {
                at: "budget".into(),
            })?;
            if over || next > budget {
                over = true;
                r.selection = SelectionCode::OverBudget;
                continue;
            }
            spent = next;
        }
        r.selected = true;
        r.selection = SelectionCode::Selected;
        r.allocated = r.cash;
    }
    // 4. A proportional budget.
    let mut totals = None;
    if let Some((budget, mode)) = bounds.budget {
        let mut factor = None;
        if mode == BudgetMode::Proportional {
            factor = Some(share_out(units, records, &rankable, budget, bounds.step)?);
        }
        let allocated: Decimal = rankable
            .iter()
            .filter_map(|i| records.get(*i))
            .filter(|r| r.selected)
            .filter_map(|r| r.allocated)
            .sum();
        totals = Some(BudgetTotals {
            amount: budget,
            mode,
            factor,
            unallocated: budget - allocated,
        });
    }
    // 5. New units that were not selected are not enrolled.
    for r in records.iter_mut() {
        if r.state == MembershipState::Enrolled
            && !r.selected
            && r.state_reason.code == ReasonCode::Eligible
            && !was_enrolled(r)
        {
            r.state = MembershipState::Draft;
            r.state_reason = StateReason::new(ReasonCode::NotSelected);
        }
    }
    Ok(totals)
}

/// Units' indices with their cash entitlements.
type Claims = Vec<(usize, Decimal)>;

/// The selected units a proportional budget pays, as `(index, cash)`: those with cash to share.
/// A unit without cash (nothing decided, or in kind only) keeps what it has.
fn cash_claims(records: &[UnitRun], kept: &[usize]) -> Claims {
    kept.iter()
        .filter_map(|i| records.get(*i).map(|r| (*i, r)))
        .filter(|(_, r)| r.selected)
        .filter_map(|(i, r)| r.cash.filter(|c| *c > Decimal::ZERO).map(|c| (i, c)))
        .collect()
}

/// A selected unit whose cash share is nothing: not selected (`share_too_small`), unless it also
/// receives in-kind items, which it then receives with no cash.
fn leave_with_nothing(r: &mut UnitRun, u: Option<&RunUnit>) {
    if u.is_some_and(|u| u.in_kind) {
        r.allocated = Some(Decimal::ZERO);
    } else {
        r.selected = false;
        r.selection = SelectionCode::ShareTooSmall;
        r.allocated = None;
    }
}

/// `cash × budget ÷ total`, multiplying first to keep the most digits.
fn share(cash: Decimal, budget: Decimal, total: Decimal) -> Result<Decimal, RunError> {
    match cash.checked_mul(budget) {
        Some(p) => p.checked_div(total),
        None => cash.checked_div(total).and_then(|q| q.checked_mul(budget)),
    }
    .ok_or(RunError::Overflow {
        at: "budget".into(),
    })
}

/// Shares the budget out in proportion among the selected units, each amount rounded down to
/// `step`, and returns the factor applied.
///
/// A unit whose share rounds down to nothing would be counted as selected and paid nothing, so
/// the smallest entitlements leave first (`share_too_small`), every unit with the same amount
/// together, until each unit left gets at least one step of the budget shared among them alone:
/// the units paid, their amounts and the factor then reconcile (factor = budget ÷ what the units
/// paid requested). A unit that also receives in-kind items stays selected with no cash.
fn share_out(
    units: &[RunUnit],
    records: &mut [UnitRun],
    kept: &[usize],
    budget: Decimal,
    step: Decimal,
) -> Result<Decimal, RunError> {
    let claims = cash_claims(records, kept);
    let overflow = || RunError::Overflow {
        at: "budget".into(),
    };
    let requested = claims
        .iter()
        .try_fold(Decimal::ZERO, |acc, (_, c)| acc.checked_add(*c))
        .ok_or_else(overflow)?;
    if requested <= budget {
        return Ok(Decimal::ONE);
    }
    // Ascending amounts: a larger share never leaves before a smaller one. The share of the
    // first unit of each amount only grows as smaller ones leave (its amount is larger and the
    // total smaller), so the first amount whose share reaches a step is the least amount paid.
    let mut amounts: Vec<Decimal> = claims.iter().map(|(_, c)| *c).collect();
    entitle_dsl::sorting::sort(&mut amounts);
    let mut total = requested;
    let mut least = None;
    let mut k = 0;
    while let Some(&cash) = amounts.get(k) {
        if total <= budget || floor_to(share(cash, budget, total)?, step) >= step {
            least = Some(cash);
            break;
        }
        // Every unit with this amount leaves together.
        while amounts.get(k) == Some(&cash) {
            total -= cash;
            k += 1;
        }
    }
    let (paid, left): (Claims, Claims) = claims
        .into_iter()
        .partition(|(_, c)| least.is_some_and(|l| *c >= l));
    for (i, _) in left {
        if let Some(r) = records.get_mut(i) {
            leave_with_nothing(r, units.get(i));
        }
    }
    if paid.is_empty() {
        return Ok(Decimal::ZERO);
    }
    if total <= budget {
        // What is left fits the budget (amounts that are not whole steps): paid in full.
        return Ok(Decimal::ONE);
    }
    let factor = budget.checked_div(total).ok_or_else(overflow)?;
    let mut allocated = Decimal::ZERO;
    for (i, cash) in &paid {
        let a = floor_to(share(*cash, budget, total)?, step).min(*cash);
        allocated += a;
        if let Some(r) = records.get_mut(*i) {
            r.allocated = Some(a);
        }
    }
    // Decimal division keeps 28 significant digits; should its last digit ever round a share up
    // past a step, take one step back from the last units so the total stays within the budget.
    for (i, _) in paid.iter().rev() {
        if allocated <= budget {
            break;
        }
        if let Some(r) = records.get_mut(*i) {
            if let Some(a) = r.allocated.filter(|a| *a >= step) {
                r.allocated = Some(a - step);
                allocated -= step;
                if a == step {
                    leave_with_nothing(r, units.get(*i));
                }
            }
        }
    }
    Ok(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_compare_in_their_direction_then_by_unit_id_bytes() {
        let d = |n: i64| Some(Decimal::from(n));
        let a = [d(10), d(3)];
        let b = [d(10), d(5)];
        // Second key descending: b (5) before a (3).
        assert_eq!(
            compare_keys((&a, "A"), (&b, "B"), &[false, true]),
            Ordering::Greater
        );
        // Equal keys: unit id in byte order ("H10" < "H9", "Z" < "a").
        assert_eq!(
            compare_keys((&a, "H10"), (&a, "H9"), &[false, true]),
            Ordering::Less
        );
        assert_eq!(
            compare_keys((&a, "a"), (&a, "Z"), &[false, false]),
            Ordering::Greater
        );
    }

    #[test]
    fn amounts_round_down_to_the_step() {
        assert_eq!(
            floor_to(Decimal::new(12349, 2), Decimal::new(1, 1)),
            Decimal::new(1234, 1)
        );
        assert_eq!(
            floor_to(Decimal::new(1999, 0), Decimal::new(10, 0)),
            Decimal::new(1990, 0)
        );
        assert_eq!(
            floor_to(Decimal::new(5, 0), Decimal::new(10, 0)),
            Decimal::ZERO
        );
    }
}
