//! Rows that are not rows (a stray quote, a broken JSON line) and ids that cannot be read: each
//! is one error record that says what is wrong, and costs no other row.

use entitle_registry::{open_files, SourceOptions};
use std::path::Path;

fn child_grant() -> entitle_core::Program {
    entitle_core::Program::compile(include_str!("../../examples/programs/child_grant.entitle"))
        .unwrap()
}

/// The ids decided, and each error record as (file, line, column, unit, member, code, message).
type Record = (
    String,
    u64,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);

fn read(dir: &Path) -> (Vec<String>, Vec<Record>) {
    let mut source = open_files(dir, &child_grant(), &SourceOptions::default()).unwrap();
    let (mut ids, mut errors) = (Vec::new(), Vec::new());
    while let Some(chunk) = source.next_chunk(100).unwrap() {
        ids.extend(
            (0..chunk.batch.len()).filter_map(|i| chunk.batch.unit_id(i).map(str::to_string)),
        );
        errors.extend(chunk.errors.into_iter().map(|e| {
            (
                Path::new(&*e.file)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                e.line,
                e.column,
                e.unit_id,
                e.member_id,
                e.code.to_string(),
                e.message,
            )
        }));
    }
    let counts = source.counts();
    assert_eq!(counts.units, counts.decided + counts.unit_errors);
    errors.sort();
    (ids, errors)
}

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

#[test]
fn a_stray_quote_in_either_file_costs_one_row() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("groups.csv"),
        "id,region,monthly_income,note\nG1,North,100,\nG2,North,100,\"unterminated\nG3,East,100,\nG4,East,100,\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("members.csv"),
        "id,group_id,kind,birthdate,name\nM1,G1,head,1980-01-01,\"Anne\nM2,G1,child,2015-01-01,Bob\nM3,G3,head,1980-01-01,\"Cy\"\nM4,G4,head,1980-01-01,Di\nM5,G4,child,2016-01-01,Ed\n",
    )
    .unwrap();
    let (ids, errors) = read(dir.path());
    // G1 is not decided without its head's row (reported), G2's row is the broken one; G3 and
    // G4 are read as they were written.
    assert_eq!(ids, ["G3", "G4"]);
    assert_eq!(
        errors,
        vec![
            (
                "groups.csv".into(),
                3,
                None,
                s("G2"),
                None,
                "G0104".into(),
                "a quote opens in cell 4 and is never closed (the file ends inside it); the row \
                 is not read, the lines after it are"
                    .into()
            ),
            (
                "members.csv".into(),
                2,
                None,
                s("G1"),
                s("M1"),
                "G0104".into(),
                "a quote opens in cell 5 and closes on line 4 with text after it (a quote is \
                 missing or one too many); the row is not read, the lines after it are"
                    .into()
            ),
        ]
    );
}

#[test]
fn a_broken_json_line_and_an_unreadable_id_say_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("groups.jsonl"),
        concat!(
            "{\"id\": \"G1\", \"region\": \"North\", \"monthly_income\": 100}\n",
            "{\"id\": \"G2\", \"region\": \"North\"\n",
            "[1, 2, 3]\n",
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("members.jsonl"),
        concat!(
            "{\"id\": \"M1\", \"group_id\": \"G1\", \"kind\": \"head\", \"birthdate\": \"1980-01-01\"}\n",
            "{\"id\": \"M2\", \"group_id\": \"G1\"\n",
        ),
    )
    .unwrap();
    let (ids, errors) = read(dir.path());
    assert_eq!(ids, ["G1"]);
    let got: Vec<(String, u64, String, String)> = errors
        .into_iter()
        .map(|(file, line, _, _, _, code, message)| (file, line, code, message))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "groups.jsonl".into(),
                2,
                "G0104".into(),
                "the line ends before its JSON value does".into()
            ),
            (
                "groups.jsonl".into(),
                3,
                "G0104".into(),
                "the line is not a JSON object".into()
            ),
            (
                "members.jsonl".into(),
                2,
                "G0104".into(),
                "the line ends before its JSON value does".into()
            ),
        ]
    );

    // A Latin-1 id (as Windows exports write é) is an unreadable cell, not a missing one.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("groups.csv"),
        b"id,region,monthly_income\nG\xe9,North,100\nG2,North,100\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("members.csv"),
        b"id,group_id,kind,birthdate\nM1,G\xe9,head,1980-01-01\nM2,G2,head,1980-01-01\n",
    )
    .unwrap();
    let (ids, errors) = read(dir.path());
    assert_eq!(ids, ["G2"]);
    let got: Vec<(String, u64, Option<String>, String)> = errors
        .into_iter()
        .map(|(file, line, column, _, _, code, _)| (file, line, column, code))
        .collect();
    assert_eq!(
        got,
        vec![
            ("groups.csv".into(), 2, s("id"), "G0109".into()),
            ("members.csv".into(), 2, s("group_id"), "G0109".into()),
        ]
    );
}

#[test]
fn a_day_that_does_not_exist_and_a_decimal_comma_are_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("groups.csv"),
        "id,region,monthly_income\nG1,North,\"1,500\"\nG2,North,1500\nG3,North,100\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("members.csv"),
        "id,group_id,kind,start_date,birthdate\nM1,G1,head,,1980-01-01\nM2,G2,head,2026-13-01,1980-01-01\nM3,G3,head,,2015-02-29\n",
    )
    .unwrap();
    let (ids, errors) = read(dir.path());
    assert!(ids.is_empty(), "{ids:?}");
    let got: Vec<(u64, Option<String>, String, String)> = errors
        .into_iter()
        .map(|(_, line, column, _, _, code, message)| (line, column, code, message))
        .collect();
    let no_such_date = "there is no such date: the month or the day is out of range";
    assert_eq!(
        got,
        vec![
            (
                2,
                s("monthly_income"),
                "G0101".into(),
                "expected an amount such as 1500.50 or KES 1500; the number has commas \
                 between its thousands: write it with no thousands separator and a point \
                 before any decimals (1500, 1500.50); format the column as a number without a \
                 thousands separator before saving the file"
                    .into()
            ),
            (3, s("start_date"), "G0108".into(), no_such_date.into()),
            (4, s("birthdate"), "G0101".into(), no_such_date.into()),
        ]
    );
}
