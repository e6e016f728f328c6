//! Mifos Payment Hub EE bulk-processor CSV (`openMF/ph-ee-bulk-processor` master @ e958eaeb).
//!
//! - The header is the full allowed column list, in the order of `csv.columnNames` in the bulk
//!   processor's `application.yaml` (a copy is `reference/schemas/ph-ee/columns.txt`). `verifyCsv`
//!   rejects any other name; `verifyData` compares each row's cell count with those 15 columns.
//! - The reader splits lines on `,` and knows no quoting, so no value may contain a comma, a quote
//!   or a line break: such a value is refused, never quoted or altered. Quoting would not help,
//!   as the processor would still split inside the quotes. A payer setting that holds one stops
//!   the export (P0013); a payee's e-mail identifier with a comma or a quote sends that unit to
//!   the exceptions (`payee_text_breaks_csv`), and one with a control character too
//!   (`payee_text_control_characters`). The payee's name has no column, so any name is accepted.
//! - A payee's identifier that fails the check of its type (an MSISDN of 6 to 15 digits, an IBAN's
//!   length and checksum, an e-mail address, otherwise no spaces, commas, quotes or semicolons)
//!   sends that unit to the exceptions (`malformed_payee_address`), and so does a malformed IBAN
//!   for `account_number` (`malformed_payee_iban`) or an FSP id for `payee_dfsp_id` that is not 1
//!   to 32 such characters (`malformed_payee_fsp`). The payer's identifier is a setting: malformed,
//!   it stops the export (P0005).
//! - An MSISDN (the payer's or a payee's) is written in international form, digits only, as the
//!   Mojaloop format writes it: a `+` is dropped, and a national number (`0712345678`) takes the
//!   payer's `msisdn_country_code` in place of its `0`. Without that setting a payee's national
//!   number sends the unit to the exceptions (`national_msisdn`), and the payer's stops the
//!   export (P0005).
//! - Files are split so that each stays within `max_file_bytes` (the processor's `csv.size`,
//!   100000 bytes by default; larger files are rejected as "File too big") and `max_batch_size` rows.
//! - `id` counts rows from 0 in each file; `request_id` is a UUID derived from the entitlement
//!   reference; `batch_id` is the file's batch id.

use super::{BatchSummary, Built, Context, Item, OutputFile, Writer};
use crate::address::{
    check_iban, check_identifier, check_typed_identifier, international_msisdn, normalize_iban,
    MsisdnProblem,
};
use crate::amount::fixed;
use crate::config::{batch_size, required, PayerConfig};
use crate::error::PaymentError;
use crate::payee::{ExceptionReason, IdType, Payee};
use crate::refs;
use crate::text::{csv_cell, has_control, payee_csv_cell};

const FORMAT: &str = "ph-ee";

/// The allowed columns, in the order written (`csv.columnNames`).
pub const COLUMNS: [&str; 15] = [
    "id",
    "request_id",
    "payment_mode",
    "payer_identifier_type",
    "payer_identifier",
    "payee_identifier_type",
    "payee_identifier",
    "amount",
    "currency",
    "note",
    "account_number",
    "program_shortcode",
    "cycle",
    "payee_dfsp_id",
    "batch_id",
];

/// `payment_mode` ids configured in the bulk processor (`application-paymentmode.yaml`), matched
/// ignoring case.
const PAYMENT_MODES: &[&str] = &["GSMA", "MOJALOOP", "SLCB", "CLOSEDLOOP"];

pub(crate) struct PhEe {
    payment_mode: String,
    payer_type: IdType,
    payer_identifier: String,
    payee_default_type: IdType,
    program_shortcode: String,
    max_batch: usize,
    max_bytes: usize,
    msisdn_country_code: Option<String>,
}

pub(crate) struct Target {
    id_type: IdType,
    identifier: String,
    account_number: String,
    dfsp: String,
}

pub(crate) fn id_type_setting(
    value: Option<&String>,
    setting: &str,
    default: IdType,
) -> Result<IdType, PaymentError> {
    match value {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|r: &str| PaymentError::setting(setting, r)),
    }
}

/// A payer identifier of type `kind` as the Mojaloop and Payment Hub EE files carry it: an MSISDN
/// in international form ([`international_msisdn`], with the payer's `msisdn_country_code`),
/// anything else as it is.
///
/// # Errors
/// [`PaymentError::InvalidSetting`] (P0005) naming `setting`, for a national MSISDN without
/// `msisdn_country_code`, or one that cannot be made international.
pub(crate) fn payer_msisdn(
    identifier: &str,
    kind: IdType,
    cfg: &PayerConfig,
    setting: &str,
) -> Result<String, PaymentError> {
    if kind != IdType::Msisdn {
        return Ok(identifier.to_string());
    }
    international_msisdn(identifier, cfg.msisdn_country_code.as_deref()).map_err(|p| {
        let reason = match p {
            MsisdnProblem::National => {
                "is an MSISDN in national format (a leading 0): write it with its country code, \
                 or set `msisdn_country_code`"
            }
            MsisdnProblem::Malformed => {
                "is not an MSISDN in international format (country code and number, at most 15 \
                 digits)"
            }
        };
        PaymentError::setting(setting, reason)
    })
}

/// A payee identifier of type `kind` as the Mojaloop and Payment Hub EE files carry it: checked
/// as its type is written (a mistyped MSISDN, IBAN or e-mail, or one with a space or comma, is
/// `malformed_payee_address`: one payee's typo, holding back only that unit), then an MSISDN in
/// international form ([`international_msisdn`]), anything else as it is. A national MSISDN
/// without `country_code` is the exception `national_msisdn`; one that cannot be made
/// international, `malformed_payee_address`.
pub(crate) fn payee_identifier(
    identifier: String,
    kind: IdType,
    country_code: Option<&str>,
) -> Result<String, ExceptionReason> {
    if check_typed_identifier(&identifier, kind).is_err() {
        return Err(ExceptionReason::MalformedPayeeAddress);
    }
    if kind != IdType::Msisdn {
        return Ok(identifier);
    }
    international_msisdn(&identifier, country_code).map_err(|p| match p {
        MsisdnProblem::National => ExceptionReason::NationalMsisdn,
        MsisdnProblem::Malformed => ExceptionReason::MalformedPayeeAddress,
    })
}

impl PhEe {
    pub(crate) fn new(cfg: &PayerConfig, ctx: &Context<'_>) -> Result<PhEe, PaymentError> {
        let s = cfg.ph_ee.clone().unwrap_or_default();
        let mode = required(s.payment_mode.as_ref(), "ph_ee.payment_mode", FORMAT)?;
        if !PAYMENT_MODES.iter().any(|m| m.eq_ignore_ascii_case(mode)) {
            return Err(PaymentError::setting(
                "ph_ee.payment_mode",
                format!("is not one of {}", PAYMENT_MODES.join(", ")),
            ));
        }
        let payer_type_text = required(
            s.payer_identifier_type.as_ref(),
            "ph_ee.payer_identifier_type",
            FORMAT,
        )?;
        let payer_type: IdType = payer_type_text
            .parse()
            .map_err(|r: &str| PaymentError::setting("ph_ee.payer_identifier_type", r))?;
        let payer_identifier = required(
            s.payer_identifier.as_ref(),
            "ph_ee.payer_identifier",
            FORMAT,
        )?;
        check_typed_identifier(payer_identifier, payer_type)
            .map_err(|r| PaymentError::setting("ph_ee.payer_identifier", r))?;
        let payer_identifier =
            payer_msisdn(payer_identifier, payer_type, cfg, "ph_ee.payer_identifier")?;
        csv_cell(&payer_identifier, "payer_identifier", None, FORMAT)?;
        let payee_default_type = id_type_setting(
            s.payee_identifier_type.as_ref(),
            "ph_ee.payee_identifier_type",
            IdType::AccountId,
        )?;
        let shortcode = s
            .program_shortcode
            .clone()
            .unwrap_or_else(|| ctx.program.id.clone());
        let program_shortcode = csv_cell(&shortcode, "program_shortcode", None, FORMAT)?;
        csv_cell(ctx.note, &ctx.note_field("note"), None, FORMAT)?;
        csv_cell(ctx.cycle, "cycle", None, FORMAT)?;
        let max_bytes = match s.max_file_bytes {
            None => 100_000,
            Some(n) if n >= 1024 => n,
            Some(n) => {
                return Err(PaymentError::setting(
                    "ph_ee.max_file_bytes",
                    format!("{n} is below 1024 bytes"),
                ))
            }
        };
        Ok(PhEe {
            payment_mode: mode.to_string(),
            payer_type,
            payer_identifier,
            payee_default_type,
            program_shortcode,
            max_batch: batch_size(s.max_batch_size, "ph_ee.max_batch_size", 500, 100_000)?,
            max_bytes,
            msisdn_country_code: cfg.msisdn_country_code.clone(),
        })
    }

    fn row(&self, ctx: &Context<'_>, index: usize, item: &Item<Target>, batch_id: &str) -> String {
        let t = &item.target;
        let cells: [&str; 15] = [
            &index.to_string(),
            &refs::uuid_of(&item.reference),
            &self.payment_mode,
            self.payer_type.as_str(),
            &self.payer_identifier,
            t.id_type.as_str(),
            &t.identifier,
            &fixed(item.amount, ctx.currency.minor_units()),
            ctx.currency.code(),
            ctx.note,
            &t.account_number,
            &self.program_shortcode,
            ctx.cycle,
            &t.dfsp,
            batch_id,
        ];
        let mut line = cells.join(",");
        line.push('\n');
        line
    }
}

impl Writer for PhEe {
    type Target = Target;

    fn resolve(
        &self,
        _unit_id: &str,
        payee: &Payee,
    ) -> Result<Result<Target, ExceptionReason>, PaymentError> {
        let Some((id, kind, _)) = payee.identifier() else {
            return Ok(Err(ExceptionReason::NoFinancialAddress));
        };
        let id_type = kind.unwrap_or(self.payee_default_type);
        let identifier = if id_type == IdType::Iban {
            normalize_iban(id)
        } else {
            id.to_string()
        };
        // A control character is one payee's bad data, not a malformed address: it holds back
        // only that unit.
        if has_control(&identifier) {
            return Ok(Err(ExceptionReason::PayeeTextControlCharacters));
        }
        // Checked as its type is written, and an MSISDN in international form, digits only, as
        // for Mojaloop (the payment mode the bulk processor most often hands it to).
        let identifier =
            match payee_identifier(identifier, id_type, self.msisdn_country_code.as_deref()) {
                Ok(id) => id,
                Err(reason) => return Ok(Err(reason)),
            };
        // Only an e-mail address, checked loosely, can still hold a comma or a quote here: that
        // one payee's identifier cannot be written, and holds back no one else.
        if let Err(reason) = payee_csv_cell(&identifier) {
            return Ok(Err(reason));
        }
        let account_number = match payee
            .iban
            .as_deref()
            .map(normalize_iban)
            .filter(|s| !s.is_empty())
        {
            Some(iban) if has_control(&iban) => {
                return Ok(Err(ExceptionReason::PayeeTextControlCharacters))
            }
            Some(iban) if check_iban(&iban).is_err() => {
                return Ok(Err(ExceptionReason::MalformedPayeeIban))
            }
            Some(iban) => iban,
            None => String::new(),
        };
        let dfsp = match payee.fsp() {
            Some(f) if has_control(f) => {
                return Ok(Err(ExceptionReason::PayeeTextControlCharacters))
            }
            Some(f) if check_identifier(f, 32).is_err() => {
                return Ok(Err(ExceptionReason::MalformedPayeeFsp))
            }
            Some(f) => f.to_string(),
            None => String::new(),
        };
        Ok(Ok(Target {
            id_type,
            identifier,
            account_number,
            dfsp,
        }))
    }

    fn build(&self, ctx: &Context<'_>, items: &[Item<Target>]) -> Result<Built, PaymentError> {
        let mut header = COLUMNS.join(",");
        header.push('\n');
        // Batch ids have a fixed length, so a placeholder gives the exact row size.
        let placeholder = format!("B{}", "0".repeat(30));
        let mut chunks: Vec<&[Item<Target>]> = Vec::new();
        let mut start = 0usize;
        let mut bytes = header.len();
        for (i, item) in items.iter().enumerate() {
            let row_len = self
                .row(ctx, i.saturating_sub(start), item, &placeholder)
                .len();
            if header.len().saturating_add(row_len) > self.max_bytes {
                return Err(PaymentError::setting(
                    "ph_ee.max_file_bytes",
                    format!(
                        "{} bytes cannot hold the header and one row",
                        self.max_bytes
                    ),
                ));
            }
            let full = i > start
                && (bytes.saturating_add(row_len) > self.max_bytes || i - start >= self.max_batch);
            if full {
                chunks.push(items.get(start..i).unwrap_or_default());
                start = i;
                bytes = header
                    .len()
                    .saturating_add(self.row(ctx, 0, item, &placeholder).len());
            } else {
                bytes = bytes.saturating_add(row_len);
            }
        }
        chunks.push(items.get(start..).unwrap_or_default());

        let mut built = Built {
            files: Vec::new(),
            batches: Vec::new(),
        };
        for (index, chunk) in chunks.into_iter().enumerate() {
            let number = index.saturating_add(1);
            let batch_id = super::batch_id(ctx, FORMAT, number, chunk.iter())?;
            let mut text = header.clone();
            for (row, item) in chunk.iter().enumerate() {
                text.push_str(&self.row(ctx, row, item, &batch_id));
            }
            if text.len() > self.max_bytes {
                return Err(PaymentError::Internal {
                    format: FORMAT,
                    message: "a file exceeds the size limit".into(),
                });
            }
            let name = super::batch_file_name(FORMAT, number, "csv");
            built.files.push(OutputFile {
                name: name.clone(),
                bytes: text.into_bytes(),
            });
            built
                .batches
                .push(BatchSummary::of(batch_id, name, None, None, chunk.iter()));
        }
        Ok(built)
    }
}
