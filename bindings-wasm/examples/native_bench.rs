//! The native engine on the same work as `bench/evaluate.mjs` (the WebAssembly package), through the
//! same JSON façade, for the ratios in BENCHMARKS.md.
//!
//! ```sh
//! node bindings-wasm/bench/evaluate.mjs 10000        # writes target/wasm-bench-units.json
//! RAYON_NUM_THREADS=1 cargo run --release -p entitle-wasm --example native_bench -- target/wasm-bench-units.json
//! ```

use entitle_core::{EvalOptions, Program};
use serde_json::Value as Json;
use std::time::Instant;

fn median(runs: usize, mut body: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            body();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times.get(runs / 2).copied().unwrap_or(f64::NAN)
}

fn main() -> Result<(), String> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: native_bench UNITS.json")?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let units: Vec<Json> = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let source = include_str!("../../examples/programs/child_grant.entitle");
    let program = Program::compile(source).map_err(|d| d.to_string())?;
    let as_of = "2026-03-01";
    let plain = EvalOptions::default();
    let explain = EvalOptions {
        explain: true,
        ..Default::default()
    };
    let one = units.first().ok_or("no units")?;
    let compile_ms = median(200, || drop(Program::compile(source)));
    let evaluate_us = median(5001, || drop(program.evaluate_json(one, as_of, &plain))) * 1000.0;
    // Like the package: JSON text in, JSON text out (JSON.stringify and JSON.parse on the JS side).
    let batch_ms = median(9, || {
        let parsed: Vec<Json> = serde_json::from_str(&text).unwrap_or_default();
        let out = program.evaluate_batch_json(&parsed, as_of, &plain);
        drop(serde_json::to_string(&out));
    });
    let batch_explain_ms = median(5, || {
        let parsed: Vec<Json> = serde_json::from_str(&text).unwrap_or_default();
        let out = program.evaluate_batch_json(&parsed, as_of, &explain);
        drop(serde_json::to_string(&out));
    });
    println!(
        "{{\"households\": {}, \"compile_ms\": {compile_ms:.3}, \"evaluate_one_us\": {evaluate_us:.1}, \"batch_ms\": {batch_ms:.1}, \"batch_households_per_s\": {:.0}, \"batch_explain_ms\": {batch_explain_ms:.1}}}",
        units.len(),
        units.len() as f64 / (batch_ms / 1000.0)
    );
    Ok(())
}
