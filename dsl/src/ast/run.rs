//! The syntax of the run model: `compliant when`, `deduplicate`, `selection` and the `cycle` line.

use super::{Expr, Ident, Text};
use crate::run::MembershipState;
use crate::span::Span;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// `school "Children attend school" attendance >= 80% else paused` under `compliant when`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComplianceEntry {
    /// The condition's identifier.
    pub id: Ident,
    /// Its human sentence.
    pub sentence: Text,
    /// What must hold.
    pub expr: Expr,
    /// `else STATE`: the state an enrolled unit takes when it does not hold (not eligible when absent).
    pub otherwise: Option<(MembershipState, Span)>,
    /// The whole line.
    pub span: Span,
}

/// A line of the `selection` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectionEntry {
    /// `priority id "sentence" condition`.
    Priority {
        /// Identifier.
        id: Ident,
        /// Human sentence.
        sentence: Text,
        /// What must hold for the unit to be selected.
        expr: Expr,
        /// The whole line.
        span: Span,
    },
    /// `rank by key ascending, key descending`.
    Rank {
        /// The keys and whether each is descending.
        keys: Vec<(Expr, bool)>,
        /// The whole line.
        span: Span,
    },
    /// `top N`.
    Top {
        /// How many units (a number or a parameter).
        count: Expr,
        /// The whole line.
        span: Span,
    },
    /// `budget AMOUNT [proportional]`.
    Budget {
        /// The budget (money or a parameter).
        amount: Expr,
        /// `proportional`: reduce every amount instead of leaving units out.
        proportional: bool,
        /// The whole line.
        span: Span,
    },
}

impl SelectionEntry {
    /// Where the line is.
    pub fn span(&self) -> Span {
        match self {
            SelectionEntry::Priority { span, .. }
            | SelectionEntry::Rank { span, .. }
            | SelectionEntry::Top { span, .. }
            | SelectionEntry::Budget { span, .. } => *span,
        }
    }
}

/// What a `deduplicate` rule compares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DedupBy {
    /// `shared members`.
    SharedMembers,
    /// `same a, b`.
    Same(Vec<Ident>),
}

/// `same_id "Same national ID" same national_id` under `deduplicate`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DedupEntry {
    /// Identifier (the reason recorded on duplicates).
    pub id: Ident,
    /// Human sentence.
    pub sentence: Text,
    /// What is compared.
    pub by: DedupBy,
    /// The whole line.
    pub span: Span,
}

/// How often cycles recur, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CycleEvery {
    /// `monthly`, `weekly`, `fortnightly` … (the word as written).
    Frequency(String),
    /// `every N PERIOD` (the period word as written: `weeks`, `month` …).
    Interval(Decimal, String),
    /// `on demand`.
    OnDemand,
}

/// The header line `cycle monthly from 2026-01-01 count 12`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CycleDecl {
    /// How often.
    pub every: CycleEvery,
    /// `on monday, thursday`: weekday words as written.
    pub weekdays: Vec<Ident>,
    /// `from DATE`.
    pub from: Option<(NaiveDate, Span)>,
    /// `count N`.
    pub count: Option<(Decimal, Span)>,
    /// `until DATE`.
    pub until: Option<(NaiveDate, Span)>,
    /// `lasting N days`.
    pub lasting: Option<(Decimal, Span)>,
    /// The whole line.
    pub span: Span,
}

/// A summary dimension as written: `region`, `head.gender`, `member.disabled`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryDim {
    /// `head`, `member`, `household` or `person`, when written.
    pub scope: Option<Ident>,
    /// The input.
    pub name: Ident,
}

impl SummaryDim {
    /// The dimension as written (`head.gender`).
    pub fn text(&self) -> String {
        match &self.scope {
            Some(s) => format!("{}.{}", s.name, self.name.name),
            None => self.name.name.clone(),
        }
    }
}

/// `summary by region, head.gender with ages of head.birthdate`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryDecl {
    /// The dimensions, in order.
    pub by: Vec<SummaryDim>,
    /// The date input of the age quartiles.
    pub ages: Option<SummaryDim>,
    /// The whole line.
    pub span: Span,
}
