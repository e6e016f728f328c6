//! Decisions written as JSON text directly, byte for byte as `serde_json` writes
//! [`super::decision_to_json`]'s value (keys sorted, as a `serde_json::Value`'s map keeps them),
//! without building that value: a tree of maps with a string per key took most of the JSON
//! façade's time (about 30,000 of its 38,000 instructions per household of the child grant).
//! The parts that few decisions have (explanations, scores, run-model outcomes) go through the
//! value, so their bytes are the generic ones by construction. `tests/tests/json_text.rs`
//! compares the two on every decision of the conformance corpus, explained or not.

use crate::result::{ProgramRef, RuleOutcome};
use crate::{Decision, Name};
use chrono::{Datelike, NaiveDate};
use entitle_dsl::ast::{ItemKind, RuleKind};
use rust_decimal::Decimal;
use serde::Serialize;
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
    if let Some(text) = crate::iso_date(d.year(), d.month(), d.day()) {
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
pub fn push_decimal(out: &mut Vec<u8>, d: &Decimal) {
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
        if let Some(b) = buf.get_mut(i) {
            *b = b'0' + (v % 10) as u8;
        }
        v /= 10;
        n += 1;
        if n == scale {
            i -= 1;
            if let Some(b) = buf.get_mut(i) {
                *b = b'.';
            }
        }
        if v == 0 && n > scale {
            break;
        }
    }
    out.extend_from_slice(buf.get(i..).unwrap_or(&[]));
}

/// Appends `"k":`, after a comma unless it is the object's first key: one copy of a literal.
macro_rules! key {
    ($out:expr, $first:expr, $k:literal) => {{
        let text: &[u8] = if std::mem::replace($first, false) {
            concat!("\"", $k, "\":").as_bytes()
        } else {
            concat!(",\"", $k, "\":").as_bytes()
        };
        $out.extend_from_slice(text);
    }};
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

/// A rarely present part, through `serde_json::Value` (its maps' keys sorted, as in the whole
/// decision's value).
fn generic<T: Serialize + ?Sized>(out: &mut Vec<u8>, part: &T) {
    match serde_json::to_value(part) {
        Ok(v) => {
            let _ = serde_json::to_writer(&mut *out, &v);
        }
        Err(_) => out.extend_from_slice(b"null"),
    }
}

/// Appends one decision as JSON text, the bytes of `serde_json::to_writer(out,
/// &decision_to_json(d))`.
pub fn write_decision(out: &mut Vec<u8>, d: &Decision) {
    // Room for a usual decision at once, so that the many small appends below rarely grow it.
    out.reserve(1024);
    let f = &mut true;
    out.push(b'{');
    key!(out, f, "as_of");
    json_date(out, d.as_of);
    if let Some(c) = &d.cash {
        key!(out, f, "cash");
        let g = &mut true;
        out.push(b'{');
        key!(out, g, "capped");
        json_bool(out, c.capped);
        key!(out, g, "currency");
        json_str(out, c.currency.code());
        key!(out, g, "fee");
        json_decimal(out, &c.fee);
        key!(out, g, "floored");
        json_bool(out, c.floored);
        key!(out, g, "items_total");
        json_decimal(out, &c.items_total);
        key!(out, g, "net");
        json_decimal(out, &c.net);
        key!(out, g, "rounded");
        json_bool(out, c.rounded);
        key!(out, g, "total");
        json_decimal(out, &c.total);
        out.push(b'}');
    }
    if !d.compliance.is_empty() {
        key!(out, f, "compliance");
        generic(out, &d.compliance);
    }
    key!(out, f, "decision");
    json_str(out, d.outcome.as_str());
    if let Some(e) = &d.explanation {
        key!(out, f, "explanation");
        generic(out, e);
    }
    key!(out, f, "in_kind");
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
    key!(out, f, "items");
    out.push(b'[');
    for (i, it) in d.items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let g = &mut true;
        out.push(b'{');
        key!(out, g, "amount");
        json_decimal(out, &it.amount);
        key!(out, g, "applied");
        json_bool(out, it.applied);
        if let Some(c) = &it.currency {
            key!(out, g, "currency");
            json_str(out, c.code());
        }
        key!(out, g, "id");
        json_str(out, &it.id);
        key!(out, g, "kind");
        json_str(out, kind_item(it.kind));
        if let Some(v) = &it.max_multiplier {
            key!(out, g, "max_multiplier");
            json_decimal(out, v);
        }
        if let Some(v) = &it.multiplier {
            key!(out, g, "multiplier");
            json_decimal(out, v);
        }
        if let Some(v) = &it.rate {
            key!(out, g, "rate");
            json_decimal(out, v);
        }
        if let Some(u) = &it.unit {
            key!(out, g, "unit");
            json_str(out, u);
        }
        if let Some(v) = &it.value {
            key!(out, g, "value");
            json_decimal(out, v);
        }
        out.push(b'}');
    }
    out.push(b']');
    key!(out, f, "missing");
    out.push(b'[');
    for (i, m) in d.missing.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_str(out, m);
    }
    out.push(b']');
    if !d.priority.is_empty() {
        key!(out, f, "priority");
        generic(out, &d.priority);
    }
    key!(out, f, "program");
    FRAGMENTS.with(|cache| {
        let mut cache = cache.borrow_mut();
        out.extend_from_slice(cache.program(&d.program));
        if !d.rank_keys.is_empty() {
            key!(out, f, "rank_keys");
            generic(out, &d.rank_keys);
        }
        key!(out, f, "rules");
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
    if !d.scores.is_empty() {
        key!(out, f, "scores");
        generic(out, &d.scores);
    }
    key!(out, f, "unit_id");
    json_str(out, &d.unit_id);
    out.push(b'}');
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
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
}
