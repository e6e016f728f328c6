//! Entitle for browsers and bundlers: the engine compiled to WebAssembly with wasm-bindgen.
//!
//! This crate is the Rust half of the `entitle-wasm` package. `js/entitle.js` is the JS half (error
//! classes, recovery after an internal error) and `js/entitle.d.ts` holds the types users read.
//! Every export converts JS values into the engine's JSON boundary format (`entitle_core::json`),
//! makes one call into `entitle-core`, and converts the result back. Units and decisions cross the
//! boundary as JSON text, stringified and parsed by the JS engine, so amounts stay exact decimal
//! strings and the decision objects are the engine's one result shape, byte for byte.
//!
//! ```js
//! import init, { compile } from "entitle-wasm";
//! await init();
//! const program = compile(source);
//! const decision = program.evaluate({ id: "H1", region: "North", members: [] }, "2026-03-01");
//! ```
//!
//! Errors become JS `Error`s with `name`, `code` and `diagnostics` (never JSON inside a message).
//! Panics: core has none (denied by lint) and every export runs under `catch_unwind`. On
//! `wasm32-unknown-unknown` a panic aborts instead of unwinding (a WebAssembly trap), so the panic hook
//! installed at start-up records the message, and the JS wrapper turns the trap into an `EntitleError`
//! with code `INTERNAL` and re-instantiates the module so the page keeps working.
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used, // a failed conversion is an error for the caller, never a trap
    clippy::expect_used, // same
    missing_docs,        // the doc comments are what JS users read in the .d.ts
)]

use entitle_core::explain::render::decision_text;
use entitle_core::json::{error_to_json, unit_from_json};
use entitle_core::parse::parse_date;
use entitle_core::{Diagnostic, Diagnostics, EvalOptions, Program};
use entitle_dsl::locale;
use serde_json::{json, Value as Json};
use std::sync::Mutex;
use wasm_bindgen::prelude::*;

/// Why a call failed, before it becomes a JS error.
#[derive(Debug)]
enum Failure {
    /// The program text has errors: a `CompileError`.
    Compile {
        /// The code of the first error.
        code: &'static str,
        /// The diagnostics rendered with their source lines.
        message: String,
        /// Every diagnostic (errors and warnings).
        diagnostics: Vec<Diagnostic>,
    },
    /// The unit could not be evaluated: an `EvaluationError` carrying the engine's error JSON,
    /// `{"unit_id": …, "error": {"code": "R0001", "message": …}}`.
    Evaluation(Json),
    /// A run could not be carried out as a whole: a `RunError` carrying the engine's
    /// `{"error": {"code": "R0101", "message": …}}`.
    Run(Json),
    /// An argument of the wrong JS type: a `TypeError`.
    Argument(String),
    /// A bug (a panic caught where unwinding exists): an `EntitleError` with code `INTERNAL`.
    Internal(String),
}

/// Runs an export's body, turning a panic into [`Failure::Internal`]. (Where panics abort, as on
/// `wasm32-unknown-unknown`, the JS wrapper handles the trap instead.)
fn guard<T>(body: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(payload) => {
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic with no message".into());
            Err(Failure::Internal(text))
        }
    }
}

/// A diagnostic as the flat JS object of the `.d.ts`.
fn diagnostic_json(d: &Diagnostic) -> Json {
    let mut out = json!({
        "code": d.code,
        "severity": d.severity,
        "message": d.message,
        "line": d.span.line,
        "column": d.span.column,
        "start": d.span.start,
        "end": d.span.end,
    });
    if let (Some(help), Some(o)) = (&d.help, out.as_object_mut()) {
        o.insert("help".into(), Json::String(help.clone()));
    }
    out
}

fn localized(diagnostics: Diagnostics, locale: Option<&str>) -> Diagnostics {
    match locale {
        Some(l) => diagnostics.localized(locale::catalog(l)),
        None => diagnostics,
    }
}

fn diagnostics_json(diagnostics: &Diagnostics) -> Json {
    Json::Array(diagnostics.0.iter().map(diagnostic_json).collect())
}

fn eval_options(explain: Option<bool>) -> EvalOptions {
    let mut options = EvalOptions::default();
    if let Some(x) = explain {
        options.explain = x;
    }
    options
}

/// The façade gives either a decision or `{"unit_id", "error"}`; the latter becomes an exception.
fn decision_or_failure(result: Json) -> Result<Json, Failure> {
    if result.get("decision").is_none() && result.get("error").is_some() {
        Err(Failure::Evaluation(result))
    } else {
        Ok(result)
    }
}

/// The file name shown in rendered diagnostics when the caller gives none (as in the Node binding).
const NO_FILE_NAME: &str = "<source>";

fn compile_source(
    source: &str,
    locale: Option<&str>,
    filename: Option<&str>,
) -> Result<Program, Failure> {
    Program::compile(source).map_err(|diagnostics| {
        let diagnostics = localized(diagnostics, locale);
        let count = diagnostics.errors().count();
        let code = diagnostics.errors().next().map_or("E0001", |d| d.code);
        let rendered = diagnostics.render_with_source(source, filename.unwrap_or(NO_FILE_NAME));
        let noun = if count == 1 { "error" } else { "errors" };
        Failure::Compile {
            code,
            message: format!("the program does not compile ({count} {noun})\n{rendered}"),
            diagnostics: diagnostics.0,
        }
    })
}

fn explain_text(
    program: &Program,
    unit: &Json,
    as_of: &str,
    locale: Option<&str>,
) -> Result<String, Failure> {
    let options = eval_options(Some(true));
    let (Some(date), Ok(typed)) = (parse_date(as_of.trim()), unit_from_json(unit)) else {
        // A malformed date or unit: the façade says what is wrong, in the one error shape.
        return Err(Failure::Evaluation(
            program.evaluate_json(unit, as_of, &options),
        ));
    };
    let locale = locale.unwrap_or_else(|| locale::english().locale());
    match program.evaluate_with(&typed, date, &options) {
        Ok(decision) => Ok(decision_text(program, &decision, locale)),
        Err(e) => {
            let mut error = error_to_json(&e);
            if let Some(detail) = error.get_mut("error").and_then(Json::as_object_mut) {
                detail.insert(
                    "message".into(),
                    Json::String(e.error.message(locale::catalog(locale))),
                );
            }
            Err(Failure::Evaluation(error))
        }
    }
}

fn rules_json(program: &Program) -> Json {
    Json::Array(
        program
            .rules()
            .iter()
            .map(|r| json!({"id": r.id, "kind": r.kind, "sentence": r.sentence}))
            .collect(),
    )
}

fn items_json(program: &Program) -> Json {
    Json::Array(
        program
            .items()
            .iter()
            .map(|i| json!({"id": i.id, "kind": i.kind, "sentence": i.sentence, "unit": i.unit}))
            .collect(),
    )
}

// ---- the JS side of the boundary ----------------------------------------------------------------

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property of a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

fn to_js(value: &Json) -> JsValue {
    // serde_json always writes valid JSON, so the parse cannot fail.
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

fn js_error(name: &str, code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(name);
    let value: JsValue = error.into();
    set(&value, "code", &JsValue::from_str(code));
    value
}

impl From<Failure> for JsValue {
    fn from(failure: Failure) -> JsValue {
        match failure {
            Failure::Compile {
                code,
                message,
                diagnostics,
            } => {
                let e = js_error("CompileError", code, &message);
                set(
                    &e,
                    "diagnostics",
                    &to_js(&Json::Array(
                        diagnostics.iter().map(diagnostic_json).collect(),
                    )),
                );
                e
            }
            Failure::Evaluation(result) => {
                let code = result
                    .pointer("/error/code")
                    .and_then(Json::as_str)
                    .unwrap_or("R0010");
                let unit_id = result.get("unit_id").and_then(Json::as_str).unwrap_or("");
                let text = result
                    .pointer("/error/message")
                    .and_then(Json::as_str)
                    .unwrap_or(code);
                let e = js_error("EvaluationError", code, &format!("unit {unit_id}: {text}"));
                set(&e, "diagnostics", &js_sys::Array::new());
                set(&e, "unitId", &JsValue::from_str(unit_id));
                set(
                    &e,
                    "details",
                    &result.get("error").map_or(JsValue::NULL, to_js),
                );
                set(&e, "result", &to_js(&result));
                e
            }
            Failure::Run(result) => {
                let code = result
                    .pointer("/error/code")
                    .and_then(Json::as_str)
                    .unwrap_or("");
                let text = result
                    .pointer("/error/message")
                    .and_then(Json::as_str)
                    .unwrap_or(code);
                let e = js_error("RunError", code, text);
                set(&e, "diagnostics", &js_sys::Array::new());
                set(
                    &e,
                    "details",
                    &result.get("error").map_or(JsValue::NULL, to_js),
                );
                set(&e, "result", &to_js(&result));
                e
            }
            Failure::Argument(message) => {
                let e: JsValue = js_sys::TypeError::new(&message).into();
                set(&e, "code", &JsValue::from_str("ERR_INVALID_ARG_VALUE"));
                e
            }
            Failure::Internal(message) => {
                let e = js_error(
                    "EntitleError",
                    "INTERNAL",
                    &format!("internal error in the Entitle engine (a bug): {message}"),
                );
                set(&e, "diagnostics", &js_sys::Array::new());
                e
            }
        }
    }
}

/// Unit data arrives as JSON text (the JS wrapper stringifies objects); serde_json reads numbers
/// exactly as written.
fn json_arg(text: &str, what: &str) -> Result<Json, Failure> {
    serde_json::from_str(text)
        .map_err(|e| Failure::Argument(format!("entitle: {what} is not valid JSON: {e}")))
}

fn run<T>(body: impl FnOnce() -> Result<T, Failure>) -> Result<T, JsValue> {
    guard(body).map_err(JsValue::from)
}

// ---- exports ------------------------------------------------------------------------------------

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(text: &str);
}

/// Installs the panic hook: the message goes to `console.error` and is kept for
/// `takePanicMessage`, because on `wasm32-unknown-unknown` a panic is a trap that JS cannot read.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        #[cfg(target_arch = "wasm32")]
        console_error(&format!("entitle-wasm: {text}"));
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(text);
        }
    }));
}

/// The message of the last panic, if any (used by the JS wrapper after a trap). Not public API.
#[doc(hidden)]
#[wasm_bindgen(js_name = takePanicMessage)]
pub fn take_panic_message() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|mut last| last.take())
}

/// Test-only: panics, so that tests can check that a panic becomes an `EntitleError` with code
/// `INTERNAL` and that the module keeps working afterwards. Not public API.
#[doc(hidden)]
#[wasm_bindgen(js_name = __testPanic)]
pub fn test_panic() -> Result<(), JsValue> {
    #[allow(clippy::panic)] // the point of this function
    run(|| panic!("test-only panic requested through __testPanic"))
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The locales whose message catalogues are built in (`["en", "fr"]`).
#[wasm_bindgen]
pub fn locales() -> Vec<String> {
    locale::available_locales()
        .into_iter()
        .map(String::from)
        .collect()
}

/// Checks program text and returns every diagnostic (errors and warnings); never throws for bad
/// text. `locale` (`"fr"` …) renders messages in that language.
#[wasm_bindgen]
pub fn check(source: &str, locale: Option<String>) -> Result<JsValue, JsValue> {
    run(|| {
        Ok(to_js(&diagnostics_json(&localized(
            entitle_dsl::check(source).diagnostics,
            locale.as_deref(),
        ))))
    })
}

/// Compiles program text. Throws a `CompileError` (`code`, `diagnostics`) when it has errors;
/// `locale` renders their messages in that language, `filename` names the text in the message.
#[wasm_bindgen]
pub fn compile(
    source: &str,
    locale: Option<String>,
    filename: Option<String>,
) -> Result<WasmProgram, JsValue> {
    run(|| {
        compile_source(source, locale.as_deref(), filename.as_deref())
            .map(|inner| WasmProgram { inner })
    })
}

/// A compiled program: compile once, evaluate many.
#[wasm_bindgen(js_name = Program)]
pub struct WasmProgram {
    inner: Program,
}

#[wasm_bindgen(js_class = Program)]
impl WasmProgram {
    /// The program identifier.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.ir().id.clone()
    }

    /// The program's title, if it has one.
    #[wasm_bindgen(getter)]
    pub fn title(&self) -> Option<String> {
        self.inner.ir().title.clone()
    }

    /// The program's version, if declared.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> Option<String> {
        self.inner.ir().version.clone()
    }

    /// `sha256:…` of the program text (part of every decision).
    #[wasm_bindgen(getter)]
    pub fn hash(&self) -> String {
        self.inner.hash().to_string()
    }

    /// `"household"` or `"individual"`.
    #[wasm_bindgen(getter)]
    pub fn target(&self) -> String {
        serde_json::to_value(self.inner.target())
            .ok()
            .and_then(|t| t.as_str().map(String::from))
            .unwrap_or_default()
    }

    /// The program's currency (`"KES"`), if it uses money.
    #[wasm_bindgen(getter)]
    pub fn currency(&self) -> Option<String> {
        self.inner.currency().map(|c| c.to_string())
    }

    /// The declared inputs: `{scope, name, type, label?, default?, choices?, used}`.
    pub fn inputs(&self) -> Result<JsValue, JsValue> {
        run(|| {
            Ok(to_js(
                &serde_json::to_value(self.inner.inputs()).unwrap_or(Json::Null),
            ))
        })
    }

    /// The parameters with their effective-dated values.
    pub fn params(&self) -> Result<JsValue, JsValue> {
        run(|| {
            Ok(to_js(
                &serde_json::to_value(self.inner.params()).unwrap_or(Json::Null),
            ))
        })
    }

    /// The eligibility rules: `{id, kind, sentence}`.
    pub fn rules(&self) -> Result<JsValue, JsValue> {
        run(|| Ok(to_js(&rules_json(&self.inner))))
    }

    /// The entitlement items: `{id, kind, sentence, unit}`.
    pub fn items(&self) -> Result<JsValue, JsValue> {
        run(|| Ok(to_js(&items_json(&self.inner))))
    }

    /// Translated sentences: locale → identifier → text (`title` for the title).
    pub fn translations(&self) -> Result<JsValue, JsValue> {
        run(|| {
            Ok(to_js(
                &serde_json::to_value(&self.inner.ir().translations).unwrap_or(Json::Null),
            ))
        })
    }

    /// The warnings found while compiling, in `locale` when given.
    pub fn warnings(&self, locale: Option<String>) -> Result<JsValue, JsValue> {
        run(|| {
            Ok(to_js(&diagnostics_json(&localized(
                self.inner.warnings().clone(),
                locale.as_deref(),
            ))))
        })
    }

    /// Evaluates one unit (its JSON text) at an ISO as-of date and returns the decision. Throws an
    /// `EvaluationError` (`code` `R0001`…, `unitId`, `details`, `result`) when the unit cannot be
    /// evaluated.
    pub fn evaluate(
        &self,
        unit: &str,
        as_of: &str,
        explain: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        run(|| {
            let unit = json_arg(unit, "the unit")?;
            decision_or_failure(
                self.inner
                    .evaluate_json(&unit, as_of, &eval_options(explain)),
            )
            .map(|d| to_js(&d))
        })
    }

    /// Evaluates many units (the JSON text of an array); one result per unit, in order: a decision,
    /// or `{unit_id, error: {code, message, …}}`. Never throws for a unit's data.
    #[wasm_bindgen(js_name = evaluateBatch)]
    pub fn evaluate_batch(
        &self,
        units: &str,
        as_of: &str,
        explain: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        run(|| {
            let Json::Array(units) = json_arg(units, "the units")? else {
                return Err(Failure::Argument(
                    "entitle: the units must be a JSON array".into(),
                ));
            };
            Ok(to_js(&Json::Array(self.inner.evaluate_batch_json(
                &units,
                as_of,
                &eval_options(explain),
            ))))
        })
    }

    /// The decision for one unit explained as text in `locale` (`"en"`, `"fr"` …; program
    /// translations included). Throws an `EvaluationError` like `evaluate`.
    pub fn explain(
        &self,
        unit: &str,
        as_of: &str,
        locale: Option<String>,
    ) -> Result<String, JsValue> {
        run(|| {
            explain_text(
                &self.inner,
                &json_arg(unit, "the unit")?,
                as_of,
                locale.as_deref(),
            )
        })
    }

    /// Runs the program over many units (the JSON text of an array) through the run model:
    /// enrolment states, compliance, ranking and selection within a budget, approval, summary
    /// (`options`: the JSON text of the run options of `entitle_core::run_model::json`, or nothing).
    /// Returns `{units, totals, summary?, comparison?}`; throws a `RunError` (`code` `R0101`…)
    /// when the run cannot be carried out.
    #[wasm_bindgen(js_name = runCycle)]
    pub fn run_cycle(
        &self,
        units: &str,
        as_of: &str,
        options: Option<String>,
    ) -> Result<JsValue, JsValue> {
        run(|| {
            let Json::Array(units) = json_arg(units, "the units")? else {
                return Err(Failure::Argument(
                    "entitle: the units must be a JSON array".into(),
                ));
            };
            let options = match options {
                Some(text) => json_arg(&text, "the run options")?,
                None => Json::Null,
            };
            let result = self.inner.run_cycle_json(&units, as_of, &options);
            if result.get("units").is_none() && result.get("error").is_some() {
                return Err(Failure::Run(result));
            }
            Ok(to_js(&result))
        })
    }

    /// Runs the tests written in the program: `{name, line, passed, failures}`.
    #[wasm_bindgen(js_name = runTests)]
    pub fn run_tests(&self) -> Result<JsValue, JsValue> {
        run(|| {
            Ok(to_js(
                &serde_json::to_value(self.inner.run_tests()).unwrap_or(Json::Null),
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    // These run on the host, where panics unwind; the JS tests cover the WebAssembly build.
    #![allow(clippy::unwrap_used)]
    use super::*;

    const CHILD_GRANT: &str = include_str!("../../examples/programs/child_grant.entitle");

    #[test]
    fn a_panic_becomes_an_internal_failure() {
        #[allow(clippy::panic)]
        let r: Result<(), Failure> = guard(|| panic!("boom {}", 7));
        match r {
            Err(Failure::Internal(m)) => assert_eq!(m, "boom 7"),
            other => panic!("expected Internal, got {other:?}"),
        }
        assert!(matches!(guard(|| Ok::<_, Failure>(3)), Ok(3)));
    }

    #[test]
    fn compile_errors_carry_the_first_code_and_flat_diagnostics() {
        let bad = CHILD_GRANT.replace("monthly_income / count", "monthly_incme / count");
        let Err(Failure::Compile {
            code,
            message,
            diagnostics,
        }) = compile_source(&bad, Some("fr"), Some("child_grant.entitle"))
        else {
            panic!("expected a compile error")
        };
        assert_eq!(code, "E0101");
        assert!(
            message.starts_with("the program does not compile (1 error)\n"),
            "{message}"
        );
        assert!(
            message.contains("--> child_grant.entitle:22:45"),
            "{message}"
        );
        let d = diagnostic_json(diagnostics.iter().find(|d| d.code == "E0101").unwrap());
        assert_eq!(d["severity"], "error");
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(22), Some(45))
        );
        assert_eq!(
            d["end"].as_u64().unwrap() - d["start"].as_u64().unwrap(),
            "monthly_incme".len() as u64
        );
    }

    #[test]
    fn explanations_render_in_french_and_errors_keep_the_engine_shape() {
        let program = compile_source(CHILD_GRANT, None, None).unwrap();
        let unit = json!({"id": "H1", "region": "North", "monthly_income": "KES 5000", "members": [
            {"id": "M1", "kind": "head", "birthdate": "1990-01-01"},
            {"id": "M2", "kind": "child", "birthdate": "2020-05-01"}]});
        let text = explain_text(&program, &unit, "2026-03-01", Some("fr")).unwrap();
        assert!(
            text.starts_with("Allocation de soutien à l'enfant — H1 — 2026-03-01"),
            "{text}"
        );
        assert!(text.contains("KES 2000"), "{text}");
        let future = json!({"id": "H2", "members": [{"id": "M1", "birthdate": "2030-01-01"}]});
        let Err(Failure::Evaluation(e)) = explain_text(&program, &future, "2026-03-01", None)
        else {
            panic!("expected an error")
        };
        assert_eq!(e["unit_id"], "H2");
        assert_eq!(e["error"]["code"], "R0003");
        let Err(Failure::Evaluation(e)) = explain_text(&program, &unit, "2026-13-01", None) else {
            panic!("expected an error")
        };
        assert_eq!(e["error"]["code"], "R0010");
        assert_eq!(
            decision_or_failure(program.evaluate_json(&unit, "2026-03-01", &eval_options(None)))
                .unwrap()["cash"]["total"],
            "2000"
        );
    }
}
