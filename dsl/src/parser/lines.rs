//! The line parser and the helpers every kind of line uses (spans, names, texts, dates), with the
//! builders for the program's header lines.

use super::{run, Rule};
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

    pub(super) fn line_span(&self, line: &LogicalLine<'_>) -> Span {
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
