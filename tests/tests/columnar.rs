//! The conformance corpus through both evaluation paths: the columnar plan (`Program::run`) and the
//! interpreter (`Program::interpret`) must give the same result columns, bit for bit, on every
//! case's units repeated into a small batch (one chunk) and into one large enough for several chunks.

use chrono::NaiveDate;
use entitle_core::json::unit_from_json;
use entitle_core::{EvalOptions, Program, Unit};

#[test]
fn the_corpus_agrees_through_both_paths() {
    let files = entitle_tests::load_all().unwrap_or_else(|e| panic!("{e}"));
    let (mut cases, mut columnar) = (0, 0);
    for (path, file) in &files {
        for case in &file.cases {
            let (Ok(source), Some(as_of)) = (case.source_text(), case.as_of.as_deref()) else {
                continue;
            };
            let Ok(program) = Program::compile(&source) else {
                continue;
            };
            let Ok(as_of) = NaiveDate::parse_from_str(as_of, "%Y-%m-%d") else {
                continue;
            };
            let units: Vec<Unit> = case
                .units
                .iter()
                .filter_map(|u| unit_from_json(u).ok())
                .collect();
            if units.is_empty() {
                continue;
            }
            cases += 1;
            columnar += usize::from(program.is_columnar());
            // The case's units repeated into a batch of at least 16 (smaller batches are interpreted
            // by `Program::run` itself, so would prove nothing), then many times over (several
            // chunks, in parallel).
            let few: Vec<Unit> = units
                .iter()
                .cycle()
                .take(units.len() * 16)
                .cloned()
                .collect();
            let many: Vec<Unit> = units
                .iter()
                .cycle()
                .take(units.len() * 700)
                .cloned()
                .collect();
            for set in [&few, &many] {
                let batch = program.bind(set);
                let options = EvalOptions::default();
                let got = program.run(&batch, as_of, &options).columns_digest();
                let want = program.interpret(&batch, as_of, &options).columns_digest();
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                assert!(got == want, "{name} / {}: the columnar plan and the interpreter differ:\n{got}\n---\n{want}", case.name);
            }
        }
    }
    eprintln!("{cases} corpus cases with units, {columnar} of them with a columnar plan");
    assert!(cases >= 60, "only {cases} corpus cases with units");
    assert!(
        columnar * 2 >= cases,
        "only {columnar} of {cases} corpus programs have a columnar plan"
    );
}
