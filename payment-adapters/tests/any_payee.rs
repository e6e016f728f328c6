//! Property: whatever one payee's registry data holds, the export goes on for everyone else. The
//! unit is either paid or listed in the exceptions with a reason about its payee data; no other
//! unit's outcome changes; the files stay well formed (pain.001 valid against its XSD, JSON that
//! parses, Payment Hub EE rows of 15 cells); and an exception never carries the payee's value.

mod common;

use common::*;
use entitle_payments::{ExportReport, Format, IdType, Payee};
use proptest::prelude::*;
use std::collections::HashMap;

/// Texts a registry column may hold: well-formed values, and what typing, copying and encoding
/// errors leave in one.
fn text(valid: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    let valid: Vec<String> = valid.iter().map(|s| (*s).to_string()).collect();
    prop_oneof![
        3 => proptest::sample::select(valid).prop_map(Some),
        1 => Just(None),
        1 => Just(Some(String::new())),
        1 => Just(Some("   ".to_string())),
        2 => "\\PC{1,40}".prop_map(Some),
        2 => "[a-zA-Z0-9 ,;\"'<>&@:.+_-]{1,40}".prop_map(Some),
        1 => "[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}a-z]{1,12}".prop_map(Some),
        1 => "[a-zA-Z0-9]{30,200}".prop_map(Some),
        1 => "[ÀÉÎÕÜçñßøåæœ\\u{301}\\u{64e}ـ]{1,20}".prop_map(Some),
    ]
}

fn payee() -> impl Strategy<Value = Payee> {
    let id_type = prop_oneof![
        Just(None),
        Just(Some(IdType::Msisdn)),
        Just(Some(IdType::Email)),
        Just(Some(IdType::Iban)),
        Just(Some(IdType::AccountId)),
        Just(Some(IdType::Alias)),
    ];
    (
        text(&["Amina Njeri", "Zoë Müller", "O'Brien-Smith"]),
        text(&[
            "mobile:254712000001@mpesa",
            "254712000001",
            "account:1234567890@bank",
            "amina@example.org",
            "email:amina@example.org@mail",
        ]),
        id_type,
        text(&["mpesa", "airtel", "dfsp-1"]),
        text(&["COBADEFFXXX", "DEUTDEFF"]),
        text(&["DE89370400440532013000", "FR1420041010050500013M02606"]),
    )
        .prop_map(
            |(name, financial_address, id_type, fsp_id, bic, iban)| Payee {
                name,
                financial_address,
                id_type,
                fsp_id,
                bic,
                iban,
            },
        )
}

/// The units an export paid, sorted.
fn paid(report: &ExportReport) -> Vec<String> {
    let mut units: Vec<String> = report
        .batches
        .iter()
        .flat_map(|b| b.unit_ids.iter().cloned())
        .collect();
    units.sort_unstable();
    units
}

/// Everyone but H01, as the export decides them with H01's usual payee.
fn others(report: &ExportReport) -> (Vec<String>, Vec<(String, String)>) {
    let paid = paid(report).into_iter().filter(|u| u != "H01").collect();
    let exceptions = reasons(report)
        .into_iter()
        .filter(|(u, _)| *u != "H01")
        .map(|(u, r)| (u.to_string(), r.to_string()))
        .collect();
    (paid, exceptions)
}

const FORMATS: [(Format, &str); 6] = [
    (Format::G2pConnect, "KES"),
    (Format::G2pBridge, "KES"),
    (Format::Mojaloop, "KES"),
    (Format::PhEe, "KES"),
    (Format::Pain001V03, "EUR"),
    (Format::Pain001V09, "EUR"),
];

fn base_payees(format: Format) -> HashMap<String, Payee> {
    match format {
        Format::Pain001V03 | Format::Pain001V09 => bank_payees(),
        _ => mobile_payees(),
    }
}

/// Cases per run: few by default (each exports six formats twice and validates the XML);
/// ENTITLE_PROPERTY_CASES=N for a longer search.
fn cases() -> u32 {
    std::env::var("ENTITLE_PROPERTY_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(24)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn one_payees_data_never_stops_the_export(h01 in payee()) {
        for (format, currency) in FORMATS {
            let fx = standard_run(currency);
            let base = fx.export(format, &payer(), &base_payees(format), "base").unwrap();
            let mut payees = base_payees(format);
            payees.insert("H01".into(), h01.clone());
            let report = match fx.export(format, &payer(), &payees, "out") {
                Ok(r) => r,
                Err(e) => return Err(TestCaseError::fail(format!("{format}: {} {e} for {h01:?}", e.code()))),
            };
            // H01 is paid or listed, once; nobody else changes.
            let listed: Vec<&str> = reasons(&report).into_iter().filter(|(u, _)| *u == "H01").map(|(_, r)| r).collect();
            let is_paid = paid(&report).iter().any(|u| u == "H01");
            prop_assert!(is_paid != (listed.len() == 1), "{format}: H01 paid {is_paid}, listed {listed:?}");
            if let Some(reason) = listed.first() {
                prop_assert!(reason.starts_with("payee_") || reason.starts_with("no_") || reason.starts_with("malformed_") || *reason == "iban_outside_sepa", "{format}: reason {reason}");
            }
            prop_assert_eq!(others(&report), others(&base), "{}", format);
            // Well-formed files.
            let out = fx.out("out");
            for b in &report.batches {
                let path = out.join(&b.file);
                let text = std::fs::read_to_string(&path).unwrap();
                match format {
                    Format::Pain001V03 | Format::Pain001V09 => {
                        let xsd = if format == Format::Pain001V03 { "pain.001.001.03.xsd" } else { "pain.001.001.09.xsd" };
                        let (ok, stderr) = xmllint(&sepaxml_schemas().join(xsd), &path);
                        prop_assert!(ok, "{format}: {stderr} for {h01:?}");
                    }
                    Format::PhEe => {
                        for line in text.lines() {
                            prop_assert_eq!(line.split(',').count(), 15, "{}: {:?}", format, line);
                        }
                    }
                    _ => {
                        prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "{format}: not JSON");
                    }
                }
            }
            // The exceptions file never carries H01's payee values.
            let exceptions = std::fs::read_to_string(out.join(format!("{format}-exceptions.csv"))).unwrap_or_default();
            for v in [&h01.name, &h01.financial_address, &h01.iban, &h01.bic, &h01.fsp_id].into_iter().flatten() {
                let v = v.trim();
                if v.chars().count() >= 6 && !exceptions.lines().next().unwrap_or("").contains(v) {
                    prop_assert!(!exceptions.contains(v), "{format}: exceptions carry {v:?}");
                }
            }
        }
    }
}
