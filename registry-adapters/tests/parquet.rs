//! Parquet registry files: the same registry read from CSV and from Parquet gives the same units,
//! decisions and error records; only the columns a program uses are read; every cell type becomes
//! the text a CSV file would hold; a file that cannot be read stops with its name, never a panic.

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, BinaryArray, BooleanArray, Date32Array, Date64Array, Decimal128Array,
    Decimal256Array, DictionaryArray, Float32Array, Float64Array, Int16Array, Int64Array,
    LargeStringArray, RecordBatch, StringArray, StringViewArray, StructArray,
    TimestampMillisecondArray, UInt32Array,
};
use arrow_schema::{DataType, Field};
type I256 = <arrow_array::types::Decimal256Type as arrow_array::ArrowPrimitiveType>::Native;
use entitle_registry::files::lookup::{lookup, Found, Lookup};
use entitle_registry::{open_files, RegistryFiles, RegistrySource, RowError, SourceOptions};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

fn program(name: &str) -> entitle_core::Program {
    let path = format!(
        "{}/../examples/programs/{name}.entitle",
        env!("CARGO_MANIFEST_DIR")
    );
    entitle_core::Program::compile(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

/// Days from 1970-01-01 to `date` (YYYY-MM-DD).
fn days(date: &str) -> i32 {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32
}

fn dates(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(Date32Array::from(
        v.iter().map(|d| d.map(days)).collect::<Vec<_>>(),
    ))
}

fn strings(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

fn bools(v: &[Option<bool>]) -> ArrayRef {
    Arc::new(BooleanArray::from(v.to_vec()))
}

/// A list of texts per row, from `a;b` texts (`None` is a null list).
fn kinds(v: &[Option<&str>]) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for k in v {
        match k {
            Some(k) => {
                for item in k.split(';') {
                    b.values().append_value(item);
                }
                b.append(true);
            }
            None => b.append(false),
        }
    }
    Arc::new(b.finish())
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).unwrap()
}

fn write_with(path: &Path, batch: &RecordBatch, props: WriterProperties) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

fn write(path: &Path, batch: &RecordBatch) {
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    write_with(path, batch, props);
}

/// Everything a source yields: per chunk its units' ids, lines and evaluation digest, its error
/// records; then the counts. Lines are given as CSV lines (a Parquet row number plus one, for the
/// header line) when `shift` is 1.
fn read_all(mut source: Box<dyn RegistrySource>, p: &entitle_core::Program, shift: u64) -> String {
    let mut out = String::new();
    while let Some(chunk) = source.next_chunk(4).unwrap() {
        let result = p.run(&chunk.batch, as_of(), &Default::default());
        let ids: Vec<&str> = (0..result.len()).map(|i| result.unit_id(i)).collect();
        let lines: Vec<u64> = chunk.lines.iter().map(|l| l + shift).collect();
        out.push_str(&format!(
            "units {ids:?} lines {lines:?}\n{}\n",
            result.columns_digest()
        ));
        for (i, id) in ids.iter().enumerate() {
            let d = result
                .decision(i)
                .map(|d| serde_json::to_string(&d).unwrap());
            out.push_str(&format!("{id}: {d:?}\n"));
        }
        for e in &chunk.errors {
            out.push_str(&format!("error {}\n", error_text(e, shift)));
        }
    }
    out.push_str(&format!("{:?}\n", source.counts()));
    out
}

/// An error record with the file's directory and extension left out and lines made comparable
/// (a message may name a line too: "the first is on line 5").
fn error_text(e: &RowError, shift: u64) -> String {
    let name = Path::new(&*e.file).file_stem().unwrap().to_string_lossy();
    let message = match e.message.rsplit_once("line ") {
        Some((before, n)) if n.parse::<u64>().is_ok() => {
            format!("{before}line {}", n.parse::<u64>().unwrap() + shift)
        }
        _ => e.message.clone(),
    };
    format!(
        "{name}:{} {:?} {:?} {:?} {} {message}",
        e.line + shift,
        e.column,
        e.unit_id,
        e.member_id,
        e.code,
    )
}

const GROUPS_CSV: &str = "id,region,monthly_income,enrolled_in_pension,household_size,score
H1,North,5000,false,3,0.1
H2,East,50000.50,true,2,1500.5
H3,East,,false,2,
H4,South,1200.00,,1,-2.25
H5,Central,100,false,1,3
H5,North,100,false,1,3
H6,East,900.05,false,2,0
";

const MEMBERS_CSV: &str = "id,group_id,kind,start_date,end_date,birthdate,disabled
M1,H1,head,,,1990-01-01,false
M2,H1,child;dependant,2020-05-01,,2020-05-01,
M3,H1,child,,,2022-01-01,true
M4,H2,head,,,1980-01-01,false
M5,H2,child,,,2015-01-01,
M6,H3,head,,,1980-01-01,false
M7,H3,child,2024-01-01,2023-01-01,2015-01-01,false
M8,H4,head,,,,false
M9,H5,head,,,1970-01-01,false
M10,,other,,,1980-01-01,false
M11,H6,head,,,1985-06-30,false
M12,H6,child,,2027-01-01,2019-02-28,true
M13,H9,head,,,1970-01-01,false
";

/// The registry of `GROUPS_CSV` and `MEMBERS_CSV`, typed.
fn typed_groups() -> RecordBatch {
    let region: DictionaryArray<Int32Type> = [
        Some("North"),
        Some("East"),
        Some("East"),
        Some("South"),
        Some("Central"),
        Some("North"),
        Some("East"),
    ]
    .into_iter()
    .collect();
    let income = Decimal128Array::from(vec![
        Some(500_000),
        Some(5_000_050),
        None,
        Some(120_000),
        Some(10_000),
        Some(10_000),
        Some(90_005),
    ])
    .with_precision_and_scale(12, 2)
    .unwrap();
    batch(vec![
        (
            "id",
            strings(&[
                Some("H1"),
                Some("H2"),
                Some("H3"),
                Some("H4"),
                Some("H5"),
                Some("H5"),
                Some("H6"),
            ]),
        ),
        ("region", Arc::new(region)),
        ("monthly_income", Arc::new(income)),
        (
            "enrolled_in_pension",
            bools(&[
                Some(false),
                Some(true),
                Some(false),
                None,
                Some(false),
                Some(false),
                Some(false),
            ]),
        ),
        (
            "household_size",
            Arc::new(Int64Array::from(vec![3, 2, 2, 1, 1, 1, 2])),
        ),
        (
            "score",
            Arc::new(Float64Array::from(vec![
                Some(0.1),
                Some(1500.5),
                None,
                Some(-2.25),
                Some(3.0),
                Some(3.0),
                Some(0.0),
            ])),
        ),
    ])
}

fn typed_members() -> RecordBatch {
    batch(vec![
        (
            "id",
            strings(&[
                Some("M1"),
                Some("M2"),
                Some("M3"),
                Some("M4"),
                Some("M5"),
                Some("M6"),
                Some("M7"),
                Some("M8"),
                Some("M9"),
                Some("M10"),
                Some("M11"),
                Some("M12"),
                Some("M13"),
            ]),
        ),
        (
            "group_id",
            strings(&[
                Some("H1"),
                Some("H1"),
                Some("H1"),
                Some("H2"),
                Some("H2"),
                Some("H3"),
                Some("H3"),
                Some("H4"),
                Some("H5"),
                None,
                Some("H6"),
                Some("H6"),
                Some("H9"),
            ]),
        ),
        (
            "kind",
            kinds(&[
                Some("head"),
                Some("child;dependant"),
                Some("child"),
                Some("head"),
                Some("child"),
                Some("head"),
                Some("child"),
                Some("head"),
                Some("head"),
                Some("other"),
                Some("head"),
                Some("child"),
                Some("head"),
            ]),
        ),
        (
            "start_date",
            dates(&[
                None,
                Some("2020-05-01"),
                None,
                None,
                None,
                None,
                Some("2024-01-01"),
                None,
                None,
                None,
                None,
                None,
                None,
            ]),
        ),
        (
            "end_date",
            dates(&[
                None,
                None,
                None,
                None,
                None,
                None,
                Some("2023-01-01"),
                None,
                None,
                None,
                None,
                Some("2027-01-01"),
                None,
            ]),
        ),
        (
            "birthdate",
            dates(&[
                Some("1990-01-01"),
                Some("2020-05-01"),
                Some("2022-01-01"),
                Some("1980-01-01"),
                Some("2015-01-01"),
                Some("1980-01-01"),
                Some("2015-01-01"),
                None,
                Some("1970-01-01"),
                Some("1980-01-01"),
                Some("1985-06-30"),
                Some("2019-02-28"),
                Some("1970-01-01"),
            ]),
        ),
        (
            "disabled",
            bools(&[
                Some(false),
                None,
                Some(true),
                Some(false),
                None,
                Some(false),
                Some(false),
                Some(false),
                Some(false),
                Some(false),
                Some(false),
                Some(true),
                Some(false),
            ]),
        ),
    ])
}

/// A directory with the registry as CSV and one with it as Parquet.
fn both() -> (tempfile::TempDir, tempfile::TempDir) {
    let csv = tempfile::tempdir().unwrap();
    std::fs::write(csv.path().join("groups.csv"), GROUPS_CSV).unwrap();
    std::fs::write(csv.path().join("members.csv"), MEMBERS_CSV).unwrap();
    let pq = tempfile::tempdir().unwrap();
    write(&pq.path().join("groups.parquet"), &typed_groups());
    write(&pq.path().join("members.parquet"), &typed_members());
    (csv, pq)
}

#[test]
fn the_same_registry_in_csv_and_parquet_gives_the_same_units_decisions_and_errors() {
    let (csv, pq) = both();
    let p = program("child_grant");
    for join in [
        entitle_registry::JoinMode::Sorted,
        entitle_registry::JoinMode::Indexed,
    ] {
        let options = SourceOptions {
            join,
            ..Default::default()
        };
        let from_csv = read_all(open_files(csv.path(), &p, &options).unwrap(), &p, 0);
        let source = open_files(pq.path(), &p, &options).unwrap();
        assert!(
            source
                .describe()
                .ends_with("(groups.parquet, members.parquet)"),
            "{}",
            source.describe()
        );
        let from_parquet = read_all(source, &p, 1);
        assert_eq!(from_csv, from_parquet);
        // The registry exercises what it should: decisions, and each kind of row error.
        for code in ["G0102", "G0106", "G0108", "G0105", "G0107"] {
            assert!(from_parquet.contains(code), "{code}: {from_parquet}");
        }
        assert!(from_parquet.contains("\"H1\""), "{from_parquet}");
    }
}

/// The text of each cell of an individuals file, by id.
fn texts(dir: &Path, file: &str, columns: &[&str]) -> HashMap<String, Found> {
    let files = RegistryFiles {
        units: dir.join(file),
        members: None,
    };
    let l = Lookup {
        columns: columns.iter().map(|c| (c.to_string(), false)).collect(),
        kind: "head".into(),
        as_of: as_of(),
    };
    lookup(&files, &l).unwrap()
}

fn values(found: &HashMap<String, Found>, id: &str) -> Vec<Option<String>> {
    found[id].values.clone()
}

fn some(v: &[&str]) -> Vec<Option<String>> {
    v.iter()
        .map(|s| (!s.is_empty()).then(|| s.to_string()))
        .collect()
}

#[test]
fn each_type_reads_as_the_text_a_csv_file_would_hold() {
    let dir = tempfile::tempdir().unwrap();
    let big = Decimal256Array::from(vec![
        Some(I256::from_i128(-123_456_789_012_345_678_901_234_567)),
        None,
    ])
    .with_precision_and_scale(40, 4)
    .unwrap();
    let mut tags = ListBuilder::new(StringBuilder::new());
    tags.values().append_value(" head ");
    tags.values().append_null();
    tags.values().append_value("");
    tags.values().append_value("spouse");
    tags.append(true);
    tags.append(true); // an empty list
    let b = batch(vec![
        ("id", strings(&[Some("P1"), Some("P2")])),
        ("text", strings(&[Some("  North  "), Some("   ")])),
        (
            "large",
            Arc::new(LargeStringArray::from(vec![Some("a b"), None])),
        ),
        (
            "view",
            Arc::new(StringViewArray::from(vec![
                Some("a string longer than twelve bytes"),
                Some("x"),
            ])),
        ),
        ("small", Arc::new(Int16Array::from(vec![Some(-7), Some(0)]))),
        (
            "count",
            Arc::new(UInt32Array::from(vec![Some(4_000_000_000), None])),
        ),
        (
            "float",
            Arc::new(Float64Array::from(vec![Some(0.1), Some(1500.5)])),
        ),
        (
            "float32",
            Arc::new(Float32Array::from(vec![Some(0.1), Some(-3.0)])),
        ),
        (
            "tiny",
            Arc::new(Float64Array::from(vec![Some(1e-7), Some(2.5e15)])),
        ),
        (
            "money",
            Arc::new(
                Decimal128Array::from(vec![Some(150_050), Some(-5)])
                    .with_precision_and_scale(12, 2)
                    .unwrap(),
            ),
        ),
        (
            "whole",
            Arc::new(
                Decimal128Array::from(vec![Some(15), Some(0)])
                    .with_precision_and_scale(10, 0)
                    .unwrap(),
            ),
        ),
        ("big", Arc::new(big)),
        ("day", dates(&[Some("2020-05-01"), Some("1969-12-31")])),
        (
            "day64",
            Arc::new(Date64Array::from(vec![
                Some(i64::from(days("2026-03-01")) * 86_400_000),
                None,
            ])),
        ),
        ("flag", bools(&[Some(true), Some(false)])),
        ("tags", Arc::new(tags.finish())),
    ]);
    write(&dir.path().join("individuals.parquet"), &b);
    let columns = [
        "text", "large", "view", "small", "count", "float", "float32", "tiny", "money", "whole",
        "big", "day", "day64", "flag", "tags",
    ];
    let found = texts(dir.path(), "individuals.parquet", &columns);
    assert_eq!(
        values(&found, "P1"),
        some(&[
            "North",
            "a b",
            "a string longer than twelve bytes",
            "-7",
            "4000000000",
            "0.1",
            "0.1",
            "0.0000001",
            "1500.50",
            "15",
            "-12345678901234567890123.4567",
            "2020-05-01",
            "2026-03-01",
            "true",
            "head;spouse",
        ])
    );
    assert_eq!(
        values(&found, "P2"),
        some(&[
            "",
            "",
            "x",
            "0",
            "",
            "1500.5",
            "-3",
            "2500000000000000",
            "-0.05",
            "0",
            "",
            "1969-12-31",
            "",
            "false",
            "",
        ])
    );
    assert_eq!((found["P1"].line, found["P2"].line), (1, 2));
}

/// A tiny individual program with a number input, to see how numbers bind.
const SCORE_PROGRAM: &str = r#"program scores "Scores" version "1"
  target individual
  currency KES

inputs
  person.score: number "Score"

eligible when
  low "Score below ten" score < 10

entitlement
  cash base "Base" KES 100
"#;

#[test]
fn floats_bind_as_their_shortest_decimal_and_nan_is_a_row_error() {
    let p = entitle_core::Program::compile(SCORE_PROGRAM).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let b = batch(vec![
        (
            "id",
            strings(&[Some("P1"), Some("P2"), Some("P3"), Some("P4")]),
        ),
        (
            "score",
            Arc::new(Float64Array::from(vec![
                Some(0.1),
                Some(f64::NAN),
                Some(1500.5),
                Some(f64::INFINITY),
            ])),
        ),
    ]);
    write(&dir.path().join("individuals.parquet"), &b);
    let mut source = open_files(dir.path(), &p, &SourceOptions::default()).unwrap();
    let chunk = source.next_chunk(100).unwrap().unwrap();
    assert_eq!(chunk.lines, [1, 3]);
    let errors: Vec<(u64, Option<&str>, &str)> = chunk
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref(), e.code))
        .collect();
    assert_eq!(
        errors,
        [(2, Some("score"), "G0101"), (4, Some("score"), "G0101")]
    );
    let result = p.run(&chunk.batch, as_of(), &Default::default());
    assert_eq!(
        (
            format!("{:?}", result.status(0)),
            format!("{:?}", result.status(1))
        ),
        ("Eligible".to_string(), "NotEligible".to_string())
    );
    // The same cells written as CSV decide the same.
    let csv = tempfile::tempdir().unwrap();
    std::fs::write(
        csv.path().join("individuals.csv"),
        "id,score\nP1,0.1\nP2,NaN\nP3,1500.5\nP4,inf\n",
    )
    .unwrap();
    let from_csv = read_all(
        open_files(csv.path(), &p, &SourceOptions::default()).unwrap(),
        &p,
        0,
    );
    let from_parquet = read_all(
        open_files(dir.path(), &p, &SourceOptions::default()).unwrap(),
        &p,
        1,
    );
    let codes = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| !l.starts_with("error"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(codes(&from_csv), codes(&from_parquet));
}

#[test]
fn columns_the_program_does_not_use_are_never_read() {
    let (_csv, pq) = both();
    // Extra columns of types that cannot be read at all: a struct, binary, a timestamp.
    let mut columns: Vec<(String, ArrayRef)> = Vec::new();
    let g = typed_groups();
    let schema = g.schema();
    for (f, c) in schema.fields().iter().zip(g.columns()) {
        columns.push((f.name().clone(), Arc::clone(c)));
    }
    let n = g.num_rows();
    let nested = StructArray::from(vec![(
        Arc::new(Field::new("inner", DataType::Int64, true)),
        Arc::new(Int64Array::from(vec![1; n])) as ArrayRef,
    )]);
    columns.push(("address".into(), Arc::new(nested)));
    columns.push((
        "photo".into(),
        Arc::new(BinaryArray::from(vec![b"\xff\xfe".as_slice(); n])),
    ));
    columns.push((
        "updated_at".into(),
        Arc::new(TimestampMillisecondArray::from(vec![0; n])),
    ));
    let wide = batch(
        columns
            .iter()
            .map(|(n, c)| (n.as_str(), Arc::clone(c)))
            .collect(),
    );
    write(&pq.path().join("groups.parquet"), &wide);
    let p = program("child_grant");
    let mut source = open_files(pq.path(), &p, &SourceOptions::default()).unwrap();
    let mut units = 0;
    while let Some(chunk) = source.next_chunk(100).unwrap() {
        units += chunk.batch.len();
    }
    assert_eq!(units, 4);
}

fn open_error(dir: &Path, program: &entitle_core::Program) -> entitle_registry::RegistryError {
    match open_files(dir, program, &SourceOptions::default()) {
        Ok(mut s) => loop {
            match s.next_chunk(100) {
                Ok(Some(_)) => {}
                Ok(None) => panic!("the registry was read to its end"),
                Err(e) => break e,
            }
        },
        Err(e) => e,
    }
}

#[test]
fn a_missing_or_duplicate_column_stops_as_in_csv() {
    let (_csv, pq) = both();
    let p = program("child_grant");
    let g = typed_groups();
    let mut fields: Vec<Field> = g
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields[1] = fields[1].clone().with_name("regoin");
    let renamed = RecordBatch::try_new(
        Arc::new(arrow_schema::Schema::new(fields.clone())),
        g.columns().to_vec(),
    )
    .unwrap();
    write(&pq.path().join("groups.parquet"), &renamed);
    let e = open_error(pq.path(), &p);
    assert_eq!(e.code(), "G0004");
    assert!(
        e.to_string().ends_with(
            "groups.parquet:1: the header lacks a column the program needs: `region` (did you mean `regoin`?)"
        ),
        "{e}"
    );
    fields[1] = fields[1].clone().with_name("monthly_income");
    let twice = RecordBatch::try_new(
        Arc::new(arrow_schema::Schema::new(fields)),
        g.columns().to_vec(),
    );
    write(&pq.path().join("groups.parquet"), &twice.unwrap());
    let e = open_error(pq.path(), &p);
    assert_eq!(e.code(), "G0005", "{e}");
    assert!(
        e.to_string()
            .ends_with("the column `monthly_income` appears twice in the header"),
        "{e}"
    );
}

#[test]
fn a_used_column_of_a_type_that_cannot_be_read_stops_naming_it() {
    let (_csv, pq) = both();
    let p = program("child_grant");
    let m = typed_members();
    let mut columns: Vec<(String, ArrayRef)> = m
        .schema()
        .fields()
        .iter()
        .zip(m.columns())
        .map(|(f, c)| (f.name().clone(), Arc::clone(c)))
        .collect();
    columns[5].1 = Arc::new(TimestampMillisecondArray::from(vec![0; m.num_rows()]));
    write(
        &pq.path().join("members.parquet"),
        &batch(
            columns
                .iter()
                .map(|(n, c)| (n.as_str(), Arc::clone(c)))
                .collect(),
        ),
    );
    let e = open_error(pq.path(), &p);
    assert_eq!(e.code(), "G0008");
    let text = e.to_string();
    assert!(
        text.contains("members.parquet")
            && text.contains("`birthdate`")
            && text.contains("Timestamp")
            && text.contains("DATE"),
        "{text}"
    );
}

#[test]
fn a_file_that_is_not_parquet_stops_with_its_name() {
    let (_csv, pq) = both();
    let p = program("child_grant");
    let path = pq.path().join("groups.parquet");
    let good = std::fs::read(&path).unwrap();
    // Random bytes.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(&path, &noise).unwrap();
    let e = open_error(pq.path(), &p);
    assert_eq!(e.code(), "G0006", "{e}");
    assert!(e.to_string().contains("groups.parquet"), "{e}");
    // Truncated: the footer is gone.
    std::fs::write(&path, &good[..good.len() / 2]).unwrap();
    let e = open_error(pq.path(), &p);
    assert_eq!(e.code(), "G0006", "{e}");
    assert!(e.to_string().contains("groups.parquet"), "{e}");
    // Empty.
    std::fs::write(&path, b"").unwrap();
    let e = open_error(pq.path(), &p);
    assert!(e.to_string().contains("groups.parquet"), "{e}");
    // Corrupt pages: the footer is intact, the data between is not. Every byte flipped in turn
    // either still reads or stops with an error naming the file.
    for at in (4..good.len().saturating_sub(8)).step_by(7) {
        let mut bad = good.clone();
        bad[at] ^= 0x5A;
        std::fs::write(&path, &bad).unwrap();
        if let Ok(mut s) = open_files(pq.path(), &p, &SourceOptions::default()) {
            loop {
                match s.next_chunk(100) {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(e) => {
                        assert!(e.to_string().contains("groups.parquet"), "{e}");
                        break;
                    }
                }
            }
        }
    }
}

#[test]
fn a_bad_date_in_a_text_column_is_a_row_error_at_its_row() {
    let (_csv, pq) = both();
    let p = program("child_grant");
    let m = typed_members();
    let mut columns: Vec<(String, ArrayRef)> = m
        .schema()
        .fields()
        .iter()
        .zip(m.columns())
        .map(|(f, c)| (f.name().clone(), Arc::clone(c)))
        .collect();
    let mut birthdates: Vec<Option<&str>> = vec![Some("1990-01-01"); m.num_rows()];
    birthdates[2] = Some("31/02/1985");
    columns[5].1 = strings(&birthdates);
    write(
        &pq.path().join("members.parquet"),
        &batch(
            columns
                .iter()
                .map(|(n, c)| (n.as_str(), Arc::clone(c)))
                .collect(),
        ),
    );
    let mut source = open_files(pq.path(), &p, &SourceOptions::default()).unwrap();
    let mut errors = Vec::new();
    while let Some(chunk) = source.next_chunk(100).unwrap() {
        errors.extend(chunk.errors);
    }
    let bad: Vec<_> = errors
        .iter()
        .filter(|e| e.code == "G0101")
        .map(|e| (&*e.file, e.line, e.column.as_deref(), e.unit_id.as_deref()))
        .collect();
    assert_eq!(
        bad,
        [(
            &*pq.path().join("members.parquet").display().to_string(),
            3,
            Some("birthdate"),
            Some("H1")
        )]
    );
}

#[test]
fn many_row_groups_and_batches_are_read_whole_with_their_row_numbers() {
    const N: usize = 20_000;
    let p = program("old_age_pension");
    let dir = tempfile::tempdir().unwrap();
    // Rows without an id at batch (8192) and row-group (3000) boundaries.
    let holes = [1, 3000, 3001, 8192, 8193, 16_384, 16_385, N];
    let ids: Vec<Option<String>> = (1..=N)
        .map(|i| (!holes.contains(&i)).then(|| format!("P{i:05}")))
        .collect();
    let birth: Vec<Option<i32>> = (0..N).map(|i| Some(-(i as i32) % 30_000)).collect();
    let b = batch(vec![
        ("id", Arc::new(StringArray::from(ids))),
        ("birthdate", Arc::new(Date32Array::from(birth))),
    ]);
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(Default::default()))
        .set_max_row_group_row_count(Some(3000))
        .build();
    write_with(&dir.path().join("individuals.parquet"), &b, props);
    let mut source = open_files(dir.path(), &p, &SourceOptions::default()).unwrap();
    let mut lines = Vec::new();
    let mut error_lines = Vec::new();
    let mut decided = 0;
    while let Some(chunk) = source.next_chunk(1000).unwrap() {
        let result = p.run(&chunk.batch, as_of(), &Default::default());
        for (i, line) in chunk.lines.iter().enumerate() {
            // The unit of row n has id Pn.
            assert_eq!(result.unit_id(i), format!("P{line:05}"));
        }
        decided += result.len();
        lines.extend(chunk.lines);
        error_lines.extend(chunk.errors.iter().map(|e| (e.line, e.code)));
    }
    assert_eq!(decided, N - holes.len());
    let want: Vec<u64> = (1..=N as u64)
        .filter(|i| !holes.contains(&(*i as usize)))
        .collect();
    assert_eq!(lines, want);
    assert_eq!(error_lines, holes.map(|h| (h as u64, "G0105")).to_vec());
    let counts = source.counts();
    assert_eq!(
        (counts.units, counts.decided, counts.unit_errors),
        (N as u64, (N - holes.len()) as u64, holes.len() as u64)
    );
    let progress = source.progress().unwrap();
    assert_eq!(Some(progress.done), progress.total);
}

#[test]
fn uncompressed_and_gzip_files_read() {
    let (_csv, pq) = both();
    let p = program("child_grant");
    let props = WriterProperties::builder()
        .set_compression(Compression::UNCOMPRESSED)
        .build();
    write_with(&pq.path().join("groups.parquet"), &typed_groups(), props);
    let props = WriterProperties::builder()
        .set_compression(Compression::GZIP(Default::default()))
        .build();
    write_with(&pq.path().join("members.parquet"), &typed_members(), props);
    let mut source = open_files(pq.path(), &p, &SourceOptions::default()).unwrap();
    while source.next_chunk(100).unwrap().is_some() {}
    assert_eq!(source.counts().decided, 4);
}

#[test]
fn a_codec_this_build_lacks_stops_at_open_naming_it() {
    use parquet::file::metadata::{ParquetMetaDataReader, ParquetMetaDataWriter};
    let (_csv, pq) = both();
    let p = program("child_grant");
    let path = pq.path().join("groups.parquet");
    // This build cannot write LZ4 either: the footer of an uncompressed file is rewritten to say
    // that its `region` column is LZ4-compressed.
    let props = WriterProperties::builder()
        .set_compression(Compression::UNCOMPRESSED)
        .build();
    write_with(&path, &typed_groups(), props);
    let bytes = std::fs::read(&path).unwrap();
    let footer = u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap());
    let data = &bytes[..bytes.len() - 8 - footer as usize];
    let file = std::fs::File::open(&path).unwrap();
    let metadata = ParquetMetaDataReader::new()
        .parse_and_finish(&file)
        .unwrap();
    let mut builder = metadata.into_builder();
    let groups = builder
        .take_row_groups()
        .into_iter()
        .map(|rg| {
            let columns = rg
                .columns()
                .iter()
                .map(|c| {
                    if c.column_path().string() == "region" {
                        c.clone()
                            .into_builder()
                            .set_compression(Compression::LZ4)
                            .build()
                            .unwrap()
                    } else {
                        c.clone()
                    }
                })
                .collect();
            rg.into_builder()
                .set_column_metadata(columns)
                .build()
                .unwrap()
        })
        .collect();
    let metadata = builder.set_row_groups(groups).build();
    let mut rewritten = data.to_vec();
    ParquetMetaDataWriter::new(&mut rewritten, &metadata)
        .finish()
        .unwrap();
    std::fs::write(&path, &rewritten).unwrap();
    let e = open_error(pq.path(), &p);
    assert_eq!(e.code(), "G0008", "{e}");
    let text = e.to_string();
    assert!(
        text.contains("groups.parquet") && text.contains("`region`") && text.contains("LZ4"),
        "{text}"
    );
    // A program that does not read the column reads the file.
    let pension = tempfile::tempdir().unwrap();
    std::fs::copy(&path, pension.path().join("individuals.parquet")).unwrap();
    let found = texts(pension.path(), "individuals.parquet", &["household_size"]);
    assert_eq!(values(&found, "H1"), some(&["3"]));
}

#[test]
fn dictionary_and_plain_strings_read_alike() {
    let dir = tempfile::tempdir().unwrap();
    let dict: DictionaryArray<Int32Type> = [Some(" East "), None, Some("East"), Some("")]
        .into_iter()
        .collect();
    let b = batch(vec![
        ("id", strings(&[Some("A"), Some("B"), Some("C"), Some("D")])),
        ("region", Arc::new(dict)),
    ]);
    write(&dir.path().join("individuals.parquet"), &b);
    let found = texts(dir.path(), "individuals.parquet", &["region"]);
    let got: Vec<_> = ["A", "B", "C", "D"]
        .iter()
        .map(|id| values(&found, id)[0].clone())
        .collect();
    assert_eq!(
        got,
        [
            Some("East".to_string()),
            None,
            Some("East".to_string()),
            None
        ]
    );
    assert!(matches!(b.column(1).data_type(), DataType::Dictionary(..)));
}
