//! What a Parquet registry gives, against the same registry in CSV and type by type.

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, BinaryArray, Date32Array, Date64Array, Decimal128Array, Decimal256Array,
    DictionaryArray, Float32Array, Float64Array, Int16Array, Int64Array, LargeStringArray,
    StringArray, StringViewArray, StructArray, TimestampMillisecondArray, TimestampNanosecondArray,
    UInt32Array,
};
use arrow_schema::{DataType, Field};
type I256 = <arrow_array::types::Decimal256Type as arrow_array::ArrowPrimitiveType>::Native;
use entitle_registry::{open_files, SourceOptions};
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::sync::Arc;

use super::support::*;

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
    // Extra columns of types that cannot be read at all: a struct, binary, a timestamp in a zone.
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
        Arc::new(TimestampMillisecondArray::from(vec![0; n]).with_timezone("Africa/Nairobi")),
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

#[test]
fn an_input_left_at_its_default_is_named_from_the_schema() {
    // `disabled` written `disabeld`: every member would take the default, false.
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("groups.parquet"),
        &batch(vec![
            ("id", strings(&[Some("H1")])),
            ("region", strings(&[Some("North")])),
            ("monthly_income", strings(&[Some("KES 1000")])),
        ]),
    );
    write(
        &dir.path().join("members.parquet"),
        &batch(vec![
            ("id", strings(&[Some("M1")])),
            ("group_id", strings(&[Some("H1")])),
            ("kind", strings(&[Some("child")])),
            ("birthdate", dates(&[Some("2020-01-01")])),
            ("disabeld", bools(&[Some(true)])),
        ]),
    );
    let source = open_files(
        dir.path(),
        &program("child_grant"),
        &SourceOptions::default(),
    )
    .unwrap();
    let absent: Vec<_> = source
        .absent_inputs()
        .into_iter()
        .map(|a| (a.input, a.member, a.default, a.closest))
        .collect();
    assert_eq!(
        absent,
        [
            (
                "enrolled_in_pension".to_string(),
                false,
                "false".to_string(),
                None
            ),
            (
                "disabled".into(),
                true,
                "false".into(),
                Some("disabeld".to_string())
            ),
        ]
    );
}

#[test]
fn dates_written_as_timestamps_at_midnight_read_as_those_dates() {
    // pandas writes a date column as TIMESTAMP(NANOS) without a time zone: each birthdate at
    // midnight reads as its DATE does; one with a time of day is a bad value of its row.
    let (_csv, pq) = both();
    let p = program("child_grant");
    let as_dates = read_all(
        open_files(pq.path(), &p, &SourceOptions::default()).unwrap(),
        &p,
        1,
    );
    let m = typed_members();
    let schema = m.schema();
    let birth = schema
        .fields()
        .iter()
        .position(|f| f.name() == "birthdate")
        .unwrap();
    let days = m
        .column(birth)
        .as_any()
        .downcast_ref::<Date32Array>()
        .unwrap();
    let nanos = |extra: i64| -> ArrayRef {
        Arc::new(TimestampNanosecondArray::from(
            (0..days.len())
                .map(|i| {
                    (!days.is_null(i))
                        .then(|| i64::from(days.value(i)) * 86_400_000_000_000 + extra)
                })
                .collect::<Vec<_>>(),
        ))
    };
    let with = |column: ArrayRef| {
        let columns: Vec<(&str, ArrayRef)> = schema
            .fields()
            .iter()
            .zip(m.columns())
            .enumerate()
            .map(|(k, (f, c))| {
                let c = if k == birth {
                    Arc::clone(&column)
                } else {
                    Arc::clone(c)
                };
                (f.name().as_str(), c)
            })
            .collect();
        write(&pq.path().join("members.parquet"), &batch(columns));
        read_all(
            open_files(pq.path(), &p, &SourceOptions::default()).unwrap(),
            &p,
            1,
        )
    };
    assert_eq!(with(nanos(0)), as_dates);
    let at_ten = with(nanos(36_000_000_000_000));
    assert!(
        at_ten.contains("G0101") && at_ten.contains("the timestamp has a time of day"),
        "{at_ten}"
    );
}
