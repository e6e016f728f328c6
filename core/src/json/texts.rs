//! Many units' or results' JSON texts: units read so that one unit's text cannot lose the
//! others, results split so that each text fits one host string.

use super::error_to_json;
use super::read::id_of;
use crate::error::EvalError;
use crate::result::UnitError;
use serde_json::Value as Json;

/// Units given as the JSON text of an array, as [`units_from_json_text`] reads them.
#[derive(Debug, Default)]
pub struct JsonUnits {
    /// The units in order; a unit that could not be read is `null` here.
    pub units: Vec<Json>,
    /// `(index, error record)` for each unit that could not be read, in order: the record
    /// (`{"unit_id", "error"}`, an R0010) is that unit's result.
    pub unreadable: Vec<(usize, Json)>,
}

/// Reads the JSON text of an array of units so that one unit's text cannot lose the others: a
/// unit the JSON reader refuses on its own (nested deeper than its limit of 128 levels, a string
/// with half of a UTF-16 surrogate pair) is that unit's R0010, with its `id` when that can be
/// read. Fails only when the text is not a JSON array of values at all.
pub fn units_from_json_text(text: &str) -> Result<JsonUnits, serde_json::Error> {
    // The whole array at once first: the one pass every readable batch takes.
    let first = match serde_json::from_str::<Vec<Json>>(text) {
        Ok(units) => {
            return Ok(JsonUnits {
                units,
                unreadable: Vec::new(),
            })
        }
        Err(e) => e,
    };
    // Skipping over a value (as a raw value) checks its syntax but neither its depth nor its
    // strings' escapes, so each unit is then read, and refused, on its own.
    let raws = match serde_json::from_str::<Vec<&serde_json::value::RawValue>>(text) {
        Ok(raws) => raws,
        Err(_) => return Err(first),
    };
    let mut out = JsonUnits::default();
    for (i, raw) in raws.into_iter().enumerate() {
        match serde_json::from_str::<Json>(raw.get()) {
            Ok(unit) => out.units.push(unit),
            Err(e) => {
                out.units.push(Json::Null);
                let error = EvalError::InvalidUnit {
                    reason: unreadable_reason(&e),
                };
                let unit_id = unreadable_id(raw.get());
                out.unreadable
                    .push((i, error_to_json(&UnitError { unit_id, error })));
            }
        }
    }
    Ok(out)
}

/// The reader's limit, as [`units_from_json_text`] names it.
const JSON_DEPTH: usize = 128;

fn unreadable_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.starts_with("recursion limit exceeded") {
        format!("the unit is nested more than {JSON_DEPTH} levels deep (objects and arrays), more than the engine's JSON reader takes")
    } else if text.contains("surrogate") || text.contains("hex escape") {
        // In text the raw pass accepted, a `\u` escape fails only as half of a surrogate pair.
        "a string holds half of a character (a lone UTF-16 surrogate, as when an emoji is cut in two), which the engine's JSON reader refuses".into()
    } else {
        format!("the unit's JSON text cannot be read ({text})")
    }
}

/// The `id` of a unit whose text could not be read as a whole: only `id` is read, the other
/// values are skipped unchecked (their depth and escapes are what failed).
fn unreadable_id(text: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Id {
        id: Option<Json>,
    }
    serde_json::from_str::<Id>(text)
        .ok()
        .and_then(|u| id_of(u.id.as_ref()))
        .unwrap_or_default()
}

/// Results as the texts of JSON arrays of at most `max_bytes` bytes each, in order: one array,
/// unless together they are longer. A binding hands each text to its host as one string, and a
/// host's strings have a longest length (V8's: 2^29 - 24 UTF-16 code units; UTF-8 text has at
/// least as many bytes as code units): a result longer than `max_bytes` on its own is replaced by
/// [`oversized_result`], so no result is dropped and one cannot fail the others.
pub fn results_json_texts(results: &[Json], max_bytes: usize) -> Vec<String> {
    if let Ok(whole) = serde_json::to_string(results) {
        if whole.len() <= max_bytes {
            return vec![whole];
        }
    }
    let mut texts = Vec::new();
    let mut text = String::new();
    for r in results {
        let mut one = r.to_string();
        // The brackets (or a comma) around it count too.
        if one.len().saturating_add(2) > max_bytes {
            one = oversized_result(r, max_bytes).to_string();
        }
        if !text.is_empty() && text.len().saturating_add(one.len()).saturating_add(2) > max_bytes {
            text.push(']');
            texts.push(std::mem::take(&mut text));
        }
        text.push(if text.is_empty() { '[' } else { ',' });
        text.push_str(&one);
    }
    if !text.is_empty() {
        text.push(']');
        texts.push(text);
    }
    texts
}

/// The error record (R0010) that stands for a unit's result, decision or explanation, when its
/// text is longer than `max_bytes`, the most a binding hands its host as one string.
pub fn oversized_result(result: &Json, max_bytes: usize) -> Json {
    let unit_id = result.get("unit_id").and_then(Json::as_str).unwrap_or("");
    const MIB: usize = 1 << 20;
    let size = if max_bytes >= MIB && max_bytes % MIB == 0 {
        format!("{} MiB", max_bytes / MIB)
    } else {
        format!("{max_bytes} bytes")
    };
    let reason = format!("its result is longer than {size} of JSON, more than one JavaScript string is given to hold; the unit's data is too large");
    error_to_json(&UnitError {
        unit_id: unit_id.to_string(),
        error: EvalError::InvalidUnit { reason },
    })
}
