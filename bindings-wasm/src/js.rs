//! The JS side of the boundary: JSON as JS values, each [`Failure`] as the JS error the `.d.ts`
//! describes, and [`run`], which every export's body goes through.

use crate::engine::{diagnostic_json, guard, Failure};
use serde_json::Value as Json;
use wasm_bindgen::prelude::*;

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property of a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

pub(crate) fn to_js(value: &Json) -> JsValue {
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
                let prefix = entitle_core::result::unit_prefix(unit_id);
                let e = js_error("EvaluationError", code, &format!("{prefix}{text}"));
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
pub(crate) fn json_arg(text: &str, what: &str) -> Result<Json, Failure> {
    serde_json::from_str(text)
        .map_err(|e| Failure::Argument(format!("entitle: {what} is not valid JSON: {e}")))
}

pub(crate) fn run<T>(body: impl FnOnce() -> Result<T, Failure>) -> Result<T, JsValue> {
    guard(body).map_err(JsValue::from)
}
