//! The order of ids that a sorted registry follows.
//!
//! Ids made only of digits compare as numbers (`9` before `10`), so that exports sorted by a
//! numeric key stream as well as those sorted as text; other ids compare byte by byte (`H0000009`
//! before `H0000010`). Between the kinds, the empty id comes first, then every id made of digits,
//! then the others, as in the SQLite store (its `sort_key`). Sorting needs a total
//! order: comparing a digit id with another id byte by byte made cycles (`2` < `10` as numbers,
//! `10` < `1a` and `1a` < `2` as bytes), and the indexed join's sort panicked on them (found by
//! the `registry_files` fuzz target).

use std::cmp::Ordering;

/// Compares two ids in registry order.
pub fn compare_ids(a: &str, b: &str) -> Ordering {
    // The common case in a merge join: a household's members carry the same id.
    if entitle_core::same_text(a, b) {
        return Ordering::Equal;
    }
    let (x, y) = (a.as_bytes(), b.as_bytes());
    // 0: the empty id, 1: digits only, 2: any other id.
    let kind = |s: &[u8]| match s {
        [] => 0,
        _ if s.iter().all(u8::is_ascii_digit) => 1,
        _ => 2,
    };
    let (kx, ky) = (kind(x), kind(y));
    if kx != ky {
        return kx.cmp(&ky);
    }
    if kx == 1 {
        let strip = |s: &'_ [u8]| -> usize {
            s.iter()
                .take_while(|c| **c == b'0')
                .count()
                .min(s.len().saturating_sub(1))
        };
        let (xs, ys) = (
            x.get(strip(x)..).unwrap_or(x),
            y.get(strip(y)..).unwrap_or(y),
        );
        xs.len()
            .cmp(&ys.len())
            .then_with(|| xs.cmp(ys))
            .then_with(|| x.cmp(y))
    } else {
        x.cmp(y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_as_numbers_and_text_as_bytes() {
        let table = [
            ("9", "10", Ordering::Less),
            ("10", "10", Ordering::Equal),
            ("010", "10", Ordering::Less),
            ("0", "00", Ordering::Less),
            ("H9", "H10", Ordering::Greater),
            ("H0000009", "H0000010", Ordering::Less),
            ("", "1", Ordering::Less),
            ("a", "B", Ordering::Greater),
            // Between kinds: the empty id, then digits, then the rest.
            ("2", "1a", Ordering::Less),
            ("10", "1a", Ordering::Less),
            ("99999999999999999999", "A", Ordering::Less),
            ("", "A", Ordering::Less),
        ];
        for (a, b, want) in table {
            assert_eq!(compare_ids(a, b), want, "{a} {b}");
            assert_eq!(compare_ids(b, a), want.reverse(), "{b} {a}");
        }
    }

    /// A total order: antisymmetric and transitive over ids of every kind, so sorting never meets
    /// a cycle (`2` < `10` < `1a` < `2` was one).
    #[test]
    fn the_order_is_total() {
        let ids = [
            "", "0", "00", "1", "01", "2", "9", "10", "010", "1a", "2b", "a", "A", "H9", "H10",
            " 1", "1 ", "-1", "é",
        ];
        for a in ids {
            for b in ids {
                assert_eq!(
                    compare_ids(a, b),
                    compare_ids(b, a).reverse(),
                    "{a:?} {b:?}"
                );
                assert_eq!(compare_ids(a, b) == Ordering::Equal, a == b, "{a:?} {b:?}");
                for c in ids {
                    if compare_ids(a, b).is_le() && compare_ids(b, c).is_le() {
                        assert!(
                            compare_ids(a, c).is_le(),
                            "{a:?} <= {b:?} <= {c:?} but not {a:?} <= {c:?}"
                        );
                    }
                }
            }
        }
    }
}
