//! Builders for the lines of the `entitlement` section: its header, items, fee, cap and floor, and
//! rounding.

use super::lines::LineParser;
use super::{inner, run, Rule};
use crate::ast::*;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::layout::LogicalLine;

impl LineParser<'_, '_> {
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
}
