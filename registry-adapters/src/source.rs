//! The source abstraction: anything that yields a program's units in chunks.
//!
//! A source is opened for one compiled [`Program`] (so it knows which columns to read and where
//! each goes) and then hands out [`Chunk`]s: a [`Batch`] of units ready for
//! [`Program::run`](entitle_core::Program::run), the line each unit came from, and the
//! [`RowError`]s of rows that yield no decision. Callers loop until `None`:
//!
//! ```no_run
//! # use entitle_registry::{open_files, RegistrySource, SourceOptions};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let program = entitle_core::Program::compile(&std::fs::read_to_string("child_grant.entitle")?)?;
//! let mut source = open_files(std::path::Path::new("registry/"), &program, &SourceOptions::default())?;
//! let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).ok_or("date")?;
//! while let Some(chunk) = source.next_chunk(65_536)? {
//!     let result = program.run(&chunk.batch, as_of, &Default::default());
//!     // … write result.decisions() and chunk.errors
//! #   let _ = result;
//! }
//! # Ok(()) }
//! ```
//!
//! ## Writing a new source
//!
//! A database or API source implements [`RegistrySource`]: build each chunk with
//! `program.batch_builder()`, set cells with [`crate::bind`] (the same typed parsing as the files),
//! and keep the contract:
//!
//! - every unit row read is either in a chunk's batch or in its `errors` with `counts_as_unit`;
//! - rows outside any unit (a membership of a missing group) are `errors` without `counts_as_unit`;
//! - [`RegistrySource::counts`] reconciles: `units = decided + unit errors`.

use crate::error::RegistryError;
use crate::record::RowError;
use entitle_core::Batch;
use std::sync::Arc;

/// A chunk of units read from a source.
#[derive(Debug)]
pub struct Chunk {
    /// The units, bound to the program.
    pub batch: Batch,
    /// For each unit of `batch`, in order, the line (or row number) it was read from in
    /// [`RegistrySource::unit_file`].
    pub lines: Vec<u64>,
    /// Rows read in this chunk that yield no decision.
    pub errors: Vec<RowError>,
    /// For each unit of `batch`, in order: how many of `errors` had been found when it was read
    /// (its own rows' included). A unit's evaluation error belongs after those, so that a run
    /// lists errors in the same order whatever the size of its chunks.
    pub errors_through: Vec<usize>,
}

/// Running counts of what a source has read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadCounts {
    /// Unit rows read (groups or individuals), including those that became errors.
    pub units: u64,
    /// Member rows read.
    pub member_rows: u64,
    /// Units put into batches.
    pub decided: u64,
    /// Unit rows that became errors instead.
    pub unit_errors: u64,
    /// Rows outside any unit that became errors.
    pub row_errors: u64,
}

/// An input with a default that the registry has no column for: every unit (or member) read
/// takes the program's default. Worth saying before any figure: a column named `disabeld` leaves
/// `disabled` at its default for everyone, and the run's totals are wrong without an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AbsentInput {
    /// The file (or imported file) read without it, as error records name it.
    pub file: String,
    /// The input.
    pub input: String,
    /// Whether it is a member input (read from the members file).
    pub member: bool,
    /// The default every unit or member takes, as the program writes it.
    pub default: String,
    /// A column of the file with a close name that nothing reads, when there is one.
    pub closest: Option<String>,
}

/// How far a source has got, for progress bars.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Work done (bytes, rows …).
    pub done: u64,
    /// Work in all, when known.
    pub total: Option<u64>,
}

/// How members are matched to their groups.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum JoinMode {
    /// Stream both files as sorted by (group) id, and stop with [`RegistryError::NotSorted`] at the
    /// first row out of order (callers may then start again with [`JoinMode::Indexed`]).
    #[default]
    Sorted,
    /// Read the members into an in-memory index first: any order works, at the cost of memory in
    /// proportion to the members file.
    Indexed,
}

/// Options for opening a source.
#[derive(Clone, Debug, Default)]
pub struct SourceOptions {
    /// How members are matched to groups.
    pub join: JoinMode,
    /// Read only this unit (others are skipped without being parsed; they are still counted).
    pub only_unit: Option<String>,
    /// A members file to use instead of the one found beside the groups file.
    pub members: Option<std::path::PathBuf>,
}

/// Anything that yields a program's units in chunks (CSV or JSONL files, a database, an API).
pub trait RegistrySource: Send {
    /// Where the units come from, for summaries (`examples/registry (groups.csv, members.csv)`).
    fn describe(&self) -> String;

    /// The name used for unit rows in error records (`groups.csv`, `res_partner`).
    fn unit_file(&self) -> Arc<str>;

    /// Reads up to `max_units` more units. `Ok(None)` once everything has been read (a final chunk
    /// may hold only errors).
    ///
    /// # Errors
    /// A [`RegistryError`] when the source cannot be read further; what was read before stays valid.
    fn next_chunk(&mut self, max_units: usize) -> Result<Option<Chunk>, RegistryError>;

    /// What has been read so far.
    fn counts(&self) -> ReadCounts;

    /// How far reading has got, when the source can tell.
    fn progress(&self) -> Option<Progress> {
        None
    }

    /// The inputs with a default that the registry has no column for: for files with a header
    /// (CSV, Parquet), a store or a database, known when it is opened; for JSON Lines, whose rows
    /// each have their own keys, the keys no row had, known once the file is read to its end (a
    /// members file read into memory first: when the source is opened). Before then, none.
    fn absent_inputs(&self) -> Vec<AbsentInput> {
        Vec::new()
    }
}
