//! The bound on records per unit (`EvalLimits::max_records`, R0014), on every evaluation path: a
//! unit that sends more records of one collection than the limit gets an error of its own,
//! alone or in a batch, and the other units of the batch are decided as usual. (Members and
//! evaluation steps are bounded in `properties.rs`, program text in `dsl/tests/bad_input.rs`.)

use entitle_core::{CompileOptions, EvalLimits, EvalOptions, Program};
use serde_json::{json, Value as Json};

const SOURCE: &str = "\
program rec \"Records\"
  target individual
  currency KES

records visits \"Clinic visits\" dated by visit_date
  visit_date: date

eligible when
  visited \"At least one visit\" count(visits) >= 1

entitlement
  cash per_visit \"KES 1 a visit\" KES 1 times count(visits)
";

fn unit(id: &str, visits: usize) -> Json {
    let visits: Vec<Json> = (0..visits)
        .map(|_| json!({"visit_date": "2026-01-01"}))
        .collect();
    json!({"id": id, "visits": visits})
}

/// `(unit id, error code or the cash total)` of each result.
fn outcomes(results: &[Json]) -> Vec<(String, String)> {
    results
        .iter()
        .map(|r| {
            let id = r["unit_id"].as_str().unwrap_or_default().to_string();
            let what = match r.get("error") {
                Some(e) => e["code"].as_str().unwrap_or_default().to_string(),
                None => r["cash"]["total"].to_string(),
            };
            (id, what)
        })
        .collect()
}

fn check(program: &Program, limit: usize) {
    let units = [unit("at", limit), unit("over", limit + 1), unit("one", 1)];
    let options = EvalOptions::default();
    let alone: Vec<Json> = units
        .iter()
        .map(|u| program.evaluate_json(u, "2026-03-01", &options))
        .collect();
    let batch = program.evaluate_batch_json(&units, "2026-03-01", &options);
    let at_limit = format!("\"{limit}\"");
    let want = [
        ("at".to_string(), at_limit),
        ("over".to_string(), "R0014".to_string()),
        ("one".to_string(), "\"1\"".to_string()),
    ];
    assert_eq!(outcomes(&alone), want, "evaluated alone: {alone:?}");
    assert_eq!(outcomes(&batch), want, "as a batch");
    assert_eq!(alone, batch);
}

#[test]
fn records_beyond_the_default_limit_are_an_error_of_that_unit() {
    assert_eq!(EvalLimits::default().max_records, 10_000);
    let program = Program::compile(SOURCE).expect("compiles");
    check(&program, 10_000);
}

#[test]
fn a_smaller_record_limit_is_honoured() {
    let options = CompileOptions {
        eval_limits: EvalLimits {
            max_records: 3,
            ..EvalLimits::default()
        },
        ..CompileOptions::default()
    };
    let program = Program::compile_with(SOURCE, &options).expect("compiles");
    check(&program, 3);
    let over = program.evaluate_json(&unit("over", 4), "2026-03-01", &EvalOptions::default());
    assert_eq!(
        (
            over["error"]["limit"].clone(),
            over["error"]["records"].clone()
        ),
        (json!(3), json!("visits")),
        "{over}"
    );
}
