//! Every example program compiles without warnings, passes its own tests, and formats stably; so
//! does every complete program of the language reference (its blocks marked ```` ```entitle ````).

use std::path::PathBuf;

fn programs() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/programs");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/programs")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "entitle"))
        .collect();
    v.sort();
    v
}

#[test]
fn example_programs_compile_cleanly_and_pass_their_tests() {
    let all = programs();
    assert!(
        all.len() >= 5,
        "expected the five example programs, found {}",
        all.len()
    );
    for path in all {
        let src = std::fs::read_to_string(&path).expect("read");
        let program = entitle_core::Program::compile(&src)
            .unwrap_or_else(|d| panic!("{}:\n{}", path.display(), d.render_with_source(&src, "")));
        assert!(
            program.warnings().0.is_empty(),
            "{}: {}",
            path.display(),
            program.warnings()
        );
        let outcomes = program.run_tests();
        assert!(!outcomes.is_empty(), "{} has no tests", path.display());
        for t in outcomes {
            assert!(
                t.passed,
                "{}: {:?} failed: {:?}",
                path.display(),
                t.name,
                t.failures
            );
        }
        let formatted = entitle_dsl::format(&src).expect("formats");
        assert_eq!(
            entitle_dsl::format(&formatted).expect("formats again"),
            formatted
        );
        assert_eq!(
            entitle_dsl::parse(&formatted).program.items,
            entitle_dsl::parse(&src).program.items
        );
    }
}

#[test]
fn french_explanations_use_the_program_translations() {
    let src = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/programs/child_grant.entitle"),
    )
    .expect("read");
    let program = entitle_core::Program::compile(&src).expect("compiles");
    let t = &program.ir().tests[0];
    let d = program
        .evaluate_with(
            &program.test_unit(t),
            t.as_of,
            &entitle_core::EvalOptions {
                explain: true,
                ..Default::default()
            },
        )
        .expect("evaluates");
    let fr = entitle_core::explain::render::decision_text(&program, &d, "fr");
    assert!(fr.contains("Éligible."), "{fr}");
    assert!(
        fr.contains("✓ Au moins un enfant de moins de 18 ans — children = 2"),
        "{fr}"
    );
    assert!(
        fr.contains(
            "Montant de base : KES 1500 — base_amount = KES 1500 (en vigueur depuis le 2026-01-01)"
        ),
        "{fr}"
    );
    assert!(fr.contains("Total : KES 2500"), "{fr}");
    // The program's sentences are found as the message catalogue is, whatever the case.
    for locale in ["FR", "fr-FR", "Fr_fr"] {
        assert_eq!(
            entitle_core::explain::render::decision_text(&program, &d, locale),
            fr,
            "{locale}"
        );
    }
    let en = entitle_core::explain::render::decision_text(&program, &d, "en");
    assert!(
        en.contains("Base amount: KES 1500 — base_amount = KES 1500 (in force from 2026-01-01)"),
        "{en}"
    );
    assert!(en.contains("Maize ration: 10 kg × 3 = 30 kg"), "{en}");
}

#[test]
fn an_undetermined_decision_says_what_holds_it_up() {
    // Missing inputs are named; a rule unknown for another reason (the largest of no members)
    // does not send the officer looking for missing information.
    let src = "program ea \"Empty\"\n  target household\n  currency KES\ninputs\n  member.birthdate: date \"Birth\"\n  member.income: money \"Income\"\neligible when\n  young \"Eldest child under 10\" max(members where age(birthdate) < 18, age(birthdate)) < 10\nentitlement\n  cash c \"c\" KES 1\n";
    let program = entitle_core::Program::compile(src).expect("compiles");
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    let explain = entitle_core::EvalOptions {
        explain: true,
        ..Default::default()
    };
    let text = |unit: &entitle_core::Unit, locale: &str| {
        let d = program
            .evaluate_with(unit, as_of, &explain)
            .expect("evaluates");
        assert_eq!(d.outcome, entitle_core::Outcome::Undetermined);
        entitle_core::explain::render::decision_text(&program, &d, locale)
    };
    let no_children = entitle_core::Unit::new("H1")
        .with_member(entitle_core::Member::new("M1", "head").with("birthdate", "1990-01-01"));
    let en = text(&no_children, "en");
    assert!(
        en.contains("Undetermined: a rule could not be decided from the information given"),
        "{en}"
    );
    assert!(!en.contains("Missing"), "{en}");
    let fr = text(&no_children, "fr");
    assert!(
        fr.contains("Indéterminé : une règle ne peut être tranchée"),
        "{fr}"
    );
    let no_birthdate =
        entitle_core::Unit::new("H2").with_member(entitle_core::Member::new("M1", "child"));
    let en = text(&no_birthdate, "en");
    assert!(
        en.contains("Undetermined: some information is missing."),
        "{en}"
    );
    assert!(en.contains("Missing: birthdate"), "{en}");
}

/// The blocks of `text` fenced as ```` ```entitle ````, with the line each starts on.
fn entitle_blocks(text: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (n, line) in text.lines().enumerate() {
        match (&mut open, line.trim_end()) {
            (None, "```entitle") => open = Some((n + 2, String::new())),
            (Some(_), "```") => blocks.extend(open.take()),
            (Some((_, b)), _) => {
                b.push_str(line);
                b.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(open.is_none(), "a ```entitle block is never closed");
    blocks
}

#[test]
fn the_language_references_programs_compile_cleanly_and_pass_their_tests() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/language.md");
    let text = std::fs::read_to_string(&path).expect("docs/language.md");
    let blocks = entitle_blocks(&text);
    assert!(
        !blocks.is_empty(),
        "no ```entitle block in docs/language.md"
    );
    for (line, src) in blocks {
        let program = entitle_core::Program::compile(&src).unwrap_or_else(|d| {
            panic!(
                "docs/language.md, the block from line {line}:\n{}",
                d.render_with_source(&src, "")
            )
        });
        assert!(
            program.warnings().0.is_empty(),
            "docs/language.md, the block from line {line}: {}",
            program.warnings()
        );
        let outcomes = program.run_tests();
        assert!(
            !outcomes.is_empty(),
            "the block from line {line} has no tests"
        );
        for t in outcomes {
            assert!(
                t.passed,
                "line {line}: {:?} failed: {:?}",
                t.name, t.failures
            );
        }
    }
}
