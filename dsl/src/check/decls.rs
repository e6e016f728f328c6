//! Declarations: written types, inputs and params, the warnings for unused ones, and the
//! references an expression reads (for the explanations of rules, items and scores).

use super::{Checker, Def};
use crate::ast::{self, Scope, Target};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{self, TExpr, TKind};
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;
use std::collections::{HashMap, HashSet};

impl Checker {
    /// Resolves a written type.
    pub(crate) fn resolve_type(&mut self, t: &ast::TypeExpr) -> Type {
        match t {
            ast::TypeExpr::Bool(_) => Type::Bool,
            ast::TypeExpr::Number(_) => Type::Number,
            ast::TypeExpr::Date(_) => Type::Date,
            ast::TypeExpr::Text(_) => Type::Text,
            ast::TypeExpr::Money(None, span) => self.money(*span),
            ast::TypeExpr::Money(Some(code), _) => match self.currency_code(code) {
                Some(currency) => Type::Money { currency },
                None => Type::Error,
            },
            ast::TypeExpr::Quantity(unit, _) => Type::Quantity {
                unit: unit.name.clone(),
            },
            ast::TypeExpr::List(of, _) => Type::List {
                of: Box::new(self.resolve_type(of)),
            },
            ast::TypeExpr::Table(k, v, _) => Type::Table {
                key: Box::new(self.resolve_type(k)),
                value: Box::new(self.resolve_type(v)),
            },
        }
    }

    pub(crate) fn declare_input(&mut self, d: &ast::InputDecl) {
        let ok_scope = matches!(
            (self.target, d.scope),
            (Target::Household, Scope::Household | Scope::Member)
                | (Target::Individual, Scope::Person)
        );
        if !ok_scope {
            let target = if self.target == Target::Household {
                "households"
            } else {
                "individuals"
            };
            self.diags.push(
                Diagnostic::new(codes::SCOPE_NOT_FOR_TARGET, d.span)
                    .arg("scope", d.scope.keyword())
                    .arg("target", target)
                    .with_help("E0110.help"),
            );
            return;
        }
        let ty = self.resolve_type(&d.ty);
        let index = self.inputs.len();
        let member = d.scope == Scope::Member;
        let def = if member {
            Def::MemberInput(index)
        } else {
            Def::UnitInput(index)
        };
        if !self.define(&d.name, def, member) {
            return;
        }
        let (choices, default) = self.input_values(d, &ty);
        let slot = self.inputs.iter().filter(|i| i.scope == d.scope).count();
        self.inputs.push(ir::Input {
            scope: d.scope,
            name: d.name.name.clone(),
            ty,
            label: d.label.as_ref().map(|l| l.value.clone()),
            default,
            choices,
            slot,
            used: false,
            host: false,
        });
        self.input_spans.push(d.span);
    }

    /// An input's (or a record field's) choices and default, checked against its type.
    pub(crate) fn input_values(
        &mut self,
        d: &ast::InputDecl,
        ty: &Type,
    ) -> (Option<Vec<Value>>, Option<Value>) {
        let ty = ty.clone();
        let mut choices = None;
        if let Some(c) = &d.choices {
            let list_ty = Type::List {
                of: Box::new(ty.clone()),
            };
            match self.const_value(c, &list_ty, false) {
                Some(Value::List(items)) => {
                    self.check_choices(d, c, &items);
                    choices = Some(items);
                }
                Some(_) => {}
                None => self.bad_declaration(d, "the choices", &ty, c.span),
            }
        }
        let mut default = None;
        if let Some(e) = &d.default {
            match self.const_value(e, &ty, false) {
                Some(v) => {
                    if let (Some(ch), false) = (&choices, v.is_unknown()) {
                        if !ch.contains(&v) {
                            self.default_not_a_choice(d, ch, e.span);
                        }
                    }
                    default = Some(v).filter(|v| !v.is_unknown());
                }
                None => self.bad_declaration(d, "the default", &ty, e.span),
            }
        }
        (choices, default)
    }

    /// Choices that cannot be what was meant: none at all (every value given is then refused,
    /// R0008, and nothing says why until data arrives), or one written twice (a slip, often for
    /// another choice).
    fn check_choices(&mut self, d: &ast::InputDecl, c: &ast::Expr, items: &[Value]) {
        if items.is_empty() {
            self.diags.push(
                Diagnostic::new(codes::NO_CHOICES, c.span)
                    .arg("name", &d.name.name)
                    .with_help("W0009.help"),
            );
            return;
        }
        let spans: Vec<Span> = match &c.kind {
            ast::ExprKind::List(written) => written.iter().map(|e| e.span).collect(),
            _ => Vec::new(),
        };
        for (k, v) in items.iter().enumerate() {
            if items.get(..k).is_some_and(|before| before.contains(v)) {
                let span = spans.get(k).copied().unwrap_or(c.span);
                self.diags.push(
                    Diagnostic::new(codes::CHOICE_TWICE, span)
                        .arg("name", &d.name.name)
                        .arg("choice", shown_choice(v)),
                );
            }
        }
    }

    /// A default the choices refuse: it fits the type, so the message names the choices (the first
    /// [`CHOICES_SHOWN`], then how many there are), not the type.
    fn default_not_a_choice(&mut self, d: &ast::InputDecl, choices: &[Value], span: Span) {
        let shown: Vec<String> = choices
            .iter()
            .take(CHOICES_SHOWN)
            .map(shown_choice)
            .collect();
        let mut diag = Diagnostic::new(codes::BAD_INPUT_DECLARATION, span)
            .arg("name", &d.name.name)
            .arg("choices", shown.join(", "));
        diag = if choices.len() > shown.len() {
            diag.arg("count", choices.len())
                .with_message("E0305.not_a_choice.more")
        } else {
            diag.with_message("E0305.not_a_choice")
        };
        self.diags.push(diag);
    }

    fn bad_declaration(&mut self, d: &ast::InputDecl, what: &str, ty: &Type, span: Span) {
        // const_value already reported the precise problem; this says which declaration it breaks.
        if !self
            .diags
            .last()
            .is_some_and(|x| x.span.range() == span.range() || x.span.start >= span.start)
        {
            self.diags.push(
                Diagnostic::new(codes::BAD_INPUT_DECLARATION, span)
                    .arg("what", what)
                    .arg("name", &d.name.name)
                    .arg("expected", ty),
            );
        }
    }

    pub(crate) fn declare_param(&mut self, d: &ast::ParamDecl) {
        let ty = self.resolve_type(&d.ty);
        let index = self.params.len();
        if !self.define(&d.name, Def::Param(index), false) {
            return;
        }
        let mut values: Vec<ir::ParamValue> = Vec::new();
        let mut seen_dates: HashMap<Option<chrono::NaiveDate>, Span> = HashMap::new();
        let mut last: Option<Option<chrono::NaiveDate>> = None;
        let mut out_of_order = false;
        for v in &d.values {
            let from = v.from.map(|(d, _)| d);
            let span = v.from.map(|(_, s)| s).unwrap_or(v.value.span);
            if seen_dates.insert(from, span).is_some() {
                let date = from
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "the beginning".to_string());
                self.diags.push(
                    Diagnostic::new(codes::OVERLAPPING_DATES, span)
                        .arg("name", &d.name.name)
                        .arg("date", date)
                        .with_help("E0301.help"),
                );
            }
            if let Some(prev) = last {
                if from < prev {
                    out_of_order = true;
                }
            }
            last = Some(from);
            let value = match self.const_value(&v.value, &ty, false) {
                Some(value) => value,
                None => continue,
            };
            values.push(ir::ParamValue { from, value });
        }
        if out_of_order {
            self.diags.push(
                Diagnostic::new(codes::DATES_OUT_OF_ORDER, d.name.span).arg("name", &d.name.name),
            );
        }
        crate::sorting::sort_by_key(&mut values, |v| v.from);
        self.params.push(ir::Param {
            name: d.name.name.clone(),
            ty,
            label: d.label.as_ref().map(|l| l.value.clone()),
            values,
        });
        self.param_spans.push(d.span);
        self.used_params.push(false);
    }

    /// W0001, W0002, W0003.
    pub(crate) fn report_unused(&mut self) {
        self.report_unused_fields();
        for (i, p) in self.params.iter().enumerate() {
            if !self.used_params.get(i).copied().unwrap_or(true) {
                let span = self.param_spans.get(i).copied().unwrap_or_default();
                self.diags
                    .push(Diagnostic::new(codes::UNUSED_PARAM, span).arg("name", &p.name));
            }
        }
        for (i, l) in self.lets.iter().enumerate() {
            if !self.used_lets.get(i).copied().unwrap_or(true) {
                self.diags
                    .push(Diagnostic::new(codes::UNUSED_LET, l.span).arg("name", &l.name));
            }
        }
        for (i, input) in self.inputs.iter().enumerate() {
            if !input.used {
                let span = self.input_spans.get(i).copied().unwrap_or_default();
                self.diags
                    .push(Diagnostic::new(codes::UNUSED_INPUT, span).arg("name", &input.name));
            }
        }
    }
}

/// The references in the order they are first read, without repeats.
pub(super) fn first_occurrences(refs: Vec<ir::Ref>) -> Vec<ir::Ref> {
    let mut seen = HashSet::new();
    refs.into_iter().filter(|r| seen.insert(*r)).collect()
}

/// The unit-level names an expression reads outside aggregates, in the order first read (for the
/// explanation of a score's components).
pub(crate) fn refs_of(e: &TExpr) -> Vec<ir::Ref> {
    fn walk(e: &TExpr, out: &mut Vec<ir::Ref>) {
        match &e.kind {
            TKind::Input(i) => out.push(ir::Ref::Input(*i)),
            TKind::Param(i) => out.push(ir::Ref::Param(*i)),
            TKind::Let(p) => out.push(ir::Ref::Let(*p)),
            TKind::Neg(x) | TKind::Not(x) => walk(x, out),
            TKind::And(a, b)
            | TKind::Or(a, b)
            | TKind::Arith(_, a, b)
            | TKind::Compare(_, a, b) => {
                walk(a, out);
                walk(b, out);
            }
            TKind::In { value, list, .. } => {
                walk(value, out);
                walk(list, out);
            }
            TKind::If(c, a, b) => {
                walk(c, out);
                walk(a, out);
                walk(b, out);
            }
            TKind::Call(_, args) => args.iter().for_each(|a| walk(a, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(e, &mut out);
    first_occurrences(out)
}

/// A choice as written in the program: text quoted, other values as they read.
/// How many choices a default outside them lists (as R0008 does for a value in the data).
const CHOICES_SHOWN: usize = 12;

fn shown_choice(v: &Value) -> String {
    match v {
        Value::Text(t) => format!("{t:?}"),
        other => format!("`{other}`"),
    }
}
