//! Errors of a run as a whole (a unit's own failure is an [`crate::EvalError`] on that unit).

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
}

impl RunError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            RunError::UnknownField { .. } => "R0101",
            RunError::InvalidOption { .. } => "R0102",
            RunError::NoBoundValue { .. } => "R0103",
            RunError::Overflow { .. } => "R0104",
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
        }
    }

    /// The message in the catalogue's language.
    pub fn message(&self, catalog: &Catalog) -> String {
        let args = self.args();
        let refs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        catalog.render(self.code(), &refs)
    }
}

fn render(e: &RunError) -> String {
    e.message(locale::english())
}

/// Every run error code, for the code table.
pub const CODES: &[&str] = &["R0101", "R0102", "R0103", "R0104"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_an_english_and_french_message() {
        for code in CODES {
            assert!(
                locale::english().get(code).is_some(),
                "no English message for {code}"
            );
            assert!(
                locale::catalog("fr").get(code).is_some(),
                "no French message for {code}"
            );
        }
        let e = RunError::UnknownField {
            field: "gender".into(),
        };
        assert_eq!(e.code(), "R0101");
        assert!(e.to_string().contains("gender"));
    }
}
