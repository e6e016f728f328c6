//! Runs the whole conformance corpus in Rust.

#[test]
fn conformance_corpus() {
    let files = entitle_tests::load_all().unwrap_or_else(|e| panic!("{e}"));
    let mut failures = Vec::new();
    let mut count = 0;
    for (path, file) in &files {
        for case in &file.cases {
            if case.skip.is_some() {
                continue;
            }
            count += 1;
            let diffs = entitle_tests::run_case(case);
            if !diffs.is_empty() {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                failures.push(format!(
                    "{name} / {}:\n    {}",
                    case.name,
                    diffs.join("\n    ")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(count >= 60, "the corpus has only {count} cases");
}

#[test]
fn every_corpus_program_passes_its_own_tests() {
    let dir = entitle_tests::corpus_dir().join("programs");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("programs dir").flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "entitle") {
            continue;
        }
        let src = std::fs::read_to_string(&path).expect("read");
        let program = entitle_core::Program::compile(&src)
            .unwrap_or_else(|d| panic!("{}:\n{}", path.display(), d.render_with_source(&src, "")));
        for t in program.run_tests() {
            assert!(
                t.passed,
                "{}: test {:?} failed: {:?}",
                path.display(),
                t.name,
                t.failures
            );
            n += 1;
        }
    }
    let _ = n;
}
