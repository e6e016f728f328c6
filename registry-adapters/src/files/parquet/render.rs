//! A decoded batch's column as the texts of its cells, written once per batch, a column at a
//! time: the type is matched and the array cast once, and each row costs a loop step. Cell by
//! cell ([`write_cell`]) the type was matched, the array cast and the null checked through a
//! trait object for every cell, about a fifth of a Parquet run's instructions.
//!
//! The texts are those of [`write_cell`], byte for byte (the tests hold every type to it); the
//! types it reaches rarely (dictionaries, lists) still go through it, cell by cell.

use super::super::rows::BadCell;
use super::cells::{apply_scale, timestamp_day, write_cell, BAD_DATE, NOT_FINITE};
use super::epoch_date::push_epoch_date_bytes;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Decimal256Type, Decimal32Type, Decimal64Type,
    Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrowPrimitiveType, PrimitiveArray};
use arrow_schema::{DataType, TimeUnit};
use std::fmt::Write as _;

/// One column's cells in a batch: row `i`'s text is `text[ends[i - 1]..ends[i]]` (from 0 for the
/// first row), empty for a null; the rows whose value cannot be read are listed in `bad`.
#[derive(Default)]
pub(super) struct Rendered {
    text: String,
    ends: Vec<usize>,
    /// Unreadable cells (a float that is not finite, a date out of range, a broken dictionary
    /// key), by row, in row order: rare, so looked up only when there are any.
    bad: Vec<(usize, BadCell)>,
    /// Room for a column of dates written as bytes before they are checked as text.
    bytes: Vec<u8>,
}

impl Rendered {
    /// Row `i`'s text (`None` when empty or null), or why it cannot be read.
    pub(super) fn cell(&self, i: usize) -> Result<Option<&str>, BadCell> {
        if !self.bad.is_empty() {
            if let Ok(k) = self.bad.binary_search_by_key(&i, |(row, _)| *row) {
                return Err(self.bad.get(k).map_or(NOT_FINITE, |(_, e)| *e));
            }
        }
        let end = self.ends.get(i).copied().unwrap_or(0);
        let start = match i.checked_sub(1) {
            Some(p) => self.ends.get(p).copied().unwrap_or(0),
            None => 0,
        };
        Ok(self.text.get(start..end).filter(|t| !t.is_empty()))
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.bad.clear();
    }

    /// Ends row `i`'s cell, or records why it has none (and leaves it empty).
    #[inline(always)]
    fn end(&mut self, i: usize, start: usize, written: Result<(), BadCell>) {
        if let Err(e) = written {
            self.text.truncate(start);
            self.bad.push((i, e));
        }
        self.ends.push(self.text.len());
    }
}

/// Writes the cells of `a`'s first `rows` rows into `out`, emptied first.
pub(super) fn render(a: &dyn Array, rows: usize, out: &mut Rendered) {
    out.clear();
    let rows = rows.min(a.len());
    out.ends.reserve(rows);
    macro_rules! each {
        ($array:expr, |$v:ident, $text:ident| $write:expr) => {{
            let array = $array;
            for i in 0..rows {
                let start = out.text.len();
                let written = if array.is_null(i) {
                    Ok(())
                } else {
                    let $v = array.value(i);
                    let $text = &mut out.text;
                    $write
                };
                out.end(i, start, written);
            }
        }};
    }
    macro_rules! int {
        ($t:ty) => {
            match a.as_primitive_opt::<$t>() {
                Some(p) => each!(p, |v, t| {
                    let _ = write!(t, "{v}");
                    Ok(())
                }),
                None => by_cell(a, rows, out),
            }
        };
    }
    macro_rules! float {
        ($t:ty) => {
            match a.as_primitive_opt::<$t>() {
                Some(p) => each!(p, |v, t| {
                    if v.is_finite() {
                        let _ = write!(t, "{v}");
                        Ok(())
                    } else {
                        Err(NOT_FINITE)
                    }
                }),
                None => by_cell(a, rows, out),
            }
        };
    }
    macro_rules! decimal {
        ($t:ty, $scale:expr) => {
            match a.as_primitive_opt::<$t>() {
                Some(p) => each!(p, |v, t| {
                    let start = t.len();
                    let _ = write!(t, "{v}");
                    apply_scale(t, start, $scale);
                    Ok(())
                }),
                None => by_cell(a, rows, out),
            }
        };
    }
    match a.data_type() {
        DataType::Null => out.ends.resize(rows, 0),
        DataType::Utf8 => match a.as_string_opt::<i32>() {
            Some(s) => each!(s, |v, t| {
                t.push_str(trim(v));
                Ok(())
            }),
            None => by_cell(a, rows, out),
        },
        DataType::LargeUtf8 => match a.as_string_opt::<i64>() {
            Some(s) => each!(s, |v, t| {
                t.push_str(trim(v));
                Ok(())
            }),
            None => by_cell(a, rows, out),
        },
        DataType::Utf8View => match a.as_string_view_opt() {
            Some(s) => each!(s, |v, t| {
                t.push_str(trim(v));
                Ok(())
            }),
            None => by_cell(a, rows, out),
        },
        DataType::Boolean => match a.as_boolean_opt() {
            Some(b) => each!(b, |v, t| {
                t.push_str(if v { "true" } else { "false" });
                Ok(())
            }),
            None => by_cell(a, rows, out),
        },
        DataType::Int8 => int!(Int8Type),
        DataType::Int16 => int!(Int16Type),
        DataType::Int32 => int!(Int32Type),
        DataType::Int64 => int!(Int64Type),
        DataType::UInt8 => int!(UInt8Type),
        DataType::UInt16 => int!(UInt16Type),
        DataType::UInt32 => int!(UInt32Type),
        DataType::UInt64 => int!(UInt64Type),
        DataType::Float32 => float!(Float32Type),
        DataType::Float64 => float!(Float64Type),
        DataType::Decimal32(_, s) => decimal!(Decimal32Type, *s),
        DataType::Decimal64(_, s) => decimal!(Decimal64Type, *s),
        DataType::Decimal128(_, s) => decimal!(Decimal128Type, *s),
        DataType::Decimal256(_, s) => decimal!(Decimal256Type, *s),
        DataType::Date32 => dates::<Date32Type>(a, rows, out, |d| Ok(i64::from(d))),
        DataType::Date64 => dates::<Date64Type>(a, rows, out, |ms| Ok(ms.div_euclid(86_400_000))),
        // Dates as pandas writes them, a column at a time as DATE columns are.
        DataType::Timestamp(unit, _) => {
            let day = |v: i64| timestamp_day(*unit, v);
            match unit {
                TimeUnit::Second => dates::<TimestampSecondType>(a, rows, out, day),
                TimeUnit::Millisecond => dates::<TimestampMillisecondType>(a, rows, out, day),
                TimeUnit::Microsecond => dates::<TimestampMicrosecondType>(a, rows, out, day),
                TimeUnit::Nanosecond => dates::<TimestampNanosecondType>(a, rows, out, day),
            }
        }
        _ => by_cell(a, rows, out),
    }
}

/// A date column, each value turned into days after 1970-01-01 by `days` (or refused by it: a
/// timestamp with a time of day).
fn dates<T: ArrowPrimitiveType>(
    a: &dyn Array,
    rows: usize,
    out: &mut Rendered,
    days: impl Fn(T::Native) -> Result<i64, BadCell>,
) {
    let Some(p) = a.as_primitive_opt::<T>() else {
        return by_cell(a, rows, out);
    };
    let p: &PrimitiveArray<T> = p;
    let base = out.text.len();
    let mut bytes = std::mem::take(&mut out.bytes);
    bytes.clear();
    for i in 0..rows {
        let start = bytes.len();
        if !p.is_null(i) {
            let written = days(p.value(i)).and_then(|d| {
                push_epoch_date_bytes(&mut bytes, d)
                    .then_some(())
                    .ok_or(BAD_DATE)
            });
            if let Err(e) = written {
                bytes.truncate(start);
                out.bad.push((i, e));
            }
        }
        out.ends.push(base + bytes.len());
    }
    // Digits, dashes and a sign: always text; were it not, the column is written cell by cell.
    match std::str::from_utf8(&bytes) {
        Ok(text) => out.text.push_str(text),
        Err(_) => {
            out.clear();
            by_cell(a, rows, out);
        }
    }
    out.bytes = bytes;
}

/// Cell by cell, for the types read rarely (a dictionary, a list).
fn by_cell(a: &dyn Array, rows: usize, out: &mut Rendered) {
    for i in 0..rows {
        let start = out.text.len();
        let written = write_cell(a, i, &mut out.text);
        out.end(i, start, written);
    }
}

/// `str::trim`, without its Unicode table for the common cell that has nothing to trim.
fn trim(s: &str) -> &str {
    if entitle_core::plain_ends(s.as_bytes()) {
        s
    } else {
        s.trim()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{
        ArrayRef, BooleanArray, Date32Array, Date64Array, Decimal128Array, DictionaryArray,
        Float64Array, Int32Array, Int64Array, LargeStringArray, NullArray, StringArray,
        StringViewArray, UInt8Array,
    };
    use std::sync::Arc;

    /// Every row of `a` rendered a column at a time reads as `write_cell` writes it alone.
    fn same_as_cell_by_cell(a: &ArrayRef) {
        let mut r = Rendered::default();
        // Twice: the second batch writes over the first's room.
        for _ in 0..2 {
            render(a.as_ref(), a.len(), &mut r);
            assert_eq!(r.ends.len(), a.len());
            for i in 0..a.len() {
                let mut alone = String::new();
                let want = write_cell(a.as_ref(), i, &mut alone)
                    .map(|()| Some(alone.as_str()).filter(|t| !t.is_empty()));
                assert_eq!(r.cell(i), want, "row {i} of {:?}", a.data_type());
            }
        }
    }

    #[test]
    fn a_timestamp_at_midnight_is_its_day_and_a_time_of_day_a_bad_value() {
        use super::super::cells::TIME_OF_DAY;
        use arrow_array::{
            TimestampMillisecondArray, TimestampNanosecondArray, TimestampSecondArray,
        };
        const DAY: i64 = 86_400;
        // 2026-03-01 is day 20,513; 1969-12-31 is day -1.
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(TimestampSecondArray::from(vec![
                Some(20_513 * DAY),
                None,
                Some(-DAY),
                Some(20_513 * DAY + 36_000),
                Some(-1),
            ])),
            Arc::new(
                TimestampMillisecondArray::from(vec![Some(20_513 * DAY * 1_000), Some(1)])
                    .with_timezone("UTC"),
            ),
            Arc::new(TimestampNanosecondArray::from(vec![
                Some(20_513 * DAY * 1_000_000_000),
                Some(20_513 * DAY * 1_000_000_000 + 1),
            ])),
        ];
        let want: [&[Result<Option<&str>, BadCell>]; 3] = [
            &[
                Ok(Some("2026-03-01")),
                Ok(None),
                Ok(Some("1969-12-31")),
                Err(TIME_OF_DAY),
                Err(TIME_OF_DAY),
            ],
            &[Ok(Some("2026-03-01")), Err(TIME_OF_DAY)],
            &[Ok(Some("2026-03-01")), Err(TIME_OF_DAY)],
        ];
        for (a, want) in arrays.iter().zip(want) {
            same_as_cell_by_cell(a);
            let mut r = Rendered::default();
            render(a.as_ref(), a.len(), &mut r);
            let got: Vec<_> = (0..a.len()).map(|i| r.cell(i)).collect();
            assert_eq!(got, want, "{:?}", a.data_type());
        }
    }

    #[test]
    fn every_type_reads_as_cell_by_cell() {
        let mut list = ListBuilder::new(StringBuilder::new());
        list.values().append_value("head");
        list.values().append_null();
        list.values().append_value(" spouse ");
        list.append(true);
        list.append(false);
        list.append(true);
        let keys = Int32Array::from(vec![Some(1), None, Some(0), Some(1)]);
        let values: ArrayRef = Arc::new(StringArray::from(vec!["North", " East "]));
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec![
                Some(" North "),
                None,
                Some(""),
                Some("\u{a0}é\u{a0}"),
                Some("East"),
            ])),
            Arc::new(LargeStringArray::from(vec![Some("a "), None, Some("  ")])),
            Arc::new(StringViewArray::from(vec![
                Some("a long text, past twelve bytes "),
                None,
                Some("x"),
            ])),
            Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)])),
            Arc::new(Int64Array::from(vec![
                Some(-5),
                None,
                Some(i64::MAX),
                Some(0),
            ])),
            Arc::new(UInt8Array::from(vec![Some(255), None, Some(0)])),
            Arc::new(Float64Array::from(vec![
                Some(0.1),
                Some(f64::NAN),
                None,
                Some(-2.5e-7),
                Some(f64::INFINITY),
                Some(1e21),
            ])),
            Arc::new(
                Decimal128Array::from(vec![Some(150_050), None, Some(-5), Some(0)])
                    .with_precision_and_scale(14, 2)
                    .unwrap(),
            ),
            Arc::new(
                Decimal128Array::from(vec![Some(12), Some(0)])
                    .with_precision_and_scale(10, -3)
                    .unwrap(),
            ),
            Arc::new(Date32Array::from(vec![
                Some(0),
                None,
                Some(-719_529),
                Some(i32::MAX),
                Some(20_000),
            ])),
            Arc::new(Date64Array::from(vec![
                Some(-1),
                None,
                Some(86_400_000 * 19_000),
                Some(i64::MAX),
            ])),
            Arc::new(DictionaryArray::new(keys, values)),
            Arc::new(list.finish()),
            Arc::new(NullArray::new(3)),
        ];
        for a in &arrays {
            same_as_cell_by_cell(a);
        }
    }

    #[test]
    fn a_bad_cell_leaves_its_row_empty_and_the_next_rows_in_place() {
        let a: ArrayRef = Arc::new(Float64Array::from(vec![
            Some(1.5),
            Some(f64::NAN),
            Some(2.0),
        ]));
        let mut r = Rendered::default();
        render(a.as_ref(), 3, &mut r);
        assert_eq!(r.cell(0), Ok(Some("1.5")));
        assert_eq!(r.cell(1), Err(NOT_FINITE));
        assert_eq!(r.cell(2), Ok(Some("2")));
        // Fewer rows than the array holds: only those.
        render(a.as_ref(), 1, &mut r);
        assert_eq!((r.ends.len(), r.cell(0)), (1, Ok(Some("1.5"))));
        assert_eq!(r.cell(1), Ok(None));
    }
}
