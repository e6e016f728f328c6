//! What the command line prints for people, in the locale of `--locale`: sentences from the
//! message catalogue, numbers written as that language writes them. Files that tools read
//! (CSV headers, JSON keys, codes) never go through here.

use entitle_dsl::locale::{self, Catalog};

/// A locale's sentences and number style.
#[derive(Clone, Copy)]
pub struct Words {
    catalog: &'static Catalog,
}

impl Words {
    /// The words of `locale` (English for a locale with no catalogue; `check_locale` refuses
    /// those first).
    pub fn new(locale: &str) -> Words {
        Words {
            catalog: locale::catalog(locale),
        }
    }

    /// The catalogue, for diagnostics and engine errors.
    pub fn catalog(self) -> &'static Catalog {
        self.catalog
    }

    /// The sentence `key` with its arguments.
    pub fn text(self, key: &str, args: &[(&str, &str)]) -> String {
        self.catalog.render(key, args)
    }

    /// `n` things of `key` (`count.households` …) with the digits grouped.
    pub fn count(self, key: &str, n: u64) -> String {
        self.text(&format!("{key}.{}", form(n)), &[("count", &self.number(n))])
    }

    /// A whole number with its digits grouped (`1,200`; `1 200` in French).
    pub fn number(self, n: u64) -> String {
        self.digits(&n.to_string())
    }

    /// A decimal's text (`-1234567.50`) as this locale writes it: `-1,234,567.50` in English,
    /// `-1 234 567,50` in French (a comma there is the decimal mark, so it cannot group).
    pub fn digits(self, text: &str) -> String {
        let grouped = crate::term::group_digits(text);
        if self.french_style() {
            grouped
                .chars()
                .map(|c| match c {
                    ',' => ' ',
                    '.' => ',',
                    c => c,
                })
                .collect()
        } else {
            grouped
        }
    }

    /// Whether numbers are written with a space between thousands and a decimal comma.
    fn french_style(self) -> bool {
        self.catalog.locale() == "fr"
    }
}

/// The catalogue form for a count: languages do not agree on whether zero is plural.
fn form(n: u64) -> &'static str {
    match n {
        0 => "zero",
        1 => "one",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_counts_follow_the_locale() {
        let (en, fr) = (Words::new("en"), Words::new("fr"));
        assert_eq!(en.digits("-1234567.50"), "-1,234,567.50");
        assert_eq!(fr.digits("-1234567.50"), "-1 234 567,50");
        assert_eq!(fr.number(999), "999");
        assert_eq!(en.count("count.households", 3001), "3,001 households");
        assert_eq!(fr.count("count.households", 3001), "3 001 ménages");
        assert_eq!(fr.count("count.households", 1), "1 ménage");
        assert_eq!(fr.count("count.households", 0), "0 ménage");
        assert_eq!(en.count("count.households", 0), "0 households");
    }
}
