//! OpenG2P G2P Bridge, release line 1.0 (`OpenG2P/openg2p-g2p-bridge` branch `1.0` @ 446fa8ec).
//!
//! Field names are pinned to that line (standards.md §2.1); the newer line renames them
//! (`disbursement_quantity`, `request_payload` …) and is not supported.
//!
//! - `g2p-bridge-envelope.json`: the `create_disbursement_envelope` request,
//!   `{header, message: DisbursementEnvelopePayload}`. The envelope declares the number of
//!   beneficiaries and disbursements and the total amount; the Bridge checks the batches against
//!   them (`NO_OF_DISBURSEMENTS_EXCEEDS_DECLARED`, `TOTAL_DISBURSEMENT_AMOUNT_EXCEEDS_DECLARED`).
//! - `g2p-bridge-NNN.json`: `create_disbursements` requests, `{header, message: [DisbursementPayload]}`.
//!   `mis_reference_number` carries the entitlement reference; the Bridge assigns `disbursement_id`.
//!
//! The Bridge assigns the envelope's id when it creates it. Put that id in
//! `g2p_bridge.envelope_id` before exporting the disbursements; without it they carry a derived
//! envelope reference (`V…`) to be replaced when posting. Amounts are JSON numbers (the models
//! declare `float`), so an amount with more than 15 significant digits is refused.
//! The header's `action` is the route name (the 1.0 tests leave it empty). A payee whose
//! `beneficiary_id` (its financial address) has spaces, commas, quotes or semicolons, or more than
//! 256 characters, goes to the exceptions (`malformed_payee_address`).

use super::{
    batch_file_name, batch_id, json_number, sum, to_json, ts, BatchSummary, Built, Context, Item,
    OutputFile, Writer,
};
use crate::address::check_identifier;
use crate::amount::{check_float_exact, fixed};
use crate::config::{batch_size, required, PayerConfig};
use crate::error::PaymentError;
use crate::payee::{ExceptionReason, Payee};
use crate::refs;
use crate::text::{has_control, json_text, payee_json_text};
use serde::Serialize;

const FORMAT: &str = "g2p-bridge";

/// `DisbursementFrequency` of the 1.0 models.
const FREQUENCIES: &[&str] = &[
    "Daily",
    "Weekly",
    "Fortnightly",
    "Monthly",
    "BiMonthly",
    "Quarterly",
    "SemiAnnually",
    "Annually",
    "OnDemand",
];

pub(crate) struct G2pBridge {
    sender_id: String,
    sender_uri: String,
    receiver_id: String,
    program_mnemonic: String,
    frequency: String,
    envelope_id: Option<String>,
    max_batch: usize,
}

pub(crate) struct Target {
    beneficiary_id: String,
    beneficiary_name: Option<String>,
}

#[derive(Serialize)]
struct Header<'a> {
    version: &'static str,
    message_id: String,
    message_ts: String,
    action: &'static str,
    sender_id: &'a str,
    sender_uri: &'a str,
    receiver_id: &'a str,
    total_count: usize,
    is_msg_encrypted: bool,
}

#[derive(Serialize)]
struct EnvelopeRequest<'a> {
    header: Header<'a>,
    message: EnvelopePayload<'a>,
}

#[derive(Serialize)]
struct EnvelopePayload<'a> {
    disbursement_envelope_id: &'a str,
    benefit_program_mnemonic: &'a str,
    disbursement_frequency: &'a str,
    cycle_code_mnemonic: &'a str,
    number_of_beneficiaries: usize,
    number_of_disbursements: usize,
    total_disbursement_amount: serde_json::Number,
    disbursement_currency_code: &'a str,
    disbursement_schedule_date: String,
}

#[derive(Serialize)]
struct DisbursementRequest<'a> {
    header: Header<'a>,
    message: Vec<DisbursementPayload<'a>>,
}

#[derive(Serialize)]
struct DisbursementPayload<'a> {
    mis_reference_number: &'a str,
    disbursement_envelope_id: &'a str,
    beneficiary_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    beneficiary_name: Option<&'a str>,
    disbursement_amount: serde_json::Number,
    narrative: &'a str,
}

impl G2pBridge {
    pub(crate) fn new(cfg: &PayerConfig, ctx: &Context<'_>) -> Result<G2pBridge, PaymentError> {
        let s = cfg.g2p_bridge.clone().unwrap_or_default();
        let sender_id = required(s.sender_id.as_ref(), "g2p_bridge.sender_id", FORMAT)?;
        let mnemonic = required(
            s.program_mnemonic.as_ref(),
            "g2p_bridge.program_mnemonic",
            FORMAT,
        )?;
        let frequency = match s.disbursement_frequency.as_deref().map(str::trim) {
            None => "OnDemand".to_string(),
            Some(f) => FREQUENCIES
                .iter()
                .find(|x| x.eq_ignore_ascii_case(f))
                .map(|x| (*x).to_string())
                .ok_or_else(|| {
                    PaymentError::setting(
                        "g2p_bridge.disbursement_frequency",
                        format!("is not one of {}", FREQUENCIES.join(", ")),
                    )
                })?,
        };
        if let Some(id) = &s.envelope_id {
            check_identifier(id, 99)
                .map_err(|r| PaymentError::setting("g2p_bridge.envelope_id", r))?;
        }
        json_text(ctx.note, 999, &ctx.note_field("narrative"), None, FORMAT)?;
        Ok(G2pBridge {
            sender_id: sender_id.to_string(),
            sender_uri: s.sender_uri.clone().unwrap_or_default(),
            receiver_id: s.receiver_id.clone().unwrap_or_default(),
            program_mnemonic: mnemonic.to_string(),
            frequency,
            envelope_id: s.envelope_id.clone(),
            max_batch: batch_size(s.max_batch_size, "g2p_bridge.max_batch_size", 500, 100_000)?,
        })
    }

    fn header(
        &self,
        message_id: String,
        ctx: &Context<'_>,
        action: &'static str,
        total_count: usize,
    ) -> Header<'_> {
        Header {
            version: "1.0.0",
            message_id,
            message_ts: ts::rfc3339(ctx.created_at),
            action,
            sender_id: &self.sender_id,
            sender_uri: &self.sender_uri,
            receiver_id: &self.receiver_id,
            total_count,
            is_msg_encrypted: false,
        }
    }
}

impl Writer for G2pBridge {
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
        // Spaces, commas, quotes or over 256 characters: one payee's typo holds back only that
        // unit.
        if check_identifier(fa, 256).is_err() {
            return Ok(Err(ExceptionReason::MalformedPayeeAddress));
        }
        // A name too long for the field sends the unit to the exceptions, uncut.
        let beneficiary_name = match payee.name() {
            Some(n) => match payee_json_text(n, 999, "beneficiary_name", unit_id, FORMAT)? {
                Ok(n) => Some(n),
                Err(reason) => return Ok(Err(reason)),
            },
            None => None,
        };
        Ok(Ok(Target {
            beneficiary_id: fa.to_string(),
            beneficiary_name,
        }))
    }

    fn build(&self, ctx: &Context<'_>, items: &[Item<Target>]) -> Result<Built, PaymentError> {
        let hash = &ctx.program.hash;
        let minor = ctx.currency.minor_units();
        let all_refs: Vec<&str> = items.iter().map(|i| i.reference.as_str()).collect();
        let derived = refs::envelope_id(hash, ctx.cycle, &all_refs);
        let envelope_id = self.envelope_id.as_deref().unwrap_or(&derived);
        let total = sum(items);
        check_float_exact(|| "the envelope total".to_string(), total, FORMAT)?;
        // Beneficiaries are distinct payees: two units paid through the same person count once.
        let beneficiaries: std::collections::BTreeSet<&str> = items
            .iter()
            .map(|i| i.target.beneficiary_id.as_str())
            .collect();

        let mut built = Built {
            files: Vec::new(),
            batches: Vec::new(),
        };
        let envelope = EnvelopeRequest {
            header: self.header(
                refs::message_id(&derived),
                ctx,
                "create_disbursement_envelope",
                1,
            ),
            message: EnvelopePayload {
                disbursement_envelope_id: envelope_id,
                benefit_program_mnemonic: &self.program_mnemonic,
                disbursement_frequency: &self.frequency,
                cycle_code_mnemonic: ctx.cycle,
                number_of_beneficiaries: beneficiaries.len(),
                number_of_disbursements: items.len(),
                total_disbursement_amount: json_number(&fixed(total, minor), FORMAT)?,
                disbursement_currency_code: ctx.currency.code(),
                disbursement_schedule_date: ctx.execution_date.format("%Y-%m-%d").to_string(),
            },
        };
        built.files.push(OutputFile {
            name: format!("{FORMAT}-envelope.json"),
            bytes: to_json(&envelope, FORMAT)?,
        });

        for (index, chunk) in items.chunks(self.max_batch).enumerate() {
            let number = index.saturating_add(1);
            let batch_id = batch_id(ctx, FORMAT, number, chunk.iter())?;
            let message_id = refs::message_id(&batch_id);
            let mut message = Vec::with_capacity(chunk.len());
            for item in chunk {
                check_float_exact(
                    || format!("the amount of unit {}", item.unit_id),
                    item.amount,
                    FORMAT,
                )?;
                message.push(DisbursementPayload {
                    mis_reference_number: &item.reference,
                    disbursement_envelope_id: envelope_id,
                    beneficiary_id: &item.target.beneficiary_id,
                    beneficiary_name: item.target.beneficiary_name.as_deref(),
                    disbursement_amount: json_number(&fixed(item.amount, minor), FORMAT)?,
                    narrative: ctx.note,
                });
            }
            let request = DisbursementRequest {
                header: self.header(
                    message_id.clone(),
                    ctx,
                    "create_disbursements",
                    message.len(),
                ),
                message,
            };
            let name = batch_file_name(FORMAT, number, "json");
            built.files.push(OutputFile {
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
