//! The payer configuration: who pays, from which account, and each format's settings.
//!
//! It is a TOML file. Unknown keys are refused, so a typo is an error rather than a silently ignored
//! setting. Settings are optional in the file; a format that needs one it does not find returns
//! [`PaymentError::MissingSetting`] (P0004), naming the setting. See the crate README for a full
//! example.

use crate::amount::Rounding;
use crate::error::PaymentError;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer};
use std::path::Path;

/// The payer configuration (`payer.toml`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayerConfig {
    /// The payer's name (the paying agency or programme account), written as payer name, debtor
    /// and initiating party.
    pub name: Option<String>,
    /// The cycle identifier that goes into every reference (default: the as-of month, `2026-03`).
    pub cycle: Option<String>,
    /// The requested execution (or schedule) date (default: the run's as-of date).
    #[serde(default, deserialize_with = "de_date")]
    pub execution_date: Option<NaiveDate>,
    /// The creation timestamp written into message headers (default: the day of the export,
    /// [`crate::PlanOptions::today`], at 00:00:00 UTC; without that day, the execution date's).
    /// Never the wall clock, so that a re-run gives the same bytes. On a day after the execution
    /// date it is refused (P0024).
    #[serde(default, deserialize_with = "de_datetime")]
    pub created_at: Option<DateTime<Utc>>,
    /// What to do with amounts that have more decimals than the currency (default `reject`).
    #[serde(default)]
    pub rounding: Rounding,
    /// The country calling code (ITU-T E.164, 1 to 3 digits: `"254"`) that makes a payee's
    /// MSISDN in national format (one leading `0`: `0712345678`) international (`254712345678`)
    /// for the formats that need it, Mojaloop and Payment Hub EE. Without it, such a payee goes
    /// to the exceptions (`national_msisdn`), and such a payer identifier is refused (P0005).
    #[serde(default, deserialize_with = "de_country_code")]
    pub msisdn_country_code: Option<String>,
    /// The note or narrative on every payment (default: `<program id> <cycle>`, with `_` as a
    /// space so that it fits SEPA's character set: `child grant 2026-03`). It is the same for
    /// every payee and must not carry personal data.
    pub note: Option<String>,
    /// G2P Connect `disburse` settings.
    pub g2p_connect: Option<G2pConnectConfig>,
    /// OpenG2P G2P Bridge 1.0 settings.
    pub g2p_bridge: Option<G2pBridgeConfig>,
    /// Payment Hub EE bulk CSV settings.
    pub ph_ee: Option<PhEeConfig>,
    /// ISO 20022 pain.001 settings (both versions).
    pub pain001: Option<Pain001Config>,
    /// Mojaloop SDK `bulkTransactions` settings.
    pub mojaloop: Option<MojaloopConfig>,
    /// `[payees]`: where a host finds each unit's payee (the `entitle` command line reads it from
    /// the same file). Not read here; accepted so that one file can hold both, and an error in
    /// either is reported at its line in that file.
    #[serde(default)]
    pub payees: Option<toml::Table>,
}

/// `[g2p_connect]`: the G2P Connect message header and payer.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct G2pConnectConfig {
    /// `header.sender_id` (required).
    pub sender_id: Option<String>,
    /// `header.sender_uri`, the callback base (optional; a URI).
    pub sender_uri: Option<String>,
    /// `header.receiver_id` (optional).
    pub receiver_id: Option<String>,
    /// The payer's financial address, `id-type:id@provider` (required).
    pub payer_fa: Option<String>,
    /// `purpose` on every disbursement (optional, at most 99 characters).
    pub purpose: Option<String>,
    /// `locale`, an ISO 639-3 code such as `eng` (optional).
    pub locale: Option<String>,
    /// Write `scheduled_timestamp` (the execution date at 00:00 UTC); without it the disbursements
    /// are immediate (default false).
    #[serde(default)]
    pub schedule: bool,
    /// At most this many disbursements per message (default 500).
    pub max_batch_size: Option<usize>,
}

/// `[g2p_bridge]`: the OpenG2P G2P Bridge 1.0 envelope.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct G2pBridgeConfig {
    /// `header.sender_id` (required).
    pub sender_id: Option<String>,
    /// `header.sender_uri` (optional).
    pub sender_uri: Option<String>,
    /// `header.receiver_id` (optional).
    pub receiver_id: Option<String>,
    /// `benefit_program_mnemonic` of the envelope (required).
    pub program_mnemonic: Option<String>,
    /// `disbursement_frequency`: Daily, Weekly, Fortnightly, Monthly, BiMonthly, Quarterly,
    /// SemiAnnually, Annually or OnDemand (default OnDemand, as OpenG2P sends).
    pub disbursement_frequency: Option<String>,
    /// The envelope id the Bridge returned from `create_disbursement_envelope`. Without it, the
    /// disbursements carry a derived envelope reference that must be replaced when posting.
    pub envelope_id: Option<String>,
    /// At most this many disbursements per request (default 500).
    pub max_batch_size: Option<usize>,
}

/// `[ph_ee]`: the Payment Hub EE bulk CSV.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhEeConfig {
    /// The `Platform-TenantId` to submit with (optional; recorded in the manifest, not the CSV).
    pub tenant: Option<String>,
    /// `payment_mode`: one of GSMA, MOJALOOP, SLCB, CLOSEDLOOP, any case (required).
    pub payment_mode: Option<String>,
    /// `payer_identifier_type`, e.g. MSISDN or ACCOUNT_ID (required).
    pub payer_identifier_type: Option<String>,
    /// `payer_identifier` (required).
    pub payer_identifier: Option<String>,
    /// The payee identifier type for payees whose address does not say (default ACCOUNT_ID, as
    /// OpenG2P's `payee_id_type_to_send`).
    pub payee_identifier_type: Option<String>,
    /// `program_shortcode` (default: the program id).
    pub program_shortcode: Option<String>,
    /// At most this many rows per file (default 500).
    pub max_batch_size: Option<usize>,
    /// At most this many bytes per file (default 100000, the bulk processor's `csv.size`).
    pub max_file_bytes: Option<usize>,
}

/// `[pain001]`: the ISO 20022 debtor and options.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pain001Config {
    /// The debtor account IBAN (this or `account` is required).
    pub iban: Option<String>,
    /// A non-IBAN debtor account (`DbtrAcct/Id/Othr/Id`), when there is no IBAN.
    pub account: Option<String>,
    /// The debtor agent BIC (optional; without it `Othr/Id` is `NOTPROVIDED`).
    pub bic: Option<String>,
    /// SEPA credit transfer: EUR only, IBAN payees, service level `SEPA`, charge bearer `SLEV`,
    /// names of at most 70 characters (default false).
    #[serde(default)]
    pub sepa: bool,
    /// `ChrgBr`: DEBT, CRED, SHAR or SLEV (default SLEV with `sepa`, otherwise omitted).
    pub charge_bearer: Option<String>,
    /// `BtchBookg` (optional).
    pub batch_booking: Option<bool>,
    /// At most this many transactions per file (default 5000).
    pub max_batch_size: Option<usize>,
}

/// `[mojaloop]`: the SDK scheme adapter `bulkTransactions` request.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MojaloopConfig {
    /// The payer's FSP id, `from.partyIdInfo.fspId` (required).
    pub payer_fsp: Option<String>,
    /// `from.partyIdInfo.partyIdType` (default ACCOUNT_ID).
    pub payer_id_type: Option<String>,
    /// `from.partyIdInfo.partyIdentifier` (required).
    pub payer_identifier: Option<String>,
    /// The payee id type for payees whose address does not say (default ACCOUNT_ID).
    pub payee_id_type: Option<String>,
    /// `amountType`: RECEIVE (the payee receives the amount, fees on top; default) or SEND.
    pub amount_type: Option<String>,
    /// `options.autoAcceptParty.enabled` (default false).
    #[serde(default)]
    pub auto_accept_party: bool,
    /// `options.autoAcceptQuote.enabled` (default false).
    #[serde(default)]
    pub auto_accept_quote: bool,
    /// `options.skipPartyLookup` (default false).
    #[serde(default)]
    pub skip_party_lookup: bool,
    /// `options.synchronous` (default false).
    #[serde(default)]
    pub synchronous: bool,
    /// `options.bulkExpiration` (default: 7 days after the execution date, 00:00:00.000 UTC).
    /// It must be after the creation time and the start of the execution date (P0024): a bulk
    /// that expires before payment is due would never be paid.
    #[serde(default, deserialize_with = "de_datetime")]
    pub bulk_expiration: Option<DateTime<Utc>>,
    /// At most this many transfers per request (default and maximum 1000).
    pub max_batch_size: Option<usize>,
}

impl PayerConfig {
    /// Parses a payer configuration from TOML text.
    ///
    /// # Errors
    /// [`PaymentError::InvalidConfig`] (P0003) for invalid TOML, an unknown key or a value of the
    /// wrong type.
    pub fn from_toml_str(text: &str) -> Result<PayerConfig, PaymentError> {
        toml::from_str(text).map_err(|e| PaymentError::InvalidConfig {
            message: toml_error(text, &e),
        })
    }

    /// Reads and parses a payer configuration file.
    ///
    /// # Errors
    /// [`PaymentError::Io`] (P0001) when the file cannot be read, or [`PaymentError::InvalidConfig`]
    /// (P0003).
    pub fn load(path: &Path) -> Result<PayerConfig, PaymentError> {
        let text = std::fs::read_to_string(path).map_err(|e| PaymentError::io("read", path, e))?;
        PayerConfig::from_toml_str(&text)
    }
}

/// A TOML error as a person reads it: where in `text` (line and column, counted from 1, the
/// column in characters) and what.
pub fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim_end();
    match e.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message.to_string(),
    }
}

/// A date written as a TOML date (`2026-03-05`) or a string (`"2026-03-05"`).
#[derive(Deserialize)]
#[serde(untagged)]
enum DateLike {
    Text(String),
    Toml(toml::value::Datetime),
}

impl DateLike {
    fn text(self) -> String {
        match self {
            DateLike::Text(s) => s,
            DateLike::Toml(d) => d.to_string(),
        }
    }
}

fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let Some(v) = Option::<DateLike>::deserialize(d)? else {
        return Ok(None);
    };
    let text = v.text();
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a date (YYYY-MM-DD)")))
}

fn de_datetime<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let Some(v) = Option::<DateLike>::deserialize(d)? else {
        return Ok(None);
    };
    let text = v.text();
    DateTime::parse_from_rfc3339(&text)
        .map(|t| Some(t.with_timezone(&Utc)))
        .map_err(|_| {
            serde::de::Error::custom(format!(
                "`{text}` is not an RFC 3339 date-time with a time zone (2026-03-05T08:00:00Z)"
            ))
        })
}

fn de_country_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let Some(code) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    crate::address::check_country_code(&code)
        .map(|()| Some(code.clone()))
        .map_err(|r| serde::de::Error::custom(format!("`{code}` {r}")))
}

/// Returns a required setting or [`PaymentError::MissingSetting`] naming it.
pub(crate) fn required<'a>(
    value: Option<&'a String>,
    setting: &str,
    format: &'static str,
) -> Result<&'a str, PaymentError> {
    match value.map(|s| s.trim()) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(PaymentError::MissingSetting {
            setting: setting.to_string(),
            format,
        }),
    }
}

/// A batch size setting: default when absent, between 1 and `max`.
pub(crate) fn batch_size(
    value: Option<usize>,
    setting: &str,
    default: usize,
    max: usize,
) -> Result<usize, PaymentError> {
    match value {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(PaymentError::setting(
            setting,
            format!("{n} is not between 1 and {max}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dates_in_both_toml_forms() {
        let c = PayerConfig::from_toml_str(
            "name = \"Treasury\"\nexecution_date = 2026-03-05\ncreated_at = \"2026-03-05T08:30:00+03:00\"\n",
        )
        .unwrap();
        assert_eq!(c.execution_date, NaiveDate::from_ymd_opt(2026, 3, 5));
        assert_eq!(
            c.created_at.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-03-05T05:30:00+00:00")
        );
        let c = PayerConfig::from_toml_str(
            "execution_date = \"2026-03-06\"\ncreated_at = 2026-03-05T08:00:00Z\n",
        )
        .unwrap();
        assert_eq!(c.execution_date, NaiveDate::from_ymd_opt(2026, 3, 6));
        assert_eq!(
            c.created_at.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-03-05T08:00:00+00:00")
        );
        assert_eq!(c.rounding, Rounding::Reject);
    }

    #[test]
    fn refuses_unknown_keys_and_bad_values() {
        let e = PayerConfig::from_toml_str("# the payer\n\n[g2p_connect]\n  sender = \"x\"\n")
            .unwrap_err();
        assert_eq!(e.code(), "P0003");
        assert!(
            e.to_string()
                .contains("line 4, column 3: unknown field `sender`"),
            "{e}"
        );
        let e = PayerConfig::from_toml_str("name = \"Trésor\"\ncycle = 5\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("line 2, column 9: invalid type: integer `5`"),
            "{e}"
        );
        let e = PayerConfig::from_toml_str("name = \"é\nx").unwrap_err();
        assert!(e.to_string().contains("line 1, column 10: "), "{e}");
        // The command line's `[payees]` may stand in the same file.
        let c = PayerConfig::from_toml_str("[payees]\ncolumn = \"account\"\n").unwrap();
        assert!(c.payees.is_some());
        let e = PayerConfig::from_toml_str("execution_date = \"5 March\"\n").unwrap_err();
        assert_eq!(e.code(), "P0003");
        let e = PayerConfig::from_toml_str("rounding = \"nearest\"\n").unwrap_err();
        assert_eq!(e.code(), "P0003");
        let c = PayerConfig::from_toml_str("rounding = \"half_even\"\n").unwrap();
        assert_eq!(c.rounding, Rounding::HalfEven);
    }

    #[test]
    fn a_country_code_is_one_to_three_digits() {
        let c = PayerConfig::from_toml_str("msisdn_country_code = \"254\"\n").unwrap();
        assert_eq!(c.msisdn_country_code.as_deref(), Some("254"));
        assert_eq!(PayerConfig::default().msisdn_country_code, None);
        for bad in ["\"2540\"", "\"+254\"", "\"0\"", "\"\"", "254"] {
            let e =
                PayerConfig::from_toml_str(&format!("msisdn_country_code = {bad}\n")).unwrap_err();
            assert_eq!(e.code(), "P0003", "{bad}");
            assert!(e.to_string().contains("line 1, column 23"), "{e}");
        }
    }

    #[test]
    fn required_settings_name_themselves() {
        let e = required(None, "g2p_connect.sender_id", "g2p-connect").unwrap_err();
        assert_eq!(e.code(), "P0004");
        assert!(e.to_string().contains("g2p_connect.sender_id"));
        let blank = "  ".to_string();
        assert!(required(Some(&blank), "x", "g2p-connect").is_err());
        assert_eq!(batch_size(None, "x", 500, 1000).unwrap(), 500);
        assert_eq!(
            batch_size(Some(0), "x", 500, 1000).unwrap_err().code(),
            "P0005"
        );
    }
}
