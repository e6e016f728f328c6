//! A directory written by `entitle cycle`: the manifest's units are the units the cycle read, and
//! the units it could not decide are unit errors, whether its registry row could not be read (no
//! record in `run.jsonl`, a row error in `errors.csv`) or it could not be evaluated (a record with
//! a `null` decision). Figures that do not reconcile with the cycle's summary stop the export.

mod common;

use common::*;
use entitle_payments::{export_run, ExportOptions, ExportReport, Format, Payees, PaymentError};
use std::path::Path;

/// Five records: two approved allocations, one pending, one not eligible, one not evaluated.
const RECORDS: [&str; 5] = [
    r#"{"unit_id":"H01","decision":"eligible","state":"enrolled","selected":true,"cash":"2500","allocated":"2500","approval":"approved"}"#,
    r#"{"unit_id":"H02","decision":"eligible","state":"enrolled","selected":true,"cash":"1500","allocated":"1500","approval":"approved"}"#,
    r#"{"unit_id":"H03","decision":"eligible","state":"enrolled","selected":true,"cash":"2000","allocated":"2000","approval":"pending_validation"}"#,
    r#"{"unit_id":"H04","decision":"not_eligible","state":"not_eligible","selected":false}"#,
    r#"{"unit_id":"H05","decision":null,"state":"draft","state_reason":{"code":"error","error":"R0001"},"selected":false}"#,
];

/// Writes `DIR/NAME` as `entitle cycle` does (`summary.json`, `run.jsonl`) with the summary's
/// `rows` and `totals` figures, and exports it.
fn export_cycle(
    dir: &Path,
    name: &str,
    rows: &str,
    totals: &str,
    records: &[&str],
) -> Result<ExportReport, PaymentError> {
    let run = dir.join(name);
    std::fs::create_dir_all(&run).unwrap();
    let summary = format!(
        r#"{{"program":{{"id":"child_grant","version":"2026.1","hash":"{HASH}"}},"as_of":"2026-03-01","registry":"reg","currency":"KES","transfer_fee":false,"rows":{{{rows}}},"totals":{{{totals}}}}}"#
    );
    std::fs::write(run.join("summary.json"), summary).unwrap();
    std::fs::write(run.join("run.jsonl"), records.join("\n") + "\n").unwrap();
    let options = ExportOptions {
        payees: Payees::Map(mobile_payees()),
        ..ExportOptions::default()
    };
    let out = dir.join(format!("{name}-out"));
    export_run(&run, Format::G2pConnect, &payer(), &out, &options)
}

fn counts(r: &ExportReport) -> (usize, usize, usize, usize) {
    let c = &r.counts;
    (c.units, c.payable, c.not_payable, c.unit_errors)
}

/// The cycle read 8 units: 5 have a record (one not evaluated), 3 rows could not be read (of the
/// 4 row errors, one a member row outside any unit). The manifest counts 8 units, 4 unit errors.
#[test]
fn units_without_a_record_are_unit_errors_and_the_units_are_the_units_read() {
    let dir = tempfile::tempdir().unwrap();
    let rows = r#""units":8,"members":20,"row_errors":4,"unit_errors":1"#;
    let totals = r#""units":5,"errors":1"#;
    let report = export_cycle(dir.path(), "cycle", rows, totals, &RECORDS).unwrap();
    assert_eq!(counts(&report), (8, 2, 2, 4));
    let c = &report.counts;
    assert_eq!(c.units, c.payable + c.not_payable + c.unit_errors);
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("cycle-out/g2p-connect-manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        (
            &manifest["counts"]["units"],
            &manifest["counts"]["unit_errors"]
        ),
        (&8.into(), &4.into())
    );

    // A summary that counts the units left out (as `entitle cycle` writes it): they must be the
    // units without a record, exactly.
    let rows = r#""units":8,"members":20,"row_errors":4,"units_left_out":3,"unit_errors":1"#;
    let report = export_cycle(dir.path(), "left", rows, totals, &RECORDS).unwrap();
    assert_eq!(counts(&report), (8, 2, 2, 4));

    // Every unit read has a record: only the null decision is a unit error.
    let rows = r#""units":5,"row_errors":2,"unit_errors":1"#;
    let report = export_cycle(dir.path(), "whole", rows, totals, &RECORDS).unwrap();
    assert_eq!(counts(&report), (5, 2, 2, 1));

    // A summary without `rows` (written by hand): the records are the units, as before.
    let report = export_cycle(dir.path(), "bare", "", "", &RECORDS).unwrap();
    assert_eq!(counts(&report), (5, 2, 2, 1));
}

/// Records and summary that cannot be reconciled are refused with P0002, and nothing is written.
#[test]
fn a_cycle_whose_records_do_not_match_its_summary_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &[&str], &str); 7] = [
        // Units without a record other than the units left out the summary counts (within the
        // row errors, which alone would let it pass).
        (
            r#""units":8,"row_errors":4,"units_left_out":2,"unit_errors":1"#,
            r#""units":5,"errors":1"#,
            &RECORDS,
            "3 of the 8 units read have no record, but the summary counts 2 units left out \
             (`rows.units_left_out`)",
        ),
        // The records cut short: `totals.units` says 5.
        (
            r#""units":8,"row_errors":4,"unit_errors":1"#,
            r#""units":5,"errors":1"#,
            &RECORDS[..3],
            "3 unit records, the summary counts 5 (`totals.units`)",
        ),
        // More units without a record than row errors to account for them.
        (
            r#""units":9,"row_errors":3,"unit_errors":1"#,
            r#""units":5,"errors":1"#,
            &RECORDS,
            "4 of the 9 units read have no record, but the summary counts 3 row errors",
        ),
        // More records than units read.
        (
            r#""units":4,"row_errors":0,"unit_errors":1"#,
            "",
            &RECORDS,
            "5 unit records, more than the 4 units read (`rows.units`)",
        ),
        // Null decisions other than the cycle's evaluation errors.
        (
            r#""units":5,"row_errors":0,"unit_errors":2"#,
            r#""units":5,"errors":1"#,
            &RECORDS,
            "1 units with a null decision, the summary counts 2 (`rows.unit_errors`)",
        ),
        (
            r#""units":5,"row_errors":0"#,
            r#""units":5,"errors":0"#,
            &RECORDS,
            "1 units with a null decision, the summary counts 0 (`totals.errors`)",
        ),
        (
            r#""units":"8""#,
            "",
            &RECORDS,
            "`rows.units` is not a whole number",
        ),
    ];
    for (i, (rows, totals, records, part)) in cases.into_iter().enumerate() {
        let name = format!("c{i}");
        let e = export_cycle(dir.path(), &name, rows, totals, records).unwrap_err();
        assert_eq!(e.code(), "P0002", "{e}");
        assert!(e.to_string().contains(part), "{part}: {e}");
        assert_nothing_written(&dir.path().join(format!("{name}-out")));
    }
}
