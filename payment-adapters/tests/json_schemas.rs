//! The JSON requests validate against the official definitions in `shared/reference/schemas/`:
//! the G2P Connect disburse OpenAPI (with the `disburemsents` typo patched in this test's copy
//! only), and the Mojaloop SDK scheme adapter outbound OpenAPI v2.1.0. G2P Bridge 1.0 publishes no
//! schema file, so its requests are checked against `tests/schemas/g2p-bridge-1.0.schema.json`,
//! written from the 1.0 pydantic models (see that folder's SOURCE.md).
//!
//! Component schemas are taken from the OpenAPI YAML (parsed with serde_yaml) and validated as
//! JSON Schema draft 4 with every internal `$ref` resolved against the whole document.

mod common;

use common::*;
use entitle_payments::{Format, MOJALOOP_UNSUPPORTED_CURRENCIES};
use serde_json::{json, Value};
use std::path::Path;

fn load_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A validator for one schema inside an OpenAPI document, addressed by JSON pointer: the document
/// is the root resource, so `#/components/schemas/…` references resolve inside it.
fn validator(document: &Value, pointer: &str) -> jsonschema::Validator {
    let mut root = document.clone();
    root.as_object_mut()
        .unwrap()
        .insert("$ref".into(), Value::String(format!("#{pointer}")));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .should_ignore_unknown_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("schema at {pointer} does not compile: {e}"))
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

fn g2p_connect_spec(patched: bool) -> Value {
    let path = schemas_dir().join("g2p-connect/disburse_core_api_v1.0.0.yaml");
    let mut spec = load_yaml(&path);
    if patched {
        let required = &mut spec["components"]["schemas"]["DisburseRequest"]["required"];
        let list = required.as_array_mut().expect("DisburseRequest.required");
        let typo = list
            .iter()
            .position(|v| v == "disburemsents")
            .expect("the published typo is still there (P4)");
        list[typo] = json!("disbursements");
    }
    spec
}

const DISBURSE_BODY: &str = "/paths/~1disburse/post/requestBody/content/application~1json/schema";

fn export_files(format: Format, extra: &str) -> (Fixture, Vec<(String, Value)>) {
    let fx = standard_run("KES");
    let report = fx
        .export(format, &payer_with(extra), &mobile_payees(), "out")
        .unwrap();
    let dir = fx.out("out");
    let mut files: Vec<String> = report.batches.iter().map(|b| b.file.clone()).collect();
    if format == Format::G2pBridge {
        files.insert(0, "g2p-bridge-envelope.json".into());
    }
    let parsed = files
        .into_iter()
        .map(|f| {
            let v = serde_json::from_slice(&std::fs::read(dir.join(&f)).unwrap()).unwrap();
            (f, v)
        })
        .collect();
    (fx, parsed)
}

#[test]
fn g2p_connect_requests_validate_against_the_disburse_api() {
    let spec = g2p_connect_spec(true);
    let body = validator(&spec, DISBURSE_BODY);
    let message = validator(&spec, "/components/schemas/DisburseRequest");
    let header = validator(&spec, "/components/schemas/MsgHeader_V1.0.0");
    let (_fx, files) = export_files(Format::G2pConnect, "");
    assert_eq!(files.len(), 1);
    for (name, req) in &files {
        assert_eq!(errors(&body, req), Vec::<String>::new(), "{name}");
        assert_eq!(
            errors(&message, &req["message"]),
            Vec::<String>::new(),
            "{name}"
        );
        assert_eq!(
            errors(&header, &req["header"]),
            Vec::<String>::new(),
            "{name}"
        );
    }
}

/// The checks are real: the published spec (typo unpatched) rejects a correct payload (P4), and
/// the patched one rejects amounts without a decimal point (P1) and a wrong action.
#[test]
fn g2p_connect_validation_catches_the_pitfalls() {
    let (_fx, files) = export_files(Format::G2pConnect, "");
    let req = &files[0].1;
    let unpatched = validator(
        &g2p_connect_spec(false),
        "/components/schemas/DisburseRequest",
    );
    assert!(
        !unpatched.is_valid(&req["message"]),
        "the typo makes a correct payload fail"
    );

    let spec = g2p_connect_spec(true);
    let body = validator(&spec, DISBURSE_BODY);
    let mut bad = req.clone();
    bad["message"]["disbursements"][0]["amount"] = json!("2500");
    assert!(!body.is_valid(&bad), "\"2500\" has no decimal point");
    let mut bad = req.clone();
    bad["message"]["disbursements"][0]["amount"] = json!("2500.000");
    assert!(!body.is_valid(&bad));
    let mut bad = req.clone();
    bad["header"]["action"] = json!("search");
    assert!(!body.is_valid(&bad));
    let mut bad = req.clone();
    bad["header"]["total_count"] = json!("6");
    assert!(!body.is_valid(&bad), "total_count is an integer (P6)");
}

fn mojaloop_spec() -> Value {
    load_yaml(
        &schemas_dir().join("mojaloop/sdk-scheme-adapter-outbound-v2_1_0-openapi3-snippets.yaml"),
    )
}

#[test]
fn mojaloop_requests_validate_against_the_sdk_outbound_api() {
    let spec = mojaloop_spec();
    let v = validator(&spec, "/components/schemas/bulkTransactionRequest");
    let (_fx, files) = export_files(Format::Mojaloop, "");
    assert_eq!(files.len(), 2);
    for (name, req) in &files {
        assert_eq!(errors(&v, req), Vec::<String>::new(), "{name}");
    }
    // The checks are real: trailing zeros (P2) and a date-time without milliseconds (P3) fail.
    let mut bad = files[1].1.clone();
    bad["individualTransfers"][0]["amount"] = json!("2500.00");
    assert!(!v.is_valid(&bad));
    let mut bad = files[1].1.clone();
    bad["options"]["bulkExpiration"] = json!("2026-03-12T00:00:00Z");
    assert!(!v.is_valid(&bad));
    let mut bad = files[1].1.clone();
    bad["individualTransfers"][0]["extra"] = json!(1);
    assert!(!v.is_valid(&bad), "additionalProperties: false");
}

#[test]
fn mojaloop_amounts_and_times_match_the_fspiop_v2_json_schemas() {
    let path = schemas_dir().join("mojaloop/fspiop-v2_0-json-schemas.json");
    let all: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let build = |name: &str| {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .build(&all[name])
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let amount = build("Amount");
    let datetime = build("DateTime");
    let (_fx, files) = export_files(Format::Mojaloop, "");
    for (_, req) in &files {
        for t in req["individualTransfers"].as_array().unwrap() {
            assert!(amount.is_valid(&t["amount"]), "{}", t["amount"]);
        }
        assert!(datetime.is_valid(&req["options"]["bulkExpiration"]));
    }
    assert!(!amount.is_valid(&json!("150.50")));
}

/// The list of currencies Mojaloop refuses is exactly what the v2.1.0 `Currency` enum lacks among
/// the ISO 4217 codes Entitle knows.
#[test]
fn mojaloop_unsupported_currencies_match_the_schema_enum() {
    let spec = mojaloop_spec();
    let listed: Vec<&str> = spec["components"]["schemas"]["Currency"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let missing: Vec<&str> = entitle_dsl::Currency::all_codes()
        .filter(|c| !listed.contains(c))
        .collect();
    assert_eq!(missing, MOJALOOP_UNSUPPORTED_CURRENCIES);
}

fn bridge_schema() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/g2p-bridge-1.0.schema.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn g2p_bridge_requests_validate_against_the_pinned_1_0_models() {
    let schema = bridge_schema();
    let envelope = validator(&schema, "/definitions/DisbursementEnvelopeRequest");
    let disbursements = validator(&schema, "/definitions/DisbursementRequest");
    let (_fx, files) = export_files(Format::G2pBridge, "");
    assert_eq!(files.len(), 2);
    assert_eq!(errors(&envelope, &files[0].1), Vec::<String>::new());
    assert_eq!(errors(&disbursements, &files[1].1), Vec::<String>::new());
    // The newer line's names are refused: the 1.0 names are pinned.
    let mut newer = files[1].1.clone();
    let first = newer["message"][0].as_object_mut().unwrap();
    let amount = first.remove("disbursement_amount").unwrap();
    first.insert("disbursement_quantity".into(), amount);
    assert!(!disbursements.is_valid(&newer));
    let mut newer = files[0].1.clone();
    newer["message"]["measurement_unit"] = json!("KES");
    assert!(!envelope.is_valid(&newer));
}
