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
/// values are skipped unchecked (their depth and escapes are what failed), and half of a
/// surrogate pair anywhere (a key's included) reads as U+FFFD, as JavaScript's hosts read it.
fn unreadable_id(text: &str) -> String {
    let text = lone_surrogates_replaced(text);
    serde_json::from_str::<std::collections::BTreeMap<String, &serde_json::value::RawValue>>(&text)
        .ok()
        .and_then(|fields| serde_json::from_str::<Json>(fields.get("id")?.get()).ok())
        .and_then(|id| id_of(Some(&id)))
        .unwrap_or_default()
}

/// JSON text with every `\u` escape of half of a UTF-16 surrogate pair, the one escape the JSON
/// reader refuses, written as `\uFFFD`. (A backslash outside a string is a syntax error the raw
/// pass has already refused, so every backslash here starts an escape.)
fn lone_surrogates_replaced(text: &str) -> std::borrow::Cow<'_, str> {
    // The code unit of a `\uXXXX` escape at byte `i`.
    let unit = |i: usize| -> Option<u16> {
        let hex = text.get(i..i + 6)?.strip_prefix("\\u")?;
        u16::from_str_radix(hex, 16).ok()
    };
    let bytes = text.as_bytes();
    let mut out = String::new();
    let (mut done, mut i) = (0, 0);
    while i < bytes.len() {
        if bytes.get(i) != Some(&b'\\') {
            i += 1;
            continue;
        }
        match unit(i) {
            Some(0xD800..=0xDBFF) if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) => i += 12,
            Some(0xD800..=0xDFFF) => {
                out.push_str(text.get(done..i).unwrap_or(""));
                out.push_str("\\uFFFD");
                i += 6;
                done = i;
            }
            Some(_) => i += 6,
            // `\\`, `\"` …: the escaped character is never the start of another escape.
            None => i += 2,
        }
    }
    if done == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(text.get(done..).unwrap_or(""));
    std::borrow::Cow::Owned(out)
}

/// Results as the texts of JSON arrays of at most `max_bytes` bytes each, in order: one array,
/// unless together they are longer. A binding hands each text to its host as one string, and a
/// host's strings have a longest length (V8's: 2^29 - 24 UTF-16 code units; UTF-8 text has at
/// least as many bytes as code units): a result longer than `max_bytes` on its own is replaced by
/// [`oversized_result`], so no result is dropped and one cannot fail the others.
pub fn results_json_texts(results: &[Json], max_bytes: usize) -> Vec<String> {
    results_json_texts_per(results, max_bytes, usize::MAX)
}

/// [`results_json_texts`] with at most `per_array` results in an array.
pub(super) fn results_json_texts_per(
    results: &[Json],
    max_bytes: usize,
    per_array: usize,
) -> Vec<String> {
    if results.len() <= per_array {
        if let Ok(whole) = serde_json::to_string(results) {
            if whole.len() <= max_bytes {
                return vec![whole];
            }
        }
    }
    let mut arrays = Arrays::new(max_bytes, per_array);
    let mut one = Vec::new();
    for r in results {
        one.clear();
        let _ = serde_json::to_writer(&mut one, r);
        let id = r.get("unit_id").and_then(Json::as_str).unwrap_or("");
        arrays.push(&one, id);
    }
    arrays.finish()
}

/// The record that stands for a result of `one`'s length in arrays of at most `max` bytes, when
/// it does not fit one alone (the brackets or a comma around it count too).
pub(super) fn oversized(one: &[u8], unit_id: &str, max: usize) -> Option<String> {
    (one.len().saturating_add(2) > max)
        .then(|| oversized_result(&serde_json::json!({ "unit_id": unit_id }), max).to_string())
}

/// Results' JSON texts gathered into arrays of at most `max` bytes and `per_array` results each
/// ([`results_json_texts`]).
pub(super) struct Arrays {
    max: usize,
    per_array: usize,
    texts: Vec<String>,
    text: Vec<u8>,
    /// Results in `text`.
    count: usize,
}

impl Arrays {
    pub(super) fn new(max: usize, per_array: usize) -> Arrays {
        Arrays {
            max,
            per_array: per_array.max(1),
            texts: Vec::new(),
            text: Vec::new(),
            count: 0,
        }
    }

    /// Adds one result's text (of unit `unit_id`): its unit's R0010 instead when it is too long
    /// for an array of its own.
    pub(super) fn push(&mut self, one: &[u8], unit_id: &str) {
        match oversized(one, unit_id, self.max) {
            Some(record) => self.push_fitting(record.as_bytes()),
            None => self.push_fitting(one),
        }
    }

    /// Adds one result's text that fits an array of its own.
    pub(super) fn push_fitting(&mut self, one: &[u8]) {
        let full = self.text.len().saturating_add(one.len()).saturating_add(2) > self.max
            || self.count >= self.per_array;
        if !self.text.is_empty() && full {
            self.close();
        }
        if self.text.is_empty() {
            // Room for a full array of results of this one's size, within the limit.
            let room = one
                .len()
                .saturating_add(1)
                .saturating_mul(self.per_array.min(4096));
            self.text.reserve(room.min(self.max).min(1 << 26));
        }
        self.text
            .push(if self.text.is_empty() { b'[' } else { b',' });
        self.text.extend_from_slice(one);
        self.count += 1;
    }

    fn close(&mut self) {
        self.text.push(b']');
        self.count = 0;
        let text = std::mem::take(&mut self.text);
        // Every part is JSON text written from strings: valid UTF-8 (checked, not assumed).
        self.texts.push(
            String::from_utf8(text)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        );
    }

    pub(super) fn finish(mut self) -> Vec<String> {
        if !self.text.is_empty() {
            self.close();
        }
        self.texts
    }
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
