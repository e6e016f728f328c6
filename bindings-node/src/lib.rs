//! The native layer of Entitle's Node package (napi-rs).
//!
//! JavaScript users never call this module directly: `index.js` wraps it into the public API
//! (`compile`, `check`, `Program`, `CompileError`, `EvaluationError`) that `index.d.ts` types.
//! Each function here is a type conversion plus one call into `entitle-core`:
//!
//! - units cross the boundary as JSON text (`JSON.stringify` on the JS side) and are read by the
//!   core's JSON façade (`Program::evaluate_json`, `Program::evaluate_batch_json`), so Node gives
//!   the same decisions, byte for byte, as every other caller of the façade;
//! - large batches travel as several JSON arrays (chunks), so no single JS string approaches V8's
//!   string length limit and the async variant can hand results back without one long pause;
//! - diagnostics come back as plain objects, never as JSON inside a message.
//!
//! Every entry point runs inside [`guard`], which turns a panic into a JS error instead of
//! bringing the host process down.
#![deny(
    clippy::unwrap_used,      // a host process must never be brought down by a binding
    clippy::expect_used,      // same
    clippy::indexing_slicing, // same
)]

use entitle_core::explain::render::decision_text;
use entitle_core::json::{error_to_json, oversized_result, results_json_texts, JsonUnits};
use entitle_core::{Diagnostic, Diagnostics, EvalError, EvalOptions, Program, UnitError};
use entitle_dsl::locale::{self, Catalog};
use napi::bindgen_prelude::{AsyncTask, Either, Env, Error, Result, Status, Task};
use napi_derive::napi;
use serde_json::{json, Value as Json};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use units::{
    evaluate_chunks, read_units, result_text_limit, unit_of, write_error, write_result,
    RESULT_TEXT_LIMIT, RESULT_TEXT_MAX,
};

mod describe;
mod units;

/// Set by the test-only hook [`panic_on_next_call`]: the next guarded call panics on purpose.
static PANIC_NEXT: AtomicBool = AtomicBool::new(false);

/// Runs `f`, turning a panic into a `GenericFailure` error (index.js makes it an `EntitleError`
/// with code `INTERNAL`). The test-only hook panics here, inside the same guard every entry point
/// uses, so the test exercises the real path.
fn guard<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(|| {
        if PANIC_NEXT.swap(false, Ordering::SeqCst) {
            forced_panic();
        }
        f()
    })) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(Error::new(
                Status::GenericFailure,
                format!("internal error in the Entitle engine: {what}"),
            ))
        }
    }
}

#[allow(clippy::panic)] // the whole point of the test hook
fn forced_panic() {
    panic!("panic forced by the test-only hook __panicOnNextCall");
}

/// Unit data that is not JSON the façade can read (index.js makes it a `TypeError`).
fn invalid_arg(what: &str, e: &serde_json::Error) -> Error {
    Error::new(Status::InvalidArg, format!("{what}: {e}"))
}

fn internal(what: &str) -> Error {
    Error::new(
        Status::GenericFailure,
        format!("internal error in the Entitle binding: {what}"),
    )
}

fn catalog_of(locale: Option<&str>) -> &'static Catalog {
    match locale {
        Some(l) => locale::catalog(l),
        None => locale::english(),
    }
}

/// `EvalOptions` with only what the caller gave: `None` keeps the engine's default.
fn options(explain: Option<bool>, strict: Option<bool>) -> EvalOptions {
    let mut o = EvalOptions::default();
    if let Some(e) = explain {
        o.explain = e;
    }
    if let Some(s) = strict {
        o.strict = s;
    }
    o
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One diagnostic: a stable code, a severity, where it is, what is wrong and how to fix it.
#[napi(object)]
pub struct JsDiagnostic {
    /// Stable code such as `E0101` or `W0001`.
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// What is wrong (in the requested locale).
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub help: Option<String>,
    /// Line of the first character, from 1.
    pub line: u32,
    /// Column of the first character, from 1, in characters.
    pub column: u32,
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
}

impl From<&Diagnostic> for JsDiagnostic {
    fn from(d: &Diagnostic) -> Self {
        JsDiagnostic {
            code: d.code.to_string(),
            severity: d.severity.to_string(),
            message: d.message.clone(),
            help: d.help.clone(),
            line: d.span.line,
            column: d.span.column,
            start: to_u32(d.span.start),
            end: to_u32(d.span.end),
        }
    }
}

fn localized(d: &Diagnostics, locale: Option<&str>) -> Diagnostics {
    match locale {
        Some(l) => d.localized(locale::catalog(l)),
        None => d.clone(),
    }
}

fn js_diagnostics(d: &Diagnostics) -> Vec<JsDiagnostic> {
    d.0.iter().map(JsDiagnostic::from).collect()
}

/// Why a program did not compile.
#[napi(object)]
pub struct CompileFailure {
    /// Every diagnostic, errors and warnings, in source order.
    pub diagnostics: Vec<JsDiagnostic>,
    /// The error's message: the count, then the diagnostics rendered rustc-style, with the
    /// source line and a caret (as Python and WebAssembly give it).
    pub message: String,
}

/// The package version (the Rust crate's, as Python's `__version__` and WebAssembly's `version()`).
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The locales whose message catalogues are built in (`["en", "fr"]`), as Python's and
/// WebAssembly's `locales()`.
#[napi]
pub fn locales() -> Result<Vec<String>> {
    guard(|| {
        Ok(locale::available_locales()
            .into_iter()
            .map(String::from)
            .collect())
    })
}

/// Checks program text and returns every diagnostic (errors and warnings); never fails.
#[napi]
pub fn check(source: String, locale: Option<String>) -> Result<Vec<JsDiagnostic>> {
    guard(|| {
        Ok(js_diagnostics(&localized(
            &entitle_dsl::check(&source).diagnostics,
            locale.as_deref(),
        )))
    })
}

/// Compiles program text: the compiled program, or the diagnostics that stop it.
#[napi]
pub fn compile(
    source: String,
    locale: Option<String>,
    filename: Option<String>,
) -> Result<Either<NativeProgram, CompileFailure>> {
    guard(|| match Program::compile(&source) {
        Ok(program) => Ok(Either::A(NativeProgram { program, locale })),
        Err(d) => {
            let d = localized(&d, locale.as_deref());
            let message =
                d.compile_failure_message(&source, filename.as_deref().unwrap_or("<source>"));
            Ok(Either::B(CompileFailure {
                diagnostics: js_diagnostics(&d),
                message,
            }))
        }
    })
}

/// The engine's error result (`{"unit_id", "error"}` as JSON text) for a unit that index.js could
/// not send, because one of its values has no JSON form the engine could read (NaN, a Date, a Map
/// …): R0005 naming `field`, or R0010 when the unit itself (`field` absent) is the problem. The
/// shape and message come from the core, as for every other unit error.
#[napi(js_name = "unitFailure")]
pub fn unit_failure(unit_id: String, field: Option<String>, reason: String) -> Result<String> {
    guard(|| {
        let error = match field {
            Some(field) => EvalError::InvalidValue { field, reason },
            None => EvalError::InvalidUnit { reason },
        };
        serde_json::to_string(&error_to_json(&UnitError { unit_id, error }))
            .map_err(|_| internal("a unit error could not be written as JSON"))
    })
}

/// Test-only hook, not part of the public API: makes the next call into the native layer panic
/// inside its guard, so the tests can show a panic becomes a JS error and the process lives on.
#[napi(js_name = "__panicOnNextCall")]
pub fn panic_on_next_call() {
    PANIC_NEXT.store(true, Ordering::SeqCst);
}

/// Test-only hook, not part of the public API: the longest result text, in bytes, handed back as
/// one string (absent: the real limit), so that tests can reach it with small batches.
#[napi(js_name = "__setResultTextLimit")]
pub fn set_result_text_limit(bytes: Option<u32>) {
    let limit = bytes.map_or(RESULT_TEXT_MAX, |b| b as usize);
    RESULT_TEXT_LIMIT.store(limit, Ordering::Relaxed);
}

/// The outcome of one program test.
#[napi(object)]
pub struct JsTestOutcome {
    /// The test's name.
    pub name: String,
    /// Line of the `test` line.
    pub line: u32,
    /// True when every expectation held.
    pub passed: bool,
    /// One sentence per expectation that did not hold.
    pub failures: Vec<String>,
}

/// The text of an explanation, or the unit's error (JSON in the core's error shape).
#[napi(object)]
pub struct ExplainOutcome {
    /// The decision as text, when the unit could be evaluated.
    pub text: Option<String>,
    /// `{"unit_id", "error": {"code", "message", …}}` as JSON text, when it could not.
    pub failure: Option<String>,
}

/// A compiled program (wrapped by the `Program` class of index.js).
#[napi]
pub struct NativeProgram {
    program: Program,
    locale: Option<String>,
}

#[napi]
impl NativeProgram {
    /// Identifier, title, version, hash, target, currency, inputs, parameters, rules and items
    /// (each with the `line` it is written on), the units of measure of the in-kind items, the
    /// translations and the names a unit may carry, as JSON text (read once by index.js). The
    /// same description as Python's `Program` and WebAssembly's.
    #[napi]
    pub fn metadata(&self) -> Result<String> {
        guard(|| {
            serde_json::to_string(&describe::metadata(&self.program))
                .map_err(|_| internal("the program's description could not be written as JSON"))
        })
    }

    /// Warnings found while compiling.
    #[napi]
    pub fn warnings(&self) -> Result<Vec<JsDiagnostic>> {
        guard(|| {
            Ok(js_diagnostics(&localized(
                self.program.warnings(),
                self.locale.as_deref(),
            )))
        })
    }

    /// Evaluates one unit (JSON text) at an ISO as-of date: the decision or the unit's error, as
    /// JSON text in the core's result shape. `strict`: a key the program does not declare fails
    /// the unit (R0011).
    #[napi]
    pub fn evaluate(
        &self,
        unit: String,
        as_of: String,
        explain: Option<bool>,
        strict: Option<bool>,
    ) -> Result<String> {
        guard(|| {
            let unit = match unit_of(&unit)? {
                Ok(unit) => unit,
                Err(record) => return write_result(&record),
            };
            let options = options(explain, strict);
            let text = self.program.evaluate_json_text(&unit, &as_of, &options);
            if text.len() <= result_text_limit() {
                return Ok(text);
            }
            // Too long for a JS string: the unit's R0010 (read back for its id; rare).
            let result: Json = serde_json::from_str(&text).map_err(|_| write_error())?;
            write_result(&result)
        })
    }

    /// Evaluates units given as JSON arrays (chunks, in order): one result per unit, in order,
    /// as JSON arrays of at most 2,048 results each.
    #[napi(js_name = "evaluateBatch")]
    pub fn evaluate_batch(
        &self,
        units: Vec<String>,
        as_of: String,
        explain: Option<bool>,
        strict: Option<bool>,
    ) -> Result<Vec<String>> {
        guard(|| evaluate_chunks(&self.program, &units, &as_of, &options(explain, strict)))
    }

    /// As `evaluateBatch`, on libuv's thread pool: the event loop keeps running meanwhile.
    #[napi(js_name = "evaluateBatchAsync", ts_return_type = "Promise<string[]>")]
    pub fn evaluate_batch_async(
        &self,
        units: Vec<String>,
        as_of: String,
        explain: Option<bool>,
        strict: Option<bool>,
    ) -> Result<AsyncTask<BatchTask>> {
        guard(|| {
            Ok(AsyncTask::new(BatchTask {
                program: self.program.clone(),
                units,
                as_of,
                options: options(explain, strict),
            }))
        })
    }

    /// Runs the run model over units given as JSON arrays (chunks, in order) at an ISO as-of date,
    /// with the cycle's options as JSON text (`null` when absent; see the core's
    /// `run_model::json`). The run as texts: first the run, `{"units", "totals", …}` with `units`
    /// null, or `{"error": …}`; then its units as JSON arrays, in order, each short enough for one
    /// JS string (a run of a million units is longer than V8's longest string, which failed the
    /// whole call). The wrapper puts the units back in their place.
    #[napi(js_name = "runCycle")]
    pub fn run_cycle(
        &self,
        units: Vec<String>,
        as_of: String,
        cycle: Option<String>,
    ) -> Result<Vec<String>> {
        guard(|| {
            let JsonUnits { units, unreadable } = read_units(&units)?;
            // A run is carried out for the whole cycle or not at all (as index.js refuses it).
            if let Some((i, record)) = unreadable.first() {
                let why = record.pointer("/error/message").and_then(Json::as_str);
                return Err(Error::new(
                    Status::InvalidArg,
                    format!("units[{i}]: {}", why.unwrap_or("the unit cannot be read")),
                ));
            }
            let options: Json = match cycle {
                Some(c) => serde_json::from_str(&c)
                    .map_err(|e| invalid_arg("the cycle options are not valid JSON", &e))?,
                None => Json::Null,
            };
            let mut run = self.program.run_cycle_json(&units, &as_of, &options);
            // `take` leaves null where the units were, so the run keeps its keys' order.
            let run_units = run.get_mut("units").map(Json::take);
            let head = serde_json::to_string(&run)
                .map_err(|_| internal("a run could not be written as JSON"))?;
            let mut texts = vec![head];
            if let Some(Json::Array(run_units)) = run_units {
                texts.extend(results_json_texts(&run_units, result_text_limit()));
            }
            Ok(texts)
        })
    }

    /// Evaluates one unit with an explanation and renders it as text in `locale` (English when
    /// absent or unknown, including the program's own translations). `strict` as for `evaluate`.
    #[napi]
    pub fn explain(
        &self,
        unit: String,
        as_of: String,
        locale: Option<String>,
        strict: Option<bool>,
    ) -> Result<ExplainOutcome> {
        guard(|| {
            let unit = match unit_of(&unit)? {
                Ok(unit) => unit,
                Err(record) => {
                    return Ok(ExplainOutcome {
                        text: None,
                        failure: Some(write_result(&record)?),
                    })
                }
            };
            let opts = options(Some(true), strict);
            // The façade reports a bad unit or date in the one error shape, in the explanation's
            // language (as WebAssembly's explain); only a unit it accepts is evaluated again on
            // the typed path, which the text renderer needs.
            let result =
                self.program
                    .evaluate_json_in(&unit, &as_of, &opts, catalog_of(locale.as_deref()));
            if result.get("error").is_some() {
                let failure = serde_json::to_string(&result)
                    .map_err(|_| internal("a result could not be written as JSON"))?;
                return Ok(ExplainOutcome {
                    text: None,
                    failure: Some(failure),
                });
            }
            let typed = self
                .program
                .read_json_unit(&unit, &opts)
                .map_err(|_| internal("the unit was accepted, then refused"))?;
            let date = entitle_core::parse::parse_date(as_of.trim())
                .ok_or_else(|| internal("the date was accepted, then refused"))?;
            let decision = self
                .program
                .evaluate_with(&typed, date, &opts)
                .map_err(|_| internal("the unit evaluated, then failed"))?;
            let locale = locale
                .as_deref()
                .unwrap_or_else(|| locale::english().locale());
            let text = decision_text(&self.program, &decision, locale);
            if text.len() > result_text_limit() {
                let failure =
                    oversized_result(&json!({"unit_id": decision.unit_id}), result_text_limit());
                let failure = serde_json::to_string(&failure).map_err(|_| write_error())?;
                return Ok(ExplainOutcome {
                    text: None,
                    failure: Some(failure),
                });
            }
            Ok(ExplainOutcome {
                text: Some(text),
                failure: None,
            })
        })
    }

    /// Runs the tests written inside the program, with failures in `locale`, else in the locale
    /// the program was compiled with, else in English (as Python's `run_tests` and
    /// WebAssembly's `runTests`).
    #[napi(js_name = "runTests")]
    pub fn run_tests(&self, locale: Option<String>) -> Result<Vec<JsTestOutcome>> {
        guard(|| {
            let locale = locale.as_deref().or(self.locale.as_deref());
            Ok(self
                .program
                .run_tests_localized(catalog_of(locale))
                .into_iter()
                .map(|t| JsTestOutcome {
                    name: t.name,
                    line: t.line,
                    passed: t.passed,
                    failures: t.failures,
                })
                .collect())
        })
    }
}

/// A batch evaluated on libuv's thread pool (the core runs it in parallel with rayon).
pub struct BatchTask {
    program: Program,
    units: Vec<String>,
    as_of: String,
    options: EvalOptions,
}

impl Task for BatchTask {
    type Output = Vec<String>;
    type JsValue = Vec<String>;

    fn compute(&mut self) -> Result<Self::Output> {
        guard(|| evaluate_chunks(&self.program, &self.units, &self.as_of, &self.options))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output)
    }
}
