//! ISO 20022 `pain.001.001.03` and `pain.001.001.09` customer credit transfer initiations.
//!
//! One file per batch, with one `GrpHdr` and one `PmtInf` (`PmtMtd` TRF). The two versions differ
//! where standards.md P5 says: `.03` writes `<ReqdExctnDt>2026-03-05</ReqdExctnDt>` and `<BIC>`;
//! `.09` writes `<ReqdExctnDt><Dt>2026-03-05</Dt></ReqdExctnDt>` and `<BICFI>`.
//!
//! The XSDs do not check what matters most to a bank, so this module does:
//! - `NbOfTxs` and `CtrlSum` (in `GrpHdr` and `PmtInf`) equal the count and sum of the transactions;
//! - every text is in the SEPA/SWIFT Latin character set (letters lose their accents; other
//!   characters are refused) and within its length (`Nm` 70 with SEPA, otherwise 140; `Ustrd` 140;
//!   account ids 34, other ids 35). A payer setting that does not fit stops the export (P0013,
//!   naming the setting); a payee's name or account with characters that have no Latin form, or
//!   only accents (which would leave it empty), sends that unit to the exceptions file
//!   (`payee_text_outside_charset`), and so does a name longer than `Nm` allows
//!   (`payee_text_too_long`, never cut), an account id or provider id longer than its field
//!   (`payee_account_too_long`, never cut) and any payee text (name, account, IBAN, BIC,
//!   provider) with a control character (`payee_text_control_characters`), so one payee does not
//!   hold back the batch;
//! - a payee's IBAN that fails its country's length or the mod-97 checksum sends that unit to the
//!   exceptions (`malformed_payee_iban`, or `malformed_payee_address` when the IBAN is the
//!   financial address), and so does a BIC not of a BIC's shape (`malformed_payee_bic`); the
//!   payer's own `pain001.iban` and `pain001.bic` are settings and stop the export (P0005);
//! - `Cdtr/Nm` and `CdtrAcct` are always written (optional in the XSD, required by banks): a payee
//!   without a name or account goes to the exceptions file;
//! - an account that is not an IBAN has a creditor agent, the payee's BIC or else its provider
//!   (`CdtrAgt/FinInstnId/Othr/Id`, the FSP id or the address's `@provider`), so the bank knows
//!   where the account is; a payee with neither goes to the exceptions file (`no_payee_fsp`);
//! - amounts fit `InstdAmt` (18 digits, 5 decimals; with SEPA at most 999999999.99 EUR).

use super::{
    batch_file_name, batch_id, sum, ts, BatchSummary, Built, Context, Item, OutputFile, Writer,
};
use crate::address::{check_bic, check_iban, normalize_iban};
use crate::amount::{fixed, integer_digits};
use crate::config::{batch_size, required, PayerConfig};
use crate::error::PaymentError;
use crate::payee::{ExceptionReason, IdType, Payee};
use crate::refs;
use crate::text::{
    has_control, latin_text, to_latin, xml_escape, Charset, LatinProblem, LengthProblem,
};
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// The two supported versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Version {
    V03,
    V09,
}

enum Account {
    Iban(String),
    Other(String),
}

pub(crate) struct Pain001 {
    version: Version,
    format: &'static str,
    payer_name: String,
    debtor_account: Account,
    debtor_bic: Option<String>,
    sepa: bool,
    charge_bearer: Option<String>,
    batch_booking: Option<bool>,
    note: String,
    max_batch: usize,
}

/// How a financial institution is identified: its BIC, or another id (`FinInstnId/Othr/Id`).
enum Agent {
    Bic(String),
    Other(String),
}

pub(crate) struct Target {
    name: String,
    account: Account,
    /// The creditor agent: the payee's BIC, else (for an account that is not an IBAN) the
    /// payee's provider; none for an IBAN without BIC, which names its bank itself.
    agent: Option<Agent>,
}

impl Pain001 {
    pub(crate) fn new(
        cfg: &PayerConfig,
        ctx: &Context<'_>,
        version: Version,
    ) -> Result<Pain001, PaymentError> {
        let format = match version {
            Version::V03 => "pain.001.001.03",
            Version::V09 => "pain.001.001.09",
        };
        let s = cfg.pain001.clone().unwrap_or_default();
        let name_max = if s.sepa { 70 } else { 140 };
        let charset = if s.sepa {
            Charset::Sepa
        } else {
            Charset::Swift
        };
        let text =
            |t: &str, max: usize, field: &str| latin_text(t, max, charset, field, None, format);
        let payer = required(cfg.name.as_ref(), "name", format)?;
        let payer_name = text(payer, name_max, "the payer setting `name` (Dbtr/Nm)")?;
        let debtor_account = match (&s.iban, &s.account) {
            (Some(iban), _) => {
                let iban = normalize_iban(iban);
                check_iban(&iban).map_err(|r| PaymentError::setting("pain001.iban", r))?;
                let country = iban.get(..2).unwrap_or_default();
                if s.sepa && !crate::iban::in_sepa(country) {
                    return Err(PaymentError::setting(
                        "pain001.iban",
                        format!(
                            "is a {country} account, outside the SEPA zone (`pain001.sepa = true`)"
                        ),
                    ));
                }
                Account::Iban(iban)
            }
            (None, Some(acc)) if !s.sepa => Account::Other(text(
                acc,
                34,
                "the payer setting `pain001.account` (DbtrAcct/Id/Othr/Id)",
            )?),
            _ => {
                return Err(PaymentError::MissingSetting {
                    setting: "pain001.iban".into(),
                    format,
                })
            }
        };
        let debtor_bic = match &s.bic {
            Some(b) => {
                check_bic(b.trim()).map_err(|r| PaymentError::setting("pain001.bic", r))?;
                Some(b.trim().to_string())
            }
            None => None,
        };
        let charge_bearer = match s.charge_bearer.as_deref().map(str::trim) {
            Some(c @ ("DEBT" | "CRED" | "SHAR" | "SLEV")) => {
                if s.sepa && c != "SLEV" {
                    return Err(PaymentError::setting(
                        "pain001.charge_bearer",
                        "must be SLEV for SEPA",
                    ));
                }
                Some(c.to_string())
            }
            Some(_) => {
                return Err(PaymentError::setting(
                    "pain001.charge_bearer",
                    "is not DEBT, CRED, SHAR or SLEV",
                ))
            }
            None => s.sepa.then(|| "SLEV".to_string()),
        };
        if s.sepa && ctx.currency.code() != "EUR" {
            return Err(PaymentError::UnsupportedCurrency {
                currency: ctx.currency.code().to_string(),
                format,
                reason: "a SEPA credit transfer (`pain001.sepa = true`) is in EUR only".into(),
            });
        }
        let note = text(ctx.note, 140, &ctx.note_field("RmtInf/Ustrd"))?;
        Ok(Pain001 {
            version,
            format,
            payer_name,
            debtor_account,
            debtor_bic,
            sepa: s.sepa,
            charge_bearer,
            batch_booking: s.batch_booking,
            note,
            max_batch: batch_size(s.max_batch_size, "pain001.max_batch_size", 5000, 100_000)?,
        })
    }

    fn check_amount(
        &self,
        what: impl Fn() -> String,
        amount: Decimal,
        minor: u32,
        max_total: u32,
    ) -> Result<(), PaymentError> {
        let digits = integer_digits(amount).saturating_add(minor);
        if digits > max_total {
            return Err(PaymentError::AmountOutOfRange {
                what: what(),
                format: self.format,
                reason: format!("{digits} digits, at most {max_total} allowed"),
            });
        }
        if self.sepa && amount > Decimal::new(99_999_999_999, 2) {
            return Err(PaymentError::AmountOutOfRange {
                what: what(),
                format: self.format,
                reason: "SEPA allows at most 999999999.99".into(),
            });
        }
        Ok(())
    }

    fn agent(&self, out: &mut String, indent: &str, tag: &str, agent: &Agent) {
        let bic_tag = match self.version {
            Version::V03 => "BIC",
            Version::V09 => "BICFI",
        };
        let _ = write!(out, "{indent}<{tag}>\n{indent}  <FinInstnId>\n");
        match agent {
            Agent::Bic(b) => {
                let _ = writeln!(out, "{indent}    <{bic_tag}>{}</{bic_tag}>", xml_escape(b));
            }
            Agent::Other(id) => {
                let _ = writeln!(
                    out,
                    "{indent}    <Othr>\n{indent}      <Id>{}</Id>\n{indent}    </Othr>",
                    xml_escape(id)
                );
            }
        }
        let _ = write!(out, "{indent}  </FinInstnId>\n{indent}</{tag}>\n");
    }

    fn account(out: &mut String, indent: &str, tag: &str, account: &Account) {
        let _ = write!(out, "{indent}<{tag}>\n{indent}  <Id>\n");
        match account {
            Account::Iban(i) => {
                let _ = writeln!(out, "{indent}    <IBAN>{}</IBAN>", xml_escape(i));
            }
            Account::Other(o) => {
                let _ = writeln!(
                    out,
                    "{indent}    <Othr>\n{indent}      <Id>{}</Id>\n{indent}    </Othr>",
                    xml_escape(o)
                );
            }
        }
        let _ = write!(out, "{indent}  </Id>\n{indent}</{tag}>\n");
    }

    fn document(
        &self,
        ctx: &Context<'_>,
        batch_id: &str,
        message_id: &str,
        chunk: &[Item<Target>],
    ) -> String {
        let minor = ctx.currency.minor_units();
        let control = fixed(sum(chunk), minor);
        let count = chunk.len();
        let mut x = String::with_capacity(1024usize.saturating_add(count.saturating_mul(600)));
        let _ = write!(
            x,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:{}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n  <CstmrCdtTrfInitn>\n",
            self.format
        );
        let _ = write!(
            x,
            "    <GrpHdr>\n      <MsgId>{message_id}</MsgId>\n      <CreDtTm>{}</CreDtTm>\n      <NbOfTxs>{count}</NbOfTxs>\n      <CtrlSum>{control}</CtrlSum>\n      <InitgPty>\n        <Nm>{}</Nm>\n      </InitgPty>\n    </GrpHdr>\n",
            ts::rfc3339(ctx.created_at),
            xml_escape(&self.payer_name)
        );
        let _ = write!(
            x,
            "    <PmtInf>\n      <PmtInfId>{batch_id}</PmtInfId>\n      <PmtMtd>TRF</PmtMtd>\n"
        );
        if let Some(b) = self.batch_booking {
            let _ = writeln!(x, "      <BtchBookg>{b}</BtchBookg>");
        }
        let _ = write!(
            x,
            "      <NbOfTxs>{count}</NbOfTxs>\n      <CtrlSum>{control}</CtrlSum>\n"
        );
        if self.sepa {
            x.push_str("      <PmtTpInf>\n        <SvcLvl>\n          <Cd>SEPA</Cd>\n        </SvcLvl>\n      </PmtTpInf>\n");
        }
        let date = ctx.execution_date.format("%Y-%m-%d");
        match self.version {
            Version::V03 => {
                let _ = writeln!(x, "      <ReqdExctnDt>{date}</ReqdExctnDt>");
            }
            Version::V09 => {
                let _ = writeln!(
                    x,
                    "      <ReqdExctnDt>\n        <Dt>{date}</Dt>\n      </ReqdExctnDt>"
                );
            }
        }
        let _ = writeln!(
            x,
            "      <Dbtr>\n        <Nm>{}</Nm>\n      </Dbtr>",
            xml_escape(&self.payer_name)
        );
        Self::account(&mut x, "      ", "DbtrAcct", &self.debtor_account);
        let debtor_agent = match &self.debtor_bic {
            Some(b) => Agent::Bic(b.clone()),
            None => Agent::Other("NOTPROVIDED".into()),
        };
        self.agent(&mut x, "      ", "DbtrAgt", &debtor_agent);
        if let Some(c) = &self.charge_bearer {
            let _ = writeln!(x, "      <ChrgBr>{c}</ChrgBr>");
        }
        for item in chunk {
            let _ = write!(
                x,
                "      <CdtTrfTxInf>\n        <PmtId>\n          <EndToEndId>{}</EndToEndId>\n        </PmtId>\n        <Amt>\n          <InstdAmt Ccy=\"{}\">{}</InstdAmt>\n        </Amt>\n",
                item.reference,
                ctx.currency.code(),
                fixed(item.amount, minor)
            );
            if let Some(agent) = &item.target.agent {
                self.agent(&mut x, "        ", "CdtrAgt", agent);
            }
            let _ = writeln!(
                x,
                "        <Cdtr>\n          <Nm>{}</Nm>\n        </Cdtr>",
                xml_escape(&item.target.name)
            );
            Self::account(&mut x, "        ", "CdtrAcct", &item.target.account);
            let _ = write!(
                x,
                "        <RmtInf>\n          <Ustrd>{}</Ustrd>\n        </RmtInf>\n      </CdtTrfTxInf>\n",
                xml_escape(&self.note)
            );
        }
        x.push_str("    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n");
        x
    }
}

/// Brings a payee's text into a Latin field of `max` characters, or gives the reason its unit
/// goes to the exceptions: one payee's data never stops the batch, and is never cut or cleaned,
/// which could name someone else or another account.
fn payee_latin(
    text: &str,
    max: usize,
    too_long: ExceptionReason,
) -> Result<String, ExceptionReason> {
    to_latin(text, max).map_err(|problem| match problem {
        // Letters of another script, or only accents and so nothing Latin: a person records a
        // Latin spelling.
        LatinProblem::Outside(_) | LatinProblem::Length(LengthProblem::Empty) => {
            ExceptionReason::PayeeTextOutsideCharset
        }
        LatinProblem::Length(LengthProblem::Control) => ExceptionReason::PayeeTextControlCharacters,
        LatinProblem::Length(LengthProblem::TooLong { .. }) => too_long,
    })
}

impl Writer for Pain001 {
    type Target = Target;

    fn resolve(
        &self,
        _unit_id: &str,
        payee: &Payee,
    ) -> Result<Result<Target, ExceptionReason>, PaymentError> {
        let iban = match payee
            .iban
            .as_deref()
            .map(normalize_iban)
            .filter(|s| !s.is_empty())
        {
            Some(iban) => Some((iban, ExceptionReason::MalformedPayeeIban)),
            None => match payee.identifier() {
                Some((id, Some(IdType::Iban), _)) => {
                    Some((normalize_iban(id), ExceptionReason::MalformedPayeeAddress))
                }
                _ => None,
            },
        };
        let account = match iban {
            // Spaces and line breaks are not part of an IBAN and were removed; any other control
            // character is a payee's data that no format carries.
            Some((iban, _)) if has_control(&iban) => {
                return Ok(Err(ExceptionReason::PayeeTextControlCharacters))
            }
            // A mistyped IBAN, reported as the field it came from so that the right one is
            // corrected: one payee's typo holds back only that unit.
            Some((iban, malformed)) if check_iban(&iban).is_err() => return Ok(Err(malformed)),
            Some((iban, _)) => {
                if self.sepa && !crate::iban::in_sepa(iban.get(..2).unwrap_or_default()) {
                    return Ok(Err(ExceptionReason::IbanOutsideSepa));
                }
                Account::Iban(iban)
            }
            None if self.sepa => return Ok(Err(ExceptionReason::NoIban)),
            None => match payee.identifier() {
                // `CdtrAcct/Id/Othr/Id` is `Max34Text`.
                Some((id, _, _)) => match payee_latin(id, 34, ExceptionReason::PayeeAccountTooLong)
                {
                    Ok(id) => Account::Other(id),
                    Err(reason) => return Ok(Err(reason)),
                },
                None => return Ok(Err(ExceptionReason::NoFinancialAddress)),
            },
        };
        let Some(name) = payee.name() else {
            return Ok(Err(ExceptionReason::NoPayeeName));
        };
        // One payee's name in another script (or only accents, which leave nothing Latin, never
        // a blank `Nm`), or too long for the field, must not hold back everyone else's payment.
        // A long name is not cut, as cutting it could change whom it names: the unit waits for a
        // shorter form.
        let max = if self.sepa { 70 } else { 140 };
        let name = match payee_latin(name, max, ExceptionReason::PayeeTextTooLong) {
            Ok(name) => name,
            Err(reason) => return Ok(Err(reason)),
        };
        let bic = match payee
            .bic
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
        {
            Some(b) if has_control(b) => {
                return Ok(Err(ExceptionReason::PayeeTextControlCharacters))
            }
            // Not a BIC's shape, which neither XSD accepts: only this unit waits for a correction.
            Some(b) if check_bic(b).is_err() => return Ok(Err(ExceptionReason::MalformedPayeeBic)),
            Some(b) => Some(Agent::Bic(b.to_string())),
            None => None,
        };
        // An account that is not an IBAN (a mobile wallet, `account:12345@kcb`) means nothing to
        // the bank without its provider, which goes where the BIC would (`FinInstnId/Othr/Id`).
        let agent = match (bic, &account) {
            (Some(bic), _) => Some(bic),
            (None, Account::Iban(_)) => None,
            // `FinInstnId/Othr/Id` is `Max35Text`.
            (None, Account::Other(_)) => match payee.fsp() {
                Some(fsp) => match payee_latin(fsp, 35, ExceptionReason::PayeeAccountTooLong) {
                    Ok(fsp) => Some(Agent::Other(fsp)),
                    Err(reason) => return Ok(Err(reason)),
                },
                None => return Ok(Err(ExceptionReason::NoPayeeFsp)),
            },
        };
        Ok(Ok(Target {
            name,
            account,
            agent,
        }))
    }

    fn build(&self, ctx: &Context<'_>, items: &[Item<Target>]) -> Result<Built, PaymentError> {
        let minor = ctx.currency.minor_units();
        let mut built = Built {
            files: Vec::new(),
            batches: Vec::new(),
        };
        for (index, chunk) in items.chunks(self.max_batch).enumerate() {
            let number = index.saturating_add(1);
            for item in chunk {
                self.check_amount(
                    || format!("the amount of unit {}", item.unit_id),
                    item.amount,
                    minor,
                    18,
                )?;
            }
            let total = sum(chunk);
            self.check_amount(
                || format!("the control sum of batch {number}"),
                total,
                minor,
                18,
            )?;
            let batch_id = batch_id(ctx, self.format, number, chunk.iter())?;
            let message_id = refs::message_id(&batch_id);
            let xml = self.document(ctx, &batch_id, &message_id, chunk);
            let name = batch_file_name(self.format, number, "xml");
            built.files.push(OutputFile {
                name: name.clone(),
                bytes: xml.into_bytes(),
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
