//! `--registry` beyond files (`sqlite:PATH`, `postgres://…`, `dci:PATH`), `--map`, and recording a
//! run's decisions in a database (`entitle run --record`).

use anyhow::{Context, Result};
use entitle_core::Program;
use entitle_registry::runs::{ErrorRecord, RunInfo, RunRecorder};
use entitle_registry::{
    Location, Mapping, ReadCounts, RegistryError, RegistrySource, RowError, SourceOptions,
};
use std::path::Path;

/// The help shared by `run` and `explain` for `--registry`.
pub const REGISTRY_HELP: &str = "The registry: a directory of CSV, JSONL or Parquet files (groups.csv and members.csv, individuals.parquet …), or one file; `sqlite:FILE` (a store made by `entitle import`); `postgres://USER@HOST/DB` (OpenG2P/OpenSPP); `dci:FILE` or `dci:DIR` (DCI search responses)";

/// The help shared by `run` and `explain` for `--map`.
pub const MAP_HELP: &str = "Read an input from a named column (PostgreSQL) or field (DCI), such as `region=x_cst_grp_region` or `birthdate=demographic_info.birth_date`; `id=COLUMN` names the column of unit ids (repeatable)";

/// The location the user wrote.
pub fn location(registry: &Path) -> Location {
    Location::parse(&registry.to_string_lossy())
}

/// The registry as shown in summaries: as written, without any password.
pub fn shown(registry: &Path) -> String {
    location(registry).to_string()
}

/// Opens `--registry` with its `--map` entries.
///
/// # Errors
/// Any registry error (a file or database that cannot be read, a bad mapping …).
pub fn open(
    registry: &Path,
    map: &[String],
    program: &Program,
    options: &SourceOptions,
) -> Result<Box<dyn RegistrySource>, RegistryError> {
    let mapping = Mapping::from_entries(map)?;
    location(registry).open(program, options, &mapping)
}

/// Now, in RFC 3339 (UTC, seconds), for records of when something was done.
pub fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// A run being recorded in a database.
pub struct Recording {
    recorder: Box<dyn RunRecorder>,
    target: String,
}

impl Recording {
    /// Starts recording when `--record` was given: into its database, or (with no value) into the
    /// registry's own.
    ///
    /// # Errors
    /// A location that is not a database, or a database that cannot be written.
    pub fn start(
        record: Option<&str>,
        registry: &Path,
        program: &Program,
        as_of: chrono::NaiveDate,
    ) -> Result<Option<Recording>> {
        let Some(target) = record else {
            return Ok(None);
        };
        let location = if target.is_empty() {
            location(registry)
        } else {
            Location::parse(target)
        };
        let info = RunInfo::new(program, as_of, now(), shown(registry));
        let recorder = location
            .recorder(info)
            .map_err(super::commands::registry_error)?;
        Ok(Some(Recording {
            recorder,
            target: location.to_string(),
        }))
    }

    /// Records the decisions of a chunk, given as JSON lines.
    ///
    /// # Errors
    /// A line that is not a decision of this run, or a database that cannot be written.
    pub fn decisions(&mut self, jsonl: &[u8]) -> Result<()> {
        for line in jsonl.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let d: serde_json::Value =
                serde_json::from_slice(line).context("cannot read back a decision to record it")?;
            self.recorder
                .decision(&d)
                .map_err(super::commands::registry_error)?;
        }
        Ok(())
    }

    /// Records an error record.
    ///
    /// # Errors
    /// A database that cannot be written.
    pub fn error(&mut self, e: &RowError) -> Result<()> {
        self.recorder
            .error(&ErrorRecord::from(e))
            .map_err(super::commands::registry_error)
    }

    /// Replaces the earlier records of this program and as-of date with this run's, at once.
    ///
    /// # Errors
    /// A database that cannot be written (nothing is changed then).
    pub fn commit(self, read: &ReadCounts) -> Result<()> {
        let r = self
            .recorder
            .commit(read)
            .map_err(super::commands::registry_error)?;
        let catalog = crate::term::catalog();
        let (decisions, errors) = (r.decisions.to_string(), r.errors.to_string());
        let mut args = vec![
            ("decisions", decisions.as_str()),
            ("errors", errors.as_str()),
            ("database", self.target.as_str()),
        ];
        let replaced = r.replaced.to_string();
        let key = if r.replaced > 0 {
            args.push(("replaced", &replaced));
            "record.done.replacing"
        } else {
            "record.done"
        };
        crate::term::note(&catalog.render(key, &args));
        Ok(())
    }
}
