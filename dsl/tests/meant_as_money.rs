//! Mistakes a program officer makes writing amounts and ranges, each answered with the line
//! rewritten: a plain number or `3000 KES` where money is meant, and `x >= 18 and < 60`.

use entitle_dsl::{check, locale, Diagnostic};

const PROGRAM: &str = "program p \"P\" version \"1\"
  target household
  currency KES

inputs
  household.income: money \"Income\"
  member.birthdate: date \"Date of birth\"

let adults = count(members where age(birthdate) >= 18)

eligible when
  poor \"Poor\" income < KES 3000
  adult \"Has an adult\" adults >= 1

entitlement
  cash base \"Base\" KES 1500
";

/// The one error of `src`, as (code, message, help, column, text under the caret).
fn one_error(src: &str) -> (&'static str, String, Option<String>, u32, String) {
    let errs: Vec<Diagnostic> = check(src)
        .diagnostics
        .0
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let d = &errs[0];
    let under = src.get(d.span.range()).unwrap_or_default().to_string();
    (
        d.code,
        d.message.clone(),
        d.help.clone(),
        d.span.column,
        under,
    )
}

#[test]
fn the_program_without_mistakes_has_no_error() {
    assert!(!check(PROGRAM)
        .diagnostics
        .0
        .iter()
        .any(Diagnostic::is_error));
}

#[test]
fn a_number_where_money_is_meant_is_shown_written_as_money() {
    for (from, to, code, help, under) in [
        (
            "income < KES 3000",
            "income < 3000",
            "E0203",
            "write the number as money, such as `KES 3000`",
            "3000",
        ),
        // On the left, the caret is under the number too.
        (
            "income < KES 3000",
            "3000 > income",
            "E0203",
            "write the number as money, such as `KES 3000`",
            "3000",
        ),
        (
            "income < KES 3000",
            "income - 250 < KES 3000",
            "E0203",
            "write the number as money, such as `KES 250`",
            "income - 250",
        ),
        (
            "income < KES 3000",
            "income < 10%",
            "E0203",
            "write the number as money, such as `KES …`",
            "10%",
        ),
        (
            "\"Base\" KES 1500",
            "\"Base\" 1500",
            "E0207",
            "write it as money: `KES 1500`",
            "1500",
        ),
        (
            "\"Base\" KES 1500",
            "\"Base\" -5",
            "E0207",
            "write it as money: `-KES 5`",
            "-5",
        ),
    ] {
        let (c, _, h, _, u) = one_error(&PROGRAM.replace(from, to));
        assert_eq!(
            (c, h.as_deref(), u.as_str()),
            (code, Some(help), under),
            "{to}"
        );
    }
}

#[test]
fn an_amount_followed_by_its_currency_is_shown_with_the_currency_first() {
    for (from, to, code, under) in [
        (
            "income < KES 3000",
            "income < 3000 KES",
            "E0201",
            "3000 KES",
        ),
        (
            "income < KES 3000",
            "3000 KES > income",
            "E0201",
            "3000 KES",
        ),
        (
            "income < KES 3000",
            "income + 3000 KES > KES 0",
            "E0201",
            "3000 KES",
        ),
        (
            "\"Base\" KES 1500",
            "\"Base\" 1500 KES",
            "E0207",
            "1500 KES",
        ),
    ] {
        let (c, message, help, _, u) = one_error(&PROGRAM.replace(from, to));
        assert_eq!((c, u.as_str()), (code, under), "{to}: {message}");
        let amount = under.trim_end_matches(" KES");
        let help = help.unwrap_or_default();
        assert!(help.ends_with(&format!("`KES {amount}`")), "{to}: {help}");
    }
    // A unit of measure that is not a currency is a quantity, and gets no such help.
    let src = PROGRAM.replace("income < KES 3000", "income < 3000 kg");
    let (c, _, help, _, _) = one_error(&src);
    assert_eq!((c, help), ("E0201", None));
}

#[test]
fn a_comparison_without_its_left_side_after_and_is_explained() {
    let src = PROGRAM.replace("age(birthdate) >= 18)", "age(birthdate) >= 18 and < 60)");
    let (c, _, help, column, under) = one_error(&src);
    assert_eq!((c, column, under.as_str()), ("E0001", 59, "<"));
    let help = help.unwrap_or_default();
    assert!(
        help.starts_with("each side of `and` and `or` is a whole condition")
            && help.contains("`between(x, low, high)`"),
        "{help}"
    );
    // The same after `or`; and in French.
    let src = PROGRAM.replace("age(birthdate) >= 18)", "age(birthdate) < 18 or >= 60)");
    let d = check(&src).diagnostics.localized(locale::catalog("fr"));
    let help =
        d.0.iter()
            .find(|d| d.is_error())
            .and_then(|d| d.help.clone())
            .unwrap_or_default();
    assert!(
        help.starts_with("chaque côté de `and` et de `or`"),
        "{help}"
    );
    // `<` where no comparison was cut short is not given this help.
    let src = PROGRAM.replace("age(birthdate) >= 18)", "< 18)");
    let (_, _, help, _, _) = one_error(&src);
    assert!(!help.unwrap_or_default().contains("each side"));
}

#[test]
fn a_negative_amount_written_with_the_minus_after_the_currency_is_shown_written_right() {
    let rows = [
        // In an expression, in a parameter, in test data.
        (
            "income < KES 3000",
            "income > KES -50",
            12,
            24,
            "KES -50",
            "-KES 50",
        ),
        (
            "let adults",
            "params\n  lo: money = KES - 50.5\n\nlet adults",
            10,
            15,
            "KES - 50.5",
            "-KES 50.5",
        ),
        (
            "  cash base \"Base\" KES 1500\n",
            "  cash base \"Base\" KES 1500\n\ntest \"t\" as of 2026-03-01\n  household income KES -1\n  expect eligible\n",
            19,
            20,
            "KES -1",
            "-KES 1",
        ),
    ];
    for (from, to, line, column, under, written) in rows {
        let src = PROGRAM.replace(from, to);
        let errs: Vec<Diagnostic> = check(&src)
            .diagnostics
            .0
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect();
        assert_eq!(errs.len(), 1, "{to}: {errs:#?}");
        let d = &errs[0];
        let fr = d.localized(locale::catalog("fr"));
        assert_eq!(
            (
                d.code,
                d.span.line,
                d.span.column,
                src.get(d.span.range()).unwrap_or_default(),
                d.message.as_str(),
                d.help.clone().unwrap_or_default(),
                fr.message.as_str(),
                fr.help.unwrap_or_default(),
            ),
            (
                "E0217",
                line,
                column,
                under,
                "a negative amount is written with the minus sign before the currency",
                format!("write `{written}`"),
                "un montant négatif s'écrit avec le signe moins avant la devise",
                format!("écrivez `{written}`"),
            ),
            "{to}"
        );
    }
    // Written right, it is fine.
    let src = PROGRAM.replace("income < KES 3000", "income > -KES 50");
    assert!(!check(&src).diagnostics.0.iter().any(Diagnostic::is_error));
}
