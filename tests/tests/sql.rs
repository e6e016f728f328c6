//! The SQL translation of eligibility rules (`Program::to_sql`, B10, B22, A2) checked against a
//! database: generated households are stored in SQLite with OpenG2P's tables, and the units the SQL
//! selects must be exactly the units Entitle finds eligible.

mod sql_store;

use entitle_core::sql::{RecordTable, SqlDialect, SqlSchema};
use entitle_core::{Outcome, Program, Value};
use sql_store::*;
use std::collections::BTreeSet;

/// A household program that uses every construct the translation supports.
const PROGRAM: &str = r#"
program sql_check "SQL check"
  currency KES

inputs
  household.region: text
  household.income: money
  household.enrolled: bool default false
  household.score: number
  member.birthdate: date
  member.gender: text
  member.disabled_member: bool default false
  member.earnings: money

records reg_ids "ID documents" dated by expiry_date
  id_type: text
  expiry_date: date

params
  ceiling: money = KES 5000
  areas: list of text = ["North", "East"]
  points: table of text to number = ["North": 1, "East": 2, "South": 3]

let children = count(members where age(birthdate) < 18)
let adults = count(members where age(birthdate) >= 18)

codes genders
  female = "F", "female"
  male = "M", "male"

eligible when
  in_area     "In a covered area, or the South with a low score"  region in areas or (same_text(region, "south") and score < 40)
  poor        "Income below the ceiling"                           income < ceiling
  union woman "A woman of working age with a child"                any(members, is_code(gender, genders.female) and age(birthdate) >= 18 and age(birthdate) <= 60) and children >= 1
  unless rich "All adults earn"                                   all(members where age(birthdate) >= 18, earnings > KES 0) and adults >= 2
  union vulnerable "A disabled member in a household headed by a woman" any(members, disabled_member) and is_code(head.gender, genders.female)
  unless enrolled_elsewhere "Enrolled elsewhere"                   enrolled
  union earners "Earnings of adults below 1000, a principal"       sum(members where age(birthdate) >= 18, earnings) < KES 1000 and any(members, has_kind("principal") or is_head)
  ranked      "Area points at least 1, or no known score"          lookup(points, region, 0) >= 1 or not known(score)

test "t" as of 2026-01-01
  household region "North", income KES 100, score 10
  member kind "head", birthdate 1990-01-01, gender "F", earnings KES 0
  member kind "child", birthdate 2015-01-01
  expect eligible
"#;

#[test]
fn sql_selects_exactly_the_units_entitle_finds_eligible() {
    let program = Program::compile(PROGRAM)
        .unwrap_or_else(|d| panic!("{}", d.render_with_source(PROGRAM, "program")));
    let mut store = Store::new();
    let units = generate(&mut store, 600, 7);
    for as_of in [date(2026, 1, 1), date(2026, 6, 1), date(2025, 3, 1)] {
        let eligible: BTreeSet<String> = program
            .evaluate_batch(&units, as_of)
            .into_iter()
            .filter_map(|r| r.ok())
            .filter(|d| d.outcome == Outcome::Eligible)
            .map(|d| d.unit_id)
            .collect();
        let errors = program
            .evaluate_batch(&units, as_of)
            .into_iter()
            .filter(|r| r.is_err())
            .count();
        let sql = selected(&store, &program, as_of);
        assert!(
            eligible.len() > units.len() / 10 && eligible.len() < units.len() * 2 / 3,
            "{} of {} eligible: a weak test",
            eligible.len(),
            units.len()
        );
        // Units whose evaluation fails (a birthdate in the future) are never eligible; SQL leaves
        // them out too unless an `or` makes them true (documented), so the difference is bounded by them.
        let extra: Vec<_> = sql.difference(&eligible).collect();
        eprintln!(
            "as of {as_of}: {} units, {} eligible, {} selected, {} errors, {} extra",
            units.len(),
            eligible.len(),
            sql.len(),
            errors,
            extra.len()
        );
        let missing: Vec<_> = eligible.difference(&sql).collect();
        assert!(
            missing.is_empty(),
            "as of {as_of}: eligible but not selected by SQL: {missing:?}"
        );
        assert!(
            extra.len() <= errors,
            "as of {as_of}: selected by SQL but not eligible: {extra:?}"
        );
    }
}

#[test]
fn a2_base_filter_is_always_applied() {
    // openspp-program#105: an individual program with no rule must not select non-registrants.
    let program = Program::compile(
        "program p \"P\"\n  target individual\n\ntest \"t\" as of 2026-01-01\n  expect eligible\n",
    )
    .expect("compiles");
    let mut store = Store::new();
    for (is_registrant, active, disabled, is_group) in [
        (1, 1, None, 0),
        (0, 1, None, 0),
        (1, 0, None, 0),
        (1, 1, Some("2025-01-01"), 0),
        (1, 1, None, 1),
    ] {
        let id = store.id();
        store
            .conn
            .execute(
                "INSERT INTO res_partner (id, is_registrant, active, disabled, is_group) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![id, is_registrant, active, disabled, is_group],
            )
            .expect("insert");
    }
    let got = selected(&store, &program, date(2026, 1, 1));
    assert_eq!(got, BTreeSet::from(["1".to_string()]));
}

#[test]
fn records_translate_when_a_table_is_mapped() {
    let src = "program p \"P\"\n  target individual\n\nrecords reg_ids \"ID documents\"\n  id_type: text\n  expiry_date: date\n\neligible when\n  id \"A valid national ID\" any(reg_ids where id_type == \"national_id\", expiry_date > as_of_date)\n\ntest \"t\" as of 2026-01-01\n  expect not_eligible\n";
    let program = Program::compile(src).expect("compiles");
    let store = Store::new();
    for (id, docs) in [
        (1, vec![("national_id", "2027-01-01")]),
        (
            2,
            vec![("national_id", "2025-01-01"), ("passport", "2030-01-01")],
        ),
        (3, vec![]),
    ] {
        store.conn.execute("INSERT INTO res_partner (id, is_registrant, active, is_group) VALUES (?1, 1, 1, 0)", rusqlite::params![id]).expect("insert");
        for (t, e) in docs {
            store
                .conn
                .execute(
                    "INSERT INTO g2p_reg_id (partner_id, id_type, expiry_date) VALUES (?1, ?2, ?3)",
                    rusqlite::params![id, t, e],
                )
                .expect("doc");
        }
    }
    let schema = SqlSchema {
        records: vec![RecordTable {
            collection: "reg_ids".into(),
            table: "g2p_reg_id".into(),
            partner_column: "partner_id".into(),
        }],
        ..SqlSchema::default()
    };
    let q = program
        .to_sql(date(2026, 1, 1), &schema, SqlDialect::Sqlite)
        .expect("translates");
    let mut stmt = store.conn.prepare(&q.select_ids()).expect("prepare");
    for (i, p) in q.params.iter().enumerate() {
        let index = stmt
            .parameter_index(&format!("${}", i + 1))
            .expect("index")
            .expect("present");
        stmt.raw_bind_parameter(index, to_sqlite(p)).expect("bind");
    }
    let ids: Vec<i64> = stmt
        .raw_query()
        .mapped(|r| r.get(0))
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(ids, vec![1]);
    // Without a table for the collection, the translation refuses (B22), with the span of the aggregate.
    let err = program
        .to_sql(date(2026, 1, 1), &SqlSchema::default(), SqlDialect::Sqlite)
        .expect_err("no table");
    assert_eq!(err.0.len(), 1);
    assert_eq!(err.0[0].code, "E0501");
    assert_eq!(err.0[0].span.line, 9);
}

#[test]
fn b22_constructs_without_an_exact_translation_are_refused_never_dropped() {
    let src = "program p \"P\"\n  target individual\n\ninputs\n  person.name: text\n  person.birthdate: date\n  person.amount: number\n\neligible when\n  named \"A name like K…\" matches(name, \"^K\")\n  rounded \"Rounded\" round(amount, 0) > 5\n  months \"Born in May\" month(birthdate) == 5\n  fine \"Fine\" amount > 1\n\ntest \"t\" as of 2026-01-01\n  person name \"Kim\", birthdate 2000-05-01, amount 7\n  expect eligible\n";
    let program = Program::compile(src).expect("compiles");
    let err = program
        .to_sql(
            date(2026, 1, 1),
            &SqlSchema::default(),
            SqlDialect::Postgres,
        )
        .expect_err("refused");
    let lines: Vec<u32> = err.0.iter().map(|d| d.span.line).collect();
    assert!(err.0.iter().all(|d| d.code == "E0501"));
    assert_eq!(lines, vec![10, 11, 12]);
}

#[test]
fn postgres_sql_text_and_parameters() {
    let src = "program p \"P\"\n  currency KES\n\ninputs\n  household.region: text\n  member.birthdate: date\n\neligible when\n  children \"Two children under 5\" count(members where age(birthdate) < 5) >= 2\n  unless west \"In the West\" region == \"West\"\n\ntest \"t\" as of 2026-01-01\n  household region \"North\"\n  expect not_eligible\n";
    let program = Program::compile(src).expect("compiles");
    let q = program
        .to_sql(
            date(2026, 3, 1),
            &SqlSchema::default(),
            SqlDialect::Postgres,
        )
        .expect("translates");
    assert!(
        q.condition.starts_with(
            "(p.\"is_registrant\" AND p.\"active\" AND p.\"disabled\" IS NULL AND p.\"is_group\")"
        ),
        "{}",
        q.condition
    );
    assert!(
        q.condition.contains("CAST(m.\"start_date\" AS DATE) <= $1"),
        "{}",
        q.condition
    );
    assert!(
        q.condition
            .contains("AND NOT (NULLIF(TRIM(p.\"region\"), '') = $"),
        "{}",
        q.condition
    );
    // Under 5 on 2026-03-01: born after 2021-03-01.
    assert!(
        q.params.contains(&Value::Date(date(2021, 3, 1))),
        "{:?}",
        q.params
    );
    assert!(q.params.contains(&Value::Text("West".into())));
    assert!(q
        .count()
        .starts_with("SELECT COUNT(*) FROM \"res_partner\" p WHERE "));
    assert!(q.sample(50).ends_with("ORDER BY p.id LIMIT 50"));
}

#[test]
fn b10_example_translates_and_counts() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/fidelity/B10_sql_rules.entitle");
    let src = std::fs::read_to_string(path).expect("B10 example");
    let program = Program::compile(&src).expect("compiles");
    let store = Store::new();
    // Two households: the first matches, the second has a member in formal work.
    let rows = [
        (
            1,
            "Turkana",
            [
                (10, "1995-01-01", 0, 1),
                (11, "2022-01-01", 0, 3),
                (12, "2024-01-01", 0, 3),
            ],
        ),
        (
            2,
            "Marsabit",
            [
                (20, "1995-01-01", 1, 1),
                (21, "2022-01-01", 0, 3),
                (22, "2024-01-01", 0, 3),
            ],
        ),
    ];
    store.conn.execute_batch("ALTER TABLE res_partner ADD COLUMN district TEXT; ALTER TABLE res_partner ADD COLUMN formal_employment INTEGER;").expect("columns");
    for (gid, district, members) in rows {
        store.conn.execute("INSERT INTO res_partner (id, is_registrant, active, is_group, district) VALUES (?1, 1, 1, 1, ?2)", rusqlite::params![gid, district]).expect("group");
        for (mid, birthdate, employed, kind) in members {
            store
                .conn
                .execute("INSERT INTO res_partner (id, is_registrant, active, is_group, birthdate, formal_employment) VALUES (?1, 1, 1, 0, ?2, ?3)", rusqlite::params![mid, birthdate, employed])
                .expect("member");
            store
                .conn
                .execute(
                    "INSERT INTO g2p_group_membership VALUES (?1, ?2, ?1, NULL, NULL)",
                    rusqlite::params![mid, gid],
                )
                .expect("membership");
            store.conn.execute("INSERT INTO g2p_group_membership_g2p_group_membership_kind_rel VALUES (?1, ?2)", rusqlite::params![mid, kind]).expect("kind");
        }
    }
    let q = program
        .to_sql(date(2026, 1, 1), &SqlSchema::default(), SqlDialect::Sqlite)
        .expect("translates");
    let mut stmt = store.conn.prepare(&q.count()).expect("prepare");
    for (i, p) in q.params.iter().enumerate() {
        let index = stmt
            .parameter_index(&format!("${}", i + 1))
            .expect("index")
            .expect("present");
        stmt.raw_bind_parameter(index, to_sqlite(p)).expect("bind");
    }
    let count: i64 = stmt
        .raw_query()
        .next()
        .expect("row")
        .expect("a row")
        .get(0)
        .expect("count");
    assert_eq!(count, 1);
    assert_eq!(
        selected(&store, &program, date(2026, 1, 1)),
        BTreeSet::from(["1".to_string()])
    );
}

#[test]
fn an_unknown_birthdate_is_an_unknown_age_even_against_a_bound_that_always_holds() {
    // `age(d) >= 0` holds for every known, past date: SQL wrote the constant, and a member without
    // a birthdate made `any(…)` true there while Entitle left it unknown (found by the generated
    // rules of tests/sql_generated.rs).
    let mut store = Store::new();
    let units = generate(&mut store, 300, 11);
    for rule in [
        "any(members, age(birthdate) >= 0)",
        "not all(members, age(birthdate) < 0)",
        "any(members, age(birthdate) != 2.5)",
        "count(members where age(birthdate) >= -3) >= 1",
    ] {
        let text = format!(
            "program p \"P\"\n  currency KES\n\ninputs\n  member.birthdate: date\n\neligible when\n  r \"R\" {rule}\n"
        );
        let program = Program::compile(&text).unwrap_or_else(|d| panic!("{d}"));
        let (extra, missing) = differences(&store, &units, &program, date(2026, 1, 1));
        assert_eq!((extra, missing), (vec![], vec![]), "{rule}");
    }
}
