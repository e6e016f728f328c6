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
mod write;

pub use read::unit_from_json;
pub use texts::{oversized_result, results_json_texts, units_from_json_text, JsonUnits};
pub use write::{push_decimal, write_decision};

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
    /// The names a unit may carry, by place, as JSON: `{"unit": [...], "member": [...],
    /// "records": {collection: [...]}}`: the declared inputs of the unit (and its record
    /// collections), of a member, of each collection's records, and the shape keys (`id`,
    /// `members`, a member's `kind` …). The JavaScript bindings send any other key with a null
    /// value, so that nothing under it can fail the unit (the engine does not read it, as in
    /// Python) while strict binding still names it.
    pub fn declared_names_json(&self) -> Json {
        let layout = self.layout();
        let names = |inputs: &[entitle_dsl::ir::Input]| -> Vec<String> {
            inputs.iter().map(|i| i.name.clone()).collect()
        };
        let mut unit = names(layout.unit_inputs());
        unit.extend(layout.records().iter().map(|(n, _)| n.clone()));
        unit.extend(crate::batch::UNIT_KEYS.iter().map(|k| k.to_string()));
        let mut member = names(layout.member_inputs());
        member.extend(crate::batch::MEMBER_KEYS.iter().map(|k| k.to_string()));
        // Inserted, not collected: collecting into a map sorts its input, one more copy of the
        // sort in the WebAssembly download.
        let mut records = serde_json::Map::new();
        for (n, fields) in layout.records() {
            records.insert(n.clone(), json!(names(fields)));
        }
        json!({"unit": unit, "member": member, "records": records})
    }

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
        match self.decide_json(unit, as_of, options) {
            Ok(d) => decision_to_json(&d),
            Err(e) => error_to_json_in(&e, catalog),
        }
    }

    /// [`Program::evaluate_json`]'s result as JSON text, the same bytes as its `to_string()`, a
    /// decision written straight from it ([`write_decision`]) without a `serde_json::Value`.
    pub fn evaluate_json_text(&self, unit: &Json, as_of: &str, options: &EvalOptions) -> String {
        match self.decide_json(unit, as_of, options) {
            Ok(d) => {
                let mut out = Vec::new();
                write_decision(&mut out, &d);
                String::from_utf8(out)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
            }
            Err(e) => error_to_json(&e).to_string(),
        }
    }

    /// One JSON unit's decision at an ISO as-of date, or its error: a malformed date or unit is
    /// the unit's error, under the id it gives.
    fn decide_json(
        &self,
        unit: &Json,
        as_of: &str,
        options: &EvalOptions,
    ) -> Result<Decision, UnitError> {
        let failed = |error| UnitError {
            unit_id: unit
                .get("id")
                .and_then(|v| id_of(Some(v)))
                .unwrap_or_default(),
            error,
        };
        let Some(date) = parse_date(as_of.trim()) else {
            return Err(failed(EvalError::InvalidUnit {
                reason: BAD_AS_OF.into(),
            }));
        };
        let u = self.read_json_unit(unit, options).map_err(failed)?;
        self.evaluate_with(&u, date, options)
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

    /// [`Program::evaluate_batch_json`]'s results as the texts of JSON arrays of at most
    /// `max_bytes` bytes and `per_array` results each, in order, written straight from the
    /// decisions ([`write_decision`]) without a `serde_json::Value` per result: what the bindings
    /// hand their hosts. With `per_array` at `usize::MAX`, the texts are [`results_json_texts`]'s,
    /// byte for byte. `replaced` (sorted by index) gives results that stand for units' own: the
    /// bindings' records of units whose text could not be read.
    pub fn evaluate_batch_json_texts(
        &self,
        units: &[Json],
        as_of: &str,
        options: &EvalOptions,
        replaced: &[(usize, Json)],
        max_bytes: usize,
        per_array: usize,
    ) -> Vec<String> {
        let Some(date) = parse_date(as_of.trim()) else {
            let mut results = self.evaluate_batch_json(units, as_of, options);
            for (i, r) in replaced {
                if let Some(x) = results.get_mut(*i) {
                    *x = r.clone();
                }
            }
            return texts::results_json_texts_per(&results, max_bytes, per_array);
        };
        let mut b = self.batch_builder();
        for u in units {
            bind::bind_json(&mut b, u, options.strict);
        }
        let batch = b.finish();
        let result = self.run(&batch, date, options);
        // Each part of the units is written on its own (across cores), each result fitted to
        // the limit; the parts' results are then gathered into arrays in order.
        let write = |range: std::ops::Range<usize>| -> (Vec<u8>, Vec<usize>) {
            let (mut bytes, mut ends) = (Vec::new(), Vec::with_capacity(range.len()));
            let mut kept: Option<Decision> = None;
            let mut next = replaced.partition_point(|(i, _)| *i < range.start);
            let units = range.len();
            for i in range {
                let start = bytes.len();
                if let Some((_, r)) = replaced.get(next).filter(|(j, _)| *j == i) {
                    next += 1;
                    let _ = serde_json::to_writer(&mut bytes, r);
                } else {
                    // One decision per part, written over for each unit.
                    let outcome = match kept.as_mut() {
                        Some(d) => result.decision_into(i, d),
                        None => result.decision(i).map(|d| kept = Some(d)),
                    };
                    match (outcome, kept.as_ref()) {
                        (Ok(()), Some(d)) => write_decision(&mut bytes, d),
                        (Err(e), _) => {
                            let _ = serde_json::to_writer(&mut bytes, &error_to_json(&e));
                        }
                        (Ok(()), None) => {}
                    }
                }
                let one = bytes.get(start..).unwrap_or(&[]);
                if let Some(record) = texts::oversized(one, result.unit_id(i), max_bytes) {
                    bytes.truncate(start);
                    bytes.extend_from_slice(record.as_bytes());
                }
                if ends.is_empty() {
                    // Room for the part at the first result's size, rather than growing by
                    // doubling (each growth a copy of everything written).
                    bytes.reserve(bytes.len().saturating_mul(units + units / 8));
                }
                ends.push(bytes.len());
            }
            (bytes, ends)
        };
        const PART: usize = 4096;
        let n = result.len();
        let ranges: Vec<std::ops::Range<usize>> = (0..n.div_ceil(PART))
            .map(|c| c * PART..((c + 1) * PART).min(n))
            .collect();
        #[cfg(feature = "parallel")]
        let parts: Vec<(Vec<u8>, Vec<usize>)> = {
            use rayon::prelude::*;
            ranges.into_par_iter().map(write).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let parts: Vec<(Vec<u8>, Vec<usize>)> = ranges.into_iter().map(write).collect();
        // Each result's text, a `[` or `,` before it, and the closing `]`.
        let total: usize = parts.iter().map(|(b, e)| b.len() + e.len()).sum::<usize>() + 1;
        if total <= max_bytes && n <= per_array {
            // One array (the common case): one text of the whole size.
            let mut text = Vec::with_capacity(total + 1);
            for (bytes, ends) in &parts {
                let mut start = 0;
                for &end in ends {
                    text.push(if text.is_empty() { b'[' } else { b',' });
                    text.extend_from_slice(bytes.get(start..end).unwrap_or(&[]));
                    start = end;
                }
            }
            if text.is_empty() {
                text.push(b'[');
            }
            text.push(b']');
            return vec![String::from_utf8(text)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())];
        }
        let mut arrays = texts::Arrays::new(max_bytes, per_array);
        for (bytes, ends) in &parts {
            let mut start = 0;
            for &end in ends {
                arrays.push_fitting(bytes.get(start..end).unwrap_or(&[]));
                start = end;
            }
        }
        arrays.finish()
    }
}
