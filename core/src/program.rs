//! A compiled program: compile once, evaluate many.

use crate::batch::{Batch, BatchBuilder, Layout};
use crate::eval::results::{BatchResult, ChunkOut, PART};
use crate::eval::{Env, EvalOptions, ParamAt, State};
use crate::model::Unit;
use crate::name::{DecisionNames, Name};
use crate::result::{Decision, ProgramRef, UnitError};
use chrono::NaiveDate;
use entitle_dsl::ast::{ItemKind, Target};
use entitle_dsl::ir::{self, Builtin, TExpr, TKind};
use entitle_dsl::{codes, Currency, Diagnostic, Diagnostics, Limits, Value};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// Bounds on evaluation, so hostile data or programs cannot exhaust a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalLimits {
    /// Most members in one household (default 1,000); more is error R0009 for that unit.
    pub max_members: usize,
    /// Most expression steps for one unit (default 1,000,000); more is error R0006 for that unit.
    pub max_steps_per_unit: u64,
    /// Most records in one collection of one unit (default 10,000); more is error R0014.
    pub max_records: usize,
}

impl Default for EvalLimits {
    fn default() -> Self {
        EvalLimits {
            max_members: 1_000,
            max_steps_per_unit: 1_000_000,
            max_records: 10_000,
        }
    }
}

/// Options for compiling.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompileOptions {
    /// Limits on the program text.
    pub limits: Limits,
    /// Limits on evaluation.
    pub eval_limits: EvalLimits,
}

pub(crate) struct Inner {
    pub ir: ir::Program,
    pub program_ref: Arc<ProgramRef>,
    pub layout: Arc<Layout>,
    pub warnings: Diagnostics,
    pub regexes: HashMap<String, regex_lite::Regex>,
    pub limits: EvalLimits,
    pub unit_let_count: usize,
    pub member_let_count: usize,
    pub units_of_measure: Vec<Name>,
    pub item_unit: Vec<Option<usize>>,
    pub has_cash: bool,
    /// What each bit of a unit's missing-data set names: the inputs, `head`, then each record
    /// collection's fields (`visits.visit_date`).
    pub missing_names: Vec<Name>,
    /// The names decisions carry.
    pub names: DecisionNames,
    /// For each record collection, the bit of its first field.
    pub record_bits: Vec<usize>,
    /// Score values per unit: each score and each of its components.
    pub score_slots: usize,
    /// The program has compliance or priority conditions or ranking keys, evaluated per unit.
    pub run_checks: bool,
    /// The columnar plan, when the program can be evaluated column by column (see
    /// `crate::columnar`); batches without explanations use it.
    pub columnar: Option<crate::columnar::Plan>,
}

/// A compiled program. Immutable, `Send + Sync`, and cheap to clone (clones share the compiled form).
///
/// ```
/// use entitle_core::{Program, Unit, Member, Outcome};
/// let program = Program::compile(include_str!("../../examples/programs/child_grant.entitle")).unwrap();
/// let household = Unit::new("H1")
///     .with("region", "North")
///     .with("monthly_income", "KES 5000")
///     .with_member(Member::new("M1", "head").with("birthdate", "1990-01-01"))
///     .with_member(Member::new("M2", "child").with("birthdate", "2020-05-01"));
/// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
/// let decision = program.evaluate(&household, as_of).unwrap();
/// assert_eq!(decision.outcome, Outcome::Eligible);
/// assert_eq!(decision.cash_total().unwrap().to_string(), "2000");
/// ```
#[derive(Clone)]
pub struct Program(Arc<Inner>);

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field("id", &self.0.ir.id)
            .field("hash", &self.0.program_ref.hash)
            .finish()
    }
}

/// `sha256:` and the hex digest of the text.
pub fn content_hash(source: &str) -> String {
    let digest = Sha256::digest(source.as_bytes());
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn walk<'a>(e: &'a TExpr, f: &mut impl FnMut(&'a TExpr)) {
    f(e);
    match &e.kind {
        TKind::Neg(x) | TKind::Not(x) => walk(x, f),
        TKind::And(a, b) | TKind::Or(a, b) | TKind::Arith(_, a, b) | TKind::Compare(_, a, b) => {
            walk(a, f);
            walk(b, f);
        }
        TKind::In { value, list, .. } => {
            walk(value, f);
            walk(list, f);
        }
        TKind::If(c, a, b) => {
            walk(c, f);
            walk(a, f);
            walk(b, f);
        }
        TKind::Call(_, args) => args.iter().for_each(|a| walk(a, f)),
        TKind::Aggregate { filter, value, .. } => {
            if let Some(x) = filter {
                walk(x, f);
            }
            if let Some(x) = value {
                walk(x, f);
            }
        }
        TKind::RecordAggregate {
            filter, value, by, ..
        } => {
            for x in [filter, value, by].into_iter().flatten() {
                walk(x, f);
            }
        }
        _ => {}
    }
}

fn all_exprs(p: &ir::Program) -> Vec<&TExpr> {
    let mut v: Vec<&TExpr> = Vec::new();
    v.extend(p.lets.iter().map(|l| &l.expr));
    v.extend(p.rules.iter().map(|r| &r.expr));
    for it in &p.entitlement.items {
        v.push(&it.amount);
        v.extend(it.times.iter());
        v.extend(it.up_to.iter());
        v.extend(it.condition.iter());
        v.extend(it.valued.iter());
    }
    v.extend(p.entitlement.group_caps.iter().map(|c| &c.amount));
    v.extend(p.entitlement.fee.iter().map(|f| &f.amount));
    v.extend(p.entitlement.cap.iter());
    v.extend(p.entitlement.floor.iter());
    v.extend(p.run.compliance.iter().map(|r| &r.expr));
    v.extend(p.run.priority().iter().map(|r| &r.expr));
    v.extend(p.run.rank().iter().map(|k| &k.expr));
    v
}

impl Program {
    /// Compiles program text.
    ///
    /// # Errors
    /// Every diagnostic, when the text has errors (warnings alone do not stop compilation; see
    /// [`Program::warnings`]).
    pub fn compile(source: &str) -> Result<Program, Diagnostics> {
        Program::compile_with(source, &CompileOptions::default())
    }

    /// Compiles program text with explicit limits.
    ///
    /// # Errors
    /// As [`Program::compile`].
    pub fn compile_with(source: &str, options: &CompileOptions) -> Result<Program, Diagnostics> {
        let checked = entitle_dsl::check_with_limits(source, &options.limits);
        let Some(ir) = checked.program else {
            return Err(checked.diagnostics);
        };
        // Patterns of `matches` are compiled once here (the checker has refused bad ones; this
        // stays in case a pattern reaches here another way).
        let mut regexes = HashMap::new();
        let mut bad = Vec::new();
        for e in all_exprs(&ir) {
            walk(e, &mut |x| {
                if let TKind::Call(Builtin::Matches, args) = &x.kind {
                    if let Some(TExpr {
                        kind: TKind::Const(Value::Text(p)),
                        span,
                        ..
                    }) = args.get(1)
                    {
                        match entitle_dsl::limits::compile_pattern(p) {
                            Ok(re) => {
                                regexes.insert(p.clone(), re);
                            }
                            Err(_) => bad.push(
                                Diagnostic::new(codes::INVALID_PATTERN, *span).arg("pattern", p),
                            ),
                        }
                    }
                }
            });
        }
        if !bad.is_empty() {
            let mut all = checked.diagnostics.0;
            all.extend(bad);
            return Err(Diagnostics(all));
        }
        let mut units_of_measure: Vec<Name> = Vec::new();
        let mut item_unit = Vec::new();
        for it in &ir.entitlement.items {
            let idx =
                it.unit
                    .as_ref()
                    .map(|u| match units_of_measure.iter().position(|x| x == u) {
                        Some(i) => i,
                        None => {
                            units_of_measure.push(Name::from(u));
                            units_of_measure.len() - 1
                        }
                    });
            item_unit.push(idx);
        }
        let has_cash = ir
            .entitlement
            .items
            .iter()
            .any(|i| i.kind == ItemKind::Cash);
        let run_checks = !ir.run.compliance.is_empty()
            || !ir.run.priority().is_empty()
            || !ir.run.rank().is_empty();
        let layout = Arc::new(
            Layout::new(
                &ir.inputs,
                ir.unit_scope(),
                ir.target == Target::Household,
                options.eval_limits.max_members,
            )
            .with_records(&ir.records, options.eval_limits.max_records),
        );
        let program_ref = Arc::new(ProgramRef {
            id: ir.id.clone(),
            version: ir.version.clone(),
            hash: content_hash(source),
        });
        let mut missing_names: Vec<Name> = ir.inputs.iter().map(|i| Name::from(&i.name)).collect();
        // Then `head` and the membership's own facts (`State::member_field_bit` counts on the
        // order).
        missing_names.extend(entitle_dsl::ir::MISSING_FACTS.map(Name::from));
        let mut record_bits = Vec::with_capacity(ir.records.len());
        for set in &ir.records {
            record_bits.push(missing_names.len());
            missing_names.extend(
                set.fields
                    .iter()
                    .map(|f| Name::from(format!("{}.{}", set.name, f.name))),
            );
        }
        let score_slots = ir.scores.iter().map(|s| 1 + s.components.len()).sum();
        let unit_let_count = ir.lets.iter().filter(|l| !l.per_member).count();
        let member_let_count = ir.lets.len() - unit_let_count;
        let names = DecisionNames::new(&ir);
        let mut inner = Inner {
            names,
            ir,
            program_ref,
            layout,
            warnings: checked.diagnostics,
            regexes,
            limits: options.eval_limits.clone(),
            unit_let_count,
            member_let_count,
            units_of_measure,
            item_unit,
            has_cash,
            missing_names,
            record_bits,
            score_slots,
            run_checks,
            columnar: None,
        };
        inner.columnar = crate::columnar::Plan::compile(&inner);
        Ok(Program(Arc::new(inner)))
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.0
    }

    /// The checked program: inputs, parameters, lets, rules, items, tests.
    pub fn ir(&self) -> &ir::Program {
        &self.0.ir
    }

    /// Program identifier, version and content hash.
    pub fn program_ref(&self) -> &Arc<ProgramRef> {
        &self.0.program_ref
    }

    /// `sha256:…` of the program text.
    pub fn hash(&self) -> &str {
        &self.0.program_ref.hash
    }

    /// Warnings found while compiling.
    pub fn warnings(&self) -> &Diagnostics {
        &self.0.warnings
    }

    /// Households or individuals.
    pub fn target(&self) -> Target {
        self.0.ir.target
    }

    /// The program's currency.
    pub fn currency(&self) -> Option<Currency> {
        self.0.ir.currency
    }

    /// The inputs the program declares, each marked with whether it is read; a registry adapter
    /// loads only these columns, a form shows only these fields.
    pub fn inputs(&self) -> &[ir::Input] {
        &self.0.ir.inputs
    }

    /// The parameters.
    pub fn params(&self) -> &[ir::Param] {
        &self.0.ir.params
    }

    /// The eligibility rules.
    pub fn rules(&self) -> &[ir::Rule] {
        &self.0.ir.rules
    }

    /// The entitlement items.
    pub fn items(&self) -> &[ir::Item] {
        &self.0.ir.entitlement.items
    }

    /// Units of measure of in-kind items, in the order totals are reported.
    pub fn units_of_measure(&self) -> &[Name] {
        &self.0.units_of_measure
    }

    /// Where each input goes in a [`Batch`].
    pub fn layout(&self) -> &Layout {
        &self.0.layout
    }

    /// A builder for a [`Batch`] of this program's units.
    pub fn batch_builder(&self) -> BatchBuilder {
        BatchBuilder::new(Arc::clone(&self.0.layout))
    }

    /// Binds name-keyed units into a batch (a unit whose data is invalid keeps its place and fails).
    pub fn bind(&self, units: &[Unit]) -> Batch {
        self.bind_with(units, &EvalOptions::default())
    }

    /// [`Program::bind`] with options: with [`EvalOptions::strict`], a unit that carries a name
    /// the program does not declare keeps its place and fails with R0011
    /// ([`crate::EvalError::UnknownField`]). The other options are for [`Program::run`].
    ///
    /// ```
    /// # use entitle_core::{EvalOptions, Program, Unit, Member};
    /// # let p = Program::compile(include_str!("../../examples/programs/child_grant.entitle")).unwrap();
    /// # let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    /// let unit = Unit::new("H1")
    ///     .with("region", "North")
    ///     .with_member(Member::new("M1", "child").with("disabeld", true));
    /// let strict = EvalOptions { strict: true, ..EvalOptions::default() };
    /// let batch = p.bind_with(&[unit], &strict);
    /// let e = batch.unit_error(0).unwrap();
    /// assert_eq!(e.code(), "R0011");
    /// assert_eq!(e.to_string(), "`member M1: disabeld` is not an input of this program; did you mean `disabled`?");
    /// ```
    pub fn bind_with(&self, units: &[Unit], options: &EvalOptions) -> Batch {
        let mut b = self.batch_builder();
        for u in units {
            b.add_unit_with(u, options);
        }
        b.finish()
    }

    /// Evaluates one unit.
    ///
    /// # Errors
    /// [`UnitError`] when the unit's data is invalid or its evaluation fails (division by zero …).
    pub fn evaluate(&self, unit: &Unit, as_of: NaiveDate) -> Result<Decision, UnitError> {
        self.evaluate_with(unit, as_of, &EvalOptions::default())
    }

    /// Evaluates one unit with options (an explanation, strict binding …).
    ///
    /// # Errors
    /// As [`Program::evaluate`].
    pub fn evaluate_with(
        &self,
        unit: &Unit,
        as_of: NaiveDate,
        options: &EvalOptions,
    ) -> Result<Decision, UnitError> {
        let mut d = Decision::empty(Arc::clone(&self.0.program_ref), as_of);
        crate::one::evaluate(self, &self.0, unit, as_of, options, |r| {
            r.decision_fresh(0, &mut d)
        })?;
        Ok(d)
    }

    /// Evaluates one unit into a decision the caller keeps, reusing its vectors: for a host that
    /// evaluates units one at a time and reads each decision before the next. `d` may come from
    /// any earlier evaluation, of any program; afterwards it equals what
    /// [`Program::evaluate_with`] returns.
    ///
    /// ```
    /// # use entitle_core::{Program, Unit, Member, EvalOptions};
    /// # let p = Program::compile(include_str!("../../examples/programs/child_grant.entitle")).unwrap();
    /// # let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    /// let unit = |income: &str| {
    ///     Unit::new("H1")
    ///         .with("region", "North")
    ///         .with("monthly_income", income)
    ///         .with_member(Member::new("M1", "child").with("birthdate", "2020-05-01"))
    /// };
    /// let mut d = p.evaluate(&unit("KES 900"), as_of).unwrap();
    /// p.evaluate_into(&unit("KES 90000"), as_of, &EvalOptions::default(), &mut d).unwrap();
    /// assert_eq!(d.outcome, entitle_core::Outcome::NotEligible);
    /// assert!(d.items.is_empty());
    /// ```
    ///
    /// # Errors
    /// As [`Program::evaluate`]; `d` is then left as it was.
    pub fn evaluate_into(
        &self,
        unit: &Unit,
        as_of: NaiveDate,
        options: &EvalOptions,
        d: &mut Decision,
    ) -> Result<(), UnitError> {
        crate::one::evaluate(self, &self.0, unit, as_of, options, |r| {
            r.decision_into(0, d)
        })
    }

    /// Evaluates many units; results are in the same order.
    pub fn evaluate_batch(
        &self,
        units: &[Unit],
        as_of: NaiveDate,
    ) -> Vec<Result<Decision, UnitError>> {
        self.evaluate_batch_with(units, as_of, &EvalOptions::default())
    }

    /// Evaluates many units with options (an explanation, strict binding …).
    pub fn evaluate_batch_with(
        &self,
        units: &[Unit],
        as_of: NaiveDate,
        options: &EvalOptions,
    ) -> Vec<Result<Decision, UnitError>> {
        let batch = self.bind_with(units, options);
        let r = self.run(&batch, as_of, options);
        r.decisions().collect()
    }

    /// The parameter values in force on `as_of`.
    pub(crate) fn params_at(&self, as_of: NaiveDate) -> Vec<ParamAt<'_>> {
        let mut params = Vec::new();
        self.params_at_into(as_of, &mut params);
        params
    }

    /// [`Program::params_at`] into `out` (emptied first).
    pub(crate) fn params_at_into<'p>(&'p self, as_of: NaiveDate, out: &mut Vec<ParamAt<'p>>) {
        out.clear();
        out.extend(self.0.ir.params.iter().map(|p| match p.value_on(as_of) {
            Some(v) => ParamAt {
                value: Some(&v.value),
                from: v.from,
            },
            None => ParamAt {
                value: None,
                from: None,
            },
        }));
    }

    /// Evaluates a bound batch, in parallel chunks, into columnar results.
    pub fn run<'b>(
        &self,
        batch: &'b Batch,
        as_of: NaiveDate,
        options: &EvalOptions,
    ) -> BatchResult<'b> {
        // A handful of units does not repay the plan's setup (registers, text tables).
        if batch.len() >= crate::columnar::MIN_UNITS {
            if let Some(result) = crate::columnar::run(self, batch, as_of, options) {
                return result;
            }
        }
        self.interpret(batch, as_of, options)
    }

    /// Evaluates a bound batch unit by unit with the interpreter, the reference for the columnar
    /// plan (which [`Program::run`] uses when it can).
    pub fn interpret<'b>(
        &self,
        batch: &'b Batch,
        as_of: NaiveDate,
        options: &EvalOptions,
    ) -> BatchResult<'b> {
        let inner: &Inner = &self.0;
        let params = self.params_at(as_of);
        let n = batch.len();
        let chunk = |range: std::ops::Range<usize>| {
            let mut out = ChunkOut::with_capacity(inner, range.len(), options.explain);
            let mut st = State::kept(inner);
            for row in range {
                let env = Env {
                    p: inner,
                    batch,
                    row,
                    as_of,
                    params: &params,
                };
                env.unit(&mut st, &mut out, options.explain);
            }
            st.keep();
            out
        };
        let ranges: Vec<std::ops::Range<usize>> = (0..n.div_ceil(PART))
            .map(|c| c * PART..((c + 1) * PART).min(n))
            .collect();
        // One chunk is evaluated on this thread: handing it to the pool costs more than it saves.
        #[cfg(feature = "parallel")]
        let parts: Vec<ChunkOut> = if ranges.len() <= 1 {
            ranges.into_iter().map(chunk).collect()
        } else {
            use rayon::prelude::*;
            ranges.into_par_iter().map(chunk).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let parts: Vec<ChunkOut> = ranges.into_iter().map(chunk).collect();
        BatchResult::new(Cow::Owned(self.clone()), batch, as_of, parts)
    }
}
