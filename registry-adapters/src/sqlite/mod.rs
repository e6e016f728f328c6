//! The embedded store: one SQLite file holding an imported registry, the decision records of runs
//! and the payment ledger (feature `sqlite`, on by default; SQLite is compiled in).
//!
//! ```
//! use entitle_registry::sqlite::{plan, SqliteStore};
//! use entitle_registry::RegistrySource;
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("groups.csv"), "id,region,monthly_income\nH1,North,5000\n")?;
//! std::fs::write(dir.path().join("members.csv"),
//!     "id,group_id,kind,birthdate\nM1,H1,head,1990-01-01\nM2,H1,child,2020-05-01\n")?;
//! let mut store = SqliteStore::open(&dir.path().join("registry.db"))?;
//! let imported = store.import(&plan(&[dir.path().to_path_buf()])?, "2026-03-01T00:00:00Z")?;
//! assert_eq!(imported.iter().map(|f| f.rows).sum::<u64>(), 3);
//! let program = entitle_core::Program::compile(include_str!("../../../examples/programs/child_grant.entitle"))?;
//! let mut source = store.source(&program, &Default::default())?;
//! let chunk = source.next_chunk(1000)?.expect("a chunk");
//! assert_eq!(chunk.batch.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Tables
//!
//! | table | what it holds |
//! | --- | --- |
//! | `registry_file` | one row per imported file: its role (`groups`, `members`, `individuals`), name, columns, row count, import time, and how a CSV file separated its cells |
//! | `registry_groups`, `registry_members`, `registry_individuals` | the imported rows: a TEXT column per file column, named as in the file, plus `_entitle_…` bookkeeping (line, sort key, row problems) |
//! | `decision_run` | one row per recorded run: program hash, as-of date, program id and version, registry, run time, counts |
//! | `decision` | one row per unit of a run: outcome, currency, cash total, fee and net (exact decimal text), rule outcome codes, missing inputs, the decision JSON |
//! | `row_error` | the error records of a run (file, line, column, unit, member, code, message) |
//! | `payment_ledger` | `entitle pay --ledger`'s table, created here exactly as the ledger creates it |
//! | `payment_reference` (view) | decisions beside the payment references the ledger gave them |
//!
//! Running a program reads the imported rows back exactly as the files would be read (same cells,
//! same lines, same error records), in id order. Importing replaces the whole imported registry in
//! one transaction; recording a run replaces that program's records for that as-of date in one
//! transaction ([`crate::runs`]). The schema is versioned ([`schema`]).

mod import;
mod lookup;
mod record;
mod rows;
pub mod schema;

pub use import::{plan, ImportFile, ImportedFile, Role};
pub use record::SqliteRecorder;

use crate::bind::ProgramColumns;
use crate::error::RegistryError;
use crate::files::assemble::{wanted, FileSource};
use crate::runs::{RunInfo, RunRecorder};
use crate::source::{RegistrySource, SourceOptions};
use entitle_core::Program;
use entitle_dsl::ast::Target;
use rows::{stored_file, StoreRows};
use rusqlite::Connection;
use schema::db_error;
use std::path::{Path, PathBuf};

/// An Entitle store in a SQLite file.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    version: i64,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("version", &self.version)
            .finish()
    }
}

/// A run recorded in the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRun {
    /// The program's content hash.
    pub program_hash: String,
    /// The as-of date, `YYYY-MM-DD`.
    pub as_of: String,
    /// The program's identifier.
    pub program_id: String,
    /// When it was run, as the caller gave it.
    pub run_at: String,
    /// Units read.
    pub units: u64,
    /// Decision records.
    pub decisions: u64,
    /// Error records.
    pub errors: u64,
}

impl SqliteStore {
    /// Opens the store at `path`, creating it if needed and bringing its schema to the current
    /// version.
    ///
    /// # Errors
    /// [`RegistryError::Database`] (G0009) when the file cannot be opened or written;
    /// [`RegistryError::Store`] (G0014) when it is another kind of SQLite file, or a store from a
    /// newer version of Entitle.
    pub fn open(path: &Path) -> Result<SqliteStore, RegistryError> {
        let mut conn = Connection::open(path).map_err(|e| db_error(path, "open the store", &e))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| db_error(path, "open the store", &e))?;
        // Readers of the registry and the recorder of a run work on the file at the same time.
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .map_err(|e| db_error(path, "open the store", &e))?;
        conn.execute_batch("PRAGMA foreign_keys = ON")
            .map_err(|e| db_error(path, "open the store", &e))?;
        let version = schema::migrate(&mut conn, path)?;
        Ok(SqliteStore {
            conn,
            path: path.to_path_buf(),
            version,
        })
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version (after migration, [`schema::VERSION`]).
    pub fn version(&self) -> i64 {
        self.version
    }

    /// Imports registry files (see [`plan`]), replacing the whole imported registry in one
    /// transaction: either every file is imported, or the store keeps its previous registry.
    /// `imported_at` is recorded as given (RFC 3339).
    ///
    /// # Errors
    /// Any stopping error of reading the files (G0001 …) or of writing the store (G0009).
    pub fn import(
        &mut self,
        files: &[ImportFile],
        imported_at: &str,
    ) -> Result<Vec<ImportedFile>, RegistryError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| db_error(&path, "start the import", &e))?;
        tx.execute_batch(
            "DELETE FROM registry_file;
             DROP TABLE IF EXISTS registry_groups;
             DROP TABLE IF EXISTS registry_members;
             DROP TABLE IF EXISTS registry_individuals;",
        )
        .map_err(|e| db_error(&path, "clear the previous registry", &e))?;
        let mut out = Vec::with_capacity(files.len());
        for f in files {
            out.push(import::import_file(&tx, &path, f, imported_at)?);
        }
        tx.commit()
            .map_err(|e| db_error(&path, "commit the import", &e))?;
        Ok(out)
    }

    /// The imported files: role, name and row count.
    ///
    /// # Errors
    /// G0009 when the store cannot be read.
    pub fn imported(&self) -> Result<Vec<(Role, String, u64)>, RegistryError> {
        let mut out = Vec::new();
        for role in [Role::Groups, Role::Members, Role::Individuals] {
            if let Some(f) = stored_file(&self.conn, &self.path, role)? {
                out.push((role, f.source, f.rows));
            }
        }
        Ok(out)
    }

    /// Opens the imported registry for `program`: groups and members for household programs;
    /// individuals (or else the members) for individual programs, as `entitle run` picks files.
    ///
    /// # Errors
    /// [`RegistryError::NotFound`] (G0002) when the store holds no registry for this kind of
    /// program; missing columns (G0004) as for files; G0009 when the store cannot be read.
    pub fn source(
        &self,
        program: &Program,
        options: &SourceOptions,
    ) -> Result<Box<dyn RegistrySource>, RegistryError> {
        let cols = ProgramColumns::for_program(program);
        let household = program.target() == Target::Household;
        let (unit_wanted, member_wanted) = wanted(&cols, household);
        let only = options.only_unit.as_deref();
        let lacking = |key: &'static str| RegistryError::NotFound {
            path: self.path.clone(),
            reason: crate::reason::Reason::with(
                key,
                &[("store", &self.path.display().to_string())],
            ),
        };
        let (units, members, names) = if household {
            let groups = stored_file(&self.conn, &self.path, Role::Groups)?
                .ok_or_else(|| lacking("G0002.store_lacks.groups"))?;
            let members = stored_file(&self.conn, &self.path, Role::Members)?
                .ok_or_else(|| lacking("G0002.store_lacks.members"))?;
            let u = StoreRows::open(&self.path, Role::Groups, &groups, &unit_wanted, false, only)?;
            let m = StoreRows::open(
                &self.path,
                Role::Members,
                &members,
                &member_wanted,
                false,
                only,
            )?;
            let names = vec![groups.source, members.source];
            (
                u,
                Some(Box::new(m) as Box<dyn crate::files::rows::RowStream>),
                names,
            )
        } else {
            let (role, file) = match stored_file(&self.conn, &self.path, Role::Individuals)? {
                Some(f) => (Role::Individuals, f),
                None => (
                    Role::Members,
                    stored_file(&self.conn, &self.path, Role::Members)?
                        .ok_or_else(|| lacking("G0002.store_lacks.individuals"))?,
                ),
            };
            let by_id = role == Role::Members;
            let u = StoreRows::open(&self.path, role, &file, &unit_wanted, by_id, only)?;
            (u, None, vec![file.source])
        };
        let describe = format!("{} ({})", self.path.display(), names.join(", "));
        let source = FileSource::new(
            program,
            describe,
            Box::new(units),
            members,
            options.join,
            options.only_unit.clone(),
        )?;
        Ok(Box::new(source))
    }

    /// Starts recording a run's decisions and error records (see [`crate::runs`]).
    ///
    /// # Errors
    /// G0009 when the store cannot be written (another run holds it for longer than 30 seconds).
    pub fn recorder(&self, info: RunInfo) -> Result<Box<dyn RunRecorder>, RegistryError> {
        Ok(Box::new(SqliteRecorder::begin(&self.path, info)?))
    }

    /// The recorded runs, by as-of date and program hash.
    ///
    /// # Errors
    /// G0009 when the store cannot be read.
    pub fn runs(&self) -> Result<Vec<StoredRun>, RegistryError> {
        let fail = |e: rusqlite::Error| db_error(&self.path, "read the runs", &e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT program_hash, as_of, program_id, run_at, units, decisions, errors
                 FROM decision_run ORDER BY as_of, program_hash",
            )
            .map_err(fail)?;
        let rows = stmt
            .query_map([], |r| {
                let n = |k| r.get::<_, i64>(k).map(|v| u64::try_from(v).unwrap_or(0));
                Ok(StoredRun {
                    program_hash: r.get(0)?,
                    as_of: r.get(1)?,
                    program_id: r.get(2)?,
                    run_at: r.get(3)?,
                    units: n(4)?,
                    decisions: n(5)?,
                    errors: n(6)?,
                })
            })
            .map_err(fail)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(fail)
    }
}
