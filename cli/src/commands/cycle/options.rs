//! The run options from the command-line flags, and run errors as messages with their code.

use super::Selection;
use crate::words::Words;
use entitle_core::run_model::{
    BudgetMode, ComplianceCheck, Enrolment, Fund, MembershipState, RunOptions,
};
use rust_decimal::Decimal;
use std::collections::HashMap;

pub(super) fn run_options(
    s: &Selection,
    previous: HashMap<String, MembershipState>,
    approved: Decimal,
) -> RunOptions {
    RunOptions {
        previous,
        compliance: match s.compliance.as_deref() {
            Some("all") => ComplianceCheck::All,
            Some("never") => ComplianceCheck::Never,
            _ => ComplianceCheck::Enrolled,
        },
        enrolment: if s.closed {
            Enrolment::Closed
        } else {
            Enrolment::Open
        },
        top: s.top,
        budget: s.budget,
        budget_mode: s.budget_mode.as_deref().map(|m| {
            if m == "proportional" {
                BudgetMode::Proportional
            } else {
                BudgetMode::RankOrder
            }
        }),
        fund: s.fund.map(|posted| Fund { posted, approved }),
        auto_approve: s.auto_approve,
    }
}

/// A run error as a message in the locale of `--locale`, with its code.
pub(super) fn run_error(e: entitle_core::run_model::RunError, w: Words) -> anyhow::Error {
    anyhow::anyhow!("{} [{}]", e.message(w.catalog()), e.code())
}
