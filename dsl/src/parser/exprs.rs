//! Expressions: operands from the grammar, combined by precedence with a bounded depth.

use super::lines::LineParser;
use super::{internal, Rule};
use crate::ast::*;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::layout::LogicalLine;
use pest::iterators::Pair;
use rust_decimal::Decimal;

const NOT_POWER: u8 = 3;
const NEG_POWER: u8 = 7;

enum Tok<'i> {
    Prefix(UnaryOp, pest::Span<'i>),
    Operand(Pair<'i, Rule>),
    Infix(Infix, pest::Span<'i>),
}

#[derive(Clone, Copy)]
enum Infix {
    Bin(BinaryOp),
    In { negated: bool },
}

impl Infix {
    fn power(self) -> u8 {
        match self {
            Infix::Bin(op) => op.precedence(),
            Infix::In { .. } => 4,
        }
    }
}

impl LineParser<'_, '_> {
    /// Builds an expression from an `expr` pair.
    pub(super) fn expr(&mut self, line: &LogicalLine<'_>, pair: Pair<'_, Rule>) -> Option<Expr> {
        self.expr_at(line, pair, 0)
    }

    fn expr_at(
        &mut self,
        line: &LogicalLine<'_>,
        pair: Pair<'_, Rule>,
        depth: usize,
    ) -> Option<Expr> {
        let mut toks = Vec::new();
        for p in pair.into_inner() {
            let span = p.as_span();
            let tok = match p.as_rule() {
                Rule::op_not => Tok::Prefix(UnaryOp::Not, span),
                Rule::op_neg => Tok::Prefix(UnaryOp::Neg, span),
                Rule::op_or => Tok::Infix(Infix::Bin(BinaryOp::Or), span),
                Rule::op_and => Tok::Infix(Infix::Bin(BinaryOp::And), span),
                Rule::op_eq => Tok::Infix(Infix::Bin(BinaryOp::Eq), span),
                Rule::op_ne => Tok::Infix(Infix::Bin(BinaryOp::Ne), span),
                Rule::op_lt => Tok::Infix(Infix::Bin(BinaryOp::Lt), span),
                Rule::op_le => Tok::Infix(Infix::Bin(BinaryOp::Le), span),
                Rule::op_gt => Tok::Infix(Infix::Bin(BinaryOp::Gt), span),
                Rule::op_ge => Tok::Infix(Infix::Bin(BinaryOp::Ge), span),
                Rule::op_add => Tok::Infix(Infix::Bin(BinaryOp::Add), span),
                Rule::op_sub => Tok::Infix(Infix::Bin(BinaryOp::Sub), span),
                Rule::op_mul => Tok::Infix(Infix::Bin(BinaryOp::Mul), span),
                Rule::op_div => Tok::Infix(Infix::Bin(BinaryOp::Div), span),
                Rule::op_mod => Tok::Infix(Infix::Bin(BinaryOp::Mod), span),
                Rule::op_in => Tok::Infix(Infix::In { negated: false }, span),
                Rule::op_not_in => Tok::Infix(Infix::In { negated: true }, span),
                _ => Tok::Operand(p),
            };
            toks.push(tok);
        }
        let mut pos = 0;
        let (e, _) = self.climb(line, &toks, &mut pos, 0, depth)?;
        if pos != toks.len() {
            let span = self.index.span(line.start, line.start + line.text.len());
            self.diags.push(internal(span, "an operator"));
            return None;
        }
        Some(e)
    }

    /// Precedence climbing; returns the expression and its tree depth.
    fn climb(
        &mut self,
        line: &LogicalLine<'_>,
        toks: &[Tok<'_>],
        pos: &mut usize,
        min_power: u8,
        depth: usize,
    ) -> Option<(Expr, usize)> {
        let max = self.limits.max_expression_depth;
        // Checked before recursing, so a run of 100,000 prefix operators cannot exhaust the stack.
        if depth > max {
            let span = self.index.span(line.start, line.start + line.text.len());
            self.too_deep(span);
            return None;
        }
        let (mut lhs, mut lhs_depth) = match toks.get(*pos) {
            Some(Tok::Prefix(op, span)) => {
                let op = *op;
                let start = line.start + span.start();
                *pos += 1;
                let power = if op == UnaryOp::Not {
                    NOT_POWER
                } else {
                    NEG_POWER
                };
                let (operand, d) = self.climb(line, toks, pos, power, depth + 1)?;
                let span = self.index.span(start, operand.span.end);
                if d + 1 > max {
                    self.too_deep(span);
                    return None;
                }
                (
                    Expr {
                        kind: ExprKind::Unary(op, Box::new(operand)),
                        span,
                    },
                    d + 1,
                )
            }
            Some(Tok::Operand(p)) => {
                *pos += 1;
                // Parentheses add no depth of their own: the formatter writes some the text did
                // not have, and that must not change what is accepted.
                let inner = if p.as_rule() == Rule::paren {
                    depth
                } else {
                    depth + 1
                };
                let e = self.operand(line, p.clone(), inner)?;
                let d = height(&e);
                (e, d)
            }
            _ => {
                let span = self.index.span(line.start, line.start + line.text.len());
                self.diags.push(internal(span, "an operand"));
                return None;
            }
        };
        let mut last_comparison: Option<pest::Span<'_>> = None;
        while let Some(Tok::Infix(op, op_span)) = toks.get(*pos) {
            let op = *op;
            let power = op.power();
            if power < min_power {
                break;
            }
            if power == 4 {
                if let Some(_prev) = last_comparison {
                    let s = self
                        .index
                        .span(line.start + op_span.start(), line.start + op_span.end());
                    self.diags.push(
                        Diagnostic::new(codes::SYNTAX, s)
                            .arg("expected", "`and` between comparisons")
                            .arg("found", "a second comparison")
                            .with_help("E0001.help.chained_comparison"),
                    );
                    return None;
                }
                last_comparison = Some(*op_span);
            }
            *pos += 1;
            let (rhs, rd) = self.climb(line, toks, pos, power + 1, depth + 1)?;
            let span = lhs.span.to(rhs.span);
            let d = lhs_depth.max(rd) + 1;
            if d > max {
                self.too_deep(span);
                return None;
            }
            let kind = match op {
                Infix::Bin(b) => ExprKind::Binary(b, Box::new(lhs), Box::new(rhs)),
                Infix::In { negated } => ExprKind::In {
                    value: Box::new(lhs),
                    list: Box::new(rhs),
                    negated,
                },
            };
            lhs = Expr { kind, span };
            lhs_depth = d;
        }
        Some((lhs, lhs_depth))
    }

    fn too_deep(&mut self, span: crate::span::Span) {
        self.diags.push(
            Diagnostic::new(codes::NESTING_TOO_DEEP, span)
                .arg("limit", self.limits.max_expression_depth)
                .with_help("E0003.help"),
        );
    }

    fn number(
        &mut self,
        line: &LogicalLine<'_>,
        pair: &Pair<'_, Rule>,
        text: &str,
    ) -> Option<Decimal> {
        match Decimal::from_str_exact(text) {
            Ok(d) => Some(d),
            Err(_) => {
                let span = self.span(line, pair);
                self.diags.push(
                    Diagnostic::new(codes::INVALID_LITERAL, span)
                        .arg("literal", text)
                        .with_help("E0004.help.number"),
                );
                None
            }
        }
    }

    /// Builds an operand (a literal, a name, a bracketed or compound expression).
    pub(super) fn operand(
        &mut self,
        line: &LogicalLine<'_>,
        pair: Pair<'_, Rule>,
        depth: usize,
    ) -> Option<Expr> {
        let span = self.span(line, &pair);
        // The depth here counts operators and brackets (the recursion); brackets alone are
        // bounded by the layout pass (`max_nesting`).
        if depth > self.limits.max_expression_depth {
            self.too_deep(span);
            return None;
        }
        let kind = match pair.as_rule() {
            Rule::paren => {
                let e = pair.into_inner().find(|p| p.as_rule() == Rule::expr)?;
                let mut inner = self.expr_at(line, e, depth)?;
                inner.span = span;
                return Some(inner);
            }
            Rule::list => {
                let mut items = Vec::new();
                for p in pair.into_inner().filter(|p| p.as_rule() == Rule::expr) {
                    if items.len() >= self.limits.max_list_len {
                        self.diags.push(
                            Diagnostic::new(codes::TOO_MANY_ITEMS, span)
                                .arg("kind", "list element")
                                .arg("limit", self.limits.max_list_len),
                        );
                        return None;
                    }
                    items.push(self.expr_at(line, p, depth + 1)?);
                }
                ExprKind::List(items)
            }
            Rule::if_expr => {
                let parts: Vec<_> = pair
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::expr)
                    .collect();
                let mut it = parts.into_iter();
                let (Some(c), Some(a), Some(b)) = (it.next(), it.next(), it.next()) else {
                    self.diags.push(internal(span, "`if … then … else …`"));
                    return None;
                };
                let c = self.expr_at(line, c, depth + 1)?;
                let a = self.expr_at(line, a, depth + 1)?;
                let b = self.expr_at(line, b, depth + 1)?;
                ExprKind::If(Box::new(c), Box::new(a), Box::new(b))
            }
            Rule::brackets => {
                // A list or a table, told apart by the first element (`key: value` or not).
                let items: Vec<_> = pair
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::bracket_item)
                    .collect();
                if items.len() > self.limits.max_list_len {
                    let table = items.first().is_some_and(|i| {
                        i.clone().into_inner().any(|p| p.as_rule() == Rule::colon)
                    });
                    self.diags.push(
                        Diagnostic::new(codes::TOO_MANY_ITEMS, span)
                            .arg("kind", if table { "table entry" } else { "list element" })
                            .arg("limit", self.limits.max_list_len),
                    );
                    return None;
                }
                let mut elements = Vec::new();
                let mut entries = Vec::new();
                let mut table = None;
                for item in items {
                    let parts: Vec<_> = item.clone().into_inner().collect();
                    let colon = parts.iter().find(|p| p.as_rule() == Rule::colon);
                    let is_entry = colon.is_some();
                    if *table.get_or_insert(is_entry) != is_entry {
                        // The words the grammar gave when lists and tables were two rules.
                        let (at, expected, found) = match colon {
                            Some(c) => (self.span(line, c), "`,` or `]`", "`:`".to_string()),
                            None => {
                                // At what follows the key, where its `:` should be.
                                let end = item.as_span().end();
                                let rest = line.text.get(end..).unwrap_or("");
                                let at =
                                    end + rest.len() - rest.trim_start_matches([' ', '\t']).len();
                                let next = line.text.get(at..).and_then(|r| r.chars().next());
                                (
                                    self.span_of(line, at, at + next.map_or(0, char::len_utf8)),
                                    "`:`",
                                    super::pest_errors::describe_found(line.text, end),
                                )
                            }
                        };
                        self.diags.push(
                            Diagnostic::new(codes::SYNTAX, at)
                                .arg("expected", expected)
                                .arg("found", found),
                        );
                        return None;
                    }
                    let mut exprs = parts.into_iter().filter(|p| p.as_rule() == Rule::expr);
                    let Some(first) = exprs.next() else {
                        self.diags.push(internal(span, "a list element"));
                        return None;
                    };
                    let first = self.expr_at(line, first, depth + 1)?;
                    match exprs.next() {
                        Some(v) => entries.push((first, self.expr_at(line, v, depth + 1)?)),
                        None => elements.push(first),
                    }
                }
                if table == Some(true) {
                    ExprKind::Table(entries)
                } else {
                    ExprKind::List(elements)
                }
            }
            Rule::records_expr => {
                let mut parts = pair.into_inner();
                let name = parts.next()?;
                let name = self.ident(line, &name);
                let Some(filter) = parts.find(|p| p.as_rule() == Rule::expr) else {
                    self.diags.push(internal(span, "`where`"));
                    return None;
                };
                ExprKind::Records {
                    name,
                    filter: Box::new(self.expr_at(line, filter, depth + 1)?),
                }
            }
            Rule::mode_word => ExprKind::Name(self.ident(line, &pair)),
            Rule::members_expr => {
                let filter = match pair.into_inner().find(|p| p.as_rule() == Rule::expr) {
                    Some(e) => Some(Box::new(self.expr_at(line, e, depth + 1)?)),
                    None => None,
                };
                ExprKind::Members(filter)
            }
            Rule::call => {
                let mut parts = pair.into_inner();
                let name = parts.next()?;
                let name = self.ident(line, &name);
                let mut args = Vec::new();
                for p in parts.filter(|p| p.as_rule() == Rule::expr) {
                    args.push(self.expr_at(line, p, depth + 1)?);
                }
                ExprKind::Call(name, args)
            }
            Rule::money_lit => {
                let parts: Vec<_> = pair.clone().into_inner().collect();
                let cur = parts.iter().find(|p| p.as_rule() == Rule::currency_code)?;
                let num = parts.iter().find(|p| p.as_rule() == Rule::number)?;
                let amount = self.number(line, num, num.as_str())?;
                ExprKind::Money {
                    currency: self.ident(line, cur),
                    amount,
                }
            }
            Rule::quantity_lit => {
                let parts: Vec<_> = pair.clone().into_inner().collect();
                let num = parts.iter().find(|p| p.as_rule() == Rule::number)?;
                let unit = parts.iter().find(|p| p.as_rule() == Rule::unit_name)?;
                let amount = self.number(line, num, num.as_str())?;
                ExprKind::Quantity {
                    amount,
                    unit: self.ident(line, unit),
                }
            }
            Rule::date_lit => ExprKind::Date(self.date(line, &pair)?),
            Rule::percent_lit => {
                let text = pair.as_str().trim_end_matches('%');
                ExprKind::Percent(self.number(line, &pair, text)?)
            }
            Rule::number_lit => ExprKind::Number(self.number(line, &pair, pair.as_str())?),
            Rule::text_lit => ExprKind::Text(self.text(line, &pair).value),
            Rule::true_lit => ExprKind::Bool(true),
            Rule::false_lit => ExprKind::Bool(false),
            Rule::unknown_lit => ExprKind::Unknown,
            Rule::field_ref => {
                let parts: Vec<_> = pair
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::ident)
                    .collect();
                let (Some(base), Some(field)) = (parts.first(), parts.get(1)) else {
                    self.diags.push(internal(span, "`name.field`"));
                    return None;
                };
                ExprKind::Field {
                    base: self.ident(line, base),
                    field: self.ident(line, field),
                }
            }
            Rule::ident => ExprKind::Name(self.ident(line, &pair)),
            _ => {
                self.diags.push(internal(span, "an operand"));
                return None;
            }
        };
        Some(Expr { kind, span })
    }
}

/// The height of an expression tree (already bounded when it was built, so this recursion is too).
pub(crate) fn height(e: &Expr) -> usize {
    1 + match &e.kind {
        ExprKind::List(items) => items.iter().map(height).max().unwrap_or(0),
        ExprKind::Members(Some(f)) => height(f),
        ExprKind::Records { filter, .. } => height(filter),
        ExprKind::Table(entries) => entries
            .iter()
            .map(|(k, v)| height(k).max(height(v)))
            .max()
            .unwrap_or(0),
        ExprKind::Unary(_, x) => height(x),
        ExprKind::Binary(_, a, b) => height(a).max(height(b)),
        ExprKind::In { value, list, .. } => height(value).max(height(list)),
        ExprKind::If(c, a, b) => height(c).max(height(a)).max(height(b)),
        ExprKind::Call(_, args) => args.iter().map(height).max().unwrap_or(0),
        _ => 0,
    }
}
