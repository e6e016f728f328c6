//! Builders for the lines of the `score`, `records`, `codes` and `functions` sections.

use super::lines::LineParser;
use super::{run, Rule};
use crate::ast::*;
use crate::layout::LogicalLine;

impl LineParser<'_, '_> {
    fn whole(&self, line: &LogicalLine<'_>) -> crate::span::Span {
        self.span_of(line, 0, line.text.len())
    }

    /// `score pmt "Proxy means test score"`
    pub(super) fn score_line(&mut self, line: &LogicalLine<'_>) -> Option<ScoreSection> {
        let pair = run(self, Rule::score_line, line)?;
        let mut id = None;
        let mut sentence = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => id = Some(self.ident(line, &p)),
                Rule::text_lit => sentence = Some(self.text(line, &p)),
                _ => {}
            }
        }
        Some(ScoreSection {
            id: id?,
            sentence,
            components: Vec::new(),
            span: self.whole(line),
        })
    }

    /// `roof "Roof material" lookup(roof_points, roof)`
    pub(super) fn component_line(&mut self, line: &LogicalLine<'_>) -> Option<Component> {
        let pair = run(self, Rule::component_line, line)?;
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
        Some(Component {
            id: id?,
            sentence: sentence?,
            expr: expr?,
            span: self.whole(line),
        })
    }

    /// `records visits "Clinic visits" dated by visit_date`
    pub(super) fn records_line(&mut self, line: &LogicalLine<'_>) -> Option<RecordsSection> {
        let pair = run(self, Rule::records_line, line)?;
        let mut names = Vec::new();
        let mut label = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => names.push(self.ident(line, &p)),
                Rule::text_lit => label = Some(self.text(line, &p)),
                _ => {}
            }
        }
        let mut names = names.into_iter();
        let name = names.next()?;
        Some(RecordsSection {
            name,
            label,
            dated_by: names.next(),
            fields: Vec::new(),
            span: self.whole(line),
        })
    }

    /// `visit_date: date "Date of the visit"`
    pub(super) fn field_line(&mut self, line: &LogicalLine<'_>) -> Option<FieldDecl> {
        let pair = run(self, Rule::field_line, line)?;
        let mut name = None;
        let mut ty = None;
        let mut label = None;
        let mut choices = None;
        let mut default = None;
        for p in pair.into_inner() {
            match p.as_rule() {
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
        Some(FieldDecl {
            name: name?,
            ty: ty?,
            label,
            choices,
            default,
            span: self.whole(line),
        })
    }

    /// `codes genders "Gender codes"`
    pub(super) fn codes_line(&mut self, line: &LogicalLine<'_>) -> Option<CodesSection> {
        let pair = run(self, Rule::codes_line, line)?;
        let mut name = None;
        let mut label = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(line, &p)),
                Rule::text_lit => label = Some(self.text(line, &p)),
                _ => {}
            }
        }
        Some(CodesSection {
            name: name?,
            label,
            entries: Vec::new(),
            span: self.whole(line),
        })
    }

    /// `female "Female" = "F", "female", "2"`
    pub(super) fn code_line(&mut self, line: &LogicalLine<'_>) -> Option<CodeEntry> {
        let pair = run(self, Rule::code_line, line)?;
        let mut name = None;
        let mut label = None;
        let mut codes = Vec::new();
        let mut after_equals = false;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(line, &p)),
                Rule::equals => after_equals = true,
                Rule::text_lit if after_equals => codes.push(self.text(line, &p)),
                Rule::text_lit => label = Some(self.text(line, &p)),
                _ => {}
            }
        }
        Some(CodeEntry {
            name: name?,
            label,
            codes,
            span: self.whole(line),
        })
    }

    /// `distance_to_clinic(gps_location): number "Distance to the nearest clinic, km"`
    pub(super) fn function_line(&mut self, line: &LogicalLine<'_>) -> Option<FunctionDecl> {
        let pair = run(self, Rule::function_line, line)?;
        let mut names = Vec::new();
        let mut ty = None;
        let mut label = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => names.push(self.ident(line, &p)),
                Rule::type_expr => ty = self.type_expr(line, p),
                Rule::text_lit => label = Some(self.text(line, &p)),
                _ => {}
            }
        }
        let mut names = names.into_iter();
        let name = names.next()?;
        Some(FunctionDecl {
            name,
            args: names.collect(),
            ty: ty?,
            label,
            span: self.whole(line),
        })
    }
}
