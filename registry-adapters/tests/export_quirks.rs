//! What exports made by spreadsheets, editors and database dumps do to a registry: a member row
//! written twice, a byte-order mark before JSON Lines, tabs in a `.csv` file, text in a legacy
//! encoding, objects copied out of a JSON array. Each is read as meant or named, never misread.

use entitle_registry::{open_files, JoinMode, SourceOptions};
use std::path::Path;

fn child_grant() -> entitle_core::Program {
    entitle_core::Program::compile(include_str!("../../examples/programs/child_grant.entitle"))
        .unwrap()
}

/// Each error record as (file, line, column, unit, member, code, message).
type Record = (
    String,
    u64,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);

/// The ids decided, with each one's member count, and the error records.
fn read(dir: &Path, join: JoinMode) -> (Vec<(String, usize)>, Vec<Record>) {
    let options = SourceOptions {
        join,
        ..SourceOptions::default()
    };
    let mut source = open_files(dir, &child_grant(), &options).unwrap();
    let (mut ids, mut errors) = (Vec::new(), Vec::new());
    while let Some(chunk) = source.next_chunk(100).unwrap() {
        for i in 0..chunk.batch.len() {
            let id = chunk.batch.unit_id(i).unwrap_or_default().to_string();
            ids.push((id, chunk.batch.members_of(i).len()));
        }
        errors.extend(chunk.errors.into_iter().map(|e| {
            (
                Path::new(&*e.file)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                e.line,
                e.column,
                e.unit_id,
                e.member_id,
                e.code.to_string(),
                e.message,
            )
        }));
    }
    let counts = source.counts();
    assert_eq!(counts.units, counts.decided + counts.unit_errors);
    (ids, errors)
}

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

const GROUPS: &str = "id,region,monthly_income\nH1,North,3000\nH2,East,100\nH3,East,100\n";

#[test]
fn a_member_written_twice_in_one_group_is_not_counted_twice() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "groups.csv", GROUPS.as_bytes());
    // M2 twice in H1 (a join that doubled a row): counted twice, H1's income per person would
    // halve. M4 left H2 and came back: two periods that share no day are one member's history.
    // M5 is in H2 and in H3: a person in two households is not a duplicate.
    write(
        dir.path(),
        "members.csv",
        b"id,group_id,kind,start_date,end_date,birthdate\n\
          M1,H1,head,,,1980-01-01\n\
          M2,H1,child,,,2020-01-01\n\
          M2,H1,child,,,2020-01-01\n\
          M3,H2,head,,,1980-01-01\n\
          M4,H2,child,2015-01-01,2020-01-01,2015-01-01\n\
          M4,H2,child,2020-01-01,,2015-01-01\n\
          M5,H2,child,,,2016-01-01\n\
          M5,H3,head,,,2016-01-01\n",
    );
    let dup = (
        "members.csv".to_string(),
        4,
        s("id"),
        s("H1"),
        s("M2"),
        "G0106".to_string(),
        "the member appears twice in this group, for the same days; the first is on line 3"
            .to_string(),
    );
    for join in [JoinMode::Sorted, JoinMode::Indexed] {
        let (ids, errors) = read(dir.path(), join);
        assert_eq!(ids, [("H2".to_string(), 4), ("H3".to_string(), 1)]);
        assert_eq!(errors, vec![dup.clone()]);
    }
    // Periods that share a day are the same membership twice.
    write(
        dir.path(),
        "members.csv",
        b"id,group_id,kind,start_date,end_date,birthdate\n\
          M1,H1,head,,2021-01-01,1980-01-01\n\
          M1,H1,head,2020-12-31,,1980-01-01\n",
    );
    let (_, errors) = read(dir.path(), JoinMode::Sorted);
    assert_eq!(
        errors.first().map(|e| (e.1, e.5.as_str())),
        Some((3, "G0106"))
    );
}
