//! From a chunk's registers to each unit's decision: rules combined, the entitlement computed in
//! fixed point exactly as `crate::eval::entitlement` computes it in decimals, then written into
//! the chunk's result columns, with the interpreter's results for the units it decides.

use super::entitlement::{entitlements, Ents};
use super::exec::Workspace;
use super::lanes::{bools, nums, Col};
use super::num::{self, Fx};
use super::plan::Plan;
use crate::eval::results::{ChunkOut, UnitStatus};
use crate::program::Inner;
use crate::result::Truth;
use entitle_dsl::ast::RuleKind;
use rust_decimal::Decimal;

/// Per-unit results of a chunk, kept until they are written out.
#[derive(Default)]
pub(crate) struct Scratch {
    /// `None`: the interpreter decides the unit.
    status: Vec<Option<UnitStatus>>,
    truths: Vec<Truth>,
    scores: Vec<Option<Decimal>>,
    /// Per unit: the rules combined so far, as a rank (`rank`).
    selected: Vec<u8>,
    /// Per eligible unit: its entitlement row in the chunk's output, and its cash total.
    row: Vec<u32>,
    total: Vec<Fx>,
    /// The eligible units (lanes) whose entitlement the plan computes, and its room.
    elig: Vec<u32>,
    ents: Ents,
}

impl Scratch {
    /// The cash total of unit `u`, when the plan decided it eligible.
    pub(crate) fn total(&self, u: usize) -> Option<Fx> {
        match self.status.get(u) {
            Some(Some(UnitStatus::Eligible)) => self.total.get(u).copied(),
            _ => None,
        }
    }
}

fn grow<T: Default + Clone>(v: &mut Vec<T>, len: usize) {
    if v.len() < len {
        v.resize(len, T::default());
    }
}

fn num_at(cols: &[Col], r: usize, u: usize) -> Option<Fx> {
    nums(cols, r).get(u).copied().flatten()
}

const RANK_FALSE: u8 = 0;
const RANK_UNKNOWN: u8 = 1;
const RANK_TRUE: u8 = 2;

/// A truth value's rank in Kleene logic: false < unknown < true.
#[inline]
fn rank(x: Option<bool>) -> u8 {
    match x {
        Some(false) => RANK_FALSE,
        None => RANK_UNKNOWN,
        Some(true) => RANK_TRUE,
    }
}

/// Decides each unit of the chunk that nothing sent to the interpreter: rules, then the
/// entitlement of eligible units. Undetermined units go to the interpreter (it lists what is
/// missing).
// Called once per chunk: kept out of line so that profiles show where a chunk's time goes.
#[inline(never)]
pub(crate) fn decide(plan: &Plan, inner: &Inner, ws: &mut Workspace, n: usize, out: &mut ChunkOut) {
    let ir = &inner.ir;
    let (n_rules, n_items, n_uom, n_scores) = (
        plan.rules.len(),
        plan.items.len(),
        inner.units_of_measure.len(),
        plan.scores.len(),
    );
    let s = &mut ws.scratch;
    s.status.clear();
    s.status.resize(n, None);
    s.truths.clear();
    s.truths.resize(n * n_rules, Truth::Unknown);
    // Rows and totals are written for each eligible unit only, and read for those only: they are
    // sized once, never cleared.
    grow(&mut s.row, n);
    grow(&mut s.total, n);
    s.scores.clear();
    s.scores.resize(n * n_scores, None);
    let cols = &ws.cols;
    // The rules combine as the interpreter combines them (see `crate::eval`), a rule at a time
    // over the whole chunk: each rule's lanes are read as one slice.
    // Truth values as ranks (false 0, unknown 1, true 2): Kleene `and` is the smaller, `or` the
    // larger, `not` the mirror, so the combining loop is plain byte arithmetic the compiler
    // vectorises; the truths are written in a loop of their own.
    s.selected.clear();
    s.selected.resize(n, RANK_TRUE);
    for (j, (rule, r)) in ir.rules.iter().zip(&plan.rules).enumerate() {
        // A rule's lanes are as many as the units (the compiler's registers); any missing
        // would read as unknown.
        let lanes = bools(cols, *r);
        let lanes = lanes.get(..n).unwrap_or(lanes);
        let sel = s.selected.get_mut(..lanes.len()).unwrap_or(&mut []);
        if rule.kind == RuleKind::When && rule.union {
            sel.iter_mut()
                .zip(lanes)
                .for_each(|(a, b)| *a = (*a).max(rank(*b)));
        } else if rule.kind == RuleKind::Unless {
            sel.iter_mut()
                .zip(lanes)
                .for_each(|(a, b)| *a = (*a).min(RANK_TRUE - rank(*b)));
        } else {
            sel.iter_mut()
                .zip(lanes)
                .for_each(|(a, b)| *a = (*a).min(rank(*b)));
        }
        if let Some(rest) = s.selected.get_mut(lanes.len()..) {
            rest.iter_mut().for_each(|a| {
                *a = if rule.kind == RuleKind::When && rule.union {
                    (*a).max(RANK_UNKNOWN)
                } else {
                    (*a).min(RANK_UNKNOWN)
                }
            });
        }
        // Units past the rule's lanes keep the unknown every truth starts with.
        for (truths, holds) in s.truths.chunks_exact_mut(n_rules.max(1)).zip(lanes) {
            if let Some(t) = truths.get_mut(j) {
                *t = match holds {
                    Some(true) => Truth::Met,
                    Some(false) => Truth::NotMet,
                    None => Truth::Unknown,
                };
            }
        }
    }
    s.elig.clear();
    for u in 0..n {
        if ws.err.get(u).copied().unwrap_or(true) {
            continue;
        }
        // Scores are recorded for every unit; a quotient whose digits overflow is left to the interpreter.
        let mut scores_ok = true;
        for (j, r) in plan.scores.iter().enumerate() {
            let v = match cols.get(*r) {
                Some(Col::Num(v)) => v.get(u).copied().flatten().map(Fx::to_dec),
                Some(Col::Ratio(v)) => match v.get(u).copied().flatten() {
                    Some(q) => match q.to_dec() {
                        Some(d) => Some(d),
                        None => {
                            scores_ok = false;
                            None
                        }
                    },
                    None => None,
                },
                _ => None,
            };
            if let Some(slot) = s.scores.get_mut(u * n_scores + j) {
                *slot = v;
            }
        }
        if !scores_ok {
            continue;
        }
        match s.selected.get(u).copied().unwrap_or(RANK_UNKNOWN) {
            RANK_FALSE => {
                if let Some(st) = s.status.get_mut(u) {
                    *st = Some(UnitStatus::NotEligible);
                }
            }
            RANK_TRUE => s.elig.push(u32::try_from(u).unwrap_or(u32::MAX)),
            // Undetermined: the interpreter lists what is missing.
            _ => {}
        }
    }
    // One entitlement row per unit the rules select, straight into the chunk's output (a unit's
    // row is found through its index, so rows need not follow the units' order; a unit that the
    // interpreter decides after all leaves its row unused).
    out.reserve_entitlements(s.elig.len(), n_items, n_uom);
    let row0 = out.cash.len();
    entitlements(plan, inner, cols, &ws.uniform, &s.elig, out, &mut s.ents);
    for (k, (&u, (open, total))) in s
        .elig
        .iter()
        .zip(s.ents.open.iter().zip(&s.ents.total))
        .enumerate()
    {
        let u = u as usize;
        if *open {
            continue;
        }
        if let (Some(st), Some(r), Some(t)) =
            (s.status.get_mut(u), s.row.get_mut(u), s.total.get_mut(u))
        {
            *st = Some(UnitStatus::Eligible);
            *r = u32::try_from(row0 + k).unwrap_or(u32::MAX);
            *t = *total;
        }
    }
}

/// Writes the chunk's results in unit order: the plan's, or the interpreter's for the units it
/// left (including those whose fee could not be computed).
// Called once per chunk: kept out of line so that profiles show where a chunk's time goes.
#[inline(never)]
pub(crate) fn emit(
    plan: &Plan,
    inner: &Inner,
    ws: &Workspace,
    range: std::ops::Range<usize>,
    out: &mut ChunkOut,
    fallback: &mut dyn FnMut(usize, &mut ChunkOut),
) {
    let s = &ws.scratch;
    let (n_rules, n_scores) = (plan.rules.len(), plan.scores.len());
    let words = inner.missing_names.len().div_ceil(64);
    // The per-unit columns of the units the plan decides are copied a run at a time (one copy
    // per column, not a small one per unit); a unit left to the fallback ends the run.
    let flush = |out: &mut ChunkOut, run: std::ops::Range<usize>| {
        out.rule_truth.extend_from_slice(
            s.truths
                .get(run.start * n_rules..run.end * n_rules)
                .unwrap_or(&[]),
        );
        out.scores.extend_from_slice(
            s.scores
                .get(run.start * n_scores..run.end * n_scores)
                .unwrap_or(&[]),
        );
        out.missing.resize(out.missing.len() + run.len() * words, 0);
    };
    let mut run = 0;
    let n_units = range.len();
    for (u, row) in range.enumerate() {
        let status = s
            .status
            .get(u)
            .copied()
            .flatten()
            .filter(|_| !ws.err.get(u).copied().unwrap_or(true));
        // `Some(Some(row))`: eligible; `Some(None)`: not eligible; `None`: the fallback decides.
        let row_of = match status {
            Some(UnitStatus::Eligible) => {
                let r = s.row.get(u).copied().unwrap_or(u32::MAX);
                match plan.fee {
                    None => Some(Some(r)),
                    Some(fee_reg) => {
                        let total = s.total.get(u).copied().unwrap_or_default();
                        // None on a zero total, never more than the total, never below
                        // zero (as the interpreter's `charged_fee`).
                        let fee = num_at(&ws.cols, fee_reg, u).map(|f| {
                            if total.is_zero() || f.is_negative() {
                                Fx::ZERO
                            } else {
                                num::pick(f, total, true)
                            }
                        });
                        match fee.and_then(|f| num::sub(total, f).map(|net| (f, net))) {
                            Some((fee, net)) => {
                                if let Some(c) = out.cash.get_mut(r as usize) {
                                    c.fee = fee.to_dec();
                                    c.net = net.to_dec();
                                }
                                Some(Some(r))
                            }
                            None => None,
                        }
                    }
                }
            }
            Some(_) => Some(None),
            None => None,
        };
        let Some(row_of) = row_of else {
            flush(out, run..u);
            run = u + 1;
            fallback(row, out);
            continue;
        };
        out.status.push(status.unwrap_or(UnitStatus::NotEligible));
        match row_of {
            Some(r) => out.ent.push(r),
            None => out.push_no_entitlement(),
        }
    }
    flush(out, run..n_units);
}
