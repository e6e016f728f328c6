//! One row's cells into a unit or a member: the columns a file is read for, the binding of a
//! row's inputs, and the errors a row can have.

use super::super::advice;
use super::super::rows::{BadCell, Cells, RowStream, Separator, Wanted};
use super::seen::SeenMembers;
use crate::bind::{
    check_currency, set_member_cell, set_unit_cell, split_kinds, InputColumn, ProgramColumns,
};
use crate::error::codes;
use crate::reason::Reason;
use crate::record::RowError;
use crate::source::AbsentInput;
use entitle_core::{BatchBuilder, EvalError, Program};
use entitle_dsl::ast::Scope;
use std::sync::Arc;

/// Wanted column numbers of the members file.
const M_ID: usize = 0;
pub(super) const M_GID: usize = 1;
const M_KIND: usize = 2;
const M_START: usize = 3;
const M_END: usize = 4;

/// An input with the wanted column numbers of its cell and, for money, of its currency columns.
pub(super) struct Plan {
    input: InputColumn,
    cell: usize,
    currency: Vec<usize>,
    /// How the input's file separates its cells (see [`advice`]).
    separator: Separator,
}

/// The inputs of `plans` with a default that `rows` lacks a column for (`member`: read from a
/// members file), with the program's default as it writes it; `None` while `rows` cannot tell.
pub(super) fn absent_inputs(
    program: &Program,
    plans: &[Plan],
    rows: &dyn RowStream,
    member: bool,
) -> Option<Vec<AbsentInput>> {
    let absent = rows.absent()?;
    let found = plans
        .iter()
        .filter_map(|p| {
            let a = absent.iter().find(|a| a.wanted == p.cell)?;
            let input = program.ir().inputs.iter().find(|i| {
                i.name == p.input.name
                    && (i.scope == Scope::Member) == member
                    && i.default.is_some()
            })?;
            Some(AbsentInput {
                file: a
                    .table
                    .map_or_else(|| rows.file().to_string(), str::to_string),
                input: p.input.name.clone(),
                member,
                default: input.default.as_ref()?.to_string(),
                closest: a.closest.clone(),
            })
        })
        .collect();
    Some(found)
}

/// Sets the separator of the file that `plans` read.
pub(super) fn read_with(plans: &mut [Plan], separator: Separator) {
    for p in plans {
        p.separator = separator;
    }
}

/// The wanted columns of a file: structural ones first, then one per input, then currency columns.
pub(super) fn plan(first: Vec<Wanted>, inputs: &[InputColumn]) -> (Vec<Wanted>, Vec<Plan>) {
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
            separator: Separator::Other,
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

pub(super) fn member_structure() -> Vec<Wanted> {
    vec![
        Wanted::required(&["id", "member_id"]),
        Wanted::required(&["group_id", "group"]),
        Wanted::optional(&["kind", "kinds"]),
        Wanted::optional(&["start_date"]),
        Wanted::optional(&["end_date"]),
    ]
}

/// What went wrong with a unit, before it becomes a [`RowError`].
pub(super) struct Problem {
    file: Arc<str>,
    line: u64,
    column: Option<String>,
    member: Option<String>,
    code: &'static str,
    /// Boxed: a problem is the error of every row's result, and is kept small.
    reason: Box<Reason>,
}

impl Problem {
    pub(super) fn at(
        file: &Arc<str>,
        line: u64,
        column: Option<&str>,
        code: &'static str,
        reason: impl Into<Reason>,
    ) -> Problem {
        Problem {
            file: Arc::clone(file),
            line,
            column: column.map(str::to_string),
            member: None,
            code,
            reason: Box::new(reason.into()),
        }
    }

    pub(super) fn into_error(self, unit_id: Option<&str>) -> RowError {
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
            message: self.reason.english(),
            reason: *self.reason,
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
pub(super) fn bind_inputs<C: Cells + ?Sized>(
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
            Err(b) => {
                return Err(Problem::at(
                    file,
                    row.line(),
                    Some(name),
                    b.code,
                    b.reason(),
                ))
            }
        };
        for k in &p.currency {
            if let Ok(Some(code)) = row.cell(*k) {
                check_currency(&p.input, code)
                    .map_err(|e| Problem::at(file, row.line(), Some(name), e.code, e.reason))?;
                break;
            }
        }
        if advice::ambiguous(&p.input.ty, text, p.separator) {
            return Err(Problem::at(
                file,
                row.line(),
                Some(name),
                codes::AMBIGUOUS_NUMBER,
                Reason::key("G0111"),
            ));
        }
        let set = if member {
            set_member_cell(builder, &p.input, text)
        } else {
            set_unit_cell(builder, &p.input, text)
        };
        set.map_err(|e| {
            // The parser says what it expected; the cell's shape may say what the export did.
            let reason = match e.code {
                codes::BAD_VALUE => advice::for_cell(&p.input.ty, text, p.separator),
                _ => None,
            };
            Problem::at(
                file,
                row.line(),
                Some(name),
                e.code,
                reason.unwrap_or(e.reason),
            )
        })?;
    }
    Ok(())
}

pub(super) fn no_group_id<C: Cells + ?Sized>(row: &C, file: &Arc<str>) -> Option<RowError> {
    let member = trusted(row, row.cell(M_ID).ok().flatten());
    // A row that is not a row (a broken JSON line, a stray quote) says so, and a group id that is
    // there but unreadable says why, rather than "no group id".
    let error = match (row.problem(), row.cell(M_GID)) {
        (_, Ok(Some(_))) => return None,
        (Some(p), _) => RowError::row(file, row.line(), codes::MALFORMED_ROW, p),
        (None, Err(b)) => RowError::row(file, row.line(), b.code, b.reason()).at_column("group_id"),
        (None, Ok(None)) => RowError::row(
            file,
            row.line(),
            codes::NO_ID,
            Reason::key("G0105.member_group"),
        )
        .at_column("group_id"),
    };
    Some(error.of_member(member))
}

pub(super) fn orphan<C: Cells + ?Sized>(row: &C, file: &Arc<str>, gid: &str) -> RowError {
    let message = match trusted(row, Some(gid)) {
        Some(gid) => Reason::with("G0107.group", &[("group", gid)]),
        None => Reason::key("G0107"),
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
                advice::for_date(t).unwrap_or_else(|| {
                    Reason::Worded(entitle_core::parse::date_problem(t).to_string())
                }),
            )
        }),
        Err(b) => Err(Problem::at(
            file,
            row.line(),
            Some(column),
            b.code,
            b.reason(),
        )),
    }
}

/// Adds one member row to the open unit, whose members so far are `seen`.
///
/// The same member twice in one group over the same days (a join that doubled rows) would be
/// counted twice: the unit is an error (G0106). Disjoint periods (left and came back) are kept.
pub(super) fn add_member<C: Cells + ?Sized>(
    builder: &mut BatchBuilder,
    row: &C,
    file: &Arc<str>,
    plans: &[Plan],
    seen: Option<&mut SeenMembers>,
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
                Reason::key("G0105.member"),
            ))
        }
        Err(b @ BadCell { code, .. }) => {
            return Err(Problem::at(file, row.line(), Some("id"), code, b.reason()))
        }
    };
    let kinds_cell = row.cell(M_KIND).map_err(|b| {
        with_member(Problem::at(
            file,
            row.line(),
            Some("kind"),
            b.code,
            b.reason(),
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
                Reason::key("G0108.ends_before"),
            )));
        }
    }
    if let Some(seen) = seen {
        if let Err(first) = seen.add(id, row.line(), start, end) {
            return Err(with_member(Problem::at(
                file,
                row.line(),
                Some("id"),
                codes::DUPLICATE_ID,
                Reason::with("G0106.member", &[("first", &first.to_string())]),
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
        with_member(Problem::at(file, row.line(), None, code, Reason::from(e)))
    })?;
    bind_inputs(builder, row, file, plans, true).map_err(with_member)
}
