//! `--locale fr` all the way through: what `run`, `cycle` and `simulate` print for people is
//! French (words, and numbers as French writes them), what they write for tools is the same
//! file in every locale, and English reads as it always did.

mod common;
use common::{ran, CHILD_GRANT};
use std::path::Path;

const REGISTRY: &str = "examples/registry";

fn command(command: &str, out: Option<&Path>, extra: &[&str]) -> common::Ran {
    let mut args = vec![
        command,
        CHILD_GRANT,
        "--registry",
        REGISTRY,
        "--as-of",
        "2026-03-01",
    ];
    let out = out.map(|o| o.to_str().unwrap().to_string());
    if let Some(o) = &out {
        args.extend(["--out", o.as_str()]);
    }
    args.extend_from_slice(extra);
    ran(&args)
}

/// Each file of `a` is byte for byte the one of the same name in `b`.
fn same_files(a: &Path, b: &Path, names: &[&str]) {
    for name in names {
        assert_eq!(
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
            "{name}"
        );
    }
}

/// The lines of `errors.csv` in `a` and `b` without their message (the last column, after the
/// code): the same file, line, column, unit, member and code in every locale.
fn same_but_reasons(a: &Path, b: &Path) {
    let columns = |dir: &Path| -> Vec<String> {
        let text = std::fs::read_to_string(dir.join("errors.csv")).unwrap();
        text.lines()
            .map(|l| {
                // The code is the first cell that is a letter and four digits, after the ids.
                let code = l
                    .match_indices(',')
                    .map(|(i, _)| i)
                    .find(|i| {
                        let c = l.get(i + 1..i + 7).unwrap_or("");
                        c.len() == 6
                            && c.starts_with(['G', 'R'])
                            && c[1..5].bytes().all(|b| b.is_ascii_digit())
                            && c.ends_with(',')
                    })
                    .map_or(l.len(), |i| i + 7);
                l[..code].to_string()
            })
            .collect()
    };
    let (x, y) = (columns(a), columns(b));
    assert_eq!(x, y);
    assert!(
        x.len() > 1 && x.iter().skip(1).all(|l| l.ends_with(',')),
        "{x:?}"
    );
}

#[test]
fn run_prints_its_summary_in_french_and_writes_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let (en, fr) = (dir.path().join("en"), dir.path().join("fr"));
    let r = command("run", Some(&fr), &["--no-progress", "--locale", "fr"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let o = fr.display();
    assert_eq!(
        r.stdout,
        format!(
            "Allocation de soutien à l'enfant (child_grant 2026.1) au 2026-03-01
registre      examples/registry (groups.csv, members.csv) : 3 001 ménages, 12 530 lignes de membres
  éligibles       490
  non éligibles 2 396
  indéterminés    106
  erreurs           9
                -----
  ménages       3 001
espèces       KES 1 385 500 pour 490 ménages
en nature     15 110 kg
erreurs       sans décision : 9 ménages et 2 autres lignes (G0101 ×3, G0102 ×1, G0104 ×1, G0105 ×1, G0106 ×1, G0107 ×1, G0108 ×1, R0001 ×1, R0003 ×1) ; voir {o}/errors.csv
fichiers      {o}/decisions.csv, decisions.jsonl, summary.json, errors.csv
"
        )
    );
    assert!(
        r.stderr.ends_with(&format!(
            "note : 6 autres enregistrements d'erreur dans {o}/errors.csv\n"
        )),
        "{}",
        r.stderr
    );
    // English as it was.
    let r = command("run", Some(&en), &["--no-progress"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let o = en.display();
    assert_eq!(
        r.stdout,
        format!(
            "Child Support Grant (child_grant 2026.1) as of 2026-03-01
registry      examples/registry (groups.csv, members.csv): 3,001 households, 12,530 member rows
  eligible        490
  not eligible  2,396
  undetermined    106
  errors            9
                -----
  households    3,001
cash          KES 1,385,500 to 490 households
in kind       15,110 kg
errors        9 households and 2 other rows could not be decided (G0101 ×3, G0102 ×1, G0104 ×1, G0105 ×1, G0106 ×1, G0107 ×1, G0108 ×1, R0001 ×1, R0003 ×1): see {o}/errors.csv
wrote         {o}/decisions.csv, decisions.jsonl, summary.json, errors.csv
"
        )
    );
    assert!(
        r.stderr
            .ends_with(&format!("note: 6 more error records in {o}/errors.csv\n")),
        "{}",
        r.stderr
    );
    // What tools read does not change with the locale: headers, keys, codes. errors.csv, which
    // people read to fix their registry, says its reasons in the run's locale, in its last column.
    same_files(
        &en,
        &fr,
        &["decisions.csv", "decisions.jsonl", "summary.json"],
    );
    same_but_reasons(&en, &fr);
}

#[test]
fn cycle_prints_its_totals_in_french_and_writes_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let (en, fr) = (dir.path().join("en"), dir.path().join("fr"));
    let budget = ["--fund", "100000", "--budget", "50000"];
    let r = command(
        "cycle",
        Some(&fr),
        &[&budget[..], &["--locale", "fr"]].concat(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        format!(
            "cycle 2026-03-01 → {} : 3 000 unités (brouillon 114, inscrit 490, non éligible 2 396)
  sélectionnées 490, alloué KES 47 880 sur KES 1 385 500 demandés ; budget KES 50 000 (proportionnel), non alloué KES 2 120
  approuvées 490 (KES 47 880), en attente de validation 0 (KES 0) ; fonds disponible KES 100 000, restant KES 52 120
",
            fr.display()
        )
    );
    assert!(
        r.stderr.ends_with(&format!(
            "note : 6 autres enregistrements d'erreur dans {}\n",
            fr.join("errors.csv").display()
        )),
        "{}",
        r.stderr
    );
    let r = command("cycle", Some(&en), &budget);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        format!(
            "cycle 2026-03-01 → {}: 3,000 units (draft 114, enrolled 490, not_eligible 2,396)
  selected 490, allocated KES 47,880 of KES 1,385,500 requested; budget KES 50,000 (proportional), unallocated KES 2,120
  approved 490 (KES 47,880), pending validation 0 (KES 0); fund available KES 100,000, remaining KES 52,120
",
            en.display()
        )
    );
    same_files(&en, &fr, &["run.jsonl", "run.csv", "summary.json"]);
    same_but_reasons(&en, &fr);
}

#[test]
fn cycle_says_in_french_why_a_run_option_does_not_fit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = command("cycle", Some(&out), &["--top", "5", "--locale", "fr"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "erreur : l'option d'exécution `top` ne peut pas être utilisée : sélectionner les premières \
         unités demande `rank by` dans la sélection du programme [R0102]\n"
    );
    let r = command("cycle", Some(&out), &["--top", "5"]);
    assert_eq!(
        r.stderr,
        "error: the run option `top` cannot be used: selecting the top units needs `rank by` in \
         the program's selection [R0102]\n"
    );
    assert!(!out.exists());
}

#[test]
fn simulate_prints_its_figures_in_french() {
    let r = command(
        "simulate",
        None,
        &[
            "--summary-by",
            "region",
            "--compare",
            CHILD_GRANT,
            "--locale",
            "fr",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "avertissement : 9 lignes du registre n'ont donné aucune unité et ne sont pas dans les chiffres, \
         et 2 unités n'ont pas pu être évaluées ; `entitle run` les liste dans errors.csv\n"
    );
    assert_eq!(
        r.stdout,
        "child_grant au 2026-03-01 : 2 994 unités (brouillon 108, inscrit 490, non éligible 2 396)
  sélectionnées 490, alloué KES 1 385 500 sur KES 1 385 500 demandés
  approuvées 0 (KES 0), en attente de validation 490 (KES 1 385 500)
couvertes 490 sur 2 994 unités (16,4 %), total KES 1 385 500, moyenne KES 2 827,55
droits : min KES 2 000 · q1 KES 2 300 · médiane KES 3 000 · q3 KES 3 500 · max KES 4 000
Gini 0,856 (unités couvertes seules 0,121)
par region
  East             unités      795  couvertes      218  taux  27,4 %  disparité 1,676  total KES 616 500
  North            unités      903  couvertes      272  taux  30,1 %  disparité 1,841  total KES 769 000
  South            unités      728  couvertes        0  taux   0,0 %  disparité 0,000  total KES 0
  West             unités      568  couvertes        0  taux   0,0 %  disparité 0,000  total KES 0
comparé à examples/programs/child_grant.entitle : couvertes 490 et 490, dans les deux 490, seulement dans le premier 0, seulement dans le second 0, recouvrement 100,0 %, différence totale KES 0
"
    );
    // The JSON is the same in every locale.
    let json = |locale: &str| {
        command(
            "simulate",
            None,
            &[
                "--summary-by",
                "region",
                "--format",
                "json",
                "--locale",
                locale,
            ],
        )
        .stdout
    };
    assert_eq!(json("fr"), json("en"));
}

#[test]
fn simulate_in_english_reads_as_before() {
    let r = command("simulate", None, &["--summary-by", "region"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(
            "child_grant as of 2026-03-01: 2,994 units (draft 108, enrolled 490, not_eligible 2,396)
  selected 490, allocated KES 1,385,500 of KES 1,385,500 requested
  approved 0 (KES 0), pending validation 490 (KES 1,385,500)
covered 490 of 2,994 units (16.4 %), total KES 1,385,500, mean KES 2,827.55
entitlements: min KES 2,000 · q1 KES 2,300 · median KES 3,000 · q3 KES 3,500 · max KES 4,000
Gini 0.856 (covered only 0.121)
by region
  East             units      795  covered      218  rate  27.4 %  disparity 1.676  total KES 616,500
"
        ),
        "{}",
        r.stdout
    );
    // The two units that could not be evaluated count in their registry region (ef384f6), so
    // there is no unknown group, and the groups add up to the whole.
    assert!(!r.stdout.contains("unknown"), "{}", r.stdout);
    let units: u64 = r
        .stdout
        .lines()
        .skip_while(|l| *l != "by region")
        .skip(1)
        .filter_map(|l| {
            l.split_whitespace()
                .nth(2)?
                .replace(',', "")
                .parse::<u64>()
                .ok()
        })
        .sum();
    assert_eq!(units, 2994, "{}", r.stdout);
}

#[test]
fn simulate_refuses_in_french_to_compare_households_with_people_and_unknown_locales() {
    let r = command(
        "simulate",
        None,
        &[
            "--compare",
            "examples/programs/old_age_pension.entitle",
            "--locale",
            "fr",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.ends_with(
            "erreur : impossible de comparer examples/programs/child_grant.entitle (une décision par \
             ménage) avec examples/programs/old_age_pension.entitle (une décision par personne) : \
             ils ne décident pas des mêmes unités\n"
        ),
        "{}",
        r.stderr
    );
    for c in ["simulate", "cycle"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let r = command(
            c,
            (c == "cycle").then_some(out.as_path()),
            &["--locale", "xx"],
        );
        assert_eq!(r.code, 2, "{c}: {}", r.stderr);
        assert_eq!(
            r.stderr, "error: there are no messages in the locale `xx`; available: en, fr\n",
            "{c}"
        );
        assert!(r.stdout.is_empty() && !out.exists(), "{c}");
    }
}

#[test]
fn simulate_labels_truth_values_and_numbers_in_the_readers_words() {
    let labels = |locale: &str| -> Vec<String> {
        let r = command(
            "simulate",
            None,
            &["--summary-by", "member.disabled", "--locale", locale],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
            .lines()
            .skip_while(|l| !l.ends_with("member.disabled"))
            .skip(1)
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .collect()
    };
    assert_eq!(labels("en"), ["false", "true"]);
    assert_eq!(labels("fr"), ["faux", "vrai"]);

    // A number is one label however the registry spells it, written as the locale writes it.
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("sizes.entitle");
    std::fs::write(
        &program,
        "program sizes \"Sizes\" version \"1\"\n  target household\n  currency KES\n\n\
         inputs\n  household.plot: number \"Plot, square metres\"\n\n\
         eligible when\n  small \"A small plot\" plot < 2000\n\n\
         entitlement\n  cash base \"Base\" KES 100\n",
    )
    .unwrap();
    let reg = dir.path().join("reg");
    std::fs::create_dir(&reg).unwrap();
    std::fs::write(reg.join("groups.csv"), "id,plot\nH1,1.0\nH2,1\nH3,1500\n").unwrap();
    std::fs::write(reg.join("members.csv"), "id,group_id,kind\n").unwrap();
    let sizes = |locale: &str| -> Vec<String> {
        let r = ran(&[
            "simulate",
            program.to_str().unwrap(),
            "--registry",
            reg.to_str().unwrap(),
            "--as-of",
            "2026-03-01",
            "--summary-by",
            "plot",
            "--locale",
            locale,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
            .lines()
            .skip_while(|l| !l.ends_with(" plot"))
            .skip(1)
            .map(|l| {
                l.split("  ")
                    .find(|c| !c.is_empty())
                    .unwrap_or("")
                    .trim()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(sizes("en"), ["1", "1,500"]);
    assert_eq!(sizes("fr"), ["1", "1 500"]);
}
