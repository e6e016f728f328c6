//! `BatchResult::decision_into` rewrites one record unit after unit (what writers of millions of
//! records use): it must give exactly what `decision` gives, whatever the record held before, and
//! leave the record alone for a unit in error. Checked on every conformance case and example
//! program, in both orders, with and without explanations.

use entitle_core::json::unit_from_json;
use entitle_core::{Decision, EvalOptions, Program, Unit};
use serde_json::Value as Json;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Every program with units to decide: the conformance cases and the example programs' tests.
fn programs() -> Vec<(String, Program, chrono::NaiveDate, Vec<Unit>)> {
    let mut all = Vec::new();
    let mut cases: Vec<_> = std::fs::read_dir(root().join("tests/conformance/cases"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    for file in cases {
        let doc: Json = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for case in doc["cases"].as_array().unwrap() {
            let Some(lines) = case["source"].as_array() else {
                continue;
            };
            let src: Vec<&str> = lines.iter().filter_map(Json::as_str).collect();
            let Ok(program) = Program::compile(&(src.join("\n") + "\n")) else {
                continue;
            };
            let Some(as_of) = case["as_of"]
                .as_str()
                .and_then(|d| d.parse::<chrono::NaiveDate>().ok())
            else {
                continue;
            };
            let units: Vec<Unit> = case["units"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|u| unit_from_json(u).ok())
                .collect();
            if !units.is_empty() {
                let name = format!("{}: {}", file.display(), case["name"]);
                all.push((name, program, as_of, units));
            }
        }
    }
    let mut examples: Vec<_> = std::fs::read_dir(root().join("examples/programs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    examples.sort();
    for path in examples {
        let program = Program::compile(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let units: Vec<Unit> = program
            .ir()
            .tests
            .iter()
            .map(|t| program.test_unit(t))
            .collect();
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        all.push((path.display().to_string(), program, as_of, units));
    }
    all
}

#[test]
fn a_rewritten_record_equals_a_fresh_one() {
    let (mut units_seen, mut errors_seen, mut programs_seen) = (0, 0, 0);
    for (name, program, as_of, units) in programs() {
        programs_seen += 1;
        let batch = program.bind(&units);
        for explain in [false, true] {
            let result = program.run(&batch, as_of, &EvalOptions { explain });
            let n = result.len();
            for order in [(0..n).collect::<Vec<_>>(), (0..n).rev().collect::<Vec<_>>()] {
                let mut record: Option<Decision> = None;
                for i in order {
                    let fresh = result.decision(i);
                    let Some(d) = record.as_mut() else {
                        record = fresh.ok();
                        continue;
                    };
                    let before = d.clone();
                    let rewritten = result.decision_into(i, d);
                    match fresh {
                        Ok(f) => {
                            assert!(rewritten.is_ok(), "{name}: unit {i}");
                            assert_eq!(*d, f, "{name}: unit {i}, explain {explain}");
                            units_seen += 1;
                        }
                        Err(e) => {
                            assert_eq!(rewritten.unwrap_err(), e, "{name}: unit {i}");
                            assert_eq!(*d, before, "{name}: unit {i} changed the record");
                            errors_seen += 1;
                        }
                    }
                }
            }
        }
    }
    // The corpus has every kind of decision, errors included.
    assert!(programs_seen > 50, "{programs_seen} programs");
    assert!(
        units_seen > 200 && errors_seen > 0,
        "{units_seen} {errors_seen}"
    );
}
