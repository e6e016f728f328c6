//! The program's description handed to index.js: what Python's `Program` and WebAssembly's
//! give (rules and items with their lines, units of measure, translations), and the names a unit
//! may carry, which index.js uses to send an undeclared key without its value.

use entitle_core::Program;
use serde_json::{json, Value as Json};

/// Identifier, title, version, hash, target, currency, inputs, parameters, rules and items
/// (each with the `line` it is written on), the units of measure of the in-kind items, the
/// translations and the names a unit may carry ([`declared_names`]).
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
        "names": declared_names(p),
    })
}

/// The names a unit may carry, by place, for index.js: a key the program does not declare is
/// sent with a null value, so nothing under it can fail the unit (the engine does not read it,
/// as in Python), while strict binding still sees its name (R0011). Declared inputs, record
/// collections and the shape keys (`id`, `members`, a member's `kind` …).
pub(crate) fn declared_names(p: &Program) -> Json {
    let layout = p.layout();
    let names = |inputs: &[entitle_core::dsl::ir::Input]| -> Vec<String> {
        inputs.iter().map(|i| i.name.clone()).collect()
    };
    let mut unit = names(layout.unit_inputs());
    unit.extend(layout.records().iter().map(|(n, _)| n.clone()));
    unit.extend(entitle_core::batch::UNIT_KEYS.iter().map(|k| k.to_string()));
    let mut member = names(layout.member_inputs());
    member.extend(
        entitle_core::batch::MEMBER_KEYS
            .iter()
            .map(|k| k.to_string()),
    );
    let records: serde_json::Map<String, Json> = layout
        .records()
        .iter()
        .map(|(n, fields)| (n.clone(), json!(names(fields))))
        .collect();
    json!({"unit": unit, "member": member, "records": records})
}
