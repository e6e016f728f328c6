//! Does `decisions.jsonl` hold the run that `summary.json` describes?
//!
//! `entitle run` writes both files; the summary's counts and cash totals are what the run decided.
//! A decisions file that was cut short (copied in part, truncated by a full disk), edited, or taken
//! from another run would otherwise be paid as if it were whole: the units missing from it would be
//! in neither the batch nor the exceptions. So the decision lines are added up while they are read
//! and compared with the summary before anything is paid.
//!
//! The units the run could not decide have no decision line: `entitle run` lists them in
//! `errors.csv` and counts them in the summary (`counts.errors`, `errors.units`), so that
//! `counts.units = counts.decisions + counts.errors`. Their count is taken from there.

use crate::error::PaymentError;
use crate::summary::invalid;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// What the decision lines add up to.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Lines with a decision (eligible, not eligible or undetermined).
    pub(crate) decisions: u64,
    /// Eligible decisions.
    pub(crate) eligible: u64,
    /// Net cash per currency code, over every decision that has cash.
    pub(crate) net: BTreeMap<String, Decimal>,
    /// Lines that give a unit's evaluation error instead of a decision (not written by
    /// `entitle run`).
    pub(crate) error_lines: u64,
    /// The run's unit errors, once read ([`unit_errors`]).
    pub(crate) unit_errors: u64,
}

impl Tally {
    /// The run's units: its decisions and its unit errors.
    pub(crate) fn units(&self) -> u64 {
        self.decisions.saturating_add(self.unit_errors)
    }

    /// Adds one decision's net cash.
    pub(crate) fn add_cash(&mut self, currency: &str, net: Decimal) {
        let sum = self.net.entry(currency.to_string()).or_default();
        *sum = sum.saturating_add(net);
    }
}

/// A count in the summary's `counts` object, if the summary gives it.
fn count(counts: Option<&Value>, key: &str, summary: &Path) -> Result<Option<u64>, PaymentError> {
    count_in(counts, "counts", key, summary)
}

/// A count in the summary's `object` (`counts`, `rows`, `totals`), if the summary gives it.
fn count_in(
    obj: Option<&Value>,
    object: &str,
    key: &str,
    summary: &Path,
) -> Result<Option<u64>, PaymentError> {
    match obj.and_then(|c| c.get(key)) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| {
            invalid(
                summary,
                None,
                format!("`{object}.{key}` is not a whole number"),
            )
        }),
    }
}

/// A cycle's units and the units it could not decide, reconciled with its `summary.json`.
///
/// `entitle cycle` writes one `run.jsonl` record per unit it read (`totals.units` of them), with a
/// `null` decision for a unit it could not evaluate (`totals.errors`, `rows.unit_errors`). A unit
/// whose row could not be read is among the error records of `errors.csv` (`rows.row_errors`,
/// which also counts rows outside any unit) and among the units read (`rows.units`); it has a
/// record with a `null` decision when its id could be read, and none otherwise
/// (`rows.units_left_out`). Both kinds are units that could not be decided, so
/// `units = rows.units` and `unit_errors = (rows.units - records) + null decisions`, as
/// `entitle run` counts them over the same registry. A summary without `rows.units` (written by
/// hand) leaves the records as the units.
///
/// # Errors
/// [`PaymentError::InvalidRun`] (P0002) naming every figure that disagrees: records other than
/// `totals.units`, null decisions other than `totals.errors` or `rows.unit_errors`, more records
/// than `rows.units`, or more units without a record than `rows.row_errors`, or other than
/// `rows.units_left_out` (the units whose row could not be read, when the summary gives it); or a
/// figure that is not a whole number.
pub(crate) fn cycle_units(
    summary: &Path,
    records: &Path,
    rows: Option<&Value>,
    totals: Option<&Value>,
    lines: u64,
    null_decisions: u64,
) -> Result<(u64, u64), PaymentError> {
    let mut wrong = Vec::new();
    if let Some(want) = count_in(totals, "totals", "units", summary)?.filter(|w| *w != lines) {
        wrong.push(format!(
            "{lines} unit records, the summary counts {want} (`totals.units`)"
        ));
    }
    for (object, figures) in [("totals", totals), ("rows", rows)] {
        let key = if object == "totals" {
            "errors"
        } else {
            "unit_errors"
        };
        if let Some(want) =
            count_in(figures, object, key, summary)?.filter(|w| *w != null_decisions)
        {
            wrong.push(format!(
                "{null_decisions} units with a null decision, the summary counts {want} \
                 (`{object}.{key}`)"
            ));
        }
    }
    let (units, unread) = match count_in(rows, "rows", "units", summary)? {
        None => (lines, 0),
        Some(read) if read < lines => {
            wrong.push(format!(
                "{lines} unit records, more than the {read} units read (`rows.units`)"
            ));
            (read, 0)
        }
        Some(read) => {
            let unread = read.saturating_sub(lines);
            let row_errors = count_in(rows, "rows", "row_errors", summary)?.unwrap_or(0);
            // Written by `entitle cycle` since it counts them: exactly the units without a record.
            if let Some(left_out) =
                count_in(rows, "rows", "units_left_out", summary)?.filter(|n| *n != unread)
            {
                wrong.push(format!(
                    "{unread} of the {read} units read have no record, but the summary counts \
                     {left_out} units left out (`rows.units_left_out`)"
                ));
            }
            if unread > row_errors {
                wrong.push(format!(
                    "{unread} of the {read} units read have no record, but the summary counts \
                     {row_errors} row errors (`rows.row_errors`) to account for them"
                ));
            }
            (read, unread)
        }
    };
    if !wrong.is_empty() {
        return Err(invalid(
            records,
            None,
            format!(
                "does not match summary.json ({}): the unit records are incomplete or from \
                 another cycle; pay the directory `entitle cycle` wrote, unchanged",
                wrong.join("; ")
            ),
        ));
    }
    Ok((units, unread.saturating_add(null_decisions)))
}

/// The units the run could not decide: the summary's `counts.errors`, else its `errors.units`
/// (`entitle run` writes both, equal), else the decisions file's error lines. Error lines are
/// among the units the summary counts, so there cannot be more of them.
///
/// # Errors
/// [`PaymentError::InvalidRun`] (P0002) for a count that is not a whole number, two counts that
/// disagree, or more error lines than the summary counts.
pub(crate) fn unit_errors(
    summary: &Path,
    counts: Option<&Value>,
    errors: Option<&Value>,
    error_lines: u64,
) -> Result<u64, PaymentError> {
    let in_counts = count(counts, "errors", summary)?;
    let in_errors = count_in(errors, "errors", "units", summary)?;
    let claimed = match (in_counts, in_errors) {
        (Some(a), Some(b)) if a != b => {
            return Err(invalid(
                summary,
                None,
                format!("`counts.errors` is {a} but `errors.units` is {b}"),
            ))
        }
        (Some(n), _) | (None, Some(n)) => n,
        (None, None) => return Ok(error_lines),
    };
    if error_lines > claimed {
        return Err(invalid(
            summary,
            None,
            format!(
                "the decisions file has {error_lines} unit error lines, but the summary counts \
                 {claimed} unit errors"
            ),
        ));
    }
    Ok(claimed)
}

/// The summary's net cash per currency (`totals.cash[].net`), if the summary gives it.
fn claimed_net(
    totals: Option<&Value>,
    summary: &Path,
) -> Result<Option<BTreeMap<String, Decimal>>, PaymentError> {
    let bad = |what: &str| invalid(summary, None, format!("`totals.cash` {what}"));
    let cash = match totals.and_then(|t| t.get("cash")) {
        None | Some(Value::Null) => return Ok(None),
        Some(c) => c.as_array().ok_or_else(|| bad("is not a list"))?,
    };
    let mut net = BTreeMap::new();
    for entry in cash {
        let currency = entry
            .get("currency")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("has an entry without `currency`"))?;
        let amount = match entry.get("net") {
            Some(Value::String(s)) => Decimal::from_str_exact(s.trim()).ok(),
            Some(Value::Number(n)) => Decimal::from_str_exact(&n.to_string()).ok(),
            _ => None,
        }
        .ok_or_else(|| bad("has an entry without a decimal `net`"))?;
        net.insert(currency.to_string(), amount);
    }
    Ok(Some(net))
}

/// Compares what the decision lines add up to with what `summary.json` says: `counts.decisions`,
/// `counts.eligible`, `counts.units` (the decisions and [`Tally::unit_errors`]) and
/// `totals.cash[].net`, each when the summary gives it (`entitle run` writes them all; a summary
/// written by hand may leave them out, and is then not checked for them).
///
/// # Errors
/// [`PaymentError::InvalidRun`] (P0002) naming every figure that disagrees, or a figure that is
/// malformed.
pub(crate) fn check(
    summary: &Path,
    decisions: &Path,
    counts: Option<&Value>,
    totals: Option<&Value>,
    tally: &Tally,
) -> Result<(), PaymentError> {
    let mut wrong = Vec::new();
    if let Some(want) = count(counts, "decisions", summary)?.filter(|w| *w != tally.decisions) {
        wrong.push(format!(
            "{} decisions, the summary counts {want}",
            tally.decisions
        ));
    }
    if let Some(want) = count(counts, "eligible", summary)?.filter(|w| *w != tally.eligible) {
        wrong.push(format!(
            "{} eligible, the summary counts {want}",
            tally.eligible
        ));
    }
    if let Some(want) = count(counts, "units", summary)?.filter(|w| *w != tally.units()) {
        wrong.push(format!(
            "{} units ({} decisions and {} unit errors), the summary counts {want}",
            tally.units(),
            tally.decisions,
            tally.unit_errors
        ));
    }
    if let Some(want_net) = claimed_net(totals, summary)? {
        let currencies: std::collections::BTreeSet<&String> =
            want_net.keys().chain(tally.net.keys()).collect();
        for c in currencies {
            let have = tally.net.get(c).copied().unwrap_or_default();
            let want = want_net.get(c).copied().unwrap_or_default();
            if have != want {
                wrong.push(format!(
                    "net {c} {}, the summary totals {}",
                    have.normalize(),
                    want.normalize()
                ));
            }
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(invalid(
            decisions,
            None,
            format!(
                "does not match summary.json ({}): the decisions file is incomplete or from \
                 another run; pay the directory `entitle run` wrote, unchanged",
                wrong.join("; ")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tally(decisions: u64, eligible: u64, net: &str) -> Tally {
        let mut t = Tally {
            decisions,
            eligible,
            ..Tally::default()
        };
        t.add_cash("KES", Decimal::from_str_exact(net).unwrap());
        t
    }

    fn run(t: &Tally) -> Result<(), PaymentError> {
        let counts = json!({"decisions": 10, "eligible": 4});
        let totals = json!({"cash": [{"currency": "KES", "net": "6000"}]});
        check(
            Path::new("summary.json"),
            Path::new("decisions.jsonl"),
            Some(&counts),
            Some(&totals),
            t,
        )
    }

    #[test]
    fn a_whole_run_passes_and_each_difference_is_named() {
        assert!(run(&tally(10, 4, "6000.00")).is_ok());
        let e = run(&tally(7, 3, "4500")).unwrap_err();
        assert_eq!(e.code(), "P0002");
        let msg = e.to_string();
        for part in [
            "7 decisions, the summary counts 10",
            "3 eligible, the summary counts 4",
            "net KES 4500, the summary totals 6000",
        ] {
            assert!(msg.contains(part), "{msg}");
        }
        let e = run(&tally(10, 4, "6000.01")).unwrap_err();
        assert!(e.to_string().contains("net KES 6000.01"), "{e}");
        let mut other = tally(10, 4, "6000");
        other.add_cash("EUR", Decimal::ONE);
        let e = run(&other).unwrap_err();
        assert!(
            e.to_string().contains("net EUR 1, the summary totals 0"),
            "{e}"
        );
    }

    #[test]
    fn figures_the_summary_leaves_out_are_not_checked_and_malformed_ones_refused() {
        let t = tally(1, 1, "1");
        let summary = Path::new("summary.json");
        let decisions = Path::new("decisions.jsonl");
        assert!(check(summary, decisions, None, None, &t).is_ok());
        let counts = json!({"units": 1, "eligible": 2});
        let e = check(summary, decisions, Some(&counts), None, &t).unwrap_err();
        assert!(
            e.to_string().contains("1 eligible, the summary counts 2"),
            "{e}"
        );
        assert!(!e.to_string().contains("decisions, the summary"), "{e}");
        let counts = json!({"decisions": "1"});
        let e = check(summary, decisions, Some(&counts), None, &t).unwrap_err();
        assert_eq!(e.code(), "P0002");
        assert!(
            e.to_string()
                .contains("`counts.decisions` is not a whole number"),
            "{e}"
        );
        let totals = json!({"cash": [{"currency": "KES"}]});
        let e = check(summary, decisions, None, Some(&totals), &t).unwrap_err();
        assert!(e.to_string().contains("without a decimal `net`"), "{e}");
    }

    #[test]
    fn unit_errors_come_from_the_summary_else_from_the_error_lines() {
        let summary = Path::new("summary.json");
        let counts = json!({"units": 12, "decisions": 10, "errors": 2});
        let errors = json!({"units": 2, "rows": 4});
        let read = |c: Option<&Value>, e: Option<&Value>, lines: u64| {
            unit_errors(summary, c, e, lines).map_err(|e| (e.code(), e.to_string()))
        };
        assert_eq!(read(Some(&counts), Some(&errors), 0), Ok(2));
        assert_eq!(read(Some(&counts), None, 0), Ok(2));
        assert_eq!(read(None, Some(&errors), 0), Ok(2));
        // An error line is one of the units the summary counts, not one more.
        assert_eq!(read(Some(&counts), Some(&errors), 2), Ok(2));
        assert_eq!(read(None, None, 3), Ok(3));
        assert_eq!(read(Some(&json!({"decisions": 10})), None, 1), Ok(1));
        let (code, msg) = read(Some(&counts), None, 3).unwrap_err();
        assert_eq!(code, "P0002");
        assert!(
            msg.contains("3 unit error lines, but the summary counts 2 unit errors"),
            "{msg}"
        );
        let (code, msg) = read(None, Some(&json!({"units": -1})), 0).unwrap_err();
        assert_eq!(code, "P0002");
        assert!(
            msg.contains("`errors.units` is not a whole number"),
            "{msg}"
        );

        let mut t = tally(10, 4, "6000");
        t.unit_errors = 2;
        let c = json!({"units": 12, "decisions": 10});
        assert!(check(summary, Path::new("d"), Some(&c), None, &t).is_ok());
        t.unit_errors = 0;
        let e = check(summary, Path::new("d"), Some(&c), None, &t).unwrap_err();
        assert!(
            e.to_string()
                .contains("10 units (10 decisions and 0 unit errors), the summary counts 12"),
            "{e}"
        );
    }
}
