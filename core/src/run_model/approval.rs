//! Approval of the selected entitlements, against a fund or automatically.
//!
//! A selected unit has an entitlement in this run when its allocated cash is above zero (a zero
//! amount creates no entitlement, as in OpenSPP), or when it receives in-kind items.
//! With a fund, the available amount is the posted funds less what was approved before; entitlements
//! are approved in rank order (unit id in byte order for a program that does not rank) while the
//! fund covers them, and approval **stops at the first entitlement the fund cannot cover**: that one
//! and every later one stay `pending_validation` with the reason `fund_exhausted` (OpenG2P's
//! behaviour, so a smaller entitlement further down never overtakes a larger one before it).
//! In-kind entitlements draw nothing from the fund. Without a fund, entitlements are approved when
//! the run asks for automatic approval and stay `pending_validation` otherwise.

use super::selection::run_order;
use super::{Approval, ApprovalReason, FundTotals, RunError, RunOptions, RunUnit, UnitRun};
use crate::program::Program;
use rust_decimal::Decimal;

/// Refuses a fund that cannot be one: posted funds or earlier approvals below zero would leave a
/// negative amount available, so every entitlement would wait for validation for want of money
/// that was never posted.
pub(crate) fn check_fund(options: &RunOptions) -> Result<(), RunError> {
    match options.fund {
        Some(f) if f.posted < Decimal::ZERO || f.approved < Decimal::ZERO => {
            Err(RunError::InvalidOption {
                option: "fund".into(),
                reason: "a fund cannot be negative".into(),
            })
        }
        _ => Ok(()),
    }
}

/// Approves the selected entitlements; the fund's totals when one was given.
pub(crate) fn approve(
    _program: &Program,
    units: &[RunUnit],
    records: &mut [UnitRun],
    options: &RunOptions,
) -> Result<Option<FundTotals>, RunError> {
    let order = run_order(records, true);
    let in_kind = |i: usize| units.get(i).is_some_and(|u| u.in_kind);
    let Some(fund) = options.fund else {
        let state = if options.auto_approve {
            Approval::Approved
        } else {
            Approval::PendingValidation
        };
        for i in order {
            if let Some(r) = records.get_mut(i) {
                if has_entitlement(r, in_kind(i)) {
                    r.approval = Some(state);
                }
            }
        }
        return Ok(None);
    };
    let available = fund.available();
    let mut remaining = available;
    let mut stopped = false;
    for i in order {
        let Some(r) = records.get_mut(i) else {
            continue;
        };
        if !has_entitlement(r, in_kind(i)) {
            continue;
        }
        let amount = r.allocated.unwrap_or_default();
        if !stopped && amount <= remaining {
            remaining -= amount;
            r.approval = Some(Approval::Approved);
        } else {
            stopped = true;
            r.approval = Some(Approval::PendingValidation);
            r.approval_reason = Some(ApprovalReason::FundExhausted);
        }
    }
    Ok(Some(FundTotals {
        posted: fund.posted,
        approved_before: fund.approved,
        available,
        approved: available - remaining,
        remaining,
    }))
}

fn has_entitlement(r: &UnitRun, in_kind: bool) -> bool {
    r.selected && (in_kind || r.allocated.is_some_and(|a| a > Decimal::ZERO))
}
