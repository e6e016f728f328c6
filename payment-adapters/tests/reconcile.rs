//! Every format, from the same run: counts and control sums equal the entitlements' totals, the
//! exceptions file lists the units left out, references are unique and deterministic, and an
//! export run twice gives byte-identical files.

mod common;

use common::*;
use entitle_payments::refs::entitlement_reference;
use entitle_payments::{ExportReport, Format};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn json(files: &BTreeMap<String, Vec<u8>>, name: &str) -> Value {
    serde_json::from_slice(
        files
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing: {:?}", files.keys())),
    )
    .unwrap()
}

fn reference(unit: &str) -> String {
    entitlement_reference(HASH, "2026-03", unit, 0)
}

/// Checks what every format shares: counts, totals, the exceptions file, the manifest, and that a
/// second export is byte-identical. Returns the files.
fn export_and_check(
    format: Format,
    currency: &str,
    exception_rows: &str,
) -> (ExportReport, BTreeMap<String, Vec<u8>>) {
    let fx = standard_run(currency);
    let payees = if matches!(format, Format::Pain001V03 | Format::Pain001V09) {
        bank_payees()
    } else {
        mobile_payees()
    };
    let report = fx.export(format, &payer(), &payees, "out").unwrap();
    let c = &report.counts;
    assert_eq!((c.units, c.not_payable, c.unit_errors), (12, 3, 1));
    assert_eq!(
        (c.payable, c.exported, c.exceptions, c.already_exported),
        (8, 6, 2, 0)
    );
    assert_eq!(c.units, c.payable + c.not_payable + c.unit_errors);
    let t = &report.totals;
    assert_eq!(t.payable.to_string(), "18000.50");
    assert_eq!(t.exported.to_string(), "14000.50");
    assert_eq!(t.exceptions.to_string(), "4000.00");
    assert_eq!(t.rounding_difference, Decimal::ZERO);
    assert_eq!(t.exported + t.exceptions + t.already_exported, t.payable);
    let batch_count: usize = report.batches.iter().map(|b| b.count).sum();
    let batch_sum: Decimal = report.batches.iter().map(|b| b.control_sum).sum();
    assert_eq!((batch_count, batch_sum), (6, dec("14000.50")));
    assert_eq!(report.cycle, "2026-03");

    let files = read_dir(&fx.out("out"));
    let name = format.name();
    let exceptions = String::from_utf8(files[&format!("{name}-exceptions.csv")].clone()).unwrap();
    assert_eq!(
        exceptions,
        format!("unit_id,reason,detail,amount,currency\n{exception_rows}")
    );
    let manifest = json(&files, &format!("{name}-manifest.json"));
    assert_eq!(manifest["counts"]["exported"], 6);
    assert_eq!(manifest["totals"]["exported"], "14000.50");
    for f in manifest["files"].as_array().unwrap() {
        let file = &files[f["name"].as_str().unwrap()];
        assert_eq!(f["bytes"].as_u64().unwrap() as usize, file.len());
    }
    assert_eq!(
        manifest["files"].as_array().unwrap().len() + 1,
        files.len(),
        "every file but the manifest is listed"
    );

    // Determinism: a second export of the same run gives the same bytes, file by file.
    fx.export(format, &payer(), &payees, "again").unwrap();
    assert_eq!(
        read_dir(&fx.out("again")),
        files,
        "re-export is byte-identical"
    );
    (report, files)
}

const MOBILE_EXCEPTIONS: &str = "H07,no_payee,no payee for the unit,1500.00,KES\n\
H10,no_financial_address,the payee has no financial address,2500.00,KES\n";

#[test]
fn g2p_connect_reconciles() {
    let (report, files) = export_and_check(Format::G2pConnect, "KES", MOBILE_EXCEPTIONS);
    assert_eq!(report.batches.len(), 1);
    let req = json(&files, "g2p-connect-001.json");
    let h = &req["header"];
    assert_eq!(h["action"], "disburse");
    assert_eq!(h["total_count"], 6);
    assert_eq!(h["message_ts"], "2026-03-04T09:00:00Z");
    assert_eq!(h["sender_id"], "spmis.example.gov");
    assert_eq!(
        h["message_id"].as_str(),
        report.batches[0].message_id.as_deref()
    );
    let d = req["message"]["disbursements"].as_array().unwrap();
    let units: Vec<&str> = vec!["H01", "H02", "H04", "H05", "H08", "H11"];
    let refs: Vec<String> = units.iter().map(|u| reference(u)).collect();
    assert_eq!(
        d.iter()
            .map(|x| x["reference_id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>(),
        refs
    );
    let amounts: Vec<&str> = d.iter().map(|x| x["amount"].as_str().unwrap()).collect();
    assert_eq!(
        amounts,
        ["2500.00", "1500.00", "2000.50", "3000.00", "4000.00", "1000.00"]
    );
    assert_eq!(
        amounts.iter().map(|a| dec(a)).sum::<Decimal>(),
        dec("14000.50")
    );
    assert_eq!(d[0]["payee_fa"], "mobile:254712000001@mpesa");
    assert_eq!(d[0]["payer_fa"], "account:1001@treasury");
    assert_eq!(d[0]["currency_code"], "KES");
    assert_eq!(d[0]["scheduled_timestamp"], "2026-03-05T00:00:00Z");
    assert_eq!(d[0]["note"], "Child grant March 2026");
    assert_eq!(d[3]["payee_name"], "Zoë Achieng");
    assert!(req.get("signature").is_none());
}

#[test]
fn g2p_bridge_reconciles_with_its_envelope() {
    let (report, files) = export_and_check(Format::G2pBridge, "KES", MOBILE_EXCEPTIONS);
    let env = json(&files, "g2p-bridge-envelope.json");
    let m = &env["message"];
    assert_eq!(env["header"]["action"], "create_disbursement_envelope");
    assert_eq!(m["benefit_program_mnemonic"], "CHILD_GRANT");
    assert_eq!(m["disbursement_frequency"], "Monthly");
    assert_eq!(m["cycle_code_mnemonic"], "2026-03");
    assert_eq!(m["number_of_beneficiaries"], 6);
    assert_eq!(m["number_of_disbursements"], 6);
    assert_eq!(m["total_disbursement_amount"].to_string(), "14000.50");
    assert_eq!(m["disbursement_currency_code"], "KES");
    assert_eq!(m["disbursement_schedule_date"], "2026-03-05");
    let envelope_id = m["disbursement_envelope_id"].as_str().unwrap();
    assert!(envelope_id.starts_with('V'));

    let req = json(&files, "g2p-bridge-001.json");
    assert_eq!(req["header"]["action"], "create_disbursements");
    assert_eq!(req["header"]["total_count"], 6);
    let d = req["message"].as_array().unwrap();
    assert_eq!(d.len(), 6);
    let total: Decimal = d
        .iter()
        .map(|x| dec(&x["disbursement_amount"].to_string()))
        .sum();
    assert_eq!(total, dec("14000.50"));
    assert!(d
        .iter()
        .all(|x| x["disbursement_envelope_id"] == envelope_id));
    assert_eq!(d[0]["mis_reference_number"], reference("H01").as_str());
    assert_eq!(d[0]["beneficiary_id"], "mobile:254712000001@mpesa");
    assert_eq!(d[0]["beneficiary_name"], "Amina Njeri");
    assert_eq!(d[2]["disbursement_amount"].to_string(), "2000.50");
    assert_eq!(d[0]["narrative"], "Child grant March 2026");
    assert_eq!(report.batches.len(), 1);
}

#[test]
fn ph_ee_reconciles() {
    let (report, files) = export_and_check(Format::PhEe, "KES", MOBILE_EXCEPTIONS);
    assert_eq!(report.ph_ee_tenant.as_deref(), Some("gorilla"));
    let csv = String::from_utf8(files["ph-ee-001.csv"].clone()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 7);
    let rows: Vec<Vec<&str>> = lines[1..].iter().map(|l| l.split(',').collect()).collect();
    assert!(
        rows.iter().all(|r| r.len() == 15),
        "every row has the 15 columns, unquoted"
    );
    assert_eq!(
        rows.iter().map(|r| dec(r[7])).sum::<Decimal>(),
        dec("14000.50")
    );
    let batch_id = report.batches[0].id.as_str();
    assert_eq!(
        rows[0],
        vec![
            "0",
            entitle_payments::refs::uuid_of(&reference("H01")).as_str(),
            "mojaloop",
            "MSISDN",
            "254700000001",
            "MSISDN",
            "254712000001",
            "2500.00",
            "KES",
            "Child grant March 2026",
            "",
            "child_grant",
            "2026-03",
            "mpesa",
            batch_id,
        ]
    );
    assert_eq!(rows[5][0], "5");
}

fn xml_values<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    xml.match_indices(&open)
        .filter_map(|(i, _)| {
            let rest = &xml[i..];
            let start = rest.find('>')? + 1;
            let end = rest.find(&close)?;
            Some(&rest[start..end])
        })
        .collect()
}

const BANK_EXCEPTIONS: &str = "H07,no_payee,no payee for the unit,1500.00,EUR\n\
H10,no_payee_name,\"the payee has no name, which the format requires\",2500.00,EUR\n";

fn check_pain(format: Format) -> String {
    let (report, files) = export_and_check(format, "EUR", BANK_EXCEPTIONS);
    let xml = String::from_utf8(files[&format!("{}-001.xml", format.name())].clone()).unwrap();
    assert_eq!(xml_values(&xml, "NbOfTxs"), ["6", "6"], "GrpHdr and PmtInf");
    assert_eq!(xml_values(&xml, "CtrlSum"), ["14000.50", "14000.50"]);
    let amounts = xml_values(&xml, "InstdAmt");
    assert_eq!(
        amounts,
        ["2500.00", "1500.00", "2000.50", "3000.00", "4000.00", "1000.00"]
    );
    assert_eq!(
        amounts.iter().map(|a| dec(a)).sum::<Decimal>(),
        dec("14000.50")
    );
    let e2e = xml_values(&xml, "EndToEndId");
    assert_eq!(e2e.len(), 6);
    assert_eq!(
        e2e.iter().collect::<BTreeSet<_>>().len(),
        6,
        "EndToEndId unique"
    );
    assert_eq!(e2e[0], reference("H01"));
    assert_eq!(
        xml_values(&xml, "PmtInfId"),
        [report.batches[0].id.as_str()]
    );
    assert_eq!(
        xml_values(&xml, "MsgId"),
        [report.batches[0].message_id.as_deref().unwrap()]
    );
    assert_eq!(xml_values(&xml, "CreDtTm"), ["2026-03-04T09:00:00Z"]);
    assert!(
        xml.contains("<Nm>Zoe Muller</Nm>"),
        "accents transliterated for the SEPA character set"
    );
    assert!(xml.contains("Ccy=\"EUR\""));
    for (len, what) in [
        (35, "MsgId"),
        (35, "PmtInfId"),
        (35, "EndToEndId"),
        (140, "Ustrd"),
        (140, "Nm"),
    ] {
        assert!(
            xml_values(&xml, what).iter().all(|v| v.len() <= len),
            "{what} within {len}"
        );
    }
    xml
}

#[test]
fn pain001_03_reconciles() {
    let xml = check_pain(Format::Pain001V03);
    assert!(xml.contains("<ReqdExctnDt>2026-03-05</ReqdExctnDt>"));
    assert!(xml.contains("<BIC>COBADEFFXXX</BIC>") && !xml.contains("BICFI"));
    assert!(xml.contains("xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\""));
}

#[test]
fn pain001_09_reconciles() {
    let xml = check_pain(Format::Pain001V09);
    assert!(xml.contains("<ReqdExctnDt>\n        <Dt>2026-03-05</Dt>\n      </ReqdExctnDt>"));
    assert!(xml.contains("<BICFI>COBADEFFXXX</BICFI>") && !xml.contains("<BIC>"));
    assert!(xml.contains("xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\""));
}

#[test]
fn mojaloop_reconciles_with_one_request_per_payee_fsp() {
    let (report, files) = export_and_check(Format::Mojaloop, "KES", MOBILE_EXCEPTIONS);
    let fsps: Vec<_> = report
        .batches
        .iter()
        .map(|b| {
            (
                b.payee_fsp.as_deref().unwrap(),
                b.count,
                b.control_sum.to_string(),
            )
        })
        .collect();
    assert_eq!(
        fsps,
        [
            ("airtel", 2, "4500.00".to_string()),
            ("mpesa", 4, "9500.50".to_string())
        ]
    );
    for (i, fsp) in [(1, "airtel"), (2, "mpesa")] {
        let req = json(&files, &format!("mojaloop-00{i}.json"));
        let transfers = req["individualTransfers"].as_array().unwrap();
        assert!(
            transfers
                .iter()
                .all(|t| t["to"]["partyIdInfo"]["fspId"] == fsp),
            "one payee FSP per request"
        );
        assert_eq!(
            req["bulkHomeTransactionID"],
            report.batches[i - 1].id.as_str()
        );
        assert_eq!(req["options"]["bulkExpiration"], "2026-03-12T00:00:00.000Z");
        assert_eq!(req["from"]["partyIdInfo"]["fspId"], "treasury-dfsp");
        let sum: Decimal = transfers
            .iter()
            .map(|t| dec(t["amount"].as_str().unwrap()))
            .sum();
        assert_eq!(sum, report.batches[i - 1].control_sum);
    }
    let mpesa = json(&files, "mojaloop-002.json");
    let amounts: Vec<&str> = mpesa["individualTransfers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["amount"].as_str().unwrap())
        .collect();
    assert_eq!(
        amounts,
        ["2500", "2000.5", "4000", "1000"],
        "no trailing zeros (P2)"
    );
    let first = &mpesa["individualTransfers"][0];
    assert_eq!(first["homeTransactionId"], reference("H01").as_str());
    assert_eq!(first["to"]["partyIdInfo"]["partyIdType"], "MSISDN");
    assert_eq!(
        first["to"]["partyIdInfo"]["partyIdentifier"],
        "254712000001"
    );
    assert_eq!(first["amountType"], "RECEIVE");
}

#[test]
fn references_do_not_depend_on_the_format() {
    let fx = standard_run("KES");
    fx.export(Format::G2pConnect, &payer(), &mobile_payees(), "a")
        .unwrap();
    fx.export(Format::Mojaloop, &payer(), &mobile_payees(), "b")
        .unwrap();
    let a = std::fs::read_to_string(fx.out("a").join("g2p-connect-001.json")).unwrap();
    let b = std::fs::read_to_string(fx.out("b").join("mojaloop-002.json")).unwrap();
    let r = reference("H01");
    assert!(a.contains(&r) && b.contains(&r));
    assert_eq!(r, entitlement_reference(HASH, "2026-03", "H01", 0));
    assert_ne!(r, entitlement_reference(HASH, "2026-04", "H01", 0));
}

#[test]
fn batches_split_at_the_configured_size() {
    let fx = standard_run("KES");
    let payer = payer_with("");
    let mut cfg = payer.clone();
    if let Some(g) = cfg.g2p_connect.as_mut() {
        g.max_batch_size = Some(4);
    }
    let report = fx
        .export(Format::G2pConnect, &cfg, &mobile_payees(), "out")
        .unwrap();
    let counts: Vec<usize> = report.batches.iter().map(|b| b.count).collect();
    assert_eq!(counts, [4, 2]);
    let files = read_dir(&fx.out("out"));
    let first = json(&files, "g2p-connect-001.json");
    let second = json(&files, "g2p-connect-002.json");
    assert_eq!(first["header"]["total_count"], 4);
    assert_eq!(second["header"]["total_count"], 2);
    assert_eq!(
        first["message"]["transaction_id"], second["message"]["transaction_id"],
        "one transaction"
    );
    assert_ne!(
        first["header"]["message_id"],
        second["header"]["message_id"]
    );
    let sum: Decimal = report.batches.iter().map(|b| b.control_sum).sum();
    assert_eq!(sum, dec("14000.50"));
}

#[test]
fn account_mapper_file_feeds_the_payees() {
    let fx = standard_run("KES");
    let mapper = fx.out("accounts.csv");
    std::fs::write(
        &mapper,
        "unit_id,financial_address,name,id_type,fsp_id\n\
         H01,254712000001,Amina Njeri,MSISDN,mpesa\n\
         H02,account:88001@kcb,\"Odhiambo, Otieno\",,\n",
    )
    .unwrap();
    let options = entitle_payments::ExportOptions {
        payees: entitle_payments::Payees::Mapper(mapper),
        ..Default::default()
    };
    let report = entitle_payments::export_run(
        &fx.run(),
        Format::Mojaloop,
        &payer(),
        &fx.out("out"),
        &options,
    )
    .unwrap();
    assert_eq!((report.counts.exported, report.counts.exceptions), (2, 6));
    let files = read_dir(&fx.out("out"));
    let kcb = json(&files, "mojaloop-001.json");
    let to = &kcb["individualTransfers"][0]["to"];
    assert_eq!(to["partyIdInfo"]["partyIdType"], "ACCOUNT_ID");
    assert_eq!(to["partyIdInfo"]["partyIdentifier"], "88001");
    assert_eq!(to["partyIdInfo"]["fspId"], "kcb");
    assert_eq!(to["name"], "Odhiambo, Otieno");
}

#[test]
fn nothing_payable_still_writes_the_reconciliation_files() {
    let fx = Fixture::new(&[decision("H1", "not_eligible", "KES", None)]);
    let report = fx
        .export(Format::PhEe, &payer(), &mobile_payees(), "out")
        .unwrap();
    assert_eq!((report.counts.payable, report.counts.exported), (0, 0));
    assert!(report.batches.is_empty());
    let names: Vec<String> = read_dir(&fx.out("out")).into_keys().collect();
    assert_eq!(names, ["ph-ee-exceptions.csv", "ph-ee-manifest.json"]);
}

/// `entitle run` writes no decision line for a unit it could not decide: it lists the unit in
/// `errors.csv` and counts it in `summary.json` (`counts.errors`, `errors.units`, and in
/// `counts.units`). The manifest counts those units, so that its counts reconcile with the run's.
#[test]
fn unit_errors_are_counted_from_the_summary_as_entitle_run_writes_it() {
    let lines = vec![
        decision("H01", "eligible", "KES", Some("2500")),
        decision("H02", "not_eligible", "KES", None),
        decision("H03", "eligible", "KES", Some("1500")),
    ];
    let summary = |counts: &str, errors: &str| {
        format!(
            r#"{{"program":{{"id":"child_grant","version":"2026.1","hash":"{HASH}"}},"as_of":"2026-03-01","counts":{{{counts}}},"errors":{{{errors}}},"totals":{{"cash":[{{"currency":"KES","net":"4000"}}]}}}}"#
        )
    };
    let fx = Fixture::new(&lines);
    let export = |counts: &str, errors: &str, out: &str| {
        std::fs::write(fx.run().join("summary.json"), summary(counts, errors)).unwrap();
        fx.export(Format::G2pConnect, &payer(), &mobile_payees(), out)
    };
    let whole =
        r#""units":5,"decisions":3,"eligible":2,"not_eligible":1,"undetermined":0,"errors":2"#;
    let report = export(
        whole,
        r#""units":2,"rows":1,"by_code":{"R0001":2,"G0101":1}"#,
        "a",
    )
    .unwrap();
    let c = &report.counts;
    assert_eq!(
        (c.units, c.not_payable, c.unit_errors, c.payable),
        (5, 1, 2, 2)
    );
    assert_eq!(c.units, c.payable + c.not_payable + c.unit_errors);
    let manifest = json(&read_dir(&fx.out("a")), "g2p-connect-manifest.json");
    assert_eq!(manifest["counts"]["units"], 5);
    assert_eq!(manifest["counts"]["unit_errors"], 2);

    // `errors.units` alone (a summary without `counts.errors`) is read the same way.
    let report = export(r#""decisions":3,"eligible":2"#, r#""units":2"#, "b").unwrap();
    assert_eq!((report.counts.units, report.counts.unit_errors), (5, 2));

    // Counts that disagree are refused: units that are neither decided nor errors, or two
    // different numbers of unit errors.
    for (counts, errors, part) in [
        (
            r#""units":6,"decisions":3,"eligible":2,"errors":2"#,
            r#""units":2"#,
            "5 units (3 decisions and 2 unit errors), the summary counts 6",
        ),
        (
            r#""units":5,"decisions":3,"eligible":2,"errors":2"#,
            r#""units":1"#,
            "`counts.errors` is 2 but `errors.units` is 1",
        ),
        (
            r#""decisions":3,"errors":"2""#,
            "",
            "`counts.errors` is not a whole number",
        ),
    ] {
        let e = export(counts, errors, "c").unwrap_err();
        assert_eq!(e.code(), "P0002", "{e}");
        assert!(e.to_string().contains(part), "{e}");
    }
}
