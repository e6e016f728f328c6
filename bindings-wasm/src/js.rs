//! The JS side of the boundary: JSON as JS values, each [`Failure`] as the JS error the `.d.ts`
//! describes, and [`run`], which every export's body goes through.

use crate::engine::{diagnostic_json, guard, Failure};
use entitle_core::json::{results_json_texts, units_from_json_text, JsonUnits};
use serde_json::Value as Json;
use std::sync::atomic::{AtomicUsize, Ordering};
use wasm_bindgen::prelude::*;

pub(crate) fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property of a fresh object (an Error, a parsed run) cannot fail.
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

/// The longest JSON text, in bytes, handed to JavaScript as one string: JavaScript engines hold
/// strings of 2^29 - 24 (V8) to 2^30 UTF-16 code units, and UTF-8 text has at least as many bytes
/// as code units; 2^27 is also what the wrapper sends in one call (`MAX_TEXT` in js/units.js).
pub(crate) const RESULT_TEXT_MAX: usize = 1 << 27;

/// [`RESULT_TEXT_MAX`], lowered by the test-only hook `__setResultTextLimit` so that tests can
/// reach the limit without hundreds of MiB of results.
static RESULT_TEXT_LIMIT: AtomicUsize = AtomicUsize::new(RESULT_TEXT_MAX);

/// The longest result text handed to JavaScript as one string (see [`RESULT_TEXT_MAX`]).
pub(crate) fn result_text_limit() -> usize {
    RESULT_TEXT_LIMIT.load(Ordering::Relaxed)
}

/// Sets [`result_text_limit`] (`None`: the real limit). For tests only.
pub(crate) fn set_result_text_limit(bytes: Option<usize>) {
    RESULT_TEXT_LIMIT.store(bytes.unwrap_or(RESULT_TEXT_MAX), Ordering::Relaxed);
}

/// A JSON value as a JS value. Its text could be longer than a JS string holds (the parse would
/// fail): that is an error, never `null` in its place.
pub(crate) fn to_js(value: &Json) -> Result<JsValue, Failure> {
    let text = value.to_string();
    if text.len() > RESULT_TEXT_MAX {
        return Err(Failure::TooLarge(format!(
            "entitle: the result is longer than {} MiB of JSON, more than one JavaScript string is given to hold",
            RESULT_TEXT_MAX >> 20
        )));
    }
    js_sys::JSON::parse(&text).map_err(|_| {
        Failure::TooLarge("entitle: the result could not be handed to JavaScript (its JSON text is too long for a string)".into())
    })
}

/// [`to_js`] for the parts of an error object, which are small: `null` should one fail.
fn part_js(value: &Json) -> JsValue {
    to_js(value).unwrap_or(JsValue::NULL)
}

/// Results of units as one JS array, converted in texts of at most [`result_text_limit`] bytes: a
/// result longer on its own is its unit's R0010 (`oversized_result`), and the others are kept.
pub(crate) fn results_to_js(results: &[Json]) -> Result<JsValue, Failure> {
    texts_to_js(results_json_texts(results, result_text_limit()))
}

/// The texts of JSON arrays of results (each of at most [`result_text_limit`] bytes) as one JS
/// array.
pub(crate) fn texts_to_js(texts: Vec<String>) -> Result<JsValue, Failure> {
    let mut texts = texts.into_iter();
    let parse = |text: &str| {
        js_sys::JSON::parse(text).map_err(|_| {
            Failure::TooLarge("entitle: results could not be handed to JavaScript (their JSON text is too long for a string)".into())
        })
    };
    let mut all: js_sys::Array =
        parse(&texts.next().unwrap_or_else(|| "[]".into()))?.unchecked_into();
    for text in texts {
        let part: js_sys::Array = parse(&text)?.unchecked_into();
        all = all.concat(&part);
    }
    Ok(all.into())
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
                    &part_js(&Json::Array(
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
                let prefix = entitle_core::result::unit_prefix(unit_id);
                let e = js_error("EvaluationError", code, &format!("{prefix}{text}"));
                set(&e, "diagnostics", &js_sys::Array::new());
                set(&e, "unitId", &JsValue::from_str(unit_id));
                set(
                    &e,
                    "details",
                    &result.get("error").map_or(JsValue::NULL, part_js),
                );
                set(&e, "result", &part_js(&result));
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
                    &result.get("error").map_or(JsValue::NULL, part_js),
                );
                set(&e, "result", &part_js(&result));
                e
            }
            Failure::Argument(message) => {
                let e: JsValue = js_sys::TypeError::new(&message).into();
                set(&e, "code", &JsValue::from_str("ERR_INVALID_ARG_VALUE"));
                e
            }
            Failure::TooLarge(message) => {
                let e = js_error("EntitleError", "TOO_LARGE", &message);
                set(&e, "diagnostics", &js_sys::Array::new());
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
pub(crate) fn json_arg(text: &str, what: &str) -> Result<Json, Failure> {
    serde_json::from_str(text)
        .map_err(|e| Failure::Argument(format!("entitle: {what} is not valid JSON: {e}")))
}

/// One unit as JSON text. A JSON value the reader refuses (nested more than 128 levels, half of a
/// surrogate pair) is that unit's R0010 record, thrown as an `EvaluationError`: the result
/// `evaluateBatch` gives the same text, where a `TypeError` quoted the reader's position.
pub(crate) fn unit_arg(text: &str) -> Result<Json, Failure> {
    let refused = match json_arg(text, "the unit") {
        Ok(unit) => return Ok(unit),
        Err(refused) => refused,
    };
    // Checked first: in brackets, `{…}, {…}` would read as two units.
    if serde_json::from_str::<&serde_json::value::RawValue>(text).is_err() {
        return Err(refused);
    }
    match units_from_json_text(&format!("[{text}]")) {
        Ok(JsonUnits { unreadable, .. }) => match unreadable.into_iter().next() {
            Some((_, record)) => Err(Failure::Evaluation(record)),
            None => Err(refused),
        },
        Err(_) => Err(refused),
    }
}

/// Units as the JSON text of an array, each read on its own: a unit the JSON reader refuses (too
/// deep, half of a surrogate pair) is its own R0010 in `unreadable`, not the whole text's error.
pub(crate) fn units_arg(text: &str) -> Result<JsonUnits, Failure> {
    // Text that is not an array of values: the message the whole text's reading gives.
    units_from_json_text(text).map_err(|_| match json_arg(text, "the units") {
        Ok(_) => Failure::Argument("entitle: the units must be a JSON array".into()),
        Err(failure) => failure,
    })
}

pub(crate) fn run<T>(body: impl FnOnce() -> Result<T, Failure>) -> Result<T, JsValue> {
    guard(body).map_err(JsValue::from)
}
