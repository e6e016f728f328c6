//! Mojaloop SDK scheme adapter outbound `POST /bulkTransactions` (API snippets v18.3.2,
//! `sdk-scheme-adapter/v2_1_0` `bulkTransactionRequest`).
//!
//! - One request per payee FSP (a Mojaloop bulk transfer has a single `payeeFsp`), split further at
//!   `max_batch_size` transfers (at most 1000, the FSPIOP bulk limit). A payee without an FSP goes
//!   to the exceptions file. FSP ids that differ only in case (`mpesa`, `MPESA`) are one FSP: one
//!   request, whose every `to.partyIdInfo.fspId` (and the manifest's `payee_fsp`) is spelt as the
//!   first unit's, by unit id. Requests are in the order of their FSP ids in lower case.
//! - A payee's identifier that fails the check of its type (an MSISDN of 6 to 15 digits, an IBAN's
//!   length and checksum, an e-mail address, otherwise no spaces, commas, quotes or semicolons)
//!   sends that unit to the exceptions (`malformed_payee_address`), and so does an FSP id that is
//!   not 1 to 32 such characters (`malformed_payee_fsp`). The payer's own identifier and FSP are
//!   settings: malformed, they stop the export (P0005).
//! - An MSISDN (the payer's or a payee's) is written in international form, digits only
//!   (`254712345678`; the API: "should be in international format according to the ITU-T E.164
//!   standard"): a `+` is dropped, and a national number (`0712345678`) takes the payer's
//!   `msisdn_country_code` in place of its `0`. Without that setting a payee's national number
//!   sends the unit to the exceptions (`national_msisdn`), and the payer's stops the export
//!   (P0005).
//! - `Amount` has no trailing zeros (standards.md P2): `1500`, `1500.5`, never `1500.00`.
//! - `DateTime` has milliseconds (P3): `options.bulkExpiration` is `2026-03-12T00:00:00.000Z`.
//!   A `bulk_expiration` setting not after the creation time and the start of the execution date
//!   stops the export (P0024): the bulk would expire before payment is due.
//! - `bulkTransactionId` is a `CorrelationId`: a version 5 UUID of the batch id.
//! - The v2.1.0 `Currency` enum lacks some active ISO 4217 codes; those are refused.
//! - `amountType` is RECEIVE by default: the beneficiary receives the whole entitlement and fees
//!   are on top. The `TransactionType` conventions for G2P are not fixed by the spec (standards.md §7).

use super::{batch_file_name, to_json, ts, BatchSummary, Built, Context, Item, OutputFile, Writer};
use crate::address::{check_identifier, check_typed_identifier, normalize_iban};
use crate::amount::{check_digits, without_trailing_zeros};
use crate::config::{batch_size, required, PayerConfig};
use crate::error::PaymentError;
use crate::formats::ph_ee::id_type_setting;
use crate::formats::ph_ee::{payee_identifier, payer_msisdn};
use crate::payee::{ExceptionReason, IdType, Payee};
use crate::refs;
use crate::text::{has_control, json_text, payee_json_text};
use serde::Serialize;
use std::collections::BTreeMap;

const FORMAT: &str = "mojaloop";

/// Active ISO 4217 codes that are missing from the `Currency` enum of the SDK scheme adapter API
/// v2.1.0 (api-snippets v18.3.2); a test compares this list with the schema file.
pub const UNSUPPORTED_CURRENCIES: &[&str] = &["MRU", "SLE", "SSP", "STN", "VES", "ZWG"];

pub(crate) struct Mojaloop {
    payer_fsp: String,
    payer_type: IdType,
    payer_identifier: String,
    payer_name: Option<String>,
    payee_default_type: IdType,
    amount_type: &'static str,
    auto_accept_party: bool,
    auto_accept_quote: bool,
    skip_party_lookup: bool,
    synchronous: bool,
    expiration: String,
    max_batch: usize,
    msisdn_country_code: Option<String>,
}

pub(crate) struct Target {
    id_type: IdType,
    identifier: String,
    fsp: String,
    name: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BulkTransactionRequest<'a> {
    #[serde(rename = "bulkHomeTransactionID")]
    bulk_home_transaction_id: &'a str,
    bulk_transaction_id: String,
    options: Options<'a>,
    from: Party<'a>,
    individual_transfers: Vec<Transfer<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Options<'a> {
    only_validate_party: bool,
    auto_accept_party: Enabled,
    auto_accept_quote: Enabled,
    skip_party_lookup: bool,
    synchronous: bool,
    bulk_expiration: &'a str,
}

#[derive(Serialize)]
struct Enabled {
    enabled: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Party<'a> {
    party_id_info: PartyIdInfo<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PartyIdInfo<'a> {
    party_id_type: &'static str,
    party_identifier: &'a str,
    fsp_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Transfer<'a> {
    home_transaction_id: &'a str,
    to: Party<'a>,
    amount_type: &'static str,
    currency: &'a str,
    amount: String,
    note: &'a str,
}

impl Mojaloop {
    pub(crate) fn new(cfg: &PayerConfig, ctx: &Context<'_>) -> Result<Mojaloop, PaymentError> {
        let s = cfg.mojaloop.clone().unwrap_or_default();
        let code = ctx.currency.code();
        if UNSUPPORTED_CURRENCIES.contains(&code) {
            return Err(PaymentError::UnsupportedCurrency {
                currency: code.to_string(),
                format: FORMAT,
                reason: "the Mojaloop SDK API v2.1.0 Currency enum does not list it".into(),
            });
        }
        let payer_fsp = required(s.payer_fsp.as_ref(), "mojaloop.payer_fsp", FORMAT)?;
        check_identifier(payer_fsp, 32)
            .map_err(|r| PaymentError::setting("mojaloop.payer_fsp", r))?;
        let payer_type = id_type_setting(
            s.payer_id_type.as_ref(),
            "mojaloop.payer_id_type",
            IdType::AccountId,
        )?;
        let payer_identifier = required(
            s.payer_identifier.as_ref(),
            "mojaloop.payer_identifier",
            FORMAT,
        )?;
        check_typed_identifier(payer_identifier, payer_type)
            .map_err(|r| PaymentError::setting("mojaloop.payer_identifier", r))?;
        let payer_identifier = payer_msisdn(
            payer_identifier,
            payer_type,
            cfg,
            "mojaloop.payer_identifier",
        )?;
        let payee_default_type = id_type_setting(
            s.payee_id_type.as_ref(),
            "mojaloop.payee_id_type",
            IdType::AccountId,
        )?;
        let amount_type = match s.amount_type.as_deref().map(str::trim) {
            None | Some("RECEIVE") => "RECEIVE",
            Some("SEND") => "SEND",
            Some(_) => {
                return Err(PaymentError::setting(
                    "mojaloop.amount_type",
                    "is not RECEIVE or SEND",
                ))
            }
        };
        let payer_name = cfg
            .name
            .as_deref()
            .map(|n| json_text(n, 128, "payer name", None, FORMAT))
            .transpose()?;
        json_text(ctx.note, 128, &ctx.note_field("note"), None, FORMAT)?;
        let expiration = match s.bulk_expiration {
            Some(t) => {
                // Expired when created, or before payment is due: the adapter would refuse it,
                // or let it lapse unpaid.
                let due = ts::start_of(ctx.execution_date);
                if t <= ctx.created_at || t <= due {
                    return Err(PaymentError::DateOutOfOrder {
                        setting: "mojaloop.bulk_expiration",
                        value: ts::millis(t),
                        must_be: "after",
                        limit: format!(
                            "the creation time, {}, and the start of the execution date, {}",
                            ts::millis(ctx.created_at),
                            ts::millis(due)
                        ),
                        default: "7 days after the execution date",
                    });
                }
                t
            }
            None => ts::start_of(
                ctx.execution_date
                    .checked_add_days(chrono::Days::new(7))
                    .unwrap_or(ctx.execution_date),
            ),
        };
        Ok(Mojaloop {
            payer_fsp: payer_fsp.to_string(),
            payer_type,
            payer_identifier,
            payer_name,
            payee_default_type,
            amount_type,
            auto_accept_party: s.auto_accept_party,
            auto_accept_quote: s.auto_accept_quote,
            skip_party_lookup: s.skip_party_lookup,
            synchronous: s.synchronous,
            expiration: ts::millis(expiration),
            max_batch: batch_size(s.max_batch_size, "mojaloop.max_batch_size", 1000, 1000)?,
            msisdn_country_code: cfg.msisdn_country_code.clone(),
        })
    }
}

impl Writer for Mojaloop {
    type Target = Target;

    fn resolve(
        &self,
        unit_id: &str,
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
        // only that unit (and an e-mail address, checked loosely, would otherwise carry it).
        if has_control(&identifier) {
            return Ok(Err(ExceptionReason::PayeeTextControlCharacters));
        }
        // Checked as its type is written (a typo holds back only that unit), and an MSISDN in
        // international form, digits only.
        let identifier =
            match payee_identifier(identifier, id_type, self.msisdn_country_code.as_deref()) {
                Ok(id) => id,
                Err(reason) => return Ok(Err(reason)),
            };
        let Some(fsp) = payee.fsp() else {
            return Ok(Err(ExceptionReason::NoPayeeFsp));
        };
        if has_control(fsp) {
            return Ok(Err(ExceptionReason::PayeeTextControlCharacters));
        }
        // `FspId` is 1 to 32 characters.
        if check_identifier(fsp, 32).is_err() {
            return Ok(Err(ExceptionReason::MalformedPayeeFsp));
        }
        // A name too long for the field sends the unit to the exceptions, uncut.
        let name = match payee.name() {
            Some(n) => match payee_json_text(n, 128, "to.name", unit_id, FORMAT)? {
                Ok(n) => Some(n),
                Err(reason) => return Ok(Err(reason)),
            },
            None => None,
        };
        Ok(Ok(Target {
            id_type,
            identifier,
            fsp: fsp.to_string(),
            name,
        }))
    }

    fn build(&self, ctx: &Context<'_>, items: &[Item<Target>]) -> Result<Built, PaymentError> {
        // FSP ids are grouped ignoring case (`mpesa` and `MPESA` name one FSP, and one bulk has
        // one payee FSP), each group under the spelling of its first unit by unit id.
        let mut by_fsp: BTreeMap<String, (&str, Vec<&Item<Target>>)> = BTreeMap::new();
        for item in items {
            check_digits(
                || format!("the amount of unit {}", item.unit_id),
                item.amount,
                FORMAT,
                18,
                4,
            )?;
            by_fsp
                .entry(item.target.fsp.to_lowercase())
                .or_insert_with(|| (item.target.fsp.as_str(), Vec::new()))
                .1
                .push(item);
        }
        let mut built = Built {
            files: Vec::new(),
            batches: Vec::new(),
        };
        let mut number = 0usize;
        for (fsp, group) in by_fsp.into_values() {
            for chunk in group.chunks(self.max_batch) {
                number = number.saturating_add(1);
                let batch_id = super::batch_id(ctx, FORMAT, number, chunk.iter().copied())?;
                let transfers = chunk
                    .iter()
                    .map(|i| Transfer {
                        home_transaction_id: &i.reference,
                        to: Party {
                            party_id_info: PartyIdInfo {
                                party_id_type: i.target.id_type.as_str(),
                                party_identifier: &i.target.identifier,
                                fsp_id: fsp,
                            },
                            name: i.target.name.as_deref(),
                        },
                        amount_type: self.amount_type,
                        currency: ctx.currency.code(),
                        amount: without_trailing_zeros(i.amount),
                        note: ctx.note,
                    })
                    .collect();
                let request = BulkTransactionRequest {
                    bulk_home_transaction_id: &batch_id,
                    bulk_transaction_id: refs::uuid_of(&batch_id),
                    options: Options {
                        only_validate_party: false,
                        auto_accept_party: Enabled {
                            enabled: self.auto_accept_party,
                        },
                        auto_accept_quote: Enabled {
                            enabled: self.auto_accept_quote,
                        },
                        skip_party_lookup: self.skip_party_lookup,
                        synchronous: self.synchronous,
                        bulk_expiration: &self.expiration,
                    },
                    from: Party {
                        party_id_info: PartyIdInfo {
                            party_id_type: self.payer_type.as_str(),
                            party_identifier: &self.payer_identifier,
                            fsp_id: &self.payer_fsp,
                        },
                        name: self.payer_name.as_deref(),
                    },
                    individual_transfers: transfers,
                };
                let name = batch_file_name(FORMAT, number, "json");
                built.files.push(OutputFile {
                    name: name.clone(),
                    bytes: to_json(&request, FORMAT)?,
                });
                built.batches.push(BatchSummary::of(
                    batch_id,
                    name,
                    None,
                    Some(fsp.to_string()),
                    chunk.iter().copied(),
                ));
            }
        }
        Ok(built)
    }
}
