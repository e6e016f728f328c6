//! An input with a default that the registry has no column for is named when the source opens:
//! a members file with `disabeld` for `disabled` leaves every member at the default (false), so
//! the totals are wrong with no error record; the source says which input, which file, the
//! default taken and the close column nothing reads.

use entitle_registry::sqlite::{plan, SqliteStore};
use entitle_registry::{open_files, AbsentInput, RegistrySource, SourceOptions};
use std::fmt::Write as _;
use std::path::Path;

fn child_grant() -> entitle_core::Program {
    entitle_core::Program::compile(include_str!("../../examples/programs/child_grant.entitle"))
        .unwrap()
}

/// A registry of `households` households, each with a head and a child; the groups file has no
/// `enrolled_in_pension` column and the members file spells `disabled` as `disabeld`.
fn write_registry(dir: &Path, households: usize) {
    let mut groups = String::from("id,region,monthly_income\n");
    let mut members = String::from("id,group_id,kind,birthdate,disabeld\n");
    for h in 0..households {
        writeln!(groups, "H{h:07},North,KES 1000").unwrap();
        writeln!(members, "M{h:07}a,H{h:07},head,1980-01-01,false").unwrap();
        writeln!(members, "M{h:07}b,H{h:07},child,2020-01-01,true").unwrap();
    }
    std::fs::write(dir.join("groups.csv"), groups).unwrap();
    std::fs::write(dir.join("members.csv"), members).unwrap();
}

/// The absent inputs as (file name, input, member, default, closest).
fn named(source: &dyn RegistrySource) -> Vec<(String, String, bool, String, Option<String>)> {
    source
        .absent_inputs()
        .into_iter()
        .map(|a: AbsentInput| {
            let file = Path::new(&a.file).file_name().unwrap();
            (
                file.to_string_lossy().into_owned(),
                a.input,
                a.member,
                a.default,
                a.closest,
            )
        })
        .collect()
}

fn expected() -> Vec<(String, String, bool, String, Option<String>)> {
    vec![
        (
            "groups.csv".into(),
            "enrolled_in_pension".into(),
            false,
            "false".into(),
            None,
        ),
        (
            "members.csv".into(),
            "disabled".into(),
            true,
            "false".into(),
            Some("disabeld".into()),
        ),
    ]
}

#[test]
fn csv_files_name_the_inputs_left_at_their_default() {
    let dir = tempfile::tempdir().unwrap();
    write_registry(dir.path(), 3);
    let source = open_files(dir.path(), &child_grant(), &SourceOptions::default()).unwrap();
    assert_eq!(named(source.as_ref()), expected());
}

#[test]
fn large_files_read_on_their_own_threads_name_them_too() {
    // Past a mebibyte each file is split into rows on a thread of its own (`files::prefetch`).
    let dir = tempfile::tempdir().unwrap();
    write_registry(dir.path(), 50_000);
    assert!(
        std::fs::metadata(dir.path().join("groups.csv"))
            .unwrap()
            .len()
            > 1 << 20
    );
    let source = open_files(dir.path(), &child_grant(), &SourceOptions::default()).unwrap();
    assert_eq!(named(source.as_ref()), expected());
    // With the members read into memory first (members not sorted by group).
    let indexed = SourceOptions {
        join: entitle_registry::JoinMode::Indexed,
        ..SourceOptions::default()
    };
    let source = open_files(dir.path(), &child_grant(), &indexed).unwrap();
    assert_eq!(named(source.as_ref()), expected());
}

#[test]
fn an_imported_store_names_them_as_its_files_did() {
    let dir = tempfile::tempdir().unwrap();
    write_registry(dir.path(), 3);
    let mut store = SqliteStore::open(&dir.path().join("store.db")).unwrap();
    store
        .import(
            &plan(&[dir.path().to_path_buf()]).unwrap(),
            "2026-03-01T00:00:00Z",
        )
        .unwrap();
    let source = store
        .source(&child_grant(), &SourceOptions::default())
        .unwrap();
    assert_eq!(named(source.as_ref()), expected());
}

#[test]
fn a_registry_with_every_column_names_none() {
    let source = open_files(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/registry")),
        &child_grant(),
        &SourceOptions::default(),
    )
    .unwrap();
    assert_eq!(named(source.as_ref()), []);
}

/// The same registry as JSON Lines; `null` values for H1's pension (a key with no value is a
/// column the file has).
fn write_jsonl(dir: &Path, households: usize) {
    let (mut groups, mut members) = (String::new(), String::new());
    for h in 0..households {
        let pension = if h == 1 {
            r#","Enrolled_In_Pension":null"#
        } else {
            ""
        };
        writeln!(
            groups,
            r#"{{"id":"H{h:07}","region":"North","monthly_income":1000{pension}}}"#
        )
        .unwrap();
        for (m, kind, born) in [("a", "head", "1980-01-01"), ("b", "child", "2020-01-01")] {
            writeln!(
                members,
                r#"{{"id":"M{h:07}{m}","group_id":"H{h:07}","kind":"{kind}","birthdate":"{born}","disabeld":true}}"#
            )
            .unwrap();
        }
    }
    std::fs::write(dir.join("groups.jsonl"), groups).unwrap();
    std::fs::write(dir.join("members.jsonl"), members).unwrap();
}

fn read_to_the_end(source: &mut dyn RegistrySource) {
    while source.next_chunk(1000).unwrap().is_some() {}
}

#[test]
fn json_lines_name_them_once_read_to_the_end() {
    // Each row has its own keys: a key absent from the rows read so far may come in the next.
    let disabled = (
        "members.jsonl".to_string(),
        "disabled".to_string(),
        true,
        "false".to_string(),
        Some("disabeld".to_string()),
    );
    for households in [3, 30_000] {
        let dir = tempfile::tempdir().unwrap();
        write_jsonl(dir.path(), households);
        if households > 3 {
            // Past a mebibyte, read on a thread of its own.
            assert!(
                std::fs::metadata(dir.path().join("members.jsonl"))
                    .unwrap()
                    .len()
                    > 1 << 20
            );
        }
        let mut source = open_files(dir.path(), &child_grant(), &SourceOptions::default()).unwrap();
        assert_eq!(named(source.as_ref()), []);
        read_to_the_end(source.as_mut());
        // `Enrolled_In_Pension` in one row (null, other capitals) is the column: not absent.
        assert_eq!(
            named(source.as_ref()),
            std::slice::from_ref(&disabled),
            "{households}"
        );
        // Members read into memory first are known when the source opens.
        let indexed = SourceOptions {
            join: entitle_registry::JoinMode::Indexed,
            ..SourceOptions::default()
        };
        let mut source = open_files(dir.path(), &child_grant(), &indexed).unwrap();
        assert_eq!(named(source.as_ref()), std::slice::from_ref(&disabled));
        read_to_the_end(source.as_mut());
        assert_eq!(named(source.as_ref()), std::slice::from_ref(&disabled));
    }
}
