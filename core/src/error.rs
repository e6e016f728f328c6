//! Errors of evaluation, with stable codes.

use chrono::NaiveDate;
use entitle_dsl::locale::{self, Catalog};
use entitle_dsl::Value;
use serde::Serialize;

/// Why one unit could not be evaluated. Messages name rules, items, inputs and unit ids, never a
/// registrant's attribute values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code")]
#[non_exhaustive]
pub enum EvalError {
    /// R0001: a division by zero, in the rule, item or `let` named.
    #[serde(rename = "R0001")]
    #[error("{}", render(self))]
    DivisionByZero {
        /// Rule, item or `let` identifier.
        at: String,
    },
    /// R0002: an amount too large for exact decimal arithmetic (about 7.9 × 10²⁸).
    #[serde(rename = "R0002")]
    #[error("{}", render(self))]
    Overflow {
        /// Rule, item or `let` identifier.
        at: String,
    },
    /// R0003: `age()` of a date after the as-of date (a birthdate in the future is a data error).
    #[serde(rename = "R0003")]
    #[error("{}", render(self))]
    FutureDate {
        /// Rule, item or `let` identifier.
        at: String,
    },
    /// R0004: a parameter has no value in force at the as-of date.
    #[serde(rename = "R0004")]
    #[error("{}", render(self))]
    NoParamValue {
        /// The parameter.
        param: String,
        /// The as-of date.
        as_of: NaiveDate,
    },
    /// R0005: an input value that does not fit the input's type.
    #[serde(rename = "R0005")]
    #[error("{}", render(self))]
    InvalidValue {
        /// The input (with `member <id>.` in front for member inputs).
        field: String,
        /// What is wrong with it (never the value itself).
        reason: String,
    },
    /// R0006: evaluation of the unit took more steps than the limit.
    #[serde(rename = "R0006")]
    #[error("{}", render(self))]
    TooMuchWork {
        /// The limit.
        limit: u64,
    },
    /// R0007: date arithmetic left the supported range of dates.
    #[serde(rename = "R0007")]
    #[error("{}", render(self))]
    DateOutOfRange {
        /// Rule, item or `let` identifier.
        at: String,
    },
    /// R0008: an input value outside the input's declared choices. It says which choices there
    /// are (they are the program's values, not a registrant's), never the value refused.
    #[serde(rename = "R0008")]
    #[error("{}", render(self))]
    NotAChoice {
        /// The input.
        field: String,
        /// The input's declared choices as the program writes them, the first
        /// [`CHOICES_SHOWN`] of them (a boxed slice, not a `Vec`, so that the variant is no larger
        /// than the others: every evaluation result has room for an error).
        choices: Box<[String]>,
        /// How many choices the input declares (more than `choices` lists when the list is long).
        choices_total: usize,
        /// Whether the input is text: a value then matches a choice written as declared, capitals
        /// included (spaces around the value do not count, as for every input).
        text: bool,
    },
    /// R0009: a household with more members than the limit.
    #[serde(rename = "R0009")]
    #[error("{}", render(self))]
    TooManyMembers {
        /// The limit.
        limit: usize,
    },
    /// R0010: the unit's data does not have the expected shape (not an object, a member without an
    /// id, members in an individual program …).
    #[serde(rename = "R0010")]
    #[error("{}", render(self))]
    InvalidUnit {
        /// What is wrong.
        reason: String,
    },
    /// R0011: an input name the program does not declare (only with strict binding,
    /// [`crate::EvalOptions::strict`]).
    #[serde(rename = "R0011")]
    #[error("{}", render(self))]
    UnknownField {
        /// The name as given: `disabeld`, `member M1: disabeld` for a member's, `visits #2:
        /// visit_dat` for a record's.
        field: String,
        /// The closest name the program declares in the same place (the unit's inputs and
        /// record collections, the member inputs, the collection's fields), when one is close.
        #[serde(skip_serializing_if = "Option::is_none")]
        closest: Option<String>,
    },
    /// R0012: `lookup` of a key that the table does not have (and no default was given), or `band`
    /// of a value below the first band.
    #[serde(rename = "R0012")]
    #[error("{}", render(self))]
    NoTableEntry {
        /// Rule, item or `let` identifier.
        at: String,
    },
    /// R0013: a function argument outside what the function accepts (`power` with an exponent that
    /// is not a whole number from -64 to 64, or of zero to a negative power).
    #[serde(rename = "R0013")]
    #[error("{}", render(self))]
    InvalidArgument {
        /// Rule, item or `let` identifier.
        at: String,
        /// The function.
        function: String,
    },
    /// R0014: a unit with more records in one collection than the limit.
    #[serde(rename = "R0014")]
    #[error("{}", render(self))]
    TooManyRecords {
        /// The collection.
        records: String,
        /// The limit.
        limit: usize,
    },
}

// The interpreter passes errors boxed (its results are then a third of the size); `?` unboxes
// them where they leave it.
impl From<Box<EvalError>> for EvalError {
    fn from(e: Box<EvalError>) -> EvalError {
        *e
    }
}

impl EvalError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            EvalError::DivisionByZero { .. } => "R0001",
            EvalError::Overflow { .. } => "R0002",
            EvalError::FutureDate { .. } => "R0003",
            EvalError::NoParamValue { .. } => "R0004",
            EvalError::InvalidValue { .. } => "R0005",
            EvalError::TooMuchWork { .. } => "R0006",
            EvalError::DateOutOfRange { .. } => "R0007",
            EvalError::NotAChoice { .. } => "R0008",
            EvalError::TooManyMembers { .. } => "R0009",
            EvalError::InvalidUnit { .. } => "R0010",
            EvalError::UnknownField { .. } => "R0011",
            EvalError::NoTableEntry { .. } => "R0012",
            EvalError::InvalidArgument { .. } => "R0013",
            EvalError::TooManyRecords { .. } => "R0014",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            EvalError::DivisionByZero { at }
            | EvalError::Overflow { at }
            | EvalError::FutureDate { at }
            | EvalError::DateOutOfRange { at } => vec![("at", at.clone())],
            EvalError::NoParamValue { param, as_of } => {
                vec![("param", param.clone()), ("as_of", as_of.to_string())]
            }
            EvalError::InvalidValue { field, reason } => {
                vec![("field", field.clone()), ("reason", reason.clone())]
            }
            EvalError::TooMuchWork { limit } => vec![("limit", limit.to_string())],
            EvalError::NotAChoice { .. } => Vec::new(),
            EvalError::UnknownField { field, closest } => {
                let mut args = vec![("field", field.clone())];
                args.extend(closest.iter().map(|c| ("closest", c.clone())));
                args
            }
            EvalError::TooManyMembers { limit } => vec![("limit", limit.to_string())],
            EvalError::InvalidUnit { reason } => vec![("reason", reason.clone())],
            EvalError::NoTableEntry { at } => vec![("at", at.clone())],
            EvalError::InvalidArgument { at, function } => {
                vec![("at", at.clone()), ("function", function.clone())]
            }
            EvalError::TooManyRecords { records, limit } => {
                vec![("records", records.clone()), ("limit", limit.to_string())]
            }
        }
    }

    /// The message in the catalogue's language.
    pub fn message(&self, catalog: &Catalog) -> String {
        if let EvalError::NotAChoice {
            field,
            choices,
            choices_total,
            text,
        } = self
        {
            return not_a_choice_message(catalog, field, choices, *choices_total, *text);
        }
        let args = self.args();
        let refs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // The catalogue has no conditionals: a close name has an entry of its own.
        let key = match self {
            EvalError::UnknownField {
                closest: Some(_), ..
            } => "R0011.closest",
            _ => self.code(),
        };
        catalog.render(key, &refs)
    }

    /// R0008 for `field`, listing the first [`CHOICES_SHOWN`] of its `choices`.
    pub(crate) fn not_a_choice(field: String, choices: &[Value], text: bool) -> EvalError {
        EvalError::NotAChoice {
            field,
            choices: choices
                .iter()
                .take(CHOICES_SHOWN)
                .map(Value::to_string)
                .collect(),
            choices_total: choices.len(),
            text,
        }
    }
}

/// How many of an input's choices an R0008 error lists: a program's list of districts can be long.
pub const CHOICES_SHOWN: usize = 12;

/// The R0008 message: the list, `…` and the count when it is cut, and for text how a value must
/// be written (the catalogue has no conditionals, so each part is an entry of its own).
fn not_a_choice_message(
    catalog: &Catalog,
    field: &str,
    choices: &[String],
    total: usize,
    text: bool,
) -> String {
    let mut list = choices.join(", ");
    if total > choices.len() {
        list = catalog.render(
            "R0008.more",
            &[("choices", &list), ("count", &total.to_string())],
        );
    }
    let key = match (total, text) {
        (0, _) => "R0008.none",
        (_, true) => "R0008.text",
        (_, false) => "R0008",
    };
    catalog.render(key, &[("field", field), ("choices", &list)])
}

fn render(e: &EvalError) -> String {
    e.message(locale::english())
}

/// Every evaluation error code, for the code table.
pub const CODES: &[&str] = &[
    "R0001", "R0002", "R0003", "R0004", "R0005", "R0006", "R0007", "R0008", "R0009", "R0010",
    "R0011", "R0012", "R0013", "R0014",
];
