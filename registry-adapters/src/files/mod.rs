//! Registry files: CSV, TSV, JSON Lines and Parquet, the embedded default.
//!
//! A household program reads two files, a groups file and a members file:
//!
//! ```text
//! groups.csv   id,region,monthly_income,…                        one row per group (household)
//! members.csv  id,group_id,kind,start_date,end_date,birthdate,…   one row per membership
//! ```
//!
//! An individual program reads one file with `id` and the person's inputs. Given a directory,
//! [`open_files`] looks for `groups.*` (or `households.*`) and `members.*` for household programs,
//! and for `individuals.*`, `persons.*` or else `members.*` for individual programs, where `*` is
//! `csv`, `tsv`, `jsonl`, `ndjson` or `parquet`, in that order of preference. Given a file, it
//! reads that file (and, for households, the `members.*` file beside it unless
//! [`SourceOptions::members`] names one).
//!
//! Parquet files (cargo feature `parquet`; the `parquet` module says more) are read by column:
//! only the columns the program uses are decoded, each cell becomes the text a CSV file would hold
//! (a DECIMAL `1500.50`, a DATE `2020-05-01`), and a row's "line" is its row number, from 1.
//!
//! Columns map to inputs by name, and only the columns of inputs the program uses are read. A
//! money input may have a currency column (`monthly_income_currency`, or `currency` for every
//! amount of the row); the membership `kind` may hold several kinds separated by `;`.
//! `start_date` and `end_date` bound the membership (the end date is the first day it no longer
//! counts).

mod advice;
pub(crate) mod assemble;
#[cfg(feature = "csv")]
pub(crate) mod csv;
mod index;
#[cfg(feature = "jsonl")]
mod jsonl;
pub mod lookup;
#[cfg(feature = "parquet")]
pub mod parquet;
mod prefetch;
#[cfg(feature = "csv")]
mod quotes;
pub(crate) mod rows;
#[cfg(any(feature = "csv", feature = "jsonl"))]
pub(crate) mod sniff;
#[cfg(any(feature = "csv", feature = "jsonl"))]
pub use sniff::field_delimiter;

use crate::bind::ProgramColumns;
use crate::error::RegistryError;
use crate::reason::Reason;
use crate::source::{RegistrySource, SourceOptions};
use entitle_core::Program;
use entitle_dsl::ast::Target;
use rows::{RowStream, Wanted};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// File extensions read, in order of preference. A build without a format's cargo feature still
/// finds its files, and says it cannot read them (G0008).
pub const EXTENSIONS: &[&str] = &["csv", "tsv", "jsonl", "ndjson", "parquet"];

/// The files a registry directory or path resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryFiles {
    /// The groups file (household programs) or the individuals file.
    pub units: PathBuf,
    /// The members file (household programs).
    pub members: Option<PathBuf>,
}

fn find(dir: &Path, stems: &[&str]) -> Option<PathBuf> {
    stems
        .iter()
        .flat_map(|s| EXTENSIONS.iter().map(move |e| dir.join(format!("{s}.{e}"))))
        .find(|p| p.is_file())
}

/// The CSV names of `stems` (the catalogue's entry adds the other extensions).
fn names(stems: &[&str]) -> String {
    let list: Vec<String> = stems.iter().map(|s| format!("{s}.csv")).collect();
    list.join(", ")
}

/// Finds the files of a registry for a program that targets `target`.
///
/// # Errors
/// [`RegistryError::Io`] (G0001) when `path` does not exist; [`RegistryError::NotFound`] (G0002)
/// when a directory lacks the files.
pub fn discover(
    path: &Path,
    target: Target,
    members: Option<&Path>,
) -> Result<RegistryFiles, RegistryError> {
    let meta = std::fs::metadata(path).map_err(|e| RegistryError::io("open", path, e))?;
    for file in [Some(path).filter(|_| !meta.is_dir()), members]
        .into_iter()
        .flatten()
    {
        let ext = file
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !EXTENSIONS.contains(&ext.as_str()) {
            let expected = EXTENSIONS
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join(", ");
            let file = file.display().to_string();
            return Err(RegistryError::Unsupported {
                reason: Reason::with(
                    "G0008.kind_of_file",
                    &[("file", &file), ("extensions", &expected)],
                ),
            });
        }
    }
    const GROUPS: &[&str] = &["groups", "households"];
    const MEMBERS: &[&str] = &["members", "memberships"];
    const PEOPLE: &[&str] = &["individuals", "persons", "people", "members"];
    let not_found = |key: &'static str, stems: &[&str]| RegistryError::NotFound {
        path: path.to_path_buf(),
        reason: Reason::with(key, &[("names", &names(stems))]),
    };
    match (target, meta.is_dir()) {
        (Target::Individual, true) => Ok(RegistryFiles {
            units: find(path, PEOPLE).ok_or_else(|| not_found("G0002.individuals", PEOPLE))?,
            members: None,
        }),
        (Target::Individual, false) => Ok(RegistryFiles {
            units: path.to_path_buf(),
            members: None,
        }),
        (Target::Household, dir) => {
            let units = if dir {
                find(path, GROUPS).ok_or_else(|| not_found("G0002.groups", GROUPS))?
            } else {
                path.to_path_buf()
            };
            let members = match members {
                Some(m) => m.to_path_buf(),
                None => {
                    let base = if dir {
                        path
                    } else {
                        path.parent().unwrap_or(Path::new("."))
                    };
                    find(base, MEMBERS).ok_or_else(|| RegistryError::NotFound {
                        path: base.to_path_buf(),
                        reason: Reason::with("G0002.members", &[("names", &names(MEMBERS))]),
                    })?
                }
            };
            Ok(RegistryFiles {
                units,
                members: Some(members),
            })
        }
    }
}

// A build without any file format (`--no-default-features`) reads none, and uses neither argument.
#[cfg_attr(
    not(any(feature = "csv", feature = "jsonl", feature = "parquet")),
    allow(unused_variables)
)]
pub(crate) fn open_stream(
    path: &Path,
    wanted: &[Wanted],
) -> Result<Box<dyn RowStream>, RegistryError> {
    let display: Arc<str> = Arc::from(path.display().to_string());
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        #[cfg(feature = "csv")]
        "csv" | "tsv" => Ok(Box::new(csv::CsvRows::open(path, display, wanted)?)),
        #[cfg(feature = "jsonl")]
        "jsonl" | "ndjson" | "json" => Ok(Box::new(jsonl::JsonlRows::open(path, display, wanted)?)),
        #[cfg(feature = "parquet")]
        "parquet" => Ok(Box::new(parquet::ParquetRows::open(path, display, wanted)?)),
        _ => Err(RegistryError::Unsupported {
            reason: Reason::with(
                "G0008.this_build",
                &[
                    ("file", &path.display().to_string()),
                    ("extensions", &supported().join(", ")),
                ],
            ),
        }),
    }
}

/// The file extensions this build reads.
fn supported() -> Vec<&'static str> {
    let mut v = Vec::new();
    if cfg!(feature = "csv") {
        v.extend([".csv", ".tsv"]);
    }
    if cfg!(feature = "jsonl") {
        v.extend([".jsonl", ".ndjson"]);
    }
    if cfg!(feature = "parquet") {
        v.push(".parquet");
    }
    v
}

/// Opens a registry of files for `program`: finds the files ([`discover`]), reads their headers
/// and checks that every column the program needs is there.
///
/// # Errors
/// Any stopping [`RegistryError`]: a missing or unreadable file (G0001, G0002), no header (G0003),
/// missing or duplicate columns (G0004, G0005), a file this build cannot read or a Parquet column of
/// a type that cannot be read (G0008), a file that is not Parquet (G0006); with
/// [`JoinMode::Indexed`](crate::JoinMode), anything reading the whole members file runs into.
pub fn open_files(
    path: &Path,
    program: &Program,
    options: &SourceOptions,
) -> Result<Box<dyn RegistrySource>, RegistryError> {
    let files = discover(path, program.target(), options.members.as_deref())?;
    open_registry_files(&files, &path.display().to_string(), program, options)
}

/// Opens explicitly named files; `describe` says where they come from in summaries.
///
/// # Errors
/// As [`open_files`].
pub fn open_registry_files(
    files: &RegistryFiles,
    describe: &str,
    program: &Program,
    options: &SourceOptions,
) -> Result<Box<dyn RegistrySource>, RegistryError> {
    let cols = ProgramColumns::for_program(program);
    let household = program.target() == Target::Household;
    let (unit_wanted, member_wanted) = assemble::wanted(&cols, household);
    // Each file is split into rows on its own thread; this thread assembles and binds.
    let units = open_stream(&files.units, &unit_wanted)?;
    let units = prefetch::wrap(units, files.units.clone(), unit_wanted.len());
    let members = match (&files.members, household) {
        (Some(m), true) => Some(prefetch::wrap(
            open_stream(m, &member_wanted)?,
            m.clone(),
            member_wanted.len(),
        )),
        _ => None,
    };
    let file_name = |p: &Path| {
        p.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut parts = vec![file_name(&files.units)];
    parts.extend(
        files
            .members
            .iter()
            .filter(|_| household)
            .map(|m| file_name(m)),
    );
    let describe = format!("{describe} ({})", parts.join(", "));
    let source = assemble::FileSource::new(
        program,
        describe,
        units,
        members,
        options.join,
        options.only_unit.clone(),
    )?;
    Ok(Box::new(source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parquet_files_are_found_after_the_others() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["groups.parquet", "members.parquet", "individuals.parquet"] {
            std::fs::write(dir.path().join(f), b"PAR1").unwrap();
        }
        let found = discover(dir.path(), Target::Household, None).unwrap();
        assert_eq!(
            (
                found.units.file_name(),
                found.members.as_deref().and_then(Path::file_name)
            ),
            (
                Some("groups.parquet".as_ref()),
                Some("members.parquet".as_ref())
            )
        );
        let found = discover(dir.path(), Target::Individual, None).unwrap();
        assert_eq!(
            found.units.file_name(),
            Some("individuals.parquet".as_ref())
        );
        std::fs::write(dir.path().join("groups.csv"), "id\n").unwrap();
        let found = discover(dir.path(), Target::Household, None).unwrap();
        assert_eq!(found.units.file_name(), Some("groups.csv".as_ref()));
    }

    #[cfg(all(feature = "csv", not(feature = "parquet")))]
    #[test]
    fn a_build_without_parquet_says_it_cannot_read_parquet_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("groups.parquet"), b"PAR1").unwrap();
        std::fs::write(dir.path().join("members.parquet"), b"PAR1").unwrap();
        let program = Program::compile(include_str!(
            "../../../examples/programs/child_grant.entitle"
        ))
        .unwrap();
        let e = open_files(dir.path(), &program, &SourceOptions::default())
            .err()
            .unwrap();
        assert_eq!(e.code(), "G0008");
        assert!(
            e.to_string()
                .contains("groups.parquet: cannot read this kind of file; this build reads .csv"),
            "{e}"
        );
        assert!(!e.to_string().contains(".parquet,"), "{e}");
    }
}
