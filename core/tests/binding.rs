//! Text cells bound through the builder: the borrowed-text path must store, refuse and trim
//! exactly as parsing into a value and storing it does.

use entitle_core::{Column, EvalError, Program, Unit};
use entitle_dsl::Value;

const PROGRAM: &str = r#"program texts "Texts" version "1"
  target household
  currency KES

inputs
  household.region: text "Region" one of ["North", "East", "South", "West"]
  household.village: text "Village"
  member.school: text "School"

eligible when
  north "In the North" region == "North"
"#;

fn program() -> Program {
    Program::compile(PROGRAM).unwrap_or_else(|d| panic!("{d}"))
}

fn texts(col: Option<&Column>, rows: usize) -> Vec<Option<String>> {
    match col {
        Some(Column::Text(t)) => (0..rows).map(|r| t.get(r).map(str::to_string)).collect(),
        other => panic!("not a text column: {other:?}"),
    }
}

#[test]
fn texts_are_trimmed_checked_and_interned_past_the_small_dictionary() {
    let p = program();
    let mut b = p.batch_builder();
    let region = b.layout().unit_slot("region").unwrap_or(usize::MAX);
    let village = b.layout().unit_slot("village").unwrap_or(usize::MAX);
    let school = b.layout().member_slot("school").unwrap_or(usize::MAX);
    // Twenty villages: the dictionary outgrows its linear search (eight entries) half-way.
    let villages: Vec<String> = (0..20).map(|i| format!("V{}", i % 10 + i / 10)).collect();
    for (i, v) in villages.iter().enumerate() {
        b.start_unit(&format!("H{i}"));
        b.set_unit_text(region, ["  North ", "East", "South\t", "West"][i % 4])
            .unwrap_or_else(|e| panic!("{e}"));
        b.set_unit_text(village, &format!(" {v} "))
            .unwrap_or_else(|e| panic!("{e}"));
        b.add_member(&format!("M{i}"), &["head"], None, None)
            .unwrap_or_else(|e| panic!("{e}"));
        b.set_member_text(school, if i % 3 == 0 { "   " } else { v })
            .unwrap_or_else(|e| panic!("{e}"));
        b.finish_unit();
    }
    let batch = b.finish();
    let regions = texts(batch.unit_column(region), 20);
    assert_eq!(regions[0].as_deref(), Some("North"));
    assert_eq!(regions[2].as_deref(), Some("South"));
    let got = texts(batch.unit_column(village), 20);
    let want: Vec<Option<String>> = villages.iter().cloned().map(Some).collect();
    assert_eq!(got, want);
    let schools = texts(batch.member_column(school), 20);
    for (i, s) in schools.iter().enumerate() {
        // Blank is unknown, not the empty text.
        let want = (i % 3 != 0).then(|| villages[i].clone());
        assert_eq!(*s, want, "member {i}");
    }
    // The same texts share codes: V1 (units 1 and 10) is one dictionary entry.
    match batch.unit_column(village) {
        Some(Column::Text(t)) => {
            assert_eq!(t.code(1), t.code(10));
            assert_eq!(t.dictionary().len(), 11);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_text_outside_the_choices_fails_its_unit_only() {
    let p = program();
    let mut b = p.batch_builder();
    let region = b.layout().unit_slot("region").unwrap_or(usize::MAX);
    b.start_unit("H1");
    match b.set_unit_text(region, "Nort") {
        Err(EvalError::NotAChoice {
            field,
            choices,
            choices_total,
            text,
        }) => {
            assert_eq!(field, "region");
            assert_eq!(*choices, ["North", "East", "South", "West"]);
            assert_eq!((choices_total, text), (4, true));
        }
        other => panic!("{other:?}"),
    }
    // Choices compare exactly, after trimming: case matters.
    assert!(matches!(
        b.set_unit_text(region, "north"),
        Err(EvalError::NotAChoice { .. })
    ));
    b.set_unit_text(region, "East ")
        .unwrap_or_else(|e| panic!("{e}"));
    b.finish_unit();
    let batch = b.finish();
    assert_eq!(
        texts(batch.unit_column(region), 1),
        vec![Some("East".into())]
    );
}

#[test]
fn text_cells_and_text_values_bind_alike() {
    let p = program();
    let units: Vec<Unit> = ["North", "West"]
        .iter()
        .map(|r| {
            Unit::new(format!("H-{r}"))
                .with("region", *r)
                .with("village", "V")
        })
        .collect();
    let from_values = p.bind(&units);
    let mut b = p.batch_builder();
    for r in ["North", "West"] {
        b.start_unit(&format!("H-{r}"));
        let slot = b.layout().unit_slot("region").unwrap_or(usize::MAX);
        b.set_unit(slot, &Value::Text(r.into()))
            .unwrap_or_else(|e| panic!("{e}"));
        let slot = b.layout().unit_slot("village").unwrap_or(usize::MAX);
        b.set_unit_text(slot, "V").unwrap_or_else(|e| panic!("{e}"));
        b.finish_unit();
    }
    let from_text = b.finish();
    let layout = p.batch_builder().layout().clone();
    for name in ["region", "village"] {
        let slot = layout.unit_slot(name).unwrap_or(usize::MAX);
        assert_eq!(
            texts(from_values.unit_column(slot), 2),
            texts(from_text.unit_column(slot), 2),
            "{name}"
        );
    }
    // Before any unit is started there is no row to store into.
    let mut empty = p.batch_builder();
    let slot = empty.layout().unit_slot("village").unwrap_or(usize::MAX);
    assert!(matches!(
        empty.set_unit_text(slot, "V"),
        Err(EvalError::InvalidValue { .. })
    ));
}

const SCALARS: &str = r#"program scalars "Scalars" version "1"
  target household
  currency KES

inputs
  household.income: money "Income"
  household.size: number "Size" one of [1, 2, 3]
  household.pension: bool "Pension"
  member.birthdate: date "Birth date"
  member.score: number "Score"
  member.disabled: bool "Disabled"

eligible when
  poor "Poor" income < KES 100
"#;

#[test]
fn scalars_bind_as_their_values_do_and_choices_are_still_checked() {
    use chrono::NaiveDate;
    use entitle_core::Scalar;
    use rust_decimal::Decimal;
    let p = Program::compile(SCALARS).unwrap_or_else(|d| panic!("{d}"));
    let layout = p.batch_builder().layout().clone();
    let unit = |n: &str| layout.unit_slot(n).unwrap_or(usize::MAX);
    let member = |n: &str| layout.member_slot(n).unwrap_or(usize::MAX);
    let type_of = |n: &str| {
        p.ir()
            .inputs
            .iter()
            .find(|i| i.name == n)
            .map_or(entitle_dsl::Type::Number, |i| i.ty.clone())
    };
    let date = NaiveDate::from_ymd_opt(1990, 2, 28).unwrap_or_default();
    let cells = [
        ("income", Scalar::Decimal(Decimal::new(12050, 2))),
        ("size", Scalar::Decimal(Decimal::from(2))),
        ("pension", Scalar::Bool(true)),
    ];
    let member_cells = [
        ("birthdate", Scalar::Date(date)),
        ("score", Scalar::Decimal(Decimal::new(-15, 1))),
        ("disabled", Scalar::Bool(false)),
    ];
    let mut by_scalar = p.batch_builder();
    let mut by_value = p.batch_builder();
    for (b, scalar) in [(&mut by_scalar, true), (&mut by_value, false)] {
        b.start_unit("H1");
        for (name, v) in cells {
            let r = if scalar {
                b.set_unit_scalar(unit(name), v)
            } else {
                b.set_unit(unit(name), &v.value(&type_of(name)))
            };
            r.unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        b.add_member("M1", &["head"], None, None)
            .unwrap_or_else(|e| panic!("{e}"));
        for (name, v) in member_cells {
            let r = if scalar {
                b.set_member_scalar(member(name), v)
            } else {
                b.set_member(member(name), &v.value(&type_of(name)))
            };
            r.unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        b.finish_unit();
    }
    let (a, b) = (by_scalar.finish(), by_value.finish());
    for (name, _) in cells {
        assert_eq!(
            format!("{:?}", a.unit_column(unit(name))),
            format!("{:?}", b.unit_column(unit(name))),
            "{name}"
        );
    }
    for (name, _) in member_cells {
        assert_eq!(
            format!("{:?}", a.member_column(member(name))),
            format!("{:?}", b.member_column(member(name))),
            "{name}"
        );
    }
    assert!(matches!(
        a.member_column(member("birthdate")),
        Some(Column::Date(d)) if d == &vec![Some(date)]
    ));

    let mut b = p.batch_builder();
    b.start_unit("H2");
    // A number outside the input's choices is refused, as its value is.
    assert!(matches!(
        b.set_unit_scalar(unit("size"), Scalar::Decimal(Decimal::from(4))),
        Err(EvalError::NotAChoice { .. })
    ));
    // A scalar of another type than the input's is refused.
    assert!(matches!(
        b.set_unit_scalar(unit("pension"), Scalar::Date(date)),
        Err(EvalError::InvalidValue { .. })
    ));
    // Before any member is added there is no member row to store into.
    assert!(matches!(
        b.set_member_scalar(member("disabled"), Scalar::Bool(true)),
        Err(EvalError::InvalidValue { .. })
    ));
}

#[test]
fn a_shape_scales_with_room_to_spare_and_reserving_changes_nothing() {
    use entitle_core::Shape;
    let p = program();
    let units: Vec<Unit> = (0..10)
        .map(|i| {
            Unit::new(format!("H{i}"))
                .with("region", "North")
                .with("village", "V")
                .with_member(entitle_core::Member::new(format!("M{i}"), "head").with("school", "S"))
                .with_member(entitle_core::Member::new(format!("M{i}b"), "child"))
        })
        .collect();
    let plain = p.bind(&units);
    let shape = plain.shape();
    assert_eq!(
        shape,
        Shape {
            units: 10,
            members: 20,
            unit_id_bytes: 20,
            member_id_bytes: 50,
        }
    );
    // Twice the units: twice everything, and an eighth more.
    assert_eq!(
        shape.scaled_to(20),
        Shape {
            units: 20,
            members: 45,
            unit_id_bytes: 45,
            member_id_bytes: 112,
        }
    );
    assert_eq!(Shape::default().scaled_to(5).members, 0);
    let mut b = p.batch_builder();
    b.reserve(shape.scaled_to(1000));
    for u in &units {
        b.add_unit(u);
    }
    let reserved = b.finish();
    assert_eq!(reserved.shape(), shape);
    assert_eq!(format!("{reserved:?}"), format!("{plain:?}"));
}

#[test]
fn a_units_names_bind_to_their_inputs_whatever_else_it_carries() {
    // The builder walks a unit's names and the program's in name order: names the program does
    // not declare (before, between and after its own), and inputs the unit lacks, must not shift
    // a value to another input. Inputs are declared out of name order.
    let p = Program::compile(
        r#"program names "Names" version "1"
  target household
  currency KES

inputs
  household.village: text "Village"
  household.region: text "Region"
  member.school: text "School"
  member.class: text "Class"

eligible when
  north "In the North" region == "North"
"#,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let unit = Unit::new("H1")
        .with("aaa", "x")
        .with("region", "East")
        .with("rr", "y")
        .with("zzz", "z")
        .with_member(
            entitle_core::Member::new("M1", "head")
                .with("age", "40")
                .with("school", "S1")
                .with("class", "C1")
                .with("zz", "q"),
        )
        .with_member(entitle_core::Member::new("M2", "child").with("a", "b"));
    let other = Unit::new("H2")
        .with("village", "V")
        .with_member(entitle_core::Member::new("M3", "head").with("school", "S3"));
    let batch = p.bind(&[unit, other]);
    let layout = p.batch_builder();
    let slot = |name: &str| layout.layout().unit_slot(name).unwrap_or(usize::MAX);
    let school = layout.layout().member_slot("school").unwrap_or(usize::MAX);
    let class = layout.layout().member_slot("class").unwrap_or(usize::MAX);
    assert_eq!(
        texts(batch.unit_column(slot("region")), 2),
        [Some("East".to_string()), None]
    );
    assert_eq!(
        texts(batch.unit_column(slot("village")), 2),
        [None, Some("V".to_string())]
    );
    assert_eq!(
        texts(batch.member_column(school), 3),
        [Some("S1".to_string()), None, Some("S3".to_string())]
    );
    assert_eq!(
        texts(batch.member_column(class), 3),
        [Some("C1".to_string()), None, None]
    );
}

#[test]
fn a_unit_with_several_bad_values_fails_with_the_first_by_slot_on_every_path() {
    // Inputs declared out of name order: the builder reads a unit's names in name order, yet its
    // error must be the one the other binders (registry rows, JSON) report, the first by slot.
    let p = Program::compile(
        r#"program bad "Bad values" version "1"
  target household
  currency KES

inputs
  household.region: text "Region" one of ["North", "East"]
  household.income: money "Income"
  household.enrolled: bool "Enrolled" default false
  member.score: number "Score"
  member.age_known: bool "Age known" default false

eligible when
  north "In the North" region == "North" and income > KES 0 and not enrolled
  scored "Scored" count(members where score > 1 and age_known) > 0
"#,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
    let unit = Unit::new("H1")
        .with("region", "Atlantis")
        .with("income", "10-")
        .with("enrolled", "maybe");
    let member = Unit::new("H2").with("region", "North").with_member(
        entitle_core::Member::new("M1", "head")
            .with("score", "high")
            .with("age_known", "perhaps"),
    );
    let json = [
        serde_json::json!({"id": "H1", "region": "Atlantis", "income": "10-", "enrolled": "maybe"}),
        serde_json::json!({"id": "H2", "region": "North", "members": [
            {"id": "M1", "kind": "head", "score": "high", "age_known": "perhaps"}]}),
    ];
    let from_json =
        p.evaluate_batch_json(&json, "2026-03-01", &entitle_core::EvalOptions::default());
    for (k, (u, field, code)) in [
        (unit, "region", "R0008"),
        (member, "member M1: score", "R0005"),
    ]
    .into_iter()
    .enumerate()
    {
        let alone = match p.evaluate(&u, as_of) {
            Ok(d) => panic!("{} was decided: {:?}", u.id, d.outcome),
            Err(e) => e.error,
        };
        let bound = p.bind(std::slice::from_ref(&u));
        let batch = p.run(&bound, as_of, &entitle_core::EvalOptions::default());
        let in_batch = batch.error(0).cloned();
        assert_eq!(alone.code(), code, "{alone}");
        assert!(alone.to_string().contains(field), "{alone}");
        assert_eq!(in_batch.map(|e| e.to_string()), Some(alone.to_string()));
        assert_eq!(from_json[k]["error"]["code"], code, "{}", from_json[k]);
        assert_eq!(from_json[k]["error"]["message"], alone.to_string());
    }
}

#[test]
fn the_last_unit_can_be_dropped_after_it_is_finished_and_two_units_compared() {
    let p = program();
    let mut b = p.batch_builder();
    let region = b.layout().unit_slot("region").unwrap_or(usize::MAX);
    let school = b.layout().member_slot("school").unwrap_or(usize::MAX);
    let unit = |b: &mut entitle_core::BatchBuilder, id: &str, r: &str, members: &[&str]| {
        b.start_unit(id);
        b.set_unit_text(region, r).unwrap_or_else(|e| panic!("{e}"));
        for m in members {
            b.add_member(m, &["child"], None, None)
                .unwrap_or_else(|e| panic!("{e}"));
            b.set_member_text(school, &format!("S{m}"))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        b.finish_unit();
    };
    unit(&mut b, "H1", "North", &["M1"]);
    unit(&mut b, "H2", "East", &["M2", "M3"]);
    assert!(!b.last_two_units_agree());
    b.abandon_last_unit();
    unit(&mut b, "H2", "North", &[]);
    assert!(
        b.last_two_units_agree(),
        "same values, whatever the members"
    );
    b.abandon_last_unit();
    // A unit committed as failed, then dropped: the batch counts no error.
    b.start_unit("H3");
    b.fail_unit(EvalError::InvalidUnit {
        reason: "test".into(),
    });
    b.abandon_last_unit();
    unit(&mut b, "H4", "West", &["M4"]);
    let batch = b.finish();
    assert_eq!(batch.len(), 2);
    assert_eq!(
        (0..2).map(|i| batch.unit_id(i)).collect::<Vec<_>>(),
        [Some("H1"), Some("H4")]
    );
    assert_eq!((batch.members_of(0), batch.members_of(1)), (0..1, 1..2));
    assert_eq!(
        texts(batch.member_column(school), 2),
        [Some("SM1".to_string()), Some("SM4".to_string())]
    );
    assert_eq!(
        texts(batch.unit_column(region), 2),
        [Some("North".to_string()), Some("West".to_string())]
    );
    assert!(batch.unit_error(0).is_none() && batch.unit_error(1).is_none());
}
