//! The static types of the language.

use crate::currency::Currency;
use serde::Serialize;
use std::fmt;

/// The type of an expression, an input or a parameter.
///
/// Money carries its currency in the type, so mixing currencies is caught before any unit is evaluated;
/// a quantity carries its unit of measure for the same reason.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Type {
    /// `true` or `false`.
    Bool,
    /// An exact decimal number.
    Number,
    /// An exact decimal amount in one currency.
    Money {
        /// The ISO 4217 currency.
        currency: Currency,
    },
    /// A calendar date (no time of day, no time zone).
    Date,
    /// Text.
    Text,
    /// An exact decimal amount of a unit of measure, such as `10 kg`.
    Quantity {
        /// The unit of measure, as written (`kg`, `litre`, `bag`).
        unit: String,
    },
    /// A list whose elements all have one type.
    List {
        /// The element type.
        of: Box<Type>,
    },
    /// A lookup table from keys of one type to values of another (a constant).
    Table {
        /// The key type.
        key: Box<Type>,
        /// The value type.
        value: Box<Type>,
    },
    /// The members of a household (`members`, `members where …`): only valid as an aggregate's argument.
    Members,
    /// The type of an expression that already has an error; it never produces a second diagnostic.
    #[serde(rename = "error")]
    Error,
}

impl Type {
    /// True for the poisoned type used after an error.
    pub fn is_error(&self) -> bool {
        matches!(self, Type::Error)
    }

    /// True for number, money and quantity: the types that support `+`, `-` and ordering by amount.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Type::Number | Type::Money { .. } | Type::Quantity { .. }
        )
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::Money { currency } => write!(f, "money {currency}"),
            Type::Date => f.write_str("date"),
            Type::Text => f.write_str("text"),
            Type::Quantity { unit } => write!(f, "quantity {unit}"),
            Type::List { of } => write!(f, "list of {of}"),
            Type::Table { key, value } => write!(f, "table of {key} to {value}"),
            Type::Members => f.write_str("members"),
            Type::Error => f.write_str("(error)"),
        }
    }
}
