//! Payees: who receives each entitlement, from an account-mapper file or a map built by the caller.
//!
//! A group (household) entitlement is paid to one person. The caller that reads the registry picks
//! that person (the member of the configured kind, the head by default, as OpenG2P does) and hands
//! over a map from the *unit* id to that person's [`Payee`]. The account-mapper file has the same
//! shape: one row per unit. A group with several members of that kind has no single payee: the
//! caller names it in [`crate::PlanOptions::several_payees`] and it goes to the exceptions.
//!
//! ## Account-mapper file
//!
//! A CSV file (RFC 4180 quoting) with a header. `unit_id` is required, the other columns optional, in
//! any order; an unknown column is an error (a typo must not hide a column):
//!
//! ```text
//! unit_id,financial_address,name,id_type,fsp_id,bic,iban
//! H1,mobile:0712345678@mpesa,Amina Njeri,MSISDN,mpesa,,
//! H2,account:1002@kcb,Otieno Odhiambo,ACCOUNT_ID,kcb,KCBLKENX,
//! H3,,Marie Dupont,,,COBADEFFXXX,DE89370400440532013000
//! ```
//!
//! An empty cell is an absent value. A unit with no row, whose row lacks what the format needs, or
//! whose value is present but malformed (a mistyped IBAN, MSISDN, BIC …) goes to the exceptions
//! file; the others are exported.

use crate::address::FinancialAddress;
use crate::error::PaymentError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// The person or account that receives a unit's entitlement.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payee {
    /// The payee's name as the account holder (required by pain.001; optional elsewhere).
    #[serde(default)]
    pub name: Option<String>,
    /// The financial address: a G2P Connect address `id-type:id@provider`
    /// (`mobile:0712345678@mpesa`), or a bare identifier (`254712345678`) whose kind `id_type` says.
    #[serde(default)]
    pub financial_address: Option<String>,
    /// What kind of identifier the address holds; when absent it is taken from the address's
    /// `id-type` (`mobile` → MSISDN, `account` → ACCOUNT_ID …) or from the payer configuration.
    #[serde(default)]
    pub id_type: Option<IdType>,
    /// The payee's financial service provider (Mojaloop FSP id, Payment Hub EE `payee_dfsp_id`);
    /// when absent, the provider of a G2P Connect address is used.
    #[serde(default)]
    pub fsp_id: Option<String>,
    /// The payee bank's BIC (pain.001 creditor agent).
    #[serde(default)]
    pub bic: Option<String>,
    /// The payee's IBAN (pain.001 creditor account).
    #[serde(default)]
    pub iban: Option<String>,
}

/// The kind of a payee identifier, named as Mojaloop's `PartyIdType` (which Payment Hub EE uses too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IdType {
    /// A mobile number (ITU-T E.164).
    Msisdn,
    /// An e-mail address.
    Email,
    /// A personal identifier (national id, passport …).
    PersonalId,
    /// A business.
    Business,
    /// A device.
    Device,
    /// A bank or wallet account number.
    AccountId,
    /// An IBAN.
    Iban,
    /// An alias registered with the FSP.
    Alias,
}

impl IdType {
    /// The wire name: `MSISDN`, `ACCOUNT_ID` …
    pub fn as_str(self) -> &'static str {
        match self {
            IdType::Msisdn => "MSISDN",
            IdType::Email => "EMAIL",
            IdType::PersonalId => "PERSONAL_ID",
            IdType::Business => "BUSINESS",
            IdType::Device => "DEVICE",
            IdType::AccountId => "ACCOUNT_ID",
            IdType::Iban => "IBAN",
            IdType::Alias => "ALIAS",
        }
    }

    /// The id type that a G2P Connect address's `id-type` implies: `mobile`, `msisdn`, `phone` →
    /// MSISDN; `account`, `acc`, `bank` → ACCOUNT_ID; `iban` → IBAN; `email` → EMAIL; `token`,
    /// `vid`, `uid`, `id` → PERSONAL_ID; `alias`, `user` → ALIAS. Others imply nothing.
    pub fn from_address_kind(kind: &str) -> Option<IdType> {
        let k = kind.to_ascii_lowercase();
        Some(match k.as_str() {
            "mobile" | "msisdn" | "phone" => IdType::Msisdn,
            "account" | "acc" | "bank" => IdType::AccountId,
            "iban" => IdType::Iban,
            "email" => IdType::Email,
            "token" | "vid" | "uid" | "id" => IdType::PersonalId,
            "alias" | "user" => IdType::Alias,
            _ => return None,
        })
    }
}

impl fmt::Display for IdType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IdType {
    type Err = &'static str;

    /// Parses a wire name in any case (`msisdn`, `ACCOUNT_ID`, `account-id`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = s.trim().to_ascii_uppercase().replace('-', "_");
        Ok(match k.as_str() {
            "MSISDN" => IdType::Msisdn,
            "EMAIL" => IdType::Email,
            "PERSONAL_ID" => IdType::PersonalId,
            "BUSINESS" => IdType::Business,
            "DEVICE" => IdType::Device,
            "ACCOUNT_ID" => IdType::AccountId,
            "IBAN" => IdType::Iban,
            "ALIAS" => IdType::Alias,
            _ => {
                return Err("is not one of MSISDN, EMAIL, PERSONAL_ID, BUSINESS, DEVICE, ACCOUNT_ID, IBAN, ALIAS")
            }
        })
    }
}

/// Why a payable unit is not in the batch. Every such unit is written to the exceptions file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExceptionReason {
    /// No payee for the unit (no mapper row, or no entry in the caller's map).
    NoPayee,
    /// The payee has no financial address (nor an IBAN, for pain.001).
    NoFinancialAddress,
    /// The format needs the payee's name (pain.001 `Cdtr/Nm`) and there is none.
    NoPayeeName,
    /// The format needs the payee's FSP and there is none: Mojaloop splits the batch by it, and
    /// pain.001 names it as the creditor agent of an account that is not an IBAN (when there is
    /// no BIC).
    NoPayeeFsp,
    /// A SEPA transfer needs the payee's IBAN and there is none.
    NoIban,
    /// The amount rounds to zero in the currency's minor unit (KES 0.004, or 0.005 with
    /// `rounding = "half_even"`): no format carries a zero payment (pain.001 needs 0.01 at least).
    RoundsToZero,
    /// A SEPA transfer (`pain001.sepa = true`) to an IBAN of a country outside the SEPA zone.
    IbanOutsideSepa,
    /// The payee's name or account id has a character that the format's character set cannot
    /// carry even once accents are removed (a Cyrillic or Arabic name in pain.001), or is only
    /// accents and so nothing once they are removed: sending it would need a spelling nobody
    /// checked, so the unit waits for one.
    PayeeTextOutsideCharset,
    /// The payee's name is longer than the format's field (pain.001 `Cdtr/Nm`: 70 characters
    /// with SEPA, 140 otherwise; Mojaloop `to.name` 128; G2P Connect and G2P Bridge 999): cutting
    /// it could name someone else, so the unit waits for a shorter form that a person checked.
    PayeeTextTooLong,
    /// The caller found more than one possible payee for the unit (a household with two current
    /// heads): paying one of them could pay the wrong account, so a person decides.
    SeveralPayees,
    /// A payee text the format writes (name, financial address, account id, IBAN, BIC, FSP id)
    /// has a control character (C0, DEL or C1: a NUL, a tab or line break inside it, an escape):
    /// no format carries one, and dropping it could change whom the text names.
    PayeeTextControlCharacters,
    /// pain.001: the payee's account id (`CdtrAcct/Id/Othr/Id`, 34 characters at most) or its
    /// provider's id as creditor agent (`CdtrAgt/FinInstnId/Othr/Id`, 35 at most) is longer than
    /// the field: cutting it would name another account, so the unit waits for a correction.
    PayeeAccountTooLong,
    /// Payment Hub EE: the payee's identifier (an e-mail address) has a comma or a double quote,
    /// which the bulk processor's CSV reader (it splits lines on `,` and knows no quoting) would
    /// split into the wrong columns.
    PayeeTextBreaksCsv,
    /// The payee's financial address (`financial_address`) fails the check of what it holds: a
    /// G2P Connect address `id-type:id@provider`, an MSISDN (an optional `+` and 6 to 15
    /// digits), an IBAN (its country's length, the mod-97 checksum), an e-mail address, or
    /// another identifier (no spaces, commas, quotes or semicolons; at most 128 characters, 256
    /// in G2P Bridge). A typo in one registry entry holds back only that unit.
    MalformedPayeeAddress,
    /// The payee's IBAN (`iban`) fails its check: two letters, two check digits, its country's
    /// length, the mod-97 checksum.
    MalformedPayeeIban,
    /// The payee's BIC (`bic`) is not 8 or 11 characters of a BIC's shape.
    MalformedPayeeBic,
    /// The payee's FSP id (`fsp_id`, else the `@provider` of its financial address) is not 1 to
    /// 32 characters without spaces, commas, quotes or semicolons (Mojaloop, Payment Hub EE).
    MalformedPayeeFsp,
    /// Mojaloop and Payment Hub EE: the payee's MSISDN is in national format (one leading `0`),
    /// these formats carry it in international format (ITU-T E.164), and the payer configuration
    /// has no `msisdn_country_code` to make it so. Guessing the country could pay a stranger.
    NationalMsisdn,
}

impl ExceptionReason {
    /// The stable snake_case code written to the exceptions file.
    pub fn code(self) -> &'static str {
        match self {
            ExceptionReason::NoPayee => "no_payee",
            ExceptionReason::NoFinancialAddress => "no_financial_address",
            ExceptionReason::NoPayeeName => "no_payee_name",
            ExceptionReason::NoPayeeFsp => "no_payee_fsp",
            ExceptionReason::NoIban => "no_iban",
            ExceptionReason::RoundsToZero => "rounds_to_zero",
            ExceptionReason::IbanOutsideSepa => "iban_outside_sepa",
            ExceptionReason::PayeeTextOutsideCharset => "payee_text_outside_charset",
            ExceptionReason::PayeeTextTooLong => "payee_text_too_long",
            ExceptionReason::SeveralPayees => "several_payees",
            ExceptionReason::PayeeTextControlCharacters => "payee_text_control_characters",
            ExceptionReason::PayeeAccountTooLong => "payee_account_too_long",
            ExceptionReason::PayeeTextBreaksCsv => "payee_text_breaks_csv",
            ExceptionReason::MalformedPayeeAddress => "malformed_payee_address",
            ExceptionReason::MalformedPayeeIban => "malformed_payee_iban",
            ExceptionReason::MalformedPayeeBic => "malformed_payee_bic",
            ExceptionReason::MalformedPayeeFsp => "malformed_payee_fsp",
            ExceptionReason::NationalMsisdn => "national_msisdn",
        }
    }

    /// A sentence for people reading the exceptions file.
    pub fn describe(self) -> &'static str {
        match self {
            ExceptionReason::NoPayee => "no payee for the unit",
            ExceptionReason::NoFinancialAddress => "the payee has no financial address",
            ExceptionReason::NoPayeeName => "the payee has no name, which the format requires",
            ExceptionReason::NoPayeeFsp => {
                "the payee has no FSP id (nor, for pain.001, a BIC): the format needs the payee's \
                 provider (Mojaloop to split by payee FSP, pain.001 as the creditor agent of an \
                 account that is not an IBAN)"
            }
            ExceptionReason::NoIban => "the payee has no IBAN, which SEPA requires",
            ExceptionReason::IbanOutsideSepa => {
                "the payee's IBAN is of a country outside the SEPA zone, which SEPA cannot reach"
            }
            ExceptionReason::RoundsToZero => {
                "the amount rounds to zero in the currency's minor unit: nothing to pay"
            }
            ExceptionReason::PayeeTextOutsideCharset => {
                "the payee's name or account has characters outside the format's character set \
                 (Latin letters, digits and / - ? : ( ) . , ' +) that have no Latin spelling; \
                 record a Latin spelling of it"
            }
            ExceptionReason::PayeeTextTooLong => {
                "the payee's name is longer than the format allows (70 characters with SEPA, \
                 140 in pain.001, 128 in Mojaloop, 999 in G2P Connect and G2P Bridge) and is not \
                 cut, which could name someone else; record a shorter form of it"
            }
            ExceptionReason::SeveralPayees => {
                "the unit has more than one possible payee (two current heads of a household, \
                 say): decide who is paid and correct the registry"
            }
            ExceptionReason::PayeeTextControlCharacters => {
                "the payee's name or account has a control character (a tab, a line break, a NUL \
                 or another invisible code) that the format cannot carry; correct it in the \
                 registry"
            }
            ExceptionReason::PayeeAccountTooLong => {
                "the payee's account id is longer than 34 characters, or its provider's id longer \
                 than 35, which pain.001 cannot carry and which is not cut; correct the account \
                 or record it as an IBAN"
            }
            ExceptionReason::PayeeTextBreaksCsv => {
                "the payee's identifier has a comma or a double quote, which the Payment Hub EE \
                 CSV reader cannot carry (it splits lines on commas); correct it in the registry"
            }
            ExceptionReason::MalformedPayeeAddress => {
                "the payee's financial address is malformed for what it holds (a G2P Connect \
                 address id-type:id@provider, an MSISDN of 6 to 15 digits, an IBAN with its \
                 country's length and checksum, an e-mail address, or an identifier without \
                 spaces, commas or quotes); correct the financial address in the registry"
            }
            ExceptionReason::MalformedPayeeIban => {
                "the payee's IBAN is malformed (its country's length, or the mod-97 checksum: a \
                 mistyped digit); correct the IBAN in the registry"
            }
            ExceptionReason::MalformedPayeeBic => {
                "the payee's BIC is malformed (not 8 or 11 letters and digits of a bank code, \
                 country code, location and optional branch); correct the BIC in the registry"
            }
            ExceptionReason::MalformedPayeeFsp => {
                "the payee's FSP id (or the @provider of its financial address) is not 1 to 32 \
                 characters without spaces, commas or quotes; correct it in the registry"
            }
            ExceptionReason::NationalMsisdn => {
                "the payee's MSISDN is in national format (a leading 0), and the format needs it \
                 in international format (country code and number, ITU-T E.164); set \
                 `msisdn_country_code` in the payer configuration, or record the number with its \
                 country code"
            }
        }
    }

    /// Whether the reason is a payee value that fails its check (the `malformed_payee_…`
    /// codes), as opposed to one that is missing or that the format cannot write. When no unit
    /// can be exported and some have one, a payee column is more likely mapped to the wrong field
    /// than every entry mistyped, so the export stops ([`crate::PaymentError::MalformedPayees`]).
    pub fn is_malformed(self) -> bool {
        matches!(
            self,
            ExceptionReason::MalformedPayeeAddress
                | ExceptionReason::MalformedPayeeIban
                | ExceptionReason::MalformedPayeeBic
                | ExceptionReason::MalformedPayeeFsp
        )
    }
}

impl Payee {
    /// The financial address, trimmed, if present and not empty.
    pub(crate) fn address(&self) -> Option<&str> {
        non_empty(self.financial_address.as_deref())
    }

    /// What identifies the account this payee is paid to, in any format: the IBAN (normalised),
    /// the financial address, the FSP and the BIC.
    pub(crate) fn account(&self) -> String {
        let iban = self
            .iban
            .as_deref()
            .map(crate::address::normalize_iban)
            .unwrap_or_default();
        let part = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_string();
        [
            iban,
            part(&self.financial_address),
            part(&self.fsp_id),
            part(&self.bic),
        ]
        .join("\n")
    }

    /// The name, trimmed, if present and not empty.
    pub(crate) fn name(&self) -> Option<&str> {
        non_empty(self.name.as_deref())
    }

    /// Splits the address into (identifier, id type, provider): a G2P Connect address gives its
    /// parts; anything else is a bare identifier. An explicit `id_type` wins over the address's
    /// `id-type`. An e-mail address (explicit EMAIL) is always bare.
    pub(crate) fn identifier(&self) -> Option<(&str, Option<IdType>, Option<&str>)> {
        let address = self.address()?;
        if self.id_type == Some(IdType::Email) {
            return Some((address, self.id_type, None));
        }
        match FinancialAddress::parse(address) {
            Ok(fa) if fa.kind.is_some() => Some((
                fa.id,
                self.id_type
                    .or_else(|| fa.kind.and_then(IdType::from_address_kind)),
                Some(fa.provider),
            )),
            _ => Some((address, self.id_type, None)),
        }
    }

    /// The payee's FSP: the explicit `fsp_id`, else the provider of a G2P Connect address.
    pub(crate) fn fsp(&self) -> Option<&str> {
        non_empty(self.fsp_id.as_deref()).or_else(|| self.identifier().and_then(|(_, _, p)| p))
    }
}

pub(crate) fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

const MAPPER_COLUMNS: &[&str] = &[
    "unit_id",
    "financial_address",
    "name",
    "id_type",
    "fsp_id",
    "bic",
    "iban",
];

/// Reads an account-mapper CSV file into a map from unit id to [`Payee`].
///
/// # Errors
/// [`PaymentError::Io`] (P0001) when the file cannot be read; [`PaymentError::InvalidMapper`]
/// (P0017) for a missing `unit_id` column, an unknown column, a row with the wrong number of cells,
/// an empty or repeated unit id, or an `id_type` that is not a known type.
pub fn read_account_mapper(path: &Path) -> Result<HashMap<String, Payee>, PaymentError> {
    let bad = |line: usize, message: String| PaymentError::InvalidMapper {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| match e.into_kind() {
            csv::ErrorKind::Io(io) => PaymentError::io("read", path, io),
            other => bad(1, format!("{other:?}")),
        })?;
    let headers = reader.headers().map_err(|e| bad(1, e.to_string()))?.clone();
    let mut columns: Vec<usize> = Vec::with_capacity(headers.len());
    for h in headers.iter() {
        let h = h.trim_start_matches('\u{feff}');
        let i = MAPPER_COLUMNS.iter().position(|c| *c == h).ok_or_else(|| {
            bad(
                1,
                format!(
                    "unknown column `{h}`; expected {}",
                    MAPPER_COLUMNS.join(", ")
                ),
            )
        })?;
        if columns.contains(&i) {
            return Err(bad(1, format!("column `{h}` appears twice")));
        }
        columns.push(i);
    }
    if !columns.contains(&0) {
        return Err(bad(1, "no `unit_id` column".into()));
    }
    let mut payees = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e
                .position()
                .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
            bad(
                line,
                "a row with a different number of cells than the header, or bad quoting".into(),
            )
        })?;
        let line = record
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
        let mut unit_id = None;
        let mut payee = Payee::default();
        for (cell, &col) in record.iter().zip(&columns) {
            let value = non_empty(Some(cell)).map(str::to_string);
            match col {
                0 => unit_id = value,
                1 => payee.financial_address = value,
                2 => payee.name = value,
                3 => {
                    payee.id_type = match value {
                        None => None,
                        Some(v) => Some(
                            v.parse()
                                .map_err(|r: &str| bad(line, format!("id_type {r}")))?,
                        ),
                    }
                }
                4 => payee.fsp_id = value,
                5 => payee.bic = value,
                _ => payee.iban = value,
            }
        }
        let unit_id = unit_id.ok_or_else(|| bad(line, "empty unit_id".into()))?;
        if payees.insert(unit_id.clone(), payee).is_some() {
            return Err(bad(line, format!("unit {unit_id} appears twice")));
        }
    }
    Ok(payees)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapper(text: &str) -> Result<HashMap<String, Payee>, PaymentError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accounts.csv");
        std::fs::write(&path, text).unwrap();
        read_account_mapper(&path)
    }

    #[test]
    fn reads_columns_in_any_order_with_quotes() {
        let m = mapper(
            "name,unit_id,financial_address,id_type\n\"Njeri, Amina\",H1,mobile:0712345678@mpesa,msisdn\n,H2,,\n",
        )
        .unwrap();
        let h1 = &m["H1"];
        assert_eq!(h1.name.as_deref(), Some("Njeri, Amina"));
        assert_eq!(h1.id_type, Some(IdType::Msisdn));
        assert_eq!(
            h1.identifier(),
            Some(("0712345678", Some(IdType::Msisdn), Some("mpesa")))
        );
        assert_eq!(h1.fsp(), Some("mpesa"));
        assert_eq!(m["H2"], Payee::default());
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn address_kind_implies_id_type() {
        let p = Payee {
            financial_address: Some("account:1002@kcb".into()),
            ..Payee::default()
        };
        assert_eq!(
            p.identifier(),
            Some(("1002", Some(IdType::AccountId), Some("kcb")))
        );
        let p = Payee {
            financial_address: Some("254712345678".into()),
            ..Payee::default()
        };
        assert_eq!(p.identifier(), Some(("254712345678", None, None)));
        let p = Payee {
            financial_address: Some("a@b.org".into()),
            id_type: Some(IdType::Email),
            ..Payee::default()
        };
        assert_eq!(p.identifier(), Some(("a@b.org", Some(IdType::Email), None)));
    }

    #[test]
    fn rejects_malformed_mappers() {
        let cases = [
            ("unit_id,finacial_address\nH1,x\n", "unknown column"),
            ("financial_address\nx\n", "no `unit_id`"),
            ("unit_id,financial_address\nH1,x\nH1,y\n", "appears twice"),
            ("unit_id,financial_address\nH1\n", "number of cells"),
            ("unit_id,id_type\nH1,phone\n", "id_type"),
            ("unit_id,financial_address\n,x\n", "empty unit_id"),
        ];
        for (text, want) in cases {
            let e = mapper(text).unwrap_err();
            assert_eq!(e.code(), "P0017", "{text}");
            assert!(e.to_string().contains(want), "{e} / {want}");
        }
    }
}
