//! An in-memory index of member rows, for members files not sorted by group id.
//!
//! Only the wanted columns are kept, as text in one arena; rows are ordered by group id so that a
//! group's members are found by binary search. Memory grows with the members file (about 16 bytes
//! per wanted cell plus its text), which is why sorted files are streamed instead.

use super::rows::{BadCell, Cells, RowStream};
use crate::error::RegistryError;
use crate::order::compare_ids;
use std::collections::HashMap;

const ABSENT: u32 = u32::MAX;
const BAD: u32 = u32::MAX - 1;

#[derive(Clone, Copy)]
struct Span {
    start: usize,
    len: u32,
}

/// Member rows held in memory, ordered by group id.
pub(crate) struct MemberIndex {
    arena: String,
    ncols: usize,
    gid_col: usize,
    spans: Vec<Span>,
    lines: Vec<u64>,
    problems: HashMap<usize, crate::reason::Reason>,
    bad: HashMap<(usize, usize), BadCell>,
    /// Row numbers sorted by (group id, row).
    order: Vec<usize>,
    claimed: Vec<bool>,
}

/// One stored row.
pub(crate) struct StoredRow<'a> {
    index: &'a MemberIndex,
    row: usize,
}

impl MemberIndex {
    /// Reads every row of `rows`.
    ///
    /// # Errors
    /// A [`RegistryError`] when the file cannot be read.
    pub fn load(
        rows: &mut dyn RowStream,
        ncols: usize,
        gid_col: usize,
    ) -> Result<MemberIndex, RegistryError> {
        let mut ix = MemberIndex {
            arena: String::new(),
            ncols,
            gid_col,
            spans: Vec::new(),
            lines: Vec::new(),
            problems: HashMap::new(),
            bad: HashMap::new(),
            order: Vec::new(),
            claimed: Vec::new(),
        };
        while rows.advance()? {
            let row = ix.lines.len();
            ix.lines.push(rows.line());
            if let Some(p) = rows.problem() {
                ix.problems.insert(row, p);
            }
            for k in 0..ncols {
                let span = match rows.cell(k) {
                    Ok(None) => Span {
                        start: 0,
                        len: ABSENT,
                    },
                    Ok(Some(t)) => {
                        let start = ix.arena.len();
                        ix.arena.push_str(t);
                        Span {
                            start,
                            len: u32::try_from(t.len()).unwrap_or(BAD),
                        }
                    }
                    Err(b) => {
                        ix.bad.insert((row, k), b);
                        Span { start: 0, len: BAD }
                    }
                };
                ix.spans.push(span);
            }
        }
        let mut order: Vec<usize> = (0..ix.lines.len()).collect();
        order.sort_by(|a, b| compare_ids(ix.gid(*a), ix.gid(*b)).then(a.cmp(b)));
        ix.claimed = vec![false; order.len()];
        ix.order = order;
        Ok(ix)
    }

    fn text(&self, row: usize, k: usize) -> Result<Option<&str>, BadCell> {
        let Some(span) = self.spans.get(row * self.ncols + k) else {
            return Ok(None);
        };
        match span.len {
            ABSENT => Ok(None),
            BAD => Err(self
                .bad
                .get(&(row, k))
                .copied()
                .unwrap_or(BadCell::NOT_UTF8)),
            len => Ok(self.arena.get(span.start..span.start + len as usize)),
        }
    }

    /// The group id of `row` (empty when absent or unreadable).
    fn gid(&self, row: usize) -> &str {
        self.text(row, self.gid_col).ok().flatten().unwrap_or("")
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// The rows of group `id`, marked as claimed.
    pub fn take(&mut self, id: &str) -> Vec<usize> {
        let start = self
            .order
            .partition_point(|r| compare_ids(self.gid(*r), id).is_lt());
        let end = self
            .order
            .partition_point(|r| compare_ids(self.gid(*r), id).is_le());
        let rows: Vec<usize> = self
            .order
            .get(start..end)
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(|r| self.gid(*r) == id)
            .collect();
        for r in &rows {
            if let Some(c) = self.claimed.get_mut(*r) {
                *c = true;
            }
        }
        rows
    }

    /// Rows no group claimed, in file order.
    pub fn unclaimed(&self) -> Vec<usize> {
        self.claimed
            .iter()
            .enumerate()
            .filter(|(_, c)| !**c)
            .map(|(r, _)| r)
            .collect()
    }

    /// A view of `row` as cells.
    pub fn row(&self, row: usize) -> StoredRow<'_> {
        StoredRow { index: self, row }
    }
}

impl Cells for StoredRow<'_> {
    fn line(&self) -> u64 {
        self.index.lines.get(self.row).copied().unwrap_or(0)
    }

    fn problem(&self) -> Option<crate::reason::Reason> {
        self.index.problems.get(&self.row).cloned()
    }

    fn cell(&self, k: usize) -> Result<Option<&str>, BadCell> {
        self.index.text(self.row, k)
    }
}
