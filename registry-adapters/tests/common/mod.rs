//! What the store's and the files' tests share: the example programs, a registry with a dozen
//! problems, and every decision and error record a source gives.

use entitle_core::Program;
use entitle_registry::sqlite::{plan, SqliteStore};
use entitle_registry::{ReadCounts, RegistrySource, RowError};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::Path;

pub fn program(name: &str) -> Program {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../examples/programs/{name}.entitle"));
    Program::compile(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

pub type Decided = (BTreeMap<String, Json>, Vec<RowError>, ReadCounts);

/// Every decision and error record of a source; errors sorted by file and line.
pub fn decide(mut source: Box<dyn RegistrySource>, program: &Program) -> Decided {
    let mut decisions = BTreeMap::new();
    let mut errors = Vec::new();
    while let Some(c) = source.next_chunk(3).unwrap() {
        let result = program.run(&c.batch, as_of(), &Default::default());
        for (i, d) in result.decisions().enumerate() {
            match d {
                Ok(d) => {
                    decisions.insert(d.unit_id.clone(), entitle_core::json::decision_to_json(&d));
                }
                Err(e) => errors.push(RowError::unit(
                    &source.unit_file(),
                    c.lines[i],
                    Some(&e.unit_id),
                    e.code(),
                    e.error.to_string(),
                )),
            }
        }
        errors.extend(c.errors);
    }
    errors.sort_by(|a, b| (&a.file, a.line, a.code).cmp(&(&b.file, b.line, b.code)));
    (decisions, errors, source.counts())
}

/// A household registry with a dozen problems, sorted by id (or not): H1, H10, H11 and H12 are
/// decided (eligible, eligible, undetermined, not eligible); every other row is an error record.
pub fn write_registry(dir: &Path, sorted: bool) {
    let mut groups: Vec<u8> = b"id,region,monthly_income,enrolled_in_pension\n".to_vec();
    let rows: Vec<&[u8]> = vec![
        b"H1,North,5000,false\n",
        b"H10,North,KES 2000,no\n",
        b"H11,East,,\n",
        b"H12,East,90000,false\n",
        b"H2,\xffEast,1000,\n",
        b"H3,Central,1000,no\n",
        b"H3,East,10,false\n",
        b"H4,North\n",
        b"H5,East,\"1,500\",false\n",
        b"H6,West,800,\n",
        b"H7,East,100,\n",
        b"H8,East,100,\n",
        b",North,100,false\n",
    ];
    let order: Vec<usize> = if sorted {
        (0..rows.len()).collect()
    } else {
        vec![7, 0, 3, 1, 12, 8, 2, 5, 11, 4, 10, 6, 9]
    };
    for k in order {
        groups.extend_from_slice(rows[k]);
    }
    std::fs::write(dir.join("groups.csv"), groups).unwrap();
    let members = [
        "M0,,head,,,1990-01-01,",
        "M1,H1,head,,,1990-01-01,false",
        "M2,H1,child,2020-05-01,,2020-05-01,true",
        "M9,H1,child,2015-01-01,2025-01-01,2015-01-01,",
        "M3,H10,head,,,1980-01-01,",
        "M4,H10,child,,,2019-01-01,",
        "M14,H11,head,,,1980-01-01,",
        "M15,H11,child,,,2018-01-01,",
        "M16,H12,head,,,1980-01-01,",
        "M17,H12,child,,,2018-01-01,",
        "M5,H2,head,,,1985-01-01,",
        "M6,H3,head;spouse,,,1970-01-01,",
        "M7,H4,head,,,1990-01-01,",
        "M8,H5,head,,,1990-01-01,",
        "M10,H6,head,2026-13-01,,1990-01-01,",
        "M11,H6,child,,,2024-01-01,",
        "M18,H7,head,,,2030-01-01,",
        "M19,H8,head,,,1980-02-30,",
        "M12,H9,head,,,1990-01-01,",
    ];
    let order: Vec<usize> = if sorted {
        (0..members.len()).collect()
    } else {
        vec![
            12, 3, 0, 5, 1, 11, 2, 4, 18, 6, 7, 10, 8, 13, 9, 16, 14, 15, 17,
        ]
    };
    let mut text = String::from("id,group_id,kind,start_date,end_date,birthdate,disabled\n");
    for k in order {
        text.push_str(members[k]);
        text.push('\n');
    }
    std::fs::write(dir.join("members.csv"), text).unwrap();
}

pub fn store_with(dir: &Path) -> SqliteStore {
    let mut store = SqliteStore::open(&dir.join("store.db")).unwrap();
    store
        .import(&plan(&[dir.to_path_buf()]).unwrap(), "2026-03-01T00:00:00Z")
        .unwrap();
    store
}
