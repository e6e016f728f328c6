//! Comparing what a cycle or a run of the run model gives with what a case expects: each expected
//! key, element and value contained in the result, decimals compared as numbers.

use crate::dec;
use serde_json::Value as Json;

/// Whether two JSON values agree: strings that are both decimal numbers as exact decimals.
fn same_value(got: &Json, want: &Json) -> bool {
    match (got, want) {
        (Json::String(a), Json::String(b)) => match (dec(got), dec(want)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
        (Json::Number(_), Json::String(_))
        | (Json::String(_), Json::Number(_))
        | (Json::Number(_), Json::Number(_)) => {
            matches!((dec(got), dec(want)), (Some(x), Some(y)) if x == y)
        }
        _ => got == want,
    }
}

/// `want` is contained in `got`: every key of an object (extra keys allowed; a key wanted as `null`
/// may be absent), every element of an array (same length), and equal scalars. Every difference,
/// with its path.
pub(crate) fn subset_diff(got: &Json, want: &Json, path: &str) -> Vec<String> {
    match (got, want) {
        (Json::Object(g), Json::Object(w)) => w
            .iter()
            .flat_map(|(k, wv)| match g.get(k) {
                Some(gv) => subset_diff(gv, wv, &format!("{path}.{k}")),
                None if wv.is_null() => Vec::new(),
                None => vec![format!("{path}.{k}: want {wv}, got nothing")],
            })
            .collect(),
        (Json::Array(g), Json::Array(w)) if g.len() == w.len() => g
            .iter()
            .zip(w)
            .enumerate()
            .flat_map(|(i, (gv, wv))| subset_diff(gv, wv, &format!("{path}[{i}]")))
            .collect(),
        _ if same_value(got, want) => Vec::new(),
        _ => vec![format!("{path}: want {want}, got {got}")],
    }
}

/// Compares the result of a run (`Program::run_cycle_json`) with `want_cycle`: `error` (a run error
/// code), `units` (each matched by `unit_id`, then compared as a subset), `totals`, `summary` and
/// `comparison` (subsets).
pub fn compare_cycle(got: &Json, want: &Json) -> Vec<String> {
    let mut diffs = Vec::new();
    let Some(w) = want.as_object() else {
        return vec!["`want_cycle` must be an object".into()];
    };
    for (key, wv) in w {
        match key.as_str() {
            "error" => {
                let code = got.pointer("/error/code").and_then(Json::as_str);
                if code != wv.as_str() {
                    diffs.push(format!(
                        "cycle error: want {wv}, got {}",
                        code.unwrap_or("no error")
                    ));
                }
            }
            "units" => {
                for u in wv.as_array().map(Vec::as_slice).unwrap_or(&[]) {
                    let id = u.get("unit_id").and_then(Json::as_str).unwrap_or("");
                    let g = got.get("units").and_then(Json::as_array).and_then(|a| {
                        a.iter()
                            .find(|x| x.get("unit_id").and_then(Json::as_str) == Some(id))
                    });
                    match g {
                        None => diffs.push(format!("cycle: no record for unit {id}")),
                        Some(g) => diffs.extend(subset_diff(g, u, &format!("unit {id}"))),
                    }
                }
            }
            "totals" | "summary" | "comparison" => diffs.extend(subset_diff(
                got.get(key.as_str()).unwrap_or(&Json::Null),
                wv,
                key,
            )),
            other => diffs.push(format!("unknown cycle expectation `{other}`")),
        }
    }
    diffs
}
