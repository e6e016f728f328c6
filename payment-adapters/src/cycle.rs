//! Reading a directory written by `entitle cycle`: `summary.json` and `run.jsonl`.
//!
//! A cycle pays what it approved: a unit is payable when its entitlement was approved
//! (`"approval": "approved"`) and its allocated cash (`allocated`, after any budget reduction)
//! is above zero. Every other line is counted as not payable (not selected, pending validation,
//! no cash) or as a unit error (`"decision": null`). A unit whose registry row could not be read
//! is in `errors.csv`, and has a line with a `null` decision when the row's id could be read (so
//! that the next cycle keeps its state), no line otherwise: either way it is a unit error, the
//! lines it lacks counted from the summary, so that the units are the units the cycle read
//! (`rows.units`), as `entitle run` counts them. A cycle allocates amounts before the program's transfer fee, and the net of a
//! reduced allocation is not known here: a cycle of a program with a fee is refused rather than
//! paid gross.

use crate::error::PaymentError;
use crate::integrity;
use crate::run::{parse_amount, records, unit_of, Entitlement, RunEntitlements};
use crate::summary::{invalid, SummaryInfo};
use entitle_dsl::Currency;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

#[derive(Deserialize)]
struct RawUnitRun {
    unit_id: Option<Value>,
    /// `null` when the unit could not be evaluated.
    decision: Option<String>,
    allocated: Option<Value>,
    approval: Option<String>,
}

/// The approved allocations of a cycle directory, as [`crate::read_run`] returns a run's.
pub(crate) fn read_cycle(
    run_dir: &Path,
    summary: SummaryInfo,
) -> Result<RunEntitlements, PaymentError> {
    let summary_path = run_dir.join("summary.json");
    if summary.transfer_fee != Some(false) {
        let why = match summary.transfer_fee {
            Some(_) => "the program has a transfer fee, and a cycle's allocations are before the fee: pay the net amounts of `entitle run` instead",
            None => "a cycle's summary must say whether the program has a transfer fee (`transfer_fee`); write it again with this version of `entitle cycle`",
        };
        return Err(invalid(&summary_path, None, why.into()));
    }
    let path = run_dir.join("run.jsonl");
    let file = std::fs::File::open(&path).map_err(|e| PaymentError::io("read", &path, e))?;
    let mut run = RunEntitlements {
        program: summary.program,
        as_of: summary.as_of,
        registry: summary.registry,
        entitlements: Vec::new(),
        units: 0,
        not_payable: 0,
        unit_errors: 0,
    };
    // The currency is read only when something is payable: a cycle of an in-kind program
    // has none.
    let mut currency: Option<Currency> = None;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let (mut lines, mut null_decisions) = (0u64, 0u64);
    for record in records::<RawUnitRun>(file, &path, "a JSON unit record") {
        let (line_no, raw) = record?;
        let unit_id = unit_of(&path, line_no, raw.unit_id, &mut seen)?;
        lines = lines.saturating_add(1);
        match raw.decision.as_deref() {
            None => {
                null_decisions = null_decisions.saturating_add(1);
                continue;
            }
            Some("eligible" | "not_eligible" | "undetermined") => {}
            Some(other) => {
                return Err(invalid(
                    &path,
                    Some(line_no),
                    format!("unknown decision {other:?}"),
                ))
            }
        }
        match raw.approval.as_deref() {
            Some("approved") => {}
            None | Some("pending_validation") => {
                run.not_payable = run.not_payable.saturating_add(1);
                continue;
            }
            Some(other) => {
                return Err(invalid(
                    &path,
                    Some(line_no),
                    format!("unknown approval {other:?}"),
                ))
            }
        }
        let amount = match &raw.allocated {
            Some(v) => parse_amount(&unit_id, "allocated", v)?,
            None => {
                // Approved without cash: an in-kind entitlement, which no cash payment carries.
                run.not_payable = run.not_payable.saturating_add(1);
                continue;
            }
        };
        if amount.is_zero() {
            run.not_payable = run.not_payable.saturating_add(1);
            continue;
        }
        let currency = match currency {
            Some(c) => c,
            None => {
                let code = summary.currency.as_deref().ok_or_else(|| {
                    invalid(
                        &summary_path,
                        None,
                        "no `currency` for the allocated cash".into(),
                    )
                })?;
                *currency.insert(crate::run::currency(&summary_path, None, code)?)
            }
        };
        run.entitlements.push(Entitlement {
            unit_id,
            amount,
            currency,
        });
    }
    let (units, unit_errors) = integrity::cycle_units(
        &summary_path,
        &path,
        summary.rows.as_ref(),
        summary.totals.as_ref(),
        lines,
        null_decisions,
    )?;
    run.units = usize::try_from(units).unwrap_or(usize::MAX);
    run.unit_errors = usize::try_from(unit_errors).unwrap_or(usize::MAX);
    run.entitlements.sort_by(|a, b| a.unit_id.cmp(&b.unit_id));
    Ok(run)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::read_run;

    const HASH: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000001";

    fn write_cycle(fee: &str, currency: &str, lines: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let summary = format!(
            r#"{{"program":{{"id":"cg","version":"1","hash":"{HASH}"}},"as_of":"2026-03-01","registry":"reg","registry_path":"reg","target":"household"{currency}{fee},"totals":{{}}}}"#
        );
        std::fs::write(dir.path().join("summary.json"), summary).unwrap();
        std::fs::write(dir.path().join("run.jsonl"), lines.join("\n")).unwrap();
        dir
    }

    const KES: &str = r#","currency":"KES""#;
    const NO_FEE: &str = r#","transfer_fee":false"#;

    #[test]
    fn pays_the_approved_allocations_only() {
        let lines = [
            r#"{"unit_id":"H3","decision":"eligible","state":"enrolled","selected":true,"cash":"3000","allocated":"2400.50","approval":"approved"}"#,
            r#"{"unit_id":"H1","decision":"eligible","state":"enrolled","selected":true,"cash":"2000","allocated":"2000","approval":"approved"}"#,
            r#"{"unit_id":"H2","decision":"eligible","state":"enrolled","selected":true,"cash":"2500","allocated":"2500","approval":"pending_validation","approval_reason":"fund_exhausted"}"#,
            r#"{"unit_id":"H4","decision":"eligible","state":"enrolled","selected":false,"cash":"1500"}"#,
            r#"{"unit_id":"H5","decision":"not_eligible","state":"not_eligible","selected":false}"#,
            r#"{"unit_id":"H6","decision":null,"state":"draft","selected":false}"#,
            r#"{"unit_id":"H7","decision":"eligible","state":"enrolled","selected":true,"cash":"0","allocated":"0","approval":"approved"}"#,
            "",
        ];
        let dir = write_cycle(NO_FEE, KES, &lines);
        let run = read_run(dir.path()).unwrap();
        let got: Vec<_> = run
            .entitlements
            .iter()
            .map(|e| (e.unit_id.as_str(), e.amount.to_string(), e.currency.code()))
            .collect();
        assert_eq!(
            got,
            [
                ("H1", "2000".into(), "KES"),
                ("H3", "2400.50".into(), "KES")
            ]
        );
        // 7 lines: 2 payable, 4 not payable (pending, not selected, not eligible, zero), 1 error.
        assert_eq!((run.units, run.not_payable, run.unit_errors), (7, 4, 1));
        assert_eq!(run.registry.as_deref(), Some("reg"));
    }

    #[test]
    fn refuses_a_cycle_it_cannot_pay_exactly() {
        let approved = r#"{"unit_id":"H1","decision":"eligible","selected":true,"allocated":"10","approval":"approved"}"#;
        // Allocations before a transfer fee, or a summary that does not say.
        for fee in [r#","transfer_fee":true"#, ""] {
            let e = read_run(write_cycle(fee, KES, &[approved]).path()).unwrap_err();
            assert_eq!(e.code(), "P0002");
            assert!(e.to_string().contains("transfer fee"), "{e}");
        }
        let e = read_run(write_cycle(NO_FEE, "", &[approved]).path()).unwrap_err();
        assert!(e.to_string().contains("no `currency`"), "{e}");
        // Nothing payable: no currency needed.
        let pending = approved.replace("\"approved\"", "\"pending_validation\"");
        let run = read_run(write_cycle(NO_FEE, "", &[&pending]).path()).unwrap();
        assert_eq!((run.entitlements.len(), run.not_payable), (0, 1));
        let e = read_run(write_cycle(NO_FEE, KES, &[approved, approved]).path()).unwrap_err();
        assert_eq!(e.code(), "P0015");
        let negative = approved.replace("\"10\"", "\"-10\"");
        let e = read_run(write_cycle(NO_FEE, KES, &[&negative]).path()).unwrap_err();
        assert_eq!(e.code(), "P0019");
        let odd = approved.replace("\"approved\"", "\"maybe\"");
        let e = read_run(write_cycle(NO_FEE, KES, &[&odd]).path()).unwrap_err();
        assert!(e.to_string().contains("unknown approval"), "{e}");
        let e = read_run(write_cycle(NO_FEE, KES, &["{oops"]).path()).unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }
}
