//! Rows of a registry file, seen through the columns a program needs.
//!
//! A [`RowStream`] reads one file row by row (CSV, JSONL or Parquet) and gives the text of the wanted
//! columns of the current row, numbered as the caller asked for them. The assembler that builds
//! units from groups and members (`assemble`) only sees this interface.

use crate::error::RegistryError;
use crate::reason::Reason;
use std::path::Path;
use std::sync::Arc;

/// A column the caller wants: its accepted names (the first is the canonical one) and whether the
/// file must have it.
#[derive(Clone, Debug)]
pub(crate) struct Wanted {
    pub names: Vec<String>,
    pub required: bool,
}

impl Wanted {
    pub fn required(names: &[&str]) -> Wanted {
        Wanted {
            names: names.iter().map(|s| s.to_string()).collect(),
            required: true,
        }
    }

    pub fn optional(names: &[&str]) -> Wanted {
        Wanted {
            names: names.iter().map(|s| s.to_string()).collect(),
            required: false,
        }
    }

    /// The canonical name.
    pub fn name(&self) -> &str {
        self.names.first().map(String::as_str).unwrap_or("")
    }
}

/// A wanted column that a file does not have (an optional one: a missing required one stops the
/// run with G0004).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Absent {
    /// Its position among the wanted columns.
    pub wanted: usize,
    /// The file's column with the closest name that no wanted column reads, when one is close:
    /// most often the same name misspelt, read by nothing while the input takes its default.
    pub closest: Option<String>,
    /// Where the column was looked for, when not in the stream's own file (a database's members
    /// are memberships, their inputs columns of the people's table).
    pub table: Option<&'static str>,
}

/// The wanted columns not `found` (by position), each with the closest of the file's `unread`
/// column names (those no wanted column reads): how every reader names what it lacks, whether
/// it knows from a header, from every row of a JSON Lines file or from records in memory.
pub(crate) fn absent_among(wanted: &[Wanted], found: &[bool], unread: &[&str]) -> Vec<Absent> {
    wanted
        .iter()
        .zip(found)
        .enumerate()
        .filter(|(_, (_, found))| !**found)
        .map(|(k, (w, _))| Absent {
            wanted: k,
            closest: closest(w.name(), unread.iter().copied()).map(str::to_string),
            table: None,
        })
        .collect()
}

/// The optional wanted columns that `names` (a file's header) lacks, given where each wanted
/// column was found (`fields`, from [`find_columns`]).
#[cfg_attr(not(any(feature = "csv", feature = "parquet")), allow(dead_code))]
pub(crate) fn absent_columns(
    names: &[String],
    wanted: &[Wanted],
    fields: &[Option<usize>],
) -> Vec<Absent> {
    let unread: Vec<&str> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| !fields.contains(&Some(*i)))
        .map(|(_, n)| n.as_str())
        .collect();
    let found: Vec<bool> = fields.iter().map(Option::is_some).collect();
    absent_among(wanted, &found, &unread)
}

/// Why a cell cannot be read at all (its bytes are not text, a JSON object where a value belongs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BadCell {
    pub code: &'static str,
    /// The catalogue entry that says why (English in `dsl/locales/en.messages`).
    pub key: &'static str,
}

impl BadCell {
    /// Why, as a row error's reason.
    pub fn reason(self) -> crate::reason::Reason {
        crate::reason::Reason::key(self.key)
    }

    pub const NOT_UTF8: BadCell = BadCell {
        code: crate::error::codes::NOT_UTF8,
        // Nearly always a file saved in a legacy encoding (an accent in Windows-1252 or Latin-1):
        // the entry says what to do, not only what is wrong.
        key: "G0109",
    };
}

/// The current row's cells.
pub(crate) trait Cells {
    /// The line of the current row, from 1 (in a Parquet file, which has no lines, the row's
    /// number from 1).
    fn line(&self) -> u64;
    /// A problem with the whole row (wrong number of cells, not a JSON object).
    fn problem(&self) -> Option<Reason>;
    /// The code of [`Cells::problem`]: a malformed row (G0104) unless the source knows better.
    fn problem_code(&self) -> &'static str {
        crate::error::codes::MALFORMED_ROW
    }
    /// The trimmed text of wanted column `k`; `None` when the column is absent or the cell empty.
    fn cell(&self, k: usize) -> Result<Option<&str>, BadCell>;
}

/// A file read row by row.
pub(crate) trait RowStream: Cells + Send {
    /// The file's display name.
    fn file(&self) -> &Arc<str>;
    /// Moves to the next row; false at the end of the file.
    fn advance(&mut self) -> Result<bool, RegistryError>;
    /// Bytes read so far and the file's size (for Parquet, which is read by column, the share of
    /// the file's rows read so far, in bytes of the file).
    fn position(&self) -> (u64, Option<u64>);
    /// The current row as one text holding every wanted cell, when the reader has it so (a plain
    /// CSV line): `spans[k]` is set to the byte range of wanted column `k`'s cell in it, exactly
    /// the text [`Cells::cell`] gives (trimmed; `None` when absent or empty). Lets the reading
    /// thread hand a row over in one copy instead of one per cell. The bytes are UTF-8 (the reader
    /// checked them). `None`: take the cells one by one.
    fn row_text(&self, _spans: &mut [Option<(u32, u32)>]) -> Option<&[u8]> {
        None
    }
    /// How the file separates its cells, where that bears on how its numbers are written.
    fn separator(&self) -> Separator {
        Separator::Other
    }
    /// The wanted columns the file's header lacks; `None` for a file without a header (JSON
    /// Lines), where a key may be absent from one row and present in the next.
    fn absent(&self) -> Option<&[Absent]> {
        None
    }
}

/// How a file separates its cells. A spreadsheet saves CSV with semicolons where the comma is the
/// decimal mark, and there the point groups thousands (`1.500` is one thousand five hundred): the
/// cells of such a file are read with that in mind (see `files::numbers`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
// Only the CSV reader says `Comma` or `Semicolon`.
#[cfg_attr(not(feature = "csv"), allow(dead_code))]
pub enum Separator {
    /// A CSV file separated by commas.
    Comma,
    /// A CSV file separated by semicolons.
    Semicolon,
    /// Anything else: a TSV file, JSON Lines, Parquet, a database.
    #[default]
    Other,
}

/// `text[start..end]` without the white space around it, as `str::trim` gives it: a cell with
/// plain ends (nearly all of them, [`entitle_core::plain_ends`]) is not scanned.
#[cfg(feature = "csv")]
pub(crate) fn trimmed_range(text: &[u8], start: usize, end: usize) -> (usize, usize) {
    let Some(bytes) = text.get(start..end) else {
        return (start, start);
    };
    if entitle_core::plain_ends(bytes) {
        return (start, end);
    }
    // Cut at delimiters, which are ASCII, so a cell of UTF-8 text is UTF-8 text.
    let Ok(cell) = std::str::from_utf8(bytes) else {
        return (start, end);
    };
    let front = cell.len() - cell.trim_start().len();
    let kept = cell.trim().len();
    (start + front, start + front + kept)
}

/// Finds each wanted column among a file's column names (a CSV header, a Parquet schema).
///
/// # Errors
/// G0004 when required columns are missing (with a "did you mean" hint), G0005 when a wanted
/// column appears twice.
#[cfg_attr(not(any(feature = "csv", feature = "parquet")), allow(dead_code))]
pub(crate) fn find_columns(
    path: &Path,
    names: &[String],
    wanted: &[Wanted],
) -> Result<Vec<Option<usize>>, RegistryError> {
    let mut fields = Vec::with_capacity(wanted.len());
    let mut missing = Vec::new();
    let mut help = None;
    for w in wanted {
        match lookup(names, w) {
            Lookup::Found(i) => fields.push(Some(i)),
            Lookup::Twice(column) => {
                return Err(RegistryError::DuplicateColumn {
                    path: path.to_path_buf(),
                    column,
                })
            }
            Lookup::Absent => {
                if w.required {
                    missing.push(w.name().to_string());
                    if help.is_none() {
                        help = closest(w.name(), names.iter().map(String::as_str))
                            .map(|c| Reason::with("G0004.closest", &[("column", c)]));
                    }
                }
                fields.push(None);
            }
        }
    }
    if missing.is_empty() {
        Ok(fields)
    } else {
        Err(RegistryError::MissingColumns {
            path: path.to_path_buf(),
            columns: missing,
            help,
        })
    }
}

enum Lookup {
    Found(usize),
    Twice(String),
    Absent,
}

/// Each accepted name in turn, exactly and then ignoring case: the first name found wins.
fn lookup(names: &[String], w: &Wanted) -> Lookup {
    for exact in [true, false] {
        for name in &w.names {
            let mut hits = names.iter().enumerate().filter(|(_, n)| {
                if exact {
                    *n == name
                } else {
                    n.eq_ignore_ascii_case(name)
                }
            });
            match (hits.next(), hits.next()) {
                (Some((i, _)), None) => return Lookup::Found(i),
                (Some((_, n)), Some(_)) => return Lookup::Twice(n.clone()),
                _ => {}
            }
        }
    }
    Lookup::Absent
}

/// The closest name among `candidates`, for "did you mean" hints: the checker's own closeness
/// of names, so that a column and a program's name are suggested alike.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    entitle_dsl::check::suggest::closest(name, candidates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_columns_are_named_with_a_close_column_nothing_reads() {
        let names: Vec<String> = ["id", "region", "regoin", "disabeld", "income"]
            .map(String::from)
            .to_vec();
        let wanted = [
            Wanted::required(&["id"]),
            Wanted::optional(&["region"]),
            Wanted::optional(&["disabled"]),
            Wanted::optional(&["incomes"]),
            Wanted::optional(&["pension"]),
            Wanted::optional(&["income"]),
        ];
        let fields = find_columns(Path::new("g.csv"), &names, &wanted).unwrap();
        assert_eq!(
            absent_columns(&names, &wanted, &fields),
            [
                Absent {
                    wanted: 2,
                    closest: Some("disabeld".into()),
                    table: None,
                },
                // `income` is close, but another input reads it: not a misspelling of this one.
                Absent {
                    wanted: 3,
                    closest: None,
                    table: None,
                },
                Absent {
                    wanted: 4,
                    closest: None,
                    table: None,
                },
            ]
        );
        // `regoin` is left unread, but `region` was found: nothing is absent for it.
        let wanted = [Wanted::optional(&["id"]), Wanted::optional(&["income"])];
        let fields = find_columns(Path::new("g.csv"), &names, &wanted).unwrap();
        assert_eq!(absent_columns(&names, &wanted, &fields), []);
    }

    #[test]
    #[cfg(feature = "csv")]
    fn trimmed_range_is_str_trim() {
        let cells = [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\t",
            "Île",
            " Île ",
            "\u{a0}x\u{a0}",
            "\u{3000}",
            "x\u{2003}",
            "é",
            "a b",
            "\u{7f}",
            "\r\n",
            "日本 ",
            "\u{85}z",
        ];
        for cell in cells {
            let text = format!("[{cell}]");
            let (s, e) = trimmed_range(text.as_bytes(), 1, text.len() - 1);
            assert_eq!(&text[s..e], cell.trim(), "{cell:?}");
        }
        assert_eq!(trimmed_range(b"abc", 2, 9), (2, 2));
    }

    #[test]
    fn close_names_are_suggested() {
        let cols = ["id", "region", "monthly_incme", "district"];
        assert_eq!(
            closest("monthly_income", cols.iter().copied()),
            Some("monthly_incme")
        );
        assert_eq!(closest("Region", cols.iter().copied()), Some("region"));
        assert_eq!(closest("birthdate", cols.iter().copied()), None);
    }
}
