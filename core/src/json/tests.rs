//! The JSON boundary's own tests; the conformance corpus holds the rest.

use super::{oversized_result, results_json_texts, unit_from_json, units_from_json_text};
use crate::{EvalOptions, Program};
use serde_json::json;

#[test]
fn a_number_with_an_exponent_is_read_exactly_or_refused() {
    let read = |x: serde_json::Value| unit_from_json(&json!({"id": "P", "x": x}));
    let number = |x: serde_json::Value| {
        read(x)
            .map(|u| u.attributes.get("x").map(ToString::to_string))
            .map_err(|e| e.to_string())
    };
    let parsed = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap_or_default();
    assert_eq!(number(parsed("1e-7")), Ok(Some("0.0000001".into())));
    assert_eq!(number(parsed("1.5E+3")), Ok(Some("1500".into())));
    let amount = read(json!({"amount": parsed("2.5e2"), "currency": "KES"}))
        .map(|u| u.attributes.get("x").map(ToString::to_string));
    assert_eq!(amount.ok().flatten().as_deref(), Some("KES 250"));
    assert_eq!(
        number(parsed("1e-29")),
        Err("`x`: the number is out of range or not exact".into())
    );
}

#[test]
fn the_elements_of_an_array_are_read_as_the_list_s_element_type() {
    let src = "program p \"P\"\n  target individual\ninputs\n  person.days: list of date\n  person.flags: list of bool\neligible when\n  d \"D\" 2026-02-05 in days\n  f \"F\" true in flags\n";
    let p = Program::compile(src).unwrap_or_else(|e| panic!("{e:?}"));
    let run =
        |unit: serde_json::Value| p.evaluate_json(&unit, "2026-03-01", &EvalOptions::default());
    let arrays = json!({"id": "P", "days": ["2026-01-05", " 2026-02-05 "], "flags": ["no", 1]});
    let texts = json!({"id": "P", "days": "2026-01-05;2026-02-05", "flags": "no;1"});
    assert_eq!(run(arrays.clone())["decision"], "eligible");
    assert_eq!(run(arrays)["explanation"], run(texts)["explanation"]);
    let bad = run(json!({"id": "P", "days": ["2026-01-05", "05/02/2026"]}));
    assert_eq!(
        bad["error"]["message"],
        "`days`: expected a date in ISO 8601 form, such as 2026-03-01"
    );
    let bad = run(json!({"id": "P", "flags": [true, 2]}));
    assert_eq!(
        bad["error"]["message"],
        "`flags`: expected a truth value (true/false, yes/no, on/off, 1/0)"
    );
}

#[test]
fn a_truth_value_is_1_or_0_as_a_number_and_on_or_off_as_text_for_a_member_too() {
    let src = "program p \"P\"\ninputs\n  member.flag: bool\neligible when\n  f \"F\" any(members where flag)\n";
    let p = Program::compile(src).unwrap_or_else(|e| panic!("{e:?}"));
    let run = |flag: serde_json::Value| {
        let unit = json!({"id": "H1", "members": [{"id": "M1", "flag": flag}]});
        p.evaluate_json(&unit, "2026-03-01", &EvalOptions::default())
    };
    for (flag, want) in [
        (json!(1), "eligible"),
        (json!(0), "not_eligible"),
        (json!(1.0), "eligible"),
        (json!("on"), "eligible"),
        (json!("Off"), "not_eligible"),
    ] {
        assert_eq!(run(flag.clone())["decision"], want, "{flag}");
    }
    for flag in [json!(2), json!(0.5), json!(-1), json!("2")] {
        let out = run(flag.clone());
        assert_eq!(out["error"]["code"], "R0005", "{flag}");
        assert_eq!(
            out["error"]["message"],
            "`member M1: flag`: expected a truth value (true/false, yes/no, on/off, 1/0)",
            "{flag}"
        );
    }
}

#[test]
fn a_unit_the_json_reader_refuses_fails_alone_with_its_id() {
    let deep = format!("{}1{}", "[".repeat(130), "]".repeat(130));
    let text = format!(
        r#"[{{"id": "H1"}}, {{"id": "H2", "notes": {deep}}}, {{"id": 3, "region": "No\ud800rth"}}, {{"id": "H4"}}]"#
    );
    let read = units_from_json_text(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.units.len(), 4);
    assert_eq!(read.units[0], json!({"id": "H1"}));
    assert_eq!(read.units[1], serde_json::Value::Null);
    assert_eq!(read.units[3], json!({"id": "H4"}));
    let records: Vec<_> = read
        .unreadable
        .iter()
        .map(|(i, r)| (*i, r["unit_id"].clone(), r["error"]["code"].clone()))
        .collect();
    assert_eq!(
        records,
        [
            (1, json!("H2"), json!("R0010")),
            (2, json!("3"), json!("R0010"))
        ]
    );
    assert_eq!(
        read.unreadable[0].1["error"]["message"],
        "the unit's data is malformed: the unit is nested more than 128 levels deep (objects and arrays), more than the engine's JSON reader takes"
    );
    assert_eq!(
        read.unreadable[1].1["error"]["reason"],
        "a string holds half of a character (a lone UTF-16 surrogate, as when an emoji is cut in two), which the engine's JSON reader refuses"
    );
    // A readable array is read in one pass; text that is not an array of values is refused.
    assert!(units_from_json_text(r#"[{"id": "H1"}]"#).is_ok_and(|r| r.unreadable.is_empty()));
    assert!(units_from_json_text(r#"[{"id": "H1"},"#).is_err());
    assert!(units_from_json_text(r#"{"id": "H1"}"#).is_err());
}

#[test]
fn a_unit_with_half_a_character_in_a_key_or_its_id_keeps_its_id() {
    // Half of a surrogate pair in a key, in the id itself (read as U+FFFD, as JavaScript reads
    // it), low then high, and after a whole pair; an escaped backslash before `ud800` is text.
    let text = r#"[{"id": "H1", "\ud800x": 1}, {"id": "\ud800H2"}, {"\udc00\ud800": 1, "id": "H3"}, {"id": "H4", "ok": "\ud83d\ude00", "bad": "\udc00"}, {"id": "H5", "k": "\\ud800"}, {"id": 6, "a": {"\udfff": [1]}}]"#;
    let read = units_from_json_text(text).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<_> = read
        .unreadable
        .iter()
        .map(|(i, r)| (*i, r["unit_id"].clone(), r["error"]["code"].clone()))
        .collect();
    assert_eq!(
        ids,
        [
            (0, json!("H1"), json!("R0010")),
            (1, json!("\u{FFFD}H2"), json!("R0010")),
            (2, json!("H3"), json!("R0010")),
            (3, json!("H4"), json!("R0010")),
            (5, json!("6"), json!("R0010")),
        ]
    );
    assert_eq!(read.units[4], json!({"id": "H5", "k": "\\ud800"}));
}

#[test]
fn results_too_long_for_one_string_are_split_and_one_too_long_alone_is_its_units_r0010() {
    let results: Vec<_> = (0..5)
        .map(|i| json!({"unit_id": format!("U{i}"), "note": "x".repeat(if i == 2 { 500 } else { 150 })}))
        .collect();
    let whole = serde_json::to_string(&results).unwrap_or_default();
    assert_eq!(results_json_texts(&results, whole.len()), [whole]);
    let texts = results_json_texts(&results, 400);
    assert!(texts.iter().all(|t| t.len() <= 400), "{texts:?}");
    let read: Vec<serde_json::Value> = texts
        .iter()
        .flat_map(|t| serde_json::from_str::<Vec<serde_json::Value>>(t).unwrap_or_default())
        .collect();
    assert_eq!(read.len(), 5);
    assert_eq!(read[0], results[0]);
    assert_eq!(read[4], results[4]);
    assert_eq!(read[2]["unit_id"], "U2");
    assert_eq!(
        read[2]["error"]["message"],
        "the unit's data is malformed: its result is longer than 400 bytes of JSON, more than one JavaScript string is given to hold; the unit's data is too large"
    );
    assert_eq!(
        oversized_result(&results[0], 1 << 28)["error"]["reason"]
            .as_str()
            .map(|r| r.contains("256 MiB")),
        Some(true)
    );
}

#[test]
fn a_kind_list_with_a_non_string_is_refused_not_shortened() {
    let ok = json!({"id": "H1", "members": [{"id": "M1", "kind": ["head", "spouse"]}]});
    let unit = unit_from_json(&ok).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(unit.members[0].kinds, ["head", "spouse"]);
    for kind in [json!(["child", 3]), json!(["child", null]), json!(7)] {
        let bad = json!({"id": "H1", "members": [{"id": "M1", "kind": kind}]});
        let err = unit_from_json(&bad).map(|_| ()).unwrap_err();
        assert_eq!(err.code(), "R0010");
        assert_eq!(
            err.to_string(),
            "the unit's data is malformed: member M1: `kind` must be a string or an array of strings"
        );
    }
}

#[test]
fn the_facade_reads_only_what_its_program_declares_and_strict_names_come_first() {
    let p = Program::compile(include_str!(
        "../../../examples/programs/child_grant.entitle"
    ))
    .unwrap_or_else(|d| panic!("{d}"));
    let unit = json!({
        "id": "H1", "region": "North", "note": {"source": "census"},
        "members": [{"id": "M1", "kind": "head", "birthdate": "1990-01-01", "extra": {"x": 1}}]
    });
    // Read for the program: the undeclared keys are not read at all.
    let read = p.read_json_unit(&unit, &EvalOptions::default());
    let read = read.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.attributes.keys().collect::<Vec<_>>(), ["region"]);
    assert_eq!(
        read.members[0].attributes.keys().collect::<Vec<_>>(),
        ["birthdate"]
    );
    // Read whole, every key's value must be readable.
    let whole = unit_from_json(&unit).map(|_| ()).unwrap_err();
    assert_eq!(whole.code(), "R0005");
    // Strict: the undeclared name, before the malformed value of a declared input.
    let mut bad = unit.clone();
    bad["monthly_income"] = json!({"amount": "lots", "currency": "KES"});
    let strict = EvalOptions {
        strict: true,
        ..EvalOptions::default()
    };
    let e = p.read_json_unit(&bad, &strict).map(|_| ()).unwrap_err();
    assert_eq!(e.code(), "R0011");
    // The unit's own names before its members'.
    assert!(e.to_string().starts_with("`note` is not an input"), "{e}");
    bad.as_object_mut().map(|o| o.remove("note"));
    let e = p.read_json_unit(&bad, &strict).map(|_| ()).unwrap_err();
    assert!(e.to_string().starts_with("`member M1: extra`"), "{e}");
    let e = p
        .read_json_unit(&bad, &EvalOptions::default())
        .map(|_| ())
        .unwrap_err();
    assert_eq!(
        (e.code(), e.to_string().contains("monthly_income")),
        ("R0005", true)
    );
}
