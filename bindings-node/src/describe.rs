//! The program's description handed to index.js: what Python's `Program` and WebAssembly's
//! give (rules and items with their lines, units of measure, translations), and the names a unit
//! may carry, which index.js uses to send an undeclared key without its value.

use entitle_core::Program;
use serde_json::{json, Value as Json};

/// Identifier, title, version, hash, target, currency, inputs, parameters, rules and items
/// (each with the `line` it is written on), the units of measure of the in-kind items, the
/// translations and the names a unit may carry (`Program::declared_names_json`).
pub(crate) fn metadata(p: &Program) -> Json {
    let ir = p.ir();
    let rules: Vec<Json> = p
        .rules()
        .iter()
        .map(|r| json!({"id": r.id, "kind": r.kind, "sentence": r.sentence, "line": r.span.line}))
        .collect();
    let items: Vec<Json> = p
        .items()
        .iter()
        .map(|i| {
            json!({"id": i.id, "kind": i.kind, "sentence": i.sentence, "unit": i.unit,
                "line": i.span.line})
        })
        .collect();
    let units_of_measure: Vec<String> =
        p.units_of_measure().iter().map(|u| u.to_string()).collect();
    json!({
        "id": ir.id,
        "title": ir.title,
        "version": ir.version,
        "hash": p.hash(),
        "target": p.target(),
        "currency": p.currency().map(|c| c.to_string()),
        "inputs": p.inputs(),
        "params": p.params(),
        "rules": rules,
        "items": items,
        "units_of_measure": units_of_measure,
        "translations": ir.translations,
        "names": p.declared_names_json(),
    })
}
