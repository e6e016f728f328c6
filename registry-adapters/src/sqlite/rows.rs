//! Rows of an imported file, read back from the store page by page in id order.
//!
//! Each page is one query (`WHERE (key, seq) > (last key, last seq) ORDER BY key, seq LIMIT n`, on
//! an index), so no statement stays open between pages and memory stays flat. Only the columns the
//! program wants are selected; they are found in the table's own column list (never taken from the
//! caller as SQL), and quoted.

use super::import::{quote, sort_key, Role};
use super::schema::db_error;
use crate::error::{codes, RegistryError};
use crate::files::rows::{
    absent_columns, closest, Absent, BadCell, Cells, RowStream, Separator, Wanted,
};
use crate::reason::Reason;
use rusqlite::{Connection, OpenFlags};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows fetched per query.
const PAGE: usize = 4096;

/// The reason given for a JSON object where a value was expected (as the JSONL reader gives it).
/// The catalogue entry of a JSON object where a value was expected (as in a JSON Lines file).
const OBJECT_CELL: &str = "G0101.object";

/// One row of a page.
struct Row {
    seq: i64,
    key: Vec<u8>,
    line: u64,
    problem: Option<String>,
    /// The selected columns' text.
    cells: Vec<Option<String>>,
    /// Selected columns whose cell could not be read as text, with the code.
    bad: Vec<(usize, &'static str)>,
}

/// An imported file's table, read in (group) id order.
pub(crate) struct StoreRows {
    conn: Connection,
    store: PathBuf,
    file: Arc<str>,
    sql: String,
    only: Option<Vec<u8>>,
    /// For each wanted column, its position among the selected columns.
    wanted: Vec<Option<usize>>,
    /// The selected columns' names.
    selected: Vec<String>,
    page: std::collections::VecDeque<Row>,
    current: Option<Row>,
    last: (Vec<u8>, i64),
    exhausted: bool,
    read: u64,
    total: u64,
    separator: Separator,
    /// The optional wanted columns the imported file lacks.
    absent: Vec<Absent>,
}

/// What the store knows of an imported file.
#[derive(Clone, Debug)]
pub(crate) struct StoredFile {
    pub source: String,
    pub columns: Vec<String>,
    pub rows: u64,
    /// How the file separated its cells (see [`Separator`]).
    pub separator: Separator,
}

/// Reads the `registry_file` row of `role`, if that role was imported.
pub(crate) fn stored_file(
    conn: &Connection,
    store: &Path,
    role: Role,
) -> Result<Option<StoredFile>, RegistryError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT source, columns, rows, separator FROM registry_file WHERE role = ?1",
        )
        .map_err(|e| db_error(store, "read the store", &e))?;
    let mut rows = stmt
        .query([role.as_str()])
        .map_err(|e| db_error(store, "read the store", &e))?;
    let Some(row) = rows
        .next()
        .map_err(|e| db_error(store, "read the store", &e))?
    else {
        return Ok(None);
    };
    let get = |k| -> Result<rusqlite::types::Value, RegistryError> {
        row.get(k)
            .map_err(|e| db_error(store, "read the store", &e))
    };
    let (source, columns, count, separator) = (get(0)?, get(1)?, get(2)?, get(3)?);
    let text = |v: rusqlite::types::Value| match v {
        rusqlite::types::Value::Text(t) => t,
        _ => String::new(),
    };
    let columns: Vec<String> =
        serde_json::from_str(&text(columns)).map_err(|_| RegistryError::Store {
            path: store.to_path_buf(),
            reason: Reason::key(match role {
                Role::Groups => "G0014.columns.groups",
                Role::Members => "G0014.columns.members",
                Role::Individuals => "G0014.columns.individuals",
            }),
        })?;
    let rows = match count {
        rusqlite::types::Value::Integer(n) => u64::try_from(n).unwrap_or(0),
        _ => 0,
    };
    let separator = match text(separator).as_str() {
        "semicolon" => Separator::Semicolon,
        "comma" => Separator::Comma,
        _ => Separator::Other,
    };
    Ok(Some(StoredFile {
        source: text(source),
        columns,
        rows,
        separator,
    }))
}

/// Finds a wanted column among the table's columns: each accepted name exactly, then ignoring
/// case, as the file readers do.
fn find(columns: &[String], w: &Wanted) -> Option<usize> {
    w.names
        .iter()
        .find_map(|n| columns.iter().position(|c| c == n))
        .or_else(|| {
            w.names
                .iter()
                .find_map(|n| columns.iter().position(|c| c.eq_ignore_ascii_case(n)))
        })
}

impl StoreRows {
    /// Opens the rows of `role`, ordered by the unit id (`by_id`, for members read as
    /// individuals) or by the role's key; only `only`'s rows when given.
    pub fn open(
        store: &Path,
        role: Role,
        file: &StoredFile,
        wanted: &[Wanted],
        by_id: bool,
        only: Option<&str>,
    ) -> Result<StoreRows, RegistryError> {
        let conn = Connection::open_with_flags(
            store,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| db_error(store, "open the store", &e))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| db_error(store, "open the store", &e))?;
        let mut selected: Vec<String> = Vec::new();
        let mut positions = Vec::with_capacity(wanted.len());
        let mut missing = Vec::new();
        let mut help = None;
        for w in wanted {
            match find(&file.columns, w) {
                Some(i) => {
                    let name = file.columns.get(i).cloned().unwrap_or_default();
                    let at = match selected.iter().position(|s| *s == name) {
                        Some(p) => p,
                        None => {
                            selected.push(name);
                            selected.len() - 1
                        }
                    };
                    positions.push(Some(at));
                }
                None => {
                    if w.required {
                        missing.push(w.name().to_string());
                        if help.is_none() {
                            help = closest(w.name(), file.columns.iter().map(String::as_str))
                                .map(|c| Reason::with("G0004.closest", &[("column", c)]));
                        }
                    }
                    positions.push(None);
                }
            }
        }
        if !missing.is_empty() {
            return Err(RegistryError::MissingColumns {
                path: PathBuf::from(&file.source),
                columns: missing,
                help,
            });
        }
        let in_file: Vec<Option<usize>> = wanted.iter().map(|w| find(&file.columns, w)).collect();
        let absent = absent_columns(&file.columns, wanted, &in_file);
        let key = if by_id {
            "_entitle_id_key"
        } else {
            "_entitle_key"
        };
        let cols: String = selected.iter().map(|c| format!(", {}", quote(c))).collect();
        let filter = if only.is_some() {
            format!(" AND {key} = ?3")
        } else {
            String::new()
        };
        let sql = format!(
            "SELECT _entitle_seq, {key}, _entitle_line, _entitle_problem, _entitle_bad{cols} FROM {} \
             WHERE ({key}, _entitle_seq) > (?1, ?2){filter} ORDER BY {key}, _entitle_seq LIMIT {PAGE}",
            quote(role.table())
        );
        Ok(StoreRows {
            conn,
            store: store.to_path_buf(),
            file: Arc::from(file.source.as_str()),
            sql,
            only: only.map(|o| sort_key(Some(o))),
            wanted: positions,
            selected,
            page: Default::default(),
            current: None,
            last: (Vec::new(), -1),
            exhausted: false,
            read: 0,
            total: file.rows,
            separator: file.separator,
            absent,
        })
    }

    fn fetch(&mut self) -> Result<(), RegistryError> {
        let store = self.store.clone();
        let fail = |e: rusqlite::Error| db_error(&store, "read the imported registry", &e);
        let mut stmt = self.conn.prepare_cached(&self.sql).map_err(fail)?;
        let (key, seq) = (&self.last.0, self.last.1);
        let mut rows = match &self.only {
            Some(only) => stmt.query(rusqlite::params![key, seq, only]),
            None => stmt.query(rusqlite::params![key, seq]),
        }
        .map_err(fail)?;
        let n = self.selected.len();
        let mut fetched = 0usize;
        while let Some(r) = rows.next().map_err(fail)? {
            fetched += 1;
            let seq: i64 = r.get(0).map_err(fail)?;
            let key: Vec<u8> = r.get(1).map_err(fail)?;
            let line: i64 = r.get(2).map_err(fail)?;
            let problem: Option<String> = r.get(3).map_err(fail)?;
            let bad_json: Option<String> = r.get(4).map_err(fail)?;
            let mut cells = Vec::with_capacity(n);
            for k in 0..n {
                cells.push(r.get::<_, Option<String>>(k + 5).map_err(fail)?);
            }
            let mut bad = Vec::new();
            if let Some(j) = bad_json {
                let map: HashMap<String, String> = serde_json::from_str(&j).unwrap_or_default();
                for (col, code) in map {
                    if let Some(k) = self.selected.iter().position(|s| *s == col) {
                        let code = if code == codes::NOT_UTF8 {
                            codes::NOT_UTF8
                        } else {
                            codes::BAD_VALUE
                        };
                        bad.push((k, code));
                    }
                }
            }
            self.page.push_back(Row {
                seq,
                key,
                line: u64::try_from(line).unwrap_or(0),
                problem,
                cells,
                bad,
            });
        }
        if let Some(last) = self.page.back() {
            self.last = (last.key.clone(), last.seq);
        }
        if fetched < PAGE {
            self.exhausted = true;
        }
        Ok(())
    }
}

impl Cells for StoreRows {
    fn line(&self) -> u64 {
        self.current.as_ref().map_or(0, |r| r.line)
    }

    fn problem(&self) -> Option<Reason> {
        // Stored as English text at import (the store is read by tools too).
        self.current
            .as_ref()
            .and_then(|r| r.problem.clone())
            .map(Reason::Text)
    }

    fn cell(&self, k: usize) -> Result<Option<&str>, BadCell> {
        let (Some(row), Some(Some(at))) = (&self.current, self.wanted.get(k)) else {
            return Ok(None);
        };
        if let Some((_, code)) = row.bad.iter().find(|(c, _)| c == at) {
            return Err(if *code == codes::NOT_UTF8 {
                BadCell::NOT_UTF8
            } else {
                BadCell {
                    code: codes::BAD_VALUE,
                    key: OBJECT_CELL,
                }
            });
        }
        Ok(row.cells.get(*at).and_then(|c| c.as_deref()))
    }
}

impl RowStream for StoreRows {
    fn absent(&self) -> Option<&[Absent]> {
        Some(&self.absent)
    }

    fn file(&self) -> &Arc<str> {
        &self.file
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
        (self.read, Some(self.total))
    }

    fn separator(&self) -> Separator {
        self.separator
    }
}
