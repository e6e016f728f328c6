//! Units from their JSON form: each value read as the table in [`super`] says.

use crate::batch::MEMBER_KEYS;
use crate::error::EvalError;
use crate::model::{Member, Unit};
use crate::parse::parse_date;
use chrono::NaiveDate;
use entitle_dsl::{Currency, Money, Value};
use serde_json::Value as Json;

fn scalar(v: &Json, field: &str) -> Result<Value, EvalError> {
    Ok(match v {
        Json::Null => Value::Unknown,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => {
            // With serde_json's arbitrary_precision the text is exact; an exponent (`1e-7`, as
            // JavaScript prints small numbers) is read exactly, as Python's `Decimal("1E-7")` is.
            let text = n.to_string();
            match rust_decimal::Decimal::from_str_exact(&text)
                .ok()
                .or_else(|| crate::parse::parse_scientific(&text))
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
                Json::String(s) => s.clone(),
                Json::Number(n) => n.to_string(),
                _ => {
                    return Err(EvalError::InvalidValue {
                        field: field.into(),
                        reason: "the amount is not a number".into(),
                    })
                }
            };
            let amount = crate::parse::parse_decimal(&text)
                .or_else(|| {
                    matches!(amount, Json::Number(_))
                        .then(|| crate::parse::parse_scientific(&text))
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
    match v {
        Some(Json::String(s)) => Some(s.clone()),
        Some(Json::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

fn date_of(v: Option<&Json>, field: &str) -> Result<Option<NaiveDate>, EvalError> {
    match v {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Json::String(s)) => {
            parse_date(s.trim())
                .map(Some)
                .ok_or_else(|| EvalError::InvalidValue {
                    field: field.into(),
                    reason: crate::parse::date_problem(s.trim()).to_string(),
                })
        }
        Some(_) => Err(EvalError::InvalidValue {
            field: field.into(),
            reason: "expected a date string".into(),
        }),
    }
}

/// Reads a unit from its JSON form.
///
/// # Errors
/// [`EvalError::InvalidUnit`] or [`EvalError::InvalidValue`] when the shape is wrong.
pub fn unit_from_json(v: &Json) -> Result<Unit, EvalError> {
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
                    unit.members.push(member_from_json(m, i)?);
                }
            }
            _ => match v {
                Json::Array(items) if is_records(items) => {
                    let mut records = Vec::with_capacity(items.len());
                    for (i, r) in items.iter().enumerate() {
                        let mut record = crate::model::Record::new();
                        for (field, value) in r.as_object().into_iter().flatten() {
                            record.insert(
                                field.clone(),
                                scalar(value, &format!("{k} #{}: {field}", i + 1))?,
                            );
                        }
                        records.push(record);
                    }
                    unit.records.insert(k.clone(), records);
                }
                _ => {
                    unit.attributes.insert(k.clone(), scalar(v, k)?);
                }
            },
        }
    }
    Ok(unit)
}

/// An array of objects that are not all amounts: the records of a collection.
fn is_records(items: &[Json]) -> bool {
    let is_amount = |o: &serde_json::Map<String, Json>| {
        o.len() == 2 && o.contains_key("amount") && o.contains_key("currency")
    };
    !items.is_empty()
        && items.iter().all(Json::is_object)
        && !items.iter().all(|x| x.as_object().is_some_and(is_amount))
}

fn member_from_json(m: &Json, index: usize) -> Result<Member, EvalError> {
    let obj = m.as_object().ok_or_else(|| EvalError::InvalidUnit {
        reason: format!("the member at position {} is not a JSON object", index + 1),
    })?;
    let id = id_of(obj.get("id")).unwrap_or_else(|| format!("#{}", index + 1));
    let kinds = match obj.get("kind").or_else(|| obj.get("kinds")) {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::String(s)) => vec![s.clone()],
        // Every element must be a string: dropping one would change what the member counts as.
        Some(Json::Array(a)) if a.iter().all(Json::is_string) => a
            .iter()
            .filter_map(|k| k.as_str().map(String::from))
            .collect(),
        Some(_) => {
            return Err(EvalError::InvalidUnit {
                reason: format!("member {id}: `kind` must be a string or an array of strings"),
            })
        }
    };
    let mut member = Member {
        start_date: date_of(obj.get("start_date"), &format!("member {id}: start_date"))?,
        end_date: date_of(obj.get("end_date"), &format!("member {id}: end_date"))?,
        id,
        kinds,
        ..Member::default()
    };
    for (k, v) in obj {
        if MEMBER_KEYS.contains(&k.as_str()) {
            continue;
        }
        member.attributes.insert(k.clone(), scalar(v, k)?);
    }
    Ok(member)
}
