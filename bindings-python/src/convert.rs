//! Type conversions between Python objects and Entitle's values.
//!
//! Python → Entitle follows the JSON boundary table of `entitle_core::json`, with Python types in
//! place of JSON ones:
//!
//! | Python | Entitle |
//! | --- | --- |
//! | `None`, or the key absent | unknown |
//! | `bool` | bool |
//! | `int`, `decimal.Decimal` | number (money or quantity when the input is one; for a truth value, 1 or 0 only) |
//! | `str` | parsed by the input's declared type, as a registry cell is (`"KES 1500"`, `"2026-03-01"`, `"yes"`, `"on"`) |
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
use entitle_core::parse::{parse_date, parse_decimal, parse_scientific};
use entitle_core::{Currency, EvalError, Money, Value};
use pyo3::exceptions::{PyKeyError, PyTypeError, PyUnicodeEncodeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyDate, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple, PyType,
};
use pyo3::PyTypeInfo;
use rust_decimal::Decimal;
use serde_json::Value as Json;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Levels of lists and mappings below a unit that a value may have (real units have four at
/// most), as the JS bindings count them. Deeper data, or a list that contains itself, would
/// otherwise recurse until the native stack overflows, killing the interpreter.
pub(crate) const MAX_DEPTH: usize = 64;

/// Why a value nested deeper than [`MAX_DEPTH`] is refused (the JS bindings' words).
pub(crate) const TOO_DEEP: &str = "nested more than 64 levels deep, which is not unit data";

/// Why a string with a lone surrogate is refused: UTF-8 cannot hold it (it comes from text cut in
/// the middle of a UTF-16 pair, or from `surrogateescape` decoding of bytes that are not UTF-8).
pub(crate) const HALF_CHARACTER: &str = "text with half of a character (a lone UTF-16 surrogate, as when an emoji is cut in two, or bytes that were not UTF-8 decoded with surrogateescape), which is not unit data";

/// The UTF-8 text of a string, or `Err` with [`HALF_CHARACTER`] when it holds a lone surrogate
/// (Python's own `UnicodeEncodeError` would otherwise escape and fail a whole batch).
pub(crate) fn text_of<'a>(s: &'a Bound<'_, PyString>) -> PyResult<Result<&'a str, String>> {
    match s.to_str() {
        Ok(t) => Ok(Ok(t)),
        Err(e) if e.is_instance_of::<PyUnicodeEncodeError>(s.py()) => {
            Ok(Err(HALF_CHARACTER.to_string()))
        }
        Err(e) => Err(e),
    }
}

/// A string's text with each lone surrogate replaced by one U+FFFD, as JavaScript's strings reach
/// the engine in the Node and WebAssembly bindings: for ids and names shown in an error, and for
/// program text. (pyo3's `to_string_lossy` writes three, one per byte of the surrogate.)
pub(crate) fn lossy(s: &Bound<'_, PyString>) -> String {
    if let Ok(t) = s.to_str() {
        return t.to_string();
    }
    let units = s
        .call_method1(intern!(s.py(), "encode"), ("utf-16-le", "surrogatepass"))
        .and_then(|b| b.extract::<Vec<u8>>());
    match units {
        Ok(bytes) => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        Err(_) => s.to_string_lossy().into_owned(),
    }
}

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
/// strings). A `float` is refused (`TypeError`): it is not an exact number; so are keys that are
/// not strings, text with a lone surrogate and data nested more than [`MAX_DEPTH`] levels.
pub(crate) fn py_to_json(obj: &Bound<'_, PyAny>) -> PyResult<Json> {
    py_to_json_at(obj, 0)
}

fn py_to_json_at(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Json> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Json::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return match text_of(s)? {
            Ok(t) => Ok(Json::String(t.to_string())),
            Err(reason) => Err(PyTypeError::new_err(reason)),
        };
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
    let is_list = obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>();
    let map = if is_list { None } else { Map::of(obj)? };
    if (is_list || map.is_some()) && depth >= MAX_DEPTH {
        return Err(PyTypeError::new_err(TOO_DEEP));
    }
    if is_list {
        return obj
            .try_iter()?
            .map(|x| py_to_json_at(&x?, depth + 1))
            .collect::<PyResult<Vec<_>>>()
            .map(Json::Array);
    }
    if let Some(m) = map {
        let items = match &m {
            Map::Dict(d) => d.items().into_any(),
            Map::Other(o) => o.items()?.into_any(),
        };
        let mut out = serde_json::Map::new();
        for kv in items.try_iter()? {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = kv?.extract()?;
            let Ok(k) = k.cast::<PyString>() else {
                return Err(PyTypeError::new_err(format!(
                    "keys must be strings, not `{}`",
                    k.get_type().name()?
                )));
            };
            let k =
                text_of(k)?.map_err(|reason| PyTypeError::new_err(format!("a key is {reason}")))?;
            out.insert(k.to_string(), py_to_json_at(&v, depth + 1)?);
        }
        return Ok(Json::Object(out));
    }
    Err(PyTypeError::new_err(format!(
        "values of Python type `{}` cannot be sent to the engine",
        obj.get_type().name()?
    )))
}

/// The date of a `datetime.date` or `datetime.datetime`, if `obj` is one.
pub(crate) fn date_of(obj: &Bound<'_, PyAny>) -> PyResult<Option<NaiveDate>> {
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
            // A lone surrogate is a character no date has: U+FFFD, then not a date (as in JS).
            parse_date(lossy(s).trim()).ok_or_else(|| EvalError::InvalidUnit {
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
    // `Decimal('NaN')`, `Decimal('-Infinity')` …: say what they are, not "out of range".
    if t.trim_start_matches(['-', '+'])
        .starts_with(['N', 'n', 's', 'I', 'i'])
    {
        return Err("NaN and Infinity are not numbers".to_string());
    }
    // Exactly, as the JSON façade reads `1e-7`: a mantissa too long to keep is refused, not rounded.
    let parsed = if t.contains(['e', 'E']) {
        parse_scientific(t)
    } else {
        parse_decimal(t)
    };
    parsed.ok_or_else(|| "the number is out of range or not exact".to_string())
}

/// A Python scalar or list as a value; `Err` is the reason a value is refused (never the value).
pub(crate) fn to_value(obj: &Bound<'_, PyAny>) -> PyResult<Result<Value, String>> {
    // A unit's attribute is one level below the unit.
    to_value_at(obj, 1)
}

fn to_value_at(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Result<Value, String>> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Ok(Value::Unknown));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(text_of(s)?.map(|t| Value::Text(t.to_string())));
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
        if depth > MAX_DEPTH {
            return Ok(Err(TOO_DEEP.into()));
        }
        let mut items = Vec::new();
        for x in obj.try_iter()? {
            match to_value_at(&x?, depth + 1)? {
                Ok(v) => items.push(v),
                Err(e) => return Ok(Err(e)),
            }
        }
        return Ok(Ok(Value::List(items)));
    }
    if let Some(m) = Map::of(obj)? {
        if depth > MAX_DEPTH {
            return Ok(Err(TOO_DEEP.into()));
        }
        return money(&m, depth);
    }
    let name = obj.get_type().name()?;
    Ok(Err(format!(
        "values of Python type `{name}` are not accepted"
    )))
}

/// `{"amount": …, "currency": "KES"}` as money.
fn money(m: &Map<'_>, depth: usize) -> PyResult<Result<Value, String>> {
    let py = m.py();
    let Some(amount) = m.get(intern!(py, "amount"))? else {
        return Ok(Err("a mapping must be an amount with a currency".into()));
    };
    let currency = match m.get(intern!(py, "currency"))? {
        Some(c) => match c.cast::<PyString>() {
            Ok(s) => text_of(s)?.ok().and_then(Currency::from_code),
            Err(_) => None,
        },
        None => None,
    };
    let Some(currency) = currency else {
        return Ok(Err("the amount has no valid currency".into()));
    };
    let amount = match to_value_at(&amount, depth + 1)? {
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
pub(crate) enum Map<'py> {
    Dict(Bound<'py, PyDict>),
    Other(Bound<'py, PyMapping>),
}

impl<'py> Map<'py> {
    pub(crate) fn of(obj: &Bound<'py, PyAny>) -> PyResult<Option<Map<'py>>> {
        if let Ok(d) = obj.cast::<PyDict>() {
            return Ok(Some(Map::Dict(d.clone())));
        }
        Ok(obj.cast::<PyMapping>().ok().map(|m| Map::Other(m.clone())))
    }

    pub(crate) fn len(&self) -> PyResult<usize> {
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

    /// The keys as text (a key that is not a string as `str()` writes it), for strict binding.
    pub(crate) fn keys(&self) -> PyResult<Vec<String>> {
        let keys = match self {
            Map::Dict(d) => d.keys().into_any(),
            Map::Other(m) => m.keys()?.into_any(),
        };
        keys.try_iter()?
            .map(|k| {
                let k = k?;
                match k.cast::<PyString>() {
                    Ok(s) => Ok(lossy(s)),
                    Err(_) => Ok(lossy(&k.str()?)),
                }
            })
            .collect()
    }

    pub(crate) fn get(&self, key: &Bound<'py, PyString>) -> PyResult<Option<Bound<'py, PyAny>>> {
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
