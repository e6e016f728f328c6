//! Fixed-point numbers for the columnar plan: a 64-bit mantissa and a decimal scale per value.
//!
//! The interpreter computes with `rust_decimal`, whose results carry a scale (`2000` and `2000.00`
//! are different records). Every operation here gives exactly the bits `rust_decimal` gives
//! (mantissa, scale and sign), or `None` when it cannot promise that: a mantissa that leaves
//! 64 bits, a scale above 28, a negative zero, a quotient too close to a boundary. The caller
//! then hands the unit to the interpreter, so an answer is never approximate. The property tests
//! at the end compare every operation with `rust_decimal` bit for bit.
//!
//! Division is not done here: a quotient is kept as its two operands ([`Ratio`]) and compared
//! exactly by cross-multiplication, which agrees with the rounded `rust_decimal` quotient whenever
//! the guard in [`Ratio::cmp`] holds; where a quotient's digits are needed, the interpreter's own
//! division is called on the same operands.

use crate::eval::ops;
use entitle_dsl::ast::RoundingMode;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::num::NonZeroU8;

/// A decimal `m / 10^s` with `s <= 28`, never a negative zero.
///
/// The scale is kept plus one in a `NonZeroU8`, so that an `Option<Fx>` (a register's lane)
/// takes 16 bytes, not 24: the plan's registers are read and written a whole chunk at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fx {
    /// The mantissa.
    pub m: i64,
    /// The scale (digits after the point), plus one.
    s1: NonZeroU8,
}

impl Default for Fx {
    fn default() -> Fx {
        Fx::ZERO
    }
}

/// Powers of ten that fit an `i64`.
const P64: [i64; 19] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
];

fn p64(n: u8) -> Option<i64> {
    P64.get(usize::from(n)).copied()
}

/// 10^n as an i128 (n <= 38).
fn p128(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

/// The largest scale rust_decimal keeps.
const MAX_SCALE: u8 = 28;

impl Fx {
    /// `m / 10^s` (`s <= 28`).
    #[inline]
    pub const fn new(m: i64, s: u8) -> Fx {
        let s1 = match NonZeroU8::new(s.saturating_add(1)) {
            Some(s1) => s1,
            None => NonZeroU8::MAX,
        };
        Fx { m, s1 }
    }

    /// The scale (digits after the point).
    #[inline]
    pub const fn s(self) -> u8 {
        self.s1.get() - 1
    }

    /// Zero, as `Decimal::ZERO` (scale 0).
    pub const ZERO: Fx = Fx::new(0, 0);

    /// A whole number, as `Decimal::from(i64)`.
    pub fn int(i: i64) -> Fx {
        Fx::new(i, 0)
    }

    /// The exact fixed-point form of a decimal, if it has one.
    pub fn from_dec(d: Decimal) -> Option<Fx> {
        if d.is_zero() && d.is_sign_negative() {
            return None;
        }
        let m = i64::try_from(d.mantissa()).ok()?;
        let s = u8::try_from(d.scale()).ok()?;
        Some(Fx::new(m, s))
    }

    /// The decimal with the same bits.
    pub fn to_dec(self) -> Decimal {
        Decimal::try_new(self.m, u32::from(self.s())).unwrap_or(Decimal::ZERO)
    }

    /// The mantissa at a larger scale `s`.
    fn at(self, s: u8) -> Option<i64> {
        self.m.checked_mul(p64(s.checked_sub(self.s())?)?)
    }

    /// True when the value is zero.
    pub fn is_zero(self) -> bool {
        self.m == 0
    }

    /// True when the value is below zero.
    pub fn is_negative(self) -> bool {
        self.m < 0
    }

    /// True when the value is above zero.
    pub fn is_positive(self) -> bool {
        self.m > 0
    }
}

/// `a + b`, as `ops::add`: the scale is the larger of the two, except that rust_decimal returns
/// the other operand unchanged when one is zero (`0.00 + 5` is `5`).
pub(crate) fn add(a: Fx, b: Fx) -> Option<Fx> {
    if a.m == 0 {
        return Some(b);
    }
    if b.m == 0 {
        return Some(a);
    }
    aligned(a, b, false)
}

/// `a - b`, as `ops::sub` (`0 - b` is `-b` at b's scale; `a - 0` is `a`).
pub(crate) fn sub(a: Fx, b: Fx) -> Option<Fx> {
    if a.m == 0 {
        return if b.m == 0 { Some(b) } else { neg(b) };
    }
    if b.m == 0 {
        return Some(a);
    }
    aligned(a, b, true)
}

fn aligned(a: Fx, b: Fx, subtract: bool) -> Option<Fx> {
    let s = a.s().max(b.s());
    let (x, y) = (a.at(s)?, b.at(s)?);
    let m = if subtract {
        x.checked_sub(y)?
    } else {
        x.checked_add(y)?
    };
    // A zero result keeps the first operand's sign in rust_decimal: a negative zero, not ours.
    if m == 0 && a.m < 0 {
        return None;
    }
    Some(Fx::new(m, s))
}

/// `a * b`, as `ops::mul`: the scales add up, and a zero operand gives `Decimal::ZERO`.
pub(crate) fn mul(a: Fx, b: Fx) -> Option<Fx> {
    if a.m == 0 || b.m == 0 {
        return Some(Fx::ZERO);
    }
    let s = a.s().checked_add(b.s()).filter(|s| *s <= MAX_SCALE)?;
    Some(Fx::new(a.m.checked_mul(b.m)?, s))
}

/// `-a`; zero has no fixed-point negation (rust_decimal keeps a negative zero).
pub(crate) fn neg(a: Fx) -> Option<Fx> {
    if a.m == 0 {
        return None;
    }
    Some(Fx::new(a.m.checked_neg()?, a.s()))
}

/// The ordering of two values (their scales do not matter, as with `Decimal`).
#[inline]
pub(crate) fn cmp(a: Fx, b: Fx) -> Ordering {
    if a.s() == b.s() {
        return a.m.cmp(&b.m);
    }
    cmp_scaled(a, b)
}

/// [`cmp`] of values at different scales (out of line: most comparisons are at one scale).
#[inline(never)]
fn cmp_scaled(a: Fx, b: Fx) -> Ordering {
    let s = a.s().max(b.s());
    // Up to 19 digits of scale difference fit an i128 with a 64-bit mantissa.
    match (wide(a, s), wide(b, s)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.to_dec().cmp(&b.to_dec()),
    }
}

fn wide(a: Fx, s: u8) -> Option<i128> {
    i128::from(a.m).checked_mul(p128(u32::from(s.checked_sub(a.s())?))?)
}

/// The smaller (`less`) or larger value of two, the first on a tie, as the interpreter's `min`
/// and `max` and the entitlement's `Decimal::min` (which also keeps the first on a tie).
pub(crate) fn pick(a: Fx, b: Fx, less: bool) -> Fx {
    let ord = cmp(b, a);
    let take_b = if less {
        ord == Ordering::Less
    } else {
        ord == Ordering::Greater
    };
    if take_b {
        b
    } else {
        a
    }
}

/// A quotient kept as its operands: the value `ops::div(a, b)` (b is never zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Ratio {
    /// The dividend.
    pub a: Fx,
    /// The divisor (not zero).
    pub b: Fx,
}

/// The exact quotient as `n / d` with `d > 0`.
fn fraction(r: Ratio) -> Option<(i128, i128)> {
    let n = wide(r.a, r.a.s().max(r.b.s()))?;
    let d = wide(r.b, r.a.s().max(r.b.s()))?;
    if d == 0 {
        return None;
    }
    Some(if d < 0 {
        (n.checked_neg()?, d.checked_neg()?)
    } else {
        (n, d)
    })
}

/// Digits of the whole number `q` (at least 1).
fn digits(q: i128) -> u32 {
    q.unsigned_abs().checked_ilog10().map_or(1, |l| l + 1)
}

/// rust_decimal keeps at least this many significant digits of a quotient (28 or 29 when it can;
/// fewer for small quotients, never fewer than 26 in the cases this module lets through).
const QUOTIENT_DIGITS: u32 = 26;

impl Ratio {
    /// `ops::div(a, b)`, if `b` is not zero.
    pub fn new(a: Fx, b: Fx) -> Option<Ratio> {
        (b.m != 0).then_some(Ratio { a, b })
    }

    /// The quotient's digits, exactly as the interpreter computes them.
    pub fn to_dec(self) -> Option<Decimal> {
        ops::div(self.a.to_dec(), self.b.to_dec()).ok()
    }

    /// The ordering of the rounded quotient `ops::div(a, b)` against `c`, when it is certain.
    ///
    /// The exact quotient `n/d` and `c` differ by at least `1 / (d * 10^c.s())` unless equal; the
    /// rounded quotient is within `10^(k - 26)` of the exact one (k: digits of its whole part).
    /// When the first bound is the larger, rounding cannot cross `c`; otherwise `None`.
    // Inline: the plan calls it once per lane, and the small case is a few instructions.
    #[inline(always)]
    pub fn cmp(self, c: Fx) -> Option<Ordering> {
        match self.cmp_small(c) {
            Some(ord) => Some(ord),
            None => self.cmp_wide(c),
        }
    }

    /// [`Ratio::cmp`] in 128 bits, with the guard.
    #[inline(never)]
    fn cmp_wide(self, c: Fx) -> Option<Ordering> {
        let (n, d) = fraction(self)?;
        let lhs = n.checked_mul(p128(u32::from(c.s()))?)?;
        let rhs = i128::from(c.m).checked_mul(d)?;
        let ord = lhs.cmp(&rhs);
        if ord == Ordering::Equal {
            // The quotient is exactly c, which has few enough digits to be kept exactly.
            return Some(ord);
        }
        // d * 10^k <= 10 * max(|n|, d) for the quotient's k whole digits: a bound on the spread
        // without a division.
        let big = n.unsigned_abs().max(d.unsigned_abs());
        let spread = big
            .checked_mul(10)?
            .checked_mul(p128(u32::from(c.s()))?.unsigned_abs())?;
        (spread < p128(QUOTIENT_DIGITS)?.unsigned_abs()).then_some(ord)
    }
}

impl Ratio {
    /// [`Ratio::cmp`] for operands of up to 9 digits and scales up to 4 (amounts, counts): every
    /// product fits an i64 without checks, and the guard always holds (the spread is below
    /// 10^(9 + 4 + 4 + 1 + 4) = 10^22).
    #[inline(always)]
    fn cmp_small(self, c: Fx) -> Option<Ordering> {
        const LIMIT: u64 = 1_000_000_000;
        let small = |x: Fx| x.m.unsigned_abs() < LIMIT && x.s() <= 4;
        // (The products below stay under 10^17: no overflow, and the spread stays under 10^18.)
        if !(small(self.a) && small(self.b) && small(c)) || self.b.m == 0 {
            return None;
        }
        if self.a.s1 == self.b.s1 {
            // Operands at one scale (an amount over a count, both whole): `n / d` is `a.m / b.m`,
            // and `n * 10^c.s()` (under 10^13) and `c.m * d` (under 10^18) fit 64 bits.
            let (n, d) = if self.b.m < 0 {
                (-self.a.m, -self.b.m)
            } else {
                (self.a.m, self.b.m)
            };
            return Some((n * p_small(c.s())).cmp(&(c.m * d)));
        }
        let s = self.a.s().max(self.b.s());
        let (mut n, mut d) = (
            self.a.m * p_small(s - self.a.s()),
            self.b.m * p_small(s - self.b.s()),
        );
        if d < 0 {
            (n, d) = (-n, -d);
        }
        let lhs = i128::from(n) * i128::from(p_small(c.s()));
        let rhs = i128::from(c.m) * i128::from(d);
        Some(lhs.cmp(&rhs))
    }
}

/// 10^n for n <= 4.
#[inline(always)]
fn p_small(n: u8) -> i64 {
    P64.get(usize::from(n.min(4))).copied().unwrap_or(10_000)
}

/// `ops::round_to(x, step, mode)` for `x >= 0` and `step > 0`, or `None`.
pub(crate) fn round_to(x: Fx, step: Fx, mode: RoundingMode) -> Option<Fx> {
    if x.m < 0 || step.m <= 0 {
        return None;
    }
    // Powers of ten up to one (0.01, 0.1, 1) round to decimal places, as ops::round_to does:
    // the step is 10^k / 10^s with k <= s.
    if let Some(k) = P64.iter().position(|p| *p == step.m) {
        if let Some(dp) = step.s().checked_sub(u8::try_from(k).ok()?) {
            return round_dp(x, dp, mode);
        }
    }
    // Otherwise: the quotient x / step rounded to a whole number, times step (in 64 bits when
    // both fit: a 128-bit division is a call to the runtime, a 64-bit one an instruction).
    let s = x.s().max(step.s());
    let (q, r, d) = match (x.at(s), step.at(s)) {
        (Some(n), Some(d)) => (
            i128::from(n.checked_div(d)?),
            i128::from(n.checked_rem(d)?),
            i128::from(d),
        ),
        _ => {
            let (n, d) = fraction(Ratio::new(x, step)?)?;
            (n / d, n % d, d)
        }
    };
    let k = round_quotient(q, r, d, mode)?;
    if r != 0 {
        // rust_decimal rounds the quotient before rounding it to a whole number: only safe when
        // the exact quotient is far enough from the next boundary (a half, or a whole number).
        let spread = d.checked_mul(2)?.checked_mul(p128(digits(q))?)?;
        if spread >= p128(QUOTIENT_DIGITS)? {
            return None;
        }
    }
    // The whole quotient times the step: a zero product is `Decimal::ZERO`, as in `mul`.
    mul(Fx::int(i64::try_from(k).ok()?), step)
}

/// Rounds the non-negative `q + r/d` to a whole number.
fn round_quotient(q: i128, r: i128, d: i128, mode: RoundingMode) -> Option<i128> {
    let twice = r.checked_mul(2)?;
    let up = match mode {
        RoundingMode::HalfUp => twice >= d,
        RoundingMode::HalfEven => twice > d || (twice == d && q % 2 == 1),
        RoundingMode::Down => false,
        RoundingMode::Up => r > 0,
    };
    q.checked_add(i128::from(up))
}

/// `x.round_dp_with_strategy(dp, mode)` for `x >= 0`.
fn round_dp(x: Fx, dp: u8, mode: RoundingMode) -> Option<Fx> {
    if x.s() <= dp {
        return Some(x);
    }
    let div = p64(x.s() - dp)?;
    let q = i128::from(x.m / div);
    let r = i128::from(x.m % div);
    let k = round_quotient(q, r, i128::from(div), mode)?;
    Some(Fx::new(i64::try_from(k).ok()?, dp))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)] // fixed tables, generated cases
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_lane_of_fixed_point_takes_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Option<Fx>>(), 16);
        assert_eq!(Fx::new(12345, 28).s(), 28);
        assert_eq!(Fx::new(-5, 2).to_dec(), Decimal::new(-5, 2));
        assert_eq!(Fx::default(), Fx::ZERO);
    }

    fn fx() -> impl Strategy<Value = Fx> {
        prop_oneof![
            (-100_000i64..100_000, 0u8..4).prop_map(|(m, s)| Fx::new(m, s)),
            (any::<i64>(), 0u8..29).prop_map(|(m, s)| Fx::new(m, s)),
            (-3i64..4, 0u8..3).prop_map(|(m, s)| Fx::new(m, s)),
        ]
    }

    fn same(got: Option<Fx>, want: Result<Decimal, ops::OpError>) {
        if let Some(g) = got {
            let w = want.expect("the fast path answered where rust_decimal fails");
            assert_eq!(
                g.to_dec().serialize(),
                w.serialize(),
                "{} vs {}",
                g.to_dec(),
                w
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn arithmetic_matches_rust_decimal(a in fx(), b in fx()) {
            same(add(a, b), ops::add(a.to_dec(), b.to_dec()));
            same(sub(a, b), ops::sub(a.to_dec(), b.to_dec()));
            same(mul(a, b), ops::mul(a.to_dec(), b.to_dec()));
            same(neg(a), Ok(-a.to_dec()));
            prop_assert_eq!(cmp(a, b), a.to_dec().cmp(&b.to_dec()));
            let m = if b.to_dec() < a.to_dec() { b } else { a };
            prop_assert_eq!(pick(a, b, true).to_dec().serialize(), m.to_dec().serialize());
            prop_assert_eq!(Fx::from_dec(a.to_dec()), Some(a));
        }

        #[test]
        fn small_arithmetic_stays_fast(a in (-1_000_000i64..1_000_000, 0u8..3), b in (-1_000_000i64..1_000_000, 0u8..3)) {
            let (a, b) = (Fx::new(a.0, a.1), Fx::new(b.0, b.1));
            prop_assert!(add(a, b).is_some());
            prop_assert!(sub(a, b).is_some());
        }

        #[test]
        fn quotients_compare_as_rounded(a in fx(), b in fx(), c in fx()) {
            if let (Some(r), Ok(q)) = (Ratio::new(a, b), ops::div(a.to_dec(), b.to_dec())) {
                if let Some(ord) = r.cmp(c) {
                    prop_assert_eq!(ord, q.cmp(&c.to_dec()), "{} / {} vs {}", a.to_dec(), b.to_dec(), c.to_dec());
                }
                // Against the quotient's own neighbours, the hardest cases.
                if let Some(qf) = Fx::from_dec(q) {
                    for near in [qf, Fx::new(qf.m.saturating_add(1), qf.s()), Fx::new(qf.m.saturating_sub(1), qf.s())] {
                        if let Some(ord) = r.cmp(near) {
                            prop_assert_eq!(ord, q.cmp(&near.to_dec()));
                        }
                    }
                }
            }
        }

        #[test]
        fn the_small_comparison_is_the_wide_one(
            a in (-999_999_999i64..1_000_000_000, 0u8..5),
            b in (-999_999_999i64..1_000_000_000, 0u8..5),
            c in (-999_999_999i64..1_000_000_000, 0u8..5),
            same_scale in any::<bool>(),
        ) {
            let b = Fx::new(b.0, if same_scale { a.1 } else { b.1 });
            let (a, c) = (Fx::new(a.0, a.1), Fx::new(c.0, c.1));
            if let Some(r) = Ratio::new(a, b) {
                let small = r.cmp_small(c);
                prop_assert!(small.is_some());
                prop_assert_eq!(small, r.cmp_wide(c), "{} / {} vs {}", a.to_dec(), b.to_dec(), c.to_dec());
            }
        }

        #[test]
        fn household_quotients_are_decided(income in 0i64..10_000_000, scale in 0u8..3, n in 1i64..40, c in 0i64..100_000) {
            let r = Ratio::new(Fx::new(income, scale), Fx::int(n)).unwrap();
            prop_assert!(r.cmp(Fx::int(c)).is_some());
        }

        #[test]
        fn rounding_matches_rust_decimal(x in (0i64..10_000_000, 0u8..5), step in 0usize..9, mode in 0usize..4) {
            let x = Fx::new(x.0, x.1);
            let steps = [Fx::int(1), Fx::int(10), Fx::int(5), Fx::new(5, 1), Fx::new(1, 2), Fx::int(100), Fx::new(5, 2), Fx::int(3), Fx::new(100, 2)];
            let x = if x.m % 7 == 0 { Fx::new(0, x.s()) } else { x };
            let modes = [RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::Down, RoundingMode::Up];
            let (step, mode) = (steps[step], modes[mode]);
            let got = round_to(x, step, mode);
            same(got, ops::round_to(x.to_dec(), step.to_dec(), mode));
            if step != Fx::int(3) {
                prop_assert!(got.is_some());
            }
        }

        #[test]
        fn rounding_any_amount_matches_rust_decimal(x in (0i64..i64::MAX, 0u8..29), step in 0usize..6, mode in 0usize..4) {
            // Mantissas too wide to align in 64 bits take the 128-bit path; either answers as
            // rust_decimal does, or not at all.
            let x = Fx::new(x.0, x.1);
            let steps = [Fx::int(10), Fx::int(5), Fx::new(5, 1), Fx::new(25, 3), Fx::int(3), Fx::new(7, 20)];
            let modes = [RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::Down, RoundingMode::Up];
            let (step, mode) = (steps[step], modes[mode]);
            same(round_to(x, step, mode), ops::round_to(x.to_dec(), step.to_dec(), mode));
        }
    }
}
