//! A run's totals and summary as text for the terminal.

use crate::term::thousands;
use entitle_core::run_model::summary::Summary;
use entitle_core::run_model::{BudgetMode, RunOutcome};
use rust_decimal::Decimal;

pub(super) fn totals_text(label: &str, outcome: &RunOutcome) -> String {
    let t = &outcome.totals;
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
        t.allocated,
        t.requested
    ));
    if let Some(b) = &t.budget {
        s.push_str(&format!(
            "; budget {} ({}), unallocated {}",
            b.amount,
            if b.mode == BudgetMode::Proportional {
                "proportional"
            } else {
                "rank order"
            },
            b.unallocated
        ));
    }
    s.push('\n');
    s.push_str(&format!(
        "  approved {} ({}), pending validation {} ({})",
        thousands(t.approved_units),
        t.approved,
        thousands(t.pending_units),
        t.pending
    ));
    if let Some(f) = &t.fund {
        s.push_str(&format!(
            "; fund available {}, remaining {}",
            f.available, f.remaining
        ));
    }
    s.push('\n');
    s
}

pub(super) fn summary_text(s: &Summary) -> String {
    let mut t = String::new();
    let rate = |d: Option<Decimal>| d.map(|x| x.to_string()).unwrap_or_else(|| "–".into());
    let o = &s.overall;
    t.push_str(&format!(
        "covered {} of {} units (rate {}), total {}, mean {}\n",
        thousands(o.covered),
        thousands(o.units),
        rate(o.coverage_rate),
        o.total,
        rate(o.mean)
    ));
    if let Some(q) = &o.entitlements {
        let n = |d: Decimal| d.normalize().to_string();
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
        rate(s.gini),
        rate(s.gini_covered)
    ));
    for d in &s.by {
        t.push_str(&format!("by {}\n", d.dimension));
        for g in &d.groups {
            let v = match &g.value {
                Some(entitle_core::Value::Unknown) | None => "unknown".to_string(),
                Some(v) => v.to_string(),
            };
            t.push_str(&format!(
                "  {v:<16} units {:>8}  covered {:>8}  rate {:<9} disparity {:<9} total {}\n",
                thousands(g.units),
                thousands(g.covered),
                rate(g.coverage_rate),
                rate(g.disparity),
                g.total
            ));
        }
    }
    if let Some(x) = &s.targeting {
        t.push_str(&format!(
            "against the reference list ({} units, {} not in the run): covered and listed {}, leakage {} (rate {}), under-coverage {} (rate {})\n",
            thousands(x.reference),
            thousands(x.reference_not_in_run),
            thousands(x.true_positive),
            thousands(x.false_positive),
            rate(x.leakage_rate),
            thousands(x.false_negative),
            rate(x.undercoverage_rate)
        ));
    }
    t
}
