//! Every program the repository ships is in the formatter's layout, so `entitle fmt --check` on the
//! examples (the command its own help shows) reports nothing, and a user's first `entitle fmt`
//! does not rewrite a bundled file.

use std::path::{Path, PathBuf};

fn programs(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            programs(&path, out);
        } else if path.extension().is_some_and(|e| e == "entitle") {
            out.push(path);
        }
    }
}

#[test]
fn every_shipped_program_is_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["examples", "tests/conformance"] {
        programs(&root.join(dir), &mut files);
    }
    assert!(files.len() >= 40, "only {} programs found", files.len());
    let mut unformatted = Vec::new();
    for path in &files {
        let src = std::fs::read_to_string(path).expect("read");
        let formatted = entitle_dsl::format(&src)
            .unwrap_or_else(|d| panic!("{} does not parse: {d}", path.display()));
        if formatted != src {
            unformatted.push(path.display().to_string());
        }
    }
    assert!(
        unformatted.is_empty(),
        "not formatted (run `entitle fmt` on them): {unformatted:?}"
    );
}
