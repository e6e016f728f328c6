//! Record collections (`records visits … dated by …`): declarations, fields inside aggregates, and
//! the record lines of tests.

use super::suggest::closest;
use super::{Checker, Ctx, RESERVED};
use crate::ast::{self, Item, ProgramFile, Scope};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{self, TExpr, TKind};
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;
use std::collections::HashMap;

impl Checker {
    /// Declares every `records` section: its name and fields.
    pub(crate) fn declare_records(&mut self, file: &ProgramFile) {
        for item in &file.items {
            let Item::Records(sec) = item else { continue };
            if !self.fresh_top_name(&sec.name) {
                continue;
            }
            let set = self.records.len();
            let mut fields: Vec<ir::Input> = Vec::new();
            let mut names: HashMap<String, usize> = HashMap::new();
            let mut spans: Vec<Span> = Vec::new();
            for f in &sec.fields {
                // Membership facts (`kind`, `start_date` …) are not visible among records, so
                // records may have fields of those names; the unit-level built-ins stay reserved.
                if matches!(
                    f.name.name.as_str(),
                    "as_of_date" | "cash_total" | "head" | "household" | "member" | "person"
                ) {
                    self.diags.push(
                        Diagnostic::new(codes::RESERVED_NAME, f.name.span)
                            .arg("name", &f.name.name)
                            .with_help("E0111.help"),
                    );
                    continue;
                }
                let clash = names
                    .get(&f.name.name)
                    .and_then(|i| spans.get(*i))
                    .copied()
                    .or_else(|| self.unit_names.get(&f.name.name).map(|d| self.def_span(*d)));
                if let Some(prev) = clash {
                    self.diags.push(
                        Diagnostic::new(codes::DUPLICATE_NAME, f.name.span)
                            .arg("name", &f.name.name)
                            .arg("line", prev.line)
                            .with_help("E0102.help"),
                    );
                    continue;
                }
                let decl = ast::InputDecl {
                    scope: Scope::Record,
                    name: f.name.clone(),
                    ty: f.ty.clone(),
                    label: f.label.clone(),
                    choices: f.choices.clone(),
                    default: f.default.clone(),
                    span: f.span,
                };
                let ty = self.resolve_type(&decl.ty);
                let (choices, default) = self.input_values(&decl, &ty);
                names.insert(f.name.name.clone(), fields.len());
                spans.push(f.span);
                fields.push(ir::Input {
                    scope: Scope::Record,
                    name: f.name.name.clone(),
                    ty,
                    label: f.label.as_ref().map(|l| l.value.clone()),
                    default,
                    choices,
                    slot: fields.len(),
                    used: false,
                    host: false,
                });
            }
            let dated_by = match &sec.dated_by {
                None => None,
                Some(d) => match names.get(&d.name).copied() {
                    Some(i) if fields.get(i).is_some_and(|f| f.ty == Type::Date) => Some(i),
                    Some(i) => {
                        let found = fields.get(i).map(|f| f.ty.clone()).unwrap_or(Type::Error);
                        self.diags.push(
                            Diagnostic::new(codes::TYPE_MISMATCH, d.span)
                                .arg("expected", "a date field")
                                .arg("found", found),
                        );
                        None
                    }
                    None => {
                        self.unknown_among(d, names.keys().map(String::as_str).collect());
                        None
                    }
                },
            };
            self.records.push(ir::RecordSet {
                name: sec.name.name.clone(),
                label: sec.label.as_ref().map(|l| l.value.clone()),
                fields,
                dated_by,
            });
            self.record_fields.push(names);
            self.record_spans.push(spans);
            self.record_index.insert(sec.name.name.clone(), set);
        }
    }

    /// A collection, code list or function name: not reserved and not already a name of the program.
    pub(crate) fn fresh_top_name(&mut self, name: &ast::Ident) -> bool {
        if RESERVED.contains(&name.name.as_str())
            || matches!(name.name.as_str(), "members" | "cash")
        {
            self.diags.push(
                Diagnostic::new(codes::RESERVED_NAME, name.span)
                    .arg("name", &name.name)
                    .with_help("E0111.help"),
            );
            return false;
        }
        let prev = self
            .unit_names
            .get(&name.name)
            .or_else(|| self.member_names.get(&name.name))
            .map(|d| self.def_span(*d).line)
            .or_else(|| self.record_index.contains_key(&name.name).then_some(0))
            .or_else(|| self.code_index.contains_key(&name.name).then_some(0))
            .or_else(|| self.function_index.contains_key(&name.name).then_some(0));
        if let Some(line) = prev {
            self.diags.push(
                Diagnostic::new(codes::DUPLICATE_NAME, name.span)
                    .arg("name", &name.name)
                    .arg("line", line)
                    .with_help("E0102.help"),
            );
            return false;
        }
        true
    }

    /// E0101 for `id` with a suggestion among `candidates`.
    pub(crate) fn unknown_among(&mut self, id: &ast::Ident, candidates: Vec<&str>) {
        let mut d = Diagnostic::new(codes::UNKNOWN_NAME, id.span).arg("name", &id.name);
        if let Some(s) = closest(&id.name, candidates) {
            d = d.arg("suggestion", s).with_help("E0101.help");
        } else {
            d = d.with_help("E0101.help.declare");
        }
        self.diags.push(d);
    }

    /// A record field read by name inside an aggregate over its collection.
    pub(crate) fn record_field(&mut self, set: usize, name: &str, span: Span) -> Option<TExpr> {
        let field = self.record_fields.get(set)?.get(name).copied()?;
        let input = self.records.get_mut(set)?.fields.get_mut(field)?;
        input.used = true;
        Some(TExpr {
            kind: TKind::RecordField { set, field },
            ty: input.ty.clone(),
            span,
        })
    }

    /// The collection a bare name or `name where …` designates, when it is one.
    pub(crate) fn record_set_of(&self, e: &ast::Expr) -> Option<usize> {
        match &e.kind {
            ast::ExprKind::Records { name, .. } => self.record_index.get(&name.name).copied(),
            ast::ExprKind::Name(id) if !self.unit_names.contains_key(&id.name) => {
                self.record_index.get(&id.name).copied()
            }
            _ => None,
        }
    }

    /// E0114 when a record field is used outside an aggregate over its collection; true if it was one.
    pub(crate) fn record_field_outside(&mut self, id: &ast::Ident, ctx: Ctx) -> bool {
        let owner = self
            .record_fields
            .iter()
            .enumerate()
            .find(|(set, names)| Some(*set) != ctx.records && names.contains_key(&id.name))
            .map(|(set, _)| set);
        let Some(set) = owner else { return false };
        let records = self
            .records
            .get(set)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        self.diags.push(
            Diagnostic::new(codes::RECORD_FIELD_OUTSIDE_RECORDS, id.span)
                .arg("name", &id.name)
                .arg("records", records)
                .with_help("E0114.help"),
        );
        true
    }

    /// A `record NAME field value, …` line of a test.
    pub(crate) fn test_record(
        &mut self,
        rec: &ast::TestRecord,
    ) -> Option<(String, Vec<(String, Value)>)> {
        let collection = rec.collection.as_ref()?;
        let Some(set) = self.record_index.get(&collection.name).copied() else {
            let names: Vec<String> = self.record_index.keys().cloned().collect();
            self.unknown_among(collection, names.iter().map(String::as_str).collect());
            return None;
        };
        let mut values = Vec::new();
        for (name, value) in &rec.fields {
            let ty = self
                .record_fields
                .get(set)
                .and_then(|n| n.get(&name.name))
                .and_then(|i| self.records.get(set)?.fields.get(*i))
                .map(|f| f.ty.clone());
            match ty {
                Some(ty) => {
                    if let Some(v) = self.test_value(name, value, &ty) {
                        values.push((name.name.clone(), v));
                    }
                }
                None => {
                    let candidates: Vec<String> = self
                        .records
                        .get(set)
                        .map(|r| r.fields.iter().map(|f| f.name.clone()).collect())
                        .unwrap_or_default();
                    let mut d = Diagnostic::new(codes::TEST_UNKNOWN_FIELD, name.span)
                        .arg("name", &name.name)
                        .arg("scope", &collection.name);
                    if let Some(s) = closest(&name.name, candidates.iter().map(String::as_str)) {
                        d = d.arg("suggestion", s).with_help("E0402.help");
                    }
                    self.diags.push(d);
                }
            }
        }
        Some((collection.name.clone(), values))
    }

    /// W0003 for record fields nothing reads.
    pub(crate) fn report_unused_fields(&mut self) {
        let mut unused = Vec::new();
        for (set, spans) in self.records.iter().zip(&self.record_spans) {
            for (i, f) in set.fields.iter().enumerate() {
                if !f.used && set.dated_by != Some(i) {
                    unused.push((spans.get(i).copied().unwrap_or_default(), f.name.clone()));
                }
            }
        }
        for (span, name) in unused {
            self.diags
                .push(Diagnostic::new(codes::UNUSED_INPUT, span).arg("name", name));
        }
    }
}
