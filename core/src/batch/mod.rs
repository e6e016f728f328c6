//! Columnar storage of units bound to a program: what evaluation reads.
//!
//! A [`Batch`] holds many units in struct-of-arrays form: one column per input the program
//! declares, members flattened with per-unit offsets, texts dictionary-encoded. Registry adapters
//! fill it through a [`BatchBuilder`], parsing each cell once by the input's declared type; a
//! name-keyed [`Unit`](crate::Unit) is bound the same way. Evaluation then reads columns by slot and never looks
//! a name up.

use crate::error::EvalError;
use crate::texts::{KindLists, Texts};
use chrono::NaiveDate;
use entitle_dsl::ast::Scope;
use entitle_dsl::ir::Input;

mod builder;
mod column;
mod declared;
mod store;
pub use builder::BatchBuilder;
pub use column::{Column, Scalar, TextColumn};
pub use declared::{MEMBER_KEYS, UNIT_KEYS};

/// Where each declared input lives: its scope, type and slot.
#[derive(Clone, Debug)]
pub struct Layout {
    unit_inputs: Vec<Input>,
    member_inputs: Vec<Input>,
    /// The slots of `unit_inputs` and `member_inputs` in the byte order of their names: the order
    /// a [`crate::Unit`]'s maps iterate in, so that binding one walks both once.
    unit_by_name: Vec<usize>,
    member_by_name: Vec<usize>,
    /// Record collections: name and fields (by slot).
    records: Vec<(String, Vec<Input>)>,
    /// Most records per collection per unit.
    max_records: usize,
    unit_scope: Scope,
    has_members: bool,
    /// Most members per unit (see [`crate::EvalLimits`]).
    max_members: usize,
    /// The names of each place, sorted, for strict binding.
    declared: declared::Declared,
}

/// The slots of `inputs` in the byte order of their names.
fn by_name(inputs: &[Input]) -> Vec<usize> {
    let mut slots: Vec<usize> = (0..inputs.len()).collect();
    entitle_dsl::sorting::sort_by(&mut slots, |a, b| {
        let name = |s: &usize| inputs.get(*s).map(|i| i.name.as_str());
        name(a).cmp(&name(b))
    });
    slots
}

impl Layout {
    pub(crate) fn new(
        inputs: &[Input],
        unit_scope: Scope,
        has_members: bool,
        max_members: usize,
    ) -> Layout {
        let mut unit_inputs: Vec<Input> = inputs
            .iter()
            .filter(|i| i.scope == unit_scope)
            .cloned()
            .collect();
        let mut member_inputs: Vec<Input> = inputs
            .iter()
            .filter(|i| i.scope == Scope::Member)
            .cloned()
            .collect();
        entitle_dsl::sorting::sort_by_key(&mut unit_inputs, |i| i.slot);
        entitle_dsl::sorting::sort_by_key(&mut member_inputs, |i| i.slot);
        let declared = declared::Declared::new(&unit_inputs, &member_inputs, &[]);
        Layout {
            unit_by_name: by_name(&unit_inputs),
            member_by_name: by_name(&member_inputs),
            unit_inputs,
            member_inputs,
            records: Vec::new(),
            max_records: 0,
            unit_scope,
            has_members,
            max_members,
            declared,
        }
    }

    /// Adds the program's record collections.
    pub(crate) fn with_records(
        mut self,
        sets: &[entitle_dsl::ir::RecordSet],
        max_records: usize,
    ) -> Layout {
        self.records = sets
            .iter()
            .map(|s| (s.name.clone(), s.fields.clone()))
            .collect();
        self.max_records = max_records;
        self.declared =
            declared::Declared::new(&self.unit_inputs, &self.member_inputs, &self.records);
        self
    }

    /// The record collections: name and fields, by slot.
    pub fn records(&self) -> &[(String, Vec<Input>)] {
        &self.records
    }

    /// The index of a record collection.
    pub fn record_set(&self, name: &str) -> Option<usize> {
        self.records.iter().position(|(n, _)| n == name)
    }

    /// The slot of a field of record collection `set`.
    pub fn record_slot(&self, set: usize, field: &str) -> Option<usize> {
        self.records
            .get(set)?
            .1
            .iter()
            .position(|i| i.name == field)
    }

    /// The slot of a unit-level input (`household.` or `person.`).
    pub fn unit_slot(&self, name: &str) -> Option<usize> {
        self.unit_inputs.iter().position(|i| i.name == name)
    }

    /// The slot of a member input.
    pub fn member_slot(&self, name: &str) -> Option<usize> {
        self.member_inputs.iter().position(|i| i.name == name)
    }

    /// Unit-level inputs, by slot.
    pub fn unit_inputs(&self) -> &[Input] {
        &self.unit_inputs
    }

    /// Member inputs, by slot.
    pub fn member_inputs(&self) -> &[Input] {
        &self.member_inputs
    }

    /// The scope of unit-level inputs.
    pub fn unit_scope(&self) -> Scope {
        self.unit_scope
    }

    /// Whether units have members (household programs).
    pub fn has_members(&self) -> bool {
        self.has_members
    }
}

/// Many units in columnar form, bound to one program's inputs.
#[derive(Clone, Debug)]
pub struct Batch {
    pub(crate) ids: Texts,
    pub(crate) unit_cols: Vec<Column>,
    /// `member_offsets[i]..member_offsets[i + 1]` are unit i's members.
    pub(crate) member_offsets: Vec<u32>,
    pub(crate) member_ids: Texts,
    pub(crate) member_kinds: KindLists,
    pub(crate) member_is_head: Vec<bool>,
    pub(crate) member_start: Vec<Option<NaiveDate>>,
    pub(crate) member_end: Vec<Option<NaiveDate>>,
    pub(crate) member_cols: Vec<Column>,
    /// A unit whose data could not be bound keeps its place and its error.
    pub(crate) errors: Vec<Option<EvalError>>,
    /// How many units have an error (most batches have none, and then nobody reads `errors`).
    pub(crate) n_errors: usize,
    /// Records of each collection, like members: per-unit offsets and one column per field.
    pub(crate) records: Vec<RecordColumns>,
}

/// The records of one collection across a batch.
#[derive(Clone, Debug, Default)]
pub(crate) struct RecordColumns {
    /// `offsets[i]..offsets[i + 1]` are unit i's records.
    pub offsets: Vec<u32>,
    /// Number of records.
    pub rows: usize,
    /// One column per field.
    pub cols: Vec<Column>,
}

impl RecordColumns {
    pub(crate) fn rows_of(&self, unit: usize) -> std::ops::Range<usize> {
        let s = self.offsets.get(unit).copied().unwrap_or(0) as usize;
        let e = self.offsets.get(unit + 1).copied().unwrap_or(0) as usize;
        s..e.max(s)
    }
}

/// How large a batch is, to give the next one room at once (see [`BatchBuilder::reserve`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Units.
    pub units: usize,
    /// Members.
    pub members: usize,
    /// Bytes of the units' ids.
    pub unit_id_bytes: usize,
    /// Bytes of the members' ids.
    pub member_id_bytes: usize,
}

impl Shape {
    /// This shape scaled to `units` units, with an eighth more of everything else (a batch of
    /// as many units has about as many members).
    pub fn scaled_to(self, units: usize) -> Shape {
        let per = |x: usize| {
            let x = x.saturating_mul(units) / self.units.max(1);
            x.saturating_add(x / 8)
        };
        Shape {
            units,
            members: per(self.members),
            unit_id_bytes: per(self.unit_id_bytes),
            member_id_bytes: per(self.member_id_bytes),
        }
    }
}

impl Batch {
    /// Its size (see [`Shape`]).
    pub fn shape(&self) -> Shape {
        Shape {
            units: self.len(),
            members: self.member_ids.len(),
            unit_id_bytes: self.ids.bytes(),
            member_id_bytes: self.member_ids.bytes(),
        }
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no units.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The id of unit `i`.
    pub fn unit_id(&self, i: usize) -> Option<&str> {
        self.ids.get(i)
    }

    /// The range of member rows of unit `i`.
    pub fn members_of(&self, i: usize) -> std::ops::Range<usize> {
        let s = self.member_offsets.get(i).copied().unwrap_or(0) as usize;
        let e = self.member_offsets.get(i + 1).copied().unwrap_or(0) as usize;
        s..e.max(s)
    }

    /// Total member rows.
    pub fn member_rows(&self) -> usize {
        self.member_ids.len()
    }

    /// Unit-level column at `slot`.
    pub fn unit_column(&self, slot: usize) -> Option<&Column> {
        self.unit_cols.get(slot)
    }

    /// Member column at `slot`.
    pub fn member_column(&self, slot: usize) -> Option<&Column> {
        self.member_cols.get(slot)
    }

    /// Number of member rows.
    pub(crate) fn member_count(&self) -> usize {
        self.member_is_head.len()
    }

    /// Empties every column, keeping its room (see `BatchBuilder::reuse`).
    pub(crate) fn clear(&mut self) {
        self.ids.truncate(0);
        for c in &mut self.unit_cols {
            c.truncate(0);
        }
        self.member_offsets.truncate(1);
        self.member_ids.truncate(0);
        self.member_kinds.clear();
        self.member_is_head.clear();
        self.member_start.clear();
        self.member_end.clear();
        for c in &mut self.member_cols {
            c.truncate(0);
        }
        self.errors.clear();
        self.n_errors = 0;
        for r in &mut self.records {
            r.offsets.truncate(1);
            r.rows = 0;
            for c in &mut r.cols {
                c.truncate(0);
            }
        }
    }

    /// The binding error of unit `i`, if its data could not be read.
    pub fn unit_error(&self, i: usize) -> Option<&EvalError> {
        if self.n_errors == 0 {
            return None;
        }
        self.errors.get(i).and_then(Option::as_ref)
    }

    /// The number of records unit `i` has in collection `set`.
    pub fn record_count(&self, set: usize, i: usize) -> usize {
        self.records
            .get(set)
            .map(|r| r.rows_of(i).len())
            .unwrap_or(0)
    }

    /// The column of field `slot` of collection `set`.
    pub fn record_column(&self, set: usize, slot: usize) -> Option<&Column> {
        self.records.get(set)?.cols.get(slot)
    }
}
