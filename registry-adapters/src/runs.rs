//! Decision records kept in a database: the SQLite store's tables or PostgreSQL write-back.
//!
//! A run is identified by its program's content hash and its as-of date. Recording a run replaces
//! every record of the same program and as-of date in one transaction: a re-run never duplicates
//! decisions, and a failed recording leaves the previous records as they were. Each decision keeps
//! its outcome, its cash amounts, its rule outcome codes (`has_child:met`), its missing inputs and
//! the whole decision JSON (the shape of [`entitle_core::result`], with the explanation when the run
//! made one); error records keep file, line, column, unit, member, code and message.
//!
//! ```no_run
//! # #[cfg(feature = "sqlite")] {
//! use entitle_registry::runs::{ErrorRecord, RunInfo};
//! use entitle_registry::sqlite::SqliteStore;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let program = entitle_core::Program::compile(&std::fs::read_to_string("child_grant.entitle")?)?;
//! let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).ok_or("date")?;
//! let store = SqliteStore::open(std::path::Path::new("registry.db"))?;
//! let mut source = store.source(&program, &Default::default())?;
//! let mut recorder = store.recorder(RunInfo::new(&program, as_of, "2026-03-02T08:00:00Z", "registry.db"))?;
//! while let Some(chunk) = source.next_chunk(65_536)? {
//!     for d in program.run(&chunk.batch, as_of, &Default::default()).decisions() {
//!         match d {
//!             Ok(d) => recorder.decision(&entitle_core::json::decision_to_json(&d))?,
//!             Err(e) => recorder.error(&ErrorRecord::from_unit_error(&e, &source.unit_file(), 0))?,
//!         }
//!     }
//!     for e in &chunk.errors {
//!         recorder.error(&ErrorRecord::from(e))?;
//!     }
//! }
//! let recorded = recorder.commit(&source.counts())?;
//! println!("{} decisions recorded", recorded.decisions);
//! # Ok(()) }
//! # }
//! ```

use crate::error::RegistryError;
use crate::record::RowError;
use crate::source::ReadCounts;
use chrono::NaiveDate;
use entitle_core::Program;
use serde_json::Value as Json;

/// The run being recorded: which program, which as-of date, when, and from which registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunInfo {
    /// The program's content hash (`sha256:…`).
    pub program_hash: String,
    /// The program's identifier.
    pub program_id: String,
    /// The program's version, if declared.
    pub program_version: Option<String>,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// When the run was made, in RFC 3339 form, supplied by the caller (nothing here reads the
    /// clock, so that records are reproducible).
    pub run_at: String,
    /// Where the units came from, for people (no password).
    pub registry: String,
}

impl RunInfo {
    /// The run of `program` on `as_of`.
    pub fn new(
        program: &Program,
        as_of: NaiveDate,
        run_at: impl Into<String>,
        registry: impl Into<String>,
    ) -> RunInfo {
        let r = program.program_ref();
        RunInfo {
            program_hash: r.hash.clone(),
            program_id: r.id.clone(),
            program_version: r.version.clone(),
            as_of,
            run_at: run_at.into(),
            registry: registry.into(),
        }
    }
}

/// An error record as stored: a [`RowError`] or an evaluation error of a unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorRecord {
    /// The file or table.
    pub file: String,
    /// The line or row number.
    pub line: u64,
    /// The column, if one is concerned.
    pub column: Option<String>,
    /// The unit, when known.
    pub unit_id: Option<String>,
    /// The member, for member rows.
    pub member_id: Option<String>,
    /// The stable code (`G0101`, `R0001` …).
    pub code: String,
    /// What is wrong (never a registrant's value).
    pub message: String,
}

impl From<&RowError> for ErrorRecord {
    fn from(e: &RowError) -> ErrorRecord {
        ErrorRecord {
            file: e.file.to_string(),
            line: e.line,
            column: e.column.clone(),
            unit_id: e.unit_id.clone(),
            member_id: e.member_id.clone(),
            code: e.code.to_string(),
            message: e.message.clone(),
        }
    }
}

impl ErrorRecord {
    /// The record of a unit whose evaluation failed, read from `file` at `line`.
    pub fn from_unit_error(e: &entitle_core::UnitError, file: &str, line: u64) -> ErrorRecord {
        ErrorRecord {
            file: file.to_string(),
            line,
            column: None,
            unit_id: Some(e.unit_id.clone()),
            member_id: None,
            code: e.code().to_string(),
            message: e.error.to_string(),
        }
    }
}

/// What a recording kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecordedRun {
    /// Decision records written.
    pub decisions: u64,
    /// Error records written.
    pub errors: u64,
    /// Records of an earlier run of the same program and as-of date that were replaced.
    pub replaced: u64,
}

/// Writes one run's records into a database, in one transaction.
///
/// Nothing is visible to other readers before [`RunRecorder::commit`]; dropping a recorder without
/// committing leaves the database as it was.
pub trait RunRecorder: Send {
    /// Adds a decision, in the JSON shape of [`entitle_core::json::decision_to_json`].
    ///
    /// # Errors
    /// [`RegistryError::Database`] (G0009) when the decision is not of this run (another program
    /// hash or as-of date), lacks a unit id, or cannot be written (a unit recorded twice).
    fn decision(&mut self, decision: &Json) -> Result<(), RegistryError>;

    /// Adds an error record.
    ///
    /// # Errors
    /// [`RegistryError::Database`] (G0009) when it cannot be written.
    fn error(&mut self, error: &ErrorRecord) -> Result<(), RegistryError>;

    /// Replaces the records of this program and as-of date with the ones added, and commits.
    ///
    /// # Errors
    /// [`RegistryError::Database`] (G0009); nothing is changed then.
    fn commit(self: Box<Self>, counts: &ReadCounts) -> Result<RecordedRun, RegistryError>;
}

/// The columns of a decision record, taken from its JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DecisionColumns {
    pub unit_id: String,
    pub decision: String,
    pub currency: Option<String>,
    pub cash_total: Option<String>,
    pub cash_fee: Option<String>,
    pub cash_net: Option<String>,
    /// Rule outcome codes, `id:outcome`, in rule order.
    pub rules: Vec<String>,
    pub missing: Vec<String>,
    /// The whole decision as compact JSON.
    pub record: String,
}

fn text(v: Option<&Json>) -> Option<String> {
    match v {
        Some(Json::String(s)) => Some(s.clone()),
        Some(Json::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads the columns of `decision`, checking that it belongs to the run `info`.
pub(crate) fn columns_of(
    decision: &Json,
    info: &RunInfo,
    database: &str,
) -> Result<DecisionColumns, RegistryError> {
    let fail = |reason: String| RegistryError::Database {
        database: database.to_string(),
        action: "record a decision".into(),
        reason,
    };
    let unit_id = text(decision.get("unit_id"))
        .ok_or_else(|| fail("the decision has no `unit_id`".into()))?;
    let hash = decision
        .get("program")
        .and_then(|p| p.get("hash"))
        .and_then(Json::as_str);
    if hash != Some(info.program_hash.as_str()) {
        return Err(fail(format!(
            "the decision for unit {unit_id} was made by another program than {}",
            info.program_id
        )));
    }
    if decision.get("as_of").and_then(Json::as_str) != Some(info.as_of.to_string().as_str()) {
        return Err(fail(format!(
            "the decision for unit {unit_id} is not as of {}",
            info.as_of
        )));
    }
    let outcome = decision
        .get("decision")
        .and_then(Json::as_str)
        .filter(|d| matches!(*d, "eligible" | "not_eligible" | "undetermined"))
        .ok_or_else(|| fail(format!("the decision for unit {unit_id} has no outcome")))?;
    let cash = decision.get("cash");
    let list = |key: &str, f: &dyn Fn(&Json) -> Option<String>| -> Vec<String> {
        decision
            .get(key)
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(f).collect())
            .unwrap_or_default()
    };
    let rules = list("rules", &|r| {
        Some(format!(
            "{}:{}",
            r.get("id")?.as_str()?,
            r.get("outcome")?.as_str()?
        ))
    });
    let missing = list("missing", &|m| m.as_str().map(str::to_string));
    Ok(DecisionColumns {
        decision: outcome.to_string(),
        currency: text(cash.and_then(|c| c.get("currency"))),
        cash_total: text(cash.and_then(|c| c.get("total"))),
        cash_fee: text(cash.and_then(|c| c.get("fee"))),
        cash_net: text(cash.and_then(|c| c.get("net"))),
        rules,
        missing,
        record: decision.to_string(),
        unit_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_come_from_the_decision_json() {
        let program =
            Program::compile(include_str!("../../examples/programs/child_grant.entitle")).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let info = RunInfo::new(&program, as_of, "2026-03-02T00:00:00Z", "test");
        let unit = serde_json::json!({"id": "H1", "region": "North", "monthly_income": "5000",
            "members": [{"id": "M1", "kind": "head", "birthdate": "1990-01-01"},
                        {"id": "M2", "kind": "child", "birthdate": "2020-05-01"}]});
        let d = program.evaluate_json(&unit, "2026-03-01", &Default::default());
        let c = columns_of(&d, &info, "db").unwrap();
        assert_eq!(
            (
                c.unit_id.as_str(),
                c.decision.as_str(),
                c.cash_total.as_deref()
            ),
            ("H1", "eligible", Some("2000"))
        );
        assert_eq!(c.currency.as_deref(), Some("KES"));
        assert_eq!(c.rules[0], "has_child:met");
        let other = RunInfo::new(&program, as_of.succ_opt().unwrap(), "x", "test");
        assert_eq!(columns_of(&d, &other, "db").unwrap_err().code(), "G0009");
        assert_eq!(
            columns_of(&serde_json::json!({}), &info, "db")
                .unwrap_err()
                .code(),
            "G0009"
        );
    }
}
