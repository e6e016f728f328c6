//! Units from rows: each group row with its member rows (or each individual row) becomes a unit in
//! a batch, or an error record.
//!
//! Members are matched to groups by a streaming merge-join when both files are sorted by id (what
//! `entitle generate` writes and what most exports give), in constant memory; or through a
//! [`MemberIndex`] when they are not. Either way every row is accounted for: a group row yields a
//! unit or a unit error; a member row belongs to a unit, or is an error record of its own (no
//! group id, or a group that does not exist).

mod row;
mod seen;
mod shared_id;

use super::index::MemberIndex;
use super::rows::{Cells, RowStream, Wanted};
use crate::bind::ProgramColumns;
use crate::error::{codes, RegistryError};
use crate::order::compare_ids;
use crate::reason::Reason;
use crate::record::RowError;
use crate::source::{AbsentInput, Chunk, JoinMode, Progress, ReadCounts, RegistrySource};
use entitle_core::same_text;
use entitle_core::{BatchBuilder, Program, Shape};
pub(crate) use row::wanted;
use row::{
    absent_inputs, add_member, bind_inputs, member_structure, no_group_id, orphan, plan, read_with,
    Plan, Problem, M_GID,
};
use seen::SeenMembers;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

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
    /// The member inputs with a default that an indexed members file has no column for (its
    /// stream is gone once indexed).
    indexed_absent: Option<Vec<AbsentInput>>,
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
    /// The members of the unit being read, to find one given twice; `None` when member ids are
    /// not to be trusted for that (see [`FileSource::member_ids_may_repeat`]).
    unit_members: Option<SeenMembers>,
    /// The line of the last unit row read, when it was decided and its unit is still the last
    /// of the batch being filled (see `shared_id`).
    last_decided: Option<u64>,
    /// A unit row read ahead after a full batch (`Some(true)`), or the end of the file found
    /// there (`Some(false)`): the next batch starts with it.
    held: Option<bool>,
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
        let (_, mut unit_plans) = plan(vec![id], &cols.unit);
        let (member_wanted, mut member_plans) = plan(member_structure(), &cols.member);
        read_with(&mut unit_plans, units.separator());
        if let Some(m) = &members {
            read_with(&mut member_plans, m.separator());
        }
        let mut indexed_absent = None;
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
                // Read to its end: what it lacks is known now, as the stream goes.
                indexed_absent = absent_inputs(program, &member_plans, rows.as_ref(), true);
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
            indexed_absent,
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
            unit_members: Some(SeenMembers::default()),
            last_decided: None,
            held: None,
        })
    }

    /// Lets a member id repeat within a group: a DCI response's identifiers are not keys (the
    /// specification's own example gives two persons one `member_identifier`).
    #[cfg(feature = "dci")]
    pub fn member_ids_may_repeat(mut self) -> FileSource {
        self.unit_members = None;
        self
    }

    /// Reads one unit row; false at the end of the units file.
    fn next_unit(
        &mut self,
        builder: &mut BatchBuilder,
        lines: &mut Vec<u64>,
        errors: &mut Vec<RowError>,
    ) -> Result<bool, RegistryError> {
        let more = match self.held.take() {
            Some(more) => more,
            None => self.units.advance()?,
        };
        if !more {
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
            found => {
                // A row that is not a row (a broken JSON line, a stray quote) says so, and an id
                // that is there but unreadable says why, rather than "no id".
                let error = match (self.units.problem(), found) {
                    (Some(p), _) => RowError::unit(&file, line, None, codes::MALFORMED_ROW, p),
                    (None, Err(b)) => {
                        RowError::unit(&file, line, None, b.code, b.reason()).at_column("id")
                    }
                    (None, Ok(_)) => {
                        RowError::unit(&file, line, None, codes::NO_ID, Reason::key("G0105"))
                            .at_column("id")
                    }
                };
                errors.push(error);
                self.counts.unit_errors += 1;
                self.last_decided = None;
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
        let last_decided = self.last_decided.take();
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
            self.take_back_shared(id, first, last_decided, builder, lines, errors);
            // In sorted mode the first row of this id already took its members.
            errors.push(
                RowError::unit(
                    file,
                    line,
                    Some(id),
                    codes::DUPLICATE_ID,
                    Reason::with("G0106", &[("first", &first.to_string())]),
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
            Some(p) => {
                // A shared id is a problem of the id's cell; a malformed row is of no one cell.
                let code = self.units.problem_code();
                let column = (code == codes::DUPLICATE_ID).then_some("id");
                Some(Problem::at(file, line, column, code, p))
            }
            None => bind_inputs(builder, &*self.units, file, &self.unit_plans, false).err(),
        };
        self.members_of(id, Some(builder), &mut problem, errors)?;
        match problem {
            None => {
                builder.finish_unit();
                lines.push(line);
                self.counts.decided += 1;
                self.last_decided = Some(line);
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
        let mut seen = self.unit_members.as_mut();
        if let Some(s) = seen.as_deref_mut() {
            s.clear();
        }
        match &mut self.members {
            None => Ok(()),
            Some(Members::Index { index, file }) => {
                for r in index.take(id) {
                    if let (Some(b), None) = (builder.as_deref_mut(), problem.as_ref()) {
                        *problem =
                            add_member(b, &index.row(r), file, plans, seen.as_deref_mut()).err();
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
                                *problem =
                                    add_member(b, &**rows, &file, plans, seen.as_deref_mut()).err();
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

impl RegistrySource for FileSource {
    fn describe(&self) -> String {
        self.describe.clone()
    }

    fn unit_file(&self) -> Arc<str> {
        Arc::clone(self.units.file())
    }

    fn absent_inputs(&self) -> Vec<AbsentInput> {
        let mut absent = absent_inputs(&self.program, &self.unit_plans, self.units.as_ref(), false)
            .unwrap_or_default();
        let members = match &self.members {
            Some(Members::Stream { rows, .. }) => {
                absent_inputs(&self.program, &self.member_plans, rows.as_ref(), true)
            }
            Some(Members::Index { .. }) => self.indexed_absent.clone(),
            None => None,
        };
        absent.extend(members.unwrap_or_default());
        absent
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
        let mut errors_through = Vec::with_capacity(lines.capacity());
        let mut rows = 0usize;
        // A new batch: the last one's units cannot be taken back.
        self.last_decided = None;
        while rows < max_units {
            let units = lines.len();
            if !self.next_unit(&mut builder, &mut lines, &mut errors)? {
                self.finish_members(&mut errors)?;
                self.done = true;
                break;
            }
            // A call reads one unit row: into the batch, or into `errors`; a row that shares the
            // batch's last id takes that unit back.
            if lines.len() > units {
                errors_through.push(errors.len());
            }
            errors_through.truncate(lines.len());
            rows += 1;
        }
        if rows == max_units {
            self.look_ahead(&mut builder, &mut lines, &mut errors)?;
            errors_through.truncate(lines.len());
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
            errors_through,
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
