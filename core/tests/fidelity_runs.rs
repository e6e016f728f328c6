//! Fidelity items of the run model that need more than one run: G1 (the cycles a program's `cycle`
//! line gives, each evaluated at its own date) and G2 (cycles run one after the other, each from
//! the states the previous one left, with approval against a fund that carries over). The other
//! run-model items are conformance cases (`tests/conformance/cases/fidelity_run_model.json`).

use chrono::NaiveDate;
use entitle_core::run_model::{
    Approval, ApprovalReason, Fund, MembershipState, ReasonCode, RunOptions,
};
use entitle_core::{Member, Program, Unit};
use rust_decimal::Decimal;
use std::collections::HashMap;

fn program(name: &str) -> Program {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/fidelity")
        .join(name);
    let src = std::fs::read_to_string(&path).expect("read");
    Program::compile(&src).unwrap_or_else(|d| panic!("{}", d.render_with_source(&src, name)))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn child(id: &str, born: &str) -> Member {
    Member::new(id, "child").with("birthdate", born)
}

#[test]
fn g1_monthly_cycles_clamp_to_the_month_end_and_each_run_takes_its_own_date() {
    let p = program("G1_cycles.entitle");
    let cycles = p.cycles();
    let starts: Vec<NaiveDate> = cycles.iter().map(|c| c.start).collect();
    assert_eq!(
        starts,
        vec![
            day(2026, 1, 31),
            day(2026, 2, 28),
            day(2026, 3, 31),
            day(2026, 4, 30),
            day(2026, 5, 31),
            day(2026, 6, 30)
        ]
    );
    // `lasting 28 days`: each cycle ends 28 days after it starts.
    assert_eq!(cycles[1].end, Some(day(2026, 3, 28)));
    assert_eq!(
        cycles.iter().map(|c| c.number).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5, 6]
    );
    // The rate changes from April: a run at each cycle's start uses the value in force then.
    let household = Unit::new("H1")
        .with_member(Member::new("M1", "head").with("birthdate", "1990-01-01"))
        .with_member(child("M2", "2015-01-01"));
    let totals: Vec<Decimal> = cycles
        .iter()
        .map(|c| {
            p.evaluate(&household, c.start)
                .unwrap()
                .cash_total()
                .unwrap()
        })
        .collect();
    let want: Vec<Decimal> = [500, 500, 500, 600, 600, 600]
        .iter()
        .map(|n| Decimal::from(*n))
        .collect();
    assert_eq!(totals, want);
}

#[test]
fn g2_three_cycles_in_a_row_carry_states_and_the_fund_forward() {
    let p = program("G2_cycle_steps.entitle");
    let head = |id: &str, born: &str| Member::new(id, "head").with("birthdate", born);
    let units = vec![
        Unit::new("H1")
            .with_member(head("A1", "1990-01-01"))
            .with_member(child("A2", "2015-01-01"))
            .with_member(child("A3", "2019-01-01")),
        // The only child turns 18 on 15 February 2026.
        Unit::new("H2")
            .with_member(head("B1", "1970-01-01"))
            .with_member(child("B2", "2008-02-15")),
        // The child does not attend school: not a condition of enrolment, but re-checked afterwards.
        Unit::new("H3")
            .with_member(head("C1", "1985-01-01"))
            .with_member(child("C2", "2016-01-01").with("attends_school", false)),
    ];
    let cycles = p.cycles();
    assert_eq!(
        cycles.iter().map(|c| c.start).collect::<Vec<_>>(),
        vec![day(2026, 1, 1), day(2026, 2, 1), day(2026, 3, 1)]
    );
    let posted = Decimal::from(4000);
    let mut approved = Decimal::ZERO;
    let mut previous: HashMap<String, MembershipState> = HashMap::new();
    let mut history: Vec<Vec<(MembershipState, ReasonCode, Option<Approval>)>> = Vec::new();
    for c in &cycles {
        let options = RunOptions {
            previous: previous.clone(),
            fund: Some(Fund { posted, approved }),
            ..RunOptions::default()
        };
        let run = p.run_cycle(&units, c.start, &options).unwrap();
        approved += run.totals.approved;
        previous = run
            .units
            .iter()
            .map(|u| (u.unit_id.clone(), u.state))
            .collect();
        history.push(
            run.units
                .iter()
                .map(|u| (u.state, u.state_reason.code, u.approval))
                .collect(),
        );
        if c.number == 3 {
            assert_eq!(
                run.unit("H1").unwrap().approval_reason,
                Some(ApprovalReason::FundExhausted)
            );
            assert_eq!(
                run.totals.fund.as_ref().unwrap().available,
                Decimal::from(500)
            );
        }
    }
    use Approval::*;
    use MembershipState::*;
    assert_eq!(
        history,
        vec![
            // 1 January: everyone is enrolled; 1000 + 500 + 500 approved (2000 left).
            vec![
                (Enrolled, ReasonCode::Eligible, Some(Approved)),
                (Enrolled, ReasonCode::Eligible, Some(Approved)),
                (Enrolled, ReasonCode::Eligible, Some(Approved))
            ],
            // 1 February: H3's child is not at school: paused; 1000 + 500 approved (500 left).
            vec![
                (Enrolled, ReasonCode::Compliant, Some(Approved)),
                (Enrolled, ReasonCode::Compliant, Some(Approved)),
                (Paused, ReasonCode::Compliance, None)
            ],
            // 1 March: H2's child is 18; H1's 1000 does not fit in the 500 left.
            vec![
                (Enrolled, ReasonCode::Compliant, Some(PendingValidation)),
                (NotEligible, ReasonCode::NotEligible, None),
                (Paused, ReasonCode::Compliance, None)
            ],
        ]
    );
    assert_eq!(approved, Decimal::from(3500));
}
