//! Binding Python units into a batch: [`Binder`] reads each unit's declared inputs, members and
//! record collections straight from Python objects, with the value conversions of [`crate::convert`].

use crate::convert::{date_of, lossy, text_of, to_value, Map, HALF_CHARACTER};
use chrono::NaiveDate;
use entitle_core::parse::parse_date;
use entitle_core::{BatchBuilder, EvalError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyList, PyString, PyTuple};
use std::borrow::Cow;

/// A unit or member id: a string, or an integer written in decimal. An id with a lone surrogate
/// is kept with U+FFFD in its place (as the JS bindings read it); [`bad_id`] then fails its unit.
fn id_of<'a>(v: Option<&'a Bound<'_, PyAny>>) -> PyResult<Option<Cow<'a, str>>> {
    let Some(v) = v else { return Ok(None) };
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Some(match text_of(s)? {
            Ok(t) => Cow::Borrowed(t),
            Err(_) => Cow::Owned(lossy(s)),
        }));
    }
    if v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>() {
        return Ok(Some(Cow::Owned(v.str()?.to_str()?.to_string())));
    }
    Ok(None)
}

/// Whether an id is a string with a lone surrogate: R0005 for its unit, as in the JS bindings.
fn bad_id(v: Option<&Bound<'_, PyAny>>) -> PyResult<bool> {
    match v.and_then(|v| v.cast::<PyString>().ok()) {
        Some(s) => Ok(text_of(s)?.is_err()),
        None => Ok(false),
    }
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
        let t = match text_of(s)? {
            Ok(t) => t.trim(),
            Err(reason) => {
                return Ok(Err(EvalError::InvalidValue {
                    field: field(),
                    reason,
                }))
            }
        };
        if t.is_empty() {
            return Ok(Ok(None));
        }
        return Ok(parse_date(t)
            .map(Some)
            .ok_or_else(|| EvalError::InvalidValue {
                field: field(),
                reason: entitle_core::parse::date_problem(t).to_string(),
            }));
    }
    Ok(Err(EvalError::InvalidValue {
        field: field(),
        reason: "expected a datetime.date or an ISO 8601 string".into(),
    }))
}

/// Input names as Python strings (made once, to look up each object's items), with the names.
type Keys<'py> = Vec<(Bound<'py, PyString>, String)>;

/// Fills a [`BatchBuilder`] from Python units, looking each declared input up by key (keys are
/// interned once per call), with no JSON text and no name-keyed copy in between.
pub(crate) struct Binder<'py> {
    py: Python<'py>,
    builder: BatchBuilder,
    unit_keys: Keys<'py>,
    member_keys: Keys<'py>,
    /// Record collections: the collection's key, and its fields' keys.
    record_keys: Vec<(Bound<'py, PyString>, String, Keys<'py>)>,
    has_members: bool,
    /// Strict binding (`EvalOptions::strict`): a key the program does not declare fails its unit.
    strict: bool,
}

/// What went wrong with one unit's data: the unit keeps its place and fails with this error.
type DataResult = Result<(), EvalError>;

impl<'py> Binder<'py> {
    pub(crate) fn new(
        py: Python<'py>,
        program: &entitle_core::Program,
        options: &entitle_core::EvalOptions,
    ) -> Binder<'py> {
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
            strict: options.strict,
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
        let id_obj = map.get(intern!(py, "id"))?.filter(|v| !v.is_none());
        let id = id_of(id_obj.as_ref())?;
        self.builder.start_unit(id.as_deref().unwrap_or(""));
        let outcome = match (id, &id_obj) {
            (Some(_), _) if bad_id(id_obj.as_ref())? => Err(EvalError::InvalidValue {
                field: "id".into(),
                reason: HALF_CHARACTER.into(),
            }),
            (Some(_), _) => self.fill(&map)?,
            (None, None) => Err(EvalError::InvalidUnit {
                reason: "the unit has no `id` (a string or an integer)".into(),
            }),
            // Named by its type, not shown: an id of the wrong type is not the missing one.
            (None, Some(v)) => Err(EvalError::InvalidUnit {
                reason: format!(
                    "the unit's `id` must be a string or an integer, not `{}`",
                    v.get_type().name()?
                ),
            }),
        };
        match outcome {
            Ok(()) => self.builder.finish_unit(),
            Err(e) => self.builder.fail_unit(e),
        }
        Ok(())
    }

    fn fill(&mut self, map: &Map<'py>) -> PyResult<DataResult> {
        let py = self.py;
        if self.strict {
            if let Err(e) = self.check_names(map)? {
                return Ok(Err(e));
            }
        }
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

    /// With strict binding: R0011 for the first key the program does not declare, the unit's own,
    /// then each member's, then each record's (the core's order, `Layout::check_unit`), before
    /// any value is read. What is not of the expected shape is left for `fill` to report.
    fn check_names(&self, map: &Map<'py>) -> PyResult<DataResult> {
        let py = self.py;
        let layout = self.builder.layout();
        let keys = map.keys()?;
        if let Err(e) = layout.check_unit_keys(keys.iter().map(String::as_str)) {
            return Ok(Err(e));
        }
        if let Some(members) = map.get(intern!(py, "members"))? {
            if members.is_instance_of::<PyList>() || members.is_instance_of::<PyTuple>() {
                for (index, m) in members.try_iter()?.enumerate() {
                    let Some(m) = Map::of(&m?)? else { continue };
                    let id_obj = m.get(intern!(py, "id"))?;
                    let id = id_of(id_obj.as_ref())?
                        .unwrap_or_else(|| Cow::Owned(format!("#{}", index + 1)));
                    let keys = m.keys()?;
                    if let Err(e) = layout.check_member_keys(&id, keys.iter().map(String::as_str)) {
                        return Ok(Err(e));
                    }
                }
            }
        }
        for set in 0..self.record_keys.len() {
            for (i, record) in self.record_maps(map, set)?.iter().enumerate() {
                let keys = record.keys()?;
                if let Err(e) = layout.check_record_keys(set, i, keys.iter().map(String::as_str)) {
                    return Ok(Err(e));
                }
            }
        }
        Ok(Ok(()))
    }

    /// The records of collection `set`: a list of mappings under the collection's name, as in the
    /// JSON format (anything else under that name, as a list of amounts, is no records).
    fn record_maps(&self, map: &Map<'py>, set: usize) -> PyResult<Vec<Map<'py>>> {
        let py = self.py;
        let Some((key, _, _)) = self.record_keys.get(set) else {
            return Ok(Vec::new());
        };
        let Some(list) = map.get(key)? else {
            return Ok(Vec::new());
        };
        if !(list.is_instance_of::<PyList>() || list.is_instance_of::<PyTuple>()) {
            return Ok(Vec::new());
        }
        let mut records = Vec::new();
        let mut all_amounts = true;
        for r in list.try_iter()? {
            let r = r?;
            let Some(m) = Map::of(&r)? else {
                return Ok(Vec::new());
            };
            all_amounts &= m.len()? == 2
                && m.get(intern!(py, "amount"))?.is_some()
                && m.get(intern!(py, "currency"))?.is_some();
            records.push(m);
        }
        if all_amounts {
            records.clear();
        }
        Ok(records)
    }

    /// Binds the records of collection `set` (see [`Binder::record_maps`]).
    fn records(&mut self, map: &Map<'py>, set: usize) -> PyResult<DataResult> {
        let name = match self.record_keys.get(set) {
            Some((_, name, _)) => name.clone(),
            None => return Ok(Ok(())),
        };
        let records = self.record_maps(map, set)?;
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
                let bad = |reason| EvalError::InvalidValue {
                    field: format!("{name} #{}: {field}", i + 1),
                    reason,
                };
                let outcome = if let Ok(s) = v.cast::<PyString>() {
                    match text_of(s)? {
                        Ok(t) => self.builder.set_record_text(set, slot, t),
                        Err(reason) => Err(bad(reason)),
                    }
                } else {
                    match to_value(&v)? {
                        Ok(value) => self.builder.set_record(set, slot, &value),
                        Err(reason) => Err(bad(reason)),
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
        if bad_id(id_obj.as_ref())? {
            return Ok(Err(EvalError::InvalidValue {
                field: format!("member {id}: id"),
                reason: HALF_CHARACTER.into(),
            }));
        }
        let (kind, kind_key) = match map.get(intern!(py, "kind"))? {
            Some(k) => (Some(k), "kind"),
            None => (map.get(intern!(py, "kinds"))?, "kinds"),
        };
        let bad_kind = || EvalError::InvalidValue {
            field: format!("member {id}: {kind_key}"),
            reason: HALF_CHARACTER.into(),
        };
        // One kind (the usual case) needs no list.
        let mut kind_objects: Vec<Bound<'py, PyString>> = Vec::new();
        let mut single = None;
        match kind {
            None => {}
            Some(k) if k.is_none() => {}
            Some(k) => {
                if let Ok(s) = k.cast::<PyString>() {
                    if text_of(s)?.is_err() {
                        return Ok(Err(bad_kind()));
                    }
                    single = Some(s.clone());
                } else if k.is_instance_of::<PyList>() || k.is_instance_of::<PyTuple>() {
                    for x in k.try_iter()? {
                        match x?.cast_into::<PyString>() {
                            Ok(s) if text_of(&s)?.is_err() => return Ok(Err(bad_kind())),
                            Ok(s) => kind_objects.push(s),
                            // Dropping it would quietly change what the member counts as.
                            Err(_) => {
                                return Ok(Err(EvalError::InvalidUnit {
                                    reason: format!(
                                        "member {id}: `kind` must be a string or a list of strings"
                                    ),
                                }))
                            }
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
        let refused = |reason| {
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
            EvalError::InvalidValue { field, reason }
        };
        if let Ok(s) = v.cast::<PyString>() {
            let text = match text_of(s)? {
                Ok(t) => t,
                Err(reason) => return Ok(Err(refused(reason))),
            };
            return Ok(match member {
                None => self.builder.set_unit_text(slot, text),
                Some(_) => self.builder.set_member_text(slot, text),
            });
        }
        let value = match to_value(v)? {
            Ok(value) => value,
            Err(reason) => return Ok(Err(refused(reason))),
        };
        Ok(match member {
            None => self.builder.set_unit(slot, &value),
            Some(_) => self.builder.set_member(slot, &value),
        })
    }
}
