//! Decision records written back into PostgreSQL, in tables of Entitle's own (created when
//! missing, in the connection's current schema):
//!
//! ```sql
//! CREATE TABLE entitle_run (program_hash text, as_of date, program_id text, program_version text,
//!     registry text, run_at timestamptz, units bigint, decisions bigint, errors bigint,
//!     PRIMARY KEY (program_hash, as_of));
//! CREATE TABLE entitle_decision (program_hash text, as_of date, unit_id text, decision text,
//!     currency text, cash_total numeric, cash_fee numeric, cash_net numeric, rules jsonb,
//!     missing jsonb, record jsonb, run_at timestamptz, PRIMARY KEY (program_hash, as_of, unit_id));
//! CREATE TABLE entitle_row_error (program_hash text, as_of date, seq bigint, file text, line bigint,
//!     column_name text, unit_id text, member_id text, code text, message text,
//!     PRIMARY KEY (program_hash, as_of, seq));
//! ```
//!
//! One transaction on a connection of its own replaces the program's records for the as-of date:
//! it takes a transaction-level advisory lock on (program, as-of date), so two runs of the same
//! program for the same day never interleave, deletes the earlier records and inserts the new ones
//! in batches (`INSERT … SELECT … FROM unnest($1::text[], …)`, every value a bind parameter).

use super::{connect, db_error, redact};
use crate::error::RegistryError;
use crate::runs::{columns_of, DecisionColumns, ErrorRecord, RecordedRun, RunInfo, RunRecorder};
use crate::source::ReadCounts;
use postgres::Client;
use serde_json::Value as Json;

/// Rows inserted per statement.
const BATCH: usize = 2048;

const TABLES: &str = "
CREATE TABLE IF NOT EXISTS entitle_run (
    program_hash text NOT NULL, as_of date NOT NULL, program_id text NOT NULL,
    program_version text, registry text NOT NULL, run_at timestamptz NOT NULL,
    units bigint NOT NULL, decisions bigint NOT NULL, errors bigint NOT NULL,
    PRIMARY KEY (program_hash, as_of));
CREATE TABLE IF NOT EXISTS entitle_decision (
    program_hash text NOT NULL, as_of date NOT NULL, unit_id text NOT NULL,
    decision text NOT NULL CHECK (decision IN ('eligible', 'not_eligible', 'undetermined')),
    currency text, cash_total numeric, cash_fee numeric, cash_net numeric,
    rules jsonb NOT NULL, missing jsonb NOT NULL, record jsonb NOT NULL, run_at timestamptz NOT NULL,
    PRIMARY KEY (program_hash, as_of, unit_id));
CREATE TABLE IF NOT EXISTS entitle_row_error (
    program_hash text NOT NULL, as_of date NOT NULL, seq bigint NOT NULL, file text NOT NULL,
    line bigint NOT NULL, column_name text, unit_id text, member_id text, code text NOT NULL,
    message text NOT NULL, PRIMARY KEY (program_hash, as_of, seq));
";

/// Writes one run's records into PostgreSQL.
pub struct PgRecorder {
    client: Client,
    database: String,
    info: RunInfo,
    decisions: Vec<DecisionColumns>,
    errors: Vec<ErrorRecord>,
    written: u64,
    errors_written: u64,
    replaced: u64,
    open: bool,
}

impl PgRecorder {
    /// Connects to `url`, creates Entitle's tables if needed and starts the transaction that will
    /// replace `info`'s run.
    ///
    /// # Errors
    /// [`RegistryError::Database`] (G0009) when the database cannot be reached or written.
    pub fn begin(url: &str, info: RunInfo) -> Result<PgRecorder, RegistryError> {
        let database = redact(url);
        let mut client = connect(url)?;
        let fail = |action: &'static str| {
            let database = database.clone();
            move |e: postgres::Error| db_error(&database, action, &e)
        };
        client
            .batch_execute(TABLES)
            .map_err(fail("create Entitle's tables"))?;
        client
            .batch_execute("BEGIN")
            .map_err(fail("start the recording"))?;
        let as_of = info.as_of;
        client
            .execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1 || ' ' || $2::date::text, 0))",
                &[&info.program_hash, &as_of],
            )
            .map_err(fail("lock the run"))?;
        let replaced = client
            .execute(
                "DELETE FROM entitle_decision WHERE program_hash = $1 AND as_of = $2",
                &[&info.program_hash, &as_of],
            )
            .map_err(fail("replace the earlier records"))?;
        for sql in [
            "DELETE FROM entitle_row_error WHERE program_hash = $1 AND as_of = $2",
            "DELETE FROM entitle_run WHERE program_hash = $1 AND as_of = $2",
        ] {
            client
                .execute(sql, &[&info.program_hash, &as_of])
                .map_err(fail("replace the earlier records"))?;
        }
        Ok(PgRecorder {
            client,
            database,
            info,
            decisions: Vec::new(),
            errors: Vec::new(),
            written: 0,
            errors_written: 0,
            replaced,
            open: true,
        })
    }

    fn flush_decisions(&mut self) -> Result<(), RegistryError> {
        if self.decisions.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.decisions);
        let col = |f: &dyn Fn(&DecisionColumns) -> Option<String>| -> Vec<Option<String>> {
            batch.iter().map(f).collect()
        };
        let list = |v: &[String]| Json::from(v.to_vec()).to_string();
        let unit = col(&|d| Some(d.unit_id.clone()));
        let decision = col(&|d| Some(d.decision.clone()));
        let currency = col(&|d| d.currency.clone());
        let total = col(&|d| d.cash_total.clone());
        let fee = col(&|d| d.cash_fee.clone());
        let net = col(&|d| d.cash_net.clone());
        let rules = col(&|d| Some(list(&d.rules)));
        let missing = col(&|d| Some(list(&d.missing)));
        let record = col(&|d| Some(d.record.clone()));
        self.client
            .execute(
                "INSERT INTO entitle_decision (program_hash, as_of, unit_id, decision, currency,
                     cash_total, cash_fee, cash_net, rules, missing, record, run_at)
                 SELECT $1, $2, u, d, c, t::numeric, f::numeric, n::numeric, r::jsonb, m::jsonb,
                     j::jsonb, $3::text::timestamptz
                 FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                     $10::text[], $11::text[], $12::text[]) AS x(u, d, c, t, f, n, r, m, j)",
                &[
                    &self.info.program_hash,
                    &self.info.as_of,
                    &self.info.run_at,
                    &unit,
                    &decision,
                    &currency,
                    &total,
                    &fee,
                    &net,
                    &rules,
                    &missing,
                    &record,
                ],
            )
            .map_err(|e| match e.code() {
                Some(c) if *c == postgres::error::SqlState::UNIQUE_VIOLATION => {
                    RegistryError::Database {
                        database: self.database.clone(),
                        action: "record the decisions".into(),
                        reason: "a unit is decided twice in one run".into(),
                    }
                }
                _ => db_error(&self.database, "record the decisions", &e),
            })?;
        self.written += batch.len() as u64;
        Ok(())
    }

    fn flush_errors(&mut self) -> Result<(), RegistryError> {
        if self.errors.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.errors);
        let first = i64::try_from(self.errors_written).unwrap_or(i64::MAX);
        let seq: Vec<i64> = (1..=batch.len() as i64).map(|k| first + k).collect();
        let file: Vec<String> = batch.iter().map(|e| e.file.clone()).collect();
        let line: Vec<i64> = batch
            .iter()
            .map(|e| i64::try_from(e.line).unwrap_or(i64::MAX))
            .collect();
        let column: Vec<Option<String>> = batch.iter().map(|e| e.column.clone()).collect();
        let unit: Vec<Option<String>> = batch.iter().map(|e| e.unit_id.clone()).collect();
        let member: Vec<Option<String>> = batch.iter().map(|e| e.member_id.clone()).collect();
        let code: Vec<String> = batch.iter().map(|e| e.code.clone()).collect();
        let message: Vec<String> = batch.iter().map(|e| e.message.clone()).collect();
        self.client
            .execute(
                "INSERT INTO entitle_row_error (program_hash, as_of, seq, file, line, column_name,
                     unit_id, member_id, code, message)
                 SELECT $1, $2, s, f, l, c, u, m, k, t
                 FROM unnest($3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::text[],
                     $8::text[], $9::text[], $10::text[]) AS x(s, f, l, c, u, m, k, t)",
                &[
                    &self.info.program_hash,
                    &self.info.as_of,
                    &seq,
                    &file,
                    &line,
                    &column,
                    &unit,
                    &member,
                    &code,
                    &message,
                ],
            )
            .map_err(|e| db_error(&self.database, "record the error records", &e))?;
        self.errors_written += batch.len() as u64;
        Ok(())
    }
}

impl Drop for PgRecorder {
    fn drop(&mut self) {
        if self.open {
            let _ = self.client.batch_execute("ROLLBACK");
        }
    }
}

impl RunRecorder for PgRecorder {
    fn decision(&mut self, decision: &Json) -> Result<(), RegistryError> {
        let c = columns_of(decision, &self.info, &self.database)?;
        self.decisions.push(c);
        if self.decisions.len() >= BATCH {
            self.flush_decisions()?;
        }
        Ok(())
    }

    fn error(&mut self, error: &ErrorRecord) -> Result<(), RegistryError> {
        self.errors.push(error.clone());
        if self.errors.len() >= BATCH {
            self.flush_errors()?;
        }
        Ok(())
    }

    fn commit(mut self: Box<Self>, counts: &ReadCounts) -> Result<RecordedRun, RegistryError> {
        self.flush_decisions()?;
        self.flush_errors()?;
        let n = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
        let (units, decisions, errors) = (n(counts.units), n(self.written), n(self.errors_written));
        self.client
            .execute(
                "INSERT INTO entitle_run (program_hash, as_of, program_id, program_version, registry,
                     run_at, units, decisions, errors)
                 VALUES ($1, $2, $3, $4, $5, $6::text::timestamptz, $7, $8, $9)",
                &[
                    &self.info.program_hash,
                    &self.info.as_of,
                    &self.info.program_id,
                    &self.info.program_version,
                    &self.info.registry,
                    &self.info.run_at,
                    &units,
                    &decisions,
                    &errors,
                ],
            )
            .map_err(|e| db_error(&self.database, "record the run", &e))?;
        self.client
            .batch_execute("COMMIT")
            .map_err(|e| db_error(&self.database, "commit the decisions", &e))?;
        self.open = false;
        Ok(RecordedRun {
            decisions: self.written,
            errors: self.errors_written,
            replaced: self.replaced,
        })
    }
}
