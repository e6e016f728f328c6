//! The PostgreSQL adapter against a real server, with the OpenG2P/OpenSPP schema.
//!
//! These tests need a server, so they are `#[ignore]`d: a plain `cargo test` skips them, and
//! `scripts/test-postgres.sh` starts a throwaway PostgreSQL, sets `ENTITLE_TEST_PG` (and
//! `ENTITLE_TEST_POPULATION`, a population made by `entitle generate`) and runs them with
//! `--include-ignored`. Run without those variables, they fail with instructions instead of passing
//! silently. Each test works in a schema of its own, so they run in parallel.

mod ids;
mod openg2p;

use entitle_core::Program;
use entitle_registry::postgres::{open_postgres, PgRecorder};
use entitle_registry::runs::{ErrorRecord, RunInfo, RunRecorder};
use entitle_registry::{open_files, Mapping, ReadCounts, RegistrySource, RowError, SourceOptions};
use openg2p::{fresh_schema, kind_id, load_population, TABLES};
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

fn program(name: &str) -> Program {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../examples/programs/{name}.entitle"));
    Program::compile(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

/// Every decision (by unit) and error record a source gives, read in chunks of `chunk` units.
fn decide(
    mut source: Box<dyn RegistrySource>,
    program: &Program,
    chunk: usize,
) -> (BTreeMap<String, Json>, Vec<RowError>, ReadCounts) {
    let mut decisions = BTreeMap::new();
    let mut errors = Vec::new();
    while let Some(c) = source.next_chunk(chunk).unwrap() {
        let result = program.run(&c.batch, as_of(), &Default::default());
        for d in result.decisions() {
            match d {
                Ok(d) => {
                    let old = decisions
                        .insert(d.unit_id.clone(), entitle_core::json::decision_to_json(&d));
                    assert!(old.is_none(), "unit {} decided twice", d.unit_id);
                }
                Err(e) => errors.push(RowError::unit(
                    &source.unit_file(),
                    0,
                    Some(&e.unit_id),
                    e.code(),
                    e.error.to_string(),
                )),
            }
        }
        errors.extend(c.errors);
    }
    (decisions, errors, source.counts())
}

fn map(entries: &[&str]) -> Mapping {
    Mapping::from_entries(entries).unwrap()
}

#[test]
fn the_script_that_runs_these_tests_exists() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/test-postgres.sh");
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains("ENTITLE_TEST_PG") && text.contains("--include-ignored"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&script).unwrap().permissions().mode();
        assert_ne!(mode & 0o111, 0, "{} must be executable", script.display());
    }
}

#[test]
#[ignore = "needs PostgreSQL: run scripts/test-postgres.sh"]
fn results_equal_the_csv_path_for_a_generated_population() {
    let dir = PathBuf::from(std::env::var("ENTITLE_TEST_POPULATION").unwrap_or_else(|_| {
        panic!("ENTITLE_TEST_POPULATION is not set: run scripts/test-postgres.sh, which generates a population with `entitle generate`")
    }));
    // The schema is left in place: the script then compares `entitle run` over it.
    let (mut client, url) = fresh_schema("equality");
    client.batch_execute(TABLES).unwrap();
    let t = std::time::Instant::now();
    let (groups, members) = load_population(&mut client, &dir);
    eprintln!(
        "loaded {groups} groups and {members} members in {:.1?}",
        t.elapsed()
    );
    assert!(groups >= 1000, "a few thousand households, not {groups}");
    let id = map(&["id=ref"]);
    for name in [
        "child_grant",
        "pmt",
        "openspp_multi_item_cash",
        "openg2p_default_cash",
        "old_age_pension",
    ] {
        let p = program(name);
        let files = open_files(&dir, &p, &SourceOptions::default()).unwrap();
        let (csv, csv_errors, csv_counts) = decide(files, &p, 4096);
        let t = std::time::Instant::now();
        let pg = open_postgres(&url, &p, &SourceOptions::default(), &id).unwrap();
        let (db, db_errors, db_counts) = decide(pg, &p, 1000);
        let elapsed = t.elapsed();
        assert_eq!(csv_errors.len(), db_errors.len(), "{name}: error records");
        assert_eq!(csv.len(), db.len(), "{name}: decisions");
        let mut equal = 0;
        for (unit, d) in &csv {
            assert_eq!(Some(d), db.get(unit), "{name}: unit {unit}");
            equal += 1;
        }
        assert_eq!(
            (csv_counts.units, csv_counts.decided),
            (db_counts.units, db_counts.decided),
            "{name}"
        );
        assert_eq!(
            csv_counts.member_rows, db_counts.member_rows,
            "{name}: member rows"
        );
        eprintln!(
            "{name}: {equal} of {} decisions equal, {} units read from PostgreSQL in {elapsed:.1?} ({:.0} units/s)",
            csv.len(),
            db_counts.units,
            db_counts.units as f64 / elapsed.as_secs_f64()
        );
    }
}

/// A small registry: groups with kinds and dates, and partners the base filter leaves out.
fn small_registry(client: &mut postgres::Client) {
    client.batch_execute(TABLES).unwrap();
    let mut kinds = HashMap::new();
    let partner =
        |c: &mut postgres::Client, sql: &str| -> i32 { c.query_one(sql, &[]).unwrap().get(0) };
    let g1 = partner(client, "INSERT INTO res_partner (name, is_registrant, is_group, x_cst_grp_region, x_cst_grp_monthly_income) VALUES ('G1', true, true, 'North', 5000) RETURNING id");
    let g2 = partner(client, "INSERT INTO res_partner (name, is_registrant, is_group, x_cst_grp_region, x_cst_grp_monthly_income) VALUES ('G2', true, true, 'East', 1000) RETURNING id");
    for sql in [
        "INSERT INTO res_partner (name, is_registrant, is_group, active, x_cst_grp_region, x_cst_grp_monthly_income) VALUES ('archived', true, true, false, 'North', 10) RETURNING id",
        "INSERT INTO res_partner (name, is_registrant, is_group, disabled, x_cst_grp_region, x_cst_grp_monthly_income) VALUES ('disabled', true, true, '2025-01-01', 'North', 10) RETURNING id",
        "INSERT INTO res_partner (name, is_registrant, is_group, x_cst_grp_region, x_cst_grp_monthly_income) VALUES ('not a registrant', false, true, 'North', 10) RETURNING id",
        "INSERT INTO res_partner (name, is_registrant, is_group, x_cst_grp_region) VALUES ('a company', NULL, true, 'North') RETURNING id",
    ] {
        partner(client, sql);
    }
    let people = [
        // group, birthdate, disabled (a disability), kind, start, end
        (
            g1,
            "1990-01-01",
            false,
            Some("head"),
            Some("2019-01-01 10:00"),
            None,
        ),
        (
            g1,
            "2020-05-01",
            true,
            Some("child"),
            Some("2020-05-01 00:00"),
            None,
        ),
        (
            g1,
            "2022-01-01",
            false,
            Some("child"),
            Some("2022-01-01 00:00"),
            Some("2025-06-01 00:00"),
        ),
        (g2, "1950-01-01", false, Some("head"), None, None),
        (g2, "2018-01-01", false, None, None, None),
    ];
    for (group, birthdate, disabled, kind, start, end) in people {
        let person: i32 = client
            .query_one(
                "INSERT INTO res_partner (name, is_registrant, is_group, birthdate, x_cst_indv_disabled) VALUES ('p', true, false, $1::text::date, $2) RETURNING id",
                &[&birthdate, &disabled],
            )
            .unwrap()
            .get(0);
        let m: i32 = client
            .query_one(
                "INSERT INTO g2p_group_membership (\"group\", individual, start_date, ended_date) VALUES ($1, $2, $3::text::timestamp, $4::text::timestamp) RETURNING id",
                &[&group, &person, &start, &end],
            )
            .unwrap()
            .get(0);
        if let Some(k) = kind {
            let kid = kind_id(client, &mut kinds, k);
            client
                .execute("INSERT INTO g2p_group_membership_g2p_group_membership_kind_rel VALUES ($1, $2)", &[&m, &kid])
                .unwrap();
        }
    }
}

#[test]
#[ignore = "needs PostgreSQL: run scripts/test-postgres.sh"]
fn the_base_filter_kinds_and_membership_dates_are_applied() {
    let (mut client, url) = fresh_schema("base_filter");
    small_registry(&mut client);
    let p = program("child_grant");
    let source = open_postgres(&url, &p, &SourceOptions::default(), &Mapping::new()).unwrap();
    assert!(
        source
            .describe()
            .ends_with("(res_partner, g2p_group_membership)"),
        "{}",
        source.describe()
    );
    let (decisions, errors, counts) = decide(source, &p, 1);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        (counts.units, counts.member_rows, counts.decided),
        (2, 5, 2)
    );
    let ids: Vec<&String> = decisions.keys().collect();
    let g1 = &decisions[ids[0]];
    // Two children under 18, one of whom left in 2025: base 1500 + 1 child x 500 + disability 300.
    assert_eq!(g1["decision"], "eligible", "{g1}");
    assert_eq!(g1["cash"]["total"], "2300", "{g1}");
    let g2 = &decisions[ids[1]];
    assert_eq!(g2["cash"]["total"], "2000", "{g2}");
    // An individual program reads individuals (is_group not true), through the same filter.
    let pension = program("old_age_pension");
    let source = open_postgres(&url, &pension, &SourceOptions::default(), &Mapping::new()).unwrap();
    let (d, errors, counts) = decide(source, &pension, 10);
    assert_eq!((counts.units, d.len(), errors.len()), (5, 5, 0));
    let eligible = d.values().filter(|d| d["decision"] == "eligible").count();
    assert_eq!(eligible, 1, "only the person born in 1950");
    // Kinds are Odoo's records (`Head`); the engine matches them without regard to case.
    let kinds: String = client
        .query_one(
            "SELECT string_agg(name, ',' ORDER BY name) FROM g2p_group_membership_kind",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(kinds, "Child,Head");
}

#[test]
#[ignore = "needs PostgreSQL: run scripts/test-postgres.sh"]
fn an_input_left_at_its_default_for_want_of_a_column_is_named() {
    let (mut client, url) = fresh_schema("absent_column");
    small_registry(&mut client);
    let p = program("child_grant");
    let source = open_postgres(&url, &p, &SourceOptions::default(), &Mapping::new()).unwrap();
    assert_eq!(source.absent_inputs(), []);
    // Its read-only transaction holds the table until the source is dropped.
    drop(source);
    // Without a disability column every member takes the default, false: G1's top-up is gone.
    client
        .batch_execute("ALTER TABLE res_partner DROP COLUMN x_cst_indv_disabled")
        .unwrap();
    let source = open_postgres(&url, &p, &SourceOptions::default(), &Mapping::new()).unwrap();
    assert_eq!(
        source.absent_inputs(),
        [entitle_registry::AbsentInput {
            file: "res_partner".into(),
            input: "disabled".into(),
            member: true,
            default: "false".into(),
            closest: None,
        }]
    );
    let (decisions, errors, _) = decide(source, &p, 1);
    assert!(errors.is_empty(), "{errors:?}");
    let g1 = decisions.values().next().unwrap();
    assert_eq!(g1["cash"]["total"], "2000", "{g1}");
}

#[test]
#[ignore = "needs PostgreSQL: run scripts/test-postgres.sh"]
fn explain_reads_one_unit_through_a_bind_parameter() {
    let (mut client, url) = fresh_schema("explain_one");
    small_registry(&mut client);
    let g2: i32 = client
        .query_one("SELECT id FROM res_partner WHERE name = 'G2'", &[])
        .unwrap()
        .get(0);
    let p = program("child_grant");
    let options = SourceOptions {
        only_unit: Some(g2.to_string()),
        ..Default::default()
    };
    let (d, errors, counts) = decide(
        open_postgres(&url, &p, &options, &Mapping::new()).unwrap(),
        &p,
        10,
    );
    assert_eq!(
        (d.len(), errors.len(), counts.units, counts.member_rows),
        (1, 0, 1, 2)
    );
    assert!(d.contains_key(&g2.to_string()));
    let hostile = SourceOptions {
        only_unit: Some("1' OR '1'='1".into()),
        ..Default::default()
    };
    let (d, _, counts) = decide(
        open_postgres(&url, &p, &hostile, &Mapping::new()).unwrap(),
        &p,
        10,
    );
    assert_eq!(
        (d.len(), counts.units),
        (0, 0),
        "the id is a value, never SQL"
    );
}

#[test]
#[ignore = "needs PostgreSQL: run scripts/test-postgres.sh"]
fn bad_input_gives_a_clear_error_naming_what_and_where() {
    let (mut client, url) = fresh_schema("bad_input");
    let p = program("child_grant");
    let open = |m: &Mapping| {
        open_postgres(&url, &p, &SourceOptions::default(), m)
            .err()
            .map(|e| (e.code(), e.to_string()))
    };
    // No tables at all.
    let (code, text) = open(&Mapping::new()).unwrap();
    assert_eq!(code, "G0010");
    assert!(text.contains("no table `res_partner`"), "{text}");
    small_registry(&mut client);
    // A column the program needs, under no name the adapter knows.
    client.batch_execute("ALTER TABLE res_partner RENAME COLUMN x_cst_grp_monthly_income TO x_cst_grp_monthly_incme").unwrap();
    let (code, text) = open(&Mapping::new()).unwrap();
    assert_eq!(code, "G0011");
    assert!(
        text.contains("`res_partner` has no column `monthly_income`"),
        "{text}"
    );
    assert!(text.contains("--map monthly_income=COLUMN"), "{text}");
    // A mapped column that does not exist.
    let (code, text) = open(&map(&["monthly_income=x_cst_grp_monthly_income"])).unwrap();
    assert_eq!(code, "G0011");
    assert!(
        text.contains("did you mean `x_cst_grp_monthly_incme`"),
        "{text}"
    );
    // A column whose type cannot hold the input: refused before reading.
    client
        .batch_execute("ALTER TABLE res_partner ADD COLUMN x_cst_grp_blob bytea")
        .unwrap();
    let (code, text) = open(&map(&["monthly_income=x_cst_grp_blob"])).unwrap();
    assert_eq!(code, "G0012");
    assert!(
        text.contains("`res_partner.x_cst_grp_blob` is of type bytea"),
        "{text}"
    );
    // Two default names for one input.
    client
        .batch_execute("ALTER TABLE res_partner ADD COLUMN region varchar")
        .unwrap();
    let (code, text) = open(&map(&["monthly_income=x_cst_grp_monthly_incme"])).unwrap();
    assert_eq!(code, "G0015");
    assert!(text.contains("`region`, `x_cst_grp_region`"), "{text}");
    client
        .batch_execute("ALTER TABLE res_partner DROP COLUMN region")
        .unwrap();
    // A value of the wrong type in a text column: that unit gets an error record, the rest go on.
    client
        .batch_execute(
            "ALTER TABLE res_partner ALTER COLUMN x_cst_grp_monthly_incme TYPE varchar;
             UPDATE res_partner SET x_cst_grp_monthly_incme = '1,500' WHERE name = 'G2';",
        )
        .unwrap();
    let g2: i32 = client
        .query_one("SELECT id FROM res_partner WHERE name = 'G2'", &[])
        .unwrap()
        .get(0);
    let source = open_postgres(
        &url,
        &p,
        &SourceOptions::default(),
        &map(&["monthly_income=x_cst_grp_monthly_incme"]),
    )
    .unwrap();
    let (d, errors, counts) = decide(source, &p, 100);
    assert_eq!((counts.units, d.len(), errors.len()), (2, 1, 1));
    let e = &errors[0];
    assert_eq!(
        (e.code, &*e.file, e.line, e.column.as_deref()),
        ("G0101", "res_partner", g2 as u64, Some("monthly_income"))
    );
    assert_eq!(e.unit_id.as_deref(), Some(g2.to_string().as_str()));
    assert!(
        !e.to_string().contains("1,500"),
        "no registrant value in messages: {e}"
    );
    // A missing kind table.
    client
        .batch_execute("DROP TABLE g2p_group_membership_g2p_group_membership_kind_rel")
        .unwrap();
    let (code, text) = open(&map(&["monthly_income=x_cst_grp_monthly_incme"])).unwrap();
    assert_eq!(code, "G0010");
    assert!(
        text.contains("g2p_group_membership_g2p_group_membership_kind_rel"),
        "{text}"
    );
    // A database that does not exist.
    let base = openg2p::server_url();
    let (root, _) = base.rsplit_once('/').unwrap();
    let e = open_postgres(
        &format!("{root}/no_such_database"),
        &p,
        &SourceOptions::default(),
        &Mapping::new(),
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), "G0009");
    assert!(e.to_string().contains("cannot connect"), "{e}");
}

#[test]
#[ignore = "needs PostgreSQL: run scripts/test-postgres.sh"]
fn hostile_column_names_and_values_cannot_change_a_query() {
    let (mut client, url) = fresh_schema("hostile");
    small_registry(&mut client);
    let p = program("child_grant");
    let rows = |c: &mut postgres::Client| -> i64 {
        c.query_one("SELECT count(*) FROM res_partner", &[])
            .unwrap()
            .get(0)
    };
    let before = rows(&mut client);
    // A mapping naming a column that is SQL: not in the catalog, so refused, and never run.
    for hostile in [
        "x_cst_grp_region\"; DROP TABLE res_partner; --",
        "x_cst_grp_region) OR (1=1",
        "x_cst_grp_region::text, (SELECT pg_sleep(5))::text",
    ] {
        let e = open_postgres(
            &url,
            &p,
            &SourceOptions::default(),
            &map(&[&format!("region={hostile}")]),
        )
        .err()
        .unwrap();
        assert_eq!(e.code(), "G0011", "{hostile}");
    }
    assert_eq!(rows(&mut client), before);
    // A column that really has a hostile name is only ever that column.
    client
        .batch_execute(
            r#"ALTER TABLE res_partner ADD COLUMN "region""; DROP TABLE res_partner; --" varchar;
               UPDATE res_partner SET "region""; DROP TABLE res_partner; --" = x_cst_grp_region;"#,
        )
        .unwrap();
    let m = map(&["region=region\"; DROP TABLE res_partner; --"]);
    let (d, errors, _) = decide(
        open_postgres(&url, &p, &SourceOptions::default(), &m).unwrap(),
        &p,
        10,
    );
    assert_eq!((d.len(), errors.len()), (2, 0));
    // Hostile values are values: a region that is SQL is just not one of the choices.
    client
        .batch_execute("UPDATE res_partner SET x_cst_grp_region = 'North''); DELETE FROM res_partner; --' WHERE name = 'G1'")
        .unwrap();
    let (d, errors, _) = decide(
        open_postgres(&url, &p, &SourceOptions::default(), &Mapping::new()).unwrap(),
        &p,
        10,
    );
    assert_eq!((d.len(), errors.len(), errors[0].code), (1, 1, "G0102"));
    assert_eq!(rows(&mut client), before);
    assert!(client
        .query_one("SELECT to_regclass('res_partner') IS NOT NULL", &[])
        .unwrap()
        .get::<_, bool>(0));
}

#[test]
#[ignore = "needs PostgreSQL: run scripts/test-postgres.sh"]
fn write_back_replaces_a_run_in_one_transaction() {
    let (mut client, url) = fresh_schema("write_back");
    small_registry(&mut client);
    let p = program("child_grant");
    let record = |run_at: &str, as_of: chrono::NaiveDate, commit: bool| {
        let mut source =
            open_postgres(&url, &p, &SourceOptions::default(), &Mapping::new()).unwrap();
        let info = RunInfo::new(&p, as_of, run_at, "test");
        let mut rec: Box<dyn RunRecorder> = Box::new(PgRecorder::begin(&url, info).unwrap());
        while let Some(c) = source.next_chunk(1).unwrap() {
            for d in p.run(&c.batch, as_of, &Default::default()).decisions() {
                rec.decision(&entitle_core::json::decision_to_json(&d.unwrap()))
                    .unwrap();
            }
            for e in &c.errors {
                rec.error(&ErrorRecord::from(e)).unwrap();
            }
        }
        rec.error(&ErrorRecord {
            file: "res_partner".into(),
            line: 9,
            column: None,
            unit_id: Some("X".into()),
            member_id: None,
            code: "G0101".into(),
            message: "test".into(),
        })
        .unwrap();
        if commit {
            Some(rec.commit(&source.counts()).unwrap())
        } else {
            None
        }
    };
    let count = |c: &mut postgres::Client, table: &str| -> i64 {
        c.query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .unwrap()
            .get(0)
    };
    let first = record("2026-03-02T08:00:00Z", as_of(), true).unwrap();
    assert_eq!((first.decisions, first.errors, first.replaced), (2, 1, 0));
    let again = record("2026-03-03T08:00:00Z", as_of(), true).unwrap();
    assert_eq!((again.decisions, again.replaced), (2, 2));
    assert_eq!(
        count(&mut client, "entitle_decision"),
        2,
        "replaced, not duplicated"
    );
    assert_eq!(count(&mut client, "entitle_row_error"), 1);
    let run_at: String = client
        .query_one("SELECT run_at::text FROM entitle_run", &[])
        .unwrap()
        .get(0);
    assert_eq!(run_at, "2026-03-03 08:00:00+00");
    // Another as-of date is another run.
    record("2026-04-02T08:00:00Z", as_of().succ_opt().unwrap(), true).unwrap();
    assert_eq!(count(&mut client, "entitle_decision"), 4);
    // A recording dropped before its commit changes nothing.
    record("2026-03-04T08:00:00Z", as_of(), false);
    assert_eq!(count(&mut client, "entitle_decision"), 4);
    let row = client
        .query_one(
            "SELECT decision, cash_total::text, rules->>0, record->'cash'->>'total' FROM entitle_decision
             WHERE as_of = '2026-03-01' ORDER BY unit_id LIMIT 1",
            &[],
        )
        .unwrap();
    let (decision, total, rule, json_total): (String, String, String, String) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    assert_eq!(
        (decision.as_str(), total.as_str(), json_total.as_str()),
        ("eligible", "2300", "2300")
    );
    assert_eq!(rule, "has_child:met");
    // A decision of another run is refused.
    let mut rec = PgRecorder::begin(&url, RunInfo::new(&p, as_of(), "x", "t")).unwrap();
    let other = serde_json::json!({"unit_id": "Z", "program": {"hash": "sha256:other"}, "as_of": "2026-03-01", "decision": "eligible"});
    assert_eq!(rec.decision(&other).unwrap_err().code(), "G0009");
}
