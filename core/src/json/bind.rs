//! JSON units bound straight into a batch, in the order every binding reads a unit: its names
//! (strict binding), its inputs slot by slot, its members, each with its membership then its
//! inputs, then each collection's records. `BatchBuilder::add_unit_with` reads a [`Unit`] in this
//! order and the Python binding reads a mapping in it, so a unit with several problems fails
//! with the same first one in every language. No [`Unit`] is built on the way.
//!
//! [`Unit`]: crate::model::Unit

use super::read::{check_names, id_ref, is_records, membership, scalar};
use crate::batch::{BatchBuilder, Layout};
use crate::error::EvalError;
use serde_json::Value as Json;
use std::sync::Arc;

/// Adds the JSON unit `v` to `b`: decided later, or failed in its place with its first problem.
pub(crate) fn bind_json(b: &mut BatchBuilder, v: &Json, strict: bool) {
    let id = id_ref(v.get("id"));
    b.start_unit(id.as_deref().unwrap_or(""));
    match fill(b, v, id.is_some(), strict) {
        Ok(()) => b.finish_unit(),
        Err(e) => b.fail_unit(e),
    }
}

/// Where a value goes.
#[derive(Clone, Copy)]
enum Place<'a> {
    Unit,
    Member(&'a str),
    Record(usize, &'a str, usize),
}

fn fill(b: &mut BatchBuilder, v: &Json, has_id: bool, strict: bool) -> Result<(), EvalError> {
    let obj = v.as_object().ok_or_else(|| EvalError::InvalidUnit {
        reason: "a unit must be a JSON object".into(),
    })?;
    if !has_id {
        return Err(EvalError::InvalidUnit {
            reason: "the unit has no `id` (a string or a number)".into(),
        });
    }
    let layout: Arc<Layout> = b.layout_arc();
    if strict {
        check_names(&layout, obj)?;
    }
    for (slot, input) in layout.unit_inputs().iter().enumerate() {
        if let Some(x) = obj.get(&input.name) {
            // An array of objects is a collection's records: under an input's name, it was
            // meant as the input's value, which none is.
            if matches!(x, Json::Array(items) if is_records(items)) {
                return Err(EvalError::InvalidValue {
                    field: input.name.clone(),
                    reason: format!("expected {}, found a list of objects", input.ty),
                });
            }
            set(b, Place::Unit, slot, &input.name, x)?;
        }
    }
    let members = match obj.get("members") {
        None | Some(Json::Null) => &[][..],
        Some(Json::Array(a)) => a.as_slice(),
        Some(_) => {
            return Err(EvalError::InvalidUnit {
                reason: "`members` must be an array".into(),
            })
        }
    };
    if !members.is_empty() && !layout.has_members() {
        return Err(EvalError::InvalidUnit {
            reason: "members were given for a program that targets individuals".into(),
        });
    }
    for (index, m) in members.iter().enumerate() {
        let ms = membership(m, index)?;
        let id = &ms.id;
        b.add_member_of(id, ms.kinds(), ms.start, ms.end)?;
        let Some(m) = m.as_object() else { continue };
        for (slot, input) in layout.member_inputs().iter().enumerate() {
            if let Some(x) = m.get(&input.name) {
                set(b, Place::Member(id), slot, &input.name, x)?;
            }
        }
    }
    for (set_index, (name, fields)) in layout.records().iter().enumerate() {
        let Some(Json::Array(items)) = obj.get(name) else {
            continue;
        };
        if !is_records(items) {
            continue;
        }
        for (i, r) in items.iter().enumerate() {
            b.add_record(set_index)?;
            let Some(r) = r.as_object() else { continue };
            for (slot, field) in fields.iter().enumerate() {
                if let Some(x) = r.get(&field.name) {
                    set(b, Place::Record(set_index, name, i), slot, &field.name, x)?;
                }
            }
        }
    }
    Ok(())
}

/// Sets one input: text through the input's own parsing, another value read as the table in
/// [`super`] says; a value that cannot be read is named as the binders name it.
fn set(
    b: &mut BatchBuilder,
    place: Place<'_>,
    slot: usize,
    name: &str,
    x: &Json,
) -> Result<(), EvalError> {
    if let Json::String(t) = x {
        return match place {
            Place::Unit => b.set_unit_text(slot, t),
            Place::Member(_) => b.set_member_text(slot, t),
            Place::Record(set, _, _) => b.set_record_text(set, slot, t),
        };
    }
    let value = scalar(x, name).map_err(|e| match (e, place) {
        (EvalError::InvalidValue { field, reason }, Place::Member(id)) => EvalError::InvalidValue {
            field: format!("member {id}: {field}"),
            reason,
        },
        (EvalError::InvalidValue { field, reason }, Place::Record(_, set, i)) => {
            EvalError::InvalidValue {
                field: format!("{set} #{}: {field}", i + 1),
                reason,
            }
        }
        (e, _) => e,
    })?;
    match place {
        Place::Unit => b.set_unit(slot, &value),
        Place::Member(_) => b.set_member(slot, &value),
        Place::Record(set, _, _) => b.set_record(set, slot, &value),
    }
}
