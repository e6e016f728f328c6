//! The parts of a decision, as read-only Python objects: a rule's outcome, an item's result and
//! the cash totals. Each holds a copy of its part of the engine's record.

use crate::convert::{decimal_to_py, opt_decimal};
use crate::results::{compare, hash_of};
use entitle_core::{CashTotals, ItemResult, RuleOutcome};
use pyo3::basic::CompareOp;
use pyo3::prelude::*;

/// One rule's outcome for one unit: `id`, `kind` (`"when"` or `"unless"`), `outcome` (`"met"`,
/// `"not_met"` or `"unknown"`) and `code` (`"has_child:met"`, as in explanations and the corpus).
#[pyclass(frozen, name = "RuleOutcome", module = "entitle")]
pub(crate) struct PyRuleOutcome {
    pub(crate) inner: RuleOutcome,
}

#[pymethods]
impl PyRuleOutcome {
    /// Equal by value (amounts as numbers).
    fn __richcmp__(&self, py: Python<'_>, other: &Bound<'_, PyAny>, op: CompareOp) -> Py<PyAny> {
        let other = other.cast::<PyRuleOutcome>().ok();
        compare(py, &self.inner, other.as_ref().map(|o| &o.get().inner), op)
    }

    fn __hash__(&self) -> isize {
        hash_of(&[&self.inner.code()])
    }

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
    pub(crate) inner: ItemResult,
}

#[pymethods]
impl PyItemResult {
    /// Equal by value (amounts as numbers).
    fn __richcmp__(&self, py: Python<'_>, other: &Bound<'_, PyAny>, op: CompareOp) -> Py<PyAny> {
        let other = other.cast::<PyItemResult>().ok();
        compare(py, &self.inner, other.as_ref().map(|o| &o.get().inner), op)
    }

    fn __hash__(&self) -> isize {
        hash_of(&[&self.inner.id])
    }

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

    /// The cash value of an in-kind item with a price (`valued at`).
    #[getter]
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_decimal(py, self.inner.value.as_ref())
    }

    fn __repr__(&self) -> String {
        format!(
            "<ItemResult {} applied={} amount={}>",
            self.inner.id, self.inner.applied, self.inner.amount
        )
    }
}

/// Cash totals of one unit, with every adjustment recorded: `currency`, `items_total` (sum of the
/// applied items), `capped`, `floored`, `rounded`, `total` (after cap, floor and rounding), `fee`
/// (the transfer fee) and `net` (`total - fee`, what reaches the beneficiary). Amounts are Decimals.
#[pyclass(frozen, name = "CashTotals", module = "entitle")]
pub(crate) struct PyCashTotals {
    pub(crate) inner: CashTotals,
}

#[pymethods]
impl PyCashTotals {
    /// Equal by value (amounts as numbers).
    fn __richcmp__(&self, py: Python<'_>, other: &Bound<'_, PyAny>, op: CompareOp) -> Py<PyAny> {
        let other = other.cast::<PyCashTotals>().ok();
        compare(py, &self.inner, other.as_ref().map(|o| &o.get().inner), op)
    }

    fn __hash__(&self) -> isize {
        hash_of(&[&self.inner.currency.to_string()])
    }

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
        format!(
            "<CashTotals {} total={} net={}>",
            self.inner.currency, self.inner.total, self.inner.net
        )
    }
}
