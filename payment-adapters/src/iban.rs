//! Facts about IBAN countries: the length of each country's IBAN (the SWIFT IBAN registry) and
//! which countries are in the geographical scope of the SEPA schemes (the EPC's list).

/// Country code and IBAN length, for every country of the IBAN registry, in code order.
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// IBAN country codes in the SEPA schemes' geographical scope: the EU and EEA states, Switzerland,
/// the United Kingdom (Gibraltar has its own code; Guernsey, Jersey and the Isle of Man use GB),
/// Monaco, San Marino, the Vatican, Andorra, and since 2024–2025 Albania, Montenegro, Moldova,
/// North Macedonia and Serbia. French overseas departments, the Åland Islands, the Azores, Madeira
/// and the Canaries use their state's code. The Faroe Islands and Greenland are outside.
const SEPA: &[&str] = &[
    "AD", "AL", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GI",
    "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MD", "ME", "MK", "MT", "NL",
    "NO", "PL", "PT", "RO", "RS", "SE", "SI", "SK", "SM", "VA",
];

/// The length of an IBAN of this country (`DE` → 22), or `None` for a code the IBAN registry does
/// not list.
pub fn length(country: &str) -> Option<usize> {
    LENGTHS
        .binary_search_by(|(c, _)| (*c).cmp(country))
        .ok()
        .and_then(|i| LENGTHS.get(i))
        .map(|(_, n)| *n)
}

/// Whether IBANs of this country can take part in a SEPA credit transfer.
pub fn in_sepa(country: &str) -> bool {
    SEPA.binary_search(&country).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_are_sorted_so_that_lookups_find_every_entry() {
        assert!(LENGTHS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(SEPA.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(
            SEPA.len(),
            42,
            "the 41 countries of the scope, and Gibraltar"
        );
        assert!(
            SEPA.iter().all(|c| length(c).is_some()),
            "every SEPA code has an IBAN"
        );
        assert!(LENGTHS.iter().all(|(_, n)| (15..=34).contains(n)));
    }

    #[test]
    fn lengths_and_scope_of_well_known_countries() {
        for (country, n) in [
            ("DE", Some(22)),
            ("FR", Some(27)),
            ("NO", Some(15)),
            ("MT", Some(31)),
            ("RU", Some(33)),
            ("KE", None),
            ("US", None),
        ] {
            assert_eq!(length(country), n, "{country}");
        }
        for (country, sepa) in [
            ("DE", true),
            ("GB", true),
            ("CH", true),
            ("RS", true),
            ("FO", false),
            ("TR", false),
            ("BR", false),
        ] {
            assert_eq!(in_sepa(country), sepa, "{country}");
        }
    }
}
