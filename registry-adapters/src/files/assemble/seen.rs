//! The members already added to the open unit, to find one given twice for the same days (a
//! join that doubled rows would otherwise count a person twice).
//!
//! Reused from unit to unit without allocating per member: ids are kept one after the other in
//! one string. A household's few members are compared in a line; past [`LINEAR`] members (an
//! institution registered as a group) an index by the id's hash keeps the check linear.

use chrono::NaiveDate;
use std::collections::HashMap;

/// Members compared one by one; beyond, through the index.
const LINEAR: usize = 32;

struct Seen {
    /// The id's hash: compared before the id itself, which differs for nearly every pair.
    hash: u64,
    /// The id's end in `ids` (it starts where the previous one ends).
    end: usize,
    line: u64,
    start: Option<NaiveDate>,
    until: Option<NaiveDate>,
}

/// The open unit's members so far.
#[derive(Default)]
pub(crate) struct SeenMembers {
    ids: String,
    rows: Vec<Seen>,
    /// Row indexes by the id's hash, once there are more than [`LINEAR`] rows.
    index: HashMap<u64, Vec<usize>>,
}

/// A hash of an id eight bytes at a time (FxHash's step): ids are a dozen bytes, and this runs for
/// every member row. Ids are the registry's own text, so a collision only costs a comparison.
fn hash(id: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let step = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(K);
    let bytes = id.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let mut h = bytes.len() as u64;
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.iter_mut().zip(c).for_each(|(d, s)| *d = *s);
        h = step(h, u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word.iter_mut().zip(rest).for_each(|(d, s)| *d = *s);
        h = step(h, u64::from_le_bytes(word));
    }
    h
}

/// Whether two memberships `[start, end)` share a day (no start or end is open-ended), as the
/// engine counts a member on `as_of` when `start <= as_of < end`.
fn overlap(
    a: (Option<NaiveDate>, Option<NaiveDate>),
    b: (Option<NaiveDate>, Option<NaiveDate>),
) -> bool {
    let before =
        |s: Option<NaiveDate>, e: Option<NaiveDate>| matches!((s, e), (Some(s), Some(e)) if e <= s);
    !before(b.0, a.1) && !before(a.0, b.1)
}

impl SeenMembers {
    /// Forgets the members (a new unit begins), keeping the room.
    pub(crate) fn clear(&mut self) {
        self.ids.clear();
        self.rows.clear();
        self.index.clear();
    }

    fn id(&self, i: usize) -> &str {
        let start = i
            .checked_sub(1)
            .and_then(|p| self.rows.get(p))
            .map_or(0, |r| r.end);
        let end = self.rows.get(i).map_or(start, |r| r.end);
        self.ids.get(start..end).unwrap_or("")
    }

    fn same(
        &self,
        i: usize,
        h: u64,
        id: &str,
        period: (Option<NaiveDate>, Option<NaiveDate>),
    ) -> bool {
        self.rows
            .get(i)
            .is_some_and(|r| r.hash == h && overlap((r.start, r.until), period) && self.id(i) == id)
    }

    /// Adds the member `id` of `line` for `[start, end)`, or gives the line where it was already
    /// added for a period sharing a day with that one (and then adds nothing).
    pub(crate) fn add(
        &mut self,
        id: &str,
        line: u64,
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
    ) -> Result<(), u64> {
        let h = hash(id);
        let hit = if self.rows.len() <= LINEAR {
            (0..self.rows.len()).find(|i| self.same(*i, h, id, (start, end)))
        } else {
            self.index.get(&h).and_then(|rows| {
                rows.iter()
                    .copied()
                    .find(|i| self.same(*i, h, id, (start, end)))
            })
        };
        if let Some(first) = hit.and_then(|i| self.rows.get(i)) {
            return Err(first.line);
        }
        self.ids.push_str(id);
        self.rows.push(Seen {
            hash: h,
            end: self.ids.len(),
            line,
            start,
            until: end,
        });
        let n = self.rows.len();
        if n == LINEAR + 1 {
            // The index starts with every member so far.
            for (i, r) in self.rows.iter().enumerate() {
                self.index.entry(r.hash).or_default().push(i);
            }
        } else if n > LINEAR + 1 {
            self.index.entry(h).or_default().push(n - 1);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, 1)
    }

    #[test]
    fn a_member_again_for_the_same_days_is_found_in_small_and_large_groups() {
        for size in [3, LINEAR, LINEAR + 1, 500] {
            let mut s = SeenMembers::default();
            for i in 0..size {
                assert_eq!(s.add(&format!("M{i}"), i as u64 + 2, None, None), Ok(()));
            }
            // Every earlier member is found again, with its line.
            for i in 0..size {
                let again = s.add(&format!("M{i}"), 900, None, None);
                assert_eq!(again, Err(i as u64 + 2), "{size}");
            }
            // Ids that are prefixes or extensions of others are new.
            assert_eq!(s.add("M", 901, None, None), Ok(()));
            assert_eq!(s.add(&format!("M{size}"), 902, None, None), Ok(()));
            assert_eq!(s.add(&format!("M{size}"), 903, None, None), Err(902));
            s.clear();
            assert_eq!(s.add("M0", 2, None, None), Ok(()));
        }
    }

    #[test]
    fn periods_that_share_no_day_are_two_memberships() {
        let mut s = SeenMembers::default();
        assert_eq!(s.add("M1", 2, None, d(2020, 6)), Ok(()));
        assert_eq!(s.add("M1", 3, d(2020, 5), None), Err(2));
        assert_eq!(s.add("M1", 3, None, d(2020, 1)), Err(2));
        // Came back on the day it left: no shared day.
        assert_eq!(s.add("M1", 4, d(2020, 6), None), Ok(()));
        assert_eq!(s.add("M1", 5, d(2021, 1), None), Err(4));
        // Ids that are prefixes of each other stay apart in the shared string.
        assert_eq!(s.add("M", 6, None, None), Ok(()));
        assert_eq!(s.add("M12", 7, None, None), Ok(()));
        assert_eq!(s.add("M", 8, None, None), Err(6));
        let long = "M12345678901234567";
        assert_eq!(s.add(long, 9, None, None), Ok(()));
        assert_eq!(s.add(long, 10, None, None), Err(9));
    }
}
