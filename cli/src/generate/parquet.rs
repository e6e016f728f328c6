//! `entitle generate --format parquet`: groups.parquet and members.parquet, with typed columns.
//!
//! Each column has the type its values have: text ids and names (Parquet STRING), amounts as
//! DECIMAL(14, 2), dates as DATE, truth values as BOOLEAN, counts as INT64. The membership `kind`
//! is text, several kinds separated by `;` as in the CSV file. Files are Snappy-compressed, in row
//! groups of at most 262,144 rows, and written a batch at a time: a population of any size is never
//! held in memory whole.
//!
//! A defect that is a bad text (an amount with a thousands separator or a currency code, `yes` for
//! a truth value, a date in day/month/year form) cannot be held by a typed column: with `--defects`,
//! the columns that carry such defects (`monthly_income`, `enrolled_in_pension`, `start_date`,
//! `birthdate`) are text, holding exactly what the CSV file holds. A short row cannot be written at
//! all (every Parquet row has every column): that group's other cells are left empty instead, so it
//! yields a decision (undetermined, its income unknown) where the CSV file's short row is an error
//! record (G0104). Every other defect reads as it does from CSV.

use super::rows::{money, Cell, Sink, GROUP_COLUMNS, MEMBER_COLUMNS};
use anyhow::{bail, Context, Result};
use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Decimal128Builder, Int64Builder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::Arc;

/// Rows per row group.
const ROW_GROUP_ROWS: usize = 1 << 18;

/// The type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Money,
    Date,
    Bool,
    Int,
}

impl Kind {
    fn data_type(self) -> DataType {
        match self {
            Kind::Text => DataType::Utf8,
            Kind::Money => DataType::Decimal128(14, 2),
            Kind::Date => DataType::Date32,
            Kind::Bool => DataType::Boolean,
            Kind::Int => DataType::Int64,
        }
    }
}

/// The type of each column of `columns` (groups or members); with `defects`, the columns that
/// carry bad texts are text.
fn kinds(columns: &[&str], defects: bool) -> Vec<Kind> {
    columns
        .iter()
        .map(|c| match *c {
            "monthly_income" | "enrolled_in_pension" | "start_date" | "birthdate" if defects => {
                Kind::Text
            }
            "monthly_income" => Kind::Money,
            "start_date" | "end_date" | "birthdate" | "registration_date" => Kind::Date,
            "enrolled_in_pension"
            | "roof_is_permanent"
            | "z_ind_grp_is_hh_with_disabled"
            | "x_cst_grp_is_displaced"
            | "disabled"
            | "employed"
            | "owns_phone"
            | "receives_other_pension" => Kind::Bool,
            "household_size"
            | "z_ind_grp_num_children"
            | "z_ind_grp_num_elderly"
            | "years_of_schooling" => Kind::Int,
            _ => Kind::Text,
        })
        .collect()
}

/// The Arrow schema of the groups or members file.
pub fn schema(members: bool, defects: bool) -> SchemaRef {
    let columns = if members {
        MEMBER_COLUMNS
    } else {
        GROUP_COLUMNS
    };
    let fields: Vec<Field> = columns
        .iter()
        .zip(kinds(columns, defects))
        .map(|(name, kind)| Field::new(*name, kind.data_type(), true))
        .collect();
    Arc::new(Schema::new(fields))
}

/// One column being filled.
enum Column {
    Text(StringBuilder),
    Money(Decimal128Builder),
    Date(Date32Builder),
    Bool(BooleanBuilder),
    Int(Int64Builder),
}

/// Rows of one file as columns: a record batch being built.
pub struct Table {
    schema: SchemaRef,
    columns: Vec<Column>,
    /// Cells that did not fit their column's type (a bug if ever not zero).
    misfits: u64,
}

/// Days from 1970-01-01.
fn days(d: chrono::NaiveDate) -> Option<i32> {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
    i32::try_from((d - epoch).num_days()).ok()
}

impl Table {
    /// An empty table of `schema`.
    pub fn new(schema: &SchemaRef) -> Table {
        let columns = schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Decimal128(p, s) => Column::Money(
                    Decimal128Builder::new()
                        .with_precision_and_scale(*p, *s)
                        .unwrap_or_default(),
                ),
                DataType::Date32 => Column::Date(Date32Builder::new()),
                DataType::Boolean => Column::Bool(BooleanBuilder::new()),
                DataType::Int64 => Column::Int(Int64Builder::new()),
                _ => Column::Text(StringBuilder::new()),
            })
            .collect();
        Table {
            schema: Arc::clone(schema),
            columns,
            misfits: 0,
        }
    }

    /// The rows added so far, as a record batch; the table is empty again.
    ///
    /// # Errors
    /// When a cell did not fit its column's type.
    pub fn finish(&mut self) -> Result<RecordBatch> {
        if self.misfits > 0 {
            bail!(
                "{} generated values did not fit their Parquet column's type",
                self.misfits
            );
        }
        let arrays: Vec<ArrayRef> = self
            .columns
            .iter_mut()
            .map(|c| -> ArrayRef {
                match c {
                    Column::Text(b) => Arc::new(b.finish()),
                    Column::Money(b) => Arc::new(b.finish()),
                    Column::Date(b) => Arc::new(b.finish()),
                    Column::Bool(b) => Arc::new(b.finish()),
                    Column::Int(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        RecordBatch::try_new(Arc::clone(&self.schema), arrays)
            .context("cannot assemble a batch of generated rows")
    }
}

impl Sink for Table {
    fn row(&mut self, cells: &[Cell]) {
        let mut misfits = 0;
        for (k, column) in self.columns.iter_mut().enumerate() {
            let cell = cells.get(k).unwrap_or(&Cell::Null);
            let fits = match (column, cell) {
                (Column::Text(b), Cell::Null) => {
                    b.append_null();
                    true
                }
                (Column::Text(b), Cell::Text(s) | Cell::Raw(s)) => {
                    b.append_value(s);
                    true
                }
                (Column::Text(b), Cell::Bool(v)) => {
                    b.append_value(if *v { "true" } else { "false" });
                    true
                }
                (Column::Text(b), Cell::Money(c)) => {
                    b.append_value(money(*c));
                    true
                }
                (Column::Text(b), Cell::Int(n)) => {
                    b.append_value(n.to_string());
                    true
                }
                (Column::Text(b), Cell::Date(d)) => {
                    b.append_value(d.to_string());
                    true
                }
                (Column::Money(b), Cell::Money(c)) => {
                    b.append_value(i128::from(*c));
                    true
                }
                (Column::Date(b), Cell::Date(d)) => match days(*d) {
                    Some(n) => {
                        b.append_value(n);
                        true
                    }
                    None => {
                        b.append_null();
                        false
                    }
                },
                (Column::Bool(b), Cell::Bool(v)) => {
                    b.append_value(*v);
                    true
                }
                (Column::Int(b), Cell::Int(n)) => match i64::try_from(*n) {
                    Ok(n) => {
                        b.append_value(n);
                        true
                    }
                    Err(_) => {
                        b.append_null();
                        false
                    }
                },
                (Column::Money(b), c) => {
                    b.append_null();
                    matches!(c, Cell::Null)
                }
                (Column::Date(b), c) => {
                    b.append_null();
                    matches!(c, Cell::Null)
                }
                (Column::Bool(b), c) => {
                    b.append_null();
                    matches!(c, Cell::Null)
                }
                (Column::Int(b), c) => {
                    b.append_null();
                    matches!(c, Cell::Null)
                }
            };
            if !fits {
                misfits += 1;
            }
        }
        self.misfits += misfits;
    }

    fn short_row(&mut self, cells: &[Cell], _id: &str, _region: &str) {
        // Every Parquet row has every column: the cells after the fourth are left empty.
        let short: Vec<Cell> = cells
            .iter()
            .enumerate()
            .map(|(k, c)| if k < 4 { c.clone() } else { Cell::Null })
            .collect();
        self.row(&short);
    }
}

/// A Parquet file being written, a batch at a time.
pub struct Writer {
    writer: ArrowWriter<BufWriter<File>>,
    name: String,
}

impl Writer {
    /// Starts writing `schema` into `out`; `name` is the file's name, for messages.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn new(out: BufWriter<File>, schema: &SchemaRef, name: &str) -> Result<Writer> {
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_created_by(format!("entitle generate {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(out, Arc::clone(schema), Some(props))
            .with_context(|| format!("cannot write {name}"))?;
        Ok(Writer {
            writer,
            name: name.to_string(),
        })
    }

    /// Writes the rows of `table`, and empties it.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write(&mut self, table: &mut Table) -> Result<()> {
        let batch = table.finish()?;
        if batch.num_rows() > 0 {
            self.writer
                .write(&batch)
                .with_context(|| format!("cannot write {}", self.name))?;
        }
        Ok(())
    }

    /// Writes the file's footer.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn finish(self) -> Result<()> {
        let name = self.name;
        let mut out = self
            .writer
            .into_inner()
            .with_context(|| format!("cannot write {name}"))?;
        out.flush().with_context(|| format!("cannot write {name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defects_make_their_columns_text() {
        let typed = schema(false, false);
        let with_defects = schema(false, true);
        let t = |s: &SchemaRef, c: &str| s.field_with_name(c).unwrap().data_type().clone();
        assert_eq!(t(&typed, "monthly_income"), DataType::Decimal128(14, 2));
        assert_eq!(t(&with_defects, "monthly_income"), DataType::Utf8);
        assert_eq!(t(&typed, "household_size"), DataType::Int64);
        assert_eq!(t(&with_defects, "registration_date"), DataType::Date32);
        let m = schema(true, false);
        assert_eq!(t(&m, "birthdate"), DataType::Date32);
        assert_eq!(t(&m, "kind"), DataType::Utf8);
        assert_eq!(t(&schema(true, true), "birthdate"), DataType::Utf8);
    }

    #[test]
    fn a_cell_that_does_not_fit_is_an_error_not_a_silent_null() {
        let s = schema(false, false);
        let mut table = Table::new(&s);
        let mut cells: Vec<Cell> = (0..GROUP_COLUMNS.len()).map(|_| Cell::Null).collect();
        cells[4] = Cell::Text("12,500".into());
        table.row(&cells);
        assert!(table.finish().is_err());
    }
}
