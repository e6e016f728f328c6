//! `BatchResult::decision_into` rewrites one record unit after unit (what writers of millions of
//! records use): it must give exactly what `decision` gives, whatever the record held before, and
//! leave the record alone for a unit in error. Checked on every conformance case and example
//! program, in both orders, with and without explanations. `Program::evaluate`, which binds and
//! decides one unit in room its thread keeps from the last call, must likewise give what a fresh
//! batch of that one unit gives.

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
            let result = program.run(
                &batch,
                as_of,
                &EvalOptions {
                    explain,
                    ..Default::default()
                },
            );
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

/// The decision of `unit` from a batch of its own, built from nothing.
fn fresh(
    program: &Program,
    unit: &Unit,
    as_of: chrono::NaiveDate,
    explain: bool,
) -> Result<Decision, entitle_core::UnitError> {
    let batch = program.bind(std::slice::from_ref(unit));
    program
        .run(
            &batch,
            as_of,
            &EvalOptions {
                explain,
                ..Default::default()
            },
        )
        .decision(0)
}

#[test]
fn evaluating_in_kept_room_equals_a_fresh_batch() {
    let all = programs();
    let most = all.iter().map(|(_, _, _, u)| u.len()).max().unwrap_or(0);
    let mut seen = 0;
    // Round robin over the programs, so that the room kept is for another program as often as
    // for the same one; forwards, then backwards, with and without explanations.
    for explain in [false, true] {
        for k in (0..most).chain((0..most).rev()) {
            for (name, program, as_of, units) in &all {
                let Some(unit) = units.get(k) else { continue };
                let got = program.evaluate_with(
                    unit,
                    *as_of,
                    &EvalOptions {
                        explain,
                        ..Default::default()
                    },
                );
                assert_eq!(
                    got,
                    fresh(program, unit, *as_of, explain),
                    "{name}: unit {k}"
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 800, "{seen}");
}

#[test]
fn kept_room_gives_fresh_answers_for_any_household() {
    let src =
        std::fs::read_to_string(root().join("examples/programs/child_grant.entitle")).unwrap();
    let program = Program::compile(&src).unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let household = |members: usize, kinds: usize| {
        let mut u = Unit::new("H")
            .with("region", "North")
            .with("monthly_income", "KES 5000");
        for m in 0..members {
            let kind = format!("kind{}", m % kinds.max(1));
            let kind = if m == 0 { "head".to_string() } else { kind };
            let birth = if m % 2 == 0 {
                "1990-01-01"
            } else {
                "2020-05-01"
            };
            let mut member =
                entitle_core::Member::new(format!("M{m}"), &kind).with("birthdate", birth);
            // Memberships that ended or have not begun, in some households only.
            if kinds == 2 && m % 2 == 1 {
                member.end_date = chrono::NaiveDate::from_ymd_opt(2025, 1, 1);
            }
            if kinds == 2 && m == 3 {
                member.start_date = chrono::NaiveDate::from_ymd_opt(2027, 1, 1);
            }
            u = u.with_member(member);
        }
        u
    };
    // Small, large (past what a thread keeps), many kinds, a failing unit, small again.
    let bad = household(2, 1).with("monthly_income", "KES lots");
    for unit in [
        household(2, 1),
        household(4, 2),
        household(4, 1),
        household(300, 3),
        household(3, 1),
        household(40, 30),
        bad,
        household(1, 1),
        household(5, 2),
    ] {
        for explain in [false, true] {
            assert_eq!(
                program.evaluate_with(
                    &unit,
                    as_of,
                    &EvalOptions {
                        explain,
                        ..Default::default()
                    }
                ),
                fresh(&program, &unit, as_of, explain)
            );
        }
    }
    // Threads each keep their own room.
    std::thread::scope(|s| {
        for t in 0..2 {
            let program = &program;
            s.spawn(move || {
                for n in 0..50 {
                    let unit = household(1 + (n + t) % 7, 1 + n % 3);
                    assert_eq!(
                        program.evaluate(&unit, as_of),
                        fresh(program, &unit, as_of, false)
                    );
                }
            });
        }
    });
}
