//! G2P Connect `POST /disburse` requests (specs branch `draft` @ f8dd3d5e, message version 1.0.0).
//!
//! One file per batch: `{header, message: DisburseRequest}`. The `signature` is left out: how the
//! signed content is canonicalised is not specified (standards.md §7), so the sender signs the file
//! when it posts it.
//!
//! - `Amount` is a string `^\d{1,13}\.\d{1,2}$` (P1): always two decimals, so currencies with three
//!   decimals (BHD, KWD …) cannot be carried and are refused.
//! - `header.total_count` is the number of disbursements in the message; `message_ts` and
//!   `scheduled_timestamp` come from the payer configuration.
//! - The payee is identified only by `payee_fa`, a financial address `id-type:id@provider`; a
//!   payee whose address is not of that shape goes to the exceptions (`malformed_payee_address`),
//!   while a malformed `g2p_connect.payer_fa` setting stops the export (P0005).

use super::{batch_file_name, batch_id, to_json, ts, BatchSummary, Built, Context, Item, Writer};
use crate::address::FinancialAddress;
use crate::amount::{check_digits, fixed};
use crate::config::{batch_size, required, PayerConfig};
use crate::error::PaymentError;
use crate::payee::{ExceptionReason, Payee};
use crate::refs;
use crate::text::{has_control, json_text, payee_json_text};
use serde::Serialize;

const FORMAT: &str = "g2p-connect";

pub(crate) struct G2pConnect {
    sender_id: String,
    sender_uri: Option<String>,
    receiver_id: Option<String>,
    payer_fa: String,
    payer_name: Option<String>,
    purpose: Option<String>,
    locale: Option<String>,
    schedule: bool,
    max_batch: usize,
}

pub(crate) struct Target {
    payee_fa: String,
    payee_name: Option<String>,
}

#[derive(Serialize)]
struct Request<'a> {
    header: Header<'a>,
    message: DisburseRequest<'a>,
}

#[derive(Serialize)]
struct Header<'a> {
    version: &'static str,
    message_id: String,
    message_ts: String,
    action: &'static str,
    sender_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sender_uri: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    receiver_id: Option<&'a str>,
    total_count: usize,
    is_msg_encrypted: bool,
}

#[derive(Serialize)]
struct DisburseRequest<'a> {
    transaction_id: &'a str,
    disbursements: Vec<Disbursement<'a>>,
}

#[derive(Serialize)]
struct Disbursement<'a> {
    reference_id: &'a str,
    payer_fa: &'a str,
    payee_fa: &'a str,
    amount: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled_timestamp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payer_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payee_name: Option<&'a str>,
    note: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    purpose: Option<&'a str>,
    currency_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    locale: Option<&'a str>,
}

fn check_fa(text: &str) -> Result<(), &'static str> {
    FinancialAddress::parse(text).map(|_| ())
}

impl G2pConnect {
    pub(crate) fn new(cfg: &PayerConfig, ctx: &Context<'_>) -> Result<G2pConnect, PaymentError> {
        let section = cfg.g2p_connect.clone().unwrap_or_default();
        let sender_id = required(section.sender_id.as_ref(), "g2p_connect.sender_id", FORMAT)?;
        let payer_fa = required(section.payer_fa.as_ref(), "g2p_connect.payer_fa", FORMAT)?;
        check_fa(payer_fa).map_err(|r| {
            PaymentError::setting("g2p_connect.payer_fa", format!("the financial address {r}"))
        })?;
        if let Some(uri) = &section.sender_uri {
            if !(uri.starts_with("https://")
                || uri.starts_with("http://")
                || uri.starts_with("sftp://"))
                || uri.contains(char::is_whitespace)
            {
                return Err(PaymentError::setting(
                    "g2p_connect.sender_uri",
                    "is not an absolute URI",
                ));
            }
        }
        if let Some(locale) = &section.locale {
            if locale.len() != 3 || !locale.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err(PaymentError::setting(
                    "g2p_connect.locale",
                    "is not a three-letter lower-case ISO 639-3 code such as `eng`",
                ));
            }
        }
        let purpose = match &section.purpose {
            Some(p) => Some(json_text(p, 99, "purpose", None, FORMAT)?),
            None => None,
        };
        let currency = ctx.currency;
        if currency.minor_units() > 2 {
            return Err(PaymentError::UnsupportedCurrency {
                currency: currency.code().to_string(),
                format: FORMAT,
                reason: format!(
                    "its minor unit has {} decimals and the G2P Connect Amount pattern allows at most 2",
                    currency.minor_units()
                ),
            });
        }
        json_text(ctx.note, 99, &ctx.note_field("note"), None, FORMAT)?;
        Ok(G2pConnect {
            sender_id: sender_id.to_string(),
            sender_uri: section.sender_uri.clone(),
            receiver_id: section.receiver_id.clone().filter(|s| !s.trim().is_empty()),
            payer_fa: payer_fa.to_string(),
            payer_name: ctx.payer_name.map(str::to_string),
            purpose,
            locale: section.locale.clone(),
            schedule: section.schedule,
            max_batch: batch_size(
                section.max_batch_size,
                "g2p_connect.max_batch_size",
                500,
                100_000,
            )?,
        })
    }
}

impl Writer for G2pConnect {
    type Target = Target;

    fn resolve(
        &self,
        unit_id: &str,
        payee: &Payee,
    ) -> Result<Result<Target, ExceptionReason>, PaymentError> {
        let Some(fa) = payee.address() else {
            return Ok(Err(ExceptionReason::NoFinancialAddress));
        };
        // A control character is one payee's bad data, not a malformed address: it holds back
        // only that unit.
        if has_control(fa) {
            return Ok(Err(ExceptionReason::PayeeTextControlCharacters));
        }
        // Not `id-type:id@provider`: one payee's typo holds back only that unit.
        if check_fa(fa).is_err() {
            return Ok(Err(ExceptionReason::MalformedPayeeAddress));
        }
        // A name too long for the field sends the unit to the exceptions, uncut.
        let payee_name = match payee.name() {
            Some(n) => match payee_json_text(n, 999, "payee_name", unit_id, FORMAT)? {
                Ok(n) => Some(n),
                Err(reason) => return Ok(Err(reason)),
            },
            None => None,
        };
        Ok(Ok(Target {
            payee_fa: fa.to_string(),
            payee_name,
        }))
    }

    fn build(&self, ctx: &Context<'_>, items: &[Item<Target>]) -> Result<Built, PaymentError> {
        let hash = &ctx.program.hash;
        let all_refs: Vec<&str> = items.iter().map(|i| i.reference.as_str()).collect();
        let transaction_id = refs::transaction_id(hash, ctx.cycle, FORMAT, &all_refs);
        let scheduled = self
            .schedule
            .then(|| ts::rfc3339(ts::start_of(ctx.execution_date)));
        let mut built = Built {
            files: Vec::new(),
            batches: Vec::new(),
        };
        for (index, chunk) in items.chunks(self.max_batch).enumerate() {
            let number = index.saturating_add(1);
            let batch_id = batch_id(ctx, FORMAT, number, chunk.iter())?;
            let message_id = refs::message_id(&batch_id);
            let mut disbursements = Vec::with_capacity(chunk.len());
            for item in chunk {
                check_digits(
                    || format!("the amount of unit {}", item.unit_id),
                    item.amount,
                    FORMAT,
                    13,
                    2,
                )?;
                disbursements.push(Disbursement {
                    reference_id: &item.reference,
                    payer_fa: &self.payer_fa,
                    payee_fa: &item.target.payee_fa,
                    amount: fixed(item.amount, 2),
                    scheduled_timestamp: scheduled.clone(),
                    payer_name: self.payer_name.as_deref(),
                    payee_name: item.target.payee_name.as_deref(),
                    note: ctx.note,
                    purpose: self.purpose.as_deref(),
                    currency_code: ctx.currency.code(),
                    locale: self.locale.as_deref(),
                });
            }
            let request = Request {
                header: Header {
                    version: "1.0.0",
                    message_id: message_id.clone(),
                    message_ts: ts::rfc3339(ctx.created_at),
                    action: "disburse",
                    sender_id: &self.sender_id,
                    sender_uri: self.sender_uri.as_deref(),
                    receiver_id: self.receiver_id.as_deref(),
                    total_count: disbursements.len(),
                    is_msg_encrypted: false,
                },
                message: DisburseRequest {
                    transaction_id: &transaction_id,
                    disbursements,
                },
            };
            let name = batch_file_name(FORMAT, number, "json");
            built.files.push(super::OutputFile {
                name: name.clone(),
                bytes: to_json(&request, FORMAT)?,
            });
            built.batches.push(BatchSummary::of(
                batch_id,
                name,
                Some(message_id),
                None,
                chunk.iter(),
            ));
        }
        Ok(built)
    }
}
