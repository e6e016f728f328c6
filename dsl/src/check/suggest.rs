//! "Did you mean" suggestions: the one closeness of names that the checker's help, the parser's
//! misspelt keywords and the engine's strict binding (R0011) share.

/// Edit distance between two short names (optimal string alignment: swaps of neighbours count once).
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        if let Some(c) = row.get_mut(0) {
            *c = i;
        }
    }
    if let Some(row) = d.get_mut(0) {
        for (j, c) in row.iter_mut().enumerate() {
            *c = j;
        }
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a.get(i - 1) != b.get(j - 1));
            let del = d
                .get(i - 1)
                .and_then(|r| r.get(j))
                .copied()
                .unwrap_or(usize::MAX - 1)
                + 1;
            let ins = d
                .get(i)
                .and_then(|r| r.get(j - 1))
                .copied()
                .unwrap_or(usize::MAX - 1)
                + 1;
            let sub = d
                .get(i - 1)
                .and_then(|r| r.get(j - 1))
                .copied()
                .unwrap_or(usize::MAX - 1)
                + cost;
            let mut best = del.min(ins).min(sub);
            if i > 1 && j > 1 && a.get(i - 1) == b.get(j - 2) && a.get(i - 2) == b.get(j - 1) {
                best = best.min(
                    d.get(i - 2)
                        .and_then(|r| r.get(j - 2))
                        .copied()
                        .unwrap_or(usize::MAX - 1)
                        + 1,
                );
            }
            if let Some(c) = d.get_mut(i).and_then(|r| r.get_mut(j)) {
                *c = best;
            }
        }
    }
    d.get(n)
        .and_then(|r| r.get(m))
        .copied()
        .unwrap_or(usize::MAX)
}

/// The closest candidate within a distance that grows with the name's length (1 edit up to 2
/// characters, 2 up to 5, then 3; case does not count), ties broken by a same first letter, then
/// by order. `name` itself is never its own suggestion.
///
/// ```
/// use entitle_dsl::check::suggest::closest;
/// assert_eq!(closest("disabeld", ["birthdate", "disabled"]), Some("disabled"));
/// assert_eq!(closest("pension", ["birthdate", "disabled"]), None);
/// ```
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = match name.chars().count() {
        0..=2 => 1,
        3..=5 => 2,
        _ => 3,
    };
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| {
            let lc = c.to_lowercase();
            // On equal distance, a candidate with the same first letter reads as the likelier typo.
            let first_differs = lc.chars().next() != lower.chars().next();
            (distance(&lower, &lc), first_differs, c)
        })
        .filter(|(d, _, _)| *d <= limit)
        .min_by_key(|(d, f, _)| (*d, *f))
        .map(|(_, _, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("income", "income"), 0);
        assert_eq!(distance("incme", "income"), 1);
        assert_eq!(distance("icnome", "income"), 1);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn closest_respects_length_limits() {
        let names = ["monthly_income", "region", "birthdate"];
        assert_eq!(closest("monthly_incme", names), Some("monthly_income"));
        assert_eq!(closest("Region", names), Some("region"));
        assert_eq!(closest("xyz", names), None);
        assert_eq!(
            closest("KSH", ["BSD", "KES", "KHR"]),
            Some("KES").or(Some("KHR"))
        );
    }
}
