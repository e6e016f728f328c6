//! A run directory's `summary.json`: what `entitle run` or `entitle cycle` says about the run
//! (its program, as-of date, registry and counts), which the decisions or unit records must agree
//! with before anything is paid.

use crate::error::PaymentError;
use crate::run::ProgramRef;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

#[derive(Deserialize)]
struct Summary {
    program: Option<ProgramRef>,
    as_of: Option<String>,
    #[serde(default)]
    registry: Option<Value>,
    /// Written by `entitle cycle`: the program's currency.
    #[serde(default)]
    currency: Option<String>,
    /// Written by `entitle cycle`: whether the program has a transfer fee.
    #[serde(default)]
    transfer_fee: Option<bool>,
    /// Written by `entitle run`: decisions per outcome (checked against `decisions.jsonl`).
    #[serde(default)]
    counts: Option<Value>,
    /// Written by `entitle run`: cash totals per currency (checked against `decisions.jsonl`).
    #[serde(default)]
    totals: Option<Value>,
    /// Written by `entitle run`: error records, `units` of them for units it could not decide.
    #[serde(default)]
    errors: Option<Value>,
    /// Written by `entitle cycle`: the units read and the error records (`units`, `row_errors`,
    /// `unit_errors`), checked against `run.jsonl`.
    #[serde(default)]
    rows: Option<Value>,
}

/// What a run's `summary.json` says, checked.
pub(crate) struct SummaryInfo {
    pub(crate) program: ProgramRef,
    pub(crate) as_of: NaiveDate,
    pub(crate) registry: Option<String>,
    pub(crate) currency: Option<String>,
    pub(crate) transfer_fee: Option<bool>,
    pub(crate) counts: Option<Value>,
    pub(crate) totals: Option<Value>,
    pub(crate) errors: Option<Value>,
    pub(crate) rows: Option<Value>,
}

pub(crate) fn invalid(path: &Path, line: Option<usize>, message: String) -> PaymentError {
    PaymentError::InvalidRun {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// Reads and checks `RUN_DIR/summary.json`.
pub(crate) fn read_summary(run_dir: &Path) -> Result<SummaryInfo, PaymentError> {
    let summary_path = run_dir.join("summary.json");
    let text = std::fs::read_to_string(&summary_path)
        .map_err(|e| PaymentError::io("read", &summary_path, e))?;
    let summary: Summary = serde_json::from_str(&text)
        .map_err(|e| invalid(&summary_path, None, format!("not the expected JSON: {e}")))?;
    let program = summary
        .program
        .ok_or_else(|| invalid(&summary_path, None, "no `program` object".into()))?;
    let as_of_text = summary
        .as_of
        .ok_or_else(|| invalid(&summary_path, None, "no `as_of` date".into()))?;
    let as_of = NaiveDate::parse_from_str(&as_of_text, "%Y-%m-%d").map_err(|_| {
        invalid(
            &summary_path,
            None,
            format!("`as_of` {as_of_text:?} is not a YYYY-MM-DD date"),
        )
    })?;
    let registry = match summary.registry {
        Some(Value::String(s)) => Some(s),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    Ok(SummaryInfo {
        program,
        as_of,
        registry,
        currency: summary.currency,
        transfer_fee: summary.transfer_fee,
        counts: summary.counts,
        totals: summary.totals,
        errors: summary.errors,
        rows: summary.rows,
    })
}
