//! Values during evaluation: borrowed from the program and the batch, never allocated for numbers,
//! amounts, dates, truth values or texts read from data.

use chrono::NaiveDate;
use entitle_dsl::{Money, Quantity, Type, Value};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::cmp::Ordering;

/// A value while evaluating. Money and quantities are plain decimals here: their currency or unit is
/// in the expression's static type, checked before evaluation.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val<'a> {
    Unknown,
    Bool(bool),
    Dec(Decimal),
    Date(NaiveDate),
    Text(Cow<'a, str>),
    List(&'a [Value]),
}

impl<'a> Val<'a> {
    pub(crate) fn from_value(v: &'a Value) -> Val<'a> {
        match v {
            Value::Unknown => Val::Unknown,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Dec(*n),
            Value::Money(m) => Val::Dec(m.amount),
            Value::Quantity(q) => Val::Dec(q.amount),
            Value::Date(d) => Val::Date(*d),
            Value::Text(t) => Val::Text(Cow::Borrowed(t)),
            Value::List(items) => Val::List(items),
        }
    }

    pub(crate) fn is_unknown(&self) -> bool {
        matches!(self, Val::Unknown)
    }

    /// The owned value of type `ty`.
    pub(crate) fn to_value(&self, ty: &Type) -> Value {
        match self {
            Val::Unknown => Value::Unknown,
            Val::Bool(b) => Value::Bool(*b),
            Val::Dec(d) => match ty {
                Type::Money { currency } => Value::Money(Money {
                    amount: *d,
                    currency: *currency,
                }),
                Type::Quantity { unit } => Value::Quantity(Quantity {
                    amount: *d,
                    unit: unit.clone(),
                }),
                _ => Value::Number(*d),
            },
            Val::Date(d) => Value::Date(*d),
            Val::Text(t) => Value::Text(t.to_string()),
            Val::List(items) => Value::List(items.to_vec()),
        }
    }

    /// Ordering of two known values of one type (`None` for unordered kinds).
    pub(crate) fn compare(&self, other: &Val<'_>) -> Option<Ordering> {
        match (self, other) {
            (Val::Dec(a), Val::Dec(b)) => Some(super::ops::cmp(a, b)),
            (Val::Date(a), Val::Date(b)) => Some(a.cmp(b)),
            (Val::Text(a), Val::Text(b)) => Some(a.as_ref().cmp(b.as_ref())),
            (Val::Bool(a), Val::Bool(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }

    /// Equality with a list element.
    pub(crate) fn equals_value(&self, v: &Value) -> bool {
        match (self, v) {
            (Val::Bool(a), Value::Bool(b)) => a == b,
            (Val::Dec(a), Value::Number(b)) => a == b,
            (Val::Dec(a), Value::Money(m)) => *a == m.amount,
            (Val::Dec(a), Value::Quantity(q)) => *a == q.amount,
            (Val::Date(a), Value::Date(b)) => a == b,
            (Val::Text(a), Value::Text(b)) => a.as_ref() == b.as_str(),
            _ => false,
        }
    }
}
