//! A batch's columns: one per declared input, typed, texts dictionary-encoded.

use chrono::NaiveDate;
use entitle_dsl::{Type, Value};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// A cell's value already read as a truth value, a number or a date: what a registry reader
/// passes on its fast path, without building a [`Value`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// A truth value.
    Bool(bool),
    /// A number, or an amount in the input's own currency.
    Decimal(Decimal),
    /// A date.
    Date(NaiveDate),
}

impl Scalar {
    /// Trimmed, non-empty `text` read as a value of type `ty` without building a [`Value`]: a truth
    /// value, a number, an amount (plain, as a registry's cells are, or with its currency code)
    /// or a date. `None` for other types and for text that does not read, which the engine's
    /// parser then decides and reports ([`BatchBuilder::set_unit_text`](super::BatchBuilder)).
    #[inline(always)]
    pub fn read(text: &str, ty: &Type) -> Option<Scalar> {
        use crate::parse::{parse_bool, parse_date, parse_decimal};
        match ty {
            Type::Bool => parse_bool(text).map(Scalar::Bool),
            Type::Number => parse_decimal(text).map(Scalar::Decimal),
            Type::Money { currency } => parse_decimal(text)
                .or_else(|| amount_with_code(text, *currency))
                .map(Scalar::Decimal),
            Type::Date => parse_date(text).map(Scalar::Date),
            _ => None,
        }
    }

    /// The value it stands for, for an input of type `ty`.
    pub fn value(self, ty: &Type) -> Value {
        match (self, ty) {
            (Scalar::Bool(b), _) => Value::Bool(b),
            (Scalar::Decimal(amount), Type::Money { currency }) => {
                Value::Money(entitle_dsl::Money {
                    amount,
                    currency: *currency,
                })
            }
            (Scalar::Decimal(n), _) => Value::Number(n),
            (Scalar::Date(d), _) => Value::Date(d),
        }
    }
}

/// An amount written with its currency code (`KES 5000`): out of line, so that [`Scalar::read`]
/// stays small enough to inline into a registry's per-cell loop, whose amounts are plain.
#[inline(never)]
fn amount_with_code(text: &str, currency: entitle_dsl::Currency) -> Option<Decimal> {
    crate::parse::parse_money(text, currency)
        .ok()
        .map(|m| m.amount)
}

/// Dictionary-encoded texts.
#[derive(Clone, Debug, Default)]
pub struct TextColumn {
    dict: Vec<Box<str>>,
    lookup: HashMap<Box<str>, u32>,
    codes: Vec<u32>,
}

const NONE: u32 = u32::MAX;

/// Up to this many distinct texts, [`TextColumn::intern`] searches the dictionary itself.
const SMALL_DICT: usize = 8;

impl TextColumn {
    pub(super) fn intern(&mut self, t: &str) -> u32 {
        // Most text inputs take a handful of values (regions, kinds): comparing them is cheaper
        // than hashing the text, and the hash map is only built once the dictionary outgrows that.
        if self.dict.len() <= SMALL_DICT {
            if let Some(c) = self.dict.iter().position(|d| crate::texts::same_text(d, t)) {
                return u32::try_from(c).unwrap_or(NONE - 1);
            }
        } else if let Some(&c) = self.lookup.get(t) {
            return c;
        }
        let c = u32::try_from(self.dict.len()).unwrap_or(NONE - 1);
        self.dict.push(t.into());
        if self.dict.len() > SMALL_DICT {
            if self.lookup.is_empty() {
                for (i, d) in self.dict.iter().enumerate() {
                    self.lookup
                        .insert(d.clone(), u32::try_from(i).unwrap_or(NONE - 1));
                }
            } else {
                self.lookup.insert(t.into(), c);
            }
        }
        c
    }

    /// Stores `t` at the last row (false when there is no row).
    pub(super) fn set_last(&mut self, t: &str) -> bool {
        if self.codes.is_empty() {
            return false;
        }
        let c = self.intern(t);
        self.codes.last_mut().map(|x| *x = c).is_some()
    }

    /// The text at `row`, if known.
    pub fn get(&self, row: usize) -> Option<&str> {
        let c = *self.codes.get(row)?;
        self.dict.get(c as usize).map(|s| &**s)
    }

    /// The dictionary code at `row` (`None` when unknown).
    pub fn code(&self, row: usize) -> Option<u32> {
        self.codes.get(row).copied().filter(|c| *c != NONE)
    }

    /// The distinct texts, indexed by code.
    pub fn dictionary(&self) -> &[Box<str>] {
        &self.dict
    }
}

/// One input's values across a batch (`None` = unknown).
#[derive(Clone, Debug)]
pub enum Column {
    /// Truth values.
    Bool(Vec<Option<bool>>),
    /// Numbers, money amounts and quantities (the currency or unit is in the input's type).
    Decimal(Vec<Option<Decimal>>),
    /// Dates.
    Date(Vec<Option<NaiveDate>>),
    /// Texts.
    Text(TextColumn),
    /// Lists.
    List(Vec<Option<Vec<Value>>>),
}

impl Column {
    /// Room for `n` more rows.
    pub(super) fn reserve(&mut self, n: usize) {
        match self {
            Column::Bool(v) => v.reserve(n),
            Column::Decimal(v) => v.reserve(n),
            Column::Date(v) => v.reserve(n),
            Column::Text(t) => t.codes.reserve(n),
            Column::List(v) => v.reserve(n),
        }
    }

    /// Whether rows `a` and `b` hold the same value (equal numbers at any scale, the same text).
    pub(super) fn rows_equal(&self, a: usize, b: usize) -> bool {
        match self {
            Column::Bool(v) => v.get(a) == v.get(b),
            Column::Decimal(v) => v.get(a) == v.get(b),
            Column::Date(v) => v.get(a) == v.get(b),
            Column::Text(t) => t.codes.get(a) == t.codes.get(b),
            Column::List(v) => v.get(a) == v.get(b),
        }
    }

    pub(super) fn for_type(ty: &Type) -> Column {
        match ty {
            Type::Bool => Column::Bool(Vec::new()),
            Type::Number | Type::Money { .. } | Type::Quantity { .. } => {
                Column::Decimal(Vec::new())
            }
            Type::Date => Column::Date(Vec::new()),
            Type::Text => Column::Text(TextColumn::default()),
            _ => Column::List(Vec::new()),
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Column::Bool(v) => v.len(),
            Column::Decimal(v) => v.len(),
            Column::Date(v) => v.len(),
            Column::Text(t) => t.codes.len(),
            Column::List(v) => v.len(),
        }
    }

    pub(super) fn push_unknown(&mut self) {
        match self {
            Column::Bool(v) => v.push(None),
            Column::Decimal(v) => v.push(None),
            Column::Date(v) => v.push(None),
            Column::Text(t) => t.codes.push(NONE),
            Column::List(v) => v.push(None),
        }
    }

    pub(super) fn truncate(&mut self, n: usize) {
        match self {
            Column::Bool(v) => v.truncate(n),
            Column::Decimal(v) => v.truncate(n),
            Column::Date(v) => v.truncate(n),
            Column::Text(t) => t.codes.truncate(n),
            Column::List(v) => v.truncate(n),
        }
    }

    /// Stores `value` (already of the column's type) at the last row.
    /// Stores a scalar at the last row when the column and the input's type take it as it is.
    pub(super) fn set_last_scalar(&mut self, value: Scalar, ty: &Type) -> bool {
        match (self, value, ty) {
            (Column::Bool(v), Scalar::Bool(b), Type::Bool) => {
                v.last_mut().map(|s| *s = Some(b)).is_some()
            }
            (Column::Decimal(v), Scalar::Decimal(n), Type::Number | Type::Money { .. }) => {
                v.last_mut().map(|s| *s = Some(n)).is_some()
            }
            (Column::Date(v), Scalar::Date(d), Type::Date) => {
                v.last_mut().map(|s| *s = Some(d)).is_some()
            }
            _ => false,
        }
    }

    pub(super) fn set_last(&mut self, value: &Value) -> bool {
        match (self, value) {
            (_, Value::Unknown) => true,
            (Column::Bool(v), Value::Bool(b)) => v.last_mut().map(|s| *s = Some(*b)).is_some(),
            (Column::Decimal(v), Value::Number(n)) => v.last_mut().map(|s| *s = Some(*n)).is_some(),
            (Column::Decimal(v), Value::Money(m)) => {
                v.last_mut().map(|s| *s = Some(m.amount)).is_some()
            }
            (Column::Decimal(v), Value::Quantity(q)) => {
                v.last_mut().map(|s| *s = Some(q.amount)).is_some()
            }
            (Column::Date(v), Value::Date(d)) => v.last_mut().map(|s| *s = Some(*d)).is_some(),
            (Column::Text(t), Value::Text(s)) => t.set_last(s),
            (Column::List(v), Value::List(items)) => {
                v.last_mut().map(|s| *s = Some(items.clone())).is_some()
            }
            _ => false,
        }
    }

    /// The value at `row`, as an owned value of type `ty`.
    pub fn value(&self, row: usize, ty: &Type) -> Value {
        match self {
            Column::Bool(v) => v
                .get(row)
                .copied()
                .flatten()
                .map(Value::Bool)
                .unwrap_or_default(),
            Column::Decimal(v) => match v.get(row).copied().flatten() {
                None => Value::Unknown,
                Some(d) => match ty {
                    Type::Money { currency } => Value::Money(entitle_dsl::Money {
                        amount: d,
                        currency: *currency,
                    }),
                    Type::Quantity { unit } => Value::Quantity(entitle_dsl::Quantity {
                        amount: d,
                        unit: unit.clone(),
                    }),
                    _ => Value::Number(d),
                },
            },
            Column::Date(v) => v
                .get(row)
                .copied()
                .flatten()
                .map(Value::Date)
                .unwrap_or_default(),
            Column::Text(t) => t
                .get(row)
                .map(|s| Value::Text(s.to_string()))
                .unwrap_or_default(),
            Column::List(v) => v
                .get(row)
                .cloned()
                .flatten()
                .map(Value::List)
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::Scalar;
    use entitle_dsl::{Currency, Type};
    use rust_decimal::Decimal;

    #[test]
    fn scalars_read_as_the_engine_parses_and_leave_the_rest_to_it() {
        let kes = Type::Money {
            currency: Currency::from_code("KES").unwrap(),
        };
        let dec = |s: &str| Some(Scalar::Decimal(Decimal::from_str_exact(s).unwrap()));
        assert_eq!(Scalar::read("5000", &kes), dec("5000"));
        assert_eq!(Scalar::read("KES 1500.50", &kes), dec("1500.50"));
        assert_eq!(Scalar::read("1500.50 kes", &kes), dec("1500.50"));
        assert_eq!(Scalar::read("-2", &Type::Number), dec("-2"));
        // Another currency, separators, a day that does not exist: the parser's to report.
        assert_eq!(Scalar::read("USD 5", &kes), None);
        assert_eq!(Scalar::read("1,500", &Type::Number), None);
        assert_eq!(Scalar::read("2026-02-30", &Type::Date), None);
        assert_eq!(
            Scalar::read("2026-02-28", &Type::Date),
            chrono::NaiveDate::from_ymd_opt(2026, 2, 28).map(Scalar::Date)
        );
        assert_eq!(Scalar::read("Yes", &Type::Bool), Some(Scalar::Bool(true)));
        assert_eq!(Scalar::read("North", &Type::Text), None);
    }
}
