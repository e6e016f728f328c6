//! The run model on small populations whose outcome is worked out by hand in each test: ranking
//! with ties, top N, budgets in rank order and in proportion, approval against a fund, compliance
//! and membership states, deduplication, summaries (quartiles, Gini, Lorenz, disparity, leakage and
//! under-coverage) and the comparison of two runs.

use chrono::NaiveDate;
use entitle_core::run_model::summary::{compare, summarize};
use entitle_core::run_model::{
    Approval, ApprovalReason, BudgetMode, Collector, ComplianceCheck, Fund, MembershipState,
    ReasonCode, RunOptions, RunOutcome, SelectionCode,
};
use entitle_core::{Member, Program, Unit};
use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashMap};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn compile(src: &str) -> Program {
    Program::compile(src).unwrap_or_else(|d| panic!("{}", d.render_with_source(src, "test")))
}

const RANKING: &str = r#"
program ranking "Ranking and budgets" version "1"
  target individual
  currency KES

inputs
  person.score: number
  person.amount: money

params
  top_n: number = 3
  cycle_budget: money = KES 900

eligible when
  poor "Score below 50" score < 50

entitlement
  cash transfer "Transfer" amount

selection
  rank by score ascending
  top top_n
  budget cycle_budget

test "poor" as of 2026-01-01
  person score 10, amount KES 100
  expect eligible, cash KES 100
"#;

/// A 30 (400), B 10 (300), C 20 (500), D 10 (200), E 60 (not eligible), F score unknown.
fn ranking_units() -> Vec<Unit> {
    let mut v: Vec<Unit> = [
        ("A", 30, 400),
        ("B", 10, 300),
        ("C", 20, 500),
        ("D", 10, 200),
        ("E", 60, 100),
    ]
    .iter()
    .map(|(id, s, a)| {
        Unit::new(*id)
            .with("score", i64::from(*s))
            .with("amount", i64::from(*a))
    })
    .collect();
    v.push(Unit::new("F").with("amount", 100i64));
    v
}

fn ranks(run: &RunOutcome) -> Vec<(&str, Option<u64>, SelectionCode)> {
    run.units
        .iter()
        .map(|u| (u.unit_id.as_str(), u.rank, u.selection))
        .collect()
}

#[test]
fn ranking_breaks_ties_by_unit_id_and_top_n_and_a_budget_in_rank_order_apply() {
    let p = compile(RANKING);
    let run = p
        .run_cycle(&ranking_units(), day(2026, 1, 1), &RunOptions::default())
        .unwrap();
    // B and D tie at 10: "B" < "D". Top 3: B, D, C; the budget (900) holds B (300) and D (200), and
    // C (500) would bring it to 1000: C is over budget; A is below the top 3.
    assert_eq!(
        ranks(&run),
        vec![
            ("A", Some(4), SelectionCode::BelowTop),
            ("B", Some(1), SelectionCode::Selected),
            ("C", Some(3), SelectionCode::OverBudget),
            ("D", Some(2), SelectionCode::Selected),
            ("E", None, SelectionCode::NotEnrolled),
            ("F", None, SelectionCode::NotEnrolled),
        ]
    );
    let f = run.unit("F").unwrap();
    assert_eq!(
        (f.state, f.state_reason.code),
        (MembershipState::Draft, ReasonCode::Undetermined)
    );
    assert_eq!(f.state_reason.missing, vec!["score".to_string()]);
    let e = run.unit("E").unwrap();
    assert_eq!(
        (e.state, e.state_reason.rules.clone()),
        (MembershipState::NotEligible, vec!["poor".to_string()])
    );
    // New units that are not selected are not enrolled.
    assert_eq!(run.unit("C").unwrap().state, MembershipState::Draft);
    assert_eq!(
        run.unit("C").unwrap().state_reason.code,
        ReasonCode::NotSelected
    );
    assert_eq!(run.unit("B").unwrap().state, MembershipState::Enrolled);
    let b = run.totals.budget.as_ref().unwrap();
    assert_eq!(
        (b.amount, b.mode, b.unallocated),
        (dec("900"), BudgetMode::RankOrder, dec("400"))
    );
    assert_eq!(
        (run.totals.selected, run.totals.allocated, run.totals.top),
        (2, dec("500"), Some(3))
    );
}

#[test]
fn a_budget_in_rank_order_stops_at_the_first_unit_that_does_not_fit() {
    let p = compile(RANKING);
    // Top 10 lets everyone in; C (500) does not fit after 500, and A (400) would, but comes after C.
    let options = RunOptions {
        top: Some(10),
        ..RunOptions::default()
    };
    let run = p
        .run_cycle(&ranking_units(), day(2026, 1, 1), &options)
        .unwrap();
    assert_eq!(run.selected_ids(), vec!["B", "D"]);
    assert_eq!(run.unit("A").unwrap().selection, SelectionCode::OverBudget);
}

#[test]
fn a_proportional_budget_reduces_every_amount_and_rounds_down_to_the_minor_unit() {
    let p = compile(RANKING);
    let options = RunOptions {
        top: Some(10),
        budget: Some(dec("1000")),
        budget_mode: Some(BudgetMode::Proportional),
        ..RunOptions::default()
    };
    let run = p
        .run_cycle(&ranking_units(), day(2026, 1, 1), &options)
        .unwrap();
    // Requested 300 + 200 + 500 + 400 = 1400; each × 1000 / 1400, rounded down to cents.
    let got: Vec<(&str, Option<Decimal>)> = run
        .units
        .iter()
        .filter(|u| u.selected)
        .map(|u| (u.unit_id.as_str(), u.allocated))
        .collect();
    assert_eq!(
        got,
        vec![
            ("A", Some(dec("285.71"))),
            ("B", Some(dec("214.28"))),
            ("C", Some(dec("357.14"))),
            ("D", Some(dec("142.85")))
        ]
    );
    let b = run.totals.budget.as_ref().unwrap();
    assert_eq!(b.unallocated, dec("0.02"));
    assert_eq!(b.factor.unwrap().round_dp(6), dec("0.714286"));
    assert_eq!(
        (run.totals.requested, run.totals.allocated),
        (dec("1400"), dec("999.98"))
    );
    // A budget that covers everything leaves amounts as they are.
    let rich = RunOptions {
        budget: Some(dec("5000")),
        ..options
    };
    let run = p
        .run_cycle(&ranking_units(), day(2026, 1, 1), &rich)
        .unwrap();
    assert_eq!(run.unit("C").unwrap().allocated, Some(dec("500")));
    assert_eq!(
        run.totals.budget.as_ref().unwrap().factor,
        Some(Decimal::ONE)
    );
}

#[test]
fn approval_against_a_fund_stops_at_the_first_entitlement_it_cannot_cover() {
    let p = compile(RANKING);
    // Posted 1000, 300 approved before: 700 available. In rank order B 300 (400 left), D 200 (200
    // left), C 500 does not fit: C and A wait, although A (400) … would not fit either.
    let options = RunOptions {
        top: Some(10),
        budget: Some(dec("100000")),
        fund: Some(Fund {
            posted: dec("1000"),
            approved: dec("300"),
        }),
        ..RunOptions::default()
    };
    let run = p
        .run_cycle(&ranking_units(), day(2026, 1, 1), &options)
        .unwrap();
    let approvals: Vec<(&str, Option<Approval>, Option<ApprovalReason>)> = run
        .units
        .iter()
        .filter(|u| u.selected)
        .map(|u| (u.unit_id.as_str(), u.approval, u.approval_reason))
        .collect();
    assert_eq!(
        approvals,
        vec![
            (
                "A",
                Some(Approval::PendingValidation),
                Some(ApprovalReason::FundExhausted)
            ),
            ("B", Some(Approval::Approved), None),
            (
                "C",
                Some(Approval::PendingValidation),
                Some(ApprovalReason::FundExhausted)
            ),
            ("D", Some(Approval::Approved), None),
        ]
    );
    let f = run.totals.fund.as_ref().unwrap();
    assert_eq!(
        (f.available, f.approved, f.remaining),
        (dec("700"), dec("500"), dec("200"))
    );
    assert_eq!(
        (
            run.totals.approved_units,
            run.totals.pending_units,
            run.totals.pending
        ),
        (2, 2, dec("900"))
    );
    // Without a fund: pending, or approved when the run approves automatically.
    let auto = RunOptions {
        top: Some(10),
        budget: Some(dec("100000")),
        auto_approve: true,
        ..RunOptions::default()
    };
    let run = p
        .run_cycle(&ranking_units(), day(2026, 1, 1), &auto)
        .unwrap();
    assert!(run
        .units
        .iter()
        .filter(|u| u.selected)
        .all(|u| u.approval == Some(Approval::Approved)));
}

#[test]
fn selection_bounds_that_do_not_fit_are_run_errors() {
    let p = compile(RANKING);
    let neg = RunOptions {
        budget: Some(dec("-1")),
        ..RunOptions::default()
    };
    assert_eq!(
        p.run_cycle(&ranking_units(), day(2026, 1, 1), &neg)
            .unwrap_err()
            .code(),
        "R0102"
    );
    let plain = compile(
        &RANKING
            .replace(
                "  rank by score ascending\n  top top_n\n  budget cycle_budget\n",
                "",
            )
            .replace("selection\n", ""),
    );
    let top = RunOptions {
        top: Some(2),
        ..RunOptions::default()
    };
    assert_eq!(
        plain
            .run_cycle(&ranking_units(), day(2026, 1, 1), &top)
            .unwrap_err()
            .code(),
        "R0102"
    );
    // A budget given to a program that does not rank is shared out in proportion.
    let budget = RunOptions {
        budget: Some(dec("600")),
        ..RunOptions::default()
    };
    let run = plain
        .run_cycle(&ranking_units(), day(2026, 1, 1), &budget)
        .unwrap();
    assert_eq!(
        run.totals.budget.as_ref().unwrap().mode,
        BudgetMode::Proportional
    );
    assert_eq!(run.totals.allocated, dec("599.98"));
}

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
            &entitle_core::EvalOptions { explain: true },
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

const SUMMARY: &str = r#"
program summary "Summaries" version "1"
  target individual
  currency KES

inputs
  person.region: text
  person.gender: text
  person.birthdate: date
  person.amount: money

eligible when
  paid "Has an amount" amount > KES 0

entitlement
  cash transfer "Transfer" amount

test "paid" as of 2026-01-01
  person amount KES 1, region "North", gender "F", birthdate 1990-01-01
  expect eligible
"#;

fn summary_units(amounts: &[i64]) -> Vec<Unit> {
    let rows = [
        ("P1", "North", "F", "1960-01-01"),
        ("P2", "North", "M", "1970-01-01"),
        ("P3", "South", "F", "1980-01-01"),
        ("P4", "South", "F", "1990-01-01"),
        ("P5", "South", "M", "2000-01-01"),
    ];
    rows.iter()
        .zip(amounts)
        .map(|((id, region, gender, birth), a)| {
            Unit::new(*id)
                .with("region", *region)
                .with("gender", *gender)
                .with("birthdate", *birth)
                .with("amount", *a)
        })
        .collect()
}

#[test]
fn summaries_by_dimension_with_quartiles_gini_lorenz_and_targeting() {
    let p = compile(SUMMARY);
    let as_of = day(2026, 1, 1);
    let units = summary_units(&[100, 200, 300, 400, 0]);
    let collector = Collector::new(
        &p,
        as_of,
        &["region".to_string(), "gender".to_string()],
        Some("birthdate"),
    )
    .unwrap();
    let batch = p.bind(&units);
    let result = p.run(&batch, as_of, &entitle_core::EvalOptions::default());
    let mut records = Vec::new();
    collector.collect(&result, &mut records);
    let run = entitle_core::run_model::run(&p, as_of, &records, &RunOptions::default()).unwrap();
    let reference: BTreeSet<String> = ["P1", "P3", "P5", "P9"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let s = summarize(&run, &records, &collector.dimensions(), Some(&reference));
    assert_eq!((s.decisions.eligible, s.decisions.not_eligible), (4, 1));
    assert_eq!(
        (s.overall.units, s.overall.covered, s.overall.total),
        (5, 4, dec("1000"))
    );
    assert_eq!(s.overall.coverage_rate, Some(dec("0.8")));
    let q = s.overall.entitlements.clone().unwrap();
    assert_eq!(
        (q.min, q.q1, q.median, q.q3, q.max),
        (dec("100"), dec("175"), dec("250"), dec("325"), dec("400"))
    );
    // Ages of the covered: 66, 56, 46, 36 → sorted 36, 46, 56, 66.
    let a = s.overall.ages.clone().unwrap();
    assert_eq!(
        (a.min, a.q1, a.median, a.q3, a.max),
        (dec("36"), dec("43.5"), dec("51"), dec("58.5"), dec("66"))
    );
    // Over 0, 100, 200, 300, 400: (2 × 4000 − 6 × 1000) ÷ (5 × 1000) = 0.4; covered only: 0.25.
    assert_eq!(
        (s.gini, s.gini_covered),
        (Some(dec("0.4")), Some(dec("0.25")))
    );
    // Half the units (2.5 of 5) hold 0 + 100 + half of 200 = 200 of 1000.
    assert_eq!(s.lorenz[5].amount, dec("0.2"));
    let region = &s.by[0];
    assert_eq!(region.dimension, "region");
    let north = &region.groups[0];
    assert_eq!(
        (north.value.clone(), north.units, north.covered, north.total),
        (Some("North".into()), 2, 2, dec("300"))
    );
    // (2 ÷ 2) ÷ (4 ÷ 5) = 1.25; South: (2 ÷ 3) ÷ (4 ÷ 5) = 0.833333.
    assert_eq!(north.disparity, Some(dec("1.25")));
    assert_eq!(region.groups[1].disparity, Some(dec("0.833333")));
    assert_eq!(region.groups[1].coverage_rate, Some(dec("0.666667")));
    let gender = &s.by[1];
    let (f, m) = (&gender.groups[0], &gender.groups[1]);
    assert_eq!(
        (f.value.clone(), f.covered, f.total, f.disparity),
        (Some("F".into()), 3, dec("800"), Some(dec("1.25")))
    );
    assert_eq!(
        (m.value.clone(), m.covered, m.total, m.disparity),
        (Some("M".into()), 1, dec("200"), Some(dec("0.625")))
    );
    // Entitlement quartiles by gender (I5): F 100, 300, 400.
    let fq = f.entitlements.clone().unwrap();
    assert_eq!(
        (fq.q1, fq.median, fq.q3),
        (dec("200"), dec("300"), dec("350"))
    );
    let t = s.targeting.unwrap();
    assert_eq!(
        (
            t.reference,
            t.reference_not_in_run,
            t.true_positive,
            t.false_positive,
            t.false_negative,
            t.true_negative
        ),
        (4, 1, 2, 2, 1, 0)
    );
    assert_eq!(
        (t.leakage_rate, t.undercoverage_rate),
        (Some(dec("0.5")), Some(dec("0.333333")))
    );
}

#[test]
fn two_runs_compared_with_their_overlap() {
    let p = compile(SUMMARY);
    let as_of = day(2026, 1, 1);
    let units = summary_units(&[100, 200, 300, 400, 0]);
    let a = p.run_cycle(&units, as_of, &RunOptions::default()).unwrap();
    let halved = RunOptions {
        budget: Some(dec("500")),
        ..RunOptions::default()
    };
    let b = p.run_cycle(&units, as_of, &halved).unwrap();
    let c = compare(&a, &b);
    assert_eq!(
        (c.a.covered, c.b.covered, c.both, c.only_a, c.only_b),
        (4, 4, 4, 0, 0)
    );
    assert_eq!(
        (
            c.decreased,
            c.increased,
            c.unchanged,
            c.difference,
            c.overlap
        ),
        (4, 0, 0, dec("-500"), Some(Decimal::ONE))
    );
    // Another scenario covers P5 and drops P1.
    let other = p
        .run_cycle(
            &summary_units(&[0, 200, 300, 400, 50]),
            as_of,
            &RunOptions::default(),
        )
        .unwrap();
    let c = compare(&a, &other);
    assert_eq!(
        (c.both, c.only_a, c.only_b, c.overlap),
        (3, 1, 1, Some(dec("0.6")))
    );
}

#[test]
fn the_json_boundary_runs_a_cycle_and_reports_problems_in_the_error_shape() {
    let p = compile(RANKING);
    let units: Vec<serde_json::Value> = serde_json::from_str(
        r#"[{"id": "A", "score": 30, "amount": "400"}, {"id": "B", "score": 10, "amount": "300"}, {"id": 7, "score": "x"}, "not a unit"]"#,
    )
    .unwrap();
    let options = serde_json::json!({"top": 1, "fund": {"posted": "1000"}, "summary": {"by": []}});
    let out = p.run_cycle_json(&units, "2026-01-01", &options);
    let ids: Vec<&str> = out["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["A", "B", "7", ""]);
    assert_eq!(out["units"][1]["selected"], true);
    assert_eq!(out["units"][1]["approval"], "approved");
    assert_eq!(out["units"][0]["selection"], "below_top");
    assert_eq!(out["units"][2]["state_reason"]["error"], "R0005");
    assert_eq!(out["units"][3]["state_reason"]["error"], "R0010");
    assert_eq!(out["totals"]["fund"]["remaining"], "700");
    assert_eq!(out["summary"]["overall"]["covered"], 1);
    let bad = p.run_cycle_json(&units, "2026-01-01", &serde_json::json!({"topp": 1}));
    assert_eq!(bad["error"]["code"], "R0102");
    let bad = p.run_cycle_json(
        &units,
        "2026-01-01",
        &serde_json::json!({"summary": {"by": ["nope"]}}),
    );
    assert_eq!(bad["error"]["code"], "R0101");
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
