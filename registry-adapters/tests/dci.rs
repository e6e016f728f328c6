//! DCI social-registry search responses as a registry, and search requests built for programs:
//! the official example and samples (tests/data/dci, see SOURCE.md), responses written in the
//! samples' lenient shape, and everything that is not a response.

use entitle_core::Program;
use entitle_dsl::Value;
use entitle_registry::dci::{open_dci, search_request, Condition, Operator, SearchOptions};
use entitle_registry::{Mapping, ReadCounts, RegistrySource, RowError, SourceOptions};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/dci")
        .join(name)
}

fn example(name: &str) -> Program {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../examples/programs/{name}.entitle"));
    Program::compile(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A program that reads the usual DCI fields of groups and members.
const DCI_CHECK: &str = r#"
program dci_check "Reads the usual DCI fields" version "1"
  target household
  currency USD

inputs
  household.poverty_score: number "Poverty score"
  household.household_size: number "Household size"
  member.birthdate: date "Date of birth"
  member.gender: text "Sex"
  member.disabled: bool "Has a disability" default false

let children "Children" = count(members where age(birthdate) < 18)
let women "Women" = count(members where gender in ["female", "F"])

eligible when
  poor      "Poverty score under 50"   poverty_score < 50
  has_child "At least one child"       children >= 1
  listed    "Every member is listed"   count(members) <= household_size

entitlement
  cash per_member   "Per member"      USD 10 times count(members)
  cash per_woman    "Per woman"       USD 5 times women
  cash per_disabled "Per disability"  USD 7 times count(members where disabled)
"#;

fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

fn decide(
    mut source: Box<dyn RegistrySource>,
    program: &Program,
) -> (BTreeMap<String, Json>, Vec<RowError>, ReadCounts) {
    let mut decisions = BTreeMap::new();
    let mut errors = Vec::new();
    while let Some(c) = source.next_chunk(2).unwrap() {
        for d in program
            .run(&c.batch, as_of(), &Default::default())
            .decisions()
        {
            let d = d.unwrap();
            decisions.insert(d.unit_id.clone(), entitle_core::json::decision_to_json(&d));
        }
        errors.extend(c.errors);
    }
    (decisions, errors, source.counts())
}

fn open(path: &Path, program: &Program, mapping: &[&str]) -> Box<dyn RegistrySource> {
    open_dci(
        path,
        program,
        &SourceOptions::default(),
        &Mapping::from_entries(mapping).unwrap(),
    )
    .unwrap()
}

fn openapi() -> Json {
    let text = std::fs::read_to_string(data("social_api_v1.0.0.yaml")).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

#[test]
fn the_official_group_example_is_read_leniently() {
    // The `SearchResponse` example of the OpenAPI: JSON-LD keys (`spdci:identifier`,
    // `:identifier`, `spdci:registration_date`), a member identifier written as a plain string, and
    // a head repeated in `group_head_info`.
    let spec = openapi();
    let records = spec["components"]["schemas"]["SearchResponse"]["properties"]["search_response"]
        ["items"]["properties"]["data"]["properties"]["reg_records"]["items"]["example"]
        .clone();
    assert!(records.is_object(), "the example is in the specification");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("example.json");
    let response = serde_json::json!({"message": {"search_response": [{"status": "succ", "data": {"reg_records": [records]}}]}});
    std::fs::write(&path, response.to_string()).unwrap();
    let p = Program::compile(DCI_CHECK).unwrap();
    let (d, errors, counts) = decide(open(&path, &p, &[]), &p);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!((counts.units, counts.member_rows), (1, 4));
    let g = &d["G9876543210"];
    assert_eq!(g["decision"], "eligible", "{g}");
    // 4 members x 10, 2 women x 5 (Alice, and Daisy whose identifier is a plain string), no disability.
    assert_eq!(g["cash"]["total"], "50", "{g}");
}

#[test]
fn responses_that_follow_the_schema_become_units_and_members() {
    let p = example("child_grant");
    let (d, errors, counts) = decide(open(&data("households.json"), &p, &[]), &p);
    assert_eq!(
        (counts.units, counts.member_rows, d.len(), errors.len()),
        (3, 6, 2, 1)
    );
    // Head from group_head_info, a child with a disability, a second child: 1500 + 2 x 500 + 300.
    assert_eq!(d["G-001"]["cash"]["total"], "2800");
    assert_eq!(d["G-001"]["in_kind"][0]["quantity"], "30");
    assert_eq!(d["G-002"]["decision"], "not_eligible");
    let e = &errors[0];
    assert_eq!(
        (
            e.code,
            e.line,
            e.column.as_deref(),
            e.unit_id.as_deref(),
            e.member_id.as_deref()
        ),
        ("G0101", 3, Some("birthdate"), Some("G-003"), Some("N-300"))
    );
    assert!(e.file.ends_with("households.json"));
    assert!(
        !e.to_string().contains("1985-20-01"),
        "no registrant value in messages: {e}"
    );
}

#[test]
fn the_samples_lenient_shape_is_read() {
    let p = Program::compile(DCI_CHECK).unwrap();
    let (d, errors, _) = decide(open(&data("lenient-household.json"), &p, &[]), &p);
    assert!(errors.is_empty(), "{errors:?}");
    let g = &d["0301202601"];
    // "4.0" and "2" read as numbers, "0"/"1" as truth values, date-times as dates, sex "F" a woman.
    assert_eq!(g["decision"], "eligible", "{g}");
    assert_eq!(g["cash"]["total"], "32", "{g}");
    // An explicit mapping reaches any field by its dotted name; the id can be mapped too.
    let (d, _, _) = decide(
        open(
            &data("lenient-household.json"),
            &p,
            &["birthdate=demographic_info.birth_date", "id=place.address"],
        ),
        &p,
    );
    assert_eq!(d["Plot 7, Village Road"]["cash"]["total"], "32");
    let e = open_dci(
        &data("lenient-household.json"),
        &p,
        &SourceOptions::default(),
        &Mapping::from_entries(["birth_date=x"]).unwrap(),
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), "G0015");
}

#[test]
fn person_records_suit_individual_programs_and_bad_records_are_reported() {
    let p = example("old_age_pension");
    let (d, errors, counts) = decide(open(&data("persons.json"), &p, &[]), &p);
    assert_eq!((counts.units, d.len(), errors.len()), (4, 2, 2));
    assert_eq!(d["P-1"]["cash"]["total"], "2000");
    assert_eq!(d["P-3"]["decision"], "not_eligible");
    let codes: Vec<(&str, u64, Option<&str>)> = errors
        .iter()
        .map(|e| (e.code, e.line, e.unit_id.as_deref()))
        .collect();
    // A record without an id is named by its number.
    assert_eq!(codes, [("G0101", 2, Some("P-2")), ("G0104", 4, Some("#4"))]);
    // Person records for a household program: each one is an error record, none is skipped.
    let (d, errors, counts) = decide(
        open(&data("persons.json"), &example("child_grant"), &[]),
        &example("child_grant"),
    );
    assert_eq!((counts.units, d.len(), errors.len()), (4, 0, 4));
    assert!(
        errors[0]
            .message
            .contains("a person record, but the program targets households"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_directory_holds_pages_read_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(data("households.json"), dir.path().join("page-1.json")).unwrap();
    std::fs::copy(
        data("lenient-household.json"),
        dir.path().join("page-2.json"),
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not read").unwrap();
    let p = example("child_grant");
    let source = open(dir.path(), &p, &[]);
    assert!(
        source.describe().ends_with("(2 DCI search responses)"),
        "{}",
        source.describe()
    );
    let (d, errors, counts) = decide(source, &p);
    assert_eq!((counts.units, d.len(), errors.len()), (4, 3, 1));
    assert_eq!(d["0301202601"]["missing"][0], "monthly_income");
    // Records are numbered across the pages, under the directory's name.
    assert_eq!(
        (&*errors[0].file, errors[0].line),
        (dir.path().display().to_string().as_str(), 3)
    );
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        open_dci(empty.path(), &p, &SourceOptions::default(), &Mapping::new())
            .err()
            .unwrap()
            .code(),
        "G0002"
    );
}

#[test]
fn files_that_are_not_responses_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let p = example("child_grant");
    let rows: &[(&str, &str, &str)] = &[
        ("broken", "{\"message\": ", "G0013"),
        ("array", "[1, 2]", "G0013"),
        (
            "action",
            r#"{"header": {"action": "disburse"}, "message": {}}"#,
            "G0013",
        ),
        (
            "encrypted",
            r#"{"header": {"action": "on-search"}, "message": {"header": {}, "ciphertext": "x", "iv": "y"}}"#,
            "G0013",
        ),
        ("string message", r#"{"message": "abc"}"#, "G0013"),
        (
            "no response",
            r#"{"message": {"transaction_id": "t"}}"#,
            "G0013",
        ),
        (
            "records not a list",
            r#"{"message": {"search_response": [{"status": "succ", "data": {"reg_records": {"a": 1}}}]}}"#,
            "G0013",
        ),
        (
            "rejected",
            r#"{"message": {"search_response": [{"status": "rjct", "status_reason_code": "rjct.search.too_many_records_found"}]}}"#,
            "G0008",
        ),
    ];
    for (name, text, code) in rows {
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(&path, text).unwrap();
        let e = open_dci(&path, &p, &SourceOptions::default(), &Mapping::new())
            .err()
            .unwrap();
        assert_eq!(e.code(), *code, "{name}: {e}");
        assert!(
            e.to_string().contains(&path.display().to_string()),
            "{name}: {e}"
        );
    }
    // The official request samples are requests.
    let e = open_dci(
        &data("processflow1-1req.json"),
        &p,
        &SourceOptions::default(),
        &Mapping::new(),
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), "G0013");
    assert!(
        e.to_string()
            .ends_with("this is a search request, not a response"),
        "{e}"
    );
    let e = open_dci(
        &dir.path().join("missing.json"),
        &p,
        &SourceOptions::default(),
        &Mapping::new(),
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), "G0001");
    // A member list that is not a list is that group's error record.
    let path = dir.path().join("member_list.json");
    std::fs::write(&path, r#"{"message": {"search_response": [{"status": "succ", "data": {"reg_records": [{"group_identifier": "G1", "member_list": "none"}]}}]}}"#).unwrap();
    let (d, errors, _) = decide(open(&path, &p, &[]), &p);
    assert_eq!(
        (d.len(), errors[0].code, errors[0].unit_id.as_deref()),
        (0, "G0104", Some("G1"))
    );
}

/// A validator for one schema of the OpenAPI document (JSON Schema draft 4, the whole document as
/// the root resource, so its internal references resolve).
///
/// The specification's own references into `SearchRequest` go through a `$ref`
/// (`#/paths/~1registry~1search/…/message/oneOf/0/properties/…`), which a JSON pointer cannot
/// follow; they are pointed at `#/components/schemas/SearchRequest/properties/…`, which they mean.
fn validator(spec: &Json, pointer: &str) -> jsonschema::Validator {
    let through = "#/paths/~1registry~1search/post/requestBody/content/application~1json/schema/properties/message/oneOf/0/";
    let text = spec
        .to_string()
        .replace(through, "#/components/schemas/SearchRequest/");
    let mut root: Json = serde_json::from_str(&text).unwrap();
    root.as_object_mut()
        .unwrap()
        .insert("$ref".into(), Json::String(format!("#{pointer}")));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&root)
        .unwrap()
}

fn errors(v: &jsonschema::Validator, instance: &Json) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

#[test]
fn search_requests_follow_the_schema() {
    let spec = openapi();
    let message = validator(&spec, "/components/schemas/SearchRequest");
    let header = validator(&spec, "/components/schemas/MsgHeader_V1.0.0");
    let p = example("child_grant");
    let mut options =
        SearchOptions::new("txn-1", "msg-1", "2026-03-01T08:00:00Z", "sp-mis", as_of());
    options.receiver_id = Some("social".into());
    options.derive_from_rules = true;
    options.conditions.push(Condition {
        input: "monthly_income".into(),
        operator: Operator::Lt,
        value: Value::Number("30000".parse().unwrap()),
    });
    let request = search_request(&p, &Mapping::new(), &options).unwrap();
    assert_eq!(errors(&message, &request["message"]), Vec::<String>::new());
    assert_eq!(errors(&header, &request["header"]), Vec::<String>::new());
    let criteria = &request["message"]["search_request"][0]["search_criteria"];
    assert_eq!(
        (
            criteria["query_type"].as_str(),
            criteria["response_entity"].as_str()
        ),
        (Some("predicate"), Some("Group"))
    );
    let query: Vec<(String, String, String)> = criteria["query"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["expression1"]["attribute_name"].as_str().unwrap().into(),
                q["expression1"]["operator"].as_str().unwrap().into(),
                q["expression1"]["attribute_value"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        query,
        [
            ("monthly_income".into(), "lt".into(), "\"30000\"".into()),
            ("region".into(), "in".into(), "\"North,East\"".into())
        ]
    );
    // An individual program asks for members; mapped inputs are asked for by their DCI field.
    let pension = example("old_age_pension");
    let mut options =
        SearchOptions::new("txn-2", "msg-2", "2026-03-01T08:00:00Z", "sp-mis", as_of());
    options.conditions.push(Condition {
        input: "birthdate".into(),
        operator: Operator::Le,
        value: Value::Date(chrono::NaiveDate::from_ymd_opt(1956, 3, 1).unwrap()),
    });
    let request = search_request(
        &pension,
        &Mapping::from_entries(["birthdate=dob"]).unwrap(),
        &options,
    )
    .unwrap();
    assert_eq!(errors(&message, &request["message"]), Vec::<String>::new());
    let e1 = &request["message"]["search_request"][0]["search_criteria"]["query"][0]["expression1"];
    assert_eq!(
        (
            e1["attribute_name"].as_str(),
            e1["attribute_value"].as_str()
        ),
        (Some("dob"), Some("1956-03-01"))
    );
    let request = search_request(&pension, &Mapping::new(), &options).unwrap();
    assert_eq!(
        request["message"]["search_request"][0]["search_criteria"]["query"][0]["expression1"]
            ["attribute_name"],
        "birth_date"
    );
    assert_eq!(
        request["message"]["search_request"][0]["search_criteria"]["response_entity"],
        "Member"
    );
    // Conditions on inputs the program does not read, or of the wrong shape, are refused.
    options.conditions = vec![Condition {
        input: "region".into(),
        operator: Operator::Eq,
        value: Value::Text("North".into()),
    }];
    assert_eq!(
        search_request(&pension, &Mapping::new(), &options)
            .unwrap_err()
            .code(),
        "G0008"
    );
    options.conditions = vec![Condition {
        input: "birthdate".into(),
        operator: Operator::In,
        value: Value::Text("x".into()),
    }];
    assert_eq!(
        search_request(&pension, &Mapping::new(), &options)
            .unwrap_err()
            .code(),
        "G0008"
    );
    // The official samples deviate from the schema (the reason Entitle reads leniently and writes
    // strictly): `reg_event_type: SEARCH`, `locale: EN/GB`, a string `total_count` …
    for sample in ["processflow1-1req.json", "processflow3areq.json"] {
        let s: Json =
            serde_json::from_str(&std::fs::read_to_string(data(sample)).unwrap()).unwrap();
        assert!(
            !errors(&message, &s["message"]).is_empty()
                || !errors(&header, &s["header"]).is_empty(),
            "{sample}"
        );
    }
}

#[test]
fn inputs_no_record_has_a_field_for_are_named() {
    // Records differ in their fields, but one that no record has leaves every unit at the default.
    let p = example("child_grant");
    let source = open(&data("households.json"), &p, &[]);
    let absent: Vec<_> = source
        .absent_inputs()
        .into_iter()
        .map(|a| (a.input, a.member, a.default, a.closest))
        .collect();
    assert_eq!(
        absent,
        [(
            "enrolled_in_pension".to_string(),
            false,
            "false".to_string(),
            None
        )]
    );
    // `is_disabled` is read as `disabled`; spelt otherwise, no member would have a disability.
    let response = std::fs::read_to_string(data("households.json")).unwrap();
    assert_eq!(response.matches("\"is_disabled\"").count(), 7);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("households.json");
    std::fs::write(&path, response.replace("\"is_disabled\"", "\"disabeld\"")).unwrap();
    let source = open(&path, &p, &[]);
    let absent: Vec<_> = source
        .absent_inputs()
        .into_iter()
        .map(|a| (a.input, a.member, a.closest))
        .collect();
    assert_eq!(
        absent,
        [
            ("enrolled_in_pension".to_string(), false, None),
            ("disabled".to_string(), true, Some("disabeld".to_string()))
        ]
    );
    let (d, _, _) = decide(source, &p);
    // 1500 + 2 x 500, without the disability top-up of 300.
    assert_eq!(d["G-001"]["cash"]["total"], "2500");
}
