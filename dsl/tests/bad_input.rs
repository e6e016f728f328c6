//! Hostile and broken text: always diagnostics, never a panic or a stack overflow.
//!
//! Each case runs on a thread with a bounded stack (see `common`): 1 MiB in release builds, the
//! stack of a WebAssembly module in a browser tab, so the deepest expression the limits allow must
//! fit in it (run `cargo test --release -p entitle-dsl --test bad_input`).

mod common;

use common::on_small_stack;
use entitle_dsl::{check, Limits};

fn codes(src: String) -> Vec<&'static str> {
    on_small_stack(move || {
        check(&src)
            .diagnostics
            .0
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code)
            .collect()
    })
}

#[test]
fn empty_and_blank_text() {
    assert_eq!(codes(String::new()), vec!["E0001"]);
    assert_eq!(codes("\n\n   \n# only a comment\n".into()), vec!["E0001"]);
}

#[test]
fn binary_text() {
    assert_eq!(codes("\u{0}\u{1}\u{2}program".into()), vec!["E0008"]);
    assert!(!codes("\u{fffd}\u{7f}\u{1b}[31m".into()).is_empty());
}

#[test]
fn a_megabyte_of_nested_brackets() {
    let n = 500_000;
    let src = format!(
        "program p \"P\"\nlet x = {}1{}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    assert_eq!(codes(src), vec!["E0003"]);
    let src = format!("program p \"P\"\nlet x = {}\n", "[".repeat(500_000));
    assert_eq!(codes(src), vec!["E0003"]);
}

#[test]
fn long_operator_chains_and_prefixes() {
    let src = format!("program p \"P\"\nlet x = 1{}\n", " + 1".repeat(100_000));
    assert_eq!(codes(src), vec!["E0003"]);
    let src = format!("program p \"P\"\nlet x = {}true\n", "not ".repeat(100_000));
    assert_eq!(codes(src), vec!["E0003"]);
    let src = format!("program p \"P\"\nlet x = {}1\n", "-".repeat(100_000));
    assert_eq!(codes(src), vec!["E0003"]);
    let src = format!(
        "program p \"P\"\nlet x = {}1{}\n",
        "if true then ".repeat(10_000),
        " else 2".repeat(10_000)
    );
    assert_eq!(codes(src), vec!["E0003"]);
}

#[test]
fn a_chain_within_the_limit_is_fine() {
    // 255 terms: the deepest expression the default limit (256) allows.
    let src = format!(
        "program p \"P\"\n  currency KES\nlet x = 1{}\neligible when\n  r \"R\" x > 0\n",
        " + 1".repeat(254)
    );
    let checked = on_small_stack(move || check(&src));
    assert!(checked.program.is_some(), "{}", checked.diagnostics);
}

#[test]
fn text_over_the_size_limit() {
    let src = format!("program p \"P\"\n{}", "# filler\n".repeat(200_000));
    assert_eq!(codes(src), vec!["E0002"]);
    let limits = Limits {
        max_source_bytes: 100,
        ..Limits::default()
    };
    let src = format!("program p \"P\"\n{}", "x".repeat(200));
    let d = entitle_dsl::check_with_limits(&src, &limits).diagnostics;
    assert_eq!(d.0.first().map(|d| d.code), Some("E0002"));
}

#[test]
fn too_many_items() {
    let limits = Limits {
        max_items: 3,
        ..Limits::default()
    };
    let src = "program p \"P\"\nlet a = 1\nlet b = 1\nlet c = 1\nlet d = 1\nlet e = 1\n";
    let d = entitle_dsl::check_with_limits(src, &limits).diagnostics;
    assert_eq!(
        d.errors().map(|d| d.code).collect::<Vec<_>>(),
        vec!["E0007"]
    );
    assert_eq!(d.errors().next().map(|d| d.span.line), Some(5));
}

#[test]
fn a_huge_list_literal() {
    let src = format!(
        "program p \"P\"\nlet x = [{}]\n",
        vec!["1"; 20_000].join(", ")
    );
    assert_eq!(codes(src), vec!["E0007"]);
}

#[test]
fn unterminated_string_and_unbalanced_brackets_cost_one_line_each() {
    let src = "program p \"P\"\n  currency KES\ninputs\n  household.a: text \"unterminated\n  household.b: number\nlet x = (b + 1\nlet y = b + 2)\neligible when\n  r \"R\" y > 0 and b > 0\n".to_string();
    let checked = on_small_stack(move || check(&src));
    let lines: Vec<u32> = checked.diagnostics.errors().map(|d| d.span.line).collect();
    assert_eq!(lines, vec![4, 6, 7], "{}", checked.diagnostics);
}

/// Found by the parse_check fuzzer (fuzz/regressions/parse_check/): 47 unclosed `[` inside a rule
/// kept the parser busy for over 20 minutes, because a list and a table were two grammar rules
/// that both start with `[` and every nested one was tried as each (time doubling per bracket).
/// One rule now reads both, so the depth the limits allow fails at once, with one diagnostic.
#[test]
fn unclosed_brackets_nested_to_the_limit() {
    let depth = Limits::default().max_nesting - 1;
    for (open, what) in [
        ("[", "list"),
        ("[1: ", "table"),
        ("[1, ", "list with an element"),
    ] {
        let src = format!(
            "program p \"P\"\n  currency KES\nlet x = {}1\n",
            open.repeat(depth)
        );
        let checked = on_small_stack(move || check(&src));
        let errors: Vec<_> = checked.diagnostics.errors().collect();
        assert_eq!(errors.len(), 1, "{what}: {}", checked.diagnostics);
        assert_eq!(errors[0].code, "E0001", "{what}");
        assert_eq!(errors[0].span.line, 3, "{what}");
    }
}

/// A list and a table in one bracket are refused where the other kind's element starts, with the
/// words the two-rule grammar used.
#[test]
fn a_bracket_that_mixes_a_list_and_a_table() {
    let src = "program p \"P\"\n  currency KES\nlet t = [\"a\": 1, \"b\"]\n".to_string();
    let checked = on_small_stack(move || check(&src));
    let e = checked.diagnostics.errors().next().cloned();
    let e = e.unwrap_or_else(|| panic!("no error"));
    assert_eq!(e.code, "E0001");
    assert_eq!(e.message, "expected `:`, found `]`");
    // `let t = ["a": 1, "b"]`: the `]` after "b" is column 21.
    assert_eq!(
        (e.span.line, e.span.column, e.span.end - e.span.start),
        (3, 21, 1)
    );

    let src = "program p \"P\"\n  currency KES\nlet l = [1, 2: 3]\n".to_string();
    let checked = on_small_stack(move || check(&src));
    let e = checked.diagnostics.errors().next().cloned();
    let e = e.unwrap_or_else(|| panic!("no error"));
    assert_eq!(e.code, "E0001");
    assert_eq!(e.message, "expected `,` or `]`, found `:`");
    assert_eq!((e.span.line, e.span.column), (3, 14));
    // Lists and tables alone still read.
    for ok in [
        "[]",
        "[1, 2,]",
        "[\"a\": 1, \"b\": 2]",
        "[[1, 2], [3]]",
        "[0: [1], 5: [2, 3]]",
    ] {
        let src = format!("program p \"P\"\n  currency KES\nlet v = {ok}\n");
        let parsed = on_small_stack(move || entitle_dsl::parse(&src));
        assert!(
            !parsed.diagnostics.has_errors(),
            "{ok}: {}",
            parsed.diagnostics
        );
    }
}

/// Found by the parse_check fuzzer (fuzz/regressions/parse_check/crash-4637…): the checker took
/// any constant `matches` pattern, and only compiling refused a bad one, so `entitle check` said
/// "ok" to a program `entitle run` would not run. The checker now compiles the pattern with the
/// engine's own bounds (`limits::compile_pattern`).
#[test]
fn a_pattern_that_is_not_a_regular_expression_is_refused_by_the_checker() {
    let program = |pattern: &str| {
        format!(
            "program p \"P\"\n  target individual\ninputs\n  person.phone: text\neligible when\n  phone \"Phone\" matches(phone, \"{pattern}\")\n"
        )
    };
    // `[0[-9]` opens a class that never closes.
    let src = program("^\\\\+2547[0[-9]{8}$");
    let checked = on_small_stack(move || check(&src));
    let errors: Vec<_> = checked.diagnostics.errors().cloned().collect();
    assert_eq!(errors.len(), 1, "{}", checked.diagnostics);
    assert_eq!(errors[0].code, "E0214");
    assert_eq!(
        errors[0].message,
        "`^\\+2547[0[-9]{8}$` is not a valid regular expression"
    );
    // The pattern's string literal: line 6 from column 32, 20 bytes with its quotes.
    assert_eq!(
        (
            errors[0].span.line,
            errors[0].span.column,
            errors[0].span.end - errors[0].span.start
        ),
        (6, 32, 20)
    );
    assert!(checked.program.is_none());

    // A pattern past the size bound is refused the same way; a good one is not.
    let src = program("(\\\\w{1000}){1000}");
    assert_eq!(codes(src), vec!["E0214"]);
    let src = program("^\\\\+2547[0-9]{8}$");
    assert_eq!(codes(src), Vec::<&str>::new());
}

#[test]
fn text_that_is_not_utf8_is_refused_at_its_first_invalid_byte() {
    // A label saved in Latin-1: `é` is the single byte 0xE9.
    let bytes = b"program p \"P\"\n\neligible when\n  poor \"M\xe9nage pauvre\" true\n".to_vec();
    let err = entitle_dsl::text::from_bytes(bytes).unwrap_err();
    let d = &err.diagnostics.0[0];
    assert_eq!(
        (d.code, d.span.line, d.span.column, d.span.start, d.span.end),
        ("E0008", 4, 10, 38, 39)
    );
    assert_eq!(
        d.message,
        "the program text contains a byte that is not UTF-8 (`0xE9`)"
    );
    assert_eq!(
        d.render_with_source(&err.shown, "p.entitle"),
        "error[E0008]: the program text contains a byte that is not UTF-8 (`0xE9`)
 --> p.entitle:4:10
  |
4 |   poor \"M\u{fffd}nage pauvre\" true
  |          ^
  = help: save the file as UTF-8 (in most editors: Save As, then the encoding UTF-8); such bytes are usually accented letters saved in Latin-1 or Windows-1252
"
    );
    let fr = d.localized(entitle_dsl::locale::catalog("fr"));
    assert_eq!(
        (fr.message.as_str(), fr.help.as_deref()),
        (
            "le texte du programme contient un octet qui n'est pas de l'UTF-8 (`0xE9`)",
            Some("enregistrez le fichier en UTF-8 (dans la plupart des éditeurs : Enregistrer sous, puis l'encodage UTF-8) ; de tels octets sont en général des lettres accentuées enregistrées en Latin-1 ou Windows-1252")
        )
    );
}

#[test]
fn a_nul_character_is_named_in_english_and_french() {
    let d = check("program p \"P\"\u{0}\n").diagnostics.0.remove(0);
    assert_eq!(
        (d.code, d.span.line, d.span.column, d.message.as_str()),
        ("E0008", 1, 14, "the program text contains a NUL character")
    );
    let fr = d.localized(entitle_dsl::locale::catalog("fr"));
    assert_eq!(
        fr.message,
        "le texte du programme contient un caractère NUL"
    );
}
