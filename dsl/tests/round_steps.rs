//! What `round` can round to: a whole number of decimal places from 0 to 28, or a positive step of
//! the rounded value's type. A literal that is neither says so (E0216), never "must be a constant".

mod common;
use common::{errors_en_fr, ErrorEnFr};

/// The errors of a program whose lets are `lets` and whose entitlement rounds to `step`: code,
/// line, column, message, help, French message and help.
fn errors(lets: &str, step: &str) -> Vec<ErrorEnFr> {
    let src = format!(
        "program p \"P\" version \"1\"
  target individual
  currency KES

inputs
  person.n: number
  person.income: money

{lets}
entitlement
  cash c \"C\" income
  round cash to {step} half up
"
    );
    errors_en_fr(&src)
}

fn places(line: u32, column: u32, step: &str) -> ErrorEnFr {
    (
        "E0216",
        line,
        column,
        format!("`round` cannot round to `{step}`"),
        "the decimal places are a whole number from 0 to 28, such as `2`".into(),
        format!("`round` ne peut pas arrondir à `{step}`"),
        "les décimales sont un nombre entier de 0 à 28, par exemple `2`".into(),
    )
}

fn step(line: u32, column: u32, step: &str, example: &str) -> ErrorEnFr {
    (
        "E0216",
        line,
        column,
        format!("`round` cannot round to `{step}`"),
        format!("a step is a positive amount of the rounded value's type, such as `{example}`"),
        format!("`round` ne peut pas arrondir à `{step}`"),
        format!("un pas est une quantité positive du type de la valeur arrondie, par exemple `{example}`"),
    )
}

#[test]
fn a_literal_that_is_not_a_valid_number_of_places_says_why() {
    let got = errors(
        "let a = round(n, 40)
let b = round(n, -1)
let c = round(n, 1.5)
let d = round(n, KES 0, down)
let e = round(n, 5 kg)
let f = round(income, 2) + round(income, KES 5) + round(income, 28) + a + b + c + d + e
",
        "KES 10",
    );
    assert_eq!(
        got,
        vec![
            places(9, 18, "40"),
            places(10, 18, "-1"),
            places(11, 18, "1.5"),
            places(12, 18, "KES 0"),
            places(13, 18, "5 kg"),
        ]
    );
}

#[test]
fn a_step_that_is_not_positive_says_what_a_step_is() {
    let got = errors(
        "let a = round(income, KES 0)
let b = round(income, -KES 5, down)
let c = a + b
",
        "KES 0",
    );
    assert_eq!(
        got,
        vec![
            step(9, 23, "KES 0", "KES 5"),
            step(10, 23, "-KES 5", "KES 5"),
            step(15, 17, "KES 0", "KES 5"),
        ]
    );
}

#[test]
fn a_step_that_is_not_a_literal_must_be_a_constant() {
    let got = errors("let a = round(n, n)\n", "KES 10");
    assert_eq!(
        got.iter()
            .map(|e| (e.0, e.1, e.2, e.3.as_str()))
            .collect::<Vec<_>>(),
        vec![("E0212", 9, 18, "this argument must be a constant")]
    );
}
