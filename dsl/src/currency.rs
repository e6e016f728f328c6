//! ISO 4217 currency codes and their minor units.
//!
//! The table lists the active codes of ISO 4217 (list one) with the number of digits after the decimal
//! point in their minor unit. Funds codes and precious metals are left out: no social-protection program
//! pays in them, and a typo such as `XAU` is better caught as an unknown currency.

use std::fmt;

/// An ISO 4217 alphabetic currency code, such as `KES` or `EUR`.
///
/// Only codes from the table below can be built, so holding a `Currency` means the code is known.
/// It holds the code's place in the table, which is in alphabetical order (so currencies order as
/// their codes do): its code and minor unit are read without a search or a UTF-8 check, and every
/// decision written names its currency several times.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(u16);

/// (code, minor unit digits)
const TABLE: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYU", 2),
    ("UZS", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

impl Currency {
    /// Looks up an alphabetic code; `None` when the code is not an active ISO 4217 currency.
    pub fn from_code(code: &str) -> Option<Currency> {
        TABLE
            .binary_search_by(|(c, _)| (*c).cmp(code))
            .ok()
            .and_then(|i| u16::try_from(i).ok())
            .map(Currency)
    }

    /// The three-letter code.
    pub fn code(&self) -> &'static str {
        TABLE.get(usize::from(self.0)).map_or("XXX", |(c, _)| *c)
    }

    /// Digits after the decimal point in the currency's minor unit (2 for KES, 0 for JPY, 3 for BHD).
    pub fn minor_units(&self) -> u32 {
        TABLE
            .get(usize::from(self.0))
            .map_or(2, |(_, m)| u32::from(*m))
    }

    /// All known codes, in alphabetical order (for "did you mean" help).
    pub fn all_codes() -> impl Iterator<Item = &'static str> {
        TABLE.iter().map(|(c, _)| *c)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Currency::from_code(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown ISO 4217 currency code `{s}`"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        let codes: Vec<_> = Currency::all_codes().collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn minor_units_follow_iso_4217() {
        let cases = [
            ("KES", 2),
            ("JPY", 0),
            ("BHD", 3),
            ("EUR", 2),
            ("XOF", 0),
            ("UGX", 0),
        ];
        for (code, digits) in cases {
            let c = Currency::from_code(code).expect(code);
            assert_eq!(c.minor_units(), digits, "{code}");
            assert_eq!(c.code(), code);
        }
        assert!(Currency::from_code("KSH").is_none());
        // Every code round-trips, and currencies order as their codes do.
        let all: Vec<Currency> = Currency::all_codes()
            .map(|c| Currency::from_code(c).expect(c))
            .collect();
        assert!(all
            .iter()
            .zip(Currency::all_codes())
            .all(|(c, code)| c.code() == code));
        assert!(all
            .windows(2)
            .all(|w| w[0] < w[1] && w[0].code() < w[1].code()));
        assert!(Currency::from_code("kes").is_none());
        assert!(Currency::from_code("").is_none());
    }
}
