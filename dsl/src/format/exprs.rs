//! Expressions printed with the fewest brackets that keep their meaning, and long conditions
//! broken before each top-level `and` / `or`.

use super::WIDTH;
use crate::ast::*;
use std::fmt::Write as _;

/// A quoted text with escapes.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// `prefix expr`, broken before each top-level `and` / `or` when longer than the line width.
pub(super) fn wrapped(prefix: &str, e: &Expr, cont_indent: &str) -> String {
    let one = format!("{prefix}{}", expr(e));
    if one.chars().count() <= WIDTH {
        return one;
    }
    let (op, parts) = match &e.kind {
        ExprKind::Binary(op @ (BinaryOp::And | BinaryOp::Or), _, _) => {
            let mut parts = Vec::new();
            chain(e, *op, &mut parts);
            (*op, parts)
        }
        _ => return one,
    };
    let power = op.precedence() + 1;
    let mut s = format!(
        "{prefix}{}",
        expr_prec(parts.first().copied().unwrap_or(e), power, false)
    );
    for p in parts.iter().skip(1) {
        let _ = write!(
            s,
            "\n{cont_indent}{} {}",
            op.symbol(),
            expr_prec(p, power, false)
        );
    }
    s
}

fn chain<'a>(e: &'a Expr, op: BinaryOp, out: &mut Vec<&'a Expr>) {
    match &e.kind {
        ExprKind::Binary(o, a, b) if *o == op => {
            chain(a, op, out);
            out.push(b);
        }
        _ => out.push(e),
    }
}

/// An expression with the fewest brackets that keep its meaning.
pub fn expr(e: &Expr) -> String {
    expr_prec(e, 0, false)
}

const NOT_POWER: u8 = 3;
const NEG_POWER: u8 = 7;

fn expr_prec(e: &Expr, parent: u8, right: bool) -> String {
    match &e.kind {
        ExprKind::Number(n) => n.to_string(),
        ExprKind::Percent(p) => format!("{p}%"),
        ExprKind::Money { currency, amount } => format!("{} {amount}", currency.name),
        ExprKind::Quantity { amount, unit } => format!("{amount} {}", unit.name),
        ExprKind::Date(d) => d.format("%Y-%m-%d").to_string(),
        ExprKind::Text(t) => quote(t),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Unknown => "unknown".into(),
        ExprKind::List(items) => format!(
            "[{}]",
            items.iter().map(expr).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Name(id) => id.name.clone(),
        ExprKind::Field { base, field } => format!("{}.{}", base.name, field.name),
        ExprKind::Members(None) => "members".into(),
        // `where` reaches as far right as it can, so inside an operator it needs brackets.
        ExprKind::Members(Some(f)) => paren(format!("members where {}", expr(f)), parent > 0),
        ExprKind::Records { name, filter } => {
            paren(format!("{} where {}", name.name, expr(filter)), parent > 0)
        }
        ExprKind::Table(entries) => {
            format!(
                "[{}]",
                entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", expr(k), expr(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        ExprKind::Unary(op, x) => {
            let (power, text) = match op {
                UnaryOp::Not => (NOT_POWER, format!("not {}", expr_prec(x, NOT_POWER, false))),
                UnaryOp::Neg => {
                    let inner = expr_prec(x, NEG_POWER, false);
                    let sep = if inner.starts_with('-') { " " } else { "" };
                    (NEG_POWER, format!("-{sep}{inner}"))
                }
            };
            paren(text, power < parent)
        }
        ExprKind::Binary(op, a, b) => {
            let p = op.precedence();
            // Comparisons do not chain; other operators associate to the left.
            let (lp, rp) = if op.is_comparison() {
                (p + 1, p + 1)
            } else {
                (p, p + 1)
            };
            let text = format!(
                "{} {} {}",
                expr_prec(a, lp, false),
                op.symbol(),
                expr_prec(b, rp, true)
            );
            paren(text, p < parent || (p == parent && right))
        }
        ExprKind::In {
            value,
            list,
            negated,
        } => {
            let text = format!(
                "{} {} {}",
                expr_prec(value, 5, false),
                if *negated { "not in" } else { "in" },
                expr_prec(list, 5, true)
            );
            paren(text, 4 < parent || (4 == parent && right))
        }
        ExprKind::If(c, a, b) => {
            let text = format!("if {} then {} else {}", expr(c), expr(a), expr(b));
            // The `else` branch reaches as far right as it can, so inside any operator it needs brackets.
            paren(text, parent > 0)
        }
        ExprKind::Call(name, args) => format!(
            "{}({})",
            name.name,
            args.iter().map(expr).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn paren(text: String, needed: bool) -> String {
    if needed {
        format!("({text})")
    } else {
        text
    }
}
