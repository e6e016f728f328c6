//! A synthetic population of households, drawn deterministically from a seed.
//!
//! Every household is drawn from its own random stream (the seed and its index), so a registry
//! can be generated in parallel, in any chunking, and always comes out the same. Only integer
//! arithmetic is used: no floating-point function whose last digit could differ between machines.
//!
//! The distributions are plausible for a low- or middle-income country's social registry, not
//! calibrated to one: household sizes of 1 to 10 (mean about 4.3), heads aged 18 to 90, two thirds
//! of households with a spouse, children and some other relatives; a skewed income distribution in
//! brackets; a few percent of disabilities, pensions, displaced households; some missing values
//! (income, birthdates, disability), memberships with start dates and some that have ended.

use chrono::{Datelike, Days, NaiveDate};

/// SplitMix64: small, fast and fully specified.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// The stream of household `index` under `seed`.
    pub fn for_household(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17));
        r.next();
        r
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n.max(1))) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// True with probability `per_mille` / 1000.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// An index drawn by weight.
    pub fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// One element of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items
            .get(self.below(items.len() as u64) as usize)
            .copied()
            .unwrap_or("")
    }
}

/// Regions with their districts and weights.
pub const REGIONS: &[(&str, u64, [&str; 4])] = &[
    ("North", 30, ["Marsabit", "Turkana", "Samburu", "Wajir"]),
    ("East", 25, ["Kitui", "Machakos", "Makueni", "Embu"]),
    ("South", 25, ["Kajiado", "Narok", "Kwale", "Taita"]),
    ("West", 20, ["Kakamega", "Bungoma", "Busia", "Vihiga"]),
];

const FEMALE: &[&str] = &[
    "Amina", "Wanjiru", "Akinyi", "Fatuma", "Grace", "Mercy", "Njeri", "Achieng", "Halima", "Mary",
    "Faith", "Zawadi", "Nafula", "Chebet", "Esther", "Joy",
];
const MALE: &[&str] = &[
    "John", "Otieno", "Kamau", "Hassan", "Peter", "Kiprono", "Mwangi", "Juma", "David", "Ochieng",
    "Baraka", "Wekesa", "Omar", "Samuel", "Kariuki", "Musa",
];
const SURNAMES: &[&str] = &[
    "Njoroge", "Odhiambo", "Mohamed", "Wambua", "Kiptoo", "Mutua", "Onyango", "Wafula", "Abdi",
    "Chege", "Kilonzo", "Barasa", "Ali", "Kimani", "Oduya", "Lagat",
];

/// A member of a household, with their membership.
#[derive(Clone, Debug)]
pub struct Person {
    /// `head`, `spouse`, `child` or `other`.
    pub kind: &'static str,
    /// First day the membership counts.
    pub start: Option<NaiveDate>,
    /// First day it no longer counts.
    pub end: Option<NaiveDate>,
    /// Given name and surname.
    pub name: String,
    /// `F` or `M`.
    pub gender: &'static str,
    /// Date of birth (unknown for a few).
    pub birthdate: Option<NaiveDate>,
    /// Has a disability (unknown for a few).
    pub disabled: Option<bool>,
    /// Years of schooling.
    pub years_of_schooling: u64,
    /// In paid work.
    pub employed: bool,
    /// Owns a mobile phone.
    pub owns_phone: bool,
    /// Receives a contributory pension.
    pub receives_other_pension: bool,
    /// Mobile number, for adults with a phone.
    pub phone: Option<String>,
    /// Financial address (`mobile:07…@mpesa`, `account:…@kcb`), for some adults.
    pub account: Option<String>,
}

/// A household with its members.
#[derive(Clone, Debug)]
pub struct Household {
    /// Region.
    pub region: &'static str,
    /// District.
    pub district: &'static str,
    /// `Urban` or `Rural`.
    pub area: &'static str,
    /// Monthly income in the currency's units (`None`: not known), in cents.
    pub income_cents: Option<u64>,
    /// Enrolled in the old-age pension (unknown for a few).
    pub enrolled_in_pension: Option<bool>,
    /// Permanent roof.
    pub roof_is_permanent: bool,
    /// Displaced.
    pub displaced: bool,
    /// Registered on.
    pub registration_date: NaiveDate,
    /// Members, head first.
    pub members: Vec<Person>,
}

fn years_before(day: NaiveDate, years: u64, extra_days: u64) -> NaiveDate {
    let y = day.year() - i32::try_from(years).unwrap_or(0);
    let base = NaiveDate::from_ymd_opt(y, day.month(), day.day().min(28)).unwrap_or(day);
    base.checked_sub_days(Days::new(extra_days)).unwrap_or(base)
}

fn days_before(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(days)).unwrap_or(day)
}

/// Age in completed years on `day`.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut a = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        a -= 1;
    }
    a
}

fn person(
    r: &mut Rng,
    kind: &'static str,
    gender: &'static str,
    age: u64,
    surname: &str,
    reference: NaiveDate,
    formed: NaiveDate,
) -> Person {
    let birth = years_before(reference, age, r.below(365));
    let adult = age >= 18;
    let first = if gender == "F" {
        r.pick(FEMALE)
    } else {
        r.pick(MALE)
    };
    let disabled_per_mille = if age >= 70 {
        150
    } else if adult {
        50
    } else {
        30
    };
    let owns_phone = adult && r.chance(750);
    let phone = owns_phone.then(|| format!("07{:08}", r.below(100_000_000)));
    let account = match (&phone, r.below(100)) {
        (Some(p), 0..=79) => Some(format!("mobile:{p}@mpesa")),
        (_, 80..=89) if adult => Some(format!("account:{:010}@kcb", r.below(10_000_000_000))),
        _ => None,
    };
    // Children join at birth (or when the household formed); some memberships have no start date.
    let start = if r.chance(350) {
        None
    } else {
        Some(if birth > formed { birth } else { formed })
    };
    Person {
        kind,
        start,
        end: None,
        name: format!("{first} {surname}"),
        gender,
        birthdate: if r.chance(15) { None } else { Some(birth) },
        disabled: if r.chance(20) {
            None
        } else {
            Some(r.chance(disabled_per_mille))
        },
        years_of_schooling: if age < 6 {
            0
        } else {
            r.range(0, (age - 5).min(16))
        },
        employed: (18..65).contains(&age) && r.chance(450),
        owns_phone,
        receives_other_pension: age >= 60 && r.chance(100),
        phone,
        account,
    }
}

/// Draws household `index`, with dates relative to `reference`.
pub fn household(seed: u64, index: u64, reference: NaiveDate) -> Household {
    let r = &mut Rng::for_household(seed, index);
    let (region, _, districts) = REGIONS
        .get(r.weighted(&REGIONS.iter().map(|x| x.1).collect::<Vec<_>>()))
        .copied()
        .unwrap_or(("North", 1, ["Marsabit"; 4]));
    let district = districts.get(r.below(4) as usize).copied().unwrap_or("");
    let urban = r.chance(if region == "North" { 150 } else { 350 });
    let size = 1 + r.weighted(&[12, 14, 16, 17, 14, 10, 7, 5, 3, 2]) as u64;
    let head_age = [(18, 29), (30, 44), (45, 59), (60, 74), (75, 90)]
        .get(r.weighted(&[20, 35, 25, 13, 7]))
        .map(|(a, b)| r.range(*a, *b))
        .unwrap_or(40);
    let formed = days_before(reference, r.range(200, 365 * 20));
    let registration_date = days_before(reference, r.range(30, 2000));
    let surname = r.pick(SURNAMES).to_string();
    let head_gender = if r.chance(350) { "F" } else { "M" };
    let mut members = vec![person(
        r,
        "head",
        head_gender,
        head_age,
        &surname,
        reference,
        formed,
    )];
    if size >= 2 && r.chance(650) {
        let age = (head_age + r.below(9)).saturating_sub(4).max(18);
        members.push(person(
            r,
            "spouse",
            if head_gender == "F" { "M" } else { "F" },
            age,
            &surname,
            reference,
            formed,
        ));
    }
    while (members.len() as u64) < size {
        if head_age >= 60 || r.chance(150) {
            let age = r.range(0, 90);
            let g = if r.chance(500) { "F" } else { "M" };
            members.push(person(r, "other", g, age, &surname, reference, formed));
        } else {
            let oldest = head_age.saturating_sub(16).min(25);
            let age = r.range(0, oldest);
            let g = if r.chance(500) { "F" } else { "M" };
            members.push(person(r, "child", g, age, &surname, reference, formed));
        }
    }
    // Some members have left: their membership ended before the reference date.
    for m in members.iter_mut().skip(1) {
        if r.chance(25) {
            let end = days_before(reference, r.range(1, 700));
            m.end = Some(end);
            if m.start.is_some_and(|s| s >= end) {
                m.start = Some(days_before(end, r.range(30, 700)));
            }
        }
    }
    let bracket = [
        (0, 2_000),
        (2_000, 5_000),
        (5_000, 10_000),
        (10_000, 20_000),
        (20_000, 40_000),
        (40_000, 80_000),
        (80_000, 200_000),
    ];
    let (lo, hi) = bracket
        .get(r.weighted(&[8, 15, 22, 25, 17, 9, 4]))
        .copied()
        .unwrap_or((0, 1));
    let income = r.range(lo / 10, hi / 10) * 10;
    let cents = if r.chance(100) { 50 } else { 0 };
    let oldest = members
        .iter()
        .filter_map(|m| m.birthdate)
        .map(|b| age_on(b, reference))
        .max()
        .unwrap_or(0);
    Household {
        region,
        district,
        area: if urban { "Urban" } else { "Rural" },
        income_cents: if r.chance(40) {
            None
        } else {
            Some(income * 100 + cents)
        },
        enrolled_in_pension: if r.chance(20) {
            None
        } else {
            Some(r.chance(if oldest >= 70 { 450 } else { 10 }))
        },
        roof_is_permanent: r.chance(if urban { 800 } else { 450 }),
        displaced: r.chance(40),
        registration_date,
        members,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_household() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let a = household(7, 12, day);
        let b = household(7, 12, day);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_ne!(format!("{a:?}"), format!("{:?}", household(8, 12, day)));
        let mut r = Rng::for_household(1, 1);
        let draws: Vec<u64> = (0..5).map(|_| r.below(10)).collect();
        assert_eq!(
            draws,
            [9, 8, 2, 5, 4],
            "SplitMix64 is fixed: the registry must not drift"
        );
    }

    #[test]
    fn distributions_are_plausible() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let hs: Vec<Household> = (0..5000).map(|i| household(2026, i, day)).collect();
        let members: usize = hs.iter().map(|h| h.members.len()).sum();
        let mean = members as f64 / hs.len() as f64;
        assert!((3.8..4.8).contains(&mean), "{mean}");
        let missing_income = hs.iter().filter(|h| h.income_cents.is_none()).count();
        assert!((100..300).contains(&missing_income), "{missing_income}");
        assert!(hs
            .iter()
            .all(|h| h.members.first().is_some_and(|m| m.kind == "head")));
        let north = hs.iter().filter(|h| h.region == "North").count();
        assert!((1300..1700).contains(&north), "{north}");
    }
}
