//! Units from their JSON form: each value read as the table in [`super`] says.

use crate::batch::{Layout, MEMBER_KEYS};
use crate::error::EvalError;
use crate::model::{Member, Unit};
use crate::parse::parse_date;
use chrono::NaiveDate;
use entitle_dsl::{Currency, Money, Value};
use serde_json::Value as Json;
use std::borrow::Cow;

pub(super) fn scalar(v: &Json, field: &str) -> Result<Value, EvalError> {
    Ok(match v {
        Json::Null => Value::Unknown,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => {
            // With serde_json's arbitrary_precision the text is exact; an exponent (`1e-7`, as
            // JavaScript prints small numbers) is read exactly, as Python's `Decimal("1E-7")` is.
            // The number's own text (arbitrary_precision), not a copy of it.
            let text = n.as_str();
            match rust_decimal::Decimal::from_str_exact(text)
                .ok()
                .or_else(|| crate::parse::parse_scientific(text))
            {
                Some(d) => Value::Number(d),
                None => {
                    return Err(EvalError::InvalidValue {
                        field: field.into(),
                        reason: "the number is out of range or not exact".into(),
                    })
                }
            }
        }
        Json::String(s) => Value::Text(s.clone()),
        Json::Array(items) => Value::List(
            items
                .iter()
                .map(|x| scalar(x, field))
                .collect::<Result<_, _>>()?,
        ),
        Json::Object(o) => {
            let amount = o.get("amount").ok_or_else(|| EvalError::InvalidValue {
                field: field.into(),
                reason: "an object must be an amount with a currency".into(),
            })?;
            let currency = o
                .get("currency")
                .and_then(Json::as_str)
                .and_then(Currency::from_code)
                .ok_or_else(|| EvalError::InvalidValue {
                    field: field.into(),
                    reason: "the amount has no valid currency".into(),
                })?;
            let text = match amount {
                Json::String(s) => s.as_str(),
                Json::Number(n) => n.as_str(),
                _ => {
                    return Err(EvalError::InvalidValue {
                        field: field.into(),
                        reason: "the amount is not a number".into(),
                    })
                }
            };
            let amount = crate::parse::parse_decimal(text)
                .or_else(|| {
                    matches!(amount, Json::Number(_))
                        .then(|| crate::parse::parse_scientific(text))
                        .flatten()
                })
                .ok_or_else(|| EvalError::InvalidValue {
                    field: field.into(),
                    reason: "the amount is not a number".into(),
                })?;
            Value::Money(Money { amount, currency })
        }
    })
}

pub(super) fn id_of(v: Option<&Json>) -> Option<String> {
    id_ref(v).map(Cow::into_owned)
}

/// An id (a string or a number) as it stands in the JSON, borrowed.
pub(super) fn id_ref(v: Option<&Json>) -> Option<Cow<'_, str>> {
    match v {
        Some(Json::String(s)) => Some(Cow::Borrowed(s.as_str())),
        Some(Json::Number(n)) => Some(Cow::Borrowed(n.as_str())),
        _ => None,
    }
}

fn date_of(
    v: Option<&Json>,
    field: impl FnOnce() -> String,
) -> Result<Option<NaiveDate>, EvalError> {
    match v {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Json::String(s)) => {
            parse_date(s.trim())
                .map(Some)
                .ok_or_else(|| EvalError::InvalidValue {
                    field: field(),
                    reason: crate::parse::date_problem(s.trim()).to_string(),
                })
        }
        Some(_) => Err(EvalError::InvalidValue {
            field: field(),
            reason: "expected a date string".into(),
        }),
    }
}

/// Which of a unit's keys a reader reads.
#[derive(Clone, Copy)]
enum Keys<'a> {
    /// Every key ([`unit_from_json`]).
    All,
    /// Only the names `Layout`'s program declares ([`unit_for`]).
    Declared(&'a Layout),
}

impl Keys<'_> {
    fn unit(self, key: &str) -> bool {
        match self {
            Keys::All => true,
            Keys::Declared(l) => l.declares_unit_key(key),
        }
    }

    fn member(self, key: &str) -> bool {
        match self {
            Keys::All => true,
            Keys::Declared(l) => l.declares_member_key(key),
        }
    }

    /// A field of the records under `name` (under the name of an input, which the binder refuses
    /// records for, the records are kept without their fields).
    fn record(self, name: &str, field: &str) -> bool {
        match self {
            Keys::All => true,
            Keys::Declared(l) => l.declares_record_key(name, field),
        }
    }

    /// A name under which nothing but records is read: a declared collection's.
    fn only_records(self, name: &str) -> bool {
        match self {
            Keys::All => false,
            Keys::Declared(l) => l.is_collection(name),
        }
    }
}

/// Reads a unit from its JSON form, every key of it: a value that is not of a form the table in
/// [`super`] gives fails the unit, whatever its key. The façade ([`crate::Program::evaluate_json`]
/// and the bindings) reads a unit for its program instead, which never reads a key the program
/// does not declare.
///
/// # Errors
/// [`EvalError::InvalidUnit`] or [`EvalError::InvalidValue`] when the shape is wrong.
pub fn unit_from_json(v: &Json) -> Result<Unit, EvalError> {
    read_unit(v, Keys::All)
}

/// Reads a unit from its JSON form for `layout`'s program, as the Python binding reads a
/// mapping: a key the program does not declare is not read, so its value, whatever it is, cannot
/// fail the unit; with `strict`, such a key is R0011, found before any value is read (the names
/// of the unit, then each member's, then each declared collection's records), so that every
/// binding reports the same first error for the same unit.
///
/// # Errors
/// [`EvalError::UnknownField`] (strict), [`EvalError::InvalidUnit`] or
/// [`EvalError::InvalidValue`].
pub(crate) fn unit_for(layout: &Layout, v: &Json, strict: bool) -> Result<Unit, EvalError> {
    if strict {
        if let Some(obj) = v.as_object() {
            if id_of(obj.get("id")).is_some() {
                check_names(layout, obj)?;
            }
        }
    }
    read_unit(v, Keys::Declared(layout))
}

/// R0011 for the first name `layout`'s program does not declare, in the order
/// [`Layout::check_unit`] takes a unit's names. What is not of the expected shape is left for the
/// reader to report.
pub(super) fn check_names(
    layout: &Layout,
    obj: &serde_json::Map<String, Json>,
) -> Result<(), EvalError> {
    layout.check_unit_keys(obj.keys().map(String::as_str))?;
    if let Some(Json::Array(members)) = obj.get("members") {
        for (index, m) in members.iter().enumerate() {
            let Some(m) = m.as_object() else { continue };
            let id = id_of(m.get("id")).unwrap_or_else(|| format!("#{}", index + 1));
            layout.check_member_keys(&id, m.keys().map(String::as_str))?;
        }
    }
    for (set, name) in layout.collection_names().enumerate() {
        let Some(Json::Array(items)) = obj.get(name) else {
            continue;
        };
        if !is_records(items) {
            continue;
        }
        for (i, r) in items.iter().enumerate() {
            let keys = r.as_object().into_iter().flat_map(|o| o.keys());
            layout.check_record_keys(set, i, keys.map(String::as_str))?;
        }
    }
    Ok(())
}

fn read_unit(v: &Json, keys: Keys<'_>) -> Result<Unit, EvalError> {
    let obj = v.as_object().ok_or_else(|| EvalError::InvalidUnit {
        reason: "a unit must be a JSON object".into(),
    })?;
    let id = id_of(obj.get("id")).ok_or_else(|| EvalError::InvalidUnit {
        reason: "the unit has no `id` (a string or a number)".into(),
    })?;
    let mut unit = Unit::new(id);
    for (k, v) in obj {
        match k.as_str() {
            "id" => {}
            "members" => {
                let members = match v {
                    Json::Null => continue,
                    Json::Array(a) => a,
                    _ => {
                        return Err(EvalError::InvalidUnit {
                            reason: "`members` must be an array".into(),
                        })
                    }
                };
                for (i, m) in members.iter().enumerate() {
                    unit.members.push(member_from_json(m, i, keys)?);
                }
            }
            _ if !keys.unit(k) => {}
            _ => match v {
                Json::Array(items) if is_records(items) => {
                    let mut records = Vec::with_capacity(items.len());
                    for (i, r) in items.iter().enumerate() {
                        let mut record = crate::model::Record::new();
                        let fields = r.as_object().into_iter().flatten();
                        for (field, value) in fields.filter(|(f, _)| keys.record(k, f)) {
                            record.insert(
                                field.clone(),
                                scalar(value, &format!("{k} #{}: {field}", i + 1))?,
                            );
                        }
                        records.push(record);
                    }
                    unit.records.insert(k.clone(), records);
                }
                // A collection's name with something other than records under it: no records,
                // as the binder reads a list of amounts there.
                _ if keys.only_records(k) => {}
                _ => {
                    unit.attributes.insert(k.clone(), scalar(v, k)?);
                }
            },
        }
    }
    Ok(unit)
}

/// An array of objects that are not all amounts: the records of a collection.
pub(super) fn is_records(items: &[Json]) -> bool {
    let is_amount = |o: &serde_json::Map<String, Json>| {
        o.len() == 2 && o.contains_key("amount") && o.contains_key("currency")
    };
    !items.is_empty()
        && items.iter().all(Json::is_object)
        && !items.iter().all(|x| x.as_object().is_some_and(is_amount))
}

/// A member's membership: its id (`#n` without one), kinds and dates, borrowed from its JSON.
pub(super) struct Membership<'a> {
    pub id: Cow<'a, str>,
    /// One kind (`"kind": "head"`), or a list whose elements are all strings.
    one: Option<&'a str>,
    many: &'a [Json],
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl<'a> Membership<'a> {
    /// The member's kinds.
    pub fn kinds(&self) -> impl Iterator<Item = &'a str> + Clone + 'a {
        self.one
            .into_iter()
            .chain(self.many.iter().filter_map(Json::as_str))
    }
}

/// The membership of the member at `index` (from 0).
pub(super) fn membership(m: &Json, index: usize) -> Result<Membership<'_>, EvalError> {
    let obj = m.as_object().ok_or_else(|| EvalError::InvalidUnit {
        reason: format!("the member at position {} is not a JSON object", index + 1),
    })?;
    let id = id_ref(obj.get("id")).unwrap_or_else(|| Cow::Owned(format!("#{}", index + 1)));
    let (one, many) = match obj.get("kind").or_else(|| obj.get("kinds")) {
        None | Some(Json::Null) => (None, &[][..]),
        Some(Json::String(s)) => (Some(s.as_str()), &[][..]),
        // Every element must be a string: dropping one would change what the member counts as.
        Some(Json::Array(a)) if a.iter().all(Json::is_string) => (None, a.as_slice()),
        Some(_) => {
            return Err(EvalError::InvalidUnit {
                reason: format!("member {id}: `kind` must be a string or an array of strings"),
            })
        }
    };
    // The field's name is made only for an error.
    let start = date_of(obj.get("start_date"), || format!("member {id}: start_date"))?;
    let end = date_of(obj.get("end_date"), || format!("member {id}: end_date"))?;
    Ok(Membership {
        id,
        one,
        many,
        start,
        end,
    })
}

fn member_from_json(m: &Json, index: usize, keys: Keys<'_>) -> Result<Member, EvalError> {
    let ms = membership(m, index)?;
    let mut member = Member {
        start_date: ms.start,
        end_date: ms.end,
        kinds: ms.kinds().map(str::to_string).collect(),
        id: ms.id.into_owned(),
        ..Member::default()
    };
    let obj = m.as_object().into_iter().flatten();
    for (k, v) in obj {
        if MEMBER_KEYS.contains(&k.as_str()) || !keys.member(k) {
            continue;
        }
        // Named as the binder names a member's value (`member M1: birthdate`); formatted only
        // for an error.
        let value = scalar(v, k).map_err(|e| match e {
            EvalError::InvalidValue { field, reason } => EvalError::InvalidValue {
                field: format!("member {}: {field}", member.id),
                reason,
            },
            other => other,
        })?;
        member.attributes.insert(k.clone(), value);
    }
    Ok(member)
}
