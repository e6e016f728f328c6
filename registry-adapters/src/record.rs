//! Row error records: what a row that yields no decision yields instead.

use serde::Serialize;
use std::sync::Arc;

/// A problem with one row of a registry, reported instead of a decision.
///
/// It says where (file, line, column) and what (a stable code and a reason), never the cell's
/// value: registrants' data must not reach logs or error files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    /// What is wrong, in words.
    pub message: String,
    /// True when this record stands for a unit that got no decision (a group or individual row);
    /// false for a row outside any unit (a member row whose group does not exist). The counts of a
    /// run reconcile as: units read = decisions + records with `counts_as_unit`.
    pub counts_as_unit: bool,
}

impl RowError {
    /// A record for a unit that got no decision.
    pub fn unit(
        file: &Arc<str>,
        line: u64,
        unit_id: Option<&str>,
        code: &'static str,
        message: impl Into<String>,
    ) -> RowError {
        RowError {
            file: Arc::clone(file),
            line,
            column: None,
            unit_id: unit_id.map(str::to_string),
            member_id: None,
            code,
            message: message.into(),
            counts_as_unit: true,
        }
    }

    /// A record for a row outside any unit.
    pub fn row(
        file: &Arc<str>,
        line: u64,
        code: &'static str,
        message: impl Into<String>,
    ) -> RowError {
        RowError {
            counts_as_unit: false,
            ..RowError::unit(file, line, None, code, message)
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

    /// `file:line: column `c`: message`, the form used on a terminal.
    pub fn location(&self) -> String {
        match &self.column {
            Some(c) => format!("{}:{}: column `{c}`", self.file, self.line),
            None => format!("{}:{}", self.file, self.line),
        }
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} [{}]", self.location(), self.message, self.code)?;
        if let Some(u) = &self.unit_id {
            write!(f, " (unit {u}")?;
            if let Some(m) = &self.member_id {
                write!(f, ", member {m}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
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
