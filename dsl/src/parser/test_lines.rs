//! Builders for the lines of tests (the test line, its records and expectations) and of
//! translations.

use super::lines::LineParser;
use super::{inner, run, Rule};
use crate::ast::*;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::layout::LogicalLine;

impl LineParser<'_, '_> {
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
            broken_expect: false,
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
                    test.broken_expect = true;
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
                    match exp {
                        Some(e) => test.expectations.push(e),
                        // An expectation whose value did not build (its error is reported).
                        None if rule_is_expectation(rule) => test.broken_expect = true,
                        None => {}
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

/// Whether `rule` is one of the expectations an `expect` line lists (not its punctuation).
fn rule_is_expectation(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::exp_decision
            | Rule::exp_cash
            | Rule::exp_net
            | Rule::exp_fee
            | Rule::exp_item
            | Rule::exp_value
            | Rule::exp_score
            | Rule::exp_failed
            | Rule::exp_passed
            | Rule::exp_missing
            | Rule::exp_error
    )
}
