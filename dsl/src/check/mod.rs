//! Static checks: names, types, currencies, structure and the program's own tests, all reported at
//! once. A program with no errors becomes an [`ir::Program`].

mod aggregates;
mod calls;
mod consts;
mod decls;
mod entitlement;
mod exprs;
mod folding;
mod lets;
mod names;
mod operators;
mod programs_tests;
mod records;
mod rules;
mod run;
mod scores;
pub mod suggest;
mod tables;
mod test_repeats;

use crate::ast::{self, Item, ProgramFile, Scope, Target};
use crate::codes;
use crate::currency::Currency;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir;
use crate::limits::Limits;
use crate::parser::parse_with_limits;
use crate::span::Span;
use crate::types::Type;
use std::collections::HashMap;

/// The outcome of checking a program text.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The checked program, when there are no errors (warnings allowed).
    pub program: Option<ir::Program>,
    /// Every diagnostic (syntax, names, types, tests, warnings), in source order.
    pub diagnostics: Diagnostics,
    /// The syntax tree, as far as it parsed.
    pub ast: ProgramFile,
}

/// Parses and checks `source` with the default [`Limits`].
pub fn check(source: &str) -> Checked {
    check_with_limits(source, &Limits::default())
}

/// Parses and checks `source`.
pub fn check_with_limits(source: &str, limits: &Limits) -> Checked {
    let parsed = parse_with_limits(source, limits);
    let mut diags = parsed.diagnostics.0;
    let syntax_ok = !diags.iter().any(Diagnostic::is_error);
    let stopped_early = diags.iter().any(|d| {
        matches!(
            d.code,
            codes::PROGRAM_TOO_LARGE | codes::INVALID_TEXT | codes::NESTING_TOO_DEEP
        )
    });
    let mut program = None;
    if !stopped_early {
        let mut checker = Checker::new(&parsed.program);
        checker.broken_names = parsed.broken_names.clone();
        let ir = checker.run(&parsed.program);
        if !syntax_ok {
            // A line that did not parse may read what now looks unused: no such warnings then.
            checker.diags.retain(|d| {
                !matches!(
                    d.code,
                    codes::UNUSED_PARAM | codes::UNUSED_LET | codes::UNUSED_INPUT
                )
            });
        }
        diags.extend(checker.diags);
        if syntax_ok && !diags.iter().any(Diagnostic::is_error) {
            program = Some(ir);
        }
    }
    let mut diagnostics = Diagnostics(diags);
    diagnostics.sort();
    Checked {
        program,
        diagnostics,
        ast: parsed.program,
    }
}

/// What a name defined at the top of the program is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Def {
    UnitInput(usize),
    MemberInput(usize),
    Param(usize),
    Let(usize),
}

/// Where an expression is evaluated.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ctx {
    /// Inside `members where …`, an aggregate's value, or a member `let`.
    pub member: bool,
    /// In a `fee` line (`cash_total` is available).
    pub fee: bool,
    /// Inside an aggregate over a record collection (index into the checker's `records`).
    pub records: Option<usize>,
}

pub(crate) struct LetInfo {
    pub name: String,
    pub per_member: bool,
    pub ty: Type,
    pub span: Span,
    pub slot: usize,
}

pub(crate) struct Checker {
    pub diags: Vec<Diagnostic>,
    pub target: Target,
    pub currency: Option<Currency>,
    pub currency_reported: bool,
    pub inputs: Vec<ir::Input>,
    pub input_spans: Vec<Span>,
    pub unit_names: HashMap<String, Def>,
    pub member_names: HashMap<String, Def>,
    pub params: Vec<ir::Param>,
    pub param_spans: Vec<Span>,
    pub lets: Vec<LetInfo>,
    pub used_params: Vec<bool>,
    pub used_lets: Vec<bool>,
    /// Unit-level names read by the rule or item being checked (for explanations).
    pub refs: Vec<ir::Ref>,
    /// Aggregates nest at most once.
    pub in_aggregate: bool,
    /// For each let (declaration index), its position in evaluation order.
    pub let_pos: Vec<usize>,
    /// Rule identifiers and where they are.
    pub rule_ids: HashMap<String, Span>,
    /// Rule, item and fee identifiers and where they are.
    pub item_ids: HashMap<String, Span>,
    /// Names declared on lines that did not parse.
    pub broken_names: Vec<String>,
    /// Identifiers of the run model's conditions and rules (translatable sentences).
    pub run_ids: Vec<String>,
    /// Identifiers of compliance and priority conditions (which tests may expect `failed`/`passed`).
    pub check_ids: Vec<String>,
    /// Record collections, their fields by name, and where each field is declared.
    pub records: Vec<ir::RecordSet>,
    pub record_fields: Vec<HashMap<String, usize>>,
    pub record_spans: Vec<Vec<Span>>,
    pub record_index: HashMap<String, usize>,
    /// Code lists, by name.
    pub codes: Vec<ir::CodeList>,
    pub code_index: HashMap<String, usize>,
    /// Names of the scores.
    pub score_names: std::collections::HashSet<String>,
    /// Host functions, by name.
    pub functions: Vec<ir::HostFunction>,
    pub function_index: HashMap<String, usize>,
}

/// Names that have a meaning of their own.
pub(crate) const RESERVED: &[&str] = &[
    "kind",
    "is_head",
    "start_date",
    "end_date",
    "id",
    "as_of_date",
    "cash_total",
    "head",
    "household",
    "member",
    "person",
];

impl Checker {
    fn new(file: &ProgramFile) -> Checker {
        Checker {
            diags: Vec::new(),
            target: file
                .header
                .target
                .map(|(t, _)| t)
                .unwrap_or(Target::Household),
            currency: None,
            currency_reported: false,
            inputs: Vec::new(),
            input_spans: Vec::new(),
            unit_names: HashMap::new(),
            member_names: HashMap::new(),
            params: Vec::new(),
            param_spans: Vec::new(),
            lets: Vec::new(),
            used_params: Vec::new(),
            used_lets: Vec::new(),
            refs: Vec::new(),
            in_aggregate: false,
            let_pos: Vec::new(),
            rule_ids: HashMap::new(),
            item_ids: HashMap::new(),
            broken_names: Vec::new(),
            run_ids: Vec::new(),
            check_ids: Vec::new(),
            records: Vec::new(),
            record_fields: Vec::new(),
            record_spans: Vec::new(),
            record_index: HashMap::new(),
            codes: Vec::new(),
            code_index: HashMap::new(),
            functions: Vec::new(),
            function_index: HashMap::new(),
            score_names: std::collections::HashSet::new(),
        }
    }

    pub(crate) fn unit_scope(&self) -> Scope {
        match self.target {
            Target::Household => Scope::Household,
            Target::Individual => Scope::Person,
        }
    }

    /// The program currency, or an E0211 (once) when the program uses money without declaring one.
    pub(crate) fn program_currency(&mut self, span: Span) -> Option<Currency> {
        if self.currency.is_none() && !self.currency_reported {
            self.currency_reported = true;
            self.diags
                .push(Diagnostic::new(codes::NO_CURRENCY, span).with_help("E0211.help"));
        }
        self.currency
    }

    pub(crate) fn money(&mut self, span: Span) -> Type {
        match self.program_currency(span) {
            Some(currency) => Type::Money { currency },
            None => Type::Error,
        }
    }

    /// Looks a currency code up, reporting E0005 with a suggestion.
    pub(crate) fn currency_code(&mut self, code: &ast::Ident) -> Option<Currency> {
        match Currency::from_code(&code.name) {
            Some(c) => Some(c),
            None => {
                let mut d =
                    Diagnostic::new(codes::UNKNOWN_CURRENCY, code.span).arg("code", &code.name);
                if let Some(s) = suggest::closest(&code.name, Currency::all_codes()) {
                    d = d.arg("suggestion", s).with_help("E0005.help");
                }
                self.diags.push(d);
                None
            }
        }
    }

    fn run(&mut self, file: &ProgramFile) -> ir::Program {
        let header = &file.header;
        if let Some(code) = &header.currency {
            self.currency = self.currency_code(code);
            if self.currency.is_none() {
                self.currency_reported = true; // E0005 already said it
            }
        }
        // Sections that may appear once.
        let mut seen: HashMap<&'static str, Span> = HashMap::new();
        for item in &file.items {
            let (name, span) = match item {
                Item::Inputs(s) => ("inputs", s.span),
                Item::Params(s) => ("params", s.span),
                Item::Eligibility(s) => ("eligible when", s.span),
                Item::Entitlement(s) => ("entitlement", s.span),
                Item::Compliance(s) => ("compliant when", s.span),
                Item::Selection(s) => ("selection", s.span),
                Item::Deduplicate(s) => ("deduplicate", s.span),
                Item::Functions(s) => ("functions", s.span),
                _ => continue,
            };
            if seen.insert(name, span).is_some() {
                self.diags.push(
                    Diagnostic::new(codes::DUPLICATE_SECTION, span)
                        .arg("section", name)
                        .with_help("E0006.help"),
                );
            }
        }
        for item in &file.items {
            if let Item::Inputs(sec) = item {
                for d in &sec.entries {
                    self.declare_input(d);
                }
            }
        }
        self.declare_records(file);
        self.declare_functions(file);
        self.declare_codes(file);
        for item in &file.items {
            if let Item::Params(sec) = item {
                for d in &sec.entries {
                    self.declare_param(d);
                }
            }
        }
        // Scores are lets: one per component, and one for their sum.
        let score_lets = scores::score_lets(file);
        self.score_names = file
            .items
            .iter()
            .filter_map(|i| {
                if let Item::Score(sc) = i {
                    Some(sc.id.name.clone())
                } else {
                    None
                }
            })
            .collect();
        let let_decls: Vec<&ast::LetDecl> = file
            .items
            .iter()
            .filter_map(|i| if let Item::Let(l) = i { Some(l) } else { None })
            .chain(score_lets.iter())
            .collect();
        let lets = self.check_lets(&let_decls);
        let scores = self.check_scores(file, &lets);
        let rules = self.check_rules(file);
        let entitlement = self.check_entitlement(file);
        let taken = self.item_ids.clone();
        let run = self.check_run(file, &taken);
        let translations = self.check_translations(file, &rules, &entitlement);
        let tests = self.check_tests(file, &rules, &entitlement);
        self.report_unused();

        ir::Program {
            id: header.id.name.clone(),
            title: header.title.as_ref().map(|t| t.value.clone()),
            version: header.version.as_ref().map(|t| t.value.clone()),
            target: self.target,
            currency: self.currency,
            inputs: self.inputs.clone(),
            params: self.params.clone(),
            lets,
            rules,
            entitlement,
            records: self.records.clone(),
            scores,
            codes: self.codes.clone(),
            functions: self.functions.clone(),
            translations,
            tests,
            run,
        }
    }

    /// Records a name, reporting E0102 when it is taken.
    pub(crate) fn define(&mut self, name: &ast::Ident, def: Def, member_level: bool) -> bool {
        if RESERVED.contains(&name.name.as_str()) {
            self.diags.push(
                Diagnostic::new(codes::RESERVED_NAME, name.span)
                    .arg("name", &name.name)
                    .with_help("E0111.help"),
            );
            return false;
        }
        // Household and member inputs may share a name (a bare use is then ambiguous, E0104);
        // everything else has one namespace.
        let clash = if member_level {
            self.member_names.get(&name.name).copied().or_else(|| {
                match self.unit_names.get(&name.name) {
                    Some(Def::UnitInput(_)) if matches!(def, Def::MemberInput(_)) => None,
                    other => other.copied(),
                }
            })
        } else {
            self.unit_names.get(&name.name).copied().or_else(|| {
                match self.member_names.get(&name.name) {
                    Some(Def::MemberInput(_)) if matches!(def, Def::UnitInput(_)) => None,
                    other => other.copied(),
                }
            })
        };
        if !member_level {
            // Record fields share the unit-level namespace: inside an aggregate over records both are visible.
            let field_span =
                self.record_fields
                    .iter()
                    .zip(&self.record_spans)
                    .find_map(|(names, spans)| {
                        names.get(&name.name).and_then(|i| spans.get(*i)).copied()
                    });
            if let Some(span) = field_span {
                self.diags.push(
                    Diagnostic::new(codes::DUPLICATE_NAME, name.span)
                        .arg("name", &name.name)
                        .arg("line", span.line)
                        .with_help("E0102.help"),
                );
                return false;
            }
        }
        if let Some(prev) = clash {
            let line = self.def_span(prev).line;
            self.diags.push(
                Diagnostic::new(codes::DUPLICATE_NAME, name.span)
                    .arg("name", &name.name)
                    .arg("line", line)
                    .with_help("E0102.help"),
            );
            return false;
        }
        if member_level {
            self.member_names.insert(name.name.clone(), def);
        } else {
            self.unit_names.insert(name.name.clone(), def);
        }
        true
    }

    pub(crate) fn def_span(&self, def: Def) -> Span {
        match def {
            Def::UnitInput(i) | Def::MemberInput(i) => {
                self.input_spans.get(i).copied().unwrap_or_default()
            }
            Def::Param(i) => self.param_spans.get(i).copied().unwrap_or_default(),
            Def::Let(i) => self.lets.get(i).map(|l| l.span).unwrap_or_default(),
        }
    }
}
