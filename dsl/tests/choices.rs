//! Choices that cannot be what the author meant are warned about where they are written: an input
//! that declares none (every value given to it would be refused), and a choice written twice.

use entitle_dsl::{check, locale};

const SOURCE: &str = "program p \"P\"
  currency KES
inputs
  household.region: text one of []
  household.band: number one of [1, 2, 1]
  household.zone: text one of [\"North\", \"East\", \"North\"]
  household.tier: text one of [\"a\", \"b\"]
eligible when
  a \"A\" region == \"North\" and band == 1 and zone == \"East\" and tier == \"a\"
";

fn warnings(catalog: &locale::Catalog) -> Vec<(&'static str, u32, u32, String)> {
    let checked = check(SOURCE);
    let localized = checked.diagnostics.localized(catalog);
    localized
        .0
        .iter()
        .filter(|d| d.code == "W0009" || d.code == "W0010")
        .map(|d| (d.code, d.span.line, d.span.column, d.message.clone()))
        .collect()
}

#[test]
fn no_choices_and_a_choice_written_twice_are_warned_at_their_place() {
    let checked = check(SOURCE);
    assert!(
        !checked.diagnostics.0.iter().any(|d| d.is_error()),
        "warnings only: the program still compiles"
    );
    assert_eq!(
        warnings(locale::english()),
        [
            (
                "W0009",
                4,
                33,
                "`region` declares no choices: every value given to it is refused (`R0008`)".into()
            ),
            ("W0010", 5, 40, "`band` lists the choice `1` twice".into()),
            (
                "W0010",
                6,
                49,
                "`zone` lists the choice \"North\" twice".into()
            ),
        ]
    );
    let help = checked.diagnostics.0.iter().find(|d| d.code == "W0009");
    assert_eq!(
        help.and_then(|d| d.help.as_deref()),
        Some("list the values it takes, or remove `one of []` to take any value")
    );
}

#[test]
fn the_warnings_read_in_french() {
    let got: Vec<String> = warnings(locale::catalog("fr"))
        .into_iter()
        .map(|w| w.3)
        .collect();
    assert_eq!(
        got,
        [
            "`region` ne déclare aucun choix : toute valeur donnée est refusée (`R0008`)",
            "`band` énumère deux fois le choix `1`",
            "`zone` énumère deux fois le choix \"North\"",
        ]
    );
}

#[test]
fn a_default_outside_the_choices_names_them_not_the_type() {
    // The default fits the type (text): what is wrong is that the choices refuse it.
    let src = "program oo \"OneOf\" version \"1\"
  target individual
  currency KES
inputs
  person.region: text \"Region\" one of [\"North\", \"South\"] default \"East\"
  person.lvl: number one of [1, 2, 3] default 4
  person.code: number one of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] default 14
  person.sort: text one of [\"a\"] default 5
eligible when
  ok \"ok\" region == \"North\" or lvl == 2 or code == 1 or sort == \"a\"
test \"t\" as of 2026-03-01
  person region \"North\"
  expect eligible
";
    let checked = check(src);
    let got: Vec<(&str, u32, u32, String)> = checked
        .diagnostics
        .0
        .iter()
        .map(|d| (d.code, d.span.line, d.span.column, d.message.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "E0305",
                5,
                66,
                "the default of `region` is not one of its declared choices: \"North\", \"South\""
                    .into()
            ),
            (
                "E0305",
                6,
                47,
                "the default of `lvl` is not one of its declared choices: `1`, `2`, `3`".into()
            ),
            (
                "E0305",
                7,
                82,
                "the default of `code` is not one of its declared choices: `1`, `2`, `3`, `4`, \
                 `5`, `6`, `7`, `8`, `9`, `10`, `11`, `12`, … (13 in all)"
                    .into()
            ),
            // A default of another type is a type problem, said once.
            ("E0201", 8, 42, "expected text, found a number".into()),
        ]
    );
    let fr = checked.diagnostics.localized(locale::catalog("fr"));
    assert_eq!(
        fr.0[0].message,
        "la valeur par défaut de `region` ne fait pas partie de ses choix déclarés : \"North\", \"South\""
    );
}
