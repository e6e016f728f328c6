//! Arrow values as the text a CSV cell would hold (the table in the module above), and which
//! column types can be read at all.

use super::super::rows::BadCell;
use super::epoch_date::push_epoch_date;
use crate::error::codes;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Decimal256Type, Decimal32Type, Decimal64Type, Int16Type, Int32Type, Int64Type,
    Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::Array;
use arrow_schema::DataType;
use std::fmt::Write as _;

pub(super) const NOT_FINITE: BadCell = BadCell {
    code: codes::BAD_VALUE,
    key: "G0101.not_finite",
};

pub(super) const BAD_DATE: BadCell = BadCell {
    code: codes::BAD_VALUE,
    key: "G0101.date_range",
};

pub(super) const TIME_OF_DAY: BadCell = BadCell {
    code: codes::BAD_VALUE,
    key: "G0101.time_of_day",
};

const BAD_KEY: BadCell = BadCell {
    code: codes::BAD_VALUE,
    key: "G0101.no_dictionary_value",
};

/// A plain value: text, a number, a date, a truth value.
fn plain(t: &DataType) -> bool {
    use DataType as D;
    matches!(
        t,
        D::Null
            | D::Boolean
            | D::Int8
            | D::Int16
            | D::Int32
            | D::Int64
            | D::UInt8
            | D::UInt16
            | D::UInt32
            | D::UInt64
            | D::Float32
            | D::Float64
            | D::Decimal32(..)
            | D::Decimal64(..)
            | D::Decimal128(..)
            | D::Decimal256(..)
            | D::Date32
            | D::Date64
            | D::Utf8
            | D::LargeUtf8
            | D::Utf8View
    ) || matches!(t, D::Timestamp(_, zone) if zone.as_deref().is_none_or(utc))
}

/// A time zone that is UTC itself: a timestamp in it (or in none, as pandas writes dates) at
/// midnight is that day. In another zone, midnight there is another instant, and the day is not
/// guessed.
fn utc(zone: &str) -> bool {
    matches!(
        zone.trim(),
        "UTC" | "utc" | "Etc/UTC" | "Z" | "+00:00" | "+0000" | "GMT"
    )
}

/// The day of a timestamp of `unit`, or [`TIME_OF_DAY`] when it is not at midnight: a date input
/// takes dates, and a time of day would be cut off unseen.
pub(super) fn timestamp_day(unit: arrow_schema::TimeUnit, v: i64) -> Result<i64, BadCell> {
    use arrow_schema::TimeUnit as U;
    let per_day: i64 = match unit {
        U::Second => 86_400,
        U::Millisecond => 86_400_000,
        U::Microsecond => 86_400_000_000,
        U::Nanosecond => 86_400_000_000_000,
    };
    if v.rem_euclid(per_day) != 0 {
        return Err(TIME_OF_DAY);
    }
    Ok(v.div_euclid(per_day))
}

/// A plain value, or a dictionary of plain values.
fn scalar(t: &DataType) -> bool {
    match t {
        DataType::Dictionary(key, value) => key.is_integer() && plain(value),
        t => plain(t),
    }
}

/// Why a column's type cannot be read: the catalogue entry that says what to write instead;
/// `None` when it can.
pub(super) fn unsupported(t: &DataType) -> Option<&'static str> {
    use DataType as D;
    if scalar(t) {
        return None;
    }
    Some(match t {
        D::List(item) | D::LargeList(item) if scalar(item.data_type()) => return None,
        D::List(_) | D::LargeList(_) => "G0008.parquet.instead.list",
        D::Dictionary(_, value) => {
            return unsupported(value).or(Some("G0008.parquet.instead.dictionary"))
        }
        D::Timestamp(..) => "G0008.parquet.instead.timestamp",
        D::Time32(_) | D::Time64(_) => "G0008.parquet.instead.time",
        D::Duration(_) | D::Interval(_) | D::Float16 => "G0008.parquet.instead.number",
        D::Binary | D::LargeBinary | D::BinaryView | D::FixedSizeBinary(_) => {
            "G0008.parquet.instead.binary"
        }
        D::Struct(_) | D::Map(..) | D::Union(..) => "G0008.parquet.instead.nested",
        _ => "G0008.parquet.instead.other",
    })
}

/// Appends the text of cell `i` of `a` to `out` (nothing for a null).
pub(super) fn write_cell(a: &dyn Array, i: usize, out: &mut String) -> Result<(), BadCell> {
    if i >= a.len() || a.is_null(i) {
        return Ok(());
    }
    macro_rules! int {
        ($t:ty) => {
            if let Some(p) = a.as_primitive_opt::<$t>() {
                let _ = write!(out, "{}", p.value(i));
            }
        };
    }
    // Rust's `Display` of a float is the shortest text that reads back as the same float, without
    // an exponent.
    macro_rules! float {
        ($t:ty) => {
            if let Some(p) = a.as_primitive_opt::<$t>() {
                let v = p.value(i);
                if !v.is_finite() {
                    return Err(NOT_FINITE);
                }
                let _ = write!(out, "{v}");
            }
        };
    }
    macro_rules! decimal {
        ($t:ty, $scale:expr) => {
            if let Some(p) = a.as_primitive_opt::<$t>() {
                let start = out.len();
                let _ = write!(out, "{}", p.value(i));
                apply_scale(out, start, $scale);
            }
        };
    }
    match a.data_type() {
        DataType::Null => {}
        DataType::Utf8 => {
            if let Some(s) = a.as_string_opt::<i32>() {
                out.push_str(s.value(i).trim());
            }
        }
        DataType::LargeUtf8 => {
            if let Some(s) = a.as_string_opt::<i64>() {
                out.push_str(s.value(i).trim());
            }
        }
        DataType::Utf8View => {
            if let Some(s) = a.as_string_view_opt() {
                out.push_str(s.value(i).trim());
            }
        }
        DataType::Boolean => {
            if let Some(b) = a.as_boolean_opt() {
                out.push_str(if b.value(i) { "true" } else { "false" });
            }
        }
        DataType::Int8 => int!(Int8Type),
        DataType::Int16 => int!(Int16Type),
        DataType::Int32 => int!(Int32Type),
        DataType::Int64 => int!(Int64Type),
        DataType::UInt8 => int!(UInt8Type),
        DataType::UInt16 => int!(UInt16Type),
        DataType::UInt32 => int!(UInt32Type),
        DataType::UInt64 => int!(UInt64Type),
        DataType::Float32 => float!(arrow_array::types::Float32Type),
        DataType::Float64 => float!(arrow_array::types::Float64Type),
        DataType::Decimal32(_, s) => decimal!(Decimal32Type, *s),
        DataType::Decimal64(_, s) => decimal!(Decimal64Type, *s),
        DataType::Decimal128(_, s) => decimal!(Decimal128Type, *s),
        DataType::Decimal256(_, s) => decimal!(Decimal256Type, *s),
        DataType::Date32 => {
            if let Some(p) = a.as_primitive_opt::<arrow_array::types::Date32Type>() {
                if !push_epoch_date(out, i64::from(p.value(i))) {
                    return Err(BAD_DATE);
                }
            }
        }
        DataType::Date64 => {
            if let Some(p) = a.as_primitive_opt::<arrow_array::types::Date64Type>() {
                if !push_epoch_date(out, p.value(i).div_euclid(86_400_000)) {
                    return Err(BAD_DATE);
                }
            }
        }
        DataType::Timestamp(unit, _) => {
            use arrow_array::types as T;
            use arrow_schema::TimeUnit as U;
            let v = match unit {
                U::Second => a
                    .as_primitive_opt::<T::TimestampSecondType>()
                    .map(|p| p.value(i)),
                U::Millisecond => a
                    .as_primitive_opt::<T::TimestampMillisecondType>()
                    .map(|p| p.value(i)),
                U::Microsecond => a
                    .as_primitive_opt::<T::TimestampMicrosecondType>()
                    .map(|p| p.value(i)),
                U::Nanosecond => a
                    .as_primitive_opt::<T::TimestampNanosecondType>()
                    .map(|p| p.value(i)),
            };
            if let Some(v) = v {
                if !push_epoch_date(out, timestamp_day(*unit, v)?) {
                    return Err(BAD_DATE);
                }
            }
        }
        DataType::Dictionary(..) => {
            if let Some(d) = a.as_any_dictionary_opt() {
                let k = key(d.keys(), i).ok_or(BAD_KEY)?;
                if k >= d.values().len() {
                    return Err(BAD_KEY);
                }
                write_cell(d.values().as_ref(), k, out)?;
            }
        }
        DataType::List(_) => {
            if let Some(l) = a.as_list_opt::<i32>() {
                let offsets = l.value_offsets();
                let (start, end) = (offsets.get(i), offsets.get(i + 1));
                if let (Some(s), Some(e)) = (start, end) {
                    write_items(l.values().as_ref(), index(*s), index(*e), out)?;
                }
            }
        }
        DataType::LargeList(_) => {
            if let Some(l) = a.as_list_opt::<i64>() {
                let offsets = l.value_offsets();
                let (start, end) = (offsets.get(i), offsets.get(i + 1));
                if let (Some(s), Some(e)) = (start, end) {
                    write_items(l.values().as_ref(), index(*s), index(*e), out)?;
                }
            }
        }
        // Refused when the file is opened.
        _ => {}
    }
    Ok(())
}

/// Appends the items `start..end` of a list's values, separated by `;`, skipping unknown ones.
fn write_items(
    values: &dyn Array,
    start: usize,
    end: usize,
    out: &mut String,
) -> Result<(), BadCell> {
    let mut first = true;
    for j in start..end.min(values.len()) {
        let mark = out.len();
        if !first {
            out.push(';');
        }
        let item = out.len();
        write_cell(values, j, out)?;
        if out.len() == item {
            out.truncate(mark);
        } else {
            first = false;
        }
    }
    Ok(())
}

/// A list offset as an index (a negative one, in a corrupt file, as 0).
fn index<O: TryInto<usize>>(offset: O) -> usize {
    offset.try_into().unwrap_or(0)
}

/// The dictionary key at `i`, as an index.
fn key(keys: &dyn Array, i: usize) -> Option<usize> {
    macro_rules! k {
        ($t:ty) => {
            keys.as_primitive_opt::<$t>()
                .and_then(|p| usize::try_from(p.value(i)).ok())
        };
    }
    match keys.data_type() {
        DataType::Int8 => k!(Int8Type),
        DataType::Int16 => k!(Int16Type),
        DataType::Int32 => k!(Int32Type),
        DataType::Int64 => k!(Int64Type),
        DataType::UInt8 => k!(UInt8Type),
        DataType::UInt16 => k!(UInt16Type),
        DataType::UInt32 => k!(UInt32Type),
        DataType::UInt64 => k!(UInt64Type),
        _ => None,
    }
}

/// Places the decimal point in the unscaled value written at `out[start..]` (with its sign),
/// for `scale`: in place, with no allocation per cell.
pub(super) fn apply_scale(out: &mut String, start: usize, scale: i8) {
    // Scales of an `i8`: at most 128 zeros.
    const ZEROS: &str = "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
    let digits = start + usize::from(out.get(start..).is_some_and(|t| t.starts_with('-')));
    let n = out.len().saturating_sub(digits);
    let scale_digits = usize::from(scale.unsigned_abs());
    if scale <= 0 {
        if out.get(digits..) != Some("0") {
            out.push_str(ZEROS.get(..scale_digits).unwrap_or(ZEROS));
        }
    } else if n <= scale_digits {
        out.insert_str(digits, "0.");
        out.insert_str(digits + 2, ZEROS.get(..scale_digits - n).unwrap_or(ZEROS));
    } else {
        out.insert(out.len() - scale_digits, '.');
    }
}
