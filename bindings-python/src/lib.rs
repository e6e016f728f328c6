//! The Python binding of Entitle: the extension module `entitle._native`, re-exported by the
//! package `entitle` (`python/entitle/__init__.py`).
//!
//! Thin by design: each function converts Python objects to the engine's types, makes one call
//! into `entitle-core` (or `entitle-payments`), and converts the result back. Defaults, result
//! shapes and error codes all live in the engine. Every entry point runs under
//! [`errors::guard`], so a Rust panic becomes `entitle.EntitleError` (code `internal`) instead of
//! reaching the host process.
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used, // a failure is a Python exception, never an abort
    clippy::expect_used, // same
)]

/// Rust allocations of the extension (bound batches, records) go through mimalloc; Python's own
/// objects are unaffected.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod binder;
mod convert;
mod errors;
mod meta;
mod parts;
mod pay;
mod program;
mod results;

use entitle_core::Program;
use errors::guard;
use meta::PyDiagnostic;
use program::PyProgram;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// Compiles program text into a `Program`.
///
/// A lone surrogate in the text (half of a UTF-16 pair, which UTF-8 cannot hold) is read as
/// U+FFFD, as the Node and WebAssembly bindings receive it, so every language compiles the same
/// text (and gives it the same hash). Raises `entitle.CompileError` (a `ValueError`) carrying
/// every diagnostic when the text has errors; its message is the diagnostics rendered with their
/// source lines and carets, under `filename` (`<source>` when absent), as Node's and
/// WebAssembly's. Warnings alone do not stop compilation (see `Program.warnings`). With `locale`
/// (`"fr"` …), diagnostic messages are in that language, and so are the program's warnings and
/// the failures of its own tests (`Program.run_tests`), as in Node and WebAssembly.
#[pyfunction]
#[pyo3(signature = (source, *, locale = None, filename = None))]
fn compile(
    py: Python<'_>,
    source: &Bound<'_, PyString>,
    locale: Option<&str>,
    filename: Option<&str>,
) -> PyResult<PyProgram> {
    let source = convert::lossy(source);
    let source = source.as_str();
    guard(py, || match py.detach(|| Program::compile(source)) {
        Ok(inner) => Ok(PyProgram {
            inner,
            source: source.to_string(),
            locale: locale.map(str::to_string),
        }),
        Err(diagnostics) => {
            let diagnostics = match locale {
                Some(l) => diagnostics.localized(entitle_core::dsl::locale::catalog(l)),
                None => diagnostics,
            };
            Err(errors::compile_error(py, &diagnostics, source, filename))
        }
    })
}

/// Checks program text and returns every diagnostic, errors and warnings, in source order. Never
/// raises for bad program text (a lone surrogate is read as U+FFFD, as in `compile`). With `locale` (`"fr"` …), messages are in that language.
#[pyfunction]
#[pyo3(signature = (source, *, locale = None))]
fn check(
    py: Python<'_>,
    source: &Bound<'_, PyString>,
    locale: Option<&str>,
) -> PyResult<Vec<PyDiagnostic>> {
    let source = convert::lossy(source);
    let source = source.as_str();
    guard(py, || {
        let diagnostics = py.detach(|| entitle_core::dsl::check(source).diagnostics);
        let diagnostics = match locale {
            Some(l) => diagnostics.localized(entitle_core::dsl::locale::catalog(l)),
            None => diagnostics,
        };
        Ok(diagnostics.into_iter().map(PyDiagnostic::from).collect())
    })
}

/// The locales whose messages are built in (`["en", "fr"]` …).
#[pyfunction]
fn locales(py: Python<'_>) -> PyResult<Vec<&'static str>> {
    guard(py, || Ok(entitle_core::dsl::locale::available_locales()))
}

/// FOR TESTS ONLY, not part of the API: panics inside the binding so the test suite can check that
/// a panic becomes `entitle.EntitleError` (code `internal`) instead of crashing Python. `where_`
/// is `"here"` (on the calling thread, holding the GIL) or `"detached"` (on a worker thread of the
/// parallel evaluator, with the GIL released, as a batch runs).
#[pyfunction]
fn _panic_for_tests(py: Python<'_>, where_: &str) -> PyResult<()> {
    guard(py, || {
        if where_ == "detached" {
            py.detach(|| {
                use rayon::prelude::*;
                (0..4).into_par_iter().for_each(|i| {
                    if i == 3 {
                        std::panic::panic_any(format!("forced panic for tests ({where_})"));
                    }
                })
            });
        }
        std::panic::panic_any(format!("forced panic for tests ({where_})"))
    })
}

/// Entitle: a rules engine for social-protection programs. Compile a program once with
/// `compile(source)`, then evaluate households or individuals with `Program.evaluate` and
/// `Program.evaluate_batch`.
#[pymodule]
mod _native {
    #[pymodule_export]
    use super::{_panic_for_tests, check, compile, locales};
    #[pymodule_export]
    use crate::meta::{PyDiagnostic, PyInput, PyItem, PyParam, PyRule, PyTestOutcome};
    #[pymodule_export]
    use crate::parts::{PyCashTotals, PyItemResult, PyRuleOutcome};
    #[pymodule_export]
    use crate::pay::pay;
    #[pymodule_export]
    use crate::program::PyProgram;
    #[pymodule_export]
    use crate::results::{PyDecision, PyResults, PyResultsIterator, PyUnitError};

    use pyo3::prelude::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
