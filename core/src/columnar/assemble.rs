//! From a chunk's registers to each unit's decision: rules combined, the entitlement computed in
//! fixed point exactly as `crate::eval::entitlement` computes it in decimals, then written into
//! the chunk's result columns, with the interpreter's results for the units it decides.

use super::exec::Workspace;
use super::lanes::{bools, nums, Col};
use super::num::{self, Fx};
use super::plan::Plan;
use crate::eval::results::{CashSlot, ChunkOut, ItemSlot, UnitStatus};
use crate::program::Inner;
use crate::result::Truth;
use entitle_dsl::ast::{ItemKind, RuleKind};
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// The cash totals of an eligible unit, before the fee.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FxCash {
    items_total: Fx,
    after_groups: Fx,
    after_cap: Fx,
    after_floor: Fx,
    total: Fx,
    capped: bool,
    floored: bool,
    rounded: bool,
    zeroed: bool,
    cap: Option<Fx>,
    floor: Option<Fx>,
}

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
    /// One unit's in-kind totals, as they are summed.
    in_kind: Vec<Fx>,
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

fn truth(cols: &[Col], r: usize, u: usize) -> Option<bool> {
    match cols.get(r) {
        Some(Col::Bool(v)) => v.get(u).copied().flatten(),
        _ => None,
    }
}

fn num_at(cols: &[Col], r: usize, u: usize) -> Option<Fx> {
    nums(cols, r).get(u).copied().flatten()
}

/// The registers as the entitlement reads them: a constant's value without reading its lanes.
#[derive(Clone, Copy)]
struct Regs<'a> {
    cols: &'a [Col],
    uniform: &'a [Option<Fx>],
}

impl Regs<'_> {
    fn num(self, r: usize, u: usize) -> Option<Fx> {
        match self.uniform.get(r) {
            Some(Some(x)) => Some(*x),
            _ => num_at(self.cols, r, u),
        }
    }

    fn truth(self, r: usize, u: usize) -> Option<bool> {
        truth(self.cols, r, u)
    }
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
    grow(&mut s.in_kind, n_uom);
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
    // At most one entitlement row per unit the rules select.
    let selected = s.selected.iter().filter(|x| **x == RANK_TRUE).count();
    out.reserve_entitlements(selected, n_items, n_uom);
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
        let status = match s.selected.get(u).copied().unwrap_or(RANK_UNKNOWN) {
            RANK_FALSE => Some(UnitStatus::NotEligible),
            RANK_TRUE => {
                // The entitlement row goes straight into the chunk's output (a unit's row is
                // found through its index, so rows need not follow the units' order; a unit
                // that the fallback decides after all leaves its row unused).
                let items_start = out.items.len();
                let regs = Regs {
                    cols,
                    uniform: &ws.uniform,
                };
                match entitlement(plan, inner, regs, u, &mut out.items, &mut s.in_kind) {
                    Some(c) => {
                        let row = u32::try_from(out.cash.len()).unwrap_or(u32::MAX);
                        out.in_kind.extend(s.in_kind.iter().map(|q| q.to_dec()));
                        // Without a fee the net is the total; a fee is set by `emit`, once
                        // the fee's operations have the totals.
                        out.cash.push(CashSlot {
                            items_total: c.items_total.to_dec(),
                            after_groups: c.after_groups.to_dec(),
                            after_cap: c.after_cap.to_dec(),
                            after_floor: c.after_floor.to_dec(),
                            total: c.total.to_dec(),
                            fee: Fx::ZERO.to_dec(),
                            net: c.total.to_dec(),
                            capped: c.capped,
                            floored: c.floored,
                            rounded: c.rounded,
                            zeroed: c.zeroed,
                            cap: c.cap.map(Fx::to_dec),
                            floor: c.floor.map(Fx::to_dec),
                        });
                        if let (Some(r), Some(t)) = (s.row.get_mut(u), s.total.get_mut(u)) {
                            *r = row;
                            *t = c.total;
                        }
                        Some(UnitStatus::Eligible)
                    }
                    None => {
                        out.items.truncate(items_start);
                        None
                    }
                }
            }
            _ => None,
        };
        if let Some(st) = s.status.get_mut(u) {
            *st = status;
        }
    }
}

/// The entitlement of an eligible unit, as `crate::eval::entitlement` computes it, its item slots
/// pushed onto `items` (each written once); `None` when it is open (missing data) or leaves fixed
/// point, and then the caller removes what was pushed.
// Called once per chunk: kept out of line so that profiles show where a chunk's time goes.
#[inline(never)]
fn entitlement(
    plan: &Plan,
    inner: &Inner,
    regs: Regs<'_>,
    u: usize,
    items: &mut Vec<ItemSlot>,
    in_kind: &mut [Fx],
) -> Option<FxCash> {
    let mut cash_sum = Fx::ZERO;
    let mut matched = false;
    in_kind.fill(Fx::ZERO);
    for (idx, (item, item_regs)) in inner
        .ir
        .entitlement
        .items
        .iter()
        .zip(&plan.items)
        .enumerate()
    {
        let mut slot = ItemSlot::default();
        if plan.first_match && matched {
            slot.superseded = true;
            items.push(slot);
            continue;
        }
        let cond = match item_regs.cond {
            None => Some(true),
            Some(r) => regs.truth(r, u),
        };
        slot.condition = cond;
        match cond {
            None => return None,
            Some(false) => {}
            Some(true) => {
                let rate = regs.num(item_regs.amount, u)?;
                let m = match item_regs.times {
                    Some(r) => Some(regs.num(r, u)?),
                    None => None,
                };
                let mx = match item_regs.up_to {
                    Some(r) => Some(regs.num(r, u)?),
                    None => None,
                };
                let effective = match (m, mx) {
                    (Some(m), Some(mx)) => Some(num::pick(m, mx, true)),
                    (Some(m), None) => Some(m),
                    _ => None,
                };
                let amount = match effective {
                    Some(e) => num::mul(rate, e)?,
                    None => rate,
                };
                slot.applied = true;
                slot.amount = amount.to_dec();
                slot.set_rate(Some(rate.to_dec()));
                slot.set_multiplier(m.map(Fx::to_dec));
                slot.set_max_multiplier(mx.map(Fx::to_dec));
                matched = true;
                match item.kind {
                    ItemKind::Cash => cash_sum = num::add(cash_sum, amount)?,
                    ItemKind::InKind => {
                        if let Some(q) = inner
                            .item_unit
                            .get(idx)
                            .copied()
                            .flatten()
                            .and_then(|k| in_kind.get_mut(k))
                        {
                            *q = num::add(*q, amount)?;
                        }
                    }
                }
            }
        }
        items.push(slot);
    }
    let mut cash = FxCash {
        items_total: cash_sum,
        ..FxCash::default()
    };
    // The interpreter subtracts the group caps' excess (none here: the plan has no group caps).
    let mut total = num::sub(cash_sum, Fx::ZERO)?;
    cash.after_groups = total;
    if let Some(r) = plan.cap {
        let cap = regs.num(r, u)?;
        cash.cap = Some(cap);
        if num::cmp(total, cap) == Ordering::Greater {
            total = cap;
            cash.capped = true;
        }
    }
    cash.after_cap = total;
    if let Some(r) = plan.floor {
        let floor = regs.num(r, u)?;
        cash.floor = Some(floor);
        if !total.is_zero() && num::cmp(total, floor) == Ordering::Less {
            total = floor;
            cash.floored = true;
        }
    }
    cash.after_floor = total;
    if let Some((step, mode)) = plan.round {
        let r = num::round_to(total, step, mode)?;
        cash.rounded = num::cmp(r, total) != Ordering::Equal;
        total = r;
    }
    if total.is_negative() {
        total = Fx::ZERO;
        cash.zeroed = true;
    }
    cash.total = total;
    Some(cash)
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
                        // None on a zero total, never more than the total (as the
                        // interpreter's `charged_fee`).
                        let fee = num_at(&ws.cols, fee_reg, u).map(|f| {
                            if total.is_zero() {
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
