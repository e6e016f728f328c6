//! Households as rows of a groups file and a members file, in CSV, JSONL or Parquet, with optional
//! defects.

use super::population::{age_on, Household, Person};
use chrono::NaiveDate;
use std::io::Write;

/// The columns of the groups file.
pub const GROUP_COLUMNS: &[&str] = &[
    "id",
    "region",
    "district",
    "area",
    "monthly_income",
    "enrolled_in_pension",
    "household_size",
    "roof_is_permanent",
    "z_ind_grp_num_children",
    "z_ind_grp_num_elderly",
    "z_ind_grp_is_hh_with_disabled",
    "x_cst_grp_is_displaced",
    "registration_date",
];

/// The columns of the members file.
pub const MEMBER_COLUMNS: &[&str] = &[
    "id",
    "group_id",
    "kind",
    "start_date",
    "end_date",
    "name",
    "gender",
    "birthdate",
    "disabled",
    "years_of_schooling",
    "employed",
    "owns_phone",
    "receives_other_pension",
    "phone",
    "account",
];

/// A deliberate problem, as real exports have them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defect {
    /// Income written with a thousands separator (G0101).
    IncomeWithSeparator,
    /// A region outside the declared choices (G0102).
    UnknownRegion,
    /// A group row cut short (G0104).
    ShortRow,
    /// The group row written twice (G0106).
    DuplicateRow,
    /// A member's birthdate in day/month/year form (G0101).
    BadBirthdate,
    /// A membership start date that does not exist (G0108).
    BadStartDate,
    /// A birthdate after the reference date (an evaluation error, R0003).
    FutureBirthdate,
    /// Every membership ended before the reference date (no members: a division by zero, R0001).
    EveryoneLeft,
    /// Income in another currency (G0101).
    OtherCurrency,
    /// Income written with its currency code (valid).
    IncomeWithCode,
    /// Truth values spelled `yes`/`No` (valid).
    YesNo,
    /// After the household's members: a member row with no group id (G0105).
    MemberWithoutGroup,
}

/// The defects written by `--defects`, in order of position in the file.
pub const DEFECTS: &[Defect] = &[
    Defect::IncomeWithCode,
    Defect::IncomeWithSeparator,
    Defect::BadBirthdate,
    Defect::UnknownRegion,
    Defect::YesNo,
    Defect::ShortRow,
    Defect::FutureBirthdate,
    Defect::DuplicateRow,
    Defect::BadStartDate,
    Defect::EveryoneLeft,
    Defect::OtherCurrency,
    Defect::MemberWithoutGroup,
];

/// File format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    /// groups.csv and members.csv.
    #[default]
    Csv,
    /// groups.jsonl and members.jsonl.
    Jsonl,
    /// groups.parquet and members.parquet (typed columns, Snappy-compressed).
    Parquet,
}

/// A cell value.
#[derive(Clone, Debug)]
pub enum Cell {
    /// Text (a string in JSON).
    Text(String),
    /// Text written as it is (a number in JSON).
    Raw(String),
    /// A truth value.
    Bool(bool),
    /// An amount in cents, written as `1500` or `1500.50`.
    Money(u64),
    /// A whole number.
    Int(u64),
    /// A date, written YYYY-MM-DD.
    Date(NaiveDate),
    /// No value.
    Null,
}

/// Where rows go: the bytes of a CSV or JSONL file, or the columns of a Parquet batch.
pub trait Sink {
    /// Adds a row.
    fn row(&mut self, cells: &[Cell]);
    /// Adds a row cut short after its first four cells (the `ShortRow` defect).
    fn short_row(&mut self, cells: &[Cell], id: &str, region: &str);
}

/// Rows as the bytes of a CSV or JSONL file.
pub struct TextRows {
    /// The bytes written so far.
    pub out: Vec<u8>,
    /// JSON Lines, else CSV.
    jsonl: bool,
    columns: &'static [&'static str],
}

impl TextRows {
    /// An empty piece of a JSONL file, else of a CSV file.
    pub fn new(jsonl: bool, columns: &'static [&'static str]) -> TextRows {
        TextRows {
            out: Vec::new(),
            jsonl,
            columns,
        }
    }
}

impl Sink for TextRows {
    fn row(&mut self, cells: &[Cell]) {
        write_row(&mut self.out, self.jsonl, self.columns, cells);
    }

    fn short_row(&mut self, cells: &[Cell], id: &str, region: &str) {
        if self.jsonl {
            let _ = writeln!(self.out, "{{\"id\": \"{id}\", \"region\": \"{region}\"");
        } else {
            write_row(
                &mut self.out,
                false,
                self.columns,
                cells.get(..4).unwrap_or(&[]),
            );
        }
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn date(d: Option<NaiveDate>) -> Cell {
    d.map(Cell::Date).unwrap_or(Cell::Null)
}

fn opt_bool(b: Option<bool>) -> Cell {
    b.map(Cell::Bool).unwrap_or(Cell::Null)
}

/// An amount in cents as the CSV file holds it: `1500` or `1500.50`.
pub fn money(cents: u64) -> String {
    if cents % 100 == 0 {
        format!("{}", cents / 100)
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    }
}

fn write_row(out: &mut Vec<u8>, jsonl: bool, columns: &[&str], cells: &[Cell]) {
    if !jsonl {
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            match c {
                Cell::Text(s) | Cell::Raw(s) => crate::decisions::csv_cell(out, s),
                Cell::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
                Cell::Money(c) => out.extend_from_slice(money(*c).as_bytes()),
                Cell::Int(n) => {
                    let _ = write!(out, "{n}");
                }
                Cell::Date(d) => {
                    let _ = write!(out, "{d}");
                }
                Cell::Null => {}
            }
        }
    } else {
        out.push(b'{');
        let mut first = true;
        for (name, c) in columns.iter().zip(cells) {
            if matches!(c, Cell::Null) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            let _ = write!(out, "\"{name}\":");
            match c {
                Cell::Text(s) => {
                    let _ = serde_json::to_writer(&mut *out, s);
                }
                Cell::Raw(s) => out.extend_from_slice(s.as_bytes()),
                Cell::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
                Cell::Money(c) => out.extend_from_slice(money(*c).as_bytes()),
                Cell::Int(n) => {
                    let _ = write!(out, "{n}");
                }
                Cell::Date(d) => {
                    let _ = write!(out, "\"{d}\"");
                }
                Cell::Null => {}
            }
        }
        out.push(b'}');
    }
    out.push(b'\n');
}

/// Writes the header line of a CSV file (JSONL files have none).
pub fn header(out: &mut Vec<u8>, format: FileFormat, columns: &[&str]) {
    if format == FileFormat::Csv {
        out.extend_from_slice(columns.join(",").as_bytes());
        out.push(b'\n');
    }
}

fn member_cells(m: &Person, id: &str, group: &str) -> Vec<Cell> {
    vec![
        text(id),
        text(group),
        text(m.kind),
        date(m.start),
        date(m.end),
        text(m.name.clone()),
        text(m.gender),
        date(m.birthdate),
        opt_bool(m.disabled),
        Cell::Int(m.years_of_schooling),
        Cell::Bool(m.employed),
        Cell::Bool(m.owns_phone),
        Cell::Bool(m.receives_other_pension),
        m.phone.clone().map(text).unwrap_or(Cell::Null),
        m.account.clone().map(text).unwrap_or(Cell::Null),
    ]
}

/// Writes one household: its group row (or rows) and its member rows. `member_no` is the number
/// of its first member.
#[allow(clippy::too_many_arguments)]
pub fn write_household<S: Sink>(
    groups: &mut S,
    members: &mut S,
    h: &Household,
    id: &str,
    member_no: u64,
    member_width: usize,
    reference: NaiveDate,
    defect: Option<Defect>,
) {
    let mut h = h.clone();
    match defect {
        Some(Defect::FutureBirthdate) => {
            if let Some(m) = h.members.last_mut() {
                m.birthdate = reference.checked_add_days(chrono::Days::new(400));
                m.start = None;
                m.end = None;
            }
        }
        Some(Defect::EveryoneLeft) => {
            for m in &mut h.members {
                m.start = Some(
                    reference
                        .checked_sub_days(chrono::Days::new(900))
                        .unwrap_or(reference),
                );
                m.end = reference.checked_sub_days(chrono::Days::new(30));
            }
            h.income_cents = Some(400_000);
        }
        _ => {}
    }
    let active: Vec<&Person> = h
        .members
        .iter()
        .filter(|m| m.start.is_none_or(|s| s <= reference) && m.end.is_none_or(|e| reference < e))
        .collect();
    let ages = || {
        active
            .iter()
            .filter_map(|m| m.birthdate)
            .map(|b| age_on(b, reference))
    };
    let income = match (defect, h.income_cents) {
        (Some(Defect::IncomeWithSeparator), _) => Cell::Raw("\"12,500\"".into()),
        (Some(Defect::OtherCurrency), _) => text("USD 120"),
        (Some(Defect::IncomeWithCode), Some(c)) => text(format!("KES {}", money(c))),
        (_, Some(c)) => Cell::Money(c),
        (_, None) => Cell::Null,
    };
    let income = match income {
        // The raw separator value is a (quoted) text cell.
        Cell::Raw(s) if s.starts_with('"') => text(s.trim_matches('"')),
        c => c,
    };
    let pension = match (defect, h.enrolled_in_pension) {
        (Some(Defect::YesNo), Some(b)) => text(if b { "yes" } else { "No" }),
        (_, b) => opt_bool(b),
    };
    let cells = vec![
        text(id),
        text(if defect == Some(Defect::UnknownRegion) {
            "Central"
        } else {
            h.region
        }),
        text(h.district),
        text(h.area),
        income,
        pension,
        Cell::Int(active.len() as u64),
        Cell::Bool(h.roof_is_permanent),
        Cell::Int(ages().filter(|a| *a < 18).count() as u64),
        Cell::Int(ages().filter(|a| *a >= 60).count() as u64),
        Cell::Bool(active.iter().any(|m| m.disabled == Some(true))),
        Cell::Bool(h.displaced),
        Cell::Date(h.registration_date),
    ];
    if defect == Some(Defect::ShortRow) {
        groups.short_row(&cells, id, h.region);
    } else {
        groups.row(&cells);
    }
    if defect == Some(Defect::DuplicateRow) {
        groups.row(&cells);
    }
    for (k, m) in h.members.iter().enumerate() {
        let mid = format!("M{:0width$}", member_no + k as u64, width = member_width);
        let mut cells = member_cells(m, &mid, id);
        if k == h.members.len() - 1 {
            match defect {
                Some(Defect::BadBirthdate) => cells[7] = text("31/02/1985"),
                Some(Defect::BadStartDate) => cells[3] = text("2019-13-01"),
                _ => {}
            }
        }
        members.row(&cells);
    }
    if defect == Some(Defect::MemberWithoutGroup) {
        let mid = format!(
            "M{:0width$}",
            member_no + h.members.len() as u64,
            width = member_width
        );
        if let Some(m) = h.members.first() {
            let mut cells = member_cells(m, &mid, "");
            cells[1] = Cell::Null;
            cells[2] = text("other");
            members.row(&cells);
        }
    }
}

/// A member row of a group that does not exist, written after all others.
pub fn write_orphan<S: Sink>(members: &mut S, group_id: &str, member_id: &str) {
    let cells = vec![
        text(member_id),
        text(group_id),
        text("head"),
        Cell::Null,
        Cell::Null,
        text("Unknown Person"),
        text("F"),
        Cell::Date(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()),
        Cell::Bool(false),
        Cell::Int(0),
        Cell::Bool(false),
        Cell::Bool(false),
        Cell::Bool(false),
        Cell::Null,
        Cell::Null,
    ];
    members.row(&cells);
}
