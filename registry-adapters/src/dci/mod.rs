//! DCI social-registry search responses as a registry, and DCI search requests for a program
//! (feature `dci`, on by default).
//!
//! A response (`POST /registry/on-search`, or the body of `/registry/sync/search`) holds records in
//! `message.search_response[].data.reg_records`. For a household program each record is a group:
//! one unit, with a member per entry of `member_list`; for an individual program each record is a
//! person (`response_entity: Member`). A file of another kind is refused
//! ([`RegistryError::NotDci`], G0013); a record of the wrong kind, or one that is not an object,
//! becomes an error record.
//!
//! ## How fields become inputs
//!
//! Inputs are looked up by name among a record's fields: first a field named by the [`Mapping`]
//! (`--map birthdate=demographic_info.birth_date`), then the field of the input's own name, then
//! an alias below. Nested objects are reachable by dotted names (`place.geo.latitude`),
//! identifier lists by type (`identifier.UIN`), and `additional_attributes` by attribute name.
//! Dates written as date-times keep their date; values written as strings are read by the input's
//! type, as in CSV files (`"group_size": "4"` is a number; `"is_disabled": "0"` is false; a value
//! the type does not accept, such as `"is_disabled": "2"`, is an error record, never a guess).
//!
//! | input | DCI field (after the input's own name) |
//! | --- | --- |
//! | unit `id` | `group_identifier` (the first `identifier_value`), else `@id`; persons: `member_identifier`, `identifier`, `demographic_info.identifier`, `@id` |
//! | member `id` | as persons, else `#n` (its place in `member_list`) |
//! | member `kind` | `head` for the member matching `group_head_info` or with `relationship_head: "self"`; else the relationship's value |
//! | `birthdate` | `birth_date` (in `demographic_info`) |
//! | `gender` | `sex` |
//! | `disabled` | `is_disabled` |
//! | `household_size` | `group_size` |
//!
//! Members have no membership dates in DCI: every listed member counts. A head given only in
//! `group_head_info` (matching no listed member) is added as a member of kind `head`.
//!
//! Error records name the file and the record's number in it (from 1, across every
//! `search_response` item); for a directory of pages, the directory and the record's number counted
//! across its pages in name order. A record without any identifier is named `#n` by its number.
//!
//! ```
//! use entitle_registry::dci::open_dci;
//! use entitle_registry::RegistrySource;
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("on-search.json");
//! std::fs::write(&path, r#"{"header": {"action": "on-search"}, "message": {"search_response": [
//!   {"status": "succ", "data": {"reg_records": [
//!     {"group_identifier": [{"identifier_type": "HHID", "identifier_value": "G1"}],
//!      "additional_attributes": [{"name": "region", "value": "North"}, {"name": "monthly_income", "value": "5000"}],
//!      "member_list": [
//!        {"household_member": {"member_identifier": "M1", "relationship_head": "self",
//!          "demographic_info": {"person": {"birth_date": "1990-01-01T00:00:00Z"}}}},
//!        {"member_identifier": "M2", "demographic_info": {"birth_date": "2020-05-01"}, "is_disabled": "0"}]}]}}]}}"#)?;
//! let program = entitle_core::Program::compile(include_str!("../../../examples/programs/child_grant.entitle"))?;
//! let mut source = open_dci(&path, &program, &Default::default(), &Default::default())?;
//! let chunk = source.next_chunk(100)?.expect("a chunk");
//! let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date");
//! let result = program.run(&chunk.batch, as_of, &Default::default());
//! assert_eq!(result.cash_total(0).map(|d| d.to_string()).as_deref(), Some("2000"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod memory;
pub mod request;
mod response;

pub use request::{search_request, Condition, Operator, SearchOptions};

use crate::bind::ProgramColumns;
use crate::error::RegistryError;
use crate::files::assemble::{wanted, FileSource};
use crate::files::rows::RowStream;
use crate::mapping::Mapping;
use crate::source::{JoinMode, RegistrySource, SourceOptions};
use entitle_core::Program;
use entitle_dsl::ast::Target;
use memory::MemRows;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Default DCI fields for input names, after the input's own name.
pub const ALIASES: &[(&str, &str)] = &[
    ("birthdate", "birth_date"),
    ("gender", "sex"),
    ("disabled", "is_disabled"),
    ("household_size", "group_size"),
];

/// The DCI field names tried for an input, after a mapped field: its own name, then its alias.
pub(crate) fn fields_for(input: &str) -> impl Iterator<Item = &'static str> + '_ {
    ALIASES
        .iter()
        .filter(move |(i, _)| *i == input)
        .map(|(_, f)| *f)
}

/// The response files of `path`: the file itself, or every `.json` file of a directory in name
/// order (one file per page of results).
fn files(path: &Path) -> Result<Vec<PathBuf>, RegistryError> {
    let meta = std::fs::metadata(path).map_err(|e| RegistryError::io("open", path, e))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| RegistryError::io("read", path, e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        })
        .collect();
    out.sort();
    if out.is_empty() {
        return Err(RegistryError::NotFound {
            path: path.to_path_buf(),
            reason: crate::reason::Reason::key("G0002.dci"),
        });
    }
    Ok(out)
}

/// Opens DCI search responses (a file, or a directory of `.json` pages) for `program`.
///
/// Units come in the order of the records; members are matched to their group in memory (the
/// whole response is held in memory, as it is one JSON document).
///
/// Records differ in the fields they hold, so a missing field is not checked up front: it leaves
/// that unit's input unknown (its decision then says which inputs were missing). An input with a
/// default that no record has a field for is named by `absent_inputs`.
///
/// # Errors
/// G0001 when a file cannot be read; G0013 when a file is not a search response; G0008 when the
/// registry rejected the search; G0015 when the mapping names an input the program lacks.
pub fn open_dci(
    path: &Path,
    program: &Program,
    options: &SourceOptions,
    mapping: &Mapping,
) -> Result<Box<dyn RegistrySource>, RegistryError> {
    mapping.check(program)?;
    let household = program.target() == Target::Household;
    let files = files(path)?;
    // One file: its own name and record numbers. A directory: its name, and records numbered across
    // its pages in name order (member rows are matched in memory, under one name).
    let display: Arc<str> = Arc::from(path.display().to_string());
    let mut rows = response::Rows::default();
    let mut next = 1u64;
    for f in &files {
        next = response::read(f, &display, household, next, mapping.id_column(), &mut rows)?;
    }
    let (units, members) = (rows.units, rows.members);
    let cols = ProgramColumns::for_program(program);
    let (unit_wanted, member_wanted) = wanted(&cols, household);
    let more = |name: &str| -> Vec<String> {
        mapping
            .column(name)
            .filter(|_| name != crate::mapping::ID_KEY)
            .map(str::to_string)
            .into_iter()
            .chain(std::iter::once(name.to_string()))
            .chain(fields_for(name).map(str::to_string))
            .collect()
    };
    let unit_rows = MemRows::new(units, Arc::clone(&display), &unit_wanted, &more);
    let member_rows: Option<Box<dyn RowStream>> = household.then(|| {
        Box::new(MemRows::new(
            members,
            Arc::clone(&display),
            &member_wanted,
            &more,
        )) as Box<dyn RowStream>
    });
    let describe = if files.len() == 1 {
        format!("{} (DCI search response)", path.display())
    } else {
        format!("{} ({} DCI search responses)", path.display(), files.len())
    };
    let source = FileSource::new(
        program,
        describe,
        Box::new(unit_rows),
        member_rows,
        JoinMode::Indexed,
        options.only_unit.clone(),
    )?
    .member_ids_may_repeat();
    Ok(Box::new(source))
}
