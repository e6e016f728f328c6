//! Running a plan over a chunk: the chunk's lanes, then each operation over whole registers.

use super::assemble;
use super::bind::Bound;
use super::kernels::exec;
use super::lanes::Col;
use super::num::Fx;
use super::plan::Plan;
use crate::batch::Batch;
use crate::eval::results::ChunkOut;
use crate::program::Inner;
use chrono::NaiveDate;

/// Registers and per-chunk lanes, reused from chunk to chunk.
pub(crate) struct Workspace {
    pub cols: Vec<Col>,
    /// Per unit: something failed or left the plan's domain (the interpreter decides the unit).
    pub err: Vec<bool>,
    /// Per member lane: its unit.
    pub member_unit: Vec<u32>,
    /// Per member lane: the membership counts on the as-of date.
    pub active: Vec<bool>,
    /// Per unit: the first member lane (and, at the end, one past the last).
    pub starts: Vec<usize>,
    /// Per unit: the head's member row in the batch.
    pub head: Vec<Option<usize>>,
    /// Per unit: active members.
    pub n_active: Vec<u64>,
    /// Prefix sums over the member lanes (of who is active, then of what an aggregate counts).
    pub prefix: Vec<u64>,
    /// Per member lane: the first active head at or after it (`u32::MAX`: none).
    pub next_head: Vec<u32>,
    /// Per register: the number in every lane, when the register holds a constant (the
    /// entitlement reads it once instead of a lane per unit).
    pub uniform: Vec<Option<Fx>>,
    /// Per-unit results, before they are written out.
    pub scratch: assemble::Scratch,
}

impl Workspace {
    pub(crate) fn new(plan: &Plan) -> Workspace {
        Workspace {
            cols: plan.regs.iter().map(|(k, _)| Col::new(*k)).collect(),
            err: Vec::new(),
            member_unit: Vec::new(),
            active: Vec::new(),
            starts: Vec::new(),
            head: Vec::new(),
            n_active: Vec::new(),
            prefix: Vec::new(),
            next_head: Vec::new(),
            uniform: vec![None; plan.regs.len()],
            scratch: assemble::Scratch::default(),
        }
    }
}

/// Lanes `[first, end)` of the batch that a chunk covers.
pub(super) struct Span {
    pub(super) unit0: usize,
    pub(super) member0: usize,
}

/// Evaluates the units `range` of `batch` into `out`; units the plan cannot answer are passed to
/// `fallback` (the interpreter), in order.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_chunk(
    plan: &Plan,
    bound: &Bound<'_>,
    inner: &Inner,
    batch: &Batch,
    range: std::ops::Range<usize>,
    ws: &mut Workspace,
    out: &mut ChunkOut,
    fallback: &mut dyn FnMut(usize, &mut ChunkOut),
) {
    let n = range.len();
    let span = prepare(plan, inner, batch, &range, bound.as_of, ws);
    let nm = ws.member_unit.len();
    for (k, op) in plan.main.iter().enumerate() {
        exec(op, k, plan, bound, inner, batch, &span, n, nm, ws);
    }
    assemble::decide(plan, inner, ws, n, out);
    if let Some(total) = plan.cash_total {
        if let Some(col) = ws.cols.get_mut(total) {
            col.reset(n);
            if let Col::Num(v) = col {
                for (u, slot) in v.iter_mut().enumerate() {
                    *slot = ws.scratch.total(u);
                }
            }
        }
        let base = plan.main.len();
        for (k, op) in plan.fee_ops.iter().enumerate() {
            exec(op, base + k, plan, bound, inner, batch, &span, n, nm, ws);
        }
    }
    assemble::emit(plan, inner, ws, range, out, fallback);
}

/// Sets up the chunk's lanes: members, their units, who is active, each unit's head.
// Called once per chunk: kept out of line so that profiles show where a chunk's time goes.
#[inline(never)]
fn prepare(
    plan: &Plan,
    inner: &Inner,
    batch: &Batch,
    range: &std::ops::Range<usize>,
    as_of: NaiveDate,
    ws: &mut Workspace,
) -> Span {
    let member0 = batch.members_of(range.start).start;
    let member_end = range
        .end
        .checked_sub(1)
        .map_or(member0, |last| batch.members_of(last).end.max(member0));
    ws.err.clear();
    ws.member_unit.clear();
    ws.active.clear();
    ws.starts.clear();
    ws.head.clear();
    ws.n_active.clear();
    ws.next_head.clear();
    // The chunk's members are one run of rows, and every per-member fact is one pass over its
    // slices: counts come from prefix sums and heads from a backward scan, so nothing loops per
    // unit over its few members (those short loops' exits are what the processor mispredicts).
    let rows = member0..member_end;
    let nm = rows.len();
    let starts = batch.member_start.get(rows.clone()).unwrap_or(&[]);
    let ends = batch.member_end.get(rows.clone()).unwrap_or(&[]);
    let heads = batch.member_is_head.get(rows).unwrap_or(&[]);
    ws.active.extend(
        starts
            .iter()
            .zip(ends)
            .map(|(s, e)| s.is_none_or(|s| s <= as_of) && e.is_none_or(|e| as_of < e)),
    );
    ws.starts.extend(
        range
            .clone()
            .map(|row| batch.members_of(row).start.saturating_sub(member0).min(nm)),
    );
    ws.starts.push(nm);
    prefix_sum(&mut ws.prefix, ws.active.iter().map(|a| u64::from(*a)));
    // Each member's unit: a mark where each unit's members begin, summed (units without
    // members begin where the next one does, and their marks add up).
    ws.member_unit.resize(nm, 0);
    for s in ws.starts.iter().skip(1).take(range.len().saturating_sub(1)) {
        if let Some(m) = ws.member_unit.get_mut(*s) {
            *m += 1;
        }
    }
    let mut unit = 0u32;
    for m in &mut ws.member_unit {
        unit += *m;
        *m = unit;
    }
    // The first active head at or after each member lane (when something reads heads; without
    // it `next_head` stays empty, every unit has none, and nothing asks).
    if plan.reads_head {
        ws.next_head.resize(nm + 1, u32::MAX);
        let mut next = u32::MAX;
        for (m, (a, h)) in ws.active.iter().zip(heads).enumerate().rev() {
            if *a & *h {
                next = u32::try_from(m).unwrap_or(u32::MAX);
            }
            if let Some(x) = ws.next_head.get_mut(m) {
                *x = next;
            }
        }
    }
    for (w, row) in ws.starts.windows(2).zip(range.clone()) {
        let &[s, e] = w else { continue };
        let at = |i: usize| ws.prefix.get(i).copied().unwrap_or(0);
        let count = at(e).saturating_sub(at(s));
        let head = ws
            .next_head
            .get(s)
            .map(|h| *h as usize)
            .filter(|h| *h < e)
            .map(|h| member0 + h);
        ws.head.push(head);
        ws.n_active.push(count);
        // The interpreter's step limit: a unit that could reach it is left to the interpreter.
        let steps = plan
            .steps
            .0
            .saturating_add(plan.steps.1.saturating_mul(count))
            .saturating_mul(2);
        ws.err
            .push(batch.unit_error(row).is_some() || steps > inner.limits.max_steps_per_unit);
    }
    Span {
        unit0: range.start,
        member0,
    }
}

/// `out[i]` = the sum of the first `i` values (`out` has one more element than `values`).
pub(super) fn prefix_sum(out: &mut Vec<u64>, values: impl Iterator<Item = u64>) {
    out.clear();
    out.push(0);
    let mut sum = 0u64;
    out.extend(values.map(|v| {
        sum = sum.wrapping_add(v);
        sum
    }));
}

/// A truth value as an index (false, true, unknown).
#[inline]
fn code(x: Option<bool>) -> usize {
    match x {
        Some(false) => 0,
        Some(true) => 1,
        None => 2,
    }
}

const F: Option<bool> = Some(false);
const T: Option<bool> = Some(true);
const U: Option<bool> = None;

/// Kleene `and` and `or` as tables, indexed by both operands' codes: looked up, not branched
/// on (truth values across units are as good as random to the processor).
const AND: [Option<bool>; 9] = [F, F, F, F, T, U, F, U, U];
const OR: [Option<bool>; 9] = [F, T, U, T, T, T, U, T, U];

#[inline]
pub(super) fn kleene_and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    AND.get(code(a) * 3 + code(b)).copied().flatten()
}

#[inline]
pub(super) fn kleene_or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    OR.get(code(a) * 3 + code(b)).copied().flatten()
}

#[cfg(test)]
#[test]
fn the_kleene_tables_are_kleene_logic() {
    let all = [F, T, U];
    for a in all {
        for b in all {
            let and = match (a, b) {
                (Some(false), _) | (_, Some(false)) => F,
                (Some(true), Some(true)) => T,
                _ => U,
            };
            let or = match (a, b) {
                (Some(true), _) | (_, Some(true)) => T,
                (Some(false), Some(false)) => F,
                _ => U,
            };
            assert_eq!(
                (kleene_and(a, b), kleene_or(a, b)),
                (and, or),
                "{a:?} {b:?}"
            );
        }
    }
}
