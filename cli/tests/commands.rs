//! `entitle check`, `test`, `fmt`, `explain`, `simulate`, `generate` and `--help` (`pay` is in
//! `pay.rs`).

mod common;
use common::*;

fn with_typo(dir: &std::path::Path) -> String {
    let path = dir.join("typo.entitle");
    let text = std::fs::read_to_string(root().join(CHILD_GRANT))
        .unwrap()
        .replace("age(birthdate) < 18", "age(birthdat) < 18");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn help_is_there_for_newcomers() {
    let r = ran(&["--help"]);
    assert_eq!(r.code, 0);
    for word in [
        "check",
        "test",
        "run",
        "explain",
        "fmt",
        "pay",
        "generate",
        "Examples:",
    ] {
        assert!(r.stdout.contains(word), "{word}: {}", r.stdout);
    }
    let r = ran(&["run", "--help"]);
    assert!(
        r.stdout.contains("--registry")
            && r.stdout.contains("--as-of")
            && r.stdout.contains("units = decisions + errors"),
        "{}",
        r.stdout
    );
}

#[test]
fn check_reports_diagnostics_plain_coloured_and_as_json() {
    let r = ran(&["check", CHILD_GRANT]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("child_grant.entitle: ok (0 errors"),
        "{}",
        r.stdout
    );

    let dir = tempfile::tempdir().unwrap();
    let typo = with_typo(dir.path());
    let r = ran(&["check", &typo]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("error[E0101]: unknown name `birthdat`"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!("--> {typo}:21:")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("^^^^^^^^"),
        "a caret under the name: {}",
        r.stdout
    );
    assert!(r.stdout.contains("help: did you mean `birthdate`?"));
    assert!(
        !r.stdout.contains('\x1b'),
        "no colour when not on a terminal"
    );

    let r = ran(&["check", "--color", "always", &typo]);
    assert!(r.stdout.contains("\x1b[1;31merror"), "{}", r.stdout);

    let r = ran(&["check", "--format", "json", &typo, CHILD_GRANT]);
    assert_eq!(r.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    let e = doc["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["severity"] == "error")
        .unwrap()
        .clone();
    assert_eq!(e["code"], "E0101");
    assert_eq!(e["span"]["line"], 21);
    assert_eq!(e["help"], "did you mean `birthdate`?");
    assert_eq!(doc["files"][1]["ok"], true);
}

#[test]
fn test_runs_the_programs_own_tests() {
    let r = ran(&[
        "test",
        CHILD_GRANT,
        "examples/programs/old_age_pension.entitle",
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("Mother with two young children: passed"),
        "{}",
        r.stdout
    );
    let last = r.stdout.lines().last().unwrap();
    let n: usize = last.split_whitespace().next().unwrap().parse().unwrap();
    assert!(n >= 5 && last == format!("{n} passed, 0 failed"), "{last}");

    let dir = tempfile::tempdir().unwrap();
    let failing = dir.path().join("failing.entitle");
    std::fs::write(
        &failing,
        std::fs::read_to_string(root().join(CHILD_GRANT))
            .unwrap()
            .replace(
                "expect eligible, cash KES 2500",
                "expect eligible, cash KES 9999",
            ),
    )
    .unwrap();
    let typo = with_typo(dir.path());
    let r = ran(&["test", failing.to_str().unwrap(), &typo]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("Mother with two young children"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("cash: expected KES 9999, got KES 2500"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("does not compile"));
    assert_eq!(r.stdout.lines().last().unwrap(), "3 passed, 2 failed");

    let r = ran(&["test", "--locale", "fr", CHILD_GRANT]);
    assert_eq!(r.stdout.lines().last().unwrap(), "4 réussi(s), 0 échoué(s)");
    let r = ran(&["test", "--color", "never", "--locale", "fr", &typo]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("\n  ne compile pas\n"), "{}", r.stdout);
    assert_eq!(r.stdout.lines().last().unwrap(), "0 réussi(s), 1 échoué(s)");
}

/// A directory stands for every program file in it and below, in path order; hidden directories
/// and other files are left out, and a directory without programs is an error.
#[test]
fn a_directory_of_programs_is_checked_tested_and_formatted_whole() {
    let dir = tempfile::tempdir().unwrap();
    let grant = std::fs::read_to_string(root().join(CHILD_GRANT)).unwrap();
    let nested = dir.path().join("b");
    let hidden = dir.path().join(".old");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::create_dir_all(&hidden).unwrap();
    std::fs::write(dir.path().join("a.entitle"), &grant).unwrap();
    std::fs::write(nested.join("c.entitle"), &grant).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a program").unwrap();
    std::fs::write(hidden.join("broken.entitle"), "program").unwrap();
    let d = dir.path().to_str().unwrap();
    let r = ran(&["test", d]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout.lines().last(), Some("8 passed, 0 failed"));
    let a = r.stdout.find("a.entitle").unwrap_or(usize::MAX);
    let c = r.stdout.find("c.entitle").unwrap_or(0);
    assert!(a < c, "{}", r.stdout);
    let r = ran(&["check", d]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.stdout.matches(": ok (").count(), 2, "{}", r.stdout);
    assert_eq!(ran(&["fmt", "--check", d]).code, 0);
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let r = ran(&["check", empty.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("holds no program file (.entitle)"),
        "{}",
        r.stderr
    );
}

#[test]
fn fmt_checks_and_rewrites() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.entitle");
    let formatted = std::fs::read_to_string(root().join(CHILD_GRANT)).unwrap();
    let r = ran(&["fmt", "--check", CHILD_GRANT]);
    let canonical = r.code == 0;
    let messy = formatted.replace(
        "  per_child: money \"Amount per child\" = KES 500",
        "  per_child:money   \"Amount per child\"=KES 500",
    );
    std::fs::write(&path, &messy).unwrap();
    let p = path.to_str().unwrap();
    let r = ran(&["fmt", "--check", p]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("would be reformatted"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        messy,
        "--check writes nothing"
    );
    let r = ran(&["fmt", p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("formatted"));
    assert_eq!(ran(&["fmt", "--check", p]).code, 0);
    if canonical {
        assert_eq!(std::fs::read_to_string(&path).unwrap(), formatted);
    }
    // A file written on Windows keeps its CR LF line ends: formatted already when only they differ,
    // and rewritten with them when it is not.
    let windows = formatted.replace('\n', "\r\n");
    std::fs::write(&path, &windows).unwrap();
    assert_eq!(ran(&["fmt", "--check", p]).code, 0);
    std::fs::write(&path, messy.replace('\n', "\r\n")).unwrap();
    assert_eq!(ran(&["fmt", "--check", p]).code, 1);
    assert_eq!(ran(&["fmt", p]).code, 0);
    let rewritten = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        rewritten.matches('\n').count(),
        rewritten.matches("\r\n").count()
    );
    if canonical {
        assert_eq!(rewritten, windows);
    }
    let typo = dir.path().join("broken.entitle");
    std::fs::write(
        &typo,
        "program x \"X\"\n  target household\ninputs\n  household.a text\n",
    )
    .unwrap();
    let r = ran(&["fmt", typo.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("broken.entitle:4:"), "{}", r.stderr);
}

#[test]
fn a_program_not_saved_as_utf8_is_refused_where_it_goes_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.entitle");
    // `Ménage` saved in Latin-1: `é` is the single byte 0xE9.
    let bytes = b"program p \"P\"\n\neligible when\n  poor \"M\xe9nage pauvre\" true\n";
    std::fs::write(&path, bytes).unwrap();
    let p = path.to_str().unwrap();
    let r = ran(&["check", "--color", "never", p]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout,
        format!(
            "error[E0008]: the program text contains a byte that is not UTF-8 (`0xE9`)
 --> {p}:4:10
  |
4 |   poor \"M\u{fffd}nage pauvre\" true
  |          ^
  = help: save the file as UTF-8 (in most editors: Save As, then the encoding UTF-8); such bytes are usually accented letters saved in Latin-1 or Windows-1252

{p}: failed (1 error, 0 warnings)
"
        )
    );
    let r = ran(&["check", "--color", "never", "--locale", "fr", p]);
    assert!(
        r.stdout.contains(
            "error[E0008]: le texte du programme contient un octet qui n'est pas de l'UTF-8 (`0xE9`)"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .ends_with(&format!("\n{p} : échec (1 erreur, 0 avertissement)\n")),
        "{}",
        r.stdout
    );
    // `fmt` would otherwise write the replacement character over the byte: it refuses instead.
    let r = ran(&["fmt", p]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("not formatted: it is not UTF-8 text"));
    assert!(r.stderr.contains(&format!("{p}:4:10")), "{}", r.stderr);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn explain_gives_one_units_reasons() {
    let args = |id: &str, extra: &[&'static str]| {
        let mut v: Vec<String> = [
            "explain",
            CHILD_GRANT,
            "--registry",
            "examples/registry",
            "--as-of",
            "2026-03-01",
            "--id",
            id,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let call = |v: Vec<String>| ran(&v.iter().map(String::as_str).collect::<Vec<_>>());
    let r = call(args("H0000004", &[]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("Child Support Grant — H0000004 — 2026-03-01\nEligible."),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("✓ At least one child under 18 — children = 1"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Total: KES 2000"), "{}", r.stdout);
    // A third of a shilling is cut for the reader; the JSON keeps every digit.
    let r = call(args("H0000001", &[]));
    assert!(
        r.stdout
            .contains("— income_per_person = KES 5263.3333…; ceiling_per_person = KES 3000\n"),
        "{}",
        r.stdout
    );
    let r = call(args("H0000001", &["--format", "json"]));
    assert!(
        r.stdout.contains("\"KES 5263.3333333333333333333333333\""),
        "{}",
        r.stdout
    );
    let r = call(args("H0000004", &["--locale", "fr"]));
    assert!(
        r.stdout.contains("Éligible.") && r.stdout.contains("Allocation de soutien à l'enfant"),
        "{}",
        r.stdout
    );
    let r = call(args("H0000004", &["--format", "json"]));
    let d: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        (d["unit_id"].as_str(), d["decision"].as_str()),
        (Some("H0000004"), Some("eligible"))
    );
    assert!(d["explanation"]["rules"].is_array());
    // A unit whose row is malformed: the record, with file and line.
    let r = call(args("H0000462", &[]));
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.starts_with("H0000462: could not be decided\n"),
        "{}",
        r.stdout
    );
    let r_fr = call(args("H0000462", &["--locale", "fr"]));
    assert!(
        r_fr.stdout
            .starts_with("H0000462 : n'a pas pu être décidé\n"),
        "{}",
        r_fr.stdout
    );
    assert!(
        r.stdout
            .contains("examples/registry/groups.csv:463: column `monthly_income`"),
        "{}",
        r.stdout
    );
    let r = call(args("H7654321", &[]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("no unit `H7654321` in examples/registry/groups.csv"),
        "{}",
        r.stderr
    );
    // A program that does not compile: its diagnostics in the chosen locale too.
    let dir = tempfile::tempdir().unwrap();
    let typo = with_typo(dir.path());
    let mut v = args("H0000004", &["--locale", "fr"]);
    v[1] = typo.clone();
    let r = call(v);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("error[E0101]: nom inconnu `birthdat`")
            && r.stderr.ends_with(&format!(
                "erreur : {typo} ne compile pas (1 erreur) : rien n'a été exécuté\n"
            )),
        "{}",
        r.stderr
    );
}

/// `entitle simulate`: the summary as a program officer reads it (amounts with their currency and
/// grouped, rates as percentages) and as JSON with every digit, from the same run.
#[test]
fn simulate_summarises_coverage_and_money_for_people_and_exactly_in_json() {
    let args = |format: &str| {
        ran(&[
            "simulate",
            CHILD_GRANT,
            "--registry",
            "examples/registry",
            "--as-of",
            "2026-03-01",
            "--summary-by",
            "region",
            "--budget",
            "1000000",
            "--budget-mode",
            "proportional",
            "--format",
            format,
        ])
    };
    let r = args("text");
    assert_eq!(r.code, 0, "{}", r.stderr);
    for line in [
        "  selected 490, allocated KES 997,890 of KES 1,385,500 requested; budget KES 1,000,000 (proportional), unallocated KES 2,110\n",
        "covered 490 of 2,994 units (16.4 %), total KES 997,890, mean KES 2,036.51\n",
        "entitlements: min KES 1,440 · q1 KES 1,660 · median KES 2,160 · q3 KES 2,520 · max KES 2,880\n",
        "Gini 0.856 (covered only 0.121)\n",
        "  North            units      903  covered      272  rate  30.1 %  disparity 1.841  total KES 553,880\n",
        "  South            units      728  covered        0  rate   0.0 %  disparity 0.000  total KES 0\n",
    ] {
        assert!(r.stdout.contains(line), "{line}{}", r.stdout);
    }
    let r = args("json");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let overall = &doc["summary"]["overall"];
    assert_eq!(
        (
            overall["covered"].as_u64(),
            overall["total"].as_str(),
            doc["summary"]["gini"].as_str()
        ),
        (Some(490), Some("997890"), Some("0.85614"))
    );
    let mean = overall["mean"].as_str().unwrap_or_default();
    assert!(mean.starts_with("2036.51") && mean.len() > 10, "{mean}");
    // Against the same grant with KES 600 a child: the same households, KES 117,600 more.
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("richer.entitle");
    let grant = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../",
        "examples/programs/child_grant.entitle"
    ))
    .unwrap();
    std::fs::write(&other, grant.replace("= KES 500", "= KES 600")).unwrap();
    let r = ran(&[
        "simulate",
        CHILD_GRANT,
        "--registry",
        "examples/registry",
        "--as-of",
        "2026-03-01",
        "--compare",
        other.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains(": covered 490 and 490, in both 490, only in the first 0, only in the second 0, overlap 100.0 %, total difference KES 117,600\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn generate_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let gen = |name: &str, seed: &str, format: &str| {
        let out = dir.path().join(name);
        let r = ran(&[
            "generate",
            "--households",
            "500",
            "--seed",
            seed,
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        out
    };
    let a = gen("a", "7", "csv");
    let b = gen("b", "7", "csv");
    let c = gen("c", "8", "csv");
    let j = gen("j", "7", "jsonl");
    let read = |p: std::path::PathBuf| std::fs::read(p).unwrap();
    assert_eq!(read(a.join("groups.csv")), read(b.join("groups.csv")));
    assert_eq!(read(a.join("members.csv")), read(b.join("members.csv")));
    assert_ne!(read(a.join("members.csv")), read(c.join("members.csv")));
    let groups = csv_records(&a.join("groups.csv"));
    assert_eq!(groups.len(), 501);
    assert_eq!(groups[1][0], "H0000001");
    // CSV and JSONL registries of one seed give the same decisions.
    let (oa, oj) = (dir.path().join("oa"), dir.path().join("oj"));
    assert_eq!(
        run_child_grant(a.to_str().unwrap(), oa.to_str().unwrap(), &[]).code,
        0
    );
    let r = run_child_grant(j.to_str().unwrap(), oj.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        read(oa.join("decisions.jsonl")),
        read(oj.join("decisions.jsonl"))
    );
}
