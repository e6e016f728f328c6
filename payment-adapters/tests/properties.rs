//! Property tests: amounts written by the adapters always match the official amount patterns.

mod common;

use common::schemas_dir;
use entitle_payments::amount::{fixed, without_trailing_zeros};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

/// The Mojaloop and G2P Connect `Amount` schemas, loaded once.
fn amount_validators() -> &'static (jsonschema::Validator, jsonschema::Validator) {
    static V: std::sync::OnceLock<(jsonschema::Validator, jsonschema::Validator)> =
        std::sync::OnceLock::new();
    V.get_or_init(load)
}

fn load() -> (jsonschema::Validator, jsonschema::Validator) {
    let fspiop: Value = serde_json::from_slice(
        &std::fs::read(schemas_dir().join("mojaloop/fspiop-v2_0-json-schemas.json")).unwrap(),
    )
    .unwrap();
    let mojaloop = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&fspiop["Amount"])
        .unwrap();
    let yaml =
        std::fs::read_to_string(schemas_dir().join("g2p-connect/disburse_core_api_v1.0.0.yaml"))
            .unwrap();
    let spec: Value = serde_yaml::from_str(&yaml).unwrap();
    let g2p = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&spec["components"]["schemas"]["Amount"])
        .unwrap();
    (mojaloop, g2p)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn written_amounts_match_the_official_patterns(mantissa in 1u64..10_000_000_000_000_000, scale in 0u32..=4) {
        let (mojaloop, g2p) = amount_validators();
        let amount = Decimal::from_i128_with_scale(i128::from(mantissa), scale);
        let m = without_trailing_zeros(amount);
        prop_assert!(mojaloop.is_valid(&Value::String(m.clone())), "Mojaloop {m}");
        prop_assert_eq!(m.parse::<Decimal>().unwrap(), amount);
        if amount.normalize().scale() <= 2 && amount.trunc() < Decimal::from(10_000_000_000_000u64) {
            let g = fixed(amount, 2);
            prop_assert!(g2p.is_valid(&Value::String(g.clone())), "G2P Connect {g}");
            prop_assert_eq!(g.parse::<Decimal>().unwrap(), amount);
        }
    }
}
