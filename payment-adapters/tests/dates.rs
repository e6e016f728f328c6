//! The dates a batch carries: when it was made (`created_at`), when payment is asked for (the
//! execution date) and, for Mojaloop, when the bulk expires. A file says it was made on the day of
//! the export, never after the day its payment is due, and a bulk cannot expire before that day.

mod common;

use common::*;
use entitle_payments::{
    export_run, ExportOptions, ExportReport, Format, Payees, PayerConfig, PaymentError, PlanOptions,
};

/// The standard payer with `line` replaced by `with` (or taken out).
fn payer_edited(line: &str, with: &str) -> PayerConfig {
    assert!(PAYER_TOML.contains(line), "{line}");
    PayerConfig::from_toml_str(&PAYER_TOML.replacen(line, with, 1)).unwrap()
}

const CREATED: &str = "created_at = \"2026-03-04T09:00:00Z\"\n";
const EXECUTION: &str = "execution_date = 2026-03-05\n";

fn export(
    fx: &Fixture,
    format: Format,
    cfg: &PayerConfig,
    today: Option<&str>,
    out: &str,
) -> Result<ExportReport, PaymentError> {
    let options = ExportOptions {
        payees: Payees::Map(mobile_payees()),
        plan: PlanOptions {
            today: today.map(|t| t.parse().unwrap()),
            ..Default::default()
        },
        ..Default::default()
    };
    export_run(&fx.run(), format, cfg, &fx.out(out), &options)
}

fn json_file(fx: &Fixture, out: &str, name: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(fx.out(out).join(name)).unwrap()).unwrap()
}

/// Without `created_at`, a file made on 2026-03-01 for payment on 2026-03-10 says it was made on
/// 2026-03-01 (at 00:00:00 UTC, so that making it again gives the same bytes), not on 2026-03-10.
#[test]
fn files_are_dated_on_the_day_of_the_export() {
    let fx = standard_run("KES");
    let cfg = payer_edited(
        &format!("{EXECUTION}{CREATED}"),
        "execution_date = 2026-03-10\n",
    );
    let report = export(&fx, Format::G2pConnect, &cfg, Some("2026-03-01"), "a").unwrap();
    assert_eq!(report.created_at, "2026-03-01T00:00:00Z");
    assert_eq!(report.execution_date.to_string(), "2026-03-10");
    let batch = json_file(&fx, "a", "g2p-connect-001.json");
    assert_eq!(batch["header"]["message_ts"], "2026-03-01T00:00:00Z");
    let manifest = json_file(&fx, "a", "g2p-connect-manifest.json");
    assert_eq!(manifest["created_at"], "2026-03-01T00:00:00Z");

    // The same day again: the same bytes.
    export(&fx, Format::G2pConnect, &cfg, Some("2026-03-01"), "b").unwrap();
    assert_eq!(read_dir(&fx.out("a")), read_dir(&fx.out("b")));

    // No day of the export given (a library caller that checks nothing): the execution date's.
    let report = export(&fx, Format::G2pConnect, &cfg, None, "c").unwrap();
    assert_eq!(report.created_at, "2026-03-10T00:00:00Z");
}

/// A `created_at` on a day after the execution date is refused (P0024); one on the execution day
/// itself is a file made the day payment is asked for, and passes.
#[test]
fn a_creation_time_after_the_execution_date_is_refused() {
    let fx = standard_run("KES");
    let late = payer_edited(CREATED, "created_at = \"2026-03-06T00:00:00Z\"\n");
    let err = export(&fx, Format::G2pConnect, &late, Some("2026-03-01"), "late").unwrap_err();
    assert_eq!(err.code(), "P0024");
    assert_eq!(
        err.to_string(),
        "the payer setting `created_at` (2026-03-06T00:00:00Z) must be on or before the execution \
         date, 2026-03-05; correct it in the payer configuration, or leave it out for the default \
         (the start of the day of the export)"
    );
    assert_nothing_written(&fx.out("late"));
    // Nothing payable: refused all the same, as the manifest would carry the date.
    let none = Fixture::new(&[decision("H1", "not_eligible", "KES", None)]);
    let err = export(&none, Format::PhEe, &late, None, "none").unwrap_err();
    assert_eq!(err.code(), "P0024");

    let same_day = payer_edited(CREATED, "created_at = \"2026-03-05T23:59:59Z\"\n");
    let report = export(&fx, Format::PhEe, &same_day, Some("2026-03-01"), "ok").unwrap();
    assert_eq!(report.created_at, "2026-03-05T23:59:59Z");
}

/// A Mojaloop `bulk_expiration` must be after the creation time and the start of the execution
/// date: a bulk that has expired when it is made, or before payment is due, is refused (P0024)
/// instead of being written as it is.
#[test]
fn a_mojaloop_bulk_expiration_before_payment_is_due_is_refused() {
    let fx = standard_run("KES");
    // created_at 2026-03-04T09:00:00Z, execution date 2026-03-05.
    let with_expiration = |t: &str| {
        payer_edited(
            "payer_fsp = \"treasury-dfsp\"\n",
            &format!("payer_fsp = \"treasury-dfsp\"\nbulk_expiration = \"{t}\"\n"),
        )
    };
    for (i, expiration) in [
        "2026-02-01T00:00:00Z",
        "2026-03-04T09:00:00Z",
        "2026-03-04T12:00:00Z",
        "2026-03-05T00:00:00Z",
    ]
    .into_iter()
    .enumerate()
    {
        let out = format!("refused{i}");
        let err = export(
            &fx,
            Format::Mojaloop,
            &with_expiration(expiration),
            Some("2026-03-01"),
            &out,
        )
        .unwrap_err();
        assert_eq!(err.code(), "P0024", "{expiration}: {err}");
        assert_nothing_written(&fx.out(&out));
    }
    let err = export(
        &fx,
        Format::Mojaloop,
        &with_expiration("2026-02-01T00:00:00Z"),
        None,
        "x",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the payer setting `mojaloop.bulk_expiration` (2026-02-01T00:00:00.000Z) must be after \
         the creation time, 2026-03-04T09:00:00.000Z, and the start of the execution date, \
         2026-03-05T00:00:00.000Z; correct it in the payer configuration, or leave it out for the \
         default (7 days after the execution date)"
    );

    let report = export(
        &fx,
        Format::Mojaloop,
        &with_expiration("2026-03-05T00:00:01Z"),
        Some("2026-03-01"),
        "ok",
    )
    .unwrap();
    let file = &report.batches[0].file;
    let request = json_file(&fx, "ok", file);
    assert_eq!(
        request["options"]["bulkExpiration"],
        "2026-03-05T00:00:01.000Z"
    );
    // Left out: 7 days after the execution date.
    let report = export(
        &fx,
        Format::Mojaloop,
        &payer(),
        Some("2026-03-01"),
        "default",
    )
    .unwrap();
    let request = json_file(&fx, "default", &report.batches[0].file);
    assert_eq!(
        request["options"]["bulkExpiration"],
        "2026-03-12T00:00:00.000Z"
    );
}
