//! Decision records as lines of `decisions.jsonl` and `decisions.csv`, and error records as lines
//! of `errors.csv`.
//!
//! `decisions.jsonl` holds exactly what [`entitle_core::json::decision_to_json`] gives, one object
//! per line. Building a `serde_json::Value` per decision is slow for millions of units, so
//! [`json_line`] writes the same bytes directly (`entitle_core::json::write_decision`, keys in
//! the same sorted order); a run checks the two agree on the first decision of every chunk and
//! falls back to the generic path if they ever differ, and tests compare them on every decision
//! of the example programs and of the conformance corpus (`tests/tests/json_text.rs`).

use entitle_core::explain::render::decision_text;
use entitle_core::json::{decision_to_json, push_decimal, write_decision};
use entitle_core::{Decision, Program};
use entitle_dsl::locale::Catalog;
use entitle_payments::text::spreadsheet_safe;
use entitle_registry::RowError;
use std::io::Write;

/// Appends one decision as a JSON line, written directly ([`write_decision`]).
pub fn json_line(out: &mut Vec<u8>, d: &Decision) {
    write_decision(out, d);
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
