//! Formatting of the run model's sections and of the `cycle` header line.

use super::{expr, pad, quote, widest, wrapped, Formatter};
use crate::ast::{
    ComplianceEntry, CycleDecl, CycleEvery, DedupBy, DedupEntry, Section, SelectionEntry,
    SummaryDecl,
};
use std::fmt::Write as _;

impl Formatter<'_> {
    pub(super) fn compliance(&mut self, s: &Section<ComplianceEntry>) {
        self.line(s.span, "", "compliant when", false);
        let w1 = widest(s.entries.iter().map(|r| r.id.name.as_str()));
        let w2 = widest(s.entries.iter().map(|r| quote(&r.sentence.value)));
        for r in &s.entries {
            let prefix = format!(
                "{} {} ",
                pad(&r.id.name, w1),
                pad(&quote(&r.sentence.value), w2)
            );
            let mut text = wrapped(&prefix, &r.expr, "      ");
            if let Some((state, _)) = r.otherwise {
                let _ = write!(text, " else {state}");
            }
            self.line(r.span, "  ", &text, true);
        }
    }

    pub(super) fn selection(&mut self, s: &Section<SelectionEntry>) {
        self.line(s.span, "", "selection", false);
        let heads: Vec<Option<String>> = s
            .entries
            .iter()
            .map(|e| match e {
                SelectionEntry::Priority { id, .. } => Some(format!("priority {}", id.name)),
                _ => None,
            })
            .collect();
        let w1 = heads
            .iter()
            .flatten()
            .map(|h| h.chars().count())
            .max()
            .unwrap_or(0);
        let w2 = s
            .entries
            .iter()
            .filter_map(|e| {
                if let SelectionEntry::Priority { sentence, .. } = e {
                    Some(quote(&sentence.value).chars().count())
                } else {
                    None
                }
            })
            .max()
            .unwrap_or(0);
        for (e, head) in s.entries.iter().zip(&heads) {
            let text = match e {
                SelectionEntry::Priority {
                    sentence, expr: x, ..
                } => {
                    let prefix = format!(
                        "{} {} ",
                        pad(head.as_deref().unwrap_or(""), w1),
                        pad(&quote(&sentence.value), w2)
                    );
                    wrapped(&prefix, x, "      ")
                }
                SelectionEntry::Rank { keys, .. } => {
                    let keys: Vec<String> = keys
                        .iter()
                        .map(|(k, desc)| {
                            format!(
                                "{} {}",
                                expr(k),
                                if *desc { "descending" } else { "ascending" }
                            )
                        })
                        .collect();
                    format!("rank by {}", keys.join(", "))
                }
                SelectionEntry::Top { count, .. } => format!("top {}", expr(count)),
                SelectionEntry::Budget {
                    amount,
                    proportional,
                    ..
                } => {
                    format!(
                        "budget {}{}",
                        expr(amount),
                        if *proportional { " proportional" } else { "" }
                    )
                }
            };
            self.line(e.span(), "  ", &text, true);
        }
    }

    pub(super) fn deduplicate(&mut self, s: &Section<DedupEntry>) {
        self.line(s.span, "", "deduplicate", false);
        let w1 = widest(s.entries.iter().map(|r| r.id.name.as_str()));
        let w2 = widest(s.entries.iter().map(|r| quote(&r.sentence.value)));
        for r in &s.entries {
            let by = match &r.by {
                DedupBy::SharedMembers => "shared members".to_string(),
                DedupBy::Same(names) => format!(
                    "same {}",
                    names
                        .iter()
                        .map(|n| n.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let text = format!(
                "{} {} {by}",
                pad(&r.id.name, w1),
                pad(&quote(&r.sentence.value), w2)
            );
            self.line(r.span, "  ", &text, true);
        }
    }
}

/// `cycle monthly from 2026-01-01 count 12`
pub(super) fn cycle_line(c: &CycleDecl) -> String {
    let mut s = String::from("cycle ");
    match &c.every {
        CycleEvery::Frequency(word) => s.push_str(word),
        CycleEvery::Interval(n, period) => {
            let _ = write!(s, "every {n} {period}");
        }
        CycleEvery::OnDemand => s.push_str("on demand"),
    }
    if !c.weekdays.is_empty() {
        let _ = write!(
            s,
            " on {}",
            c.weekdays
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some((d, _)) = c.from {
        let _ = write!(s, " from {}", d.format("%Y-%m-%d"));
    }
    if let Some((n, _)) = c.count {
        let _ = write!(s, " count {n}");
    }
    if let Some((d, _)) = c.until {
        let _ = write!(s, " until {}", d.format("%Y-%m-%d"));
    }
    if let Some((n, _)) = c.lasting {
        let _ = write!(s, " lasting {n} days");
    }
    s
}

/// `summary by region, head.gender with ages of head.birthdate`
pub(super) fn summary_line(s: &SummaryDecl) -> String {
    let by: Vec<String> = s.by.iter().map(|d| d.text()).collect();
    let mut t = format!("summary by {}", by.join(", "));
    if let Some(a) = &s.ages {
        let _ = write!(t, " with ages of {}", a.text());
    }
    t
}
