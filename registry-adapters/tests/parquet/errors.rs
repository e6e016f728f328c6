//! What stops a Parquet read: missing columns, types that cannot be read, broken files, codecs.

use arrow_array::{ArrayRef, RecordBatch, TimestampMillisecondArray};
use arrow_schema::Field;
use entitle_registry::{open_files, SourceOptions};
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::sync::Arc;

use super::support::*;

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

/// A Parquet file of only a footer (`PAR1`, the footer's Thrift bytes, their length, `PAR1`).
fn footer_only(footer: &[u8]) -> Vec<u8> {
    let len = u32::try_from(footer.len()).unwrap().to_le_bytes();
    [b"PAR1".as_slice(), footer, &len, b"PAR1"].concat()
}

/// A Thrift compact-protocol varint.
fn varint(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

/// Footers whose lists declare billions of elements that are not there. With `parquet` 59.3 the
/// first kept the reader skipping booleans, which it read as taking no bytes, for hours (found by
/// the `registry_parquet` fuzz target; 60.2 skips a list's booleans as the bytes they are). The
/// second must be refused before room is made for its elements, hundreds of gigabytes (an
/// allocation failure aborts the process, which no `catch_unwind` stops); 59.3 already did. Both
/// stop at once, with the file's name.
#[test]
fn a_footer_that_declares_lists_longer_than_the_file_stops_at_once() {
    let (_csv, pq) = both();
    let p = program("child_grant");
    let path = pq.path().join("groups.parquet");
    let huge = varint(0x7fff_ffff);
    // Field 15 (unknown, so skipped) of type list: 600 lists of 2^31 - 1 booleans, none written.
    let mut skipped = vec![0xF9, 0xF9];
    skipped.extend(varint(600));
    for _ in 0..600 {
        skipped.push(0xF1);
        skipped.extend(&huge);
    }
    skipped.push(0);
    // Field 2 (the schema), a list of 2^31 - 1 structs, none written.
    let mut schema = vec![0x29, 0xFC];
    schema.extend(&huge);
    schema.push(0);
    for footer in [skipped, schema] {
        std::fs::write(&path, footer_only(&footer)).unwrap();
        let (dir, program) = (pq.path().to_path_buf(), p.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(open_error(&dir, &program));
        });
        // Not a measure of speed: a reader that has not stopped after a minute never will here.
        let e = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the reader is still skipping elements the footer only declares");
        assert_eq!(e.code(), "G0006", "{e}");
        assert!(e.to_string().contains("groups.parquet"), "{e}");
    }
}

/// A column of plain bytes whose embedded Arrow schema says text: the `parquet` crate decodes it
/// into a text array without checking that it is UTF-8 (it checks only columns its footer marks
/// as text), and a date cell that is not UTF-8 made date parsing panic (found by the
/// `registry_parquet` fuzz target). The reader checks the columns it uses and stops with the
/// file's name and the batch's first row.
#[test]
fn bytes_that_an_embedded_schema_calls_text_are_checked_as_utf8() {
    use arrow_array::{Array, BinaryArray};
    use arrow_schema::{DataType, Schema};
    use parquet::arrow::arrow_writer::ArrowWriterOptions;
    use parquet::arrow::{encode_arrow_schema, ArrowWriter};
    use parquet::file::metadata::KeyValue;

    let (_csv, pq) = both();
    let p = program("child_grant");
    let m = typed_members();
    let at = m.schema().index_of("birthdate").unwrap();
    let n = m.num_rows();
    // Ten bytes each, like a date; the second row's are not UTF-8 (0xC0 starts no character).
    let mut cells = vec![b"1990-01-01".to_vec(); n];
    cells[1] = b"1\xC09-01-01x".to_vec();
    let bytes: ArrayRef = Arc::new(BinaryArray::from_iter_values(&cells));
    let mut columns = m.columns().to_vec();
    columns[at] = bytes;
    let mut fields: Vec<Field> = m
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields[at] = Field::new("birthdate", DataType::Binary, true);
    let written = RecordBatch::try_new(Arc::new(Schema::new(fields.clone())), columns).unwrap();
    // The schema the file claims: text where it holds bytes.
    fields[at] = Field::new("birthdate", DataType::Utf8, true);
    let claimed = encode_arrow_schema(&Schema::new(fields));
    let props = WriterProperties::builder()
        .set_key_value_metadata(Some(vec![KeyValue::new("ARROW:schema".into(), claimed)]))
        .build();
    let options = ArrowWriterOptions::new()
        .with_properties(props)
        .with_skip_arrow_metadata(true);
    let path = pq.path().join("members.parquet");
    let file = std::fs::File::create(&path).unwrap();
    let mut w = ArrowWriter::try_new_with_options(file, written.schema(), options).unwrap();
    w.write(&written).unwrap();
    w.close().unwrap();
    assert_eq!(written.column(at).len(), n);
    let e = open_error(pq.path(), &p);
    assert_eq!(e.code(), "G0006", "{e}");
    let text = e.to_string();
    // Row 1: the first row of the batch that holds the broken cell.
    assert!(
        text.contains("members.parquet:1: the Parquet data cannot be read"),
        "{text}"
    );
    if cfg!(debug_assertions) {
        // Built with debug assertions, the crate checks the arrays it builds and panics, which
        // the reader turns into this error; scripts/test-reliability.sh runs this test in a
        // release build too, where the reader's own check is what stops it.
        assert!(text.ends_with("(the reader failed on it)"), "{text}");
    } else {
        assert!(text.contains("Invalid UTF8 sequence"), "{text}");
    }
}
