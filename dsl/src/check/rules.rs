//! Eligibility rules, and the check that an expression is a truth value.

use super::decls::first_occurrences;
use super::{Checker, Ctx};
use crate::ast::{self, Item, ProgramFile};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{self, TExpr};
use crate::span::Span;
use crate::types::Type;
use std::collections::HashMap;

impl Checker {
    pub(crate) fn check_rules(&mut self, file: &ProgramFile) -> Vec<ir::Rule> {
        let mut rules = Vec::new();
        let mut ids: HashMap<String, Span> = HashMap::new();
        for item in &file.items {
            let Item::Eligibility(sec) = item else {
                continue;
            };
            for r in &sec.entries {
                if let Some(prev) = ids.get(&r.id.name) {
                    self.diags.push(
                        Diagnostic::new(codes::DUPLICATE_RULE, r.id.span)
                            .arg("name", &r.id.name)
                            .arg("line", prev.line)
                            .with_help("E0103.help"),
                    );
                    continue;
                }
                ids.insert(r.id.name.clone(), r.id.span);
                self.refs.clear();
                let expr = self.condition(&r.expr, Ctx::default());
                let refs = first_occurrences(std::mem::take(&mut self.refs));
                self.fold_rule(r, &expr);
                if r.union && rules.is_empty() {
                    self.diags.push(
                        Diagnostic::new(codes::UNION_FIRST, r.id.span).with_help("E0307.help"),
                    );
                }
                rules.push(ir::Rule {
                    id: r.id.name.clone(),
                    kind: r.kind,
                    sentence: r.sentence.value.clone(),
                    expr,
                    refs,
                    union: r.union,
                    span: r.span,
                });
            }
        }
        self.rule_ids = ids;
        rules
    }

    /// Checks an expression that must be a truth value.
    pub(crate) fn condition(&mut self, e: &ast::Expr, ctx: Ctx) -> TExpr {
        let t = self.expr(e, ctx);
        if !matches!(t.ty, Type::Bool | Type::Error) {
            self.diags
                .push(Diagnostic::new(codes::CONDITION_NOT_BOOL, e.span).arg("found", &t.ty));
        }
        t
    }
}
