//! A payee value that fails its check (a mistyped IBAN, MSISDN or e-mail, a BIC of the wrong
//! shape, an FSP id over 32 characters, an identifier with a comma or a quote) sends only that
//! unit to the exceptions, with a reason that names the field to correct, in every format; the
//! others are exported, pain.001 files still validate, and the value is written nowhere. An export
//! that would pay no one while payee values are malformed stops (P0008): a column mapped to the
//! wrong field must not pass for a finished, empty export.

mod common;

use common::*;
use entitle_payments::{Format, IdType, Payee, PaymentError};
use std::collections::HashMap;

const NOT_PAIN: [Format; 4] = [
    Format::G2pConnect,
    Format::G2pBridge,
    Format::Mojaloop,
    Format::PhEe,
];
const PAIN: [Format; 2] = [Format::Pain001V03, Format::Pain001V09];

/// One malformed value given to H01 of the standard run.
struct Case {
    what: &'static str,
    formats: &'static [Format],
    /// Sets H01's malformed value.
    set: fn(&mut Payee),
    reason: &'static str,
    /// A part of the value that must appear in no output.
    secret: &'static str,
}

/// A valid German IBAN with one digit mistyped: the mod-97 checksum fails.
fn mistyped_iban() -> String {
    let mut good = iban("DE", "987654320000000055");
    good.pop();
    good.push('6');
    good
}

fn account(p: &mut Payee, id: &str, kind: IdType) {
    p.financial_address = Some(id.to_string());
    p.id_type = Some(kind);
    p.fsp_id = Some("mpesa".into());
}

const CASES: &[Case] = &[
    Case {
        what: "a G2P Connect address without `@provider`",
        formats: &[Format::G2pConnect],
        set: |p| p.financial_address = Some("0799123456".into()),
        reason: "malformed_payee_address",
        secret: "0799123456",
    },
    Case {
        what: "an address with a space",
        formats: &NOT_PAIN,
        set: |p| p.financial_address = Some("mobile:2547 88000001@mpesa".into()),
        reason: "malformed_payee_address",
        secret: "2547 88000001",
    },
    Case {
        what: "an MSISDN with letters",
        formats: &[Format::Mojaloop, Format::PhEe],
        set: |p| p.financial_address = Some("mobile:07123ABC9@mpesa".into()),
        reason: "malformed_payee_address",
        secret: "07123ABC9",
    },
    Case {
        what: "an MSISDN of 16 digits",
        formats: &[Format::Mojaloop, Format::PhEe],
        set: |p| account(p, "+4444333322221111", IdType::Msisdn),
        reason: "malformed_payee_address",
        secret: "4444333322221111",
    },
    Case {
        what: "an e-mail address without `@`",
        formats: &[Format::Mojaloop, Format::PhEe],
        set: |p| account(p, "amina.njeri.example.org", IdType::Email),
        reason: "malformed_payee_address",
        secret: "amina.njeri",
    },
    Case {
        what: "an ACCOUNT_ID with a comma",
        formats: &NOT_PAIN,
        set: |p| account(p, "1001,777", IdType::AccountId),
        reason: "malformed_payee_address",
        secret: "1001,777",
    },
    Case {
        what: "an ALIAS with a double quote",
        formats: &NOT_PAIN,
        set: |p| account(p, "ali\"quote77", IdType::Alias),
        reason: "malformed_payee_address",
        secret: "quote77",
    },
    Case {
        what: "an identifier of 257 characters",
        formats: &NOT_PAIN,
        set: |p| account(p, &"9".repeat(257), IdType::AccountId),
        reason: "malformed_payee_address",
        secret: "9999999999999999999999999999999999999999",
    },
    Case {
        what: "an IBAN as the financial address, mistyped",
        formats: &[Format::Mojaloop, Format::PhEe],
        set: |p| account(p, &mistyped_iban(), IdType::Iban),
        reason: "malformed_payee_address",
        secret: "98765432000000005",
    },
    Case {
        what: "a mistyped IBAN beside a good address",
        formats: &[Format::PhEe],
        set: |p| p.iban = Some(mistyped_iban()),
        reason: "malformed_payee_iban",
        secret: "98765432000000005",
    },
    Case {
        what: "an FSP id of 33 characters",
        formats: &[Format::Mojaloop, Format::PhEe],
        set: |p| p.fsp_id = Some("q".repeat(33)),
        reason: "malformed_payee_fsp",
        secret: "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
    },
    Case {
        what: "an address whose provider has 33 characters",
        formats: &[Format::Mojaloop, Format::PhEe],
        set: |p| {
            p.financial_address = Some(format!("mobile:254712000001@{}", "w".repeat(33)));
        },
        reason: "malformed_payee_fsp",
        secret: "wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww",
    },
    Case {
        what: "an FSP id with a space",
        formats: &[Format::Mojaloop, Format::PhEe],
        set: |p| p.fsp_id = Some("m pesa".into()),
        reason: "malformed_payee_fsp",
        secret: "m pesa",
    },
];

/// pain.001 cases, on the bank payees (IBANs).
const PAIN_CASES: &[Case] = &[
    Case {
        what: "a mistyped IBAN",
        formats: &PAIN,
        set: |p| p.iban = Some(mistyped_iban()),
        reason: "malformed_payee_iban",
        secret: "98765432000000005",
    },
    Case {
        what: "an IBAN a digit short",
        formats: &PAIN,
        set: |p| p.iban = Some(iban("DE", "98765432000000005")),
        reason: "malformed_payee_iban",
        secret: "98765432000000005",
    },
    Case {
        what: "a mistyped IBAN as the financial address",
        formats: &PAIN,
        set: |p| {
            p.iban = None;
            p.financial_address = Some(mistyped_iban());
        },
        reason: "malformed_payee_address",
        secret: "98765432000000005",
    },
    Case {
        what: "a BIC of 7 characters",
        formats: &PAIN,
        set: |p| p.bic = Some("ZZQQDEF".into()),
        reason: "malformed_payee_bic",
        secret: "ZZQQDE",
    },
    Case {
        what: "a BIC with a 1 as its location",
        formats: &PAIN,
        set: |p| p.bic = Some("ZZQQDE1X".into()),
        reason: "malformed_payee_bic",
        secret: "ZZQQDE",
    },
];

/// Every file of an output directory as text, one after the other.
fn all_output(out: &std::path::Path) -> String {
    read_dir(out)
        .into_values()
        .map(|b| String::from_utf8_lossy(&b).to_string())
        .collect()
}

fn check(case: &Case, format: Format, payees: HashMap<String, Payee>, currency: &str) {
    let mut payees = payees;
    (case.set)(payees.get_mut("H01").unwrap());
    let fx = standard_run(currency);
    let what = format!("{format}, {}", case.what);
    let report = fx
        .export(format, &payer(), &payees, "out")
        .unwrap_or_else(|e| panic!("{what}: {} {e}", e.code()));
    let h10 = if PAIN.contains(&format) {
        "no_payee_name"
    } else {
        "no_financial_address"
    };
    assert_eq!(
        reasons(&report),
        [("H01", case.reason), ("H07", "no_payee"), ("H10", h10)],
        "{what}"
    );
    assert_eq!(paid(&report), ["H02", "H04", "H05", "H08", "H11"], "{what}");
    let out = fx.out("out");
    let exceptions = std::fs::read_to_string(out.join(format!("{format}-exceptions.csv"))).unwrap();
    assert!(
        exceptions.contains(&format!("\nH01,{},\"the payee's ", case.reason)),
        "{what}: {exceptions}"
    );
    assert!(
        !all_output(&out).contains(case.secret),
        "{what}: the value was written"
    );
    assert_valid_pain001(format, &out, &report);
}

#[test]
fn a_malformed_payee_value_sends_only_its_unit_to_the_exceptions() {
    for case in CASES {
        for &format in case.formats {
            check(case, format, mobile_payees(), "KES");
        }
    }
    for case in PAIN_CASES {
        for &format in case.formats {
            check(case, format, bank_payees(), "EUR");
        }
    }
    // With SEPA too, a mistyped IBAN waits in the exceptions and the others are paid.
    let mut payees = bank_payees();
    payees.get_mut("H02").unwrap().iban = Some(mistyped_iban());
    let fx = standard_run("EUR");
    let report = fx
        .export(Format::Pain001V09, &sepa_payer(), &payees, "sepa")
        .unwrap();
    assert_eq!(reasons(&report)[0], ("H02", "malformed_payee_iban"));
    assert_eq!(paid(&report), ["H01", "H04", "H05", "H08", "H11"]);
    assert_valid_pain001(Format::Pain001V09, &fx.out("sepa"), &report);
}

/// Several malformed values in one batch: each unit gets its own reason.
#[test]
fn each_malformed_unit_gets_the_reason_of_its_field() {
    let mut payees = mobile_payees();
    payees.get_mut("H01").unwrap().financial_address = Some("mobile:07123ABC9@mpesa".into());
    payees.get_mut("H02").unwrap().iban = Some(mistyped_iban());
    payees.get_mut("H04").unwrap().fsp_id = Some("q".repeat(33));
    let fx = standard_run("KES");
    let report = fx.export(Format::PhEe, &payer(), &payees, "out").unwrap();
    assert_eq!(
        reasons(&report),
        [
            ("H01", "malformed_payee_address"),
            ("H02", "malformed_payee_iban"),
            ("H04", "malformed_payee_fsp"),
            ("H07", "no_payee"),
            ("H10", "no_financial_address"),
        ]
    );
    assert_eq!(paid(&report), ["H05", "H08", "H11"]);
    assert_eq!(
        report.counts.exported + report.counts.exceptions,
        report.counts.payable
    );
}

/// Exports and expects the all-malformed refusal; checks that nothing was written.
fn refused(fx: &Fixture, format: Format, payees: &HashMap<String, Payee>, out: &str) -> String {
    let err: PaymentError = match fx.export(format, &payer(), payees, out) {
        Ok(report) => panic!("{format}: export succeeded: {:?}", report.exceptions),
        Err(e) => e,
    };
    assert_eq!(err.code(), "P0008", "{format}: {err}");
    assert_nothing_written(&fx.out(out));
    err.to_string()
}

/// A payee column mapped to the wrong field (the names as accounts) makes every payee malformed:
/// the export stops, naming the reason, the count and the first unit, never a value. A batch left
/// empty for other reasons (no payee at all) is still written, as before.
#[test]
fn an_export_that_pays_no_one_because_of_malformed_values_stops() {
    let fx = standard_run("KES");
    let mut names_as_accounts = mobile_payees();
    for p in names_as_accounts.values_mut() {
        p.financial_address.clone_from(&p.name);
        p.fsp_id = Some("mpesa".into());
    }
    for format in NOT_PAIN {
        let msg = refused(&fx, format, &names_as_accounts, &format!("names-{format}"));
        assert_eq!(
            msg,
            format!(
                "nothing to export for the {format} format: none of the 8 unit(s) to pay can be \
                 exported, and 7 have a malformed payee value (malformed_payee_address 7; first: \
                 unit H01); is a payee column mapped to the wrong field? Correct the mapping, or \
                 the registry"
            )
        );
        assert!(!msg.contains("Amina") && !msg.contains("Njeri"), "{msg}");
    }
    // pain.001: names given as IBANs (H10 has no name, so no IBAN either).
    let fx = standard_run("EUR");
    let mut names_as_ibans = bank_payees();
    for p in names_as_ibans.values_mut() {
        p.iban.clone_from(&p.name);
    }
    for format in PAIN {
        let msg = refused(&fx, format, &names_as_ibans, &format!("names-{format}"));
        assert!(
            msg.contains(
                "and 6 have a malformed payee value (malformed_payee_iban 6; first: unit H01)"
            ),
            "{msg}"
        );
        assert!(!msg.contains("Beneficiary"), "{msg}");
    }

    // One malformed unit and no other to pay (the rest without a payee): still nothing to export.
    let fx = standard_run("KES");
    let mut lone = mobile_payees();
    lone.retain(|k, _| k == "H04");
    lone.get_mut("H04").unwrap().fsp_id = Some("q".repeat(33));
    let msg = refused(&fx, Format::Mojaloop, &lone, "lone");
    assert!(
        msg.contains("and 1 have a malformed payee value (malformed_payee_fsp 1; first: unit H04)"),
        "{msg}"
    );

    // No payee at all: an empty batch with every unit in the exceptions, as before this guard.
    let report = fx
        .export(Format::Mojaloop, &payer(), &HashMap::new(), "none")
        .unwrap();
    assert_eq!((report.counts.exported, report.counts.exceptions), (0, 8));
    assert!(report.batches.is_empty());
    assert!(fx.out("none").join("mojaloop-exceptions.csv").is_file());

    // A single good unit is enough for the malformed ones to be exceptions.
    let mut one_good = names_as_accounts.clone();
    one_good.insert("H11".into(), mobile_payees()["H11"].clone());
    let report = fx
        .export(Format::G2pConnect, &payer(), &one_good, "one-good")
        .unwrap();
    assert_eq!(paid(&report), ["H11"]);
    assert_eq!(report.counts.exceptions, 7);
}

/// A lone unit to pay with a malformed value: nothing to export, so the export stops (P0008),
/// naming the unit and the reason, never the value. A lone unit whose name the format cannot
/// write (not a malformed value) leaves an empty batch, written as before.
#[test]
fn a_lone_malformed_payee_stops_the_export() {
    let fx = Fixture::new(&[decision("H01", "eligible", "KES", Some("1500"))]);
    for (format, fa) in [
        (Format::G2pConnect, "0712345678"),
        (Format::Mojaloop, "mobile:07123ABC@mpesa"),
        (Format::PhEe, "mobile:0712-345@mpesa"),
    ] {
        let mut payees = mobile_payees();
        payees.retain(|k, _| k == "H01");
        payees.get_mut("H01").unwrap().financial_address = Some(fa.into());
        let msg = refused(&fx, format, &payees, &format!("lone-{format}"));
        assert!(
            msg.contains("none of the 1 unit(s) to pay")
                && msg.contains("(malformed_payee_address 1; first: unit H01)")
                && !msg.contains(fa)
                && !msg.contains("Amina"),
            "{msg}"
        );
    }
    let fx = Fixture::new(&[decision("H01", "eligible", "EUR", Some("1500"))]);
    let mut bad_name = bank_payees();
    bad_name.retain(|k, _| k == "H01");
    bad_name.get_mut("H01").unwrap().name = Some("Ali & Sons".into());
    let report = fx
        .export(Format::Pain001V09, &payer(), &bad_name, "name")
        .unwrap();
    assert_eq!(report.counts.exported, 0);
    assert_eq!(reasons(&report), [("H01", "payee_text_outside_charset")]);
}
