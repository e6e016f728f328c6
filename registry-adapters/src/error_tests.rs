//! Tests of the registry's errors: codes, and every message in English (as before the
//! catalogue) and in French.

use super::*;

#[test]
fn codes_are_stable_and_messages_name_the_file() {
    let e = RegistryError::MissingColumns {
        path: "g.csv".into(),
        columns: vec!["region".into()],
        help: None,
    };
    assert_eq!(e.code(), "G0004");
    assert_eq!(
        e.to_string(),
        "g.csv:1: the header lacks a column the program needs: `region`"
    );
    let e = RegistryError::Malformed {
        path: "m.csv".into(),
        line: 7,
        reason: "broken".into(),
    };
    assert_eq!(
        (e.code(), e.to_string().as_str()),
        ("G0006", "m.csv:7: broken")
    );
    let mut all = codes::ALL.to_vec();
    all.dedup();
    assert_eq!(all.len(), codes::ALL.len());
}

/// Every variant, as English said it before the catalogue (byte for byte) and in French. The
/// reasons that databases, stores and DCI files give inside G0010–G0014 (`r(…)` here) are
/// still English text: their frame is French.
#[test]
fn every_stop_error_is_said_in_english_as_before_and_in_french() {
    use entitle_dsl::locale::catalog;
    let r = |t: &str| Reason::from(t);
    let db = || "postgres://entitle@db:5432/registry".to_string();
    let cases: Vec<(RegistryError, &str, &str)> =
        vec![
        (
            RegistryError::io("open", "g.csv", std::io::Error::other("No such file")),
            "g.csv: cannot open: No such file",
            "g.csv : impossible d'ouvrir le fichier : No such file",
        ),
        (
            RegistryError::io("read", "g.csv", std::io::Error::other("Is a directory")),
            "g.csv: cannot read: Is a directory",
            "g.csv : impossible de lire le fichier : Is a directory",
        ),
        (
            RegistryError::NotFound {
                path: "reg".into(),
                reason: Reason::with("G0002.groups", &[("names", "groups.csv")]),
            },
            "reg: no groups file: expected groups.csv (or .tsv, .jsonl, .parquet)",
            "reg : aucun fichier des groupes : attendu groups.csv (ou .tsv, .jsonl, .parquet)",
        ),
        (
            RegistryError::NoHeader { path: "g.csv".into() },
            "g.csv:1: the file is empty; expected a header line naming the columns",
            "g.csv:1 : le fichier est vide ; une ligne d'en-tête nommant les colonnes est attendue",
        ),
        (
            RegistryError::MissingColumns {
                path: "g.csv".into(),
                columns: vec!["monthly_income".into()],
                help: Some(Reason::with("G0004.closest", &[("column", "monthly_incom")])),
            },
            "g.csv:1: the header lacks a column the program needs: `monthly_income` (did you \
             mean `monthly_incom`?)",
            "g.csv:1 : il manque à l'en-tête une colonne dont le programme a besoin : \
             `monthly_income` (vouliez-vous dire `monthly_incom` ?)",
        ),
        (
            RegistryError::MissingColumns {
                path: "g.csv".into(),
                columns: vec!["region".into(), "id".into()],
                help: None,
            },
            "g.csv:1: the header lacks columns the program needs: `region`, `id`",
            "g.csv:1 : il manque à l'en-tête des colonnes dont le programme a besoin : \
             `region`, `id`",
        ),
        (
            RegistryError::DuplicateColumn {
                path: "g.csv".into(),
                column: "region".into(),
            },
            "g.csv:1: the column `region` appears twice in the header",
            "g.csv:1 : la colonne `region` apparaît deux fois dans l'en-tête",
        ),
        (
            RegistryError::Malformed {
                path: "g.csv".into(),
                line: 1,
                reason: Reason::key("G0006.utf16_csv"),
            },
            "g.csv:1: the file is UTF-16 text (a spreadsheet's \"Unicode text\"); save it as \
             \"CSV UTF-8\"",
            "g.csv:1 : le fichier est un texte UTF-16 (le « texte Unicode » d'un tableur) ; \
             enregistrez-le au format « CSV UTF-8 »",
        ),
        (
            RegistryError::NotSorted {
                path: "m.csv".into(),
                line: 9,
                what: "group id",
            },
            "m.csv:9: the rows are not sorted by group id",
            "m.csv:9 : les lignes ne sont pas triées par identifiant de groupe",
        ),
        (
            RegistryError::NotSorted {
                path: "g.csv".into(),
                line: 4,
                what: "id",
            },
            "g.csv:4: the rows are not sorted by id",
            "g.csv:4 : les lignes ne sont pas triées par identifiant",
        ),
        (
            RegistryError::Unsupported {
                reason: Reason::with(
                    "G0008.kind_of_file",
                    &[("file", "g.xlsx"), ("extensions", ".csv, .tsv")],
                ),
            },
            "g.xlsx: cannot read this kind of file; expected .csv, .tsv",
            "g.xlsx : impossible de lire ce type de fichier ; attendu : .csv, .tsv",
        ),
        (
            RegistryError::Database {
                database: db(),
                action: "read res_partner".into(),
                reason: "connection reset by peer".into(),
            },
            "postgres://entitle@db:5432/registry: cannot read res_partner: connection reset \
             by peer",
            "postgres://entitle@db:5432/registry : échec de la lecture de res_partner : \
             connection reset by peer",
        ),
        (
            RegistryError::Database {
                database: "store.db".into(),
                action: "record the decisions".into(),
                reason: "database is locked".into(),
            },
            "store.db: cannot record the decisions: database is locked",
            "store.db : échec de l'enregistrement des décisions : database is locked",
        ),
        (
            RegistryError::MissingTable {
                database: db(),
                table: "res_partner".into(),
                reason: r("registrants (OpenG2P/OpenSPP)"),
            },
            "postgres://entitle@db:5432/registry: there is no table `res_partner` \
             (registrants (OpenG2P/OpenSPP))",
            "postgres://entitle@db:5432/registry : il n'y a pas de table `res_partner` \
             (registrants (OpenG2P/OpenSPP))",
        ),
        (
            RegistryError::MissingColumn {
                database: db(),
                table: "res_partner".into(),
                column: "is_group".into(),
                reason: r("why"),
            },
            "postgres://entitle@db:5432/registry: the table `res_partner` has no column \
             `is_group` (why)",
            "postgres://entitle@db:5432/registry : la table `res_partner` n'a pas de colonne \
             `is_group` (why)",
        ),
        (
            RegistryError::ColumnType {
                database: db(),
                column: "res_partner.x".into(),
                sql_type: "bytea".into(),
                input: r("a membership date"),
            },
            "postgres://entitle@db:5432/registry: the column `res_partner.x` is of type \
             bytea, which cannot be read as a membership date",
            "postgres://entitle@db:5432/registry : la colonne `res_partner.x` est de type \
             bytea, qui ne peut pas être lu comme a membership date",
        ),
        (
            RegistryError::NotDci {
                path: "r.json".into(),
                reason: r("no `message`"),
            },
            "r.json: not a DCI social-registry search response: no `message`",
            "r.json : ce n'est pas une réponse de recherche DCI d'un registre social : no \
             `message`",
        ),
        (
            RegistryError::Store {
                path: "s.db".into(),
                reason: r("newer"),
            },
            "s.db: newer",
            "s.db : newer",
        ),
        (
            RegistryError::Mapping {
                entry: "regoin=x".into(),
                reason: Reason::with(
                    "G0015.no_input.closest",
                    &[("input", "regoin"), ("column", "region")],
                ),
            },
            "the mapping `regoin=x` is invalid: the program has no input `regoin`; did you \
             mean `region`?",
            "la correspondance `regoin=x` est invalide : le programme n'a pas de donnée \
             `regoin` ; vouliez-vous dire `region` ?",
        ),
    ];
    let mut seen: Vec<&str> = Vec::new();
    for (e, en, fr) in &cases {
        assert_eq!(e.to_string(), *en, "{}", e.code());
        assert_eq!(e.message(catalog("fr")), *fr, "{}", e.code());
        seen.push(e.code());
    }
    seen.dedup();
    assert_eq!(seen, codes::ALL[..15].to_vec());
}
