//! The embedded SQLite store: import, reading back exactly as the files read, decision records,
//! migrations from the first schema version, the payment ledger in the same file, bad and hostile
//! input.

mod common;
use common::*;
use entitle_core::Program;
use entitle_registry::runs::{ErrorRecord, RunInfo};
use entitle_registry::sqlite::{plan, schema, Role, SqliteStore};
use entitle_registry::{open_files, JoinMode, SourceOptions};
use std::path::Path;

#[test]
fn the_store_reads_back_exactly_what_the_files_give() {
    for sorted in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        write_registry(dir.path(), sorted);
        let store = store_with(dir.path());
        assert_eq!(store.version(), schema::VERSION);
        let imported = store.imported().unwrap();
        assert_eq!(
            imported
                .iter()
                .map(|(r, _, n)| (*r, *n))
                .collect::<Vec<_>>(),
            [(Role::Groups, 13), (Role::Members, 19)]
        );
        for name in ["child_grant", "old_age_pension"] {
            let p = program(name);
            // Members are sorted by group, not by their own id: files of individuals need an index.
            let files = open_files(
                dir.path(),
                &p,
                &SourceOptions {
                    join: JoinMode::Indexed,
                    ..Default::default()
                },
            )
            .unwrap();
            let (want, want_errors, want_counts) = decide(files, &p);
            let (got, got_errors, got_counts) =
                decide(store.source(&p, &SourceOptions::default()).unwrap(), &p);
            assert_eq!(got, want, "{name} sorted={sorted}");
            assert_eq!(got_errors, want_errors, "{name} sorted={sorted}");
            assert_eq!(got_counts, want_counts, "{name} sorted={sorted}");
            assert!(!want_errors.is_empty() && !want.is_empty());
        }
        // Every problem became its error record, with the file's own name and line.
        let p = program("child_grant");
        let (_, errors, counts) = decide(store.source(&p, &SourceOptions::default()).unwrap(), &p);
        let mut codes: Vec<&str> = errors.iter().map(|e| e.code).collect();
        codes.sort_unstable();
        assert_eq!(
            codes,
            [
                "G0101", "G0101", "G0102", "G0104", "G0105", "G0105", "G0106", "G0107", "G0108",
                "G0109", "R0003"
            ],
            "sorted={sorted}"
        );
        assert!(errors
            .iter()
            .all(|e| e.file.ends_with("groups.csv") || e.file.ends_with("members.csv")));
        assert_eq!(counts.units, counts.decided + counts.unit_errors);
    }
}

#[test]
fn json_lines_are_imported_with_their_values() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("groups.jsonl"),
        concat!(
            r#"{"id":"H1","region":"North","monthly_income":{"amount":"5000","currency":"KES"},"extra":[1,2]}"#, "\n",
            r#"{"id":2,"region":"East","monthly_income":1000.50,"enrolled_in_pension":true}"#, "\n",
            "[not an object]\n",
            r#"{"id":"H4","region":{"nested":1},"monthly_income":10}"#, "\n",
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("members.jsonl"),
        concat!(
            r#"{"id":"M1","group_id":"H1","kind":["head"],"birthdate":"1990-01-01"}"#, "\n",
            r#"{"id":"M2","group_id":"H1","kind":"child","birthdate":"2020-05-01","disabled":true}"#, "\n",
            r#"{"id":"M3","group_id":2,"kind":"head","birthdate":"1980-01-01"}"#, "\n",
            r#"{"id":"M4","group_id":2,"kind":"child","birthdate":"2016-01-01"}"#, "\n",
        ),
    )
    .unwrap();
    let store = store_with(dir.path());
    let p = program("child_grant");
    let files = open_files(
        dir.path(),
        &p,
        &SourceOptions {
            join: JoinMode::Indexed,
            ..Default::default()
        },
    )
    .unwrap();
    let want = decide(files, &p);
    let got = decide(store.source(&p, &SourceOptions::default()).unwrap(), &p);
    assert_eq!(got.0, want.0);
    assert_eq!(got.1, want.1);
    assert_eq!((got.0.len(), got.1.len()), (2, 2));
    assert_eq!(got.0["H1"]["cash"]["total"], "2300");
}

fn record(
    store: &SqliteStore,
    p: &Program,
    as_of: chrono::NaiveDate,
    run_at: &str,
) -> entitle_registry::runs::RecordedRun {
    let mut source = store.source(p, &SourceOptions::default()).unwrap();
    let mut rec = store
        .recorder(RunInfo::new(p, as_of, run_at, "store.db"))
        .unwrap();
    while let Some(c) = source.next_chunk(4).unwrap() {
        for (i, d) in p
            .run(&c.batch, as_of, &Default::default())
            .decisions()
            .enumerate()
        {
            match d {
                Ok(d) => rec
                    .decision(&entitle_core::json::decision_to_json(&d))
                    .unwrap(),
                Err(e) => rec
                    .error(&ErrorRecord::from_unit_error(
                        &e,
                        &source.unit_file(),
                        c.lines[i],
                    ))
                    .unwrap(),
            }
        }
        for e in &c.errors {
            rec.error(&ErrorRecord::from(e)).unwrap();
        }
    }
    rec.commit(&source.counts()).unwrap()
}

fn count(path: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn rerunning_replaces_the_records_in_one_transaction() {
    let dir = tempfile::tempdir().unwrap();
    write_registry(dir.path(), true);
    let store = store_with(dir.path());
    let db = dir.path().join("store.db");
    let p = program("child_grant");
    let first = record(&store, &p, as_of(), "2026-03-02T08:00:00Z");
    assert_eq!((first.decisions, first.errors, first.replaced), (4, 11, 0));
    let again = record(&store, &p, as_of(), "2026-03-03T08:00:00Z");
    assert_eq!((again.decisions, again.replaced), (4, 4));
    assert_eq!(
        count(&db, "SELECT count(*) FROM decision"),
        4,
        "replaced, not duplicated"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM row_error"), 11);
    record(
        &store,
        &p,
        as_of().succ_opt().unwrap(),
        "2026-03-03T08:00:00Z",
    );
    assert_eq!(count(&db, "SELECT count(*) FROM decision"), 8);
    let runs = store.runs().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(
        (
            runs[0].units,
            runs[0].decisions,
            runs[0].errors,
            runs[0].run_at.as_str()
        ),
        (13, 4, 11, "2026-03-03T08:00:00Z")
    );
    // A recording dropped before its commit, or failing half-way, changes nothing.
    {
        let mut rec = store.recorder(RunInfo::new(&p, as_of(), "x", "t")).unwrap();
        let d = p.evaluate_json(&serde_json::json!({"id": "Z1", "region": "North", "monthly_income": 1, "members": [{"id": "M1", "kind": "head", "birthdate": "2020-01-01"}]}), "2026-03-01", &Default::default());
        rec.decision(&d).unwrap();
        let e = rec.decision(&d).unwrap_err();
        assert_eq!(e.code(), "G0009");
        assert!(
            e.to_string().contains("the unit Z1 is decided twice"),
            "{e}"
        );
    }
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM decision WHERE as_of = '2026-03-01'"
        ),
        4
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM decision WHERE unit_id = 'Z1'"),
        0
    );
    let row: (String, String, String, String) = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT decision, cash_total, rules, json_extract(record, '$.cash.total') FROM decision WHERE unit_id = 'H1' AND as_of = '2026-03-01'", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap();
    assert_eq!(
        row,
        (
            "eligible".into(),
            "2300".into(),
            "has_child:met;poor:met;covered:met;pensioner:not_met".into(),
            "2300".into()
        )
    );
}

#[test]
fn a_first_version_store_is_migrated_with_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v1.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(&format!(
            "{};\n{}\nPRAGMA application_id = {}; PRAGMA user_version = 1;",
            schema::PAYMENT_LEDGER,
            schema::MIGRATIONS[0],
            schema::APPLICATION_ID
        ))
        .unwrap();
        conn.execute_batch(
            "INSERT INTO decision_run VALUES ('sha256:aa', '2026-01-01', 'child_grant', '2026.1', 'old', '2026-01-02T00:00:00Z', 1, 1, 0);
             INSERT INTO decision VALUES ('sha256:aa', '2026-01-01', 'H1', 'eligible', 'KES', '2000', '0', '2000', 'has_child:met', '', '{}');",
        )
        .unwrap();
        let has_row_error: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'row_error'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(has_row_error, 0, "version 1 has no row_error table");
    }
    let mut store = SqliteStore::open(&db).unwrap();
    assert_eq!(store.version(), schema::VERSION);
    assert_eq!(count(&db, "PRAGMA user_version"), schema::VERSION);
    assert_eq!(
        count(&db, "SELECT count(*) FROM decision WHERE unit_id = 'H1'"),
        1,
        "records survive"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM row_error"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM payment_reference"), 0);
    assert_eq!(store.runs().unwrap()[0].program_id, "child_grant");
    // The migrated store works as a new one: import, run, record.
    write_registry(dir.path(), true);
    store
        .import(
            &plan(&[dir.path().to_path_buf()]).unwrap(),
            "2026-03-01T00:00:00Z",
        )
        .unwrap();
    let r = record(
        &store,
        &program("child_grant"),
        as_of(),
        "2026-03-02T00:00:00Z",
    );
    assert_eq!(r.decisions, 4);
    assert_eq!(
        SqliteStore::open(&db).unwrap().version(),
        schema::VERSION,
        "opening again changes nothing"
    );
}

#[test]
fn the_store_file_is_the_payment_ledger_too() {
    use entitle_payments::{Ledger, LedgerEntry, SqliteLedger};
    let dir = tempfile::tempdir().unwrap();
    write_registry(dir.path(), true);
    let db = dir.path().join("store.db");
    // A ledger made first is adopted by the store.
    let entry = |unit: &str, hash: &str| LedgerEntry {
        program_hash: hash.into(),
        cycle: "2026-03".into(),
        unit_id: unit.into(),
        reissue: 0,
        format: "ph-ee".into(),
        reference: format!("E-{unit}"),
        batch_id: "B1".into(),
        amount: "2300.00".into(),
        currency: "KES".into(),
        exported_at: "2026-03-05T00:00:00Z".into(),
    };
    SqliteLedger::open(&db)
        .unwrap()
        .record(&[entry("H0", "sha256:old")])
        .unwrap();
    let store = store_with(dir.path());
    let p = program("child_grant");
    record(&store, &p, as_of(), "2026-03-02T00:00:00Z");
    let mut ledger = SqliteLedger::open(&db).unwrap();
    ledger
        .record(&[entry("H1", p.hash()), entry("H10", p.hash())])
        .unwrap();
    assert_eq!(ledger.latest(p.hash(), "2026-03").unwrap().len(), 2);
    let refs: Vec<(String, String, String)> = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = conn.prepare("SELECT unit_id, cash_total, reference FROM payment_reference WHERE as_of = '2026-03-01' ORDER BY unit_id").unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(
        refs,
        [
            ("H1".into(), "2300".into(), "E-H1".into()),
            ("H10".into(), "2000".into(), "E-H10".into())
        ]
    );
    assert_eq!(SqliteStore::open(&db).unwrap().runs().unwrap().len(), 1);
}

#[test]
fn a_store_made_first_has_the_ledgers_table_as_the_ledger_makes_it() {
    let columns = |db: &Path| -> Vec<String> {
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut stmt = conn
            .prepare("SELECT name FROM pragma_table_info('payment_ledger') ORDER BY cid")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let dir = tempfile::tempdir().unwrap();
    write_registry(dir.path(), true);
    let _store = store_with(dir.path());
    let from_store = columns(&dir.path().join("store.db"));
    let ledger_only = dir.path().join("ledger.db");
    drop(entitle_payments::SqliteLedger::open(&ledger_only).unwrap());
    assert_eq!(from_store, columns(&ledger_only));
    assert_eq!(from_store.last().map(String::as_str), Some("account"));
}

#[test]
fn hostile_column_names_and_values_stay_data() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("groups.csv"),
        "id,region,monthly_income,\"x\"\"); DROP TABLE decision; --\",\"a] OR 1=1\"\nH1,\"North'); DROP TABLE registry_groups; --\",10,\"'); DELETE FROM registry_file; --\",v\nH2,North,10,x,y\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("members.csv"),
        "id,group_id,kind,birthdate\nM1,H1,head,2020-01-01\nM2,H2,head,2020-01-01\n",
    )
    .unwrap();
    let store = store_with(dir.path());
    let p = program("child_grant");
    let (d, errors, _) = decide(store.source(&p, &SourceOptions::default()).unwrap(), &p);
    assert_eq!((d.len(), errors.len(), errors[0].code), (1, 1, "G0102"));
    let db = dir.path().join("store.db");
    assert_eq!(count(&db, "SELECT count(*) FROM registry_groups"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM registry_file"), 2);
    let odd: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT \"x\"\"); DROP TABLE decision; --\" FROM registry_groups WHERE id = 'H1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(odd, "'); DELETE FROM registry_file; --");
    record(&store, &p, as_of(), "2026-03-02T00:00:00Z");
    assert_eq!(count(&db, "SELECT count(*) FROM decision"), 1);
}

#[test]
fn bad_input_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // Not a store.
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE customers(name)")
        .unwrap();
    let e = SqliteStore::open(&other).unwrap_err();
    assert_eq!(e.code(), "G0014");
    assert!(e.to_string().contains("not an Entitle store"), "{e}");
    // Not a SQLite file at all.
    let text = dir.path().join("notes.db");
    std::fs::write(
        &text,
        "hello, this is not a database at all, but it is long enough to be read",
    )
    .unwrap();
    assert_eq!(SqliteStore::open(&text).unwrap_err().code(), "G0009");
    // A directory that does not exist.
    let e = SqliteStore::open(&dir.path().join("missing/store.db")).unwrap_err();
    assert_eq!(e.code(), "G0009");
    assert!(e.to_string().contains("cannot open the store"), "{e}");
    // An empty store, and a store without the columns a program needs.
    let mut store = SqliteStore::open(&dir.path().join("s.db")).unwrap();
    let p = program("child_grant");
    let e = store.source(&p, &SourceOptions::default()).err().unwrap();
    assert_eq!(e.code(), "G0002");
    assert!(e.to_string().contains("holds no groups"), "{e}");
    std::fs::write(
        dir.path().join("groups.csv"),
        "id,regoin,monthly_income\nH1,North,1\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("members.csv"), "id,group_id\nM1,H1\n").unwrap();
    store
        .import(
            &plan(&[
                dir.path().join("groups.csv"),
                dir.path().join("members.csv"),
            ])
            .unwrap(),
            "t",
        )
        .unwrap();
    let e = store.source(&p, &SourceOptions::default()).err().unwrap();
    assert_eq!(e.code(), "G0004");
    assert!(e.to_string().contains("groups.csv:1: the header lacks a column the program needs: `region` (did you mean `regoin`?)"), "{e}");
    // A failed import keeps the previous registry: all or nothing.
    std::fs::write(
        dir.path().join("members.csv"),
        "id,group_id,kind,kind\nM1,H1,head,head\n",
    )
    .unwrap();
    let e = store
        .import(&plan(&[dir.path().to_path_buf()]).unwrap(), "t")
        .unwrap_err();
    assert_eq!(e.code(), "G0005");
    assert_eq!(store.imported().unwrap().len(), 2);
    std::fs::write(
        dir.path().join("members.csv"),
        "id,group_id,_entitle_line\nM1,H1,3\n",
    )
    .unwrap();
    assert_eq!(
        store
            .import(&plan(&[dir.path().to_path_buf()]).unwrap(), "t")
            .unwrap_err()
            .code(),
        "G0008"
    );
}
