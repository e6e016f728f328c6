//! `entitle cycle` and `entitle simulate` as a program officer meets them: what the figures leave
//! out, files that are not overwritten, comparisons that make sense, and every error listed.

mod common;
use common::{ran, CHILD_GRANT};

fn simulate(extra: &[&str]) -> common::Ran {
    let mut args = vec![
        "simulate",
        CHILD_GRANT,
        "--registry",
        "examples/registry",
        "--as-of",
        "2026-03-01",
    ];
    args.extend_from_slice(extra);
    ran(&args)
}

#[test]
fn simulate_says_what_its_figures_leave_out_and_keeps_files() {
    // The example registry has 9 rows that give no unit and 2 units that cannot be evaluated.
    let r = simulate(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "warning: 9 rows of the registry gave no unit and are not in the figures, and 2 units \
         could not be evaluated; `entitle run` lists them in errors.csv\n"
    );
    // Aggregates only: no unit's id in what it prints.
    assert!(!r.stderr.contains("H000") && !r.stdout.contains("H000"));

    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("decisions.csv");
    std::fs::write(&kept, "an earlier run's decisions\n").unwrap();
    let out = kept.to_str().unwrap();
    let r = simulate(&["--out", out]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&kept).unwrap(),
        "an earlier run's decisions\n"
    );
    let r = simulate(&["--out", out, "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&kept).unwrap()).unwrap();
    assert_eq!(doc["summary"]["overall"]["covered"].as_u64(), Some(490));
}

#[test]
fn simulate_refuses_to_compare_households_with_people() {
    let r = simulate(&["--compare", "examples/programs/old_age_pension.entitle"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.ends_with(
            "error: cannot compare examples/programs/child_grant.entitle (one decision per \
             household) with examples/programs/old_age_pension.entitle (one decision per \
             person): they decide different units\n"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn a_cycle_lists_evaluation_errors_with_the_rows_as_run_does() {
    let dir = tempfile::tempdir().unwrap();
    let (cycle, run) = (dir.path().join("cycle"), dir.path().join("run"));
    for (command, out) in [("cycle", &cycle), ("run", &run)] {
        let r = ran(&[
            command,
            CHILD_GRANT,
            "--registry",
            "examples/registry",
            "--as-of",
            "2026-03-01",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let lines = |d: &std::path::Path| {
        let mut l: Vec<String> = std::fs::read_to_string(d.join("errors.csv"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        l.sort();
        l
    };
    let got = lines(&cycle);
    assert_eq!(got, lines(&run));
    assert_eq!(got.len(), 12);
    for want in [
        "examples/registry/groups.csv,2310,,H0002308,,R0001,division by zero in `income_per_person`",
        "examples/registry/groups.csv,1617,,H0001616,,R0003,`children` computes an age from a date after the as-of date",
    ] {
        assert!(got.iter().any(|l| l == want), "{want}\n{got:#?}");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cycle.join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(
        (
            summary["rows"]["row_errors"].as_u64(),
            summary["rows"]["units_left_out"].as_u64(),
            summary["rows"]["unit_errors"].as_u64()
        ),
        (Some(9), Some(1), Some(8))
    );
}

#[test]
fn previous_states_from_a_spreadsheet_are_read_and_mistakes_named() {
    let dir = tempfile::tempdir().unwrap();
    let previous = dir.path().join("previous.csv");
    // As "CSV UTF-8" from a spreadsheet: a byte-order mark, CR LF, a capitalised state.
    std::fs::write(&previous, "\u{feff}unit_id,state\r\nH0000001,Enrolled\r\n").unwrap();
    let args = |p: &str| {
        ran(&[
            "simulate",
            CHILD_GRANT,
            "--registry",
            "examples/registry",
            "--as-of",
            "2026-03-01",
            "--previous",
            p,
            "--format",
            "json",
        ])
    };
    let r = args(previous.to_str().unwrap());
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::write(
        &previous,
        "unit_id,state\nH0000004,enrolled\nH0000004,paused\n",
    )
    .unwrap();
    let r = args(previous.to_str().unwrap());
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.ends_with(
            "previous.csv:3: the unit `H0000004` is listed twice; the first is on line 2 \
             [R0110]\n"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn simulate_refuses_to_compare_programs_paid_in_different_currencies() {
    // The same grant in euros: its total difference with the KES grant would mix currencies.
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(common::root().join(CHILD_GRANT))
        .unwrap()
        .replace("currency KES", "currency EUR")
        .replace("KES ", "EUR ");
    let eur = dir.path().join("child_grant_eur.entitle");
    std::fs::write(&eur, src).unwrap();
    let eur = eur.to_str().unwrap();
    let r = simulate(&["--compare", eur]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.ends_with(&format!(
            "error: cannot compare examples/programs/child_grant.entitle (KES) with {eur} (EUR): \
             their amounts are in different currencies\n"
        )),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    // In one currency the comparison runs.
    let r = simulate(&["--compare", CHILD_GRANT]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn simulate_over_a_registry_without_units_says_so_without_empty_brackets() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["groups.csv", "members.csv"] {
        let text =
            std::fs::read_to_string(common::root().join("examples/registry").join(file)).unwrap();
        let header = text.lines().next().unwrap_or_default();
        std::fs::write(dir.path().join(file), format!("{header}\n")).unwrap();
    }
    let r = ran(&[
        "simulate",
        CHILD_GRANT,
        "--registry",
        dir.path().to_str().unwrap(),
        "--as-of",
        "2026-03-01",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("child_grant as of 2026-03-01: 0 units\n  selected 0,"),
        "{}",
        r.stdout
    );
}

/// The audit's repro: H2 is enrolled in February; in March its row has a bad amount (a row
/// error, G0101); in April, with enrolment closed, it must still be a beneficiary. Before, March's
/// run.jsonl had no line for H2, so April took it for a new unit and left it out.
#[test]
fn a_unit_whose_row_cannot_be_read_keeps_its_state_for_the_next_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let groups = "id,region,monthly_income\nH1,North,3000\nH2,North,1000\nH3,South,2000\n";
    let members = "id,group_id,kind,start_date,end_date,birthdate,gender,disabled\n\
                   a1,H1,head,,,1980-01-01,F,false\nb1,H2,head,,,1975-01-01,M,false\n\
                   c1,H3,head,,,1950-01-01,F,true\n";
    let good = common::registry(&dir.path().join("good"), groups, members);
    let bad = common::registry(
        &dir.path().join("bad"),
        &groups.replace("H2,North,1000", "H2,North,abc"),
        members,
    );
    let cycle = |registry: &str, as_of: &str, out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        let mut args = vec![
            "cycle",
            "examples/fidelity/I6_simulation.entitle",
            "--registry",
            registry,
            "--as-of",
            as_of,
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let r = ran(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let line = std::fs::read_to_string(out.join("run.jsonl"))
            .unwrap()
            .lines()
            .find(|l| l.contains("\"H2\""))
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap());
        (out, line)
    };
    let (feb, h2) = cycle(&good, "2026-02-01", "feb", &[]);
    assert_eq!(h2.unwrap()["state"], "enrolled");
    let feb_run = feb.join("run.jsonl");
    let (march, h2) = cycle(
        &bad,
        "2026-03-01",
        "march",
        &["--previous", feb_run.to_str().unwrap()],
    );
    let h2 = h2.expect("a record for the unit whose row could not be read");
    assert_eq!(
        (
            &h2["decision"],
            &h2["previous_state"],
            &h2["state"],
            &h2["state_reason"]["code"],
            &h2["state_reason"]["error"],
            &h2["selected"]
        ),
        (
            &serde_json::Value::Null,
            &"enrolled".into(),
            &"enrolled".into(),
            &"error".into(),
            &"G0101".into(),
            &false.into()
        )
    );
    // The row is still listed with its line, and the counts reconcile: 3 units read, 3 records,
    // one without a decision, none left out; H2 is the one unit enrolled (H1 and H3 are not
    // eligible).
    let errors = std::fs::read_to_string(march.join("errors.csv")).unwrap();
    assert!(
        errors.contains("groups.csv,3,monthly_income,H2,,G0101,"),
        "{errors}"
    );
    let s = common::summary(&march);
    assert_eq!(
        (
            &s["rows"]["units"],
            &s["rows"]["units_left_out"],
            &s["rows"]["unit_errors"],
            &s["totals"]["units"],
            &s["totals"]["errors"],
            &s["totals"]["states"]["enrolled"]
        ),
        (
            &3.into(),
            &0.into(),
            &1.into(),
            &3.into(),
            &1.into(),
            &1.into()
        )
    );
    let march_run = march.join("run.jsonl");
    let (_, h2) = cycle(
        &good,
        "2026-04-01",
        "april",
        &["--previous", march_run.to_str().unwrap(), "--closed"],
    );
    let h2 = h2.unwrap();
    assert_eq!(
        (&h2["previous_state"], &h2["state"], &h2["selected"]),
        (&"enrolled".into(), &"enrolled".into(), &true.into())
    );
}

#[test]
fn units_of_the_previous_cycle_that_the_registry_lost_are_named() {
    // A registry export that left two units out: the run decides only what it reads, so they
    // get no record; an enrolled one would come back as new next cycle, an exited one could be
    // enrolled again. They are said, in both languages, and listed in summary.json.
    let dir = tempfile::tempdir().unwrap();
    let previous = dir.path().join("previous.csv");
    std::fs::write(
        &previous,
        "unit_id,state\nH0000001,enrolled\nGONE2,exited\nGONE1,enrolled\n",
    )
    .unwrap();
    let cycle = |locale: &str| {
        let out = dir.path().join(format!("march-{locale}"));
        let r = ran(&[
            "cycle",
            CHILD_GRANT,
            "--registry",
            "examples/registry",
            "--as-of",
            "2026-03-01",
            "--previous",
            previous.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--locale",
            locale,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap())
                .unwrap();
        (r.stderr, summary)
    };
    let (stderr, summary) = cycle("en");
    assert!(
        stderr.starts_with(
            "warning: 2 units of --previous are not in the registry and have no record in this \
             cycle (a cycle run from it will not know them; listed under \
             `previous_not_in_registry` in summary.json): GONE1 (enrolled), GONE2 (exited)\n"
        ),
        "{stderr}"
    );
    assert_eq!(
        summary["previous_not_in_registry"],
        serde_json::json!([
            {"unit_id": "GONE1", "state": "enrolled"},
            {"unit_id": "GONE2", "state": "exited"}
        ])
    );
    let (stderr, _) = cycle("fr");
    assert!(
        stderr.starts_with(
            "avertissement : 2 unités de --previous ne sont pas dans le registre et n'ont pas \
             d'enregistrement dans ce cycle (un cycle exécuté à partir de celui-ci ne les \
             connaîtra pas ; voir `previous_not_in_registry` dans summary.json) : GONE1 \
             (enrolled), GONE2 (exited)\n"
        ),
        "{stderr}"
    );
}
