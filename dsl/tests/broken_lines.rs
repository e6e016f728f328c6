//! A line that does not parse is reported once, where it is: what refers to it (translations,
//! test expectations) and what only it read (parameters, inputs, lets that look unused) add
//! nothing. With the same program whole, the checker still reports each of those.

use entitle_dsl::check;

const GRANT: &str = include_str!("../../examples/programs/child_grant.entitle");

/// Codes of the errors and warnings of `src`, as (code, line).
fn codes(src: &str) -> Vec<(&'static str, u32)> {
    check(src)
        .diagnostics
        .0
        .iter()
        .map(|d| (d.code, d.span.line))
        .collect()
}

#[test]
fn a_rule_that_does_not_parse_is_the_only_error() {
    // `=` for `==`: the rule `covered` is lost, and with it the only reader of `covered_regions`.
    let src = GRANT.replace("region in covered_regions", "region = covered_regions");
    let line = 1 + GRANT
        .lines()
        .position(|l| l.contains("region in covered_regions"))
        .unwrap_or(0) as u32;
    assert_eq!(codes(&src), vec![("E0001", line)]);
    let d = &check(&src).diagnostics.0[0];
    assert_eq!(d.help.as_deref(), Some("to compare, write `==`"));
    // A rule a test expects to fail (`failed poor`), and the only reader of its parameter.
    let src = GRANT.replace(
        "income_per_person < ceiling_per_person",
        "income_per_person < ceiling_per_person)",
    );
    assert_eq!(
        codes(&src).iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        ["E0001"]
    );
    // An `unless` rule, named after its keyword.
    let src = GRANT.replace(
        "enrolled_in_pension\n\nentitlement",
        "enrolled_in_pension ==\n\nentitlement",
    );
    assert_eq!(
        codes(&src).iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        ["E0001"]
    );
}

#[test]
fn an_item_that_does_not_parse_is_the_only_error() {
    // The maize item is translated and expected by a test; its line now has a syntax error.
    let src = GRANT.replace(
        "10 kg times count(members) when region == \"North\"",
        "10 kg times count(members) when region == \"North\" and",
    );
    assert_ne!(src, GRANT);
    assert_eq!(
        codes(&src).iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        ["E0001"]
    );
}

#[test]
fn an_input_with_a_scope_the_language_lacks_is_the_only_error() {
    // `individual.` or `group.` for `person.` or `household.`: the input's name is still declared,
    // so the rule that reads it is not reported as reading an unknown name (E0101).
    for (scope, line) in [("group", 8), ("individual", 8)] {
        let src = GRANT.replace(
            "  household.region: text",
            &format!("  {scope}.region: text"),
        );
        assert_eq!(codes(&src), vec![("E0001", line)], "{scope}");
        let d = &check(&src).diagnostics.0[0];
        // The caret spans the whole `scope.name` the message names.
        assert_eq!(
            src.get(d.span.range()),
            Some(format!("{scope}.region").as_str())
        );
        assert!(
            d.message.ends_with(&format!("found `{scope}.region`")),
            "{}",
            d.message
        );
        assert_eq!(
            d.help.as_deref(),
            Some("an input is `household.NAME` or `member.NAME` in a program that targets households, `person.NAME` in one that targets individuals"),
            "{scope}"
        );
    }
    // Without the line, the rule that reads `region` and the tests that set it are reported.
    let line = GRANT
        .lines()
        .find(|l| l.contains("household.region: text"))
        .unwrap_or_default();
    let src = GRANT.replace(&format!("{line}\n"), "");
    let mut got: Vec<&str> = codes(&src).into_iter().map(|(c, _)| c).collect();
    got.dedup();
    assert_eq!(got, ["E0101", "E0402"]);
}

#[test]
fn without_the_syntax_error_the_same_references_are_reported() {
    // The rule `covered` removed whole: the translation, the test and the parameter are reported.
    let covered = GRANT
        .lines()
        .find(|l| l.contains("region in covered_regions"))
        .unwrap_or_default();
    let src = GRANT.replace(&format!("{covered}\n"), "");
    let mut got: Vec<&str> = codes(&src).into_iter().map(|(c, _)| c).collect();
    got.sort_unstable();
    assert_eq!(got, ["E0109", "W0001"]);
    let poor = GRANT
        .lines()
        .find(|l| l.contains("income_per_person < ceiling_per_person"))
        .unwrap_or_default();
    let src = GRANT.replace(&format!("{poor}\n"), "");
    let mut got: Vec<&str> = codes(&src).into_iter().map(|(c, _)| c).collect();
    got.sort_unstable();
    assert_eq!(got, ["E0109", "E0405", "W0001", "W0002"]); // and the let `income_per_person`
                                                           // An item removed whole: its translation and the test that expects it.
    let maize = GRANT
        .lines()
        .find(|l| l.trim_start().starts_with("in_kind maize"))
        .unwrap_or_default();
    let src = GRANT.replace(&format!("{maize}\n"), "");
    let mut got: Vec<&str> = codes(&src).into_iter().map(|(c, _)| c).collect();
    got.sort_unstable();
    assert_eq!(got, ["E0109", "E0405"]);
}

/// (code, line, column, message) of every diagnostic of `src`.
fn full(src: &str) -> Vec<(&'static str, u32, u32, String)> {
    check(src)
        .diagnostics
        .0
        .iter()
        .map(|d| (d.code, d.span.line, d.span.column, d.message.clone()))
        .collect()
}

#[test]
fn a_line_ending_in_a_joining_word_with_nothing_after_it_is_reported_at_its_end() {
    // `up to` with its maximum forgotten: the layout joins the next line (`to` continues a line),
    // but that line starts an item of its own, so the error is at the end of `up to`, and the
    // item `b` is read (no error at 13:8, where `cash` had been taken for the maximum).
    let src = "program dg5 \"Diag\" version \"1\"
  target individual
  currency KES

inputs
  person.n: number \"N\"

eligible when
  ok \"ok\" n > 1

entitlement
  cash a \"a\" KES 1 times n up to # the most
  cash b \"b\" KES 2

test \"t\" as of 2026-03-01
  person n 5
  expect eligible, item b KES 2
";
    assert_eq!(
        full(src),
        vec![(
            "E0001",
            12,
            33,
            "expected an expression, found end of line".to_string()
        )]
    );
    // A next line that does not start a statement is the line's continuation, and its error
    // stays where it is.
    let src2 = src.replace("up to # the most\n", "up to\n    3 whe n > 1\n");
    let got: Vec<(&str, u32, u32)> = full(&src2)
        .into_iter()
        .map(|(c, l, k, _)| (c, l, k))
        .collect();
    assert_eq!(got, vec![("E0001", 13, 11)]);
}
