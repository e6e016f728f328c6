//! Simulation summaries: aggregates over a run, and the comparison of two runs.
//!
//! A unit is **covered** when it is selected in the run (it receives its entitlement); its amount
//! is the cash allocated to it (zero when not covered). Only aggregates are produced, never a unit's
//! data.
//!
//! - Counts and totals, overall and by each dimension (an input such as the area, the head's gender,
//!   or whether some member has a disability): units, covered units, coverage rate, the **disparity
//!   ratio** (the group's coverage rate over the overall rate), total and mean amount, entitlement
//!   quartiles and age quartiles of the covered units.
//! - The **Gini coefficient** of the amounts over every unit (those not covered count as zero), and
//!   over covered units only; the **Lorenz curve** at every tenth of the units.
//! - Given a **reference list** of the units that should be covered (from a survey or a census
//!   verification): the confusion matrix, **leakage** (covered units not in the list, as a share of
//!   covered units: the inclusion error) and **under-coverage** (listed units not covered, as a
//!   share of the listed units found in the run: the exclusion error).
//! - [`compare`]: two runs over the same units (two programs, two budgets): coverage of each, the
//!   overlap and the change of amounts.

use super::stats::{gini, lorenz, quartiles, ratio, LorenzPoint, Quartiles};
use super::{RunOutcome, RunUnit};
use crate::result::Outcome;
use entitle_dsl::Value;
use rust_decimal::Decimal;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

fn text<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&d.normalize())
}

fn opt_text<S: serde::Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(&d.normalize()),
        None => s.serialize_none(),
    }
}

/// Decisions of the run's units.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DecisionCounts {
    /// Eligible units.
    pub eligible: u64,
    /// Units not eligible.
    pub not_eligible: u64,
    /// Undetermined units.
    pub undetermined: u64,
    /// Units that could not be evaluated.
    pub errors: u64,
}

/// Counts and amounts of one group of units (or of all).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupSummary {
    /// The dimension's value for the group (`null`: unknown); absent for the whole run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Units.
    pub units: u64,
    /// Covered units.
    pub covered: u64,
    /// `covered ÷ units`.
    #[serde(serialize_with = "opt_text")]
    pub coverage_rate: Option<Decimal>,
    /// The group's coverage rate over the whole run's (1: covered like everyone; absent for the run).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_text")]
    pub disparity: Option<Decimal>,
    /// Sum of the allocated amounts.
    #[serde(serialize_with = "text")]
    pub total: Decimal,
    /// `total ÷ covered`.
    #[serde(serialize_with = "opt_text")]
    pub mean: Option<Decimal>,
    /// Quartiles of the covered units' amounts.
    pub entitlements: Option<Quartiles>,
    /// Quartiles of the covered units' ages (when the summary asks for ages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ages: Option<Quartiles>,
}

/// The groups of one dimension.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DimensionSummary {
    /// The dimension (`region`, `head.gender`, `member.disabled`).
    pub dimension: String,
    /// One entry per value, in value order (unknown last).
    pub groups: Vec<GroupSummary>,
}

/// Targeting against a reference list of the units that should be covered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Targeting {
    /// Units in the reference list.
    pub reference: u64,
    /// Listed units that are not in the run at all (not counted below).
    pub reference_not_in_run: u64,
    /// Covered and listed.
    pub true_positive: u64,
    /// Covered but not listed: leakage (inclusion error).
    pub false_positive: u64,
    /// Listed but not covered: under-coverage (exclusion error).
    pub false_negative: u64,
    /// Neither covered nor listed.
    pub true_negative: u64,
    /// `false_positive ÷ covered`.
    #[serde(serialize_with = "opt_text")]
    pub leakage_rate: Option<Decimal>,
    /// `false_negative ÷ (true_positive + false_negative)`.
    #[serde(serialize_with = "opt_text")]
    pub undercoverage_rate: Option<Decimal>,
}

/// The summary of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Decisions.
    pub decisions: DecisionCounts,
    /// The whole run.
    pub overall: GroupSummary,
    /// Gini coefficient of the amounts over every unit (zero for those not covered).
    #[serde(serialize_with = "opt_text")]
    pub gini: Option<Decimal>,
    /// Gini coefficient of the amounts over covered units.
    #[serde(serialize_with = "opt_text")]
    pub gini_covered: Option<Decimal>,
    /// The Lorenz curve of the amounts over every unit.
    pub lorenz: Vec<LorenzPoint>,
    /// By each dimension asked for.
    pub by: Vec<DimensionSummary>,
    /// Against the reference list, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub targeting: Option<Targeting>,
}

/// Orders dimension values: numbers and amounts by value, then dates, texts, truth values; unknown
/// last.
fn value_order(a: &Value, b: &Value) -> Ordering {
    let rank = |v: &Value| match v {
        Value::Number(_) | Value::Money(_) | Value::Quantity(_) => 0,
        Value::Date(_) => 1,
        Value::Text(_) => 2,
        Value::Bool(_) => 3,
        Value::List(_) => 4,
        Value::Unknown => 5,
    };
    let num = |v: &Value| match v {
        Value::Number(n) => Some(*n),
        Value::Money(m) => Some(m.amount),
        Value::Quantity(q) => Some(q.amount),
        _ => None,
    };
    rank(a).cmp(&rank(b)).then_with(|| match (a, b) {
        (Value::Date(x), Value::Date(y)) => x.cmp(y),
        (Value::Text(x), Value::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => num(a)
            .cmp(&num(b))
            .then_with(|| a.to_string().cmp(&b.to_string())),
    })
}

struct Acc {
    units: u64,
    amounts: Vec<Decimal>,
    ages: Vec<Decimal>,
}

impl Acc {
    fn new() -> Acc {
        Acc {
            units: 0,
            amounts: Vec::new(),
            ages: Vec::new(),
        }
    }

    /// `overall`: covered units and units of the whole run, for the disparity ratio.
    fn finish(
        self,
        value: Option<Value>,
        overall: Option<(u64, u64)>,
        with_ages: bool,
    ) -> GroupSummary {
        let covered = self.amounts.len() as u64;
        let total: Decimal = self.amounts.iter().sum();
        let coverage_rate = ratio(Decimal::from(covered), Decimal::from(self.units));
        // (covered ÷ units) ÷ (all covered ÷ all units), as one exact division.
        let disparity = match overall {
            Some((all_covered, all_units)) => ratio(
                Decimal::from(covered) * Decimal::from(all_units),
                Decimal::from(self.units) * Decimal::from(all_covered),
            ),
            None => None,
        };
        GroupSummary {
            value,
            units: self.units,
            covered,
            coverage_rate,
            disparity,
            total,
            mean: ratio(total, Decimal::from(covered)),
            entitlements: quartiles(&self.amounts),
            ages: if with_ages {
                quartiles(&self.ages)
            } else {
                None
            },
        }
    }
}

/// Summarises a run. `units` are the records the run was made from (same order), `dimensions` the
/// names of the values they hold in `groups`, and `reference` the units that should be covered.
pub fn summarize(
    run: &RunOutcome,
    units: &[RunUnit],
    dimensions: &[String],
    reference: Option<&BTreeSet<String>>,
) -> Summary {
    let with_ages = units.iter().any(|u| u.age.is_some());
    let mut decisions = DecisionCounts::default();
    let mut all = Acc::new();
    let mut every_amount: Vec<Decimal> = Vec::with_capacity(run.units.len());
    let mut groups: Vec<Vec<(Value, Acc)>> = dimensions.iter().map(|_| Vec::new()).collect();
    for (r, u) in run
        .units
        .iter()
        .zip(units.iter().map(Some).chain(std::iter::repeat(None)))
    {
        match r.decision {
            Some(Outcome::Eligible) => decisions.eligible += 1,
            Some(Outcome::NotEligible) => decisions.not_eligible += 1,
            Some(Outcome::Undetermined) => decisions.undetermined += 1,
            None => decisions.errors += 1,
        }
        let amount = if r.selected {
            Some(r.allocated.unwrap_or_default())
        } else {
            None
        };
        let age = u.and_then(|u| u.age).map(Decimal::from);
        every_amount.push(amount.unwrap_or_default());
        let add = |acc: &mut Acc| {
            acc.units += 1;
            if let Some(a) = amount {
                acc.amounts.push(a);
                if let Some(g) = age {
                    acc.ages.push(g);
                }
            }
        };
        add(&mut all);
        for (d, dim) in groups.iter_mut().enumerate() {
            let v = u.and_then(|u| u.groups.get(d)).cloned().unwrap_or_default();
            match dim.iter_mut().find(|(x, _)| *x == v) {
                Some((_, acc)) => add(acc),
                None => {
                    let mut acc = Acc::new();
                    add(&mut acc);
                    dim.push((v, acc));
                }
            }
        }
    }
    let covered_amounts = all.amounts.clone();
    let overall = all.finish(None, None, with_ages);
    let totals = Some((overall.covered, overall.units));
    let by = dimensions
        .iter()
        .zip(groups)
        .map(|(name, mut dim)| {
            entitle_dsl::sorting::sort_by(&mut dim, |a, b| value_order(&a.0, &b.0));
            DimensionSummary {
                dimension: name.clone(),
                groups: dim
                    .into_iter()
                    .map(|(v, acc)| acc.finish(Some(v), totals, with_ages))
                    .collect(),
            }
        })
        .collect();
    let targeting = reference.map(|list| targeting(run, list));
    Summary {
        decisions,
        overall,
        gini: gini(&every_amount),
        gini_covered: gini(&covered_amounts),
        lorenz: lorenz(&every_amount),
        by,
        targeting,
    }
}

fn targeting(run: &RunOutcome, reference: &BTreeSet<String>) -> Targeting {
    let in_run: BTreeSet<&str> =
        entitle_dsl::sorting::btree_set(run.units.iter().map(|u| u.unit_id.as_str()));
    let mut t = Targeting {
        reference: reference.len() as u64,
        reference_not_in_run: reference
            .iter()
            .filter(|id| !in_run.contains(id.as_str()))
            .count() as u64,
        true_positive: 0,
        false_positive: 0,
        false_negative: 0,
        true_negative: 0,
        leakage_rate: None,
        undercoverage_rate: None,
    };
    for u in &run.units {
        match (u.selected, reference.contains(&u.unit_id)) {
            (true, true) => t.true_positive += 1,
            (true, false) => t.false_positive += 1,
            (false, true) => t.false_negative += 1,
            (false, false) => t.true_negative += 1,
        }
    }
    t.leakage_rate = ratio(
        Decimal::from(t.false_positive),
        Decimal::from(t.true_positive + t.false_positive),
    );
    t.undercoverage_rate = ratio(
        Decimal::from(t.false_negative),
        Decimal::from(t.true_positive + t.false_negative),
    );
    t
}

/// Coverage and amount of one side of a comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Side {
    /// Covered units.
    pub covered: u64,
    /// Sum of the allocated amounts.
    #[serde(serialize_with = "text")]
    pub total: Decimal,
}

/// Two runs over the same units, compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The first run.
    pub a: Side,
    /// The second run.
    pub b: Side,
    /// Covered in both.
    pub both: u64,
    /// Covered only in the first.
    pub only_a: u64,
    /// Covered only in the second.
    pub only_b: u64,
    /// `both ÷ (covered in either)`: 1 when the runs cover the same units.
    #[serde(serialize_with = "opt_text")]
    pub overlap: Option<Decimal>,
    /// Among units covered in both: amounts higher, lower and equal in the second run.
    pub increased: u64,
    /// See `increased`.
    pub decreased: u64,
    /// See `increased`.
    pub unchanged: u64,
    /// `b.total − a.total`.
    #[serde(serialize_with = "text")]
    pub difference: Decimal,
}

/// Compares the coverage and amounts of two runs, matching units by id.
pub fn compare(a: &RunOutcome, b: &RunOutcome) -> Comparison {
    let covered = |r: &RunOutcome| -> BTreeMap<String, Decimal> {
        entitle_dsl::sorting::btree_map(
            r.units
                .iter()
                .filter(|u| u.selected)
                .map(|u| (u.unit_id.clone(), u.allocated.unwrap_or_default())),
        )
    };
    let (ca, cb) = (covered(a), covered(b));
    let side = |c: &BTreeMap<String, Decimal>| Side {
        covered: c.len() as u64,
        total: c.values().sum(),
    };
    let mut cmp = Comparison {
        a: side(&ca),
        b: side(&cb),
        both: 0,
        only_a: 0,
        only_b: cb.keys().filter(|k| !ca.contains_key(*k)).count() as u64,
        overlap: None,
        increased: 0,
        decreased: 0,
        unchanged: 0,
        difference: Decimal::ZERO,
    };
    for (id, x) in &ca {
        match cb.get(id) {
            Some(y) => {
                cmp.both += 1;
                match y.cmp(x) {
                    Ordering::Greater => cmp.increased += 1,
                    Ordering::Less => cmp.decreased += 1,
                    Ordering::Equal => cmp.unchanged += 1,
                }
            }
            None => cmp.only_a += 1,
        }
    }
    cmp.overlap = ratio(
        Decimal::from(cmp.both),
        Decimal::from(cmp.both + cmp.only_a + cmp.only_b),
    );
    cmp.difference = cmp.b.total - cmp.a.total;
    cmp
}
