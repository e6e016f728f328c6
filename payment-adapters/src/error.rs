//! The one error type of the payment adapters, with stable codes.
//!
//! Messages name the unit (its identifier only), the setting, the field or the file, never a payee's
//! name, account or any other personal value: error text ends up in logs.

use std::path::PathBuf;

/// Everything that can stop an export. Nothing is written when one of these is returned by
/// [`crate::export_run`] (except [`PaymentError::Io`] while writing, after which no output file is left
/// half-written: files are written to a temporary name and renamed).
///
/// Each variant has a stable code (`P0001` …) returned by [`PaymentError::code`]; codes are never
/// reused or renumbered, while message text may change.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PaymentError {
    /// P0001: a file or directory could not be read or written.
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        /// What was being done: "read", "write", "create", "rename".
        action: &'static str,
        /// The path concerned.
        path: PathBuf,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
    /// P0002: the run directory (`decisions.jsonl`, `summary.json`) does not have the expected shape.
    #[error("invalid run `{}`{}: {message}", path.display(), line.map(|l| format!(" line {l}")).unwrap_or_default())]
    InvalidRun {
        /// The file concerned.
        path: PathBuf,
        /// The 1-based line, for `decisions.jsonl`.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// P0003: the payer configuration is not valid TOML or has an unknown key.
    #[error("invalid payer configuration: {message}")]
    InvalidConfig {
        /// What is wrong (from the TOML parser).
        message: String,
    },
    /// P0004: a payer setting that the chosen format needs is missing.
    #[error("missing payer setting `{setting}` (needed by the {format} format)")]
    MissingSetting {
        /// The setting, as written in the payer TOML (`g2p_connect.sender_id`).
        setting: String,
        /// The format that needs it.
        format: &'static str,
    },
    /// P0005: a payer setting has a value the format cannot use.
    #[error("invalid payer setting `{setting}`: {reason}")]
    InvalidSetting {
        /// The setting, as written in the payer TOML.
        setting: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// P0006: the format cannot carry the entitlements' currency.
    #[error("the {format} format cannot carry currency {currency}: {reason}")]
    UnsupportedCurrency {
        /// The ISO 4217 code.
        currency: String,
        /// The format.
        format: &'static str,
        /// Why not.
        reason: String,
    },
    /// P0007: an amount (or a control sum) has more digits than the format allows.
    #[error("{what} is too large for the {format} format: {reason}")]
    AmountOutOfRange {
        /// Which amount: "the amount of unit H1" or "the batch control sum".
        what: String,
        /// The format.
        format: &'static str,
        /// The limit that is exceeded.
        reason: String,
    },
    /// P0008: no unit can be exported, and some of the units to pay (at least one) went to the
    /// exceptions because a payee value fails its check (the `malformed_payee_…` reasons). One
    /// malformed value sends only its unit to the exceptions; a batch that would pay no one
    /// because of them more likely has a payee column mapped to the wrong field, and an empty
    /// export must not pass for a finished one.
    #[error("nothing to export for the {format} format: none of the {to_pay} unit(s) to pay can be exported, and {count} have a malformed payee value ({}; first: unit {first_unit_id}); is a payee column mapped to the wrong field? Correct the mapping, or the registry", reason_counts(reasons))]
    MalformedPayees {
        /// The format.
        format: &'static str,
        /// The units to pay (payable, less those left out as already exported).
        to_pay: usize,
        /// How many of them have a malformed payee value.
        count: usize,
        /// Each malformed-payee reason code with its number of units, sorted by code.
        reasons: Vec<(&'static str, usize)>,
        /// The first such unit, by unit id (never its value).
        first_unit_id: String,
    },
    /// P0009: an amount has more decimals than the currency's minor unit and the payer configuration
    /// says `rounding = "reject"` (the default).
    #[error("unit {unit_id}: amount has {scale} decimals but {currency} has {minor_units}; set `rounding` in the payer configuration to round it")]
    RoundingRequired {
        /// The unit.
        unit_id: String,
        /// The currency.
        currency: String,
        /// Decimals of the amount.
        scale: u32,
        /// Decimals of the currency's minor unit.
        minor_units: u32,
    },
    /// P0010: entitlements were already exported in another batch (the ledger refuses a second
    /// payment); reissue them explicitly or skip them.
    #[error("{count} entitlement(s) already exported in an earlier batch (first: unit {first_unit_id} in batch {batch_id}); pass them as reissues or skip already exported units")]
    AlreadyExported {
        /// How many units are concerned.
        count: usize,
        /// The first of them, in unit order.
        first_unit_id: String,
        /// The batch that unit was exported in.
        batch_id: String,
    },
    /// P0010: an entitlement the ledger records as exported is now for another amount (or
    /// currency): exporting it again as the same payment would pay the old amount's reference
    /// with the new amount, and skipping it would lose the difference.
    #[error("unit {unit_id} was exported in batch {batch_id} for {recorded}, but this run pays it {new}{}: reissue it (a new reference; make sure the earlier payment is cancelled or failed) or export under a new cycle", and_more(*others, "amount"))]
    AmountChanged {
        /// The first unit concerned, in unit order.
        unit_id: String,
        /// The batch it was exported in.
        batch_id: String,
        /// The amount and currency the ledger records (`KES 100.00`).
        recorded: String,
        /// The amount and currency of this run (`KES 200.00`).
        new: String,
        /// How many other units have a changed amount.
        others: usize,
    },
    /// P0010: an entitlement the ledger records as exported is now for another payee account:
    /// exporting it again under the same reference would send that payment to another account.
    #[error("unit {unit_id} was exported in batch {batch_id} to another payee account than it has now{}: reissue it (a new reference; make sure the earlier payment is cancelled or failed) or export under a new cycle", and_more(*others, "account"))]
    AccountChanged {
        /// The first unit concerned, in unit order.
        unit_id: String,
        /// The batch it was exported in.
        batch_id: String,
        /// How many other units have a changed account.
        others: usize,
    },
    /// P0011: an output file already exists and `force` is not set.
    #[error("output `{}` already exists; set the `force` option to overwrite it", path.display())]
    OutputExists {
        /// The existing file.
        path: PathBuf,
    },
    /// P0012: the payment ledger could not be read or updated.
    #[error("payment ledger: {message}")]
    Ledger {
        /// What went wrong.
        message: String,
    },
    /// P0013: a text field does not fit the format's character set or length.
    #[error("{field} {reason} in the {format} format{}", unit_id.as_ref().map(|u| format!(" (unit {u})")).unwrap_or_default())]
    InvalidText {
        /// The unit, when the text belongs to one unit's payee.
        unit_id: Option<String>,
        /// The field: `note`, `Cdtr/Nm`, `payer name` …
        field: String,
        /// The format.
        format: &'static str,
        /// What is wrong: "contains a comma", "is longer than 70 characters" …
        reason: String,
    },
    /// P0014: the payable entitlements are in more than one currency.
    #[error("entitlements are in more than one currency ({first} and {second}); export one currency per batch")]
    MixedCurrencies {
        /// One currency.
        first: String,
        /// Another.
        second: String,
    },
    /// P0015: the same unit appears twice in `decisions.jsonl` (it would be paid twice).
    #[error(
        "unit {unit_id} appears more than once in the run (lines {first_line} and {second_line})"
    )]
    DuplicateUnit {
        /// The unit.
        unit_id: String,
        /// Its first line.
        first_line: usize,
        /// The repeated line.
        second_line: usize,
    },
    /// P0016: a decision was made by another program (hash) than the run's summary names.
    #[error("unit {unit_id} was decided by program hash {found}, but the run is for {expected}")]
    ProgramMismatch {
        /// The unit.
        unit_id: String,
        /// The run's program hash.
        expected: String,
        /// The decision's program hash.
        found: String,
    },
    /// P0017: the account-mapper file does not have the expected shape.
    #[error("invalid account mapper `{}` line {line}: {message}", path.display())]
    InvalidMapper {
        /// The mapper file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// P0018: a format name that is not one of the supported formats.
    #[error("unknown payment format `{name}`; expected one of: {expected}")]
    UnknownFormat {
        /// The name given.
        name: String,
        /// The accepted names.
        expected: &'static str,
    },
    /// P0019: an amount that is not a decimal number, or is negative.
    #[error("unit {unit_id}: invalid amount in `{field}`: {reason}")]
    InvalidAmount {
        /// The unit.
        unit_id: String,
        /// The decision field: `cash.net`.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// P0021: the output directory holds a file of this format that this export would not write
    /// (a batch file of an earlier, larger export): someone could submit it with the new ones.
    #[error("output directory holds `{}` from another export of this format; remove it or use another directory", path.display())]
    StaleOutput {
        /// The stale file.
        path: PathBuf,
    },
    /// P0022: an export option (not a payer setting) has a value that cannot be used: the cycle
    /// given for this export, or a unit to reissue.
    #[error("invalid export option `{option}`: {reason}")]
    InvalidOption {
        /// The option, as [`crate::PlanOptions`] names it: `cycle`, `reissue`.
        option: &'static str,
        /// Why it cannot be used.
        reason: String,
    },
    /// P0023: the requested execution date is before the day the export is made
    /// ([`crate::PlanOptions::today`]): a payment system rejects a date in the past, or moves it
    /// without saying so.
    #[error("the requested execution date {date} (the payer setting `execution_date`) is before today, {today}; set `execution_date` in the payer configuration to today or a later day, or leave it out to have payment asked for today")]
    PastExecutionDate {
        /// The requested execution date (the payer's `execution_date` setting).
        date: chrono::NaiveDate,
        /// The day the export is made.
        today: chrono::NaiveDate,
    },
    /// P0024: a date or time of the payer configuration is out of order with the export's other
    /// dates: `created_at` on a day after the execution date (a file made after the day its
    /// payment is asked for), or Mojaloop's `bulk_expiration` not after both the creation time
    /// and the start of the execution date (the bulk would expire before payment is due).
    #[error("the payer setting `{setting}` ({value}) must be {must_be} {limit}; correct it in the payer configuration, or leave it out for the default ({default})")]
    DateOutOfOrder {
        /// The setting: `created_at` or `mojaloop.bulk_expiration`.
        setting: &'static str,
        /// Its value, as the files would carry it.
        value: String,
        /// `after`, or `on or before`.
        must_be: &'static str,
        /// The date or time it must follow or precede, named.
        limit: String,
        /// What the setting is when left out.
        default: &'static str,
    },
    /// P0025: no unit can be exported, none has a malformed payee value (P0008), and some of the
    /// units to pay (at least one) went to the exceptions because their MSISDN is in national
    /// form while the payer configuration has no `msisdn_country_code`. One such number sends
    /// only its unit to the exceptions; a batch that would pay no one because of them lacks the
    /// setting, and an empty export must not pass for a finished one.
    #[error("nothing to export for the {format} format: none of the {to_pay} unit(s) to pay can be exported, and {count} have an MSISDN in national form, which the format writes with its country code (first: unit {first_unit_id}); set `msisdn_country_code` in the payer configuration to the country's calling code (such as \"254\"), or record the numbers with their country code")]
    NationalMsisdns {
        /// The format.
        format: &'static str,
        /// The units to pay (payable, less those left out as already exported).
        to_pay: usize,
        /// How many of them have an MSISDN in national form.
        count: usize,
        /// The first such unit, by unit id (never its number).
        first_unit_id: String,
    },
    /// P0020: a request that was built does not pass the format's own checks. This is a defect in
    /// the adapter, reported instead of writing a file the payment system would reject.
    #[error("internal check failed for the {format} format: {message}")]
    Internal {
        /// The format.
        format: &'static str,
        /// What failed.
        message: String,
    },
}

impl PaymentError {
    /// The stable code of this error (`P0001` …).
    pub fn code(&self) -> &'static str {
        match self {
            PaymentError::Io { .. } => "P0001",
            PaymentError::InvalidRun { .. } => "P0002",
            PaymentError::InvalidConfig { .. } => "P0003",
            PaymentError::MissingSetting { .. } => "P0004",
            PaymentError::InvalidSetting { .. } => "P0005",
            PaymentError::UnsupportedCurrency { .. } => "P0006",
            PaymentError::AmountOutOfRange { .. } => "P0007",
            PaymentError::MalformedPayees { .. } => "P0008",
            PaymentError::RoundingRequired { .. } => "P0009",
            PaymentError::AlreadyExported { .. }
            | PaymentError::AmountChanged { .. }
            | PaymentError::AccountChanged { .. } => "P0010",
            PaymentError::OutputExists { .. } => "P0011",
            PaymentError::Ledger { .. } => "P0012",
            PaymentError::InvalidText { .. } => "P0013",
            PaymentError::MixedCurrencies { .. } => "P0014",
            PaymentError::DuplicateUnit { .. } => "P0015",
            PaymentError::ProgramMismatch { .. } => "P0016",
            PaymentError::InvalidMapper { .. } => "P0017",
            PaymentError::UnknownFormat { .. } => "P0018",
            PaymentError::InvalidAmount { .. } => "P0019",
            PaymentError::Internal { .. } => "P0020",
            PaymentError::StaleOutput { .. } => "P0021",
            PaymentError::InvalidOption { .. } => "P0022",
            PaymentError::PastExecutionDate { .. } => "P0023",
            PaymentError::DateOutOfOrder { .. } => "P0024",
            PaymentError::NationalMsisdns { .. } => "P0025",
        }
    }

    /// For an error about the first of several units (P0010's changed amounts and accounts), the
    /// clause of its message that counts the others: ` (and 3 more unit(s) whose amount
    /// changed)`, or an empty text. A host that words the message its own way (the `entitle`
    /// command line names its flags) keeps this clause from here.
    pub fn others_clause(&self) -> String {
        match self {
            PaymentError::AmountChanged { others, .. } => and_more(*others, "amount"),
            PaymentError::AccountChanged { others, .. } => and_more(*others, "account"),
            _ => String::new(),
        }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        PaymentError::Io {
            action,
            path: path.into(),
            source,
        }
    }

    pub(crate) fn setting(setting: &str, reason: impl Into<String>) -> Self {
        PaymentError::InvalidSetting {
            setting: setting.to_string(),
            reason: reason.into(),
        }
    }
}

/// `malformed_payee_iban 2, malformed_payee_bic 1`.
fn reason_counts(reasons: &[(&'static str, usize)]) -> String {
    reasons
        .iter()
        .map(|(code, n)| format!("{code} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// ` (and 3 more unit(s) whose amount changed)` for `others` units besides the one named, or
/// nothing when there are none.
fn and_more(others: usize, what: &str) -> String {
    if others > 0 {
        format!(" (and {others} more unit(s) whose {what} changed)")
    } else {
        String::new()
    }
}

/// Every code with a one-line description, in code order (for the project's code table).
pub const CODES: &[(&str, &str)] = &[
    ("P0001", "a file or directory could not be read or written"),
    (
        "P0002",
        "the run directory does not have the expected shape",
    ),
    (
        "P0003",
        "the payer configuration is not valid TOML or has an unknown key",
    ),
    ("P0004", "a payer setting the format needs is missing"),
    ("P0005", "a payer setting has a value the format cannot use"),
    ("P0006", "the format cannot carry the currency"),
    (
        "P0007",
        "an amount or control sum has more digits than the format allows",
    ),
    (
        "P0008",
        "no unit can be exported and some have a malformed payee value (a wrong column mapping?)",
    ),
    (
        "P0009",
        "an amount has more decimals than the currency and rounding is `reject`",
    ),
    (
        "P0010",
        "entitlements already exported in an earlier batch, or exported for another amount or account",
    ),
    ("P0011", "an output file already exists"),
    ("P0012", "the payment ledger could not be read or updated"),
    (
        "P0013",
        "a text field does not fit the format's character set or length",
    ),
    ("P0014", "entitlements in more than one currency"),
    ("P0015", "the same unit appears twice in the run"),
    (
        "P0016",
        "a decision was made by another program than the run's",
    ),
    (
        "P0017",
        "the account-mapper file does not have the expected shape",
    ),
    ("P0018", "unknown payment format"),
    (
        "P0019",
        "an amount that is not a decimal number, or is negative",
    ),
    ("P0020", "an internal check of a built request failed"),
    (
        "P0021",
        "the output directory holds another export's file of the same format",
    ),
    (
        "P0022",
        "an export option (cycle, reissue) has a value that cannot be used",
    ),
    (
        "P0023",
        "the requested execution date is before the day the export is made",
    ),
    (
        "P0024",
        "a payer date (created_at, Mojaloop bulk_expiration) is out of order with the export's dates",
    ),
    (
        "P0025",
        "no unit can be exported and some have an MSISDN in national form (no msisdn_country_code?)",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_table_matches_variants() {
        let samples = [
            PaymentError::InvalidConfig {
                message: String::new(),
            },
            PaymentError::UnknownFormat {
                name: String::new(),
                expected: "",
            },
            PaymentError::Internal {
                format: "x",
                message: String::new(),
            },
            PaymentError::InvalidOption {
                option: "cycle",
                reason: String::new(),
            },
            PaymentError::PastExecutionDate {
                date: chrono::NaiveDate::MIN,
                today: chrono::NaiveDate::MAX,
            },
            PaymentError::DateOutOfOrder {
                setting: "created_at",
                value: String::new(),
                must_be: "after",
                limit: String::new(),
                default: "",
            },
            PaymentError::NationalMsisdns {
                format: "x",
                to_pay: 1,
                count: 1,
                first_unit_id: String::new(),
            },
        ];
        for e in samples {
            assert!(CODES.iter().any(|(c, _)| *c == e.code()), "{}", e.code());
        }
        let mut codes: Vec<_> = CODES.iter().map(|(c, _)| *c).collect();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n);
        assert_eq!(CODES.last().map(|(c, _)| *c), Some("P0025"));
    }

    #[test]
    fn the_other_units_are_counted_in_one_clause() {
        let e = PaymentError::AccountChanged {
            unit_id: "H1".into(),
            batch_id: "B1".into(),
            others: 2,
        };
        assert_eq!(
            e.others_clause(),
            " (and 2 more unit(s) whose account changed)"
        );
        assert_eq!(e.to_string().matches(&e.others_clause()).count(), 1);
        let e = PaymentError::AmountChanged {
            unit_id: "H1".into(),
            batch_id: "B1".into(),
            recorded: "KES 1.00".into(),
            new: "KES 2.00".into(),
            others: 0,
        };
        assert_eq!(e.others_clause(), "");
        assert!(!e.to_string().contains("more unit"), "{e}");
    }
}
