//! Comparing a decision's explanation with the one a case expects: the rules, values and
//! entitlement lines it names, as text.

use crate::str_list;
use serde_json::Value as Json;

/// A value in an explanation, as text: `"KES 1500"`, `"2"`, `"North"`, `null`; parameters add
/// ` from DATE` when their value is in force from a date.
fn explained_value(v: &Json) -> String {
    let base = match v.get("value") {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Null) | None => "unknown".into(),
        Some(other) => other.to_string(),
    };
    match v.get("in_force_from").and_then(Json::as_str) {
        Some(d) => format!("{base} from {d}"),
        None => base,
    }
}

/// Each value `want` names, against the value of that name in the explanation's `entry`.
fn compare_values(entry: &Json, want: &Json, what: &str, diffs: &mut Vec<String>) {
    let empty = serde_json::Map::new();
    for (name, wv) in want.as_object().unwrap_or(&empty) {
        let g = entry
            .get("values")
            .and_then(Json::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|v| v.get("name").and_then(Json::as_str) == Some(name))
            })
            .map(explained_value);
        if g.as_deref() != wv.as_str() {
            diffs.push(format!("explanation {what} {name}: want {wv}, got {g:?}"));
        }
    }
}

pub(crate) fn compare_explanation(got: Option<&Json>, want: &Json) -> Vec<String> {
    let mut diffs = Vec::new();
    let Some(got) = got else {
        return vec!["explanation: none was built".into()];
    };
    let empty = serde_json::Map::new();
    for (section, key) in [("rules", "rules"), ("items", "items")] {
        for (id, values) in want
            .get(section)
            .and_then(Json::as_object)
            .unwrap_or(&empty)
        {
            let entry = got.get(key).and_then(Json::as_array).and_then(|a| {
                a.iter()
                    .find(|r| r.get("id").and_then(Json::as_str) == Some(id))
            });
            let Some(entry) = entry else {
                diffs.push(format!("explanation {section} {id}: missing"));
                continue;
            };
            compare_values(entry, values, &format!("{section} {id}"), &mut diffs);
        }
    }
    for (key, values) in want
        .get("scores")
        .and_then(Json::as_object)
        .unwrap_or(&empty)
    {
        let (score, component) = key.split_once('.').unwrap_or((key.as_str(), ""));
        let entry = got
            .get("scores")
            .and_then(Json::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|s| s.get("id").and_then(Json::as_str) == Some(score))
            })
            .and_then(|s| s.get("components"))
            .and_then(Json::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|c| c.get("id").and_then(Json::as_str) == Some(component))
            });
        let Some(entry) = entry else {
            diffs.push(format!("explanation scores {key}: missing"));
            continue;
        };
        compare_values(entry, values, &format!("scores {key}"), &mut diffs);
    }
    if let Some(adj) = want.get("adjustments") {
        let g: Vec<String> = got
            .get("adjustments")
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.get("kind").and_then(Json::as_str).map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        if g != str_list(Some(adj)) {
            diffs.push(format!("adjustments: want {adj}, got {g:?}"));
        }
    }
    diffs
}
