//! Builders for each kind of logical line.

use super::{inner, internal, run, Rule};
use crate::ast::*;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::layout::LogicalLine;
use crate::limits::Limits;
use crate::span::{LineIndex, Span};
use chrono::NaiveDate;
use pest::iterators::Pair;

pub(super) struct LineParser<'a, 'b> {
    pub index: &'a LineIndex<'a>,
    pub limits: &'a Limits,
    pub diags: &'b mut Vec<Diagnostic>,
}

impl LineParser<'_, '_> {
    /// The absolute span of a pair parsed from `line`.
    pub(super) fn span(&self, line: &LogicalLine<'_>, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        self.index
            .span(line.start + s.start(), line.start + s.end())
    }

    pub(super) fn span_of(&self, line: &LogicalLine<'_>, start: usize, end: usize) -> Span {
        self.index.span(line.start + start, line.start + end)
    }

    /// The span of the line's first word.
    pub(super) fn word_span(&self, line: &LogicalLine<'_>) -> Span {
        let len = line
            .first_word
            .len()
            .max(line.text.chars().next().map(char::len_utf8).unwrap_or(0));
        self.index.span(line.start, line.start + len)
    }

    fn line_span(&self, line: &LogicalLine<'_>) -> Span {
        self.index.span(line.start, line.start + line.text.len())
    }

    pub(super) fn ident(&self, line: &LogicalLine<'_>, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(line, pair),
        }
    }

    pub(super) fn text(&mut self, line: &LogicalLine<'_>, pair: &Pair<'_, Rule>) -> Text {
        Text {
            value: unescape(pair.as_str()),
            span: self.span(line, pair),
        }
    }

    pub(super) fn date(
        &mut self,
        line: &LogicalLine<'_>,
        pair: &Pair<'_, Rule>,
    ) -> Option<NaiveDate> {
        match NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let span = self.span(line, pair);
                self.diags.push(
                    Diagnostic::new(codes::INVALID_LITERAL, span)
                        .arg("literal", pair.as_str())
                        .with_help("E0004.help.date"),
                );
                None
            }
        }
    }

    pub(super) fn program_line(&mut self, line: &LogicalLine<'_>) -> Option<Header> {
        let pair = run(self, Rule::program_line, line)?;
        let span = self.line_span(line);
        let mut id = None;
        let mut title = None;
        let mut version = None;
        let mut after_version = false;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => id = Some(self.ident(line, &p)),
                Rule::kw_version => after_version = true,
                Rule::text_lit if after_version => version = Some(self.text(line, &p)),
                Rule::text_lit => title = Some(self.text(line, &p)),
                _ => {}
            }
        }
        let id = id?;
        Some(Header {
            id,
            title,
            version,
            target: None,
            currency: None,
            cycle: None,
            span,
        })
    }

    pub(super) fn header_property(&mut self, line: &LogicalLine<'_>, header: &mut Header) {
        if line.first_word == "target" {
            let Some(pair) = run(self, Rule::target_line, line) else {
                return;
            };
            for p in pair.into_inner() {
                if p.as_rule() == Rule::target_kind {
                    let t = if p.as_str() == "individual" {
                        Target::Individual
                    } else {
                        Target::Household
                    };
                    let span = self.span(line, &p);
                    if header.target.is_some() {
                        self.diags.push(
                            Diagnostic::new(codes::DUPLICATE_HEADER, span)
                                .arg("property", "target"),
                        );
                    } else {
                        header.target = Some((t, span));
                    }
                }
            }
        } else {
            let Some(pair) = run(self, Rule::currency_line, line) else {
                return;
            };
            for p in pair.into_inner() {
                if p.as_rule() == Rule::ident {
                    let ident = self.ident(line, &p);
                    if header.currency.is_some() {
                        self.diags.push(
                            Diagnostic::new(codes::DUPLICATE_HEADER, ident.span)
                                .arg("property", "currency"),
                        );
                    } else {
                        header.currency = Some(ident);
                    }
                }
            }
        }
    }

    /// A section header that has no content of its own (`inputs`, `params`, `eligible when`).
    pub(super) fn bare_header(&mut self, line: &LogicalLine<'_>, rule: Rule) -> Option<Span> {
        run(self, rule, line).map(|_| self.line_span(line))
    }

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

    pub(super) fn entitlement_line(
        &mut self,
        line: &LogicalLine<'_>,
    ) -> Option<EntitlementSection> {
        let pair = run(self, Rule::entitlement_line, line)?;
        let mode = if pair.into_inner().any(|p| p.as_rule() == Rule::first_match) {
            SelectionMode::FirstMatch
        } else {
            SelectionMode::All
        };
        Some(EntitlementSection {
            mode,
            entries: Vec::new(),
            span: self.line_span(line),
        })
    }

    pub(super) fn entitlement_entry(&mut self, line: &LogicalLine<'_>) -> Option<EntitlementEntry> {
        let span = self.line_span(line);
        match line.first_word {
            "cash" | "in_kind" => {
                let pair = run(self, Rule::item_line, line)?;
                let kind = if line.first_word == "cash" {
                    ItemKind::Cash
                } else {
                    ItemKind::InKind
                };
                let mut id = None;
                let mut sentence = None;
                let mut amount = None;
                let mut times = None;
                let mut up_to = None;
                let mut condition = None;
                let mut valued = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::ident => id = Some(self.ident(line, &p)),
                        Rule::text_lit => sentence = Some(self.text(line, &p)),
                        Rule::expr => amount = self.expr(line, p),
                        Rule::item_times => {
                            let exprs: Vec<_> = p
                                .into_inner()
                                .filter(|q| q.as_rule() == Rule::expr)
                                .collect();
                            let mut it = exprs.into_iter();
                            times = it.next().and_then(|e| self.expr(line, e));
                            up_to = it.next().and_then(|e| self.expr(line, e));
                        }
                        Rule::item_when => {
                            let e = p.into_inner().find(|q| q.as_rule() == Rule::expr)?;
                            condition = Some(self.expr(line, e)?);
                        }
                        Rule::item_valued => {
                            let e = p.into_inner().find(|q| q.as_rule() == Rule::expr)?;
                            valued = Some(self.expr(line, e)?);
                        }
                        _ => {}
                    }
                }
                Some(EntitlementEntry::Item(EntitlementItem {
                    kind,
                    id: id?,
                    sentence: sentence?,
                    amount: amount?,
                    times,
                    up_to,
                    condition,
                    valued,
                    span,
                }))
            }
            "fee" => {
                let pair = run(self, Rule::fee_line, line)?;
                let mut id = None;
                let mut sentence = None;
                let mut amount = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::ident => id = Some(self.ident(line, &p)),
                        Rule::text_lit => sentence = Some(self.text(line, &p)),
                        Rule::expr => amount = self.expr(line, p),
                        _ => {}
                    }
                }
                Some(EntitlementEntry::Fee {
                    id: id?,
                    sentence: sentence?,
                    amount: amount?,
                    span,
                })
            }
            "cap" | "floor" => {
                let pair = run(self, Rule::limit_line, line)?;
                let kind = if line.first_word == "cap" {
                    LimitKind::Cap
                } else {
                    LimitKind::Floor
                };
                let parts = inner(pair);
                let items = parts
                    .iter()
                    .filter(|q| q.as_rule() == Rule::item_group)
                    .flat_map(|g| {
                        g.clone()
                            .into_inner()
                            .filter(|q| q.as_rule() == Rule::ident)
                    })
                    .map(|q| self.ident(line, &q))
                    .collect();
                let e = parts.into_iter().find(|q| q.as_rule() == Rule::expr)?;
                Some(EntitlementEntry::Limit {
                    kind,
                    items,
                    amount: self.expr(line, e)?,
                    span,
                })
            }
            "round" => {
                let pair = run(self, Rule::round_line, line)?;
                let mut step = None;
                let mut mode = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::expr => step = self.expr(line, p),
                        Rule::rounding_mode => {
                            let s = self.span(line, &p);
                            let m = match p.into_inner().next().map(|q| q.as_rule()) {
                                Some(Rule::mode_half_up) => RoundingMode::HalfUp,
                                Some(Rule::mode_half_even) => RoundingMode::HalfEven,
                                Some(Rule::kw_down) => RoundingMode::Down,
                                _ => RoundingMode::Up,
                            };
                            mode = Some((m, s));
                        }
                        _ => {}
                    }
                }
                Some(EntitlementEntry::Round {
                    step: step?,
                    mode: mode?,
                    span,
                })
            }
            _ => {
                self.diags.push(
                    Diagnostic::new(codes::SYNTAX, self.word_span(line))
                        .arg(
                            "expected",
                            "`cash`, `in_kind`, `fee`, `cap`, `floor` or `round`",
                        )
                        .arg("found", super::pest_errors::describe_found(line.text, 0)),
                );
                None
            }
        }
    }

    pub(super) fn translation_line(&mut self, line: &LogicalLine<'_>) -> Option<Translation> {
        let pair = run(self, Rule::translation_line, line)?;
        let locale = pair.into_inner().find(|p| p.as_rule() == Rule::ident)?;
        Some(Translation {
            locale: self.ident(line, &locale),
            entries: Vec::new(),
            span: self.line_span(line),
        })
    }

    pub(super) fn translated_line(&mut self, line: &LogicalLine<'_>) -> Option<(Ident, Text)> {
        let pair = run(self, Rule::translated_line, line)?;
        let parts = inner(pair);
        let id = parts.iter().find(|p| p.as_rule() == Rule::score_ref)?;
        let text = parts.iter().find(|p| p.as_rule() == Rule::text_lit)?;
        Some((self.ident(line, id), self.text(line, text)))
    }

    pub(super) fn test_line(&mut self, line: &LogicalLine<'_>) -> Option<TestCase> {
        let pair = run(self, Rule::test_line, line)?;
        let parts = inner(pair);
        let name = parts.iter().find(|p| p.as_rule() == Rule::text_lit)?;
        let date = parts.iter().find(|p| p.as_rule() == Rule::date_lit)?;
        let name = self.text(line, name);
        let ds = self.span(line, date);
        let d = self.date(line, date)?;
        Some(TestCase {
            name,
            as_of: (d, ds),
            records: Vec::new(),
            expectations: Vec::new(),
            span: self.line_span(line),
        })
    }

    pub(super) fn test_entry(&mut self, line: &LogicalLine<'_>, test: &mut TestCase) {
        let span = self.line_span(line);
        match line.first_word {
            "household" | "member" | "person" | "record" => {
                let Some(pair) = run(self, Rule::record_line, line) else {
                    return;
                };
                let kind = match line.first_word {
                    "member" => RecordKind::Member,
                    "person" => RecordKind::Person,
                    "record" => RecordKind::Record,
                    _ => RecordKind::Household,
                };
                let mut fields = Vec::new();
                let mut collection = None;
                for p in pair.into_inner() {
                    if p.as_rule() == Rule::record_of {
                        collection = p
                            .into_inner()
                            .find(|q| q.as_rule() == Rule::ident)
                            .map(|q| self.ident(line, &q));
                    } else if p.as_rule() == Rule::field_value {
                        let parts = inner(p);
                        let (Some(name), Some(value)) = (
                            parts.iter().find(|q| q.as_rule() == Rule::ident),
                            parts.iter().find(|q| q.as_rule() == Rule::expr),
                        ) else {
                            continue;
                        };
                        let name = self.ident(line, name);
                        if let Some(v) = self.expr(line, value.clone()) {
                            fields.push((name, v));
                        }
                    }
                }
                test.records.push(TestRecord {
                    kind,
                    collection,
                    fields,
                    span,
                });
            }
            "expect" => {
                let Some(pair) = run(self, Rule::expect_line, line) else {
                    return;
                };
                for p in pair.into_inner() {
                    let s = self.span(line, &p);
                    let rule = p.as_rule();
                    let parts = inner(p.clone());
                    let ident = parts
                        .iter()
                        .find(|q| q.as_rule() == Rule::ident)
                        .map(|q| self.ident(line, q));
                    let expr = parts
                        .iter()
                        .find(|q| q.as_rule() == Rule::expr)
                        .and_then(|q| self.expr(line, q.clone()));
                    let exp = match rule {
                        Rule::exp_decision => Some(Expectation::Decision(
                            match p.as_str() {
                                "eligible" => ExpectedDecision::Eligible,
                                "not_eligible" => ExpectedDecision::NotEligible,
                                _ => ExpectedDecision::Undetermined,
                            },
                            s,
                        )),
                        Rule::exp_cash => expr.map(|e| Expectation::Cash(e, s)),
                        Rule::exp_net => expr.map(|e| Expectation::Net(e, s)),
                        Rule::exp_fee => expr.map(|e| Expectation::Fee(e, s)),
                        Rule::exp_item => ident.zip(expr).map(|(i, e)| Expectation::Item(i, e, s)),
                        Rule::exp_value => {
                            ident.zip(expr).map(|(i, e)| Expectation::Value(i, e, s))
                        }
                        Rule::exp_score => {
                            let names: Vec<Ident> = parts
                                .iter()
                                .filter(|q| q.as_rule() == Rule::score_ref)
                                .flat_map(|r| {
                                    r.clone()
                                        .into_inner()
                                        .filter(|q| q.as_rule() == Rule::ident)
                                })
                                .map(|q| self.ident(line, &q))
                                .collect();
                            let mut names = names.into_iter();
                            names
                                .next()
                                .zip(expr)
                                .map(|(score, e)| Expectation::Score(score, names.next(), e, s))
                        }
                        Rule::exp_failed => ident.map(|i| Expectation::Failed(i, s)),
                        Rule::exp_passed => ident.map(|i| Expectation::Passed(i, s)),
                        Rule::exp_missing => ident.map(|i| Expectation::Missing(i, s)),
                        Rule::exp_error => ident.map(|i| Expectation::Error(i, s)),
                        _ => None,
                    };
                    if let Some(e) = exp {
                        test.expectations.push(e);
                    }
                }
            }
            _ => self.diags.push(
                Diagnostic::new(codes::SYNTAX, self.word_span(line))
                    .arg(
                        "expected",
                        "`household`, `member`, `person`, `record` or `expect`",
                    )
                    .arg("found", super::pest_errors::describe_found(line.text, 0)),
            ),
        }
    }
}

/// Resolves the escapes of a quoted text (the quotes included in `raw`).
fn unescape(raw: &str) -> String {
    let body = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}
