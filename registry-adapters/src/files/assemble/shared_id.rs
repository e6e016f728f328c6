//! Two group rows with one id, as the joins can see them: a household program joins members to
//! their group by id, so the first row would be decided with the members of both. When the rows
//! hold different values they are two households that share an id, and neither is decided
//! (G0106 on each); one row written twice (every value the same) keeps the first's decision.
//!
//! The first row can be taken back while it is the last unit of the batch being filled: always
//! in a file sorted by id (the row after a full batch is read ahead to see whether it repeats the
//! batch's last id), and in an unsorted file when the two rows are next to each other. Further
//! apart in an unsorted file, the first was decided before the second was seen; the second is
//! refused (G0106) and names it.

use super::row::bind_inputs;
use super::FileSource;
use crate::error::codes;
use crate::order::compare_ids;
use crate::reason::Reason;
use crate::record::RowError;
use entitle_core::BatchBuilder;
use std::sync::Arc;

impl FileSource {
    /// The line of the first row with unit id `id` that has been read, if any.
    pub(super) fn first_line_of(&self, id: &str) -> Option<u64> {
        match &self.last_id {
            Some((last, line)) if compare_ids(id, last).is_eq() => Some(*line),
            _ => self.seen.get(id).copied(),
        }
    }

    /// Called on the current row of the units file, whose id `id` was first read on line
    /// `first`: takes the unit of that first row out of `builder` (and its line out of `lines`)
    /// when it was decided and is the batch's last unit (`last_decided`, the line of the last
    /// row read when it was), and holds other values than this row. The first row then gets its
    /// G0106; this row gets its own where it is read.
    pub(super) fn take_back_shared(
        &mut self,
        id: &str,
        first: u64,
        last_decided: Option<u64>,
        builder: &mut BatchBuilder,
        lines: &mut Vec<u64>,
        errors: &mut Vec<RowError>,
    ) {
        if self.members.is_none() || last_decided != Some(first) || lines.is_empty() {
            return;
        }
        let file = Arc::clone(self.units.file());
        // This row's values, in a unit of their own for a moment, compared with the first's.
        builder.start_unit(id);
        let readable = self.units.problem().is_none()
            && bind_inputs(builder, &*self.units, &file, &self.unit_plans, false).is_ok();
        let same = readable && builder.last_two_units_agree();
        builder.abandon_unit();
        if same {
            return;
        }
        builder.abandon_last_unit();
        lines.pop();
        self.last_decided = None;
        self.counts.decided = self.counts.decided.saturating_sub(1);
        self.counts.unit_errors += 1;
        let other = self.units.line().to_string();
        errors.push(
            RowError::unit(
                &file,
                first,
                Some(id),
                codes::DUPLICATE_ID,
                Reason::with("G0106.shared", &[("other", &other)]),
            )
            .at_column("id"),
        );
    }

    /// After a full batch: reads the next unit row ahead (it is read as the next batch's first)
    /// so that a row repeating the batch's last id can still take that unit back.
    pub(super) fn look_ahead(
        &mut self,
        builder: &mut BatchBuilder,
        lines: &mut Vec<u64>,
        errors: &mut Vec<RowError>,
    ) -> Result<(), crate::error::RegistryError> {
        if self.last_decided.is_none() || self.held.is_some() {
            return Ok(());
        }
        let more = self.units.advance()?;
        self.held = Some(more);
        if !more {
            return Ok(());
        }
        let id = match self.units.cell(0) {
            Ok(Some(id)) => id.to_string(),
            _ => return Ok(()),
        };
        if let Some(first) = self.first_line_of(&id) {
            let last = self.last_decided;
            self.take_back_shared(&id, first, last, builder, lines, errors);
        }
        Ok(())
    }
}
