//! Prints the Rust engine's result JSON for every unit of the conformance corpus, so the Node
//! tests can check that Node gives the same bytes (`test/rust_parity.test.js`).
//!
//! One line per unit: `FILE <tab> CASE INDEX <tab> UNIT INDEX <tab> RESULT JSON`, for every case
//! that compiles and has `want` (the cases the corpus evaluates), with an explanation and the
//! case's `options`, exactly as `Program::evaluate_json` gives it. Case files are read with serde_json, so numbers keep their
//! exact text.
//!
//! ```sh
//! cargo run --release -p entitle-node --example corpus_json
//! ```

use entitle_core::{EvalOptions, Program};
use serde_json::Value as Json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn source_of(case: &Json, corpus: &Path) -> Result<String, String> {
    match (case.get("program"), case.get("source")) {
        (Some(Json::String(p)), None) => {
            std::fs::read_to_string(corpus.join(p)).map_err(|e| format!("{p}: {e}"))
        }
        (None, Some(Json::String(s))) => Ok(s.clone()),
        (None, Some(Json::Array(lines))) => {
            let lines: Vec<&str> = lines.iter().filter_map(Json::as_str).collect();
            Ok(lines.join("\n") + "\n")
        }
        _ => Err("a case needs exactly one of `program` and `source`".into()),
    }
}

fn run() -> Result<(), String> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance");
    let dir = corpus.join("cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{name}: {e}"))?;
        let file: Json = serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
        let cases = file
            .get("cases")
            .and_then(Json::as_array)
            .ok_or_else(|| format!("{name}: no `cases`"))?;
        for (ci, case) in cases.iter().enumerate() {
            let wants = case
                .get("want")
                .and_then(Json::as_array)
                .is_some_and(|w| !w.is_empty());
            if case.get("skip").is_some() || !wants {
                continue;
            }
            let source = source_of(case, &corpus).map_err(|e| format!("{name} case {ci}: {e}"))?;
            let Ok(program) = Program::compile(&source) else {
                continue;
            };
            let as_of = case.get("as_of").and_then(Json::as_str).unwrap_or_default();
            // The case's own options (`{"strict": true}`), as the Node runner passes them.
            let mut options = EvalOptions {
                explain: true,
                ..Default::default()
            };
            if let Some(strict) = case.pointer("/options/strict").and_then(Json::as_bool) {
                options.strict = strict;
            }
            let units = case
                .get("units")
                .and_then(Json::as_array)
                .cloned()
                .unwrap_or_default();
            for (ui, unit) in units.iter().enumerate() {
                let result = program.evaluate_json(unit, as_of, &options);
                let json = serde_json::to_string(&result).map_err(|e| e.to_string())?;
                writeln!(out, "{name}\t{ci}\t{ui}\t{json}").map_err(|e| e.to_string())?;
            }
        }
    }
    out.flush().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("corpus_json: {e}");
            ExitCode::FAILURE
        }
    }
}
