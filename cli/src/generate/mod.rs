//! `entitle generate`: a synthetic registry of households and members, the same for the same seed.

mod population;
mod rows;

use crate::output::OutputSet;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use population::{household, Household};
use rayon::prelude::*;
use rows::{
    header, write_household, write_orphan, FileFormat, DEFECTS, GROUP_COLUMNS, MEMBER_COLUMNS,
};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `entitle generate`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Writes groups.csv and members.csv (or .jsonl) into DIR, sorted by id, in the columns the example
programs read: region, district, area, monthly_income, enrolled_in_pension, household_size, … for
groups; kind (head, spouse, child, other), start_date, end_date, name, gender, birthdate, disabled,
phone, account, … for members. Some values are missing, as in real registries. The same seed always
gives the same files, on every machine.

With --defects, a dozen deliberate problems are written at fixed places (a bad date, a number with a
thousands separator, a region outside the choices, a short row, a duplicate id, a member of a group
that does not exist …): the example registry is made this way.

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
    /// CSV or JSONL files.
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
    };
    let (groups_name, members_name) = (format!("groups.{ext}"), format!("members.{ext}"));
    let mut out = OutputSet::prepare(&a.out, &[&groups_name, &members_name], a.force)?;
    let mut groups = out.create(&groups_name)?;
    let mut members = out.create(&members_name)?;
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
    let mut g = Vec::new();
    let mut m = Vec::new();
    header(&mut g, a.format, GROUP_COLUMNS);
    header(&mut m, a.format, MEMBER_COLUMNS);
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
        let parts: Vec<(Vec<u8>, Vec<u8>)> = drawn
            .par_iter()
            .enumerate()
            .with_min_len(1024)
            .fold(
                || (Vec::new(), Vec::new()),
                |(mut gb, mut mb), (k, h)| {
                    let i = start + k as u64;
                    let id = format!("H{:0id_width$}", i + 1);
                    let no = first_member.get(k).copied().unwrap_or(0);
                    write_household(
                        &mut gb,
                        &mut mb,
                        a.format,
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
        for (gb, mb) in parts {
            g.extend_from_slice(&gb);
            m.extend_from_slice(&mb);
        }
        groups
            .write_all(&g)
            .context("cannot write the groups file")?;
        members
            .write_all(&m)
            .context("cannot write the members file")?;
        g.clear();
        m.clear();
        start = end;
    }
    if a.defects {
        // A membership of a group that does not exist sorts after every group.
        let orphan_group = format!("H{}", "9".repeat(id_width));
        write_orphan(
            &mut m,
            a.format,
            &orphan_group,
            &format!("M{:0member_width$}", next_member),
        );
        total_members += 1;
        members
            .write_all(&m)
            .context("cannot write the members file")?;
    }
    groups.flush().context("cannot write the groups file")?;
    members.flush().context("cannot write the members file")?;
    drop((groups, members));
    out.commit()?;
    println!(
        "wrote {} households and {} members to {}/{{{groups_name}, {members_name}}}",
        a.households,
        total_members,
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
