//! The checks on the tests written inside programs: fields and expectations given twice, and
//! expectations that `expect error` leaves nothing to check on.

mod common;
use common::{errors_en_fr, ErrorEnFr};

const HEAD: &str = "program p \"P\" version \"1\"
  target individual
  currency KES

inputs
  person.income: money

eligible when
  a \"a\" income < KES 5

entitlement
  cash c \"C\" KES 10 / amount(income)
";

/// Each error of `tests` (appended to a small program): code, line, column, message, help, and
/// the French message and help.
fn errors(tests: &str) -> Vec<ErrorEnFr> {
    let src = format!("{HEAD}{tests}");
    errors_en_fr(&src)
}

fn row(code: &'static str, line: u32, column: u32, texts: [&str; 4]) -> ErrorEnFr {
    let [m, h, fm, fh] = texts.map(String::from);
    (code, line, column, m, h, fm, fh)
}

#[test]
fn a_field_given_twice_is_an_error_at_its_second_occurrence() {
    let got = errors(
        "test \"t\" as of 2026-03-01
  person income KES 1, income KES 9
  expect eligible
",
    );
    assert_eq!(
        got,
        vec![row(
            "E0407",
            14,
            24,
            [
                "`income` is given twice",
                "give each field once: the first `income` is at line 14, column 10",
                "`income` est donné deux fois",
                "donnez chaque champ une seule fois : le premier `income` est à la ligne 14, colonne 10",
            ]
        )]
    );
    // Also across two lines of the same unit.
    let got = errors(
        "test \"t\" as of 2026-03-01
  person income KES 1
  person income KES 9
  expect eligible
",
    );
    assert_eq!(
        got.iter().map(|r| (r.0, r.1, r.2)).collect::<Vec<_>>(),
        vec![("E0407", 15, 10)]
    );
}

#[test]
fn an_expectation_given_twice_or_contradicted_is_an_error() {
    let got = errors(
        "test \"t\" as of 2026-03-01
  person income KES 1
  expect eligible, not_eligible, cash KES 10, cash KES 20, failed a, passed a
",
    );
    let fr_help = "un test vérifie chaque chose une seule fois : gardez l'attente voulue";
    let help = "a test checks each thing once: keep the expectation you mean";
    assert_eq!(
        got,
        vec![
            row(
                "E0408",
                15,
                20,
                [
                    "this expectation repeats or contradicts the one at line 15, column 10",
                    help,
                    "cette attente répète ou contredit celle de la ligne 15, colonne 10",
                    fr_help,
                ]
            ),
            row(
                "E0408",
                15,
                47,
                [
                    "this expectation repeats or contradicts the one at line 15, column 34",
                    help,
                    "cette attente répète ou contredit celle de la ligne 15, colonne 34",
                    fr_help,
                ]
            ),
            row(
                "E0408",
                15,
                70,
                [
                    "this expectation repeats or contradicts the one at line 15, column 60",
                    help,
                    "cette attente répète ou contredit celle de la ligne 15, colonne 60",
                    fr_help,
                ]
            ),
        ]
    );
}

#[test]
fn expectations_beside_an_expected_error_are_errors() {
    let got = errors(
        "test \"t\" as of 2026-03-01
  person income KES 0
  expect error R0001, cash KES 5
",
    );
    assert_eq!(
        got,
        vec![row(
            "E0409",
            15,
            23,
            [
                "this expectation cannot be checked: the test expects the evaluation error R0001, which gives no decision",
                "move it to a test whose unit is decided, or remove it",
                "cette attente ne peut pas être vérifiée : le test attend l'erreur d'évaluation R0001, qui ne donne pas de décision",
                "déplacez-la dans un test où l'unité est décidée, ou supprimez-la",
            ]
        )]
    );
}

#[test]
fn an_unknown_evaluation_error_code_is_an_error() {
    let got = errors(
        "test \"t\" as of 2026-03-01
  person income KES 0
  expect error R9999
",
    );
    assert_eq!(
        got.iter()
            .map(|r| (r.0, r.1, r.2, r.3.as_str(), r.4.as_str()))
            .collect::<Vec<_>>(),
        vec![(
            "E0405",
            15,
            16,
            "`R9999` is not an evaluation error code of this program",
            "the evaluation error codes go from R0001 to R0014"
        )]
    );
    // A known code is fine.
    assert!(
        errors("test \"t\" as of 2026-03-01\n  person income KES 0\n  expect error R0001\n")
            .is_empty()
    );
}
