//! The table of diagnostic codes of the language front end.
//!
//! Codes are stable: a code is never reused or renumbered once released, while message text may
//! change. `E` codes are errors (the program does not compile), `W` codes are warnings. Evaluation
//! error codes (`R…`) are listed in `entitle-core`, whose `codes` module re-exports this table too.

use serde::Serialize;
use std::fmt;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The program does not compile.
    Error,
    /// The program compiles, but something is probably wrong.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $code:literal, $sev:ident;)*) => {
        $($(#[$doc])* pub const $name: &str = $code;)*
        /// Every code with its severity, in code order.
        pub const ALL: &[(&str, Severity)] = &[$(($code, Severity::$sev)),*];
    };
}

codes! {
    // --- E00xx: text and syntax -------------------------------------------------------------
    /// The text does not follow the grammar; the message names what was expected.
    SYNTAX = "E0001", Error;
    /// The program text is larger than the limit.
    PROGRAM_TOO_LARGE = "E0002", Error;
    /// Brackets or operators nest deeper than the limit.
    NESTING_TOO_DEEP = "E0003", Error;
    /// A literal that cannot be a value: a date that does not exist, a number out of range.
    INVALID_LITERAL = "E0004", Error;
    /// A three-letter currency code that is not an active ISO 4217 currency.
    UNKNOWN_CURRENCY = "E0005", Error;
    /// A section (`inputs`, `params`, `eligible when`, `entitlement`) appears twice.
    DUPLICATE_SECTION = "E0006", Error;
    /// The program has more items (inputs, rules, tests …) than the limit.
    TOO_MANY_ITEMS = "E0007", Error;
    /// The text is not valid UTF-8 or contains a NUL character.
    INVALID_TEXT = "E0008", Error;
    /// A header line (`target`, `currency`) is given twice.
    DUPLICATE_HEADER = "E0009", Error;

    // --- E01xx: names ------------------------------------------------------------------------
    /// A name that is not an input, parameter, `let` or built-in.
    UNKNOWN_NAME = "E0101", Error;
    /// An input, parameter or `let` defined twice.
    DUPLICATE_NAME = "E0102", Error;
    /// Two rules or entitlement items with the same identifier.
    DUPLICATE_RULE = "E0103", Error;
    /// A bare name that is both a household and a member input.
    AMBIGUOUS_NAME = "E0104", Error;
    /// A member input or member `let` used outside an aggregate over members.
    MEMBER_NAME_OUTSIDE_MEMBERS = "E0105", Error;
    /// A function that does not exist.
    UNKNOWN_FUNCTION = "E0106", Error;
    /// A function called with the wrong number of arguments.
    WRONG_ARGUMENT_COUNT = "E0107", Error;
    /// `let` definitions that depend on each other in a circle.
    CIRCULAR_LET = "E0108", Error;
    /// A translation for an identifier the program does not define.
    UNKNOWN_TRANSLATION_KEY = "E0109", Error;
    /// An input scope that does not fit the program's target (`member.` in an individual program).
    SCOPE_NOT_FOR_TARGET = "E0110", Error;
    /// A name that is reserved for a built-in.
    RESERVED_NAME = "E0111", Error;
    /// `members` or `head` used in a program that targets individuals.
    NO_MEMBERS_FOR_INDIVIDUALS = "E0112", Error;
    /// An aggregate over members (or records) nested inside another one.
    NESTED_MEMBER_AGGREGATE = "E0113", Error;
    /// A field of a record collection used outside an aggregate over that collection.
    RECORD_FIELD_OUTSIDE_RECORDS = "E0114", Error;

    // --- E02xx: types ------------------------------------------------------------------------
    /// A value of one type where another is needed.
    TYPE_MISMATCH = "E0201", Error;
    /// Amounts in two currencies combined or compared.
    MIXED_CURRENCIES = "E0202", Error;
    /// Money compared with or added to a plain number.
    MONEY_AND_NUMBER = "E0203", Error;
    /// Arithmetic on dates that has no meaning (date + money, date + date …).
    DATE_ARITHMETIC = "E0204", Error;
    /// An operator applied to types it does not support.
    INVALID_OPERANDS = "E0205", Error;
    /// A rule or condition that is not a truth value.
    CONDITION_NOT_BOOL = "E0206", Error;
    /// A cash item, cap, floor or fee that is not money in the program's currency.
    CASH_NOT_MONEY = "E0207", Error;
    /// An in-kind item that is not a quantity.
    IN_KIND_NOT_QUANTITY = "E0208", Error;
    /// A list whose elements have different types.
    MIXED_LIST = "E0209", Error;
    /// Quantities in two units of measure combined or compared.
    MIXED_UNITS = "E0210", Error;
    /// A program uses money but declares no `currency`.
    NO_CURRENCY = "E0211", Error;
    /// An argument of a function that must be a constant (a rounding mode, a step) is not.
    NOT_CONSTANT = "E0212", Error;
    /// Division by a literal zero.
    DIVISION_BY_ZERO = "E0213", Error;
    /// A `matches` pattern that is not a valid regular expression.
    INVALID_PATTERN = "E0214", Error;
    /// A function argument of the wrong type.
    BAD_ARGUMENT = "E0215", Error;
    /// A literal that `round` cannot round to: not a whole number of places from 0 to 28, or not
    /// a positive step of the rounded value's type.
    BAD_ROUND_STEP = "E0216", Error;
    /// `KES -50`, which reads as the name `KES` minus 50: a negative amount is written `-KES 50`.
    NEGATIVE_MONEY_WRITTEN = "E0217", Error;

    // --- E03xx: program structure ------------------------------------------------------------
    /// Two values of a parameter in force from the same date.
    OVERLAPPING_DATES = "E0301", Error;
    /// A parameter value that is not a constant.
    PARAM_NOT_CONSTANT = "E0302", Error;
    /// `cap`, `floor`, `round` or `fee` given twice.
    DUPLICATE_ADJUSTMENT = "E0303", Error;
    /// A floor above the cap.
    FLOOR_ABOVE_CAP = "E0304", Error;
    /// An input's choices or default do not fit its type.
    BAD_INPUT_DECLARATION = "E0305", Error;
    /// One code that means two entries of a code list.
    AMBIGUOUS_CODE = "E0306", Error;
    /// A `union` rule with no rule before it.
    UNION_FIRST = "E0307", Error;
    /// `valued at` on a cash item.
    VALUED_CASH_ITEM = "E0308", Error;
    /// A floor on a group of items (a floor applies to the cash total only).
    GROUP_FLOOR = "E0309", Error;
    /// An item that two group caps limit.
    ITEM_IN_TWO_CAPS = "E0310", Error;
    /// A key that appears twice in a table.
    DUPLICATE_KEY = "E0311", Error;
    /// Bands (`band`) whose keys are not in ascending order.
    BANDS_NOT_ASCENDING = "E0312", Error;
    /// A group cap over items of different kinds or units.
    MIXED_GROUP = "E0313", Error;
    /// A host function computed from household and member inputs together, or from no input.
    BAD_FUNCTION_ARGUMENTS = "E0314", Error;

    // --- E04xx: tests inside programs ---------------------------------------------------------
    /// A test with no `expect` line.
    TEST_WITHOUT_EXPECTATION = "E0401", Error;
    /// Test data that names no declared input.
    TEST_UNKNOWN_FIELD = "E0402", Error;
    /// Test data of the wrong type for its input.
    TEST_VALUE_TYPE = "E0403", Error;
    /// `member` lines in a test of an individual program, or `person` in a household program.
    TEST_WRONG_UNIT_KIND = "E0404", Error;
    /// An expectation naming a rule or item the program does not have.
    TEST_UNKNOWN_REFERENCE = "E0405", Error;
    /// Two tests with the same name.
    DUPLICATE_TEST = "E0406", Error;
    /// A field given twice for one unit, member or record of a test.
    TEST_REPEATED_FIELD = "E0407", Error;
    /// An expectation given twice in a test, or contradicting another (`eligible, not_eligible`).
    TEST_REPEATED_EXPECTATION = "E0408", Error;
    /// An expectation beside `expect error`, which gives no decision to check it on.
    TEST_EXPECTATION_WITHOUT_DECISION = "E0409", Error;

    // --- E05xx: translation of rules to SQL --------------------------------------------------
    /// A construct that has no exact translation to SQL (never silently dropped or approximated).
    NOT_TRANSLATABLE = "E0501", Error;

    // --- E06xx: the run model (selection, compliance, deduplication, cycles) -----------------
    /// `top N` or a budget spent in rank order, in a selection without `rank by`.
    RANK_REQUIRED = "E0601", Error;
    /// A `rank by` key that is not a number, an amount of money or a date.
    RANK_KEY_TYPE = "E0602", Error;
    /// A `top` or `budget` that depends on the unit (it must be a literal or a parameter).
    BOUND_NOT_CONSTANT = "E0603", Error;
    /// A `top` that is not a whole number of units (or a parameter with such a value).
    TOP_NOT_WHOLE = "E0604", Error;
    /// A `same` deduplication rule that compares household inputs with member inputs.
    DEDUP_MIXED_SCOPES = "E0605", Error;
    /// `rank by`, `top` or `budget` given twice in the selection.
    DUPLICATE_SELECTION_LINE = "E0606", Error;
    /// A recurring `cycle` without the date of its first cycle (`from`).
    CYCLE_WITHOUT_START = "E0607", Error;
    /// A `cycle` line that cannot be scheduled (a zero interval or count, weekdays of a monthly
    /// recurrence, `until` before `from` …).
    INVALID_CYCLE = "E0608", Error;
    /// A `summary by` dimension that is not an input a summary can group by (or an age that is not
    /// a date).
    BAD_SUMMARY_DIMENSION = "E0609", Error;

    // --- Wxxxx: warnings ---------------------------------------------------------------------
    /// A parameter that nothing uses.
    UNUSED_PARAM = "W0001", Warning;
    /// A `let` that nothing uses.
    UNUSED_LET = "W0002", Warning;
    /// An input that nothing reads.
    UNUSED_INPUT = "W0003", Warning;
    /// A rule that can never be true (or, for `unless`, can never apply).
    RULE_NEVER_TRUE = "W0004", Warning;
    /// A rule that is always true, so it decides nothing.
    RULE_ALWAYS_TRUE = "W0005", Warning;
    /// A translation block that lacks a sentence the program defines.
    MISSING_TRANSLATION = "W0006", Warning;
    /// Parameter values not written in date order.
    DATES_OUT_OF_ORDER = "W0007", Warning;
    /// A program with no tests.
    NO_TESTS = "W0008", Warning;
    /// An input (or record field) declared `one of []`: every value given to it is refused.
    NO_CHOICES = "W0009", Warning;
    /// The same choice written twice in an input's `one of` list.
    CHOICE_TWICE = "W0010", Warning;
    /// A fee written as a constant below zero: a fee below zero charges nothing.
    NEGATIVE_FEE = "W0011", Warning;
}

/// The severity of `code` (an unknown code counts as an error).
pub fn severity(code: &str) -> Severity {
    ALL.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, s)| *s)
        .unwrap_or(Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_prefixed_by_severity() {
        let mut seen = std::collections::HashSet::new();
        for (code, sev) in ALL {
            assert!(seen.insert(*code), "duplicate code {code}");
            let prefix = if *sev == Severity::Error { 'E' } else { 'W' };
            assert!(code.starts_with(prefix), "{code} has severity {sev}");
            assert_eq!(code.len(), 5);
        }
    }

    #[test]
    fn every_code_has_an_english_and_french_message() {
        for (code, _) in ALL {
            assert!(
                crate::locale::english().get(code).is_some(),
                "no English message for {code}"
            );
            assert!(
                crate::locale::catalog("fr").get(code).is_some(),
                "no French message for {code}"
            );
        }
    }
}
