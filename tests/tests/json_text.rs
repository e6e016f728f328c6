//! The JSON façade's results written as text straight from the decisions
//! (`Program::evaluate_batch_json_texts`, `entitle_core::json::write_decision`) against the same
//! results written through `serde_json::Value` (`evaluate_batch_json`, `results_json_texts`):
//! the same bytes for every unit of the conformance corpus, explained or not, whole and split.

use entitle_core::json::{decision_to_json, results_json_texts, write_decision};
use entitle_core::{EvalOptions, Program};
use serde_json::Value as Json;

/// Every case of the corpus that evaluates units: its program, units, as-of date and options.
fn cases() -> Vec<(String, Program, Vec<Json>, String, EvalOptions)> {
    let files = entitle_tests::load_all().unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    for (_, file) in files {
        for case in file.cases {
            let (Some(as_of), false) = (case.as_of.clone(), case.units.is_empty()) else {
                continue;
            };
            let Ok(source) = case.source_text() else {
                continue;
            };
            let Ok(program) = Program::compile(&source) else {
                continue;
            };
            let options = case.eval_options();
            out.push((case.name, program, case.units, as_of, options));
        }
    }
    assert!(out.len() > 120, "only {} cases evaluate units", out.len());
    out
}

#[test]
fn every_result_of_the_corpus_is_written_as_the_value_path_writes_it() {
    let mut units_seen = 0;
    for (name, program, units, as_of, options) in cases() {
        for explain in [false, true] {
            let options = EvalOptions {
                explain,
                ..options.clone()
            };
            let values = program.evaluate_batch_json(&units, &as_of, &options);
            units_seen += values.len();
            // Whole, and split into arrays of at most 700 bytes (a result longer alone is its
            // unit's R0010), and with a result put in place of the second unit's.
            for max in [usize::MAX, 700] {
                let want = results_json_texts(&values, max);
                let got = program.evaluate_batch_json_texts(
                    &units,
                    &as_of,
                    &options,
                    &[],
                    max,
                    usize::MAX,
                );
                assert_eq!(got, want, "{name} (explain {explain}, at most {max} bytes)");
            }
            // At most two results an array, as the Node package asks for its chunks: the same
            // results in order, each array within both limits.
            let flat = |texts: &[String]| -> Vec<Json> {
                let parse = |t: &String| serde_json::from_str::<Vec<Json>>(t).unwrap_or_default();
                texts.iter().flat_map(parse).collect()
            };
            let got = program.evaluate_batch_json_texts(&units, &as_of, &options, &[], 700, 2);
            assert_eq!(
                flat(&got),
                flat(&results_json_texts(&values, 700)),
                "{name}"
            );
            for t in &got {
                let n = serde_json::from_str::<Vec<Json>>(t).map_or(0, |a| a.len());
                assert!((1..=2).contains(&n) && t.len() <= 700, "{name}: {t}");
            }
            let record = serde_json::json!({"unit_id": "X", "error": {"code": "R0010"}});
            let mut replaced = values.clone();
            if let Some(r) = replaced.get_mut(1) {
                *r = record.clone();
                let got = program.evaluate_batch_json_texts(
                    &units,
                    &as_of,
                    &options,
                    &[(1, record)],
                    usize::MAX,
                    usize::MAX,
                );
                assert_eq!(got, results_json_texts(&replaced, usize::MAX), "{name}");
            }
            // Each unit through the one-unit façade, as text and as a value.
            for u in &units {
                let want = program.evaluate_json(u, &as_of, &options).to_string();
                assert_eq!(
                    program.evaluate_json_text(u, &as_of, &options),
                    want,
                    "{name}"
                );
            }
            // Each decision on its own.
            let date = entitle_core::parse::parse_date(&as_of);
            for u in &units {
                let (Some(date), Ok(unit)) = (date, program.read_json_unit(u, &options)) else {
                    continue;
                };
                if let Ok(d) = program.evaluate_with(&unit, date, &options) {
                    let mut text = Vec::new();
                    write_decision(&mut text, &d);
                    let want = serde_json::to_string(&decision_to_json(&d)).unwrap_or_default();
                    assert_eq!(String::from_utf8(text).unwrap_or_default(), want, "{name}");
                }
            }
        }
    }
    assert!(units_seen > 600, "only {units_seen} results compared");
}

#[test]
fn a_malformed_as_of_date_and_an_empty_batch_are_written_as_before() {
    let program = Program::compile(include_str!("../../examples/programs/child_grant.entitle"))
        .unwrap_or_else(|d| panic!("{d}"));
    let units = [serde_json::json!({"id": "H1", "region": "North"})];
    let options = EvalOptions::default();
    for as_of in ["March", "2026-03-01"] {
        for u in [
            &units[0],
            &serde_json::json!("not a unit"),
            &serde_json::json!({"id": 7}),
        ] {
            let want = program.evaluate_json(u, as_of, &options).to_string();
            assert_eq!(program.evaluate_json_text(u, as_of, &options), want);
        }
        for units in [&units[..], &[]] {
            let want = results_json_texts(
                &program.evaluate_batch_json(units, as_of, &options),
                usize::MAX,
            );
            let max = usize::MAX;
            let got = program.evaluate_batch_json_texts(units, as_of, &options, &[], max, max);
            assert_eq!(got, want);
        }
    }
    assert_eq!(
        program.evaluate_batch_json_texts(&[], "2026-03-01", &options, &[], 9, usize::MAX),
        ["[]"]
    );
    // A malformed date with at most two results an array: every unit's error, in order.
    let five: Vec<Json> = (1..=5)
        .map(|k| serde_json::json!({"id": format!("H{k}")}))
        .collect();
    let got = program.evaluate_batch_json_texts(&five, "March", &options, &[], usize::MAX, 2);
    let arrays: Vec<Vec<Json>> = got
        .iter()
        .map(|t| serde_json::from_str(t).unwrap_or_default())
        .collect();
    assert_eq!(arrays.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
    let flat: Vec<Json> = arrays.into_iter().flatten().collect();
    assert_eq!(flat, program.evaluate_batch_json(&five, "March", &options));
    let ids: Vec<&str> = flat.iter().filter_map(|r| r["unit_id"].as_str()).collect();
    assert_eq!(ids, ["H1", "H2", "H3", "H4", "H5"]);
    assert!(flat.iter().all(|r| r["error"]["code"] == "R0010"));
}
