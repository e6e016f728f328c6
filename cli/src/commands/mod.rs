//! One module per subcommand.

pub mod check;
pub mod cycle;
pub mod explain;
pub mod fmt;
pub mod import;
pub mod pay;
pub mod run;
pub mod test;

use anyhow::{bail, Result};
use chrono::NaiveDate;

/// How a command prints its result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// For people.
    #[default]
    Text,
    /// For tools: one JSON document.
    Json,
}

/// Parses an as-of date argument.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    entitle_core::parse::parse_date(t).ok_or_else(|| match entitle_core::parse::date_problem(t) {
        entitle_core::parse::ParseError::NoSuchDate => {
            format!("`{s}` is not a day of the calendar: the month or the day is out of range")
        }
        _ => format!("`{s}` is not a date; write it as YYYY-MM-DD, such as 2026-03-01"),
    })
}

/// Checks that explanations can be given in `locale`.
pub fn check_locale(locale: &str) -> Result<()> {
    let available = entitle_dsl::locale::available_locales();
    let base = locale
        .split(['-', '_'])
        .next()
        .unwrap_or(locale)
        .to_ascii_lowercase();
    if !available.iter().any(|l| *l == base) {
        bail!(
            "there are no messages in the locale `{locale}`; available: {}",
            available.join(", ")
        );
    }
    Ok(())
}

/// A registry error as a message with its code, in the language the terminal speaks (the
/// command's `--locale`, English for a command without one).
pub fn registry_error(e: entitle_registry::RegistryError) -> anyhow::Error {
    anyhow::anyhow!("{} [{}]", e.message(crate::term::catalog()), e.code())
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_as_of_date_that_does_not_exist_is_told_from_one_in_another_form() {
        assert_eq!(
            super::parse_date("2026-02-30").unwrap_err(),
            "`2026-02-30` is not a day of the calendar: the month or the day is out of range"
        );
        assert_eq!(
            super::parse_date("30/02/2026").unwrap_err(),
            "`30/02/2026` is not a date; write it as YYYY-MM-DD, such as 2026-03-01"
        );
        assert!(super::parse_date(" 2026-02-28 ").is_ok());
    }
}
