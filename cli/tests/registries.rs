//! `--registry sqlite:…`, `postgres://…` and `dci:…`, `entitle import`, `--map` and `--record`.
//! (PostgreSQL through the command is exercised by scripts/test-postgres.sh, which has a server.)

mod common;

use common::*;
use std::path::Path;

fn sorted_lines(path: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

#[test]
fn an_imported_store_gives_the_same_decisions_and_errors_as_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.db");
    let store = format!("sqlite:{}", db.display());
    let r = ran(&["import", "examples/registry", "--to", &store]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("groups.csv (groups: 3,001 rows, 13 columns), ")
            && r.stdout
                .contains("members.csv (members: 12,530 rows, 15 columns)"),
        "{}",
        r.stdout
    );
    let files = dir.path().join("files");
    let from_store = dir.path().join("store");
    assert_eq!(
        run_child_grant("examples/registry", files.to_str().unwrap(), &[]).code,
        0
    );
    let r = run_child_grant(&store, from_store.to_str().unwrap(), &["--record"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("recorded 2992 decisions and 11 error records in sqlite:"),
        "{}",
        r.stderr
    );
    // The same bytes: the store streams units in id order, as the example files are.
    for name in ["decisions.jsonl", "decisions.csv"] {
        assert_eq!(
            std::fs::read(files.join(name)).unwrap(),
            std::fs::read(from_store.join(name)).unwrap(),
            "{name}"
        );
    }
    // The same error records, with the files' own names and lines (in another order: the store
    // reads a member row without a group id first).
    assert_eq!(
        sorted_lines(&files.join("errors.csv")),
        sorted_lines(&from_store.join("errors.csv"))
    );
    // Running again replaces the recorded run.
    let again = dir.path().join("again");
    let r = run_child_grant(&store, again.to_str().unwrap(), &["--record"]);
    assert!(
        r.stderr.contains("replacing 2992 earlier decisions"),
        "{}",
        r.stderr
    );
    assert_eq!(runs(&db), [("2026-03-01".to_string(), 2992)]);
    // explain reads one unit of the store.
    let r = ran(&[
        "explain",
        CHILD_GRANT,
        "--registry",
        &store,
        "--as-of",
        "2026-03-01",
        "--id",
        "H0000004",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("Child Support Grant — H0000004 — 2026-03-01"),
        "{}",
        r.stdout
    );
}

/// The runs recorded in a store: as-of date and decisions.
fn runs(db: &Path) -> Vec<(String, u64)> {
    let store = entitle_registry::sqlite::SqliteStore::open(db).unwrap();
    store
        .runs()
        .unwrap()
        .into_iter()
        .map(|r| (r.as_of, r.decisions))
        .collect()
}

#[test]
fn decisions_from_files_can_be_recorded_in_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let reg = registry(&dir.path().join("reg"), GROUPS, MEMBERS);
    let db = dir.path().join("runs.db");
    let out = dir.path().join("out");
    let r = run_child_grant(
        &reg,
        out.to_str().unwrap(),
        &["--record", &format!("sqlite:{}", db.display())],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(runs(&db), [("2026-03-01".to_string(), 3)]);
}

#[test]
fn a_run_over_the_store_is_paid_with_payees_and_ledger_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.db");
    let store = format!("sqlite:{}", db.display());
    assert_eq!(
        ran(&["import", "examples/registry", "--to", &store]).code,
        0
    );
    let run = dir.path().join("run");
    let r = run_child_grant(&store, run.to_str().unwrap(), &["--record"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pay = |run: &Path, ledger: &Path, out: &str| {
        let out = dir.path().join(out);
        let r = pay_run(
            run,
            "ph-ee",
            "examples/payer.toml",
            &out,
            &["--ledger", ledger.to_str().unwrap()],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        entitle_payments::SqliteLedger::open(ledger)
            .unwrap()
            .entries()
            .unwrap()
    };
    // The payees come from the store's members (the head's `account`), and the references go into
    // the store's own ledger table, beside the recorded decisions: the same payments as from files.
    let from_store = pay(&run, &db, "pay-store");
    let files_run = dir.path().join("files-run");
    assert_eq!(
        run_child_grant("examples/registry", files_run.to_str().unwrap(), &[]).code,
        0
    );
    let from_files = pay(&files_run, &dir.path().join("ledger.db"), "pay-files");
    let key = |e: &entitle_payments::LedgerEntry| {
        (e.unit_id.clone(), e.amount.clone(), e.reference.clone())
    };
    assert!(!from_store.is_empty());
    assert_eq!(
        from_store.iter().map(key).collect::<Vec<_>>(),
        from_files.iter().map(key).collect::<Vec<_>>()
    );
    assert_eq!(runs(&db), [("2026-03-01".to_string(), 2992)]);
}

#[test]
fn dci_responses_are_a_registry() {
    let dir = tempfile::tempdir().unwrap();
    let response = root().join("registry-adapters/tests/data/dci/households.json");
    let reg = format!("dci:{}", response.display());
    let out = dir.path().join("out");
    let r = run_child_grant(&reg, out.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("(DCI search response): 3 households, 6 member rows"),
        "{}",
        r.stdout
    );
    let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
    assert!(
        errors.contains("households.json,3,birthdate,G-003,N-300,G0101"),
        "{errors}"
    );
    let r = ran(&[
        "explain",
        CHILD_GRANT,
        "--registry",
        &reg,
        "--as-of",
        "2026-03-01",
        "--id",
        "G-001",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"total\": \"2800\""), "{}", r.stdout);
}

#[test]
fn registry_problems_stop_with_a_coded_message_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let reg = registry(&dir.path().join("reg"), GROUPS, MEMBERS);
    let request = root().join("registry-adapters/tests/data/dci/processflow1-1req.json");
    let not_a_store = dir.path().join("notes.db");
    std::fs::write(
        &not_a_store,
        "a text file that is long enough to be looked at by SQLite's header check",
    )
    .unwrap();
    let rows: Vec<(Vec<String>, &str)> = vec![
        (
            vec![format!("dci:{}", request.display())],
            "this is a search request, not a response [G0013]",
        ),
        (
            vec!["postgres://entitle:secret@127.0.0.1:1/registry".into()],
            "postgres://entitle@127.0.0.1:1/registry: cannot connect",
        ),
        (
            vec![reg.clone(), "--map".into(), "region=x".into()],
            "a mapping applies to PostgreSQL and DCI registries",
        ),
        (
            vec![reg.clone(), "--record".into()],
            "decisions can be recorded in a database only",
        ),
        (
            vec![format!("sqlite:{}", dir.path().join("empty.db").display())],
            "there is no store here; make one with `entitle import",
        ),
        (vec![format!("sqlite:{}", not_a_store.display())], "[G0009]"),
        (
            vec![
                format!("dci:{}", request.display()),
                "--map".into(),
                "regoin=x".into(),
            ],
            "did you mean `region`? [G0015]",
        ),
    ];
    for (extra, needle) in rows {
        let mut args = vec!["run", CHILD_GRANT, "--registry"];
        args.extend(extra.iter().map(String::as_str));
        args.extend([
            "--as-of",
            "2026-03-01",
            "--out",
            out.to_str().unwrap(),
            "--no-progress",
        ]);
        let r = ran(&args);
        assert_eq!(r.code, 2, "{extra:?}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{extra:?}: {}", r.stderr);
        assert!(!r.stderr.contains("secret"), "{}", r.stderr);
        assert!(files_in(&out).is_empty(), "{extra:?}: nothing written");
    }
    let r = ran(&["import", &reg, "--to", "postgres://x/y"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`--to` takes a SQLite store"),
        "{}",
        r.stderr
    );
    let r = ran(&[
        "import",
        &dir.path().join("nothing").display().to_string(),
        "--to",
        "sqlite:x.db",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("[G0001]"), "{}", r.stderr);
}

#[test]
fn an_input_left_at_its_default_for_want_of_a_column_is_said_before_the_figures() {
    // `disabled` spelt `disabeld`: M2 is disabled, but every member would take the default.
    let dir = tempfile::tempdir().unwrap();
    let members = MEMBERS
        .replace("birthdate,disabled", "birthdate,disabeld")
        .replace(
            "M2,H1,child,2020-05-01,,2020-05-01,",
            "M2,H1,child,2020-05-01,,2020-05-01,true",
        );
    let groups = GROUPS
        .replace(",enrolled_in_pension", "")
        .replace(",false\n", "\n")
        .replace(",no\n", "\n");
    let reg = registry(&dir.path().join("reg"), &groups, &members);
    let out = dir.path().join("out");
    let r = run_child_grant(&reg, out.to_str().unwrap(), &["--no-progress"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let members_csv = format!("{reg}/members.csv");
    let groups_csv = format!("{reg}/groups.csv");
    assert!(
        r.stderr.contains(&format!(
            "warning: {members_csv}: no column `disabled`: every member takes the program's default, false; did you mean `disabeld`? (nothing reads it: name it `disabled`)\n"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "warning: {groups_csv}: no column `enrolled_in_pension`: every unit takes the program's default, false\n"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(
        summary(&out)["defaults_for_absent_columns"],
        serde_json::json!([
            {"file": groups_csv, "input": "enrolled_in_pension", "scope": "unit", "default": "false", "closest_column": null},
            {"file": members_csv, "input": "disabled", "scope": "member", "default": "false", "closest_column": "disabeld"},
        ])
    );
    // The same in French; summary.json does not change with the locale.
    let before = std::fs::read(out.join("summary.json")).unwrap();
    let r = run_child_grant(
        &reg,
        out.to_str().unwrap(),
        &["--no-progress", "--force", "--locale", "fr"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{members_csv} : pas de colonne `disabled` : chaque membre prend la valeur par défaut du programme, false ; vouliez-vous dire `disabeld` ? (rien ne la lit : nommez-la `disabled`)\n"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
    // A registry with every column: nothing said, an empty list.
    let reg = registry(&dir.path().join("whole"), GROUPS, MEMBERS);
    let r = run_child_grant(
        &reg,
        dir.path().join("o2").to_str().unwrap(),
        &["--no-progress"],
    );
    assert!(!r.stderr.contains("no column"), "{}", r.stderr);
    assert_eq!(
        summary(&dir.path().join("o2"))["defaults_for_absent_columns"],
        serde_json::json!([])
    );
}

#[test]
fn json_lines_name_an_input_no_row_has_once_read() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("reg");
    std::fs::create_dir_all(&reg).unwrap();
    std::fs::write(
        reg.join("groups.jsonl"),
        "{\"id\":\"H1\",\"region\":\"North\",\"monthly_income\":1000,\"enrolled_in_pension\":false}\n",
    )
    .unwrap();
    std::fs::write(
        reg.join("members.jsonl"),
        "{\"id\":\"M1\",\"group_id\":\"H1\",\"kind\":\"head\",\"birthdate\":\"1980-01-01\",\"disabeld\":false}\n\
         {\"id\":\"M2\",\"group_id\":\"H1\",\"kind\":\"child\",\"birthdate\":\"2020-01-01\",\"disabeld\":true}\n",
    )
    .unwrap();
    let members = reg.join("members.jsonl").display().to_string();
    let out = dir.path().join("out");
    let reg = reg.display().to_string();
    let r = run_child_grant(&reg, out.to_str().unwrap(), &["--no-progress"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let warning = format!(
        "warning: {members}: no column `disabled`: every member takes the program's default, false; did you mean `disabeld`? (nothing reads it: name it `disabled`)\n"
    );
    assert_eq!(r.stderr.matches(&warning).count(), 1, "{}", r.stderr);
    assert_eq!(
        summary(&out)["defaults_for_absent_columns"],
        serde_json::json!([{"file": members, "input": "disabled", "scope": "member", "default": "false", "closest_column": "disabeld"}])
    );
    // The child's disability is not counted: base 1500 + one child 500.
    assert_eq!(summary(&out)["totals"]["cash"][0]["total"], "2000");
    for args in [
        vec![
            "explain",
            CHILD_GRANT,
            "--registry",
            &reg,
            "--as-of",
            "2026-03-01",
            "--id",
            "H1",
        ],
        vec![
            "simulate",
            CHILD_GRANT,
            "--registry",
            &reg,
            "--as-of",
            "2026-03-01",
        ],
    ] {
        let r = ran(&args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert_eq!(
            r.stderr.matches(&warning).count(),
            1,
            "{args:?}: {}",
            r.stderr
        );
    }
    // The run model's JSON says it too: `simulate --format json` and a cycle's summary.json.
    let absent = serde_json::json!([{"file": members, "input": "disabled", "scope": "member", "default": "false", "closest_column": "disabeld"}]);
    let r = ran(&[
        "simulate",
        CHILD_GRANT,
        "--registry",
        &reg,
        "--as-of",
        "2026-03-01",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["defaults_for_absent_columns"], absent);
    let cycle_out = dir.path().join("cycle");
    let r = ran(&[
        "cycle",
        CHILD_GRANT,
        "--registry",
        &reg,
        "--as-of",
        "2026-03-01",
        "--out",
        cycle_out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(summary(&cycle_out)["defaults_for_absent_columns"], absent);
}
