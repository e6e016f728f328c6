//! Cycle dates from a program's `cycle` line (OpenG2P's recurrence, G2P Bridge's frequencies).
//!
//! Cycle k (from 0) starts k × interval periods after the first cycle's start. Months and years are
//! counted from the first start and clamped to the month's end, so cycles starting on 31 January
//! start on 28 (or 29) February, 31 March, 30 April; a weekly recurrence with weekdays gives one
//! cycle per listed weekday in every interval-th week (weeks start on Monday), none before the
//! first start. Without `count` or `until`, there are 10 cycles (OpenG2P's default); at most
//! [`MAX_CYCLES`] are listed. A cycle ends (exclusive) where the next one starts, or after its
//! duration when one is written. A program without recurrence (`cycle on demand`) has one cycle
//! from its start with no end.

use chrono::{Datelike, Duration, Months, NaiveDate};
use entitle_dsl::run::{Period, Schedule};
use serde::Serialize;

/// Most cycles listed for one schedule.
pub const MAX_CYCLES: u32 = 10_000;

/// Cycles when the schedule gives neither `count` nor `until`.
pub const DEFAULT_COUNT: u32 = 10;

/// One cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Cycle {
    /// 1 for the first cycle.
    pub number: u32,
    /// First day.
    pub start: NaiveDate,
    /// First day after the cycle (`None`: open-ended).
    pub end: Option<NaiveDate>,
}

/// The start of the period `k` periods of `every` after `from` (clamped at month ends).
fn nth(from: NaiveDate, every: (u32, Period), k: u32) -> Option<NaiveDate> {
    let n = every.0.checked_mul(k)?;
    match every.1 {
        Period::Day => from.checked_add_signed(Duration::days(i64::from(n))),
        Period::Week => from.checked_add_signed(Duration::days(i64::from(n) * 7)),
        Period::Month => from.checked_add_months(Months::new(n)),
        Period::Year => from.checked_add_months(Months::new(n.checked_mul(12)?)),
    }
}

/// Every start date, in order, up to `limit` of them (one more than asked, to end the last cycle).
fn starts(s: &Schedule, from: NaiveDate, every: (u32, Period), limit: u32) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let weekly_days = every.1 == Period::Week && !s.weekdays.is_empty();
    let week_start = from - Duration::days(i64::from(from.weekday().num_days_from_monday()));
    let mut k = 0u32;
    while (out.len() as u32) < limit {
        if weekly_days {
            let Some(week) = nth(week_start, every, k) else {
                break;
            };
            for d in &s.weekdays {
                let day = week + Duration::days(i64::from(*d));
                if day >= from && (out.len() as u32) < limit {
                    out.push(day);
                }
            }
        } else {
            let Some(day) = nth(from, every, k) else {
                break;
            };
            out.push(day);
        }
        k = match k.checked_add(1) {
            Some(k) => k,
            None => break,
        };
    }
    out
}

/// The cycles of a schedule (empty when it has no first start).
pub fn cycles(s: &Schedule) -> Vec<Cycle> {
    let Some(from) = s.from else {
        return Vec::new();
    };
    let duration = |start: NaiveDate| {
        s.duration_days
            .and_then(|d| start.checked_add_signed(Duration::days(i64::from(d))))
    };
    let Some(every) = s.every else {
        return vec![Cycle {
            number: 1,
            start: from,
            end: duration(from),
        }];
    };
    if every.0 == 0 {
        return Vec::new();
    }
    let count = match (s.count, s.until) {
        (Some(c), _) => c.min(MAX_CYCLES),
        (None, Some(_)) => MAX_CYCLES,
        (None, None) => DEFAULT_COUNT,
    };
    let dates = starts(s, from, every, count.saturating_add(1));
    let mut out = Vec::new();
    for (i, start) in dates.iter().enumerate() {
        if out.len() as u32 >= count || s.until.is_some_and(|u| *start > u) {
            break;
        }
        let end = duration(*start).or_else(|| dates.get(i + 1).copied());
        out.push(Cycle {
            number: out.len() as u32 + 1,
            start: *start,
            end,
        });
    }
    out
}

impl crate::program::Program {
    /// The program's cycles, from its `cycle` line (empty without one).
    pub fn cycles(&self) -> Vec<Cycle> {
        self.ir()
            .run
            .schedule
            .as_ref()
            .map(cycles)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn schedule(every: Option<(u32, Period)>, from: NaiveDate) -> Schedule {
        Schedule {
            every,
            weekdays: Vec::new(),
            from: Some(from),
            count: None,
            until: None,
            duration_days: None,
        }
    }

    #[test]
    fn monthly_cycles_clamp_to_the_month_end_and_default_to_ten() {
        let c = cycles(&schedule(Some((1, Period::Month)), d(2026, 1, 31)));
        assert_eq!(c.len(), 10);
        let starts: Vec<NaiveDate> = c.iter().take(4).map(|x| x.start).collect();
        assert_eq!(
            starts,
            vec![
                d(2026, 1, 31),
                d(2026, 2, 28),
                d(2026, 3, 31),
                d(2026, 4, 30)
            ]
        );
        assert_eq!(c[0].end, Some(d(2026, 2, 28)));
        assert_eq!(c[9].end, Some(d(2026, 11, 30)));
    }

    #[test]
    fn weekly_cycles_on_weekdays_with_an_interval_and_until() {
        // From Wednesday 2026-01-07, every 2 weeks on Monday (0) and Thursday (3), until 2026-02-01.
        let mut s = schedule(Some((2, Period::Week)), d(2026, 1, 7));
        s.weekdays = vec![0, 3];
        s.until = Some(d(2026, 2, 1));
        let starts: Vec<NaiveDate> = cycles(&s).iter().map(|x| x.start).collect();
        // Week of 5 Jan: Monday is before the start, Thursday 8 Jan; week of 19 Jan: 19 and 22.
        assert_eq!(starts, vec![d(2026, 1, 8), d(2026, 1, 19), d(2026, 1, 22)]);
    }

    #[test]
    fn counts_durations_years_and_on_demand() {
        let mut s = schedule(Some((1, Period::Year)), d(2024, 2, 29));
        s.count = Some(2);
        s.duration_days = Some(30);
        let c = cycles(&s);
        assert_eq!(
            c.iter().map(|x| (x.start, x.end)).collect::<Vec<_>>(),
            vec![
                (d(2024, 2, 29), Some(d(2024, 3, 30))),
                (d(2025, 2, 28), Some(d(2025, 3, 30)))
            ]
        );
        let demand = cycles(&schedule(None, d(2026, 5, 1)));
        assert_eq!(
            demand,
            vec![Cycle {
                number: 1,
                start: d(2026, 5, 1),
                end: None
            }]
        );
        let mut quarterly = schedule(Some((3, Period::Month)), d(2026, 1, 1));
        quarterly.count = Some(3);
        assert_eq!(
            cycles(&quarterly)
                .iter()
                .map(|x| x.start)
                .collect::<Vec<_>>(),
            vec![d(2026, 1, 1), d(2026, 4, 1), d(2026, 7, 1)]
        );
    }
}
