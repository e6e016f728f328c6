//! Decisions and unit errors as Python objects. Each keeps the engine's record and converts a field
//! only when it is read, so a batch of 100,000 results costs one small object per unit.

use crate::convert::{date_to_py, decimal_to_py, opt_decimal, to_py_data};
use crate::errors::guard;
use entitle_core::json::{decision_to_json, error_to_json};
use entitle_core::{CashTotals, Decision, ItemResult, Program, RuleOutcome, UnitError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

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
    pub(crate) inner: Decision,
    pub(crate) program: Program,
}

#[pymethods]
impl PyDecision {
    /// The unit's id.
    #[getter]
    fn unit_id(&self) -> &str {
        &self.inner.unit_id
    }

    /// The identifier of the program that decided.
    #[getter]
    fn program_id(&self) -> &str {
        &self.inner.program.id
    }

    /// The version of the program that decided, if it declares one.
    #[getter]
    fn program_version(&self) -> Option<&str> {
        self.inner.program.version.as_deref()
    }

    /// `sha256:…` of the program text that decided.
    #[getter]
    fn program_hash(&self) -> &str {
        &self.inner.program.hash
    }

    /// The as-of date.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        date_to_py(py, self.inner.as_of)
    }

    /// `"eligible"`, `"not_eligible"` or `"undetermined"`.
    #[getter]
    fn outcome(&self) -> &'static str {
        self.inner.outcome.as_str()
    }

    /// True when the unit is eligible.
    #[getter]
    fn eligible(&self) -> bool {
        self.inner.outcome == entitle_core::Outcome::Eligible
    }

    /// Every rule's outcome, in written order.
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.inner.rules.iter().map(|r| PyRuleOutcome { inner: r.clone() }))
    }

    /// The inputs whose absence left a rule unknown (and `head` when a household has none), sorted.
    #[getter]
    fn missing(&self) -> Vec<String> {
        self.inner.missing.clone()
    }

    /// Every entitlement item (empty unless eligible).
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.inner.items.iter().map(|i| PyItemResult { inner: i.clone() }))
    }

    /// Cash totals, for eligible units of programs with cash items; otherwise `None`.
    #[getter]
    fn cash(&self) -> Option<PyCashTotals> {
        self.inner.cash.clone().map(|inner| PyCashTotals { inner })
    }

    /// The cash entitlement after cap, floor and rounding (`cash.total`), or `None`.
    #[getter]
    fn cash_total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_decimal(py, self.inner.cash.as_ref().map(|c| &c.total))
    }

    /// In-kind totals: unit of measure → quantity.
    #[getter]
    fn in_kind<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for q in &self.inner.in_kind {
            d.set_item(&q.unit, decimal_to_py(py, &q.quantity)?)?;
        }
        Ok(d)
    }

    /// The explanation, when the unit was evaluated with `explain=True`, as plain data:
    /// `{"rules": [{"id", "kind", "outcome", "values": [{"name", "source", "value", …}]}],
    /// "items": […], "adjustments": [{"kind": "cap" | "floor" | "round" | "zero", …}]}`.
    #[getter]
    fn explanation<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || match &self.inner.explanation {
            Some(e) => to_py_data(py, e),
            None => Ok(py.None().into_bound(py)),
        })
    }

    /// The decision as text in `locale` (`"en"`, `"fr"` …; an unknown locale gives English), with
    /// the program's own translations: the decision, each rule with the values that decided it
    /// (when evaluated with `explain=True`), each item, the adjustments and the totals.
    fn explain(&self, py: Python<'_>, locale: &str) -> PyResult<String> {
        guard(py, || Ok(entitle_core::explain::render::decision_text(&self.program, &self.inner, locale)))
    }

    /// The decision in Entitle's JSON shape, as plain Python data (amounts and dates as strings).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || crate::convert::json_to_py(py, &decision_to_json(&self.inner)))
    }

    /// The decision as JSON text, byte for byte what Rust, Node and WebAssembly write.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(decision_to_json(&self.inner).to_string()))
    }

    fn __repr__(&self) -> String {
        match &self.inner.cash {
            Some(c) => format!("<Decision {} {} cash={} {}>", self.inner.unit_id, self.inner.outcome.as_str(), c.currency, c.total),
            None => format!("<Decision {} {}>", self.inner.unit_id, self.inner.outcome.as_str()),
        }
    }
}

/// A unit of a batch that could not be evaluated (bad data, a division by zero …). The rest of the
/// batch is unaffected. `code` is stable (`R0001` …); `message` names the rule, item or input,
/// never a registrant's values.
#[pyclass(frozen, name = "UnitError", module = "entitle")]
pub(crate) struct PyUnitError {
    pub(crate) inner: UnitError,
}

#[pymethods]
impl PyUnitError {
    /// The unit's id (empty when the unit had none).
    #[getter]
    fn unit_id(&self) -> &str {
        &self.inner.unit_id
    }

    /// The stable error code (`R0001` …).
    #[getter]
    fn code(&self) -> &'static str {
        self.inner.code()
    }

    /// What went wrong, in English.
    #[getter]
    fn message(&self) -> String {
        self.inner.error.to_string()
    }

    /// The error in Entitle's JSON shape: `{"unit_id", "error": {"code", "message", …}}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || crate::convert::json_to_py(py, &error_to_json(&self.inner)))
    }

    /// The error as JSON text, byte for byte what Rust writes.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(error_to_json(&self.inner).to_string()))
    }

    /// The same error as an `entitle.EvaluationError`, ready to raise.
    fn to_exception<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(crate::errors::evaluation_error(py, &self.inner).into_value(py).into_bound(py).into_any())
    }

    fn __repr__(&self) -> String {
        format!("<UnitError {} {}>", self.inner.unit_id, self.inner.code())
    }
}

/// One rule's outcome for one unit: `id`, `kind` (`"when"` or `"unless"`), `outcome` (`"met"`,
/// `"not_met"` or `"unknown"`) and `code` (`"has_child:met"`, as in explanations and the corpus).
#[pyclass(frozen, name = "RuleOutcome", module = "entitle")]
pub(crate) struct PyRuleOutcome {
    inner: RuleOutcome,
}

#[pymethods]
impl PyRuleOutcome {
    /// The rule's identifier.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// `"when"` or `"unless"`.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.inner.kind {
            entitle_core::dsl::ast::RuleKind::When => "when",
            entitle_core::dsl::ast::RuleKind::Unless => "unless",
        }
    }

    /// `"met"`, `"not_met"` or `"unknown"`.
    #[getter]
    fn outcome(&self) -> &'static str {
        self.inner.outcome.as_str()
    }

    /// `id:outcome`.
    #[getter]
    fn code(&self) -> String {
        self.inner.code()
    }

    fn __repr__(&self) -> String {
        format!("<RuleOutcome {}>", self.inner.code())
    }
}

/// One entitlement item's result: `id`, `kind` (`"cash"` or `"in_kind"`), whether it was
/// `applied`, the `amount` given (a Decimal; zero when not applied), the `currency` of a cash item
/// or `unit` of an in-kind one, and for an item with a multiplier its `rate`, `multiplier` and
/// `max_multiplier`.
#[pyclass(frozen, name = "ItemResult", module = "entitle")]
pub(crate) struct PyItemResult {
    inner: ItemResult,
}

#[pymethods]
impl PyItemResult {
    /// The item's identifier.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// `"cash"` or `"in_kind"`.
    #[getter]
    fn kind(&self) -> &'static str {
        crate::meta::item_kind(self.inner.kind)
    }

    /// Whether the item was given.
    #[getter]
    fn applied(&self) -> bool {
        self.inner.applied
    }

    /// The amount given.
    #[getter]
    fn amount<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal_to_py(py, &self.inner.amount)
    }

    /// The currency of a cash item.
    #[getter]
    fn currency(&self) -> Option<String> {
        self.inner.currency.map(|c| c.to_string())
    }

    /// The unit of measure of an in-kind item.
    #[getter]
    fn unit(&self) -> Option<&str> {
        self.inner.unit.as_deref()
    }

    /// The amount per multiplier unit.
    #[getter]
    fn rate<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_decimal(py, self.inner.rate.as_ref())
    }

    /// The multiplier as computed.
    #[getter]
    fn multiplier<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_decimal(py, self.inner.multiplier.as_ref())
    }

    /// The maximum multiplier.
    #[getter]
    fn max_multiplier<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_decimal(py, self.inner.max_multiplier.as_ref())
    }

    fn __repr__(&self) -> String {
        format!("<ItemResult {} applied={} amount={}>", self.inner.id, self.inner.applied, self.inner.amount)
    }
}

/// Cash totals of one unit, with every adjustment recorded: `currency`, `items_total` (sum of the
/// applied items), `capped`, `floored`, `rounded`, `total` (after cap, floor and rounding), `fee`
/// (the transfer fee) and `net` (`total - fee`, what reaches the beneficiary). Amounts are Decimals.
#[pyclass(frozen, name = "CashTotals", module = "entitle")]
pub(crate) struct PyCashTotals {
    inner: CashTotals,
}

#[pymethods]
impl PyCashTotals {
    /// ISO 4217 code.
    #[getter]
    fn currency(&self) -> String {
        self.inner.currency.to_string()
    }

    /// Sum of the applied cash items.
    #[getter]
    fn items_total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal_to_py(py, &self.inner.items_total)
    }

    /// Whether the cap lowered the total.
    #[getter]
    fn capped(&self) -> bool {
        self.inner.capped
    }

    /// Whether the floor raised the total.
    #[getter]
    fn floored(&self) -> bool {
        self.inner.floored
    }

    /// Whether rounding changed the total.
    #[getter]
    fn rounded(&self) -> bool {
        self.inner.rounded
    }

    /// The entitlement after cap, floor and rounding.
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal_to_py(py, &self.inner.total)
    }

    /// The transfer fee.
    #[getter]
    fn fee<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal_to_py(py, &self.inner.fee)
    }

    /// What reaches the beneficiary: `total - fee`.
    #[getter]
    fn net<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal_to_py(py, &self.inner.net)
    }

    fn __repr__(&self) -> String {
        format!("<CashTotals {} total={} net={}>", self.inner.currency, self.inner.total, self.inner.net)
    }
}
