//! `Program` (`WasmProgram` in Rust): a compiled program, evaluated over units given as JSON text.

use crate::engine::{
    decision_or_failure, diagnostics_json, eval_options, explain_text, items_json, localized,
    rules_json, Failure,
};
use crate::js::{
    json_arg, result_text_limit, results_to_js, run, texts_to_js, to_js, unit_arg, units_arg,
};
use entitle_core::json::{oversized_result, JsonUnits};
use entitle_core::Program;
use serde_json::Value as Json;
use wasm_bindgen::prelude::*;

/// A compiled program: compile once, evaluate many.
#[wasm_bindgen(js_name = Program)]
pub struct WasmProgram {
    pub(crate) inner: Program,
    /// The `locale` given to `compile`: the language of its warnings and of its tests' failures
    /// unless a call gives its own (as in Node and Python).
    pub(crate) locale: Option<String>,
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
        run(|| to_js(&serde_json::to_value(self.inner.inputs()).unwrap_or(Json::Null)))
    }

    /// The parameters with their effective-dated values.
    pub fn params(&self) -> Result<JsValue, JsValue> {
        run(|| to_js(&serde_json::to_value(self.inner.params()).unwrap_or(Json::Null)))
    }

    /// The eligibility rules: `{id, kind, sentence, line}`.
    pub fn rules(&self) -> Result<JsValue, JsValue> {
        run(|| to_js(&rules_json(&self.inner)))
    }

    /// The entitlement items: `{id, kind, sentence, unit, line}`.
    pub fn items(&self) -> Result<JsValue, JsValue> {
        run(|| to_js(&items_json(&self.inner)))
    }

    /// The units of measure of the in-kind items (`kg` …), in the order totals report them.
    #[wasm_bindgen(js_name = unitsOfMeasure)]
    pub fn units_of_measure(&self) -> Vec<String> {
        self.inner
            .units_of_measure()
            .iter()
            .map(|u| u.to_string())
            .collect()
    }

    /// The names a unit may carry, by place (`{unit, member, records}`), for `js/entitle.js`,
    /// which sends a key the program does not declare without its value. Not public API.
    #[doc(hidden)]
    #[wasm_bindgen(js_name = unitNames)]
    pub fn unit_names(&self) -> Result<JsValue, JsValue> {
        run(|| to_js(&self.inner.declared_names_json()))
    }

    /// Translated sentences: locale → identifier → text (`title` for the title).
    pub fn translations(&self) -> Result<JsValue, JsValue> {
        run(|| to_js(&serde_json::to_value(&self.inner.ir().translations).unwrap_or(Json::Null)))
    }

    /// The warnings found while compiling, in `locale` when given, else in the locale the
    /// program was compiled with.
    pub fn warnings(&self, locale: Option<String>) -> Result<JsValue, JsValue> {
        run(|| {
            to_js(&diagnostics_json(&localized(
                self.inner.warnings().clone(),
                locale.as_deref().or(self.locale.as_deref()),
            )))
        })
    }

    /// Evaluates one unit (its JSON text) at an ISO as-of date and returns the decision. Throws an
    /// `EvaluationError` (`code` `R0001`…, `unitId`, `details`, `result`) when the unit cannot be
    /// evaluated. `strict`: a key the program does not declare fails the unit (R0011).
    pub fn evaluate(
        &self,
        unit: &str,
        as_of: &str,
        explain: Option<bool>,
        strict: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        run(|| {
            let unit = unit_arg(unit)?;
            let result = self
                .inner
                .evaluate_json(&unit, as_of, &eval_options(explain, strict));
            // A result too long for a JS string is the unit's error, as in a batch.
            let decision = decision_or_failure(result)?;
            to_js(&decision).map_err(|failure| match failure {
                Failure::TooLarge(_) => {
                    Failure::Evaluation(oversized_result(&decision, result_text_limit()))
                }
                other => other,
            })
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
        strict: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        run(|| {
            let JsonUnits { units, unreadable } = units_arg(units)?;
            // Written straight from the decisions, in texts that each fit one JS string.
            let options = eval_options(explain, strict);
            let texts = self.inner.evaluate_batch_json_texts(
                &units,
                as_of,
                &options,
                &unreadable,
                result_text_limit(),
                usize::MAX,
            );
            texts_to_js(texts)
        })
    }

    /// The decision for one unit explained as text in `locale` (`"en"`, `"fr"` …; program
    /// translations included). Throws an `EvaluationError` like `evaluate` (`strict` too).
    pub fn explain(
        &self,
        unit: &str,
        as_of: &str,
        locale: Option<String>,
        strict: Option<bool>,
    ) -> Result<String, JsValue> {
        run(|| {
            explain_text(
                &self.inner,
                &unit_arg(unit)?,
                as_of,
                locale.as_deref(),
                strict,
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
            let JsonUnits { units, unreadable } = units_arg(units)?;
            // A run is carried out for the whole cycle or not at all (as js/entitle.js refuses it).
            if let Some((i, record)) = unreadable.first() {
                let why = record.pointer("/error/message").and_then(Json::as_str);
                return Err(Failure::Argument(format!(
                    "entitle: units[{i}]: {}",
                    why.unwrap_or("the unit cannot be read")
                )));
            }
            let options = match options {
                Some(text) => json_arg(&text, "the run options")?,
                None => Json::Null,
            };
            let mut result = self.inner.run_cycle_json(&units, as_of, &options);
            if result.get("units").is_none() && result.get("error").is_some() {
                return Err(Failure::Run(result));
            }
            // A large run's text is longer than one JS string: its units go over in arrays that
            // each fit, put back where `take` left null (so the run keeps its keys' order).
            let run_units = result.get_mut("units").map(Json::take);
            let run = to_js(&result)?;
            if let Some(Json::Array(run_units)) = run_units {
                crate::js::set(&run, "units", &results_to_js(&run_units)?);
            }
            Ok(run)
        })
    }

    /// Runs the tests written in the program: `{name, line, passed, failures}`, the failures in
    /// `locale`, else in the locale the program was compiled with, else in English (as Node's
    /// `runTests` and Python's `run_tests`).
    #[wasm_bindgen(js_name = runTests)]
    pub fn run_tests(&self, locale: Option<String>) -> Result<JsValue, JsValue> {
        run(|| {
            let catalog = match locale.as_deref().or(self.locale.as_deref()) {
                Some(l) => entitle_dsl::locale::catalog(l),
                None => entitle_dsl::locale::english(),
            };
            to_js(
                &serde_json::to_value(self.inner.run_tests_localized(catalog))
                    .unwrap_or(Json::Null),
            )
        })
    }
}
