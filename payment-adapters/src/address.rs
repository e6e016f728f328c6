//! Checks of financial addresses, accounts and bank codes.
//!
//! Each check returns the reason it fails as a short static text, never the value: the caller puts
//! the reason in an error message, and the value is personal data.

use std::borrow::Cow;

/// A G2P Connect financial address, `id-type:id@provider` (also `id@provider`), split into parts.
///
/// G2P Connect (`src/extensions/cdpi/FinancialAddress.yaml`) gives the examples
/// `token:12345@gtbank`, `mobile:12345@mobile-pymt`, `account:12345@abcd0000001.ifsc.pymt-rail` and
/// `joeuser@national-bank`. Its regex (under `format:`, so not enforced, and forbidding the `:` of
/// its own examples) is not used; this parser accepts the documented examples.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinancialAddress<'a> {
    /// The id type before `:` (`mobile`, `account`, `token` …), if any.
    pub kind: Option<&'a str>,
    /// The identifier.
    pub id: &'a str,
    /// The provider after the last `@`.
    pub provider: &'a str,
}

impl<'a> FinancialAddress<'a> {
    /// Parses `[type:]id@provider`.
    ///
    /// The type is letters, digits, `-` and `_`; the id is letters, digits and `.`, `_`, `-`, `+`;
    /// the provider is letters, digits, `.` and `-`.
    pub fn parse(text: &'a str) -> Result<FinancialAddress<'a>, &'static str> {
        let (left, provider) = text.rsplit_once('@').ok_or("has no `@provider`")?;
        if provider.is_empty()
            || !provider
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return Err("has a provider that is not letters, digits, `.` and `-`");
        }
        let (kind, id) = match left.split_once(':') {
            Some((k, id)) => {
                if k.is_empty()
                    || !k
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    return Err("has an id type that is not letters, digits, `-` and `_`");
                }
                (Some(k), id)
            }
            None => (None, left),
        };
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
        {
            return Err("has an id that is empty or not letters, digits, `.`, `_`, `-` and `+`");
        }
        Ok(FinancialAddress { kind, id, provider })
    }
}

/// An IBAN without spaces, in upper case (`de89 3704 …` becomes `DE893704…`).
pub fn normalize_iban(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Checks an IBAN (already normalised): country code, check digits, letters or digits, the length
/// of its country's IBANs (15 to 34 characters for a country the IBAN registry does not list), and
/// the ISO 7064 mod 97-10 checksum.
pub fn check_iban(iban: &str) -> Result<(), Cow<'static, str>> {
    let b = iban.as_bytes();
    if !(15..=34).contains(&b.len()) {
        return Err("is not 15 to 34 characters long".into());
    }
    let (head, rest) = b.split_at(4);
    let shape = head.iter().take(2).all(u8::is_ascii_uppercase)
        && head.iter().skip(2).all(u8::is_ascii_digit)
        && rest
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !shape {
        return Err("is not two letters, two check digits and letters or digits".into());
    }
    let country = iban.get(..2).unwrap_or_default();
    if let Some(n) = crate::iban::length(country).filter(|n| *n != b.len()) {
        return Err(format!("has {} characters, but {country} IBANs have {n}", b.len()).into());
    }
    // Move the first four characters to the end, turn letters into 10..35, and take mod 97.
    let mut remainder: u32 = 0;
    for &c in rest.iter().chain(head) {
        let value = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    if remainder == 1 {
        Ok(())
    } else {
        Err("fails the mod-97 checksum".into())
    }
}

/// Checks a BIC: 8 or 11 characters, valid both as pain.001.001.03 `BICIdentifier`
/// (`[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?`) and .09 `BICFIDec2014Identifier`.
pub fn check_bic(bic: &str) -> Result<(), &'static str> {
    let b = bic.as_bytes();
    if b.len() != 8 && b.len() != 11 {
        return Err("is not 8 or 11 characters long");
    }
    let ok = b.iter().take(6).all(u8::is_ascii_uppercase)
        && b.get(6)
            .is_some_and(|c| c.is_ascii_uppercase() || (b'2'..=b'9').contains(c))
        && b.get(7)
            .is_some_and(|c| (c.is_ascii_uppercase() && *c != b'O') || c.is_ascii_digit())
        && b.iter()
            .skip(8)
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err("is not a BIC (bank code, country code, location, optional branch)")
    }
}

/// Checks an MSISDN: an optional `+`, then 6 to 15 digits (ITU-T E.164 allows at most 15).
pub fn check_msisdn(msisdn: &str) -> Result<(), &'static str> {
    let digits = msisdn.strip_prefix('+').unwrap_or(msisdn);
    if (6..=15).contains(&digits.len()) && digits.bytes().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err("is not an MSISDN (an optional `+` and 6 to 15 digits)")
    }
}

/// Why an MSISDN cannot be written in international form ([`international_msisdn`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsisdnProblem {
    /// A national number (one leading `0`, `0712345678`) and no country code to make it
    /// international.
    National,
    /// Not an MSISDN ([`check_msisdn`]), a `+` before a `0`, two leading zeros (an
    /// international call prefix, which differs between countries), or more than 15 digits once
    /// the country code is added.
    Malformed,
}

/// An MSISDN in the international form of ITU-T E.164 (country code, then the national
/// number), in digits only, as Mojaloop's `partyIdentifier` and Payment Hub EE's identifiers
/// carry it: `+254712345678` and `254712345678` give `254712345678`. A national number (one
/// leading `0`) takes `country_code` in place of its `0` (`0712345678` with `254` gives
/// `254712345678`). The `+` is dropped, so that one number is always written one way (the API
/// allows it but its examples, and the Payment Hub EE samples, have none).
///
/// # Errors
/// [`MsisdnProblem::National`] for a national number without `country_code`;
/// [`MsisdnProblem::Malformed`] for anything else that is not an international number.
pub fn international_msisdn(
    msisdn: &str,
    country_code: Option<&str>,
) -> Result<String, MsisdnProblem> {
    check_msisdn(msisdn).map_err(|_| MsisdnProblem::Malformed)?;
    if let Some(digits) = msisdn.strip_prefix('+') {
        return if digits.starts_with('0') {
            Err(MsisdnProblem::Malformed)
        } else {
            Ok(digits.to_string())
        };
    }
    let Some(national) = msisdn.strip_prefix('0') else {
        return Ok(msisdn.to_string());
    };
    if national.starts_with('0') {
        return Err(MsisdnProblem::Malformed);
    }
    let code = country_code.ok_or(MsisdnProblem::National)?;
    let international = format!("{code}{national}");
    if international.len() <= 15 {
        Ok(international)
    } else {
        Err(MsisdnProblem::Malformed)
    }
}

/// Checks a country calling code (ITU-T E.164): 1 to 3 digits, the first not `0` (`254`, `1`).
pub fn check_country_code(code: &str) -> Result<(), &'static str> {
    let ok = (1..=3).contains(&code.len())
        && code.bytes().all(|c| c.is_ascii_digit())
        && !code.starts_with('0');
    if ok {
        Ok(())
    } else {
        Err("is not a country calling code (1 to 3 digits, the first not 0, as \"254\")")
    }
}

/// Checks an e-mail address loosely: one `@` with text on both sides, no spaces.
pub fn check_email(email: &str) -> Result<(), &'static str> {
    match email.split_once('@') {
        Some((l, r)) if !l.is_empty() && r.contains('.') && !r.contains('@') => {
            if email.chars().any(char::is_whitespace) {
                Err("contains spaces")
            } else {
                Ok(())
            }
        }
        _ => Err("is not an e-mail address"),
    }
}

/// Checks a generic identifier: 1 to `max` characters, printable, no spaces or commas, no quotes.
pub fn check_identifier(id: &str, max: usize) -> Result<(), &'static str> {
    if id.is_empty() || id.chars().count() > max {
        return Err("is empty or too long");
    }
    if id
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ',' | '"' | ';'))
    {
        return Err("contains spaces, commas, semicolons, quotes or control characters");
    }
    Ok(())
}

/// Checks an identifier against what its type requires (MSISDN digits, IBAN checksum, e-mail
/// shape, otherwise 1 to 128 characters without spaces or commas).
pub fn check_typed_identifier(
    id: &str,
    kind: crate::payee::IdType,
) -> Result<(), Cow<'static, str>> {
    use crate::payee::IdType;
    match kind {
        IdType::Msisdn => check_msisdn(id).map_err(Cow::from),
        IdType::Iban => check_iban(id),
        IdType::Email => check_email(id).map_err(Cow::from),
        _ => check_identifier(id, 128).map_err(Cow::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn financial_addresses_from_the_spec_parse() {
        let fa = FinancialAddress::parse("mobile:0712345678@mpesa").unwrap();
        assert_eq!(
            (fa.kind, fa.id, fa.provider),
            (Some("mobile"), "0712345678", "mpesa")
        );
        let fa = FinancialAddress::parse("account:12345@abcd0000001.ifsc.pymt-rail").unwrap();
        assert_eq!(fa.provider, "abcd0000001.ifsc.pymt-rail");
        let fa = FinancialAddress::parse("joeuser@national-bank").unwrap();
        assert_eq!((fa.kind, fa.id), (None, "joeuser"));
        for bad in [
            "0712345678",
            "mobile:@mpesa",
            "mobile:07 12@mpesa",
            "a:b@",
            ":1@x",
            "a:b@c d",
        ] {
            assert!(FinancialAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn iban_checksum() {
        for ok in [
            "DE89370400440532013000",
            "GB29NWBK60161331926819",
            "FR1420041010050500013M02606",
        ] {
            assert_eq!(check_iban(ok), Ok(()), "{ok}");
        }
        assert_eq!(
            normalize_iban("de89 3704 0044 0532 0130 00"),
            "DE89370400440532013000"
        );
        assert_eq!(
            check_iban("DE89370400440532013001"),
            Err(Cow::from("fails the mod-97 checksum"))
        );
        // The length of the country's IBANs, before the checksum.
        for (iban, reason) in [
            (
                "DE8937040044053201300",
                "has 21 characters, but DE IBANs have 22",
            ),
            (
                "DE893704004405320130000",
                "has 23 characters, but DE IBANs have 22",
            ),
            (
                "NO93860111179470",
                "has 16 characters, but NO IBANs have 15",
            ),
        ] {
            assert_eq!(check_iban(iban), Err(Cow::from(reason)), "{iban}");
        }
        assert_eq!(check_iban("NO9386011117947"), Ok(()));
        assert!(check_iban("DE8937").is_err());
        assert!(check_iban("1289370400440532013000").is_err());
    }

    #[test]
    fn bic_shape() {
        for ok in ["COBADEFF", "COBADEFFXXX", "KCBLKENX", "DEUTDEFF500"] {
            assert_eq!(check_bic(ok), Ok(()), "{ok}");
        }
        for bad in [
            "COBADEF",
            "cobadeff",
            "COBADE1F",
            "COBADEFO",
            "COBADEFFXX",
            "1OBADEFF",
        ] {
            assert!(check_bic(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn msisdn_email_identifier() {
        assert!(check_msisdn("+254712345678").is_ok());
        assert!(check_msisdn("0712345678").is_ok());
        assert!(check_msisdn("07123-45678").is_err());
        assert!(check_msisdn("+1234567890123456").is_err());
        assert!(check_email("a@b.org").is_ok());
        assert!(check_email("a@b").is_err());
        assert!(check_identifier("ACC-1001", 128).is_ok());
        assert!(check_identifier("1,2", 128).is_err());
        assert!(check_identifier("", 128).is_err());
    }

    #[test]
    fn msisdns_in_international_form() {
        use MsisdnProblem::{Malformed, National};
        let kenya = Some("254");
        for (given, code, want) in [
            ("0779966368", kenya, Ok("254779966368")),
            ("0779966368", Some("1"), Ok("1779966368")),
            ("+254779966368", kenya, Ok("254779966368")),
            ("+254779966368", None, Ok("254779966368")),
            ("254779966368", None, Ok("254779966368")),
            ("254779966368", kenya, Ok("254779966368")),
            ("0779966368", None, Err(National)),
            ("00254779966368", kenya, Err(Malformed)),
            ("+0779966368", kenya, Err(Malformed)),
            ("07799-66368", kenya, Err(Malformed)),
            ("0", kenya, Err(Malformed)),
            // 14 digits after the 0, 17 with the country code: more than E.164's 15.
            ("012345678901234", kenya, Err(Malformed)),
            ("01234567890123", Some("1"), Ok("11234567890123")),
        ] {
            let got = international_msisdn(given, code);
            assert_eq!(
                got.as_deref(),
                want.as_ref().map(|s| *s),
                "{given} {code:?}"
            );
        }
        for ok in ["1", "44", "254", "971"] {
            assert_eq!(check_country_code(ok), Ok(()), "{ok}");
        }
        for bad in ["", "0", "054", "2540", "+254", "25a", " 25"] {
            assert!(check_country_code(bad).is_err(), "{bad:?}");
        }
    }
}
