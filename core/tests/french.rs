//! The engine's own errors in French are French throughout: the reasons it gives for a value, a
//! unit, an as-of date or a run option (English sentences that the catalogue's `phrase.…` entries
//! translate) leave no English word between French ones, as `attendu un montant` once read
//! `expected un montant`.

use entitle_core::json::unit_from_json;
use entitle_core::parse::{parse_value, ParseError};
use entitle_core::run_model::RunError;
use entitle_core::{Currency, EvalError, EvalOptions, Program, Type};
use entitle_dsl::locale::{self, Catalog};
use serde_json::json;

// The catalogue's own check, so that both tests agree on what an English word is.
#[path = "../../dsl/tests/common/english_left.rs"]
mod english_left;
use english_left::english_left;

fn french() -> &'static Catalog {
    locale::catalog("fr")
}

/// Every error rendered in French with no English left, each one listed when some is.
fn assert_french(errors: &[(String, String)]) {
    let bad: Vec<String> = errors
        .iter()
        .filter_map(|(en, fr)| {
            let left = english_left(en, fr);
            (!left.is_empty()).then(|| format!("{fr}  ←  {en}  {left:?}"))
        })
        .collect();
    assert!(
        bad.is_empty(),
        "English left in French:\n{}",
        bad.join("\n")
    );
}

fn both(e: &EvalError) -> (String, String) {
    (e.message(locale::english()), e.message(french()))
}

#[test]
fn a_value_that_does_not_read_is_told_in_french() {
    let kes = Currency::from_code("KES").unwrap();
    let money = Type::Money { currency: kes };
    let quantity = Type::Quantity { unit: "kg".into() };
    let cases: Vec<(&str, Type)> = vec![
        ("maybe", Type::Bool),
        ("twelve", Type::Number),
        ("1,500", Type::Number),
        ("1234567890123456789012345678901", Type::Number),
        ("lots", money.clone()),
        ("USD 10", money),
        ("March", Type::Date),
        ("2026-02-30", Type::Date),
        ("ten sacks", quantity),
    ];
    let mut errors: Vec<(String, String)> = cases
        .iter()
        .map(|(text, ty)| {
            let reason = parse_value(text, ty).unwrap_err().to_string();
            both(&EvalError::InvalidValue {
                field: "income".into(),
                reason,
            })
        })
        .collect();
    errors.push(both(&EvalError::InvalidValue {
        field: "income".into(),
        reason: ParseError::Unsupported("list of number".into()).to_string(),
    }));
    assert_french(&errors);
    // The sentence that was half English.
    let e = EvalError::InvalidValue {
        field: "income".into(),
        reason: parse_value("lots", &Type::Money { currency: kes })
            .unwrap_err()
            .to_string(),
    };
    assert_eq!(
        e.message(french()),
        "`income` : attendu : un montant tel que 1500.50 ou KES 1500.50"
    );
}

#[test]
fn a_malformed_unit_is_told_in_french() {
    let units = [
        json!([1, 2]),
        json!({"name": "no id"}),
        json!({"id": "H1", "members": 3}),
        json!({"id": "H1", "members": [7]}),
        json!({"id": "H1", "members": [{"id": "M1", "kind": 3}]}),
        json!({"id": "H1", "income": {"amount": "x", "currency": "KES"}}),
        json!({"id": "H1", "income": {"amount": "10", "currency": "??"}}),
        json!({"id": "H1", "income": {"amount": "10"}}),
        json!({"id": "H1", "income": 1e300}),
        json!({"id": "H1", "members": [{"id": "M1", "start_date": 5}]}),
        json!({"id": "H1", "members": [{"id": "M1", "start_date": "soon"}]}),
    ];
    let errors: Vec<(String, String)> = units
        .iter()
        .filter_map(|u| unit_from_json(u).err())
        .map(|e| {
            let (en, fr) = both(&e);
            // A member's errors start with its locator (`member M1: kind`), a name kept as written.
            let strip = |s: String| s.replace("member M1: ", "").replace("member M1", "");
            (strip(en), strip(fr))
        })
        .collect();
    assert_eq!(errors.len(), units.len(), "{errors:?}");
    assert_french(&errors);
    assert_eq!(
        errors[1].1,
        "les données de l'unité sont mal formées : l'unité n'a pas d'`id` (un texte ou un nombre)"
    );
}

const GRANT: &str = r#"
program grant "Grant" version "1"
  target household
  currency KES

inputs
  household.income: money

eligible when
  poor "Poor" income < KES 100

entitlement
  cash base "Base" KES 10
"#;

#[test]
fn a_bad_as_of_date_is_told_in_the_locale_of_the_explanation() {
    let p = Program::compile(GRANT).unwrap();
    let unit = json!({"id": "H1", "income": "50"});
    let options = EvalOptions {
        explain: true,
        ..Default::default()
    };
    let fr = p.evaluate_json_in(&unit, "1 March 2026", &options, french());
    assert_eq!(fr["error"]["code"], "R0010");
    assert_eq!(
        fr["error"]["message"],
        "les données de l'unité sont mal formées : la date de référence doit être une date \
         ISO 8601 telle que 2026-03-01"
    );
    // The fields tools read stay as they were; English is what `evaluate_json` gives.
    let en = p.evaluate_json(&unit, "1 March 2026", &options);
    assert_eq!(fr["error"]["reason"], en["error"]["reason"]);
    assert_eq!(
        en["error"]["message"],
        "the unit's data is malformed: the as-of date must be an ISO 8601 date such as 2026-03-01"
    );
    // A unit the engine cannot read, in French too.
    let fr = p.evaluate_json_in(
        &json!({"id": "H1", "income": "lots"}),
        "2026-03-01",
        &options,
        french(),
    );
    assert_eq!(
        fr["error"]["message"],
        "`income` : attendu : un montant tel que 1500.50 ou KES 1500.50"
    );
}

#[test]
fn a_run_option_that_does_not_fit_is_told_in_french() {
    let reasons = [
        "expected a decimal amount",
        "expected an ISO 8601 date such as 2026-03-01",
        "the other run takes run options only (no `summary`, no `compare_with`)",
        "it is not a number",
        "it must be a whole number of units, zero or more",
        "it is too large",
        "it is not an amount of money",
        "the program has no currency, so nothing is paid in cash",
        "a budget cannot be negative",
        "a budget spent in rank order needs `rank by` in the program's selection",
        "selecting the top units needs `rank by` in the program's selection",
        "`head.region` is not a date input",
    ];
    let errors: Vec<(String, String)> = reasons
        .iter()
        .map(|r| {
            let e = RunError::InvalidOption {
                option: "top".into(),
                reason: (*r).into(),
            };
            (e.message(locale::english()), e.message(french()))
        })
        .collect();
    assert_french(&errors);
    // Through the JSON boundary, where the date comes as text.
    let p = Program::compile(GRANT).unwrap();
    let out = p.run_cycle_json(&[], "March", &json!(null));
    assert_eq!(out["error"]["code"], "R0102");
}
