//! `entitle generate`: a synthetic registry of households and members, the same for the same seed.

#[cfg(feature = "parquet")]
mod parquet;
mod population;
mod rows;

use crate::output::OutputSet;
use crate::term::thousands;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use population::{household, Household};
use rayon::prelude::*;
use rows::{
    header, write_household, write_orphan, Cell, FileFormat, Sink, TextRows, DEFECTS,
    GROUP_COLUMNS, MEMBER_COLUMNS,
};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `entitle generate`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Writes groups.csv and members.csv (or .jsonl, .parquet) into DIR, sorted by id, in the columns the example
programs read: region, district, area, monthly_income, enrolled_in_pension, household_size, … for
groups; kind (head, spouse, child, other), start_date, end_date, name, gender, birthdate, disabled,
phone, account, … for members. Some values are missing, as in real registries. The same seed always
gives the same files, on every machine.

With --defects, a dozen deliberate problems are written at fixed places (a bad date, a number with a
thousands separator, a region outside the choices, a short row, a duplicate id, a member of a group
that does not exist …): the example registry is made this way.

Parquet files have typed columns (DECIMAL amounts, DATE dates, BOOLEAN, INT64 counts), Snappy-
compressed. With --defects, the columns that carry bad texts (monthly_income, enrolled_in_pension,
start_date, birthdate) are text instead; the short row cannot be written (a Parquet row has every
column), so that group is written with its other cells empty.

Example:
  entitle generate --households 1000000 --seed 42 --out /tmp/registry-1m"
)]
pub struct Args {
    /// How many households.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub households: u64,
    /// The random seed.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// The day that ages and memberships are drawn relative to.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::commands::parse_date, default_value = "2026-03-01")]
    pub reference_date: NaiveDate,
    /// CSV, JSONL or Parquet files.
    #[arg(long, value_enum, default_value_t)]
    pub format: FileFormat,
    /// Write a dozen deliberate problems at fixed places.
    #[arg(long)]
    pub defects: bool,
    /// The directory to write into (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

/// Households generated and written per step.
const STEP: u64 = 65_536;

/// What rows are made into, in pieces made in parallel: the bytes of a CSV or JSONL file, or the
/// columns of Parquet record batches.
enum Layout {
    Text {
        jsonl: bool,
    },
    #[cfg(feature = "parquet")]
    Parquet {
        groups: arrow_schema::SchemaRef,
        members: arrow_schema::SchemaRef,
    },
}

impl Layout {
    /// An empty piece of the groups file, or of the members file.
    fn piece(&self, members: bool) -> Piece {
        let columns = if members {
            MEMBER_COLUMNS
        } else {
            GROUP_COLUMNS
        };
        match self {
            Layout::Text { jsonl } => Piece::Text(TextRows::new(*jsonl, columns)),
            #[cfg(feature = "parquet")]
            Layout::Parquet { groups, members: m } => {
                Piece::Table(parquet::Table::new(if members { m } else { groups }))
            }
        }
    }
}

/// Rows of one file, made on one thread.
enum Piece {
    Text(TextRows),
    #[cfg(feature = "parquet")]
    Table(parquet::Table),
}

impl Sink for Piece {
    fn row(&mut self, cells: &[Cell]) {
        match self {
            Piece::Text(t) => t.row(cells),
            #[cfg(feature = "parquet")]
            Piece::Table(t) => t.row(cells),
        }
    }

    fn short_row(&mut self, cells: &[Cell], id: &str, region: &str) {
        match self {
            Piece::Text(t) => t.short_row(cells, id, region),
            #[cfg(feature = "parquet")]
            Piece::Table(t) => t.short_row(cells, id, region),
        }
    }
}

/// A file being written, piece after piece.
enum Output {
    Text(BufWriter<File>, &'static str),
    #[cfg(feature = "parquet")]
    Parquet(Box<parquet::Writer>),
}

impl Output {
    fn write(&mut self, piece: &mut Piece) -> Result<()> {
        match (self, piece) {
            (Output::Text(w, what), Piece::Text(t)) => w
                .write_all(&t.out)
                .with_context(|| format!("cannot write the {what} file")),
            #[cfg(feature = "parquet")]
            (Output::Parquet(w), Piece::Table(t)) => w.write(t),
            #[cfg(feature = "parquet")]
            _ => bail!("rows of one format cannot go into a file of another"),
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            Output::Text(mut w, what) => w
                .flush()
                .with_context(|| format!("cannot write the {what} file")),
            #[cfg(feature = "parquet")]
            Output::Parquet(w) => w.finish(),
        }
    }
}

/// Runs `entitle generate`.
///
/// # Errors
/// When the files cannot be written.
pub fn main(a: &Args) -> Result<ExitCode> {
    if a.defects && a.households < 2 * DEFECTS.len() as u64 {
        bail!("--defects needs at least {} households", 2 * DEFECTS.len());
    }
    let ext = match a.format {
        FileFormat::Csv => "csv",
        FileFormat::Jsonl => "jsonl",
        FileFormat::Parquet => "parquet",
    };
    if a.format == FileFormat::Parquet && cfg!(not(feature = "parquet")) {
        bail!("this build of entitle cannot write Parquet files (cargo feature `parquet`)");
    }
    let (groups_name, members_name) = (format!("groups.{ext}"), format!("members.{ext}"));
    let mut out = OutputSet::prepare(&a.out, &[&groups_name, &members_name], a.force)?;
    let groups_file = out.create(&groups_name)?;
    let members_file = out.create(&members_name)?;
    let (layout, mut groups, mut members) = match a.format {
        #[cfg(feature = "parquet")]
        FileFormat::Parquet => {
            let g = parquet::schema(false, a.defects);
            let m = parquet::schema(true, a.defects);
            (
                Layout::Parquet {
                    groups: g.clone(),
                    members: m.clone(),
                },
                Output::Parquet(Box::new(parquet::Writer::new(
                    groups_file,
                    &g,
                    &groups_name,
                )?)),
                Output::Parquet(Box::new(parquet::Writer::new(
                    members_file,
                    &m,
                    &members_name,
                )?)),
            )
        }
        _ => {
            let (mut g, mut m) = (Vec::new(), Vec::new());
            header(&mut g, a.format, GROUP_COLUMNS);
            header(&mut m, a.format, MEMBER_COLUMNS);
            let (mut groups_file, mut members_file) = (groups_file, members_file);
            groups_file
                .write_all(&g)
                .and_then(|()| members_file.write_all(&m))
                .context("cannot write the registry files")?;
            (
                Layout::Text {
                    jsonl: a.format == FileFormat::Jsonl,
                },
                Output::Text(groups_file, "groups"),
                Output::Text(members_file, "members"),
            )
        }
    };
    let id_width = a.households.to_string().len().max(7);
    let member_width = (a.households * 10).to_string().len().max(8);
    // Defect k sits at household (k + 1) * N / (D + 1), spread over the file.
    let defect_at = |i: u64| -> Option<rows::Defect> {
        if !a.defects {
            return None;
        }
        let d = DEFECTS.len() as u64;
        (0..d)
            .find(|k| (k + 1) * a.households / (d + 1) == i)
            .and_then(|k| DEFECTS.get(k as usize).copied())
    };
    let mut next_member = 1u64;
    let mut total_members = 0u64;
    let mut start = 0u64;
    while start < a.households {
        let end = (start + STEP).min(a.households);
        let drawn: Vec<Household> = (start..end)
            .into_par_iter()
            .map(|i| household(a.seed, i, a.reference_date))
            .collect();
        let mut first_member = Vec::with_capacity(drawn.len());
        for (i, h) in (start..end).zip(&drawn) {
            first_member.push(next_member);
            let extra = u64::from(defect_at(i) == Some(rows::Defect::MemberWithoutGroup));
            next_member += h.members.len() as u64 + extra;
            total_members += h.members.len() as u64 + extra;
        }
        let parts: Vec<(Piece, Piece)> = drawn
            .par_iter()
            .enumerate()
            .with_min_len(1024)
            .fold(
                || (layout.piece(false), layout.piece(true)),
                |(mut gb, mut mb), (k, h)| {
                    let i = start + k as u64;
                    let id = format!("H{:0id_width$}", i + 1);
                    let no = first_member.get(k).copied().unwrap_or(0);
                    write_household(
                        &mut gb,
                        &mut mb,
                        h,
                        &id,
                        no,
                        member_width,
                        a.reference_date,
                        defect_at(i),
                    );
                    (gb, mb)
                },
            )
            .collect();
        // The pieces in order: the files are sorted by id.
        for (mut gb, mut mb) in parts {
            groups.write(&mut gb)?;
            members.write(&mut mb)?;
        }
        start = end;
    }
    if a.defects {
        // A membership of a group that does not exist sorts after every group.
        let orphan_group = format!("H{}", "9".repeat(id_width));
        let mut m = layout.piece(true);
        write_orphan(
            &mut m,
            &orphan_group,
            &format!("M{:0member_width$}", next_member),
        );
        total_members += 1;
        members.write(&mut m)?;
    }
    groups.finish()?;
    members.finish()?;
    out.commit()?;
    // `--defects` writes one household's row twice: the groups file has a row more than there
    // are households, which the count says (a clerk counting rows would otherwise wonder).
    let d = DEFECTS.len() as u64;
    let repeated = (0..d)
        .filter(|k| DEFECTS.get(*k as usize) == Some(&rows::Defect::DuplicateRow))
        .map(|k| (k + 1) * a.households / (d + 1))
        .filter(|i| defect_at(*i) == Some(rows::Defect::DuplicateRow))
        .count();
    let rows_note = match repeated {
        0 => String::new(),
        n => format!(
            " ({} group rows: --defects writes a household's row twice)",
            thousands(a.households + n as u64)
        ),
    };
    println!(
        "wrote {} households{rows_note} and {} members to {}/{{{groups_name}, {members_name}}}",
        thousands(a.households),
        thousands(total_members),
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
