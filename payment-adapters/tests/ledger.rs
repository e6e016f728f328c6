//! No double payment: with the SQLite ledger an entitlement goes out in one batch only, unless it is
//! reissued explicitly; re-running the same export is allowed and gives the same files.

mod common;

use common::*;
use entitle_payments::refs::entitlement_reference;
use entitle_payments::{
    export_run, export_run_with_ledger, ExportOptions, Format, Ledger, MemoryLedger, Payees,
    PlanOptions, SqliteLedger,
};
use std::path::{Path, PathBuf};

/// Mobile payees, plus H13 (only in the second run) paid to the same person as H11.
fn payees() -> Payees {
    let mut m = mobile_payees();
    let h11 = m["H11"].clone();
    m.insert("H13".into(), h11);
    Payees::Map(m)
}

fn options(ledger: &Path, plan: PlanOptions) -> ExportOptions {
    ExportOptions {
        payees: payees(),
        ledger: Some(ledger.to_path_buf()),
        force: false,
        plan,
    }
}

fn ledger_entries(path: &Path) -> Vec<entitle_payments::LedgerEntry> {
    SqliteLedger::open(path).unwrap().entries().unwrap()
}

fn with_extra_unit(fx: &Fixture) -> PathBuf {
    // The same run plus one newly eligible unit, H13.
    let run = fx.out("run2");
    let mut lines: Vec<String> = std::fs::read_to_string(fx.run().join("decisions.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    lines.push(decision("H13", "eligible", "KES", Some("700")));
    write_run(&run, &lines);
    run
}

#[test]
fn the_ledger_refuses_a_second_batch_and_allows_a_rerun() {
    let fx = standard_run("KES");
    let db = fx.out("entitle.db");
    let first = export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("a"),
        &options(&db, PlanOptions::default()),
    )
    .unwrap();
    assert_eq!(first.counts.exported, 6);
    let entries = ledger_entries(&db);
    assert_eq!(entries.len(), 6);
    assert!(entries
        .iter()
        .all(|e| e.reissue == 0 && e.batch_id == first.batches[0].id && e.format == "ph-ee"));
    let h01 = entries.iter().find(|e| e.unit_id == "H01").unwrap();
    assert_eq!(
        h01.reference,
        entitlement_reference(HASH, "2026-03", "H01", 0)
    );
    assert_eq!(
        (h01.amount.as_str(), h01.currency.as_str()),
        ("2500.00", "KES")
    );
    assert_eq!(h01.exported_at, "2026-03-04T09:00:00Z");

    // The same export again is the same batch: allowed, byte-identical, nothing new recorded.
    export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("b"),
        &options(&db, PlanOptions::default()),
    )
    .unwrap();
    assert_eq!(read_dir(&fx.out("a")), read_dir(&fx.out("b")));
    assert_eq!(ledger_entries(&db).len(), 6);

    // The same entitlements in another format would be a second payment.
    let err = export_run(
        &fx.run(),
        Format::G2pConnect,
        &payer(),
        &fx.out("c"),
        &options(&db, PlanOptions::default()),
    )
    .unwrap_err();
    assert_eq!(err.code(), "P0010");
    assert!(
        matches!(
            err,
            entitle_payments::PaymentError::AlreadyExported { count: 6, .. }
        ),
        "{err}"
    );
    assert_nothing_written(&fx.out("c"));

    // A run with one more unit puts the old ones in a new batch: refused as a whole.
    let run2 = with_extra_unit(&fx);
    let err = export_run(
        &run2,
        Format::PhEe,
        &payer(),
        &fx.out("d"),
        &options(&db, PlanOptions::default()),
    )
    .unwrap_err();
    assert_eq!(err.code(), "P0010");
    assert_nothing_written(&fx.out("d"));
    assert_eq!(ledger_entries(&db).len(), 6);

    // Skipping what was exported sends only the new unit.
    let skip = PlanOptions {
        skip_exported: true,
        ..PlanOptions::default()
    };
    let report = export_run(
        &run2,
        Format::PhEe,
        &payer(),
        &fx.out("e"),
        &options(&db, skip),
    )
    .unwrap();
    assert_eq!(
        (
            report.counts.exported,
            report.counts.already_exported,
            report.counts.exceptions
        ),
        (1, 6, 2)
    );
    assert_eq!(report.totals.exported.to_string(), "700.00");
    assert_eq!(report.totals.already_exported.to_string(), "14000.50");
    assert_eq!(
        report.totals.payable,
        report.totals.exported + report.totals.exceptions + report.totals.already_exported
    );
    assert_eq!(ledger_entries(&db).len(), 7);
}

#[test]
fn a_reissue_gets_a_new_deterministic_reference() {
    let fx = standard_run("KES");
    let db = fx.out("entitle.db");
    export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("a"),
        &options(&db, PlanOptions::default()),
    )
    .unwrap();
    let reissue = PlanOptions {
        reissue: vec!["H01".into()],
        skip_exported: true,
        ..PlanOptions::default()
    };
    let report = export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("b"),
        &options(&db, reissue.clone()),
    )
    .unwrap();
    assert_eq!(
        (
            report.counts.exported,
            report.counts.already_exported,
            report.reissued
        ),
        (1, 5, 1)
    );
    let entries = ledger_entries(&db);
    let h01: Vec<_> = entries.iter().filter(|e| e.unit_id == "H01").collect();
    assert_eq!(h01.len(), 2);
    assert_eq!(h01[1].reissue, 1);
    assert_eq!(
        h01[1].reference,
        entitlement_reference(HASH, "2026-03", "H01", 1)
    );
    assert_ne!(h01[0].reference, h01[1].reference);
    let csv = std::fs::read_to_string(fx.out("b").join("ph-ee-001.csv")).unwrap();
    assert!(csv.contains(&entitle_payments::refs::uuid_of(&h01[1].reference)));
    assert_eq!(csv.lines().count(), 2);

    // Without the reissue flag, H01 is now simply already exported (at reissue 1).
    let skip = PlanOptions {
        skip_exported: true,
        ..PlanOptions::default()
    };
    let report = export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("c"),
        &options(&db, skip),
    )
    .unwrap();
    assert_eq!(
        (report.counts.exported, report.counts.already_exported),
        (0, 6)
    );
}

#[test]
fn a_paid_unit_whose_payee_is_gone_counts_as_already_exported() {
    let fx = standard_run("KES");
    let db = fx.out("entitle.db");
    export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("a"),
        &options(&db, PlanOptions::default()),
    )
    .unwrap();
    let mut payees = mobile_payees();
    payees.remove("H01");
    let skip = ExportOptions {
        payees: Payees::Map(payees),
        ledger: Some(db.clone()),
        force: false,
        plan: PlanOptions {
            skip_exported: true,
            ..PlanOptions::default()
        },
    };
    let report = export_run(&fx.run(), Format::PhEe, &payer(), &fx.out("b"), &skip).unwrap();
    assert_eq!(
        (
            report.counts.exported,
            report.counts.already_exported,
            report.counts.exceptions
        ),
        (0, 6, 2)
    );
    let exceptions = std::fs::read_to_string(fx.out("b").join("ph-ee-exceptions.csv")).unwrap();
    assert!(!exceptions.contains("H01"), "{exceptions}");
}

#[test]
fn reissue_needs_a_ledger_and_a_payable_unit() {
    let fx = standard_run("KES");
    let plan = PlanOptions {
        reissue: vec!["H01".into()],
        ..PlanOptions::default()
    };
    let no_ledger = ExportOptions {
        payees: Payees::Map(mobile_payees()),
        plan,
        ..ExportOptions::default()
    };
    let err = export_run(&fx.run(), Format::PhEe, &payer(), &fx.out("a"), &no_ledger).unwrap_err();
    assert_eq!(err.code(), "P0022");
    assert_eq!(
        err.to_string(),
        "invalid export option `reissue`: reissuing needs a ledger to number the reissue"
    );
    let plan = PlanOptions {
        reissue: vec!["H03".into()],
        ..PlanOptions::default()
    };
    let err = export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("a"),
        &options(&fx.out("l.db"), plan),
    )
    .unwrap_err();
    assert_eq!(err.code(), "P0022");
    assert_eq!(
        err.to_string(),
        "invalid export option `reissue`: unit H03 has no payable entitlement in this run"
    );
    assert_nothing_written(&fx.out("a"));

    // A cycle given for the export is an option; the payer's `cycle` is a payer setting.
    let plan = PlanOptions {
        cycle: Some("March 2026".into()),
        ..PlanOptions::default()
    };
    let err = export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("a"),
        &options(&fx.out("l.db"), plan),
    )
    .unwrap_err();
    assert_eq!(err.code(), "P0022");
    assert_eq!(
        err.to_string(),
        "invalid export option `cycle`: must be 1 to 35 letters, digits, `-`, `.`, `_`, `/` or `:`"
    );
    let err = export_run(
        &fx.run(),
        Format::PhEe,
        &payer_with("cycle = \"March 2026\""),
        &fx.out("a"),
        &options(&fx.out("l.db"), PlanOptions::default()),
    )
    .unwrap_err();
    assert_eq!(err.code(), "P0005");
    assert!(
        err.to_string().starts_with("invalid payer setting `cycle`"),
        "{err}"
    );
    assert_nothing_written(&fx.out("a"));
}

#[test]
fn another_cycle_is_another_entitlement() {
    let fx = standard_run("KES");
    let db = fx.out("entitle.db");
    export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("a"),
        &options(&db, PlanOptions::default()),
    )
    .unwrap();
    let april = PlanOptions {
        cycle: Some("2026-04".into()),
        ..PlanOptions::default()
    };
    let report = export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("b"),
        &options(&db, april),
    )
    .unwrap();
    assert_eq!(
        (report.counts.exported, report.cycle.as_str()),
        (6, "2026-04")
    );
    assert_eq!(ledger_entries(&db).len(), 12);
}

#[test]
fn a_caller_ledger_works_the_same() {
    let fx = standard_run("KES");
    let mut ledger = MemoryLedger::new();
    let opts = ExportOptions {
        payees: Payees::Map(mobile_payees()),
        ..ExportOptions::default()
    };
    export_run_with_ledger(
        &fx.run(),
        Format::Mojaloop,
        &payer(),
        &fx.out("a"),
        &opts,
        &mut ledger,
    )
    .unwrap();
    assert_eq!(ledger.entries().len(), 6);
    let batches: std::collections::BTreeSet<_> = ledger
        .entries()
        .iter()
        .map(|e| e.batch_id.clone())
        .collect();
    assert_eq!(batches.len(), 2, "one batch per payee FSP");
    let err = export_run_with_ledger(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("b"),
        &opts,
        &mut ledger,
    )
    .unwrap_err();
    assert_eq!(err.code(), "P0010");
    assert_eq!(ledger.latest(HASH, "2026-03").unwrap().len(), 6);
}

#[test]
fn existing_outputs_are_not_overwritten_unless_forced() {
    let fx = standard_run("KES");
    let db = fx.out("entitle.db");
    export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("a"),
        &options(&db, PlanOptions::default()),
    )
    .unwrap();
    let err = export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("a"),
        &options(&db, PlanOptions::default()),
    )
    .unwrap_err();
    assert_eq!(err.code(), "P0011");
    let mut forced = options(&db, PlanOptions::default());
    forced.force = true;
    let before = read_dir(&fx.out("a"));
    export_run(&fx.run(), Format::PhEe, &payer(), &fx.out("a"), &forced).unwrap();
    assert_eq!(read_dir(&fx.out("a")), before);
}

/// A unit whose amount changed since its export is not "the same export again": the same reference
/// with a new amount would be a second payment (or, skipped, a lost difference). Refused, naming
/// both amounts, until it is reissued.
#[test]
fn a_changed_amount_is_refused_not_exported_again_or_skipped() {
    let fx = standard_run("KES");
    let db = fx.out("entitle.db");
    export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("a"),
        &options(&db, PlanOptions::default()),
    )
    .unwrap();
    let batch = ledger_entries(&db)[0].batch_id.clone();

    let run2 = fx.out("run2");
    let lines: Vec<String> = std::fs::read_to_string(fx.run().join("decisions.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            l.replace("\"2500\"", "\"3500\"")
                .replace("\"1500\"", "\"1600\"")
        })
        .collect();
    write_run(&run2, &lines);

    for skip_exported in [false, true] {
        let plan = PlanOptions {
            skip_exported,
            ..PlanOptions::default()
        };
        let out = fx.out(&format!("b-{skip_exported}"));
        let err = export_run(&run2, Format::PhEe, &payer(), &out, &options(&db, plan)).unwrap_err();
        assert_eq!(err.code(), "P0010", "{err}");
        assert_eq!(
            err.to_string(),
            format!(
                "unit H01 was exported in batch {batch} for KES 2500.00, but this run pays it \
                 KES 3500.00 (and 1 more unit(s) whose amount changed): reissue it (a new \
                 reference; make sure the earlier payment is cancelled or failed) or export under \
                 a new cycle"
            )
        );
        assert_nothing_written(&out);
    }
    assert_eq!(ledger_entries(&db).len(), 6);

    // Reissued, the new amounts go out under new references.
    let plan = PlanOptions {
        reissue: vec!["H01".into(), "H02".into()],
        skip_exported: true,
        ..PlanOptions::default()
    };
    let report = export_run(
        &run2,
        Format::PhEe,
        &payer(),
        &fx.out("c"),
        &options(&db, plan),
    )
    .unwrap();
    assert_eq!((report.counts.exported, report.reissued), (2, 2));
    assert_eq!(report.totals.exported.to_string(), "5100.00");
}

/// A unit whose payee account changed since its export is not "the same export again" either: the
/// old reference would now pay another account. Refused until reissued; skipping it is fine (it
/// was paid). The ledger keeps a fingerprint of the account, not the account.
#[test]
fn a_changed_payee_account_is_refused_unless_skipped_or_reissued() {
    let fx = standard_run("KES");
    let db = fx.out("entitle.db");
    let with_payees = |payees: Payees, plan: PlanOptions| ExportOptions {
        payees,
        ledger: Some(db.clone()),
        force: false,
        plan,
    };
    export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("a"),
        &with_payees(payees(), PlanOptions::default()),
    )
    .unwrap();
    let batch = ledger_entries(&db)[0].batch_id.clone();
    let stored = std::fs::read(&db).unwrap();
    assert!(
        !stored
            .windows(b"254712000001".len())
            .any(|w| w == b"254712000001"),
        "no account number in the ledger file"
    );

    let mut moved = mobile_payees();
    moved.get_mut("H01").unwrap().financial_address = Some("mobile:254712999999@mpesa".into());
    // The same export again with the same payees is still allowed.
    export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("b"),
        &with_payees(payees(), PlanOptions::default()),
    )
    .unwrap();
    let err = export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("c"),
        &with_payees(Payees::Map(moved.clone()), PlanOptions::default()),
    )
    .unwrap_err();
    assert_eq!(err.code(), "P0010");
    assert_eq!(
        err.to_string(),
        format!(
            "unit H01 was exported in batch {batch} to another payee account than it has now: \
             reissue it (a new reference; make sure the earlier payment is cancelled or failed) \
             or export under a new cycle"
        )
    );
    assert_nothing_written(&fx.out("c"));

    let skip = PlanOptions {
        skip_exported: true,
        ..PlanOptions::default()
    };
    let report = export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("d"),
        &with_payees(Payees::Map(moved.clone()), skip),
    )
    .unwrap();
    assert_eq!(
        (report.counts.exported, report.counts.already_exported),
        (0, 6)
    );

    let reissue = PlanOptions {
        reissue: vec!["H01".into()],
        skip_exported: true,
        ..PlanOptions::default()
    };
    let report = export_run(
        &fx.run(),
        Format::PhEe,
        &payer(),
        &fx.out("e"),
        &with_payees(Payees::Map(moved), reissue),
    )
    .unwrap();
    assert_eq!((report.counts.exported, report.reissued), (1, 1));
}
