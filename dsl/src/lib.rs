//! The Entitle program language: grammar, parser, syntax tree, diagnostics, formatter and static
//! checks.
//!
//! A program file (`.entitle`) says what a social-protection program reads, its parameters, who is
//! eligible and what each beneficiary receives, with tests beside the rules. This crate turns the
//! text into a checked program; `entitle-core` evaluates it.
//!
//! ```
//! let source = r#"
//! program pension "Old-age pension" version "1"
//!   target individual
//!   currency KES
//!
//! inputs
//!   person.birthdate: date
//!
//! params
//!   amount: money = KES 2000
//!
//! eligible when
//!   old "Aged 70 or more" age(birthdate) >= 70
//!
//! entitlement
//!   cash monthly "Monthly pension" amount
//!
//! test "A 75-year-old" as of 2026-01-01
//!   person birthdate 1950-06-01
//!   expect eligible, cash KES 2000
//! "#;
//! let checked = entitle_dsl::check(source);
//! assert!(!checked.diagnostics.has_errors(), "{}", checked.diagnostics);
//! let program = checked.program.expect("compiles");
//! assert_eq!(program.rules[0].id, "old");
//!
//! let bad = entitle_dsl::check(&source.replace("age(birthdate)", "age(birthdat)"));
//! let error = bad.diagnostics.errors().next().expect("an error");
//! assert_eq!(error.code, "E0101");
//! assert_eq!((error.span.line, error.span.column), (13, 29));
//! assert_eq!(error.help.as_deref(), Some("did you mean `birthdate`?"));
//! ```
#![forbid(unsafe_code)]
#![deny(
    clippy::panic,       // a host process must never be brought down by program text
    clippy::unwrap_used, // shape assumptions go through diagnostics instead
    clippy::expect_used, // same
    clippy::indexing_slicing, // use get(), so a wrong assumption is an error, not a panic
    missing_docs,        // the public API is what binding users read
)]

pub mod ast;
pub mod check;
pub mod codes;
pub mod currency;
pub mod diagnostic;
pub mod format;
pub mod ir;
mod layout;
pub mod limits;
pub mod locale;
mod parser;
pub mod run;
pub mod sorting;
pub mod span;
pub mod text;
pub mod types;
pub mod value;

pub use check::{check, check_with_limits, Checked};
pub use currency::Currency;
pub use diagnostic::{Diagnostic, Diagnostics};
pub use format::format;
pub use limits::Limits;
pub use parser::{parse, parse_with_limits, Parsed};
pub use span::Span;
pub use types::Type;
pub use value::{Money, Quantity, Value};
