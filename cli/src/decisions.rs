//! Decision records as lines of `decisions.jsonl` and `decisions.csv`, and error records as lines
//! of `errors.csv`.
//!
//! `decisions.jsonl` holds exactly what [`entitle_core::json::decision_to_json`] gives, one object
//! per line. Building a `serde_json::Value` per decision is slow for millions of units, so
//! [`json_line`] writes the same bytes directly (keys in the same sorted order); a run checks the
//! two agree on the first decision of every chunk and falls back to the generic path if they ever
//! differ, and a test compares them on every decision of the example registry.

use chrono::{Datelike, NaiveDate};
use entitle_core::explain::render::decision_text;
use entitle_core::json::decision_to_json;
use entitle_core::result::{ProgramRef, RuleOutcome};
use entitle_core::{Decision, Name, Program};
use entitle_dsl::ast::{ItemKind, RuleKind};
use entitle_dsl::locale::Catalog;
use entitle_payments::text::spreadsheet_safe;
use entitle_registry::RowError;
use rust_decimal::Decimal;
use std::io::Write;
use std::sync::Arc;

/// Appends `s` as a JSON string, escaped as serde_json does.
fn json_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // Ids, codes and names almost never need escaping: one pass over the bytes (without early
    // exit, so it vectorises) decides, and the string is copied whole.
    let plain = !bytes
        .iter()
        .fold(false, |e, &b| e | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if plain {
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0x08 => Some(b"\\b"),
            0x0c => Some(b"\\f"),
            0..=0x1f => None,
            _ => continue,
        };
        out.extend_from_slice(bytes.get(start..i).unwrap_or(&[]));
        match escape {
            Some(e) => out.extend_from_slice(e),
            None => {
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or(&[]));
    out.push(b'"');
}

fn json_bool(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

/// Appends a date as a JSON string, `"YYYY-MM-DD"` as chrono displays it.
fn json_date(out: &mut Vec<u8>, d: NaiveDate) {
    if let Some(text) = entitle_core::iso_date(d.year(), d.month(), d.day()) {
        out.push(b'"');
        out.extend_from_slice(&text);
        out.push(b'"');
    } else {
        let _ = write!(out, "\"{d}\"");
    }
}

fn json_decimal(out: &mut Vec<u8>, d: &Decimal) {
    out.push(b'"');
    push_decimal(out, d);
    out.push(b'"');
}

/// Appends a decimal as rust_decimal displays it (every digit of its scale kept: `1500.00`).
/// Amounts are non-negative and small: their digits are written directly, without the
/// formatter (a tenth of the decision files' writing time); anything else is displayed.
fn push_decimal(out: &mut Vec<u8>, d: &Decimal) {
    let (Ok(mut v), false) = (u64::try_from(d.mantissa()), d.is_sign_negative()) else {
        let _ = write!(out, "{d}");
        return;
    };
    let scale = d.scale() as usize;
    // u64 has at most 20 digits; a scale of up to 28 adds leading zeros and the point.
    let mut buf = [0u8; 32];
    let mut i = buf.len();
    let mut n = 0usize;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        n += 1;
        if n == scale {
            i -= 1;
            buf[i] = b'.';
        }
        if v == 0 && n > scale {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

fn key(out: &mut Vec<u8>, first: &mut bool, k: &str) {
    if !*first {
        out.push(b',');
    }
    *first = false;
    out.push(b'"');
    out.extend_from_slice(k.as_bytes());
    out.extend_from_slice(b"\":");
}

fn kind_item(k: ItemKind) -> &'static str {
    match k {
        ItemKind::Cash => "cash",
        ItemKind::InKind => "in_kind",
    }
}

fn kind_rule(k: RuleKind) -> &'static str {
    match k {
        RuleKind::When => "when",
        RuleKind::Unless => "unless",
    }
}

thread_local! {
    /// The parts of a line that are the same for every decision of a program, rendered once.
    static FRAGMENTS: std::cell::RefCell<Fragments> = std::cell::RefCell::default();
}

#[derive(Default)]
struct Fragments {
    /// The program reference and its `{"hash":…,"id":…,"version":…}`.
    program: Option<(Arc<ProgramRef>, Vec<u8>)>,
    /// Per rule position: its id and kind, and `{"id":…,"kind":…,"outcome":`.
    rules: Vec<(Name, RuleKind, Vec<u8>)>,
}

impl Fragments {
    fn program(&mut self, p: &Arc<ProgramRef>) -> &[u8] {
        if !matches!(&self.program, Some((q, _)) if Arc::ptr_eq(p, q)) {
            let mut out = b"{\"hash\":".to_vec();
            json_str(&mut out, &p.hash);
            out.extend_from_slice(b",\"id\":");
            json_str(&mut out, &p.id);
            if let Some(v) = &p.version {
                out.extend_from_slice(b",\"version\":");
                json_str(&mut out, v);
            }
            out.push(b'}');
            self.program = Some((Arc::clone(p), out));
        }
        self.program.as_ref().map_or(&[], |(_, b)| b)
    }

    fn rule(&mut self, i: usize, r: &RuleOutcome) -> &[u8] {
        let fresh = |r: &RuleOutcome| {
            let mut out = b"{\"id\":".to_vec();
            json_str(&mut out, &r.id);
            out.extend_from_slice(b",\"kind\":");
            json_str(&mut out, kind_rule(r.kind));
            out.extend_from_slice(b",\"outcome\":");
            (r.id.clone(), r.kind, out)
        };
        match self.rules.get_mut(i) {
            Some(slot) if slot.0 == r.id && slot.1 == r.kind => {}
            Some(slot) => *slot = fresh(r),
            None => {
                while self.rules.len() <= i {
                    self.rules.push(fresh(r));
                }
            }
        }
        self.rules.get(i).map_or(&[], |(_, _, b)| b)
    }
}

/// Appends one decision as a JSON line (without explanation; see [`json_line_generic`]).
pub fn json_line(out: &mut Vec<u8>, d: &Decision) {
    let f = &mut true;
    out.push(b'{');
    key(out, f, "as_of");
    json_date(out, d.as_of);
    if let Some(c) = &d.cash {
        key(out, f, "cash");
        let g = &mut true;
        out.push(b'{');
        key(out, g, "capped");
        json_bool(out, c.capped);
        key(out, g, "currency");
        json_str(out, c.currency.code());
        key(out, g, "fee");
        json_decimal(out, &c.fee);
        key(out, g, "floored");
        json_bool(out, c.floored);
        key(out, g, "items_total");
        json_decimal(out, &c.items_total);
        key(out, g, "net");
        json_decimal(out, &c.net);
        key(out, g, "rounded");
        json_bool(out, c.rounded);
        key(out, g, "total");
        json_decimal(out, &c.total);
        out.push(b'}');
    }
    key(out, f, "decision");
    json_str(out, d.outcome.as_str());
    key(out, f, "in_kind");
    out.push(b'[');
    for (i, q) in d.in_kind.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"quantity\":");
        json_decimal(out, &q.quantity);
        out.extend_from_slice(b",\"unit\":");
        json_str(out, &q.unit);
        out.push(b'}');
    }
    out.push(b']');
    key(out, f, "items");
    out.push(b'[');
    for (i, it) in d.items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let g = &mut true;
        out.push(b'{');
        key(out, g, "amount");
        json_decimal(out, &it.amount);
        key(out, g, "applied");
        json_bool(out, it.applied);
        if let Some(c) = &it.currency {
            key(out, g, "currency");
            json_str(out, c.code());
        }
        key(out, g, "id");
        json_str(out, &it.id);
        key(out, g, "kind");
        json_str(out, kind_item(it.kind));
        for (name, v) in [
            ("max_multiplier", &it.max_multiplier),
            ("multiplier", &it.multiplier),
            ("rate", &it.rate),
        ] {
            if let Some(v) = v {
                key(out, g, name);
                json_decimal(out, v);
            }
        }
        if let Some(u) = &it.unit {
            key(out, g, "unit");
            json_str(out, u);
        }
        out.push(b'}');
    }
    out.push(b']');
    key(out, f, "missing");
    out.push(b'[');
    for (i, m) in d.missing.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_str(out, m);
    }
    out.push(b']');
    key(out, f, "program");
    FRAGMENTS.with(|cache| {
        let mut cache = cache.borrow_mut();
        out.extend_from_slice(cache.program(&d.program));
        key(out, f, "rules");
        out.push(b'[');
        for (i, r) in d.rules.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(cache.rule(i, r));
            json_str(out, r.outcome.as_str());
            out.push(b'}');
        }
    });
    out.push(b']');
    key(out, f, "unit_id");
    json_str(out, &d.unit_id);
    out.push(b'}');
    out.push(b'\n');
}

/// Appends one decision as a JSON line through `decision_to_json` (any decision, with its
/// explanation if it has one).
pub fn json_line_generic(out: &mut Vec<u8>, d: &Decision) {
    let _ = serde_json::to_writer(&mut *out, &decision_to_json(d));
    out.push(b'\n');
}

/// Whether the fast writer gives exactly the generic bytes for `d`.
pub fn fast_path_agrees(d: &Decision) -> bool {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    json_line(&mut a, d);
    json_line_generic(&mut b, d);
    a == b
}

/// Appends a CSV cell, quoted when needed (RFC 4180).
pub fn csv_cell(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
        || s.starts_with(' ')
        || s.ends_with(' ')
    {
        out.push(b'"');
        for part in s.split('"').enumerate() {
            if part.0 > 0 {
                out.extend_from_slice(b"\"\"");
            }
            out.extend_from_slice(part.1.as_bytes());
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

/// The columns of `decisions.csv` for `program`.
pub fn csv_header(program: &Program, explain: bool) -> Vec<String> {
    let mut h: Vec<String> = [
        "unit_id",
        "decision",
        "currency",
        "cash_total",
        "cash_fee",
        "cash_net",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    h.extend(program.items().iter().map(|i| format!("item_{}", i.id)));
    h.extend(
        program
            .units_of_measure()
            .iter()
            .map(|u| format!("in_kind_{u}")),
    );
    h.extend(
        ["rules", "missing", "program_hash"]
            .iter()
            .map(|s| s.to_string()),
    );
    if explain {
        h.push("explanation".into());
    }
    h
}

/// Appends a CSV line of cells.
pub fn csv_line(out: &mut Vec<u8>, cells: &[String]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        csv_cell(out, c);
    }
    out.push(b'\n');
}

/// Appends one decision as a line of `decisions.csv`: amounts per item (blank unless eligible),
/// in-kind totals per unit of measure, rule outcome codes and missing inputs separated by `;`, and
/// the explanation in `locale` when `explain`.
pub fn csv_decision(out: &mut Vec<u8>, program: &Program, d: &Decision, explain: Option<&str>) {
    csv_cell(out, &spreadsheet_safe(&d.unit_id));
    out.push(b',');
    out.extend_from_slice(d.outcome.as_str().as_bytes());
    out.push(b',');
    if let Some(c) = &d.cash {
        out.extend_from_slice(c.currency.code().as_bytes());
        for amount in [&c.total, &c.fee, &c.net] {
            out.push(b',');
            push_decimal(out, amount);
        }
    } else {
        out.extend_from_slice(b",,,");
    }
    for def in program.items() {
        out.push(b',');
        if let Some(it) = d.items.iter().find(|i| i.id == def.id) {
            push_decimal(out, &it.amount);
        }
    }
    for unit in program.units_of_measure() {
        out.push(b',');
        if let Some(q) = d.in_kind.iter().find(|q| q.unit == *unit) {
            push_decimal(out, &q.quantity);
        }
    }
    out.push(b',');
    for (i, r) in d.rules.iter().enumerate() {
        if i > 0 {
            out.push(b';');
        }
        out.extend_from_slice(r.id.as_bytes());
        out.push(b':');
        out.extend_from_slice(r.outcome.as_str().as_bytes());
    }
    out.push(b',');
    csv_cell(out, &d.missing.join(";"));
    out.push(b',');
    out.extend_from_slice(d.program.hash.as_bytes());
    if let Some(locale) = explain {
        out.push(b',');
        csv_cell(out, &decision_text(program, d, locale));
    }
    out.push(b'\n');
}

/// The columns of `errors.csv`.
pub const ERRORS_HEADER: &str = "file,line,column,unit_id,member_id,code,message\n";

/// Appends an error record as a line of `errors.csv`, its message in the language of `catalog`:
/// people read that file to fix their registry; tools read its code, which is the same in every
/// language, as the other columns are.
pub fn csv_error(out: &mut Vec<u8>, e: &RowError, catalog: &Catalog) {
    csv_cell(out, &e.file);
    let _ = write!(out, ",{},", e.line);
    // The column, unit and member come from the registry file, as typed by whoever filled it in.
    for registry_text in [&e.column, &e.unit_id, &e.member_id] {
        csv_cell(
            out,
            &spreadsheet_safe(registry_text.as_deref().unwrap_or("")),
        );
        out.push(b',');
    }
    out.extend_from_slice(e.code.as_bytes());
    out.push(b',');
    csv_cell(out, &e.message_in(catalog));
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_like_serde_json() {
        for s in [
            "plain",
            "quote\" back\\slash",
            "ctl\u{1}\u{8}\u{c}\n\r\t end",
            "é ü 中 \u{7f}",
            "",
            "H0000001",
            "tail quote\"",
            "\\",
        ] {
            let mut a = Vec::new();
            json_str(&mut a, s);
            assert_eq!(
                String::from_utf8(a).unwrap(),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn dates_are_written_as_chrono_displays_them() {
        for (y, m, d) in [
            (2026, 3, 1),
            (1, 1, 1),
            (999, 12, 31),
            (9999, 12, 31),
            (10000, 1, 1),
            (-5, 6, 7),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let mut a = Vec::new();
            json_date(&mut a, date);
            assert_eq!(String::from_utf8(a).unwrap(), format!("\"{date}\""));
        }
    }

    #[test]
    fn decimals_are_written_as_rust_decimal_displays_them() {
        let mut values = vec![
            Decimal::ZERO,
            Decimal::new(0, 2),
            Decimal::new(5, 2),
            Decimal::new(150_000, 2),
            Decimal::new(-150_000, 2),
            Decimal::new(-0, 3),
            Decimal::new(i64::MAX, 0),
            Decimal::new(1, 28),
            Decimal::MAX,
            Decimal::MIN,
            Decimal::from_i128_with_scale(i128::from(u64::MAX), 28),
            Decimal::from_i128_with_scale(i128::from(u64::MAX) + 1, 4),
        ];
        let mut negative_zero = Decimal::new(0, 2);
        negative_zero.set_sign_negative(true);
        values.push(negative_zero);
        // Every scale with mantissas of every length, from a fixed sequence.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for scale in 0..=28u32 {
            for digits in 1..=20u32 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let m = if digits == 20 {
                    x
                } else {
                    x % 10u64.pow(digits)
                };
                values.push(Decimal::from_i128_with_scale(i128::from(m), scale));
            }
        }
        for d in values {
            let mut a = Vec::new();
            push_decimal(&mut a, &d);
            assert_eq!(String::from_utf8(a).unwrap(), d.to_string(), "{d:?}");
        }
    }

    #[test]
    fn csv_cells_are_quoted_when_needed() {
        let mut out = Vec::new();
        for s in ["a", "a,b", "say \"hi\"", " pad", "two\nlines"] {
            csv_cell(&mut out, s);
            out.push(b'|');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a|\"a,b\"|\"say \"\"hi\"\"\"|\" pad\"|\"two\nlines\"|"
        );
    }

    #[test]
    fn the_fast_writer_agrees_with_the_core_shape() {
        let program =
            Program::compile(include_str!("../../examples/programs/child_grant.entitle")).unwrap();
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        for t in &program.ir().tests {
            let unit = program.test_unit(t);
            let d = program.evaluate(&unit, as_of).unwrap();
            assert!(fast_path_agrees(&d), "{}", t.name);
        }
    }

    #[test]
    fn cached_fragments_follow_the_program_and_its_rules() {
        // Decisions of programs with different references and rules, interleaved on one thread,
        // each written exactly as the generic path writes it.
        let mut decisions = Vec::new();
        for file in [
            "child_grant",
            "old_age_pension",
            "openspp_multi_item_cash",
            "pmt",
            "child_grant",
        ] {
            let path = format!(
                "{}/../examples/programs/{file}.entitle",
                env!("CARGO_MANIFEST_DIR")
            );
            let program = Program::compile(&std::fs::read_to_string(path).unwrap()).unwrap();
            for t in &program.ir().tests {
                let as_of = t.as_of;
                if let Ok(d) = program.evaluate(&program.test_unit(t), as_of) {
                    decisions.push(d);
                }
            }
        }
        assert!(decisions.len() > 8);
        let mut edited = decisions[0].clone();
        edited.rules.reverse();
        edited.rules.pop();
        decisions.push(edited);
        decisions.push(decisions[0].clone());
        for d in decisions.iter().chain(decisions.iter().rev()) {
            let (mut fast, mut generic) = (Vec::new(), Vec::new());
            json_line(&mut fast, d);
            json_line_generic(&mut generic, d);
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                String::from_utf8(generic).unwrap()
            );
        }
    }
}
