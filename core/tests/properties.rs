//! Properties of evaluation over generated units: it never panics, a unit alone and in a batch get
//! the same result, and repeated runs are identical.

use chrono::NaiveDate;
use entitle_core::{EvalOptions, Member, Program, Unit, Value};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn child_grant() -> Program {
    Program::compile(include_str!("../../examples/programs/child_grant.entitle")).expect("compiles")
}

fn pmt() -> Program {
    Program::compile(include_str!("../../examples/programs/pmt.entitle")).expect("compiles")
}

fn odd_date() -> impl Strategy<Value = Value> {
    prop_oneof![
        (1i32..3000, 1u32..13, 1u32..32)
            .prop_filter_map("a real date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)
                .map(Value::Date)),
        Just(Value::Date(NaiveDate::MIN)),
        Just(Value::Date(NaiveDate::MAX)),
        Just(Value::Unknown),
        "[0-9/ -]{0,12}".prop_map(Value::Text),
    ]
}

fn odd_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(|n| Value::Number(Decimal::from(n))),
        (any::<i64>(), 0u32..29).prop_map(|(n, s)| Value::Number(Decimal::new(n, s))),
        Just(Value::Number(Decimal::MAX)),
        Just(Value::Number(Decimal::MIN)),
        Just(Value::Unknown),
        "[-+0-9.eKES ]{0,12}".prop_map(Value::Text),
        any::<bool>().prop_map(Value::Bool),
    ]
}

fn odd_text() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            "North", "East", "South", "West", "", " North ", "north"
        ])
        .prop_map(|s| Value::Text(s.into())),
        "\\PC{0,8}".prop_map(Value::Text),
        Just(Value::Unknown),
    ]
}

fn odd_bool() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Unknown),
        "[a-zA-Z01]{0,5}".prop_map(Value::Text)
    ]
}

fn member() -> impl Strategy<Value = Member> {
    (
        prop::collection::vec(
            prop::sample::select(vec!["head", "spouse", "child", "HEAD", "", "other"]),
            0..3,
        ),
        prop::option::of(odd_date()),
        prop::option::of(odd_date()),
        odd_date(),
        odd_bool(),
        odd_number(),
        odd_bool(),
        odd_bool(),
    )
        .prop_map(
            |(kinds, start, end, birthdate, disabled, schooling, employed, phone)| {
                let as_date = |v: Option<Value>| match v {
                    Some(Value::Date(d)) => Some(d),
                    _ => None,
                };
                Member {
                    id: "m".into(),
                    kinds: kinds.into_iter().map(String::from).collect(),
                    start_date: as_date(start),
                    end_date: as_date(end),
                    ..Member::default()
                }
                .with("birthdate", birthdate)
                .with("disabled", disabled)
                .with("years_of_schooling", schooling)
                .with("employed", employed)
                .with("owns_phone", phone)
            },
        )
}

fn household() -> impl Strategy<Value = Unit> {
    (
        odd_text(),
        odd_number(),
        odd_bool(),
        prop::collection::vec(member(), 0..12),
        odd_bool(),
        prop::sample::select(vec!["Urban", "Rural", "x"]),
    )
        .prop_map(|(region, income, pension, members, roof, area)| {
            let mut u = Unit::new("H")
                .with("region", region)
                .with("monthly_income", income)
                .with("enrolled_in_pension", pension)
                .with("roof_is_permanent", roof)
                .with("area", area);
            u.members = members;
            u
        })
}

fn as_of() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        (1900i32..2100, 1u32..13, 1u32..29)
            .prop_filter_map("date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
        Just(NaiveDate::MIN),
        Just(NaiveDate::MAX),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn evaluation_never_panics_and_batches_agree(units in prop::collection::vec(household(), 0..8), date in as_of()) {
        for program in [child_grant(), pmt()] {
            let opts = EvalOptions { explain: true, ..Default::default() };
            let alone: Vec<_> = units.iter().map(|u| program.evaluate_with(u, date, &opts)).collect();
            let batch = program.evaluate_batch_with(&units, date, &opts);
            prop_assert_eq!(&alone, &batch);
            let again = program.evaluate_batch_with(&units, date, &opts);
            prop_assert_eq!(&batch, &again);
            for r in &batch {
                match r {
                    Ok(d) => {
                        // Explanation text renders for any outcome.
                        let text = entitle_core::explain::render::decision_text(&program, d, "fr");
                        prop_assert!(!text.is_empty());
                        if let Some(c) = &d.cash {
                            prop_assert!(c.total >= Decimal::ZERO);
                            prop_assert_eq!(c.net, c.total - c.fee);
                        }
                    }
                    Err(e) => prop_assert!(e.code().starts_with('R')),
                }
            }
        }
    }
}

#[test]
fn the_deepest_expression_evaluates_within_a_small_stack() {
    // 255 terms: the deepest expression the default limits allow, evaluated on a 1 MiB stack in
    // release builds (a browser tab's) and 16 MiB in debug builds.
    let stack = if cfg!(debug_assertions) {
        16 << 20
    } else {
        1 << 20
    };
    let handle = std::thread::Builder::new()
        .stack_size(stack)
        .spawn(|| {
            let src = format!(
                "program p \"P\"\n  target individual\n  currency KES\ninputs\n  person.n: number\nlet x = n{}\nentitlement\n  cash c \"C\" KES 1 times x\n",
                " + n".repeat(254)
            );
            let program = Program::compile(&src).expect("within the limits");
            let d = program.evaluate(&Unit::new("p").with("n", Value::Number(Decimal::ONE)), NaiveDate::MIN).expect("evaluates");
            d.cash_total()
        })
        .expect("thread");
    assert_eq!(
        handle.join().expect("no overflow"),
        Some(Decimal::from(255))
    );
}

#[test]
fn hostile_work_is_bounded_per_unit() {
    // Every member compared with an aggregate over every member would be quadratic; nested
    // aggregates are refused at compile time, and the member limit bounds the rest.
    let src = "program p \"P\"\n  currency KES\ninputs\n  member.x: number\nentitlement\n  cash c \"C\" KES 1 times sum(members, x * x + x)\n";
    let program = Program::compile(src).expect("compiles");
    let mut u = Unit::new("big");
    for i in 0..1001 {
        u.members
            .push(Member::new(format!("m{i}"), "child").with("x", Value::Number(Decimal::ONE)));
    }
    let err = program
        .evaluate(&u, NaiveDate::MIN)
        .expect_err("over the member limit");
    assert_eq!(err.code(), "R0009");
    u.members.truncate(1000);
    assert_eq!(
        program
            .evaluate(&u, NaiveDate::MIN)
            .expect("at the limit")
            .cash_total(),
        Some(Decimal::from(2000))
    );
    let limits = entitle_core::CompileOptions {
        eval_limits: entitle_core::EvalLimits {
            max_steps_per_unit: 100,
            ..Default::default()
        },
        ..Default::default()
    };
    let small = Program::compile_with(src, &limits).expect("compiles");
    assert_eq!(
        small
            .evaluate(&u, NaiveDate::MIN)
            .expect_err("too much work")
            .code(),
        "R0006"
    );
}

/// A batch of several parts (results are kept in parts of 1,024 units): every unit's result in
/// the batch, columnar or interpreted, is its result alone.
#[test]
fn units_in_a_batch_of_several_parts_get_their_own_results() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let units: Vec<Unit> = (0..2_600)
        .map(|_| {
            household()
                .new_tree(&mut runner)
                .expect("a household")
                .current()
        })
        .collect();
    let date = NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date");
    for program in [child_grant(), pmt()] {
        for explain in [false, true] {
            let opts = EvalOptions {
                explain,
                ..Default::default()
            };
            let batch = program.evaluate_batch_with(&units, date, &opts);
            assert_eq!(batch.len(), units.len());
            let mut outcomes = std::collections::BTreeMap::new();
            for (i, (u, got)) in units.iter().zip(&batch).enumerate() {
                let alone = program.evaluate_with(u, date, &opts);
                assert_eq!(got, &alone, "unit {i}, explain {explain}");
                let key = match got {
                    Ok(d) => format!("{:?}", d.outcome),
                    Err(e) => e.code().to_string(),
                };
                *outcomes.entry(key).or_insert(0) += 1;
            }
            // The population reaches more than one kind of result in every run.
            assert!(outcomes.len() >= 2, "{outcomes:?}");
        }
    }
}
