//! `entitle.Program`: a compiled program, evaluated over Python units.

use crate::binder::Binder;
use crate::convert::{as_of_date, json_to_py, py_to_json};
use crate::errors::{evaluation_error, guard};
use crate::meta::{PyDiagnostic, PyInput, PyItem, PyParam, PyRule, PyTestOutcome};
use crate::results::{PyResults, Shared};
use entitle_core::json::{units_from_json_text, JsonUnits};
use entitle_core::{Decision, EvalOptions, Program, UnitError};
use pyo3::prelude::*;
use rayon::prelude::*;
use serde_json::Value as Json;
use std::sync::Arc;

/// A compiled program: immutable, safe to share between threads, compiled once and evaluated many
/// times. Made by `entitle.compile(source)`.
#[pyclass(frozen, name = "Program", module = "entitle")]
pub(crate) struct PyProgram {
    pub(crate) inner: Program,
    /// The text it was compiled from, so that a program pickles (to another process) as its text.
    pub(crate) source: String,
    /// The `locale` given to `compile`: the language of its warnings and of its tests' failures
    /// unless a call gives its own (as in Node and WebAssembly).
    pub(crate) locale: Option<String>,
}

/// The units of a batch call, iterated. A mapping (one unit given where a list of units is
/// expected, a frequent slip) or a string would be iterated by its keys or characters, each then
/// failing as a unit that is not a dict: refused as a whole instead.
fn units_of<'py>(units: &Bound<'py, PyAny>) -> PyResult<Bound<'py, pyo3::types::PyIterator>> {
    use pyo3::types::{PyByteArray, PyBytes, PyMapping, PyString};
    let wrong = if units.cast::<PyMapping>().is_ok() {
        Some("a mapping (one unit, or units by id): pass a list, such as [unit] or list(units.values())")
    } else if units.cast::<PyString>().is_ok()
        || units.cast::<PyBytes>().is_ok()
        || units.cast::<PyByteArray>().is_ok()
    {
        Some("text: pass a list of units (dicts), or JSON text to the *_json method")
    } else {
        None
    };
    match wrong {
        Some(what) => Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "units must be an iterable of units (dicts), not {what}"
        ))),
        None => units.try_iter(),
    }
}

/// The error record (JSON text) of one unit whose text is a JSON value the reader still refuses
/// (nested too deep, half of a surrogate pair): the R0010 a batch gives it. `None` when the text
/// is not one JSON value at all.
fn unreadable_unit(text: &str) -> Option<String> {
    // Checked first: wrapped in brackets, `{…}, {…}` would read as two units.
    serde_json::from_str::<&serde_json::value::RawValue>(text).ok()?;
    let JsonUnits { unreadable, .. } = units_from_json_text(&format!("[{text}]")).ok()?;
    let (_, record) = unreadable.into_iter().next()?;
    serde_json::to_string(&record).ok()
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

impl PyProgram {
    /// Binds the units (holding the GIL: it reads Python objects), then evaluates them and builds
    /// their records without it, in parallel.
    fn run<'py>(
        &self,
        py: Python<'py>,
        units: impl Iterator<Item = PyResult<Bound<'py, PyAny>>>,
        as_of: &Bound<'py, PyAny>,
        options: EvalOptions,
    ) -> PyResult<Vec<Result<Decision, UnitError>>> {
        let date = as_of_date(as_of)?;
        let mut binder = Binder::new(py, &self.inner, &options);
        for u in units {
            binder.add(&u?)?;
        }
        let batch = binder.finish();
        let date = match date {
            Ok(d) => d,
            Err(error) => {
                let fail = |i| UnitError {
                    unit_id: batch.unit_id(i).unwrap_or("").to_string(),
                    error: error.clone(),
                };
                return Ok((0..batch.len()).map(fail).map(Err).collect());
            }
        };
        let program = &self.inner;
        Ok(py.detach(|| {
            let results = program.run(&batch, date, &options);
            (0..results.len())
                .into_par_iter()
                .map(|i| results.decision(i))
                .collect()
        }))
    }
}

#[pymethods]
impl PyProgram {
    /// Evaluates one unit at `as_of` (a `datetime.date` or an ISO 8601 string).
    ///
    /// A unit is a dict: `{"id": "H1", "region": "North", "monthly_income": Decimal("5000"),
    /// "members": [{"id": "M1", "kind": "head", "birthdate": date(1990, 1, 1), "start_date": …,
    /// "end_date": …}]}`. Keys the program does not declare are ignored, unless `strict=True`:
    /// the unit then fails with R0011, naming the key and the closest declared name (`"field"`,
    /// `"closest"` of the error). With `explain=True` the decision carries the values that
    /// decided each rule and item.
    ///
    /// Raises `entitle.EvaluationError` (with `.code`, `R0001` …, and `.unit_id`) when the unit
    /// cannot be evaluated: invalid data (a float for an amount is R0005), a division by zero …
    #[pyo3(signature = (unit, as_of, *, explain = None, strict = None))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        unit: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        explain: Option<bool>,
        strict: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let results = self.run(
                py,
                std::iter::once(Ok(unit.clone())),
                as_of,
                options(explain, strict),
            )?;
            if let Some(Err(e)) = results.first() {
                return Err(evaluation_error(py, e));
            }
            Arc::new(Shared {
                results,
                program: self.inner.clone(),
            })
            .object(py, 0)
        })
    }

    /// Evaluates many units at `as_of`; one result per unit, in order: a `Decision`, or a
    /// `UnitError` for a unit that could not be evaluated (the others are unaffected). The
    /// `Results` are a read-only sequence (index it, slice it, iterate it, or `list()` it).
    ///
    /// The units are read with the GIL held; evaluation runs without it, in parallel.
    #[pyo3(signature = (units, as_of, *, explain = None, strict = None))]
    fn evaluate_batch(
        &self,
        py: Python<'_>,
        units: &Bound<'_, PyAny>,
        as_of: &Bound<'_, PyAny>,
        explain: Option<bool>,
        strict: Option<bool>,
    ) -> PyResult<PyResults> {
        guard(py, || {
            let results = self.run(py, units_of(units)?, as_of, options(explain, strict))?;
            Ok(PyResults {
                shared: Arc::new(Shared {
                    results,
                    program: self.inner.clone(),
                }),
            })
        })
    }

    /// The decision for one unit as text in `locale` (`"en"`, `"fr"` …; English when absent or
    /// unknown, the program's own translations included), with the values that decided each rule:
    /// `evaluate(unit, as_of, explain=True).explain(locale)`, as Node's and WebAssembly's
    /// `explain`. Raises `entitle.EvaluationError` as `evaluate` does, its message in `locale`.
    #[pyo3(signature = (unit, as_of, *, locale = None, strict = None))]
    fn explain<'py>(
        &self,
        py: Python<'py>,
        unit: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        locale: Option<&str>,
        strict: Option<bool>,
    ) -> PyResult<String> {
        guard(py, || {
            let results = self.run(
                py,
                std::iter::once(Ok(unit.clone())),
                as_of,
                options(Some(true), strict),
            )?;
            let catalog = crate::meta::catalog_of(locale);
            match results.first() {
                Some(Ok(d)) => Ok(entitle_core::explain::render::decision_text(
                    &self.inner,
                    d,
                    locale.unwrap_or_else(|| catalog.locale()),
                )),
                Some(Err(e)) => Err(crate::errors::evaluation_error_in(py, e, catalog)),
                None => Err(pyo3::exceptions::PyRuntimeError::new_err(
                    "internal error in Entitle: no result for the unit",
                )),
            }
        })
    }

    /// The JSON façade: evaluates a unit given as JSON text at an ISO `as_of`, and returns the
    /// decision's or the error's JSON text (it never raises for bad data: the error shape says
    /// what is wrong). Raises `EvaluationError` (R0010) only when `unit` is not JSON at all.
    #[pyo3(signature = (unit, as_of, *, explain = None, strict = None))]
    fn evaluate_json(
        &self,
        py: Python<'_>,
        unit: &str,
        as_of: &str,
        explain: Option<bool>,
        strict: Option<bool>,
    ) -> PyResult<String> {
        guard(py, || {
            let json: Json = match serde_json::from_str(unit) {
                Ok(json) => json,
                Err(e) => {
                    return unreadable_unit(unit).ok_or_else(|| {
                        crate::errors::call_error(
                            py,
                            "R0010",
                            format!("the unit is not valid JSON: {e}"),
                        )
                    })
                }
            };
            let options = options(explain, strict);
            Ok(py.detach(|| self.inner.evaluate_json_text(&json, as_of, &options)))
        })
    }

    /// The JSON façade for a batch: `units` is a JSON array; returns a JSON array with one
    /// decision or error per unit. Raises `EvaluationError` (R0010) when `units` is not a JSON array.
    #[pyo3(signature = (units, as_of, *, explain = None, strict = None))]
    fn evaluate_batch_json(
        &self,
        py: Python<'_>,
        units: &str,
        as_of: &str,
        explain: Option<bool>,
        strict: Option<bool>,
    ) -> PyResult<String> {
        guard(py, || {
            // Each unit read on its own when the whole is refused: one nested too deep or with
            // half of a character is its own R0010, as in Node's and WebAssembly's batches.
            let JsonUnits { units, unreadable } = units_from_json_text(units).map_err(|e| {
                crate::errors::call_error(
                    py,
                    "R0010",
                    format!("the units are not a JSON array: {e}"),
                )
            })?;
            let options = options(explain, strict);
            // One text, written straight from the decisions.
            let max = usize::MAX;
            Ok(py.detach(|| {
                self.inner
                    .evaluate_batch_json_texts(&units, as_of, &options, &unreadable, max, max)
                    .concat()
            }))
        })
    }

    /// Runs a whole population through the program's run model for one cycle: membership states,
    /// deduplication, selection (priority, ranking, `top`, budget), approval against a fund and
    /// the summary. `units` are dicts as for `evaluate_batch`; `cycle` holds the run's options
    /// (`{"previous": {"H1": "enrolled"}, "top": 100, "budget": "150000", "fund": {"posted": …},
    /// "summary": {…}, "compare_with": {…}}`, every key optional). Returns the run as plain data:
    /// `{"units": [...], "totals": {...}, "summary": {...}, "comparison": {...}}`. Raises
    /// `entitle.RunError` (`R0101` …, the engine's error object as `details`) when the run cannot
    /// be carried out, as Node's and WebAssembly's `runCycle` throw theirs. A `float` anywhere is
    /// a `TypeError`.
    #[pyo3(signature = (units, as_of, cycle = None))]
    fn run_cycle<'py>(
        &self,
        py: Python<'py>,
        units: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        cycle: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let units = units_of(units)?
                .map(|u| py_to_json(&u?))
                .collect::<PyResult<Vec<Json>>>()?;
            let as_of = match as_of.cast::<pyo3::types::PyString>() {
                Ok(s) => s.to_str()?.to_string(),
                Err(_) => py_to_json(as_of)?
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| {
                        pyo3::exceptions::PyTypeError::new_err(
                            "as_of must be a datetime.date or an ISO 8601 string",
                        )
                    })?,
            };
            let options = match cycle {
                Some(c) if c.is_none() => Json::Null,
                // A list would be read field by field (`[]` as no options) and a string refused
                // as options that are not valid: a TypeError, as Node's and WebAssembly's.
                Some(c) if crate::convert::Map::of(c)?.is_none() => {
                    return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                        "cycle must be a mapping of options (a dict), not `{}`",
                        c.get_type().name()?
                    )))
                }
                Some(c) => py_to_json(c)?,
                None => Json::Null,
            };
            let out = py.detach(|| self.inner.run_cycle_json(&units, &as_of, &options));
            // A run that cannot be carried out is `{"error"}` alone (a run's records carry
            // their own errors under `units`).
            if let (Some(error), None) = (out.get("error"), out.get("units")) {
                return Err(crate::errors::run_error(py, error));
            }
            json_to_py(py, &out)
        })
    }

    /// `run_cycle` for JSON callers: `units` a JSON array, `cycle` a JSON object (or `None`);
    /// returns the run's JSON text.
    #[pyo3(signature = (units, as_of, cycle = None))]
    fn run_cycle_json(
        &self,
        py: Python<'_>,
        units: &str,
        as_of: &str,
        cycle: Option<&str>,
    ) -> PyResult<String> {
        guard(py, || {
            let units: Vec<Json> = serde_json::from_str(units).map_err(|e| {
                crate::errors::call_error(
                    py,
                    "R0010",
                    format!("the units are not a JSON array: {e}"),
                )
            })?;
            let options: Json = match cycle {
                Some(c) => serde_json::from_str(c).map_err(|e| {
                    crate::errors::call_error(
                        py,
                        "R0010",
                        format!("the cycle options are not JSON: {e}"),
                    )
                })?,
                None => Json::Null,
            };
            Ok(py
                .detach(|| self.inner.run_cycle_json(&units, as_of, &options))
                .to_string())
        })
    }

    /// Runs the tests written inside the program; failure sentences in `locale`, else in the
    /// locale the program was compiled with, else in English (as Node's and WebAssembly's
    /// `runTests`; an unknown locale is English).
    #[pyo3(signature = (*, locale = None))]
    fn run_tests(&self, py: Python<'_>, locale: Option<&str>) -> PyResult<Vec<PyTestOutcome>> {
        guard(py, || {
            let catalog = crate::meta::catalog_of(locale.or(self.locale.as_deref()));
            let outcomes = py.detach(|| self.inner.run_tests_localized(catalog));
            Ok(outcomes.into_iter().map(PyTestOutcome::from).collect())
        })
    }

    /// The program identifier.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.ir().id
    }

    /// The human title, if declared.
    #[getter]
    fn title(&self) -> Option<&str> {
        self.inner.ir().title.as_deref()
    }

    /// The version, if declared.
    #[getter]
    fn version(&self) -> Option<&str> {
        self.inner.ir().version.as_deref()
    }

    /// `sha256:` and the hex digest of the program text; part of every decision.
    #[getter]
    fn hash(&self) -> &str {
        self.inner.hash()
    }

    /// `"household"` or `"individual"`.
    #[getter]
    fn target(&self) -> &'static str {
        match self.inner.target() {
            entitle_core::dsl::ast::Target::Household => "household",
            entitle_core::dsl::ast::Target::Individual => "individual",
        }
    }

    /// The program's ISO 4217 currency, if it has one.
    #[getter]
    fn currency(&self) -> Option<String> {
        self.inner.currency().map(|c| c.to_string())
    }

    /// The inputs the program declares (what a unit dict may carry), in declaration order.
    #[getter]
    fn inputs(&self) -> Vec<PyInput> {
        self.inner.inputs().iter().map(PyInput::from).collect()
    }

    /// The parameters, with their effective-dated values.
    #[getter]
    fn params(&self) -> Vec<PyParam> {
        self.inner.params().iter().map(PyParam::from).collect()
    }

    /// The eligibility rules, in written order.
    #[getter]
    fn rules(&self) -> Vec<PyRule> {
        self.inner.rules().iter().map(PyRule::from).collect()
    }

    /// The entitlement items, in written order.
    #[getter]
    fn items(&self) -> Vec<PyItem> {
        self.inner.items().iter().map(PyItem::from).collect()
    }

    /// Units of measure of the in-kind items.
    #[getter]
    fn units_of_measure(&self) -> Vec<String> {
        self.inner
            .units_of_measure()
            .iter()
            .map(|u| u.to_string())
            .collect()
    }

    /// Translated sentences: locale → identifier → text (`"title"` for the title), as Node's and
    /// WebAssembly's `translations`.
    #[getter]
    fn translations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            crate::convert::to_py_data(py, &self.inner.ir().translations)
        })
    }

    /// Warnings found while compiling (unused parameters, missing translations …), in the locale
    /// the program was compiled with (English when none), as in Node and WebAssembly.
    #[getter]
    fn warnings(&self) -> Vec<PyDiagnostic> {
        let warnings = self.inner.warnings();
        let warnings = match &self.locale {
            Some(l) => warnings.localized(entitle_core::dsl::locale::catalog(l)),
            None => warnings.clone(),
        };
        warnings.into_iter().map(PyDiagnostic::from).collect()
    }

    /// Pickles as its source text, compiled again when unpickled (by `multiprocessing`, a job
    /// queue …) with the same locale; the content hash, part of every decision, stays the same.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let compile = py.import("entitle._native")?.getattr("compile")?;
        let compile = match &self.locale {
            // `compile(source, locale=…)` once unpickled: the locale is keyword-only.
            Some(l) => {
                let kwargs = pyo3::types::PyDict::new(py);
                kwargs.set_item("locale", l)?;
                py.import("functools")?
                    .getattr("partial")?
                    .call((compile,), Some(&kwargs))?
            }
            None => compile,
        };
        Ok((compile, (self.source.clone(),)))
    }

    /// A program is immutable: a copy is the program itself.
    fn __copy__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __deepcopy__<'a>(slf: PyRef<'a, Self>, _memo: &Bound<'_, PyAny>) -> PyRef<'a, Self> {
        slf
    }

    /// Programs compiled from the same text are equal (their content hashes are).
    fn __richcmp__(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PyAny>,
        op: pyo3::basic::CompareOp,
    ) -> Py<PyAny> {
        let other = other.cast::<PyProgram>().ok();
        crate::results::compare(
            py,
            &self.inner.hash(),
            other.as_ref().map(|o| o.get().inner.hash()).as_ref(),
            op,
        )
    }

    fn __hash__(&self) -> isize {
        crate::results::hash_of(&[self.inner.hash()])
    }

    fn __repr__(&self) -> String {
        let ir = self.inner.ir();
        match &ir.version {
            Some(v) => format!("<Program {} version {}>", ir.id, v),
            None => format!("<Program {}>", ir.id),
        }
    }
}
