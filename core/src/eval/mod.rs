//! Evaluation of units: `let`s, rules, decision, entitlement, explanation.
//!
//! A batch is cut into chunks that run in parallel (with the `parallel` feature); each chunk keeps
//! one set of scratch buffers, so evaluating a unit allocates nothing on the heap unless the program
//! builds text (`lower`, `upper`) or an explanation was asked for.

pub(crate) mod batch_result;
mod entitlement;
mod explain_build;
pub(crate) mod expr;
mod extras;
pub(crate) mod ops;
pub(crate) mod results;
pub(crate) mod run_checks;
pub(crate) mod value;

use crate::batch::Batch;
use crate::error::EvalError;
use crate::program::Inner;
use crate::result::{Outcome, Truth};
use chrono::NaiveDate;
use entitle_dsl::ast::RuleKind;
use entitle_dsl::ir;
use entitle_dsl::Value;
use results::{ChunkOut, UnitStatus};
use value::Val;

/// A parameter's value at the as-of date.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ParamAt<'a> {
    pub value: Option<&'a Value>,
    pub from: Option<NaiveDate>,
}

/// What does not change within one unit's evaluation.
pub(crate) struct Env<'a> {
    pub p: &'a Inner,
    pub batch: &'a Batch,
    pub row: usize,
    pub as_of: NaiveDate,
    pub params: &'a [ParamAt<'a>],
}

type Slot<'a> = Result<Val<'a>, Box<EvalError>>;

/// Scratch space for one unit, reused across the units of a chunk.
pub(crate) struct State<'a> {
    pub active: Vec<u32>,
    /// For each record collection, the rows of the unit's records that count on the as-of date.
    pub records: Vec<Vec<u32>>,
    pub head: Option<usize>,
    pub head_bit: usize,
    lets: &'a [ir::Let],
    unit_lets: Vec<Slot<'a>>,
    member_lets: Vec<Slot<'a>>,
    n_active: usize,
    let_missing: Vec<Vec<u64>>,
    pub missing: Vec<u64>,
    pub unit_missing: Vec<u64>,
    pub quiet: bool,
    pub steps: u64,
    pub max_steps: u64,
    pub at: &'a str,
    pub cash_total: Option<rust_decimal::Decimal>,
    /// The group caps that lowered a sum for the current unit (for its explanation).
    pub group_adjustments: Vec<crate::explain::Adjustment>,
}

/// A let that ran out of steps stops the unit, even when nothing reads it.
fn out_of_steps(v: &Slot<'_>) -> Option<EvalError> {
    match v {
        Err(e) if matches!(**e, EvalError::TooMuchWork { .. }) => Some(EvalError::clone(e)),
        _ => None,
    }
}

/// Clears a set of missing-input bits: one word (up to 64 inputs, nearly every program) without
/// a call to `memset`, which a unit made a dozen times.
#[inline]
fn zero(words: &mut [u64]) {
    match words {
        [one] => *one = 0,
        _ => words.fill(0),
    }
}

fn or_into(dst: &mut [u64], src: &[u64]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d |= *s;
    }
}

/// The buffers of a [`State`] that borrow nothing from the program: kept between calls of
/// `Program::evaluate` on one thread (`crate::one`), as a chunk keeps them between its units.
#[derive(Default)]
pub(crate) struct Buffers {
    active: Vec<u32>,
    records: Vec<Vec<u32>>,
    let_missing: Vec<Vec<u64>>,
    missing: Vec<u64>,
    unit_missing: Vec<u64>,
    group_adjustments: Vec<crate::explain::Adjustment>,
    /// The lets' slots, emptied (see [`recycle`]).
    unit_lets: Vec<Slot<'static>>,
    member_lets: Vec<Slot<'static>>,
}

/// `v` emptied, as a vector of another element type, in the same allocation when the types have
/// one layout: for elements that borrow from one call's program (lets' slots, parameters), whose
/// room can serve the next call as the same type of another lifetime. (Collecting a vector's own
/// iterator into a vector of the same layout reuses its allocation.)
pub(crate) fn recycle<T, U>(v: Vec<T>) -> Vec<U> {
    v.into_iter().filter_map(|_| None).collect()
}

thread_local! {
    /// The buffers of this thread's last interpreted chunk: a small batch (a binding's call with a
    /// handful of units) would otherwise spend a tenth of its time allocating them again.
    static KEPT: std::cell::Cell<Option<Buffers>> = const { std::cell::Cell::new(None) };
}

/// A unit with more members than this is evaluated in room that is not kept (buffers grown past
/// this many elements, `evaluate`'s room): a thread should not hold on to the room of the largest
/// household it ever saw.
pub(crate) const KEEP_MEMBERS: usize = 64;

impl<'a> State<'a> {
    pub(crate) fn new(p: &'a Inner) -> State<'a> {
        State::with_buffers(p, Buffers::default())
    }

    /// A state in the buffers this thread kept from its last chunk ([`State::keep`]), if any.
    pub(crate) fn kept(p: &'a Inner) -> State<'a> {
        let b = KEPT.try_with(std::cell::Cell::take).ok().flatten();
        State::with_buffers(p, b.unwrap_or_default())
    }

    /// Keeps this state's buffers for the thread's next [`State::kept`] (unless they grew large).
    pub(crate) fn keep(self) {
        let b = self.into_buffers(KEEP_MEMBERS);
        // While the thread ends there is nothing to keep them for.
        let _ = KEPT.try_with(|k| k.set(Some(b)));
    }

    /// A state for program `p` in buffers from an earlier one (of any program), sized and
    /// cleared for `p`.
    pub(crate) fn with_buffers(p: &'a Inner, b: Buffers) -> State<'a> {
        let words = p.missing_names.len().div_ceil(64);
        let Buffers {
            mut active,
            mut records,
            mut let_missing,
            mut missing,
            mut unit_missing,
            mut group_adjustments,
            unit_lets,
            member_lets,
        } = b;
        active.clear();
        records.resize_with(p.ir.records.len(), Vec::new);
        records.iter_mut().for_each(Vec::clear);
        let_missing.resize_with(p.ir.lets.len(), Vec::new);
        for w in let_missing
            .iter_mut()
            .chain([&mut missing, &mut unit_missing])
        {
            w.clear();
            w.resize(words, 0);
        }
        group_adjustments.clear();
        State {
            active,
            records,
            head: None,
            head_bit: p.ir.inputs.len(),
            lets: &p.ir.lets,
            unit_lets: recycle(unit_lets),
            member_lets: recycle(member_lets),
            n_active: 0,
            let_missing,
            missing,
            unit_missing,
            quiet: false,
            steps: 0,
            max_steps: p.limits.max_steps_per_unit,
            at: "",
            cash_total: None,
            group_adjustments,
        }
    }

    /// The buffers, for a later state: emptied of any that grew past `max` elements (a thread
    /// should not hold on to the room of the largest unit it ever saw).
    pub(crate) fn into_buffers(self, max: usize) -> Buffers {
        let big = |n: usize| n > max;
        if big(self.active.capacity())
            || big(self.group_adjustments.capacity())
            || self.records.iter().any(|r| big(r.capacity()))
        {
            return Buffers::default();
        }
        Buffers {
            active: self.active,
            records: self.records,
            let_missing: self.let_missing,
            missing: self.missing,
            unit_missing: self.unit_missing,
            group_adjustments: self.group_adjustments,
            unit_lets: recycle(self.unit_lets),
            // One slot per member and let: kept for as many slots as members.
            member_lets: if big(self.member_lets.capacity()) {
                Vec::new()
            } else {
                recycle(self.member_lets)
            },
        }
    }

    /// The missing-input bit of a membership fact (after `head`, as `Program` names them).
    pub(crate) fn member_field_bit(&self, f: ir::MemberField) -> usize {
        self.head_bit
            + match f {
                ir::MemberField::Kind | ir::MemberField::IsHead => 1,
                ir::MemberField::StartDate => 2,
                ir::MemberField::EndDate => 3,
            }
    }

    pub(crate) fn mark_missing(&mut self, bit: usize) {
        if !self.quiet {
            if let Some(w) = self.missing.get_mut(bit / 64) {
                *w |= 1 << (bit % 64);
            }
        }
    }

    fn clear_missing(&mut self) {
        zero(&mut self.missing);
    }

    /// A unit-level let's number, if it is known and did not fail (scores).
    fn score_value(&self, pos: usize) -> Option<rust_decimal::Decimal> {
        let l = self.lets.get(pos)?;
        match self.unit_lets.get(l.slot) {
            Some(Ok(Val::Dec(d))) => Some(*d),
            _ => None,
        }
    }

    pub(crate) fn read_let(&mut self, pos: usize, member: Option<usize>) -> Slot<'a> {
        let Some(l) = self.lets.get(pos) else {
            return Ok(Val::Unknown);
        };
        let slot = if l.per_member {
            member.and_then(|k| self.member_lets.get(l.slot * self.n_active + k))
        } else {
            self.unit_lets.get(l.slot)
        };
        let v = match slot {
            Some(Ok(v)) => v.clone(),
            Some(Err(e)) => return Err(e.clone()),
            None => Val::Unknown,
        };
        if v.is_unknown() && !self.quiet {
            if let Some(bits) = self.let_missing.get(pos) {
                or_into(&mut self.missing, bits);
            }
        }
        Ok(v)
    }
}

/// Options for one evaluation call. Defaults live here and nowhere else.
///
/// ```
/// # use entitle_core::EvalOptions;
/// let options = EvalOptions { strict: true, ..EvalOptions::default() };
/// assert!(!options.explain);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EvalOptions {
    /// Build an explanation for every unit (off by default: batch runs do not pay for them).
    pub explain: bool,
    /// Strict binding: a unit whose data carries a name the program does not declare (at the
    /// unit's level, in a member or in a record) fails alone with R0011
    /// ([`crate::EvalError::UnknownField`]), instead of the name being ignored and its input
    /// taking its default. Off by default. It applies where units are bound by name
    /// ([`crate::Program::bind_with`], `evaluate_with`, `evaluate_into`, `evaluate_batch_with`,
    /// the JSON façade); [`crate::Program::run`] reads a batch already bound, and a
    /// [`crate::BatchBuilder`] filled slot by slot has no names to check.
    pub strict: bool,
}

impl<'a> Env<'a> {
    /// Evaluates one unit into `out`.
    pub(crate) fn unit(&self, st: &mut State<'a>, out: &mut ChunkOut, explain: bool) {
        let mark = out.mark();
        match self.unit_inner(st, out, explain) {
            Ok(status) => out.status.push(status),
            Err(e) => {
                // Keep the columns aligned: undo what this unit wrote, then write placeholders.
                out.rollback(&mark);
                out.push_failed_unit(self.p, explain, st.missing.len());
                out.errors.push((out.status.len(), e));
                out.status.push(UnitStatus::Error);
            }
        }
    }

    fn unit_inner(
        &self,
        st: &mut State<'a>,
        out: &mut ChunkOut,
        explain: bool,
    ) -> Result<UnitStatus, EvalError> {
        if let Some(e) = self.batch.unit_error(self.row) {
            return Err(e.clone());
        }
        st.steps = 0;
        st.cash_total = None;
        st.quiet = false;
        // Members whose membership counts on the as-of date.
        st.active.clear();
        st.head = None;
        for r in self.batch.members_of(self.row) {
            let start = self.batch.member_start.get(r).copied().flatten();
            let end = self.batch.member_end.get(r).copied().flatten();
            if start.is_none_or(|s| s <= self.as_of) && end.is_none_or(|e| self.as_of < e) {
                if st.head.is_none() && self.batch.member_is_head.get(r).copied().unwrap_or(false) {
                    st.head = Some(st.active.len());
                }
                st.active.push(u32::try_from(r).unwrap_or(u32::MAX));
            }
        }
        st.n_active = st.active.len();
        // Records that count on the as-of date: all, or those dated on or before it.
        for (set, (def, rows)) in self
            .p
            .ir
            .records
            .iter()
            .zip(st.records.iter_mut())
            .enumerate()
        {
            rows.clear();
            let Some(rc) = self.batch.records.get(set) else {
                continue;
            };
            let dates = def.dated_by.and_then(|f| rc.cols.get(f));
            for r in rc.rows_of(self.row) {
                let counts = match dates {
                    Some(crate::batch::Column::Date(d)) => {
                        d.get(r).copied().flatten().is_none_or(|d| d <= self.as_of)
                    }
                    _ => true,
                };
                if counts {
                    rows.push(u32::try_from(r).unwrap_or(u32::MAX));
                }
            }
        }
        // Lets, in dependency order; an error is kept and raised only if the let is read.
        st.unit_lets.clear();
        st.member_lets.clear();
        let n_unit = self.p.unit_let_count;
        let n_member = self.p.member_let_count;
        st.unit_lets.resize_with(n_unit, || Ok(Val::Unknown));
        st.member_lets
            .resize_with(n_member * st.n_active, || Ok(Val::Unknown));
        for (pos, l) in self.p.ir.lets.iter().enumerate() {
            st.at = &l.name;
            st.clear_missing();
            if l.per_member {
                for k in 0..st.n_active {
                    let v = self.eval(st, &l.expr, Some(k));
                    if let Some(e) = out_of_steps(&v) {
                        return Err(e);
                    }
                    if let Some(s) = st.member_lets.get_mut(l.slot * st.n_active + k) {
                        *s = v;
                    }
                }
            } else {
                let v = self.eval(st, &l.expr, None);
                if let Some(e) = out_of_steps(&v) {
                    return Err(e);
                }
                if let Some(s) = st.unit_lets.get_mut(l.slot) {
                    *s = v;
                }
            }
            let missing = std::mem::take(&mut st.missing);
            if let Some(dst) = st.let_missing.get_mut(pos) {
                dst.copy_from_slice(&missing);
            }
            st.missing = missing;
        }
        // Scores are lets; their values (and their components') are recorded for every unit.
        for score in &self.p.ir.scores {
            let value = st.score_value(score.let_pos);
            out.scores.push(value);
            for c in &score.components {
                let value = st.score_value(c.let_pos);
                out.scores.push(value);
            }
        }
        // Rules.
        zero(&mut st.unit_missing);
        // The rules combine in written order, in Kleene's logic: a `when` rule narrows the units
        // selected so far (and), an `unless` rule removes those it holds for (and not), a `union`
        // rule adds those it holds for (or). Without `union` this is "every `when` rule holds and no
        // `unless` rule does".
        let mut selected = Some(true);
        for rule in &self.p.ir.rules {
            st.at = &rule.id;
            st.clear_missing();
            let truth = match self.eval(st, &rule.expr, None)? {
                Val::Bool(true) => Truth::Met,
                Val::Bool(false) => Truth::NotMet,
                _ => Truth::Unknown,
            };
            let holds = match truth {
                Truth::Met => Some(true),
                Truth::NotMet => Some(false),
                Truth::Unknown => None,
            };
            selected = match (rule.kind, rule.union) {
                (RuleKind::When, true) => match (selected, holds) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
                (kind, _) => {
                    let keeps = if kind == RuleKind::Unless {
                        holds.map(|h| !h)
                    } else {
                        holds
                    };
                    match (selected, keeps) {
                        (Some(false), _) | (_, Some(false)) => Some(false),
                        (Some(true), Some(true)) => Some(true),
                        _ => None,
                    }
                }
            };
            if truth == Truth::Unknown {
                or_into(&mut st.unit_missing, &st.missing);
            }
            out.rule_truth.push(truth);
        }
        let mut outcome = match selected {
            Some(false) => Outcome::NotEligible,
            None => Outcome::Undetermined,
            Some(true) => Outcome::Eligible,
        };
        if outcome != Outcome::Undetermined {
            zero(&mut st.unit_missing);
        }
        // Entitlement.
        let items_start = out.items.len();
        if outcome == Outcome::Eligible {
            if self.entitlement(st, out)? {
                out.push_last_entitlement();
            } else {
                outcome = Outcome::Undetermined;
                out.items.truncate(items_start);
                out.push_no_entitlement();
            }
        } else {
            out.push_no_entitlement();
        }
        if self.p.run_checks {
            self.run_checks(st, out, outcome == Outcome::Eligible)?;
        }
        out.missing.extend_from_slice(&st.unit_missing);
        if explain {
            let e = self.build_explanation(st, out, items_start, outcome);
            out.explanations.push(Some(e));
        }
        Ok(match outcome {
            Outcome::Eligible => UnitStatus::Eligible,
            Outcome::NotEligible => UnitStatus::NotEligible,
            Outcome::Undetermined => UnitStatus::Undetermined,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{recycle, Slot, State, Val};
    use crate::program::Program;

    #[test]
    fn an_interpreter_result_is_the_size_of_its_value() {
        // Every step of the interpreter returns one: the error, at 56 bytes, is boxed.
        assert_eq!(std::mem::size_of::<Val<'_>>(), 24);
        assert_eq!(std::mem::size_of::<Slot<'_>>(), 24);
    }

    #[test]
    fn the_slots_of_lets_keep_their_room_from_one_state_to_the_next() {
        let src = include_str!("../../../examples/programs/child_grant.entitle");
        let p = Program::compile(src).unwrap();
        let mut st = State::new(p.inner());
        st.unit_lets.resize_with(2, || Ok(Val::Unknown));
        st.member_lets.resize_with(64, || Ok(Val::Unknown));
        let (room, ptr) = (st.unit_lets.capacity(), st.unit_lets.as_ptr() as usize);
        let st = State::with_buffers(p.inner(), st.into_buffers(64));
        assert!(st.unit_lets.is_empty() && st.member_lets.is_empty());
        assert_eq!(st.unit_lets.capacity(), room);
        assert_eq!(st.unit_lets.as_ptr() as usize, ptr);
        assert_eq!(st.member_lets.capacity(), 64);
        // More slots than the bound are not kept (the others are).
        let mut st = st;
        st.member_lets.resize_with(65, || Ok(Val::Unknown));
        let st = State::with_buffers(p.inner(), st.into_buffers(64));
        assert_eq!(
            (st.member_lets.capacity(), st.unit_lets.capacity()),
            (0, room)
        );
        // Of another layout: emptied, in new room.
        let bytes: Vec<u8> = recycle(vec![1u64; 4]);
        assert!(bytes.is_empty());
    }
}
