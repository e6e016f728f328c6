//! Binding registry cells to a program's inputs.
//!
//! [`ProgramColumns`] says which columns a source must read: one per input the program declares
//! *and uses*, named as the input. [`set_unit_cell`] and [`set_member_cell`] parse a cell's text by
//! the input's type (the rules of [`entitle_core::parse`]: ISO 8601 dates, exact decimals, amounts
//! with or without the currency code, truth values in the usual spellings) and store it in a
//! [`BatchBuilder`]. Common cells take fast paths that allocate nothing; everything else goes
//! through the engine's own parser, so every source reads a cell the same way.

use chrono::NaiveDate;
use entitle_core::{BatchBuilder, EvalError, Program, Scalar};
use entitle_dsl::ast::Target;
use entitle_dsl::{Currency, Type, Value};

use crate::error::codes;
use crate::reason::Reason;

/// One input a source must fill: its column, slot and type.
#[derive(Clone, Debug)]
pub struct InputColumn {
    /// The input's name, which is also the column (or field) name.
    pub name: String,
    /// The input's slot in the program's [`Layout`](entitle_core::Layout) (unit or member scope).
    pub slot: usize,
    /// The declared type.
    pub ty: Type,
    /// Whether the input has a declared default (a source may then lack the column).
    pub has_default: bool,
    /// The values declared with `one of`, if any.
    pub choices: Option<Vec<Value>>,
}

impl InputColumn {
    /// The currency of a money input.
    pub fn currency(&self) -> Option<Currency> {
        match self.ty {
            Type::Money { currency } => Some(currency),
            _ => None,
        }
    }
}

/// The columns a program reads, by scope.
#[derive(Clone, Debug)]
pub struct ProgramColumns {
    /// Unit-level inputs (`household.` or `person.`) the program uses.
    pub unit: Vec<InputColumn>,
    /// Member inputs the program uses (household programs).
    pub member: Vec<InputColumn>,
    /// Households or individuals.
    pub target: Target,
}

fn columns(inputs: &[entitle_dsl::ir::Input]) -> Vec<InputColumn> {
    inputs
        .iter()
        .enumerate()
        .filter(|(_, i)| i.used)
        .map(|(slot, i)| InputColumn {
            name: i.name.clone(),
            slot,
            ty: i.ty.clone(),
            has_default: i.default.is_some(),
            choices: i.choices.clone(),
        })
        .collect()
}

impl ProgramColumns {
    /// The columns `program` reads: its declared inputs that a rule, item or `let` uses.
    pub fn for_program(program: &Program) -> ProgramColumns {
        let layout = program.layout();
        ProgramColumns {
            unit: columns(layout.unit_inputs()),
            member: columns(layout.member_inputs()),
            target: program.target(),
        }
    }
}

/// Why a cell could not be stored. It never contains the cell's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellError {
    /// A row error code: [`codes::BAD_VALUE`] or [`codes::NOT_A_CHOICE`].
    pub code: &'static str,
    /// What is wrong, to be said in any catalogue's language.
    pub reason: Reason,
}

impl From<EvalError> for CellError {
    fn from(e: EvalError) -> CellError {
        match e {
            // The parser's English, which catalogues translate as they do the engine's R0005.
            EvalError::InvalidValue { reason, .. } => CellError {
                code: codes::BAD_VALUE,
                reason: Reason::Worded(reason),
            },
            // The choices and how they are compared, as the engine's R0008 says them, without
            // the input: a record names its column already.
            EvalError::NotAChoice {
                choices,
                choices_total,
                text,
                ..
            } => CellError {
                code: codes::NOT_A_CHOICE,
                reason: Reason::NotAChoice {
                    choices,
                    total: choices_total,
                    text,
                },
            },
            other => CellError {
                code: codes::BAD_VALUE,
                reason: Reason::from(other),
            },
        }
    }
}

/// Reads an ISO 8601 date (`2026-03-01`, or the date part of a date-time), as
/// [`entitle_core::parse::parse_date`] does, without its cost in the common case.
pub fn parse_date(t: &str) -> Option<NaiveDate> {
    entitle_core::parse::parse_date(t)
}

/// Stores a unit-level cell (already trimmed, not empty) in the open unit.
///
/// # Errors
/// A [`CellError`] when the text is not a value of the input's type or not one of its choices.
pub fn set_unit_cell(
    builder: &mut BatchBuilder,
    column: &InputColumn,
    text: &str,
) -> Result<(), CellError> {
    // Read here, where the column's type is at hand, so that the common cell goes straight into
    // its column (a money column's currency, when the registry has one, is checked apart).
    match Scalar::read(text, &column.ty) {
        Some(v) => builder.set_unit_scalar(column.slot, v),
        None => builder.set_unit_text(column.slot, text),
    }
    .map_err(CellError::from)
}

/// Stores a member cell (already trimmed, not empty) for the last member added.
///
/// # Errors
/// As [`set_unit_cell`].
pub fn set_member_cell(
    builder: &mut BatchBuilder,
    column: &InputColumn,
    text: &str,
) -> Result<(), CellError> {
    match Scalar::read(text, &column.ty) {
        Some(v) => builder.set_member_scalar(column.slot, v),
        None => builder.set_member_text(column.slot, text),
    }
    .map_err(CellError::from)
}

/// Checks a currency cell (`KES`) that goes with a money input.
///
/// # Errors
/// [`codes::WRONG_CURRENCY`] when it names another currency than the input's (the codes are named:
/// they are not personal data).
pub fn check_currency(column: &InputColumn, code: &str) -> Result<(), CellError> {
    let Some(expected) = column.currency() else {
        return Ok(());
    };
    if code.eq_ignore_ascii_case(expected.code()) {
        return Ok(());
    }
    // The record's location names the column: the reason does not name it again.
    let reason = if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        let found = code.to_ascii_uppercase();
        let args = [("input_currency", expected.code()), ("written", &found)];
        Reason::with("G0103", &args)
    } else {
        Reason::with("G0103.unknown", &[("input_currency", expected.code())])
    };
    Err(CellError {
        code: codes::WRONG_CURRENCY,
        reason,
    })
}

/// Splits a membership kinds cell (`head`, `head;spouse`, `child|other`) into its kinds.
pub fn split_kinds(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', '|', ','])
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_dates_agree_with_the_engine() {
        for t in [
            "2026-03-01",
            "2024-02-29",
            "2023-02-29",
            "0000-01-01",
            "9999-12-31",
            "2026-13-01",
            "2026-00-10",
            "2026-3-01",
            "2026-03-01T10:00:00Z",
            "2026-03-01 08:00",
            "x026-03-01",
            "2026/03/01",
        ] {
            assert_eq!(parse_date(t), entitle_core::parse::parse_date(t), "{t}");
        }
    }

    #[test]
    fn cells_are_typed_by_the_input() {
        let program =
            Program::compile(include_str!("../../examples/programs/child_grant.entitle")).unwrap();
        let cols = ProgramColumns::for_program(&program);
        let names: Vec<_> = cols.unit.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["region", "monthly_income", "enrolled_in_pension"]);
        let names: Vec<_> = cols.member.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["birthdate", "disabled"]);
        let mut b = program.batch_builder();
        b.start_unit("H1");
        let income = &cols.unit[1];
        assert_eq!(set_unit_cell(&mut b, income, "1500.50"), Ok(()));
        assert_eq!(set_unit_cell(&mut b, income, "KES 1500"), Ok(()));
        assert_eq!(
            set_unit_cell(&mut b, income, "USD 10").unwrap_err().code,
            codes::BAD_VALUE
        );
        assert_eq!(
            set_unit_cell(&mut b, &cols.unit[0], "Central")
                .unwrap_err()
                .code,
            codes::NOT_A_CHOICE
        );
        assert_eq!(set_unit_cell(&mut b, &cols.unit[2], "yes"), Ok(()));
        let e = set_unit_cell(&mut b, &cols.unit[2], "maybe-SECRET").unwrap_err();
        assert!(!e.reason.english().contains("SECRET"));
        b.add_member("M1", &["head"], None, None).unwrap();
        assert_eq!(
            set_member_cell(&mut b, &cols.member[0], "1990-01-31"),
            Ok(())
        );
        assert_eq!(
            set_member_cell(&mut b, &cols.member[0], "31/01/1990")
                .unwrap_err()
                .code,
            codes::BAD_VALUE
        );
        assert_eq!(check_currency(income, "kes"), Ok(()));
        assert_eq!(
            check_currency(income, "USD").unwrap_err().code,
            codes::WRONG_CURRENCY
        );
        assert_eq!(
            split_kinds(" head; spouse |").collect::<Vec<_>>(),
            ["head", "spouse"]
        );
    }

    #[test]
    fn a_value_outside_the_choices_is_told_them_up_to_twelve() {
        let districts: Vec<String> = (1..=14).map(|k| format!("\"D{k}\"")).collect();
        let source = format!(
            "program p \"P\" version \"1\"\n  target individual\n  currency KES\n\ninputs\n  \
             person.district: text \"District\" one of [{}]\n  person.band: number \"Band\" one of \
             [1, 2]\n\neligible when\n  a \"A\" district == \"D1\"\n  b \"B\" band == 1\n",
            districts.join(", ")
        );
        let program = Program::compile(&source).unwrap();
        let cols = ProgramColumns::for_program(&program);
        let mut b = program.batch_builder();
        b.start_unit("P1");
        let e = set_unit_cell(&mut b, &cols.unit[0], "d1").unwrap_err();
        assert_eq!(e.code, codes::NOT_A_CHOICE);
        assert_eq!(
            e.reason.english(),
            "the value is not one of the declared choices: D1, D2, D3, D4, D5, D6, D7, D8, D9, \
             D10, D11, D12, … (14 in all); written as declared, capitals included (spaces around \
             the value do not count)"
        );
        let e = set_unit_cell(&mut b, &cols.unit[1], "3").unwrap_err();
        assert_eq!(e.code, codes::NOT_A_CHOICE);
        assert_eq!(
            e.reason.english(),
            "the value is not one of the declared choices: 1, 2"
        );
        assert_eq!(set_unit_cell(&mut b, &cols.unit[0], "D14"), Ok(()));
    }

    #[test]
    fn a_member_cell_outside_the_choices_names_neither_the_column_nor_the_member() {
        // The record's location names the column, and its `member_id` the member: the reason
        // says only what is wrong.
        let source = "program p \"P\" version \"1\"\n  target household\n  currency KES\n\n\
                      inputs\n  member.role: text \"Role\" one of [\"head\", \"other\"]\n\n\
                      eligible when\n  h \"H\" any(members where role == \"head\")\n";
        let program = Program::compile(source).unwrap();
        let cols = ProgramColumns::for_program(&program);
        let mut b = program.batch_builder();
        b.start_unit("H1");
        b.add_member("M1", &["head"], None, None).unwrap();
        let e = set_member_cell(&mut b, &cols.member[0], "boss").unwrap_err();
        assert_eq!(
            (e.code, e.reason.english().as_str()),
            (
                codes::NOT_A_CHOICE,
                "the value is not one of the declared choices: head, other; written as declared, \
                 capitals included (spaces around the value do not count)"
            )
        );
    }
}
