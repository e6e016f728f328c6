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
        (Some(9), Some(7), Some(2))
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
            "previous.csv:3: the unit `H0000004` is listed twice; the first is on line 2\n"
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
