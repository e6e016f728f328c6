//! Running a plan over a chunk: the chunk's lanes, then each operation over whole registers.

use super::aggregate::aggregate;
use super::assemble;
use super::bind::{text_lanes, Bound};
use super::lanes::{
    bools, dates, load_cell, load_range, nums, ratios, scalar_lanes, set, Col, Fail,
};
use super::num::{self, Fx, Ratio};
use super::plan::{Lanes, Op, Plan, Reg, Scalar, Source};
use crate::batch::Batch;
use crate::eval::expr::holds;
use crate::eval::ops;
use crate::eval::results::ChunkOut;
use crate::program::Inner;
use chrono::{Datelike, NaiveDate};
use entitle_dsl::ast::RoundingMode;
use entitle_dsl::ir::{ArithOp, Builtin};
use std::cmp::Ordering;

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

/// The ordering of two lanes of comparable registers (`Err` when a quotient is too close to call).
fn order(cols: &[Col], a: Reg, b: Reg, i: usize) -> Result<Option<Ordering>, ()> {
    Ok(match (cols.get(a), cols.get(b)) {
        (Some(Col::Num(x)), Some(Col::Num(y))) => {
            match (x.get(i).copied().flatten(), y.get(i).copied().flatten()) {
                (Some(p), Some(q)) => Some(num::cmp(p, q)),
                _ => None,
            }
        }
        (Some(Col::Ratio(x)), Some(Col::Num(y))) => {
            match (x.get(i).copied().flatten(), y.get(i).copied().flatten()) {
                (Some(p), Some(q)) => Some(p.cmp(q).ok_or(())?),
                _ => None,
            }
        }
        (Some(Col::Num(x)), Some(Col::Ratio(y))) => {
            match (x.get(i).copied().flatten(), y.get(i).copied().flatten()) {
                (Some(p), Some(q)) => Some(q.cmp(p).ok_or(())?.reverse()),
                _ => None,
            }
        }
        (Some(Col::Date(x)), Some(Col::Date(y))) => {
            match (x.get(i).copied().flatten(), y.get(i).copied().flatten()) {
                (Some(p), Some(q)) => Some(p.cmp(&q)),
                _ => None,
            }
        }
        (Some(Col::Bool(x)), Some(Col::Bool(y))) => {
            match (x.get(i).copied().flatten(), y.get(i).copied().flatten()) {
                (Some(p), Some(q)) => Some(p.cmp(&q)),
                _ => None,
            }
        }
        _ => None,
    })
}

fn eq_scalar(col: &Col, i: usize, s: &Scalar) -> Option<bool> {
    Some(match (col, s) {
        (Col::Num(v), Scalar::Num(x)) => {
            num::cmp(v.get(i).copied().flatten()?, *x) == Ordering::Equal
        }
        (Col::Date(v), Scalar::Date(x)) => v.get(i).copied().flatten()? == *x,
        (Col::Bool(v), Scalar::Bool(x)) => v.get(i).copied().flatten()? == *x,
        _ => {
            // A lane of another kind: known, never equal.
            col.known(i).then_some(false)?
        }
    })
}

/// A function of the calendar or of decimals, computed by the interpreter's own operations.
fn call(
    f: Builtin,
    mode: RoundingMode,
    args: &[Reg],
    cols: &[Col],
    i: usize,
    as_of: NaiveDate,
) -> Result<Option<Scalar>, ()> {
    let date = |k: usize| {
        args.get(k)
            .and_then(|r| dates(cols, *r).get(i).copied().flatten())
    };
    let dec = |k: usize| {
        args.get(k)
            .and_then(|r| nums(cols, *r).get(i).copied().flatten())
    };
    let whole = |n: i64| Ok(Some(Scalar::Num(Fx::int(n))));
    let back = |d: rust_decimal::Decimal| Fx::from_dec(d).map(|x| Some(Scalar::Num(x))).ok_or(());
    match f {
        Builtin::Age | Builtin::AgeInMonths | Builtin::Year | Builtin::Month | Builtin::Day => {
            let Some(d) = date(0) else { return Ok(None) };
            match f {
                Builtin::Age => whole(ops::age(d, as_of).map_err(|_| ())?),
                Builtin::AgeInMonths => whole(ops::age_months(d, as_of).map_err(|_| ())?),
                Builtin::Year => whole(i64::from(d.year())),
                Builtin::Month => whole(i64::from(d.month())),
                _ => whole(i64::from(d.day())),
            }
        }
        Builtin::YearsBetween | Builtin::MonthsBetween | Builtin::DaysBetween => {
            match (date(0), date(1)) {
                (Some(x), Some(y)) => whole(match f {
                    Builtin::YearsBetween => ops::whole_years(x, y),
                    Builtin::MonthsBetween => ops::whole_months(x, y),
                    _ => (y - x).num_days(),
                }),
                _ => Ok(None),
            }
        }
        Builtin::AddDays | Builtin::AddMonths | Builtin::AddYears => match (date(0), dec(1)) {
            (Some(d), Some(n)) => {
                let n = n.to_dec();
                let r = match f {
                    Builtin::AddDays => ops::add_days(d, n),
                    Builtin::AddMonths => ops::add_months(d, n),
                    _ => ops::add_years(d, n),
                };
                r.map(|d| Some(Scalar::Date(d))).map_err(|_| ())
            }
            _ => Ok(None),
        },
        Builtin::DaysAgo | Builtin::MonthsAgo | Builtin::YearsAgo => match dec(0) {
            Some(n) => {
                let n = -n.to_dec();
                let r = match f {
                    Builtin::DaysAgo => ops::add_days(as_of, n),
                    Builtin::MonthsAgo => ops::add_months(as_of, n),
                    _ => ops::add_years(as_of, n),
                };
                r.map(|d| Some(Scalar::Date(d))).map_err(|_| ())
            }
            None => Ok(None),
        },
        Builtin::Abs | Builtin::Floor | Builtin::Ceil => match dec(0) {
            Some(x) => {
                let x = x.to_dec();
                back(match f {
                    Builtin::Abs => x.abs(),
                    Builtin::Floor => ops::floor(x),
                    _ => ops::ceil(x),
                })
            }
            None => Ok(None),
        },
        Builtin::Round => match (dec(0), dec(1)) {
            (Some(x), Some(step)) => {
                back(ops::round_to(x.to_dec(), step.to_dec(), mode).map_err(|_| ())?)
            }
            _ => Ok(None),
        },
        _ => Err(()),
    }
}

#[allow(clippy::too_many_arguments)]
fn exec(
    op: &Op,
    k: usize,
    plan: &Plan,
    bound: &Bound<'_>,
    inner: &Inner,
    batch: &Batch,
    span: &Span,
    n: usize,
    nm: usize,
    ws: &mut Workspace,
) {
    let dst = match op {
        Op::Load { dst, .. }
        | Op::Text { dst, .. }
        | Op::IsHead { dst }
        | Op::MemberDate { dst, .. }
        | Op::Fixed { dst, .. }
        | Op::AsOf { dst }
        | Op::Broadcast { dst, .. }
        | Op::Not { dst, .. }
        | Op::And { dst, .. }
        | Op::Or { dst, .. }
        | Op::Known { dst, .. }
        | Op::If { dst, .. }
        | Op::Coalesce { dst, .. }
        | Op::Arith { dst, .. }
        | Op::Div { dst, .. }
        | Op::Mod { dst, .. }
        | Op::Neg { dst, .. }
        | Op::Materialize { dst, .. }
        | Op::Cmp { dst, .. }
        | Op::MinMax { dst, .. }
        | Op::Between { dst, .. }
        | Op::In { dst, .. }
        | Op::Call { dst, .. }
        | Op::Agg { dst, .. } => *dst,
    };
    let Some((_, lanes)) = plan.regs.get(dst).copied() else {
        return;
    };
    let len = if lanes == Lanes::Unit { n } else { nm };
    let Some(slot) = ws.cols.get_mut(dst) else {
        return;
    };
    let mut out = std::mem::replace(slot, Col::Bool(Vec::new()));
    out.reset(len);
    let cols = &ws.cols;
    let mut fail = Fail {
        err: &mut ws.err,
        member_unit: (lanes == Lanes::Member).then_some(ws.member_unit.as_slice()),
    };
    match op {
        Op::Load { src, default, .. } => {
            let default = default.as_ref().and_then(super::plan::scalar);
            match src {
                Source::Unit(slot) => {
                    if let Some(col) = batch.unit_column(*slot) {
                        load_range(&mut out, col, span.unit0, default, &mut fail);
                    }
                }
                Source::Member(slot) => {
                    if let Some(col) = batch.member_column(*slot) {
                        load_range(&mut out, col, span.member0, default, &mut fail);
                    }
                }
                Source::Head(slot) => {
                    if let Some(col) = batch.member_column(*slot) {
                        for i in 0..len {
                            if let Some(row) = ws.head.get(i).copied().flatten() {
                                load_cell(&mut out, i, col, row, default, &mut fail);
                            }
                        }
                    }
                }
            }
        }
        Op::Text { src, .. } => {
            if let (Col::Bool(d), Some(Some(table))) = (&mut out, bound.texts.get(k)) {
                text_lanes(d, table, src, inner, batch, span, &ws.head);
            }
        }
        Op::IsHead { .. } => {
            if let Col::Bool(d) = &mut out {
                for (i, x) in d.iter_mut().enumerate() {
                    *x = Some(
                        batch
                            .member_is_head
                            .get(span.member0 + i)
                            .copied()
                            .unwrap_or(false),
                    );
                }
            }
        }
        Op::MemberDate { end, .. } => {
            if let Col::Date(d) = &mut out {
                let src = if *end {
                    &batch.member_end
                } else {
                    &batch.member_start
                };
                for (i, x) in d.iter_mut().enumerate() {
                    *x = src.get(span.member0 + i).copied().flatten();
                }
            }
        }
        Op::Fixed { v, .. } => {
            let s = bound.resolve(v).and_then(super::plan::scalar);
            scalar_lanes(&mut out, s, len);
        }
        Op::AsOf { .. } => scalar_lanes(&mut out, Some(Scalar::Date(bound.as_of)), len),
        Op::Broadcast { src, .. } => {
            if let Some(s) = cols.get(*src) {
                for (i, u) in ws.member_unit.iter().enumerate() {
                    out.copy_lane(i, s, *u as usize);
                }
            }
        }
        Op::Not { a, .. } => {
            if let Col::Bool(d) = &mut out {
                for (x, y) in d.iter_mut().zip(bools(cols, *a)) {
                    *x = y.map(|b| !b);
                }
            }
        }
        Op::And { a, b, .. } | Op::Or { a, b, .. } => {
            let and = matches!(op, Op::And { .. });
            if let Col::Bool(d) = &mut out {
                for ((x, p), q) in d.iter_mut().zip(bools(cols, *a)).zip(bools(cols, *b)) {
                    *x = if and {
                        kleene_and(*p, *q)
                    } else {
                        kleene_or(*p, *q)
                    };
                }
            }
        }
        Op::Known { a, .. } => {
            if let (Col::Bool(d), Some(s)) = (&mut out, cols.get(*a)) {
                for (i, x) in d.iter_mut().enumerate() {
                    *x = Some(s.known(i));
                }
            }
        }
        Op::If { c, a, b, .. } => {
            if let (Some(x), Some(y)) = (cols.get(*a), cols.get(*b)) {
                for (i, t) in bools(cols, *c).iter().enumerate() {
                    match t {
                        Some(true) => out.copy_lane(i, x, i),
                        Some(false) => out.copy_lane(i, y, i),
                        None => {}
                    }
                }
            }
        }
        Op::Coalesce { args, .. } => {
            for i in 0..len {
                if let Some(s) = args
                    .iter()
                    .filter_map(|r| cols.get(*r))
                    .find(|c| c.known(i))
                {
                    out.copy_lane(i, s, i);
                }
            }
        }
        Op::Arith { op: aop, a, b, .. } => {
            if let Col::Num(d) = &mut out {
                let f = match aop {
                    ArithOp::Add => num::add,
                    ArithOp::Sub => num::sub,
                    _ => num::mul,
                };
                for (i, ((x, p), q)) in d
                    .iter_mut()
                    .zip(nums(cols, *a))
                    .zip(nums(cols, *b))
                    .enumerate()
                {
                    if let (Some(p), Some(q)) = (p, q) {
                        *x = f(*p, *q);
                        if x.is_none() {
                            fail.lane(i);
                        }
                    }
                }
            }
        }
        Op::Div { a, b, .. } => {
            if let Col::Ratio(d) = &mut out {
                for (i, ((x, p), q)) in d
                    .iter_mut()
                    .zip(nums(cols, *a))
                    .zip(nums(cols, *b))
                    .enumerate()
                {
                    if let (Some(p), Some(q)) = (p, q) {
                        *x = Ratio::new(*p, *q);
                        if x.is_none() {
                            fail.lane(i);
                        }
                    }
                }
            }
        }
        Op::Mod { a, b, .. } => {
            if let Col::Num(d) = &mut out {
                for (i, ((x, p), q)) in d
                    .iter_mut()
                    .zip(nums(cols, *a))
                    .zip(nums(cols, *b))
                    .enumerate()
                {
                    if let (Some(p), Some(q)) = (p, q) {
                        *x = ops::rem(p.to_dec(), q.to_dec()).ok().and_then(Fx::from_dec);
                        if x.is_none() {
                            fail.lane(i);
                        }
                    }
                }
            }
        }
        Op::Neg { a, .. } => {
            if let Col::Num(d) = &mut out {
                for (i, (x, p)) in d.iter_mut().zip(nums(cols, *a)).enumerate() {
                    if let Some(p) = p {
                        *x = num::neg(*p);
                        if x.is_none() {
                            fail.lane(i);
                        }
                    }
                }
            }
        }
        Op::Materialize { a, .. } => {
            if let Col::Num(d) = &mut out {
                for (i, (x, p)) in d.iter_mut().zip(ratios(cols, *a)).enumerate() {
                    if let Some(p) = p {
                        *x = p.to_dec().and_then(Fx::from_dec);
                        if x.is_none() {
                            fail.lane(i);
                        }
                    }
                }
            }
        }
        Op::Cmp { op: cop, a, b, .. } => {
            // The kinds are matched once per operation; each loop then runs over typed lanes.
            let cop = *cop;
            if let Col::Bool(d) = &mut out {
                match (cols.get(*a), cols.get(*b)) {
                    (Some(Col::Num(x)), Some(Col::Num(y))) => {
                        for ((o, p), q) in d.iter_mut().zip(x).zip(y) {
                            if let (Some(p), Some(q)) = (p, q) {
                                *o = Some(holds(cop, num::cmp(*p, *q)));
                            }
                        }
                    }
                    (Some(Col::Ratio(x)), Some(Col::Num(y))) => {
                        for (i, ((o, p), q)) in d.iter_mut().zip(x).zip(y).enumerate() {
                            if let (Some(p), Some(q)) = (p, q) {
                                match p.cmp(*q) {
                                    Some(ord) => *o = Some(holds(cop, ord)),
                                    None => fail.lane(i),
                                }
                            }
                        }
                    }
                    (Some(Col::Num(x)), Some(Col::Ratio(y))) => {
                        for (i, ((o, p), q)) in d.iter_mut().zip(x).zip(y).enumerate() {
                            if let (Some(p), Some(q)) = (p, q) {
                                match q.cmp(*p) {
                                    Some(ord) => *o = Some(holds(cop, ord.reverse())),
                                    None => fail.lane(i),
                                }
                            }
                        }
                    }
                    (Some(Col::Date(x)), Some(Col::Date(y))) => {
                        for ((o, p), q) in d.iter_mut().zip(x).zip(y) {
                            if let (Some(p), Some(q)) = (p, q) {
                                *o = Some(holds(cop, p.cmp(q)));
                            }
                        }
                    }
                    (Some(Col::Bool(x)), Some(Col::Bool(y))) => {
                        for ((o, p), q) in d.iter_mut().zip(x).zip(y) {
                            if let (Some(p), Some(q)) = (p, q) {
                                *o = Some(holds(cop, p.cmp(q)));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Op::MinMax { less, args, .. } => {
            for i in 0..len {
                let mut best: Option<Reg> = None;
                let mut unknown = false;
                for r in args {
                    if !cols.get(*r).is_some_and(|c| c.known(i)) {
                        unknown = true;
                        break;
                    }
                    best = match best {
                        None => Some(*r),
                        Some(b) => {
                            let ord = order(cols, *r, b, i).ok().flatten();
                            let take = if *less {
                                ord == Some(Ordering::Less)
                            } else {
                                ord == Some(Ordering::Greater)
                            };
                            Some(if take { *r } else { b })
                        }
                    };
                }
                if let (false, Some(b)) = (unknown, best.and_then(|b| cols.get(b))) {
                    out.copy_lane(i, b, i);
                }
            }
        }
        Op::Between { x, lo, hi, .. } => {
            if let Col::Bool(d) = &mut out {
                for (i, v) in d.iter_mut().enumerate() {
                    if let (Ok(Some(l)), Ok(Some(h))) =
                        (order(cols, *x, *lo, i), order(cols, *x, *hi, i))
                    {
                        *v = Some(l != Ordering::Less && h != Ordering::Greater);
                    }
                }
            }
        }
        Op::In { a, negated, .. } => {
            if let (Col::Bool(d), Some(Some(list)), Some(col)) =
                (&mut out, bound.lists.get(k), cols.get(*a))
            {
                for (i, v) in d.iter_mut().enumerate() {
                    if col.known(i) {
                        let hit = list.iter().any(|s| eq_scalar(col, i, s) == Some(true));
                        *v = Some(hit != *negated);
                    }
                }
            }
        }
        Op::Call { f, args, mode, .. } => {
            for i in 0..len {
                match call(*f, *mode, args, cols, i, bound.as_of) {
                    Ok(Some(s)) => match (&mut out, s) {
                        (Col::Num(d), Scalar::Num(x)) => set(d, i, Some(x)),
                        (Col::Date(d), Scalar::Date(x)) => set(d, i, Some(x)),
                        _ => fail.lane(i),
                    },
                    Ok(None) => {}
                    Err(()) => fail.lane(i),
                }
            }
        }
        Op::Agg {
            func,
            filter,
            value,
            ..
        } => {
            aggregate(
                &mut out, *func, *filter, *value, cols, &ws.starts, &ws.active, n, &mut fail,
            );
        }
    }
    if let Some(slot) = ws.cols.get_mut(dst) {
        *slot = out;
    }
}
