//! Stable sorting that costs the WebAssembly download one copy of the sort.
//!
//! The standard library's sort is generic: every element type and comparison sorted gets its own
//! copy of the algorithm, four to six kilobytes of WebAssembly each, and the engine sorts about
//! thirty kinds of things (diagnostics, names, ranks, amounts). In the browser package those
//! copies were a sixteenth of the code. On `wasm32` these functions sort a list of positions
//! with one comparison through a pointer (one copy of the algorithm for the whole program) and
//! then move the elements into place; elsewhere they are the standard sort itself, which is
//! faster. Both are stable: equal elements keep their order.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Sorts `v` by `cmp`, keeping equal elements in their order (as `slice::sort_by`).
pub fn sort_by<T, F: FnMut(&T, &T) -> Ordering>(v: &mut [T], mut cmp: F) {
    #[cfg(target_arch = "wasm32")]
    {
        let mut order = positions(v.len());
        sort_positions(&mut order, &mut |a, b| match (v.get(a), v.get(b)) {
            (Some(x), Some(y)) => cmp(x, y),
            _ => Ordering::Equal,
        });
        permute(v, &mut order);
    }
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_by(|a, b| cmp(a, b));
}

/// Sorts `v` by the key `f` gives, keeping equal elements in their order.
pub fn sort_by_key<T, K: Ord, F: FnMut(&T) -> K>(v: &mut [T], mut f: F) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// Sorts `v` in ascending order, keeping equal elements in their order.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// A map of `items`, inserted one by one (a later value for a key replaces the earlier, as
/// `collect` does). `collect` into a `BTreeMap` sorts its input first: one more copy of the sort
/// for every key type collected so, which the WebAssembly package pays for.
pub fn btree_map<K: Ord, V>(items: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (k, v) in items {
        map.insert(k, v);
    }
    map
}

/// A set of `items`, inserted one by one (as [`btree_map`], for the same reason).
pub fn btree_set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for x in items {
        set.insert(x);
    }
    set
}

/// `0, 1, …, n - 1`.
#[cfg(any(target_arch = "wasm32", test))]
fn positions(n: usize) -> Vec<usize> {
    (0..n).collect()
}

/// The one instantiation of the standard sort: positions, compared through a pointer.
#[cfg(any(target_arch = "wasm32", test))]
#[inline(never)]
fn sort_positions(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|a, b| cmp(*a, *b));
}

/// Puts `v` in the order `order` gives (`order[i]` is the position, in `v`, of the element that
/// belongs at `i`), following each cycle of the permutation with swaps; `order` is used up.
#[cfg(any(target_arch = "wasm32", test))]
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    for start in 0..v.len().min(order.len()) {
        let mut at = start;
        while let Some(slot) = order.get_mut(at) {
            let from = *slot;
            // Placed: an element already in its place is not moved again.
            *slot = at;
            if from == start || from >= v.len() {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The position-sorting path (the one `wasm32` builds take), on any machine.
    fn sort_by_positions<T: Clone, F: FnMut(&T, &T) -> Ordering>(v: &mut [T], mut cmp: F) {
        let copy = v.to_vec();
        let mut order = positions(v.len());
        sort_positions(&mut order, &mut |a, b| cmp(&copy[a], &copy[b]));
        permute(v, &mut order);
    }

    #[test]
    fn positions_sort_as_the_standard_stable_sort_does() {
        // Pairs sorted by their first half only: equal keys must keep their order.
        let mut seed = 7u64;
        for n in [0usize, 1, 2, 3, 10, 57, 300] {
            let v: Vec<(u8, usize)> = (0..n)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 59) as u8, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|p| p.0);
            let mut got = v.clone();
            sort_by_positions(&mut got, |a, b| a.0.cmp(&b.0));
            assert_eq!(got, want, "n = {n}");
            let mut got = v;
            sort_by_key(&mut got, |p| p.0);
            assert_eq!(got, want, "n = {n}");
        }
    }

    #[test]
    fn maps_and_sets_are_as_collect_makes_them() {
        let pairs = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd')];
        assert_eq!(
            btree_map(pairs),
            pairs.into_iter().collect::<BTreeMap<_, _>>()
        );
        let items = [5, 1, 5, 3];
        assert_eq!(btree_set(items), items.into_iter().collect::<BTreeSet<_>>());
    }

    #[test]
    fn a_permutation_is_applied_whole() {
        let mut v = vec!['a', 'b', 'c', 'd', 'e'];
        // The element at 3 first, then 0, 4, 1, 2.
        permute(&mut v, &mut [3, 0, 4, 1, 2]);
        assert_eq!(v, vec!['d', 'a', 'e', 'b', 'c']);
    }
}
