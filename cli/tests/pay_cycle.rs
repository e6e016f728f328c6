//! `entitle pay` over a directory written by `entitle cycle`: the approved allocations are paid,
//! and the manifest counts every unit the cycle read, those it could not decide as unit errors.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// `entitle cycle` of the child grant over `examples/registry` as of 2026-03-01, into `out`.
fn cycle_into(out: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec![
        "cycle",
        CHILD_GRANT,
        "--registry",
        "examples/registry",
        "--as-of",
        "2026-03-01",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let r = ran(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    out.to_path_buf()
}

/// `entitle pay RUN --format FORMAT --payer examples/payer.toml --out OUT`.
fn pay(run: &Path, format: &str, out: &Path) -> Ran {
    pay_run(run, format, "examples/payer.toml", out, &[])
}

/// `entitle pay` over a cycle's directory pays the approved allocations: after a proportional
/// budget (allocations below the decided cash) and against a fund (some left pending).
#[test]
fn pay_exports_the_approved_allocations_of_a_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let cycle = |name: &str, extra: &[&str]| cycle_into(&dir.path().join(name), extra);
    let pay_into = |run: &std::path::Path, name: &str| {
        let out = dir.path().join(name);
        let r = pay(run, "g2p-connect", &out);
        assert_eq!(r.code, 0, "{}", r.stderr);
        manifest(&out, "g2p-connect")
    };
    let dec =
        |v: &serde_json::Value| -> rust_decimal::Decimal { v.as_str().unwrap().parse().unwrap() };
    // Every selected entitlement reduced to fit the budget, then approved.
    let run = cycle(
        "proportional",
        &[
            "--budget",
            "1000000",
            "--budget-mode",
            "proportional",
            "--auto-approve",
        ],
    );
    let totals = &summary(&run)["totals"];
    assert!(
        dec(&totals["allocated"]) < dec(&totals["requested"]),
        "{totals}"
    );
    let m = pay_into(&run, "pay-proportional");
    assert_eq!(m["counts"]["payable"], totals["approved_units"]);
    // The 2 units the cycle could not evaluate and the 6 whose row could not be read have a record
    // without a decision; with the unit whose row had no id (no record), 9 unit errors.
    assert_eq!(totals["errors"], 8);
    assert_eq!(m["counts"]["unit_errors"], 9);
    // What is paid (exported and set aside as exceptions) is what the cycle approved, not the cash
    // the program decided.
    assert_eq!(dec(&m["totals"]["payable"]), dec(&totals["approved"]));
    assert_eq!(
        dec(&m["totals"]["exported"]) + dec(&m["totals"]["exceptions"]),
        dec(&totals["approved"])
    );
    // Against a fund: the pending entitlements are not paid.
    let run = cycle("fund", &["--fund", "20000"]);
    let totals = &summary(&run)["totals"];
    assert_eq!(totals["approved_units"], 7);
    assert!(totals["pending_units"].as_u64().unwrap() > 0);
    let m = pay_into(&run, "pay-fund");
    assert_eq!(m["counts"]["payable"], 7);
    assert_eq!(dec(&m["totals"]["payable"]), dec(&totals["approved"]));
    let units = m["counts"]["units"].as_u64().unwrap();
    assert_eq!(units, summary(&run)["rows"]["units"].as_u64().unwrap());
    assert_eq!(
        m["counts"]["payable"].as_u64().unwrap()
            + m["counts"]["not_payable"].as_u64().unwrap()
            + m["counts"]["unit_errors"].as_u64().unwrap(),
        units
    );
}

/// The audit's repro: a cycle over `examples/registry` has 3000 records in `run.jsonl` for the
/// 3001 units it read: 8 with a `null` decision (2 units that could not be evaluated, 6 whose row
/// could not be read, kept with their previous state), and none for the row without an id. The
/// manifest counts the 3001 units and 9 unit errors, as `entitle run` does over the same registry.
#[test]
fn pay_counts_every_unit_a_cycle_read_as_entitle_run_does() {
    let dir = tempfile::tempdir().unwrap();
    let cycle = cycle_into(&dir.path().join("cycle"), &["--auto-approve"]);
    let s = summary(&cycle);
    assert_eq!(
        (
            &s["rows"]["units"],
            &s["totals"]["units"],
            &s["totals"]["errors"]
        ),
        (&3001.into(), &3000.into(), &8.into())
    );
    let out = dir.path().join("pay");
    let r = pay(&cycle, "g2p-connect", &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let counts = &manifest(&out, "g2p-connect")["counts"];
    let [units, payable, not_payable, unit_errors] =
        ["units", "payable", "not_payable", "unit_errors"].map(|k| counts[k].as_u64().unwrap());
    assert_eq!(
        (units, payable, not_payable, unit_errors),
        (3001, 490, 2502, 9)
    );
    assert_eq!(units, payable + not_payable + unit_errors);

    let run = dir.path().join("run");
    let r = run_child_grant("examples/registry", run.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let run_counts = &summary(&run)["counts"];
    assert_eq!(
        (&run_counts["units"], &run_counts["errors"]),
        (&counts["units"], &counts["unit_errors"])
    );
}

/// A cycle whose records do not reconcile with its summary is refused (P0002), nothing written:
/// records cut short, or more units without a record than the row errors that account for them.
#[test]
fn pay_refuses_a_cycle_whose_records_do_not_match_its_summary() {
    let dir = tempfile::tempdir().unwrap();
    let cycle = cycle_into(&dir.path().join("cycle"), &["--auto-approve"]);
    let records = std::fs::read_to_string(cycle.join("run.jsonl")).unwrap();
    let summary_text = std::fs::read_to_string(cycle.join("summary.json")).unwrap();
    let first: Vec<&str> = records.lines().take(1000).collect();
    let fewer_row_errors = summary_text.replace("\"row_errors\": 9", "\"row_errors\": 0");
    assert_ne!(fewer_row_errors, summary_text);
    let fewer_left_out = summary_text.replace("\"units_left_out\": 1", "\"units_left_out\": 0");
    assert_ne!(fewer_left_out, summary_text);
    for (name, lines, summary_json, says) in [
        (
            "cut",
            first.join("\n") + "\n",
            summary_text.clone(),
            "1000 unit records, the summary counts 3000 (`totals.units`)",
        ),
        (
            "rows",
            records.clone(),
            fewer_row_errors,
            "1 of the 3001 units read have no record, but the summary counts 0 row errors",
        ),
        (
            "left",
            records.clone(),
            fewer_left_out,
            "1 of the 3001 units read have no record, but the summary counts 0 units left out",
        ),
    ] {
        let part = dir.path().join(name);
        std::fs::create_dir(&part).unwrap();
        std::fs::write(part.join("summary.json"), summary_json).unwrap();
        std::fs::write(part.join("run.jsonl"), lines).unwrap();
        let out = dir.path().join(format!("pay-{name}"));
        let r = pay(&part, "g2p-connect", &out);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("[P0002]"), "{}", r.stderr);
        assert!(r.stderr.contains(says), "{says}: {}", r.stderr);
        assert!(!out.exists(), "nothing is written");
    }
}
