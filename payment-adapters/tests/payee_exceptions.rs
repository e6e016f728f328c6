//! One payee whose data a format cannot write goes to the exceptions file with its own reason, and
//! everyone else is exported: control characters in any payee text, a name left empty once its
//! accents are removed, a pain.001 account or agent id longer than its field, a Payment Hub EE
//! identifier with a comma or a quote. pain.001 files still validate against the XSDs.

mod common;

use common::*;
use entitle_payments::{Format, IdType, Payee, PayerConfig};

/// C0 controls (NUL, BEL, tab, line feed, carriage return, escape, unit separator), DEL, and C1
/// controls (the first, NEL, CSI, the last).
const CONTROLS: [char; 11] = [
    '\u{0}', '\u{7}', '\t', '\n', '\r', '\u{1B}', '\u{1F}', '\u{7F}', '\u{80}', '\u{85}', '\u{9F}',
];

#[test]
fn control_characters_in_payee_text_go_to_the_exceptions() {
    for c in CONTROLS {
        // (format, currency, payees, the reason of H10, whether the format writes names)
        let cases = [
            (
                Format::G2pConnect,
                "KES",
                mobile_payees(),
                "no_financial_address",
                true,
            ),
            (
                Format::G2pBridge,
                "KES",
                mobile_payees(),
                "no_financial_address",
                true,
            ),
            (
                Format::Mojaloop,
                "KES",
                mobile_payees(),
                "no_financial_address",
                true,
            ),
            (
                Format::PhEe,
                "KES",
                mobile_payees(),
                "no_financial_address",
                false,
            ),
            (
                Format::Pain001V03,
                "EUR",
                bank_payees(),
                "no_payee_name",
                true,
            ),
            (
                Format::Pain001V09,
                "EUR",
                bank_payees(),
                "no_payee_name",
                true,
            ),
        ];
        for (format, currency, mut payees, h10, writes_names) in cases {
            // H01: a control character inside the name; H02: inside the account (the address,
            // or for pain.001 to IBANs the BIC).
            payees.get_mut("H01").unwrap().name = Some(format!("Amina{c}Njeri"));
            let h02 = payees.get_mut("H02").unwrap();
            if xsd(format).is_some() {
                h02.bic = Some(format!("COBA{c}DEFFXXX"));
            } else {
                h02.financial_address = Some(format!("mobile:254733{c}000002@airtel"));
            }
            let fx = standard_run(currency);
            let report = fx
                .export(format, &payer(), &payees, "out")
                .unwrap_or_else(|e| panic!("{format} U+{:04X}: {} {e}", u32::from(c), e.code()));
            let control = "payee_text_control_characters";
            let mut want = vec![("H02", control), ("H07", "no_payee"), ("H10", h10)];
            let mut exported = vec!["H04", "H05", "H08", "H11"];
            if writes_names {
                want.insert(0, ("H01", control));
            } else {
                // Payment Hub EE has no name column: the name is not written and holds no one back.
                exported.insert(0, "H01");
            }
            assert_eq!(reasons(&report), want, "{format} U+{:04X}", u32::from(c));
            assert_eq!(paid(&report), exported, "{format} U+{:04X}", u32::from(c));
            assert_eq!(report.counts.exported, exported.len(), "{format}");
            let out = fx.out("out");
            let batch = batch_text(&out, &report);
            // (Line feeds end the files' own lines.)
            assert!(
                c == '\n' || !batch.contains(c),
                "{format}: the control character was written"
            );
            assert!(!batch.contains("Njeri"), "{format}: H01's name was written");
            let csv =
                std::fs::read_to_string(out.join(format!("{format}-exceptions.csv"))).unwrap();
            assert!(
                csv.contains("\nH02,payee_text_control_characters,\"the payee's "),
                "{format}: {csv}"
            );
            assert!(
                !csv.contains("Njeri") && (c == '\n' || !csv.contains(c)),
                "no payee text: {csv}"
            );
            assert_valid_pain001(format, &out, &report);
        }
    }
}

#[test]
fn control_characters_in_a_pain001_account_or_agent_id_go_to_the_exceptions() {
    for (format, c) in [
        (Format::Pain001V03, '\u{0}'),
        (Format::Pain001V09, '\u{9B}'),
    ] {
        let mut payees = wallet_payees();
        payees.get_mut("H01").unwrap().financial_address = Some(format!("2547{c}12000001"));
        payees.get_mut("H02").unwrap().fsp_id = Some(format!("air{c}tel"));
        let fx = standard_run("KES");
        let report = fx.export(format, &payer(), &payees, "out").unwrap();
        assert_eq!(
            reasons(&report),
            [
                ("H01", "payee_text_control_characters"),
                ("H02", "payee_text_control_characters"),
                ("H07", "no_payee"),
                ("H10", "no_financial_address"),
            ],
            "{format}"
        );
        assert_eq!(paid(&report), ["H04", "H05", "H08", "H11"], "{format}");
        assert_valid_pain001(format, &fx.out("out"), &report);
    }
}

/// A name that is only accents (combining marks, Arabic vowel signs) has no Latin letters left:
/// the unit goes to the exceptions (`payee_text_outside_charset`, as a name in another script),
/// never a blank `Cdtr/Nm`. A name that is only a tatweel has no Latin form either.
#[test]
fn a_payee_name_left_empty_without_its_accents_goes_to_the_exceptions() {
    let mut payees = bank_payees();
    payees.get_mut("H01").unwrap().name = Some("\u{301}\u{308}".into());
    payees.get_mut("H02").unwrap().name = Some("\u{640}".into());
    payees.get_mut("H04").unwrap().name = Some("\u{64B}\u{650}".into());
    for (format, cfg) in [
        (Format::Pain001V03, payer()),
        (Format::Pain001V09, payer()),
        (Format::Pain001V09, sepa_payer()),
    ] {
        let fx = standard_run("EUR");
        let report = fx
            .export(format, &cfg, &payees, "out")
            .unwrap_or_else(|e| panic!("{format}: {} {e}", e.code()));
        assert_eq!(
            reasons(&report),
            [
                ("H01", "payee_text_outside_charset"),
                ("H02", "payee_text_outside_charset"),
                ("H04", "payee_text_outside_charset"),
                ("H07", "no_payee"),
                ("H10", "no_payee_name"),
            ],
            "{format}"
        );
        assert_eq!(paid(&report), ["H05", "H08", "H11"], "{format}");
        assert!(!batch_text(&fx.out("out"), &report).contains("<Nm></Nm>"));
        assert_valid_pain001(format, &fx.out("out"), &report);
    }

    // An account id that is only accents: the same reason.
    let mut wallets = wallet_payees();
    wallets.get_mut("H01").unwrap().financial_address = Some("\u{301}".into());
    wallets.get_mut("H01").unwrap().fsp_id = Some("mpesa".into());
    let fx = standard_run("KES");
    let report = fx
        .export(Format::Pain001V09, &payer(), &wallets, "out")
        .unwrap_or_else(|e| panic!("{} {e}", e.code()));
    assert_eq!(reasons(&report)[0], ("H01", "payee_text_outside_charset"));
    assert_eq!(paid(&report), ["H02", "H04", "H05", "H08", "H11"]);

    // The payer's own name left empty is a setting: it still stops the export, naming it.
    let accents_only = PayerConfig::from_toml_str(&PAYER_TOML.replace(
        "name = \"Ministry of Social Protection\"",
        "name = \"\u{301}\"",
    ))
    .unwrap();
    let fx = standard_run("EUR");
    let err = fx
        .export(Format::Pain001V09, &accents_only, &bank_payees(), "payer")
        .unwrap_err();
    assert_eq!(err.code(), "P0013");
    assert_eq!(
        err.to_string(),
        "the payer setting `name` (Dbtr/Nm) is empty in the pain.001.001.09 format"
    );
    assert_nothing_written(&fx.out("payer"));
}

/// An account id over 34 characters, or a provider id over 35, cannot be written in pain.001 and
/// is never cut (that would be another account): the unit goes to the exceptions
/// (`payee_account_too_long`). Ids of exactly 34 and 35 characters are written whole.
#[test]
fn a_pain001_account_or_agent_id_longer_than_its_field_goes_to_the_exceptions() {
    let account = |n: usize| format!("account:{}@kcb", "1".repeat(n));
    let mut payees = wallet_payees();
    payees.get_mut("H01").unwrap().financial_address = Some(account(35));
    payees.get_mut("H02").unwrap().fsp_id = Some("F".repeat(36));
    payees.get_mut("H04").unwrap().financial_address = Some(account(34));
    payees.get_mut("H05").unwrap().fsp_id = Some("E".repeat(35));
    for format in [Format::Pain001V03, Format::Pain001V09] {
        let fx = standard_run("KES");
        let report = fx
            .export(format, &payer(), &payees, "out")
            .unwrap_or_else(|e| panic!("{format}: {} {e}", e.code()));
        assert_eq!(
            reasons(&report),
            [
                ("H01", "payee_account_too_long"),
                ("H02", "payee_account_too_long"),
                ("H07", "no_payee"),
                ("H10", "no_financial_address"),
            ],
            "{format}"
        );
        assert_eq!(paid(&report), ["H04", "H05", "H08", "H11"], "{format}");
        assert_eq!(report.totals.exceptions.to_string(), "8000.00");
        let out = fx.out("out");
        let xml = batch_text(&out, &report);
        assert!(
            xml.contains(&format!("<Id>{}</Id>", "1".repeat(34))),
            "{xml}"
        );
        assert!(
            xml.contains(&format!("<Id>{}</Id>", "E".repeat(35))),
            "{xml}"
        );
        assert!(!xml.contains(&"1".repeat(35)) && !xml.contains(&"F".repeat(36)));
        let csv = std::fs::read_to_string(out.join(format!("{format}-exceptions.csv"))).unwrap();
        assert!(
            csv.contains("\nH01,payee_account_too_long,\"the payee's account id"),
            "{csv}"
        );
        assert!(!csv.contains("1111") && !csv.contains("FFFF"), "{csv}");
        assert_valid_pain001(format, &out, &report);
    }

    // The payer's own account id is a setting: too long, it still stops the export.
    let long_account = PayerConfig::from_toml_str(&PAYER_TOML.replace(
        "iban = \"DE89370400440532013000\"",
        &format!("account = \"{}\"", "9".repeat(35)),
    ))
    .unwrap();
    let fx = standard_run("KES");
    let err = fx
        .export(Format::Pain001V03, &long_account, &wallet_payees(), "payer")
        .unwrap_err();
    assert_eq!(err.code(), "P0013");
    assert_eq!(
        err.to_string(),
        "the payer setting `pain001.account` (DbtrAcct/Id/Othr/Id) is 35 characters long, more \
         than 34 in the pain.001.001.03 format"
    );
    assert_nothing_written(&fx.out("payer"));
}

/// The Payment Hub EE reader splits on `,` and knows no quoting: an e-mail identifier with a comma
/// or a double quote sends its unit to the exceptions (`payee_text_breaks_csv`), and the rows of
/// the others still have 15 cells.
#[test]
fn a_ph_ee_identifier_with_a_comma_or_a_quote_goes_to_the_exceptions() {
    let mut payees = mobile_payees();
    let email = |p: &mut Payee, address: &str| {
        p.financial_address = Some(address.into());
        p.id_type = Some(IdType::Email);
    };
    email(payees.get_mut("H01").unwrap(), "amina,njeri@example.org");
    email(payees.get_mut("H02").unwrap(), "\"otieno\"@example.org");
    email(payees.get_mut("H04").unwrap(), "wanjiru@example.org");
    let fx = standard_run("KES");
    let report = fx
        .export(Format::PhEe, &payer(), &payees, "out")
        .unwrap_or_else(|e| panic!("{} {e}", e.code()));
    assert_eq!(
        reasons(&report),
        [
            ("H01", "payee_text_breaks_csv"),
            ("H02", "payee_text_breaks_csv"),
            ("H07", "no_payee"),
            ("H10", "no_financial_address"),
        ]
    );
    assert_eq!(paid(&report), ["H04", "H05", "H08", "H11"]);
    let out = fx.out("out");
    let csv = batch_text(&out, &report);
    assert!(csv.contains(",EMAIL,wanjiru@example.org,"), "{csv}");
    for line in csv.lines() {
        assert_eq!(line.split(',').count(), 15, "{line}");
        assert!(!line.contains('"'), "{line}");
    }
    let exceptions = std::fs::read_to_string(out.join("ph-ee-exceptions.csv")).unwrap();
    assert!(
        exceptions.contains("\nH01,payee_text_breaks_csv,\"the payee's identifier has a comma"),
        "{exceptions}"
    );
    assert!(!exceptions.contains("amina"), "{exceptions}");

    // The payer's own identifier is a setting: with a comma it still stops the export.
    let cfg = PayerConfig::from_toml_str(
        &PAYER_TOML
            .replace(
                "payer_identifier_type = \"MSISDN\"",
                "payer_identifier_type = \"EMAIL\"",
            )
            .replace(
                "payer_identifier = \"254700000001\"",
                "payer_identifier = \"treasury,ops@example.gov\"",
            ),
    )
    .unwrap();
    let err = fx
        .export(Format::PhEe, &cfg, &mobile_payees(), "payer")
        .unwrap_err();
    assert_eq!(err.code(), "P0013");
    assert!(
        err.to_string()
            .starts_with("payer_identifier contains a comma"),
        "{err}"
    );
    assert_nothing_written(&fx.out("payer"));
}
