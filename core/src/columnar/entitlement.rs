//! The entitlement of a chunk's eligible units, computed in fixed point exactly as
//! `crate::eval::entitlement` computes it in decimals: an item at a time over all of them, then
//! the cap, floor and rounding over all of them, so that what an item or the cash total reads (a
//! constant, or a register's lanes) is decided once per chunk, not once per unit.

use super::lanes::{bools, nums, Col};
use super::num::{self, Fx};
use super::plan::{Plan, Reg};
use crate::eval::results::{CashSlot, ChunkOut, ItemSlot};
use crate::program::Inner;
use entitle_dsl::ast::ItemKind;
use std::cmp::Ordering;

/// Room for a chunk's entitlements, reused from chunk to chunk; indexed by the eligible unit's
/// position in the list given to [`entitlements`].
#[derive(Default)]
pub(crate) struct Ents {
    /// The entitlement is open (missing data) or left fixed point: the interpreter decides the unit.
    pub open: Vec<bool>,
    /// The cash items' sum, then the cash total.
    pub total: Vec<Fx>,
    /// Per unit of measure: the in-kind items' sum.
    in_kind: Vec<Fx>,
}

/// A figure in every lane: a constant's value, or a register's lanes.
#[derive(Clone, Copy)]
enum Figure<'a> {
    Fixed(Fx),
    Lanes(&'a [Option<Fx>]),
}

impl Figure<'_> {
    #[inline(always)]
    fn at(self, u: usize) -> Option<Fx> {
        match self {
            Figure::Fixed(x) => Some(x),
            Figure::Lanes(v) => v.get(u).copied().flatten(),
        }
    }
}

fn figure<'a>(cols: &'a [Col], uniform: &[Option<Fx>], r: Reg) -> Figure<'a> {
    match uniform.get(r) {
        Some(Some(x)) => Figure::Fixed(*x),
        _ => Figure::Lanes(nums(cols, r)),
    }
}

/// What an item reads: its condition's lanes and its figures.
struct ItemFigures<'a> {
    cond: Option<&'a [Option<bool>]>,
    rate: Figure<'a>,
    times: Option<Figure<'a>>,
    up_to: Option<Figure<'a>>,
    /// Where the amount is summed: the cash sum (`None`), a unit of measure's, or nowhere.
    measure: Option<Option<usize>>,
}

/// An applied item's figures: rate, multiplier, maximum multiplier and amount.
type Applied = (Fx, Option<Fx>, Option<Fx>, Fx);

#[inline(always)]
fn applied(
    rate: Figure<'_>,
    times: Option<Figure<'_>>,
    up_to: Option<Figure<'_>>,
    u: usize,
) -> Option<Applied> {
    let rate = rate.at(u)?;
    let m = match times {
        Some(f) => Some(f.at(u)?),
        None => None,
    };
    let mx = match up_to {
        Some(f) => Some(f.at(u)?),
        None => None,
    };
    let amount = match (m, mx) {
        (Some(m), Some(mx)) => num::mul(rate, num::pick(m, mx, true))?,
        (Some(m), None) => num::mul(rate, m)?,
        _ => rate,
    };
    Some((rate, m, mx, amount))
}

/// Writes one entitlement row (item slots, cash totals, in-kind totals) for each unit of `elig`
/// (chunk lanes), rows `out.cash.len()..` in that order. A unit whose entitlement is open is
/// marked in `e.open` and its row is left unused; `e.total` holds every other unit's cash total.
// Called once per chunk: kept out of line so that profiles show where a chunk's time goes.
#[inline(never)]
pub(crate) fn entitlements(
    plan: &Plan,
    inner: &Inner,
    cols: &[Col],
    uniform: &[Option<Fx>],
    elig: &[u32],
    out: &mut ChunkOut,
    e: &mut Ents,
) {
    let n = elig.len();
    let (n_items, n_uom) = (plan.items.len(), inner.units_of_measure.len());
    e.open.clear();
    e.open.resize(n, false);
    e.total.clear();
    e.total.resize(n, Fx::ZERO);
    e.in_kind.clear();
    e.in_kind.resize(n * n_uom, Fx::ZERO);
    // What each item reads, decided once per chunk.
    let items: Vec<ItemFigures<'_>> = inner
        .ir
        .entitlement
        .items
        .iter()
        .zip(&plan.items)
        .enumerate()
        .map(|(idx, (item, regs))| ItemFigures {
            cond: regs.cond.map(|r| bools(cols, r)),
            rate: figure(cols, uniform, regs.amount),
            times: regs.times.map(|r| figure(cols, uniform, r)),
            up_to: regs.up_to.map(|r| figure(cols, uniform, r)),
            measure: match item.kind {
                ItemKind::Cash => None,
                ItemKind::InKind => Some(inner.item_unit.get(idx).copied().flatten()),
            },
        })
        .collect();
    out.items.reserve(n * n_items);
    // A unit at a time: each slot is written once, whole, in the order the rows are laid out.
    for (k, (&u, (open, total))) in elig
        .iter()
        .zip(e.open.iter_mut().zip(e.total.iter_mut()))
        .enumerate()
    {
        let u = u as usize;
        let mut matched = false;
        let kinds = e
            .in_kind
            .get_mut(k * n_uom..(k + 1) * n_uom)
            .unwrap_or(&mut []);
        for f in &items {
            let mut slot = ItemSlot::default();
            if *open {
                out.items.push(slot);
                continue;
            }
            if plan.first_match && matched {
                slot.superseded = true;
                out.items.push(slot);
                continue;
            }
            let holds = match f.cond {
                None => Some(true),
                Some(lanes) => lanes.get(u).copied().flatten(),
            };
            slot.condition = holds;
            if holds == Some(true) {
                match applied(f.rate, f.times, f.up_to, u) {
                    None => *open = true,
                    Some((rate, m, mx, amount)) => {
                        slot.applied = true;
                        slot.amount = amount.to_dec();
                        slot.set_rate(Some(rate.to_dec()));
                        slot.set_multiplier(m.map(Fx::to_dec));
                        slot.set_max_multiplier(mx.map(Fx::to_dec));
                        matched = true;
                        let sum = match f.measure {
                            None => Some(&mut *total),
                            Some(q) => q.and_then(|q| kinds.get_mut(q)),
                        };
                        if let Some(sum) = sum {
                            match num::add(*sum, amount) {
                                Some(t) => *sum = t,
                                None => *open = true,
                            }
                        }
                    }
                }
            } else if holds.is_none() {
                *open = true;
            }
            out.items.push(slot);
        }
    }
    let cap = plan.cap.map(|r| figure(cols, uniform, r));
    let floor = plan.floor.map(|r| figure(cols, uniform, r));
    out.cash.reserve(n);
    out.in_kind.reserve(n * n_uom);
    for (k, &u) in elig.iter().enumerate() {
        let (Some(open), Some(total)) = (e.open.get_mut(k), e.total.get_mut(k)) else {
            continue;
        };
        let cash = if *open {
            None
        } else {
            cash(plan, *total, cap, floor, u as usize)
        };
        match cash {
            Some(c) => {
                *total = c.total;
                out.cash.push(c.slot());
            }
            None => {
                *open = true;
                out.cash.push(CashSlot::default());
            }
        }
        let kinds = e.in_kind.get(k * n_uom..(k + 1) * n_uom).unwrap_or(&[]);
        // Never below nothing, as the interpreter's totals.
        out.in_kind.extend(
            kinds
                .iter()
                .map(|q| if q.is_negative() { Fx::ZERO } else { *q }.to_dec()),
        );
    }
}

/// The cash totals of an eligible unit, before the fee.
#[derive(Clone, Copy, Debug, Default)]
struct FxCash {
    items_total: Fx,
    after_groups: Fx,
    after_cap: Fx,
    after_floor: Fx,
    total: Fx,
    /// The total less no fee, as the interpreter subtracts it (`0.000 - 0` is `0`, not `0.000`).
    net: Fx,
    capped: bool,
    floored: bool,
    rounded: bool,
    zeroed: bool,
    cap: Option<Fx>,
    floor: Option<Fx>,
}

impl FxCash {
    /// The row's cash slot: without a fee the net is the total less nothing (a fee is set by
    /// `emit`, once the fee's operations have the totals).
    fn slot(&self) -> CashSlot {
        CashSlot {
            items_total: self.items_total.to_dec(),
            after_groups: self.after_groups.to_dec(),
            after_cap: self.after_cap.to_dec(),
            after_floor: self.after_floor.to_dec(),
            total: self.total.to_dec(),
            fee: Fx::ZERO.to_dec(),
            net: self.net.to_dec(),
            capped: self.capped,
            floored: self.floored,
            rounded: self.rounded,
            zeroed: self.zeroed,
            cap: self.cap.map(Fx::to_dec),
            floor: self.floor.map(Fx::to_dec),
        }
    }
}

/// From the cash items' sum to the total, as the interpreter goes: cap, floor, rounding, never
/// below zero; `None` when a figure is missing or leaves fixed point.
#[inline(always)]
fn cash(
    plan: &Plan,
    sum: Fx,
    cap: Option<Figure<'_>>,
    floor: Option<Figure<'_>>,
    u: usize,
) -> Option<FxCash> {
    let mut cash = FxCash {
        items_total: sum,
        ..FxCash::default()
    };
    // The interpreter subtracts the group caps' excess (none here: the plan has no group caps).
    let mut total = num::sub(sum, Fx::ZERO)?;
    cash.after_groups = total;
    if let Some(f) = cap {
        let cap = f.at(u)?;
        cash.cap = Some(cap);
        if num::cmp(total, cap) == Ordering::Greater {
            total = cap;
            cash.capped = true;
        }
    }
    cash.after_cap = total;
    if let Some(f) = floor {
        let floor = f.at(u)?;
        cash.floor = Some(floor);
        // Only a positive total, as the interpreter lifts it.
        if total.is_positive() && num::cmp(total, floor) == Ordering::Less {
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
    cash.net = num::sub(total, Fx::ZERO)?;
    Some(cash)
}
