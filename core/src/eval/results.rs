//! Columnar results of a part of a batch, as the interpreter and the columnar plan write them.

pub use super::batch_result::BatchResult;
use crate::error::EvalError;
use crate::explain::Explanation;
use crate::program::Inner;
use crate::result::Truth;
use rust_decimal::Decimal;

/// A unit's status in a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitStatus {
    /// Eligible.
    Eligible,
    /// Not eligible.
    NotEligible,
    /// Undetermined.
    Undetermined,
    /// Could not be evaluated.
    Error,
}

/// One item's result for one unit.
///
/// The four optional figures are kept as decimals and one byte saying which are set (84 bytes
/// a slot instead of 100 with four `Option<Decimal>`s): the columnar plan writes a slot per item
/// of every eligible unit, and those bytes are most of what it writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ItemSlot {
    pub applied: bool,
    pub superseded: bool,
    pub condition: Option<bool>,
    /// Bits of the optional figures that are set (`RATE` …); an unset figure is zero.
    set: u8,
    pub amount: Decimal,
    rate: Decimal,
    multiplier: Decimal,
    max_multiplier: Decimal,
    /// The value of an in-kind item (`valued at`).
    value: Decimal,
}

const RATE: u8 = 1;
const MULTIPLIER: u8 = 2;
const MAX_MULTIPLIER: u8 = 4;
const VALUE: u8 = 8;

impl ItemSlot {
    fn get(&self, bit: u8, x: Decimal) -> Option<Decimal> {
        (self.set & bit != 0).then_some(x)
    }

    fn put(&mut self, bit: u8, x: Option<Decimal>) -> Decimal {
        match x {
            Some(d) => {
                self.set |= bit;
                d
            }
            None => {
                self.set &= !bit;
                Decimal::ZERO
            }
        }
    }

    pub fn rate(&self) -> Option<Decimal> {
        self.get(RATE, self.rate)
    }

    pub fn multiplier(&self) -> Option<Decimal> {
        self.get(MULTIPLIER, self.multiplier)
    }

    pub fn max_multiplier(&self) -> Option<Decimal> {
        self.get(MAX_MULTIPLIER, self.max_multiplier)
    }

    pub fn value(&self) -> Option<Decimal> {
        self.get(VALUE, self.value)
    }

    pub fn set_rate(&mut self, x: Option<Decimal>) {
        self.rate = self.put(RATE, x);
    }

    pub fn set_multiplier(&mut self, x: Option<Decimal>) {
        self.multiplier = self.put(MULTIPLIER, x);
    }

    pub fn set_max_multiplier(&mut self, x: Option<Decimal>) {
        self.max_multiplier = self.put(MAX_MULTIPLIER, x);
    }

    pub fn set_value(&mut self, x: Option<Decimal>) {
        self.value = self.put(VALUE, x);
    }
}

/// Cash totals for one unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CashSlot {
    pub items_total: Decimal,
    /// The total after the group caps (`cap a + b at …`), before the overall cap.
    pub after_groups: Decimal,
    pub after_cap: Decimal,
    pub after_floor: Decimal,
    pub total: Decimal,
    pub fee: Decimal,
    pub net: Decimal,
    pub capped: bool,
    pub floored: bool,
    pub rounded: bool,
    pub zeroed: bool,
    pub cap: Option<Decimal>,
    pub floor: Option<Decimal>,
}

/// [`ChunkOut::ent`] of a unit without an entitlement (every unit that is not eligible).
pub(crate) const NO_ENT: u32 = u32::MAX;

/// Results of a chunk of units, column by column.
///
/// The entitlement columns (`items`, `cash`, `in_kind`) hold rows for eligible units only, and
/// `ent` maps each unit to its row: most units of a large run are not eligible, and a row of
/// decimals per unit was most of the memory a batch's results took and wrote.
#[derive(Default)]
pub(crate) struct ChunkOut {
    pub status: Vec<UnitStatus>,
    pub rule_truth: Vec<Truth>,
    pub missing: Vec<u64>,
    /// Per unit: its entitlement row, or [`NO_ENT`].
    pub ent: Vec<u32>,
    /// Per entitlement row: one slot per item.
    pub items: Vec<ItemSlot>,
    /// Per entitlement row.
    pub cash: Vec<CashSlot>,
    /// Per entitlement row: one total per unit of measure.
    pub in_kind: Vec<Decimal>,
    /// Scores (`score`): for each score, its value then its components' (unknown: `None`).
    pub scores: Vec<Option<Decimal>>,

    pub errors: Vec<(usize, EvalError)>,
    pub explanations: Vec<Option<Explanation>>,
    /// Run-model columns (empty for programs without them): compliance and priority outcomes,
    /// ranking keys, a fixed number per unit.
    pub compliance: Vec<Truth>,
    pub priority: Vec<Truth>,
    pub rank_keys: Vec<Option<Decimal>>,
}

/// Lengths of every column, to undo a unit that failed half-way.
pub(crate) struct Mark {
    rules: usize,
    ent: usize,
    missing: usize,
    items: usize,
    cash: usize,
    in_kind: usize,
    scores: usize,

    explanations: usize,
    compliance: usize,
    priority: usize,
    rank_keys: usize,
}

impl ChunkOut {
    /// Empty columns with room for `units` units (and, for the entitlement rows, as many as a
    /// part of a large run usually needs), so that a part is written without regrowing them.
    pub(crate) fn with_capacity(p: &Inner, units: usize, explain: bool) -> ChunkOut {
        let run = &p.ir.run;
        let rows = units / 4 + 1;
        ChunkOut {
            status: Vec::with_capacity(units),
            rule_truth: Vec::with_capacity(units * p.ir.rules.len()),
            missing: Vec::with_capacity(units * p.missing_names.len().div_ceil(64)),
            ent: Vec::with_capacity(units),
            items: Vec::with_capacity(rows * p.ir.entitlement.items.len()),
            cash: Vec::with_capacity(rows),
            in_kind: Vec::with_capacity(rows * p.units_of_measure.len()),
            scores: Vec::with_capacity(units * p.score_slots),
            errors: Vec::new(),
            explanations: Vec::with_capacity(if explain { units } else { 0 }),
            compliance: Vec::with_capacity(units * run.compliance.len()),
            priority: Vec::with_capacity(units * run.priority().len()),
            rank_keys: Vec::with_capacity(units * run.rank().len()),
        }
    }

    /// Empties the columns, keeping their room (for the next unit evaluated alone).
    pub(crate) fn clear(&mut self) {
        self.status.clear();
        self.errors.clear();
        self.rollback(&Mark {
            rules: 0,
            ent: 0,
            missing: 0,
            items: 0,
            cash: 0,
            in_kind: 0,
            scores: 0,
            explanations: 0,
            compliance: 0,
            priority: 0,
            rank_keys: 0,
        });
    }

    pub(crate) fn mark(&self) -> Mark {
        Mark {
            rules: self.rule_truth.len(),
            ent: self.ent.len(),
            missing: self.missing.len(),
            items: self.items.len(),
            cash: self.cash.len(),
            in_kind: self.in_kind.len(),
            scores: self.scores.len(),

            explanations: self.explanations.len(),
            compliance: self.compliance.len(),
            priority: self.priority.len(),
            rank_keys: self.rank_keys.len(),
        }
    }

    pub(crate) fn rollback(&mut self, m: &Mark) {
        self.rule_truth.truncate(m.rules);
        self.ent.truncate(m.ent);
        self.missing.truncate(m.missing);
        self.items.truncate(m.items);
        self.cash.truncate(m.cash);
        self.in_kind.truncate(m.in_kind);
        self.scores.truncate(m.scores);

        self.explanations.truncate(m.explanations);
        self.compliance.truncate(m.compliance);
        self.priority.truncate(m.priority);
        self.rank_keys.truncate(m.rank_keys);
    }

    /// Room for `rows` more entitlement rows, of `items` items and `uom` in-kind totals each.
    /// Columns still empty are allocated afresh rather than grown: growing copies the whole old
    /// block, which in a large run cost more than writing the rows.
    pub(crate) fn reserve_entitlements(&mut self, rows: usize, items: usize, uom: usize) {
        fn room<T>(v: &mut Vec<T>, more: usize) {
            if v.is_empty() && v.capacity() < more {
                *v = Vec::with_capacity(more);
            } else {
                v.reserve(more);
            }
        }
        room(&mut self.items, rows * items);
        room(&mut self.cash, rows);
        room(&mut self.in_kind, rows * uom);
    }

    /// Records that the unit being written has no entitlement.
    pub(crate) fn push_no_entitlement(&mut self) {
        self.ent.push(NO_ENT);
    }

    /// Records that the unit being written has the entitlement row just pushed (its items, its
    /// in-kind totals and, last, its cash).
    pub(crate) fn push_last_entitlement(&mut self) {
        let row = self
            .cash
            .len()
            .checked_sub(1)
            .and_then(|r| u32::try_from(r).ok());
        self.ent.push(row.unwrap_or(NO_ENT));
    }

    /// The entitlement row of unit `i`.
    pub(crate) fn row(&self, i: usize) -> Option<usize> {
        self.ent
            .get(i)
            .copied()
            .filter(|r| *r != NO_ENT)
            .map(|r| r as usize)
    }

    /// Placeholders for a unit that failed, so every column stays aligned.
    pub(crate) fn push_failed_unit(&mut self, p: &Inner, explain: bool, words: usize) {
        self.rule_truth
            .extend(std::iter::repeat_n(Truth::Unknown, p.ir.rules.len()));
        self.scores.extend(std::iter::repeat_n(None, p.score_slots));

        self.push_no_entitlement();
        self.missing.extend(std::iter::repeat_n(0, words));
        let run = &p.ir.run;
        self.compliance
            .extend(std::iter::repeat_n(Truth::Unknown, run.compliance.len()));
        self.priority
            .extend(std::iter::repeat_n(Truth::Unknown, run.priority().len()));
        self.rank_keys
            .extend(std::iter::repeat_n(None, run.rank().len()));
        if explain {
            self.explanations.push(None);
        }
    }
}

/// Units per [`ChunkOut`] in a [`BatchResult`](super::batch_result::BatchResult): both the
/// columnar plan and the interpreter evaluate a batch in parts of this many units (the last part
/// may be shorter), and the result keeps the parts as they are instead of copying them into one.
pub(crate) const PART: usize = 1024;

/// The `n` slots of unit (or row) `k` in a column with `n` slots each.
pub(crate) fn slots<T>(v: &[T], k: usize, n: usize) -> &[T] {
    v.get(k * n..(k + 1) * n).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_slot_keeps_optional_figures_in_84_bytes() {
        assert_eq!(std::mem::size_of::<ItemSlot>(), 84);
        let mut s = ItemSlot::default();
        assert_eq!(
            (s.rate(), s.multiplier(), s.max_multiplier(), s.value()),
            (None, None, None, None)
        );
        s.set_rate(Some(Decimal::new(1500, 0)));
        s.set_multiplier(Some(Decimal::ZERO));
        s.set_max_multiplier(Some(Decimal::new(4, 0)));
        s.set_value(Some(Decimal::new(-25, 1)));
        assert_eq!(s.rate(), Some(Decimal::new(1500, 0)));
        // A zero that is set is not an unset figure.
        assert_eq!(s.multiplier(), Some(Decimal::ZERO));
        assert_eq!(s.max_multiplier(), Some(Decimal::new(4, 0)));
        assert_eq!(s.value(), Some(Decimal::new(-25, 1)));
        // Unset again: gone, and the slot equals one never set (derived equality stays true).
        s.set_rate(None);
        s.set_multiplier(None);
        s.set_max_multiplier(None);
        s.set_value(None);
        assert_eq!(s, ItemSlot::default());
    }
}
