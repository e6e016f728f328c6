//! Mojaloop `bulkTransactions`: one request per payee FSP, whatever the case its id is written in.

mod common;

use common::*;
use entitle_payments::{Format, Payee};
use serde_json::Value;
use std::collections::HashMap;

fn payees(rows: &[(&str, &str, Option<&str>)]) -> HashMap<String, Payee> {
    rows.iter()
        .map(|(unit, fa, fsp)| {
            let payee = Payee {
                financial_address: Some(fa.to_string()),
                fsp_id: fsp.map(str::to_string),
                ..Payee::default()
            };
            (unit.to_string(), payee)
        })
        .collect()
}

fn request(fx: &Fixture, out: &str, file: &str) -> Value {
    serde_json::from_slice(&std::fs::read(fx.out(out).join(file)).unwrap()).unwrap()
}

/// `x@mpesa`, `y@MPESA` and an `fsp_id` of `Mpesa` name one FSP: one request, every transfer
/// under the spelling of the first unit by unit id, and the manifest's `payee_fsp` the same.
#[test]
fn payee_fsps_that_differ_only_in_case_make_one_bulk() {
    let fx = standard_run("KES");
    let payees = payees(&[
        ("H01", "mobile:254712000001@MPESA", None),
        ("H02", "mobile:254733000002@airtel", None),
        ("H04", "mobile:254712000004@mpesa", None),
        ("H05", "254712000005", Some("Mpesa")),
        ("H08", "mobile:254733000008@Airtel", None),
    ]);
    let report = fx
        .export(Format::Mojaloop, &payer(), &payees, "out")
        .unwrap();
    let batches: Vec<(Option<&str>, usize)> = report
        .batches
        .iter()
        .map(|b| (b.payee_fsp.as_deref(), b.count))
        .collect();
    assert_eq!(batches, [(Some("airtel"), 2), (Some("MPESA"), 3)]);
    let fsps = |file: &str| -> Vec<String> {
        request(&fx, "out", file)["individualTransfers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                t["to"]["partyIdInfo"]["fspId"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(fsps("mojaloop-001.json"), ["airtel", "airtel"]);
    assert_eq!(fsps("mojaloop-002.json"), ["MPESA", "MPESA", "MPESA"]);
    assert_eq!(report.counts.exported, 5);
}
