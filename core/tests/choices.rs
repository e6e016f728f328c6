//! A value outside an input's `one of` choices (R0008) is told which choices there are, in the
//! error's fields and in its message, in every language the JSON boundary serves: the choices are
//! the program's values, while the value refused is a registrant's and is never repeated.

use entitle_core::error::CHOICES_SHOWN;
use entitle_core::{EvalError, EvalOptions, Program};
use entitle_dsl::locale;
use serde_json::{json, Value as Json};

const PROGRAM: &str = r#"program choices "Choices" version "1"
  target household
  currency KES

inputs
  household.region: text "Region" one of ["North", "East", "South", "West"]
  household.district: text "District" one of ["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "D10", "D11", "D12", "D13", "D14"]
  household.band: number "Band" one of [1, 2.5]
  household.intake: date "Intake" one of [2026-01-01, 2026-07-01]
  household.grant: money "Grant" one of [KES 100, KES 250.50]
  member.role: text "Role" one of ["head", "other"]

eligible when
  north "In the North" region == "North"
  d1 "In D1" district == "D1"
  low "Low band" band == 1
  early "Early intake" intake == 2026-01-01
  small "Small grant" grant == KES 100
  heads "Has a head" any(members where role == "head")
"#;

fn program() -> Program {
    Program::compile(PROGRAM).unwrap_or_else(|d| panic!("{d}"))
}

/// The error object of a unit's evaluation (`{"code": …, "message": …, …}`), in English.
fn error_of(unit: Json) -> Json {
    let out = program().evaluate_json(&unit, "2026-03-01", &EvalOptions::default());
    out["error"].clone()
}

#[test]
fn a_text_outside_the_choices_lists_them_and_how_they_are_written() {
    let e = error_of(json!({"id": "H1", "region": "Nowhere-SECRET"}));
    assert_eq!(
        e,
        json!({
            "code": "R0008",
            "field": "region",
            "choices": ["North", "East", "South", "West"],
            "choices_total": 4,
            "text": true,
            "message": "`region` is not one of its declared choices: North, East, South, West; \
                        written as declared, capitals included (spaces around the value do not \
                        count)"
        })
    );
    // A choice in other capitals is refused the same way, and the value is never repeated.
    let e = error_of(json!({"id": "H1", "region": "north"}));
    assert_eq!(e["choices"], json!(["North", "East", "South", "West"]));
    assert!(!e.to_string().contains("north"), "{e}");
    assert!(!error_of(json!({"id": "H1", "region": "Nowhere-SECRET"}))
        .to_string()
        .contains("SECRET"));
}

#[test]
fn a_long_list_is_cut_after_twelve_with_the_count() {
    let e = error_of(json!({"id": "H1", "district": "D15"}));
    let shown: Vec<String> = (1..=12).map(|k| format!("D{k}")).collect();
    assert_eq!(CHOICES_SHOWN, 12);
    assert_eq!(e["choices"], json!(shown));
    assert_eq!(e["choices_total"], 14);
    assert_eq!(
        e["message"],
        "`district` is not one of its declared choices: D1, D2, D3, D4, D5, D6, D7, D8, D9, D10, \
         D11, D12, … (14 in all); written as declared, capitals included (spaces around the \
         value do not count)"
    );
}

#[test]
fn numbers_dates_and_amounts_list_their_choices_without_the_words_on_capitals() {
    let cases = [
        (
            json!({"id": "H1", "band": "3"}),
            "band",
            json!(["1", "2.5"]),
            "1, 2.5",
        ),
        (
            json!({"id": "H1", "intake": "2026-03-01"}),
            "intake",
            json!(["2026-01-01", "2026-07-01"]),
            "2026-01-01, 2026-07-01",
        ),
        (
            json!({"id": "H1", "grant": "KES 99"}),
            "grant",
            json!(["KES 100", "KES 250.50"]),
            "KES 100, KES 250.50",
        ),
    ];
    for (unit, field, choices, list) in cases {
        let e = error_of(unit);
        assert_eq!(e["code"], "R0008", "{e}");
        assert_eq!(e["field"], field);
        assert_eq!(e["choices"], choices);
        assert_eq!(e["text"], false);
        assert_eq!(
            e["message"],
            format!("`{field}` is not one of its declared choices: {list}")
        );
    }
}

#[test]
fn a_member_input_names_the_member_and_lists_the_choices() {
    let e = error_of(json!({"id": "H1", "members": [{"id": "M1", "role": "boss"}]}));
    assert_eq!(e["field"], "member M1: role");
    assert_eq!(e["choices"], json!(["head", "other"]));
    assert!(!e.to_string().contains("boss"), "{e}");
}

#[test]
fn the_message_is_french_in_french() {
    let p = program();
    let fr = locale::catalog("fr");
    let options = EvalOptions::default();
    let out = p.evaluate_json_in(
        &json!({"id": "H1", "region": "Nowhere"}),
        "2026-03-01",
        &options,
        fr,
    );
    assert_eq!(
        out["error"]["message"],
        "`region` ne fait pas partie des choix déclarés : North, East, South, West ; un choix \
         s'écrit tel qu'il est déclaré, majuscules comprises (les espaces autour de la valeur ne \
         comptent pas)"
    );
    // The fields tools read are the same in every language.
    assert_eq!(
        out["error"]["choices"],
        json!(["North", "East", "South", "West"])
    );
    let out = p.evaluate_json_in(
        &json!({"id": "H1", "district": "D0"}),
        "2026-03-01",
        &options,
        fr,
    );
    assert_eq!(
        out["error"]["message"],
        "`district` ne fait pas partie des choix déclarés : D1, D2, D3, D4, D5, D6, D7, D8, D9, \
         D10, D11, D12, … (14 en tout) ; un choix s'écrit tel qu'il est déclaré, majuscules \
         comprises (les espaces autour de la valeur ne comptent pas)"
    );
}

#[test]
fn the_error_value_itself_carries_the_choices() {
    let p = program();
    let mut b = p.batch_builder();
    let band = b.layout().unit_slot("band").unwrap_or(usize::MAX);
    b.start_unit("H1");
    assert_eq!(
        b.set_unit_text(band, " 7 "),
        Err(EvalError::NotAChoice {
            field: "band".into(),
            choices: ["1".to_string(), "2.5".to_string()].into(),
            choices_total: 2,
            text: false,
        })
    );
}

#[test]
fn an_input_with_no_choices_says_so() {
    // `one of []` compiles; every value is then refused, and the message says why.
    let p = Program::compile(&PROGRAM.replace("one of [1, 2.5]", "one of []"))
        .unwrap_or_else(|d| panic!("{d}"));
    let unit = json!({"id": "H1", "band": "1"});
    let options = EvalOptions::default();
    let e = p.evaluate_json(&unit, "2026-03-01", &options)["error"].clone();
    assert_eq!(
        (&e["choices"], &e["choices_total"]),
        (&json!([]), &json!(0))
    );
    assert_eq!(
        e["message"],
        "`band` declares no choices, so no value is one of them"
    );
    let fr = p.evaluate_json_in(&unit, "2026-03-01", &options, locale::catalog("fr"));
    assert_eq!(
        fr["error"]["message"],
        "`band` ne déclare aucun choix, donc aucune valeur n'en fait partie"
    );
}
