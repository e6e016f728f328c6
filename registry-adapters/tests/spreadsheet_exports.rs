//! Registry files as spreadsheets export them: cells separated by semicolons where the comma is
//! the decimal mark, and "Unicode text" (UTF-16). Read by `run` (the files) and by `import` (the
//! store) alike.

mod common;
use common::*;
use entitle_registry::sqlite::{plan, SqliteStore};
use entitle_registry::{open_files, JoinMode, RowError, SourceOptions};
use std::path::Path;

/// `text` (CSV with commas) as a spreadsheet writes it where the comma is the decimal mark:
/// cells separated by `;`, quoted when they hold one (bytes, so that a cell that is not UTF-8
/// stays so).
fn with_semicolons(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let (mut cells, mut cell, mut quoted) = (Vec::new(), Vec::new(), false);
        for b in line {
            match b {
                b'"' => {
                    quoted = !quoted;
                    cell.push(*b);
                }
                b',' if !quoted => cells.push(std::mem::take(&mut cell)),
                _ => cell.push(*b),
            }
        }
        cells.push(cell);
        for (k, c) in cells.iter().enumerate() {
            if k > 0 {
                out.push(b';');
            }
            let quote = c.contains(&b';') && c.first() != Some(&b'"');
            if quote {
                out.push(b'"');
            }
            out.extend_from_slice(c);
            if quote {
                out.push(b'"');
            }
        }
        out.push(b'\n');
    }
    out
}

#[test]
fn a_registry_separated_by_semicolons_reads_as_with_commas() {
    let commas = tempfile::tempdir().unwrap();
    write_registry(commas.path(), true);
    let semis = tempfile::tempdir().unwrap();
    for name in ["groups.csv", "members.csv"] {
        let converted = with_semicolons(&std::fs::read(commas.path().join(name)).unwrap());
        assert!(converted.starts_with(b"id;"));
        std::fs::write(semis.path().join(name), converted).unwrap();
    }
    let members = std::fs::read_to_string(semis.path().join("members.csv")).unwrap();
    assert!(members.contains("M6;H3;\"head;spouse\";"));
    let p = program("child_grant");
    let opened = |dir: &Path| {
        open_files(
            dir,
            &p,
            &SourceOptions {
                join: JoinMode::Indexed,
                ..Default::default()
            },
        )
        .unwrap()
    };
    let lines = |errors: Vec<RowError>| -> Vec<(u64, &'static str, Option<String>)> {
        errors
            .into_iter()
            .map(|e| (e.line, e.code, e.unit_id))
            .collect()
    };
    let (want, want_errors, want_counts) = decide(opened(commas.path()), &p);
    let (got, got_errors, got_counts) = decide(opened(semis.path()), &p);
    assert_eq!(got, want);
    assert_eq!(got_counts, want_counts);
    let want_errors = lines(want_errors);
    assert_eq!(lines(got_errors), want_errors);
    assert_eq!(want.len(), 4);
    // Imported into a store, the same.
    let store = store_with(semis.path());
    let (stored, stored_errors, _) =
        decide(store.source(&p, &SourceOptions::default()).unwrap(), &p);
    assert_eq!(stored, want);
    assert_eq!(lines(stored_errors), want_errors);
}

/// A spreadsheet's "Unicode text" is UTF-16: both `run` and `import` say so and what to do,
/// instead of calling the header's first cell not UTF-8.
#[test]
fn a_registry_saved_as_utf16_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    write_registry(dir.path(), true);
    let groups = String::from_utf8_lossy(&std::fs::read(dir.path().join("groups.csv")).unwrap())
        .into_owned();
    let utf16 = |bom: &[u8], unit: fn(u16) -> [u8; 2]| {
        let mut out = bom.to_vec();
        groups.encode_utf16().for_each(|u| out.extend(unit(u)));
        out
    };
    let p = program("child_grant");
    for bytes in [
        utf16(&[0xff, 0xfe], u16::to_le_bytes),
        utf16(&[0xfe, 0xff], u16::to_be_bytes),
        utf16(&[], u16::to_le_bytes),
    ] {
        std::fs::write(dir.path().join("groups.csv"), &bytes).unwrap();
        let errors = [
            open_files(dir.path(), &p, &SourceOptions::default()).err(),
            SqliteStore::open(&dir.path().join("store.db"))
                .unwrap()
                .import(
                    &plan(&[dir.path().to_path_buf()]).unwrap(),
                    "2026-03-01T00:00:00Z",
                )
                .err(),
        ];
        for e in errors {
            let e = e.unwrap_or_else(|| panic!("a UTF-16 file is refused ({:x?})", &bytes[..4]));
            assert_eq!(e.code(), "G0006");
            let text = e.to_string();
            assert!(text.contains("groups.csv:1:"), "{text}");
            assert!(
                text.contains("UTF-16") && text.contains("save it as \"CSV UTF-8\""),
                "{text}"
            );
        }
    }
}
