//! The Rust engine's JSON for a file of units, one line per unit, for the cross-language
//! determinism test (`tests/reliability/`, run by `scripts/test-reliability.sh`): Python, Node and
//! WebAssembly must print the same bytes for the same units.
//!
//! ```sh
//! cargo run --release -p entitle-tests --example facade_results -- PROGRAM AS_OF UNITS.json [--explain]
//! ```
//!
//! Each unit is evaluated on its own (`Program::evaluate_json`) and all of them as one batch
//! (`Program::evaluate_batch_json`); the two must agree, or the example fails. The lines are the
//! batch's results as compact JSON (`serde_json::to_string`).

use entitle_core::{EvalOptions, Program};
use serde_json::Value as Json;
use std::io::Write;
use std::process::ExitCode;

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let explain = args.iter().any(|a| a == "--explain");
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [program, as_of, units] = positional.as_slice() else {
        return Err("usage: facade_results PROGRAM AS_OF UNITS.json [--explain]".into());
    };
    let source = std::fs::read_to_string(program).map_err(|e| format!("{program}: {e}"))?;
    let program = Program::compile(&source).map_err(|d| format!("{program}: {d}"))?;
    let text = std::fs::read_to_string(units).map_err(|e| format!("{units}: {e}"))?;
    let units: Vec<Json> = serde_json::from_str(&text).map_err(|e| format!("{units}: {e}"))?;
    let options = EvalOptions {
        explain,
        ..Default::default()
    };
    let batch = program.evaluate_batch_json(&units, as_of, &options);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (unit, result) in units.iter().zip(&batch) {
        if &program.evaluate_json(unit, as_of, &options) != result {
            return Err(format!(
                "unit {}: evaluated alone and in a batch, the results differ",
                result.get("unit_id").unwrap_or(&Json::Null)
            ));
        }
        let line = serde_json::to_string(result).map_err(|e| e.to_string())?;
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("facade_results: {e}");
            ExitCode::FAILURE
        }
    }
}
