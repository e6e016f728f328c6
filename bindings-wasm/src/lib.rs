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

mod engine;
mod js;
mod program;

pub use program::WasmProgram;

use engine::{compile_source, diagnostics_json, localized, unit_failure_json};
use entitle_dsl::locale;
use js::{run, to_js};
use std::sync::Mutex;
use wasm_bindgen::prelude::*;

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

/// Test-only hook, not part of the public API: the longest result text, in bytes, handed to
/// JavaScript as one string (absent: the real limit), so that tests reach it with small batches.
#[doc(hidden)]
#[wasm_bindgen(js_name = __setResultTextLimit)]
pub fn set_result_text_limit(bytes: Option<u32>) {
    js::set_result_text_limit(bytes.map(|b| b as usize));
}

/// Test-only: panics, so that tests can check that a panic becomes an `EntitleError` with code
/// `INTERNAL` and that the module keeps working afterwards. Not public API.
#[doc(hidden)]
#[wasm_bindgen(js_name = __testPanic)]
pub fn test_panic() -> Result<(), JsValue> {
    #[allow(clippy::panic)] // the point of this function
    run(|| panic!("test-only panic requested through __testPanic"))
}

/// The engine's error record, `{unit_id, error}`, for a unit that `js/entitle.js` could not send
/// (a value JSON would silently change): R0005 naming `field`, or R0010 without one. Not public API.
#[doc(hidden)]
#[wasm_bindgen(js_name = unitFailure)]
pub fn unit_failure(
    unit_id: String,
    field: Option<String>,
    reason: String,
) -> Result<JsValue, JsValue> {
    run(|| to_js(&unit_failure_json(unit_id, field, reason)))
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
        to_js(&diagnostics_json(&localized(
            entitle_dsl::check(source).diagnostics,
            locale.as_deref(),
        )))
    })
}

/// Compiles program text. Throws a `CompileError` (`code`, `diagnostics`) when it has errors;
/// `locale` renders their messages in that language (and the program's warnings and test
/// failures later), `filename` names the text in the message.
#[wasm_bindgen]
pub fn compile(
    source: &str,
    locale: Option<String>,
    filename: Option<String>,
) -> Result<WasmProgram, JsValue> {
    run(|| {
        compile_source(source, locale.as_deref(), filename.as_deref())
            .map(|inner| WasmProgram { inner, locale })
    })
}
