//! Cells as a spreadsheet's locale writes them: `1.500` in a file separated by semicolons (one
//! thousand five hundred, there) may not be read as another value than meant.

use entitle_registry::{open_files, SourceOptions};
use std::collections::BTreeMap;
use std::path::Path;

fn child_grant() -> entitle_core::Program {
    entitle_core::Program::compile(include_str!("../../examples/programs/child_grant.entitle"))
        .unwrap()
}

/// An error record as (file, line, column, code, message).
type Record = (String, u64, Option<String>, String, String);

/// Each decided unit's monthly income as read, and every error record.
fn read(dir: &Path) -> (BTreeMap<String, String>, Vec<Record>) {
    let program = child_grant();
    let slot = program.layout().unit_slot("monthly_income").unwrap();
    let ty = program.layout().unit_inputs()[slot].ty.clone();
    let mut source = open_files(dir, &program, &SourceOptions::default()).unwrap();
    let (mut incomes, mut errors) = (BTreeMap::new(), Vec::new());
    while let Some(chunk) = source.next_chunk(100).unwrap() {
        for i in 0..chunk.batch.len() {
            let income = chunk.batch.unit_column(slot).unwrap().value(i, &ty);
            incomes.insert(
                chunk.batch.unit_id(i).unwrap().to_string(),
                income.to_string(),
            );
        }
        errors.extend(chunk.errors.into_iter().map(|e| {
            let file = Path::new(&*e.file).file_name().unwrap();
            (
                file.to_string_lossy().into_owned(),
                e.line,
                e.column,
                e.code.to_string(),
                e.message,
            )
        }));
    }
    errors.sort();
    (incomes, errors)
}

fn s(t: &str) -> Option<String> {
    Some(t.to_string())
}

/// A registry of one-member households whose groups have `incomes` (and regions `regions`, North
/// when `None`), separated by `sep`.
fn registry(dir: &Path, sep: char, rows: &[(&str, &str)]) {
    let mut groups = format!("id{sep}region{sep}monthly_income\n");
    let mut members = format!("id{sep}group_id{sep}kind{sep}birthdate\n");
    for (k, (region, income)) in rows.iter().enumerate() {
        groups.push_str(&format!("H{k:02}{sep}{region}{sep}{income}\n"));
        members.push_str(&format!("M{k:02}{sep}H{k:02}{sep}head{sep}2015-01-01\n"));
    }
    std::fs::write(dir.join("groups.csv"), groups).unwrap();
    std::fs::write(dir.join("members.csv"), members).unwrap();
}

const AMBIGUOUS: &str = "the number is ambiguous in a semicolon-separated file: spreadsheets \
     that separate cells with semicolons write the comma as the decimal mark and a point \
     between thousands, so a point followed by three digits may mean either; write thousands \
     without a separator (1500) and decimals with a point (1.5); a number with exactly three \
     decimals takes a fourth, zero (1.2500)";

#[test]
fn a_point_before_three_digits_is_refused_in_a_semicolon_file_only() {
    let incomes = [
        "1.500",
        "1.5",
        "0.125",
        "1.50",
        "1500",
        "1500.00",
        "KES 1.500",
        "-1.500",
        "1.500.000",
        "250.000",
        "1.500 KES",
        "KES 1.5",
    ];
    let rows: Vec<(&str, &str)> = incomes.iter().map(|i| ("North", *i)).collect();
    let dir = tempfile::tempdir().unwrap();
    registry(dir.path(), ';', &rows);
    let (read_as, errors) = read(dir.path());
    let kes = |a: &str| format!("KES {a}");
    assert_eq!(
        read_as,
        BTreeMap::from([
            ("H01".to_string(), kes("1.5")),
            ("H02".to_string(), kes("0.125")),
            ("H03".to_string(), kes("1.50")),
            ("H04".to_string(), kes("1500")),
            ("H05".to_string(), kes("1500.00")),
            ("H11".to_string(), kes("1.5")),
        ])
    );
    let refused = |line| {
        (
            "groups.csv".to_string(),
            line,
            s("monthly_income"),
            "G0111".to_string(),
            AMBIGUOUS.to_string(),
        )
    };
    assert_eq!(
        errors,
        [2, 8, 9, 10, 11, 12].map(refused).to_vec(),
        "{errors:#?}"
    );

    // Separated by commas, the same cells are decimals, as they always were.
    let dir = tempfile::tempdir().unwrap();
    let commas = ["1.500", "1.5", "12.000", "-1.500", "KES 250.000"];
    registry(dir.path(), ',', &commas.map(|i| ("North", i)));
    let (read_as, errors) = read(dir.path());
    assert_eq!(errors, []);
    assert_eq!(
        read_as.into_values().collect::<Vec<_>>(),
        ["1.500", "1.5", "12.000", "-1.500", "250.000"].map(kes)
    );
}
