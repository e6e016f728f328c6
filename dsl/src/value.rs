//! Owned values: literals in program text, parameter values, test data and registry data.
//!
//! Evaluation in `entitle-core` works on borrowed views of these; arithmetic lives there too.

use crate::currency::Currency;
use crate::types::Type;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt;

/// An exact amount of money in one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    /// The amount, exact; its scale is whatever arithmetic produced, rounding happens only where asked.
    pub amount: Decimal,
    /// The ISO 4217 currency.
    pub currency: Currency,
}

impl fmt::Display for Money {
    /// As the language writes it: `KES 1500`, and a negative amount `-KES 5` (never `KES -5`,
    /// which a program reads as the name `KES` minus 5), so that a printed amount can be pasted
    /// into a program or a test.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.amount.is_sign_negative() && !self.amount.is_zero() {
            write!(f, "-{} {}", self.currency, -self.amount)
        } else {
            write!(f, "{} {}", self.currency, self.amount)
        }
    }
}

/// An exact amount of a unit of measure (`10 kg`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Quantity {
    /// The amount.
    pub amount: Decimal,
    /// The unit of measure, as written in the program.
    pub unit: String,
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.unit)
    }
}

/// A value of the language, or `Unknown` when it is missing.
///
/// `Unknown` is not zero, not false and not the empty text: it propagates through arithmetic and
/// comparisons, and `and` / `or` / `not` treat it with Kleene's three-valued logic.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum Value {
    /// Missing, with no declared default.
    #[default]
    Unknown,
    /// A truth value.
    Bool(bool),
    /// An exact decimal number.
    Number(Decimal),
    /// An amount of money.
    Money(Money),
    /// A calendar date.
    Date(NaiveDate),
    /// Text.
    Text(String),
    /// An amount of a unit of measure.
    Quantity(Quantity),
    /// A list of values.
    List(Vec<Value>),
}

impl Value {
    /// True when the value is missing.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// Whether this value can stand where `ty` is expected (unknown fits every type).
    pub fn fits(&self, ty: &Type) -> bool {
        match (self, ty) {
            (Value::Unknown, _) => true,
            (Value::Bool(_), Type::Bool) => true,
            (Value::Number(_), Type::Number) => true,
            (Value::Money(m), Type::Money { currency }) => m.currency == *currency,
            (Value::Date(_), Type::Date) => true,
            (Value::Text(_), Type::Text) => true,
            (Value::Quantity(q), Type::Quantity { unit }) => q.unit == *unit,
            (Value::List(items), Type::List { of }) => items.iter().all(|v| v.fits(of)),
            // A table is a list of `[key, value]` pairs.
            (Value::List(items), Type::Table { key, value }) => {
                items.iter().all(|pair| match pair {
                    Value::List(kv) => {
                        matches!(kv.as_slice(), [k, v] if k.fits(key) && v.fits(value))
                    }
                    _ => false,
                })
            }
            _ => false,
        }
    }
}

/// The canonical text form: the one used in explanations, in CSV output and in the JSON boundary format.
///
/// Numbers and amounts keep their exact digits (`1500.00` stays `1500.00`); money is `KES 1500.00`;
/// dates are ISO 8601; unknown is `unknown`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Unknown => f.write_str("unknown"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::Money(m) => write!(f, "{m}"),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::Text(t) => f.write_str(t),
            Value::Quantity(q) => write!(f, "{q}"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match v {
                        Value::Text(t) => write!(f, "{t:?}")?,
                        other => write!(f, "{other}")?,
                    }
                }
                f.write_str("]")
            }
        }
    }
}

/// JSON form of a value: `null` for unknown, booleans as JSON booleans, numbers and amounts as decimal
/// strings (never binary floats), money as `"KES 1500.00"`, quantities as `"10 kg"`, lists as arrays.
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match self {
            Value::Unknown => s.serialize_none(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Text(t) => s.serialize_str(t),
            Value::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            other => s.collect_str(other),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<Decimal> for Value {
    fn from(d: Decimal) -> Self {
        Value::Number(d)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(Decimal::from(n))
    }
}

impl From<NaiveDate> for Value {
    fn from(d: NaiveDate) -> Self {
        Value::Date(d)
    }
}

impl From<Money> for Value {
    fn from(m: Money) -> Self {
        Value::Money(m)
    }
}

impl From<Quantity> for Value {
    fn from(q: Quantity) -> Self {
        Value::Quantity(q)
    }
}
