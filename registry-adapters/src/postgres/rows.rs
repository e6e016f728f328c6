//! Rows streamed from PostgreSQL through server-side cursors, in chunks.
//!
//! Both cursors (units and members) live in one `REPEATABLE READ READ ONLY` transaction on one
//! connection, so they read one consistent snapshot, and each `FETCH` brings at most [`FETCH`]
//! rows: memory stays flat however large the registry is. Every selected value arrives as text
//! (the queries cast each column), and is read by the input's type exactly as a CSV cell would be.

use crate::error::RegistryError;
use crate::files::rows::{Absent, BadCell, Cells, RowStream};
use postgres::Client;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// Rows per `FETCH`.
pub(crate) const FETCH: usize = 2048;

/// The connection both cursors share.
pub(crate) struct Shared {
    pub client: Client,
    pub database: String,
}

struct Row {
    line: u64,
    cells: Vec<Option<String>>,
    /// How many units of the population have this row's id, when more than one.
    id_shared_by: Option<u64>,
}

/// One cursor's rows.
pub(crate) struct CursorRows {
    shared: Arc<Mutex<Shared>>,
    cursor: &'static str,
    file: Arc<str>,
    page: VecDeque<Row>,
    current: Option<Row>,
    exhausted: bool,
    read: u64,
    total: Option<u64>,
    /// The wanted columns the table lacks.
    absent: Vec<Absent>,
    /// The query's last column counts the units with each row's id (see `Queries::id_counts`).
    id_counts: bool,
}

impl CursorRows {
    /// Rows of the cursor `cursor` (already declared); errors name `table`; `absent`: the
    /// wanted columns the query reads as NULL for want of a column.
    pub fn new(
        shared: Arc<Mutex<Shared>>,
        cursor: &'static str,
        table: &str,
        total: Option<u64>,
        absent: Vec<Absent>,
    ) -> CursorRows {
        CursorRows {
            shared,
            cursor,
            file: Arc::from(table),
            page: VecDeque::new(),
            current: None,
            exhausted: false,
            read: 0,
            total,
            absent,
            id_counts: false,
        }
    }

    /// Rows whose query ends with the count of units that have each row's id: a row whose id
    /// is shared is a unit error (G0106), since members are joined to their unit by id.
    pub fn with_id_counts(mut self) -> CursorRows {
        self.id_counts = true;
        self
    }

    fn fetch(&mut self) -> Result<(), RegistryError> {
        let mut shared = self.shared.lock().map_err(|_| RegistryError::Database {
            database: "postgres".into(),
            action: format!("read {}", self.file),
            reason: "the connection was lost by another reader".into(),
        })?;
        let Shared { client, database } = &mut *shared;
        let rows = client
            .query(&format!("FETCH FORWARD {FETCH} FROM {}", self.cursor), &[])
            .map_err(|e| super::db_error(database, &format!("read {}", self.file), &e))?;
        if rows.len() < FETCH {
            self.exhausted = true;
        }
        for r in rows {
            let line: i64 = r
                .try_get(0)
                .map_err(|e| super::db_error(database, &format!("read {}", self.file), &e))?;
            let mut cells = Vec::with_capacity(r.len().saturating_sub(1));
            for k in 1..r.len() {
                let cell: Option<String> = r
                    .try_get(k)
                    .map_err(|e| super::db_error(database, &format!("read {}", self.file), &e))?;
                cells.push(cell.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()));
            }
            let id_shared_by = if self.id_counts {
                cells
                    .pop()
                    .flatten()
                    .and_then(|n| n.parse::<u64>().ok())
                    .filter(|n| *n > 1)
            } else {
                None
            };
            self.page.push_back(Row {
                line: u64::try_from(line).unwrap_or(0),
                cells,
                id_shared_by,
            });
        }
        Ok(())
    }
}

impl Cells for CursorRows {
    fn line(&self) -> u64 {
        self.current.as_ref().map_or(0, |r| r.line)
    }

    fn problem(&self) -> Option<crate::reason::Reason> {
        let n = self.current.as_ref()?.id_shared_by?;
        // English only, as the database's other reasons are for now.
        Some(crate::reason::Reason::Text(format!(
            "{n} groups of {} have this id, and members are joined to their group by id: none of \
             them is decided; give each its own id, or map another column with --map id=COLUMN",
            self.file
        )))
    }

    fn problem_code(&self) -> &'static str {
        match self.current.as_ref().and_then(|r| r.id_shared_by) {
            Some(_) => crate::error::codes::DUPLICATE_ID,
            None => crate::error::codes::MALFORMED_ROW,
        }
    }

    fn cell(&self, k: usize) -> Result<Option<&str>, BadCell> {
        Ok(self
            .current
            .as_ref()
            .and_then(|r| r.cells.get(k))
            .and_then(|c| c.as_deref()))
    }
}

impl RowStream for CursorRows {
    fn file(&self) -> &Arc<str> {
        &self.file
    }

    fn absent(&self) -> Option<&[Absent]> {
        Some(&self.absent)
    }

    fn advance(&mut self) -> Result<bool, RegistryError> {
        if self.page.is_empty() && !self.exhausted {
            self.fetch()?;
        }
        self.current = self.page.pop_front();
        if self.current.is_some() {
            self.read += 1;
        }
        Ok(self.current.is_some())
    }

    fn position(&self) -> (u64, Option<u64>) {
        (self.read, self.total)
    }
}
