//! Constant values: parameter values, input defaults and choices, test data and expectations.

use super::suggest::closest;
use super::Checker;
use crate::ast::{Expr, ExprKind, UnaryOp};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::types::Type;
use crate::value::{Money, Quantity, Value};
use rust_decimal::Decimal;

impl Checker {
    /// The value of a constant expression of type `ty`.
    ///
    /// `lenient` is for data (test records, rounding steps): a plain number is accepted as money in
    /// the expected currency, and text is parsed as a date where a date is expected. Program values
    /// (parameters, defaults) are strict: money is written with its currency.
    pub(crate) fn const_value(&mut self, e: &Expr, ty: &Type, lenient: bool) -> Option<Value> {
        if self.negative_money_written_backwards(e) {
            return None;
        }
        let v = match (&e.kind, ty) {
            (ExprKind::Unknown, _) => Value::Unknown,
            (_, Type::Error) => {
                // The type itself is broken (and reported); still look at the value for its own errors.
                let _ = self.literal(e)?;
                return Some(Value::Unknown);
            }
            (ExprKind::List(items), Type::List { of }) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.const_value(item, of, lenient)?);
                }
                Value::List(out)
            }
            (ExprKind::Table(entries), Type::Table { key, value }) => {
                let mut out: Vec<Value> = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let kv = self.const_value(k, key, lenient)?;
                    let vv = self.const_value(v, value, lenient)?;
                    if out
                        .iter()
                        .any(|p| matches!(p, Value::List(pair) if pair.first() == Some(&kv)))
                    {
                        let shown = match &kv {
                            Value::Text(t) => format!("{t:?}"),
                            other => format!("`{other}`"),
                        };
                        self.diags
                            .push(Diagnostic::new(codes::DUPLICATE_KEY, k.span).arg("key", shown));
                        return None;
                    }
                    out.push(Value::List(vec![kv, vv]));
                }
                Value::List(out)
            }
            (ExprKind::Number(n), Type::Money { currency }) if lenient => Value::Money(Money {
                amount: *n,
                currency: *currency,
            }),
            (ExprKind::Number(n), Type::Quantity { unit }) if lenient => {
                Value::Quantity(Quantity {
                    amount: *n,
                    unit: unit.clone(),
                })
            }
            _ => {
                let v = self.literal(e)?;
                if !v.fits(ty) {
                    let (code, found) = match (&v, ty) {
                        (Value::Money(m), Type::Money { .. }) => {
                            (codes::MIXED_CURRENCIES, m.currency.to_string())
                        }
                        (Value::Number(_), Type::Money { .. }) => {
                            (codes::MONEY_AND_NUMBER, String::new())
                        }
                        _ => (codes::TYPE_MISMATCH, describe(&v)),
                    };
                    let d = match code {
                        codes::MIXED_CURRENCIES => Diagnostic::new(code, e.span)
                            .arg("left", found)
                            .arg("right", ty_currency(ty))
                            .with_help("E0202.help"),
                        codes::MONEY_AND_NUMBER => Diagnostic::new(code, e.span)
                            .arg("action", "mixed")
                            .arg("currency", ty_currency(ty))
                            .arg(
                                "money",
                                super::exprs::money_written(ty_currency(ty), &number_text(&v)),
                            )
                            .with_help("E0203.help"),
                        _ => Diagnostic::new(code, e.span)
                            .arg("expected", ty)
                            .arg("found", found),
                    };
                    self.diags.push(d);
                    return None;
                }
                v
            }
        };
        Some(v)
    }

    /// A literal's value, whatever its type; `None` (with E0302) for anything computed.
    fn literal(&mut self, e: &Expr) -> Option<Value> {
        Some(match &e.kind {
            ExprKind::Number(n) => Value::Number(*n),
            ExprKind::Percent(p) => {
                Value::Number(p.checked_div(Decimal::ONE_HUNDRED).unwrap_or_default())
            }
            ExprKind::Money { currency, amount } => Value::Money(Money {
                amount: *amount,
                currency: self.currency_code(currency)?,
            }),
            ExprKind::Quantity { amount, unit } => Value::Quantity(Quantity {
                amount: *amount,
                unit: unit.name.clone(),
            }),
            ExprKind::Date(d) => Value::Date(*d),
            ExprKind::Text(t) => Value::Text(t.clone()),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Unknown => Value::Unknown,
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.literal(i)?);
                }
                Value::List(out)
            }
            ExprKind::Table(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    out.push(Value::List(vec![self.literal(k)?, self.literal(v)?]));
                }
                Value::List(out)
            }
            ExprKind::Unary(UnaryOp::Neg, x) => match self.literal(x)? {
                Value::Number(n) => Value::Number(-n),
                Value::Money(m) => Value::Money(Money {
                    amount: -m.amount,
                    currency: m.currency,
                }),
                Value::Quantity(q) => Value::Quantity(Quantity {
                    amount: -q.amount,
                    unit: q.unit,
                }),
                _ => {
                    self.diags.push(
                        Diagnostic::new(codes::PARAM_NOT_CONSTANT, e.span).with_help("E0302.help"),
                    );
                    return None;
                }
            },
            // A word where a value belongs is most often `true` or `false` misspelled.
            ExprKind::Name(id) => {
                let mut d = Diagnostic::new(codes::PARAM_NOT_CONSTANT, e.span);
                d = match closest(&id.name, ["true", "false", "unknown"]) {
                    Some(s) => d.arg("suggestion", s).with_help("E0302.help.name"),
                    None => d.with_help("E0302.help"),
                };
                self.diags.push(d);
                return None;
            }
            _ => {
                self.diags.push(
                    Diagnostic::new(codes::PARAM_NOT_CONSTANT, e.span).with_help("E0302.help"),
                );
                return None;
            }
        })
    }
}

fn ty_currency(ty: &Type) -> String {
    match ty {
        Type::Money { currency } => currency.to_string(),
        _ => String::new(),
    }
}

fn number_text(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// The words for a value of the wrong type; a quantity names its unit (`a quantity in g`), which
/// is what differs when a quantity was expected.
fn describe(v: &Value) -> String {
    match v {
        Value::Unknown => "unknown".into(),
        Value::Bool(_) => "a truth value".into(),
        Value::Number(_) => "a number".into(),
        Value::Money(_) => "money".into(),
        Value::Date(_) => "a date".into(),
        Value::Text(_) => "text".into(),
        Value::Quantity(q) => format!("a quantity in {}", q.unit),
        Value::List(_) => "a list".into(),
    }
}
