//! Entitlement items, cap, floor, rounding and fee for one eligible unit.

use super::ops;
use super::results::{CashSlot, ChunkOut, ItemSlot};
use super::value::Val;
use super::{or_into, Env, State};
use crate::error::EvalError;
use crate::explain::Adjustment;
use entitle_dsl::ast::{ItemKind, SelectionMode};
use rust_decimal::Decimal;

impl<'a> Env<'a> {
    /// Computes the entitlement into `out`; false when missing data leaves it open (the missing
    /// inputs are added to the unit's).
    pub(crate) fn entitlement(
        &self,
        st: &mut State<'a>,
        out: &mut ChunkOut,
    ) -> Result<bool, EvalError> {
        let ent = &self.p.ir.entitlement;
        let first_match = ent.selection() == SelectionMode::FirstMatch;
        let mut open = false;
        let mut cash_sum = Decimal::ZERO;
        let in_kind_start = out.in_kind.len();
        out.in_kind.extend(std::iter::repeat_n(
            Decimal::ZERO,
            self.p.units_of_measure.len(),
        ));
        let mut matched = false;
        for (idx, item) in ent.items.iter().enumerate() {
            st.at = &item.id;
            st.clear_missing();
            let mut slot = ItemSlot::default();
            if first_match && matched {
                // An earlier item was given: later ones are not looked at.
                slot.superseded = true;
                out.items.push(slot);
                continue;
            }
            let cond = match &item.condition {
                None => Some(true),
                Some(c) => match self.eval(st, c, None)? {
                    Val::Bool(b) => Some(b),
                    _ => None,
                },
            };
            slot.condition = cond;
            match cond {
                None => {
                    open = true;
                    or_into(&mut st.unit_missing, &st.missing);
                }
                Some(false) => {}
                Some(true) => {
                    let rate = self.eval(st, &item.amount, None)?;
                    let times = match &item.times {
                        Some(t) => Some(self.eval(st, t, None)?),
                        None => None,
                    };
                    let up_to = match &item.up_to {
                        Some(t) => Some(self.eval(st, t, None)?),
                        None => None,
                    };
                    let dec = |v: &Val<'_>| if let Val::Dec(d) = v { Some(*d) } else { None };
                    let rate_d = dec(&rate);
                    let times_d = times.as_ref().map(dec);
                    let max_d = up_to.as_ref().map(dec);
                    if rate_d.is_none() || times_d == Some(None) || max_d == Some(None) {
                        open = true;
                        or_into(&mut st.unit_missing, &st.missing);
                    } else {
                        let r = rate_d.unwrap_or_default();
                        let m = times_d.flatten();
                        let mx = max_d.flatten();
                        let effective = match (m, mx) {
                            (Some(m), Some(mx)) => Some(m.min(mx)),
                            (Some(m), None) => Some(m),
                            _ => None,
                        };
                        let amount = match effective {
                            Some(e) => ops::mul(r, e).map_err(|e| self.fail(st, e))?,
                            None => r,
                        };
                        if let Some(price) = &item.valued {
                            // The value of an in-kind item: its quantity times the price of one unit.
                            match self.eval(st, price, None)? {
                                Val::Dec(p) => slot.set_value(Some(
                                    ops::mul(amount, p).map_err(|e| self.fail(st, e))?,
                                )),
                                _ => {
                                    open = true;
                                    or_into(&mut st.unit_missing, &st.missing);
                                }
                            }
                        }
                        slot.applied = true;
                        slot.amount = amount;
                        slot.set_rate(Some(r));
                        slot.set_multiplier(m);
                        slot.set_max_multiplier(mx);
                        matched = true;
                        match item.kind {
                            ItemKind::Cash => {
                                cash_sum =
                                    ops::add(cash_sum, amount).map_err(|e| self.fail(st, e))?
                            }
                            ItemKind::InKind => {
                                if let Some(u) = self.p.item_unit.get(idx).copied().flatten() {
                                    if let Some(q) = out.in_kind.get_mut(in_kind_start + u) {
                                        *q = ops::add(*q, amount).map_err(|e| self.fail(st, e))?;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            out.items.push(slot);
        }
        if open {
            out.in_kind.truncate(in_kind_start);
            return Ok(false);
        }
        let mut cash = CashSlot {
            items_total: cash_sum,
            ..CashSlot::default()
        };
        let items = out
            .items
            .get(out.items.len().saturating_sub(ent.items.len())..)
            .unwrap_or(&[]);
        let mut total = match self.group_caps(st, items, &mut out.in_kind, in_kind_start)? {
            Some(excess) => ops::sub(cash_sum, excess).map_err(|e| self.fail(st, e))?,
            None => {
                out.in_kind.truncate(in_kind_start);
                return Ok(false);
            }
        };
        cash.after_groups = total;
        // No quantity is handed out below nothing, as no cash total is paid below zero.
        for q in out.in_kind.iter_mut().skip(in_kind_start) {
            if *q < Decimal::ZERO {
                *q = Decimal::ZERO;
            }
        }
        st.at = "cap";
        if let Some(cap_e) = &ent.cap {
            st.clear_missing();
            match self.eval(st, cap_e, None)? {
                Val::Dec(cap) => {
                    cash.cap = Some(cap);
                    if total > cap {
                        total = cap;
                        cash.capped = true;
                    }
                }
                _ => {
                    or_into(&mut st.unit_missing, &st.missing);
                    out.in_kind.truncate(in_kind_start);
                    return Ok(false);
                }
            }
        }
        cash.after_cap = total;
        st.at = "floor";
        if let Some(floor_e) = &ent.floor {
            st.clear_missing();
            match self.eval(st, floor_e, None)? {
                Val::Dec(floor) => {
                    cash.floor = Some(floor);
                    // A floor lifts a positive entitlement. Zero means nothing is given, and
                    // so does a negative total (deductions past the items), which becomes zero
                    // below: lifted, it would pay more than a total of zero.
                    if total > Decimal::ZERO && total < floor {
                        total = floor;
                        cash.floored = true;
                    }
                }
                // An unknown floor could not change a total that is not positive.
                _ if total <= Decimal::ZERO => {}
                _ => {
                    or_into(&mut st.unit_missing, &st.missing);
                    out.in_kind.truncate(in_kind_start);
                    return Ok(false);
                }
            }
        }
        cash.after_floor = total;
        if let Some((step, mode)) = ent.round {
            st.at = "round";
            let r = ops::round_to(total, step, mode).map_err(|e| self.fail(st, e))?;
            cash.rounded = r != total;
            total = r;
        }
        if total < Decimal::ZERO {
            total = Decimal::ZERO;
            cash.zeroed = true;
        }
        cash.total = total;
        if let Some(fee) = &ent.fee {
            st.at = &fee.id;
            st.cash_total = Some(total);
            st.clear_missing();
            match self.eval(st, &fee.amount, None)? {
                Val::Dec(f) => cash.fee = charged_fee(total, f),
                // A zero total pays no fee, whatever the fee would have been.
                _ if total.is_zero() => cash.fee = Decimal::ZERO,
                _ => {
                    or_into(&mut st.unit_missing, &st.missing);
                    out.in_kind.truncate(in_kind_start);
                    return Ok(false);
                }
            }
        }
        cash.net = ops::sub(total, cash.fee).map_err(|e| self.fail(st, e))?;
        out.cash.push(cash);
        Ok(true)
    }
}

/// The fee charged on a cash total: none on a zero total, never more than the total (the net
/// amount is never negative) and never less than nothing (a fee computed below zero would pay
/// more than the total, past the cap). The columnar plan's `emit` does the same.
pub(crate) fn charged_fee(total: Decimal, fee: Decimal) -> Decimal {
    if total.is_zero() || fee < Decimal::ZERO {
        Decimal::ZERO
    } else {
        fee.min(total)
    }
}

impl<'a> Env<'a> {
    /// Applies the group caps (`cap a + b at amount`) to the unit's items: in-kind totals are lowered
    /// in place, and the cash excess is returned (to subtract from the cash total); `None` when a cap
    /// is unknown. Each cap that lowered a sum is kept in `st.group_adjustments` for the explanation.
    fn group_caps(
        &self,
        st: &mut State<'a>,
        items: &[ItemSlot],
        in_kind: &mut [Decimal],
        in_kind_start: usize,
    ) -> Result<Option<Decimal>, EvalError> {
        st.group_adjustments.clear();
        let mut cash_excess = Decimal::ZERO;
        for cap in &self.p.ir.entitlement.group_caps {
            st.at = "cap";
            st.clear_missing();
            let mut sum = Decimal::ZERO;
            for i in &cap.items {
                if let Some(slot) = items.get(*i).filter(|s| s.applied) {
                    sum = ops::add(sum, slot.amount).map_err(|e| self.fail(st, e))?;
                }
            }
            let limit = match self.eval(st, &cap.amount, None)? {
                Val::Dec(d) => d,
                _ => {
                    or_into(&mut st.unit_missing, &st.missing);
                    return Ok(None);
                }
            };
            if sum <= limit {
                continue;
            }
            let excess = ops::sub(sum, limit).map_err(|e| self.fail(st, e))?;
            match cap.kind {
                ItemKind::Cash => {
                    cash_excess = ops::add(cash_excess, excess).map_err(|e| self.fail(st, e))?
                }
                ItemKind::InKind => {
                    let unit = cap
                        .items
                        .first()
                        .and_then(|i| self.p.item_unit.get(*i).copied().flatten());
                    if let Some(q) = unit.and_then(|u| in_kind.get_mut(in_kind_start + u)) {
                        *q = ops::sub(*q, excess).map_err(|e| self.fail(st, e))?;
                    }
                }
            }
            let ids = cap
                .items
                .iter()
                .filter_map(|i| self.p.ir.entitlement.items.get(*i))
                .map(|it| it.id.clone())
                .collect();
            st.group_adjustments.push(Adjustment::GroupCap {
                items: ids,
                limit,
                before: sum,
            });
        }
        Ok(Some(cash_excess))
    }
}
