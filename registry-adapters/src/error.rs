//! Errors of registry sources, with stable codes.
//!
//! Two kinds of problems, kept apart:
//!
//! - a [`RegistryError`] stops reading: the registry cannot be read at all (a missing file, no
//!   header, a column the program needs is absent …). Nothing is decided.
//! - a [`RowError`](crate::RowError) is a record about one row (a bad date, a duplicate id, a member
//!   of a group that does not exist …): reading goes on, and the row's unit gets that record instead
//!   of a decision.
//!
//! | code | kind | meaning |
//! | --- | --- | --- |
//! | G0001 | stop | a file cannot be opened or read |
//! | G0002 | stop | no registry file where one was expected |
//! | G0003 | stop | a file has no header line (it is empty) |
//! | G0004 | stop | the header lacks columns the program needs |
//! | G0005 | stop | a column appears twice in the header |
//! | G0006 | stop | a file cannot be parsed at all (not UTF-8 in its header, broken CSV) |
//! | G0007 | stop | rows are not sorted by id (only with [`JoinMode::Sorted`](crate::JoinMode)) |
//! | G0008 | stop | the registry does not suit the program, or this build cannot read it |
//! | G0009 | stop | a database cannot be reached, or a statement on it fails |
//! | G0010 | stop | a table the source needs is not in the database |
//! | G0011 | stop | a table lacks a column the program needs (or the mapping names) |
//! | G0012 | stop | a column's SQL type cannot hold its input's type |
//! | G0013 | stop | a file is not a DCI social-registry search response |
//! | G0014 | stop | a SQLite file is not an Entitle store, or its schema is newer than this build |
//! | G0015 | stop | an input-to-column mapping is invalid (syntax, unknown input, ambiguous column) |
//! | G0101 | row | a cell is not a value of its input's type (a bad date, number, amount, truth value) |
//! | G0102 | row | a cell is not one of its input's declared choices |
//! | G0103 | row | an amount's currency column names another currency than the program's |
//! | G0104 | row | a row has more or fewer cells than the header (or is not a JSON object) |
//! | G0105 | row | a row has no id (or a member row no group id) |
//! | G0106 | row | a unit id appears twice (in files the second row is refused, and the first too when a household program's two rows differ; in a database every group that shares a mapped id), or a member twice in one group for the same days (the unit is an error) |
//! | G0107 | row | a member row names a group that is not in the groups file |
//! | G0108 | row | a membership start or end date is not a date, or ends before it starts |
//! | G0109 | row | a cell is not valid UTF-8 |
//! | G0110 | row | a household has more members than the program's limit |
//! | G0111 | row | a number is ambiguous in a semicolon-separated file (`1.500`: a point between thousands, or before decimals) |
//!
//! Evaluation errors of units keep their engine codes (`R0001` …).

use crate::reason::Reason;
use entitle_dsl::locale::{self, Catalog};
use std::path::{Path, PathBuf};

/// Why a registry cannot be read. Messages name files, lines and columns, never a registrant's values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// G0001: a file cannot be opened or read.
    #[error("{}", render(self))]
    Io {
        /// What was being done (`open`, `read`).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// G0002: no registry file where one was expected.
    #[error("{}", render(self))]
    NotFound {
        /// The path given.
        path: PathBuf,
        /// What was looked for.
        reason: Reason,
    },
    /// G0003: a file has no header line.
    #[error("{}", render(self))]
    NoHeader {
        /// The file.
        path: PathBuf,
    },
    /// G0004: the header lacks columns the program needs.
    #[error("{}", render(self))]
    MissingColumns {
        /// The file.
        path: PathBuf,
        /// The missing columns.
        columns: Vec<String>,
        /// A hint, such as a close column name.
        help: Option<Reason>,
    },
    /// G0005: a column appears twice in the header.
    #[error("{}", render(self))]
    DuplicateColumn {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
    },
    /// G0006: a file cannot be parsed at all.
    #[error("{}", render(self))]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The line.
        line: u64,
        /// What is wrong.
        reason: Reason,
    },
    /// G0007: rows are not sorted by id where sorted rows were required.
    #[error("{}", render(self))]
    NotSorted {
        /// The file.
        path: PathBuf,
        /// The first line out of order.
        line: u64,
        /// `group id` or `id`.
        what: &'static str,
    },
    /// G0008: the registry does not suit the program, or this build cannot read it.
    #[error("{}", render(self))]
    Unsupported {
        /// What is wrong.
        reason: Reason,
    },
    /// G0009: a database cannot be reached, or a statement on it fails.
    #[error("{}", render(self))]
    Database {
        /// The database, without any password (`postgres://entitle@db:5432/registry`, `store.db`).
        database: String,
        /// What was being done (`connect`, `read res_partner`, `record the decisions`).
        action: String,
        /// The driver's message.
        reason: String,
    },
    /// G0010: a table the source needs is not in the database.
    #[error("{}", render(self))]
    MissingTable {
        /// The database, without any password.
        database: String,
        /// The table.
        table: String,
        /// Why it is needed.
        reason: Reason,
    },
    /// G0011: a table lacks a column the program needs, or one a mapping names.
    #[error("{}", render(self))]
    MissingColumn {
        /// The database, without any password.
        database: String,
        /// The table.
        table: String,
        /// The column looked for.
        column: String,
        /// Why it is needed (`for the input `region``), with a hint such as a close column name.
        reason: Reason,
    },
    /// G0012: a column's SQL type cannot hold its input's type.
    #[error("{}", render(self))]
    ColumnType {
        /// The database, without any password.
        database: String,
        /// The column, as `table.column`.
        column: String,
        /// The column's SQL type.
        sql_type: String,
        /// The input with its type (`the money KES input `monthly_income``, `a membership date`).
        input: Reason,
    },
    /// G0013: a file is not a DCI social-registry search response.
    #[error("{}", render(self))]
    NotDci {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        reason: Reason,
    },
    /// G0014: a SQLite file is not an Entitle store, or its schema is newer than this build.
    #[error("{}", render(self))]
    Store {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: Reason,
    },
    /// G0015: an input-to-column mapping is invalid.
    #[error("{}", render(self))]
    Mapping {
        /// The mapping entry as written (`region=x_cst_grp_region`).
        entry: String,
        /// What is wrong.
        reason: Reason,
    },
}

impl RegistryError {
    /// The stable code (`G0001` …).
    pub fn code(&self) -> &'static str {
        match self {
            RegistryError::Io { .. } => "G0001",
            RegistryError::NotFound { .. } => "G0002",
            RegistryError::NoHeader { .. } => "G0003",
            RegistryError::MissingColumns { .. } => "G0004",
            RegistryError::DuplicateColumn { .. } => "G0005",
            RegistryError::Malformed { .. } => "G0006",
            RegistryError::NotSorted { .. } => "G0007",
            RegistryError::Unsupported { .. } => "G0008",
            RegistryError::Database { .. } => "G0009",
            RegistryError::MissingTable { .. } => "G0010",
            RegistryError::MissingColumn { .. } => "G0011",
            RegistryError::ColumnType { .. } => "G0012",
            RegistryError::NotDci { .. } => "G0013",
            RegistryError::Store { .. } => "G0014",
            RegistryError::Mapping { .. } => "G0015",
        }
    }

    /// The message in the catalogue's language: the catalogue's entry for the code (`G0004.one`
    /// …), filled with the error's names. Text that comes from elsewhere (an operating system's
    /// error, a database driver's message) is kept as it comes.
    pub fn message(&self, catalog: &Catalog) -> String {
        let shown = |p: &Path| p.display().to_string();
        let say = |r: &Reason| r.render(catalog);
        let render = |key: &str, args: &[(&str, &str)]| catalog.render(key, args);
        match self {
            RegistryError::Io {
                action,
                path,
                source,
            } => {
                let key = match *action {
                    "open" => "G0001.open",
                    "read" => "G0001.read",
                    _ => "G0001",
                };
                let error = source.to_string();
                let args = [("path", shown(path)), ("error", error)];
                let mut refs: Vec<(&str, &str)> =
                    args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                refs.push(("action", action));
                render(key, &refs)
            }
            RegistryError::NotFound { path, reason } => {
                render("G0002", &[("path", &shown(path)), ("detail", &say(reason))])
            }
            RegistryError::NoHeader { path } => render("G0003", &[("path", &shown(path))]),
            RegistryError::MissingColumns {
                path,
                columns,
                help,
            } => {
                let key = if columns.len() == 1 {
                    "G0004.one"
                } else {
                    "G0004.many"
                };
                let list = columns
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let text = render(key, &[("path", &shown(path)), ("columns", &list)]);
                match help {
                    Some(h) => render("G0004.help", &[("text", &text), ("help", &say(h))]),
                    None => text,
                }
            }
            RegistryError::DuplicateColumn { path, column } => {
                render("G0005", &[("path", &shown(path)), ("column", column)])
            }
            RegistryError::Malformed { path, line, reason } => render(
                "G0006",
                &[
                    ("path", &shown(path)),
                    ("line", &line.to_string()),
                    ("detail", &say(reason)),
                ],
            ),
            RegistryError::NotSorted { path, line, what } => {
                let key = if *what == "group id" {
                    "G0007.group"
                } else {
                    "G0007"
                };
                render(key, &[("path", &shown(path)), ("line", &line.to_string())])
            }
            RegistryError::Unsupported { reason } => render("G0008", &[("detail", &say(reason))]),
            RegistryError::Database {
                database,
                action,
                reason,
            } => render(
                "G0009",
                &[
                    ("database", database),
                    ("action", action),
                    ("driver", reason),
                ],
            ),
            RegistryError::MissingTable {
                database,
                table,
                reason,
            } => render(
                "G0010",
                &[
                    ("database", database),
                    ("table", table),
                    ("detail", &say(reason)),
                ],
            ),
            RegistryError::MissingColumn {
                database,
                table,
                column,
                reason,
            } => render(
                "G0011",
                &[
                    ("database", database),
                    ("table", table),
                    ("column", column),
                    ("detail", &say(reason)),
                ],
            ),
            RegistryError::ColumnType {
                database,
                column,
                sql_type,
                input,
            } => render(
                "G0012",
                &[
                    ("database", database),
                    ("column", column),
                    ("sql_type", sql_type),
                    ("input", &say(input)),
                ],
            ),
            RegistryError::NotDci { path, reason } => {
                render("G0013", &[("path", &shown(path)), ("detail", &say(reason))])
            }
            RegistryError::Store { path, reason } => {
                render("G0014", &[("path", &shown(path)), ("detail", &say(reason))])
            }
            RegistryError::Mapping { entry, reason } => {
                render("G0015", &[("entry", entry), ("detail", &say(reason))])
            }
        }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> RegistryError {
        RegistryError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// The English message, which `Display` writes.
fn render(e: &RegistryError) -> String {
    e.message(locale::english())
}

/// Stable codes of row errors (see the table in this module's documentation).
pub mod codes {
    /// A cell is not a value of its input's type.
    pub const BAD_VALUE: &str = "G0101";
    /// A cell is not one of its input's declared choices.
    pub const NOT_A_CHOICE: &str = "G0102";
    /// An amount's currency column names another currency.
    pub const WRONG_CURRENCY: &str = "G0103";
    /// A row has more or fewer cells than the header, or is not a JSON object.
    pub const MALFORMED_ROW: &str = "G0104";
    /// A row has no id, or a member row no group id.
    pub const NO_ID: &str = "G0105";
    /// A unit id appears twice, or a member twice in one group for the same days.
    pub const DUPLICATE_ID: &str = "G0106";
    /// A member row names a group that is not in the groups file.
    pub const UNKNOWN_GROUP: &str = "G0107";
    /// A membership date is not a date, or the membership ends before it starts.
    pub const BAD_MEMBERSHIP_DATE: &str = "G0108";
    /// A cell is not valid UTF-8.
    pub const NOT_UTF8: &str = "G0109";
    /// A household has more members than the program's limit.
    pub const TOO_MANY_MEMBERS: &str = "G0110";
    /// A number is ambiguous in a semicolon-separated file: `1.500` may be one and a half or one
    /// thousand five hundred.
    pub const AMBIGUOUS_NUMBER: &str = "G0111";

    /// Every registry code, stopping and row codes, in order.
    pub const ALL: &[&str] = &[
        "G0001",
        "G0002",
        "G0003",
        "G0004",
        "G0005",
        "G0006",
        "G0007",
        "G0008",
        "G0009",
        "G0010",
        "G0011",
        "G0012",
        "G0013",
        "G0014",
        "G0015",
        BAD_VALUE,
        NOT_A_CHOICE,
        WRONG_CURRENCY,
        MALFORMED_ROW,
        NO_ID,
        DUPLICATE_ID,
        UNKNOWN_GROUP,
        BAD_MEMBERSHIP_DATE,
        NOT_UTF8,
        TOO_MANY_MEMBERS,
        AMBIGUOUS_NUMBER,
    ];
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
