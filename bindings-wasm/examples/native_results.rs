//! Writes the native engine's results for every case of the conformance corpus, so that the
//! WebAssembly tests can compare their results with Rust's byte for byte.
//!
//! ```sh
//! cargo run -p entitle-wasm --example native_results -- target/wasm-native-results.json
//! ```
//!
//! Output: a JSON array with one entry per case that compiles:
//! `{"file", "name", "units": [unit JSON text], "warnings": [diagnostic JSON], "as_of", "results":
//! [decision or error JSON text], "batch": [the same, from one batch call], "cycle": run JSON text}`
//! (`as_of`, `results` and `batch` when the case has an as-of date, `cycle` when it has
//! `want_cycle`), and one entry per case that does not compile: `{"file", "name", "diagnostics"}`.
//! Units are kept as their exact JSON text (serde_json with arbitrary precision), so numbers cross
//! unchanged.

use entitle_core::Program;
use serde_json::{json, Value as Json};

fn main() -> Result<(), String> {
    let out = std::env::args()
        .nth(1)
        .ok_or("usage: native_results OUT.json")?;
    let mut entries = Vec::new();
    for (path, file) in entitle_tests::load_all()? {
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        for case in &file.cases {
            if case.skip.is_some() {
                continue;
            }
            let options = case.eval_options();
            let source = case.source_text()?;
            let text = |v: &Json| serde_json::to_string(v).map_err(|e| e.to_string());
            match Program::compile(&source) {
                Err(diagnostics) => entries.push(
                    json!({"file": file_name, "name": case.name, "diagnostics": diagnostics}),
                ),
                Ok(program) => {
                    let units: Vec<String> =
                        case.units.iter().map(text).collect::<Result<_, _>>()?;
                    let mut entry = json!({"file": file_name, "name": case.name, "units": units, "warnings": program.warnings()});
                    // A run through the run model, as the corpus runner does it.
                    if case.want_cycle.is_some() {
                        let as_of = case.as_of.as_deref().unwrap_or("");
                        let cycle = program.run_cycle_json(
                            &case.units,
                            as_of,
                            case.cycle.as_ref().unwrap_or(&Json::Null),
                        );
                        entry["cycle"] = Json::String(text(&cycle)?);
                    }
                    if let Some(as_of) = case.as_of.as_deref() {
                        let results: Vec<String> = case
                            .units
                            .iter()
                            .map(|u| text(&program.evaluate_json(u, as_of, &options)))
                            .collect::<Result<_, _>>()?;
                        let batch: Vec<String> = program
                            .evaluate_batch_json(&case.units, as_of, &options)
                            .iter()
                            .map(text)
                            .collect::<Result<_, _>>()?;
                        entry["as_of"] = Json::String(as_of.to_string());
                        entry["results"] = json!(results);
                        entry["batch"] = json!(batch);
                    }
                    entries.push(entry);
                }
            }
        }
    }
    let text = serde_json::to_string_pretty(&entries).map_err(|e| e.to_string())?;
    std::fs::write(&out, text).map_err(|e| format!("{out}: {e}"))?;
    eprintln!("native_results: {} cases written to {out}", entries.len());
    Ok(())
}
