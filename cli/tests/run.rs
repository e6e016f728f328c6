//! `entitle run`: outputs, counts, explanations, and every kind of bad input.

mod common;
use common::*;

#[test]
fn run_writes_decisions_summary_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let reg = registry(&dir.path().join("reg"), GROUPS, MEMBERS);
    let out = dir.path().join("out");
    let r = run_child_grant(&reg, out.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = |label: &str| {
        r.stdout
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .map(|l| l.split_whitespace().last().unwrap_or("").to_string())
    };
    assert_eq!(line("eligible").as_deref(), Some("1"), "{}", r.stdout);
    // One of a thing is not written as several.
    assert!(
        r.stdout
            .contains("cash          KES 2,500 to 1 household\n"),
        "{}",
        r.stdout
    );
    assert_eq!(
        files_in(&out),
        [
            "decisions.csv",
            "decisions.jsonl",
            "errors.csv",
            "summary.json"
        ]
    );

    let s = summary(&out);
    assert_eq!(s["counts"]["units"], 3);
    assert_eq!(
        (
            s["counts"]["eligible"].as_u64(),
            s["counts"]["not_eligible"].as_u64(),
            s["counts"]["undetermined"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(s["totals"]["cash"][0]["total"], "2500");
    assert_eq!(s["totals"]["cash"][0]["currency"], "KES");
    assert_eq!(s["totals"]["in_kind"][0]["quantity"], "30");
    assert_eq!(s["as_of"], "2026-03-01");
    assert_eq!(s["program"]["id"], "child_grant");
    assert!(s["program"]["hash"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));

    let csv = csv_records(&out.join("decisions.csv"));
    assert_eq!(
        csv[0],
        [
            "unit_id",
            "decision",
            "currency",
            "cash_total",
            "cash_fee",
            "cash_net",
            "item_base",
            "item_per_child",
            "item_disabled",
            "item_maize",
            "in_kind_kg",
            "rules",
            "missing",
            "program_hash"
        ]
    );
    assert_eq!(
        &csv[1][..11],
        ["H1", "eligible", "KES", "2500", "0", "2500", "1500", "1000", "0", "30", "30"]
    );
    assert_eq!(
        csv[1][11],
        "has_child:met;poor:met;covered:met;pensioner:not_met"
    );
    assert_eq!(
        (csv[3][1].as_str(), csv[3][12].as_str()),
        ("undetermined", "monthly_income")
    );

    let lines: Vec<serde_json::Value> = std::fs::read_to_string(out.join("decisions.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["unit_id"], "H1");
    assert_eq!(lines[0]["cash"]["total"], "2500");
    assert_eq!(lines[1]["decision"], "not_eligible");
    assert_eq!(lines[2]["missing"], serde_json::json!(["monthly_income"]));
    assert_eq!(
        csv_records(&out.join("errors.csv")),
        [[
            "file",
            "line",
            "column",
            "unit_id",
            "member_id",
            "code",
            "message"
        ]]
    );
}

#[test]
fn counts_reconcile_and_bad_rows_are_records_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let groups = "id,region,monthly_income,enrolled_in_pension\nH1,North,5000,false\nH2,East,12;500,false\nH3,Central,100,false\nH4,North,100\nH5,North,100,false\nH5,North,100,false\n";
    let members = "id,group_id,kind,start_date,end_date,birthdate,disabled\n\
M1,H1,head,,,1990-01-01,false\n\
M2,H1,child,,,2020-05-01,false\n\
M3,H2,head,,,1980-01-01,false\n\
M4,H3,head,,,1980-01-01,false\n\
M5,H4,head,,,1980-01-01,false\n\
M6,H5,head,,,01/02/1980,false\n\
M7,H6,head,,,1980-01-01,false\n\
M8,H1,child,2019-13-01,,2019-01-01,false\n";
    let reg = registry(&dir.path().join("reg"), groups, members);
    let out = dir.path().join("out");
    let r = run_child_grant(&reg, out.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = summary(&out);
    // H1..H5 and the duplicate H5: six unit rows, and each has a problem. M8 comes after H6's
    // member, out of order: the members are indexed in memory and M8 still joins H1.
    assert!(r.stderr.contains("not sorted"), "{}", r.stderr);
    assert_eq!(s["counts"]["units"], 6);
    assert_eq!(s["counts"]["decisions"], 0);
    assert_eq!(s["counts"]["errors"], 6);
    assert_eq!(s["errors"]["rows"], 1, "M7: there is no group H6");
    let errors = csv_records(&out.join("errors.csv"));
    let find = |code: &str| {
        errors
            .iter()
            .find(|e| e[5] == code)
            .unwrap_or_else(|| panic!("{code} in {errors:?}"))
            .clone()
    };
    let members_file = format!("{reg}/members.csv");
    let groups_file = format!("{reg}/groups.csv");
    assert_eq!(
        find("G0101")[..5],
        [
            groups_file.clone(),
            "3".into(),
            "monthly_income".into(),
            "H2".into(),
            "".into()
        ]
    );
    assert_eq!(
        find("G0102")[..4],
        [
            groups_file.clone(),
            "4".into(),
            "region".into(),
            "H3".into()
        ]
    );
    assert_eq!(find("G0104")[..2], [groups_file.clone(), "5".into()]);
    assert_eq!(
        find("G0106")[..4],
        [groups_file.clone(), "7".into(), "id".into(), "H5".into()]
    );
    let bad_date = errors.iter().find(|e| e[2] == "birthdate").unwrap();
    assert_eq!(
        bad_date[..6],
        [
            members_file.clone(),
            "7".into(),
            "birthdate".into(),
            "H5".into(),
            "M6".into(),
            "G0101".into()
        ]
    );
    assert_eq!(
        find("G0107")[..5],
        [
            members_file.clone(),
            "8".into(),
            "group_id".into(),
            "".into(),
            "M7".into()
        ]
    );
    assert_eq!(
        find("G0108")[..6],
        [
            members_file.clone(),
            "9".into(),
            "start_date".into(),
            "H1".into(),
            "M8".into(),
            "G0108".into()
        ]
    );
    // The message names where, never the value.
    assert!(
        r.stderr
            .contains(&format!("{groups_file}:3: column `monthly_income`")),
        "{}",
        r.stderr
    );
    assert!(!std::fs::read_to_string(out.join("errors.csv"))
        .unwrap()
        .contains("12;500"));
}

#[test]
fn unsorted_members_are_indexed_and_give_the_same_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines: Vec<&str> = MEMBERS.lines().collect();
    lines[1..].reverse();
    let reg = registry(&dir.path().join("reg"), GROUPS, &(lines.join("\n") + "\n"));
    let out = dir.path().join("out");
    let r = run_child_grant(&reg, out.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("not sorted"), "{}", r.stderr);
    let sorted = dir.path().join("sorted");
    let reg2 = registry(&dir.path().join("reg2"), GROUPS, MEMBERS);
    assert_eq!(
        run_child_grant(&reg2, sorted.to_str().unwrap(), &[]).code,
        0
    );
    assert_eq!(
        std::fs::read(out.join("decisions.jsonl")).unwrap(),
        std::fs::read(sorted.join("decisions.jsonl")).unwrap()
    );
}

#[test]
fn explanations_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let reg = registry(&dir.path().join("reg"), GROUPS, MEMBERS);
    let out = dir.path().join("out");
    let r = run_child_grant(
        &reg,
        out.to_str().unwrap(),
        &["--explain", "--locale", "fr"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let csv = csv_records(&out.join("decisions.csv"));
    assert_eq!(csv[0].last().unwrap(), "explanation");
    assert!(csv[1].last().unwrap().contains("Éligible."), "{:?}", csv[1]);
    assert!(csv[1]
        .last()
        .unwrap()
        .contains("Au moins un enfant de moins de 18 ans"));
    let first: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(out.join("decisions.jsonl"))
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(first["explanation"]["rules"][0]["id"], "has_child");
    assert_eq!(summary(&out)["explanations"], "fr");
    let r = run_child_grant(
        &reg,
        dir.path().join("o2").to_str().unwrap(),
        &["--explain", "--locale", "xx"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no messages in the locale `xx`"),
        "{}",
        r.stderr
    );
}

#[test]
fn existing_outputs_are_kept_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let reg = registry(&dir.path().join("reg"), GROUPS, MEMBERS);
    let out = dir.path().join("out");
    assert_eq!(run_child_grant(&reg, out.to_str().unwrap(), &[]).code, 0);
    std::fs::write(out.join("decisions.csv"), "mine").unwrap();
    let r = run_child_grant(&reg, out.to_str().unwrap(), &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("decisions.csv") && r.stderr.contains("--force"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(out.join("decisions.csv")).unwrap(),
        "mine"
    );
    assert_eq!(
        files_in(&out),
        [
            "decisions.csv",
            "decisions.jsonl",
            "errors.csv",
            "summary.json"
        ]
    );
    let r = run_child_grant(&reg, out.to_str().unwrap(), &["--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::read_to_string(out.join("decisions.csv"))
        .unwrap()
        .starts_with("unit_id,"));
}

/// Runs with a broken registry; checks the exit code, that stderr names `needles`, and that no
/// output (not even a temporary file or the directory) is left.
fn fails_cleanly(reg: &str, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = run_child_grant(reg, out.to_str().unwrap(), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for n in needles {
        assert!(r.stderr.contains(n), "stderr lacks {n:?}: {}", r.stderr);
    }
    assert!(!out.exists(), "{:?}", files_in(&out));
}

#[test]
fn bad_registries_stop_with_a_message_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n);
    // A missing registry.
    fails_cleanly(
        d("nowhere").to_str().unwrap(),
        &["nowhere", "cannot open", "G0001"],
    );
    // A directory without a members file.
    std::fs::create_dir_all(d("no_members")).unwrap();
    std::fs::write(d("no_members").join("groups.csv"), GROUPS).unwrap();
    fails_cleanly(
        d("no_members").to_str().unwrap(),
        &["no members file", "members.csv", "G0002"],
    );
    // An empty groups file.
    let reg = registry(&d("empty"), "", MEMBERS);
    fails_cleanly(&reg, &[&format!("{reg}/groups.csv:1:"), "empty", "G0003"]);
    // A header without a column the program needs.
    let reg = registry(
        &d("no_region"),
        "id,regoin,monthly_income\nH1,North,1\n",
        MEMBERS,
    );
    fails_cleanly(
        &reg,
        &[
            &format!("{reg}/groups.csv:1:"),
            "`region`",
            "did you mean `regoin`?",
            "G0004",
        ],
    );
    let reg = registry(&d("no_birthdate"), GROUPS, "id,group_id,kind\nM1,H1,head\n");
    fails_cleanly(
        &reg,
        &[&format!("{reg}/members.csv:1:"), "`birthdate`", "G0004"],
    );
    // A header that is not text.
    std::fs::create_dir_all(d("binary")).unwrap();
    std::fs::write(
        d("binary").join("groups.csv"),
        b"id,reg\xff\xfeion\nH1,North\n",
    )
    .unwrap();
    std::fs::write(d("binary").join("members.csv"), MEMBERS).unwrap();
    fails_cleanly(
        d("binary").to_str().unwrap(),
        &["groups.csv:1:", "not valid UTF-8", "G0006"],
    );
    // An unreadable file (a directory where the file should be).
    std::fs::create_dir_all(d("unreadable").join("members.csv")).unwrap();
    std::fs::write(d("unreadable").join("groups.csv"), GROUPS).unwrap();
    std::fs::write(d("unreadable").join("members.csv").join("x"), "").unwrap();
    let reg = d("unreadable");
    let r = run_child_grant(
        reg.to_str().unwrap(),
        d("o").to_str().unwrap(),
        &["--members", reg.join("members.csv").to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("members.csv: cannot read"),
        "{}",
        r.stderr
    );
    assert!(!d("o").exists());
    // A file of an unknown kind.
    let xls = d("registry.xls");
    std::fs::write(&xls, "x").unwrap();
    fails_cleanly(
        xls.to_str().unwrap(),
        &["registry.xls", "cannot read this kind of file", "G0008"],
    );
}

#[test]
fn a_program_with_errors_or_a_bad_date_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let reg = registry(&dir.path().join("reg"), GROUPS, MEMBERS);
    let bad = dir.path().join("bad.entitle");
    std::fs::write(
        &bad,
        std::fs::read_to_string(root().join(CHILD_GRANT))
            .unwrap()
            .replace("age(birthdate) < 18", "age(birthdat) < 18"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let r = ran(&[
        "run",
        bad.to_str().unwrap(),
        "--registry",
        &reg,
        "--as-of",
        "2026-03-01",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("error[E0101]") && r.stderr.contains("does not compile"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
    let (bad_path, out_path) = (bad.to_str().unwrap(), out.to_str().unwrap());
    let args = [
        "run",
        bad_path,
        "--registry",
        &reg,
        "--as-of",
        "2026-03-01",
        "--out",
        out_path,
    ];
    let r = ran(&[&args[..], &["--locale", "fr"]].concat());
    assert!(
        r.stderr.contains("error[E0101]: nom inconnu `birthdat`")
            && r.stderr.ends_with(&format!(
                "erreur : {bad_path} ne compile pas (1 erreur) : rien n'a été exécuté\n"
            )),
        "{}",
        r.stderr
    );
    let r = ran(&[
        "run",
        CHILD_GRANT,
        "--registry",
        &reg,
        "--as-of",
        "1 March 2026",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("YYYY-MM-DD"), "{}", r.stderr);
    assert!(!out.exists());
}

#[test]
fn an_output_directory_that_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let reg = registry(&dir.path().join("reg"), GROUPS, MEMBERS);
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let r = run_child_grant(&reg, file.join("out").to_str().unwrap(), &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot create the output directory") && r.stderr.contains("a-file/out"),
        "{}",
        r.stderr
    );
    let r = run_child_grant(&reg, file.to_str().unwrap(), &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("it is a file, not a directory"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn individual_programs_read_one_file_and_jsonl_reads_like_csv() {
    let dir = tempfile::tempdir().unwrap();
    let people = dir.path().join("people.csv");
    std::fs::write(&people, "id,birthdate,disabled\nP1,1950-06-01,true\nP2,1990-01-01,false\nP3,,false\nP4,1950-13-01,false\n").unwrap();
    let out = dir.path().join("out");
    let r = ran(&[
        "run",
        "examples/programs/old_age_pension.entitle",
        "--registry",
        people.to_str().unwrap(),
        "--as-of",
        "2026-03-01",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = summary(&out);
    assert_eq!(
        (
            s["counts"]["eligible"].as_u64(),
            s["counts"]["not_eligible"].as_u64(),
            s["counts"]["undetermined"].as_u64(),
            s["counts"]["errors"].as_u64()
        ),
        (Some(1), Some(1), Some(1), Some(1))
    );
    assert_eq!(s["target"], "individual");

    let jl = dir.path().join("jl");
    std::fs::create_dir_all(&jl).unwrap();
    std::fs::write(jl.join("groups.jsonl"), "{\"id\":\"H1\",\"region\":\"North\",\"monthly_income\":5000}\n{\"id\":\"H2\",\"region\":\"East\",\"monthly_income\":{\"amount\":\"50000\",\"currency\":\"KES\"},\"enrolled_in_pension\":\"no\"}\n{\"id\":\"H3\",\"region\":\"East\",\"monthly_income\":null}\n").unwrap();
    let members: String = csv_records_text(MEMBERS);
    std::fs::write(jl.join("members.jsonl"), members).unwrap();
    let out_jl = dir.path().join("out_jl");
    let r = run_child_grant(jl.to_str().unwrap(), out_jl.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let reg = registry(&dir.path().join("reg"), GROUPS, MEMBERS);
    let out_csv = dir.path().join("out_csv");
    assert_eq!(
        run_child_grant(&reg, out_csv.to_str().unwrap(), &[]).code,
        0
    );
    assert_eq!(
        std::fs::read(out_jl.join("decisions.jsonl")).unwrap(),
        std::fs::read(out_csv.join("decisions.jsonl")).unwrap()
    );
}

/// The members CSV as JSON lines (empty cells left out).
fn csv_records_text(csv: &str) -> String {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            let fields: Vec<String> = header
                .iter()
                .zip(l.split(','))
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("\"{k}\":\"{v}\""))
                .collect();
            format!("{{{}}}\n", fields.join(","))
        })
        .collect()
}

/// The summary's error line names only what there is: no "and 0 other rows".
#[test]
fn the_error_line_counts_only_what_could_not_be_decided() {
    let dir = tempfile::tempdir().unwrap();
    let members = "id,group_id,kind,birthdate\nM1,H1,head,1990-01-01\nM2,H2,head,1980-01-01\n";
    let cases = [
        // A household row in error, no other row.
        (
            "id,region,monthly_income\nH1,North,\"5000\nH2,East,100\n",
            "errors        1 household could not be decided (G0104 ×1): ",
        ),
        // Only a member row whose group is not there.
        (
            "id,region,monthly_income\nH2,East,100\n",
            "errors        1 row could not be decided (G0107 ×1): ",
        ),
    ];
    for (k, (groups, want)) in cases.into_iter().enumerate() {
        let reg = registry(&dir.path().join(format!("reg{k}")), groups, members);
        let out = dir.path().join(format!("out{k}"));
        let r = run_child_grant(&reg, out.to_str().unwrap(), &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains(want), "{want}\n{}", r.stdout);
    }
}
