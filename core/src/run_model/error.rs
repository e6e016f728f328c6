//! Errors of a run as a whole (a unit's own failure is an [`crate::EvalError`] on that unit).

use super::MembershipState;
use entitle_dsl::locale::{self, Catalog};
use serde::Serialize;

/// Why a run could not be carried out. Codes are stable (`R01xx`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code")]
#[non_exhaustive]
pub enum RunError {
    /// R0101: a summary dimension or age field that is not an input of the program.
    #[serde(rename = "R0101")]
    #[error("{}", render(self))]
    UnknownField {
        /// The name as given.
        field: String,
    },
    /// R0102: a run option that does not fit the program or has no meaning.
    #[serde(rename = "R0102")]
    #[error("{}", render(self))]
    InvalidOption {
        /// The option.
        option: String,
        /// What is wrong.
        reason: String,
    },
    /// R0103: a selection bound written as a parameter that has no value in force at the as-of date.
    #[serde(rename = "R0103")]
    #[error("{}", render(self))]
    NoBoundValue {
        /// The parameter.
        param: String,
        /// The as-of date.
        as_of: chrono::NaiveDate,
    },
    /// R0104: an amount too large for exact arithmetic while totalling or sharing out a budget.
    #[serde(rename = "R0104")]
    #[error("{}", render(self))]
    Overflow {
        /// Which step.
        at: String,
    },
    /// R0105: a list given to a run (the previous states, the reference list) cannot be read.
    #[serde(rename = "R0105")]
    #[error("{}", render(self))]
    ListUnreadable {
        /// The file.
        file: String,
        /// The system's reason.
        reason: String,
    },
    /// R0106: a CSV list of previous states whose first line does not name `unit_id` and `state`.
    #[serde(rename = "R0106")]
    #[error("{}", render(self))]
    ListColumns {
        /// The file.
        file: String,
    },
    /// R0107: a line of a JSON Lines list of previous states that is not a JSON object.
    #[serde(rename = "R0107")]
    #[error("{}", render(self))]
    ListNotJson {
        /// The file.
        file: String,
        /// The line, from 1.
        line: u64,
        /// The JSON parser's reason.
        reason: String,
    },
    /// R0108: a line of a list of previous states without a unit id.
    #[serde(rename = "R0108")]
    #[error("{}", render(self))]
    ListNoUnit {
        /// The file.
        file: String,
        /// The line, from 1.
        line: u64,
    },
    /// R0109: a line of a list of previous states whose state is not a membership state (or is
    /// empty).
    #[serde(rename = "R0109")]
    #[error("{}", render(self))]
    ListNotAState {
        /// The file.
        file: String,
        /// The line, from 1.
        line: u64,
        /// The state as written (trimmed; empty when there is none).
        state: String,
    },
    /// R0110: a unit listed twice in a list of previous states (which state holds is not for
    /// the run to guess).
    #[serde(rename = "R0110")]
    #[error("{}", render(self))]
    ListRepeated {
        /// The file.
        file: String,
        /// The line of the second listing, from 1.
        line: u64,
        /// The unit's id.
        unit: String,
        /// The line of the first listing.
        first: u64,
    },
}

impl RunError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            RunError::UnknownField { .. } => "R0101",
            RunError::InvalidOption { .. } => "R0102",
            RunError::NoBoundValue { .. } => "R0103",
            RunError::Overflow { .. } => "R0104",
            RunError::ListUnreadable { .. } => "R0105",
            RunError::ListColumns { .. } => "R0106",
            RunError::ListNotJson { .. } => "R0107",
            RunError::ListNoUnit { .. } => "R0108",
            RunError::ListNotAState { .. } => "R0109",
            RunError::ListRepeated { .. } => "R0110",
        }
    }

    /// The message's key: the code, or a variant of it.
    fn key(&self) -> &'static str {
        match self {
            RunError::ListNotAState { state, .. } if state.is_empty() => "R0109.empty",
            _ => self.code(),
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            RunError::UnknownField { field } => vec![("field", field.clone())],
            RunError::InvalidOption { option, reason } => {
                vec![("option", option.clone()), ("reason", reason.clone())]
            }
            RunError::NoBoundValue { param, as_of } => {
                vec![("param", param.clone()), ("as_of", as_of.to_string())]
            }
            RunError::Overflow { at } => vec![("at", at.clone())],
            RunError::ListUnreadable { file, reason } => {
                vec![("file", file.clone()), ("reason", reason.clone())]
            }
            RunError::ListColumns { file } => vec![("file", file.clone())],
            RunError::ListNotJson { file, line, reason } => vec![
                ("file", file.clone()),
                ("line", line.to_string()),
                ("reason", reason.clone()),
            ],
            RunError::ListNoUnit { file, line } => {
                vec![("file", file.clone()), ("line", line.to_string())]
            }
            RunError::ListNotAState { file, line, state } => {
                let states: Vec<&str> = MembershipState::ALL.iter().map(|s| s.as_str()).collect();
                vec![
                    ("file", file.clone()),
                    ("line", line.to_string()),
                    ("state", state.clone()),
                    ("states", states.join(", ")),
                ]
            }
            RunError::ListRepeated {
                file,
                line,
                unit,
                first,
            } => vec![
                ("file", file.clone()),
                ("line", line.to_string()),
                ("unit", unit.clone()),
                ("first", first.to_string()),
            ],
        }
    }

    /// The message in the catalogue's language.
    pub fn message(&self, catalog: &Catalog) -> String {
        let args = self.args();
        let refs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        catalog.render(self.key(), &refs)
    }
}

fn render(e: &RunError) -> String {
    e.message(locale::english())
}

/// Every run error code, for the code table.
pub const CODES: &[&str] = &[
    "R0101", "R0102", "R0103", "R0104", "R0105", "R0106", "R0107", "R0108", "R0109", "R0110",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_an_english_and_french_message() {
        let has = |l: &str, key: &str| locale::catalog(l).get(key).is_some();
        for code in CODES.iter().chain(&["R0109.empty"]) {
            assert!(has("en", code), "no English message for {code}");
            assert!(has("fr", code), "no French message for {code}");
        }
        let e = RunError::UnknownField {
            field: "gender".into(),
        };
        assert_eq!(e.code(), "R0101");
        assert!(e.to_string().contains("gender"));
    }
}
