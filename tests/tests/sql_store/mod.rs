//! A SQLite store with OpenG2P's tables, filled with generated households, and the units a
//! translated query selects from it: shared by the SQL tests.
#![allow(dead_code)] // each test file uses a part

pub mod postgres;

use chrono::NaiveDate;
use entitle_core::sql::{SqlDialect, SqlSchema};
use entitle_core::{Member, Program, Unit, Value};
use rusqlite::Connection;
use std::collections::BTreeSet;

pub const SCHEMA: &str = r#"
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

/// A deterministic generator (no dependency on a random crate; the sequence is fixed).
pub struct Gen(pub u64);

impl Gen {
    pub fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    pub fn maybe<T>(&mut self, v: T) -> Option<T> {
        if self.next(6) == 0 {
            None
        } else {
            Some(v)
        }
    }
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

pub struct Store {
    pub conn: Connection,
    next_id: i64,
    next_membership: i64,
}

impl Store {
    pub fn new() -> Store {
        let conn = Connection::open_in_memory().expect("sqlite");
        conn.execute_batch(SCHEMA).expect("schema");
        Store {
            conn,
            next_id: 1,
            next_membership: 1,
        }
    }

    pub fn id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }
}

pub fn text(v: &Option<String>) -> rusqlite::types::Value {
    match v {
        Some(s) => rusqlite::types::Value::Text(s.clone()),
        None => rusqlite::types::Value::Null,
    }
}

pub fn num(v: Option<f64>) -> rusqlite::types::Value {
    v.map(rusqlite::types::Value::Real)
        .unwrap_or(rusqlite::types::Value::Null)
}

/// Generates `n` households into the store (plus partners the base filter must exclude) and returns
/// the units Entitle sees: the registered, active, non-disabled groups.
pub fn generate(store: &mut Store, n: usize, seed: u64) -> Vec<Unit> {
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

pub fn to_sqlite(v: &Value) -> rusqlite::types::Value {
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

pub fn selected(store: &Store, program: &Program, as_of: NaiveDate) -> BTreeSet<String> {
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

/// The units SQL selects but Entitle does not find eligible (other than units whose evaluation is
/// an error, documented), and the eligible units SQL does not select.
pub fn differences(
    store: &Store,
    units: &[Unit],
    program: &Program,
    as_of: NaiveDate,
) -> (Vec<String>, Vec<String>) {
    let results = program.evaluate_batch(units, as_of);
    let eligible: BTreeSet<String> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .filter(|d| d.outcome == entitle_core::Outcome::Eligible)
        .map(|d| d.unit_id.clone())
        .collect();
    let errors: BTreeSet<&str> = results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|e| e.unit_id.as_str())
        .collect();
    let sql = selected(store, program, as_of);
    let extra = sql
        .difference(&eligible)
        .filter(|u| !errors.contains(u.as_str()))
        .cloned()
        .collect();
    let missing = eligible.difference(&sql).cloned().collect();
    (extra, missing)
}
