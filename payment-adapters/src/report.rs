//! What an export did: counts and totals that reconcile, batches, files, exceptions.
//!
//! The report is also written as `<format>-manifest.json` beside the batch files. It holds no
//! wall-clock time and no personal data (unit ids, amounts and references only), so it is as
//! deterministic as the files it describes.

use crate::error::PaymentError;
use crate::formats::{BatchSummary, OutputFile};
use crate::payee::ExceptionReason;
use crate::run::ProgramRef;
use chrono::NaiveDate;
use entitle_dsl::Currency;
use rust_decimal::Decimal;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A payable unit left out of the batch, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExceptionRecord {
    /// The unit.
    pub unit_id: String,
    /// Why it is not in the batch.
    pub reason: ExceptionReason,
    /// Its amount at the currency's minor unit.
    pub amount: Decimal,
}

/// Unit counts. They reconcile: `units = payable + not_payable + unit_errors` and
/// `payable = exported + exceptions + already_exported`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Units of the run: its decisions and its unit errors, as the run's `summary.json` counts
    /// them (`counts.units`; a cycle's `rows.units`, the units it read).
    pub units: usize,
    /// Not eligible, undetermined, or eligible without cash.
    pub not_payable: usize,
    /// Units that could not be decided (a registry row that could not be read, or an evaluation
    /// that failed): `entitle run` lists them in `errors.csv` and counts them in `summary.json`
    /// (`counts.errors`), with no decision line; `entitle cycle` lists them in `errors.csv` too,
    /// with a `null` decision in `run.jsonl` for an evaluation that failed and no record for a
    /// row that could not be read.
    pub unit_errors: usize,
    /// Eligible units with a positive net cash amount.
    pub payable: usize,
    /// Units in the batch files.
    pub exported: usize,
    /// Units in the exceptions file.
    pub exceptions: usize,
    /// Units left out because the ledger had already exported them (`skip_exported`).
    pub already_exported: usize,
}

/// Amount totals. `exported + exceptions + already_exported - payable = rounding_difference`,
/// which is zero unless the payer configuration rounds amounts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Sum of the payable entitlements as decided.
    pub payable: Decimal,
    /// Sum of the amounts in the batch files (the batches' control sums added up).
    pub exported: Decimal,
    /// Sum of the amounts in the exceptions file.
    pub exceptions: Decimal,
    /// Sum of the amounts left out as already exported.
    pub already_exported: Decimal,
    /// What rounding to the currency's minor unit added (negative: removed).
    pub rounding_difference: Decimal,
}

/// A file of the export, with its size and SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileSummary {
    /// File name inside the output directory.
    pub name: String,
    /// Size in bytes.
    pub bytes: usize,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
}

impl FileSummary {
    pub(crate) fn of(file: &OutputFile) -> FileSummary {
        let digest = Sha256::digest(&file.bytes);
        let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
        FileSummary {
            name: file.name.clone(),
            bytes: file.bytes.len(),
            sha256,
        }
    }
}

/// What an export did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    /// The format's name.
    pub format: String,
    /// The program that decided the entitlements.
    pub program: ProgramRef,
    /// The run's as-of date.
    pub as_of: NaiveDate,
    /// The cycle in the references.
    pub cycle: String,
    /// The currency, when anything was payable.
    pub currency: Option<String>,
    /// The requested execution date.
    pub execution_date: NaiveDate,
    /// The creation timestamp written into the messages.
    pub created_at: String,
    /// Unit counts.
    pub counts: Counts,
    /// Amount totals.
    pub totals: Totals,
    /// Amounts changed by rounding to the currency's minor unit.
    pub rounded: usize,
    /// Entitlements exported again under a new reference.
    pub reissued: usize,
    /// One entry per batch file.
    pub batches: Vec<BatchSummary>,
    /// Every file written except the manifest itself.
    pub files: Vec<FileSummary>,
    /// The units in the exceptions file (not repeated in the manifest).
    #[serde(skip)]
    pub exceptions: Vec<ExceptionRecord>,
    /// Payment Hub EE: the `Platform-TenantId` to submit the files with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ph_ee_tenant: Option<String>,
}

/// The exceptions file: `unit_id,reason,detail,amount,currency`, one row per unit, quoted as
/// RFC 4180 CSV; a unit id that starts like a formula, or with `'`, is written with one more `'`
/// in front ([`spreadsheet_safe`](crate::text::spreadsheet_safe)), as people open this file.
pub(crate) fn exceptions_csv(
    records: &[ExceptionRecord],
    currency: Option<Currency>,
) -> Result<Vec<u8>, PaymentError> {
    let err = |e: csv::Error| PaymentError::Internal {
        format: "exceptions",
        message: e.to_string(),
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(["unit_id", "reason", "detail", "amount", "currency"])
        .map_err(err)?;
    let code = currency.map(|c| c.code().to_string()).unwrap_or_default();
    for r in records {
        let amount = r.amount.to_string();
        w.write_record([
            &crate::text::spreadsheet_safe(&r.unit_id),
            r.reason.code(),
            r.reason.describe(),
            &amount,
            &code,
        ])
        .map_err(err)?;
    }
    w.into_inner().map_err(|e| PaymentError::Internal {
        format: "exceptions",
        message: e.to_string(),
    })
}
