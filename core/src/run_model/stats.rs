//! Exact statistics over amounts: quartiles, the Gini coefficient, Lorenz points and ratios.
//!
//! Everything is decimal arithmetic, so results are the same bytes on every platform. Quotients
//! (rates, shares, the Gini coefficient) are rounded to [`PLACES`] decimal places, ties to even;
//! quartiles interpolate between two values at a fraction that is a multiple of ¼, so they are
//! exact.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// Decimal places of rates, shares and the Gini coefficient.
pub const PLACES: u32 = 6;

fn round(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(PLACES, RoundingStrategy::MidpointNearestEven)
        .normalize()
}

/// `a ÷ b` rounded to [`PLACES`]; `None` when `b` is zero.
pub fn ratio(a: Decimal, b: Decimal) -> Option<Decimal> {
    if b.is_zero() {
        return None;
    }
    a.checked_div(b).map(round)
}

/// The minimum, quartiles and maximum of a distribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Quartiles {
    /// Smallest value.
    #[serde(serialize_with = "text")]
    pub min: Decimal,
    /// First quartile.
    #[serde(serialize_with = "text")]
    pub q1: Decimal,
    /// Median.
    #[serde(serialize_with = "text")]
    pub median: Decimal,
    /// Third quartile.
    #[serde(serialize_with = "text")]
    pub q3: Decimal,
    /// Largest value.
    #[serde(serialize_with = "text")]
    pub max: Decimal,
}

fn text<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&d.normalize())
}

/// The value at fraction `p` of sorted `x`, interpolated linearly between the two closest ranks
/// (position `(n − 1) × p`, counting from 0): R's type 7, NumPy's default, Excel's QUARTILE.INC.
fn percentile(x: &[Decimal], p: Decimal) -> Option<Decimal> {
    let n = Decimal::from(x.len().checked_sub(1)?);
    let h = n * p;
    let lo = h.floor();
    let frac = h - lo;
    let i = usize::try_from(lo.mantissa()).ok()?;
    let a = *x.get(i)?;
    Some(match x.get(i + 1) {
        Some(b) if !frac.is_zero() => a + frac * (*b - a),
        _ => a,
    })
}

/// Quartiles of `values` (sorted here); `None` for no values.
pub fn quartiles(values: &[Decimal]) -> Option<Quartiles> {
    let mut x = values.to_vec();
    entitle_dsl::sorting::sort(&mut x);
    Some(Quartiles {
        min: *x.first()?,
        q1: percentile(&x, Decimal::new(25, 2))?,
        median: percentile(&x, Decimal::new(5, 1))?,
        q3: percentile(&x, Decimal::new(75, 2))?,
        max: *x.last()?,
    })
}

/// The Gini coefficient of non-negative `values`: the mean absolute difference between all pairs
/// over twice the mean, computed as `(2 Σ i·xᵢ) ÷ (n Σ xᵢ) − (n + 1) ÷ n` over the values sorted in
/// ascending order (i from 1). 0 when everyone has the same; `None` for no values or a zero total.
pub fn gini(values: &[Decimal]) -> Option<Decimal> {
    let mut x = values.to_vec();
    entitle_dsl::sorting::sort(&mut x);
    let n = Decimal::from(x.len());
    let total: Decimal = x.iter().sum();
    if x.is_empty() || total.is_zero() {
        return None;
    }
    let mut weighted = Decimal::ZERO;
    for (i, v) in x.iter().enumerate() {
        weighted = weighted.checked_add(Decimal::from(i + 1).checked_mul(*v)?)?;
    }
    // One division only: (2 Σ i·x − (n + 1) Σ x) ÷ (n Σ x).
    let numerator = (Decimal::TWO.checked_mul(weighted)?)
        .checked_sub((n + Decimal::ONE).checked_mul(total)?)?;
    let denominator = n.checked_mul(total)?;
    ratio(numerator, denominator)
}

/// A point of the Lorenz curve: the poorest `population` share of units holds `amount` of the total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LorenzPoint {
    /// Share of the units, from the smallest amounts up.
    #[serde(serialize_with = "text")]
    pub population: Decimal,
    /// Their share of the total.
    #[serde(serialize_with = "text")]
    pub amount: Decimal,
}

/// The Lorenz curve at every tenth of the population (11 points, from 0 to 1), interpolating within
/// a unit when a tenth falls between two units. Empty for no values or a zero total.
pub fn lorenz(values: &[Decimal]) -> Vec<LorenzPoint> {
    let mut x = values.to_vec();
    entitle_dsl::sorting::sort(&mut x);
    let total: Decimal = x.iter().sum();
    if x.is_empty() || total.is_zero() {
        return Vec::new();
    }
    let n = Decimal::from(x.len());
    let mut out = Vec::with_capacity(11);
    for k in 0..=10u32 {
        let p = Decimal::new(i64::from(k), 1);
        let t = p * n;
        let whole = t.floor();
        let frac = t - whole;
        let count = usize::try_from(whole.mantissa())
            .unwrap_or(x.len())
            .min(x.len());
        let mut cum: Decimal = x.iter().take(count).sum();
        if let Some(next) = x.get(count) {
            cum += frac * *next;
        }
        out.push(LorenzPoint {
            population: p.normalize(),
            amount: ratio(cum, total).unwrap_or_default(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(v: &[i64]) -> Vec<Decimal> {
        v.iter().map(|x| Decimal::from(*x)).collect()
    }

    #[test]
    fn quartiles_interpolate_between_ranks() {
        // 10, 20, 30, 40: positions 0.75, 1.5, 2.25.
        let q = quartiles(&d(&[40, 10, 30, 20])).unwrap();
        assert_eq!(
            (q.min, q.q1, q.median, q.q3, q.max),
            (
                Decimal::from(10),
                Decimal::new(175, 1),
                Decimal::from(25),
                Decimal::new(325, 1),
                Decimal::from(40)
            )
        );
        let one = quartiles(&d(&[7])).unwrap();
        assert_eq!(
            (one.q1, one.median, one.q3),
            (Decimal::from(7), Decimal::from(7), Decimal::from(7))
        );
        assert!(quartiles(&[]).is_none());
    }

    #[test]
    fn gini_by_hand() {
        // Everyone equal: 0. One holds all of four: (2·4·100 − 5·100) ÷ (4·100) = 0.75.
        assert_eq!(gini(&d(&[5, 5, 5])), Some(Decimal::ZERO));
        assert_eq!(gini(&d(&[0, 0, 0, 100])), Some(Decimal::new(75, 2)));
        // 1, 2, 3, 4: Σ i·x = 30; (60 − 50) ÷ 40 = 0.25.
        assert_eq!(gini(&d(&[4, 1, 3, 2])), Some(Decimal::new(25, 2)));
        // 1, 2: (2·5 − 3·3) ÷ 6 = 1/6, rounded to 6 places.
        assert_eq!(gini(&d(&[1, 2])), Some(Decimal::new(166_667, 6)));
        assert_eq!(gini(&d(&[0, 0])), None);
    }

    #[test]
    fn lorenz_points_by_hand() {
        let l = lorenz(&d(&[1, 2, 3, 4]));
        assert_eq!(l.len(), 11);
        // 50%: the two smallest, 3 of 10. 10%: 0.4 of the smallest unit, 0.4 of 10.
        assert_eq!(l[5].amount, Decimal::new(3, 1));
        assert_eq!(l[1].amount, Decimal::new(4, 2));
        assert_eq!(l[10].amount, Decimal::ONE);
        assert_eq!(l[0].amount, Decimal::ZERO);
    }

    #[test]
    fn ratios_round_half_even_to_six_places() {
        assert_eq!(
            ratio(Decimal::ONE, Decimal::from(3)),
            Some(Decimal::new(333_333, 6))
        );
        assert_eq!(ratio(Decimal::ONE, Decimal::ZERO), None);
    }
}
