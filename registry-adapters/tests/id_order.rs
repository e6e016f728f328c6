//! Group ids of every kind (digits only, text, digits then text) in one registry. The indexed join
//! sorts the members by group id and looks them up by binary search. While the order of ids had a
//! cycle (`2` < `10` < `1a` < `2`), the sort could panic (found by the `registry_files` fuzz
//! target; the input is kept in fuzz/regressions/registry_files/), and when it did not, a lookup
//! could miss a household's members (here household `2` was decided with none). Now every
//! household gets its members, and the sorted join over the same rows decides the same households.

use entitle_registry::{
    open_registry_files, JoinMode, RegistryFiles, RegistrySource, SourceOptions,
};

/// Ids of every kind, in registry order: digits (as numbers), then the rest (byte by byte).
const SORTED_IDS: [&str; 12] = [
    "1", "2", "3", "10", "20", "100", "1a", "2b", "A", "H10", "H9", "a",
];

fn child_grant() -> entitle_core::Program {
    entitle_core::Program::compile(include_str!("../../examples/programs/child_grant.entitle"))
        .unwrap()
}

/// Writes the registry: households in `order`, each with three members, and the members listed
/// in `member_order` of the households.
fn write(dir: &std::path::Path, order: &[&str], member_order: &[&str]) -> RegistryFiles {
    std::fs::create_dir_all(dir).unwrap();
    let mut groups = String::from("id,region,monthly_income,enrolled_in_pension\n");
    for id in order {
        groups.push_str(&format!("{id},North,1000,false\n"));
    }
    let mut members = String::from("id,group_id,kind,start_date,end_date,birthdate,disabled\n");
    for (n, id) in member_order.iter().enumerate() {
        for (k, kind, born) in [
            (0, "head", "1980-01-01"),
            (1, "child", "2019-05-01"),
            (2, "child", "2021-05-01"),
        ] {
            members.push_str(&format!("M{n}-{k},{id},{kind},,,{born},false\n"));
        }
    }
    std::fs::write(dir.join("groups.csv"), groups).unwrap();
    std::fs::write(dir.join("members.csv"), members).unwrap();
    RegistryFiles {
        units: dir.join("groups.csv"),
        members: Some(dir.join("members.csv")),
    }
}

/// `(unit id, decision or error code)` of every unit, sorted by id, and the error records.
fn decide(files: &RegistryFiles, join: JoinMode) -> (Vec<(String, String)>, usize) {
    let program = child_grant();
    let options = SourceOptions {
        join,
        ..Default::default()
    };
    let mut source: Box<dyn RegistrySource> =
        open_registry_files(files, "test", &program, &options).unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let mut out = Vec::new();
    let mut errors = 0;
    while let Some(chunk) = source.next_chunk(5).unwrap() {
        errors += chunk.errors.len();
        let result = program.run(&chunk.batch, as_of, &Default::default());
        for r in result.decisions() {
            let d = r.unwrap();
            let children = d.cash_total().map(|c| c.to_string()).unwrap_or_default();
            out.push((d.unit_id.clone(), format!("{:?} {children}", d.outcome)));
        }
    }
    out.sort();
    (out, errors)
}

#[test]
fn ids_of_every_kind_join_in_any_order() {
    let tmp = tempfile::tempdir().unwrap();
    // Members in an order that interleaves the kinds, each household's members apart: the sort
    // has many mixed comparisons to make.
    let mut shuffled: Vec<&str> = Vec::new();
    for round in 0..8 {
        for (i, id) in SORTED_IDS.iter().enumerate() {
            if (i + round) % 3 == 0 {
                shuffled.push(id);
            }
        }
    }
    shuffled.extend(["2", "10", "1a", "2", "1a", "10"]);
    let mixed = write(
        &tmp.path().join("mixed"),
        &[
            "1a", "10", "2", "A", "H9", "3", "H10", "a", "1", "2b", "20", "100",
        ],
        &shuffled,
    );
    let (indexed, errors) = decide(&mixed, JoinMode::Indexed);
    assert_eq!(errors, 0);
    assert_eq!(indexed.len(), SORTED_IDS.len());

    let sorted_files = write(&tmp.path().join("sorted"), &SORTED_IDS, &SORTED_IDS);
    let (sorted, errors) = decide(&sorted_files, JoinMode::Sorted);
    assert_eq!(errors, 0);
    // The sorted registry gives each household one set of members, the mixed one several; both
    // must see members (eligible households with children), and the same households.
    let ids = |v: &[(String, String)]| v.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&indexed), ids(&sorted));
    for (id, what) in &sorted {
        assert!(what.starts_with("Eligible"), "{id}: {what}");
    }
}
