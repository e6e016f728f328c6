//! The columnar plan against the interpreter: every result column must be identical, bit for bit,
//! on generated populations of the example programs and of programs written to reach every
//! operation, with missing values, odd scales, negative and huge amounts, future birthdates,
//! ended memberships and households without members.
// A failed comparison names the program and the first differing column.
#![allow(clippy::panic)]

use super::run_counted;
use crate::batch::Batch;
use crate::{EvalOptions, Program};
use chrono::NaiveDate;
use entitle_dsl::ast::Scope;
use entitle_dsl::Type;
use proptest::prelude::*;

mod random_programs;

/// SplitMix64, so that a population is a function of its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items
            .get(self.below(items.len() as u64) as usize)
            .copied()
            .unwrap_or("")
    }
}

/// A cell's text for an input of type `ty`; `tame` keeps to the values most registries hold.
fn cell(
    r: &mut Rng,
    ty: &Type,
    choices: Option<&[entitle_dsl::Value]>,
    tame: bool,
) -> Option<String> {
    if r.below(if tame { 40 } else { 8 }) == 0 {
        return None;
    }
    Some(match ty {
        Type::Bool => r.pick(&["true", "false", "yes", "0"]).to_string(),
        Type::Number | Type::Money { .. } | Type::Quantity { .. } => {
            let wild = !tame && r.below(4) == 0;
            if wild {
                r.pick(&[
                    "-12.5",
                    "0",
                    "0.000",
                    "99999999999999999999.5",
                    "-0",
                    "1e3",
                    "3.14159265358979323846",
                    "1000000",
                    "-7",
                ])
                .to_string()
            } else {
                let whole = r.below(30_000);
                match r.below(4) {
                    0 => format!("{whole}.{:02}", r.below(100)),
                    1 => format!("{whole}.5"),
                    _ => whole.to_string(),
                }
            }
        }
        Type::Date => {
            let year = if tame {
                1935 + r.below(91)
            } else {
                1900 + r.below(140)
            };
            format!(
                "{year}-{:02}-{:02}",
                1 + r.below(12),
                1 + r.below(if tame { 28 } else { 31 })
            )
        }
        Type::Text => match choices {
            Some(c) if r.below(10) > 0 => match c.get(r.below(c.len() as u64) as usize) {
                Some(entitle_dsl::Value::Text(t)) => t.clone(),
                _ => "x".into(),
            },
            _ => r
                .pick(&["North", "East", "Urban", "Rural", "Elsewhere", "north"])
                .to_string(),
        },
        _ => return None,
    })
}

/// A population of `n` units for `program`.
fn population(program: &Program, seed: u64, n: usize, tame: bool) -> Batch {
    let mut r = Rng(seed);
    let mut b = program.batch_builder();
    let layout = b.layout().clone();
    for i in 0..n {
        b.start_unit(&format!("U{i}"));
        for (slot, input) in layout.unit_inputs().iter().enumerate() {
            if let Some(t) = cell(&mut r, &input.ty, input.choices.as_deref(), tame) {
                let _ = b.set_unit_text(slot, &t);
            }
        }
        if layout.has_members() {
            let members = r.below(if tame { 7 } else { 9 });
            for m in 0..members {
                let kind = if m == 0 && r.below(8) > 0 {
                    "head"
                } else {
                    r.pick(&["child", "spouse", "other", "Head", "principal"])
                };
                let date = |r: &mut Rng| {
                    NaiveDate::from_ymd_opt(
                        2015 + r.below(15) as i32,
                        1 + r.below(12) as u32,
                        1 + r.below(28) as u32,
                    )
                };
                let start = if r.below(if tame { 6 } else { 3 }) == 0 {
                    date(&mut r)
                } else {
                    None
                };
                let end = if r.below(if tame { 10 } else { 3 }) == 0 {
                    date(&mut r)
                } else {
                    None
                };
                let (start, end) = match (start, end) {
                    (Some(s), Some(e)) if e < s => (Some(e), Some(s)),
                    other => other,
                };
                if b.add_member(&format!("M{i}.{m}"), &[kind], start, end)
                    .is_err()
                {
                    break;
                }
                for (slot, input) in layout.member_inputs().iter().enumerate() {
                    if let Some(t) = cell(&mut r, &input.ty, input.choices.as_deref(), tame) {
                        let _ = b.set_member_text(slot, &t);
                    }
                }
            }
        }
        // Now and then a unit whose data could not be bound: it keeps its place and its error.
        if !tame && r.below(40) == 0 {
            b.fail_unit(crate::EvalError::InvalidUnit {
                reason: "generated".into(),
            });
        } else {
            b.finish_unit();
        }
    }
    b.finish()
}

/// Runs both paths and compares every column; returns how many units the plan decided.
fn agree(program: &Program, batch: &Batch, as_of: NaiveDate) -> usize {
    let reference = program.interpret(batch, as_of, &EvalOptions::default());
    match run_counted(program, batch, as_of, &EvalOptions::default()) {
        Some((columnar, interpreted)) => {
            let (got, want) = (columnar.columns_digest(), reference.columns_digest());
            for (g, w) in got.lines().zip(want.lines()) {
                if g != w {
                    let at = g.bytes().zip(w.bytes()).take_while(|(a, b)| a == b).count();
                    let from = at.saturating_sub(300);
                    panic!(
                        "{} on {as_of}: columns differ at byte {at}\ncolumnar:    …{}\ninterpreter: …{}",
                        program.ir().id,
                        g.get(from..(at + 200).min(g.len())).unwrap_or(""),
                        w.get(from..(at + 200).min(w.len())).unwrap_or("")
                    );
                }
            }
            assert_eq!(got, want);
            batch.len() - interpreted
        }
        None => 0,
    }
}

/// Units `P0`, `P1` … of an individual program, each a row of unit-input texts (`None`: no cell).
fn units(program: &Program, rows: &[&[Option<&str>]]) -> Batch {
    let mut b = program.batch_builder();
    for (i, row) in rows.iter().enumerate() {
        b.start_unit(&format!("P{i}"));
        for (slot, text) in row.iter().enumerate() {
            if let Some(t) = text {
                let _ = b.set_unit_text(slot, t);
            }
        }
        b.finish_unit();
    }
    b.finish()
}

const CHILD_GRANT: &str = include_str!("../../../examples/programs/child_grant.entitle");
const PENSION: &str = include_str!("../../../examples/programs/old_age_pension.entitle");
const OPENG2P: &str = include_str!("../../../examples/programs/openg2p_default_cash.entitle");
const OPENSPP: &str = include_str!("../../../examples/programs/openspp_multi_item_cash.entitle");
const PMT: &str = include_str!("../../../examples/programs/pmt.entitle");

/// Reaches the operations the examples do not: every aggregate, head inputs, membership facts,
/// dates, `min`/`max`, `coalesce`, `known`, `between`, `in`, `mod`, text tests, first match, a
/// floor and a fee on the cash total.
const WIDE: &str = r#"
program wide "Every operation" version "1"
  target household
  currency KES

inputs
  household.region: text "Region"
  household.income: money "Income"
  household.savings: money "Savings" default KES 0
  household.registered: date "Registered"
  household.urban: bool "Urban"
  member.birthdate: date "Birthdate"
  member.earnings: money "Earnings" default KES 0
  member.school: text "School" default "none"
  member.disabled: bool "Disabled"

params
  line: money "Poverty line" = KES 2500 from 2020-01-01, KES 2750.50 from 2026-06-01
  regions: list of text "Regions" = ["North", "East"]
  rate: number "Rate" = 0.125

let member.adult = age(birthdate) >= 18
let member.share = earnings * rate
let kids = count(members where not adult)
let earners = count(members where earnings > KES 0)
let total_earnings = sum(members, earnings) + savings + sum(members where adult, share)
let mean_earnings = avg(members where adult, earnings)
let youngest = max(members, birthdate)
let oldest_age = age(min(members, birthdate))
let any_disabled = any(members, disabled)
let all_school = all(members where not adult, school != "none")
let head_age = age(head.birthdate)
let per_head = coalesce(income, total_earnings) / max(count(members), 1)
let months = months_between(coalesce(registered, as_of_date), as_of_date)

eligible when
  poor "Poor" per_head < line or mean_earnings <= line * 2
  place "Place" region in regions or (starts_with(region, "S") and not urban)
  kids_rule "Children" kids >= 1 or any(members where has_kind("spouse"), known(birthdate)) or all_school
  unless rich "Rich" between(total_earnings, KES 100000, KES 999999999) and known(head_age) and (oldest_age > 30 or youngest < as_of_date)

entitlement first match
  cash disabled "Disability" KES 700 when any_disabled == true and kids mod 2 == 1
  cash family "Family" KES 250.25 times kids up to min(4, earners + 2)
  cash base "Base" max(KES 100, round(line / 10, KES 5, down)) when months >= 0
  floor cash at KES 300
  cap cash at KES 2000.5
  round cash to KES 0.05 half even
  fee charge "Fee" if cash_total > KES 1000 then cash_total * 0.01 else KES 5
"#;

/// Individuals, with scores and `days_between`/`add_months`, `union` rules and in-kind totals.
const PEOPLE: &str = r#"
program people "Individuals" version "1"
  target individual
  currency USD

inputs
  person.birthdate: date "Birthdate"
  person.income: money "Income"
  person.status: text "Status" one of ["active", "retired", "other"] default "other"
  person.veteran: bool "Veteran" default false

params
  threshold: money "Threshold" = USD 500

let years = age(birthdate)
let next_review = add_months(birthdate, 12 * 70)
let gap = days_between(as_of_date, next_review)
let need = threshold - coalesce(income, USD 0)

eligible when
  old "Old" years >= 65
  union veteran_rule "Veteran" veteran
  poor "Poor" need > USD 0 or status == "retired"

entitlement
  cash pension "Pension" USD 120.50
  cash top_up "Top-up" need / 4 when need > USD 0 and gap < 365
  in_kind rice "Rice" 5 kg times 2 when status in ["active", "retired"]
  in_kind oil "Oil" 1.5 l when veteran
  round cash to USD 1 half up
"#;

fn dates() -> [NaiveDate; 4] {
    [(2026, 3, 1), (2027, 2, 1), (2019, 6, 30), (2026, 6, 1)]
        .map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default())
}

#[test]
fn the_example_programs_have_plans() {
    for (name, src) in [
        ("child grant", CHILD_GRANT),
        ("pension", PENSION),
        ("openg2p", OPENG2P),
        ("openspp", OPENSPP),
        ("pmt", PMT),
        ("wide", WIDE),
        ("people", PEOPLE),
    ] {
        let p = Program::compile(src).unwrap_or_else(|d| panic!("{name}: {d}"));
        assert!(p.is_columnar(), "{name} has no columnar plan");
        // Only programs that read `head.` have their chunks find each unit's head.
        let reads_head = p.inner().columnar.as_ref().map(|plan| plan.reads_head);
        assert_eq!(reads_head, Some(src.contains("head.")), "{name}");
    }
}

#[test]
fn the_plan_decides_most_ordinary_households() {
    let p = Program::compile(CHILD_GRANT).unwrap_or_else(|d| panic!("{d}"));
    let batch = population(&p, 7, 3000, true);
    let decided = agree(
        &p,
        &batch,
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default(),
    );
    assert!(
        decided * 10 >= batch.len() * 8,
        "only {decided} of {} decided by the plan",
        batch.len()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn columnar_and_interpreter_agree(seed in any::<u64>(), tame in any::<bool>()) {
        for src in [CHILD_GRANT, PENSION, OPENG2P, OPENSPP, PMT, WIDE, PEOPLE] {
            let p = Program::compile(src).unwrap_or_else(|d| panic!("{d}"));
            let batch = population(&p, seed, 400, tame);
            for as_of in dates() {
                agree(&p, &batch, as_of);
            }
        }
    }
}

#[test]
fn several_chunks_agree_with_the_interpreter() {
    // Past one chunk: registers reused from chunk to chunk (constants filled once), a shorter
    // last chunk, units whose data failed to bind, and units left to the interpreter in between.
    for (seed, src) in [CHILD_GRANT, PENSION, OPENG2P, OPENSPP, PMT, WIDE, PEOPLE]
        .into_iter()
        .enumerate()
    {
        let p = Program::compile(src).unwrap_or_else(|d| panic!("{d}"));
        let batch = population(&p, 1000 + seed as u64, 2 * super::CHUNK + 17, false);
        assert!(batch.n_errors > 0, "no failed units in {}", p.ir().id);
        for as_of in dates() {
            agree(&p, &batch, as_of);
            let r = p.run(&batch, as_of, &EvalOptions::default());
            for (i, e) in batch.errors.iter().enumerate() {
                if e.is_some() {
                    assert_eq!(r.error(i).map(|e| e.code()), Some("R0010"), "unit {i}");
                }
            }
        }
    }
}

#[test]
fn the_plan_decides_units_of_every_program() {
    // Without this the agreement above could hold because the interpreter decided everything.
    for src in [CHILD_GRANT, PENSION, OPENG2P, OPENSPP, PMT, WIDE, PEOPLE] {
        let p = Program::compile(src).unwrap_or_else(|d| panic!("{d}"));
        let batch = population(&p, 11, 2000, true);
        let decided = agree(
            &p,
            &batch,
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default(),
        );
        eprintln!(
            "{}: {decided} of {} decided by the plan",
            p.ir().id,
            batch.len()
        );
        assert!(
            decided * 4 >= batch.len(),
            "{}: only {decided} of {} decided by the plan",
            p.ir().id,
            batch.len()
        );
    }
}

#[test]
fn scopes_are_generated_for_every_input() {
    // The generator must fill every declared input, or the agreement above proves less.
    let p = Program::compile(WIDE).unwrap_or_else(|d| panic!("{d}"));
    let n = p
        .inputs()
        .iter()
        .filter(|i| matches!(i.scope, Scope::Household | Scope::Member))
        .count();
    assert_eq!(n, p.inputs().len());
}

#[test]
fn an_input_or_an_aggregate_written_twice_is_computed_once() {
    use super::plan::Op;
    let p = Program::compile(CHILD_GRANT).unwrap_or_else(|d| panic!("{d}"));
    let plan = p
        .inner()
        .columnar
        .as_ref()
        .unwrap_or_else(|| panic!("no plan"));
    let ops = plan.main.iter().chain(&plan.fee_ops);
    let aggregates = ops.clone().filter(|o| matches!(o, Op::Agg { .. })).count();
    // `count(members)` twice (income per person, the maize ration), under-18s and disabled.
    assert_eq!(aggregates, 3);
    let loads: Vec<String> = ops
        .filter_map(|o| match o {
            Op::Load { src, .. } => Some(format!("{src:?}")),
            _ => None,
        })
        .collect();
    let mut distinct = loads.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(loads.len(), distinct.len(), "{loads:?}");
    // The same answers as the interpreter.
    let batch = population(&p, 7, 2_000, true);
    agree(&p, &batch, dates()[0]);
}

#[test]
fn the_plan_charges_no_fee_on_a_zero_total_and_never_more_than_the_total() {
    let p = Program::compile(
        r#"program fees "Fees" version "1"
  target individual
  currency KES

inputs
  person.n: number "N"

entitlement
  cash a "Per unit" KES 10 times n
  fee f "Transfer fee" KES 15
"#,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let batch = units(
        &p,
        &[&[Some("0")], &[Some("1")], &[Some("1.5")], &[Some("3")]],
    );
    let as_of = dates()[0];
    // Every unit decided by the plan, as the interpreter decides it.
    assert_eq!(agree(&p, &batch, as_of), 4);
    let (result, interpreted) = run_counted(&p, &batch, as_of, &EvalOptions::default())
        .unwrap_or_else(|| panic!("no plan"));
    assert_eq!(interpreted, 0);
    let got: Vec<(String, String, String)> = result
        .decisions()
        .map(|d| {
            let c = d
                .ok()
                .and_then(|d| d.cash)
                .unwrap_or_else(|| panic!("no cash"));
            (c.total.to_string(), c.fee.to_string(), c.net.to_string())
        })
        .collect();
    let want = [
        ("0", "0", "0"),
        ("10", "10", "0"),
        ("15.0", "15", "0.0"),
        ("30", "15", "15"),
    ]
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
    assert_eq!(got, want);
}

#[test]
fn the_plan_leaves_a_count_of_days_that_is_not_whole_to_the_interpreter_error() {
    let p = Program::compile(
        r#"program dates "Dates" version "1"
  target individual
  currency KES

inputs
  person.n: number "N"

eligible when
  later "Later" add_days(2000-01-01, n) > 2000-01-01 and months_ago(n) < as_of_date
"#,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let batch = units(&p, &[&[Some("1.99")], &[Some("2")], &[Some("-0.5")]]);
    let as_of = dates()[0];
    // Only the whole count is decided by the plan; the others fail as in the interpreter.
    assert_eq!(agree(&p, &batch, as_of), 1);
    let (result, _) = run_counted(&p, &batch, as_of, &EvalOptions::default())
        .unwrap_or_else(|| panic!("no plan"));
    let codes: Vec<Option<&str>> = (0..3).map(|i| result.error(i).map(|e| e.code())).collect();
    assert_eq!(codes, vec![Some("R0013"), None, Some("R0013")]);
}

#[test]
fn the_plan_leaves_a_cash_total_it_cannot_finish_to_the_interpreter() {
    // The cap comes from the data and the rounding can leave 64 bits: a unit whose items are
    // computed but whose total is not (cap unknown, rounding overflows) is the interpreter's.
    let p = Program::compile(
        r#"program caps "Caps" version "1"
  target individual
  currency KES

inputs
  person.n: number "N"
  person.limit: money "Limit"

entitlement
  cash a "Per unit" KES 10 times n
  in_kind rice "Rice" 2 kg times n
  cap cash at limit
  round cash to KES 64 half up
"#,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let batch = units(
        &p,
        &[
            &[Some("5"), Some("KES 100")],
            &[Some("5"), None],
            &[Some("922337203685477580"), Some("KES 9223372036854775807")],
            &[Some("50"), Some("KES 100")],
            &[None, Some("KES 100")],
        ],
    );
    let as_of = dates()[0];
    // P0 and P3 by the plan; P1 (cap unknown), P2 (rounding past 64 bits) and P4 (item unknown)
    // by the interpreter, with the same columns.
    assert_eq!(agree(&p, &batch, as_of), 2);
    let (result, interpreted) = run_counted(&p, &batch, as_of, &EvalOptions::default())
        .unwrap_or_else(|| panic!("no plan"));
    assert_eq!(interpreted, 3);
    let got: Vec<(crate::UnitStatus, Option<String>)> = (0..5)
        .map(|i| {
            (
                result.status(i),
                result.cash_total(i).map(|d| d.to_string()),
            )
        })
        .collect();
    use crate::UnitStatus::{Eligible, Undetermined};
    assert_eq!(
        got,
        vec![
            (Eligible, Some("64".into())),
            (Undetermined, None),
            (Eligible, Some("9223372036854775808".into())),
            (Eligible, Some("128".into())),
            (Undetermined, None),
        ]
    );
}

#[test]
fn the_plan_writes_a_net_amount_as_the_interpreter_subtracts_it() {
    // A total of `0.000` (capped at an amount written with three decimals) less no fee is `0`:
    // the interpreter subtracts, and rust_decimal's `0.000 - 0` has scale 0. Found by the
    // generated programs (`random_programs`).
    let p = Program::compile(
        r#"program nets "Nets" version "1"
  target individual
  currency KES

inputs
  person.n: number "N"
  person.limit: money "Limit"

entitlement
  cash a "Per unit" KES 10 times n
  cap cash at limit
"#,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let batch = units(
        &p,
        &[
            &[Some("3"), Some("KES 0.000")],
            &[Some("3"), Some("KES 5.50")],
            &[Some("3"), Some("KES 100")],
        ],
    );
    assert_eq!(agree(&p, &batch, dates()[0]), 3);
    let (result, _) = run_counted(&p, &batch, dates()[0], &EvalOptions::default())
        .unwrap_or_else(|| panic!("no plan"));
    let nets: Vec<(String, String)> = result
        .decisions()
        .map(|d| {
            let c = d
                .ok()
                .and_then(|d| d.cash)
                .unwrap_or_else(|| panic!("no cash"));
            (c.total.to_string(), c.net.to_string())
        })
        .collect();
    let want = [("0.000", "0"), ("5.50", "5.50"), ("30", "30")];
    assert_eq!(
        nets,
        want.map(|(t, n)| (t.to_string(), n.to_string())).to_vec()
    );
}

#[test]
fn a_fee_below_zero_charges_nothing_in_the_plan_too() {
    let p = Program::compile(
        "program fees \"Fees\"\n  target individual\n  currency KES\ninputs\n  person.n: number\n  person.fx: money\nentitlement\n  cash a \"Per unit\" KES 10 times n\n  cap cash at KES 30\n  fee f \"Fee\" fx\n",
    )
    .unwrap_or_else(|d| panic!("{d}"));
    // Past the batch size the interpreter takes alone; fees below zero, zero, under and over
    // the total, and zero totals with fees of every sign.
    let rows: Vec<[Option<&str>; 2]> = (0..40)
        .map(|i| {
            let n = ["0", "1", "2", "5"][i % 4];
            let fx = ["-5", "0", "3", "50", "-0.5"][i % 5];
            [Some(n), Some(fx)]
        })
        .collect();
    let rows: Vec<&[Option<&str>]> = rows.iter().map(|r| r.as_slice()).collect();
    let batch = units(&p, &rows);
    let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    assert_eq!(agree(&p, &batch, as_of), 40, "the plan decides every unit");
    let r = p.run(&batch, as_of, &EvalOptions::default());
    for i in 0..40 {
        let d = r.decision(i).unwrap_or_else(|e| panic!("{e}"));
        let cash = d.cash.unwrap_or_else(|| panic!("unit {i} has no cash"));
        let (total, fee) = (cash.total, cash.fee);
        assert!(
            fee >= rust_decimal::Decimal::ZERO && fee <= total,
            "unit {i}: fee {fee}"
        );
        assert_eq!(cash.net, total - fee, "unit {i}");
        if i == 15 {
            // n 5 (KES 50, capped at 30) and a fee of KES -5: nothing charged.
            assert_eq!(
                (total.to_string(), fee.to_string()),
                ("30".into(), "0".into())
            );
        }
    }
}

#[test]
fn an_in_kind_total_below_zero_is_zero_in_the_plan_too() {
    let p = Program::compile(
        "program ration \"Ration\"\n  target individual\n  currency KES\ninputs\n  person.n: number\nentitlement\n  in_kind maize \"Maize\" 10 kg times n\n  in_kind bonus \"Bonus\" 5 kg\n",
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let ns = ["-1", "0", "2", "-0.5", "-0.25"];
    let rows: Vec<[Option<&str>; 1]> = (0..40).map(|i| [Some(ns[i % ns.len()])]).collect();
    let rows: Vec<&[Option<&str>]> = rows.iter().map(|r| r.as_slice()).collect();
    let batch = units(&p, &rows);
    let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    // All but the units of `-0.5`, whose -5.0 + 5 the interpreter keeps as it is.
    assert_eq!(agree(&p, &batch, as_of), 32);
    let r = p.run(&batch, as_of, &EvalOptions::default());
    let kg = |i: usize| {
        let d = r.decision(i).unwrap_or_else(|e| panic!("{e}"));
        d.in_kind
            .iter()
            .map(|q| q.quantity.to_string())
            .collect::<Vec<_>>()
    };
    // -10 + 5, 0 + 5, 20 + 5, -5 + 5, -2.5 + 5.
    assert_eq!(kg(0), ["0"]);
    assert_eq!(kg(1), ["5"]);
    assert_eq!(kg(2), ["25"]);
    assert_eq!(kg(3), ["0.0"]);
    assert_eq!(kg(4), ["2.50"]);
}
