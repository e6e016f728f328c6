//! Strict binding (`EvalOptions::strict`): a name the program does not declare fails its unit
//! alone with R0011, naming the key and the closest declared name; without it the key is ignored
//! and the input takes its default, as it always has.

use chrono::NaiveDate;
use entitle_core::{EvalError, EvalOptions, Member, Outcome, Program, Unit, UnitError};
use entitle_dsl::locale;
use serde_json::{json, Value as Json};

const GRANT: &str = include_str!("../../examples/programs/child_grant.entitle");

const VISITS: &str = r#"program clinic "Clinic" version "1"
  target individual
  currency KES

inputs
  person.district: text

records visits "Clinic visits" dated by visit_date
  visit_date: date
  cost: money default KES 0

eligible when
  visited "At least one visit" count(visits) >= 1

entitlement
  cash refund "Refund" sum(visits, cost)
"#;

fn compile(src: &str) -> Program {
    Program::compile(src).unwrap_or_else(|d| panic!("{d}"))
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default()
}

fn strict() -> EvalOptions {
    EvalOptions {
        strict: true,
        ..EvalOptions::default()
    }
}

fn unknown(field: &str, closest: Option<&str>) -> EvalError {
    EvalError::UnknownField {
        field: field.into(),
        closest: closest.map(String::from),
    }
}

/// A poor household in the North with a child, whose head has a disability.
fn household(id: &str) -> Unit {
    Unit::new(id)
        .with("region", "North")
        .with("monthly_income", "KES 1000")
        .with_member(
            Member::new(format!("{id}-1"), "head")
                .with("birthdate", "1990-01-01")
                .with("disabled", true),
        )
        .with_member(Member::new(format!("{id}-2"), "child").with("birthdate", "2020-05-01"))
}

/// The same household with `disabled` misspelt on its head.
fn misspelt_member(id: &str) -> Unit {
    let mut u = household(id);
    if let Some(head) = u.members.first_mut() {
        head.attributes.remove("disabled");
        head.attributes.insert("disabeld".into(), true.into());
    }
    u
}

fn error_of(r: Result<entitle_core::Decision, UnitError>) -> EvalError {
    match r {
        Ok(d) => panic!("expected R0011, got {:?}", d.outcome),
        Err(e) => e.error,
    }
}

#[test]
fn a_misspelt_key_is_ignored_by_default_and_refused_when_strict() {
    let p = compile(GRANT);
    // As always: the key is ignored and the input takes its default (no disability top-up).
    let lax = p
        .evaluate(&misspelt_member("H1"), as_of())
        .unwrap_or_else(|e| panic!("{e}"));
    let right = p
        .evaluate(&household("H1"), as_of())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lax.cash_total().map(|c| c.to_string()), Some("2000".into()));
    assert_eq!(
        right.cash_total().map(|c| c.to_string()),
        Some("2300".into())
    );
    // Strict: the unit fails, named as a member's other errors are, with the close name.
    let e = error_of(p.evaluate_with(&misspelt_member("H1"), as_of(), &strict()));
    assert_eq!(e, unknown("member H1-1: disabeld", Some("disabled")));
    assert_eq!(e.code(), "R0011");
    assert_eq!(
        e.to_string(),
        "`member H1-1: disabeld` is not an input of this program; did you mean `disabled`?"
    );
    // A unit whose names are all declared is decided as without it.
    let same = p.evaluate_with(&household("H1"), as_of(), &strict());
    assert_eq!(same.as_ref().ok(), Some(&right));
}

#[test]
fn unit_keys_are_checked_against_the_unit_s_inputs_and_far_names_have_no_suggestion() {
    let p = compile(GRANT);
    let run = |u: Unit| error_of(p.evaluate_with(&u, as_of(), &strict()));
    let misspelt = household("H1").with("enroled_in_pension", true);
    assert_eq!(
        run(misspelt),
        unknown("enroled_in_pension", Some("enrolled_in_pension"))
    );
    // Case counts for a name, not for the suggestion.
    assert_eq!(
        run(household("H1").with("Region", "North")),
        unknown("Region", Some("region"))
    );
    let far = run(household("H1").with("shoe_size", "42"));
    assert_eq!(far, unknown("shoe_size", None));
    assert_eq!(
        far.to_string(),
        "`shoe_size` is not an input of this program"
    );
    // A member input at the unit's level is not the unit's (nor close to one of its names).
    assert_eq!(
        run(household("H1").with("birthdate", "1990-01-01")),
        unknown("birthdate", None)
    );
    // Of several, the first in byte order, whatever the order they were given in.
    let two = household("H1").with("zone", "x").with("areaa", "y");
    assert_eq!(run(two), unknown("areaa", None));
}

#[test]
fn the_error_serializes_its_close_name_only_when_there_is_one_and_reads_in_french() {
    let e = unknown("member M1: disabeld", Some("disabled"));
    assert_eq!(
        serde_json::to_value(&e).unwrap_or_default(),
        json!({"code": "R0011", "field": "member M1: disabeld", "closest": "disabled"})
    );
    let far = unknown("shoe_size", None);
    assert_eq!(
        serde_json::to_value(&far).unwrap_or_default(),
        json!({"code": "R0011", "field": "shoe_size"})
    );
    let fr = locale::catalog("fr");
    assert_eq!(
        e.message(fr),
        "`member M1: disabeld` n'est pas une donnée de ce programme ; vouliez-vous dire `disabled` ?"
    );
    assert_eq!(
        far.message(fr),
        "`shoe_size` n'est pas une donnée de ce programme"
    );
}

#[test]
fn in_a_batch_the_unit_with_an_unknown_key_fails_alone_on_both_paths() {
    let p = compile(GRANT);
    // 3 units are interpreted one by one; 40 go through the columnar plan.
    for n in [3, 40] {
        let units: Vec<Unit> = (0..n)
            .map(|i| {
                let id = format!("H{i}");
                if i == 1 {
                    misspelt_member(&id)
                } else {
                    household(&id)
                }
            })
            .collect();
        let strict_results = p.evaluate_batch_with(&units, as_of(), &strict());
        let lax_results = p.evaluate_batch(&units, as_of());
        assert_eq!(strict_results.len(), n);
        for (i, (s, l)) in strict_results.iter().zip(&lax_results).enumerate() {
            if i == 1 {
                let e = s.as_ref().map(|d| d.outcome).unwrap_err();
                assert_eq!(e.unit_id, "H1");
                assert_eq!(e.error, unknown("member H1-1: disabeld", Some("disabled")));
                let l = l.as_ref().unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(l.cash_total().map(|c| c.to_string()), Some("2000".into()));
            } else {
                let d = s.as_ref().unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(d.outcome, Outcome::Eligible);
                assert_eq!(d.cash_total().map(|c| c.to_string()), Some("2300".into()));
                assert_eq!(Some(d), l.as_ref().ok());
            }
        }
        // The bound batch keeps the error in place, as `bind_with` gives it.
        let batch = p.bind_with(&units, &strict());
        assert_eq!(batch.unit_error(1).map(EvalError::code), Some("R0011"));
        assert!(batch.unit_error(0).is_none());
        assert!(p.bind(&units).unit_error(1).is_none());
    }
}

#[test]
fn an_unknown_key_is_found_before_any_value_is_read() {
    let p = compile(GRANT);
    let bad_value_too = misspelt_member("H1").with("monthly_income", "a lot");
    let e = error_of(p.evaluate_with(&bad_value_too, as_of(), &strict()));
    assert_eq!(e.code(), "R0011");
    let lax = error_of(p.evaluate(&bad_value_too, as_of()));
    assert_eq!(lax.code(), "R0005");
}

#[test]
fn evaluate_into_is_strict_too_and_leaves_the_decision_as_it_was() {
    let p = compile(GRANT);
    let mut d = p
        .evaluate(&household("H1"), as_of())
        .unwrap_or_else(|e| panic!("{e}"));
    let before = d.clone();
    let e = p
        .evaluate_into(&misspelt_member("H2"), as_of(), &strict(), &mut d)
        .map_err(|e| e.error);
    assert_eq!(e, Err(unknown("member H2-1: disabeld", Some("disabled"))));
    assert_eq!(d, before);
    // The thread's kept room serves a lax call next, which ignores the key again.
    p.evaluate_into(
        &misspelt_member("H2"),
        as_of(),
        &EvalOptions::default(),
        &mut d,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.cash_total().map(|c| c.to_string()), Some("2000".into()));
}

fn json_grant_unit() -> Json {
    json!({"id": "H1", "region": "North", "monthly_income": "1000", "members": [
        {"id": "M1", "kind": ["head"], "kinds": null, "start_date": "2020-01-01", "end_date": null,
         "birthdate": "1990-01-01", "disabled": true},
        {"id": "M2", "kind": "child", "birthdate": "2020-05-01"}]})
}

#[test]
fn the_json_boundary_never_refuses_its_structural_keys_and_names_what_it_refuses() {
    let p = compile(GRANT);
    let run = |u: &Json, o: &EvalOptions| p.evaluate_json(u, "2026-03-01", o);
    let ok = run(&json_grant_unit(), &strict());
    assert_eq!(ok["decision"], "eligible", "{ok}");
    assert_eq!(ok["cash"]["total"], "2300");
    let mut bad = json_grant_unit();
    bad["members"][1]["disabeld"] = json!(true);
    let e = run(&bad, &strict());
    assert_eq!(
        e,
        json!({"unit_id": "H1", "error": {"code": "R0011", "field": "member M2: disabeld",
            "closest": "disabled",
            "message": "`member M2: disabeld` is not an input of this program; did you mean `disabled`?"}})
    );
    let lax = run(&bad, &EvalOptions::default());
    assert_eq!(lax["cash"]["total"], "2300");
    // In French, through the façade that explains in French.
    let fr = p.evaluate_json_in(&bad, "2026-03-01", &strict(), locale::catalog("fr"));
    assert_eq!(
        fr["error"]["message"],
        "`member M2: disabeld` n'est pas une donnée de ce programme ; vouliez-vous dire `disabled` ?"
    );
    // A batch: the unit with the unknown key fails, the others are decided.
    let units = vec![
        json_grant_unit(),
        bad,
        json!({"id": "H3", "regoin": "North"}),
    ];
    let results = p.evaluate_batch_json(&units, "2026-03-01", &strict());
    assert_eq!(results[0]["cash"]["total"], "2300");
    assert_eq!(results[1]["error"]["field"], "member M2: disabeld");
    assert_eq!(results[2]["error"]["field"], "regoin");
    assert_eq!(results[2]["error"]["closest"], "region");
}

#[test]
fn records_are_checked_by_collection_and_field() {
    let p = compile(VISITS);
    let run = |u: Json| p.evaluate_json(&u, "2026-03-01", &strict());
    let ok = run(json!({"id": "P1", "district": "North",
        "visits": [{"visit_date": "2026-01-05", "cost": "100"}]}));
    assert_eq!(ok["cash"]["total"], "100", "{ok}");
    // An empty collection is no records (it is not an array of objects), but still its name.
    let empty = run(json!({"id": "P1", "visits": []}));
    assert_eq!(empty["decision"], "not_eligible", "{empty}");
    let null = run(json!({"id": "P1", "visits": null}));
    assert_eq!(null["decision"], "not_eligible", "{null}");
    let field = run(json!({"id": "P1", "visits": [
        {"visit_date": "2026-01-05"}, {"visit_date": "2026-01-06", "cots": "100"}]}));
    assert_eq!(
        field["error"],
        json!({"code": "R0011", "field": "visits #2: cots", "closest": "cost",
            "message": "`visits #2: cots` is not an input of this program; did you mean `cost`?"})
    );
    let collection = run(json!({"id": "P1", "visit": [{"visit_date": "2026-01-05"}]}));
    assert_eq!(collection["error"]["field"], "visit");
    assert_eq!(collection["error"]["closest"], "visits");
    // Without strict the misspelt collection is no records: not eligible, without a word.
    let lax = p.evaluate_json(
        &json!({"id": "P1", "visit": [{"visit_date": "2026-01-05"}]}),
        "2026-03-01",
        &EvalOptions::default(),
    );
    assert_eq!(lax["decision"], "not_eligible");
}

#[test]
fn the_names_a_unit_may_carry_are_listed_by_place() {
    // What the JavaScript bindings send a value for (in declaration order, then the shape
    // keys); every other key is sent without its value.
    let grant = Program::compile(GRANT).unwrap();
    assert_eq!(
        grant.declared_names_json(),
        json!({
            "unit": ["region", "monthly_income", "enrolled_in_pension", "id", "members"],
            "member": ["birthdate", "disabled", "id", "kind", "kinds", "start_date", "end_date"],
            "records": {}
        })
    );
    let visits = Program::compile(VISITS).unwrap();
    assert_eq!(
        visits.declared_names_json(),
        json!({
            "unit": ["district", "visits", "id", "members"],
            "member": ["id", "kind", "kinds", "start_date", "end_date"],
            "records": {"visits": ["visit_date", "cost"]}
        })
    );
}
