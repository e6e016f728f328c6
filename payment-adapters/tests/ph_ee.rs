//! Payment Hub EE CSV: the header is the bulk processor's allowed column list in order, no value
//! needs quoting, and files split under the size limit with counts and sums intact.

mod common;

use common::*;
use entitle_payments::{Format, Payee, PH_EE_COLUMNS};
use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;

/// The allowed columns, from the official list (`schemas/ph-ee/columns.txt`, first line).
fn allowed_columns() -> Vec<String> {
    let text = std::fs::read_to_string(schemas_dir().join("ph-ee/columns.txt")).unwrap();
    text.lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect()
}

#[test]
fn header_is_the_allowed_column_list_in_order() {
    let allowed = allowed_columns();
    assert_eq!(allowed.len(), 15);
    assert_eq!(PH_EE_COLUMNS.to_vec(), allowed);
    let fx = standard_run("KES");
    fx.export(Format::PhEe, &payer(), &mobile_payees(), "out")
        .unwrap();
    let csv = std::fs::read_to_string(fx.out("out").join("ph-ee-001.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert_eq!(header, allowed, "verifyCsv accepts only these names");
    for line in csv.lines() {
        assert_eq!(
            line.split(',').count(),
            allowed.len(),
            "verifyData's naive split: {line}"
        );
        assert!(!line.contains('"'), "no quoting: {line}");
    }
}

/// A run big enough to need several files.
fn big_run(units: usize) -> (Fixture, HashMap<String, Payee>, Decimal) {
    let mut lines = Vec::new();
    let mut payees = HashMap::new();
    let mut total = Decimal::ZERO;
    for i in 0..units {
        let unit = format!("U{i:05}");
        let amount = format!("{}.{:02}", 1000 + i % 500, i % 100);
        total += Decimal::from_str(&amount).unwrap();
        lines.push(decision(&unit, "eligible", "KES", Some(&amount)));
        payees.insert(
            unit,
            Payee {
                financial_address: Some(format!("mobile:2547{:08}@mpesa", i)),
                ..Payee::default()
            },
        );
    }
    (Fixture::new(&lines), payees, total)
}

#[test]
fn files_split_under_the_size_limit() {
    let (fx, payees, total) = big_run(1200);
    let report = fx.export(Format::PhEe, &payer(), &payees, "out").unwrap();
    assert!(
        report.batches.len() >= 3,
        "{} batches",
        report.batches.len()
    );
    let files = read_dir(&fx.out("out"));
    let mut seen = BTreeSet::new();
    let mut sum = Decimal::ZERO;
    let mut rows = 0;
    for b in &report.batches {
        let bytes = &files[&b.file];
        assert!(
            bytes.len() <= 100_000,
            "{} is {} bytes",
            b.file,
            bytes.len()
        );
        assert!(b.count <= 500);
        let text = String::from_utf8(bytes.clone()).unwrap();
        let data: Vec<Vec<&str>> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        assert_eq!(data.len(), b.count);
        let file_sum: Decimal = data.iter().map(|r| Decimal::from_str(r[7]).unwrap()).sum();
        assert_eq!(file_sum, b.control_sum);
        for (i, r) in data.iter().enumerate() {
            assert_eq!(r[0], i.to_string(), "id counts from 0 in each file");
            assert_eq!(r[14], b.id, "batch_id column");
            assert!(
                seen.insert(r[1].to_string()),
                "request_id unique across files"
            );
        }
        sum += file_sum;
        rows += data.len();
    }
    assert_eq!(rows, 1200);
    assert_eq!(sum, total);
    assert_eq!(report.totals.exported, total);
}

#[test]
fn a_small_size_limit_gives_more_files() {
    let (fx, payees, total) = big_run(40);
    let cfg = payer_with("");
    let mut small = cfg.clone();
    small.ph_ee.as_mut().unwrap().max_file_bytes = Some(2048);
    let report = fx.export(Format::PhEe, &small, &payees, "out").unwrap();
    let files = read_dir(&fx.out("out"));
    assert!(report.batches.len() > 1);
    for b in &report.batches {
        assert!(files[&b.file].len() <= 2048, "{}", files[&b.file].len());
    }
    assert_eq!(report.batches.iter().map(|b| b.count).sum::<usize>(), 40);
    assert_eq!(
        report
            .batches
            .iter()
            .map(|b| b.control_sum)
            .sum::<Decimal>(),
        total
    );
}

#[test]
fn commas_in_the_note_are_refused_before_writing() {
    let fx = standard_run("KES");
    let cfg = entitle_payments::PayerConfig::from_toml_str(&PAYER_TOML.replace(
        "note = \"Child grant March 2026\"",
        "note = \"Child grant, March 2026\"",
    ))
    .unwrap();
    let err = fx
        .export(Format::PhEe, &cfg, &mobile_payees(), "out")
        .unwrap_err();
    assert_eq!(err.code(), "P0013");
    assert!(err.to_string().contains("comma"), "{err}");
    assert_nothing_written(&fx.out("out"));
    // The same note is fine where the format quotes or escapes it.
    assert!(fx
        .export(Format::G2pConnect, &cfg, &mobile_payees(), "json")
        .is_ok());
}

/// The bulk processor's columns have no payee name, so a name with a comma, a double quote or a
/// line break (which its naive split could not carry) is never written and holds back no one.
#[test]
fn payee_names_with_commas_or_quotes_are_not_written_and_block_no_one() {
    let mut payees = mobile_payees();
    payees.get_mut("H01").unwrap().name = Some("Njeri, Amina".into());
    payees.get_mut("H02").unwrap().name = Some("Otieno \"Baba\" Odhiambo".into());
    payees.get_mut("H04").unwrap().name = Some("Wanjiru\nKamau".into());
    let fx = standard_run("KES");
    let report = fx.export(Format::PhEe, &payer(), &payees, "out").unwrap();
    assert_eq!(report.counts.exported, 6);
    assert_eq!(
        report.batches[0].unit_ids,
        ["H01", "H02", "H04", "H05", "H08", "H11"]
    );
    let csv = std::fs::read_to_string(fx.out("out").join("ph-ee-001.csv")).unwrap();
    assert_eq!(csv.lines().count(), 7);
    for line in csv.lines() {
        assert_eq!(line.split(',').count(), 15, "{line}");
    }
    assert!(
        !csv.contains("Njeri") && !csv.contains("Baba") && !csv.contains("Kamau"),
        "{csv}"
    );
}
