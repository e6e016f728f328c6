//! The SQLite store copied into PostgreSQL (OpenG2P's column types: booleans, dates, timestamps,
//! numbers), and the units a query translated for PostgreSQL selects there. Only with a server:
//! `scripts/test-postgres.sh` sets `ENTITLE_TEST_PG`.

use super::Store;
use chrono::NaiveDate;
use entitle_core::sql::{SqlDialect, SqlSchema};
use entitle_core::{Program, Value};
use postgres::{Client, NoTls};
use std::collections::BTreeSet;

const TABLES: &str = r#"
CREATE TABLE res_partner (
  id integer PRIMARY KEY, is_registrant boolean, active boolean, disabled timestamp, is_group boolean,
  region varchar, income double precision, enrolled boolean, score numeric,
  birthdate date, gender varchar, disabled_member boolean, earnings numeric
);
CREATE TABLE g2p_group_membership (id integer PRIMARY KEY, "group" integer, individual integer, start_date timestamp, ended_date timestamp);
CREATE TABLE g2p_group_membership_kind (id integer PRIMARY KEY, name varchar);
CREATE TABLE g2p_group_membership_g2p_group_membership_kind_rel (g2p_group_membership_id integer, g2p_group_membership_kind_id integer);
"#;

/// A client on a fresh schema `name` of the server in `ENTITLE_TEST_PG`, holding a copy of `store`.
pub fn copy(store: &Store, name: &str) -> Client {
    let url = std::env::var("ENTITLE_TEST_PG").unwrap_or_else(|_| {
        panic!("ENTITLE_TEST_PG is not set: run scripts/test-postgres.sh, which starts a server")
    });
    let mut pg = Client::connect(&url, NoTls).unwrap_or_else(|e| panic!("{e}"));
    pg.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}; SET search_path = {name}; {TABLES}"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    // Every row as SQL literals, typed by the column it goes to (SQLite keeps 0/1 and text).
    for (table, columns) in [
        ("res_partner", "id, is_registrant, active, disabled, is_group, region, income, enrolled, score, birthdate, gender, disabled_member, earnings"),
        ("g2p_group_membership", "id, \"group\", individual, start_date, ended_date"),
        ("g2p_group_membership_kind", "id, name"),
        ("g2p_group_membership_g2p_group_membership_kind_rel", "g2p_group_membership_id, g2p_group_membership_kind_id"),
    ] {
        let select = format!("SELECT quote({}) FROM {table}", columns.replace(", ", "), quote("));
        let mut stmt = store.conn.prepare(&select).unwrap_or_else(|e| panic!("{e}"));
        let n = stmt.column_count();
        let rows: Vec<String> = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| r.get::<_, String>(i))
                    .collect::<Result<Vec<_>, _>>()
                    .map(|cells| format!("({})", cells.join(", ")))
            })
            .unwrap_or_else(|e| panic!("{e}"))
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{e}"));
        for chunk in rows.chunks(500) {
            // SQLite's literals (0/1, '2026-06-01 08:30:00', 1000.0) cast by PostgreSQL to the
            // column's type through a typed VALUES list.
            let typed = format!(
                "INSERT INTO {table} ({columns}) SELECT * FROM (VALUES {}) AS v",
                chunk.join(", ")
            );
            pg.batch_execute(&retype(&typed, table))
                .unwrap_or_else(|e| panic!("{e}\n{}", &typed[..typed.len().min(400)]));
        }
    }
    pg
}

/// SQLite writes truth values as 0/1 and dates as text: in PostgreSQL a VALUES list of them needs
/// the column types, given here by casting each position.
fn retype(insert: &str, table: &str) -> String {
    let casts: &[&str] = match table {
        "res_partner" => &[
            "integer",
            "boolean",
            "boolean",
            "timestamp",
            "boolean",
            "varchar",
            "double precision",
            "boolean",
            "numeric",
            "date",
            "varchar",
            "boolean",
            "numeric",
        ],
        "g2p_group_membership" => &["integer", "integer", "integer", "timestamp", "timestamp"],
        "g2p_group_membership_kind" => &["integer", "varchar"],
        _ => &["integer", "integer"],
    };
    let names: Vec<String> = (1..=casts.len()).map(|i| format!("column{i}")).collect();
    let select: Vec<String> = names
        .iter()
        .zip(casts)
        .map(|(n, t)| match *t {
            // 0/1 → boolean goes through integer; text → date/timestamp and numbers directly.
            "boolean" => format!("({n})::integer::boolean"),
            t => format!("({n})::text::{t}"),
        })
        .collect();
    insert.replacen(
        "SELECT * FROM (VALUES",
        &format!("SELECT {} FROM (VALUES", select.join(", ")),
        1,
    )
}

/// A parameter as a PostgreSQL literal, as a client that interpolates its parameters (psycopg2,
/// Odoo's `cr.execute`) sends it.
fn literal(v: &Value) -> String {
    match v {
        Value::Unknown | Value::List(_) => "NULL".into(),
        Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Value::Number(n) => format!("({n})"),
        Value::Money(m) => format!("({})", m.amount),
        Value::Quantity(q) => format!("({})", q.amount),
        Value::Date(d) => format!("DATE '{d}'"),
        Value::Text(t) => format!("'{}'", t.replace('\'', "''")),
    }
}

/// The ids the rules translated for PostgreSQL select in `pg`.
pub fn selected(pg: &mut Client, program: &Program, as_of: NaiveDate) -> BTreeSet<String> {
    let q = program
        .to_sql(as_of, &SqlSchema::default(), SqlDialect::Postgres)
        .unwrap_or_else(|d| panic!("{d}"));
    let mut sql = q.select_ids();
    // From the last parameter down, so that `$1` does not match the start of `$10`.
    for (i, p) in q.params.iter().enumerate().rev() {
        sql = sql.replace(&format!("${}", i + 1), &literal(p));
    }
    pg.query(&sql, &[])
        .unwrap_or_else(|e| panic!("{e}\n{sql}"))
        .iter()
        .map(|r| r.get::<_, i32>(0).to_string())
        .collect()
}
