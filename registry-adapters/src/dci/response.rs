//! Reading a DCI social-registry search response into rows: one per group (or person) record, and
//! one per member of each group.
//!
//! The reading is lenient where the official samples deviate from the schema: `headers` for
//! `header`, numbers and truth values written as strings (`"group_size": "1"`, `"is_disabled":
//! "0"`), `person` and `household_member` wrappers, identifiers as a string, an object or a list of
//! `{identifier_type, identifier_value}`, JSON-LD prefixes on keys (`spdci:registration_date`),
//! dates written as date-times, and unknown fields (kept, so a mapping can name them). It is strict
//! where leniency would lose data: a file that is not a search response, a rejected search, or
//! records that are not objects are reported, never skipped.

use super::memory::{Cell, FlatRow};
use crate::error::{codes, RegistryError};
use crate::files::rows::BadCell;
use crate::reason::Reason;
use serde_json::{Map, Value as Json};
use std::path::Path;
use std::sync::Arc;

/// The rows read from one response.
#[derive(Default)]
pub(crate) struct Rows {
    pub units: Vec<FlatRow>,
    pub members: Vec<FlatRow>,
}

const OBJECT: BadCell = BadCell {
    code: codes::BAD_VALUE,
    key: "G0101.object",
};

fn not_dci(path: &Path, reason: Reason) -> RegistryError {
    RegistryError::NotDci {
        path: path.to_path_buf(),
        reason,
    }
}

/// A key without its JSON-LD prefix (`spdci:sex` → `sex`, `:identifier` → `identifier`).
fn bare(key: &str) -> &str {
    match key.rsplit_once(':') {
        Some((prefix, rest)) if !prefix.contains('/') && !rest.is_empty() => rest,
        _ => key,
    }
}

/// The text of a scalar (or a list of scalars, joined by `;`); `None` for null and blank text.
pub(crate) fn text_of(v: &Json) -> Option<Result<String, BadCell>> {
    match v {
        Json::Null => None,
        Json::Bool(b) => Some(Ok(b.to_string())),
        Json::Number(n) => Some(Ok(n.to_string())),
        Json::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()).map(Ok),
        Json::Array(items) => {
            let mut parts = Vec::new();
            for item in items {
                match text_of(item) {
                    Some(Ok(t)) => parts.push(t),
                    Some(Err(b)) => return Some(Err(b)),
                    None => {}
                }
            }
            Some(parts.join(";")).filter(|s| !s.is_empty()).map(Ok)
        }
        Json::Object(o) => identifier(&Json::Object(o.clone()))
            .map(Ok)
            .or(Some(Err(OBJECT))),
    }
}

/// The value of an identifier written as a string, a number, an object with `identifier_value`
/// (or `value`), or a list of those (the first).
pub(crate) fn identifier(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Json::Number(n) => Some(n.to_string()),
        Json::Array(items) => items.iter().find_map(identifier),
        Json::Object(o) => ["identifier_value", "value", "id"]
            .iter()
            .find_map(|k| o.get(*k).and_then(identifier)),
        _ => None,
    }
}

/// An object without its wrapper: `{"person": {…}}` or `{"household_member": {…}}` is the inner
/// object (merged with any sibling keys).
fn unwrap(v: &Json) -> Option<Map<String, Json>> {
    let o = v.as_object()?;
    for w in ["household_member", "member", "person", "individual"] {
        if let Some(Json::Object(inner)) = o.get(w) {
            let mut merged = inner.clone();
            for (k, x) in o {
                if k != w {
                    merged.entry(k.clone()).or_insert_with(|| x.clone());
                }
            }
            return Some(merged);
        }
    }
    Some(o.clone())
}

/// Puts every field of `o` into `row`: scalars under their bare name (when `bare_names`) and under
/// `prefix.name`; nested objects under dotted names; identifier lists also as `name.TYPE`.
fn flatten(row: &mut FlatRow, o: &Map<String, Json>, prefix: &str, bare_names: bool) {
    for (k, v) in o {
        if k.starts_with('@') {
            continue;
        }
        let key = bare(k);
        let full = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        let put = |row: &mut FlatRow, cell: Cell| {
            if bare_names && !prefix.is_empty() {
                row.offer(key, cell.clone());
            }
            row.offer(&full, cell);
        };
        match v {
            Json::Object(inner) if key == "additional_attributes" => {
                attributes(row, &Json::Object(inner.clone()), &full)
            }
            Json::Array(_) if key == "additional_attributes" => attributes(row, v, &full),
            Json::Object(inner) => {
                if let Some(id) = identifier(v) {
                    put(row, Cell::Text(id));
                }
                flatten(row, inner, &full, false);
            }
            Json::Array(items) if items.iter().any(Json::is_object) => {
                if let Some(id) = identifier(v) {
                    put(row, Cell::Text(id));
                }
                for item in items {
                    if let (Some(t), Some(id)) = (
                        item.get("identifier_type").and_then(Json::as_str),
                        identifier(item),
                    ) {
                        row.offer(&format!("{full}.{t}"), Cell::Text(id));
                    }
                }
            }
            _ => match text_of(v) {
                Some(Ok(t)) => put(row, Cell::Text(t)),
                Some(Err(b)) => put(row, Cell::Bad(b)),
                None => {}
            },
        }
    }
}

/// `additional_attributes`: `[{"name": n, "value": v}]`, `[{"attribute_name": …}]`, `[{n: v}]` or
/// `{n: v}`; each attribute under its bare name and under `additional_attributes.n`.
fn attributes(row: &mut FlatRow, v: &Json, prefix: &str) {
    let mut pairs: Vec<(String, Json)> = Vec::new();
    let mut take = |o: &Map<String, Json>| {
        let name = ["name", "attribute_name", "key"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Json::as_str));
        let value = ["value", "attribute_value"].iter().find_map(|k| o.get(*k));
        match (name, value) {
            (Some(n), Some(v)) => pairs.push((n.to_string(), v.clone())),
            _ => pairs.extend(o.iter().map(|(k, v)| (bare(k).to_string(), v.clone()))),
        }
    };
    match v {
        Json::Array(items) => items.iter().filter_map(Json::as_object).for_each(&mut take),
        Json::Object(o) => pairs.extend(o.iter().map(|(k, v)| (bare(k).to_string(), v.clone()))),
        _ => {}
    }
    for (name, value) in pairs {
        let cell = match text_of(&value) {
            Some(Ok(t)) => Cell::Text(t),
            Some(Err(b)) => Cell::Bad(b),
            None => continue,
        };
        row.offer(&name, cell.clone());
        row.offer(&format!("{prefix}.{name}"), cell);
    }
}

/// Whether a record is a group (household) rather than a person.
fn is_group(o: &Map<String, Json>) -> bool {
    let typed = o
        .get("@type")
        .and_then(Json::as_str)
        .is_some_and(|t| bare(t).eq_ignore_ascii_case("group"));
    typed
        || [
            "member_list",
            "group_identifier",
            "group_head_info",
            "group_size",
        ]
        .iter()
        .any(|k| o.keys().any(|x| bare(x) == *k))
}

fn get<'a>(o: &'a Map<String, Json>, key: &str) -> Option<&'a Json> {
    o.get(key)
        .or_else(|| o.iter().find(|(k, _)| bare(k) == key).map(|(_, v)| v))
}

/// The ways a person or member can be recognised: its member identifier, its demographic
/// identifiers and its `@id`.
fn identities(o: &Map<String, Json>) -> Vec<String> {
    let mut out = Vec::new();
    let demographic = get(o, "demographic_info").and_then(unwrap);
    let sources = [
        get(o, "member_identifier"),
        get(o, "identifier"),
        demographic.as_ref().and_then(|d| get(d, "identifier")),
        o.get("@id"),
    ];
    for v in sources.into_iter().flatten() {
        match v {
            Json::Array(items) => out.extend(items.iter().filter_map(identifier)),
            other => out.extend(identifier(other)),
        }
    }
    out
}

/// A person's (or member's) row: its own fields, then its demographic fields.
fn person_row(o: &Map<String, Json>, file: &Arc<str>, line: u64) -> FlatRow {
    let mut row = FlatRow {
        file: Arc::clone(file),
        line,
        ..FlatRow::default()
    };
    let demographic = get(o, "demographic_info").and_then(unwrap);
    let mut own = o.clone();
    own.retain(|k, _| bare(k) != "demographic_info");
    flatten(&mut row, &own, "", true);
    if let Some(d) = &demographic {
        flatten(&mut row, d, "demographic_info", true);
    }
    row.set("id", identities(o).into_iter().next());
    row
}

/// The membership kind a relationship field gives (`self` is the head).
fn kind_of(o: &Map<String, Json>) -> Option<String> {
    let keys = [
        "relationship_head",
        "relationship_to_head",
        "relation_to_head",
        "relationship",
        "member_role",
        "kind",
    ];
    let value = keys.iter().find_map(|k| get(o, k).and_then(identifier))?;
    let head = ["self", "head", "hoh", "household head", "head of household"];
    Some(if head.iter().any(|h| value.eq_ignore_ascii_case(h)) {
        "head".to_string()
    } else {
        value
    })
}

/// Where a record is, and which field identifies units when a mapping names one.
pub(crate) struct At<'a> {
    pub file: Arc<str>,
    pub line: u64,
    pub id_field: Option<&'a str>,
}

fn text_field(row: &FlatRow, name: &str) -> Option<String> {
    match row.fields.get(name) {
        Some(Cell::Text(t)) => Some(t.clone()),
        _ => None,
    }
}

/// A group record's unit row and member rows.
fn group_rows(o: &Map<String, Json>, at: &At, out: &mut Rows) {
    let (file, line) = (&at.file, at.line);
    let mut unit = FlatRow {
        file: Arc::clone(file),
        line,
        ..FlatRow::default()
    };
    let mut own = o.clone();
    own.retain(|k, _| !matches!(bare(k), "member_list" | "group_head_info"));
    flatten(&mut unit, &own, "", true);
    let id = match at.id_field {
        Some(f) => text_field(&unit, f),
        None => ["group_identifier", "identifier", "id", "group_id"]
            .iter()
            .find_map(|k| get(o, k).and_then(identifier))
            .or_else(|| o.get("@id").and_then(identifier)),
    };
    unit.set("id", id.clone());
    let list: Vec<Json> = match get(o, "member_list") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(items)) => items.clone(),
        Some(one @ Json::Object(_)) => vec![one.clone()],
        Some(_) => {
            unit.problem = Some(Reason::key("G0104.dci.member_list"));
            Vec::new()
        }
    };
    let head = get(o, "group_head_info").and_then(unwrap);
    let head_ids = head.as_ref().map(identities).unwrap_or_default();
    let mut head_found = false;
    let mut members = Vec::new();
    for (k, item) in list.iter().enumerate() {
        let Some(m) = unwrap(item) else {
            let member = (k + 1).to_string();
            unit.problem = Some(Reason::with("G0104.dci.member", &[("member", &member)]));
            continue;
        };
        let mut row = person_row(&m, file, line);
        if !row.fields.contains_key("id") {
            row.set("id", Some(format!("#{}", k + 1)));
        }
        let mut kinds: Vec<String> = kind_of(&m).into_iter().collect();
        if !head_found
            && !head_ids.is_empty()
            && identities(&m).iter().any(|i| head_ids.contains(i))
        {
            head_found = true;
            if !kinds.iter().any(|k| k == "head") {
                kinds.push("head".into());
            }
        }
        head_found |= kinds.iter().any(|k| k == "head");
        row.set("kind", Some(kinds.join(";")).filter(|s| !s.is_empty()));
        members.push(row);
    }
    // A head described only in `group_head_info` is a member too.
    if let (false, Some(h)) = (head_found, &head) {
        if !head_ids.is_empty() {
            let mut row = person_row(h, file, line);
            row.set("kind", Some("head".into()));
            members.push(row);
        }
    }
    for mut m in members {
        m.set("group_id", id.clone());
        out.members.push(m);
    }
    out.units.push(unit);
}

/// The records of a search response, with the item each came from.
fn records<'a>(path: &Path, doc: &'a Json) -> Result<Vec<&'a Json>, RegistryError> {
    let root = doc
        .as_object()
        .ok_or_else(|| not_dci(path, Reason::key("G0013.not_object")))?;
    if let Some(h) = get(root, "header").or_else(|| get(root, "headers")) {
        let action = h.get("action").and_then(Json::as_str).unwrap_or("search");
        if !matches!(action, "search" | "on-search" | "on_search" | "") {
            return Err(not_dci(
                path,
                Reason::with("G0013.action", &[("header_action", action)]),
            ));
        }
    }
    let message = match root.get("message") {
        Some(Json::Object(m)) => m,
        Some(_) => return Err(not_dci(path, Reason::key("G0013.message_not_object"))),
        None if root.contains_key("search_response") => root,
        None => return Err(not_dci(path, Reason::key("G0013.no_message"))),
    };
    if message.contains_key("ciphertext") {
        return Err(not_dci(path, Reason::key("G0013.encrypted")));
    }
    let responses: Vec<&Json> = match message.get("search_response") {
        Some(Json::Array(items)) => items.iter().collect(),
        Some(one @ Json::Object(_)) => vec![one],
        Some(_) => return Err(not_dci(path, Reason::key("G0013.responses_not_list"))),
        None if message.contains_key("search_request") => {
            return Err(not_dci(path, Reason::key("G0013.request")))
        }
        None => return Err(not_dci(path, Reason::key("G0013.no_responses"))),
    };
    let mut out = Vec::new();
    for (i, r) in responses.iter().enumerate() {
        let status = r.get("status").and_then(Json::as_str).unwrap_or("");
        if status.eq_ignore_ascii_case("rjct") {
            // The registry's own reason is a code (`rjct.reference_id.invalid`), kept as it is.
            let file = path.display().to_string();
            let index = i.to_string();
            let mut args = vec![("file", file.as_str()), ("index", index.as_str())];
            let key = match r.get("status_reason_code").and_then(Json::as_str) {
                Some(code) => {
                    args.push(("status_code", code));
                    "G0008.dci_rejected"
                }
                None => "G0008.dci_rejected.no_code",
            };
            return Err(RegistryError::Unsupported {
                reason: Reason::with(key, &args),
            });
        }
        match r.get("data").and_then(|d| d.get("reg_records")) {
            None | Some(Json::Null) => {}
            Some(Json::Array(items)) => out.extend(items.iter()),
            Some(_) => {
                return Err(not_dci(
                    path,
                    Reason::with("G0013.records_not_list", &[("index", &i.to_string())]),
                ))
            }
        }
    }
    Ok(out)
}

/// Reads the response in `path` into rows for a household (`household`) or individual program,
/// numbering its records from `first` (each row's line is its record's number); `display` names
/// the file in error records.
///
/// # Errors
/// G0001 when the file cannot be read; [`RegistryError::NotDci`] (G0013) when it is not a search
/// response; G0008 when the registry rejected the search.
pub(crate) fn read(
    path: &Path,
    display: &Arc<str>,
    household: bool,
    first: u64,
    id_field: Option<&str>,
    rows: &mut Rows,
) -> Result<u64, RegistryError> {
    let bytes = std::fs::read(path).map_err(|e| RegistryError::io("read", path, e))?;
    let doc: Json = serde_json::from_slice(&bytes).map_err(|e| {
        not_dci(
            path,
            Reason::with(
                "G0013.not_json",
                &[
                    ("line", &e.line().to_string()),
                    ("column", &e.column().to_string()),
                ],
            ),
        )
    })?;
    let records = records(path, &doc)?;
    let mut line = first;
    for record in records {
        let at = At {
            file: Arc::clone(display),
            line,
            id_field,
        };
        line += 1;
        let problem_row = |key: &'static str, id: Option<String>| {
            let mut r = FlatRow {
                file: Arc::clone(&at.file),
                line: at.line,
                problem: Some(Reason::key(key)),
                ..FlatRow::default()
            };
            // A record without an id is named by its number, so that its problem is reported.
            r.set("id", id.or_else(|| Some(format!("#{}", at.line))));
            r
        };
        let Some(o) = unwrap(record) else {
            rows.units.push(problem_row("G0104.dci.not_object", None));
            continue;
        };
        match (is_group(&o), household) {
            (true, true) => group_rows(&o, &at, rows),
            (false, false) => {
                let mut row = person_row(&o, &at.file, at.line);
                if let Some(f) = id_field {
                    let id = text_field(&row, f);
                    row.set("id", id);
                }
                rows.units.push(row);
            }
            (true, false) => rows.units.push(problem_row(
                "G0104.dci.group_record",
                identities(&o).into_iter().next(),
            )),
            (false, true) => rows.units.push(problem_row(
                "G0104.dci.person_record",
                identities(&o).into_iter().next(),
            )),
        }
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_lose_their_json_ld_prefix() {
        assert_eq!(bare("spdci:registration_date"), "registration_date");
        assert_eq!(bare(":identifier"), "identifier");
        assert_eq!(bare("sex"), "sex");
        assert_eq!(bare("https://x/y:z"), "https://x/y:z");
    }

    #[test]
    fn identifiers_come_in_every_shape() {
        let rows = [
            (serde_json::json!("M1"), Some("M1")),
            (serde_json::json!(12), Some("12")),
            (
                serde_json::json!({"identifier_type": "NID", "identifier_value": "X"}),
                Some("X"),
            ),
            (
                serde_json::json!([{"identifier_type": "NID", "identifier_value": "Y"}]),
                Some("Y"),
            ),
            (serde_json::json!([]), None),
            (serde_json::json!("  "), None),
            (serde_json::json!(true), None),
        ];
        for (v, want) in rows {
            assert_eq!(identifier(&v).as_deref(), want, "{v}");
        }
    }
}
