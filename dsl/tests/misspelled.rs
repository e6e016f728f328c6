//! Syntax errors that say what the writer meant: a text whose closing quote is missing, and a
//! section keyword misspelled at column 1.

use entitle_dsl::{check, locale};

/// Every error: code, line, column, the text under the caret, message, help, French help.
fn errors(src: &str) -> Vec<(&'static str, u32, u32, String, String, String, String)> {
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
                src.get(d.span.range()).unwrap_or_default().to_string(),
                d.message.clone(),
                d.help.clone().unwrap_or_default(),
                d.localized(locale::catalog("fr")).help.unwrap_or_default(),
            )
        })
        .collect()
}

const HEAD: &str = "program p \"P\" version \"1\"
  target individual
  currency KES

inputs
  person.income: money

";

const TAIL: &str = "
test \"t\" as of 2026-03-01
  person income KES 1
  expect eligible
";

#[test]
fn a_text_without_its_closing_quote_says_the_quote_is_missing() {
    let src = format!("{HEAD}eligible when\n  b \"unterminated income < KES 5\n{TAIL}");
    assert_eq!(
        errors(&src),
        vec![(
            "E0001",
            9,
            5,
            "\"unterminated income < KES 5".to_string(),
            "expected a quoted text, found a quoted text whose closing `\"` is missing".to_string(),
            "end the text with `\"` on the same line".to_string(),
            "terminez le texte par `\"` sur la même ligne".to_string(),
        )]
    );
    // An escaped quote does not close it.
    let src = format!("{HEAD}eligible when\n  b \"a \\\" b income < KES 5\n{TAIL}");
    assert_eq!(
        errors(&src).first().map(|e| (e.1, e.2, e.5.clone())),
        Some((9, 5, "end the text with `\"` on the same line".to_string()))
    );
}

#[test]
fn a_misspelled_section_keyword_suggests_the_keyword_and_reads_its_section() {
    for (header, line_text, meant) in [
        (
            "eligble when\n  a \"a\" income < KES 5\n",
            "eligble",
            "eligible when",
        ),
        (
            "entitlements\n  cash a \"a\" KES 5\n",
            "entitlements",
            "entitlement",
        ),
        (
            "elegible when\n  a \"a\" income < KES 5\n",
            "elegible",
            "eligible when",
        ),
    ] {
        let src = format!("{HEAD}{header}{TAIL}");
        assert_eq!(
            errors(&src),
            // One error: the entries below are read as entries of the section meant.
            vec![(
                "E0001",
                8,
                1,
                line_text.to_string(),
                format!("expected a section (`inputs`, `records`, `codes`, `functions`, `params`, `let`, `score`, `eligible when`, `entitlement`, `compliant when`, `deduplicate`, `selection`, `summary`, `translation`, `test`), found `{line_text}`"),
                format!("did you mean `{meant}`?"),
                format!("vouliez-vous dire `{meant}` ?"),
            )],
            "{header}"
        );
    }
    // An entry at column 1 is not taken for a header, even when its name is close to a keyword.
    let src = format!("{HEAD}eligible when\ninput \"Has input\" income < KES 5\n{TAIL}");
    assert_eq!(errors(&src), vec![]);
}

/// Inside a section, a line at column 1 that no entry of the section can be is read as the header
/// it was meant to be: a header with arguments misspelled (`tset "t" as of …`) with the keyword
/// suggested, and a lone unknown word (`rulez`) as a section that does not exist, not as a broken
/// input or rule of the section it interrupts.
#[test]
fn a_misspelled_header_inside_a_section_is_reported_as_a_section() {
    const RULES: &str = "eligible when\n  a \"a\" income < KES 5\n";
    let test_block = "tset \"t2\" as of 2026-03-01\n  person income KES 1\n  expect eligible\n";
    for (src, line, found, help, help_fr) in [
        // Inside `inputs`.
        (format!("{HEAD}rulez\n{RULES}{TAIL}"), 8, "rulez", "", ""),
        (
            format!("{HEAD}{test_block}{RULES}{TAIL}"),
            8,
            "tset",
            "did you mean `test`?",
            "vouliez-vous dire `test` ?",
        ),
        (
            format!("{HEAD}lett x = 1\n{RULES}{TAIL}"),
            8,
            "lett",
            "did you mean `let`?",
            "vouliez-vous dire `let` ?",
        ),
        // Inside `eligible when`.
        (
            format!("{HEAD}{RULES}{test_block}{TAIL}"),
            10,
            "tset",
            "did you mean `test`?",
            "vouliez-vous dire `test` ?",
        ),
    ] {
        assert_eq!(
            errors(&src),
            vec![(
                "E0001",
                line,
                1,
                found.to_string(),
                format!("expected a section (`inputs`, `records`, `codes`, `functions`, `params`, `let`, `score`, `eligible when`, `entitlement`, `compliant when`, `deduplicate`, `selection`, `summary`, `translation`, `test`), found `{found}`"),
                help.to_string(),
                help_fr.to_string(),
            )],
            "{src}"
        );
    }
    let src = format!("{HEAD}rulez\n{RULES}{TAIL}");
    let fr = check(&src).diagnostics.localized(locale::catalog("fr"));
    assert_eq!(
        fr.errors().map(|d| d.message.clone()).collect::<Vec<_>>(),
        vec!["attendu : une section (`inputs`, `records`, `codes`, `functions`, `params`, `let`, `score`, `eligible when`, `entitlement`, `compliant when`, `deduplicate`, `selection`, `summary`, `translation`, `test`) ; trouvé : `rulez`".to_string()]
    );
    // Entries written at column 1 are still entries, and a broken one is still reported as one.
    let src = format!("{HEAD}person.age: number\n{RULES}{TAIL}");
    assert_eq!(errors(&src), vec![]);
    let src = format!("{HEAD}persn.age: number\n{RULES}{TAIL}");
    assert_eq!(
        errors(&src).first().map(|e| e.4.clone()),
        Some("expected `household`, `member` or `person`, found `persn.age`".to_string())
    );
}

#[test]
fn a_misspelled_truth_value_in_a_default_suggests_the_word() {
    let src = "program p \"P\" version \"1\"
  target individual
  currency KES

inputs
  person.income: money
  person.pension: bool default flase

eligible when
  poor \"Poor\" income < KES 5 and not pension
";
    assert_eq!(
        errors(src),
        vec![(
            "E0302",
            7,
            32,
            "flase".to_string(),
            "a parameter's value or an input's default must be a constant".to_string(),
            "did you mean `false`?".to_string(),
            "vouliez-vous dire `false` ?".to_string(),
        )]
    );
    // A name that is no truth value keeps the general help.
    let src = src.replace("default flase", "default income");
    assert_eq!(
        errors(&src).first().map(|e| e.5.clone()),
        Some("write a literal value; use `let` for computed values".to_string())
    );
}

#[test]
fn an_unknown_function_given_a_set_of_members_is_one_error() {
    // `cont` for `count`: the set of members is what `count` takes, not a second mistake.
    let src = format!(
        "{HEAD}eligible when\n  big \"Big\" cont(members where income > KES 1) > 1\n{TAIL}"
    );
    assert_eq!(
        errors(&src)
            .iter()
            .map(|e| (e.0, e.1, e.2, e.3.clone(), e.5.clone()))
            .collect::<Vec<_>>(),
        vec![(
            "E0106",
            9,
            13,
            "cont".to_string(),
            "did you mean `count`?".to_string()
        )]
    );
}
