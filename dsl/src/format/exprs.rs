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
    let power = op.precedence();
    let mut s = String::from(prefix);
    for (i, p) in parts.iter().enumerate() {
        let place = Place {
            parent: power + 1,
            right: false,
            next: if i + 1 < parts.len() { power } else { 0 },
            depth: 0,
        };
        if i > 0 {
            let _ = write!(s, "\n{cont_indent}{} ", op.symbol());
        }
        s.push_str(&CLEAR.print(p, place));
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

/// An expression with the brackets that keep its meaning, and those that make it clearer (around
/// `not`, `if` and `where` inside an operator) where the bracket limit leaves room for them.
pub fn expr(e: &Expr) -> String {
    CLEAR.print(e, Place::TOP)
}

const NOT_POWER: u8 = 3;
const NEG_POWER: u8 = 7;

/// Where an expression is printed.
#[derive(Clone, Copy)]
struct Place {
    /// Binding power of the operator it is an operand of (0: none).
    parent: u8,
    /// It is that operator's right operand.
    right: bool,
    /// Binding power of the operator that follows it in the text (0: none before a closing word,
    /// bracket or the end of the line). A prefix operator's operand, an `if`'s `else` branch and a
    /// `where` filter extend over every operator at least this strong.
    next: u8,
    /// Brackets open around it.
    depth: usize,
}

impl Place {
    const TOP: Place = Place {
        parent: 0,
        right: false,
        next: 0,
        depth: 0,
    };

    fn inside(depth: usize) -> Place {
        Place {
            depth,
            ..Place::TOP
        }
    }
}

enum Brackets {
    /// Without them the text means something else.
    Needed,
    /// Only for the reader; added when the bracket limit leaves room.
    Clearer,
    None,
}

/// `clearer`: whether brackets for the reader are written. With them off the output has the fewest
/// brackets, no more deeply nested than the text it was parsed from (which had to write them), so
/// a clearer bracket is added only when the fewest-brackets form of what it encloses still fits
/// inside the limit: formatting never makes a text too deep to parse.
struct Printer {
    clearer: bool,
}

const CLEAR: Printer = Printer { clearer: true };
const FEWEST: Printer = Printer { clearer: false };

fn brackets(e: &Expr, at: Place) -> Brackets {
    let choose = |needed: bool, clearer: bool| {
        if needed {
            Brackets::Needed
        } else if clearer {
            Brackets::Clearer
        } else {
            Brackets::None
        }
    };
    match &e.kind {
        ExprKind::Members(Some(_)) | ExprKind::Records { .. } | ExprKind::If(..) => {
            choose(at.next > 0, at.parent > 0)
        }
        ExprKind::Unary(UnaryOp::Not, _) => choose(at.next >= NOT_POWER, NOT_POWER < at.parent),
        ExprKind::Unary(UnaryOp::Neg, _) => choose(at.next >= NEG_POWER, false),
        ExprKind::Binary(op, ..) => {
            let p = op.precedence();
            choose(p < at.parent || (p == at.parent && at.right), false)
        }
        ExprKind::In { .. } => choose(4 < at.parent || (4 == at.parent && at.right), false),
        _ => Brackets::None,
    }
}

impl Printer {
    fn print(&self, e: &Expr, at: Place) -> String {
        let open = match brackets(e, at) {
            Brackets::Needed => true,
            Brackets::None => false,
            Brackets::Clearer => {
                self.clearer && {
                    let fewest = FEWEST.body(e, Place { depth: 0, ..at });
                    at.depth + 1 + bracket_height(&fewest)
                        <= crate::limits::Limits::default().max_nesting
                }
            }
        };
        if open {
            // Inside brackets nothing follows it.
            let inside = Place {
                next: 0,
                depth: at.depth + 1,
                ..at
            };
            format!("({})", self.body(e, inside))
        } else {
            self.body(e, at)
        }
    }

    /// The expression without brackets of its own around it.
    fn body(&self, e: &Expr, at: Place) -> String {
        let d = at.depth;
        let list = |items: &mut dyn Iterator<Item = String>| items.collect::<Vec<_>>().join(", ");
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
                list(&mut items.iter().map(|x| self.print(x, Place::inside(d + 1))))
            ),
            ExprKind::Name(id) => id.name.clone(),
            ExprKind::Field { base, field } => format!("{}.{}", base.name, field.name),
            ExprKind::Members(None) => "members".into(),
            ExprKind::Members(Some(f)) => {
                format!(
                    "members where {}",
                    self.print(
                        f,
                        Place {
                            next: at.next,
                            ..Place::inside(d)
                        }
                    )
                )
            }
            ExprKind::Records { name, filter } => format!(
                "{} where {}",
                name.name,
                self.print(
                    filter,
                    Place {
                        next: at.next,
                        ..Place::inside(d)
                    }
                )
            ),
            ExprKind::Table(entries) => format!(
                "[{}]",
                list(&mut entries.iter().map(|(k, v)| {
                    let at = Place::inside(d + 1);
                    format!("{}: {}", self.print(k, at), self.print(v, at))
                }))
            ),
            ExprKind::Unary(op, x) => {
                let (power, word) = match op {
                    UnaryOp::Not => (NOT_POWER, "not "),
                    UnaryOp::Neg => (NEG_POWER, "-"),
                };
                let inner = self.print(
                    x,
                    Place {
                        parent: power,
                        right: false,
                        next: at.next,
                        depth: d,
                    },
                );
                // `--` would read as one token.
                let sep = if *op == UnaryOp::Neg && inner.starts_with('-') {
                    " "
                } else {
                    ""
                };
                format!("{word}{sep}{inner}")
            }
            ExprKind::Binary(op, a, b) => {
                let p = op.precedence();
                // Comparisons do not chain; other operators associate to the left.
                let (lp, rp) = if op.is_comparison() {
                    (p + 1, p + 1)
                } else {
                    (p, p + 1)
                };
                let left = Place {
                    parent: lp,
                    right: false,
                    next: p,
                    depth: d,
                };
                let right = Place {
                    parent: rp,
                    right: true,
                    next: at.next,
                    depth: d,
                };
                format!(
                    "{} {} {}",
                    self.print(a, left),
                    op.symbol(),
                    self.print(b, right)
                )
            }
            ExprKind::In {
                value,
                list,
                negated,
            } => {
                let left = Place {
                    parent: 5,
                    right: false,
                    next: 4,
                    depth: d,
                };
                let right = Place {
                    parent: 5,
                    right: true,
                    next: at.next,
                    depth: d,
                };
                format!(
                    "{} {} {}",
                    self.print(value, left),
                    if *negated { "not in" } else { "in" },
                    self.print(list, right)
                )
            }
            ExprKind::If(c, a, b) => {
                // `then` and `else` close what comes before them.
                let inner = Place::inside(d);
                format!(
                    "if {} then {} else {}",
                    self.print(c, inner),
                    self.print(a, inner),
                    self.print(
                        b,
                        Place {
                            next: at.next,
                            ..inner
                        }
                    )
                )
            }
            ExprKind::Call(name, args) => format!(
                "{}({})",
                name.name,
                list(&mut args.iter().map(|x| self.print(x, Place::inside(d + 1))))
            ),
        }
    }
}

/// How deeply brackets nest in printed text (brackets inside quoted text do not count).
fn bracket_height(text: &str) -> usize {
    let (mut depth, mut height, mut quoted, mut escaped) = (0usize, 0usize, false, false);
    for c in text.chars() {
        if quoted {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            '(' | '[' => {
                depth += 1;
                height = height.max(depth);
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    height
}
