//! E0107 says how many arguments a function takes and how many were given, singular or plural,
//! in English and French; E0405 names what a test refers to with its article.

use entitle_dsl::{check, locale};

fn errors(src: &str) -> Vec<(&'static str, u32, u32, String, String)> {
    check(src)
        .diagnostics
        .0
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            (
                d.code,
                d.span.line,
                d.span.column,
                d.message.clone(),
                d.localized(locale::catalog("fr")).message,
            )
        })
        .collect()
}

#[test]
fn argument_counts_are_singular_or_plural() {
    let src = "program p \"P\" version \"1\"
  target individual
  currency KES

inputs
  person.n: number
  person.born: date

let a = abs(n, n)
let b = round(n)
let c = age()
let d = lookup(n)

eligible when
  r \"r\" a + b + c > 0

test \"t\" as of 2026-03-01
  person n 1
  expect eligible, item nope KES 1, missing nope
";
    let got = errors(src);
    let want = [
        (
            "E0107",
            9,
            9,
            "`abs` takes 1 argument, but 2 were given",
            "`abs` prend 1 argument, mais 2 ont été donnés",
        ),
        (
            "E0107",
            10,
            9,
            "`round` takes 2 or 3 arguments, but 1 was given",
            "`round` prend 2 ou 3 arguments, mais 1 a été donné",
        ),
        (
            "E0107",
            11,
            9,
            "`age` takes 1 argument, but none was given",
            "`age` prend 1 argument, mais aucun n'a été donné",
        ),
    ];
    for w in want {
        assert!(
            got.iter()
                .any(|g| (g.0, g.1, g.2, g.3.as_str(), g.4.as_str()) == w),
            "{w:?} not in {got:#?}"
        );
    }
    for (what, fr) in [
        ("an entitlement item", "un élément de droit"),
        ("an input", "une donnée"),
    ] {
        assert!(
            got.iter().any(|g| g.0 == "E0405"
                && g.3 == format!("`nope` is not {what} of this program")
                && g.4 == format!("`nope` n'est pas {fr} de ce programme")),
            "{what}: {got:#?}"
        );
    }
}
