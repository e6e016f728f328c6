//! Circular `let`s: each circle is reported with its own members, a let that only uses a circle is
//! not blamed, and the names a circle reads are not reported as unused.

use entitle_dsl::{check, locale};

fn diagnostics(lets: &str) -> Vec<(&'static str, u32, u32, String, String, String)> {
    let src = format!(
        "program p \"P\" version \"1\"
  target individual
  currency KES

inputs
  person.n: number

{lets}
eligible when
  r \"r\" x > 0

test \"t\" as of 2026-03-01
  person n 1
  expect eligible
"
    );
    check(&src)
        .diagnostics
        .0
        .iter()
        .map(|d| {
            (
                d.code,
                d.span.line,
                d.span.column,
                d.message.clone(),
                d.help.clone().unwrap_or_default(),
                d.localized(locale::catalog("fr")).help.unwrap_or_default(),
            )
        })
        .collect()
}

fn e0108(line: u32, name: &str, path: &str) -> (&'static str, u32, u32, String, String, String) {
    (
        "E0108",
        line,
        1,
        format!("`{name}` is defined in terms of itself"),
        format!("the circle goes through {path}"),
        format!("le cercle passe par {path}"),
    )
}

#[test]
fn two_circles_are_reported_each_with_its_own_members() {
    let got = diagnostics(
        "let x = y + n
let y = x + 1
let p = q * 2
let q = p - 1
let s = p + 1
",
    );
    assert_eq!(
        got,
        vec![
            e0108(8, "x", "`x`, `y`"),
            e0108(9, "y", "`x`, `y`"),
            e0108(10, "p", "`p`, `q`"),
            e0108(11, "q", "`p`, `q`"),
            (
                "W0002",
                12,
                1,
                "`s` is never used".into(),
                String::new(),
                String::new()
            ),
        ]
    );
}

#[test]
fn a_let_that_only_uses_a_circle_is_not_blamed() {
    let got = diagnostics(
        "let z = y + 1
let x = y + n
let y = x + 1
let w = w + 1
",
    );
    assert_eq!(
        got,
        vec![
            (
                "W0002",
                8,
                1,
                "`z` is never used".into(),
                String::new(),
                String::new()
            ),
            e0108(9, "x", "`x`, `y`"),
            e0108(10, "y", "`x`, `y`"),
            e0108(11, "w", "`w`"),
        ]
    );
}
