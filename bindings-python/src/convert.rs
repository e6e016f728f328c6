//! Type conversions between Python objects and Entitle's values.
//!
//! Python → Entitle follows the JSON boundary table of `entitle_core::json`, with Python types in
//! place of JSON ones:
//!
//! | Python | Entitle |
//! | --- | --- |
//! | `None`, or the key absent | unknown |
//! | `bool` | bool |
//! | `int`, `decimal.Decimal` | number (money or quantity when the input is one) |
//! | `str` | parsed by the input's declared type, as a registry cell is (`"KES 1500"`, `"2026-03-01"`, `"yes"`) |
//! | `datetime.date`, `datetime.datetime` | date (a date-time keeps its date) |
//! | `list`, `tuple` | list |
//! | `{"amount": …, "currency": "KES"}` | money |
//! | a list of dicts under a record collection's name | the unit's records (`records visits …`) |
//! | `float` | refused: the unit fails with R0005 (a binary float is not an exact amount) |
//!
//! Entitle → Python: numbers and amounts are `decimal.Decimal`, dates `datetime.date`, unknown is
//! `None`. `to_dict()` gives the JSON shape itself (amounts and dates as strings), the same bytes in
//! every language.

use chrono::{Datelike, NaiveDate};
use entitle_core::parse::{parse_date, parse_decimal};
use entitle_core::{BatchBuilder, Currency, EvalError, Money, Value};
use pyo3::exceptions::{PyKeyError, PyTypeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyDate, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple, PyType,
};
use pyo3::PyTypeInfo;
use rust_decimal::Decimal;
use serde_json::Value as Json;
use std::borrow::Cow;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `decimal.Decimal(text)`.
pub(crate) fn decimal_to_py<'py>(py: Python<'py>, d: &Decimal) -> PyResult<Bound<'py, PyAny>> {
    DECIMAL
        .import(py, "decimal", "Decimal")?
        .call1((d.to_string(),))
}

/// An optional decimal as `Decimal | None`.
pub(crate) fn opt_decimal<'py>(
    py: Python<'py>,
    d: Option<&Decimal>,
) -> PyResult<Bound<'py, PyAny>> {
    match d {
        Some(d) => decimal_to_py(py, d),
        None => Ok(py.None().into_bound(py)),
    }
}

/// `datetime.date(y, m, d)`.
pub(crate) fn date_to_py(py: Python<'_>, d: NaiveDate) -> PyResult<Bound<'_, PyAny>> {
    // Months and days are 1..=12 and 1..=31, so the narrowing cannot fail.
    let month = u8::try_from(d.month()).unwrap_or(1);
    let day = u8::try_from(d.day()).unwrap_or(1);
    Ok(PyDate::new(py, d.year(), month, day)?.into_any())
}

/// A value of the language as a Python object (`None` for unknown).
pub(crate) fn value_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Unknown => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => decimal_to_py(py, n)?,
        Value::Money(m) => decimal_to_py(py, &m.amount)?,
        Value::Quantity(q) => decimal_to_py(py, &q.amount)?,
        Value::Date(d) => date_to_py(py, *d)?,
        Value::Text(t) => PyString::new(py, t).into_any(),
        Value::List(items) => {
            let list = PyList::empty(py);
            for x in items {
                list.append(value_to_py(py, x)?)?;
            }
            list.into_any()
        }
    })
}

/// JSON as plain Python data: objects are dicts, arrays lists, strings str, integers int; a
/// non-integer number (none occurs in Entitle's shapes, which write amounts as strings) is a Decimal.
pub(crate) fn json_to_py<'py>(py: Python<'py>, v: &Json) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Json::Null => py.None().into_bound(py),
        Json::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Json::Number(n) => match n.as_i64() {
            Some(i) => i.into_pyobject(py)?.into_any(),
            None => DECIMAL
                .import(py, "decimal", "Decimal")?
                .call1((n.to_string(),))?,
        },
        Json::String(s) => PyString::new(py, s).into_any(),
        Json::Array(a) => {
            let list = PyList::empty(py);
            for x in a {
                list.append(json_to_py(py, x)?)?;
            }
            list.into_any()
        }
        Json::Object(o) => {
            let dict = PyDict::new(py);
            for (k, x) in o {
                dict.set_item(k, json_to_py(py, x)?)?;
            }
            dict.into_any()
        }
    })
}

/// A serialisable value as plain Python data (through its JSON shape).
pub(crate) fn to_py_data<'py>(
    py: Python<'py>,
    v: &impl serde::Serialize,
) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(v).map_err(|e| PyTypeError::new_err(e.to_string()))?;
    json_to_py(py, &json)
}

/// Python data as JSON, for the engine's JSON entry points: mappings, lists and tuples, `None`,
/// `bool`, `int`, `decimal.Decimal` (as the exact JSON number), `str`, and dates (ISO 8601
/// strings). A `float` is refused (`TypeError`): it is not an exact number.
pub(crate) fn py_to_json(obj: &Bound<'_, PyAny>) -> PyResult<Json> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Json::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Json::String(s.to_str()?.to_string()));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Json::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>()
        || obj.is_instance(DECIMAL.import(py, "decimal", "Decimal")?)?
    {
        let text = obj.str()?.to_str()?.to_string();
        // The value stays out of the message: it may be a registrant's (SECURITY.md).
        let number = decimal_text(&text).map_err(|e| {
            PyTypeError::new_err(format!("a decimal.Decimal or int was refused: {e}"))
        })?;
        return serde_json::from_str::<Json>(&number.to_string())
            .map_err(|e| PyTypeError::new_err(e.to_string()));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(
            "a float is not an exact number: pass a decimal.Decimal, an int or a str",
        ));
    }
    if let Some(d) = date_of(obj)? {
        return Ok(Json::String(d.format("%Y-%m-%d").to_string()));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return obj
            .try_iter()?
            .map(|x| py_to_json(&x?))
            .collect::<PyResult<Vec<_>>>()
            .map(Json::Array);
    }
    if let Some(m) = Map::of(obj)? {
        let items = match &m {
            Map::Dict(d) => d.items().into_any(),
            Map::Other(o) => o.items()?.into_any(),
        };
        let mut out = serde_json::Map::new();
        for kv in items.try_iter()? {
            let (k, v): (String, Bound<'_, PyAny>) = kv?.extract()?;
            out.insert(k, py_to_json(&v)?);
        }
        return Ok(Json::Object(out));
    }
    Err(PyTypeError::new_err(format!(
        "values of Python type `{}` cannot be sent to the engine",
        obj.get_type().name()?
    )))
}

/// The date of a `datetime.date` or `datetime.datetime`, if `obj` is one.
fn date_of(obj: &Bound<'_, PyAny>) -> PyResult<Option<NaiveDate>> {
    if !obj.is_instance_of::<PyDate>() {
        return Ok(None);
    }
    // `toordinal()` counts days from 0001-01-01 = 1, as chrono's days from the common era do; a
    // datetime gives its own date.
    let ordinal: i32 = obj
        .call_method0(intern!(obj.py(), "toordinal"))?
        .extract()?;
    Ok(NaiveDate::from_num_days_from_ce_opt(ordinal))
}

/// The as-of date of a call: a `datetime.date` (or datetime) or an ISO 8601 string. A string that
/// is not a date is an error for every unit of the call (as in the JSON façade); any other type is
/// a `TypeError`.
pub(crate) fn as_of_date(as_of: &Bound<'_, PyAny>) -> PyResult<Result<NaiveDate, EvalError>> {
    if let Some(d) = date_of(as_of)? {
        return Ok(Ok(d));
    }
    if let Ok(s) = as_of.cast::<PyString>() {
        return Ok(
            parse_date(s.to_str()?.trim()).ok_or_else(|| EvalError::InvalidUnit {
                reason: "the as-of date must be an ISO 8601 date such as 2026-03-01".into(),
            }),
        );
    }
    Err(PyTypeError::new_err(
        "as_of must be a datetime.date or an ISO 8601 string such as \"2026-03-01\"",
    ))
}

fn decimal_text(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let parsed = if t.contains(['e', 'E']) {
        Decimal::from_scientific(t).ok()
    } else {
        parse_decimal(t)
    };
    parsed.ok_or_else(|| "the number is out of range or not exact".to_string())
}

/// A Python scalar or list as a value; `Err` is the reason a value is refused (never the value).
fn to_value(obj: &Bound<'_, PyAny>) -> PyResult<Result<Value, String>> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Ok(Value::Unknown));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Ok(Value::Text(s.to_str()?.to_string())));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Ok(Value::Bool(b.is_true())));
    }
    // The common registry types are recognised by their exact type first (cheap), subclasses below.
    let ty = obj.get_type();
    if ty.is(PyDate::type_object(py)) {
        return Ok(date_of(obj)?
            .map(Value::Date)
            .ok_or_else(|| "the date is out of range".to_string()));
    }
    let decimal = DECIMAL.import(py, "decimal", "Decimal")?;
    if ty.is(decimal) {
        return Ok(decimal_text(&obj.str()?.to_cow()?).map(Value::Number));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(match obj.extract::<i64>() {
            Ok(i) => Ok(Value::Number(Decimal::from(i))),
            Err(_) => decimal_text(&obj.str()?.to_cow()?).map(Value::Number),
        });
    }
    if obj.is_instance_of::<PyFloat>() {
        return Ok(Err(
            "a float is not an exact number: pass a decimal.Decimal, an int or a str".into(),
        ));
    }
    if obj.is_instance(decimal)? {
        return Ok(decimal_text(&obj.str()?.to_cow()?).map(Value::Number));
    }
    if let Some(d) = date_of(obj)? {
        return Ok(Ok(Value::Date(d)));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for x in obj.try_iter()? {
            match to_value(&x?)? {
                Ok(v) => items.push(v),
                Err(e) => return Ok(Err(e)),
            }
        }
        return Ok(Ok(Value::List(items)));
    }
    if let Some(m) = Map::of(obj)? {
        return money(&m);
    }
    let name = obj.get_type().name()?;
    Ok(Err(format!(
        "values of Python type `{name}` are not accepted"
    )))
}

/// `{"amount": …, "currency": "KES"}` as money.
fn money(m: &Map<'_>) -> PyResult<Result<Value, String>> {
    let py = m.py();
    let Some(amount) = m.get(intern!(py, "amount"))? else {
        return Ok(Err("a mapping must be an amount with a currency".into()));
    };
    let currency = match m.get(intern!(py, "currency"))? {
        Some(c) => match c.cast::<PyString>() {
            Ok(s) => Currency::from_code(s.to_str()?),
            Err(_) => None,
        },
        None => None,
    };
    let Some(currency) = currency else {
        return Ok(Err("the amount has no valid currency".into()));
    };
    let amount = match to_value(&amount)? {
        Ok(Value::Number(n)) => n,
        Ok(Value::Text(t)) => match parse_decimal(t.trim()) {
            Some(n) => n,
            None => return Ok(Err("the amount is not a number".into())),
        },
        Ok(_) => return Ok(Err("the amount is not a number".into())),
        Err(e) => return Ok(Err(e)),
    };
    Ok(Ok(Value::Money(Money { amount, currency })))
}

/// A dict, or any other mapping (looked up by `[key]`, `KeyError` meaning absent).
enum Map<'py> {
    Dict(Bound<'py, PyDict>),
    Other(Bound<'py, PyMapping>),
}

impl<'py> Map<'py> {
    fn of(obj: &Bound<'py, PyAny>) -> PyResult<Option<Map<'py>>> {
        if let Ok(d) = obj.cast::<PyDict>() {
            return Ok(Some(Map::Dict(d.clone())));
        }
        Ok(obj.cast::<PyMapping>().ok().map(|m| Map::Other(m.clone())))
    }

    fn len(&self) -> PyResult<usize> {
        match self {
            Map::Dict(d) => Ok(d.len()),
            Map::Other(m) => m.len(),
        }
    }

    fn py(&self) -> Python<'py> {
        match self {
            Map::Dict(d) => d.py(),
            Map::Other(m) => m.py(),
        }
    }

    fn get(&self, key: &Bound<'py, PyString>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self {
            Map::Dict(d) => d.get_item(key),
            Map::Other(m) => match m.get_item(key) {
                Ok(v) => Ok(Some(v)),
                Err(e) if e.is_instance_of::<PyKeyError>(m.py()) => Ok(None),
                Err(e) => Err(e),
            },
        }
    }
}

/// A unit or member id: a string, or an integer written in decimal.
fn id_of<'a>(v: Option<&'a Bound<'_, PyAny>>) -> PyResult<Option<Cow<'a, str>>> {
    let Some(v) = v else { return Ok(None) };
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Some(Cow::Borrowed(s.to_str()?)));
    }
    if v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>() {
        return Ok(Some(Cow::Owned(v.str()?.to_str()?.to_string())));
    }
    Ok(None)
}

fn membership_date(
    v: Option<Bound<'_, PyAny>>,
    field: impl Fn() -> String,
) -> PyResult<Result<Option<NaiveDate>, EvalError>> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(Ok(None));
    };
    if let Some(d) = date_of(&v)? {
        return Ok(Ok(Some(d)));
    }
    if let Ok(s) = v.cast::<PyString>() {
        let t = s.to_str()?.trim();
        if t.is_empty() {
            return Ok(Ok(None));
        }
        return Ok(parse_date(t)
            .map(Some)
            .ok_or_else(|| EvalError::InvalidValue {
                field: field(),
                reason: "expected a date in ISO 8601 form, such as 2026-03-01".into(),
            }));
    }
    Ok(Err(EvalError::InvalidValue {
        field: field(),
        reason: "expected a datetime.date or an ISO 8601 string".into(),
    }))
}

/// Fills a [`BatchBuilder`] from Python units, looking each declared input up by key (keys are
/// interned once per call), with no JSON text and no name-keyed copy in between.
pub(crate) struct Binder<'py> {
    py: Python<'py>,
    builder: BatchBuilder,
    unit_keys: Vec<(Bound<'py, PyString>, String)>,
    member_keys: Vec<(Bound<'py, PyString>, String)>,
    /// Record collections: the collection's key, and its fields' keys.
    record_keys: Vec<(
        Bound<'py, PyString>,
        String,
        Vec<(Bound<'py, PyString>, String)>,
    )>,
    has_members: bool,
}

/// What went wrong with one unit's data: the unit keeps its place and fails with this error.
type DataResult = Result<(), EvalError>;

impl<'py> Binder<'py> {
    pub(crate) fn new(py: Python<'py>, program: &entitle_core::Program) -> Binder<'py> {
        let builder = program.batch_builder();
        let layout = builder.layout();
        let keys = |inputs: &[entitle_core::dsl::ir::Input]| {
            inputs
                .iter()
                .map(|i| (PyString::intern(py, &i.name), i.name.clone()))
                .collect()
        };
        let unit_keys = keys(layout.unit_inputs());
        let member_keys = keys(layout.member_inputs());
        let record_keys = layout
            .records()
            .iter()
            .map(|(name, fields)| (PyString::intern(py, name), name.clone(), keys(fields)))
            .collect();
        let has_members = layout.has_members();
        Binder {
            py,
            builder,
            unit_keys,
            member_keys,
            record_keys,
            has_members,
        }
    }

    /// The filled batch.
    pub(crate) fn finish(self) -> entitle_core::Batch {
        self.builder.finish()
    }

    /// Adds one unit. Bad data fails that unit (it keeps its place in the batch); an exception
    /// raised by the caller's own objects (a mapping whose lookup fails) propagates.
    pub(crate) fn add(&mut self, unit: &Bound<'py, PyAny>) -> PyResult<()> {
        let py = self.py;
        let Some(map) = Map::of(unit)? else {
            self.builder.start_unit("");
            self.builder.fail_unit(EvalError::InvalidUnit {
                reason: "a unit must be a mapping (a dict)".into(),
            });
            return Ok(());
        };
        let id_obj = map.get(intern!(py, "id"))?;
        let id = id_of(id_obj.as_ref())?;
        self.builder.start_unit(id.as_deref().unwrap_or(""));
        let outcome = match id {
            None => Err(EvalError::InvalidUnit {
                reason: "the unit has no `id` (a string or an integer)".into(),
            }),
            Some(_) => self.fill(&map)?,
        };
        match outcome {
            Ok(()) => self.builder.finish_unit(),
            Err(e) => self.builder.fail_unit(e),
        }
        Ok(())
    }

    fn fill(&mut self, map: &Map<'py>) -> PyResult<DataResult> {
        let py = self.py;
        for slot in 0..self.unit_keys.len() {
            let Some((key, _)) = self.unit_keys.get(slot) else {
                continue;
            };
            if let Some(v) = map.get(key)? {
                if let Err(e) = self.set(slot, None, &v)? {
                    return Ok(Err(e));
                }
            }
        }
        let members = match map.get(intern!(py, "members"))? {
            None => None,
            Some(m) if m.is_none() => None,
            Some(m) if m.is_instance_of::<PyList>() || m.is_instance_of::<PyTuple>() => Some(m),
            Some(_) => {
                return Ok(Err(EvalError::InvalidUnit {
                    reason: "`members` must be a list".into(),
                }))
            }
        };
        if let Some(members) = members {
            if members.len()? > 0 && !self.has_members {
                return Ok(Err(EvalError::InvalidUnit {
                    reason: "members were given for a program that targets individuals".into(),
                }));
            }
            for (index, m) in members.try_iter()?.enumerate() {
                if let Err(e) = self.member(index, &m?)? {
                    return Ok(Err(e));
                }
            }
        }
        for set in 0..self.record_keys.len() {
            if let Err(e) = self.records(map, set)? {
                return Ok(Err(e));
            }
        }
        Ok(Ok(()))
    }

    /// The records of collection `set`: a list of mappings under the collection's name, as in the
    /// JSON format (anything else under that name, as a list of amounts, is not records).
    fn records(&mut self, map: &Map<'py>, set: usize) -> PyResult<DataResult> {
        let py = self.py;
        let Some((key, name, _)) = self.record_keys.get(set) else {
            return Ok(Ok(()));
        };
        let name = name.clone();
        let Some(list) = map.get(key)? else {
            return Ok(Ok(()));
        };
        if !(list.is_instance_of::<PyList>() || list.is_instance_of::<PyTuple>()) {
            return Ok(Ok(()));
        }
        let mut records = Vec::new();
        let mut all_amounts = true;
        for r in list.try_iter()? {
            let r = r?;
            let Some(m) = Map::of(&r)? else {
                return Ok(Ok(()));
            };
            all_amounts &= m.len()? == 2
                && m.get(intern!(py, "amount"))?.is_some()
                && m.get(intern!(py, "currency"))?.is_some();
            records.push(m);
        }
        if records.is_empty() || all_amounts {
            return Ok(Ok(()));
        }
        for (i, record) in records.iter().enumerate() {
            if let Err(e) = self.builder.add_record(set) {
                return Ok(Err(e));
            }
            let n_fields = self
                .record_keys
                .get(set)
                .map(|(_, _, f)| f.len())
                .unwrap_or(0);
            for slot in 0..n_fields {
                let Some((field_key, field)) =
                    self.record_keys.get(set).and_then(|(_, _, f)| f.get(slot))
                else {
                    continue;
                };
                let field = field.clone();
                let Some(v) = record.get(field_key)? else {
                    continue;
                };
                let outcome = if let Ok(s) = v.cast::<PyString>() {
                    self.builder.set_record_text(set, slot, s.to_str()?)
                } else {
                    match to_value(&v)? {
                        Ok(value) => self.builder.set_record(set, slot, &value),
                        Err(reason) => Err(EvalError::InvalidValue {
                            field: format!("{name} #{}: {field}", i + 1),
                            reason,
                        }),
                    }
                };
                if let Err(e) = outcome {
                    return Ok(Err(e));
                }
            }
        }
        Ok(Ok(()))
    }

    fn member(&mut self, index: usize, m: &Bound<'py, PyAny>) -> PyResult<DataResult> {
        let py = self.py;
        let Some(map) = Map::of(m)? else {
            return Ok(Err(EvalError::InvalidUnit {
                reason: format!("member {} is not a mapping (a dict)", index + 1),
            }));
        };
        let id_obj = map.get(intern!(py, "id"))?;
        let id = id_of(id_obj.as_ref())?.unwrap_or_else(|| Cow::Owned(format!("#{}", index + 1)));
        let kind = match map.get(intern!(py, "kind"))? {
            Some(k) => Some(k),
            None => map.get(intern!(py, "kinds"))?,
        };
        // One kind (the usual case) needs no list.
        let mut kind_objects: Vec<Bound<'py, PyString>> = Vec::new();
        let mut single = None;
        match kind {
            None => {}
            Some(k) if k.is_none() => {}
            Some(k) => {
                if let Ok(s) = k.cast::<PyString>() {
                    single = Some(s.clone());
                } else if k.is_instance_of::<PyList>() || k.is_instance_of::<PyTuple>() {
                    for x in k.try_iter()? {
                        if let Ok(s) = x?.cast_into::<PyString>() {
                            kind_objects.push(s);
                        }
                    }
                } else {
                    return Ok(Err(EvalError::InvalidUnit {
                        reason: format!(
                            "member {id}: `kind` must be a string or a list of strings"
                        ),
                    }));
                }
            }
        }
        let one: [&str; 1];
        let many: Vec<&str>;
        let kinds: &[&str] = match &single {
            Some(s) => {
                one = [s.to_str()?];
                &one
            }
            None => {
                many = kind_objects
                    .iter()
                    .map(|s| s.to_str())
                    .collect::<PyResult<Vec<&str>>>()?;
                &many
            }
        };
        let start = match membership_date(map.get(intern!(py, "start_date"))?, || {
            format!("member {id}: start_date")
        })? {
            Ok(d) => d,
            Err(e) => return Ok(Err(e)),
        };
        let end = match membership_date(map.get(intern!(py, "end_date"))?, || {
            format!("member {id}: end_date")
        })? {
            Ok(d) => d,
            Err(e) => return Ok(Err(e)),
        };
        if let Err(e) = self.builder.add_member(&id, kinds, start, end) {
            return Ok(Err(e));
        }
        for slot in 0..self.member_keys.len() {
            let Some((key, _)) = self.member_keys.get(slot) else {
                continue;
            };
            if let Some(v) = map.get(key)? {
                if let Err(e) = self.set(slot, Some(&id), &v)? {
                    return Ok(Err(e));
                }
            }
        }
        Ok(Ok(()))
    }

    /// Sets one input: text goes through the input's own parsing, other values are converted.
    fn set(
        &mut self,
        slot: usize,
        member: Option<&str>,
        v: &Bound<'py, PyAny>,
    ) -> PyResult<DataResult> {
        if let Ok(s) = v.cast::<PyString>() {
            let text = s.to_str()?;
            return Ok(match member {
                None => self.builder.set_unit_text(slot, text),
                Some(_) => self.builder.set_member_text(slot, text),
            });
        }
        let value = match to_value(v)? {
            Ok(value) => value,
            Err(reason) => {
                let keys = if member.is_some() {
                    &self.member_keys
                } else {
                    &self.unit_keys
                };
                let name = keys.get(slot).map(|(_, n)| n.as_str()).unwrap_or("");
                let field = match member {
                    Some(m) => format!("member {m}: {name}"),
                    None => name.to_string(),
                };
                return Ok(Err(EvalError::InvalidValue { field, reason }));
            }
        };
        Ok(match member {
            None => self.builder.set_unit(slot, &value),
            Some(_) => self.builder.set_member(slot, &value),
        })
    }
}
