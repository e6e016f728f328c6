//! Binding a name-keyed [`Unit`] (the library's and the bindings' own units) into the builder.

use super::BatchBuilder;
use crate::error::EvalError;
use crate::model::Unit;
use entitle_dsl::Value;

impl BatchBuilder {
    // Inputs are taken in name order, as the unit's maps iterate, so each map is walked once
    // instead of searched per input (string comparisons were a twentieth of one household's time).
    // The layout is read through `self` by slot, each name's borrow ending before the value is
    // set: holding a clone of its `Arc` instead cost two atomic operations a unit.
    pub(super) fn fill(&mut self, unit: &Unit, strict: bool) -> Result<(), EvalError> {
        if strict {
            self.layout.check_unit(unit)?;
        }
        // A unit with several bad values fails with the first by slot, as every other binder
        // (registry rows, JSON) reports it, though they are read here in name order.
        let mut first = FirstBySlot::default();
        let mut given = unit.attributes.iter().peekable();
        for k in 0..self.layout.unit_by_name.len() {
            let slot = self
                .layout
                .unit_by_name
                .get(k)
                .copied()
                .unwrap_or(usize::MAX);
            let Some(input) = self.layout.unit_inputs.get(slot) else {
                continue;
            };
            // The JSON boundary reads an array of objects as a collection of records; under the
            // name of an input, it was meant as the input's value, which no array of objects is:
            // said at the input's place (as every binder says it), rather than dropped.
            if !unit.records.is_empty() && unit.records.contains_key(&input.name) {
                first.keep(
                    slot,
                    EvalError::InvalidValue {
                        field: input.name.clone(),
                        reason: format!("expected {}, found a list of objects", input.ty),
                    },
                );
            } else if let Some(v) = next_given(&mut given, &input.name) {
                if let Err(e) = self.set_unit(slot, v) {
                    first.keep(slot, e);
                }
            }
        }
        first.result()?;
        if !unit.members.is_empty() && !self.layout.has_members {
            return Err(EvalError::InvalidUnit {
                reason: "members were given for a program that targets individuals".into(),
            });
        }
        for m in &unit.members {
            let kinds = m.kinds.iter().map(String::as_str);
            self.add_member_of(&m.id, kinds, m.start_date, m.end_date)?;
            let mut given = m.attributes.iter().peekable();
            for k in 0..self.layout.member_by_name.len() {
                let slot = self
                    .layout
                    .member_by_name
                    .get(k)
                    .copied()
                    .unwrap_or(usize::MAX);
                let value = self
                    .layout
                    .member_inputs
                    .get(slot)
                    .and_then(|input| next_given(&mut given, &input.name));
                if let Some(v) = value {
                    if let Err(e) = self.set_member(slot, v) {
                        first.keep(slot, e);
                    }
                }
            }
            first.result()?;
        }
        for set in 0..self.layout.records.len() {
            let given = self
                .layout
                .records
                .get(set)
                .and_then(|(name, _)| unit.records.get(name));
            for record in given.map(Vec::as_slice).unwrap_or(&[]) {
                self.add_record(set)?;
                let fields = self.layout.records.get(set).map_or(0, |(_, f)| f.len());
                for slot in 0..fields {
                    let value = self
                        .layout
                        .records
                        .get(set)
                        .and_then(|(_, f)| f.get(slot))
                        .and_then(|field| record.get(&field.name));
                    if let Some(v) = value {
                        self.set_record(set, slot, v)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// The value `given` holds under `name`, `given` being walked in name order and the names asked
/// in increasing order: the names before `name` are passed over for good.
fn next_given<'v>(
    given: &mut std::iter::Peekable<std::collections::btree_map::Iter<'v, String, Value>>,
    name: &str,
) -> Option<&'v Value> {
    while let Some(&(key, value)) = given.peek() {
        // Equality first: most keys are inputs, and unequal lengths need no byte comparison.
        if key.as_str() == name {
            given.next();
            return Some(value);
        }
        if key.as_str() > name {
            return None;
        }
        given.next();
    }
    None
}

/// The error of the lowest slot among those kept.
#[derive(Default)]
struct FirstBySlot(Option<(usize, EvalError)>);

impl FirstBySlot {
    // Out of line: only a unit with a bad value comes here.
    #[cold]
    #[inline(never)]
    fn keep(&mut self, slot: usize, e: EvalError) {
        if self.0.as_ref().is_none_or(|(s, _)| slot < *s) {
            self.0 = Some((slot, e));
        }
    }

    /// The error kept, if any (and none is kept afterwards).
    fn result(&mut self) -> Result<(), EvalError> {
        match self.0.take() {
            Some((_, e)) => Err(e),
            None => Ok(()),
        }
    }
}
