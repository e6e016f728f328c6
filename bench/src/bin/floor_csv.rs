//! The end-to-end floor: the child grant by a hand-written loop over the same CSV files that
//! `entitle run` reads (groups.csv and members.csv from `entitle generate`), on one core, with
//! byte records, no allocation per row and dates and amounts parsed by hand. It writes one line per
//! household (id, decision, amount) to `DIR/floor.csv`, as a run writes its decisions.
//!
//! `floor_csv REGISTRY_DIR [AS_OF] [OUT_DIR]`
//!
//! Households with a missing income or birthdate count as undetermined, as in the program.

use std::io::Write;
use std::time::Instant;

fn index(h: &csv::ByteRecord, name: &str) -> usize {
    h.iter()
        .position(|c| c == name.as_bytes())
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() {
        return None;
    }
    let mut n = 0i64;
    for c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(c - b'0');
    }
    Some(n)
}

/// `YYYY-MM-DD` as (year, month * 32 + day).
fn date(b: &[u8]) -> Option<(i64, i64)> {
    if b.len() != 10 {
        return None;
    }
    Some((
        digits(&b[0..4])?,
        digits(&b[5..7])? * 32 + digits(&b[8..10])?,
    ))
}

/// An amount in cents (`1234`, `1234.5`, `1234.56`).
fn cents(b: &[u8]) -> Option<i64> {
    let (int, frac) = match b.iter().position(|c| *c == b'.') {
        Some(p) => (&b[..p], &b[p + 1..]),
        None => (b, &b[..0]),
    };
    let f = match frac.len() {
        0 => 0,
        1 => digits(frac)? * 10,
        2 => digits(frac)?,
        _ => return None,
    };
    Some(digits(int)? * 100 + f)
}

fn truthy(b: &[u8]) -> bool {
    matches!(b, b"true" | b"yes" | b"1")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(
        args.get(1)
            .expect("usage: floor_csv REGISTRY_DIR [AS_OF] [OUT_DIR]"),
    );
    let as_of = args
        .get(2)
        .map(|s| date(s.as_bytes()).expect("AS_OF is YYYY-MM-DD"))
        .unwrap_or((2026, 3 * 32 + 1));
    let out_dir = args
        .get(3)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.clone());
    let start = Instant::now();
    let mut groups = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(dir.join("groups.csv"))
        .expect("groups.csv");
    let mut members = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(dir.join("members.csv"))
        .expect("members.csv");
    let gh = groups.byte_headers().expect("header").clone();
    let mh = members.byte_headers().expect("header").clone();
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
    let mut out = std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(out_dir.join("floor.csv")).expect("floor.csv"),
    );
    let (mut g, mut m) = (csv::ByteRecord::new(), csv::ByteRecord::new());
    let mut have = members.read_byte_record(&mut m).expect("members");
    let mut id: Vec<u8> = Vec::new();
    let (mut units, mut eligible, mut undetermined, mut total) = (0u64, 0u64, 0u64, 0i64);
    while groups.read_byte_record(&mut g).expect("groups") {
        units += 1;
        id.clear();
        id.extend_from_slice(g.get(g_id).unwrap_or(b""));
        let (mut count, mut children, mut disabled, mut unknown) = (0i64, 0i64, 0i64, false);
        while have && m.get(m_gid).unwrap_or(b"") <= id.as_slice() {
            if m.get(m_gid).unwrap_or(b"") == id.as_slice() {
                let starts = m.get(m_start).and_then(date);
                let ends = m.get(m_end).and_then(date);
                if starts.is_none_or(|s| s <= as_of) && ends.is_none_or(|e| as_of < e) {
                    count += 1;
                    match m.get(m_birth).and_then(date) {
                        Some((y, md)) => {
                            children += i64::from(as_of.0 - y - i64::from(as_of.1 < md) < 18)
                        }
                        None => unknown = true,
                    }
                    disabled += i64::from(truthy(m.get(m_dis).unwrap_or(b"")));
                }
            }
            have = members.read_byte_record(&mut m).expect("members");
        }
        let covered = matches!(g.get(g_region).unwrap_or(b""), b"North" | b"East");
        let pension = truthy(g.get(g_pension).unwrap_or(b""));
        let income = g.get(g_income).and_then(cents);
        // The rules in Kleene's logic: any rule false decides against; else any unknown leaves it open.
        let has_child = (!unknown).then_some(children >= 1);
        let poor = income.map(|c| c < 300_000 * count);
        let rules = [has_child, poor, Some(covered), Some(!pension)];
        let decision: &[u8] = if rules.contains(&Some(false)) {
            b"not_eligible"
        } else if rules.contains(&None) {
            b"undetermined"
        } else {
            b"eligible"
        };
        out.write_all(&id).expect("write");
        out.write_all(b",").expect("write");
        out.write_all(decision).expect("write");
        if decision == b"eligible" {
            eligible += 1;
            let amount = ((1500 + 500 * children.min(4) + 300 * disabled).min(4000) + 5) / 10 * 10;
            total += amount;
            write!(out, ",{amount}").expect("write");
        } else if decision == b"undetermined" {
            undetermined += 1;
        }
        out.write_all(b"\n").expect("write");
    }
    out.flush().expect("write");
    println!("{units} households, {eligible} eligible, {undetermined} undetermined, KES {total} in {:.3} s", start.elapsed().as_secs_f64());
}
