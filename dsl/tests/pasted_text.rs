//! Program text that went through a word processor or an e-mail: a byte-order mark at the start,
//! curly quotes, dashes, no-break and invisible spaces. The mark is not part of the program; the
//! other characters are errors that name the character and say what to write instead, and a name
//! written with accents is refused with the rule for names.

use entitle_dsl::{check, format, Diagnostic};

const PROGRAM: &str = "program p \"P\" version \"1\"
  target household
  currency KES

inputs
  household.income: money \"Income\"

eligible when
  poor \"Poor\" income < KES 100

entitlement
  cash base \"Base\" KES 10
";

fn errors(src: &str) -> Vec<Diagnostic> {
    check(src)
        .diagnostics
        .0
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect()
}

/// The one error of `src`, as (message, help, line, column, byte range).
fn one_error(src: &str) -> (String, Option<String>, u32, u32, std::ops::Range<usize>) {
    let errs = errors(src);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let d = &errs[0];
    (
        d.message.clone(),
        d.help.clone(),
        d.span.line,
        d.span.column,
        d.span.range(),
    )
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_program() {
    let marked = format!("\u{feff}{PROGRAM}");
    assert!(errors(&marked).is_empty());
    // Every position after it is the same line and column as without it, three bytes later.
    let plain = check(PROGRAM).diagnostics.0;
    let with_mark = check(&marked).diagnostics.0;
    assert!(!plain.is_empty(), "the program has warnings to compare");
    assert_eq!(plain.len(), with_mark.len());
    for (a, b) in plain.iter().zip(&with_mark) {
        assert_eq!(
            (a.code, a.span.line, a.span.column),
            (b.code, b.span.line, b.span.column)
        );
        assert_eq!(
            (a.span.start + 3, a.span.end + 3),
            (b.span.start, b.span.end)
        );
    }
    // On line 1 too: the header's name is at column 9 (bytes 11..12 of the file).
    let w = with_mark.iter().find(|d| d.code == "W0008").map(|d| d.span);
    assert_eq!(w.map(|s| (s.line, s.column, s.start)), Some((1, 9, 11)));
    // The formatter writes the program without the mark.
    assert_eq!(
        format(&marked).ok().as_deref(),
        format(PROGRAM).ok().as_deref()
    );
    assert!(format(&marked).is_ok_and(|f| f.starts_with("program ")));
}

#[test]
fn a_byte_order_mark_elsewhere_is_an_invisible_character() {
    let src = PROGRAM.replace("< KES 100", "< KES 100\u{feff}");
    let (message, help, line, column, range) = one_error(&src);
    assert!(
        message.ends_with("found an invisible character (U+FEFF)"),
        "{message}"
    );
    assert_eq!(
        help.as_deref(),
        Some("delete it: the character cannot be seen, and the language does not read it")
    );
    assert_eq!((line, column), (9, 31));
    assert_eq!(&src.as_bytes()[range], "\u{feff}".as_bytes());
}

#[test]
fn curly_quotes_dashes_and_signs_name_what_to_write_instead() {
    for (from, to, found, instead) in [
        (
            "\"Poor\"",
            "\u{201c}Poor\u{201d}",
            "a curly quotation mark `\u{201c}` (U+201C)",
            "\"",
        ),
        (
            "\"Poor\"",
            "\u{2018}Poor\u{2019}",
            "a curly apostrophe `\u{2018}` (U+2018)",
            "\"",
        ),
        (
            "KES 10\n",
            "KES 10 \u{2013} KES 1\n",
            "a dash `\u{2013}` (U+2013)",
            "-",
        ),
        (
            "KES 10\n",
            "KES 10 \u{d7} 2\n",
            "a multiplication sign `\u{d7}` (U+00D7)",
            "*",
        ),
        (
            "income <",
            "income \u{2264}",
            "a less-than-or-equal sign `\u{2264}` (U+2264)",
            "<=",
        ),
    ] {
        let src = PROGRAM.replacen(from, to, 1);
        let (message, help, _, _, range) = one_error(&src);
        assert!(message.ends_with(&format!("found {found}")), "{message}");
        assert_eq!(
            help,
            Some(format!(
                "write `{instead}` instead: word processors and e-mail put such characters in \
                 place of the ones the language reads"
            ))
        );
        // The caret is under the character, and only it.
        let c = found.split('`').nth(1).unwrap_or_default();
        assert_eq!(src.get(range), Some(c), "{found}");
    }
}

#[test]
fn spaces_that_are_not_spaces_are_named() {
    for (space, name) in [
        ('\u{a0}', "a no-break space (U+00A0)"),
        ('\u{202f}', "a no-break space (U+202F)"),
        ('\u{2009}', "a wide or narrow space (U+2009)"),
    ] {
        let src = PROGRAM.replace("KES 100", &format!("KES{space}100"));
        let (message, help, line, column, range) = one_error(&src);
        assert!(message.ends_with(&format!("found {name}")), "{message}");
        assert_eq!(
            help.as_deref(),
            Some(
                "write an ordinary space instead: word processors and e-mail put such spaces in \
                 place of the ones the language reads"
            )
        );
        assert_eq!((line, column), (9, 27));
        assert_eq!(src[range].chars().collect::<Vec<_>>(), vec![space]);
    }
}

#[test]
fn other_unexpected_characters_show_their_code_point() {
    let src = PROGRAM.replace("< KES 100", "< KES 100 \u{2022}");
    let (message, help, ..) = one_error(&src);
    assert!(message.ends_with("found `\u{2022}` (U+2022)"), "{message}");
    assert_eq!(help, None);
    let src = PROGRAM.replace("< KES 100", "< KES 100 ;");
    let (message, ..) = one_error(&src);
    assert!(message.ends_with("found `;`"), "{message}");
}

#[test]
fn names_with_accents_are_refused_with_the_rule_for_names() {
    let help = "names are written with the letters a to z without accents, digits and `_`; the \
                texts in quotes may use any letters";
    for (from, to, found, at) in [
        ("income", "âge", "`âge`", (6, 13)),
        ("income", "revenu_mensuél", "`él`", (6, 25)),
    ] {
        // Declared and read: an error at each place, both with the rule.
        let errs = errors(&PROGRAM.replace(from, to));
        assert_eq!(errs.len(), 2, "{errs:#?}");
        let d = &errs[0];
        assert!(
            d.message.ends_with(&format!("found {found}")),
            "{}",
            d.message
        );
        assert_eq!((d.span.line, d.span.column), at);
        assert!(errs.iter().all(|d| d.help.as_deref() == Some(help)));
    }
    // Any letters inside quotes.
    assert!(errors(&PROGRAM.replace("\"Poor\"", "\"Pauvre ménage\"")).is_empty());
}
