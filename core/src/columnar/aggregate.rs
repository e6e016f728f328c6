//! Aggregates over each unit's active members, folded as the interpreter folds them.

use super::exec::{kleene_and, kleene_or, prefix_sum};
use super::lanes::{bools, nums, set, Col, Fail};
use super::num::{self, Fx, Ratio};
use super::plan::Reg;
use entitle_dsl::ir::Aggregate;
use std::cmp::Ordering;

/// The chunk's members as the aggregates see them.
pub(super) struct Members<'a> {
    /// Per unit: its first member lane, and one past the last unit's last.
    pub starts: &'a [usize],
    /// Per member lane: the membership counts on the as-of date.
    pub active: &'a [bool],
    /// Per unit: its active members.
    pub n_active: &'a [u64],
}

/// Room for an aggregate's prefix sums, reused from chunk to chunk.
pub(super) type Prefix = Vec<u64>;

/// An aggregate over each unit's active members, as the interpreter folds it.
#[allow(clippy::too_many_arguments)]
pub(super) fn aggregate(
    out: &mut Col,
    func: Aggregate,
    filter: Option<Reg>,
    value: Option<Reg>,
    cols: &[Col],
    members: &Members<'_>,
    prefix: &mut Prefix,
    n: usize,
    fail: &mut Fail<'_>,
) {
    let Members {
        starts,
        active,
        n_active,
    } = *members;
    let filt = filter.map(|f| bools(cols, f));
    let included = |m: usize| -> Option<bool> {
        match filt {
            None => Some(true),
            Some(f) => f.get(m).copied().flatten(),
        }
    };
    if let (Aggregate::Count, Col::Num(d)) = (func, &mut *out) {
        match filt {
            // Every active member: counted already, when the chunk was prepared.
            None => {
                for (slot, c) in d.iter_mut().zip(n_active).take(n) {
                    *slot = i64::try_from(*c).ok().map(Fx::int);
                }
            }
            // Prefix sums over the member lanes, without branches on the data (members'
            // filters are as good as random): members counted in the low half, members whose
            // filter is unknown in the high half.
            Some(f) => {
                prefix_sum(
                    prefix,
                    active.iter().zip(f).map(|(a, i)| {
                        u64::from(*a & (*i == Some(true))) | u64::from(*a & i.is_none()) << 32
                    }),
                );
                let at = |i: usize| prefix.get(i).copied().unwrap_or(0);
                for (slot, w) in d.iter_mut().zip(starts.windows(2)).take(n) {
                    let &[s, e] = w else { continue };
                    let sum = at(e).wrapping_sub(at(s));
                    *slot = (sum >> 32 == 0).then_some(Fx::int((sum & 0xffff_ffff) as i64));
                }
            }
        }
        return;
    }
    for u in 0..n {
        let (s, e) = (
            starts.get(u).copied().unwrap_or(0),
            starts.get(u + 1).copied().unwrap_or(0),
        );
        let lanes = (s..e).filter(|m| active.get(*m).copied().unwrap_or(false));
        match func {
            Aggregate::Any | Aggregate::All => {
                let all = func == Aggregate::All;
                let vals = value.map(|v| bools(cols, v));
                let mut k: Option<bool> = Some(all);
                for m in lanes {
                    let inc = included(m);
                    let p = vals.map(|v| v.get(m).copied().flatten());
                    let v = if all {
                        match (inc, p) {
                            (Some(false), _) | (_, None) => Some(true),
                            (inc, Some(p)) => match (inc, p) {
                                (_, Some(true)) => Some(true),
                                (Some(true), Some(false)) => Some(false),
                                _ => None,
                            },
                        }
                    } else {
                        match (inc, p) {
                            (Some(false), _) => Some(false),
                            (inc, None) => inc,
                            (inc, Some(p)) => match (inc, p) {
                                (_, Some(false)) => Some(false),
                                (Some(true), Some(true)) => Some(true),
                                _ => None,
                            },
                        }
                    };
                    k = if all {
                        kleene_and(k, v)
                    } else {
                        kleene_or(k, v)
                    };
                    if k == Some(!all) {
                        break;
                    }
                }
                if let Col::Bool(d) = out {
                    set(d, u, k);
                }
            }
            _ => {
                let mut count: i64 = 0;
                let mut unknown = false;
                let mut sum = Fx::ZERO;
                let mut broken = false;
                let mut best: Option<usize> = None;
                for m in lanes {
                    match included(m) {
                        Some(false) => continue,
                        None => {
                            unknown = true;
                            continue;
                        }
                        Some(true) => count += 1,
                    }
                    let Some(v) = value else { continue };
                    let Some(col) = cols.get(v) else { continue };
                    if !col.known(m) {
                        unknown = true;
                        continue;
                    }
                    match func {
                        Aggregate::Sum | Aggregate::Avg => {
                            if let Some(x) = nums(cols, v).get(m).copied().flatten() {
                                match num::add(sum, x) {
                                    Some(t) => sum = t,
                                    None => broken = true,
                                }
                            }
                        }
                        Aggregate::Min | Aggregate::Max => {
                            let better = match best {
                                None => true,
                                Some(b) => {
                                    let ord = lane_order(col, m, b);
                                    if func == Aggregate::Min {
                                        ord == Some(Ordering::Less)
                                    } else {
                                        ord == Some(Ordering::Greater)
                                    }
                                }
                            };
                            if better {
                                best = Some(m);
                            }
                        }
                        _ => {}
                    }
                }
                if broken {
                    fail.lane(u);
                    continue;
                }
                if unknown {
                    continue;
                }
                match (func, &mut *out) {
                    (Aggregate::Count, Col::Num(d)) => set(d, u, Some(Fx::int(count))),
                    (Aggregate::Sum, Col::Num(d)) => set(d, u, Some(sum)),
                    (Aggregate::Avg, Col::Ratio(d)) if count > 0 => {
                        set(d, u, Ratio::new(sum, Fx::int(count)))
                    }
                    (Aggregate::Min | Aggregate::Max, _) => {
                        if let (Some(b), Some(col)) = (best, value.and_then(|v| cols.get(v))) {
                            out.copy_lane(u, col, b);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

fn lane_order(col: &Col, i: usize, j: usize) -> Option<Ordering> {
    match col {
        Col::Num(v) => Some(num::cmp(
            v.get(i).copied().flatten()?,
            v.get(j).copied().flatten()?,
        )),
        Col::Date(v) => Some(
            v.get(i)
                .copied()
                .flatten()?
                .cmp(&v.get(j).copied().flatten()?),
        ),
        _ => None,
    }
}
