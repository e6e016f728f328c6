//! Cells as a spreadsheet's locale writes them: `1.500` in a file separated by semicolons (one
//! thousand five hundred, there), numbers grouped by spaces or commas, dates saved as a count of
//! days or day first, choices in other capitals, JSON keys in other capitals. None of them may be
//! read as another value than meant; each refusal says how to fix the export, never the cell.

use entitle_registry::sqlite::{plan, SqliteStore};
use entitle_registry::{open_files, RegistrySource, SourceOptions};
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
    read_source(open_files(dir, &child_grant(), &SourceOptions::default()).unwrap())
}

/// [`read`], from the files imported into a store.
fn read_store(dir: &Path) -> (BTreeMap<String, String>, Vec<Record>) {
    let mut store = SqliteStore::open(&dir.join("store.db")).unwrap();
    store
        .import(&plan(&[dir.to_path_buf()]).unwrap(), "2026-03-01T00:00:00Z")
        .unwrap();
    read_source(
        store
            .source(&child_grant(), &SourceOptions::default())
            .unwrap(),
    )
}

fn read_source(mut source: Box<dyn RegistrySource>) -> (BTreeMap<String, String>, Vec<Record>) {
    let program = child_grant();
    let slot = program.layout().unit_slot("monthly_income").unwrap();
    let ty = program.layout().unit_inputs()[slot].ty.clone();
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
        "USD 1.500",
    ];
    let rows: Vec<(&str, &str)> = incomes.iter().map(|i| ("North", *i)).collect();
    let dir = tempfile::tempdir().unwrap();
    registry(dir.path(), ';', &rows);
    let (read_as, errors) = read(dir.path());
    // As a value prints: a negative amount as the language writes it (`-KES 1.500`).
    let kes = |a: &str| match a.strip_prefix('-') {
        Some(digits) => format!("-KES {digits}"),
        None => format!("KES {a}"),
    };
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
    let mut want = [2, 8, 9, 10, 11, 12].map(refused).to_vec();
    // In another currency, the cell is refused for that.
    want.push((
        "groups.csv".to_string(),
        14,
        s("monthly_income"),
        "G0101".to_string(),
        "the amount is in USD, but this input is in KES".to_string(),
    ));
    assert_eq!(errors, want, "{errors:#?}");
    // Imported into a store, the file is read as it was: the store keeps its separator.
    let (stored_as, stored_errors) = read_store(dir.path());
    assert_eq!(stored_as, read_as);
    assert_eq!(stored_errors, want);

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

#[test]
fn numbers_and_dates_shaped_by_an_export_say_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("groups.csv"),
        "id,region,monthly_income\nG1,North,\"1,500\"\nG2,North,1 500\nG3,North,1\u{a0}500\n\
         G4,North,\"1,5\"\nG5,North,100\nG6,North,100\nG7,North,100\nG8,North,twelve\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("members.csv"),
        "id,group_id,kind,start_date,birthdate\nM1,G1,head,,2015-01-01\nM2,G2,head,,2015-01-01\n\
         M3,G3,head,,2015-01-01\nM4,G4,head,,2015-01-01\nM5,G5,head,,45292\n\
         M6,G6,head,,01/03/2016\nM7,G7,head,42005,2015-01-01\nM8,G8,head,,2015-01-01\n",
    )
    .unwrap();
    let (read_as, errors) = read(dir.path());
    assert!(read_as.is_empty(), "{read_as:?}");
    let how = "write it with no thousands separator and a point before any decimals (1500, \
               1500.50); format the column as a number without a thousands separator before \
               saving the file";
    let amount = "expected an amount such as 1500.50 or KES 1500";
    let serial = "expected a date such as 2026-03-01, but the cell holds a number, as a \
                  spreadsheet saves a date whose column is formatted as a number (a count of \
                  days); format the column as a date in the form yyyy-mm-dd before saving the file";
    let day_first = "expected a date in year-month-day order, such as 2026-03-01, but the cell \
                     has the day or the month first, which countries read differently (01/03 is \
                     the 1st of March or the 3rd of January); format the column as a date in \
                     the form yyyy-mm-dd before saving the file";
    let income = |line, what: &str| {
        let message = format!("{amount}; the number {what}: {how}");
        (
            "groups.csv".into(),
            line,
            s("monthly_income"),
            "G0101".into(),
            message,
        )
    };
    let member = |line, column: &str, code: &str, message: &str| {
        (
            "members.csv".into(),
            line,
            s(column),
            code.into(),
            message.into(),
        )
    };
    assert_eq!(
        errors,
        vec![
            income(2, "has commas between its thousands"),
            income(3, "has spaces between its thousands"),
            income(4, "has spaces between its thousands"),
            income(5, "is written with a decimal comma"),
            // Nothing about an export: the parser's own reason.
            (
                "groups.csv".into(),
                9,
                s("monthly_income"),
                "G0101".into(),
                "expected an amount such as 1500.50 or KES 1500.50".into()
            ),
            member(6, "birthdate", "G0101", serial),
            member(7, "birthdate", "G0101", day_first),
            member(8, "start_date", "G0108", serial),
        ],
        "{errors:#?}"
    );
    for (.., message) in &errors {
        for cell in ["1,500", "1 500", "45292", "01/03/2016", "42005", "twelve"] {
            assert!(!message.contains(cell), "{message}");
        }
    }
}

#[test]
fn a_choice_is_written_as_declared_and_a_refusal_lists_the_choices() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        ("North", "100"),
        ("\" North \"", "100"),
        ("NORTH", "100"),
        ("north", "100"),
        ("Central", "100"),
    ];
    registry(dir.path(), ',', &rows);
    let (read_as, errors) = read(dir.path());
    assert_eq!(read_as.keys().collect::<Vec<_>>(), ["H00", "H01"]);
    // The record's column is `region`: the message does not name it a second time.
    let message = "the value is not one of the declared choices: North, East, South, West; \
                   written as declared, capitals included (spaces around the value do not count)";
    let refused = |line| {
        (
            "groups.csv".to_string(),
            line,
            s("region"),
            "G0102".to_string(),
            message.to_string(),
        )
    };
    assert_eq!(errors, [4, 5, 6].map(refused).to_vec());
}

#[test]
fn json_keys_are_matched_as_csv_headers_are() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("groups.jsonl"),
        concat!(
            r#"{"ID": "H1", "Region": "North", "MONTHLY_INCOME": "1500"}"#,
            "\n",
            r#"{"id": "H2", " region ": "North", "monthly_income": "20", "Monthly_Income": "1"}"#,
            "\n",
            r#"{"id": "H3", "Region": "North", "REGION": "East", "monthly_income": "5"}"#,
            "\n",
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("members.jsonl"),
        concat!(
            r#"{"Id": "M1", "Group_Id": "H1", "Kind": "head", "BirthDate": "2015-01-01"}"#,
            "\n",
            r#"{"id": "M2", "group_id": "H2", "kind": "head", "birthdate": "2015-01-01"}"#,
            "\n",
            r#"{"id": "M3", "group_id": "H3", "kind": "head", "birthdate": "2015-01-01"}"#,
            "\n",
        ),
    )
    .unwrap();
    let (read_as, errors) = read(dir.path());
    // An exact key comes first; another in other capitals is not looked at then.
    assert_eq!(
        read_as,
        BTreeMap::from([
            ("H1".to_string(), "KES 1500".to_string()),
            ("H2".to_string(), "KES 20".to_string()),
        ])
    );
    assert_eq!(
        errors,
        vec![(
            "groups.jsonl".into(),
            3,
            s("region"),
            "G0104".into(),
            "the object has two keys for this column, differing only in capitals or spaces".into()
        )]
    );
    // The member's birthdate was read too: H1 has a child.
    let program = child_grant();
    let mut source = open_files(dir.path(), &program, &SourceOptions::default()).unwrap();
    let chunk = source.next_chunk(10).unwrap().unwrap();
    let result = program.run(
        &chunk.batch,
        chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        &Default::default(),
    );
    let first = result.decisions().next().unwrap().unwrap();
    assert_eq!(
        (first.unit_id.as_str(), first.outcome),
        ("H1", entitle_core::Outcome::Eligible)
    );
}
