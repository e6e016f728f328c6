//! Decisions and unit errors as Python objects. Each keeps the engine's record and converts a field
//! only when it is read, so a batch of 100,000 results costs one small object per unit.

use crate::convert::{date_to_py, decimal_to_py, opt_decimal, to_py_data};
use crate::errors::guard;
use crate::parts::{PyCashTotals, PyItemResult, PyRuleOutcome};
use entitle_core::json::{decision_to_json, error_to_json};
use entitle_core::{Decision, Program, UnitError};
use pyo3::basic::CompareOp;
use pyo3::exceptions::{PyIndexError, PyOverflowError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PySlice};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The results of one call, shared by the objects that show them: a batch's records are built
/// once, without the GIL, and each `Decision` or `UnitError` is a view of one of them.
pub(crate) struct Shared {
    pub(crate) results: Vec<Result<Decision, UnitError>>,
    pub(crate) program: Program,
}

impl Shared {
    /// The Python object for result `index`: a `Decision` or a `UnitError`.
    pub(crate) fn object<'py>(
        self: &Arc<Self>,
        py: Python<'py>,
        index: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let shared = Arc::clone(self);
        Ok(match self.results.get(index) {
            Some(Ok(_)) => Bound::new(py, PyDecision { shared, index })?.into_any(),
            Some(Err(_)) => Bound::new(py, PyUnitError { shared, index })?.into_any(),
            None => return Err(PyIndexError::new_err("result index out of range")),
        })
    }
}

impl Drop for Shared {
    /// A large batch's records are freed on a worker thread, so that whoever lets go of them last
    /// (the `Results`, an iterator over it, or the last `Decision` read from it) does not hold the
    /// GIL for the many small frees.
    fn drop(&mut self) {
        if self.results.len() >= 10_000 {
            let results = std::mem::take(&mut self.results);
            rayon::spawn(move || drop(results));
        }
    }
}

/// `==` and `!=` between two results of the same class, by value; anything else is left to Python.
pub(crate) fn compare<T: PartialEq>(
    py: Python<'_>,
    a: &T,
    b: Option<&T>,
    op: CompareOp,
) -> Py<PyAny> {
    match (op, b) {
        (CompareOp::Eq, Some(b)) => (a == b)
            .into_pyobject(py)
            .map(|x| x.to_owned().into_any().unbind()),
        (CompareOp::Ne, Some(b)) => (a != b)
            .into_pyobject(py)
            .map(|x| x.to_owned().into_any().unbind()),
        _ => Ok(py.NotImplemented()),
    }
    .unwrap_or_else(|_| py.NotImplemented())
}

/// A hash of the fields that equal results share (amounts are compared as numbers, so `1.0` and
/// `1.00` are equal: they are not hashed).
pub(crate) fn hash_of(parts: &[&str]) -> isize {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    // Python hashes are isize; truncating the u64 is fine for a hash.
    h.finish() as isize
}

fn gone() -> PyErr {
    PyIndexError::new_err("internal error: the result is not where it was recorded")
}

/// The results of `Program.evaluate_batch`: a read-only sequence with one `Decision` or
/// `UnitError` per unit, in the order of the units. Objects are made as they are read, so a batch
/// of 100,000 units costs one Python object until its results are looked at. (A `Decision` kept
/// after its `Results` keeps the batch's records in memory; `to_dict()` copies one out.)
#[pyclass(frozen, sequence, name = "Results", module = "entitle")]
pub(crate) struct PyResults {
    pub(crate) shared: Arc<Shared>,
}

#[pymethods]
impl PyResults {
    fn __len__(&self) -> usize {
        self.shared.results.len()
    }

    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        index: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let n = self.shared.results.len();
        if let Ok(slice) = index.cast::<PySlice>() {
            let ind = slice.indices(isize::try_from(n).unwrap_or(isize::MAX))?;
            let list = PyList::empty(py);
            let mut i = ind.start;
            for _ in 0..ind.slicelength {
                list.append(
                    self.shared
                        .object(py, usize::try_from(i).unwrap_or(usize::MAX))?,
                )?;
                i += ind.step;
            }
            return Ok(list.into_any());
        }
        // An index beyond isize is out of range, as for a list (not an OverflowError).
        let i: isize = index.extract().map_err(|e: PyErr| {
            if e.is_instance_of::<PyOverflowError>(py) {
                PyIndexError::new_err("results index out of range")
            } else {
                e
            }
        })?;
        let i = if i < 0 {
            i + isize::try_from(n).unwrap_or(isize::MAX)
        } else {
            i
        };
        let i =
            usize::try_from(i).map_err(|_| PyIndexError::new_err("results index out of range"))?;
        if i >= n {
            return Err(PyIndexError::new_err("results index out of range"));
        }
        self.shared.object(py, i)
    }

    /// The position of the first result equal to `value` (a Sequence's `index`).
    #[pyo3(signature = (value, start = 0, stop = None))]
    fn index(
        &self,
        py: Python<'_>,
        value: &Bound<'_, PyAny>,
        start: isize,
        stop: Option<isize>,
    ) -> PyResult<usize> {
        // Negative bounds count from the end and bounds are clipped, as for a list.
        let n = self.shared.results.len();
        let bound = |b: isize| {
            let b = if b < 0 {
                b.saturating_add_unsigned(n)
            } else {
                b
            };
            usize::try_from(b).unwrap_or(0).min(n)
        };
        for i in bound(start)..stop.map_or(n, bound) {
            if self.shared.object(py, i)?.eq(value)? {
                return Ok(i);
            }
        }
        Err(pyo3::exceptions::PyValueError::new_err(
            "the value is not in the results",
        ))
    }

    /// How many results are equal to `value` (a Sequence's `count`).
    fn count(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<usize> {
        let mut n = 0;
        for i in 0..self.shared.results.len() {
            n += usize::from(self.shared.object(py, i)?.eq(value)?);
        }
        Ok(n)
    }

    fn __iter__(&self) -> PyResultsIterator {
        PyResultsIterator {
            shared: Arc::clone(&self.shared),
            next: AtomicUsize::new(0),
        }
    }

    fn __repr__(&self) -> String {
        let errors = self.shared.results.iter().filter(|r| r.is_err()).count();
        format!(
            "<Results of {} units, {} errors>",
            self.shared.results.len(),
            errors
        )
    }
}

/// Iterator over `Results`.
#[pyclass(frozen, name = "ResultsIterator", module = "entitle")]
pub(crate) struct PyResultsIterator {
    shared: Arc<Shared>,
    next: AtomicUsize,
}

#[pymethods]
impl PyResultsIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        if i >= self.shared.results.len() {
            self.next
                .store(self.shared.results.len(), Ordering::Relaxed);
            return Ok(None);
        }
        self.shared.object(py, i).map(Some)
    }
}

/// The decision for one unit (a household or an individual).
///
/// `outcome` is `"eligible"`, `"not_eligible"` or `"undetermined"`; `rules` gives every rule's
/// outcome in written order (the reasons); `missing` names the inputs whose absence left the
/// answer open; `items`, `cash` and `in_kind` give the entitlement of an eligible unit, with money
/// as `decimal.Decimal`. `explanation` (when asked for) holds the values that decided each rule
/// and item; `explain(locale)` renders it as text. `to_dict()` and `to_json()` give Entitle's one
/// JSON result shape, identical in every language.
#[pyclass(frozen, name = "Decision", module = "entitle")]
pub(crate) struct PyDecision {
    shared: Arc<Shared>,
    index: usize,
}

impl PyDecision {
    fn d(&self) -> PyResult<&Decision> {
        match self.shared.results.get(self.index) {
            Some(Ok(d)) => Ok(d),
            _ => Err(gone()),
        }
    }
}

#[pymethods]
impl PyDecision {
    /// The unit's id.
    #[getter]
    fn unit_id(&self) -> PyResult<&str> {
        Ok(&self.d()?.unit_id)
    }

    /// The identifier of the program that decided.
    #[getter]
    fn program_id(&self) -> PyResult<&str> {
        Ok(&self.d()?.program.id)
    }

    /// The version of the program that decided, if it declares one.
    #[getter]
    fn program_version(&self) -> PyResult<Option<&str>> {
        Ok(self.d()?.program.version.as_deref())
    }

    /// `sha256:…` of the program text that decided.
    #[getter]
    fn program_hash(&self) -> PyResult<&str> {
        Ok(&self.d()?.program.hash)
    }

    /// The as-of date.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        date_to_py(py, self.d()?.as_of)
    }

    /// `"eligible"`, `"not_eligible"` or `"undetermined"`.
    #[getter]
    fn outcome(&self) -> PyResult<&'static str> {
        Ok(self.d()?.outcome.as_str())
    }

    /// True when the unit is eligible.
    #[getter]
    fn eligible(&self) -> PyResult<bool> {
        Ok(self.d()?.outcome == entitle_core::Outcome::Eligible)
    }

    /// Every rule's outcome, in written order.
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(
            py,
            self.d()?
                .rules
                .iter()
                .map(|r| PyRuleOutcome { inner: r.clone() }),
        )
    }

    /// The inputs whose absence left a rule unknown (and `head` when a household has none), sorted.
    #[getter]
    fn missing(&self) -> PyResult<Vec<String>> {
        Ok(self.d()?.missing.iter().map(|m| m.to_string()).collect())
    }

    /// Every entitlement item (empty unless eligible).
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(
            py,
            self.d()?
                .items
                .iter()
                .map(|i| PyItemResult { inner: i.clone() }),
        )
    }

    /// Cash totals, for eligible units of programs with cash items; otherwise `None`.
    #[getter]
    fn cash(&self) -> PyResult<Option<PyCashTotals>> {
        Ok(self.d()?.cash.clone().map(|inner| PyCashTotals { inner }))
    }

    /// The cash entitlement after cap, floor and rounding (`cash.total`), or `None`.
    #[getter]
    fn cash_total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_decimal(py, self.d()?.cash.as_ref().map(|c| &c.total))
    }

    /// In-kind totals: unit of measure → quantity.
    #[getter]
    fn in_kind<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for q in &self.d()?.in_kind {
            d.set_item(q.unit.as_str(), decimal_to_py(py, &q.quantity)?)?;
        }
        Ok(d)
    }

    /// Each score's value (`None` when unknown), by score id; the breakdown per component is in
    /// `to_dict()["scores"]`.
    #[getter]
    fn scores<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for s in &self.d()?.scores {
            d.set_item(s.id.as_str(), opt_decimal(py, s.value.as_ref())?)?;
        }
        Ok(d)
    }

    /// The explanation, when the unit was evaluated with `explain=True`, as plain data:
    /// `{"rules": [{"id", "kind", "outcome", "values": [{"name", "source", "value", …}]}],
    /// "items": […], "adjustments": [{"kind": "cap" | "floor" | "round" | "zero", …}]}`.
    #[getter]
    fn explanation<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || match &self.d()?.explanation {
            Some(e) => to_py_data(py, e),
            None => Ok(py.None().into_bound(py)),
        })
    }

    /// The decision as text in `locale` (`"en"`, `"fr"` …; an unknown locale gives English), with
    /// the program's own translations: the decision, each rule with the values that decided it
    /// (when evaluated with `explain=True`), each item, the adjustments and the totals.
    fn explain(&self, py: Python<'_>, locale: &str) -> PyResult<String> {
        guard(py, || {
            Ok(entitle_core::explain::render::decision_text(
                &self.shared.program,
                self.d()?,
                locale,
            ))
        })
    }

    /// The decision in Entitle's JSON shape, as plain Python data (amounts and dates as strings).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            crate::convert::json_to_py(py, &decision_to_json(self.d()?))
        })
    }

    /// The decision as JSON text, byte for byte what Rust, Node and WebAssembly write.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(decision_to_json(self.d()?).to_string()))
    }

    /// Equal when every field is: the same unit, program, as-of date, outcome, reasons, amounts
    /// (as numbers) and explanation.
    fn __richcmp__(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PyAny>,
        op: CompareOp,
    ) -> PyResult<Py<PyAny>> {
        let other = other.cast::<PyDecision>().ok();
        let b = match &other {
            Some(o) => Some(o.get().d()?),
            None => None,
        };
        Ok(compare(py, self.d()?, b, op))
    }

    fn __hash__(&self) -> PyResult<isize> {
        let d = self.d()?;
        Ok(hash_of(&[
            &d.unit_id,
            &d.program.hash,
            d.outcome.as_str(),
            &d.as_of.to_string(),
        ]))
    }

    /// A decision is immutable: a copy is the decision itself.
    fn __copy__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __deepcopy__<'a>(slf: PyRef<'a, Self>, _memo: &Bound<'_, PyAny>) -> PyRef<'a, Self> {
        slf
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(pyo3::exceptions::PyTypeError::new_err(
            "a Decision cannot be pickled: pickle decision.to_dict() or decision.to_json() instead",
        ))
    }

    fn __repr__(&self) -> PyResult<String> {
        let d = self.d()?;
        Ok(match &d.cash {
            Some(c) => format!(
                "<Decision {} {} cash={} {}>",
                d.unit_id,
                d.outcome.as_str(),
                c.currency,
                c.total
            ),
            None => format!("<Decision {} {}>", d.unit_id, d.outcome.as_str()),
        })
    }
}

/// A unit of a batch that could not be evaluated (bad data, a division by zero …). The rest of the
/// batch is unaffected. `code` is stable (`R0001` …); `message` names the rule, item or input,
/// never a registrant's values.
#[pyclass(frozen, name = "UnitError", module = "entitle")]
pub(crate) struct PyUnitError {
    shared: Arc<Shared>,
    index: usize,
}

impl PyUnitError {
    fn e(&self) -> PyResult<&UnitError> {
        match self.shared.results.get(self.index) {
            Some(Err(e)) => Ok(e),
            _ => Err(gone()),
        }
    }
}

#[pymethods]
impl PyUnitError {
    /// The unit's id (empty when the unit had none).
    #[getter]
    fn unit_id(&self) -> PyResult<&str> {
        Ok(&self.e()?.unit_id)
    }

    /// The stable error code (`R0001` …).
    #[getter]
    fn code(&self) -> PyResult<&'static str> {
        Ok(self.e()?.code())
    }

    /// What went wrong, in English.
    #[getter]
    fn message(&self) -> PyResult<String> {
        Ok(self.e()?.error.to_string())
    }

    /// The error in Entitle's JSON shape: `{"unit_id", "error": {"code", "message", …}}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            crate::convert::json_to_py(py, &error_to_json(self.e()?))
        })
    }

    /// The error as JSON text, byte for byte what Rust writes.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(error_to_json(self.e()?).to_string()))
    }

    /// The same error as an `entitle.EvaluationError`, ready to raise; its `details` equal
    /// `to_dict()["error"]`.
    fn to_exception<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        // Guarded like to_dict(): it now serializes the error for `details`.
        guard(py, || {
            Ok(crate::errors::evaluation_error(py, self.e()?)
                .into_value(py)
                .into_bound(py)
                .into_any())
        })
    }

    /// Equal when the unit id and the error (code and details) are.
    fn __richcmp__(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PyAny>,
        op: CompareOp,
    ) -> PyResult<Py<PyAny>> {
        let other = other.cast::<PyUnitError>().ok();
        let b = match &other {
            Some(o) => Some(o.get().e()?),
            None => None,
        };
        Ok(compare(py, self.e()?, b, op))
    }

    fn __hash__(&self) -> PyResult<isize> {
        let e = self.e()?;
        Ok(hash_of(&[&e.unit_id, &e.error.to_string()]))
    }

    fn __copy__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __deepcopy__<'a>(slf: PyRef<'a, Self>, _memo: &Bound<'_, PyAny>) -> PyRef<'a, Self> {
        slf
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(pyo3::exceptions::PyTypeError::new_err(
            "a UnitError cannot be pickled: pickle error.to_dict(), or raise error.to_exception() (which pickles)",
        ))
    }

    fn __repr__(&self) -> PyResult<String> {
        let e = self.e()?;
        Ok(format!("<UnitError {} {}>", e.unit_id, e.code()))
    }
}
