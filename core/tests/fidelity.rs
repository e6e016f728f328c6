//! Every fidelity example (`examples/fidelity/*.entitle`, one per item of the acceptance list in
//! `examples/fidelity/README.md`) compiles without errors or warnings, has at least one test of its
//! own, passes all of them, and is left unchanged by the formatter.

use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/fidelity")
}

fn programs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("examples/fidelity")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "entitle"))
        .collect();
    v.sort();
    v
}

#[test]
fn fidelity_examples_compile_cleanly_and_pass_their_own_tests() {
    let mut failures = Vec::new();
    let all = programs();
    for path in &all {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let src = std::fs::read_to_string(path).expect("read");
        let program = match entitle_core::Program::compile(&src) {
            Ok(p) => p,
            Err(d) => {
                failures.push(format!(
                    "{name}: does not compile:\n{}",
                    d.render_with_source(&src, &name)
                ));
                continue;
            }
        };
        if !program.warnings().0.is_empty() {
            failures.push(format!(
                "{name}: warnings:\n{}",
                program.warnings().render_with_source(&src, &name)
            ));
        }
        let outcomes = program.run_tests();
        if outcomes.is_empty() {
            failures.push(format!("{name}: has no tests of its own"));
        }
        for t in outcomes.iter().filter(|t| !t.passed) {
            failures.push(format!(
                "{name}: test {:?} (line {}) failed: {:?}",
                t.name, t.line, t.failures
            ));
        }
        match entitle_dsl::format(&src) {
            Ok(formatted) if formatted != src => {
                failures.push(format!("{name}: not in `entitle fmt` form"))
            }
            Ok(_) => {}
            Err(d) => failures.push(format!("{name}: does not format: {d}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) in {} programs:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

/// Every program here is named after an item of the acceptance list (`E3_…`), and the README links it.
#[test]
fn fidelity_examples_are_named_after_an_item_and_linked_from_the_readme() {
    let readme = std::fs::read_to_string(dir().join("README.md")).expect("README.md");
    for path in programs() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let item = name.split('_').next().unwrap_or("");
        let ok = item.len() >= 2
            && item.starts_with(|c: char| ('A'..='J').contains(&c))
            && item
                .get(1..)
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
        assert!(ok, "{name} is not named after an item (such as `E3_…`)");
        assert!(
            readme.contains(&format!("({name})")),
            "the README does not link {name}"
        );
    }
}

/// I3 in words: a score's breakdown is rendered with the program's translations.
#[test]
fn score_breakdown_is_explained_in_french() {
    let src = std::fs::read_to_string(dir().join("D1_pmt_weighted_sum.entitle")).expect("read");
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
    assert!(
        fr.contains("Score Score d'évaluation des moyens : 15160"),
        "{fr}"
    );
    assert!(
        fr.contains("· Surface du logement : 15000 — w_sqft = 25; x_sqft_of_house = 600"),
        "{fr}"
    );
    let en = entitle_core::explain::render::decision_text(&program, &d, "en");
    assert!(
        en.contains("· Children: 40 — w_children = 10; x_number_of_children = 4"),
        "{en}"
    );
}
