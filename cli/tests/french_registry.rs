//! `entitle run --locale fr` over registries with every kind of problem: the prefixes, the row
//! errors (on the terminal and in errors.csv) and the stop errors are French, word for word; and
//! the English run reads as it did.

mod common;
use common::{ran, Ran, CHILD_GRANT};
use std::path::Path;

fn run(registry: &str, out: &Path, locale: &str) -> Ran {
    let out = out.display().to_string();
    ran(&[
        "run",
        CHILD_GRANT,
        "--registry",
        registry,
        "--as-of",
        "2026-03-01",
        "--out",
        &out,
        "--no-progress",
        "--locale",
        locale,
    ])
}

fn errors_csv(out: &Path) -> String {
    std::fs::read_to_string(out.join("errors.csv")).unwrap()
}

/// The example registry's deliberate defects: the five first records on the terminal, then the
/// note, and every record in errors.csv.
#[test]
fn the_example_registry_s_errors_in_french_and_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let (fr, en) = (dir.path().join("fr"), dir.path().join("en"));
    let r = run("examples/registry", &fr, "fr");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let o = fr.display();
    assert_eq!(
        r.stderr,
        format!(
            "avertissement : examples/registry/groups.csv:463 : colonne `monthly_income` : attendu : \
un montant tel que 1500.50 ou KES 1500 ; le nombre a des virgules entre ses milliers : écrivez-le \
sans séparateur de milliers et avec un point avant les décimales (1500, 1500.50) ; donnez à la \
colonne le format nombre, sans séparateur de milliers, avant d'enregistrer le fichier [G0101] \
(unité H0000462)
avertissement : examples/registry/members.csv:2762 : colonne `birthdate` : attendu : une date dans \
l'ordre année-mois-jour, telle que 2026-03-01, mais la cellule commence par le jour ou le mois, que \
les pays lisent différemment (01/03 est le 1er mars ou le 3 janvier) ; donnez à la colonne le \
format date AAAA-MM-JJ avant d'enregistrer le fichier [G0101] (unité H0000693, membre M00002761)
avertissement : examples/registry/groups.csv:925 : colonne `region` : la valeur ne fait pas partie \
des choix déclarés : North, East, South, West ; un choix s'écrit tel qu'il est déclaré, majuscules \
comprises (les espaces autour de la valeur ne comptent pas) [G0102] (unité H0000924)
avertissement : examples/registry/groups.csv:1386 : la ligne a 4 cellules, mais l'en-tête en a 13 \
[G0104] (unité H0001385)
avertissement : examples/registry/groups.csv:1617 : `children` calcule un âge à partir d'une date \
postérieure à la date de référence [R0003] (unité H0001616)
note : 6 autres enregistrements d'erreur dans {o}/errors.csv
"
        )
    );
    let g = "examples/registry/groups.csv";
    let m = "examples/registry/members.csv";
    assert_eq!(
        errors_csv(&fr),
        format!(
            "file,line,column,unit_id,member_id,code,message
{g},463,monthly_income,H0000462,,G0101,\"attendu : un montant tel que 1500.50 ou KES 1500 ; le \
nombre a des virgules entre ses milliers : écrivez-le sans séparateur de milliers et avec un point \
avant les décimales (1500, 1500.50) ; donnez à la colonne le format nombre, sans séparateur de \
milliers, avant d'enregistrer le fichier\"
{m},2762,birthdate,H0000693,M00002761,G0101,\"attendu : une date dans l'ordre année-mois-jour, \
telle que 2026-03-01, mais la cellule commence par le jour ou le mois, que les pays lisent \
différemment (01/03 est le 1er mars ou le 3 janvier) ; donnez à la colonne le format date \
AAAA-MM-JJ avant d'enregistrer le fichier\"
{g},925,region,H0000924,,G0102,\"la valeur ne fait pas partie des choix déclarés : North, East, \
South, West ; un choix s'écrit tel qu'il est déclaré, majuscules comprises (les espaces autour de \
la valeur ne comptent pas)\"
{g},1386,,H0001385,,G0104,\"la ligne a 4 cellules, mais l'en-tête en a 13\"
{g},1617,,H0001616,,R0003,`children` calcule un âge à partir d'une date postérieure à la date de \
référence
{g},1849,id,H0001847,,G0106,l'identifiant apparaît deux fois ; le premier est à la ligne 1848
{m},8585,start_date,H0002077,M00008584,G0108,cette date n'existe pas : le mois ou le jour est hors \
limites
{g},2310,,H0002308,,R0001,division par zéro dans `income_per_person`
{g},2541,monthly_income,H0002539,,G0101,\"le montant est en USD, mais cette donnée est en KES\"
{m},11592,group_id,,M00011591,G0105,la ligne du membre n'a pas d'identifiant de groupe
{m},12531,group_id,,M00012530,G0107,\"le groupe du membre, `H9999999`, n'est pas dans le fichier \
des groupes\"
"
        )
    );
    // English, as it read (a choice's record no longer names its column twice).
    let r = run("examples/registry", &en, "en");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let o = en.display();
    assert_eq!(
        r.stderr,
        format!(
            "warning: examples/registry/groups.csv:463: column `monthly_income`: expected an amount \
such as 1500.50 or KES 1500; the number has commas between its thousands: write it with no \
thousands separator and a point before any decimals (1500, 1500.50); format the column as a number \
without a thousands separator before saving the file [G0101] (unit H0000462)
warning: examples/registry/members.csv:2762: column `birthdate`: expected a date in year-month-day \
order, such as 2026-03-01, but the cell has the day or the month first, which countries read \
differently (01/03 is the 1st of March or the 3rd of January); format the column as a date in the \
form yyyy-mm-dd before saving the file [G0101] (unit H0000693, member M00002761)
warning: examples/registry/groups.csv:925: column `region`: the value is not one of the declared \
choices: North, East, South, West; written as declared, capitals included (spaces around the value \
do not count) [G0102] (unit H0000924)
warning: examples/registry/groups.csv:1386: the row has 4 cells, but the header has 13 [G0104] \
(unit H0001385)
warning: examples/registry/groups.csv:1617: `children` computes an age from a date after the as-of \
date [R0003] (unit H0001616)
note: 6 more error records in {o}/errors.csv
"
        )
    );
    let english = errors_csv(&en);
    assert!(english.contains(
        "\n{g},2541,monthly_income,H0002539,,G0101,\"the amount is in USD, but this input is in KES\"\n"
            .replace("{g}", g)
            .as_str()
    ));
    assert!(english.ends_with(&format!(
        "\n{m},12531,group_id,,M00012530,G0107,the member's group `H9999999` is not in the groups \
         file\n"
    )));
}

/// Each kind of row problem the example lacks, one per unit, in French and in English.
#[test]
fn every_kind_of_row_error_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("reg");
    std::fs::create_dir_all(&reg).unwrap();
    let mut groups = b"id,region,monthly_income,monthly_income_currency,enrolled_in_pension\n\
H01,North,5000,USD,false\nH02,North,1 500,,false\n,North,10,,false\nH03,North,10,,false\n\
H03,North,10,,false\nH04,Nor"
        .to_vec();
    // A Windows-1252 `é`.
    groups.push(0xe9);
    groups.extend_from_slice(
        b"th,10,,false\nH05,North,10,,false\nH06,North,10,,false\nH07,North,10,,false\n\
H08,North,10,,false\nH09,North,10,,false\nH10,North,\"10,false\n",
    );
    std::fs::write(reg.join("groups.csv"), groups).unwrap();
    std::fs::write(
        reg.join("members.csv"),
        "id,group_id,kind,start_date,end_date,birthdate,disabled\n\
M5,H05,head,,,45292,false\nM6,H06,head,,,20200101,false\nM7,H07,head,,,2020-1-5,false\n\
M8,H08,head,2026-02-01,2026-01-01,1990-01-01,false\nM9,H09,head,,,1990-01-01,false\n\
M9,H09,head,,,1990-01-01,false\n",
    )
    .unwrap();
    let registry = reg.display().to_string();
    let out = dir.path().join("fr");
    let r = run(&registry, &out, "fr");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (g, m) = (reg.join("groups.csv"), reg.join("members.csv"));
    let (g, m) = (g.display(), m.display());
    assert_eq!(
        errors_csv(&out),
        format!(
            "file,line,column,unit_id,member_id,code,message
{g},2,monthly_income,H01,,G0103,\"le montant est en USD, mais cette donnée est en KES\"
{g},3,monthly_income,H02,,G0101,\"attendu : un montant tel que 1500.50 ou KES 1500 ; le nombre a \
des espaces entre ses milliers : écrivez-le sans séparateur de milliers et avec un point avant les \
décimales (1500, 1500.50) ; donnez à la colonne le format nombre, sans séparateur de milliers, \
avant d'enregistrer le fichier\"
{g},4,id,,,G0105,la ligne n'a pas d'identifiant
{g},5,,H03,,R0001,division par zéro dans `income_per_person`
{g},6,id,H03,,G0106,l'identifiant apparaît deux fois ; le premier est à la ligne 5
{g},7,region,H04,,G0109,la cellule n'est pas un texte UTF-8 valide ; le fichier semble enregistré \
dans un autre encodage (tel que Windows-1252) : enregistrez-le au format « CSV UTF-8 »
{m},2,birthdate,H05,M5,G0101,\"attendu : une date telle que 2026-03-01, mais la cellule contient \
un nombre, comme un tableur enregistre une date dont la colonne a le format nombre (un nombre de \
jours) ; donnez à la colonne le format date AAAA-MM-JJ avant d'enregistrer le fichier\"
{m},3,birthdate,H06,M6,G0101,\"attendu : une date telle que 2026-03-01, avec des traits d'union \
entre l'année, le mois et le jour\"
{m},4,birthdate,H07,M7,G0101,\"attendu : une date telle que 2026-03-01 : l'année, puis le mois et \
le jour sur deux chiffres chacun, séparés par des traits d'union ; donnez à la colonne le format \
date AAAA-MM-JJ avant d'enregistrer le fichier\"
{m},5,end_date,H08,M8,G0108,l'appartenance se termine avant de commencer
{m},7,id,H09,M9,G0106,\"le membre apparaît deux fois dans ce groupe, pour les mêmes jours ; le \
premier est à la ligne 6\"
{g},13,,H10,,G0104,\"un guillemet s'ouvre dans la cellule 3 et ne se ferme jamais (le fichier se \
termine à l'intérieur) ; la ligne n'est pas lue, les lignes qui la suivent le sont\"
"
        )
    );
    assert!(r.stderr.starts_with(&format!(
        "avertissement : {g}:2 : colonne `monthly_income` : le montant est en USD, mais cette \
         donnée est en KES [G0103] (unité H01)\n"
    )));
    let out = dir.path().join("en");
    let r = run(&registry, &out, "en");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let english = errors_csv(&out);
    for line in [
        format!(
            "{g},2,monthly_income,H01,,G0103,\"the amount is in USD, but this input is in KES\""
        ),
        format!("{g},6,id,H03,,G0106,the id appears twice; the first is on line 5"),
        format!("{m},5,end_date,H08,M8,G0108,the membership ends before it starts"),
        format!(
            "{g},13,,H10,,G0104,\"a quote opens in cell 3 and is never closed (the file ends \
             inside it); the row is not read, the lines after it are\""
        ),
    ] {
        assert!(
            english.contains(&format!("\n{line}\n")),
            "{line}\n{english}"
        );
    }

    // A semicolon-separated file: `1.500` is ambiguous (G0111).
    let semi = dir.path().join("semi");
    std::fs::create_dir_all(&semi).unwrap();
    std::fs::write(
        semi.join("groups.csv"),
        "id;region;monthly_income;enrolled_in_pension\nH1;North;1.500;false\n",
    )
    .unwrap();
    std::fs::write(
        semi.join("members.csv"),
        "id;group_id;kind;birthdate;disabled\nM1;H1;head;1990-01-01;false\n",
    )
    .unwrap();
    let r = run(&semi.display().to_string(), &dir.path().join("s"), "fr");
    assert_eq!(
        r.stderr.lines().next().unwrap_or_default(),
        format!(
            "avertissement : {}:2 : colonne `monthly_income` : le nombre est ambigu dans un fichier \
             séparé par des points-virgules : les tableurs qui séparent les cellules par des \
             points-virgules écrivent la virgule comme marque décimale et un point entre les \
             milliers, si bien qu'un point suivi de trois chiffres peut signifier l'un ou l'autre \
             ; écrivez les milliers sans séparateur (1500) et les décimales avec un point (1.5) ; \
             un nombre à exactement trois décimales en prend une quatrième, zéro (1.2500) [G0111] \
             (unité H1)",
            semi.join("groups.csv").display()
        )
    );
}

/// A registry that cannot be read stops with a French message, and the English one as before.
#[test]
fn stop_errors_in_french_and_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let members = "id,group_id,kind,birthdate\nM1,H1,head,1990-01-01\n";
    // (groups.csv, or None for no groups file; French; English), `{g}` standing for its path.
    let cases: [(Option<&[u8]>, &str, &str); 5] = [
        (
            Some(b"id,region,monthly_incom,enrolled_in_pension\nH1,North,10,false\n"),
            "erreur : {g}:1 : il manque à l'en-tête une colonne dont le programme a besoin : \
             `monthly_income` (vouliez-vous dire `monthly_incom` ?) [G0004]",
            "error: {g}:1: the header lacks a column the program needs: `monthly_income` (did you \
             mean `monthly_incom`?) [G0004]",
        ),
        (
            Some(b""),
            "erreur : {g}:1 : le fichier est vide ; une ligne d'en-tête nommant les colonnes est \
             attendue [G0003]",
            "error: {g}:1: the file is empty; expected a header line naming the columns [G0003]",
        ),
        (
            Some(b"id,region,region,monthly_income\nH1,North,North,10\n"),
            "erreur : {g}:1 : la colonne `region` apparaît deux fois dans l'en-tête [G0005]",
            "error: {g}:1: the column `region` appears twice in the header [G0005]",
        ),
        (
            Some(b"\xff\xfei\x00d\x00,\x00"),
            "erreur : {g}:1 : le fichier est un texte UTF-16 (le « texte Unicode » d'un tableur) ; \
             enregistrez-le au format « CSV UTF-8 » [G0006]",
            "error: {g}:1: the file is UTF-16 text (a spreadsheet's \"Unicode text\"); save it as \
             \"CSV UTF-8\" [G0006]",
        ),
        (
            None,
            "erreur : {r} : aucun fichier des groupes : attendu groups.csv, households.csv (ou \
             .tsv, .jsonl, .parquet) [G0002]",
            "error: {r}: no groups file: expected groups.csv, households.csv (or .tsv, .jsonl, \
             .parquet) [G0002]",
        ),
    ];
    for (k, (groups, french, english)) in cases.iter().enumerate() {
        let reg = dir.path().join(format!("reg{k}"));
        std::fs::create_dir_all(&reg).unwrap();
        std::fs::write(reg.join("members.csv"), members).unwrap();
        if let Some(g) = groups {
            std::fs::write(reg.join("groups.csv"), g).unwrap();
        }
        let path = |t: &str| {
            t.replace("{g}", &reg.join("groups.csv").display().to_string())
                .replace("{r}", &reg.display().to_string())
                + "\n"
        };
        let registry = reg.display().to_string();
        let r = run(&registry, &dir.path().join(format!("fr{k}")), "fr");
        assert_eq!((r.code, r.stderr), (2, path(french)), "{k}");
        let r = run(&registry, &dir.path().join(format!("en{k}")), "en");
        assert_eq!((r.code, r.stderr), (2, path(english)), "{k}");
    }
}

/// The engine parser's own reasons (a cell no export shaped) in French.
#[test]
fn the_parser_s_reasons_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("reg");
    std::fs::create_dir_all(&reg).unwrap();
    std::fs::write(
        reg.join("groups.csv"),
        "id,region,monthly_income,enrolled_in_pension\nH1,North,abc,false\nH2,North,10,maybe\n\
         H3,North,1500.123456789012345678901234567,false\nH4,North,10,false\n",
    )
    .unwrap();
    std::fs::write(
        reg.join("members.csv"),
        "id,group_id,kind,birthdate,disabled\nM4,H4,head,2020-02-30,false\n",
    )
    .unwrap();
    let out = dir.path().join("fr");
    let r = run(&reg.display().to_string(), &out, "fr");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (g, m) = (reg.join("groups.csv"), reg.join("members.csv"));
    let (g, m) = (g.display(), m.display());
    assert_eq!(
        errors_csv(&out),
        format!(
            "file,line,column,unit_id,member_id,code,message
{g},2,monthly_income,H1,,G0101,attendu : un montant tel que 1500.50 ou KES 1500.50
{g},3,enrolled_in_pension,H2,,G0101,\"attendu : une valeur de vérité (`true`/`false`, \
`yes`/`no`, `on`/`off`, `1`/`0`)\"
{g},4,monthly_income,H3,,G0101,\"le nombre a plus de 28 chiffres significatifs, plus qu'un \
décimal exact n'en contient\"
{m},2,birthdate,H4,M4,G0101,cette date n'existe pas : le mois ou le jour est hors limites
"
        )
    );
}

/// The command line's own refusals around a registry, in French and as English said them.
#[test]
fn existing_outputs_and_an_unknown_unit_are_refused_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("errors.csv"), "").unwrap();
    let o = out.join("errors.csv");
    let r = run("examples/registry", &out, "fr");
    assert_eq!(
        (r.code, r.stderr),
        (
            2,
            format!(
                "erreur : {} existe déjà ; rien n'a été écrit (utilisez --force pour l'écraser)\n",
                o.display()
            )
        )
    );
    let r = run("examples/registry", &out, "en");
    assert_eq!(
        r.stderr,
        format!(
            "error: {} already exists; nothing was written (use --force to overwrite)\n",
            o.display()
        )
    );
    let explain = |locale| {
        ran(&[
            "explain",
            CHILD_GRANT,
            "--registry",
            "examples/registry",
            "--as-of",
            "2026-03-01",
            "--id",
            "H7654321",
            "--locale",
            locale,
        ])
    };
    assert_eq!(
        explain("fr").stderr,
        "erreur : il n'y a pas d'unité `H7654321` dans examples/registry/groups.csv\n"
    );
    assert_eq!(
        explain("en").stderr,
        "error: there is no unit `H7654321` in examples/registry/groups.csv\n"
    );
}
