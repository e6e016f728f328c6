//! A throwaway OpenG2P/OpenSPP schema in PostgreSQL for the tests: the tables and columns Odoo
//! creates for `res.partner` (with the registry modules), `g2p.group.membership` and its kinds, and a
//! loader for the population `entitle generate` writes.

use postgres::{Client, NoTls};
use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

/// The server the tests use, from `ENTITLE_TEST_PG` (set by `scripts/test-postgres.sh`).
pub fn server_url() -> String {
    std::env::var("ENTITLE_TEST_PG").unwrap_or_else(|_| {
        panic!(
            "ENTITLE_TEST_PG is not set. These tests need a PostgreSQL server: run \
             scripts/test-postgres.sh, which starts a throwaway one, sets ENTITLE_TEST_PG and runs them"
        )
    })
}

/// A fresh schema `name` (dropped first if it exists) and the URL that reads it.
pub fn fresh_schema(name: &str) -> (Client, String) {
    let base = server_url();
    let mut client = postgres::Config::from_str(&base)
        .unwrap()
        .connect(NoTls)
        .unwrap();
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}; SET search_path = {name}; SET TimeZone = 'UTC'"
        ))
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    (client, format!("{base}{sep}options=-csearch_path%3D{name}"))
}

/// The tables, with the columns OpenG2P 17 uses (and the custom fields the tests read).
pub const TABLES: &str = r#"
CREATE TABLE res_partner (
    id serial PRIMARY KEY,
    name varchar,
    ref varchar,
    active boolean DEFAULT true,
    is_company boolean DEFAULT false,
    is_registrant boolean,
    is_group boolean,
    disabled timestamp without time zone,
    disabled_reason text,
    given_name varchar,
    family_name varchar,
    birthdate date,
    birthdate_not_exact boolean,
    gender varchar,
    registration_date date,
    phone varchar,
    income double precision,
    area_id integer,
    x_cst_grp_region varchar,
    x_cst_grp_district varchar,
    x_cst_grp_area varchar,
    x_cst_grp_monthly_income numeric,
    x_cst_grp_enrolled_in_pension boolean,
    x_cst_grp_household_size integer,
    x_cst_grp_roof_is_permanent boolean,
    x_cst_grp_is_displaced boolean,
    z_ind_grp_num_individuals integer,
    z_ind_grp_num_children integer,
    z_ind_grp_num_elderly integer,
    z_ind_grp_is_hh_with_disabled boolean,
    x_cst_indv_disabled boolean,
    x_cst_indv_years_of_schooling integer,
    x_cst_indv_employed boolean,
    x_cst_indv_owns_phone boolean,
    x_cst_indv_receives_other_pension boolean
);
CREATE TABLE g2p_group_membership_kind (
    id serial PRIMARY KEY,
    name varchar,
    is_unique boolean
);
CREATE TABLE g2p_group_membership (
    id serial PRIMARY KEY,
    "group" integer NOT NULL REFERENCES res_partner (id),
    individual integer NOT NULL REFERENCES res_partner (id),
    start_date timestamp without time zone,
    ended_date timestamp without time zone,
    is_ended boolean,
    status varchar
);
CREATE TABLE g2p_group_membership_g2p_group_membership_kind_rel (
    g2p_group_membership_id integer NOT NULL REFERENCES g2p_group_membership (id) ON DELETE CASCADE,
    g2p_group_membership_kind_id integer NOT NULL REFERENCES g2p_group_membership_kind (id) ON DELETE CASCADE,
    PRIMARY KEY (g2p_group_membership_id, g2p_group_membership_kind_id)
);
INSERT INTO g2p_group_membership_kind (name, is_unique) VALUES ('Head', true);
"#;

/// The kind's id, created when new (`head` → `Head`, as Odoo's records are named).
pub fn kind_id<C: postgres::GenericClient>(
    client: &mut C,
    kinds: &mut HashMap<String, i32>,
    kind: &str,
) -> i32 {
    let mut name = kind.to_string();
    if let Some(first) = name.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    if let Some(id) = kinds.get(&name) {
        return *id;
    }
    let id: i32 = match client
        .query_opt("SELECT id FROM g2p_group_membership_kind WHERE name = $1", &[&name])
        .unwrap()
    {
        Some(r) => r.get(0),
        None => client
            .query_one(
                "INSERT INTO g2p_group_membership_kind (name, is_unique) VALUES ($1, false) RETURNING id",
                &[&name],
            )
            .unwrap()
            .get(0),
    };
    kinds.insert(name, id);
    id
}

fn opt(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// Loads `groups.csv` and `members.csv` of `dir` (as `entitle generate` writes them) in the
/// OpenG2P shape: groups and individuals as registrant partners with their `ref`, custom fields
/// `x_cst_grp_*` / `x_cst_indv_*`, indicators `z_ind_grp_*`, and one membership per member with
/// its kind and dates. Returns (groups, members) loaded.
pub fn load_population(client: &mut Client, dir: &Path) -> (u64, u64) {
    let mut tx = client.transaction().unwrap();
    let mut groups = csv::Reader::from_path(dir.join("groups.csv")).unwrap();
    let header = groups.headers().unwrap().clone();
    let col = |h: &csv::StringRecord, name: &str| h.iter().position(|c| c == name).unwrap();
    let g = |name: &str| col(&header, name);
    let insert_group = tx
        .prepare(
            "INSERT INTO res_partner (ref, name, is_registrant, is_group, x_cst_grp_region,
                x_cst_grp_district, x_cst_grp_area, x_cst_grp_monthly_income,
                x_cst_grp_enrolled_in_pension, x_cst_grp_household_size, x_cst_grp_roof_is_permanent,
                z_ind_grp_num_children, z_ind_grp_num_elderly, z_ind_grp_is_hh_with_disabled,
                x_cst_grp_is_displaced, registration_date)
             VALUES ($1, $1, true, true, $2, $3, $4, $5::text::numeric, $6::text::boolean,
                $7::text::integer, $8::text::boolean, $9::text::integer, $10::text::integer,
                $11::text::boolean, $12::text::boolean, $13::text::date)
             RETURNING id",
        )
        .unwrap();
    let mut group_ids: HashMap<String, i32> = HashMap::new();
    let mut n_groups = 0u64;
    for rec in groups.records() {
        let r = rec.unwrap();
        let f = |name: &str| opt(r.get(g(name)).unwrap_or(""));
        let id: i32 = tx
            .query_one(
                &insert_group,
                &[
                    &f("id"),
                    &f("region"),
                    &f("district"),
                    &f("area"),
                    &f("monthly_income"),
                    &f("enrolled_in_pension"),
                    &f("household_size"),
                    &f("roof_is_permanent"),
                    &f("z_ind_grp_num_children"),
                    &f("z_ind_grp_num_elderly"),
                    &f("z_ind_grp_is_hh_with_disabled"),
                    &f("x_cst_grp_is_displaced"),
                    &f("registration_date"),
                ],
            )
            .unwrap()
            .get(0);
        group_ids.insert(f("id").unwrap().to_string(), id);
        n_groups += 1;
    }
    let mut members = csv::Reader::from_path(dir.join("members.csv")).unwrap();
    let header = members.headers().unwrap().clone();
    let m = |name: &str| col(&header, name);
    let insert_person = tx
        .prepare(
            "INSERT INTO res_partner (ref, name, is_registrant, is_group, gender, birthdate,
                x_cst_indv_disabled, x_cst_indv_years_of_schooling, x_cst_indv_employed,
                x_cst_indv_owns_phone, x_cst_indv_receives_other_pension, phone)
             VALUES ($1, $2, true, false, $3, $4::text::date, $5::text::boolean, $6::text::integer,
                $7::text::boolean, $8::text::boolean, $9::text::boolean, $10)
             RETURNING id",
        )
        .unwrap();
    let insert_membership = tx
        .prepare(
            "INSERT INTO g2p_group_membership (\"group\", individual, start_date, ended_date, is_ended)
             VALUES ($1, $2, $3::text::timestamp, $4::text::timestamp, $4::text IS NOT NULL)
             RETURNING id",
        )
        .unwrap();
    let insert_kind = tx
        .prepare(
            "INSERT INTO g2p_group_membership_g2p_group_membership_kind_rel
                (g2p_group_membership_id, g2p_group_membership_kind_id) VALUES ($1, $2)",
        )
        .unwrap();
    let mut kinds = HashMap::new();
    let mut n_members = 0u64;
    for rec in members.records() {
        let r = rec.unwrap();
        let f = |name: &str| opt(r.get(m(name)).unwrap_or(""));
        let person: i32 = tx
            .query_one(
                &insert_person,
                &[
                    &f("id"),
                    &f("name"),
                    &f("gender"),
                    &f("birthdate"),
                    &f("disabled"),
                    &f("years_of_schooling"),
                    &f("employed"),
                    &f("owns_phone"),
                    &f("receives_other_pension"),
                    &f("phone"),
                ],
            )
            .unwrap()
            .get(0);
        let group = group_ids[f("group_id").unwrap()];
        let membership: i32 = tx
            .query_one(
                &insert_membership,
                &[&group, &person, &f("start_date"), &f("end_date")],
            )
            .unwrap()
            .get(0);
        for kind in f("kind").unwrap_or("").split(';').filter(|k| !k.is_empty()) {
            let kid = kind_id(&mut tx, &mut kinds, kind);
            tx.execute(&insert_kind, &[&membership, &kid]).unwrap();
        }
        n_members += 1;
    }
    tx.execute(
        "UPDATE res_partner g SET z_ind_grp_num_individuals =
            (SELECT count(*) FROM g2p_group_membership m WHERE m.\"group\" = g.id)
         WHERE g.is_group",
        &[],
    )
    .unwrap();
    tx.commit().unwrap();
    (n_groups, n_members)
}
