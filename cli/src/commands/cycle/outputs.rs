//! The files one cycle writes (`run.jsonl`, `run.csv`, `errors.csv`, `summary.json`), and the
//! program, date and registry header that `summary.json` shares with `simulate`'s JSON.

use super::collect::Collected;
use crate::decisions::{csv_cell, csv_error, ERRORS_HEADER};
use crate::output::OutputSet;
use crate::words::Words;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use entitle_core::run_model::summary::Summary;
use entitle_core::run_model::{RunOutcome, UnitRun};
use entitle_core::Program;
use entitle_dsl::ast::Target;
use entitle_payments::text::spreadsheet_safe;
use rust_decimal::Decimal;
use serde_json::{json, Value as Json};
use std::path::Path;

fn opt(d: Option<Decimal>) -> String {
    d.map(|x| x.to_string()).unwrap_or_default()
}

/// `run.csv`: one line per unit.
fn csv_record(out: &mut Vec<u8>, u: &UnitRun) {
    // Unit ids come from the registry, as typed by whoever filled it in: made text for spreadsheets.
    let cells = [
        spreadsheet_safe(&u.unit_id).into_owned(),
        u.decision
            .map(|d| d.as_str().to_string())
            .unwrap_or_else(|| "error".into()),
        u.previous_state
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        u.state.as_str().to_string(),
        serde_json::to_value(u.state_reason.code)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        u.state_reason.rules.join(";"),
        spreadsheet_safe(&u.state_reason.with.join(";")).into_owned(),
        u.rank.map(|r| r.to_string()).unwrap_or_default(),
        u.selected.to_string(),
        serde_json::to_value(u.selection)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        opt(u.cash),
        opt(u.allocated),
        u.approval
            .and_then(|a| serde_json::to_value(a).ok())
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
    ];
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        csv_cell(out, c);
    }
    out.push(b'\n');
}

pub(super) const RUN_CSV_HEADER: &str = "unit_id,decision,previous_state,state,reason,reason_rules,duplicate_of,rank,selected,selection,cash,allocated,approval\n";

/// The files one cycle writes.
const CYCLE_OUTPUTS: [&str; 4] = ["run.jsonl", "run.csv", "errors.csv", "summary.json"];

pub(super) fn header_json(
    program: &Program,
    program_file: &str,
    as_of: NaiveDate,
    c: &Collected,
) -> serde_json::Map<String, Json> {
    let p = program.program_ref();
    let mut m = serde_json::Map::new();
    m.insert(
        "program".into(),
        json!({"id": p.id, "version": p.version, "hash": p.hash}),
    );
    m.insert("program_file".into(), json!(program_file));
    m.insert("as_of".into(), json!(as_of.to_string()));
    m.insert("registry".into(), json!(c.describe));
    m.insert("rows".into(), json!({"units": c.read.units, "members": c.read.member_rows, "row_errors": c.row_errors, "units_left_out": c.units_left_out, "unit_errors": c.unit_errors}));
    m.insert(
        "defaults_for_absent_columns".into(),
        crate::summary::absent_json(&c.absent),
    );
    m
}

/// Writes one cycle's files and returns its outcome.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_cycle(
    dir: &Path,
    force: bool,
    program: &Program,
    program_file: &str,
    registry_path: &str,
    as_of: NaiveDate,
    c: &Collected,
    outcome: &RunOutcome,
    summary: &Summary,
    words: Words,
) -> Result<Json> {
    let mut out = OutputSet::prepare(dir, &CYCLE_OUTPUTS, force)?;
    let mut jsonl = Vec::new();
    let mut csv = RUN_CSV_HEADER.as_bytes().to_vec();
    for u in &outcome.units {
        serde_json::to_writer(&mut jsonl, u).context("cannot write a unit's record")?;
        jsonl.push(b'\n');
        csv_record(&mut csv, u);
    }
    let mut errors = ERRORS_HEADER.as_bytes().to_vec();
    for e in &c.errors {
        csv_error(&mut errors, e, words.catalog());
    }
    let mut m = header_json(program, program_file, as_of, c);
    // What `entitle pay` needs to pay the approved allocations: where payees are found, in
    // which currency the amounts are, and whether they are before a transfer fee.
    m.insert("registry_path".into(), json!(registry_path));
    m.insert(
        "target".into(),
        json!(match program.target() {
            Target::Household => "household",
            Target::Individual => "individual",
        }),
    );
    m.insert(
        "currency".into(),
        json!(program.currency().map(|c| c.code().to_string())),
    );
    m.insert(
        "transfer_fee".into(),
        json!(program.ir().entitlement.fee.is_some()),
    );
    m.insert(
        "totals".into(),
        serde_json::to_value(&outcome.totals).unwrap_or(Json::Null),
    );
    m.insert(
        "summary".into(),
        serde_json::to_value(summary).unwrap_or(Json::Null),
    );
    // The previous cycle's units the registry no longer has (the run's `previous_not_in_run`).
    if !outcome.previous_not_in_run.is_empty() {
        m.insert(
            "previous_not_in_registry".into(),
            serde_json::to_value(&outcome.previous_not_in_run).unwrap_or(Json::Null),
        );
    }
    let doc = Json::Object(m);
    let mut text = serde_json::to_vec_pretty(&doc).context("cannot render the summary")?;
    text.push(b'\n');
    out.write("run.jsonl", &jsonl)?;
    out.write("run.csv", &csv)?;
    out.write("errors.csv", &errors)?;
    out.write("summary.json", &text)?;
    out.commit()?;
    Ok(doc)
}
