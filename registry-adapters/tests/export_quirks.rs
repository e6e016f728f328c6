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

#[test]
fn json_lines_with_a_byte_order_mark_lose_no_row() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "groups.jsonl",
        b"\xef\xbb\xbf{\"id\":\"H1\",\"region\":\"North\",\"monthly_income\":\"3000\"}\n",
    );
    write(
        dir.path(),
        "members.jsonl",
        b"\xef\xbb\xbf{\"id\":\"M1\",\"group_id\":\"H1\",\"birthdate\":\"1980-01-01\"}\n\
          {\"id\":\"M2\",\"group_id\":\"H1\",\"birthdate\":\"2020-01-01\"}\n",
    );
    let (ids, errors) = read(dir.path(), JoinMode::Sorted);
    assert_eq!(ids, [("H1".to_string(), 2)]);
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn json_lines_saved_as_utf16_are_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\"id\":\"H1\",\"region\":\"North\"}\n";
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    write(dir.path(), "groups.jsonl", &utf16);
    write(dir.path(), "members.jsonl", b"");
    let e = open_files(dir.path(), &child_grant(), &SourceOptions::default())
        .err()
        .unwrap();
    assert_eq!(e.code(), "G0006");
    let message = e.to_string();
    assert!(message.contains("groups.jsonl:1"), "{message}");
    assert!(
        message.contains("the file is UTF-16 text; save it as UTF-8"),
        "{message}"
    );
}

#[test]
fn json_lines_copied_from_an_array_and_in_latin1_say_so() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "groups.jsonl",
        b"{\"id\":\"H1\",\"region\":\"North\",\"monthly_income\":3000},\n\
          {\"id\":\"H2\",\"region\":\"N\xf6rth\",\"monthly_income\":3000}\n",
    );
    write(dir.path(), "members.jsonl", b"");
    let (ids, errors) = read(dir.path(), JoinMode::Sorted);
    assert!(ids.is_empty());
    let got: Vec<(u64, &str, &str)> = errors
        .iter()
        .map(|e| (e.1, e.5.as_str(), e.6.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                1,
                "G0104",
                "the line ends with a comma after its object; JSON Lines has one object per \
                 line with nothing between them"
            ),
            (
                2,
                "G0104",
                "the line is not valid UTF-8 text; the file seems saved in another encoding \
                 (such as Windows-1252): save it as UTF-8"
            ),
        ]
    );
}

#[test]
fn a_csv_file_separated_by_tabs_reads_as_with_commas() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "groups.csv",
        GROUPS.replace(',', "\t").as_bytes(),
    );
    write(
        dir.path(),
        "members.csv",
        b"id\tgroup_id\tbirthdate\nM1\tH1\t1980-01-01\nM2\tH1\t2020-01-01\nM3\tH2\t1980-01-01\n",
    );
    let (ids, errors) = read(dir.path(), JoinMode::Sorted);
    let want = [("H1", 2), ("H2", 1), ("H3", 0)].map(|(id, n)| (id.to_string(), n));
    assert_eq!(ids, want);
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_cell_in_a_legacy_encoding_says_how_to_save_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "groups.csv",
        b"id,region,monthly_income\nH1,N\xf6rth,3000\nH2,East,100\n",
    );
    write(
        dir.path(),
        "members.csv",
        b"id,group_id,birthdate\nM1,H1,1980-01-01\nM2,H2,1980-01-01\n",
    );
    let (ids, errors) = read(dir.path(), JoinMode::Sorted);
    assert_eq!(ids, [("H2".to_string(), 1)]);
    assert_eq!(
        errors,
        vec![(
            "groups.csv".to_string(),
            2,
            s("region"),
            s("H1"),
            None,
            "G0109".to_string(),
            "the cell is not valid UTF-8 text; the file seems saved in another encoding (such \
             as Windows-1252): save it as \"CSV UTF-8\""
                .to_string()
        )]
    );
}

#[test]
fn a_file_saved_with_carriage_returns_alone_gives_each_row_its_line() {
    // Excel's "Macintosh Comma Separated" ends lines with `\r` alone: every error was on line 1.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "groups.csv",
        b"id,region,monthly_income\rH1,North,3000\rH2,East,lots\r\rH3,East,100\r",
    );
    write(
        dir.path(),
        "members.csv",
        b"id,group_id,kind,birthdate\rM1,H1,head,1980-01-01\rM2,H1,child,2020-01-01\r\
          M3,H2,head,1980-01-01\rM4,H3,head,1980-01-01\rM5,H3,child,2019-13-01\rM6,H9,head,1980-01-01\r",
    );
    for join in [JoinMode::Sorted, JoinMode::Indexed] {
        let (ids, errors) = read(dir.path(), join);
        assert_eq!(ids, [("H1".to_string(), 2)], "{join:?}");
        let at: Vec<_> = errors
            .iter()
            .map(|e| {
                (
                    e.0.as_str(),
                    e.1,
                    e.3.as_deref(),
                    e.4.as_deref(),
                    e.5.as_str(),
                )
            })
            .collect();
        assert_eq!(
            at,
            [
                ("groups.csv", 3, Some("H2"), None, "G0101"),
                ("members.csv", 6, Some("H3"), Some("M5"), "G0101"),
                ("members.csv", 7, None, Some("M6"), "G0107"),
            ],
            "{join:?}"
        );
    }
}
