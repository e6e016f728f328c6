//! The order of ids that a sorted registry follows.
//!
//! Two ids made only of digits compare as numbers (`9` before `10`), so that exports sorted by a
//! numeric key stream as well as those sorted as text; any other pair compares byte by byte
//! (`H0000009` before `H0000010`).

use std::cmp::Ordering;

/// Compares two ids in registry order.
pub fn compare_ids(a: &str, b: &str) -> Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if digits(x) && digits(y) {
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
        ];
        for (a, b, want) in table {
            assert_eq!(compare_ids(a, b), want, "{a} {b}");
            assert_eq!(compare_ids(b, a), want.reverse(), "{b} {a}");
        }
    }
}
