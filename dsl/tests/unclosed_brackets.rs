//! A bracket that is never closed is one error at the bracket, and costs only its own statement:
//! the entries after it in its section (rules, items, parameters, inputs, test lines) are read and
//! checked as if it had been closed, so an error on a later line is still reported.

use entitle_dsl::check;

const GRANT: &str = include_str!("../../examples/programs/child_grant.entitle");

/// The audit's shape: a rule whose `(` is never closed, then a rule, an entitlement and a test.
const UNCLOSED: &str = "program dgu \"Unclosed bracket\" version \"1\"
  target individual
  currency KES

inputs
  person.n: number \"N\"

eligible when
  ok \"ok\" n > (3 + 1
  other \"other\" n < 10

entitlement
  cash b \"b\" KES 2

test \"t\" as of 2026-03-01
  person n 5
  expect eligible
";

/// (code, line, column) of every diagnostic of `src`.
fn found(src: &str) -> Vec<(&'static str, u32, u32)> {
    check(src)
        .diagnostics
        .0
        .iter()
        .map(|d| (d.code, d.span.line, d.span.column))
        .collect()
}

/// The line and column (from 1, in characters) of `needle` in `src`, which must hold it once.
fn at(src: &str, needle: &str) -> (u32, u32) {
    assert_eq!(src.matches(needle).count(), 1, "{needle}");
    let pos = src.find(needle).unwrap_or(0);
    let before = src.get(..pos).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line as u32, column as u32)
}

/// `GRANT` with each `(old, new)` replaced once (each `old` must be there).
fn edited(edits: &[(&str, &str)]) -> String {
    edits.iter().fold(GRANT.to_string(), |src, (old, new)| {
        assert!(src.contains(old), "{old}");
        src.replacen(old, new, 1)
    })
}

#[test]
fn a_bracket_left_open_in_each_kind_of_line_then_an_error_on_a_later_line() {
    // (what is edited, the bracket's text, the later error's code and text). In each row the
    // bracket's line loses its closing bracket, and a later line of the same section (or of the
    // next statement) gets an error of its own, which was lost, or hidden by errors that only
    // followed from the bracket (E0109, E0401, E0402), while the bracket swallowed its line.
    type Row = (
        &'static [(&'static str, &'static str)],
        &'static str,
        &'static str,
        &'static str,
    );
    let rows: &[Row] = &[
        // A rule; the later rule reads a misspelled name.
        (
            &[
                (
                    "income_per_person < ceiling_per_person",
                    "income_per_person < min(ceiling_per_person, KES 9000",
                ),
                ("region in covered_regions", "regoin in covered_regions"),
            ],
            "(ceiling_per_person",
            "E0101",
            "regoin",
        ),
        // An entitlement item; the later item's condition reads a misspelled name.
        (
            &[
                (
                    "per_child times children up to max_children",
                    "per_child times min(children, max_children",
                ),
                ("when region == \"North\"", "when regoin == \"North\""),
            ],
            "(children",
            "E0101",
            "regoin",
        ),
        // A test line; the test's `expect` line names an item the program lacks.
        (
            &[
                (
                    "member kind \"child\", birthdate 2020-05-01",
                    "member kind \"child\", birthdate (2020-05-01",
                ),
                ("item maize 30 kg", "item maiz 30 kg"),
            ],
            "(2020",
            "E0405",
            "maiz 30",
        ),
        // A list of choices of an input; a later input's default is a misspelled `false`.
        (
            &[
                ("\"South\", \"West\"]", "\"South\", \"West\""),
                ("default false\n\nparams", "default flase\n\nparams"),
            ],
            "[\"North\", \"East\", \"South\"",
            "E0302",
            "flase",
        ),
        // A parameter; a later parameter's type is misspelled.
        (
            &[
                ("= KES 500\n", "= (KES 500\n"),
                ("max_children: number", "max_children: nmber"),
            ],
            "(KES 500",
            "E0001",
            "nmber",
        ),
        // A parameter's list, the last of its section; the next statement reads a misspelled name.
        (
            &[
                ("= [\"North\", \"East\"]", "= [\"North\", \"East\""),
                ("monthly_income / count", "monthly_incom / count"),
            ],
            "[\"North\", \"East\"\n",
            "E0101",
            "monthly_incom ",
        ),
        // A `let`; the next `let` reads a misspelled name.
        (
            &[
                ("age(birthdate) < 18)", "age(birthdate) < 18"),
                ("monthly_income / count", "monthly_incom / count"),
            ],
            "(members where age",
            "E0101",
            "monthly_incom ",
        ),
    ];
    for (edits, bracket, code, later) in rows {
        let src = edited(edits);
        let (line, column) = at(&src, bracket);
        let (later_line, later_column) = at(&src, later);
        assert_eq!(
            found(&src),
            vec![("E0001", line, column), (*code, later_line, later_column)],
            "{bracket}\n{}",
            check(&src).diagnostics
        );
        let d = &check(&src).diagnostics.0[0];
        let open = bracket.get(..1).unwrap_or("");
        assert_eq!(
            d.message,
            format!("this `{open}` is never closed"),
            "{bracket}"
        );
        assert_eq!(src.get(d.span.range()), Some(open), "{bracket}");
    }
}

#[test]
fn the_entries_after_a_bracket_left_open_are_read() {
    let src = edited(&[(
        "income_per_person < ceiling_per_person",
        "income_per_person < min(ceiling_per_person, KES 9000",
    )]);
    let parsed = entitle_dsl::parse(&src);
    let rules: Vec<&str> = parsed
        .program
        .items
        .iter()
        .filter_map(|item| match item {
            entitle_dsl::ast::Item::Eligibility(sec) => Some(sec),
            _ => None,
        })
        .flat_map(|sec| sec.entries.iter().map(|r| r.id.name.as_str()))
        .collect();
    assert_eq!(rules, ["has_child", "covered", "pensioner"]);
    // So nothing that refers to them is reported: only the bracket.
    assert_eq!(found(&src), vec![("E0001", 26, 82)]);
}

#[test]
fn an_unclosed_bracket_is_one_error_at_the_bracket_and_the_lines_after_it_are_read() {
    // The rule after the bracket's is read on its own, and so are the sections after it: no
    // W0008, and no error on lines 10, 13 or 16. The parser's `expected `)`, found end of line`
    // at the end of line 9 is a consequence of the bracket, and gives way to the error that
    // names it.
    assert_eq!(found(UNCLOSED), vec![("E0001", 9, 15)]);
    let d = &check(UNCLOSED).diagnostics.0[0];
    assert_eq!(d.message, "this `(` is never closed");
    assert_eq!(d.span.start, UNCLOSED.find('(').unwrap_or(0));
    assert_eq!(UNCLOSED.get(d.span.range()), Some("("));
    assert_eq!(
        d.help.as_deref(),
        Some("close the `(` opened at line 9, column 15 with `)`")
    );
    let fr = d.localized(entitle_dsl::locale::catalog("fr"));
    assert_eq!(fr.message, "ce `(` n'est jamais fermé");
    assert_eq!(
        fr.help.as_deref(),
        Some("fermez par `)` le `(` ouvert ligne 9, colonne 15")
    );
    // The same with the bracket closed: no error at all.
    let fixed = UNCLOSED.replace("(3 + 1\n", "(3 + 1)\n");
    assert_eq!(found(&fixed), vec![]);
    // An error on the next rule is reported where it is.
    let src = UNCLOSED.replace("n < 10", "m < 10");
    assert_eq!(found(&src), vec![("E0001", 9, 15), ("E0101", 10, 17)]);
}

#[test]
fn an_unclosed_bracket_keeps_an_error_before_it_and_reports_each_statement() {
    // `>>` comes before the bracket: its own error stays. A `[` left open in a test line is
    // reported too, and the `expect` line after it is read (no E0401 for the test).
    let src = UNCLOSED
        .replace("n > (3 + 1", "n >> (3 + 1")
        .replace("  person n 5\n", "  person n [5\n");
    assert_eq!(
        found(&src),
        vec![("E0001", 9, 14), ("E0001", 9, 16), ("E0001", 16, 12)]
    );
    let messages: Vec<String> = check(&src)
        .diagnostics
        .0
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(messages[1], "this `(` is never closed");
    assert_eq!(messages[2], "this `[` is never closed");
}

#[test]
fn the_help_names_the_last_line_a_bracket_left_open_took_in() {
    // A continuation more indented than the rule stays in its statement: the help says so.
    let src = UNCLOSED.replace("n > (3 + 1\n", "n > (3 +\n      1\n");
    assert_eq!(found(&src), vec![("E0001", 9, 15)]);
    let d = &check(&src).diagnostics.0[0];
    assert_eq!(
        d.help.as_deref(),
        Some("close the `(` opened at line 9, column 15 with `)`: its statement was read up to line 10")
    );
    let fr = d.localized(entitle_dsl::locale::catalog("fr"));
    assert_eq!(
        fr.help.as_deref(),
        Some("fermez par `)` le `(` ouvert ligne 9, colonne 15 : son instruction a été lue jusqu'à la ligne 10")
    );
}

#[test]
fn a_test_whose_expect_line_does_not_parse_is_not_also_without_expectations() {
    // The `expect` line's own error is the one reported: E0401 ("has no `expect` line") at the
    // test's name would send the reader to look for a line that is there.
    let base = UNCLOSED.replace("(3 + 1\n", "(3 + 1)\n");
    let bracket = base.replace("  expect eligible\n", "  expect eligible, cash (KES 2\n");
    let (line, column) = at(&bracket, "(KES");
    assert_eq!(found(&bracket), vec![("E0001", line, column)]);
    let misspelled = base.replace("  expect eligible\n", "  expect eligble\n");
    assert_eq!(found(&misspelled), vec![("E0001", 17, 10)]);
    // An expectation whose value does not build: its own error, no E0401.
    let value = base.replace(
        "  expect eligible\n",
        "  expect cash KES 99999999999999999999999999999\n",
    );
    assert_eq!(found(&value), vec![("E0004", 17, 19)]);
    // With no `expect` line at all, the test is still reported.
    let none = base.replace("  expect eligible\n", "");
    assert_eq!(found(&none), vec![("E0401", 15, 6)]);
}
