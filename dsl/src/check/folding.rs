//! Rules that can never be true, or are always true: constant folding and contradictory bounds.

use super::Checker;
use crate::ast;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{CmpOp, TExpr, TKind};
use crate::value::Value;
use std::cmp::Ordering;

/// A comparable constant: numbers, amounts, quantities and dates.
#[derive(Clone, Debug, PartialEq, PartialOrd)]
enum Bound {
    Dec(rust_decimal::Decimal),
    Date(chrono::NaiveDate),
}

impl Bound {
    fn of(v: &Value) -> Option<Bound> {
        match v {
            Value::Number(n) => Some(Bound::Dec(*n)),
            Value::Money(m) => Some(Bound::Dec(m.amount)),
            Value::Quantity(q) => Some(Bound::Dec(q.amount)),
            Value::Date(d) => Some(Bound::Date(*d)),
            _ => None,
        }
    }

    fn text(&self) -> String {
        match self {
            Bound::Dec(d) => d.to_string(),
            Bound::Date(d) => d.to_string(),
        }
    }
}

impl Checker {
    /// The constant value of an expression, when it has one.
    fn constant(&self, e: &TExpr) -> Option<Value> {
        match &e.kind {
            TKind::Const(v) if !v.is_unknown() => Some(v.clone()),
            TKind::Param(i) => match self.params.get(*i).map(|p| p.values.as_slice()) {
                Some([only]) => Some(only.value.clone()),
                _ => None,
            },
            TKind::Not(x) => match self.constant(x)? {
                Value::Bool(b) => Some(Value::Bool(!b)),
                _ => None,
            },
            TKind::And(a, b) => match (self.constant(a), self.constant(b)) {
                (Some(Value::Bool(false)), _) | (_, Some(Value::Bool(false))) => {
                    Some(Value::Bool(false))
                }
                (Some(Value::Bool(true)), Some(Value::Bool(true))) => Some(Value::Bool(true)),
                _ => None,
            },
            TKind::Or(a, b) => match (self.constant(a), self.constant(b)) {
                (Some(Value::Bool(true)), _) | (_, Some(Value::Bool(true))) => {
                    Some(Value::Bool(true))
                }
                (Some(Value::Bool(false)), Some(Value::Bool(false))) => Some(Value::Bool(false)),
                _ => None,
            },
            TKind::Compare(op, a, b) => {
                let (a, b) = (self.constant(a)?, self.constant(b)?);
                let ord = match (Bound::of(&a), Bound::of(&b)) {
                    (Some(x), Some(y)) => x.partial_cmp(&y)?,
                    _ => {
                        if matches!(op, CmpOp::Eq | CmpOp::Ne) {
                            if a == b {
                                Ordering::Equal
                            } else {
                                Ordering::Less
                            }
                        } else {
                            return None;
                        }
                    }
                };
                Some(Value::Bool(holds(*op, ord)))
            }
            _ => None,
        }
    }

    /// W0004 / W0005 for one rule.
    pub(crate) fn fold_rule(&mut self, r: &ast::Rule, e: &TExpr) {
        match self.constant(e) {
            Some(Value::Bool(false)) => {
                self.diags.push(
                    Diagnostic::new(codes::RULE_NEVER_TRUE, r.id.span)
                        .arg("name", &r.id.name)
                        .arg("reason", "its condition is always false")
                        .with_help("W0004.help"),
                );
                return;
            }
            Some(Value::Bool(true)) => {
                self.diags.push(
                    Diagnostic::new(codes::RULE_ALWAYS_TRUE, r.id.span).arg("name", &r.id.name),
                );
                return;
            }
            _ => {}
        }
        // Bounds on the same expression within one `and` chain.
        let mut conjuncts = Vec::new();
        flatten_and(e, &mut conjuncts);
        let mut bounds: Vec<(&TExpr, Vec<(CmpOp, Bound)>)> = Vec::new();
        for c in conjuncts {
            let TKind::Compare(op, a, b) = &c.kind else {
                continue;
            };
            let (subject, op, bound) = match (self.constant(a), self.constant(b)) {
                (None, Some(v)) => (a.as_ref(), *op, Bound::of(&v)),
                (Some(v), None) => (b.as_ref(), flip(*op), Bound::of(&v)),
                _ => continue,
            };
            let Some(bound) = bound else { continue };
            match bounds.iter_mut().find(|(s, _)| *s == subject) {
                Some((_, list)) => list.push((op, bound)),
                None => bounds.push((subject, vec![(op, bound)])),
            }
        }
        for (_, list) in &bounds {
            if let Some(reason) = contradiction(list) {
                self.diags.push(
                    Diagnostic::new(codes::RULE_NEVER_TRUE, r.id.span)
                        .arg("name", &r.id.name)
                        .arg("reason", reason)
                        .with_help("W0004.help"),
                );
                return;
            }
        }
    }
}

fn holds(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
    }
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

fn symbol(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
    }
}

fn flatten_and<'a>(e: &'a TExpr, out: &mut Vec<&'a TExpr>) {
    // Iterative on the left spine so a long chain of `and` needs no deep recursion.
    let mut cur = e;
    loop {
        match &cur.kind {
            TKind::And(a, b) => {
                flatten_and(b, out);
                cur = a;
            }
            _ => {
                out.push(cur);
                return;
            }
        }
    }
}

/// Whether the bounds leave no value; returns the pair that conflicts, in words.
fn contradiction(list: &[(CmpOp, Bound)]) -> Option<String> {
    for (i, (op1, b1)) in list.iter().enumerate() {
        for (op2, b2) in list.iter().skip(i + 1) {
            // Two constraints x op1 b1 and x op2 b2 are incompatible when no x satisfies both.
            let ord = b1.partial_cmp(b2)?;
            let ok = match (op1, op2) {
                (CmpOp::Eq, o) => holds(*o, ord),
                (o, CmpOp::Eq) => holds(*o, ord.reverse()),
                (CmpOp::Gt | CmpOp::Ge, CmpOp::Lt | CmpOp::Le) => {
                    // lower bound b1, upper bound b2
                    ord == Ordering::Less
                        || (ord == Ordering::Equal && *op1 == CmpOp::Ge && *op2 == CmpOp::Le)
                }
                (CmpOp::Lt | CmpOp::Le, CmpOp::Gt | CmpOp::Ge) => {
                    ord == Ordering::Greater
                        || (ord == Ordering::Equal && *op1 == CmpOp::Le && *op2 == CmpOp::Ge)
                }
                _ => true,
            };
            if !ok {
                return Some(format!(
                    "`{} {}` and `{} {}`",
                    symbol(*op1),
                    b1.text(),
                    symbol(*op2),
                    b2.text()
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn d(n: i64) -> Bound {
        Bound::Dec(Decimal::from(n))
    }

    #[test]
    fn bounds() {
        assert!(contradiction(&[(CmpOp::Ge, d(18)), (CmpOp::Lt, d(5))]).is_some());
        assert!(contradiction(&[(CmpOp::Ge, d(5)), (CmpOp::Lt, d(18))]).is_none());
        assert!(contradiction(&[(CmpOp::Ge, d(5)), (CmpOp::Le, d(5))]).is_none());
        assert!(contradiction(&[(CmpOp::Gt, d(5)), (CmpOp::Le, d(5))]).is_some());
        assert!(contradiction(&[(CmpOp::Eq, d(3)), (CmpOp::Gt, d(5))]).is_some());
        assert!(contradiction(&[(CmpOp::Eq, d(7)), (CmpOp::Gt, d(5))]).is_none());
        assert!(contradiction(&[(CmpOp::Lt, d(5)), (CmpOp::Eq, d(7))]).is_some());
        assert!(contradiction(&[(CmpOp::Eq, d(3)), (CmpOp::Eq, d(4))]).is_some());
    }
}
