//! The run model when some units cannot be evaluated or are given wrongly: a unit that fails keeps
//! what the registry says of it (its members and ID documents against new duplicates, its region
//! in the summary), and a unit id given twice is not decided, selected or paid twice.

mod common;

use common::run_model::{compile, day, dec};
use entitle_core::run_model::summary::summarize;
use entitle_core::run_model::{
    run, Collector, MembershipState, ReasonCode, RunOptions, SelectionCode,
};
use entitle_core::{Member, Unit};
use std::collections::HashMap;

const HOUSEHOLDS: &str = r#"
program hh "Household grant" version "1"
  target household
  currency KES

inputs
  household.region: text
  member.birthdate: date
  member.national_id: text

let children "Children under 18" = count(members where age(birthdate) < 18)

eligible when
  has_child "A child under 18" children >= 1

entitlement
  cash base "Base" KES 1000

deduplicate
  shared  "An individual counted in another household" shared members
  same_id "Same national ID"                           same national_id

summary by region

test "one" as of 2026-03-01
  member kind "head", birthdate 1980-01-01
  member kind "child", birthdate 2015-01-01
  expect eligible
"#;

fn person(id: &str, kind: &str, born: &str, nid: Option<&str>) -> Member {
    let m = Member::new(id, kind).with("birthdate", born);
    match nid {
        Some(n) => m.with("national_id", n),
        None => m,
    }
}

/// H1 was enrolled before and cannot be evaluated this run (a birthdate after the as-of date, R0003);
/// H2 is new and counts H1's child M2; H3 is new and has the head's ID document of H1; H4 is alone.
fn households() -> Vec<Unit> {
    vec![
        Unit::new("H1")
            .with("region", "North")
            .with_member(person("M1", "head", "1980-01-01", Some("ID-1")))
            .with_member(person("M2", "child", "2015-01-01", None))
            .with_member(person("M3", "child", "2027-01-01", None)),
        Unit::new("H2")
            .with("region", "South")
            .with_member(person("M4", "head", "1981-01-01", None))
            .with_member(person("M2", "child", "2015-01-01", None)),
        Unit::new("H3")
            .with("region", "South")
            .with_member(person("M5", "head", "1982-01-01", Some("id 1")))
            .with_member(person("M6", "child", "2016-01-01", None)),
        Unit::new("H4")
            .with("region", "East")
            .with_member(person("M7", "head", "1983-01-01", None))
            .with_member(person("M8", "child", "2017-01-01", None)),
    ]
}

#[test]
fn a_unit_that_fails_still_holds_its_members_and_ids_against_new_duplicates() {
    let p = compile(HOUSEHOLDS);
    let options = RunOptions {
        previous: HashMap::from([("H1".to_string(), MembershipState::Enrolled)]),
        ..RunOptions::default()
    };
    let run = p
        .run_cycle(&households(), day(2026, 3, 1), &options)
        .unwrap();
    let h1 = run.unit("H1").unwrap();
    assert_eq!(
        (
            h1.decision,
            h1.state,
            h1.state_reason.code,
            h1.state_reason.error.as_deref(),
            h1.selection
        ),
        (
            None,
            MembershipState::Enrolled,
            ReasonCode::Error,
            Some("R0003"),
            SelectionCode::Undecided
        )
    );
    // H1 is the one enrolled before in both groups: H2 and H3 are its duplicates.
    for (id, rule) in [("H2", "shared"), ("H3", "same_id")] {
        let u = run.unit(id).unwrap();
        assert_eq!(
            (
                u.state,
                u.state_reason.rules.clone(),
                u.state_reason.with.clone()
            ),
            (
                MembershipState::Duplicated,
                vec![rule.to_string()],
                vec!["H1".to_string()]
            ),
            "{id}"
        );
    }
    assert_eq!(run.selected_ids(), vec!["H4"]);
    assert_eq!(
        (run.totals.selected, run.totals.allocated),
        (1, dec("1000"))
    );
}

#[test]
fn a_unit_that_fails_is_counted_in_its_own_group_of_the_summary() {
    let p = compile(HOUSEHOLDS);
    let as_of = day(2026, 3, 1);
    let collector = Collector::for_program(&p, as_of).unwrap();
    let units = households();
    let batch = p.bind(&units);
    let result = p.run(&batch, as_of, &entitle_core::EvalOptions::default());
    let mut records = Vec::new();
    collector.collect(&result, &mut records);
    let outcome = run(&p, as_of, &records, &RunOptions::default()).unwrap();
    let s = summarize(&outcome, &records, &collector.dimensions(), None);
    assert_eq!(s.decisions.errors, 1);
    let groups: Vec<(String, u64, u64)> = s.by[0]
        .groups
        .iter()
        .map(|g| {
            (
                g.value.as_ref().map(|v| v.to_string()).unwrap_or_default(),
                g.units,
                g.covered,
            )
        })
        .collect();
    // H1 (North) cannot be evaluated, but it is in North: no group of unknown regions.
    assert_eq!(
        groups,
        vec![
            ("East".to_string(), 1, 1),
            ("North".to_string(), 1, 0),
            ("South".to_string(), 2, 2),
        ]
    );
}

const INDIVIDUALS: &str = r#"
program ind "Transfer" version "1"
  target individual
  currency KES

inputs
  person.score: number

eligible when
  poor "Score below 50" score < 50

entitlement
  cash transfer "Transfer" KES 100

selection
  rank by score ascending

test "poor" as of 2026-01-01
  person score 10
  expect eligible
"#;

#[test]
fn a_unit_id_given_twice_is_decided_selected_and_paid_once() {
    let p = compile(INDIVIDUALS);
    let units = vec![
        Unit::new("A").with("score", 20i64),
        Unit::new("B").with("score", 30i64),
        Unit::new("A").with("score", 10i64),
    ];
    let options = RunOptions {
        previous: HashMap::from([("A".to_string(), MembershipState::Enrolled)]),
        auto_approve: true,
        ..RunOptions::default()
    };
    let run = p.run_cycle(&units, day(2026, 1, 1), &options).unwrap();
    let got: Vec<_> = run
        .units
        .iter()
        .map(|u| {
            (
                u.unit_id.as_str(),
                u.decision.is_some(),
                u.previous_state,
                u.state,
                u.state_reason.error.as_deref(),
                u.rank,
                u.selected,
            )
        })
        .collect();
    let enrolled = MembershipState::Enrolled;
    assert_eq!(
        got,
        vec![
            ("A", true, Some(enrolled), enrolled, None, Some(1), true),
            ("B", true, None, enrolled, None, Some(2), true),
            (
                "A",
                false,
                None,
                MembershipState::Draft,
                Some("R0010"),
                None,
                false
            ),
        ]
    );
    let t = &run.totals;
    assert_eq!(
        (t.units, t.errors, t.selected, t.approved_units, t.approved),
        (3, 1, 2, 2, dec("200"))
    );
    assert_eq!(t.states.get(&enrolled), Some(&2));

    // The same through the JSON boundary the bindings use.
    let json: Vec<serde_json::Value> = serde_json::from_str(
        r#"[{"id": "A", "score": 20}, {"id": "B", "score": 30}, {"id": "A", "score": 10}]"#,
    )
    .unwrap();
    let out = p.run_cycle_json(
        &json,
        "2026-01-01",
        &serde_json::json!({"auto_approve": true, "summary": {}}),
    );
    assert_eq!(out["totals"]["selected"], 2);
    assert_eq!(out["units"][2]["state_reason"]["error"], "R0010");
    assert_eq!(out["summary"]["overall"]["covered"], 2);
    assert_eq!(out["summary"]["decisions"]["errors"], 1);
}
