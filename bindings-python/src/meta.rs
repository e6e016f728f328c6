//! What a program declares (inputs, parameters, rules, items), its diagnostics and the outcomes of
//! its own tests, as read-only Python objects.

use crate::convert::{date_to_py, to_py_data, value_to_py};
use entitle_core::dsl::codes::{self, Severity};
use entitle_core::dsl::ir;
use entitle_core::dsl::Span;
use entitle_core::{Diagnostic, TestOutcome};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple, PyType};

/// The catalogue of `locale` (English when absent or unknown).
pub(crate) fn catalog_of(locale: Option<&str>) -> &'static entitle_core::dsl::locale::Catalog {
    match locale {
        Some(l) => entitle_core::dsl::locale::catalog(l),
        None => entitle_core::dsl::locale::english(),
    }
}

/// A problem found in program text: a stable `code` (`E0101` …, `W0001` …), a `severity`
/// (`"error"` or `"warning"`), where it is (`line` and `column` from 1, the column in characters;
/// `start` and `end` byte offsets), a `message` and, when there is something useful to say, `help`.
#[pyclass(frozen, name = "Diagnostic", module = "entitle")]
pub(crate) struct PyDiagnostic {
    inner: Diagnostic,
}

impl From<Diagnostic> for PyDiagnostic {
    fn from(inner: Diagnostic) -> Self {
        PyDiagnostic { inner }
    }
}

#[pymethods]
impl PyDiagnostic {
    /// Builds a diagnostic from its fields (as `pickle` does). `code` must be one of Entitle's
    /// diagnostic codes; `severity` is `"error"` or `"warning"`.
    #[new]
    #[pyo3(signature = (code, severity, message, line, column, start, end, help = None))]
    #[allow(clippy::too_many_arguments)] // the diagnostic's fields, one argument each
    fn new(
        code: &str,
        severity: &str,
        message: String,
        line: u32,
        column: u32,
        start: usize,
        end: usize,
        help: Option<String>,
    ) -> PyResult<Self> {
        let Some((code, _)) = codes::ALL.iter().find(|(c, _)| *c == code) else {
            return Err(PyValueError::new_err(format!(
                "`{code}` is not a diagnostic code"
            )));
        };
        let severity = match severity {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            _ => {
                return Err(PyValueError::new_err(
                    "severity must be \"error\" or \"warning\"",
                ))
            }
        };
        let mut inner = Diagnostic::new(
            code,
            Span {
                start,
                end,
                line,
                column,
            },
        );
        inner.severity = severity;
        inner.message = message;
        inner.help = help;
        Ok(PyDiagnostic { inner })
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let d = &slf.get().inner;
        let args = (
            d.code,
            d.severity.to_string(),
            d.message.clone(),
            d.span.line,
            d.span.column,
            d.span.start,
            d.span.end,
            d.help.clone(),
        );
        Ok((slf.get_type(), args.into_pyobject(py)?))
    }

    /// Stable code such as `E0101`.
    #[getter]
    fn code(&self) -> &'static str {
        self.inner.code
    }

    /// `"error"` or `"warning"`.
    #[getter]
    fn severity(&self) -> String {
        self.inner.severity.to_string()
    }

    /// What is wrong.
    #[getter]
    fn message(&self) -> &str {
        &self.inner.message
    }

    /// How to fix it, if there is something useful to say.
    #[getter]
    fn help(&self) -> Option<&str> {
        self.inner.help.as_deref()
    }

    /// Line of the first character, from 1.
    #[getter]
    fn line(&self) -> u32 {
        self.inner.span.line
    }

    /// Column of the first character, from 1, counted in characters.
    #[getter]
    fn column(&self) -> u32 {
        self.inner.span.column
    }

    /// Byte offset where the problem starts.
    #[getter]
    fn start(&self) -> usize {
        self.inner.span.start
    }

    /// Byte offset one past where it ends.
    #[getter]
    fn end(&self) -> usize {
        self.inner.span.end
    }

    /// The diagnostic in Entitle's JSON shape: `{"code", "severity", "span": {"start", "end",
    /// "line", "column"}, "message", "help"?}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::errors::guard(py, || to_py_data(py, &self.inner))
    }

    /// Renders the diagnostic like a compiler: code and message, `file:line:column`, the source
    /// line with a caret under the problem, then the help. `source` is the program text.
    fn render(&self, py: Python<'_>, source: &str, file: &str) -> PyResult<String> {
        crate::errors::guard(py, || Ok(self.inner.render_with_source(source, file)))
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "<Diagnostic {} {}:{} {:?}>",
            self.inner.code, self.inner.span.line, self.inner.span.column, self.inner.message
        )
    }
}

/// An input the program declares: where it lives (`scope`: `"household"`, `"member"` or
/// `"person"`), its `name` (the key in a unit or member dict), its `type` (`"money KES"`,
/// `"date"` …), a `label` for forms, its `default` and allowed `choices`, and whether any rule,
/// item or `let` reads it (`used`).
#[pyclass(frozen, name = "Input", module = "entitle")]
pub(crate) struct PyInput {
    inner: ir::Input,
}

impl From<&ir::Input> for PyInput {
    fn from(i: &ir::Input) -> Self {
        PyInput { inner: i.clone() }
    }
}

#[pymethods]
impl PyInput {
    /// `"household"`, `"member"` or `"person"`.
    #[getter]
    fn scope(&self) -> &'static str {
        self.inner.scope.keyword()
    }

    /// The key in a unit (or member) dict.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The declared type, as written in programs: `"bool"`, `"number"`, `"money KES"`, `"date"`,
    /// `"text"`, `"quantity kg"`, `"list of text"`.
    #[getter]
    fn r#type(&self) -> String {
        self.inner.ty.to_string()
    }

    /// A label for forms.
    #[getter]
    fn label(&self) -> Option<&str> {
        self.inner.label.as_deref()
    }

    /// The value used when the input is missing (`None`: none declared, so missing is unknown).
    #[getter]
    fn default<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match &self.inner.default {
            Some(v) => value_to_py(py, v),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// The allowed values, when declared with `one of`.
    #[getter]
    fn choices<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyList>>> {
        let Some(choices) = &self.inner.choices else {
            return Ok(None);
        };
        let list = PyList::empty(py);
        for c in choices {
            list.append(value_to_py(py, c)?)?;
        }
        Ok(Some(list))
    }

    /// Whether any rule, item or `let` reads it.
    #[getter]
    fn used(&self) -> bool {
        self.inner.used
    }

    /// The input in Entitle's JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::errors::guard(py, || to_py_data(py, &self.inner))
    }

    fn __repr__(&self) -> String {
        format!(
            "<Input {}.{}: {}>",
            self.inner.scope.keyword(),
            self.inner.name,
            self.inner.ty
        )
    }
}

/// A parameter: its `name`, `type`, `label`, and `values`, a list of `(in_force_from, value)`
/// pairs sorted by date (`in_force_from` is `None` for a value in force from the beginning).
#[pyclass(frozen, name = "Param", module = "entitle")]
pub(crate) struct PyParam {
    inner: ir::Param,
}

impl From<&ir::Param> for PyParam {
    fn from(p: &ir::Param) -> Self {
        PyParam { inner: p.clone() }
    }
}

#[pymethods]
impl PyParam {
    /// The name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The type, as written in programs.
    #[getter]
    fn r#type(&self) -> String {
        self.inner.ty.to_string()
    }

    /// A label for explanations.
    #[getter]
    fn label(&self) -> Option<&str> {
        self.inner.label.as_deref()
    }

    /// `(in_force_from, value)` pairs, sorted by date.
    #[getter]
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for v in &self.inner.values {
            let from = match v.from {
                Some(d) => date_to_py(py, d)?,
                None => py.None().into_bound(py),
            };
            list.append(PyTuple::new(py, [from, value_to_py(py, &v.value)?])?)?;
        }
        Ok(list)
    }

    /// The parameter in Entitle's JSON shape, the object Node's and WebAssembly's `params` hold:
    /// `{"name", "type": {"type": "money", "currency": "KES"}, "label"?, "values": [{"from",
    /// "value"}]}`, values as text (`"KES 1500"`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::errors::guard(py, || to_py_data(py, &self.inner))
    }

    fn __repr__(&self) -> String {
        format!("<Param {}: {}>", self.inner.name, self.inner.ty)
    }
}

/// An eligibility rule: its `id`, `kind` (`"when"`: must hold; `"unless"`: excludes when it
/// holds), its human `sentence`, and the `line` where it is written.
#[pyclass(frozen, name = "Rule", module = "entitle")]
pub(crate) struct PyRule {
    #[pyo3(get)]
    id: String,
    #[pyo3(get)]
    kind: &'static str,
    #[pyo3(get)]
    sentence: String,
    #[pyo3(get)]
    line: u32,
}

impl From<&ir::Rule> for PyRule {
    fn from(r: &ir::Rule) -> Self {
        let kind = match r.kind {
            entitle_core::dsl::ast::RuleKind::When => "when",
            entitle_core::dsl::ast::RuleKind::Unless => "unless",
        };
        PyRule {
            id: r.id.clone(),
            kind,
            sentence: r.sentence.clone(),
            line: r.span.line,
        }
    }
}

#[pymethods]
impl PyRule {
    /// The rule as Node's and WebAssembly's `rules` hold it: `{"id", "kind", "sentence", "line"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let json = serde_json::json!({"id": self.id, "kind": self.kind, "sentence": self.sentence,
            "line": self.line});
        crate::errors::guard(py, || crate::convert::json_to_py(py, &json))
    }

    fn __repr__(&self) -> String {
        format!("<Rule {} {:?}>", self.id, self.sentence)
    }
}

/// An entitlement item: its `id`, `kind` (`"cash"` or `"in_kind"`), human `sentence`, the `unit`
/// of measure of an in-kind item, and the `line` where it is written.
#[pyclass(frozen, name = "Item", module = "entitle")]
pub(crate) struct PyItem {
    #[pyo3(get)]
    id: String,
    #[pyo3(get)]
    kind: &'static str,
    #[pyo3(get)]
    sentence: String,
    #[pyo3(get)]
    unit: Option<String>,
    #[pyo3(get)]
    line: u32,
}

pub(crate) fn item_kind(k: entitle_core::dsl::ast::ItemKind) -> &'static str {
    match k {
        entitle_core::dsl::ast::ItemKind::Cash => "cash",
        entitle_core::dsl::ast::ItemKind::InKind => "in_kind",
    }
}

impl From<&ir::Item> for PyItem {
    fn from(i: &ir::Item) -> Self {
        PyItem {
            id: i.id.clone(),
            kind: item_kind(i.kind),
            sentence: i.sentence.clone(),
            unit: i.unit.clone(),
            line: i.span.line,
        }
    }
}

#[pymethods]
impl PyItem {
    /// The item as Node's and WebAssembly's `items` hold it: `{"id", "kind", "sentence", "unit",
    /// "line"}` (`unit` None for cash).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let json = serde_json::json!({"id": self.id, "kind": self.kind, "sentence": self.sentence,
            "unit": self.unit, "line": self.line});
        crate::errors::guard(py, || crate::convert::json_to_py(py, &json))
    }

    fn __repr__(&self) -> String {
        format!("<Item {} {:?}>", self.id, self.sentence)
    }
}

/// The outcome of one test written inside the program: its `name`, the `line` of its `test`
/// line, whether it `passed`, and one sentence per expectation that did not hold (`failures`).
#[pyclass(frozen, name = "TestOutcome", module = "entitle")]
pub(crate) struct PyTestOutcome {
    #[pyo3(get)]
    name: String,
    #[pyo3(get)]
    line: u32,
    #[pyo3(get)]
    passed: bool,
    #[pyo3(get)]
    failures: Vec<String>,
}

impl From<TestOutcome> for PyTestOutcome {
    fn from(t: TestOutcome) -> Self {
        PyTestOutcome {
            name: t.name,
            line: t.line,
            passed: t.passed,
            failures: t.failures,
        }
    }
}

#[pymethods]
impl PyTestOutcome {
    fn __repr__(&self) -> String {
        format!(
            "<TestOutcome {:?} {}>",
            self.name,
            if self.passed { "passed" } else { "failed" }
        )
    }
}
