//! A population shared by the benchmarks, and the floor: the child grant computed by a hand-written
//! loop over plain columns, with no engine at all.
//!
//! The population is clean (every value known, every membership current) so that every engine
//! decides every household and the totals can be compared: the floor, Entitle, zen-expression
//! and CEL must agree on the number of eligible households and on the cash total.
#![forbid(unsafe_code)]

use chrono::{Datelike, NaiveDate};
use entitle_core::{Batch, Program};

/// One member: birth date and disability.
#[derive(Clone, Debug)]
pub struct Person {
    /// Date of birth.
    pub birth: NaiveDate,
    /// Has a disability.
    pub disabled: bool,
}

/// One household.
#[derive(Clone, Debug)]
pub struct Household {
    /// `North`, `East`, `South` or `West`.
    pub region: &'static str,
    /// Monthly income in whole KES.
    pub income: i64,
    /// Already receives the old-age pension.
    pub pension: bool,
    /// Members, the head first.
    pub members: Vec<Person>,
}

/// The regions, as the child grant's `region` input reads them.
pub const REGIONS: [&str; 4] = ["North", "East", "South", "West"];

/// `n` households drawn from `seed` (a linear congruential generator: no dependency on rand).
pub fn households(n: usize, seed: u64) -> Vec<Household> {
    let mut s = seed;
    let mut next = move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 33) as u32
    };
    (0..n)
        .map(|_| {
            let region = REGIONS
                .get((next() % 4) as usize)
                .copied()
                .unwrap_or("North");
            let income = i64::from(next() % 20_000);
            let pension = next() % 20 == 0;
            let size = 1 + next() % 8;
            let members = (0..size)
                .map(|m| {
                    let year = if m == 0 {
                        1960 + next() % 40
                    } else {
                        2000 + next() % 26
                    } as i32;
                    let birth = NaiveDate::from_ymd_opt(year, 1 + next() % 12, 1 + next() % 28)
                        .unwrap_or_default();
                    Person {
                        birth,
                        disabled: next() % 10 == 0,
                    }
                })
                .collect();
            Household {
                region,
                income,
                pension,
                members,
            }
        })
        .collect()
}

/// The floor's columns: struct of arrays, plain integers, members flattened with offsets.
#[derive(Clone, Debug, Default)]
pub struct FloorColumns {
    /// Region index (0 North, 1 East, 2 South, 3 West).
    pub region: Vec<u8>,
    /// Monthly income, whole KES.
    pub income: Vec<i64>,
    /// Old-age pension.
    pub pension: Vec<bool>,
    /// `offsets[i]..offsets[i + 1]` are household i's members.
    pub offsets: Vec<u32>,
    /// Birth year of each member.
    pub birth_year: Vec<i32>,
    /// Birth month * 32 + day, to compare with the as-of date's.
    pub birth_md: Vec<u32>,
    /// Disability of each member.
    pub disabled: Vec<bool>,
}

impl FloorColumns {
    /// The columns of `hh`.
    pub fn new(hh: &[Household]) -> FloorColumns {
        let mut c = FloorColumns {
            offsets: vec![0],
            ..FloorColumns::default()
        };
        for h in hh {
            c.region
                .push(REGIONS.iter().position(|r| *r == h.region).unwrap_or(0) as u8);
            c.income.push(h.income);
            c.pension.push(h.pension);
            for m in &h.members {
                c.birth_year.push(m.birth.year());
                c.birth_md.push(m.birth.month() * 32 + m.birth.day());
                c.disabled.push(m.disabled);
            }
            c.offsets.push(c.birth_year.len() as u32);
        }
        c
    }
}

/// What the floor computes per household: eligible or not, and the cash total (KES).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FloorResult {
    /// Eligible.
    pub eligible: bool,
    /// The rounded, capped cash total (0 when not eligible).
    pub cash: i64,
}

/// The child grant by hand over the floor's columns, writing one result per household.
pub fn floor(c: &FloorColumns, as_of: NaiveDate, out: &mut Vec<FloorResult>) {
    out.clear();
    let (ay, amd) = (as_of.year(), as_of.month() * 32 + as_of.day());
    for (i, w) in c.offsets.windows(2).enumerate() {
        let (s, e) = (w[0] as usize, w[1] as usize);
        let mut children = 0i64;
        let mut disabled = 0i64;
        for m in s..e {
            let age = ay - c.birth_year[m] - i32::from(amd < c.birth_md[m]);
            children += i64::from(age < 18);
            disabled += i64::from(c.disabled[m]);
        }
        let count = (e - s) as i64;
        let eligible =
            children >= 1 && c.income[i] < 3000 * count && c.region[i] < 2 && !c.pension[i];
        let cash = if eligible {
            let amount = (1500 + 500 * children.min(4) + 300 * disabled).min(4000);
            (amount + 5) / 10 * 10
        } else {
            0
        };
        out.push(FloorResult { eligible, cash });
    }
}

/// The households bound into Entitle's columnar batch for `program` (the child grant's inputs), as
/// a registry reader binds them: every value given as text.
pub fn batch(program: &Program, hh: &[Household]) -> Batch {
    let mut b = program.batch_builder();
    let layout = b.layout().clone();
    let slot = |n: &str| {
        layout
            .unit_slot(n)
            .unwrap_or_else(|| panic!("no input {n}"))
    };
    let (region, income, pension) = (
        slot("region"),
        slot("monthly_income"),
        slot("enrolled_in_pension"),
    );
    let (birthdate, disabled) = (
        layout.member_slot("birthdate").unwrap_or(0),
        layout.member_slot("disabled").unwrap_or(1),
    );
    for (i, h) in hh.iter().enumerate() {
        b.start_unit(&format!("H{i}"));
        b.set_unit_text(region, h.region)
            .unwrap_or_else(|e| panic!("{e}"));
        b.set_unit_text(income, &h.income.to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        b.set_unit_text(pension, if h.pension { "true" } else { "false" })
            .unwrap_or_else(|e| panic!("{e}"));
        for (k, m) in h.members.iter().enumerate() {
            b.add_member(
                &format!("H{i}.{k}"),
                &[if k == 0 { "head" } else { "child" }],
                None,
                None,
            )
            .unwrap_or_else(|e| panic!("{e}"));
            b.set_member_text(birthdate, &m.birth.to_string())
                .unwrap_or_else(|e| panic!("{e}"));
            b.set_member_text(disabled, if m.disabled { "true" } else { "false" })
                .unwrap_or_else(|e| panic!("{e}"));
        }
        b.finish_unit();
    }
    b.finish()
}
