//! Deduplication: units that share a member or an identifying value.
//!
//! Rules apply in written order to the units enrolled or paused at that point (a unit made a
//! duplicate by an earlier rule is no longer looked at). For each rule, units are grouped by key: for
//! `shared members` the key is a member's id, so the households that count the same individual
//! form a group (OpenG2P's default deduplication manager); for `same national_id` it is the
//! normalised value (see [`normalise`]), so the registrants with the same ID document or phone
//! number, or the same cluster id from an external fuzzy matcher, form a group.
//!
//! In each group of two or more units: when exactly one of them was a beneficiary before this run
//! (enrolled or paused), it is kept and the others become `duplicated`; otherwise all of them
//! become `duplicated` (OpenG2P's behaviour). Paused units count as beneficiaries, as they do for
//! compliance and closed enrolment: a household whose payments are suspended for a month keeps
//! its members, and a new application that names one of them does not take its place (nor is
//! enrolled beside it, counting the member twice). A unit is a duplicate when any of its groups makes it one; its reason
//! names the rule and the units it shares a key with. The outcome does not depend on the order of
//! the units.

use super::{MembershipState, ReasonCode, RunUnit, StateReason, UnitRun};
use crate::program::Program;
use entitle_dsl::run::DedupCriterion;
use std::collections::{BTreeMap, BTreeSet};

pub use super::collect::normalise;

/// Groups `candidates` (indices) by key and returns, for each unit made a duplicate, the other units
/// of the groups that made it one.
pub fn duplicates(
    candidates: &[usize],
    keys_of: impl Fn(usize) -> Vec<String>,
    enrolled_before: impl Fn(usize) -> bool,
) -> BTreeMap<usize, BTreeSet<usize>> {
    let mut groups: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for &i in candidates {
        for k in keys_of(i) {
            groups.entry(k).or_default().insert(i);
        }
    }
    let mut out: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for members in groups.values().filter(|g| g.len() > 1) {
        let before: Vec<usize> = members
            .iter()
            .copied()
            .filter(|i| enrolled_before(*i))
            .collect();
        let kept = if let [only] = before.as_slice() {
            Some(*only)
        } else {
            None
        };
        for &i in members {
            if Some(i) == kept {
                continue;
            }
            let others = out.entry(i).or_default();
            others.extend(members.iter().copied().filter(|j| *j != i));
        }
    }
    out
}

/// Applies the program's `deduplicate` rules to the records.
pub(crate) fn apply(program: &Program, units: &[RunUnit], records: &mut [UnitRun]) {
    let mut same_index = 0usize;
    for rule in &program.ir().run.dedup {
        // A paused unit is a beneficiary whose payments are suspended, not one that left: it
        // keeps its claim on its members and keys, so a new application that shares one is the
        // duplicate, and it is kept itself when it was the only beneficiary of its group.
        let candidates: Vec<usize> = (0..records.len())
            .filter(|i| {
                records.get(*i).is_some_and(|r| {
                    matches!(r.state, MembershipState::Enrolled | MembershipState::Paused)
                })
            })
            .collect();
        let enrolled_before = |i: usize| {
            records.get(i).is_some_and(|r| {
                matches!(
                    r.previous_state,
                    Some(MembershipState::Enrolled | MembershipState::Paused)
                )
            })
        };
        let found = match &rule.criterion {
            DedupCriterion::SharedMembers => duplicates(
                &candidates,
                |i| units.get(i).map(|u| u.members.clone()).unwrap_or_default(),
                enrolled_before,
            ),
            DedupCriterion::Same(_) => {
                let s = same_index;
                same_index += 1;
                duplicates(
                    &candidates,
                    |i| {
                        units
                            .get(i)
                            .and_then(|u| u.dedup_keys.get(s))
                            .cloned()
                            .unwrap_or_default()
                    },
                    enrolled_before,
                )
            }
        };
        for (i, others) in found {
            let with: Vec<String> = others
                .iter()
                .filter_map(|j| records.get(*j))
                .map(|r| r.unit_id.clone())
                .collect();
            if let Some(r) = records.get_mut(i) {
                r.state = MembershipState::Duplicated;
                let mut reason = StateReason::new(ReasonCode::Duplicate);
                reason.rules = vec![rule.id.clone()];
                reason.with = with;
                entitle_dsl::sorting::sort(&mut reason.with);
                r.state_reason = reason;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys<'a>(table: &'a [&'a [&'a str]]) -> impl Fn(usize) -> Vec<String> + 'a {
        move |i| {
            table
                .get(i)
                .map(|k| k.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default()
        }
    }

    #[test]
    fn all_units_of_a_group_are_duplicates_unless_exactly_one_was_enrolled() {
        // 0 and 1 share "x"; 2 and 3 share "y"; 4 is alone. Unit 2 was enrolled before.
        let table: &[&[&str]] = &[&["x"], &["x"], &["y"], &["y"], &["z"]];
        let found = duplicates(&[0, 1, 2, 3, 4], keys(table), |i| i == 2);
        let got: Vec<(usize, Vec<usize>)> = found
            .into_iter()
            .map(|(i, s)| (i, s.into_iter().collect()))
            .collect();
        assert_eq!(got, vec![(0, vec![1]), (1, vec![0]), (3, vec![2])]);
    }

    #[test]
    fn two_previously_enrolled_units_are_both_duplicates_and_groups_do_not_chain() {
        // 0–1 share "x", 1–2 share "y": 0 and 2 are not grouped together.
        let table: &[&[&str]] = &[&["x"], &["x", "y"], &["y"]];
        let found = duplicates(&[0, 1, 2], keys(table), |i| i != 2);
        let got: Vec<(usize, Vec<usize>)> = found
            .into_iter()
            .map(|(i, s)| (i, s.into_iter().collect()))
            .collect();
        // Group x: 0 and 1 were both enrolled before: both duplicates. Group y: only 1 was: 2 is.
        assert_eq!(got, vec![(0, vec![1]), (1, vec![0]), (2, vec![1])]);
    }

    #[test]
    fn units_outside_the_candidates_are_ignored() {
        let table: &[&[&str]] = &[&["x"], &["x"]];
        assert!(duplicates(&[0], keys(table), |_| false).is_empty());
    }
}
