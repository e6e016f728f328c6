//! Entitle's payment adapters: the approved entitlements of a run, turned into disbursement batches
//! that payment systems accept.
//!
//! Formats ([`Format`]): G2P Connect `disburse`, OpenG2P G2P Bridge 1.0, Payment Hub EE bulk CSV,
//! ISO 20022 `pain.001.001.03` and `.09`, and Mojaloop SDK `bulkTransactions`. Each export:
//!
//! - reads `decisions.jsonl` and `summary.json` from a run directory ([`read_run`]), and refuses
//!   decisions that do not add up to the summary's counts and totals: eligible units with a
//!   positive net cash amount are payable; or `run.jsonl` from a cycle directory: units
//!   whose allocation was approved and is above zero are payable, for the allocated amount;
//! - finds each unit's payee in an account-mapper file or a map from the caller ([`Payee`]); a unit
//!   without a usable payee goes to `<format>-exceptions.csv`, never silently out of the batch;
//! - derives every reference from the program's content hash, the cycle and the unit ([`refs`]), so
//!   exporting twice gives byte-identical files;
//! - checks everything the format demands (currency, digits, addresses, character sets, sizes)
//!   before any file is written, then writes each file atomically;
//! - with a ledger ([`Ledger`], [`SqliteLedger`]), refuses an entitlement already exported in
//!   another batch unless it is explicitly reissued.
//!
//! ```
//! use entitle_payments::{export_run, ExportOptions, Format, Payee, PayerConfig, Payees};
//! use std::collections::HashMap;
//!
//! let dir = tempfile::tempdir()?;
//! let run = dir.path().join("run");
//! std::fs::create_dir(&run)?;
//! let hash = format!("sha256:{}", "ab".repeat(32));
//! std::fs::write(run.join("summary.json"), format!(
//!     r#"{{"program":{{"id":"child_grant","version":"2026.1","hash":"{hash}"}},"as_of":"2026-03-01","registry":"households.csv",
//!       "counts":{{"decisions":2,"eligible":2}},"totals":{{"cash":[{{"currency":"KES","net":"4000"}}]}}}}"#))?;
//! let line = |unit: &str, net: &str| format!(
//!     r#"{{"unit_id":"{unit}","program":{{"id":"child_grant","hash":"{hash}"}},"decision":"eligible","cash":{{"currency":"KES","total":"{net}","fee":"0","net":"{net}"}}}}"#);
//! std::fs::write(run.join("decisions.jsonl"), [line("H1", "2500"), line("H2", "1500")].join("\n"))?;
//!
//! let payer = PayerConfig::from_toml_str(r#"
//!     name = "Ministry of Social Protection"
//!     [g2p_connect]
//!     sender_id = "spmis.example.gov"
//!     payer_fa = "account:1001@treasury"
//! "#)?;
//! let mut payees = HashMap::new();
//! payees.insert("H1".to_string(), Payee {
//!     financial_address: Some("mobile:0712345678@mpesa".into()),
//!     ..Payee::default()
//! });
//! let options = ExportOptions { payees: Payees::Map(payees), ..ExportOptions::default() };
//! let out = dir.path().join("out");
//! let report = export_run(&run, Format::G2pConnect, &payer, &out, &options)?;
//!
//! assert_eq!((report.counts.payable, report.counts.exported, report.counts.exceptions), (2, 1, 1));
//! assert_eq!(report.totals.exported.to_string(), "2500.00");
//! assert!(out.join("g2p-connect-001.json").exists());
//! assert!(std::fs::read_to_string(out.join("g2p-connect-exceptions.csv"))?.contains("H2,no_payee"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(
    clippy::panic,            // a host process must never be brought down by a payment file
    clippy::unwrap_used,      // every failure is a PaymentError with a code
    clippy::expect_used,      // same
    clippy::indexing_slicing, // use get(), so a wrong assumption is an error, not a panic
    missing_docs,             // the public API is what binding users read
)]

pub mod address;
pub mod amount;
pub mod config;
mod cycle;
pub mod error;
pub mod format;
mod formats;
pub mod iban;
mod integrity;
pub mod ledger;
#[cfg(feature = "sqlite")]
pub mod ledger_sqlite;
pub mod payee;
pub mod plan;
pub mod refs;
pub mod report;
pub mod run;
mod summary;
pub mod text;
pub mod writer;

pub use amount::Rounding;
pub use config::{toml_error, PayerConfig};
pub use error::PaymentError;
pub use format::Format;
pub use formats::{BatchSummary, OutputFile};
pub use ledger::{Ledger, LedgerEntry, MemoryLedger};
#[cfg(feature = "sqlite")]
pub use ledger_sqlite::SqliteLedger;
pub use payee::{read_account_mapper, ExceptionReason, IdType, Payee};
pub use plan::{plan_export, ExportPlan, PlanOptions};
pub use report::{Counts, ExceptionRecord, ExportReport, FileSummary, Totals};
pub use run::{read_run, Entitlement, ProgramRef, RunEntitlements};

/// ISO 4217 codes the Mojaloop SDK API v2.1.0 `Currency` enum does not list.
pub use formats::mojaloop::UNSUPPORTED_CURRENCIES as MOJALOOP_UNSUPPORTED_CURRENCIES;
/// The Payment Hub EE columns written, in order (the bulk processor's `csv.columnNames`).
pub use formats::ph_ee::COLUMNS as PH_EE_COLUMNS;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where payees come from.
#[derive(Clone, Debug)]
pub enum Payees {
    /// An account-mapper CSV file (see [`payee`] for its columns).
    Mapper(PathBuf),
    /// A map from unit id to payee, built by the caller (for instance from a registry column, with
    /// groups paid through their head member).
    Map(HashMap<String, Payee>),
}

impl Default for Payees {
    fn default() -> Self {
        Payees::Map(HashMap::new())
    }
}

/// Options of [`export_run`].
#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    /// Where payees come from.
    pub payees: Payees,
    /// A SQLite file holding the payment ledger (created if missing). Without it, nothing stops a
    /// second export of the same entitlements except the deterministic references.
    pub ledger: Option<PathBuf>,
    /// Overwrite existing output files.
    pub force: bool,
    /// Cycle, reissues, skipping, ledger time.
    pub plan: PlanOptions,
}

/// Exports a run's payable entitlements in one format: the CLI's `entitle pay RUN_DIR --format
/// FORMAT --payer PAYER.toml --out DIR`.
///
/// Writes into the directory `out` (created if needed) the batch files (`<format>-001.<ext>` …;
/// G2P Bridge adds `g2p-bridge-envelope.json`), `<format>-exceptions.csv` and
/// `<format>-manifest.json` (the returned report). Nothing is written unless the whole export is
/// valid; with a ledger, the entitlements are recorded before the files are written (a failed write
/// can be repeated: it gives the same batch and the same files).
///
/// # Errors
/// Any [`PaymentError`]; see [`plan_export`] for the input errors, plus P0001 (files), P0002 (run),
/// P0011 (existing output), P0012 (ledger), P0017 (mapper).
pub fn export_run(
    run_dir: &Path,
    format: Format,
    payer: &PayerConfig,
    out: &Path,
    options: &ExportOptions,
) -> Result<ExportReport, PaymentError> {
    match &options.ledger {
        None => export(run_dir, format, payer, out, options, None),
        #[cfg(feature = "sqlite")]
        Some(path) => {
            let mut ledger = SqliteLedger::open(path)?;
            export(run_dir, format, payer, out, options, Some(&mut ledger))
        }
        #[cfg(not(feature = "sqlite"))]
        Some(_) => Err(PaymentError::Ledger {
            message: "this build has no SQLite support (cargo feature `sqlite`)".into(),
        }),
    }
}

/// [`export_run`] with a ledger of the caller's (`options.ledger` is ignored).
///
/// # Errors
/// As [`export_run`].
pub fn export_run_with_ledger(
    run_dir: &Path,
    format: Format,
    payer: &PayerConfig,
    out: &Path,
    options: &ExportOptions,
    ledger: &mut dyn Ledger,
) -> Result<ExportReport, PaymentError> {
    export(run_dir, format, payer, out, options, Some(ledger))
}

fn export(
    run_dir: &Path,
    format: Format,
    payer: &PayerConfig,
    out: &Path,
    options: &ExportOptions,
    ledger: Option<&mut dyn Ledger>,
) -> Result<ExportReport, PaymentError> {
    let run = read_run(run_dir)?;
    let mapped;
    let payees = match &options.payees {
        Payees::Map(m) => m,
        Payees::Mapper(path) => {
            mapped = read_account_mapper(path)?;
            &mapped
        }
    };
    let plan = plan_export(
        &run,
        format,
        payer,
        payees,
        &options.plan,
        ledger.as_deref(),
    )?;
    writer::check_stale(out, format.name(), &plan.files)?;
    writer::check_targets(out, &plan.files, options.force)?;
    if let Some(l) = ledger {
        l.record_with_accounts(&plan.ledger_entries, &plan.ledger_accounts)?;
    }
    writer::write_files(out, &plan.files, options.force)?;
    Ok(plan.report)
}
