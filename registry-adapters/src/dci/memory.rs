//! Rows held in memory (the units and members of DCI records), seen as a [`RowStream`].
//!
//! Each row is a map of field names to cell text. A wanted column is looked up under each of its
//! accepted names, then under the names a [`Mapping`] or an alias table gives, in that order.

use crate::error::RegistryError;
use crate::files::rows::{absent_among, Absent, BadCell, Cells, RowStream, Wanted};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// A cell of a row: its text, or why it has none that a program could read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Cell {
    Text(String),
    Bad(BadCell),
}

/// One row: where it comes from, a problem with the whole row, and its cells by field name.
#[derive(Clone, Debug, Default)]
pub(crate) struct FlatRow {
    pub file: Arc<str>,
    pub line: u64,
    pub problem: Option<crate::reason::Reason>,
    pub fields: HashMap<String, Cell>,
}

impl FlatRow {
    /// Sets a field unless it is set already.
    pub fn offer(&mut self, name: &str, cell: Cell) {
        self.fields.entry(name.to_string()).or_insert(cell);
    }

    /// Sets a field, replacing any value.
    pub fn set(&mut self, name: &str, text: Option<String>) {
        match text {
            Some(t) => {
                self.fields.insert(name.to_string(), Cell::Text(t));
            }
            None => {
                self.fields.remove(name);
            }
        }
    }
}

/// Rows in memory, read in order.
pub(crate) struct MemRows {
    rows: std::vec::IntoIter<FlatRow>,
    total: u64,
    read: u64,
    current: Option<FlatRow>,
    file: Arc<str>,
    /// For each wanted column, the field names to try in order.
    lookups: Vec<Vec<String>>,
    /// The wanted columns no row has a field for.
    absent: Vec<Absent>,
}

/// Rows whose field names are offered for "did you mean".
const FIELDS_SAMPLED: usize = 1_000;

/// The wanted columns (by their `lookups`) that no row has a field for, each with the closest
/// field name of the first rows that no wanted column reads. Every row is held already: this is
/// known before the first one is read.
fn absent_columns(rows: &[FlatRow], wanted: &[Wanted], lookups: &[Vec<String>]) -> Vec<Absent> {
    let mut seen = vec![false; lookups.len()];
    for row in rows {
        if seen.iter().all(|s| *s) {
            break;
        }
        for (s, names) in seen.iter_mut().zip(lookups) {
            *s = *s || names.iter().any(|n| row.fields.contains_key(n));
        }
    }
    let unread: Vec<&str> = rows
        .iter()
        .take(FIELDS_SAMPLED)
        .flat_map(|r| r.fields.keys().map(String::as_str))
        .filter(|f| !lookups.iter().flatten().any(|n| n == f))
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .collect();
    absent_among(wanted, &seen, &unread)
}

impl MemRows {
    /// Rows for `wanted` columns; `more(name)` gives further field names for an accepted name
    /// (a mapping's field first, then aliases).
    pub fn new(
        rows: Vec<FlatRow>,
        file: Arc<str>,
        wanted: &[Wanted],
        more: &dyn Fn(&str) -> Vec<String>,
    ) -> MemRows {
        let lookups = wanted
            .iter()
            .map(|w| {
                let mut names: Vec<String> = Vec::new();
                for n in &w.names {
                    for m in more(n).into_iter().chain(std::iter::once(n.clone())) {
                        if !names.contains(&m) {
                            names.push(m);
                        }
                    }
                }
                names
            })
            .collect::<Vec<_>>();
        let absent = absent_columns(&rows, wanted, &lookups);
        MemRows {
            total: rows.len() as u64,
            rows: rows.into_iter(),
            read: 0,
            current: None,
            file,
            lookups,
            absent,
        }
    }
}

impl Cells for MemRows {
    fn line(&self) -> u64 {
        self.current.as_ref().map_or(0, |r| r.line)
    }

    fn problem(&self) -> Option<crate::reason::Reason> {
        self.current.as_ref().and_then(|r| r.problem.clone())
    }

    fn cell(&self, k: usize) -> Result<Option<&str>, BadCell> {
        let (Some(row), Some(names)) = (&self.current, self.lookups.get(k)) else {
            return Ok(None);
        };
        for n in names {
            match row.fields.get(n) {
                Some(Cell::Text(t)) => return Ok(Some(t.as_str())),
                Some(Cell::Bad(b)) => return Err(*b),
                None => {}
            }
        }
        Ok(None)
    }
}

impl RowStream for MemRows {
    fn file(&self) -> &Arc<str> {
        &self.file
    }

    fn absent(&self) -> Option<&[Absent]> {
        Some(&self.absent)
    }

    fn advance(&mut self) -> Result<bool, RegistryError> {
        self.current = self.rows.next();
        if let Some(r) = &self.current {
            self.read += 1;
            self.file = Arc::clone(&r.file);
        }
        Ok(self.current.is_some())
    }

    fn position(&self) -> (u64, Option<u64>) {
        (self.read, Some(self.total))
    }
}
