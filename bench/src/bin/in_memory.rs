//! The child grant over 100,000 generated households already bound into a batch, on one core,
//! `R` times: the criterion line "entitle columnar, 1 core" (or the floor, or the interpreter),
//! as a program valgrind can count the instructions of. `scripts/instructions.sh plan` runs it.
//!
//! `in_memory [plan|interpreter|floor] [R]`

use chrono::NaiveDate;
use entitle_bench::{batch, floor, households, FloorColumns};
use entitle_core::{EvalOptions, Program, UnitStatus};
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CHILD_GRANT: &str = include_str!("../../../examples/programs/child_grant.entitle");

fn main() {
    // As `entitle` and the criterion benchmarks run (cli/src/main.rs): without transparent huge
    // pages, whose zeroing on first touch is not the engine's work.
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_thp_disable(true);
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "plan".into());
    let rounds: usize = match args.next().map(|a| a.parse()) {
        None => 10,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("in_memory: R must be a count ({e})");
            std::process::exit(2);
        }
    };
    let program = Program::compile(CHILD_GRANT).unwrap_or_else(|d| panic!("{d}"));
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
    let hh = households(100_000, 42);
    let b = batch(&program, &hh);
    let cols = FloorColumns::new(&hh);
    let mut out = Vec::new();
    let one_core = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let options = EvalOptions::default();
    let start = Instant::now();
    let mut eligible = 0usize;
    for _ in 0..rounds {
        eligible += match mode.as_str() {
            "plan" | "interpreter" => one_core.install(|| {
                let r = if mode == "plan" {
                    program.run(std::hint::black_box(&b), as_of, &options)
                } else {
                    program.interpret(std::hint::black_box(&b), as_of, &options)
                };
                (0..r.len())
                    .filter(|i| r.status(*i) == UnitStatus::Eligible)
                    .count()
            }),
            "floor" => {
                floor(std::hint::black_box(&cols), as_of, &mut out);
                out.iter().filter(|r| r.eligible).count()
            }
            other => {
                eprintln!("in_memory: no mode {other} (plan, interpreter, floor)");
                std::process::exit(2);
            }
        };
    }
    let per_round = start.elapsed().as_micros() / u128::try_from(rounds.max(1)).unwrap_or(1);
    println!(
        "{mode}: {rounds} rounds of 100,000 households, {} eligible a round, {per_round} µs a round (wall time, not the measure)",
        eligible / rounds.max(1)
    );
}
