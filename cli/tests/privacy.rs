//! Privacy: what the command line prints and writes about rows and units that fail (error
//! records, summaries, warnings on stderr, explanations of failing units, the SQLite store's error
//! records, payment exceptions) names units, rows, columns and codes, never a registrant's values.
//! Recognisable values are seeded into bad rows and failing units, and every output is searched
//! for them.

mod common;

use common::{pay_run, ran, registry, run_child_grant, Ran, CHILD_GRANT};
use std::path::Path;

/// Values seeded into the registries below; none may appear in an error, a warning or a summary.
const SECRETS: [&str; 4] = ["SECRET-4242", "1901-02-03", "987654.321", "2031-02-03"];

const GROUPS: &str = "\
id,region,monthly_income,enrolled_in_pension
H01,North,SECRET-4242,false
H02,SECRET-4242,987654.321,false
H03,North,987654.321,SECRET-4242
H04,North,987654.321,false
H05,North,1901-02-03,false,SECRET-4242
H06,North,987654.321,false
H06,North,987654.321,false
H07,North,2000,false
H08,North,987654.321,false
H09,North,USD 987654.321,false
\"H10,North,\"\"SECRET-4242,1901-02-03
";

const MEMBERS: &str = "\
id,group_id,kind,start_date,end_date,birthdate,disabled,account,name
M01,H01,head,,,1901-02-03,false,mobile:0700000001@mpesa,SECRET-4242 Name
M02,H02,head,,,1901-02-03,false,,
M03,H03,head,,,SECRET-4242,false,,
M04,H99,head,,,1901-02-03,false,,SECRET-4242
M05,H06,head,SECRET-4242,,1901-02-03,false,,
M06,H06,child,,,2031-02-03,987654.321,,
M07,H07,head,,,1901-02-03,false,SECRET-4242,SECRET-4242 Name
M08,H07,child,,,2020-01-01,false,,
M09,H09,head,,,1901-02-03,false,,
M10,H09,head,1901-02-03,1901-02-03,1901-02-03,SECRET-4242,,
";

fn assert_clean(what: &str, text: &str) {
    for s in SECRETS {
        assert!(
            !text.contains(s),
            "{what} contains the registrant value {s}:\n{text}"
        );
    }
}

fn assert_ran_clean(what: &str, r: &Ran) {
    assert_clean(&format!("{what}: stdout"), &r.stdout);
    assert_clean(&format!("{what}: stderr"), &r.stderr);
}

/// Every file of a directory (recursively) checked.
fn assert_dir_clean(what: &str, dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            n += assert_dir_clean(what, &p);
        } else {
            assert_clean(
                &format!("{what}: {}", p.display()),
                &String::from_utf8_lossy(&std::fs::read(&p).unwrap()),
            );
            n += 1;
        }
    }
    n
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
    dir.join(name).display().to_string()
}

fn run(registry: &str, out: &Path, extra: &[&str]) -> Ran {
    let out = out.display().to_string();
    let mut args = vec![
        "run",
        CHILD_GRANT,
        "--registry",
        registry,
        "--as-of",
        "2026-03-01",
        "--out",
        &out,
        "--no-progress",
    ];
    args.extend_from_slice(extra);
    ran(&args)
}

#[test]
fn csv_rows_and_units_that_fail_are_reported_without_their_values() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = tmp.path().join("registry");
    write(&reg, "groups.csv", GROUPS);
    write(&reg, "members.csv", MEMBERS);
    let registry = reg.display().to_string();

    let out = tmp.path().join("out");
    let r = run(&registry, &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ran_clean("run", &r);
    assert!(
        r.stderr.contains("warning"),
        "the first error records are shown on stderr: {}",
        r.stderr
    );
    // Without explanations, no output holds an input value, errors or not.
    assert_eq!(assert_dir_clean("run", &out), 4);
    let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
    for (unit_or_row, code) in [
        ("H01", "G0101"),
        ("H02", "G0102"),
        ("H03", "G0101"),
        ("H99", "G0107"),
        ("H06", "G0106"),
        ("H04", "R0001"),
    ] {
        assert!(
            errors
                .lines()
                .any(|l| l.contains(unit_or_row) && l.contains(code)),
            "no {code} for {unit_or_row} in:\n{errors}"
        );
    }

    // With explanations, decisions give the values that decided them (that is their point), but
    // error records, the summary and the messages still do not.
    let explained = tmp.path().join("explained");
    let r = run(&registry, &explained, &["--explain", "--locale", "fr"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ran_clean("run --explain", &r);
    for name in ["errors.csv", "summary.json"] {
        assert_clean(
            name,
            &std::fs::read_to_string(explained.join(name)).unwrap(),
        );
    }

    // A failing unit explained on its own: the reason, not the value.
    for id in ["H01", "H02", "H03", "H06", "H09", "H10"] {
        let r = ran(&[
            "explain",
            CHILD_GRANT,
            "--registry",
            &registry,
            "--as-of",
            "2026-03-01",
            "--id",
            id,
        ]);
        assert_ran_clean(&format!("explain --id {id}"), &r);
        let json = ran(&[
            "explain",
            CHILD_GRANT,
            "--registry",
            &registry,
            "--as-of",
            "2026-03-01",
            "--id",
            id,
            "--format",
            "json",
        ]);
        assert_clean(
            &format!("explain --id {id} --format json: stderr"),
            &json.stderr,
        );
    }
}

#[test]
fn jsonl_and_dci_rows_that_fail_are_reported_without_their_values() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = tmp.path().join("jsonl");
    write(
        &reg,
        "groups.jsonl",
        concat!(
            "{\"id\": \"J1\", \"region\": \"North\", \"monthly_income\": \"SECRET-4242\"}\n",
            "{\"id\": \"J2\", \"region\": \"North\", \"monthly_income\": {\"SECRET-4242\": 987654.321}}\n",
            "{\"id\": \"J3\", \"region\": \"SECRET-4242\", \"monthly_income\": 987654.321\n",
            "[\"SECRET-4242\", \"1901-02-03\"]\n",
            "{\"id\": {\"SECRET-4242\": \"1901-02-03\"}, \"monthly_income\": 987654.321}\n",
            "{\"id\": \"J4\", \"region\": \"North\", \"monthly_income\": 987654.321, \"enrolled_in_pension\": \"SECRET-4242\"}\n",
        ),
    );
    write(
        &reg,
        "members.jsonl",
        concat!(
            "{\"id\": \"N1\", \"group_id\": \"J1\", \"kind\": \"head\", \"birthdate\": \"1901-02-03\"}\n",
            "{\"id\": \"N2\", \"group_id\": \"J4\", \"kind\": \"head\", \"birthdate\": \"SECRET-4242\"}\n",
            "{\"id\": \"N3\", \"group_id\": \"J4\", \"kind\": \"child\", \"birthdate\": 19010203, \"disabled\": \"987654.321\"}\n",
            "{\"id\": \"N4\", \"group_id\": \"J4\", \"kind\": \"child\", \"birthdate\": \"2031-02-03\", \"start_date\": \"SECRET-4242\"}\n",
            "{\"id\": \"N5\", \"group_id\": \"J9\", \"birthdate\": \"1901-02-03\"\n",
        ),
    );
    let out = tmp.path().join("out");
    let r = run(&reg.display().to_string(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ran_clean("run (JSON Lines)", &r);
    assert_dir_clean("run (JSON Lines)", &out);
    let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
    assert!(
        errors.lines().count() >= 6,
        "every bad row is an error record:\n{errors}"
    );

    let dci = write(
        &tmp.path().join("dci"),
        "on-search.json",
        r#"{"header": {"action": "on-search"}, "message": {"search_response": [{"status": "succ", "data": {"reg_records": [
            {"group_identifier": "G1", "additional_attributes": [{"name": "region", "value": "SECRET-4242"}, {"name": "monthly_income", "value": "987654.321"}],
             "member_list": [{"member_identifier": "D1", "relationship_head": "self", "demographic_info": {"birth_date": "1901-02-03"}}]},
            {"group_identifier": "G2", "additional_attributes": [{"name": "monthly_income", "value": "SECRET-4242"}],
             "member_list": [{"member_identifier": "D2", "relationship_head": "self", "demographic_info": {"birth_date": "SECRET-4242"}, "is_disabled": "987654.321"}]},
            "SECRET-4242",
            {"group_identifier": "G3", "additional_attributes": [{"name": "monthly_income", "value": "987654.321"}],
             "member_list": [{"member_identifier": "D3", "demographic_info": {"birth_date": "2031-02-03"}}, "1901-02-03"]}
        ]}}]}}"#,
    );
    let out = tmp.path().join("dci-out");
    let r = run(&format!("dci:{dci}"), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ran_clean("run (DCI)", &r);
    assert_dir_clean("run (DCI)", &out);
}

#[test]
fn the_store_records_errors_without_values_and_payment_exceptions_name_only_units() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = tmp.path().join("registry");
    write(&reg, "groups.csv", GROUPS);
    write(&reg, "members.csv", MEMBERS);
    let db = tmp.path().join("store.db");
    let store = format!("sqlite:{}", db.display());
    let r = ran(&["import", &reg.display().to_string(), "--to", &store]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ran_clean("import", &r);

    let out = tmp.path().join("out");
    let r = run(&store, &out, &["--record"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ran_clean("run --record", &r);
    assert_dir_clean("run (SQLite)", &out);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare("SELECT file, line, column_name, unit_id, member_id, code, message FROM row_error")
        .unwrap();
    let rows: Vec<String> = stmt
        .query_map([], |r| {
            Ok((0..7)
                .map(|i| {
                    r.get::<_, Option<rusqlite::types::Value>>(i)
                        .map(|v| format!("{v:?}"))
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join(" | "))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        rows.len() >= 6,
        "the store keeps every error record: {rows:?}"
    );
    assert_clean("the store's row_error table", &rows.join("\n"));

    // Payments: H07 is the only payable unit and its head's account is malformed: an export that
    // would pay no one because of malformed values stops, naming the unit and the reason.
    let payer = write(
        tmp.path(),
        "payer.toml",
        "name = \"Ministry\"\n[g2p_connect]\nsender_id = \"spmis.example.gov\"\npayer_fa = \"account:1001@treasury\"\n[payees]\nfrom = \"registry\"\ncolumn = \"account\"\nname_column = \"name\"\nkind = \"head\"\n",
    );
    let files = tmp.path().join("files-out");
    let r = run(&reg.display().to_string(), &files, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let payments = tmp.path().join("payments");
    let r = pay_run(&files, "g2p-connect", &payer, &payments, &[]);
    assert_ran_clean("pay", &r);
    assert!(
        r.code != 0
            && r.stderr.contains("first: unit H07")
            && r.stderr.contains("malformed_payee_address 1")
            && r.stderr.contains("P0008"),
        "a malformed account left alone to pay stops the export, naming the unit: {}",
        r.stderr
    );
    assert!(
        !payments.exists(),
        "nothing is written when the export stops"
    );
    // A payee without an account is an exception, named by its unit only.
    let mapper = write(
        tmp.path(),
        "accounts.csv",
        "unit_id,financial_address,name\nH07,,SECRET-4242 Name\n",
    );
    let r = pay_run(
        &files,
        "g2p-connect",
        &payer,
        &payments,
        &["--account-mapper", &mapper],
    );
    assert_ran_clean("pay --account-mapper", &r);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let exceptions = std::fs::read_to_string(payments.join("g2p-connect-exceptions.csv")).unwrap();
    assert!(exceptions.contains("H07"), "{exceptions}");
    assert_dir_clean("pay --account-mapper", &payments);
}

/// A registrant's id that starts like a spreadsheet formula (`=1+2`, `@SUM(A1)`) is written as
/// text (`'=1+2`) in the CSV files people open (decisions, errors, a cycle's run, payment
/// exceptions), so that opening them runs nothing, and one that starts with `'` gets one more
/// (`''=1+2`), so that two ids never share a cell; decisions.jsonl, which machines read, keeps the
/// id as it is.
#[test]
fn ids_that_start_like_formulas_are_text_in_the_csv_files_people_open() {
    let dir = tempfile::tempdir().unwrap();
    let reg = registry(
        &dir.path().join("reg"),
        "id,region,monthly_income,enrolled_in_pension\n=1+2,North,100,false\n@SUM(A1),North,lots,false\n-5,North,100,false\n'=1+2,North,100,false\n",
        "id,group_id,kind,start_date,end_date,birthdate,disabled\nM1,=1+2,head,,,1990-01-01,\nM2,=1+2,child,,,2020-01-01,\n+cmd|x,@SUM(A1),head,,,1990-01-01,\nM4,-5,head,,,1990-01-01,\nM5,'=1+2,head,,,1990-01-01,\nM6,'=1+2,child,,,2020-01-01,\n",
    );
    let out = dir.path().join("out");
    let r = run_child_grant(&reg, out.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let decisions = std::fs::read_to_string(out.join("decisions.csv")).unwrap();
    assert!(decisions.contains("\n'=1+2,eligible,"), "{decisions}");
    // An id that starts with `'` gets one more: it stays apart from the id `=1+2`.
    assert!(decisions.contains("\n''=1+2,eligible,"), "{decisions}");
    // A plain number stays a number.
    assert!(decisions.contains("\n-5,not_eligible,"), "{decisions}");
    let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
    assert!(
        errors.contains(",monthly_income,'@SUM(A1),,G0101,"),
        "{errors}"
    );
    let jsonl = std::fs::read_to_string(out.join("decisions.jsonl")).unwrap();
    assert!(jsonl.contains("\"unit_id\":\"=1+2\""), "{jsonl}");
    // The payment exceptions (no payee for the eligible unit).
    let mapper = dir.path().join("mapper.csv");
    std::fs::write(&mapper, "unit_id,financial_address\n").unwrap();
    let payer = dir.path().join("payer.toml");
    std::fs::write(
        &payer,
        "name = \"Ministry\"\n[g2p_connect]\nsender_id = \"spmis.example.gov\"\npayer_fa = \"account:1001@treasury\"\n",
    )
    .unwrap();
    let pay = dir.path().join("pay");
    let r = pay_run(
        &out,
        "g2p-connect",
        payer.to_str().unwrap(),
        &pay,
        &["--account-mapper", mapper.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let exceptions = std::fs::read_to_string(pay.join("g2p-connect-exceptions.csv")).unwrap();
    assert!(exceptions.contains("\n'=1+2,"), "{exceptions}");
    assert!(exceptions.contains("\n''=1+2,"), "{exceptions}");
    // A cycle's run.csv.
    let cycle = dir.path().join("cycle");
    let r = ran(&[
        "cycle",
        CHILD_GRANT,
        "--registry",
        &reg,
        "--as-of",
        "2026-03-01",
        "--out",
        cycle.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let run = std::fs::read_to_string(cycle.join("run.csv")).unwrap();
    assert!(run.contains("\n'=1+2,eligible,"), "{run}");
    assert!(run.contains("\n''=1+2,eligible,"), "{run}");
}
