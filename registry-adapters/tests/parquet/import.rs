//! `entitle import` of a Parquet registry: the store reads back what the Parquet files give.

use super::support::*;
use entitle_registry::sqlite::{plan, Role, SqliteStore};
use entitle_registry::{open_files, JoinMode, RegistrySource, SourceOptions};
use std::collections::BTreeMap;

/// Decisions by unit id (as JSON), error records as text, sorted, and the counts.
fn decided(mut source: Box<dyn RegistrySource>, p: &entitle_core::Program) -> String {
    let mut decisions = BTreeMap::new();
    let mut errors = Vec::new();
    while let Some(chunk) = source.next_chunk(3).unwrap() {
        let result = p.run(&chunk.batch, as_of(), &Default::default());
        for i in 0..result.len() {
            let d = result
                .decision(i)
                .map(|d| serde_json::to_string(&d).unwrap());
            decisions.insert(result.unit_id(i).to_string(), format!("{d:?}"));
        }
        errors.extend(chunk.errors.iter().map(|e| error_text(e, 0)));
    }
    errors.sort();
    format!("{decisions:#?}\n{errors:#?}\n{:?}", source.counts())
}

#[test]
fn an_imported_parquet_registry_reads_back_as_the_files_do() {
    let (_csv, pq) = both();
    let mut store = SqliteStore::open(&pq.path().join("store.db")).unwrap();
    store
        .import(
            &plan(&[pq.path().to_path_buf()]).unwrap(),
            "2026-03-01T00:00:00Z",
        )
        .unwrap();
    let imported: Vec<Role> = store
        .imported()
        .unwrap()
        .iter()
        .map(|(r, _, _)| *r)
        .collect();
    assert_eq!(imported, [Role::Groups, Role::Members]);
    for name in ["child_grant", "old_age_pension"] {
        let p = program(name);
        let indexed = SourceOptions {
            join: JoinMode::Indexed,
            ..Default::default()
        };
        let files = decided(open_files(pq.path(), &p, &indexed).unwrap(), &p);
        let stored = decided(store.source(&p, &SourceOptions::default()).unwrap(), &p);
        assert_eq!(stored, files, "{name}");
        assert!(files.contains("eligible"), "{name}: units were decided");
        if name == "child_grant" {
            assert!(files.contains("G01"), "the households have error records");
        }
    }
}
