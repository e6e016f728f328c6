//! The JSON boundary: units in, decisions and errors out.
//!
//! | value | JSON in | JSON out |
//! | --- | --- | --- |
//! | unknown | `null`, or the key absent | `null` |
//! | bool | `true`/`false`, the number `1`/`0`, or a string (`"yes"`, `"on"`, `"0"`: see [`crate::parse`]); another number is an error | `true`/`false` |
//! | number | a JSON number (read exactly, never as a float; `1e-7` too) or a decimal string (no exponent) | decimal string `"12.5"` |
//! | money | a number or string in the program's currency (`"1500.50"`, `"KES 1500.50"`), or `{"amount": "1500.50", "currency": "KES"}` | amount string plus a `currency` field |
//! | date | `"2026-03-01"` (a date-time keeps its date) | `"2026-03-01"` |
//! | text | a string | a string |
//! | list | an array (each element read as the element type, as above: `["2026-01-05", "2026-02-05"]` is a list of dates), or a string separated by `;` | an array |
//!
//! A unit is an object with `id` and its attributes; a household has `members`, an array of objects
//! with `id`, `kind` (a string or an array of strings), optional `start_date` and `end_date`, and
//! the member's attributes. The records of a collection (`records visits …` in the program) are an
//! array of objects under the collection's name: `"visits": [{"visit_date": "2026-01-05"}]` (an
//! array of objects is always a collection of records, unless every object is an amount
//! `{"amount": …, "currency": …}`; under the name of an input that is no collection, the unit
//! fails with R0005 naming the input). Keys the program does not declare are not read, whatever
//! their value ([`Program::read_json_unit`], as the Python binding reads a mapping), unless the
//! evaluation is strict ([`EvalOptions::strict`]): the unit then fails with R0011 naming the key
//! (`member M1: disabeld` for a member's, `visits #2: vist_date` for a record's) and the closest
//! declared name, if one is close. `id` and `members` of a unit, `id`, `kind`, `kinds`,
//! `start_date` and `end_date` of a member ([`crate::batch::UNIT_KEYS`],
//! [`crate::batch::MEMBER_KEYS`]) and the name of a declared record collection are never unknown.
//!
//! A unit with several problems fails with the first met in the order every binding reads a
//! unit (`json/bind.rs`, `BatchBuilder::add_unit_with`): the unit's inputs in the order the
//! program declares them, then `members`, each member's membership then its inputs in order,
//! then each collection's records.

mod bind;
mod read;
#[cfg(test)]
mod tests;
mod texts;

pub use read::unit_from_json;
pub use texts::{oversized_result, results_json_texts, units_from_json_text, JsonUnits};

use crate::error::EvalError;
use crate::eval::EvalOptions;
use crate::model::Unit;
use crate::parse::parse_date;
use crate::program::Program;
use crate::result::{Decision, UnitError};
use entitle_dsl::locale::{self, Catalog};
use read::id_of;
use serde_json::{json, Value as Json};

/// A unit's error as JSON: `{"unit_id": …, "error": {"code": "R0001", "message": …, …}}`.
pub fn error_to_json(e: &UnitError) -> Json {
    error_to_json_in(e, locale::english())
}

/// A unit's error as JSON with its `message` in the catalogue's language (the other fields,
/// `reason` among them, stay as tools read them).
pub fn error_to_json_in(e: &UnitError, catalog: &Catalog) -> Json {
    let mut detail = serde_json::to_value(&e.error).unwrap_or(Json::Null);
    if let Json::Object(o) = &mut detail {
        o.insert("message".into(), Json::String(e.error.message(catalog)));
    }
    json!({"unit_id": e.unit_id, "error": detail})
}

/// Why an as-of date was refused (the reason of an R0010; `phrase.…` entries translate it).
const BAD_AS_OF: &str = "the as-of date must be an ISO 8601 date such as 2026-03-01";

/// A decision as JSON (the shape documented in [`crate::result`]).
pub fn decision_to_json(d: &Decision) -> Json {
    serde_json::to_value(d).unwrap_or(Json::Null)
}

impl Program {
    /// Reads a JSON unit as the façade does: only the names this program declares are read, so
    /// a key it does not declare cannot fail the unit whatever its value (as in the Python
    /// binding, which reads mappings); with [`EvalOptions::strict`] such a key is R0011, found
    /// before any value is read. [`unit_from_json`] reads every key instead.
    ///
    /// # Errors
    /// [`EvalError::UnknownField`], [`EvalError::InvalidUnit`] or [`EvalError::InvalidValue`].
    pub fn read_json_unit(&self, unit: &Json, options: &EvalOptions) -> Result<Unit, EvalError> {
        read::unit_for(self.layout(), unit, options.strict).map_err(|e| {
            // A unit may have several problems: the one reported is the first a binder meets
            // (slot by slot), which the reader, going key by key, may not have met first.
            let mut b = self.batch_builder();
            bind::bind_json(&mut b, unit, options.strict);
            b.finish().unit_error(0).cloned().unwrap_or(e)
        })
    }

    /// Evaluates a JSON unit at an ISO as-of date; gives the decision's JSON or the error's JSON.
    /// Never fails: a malformed unit or date is reported in the error shape.
    pub fn evaluate_json(&self, unit: &Json, as_of: &str, options: &EvalOptions) -> Json {
        self.evaluate_json_in(unit, as_of, options, locale::english())
    }

    /// [`Program::evaluate_json`] with an error's `message` in the catalogue's language: a
    /// façade that explains in French (`explain(…, {locale: "fr"})`) says in French that the
    /// as-of date or the unit is malformed too.
    pub fn evaluate_json_in(
        &self,
        unit: &Json,
        as_of: &str,
        options: &EvalOptions,
        catalog: &Catalog,
    ) -> Json {
        let id = unit
            .get("id")
            .and_then(|v| id_of(Some(v)))
            .unwrap_or_default();
        let Some(date) = parse_date(as_of.trim()) else {
            let error = EvalError::InvalidUnit {
                reason: BAD_AS_OF.into(),
            };
            return error_to_json_in(&UnitError { unit_id: id, error }, catalog);
        };
        match self
            .read_json_unit(unit, options)
            .map(|u| self.evaluate_with(&u, date, options))
        {
            Ok(Ok(d)) => decision_to_json(&d),
            Ok(Err(e)) => error_to_json_in(&e, catalog),
            Err(error) => error_to_json_in(&UnitError { unit_id: id, error }, catalog),
        }
    }

    /// Evaluates a JSON array of units; one result (decision or error) per unit, in order.
    pub fn evaluate_batch_json(
        &self,
        units: &[Json],
        as_of: &str,
        options: &EvalOptions,
    ) -> Vec<Json> {
        let Some(date) = parse_date(as_of.trim()) else {
            return units
                .iter()
                .map(|u| {
                    let id = u.get("id").and_then(|v| id_of(Some(v))).unwrap_or_default();
                    error_to_json(&UnitError {
                        unit_id: id,
                        error: EvalError::InvalidUnit {
                            reason: BAD_AS_OF.into(),
                        },
                    })
                })
                .collect();
        };
        // Bound straight from JSON, in the binders' order (no `Unit` is built for a unit).
        let mut b = self.batch_builder();
        for u in units {
            bind::bind_json(&mut b, u, options.strict);
        }
        let batch = b.finish();
        self.run(&batch, date, options)
            .decisions()
            .map(|r| match r {
                Ok(d) => decision_to_json(&d),
                Err(e) => error_to_json(&e),
            })
            .collect()
    }
}
