//! The results of a batch, kept as the parts they were evaluated in, and their materialisation
//! as [`Decision`]s.

use super::results::{slots, ChunkOut, UnitStatus, PART};
use crate::batch::Batch;
use crate::error::EvalError;
use crate::program::Program;
use crate::result::{
    CashTotals, ComplianceOutcome, ComponentResult, Decision, ItemResult, Outcome, PriorityOutcome,
    QuantityTotal, RuleOutcome, ScoreResult, Truth, UnitError,
};
use chrono::NaiveDate;
use entitle_dsl::ast::ItemKind;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::Arc;

/// The results of evaluating a [`Batch`], kept in columns; [`BatchResult::decision`] builds the
/// record of one unit on demand.
pub struct BatchResult<'b> {
    /// Borrowed by one unit's evaluation, whose result lives only while its decision is read:
    /// cloning the program there was two atomic operations of every `evaluate`.
    pub(crate) program: Cow<'b, Program>,
    pub(crate) batch: &'b Batch,
    pub(crate) as_of: NaiveDate,
    /// Part `k` holds units `k * PART ..` (every part but the last holds `PART` units).
    parts: Vec<ChunkOut>,
    words: usize,
    len: usize,
}

impl<'b> BatchResult<'b> {
    /// The result of `batch` from its parts, each of [`PART`] units but the last.
    pub(crate) fn new(
        program: Cow<'b, Program>,
        batch: &'b Batch,
        as_of: NaiveDate,
        parts: Vec<ChunkOut>,
    ) -> BatchResult<'b> {
        debug_assert!(parts.iter().rev().skip(1).all(|p| p.status.len() == PART));
        let words = program.inner().missing_names.len().div_ceil(64);
        let len = parts.iter().map(|p| p.status.len()).sum();
        BatchResult {
            program,
            batch,
            as_of,
            parts,
            words,
            len,
        }
    }

    /// The parts, to be filled again (see `crate::one`).
    pub(crate) fn into_parts(self) -> Vec<ChunkOut> {
        self.parts
    }

    /// The part holding unit `i`, and the unit's index in it.
    fn at(&self, i: usize) -> Option<(&ChunkOut, usize)> {
        self.parts.get(i / PART).map(|p| (p, i % PART))
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the batch was empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The status of unit `i`.
    pub fn status(&self, i: usize) -> UnitStatus {
        self.at(i)
            .and_then(|(o, k)| o.status.get(k).copied())
            .unwrap_or(UnitStatus::Error)
    }

    /// The error of unit `i`, if it failed.
    pub fn error(&self, i: usize) -> Option<&EvalError> {
        let (o, k) = self.at(i)?;
        o.errors
            .binary_search_by_key(&k, |(j, _)| *j)
            .ok()
            .and_then(|x| o.errors.get(x))
            .map(|(_, e)| e)
    }

    /// The cash total of unit `i` (eligible units of programs with cash items).
    pub fn cash_total(&self, i: usize) -> Option<Decimal> {
        if self.status(i) != UnitStatus::Eligible || !self.program.inner().has_cash {
            return None;
        }
        let (o, k) = self.at(i)?;
        o.row(k).and_then(|r| o.cash.get(r)).map(|c| c.total)
    }

    /// The in-kind totals of unit `i`, by unit of measure (in [`Program::units_of_measure`] order);
    /// empty when the unit is not eligible.
    pub fn in_kind_totals(&self, i: usize) -> &[Decimal] {
        let n = self.program.inner().units_of_measure.len();
        match self.at(i).and_then(|(o, k)| Some((o, o.row(k)?))) {
            Some((o, r)) => slots(&o.in_kind, r, n),
            None => &[],
        }
    }

    /// The unit's id.
    pub fn unit_id(&self, i: usize) -> &str {
        self.batch.unit_id(i).unwrap_or("")
    }

    /// The outcome of each rule for unit `i`, in written order.
    pub(crate) fn rule_truths(&self, i: usize) -> &[Truth] {
        let n = self.program.inner().ir.rules.len();
        self.at(i)
            .map(|(o, k)| slots(&o.rule_truth, k, n))
            .unwrap_or(&[])
    }

    /// The decision record of unit `i`, or its error.
    ///
    /// # Errors
    /// The unit's [`UnitError`] when it could not be evaluated.
    pub fn decision(&self, i: usize) -> Result<Decision, UnitError> {
        let mut d = Decision::empty(self.program.inner().program_ref.clone(), self.as_of);
        self.decision_fresh(i, &mut d)?;
        Ok(d)
    }

    /// [`BatchResult::decision_into`] over an empty decision `d`, its vectors first made at the
    /// sizes that fills: growing each from empty took more instructions than the allocations.
    /// `evaluate` fills its decision where it returns it from: a `Decision` returned through
    /// each layer was copied at each (five copies, a twentieth of one household's instructions).
    pub(crate) fn decision_fresh(&self, i: usize, d: &mut Decision) -> Result<(), UnitError> {
        let p = self.program.inner();
        // Items and in-kind totals only for an eligible unit.
        let eligible = self
            .at(i)
            .is_some_and(|(o, k)| matches!(o.status.get(k), Some(UnitStatus::Eligible)));
        let room = |n: usize| if eligible { n } else { 0 };
        // Made anew (`reserve` takes the longer road of growing an allocation).
        d.unit_id = String::with_capacity(self.unit_id(i).len());
        d.rules = Vec::with_capacity(p.ir.rules.len());
        d.items = Vec::with_capacity(room(p.ir.entitlement.items.len()));
        d.in_kind = Vec::with_capacity(room(p.units_of_measure.len()));
        self.decision_into(i, d)
    }

    /// Writes the decision record of unit `i` over `d`, reusing its strings and vectors: what a
    /// writer of millions of records calls, so that a record costs no allocation in the common
    /// case. `d` is left as it was when the unit has an error.
    ///
    /// # Errors
    /// The unit's [`UnitError`] when it could not be evaluated.
    pub fn decision_into(&self, i: usize, d: &mut Decision) -> Result<(), UnitError> {
        let p = self.program.inner();
        let failed = || {
            let error = self.error(i).cloned().unwrap_or(EvalError::InvalidUnit {
                reason: "unknown failure".into(),
            });
            UnitError {
                unit_id: self.unit_id(i).to_string(),
                error,
            }
        };
        let Some((o, k)) = self.at(i) else {
            return Err(failed());
        };
        let outcome = match o.status.get(k) {
            Some(UnitStatus::Eligible) => Outcome::Eligible,
            Some(UnitStatus::NotEligible) => Outcome::NotEligible,
            Some(UnitStatus::Undetermined) => Outcome::Undetermined,
            Some(UnitStatus::Error) | None => return Err(failed()),
        };
        d.unit_id.clear();
        d.unit_id.push_str(self.unit_id(i));
        if !Arc::ptr_eq(&d.program, &p.program_ref) {
            d.program = p.program_ref.clone();
        }
        d.as_of = self.as_of;
        d.outcome = outcome;
        let truths = slots(&o.rule_truth, k, p.ir.rules.len());
        d.rules.truncate(truths.len());
        let rules = p.ir.rules.iter().zip(&p.names.rules).zip(truths);
        for (x, ((r, name), t)) in rules.enumerate() {
            match d.rules.get_mut(x) {
                Some(slot) => {
                    if !slot.id.same(name) {
                        slot.id = name.clone();
                    }
                    slot.kind = r.kind;
                    slot.outcome = *t;
                }
                None => d.rules.push(RuleOutcome {
                    id: name.clone(),
                    kind: r.kind,
                    outcome: *t,
                }),
            }
        }
        let bits = slots(&o.missing, k, self.words);
        d.missing.clear();
        for (bit, name) in p.missing_names.iter().enumerate() {
            if bits
                .get(bit / 64)
                .is_some_and(|w| w & (1 << (bit % 64)) != 0)
            {
                d.missing.push(name.clone());
            }
        }
        entitle_dsl::sorting::sort(&mut d.missing);
        d.missing.dedup();
        let eligible = outcome == Outcome::Eligible;
        let row = o.row(k).filter(|_| eligible);
        d.items.clear();
        if let Some(r) = row {
            let items = &p.ir.entitlement.items;
            d.items.extend(
                items
                    .iter()
                    .zip(&p.names.items)
                    .zip(&p.item_unit)
                    .zip(slots(&o.items, r, items.len()))
                    .map(|(((it, name), unit), s)| ItemResult {
                        id: name.clone(),
                        kind: it.kind,
                        applied: s.applied,
                        amount: s.amount,
                        currency: if it.kind == ItemKind::Cash {
                            p.ir.currency
                        } else {
                            None
                        },
                        unit: unit.and_then(|u| p.units_of_measure.get(u)).cloned(),
                        rate: s.rate().filter(|_| it.times.is_some()),
                        multiplier: s.multiplier(),
                        max_multiplier: s.max_multiplier(),
                        value: s.value(),
                    }),
            );
        }
        d.cash = match (p.has_cash, p.ir.currency, row.and_then(|r| o.cash.get(r))) {
            (true, Some(currency), Some(c)) => Some(CashTotals {
                currency,
                items_total: c.items_total,
                capped: c.capped,
                floored: c.floored,
                rounded: c.rounded,
                total: c.total,
                fee: c.fee,
                net: c.net,
            }),
            _ => None,
        };
        d.in_kind.clear();
        if let Some(r) = row {
            let units = &p.units_of_measure;
            d.in_kind.extend(
                units
                    .iter()
                    .zip(slots(&o.in_kind, r, units.len()))
                    .map(|(u, q)| QuantityTotal {
                        unit: u.clone(),
                        quantity: *q,
                    }),
            );
        }
        d.scores = self.scores(i);
        d.explanation = o.explanations.get(k).cloned().flatten();
        (d.compliance, d.priority, d.rank_keys) = if eligible && p.run_checks {
            self.run_columns(i)
        } else {
            Default::default()
        };
        Ok(())
    }

    /// Compliance and priority outcomes and ranking keys of unit `i`.
    fn run_columns(
        &self,
        i: usize,
    ) -> (
        Vec<ComplianceOutcome>,
        Vec<PriorityOutcome>,
        Vec<entitle_dsl::Value>,
    ) {
        let p = self.program.inner();
        let run = &p.ir.run;
        let compliance = run
            .compliance
            .iter()
            .zip(self.compliance_slots(i))
            .zip(&p.names.compliance)
            .map(|((r, t), name)| ComplianceOutcome {
                id: name.clone(),
                outcome: *t,
                otherwise: r.otherwise,
            })
            .collect();
        let priority = self
            .priority_slots(i)
            .iter()
            .zip(&p.names.priority)
            .map(|(t, name)| PriorityOutcome {
                id: name.clone(),
                outcome: *t,
            })
            .collect();
        let rank_keys = run
            .rank()
            .iter()
            .zip(self.rank_key_slots(i))
            .map(|(k, v)| super::run_checks::key_value(*v, &k.expr.ty))
            .collect();
        (compliance, priority, rank_keys)
    }

    /// The ranking keys of unit `i` as stored (dates as day numbers); empty for programs that do
    /// not rank or units that are not eligible.
    pub(crate) fn rank_key_slots(&self, i: usize) -> &[Option<Decimal>] {
        let n = self.program.inner().ir.run.rank().len();
        self.at(i)
            .map(|(o, k)| slots(&o.rank_keys, k, n))
            .unwrap_or(&[])
    }

    /// Compliance outcomes of unit `i`, in written order.
    pub(crate) fn compliance_slots(&self, i: usize) -> &[Truth] {
        let n = self.program.inner().ir.run.compliance.len();
        self.at(i)
            .map(|(o, k)| slots(&o.compliance, k, n))
            .unwrap_or(&[])
    }

    /// Priority outcomes of unit `i`, in written order.
    pub(crate) fn priority_slots(&self, i: usize) -> &[Truth] {
        let n = self.program.inner().ir.run.priority().len();
        self.at(i)
            .map(|(o, k)| slots(&o.priority, k, n))
            .unwrap_or(&[])
    }

    /// The scores of unit `i`, each with its components.
    pub fn scores(&self, i: usize) -> Vec<ScoreResult> {
        let p = self.program.inner();
        let mut values = self
            .at(i)
            .map(|(o, k)| slots(&o.scores, k, p.score_slots))
            .unwrap_or(&[])
            .iter()
            .copied();
        p.names
            .scores
            .iter()
            .map(|(name, components)| {
                let value = values.next().flatten();
                let components = components
                    .iter()
                    .map(|c| ComponentResult {
                        id: c.clone(),
                        value: values.next().flatten(),
                    })
                    .collect();
                ScoreResult {
                    id: name.clone(),
                    value,
                    components,
                }
            })
            .collect()
    }

    /// Every unit's decision or error, in batch order.
    pub fn decisions(&self) -> impl Iterator<Item = Result<Decision, UnitError>> + '_ {
        (0..self.len()).map(|i| self.decision(i))
    }

    /// Every result column of every unit rendered as text (status, rule outcomes, missing inputs,
    /// items, cash totals, in-kind totals, scores, run-model columns, error, whether it has an
    /// explanation), with each amount's exact digits and sign: two evaluations agree bit for bit
    /// when their digests are equal, however their results were laid out.
    pub fn columns_digest(&self) -> String {
        let p = self.program.inner();
        let run = &p.ir.run;
        let (n_items, n_uom) = (p.ir.entitlement.items.len(), p.units_of_measure.len());
        let mut s = String::new();
        for i in 0..self.len {
            let Some((o, k)) = self.at(i) else { break };
            let row = o.row(k);
            let _ = writeln!(
                s,
                "{i}: {:?} rules {:?} missing {:?} items {:?} cash {:?} in_kind {:?} scores {:?} compliance {:?} priority {:?} rank {:?} error {:?} explained {}",
                o.status.get(k),
                slots(&o.rule_truth, k, p.ir.rules.len()),
                slots(&o.missing, k, self.words),
                row.map(|r| slots(&o.items, r, n_items)),
                row.and_then(|r| o.cash.get(r)),
                row.map(|r| slots(&o.in_kind, r, n_uom)),
                slots(&o.scores, k, p.score_slots),
                slots(&o.compliance, k, run.compliance.len()),
                slots(&o.priority, k, run.priority().len()),
                slots(&o.rank_keys, k, run.rank().len()),
                self.error(i),
                o.explanations.get(k).is_some_and(Option::is_some),
            );
        }
        s
    }
}
