//! How a builder checks a value against its input and stores it in a column: text read as a
//! registry cell is, numbers brought to the input's money or quantity, choices checked, and the
//! errors that name the field and its choices (never the value).

use super::{Column, Scalar};
use crate::error::EvalError;
use crate::parse::{parse_value, ParseError};
use entitle_dsl::ir::Input;
use entitle_dsl::{Type, Value};

pub(super) fn bad_slot(slot: usize) -> EvalError {
    EvalError::InvalidUnit {
        reason: format!("no input at slot {slot}"),
    }
}

fn field_name(input: &Input, member: Option<&str>) -> String {
    match member {
        Some(m) => format!("member {m}: {}", input.name),
        None => input.name.clone(),
    }
}

fn invalid(input: &Input, member: Option<&str>, reason: &str) -> EvalError {
    EvalError::InvalidValue {
        field: field_name(input, member),
        reason: reason.to_string(),
    }
}

/// The fast path of the `*_scalar` setters: whether `value` went into `col` as it is (an input
/// with choices, or of another type, takes the `Value` path, which checks and reports).
pub(super) fn store_scalar(input: &Input, col: Option<&mut Column>, value: Scalar) -> bool {
    input.choices.is_none() && col.is_some_and(|c| c.set_last_scalar(value, &input.ty))
}

/// Brings a value to the input's type (see [`coerce_to`]) and checks it against the choices.
pub(super) fn coerce(
    value: &Value,
    input: &Input,
    member: Option<&str>,
) -> Result<Value, EvalError> {
    let v = coerce_to(value, &input.ty).map_err(|reason| invalid(input, member, &reason))?;
    check_choice(&v, input, member)?;
    Ok(v)
}

/// A value as a value of `ty`, or why not: text is parsed, a plain number is taken as money in the
/// input's currency (and 1 or 0 as a truth value, as the texts "1" and "0" are), the elements of
/// a list each so (a JS array of date strings is a list of dates, as `"2026-01-05;2026-02-05"`
/// is), anything else must already fit.
fn coerce_to(value: &Value, ty: &Type) -> Result<Value, String> {
    Ok(match (value, ty) {
        // Text goes through the same reading as a registry cell (trimmed; parsed by type).
        (Value::Text(t), ty) => parse_value(t, ty).map_err(|e| e.to_string())?,
        (Value::Number(n), Type::Money { currency }) => Value::Money(entitle_dsl::Money {
            amount: *n,
            currency: *currency,
        }),
        (Value::Number(n), Type::Bool) => crate::parse::bool_of_number(*n)
            .map(Value::Bool)
            .ok_or_else(|| ParseError::NotBool.to_string())?,
        (Value::Number(n), Type::Quantity { unit }) => Value::Quantity(entitle_dsl::Quantity {
            amount: *n,
            unit: unit.clone(),
        }),
        (v, ty) if v.fits(ty) => v.clone(),
        (Value::List(items), Type::List { of }) => Value::List(
            items
                .iter()
                .map(|x| coerce_to(x, of))
                .collect::<Result<_, _>>()?,
        ),
        (v, ty) => return Err(format!("expected {ty}, found {}", describe(v))),
    })
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Unknown => "unknown",
        Value::Bool(_) => "a truth value",
        Value::Number(_) => "a number",
        Value::Money(_) => "money in another currency",
        Value::Date(_) => "a date",
        Value::Text(_) => "text",
        Value::Quantity(_) => "a quantity in another unit",
        Value::List(_) => "a list",
    }
}

fn check_choice(v: &Value, input: &Input, member: Option<&str>) -> Result<(), EvalError> {
    if let Some(choices) = &input.choices {
        if !v.is_unknown() && !choices.contains(v) {
            return Err(not_a_choice(input, member, choices));
        }
    }
    Ok(())
}

/// R0008, naming the input's choices so that the caller can put the value right.
fn not_a_choice(input: &Input, member: Option<&str>, choices: &[Value]) -> EvalError {
    EvalError::not_a_choice(
        field_name(input, member),
        choices,
        matches!(input.ty, Type::Text),
    )
}

/// Parses `text` by the input's type and stores it at the column's last row. A text input (the
/// commonest cell after dates) is checked and interned straight from the borrowed text, without
/// the owned copy that a [`Value`] needs.
pub(super) fn store_text(
    col: &mut Column,
    text: &str,
    input: &Input,
    member: Option<&str>,
) -> Result<(), EvalError> {
    // An empty cell leaves the input unknown, whatever its type.
    let t = crate::texts::trim(text);
    if t.is_empty() {
        return Ok(());
    }
    if let (Type::Text, Column::Text(texts)) = (&input.ty, &mut *col) {
        if let Some(choices) = &input.choices {
            if !choices
                .iter()
                .any(|c| matches!(c, Value::Text(s) if crate::texts::same_text(s, t)))
            {
                return Err(not_a_choice(input, member, choices));
            }
        }
        return if texts.set_last(t) {
            Ok(())
        } else {
            Err(does_not_fit(input, member))
        };
    }
    // Truth values, numbers, amounts and dates without choices go into their column as read,
    // without the `Value` that the general path builds, checks and drops; anything that does not
    // read takes the general path, which reports it.
    if input.choices.is_none()
        && Scalar::read(t, &input.ty).is_some_and(|v| col.set_last_scalar(v, &input.ty))
    {
        return Ok(());
    }
    let v = parse_value(t, &input.ty).map_err(|e| invalid(input, member, &e.to_string()))?;
    check_choice(&v, input, member)?;
    store(col, &v, input, member)
}

pub(super) fn store(
    col: &mut Column,
    v: &Value,
    input: &Input,
    member: Option<&str>,
) -> Result<(), EvalError> {
    if col.set_last(v) {
        Ok(())
    } else {
        Err(does_not_fit(input, member))
    }
}

fn does_not_fit(input: &Input, member: Option<&str>) -> EvalError {
    invalid(input, member, "the value does not fit the input's type")
}
