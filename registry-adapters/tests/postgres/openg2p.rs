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

/// Reads a CSV file into columns of optional text, by the names asked for.
fn columns(path: &Path, names: &[&str]) -> Vec<Vec<Option<String>>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let at: Vec<usize> = names
        .iter()
        .map(|n| header.iter().position(|c| c == *n).unwrap())
        .collect();
    let mut cols = vec![Vec::new(); names.len()];
    for rec in reader.records() {
        let r = rec.unwrap();
        for (k, i) in at.iter().enumerate() {
            cols[k].push(opt(r.get(*i).unwrap_or("")).map(str::to_string));
        }
    }
    cols
}

/// Inserts rows given as columns of text, `BATCH` rows per statement (`INSERT … SELECT … FROM
/// unnest($1::text[], …)`), and returns the first column of what `sql` returns, per row.
fn insert_batched(
    tx: &mut postgres::Transaction<'_>,
    sql: &str,
    cols: &[Vec<Option<String>>],
) -> Vec<(i32, String)> {
    const BATCH: usize = 5000;
    let n = cols.first().map_or(0, Vec::len);
    let stmt = tx.prepare(sql).unwrap();
    let mut out = Vec::with_capacity(n);
    for start in (0..n).step_by(BATCH) {
        let end = (start + BATCH).min(n);
        let slices: Vec<Vec<Option<String>>> =
            cols.iter().map(|c| c[start..end].to_vec()).collect();
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = slices
            .iter()
            .map(|c| c as &(dyn postgres::types::ToSql + Sync))
            .collect();
        for row in tx.query(&stmt, &params).unwrap() {
            out.push((row.get(0), row.get(1)));
        }
    }
    out
}

/// Loads `groups.csv` and `members.csv` of `dir` (as `entitle generate` writes them) in the
/// OpenG2P shape: groups and individuals as registrant partners with their `ref`, custom fields
/// `x_cst_grp_*` / `x_cst_indv_*`, indicators `z_ind_grp_*`, and one membership per member with
/// its kind and dates. Returns (groups, members) loaded.
pub fn load_population(client: &mut Client, dir: &Path) -> (u64, u64) {
    let mut tx = client.transaction().unwrap();
    let groups = columns(
        &dir.join("groups.csv"),
        &[
            "id",
            "region",
            "district",
            "area",
            "monthly_income",
            "enrolled_in_pension",
            "household_size",
            "roof_is_permanent",
            "z_ind_grp_num_children",
            "z_ind_grp_num_elderly",
            "z_ind_grp_is_hh_with_disabled",
            "x_cst_grp_is_displaced",
            "registration_date",
        ],
    );
    let group_ids: HashMap<String, i32> = insert_batched(
        &mut tx,
        "INSERT INTO res_partner (ref, name, is_registrant, is_group, x_cst_grp_region,
            x_cst_grp_district, x_cst_grp_area, x_cst_grp_monthly_income,
            x_cst_grp_enrolled_in_pension, x_cst_grp_household_size, x_cst_grp_roof_is_permanent,
            z_ind_grp_num_children, z_ind_grp_num_elderly, z_ind_grp_is_hh_with_disabled,
            x_cst_grp_is_displaced, registration_date)
         SELECT r, r, true, true, a, b, c, d::numeric, e::boolean, f::integer, g::boolean,
            h::integer, i::integer, j::boolean, k::boolean, l::date
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
            $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
            AS x(r, a, b, c, d, e, f, g, h, i, j, k, l)
         RETURNING id, ref",
        &groups,
    )
    .into_iter()
    .map(|(id, r)| (r, id))
    .collect();
    let m = columns(
        &dir.join("members.csv"),
        &[
            "id",
            "name",
            "gender",
            "birthdate",
            "disabled",
            "years_of_schooling",
            "employed",
            "owns_phone",
            "receives_other_pension",
            "phone",
            "group_id",
            "kind",
            "start_date",
            "end_date",
        ],
    );
    let people: HashMap<String, i32> = insert_batched(
        &mut tx,
        "INSERT INTO res_partner (ref, name, is_registrant, is_group, gender, birthdate,
            x_cst_indv_disabled, x_cst_indv_years_of_schooling, x_cst_indv_employed,
            x_cst_indv_owns_phone, x_cst_indv_receives_other_pension, phone)
         SELECT r, a, true, false, b, c::date, d::boolean, e::integer, f::boolean, g::boolean,
            h::boolean, i
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
            $7::text[], $8::text[], $9::text[], $10::text[]) AS x(r, a, b, c, d, e, f, g, h, i)
         RETURNING id, ref",
        &m[..10],
    )
    .into_iter()
    .map(|(id, r)| (r, id))
    .collect();
    // One membership per member row, in file order.
    let n = m[0].len();
    let member_ref = &m[0];
    let group: Vec<Option<String>> = m[10]
        .iter()
        .map(|g| g.as_ref().map(|g| group_ids[g].to_string()))
        .collect();
    let person: Vec<Option<String>> = member_ref
        .iter()
        .map(|r| r.as_ref().map(|r| people[r].to_string()))
        .collect();
    let memberships: HashMap<String, i32> = insert_batched(
        &mut tx,
        "INSERT INTO g2p_group_membership (\"group\", individual, start_date, ended_date, is_ended)
         SELECT g::integer, i::integer, s::timestamp, e::timestamp, e IS NOT NULL
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(g, i, s, e)
         RETURNING id, individual::text",
        &[group, person, m[12].clone(), m[13].clone()],
    )
    .into_iter()
    .map(|(id, individual)| (individual, id))
    .collect();
    let mut kinds = HashMap::new();
    let (mut rel_m, mut rel_k) = (Vec::new(), Vec::new());
    for k in 0..n {
        let (Some(r), Some(ks)) = (&member_ref[k], &m[11][k]) else {
            continue;
        };
        let membership = memberships[&people[r].to_string()];
        for kind in ks.split(';').filter(|k| !k.is_empty()) {
            rel_m.push(membership);
            rel_k.push(kind_id(&mut tx, &mut kinds, kind));
        }
    }
    tx.execute(
        "INSERT INTO g2p_group_membership_g2p_group_membership_kind_rel
            (g2p_group_membership_id, g2p_group_membership_kind_id)
         SELECT * FROM unnest($1::integer[], $2::integer[])",
        &[&rel_m, &rel_k],
    )
    .unwrap();
    tx.execute(
        "UPDATE res_partner g SET z_ind_grp_num_individuals = n.count
         FROM (SELECT \"group\", count(*) FROM g2p_group_membership GROUP BY \"group\") n
         WHERE n.\"group\" = g.id",
        &[],
    )
    .unwrap();
    tx.commit().unwrap();
    (group_ids.len() as u64, n as u64)
}
