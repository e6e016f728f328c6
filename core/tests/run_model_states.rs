//! The run model's membership states on small populations whose outcome is worked out by hand in
//! each test: compliance re-checked each cycle (and its explanation), deduplication, and the
//! state of a registrant enrolled on its own.

mod common;

use common::run_model::{compile, day, dec};
use entitle_core::run_model::{
    ComplianceCheck, MembershipState, ReasonCode, RunOptions, SelectionCode,
};
use entitle_core::{Member, Unit};
use std::collections::HashMap;

const CCT: &str = r#"
program cct "Conditional cash transfer" version "1"
  target household
  currency KES

inputs
  household.income: money
  household.moved_out: bool default false
  household.attendance: number
  household.missed_visits: number default 0

eligible when
  poor "Income below KES 5000" income < KES 5000

entitlement
  cash base "Base" KES 1000

compliant when
  school   "Children attend school on 80% of days" attendance >= 80% else paused
  visits   "Fewer than two missed health visits"   missed_visits < 2 else paused
  resident "Still lives in the area"               not moved_out else exited

test "attends" as of 2026-01-01
  household income KES 100, attendance 0.9
  expect eligible, passed school, passed resident
"#;

fn cct_units() -> Vec<Unit> {
    let h = |id: &str, income: i64, attendance: Option<&str>| {
        let u = Unit::new(id).with("income", income);
        match attendance {
            Some(a) => u.with("attendance", dec(a)),
            None => u,
        }
    };
    vec![
        h("H1", 100, Some("0.9")),
        h("H2", 100, Some("0.5")),
        h("H3", 100, Some("0.5")).with("moved_out", true),
        h("H4", 100, Some("0.9")),
        h("H5", 6000, Some("0.9")),
        h("H6", 100, Some("0.9")),
        h("H7", 100, Some("0.1")),
        h("H8", 100, None),
        Unit::new("H9").with("attendance", dec("0.9")),
        h("H10", 100, Some("0.9")).with("missed_visits", 3i64),
    ]
}

fn previous(pairs: &[(&str, MembershipState)]) -> HashMap<String, MembershipState> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn compliance_is_rechecked_for_enrolled_units_and_gives_states_with_reasons() {
    let p = compile(CCT);
    let prev = previous(&[
        ("H1", MembershipState::Enrolled),
        ("H2", MembershipState::Enrolled),
        ("H3", MembershipState::Enrolled),
        ("H4", MembershipState::Paused),
        ("H5", MembershipState::Enrolled),
        ("H6", MembershipState::Exited),
        ("H8", MembershipState::Enrolled),
        ("H10", MembershipState::Enrolled),
    ]);
    let run = p
        .run_cycle(
            &cct_units(),
            day(2026, 1, 1),
            &RunOptions {
                previous: prev.clone(),
                ..RunOptions::default()
            },
        )
        .unwrap();
    let got: Vec<(
        &str,
        MembershipState,
        ReasonCode,
        Vec<String>,
        SelectionCode,
    )> = run
        .units
        .iter()
        .map(|u| {
            (
                u.unit_id.as_str(),
                u.state,
                u.state_reason.code,
                u.state_reason.rules.clone(),
                u.selection,
            )
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        vec![
            (
                "H1",
                MembershipState::Enrolled,
                ReasonCode::Compliant,
                s(&[]),
                SelectionCode::Selected
            ),
            (
                "H2",
                MembershipState::Paused,
                ReasonCode::Compliance,
                s(&["school"]),
                SelectionCode::NotEnrolled
            ),
            // Two conditions fail; exiting is more severe than pausing.
            (
                "H3",
                MembershipState::Exited,
                ReasonCode::Compliance,
                s(&["school", "resident"]),
                SelectionCode::NotEnrolled
            ),
            // A paused unit whose conditions hold again is enrolled again.
            (
                "H4",
                MembershipState::Enrolled,
                ReasonCode::Compliant,
                s(&[]),
                SelectionCode::Selected
            ),
            (
                "H5",
                MembershipState::NotEligible,
                ReasonCode::NotEligible,
                s(&["poor"]),
                SelectionCode::NotEnrolled
            ),
            (
                "H6",
                MembershipState::Exited,
                ReasonCode::Exited,
                s(&[]),
                SelectionCode::NotEnrolled
            ),
            // New: compliance is not a condition of enrolment.
            (
                "H7",
                MembershipState::Enrolled,
                ReasonCode::Eligible,
                s(&[]),
                SelectionCode::Selected
            ),
            // Attendance unknown: stays enrolled, but nothing is given this cycle.
            (
                "H8",
                MembershipState::Enrolled,
                ReasonCode::Undetermined,
                s(&["school"]),
                SelectionCode::Undecided
            ),
            (
                "H9",
                MembershipState::Draft,
                ReasonCode::Undetermined,
                s(&[]),
                SelectionCode::NotEnrolled
            ),
            (
                "H10",
                MembershipState::Paused,
                ReasonCode::Compliance,
                s(&["visits"]),
                SelectionCode::NotEnrolled
            ),
        ]
    );
    assert_eq!(run.unit("H9").unwrap().state_reason.missing, s(&["income"]));
    assert_eq!(run.totals.states.get(&MembershipState::Enrolled), Some(&4));
    // Checked for every unit, new ones too: H7 is paused before it is ever paid.
    let all = p
        .run_cycle(
            &cct_units(),
            day(2026, 1, 1),
            &RunOptions {
                previous: prev.clone(),
                compliance: ComplianceCheck::All,
                ..RunOptions::default()
            },
        )
        .unwrap();
    assert_eq!(all.unit("H7").unwrap().state, MembershipState::Paused);
    // Never: H2 stays enrolled.
    let never = p
        .run_cycle(
            &cct_units(),
            day(2026, 1, 1),
            &RunOptions {
                previous: prev,
                compliance: ComplianceCheck::Never,
                ..RunOptions::default()
            },
        )
        .unwrap();
    assert_eq!(never.unit("H2").unwrap().state, MembershipState::Enrolled);
}

#[test]
fn decisions_carry_compliance_outcomes_and_their_explanation() {
    let p = compile(CCT);
    let units = cct_units();
    let d = p
        .evaluate_with(
            &units[2],
            day(2026, 1, 1),
            &entitle_core::EvalOptions {
                explain: true,
                ..Default::default()
            },
        )
        .unwrap();
    let codes: Vec<String> = d.compliance.iter().map(|c| c.code()).collect();
    assert_eq!(
        codes,
        vec!["school:not_met", "visits:met", "resident:not_met"]
    );
    assert_eq!(d.compliance[2].otherwise, MembershipState::Exited);
    let text = entitle_core::explain::render::decision_text(&p, &d, "en");
    assert!(text.contains("Compliance, re-checked each cycle:\n✗ Children attend school on 80% of days — attendance = 0.5 (when enrolled: paused)"), "{text}");
    assert!(
        text.contains("✗ Still lives in the area — moved_out = true (when enrolled: exited)"),
        "{text}"
    );
    let fr = entitle_core::explain::render::decision_text(&p, &d, "fr");
    assert!(
        fr.contains("Conformité, revérifiée à chaque cycle :"),
        "{fr}"
    );
    // The state a unit would take is a French word, not the code of run.jsonl.
    assert!(
        fr.contains("moved_out = true (pour un bénéficiaire inscrit : sorti)")
            && fr.contains("(pour un bénéficiaire inscrit : suspendu)"),
        "{fr}"
    );
    let e = d.explanation.unwrap();
    assert_eq!(e.compliance.len(), 3);
    assert_eq!(e.compliance[0].values[0].name, "attendance");
    // A unit that is not eligible is not checked.
    let d = p.evaluate(&units[4], day(2026, 1, 1)).unwrap();
    assert!(d.compliance.is_empty());
    let json = serde_json::to_value(&d).unwrap();
    assert!(json.get("compliance").is_none(), "{json}");
}

const DEDUP: &str = r#"
program dedup "Deduplication" version "1"
  target household
  currency KES

inputs
  household.fuzzy_cluster: text "Cluster id from the demographic deduplicator"
  member.national_id: text
  member.phone: text

eligible when
  registered "Registered" true

entitlement
  cash base "Base" KES 100

deduplicate
  shared_member "Member of another enrolled household" shared members
  same_id       "Same national ID"                       same national_id
  same_phone    "Same phone number"                      same phone
  fuzzy         "Matched by the demographic deduplicator" same fuzzy_cluster

test "one" as of 2026-01-01
  member kind "head", national_id "X1"
  expect eligible
"#;

fn member(id: &str, nid: Option<&str>, phone: Option<&str>) -> Member {
    let mut m = Member::new(id, "head");
    if let Some(n) = nid {
        m = m.with("national_id", n);
    }
    if let Some(p) = phone {
        m = m.with("phone", p);
    }
    m
}

#[test]
fn deduplication_by_shared_members_ids_phones_and_external_clusters() {
    let p = compile(DEDUP);
    let units = vec![
        // H1 and H2 count the same individual M1: neither was enrolled before, both are duplicates.
        Unit::new("H1").with_member(member("M1", None, None)),
        Unit::new("H2")
            .with_member(member("M1", None, None))
            .with_member(member("M2", None, None)),
        // H3 (enrolled before) and H4 share M5: H3 is kept.
        Unit::new("H3").with_member(member("M5", None, None)),
        Unit::new("H4").with_member(member("M5", None, None)),
        // The same ID document written two ways.
        Unit::new("H5").with_member(member("M6", Some("AB-12"), None)),
        Unit::new("H6").with_member(member("M7", Some("ab 12"), None)),
        // The same phone number.
        Unit::new("H7").with_member(member("M8", None, Some("+254 712 000 111"))),
        Unit::new("H8").with_member(member("M9", None, Some("+254-712-000-111"))),
        // The external matcher put these two in one cluster.
        Unit::new("H9")
            .with("fuzzy_cluster", "C9")
            .with_member(member("M10", None, None)),
        Unit::new("H10")
            .with("fuzzy_cluster", "C9")
            .with_member(member("M11", None, None)),
        // No match: unknown and empty values never match.
        Unit::new("H11")
            .with("fuzzy_cluster", "")
            .with_member(member("M12", Some(""), None)),
        Unit::new("H12")
            .with("fuzzy_cluster", " ")
            .with_member(member("M13", Some(" "), None)),
    ];
    let prev = previous(&[("H3", MembershipState::Enrolled)]);
    let run = p
        .run_cycle(
            &units,
            day(2026, 1, 1),
            &RunOptions {
                previous: prev,
                ..RunOptions::default()
            },
        )
        .unwrap();
    let got: Vec<(&str, MembershipState, Vec<String>, Vec<String>)> = run
        .units
        .iter()
        .map(|u| {
            (
                u.unit_id.as_str(),
                u.state,
                u.state_reason.rules.clone(),
                u.state_reason.with.clone(),
            )
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let dup = MembershipState::Duplicated;
    assert_eq!(
        got,
        vec![
            ("H1", dup, s(&["shared_member"]), s(&["H2"])),
            ("H2", dup, s(&["shared_member"]), s(&["H1"])),
            ("H3", MembershipState::Enrolled, s(&[]), s(&[])),
            ("H4", dup, s(&["shared_member"]), s(&["H3"])),
            ("H5", dup, s(&["same_id"]), s(&["H6"])),
            ("H6", dup, s(&["same_id"]), s(&["H5"])),
            ("H7", dup, s(&["same_phone"]), s(&["H8"])),
            ("H8", dup, s(&["same_phone"]), s(&["H7"])),
            ("H9", dup, s(&["fuzzy"]), s(&["H10"])),
            ("H10", dup, s(&["fuzzy"]), s(&["H9"])),
            ("H11", MembershipState::Enrolled, s(&[]), s(&[])),
            ("H12", MembershipState::Enrolled, s(&[]), s(&[])),
        ]
    );
    assert_eq!(run.selected_ids(), vec!["H3", "H11", "H12"]);
}

/// DEDUP with a compliance condition that pauses.
const DEDUP_PAUSED: &str = r#"
program dedup_paused "Deduplication of paused beneficiaries" version "1"
  target household
  currency KES

inputs
  household.attends: bool default true

eligible when
  registered "Registered" true

entitlement
  cash base "Base" KES 100

compliant when
  school "Children attend school" attends else paused

deduplicate
  shared_member "Member of another enrolled household" shared members

test "one" as of 2026-01-01
  member kind "head"
  expect eligible
"#;

#[test]
fn a_paused_beneficiary_keeps_its_members_against_a_new_application() {
    let p = compile(DEDUP_PAUSED);
    let unit = |id: &str, attends: bool, m: &str| {
        Unit::new(id)
            .with("attends", attends)
            .with_member(Member::new(m, "head"))
    };
    let units = vec![
        // H1, paused before, attends again: enrolled again, and kept against the new H2.
        unit("H1", true, "M1"),
        unit("H2", true, "M1"),
        // H3 stays paused: the new H4, which names its member, is the duplicate.
        unit("H3", false, "M3"),
        unit("H4", true, "M3"),
        // Two beneficiaries before (one enrolled, one paused) share M5: both are duplicates.
        unit("H5", true, "M5"),
        unit("H6", false, "M5"),
    ];
    use MembershipState::{Duplicated, Enrolled, Paused};
    let prev = previous(&[
        ("H1", Paused),
        ("H3", Paused),
        ("H5", Enrolled),
        ("H6", Paused),
    ]);
    let run = p
        .run_cycle(
            &units,
            day(2026, 1, 1),
            &RunOptions {
                previous: prev,
                ..RunOptions::default()
            },
        )
        .unwrap();
    let got: Vec<(&str, MembershipState, Vec<String>)> = run
        .units
        .iter()
        .map(|u| (u.unit_id.as_str(), u.state, u.state_reason.with.clone()))
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        vec![
            ("H1", Enrolled, s(&[])),
            ("H2", Duplicated, s(&["H1"])),
            ("H3", Paused, s(&[])),
            ("H4", Duplicated, s(&["H3"])),
            ("H5", Duplicated, s(&["H6"])),
            ("H6", Duplicated, s(&["H5"])),
        ]
    );
    assert_eq!(
        run.unit("H3").unwrap().state_reason.code,
        ReasonCode::Compliance
    );
    assert_eq!(run.selected_ids(), vec!["H1"]);
}

#[test]
fn a_registrant_enrolled_on_its_own_gets_its_state_from_its_decision() {
    let p = compile(CCT);
    let as_of = day(2026, 1, 1);
    let d = p
        .evaluate(
            &Unit::new("R1")
                .with("income", 100i64)
                .with("attendance", dec("0.1")),
            as_of,
        )
        .unwrap();
    assert_eq!(
        entitle_core::run_model::states::enrolment_state(&d).0,
        MembershipState::Enrolled
    );
    let d = p
        .evaluate(&Unit::new("R2").with("income", 9000i64), as_of)
        .unwrap();
    let (state, reason) = entitle_core::run_model::states::enrolment_state(&d);
    assert_eq!(
        (state, reason.rules),
        (MembershipState::NotEligible, vec!["poor".to_string()])
    );
    let d = p.evaluate(&Unit::new("R3"), as_of).unwrap();
    assert_eq!(
        entitle_core::run_model::states::enrolment_state(&d).0,
        MembershipState::Draft
    );
}

#[test]
fn units_of_the_previous_states_that_the_run_was_not_given_are_named() {
    // H1 and H6 are given; GONE (enrolled) and LEFT (exited) are not: a run from this one's
    // states would not know them, so the outcome lists them, by id, with their states.
    let p = compile(CCT);
    let prev = previous(&[
        ("H1", MembershipState::Enrolled),
        ("LEFT", MembershipState::Exited),
        ("H6", MembershipState::Exited),
        ("GONE", MembershipState::Enrolled),
    ]);
    let options = RunOptions {
        previous: prev,
        ..RunOptions::default()
    };
    let run = p
        .run_cycle(&cct_units(), day(2026, 1, 1), &options)
        .unwrap();
    let got: Vec<(&str, MembershipState)> = run
        .previous_not_in_run
        .iter()
        .map(|u| (u.unit_id.as_str(), u.state))
        .collect();
    assert_eq!(
        got,
        vec![
            ("GONE", MembershipState::Enrolled),
            ("LEFT", MembershipState::Exited)
        ]
    );
    assert_eq!(run.units.len(), cct_units().len());
    // The JSON boundary (the bindings' runCycle) gives the same list; none, no key.
    let units: Vec<serde_json::Value> =
        serde_json::from_str(r#"[{"id": "H1", "income": "100", "attendance": 0.9}]"#).unwrap();
    let out = p.run_cycle_json(
        &units,
        "2026-01-01",
        &serde_json::json!({"previous": {"H1": "enrolled", "GONE": "paused"}}),
    );
    assert_eq!(
        out["previous_not_in_run"],
        serde_json::json!([{"unit_id": "GONE", "state": "paused"}])
    );
    let out = p.run_cycle_json(
        &units,
        "2026-01-01",
        &serde_json::json!({"previous": {"H1": "enrolled"}}),
    );
    assert!(out.get("previous_not_in_run").is_none(), "{out}");
}
