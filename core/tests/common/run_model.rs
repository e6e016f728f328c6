//! Helpers shared by the run-model test files (`run_model.rs`, `run_model_states.rs`,
//! `run_model_summary.rs`): dates, exact decimals and compiling a program that must compile.

use chrono::NaiveDate;
use entitle_core::Program;
use rust_decimal::Decimal;

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

pub fn compile(src: &str) -> Program {
    Program::compile(src).unwrap_or_else(|d| panic!("{}", d.render_with_source(src, "test")))
}
