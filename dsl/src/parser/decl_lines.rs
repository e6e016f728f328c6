//! Builders for declaration lines: `input`, `param` and `let` lines with their written types, and
//! eligibility rule lines.

use super::lines::LineParser;
use super::{internal, run, Rule};
use crate::ast::*;
use crate::layout::LogicalLine;
use pest::iterators::Pair;

impl LineParser<'_, '_> {
    pub(super) fn type_expr(
        &mut self,
        line: &LogicalLine<'_>,
        pair: Pair<'_, Rule>,
    ) -> Option<TypeExpr> {
        let span = self.span(line, &pair);
        let p = match pair.as_rule() {
            Rule::type_expr => pair.into_inner().next()?,
            _ => pair,
        };
        Some(match p.as_rule() {
            Rule::type_bool => TypeExpr::Bool(span),
            Rule::type_number => TypeExpr::Number(span),
            Rule::type_date => TypeExpr::Date(span),
            Rule::type_text => TypeExpr::Text(span),
            Rule::type_money => {
                let cur = p
                    .into_inner()
                    .find(|q| q.as_rule() == Rule::currency_code)
                    .map(|q| self.ident(line, &q));
                TypeExpr::Money(cur, span)
            }
            Rule::type_quantity => {
                let unit = p.into_inner().find(|q| q.as_rule() == Rule::unit_name)?;
                TypeExpr::Quantity(self.ident(line, &unit), span)
            }
            Rule::type_list => {
                let of = p.into_inner().find(|q| q.as_rule() == Rule::type_expr)?;
                TypeExpr::List(Box::new(self.type_expr(line, of)?), span)
            }
            Rule::type_table => {
                let mut types = p.into_inner().filter(|q| q.as_rule() == Rule::type_expr);
                let (key, value) = (types.next()?, types.next()?);
                TypeExpr::Table(
                    Box::new(self.type_expr(line, key)?),
                    Box::new(self.type_expr(line, value)?),
                    span,
                )
            }
            _ => {
                self.diags.push(internal(span, "a type"));
                return None;
            }
        })
    }

    pub(super) fn input_line(&mut self, line: &LogicalLine<'_>) -> Option<InputDecl> {
        let pair = run(self, Rule::input_line, line)?;
        let span = self.line_span(line);
        let mut scope = None;
        let mut name = None;
        let mut ty = None;
        let mut label = None;
        let mut choices = None;
        let mut default = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::input_scope => {
                    scope = Some(match p.as_str() {
                        "member" => Scope::Member,
                        "person" => Scope::Person,
                        _ => Scope::Household,
                    })
                }
                Rule::ident => name = Some(self.ident(line, &p)),
                Rule::type_expr => ty = self.type_expr(line, p),
                Rule::text_lit => label = Some(self.text(line, &p)),
                Rule::input_choices => {
                    let list = p.into_inner().find(|q| q.as_rule() == Rule::list)?;
                    choices = Some(self.operand(line, list, 0)?);
                }
                Rule::input_default => {
                    let e = p.into_inner().find(|q| q.as_rule() == Rule::expr)?;
                    default = Some(self.expr(line, e)?);
                }
                _ => {}
            }
        }
        Some(InputDecl {
            scope: scope?,
            name: name?,
            ty: ty?,
            label,
            choices,
            default,
            span,
        })
    }

    pub(super) fn param_line(&mut self, line: &LogicalLine<'_>) -> Option<ParamDecl> {
        let pair = run(self, Rule::param_line, line)?;
        let span = self.line_span(line);
        let mut name = None;
        let mut ty = None;
        let mut label = None;
        let mut values = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(line, &p)),
                Rule::type_expr => ty = self.type_expr(line, p),
                Rule::text_lit => label = Some(self.text(line, &p)),
                Rule::param_value => {
                    let mut value = None;
                    let mut from = None;
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::expr => value = self.expr(line, q),
                            Rule::date_lit => {
                                let s = self.span(line, &q);
                                from = Some((self.date(line, &q)?, s));
                            }
                            _ => {}
                        }
                    }
                    values.push(ParamValue {
                        value: value?,
                        from,
                    });
                }
                _ => {}
            }
        }
        Some(ParamDecl {
            name: name?,
            ty: ty?,
            label,
            values,
            span,
        })
    }

    pub(super) fn let_line(&mut self, line: &LogicalLine<'_>) -> Option<LetDecl> {
        let pair = run(self, Rule::let_line, line)?;
        let span = self.line_span(line);
        let mut per_member = false;
        let mut name = None;
        let mut sentence = None;
        let mut expr = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::let_member => per_member = true,
                Rule::ident => name = Some(self.ident(line, &p)),
                Rule::text_lit => sentence = Some(self.text(line, &p)),
                Rule::expr => expr = self.expr(line, p),
                _ => {}
            }
        }
        Some(LetDecl {
            per_member,
            name: name?,
            sentence,
            expr: expr?,
            span,
        })
    }

    pub(super) fn rule_line(&mut self, line: &LogicalLine<'_>) -> Option<crate::ast::Rule> {
        let pair = run(self, Rule::rule_line, line)?;
        let span = self.line_span(line);
        let mut kind = RuleKind::When;
        let mut union = false;
        let mut id = None;
        let mut sentence = None;
        let mut expr = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kw_unless => kind = RuleKind::Unless,
                Rule::kw_union => union = true,
                Rule::ident => id = Some(self.ident(line, &p)),
                Rule::text_lit => sentence = Some(self.text(line, &p)),
                Rule::expr => expr = self.expr(line, p),
                _ => {}
            }
        }
        Some(crate::ast::Rule {
            kind,
            union,
            id: id?,
            sentence: sentence?,
            expr: expr?,
            span,
        })
    }
}
