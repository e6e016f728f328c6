//! Decision records of runs, kept in the store.
//!
//! A recorder holds one `IMMEDIATE` transaction on its own connection from the start: the records
//! of an earlier run of the same program and as-of date are deleted in it, the new ones inserted,
//! and everything becomes visible at once on commit. The store is in WAL mode, so the run's reader
//! connections keep reading the registry meanwhile.

use super::schema::db_error;
use crate::error::RegistryError;
use crate::runs::{columns_of, ErrorRecord, RecordedRun, RunInfo, RunRecorder};
use crate::source::ReadCounts;
use rusqlite::{params, Connection};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

/// Records one run in a store.
pub struct SqliteRecorder {
    conn: Connection,
    path: PathBuf,
    info: RunInfo,
    as_of: String,
    decisions: u64,
    errors: u64,
    replaced: u64,
}

impl SqliteRecorder {
    /// Starts recording `info`'s run in the store at `path` (already migrated).
    pub(crate) fn begin(path: &Path, info: RunInfo) -> Result<SqliteRecorder, RegistryError> {
        let fail = |e: rusqlite::Error| db_error(path, "record the decisions", &e);
        let conn = Connection::open(path).map_err(fail)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(fail)?;
        conn.execute_batch("PRAGMA foreign_keys = ON; BEGIN IMMEDIATE")
            .map_err(fail)?;
        let as_of = info.as_of.to_string();
        let mut replaced = 0u64;
        for table in ["decision", "row_error"] {
            let n = conn
                .execute(
                    &format!("DELETE FROM {table} WHERE program_hash = ?1 AND as_of = ?2"),
                    params![info.program_hash, as_of],
                )
                .map_err(fail)?;
            if table == "decision" {
                replaced = n as u64;
            }
        }
        conn.execute(
            "DELETE FROM decision_run WHERE program_hash = ?1 AND as_of = ?2",
            params![info.program_hash, as_of],
        )
        .map_err(fail)?;
        conn.execute(
            "INSERT INTO decision_run(program_hash, as_of, program_id, program_version, registry,
                 run_at, units, decisions, errors)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, 0)",
            params![
                info.program_hash,
                as_of,
                info.program_id,
                info.program_version,
                info.registry,
                info.run_at
            ],
        )
        .map_err(fail)?;
        Ok(SqliteRecorder {
            conn,
            path: path.to_path_buf(),
            info,
            as_of,
            decisions: 0,
            errors: 0,
            replaced,
        })
    }

    fn fail(&self, action: &str) -> impl Fn(rusqlite::Error) -> RegistryError + '_ {
        let action = action.to_string();
        move |e| db_error(&self.path, &action, &e)
    }
}

impl Drop for SqliteRecorder {
    fn drop(&mut self) {
        // Without a commit, nothing of this run is kept (a no-op after a commit).
        let _ = self.conn.execute_batch("ROLLBACK");
    }
}

impl RunRecorder for SqliteRecorder {
    fn decision(&mut self, decision: &Json) -> Result<(), RegistryError> {
        let c = columns_of(decision, &self.info, &self.path.display().to_string())?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT INTO decision(program_hash, as_of, unit_id, decision, currency, cash_total,
                     cash_fee, cash_net, rules, missing, record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .map_err(self.fail("record the decisions"))?;
        stmt.execute(params![
            self.info.program_hash,
            self.as_of,
            c.unit_id,
            c.decision,
            c.currency,
            c.cash_total,
            c.cash_fee,
            c.cash_net,
            c.rules.join(";"),
            c.missing.join(";"),
            c.record
        ])
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                RegistryError::Database {
                    database: self.path.display().to_string(),
                    action: "record the decisions".into(),
                    reason: format!("the unit {} is decided twice in one run", c.unit_id),
                }
            }
            e => db_error(&self.path, "record the decisions", &e),
        })?;
        self.decisions += 1;
        Ok(())
    }

    fn error(&mut self, error: &ErrorRecord) -> Result<(), RegistryError> {
        let seq = self.errors + 1;
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT INTO row_error(program_hash, as_of, seq, file, line, column_name, unit_id,
                     member_id, code, message)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .map_err(self.fail("record the error records"))?;
        stmt.execute(params![
            self.info.program_hash,
            self.as_of,
            i64::try_from(seq).unwrap_or(i64::MAX),
            error.file,
            i64::try_from(error.line).unwrap_or(i64::MAX),
            error.column,
            error.unit_id,
            error.member_id,
            error.code,
            error.message
        ])
        .map_err(self.fail("record the error records"))?;
        self.errors = seq;
        Ok(())
    }

    fn commit(self: Box<Self>, counts: &ReadCounts) -> Result<RecordedRun, RegistryError> {
        let n = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
        self.conn
            .execute(
                "UPDATE decision_run SET units = ?3, decisions = ?4, errors = ?5
                 WHERE program_hash = ?1 AND as_of = ?2",
                params![
                    self.info.program_hash,
                    self.as_of,
                    n(counts.units),
                    n(self.decisions),
                    n(self.errors)
                ],
            )
            .map_err(self.fail("record the run"))?;
        self.conn
            .execute_batch("COMMIT")
            .map_err(self.fail("commit the decisions"))?;
        Ok(RecordedRun {
            decisions: self.decisions,
            errors: self.errors,
            replaced: self.replaced,
        })
    }
}
