//! A run's totals and summary as text for the terminal.

use crate::term::{group_digits, thousands};
use entitle_core::run_model::summary::Summary;
use entitle_core::run_model::{BudgetMode, RunOutcome};
use entitle_core::Currency;
use rust_decimal::{Decimal, RoundingStrategy};

/// An amount as a person reads it: its currency, digits grouped, and no more than two places
/// (`KES 2,827.55`; a mean or a share of a budget can have many). The JSON keeps every digit.
pub(super) fn money(currency: Option<Currency>, d: Decimal) -> String {
    let d = d
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    let text = group_digits(&d.to_string());
    match currency {
        Some(c) => format!("{c} {text}"),
        None => text,
    }
}

/// A rate or share as a percentage to one place (`16.4 %`), `–` when there is none.
pub(super) fn percent(d: Option<Decimal>) -> String {
    match d {
        Some(x) => format!(
            "{:.1} %",
            (x * Decimal::ONE_HUNDRED)
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        ),
        None => "–".into(),
    }
}

/// A ratio or coefficient to three places (`0.856`), `–` when there is none.
fn ratio(d: Option<Decimal>) -> String {
    match d {
        Some(x) => format!(
            "{:.3}",
            x.round_dp_with_strategy(3, RoundingStrategy::MidpointAwayFromZero)
        ),
        None => "–".into(),
    }
}

pub(super) fn totals_text(label: &str, outcome: &RunOutcome, currency: Option<Currency>) -> String {
    let t = &outcome.totals;
    let m = |d: Decimal| money(currency, d);
    let states: Vec<String> = t
        .states
        .iter()
        .map(|(s, n)| format!("{s} {}", thousands(*n)))
        .collect();
    let mut s = format!(
        "{label}: {} units ({})\n",
        thousands(t.units),
        states.join(", ")
    );
    s.push_str(&format!(
        "  selected {}, allocated {} of {} requested",
        thousands(t.selected),
        m(t.allocated),
        m(t.requested)
    ));
    if let Some(b) = &t.budget {
        s.push_str(&format!(
            "; budget {} ({}), unallocated {}",
            m(b.amount),
            if b.mode == BudgetMode::Proportional {
                "proportional"
            } else {
                "rank order"
            },
            m(b.unallocated)
        ));
    }
    s.push('\n');
    s.push_str(&format!(
        "  approved {} ({}), pending validation {} ({})",
        thousands(t.approved_units),
        m(t.approved),
        thousands(t.pending_units),
        m(t.pending)
    ));
    if let Some(f) = &t.fund {
        s.push_str(&format!(
            "; fund available {}, remaining {}",
            m(f.available),
            m(f.remaining)
        ));
    }
    s.push('\n');
    s
}

pub(super) fn summary_text(s: &Summary, currency: Option<Currency>) -> String {
    let mut t = String::new();
    let m = |d: Decimal| money(currency, d);
    let o = &s.overall;
    t.push_str(&format!(
        "covered {} of {} units ({}), total {}, mean {}\n",
        thousands(o.covered),
        thousands(o.units),
        percent(o.coverage_rate),
        m(o.total),
        o.mean.map_or_else(|| "–".into(), m)
    ));
    if let Some(q) = &o.entitlements {
        let n = m;
        t.push_str(&format!(
            "entitlements: min {} · q1 {} · median {} · q3 {} · max {}\n",
            n(q.min),
            n(q.q1),
            n(q.median),
            n(q.q3),
            n(q.max)
        ));
    }
    t.push_str(&format!(
        "Gini {} (covered only {})\n",
        ratio(s.gini),
        ratio(s.gini_covered)
    ));
    for d in &s.by {
        t.push_str(&format!("by {}\n", d.dimension));
        for g in &d.groups {
            let v = match &g.value {
                Some(entitle_core::Value::Unknown) | None => "unknown".to_string(),
                Some(v) => v.to_string(),
            };
            t.push_str(&format!(
                "  {v:<16} units {:>8}  covered {:>8}  rate {:>7}  disparity {:<6} total {}\n",
                thousands(g.units),
                thousands(g.covered),
                percent(g.coverage_rate),
                ratio(g.disparity),
                m(g.total)
            ));
        }
    }
    if let Some(x) = &s.targeting {
        t.push_str(&format!(
            "against the reference list ({} units, {} not in the run): covered and listed {}, leakage {} ({}), under-coverage {} ({})\n",
            thousands(x.reference),
            thousands(x.reference_not_in_run),
            thousands(x.true_positive),
            thousands(x.false_positive),
            percent(x.leakage_rate),
            thousands(x.false_negative),
            percent(x.undercoverage_rate)
        ));
    }
    t
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
        assert_eq!(money(kes, d("2827.55102040816")), "KES 2,827.55");
        assert_eq!(money(kes, d("1385500")), "KES 1,385,500");
        assert_eq!(money(kes, d("1385500.00")), "KES 1,385,500");
        assert_eq!(money(kes, d("0.005")), "KES 0.01");
        assert_eq!(money(None, d("-1234.5")), "-1,234.5");
        assert_eq!(percent(Some(d("0.163661"))), "16.4 %");
        assert_eq!(percent(Some(d("0"))), "0.0 %");
        assert_eq!(percent(Some(d("1"))), "100.0 %");
        assert_eq!(percent(None), "–");
        assert_eq!(ratio(Some(d("0.8561333"))), "0.856");
        assert_eq!(ratio(Some(d("0"))), "0.000");
        assert_eq!(ratio(Some(d("1.8435"))), "1.844");
    }
}
