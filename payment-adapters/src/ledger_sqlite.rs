//! The payment ledger in a SQLite file (feature `sqlite`, on by default).
//!
//! The ledger keeps one self-contained table, so it can live in the same file as the registry store:
//!
//! ```sql
//! CREATE TABLE IF NOT EXISTS payment_ledger(
//!     program_hash TEXT NOT NULL,
//!     cycle        TEXT NOT NULL,
//!     unit_id      TEXT NOT NULL,
//!     reissue      INTEGER NOT NULL,
//!     format       TEXT NOT NULL,
//!     reference    TEXT NOT NULL UNIQUE,
//!     batch_id     TEXT NOT NULL,
//!     amount       TEXT NOT NULL,
//!     currency     TEXT NOT NULL,
//!     exported_at  TEXT NOT NULL,
//!     account      TEXT,
//!     PRIMARY KEY (program_hash, cycle, unit_id, reissue)
//! );
//! ```
//!
//! The primary key is the database's own guard against a second record of the same export, even
//! when two exports run at once; [`Ledger::record`] writes inside one `IMMEDIATE` transaction.
//!
//! `account` is the fingerprint of the export's payee account ([`crate::refs::account_fingerprint`],
//! never the account itself), so that exporting a unit again to another account is refused. A
//! table made before it (by an older ledger, or by the registry store, which creates the same
//! table) gets the column when the ledger opens it; the exports recorded without it are not
//! checked for a changed account.

use crate::error::PaymentError;
use crate::ledger::{conflict, Ledger, LedgerEntry};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::HashMap;
use std::path::Path;

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS payment_ledger(
    program_hash TEXT NOT NULL,
    cycle        TEXT NOT NULL,
    unit_id      TEXT NOT NULL,
    reissue      INTEGER NOT NULL,
    format       TEXT NOT NULL,
    reference    TEXT NOT NULL UNIQUE,
    batch_id     TEXT NOT NULL,
    amount       TEXT NOT NULL,
    currency     TEXT NOT NULL,
    exported_at  TEXT NOT NULL,
    account      TEXT,
    PRIMARY KEY (program_hash, cycle, unit_id, reissue)
)";

/// The payment ledger in a SQLite database file.
pub struct SqliteLedger {
    conn: Connection,
}

fn db_err(e: rusqlite::Error) -> PaymentError {
    PaymentError::Ledger {
        message: e.to_string(),
    }
}

impl SqliteLedger {
    /// Opens (or creates) the database file and the `payment_ledger` table.
    ///
    /// # Errors
    /// [`PaymentError::Ledger`] (P0012) when the file cannot be opened or the table created.
    pub fn open(path: &Path) -> Result<SqliteLedger, PaymentError> {
        let conn = Connection::open(path).map_err(db_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(db_err)?;
        conn.execute_batch(SCHEMA).map_err(db_err)?;
        let has_account: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info('payment_ledger') WHERE name = 'account'",
                [],
                |r| r.get(0),
            )
            .map_err(db_err)?;
        if has_account == 0 {
            conn.execute_batch("ALTER TABLE payment_ledger ADD COLUMN account TEXT")
                .map_err(db_err)?;
        }
        Ok(SqliteLedger { conn })
    }

    /// Every record, ordered by program hash, cycle, unit and reissue number.
    ///
    /// # Errors
    /// [`PaymentError::Ledger`] (P0012) when the table cannot be read.
    pub fn entries(&self) -> Result<Vec<LedgerEntry>, PaymentError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT program_hash, cycle, unit_id, reissue, format, reference, batch_id, amount,
                        currency, exported_at
                 FROM payment_ledger ORDER BY program_hash, cycle, unit_id, reissue",
            )
            .map_err(db_err)?;
        let rows = stmt.query_map([], row_to_entry).map_err(db_err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
    }
}

fn row_to_entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<LedgerEntry> {
    Ok(LedgerEntry {
        program_hash: row.get(0)?,
        cycle: row.get(1)?,
        unit_id: row.get(2)?,
        reissue: row.get(3)?,
        format: row.get(4)?,
        reference: row.get(5)?,
        batch_id: row.get(6)?,
        amount: row.get(7)?,
        currency: row.get(8)?,
        exported_at: row.get(9)?,
    })
}

impl Ledger for SqliteLedger {
    fn latest(
        &self,
        program_hash: &str,
        cycle: &str,
    ) -> Result<HashMap<String, LedgerEntry>, PaymentError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT program_hash, cycle, unit_id, reissue, format, reference, batch_id, amount,
                        currency, exported_at
                 FROM payment_ledger WHERE program_hash = ?1 AND cycle = ?2 ORDER BY unit_id, reissue",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map(params![program_hash, cycle], row_to_entry)
            .map_err(db_err)?;
        let mut out = HashMap::new();
        for row in rows {
            let e = row.map_err(db_err)?;
            // Rows come in increasing reissue order, so the last one per unit stays.
            out.insert(e.unit_id.clone(), e);
        }
        Ok(out)
    }

    fn record(&mut self, entries: &[LedgerEntry]) -> Result<(), PaymentError> {
        self.record_with_accounts(entries, &[])
    }

    fn accounts(
        &self,
        program_hash: &str,
        cycle: &str,
    ) -> Result<HashMap<String, String>, PaymentError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT reference, account FROM payment_ledger
                 WHERE program_hash = ?1 AND cycle = ?2 AND account IS NOT NULL",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map(params![program_hash, cycle], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })
            .map_err(db_err)?;
        rows.collect::<Result<HashMap<_, _>, _>>().map_err(db_err)
    }

    fn record_with_accounts(
        &mut self,
        entries: &[LedgerEntry],
        accounts: &[(String, String)],
    ) -> Result<(), PaymentError> {
        let account_of: HashMap<&str, &str> = accounts
            .iter()
            .map(|(r, a)| (r.as_str(), a.as_str()))
            .collect();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_err)?;
        {
            let mut find = tx
                .prepare(
                    "SELECT program_hash, cycle, unit_id, reissue, format, reference, batch_id, amount,
                            currency, exported_at
                     FROM payment_ledger
                     WHERE program_hash = ?1 AND cycle = ?2 AND unit_id = ?3 AND reissue = ?4",
                )
                .map_err(db_err)?;
            let mut insert = tx
                .prepare(
                    "INSERT INTO payment_ledger(program_hash, cycle, unit_id, reissue, format,
                        reference, batch_id, amount, currency, exported_at, account)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )
                .map_err(db_err)?;
            for e in entries {
                let existing = find
                    .query_row(
                        params![e.program_hash, e.cycle, e.unit_id, e.reissue],
                        row_to_entry,
                    )
                    .optional()
                    .map_err(db_err)?;
                match existing {
                    Some(x) if x.batch_id == e.batch_id && x.reference == e.reference => continue,
                    // Dropping the transaction without commit rolls everything back.
                    Some(x) => return Err(conflict(&x)),
                    None => {}
                }
                insert
                    .execute(params![
                        e.program_hash,
                        e.cycle,
                        e.unit_id,
                        e.reissue,
                        e.format,
                        e.reference,
                        e.batch_id,
                        e.amount,
                        e.currency,
                        e.exported_at,
                        account_of.get(e.reference.as_str())
                    ])
                    .map_err(db_err)?;
            }
        }
        tx.commit().map_err(db_err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(unit: &str, reissue: u32, batch: &str) -> LedgerEntry {
        LedgerEntry {
            program_hash: "sha256:aa".into(),
            cycle: "2026-03".into(),
            unit_id: unit.into(),
            reissue,
            format: "ph-ee".into(),
            reference: format!("E-{unit}-{reissue}"),
            batch_id: batch.into(),
            amount: "10.00".into(),
            currency: "KES".into(),
            exported_at: "2026-03-05T00:00:00Z".into(),
        }
    }

    #[test]
    fn sqlite_ledger_persists_and_refuses_conflicts_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entitle.db");
        {
            let mut l = SqliteLedger::open(&path).unwrap();
            l.record(&[entry("H1", 0, "B1"), entry("H2", 0, "B1")])
                .unwrap();
        }
        let mut l = SqliteLedger::open(&path).unwrap();
        l.record(&[entry("H2", 0, "B1")]).unwrap();
        let e = l
            .record(&[entry("H3", 0, "B2"), entry("H1", 0, "B2")])
            .unwrap_err();
        assert_eq!(e.code(), "P0010");
        assert!(e.to_string().contains("H1") && e.to_string().contains("B1"));
        assert_eq!(l.entries().unwrap().len(), 2, "H3 rolled back");
        l.record(&[entry("H1", 1, "B3")]).unwrap();
        let latest = l.latest("sha256:aa", "2026-03").unwrap();
        assert_eq!(
            (latest["H1"].reissue, latest["H1"].batch_id.as_str()),
            (1, "B3")
        );
        assert_eq!(latest.len(), 2);
        // Another table in the same file is untouched by the ledger.
        l.conn
            .execute_batch("CREATE TABLE IF NOT EXISTS other(x)")
            .unwrap();
        assert!(SqliteLedger::open(&path).is_ok());
    }

    #[test]
    fn a_table_without_account_fingerprints_gets_the_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let old_schema = SCHEMA.replace("    account      TEXT,\n", "");
        assert_ne!(old_schema, SCHEMA);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(&old_schema).unwrap();
            conn.execute_batch(
                "INSERT INTO payment_ledger VALUES ('sha256:aa', '2026-03', 'H1', 0, 'ph-ee',
                 'E-H1-0', 'B1', '10.00', 'KES', '2026-03-05T00:00:00Z')",
            )
            .unwrap();
        }
        let mut l = SqliteLedger::open(&path).unwrap();
        assert_eq!(l.entries().unwrap().len(), 1);
        assert!(l.accounts("sha256:aa", "2026-03").unwrap().is_empty());
        let accounts = [("E-H2-0".to_string(), "A2".to_string())];
        l.record_with_accounts(&[entry("H2", 0, "B1")], &accounts)
            .unwrap();
        let found = l.accounts("sha256:aa", "2026-03").unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found["E-H2-0"], "A2");
        // Opening again finds the column in place.
        assert!(SqliteLedger::open(&path).is_ok());
    }
}
