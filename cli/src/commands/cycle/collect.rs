//! Reading the whole registry for the run model: chunk by chunk, each unit decided and kept as one
//! compact record, with the rows that gave no unit.

use super::{Registry, Report};
use crate::commands::registry_error;
use crate::commands::run::in_reading_order;
use anyhow::Result;
use chrono::NaiveDate;
use entitle_core::run_model::{Collector, RunUnit};
use entitle_core::{EvalOptions, Program};
use entitle_registry::{JoinMode, ReadCounts, RowError, SourceOptions};
use std::collections::HashSet;

/// Every unit of the registry, decided and collected, with the rows that gave none.
pub(super) struct Collected {
    pub(super) records: Vec<RunUnit>,
    pub(super) read: ReadCounts,
    /// The rows that gave no unit, and the units that could not be evaluated, in reading order
    /// (as `entitle run` lists them in errors.csv).
    pub(super) errors: Vec<RowError>,
    /// How many of `errors` are rows that gave no unit.
    pub(super) row_errors: usize,
    /// How many of those rows are units left out (read, but without a record in the run): the
    /// rest are rows outside any unit (a member of no household). `entitle pay` reconciles a
    /// cycle's units with it.
    pub(super) units_left_out: usize,
    /// How many units have a record without a decision: units that could not be evaluated, and
    /// after [`carry_unread_units`] units whose row could not be read.
    pub(super) unit_errors: usize,
    pub(super) describe: String,
    pub(super) dimensions: Vec<String>,
    /// The inputs every unit or member took the default of, for want of a column.
    pub(super) absent: Vec<entitle_registry::AbsentInput>,
}

pub(super) fn collect(
    program: &Program,
    reg: &Registry,
    as_of: NaiveDate,
    report: &Report,
) -> Result<Collected> {
    let spec = program.ir().run.summary.clone();
    let dims = report
        .summary_by
        .clone()
        .or_else(|| spec.as_ref().map(|s| s.by.clone()))
        .unwrap_or_default();
    let age = report.age.clone().or_else(|| spec.and_then(|s| s.ages));
    let collector = Collector::new(program, as_of, &dims, age.as_deref()).map_err(|e| {
        let catalog = entitle_dsl::locale::catalog(&report.locale);
        anyhow::anyhow!("{} [{}]", e.message(catalog), e.code())
    })?;
    // Members are read into memory by group id, so the files need not be sorted.
    let options = SourceOptions {
        join: JoinMode::Indexed,
        only_unit: None,
        members: reg.members.clone(),
    };
    let mut source = crate::registry::open(&reg.registry, &reg.map, program, &options)
        .map_err(registry_error)?;
    let words = crate::words::Words::new(&report.locale);
    let said = source.absent_inputs();
    crate::summary::warn_absent(&said, &[], words);
    let mut records = Vec::new();
    let (mut errors, mut row_errors, mut unit_errors) = (Vec::new(), 0, 0);
    let mut units_left_out = 0;
    let unit_file = source.unit_file();
    while let Some(chunk) = source
        .next_chunk(reg.batch_size.max(1))
        .map_err(registry_error)?
    {
        let result = program.run(&chunk.batch, as_of, &EvalOptions::default());
        collector.collect(&result, &mut records);
        let failed: Vec<(usize, RowError)> = (0..chunk.batch.len())
            .filter_map(|i| {
                let e = result.error(i)?;
                let line = chunk.lines.get(i).copied().unwrap_or(0);
                let record = RowError::unit(
                    &unit_file,
                    line,
                    chunk.batch.unit_id(i),
                    e.code(),
                    e.clone(),
                );
                Some((i, record))
            })
            .collect();
        row_errors += chunk.errors.len();
        units_left_out += chunk.errors.iter().filter(|e| e.counts_as_unit).count();
        unit_errors += failed.len();
        errors.extend(in_reading_order(&chunk, failed.iter()).into_iter().cloned());
    }
    // JSON Lines tells only once read.
    let absent = source.absent_inputs();
    crate::summary::warn_absent(&absent, &said, words);
    Ok(Collected {
        records,
        read: source.counts(),
        errors,
        row_errors,
        units_left_out,
        unit_errors,
        describe: source.describe(),
        dimensions: collector.dimensions(),
        absent,
    })
}

/// Gives every unit whose row could not be read, when its id could, a record without a decision
/// (the row's code as its error), as a unit that could not be evaluated has: the run keeps its
/// previous state, and `run.jsonl` carries it to the next cycle. Without one, a beneficiary whose
/// row had a bad cell one month came back the next as a new unit, its enrolment lost. The row
/// stays in `errors.csv`; a unit given twice, or already decided from another row, gets no
/// second record.
pub(super) fn carry_unread_units(c: &mut Collected) {
    let unread = || {
        c.errors
            .iter()
            .filter(|e| e.counts_as_unit)
            .filter_map(|e| Some((e.unit_id.as_deref()?, e.code)))
    };
    // Most registries have none: then no set of every unit's id is made.
    if unread().next().is_none() {
        return;
    }
    let mut ids: HashSet<&str> = c.records.iter().map(|r| r.unit_id.as_str()).collect();
    let mut carried = Vec::new();
    for (id, code) in unread() {
        if ids.insert(id) {
            carried.push(RunUnit {
                unit_id: id.to_string(),
                outcome: None,
                error: Some(code.to_string()),
                ..RunUnit::default()
            });
        }
    }
    let n = carried.len();
    c.records.extend(carried);
    c.units_left_out = c.units_left_out.saturating_sub(n);
    c.unit_errors += n;
}
