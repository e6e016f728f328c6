//! The engine side of the boundary: the calls into `entitle-core` and the JSON they give back, and
//! [`Failure`], why a call failed before it becomes a JS error. Nothing here touches a JS value.

use crate::js::result_text_limit;
use entitle_core::explain::render::decision_text;
use entitle_core::json::{error_to_json, error_to_json_in, oversized_result};
use entitle_core::parse::parse_date;
use entitle_core::{Diagnostic, Diagnostics, EvalError, EvalOptions, Program, UnitError};
use entitle_dsl::locale;
use serde_json::{json, Value as Json};

/// Why a call failed, before it becomes a JS error.
#[derive(Debug)]
pub(crate) enum Failure {
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
    /// A result too long for one JS string: an `EntitleError` with code `TOO_LARGE`.
    TooLarge(String),
    /// A bug (a panic caught where unwinding exists): an `EntitleError` with code `INTERNAL`.
    Internal(String),
}

/// Runs an export's body, turning a panic into [`Failure::Internal`]. (Where panics abort, as on
/// `wasm32-unknown-unknown`, the JS wrapper handles the trap instead.)
pub(crate) fn guard<T>(body: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
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
pub(crate) fn diagnostic_json(d: &Diagnostic) -> Json {
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

pub(crate) fn localized(diagnostics: Diagnostics, locale: Option<&str>) -> Diagnostics {
    match locale {
        Some(l) => diagnostics.localized(locale::catalog(l)),
        None => diagnostics,
    }
}

pub(crate) fn diagnostics_json(diagnostics: &Diagnostics) -> Json {
    Json::Array(diagnostics.0.iter().map(diagnostic_json).collect())
}

/// `EvalOptions` with only what the caller gave: `None` keeps the engine's default.
pub(crate) fn eval_options(explain: Option<bool>, strict: Option<bool>) -> EvalOptions {
    let mut options = EvalOptions::default();
    if let Some(x) = explain {
        options.explain = x;
    }
    if let Some(s) = strict {
        options.strict = s;
    }
    options
}

/// The façade gives either a decision or `{"unit_id", "error"}`; the latter becomes an exception.
pub(crate) fn decision_or_failure(result: Json) -> Result<Json, Failure> {
    if result.get("decision").is_none() && result.get("error").is_some() {
        Err(Failure::Evaluation(result))
    } else {
        Ok(result)
    }
}

/// The engine's error record (`{"unit_id", "error"}`) for a unit the JS wrapper could not send,
/// because one of its values has no JSON form the engine would read as given (NaN, a Date, a Map
/// …): R0005 naming `field`, or R0010 when the unit itself (no `field`) is the problem. The shape
/// and message come from the core, as for every other unit error (and as in the Node binding).
pub(crate) fn unit_failure_json(unit_id: String, field: Option<String>, reason: String) -> Json {
    let error = match field {
        Some(field) => EvalError::InvalidValue { field, reason },
        None => EvalError::InvalidUnit { reason },
    };
    error_to_json(&UnitError { unit_id, error })
}

/// The file name shown in rendered diagnostics when the caller gives none (as in the Node binding).
const NO_FILE_NAME: &str = "<source>";

pub(crate) fn compile_source(
    source: &str,
    locale: Option<&str>,
    filename: Option<&str>,
) -> Result<Program, Failure> {
    Program::compile(source).map_err(|diagnostics| {
        let diagnostics = localized(diagnostics, locale);
        let code = diagnostics.errors().next().map_or("E0001", |d| d.code);
        Failure::Compile {
            code,
            message: diagnostics.compile_failure_message(source, filename.unwrap_or(NO_FILE_NAME)),
            diagnostics: diagnostics.0,
        }
    })
}

pub(crate) fn explain_text(
    program: &Program,
    unit: &Json,
    as_of: &str,
    locale: Option<&str>,
    strict: Option<bool>,
) -> Result<String, Failure> {
    let options = eval_options(Some(true), strict);
    let locale = locale.unwrap_or_else(|| locale::english().locale());
    let catalog = locale::catalog(locale);
    let (Some(date), Ok(typed)) = (
        parse_date(as_of.trim()),
        program.read_json_unit(unit, &options),
    ) else {
        // A malformed date or unit: the façade says what is wrong, in the one error shape and
        // in the explanation's language.
        return Err(Failure::Evaluation(
            program.evaluate_json_in(unit, as_of, &options, catalog),
        ));
    };
    match program.evaluate_with(&typed, date, &options) {
        Ok(decision) => {
            let text = decision_text(program, &decision, locale);
            if text.len() > result_text_limit() {
                let unit = json!({"unit_id": decision.unit_id});
                return Err(Failure::Evaluation(oversized_result(
                    &unit,
                    result_text_limit(),
                )));
            }
            Ok(text)
        }
        Err(e) => Err(Failure::Evaluation(error_to_json_in(&e, catalog))),
    }
}

/// The rules as the `.d.ts` describes them, with the line each is written on (as Node and Python).
pub(crate) fn rules_json(program: &Program) -> Json {
    Json::Array(
        program
            .rules()
            .iter()
            .map(|r| json!({"id": r.id, "kind": r.kind, "sentence": r.sentence, "line": r.span.line}))
            .collect(),
    )
}

/// The items as the `.d.ts` describes them, with the line each is written on (as Node and Python).
pub(crate) fn items_json(program: &Program) -> Json {
    Json::Array(
        program
            .items()
            .iter()
            .map(|i| {
                json!({"id": i.id, "kind": i.kind, "sentence": i.sentence, "unit": i.unit,
                    "line": i.span.line})
            })
            .collect(),
    )
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
    fn a_value_the_wrapper_refuses_is_the_engines_r0005_or_r0010() {
        let e = unit_failure_json(
            "H1".into(),
            Some("member M1: birthdate".into()),
            "NaN".into(),
        );
        assert_eq!(
            e,
            json!({"unit_id": "H1", "error": {"code": "R0005", "field": "member M1: birthdate",
                "reason": "NaN", "message": "`member M1: birthdate`: NaN"}})
        );
        let e = unit_failure_json(String::new(), None, "the unit is a Map".into());
        assert_eq!(e["error"]["code"], "R0010");
        assert_eq!(
            e["error"]["message"],
            "the unit's data is malformed: the unit is a Map"
        );
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
        let text = explain_text(&program, &unit, "2026-03-01", Some("fr"), None).unwrap();
        assert!(
            text.starts_with("Allocation de soutien à l'enfant — H1 — 2026-03-01"),
            "{text}"
        );
        assert!(text.contains("KES 2000"), "{text}");
        let future = json!({"id": "H2", "members": [{"id": "M1", "birthdate": "2030-01-01"}]});
        let Err(Failure::Evaluation(e)) = explain_text(&program, &future, "2026-03-01", None, None)
        else {
            panic!("expected an error")
        };
        assert_eq!(e["unit_id"], "H2");
        assert_eq!(e["error"]["code"], "R0003");
        let Err(Failure::Evaluation(e)) = explain_text(&program, &unit, "2026-13-01", None, None)
        else {
            panic!("expected an error")
        };
        assert_eq!(e["error"]["code"], "R0010");
        assert_eq!(
            decision_or_failure(program.evaluate_json(
                &unit,
                "2026-03-01",
                &eval_options(None, None)
            ))
            .unwrap()["cash"]["total"],
            "2000"
        );
    }
}
