//! The pain.001 files validate against the ISO 20022 XSDs shipped by PyPI `sepaxml` 2.7.0, with
//! `xmllint`. Both must be installed (`pip install sepaxml==2.7.0`, `apt-get install -y
//! libxml2-utils`); the tests fail, never skip, when they are missing.

mod common;

use common::*;
use entitle_payments::{Format, IdType, Payee};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn export(
    format: Format,
    currency: &str,
    payer_extra: &str,
    payees: &HashMap<String, Payee>,
) -> (Fixture, Vec<PathBuf>) {
    let fx = standard_run(currency);
    let cfg = if payer_extra.is_empty() {
        payer()
    } else {
        entitle_payments::PayerConfig::from_toml_str(payer_extra).unwrap()
    };
    let report = fx.export(format, &cfg, payees, "out").unwrap();
    assert!(!report.batches.is_empty());
    let files = report
        .batches
        .iter()
        .map(|b| fx.out("out").join(&b.file))
        .collect();
    (fx, files)
}

fn assert_valid(xsd: &Path, xml: &Path) {
    let (ok, stderr) = xmllint(xsd, xml);
    assert!(
        ok,
        "{} does not validate against {}:\n{stderr}",
        xml.display(),
        xsd.display()
    );
    assert!(stderr.contains("validates"), "{stderr}");
}

#[test]
fn pain001_03_validates_against_its_xsd() {
    let xsd = sepaxml_schemas().join("pain.001.001.03.xsd");
    let (_fx, files) = export(Format::Pain001V03, "EUR", "", &bank_payees());
    for f in &files {
        assert_valid(&xsd, f);
    }
}

#[test]
fn pain001_09_validates_against_its_xsd() {
    let xsd = sepaxml_schemas().join("pain.001.001.09.xsd");
    let (_fx, files) = export(Format::Pain001V09, "EUR", "", &bank_payees());
    for f in &files {
        assert_valid(&xsd, f);
    }
}

/// The validation is real: each version's file fails against the other version's XSD, because of
/// the namespace and of the P5 differences (`ReqdExctnDt/Dt`, `BICFI`).
#[test]
fn each_version_fails_against_the_other_xsd() {
    let schemas = sepaxml_schemas();
    let (_fx3, files3) = export(Format::Pain001V03, "EUR", "", &bank_payees());
    let (_fx9, files9) = export(Format::Pain001V09, "EUR", "", &bank_payees());
    let (ok, _) = xmllint(&schemas.join("pain.001.001.09.xsd"), &files3[0]);
    assert!(!ok, "a .03 file must not validate as .09");
    let (ok, _) = xmllint(&schemas.join("pain.001.001.03.xsd"), &files9[0]);
    assert!(!ok, "a .09 file must not validate as .03");

    // Same namespace, old element forms: the .09 XSD refuses a plain ReqdExctnDt and <BIC>.
    let text = std::fs::read_to_string(&files9[0]).unwrap();
    let broken = text.replace(
        "<ReqdExctnDt>\n        <Dt>2026-03-05</Dt>\n      </ReqdExctnDt>",
        "<ReqdExctnDt>2026-03-05</ReqdExctnDt>",
    );
    assert_ne!(broken, text);
    let path = files9[0].with_file_name("broken.xml");
    std::fs::write(&path, broken).unwrap();
    let (ok, stderr) = xmllint(&schemas.join("pain.001.001.09.xsd"), &path);
    assert!(!ok && stderr.contains("ReqdExctnDt"), "{stderr}");
}

#[test]
fn sepa_variant_validates_in_both_versions() {
    let toml = format!(
        "{}\n",
        PAYER_TOML
            .replace("[pain001]\n", "[pain001]\nsepa = true\n")
            .replace("bic = \"COBADEFFXXX\"\n", "")
    );
    let schemas = sepaxml_schemas();
    for (format, xsd) in [
        (Format::Pain001V03, "pain.001.001.03.xsd"),
        (Format::Pain001V09, "pain.001.001.09.xsd"),
    ] {
        let (_fx, files) = export(format, "EUR", &toml, &bank_payees());
        let xml = std::fs::read_to_string(&files[0]).unwrap();
        assert!(xml.contains("<SvcLvl>\n          <Cd>SEPA</Cd>"));
        assert!(xml.contains("<ChrgBr>SLEV</ChrgBr>"));
        assert!(
            xml.contains("<Id>NOTPROVIDED</Id>"),
            "no debtor BIC: Othr/Id NOTPROVIDED"
        );
        assert_valid(&schemas.join(xsd), &files[0]);
    }
}

/// Outside SEPA, mobile-money and other non-IBAN accounts travel as `CdtrAcct/Id/Othr/Id`, in the
/// program's currency, with their provider as creditor agent (`CdtrAgt/FinInstnId/Othr/Id`): the
/// FSP id or the address's `@provider`, unless the payee has a BIC. Without any, the unit goes to
/// the exceptions: the bank could not tell where the account is.
#[test]
fn non_iban_accounts_in_kes_validate() {
    let mut payees = mobile_payees();
    for p in payees.values_mut() {
        p.id_type = Some(IdType::Msisdn);
    }
    let h02 = payees.get_mut("H02").unwrap();
    h02.financial_address = Some("account:12345@kcb".into());
    h02.id_type = None;
    payees.get_mut("H04").unwrap().fsp_id = Some("equity".into());
    payees.get_mut("H05").unwrap().bic = Some("KCBLKENX".into());
    // A bare identifier names no provider.
    payees.get_mut("H08").unwrap().financial_address = Some("254712000008".into());
    let schemas = sepaxml_schemas();
    for (format, xsd, bic) in [
        (Format::Pain001V03, "pain.001.001.03.xsd", "BIC"),
        (Format::Pain001V09, "pain.001.001.09.xsd", "BICFI"),
    ] {
        let (fx, files) = export(format, "KES", "", &payees);
        let xml = std::fs::read_to_string(&files[0]).unwrap();
        let creditor = |unit_agent: &str, account: &str| {
            format!(
                "        <CdtrAgt>\n          <FinInstnId>\n{unit_agent}          </FinInstnId>\n        \
                 </CdtrAgt>\n        <Cdtr>\n          <Nm>{{}}</Nm>\n        </Cdtr>\n        <CdtrAcct>\n          \
                 <Id>\n            <Othr>\n              <Id>{account}</Id>\n            </Othr>\n"
            )
        };
        let other = |id: &str| {
            format!("            <Othr>\n              <Id>{id}</Id>\n            </Othr>\n")
        };
        for (agent, name, account) in [
            (other("mpesa"), "Amina Njeri", "254712000001"),
            (other("kcb"), "Otieno Odhiambo", "12345"),
            (other("equity"), "Wanjiru Kamau", "254712000004"),
            (
                format!("            <{bic}>KCBLKENX</{bic}>\n"),
                "Zoe Achieng",
                "254733000005",
            ),
        ] {
            let want = creditor(&agent, account).replace("{}", name);
            assert!(xml.contains(&want), "{want}\nin\n{xml}");
        }
        assert_eq!(xml.matches("<CdtrAgt>").count(), 5, "{xml}");
        assert!(xml.contains("Ccy=\"KES\""));
        assert_valid(&schemas.join(xsd), &files[0]);
        let report: serde_json::Value = serde_json::from_slice(
            &std::fs::read(fx.out("out").join(format!("{format}-manifest.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(report["counts"]["exported"], 5, "{format}");
        let csv = std::fs::read_to_string(fx.out("out").join(format!("{format}-exceptions.csv")))
            .unwrap();
        assert!(csv.contains("\nH08,no_payee_fsp,"), "{csv}");
    }
}

/// Without a `note` setting, the note is the program id and the cycle, which must fit SEPA's
/// character set (no `_`); a note the payer wrote is checked as written, and the error says so.
#[test]
fn the_default_note_fits_sepa_and_a_set_note_is_named_as_the_setting() {
    let without_note = PAYER_TOML
        .replace("note = \"Child grant March 2026\"\n", "")
        .replace("[pain001]\n", "[pain001]\nsepa = true\n");
    assert_ne!(without_note, PAYER_TOML);
    let schemas = sepaxml_schemas();
    for (format, xsd) in [
        (Format::Pain001V03, "pain.001.001.03.xsd"),
        (Format::Pain001V09, "pain.001.001.09.xsd"),
    ] {
        let (_fx, files) = export(format, "EUR", &without_note, &bank_payees());
        let xml = std::fs::read_to_string(&files[0]).unwrap();
        assert!(xml.contains("<Ustrd>child grant 2026-03</Ustrd>"), "{xml}");
        assert_valid(&schemas.join(xsd), &files[0]);
    }

    let fx = standard_run("EUR");
    let set = entitle_payments::PayerConfig::from_toml_str(
        &PAYER_TOML.replace("Child grant March 2026", "child_grant March"),
    )
    .unwrap();
    let err = fx
        .export(Format::Pain001V03, &set, &bank_payees(), "set")
        .unwrap_err();
    assert_eq!(err.code(), "P0013");
    assert_eq!(
        err.to_string(),
        "the payer setting `note` (RmtInf/Ustrd) contains U+005F, outside the SWIFT character set of pain.001 without SEPA (a-z A-Z 0-9 / - ? : ( ) . , ' + space) \
         in the pain.001.001.03 format"
    );
    assert_nothing_written(&fx.out("set"));
}

/// Names as registries hold them (decomposed accents, Romanian commas below, Vietnamese double
/// diacritics, typographic apostrophes, no-break spaces, dashes) are written in basic Latin and
/// the file validates, instead of the whole batch being refused.
#[test]
fn names_from_real_registries_are_transliterated() {
    let mut payees = bank_payees();
    let names = [
        ("H01", "Jose\u{301} Pe\u{301}rez", "Jose Perez"),
        ("H02", "\u{218}tefan \u{21A}urcanu", "Stefan Turcanu"),
        ("H04", "Nguy\u{1EC5}n Th\u{1ECB}", "Nguyen Thi"),
        ("H05", "Aoife O\u{2019}Neill", "Aoife O&apos;Neill"),
        (
            "H08",
            "Mar\u{ED}a\u{A0}Jos\u{E9} L\u{F3}pez\u{2013}Garc\u{ED}a",
            "Maria Jose Lopez-Garcia",
        ),
    ];
    for (unit, name, _) in names {
        payees.get_mut(unit).unwrap().name = Some(name.to_string());
    }
    for (format, xsd) in [
        (Format::Pain001V03, "pain.001.001.03.xsd"),
        (Format::Pain001V09, "pain.001.001.09.xsd"),
    ] {
        let (_fx, files) = export(format, "EUR", "", &payees);
        let xml = std::fs::read_to_string(&files[0]).unwrap();
        for (_, _, want) in names {
            assert!(xml.contains(&format!("<Nm>{want}</Nm>")), "{want}: {xml}");
        }
        assert_valid(&sepaxml_schemas().join(xsd), &files[0]);
    }
}

/// A payee whose name (or account id) has no Latin spelling, a Cyrillic or Arabic name, goes to
/// the exceptions file with its own reason; everyone else is paid and the file validates. The
/// payer's own settings still stop the export, naming the setting.
#[test]
fn payee_text_without_a_latin_form_goes_to_the_exceptions() {
    let mut payees = bank_payees();
    payees.get_mut("H02").unwrap().name = Some("\u{41C}\u{430}\u{448}\u{430}".into());
    payees.get_mut("H04").unwrap().name = Some("\u{639}\u{644}\u{64A}".into());
    for (format, xsd) in [
        (Format::Pain001V03, "pain.001.001.03.xsd"),
        (Format::Pain001V09, "pain.001.001.09.xsd"),
    ] {
        let fx = standard_run("EUR");
        let report = fx.export(format, &payer(), &payees, "out").unwrap();
        let reasons = reasons(&report);
        assert_eq!(
            reasons,
            [
                ("H02", "payee_text_outside_charset"),
                ("H04", "payee_text_outside_charset"),
                ("H07", "no_payee"),
                ("H10", "no_payee_name"),
            ],
            "{format}"
        );
        assert_eq!(report.counts.exported, 4, "{format}");
        assert_eq!(report.batches[0].unit_ids, ["H01", "H05", "H08", "H11"]);
        assert_eq!(report.totals.exceptions.to_string(), "7500.50");
        let csv = std::fs::read_to_string(fx.out("out").join(format!("{format}-exceptions.csv")))
            .unwrap();
        assert!(
            csv.contains(
                "H02,payee_text_outside_charset,\"the payee's name or account has characters \
                 outside the format's character set (Latin letters, digits and / - ? : ( ) . , ' +) \
                 that have no Latin spelling; record a Latin spelling of it\",1500.00,EUR"
            ),
            "{csv}"
        );
        assert!(
            !csv.contains('\u{41C}'),
            "no payee text in the exceptions: {csv}"
        );
        let file = fx.out("out").join(&report.batches[0].file);
        assert_valid(&sepaxml_schemas().join(xsd), &file);
    }

    // An account id (outside SEPA, no IBAN) in another script: the same reason.
    let mut mobile = mobile_payees();
    mobile.get_mut("H01").unwrap().financial_address = Some("account:\u{661}\u{662}@kcb".into());
    let fx = standard_run("KES");
    let report = fx
        .export(Format::Pain001V03, &payer(), &mobile, "out")
        .unwrap();
    assert_eq!(
        (
            report.exceptions[0].unit_id.as_str(),
            report.exceptions[0].reason.code()
        ),
        ("H01", "payee_text_outside_charset")
    );

    // The payer's name and account are settings: refused, naming the setting.
    let fx = standard_run("EUR");
    let cyrillic_payer = entitle_payments::PayerConfig::from_toml_str(&PAYER_TOML.replace(
        "name = \"Ministry of Social Protection\"",
        "name = \"\u{41C}\u{438}\u{43D}\u{438}\u{441}\u{442}\u{435}\u{440}\u{441}\u{442}\u{432}\u{43E}\"",
    ))
    .unwrap();
    let err = fx
        .export(Format::Pain001V09, &cyrillic_payer, &payees, "payer")
        .unwrap_err();
    assert_eq!(err.code(), "P0013");
    assert_eq!(
        err.to_string(),
        "the payer setting `name` (Dbtr/Nm) contains U+041C, outside the SWIFT character set of \
         pain.001 without SEPA (a-z A-Z 0-9 / - ? : ( ) . , ' + space) in the pain.001.001.09 format"
    );
    assert_nothing_written(&fx.out("payer"));
    let account_payer = entitle_payments::PayerConfig::from_toml_str(&PAYER_TOML.replace(
        "iban = \"DE89370400440532013000\"",
        "account = \"\u{661}\u{662}\u{663}\"",
    ))
    .unwrap();
    let err = fx
        .export(Format::Pain001V03, &account_payer, &payees, "payer")
        .unwrap_err();
    assert_eq!(err.code(), "P0013");
    assert!(
        err.to_string().starts_with(
            "the payer setting `pain001.account` (DbtrAcct/Id/Othr/Id) contains U+0661"
        ),
        "{err}"
    );
}
