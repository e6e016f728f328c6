//! Scores (`score`), code lists (`codes`) and host functions (`functions`).
//!
//! A score is checked as `let`s: one per component (named `score.component`, so `pmt.roof` reads it)
//! and one for their sum (named after the score). Nothing is evaluated differently; the checker only
//! records which lets make up which score, so decisions and explanations can report the breakdown.

use super::{Checker, Def};
use crate::ast::{self, BinaryOp, Expr, ExprKind, Item, ProgramFile, Scope, Target};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir;
use std::collections::HashMap;

/// The lets a program's scores stand for: each component, then the sum.
pub(crate) fn score_lets(file: &ProgramFile) -> Vec<ast::LetDecl> {
    let mut out = Vec::new();
    for item in &file.items {
        let Item::Score(sc) = item else { continue };
        let mut sum: Option<Expr> = None;
        for c in &sc.components {
            let name = ast::Ident {
                name: format!("{}.{}", sc.id.name, c.id.name),
                span: c.id.span,
            };
            out.push(ast::LetDecl {
                per_member: false,
                name: name.clone(),
                sentence: Some(c.sentence.clone()),
                expr: c.expr.clone(),
                span: c.span,
            });
            let term = Expr {
                kind: ExprKind::Name(name),
                span: c.id.span,
            };
            sum = Some(match sum {
                None => term,
                Some(acc) => {
                    let span = acc.span.to(term.span);
                    Expr {
                        kind: ExprKind::Binary(BinaryOp::Add, Box::new(acc), Box::new(term)),
                        span,
                    }
                }
            });
        }
        let expr = sum.unwrap_or(Expr {
            kind: ExprKind::Number(rust_decimal::Decimal::ZERO),
            span: sc.id.span,
        });
        out.push(ast::LetDecl {
            per_member: false,
            name: sc.id.clone(),
            sentence: sc.sentence.clone(),
            expr,
            span: sc.span,
        });
    }
    out
}

impl Checker {
    /// The scores, once their lets are checked (`lets` is in evaluation order).
    pub(crate) fn check_scores(&mut self, file: &ProgramFile, lets: &[ir::Let]) -> Vec<ir::Score> {
        let pos_of = |name: &str| lets.iter().position(|l| l.name == name);
        let mut out = Vec::new();
        for item in &file.items {
            let Item::Score(sc) = item else { continue };
            let Some(let_pos) = pos_of(&sc.id.name) else {
                continue;
            };
            // A score is an output of its own (decisions record it), so it is never "unused".
            if let Some(Def::Let(i)) = self.unit_names.get(&sc.id.name).copied() {
                if let Some(u) = self.used_lets.get_mut(i) {
                    *u = true;
                }
            }
            if let Some(l) = lets.get(let_pos) {
                if !l.expr.ty.is_error() && !l.expr.ty.is_numeric() {
                    self.diags.push(
                        Diagnostic::new(codes::TYPE_MISMATCH, sc.id.span)
                            .arg("expected", "a number or an amount")
                            .arg("found", &l.expr.ty),
                    );
                }
            }
            let mut components = Vec::new();
            for c in &sc.components {
                let name = format!("{}.{}", sc.id.name, c.id.name);
                let Some(pos) = pos_of(&name) else { continue };
                let refs = lets
                    .get(pos)
                    .map(|l| super::decls::refs_of(&l.expr))
                    .unwrap_or_default();
                components.push(ir::ScoreComponent {
                    id: c.id.name.clone(),
                    sentence: c.sentence.value.clone(),
                    let_pos: pos,
                    refs,
                });
            }
            out.push(ir::Score {
                id: sc.id.name.clone(),
                sentence: sc.sentence.as_ref().map(|s| s.value.clone()),
                let_pos,
                components,
            });
        }
        out
    }

    /// The identifiers of score sentences a translation can give: each score that has a sentence,
    /// and each component (`pmt.roof`).
    pub(crate) fn score_sentence_ids(&self, file: &ProgramFile) -> Vec<String> {
        let mut out = Vec::new();
        for item in &file.items {
            let Item::Score(sc) = item else { continue };
            if sc.sentence.is_some() {
                out.push(sc.id.name.clone());
            }
            out.extend(
                sc.components
                    .iter()
                    .map(|c| format!("{}.{}", sc.id.name, c.id.name)),
            );
        }
        out
    }

    /// Declares every `codes` section.
    pub(crate) fn declare_codes(&mut self, file: &ProgramFile) {
        for item in &file.items {
            let Item::Codes(sec) = item else { continue };
            if !self.fresh_top_name(&sec.name) {
                continue;
            }
            let mut entries: Vec<ir::CodeListEntry> = Vec::new();
            let mut names: HashMap<&str, u32> = HashMap::new();
            let mut meaning: HashMap<String, String> = HashMap::new();
            for e in &sec.entries {
                if let Some(line) = names.get(e.name.name.as_str()) {
                    self.diags.push(
                        Diagnostic::new(codes::DUPLICATE_RULE, e.name.span)
                            .arg("name", &e.name.name)
                            .arg("line", line)
                            .with_help("E0103.help"),
                    );
                    continue;
                }
                names.insert(&e.name.name, e.span.line);
                for code in &e.codes {
                    let key = normalize_code(&code.value);
                    match meaning.get(&key) {
                        Some(first) if *first != e.name.name => self.diags.push(
                            Diagnostic::new(codes::AMBIGUOUS_CODE, code.span)
                                .arg("code", &code.value)
                                .arg("first", first)
                                .arg("second", &e.name.name)
                                .arg("list", &sec.name.name),
                        ),
                        _ => {
                            meaning.insert(key, e.name.name.clone());
                        }
                    }
                }
                entries.push(ir::CodeListEntry {
                    name: e.name.name.clone(),
                    label: e.label.as_ref().map(|l| l.value.clone()),
                    codes: e.codes.iter().map(|c| c.value.clone()).collect(),
                });
            }
            self.code_index
                .insert(sec.name.name.clone(), self.codes.len());
            self.codes.push(ir::CodeList {
                name: sec.name.name.clone(),
                label: sec.label.as_ref().map(|l| l.value.clone()),
                entries,
            });
        }
    }

    /// Declares the host functions: each is an input (marked `host`) that carries its value.
    pub(crate) fn declare_functions(&mut self, file: &ProgramFile) {
        for item in &file.items {
            let Item::Functions(sec) = item else { continue };
            for f in &sec.entries {
                let ty = self.resolve_type(&f.ty);
                let mut scopes = Vec::new();
                let mut ok = true;
                for a in &f.args {
                    let def = self
                        .unit_names
                        .get(&a.name)
                        .or_else(|| self.member_names.get(&a.name))
                        .copied();
                    match def {
                        Some(Def::UnitInput(i)) | Some(Def::MemberInput(i))
                            if self.inputs.get(i).is_some_and(|x| !x.host) =>
                        {
                            if let Some(input) = self.inputs.get_mut(i) {
                                // The host needs the arguments, so they are read even if no rule reads them.
                                input.used = true;
                                scopes.push(input.scope);
                            }
                        }
                        _ => {
                            ok = false;
                            let candidates: Vec<String> = self
                                .inputs
                                .iter()
                                .filter(|i| !i.host)
                                .map(|i| i.name.clone())
                                .collect();
                            self.unknown_among(a, candidates.iter().map(String::as_str).collect());
                        }
                    }
                }
                let member = scopes.contains(&Scope::Member);
                if member && scopes.iter().any(|s| *s != Scope::Member) {
                    ok = false;
                    self.diags.push(
                        Diagnostic::new(codes::BAD_FUNCTION_ARGUMENTS, f.name.span)
                            .arg("name", &f.name.name),
                    );
                }
                if !ok || !self.fresh_top_name(&f.name) {
                    continue;
                }
                let scope = if member {
                    Scope::Member
                } else if self.target == Target::Household {
                    Scope::Household
                } else {
                    Scope::Person
                };
                let index = self.inputs.len();
                let def = if member {
                    Def::MemberInput(index)
                } else {
                    Def::UnitInput(index)
                };
                if !self.define(&f.name, def, member) {
                    continue;
                }
                let slot = self.inputs.iter().filter(|i| i.scope == scope).count();
                let label = f.label.as_ref().map(|l| l.value.clone());
                self.inputs.push(ir::Input {
                    scope,
                    name: f.name.name.clone(),
                    ty: ty.clone(),
                    label: label.clone(),
                    default: None,
                    choices: None,
                    slot,
                    used: false,
                    host: true,
                });
                self.input_spans.push(f.span);
                self.function_index
                    .insert(f.name.name.clone(), self.functions.len());
                self.functions.push(ir::HostFunction {
                    name: f.name.name.clone(),
                    args: f.args.iter().map(|a| a.name.clone()).collect(),
                    ty,
                    label,
                    input: index,
                });
            }
        }
    }
}

/// How codes compare: without surrounding spaces, ignoring case.
pub(crate) fn normalize_code(code: &str) -> String {
    code.trim().to_lowercase()
}
