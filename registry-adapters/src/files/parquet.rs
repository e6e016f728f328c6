//! Parquet registry files, read with Apache Arrow's `parquet` crate.
//!
//! Only the columns a program uses are read: the file's schema is matched by name as a CSV header
//! is (exactly, else ignoring case), and the reader decodes the matched top-level columns alone
//! ([`ProjectionMask::roots`]), in batches of 8,192 rows. Columns of any type that the program does
//! not use are never decoded.
//!
//! Each cell becomes the text a CSV file would hold, so that binding, error codes and row
//! accounting are those of CSV files:
//!
//! | Arrow type (Parquet logical type) | text |
//! | --- | --- |
//! | Utf8, LargeUtf8, Utf8View (STRING), a dictionary of them | the trimmed text; empty is unknown |
//! | Int8 … Int64, UInt8 … UInt64 (INT) | the decimal number |
//! | Decimal32 … Decimal256 (DECIMAL) | the exact decimal with its scale (`1500.50`) |
//! | Float32, Float64 (FLOAT, DOUBLE) | the shortest text that reads back as the same float (`0.1`); NaN and infinities are a bad value (G0101) |
//! | Date32, Date64 (DATE) | `YYYY-MM-DD` |
//! | Timestamp without a time zone or in UTC (TIMESTAMP), as pandas writes dates | `YYYY-MM-DD` at midnight; a time of day is a bad value (G0101) |
//! | Boolean | `true` or `false` |
//! | List, LargeList of the above (LIST) | the items joined with `;`, as several membership kinds |
//! | Null | unknown |
//!
//! A null is unknown, as an empty CSV cell is. A used column of any other type (timestamps in
//! another time zone, times,
//! binary, structs, maps …) stops the run when the file is opened (G0008), naming the column, its
//! type and what to write instead. A file with no Parquet footer, truncated, with a corrupt page, or
//! compressed with a codec this build lacks (only Snappy, Zstandard and gzip are built in) stops
//! with an error naming the file (G0006 or G0008); never a panic. Before anything is decoded, the
//! page headers of the columns read are checked (`pages`): a page that declares more bytes
//! uncompressed than can be real stops the read (G0006) before room is made for them.
//!
//! Parquet files have no lines: the "line" of a row (in error records and chunks) is its number in
//! the file, from 1, across row groups and batches.

mod cells;
mod epoch_date;
mod pages;
mod render;

use super::rows::{absent_columns, find_columns, Absent, BadCell, Cells, RowStream, Wanted};
use crate::error::RegistryError;
use crate::reason::Reason;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::ArrowError;
use cells::unsupported;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use parquet::basic::Compression;
use render::{render, Rendered};
use std::cell::Cell;
use std::fs::File;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};

/// Rows decoded at a time.
pub(crate) const BATCH_ROWS: usize = 8192;

/// A Parquet file being read.
pub(crate) struct ParquetRows {
    file: Arc<str>,
    path: PathBuf,
    /// `None` once the file is read to its end (or reading failed).
    reader: Option<ParquetRecordBatchReader>,
    /// The column of each wanted column in a decoded batch.
    columns: Vec<Option<usize>>,
    /// The current batch's cells of each wanted column (unused for a column the file lacks).
    rendered: Vec<Rendered>,
    /// Rows in the current batch, and the index of the current row in it.
    batch_rows: usize,
    row: usize,
    /// Rows of the batches before the current one.
    rows_before: u64,
    line: u64,
    total_rows: u64,
    size: Option<u64>,
    /// The optional wanted columns the schema lacks.
    absent: Vec<Absent>,
}

/// The codecs built in.
fn codec_built(c: Compression) -> bool {
    matches!(
        c,
        Compression::UNCOMPRESSED
            | Compression::SNAPPY
            | Compression::GZIP(_)
            | Compression::ZSTD(_)
    )
}

/// A stopping error for a file the `parquet` crate cannot read: the catalogue entry `what`
/// (`G0006.parquet.data` …) with the crate's message, kept as it comes.
fn malformed(
    path: &Path,
    line: u64,
    what: &'static str,
    e: impl std::fmt::Display,
) -> RegistryError {
    RegistryError::Malformed {
        path: path.to_path_buf(),
        line,
        reason: Reason::with(what, &[("detail", &e.to_string())]),
    }
}

thread_local! {
    /// Set while this thread runs the `parquet` crate under [`guarded`].
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Wraps the process's panic hook once so that it stays silent for a panic [`guarded`] catches:
/// the user gets the clear error, not the crate's message and backtrace (which could also quote
/// a file's bytes). Every other panic goes to the hook that was there before.
fn quiet_hook_for_guarded_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic inside the `parquet` crate (on a file it does not expect) into a
/// stopping error: a registry file must never bring the host process down.
fn guarded<T>(
    path: &Path,
    line: u64,
    f: impl FnOnce() -> Result<T, RegistryError>,
) -> Result<T, RegistryError> {
    quiet_hook_for_guarded_panics();
    let outer = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(outer));
    result.unwrap_or_else(|_| {
        Err(RegistryError::Malformed {
            path: path.to_path_buf(),
            line,
            reason: Reason::key("G0006.parquet.failed"),
        })
    })
}

/// The names of a Parquet file's top-level columns, in the file's order (what `entitle import`
/// copies into the store).
///
/// # Errors
/// G0001 (cannot open), G0006 (not a Parquet file, or its footer cannot be read).
#[cfg(feature = "sqlite")]
pub(crate) fn column_names(path: &Path) -> Result<Vec<String>, RegistryError> {
    let (builder, _, _) = footer(path)?;
    Ok(builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().trim().to_string())
        .collect())
}

/// Opens `path` and reads its footer; also gives the same open file, to read page headers from,
/// and the file's size.
fn footer(
    path: &Path,
) -> Result<(ParquetRecordBatchReaderBuilder<File>, File, Option<u64>), RegistryError> {
    let file = File::open(path).map_err(|e| RegistryError::io("open", path, e))?;
    let size = file.metadata().ok().map(|m| m.len());
    let pages = file
        .try_clone()
        .map_err(|e| RegistryError::io("open", path, e))?;
    let builder = guarded(path, 1, || {
        ParquetRecordBatchReaderBuilder::try_new(file)
            .map_err(|e| malformed(path, 1, "G0006.parquet.not_parquet", e))
    })?;
    Ok((builder, pages, size))
}

impl ParquetRows {
    /// Opens `path`, reads its footer and finds the wanted columns.
    ///
    /// # Errors
    /// G0001 (cannot open), G0006 (not a Parquet file, its footer cannot be read, or a page to be
    /// decoded declares a size that is negative, past its column chunk or too large), G0004
    /// (required columns missing), G0005 (a wanted column twice), G0008 (a used column of a type
    /// or codec this build cannot read).
    pub fn open(
        path: &Path,
        display: Arc<str>,
        wanted: &[Wanted],
    ) -> Result<ParquetRows, RegistryError> {
        let (builder, pages_file, size) = footer(path)?;
        let schema = Arc::clone(builder.schema());
        let names: Vec<String> = schema
            .fields()
            .iter()
            .map(|f| f.name().trim().to_string())
            .collect();
        let found = find_columns(path, &names, wanted)?;
        let absent = absent_columns(&names, wanted, &found);
        let mut roots: Vec<usize> = found.iter().flatten().copied().collect();
        roots.sort_unstable();
        roots.dedup();
        // With no wanted column in the file, one column is still decoded, to count its rows.
        let counted = usize::from(roots.is_empty() && !schema.fields().is_empty());
        for &i in &roots {
            let Some(field) = schema.fields().get(i) else {
                continue;
            };
            if let Some(instead) = unsupported(field.data_type()) {
                let args = [
                    ("file", path.display().to_string()),
                    ("column", field.name().to_string()),
                    ("parquet_type", field.data_type().to_string()),
                ];
                let refs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                return Err(RegistryError::Unsupported {
                    reason: Reason::with("G0008.parquet.type", &refs).and_entry("instead", instead),
                });
            }
        }
        // Every codec of the columns read must be built in: say so now, not at some later row.
        let descr = builder.parquet_schema();
        for rg in builder.metadata().row_groups() {
            for (leaf, chunk) in rg.columns().iter().enumerate() {
                if leaf >= descr.num_columns() {
                    break;
                }
                let root = descr.get_column_root_idx(leaf);
                if roots.binary_search(&root).is_ok() && !codec_built(chunk.compression()) {
                    let name = names.get(root).map(String::as_str).unwrap_or("?");
                    let args = [
                        ("file", path.display().to_string()),
                        ("column", name.to_string()),
                        ("codec", chunk.compression().to_string()),
                    ];
                    let refs: Vec<(&str, &str)> =
                        args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    return Err(RegistryError::Unsupported {
                        reason: Reason::with("G0008.parquet.codec", &refs),
                    });
                }
            }
        }
        // The crate trusts the sizes that pages declare (`pages`): every chunk to be decoded has
        // its page headers checked first.
        let decoded: &[usize] = if counted == 1 { &[0] } else { &roots };
        pages::check_pages(path, &pages_file, size, builder.metadata(), decoded, &names)?;
        let total_rows = u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
        let mask = ProjectionMask::roots(
            builder.parquet_schema(),
            roots.iter().copied().chain((0..counted).map(|_| 0)),
        );
        let reader = guarded(path, 1, || {
            builder
                .with_projection(mask)
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(|e| malformed(path, 1, "G0006.parquet.file", e))
        })?;
        // A decoded batch holds the projected columns in the file's order.
        let columns = found
            .iter()
            .map(|f| f.and_then(|i| roots.binary_search(&i).ok()))
            .collect();
        Ok(ParquetRows {
            file: display,
            path: path.to_path_buf(),
            reader: Some(reader),
            columns,
            rendered: (0..wanted.len()).map(|_| Rendered::default()).collect(),
            batch_rows: 0,
            row: 0,
            rows_before: 0,
            line: 0,
            total_rows,
            size,
            absent,
        })
    }

    /// Decodes the next batch; false at the end of the file.
    fn next_batch(&mut self) -> Result<bool, RegistryError> {
        let next_line = self.rows_before + self.batch_rows as u64 + 1;
        let Some(reader) = self.reader.as_mut() else {
            return Ok(false);
        };
        let path = self.path.as_path();
        let batch: Option<RecordBatch> = match guarded(path, next_line, || {
            reader.next().transpose().map_err(|e| {
                let reason = match e {
                    ArrowError::ParquetError(s) => s,
                    other => other.to_string(),
                };
                malformed(path, next_line, "G0006.parquet.data", reason)
            })
        }) {
            Ok(b) => b,
            Err(e) => {
                self.reader = None;
                return Err(e);
            }
        };
        let Some(batch) = batch else {
            self.reader = None;
            return Ok(false);
        };
        // The crate checks that text is UTF-8 only for columns its own footer marks as text: a
        // file whose embedded Arrow schema says text for a column of plain bytes decodes into
        // text arrays that were never checked, and a broken text would later fail where no error
        // is expected (a panic in date parsing, found by fuzzing). So the columns used are checked
        // in full, once per batch: UTF-8, offsets inside the data, dictionary keys in range.
        let used = self
            .columns
            .iter()
            .flatten()
            .filter_map(|c| batch.columns().get(*c));
        for array in used {
            if let Err(e) = guarded(path, next_line, || {
                array
                    .to_data()
                    .validate_full()
                    .map_err(|e| malformed(path, next_line, "G0006.parquet.data", e))
            }) {
                self.reader = None;
                return Err(e);
            }
        }
        let rows = batch.num_rows();
        let rendered = guarded(path, next_line, || {
            for (out, column) in self.rendered.iter_mut().zip(&self.columns) {
                if let Some(c) = column {
                    let array: &ArrayRef = batch.columns().get(*c).ok_or_else(|| {
                        malformed(
                            path,
                            next_line,
                            "G0006.parquet.data",
                            "a column is missing from a decoded batch",
                        )
                    })?;
                    render(array.as_ref(), rows, out);
                }
            }
            Ok(())
        });
        if let Err(e) = rendered {
            self.reader = None;
            return Err(e);
        }
        self.rows_before += self.batch_rows as u64;
        self.batch_rows = rows;
        self.row = 0;
        Ok(true)
    }
}

impl Cells for ParquetRows {
    fn line(&self) -> u64 {
        self.line
    }

    fn problem(&self) -> Option<crate::reason::Reason> {
        // Every Parquet row has every column: no row is malformed on its own.
        None
    }

    fn cell(&self, k: usize) -> Result<Option<&str>, BadCell> {
        match (self.columns.get(k), self.rendered.get(k)) {
            (Some(Some(_)), Some(r)) => r.cell(self.row),
            _ => Ok(None),
        }
    }
}

impl RowStream for ParquetRows {
    fn absent(&self) -> Option<&[Absent]> {
        Some(&self.absent)
    }

    fn file(&self) -> &Arc<str> {
        &self.file
    }

    fn advance(&mut self) -> Result<bool, RegistryError> {
        if self.line > 0 {
            self.row += 1;
        }
        while self.row >= self.batch_rows {
            if !self.next_batch()? {
                return Ok(false);
            }
        }
        self.line = self.rows_before + self.row as u64 + 1;
        Ok(true)
    }

    fn position(&self) -> (u64, Option<u64>) {
        // The share of the rows read, in bytes: a file is read by column, not from start to end.
        let done = match (self.size, self.total_rows) {
            (Some(size), total) if total > 0 => {
                let share = u128::from(size) * u128::from(self.line.min(total)) / u128::from(total);
                u64::try_from(share).unwrap_or(size)
            }
            _ => 0,
        };
        (done, self.size)
    }
}

#[cfg(test)]
mod tests {
    use super::cells::apply_scale;
    use super::epoch_date::push_epoch_date;
    use super::*;
    use arrow_schema::DataType;

    fn dec(digits: &str, scale: i8) -> String {
        // After other text, as in a row's buffer.
        let mut t = format!("cell;{digits}");
        apply_scale(&mut t, 5, scale);
        t.strip_prefix("cell;").unwrap().to_string()
    }

    #[test]
    fn decimals_keep_their_scale() {
        assert_eq!(dec("150050", 2), "1500.50");
        assert_eq!(dec("5", 2), "0.05");
        assert_eq!(dec("-5", 2), "-0.05");
        assert_eq!(dec("-150050", 2), "-1500.50");
        assert_eq!(dec("0", 2), "0.00");
        assert_eq!(dec("12", 0), "12");
        assert_eq!(dec("12", -3), "12000");
        assert_eq!(dec("0", -3), "0");
        assert_eq!(dec("100", 3), "0.100");
    }

    /// A file of one column, `x`, of three rows.
    fn one_column(dir: &Path) -> PathBuf {
        let path = dir.join("individuals.parquet");
        let batch = RecordBatch::try_from_iter([(
            "x",
            Arc::new(arrow_array::Int64Array::from(vec![1, 2, 3])) as ArrayRef,
        )])
        .unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(
            File::create(&path).unwrap(),
            batch.schema(),
            None,
        )
        .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        path
    }

    #[test]
    fn rows_are_counted_when_no_wanted_column_is_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = one_column(dir.path());
        let mut rows = ParquetRows::open(&path, "i".into(), &[Wanted::optional(&["id"])]).unwrap();
        let mut lines = Vec::new();
        while rows.advance().unwrap() {
            assert_eq!(rows.cell(0), Ok(None));
            lines.push(rows.line());
        }
        assert_eq!(lines, [1, 2, 3]);
        assert_eq!(rows.position().0, rows.position().1.unwrap());
    }

    #[test]
    fn the_pages_of_the_column_decoded_to_count_rows_are_checked_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = one_column(dir.path());
        let mut bytes = std::fs::read(&path).unwrap();
        // The first page header, after `PAR1`, ends at its first byte.
        bytes[4] = 0;
        std::fs::write(&path, &bytes).unwrap();
        let e = ParquetRows::open(&path, "i".into(), &[Wanted::optional(&["id"])])
            .err()
            .unwrap();
        assert_eq!(
            e.to_string(),
            format!(
                "{}:1: the Parquet data cannot be read: the page header at byte 4 of the column `x` cannot be read: it lacks the page's sizes",
                path.display()
            )
        );
    }

    #[test]
    fn types_are_read_or_refused_with_advice() {
        use arrow_schema::{Field, TimeUnit};
        let list = |t: DataType| DataType::List(Arc::new(Field::new("item", t, true)));
        let dict = |t: DataType| DataType::Dictionary(Box::new(DataType::Int32), Box::new(t));
        for t in [
            DataType::Utf8,
            DataType::Decimal128(12, 2),
            DataType::Date32,
            dict(DataType::Utf8),
            list(DataType::Utf8),
            list(dict(DataType::Utf8)),
        ] {
            assert_eq!(unsupported(&t), None, "{t}");
        }
        // A timestamp without a time zone (as pandas writes dates) or in UTC is read as its day.
        for zone in [None, Some("UTC"), Some("+00:00")] {
            let t = DataType::Timestamp(TimeUnit::Nanosecond, zone.map(Arc::from));
            assert_eq!(unsupported(&t), None, "{t}");
        }
        let ts = DataType::Timestamp(TimeUnit::Millisecond, Some(Arc::from("Africa/Nairobi")));
        let said = |t: &DataType| unsupported(t).map(|k| Reason::key(k).english());
        assert!(said(&ts).unwrap().contains("DATE"));
        assert!(said(&dict(ts.clone())).unwrap().contains("DATE"));
        assert!(said(&list(ts)).unwrap().contains("list"));
        assert!(unsupported(&list(list(DataType::Utf8))).is_some());
        assert!(said(&DataType::Binary).unwrap().contains("STRING"));
    }

    #[test]
    fn dates_count_from_the_epoch() {
        let text = |days: i64| {
            let mut s = String::new();
            push_epoch_date(&mut s, days).then_some(s)
        };
        assert_eq!(text(0).unwrap(), "1970-01-01");
        assert_eq!(text(-1).unwrap(), "1969-12-31");
        assert_eq!(text(20_513).unwrap(), "2026-03-01");
        assert_eq!(text(i64::MAX), None);
    }
}
