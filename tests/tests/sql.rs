//! The SQL translation of eligibility rules (`Program::to_sql`, B10, B22, A2) checked against a
//! database: generated households are stored in SQLite with OpenG2P's tables, and the units the SQL
//! selects must be exactly the units Entitle finds eligible.

use chrono::NaiveDate;
use entitle_core::sql::{RecordTable, SqlDialect, SqlSchema};
use entitle_core::{Member, Outcome, Program, Unit, Value};
use rusqlite::Connection;
use std::collections::BTreeSet;

const SCHEMA: &str = r#"
CREATE TABLE res_partner (
  id INTEGER PRIMARY KEY, is_registrant INTEGER, active INTEGER, disabled TEXT, is_group INTEGER,
  region TEXT, income REAL, enrolled INTEGER, score REAL,
  birthdate TEXT, gender TEXT, disabled_member INTEGER, earnings REAL
);
CREATE TABLE g2p_group_membership (id INTEGER PRIMARY KEY, "group" INTEGER, individual INTEGER, start_date TEXT, ended_date TEXT);
CREATE TABLE g2p_group_membership_kind (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE g2p_group_membership_g2p_group_membership_kind_rel (g2p_group_membership_id INTEGER, g2p_group_membership_kind_id INTEGER);
CREATE TABLE g2p_reg_id (id INTEGER PRIMARY KEY, partner_id INTEGER, id_type TEXT, expiry_date TEXT);
INSERT INTO g2p_group_membership_kind VALUES (1, 'Head'), (2, 'spouse'), (3, 'child'), (4, 'Principal');
"#;

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

/// A deterministic generator (no dependency on a random crate; the sequence is fixed).
struct Gen(u64);

impl Gen {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    fn maybe<T>(&mut self, v: T) -> Option<T> {
        if self.next(6) == 0 {
            None
        } else {
            Some(v)
        }
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

struct Store {
    conn: Connection,
    next_id: i64,
    next_membership: i64,
}

impl Store {
    fn new() -> Store {
        let conn = Connection::open_in_memory().expect("sqlite");
        conn.execute_batch(SCHEMA).expect("schema");
        Store {
            conn,
            next_id: 1,
            next_membership: 1,
        }
    }

    fn id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }
}

fn text(v: &Option<String>) -> rusqlite::types::Value {
    match v {
        Some(s) => rusqlite::types::Value::Text(s.clone()),
        None => rusqlite::types::Value::Null,
    }
}

fn num(v: Option<f64>) -> rusqlite::types::Value {
    v.map(rusqlite::types::Value::Real)
        .unwrap_or(rusqlite::types::Value::Null)
}

/// Generates `n` households into the store (plus partners the base filter must exclude) and returns
/// the units Entitle sees: the registered, active, non-disabled groups.
fn generate(store: &mut Store, n: usize, seed: u64) -> Vec<Unit> {
    let mut g = Gen(seed);
    let regions = ["North", "East", " south ", "West", ""];
    let genders = ["F", "female", "M", "male", "x"];
    let kinds = [
        &["head"][..],
        &["spouse"],
        &["child"],
        &["child", "principal"],
        &["head", "principal"],
    ];
    let mut units = Vec::new();
    for _ in 0..n {
        let id = store.id();
        let r = regions[g.next(5) as usize].to_string();
        let region = g.maybe(r);
        let x = g.next(8000) as f64;
        let income = g.maybe(x);
        let x = g.next(60) as f64;
        let score = g.maybe(x);
        let enrolled = if g.next(10) == 0 {
            Some(true)
        } else {
            g.maybe(false)
        };
        // Partners that are not in the base population: not registrants, archived, disabled, individuals.
        let (is_registrant, active, disabled, is_group) = match g.next(12) {
            0 => (0, 1, None, 1),
            1 => (1, 0, None, 1),
            2 => (1, 1, Some("2025-05-01 10:00:00".to_string()), 1),
            3 => (1, 1, None, 0),
            _ => (1, 1, None, 1),
        };
        store
            .conn
            .execute(
                "INSERT INTO res_partner (id, is_registrant, active, disabled, is_group, region, income, enrolled, score) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                rusqlite::params![id, is_registrant, active, text(&disabled), is_group, text(&region), num(income), enrolled, num(score)],
            )
            .expect("insert group");
        let mut unit = Unit::new(id.to_string());
        if let Some(r) = &region {
            unit = unit.with("region", r.as_str());
        }
        if let Some(x) = income {
            unit = unit.with(
                "income",
                Value::Number(rust_decimal::Decimal::from(x as i64)),
            );
        }
        if let Some(x) = score {
            unit = unit.with(
                "score",
                Value::Number(rust_decimal::Decimal::from(x as i64)),
            );
        }
        if let Some(e) = enrolled {
            unit = unit.with("enrolled", e);
        }
        for _ in 0..g.next(5) {
            let mid = store.id();
            let b = date(
                1940 + g.next(86) as i32,
                1 + g.next(12) as u32,
                1 + g.next(28) as u32,
            );
            let birthdate = g.maybe(b);
            let x = genders[g.next(5) as usize].to_string();
            let gender = g.maybe(x);
            let disabled_member = if g.next(8) == 0 {
                Some(true)
            } else {
                g.maybe(false)
            };
            let x = g.next(3) as f64 * 1000.0;
            let earnings = g.maybe(x);
            let start = if g.next(6) == 0 {
                Some(date(2026, 6, 1))
            } else {
                None
            };
            let end = if g.next(6) == 0 {
                Some(date(2025, 6, 1))
            } else {
                None
            };
            let member_kinds = kinds[g.next(5) as usize];
            store
                .conn
                .execute(
                    "INSERT INTO res_partner (id, is_registrant, active, is_group, birthdate, gender, disabled_member, earnings) VALUES (?1, 1, 1, 0, ?2, ?3, ?4, ?5)",
                    rusqlite::params![mid, text(&birthdate.map(|d| d.to_string())), text(&gender), disabled_member, num(earnings)],
                )
                .expect("insert member");
            let ms = store.next_membership;
            store.next_membership += 1;
            store
                .conn
                .execute(
                    "INSERT INTO g2p_group_membership VALUES (?1, ?2, ?3, ?4, ?5)",
                    rusqlite::params![
                        ms,
                        id,
                        mid,
                        text(&start.map(|d| format!("{d} 08:30:00"))),
                        text(&end.map(|d| d.to_string()))
                    ],
                )
                .expect("insert membership");
            for k in member_kinds {
                let kind_id = match *k {
                    "head" => 1,
                    "spouse" => 2,
                    "child" => 3,
                    _ => 4,
                };
                store
                    .conn
                    .execute("INSERT INTO g2p_group_membership_g2p_group_membership_kind_rel VALUES (?1, ?2)", rusqlite::params![ms, kind_id])
                    .expect("insert kind");
            }
            let mut m = Member {
                id: mid.to_string(),
                kinds: member_kinds.iter().map(|k| k.to_string()).collect(),
                start_date: start,
                end_date: end,
                ..Member::default()
            };
            if let Some(b) = birthdate {
                m = m.with("birthdate", b);
            }
            if let Some(x) = &gender {
                m = m.with("gender", x.as_str());
            }
            if let Some(x) = disabled_member {
                m = m.with("disabled_member", x);
            }
            if let Some(x) = earnings {
                m = m.with(
                    "earnings",
                    Value::Number(rust_decimal::Decimal::from(x as i64)),
                );
            }
            unit = unit.with_member(m);
        }
        if is_registrant == 1 && active == 1 && disabled.is_none() && is_group == 1 {
            units.push(unit);
        }
    }
    units
}

fn to_sqlite(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as S;
    match v {
        Value::Unknown => S::Null,
        Value::Bool(b) => S::Integer(i64::from(*b)),
        Value::Number(n) => S::Real(n.to_string().parse().expect("number")),
        Value::Money(m) => S::Real(m.amount.to_string().parse().expect("number")),
        Value::Quantity(q) => S::Real(q.amount.to_string().parse().expect("number")),
        Value::Date(d) => S::Text(d.to_string()),
        Value::Text(t) => S::Text(t.clone()),
        Value::List(_) => S::Null,
    }
}

fn selected(store: &Store, program: &Program, as_of: NaiveDate) -> BTreeSet<String> {
    let q = program
        .to_sql(as_of, &SqlSchema::default(), SqlDialect::Sqlite)
        .unwrap_or_else(|d| panic!("{d}"));
    let sql = q.select_ids();
    let mut stmt = store
        .conn
        .prepare(&sql)
        .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    for (i, p) in q.params.iter().enumerate() {
        let index = stmt
            .parameter_index(&format!("${}", i + 1))
            .expect("index")
            .unwrap_or_else(|| panic!("${} is not in the SQL", i + 1));
        stmt.raw_bind_parameter(index, to_sqlite(p)).expect("bind");
    }
    let mut rows = stmt.raw_query();
    let mut out = BTreeSet::new();
    while let Some(row) = rows.next().expect("row") {
        let id: i64 = row.get(0).expect("id");
        out.insert(id.to_string());
    }
    out
}

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
