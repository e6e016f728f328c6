//! One household of the child grant through Entitle, `N` times: what `scripts/instructions.sh`
//! counts the instructions of under valgrind. A count of instructions does not change with what
//! else the machine runs, where times do (this machine is shared), so it can tell a change of a
//! few per cent in one household's cost that criterion's times cannot.
//!
//! `one_household [evaluate|into|bound|json] [N]`: `evaluate` builds each `Decision` (as
//! `Program::evaluate`), `into` writes it over a kept one (`Program::evaluate_into`), `bound` runs
//! an already bound batch of one (`Program::run`), `json` gives N copies of the household's JSON
//! to one `Program::evaluate_batch_json_texts` (the path of Node's `evaluateBatch`, without the
//! JavaScript: results written as text in arrays of 2,048), `json-values` to
//! `Program::evaluate_batch_json` and `results_json_texts` (the same texts through a
//! `serde_json::Value` per result, as the bindings wrote them before). It prints the wall time per
//! call too, for a glance only.

use chrono::NaiveDate;
use entitle_core::{EvalOptions, Member, Program, Unit};
use std::time::Instant;

// The allocator `entitle` and the bindings ship with, as in the criterion benchmarks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CHILD_GRANT: &str = include_str!("../../../examples/programs/child_grant.entitle");

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "evaluate".into());
    let n: usize = match args.next().map(|a| a.parse()) {
        None => 100_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("one_household: N must be a count ({e})");
            std::process::exit(2);
        }
    };
    let program = Program::compile(CHILD_GRANT).unwrap_or_else(|d| panic!("{d}"));
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
    // The household of the criterion benchmark's "one household" group.
    let unit = Unit::new("H1")
        .with("region", "North")
        .with("monthly_income", "KES 5000")
        .with_member(Member::new("M1", "head").with("birthdate", "1990-01-01"))
        .with_member(Member::new("M2", "child").with("birthdate", "2020-05-01"));
    let options = EvalOptions::default();
    let bound = program.bind(std::slice::from_ref(&unit));
    let mut kept = program
        .evaluate(&unit, as_of)
        .unwrap_or_else(|e| panic!("{e}"));
    if mode == "json" || mode == "json-values" {
        json_batch(&program, n, mode == "json");
        return;
    }
    let start = Instant::now();
    let mut eligible = 0usize;
    for _ in 0..n {
        let unit = std::hint::black_box(&unit);
        eligible += match mode.as_str() {
            "evaluate" => program
                .evaluate(unit, as_of)
                .is_ok_and(|d| d.outcome == entitle_core::Outcome::Eligible),
            "into" => program
                .evaluate_into(unit, as_of, &options, &mut kept)
                .is_ok_and(|()| kept.outcome == entitle_core::Outcome::Eligible),
            "bound" => program
                .run(std::hint::black_box(&bound), as_of, &options)
                .cash_total(0)
                .is_some(),
            other => {
                eprintln!(
                    "one_household: no mode {other} (evaluate, into, bound, json, json-values)"
                );
                std::process::exit(2);
            }
        } as usize;
    }
    let per_call = start.elapsed().as_nanos() / u128::try_from(n.max(1)).unwrap_or(1);
    // The household is eligible: a count that is not n means the loop did not do its work.
    assert_eq!(eligible, n, "the household must be eligible every time");
    println!("{mode}: {n} households, {per_call} ns each (wall time, not the measure)");
}

/// `n` copies of the household as JSON through the façade, results written as texts either
/// straight from the decisions (`direct`) or through `serde_json::Value`s. Evaluation runs on
/// rayon's pool, which `RAYON_NUM_THREADS=1` keeps to one core for a count.
fn json_batch(program: &Program, n: usize, direct: bool) {
    let unit = serde_json::json!({
        "id": "H1", "region": "North", "monthly_income": "KES 5000",
        "members": [
            {"id": "M1", "kind": "head", "birthdate": "1990-01-01"},
            {"id": "M2", "kind": "child", "birthdate": "2020-05-01"}
        ]
    });
    let units = vec![unit; n];
    let (as_of, options) = ("2026-03-01", EvalOptions::default());
    let start = Instant::now();
    let texts = if direct {
        program.evaluate_batch_json_texts(&units, as_of, &options, &[], 1 << 28, 2048)
    } else {
        let values = program.evaluate_batch_json(&units, as_of, &options);
        values
            .chunks(2048)
            .flat_map(|c| entitle_core::json::results_json_texts(c, 1 << 28))
            .collect()
    };
    let per_unit = start.elapsed().as_nanos() / u128::try_from(n.max(1)).unwrap_or(1);
    let eligible: usize = texts
        .iter()
        .map(|t| t.matches("\"decision\":\"eligible\"").count())
        .sum();
    assert_eq!(eligible, n, "the household must be eligible every time");
    let mode = if direct { "json" } else { "json-values" };
    println!("{mode}: {n} households, {per_unit} ns each (wall time, not the measure)");
}
