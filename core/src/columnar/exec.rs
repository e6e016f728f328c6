//! Running a plan over a chunk: the chunk's lanes, then each operation over whole registers.

use super::assemble;
use super::bind::Bound;
use super::kernels::exec;
use super::lanes::Col;
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
    assemble::decide(plan, inner, ws, n);
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
    ws.err.clear();
    ws.member_unit.clear();
    ws.active.clear();
    ws.starts.clear();
    ws.head.clear();
    ws.n_active.clear();
    for (u, row) in range.clone().enumerate() {
        let members = batch.members_of(row);
        ws.starts.push(members.start.saturating_sub(member0));
        let mut head = None;
        let mut count = 0u64;
        for r in members {
            let start = batch.member_start.get(r).copied().flatten();
            let end = batch.member_end.get(r).copied().flatten();
            let active = start.is_none_or(|s| s <= as_of) && end.is_none_or(|e| as_of < e);
            if active {
                if head.is_none() && batch.member_is_head.get(r).copied().unwrap_or(false) {
                    head = Some(r);
                }
                count += 1;
            }
            ws.active.push(active);
            ws.member_unit.push(u32::try_from(u).unwrap_or(u32::MAX));
        }
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
    ws.starts.push(ws.member_unit.len());
    Span {
        unit0: range.start,
        member0,
    }
}

pub(super) fn kleene_and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

pub(super) fn kleene_or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}
