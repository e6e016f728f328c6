//! The formatter's text of one declaration or expectation, and the column helpers.

use super::exprs::{expr, quote};
use crate::ast::*;
use crate::span::Span;
use std::fmt::Write as _;

pub(super) fn expectation_span(e: &Expectation) -> Span {
    match e {
        Expectation::Decision(_, s)
        | Expectation::Cash(_, s)
        | Expectation::Net(_, s)
        | Expectation::Fee(_, s)
        | Expectation::Item(_, _, s)
        | Expectation::Value(_, _, s)
        | Expectation::Score(_, _, _, s)
        | Expectation::Failed(_, s)
        | Expectation::Passed(_, s)
        | Expectation::Missing(_, s)
        | Expectation::Error(_, s) => *s,
    }
}

pub(super) fn expectation(e: &Expectation) -> String {
    match e {
        Expectation::Decision(d, _) => match d {
            ExpectedDecision::Eligible => "eligible".into(),
            ExpectedDecision::NotEligible => "not_eligible".into(),
            ExpectedDecision::Undetermined => "undetermined".into(),
        },
        Expectation::Cash(x, _) => format!("cash {}", expr(x)),
        Expectation::Net(x, _) => format!("net {}", expr(x)),
        Expectation::Fee(x, _) => format!("fee {}", expr(x)),
        Expectation::Item(id, x, _) => format!("item {} {}", id.name, expr(x)),
        Expectation::Value(id, x, _) => format!("value {} {}", id.name, expr(x)),
        Expectation::Score(id, None, x, _) => format!("score {} {}", id.name, expr(x)),
        Expectation::Score(id, Some(c), x, _) => {
            format!("score {}.{} {}", id.name, c.name, expr(x))
        }
        Expectation::Failed(id, _) => format!("failed {}", id.name),
        Expectation::Passed(id, _) => format!("passed {}", id.name),
        Expectation::Missing(id, _) => format!("missing {}", id.name),
        Expectation::Error(id, _) => format!("error {}", id.name),
    }
}

/// The width of the widest text, in characters (0 for none): a column of aligned entries.
pub(super) fn widest<S: AsRef<str>>(texts: impl IntoIterator<Item = S>) -> usize {
    texts
        .into_iter()
        .map(|t| t.as_ref().chars().count())
        .max()
        .unwrap_or(0)
}

pub(super) fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(n)));
    out
}

pub(super) fn input(d: &InputDecl) -> String {
    let s = format!(
        "{}.{}: {}",
        d.scope.keyword(),
        d.name.name,
        type_expr(&d.ty)
    );
    described(s, d.label.as_ref(), d.choices.as_ref(), d.default.as_ref())
}

pub(super) fn field(d: &FieldDecl) -> String {
    let s = format!("{}: {}", d.name.name, type_expr(&d.ty));
    described(s, d.label.as_ref(), d.choices.as_ref(), d.default.as_ref())
}

/// A declaration's label, choices and default, after its name and type.
fn described(
    mut s: String,
    label: Option<&Text>,
    choices: Option<&Expr>,
    default: Option<&Expr>,
) -> String {
    if let Some(l) = label {
        let _ = write!(s, " {}", quote(&l.value));
    }
    if let Some(c) = choices {
        let _ = write!(s, " one of {}", expr(c));
    }
    if let Some(v) = default {
        let _ = write!(s, " default {}", expr(v));
    }
    s
}

pub(super) fn param(d: &ParamDecl) -> String {
    let mut s = format!("{}: {}", d.name.name, type_expr(&d.ty));
    if let Some(l) = &d.label {
        let _ = write!(s, " {}", quote(&l.value));
    }
    let values: Vec<String> = d
        .values
        .iter()
        .map(|v| match v.from {
            Some((date, _)) => format!("{} from {}", expr(&v.value), date.format("%Y-%m-%d")),
            None => expr(&v.value),
        })
        .collect();
    let _ = write!(s, " = {}", values.join(", "));
    s
}

pub(super) fn type_expr(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Bool(_) => "bool".into(),
        TypeExpr::Number(_) => "number".into(),
        TypeExpr::Money(None, _) => "money".into(),
        TypeExpr::Money(Some(c), _) => format!("money {}", c.name),
        TypeExpr::Date(_) => "date".into(),
        TypeExpr::Text(_) => "text".into(),
        TypeExpr::Quantity(u, _) => format!("quantity {}", u.name),
        TypeExpr::List(of, _) => format!("list of {}", type_expr(of)),
        TypeExpr::Table(k, v, _) => format!("table of {} to {}", type_expr(k), type_expr(v)),
    }
}
