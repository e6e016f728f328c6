//! Bad input gets a clear error with a stable code before any file is written: a currency a format
//! cannot carry, an amount beyond a format's digits, a missing or malformed payer setting, an
//! export that pays no one while payee values are malformed, and the rest. Error messages name the
//! unit, never the payee's data. One payee's bad data sends only that unit to the exceptions.

mod common;

use common::*;
use entitle_payments::{Format, Payee, PayerConfig, PaymentError};
use std::collections::HashMap;

/// Exports and expects an error with `code`; checks that nothing was written and returns it.
fn fails(
    fx: &Fixture,
    format: Format,
    cfg: &PayerConfig,
    payees: &HashMap<String, Payee>,
    code: &str,
) -> PaymentError {
    let err = match fx.export(format, cfg, payees, "out") {
        Ok(report) => panic!("{format} export succeeded: {:?}", report.counts),
        Err(e) => e,
    };
    assert_eq!(err.code(), code, "{format}: {err}");
    assert_nothing_written(&fx.out("out"));
    err
}

fn without(line: &str) -> PayerConfig {
    assert!(PAYER_TOML.contains(line), "{line}");
    PayerConfig::from_toml_str(&PAYER_TOML.replacen(line, "", 1)).unwrap()
}

fn one_unit(currency: &str, amount: &str) -> Fixture {
    Fixture::new(&[decision("H01", "eligible", currency, Some(amount))])
}

fn one_payee(fa: &str) -> HashMap<String, Payee> {
    let mut m = HashMap::new();
    m.insert(
        "H01".into(),
        Payee {
            name: Some("Amina Njeri".into()),
            financial_address: Some(fa.into()),
            ..Payee::default()
        },
    );
    m
}

#[test]
fn currencies_a_format_cannot_carry() {
    // G2P Connect amounts have at most two decimals; the dinar has three.
    let fx = one_unit("BHD", "150.250");
    let err = fails(&fx, Format::G2pConnect, &payer(), &mobile_payees(), "P0006");
    assert!(err.to_string().contains("BHD"), "{err}");
    // The Mojaloop v2.1.0 Currency enum has no new leone.
    let fx = standard_run("SLE");
    let err = fails(&fx, Format::Mojaloop, &payer(), &mobile_payees(), "P0006");
    assert!(err.to_string().contains("SLE"), "{err}");
    // SEPA is EUR only.
    let fx = standard_run("KES");
    let sepa =
        PayerConfig::from_toml_str(&PAYER_TOML.replace("[pain001]\n", "[pain001]\nsepa = true\n"))
            .unwrap();
    fails(&fx, Format::Pain001V09, &sepa, &bank_payees(), "P0006");
    // The same runs are fine where the format can carry the currency.
    assert!(one_unit("BHD", "150.250")
        .export(
            Format::Mojaloop,
            &payer(),
            &one_payee("mobile:97312345678@batelco"),
            "ok"
        )
        .is_ok());
}

#[test]
fn amounts_beyond_a_formats_digits() {
    let fa = one_payee("mobile:254712000001@mpesa");
    // G2P Connect: at most 13 digits before the point.
    let fx = one_unit("KES", "12345678901234");
    let err = fails(&fx, Format::G2pConnect, &payer(), &fa, "P0007");
    assert!(
        err.to_string().contains("H01") && err.to_string().contains("13"),
        "{err}"
    );
    assert!(
        fx.export(Format::Mojaloop, &payer(), &fa, "ok").is_ok(),
        "18 digits are fine for Mojaloop"
    );
    // G2P Bridge 1.0 carries floats: at most 15 significant digits.
    let fx = one_unit("KES", "123456789012345.67");
    fails(&fx, Format::G2pBridge, &payer(), &fa, "P0007");
    // Mojaloop: at most 18 digits before the point.
    let fx = one_unit("KES", "1234567890123456789");
    fails(&fx, Format::Mojaloop, &payer(), &fa, "P0007");
    // SEPA: at most 999999999.99 EUR.
    let fx = one_unit("EUR", "1000000000");
    let sepa =
        PayerConfig::from_toml_str(&PAYER_TOML.replace("[pain001]\n", "[pain001]\nsepa = true\n"))
            .unwrap();
    let mut bank = bank_payees();
    bank.retain(|k, _| k == "H01");
    fails(&fx, Format::Pain001V03, &sepa, &bank, "P0007");
}

#[test]
fn missing_payer_settings_name_the_setting() {
    let fx = standard_run("KES");
    let cases = [
        (
            Format::G2pConnect,
            "sender_id = \"spmis.example.gov\"\nsender_uri",
            "g2p_connect.sender_id",
        ),
        (
            Format::G2pConnect,
            "payer_fa = \"account:1001@treasury\"\n",
            "g2p_connect.payer_fa",
        ),
        (
            Format::G2pBridge,
            "program_mnemonic = \"CHILD_GRANT\"\n",
            "g2p_bridge.program_mnemonic",
        ),
        (
            Format::PhEe,
            "payment_mode = \"mojaloop\"\n",
            "ph_ee.payment_mode",
        ),
        (
            Format::PhEe,
            "payer_identifier = \"254700000001\"\n",
            "ph_ee.payer_identifier",
        ),
        (
            Format::Mojaloop,
            "payer_fsp = \"treasury-dfsp\"\n",
            "mojaloop.payer_fsp",
        ),
        (
            Format::Mojaloop,
            "payer_identifier = \"1001\"\n",
            "mojaloop.payer_identifier",
        ),
        (
            Format::Pain001V03,
            "iban = \"DE89370400440532013000\"\n",
            "pain001.iban",
        ),
        (
            Format::Pain001V09,
            "name = \"Ministry of Social Protection\"\n",
            "`name`",
        ),
    ];
    for (format, line, setting) in cases {
        let cfg = if line.ends_with("sender_uri") {
            PayerConfig::from_toml_str(&PAYER_TOML.replacen(
                "sender_id = \"spmis.example.gov\"\n",
                "",
                1,
            ))
            .unwrap()
        } else {
            without(line)
        };
        let payees = if matches!(format, Format::Pain001V03 | Format::Pain001V09) {
            bank_payees()
        } else {
            mobile_payees()
        };
        let err = fails(&fx, format, &cfg, &payees, "P0004");
        assert!(err.to_string().contains(setting), "{format}: {err}");
    }
    // A format whose whole section is missing says which setting it needs first.
    let bare = PayerConfig::from_toml_str("name = \"Treasury\"\n").unwrap();
    let err = fails(&fx, Format::Mojaloop, &bare, &mobile_payees(), "P0004");
    assert!(err.to_string().contains("mojaloop.payer_fsp"), "{err}");
}

#[test]
fn invalid_payer_settings() {
    let fx = standard_run("KES");
    let bad = |from: &str, to: &str| {
        PayerConfig::from_toml_str(&PAYER_TOML.replacen(from, to, 1)).unwrap()
    };
    let cases = [
        (
            Format::G2pConnect,
            bad("locale = \"eng\"", "locale = \"en\""),
            "g2p_connect.locale",
        ),
        (
            Format::G2pConnect,
            bad(
                "payer_fa = \"account:1001@treasury\"",
                "payer_fa = \"1001\"",
            ),
            "g2p_connect.payer_fa",
        ),
        (
            Format::G2pBridge,
            bad("\"Monthly\"", "\"monthly-ish\""),
            "g2p_bridge.disbursement_frequency",
        ),
        (
            Format::PhEe,
            bad("payment_mode = \"mojaloop\"", "payment_mode = \"swift\""),
            "ph_ee.payment_mode",
        ),
        (
            Format::Pain001V03,
            bad(
                "iban = \"DE89370400440532013000\"",
                "iban = \"DE00370400440532013000\"",
            ),
            "pain001.iban",
        ),
        // The payer's own BIC, FSP and identifiers are settings: malformed, they concern every
        // payment and stop the export, whereas a payee's go to the exceptions.
        (
            Format::Pain001V03,
            bad("bic = \"COBADEFFXXX\"", "bic = \"COBADE\""),
            "pain001.bic",
        ),
        (
            Format::Mojaloop,
            bad(
                "payer_fsp = \"treasury-dfsp\"",
                &format!("payer_fsp = \"{}\"", "f".repeat(33)),
            ),
            "mojaloop.payer_fsp",
        ),
        (
            Format::Mojaloop,
            bad(
                "payer_identifier = \"1001\"",
                "payer_identifier = \"10 01\"",
            ),
            "mojaloop.payer_identifier",
        ),
        (
            Format::PhEe,
            bad(
                "payer_identifier = \"254700000001\"",
                "payer_identifier = \"2547-0000\"",
            ),
            "ph_ee.payer_identifier",
        ),
    ];
    for (format, cfg, setting) in cases {
        let payees = if matches!(format, Format::Pain001V03) {
            bank_payees()
        } else {
            mobile_payees()
        };
        let err = fails(&fx, format, &cfg, &payees, "P0005");
        assert!(err.to_string().contains(setting), "{err}");
    }
    let err =
        PayerConfig::from_toml_str(&format!("{PAYER_TOML}\n[swift]\nbic = \"X\"\n")).unwrap_err();
    assert_eq!(err.code(), "P0003");
}

#[test]
fn sub_minor_amounts_are_rejected_unless_rounding_is_configured() {
    let fx = Fixture::new(&[
        decision("H01", "eligible", "KES", Some("100.005")),
        decision("H02", "eligible", "KES", Some("200.015")),
    ]);
    let mut payees = one_payee("mobile:254712000001@mpesa");
    payees.insert("H02".into(), payees["H01"].clone());
    let err = fails(&fx, Format::G2pConnect, &payer(), &payees, "P0009");
    assert!(err.to_string().contains("H01"), "{err}");
    let report = fx
        .export(
            Format::G2pConnect,
            &payer_with("rounding = \"half_even\""),
            &payees,
            "ok",
        )
        .unwrap();
    assert_eq!(report.rounded, 2);
    assert_eq!(report.totals.payable.to_string(), "300.020");
    assert_eq!(
        report.totals.exported.to_string(),
        "300.02",
        "100.00 + 200.02 (ties to even)"
    );
    assert_eq!(report.totals.rounding_difference.to_string(), "0.000");
    let report = fx
        .export(
            Format::G2pConnect,
            &payer_with("rounding = \"half_up\""),
            &payees,
            "up",
        )
        .unwrap();
    assert_eq!(report.totals.exported.to_string(), "300.03");
    assert_eq!(report.totals.rounding_difference.to_string(), "0.010");
}

#[test]
fn mixed_currencies_and_bad_runs() {
    let fx = Fixture::new(&[
        decision("H01", "eligible", "KES", Some("1")),
        decision("H02", "eligible", "UGX", Some("1")),
    ]);
    fails(&fx, Format::PhEe, &payer(), &mobile_payees(), "P0014");
    let fx = Fixture::new(&[
        decision("H01", "eligible", "KES", Some("1")),
        decision("H01", "eligible", "KES", Some("1")),
    ]);
    fails(&fx, Format::PhEe, &payer(), &mobile_payees(), "P0015");
    let fx = Fixture::new(&["{\"unit_id\": \"H01\", \"decision\": ".to_string()]);
    fails(&fx, Format::PhEe, &payer(), &mobile_payees(), "P0002");
    let fx = standard_run("KES");
    let cfg = payer_with("cycle = \"March, 2026\"");
    fails(&fx, Format::G2pConnect, &cfg, &mobile_payees(), "P0005");
}

#[test]
fn stale_batch_files_of_an_earlier_export_are_refused() {
    let fx = standard_run("KES");
    let mut small = payer();
    small.g2p_connect.as_mut().unwrap().max_batch_size = Some(4);
    fx.export(Format::G2pConnect, &small, &mobile_payees(), "out")
        .unwrap();
    assert!(fx.out("out").join("g2p-connect-002.json").exists());
    let before = read_dir(&fx.out("out"));
    let options = entitle_payments::ExportOptions {
        payees: entitle_payments::Payees::Map(mobile_payees()),
        force: true,
        ..Default::default()
    };
    let err = entitle_payments::export_run(
        &fx.run(),
        Format::G2pConnect,
        &payer(),
        &fx.out("out"),
        &options,
    )
    .unwrap_err();
    assert_eq!(err.code(), "P0021");
    assert!(err.to_string().contains("g2p-connect-002.json"), "{err}");
    assert_eq!(read_dir(&fx.out("out")), before, "nothing overwritten");
}

/// An amount that rounds to zero (0.005 with ties to even) would be written as 0.00, which no
/// format accepts (pain.001's minimum is 0.01): the unit goes to the exceptions file instead.
#[test]
fn amounts_that_round_to_zero_go_to_the_exceptions() {
    let fx = Fixture::new(&[
        decision("H01", "eligible", "EUR", Some("0.005")),
        decision("H02", "eligible", "EUR", Some("10")),
    ]);
    let cfg = payer_with("rounding = \"half_even\"");
    let mut mobile = one_payee("mobile:254712000001@mpesa");
    mobile.insert("H02".into(), mobile["H01"].clone());
    for (format, payees) in [
        (Format::G2pConnect, mobile.clone()),
        (Format::PhEe, mobile.clone()),
        (Format::Pain001V03, bank_payees()),
        (Format::Pain001V09, bank_payees()),
    ] {
        let out = format!("out-{format}");
        let report = fx.export(format, &cfg, &payees, &out).unwrap();
        assert_eq!(
            (
                report.counts.payable,
                report.counts.exported,
                report.counts.exceptions
            ),
            (2, 1, 1),
            "{format}"
        );
        let e = &report.exceptions[0];
        assert_eq!(
            (e.unit_id.as_str(), e.reason.code(), e.amount.to_string()),
            ("H01", "rounds_to_zero", "0.00".to_string()),
            "{format}"
        );
        assert_eq!(report.totals.exported.to_string(), "10.00", "{format}");
        assert_eq!(report.batches[0].unit_ids, ["H02"], "{format}");
        let csv =
            std::fs::read_to_string(fx.out(&out).join(format!("{format}-exceptions.csv"))).unwrap();
        assert!(
            csv.contains("H01,rounds_to_zero,the amount rounds to zero in the currency's minor unit: nothing to pay,0.00,EUR"),
            "{csv}"
        );
    }
}

/// An IBAN must have its country's length (a checksum can be right on a digit too few), and a SEPA
/// transfer reaches only IBANs of the SEPA zone: the payer's is a setting error, a payee's sends
/// the unit to the exceptions.
#[test]
fn ibans_have_their_countrys_length_and_sepa_stays_in_its_zone() {
    let fx = standard_run("EUR");
    let mut short = bank_payees();
    short.get_mut("H02").unwrap().iban = Some(iban("DE", "37040044053201300"));
    let report = fx
        .export(Format::Pain001V03, &payer(), &short, "short")
        .unwrap();
    assert_eq!(reasons(&report)[0], ("H02", "malformed_payee_iban"));
    assert!(!report.batches[0].unit_ids.iter().any(|u| u == "H02"));

    let sepa =
        PayerConfig::from_toml_str(&PAYER_TOML.replace("[pain001]\n", "[pain001]\nsepa = true\n"))
            .unwrap();
    let mut abroad = bank_payees();
    abroad.get_mut("H02").unwrap().iban = Some(iban("TR", "0006100519786457841326"));
    let report = fx
        .export(Format::Pain001V09, &sepa, &abroad, "sepa")
        .unwrap();
    let outside: Vec<_> = report
        .exceptions
        .iter()
        .filter(|e| e.reason.code() == "iban_outside_sepa")
        .map(|e| e.unit_id.as_str())
        .collect();
    assert_eq!(outside, ["H02"]);
    assert!(!report
        .batches
        .iter()
        .any(|b| b.unit_ids.iter().any(|u| u == "H02")));
    // Without SEPA the same payee is paid.
    let report = fx
        .export(Format::Pain001V09, &payer(), &abroad, "swift")
        .unwrap();
    assert!(report.batches[0].unit_ids.iter().any(|u| u == "H02"));

    let payer_abroad = PayerConfig::from_toml_str(
        &PAYER_TOML
            .replace("[pain001]\n", "[pain001]\nsepa = true\n")
            .replace(
                "DE89370400440532013000",
                &iban("TR", "0006100519786457841326"),
            ),
    )
    .unwrap();
    let err = fails(
        &fx,
        Format::Pain001V03,
        &payer_abroad,
        &bank_payees(),
        "P0005",
    );
    assert_eq!(
        err.to_string(),
        "invalid payer setting `pain001.iban`: is a TR account, outside the SEPA zone \
         (`pain001.sepa = true`)"
    );
}

/// A requested execution date before the day of the export is refused (P0023), naming both dates
/// and where the date came from; the day is the caller's, never the clock's.
#[test]
fn an_execution_date_in_the_past_is_refused() {
    let fx = standard_run("KES");
    let export = |cfg: &PayerConfig, today: &str, out: &str| {
        let options = entitle_payments::ExportOptions {
            payees: entitle_payments::Payees::Map(mobile_payees()),
            plan: entitle_payments::PlanOptions {
                today: Some(today.parse().unwrap()),
                ..Default::default()
            },
            ..Default::default()
        };
        entitle_payments::export_run(&fx.run(), Format::G2pConnect, cfg, &fx.out(out), &options)
    };
    // The payer's execution_date is 2026-03-05.
    let err = export(&payer(), "2026-03-06", "late").unwrap_err();
    assert_eq!(err.code(), "P0023");
    assert_eq!(
        err.to_string(),
        "the requested execution date 2026-03-05 (the payer setting `execution_date`) is before \
         today, 2026-03-06; set `execution_date` in the payer configuration to today or a later \
         day, or leave it out to have payment asked for today"
    );
    assert_nothing_written(&fx.out("late"));
    assert_eq!(
        export(&payer(), "2026-03-05", "same_day")
            .unwrap()
            .execution_date
            .to_string(),
        "2026-03-05"
    );
    // Without the setting, the run's as-of date (2026-03-01) is the one requested while it has
    // not passed, and today once it has: never a date in the past. (Without `created_at` too,
    // which is refused after the execution date, P0024: the files are dated today.)
    let unset = without("execution_date = 2026-03-05\ncreated_at = \"2026-03-04T09:00:00Z\"\n");
    for (today, want) in [
        ("2026-02-27", "2026-03-01"),
        ("2026-03-01", "2026-03-01"),
        ("2026-03-02", "2026-03-02"),
        ("2026-12-06", "2026-12-06"),
    ] {
        let report = export(&unset, today, &format!("unset_{today}")).unwrap();
        assert_eq!(report.execution_date.to_string(), want, "today {today}");
        assert_eq!(report.created_at, format!("{today}T00:00:00Z"));
    }
}

/// A unit the caller found several payees for (a household with two current heads) is not paid
/// to the first of them: it goes to the exceptions with its own reason, in every format, and the
/// others are paid.
#[test]
fn a_unit_with_several_payees_goes_to_the_exceptions() {
    let fx = standard_run("KES");
    for format in [
        Format::G2pConnect,
        Format::PhEe,
        Format::Mojaloop,
        Format::Pain001V03,
    ] {
        let options = entitle_payments::ExportOptions {
            payees: entitle_payments::Payees::Map(mobile_payees()),
            plan: entitle_payments::PlanOptions {
                several_payees: ["H02".to_string()].into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let out = fx.out(&format!("out-{format}"));
        let report =
            entitle_payments::export_run(&fx.run(), format, &payer(), &out, &options).unwrap();
        let reasons = reasons(&report);
        assert_eq!(
            reasons,
            [
                ("H02", "several_payees"),
                ("H07", "no_payee"),
                ("H10", "no_financial_address"),
            ],
            "{format}"
        );
        assert_eq!(report.counts.exported, 5, "{format}");
        let csv = std::fs::read_to_string(out.join(format!("{format}-exceptions.csv"))).unwrap();
        assert!(
            csv.contains(
                "H02,several_payees,\"the unit has more than one possible payee (two current heads \
                 of a household, say): decide who is paid and correct the registry\",1500.00,KES"
            ),
            "{csv}"
        );
        assert!(
            !csv.contains("254733000002"),
            "no account in the exceptions: {csv}"
        );
    }
}
