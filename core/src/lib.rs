//! Entitle's engine: values, units, compilation and evaluation of programs, explanations.
//!
//! ```
//! use entitle_core::{Program, Unit, Outcome};
//! let program = Program::compile(r#"
//! program pension "Old-age pension" version "1"
//!   target individual
//!   currency KES
//! inputs
//!   person.birthdate: date
//! eligible when
//!   old "Aged 70 or more" age(birthdate) >= 70
//! entitlement
//!   cash monthly "Monthly pension" KES 2000
//! test "75" as of 2026-01-01
//!   person birthdate 1950-06-01
//!   expect eligible, cash KES 2000
//! "#).expect("compiles");
//! let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
//! let d = program.evaluate(&Unit::new("P1").with("birthdate", "1950-06-01"), as_of).unwrap();
//! assert_eq!(d.outcome, Outcome::Eligible);
//! ```
#![forbid(unsafe_code)]
#![deny(
    clippy::panic,            // a host process must never be brought down by data or program text
    clippy::unwrap_used,      // errors become EvalError / UnitError instead
    clippy::expect_used,      // same
    clippy::indexing_slicing, // use get(): a wrong index is an error, not a panic
    missing_docs,             // the public API is what binding users read
)]

pub mod batch;
mod columnar;
pub mod error;
mod eval;
pub mod explain;
pub mod json;
pub mod model;
mod name;
mod one;
pub mod parse;
mod program;
pub mod result;
pub mod run_model;
pub mod sql;
mod testing;
mod texts;

pub use batch::{Batch, BatchBuilder, Column, Layout, Scalar, Shape};
pub use entitle_dsl::{
    self as dsl, Currency, Diagnostic, Diagnostics, Money, Quantity, Type, Value,
};
pub use error::EvalError;
pub use eval::results::{BatchResult, UnitStatus};
pub use eval::EvalOptions;
pub use explain::Explanation;
pub use model::{Member, Unit};
pub use name::Name;
pub use program::{content_hash, CompileOptions, EvalLimits, Program};
pub use result::{
    CashTotals, ComplianceOutcome, Decision, ItemResult, Outcome, PriorityOutcome, ProgramRef,
    QuantityTotal, RuleOutcome, Truth, UnitError,
};
pub use result::{ComponentResult, ScoreResult};
pub use testing::TestOutcome;
pub use texts::{iso_date, plain_ends, same_text};
