//! One module per format. Each turns resolved payments into files, checking everything the format
//! demands before a byte is written.

pub(crate) mod g2p_bridge;
pub(crate) mod g2p_connect;
pub(crate) mod mojaloop;
pub(crate) mod pain001;
pub(crate) mod ph_ee;

use crate::error::PaymentError;
use crate::payee::{ExceptionReason, Payee};
use crate::run::ProgramRef;
use chrono::{DateTime, NaiveDate, Utc};
use entitle_dsl::Currency;
use rust_decimal::Decimal;
use serde::Serialize;

/// What every format needs to know about the export.
pub(crate) struct Context<'a> {
    pub program: &'a ProgramRef,
    pub cycle: &'a str,
    pub currency: Currency,
    pub execution_date: NaiveDate,
    pub created_at: DateTime<Utc>,
    /// The payer's name from the configuration.
    pub payer_name: Option<&'a str>,
    /// The note on every payment.
    pub note: &'a str,
    /// Whether the note is the payer's `note` setting (else it is the default, built from the
    /// program id and the cycle).
    pub note_is_setting: bool,
}

impl Context<'_> {
    /// The note as an error names it: the payer setting, or the default note, with the field of
    /// the format that carries it (`RmtInf/Ustrd`).
    pub(crate) fn note_field(&self, wire: &str) -> String {
        if self.note_is_setting {
            format!("the payer setting `note` ({wire})")
        } else {
            format!("the default note `<program id> <cycle>` ({wire})")
        }
    }
}

/// One payment ready for a format: the payee already resolved into what the format needs.
pub(crate) struct Item<T> {
    pub unit_id: String,
    pub reference: String,
    /// The amount at the currency's minor unit.
    pub amount: Decimal,
    pub target: T,
}

/// A file to write: a name inside the output directory and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// The file name (no directories).
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// One batch: one file (one message or request) with its count and control sum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BatchSummary {
    /// The batch id (`B…`).
    pub id: String,
    /// The file it is in.
    pub file: String,
    /// The message id, for formats that have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The payee FSP of every transfer in it (Mojaloop).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payee_fsp: Option<String>,
    /// Number of payments.
    pub count: usize,
    /// Sum of the amounts.
    pub control_sum: Decimal,
    /// The units paid, in file order.
    #[serde(skip)]
    pub unit_ids: Vec<String>,
}

/// What a format produced.
pub(crate) struct Built {
    pub files: Vec<OutputFile>,
    pub batches: Vec<BatchSummary>,
}

/// A format: how it takes a payee, and how it writes a list of payments.
pub(crate) trait Writer {
    /// What the format keeps of a payee.
    type Target;

    /// Takes what the format needs from a payee: `Ok(Err(reason))` sends the unit to the exceptions
    /// file (a value is missing, malformed, or one the format cannot write: one payee's data
    /// never stops the batch); `Err` stops the export (something that is not one payee's data).
    fn resolve(
        &self,
        unit_id: &str,
        payee: &Payee,
    ) -> Result<Result<Self::Target, ExceptionReason>, PaymentError>;

    /// Builds and checks the files. `items` is sorted by unit id and not empty.
    fn build(&self, ctx: &Context<'_>, items: &[Item<Self::Target>])
        -> Result<Built, PaymentError>;
}

/// File name of batch `number` (1-based): `g2p-connect-001.json`.
pub(crate) fn batch_file_name(prefix: &str, number: usize, extension: &str) -> String {
    format!("{prefix}-{number:03}.{extension}")
}

/// Serialises a JSON request: pretty, with a final newline, keys in declaration order.
pub(crate) fn to_json<T: Serialize>(
    value: &T,
    format: &'static str,
) -> Result<Vec<u8>, PaymentError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| PaymentError::Internal {
        format,
        message: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// A decimal as a JSON number with exactly its digits (serde_json's `arbitrary_precision`).
pub(crate) fn json_number(
    text: &str,
    format: &'static str,
) -> Result<serde_json::Number, PaymentError> {
    serde_json::from_str::<serde_json::Number>(text).map_err(|e| PaymentError::Internal {
        format,
        message: format!("amount {text}: {e}"),
    })
}

/// Sum of the amounts of some items.
pub(crate) fn sum<T>(items: &[Item<T>]) -> Decimal {
    items.iter().map(|i| i.amount).sum()
}

/// The id of batch `number` (1-based), from its references. Checks that the references are unique
/// within the batch (a receiver rejects a duplicate `reference_id`); they are by construction, so a
/// failure is a defect.
pub(crate) fn batch_id<'a, T: 'a>(
    ctx: &Context<'_>,
    format: &'static str,
    number: usize,
    chunk: impl Iterator<Item = &'a Item<T>>,
) -> Result<String, PaymentError> {
    let refs: Vec<&str> = chunk.map(|i| i.reference.as_str()).collect();
    let mut sorted = refs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != refs.len() {
        return Err(PaymentError::Internal {
            format,
            message: "duplicate reference in a batch".into(),
        });
    }
    Ok(crate::refs::batch_id(
        &ctx.program.hash,
        ctx.cycle,
        format,
        number,
        &refs,
    ))
}

impl BatchSummary {
    /// The summary of a batch written to `file`.
    pub(crate) fn of<'a, T: 'a>(
        id: String,
        file: String,
        message_id: Option<String>,
        payee_fsp: Option<String>,
        chunk: impl Iterator<Item = &'a Item<T>>,
    ) -> BatchSummary {
        let mut summary = BatchSummary {
            id,
            file,
            message_id,
            payee_fsp,
            count: 0,
            control_sum: Decimal::ZERO,
            unit_ids: Vec::new(),
        };
        for item in chunk {
            summary.count = summary.count.saturating_add(1);
            summary.control_sum += item.amount;
            summary.unit_ids.push(item.unit_id.clone());
        }
        summary
    }
}

/// Timestamps as the formats write them.
pub(crate) mod ts {
    use chrono::{DateTime, NaiveDate, Utc};

    /// RFC 3339 in UTC with `Z`, seconds precision: `2026-03-05T08:00:00Z`.
    pub fn rfc3339(t: DateTime<Utc>) -> String {
        t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    /// Mojaloop `DateTime`: milliseconds are required (standards.md P3): `2026-03-05T08:00:00.000Z`.
    pub fn millis(t: DateTime<Utc>) -> String {
        t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }

    /// The start of a day in UTC.
    pub fn start_of(d: NaiveDate) -> DateTime<Utc> {
        d.and_time(chrono::NaiveTime::MIN).and_utc()
    }
}
