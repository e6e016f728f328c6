//! Summaries of a run on a small population whose outcome is worked out by hand: quartiles,
//! Gini, Lorenz, disparity, leakage and under-coverage by dimension, and the comparison of two runs.

mod common;

use common::run_model::{compile, day, dec};
use entitle_core::run_model::summary::{compare, summarize};
use entitle_core::run_model::{Collector, RunOptions};
use entitle_core::Unit;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

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
