//! The run model's selection on small populations whose outcome is worked out by hand in each
//! test: ranking with ties, top N, budgets in rank order and in proportion, approval against a
//! fund, and a cycle run through the JSON boundary. (Membership states are tested in
//! `run_model_states.rs`, summaries and the comparison of two runs in `run_model_summary.rs`.)

mod common;

use common::run_model::{compile, day, dec};
use entitle_core::run_model::{
    Approval, ApprovalReason, BudgetMode, Fund, MembershipState, ReasonCode, RunOptions,
    RunOutcome, SelectionCode,
};
use entitle_core::Unit;
use rust_decimal::Decimal;

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

/// Each unit's selection, allocation and state, in input order.
fn paid(run: &RunOutcome) -> Vec<(&str, SelectionCode, Option<Decimal>, MembershipState)> {
    run.units
        .iter()
        .map(|u| (u.unit_id.as_str(), u.selection, u.allocated, u.state))
        .collect()
}

#[test]
fn a_unit_whose_proportional_share_rounds_to_nothing_is_not_selected() {
    let p = compile(RANKING);
    let proportional = |budget: &str, previous: &[(&str, MembershipState)]| RunOptions {
        top: Some(10),
        budget: Some(dec(budget)),
        budget_mode: Some(BudgetMode::Proportional),
        previous: previous
            .iter()
            .map(|(id, s)| (id.to_string(), *s))
            .collect(),
        ..RunOptions::default()
    };
    use MembershipState::{Draft, Enrolled};
    use SelectionCode::{Selected, ShareTooSmall};
    // KES 0.05 over 1400: D's share (200 × 0.05 ÷ 1400 = 0.007) is nothing; without D, 0.05 is
    // shared over 1200: B 0.0125, A 0.0166…, C 0.0208…, rounded down to cents. D, enrolled before,
    // stays enrolled and is not paid this time.
    let run = p
        .run_cycle(
            &ranking_units(),
            day(2026, 1, 1),
            &proportional("0.05", &[("D", Enrolled)]),
        )
        .unwrap();
    assert_eq!(
        paid(&run),
        vec![
            ("A", Selected, Some(dec("0.01")), Enrolled),
            ("B", Selected, Some(dec("0.01")), Enrolled),
            ("C", Selected, Some(dec("0.02")), Enrolled),
            ("D", ShareTooSmall, None, Enrolled),
            (
                "E",
                SelectionCode::NotEnrolled,
                None,
                MembershipState::NotEligible
            ),
            ("F", SelectionCode::NotEnrolled, None, Draft),
        ]
    );
    let t = &run.totals;
    assert_eq!(
        (t.selected, t.requested, t.allocated),
        (3, dec("1200"), dec("0.04"))
    );
    let b = t.budget.as_ref().unwrap();
    assert_eq!(
        (b.unallocated, b.factor),
        (dec("0.01"), Some(dec("0.05") / dec("1200")))
    );
    // KES 0.02: D, B and A leave in turn; C alone gets the whole budget. New units not paid are
    // not enrolled.
    let run = p
        .run_cycle(
            &ranking_units(),
            day(2026, 1, 1),
            &proportional("0.02", &[]),
        )
        .unwrap();
    assert_eq!(
        paid(&run).into_iter().take(4).collect::<Vec<_>>(),
        vec![
            ("A", ShareTooSmall, None, Draft),
            ("B", ShareTooSmall, None, Draft),
            ("C", Selected, Some(dec("0.02")), Enrolled),
            ("D", ShareTooSmall, None, Draft),
        ]
    );
    assert_eq!(
        run.unit("A").unwrap().state_reason.code,
        ReasonCode::NotSelected
    );
    let t = &run.totals;
    assert_eq!(
        (
            t.selected,
            t.requested,
            t.allocated,
            t.states.get(&Enrolled)
        ),
        (1, dec("500"), dec("0.02"), Some(&1))
    );
    assert_eq!(t.budget.as_ref().unwrap().unallocated, Decimal::ZERO);
    // A budget below one cent pays no one, and the factor says so.
    let run = p
        .run_cycle(
            &ranking_units(),
            day(2026, 1, 1),
            &proportional("0.001", &[]),
        )
        .unwrap();
    assert_eq!(
        (run.totals.selected, run.totals.allocated),
        (0, Decimal::ZERO)
    );
    assert_eq!(
        run.totals.budget.as_ref().unwrap().factor,
        Some(Decimal::ZERO)
    );
}

#[test]
fn units_with_the_same_entitlement_leave_a_proportional_budget_together() {
    let p = compile(RANKING);
    let units: Vec<Unit> = [("P1", 100), ("P2", 100), ("P3", 300)]
        .iter()
        .map(|(id, a)| {
            Unit::new(*id)
                .with("score", 10i64)
                .with("amount", i64::from(*a))
        })
        .collect();
    // KES 0.04 over 500: each 100 gets 0.008, nothing. Had only one left, the other would get
    // 100 × 0.04 ÷ 400 = 0.01 for the same entitlement: both leave, and P3 gets the budget.
    let options = RunOptions {
        top: Some(10),
        budget: Some(dec("0.04")),
        budget_mode: Some(BudgetMode::Proportional),
        ..RunOptions::default()
    };
    let run = p.run_cycle(&units, day(2026, 1, 1), &options).unwrap();
    let got: Vec<(&str, SelectionCode, Option<Decimal>)> = run
        .units
        .iter()
        .map(|u| (u.unit_id.as_str(), u.selection, u.allocated))
        .collect();
    assert_eq!(
        got,
        vec![
            ("P1", SelectionCode::ShareTooSmall, None),
            ("P2", SelectionCode::ShareTooSmall, None),
            ("P3", SelectionCode::Selected, Some(dec("0.04"))),
        ]
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
    // A fund below zero, or earlier approvals below zero: no amount of money to approve against.
    for (posted, approved) in [("-100", "0"), ("1000", "-50")] {
        let fund = RunOptions {
            fund: Some(Fund {
                posted: dec(posted),
                approved: dec(approved),
            }),
            ..RunOptions::default()
        };
        let e = p
            .run_cycle(&ranking_units(), day(2026, 1, 1), &fund)
            .unwrap_err();
        assert_eq!(
            (e.code(), e.to_string()),
            (
                "R0102",
                "the run option `fund` cannot be used: a fund cannot be negative".to_string()
            )
        );
    }
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
    // An option that cannot be read is named, not the options as a whole.
    for (options, option) in [
        (serde_json::json!({"topp": 1}), "topp"),
        (serde_json::json!({"auto_approve": true, "top": -1}), "top"),
        (
            serde_json::json!({"compare_with": {"budget_mode": "sideways"}}),
            "compare_with.budget_mode",
        ),
        (serde_json::json!("top"), "options"),
    ] {
        let bad = p.run_cycle_json(&units, "2026-01-01", &options);
        assert_eq!(bad["error"]["code"], "R0102", "{bad}");
        assert_eq!(bad["error"]["option"], option, "{bad}");
        let message = bad["error"]["message"].as_str().unwrap_or("");
        assert!(
            message.starts_with(&format!("the run option `{option}` cannot be used: ")),
            "{message}"
        );
    }
    let bad = p.run_cycle_json(
        &units,
        "2026-01-01",
        &serde_json::json!({"summary": {"by": ["nope"]}}),
    );
    assert_eq!(bad["error"]["code"], "R0101");
}
