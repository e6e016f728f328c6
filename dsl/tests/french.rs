//! French diagnostics are French throughout: the words the checker passes as arguments (what was
//! expected and found, what a name is not) are translated, and names and code are kept.

use entitle_dsl::{check, locale};

const P2: &str = "program typo \"Typos\" version \"1\"
  target household
  currency KES

inputs
  household.income: money \"Income\"
  household.region: text
  member.birthdate: date

eligible when
  reg \"region\" region == 5
  mix \"mix\" income < 100
  text \"text\" region == \"x\"

entitlement
  cash a \"A\" KES 10 + 2026-01-01

test \"t\" as of 2026-03-01
  household income KES 1
  expect eligible, passed nope
";

#[test]
fn french_diagnostics_have_no_english_words() {
    let fr = check(P2).diagnostics.localized(locale::catalog("fr"));
    let got: Vec<(&str, u32, u32, String)> =
        fr.0.iter()
            .filter(|d| d.is_error())
            .map(|d| (d.code, d.span.line, d.span.column, d.message.clone()))
            .collect();
    assert_eq!(
        got,
        vec![
            (
                "E0201",
                11,
                26,
                "du texte attendu, un nombre trouvé".to_string()
            ),
            (
                "E0203",
                12,
                22,
                "une somme d'argent et un nombre simple ne peuvent pas être comparés".to_string()
            ),
            (
                "E0204",
                16,
                14,
                "une somme en KES + une date n'est pas un calcul de dates valide".to_string()
            ),
            (
                "E0405",
                20,
                27,
                "`nope` n'est pas une règle de ce programme".to_string()
            ),
        ]
    );
}

#[test]
fn french_syntax_errors_translate_what_was_expected_and_found() {
    let src = P2.replace("reg \"region\" region == 5", "reg region == 5");
    let fr = check(&src).diagnostics.localized(locale::catalog("fr"));
    let first =
        fr.0.iter()
            .find(|d| d.code == "E0001")
            .map(|d| d.message.clone());
    assert_eq!(
        first.as_deref(),
        Some("un texte entre guillemets attendu, `region` trouvé")
    );
    // Names and code in backticks are never translated, even when they are English words.
    let fr = locale::catalog("fr");
    assert_eq!(
        fr.translate_phrases("a number or `text`, text, input_x or textual"),
        "un nombre ou `text`, du texte, input_x ou textual"
    );
}

#[test]
fn french_phrases_cover_the_parts_of_declarations_and_contradictions() {
    let fr = locale::catalog("fr");
    assert_eq!(
        fr.render(
            "E0305",
            &[
                ("what", "the default"),
                ("name", "n"),
                ("expected", "number")
            ]
        ),
        "la valeur par défaut de `n` ne correspond pas à son type nombre"
    );
    assert_eq!(
        fr.render("W0004.help", &[("reason", "`< 5` and `> 10`")]),
        "ses conditions se contredisent : `< 5` et `> 10`"
    );
}
