//! Builders for the lines of the run model: `compliant when`, `deduplicate`, `selection` and the
//! `cycle` header line.

use super::lines::LineParser;
use super::{run, Rule};
use crate::ast::*;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::layout::LogicalLine;
use crate::run::MembershipState;
use crate::span::Span;
use rust_decimal::Decimal;
use std::str::FromStr;

impl LineParser<'_, '_> {
    fn whole_line(&self, line: &LogicalLine<'_>) -> Span {
        self.span_of(line, 0, line.text.len())
    }

    /// `school "Children attend school" attendance >= 80% else paused`
    pub(super) fn compliance_line(&mut self, line: &LogicalLine<'_>) -> Option<ComplianceEntry> {
        let pair = run(self, Rule::compliance_line, line)?;
        let mut id = None;
        let mut sentence = None;
        let mut expr = None;
        let mut otherwise = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => id = Some(self.ident(line, &p)),
                Rule::text_lit => sentence = Some(self.text(line, &p)),
                Rule::expr => expr = self.expr(line, p),
                Rule::compliance_else => {
                    if let Some(s) = p.into_inner().find(|q| q.as_rule() == Rule::failed_state) {
                        let span = self.span(line, &s);
                        otherwise = MembershipState::from_word(s.as_str()).map(|st| (st, span));
                    }
                }
                _ => {}
            }
        }
        Some(ComplianceEntry {
            id: id?,
            sentence: sentence?,
            expr: expr?,
            otherwise,
            span: self.whole_line(line),
        })
    }

    /// `same_id "Same national ID" same national_id` or `shared "Shares a member" shared members`
    pub(super) fn dedup_line(&mut self, line: &LogicalLine<'_>) -> Option<DedupEntry> {
        let pair = run(self, Rule::dedup_line, line)?;
        let mut id = None;
        let mut sentence = None;
        let mut by = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => id = Some(self.ident(line, &p)),
                Rule::text_lit => sentence = Some(self.text(line, &p)),
                Rule::dedup_shared => by = Some(DedupBy::SharedMembers),
                Rule::dedup_same => {
                    let names = p
                        .into_inner()
                        .filter(|q| q.as_rule() == Rule::ident)
                        .map(|q| self.ident(line, &q))
                        .collect();
                    by = Some(DedupBy::Same(names));
                }
                _ => {}
            }
        }
        Some(DedupEntry {
            id: id?,
            sentence: sentence?,
            by: by?,
            span: self.whole_line(line),
        })
    }

    /// A line of the `selection` section, by its first word.
    pub(super) fn selection_entry(&mut self, line: &LogicalLine<'_>) -> Option<SelectionEntry> {
        let span = self.whole_line(line);
        match line.first_word {
            "priority" => {
                let pair = run(self, Rule::priority_line, line)?;
                let mut id = None;
                let mut sentence = None;
                let mut expr = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::ident => id = Some(self.ident(line, &p)),
                        Rule::text_lit => sentence = Some(self.text(line, &p)),
                        Rule::expr => expr = self.expr(line, p),
                        _ => {}
                    }
                }
                Some(SelectionEntry::Priority {
                    id: id?,
                    sentence: sentence?,
                    expr: expr?,
                    span,
                })
            }
            "rank" => {
                let pair = run(self, Rule::rank_line, line)?;
                let mut keys = Vec::new();
                for p in pair.into_inner().filter(|p| p.as_rule() == Rule::rank_key) {
                    let mut expr = None;
                    let mut descending = false;
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::expr => expr = self.expr(line, q),
                            Rule::rank_direction => descending = q.as_str() == "descending",
                            _ => {}
                        }
                    }
                    keys.push((expr?, descending));
                }
                Some(SelectionEntry::Rank { keys, span })
            }
            "top" => {
                let pair = run(self, Rule::top_line, line)?;
                let e = pair.into_inner().find(|q| q.as_rule() == Rule::expr)?;
                Some(SelectionEntry::Top {
                    count: self.expr(line, e)?,
                    span,
                })
            }
            "budget" => {
                let pair = run(self, Rule::budget_line, line)?;
                let mut amount = None;
                let mut proportional = false;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::expr => amount = self.expr(line, p),
                        Rule::kw_proportional => proportional = true,
                        _ => {}
                    }
                }
                Some(SelectionEntry::Budget {
                    amount: amount?,
                    proportional,
                    span,
                })
            }
            _ => {
                self.diags.push(
                    Diagnostic::new(codes::SYNTAX, self.word_span(line))
                        .arg("expected", "`priority`, `rank by`, `top` or `budget`")
                        .arg("found", super::pest_errors::describe_found(line.text, 0)),
                );
                None
            }
        }
    }

    /// `summary by region, head.gender with ages of head.birthdate`
    pub(super) fn summary_line(&mut self, line: &LogicalLine<'_>) -> Option<SummaryDecl> {
        let pair = run(self, Rule::summary_line, line)?;
        let mut by = Vec::new();
        let mut ages = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::summary_dim => by.push(self.summary_dim(line, p)?),
                Rule::summary_ages => {
                    let d = p.into_inner().find(|q| q.as_rule() == Rule::summary_dim)?;
                    ages = Some(self.summary_dim(line, d)?);
                }
                _ => {}
            }
        }
        Some(SummaryDecl {
            by,
            ages,
            span: self.whole_line(line),
        })
    }

    fn summary_dim(
        &mut self,
        line: &LogicalLine<'_>,
        pair: pest::iterators::Pair<'_, Rule>,
    ) -> Option<SummaryDim> {
        let inner = pair.into_inner().next()?;
        match inner.as_rule() {
            Rule::field_ref => {
                let parts: Vec<_> = inner
                    .into_inner()
                    .filter(|q| q.as_rule() == Rule::ident)
                    .collect();
                let scope = parts.first().map(|q| self.ident(line, q));
                let name = parts.get(1).map(|q| self.ident(line, q))?;
                Some(SummaryDim { scope, name })
            }
            _ => Some(SummaryDim {
                scope: None,
                name: self.ident(line, &inner),
            }),
        }
    }

    /// `cycle monthly from 2026-01-01 count 12` (a header line).
    pub(super) fn cycle_property(&mut self, line: &LogicalLine<'_>, header: &mut Header) {
        let Some(pair) = run(self, Rule::cycle_line, line) else {
            return;
        };
        let span = self.whole_line(line);
        let mut decl = CycleDecl {
            every: CycleEvery::OnDemand,
            weekdays: Vec::new(),
            from: None,
            count: None,
            until: None,
            lasting: None,
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::cycle_every => {
                    let Some(q) = p.into_inner().next() else {
                        continue;
                    };
                    decl.every = match q.as_rule() {
                        Rule::cycle_frequency => CycleEvery::Frequency(q.as_str().to_string()),
                        Rule::cycle_interval => {
                            let parts: Vec<_> = q.into_inner().collect();
                            let n = parts
                                .iter()
                                .find(|x| x.as_rule() == Rule::number_lit)
                                .and_then(|x| self.whole_number(line, x));
                            let period = parts
                                .iter()
                                .find(|x| x.as_rule() == Rule::cycle_period)
                                .map(|x| x.as_str().to_string());
                            match (n, period) {
                                (Some((n, _)), Some(period)) => CycleEvery::Interval(n, period),
                                _ => return,
                            }
                        }
                        _ => CycleEvery::OnDemand,
                    };
                }
                Rule::cycle_days => {
                    decl.weekdays = p
                        .into_inner()
                        .filter(|q| q.as_rule() == Rule::weekday)
                        .map(|q| self.ident(line, &q))
                        .collect()
                }
                Rule::cycle_from | Rule::cycle_until => {
                    let is_from = p.as_rule() == Rule::cycle_from;
                    let Some(d) = p.into_inner().find(|q| q.as_rule() == Rule::date_lit) else {
                        continue;
                    };
                    let s = self.span(line, &d);
                    let Some(date) = self.date(line, &d) else {
                        return;
                    };
                    if is_from {
                        decl.from = Some((date, s));
                    } else {
                        decl.until = Some((date, s));
                    }
                }
                Rule::cycle_count | Rule::cycle_lasting => {
                    let is_count = p.as_rule() == Rule::cycle_count;
                    let Some(n) = p.into_inner().find(|q| q.as_rule() == Rule::number_lit) else {
                        continue;
                    };
                    let Some(v) = self.whole_number(line, &n) else {
                        return;
                    };
                    if is_count {
                        decl.count = Some(v);
                    } else {
                        decl.lasting = Some(v);
                    }
                }
                _ => {}
            }
        }
        if header.cycle.is_some() {
            self.diags.push(
                Diagnostic::new(codes::DUPLICATE_HEADER, self.word_span(line))
                    .arg("property", "cycle"),
            );
        } else {
            header.cycle = Some(decl);
        }
    }

    /// A number literal as a decimal (E0004 when out of range).
    fn whole_number(
        &mut self,
        line: &LogicalLine<'_>,
        pair: &pest::iterators::Pair<'_, Rule>,
    ) -> Option<(Decimal, Span)> {
        let span = self.span(line, pair);
        match Decimal::from_str(pair.as_str()) {
            Ok(d) => Some((d, span)),
            Err(_) => {
                self.diags.push(
                    Diagnostic::new(codes::INVALID_LITERAL, span)
                        .arg("literal", pair.as_str())
                        .with_help("E0004.help.number"),
                );
                None
            }
        }
    }
}
