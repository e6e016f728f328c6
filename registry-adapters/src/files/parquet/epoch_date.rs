//! Dates stored as days since 1970-01-01 (Parquet's `DATE`), written as `YYYY-MM-DD` text.
//!
//! A typed file's dates are handed to the assembler as text, like a CSV file's; chrono's
//! `Display` (through `fmt::Write`, a character at a time) and its day arithmetic were a tenth of
//! the reading thread's time on a Parquet registry.

use std::fmt::Write as _;

/// Appends the date `days` after 1970-01-01, as chrono displays it; false (nothing written) when
/// chrono has no such date.
pub(crate) fn push_epoch_date(out: &mut String, days: i64) -> bool {
    if let Some(text) =
        civil(days).and_then(|(y, m, d)| entitle_core::iso_date(i32::try_from(y).ok()?, m, d))
    {
        // Digits and dashes: ASCII, so this always succeeds, in one copy.
        out.push_str(std::str::from_utf8(&text).unwrap_or_default());
        return true;
    }
    // Years before 0 or past 9999 are written with their sign, as chrono does.
    let Some(date) = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_signed(chrono::TimeDelta::try_days(days)?))
    else {
        return false;
    };
    let _ = write!(out, "{date}");
    true
}

/// As [`push_epoch_date`], into bytes: a column of dates is written so, then checked as text once
/// (`str::from_utf8` on each date's ten bytes cost more than the date's arithmetic).
pub(crate) fn push_epoch_date_bytes(out: &mut Vec<u8>, days: i64) -> bool {
    if let Some(text) =
        civil(days).and_then(|(y, m, d)| entitle_core::iso_date(i32::try_from(y).ok()?, m, d))
    {
        out.extend_from_slice(&text);
        return true;
    }
    // Far years, rare: as chrono writes them.
    let mut text = String::new();
    if !push_epoch_date(&mut text, days) {
        return false;
    }
    out.extend_from_slice(text.as_bytes());
    true
}

/// The proleptic Gregorian year, month and day `days` after 1970-01-01, counted in 400-year eras
/// of 146,097 days that start on a 1 March (so that the leap day ends a year); `None` far outside
/// any date a registry holds.
fn civil(days: i64) -> Option<(i64, u32, u32)> {
    // Days since 0000-03-01.
    let z = days.checked_add(719_468)?;
    if z.unsigned_abs() > 1 << 40 {
        return None;
    }
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365], from 1 March
    let mp = (5 * doy + 2) / 153; // [0, 11], March first
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some((year, u32::try_from(month).ok()?, u32::try_from(day).ok()?))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// chrono's text for the date `days` after 1970-01-01.
    fn chrono_text(days: i64) -> Option<String> {
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
        Some(
            epoch
                .checked_add_signed(chrono::TimeDelta::try_days(days)?)?
                .to_string(),
        )
    }

    #[test]
    fn every_day_of_four_centuries_and_the_ends_of_the_range_read_as_chrono_writes_them() {
        let far = [
            i64::MIN,
            i64::MIN + 1,
            -1 << 41,
            -100_000_000,
            -719_529,
            -719_528,
            2_932_896,
            2_932_897,
            100_000_000,
            1 << 41,
            i64::MAX,
        ];
        // 1800-01-01 to 2200-12-31, every day, and every 97th day over the years 0 to 9999.
        let days = (-62_091..=84_006)
            .chain((-719_528..=2_932_896).step_by(97))
            .chain(far);
        for d in days {
            let mut out = String::from("x");
            let wrote = push_epoch_date(&mut out, d);
            let mut bytes = b"x".to_vec();
            assert_eq!(push_epoch_date_bytes(&mut bytes, d), wrote, "{d}");
            assert_eq!(bytes, out.as_bytes(), "{d}");
            match chrono_text(d) {
                Some(t) => {
                    assert!(wrote, "{d}");
                    assert_eq!(out, format!("x{t}"), "{d}");
                }
                None => {
                    assert!(!wrote, "{d}");
                    assert_eq!(out, "x");
                }
            }
        }
    }
}
