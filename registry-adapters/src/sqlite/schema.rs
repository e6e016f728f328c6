//! The store's schema, versioned with `PRAGMA user_version` and upgraded by numbered migrations.
//!
//! A store is marked as Entitle's by `PRAGMA application_id`. Opening a file:
//!
//! - a new or empty file (or one that holds only `entitle pay`'s `payment_ledger`) becomes a store
//!   at the current version;
//! - a store at an older version is migrated, one migration after the other, each in its own
//!   transaction that also sets the new version, so an interrupted upgrade resumes where it stopped;
//! - a store at a newer version than this build knows, or a SQLite file that is something else, is
//!   refused ([`RegistryError::Store`], G0014).
//!
//! Migrations are never edited once released: a change is a new migration.

use crate::error::RegistryError;
use crate::reason::Reason;
use rusqlite::Connection;
use std::path::Path;

/// `PRAGMA application_id` of Entitle stores ("Entl").
pub const APPLICATION_ID: i32 = 0x456e_746c;

/// The payment ledger's table, exactly as `entitle_payments::SqliteLedger` creates it, so that the
/// store's file serves as the ledger of `entitle pay --ledger`. (A store made before the `account`
/// column gets it from the ledger when `entitle pay` first opens the file.)
pub const PAYMENT_LEDGER: &str = "CREATE TABLE IF NOT EXISTS payment_ledger(
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

/// Version 1: the imported registry's files, runs, decision records and the payment ledger.
const V1: &str = "
CREATE TABLE registry_file(
    role        TEXT PRIMARY KEY CHECK (role IN ('groups', 'members', 'individuals')),
    source      TEXT NOT NULL,
    table_name  TEXT NOT NULL UNIQUE,
    columns     TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TABLE decision_run(
    program_hash    TEXT NOT NULL,
    as_of           TEXT NOT NULL,
    program_id      TEXT NOT NULL,
    program_version TEXT,
    registry        TEXT NOT NULL,
    run_at          TEXT NOT NULL,
    units           INTEGER NOT NULL,
    decisions       INTEGER NOT NULL,
    errors          INTEGER NOT NULL,
    PRIMARY KEY (program_hash, as_of)
);
CREATE TABLE decision(
    program_hash TEXT NOT NULL,
    as_of        TEXT NOT NULL,
    unit_id      TEXT NOT NULL,
    decision     TEXT NOT NULL CHECK (decision IN ('eligible', 'not_eligible', 'undetermined')),
    currency     TEXT,
    cash_total   TEXT,
    cash_fee     TEXT,
    cash_net     TEXT,
    rules        TEXT NOT NULL,
    missing      TEXT NOT NULL,
    record       TEXT NOT NULL,
    PRIMARY KEY (program_hash, as_of, unit_id),
    FOREIGN KEY (program_hash, as_of) REFERENCES decision_run (program_hash, as_of) ON DELETE CASCADE
);
";

/// Version 2: error records of runs, decisions by unit, and decisions beside their payments.
const V2: &str = "
CREATE TABLE row_error(
    program_hash TEXT NOT NULL,
    as_of        TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    file         TEXT NOT NULL,
    line         INTEGER NOT NULL,
    column_name  TEXT,
    unit_id      TEXT,
    member_id    TEXT,
    code         TEXT NOT NULL,
    message      TEXT NOT NULL,
    PRIMARY KEY (program_hash, as_of, seq),
    FOREIGN KEY (program_hash, as_of) REFERENCES decision_run (program_hash, as_of) ON DELETE CASCADE
);
CREATE INDEX decision_by_unit ON decision (unit_id, as_of);
CREATE VIEW payment_reference AS
SELECT d.program_hash, d.as_of, d.unit_id, d.decision, d.currency, d.cash_total, d.cash_net,
       l.cycle, l.reissue, l.reference, l.batch_id, l.format, l.amount, l.exported_at
FROM decision d
JOIN payment_ledger l ON l.program_hash = d.program_hash AND l.unit_id = d.unit_id;
";

/// Version 3: how each imported CSV file separated its cells (`semicolon` or `comma`; NULL for
/// other files and for files imported before), so that a run from the store reads `1.500` as a
/// run from the file does.
const V3: &str = "ALTER TABLE registry_file ADD COLUMN separator TEXT;";

/// The migrations, in order: migration `k` (from 0) brings a store from version `k` to `k + 1`.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

fn store_error(path: &Path, reason: impl Into<crate::reason::Reason>) -> RegistryError {
    RegistryError::Store {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

pub(crate) fn db_error(path: &Path, action: &str, e: &rusqlite::Error) -> RegistryError {
    RegistryError::Database {
        database: path.display().to_string(),
        action: action.to_string(),
        reason: e.to_string(),
    }
}

/// Brings the database at `path` (open in `conn`) to [`VERSION`], or refuses it.
///
/// # Errors
/// [`RegistryError::Store`] (G0014) for a file that is not a store or is newer than this build;
/// [`RegistryError::Database`] (G0009) when a migration fails (that migration is rolled back).
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<i64, RegistryError> {
    let read = |sql: &str| -> Result<i64, RegistryError> {
        conn.query_row(sql, [], |r| r.get(0))
            .map_err(|e| db_error(path, "read the store's version", &e))
    };
    let app = read("PRAGMA application_id")?;
    let version = read("PRAGMA user_version")?;
    if app != i64::from(APPLICATION_ID) {
        let foreign = read(
            "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' \
             AND name NOT IN ('payment_ledger', 'sqlite_autoindex_payment_ledger_1', \
             'sqlite_autoindex_payment_ledger_2')",
        )?;
        if app != 0 || version != 0 || foreign > 0 {
            return Err(store_error(path, Reason::key("G0014.foreign")));
        }
    }
    if version > VERSION {
        return Err(store_error(
            path,
            Reason::with(
                "G0014.newer",
                &[
                    ("version", &version.to_string()),
                    ("ours", &VERSION.to_string()),
                ],
            ),
        ));
    }
    let mut at = version;
    for (k, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(version).unwrap_or(0))
    {
        let next = i64::try_from(k).unwrap_or(i64::MAX).saturating_add(1);
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| db_error(path, "start a migration", &e))?;
        let step = format!(
            "{PAYMENT_LEDGER};\n{sql}\nPRAGMA application_id = {APPLICATION_ID};\nPRAGMA user_version = {next};"
        );
        tx.execute_batch(&step)
            .map_err(|e| db_error(path, &format!("migrate the store to version {next}"), &e))?;
        tx.commit()
            .map_err(|e| db_error(path, &format!("migrate the store to version {next}"), &e))?;
        at = next;
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_gets_every_migration_and_a_foreign_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut conn = Connection::open(&path).unwrap();
        assert_eq!(migrate(&mut conn, &path).unwrap(), VERSION);
        assert_eq!(migrate(&mut conn, &path).unwrap(), VERSION, "idempotent");
        let other = dir.path().join("other.db");
        let mut conn = Connection::open(&other).unwrap();
        conn.execute_batch("CREATE TABLE customers(x)").unwrap();
        assert_eq!(migrate(&mut conn, &other).unwrap_err().code(), "G0014");
        let newer = dir.path().join("newer.db");
        let mut conn = Connection::open(&newer).unwrap();
        migrate(&mut conn, &newer).unwrap();
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
        let e = migrate(&mut conn, &newer).unwrap_err();
        assert_eq!(e.code(), "G0014");
        assert!(e.to_string().contains("version 99"), "{e}");
    }
}
