//! Error records name the file, the line, the column, the unit and the member, never a
//! registrant's values: recognisable values are seeded into bad rows of CSV, JSON Lines and DCI
//! registries, and every field of every error record is searched for them.

use entitle_registry::{open_files, RegistrySource, SourceOptions};

const SECRETS: [&str; 4] = ["SECRET-4242", "1901-02-03", "987654.321", "2031-02-03"];

fn child_grant() -> entitle_core::Program {
    entitle_core::Program::compile(include_str!("../../examples/programs/child_grant.entitle"))
        .unwrap()
}

/// Every error record of a source, as JSON lines; the counts must reconcile.
fn error_records(mut source: Box<dyn RegistrySource>) -> Vec<String> {
    let mut out = Vec::new();
    let mut decided = 0;
    while let Some(chunk) = source.next_chunk(100).unwrap() {
        decided += chunk.batch.len() as u64;
        out.extend(
            chunk
                .errors
                .iter()
                .map(|e| serde_json::to_string(e).unwrap()),
        );
    }
    let counts = source.counts();
    assert_eq!(
        (counts.decided, counts.units),
        (decided, counts.decided + counts.unit_errors)
    );
    out
}

fn assert_clean(records: &[String]) {
    for r in records {
        for s in SECRETS {
            assert!(
                !r.contains(s),
                "an error record holds the registrant value {s}: {r}"
            );
        }
    }
}

#[test]
fn csv_error_records_hold_no_values_even_when_a_quote_swallows_a_row() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("groups.csv"),
        "id,region,monthly_income\nH1,North,SECRET-4242\nH2,SECRET-4242,5000\nH3,North,USD 987654.321\nH4,North,1,SECRET-4242\n\"H5,North,\"\"SECRET-4242,1901-02-03\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("members.csv"),
        "id,group_id,kind,start_date,birthdate,disabled\nM1,H1,head,,1901-02-03,false\nM2,H2,head,SECRET-4242,1901-02-03,false\nM3,H3,head,,SECRET-4242,987654.321\nM4,H9,head,,2031-02-03,false\n\"M5,H4,\"\"head,SECRET-4242\n",
    )
    .unwrap();
    let records =
        error_records(open_files(dir.path(), &child_grant(), &SourceOptions::default()).unwrap());
    assert_eq!(records.len(), 7, "{records:#?}");
    assert_clean(&records);
    // The swallowing row is still reported, by its line.
    assert!(
        records
            .iter()
            .any(|r| r.contains("\"line\":6") && r.contains("G0104")),
        "{records:#?}"
    );
}

#[test]
fn jsonl_error_records_hold_no_values() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("groups.jsonl"),
        concat!(
            "{\"id\": \"J1\", \"region\": \"North\", \"monthly_income\": \"SECRET-4242\"}\n",
            "{\"id\": \"J2\", \"region\": \"North\", \"monthly_income\": {\"SECRET-4242\": 987654.321}}\n",
            "{\"id\": \"J3\", \"region\": \"SECRET-4242\", \"monthly_income\": 987654.321\n",
            "[\"SECRET-4242\", \"1901-02-03\"]\n",
            "{\"id\": {\"SECRET-4242\": 1}, \"monthly_income\": 987654.321}\n",
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("members.jsonl"),
        "{\"id\": \"N1\", \"group_id\": \"J1\", \"kind\": \"head\", \"birthdate\": \"SECRET-4242\"}\n{\"id\": \"N2\", \"group_id\": \"J9\", \"birthdate\": \"1901-02-03\"\n",
    )
    .unwrap();
    let records =
        error_records(open_files(dir.path(), &child_grant(), &SourceOptions::default()).unwrap());
    assert!(records.len() >= 6, "{records:#?}");
    assert_clean(&records);
}

#[test]
fn dci_error_records_hold_no_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("on-search.json");
    std::fs::write(
        &path,
        r#"{"header": {"action": "on-search"}, "message": {"search_response": [{"status": "succ", "data": {"reg_records": [
            {"group_identifier": "G1", "additional_attributes": [{"name": "region", "value": "SECRET-4242"}, {"name": "monthly_income", "value": "987654.321"}],
             "member_list": [{"member_identifier": "D1", "relationship_head": "self", "demographic_info": {"birth_date": "1901-02-03"}}]},
            {"group_identifier": "G2", "additional_attributes": [{"name": "monthly_income", "value": "SECRET-4242"}],
             "member_list": [{"member_identifier": "D2", "demographic_info": {"birth_date": "SECRET-4242"}, "is_disabled": "987654.321"}]},
            "SECRET-4242",
            {"group_identifier": "G3", "member_list": [{"member_identifier": "D3", "demographic_info": {"birth_date": "2031-02-03"}}, "1901-02-03"]}
        ]}}]}}"#,
    )
    .unwrap();
    let source = entitle_registry::dci::open_dci(
        &path,
        &child_grant(),
        &Default::default(),
        &Default::default(),
    )
    .unwrap();
    let records = error_records(source);
    assert!(records.len() >= 3, "{records:#?}");
    assert_clean(&records);
}
