//! Filling a [`Batch`] unit by unit, each cell parsed once by its input's declared type.

use super::store::{bad_slot, coerce, store, store_scalar, store_text};
use super::{Batch, Column, Layout, RecordColumns, Scalar, Shape};
use crate::error::EvalError;
use crate::eval::EvalOptions;
use crate::model::Unit;
use crate::texts::{KindLists, Texts};
use chrono::NaiveDate;
use entitle_dsl::Value;

mod fill;

/// Fills a [`Batch`] unit by unit.
///
/// ```ignore
/// let mut b = program.batch_builder();
/// b.start_unit("H1");
/// b.set_unit_text(region_slot, "North")?;
/// b.add_member("M1", &["head"], None, None)?;
/// b.set_member_text(birthdate_slot, "1990-01-01")?;
/// b.finish_unit();
/// let batch = b.finish();
/// ```
#[derive(Debug)]
pub struct BatchBuilder {
    layout: std::sync::Arc<Layout>,
    batch: Batch,
    open: bool,
}

impl BatchBuilder {
    pub(crate) fn new(layout: std::sync::Arc<Layout>) -> BatchBuilder {
        let batch = Batch {
            ids: Texts::default(),
            unit_cols: layout
                .unit_inputs
                .iter()
                .map(|i| Column::for_type(&i.ty))
                .collect(),
            member_offsets: vec![0],
            member_ids: Texts::default(),
            member_kinds: KindLists::default(),
            member_is_head: Vec::new(),
            member_start: Vec::new(),
            member_end: Vec::new(),
            member_cols: layout
                .member_inputs
                .iter()
                .map(|i| Column::for_type(&i.ty))
                .collect(),
            errors: Vec::new(),
            n_errors: 0,
            records: layout
                .records
                .iter()
                .map(|(_, fields)| RecordColumns {
                    offsets: vec![0],
                    rows: 0,
                    cols: fields.iter().map(|f| Column::for_type(&f.ty)).collect(),
                })
                .collect(),
        };
        BatchBuilder {
            layout,
            batch,
            open: false,
        }
    }

    /// Empties the batch, keeping its room: for a caller that keeps the builder itself, so that
    /// neither it nor its batch is moved between units (see `crate::one`).
    pub(crate) fn restart(&mut self) {
        self.batch.clear();
        self.open = false;
    }

    /// The batch so far, its open unit finished: [`BatchBuilder::finish`] without giving the
    /// builder up.
    pub(crate) fn finished(&mut self) -> &Batch {
        self.finish_unit();
        &self.batch
    }

    /// Makes room for a batch of `shape` at once: filling a large batch from empty columns
    /// copies each column again every time it doubles.
    pub fn reserve(&mut self, shape: Shape) {
        let b = &mut self.batch;
        b.ids.reserve(shape.units, shape.unit_id_bytes);
        b.errors.reserve(shape.units);
        b.member_offsets.reserve(shape.units);
        for c in &mut b.unit_cols {
            c.reserve(shape.units);
        }
        b.member_ids.reserve(shape.members, shape.member_id_bytes);
        b.member_kinds.reserve(shape.members);
        b.member_is_head.reserve(shape.members);
        b.member_start.reserve(shape.members);
        b.member_end.reserve(shape.members);
        for c in &mut b.member_cols {
            c.reserve(shape.members);
        }
    }

    /// [`BatchBuilder::layout`], shared: for a caller that fills the builder while reading it.
    pub(crate) fn layout_arc(&self) -> std::sync::Arc<Layout> {
        std::sync::Arc::clone(&self.layout)
    }

    /// The layout (slots by name) this builder fills.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Units committed so far.
    pub fn len(&self) -> usize {
        self.batch.ids.len() - usize::from(self.open)
    }

    /// True when no unit has been committed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Starts a unit; its inputs are unknown until set. An open unit is committed first.
    // Inline: called for each value by every binder (add_unit_with, the JSON and Python ones).
    #[inline(always)]
    pub fn start_unit(&mut self, id: &str) {
        if self.open {
            self.finish_unit();
        }
        self.batch.ids.push(id);
        self.batch.errors.push(None);
        for c in &mut self.batch.unit_cols {
            c.push_unknown();
        }
        self.open = true;
    }

    /// Sets a unit-level input from a value (text is parsed by the input's type).
    ///
    /// # Errors
    /// [`EvalError::InvalidValue`] or [`EvalError::NotAChoice`]; the unit stays open.
    // Inline: called for each value by every binder (add_unit_with, the JSON and Python ones).
    #[inline(always)]
    pub fn set_unit(&mut self, slot: usize, value: &Value) -> Result<(), EvalError> {
        // Text is read as a registry cell is, without a value made for it first.
        if let Value::Text(t) = value {
            return self.set_unit_text(slot, t);
        }
        let input = self
            .layout
            .unit_inputs
            .get(slot)
            .ok_or_else(|| bad_slot(slot))?;
        let v = coerce(value, input, None)?;
        let col = self
            .batch
            .unit_cols
            .get_mut(slot)
            .ok_or_else(|| bad_slot(slot))?;
        store(col, &v, input, None)
    }

    /// Sets a unit-level input from a value already read (a number is an amount in the input's
    /// currency when the input is money): as [`BatchBuilder::set_unit`] with
    /// [`Scalar::value`], without building the value when the input has no choices to check.
    ///
    /// # Errors
    /// As [`BatchBuilder::set_unit`].
    pub fn set_unit_scalar(&mut self, slot: usize, value: Scalar) -> Result<(), EvalError> {
        let input = self
            .layout
            .unit_inputs
            .get(slot)
            .ok_or_else(|| bad_slot(slot))?;
        if store_scalar(input, self.batch.unit_cols.get_mut(slot), value) {
            return Ok(());
        }
        let v = value.value(&input.ty);
        self.set_unit(slot, &v)
    }

    /// Sets a unit-level input from text, parsed by the input's type.
    ///
    /// # Errors
    /// As [`BatchBuilder::set_unit`].
    // Inline: called for each value by every binder (add_unit_with, the JSON and Python ones).
    #[inline(always)]
    pub fn set_unit_text(&mut self, slot: usize, text: &str) -> Result<(), EvalError> {
        let input = self
            .layout
            .unit_inputs
            .get(slot)
            .ok_or_else(|| bad_slot(slot))?;
        let col = self
            .batch
            .unit_cols
            .get_mut(slot)
            .ok_or_else(|| bad_slot(slot))?;
        store_text(col, text, input, None)
    }

    /// Adds a member with its membership to the open unit.
    ///
    /// # Errors
    /// [`EvalError::InvalidUnit`] when the program targets individuals or no unit is open, and
    /// [`EvalError::TooManyMembers`] beyond the limit.
    pub fn add_member(
        &mut self,
        id: &str,
        kinds: &[&str],
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
    ) -> Result<(), EvalError> {
        self.add_member_of(id, kinds.iter().copied(), start, end)
    }

    /// [`BatchBuilder::add_member`] with the kinds from any list of strings (a `Member`'s own,
    /// without collecting them first).
    // Inline: called for each value by every binder (add_unit_with, the JSON and Python ones).
    #[inline(always)]
    pub(crate) fn add_member_of<'k>(
        &mut self,
        id: &str,
        kinds: impl Iterator<Item = &'k str> + Clone,
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
    ) -> Result<(), EvalError> {
        if !self.open {
            return Err(EvalError::InvalidUnit {
                reason: "a member was given before its unit".into(),
            });
        }
        if !self.layout.has_members {
            return Err(EvalError::InvalidUnit {
                reason: "members were given for a program that targets individuals".into(),
            });
        }
        let first = self.batch.member_offsets.last().copied().unwrap_or(0) as usize;
        if self.batch.member_ids.len() - first >= self.layout.max_members {
            return Err(EvalError::TooManyMembers {
                limit: self.layout.max_members,
            });
        }
        self.batch.member_ids.push(id);
        let kinds = kinds.map(crate::texts::trim).filter(|k| !k.is_empty());
        self.batch
            .member_is_head
            .push(kinds.clone().any(|k| k.eq_ignore_ascii_case("head")));
        self.batch.member_kinds.push(kinds);
        self.batch.member_start.push(start);
        self.batch.member_end.push(end);
        for c in &mut self.batch.member_cols {
            c.push_unknown();
        }
        Ok(())
    }

    /// Sets an input of the last added member.
    ///
    /// # Errors
    /// As [`BatchBuilder::set_unit`].
    // Inline: called for each value by every binder (add_unit_with, the JSON and Python ones).
    #[inline(always)]
    pub fn set_member(&mut self, slot: usize, value: &Value) -> Result<(), EvalError> {
        if let Value::Text(t) = value {
            return self.set_member_text(slot, t);
        }
        let input = self
            .layout
            .member_inputs
            .get(slot)
            .ok_or_else(|| bad_slot(slot))?;
        // Borrowed, not copied: the member's id is only formatted into an error.
        let member = self.batch.member_ids.last();
        let v = coerce(value, input, member)?;
        let col = self
            .batch
            .member_cols
            .get_mut(slot)
            .ok_or_else(|| bad_slot(slot))?;
        store(col, &v, input, member)
    }

    /// Sets an input of the last added member from a value already read: as
    /// [`BatchBuilder::set_unit_scalar`] (a registry's commonest cells, dates and truth values,
    /// take this path).
    ///
    /// # Errors
    /// As [`BatchBuilder::set_unit`].
    pub fn set_member_scalar(&mut self, slot: usize, value: Scalar) -> Result<(), EvalError> {
        let input = self
            .layout
            .member_inputs
            .get(slot)
            .ok_or_else(|| bad_slot(slot))?;
        if store_scalar(input, self.batch.member_cols.get_mut(slot), value) {
            return Ok(());
        }
        let v = value.value(&input.ty);
        self.set_member(slot, &v)
    }

    /// Sets an input of the last added member from text.
    ///
    /// # Errors
    /// As [`BatchBuilder::set_unit`].
    // Inline: called for each value by every binder (add_unit_with, the JSON and Python ones).
    #[inline(always)]
    pub fn set_member_text(&mut self, slot: usize, text: &str) -> Result<(), EvalError> {
        let input = self
            .layout
            .member_inputs
            .get(slot)
            .ok_or_else(|| bad_slot(slot))?;
        let member = self.batch.member_ids.last();
        let col = self
            .batch
            .member_cols
            .get_mut(slot)
            .ok_or_else(|| bad_slot(slot))?;
        store_text(col, text, input, member)
    }

    /// Adds a record to collection `set` of the open unit; its fields are unknown until set.
    ///
    /// # Errors
    /// [`EvalError::InvalidUnit`] when no unit is open or there is no such collection, and
    /// [`EvalError::TooManyRecords`] beyond the limit.
    pub fn add_record(&mut self, set: usize) -> Result<(), EvalError> {
        if !self.open {
            return Err(EvalError::InvalidUnit {
                reason: "a record was given before its unit".into(),
            });
        }
        let max = self.layout.max_records;
        let name = self
            .layout
            .records
            .get(set)
            .map(|(n, _)| n.clone())
            .unwrap_or_default();
        let rc = self
            .batch
            .records
            .get_mut(set)
            .ok_or_else(|| EvalError::InvalidUnit {
                reason: format!("no record collection {set}"),
            })?;
        let first = rc.offsets.last().copied().unwrap_or(0) as usize;
        if rc.rows - first >= max {
            return Err(EvalError::TooManyRecords {
                records: name,
                limit: max,
            });
        }
        rc.rows += 1;
        for c in &mut rc.cols {
            c.push_unknown();
        }
        Ok(())
    }

    /// Sets a field of the last record added to collection `set`.
    ///
    /// # Errors
    /// As [`BatchBuilder::set_unit`].
    pub fn set_record(&mut self, set: usize, slot: usize, value: &Value) -> Result<(), EvalError> {
        // Text is read as every binder reads a record's text, as for the unit's and members'.
        if let Value::Text(t) = value {
            return self.set_record_text(set, slot, t);
        }
        let input = self
            .layout
            .records
            .get(set)
            .and_then(|(_, f)| f.get(slot))
            .ok_or_else(|| bad_slot(slot))?;
        let v = coerce(value, input, None)?;
        let col = self
            .batch
            .records
            .get_mut(set)
            .and_then(|r| r.cols.get_mut(slot))
            .ok_or_else(|| bad_slot(slot))?;
        store(col, &v, input, None)
    }

    /// Sets a field of the last record added to collection `set` from text.
    ///
    /// # Errors
    /// As [`BatchBuilder::set_unit`].
    pub fn set_record_text(
        &mut self,
        set: usize,
        slot: usize,
        text: &str,
    ) -> Result<(), EvalError> {
        let input = self
            .layout
            .records
            .get(set)
            .and_then(|(_, f)| f.get(slot))
            .ok_or_else(|| bad_slot(slot))?;
        let col = self
            .batch
            .records
            .get_mut(set)
            .and_then(|r| r.cols.get_mut(slot))
            .ok_or_else(|| bad_slot(slot))?;
        store_text(col, text, input, None)
    }

    /// Commits the open unit.
    pub fn finish_unit(&mut self) {
        if self.open {
            let n = u32::try_from(self.batch.member_ids.len()).unwrap_or(u32::MAX);
            self.batch.member_offsets.push(n);
            for rc in &mut self.batch.records {
                rc.offsets.push(u32::try_from(rc.rows).unwrap_or(u32::MAX));
            }
            self.open = false;
        }
    }

    /// Commits the open unit as failed: it keeps its place, and evaluating it gives `error`.
    pub fn fail_unit(&mut self, error: EvalError) {
        if self.open {
            if let Some(e) = self.batch.errors.last_mut() {
                self.batch.n_errors += usize::from(e.is_none());
                *e = Some(error);
            }
            self.finish_unit();
        }
    }

    /// Drops the open unit entirely (for callers that report the error themselves).
    pub fn abandon_unit(&mut self) {
        if !self.open {
            return;
        }
        self.open = false;
        let n = self.batch.ids.len().saturating_sub(1);
        self.batch.ids.truncate(n);
        self.batch.errors.truncate(n);
        for c in &mut self.batch.unit_cols {
            c.truncate(n);
        }
        let m = self.batch.member_offsets.last().copied().unwrap_or(0) as usize;
        self.batch.member_ids.truncate(m);
        self.batch.member_kinds.truncate(m);
        self.batch.member_is_head.truncate(m);
        self.batch.member_start.truncate(m);
        self.batch.member_end.truncate(m);
        for c in &mut self.batch.member_cols {
            c.truncate(m);
        }
        for rc in &mut self.batch.records {
            let r = rc.offsets.last().copied().unwrap_or(0) as usize;
            rc.rows = r;
            for c in &mut rc.cols {
                c.truncate(r);
            }
        }
    }

    /// Drops the last unit, open or finished, entirely: for a reader that learns from a later row
    /// that a unit it has finished must not be decided (another row shares its id).
    pub fn abandon_last_unit(&mut self) {
        if !self.open {
            if self.batch.ids.is_empty() {
                return;
            }
            // Reopened: its end offsets go, and an error it was committed with is not counted.
            self.batch.member_offsets.pop();
            for rc in &mut self.batch.records {
                rc.offsets.pop();
            }
            if self.batch.errors.last().is_some_and(Option::is_some) {
                self.batch.n_errors = self.batch.n_errors.saturating_sub(1);
            }
            self.open = true;
        }
        self.abandon_unit();
    }

    /// Whether the last two units hold the same value in every unit-level input (ids and members
    /// aside): one registry row written twice, rather than two units that share an id.
    pub fn last_two_units_agree(&self) -> bool {
        let n = self.batch.ids.len();
        n >= 2
            && self
                .batch
                .unit_cols
                .iter()
                .all(|c| c.rows_equal(n - 2, n - 1))
    }

    /// Adds a whole name-keyed unit. A problem with its data fails that unit (it keeps its place);
    /// attribute names the program does not declare are ignored.
    pub fn add_unit(&mut self, unit: &Unit) {
        self.add_unit_with(unit, &EvalOptions::default());
    }

    /// [`BatchBuilder::add_unit`] with the binding's options: with
    /// [`EvalOptions::strict`], a name the program does not declare fails the unit with R0011
    /// ([`Layout::check_unit`]) before any of its values is read.
    pub fn add_unit_with(&mut self, unit: &Unit, options: &EvalOptions) {
        self.start_unit(&unit.id);
        if let Err(e) = self.fill(unit, options.strict) {
            self.fail_unit(e);
        } else {
            self.finish_unit();
        }
    }

    /// The finished batch (an open unit is committed).
    pub fn finish(mut self) -> Batch {
        self.finish_unit();
        debug_assert!(self
            .batch
            .unit_cols
            .iter()
            .all(|c| c.len() == self.batch.ids.len()));
        debug_assert!(self
            .batch
            .records
            .iter()
            .all(|r| r.offsets.len() == self.batch.ids.len() + 1));
        self.batch
    }
}
