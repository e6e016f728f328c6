//! Two group rows with one id: members are joined to their group by id, so the first row would
//! be decided with the members of both. Rows with different values are two households sharing
//! an id, and neither is decided (G0106 on each); one row written twice keeps the first's
//! decision (the second is G0106). In a sorted file this holds across batches too; in an
//! unsorted one, for rows next to each other.

use entitle_registry::{open_files, JoinMode, SourceOptions};
use std::path::Path;

fn child_grant() -> entitle_core::Program {
    entitle_core::Program::compile(include_str!("../../examples/programs/child_grant.entitle"))
        .unwrap()
}

/// Each error record as (line, unit, code, message).
type Record = (u64, Option<String>, String, String);

/// The ids decided with each one's member count, the error records, and the read counts'
/// decided and unit errors.
type Read = (Vec<(String, usize)>, Vec<Record>, (u64, u64));

/// What reading `dir` in batches of `batch` units gives.
fn read(dir: &Path, join: JoinMode, batch: usize) -> Read {
    let options = SourceOptions {
        join,
        ..SourceOptions::default()
    };
    let mut source = open_files(dir, &child_grant(), &options).unwrap();
    let (mut ids, mut errors) = (Vec::new(), Vec::new());
    while let Some(chunk) = source.next_chunk(batch).unwrap() {
        assert_eq!(chunk.lines.len(), chunk.batch.len());
        for i in 0..chunk.batch.len() {
            let id = chunk.batch.unit_id(i).unwrap_or_default().to_string();
            ids.push((id, chunk.batch.members_of(i).len()));
        }
        errors.extend(
            chunk
                .errors
                .into_iter()
                .map(|e| (e.line, e.unit_id, e.code.to_string(), e.message)),
        );
    }
    let c = source.counts();
    assert_eq!(c.units, c.decided + c.unit_errors);
    (ids, errors, (c.decided, c.unit_errors))
}

const MEMBERS: &str = "id,group_id,kind,birthdate\n\
    M1,H1,head,1980-01-01\n\
    M2,H2,head,1985-01-01\n\
    M3,H2,child,2020-01-01\n\
    M4,H2,child,2021-01-01\n\
    M5,H2,child,2022-01-01\n\
    M6,H3,head,1990-01-01\n\
    M7,H3,child,2019-01-01\n";

fn registry(groups: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("groups.csv"), groups).unwrap();
    std::fs::write(dir.path().join("members.csv"), MEMBERS).unwrap();
    dir
}

fn r(line: u64, unit: &str, code: &str, message: &str) -> Record {
    (
        line,
        Some(unit.to_string()),
        code.to_string(),
        message.to_string(),
    )
}

#[test]
fn two_households_that_share_an_id_are_neither_decided() {
    // H2 on lines 3 and 4 with other values: one household with a child, one with three? The
    // members cannot tell, and the first used to be decided with all four.
    let dir = registry(
        "id,region,monthly_income\nH1,North,3000\nH2,East,100\nH2,West,500\nH3,North,1000\n",
    );
    let shared = vec![
        r(3, "H2", "G0106", "the id is on line 4 too, with other values: which members belong to which row cannot be told, so neither row is decided"),
        r(4, "H2", "G0106", "the id appears twice; the first is on line 3"),
    ];
    for join in [JoinMode::Sorted, JoinMode::Indexed] {
        // Batches of 100, and of 2: the rows of H2 then fall in two batches.
        for batch in [100, 2, 1] {
            let (ids, errors, counts) = read(dir.path(), join, batch);
            assert_eq!(
                ids,
                [("H1".to_string(), 1), ("H3".to_string(), 2)],
                "{join:?}, batches of {batch}"
            );
            assert_eq!(errors, shared, "{join:?}, batches of {batch}");
            assert_eq!(counts, (2, 2), "{join:?}, batches of {batch}");
        }
    }
}

#[test]
fn a_row_written_twice_keeps_the_first_decision() {
    let dir = registry(
        "id,region,monthly_income\nH1,North,3000\nH2,East,100\nH2,East,100.00\nH3,North,1000\n",
    );
    for join in [JoinMode::Sorted, JoinMode::Indexed] {
        for batch in [100, 2] {
            let (ids, errors, counts) = read(dir.path(), join, batch);
            assert_eq!(
                ids,
                [
                    ("H1".to_string(), 1),
                    ("H2".to_string(), 4),
                    ("H3".to_string(), 2)
                ],
                "{join:?}, batches of {batch}"
            );
            assert_eq!(
                errors,
                [r(
                    4,
                    "H2",
                    "G0106",
                    "the id appears twice; the first is on line 3"
                )]
            );
            assert_eq!(counts, (3, 1));
        }
    }
}

#[test]
fn in_an_unsorted_file_a_shared_id_far_apart_refuses_the_later_row() {
    // H2 on lines 2 and 4 with H1 between: the first was decided before the second was read.
    let dir = registry(
        "id,region,monthly_income\nH2,East,100\nH1,North,3000\nH2,West,500\nH3,North,1000\n",
    );
    let (ids, errors, counts) = read(dir.path(), JoinMode::Indexed, 100);
    assert_eq!(
        ids,
        [
            ("H2".to_string(), 4),
            ("H1".to_string(), 1),
            ("H3".to_string(), 2)
        ]
    );
    assert_eq!(
        errors,
        [r(
            4,
            "H2",
            "G0106",
            "the id appears twice; the first is on line 2"
        )]
    );
    assert_eq!(counts, (3, 1));
}
