//! Entitle's Python exceptions, raised from Rust.
//!
//! The classes are defined in Python (`python/entitle/_errors.py`: `EntitleError(ValueError)` and
//! its subclasses), so that they are ordinary exception classes with documented attributes that
//! pickle and type-check like any other. Rust builds instances of them with a human message, the
//! stable `code`, the `diagnostics` and, for a unit's error, the engine's error object as `details`;
//! a message never carries JSON.

use crate::convert::json_to_py;
use crate::meta::PyDiagnostic;
use entitle_core::json::error_to_json_in;
use entitle_core::{Diagnostics, UnitError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyType};

/// The code of an [`internal`] error: Entitle itself failed (a bug), not the program or the data.
pub(crate) const INTERNAL: &str = "internal";

static ENTITLE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static COMPILE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static EVALUATION_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static PAYMENT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static RUN_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn raise(
    py: Python<'_>,
    class: &PyOnceLock<Py<PyType>>,
    name: &str,
    message: String,
    code: &str,
    kwargs: impl FnOnce(&Bound<'_, PyDict>) -> PyResult<()>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = class.import(py, "entitle._errors", name)?;
        let kw = PyDict::new(py);
        kw.set_item("code", code)?;
        kwargs(&kw)?;
        Ok(PyErr::from_value(cls.call((message,), Some(&kw))?))
    };
    // If the class itself cannot be built (the package is broken), the import error is raised.
    build().unwrap_or_else(|e| e)
}

/// The file name shown in rendered diagnostics when the caller gives none (as in Node and
/// WebAssembly).
const NO_FILE_NAME: &str = "<source>";

/// `entitle.CompileError` with every diagnostic; its `code` is the first error's. The message is
/// the one Node and WebAssembly give: the count, then every diagnostic rendered with its source
/// line and caret under `filename`.
pub(crate) fn compile_error(
    py: Python<'_>,
    diagnostics: &Diagnostics,
    source: &str,
    filename: Option<&str>,
) -> PyErr {
    let code = diagnostics.errors().next().map_or(INTERNAL, |d| d.code);
    let message = diagnostics.compile_failure_message(source, filename.unwrap_or(NO_FILE_NAME));
    raise(py, &COMPILE_ERROR, "CompileError", message, code, |kw| {
        let list = PyList::empty(py);
        for d in &diagnostics.0 {
            list.append(PyDiagnostic::from(d.clone()))?;
        }
        kw.set_item("diagnostics", list)
    })
}

/// `entitle.EvaluationError` for a unit that could not be evaluated. Its `details` is the `error`
/// of the engine's `{"unit_id", "error"}` record, the object Node and WebAssembly give as
/// `e.details` and a batch's `UnitError.to_dict()` holds: taken from the core, not rebuilt here.
pub(crate) fn evaluation_error(py: Python<'_>, e: &UnitError) -> PyErr {
    evaluation_error_in(py, e, entitle_core::dsl::locale::english())
}

/// [`evaluation_error`] with its message (and the `message` of `details`) in the catalogue's
/// language, as `Program.explain` reports a unit's error in the explanation's language (as
/// Node's and WebAssembly's `explain` do).
pub(crate) fn evaluation_error_in(
    py: Python<'_>,
    e: &UnitError,
    catalog: &entitle_core::dsl::locale::Catalog,
) -> PyErr {
    let message = format!(
        "{}{}",
        entitle_core::result::unit_prefix(&e.unit_id),
        e.error.message(catalog)
    );
    raise(
        py,
        &EVALUATION_ERROR,
        "EvaluationError",
        message,
        e.code(),
        |kw| {
            kw.set_item("unit_id", &e.unit_id)?;
            match error_to_json_in(e, catalog).get("error") {
                Some(details) => kw.set_item("details", json_to_py(py, details)?),
                // Not reached (the record always has its error); the class then says code and message.
                None => Ok(()),
            }
        },
    )
}

/// `entitle.EvaluationError` for a call that is wrong as a whole (units that are not JSON …). No
/// engine error object exists for it: `details` is `{"code", "message"}`, the class's default.
pub(crate) fn call_error(py: Python<'_>, code: &str, message: String) -> PyErr {
    raise(
        py,
        &EVALUATION_ERROR,
        "EvaluationError",
        message,
        code,
        |_| Ok(()),
    )
}

/// `entitle.PaymentError` from the payment adapters. `PaymentError` has no serialized form (its
/// variants hold paths and I/O errors), so `details` is `{"code", "message"}`, the class's default.
pub(crate) fn payment_error(py: Python<'_>, e: &entitle_payments::PaymentError) -> PyErr {
    raise(
        py,
        &PAYMENT_ERROR,
        "PaymentError",
        e.to_string(),
        e.code(),
        |_| Ok(()),
    )
}

/// `entitle.RunError` for a run of the run model that cannot be carried out as a whole: `error`
/// is the engine's error object (`{"code": "R0102", "message": …, "option": …}`), the one Node's
/// and WebAssembly's `RunError` carry as `details`.
pub(crate) fn run_error(py: Python<'_>, error: &serde_json::Value) -> PyErr {
    let text = |key: &str| error.get(key).and_then(serde_json::Value::as_str);
    raise(
        py,
        &RUN_ERROR,
        "RunError",
        text("message")
            .unwrap_or("the run cannot be carried out")
            .to_string(),
        text("code").unwrap_or(INTERNAL),
        |kw| kw.set_item("details", json_to_py(py, error)?),
    )
}

/// `entitle.EntitleError` with code `internal`, for a panic caught at the boundary.
pub(crate) fn internal(py: Python<'_>, payload: &(dyn std::any::Any + Send)) -> PyErr {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    let message = format!("internal error in Entitle (please report it): {what}");
    raise(
        py,
        &ENTITLE_ERROR,
        "EntitleError",
        message,
        INTERNAL,
        |_| Ok(()),
    )
}

/// Runs `f`, turning a Rust panic into `entitle.EntitleError` (code `internal`) instead of letting
/// it cross into the host. Every entry point of the module goes through here.
pub(crate) fn guard<'py, T>(py: Python<'py>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(internal(py, payload.as_ref())),
    }
}
