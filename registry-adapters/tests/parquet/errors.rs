//! What stops a Parquet read: missing columns, types that cannot be read, broken files, codecs.

use arrow_array::{ArrayRef, RecordBatch, TimestampMillisecondArray};
use arrow_schema::Field;
use entitle_registry::{open_files, SourceOptions};
use parquet::basic::Compression;
use parquet::file::metadata::{
    ColumnChunkMetaData, ColumnChunkMetaDataBuilder, ParquetMetaData, ParquetMetaDataReader,
    ParquetMetaDataWriter,
};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
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
    // A timestamp in a time zone other than UTC: midnight there is another instant in UTC, and
    // the day is not guessed (without a zone, or in UTC, it is read: reading.rs).
    columns[5].1 = Arc::new(
        TimestampMillisecondArray::from(vec![0; m.num_rows()]).with_timezone("Africa/Nairobi"),
    );
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
    let (_csv, pq) = both();
    let p = program("child_grant");
    let path = pq.path().join("groups.parquet");
    // This build cannot write LZ4 either: the footer of an uncompressed file is rewritten to say
    // that its `region` column is LZ4-compressed.
    let props = WriterProperties::builder()
        .set_compression(Compression::UNCOMPRESSED)
        .build();
    write_with(&path, &typed_groups(), props);
    let (data, metadata) = data_and_footer(&path);
    write_parquet(&path, data, metadata, |_, _, c| {
        let chunk = c.clone().into_builder();
        if c.column_path().string() == "region" {
            chunk.set_compression(Compression::LZ4)
        } else {
            chunk
        }
    });
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
    use arrow_array::BinaryArray;
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
    let e = open_error(pq.path(), &p);
    assert_eq!(e.code(), "G0006", "{e}");
    let text = e.to_string();
    // Row 1: the first row of the batch that holds the broken cell.
    assert!(
        text.contains("members.parquet:1: the Parquet data cannot be read"),
        "{text}"
    );
    // The reader's own check, not a panic of the crate: the workspace builds `parquet` without
    // debug assertions even in tests (Cargo.toml), as users' builds are.
    assert!(text.contains("Invalid UTF8 sequence"), "{text}");
}

/// Reads the Thrift compact-protocol varint at `bytes[*at..]`.
fn read_varint(bytes: &[u8], at: &mut usize) -> u64 {
    let mut n = 0;
    for shift in (0..64).step_by(7) {
        let b = bytes[*at];
        *at += 1;
        n |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
    }
    n
}

fn zigzag(v: i64) -> Vec<u8> {
    varint(((v << 1) ^ (v >> 63)) as u64)
}

/// An i32 field in the short form (0x15: the id after the last one), then its value.
fn int_field(v: i64) -> Vec<u8> {
    [vec![0x15], zigzag(v)].concat()
}

/// The bytes of the Parquet file at `path` before its footer, and its footer.
fn data_and_footer(path: &std::path::Path) -> (Vec<u8>, ParquetMetaData) {
    let bytes = std::fs::read(path).unwrap();
    let footer = u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap());
    let file = std::fs::File::open(path).unwrap();
    let metadata = ParquetMetaDataReader::new()
        .parse_and_finish(&file)
        .unwrap();
    (
        bytes[..bytes.len() - 8 - footer as usize].to_vec(),
        metadata,
    )
}

/// Writes `data` then `metadata` to `path` as a Parquet file, each column chunk's metadata
/// changed by `change(row group, leaf, chunk)`.
fn write_parquet(
    path: &std::path::Path,
    mut data: Vec<u8>,
    metadata: ParquetMetaData,
    change: impl Fn(usize, usize, &ColumnChunkMetaData) -> ColumnChunkMetaDataBuilder,
) {
    let mut builder = metadata.into_builder();
    let groups = builder
        .take_row_groups()
        .into_iter()
        .enumerate()
        .map(|(g, rg)| {
            let columns = rg
                .columns()
                .iter()
                .enumerate()
                .map(|(i, c)| change(g, i, c).build().unwrap())
                .collect();
            rg.into_builder()
                .set_column_metadata(columns)
                .build()
                .unwrap()
        })
        .collect();
    let metadata = builder.set_row_groups(groups).build();
    ParquetMetaDataWriter::new(&mut data, &metadata)
        .finish()
        .unwrap();
    std::fs::write(path, &data).unwrap();
}

/// Rewrites the Parquet file at `path`: the first page header of the column `column` in row group
/// `group` becomes `header(type, uncompressed size, compressed size)` followed by the rest of the
/// old header, and the footer's offsets and sizes move to match. Returns the page's sizes.
fn rewrite_page_header(
    path: &std::path::Path,
    column: &str,
    group: usize,
    header: impl Fn(i64, i64, i64) -> Vec<u8>,
) -> (i64, i64) {
    let (data, metadata) = data_and_footer(path);
    let leaf = (0..metadata.file_metadata().schema_descr().num_columns())
        .find(|&i| metadata.row_group(group).column(i).column_path().string() == column)
        .unwrap();
    let chunk = metadata.row_group(group).column(leaf);
    let start = chunk
        .dictionary_page_offset()
        .unwrap_or(chunk.data_page_offset()) as usize;
    // Type, uncompressed size, compressed size: short-form i32 fields, as writers write them.
    let mut at = start;
    let mut sizes = Vec::new();
    for _ in 0..3 {
        assert_eq!(data[at], 0x15, "a short-form i32 field");
        at += 1;
        let v = read_varint(&data, &mut at);
        sizes.push((v >> 1) as i64 ^ -((v & 1) as i64));
    }
    let new = header(sizes[0], sizes[1], sizes[2]);
    let grown = new.len() as i64 - (at - start) as i64;
    assert!(
        grown > 0,
        "the offsets must move for the rewriting to be tested"
    );
    let rewritten = [&data[..start], &new, &data[at..]].concat();
    let moved = |o: i64| if o > start as i64 { o + grown } else { o };
    write_parquet(path, rewritten, metadata, |g, i, c| {
        let size = c.compressed_size() + if (g, i) == (group, leaf) { grown } else { 0 };
        c.clone()
            .into_builder()
            .set_data_page_offset(moved(c.data_page_offset()))
            .set_dictionary_page_offset(c.dictionary_page_offset().map(moved))
            .set_total_compressed_size(size)
    });
    (sizes[1], sizes[2])
}

/// A page that declares two billion bytes uncompressed, in a file of a few kilobytes, Snappy
/// compressed: the `parquet` crate makes room for them and its Snappy codec fills them with zeros
/// (apache/arrow-rs#10734, unfixed in 60.2), then it reads on, the real values being at the front:
/// 2 GB of memory for a 4 KB file, and seconds. The reader reads the page headers of every column
/// chunk it will decode first, and stops with the column's name and the first row of the page's
/// row group, before any room is made.
#[test]
fn a_page_that_declares_gigabytes_uncompressed_stops_before_the_crate_makes_room() {
    let (_csv, pq) = both();
    let p = program("child_grant");
    let path = pq.path().join("members.parquet");
    // Row groups of 5 rows (rows 1, 6 and 11 start them); no statistics and no page index, so
    // that only the footer points into the data.
    let props = || {
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(5))
            .set_statistics_enabled(EnabledStatistics::None)
            .set_offset_index_disabled(true)
            .build()
    };
    write_with(&path, &typed_members(), props());
    let read = |dir: &std::path::Path| {
        read_all(
            open_files(dir, &p, &SourceOptions::default()).unwrap(),
            &p,
            0,
        )
    };
    let expected = read(pq.path());
    // The rewriting is sound: the same sizes, field 2 in the long form (type 5, then id 2), and
    // every offset after it moved, read as before.
    rewrite_page_header(&path, "birthdate", 2, |t, u, c| {
        [int_field(t), vec![0x05], zigzag(2), zigzag(u), int_field(c)].concat()
    });
    assert_eq!(read(pq.path()), expected);

    write_with(&path, &typed_members(), props());
    let (_, compressed) = rewrite_page_header(&path, "birthdate", 2, |t, _, c| {
        [int_field(t), int_field(2_000_000_000), int_field(c)].concat()
    });
    assert!(std::fs::metadata(&path).unwrap().len() < 8192);
    let e = open_error(pq.path(), &p);
    assert_eq!(e.code(), "G0006", "{e}");
    assert_eq!(
        e.to_string(),
        format!(
            "{}:11: the Parquet data cannot be read: a page of the column `birthdate` declares 2000000000 bytes uncompressed from {compressed} compressed (at most 16777216 or 1024 times its compressed size are read)",
            path.display()
        )
    );
}

/// Column chunks that each declare all of the file's data: each lies inside the file and its pages
/// read well, but walking them all reads the file once per chunk, which a footer of thousands of
/// chunks makes hours. Chunks do not overlap, so those read may declare the file's size at most.
#[test]
fn column_chunks_that_declare_more_bytes_than_the_file_holds_stop() {
    use entitle_registry::files::lookup::{lookup, Lookup};
    use entitle_registry::RegistryFiles;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("individuals.parquet");
    let ids: Vec<String> = (0..3000).map(|i| format!("P{:07}", i * 7919)).collect();
    let ids: Vec<Option<&str>> = ids.iter().map(|s| Some(s.as_str())).collect();
    let x = Arc::new(arrow_array::Int64Array::from_iter_values(0..3000));
    let props = WriterProperties::builder()
        .set_statistics_enabled(EnabledStatistics::None)
        .set_offset_index_disabled(true)
        .build();
    write_with(&path, &batch(vec![("id", strings(&ids)), ("x", x)]), props);
    let (data, metadata) = data_and_footer(&path);
    let all = data.len() as i64 - 4;
    write_parquet(&path, data, metadata, |_, _, c| {
        c.clone()
            .into_builder()
            .set_dictionary_page_offset(Some(4))
            .set_total_compressed_size(all)
    });
    let size = std::fs::metadata(&path).unwrap().len() as i64;
    assert!(2 * all > size && all < size, "{all} {size}");
    let files = RegistryFiles {
        units: path.clone(),
        members: None,
    };
    let l = Lookup {
        columns: vec![("x".into(), false)],
        kind: "head".into(),
        as_of: as_of(),
    };
    let e = lookup(&files, &l).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}:1: the Parquet data cannot be read: the column chunks read declare {} bytes up to the column `x`, more than the file holds ({size} bytes)",
            path.display(),
            2 * all
        )
    );
}
