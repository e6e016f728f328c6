//! The benchmark baseline: the child grant computed by a hand-written loop over the same CSV files
//! that `entitle run` reads, with no engine, no explanations and no output files. It shows what the
//! reading and the arithmetic cost by themselves (see BENCHMARKS.md).
//!
//! `cargo run --release -p entitle-cli --example hand_loop -- REGISTRY_DIR [AS_OF]`
//!
//! The rules follow examples/programs/child_grant.entitle closely (a household with a missing value
//! is counted as undetermined), but this is a measuring stick, not a second implementation.

use chrono::{Datelike, NaiveDate};
use std::time::Instant;

fn field(r: &csv::ByteRecord, i: usize) -> &[u8] {
    r.get(i).unwrap_or(b"")
}

fn index(headers: &csv::ByteRecord, name: &str) -> usize {
    headers
        .iter()
        .position(|h| h == name.as_bytes())
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn date(b: &[u8]) -> Option<NaiveDate> {
    let t = std::str::from_utf8(b).ok()?;
    NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()
}

fn age(birth: NaiveDate, on: NaiveDate) -> i32 {
    on.year() - birth.year() - i32::from((on.month(), on.day()) < (birth.month(), birth.day()))
}

/// Income in cents.
fn cents(b: &[u8]) -> Option<i64> {
    let t = std::str::from_utf8(b).ok()?;
    let (int, frac) = t.split_once('.').unwrap_or((t, "0"));
    Some(int.parse::<i64>().ok()? * 100 + format!("{frac:0<2}").get(..2)?.parse::<i64>().ok()?)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).expect("usage: hand_loop REGISTRY_DIR [AS_OF]"));
    let as_of = args
        .get(2)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .unwrap_or(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
    let start = Instant::now();
    let mut groups = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(dir.join("groups.csv"))
        .unwrap();
    let mut members = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(dir.join("members.csv"))
        .unwrap();
    let gh = groups.byte_headers().unwrap().clone();
    let mh = members.byte_headers().unwrap().clone();
    let (g_id, g_region, g_income, g_pension) = (
        index(&gh, "id"),
        index(&gh, "region"),
        index(&gh, "monthly_income"),
        index(&gh, "enrolled_in_pension"),
    );
    let (m_gid, m_start, m_end, m_birth, m_dis) = (
        index(&mh, "group_id"),
        index(&mh, "start_date"),
        index(&mh, "end_date"),
        index(&mh, "birthdate"),
        index(&mh, "disabled"),
    );
    let (mut g, mut m) = (csv::ByteRecord::new(), csv::ByteRecord::new());
    let mut have_member = members.read_byte_record(&mut m).unwrap();
    let (mut units, mut eligible, mut undetermined, mut total_cents) = (0u64, 0u64, 0u64, 0i64);
    while groups.read_byte_record(&mut g).unwrap() {
        units += 1;
        let id = field(&g, g_id).to_vec();
        let (mut count, mut children, mut disabled, mut unknown) = (0i64, 0i64, 0i64, false);
        while have_member && field(&m, m_gid) <= id.as_slice() {
            if field(&m, m_gid) == id.as_slice() {
                let starts = date(field(&m, m_start));
                let ends = date(field(&m, m_end));
                if starts.is_none_or(|s| s <= as_of) && ends.is_none_or(|e| as_of < e) {
                    count += 1;
                    match date(field(&m, m_birth)) {
                        Some(b) => children += i64::from(age(b, as_of) < 18),
                        None => unknown = true,
                    }
                    disabled += i64::from(matches!(field(&m, m_dis), b"true" | b"yes" | b"1"));
                }
            }
            have_member = members.read_byte_record(&mut m).unwrap();
        }
        let covered = matches!(field(&g, g_region), b"North" | b"East");
        let pension = matches!(field(&g, g_pension), b"true" | b"yes" | b"1");
        let Some(income) = cents(field(&g, g_income)) else {
            undetermined += 1;
            continue;
        };
        if unknown || count == 0 {
            undetermined += 1;
            continue;
        }
        if children >= 1 && income < 300_000 * count && covered && !pension {
            eligible += 1;
            let amount = (1500 + 500 * children.min(4) + 300 * disabled).min(4000);
            total_cents += (amount + 5) / 10 * 10 * 100;
        }
    }
    println!(
        "{units} households, {eligible} eligible, {undetermined} undetermined, KES {} in {:.3} s",
        total_cents / 100,
        start.elapsed().as_secs_f64()
    );
}
