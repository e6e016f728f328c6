//! MSISDNs in Mojaloop and Payment Hub EE files are international (ITU-T E.164), digits only: a
//! national number takes the payer's `msisdn_country_code` in place of its leading `0`, and
//! without that setting it is an exception for its unit (`national_msisdn`), never written as it
//! is; when that leaves no unit to export, the export stops (P0025). A `+` is dropped.

mod common;

use common::*;
use entitle_payments::{ExportReport, Format, Payee, PayerConfig};
use std::collections::HashMap;

/// Mobile payees on one FSP, each written in another way.
fn payees() -> HashMap<String, Payee> {
    [
        ("H01", "mobile:0712000001@mpesa"),
        ("H02", "mobile:+254733000002@mpesa"),
        ("H04", "mobile:254712000004@mpesa"),
        ("H05", "mobile:00254712000005@mpesa"),
        ("H08", "mobile:+0712000008@mpesa"),
        ("H11", "account:0712000011@mpesa"),
    ]
    .into_iter()
    .map(|(unit, fa)| {
        let payee = Payee {
            financial_address: Some(fa.to_string()),
            ..Payee::default()
        };
        (unit.to_string(), payee)
    })
    .collect()
}

/// Each unit paid, with the identifier type and identifier the format wrote.
fn written(format: Format, fx: &Fixture, out: &str, report: &ExportReport) -> Vec<String> {
    let mut ids = Vec::new();
    for b in &report.batches {
        let bytes = std::fs::read(fx.out(out).join(&b.file)).unwrap();
        if format == Format::Mojaloop {
            let request: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            for t in request["individualTransfers"].as_array().unwrap() {
                let p = &t["to"]["partyIdInfo"];
                ids.push(format!(
                    "{} {}",
                    p["partyIdType"].as_str().unwrap(),
                    p["partyIdentifier"].as_str().unwrap()
                ));
            }
        } else {
            let text = String::from_utf8(bytes).unwrap();
            for line in text.lines().skip(1) {
                let cells: Vec<&str> = line.split(',').collect();
                ids.push(format!("{} {}", cells[5], cells[6]));
            }
        }
    }
    ids
}

#[test]
fn msisdns_are_written_in_international_form() {
    let fx = standard_run("KES");
    for format in [Format::Mojaloop, Format::PhEe] {
        let out = format!("{format}-254");
        let cfg = payer_with("msisdn_country_code = \"254\"");
        let report = fx.export(format, &cfg, &payees(), &out).unwrap();
        assert_eq!(
            written(format, &fx, &out, &report),
            [
                "MSISDN 254712000001",
                "MSISDN 254733000002",
                "MSISDN 254712000004",
                // Not an MSISDN: as it is.
                "ACCOUNT_ID 0712000011",
            ],
            "{format}"
        );
        assert_eq!(
            reasons(&report),
            [
                // An international call prefix, and a `+` before a `0`: not guessed at.
                ("H05", "malformed_payee_address"),
                ("H07", "no_payee"),
                ("H08", "malformed_payee_address"),
                ("H10", "no_payee"),
            ],
            "{format}"
        );

        // Without the setting, the national number is an exception of its own, and the others
        // are paid.
        let out = format!("{format}-none");
        let report = fx.export(format, &payer(), &payees(), &out).unwrap();
        assert_eq!(
            written(format, &fx, &out, &report),
            [
                "MSISDN 254733000002",
                "MSISDN 254712000004",
                "ACCOUNT_ID 0712000011"
            ],
            "{format}"
        );
        let r = reasons(&report);
        assert_eq!(r[0], ("H01", "national_msisdn"), "{format}");
        let exceptions =
            std::fs::read_to_string(fx.out(&out).join(format!("{format}-exceptions.csv"))).unwrap();
        assert!(
            exceptions.contains("H01,national_msisdn,\"the payee's MSISDN is in national format"),
            "{exceptions}"
        );
        assert!(
            !exceptions.contains("0712000001"),
            "no number: {exceptions}"
        );
    }
}

/// The payer's own MSISDN follows the same rule; national without a country code, it stops the
/// export (P0005), as every payment would carry it.
#[test]
fn the_payers_msisdn_is_international_too() {
    let fx = standard_run("KES");
    let national = |extra: &str| -> PayerConfig {
        let toml = PAYER_TOML
            .replace(
                "payer_identifier = \"254700000001\"",
                "payer_identifier = \"0700000001\"",
            )
            .replace(
                "payer_id_type = \"ACCOUNT_ID\"\npayer_identifier = \"1001\"",
                "payer_id_type = \"MSISDN\"\npayer_identifier = \"+254700000009\"",
            );
        PayerConfig::from_toml_str(&format!("{extra}\n{toml}")).unwrap()
    };
    let err = fx
        .export(Format::PhEe, &national(""), &mobile_payees(), "refused")
        .unwrap_err();
    assert_eq!(err.code(), "P0005");
    assert!(
        err.to_string().contains("`ph_ee.payer_identifier`"),
        "{err}"
    );
    assert_nothing_written(&fx.out("refused"));

    let cfg = national("msisdn_country_code = \"254\"");
    fx.export(Format::PhEe, &cfg, &mobile_payees(), "ph")
        .unwrap();
    let csv = std::fs::read_to_string(fx.out("ph").join("ph-ee-001.csv")).unwrap();
    assert!(
        csv.lines()
            .skip(1)
            .all(|l| l.contains(",MSISDN,254700000001,")),
        "{csv}"
    );

    let report = fx
        .export(Format::Mojaloop, &cfg, &mobile_payees(), "ml")
        .unwrap();
    let file = fx.out("ml").join(&report.batches[0].file);
    let request: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    assert_eq!(
        request["from"]["partyIdInfo"]["partyIdentifier"],
        "254700000009"
    );
}

/// Every payee's MSISDN in national form and no `msisdn_country_code`: the export would pay no
/// one, so it stops (P0025), naming the setting, the count and the first unit, never a number,
/// and writes nothing. With the setting, the same payees are all paid.
#[test]
fn an_export_that_pays_no_one_because_every_msisdn_is_national_stops() {
    let fx = standard_run("KES");
    let national: HashMap<String, Payee> = mobile_payees()
        .into_iter()
        .map(|(unit, mut p)| {
            p.financial_address = p
                .financial_address
                .map(|fa| fa.replacen("mobile:254", "mobile:0", 1));
            (unit, p)
        })
        .collect();
    for format in [Format::Mojaloop, Format::PhEe] {
        let out = format!("national-{format}");
        let err = match fx.export(format, &payer(), &national, &out) {
            Ok(report) => panic!("{format}: export succeeded: {:?}", report.exceptions),
            Err(e) => e,
        };
        assert_eq!(err.code(), "P0025", "{format}: {err}");
        let msg = err.to_string();
        assert!(
            msg.contains("none of the 8 unit(s) to pay can be exported, and 6 have an MSISDN in national form")
                && msg.contains("(first: unit H01)")
                && msg.contains("set `msisdn_country_code` in the payer configuration"),
            "{msg}"
        );
        assert!(!msg.contains("0712000001"), "no number: {msg}");
        assert_nothing_written(&fx.out(&out));

        let cfg = payer_with("msisdn_country_code = \"254\"");
        let report = fx
            .export(format, &cfg, &national, &format!("{out}-254"))
            .unwrap();
        assert_eq!(report.counts.exported, 6, "{format}");
    }
}
