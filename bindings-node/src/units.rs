//! Unit data as JSON text, in and out: reading the chunks index.js sends (in parallel), one unit's
//! text, and results short enough for one JS string.

use crate::{internal, invalid_arg};
use entitle_core::json::{oversized_result, units_from_json_text, JsonUnits};
use entitle_core::{EvalOptions, Program};
use napi::bindgen_prelude::{Error, Result};
use serde_json::Value as Json;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Results per JSON chunk handed back to JavaScript.
const RESULT_CHUNK: usize = 2048;

/// `f` over `items` on up to one thread per core, results in order. Used only for the type
/// conversions (JSON text to values and back), never for evaluation, which is one core call.
fn par_map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> Result<U> + Sync) -> Result<Vec<U>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(&f).collect();
    }
    let per_thread = items.len().div_ceil(threads);
    let parts: Vec<Result<Vec<U>>> = std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(per_thread)
            .map(|part| s.spawn(|| part.iter().map(&f).collect::<Result<Vec<U>>>()))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(internal("a conversion thread panicked")))
            })
            .collect()
    });
    let mut out = Vec::with_capacity(items.len());
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

/// One unit's JSON text: its value, or (`Err`) the R0010 record of a value the reader refuses
/// (nested more than 128 levels, half of a surrogate pair), the result a batch gives the same
/// text, as WebAssembly reads it. Text that is not one JSON value is an argument error.
pub(crate) fn unit_of(text: &str) -> Result<std::result::Result<Json, Json>> {
    let refused = match serde_json::from_str(text) {
        Ok(unit) => return Ok(Ok(unit)),
        Err(e) => invalid_arg("the unit is not valid JSON", &e),
    };
    // Checked first: in brackets, `{…}, {…}` would read as two units.
    if serde_json::from_str::<&serde_json::value::RawValue>(text).is_err() {
        return Err(refused);
    }
    match units_from_json_text(&format!("[{text}]")) {
        Ok(JsonUnits { unreadable, .. }) => match unreadable.into_iter().next() {
            Some((_, record)) => Ok(Err(record)),
            None => Err(refused),
        },
        Err(_) => Err(refused),
    }
}

/// The units of all chunks, in order, and the error record of each unit the JSON reader refused
/// on its own (too deep, a lone surrogate), by index: that unit's result, while the others of its
/// chunk are evaluated as usual.
pub(crate) fn read_units(chunks: &[String]) -> Result<JsonUnits> {
    let parts = par_map(chunks, |c| {
        units_from_json_text(c).map_err(|e| invalid_arg("the units are not valid JSON", &e))
    })?;
    let mut all = JsonUnits {
        units: Vec::with_capacity(parts.iter().map(|p| p.units.len()).sum()),
        unreadable: Vec::new(),
    };
    for part in parts {
        let offset = all.units.len();
        let unreadable = part.unreadable.into_iter().map(|(i, r)| (offset + i, r));
        all.unreadable.extend(unreadable);
        all.units.extend(part.units);
    }
    Ok(all)
}

/// The longest JSON text, in bytes, handed to JavaScript as one string: V8's strings hold at most
/// 2^29 - 24 UTF-16 code units, and UTF-8 text has at least as many bytes as code units, so text
/// of at most 2^28 bytes always becomes a string (a longer one would fail the whole call).
pub(crate) const RESULT_TEXT_MAX: usize = 1 << 28;

/// [`RESULT_TEXT_MAX`], lowered by the test-only hook [`set_result_text_limit`] so that tests can
/// reach the limit without gigabytes of results.
pub(crate) static RESULT_TEXT_LIMIT: AtomicUsize = AtomicUsize::new(RESULT_TEXT_MAX);

pub(crate) fn result_text_limit() -> usize {
    RESULT_TEXT_LIMIT.load(Ordering::Relaxed)
}

pub(crate) fn write_error() -> Error {
    internal("a result could not be written as JSON")
}

/// One unit's result as JSON text, or its error record when the text is too long for a string.
pub(crate) fn write_result(result: &Json) -> Result<String> {
    let limit = result_text_limit();
    let text = serde_json::to_string(result).map_err(|_| write_error())?;
    if text.len() <= limit {
        return Ok(text);
    }
    serde_json::to_string(&oversized_result(result, limit)).map_err(|_| write_error())
}

pub(crate) fn evaluate_chunks(
    program: &Program,
    chunks: &[String],
    as_of: &str,
    options: &EvalOptions,
) -> Result<Vec<String>> {
    let JsonUnits { units, unreadable } = read_units(chunks)?;
    // Written straight from the decisions, in arrays of at most RESULT_CHUNK results (parsed one
    // by one in JavaScript, with a turn of the event loop between them in evaluateBatchAsync).
    Ok(program.evaluate_batch_json_texts(
        &units,
        as_of,
        options,
        &unreadable,
        result_text_limit(),
        RESULT_CHUNK,
    ))
}
