//! A run's totals and summary as text for the terminal, in the locale of `--locale`.

use crate::words::Words;
use entitle_core::run_model::summary::Summary;
use entitle_core::run_model::{BudgetMode, RunOutcome};
use entitle_core::Currency;
use rust_decimal::{Decimal, RoundingStrategy};

/// An amount as a person reads it: its currency, digits grouped, and no more than two places
/// (`KES 2,827.55`; a mean or a share of a budget can have many). The JSON keeps every digit.
pub(super) fn money(w: Words, currency: Option<Currency>, d: Decimal) -> String {
    let d = d
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    let text = w.digits(&d.to_string());
    match currency {
        Some(c) => format!("{c} {text}"),
        None => text,
    }
}

/// A rate or share as a percentage to one place (`16.4 %`), `–` when there is none.
pub(super) fn percent(w: Words, d: Option<Decimal>) -> String {
    match d {
        Some(x) => {
            let p = (x * Decimal::ONE_HUNDRED)
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
            format!("{} %", w.digits(&format!("{p:.1}")))
        }
        None => "–".into(),
    }
}

/// A ratio or coefficient to three places (`0.856`), `–` when there is none.
fn ratio(w: Words, d: Option<Decimal>) -> String {
    match d {
        Some(x) => {
            let r = x.round_dp_with_strategy(3, RoundingStrategy::MidpointAwayFromZero);
            w.digits(&format!("{r:.3}"))
        }
        None => "–".into(),
    }
}

/// Arguments as `Catalog::render` takes them.
fn refs<'a>(args: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    args.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

pub(super) fn totals_text(
    w: Words,
    label: &str,
    outcome: &RunOutcome,
    currency: Option<Currency>,
) -> String {
    let t = &outcome.totals;
    let m = |d: Decimal| money(w, currency, d);
    let n = |n: u64| w.number(n);
    let states: Vec<String> = t
        .states
        .iter()
        .map(|(s, k)| {
            format!(
                "{} {}",
                w.text(&format!("state.{}", s.as_str()), &[]),
                n(*k)
            )
        })
        .collect();
    // No unit, no states: not an empty pair of brackets.
    let key = if states.is_empty() {
        "cycle.units_alone"
    } else {
        "cycle.units"
    };
    let mut s = w.text(
        key,
        &[
            ("label", label),
            ("units", &w.count("count.units", t.units)),
            ("states", &states.join(", ")),
        ],
    );
    // A budget and a fund are said in the same sentence as what they limit (French puts a space
    // before the semicolon that joins them, which a catalogue entry cannot start with).
    let mut selected = vec![
        ("selected", n(t.selected)),
        ("allocated", m(t.allocated)),
        ("requested", m(t.requested)),
    ];
    let key = match &t.budget {
        Some(b) => {
            let mode = if b.mode == BudgetMode::Proportional {
                "cycle.mode.proportional"
            } else {
                "cycle.mode.rank_order"
            };
            selected.push(("amount", m(b.amount)));
            selected.push(("mode", w.text(mode, &[])));
            selected.push(("unallocated", m(b.unallocated)));
            "cycle.selected.budget"
        }
        None => "cycle.selected",
    };
    s.push_str("\n  ");
    s.push_str(&w.text(key, &refs(&selected)));
    let mut approved = vec![
        ("approved_units", n(t.approved_units)),
        ("approved", m(t.approved)),
        ("pending_units", n(t.pending_units)),
        ("pending", m(t.pending)),
    ];
    let key = match &t.fund {
        Some(f) => {
            approved.push(("available", m(f.available)));
            approved.push(("remaining", m(f.remaining)));
            "cycle.approved.fund"
        }
        None => "cycle.approved",
    };
    s.push_str("\n  ");
    s.push_str(&w.text(key, &refs(&approved)));
    s.push('\n');
    s
}

pub(super) fn summary_text(w: Words, s: &Summary, currency: Option<Currency>) -> String {
    let mut t = String::new();
    let m = |d: Decimal| money(w, currency, d);
    let n = |n: u64| w.number(n);
    let o = &s.overall;
    let line = |t: &mut String, key: &str, args: &[(&str, &str)]| {
        t.push_str(&w.text(key, args));
        t.push('\n');
    };
    line(
        &mut t,
        "simulate.covered",
        &[
            ("covered", &n(o.covered)),
            ("units", &n(o.units)),
            ("rate", &percent(w, o.coverage_rate)),
            ("total", &m(o.total)),
            ("mean", &o.mean.map_or_else(|| "–".into(), m)),
        ],
    );
    if let Some(q) = &o.entitlements {
        line(
            &mut t,
            "simulate.entitlements",
            &[
                ("min", &m(q.min)),
                ("q1", &m(q.q1)),
                ("median", &m(q.median)),
                ("q3", &m(q.q3)),
                ("max", &m(q.max)),
            ],
        );
    }
    line(
        &mut t,
        "simulate.gini",
        &[
            ("gini", &ratio(w, s.gini)),
            ("covered", &ratio(w, s.gini_covered)),
        ],
    );
    let column = |key: &str| w.text(&format!("simulate.column.{key}"), &[]);
    let (units, covered, rate, disparity, total) = (
        column("units"),
        column("covered"),
        column("rate"),
        column("disparity"),
        column("total"),
    );
    for d in &s.by {
        line(&mut t, "simulate.by", &[("dimension", &d.dimension)]);
        for g in &d.groups {
            // A label in the reader's words: truth values and numbers as the locale writes them
            // (a number the same however the registry spelt it, `1` or `1.0`).
            let v = match &g.value {
                Some(entitle_core::Value::Unknown) | None => w.text("simulate.unknown", &[]),
                Some(entitle_core::Value::Bool(b)) => w.text(
                    if *b {
                        "simulate.true"
                    } else {
                        "simulate.false"
                    },
                    &[],
                ),
                Some(entitle_core::Value::Number(d)) => w.digits(&d.normalize().to_string()),
                Some(v) => v.to_string(),
            };
            t.push_str(&format!(
                "  {v:<16} {units} {:>8}  {covered} {:>8}  {rate} {:>7}  {disparity} {:<6} {total} {}\n",
                n(g.units),
                n(g.covered),
                percent(w, g.coverage_rate),
                ratio(w, g.disparity),
                m(g.total)
            ));
        }
    }
    if let Some(x) = &s.targeting {
        line(
            &mut t,
            "simulate.targeting",
            &[
                ("reference", &n(x.reference)),
                ("not_in_run", &n(x.reference_not_in_run)),
                ("listed", &n(x.true_positive)),
                ("leakage", &n(x.false_positive)),
                ("leakage_rate", &percent(w, x.leakage_rate)),
                ("under", &n(x.false_negative)),
                ("under_rate", &percent(w, x.undercoverage_rate)),
            ],
        );
    }
    t
}

/// The warning for units of the previous cycle that the registry does not have: how many, the
/// first few, and where the rest are.
pub(super) fn previous_absent_text(
    words: Words,
    absent: &[entitle_core::run_model::PreviousUnit],
) -> String {
    let shown: Vec<String> = absent
        .iter()
        .take(5)
        .map(|u| format!("{} ({})", u.unit_id, u.state.as_str()))
        .collect();
    let more = if absent.len() > shown.len() {
        ", …"
    } else {
        ""
    };
    let units = format!("{}{more}", shown.join(", "));
    let key = if absent.len() == 1 {
        "cycle.previous_absent.one"
    } else {
        "cycle.previous_absent.other"
    };
    words.text(
        key,
        &[
            ("count", &words.number(absent.len() as u64)),
            ("units", &units),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn amounts_rates_and_ratios_are_written_for_people() {
        let kes = Currency::from_code("KES");
        let en = Words::new("en");
        assert_eq!(money(en, kes, d("2827.55102040816")), "KES 2,827.55");
        assert_eq!(money(en, kes, d("1385500")), "KES 1,385,500");
        assert_eq!(money(en, kes, d("1385500.00")), "KES 1,385,500");
        assert_eq!(money(en, kes, d("0.005")), "KES 0.01");
        assert_eq!(money(en, None, d("-1234.5")), "-1,234.5");
        assert_eq!(percent(en, Some(d("0.163661"))), "16.4 %");
        assert_eq!(percent(en, Some(d("0"))), "0.0 %");
        assert_eq!(percent(en, Some(d("1"))), "100.0 %");
        assert_eq!(percent(en, None), "–");
        assert_eq!(ratio(en, Some(d("0.8561333"))), "0.856");
        assert_eq!(ratio(en, Some(d("0"))), "0.000");
        assert_eq!(ratio(en, Some(d("1.8435"))), "1.844");
    }

    #[test]
    fn in_french_thousands_are_spaced_and_decimals_take_a_comma() {
        let kes = Currency::from_code("KES");
        let fr = Words::new("fr");
        assert_eq!(money(fr, kes, d("2827.55102040816")), "KES 2 827,55");
        assert_eq!(money(fr, None, d("-1234.5")), "-1 234,5");
        assert_eq!(percent(fr, Some(d("0.163661"))), "16,4 %");
        assert_eq!(ratio(fr, Some(d("0.8561333"))), "0,856");
    }
}
