//! The registry of the tests as CSV and as typed Parquet, and how a source is read to text.

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Decimal128Array, DictionaryArray, Float64Array,
    Int64Array, RecordBatch, StringArray,
};
use entitle_registry::files::lookup::{lookup, Found, Lookup};
use entitle_registry::{open_files, RegistryFiles, RegistrySource, RowError, SourceOptions};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

pub fn program(name: &str) -> entitle_core::Program {
    let path = format!(
        "{}/../examples/programs/{name}.entitle",
        env!("CARGO_MANIFEST_DIR")
    );
    entitle_core::Program::compile(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

/// Days from 1970-01-01 to `date` (YYYY-MM-DD).
pub fn days(date: &str) -> i32 {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32
}

pub fn dates(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(Date32Array::from(
        v.iter().map(|d| d.map(days)).collect::<Vec<_>>(),
    ))
}

pub fn strings(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

pub fn bools(v: &[Option<bool>]) -> ArrayRef {
    Arc::new(BooleanArray::from(v.to_vec()))
}

/// A list of texts per row, from `a;b` texts (`None` is a null list).
pub fn kinds(v: &[Option<&str>]) -> ArrayRef {
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

pub fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).unwrap()
}

pub fn write_with(path: &Path, batch: &RecordBatch, props: WriterProperties) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

pub fn write(path: &Path, batch: &RecordBatch) {
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    write_with(path, batch, props);
}

/// Everything a source yields: per chunk its units' ids, lines and evaluation digest, its error
/// records; then the counts. Lines are given as CSV lines (a Parquet row number plus one, for the
/// header line) when `shift` is 1.
pub fn read_all(
    mut source: Box<dyn RegistrySource>,
    p: &entitle_core::Program,
    shift: u64,
) -> String {
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
pub fn error_text(e: &RowError, shift: u64) -> String {
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

pub const GROUPS_CSV: &str = "id,region,monthly_income,enrolled_in_pension,household_size,score
H1,North,5000,false,3,0.1
H2,East,50000.50,true,2,1500.5
H3,East,,false,2,
H4,South,1200.00,,1,-2.25
H5,Central,100,false,1,3
H5,North,100,false,1,3
H6,East,900.05,false,2,0
";

pub const MEMBERS_CSV: &str = "id,group_id,kind,start_date,end_date,birthdate,disabled
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
pub fn typed_groups() -> RecordBatch {
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

pub fn typed_members() -> RecordBatch {
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
pub fn both() -> (tempfile::TempDir, tempfile::TempDir) {
    let csv = tempfile::tempdir().unwrap();
    std::fs::write(csv.path().join("groups.csv"), GROUPS_CSV).unwrap();
    std::fs::write(csv.path().join("members.csv"), MEMBERS_CSV).unwrap();
    let pq = tempfile::tempdir().unwrap();
    write(&pq.path().join("groups.parquet"), &typed_groups());
    write(&pq.path().join("members.parquet"), &typed_members());
    (csv, pq)
}

/// The text of each cell of an individuals file, by id.
pub fn texts(dir: &Path, file: &str, columns: &[&str]) -> HashMap<String, Found> {
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

pub fn values(found: &HashMap<String, Found>, id: &str) -> Vec<Option<String>> {
    found[id].values.clone()
}

pub fn some(v: &[&str]) -> Vec<Option<String>> {
    v.iter()
        .map(|s| (!s.is_empty()).then(|| s.to_string()))
        .collect()
}

/// A tiny individual program with a number input, to see how numbers bind.
pub const SCORE_PROGRAM: &str = r#"program scores "Scores" version "1"
  target individual
  currency KES

inputs
  person.score: number "Score"

eligible when
  low "Score below ten" score < 10

entitlement
  cash base "Base" KES 100
"#;

pub fn open_error(dir: &Path, program: &entitle_core::Program) -> entitle_registry::RegistryError {
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
