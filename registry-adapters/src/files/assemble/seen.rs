//! The members already added to the open unit, to find one given twice for the same days (a
//! join that doubled rows would otherwise count a person twice).
//!
//! Reused from unit to unit without allocating per member: ids are kept one after the other in
//! one string. A household's few members are compared in a line; past [`LINEAR`] members (an
//! institution registered as a group) an index by the id's hash keeps the check linear.

use chrono::NaiveDate;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// Members compared one by one; beyond, through the index.
const LINEAR: usize = 32;

struct Seen {
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

fn hash(id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
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

    fn same(&self, i: usize, id: &str, period: (Option<NaiveDate>, Option<NaiveDate>)) -> bool {
        self.rows
            .get(i)
            .is_some_and(|r| self.id(i) == id && overlap((r.start, r.until), period))
    }

    /// The line of the member `id` already added for a period sharing a day with `[start, end)`.
    pub(crate) fn find(
        &self,
        id: &str,
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
    ) -> Option<u64> {
        let hit = if self.rows.len() <= LINEAR {
            (0..self.rows.len()).find(|i| self.same(*i, id, (start, end)))
        } else {
            self.index.get(&hash(id)).and_then(|rows| {
                rows.iter()
                    .copied()
                    .find(|i| self.same(*i, id, (start, end)))
            })
        };
        hit.and_then(|i| self.rows.get(i)).map(|r| r.line)
    }

    /// Records the member `id`, of `line`, for `[start, end)`.
    pub(crate) fn push(
        &mut self,
        id: &str,
        line: u64,
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
    ) {
        self.ids.push_str(id);
        self.rows.push(Seen {
            end: self.ids.len(),
            line,
            start,
            until: end,
        });
        let n = self.rows.len();
        if n == LINEAR + 1 {
            // The index starts with every member so far.
            for i in 0..n {
                let h = hash(self.id(i));
                self.index.entry(h).or_default().push(i);
            }
        } else if n > LINEAR + 1 {
            let h = hash(id);
            self.index.entry(h).or_default().push(n - 1);
        }
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
                s.push(&format!("M{i}"), i as u64 + 2, None, None);
            }
            // Every earlier member is found, with its line; an unseen id is not.
            for i in 0..size {
                assert_eq!(
                    s.find(&format!("M{i}"), None, None),
                    Some(i as u64 + 2),
                    "{size}"
                );
            }
            assert_eq!(s.find("M", None, None), None);
            assert_eq!(s.find(&format!("M{size}"), None, None), None);
            s.clear();
            assert_eq!(s.find("M0", None, None), None);
        }
    }

    #[test]
    fn periods_that_share_no_day_are_two_memberships() {
        let mut s = SeenMembers::default();
        // Left on 2020-06-01, came back on 2020-06-01: no shared day.
        s.push("M1", 2, None, d(2020, 6));
        assert_eq!(s.find("M1", d(2020, 6), None), None);
        assert_eq!(s.find("M1", d(2020, 5), None), Some(2));
        assert_eq!(s.find("M1", None, d(2020, 1)), Some(2));
        // Ids that are prefixes of each other stay apart in the shared string.
        s.push("M", 3, None, None);
        s.push("M12", 4, None, None);
        assert_eq!(s.find("M", None, None), Some(3));
        assert_eq!(s.find("M12", None, None), Some(4));
        assert_eq!(s.find("M1", d(2021, 1), None), None);
    }
}
