//! Property: formatting a generated program gives text that parses back to the same syntax tree,
//! and formatting that text again changes nothing.

mod common;

use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "income",
        "region",
        "size",
        "score",
        "base_amount",
        "children",
        "x_cst_grp_flag",
        "z_ind_grp_num",
    ])
    .prop_map(String::from)
}

fn text_lit() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "North",
        "East",
        "a \\\"quoted\\\" word",
        "back\\\\slash",
        "tab\\there",
        "Île-de-France",
        "日本",
        "",
    ])
    .prop_map(|s| format!("\"{s}\""))
}

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..100_000, 0u32..3).prop_map(|(n, d)| if d == 0 {
            n.to_string()
        } else {
            format!("{n}.{}", "5".repeat(d as usize))
        }),
        (0u32..10_000).prop_map(|n| format!("KES {n}")),
        (1u32..100).prop_map(|n| format!("{n}%")),
        (1u32..50).prop_map(|n| format!("{n} kg")),
        (1990i32..2030, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        text_lit(),
        prop::bool::ANY.prop_map(|b| b.to_string()),
        Just("unknown".to_string()),
        name(),
        name().prop_map(|n| format!("household.{n}")),
        name().prop_map(|n| format!("head.{n}")),
        name().prop_map(|n| format!("pmt.{n}")),
        Just("[\"thatch\": 0, \"iron\": 5]".to_string()),
        Just("[0: \"low\", 10.5: \"high\"]".to_string()),
        Just("round(x, 0, down)".to_string()),
    ]
}

fn expr() -> impl Strategy<Value = String> {
    leaf().prop_recursive(5, 48, 4, |inner| {
        let ops = prop::sample::select(vec![
            "+", "-", "*", "/", "mod", "==", "!=", "<", "<=", ">", ">=", "and", "or", "in",
            "not in",
        ]);
        prop_oneof![
            (inner.clone(), ops, inner.clone()).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            inner.clone().prop_map(|a| format!("(not {a})")),
            inner.clone().prop_map(|a| format!("(-{a})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("(if {c} then {a} else {b})")),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            (
                prop::sample::select(vec!["min", "max", "age", "round", "coalesce", "known"]),
                prop::collection::vec(inner.clone(), 1..4)
            )
                .prop_map(|(f, v)| format!("{f}({})", v.join(", "))),
            inner
                .clone()
                .prop_map(|p| format!("count(members where {p})")),
            inner.clone().prop_map(|p| format!("(members where {p})")),
            inner.clone().prop_map(|p| format!("(visits where {p})")),
            (inner.clone(), inner.clone())
                .prop_map(|(p, v)| format!("latest(visits where {p}, {v}, visit_date)")),
            (inner.clone(), inner.clone()).prop_map(|(k, v)| format!("[{k}: {v}]")),
            (inner.clone(), inner).prop_map(|(p, v)| format!("sum(members where {p}, {v})")),
        ]
    })
}

fn program() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((name(), expr()), 0..4),
        prop::collection::vec((name(), expr(), 0u8..3), 1..4),
        prop::collection::vec((name(), expr(), prop::option::of(expr()), prop::option::of(expr())), 0..3),
        prop::option::of(expr()),
        prop::collection::vec((name(), expr()), 0..3),
        any::<bool>(),
    )
        .prop_map(|(lets, rules, items, cap, components, lets_first)| {
            // `let`s may stand before the `program` line; the formatter keeps them (and their
            // comments) there.
            let mut let_lines = String::new();
            for (i, (n, e)) in lets.iter().enumerate() {
                let_lines.push_str(&format!("let {n}_{i} = {e}  # let {i}\n"));
            }
            let mut s = if lets_first { format!("# before\n{let_lines}") } else { String::new() };
            s.push_str("# generated\nprogram generated \"Generated\" version \"1\"\n  target household\n  currency KES\n\n");
            s.push_str("inputs\n  household.income: money \"Income\" default KES 0\n  member.birthdate: date\n\n");
            s.push_str("records visits \"Visits\" dated by visit_date\n  visit_date: date\n  score: number default 0\n\n");
            s.push_str("codes genders\n  female \"Female\" = \"F\", \"2\"\n  male = \"M\"\n\n");
            s.push_str("functions\n  distance(income): number \"Distance\"\n\n");
            s.push_str("params\n  base_amount: money = KES 10 from 2026-01-01, KES 20 from 2027-01-01\n");
            s.push_str("  points: table of text to number = [\"a\": 1, \"b\": 2] from 2026-01-01\n\n");
            if !components.is_empty() {
                s.push_str("score pmt \"PMT\"\n");
                for (i, (n, e)) in components.iter().enumerate() {
                    s.push_str(&format!("  {n}_{i} \"Component {i}\" {e}\n"));
                }
                s.push('\n');
            }
            if !lets_first {
                s.push_str(&let_lines);
            }
            s.push_str("\neligible when\n");
            for (i, (n, e, kind)) in rules.iter().enumerate() {
                let kw = ["", "unless ", "union "].get(usize::from(*kind)).copied().unwrap_or("");
                s.push_str(&format!("  {kw}{n}_{i} \"Rule {i}\" {e}  # why\n"));
            }
            s.push_str("\nentitlement\n");
            for (i, (n, e, when, valued)) in items.iter().enumerate() {
                let w = when.as_ref().map(|c| format!(" when {c}")).unwrap_or_default();
                let v = valued.as_ref().map(|c| format!(" valued at {c}")).unwrap_or_default();
                s.push_str(&format!("  cash {n}_{i} \"Item {i}\" {e}{v}{w}\n"));
            }
            if items.len() >= 2 {
                s.push_str(&format!("  cap {}_0 + {}_1 at KES 100\n", items[0].0, items[1].0));
            }
            if let Some(c) = cap {
                s.push_str(&format!("  cap cash at {c}\n"));
            }
            s.push_str("  round cash to KES 10 half even\n\ntest \"t\" as of 2026-01-01\n  household income KES 5\n  member kind \"head\", birthdate 1990-01-01\n  record visits visit_date 2025-01-01, score 3\n  expect eligible, score pmt 1, score pmt.x 2, value rice KES 3\n");
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn format_round_trips_and_is_stable(src in program()) {
        let parsed = entitle_dsl::parse(&src);
        prop_assert!(!parsed.diagnostics.has_errors(), "generated text does not parse:\n{src}\n{}", parsed.diagnostics);
        let formatted = entitle_dsl::format(&src).map_err(|d| TestCaseError::fail(d.to_string()))?;
        let reparsed = entitle_dsl::parse(&formatted);
        prop_assert!(!reparsed.diagnostics.has_errors(), "formatted text does not parse:\n{formatted}\n{}", reparsed.diagnostics);
        prop_assert_eq!(&reparsed.program.items, &parsed.program.items, "formatted:\n{}", formatted);
        prop_assert_eq!(&reparsed.program.header, &parsed.program.header);
        let comments: Vec<_> = parsed.program.comments.iter().map(|c| c.text.clone()).collect();
        let comments2: Vec<_> = reparsed.program.comments.iter().map(|c| c.text.clone()).collect();
        prop_assert_eq!(comments, comments2);
        let again = entitle_dsl::format(&formatted).map_err(|d| TestCaseError::fail(d.to_string()))?;
        prop_assert_eq!(again, formatted);
    }

    #[test]
    fn checking_arbitrary_text_never_panics(src in "\\PC{0,300}") {
        let checked = entitle_dsl::check(&src);
        // Either a program or at least one error; never both missing.
        prop_assert!(checked.program.is_some() || checked.diagnostics.has_errors());
    }

    #[test]
    fn checking_mutated_programs_never_panics(src in program(), cut in 0usize..2000, insert in "[\\[\\](){}\"#:=,. a-z0-9+*/<>-]{0,4}") {
        let mut s = src.clone();
        let at = (0..=cut.min(s.len())).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0);
        s.insert_str(at, &insert);
        let checked = entitle_dsl::check(&s);
        for d in &checked.diagnostics.0 {
            prop_assert!(d.span.start <= d.span.end && d.span.end <= s.len(), "span out of range: {d:?}");
            prop_assert!(d.span.line >= 1 && d.span.column >= 1);
        }
    }
}

/// The run model's sections and the `cycle` header line (syntax only: names need not resolve).
fn run_model() -> impl Strategy<Value = (Option<String>, String)> {
    let cycle = prop::option::of(prop::sample::select(vec![
        "monthly from 2026-01-01 count 12",
        "every 2 weeks on monday, thursday from 2026-01-05 until 2026-12-31",
        "on demand from 2026-01-01",
        "quarterly from 2026-01-31 lasting 30 days",
        "every 1 year from 2024-02-29 count 3 until 2030-01-01 lasting 365 days",
    ]));
    let state = prop::option::of(prop::sample::select(vec![
        "paused",
        "exited",
        "not_eligible",
    ]));
    let compliance = prop::collection::vec((name(), expr(), state), 0..3);
    let rank = prop::collection::vec((expr(), prop::bool::ANY), 0..3);
    let top = prop::option::of(prop_oneof![
        (0u32..5000).prop_map(|n| n.to_string()),
        name()
    ]);
    let budget = prop::option::of((
        (0u32..100_000).prop_map(|n| format!("KES {n}")),
        prop::bool::ANY,
    ));
    let priority = prop::collection::vec((name(), expr()), 0..3);
    let dedup = prop::collection::vec(
        (
            name(),
            prop::option::of(prop::collection::vec(name(), 1..3)),
        ),
        0..3,
    );
    (cycle, compliance, priority, rank, top, budget, dedup).prop_map(
        |(cycle, compliance, priority, rank, top, budget, dedup)| {
            let mut s = String::new();
            if !compliance.is_empty() {
                s.push_str("compliant when\n");
                for (i, (n, e, st)) in compliance.iter().enumerate() {
                    let otherwise = st.map(|x| format!(" else {x}")).unwrap_or_default();
                    s.push_str(&format!(
                        "  c_{n}_{i} \"Condition {i}\" {e}{otherwise}  # ongoing\n"
                    ));
                }
                s.push('\n');
            }
            if !dedup.is_empty() {
                s.push_str("deduplicate\n");
                for (i, (n, by)) in dedup.iter().enumerate() {
                    let by = match by {
                        Some(names) => format!("same {}", names.join(", ")),
                        None => "shared members".to_string(),
                    };
                    s.push_str(&format!("  d_{n}_{i} \"Duplicate {i}\" {by}\n"));
                }
                s.push('\n');
            }
            if !(priority.is_empty() && rank.is_empty() && top.is_none() && budget.is_none()) {
                s.push_str("selection\n");
                for (i, (n, e)) in priority.iter().enumerate() {
                    s.push_str(&format!("  priority p_{n}_{i} \"Priority {i}\" {e}\n"));
                }
                if !rank.is_empty() {
                    let keys: Vec<String> = rank
                        .iter()
                        .map(|(e, d)| {
                            format!("{e} {}", if *d { "descending" } else { "ascending" })
                        })
                        .collect();
                    s.push_str(&format!("  rank by {}\n", keys.join(", ")));
                }
                if let Some(t) = top {
                    s.push_str(&format!("  top {t}\n"));
                }
                if let Some((b, proportional)) = budget {
                    s.push_str(&format!(
                        "  budget {b}{}\n",
                        if proportional { " proportional" } else { "" }
                    ));
                }
                s.push('\n');
            }
            (cycle.map(String::from), s)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn the_run_model_round_trips(base in program(), (cycle, sections) in run_model()) {
        let mut src = base.replacen("\ntest \"t\"", &format!("\n{sections}test \"t\""), 1);
        if let Some(c) = cycle {
            src = src.replacen("  currency KES\n", &format!("  currency KES\n  cycle {c}\n"), 1);
        }
        let parsed = entitle_dsl::parse(&src);
        prop_assert!(!parsed.diagnostics.has_errors(), "generated text does not parse:\n{src}\n{}", parsed.diagnostics);
        let formatted = entitle_dsl::format(&src).map_err(|d| TestCaseError::fail(d.to_string()))?;
        let reparsed = entitle_dsl::parse(&formatted);
        prop_assert!(!reparsed.diagnostics.has_errors(), "formatted text does not parse:\n{formatted}\n{}", reparsed.diagnostics);
        prop_assert_eq!(&reparsed.program.items, &parsed.program.items, "formatted:\n{}", formatted);
        prop_assert_eq!(&reparsed.program.header, &parsed.program.header);
        let again = entitle_dsl::format(&formatted).map_err(|d| TestCaseError::fail(d.to_string()))?;
        prop_assert_eq!(again, formatted);
    }
}

/// Found by the parse_check fuzzer (fuzz/regressions/parse_check/crash-e400…): a `let` written
/// before the `program` line lost its trailing comment, because the header was printed first and
/// took every comment above it. Items before the header now stay before it.
#[test]
fn a_let_before_the_program_line_keeps_its_comments_and_place() {
    let src = "# top\nlet size =--1  # why it is here\n# above the header\nprogram p version \"1\"  # header note\n  target household\n  currency KES\n# above inputs\ninputs\n  household.income: money\nlet a = 1 # after\n";
    let formatted = entitle_dsl::format(src).expect("formats");
    assert_eq!(
        formatted,
        "# top\nlet size = - -1  # why it is here\n\n# above the header\nprogram p version \"1\"  # header note\n  target household\n  currency KES\n\n# above inputs\ninputs\n  household.income: money\n\nlet a = 1  # after\n"
    );
    let parsed = entitle_dsl::parse(src);
    let reparsed = entitle_dsl::parse(&formatted);
    assert_eq!(reparsed.program.items, parsed.program.items);
    assert_eq!(reparsed.program.header, parsed.program.header);
    assert_eq!(comment_texts(&formatted), comment_texts(src));
    assert_eq!(comment_texts(src).len(), 6);
    assert_eq!(
        entitle_dsl::format(&formatted).expect("formats again"),
        formatted
    );
}

/// The fuzzer's own input: a file-top comment, a `let` with a trailing comment, then the program.
#[test]
fn the_fuzzer_input_keeps_every_comment() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fuzz/regressions/parse_check/crash-e400ecb5eba59e99dec1838eea222cab3edd297d"
    );
    let src = std::fs::read_to_string(path).expect("the regression input");
    let formatted = entitle_dsl::format(&src).expect("formats");
    assert_eq!(comment_texts(&formatted), comment_texts(&src));
    assert!(
        formatted.contains("let size = - - - - - - - - - -__  #______l---"),
        "{formatted}"
    );
    assert_eq!(
        entitle_dsl::format(&formatted).expect("formats again"),
        formatted
    );
}

/// Formats `src`, checks that every comment is kept and that formatting again changes nothing,
/// and returns the formatted text.
fn formats_keeping_every_comment(src: &str) -> String {
    let formatted = entitle_dsl::format(src).expect("formats");
    assert_eq!(comment_texts(&formatted), comment_texts(src));
    assert_eq!(
        entitle_dsl::format(&formatted).expect("formats again"),
        formatted
    );
    formatted
}

/// A fuzz input kept in `fuzz/regressions/parse_check/`.
fn regression_input(name: &str) -> String {
    let path = format!(
        "{}/../fuzz/regressions/parse_check/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).expect("the regression input")
}

/// Found by the parse_check fuzzer (fuzz/regressions/parse_check/crash-a4de…): the comments
/// inside a line continued over several were joined into one end-of-line comment, so the
/// formatted text had one comment where five were written. They now go above the line, each on
/// its own; a single end-of-line comment stays where it was.
#[test]
fn comments_inside_a_continued_line_stay_separate() {
    let src = "program p \"P\"\nlet x = 1 +  # first\n# own line\n  2 +\n  3  # last\nlet y = 4 +\n  5  # only one\n";
    assert_eq!(
        formats_keeping_every_comment(src),
        "program p \"P\"\n\n# first\n# own line\n# last\nlet x = 1 + 2 + 3\nlet y = 4 + 5  # only one\n"
    );
    let src = regression_input("crash-a4de187d8f018deea51b25aa27786c4ae1fbe8fc");
    formats_keeping_every_comment(&src);
    assert_eq!(comment_texts(&src).len(), 5);
}

/// Found by the parse_check fuzzer (fuzz/regressions/parse_check/crash-d6d4…): a test whose
/// records go on after an `expect` line. Its expectations are printed as one line after all its
/// records, so the comment at the end of the first `expect` line was passed over while the later
/// records were printed, and lost. It now goes on its own line, where it was passed over.
#[test]
fn a_comment_ending_an_expect_line_before_more_records_is_kept() {
    let src = "program p \"P\"\n  currency KES\ninputs\n  household.income: money\n\ntest \"t\" as of 2026-01-01\n  household income KES 1\n  expect eligible  # why\n  household income KES 2\n  expect cash KES 0  # last\n";
    assert_eq!(
        formats_keeping_every_comment(src),
        "program p \"P\"\n  currency KES\n\ninputs\n  household.income: money\n\ntest \"t\" as of 2026-01-01\n  household income KES 1\n  # why\n  household income KES 2\n  expect eligible, cash KES 0  # last\n"
    );
    let src = regression_input("crash-d6d411ef42b660620881225c4afd6f961ebac5c9");
    formats_keeping_every_comment(&src);
    assert_eq!(comment_texts(&src).len(), 12);
}

/// Found by the parse_check fuzzer (fuzz/regressions/parse_check/crash-c59f…): a chain of prefix
/// `-` and `not` parsed, but its formatted text, where a `not` on the right of `-` is written in
/// parentheses, was refused as too deep: parentheses counted as depth, and operands were checked
/// against the bracket limit with the operator depth included. Parentheses now add no depth.
#[test]
fn parentheses_the_formatter_adds_do_not_make_a_text_too_deep() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fuzz/regressions/parse_check/crash-c59f8fab257f7481411f6212ca7c915f508232bb"
    );
    let src = std::fs::read_to_string(path).expect("the regression input");
    formats_within_the_limits(&src);

    // 100 prefix minus signs are within the 256 levels the limit allows, with or without
    // parentheses around the operand; 300 are not.
    let program = |prefix: &str, n: usize, operand: &str| {
        format!("program p \"P\"\nlet x = {}{operand}\n", prefix.repeat(n))
    };
    for operand in ["1", "(1)", "(((1)))"] {
        let p = entitle_dsl::parse(&program("- ", 100, operand));
        assert!(!p.diagnostics.has_errors(), "{operand}: {}", p.diagnostics);
        let p = entitle_dsl::parse(&program("- ", 300, operand));
        let codes: Vec<_> = p.diagnostics.errors().map(|d| d.code).collect();
        assert_eq!(codes, ["E0003"], "{operand}");
    }
}

/// Parses `src`, formats it, and checks the formatted text parses to the same program and is stable.
fn formats_within_the_limits(src: &str) -> String {
    let parsed = entitle_dsl::parse(src);
    assert!(!parsed.diagnostics.has_errors(), "{}", parsed.diagnostics);
    let formatted = entitle_dsl::format(src).expect("formats");
    let reparsed = entitle_dsl::parse(&formatted);
    assert!(
        !reparsed.diagnostics.has_errors(),
        "{}",
        reparsed.diagnostics
    );
    assert_eq!(reparsed.program.items, parsed.program.items);
    assert_eq!(
        entitle_dsl::format(&formatted).expect("formats again"),
        formatted
    );
    formatted
}

#[test]
fn brackets_for_the_reader_never_pass_the_bracket_limit() {
    // The deepest texts the limits allow, checked and formatted on a browser tab's stack.
    common::on_small_stack(brackets_for_the_reader);
}

fn brackets_for_the_reader() {
    let line = |expr: &str| format!("program p \"P\"\n\nlet x = {expr}\n");
    // Brackets for the reader where there is room.
    assert_eq!(
        formats_within_the_limits(&line("a + if c then 1 else 0")),
        line("a + (if c then 1 else 0)")
    );
    assert_eq!(
        formats_within_the_limits(&line("a == not b")),
        line("a == (not b)")
    );
    assert_eq!(
        formats_within_the_limits(&line("count(members where a) + members where b")),
        line("count(members where a) + (members where b)")
    );
    // Brackets the meaning needs stay, and `not` before a weaker operator needs none.
    assert_eq!(
        formats_within_the_limits(&line("a * (not b) + c")),
        line("a * (not b) + c")
    );
    assert_eq!(
        formats_within_the_limits(&line("not a and b")),
        line("not a and b")
    );
    assert_eq!(
        formats_within_the_limits(&line("(if c then 1 else 0) + a")),
        line("(if c then 1 else 0) + a")
    );

    // A chain of 100 `- not` steps: a bracket for the reader around each would pass 64, so the
    // outer 64 get one and the inner steps none.
    let chain = format!("{}a", "a - not ".repeat(100));
    let formatted = formats_within_the_limits(&line(&chain));
    assert_eq!(formatted.matches("(not").count(), 64, "{formatted}");
    assert!(
        formatted.ends_with(&format!("- not a - not a{}\n", ")".repeat(64))),
        "{formatted}"
    );
    // 60 `if`s (within the limit on `if`s in a line) nest 60 brackets, which fit.
    let chain = format!("{}0", "a + if c then 1 else ".repeat(60));
    let formatted = formats_within_the_limits(&line(&chain));
    assert_eq!(formatted.matches("(if").count(), 60, "{formatted}");

    // Inside 63 brackets there is room for one more; inside 64 there is none.
    let nested = |n: usize| format!("{}a + if c then 1 else 0{}", "[".repeat(n), "]".repeat(n));
    let formatted = formats_within_the_limits(&line(&nested(63)));
    assert!(
        formatted.contains("[a + (if c then 1 else 0)]"),
        "{formatted}"
    );
    let formatted = formats_within_the_limits(&line(&nested(64)));
    assert!(
        formatted.contains("[a + if c then 1 else 0]"),
        "{formatted}"
    );
    // Brackets inside quoted text do not count.
    let quoted = format!(
        "{}a + if c then \"(((\" else \"\"{}",
        "[".repeat(63),
        "]".repeat(63)
    );
    let formatted = formats_within_the_limits(&line(&quoted));
    assert!(
        formatted.contains("[a + (if c then \"(((\" else \"\")]"),
        "{formatted}"
    );
}

/// The texts of a program's comments, in order.
fn comment_texts(src: &str) -> Vec<String> {
    entitle_dsl::parse(src)
        .program
        .comments
        .iter()
        .map(|c| c.text.clone())
        .collect()
}
