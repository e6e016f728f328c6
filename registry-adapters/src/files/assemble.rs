//! Units from rows: each group row with its member rows (or each individual row) becomes a unit in
//! a batch, or an error record.
//!
//! Members are matched to groups by a streaming merge-join when both files are sorted by id (what
//! `entitle generate` writes and what most exports give), in constant memory; or through a
//! [`MemberIndex`] when they are not. Either way every row is accounted for: a group row yields a
//! unit or a unit error; a member row belongs to a unit, or is an error record of its own (no
//! group id, or a group that does not exist).

use super::index::MemberIndex;
use super::rows::{BadCell, Cells, RowStream, Wanted};
use crate::bind::{
    check_currency, set_member_cell, set_unit_cell, split_kinds, InputColumn, ProgramColumns,
};
use crate::error::{codes, RegistryError};
use crate::order::compare_ids;
use crate::record::RowError;
use crate::source::{Chunk, JoinMode, Progress, ReadCounts, RegistrySource};
use entitle_core::same_text;
use entitle_core::{BatchBuilder, EvalError, Program, Shape};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

/// Wanted column numbers of the members file.
const M_ID: usize = 0;
const M_GID: usize = 1;
const M_KIND: usize = 2;
const M_START: usize = 3;
const M_END: usize = 4;

/// An input with the wanted column numbers of its cell and, for money, of its currency columns.
struct Plan {
    input: InputColumn,
    cell: usize,
    currency: Vec<usize>,
}

/// The wanted columns of a file: structural ones first, then one per input, then currency columns.
fn plan(first: Vec<Wanted>, inputs: &[InputColumn]) -> (Vec<Wanted>, Vec<Plan>) {
    let mut wanted = first;
    let mut plans = Vec::new();
    for input in inputs {
        wanted.push(Wanted {
            names: vec![input.name.clone()],
            required: !input.has_default,
        });
        plans.push(Plan {
            input: input.clone(),
            cell: wanted.len() - 1,
            currency: Vec::new(),
        });
    }
    let mut shared = None;
    for p in &mut plans {
        if p.input.currency().is_some() {
            wanted.push(Wanted::optional(&[&format!("{}_currency", p.input.name)]));
            p.currency.push(wanted.len() - 1);
            let k = *shared.get_or_insert_with(|| {
                wanted.push(Wanted::optional(&["currency"]));
                wanted.len() - 1
            });
            p.currency.push(k);
        }
    }
    (wanted, plans)
}

/// The wanted columns of a unit file (groups or individuals) and of a members file.
pub(crate) fn wanted(cols: &ProgramColumns, household: bool) -> (Vec<Wanted>, Vec<Wanted>) {
    let id = if household {
        Wanted::required(&["id", "group_id"])
    } else {
        Wanted::required(&["id"])
    };
    let (units, _) = plan(vec![id], &cols.unit);
    let (members, _) = plan(member_structure(), &cols.member);
    (units, members)
}

fn member_structure() -> Vec<Wanted> {
    vec![
        Wanted::required(&["id", "member_id"]),
        Wanted::required(&["group_id", "group"]),
        Wanted::optional(&["kind", "kinds"]),
        Wanted::optional(&["start_date"]),
        Wanted::optional(&["end_date"]),
    ]
}

/// What went wrong with a unit, before it becomes a [`RowError`].
struct Problem {
    file: Arc<str>,
    line: u64,
    column: Option<String>,
    member: Option<String>,
    code: &'static str,
    reason: String,
}

impl Problem {
    fn at(
        file: &Arc<str>,
        line: u64,
        column: Option<&str>,
        code: &'static str,
        reason: impl Into<String>,
    ) -> Problem {
        Problem {
            file: Arc::clone(file),
            line,
            column: column.map(str::to_string),
            member: None,
            code,
            reason: reason.into(),
        }
    }

    fn into_error(self, unit_id: Option<&str>) -> RowError {
        // The cells of a malformed row cannot be trusted: an unclosed quote makes its first cell
        // swallow the cells after it, and those are a registrant's values, never to be echoed.
        let malformed = self.code == codes::MALFORMED_ROW;
        let id = |id: Option<&str>| {
            id.filter(|i| !malformed || plausible_id(i))
                .map(str::to_string)
        };
        RowError {
            file: self.file,
            line: self.line,
            column: self.column,
            unit_id: id(unit_id),
            member_id: id(self.member.as_deref()),
            code: self.code,
            message: self.reason,
            counts_as_unit: true,
        }
    }
}

/// An identifier that can be the whole of one cell: short, on one line, with no quote or cell
/// separator (a malformed row's id that fails this holds other cells too).
fn plausible_id(id: &str) -> bool {
    id.len() <= 128
        && !id
            .chars()
            .any(|c| c.is_control() || matches!(c, '"' | ',' | ';' | '\t'))
}

/// Sets the inputs of `plans` from a row, for the open unit or its last member.
fn bind_inputs<C: Cells + ?Sized>(
    builder: &mut BatchBuilder,
    row: &C,
    file: &Arc<str>,
    plans: &[Plan],
    member: bool,
) -> Result<(), Problem> {
    for p in plans {
        let name = p.input.name.as_str();
        let text = match row.cell(p.cell) {
            Ok(Some(t)) => t,
            Ok(None) => continue,
            Err(b) => return Err(Problem::at(file, row.line(), Some(name), b.code, b.reason)),
        };
        for k in &p.currency {
            if let Ok(Some(code)) = row.cell(*k) {
                check_currency(&p.input, code)
                    .map_err(|e| Problem::at(file, row.line(), Some(name), e.code, e.reason))?;
                break;
            }
        }
        let set = if member {
            set_member_cell(builder, &p.input, text)
        } else {
            set_unit_cell(builder, &p.input, text)
        };
        set.map_err(|e| Problem::at(file, row.line(), Some(name), e.code, e.reason))?;
    }
    Ok(())
}

/// How the members file is read.
enum Members {
    /// A sorted file, streamed alongside the groups.
    Stream {
        rows: Box<dyn RowStream>,
        loaded: bool,
        ended: bool,
        last_gid: String,
    },
    /// Any order, indexed in memory.
    Index {
        index: Box<MemberIndex>,
        file: Arc<str>,
    },
}

/// Units read from files: a groups file with a members file, or an individuals file.
pub(crate) struct FileSource {
    program: Program,
    describe: String,
    units: Box<dyn RowStream>,
    unit_plans: Vec<Plan>,
    members: Option<Members>,
    member_plans: Vec<Plan>,
    join: JoinMode,
    only: Option<String>,
    counts: ReadCounts,
    /// The last unit id and its line (sorted mode), or every id with its line (indexed mode).
    last_id: Option<(String, u64)>,
    seen: HashMap<Box<str>, u64>,
    id: String,
    pending: Vec<RowError>,
    done: bool,
    /// The size of the last full chunk: the next one gets as much room at once.
    shape: Option<Shape>,
}

impl FileSource {
    /// A source over opened streams; `members` is `None` for individual programs.
    pub fn new(
        program: &Program,
        describe: String,
        units: Box<dyn RowStream>,
        members: Option<Box<dyn RowStream>>,
        join: JoinMode,
        only: Option<String>,
    ) -> Result<FileSource, RegistryError> {
        let cols = ProgramColumns::for_program(program);
        let id = if members.is_some() {
            Wanted::required(&["id", "group_id"])
        } else {
            Wanted::required(&["id"])
        };
        let (_, unit_plans) = plan(vec![id], &cols.unit);
        let (member_wanted, member_plans) = plan(member_structure(), &cols.member);
        let mut counts = ReadCounts::default();
        let mut pending = Vec::new();
        let members = match (members, join) {
            (None, _) => None,
            (Some(rows), JoinMode::Sorted) => Some(Members::Stream {
                rows,
                loaded: false,
                ended: false,
                last_gid: String::new(),
            }),
            (Some(mut rows), JoinMode::Indexed) => {
                let index = Box::new(MemberIndex::load(
                    rows.as_mut(),
                    member_wanted.len(),
                    M_GID,
                )?);
                counts.member_rows = index.len() as u64;
                let file = Arc::clone(rows.file());
                Some(Members::Index { index, file })
            }
        };
        if let Some(Members::Index { index, file }) = &members {
            // Rows without a group id are reported at once: no group will claim them.
            for r in 0..index.len() {
                let row = index.row(r);
                if let Some(p) = no_group_id(&row, file) {
                    pending.push(p);
                    counts.row_errors += 1;
                }
            }
        }
        Ok(FileSource {
            program: program.clone(),
            describe,
            units,
            unit_plans,
            members,
            member_plans,
            join,
            only,
            counts,
            last_id: None,
            seen: HashMap::new(),
            id: String::new(),
            pending,
            done: false,
            shape: None,
        })
    }

    /// Reads one unit row; false at the end of the units file.
    fn next_unit(
        &mut self,
        builder: &mut BatchBuilder,
        lines: &mut Vec<u64>,
        errors: &mut Vec<RowError>,
    ) -> Result<bool, RegistryError> {
        if !self.units.advance()? {
            return Ok(false);
        }
        self.counts.units += 1;
        let file = Arc::clone(self.units.file());
        let line = self.units.line();
        match self.units.cell(0) {
            Ok(Some(id)) => {
                self.id.clear();
                self.id.push_str(id);
            }
            Ok(None) | Err(_) => {
                errors.push(
                    RowError::unit(&file, line, None, codes::NO_ID, "the row has no id")
                        .at_column("id"),
                );
                self.counts.unit_errors += 1;
                return Ok(true);
            }
        }
        let id = std::mem::take(&mut self.id);
        let result = self.unit_with_id(&id, &file, line, builder, lines, errors);
        self.id = id;
        result.map(|()| true)
    }

    fn unit_with_id(
        &mut self,
        id: &str,
        file: &Arc<str>,
        line: u64,
        builder: &mut BatchBuilder,
        lines: &mut Vec<u64>,
        errors: &mut Vec<RowError>,
    ) -> Result<(), RegistryError> {
        let duplicate_of = match self.join {
            JoinMode::Sorted => match &mut self.last_id {
                Some((last, last_line)) => match compare_ids(id, last) {
                    Ordering::Less => {
                        return Err(RegistryError::NotSorted {
                            path: file.to_string().into(),
                            line,
                            what: "id",
                        })
                    }
                    Ordering::Equal => Some(*last_line),
                    Ordering::Greater => {
                        last.clear();
                        last.push_str(id);
                        *last_line = line;
                        None
                    }
                },
                None => {
                    self.last_id = Some((id.to_string(), line));
                    None
                }
            },
            JoinMode::Indexed => match self.seen.get(id) {
                Some(first) => Some(*first),
                None => {
                    self.seen.insert(id.into(), line);
                    None
                }
            },
        };
        if let Some(first) = duplicate_of {
            // In sorted mode the first row of this id already took its members.
            errors.push(
                RowError::unit(
                    file,
                    line,
                    Some(id),
                    codes::DUPLICATE_ID,
                    format!("the id appears twice; the first is on line {first}"),
                )
                .at_column("id"),
            );
            self.counts.unit_errors += 1;
            return Ok(());
        }
        if self.only.as_deref().is_some_and(|only| only != id) {
            self.members_of(id, None, &mut None, errors)?;
            return Ok(());
        }
        builder.start_unit(id);
        let mut problem = match self.units.problem() {
            Some(p) => Some(Problem::at(file, line, None, codes::MALFORMED_ROW, p)),
            None => bind_inputs(builder, &*self.units, file, &self.unit_plans, false).err(),
        };
        self.members_of(id, Some(builder), &mut problem, errors)?;
        match problem {
            None => {
                builder.finish_unit();
                lines.push(line);
                self.counts.decided += 1;
            }
            Some(p) => {
                builder.abandon_unit();
                errors.push(p.into_error(Some(id)));
                self.counts.unit_errors += 1;
            }
        }
        Ok(())
    }

    /// Consumes the member rows of group `id`, adding them to the open unit when `builder` is given
    /// and no problem was found yet.
    fn members_of(
        &mut self,
        id: &str,
        mut builder: Option<&mut BatchBuilder>,
        problem: &mut Option<Problem>,
        errors: &mut Vec<RowError>,
    ) -> Result<(), RegistryError> {
        let plans = &self.member_plans;
        let counts = &mut self.counts;
        match &mut self.members {
            None => Ok(()),
            Some(Members::Index { index, file }) => {
                for r in index.take(id) {
                    if let (Some(b), None) = (builder.as_deref_mut(), problem.as_ref()) {
                        *problem = add_member(b, &index.row(r), file, plans).err();
                    }
                }
                Ok(())
            }
            Some(Members::Stream {
                rows,
                loaded,
                ended,
                last_gid,
            }) => {
                let file = Arc::clone(rows.file());
                loop {
                    let order = if *loaded {
                        compare_ids(last_gid, id)
                    } else {
                        if *ended || !rows.advance()? {
                            *ended = true;
                            return Ok(());
                        }
                        *loaded = true;
                        counts.member_rows += 1;
                        let gid = match rows.cell(M_GID) {
                            Ok(Some(g)) => g,
                            _ => {
                                if let Some(e) = no_group_id(&**rows, &file) {
                                    errors.push(e);
                                }
                                counts.row_errors += 1;
                                *loaded = false;
                                continue;
                            }
                        };
                        if same_text(gid, id) {
                            // The common case, in one comparison: a member of this unit. The
                            // order holds, as `last_gid` <= `id` here (unit ids never decrease,
                            // and a row past `id` ends the loop before another is read).
                            if !same_text(last_gid, gid) {
                                last_gid.clear();
                                last_gid.push_str(gid);
                            }
                            Ordering::Equal
                        } else {
                            match compare_ids(gid, last_gid) {
                                Ordering::Less => {
                                    return Err(RegistryError::NotSorted {
                                        path: file.to_string().into(),
                                        line: rows.line(),
                                        what: "group id",
                                    });
                                }
                                // Equal only for the same bytes: the id is already there.
                                Ordering::Equal => {}
                                Ordering::Greater => {
                                    last_gid.clear();
                                    last_gid.push_str(gid);
                                }
                            }
                            compare_ids(last_gid, id)
                        }
                    };
                    match order {
                        Ordering::Greater => return Ok(()),
                        Ordering::Less => {
                            errors.push(orphan(&**rows, &file, last_gid));
                            counts.row_errors += 1;
                        }
                        Ordering::Equal => {
                            if let (Some(b), None) = (builder.as_deref_mut(), problem.as_ref()) {
                                *problem = add_member(b, &**rows, &file, plans).err();
                            }
                        }
                    }
                    *loaded = false;
                }
            }
        }
    }

    /// After the last unit: every member row left is a member of a group that does not exist.
    fn finish_members(&mut self, errors: &mut Vec<RowError>) -> Result<(), RegistryError> {
        match &mut self.members {
            None => {}
            Some(Members::Index { index, file }) => {
                for r in index.unclaimed() {
                    let row = index.row(r);
                    if let Ok(Some(gid)) = row.cell(M_GID) {
                        errors.push(orphan(&row, file, gid));
                        self.counts.row_errors += 1;
                    }
                }
            }
            Some(Members::Stream {
                rows,
                loaded,
                ended,
                last_gid,
            }) => {
                let file = Arc::clone(rows.file());
                loop {
                    let fresh = !*loaded;
                    if fresh {
                        if *ended || !rows.advance()? {
                            *ended = true;
                            break;
                        }
                        self.counts.member_rows += 1;
                    }
                    *loaded = false;
                    match rows.cell(M_GID) {
                        Ok(Some(gid)) => {
                            // A row out of order may belong to a group read long ago.
                            if fresh && compare_ids(gid, last_gid).is_lt() {
                                return Err(RegistryError::NotSorted {
                                    path: file.to_string().into(),
                                    line: rows.line(),
                                    what: "group id",
                                });
                            }
                            last_gid.clear();
                            last_gid.push_str(gid);
                            errors.push(orphan(&**rows, &file, gid));
                        }
                        _ => errors.extend(no_group_id(&**rows, &file)),
                    }
                    self.counts.row_errors += 1;
                }
            }
        }
        Ok(())
    }
}

fn no_group_id<C: Cells + ?Sized>(row: &C, file: &Arc<str>) -> Option<RowError> {
    match row.cell(M_GID) {
        Ok(Some(_)) => None,
        _ => Some(
            RowError::row(
                file,
                row.line(),
                codes::NO_ID,
                "the member row has no group id",
            )
            .at_column("group_id")
            .of_member(trusted(row, row.cell(M_ID).ok().flatten())),
        ),
    }
}

fn orphan<C: Cells + ?Sized>(row: &C, file: &Arc<str>, gid: &str) -> RowError {
    let message = match trusted(row, Some(gid)) {
        Some(gid) => format!("the member's group `{gid}` is not in the groups file"),
        None => "the member's group is not in the groups file".to_string(),
    };
    RowError::row(file, row.line(), codes::UNKNOWN_GROUP, message)
        .at_column("group_id")
        .of_member(trusted(row, row.cell(M_ID).ok().flatten()))
}

/// An identifier read from `row`, unless the row is malformed and the identifier holds more than
/// one cell's worth (see [`plausible_id`]).
fn trusted<'a, C: Cells + ?Sized>(row: &C, id: Option<&'a str>) -> Option<&'a str> {
    id.filter(|i| plausible_id(i) || row.problem().is_none())
}

fn membership_date<C: Cells + ?Sized>(
    row: &C,
    file: &Arc<str>,
    k: usize,
    column: &str,
) -> Result<Option<chrono::NaiveDate>, Problem> {
    match row.cell(k) {
        Ok(None) => Ok(None),
        Ok(Some(t)) => crate::bind::parse_date(t).map(Some).ok_or_else(|| {
            Problem::at(
                file,
                row.line(),
                Some(column),
                codes::BAD_MEMBERSHIP_DATE,
                "expected a date in ISO 8601 form, such as 2026-03-01",
            )
        }),
        Err(b) => Err(Problem::at(
            file,
            row.line(),
            Some(column),
            b.code,
            b.reason,
        )),
    }
}

/// Adds one member row to the open unit.
fn add_member<C: Cells + ?Sized>(
    builder: &mut BatchBuilder,
    row: &C,
    file: &Arc<str>,
    plans: &[Plan],
) -> Result<(), Problem> {
    let member_id = row.cell(M_ID).ok().flatten();
    let with_member = |mut p: Problem| {
        p.member = member_id.map(str::to_string);
        p
    };
    if let Some(p) = row.problem() {
        return Err(with_member(Problem::at(
            file,
            row.line(),
            None,
            codes::MALFORMED_ROW,
            p,
        )));
    }
    let id = match row.cell(M_ID) {
        Ok(Some(id)) => id,
        Ok(None) => {
            return Err(Problem::at(
                file,
                row.line(),
                Some("id"),
                codes::NO_ID,
                "the member row has no id",
            ))
        }
        Err(BadCell { code, reason }) => {
            return Err(Problem::at(file, row.line(), Some("id"), code, reason))
        }
    };
    let kinds_cell = row.cell(M_KIND).map_err(|b| {
        with_member(Problem::at(
            file,
            row.line(),
            Some("kind"),
            b.code,
            b.reason,
        ))
    })?;
    let start = membership_date(row, file, M_START, "start_date").map_err(with_member)?;
    let end = membership_date(row, file, M_END, "end_date").map_err(with_member)?;
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            return Err(with_member(Problem::at(
                file,
                row.line(),
                Some("end_date"),
                codes::BAD_MEMBERSHIP_DATE,
                "the membership ends before it starts",
            )));
        }
    }
    let added = match kinds_cell {
        None => builder.add_member(id, &[], start, end),
        Some(k) if !k.contains([';', '|', ',']) => builder.add_member(id, &[k], start, end),
        Some(k) => builder.add_member(id, &split_kinds(k).collect::<Vec<_>>(), start, end),
    };
    added.map_err(|e| {
        let code = if matches!(e, EvalError::TooManyMembers { .. }) {
            codes::TOO_MANY_MEMBERS
        } else {
            codes::BAD_VALUE
        };
        with_member(Problem::at(file, row.line(), None, code, e.to_string()))
    })?;
    bind_inputs(builder, row, file, plans, true).map_err(with_member)
}

impl RegistrySource for FileSource {
    fn describe(&self) -> String {
        self.describe.clone()
    }

    fn unit_file(&self) -> Arc<str> {
        Arc::clone(self.units.file())
    }

    fn next_chunk(&mut self, max_units: usize) -> Result<Option<Chunk>, RegistryError> {
        if self.done {
            return Ok(None);
        }
        let mut builder = self.program.batch_builder();
        let max_units = max_units.max(1);
        if let Some(shape) = self.shape {
            builder.reserve(shape.scaled_to(max_units));
        }
        let mut lines = Vec::with_capacity(if self.shape.is_some() { max_units } else { 0 });
        let mut errors = std::mem::take(&mut self.pending);
        let mut rows = 0usize;
        while rows < max_units {
            if !self.next_unit(&mut builder, &mut lines, &mut errors)? {
                self.finish_members(&mut errors)?;
                self.done = true;
                break;
            }
            rows += 1;
        }
        if self.done && rows == 0 && errors.is_empty() {
            return Ok(None);
        }
        let batch = builder.finish();
        if rows == max_units {
            self.shape = Some(batch.shape());
        }
        Ok(Some(Chunk {
            batch,
            lines,
            errors,
        }))
    }

    fn counts(&self) -> ReadCounts {
        self.counts
    }

    fn progress(&self) -> Option<Progress> {
        let (done, total) = self.units.position();
        Some(Progress { done, total })
    }
}
