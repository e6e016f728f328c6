//! A payee's name that a format cannot carry as it is sends that unit to the exceptions file with
//! its own reason, and everyone else is paid; the payer's own settings still stop the export.

mod common;

use common::*;
use entitle_payments::{Format, Payee, PayerConfig};
use std::collections::HashMap;

/// The payer configuration with `pain001.sepa = true`.
fn sepa_payer() -> PayerConfig {
    PayerConfig::from_toml_str(
        &PAYER_TOML.replace("batch_booking = true", "batch_booking = true\nsepa = true"),
    )
    .unwrap()
}

/// The payees of `base` with H01's name exactly `limit` characters long (it fits) and H02's one
/// character longer (it does not).
fn with_names(base: HashMap<String, Payee>, limit: usize) -> HashMap<String, Payee> {
    let mut payees = base;
    payees.get_mut("H01").unwrap().name = Some("A".repeat(limit));
    payees.get_mut("H02").unwrap().name = Some("B".repeat(limit + 1));
    payees
}

#[test]
fn a_payee_name_longer_than_the_field_goes_to_the_exceptions() {
    // (format, currency, payer, payees, the field's limit, the reason of H10)
    let cases = [
        (
            Format::G2pConnect,
            "KES",
            payer(),
            mobile_payees(),
            999,
            "no_financial_address",
        ),
        (
            Format::G2pBridge,
            "KES",
            payer(),
            mobile_payees(),
            999,
            "no_financial_address",
        ),
        (
            Format::Mojaloop,
            "KES",
            payer(),
            mobile_payees(),
            128,
            "no_financial_address",
        ),
        (
            Format::Pain001V03,
            "EUR",
            payer(),
            bank_payees(),
            140,
            "no_payee_name",
        ),
        (
            Format::Pain001V09,
            "EUR",
            payer(),
            bank_payees(),
            140,
            "no_payee_name",
        ),
        (
            Format::Pain001V09,
            "EUR",
            sepa_payer(),
            bank_payees(),
            70,
            "no_payee_name",
        ),
    ];
    for (format, currency, cfg, base, limit, h10) in cases {
        let fx = standard_run(currency);
        let report = fx
            .export(format, &cfg, &with_names(base, limit), "out")
            .unwrap_or_else(|e| panic!("{format} (limit {limit}): {e}"));
        let reasons = reasons(&report);
        assert_eq!(
            reasons,
            [
                ("H02", "payee_text_too_long"),
                ("H07", "no_payee"),
                ("H10", h10)
            ],
            "{format} (limit {limit})"
        );
        assert_eq!(report.counts.payable, 8);
        assert_eq!(report.counts.exported, 5, "{format}");
        assert_eq!(report.counts.exceptions, 3, "{format}");
        assert_eq!(report.totals.exported.to_string(), "12500.50", "{format}");
        assert_eq!(report.totals.exceptions.to_string(), "5500.00", "{format}");
        // Mojaloop splits the batch by payee FSP, so the units are compared in order.
        let mut paid: Vec<&str> = report
            .batches
            .iter()
            .flat_map(|b| b.unit_ids.iter().map(String::as_str))
            .collect();
        paid.sort_unstable();
        assert_eq!(paid, ["H01", "H04", "H05", "H08", "H11"], "{format}");

        let files = read_dir(&fx.out("out"));
        let batch: String = report
            .batches
            .iter()
            .map(|b| String::from_utf8(files[&b.file].clone()).unwrap())
            .collect();
        // The name that fits is written whole; the long one is neither written nor cut.
        assert!(batch.contains(&"A".repeat(limit)), "{format}");
        assert!(!batch.contains("BBBB"), "{format}: {batch}");
        let csv = String::from_utf8(files[&format!("{format}-exceptions.csv")].clone()).unwrap();
        let row = csv
            .lines()
            .find(|l| l.starts_with("H02,"))
            .unwrap_or_else(|| panic!("{format}: {csv}"));
        assert!(
            row.starts_with(
                "H02,payee_text_too_long,\"the payee's name is longer than the format allows"
            ) && row.ends_with(&format!(",1500.00,{currency}")),
            "{format}: {row}"
        );
        assert!(
            !csv.contains("BBBB"),
            "no payee text in the exceptions: {csv}"
        );
    }
}

#[test]
fn a_payer_name_longer_than_the_field_still_stops_the_export() {
    let long_payer = |n: usize| {
        PayerConfig::from_toml_str(&PAYER_TOML.replace(
            "name = \"Ministry of Social Protection\"",
            &format!("name = \"{}\"", "M".repeat(n)),
        ))
        .unwrap()
    };
    let fx = standard_run("EUR");
    let err = fx
        .export(Format::Pain001V09, &long_payer(141), &bank_payees(), "pain")
        .unwrap_err();
    assert_eq!(err.code(), "P0013");
    assert_eq!(
        err.to_string(),
        "the payer setting `name` (Dbtr/Nm) is 141 characters long, more than 140 in the \
         pain.001.001.09 format"
    );
    assert_nothing_written(&fx.out("pain"));

    let fx = standard_run("KES");
    let err = fx
        .export(Format::Mojaloop, &long_payer(129), &mobile_payees(), "moja")
        .unwrap_err();
    assert_eq!(err.code(), "P0013");
    assert!(err.to_string().contains("129 characters long"), "{err}");
    assert_nothing_written(&fx.out("moja"));
}
