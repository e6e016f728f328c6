//! Columnar results of a batch, and their materialisation as [`Decision`]s.

use crate::batch::Batch;
use crate::error::EvalError;
use crate::explain::Explanation;
use crate::program::{Inner, Program};
use crate::result::{
    CashTotals, ComplianceOutcome, ComponentResult, Decision, ItemResult, Outcome, PriorityOutcome,
    QuantityTotal, RuleOutcome, ScoreResult, Truth, UnitError,
};
use chrono::NaiveDate;
use entitle_dsl::ast::ItemKind;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A unit's status in a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitStatus {
    /// Eligible.
    Eligible,
    /// Not eligible.
    NotEligible,
    /// Undetermined.
    Undetermined,
    /// Could not be evaluated.
    Error,
}

/// One item's result for one unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ItemSlot {
    pub applied: bool,
    pub superseded: bool,
    pub condition: Option<bool>,
    pub amount: Decimal,
    pub rate: Option<Decimal>,
    pub multiplier: Option<Decimal>,
    pub max_multiplier: Option<Decimal>,
    /// The value of an in-kind item (`valued at`).
    pub value: Option<Decimal>,
}

/// Cash totals for one unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CashSlot {
    pub items_total: Decimal,
    /// The total after the group caps (`cap a + b at …`), before the overall cap.
    pub after_groups: Decimal,
    pub after_cap: Decimal,
    pub after_floor: Decimal,
    pub total: Decimal,
    pub fee: Decimal,
    pub net: Decimal,
    pub capped: bool,
    pub floored: bool,
    pub rounded: bool,
    pub zeroed: bool,
    pub cap: Option<Decimal>,
    pub floor: Option<Decimal>,
}

/// Results of a chunk of units, column by column.
#[derive(Default)]
pub(crate) struct ChunkOut {
    pub status: Vec<UnitStatus>,
    pub rule_truth: Vec<Truth>,
    pub missing: Vec<u64>,
    pub items: Vec<ItemSlot>,
    pub cash: Vec<CashSlot>,
    pub in_kind: Vec<Decimal>,
    /// Scores (`score`): for each score, its value then its components' (unknown: `None`).
    pub scores: Vec<Option<Decimal>>,

    pub errors: Vec<(usize, EvalError)>,
    pub explanations: Vec<Option<Explanation>>,
    /// Run-model columns (empty for programs without them): compliance and priority outcomes,
    /// ranking keys, a fixed number per unit.
    pub compliance: Vec<Truth>,
    pub priority: Vec<Truth>,
    pub rank_keys: Vec<Option<Decimal>>,
}

/// Lengths of every column, to undo a unit that failed half-way.
pub(crate) struct Mark {
    rules: usize,
    missing: usize,
    items: usize,
    cash: usize,
    in_kind: usize,
    scores: usize,

    explanations: usize,
    compliance: usize,
    priority: usize,
    rank_keys: usize,
}

impl ChunkOut {
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            rules: self.rule_truth.len(),
            missing: self.missing.len(),
            items: self.items.len(),
            cash: self.cash.len(),
            in_kind: self.in_kind.len(),
            scores: self.scores.len(),

            explanations: self.explanations.len(),
            compliance: self.compliance.len(),
            priority: self.priority.len(),
            rank_keys: self.rank_keys.len(),
        }
    }

    pub(crate) fn rollback(&mut self, m: &Mark) {
        self.rule_truth.truncate(m.rules);
        self.missing.truncate(m.missing);
        self.items.truncate(m.items);
        self.cash.truncate(m.cash);
        self.in_kind.truncate(m.in_kind);
        self.scores.truncate(m.scores);

        self.explanations.truncate(m.explanations);
        self.compliance.truncate(m.compliance);
        self.priority.truncate(m.priority);
        self.rank_keys.truncate(m.rank_keys);
    }

    pub(crate) fn push_empty_entitlement(&mut self, p: &Inner) {
        self.items.extend(std::iter::repeat_n(
            ItemSlot::default(),
            p.ir.entitlement.items.len(),
        ));
        self.cash.push(CashSlot::default());
        self.in_kind
            .extend(std::iter::repeat_n(Decimal::ZERO, p.units_of_measure.len()));
    }

    /// Placeholders for a unit that failed, so every column stays aligned.
    pub(crate) fn push_failed_unit(&mut self, p: &Inner, explain: bool, words: usize) {
        self.rule_truth
            .extend(std::iter::repeat_n(Truth::Unknown, p.ir.rules.len()));
        self.scores.extend(std::iter::repeat_n(None, p.score_slots));

        self.push_empty_entitlement(p);
        self.missing.extend(std::iter::repeat_n(0, words));
        let run = &p.ir.run;
        self.compliance
            .extend(std::iter::repeat_n(Truth::Unknown, run.compliance.len()));
        self.priority
            .extend(std::iter::repeat_n(Truth::Unknown, run.priority().len()));
        self.rank_keys
            .extend(std::iter::repeat_n(None, run.rank().len()));
        if explain {
            self.explanations.push(None);
        }
    }

    pub(crate) fn append(&mut self, mut other: ChunkOut) {
        let offset = self.status.len();
        self.status.append(&mut other.status);
        self.rule_truth.append(&mut other.rule_truth);
        self.missing.append(&mut other.missing);
        self.items.append(&mut other.items);
        self.cash.append(&mut other.cash);
        self.in_kind.append(&mut other.in_kind);
        self.scores.append(&mut other.scores);

        self.errors
            .extend(other.errors.into_iter().map(|(i, e)| (i + offset, e)));
        self.explanations.append(&mut other.explanations);
        self.compliance.append(&mut other.compliance);
        self.priority.append(&mut other.priority);
        self.rank_keys.append(&mut other.rank_keys);
    }
}

/// The results of evaluating a [`Batch`], kept in columns; [`BatchResult::decision`] builds the
/// record of one unit on demand.
pub struct BatchResult<'b> {
    pub(crate) program: Program,
    pub(crate) batch: &'b Batch,
    pub(crate) as_of: NaiveDate,
    pub(crate) out: ChunkOut,
    pub(crate) words: usize,
}

impl<'b> BatchResult<'b> {
    /// Number of units.
    pub fn len(&self) -> usize {
        self.out.status.len()
    }

    /// True when the batch was empty.
    pub fn is_empty(&self) -> bool {
        self.out.status.is_empty()
    }

    /// The status of unit `i`.
    pub fn status(&self, i: usize) -> UnitStatus {
        self.out.status.get(i).copied().unwrap_or(UnitStatus::Error)
    }

    /// The error of unit `i`, if it failed.
    pub fn error(&self, i: usize) -> Option<&EvalError> {
        self.out
            .errors
            .binary_search_by_key(&i, |(j, _)| *j)
            .ok()
            .and_then(|k| self.out.errors.get(k))
            .map(|(_, e)| e)
    }

    /// The cash total of unit `i` (eligible units of programs with cash items).
    pub fn cash_total(&self, i: usize) -> Option<Decimal> {
        if self.status(i) != UnitStatus::Eligible || !self.program.inner().has_cash {
            return None;
        }
        self.out.cash.get(i).map(|c| c.total)
    }

    /// The in-kind totals of unit `i`, by unit of measure (in [`Program::units_of_measure`] order).
    pub fn in_kind_totals(&self, i: usize) -> &[Decimal] {
        let n = self.program.inner().units_of_measure.len();
        self.out.in_kind.get(i * n..(i + 1) * n).unwrap_or(&[])
    }

    /// The unit's id.
    pub fn unit_id(&self, i: usize) -> &str {
        self.batch.unit_id(i).unwrap_or("")
    }

    /// The decision record of unit `i`, or its error.
    ///
    /// # Errors
    /// The unit's [`UnitError`] when it could not be evaluated.
    pub fn decision(&self, i: usize) -> Result<Decision, UnitError> {
        let mut d = Decision {
            unit_id: String::new(),
            program: self.program.inner().program_ref.clone(),
            as_of: self.as_of,
            outcome: Outcome::NotEligible,
            rules: Vec::new(),
            missing: Vec::new(),
            items: Vec::new(),
            cash: None,
            in_kind: Vec::new(),
            scores: Vec::new(),
            explanation: None,
            compliance: Vec::new(),
            priority: Vec::new(),
            rank_keys: Vec::new(),
        };
        self.decision_into(i, &mut d)?;
        Ok(d)
    }

    /// Writes the decision record of unit `i` over `d`, reusing its strings and vectors: what a
    /// writer of millions of records calls, so that a record costs no allocation in the common
    /// case. `d` is left as it was when the unit has an error.
    ///
    /// # Errors
    /// The unit's [`UnitError`] when it could not be evaluated.
    pub fn decision_into(&self, i: usize, d: &mut Decision) -> Result<(), UnitError> {
        let p = self.program.inner();
        let outcome = match self.status(i) {
            UnitStatus::Eligible => Outcome::Eligible,
            UnitStatus::NotEligible => Outcome::NotEligible,
            UnitStatus::Undetermined => Outcome::Undetermined,
            UnitStatus::Error => {
                let error = self.error(i).cloned().unwrap_or(EvalError::InvalidUnit {
                    reason: "unknown failure".into(),
                });
                return Err(UnitError {
                    unit_id: self.unit_id(i).to_string(),
                    error,
                });
            }
        };
        d.unit_id.clear();
        d.unit_id.push_str(self.unit_id(i));
        if !Arc::ptr_eq(&d.program, &p.program_ref) {
            d.program = p.program_ref.clone();
        }
        d.as_of = self.as_of;
        d.outcome = outcome;
        let n_rules = p.ir.rules.len();
        let truths = self
            .out
            .rule_truth
            .get(i * n_rules..(i + 1) * n_rules)
            .unwrap_or(&[]);
        d.rules.truncate(truths.len());
        for (k, (r, t)) in p.ir.rules.iter().zip(truths).enumerate() {
            match d.rules.get_mut(k) {
                Some(slot) => {
                    if slot.id != r.id {
                        slot.id.clear();
                        slot.id.push_str(&r.id);
                    }
                    slot.kind = r.kind;
                    slot.outcome = *t;
                }
                None => d.rules.push(RuleOutcome {
                    id: r.id.clone(),
                    kind: r.kind,
                    outcome: *t,
                }),
            }
        }
        let words = self.words;
        let bits = self
            .out
            .missing
            .get(i * words..(i + 1) * words)
            .unwrap_or(&[]);
        d.missing.clear();
        for (bit, name) in p.missing_names.iter().enumerate() {
            if bits
                .get(bit / 64)
                .is_some_and(|w| w & (1 << (bit % 64)) != 0)
            {
                d.missing.push(name.to_string());
            }
        }
        d.missing.sort();
        d.missing.dedup();
        let eligible = outcome == Outcome::Eligible;
        let n_items = p.ir.entitlement.items.len();
        d.items.clear();
        if eligible {
            d.items.extend(
                p.ir.entitlement
                    .items
                    .iter()
                    .zip(
                        self.out
                            .items
                            .get(i * n_items..(i + 1) * n_items)
                            .unwrap_or(&[]),
                    )
                    .map(|(it, s)| ItemResult {
                        id: it.id.clone(),
                        kind: it.kind,
                        applied: s.applied,
                        amount: s.amount,
                        currency: if it.kind == ItemKind::Cash {
                            p.ir.currency
                        } else {
                            None
                        },
                        unit: it.unit.clone(),
                        rate: s.rate.filter(|_| it.times.is_some()),
                        multiplier: s.multiplier,
                        max_multiplier: s.max_multiplier,
                        value: s.value,
                    }),
            );
        }
        d.cash = match (eligible && p.has_cash, p.ir.currency, self.out.cash.get(i)) {
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
        if eligible {
            d.in_kind
                .extend(
                    p.units_of_measure
                        .iter()
                        .zip(self.in_kind_totals(i))
                        .map(|(u, q)| QuantityTotal {
                            unit: u.clone(),
                            quantity: *q,
                        }),
                );
        }
        d.scores = self.scores(i);
        d.explanation = self.out.explanations.get(i).cloned().flatten();
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
        let run = &self.program.inner().ir.run;
        let slice = |v: &'_ [Truth], n: usize| -> Vec<Truth> {
            v.get(i * n..(i + 1) * n).unwrap_or(&[]).to_vec()
        };
        let compliance = run
            .compliance
            .iter()
            .zip(slice(&self.out.compliance, run.compliance.len()))
            .map(|(r, t)| ComplianceOutcome {
                id: r.id.clone(),
                outcome: t,
                otherwise: r.otherwise,
            })
            .collect();
        let priority = run
            .priority()
            .iter()
            .zip(slice(&self.out.priority, run.priority().len()))
            .map(|(r, t)| PriorityOutcome {
                id: r.id.clone(),
                outcome: t,
            })
            .collect();
        let n = run.rank().len();
        let keys = self.out.rank_keys.get(i * n..(i + 1) * n).unwrap_or(&[]);
        let rank_keys = run
            .rank()
            .iter()
            .zip(keys)
            .map(|(k, v)| super::run_checks::key_value(*v, &k.expr.ty))
            .collect();
        (compliance, priority, rank_keys)
    }

    /// The ranking keys of unit `i` as stored (dates as day numbers); empty for programs that do
    /// not rank or units that are not eligible.
    pub(crate) fn rank_key_slots(&self, i: usize) -> &[Option<Decimal>] {
        let n = self.program.inner().ir.run.rank().len();
        self.out.rank_keys.get(i * n..(i + 1) * n).unwrap_or(&[])
    }

    /// Compliance outcomes of unit `i`, in written order.
    pub(crate) fn compliance_slots(&self, i: usize) -> &[Truth] {
        let n = self.program.inner().ir.run.compliance.len();
        self.out.compliance.get(i * n..(i + 1) * n).unwrap_or(&[])
    }

    /// Priority outcomes of unit `i`, in written order.
    pub(crate) fn priority_slots(&self, i: usize) -> &[Truth] {
        let n = self.program.inner().ir.run.priority().len();
        self.out.priority.get(i * n..(i + 1) * n).unwrap_or(&[])
    }

    /// The scores of unit `i`, each with its components.
    pub fn scores(&self, i: usize) -> Vec<ScoreResult> {
        let p = self.program.inner();
        let n = p.score_slots;
        let mut values = self
            .out
            .scores
            .get(i * n..(i + 1) * n)
            .unwrap_or(&[])
            .iter()
            .copied();
        p.ir.scores
            .iter()
            .map(|s| {
                let value = values.next().flatten();
                let components = s
                    .components
                    .iter()
                    .map(|c| ComponentResult {
                        id: c.id.clone(),
                        value: values.next().flatten(),
                    })
                    .collect();
                ScoreResult {
                    id: s.id.clone(),
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
}
