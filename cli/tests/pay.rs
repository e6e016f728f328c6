//! `entitle pay`: runs and cycles exported as disbursement files, and the checks that stop an
//! export before anything is written.

mod common;
use common::*;

/// The child grant's run (`DIR/run`) over the registry `groups`/`members` (written in `DIR/reg`).
fn registry_run(dir: &std::path::Path, groups: &str, members: &str) -> std::path::PathBuf {
    let reg = registry(&dir.join("reg"), groups, members);
    let run = dir.join("run");
    let r = run_child_grant(&reg, run.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    run
}

/// A payer file `DIR/NAME` holding `toml`.
fn payer_file(dir: &std::path::Path, name: &str, toml: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, toml).unwrap();
    path
}

/// `entitle pay RUN --format FORMAT --payer examples/payer.toml --out OUT`.
fn pay(run: &std::path::Path, format: &str, out: &std::path::Path) -> Ran {
    pay_run(run, format, "examples/payer.toml", out, &[])
}

#[test]
fn pay_exports_a_run_with_payees_from_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let r = run_child_grant("examples/registry", run.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = dir.path().join("pay");
    let r = pay(&run, "g2p-connect", &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let manifest = manifest(&out, "g2p-connect");
    let counts = &manifest["counts"];
    let payable = counts["payable"].as_u64().unwrap();
    let run_counts = &summary(&run)["counts"];
    assert_eq!(payable, run_counts["eligible"].as_u64().unwrap());
    // The units `entitle run` could not decide (in errors.csv, not decisions.jsonl) are counted,
    // so the manifest reconciles with the run's summary: 3001 units, 2992 decisions, 9 errors.
    assert_eq!(
        (&counts["units"], &counts["unit_errors"]),
        (&3001.into(), &9.into())
    );
    assert_eq!(
        (&run_counts["units"], &run_counts["errors"]),
        (&counts["units"], &counts["unit_errors"])
    );
    let sum = ["payable", "not_payable", "unit_errors"].map(|k| counts[k].as_u64().unwrap());
    assert_eq!(sum.iter().sum::<u64>(), 3001);
    assert_eq!(
        counts["exported"].as_u64().unwrap() + counts["exceptions"].as_u64().unwrap(),
        payable
    );
    assert!(
        counts["exported"].as_u64().unwrap() > payable / 2,
        "most heads have an account: {counts}"
    );
    let batch = std::fs::read_to_string(out.join("g2p-connect-001.json")).unwrap();
    assert!(batch.contains("@mpesa"));
    // Again without --force: refused, nothing changed.
    let before = std::fs::read(out.join("g2p-connect-001.json")).unwrap();
    let r = pay(&run, "g2p-connect", &out);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("already exists; pass --force to overwrite it [P0011]"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read(out.join("g2p-connect-001.json")).unwrap(),
        before
    );
    let r = pay(&run, "swift", &out);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("swift"), "{}", r.stderr);
}

/// A mistake in the payer file is reported at its line and column in that file, whether it is in
/// the payments settings or in `[payees]`, with the comments above it counted.
#[test]
fn pay_reports_a_bad_payer_file_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let r = run_child_grant("examples/registry", run.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/payer.toml"
    ))
    .unwrap();
    let cases = [
        (
            "sender_id = ",
            "sender = ",
            "line 8, column 1: unknown field `sender`",
            "[P0003]",
        ),
        (
            "payment_mode = \"MOJALOOP\"",
            "payment_mode = 3",
            "line 12, column 16: invalid type: integer `3`",
            "[P0003]",
        ),
        (
            "column = \"account\"",
            "colum = \"account\"",
            "[payees]: line 20, column 1: unknown field `colum`",
            "",
        ),
        (
            "kind = \"head\"",
            "kind = \"head",
            "line 22, column 13: invalid basic string",
            "[P0003]",
        ),
    ];
    for (from, to, says, code) in cases {
        assert!(example.contains(from), "{from}");
        let payer = dir.path().join("payer.toml");
        std::fs::write(&payer, example.replacen(from, to, 1)).unwrap();
        let out = dir.path().join("pay");
        let r = pay_run(&run, "g2p-connect", payer.to_str().unwrap(), &out, &[]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("payer.toml: "), "{}", r.stderr);
        assert!(r.stderr.contains(says), "{says}: {}", r.stderr);
        assert!(r.stderr.contains(code), "{}", r.stderr);
        assert!(!out.exists());
    }
}

/// A decisions file cut short (the tester's repro: a copy of the first lines only) would pay part
/// of the run and lose the rest without a word: refused against the summary, nothing written.
#[test]
fn pay_refuses_decisions_that_do_not_match_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let r = run_child_grant("examples/registry", run.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = summary(&run);
    let part = dir.path().join("part");
    std::fs::create_dir(&part).unwrap();
    std::fs::copy(run.join("summary.json"), part.join("summary.json")).unwrap();
    let lines = std::fs::read_to_string(run.join("decisions.jsonl")).unwrap();
    let first: Vec<&str> = lines.lines().take(1000).collect();
    std::fs::write(part.join("decisions.jsonl"), first.join("\n") + "\n").unwrap();

    let out = dir.path().join("pay");
    let r = pay(&part, "g2p-connect", &out);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let decisions = s["counts"]["decisions"].as_u64().unwrap();
    assert!(r.stderr.contains("[P0002]"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("1000 decisions, the summary counts {decisions}")),
        "{}",
        r.stderr
    );
    assert!(!out.exists(), "nothing is written");

    // Every line, but one of them decided at another date.
    let shifted = lines.replacen("\"as_of\":\"2026-03-01\"", "\"as_of\":\"2026-02-01\"", 1);
    std::fs::write(part.join("decisions.jsonl"), shifted).unwrap();
    let r = pay(&part, "g2p-connect", &out);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("line 1: unit ")
            && r.stderr
                .contains("was decided as of 2026-02-01, but summary.json is as of 2026-03-01")
            && r.stderr.contains("[P0002]"),
        "{}",
        r.stderr
    );

    // The whole file is paid.
    std::fs::write(part.join("decisions.jsonl"), lines).unwrap();
    let r = pay(&part, "g2p-connect", &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// What `entitle pay` prints adds up (payable = exported + exceptions + already exported, in
/// count and money), says nothing about money when nothing is payable, and names its own flags.
#[test]
fn pay_prints_figures_that_add_up_and_names_its_flags() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let r = run_child_grant("examples/registry", run.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ledger = dir.path().join("ledger.db");
    let with = |out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        let r = pay_run(&run, "g2p-connect", "examples/payer.toml", &out, extra);
        (r, out)
    };
    let (r, out) = with("a", &["--ledger", ledger.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = manifest(&out, "g2p-connect");
    // Money is grouped by thousands, as the rest of the command line writes it.
    let grouped = |total: &serde_json::Value| {
        let (int, frac) = total.as_str().unwrap().split_once('.').unwrap();
        let digits: Vec<char> = int.chars().collect();
        let groups: Vec<String> = digits
            .rchunks(3)
            .rev()
            .map(|g| g.iter().collect())
            .collect();
        format!("{}.{frac}", groups.join(","))
    };
    let line = |label: &str, count: &serde_json::Value, total: &serde_json::Value| {
        format!("  {label:<18}{count} (KES {})\n", grouped(total))
    };
    let (c, t) = (&m["counts"], &m["totals"]);
    assert_eq!(t["payable"], "1385500.00", "the example run's total");
    assert!(
        r.stdout
            .contains("  payable           490 (KES 1,385,500.00)\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains(&line("payable", &c["payable"], &t["payable"])),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains(&line("exported", &c["exported"], &t["exported"])),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains(&line("exceptions", &c["exceptions"], &t["exceptions"])),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("already exported"), "{}", r.stdout);

    // Again, leaving out what the ledger has: the skipped units are shown.
    let (r, _) = with(
        "b",
        &["--ledger", ledger.to_str().unwrap(), "--skip-exported"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("  exported          0 (KES 0.00)\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains(&line("already exported", &c["exported"], &t["exported"])),
        "{}",
        r.stdout
    );

    // The command's flags are named as flags.
    let (r, _) = with("c", &["--reissue", "H0000001"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "invalid --reissue: unit H0000001 has no payable entitlement in this run [P0022]"
        ),
        "{}",
        r.stderr
    );
    let (r, _) = with("d", &["--cycle", "March 2026"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("invalid --cycle: must be 1 to 35"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("[P0022]"), "{}", r.stderr);

    // Nothing payable: counts without an empty currency.
    let none = dir.path().join("none");
    std::fs::create_dir(&none).unwrap();
    let s = summary(&run);
    let line = std::fs::read_to_string(run.join("decisions.jsonl"))
        .unwrap()
        .lines()
        .find(|l| l.contains("\"decision\":\"not_eligible\""))
        .unwrap()
        .to_string();
    let mut lone = s.clone();
    lone["counts"] = serde_json::json!({"decisions": 1, "eligible": 0});
    lone["totals"]["cash"] = serde_json::json!([]);
    std::fs::write(none.join("summary.json"), lone.to_string()).unwrap();
    std::fs::write(none.join("decisions.jsonl"), line + "\n").unwrap();
    let r = pay(&none, "g2p-connect", &dir.path().join("e"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("  payable           0\n  exported          0\n  exceptions        0\n"),
        "{}",
        r.stdout
    );
}

/// A payer `execution_date` before the day of the export is refused, with both dates and the
/// flag that makes an earlier day's files again, and nothing is written; without the setting, a
/// run exported after its as-of date asks for payment on the day of the export.
#[test]
fn pay_never_asks_for_an_execution_date_before_today() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let r = run_child_grant("examples/registry", run.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pay_on = |payer: &str, today: &str, out: &std::path::Path| {
        ran(&[
            "pay",
            run.to_str().unwrap(),
            "--format",
            "g2p-connect",
            "--payer",
            payer,
            "--out",
            out.to_str().unwrap(),
            "--today",
            today,
        ])
    };
    // examples/payer.toml sets no execution date: the as-of date (2026-03-01) has passed.
    let late = dir.path().join("late");
    let r = pay_on("examples/payer.toml", "2026-12-06", &late);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        manifest(&late, "g2p-connect")["execution_date"],
        "2026-12-06"
    );
    let on_time = dir.path().join("on_time");
    let r = pay_on("examples/payer.toml", "2026-02-27", &on_time);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        manifest(&on_time, "g2p-connect")["execution_date"],
        "2026-03-01"
    );
    // A date the payer set in the past is refused.
    let payer = dir.path().join("payer.toml");
    let example = std::fs::read_to_string(root().join("examples/payer.toml")).unwrap();
    std::fs::write(&payer, format!("execution_date = 2026-03-05\n{example}")).unwrap();
    let refused = dir.path().join("refused");
    let r = pay_on(payer.to_str().unwrap(), "2026-03-06", &refused);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "the requested execution date 2026-03-05 (the payer setting `execution_date`) is \
             before today, 2026-03-06; set `execution_date` in the payer configuration to today \
             or a later day, or leave it out to have payment asked for today; to make again the \
             files of an export made on an earlier day, pass --today with that day [P0023]"
        ),
        "{}",
        r.stderr
    );
    assert!(!refused.exists(), "nothing written");
}

/// A household with two current heads is not paid to the first head's account: it goes to the
/// exceptions as `several_payees`, naming the unit only, and the other households are paid.
#[test]
fn pay_sends_a_household_with_two_current_heads_to_the_exceptions() {
    let dir = tempfile::tempdir().unwrap();
    let groups = "id,region,monthly_income,enrolled_in_pension\n\
                  H1,North,5000,false\nH4,North,5000,false\n";
    let members = "id,group_id,kind,start_date,end_date,birthdate,disabled,account,name\n\
                   M1,H1,head,,,1990-01-01,false,mobile:254712000001@mpesa,First Head\n\
                   M2,H1,child,,,2020-05-01,false,,\n\
                   M8,H1,head,2025-01-01,,1988-01-01,false,mobile:254712000008@mpesa,Second Head\n\
                   M3,H4,head,,,1985-01-01,false,mobile:254712000003@mpesa,Only Head\n\
                   M4,H4,child,,,2021-01-01,false,,\n\
                   M5,H4,head,2010-01-01,2020-01-01,1960-01-01,false,mobile:254712000005@mpesa,Old Head\n";
    let run = registry_run(dir.path(), groups, members);
    assert_eq!(summary(&run)["counts"]["eligible"], 2);
    let payer = payer_file(
        dir.path(),
        "payer.toml",
        "name = \"Ministry\"\n[g2p_connect]\nsender_id = \"spmis.example.gov\"\n\
         payer_fa = \"account:1001@treasury\"\n[payees]\nfrom = \"registry\"\n\
         column = \"account\"\nname_column = \"name\"\nkind = \"head\"\n",
    );
    let out = dir.path().join("pay");
    let r = pay_run(&run, "g2p-connect", payer.to_str().unwrap(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = manifest(&out, "g2p-connect");
    assert_eq!(
        (&m["counts"]["exported"], &m["counts"]["exceptions"]),
        (&1.into(), &1.into())
    );
    let exceptions = std::fs::read_to_string(out.join("g2p-connect-exceptions.csv")).unwrap();
    assert!(exceptions.contains("\nH1,several_payees,"), "{exceptions}");
    assert!(
        !exceptions.contains("2547120000"),
        "no account: {exceptions}"
    );
    let batch = std::fs::read_to_string(out.join("g2p-connect-001.json")).unwrap();
    // H4's current head is paid (its former head's membership has ended); neither of H1's heads is.
    assert!(batch.contains("mobile:254712000003@mpesa"), "{batch}");
    for account in ["254712000001", "254712000008", "254712000005"] {
        assert!(!batch.contains(account), "{account}: {batch}");
    }
}

/// One payee's registry data that the format cannot write (here a tab inside the head's name)
/// sends that household to the exceptions with its reason, and the others are paid: the export
/// succeeds instead of refusing the whole batch.
#[test]
fn pay_sends_a_payee_with_a_control_character_to_the_exceptions() {
    let dir = tempfile::tempdir().unwrap();
    let groups = "id,region,monthly_income,enrolled_in_pension\n\
                  H1,North,5000,false\nH4,North,5000,false\n";
    let members = "id,group_id,kind,start_date,end_date,birthdate,disabled,account,name\n\
                   M1,H1,head,,,1990-01-01,false,mobile:254712000001@mpesa,\"Amina\tNjeri\"\n\
                   M2,H1,child,,,2020-05-01,false,,\n\
                   M3,H4,head,,,1985-01-01,false,mobile:254712000003@mpesa,Only Head\n\
                   M4,H4,child,,,2021-01-01,false,,\n";
    let run = registry_run(dir.path(), groups, members);
    assert_eq!(summary(&run)["counts"]["eligible"], 2);
    let payer = payer_file(
        dir.path(),
        "payer.toml",
        "name = \"Ministry\"\n[mojaloop]\npayer_fsp = \"treasury-dfsp\"\n\
         payer_identifier = \"1001\"\n[payees]\nfrom = \"registry\"\n\
         column = \"account\"\nname_column = \"name\"\nkind = \"head\"\n",
    );
    let out = dir.path().join("pay");
    let r = pay_run(&run, "mojaloop", payer.to_str().unwrap(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = manifest(&out, "mojaloop");
    assert_eq!(
        (&m["counts"]["exported"], &m["counts"]["exceptions"]),
        (&1.into(), &1.into())
    );
    let exceptions = std::fs::read_to_string(out.join("mojaloop-exceptions.csv")).unwrap();
    assert!(
        exceptions.contains("\nH1,payee_text_control_characters,"),
        "{exceptions}"
    );
    assert!(!exceptions.contains("Amina"), "no name: {exceptions}");
    let batch = std::fs::read_to_string(out.join("mojaloop-001.json")).unwrap();
    assert!(batch.contains("\"254712000003\""), "{batch}");
    assert!(!batch.contains("254712000001"), "{batch}");
}

/// A head's account with a typo (a space in the number) sends only that household to the
/// exceptions (`malformed_payee_address`), never writing the account; when every household to pay
/// has a malformed account (the names column given as the accounts column), the export stops
/// (P0008) and writes nothing.
#[test]
fn pay_sends_a_malformed_account_to_the_exceptions_and_refuses_a_batch_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let groups = "id,region,monthly_income,enrolled_in_pension\n\
                  H1,North,5000,false\nH4,North,5000,false\n";
    let members = "id,group_id,kind,start_date,end_date,birthdate,disabled,account,name\n\
                   M1,H1,head,,,1990-01-01,false,mobile:2547 1299@mpesa,Amina Njeri\n\
                   M2,H1,child,,,2020-05-01,false,,\n\
                   M3,H4,head,,,1985-01-01,false,mobile:254712000003@mpesa,Only Head\n\
                   M4,H4,child,,,2021-01-01,false,,\n";
    let run = registry_run(dir.path(), groups, members);
    let payer = |column: &str| {
        payer_file(
            dir.path(),
            &format!("payer-{column}.toml"),
            &format!(
                "name = \"Ministry\"\n[g2p_connect]\nsender_id = \"spmis.example.gov\"\n\
                 payer_fa = \"account:1001@treasury\"\n[payees]\nfrom = \"registry\"\n\
                 column = \"{column}\"\nname_column = \"name\"\nkind = \"head\"\n"
            ),
        )
    };
    let out = dir.path().join("pay");
    let accounts = payer("account");
    let r = pay_run(&run, "g2p-connect", accounts.to_str().unwrap(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = manifest(&out, "g2p-connect");
    assert_eq!(
        (&m["counts"]["exported"], &m["counts"]["exceptions"]),
        (&1.into(), &1.into())
    );
    let exceptions = std::fs::read_to_string(out.join("g2p-connect-exceptions.csv")).unwrap();
    assert!(
        exceptions.contains("\nH1,malformed_payee_address,"),
        "{exceptions}"
    );
    for (name, bytes) in std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
    {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("2547 1299"),
            "{name}: the account was written"
        );
    }
    assert!(!r.stdout.contains("2547 1299") && !r.stderr.contains("2547 1299"));

    // The names column as the accounts: no household can be paid.
    let names = payer("name");
    let refused = dir.path().join("refused");
    let r = pay_run(&run, "g2p-connect", names.to_str().unwrap(), &refused, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "none of the 2 unit(s) to pay can be exported, and 2 have a malformed payee value \
             (malformed_payee_address 2; first: unit H1)"
        ) && r.stderr.contains("[P0008]"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("Amina") && !r.stderr.contains("Only Head"));
    assert!(!refused.exists(), "nothing written");
}

/// The figures name each reason of the exceptions with its count, the most frequent first, and a
/// payer configuration without `msisdn_country_code` is named as the reason national numbers
/// were not paid.
#[test]
fn pay_counts_the_exceptions_by_reason_and_names_a_missing_country_code() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let r = run_child_grant("examples/registry", run.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let example = std::fs::read_to_string(root().join("examples/payer.toml")).unwrap();
    assert!(example.contains("msisdn_country_code = \"254\"\n"));
    let without = example.replace("msisdn_country_code = \"254\"\n", "");
    let payer = payer_file(dir.path(), "payer.toml", &without);
    let r = pay_run(
        &run,
        "ph-ee",
        payer.to_str().unwrap(),
        &dir.path().join("a"),
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(
            "  exceptions        444 (KES 1,255,100.00)\n    national_msisdn               309\n    no_financial_address          135\nnote: 309 MSISDN(s) in national form were not exported: set `msisdn_country_code`"
        ),
        "{}",
        r.stdout
    );
    let r = pay(&run, "ph-ee", &dir.path().join("b"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("\n    no_financial_address          135\n")
            && !r.stdout.contains("national")
            && !r.stdout.contains("note:"),
        "{}",
        r.stdout
    );
}
