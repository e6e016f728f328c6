//! The caret line under a diagnostic's source line sits under the offending text as a terminal
//! shows it: wide characters (emoji, CJK) take two cells, combining marks none, tabs are copied.
//! The reported column stays a count of characters, as `docs/language.md` says.

use entitle_dsl::check;

const HEAD: &str = "program g \"Grant\" version \"1\"
  target household
  currency KES

inputs
  household.monthly_income: money

eligible when
";

/// The first error's line, column and the rendered line under its source line (after `  | `).
fn first_error(rule_line: &str) -> (u32, u32, String) {
    let src = format!("{HEAD}{rule_line}\n");
    let checked = check(&src);
    let d = checked
        .diagnostics
        .errors()
        .next()
        .expect("an error")
        .clone();
    let rendered = d.render_with_source(&src, "p.entitle");
    let caret = rendered
        .lines()
        .nth(4)
        .and_then(|l| l.strip_prefix("  | "))
        .expect("a caret line")
        .to_string();
    (d.span.line, d.span.column, caret)
}

#[test]
fn carets_line_up_under_wide_characters_tabs_and_combining_marks() {
    let cases: &[(&str, u32, &str)] = &[
        // Plain ASCII: one cell per character.
        (
            "  poor \"Hogar pobre\" monthly_incme < KES 100",
            22,
            "                     ^^^^^^^^^^^^^",
        ),
        // 👪 and the four CJK characters take two cells each: 28 characters, 33 cells.
        (
            "  poor \"Hogar 👪 pobre 贫困家庭\" monthly_incme < KES 100",
            29,
            "                                 ^^^^^^^^^^^^^",
        ),
        // Tabs are copied, so the terminal expands them the same way above and below.
        (
            "\tpoor\t\"Hogar\"\tmonthly_incme < KES 100",
            15,
            "\t    \t       \t^^^^^^^^^^^^^",
        ),
        // `é` written as `e` plus a combining acute accent: two characters, one cell.
        (
            "  poor \"Cafe\u{301}\" monthly_incme < KES 100",
            16,
            "              ^^^^^^^^^^^^^",
        ),
        // An ideographic space is wide: its caret is two cells wide.
        (
            "  poor \"Poor\" monthly_income <\u{3000}KES 100",
            31,
            "                              ^^",
        ),
    ];
    for (line, column, caret) in cases {
        assert_eq!(
            first_error(line),
            (9, *column, (*caret).to_string()),
            "{line}"
        );
    }
}
