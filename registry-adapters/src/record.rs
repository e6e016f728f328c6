//! Row error records: what a row that yields no decision yields instead.

use crate::reason::Reason;
use entitle_dsl::locale::Catalog;
use serde::Serialize;
use std::sync::Arc;

/// A problem with one row of a registry, reported instead of a decision.
///
/// It says where (file, line, column) and what (a stable code and a reason), never the cell's
/// value: registrants' data must not reach logs or error files.
#[derive(Clone, Debug, Serialize)]
pub struct RowError {
    /// The file (or table) the row comes from, as given by the caller.
    pub file: Arc<str>,
    /// The line (CSV, JSONL) or row number (Parquet, databases), from 1.
    pub line: u64,
    /// The column concerned, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The unit (group or individual) concerned, when its id could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    /// The member concerned, for problems in a member row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    /// The stable code (`G0101` …, or an engine code `R0001` … for evaluation errors).
    pub code: &'static str,
    /// What is wrong, in English words: [`reason`](Self::reason) said by the English catalogue.
    pub message: String,
    /// What is wrong, to be said in any catalogue's language ([`RowError::render`]).
    #[serde(skip)]
    pub reason: Reason,
    /// True when this record stands for a unit that got no decision (a group or individual row);
    /// false for a row outside any unit (a member row whose group does not exist). The counts of a
    /// run reconcile as: units read = decisions + records with `counts_as_unit`.
    pub counts_as_unit: bool,
}

/// Two records are equal when they say the same thing, in English, of the same place: a reason
/// read back from a store (text) equals the catalogue entry it was written from.
impl PartialEq for RowError {
    fn eq(&self, other: &RowError) -> bool {
        self.file == other.file
            && self.line == other.line
            && self.column == other.column
            && self.unit_id == other.unit_id
            && self.member_id == other.member_id
            && self.code == other.code
            && self.message == other.message
            && self.counts_as_unit == other.counts_as_unit
    }
}

impl Eq for RowError {}

impl RowError {
    /// A record for a unit that got no decision.
    pub fn unit(
        file: &Arc<str>,
        line: u64,
        unit_id: Option<&str>,
        code: &'static str,
        reason: impl Into<Reason>,
    ) -> RowError {
        let reason = reason.into();
        RowError {
            file: Arc::clone(file),
            line,
            column: None,
            unit_id: unit_id.map(str::to_string),
            member_id: None,
            code,
            message: reason.english(),
            reason,
            counts_as_unit: true,
        }
    }

    /// A record for a row outside any unit.
    pub fn row(
        file: &Arc<str>,
        line: u64,
        code: &'static str,
        reason: impl Into<Reason>,
    ) -> RowError {
        RowError {
            counts_as_unit: false,
            ..RowError::unit(file, line, None, code, reason)
        }
    }

    /// The same record, naming a column.
    #[must_use]
    pub fn at_column(mut self, column: &str) -> RowError {
        self.column = Some(column.to_string());
        self
    }

    /// The same record, naming a member.
    #[must_use]
    pub fn of_member(mut self, member_id: Option<&str>) -> RowError {
        self.member_id = member_id.map(str::to_string);
        self
    }

    /// `file:line: column `c``, the location as a terminal shows it.
    pub fn location(&self) -> String {
        self.location_in(entitle_dsl::locale::english())
    }

    /// The location in the language of `catalog` (`groups.csv:12 : colonne `region``).
    pub fn location_in(&self, catalog: &Catalog) -> String {
        let line = self.line.to_string();
        match &self.column {
            Some(c) => catalog.render(
                "row.at_column",
                &[("file", &self.file), ("line", &line), ("column", c)],
            ),
            None => format!("{}:{line}", self.file),
        }
    }

    /// The message in the language of `catalog`.
    pub fn message_in(&self, catalog: &Catalog) -> String {
        self.reason.render(catalog)
    }

    /// The whole record as [`Display`](std::fmt::Display) writes it, in the language of `catalog`:
    /// `members.csv:12 : colonne `birthdate` : … [G0101] (unité H1, membre M3)`.
    pub fn render(&self, catalog: &Catalog) -> String {
        let location = self.location_in(catalog);
        let message = self.message_in(catalog);
        let line = catalog.render(
            "row.line",
            &[
                ("location", &location),
                ("message", &message),
                ("code", self.code),
            ],
        );
        let (unit, member) = (self.unit_id.as_deref(), self.member_id.as_deref());
        match (unit, member) {
            (Some(u), Some(m)) => catalog.render(
                "row.of_member",
                &[("line", &line), ("unit", u), ("member", m)],
            ),
            (Some(u), None) => catalog.render("row.of_unit", &[("line", &line), ("unit", u)]),
            (None, _) => line,
        }
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(entitle_dsl::locale::english()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_and_column() {
        let file: Arc<str> = Arc::from("members.csv");
        let e = RowError::unit(&file, 12, Some("H1"), "G0101", "expected a date")
            .at_column("birthdate")
            .of_member(Some("M3"));
        assert_eq!(
            e.to_string(),
            "members.csv:12: column `birthdate`: expected a date [G0101] (unit H1, member M3)"
        );
        let r = RowError::row(&file, 3, "G0107", "no such group");
        assert!(!r.counts_as_unit);
        assert_eq!(r.to_string(), "members.csv:3: no such group [G0107]");
    }
}
