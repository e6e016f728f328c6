//! French diagnostics are French throughout: the words the checker passes as arguments (what was
//! expected and found, what a name is not) are translated, and names and code are kept.

use entitle_dsl::{check, locale};

#[path = "common/english_left.rs"]
mod english_left;
use english_left::{english_left, prose_words};

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
                "attendu : du texte ; trouvé : un nombre".to_string()
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
        Some("attendu : un texte entre guillemets ; trouvé : `region`")
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
        "incompatibilité entre la valeur par défaut de `n` et son type nombre"
    );
    assert_eq!(
        fr.render("W0004.help", &[("reason", "`< 5` and `> 10`")]),
        "ses conditions se contredisent : `< 5` et `> 10`"
    );
}

#[test]
fn french_names_the_sections_a_line_at_column_1_could_start_in_french() {
    let src = "program p \"P\"\n\nwhatever this is\n";
    let fr = check(src).diagnostics.localized(locale::catalog("fr"));
    let d = fr.errors().next().expect("an error");
    assert_eq!(
        (d.code, d.span.line, d.span.column, d.message.as_str()),
        (
            "E0001",
            3,
            1,
            "attendu : une section (`inputs`, `records`, `codes`, `functions`, `params`, `let`, \
             `score`, `eligible when`, `entitlement`, `compliant when`, `deduplicate`, \
             `selection`, `summary`, `translation`, `test`) ; trouvé : `whatever`"
        )
    );
}

/// Each construct that `entitle-core`'s SQL translation refuses (`core/src/sql/expr.rs` and
/// `expr/calls.rs`), as it names it, and the whole E0501 message in French.
const SQL_REFUSALS: &[(&str, &str)] = &[
    ("a list outside `in`", "une liste hors de `in`"),
    ("a list input", "une donnée de type liste"),
    ("an input", "une donnée"),
    ("a member input here", "une donnée de membre à cet endroit"),
    (
        "`kind` (the first of a membership's kinds has no order in the database; use `has_kind`)",
        "`kind` (la première des natures d'une appartenance n'a pas d'ordre dans la base de données ; utilisez `has_kind`)",
    ),
    ("a parameter with no value in force", "un paramètre sans valeur en vigueur"),
    ("a `let`", "un `let`"),
    ("a deeply nested `let`", "un `let` imbriqué trop profondément"),
    ("`cash_total`", "`cash_total`"),
    ("a list that is not a constant", "une liste qui n'est pas une constante"),
    ("a nested aggregate", "un agrégat imbriqué"),
    ("a record field here", "un champ d'enregistrement à cet endroit"),
    ("a record field", "un champ d'enregistrement"),
    ("`latest` and `earliest`", "`latest` et `earliest`"),
    ("a record collection", "une collection d'enregistrements"),
    (
        "the records `visits` (no table is mapped to them)",
        "les enregistrements `visits` (aucune table ne leur est associée)",
    ),
    ("an aggregate without a value", "un agrégat sans valeur"),
    ("a date function of a computed number", "une fonction de date d'un nombre calculé"),
    (
        "a count of days, months or years that is not whole",
        "un nombre de jours, de mois ou d'années qui n'est pas entier",
    ),
    ("a date out of range", "une date hors limites"),
    ("`has_kind` of a computed text", "`has_kind` d'un texte calculé"),
    ("`is_code`", "`is_code`"),
    ("`lookup` in a computed table", "`lookup` dans une table calculée"),
    ("`band` of a computed table", "`band` d'une table calculée"),
    (
        "`round` (databases round ties differently)",
        "`round` (les bases de données n'arrondissent pas toutes les valeurs à mi-chemin de la même façon)",
    ),
    (
        "an age that is not compared with a constant",
        "un âge qui n'est pas comparé à une constante",
    ),
    (
        "a count of days, months or years between dates",
        "un nombre de jours, de mois ou d'années entre des dates",
    ),
    ("date arithmetic on a stored date", "un calcul sur une date enregistrée"),
    ("`floor`, `ceil` and `power`", "`floor`, `ceil` et `power`"),
    ("`contains`, `ends_with` and `matches`", "`contains`, `ends_with` et `matches`"),
    ("`size`", "`size`"),
    ("a missing argument", "un argument manquant"),
];

#[test]
fn french_sql_refusals_name_the_construct_in_french() {
    let fr = locale::catalog("fr");
    for (construct, french) in SQL_REFUSALS {
        let d = entitle_dsl::Diagnostic::new("E0501", entitle_dsl::Span::default())
            .arg("construct", construct)
            .arg("target", "SQL")
            .with_help("E0501.help");
        assert_eq!(
            d.localized(fr).message,
            format!("impossible de traduire en SQL : {french}"),
            "{construct}"
        );
    }
}

/// Every entry French and English both have, read word by word: an English word of the English
/// text (not a word the two languages share) found in the French text is English left behind,
/// as `expected un montant` was. The `phrase.…` entries are checked against their key, which is
/// the English they translate.
#[test]
fn french_entries_leave_no_english_word_of_their_english_entry() {
    let (en, fr) = (locale::english(), locale::catalog("fr"));
    let mut left = Vec::new();
    let mut check = |key: &str, english: &str, french: &str| {
        let words = english_left(english, french);
        if !words.is_empty() {
            left.push(format!("{key}: {words:?}"));
        }
    };
    let mut keys: Vec<&str> = fr.keys().collect();
    keys.sort_unstable();
    for key in keys {
        let french = fr.get(key).unwrap_or_default();
        match (key.strip_prefix("phrase."), en.get(key)) {
            (Some(english), _) => check(key, &english.replace('_', " "), french),
            (None, Some(english)) => check(key, english, french),
            (None, None) => {}
        }
    }
    assert!(
        left.is_empty(),
        "English words in French entries:\n{}",
        left.join("\n")
    );
}

#[test]
fn the_english_word_check_sees_prose_and_not_code() {
    assert_eq!(
        prose_words("expected un `count` {name} montant, l'unité dans errors.csv --force"),
        ["expected", "un", "montant", "l", "unité", "dans"]
    );
}
