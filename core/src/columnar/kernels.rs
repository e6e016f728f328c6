//! The operations' kernels: each operation of the plan run over whole registers of a chunk.

use super::aggregate::{aggregate, Members};
use super::bind::{text_lanes, Bound};
use super::builtins::{call, AgeTest};
use super::exec::{kleene_and, kleene_or, Span, Workspace};
use super::lanes::{
    bools, dates, load_cell, load_range, nums, ratios, scalar_lanes, set, Col, Fail,
};
use super::num::{self, Fx, Ratio};
use super::plan::{Lanes, Op, Plan, Reg, Scalar, Source};
use crate::batch::Batch;
use crate::eval::expr::holds;
use crate::eval::ops;
use crate::program::Inner;
use entitle_dsl::ir::{ArithOp, Builtin};
use std::cmp::Ordering;

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

#[allow(clippy::too_many_arguments)]
pub(super) fn exec(
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
        | Op::AgeCmp { dst, .. }
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
    // A constant's lanes, once filled, hold for every chunk of the same length: only this
    // operation writes its register, and a workspace serves one run (one as-of date).
    if matches!(op, Op::Fixed { .. } | Op::AsOf { .. }) && slot.len() == len && len > 0 {
        return;
    }
    if let (Op::Fixed { v, .. }, Some(u)) = (op, ws.uniform.get_mut(dst)) {
        *u = match bound.resolve(v).and_then(super::plan::scalar) {
            Some(Scalar::Num(x)) => Some(x),
            _ => None,
        };
    }
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
        Op::AgeCmp {
            op: cop, date, n, ..
        } => {
            let test = match bound.resolve(n).and_then(super::plan::scalar) {
                Some(Scalar::Num(n)) => AgeTest::new(*cop, n, bound.as_of),
                _ => None,
            };
            if let (Col::Bool(d), Some(t)) = (&mut out, test) {
                for (i, (x, b)) in d.iter_mut().zip(dates(cols, *date)).enumerate() {
                    if let Some(b) = b {
                        match t.holds(*b) {
                            Ok(h) => *x = Some(h),
                            Err(()) => fail.lane(i),
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
        Op::Call {
            f: Builtin::Age,
            args,
            ..
        } if args.len() == 1 => {
            // The most common call, in a loop of its own (no dispatch per lane).
            if let (Col::Num(d), Some(a)) = (&mut out, args.first()) {
                let age = ops::AgeAt::new(bound.as_of);
                for (i, (x, b)) in d.iter_mut().zip(dates(cols, *a)).enumerate() {
                    if let Some(b) = b {
                        match age.of(*b) {
                            Ok(y) => *x = Some(Fx::int(y)),
                            Err(_) => fail.lane(i),
                        }
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
            let members = Members {
                starts: &ws.starts,
                active: &ws.active,
                n_active: &ws.n_active,
            };
            aggregate(
                &mut out,
                *func,
                *filter,
                *value,
                cols,
                &members,
                &mut ws.prefix,
                n,
                &mut fail,
            );
        }
    }
    if let Some(slot) = ws.cols.get_mut(dst) {
        *slot = out;
    }
}
