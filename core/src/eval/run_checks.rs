//! The per-unit part of the run model: compliance conditions, priority conditions and ranking keys,
//! evaluated with each eligible unit so that a run never evaluates a unit twice.
//!
//! Programs that declare none of these never reach this code (the caller checks
//! `Inner::run_checks` first), so ordinary evaluation pays nothing for it.

use super::results::ChunkOut;
use super::value::Val;
use super::{Env, State};
use crate::error::EvalError;
use crate::explain::{NamedValue, RuleExplanation};
use crate::result::Truth;
use chrono::{Datelike, NaiveDate};
use entitle_dsl::ast::RuleKind;
use entitle_dsl::ir::Ref;
use entitle_dsl::{Type, Value};
use rust_decimal::Decimal;

fn truth(v: &Val<'_>) -> Truth {
    match v {
        Val::Bool(true) => Truth::Met,
        Val::Bool(false) => Truth::NotMet,
        _ => Truth::Unknown,
    }
}

/// A ranking key as a decimal: numbers and amounts as they are, dates as their day number (so
/// that one column holds every kind of key, and ordering is kept).
fn key_of(v: &Val<'_>) -> Option<Decimal> {
    match v {
        Val::Dec(d) => Some(*d),
        Val::Date(d) => Some(Decimal::from(d.num_days_from_ce())),
        _ => None,
    }
}

/// The value a stored ranking key stands for, given the key's type.
pub(crate) fn key_value(key: Option<Decimal>, ty: &Type) -> Value {
    let Some(k) = key else { return Value::Unknown };
    match ty {
        Type::Date => {
            let days = i32::try_from(k.trunc().mantissa()).ok();
            days.and_then(NaiveDate::from_num_days_from_ce_opt)
                .map(Value::Date)
                .unwrap_or(Value::Unknown)
        }
        Type::Money { currency } => Value::Money(entitle_dsl::Money {
            amount: k,
            currency: *currency,
        }),
        _ => Value::Number(k),
    }
}

impl<'a> Env<'a> {
    /// Evaluates the unit's compliance and priority conditions and its ranking keys into `out`
    /// (placeholders when the unit is not eligible: they are not looked at).
    pub(crate) fn run_checks(
        &self,
        st: &mut State<'a>,
        out: &mut ChunkOut,
        eligible: bool,
    ) -> Result<(), EvalError> {
        let run = &self.p.ir.run;
        if !eligible {
            out.compliance
                .extend(std::iter::repeat_n(Truth::Unknown, run.compliance.len()));
            out.priority
                .extend(std::iter::repeat_n(Truth::Unknown, run.priority().len()));
            out.rank_keys
                .extend(std::iter::repeat_n(None, run.rank().len()));
            return Ok(());
        }
        // Missing inputs here do not make the decision undetermined: the run model reports them
        // through the state's reason instead.
        let was_quiet = std::mem::replace(&mut st.quiet, true);
        let result = self.run_checks_inner(st, out);
        st.quiet = was_quiet;
        result
    }

    fn run_checks_inner(&self, st: &mut State<'a>, out: &mut ChunkOut) -> Result<(), EvalError> {
        let run = &self.p.ir.run;
        for rule in &run.compliance {
            st.at = &rule.id;
            let v = self.eval(st, &rule.expr, None)?;
            out.compliance.push(truth(&v));
        }
        for rule in run.priority() {
            st.at = &rule.id;
            let v = self.eval(st, &rule.expr, None)?;
            out.priority.push(truth(&v));
        }
        st.at = "rank";
        for key in run.rank() {
            let v = self.eval(st, &key.expr, None)?;
            out.rank_keys.push(key_of(&v));
        }
        Ok(())
    }

    fn explain_refs(&self, st: &mut State<'a>, refs: &[Ref]) -> Vec<NamedValue> {
        refs.iter().filter_map(|r| self.named(st, *r)).collect()
    }

    /// The explanation of the run checks of an eligible unit: each condition with the values it
    /// read, and the values the ranking keys read.
    pub(crate) fn explain_run_checks(
        &self,
        st: &mut State<'a>,
        out: &ChunkOut,
    ) -> (Vec<RuleExplanation>, Vec<RuleExplanation>, Vec<NamedValue>) {
        let run = &self.p.ir.run;
        let c_truths = last_n(&out.compliance, run.compliance.len());
        let p_truths = last_n(&out.priority, run.priority().len());
        let compliance = run
            .compliance
            .iter()
            .zip(c_truths)
            .map(|(r, t)| RuleExplanation {
                id: r.id.clone(),
                kind: RuleKind::When,
                outcome: *t,
                values: self.explain_refs(st, &r.refs),
            })
            .collect();
        let priority = run
            .priority()
            .iter()
            .zip(p_truths)
            .map(|(r, t)| RuleExplanation {
                id: r.id.clone(),
                kind: RuleKind::When,
                outcome: *t,
                values: self.explain_refs(st, &r.refs),
            })
            .collect();
        let mut rank: Vec<NamedValue> = Vec::new();
        for key in run.rank() {
            for v in self.explain_refs(st, &key.refs) {
                if !rank.iter().any(|x| x.name == v.name) {
                    rank.push(v);
                }
            }
        }
        (compliance, priority, rank)
    }
}

fn last_n<T>(v: &[T], n: usize) -> &[T] {
    v.get(v.len().saturating_sub(n)..).unwrap_or(&[])
}
