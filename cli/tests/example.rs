//! The example registry: its expected summary, that it is what the generator makes, and that
//! `decisions.jsonl` holds exactly the core's JSON for every unit.

mod common;
use common::*;
use serde_json::json;

#[test]
fn the_child_grant_over_the_example_registry_gives_the_expected_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = run_child_grant("examples/registry", out.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = summary(&out);
    assert_eq!(
        s["counts"],
        json!({"units": 3001, "decisions": 2992, "eligible": 490, "not_eligible": 2396, "undetermined": 106, "errors": 9})
    );
    assert_eq!(s["rows"], json!({"units": 3001, "members": 12530}));
    assert_eq!(
        s["errors"],
        json!({"units": 9, "rows": 2, "by_code": {"G0101": 3, "G0102": 1, "G0104": 1, "G0105": 1, "G0106": 1, "G0107": 1, "G0108": 1, "R0001": 1, "R0003": 1}})
    );
    assert_eq!(
        s["totals"]["cash"],
        json!([{"currency": "KES", "units": 490, "total": "1385500", "fee": "0", "net": "1385500"}])
    );
    assert_eq!(
        s["totals"]["in_kind"],
        json!([{"unit": "kg", "quantity": "15110"}])
    );
    assert_eq!(s["registry"], "examples/registry (groups.csv, members.csv)");
    // Counts reconcile with the files.
    let decisions = std::fs::read_to_string(out.join("decisions.jsonl"))
        .unwrap()
        .lines()
        .count();
    let errors = csv_records(&out.join("errors.csv")).len() - 1;
    assert_eq!((decisions, errors), (2992, 11));
    assert_eq!(csv_records(&out.join("decisions.csv")).len() - 1, 2992);
    // The printed summary says the same.
    assert!(
        r.stdout.contains("3,001 households, 12,530 member rows"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("KES 1,385,500 to 490 households"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("errors        9 households and 2 other rows could not be decided"),
        "{}",
        r.stdout
    );
}

#[test]
fn the_example_registry_is_what_the_generator_makes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reg");
    let r = ran(&[
        "generate",
        "--households",
        "3000",
        "--seed",
        "2026",
        "--defects",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The rows it wrote, counted as a clerk would count them (the duplicate row included).
    assert_eq!(
        r.stdout,
        format!(
            "wrote 3,000 households (3,001 group rows: --defects writes a household's row twice) \
             and 12,530 members to {}/{{groups.csv, members.csv}}\n",
            out.display()
        )
    );
    for f in ["groups.csv", "members.csv"] {
        let made = std::fs::read(out.join(f)).unwrap();
        let committed = std::fs::read(root().join("examples/registry").join(f)).unwrap();
        assert!(made == committed, "examples/registry/{f} differs from `entitle generate --households 3000 --seed 2026 --defects`");
    }
}

#[test]
fn every_example_program_runs_over_the_example_registry() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("examples/programs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("entitle") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let out = dir.path().join(&name);
        let r = ran(&[
            "run",
            path.to_str().unwrap(),
            "--registry",
            "examples/registry",
            "--as-of",
            "2026-03-01",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let s = summary(&out);
        let c = &s["counts"];
        assert_eq!(
            c["units"].as_u64().unwrap(),
            c["decisions"].as_u64().unwrap() + c["errors"].as_u64().unwrap(),
            "{name}"
        );
        assert!(
            c["decisions"].as_u64().unwrap() > c["units"].as_u64().unwrap() * 9 / 10,
            "{name}: {c}"
        );
    }
}

#[test]
fn decisions_jsonl_is_exactly_the_core_json_of_each_decision() {
    use entitle_registry::{open_files, RegistrySource, SourceOptions};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert_eq!(
        run_child_grant("examples/registry", out.to_str().unwrap(), &[]).code,
        0
    );
    let text = std::fs::read_to_string(root().join(CHILD_GRANT)).unwrap();
    let program = entitle_core::Program::compile(&text).unwrap();
    let mut source: Box<dyn RegistrySource> = open_files(
        &root().join("examples/registry"),
        &program,
        &SourceOptions::default(),
    )
    .unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let mut expected = Vec::new();
    while let Some(chunk) = source.next_chunk(700).unwrap() {
        let result = program.run(&chunk.batch, as_of, &Default::default());
        for d in result.decisions().flatten() {
            expected
                .push(serde_json::to_string(&entitle_core::json::decision_to_json(&d)).unwrap());
        }
    }
    let written: Vec<String> = std::fs::read_to_string(out.join("decisions.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(written.len(), expected.len());
    for (w, e) in written.iter().zip(&expected) {
        assert_eq!(w, e);
    }
}

/// The example payer pays the example registry through Payment Hub EE: the registry's Kenyan
/// mobile numbers are national (`mobile:07…@mpesa`), and the payer's `msisdn_country_code`
/// writes them in international form (`2547…`), so that none is held back as `national_msisdn`.
#[test]
fn the_example_payer_writes_the_example_mobile_numbers_in_international_form() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let r = run_child_grant("examples/registry", run.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = dir.path().join("pay");
    let r = pay_run(&run, "ph-ee", "examples/payer.toml", &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_records(&out.join("ph-ee-001.csv"));
    let msisdns: Vec<&String> = rows
        .iter()
        .skip(1)
        .filter(|r| r[5] == "MSISDN")
        .map(|r| &r[6])
        .collect();
    assert_eq!(msisdns.len(), 309);
    assert!(
        msisdns
            .iter()
            .all(|m| m.len() == 12 && m.starts_with("2547")),
        "{msisdns:?}"
    );
    let exceptions = csv_records(&out.join("ph-ee-exceptions.csv"));
    assert!(
        exceptions.iter().all(|r| r[1] != "national_msisdn"),
        "{exceptions:?}"
    );
    assert_eq!(exceptions.len() - 1, 135);
}
