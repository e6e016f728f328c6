//! Explanations: for every rule and item, its outcome and the values that decided it.
//!
//! An explanation is data (identifiers and values), built only when asked for; it is rendered to
//! text in a locale by [`render::decision_text`], from the message catalogue and the
//! program's own translations.

use crate::result::Truth;
use chrono::NaiveDate;
use entitle_dsl::ast::{ItemKind, RuleKind};
use entitle_dsl::Value;
use rust_decimal::Decimal;
use serde::Serialize;

/// Where a named value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A registry input.
    Input,
    /// A program parameter.
    Param,
    /// A `let`.
    Let,
}

/// A name and its value for this unit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NamedValue {
    /// The input, parameter or `let` name.
    pub name: String,
    /// Where it comes from.
    pub source: Source,
    /// Its value (`null` when unknown).
    pub value: Value,
    /// For a parameter: the date from which the value used is in force (`null`: always).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_force_from: Option<NaiveDate>,
    /// For an input: true when the registry had no value and the declared default was used.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub defaulted: bool,
}

/// One rule's explanation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleExplanation {
    /// The rule.
    pub id: String,
    /// When or unless.
    pub kind: RuleKind,
    /// Whether its condition holds.
    pub outcome: Truth,
    /// The values of the names its condition reads.
    pub values: Vec<NamedValue>,
}

/// One item's explanation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemExplanation {
    /// The item.
    pub id: String,
    /// Cash or in kind.
    pub kind: ItemKind,
    /// Its condition's outcome (`met` when it has none).
    pub condition: Truth,
    /// Whether it was given.
    pub applied: bool,
    /// In `first match` mode: skipped because an earlier item was given.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub superseded: bool,
    /// The values of the names it reads.
    pub values: Vec<NamedValue>,
}

/// An adjustment of the cash total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Adjustment {
    /// The cap lowered the total.
    Cap {
        /// The cap.
        limit: Decimal,
        /// The total before.
        before: Decimal,
    },
    /// The floor raised the total.
    Floor {
        /// The floor.
        limit: Decimal,
        /// The total before.
        before: Decimal,
    },
    /// Rounding changed the total.
    Round {
        /// The step.
        step: Decimal,
        /// The mode (`half_up` …).
        mode: String,
        /// The total before.
        before: Decimal,
        /// The total after.
        after: Decimal,
    },
    /// A group cap (`cap a + b at …`) lowered the sum of its items.
    GroupCap {
        /// The items.
        items: Vec<String>,
        /// The cap.
        limit: Decimal,
        /// The sum before.
        before: Decimal,
    },
    /// A negative total was raised to zero (an entitlement is never negative).
    Zero {
        /// The total before.
        before: Decimal,
    },
}

/// A score's explanation: its value and its breakdown.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoreExplanation {
    /// The score.
    pub id: String,
    /// Its value (`null` when unknown).
    pub value: Value,
    /// Each component, in written order.
    pub components: Vec<ComponentExplanation>,
}

/// One component of a score: its value and the values it read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComponentExplanation {
    /// The component.
    pub id: String,
    /// Its value (`null` when unknown).
    pub value: Value,
    /// The values of the names it reads (inputs, parameters, lets).
    pub values: Vec<NamedValue>,
}

/// The whole explanation of one decision.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct Explanation {
    /// Every rule, in written order.
    pub rules: Vec<RuleExplanation>,
    /// Every item, in written order (empty unless eligible).
    pub items: Vec<ItemExplanation>,
    /// Adjustments of the cash total, in the order applied.
    pub adjustments: Vec<Adjustment>,
    /// Scores, each with its components and the values each component read (whatever the decision).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<ScoreExplanation>,
    /// `compliant when` conditions, in written order (eligible units of programs that have them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<RuleExplanation>,
    /// `selection` priority conditions, in written order (eligible units of programs that have them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub priority: Vec<RuleExplanation>,
    /// The values the ranking keys read (eligible units of programs that rank).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rank: Vec<NamedValue>,
}

/// Rendering of decisions and explanations as text in a locale.
pub mod render {
    use super::{Adjustment, NamedValue, Source};
    use crate::program::Program;
    use crate::result::{Decision, Outcome};
    use entitle_dsl::ast::{ItemKind, RuleKind};
    use entitle_dsl::locale::{self, Catalog};
    use entitle_dsl::Value;
    use rust_decimal::Decimal;

    fn sentence<'a>(p: &'a Program, locale: &str, id: &str, default: &'a str) -> &'a str {
        // As `locale::catalog` finds it: `FR` or `fr_FR` must not give French phrases around
        // English sentences.
        let base = locale.split(['-', '_']).next().unwrap_or(locale);
        // Lower-cased only when it must be: this runs for every sentence of every explanation.
        let lower;
        let base = if base.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = base.to_ascii_lowercase();
            lower.as_str()
        } else {
            base
        };
        p.ir()
            .translations
            .get(base)
            .and_then(|m| m.get(id))
            .map(String::as_str)
            .unwrap_or(default)
    }

    /// Decimal places shown in full; a value with more is cut to [`SHOWN`] places and "…".
    const EXACT: u32 = 6;
    const SHOWN: u32 = 4;

    /// A decimal as a person reads it: in full with up to six decimal places, else its first four
    /// places and "…" (a third of a shilling is not written with 28 threes). The digits shown are
    /// the value's own (cut, not rounded); the decision's data keeps them all.
    pub(crate) fn readable(d: Decimal) -> String {
        if d.scale() <= EXACT {
            return d.to_string();
        }
        // Trailing zeros that arithmetic left are not places worth cutting.
        let n = d.normalize();
        if n.scale() <= EXACT {
            return n.to_string();
        }
        // A small negative value keeps its sign when cut to zero places (`-0.0000…`).
        format!("{}…", n.trunc_with_scale(SHOWN))
    }

    fn value_text(v: &Value) -> String {
        match v {
            Value::Text(t) => format!("\"{t}\""),
            Value::Number(n) => readable(*n),
            // A negative amount as the language writes it (`-KES 5`), as `Money` displays it.
            Value::Money(m) => match readable(m.amount).strip_prefix('-') {
                Some(digits) => format!("-{} {digits}", m.currency),
                None => format!("{} {}", m.currency, readable(m.amount)),
            },
            Value::Quantity(q) => format!("{} {}", readable(q.amount), q.unit),
            other => other.to_string(),
        }
    }

    fn named(c: &Catalog, v: &NamedValue) -> String {
        let value = value_text(&v.value);
        match (v.source, v.in_force_from) {
            (Source::Param, Some(from)) => c.render(
                "explain.param",
                &[
                    ("name", &v.name),
                    ("value", &value),
                    ("from", &from.to_string()),
                ],
            ),
            _ => c.render("explain.value", &[("name", &v.name), ("value", &value)]),
        }
    }

    fn money(p: &Program, d: Decimal) -> String {
        match p.currency() {
            Some(c) => format!("{c} {}", readable(d)),
            None => readable(d),
        }
    }

    /// The decision as text, in `locale` (`en`, `fr` …): the decision, each rule with the values
    /// that decided it, each item, the adjustments and the totals. Values appear only when the
    /// decision was evaluated with an explanation.
    pub fn decision_text(p: &Program, d: &Decision, locale: &str) -> String {
        let c = locale::catalog(locale);
        let mut lines = Vec::new();
        let title = p.ir().title.as_deref().unwrap_or(&p.ir().id);
        let title = sentence(p, locale, "title", title);
        lines.push(format!("{title} — {} — {}", d.unit_id, d.as_of));
        // Undetermined with nothing missing: a rule is unknown for another reason (the largest of
        // no members), and "information is missing" would send the officer looking for none.
        let key = match d.outcome {
            Outcome::Undetermined if d.missing.is_empty() => {
                "explain.decision.undetermined_unknown".to_string()
            }
            o => format!("explain.decision.{}", o.as_str()),
        };
        lines.push(c.render(&key, &[]));
        let ex = d.explanation.as_ref();
        for (i, r) in d.rules.iter().enumerate() {
            let Some(rule) = p.rules().iter().find(|x| x.id == r.id) else {
                continue;
            };
            let text = sentence(p, locale, &rule.id, &rule.sentence);
            let prefix = if r.kind == RuleKind::Unless {
                "explain.unless"
            } else {
                "explain.rule"
            };
            let key = format!("{prefix}.{}", r.outcome.as_str());
            let mut line = c.render(&key, &[("sentence", text)]);
            if let Some(re) = ex.and_then(|e| e.rules.get(i)) {
                if !re.values.is_empty() {
                    let vals: Vec<String> = re.values.iter().map(|v| named(c, v)).collect();
                    line.push_str(" — ");
                    line.push_str(&vals.join("; "));
                }
            }
            lines.push(line);
        }
        for se in ex.map(|e| e.scores.as_slice()).unwrap_or(&[]) {
            let Some(def) = p.ir().scores.iter().find(|s| s.id == se.id) else {
                continue;
            };
            let text = sentence(
                p,
                locale,
                &def.id,
                def.sentence.as_deref().unwrap_or(&def.id),
            );
            lines.push(c.render(
                "explain.score",
                &[("sentence", text), ("value", &value_text(&se.value))],
            ));
            for ce in &se.components {
                let Some(cdef) = def.components.iter().find(|x| x.id == ce.id) else {
                    continue;
                };
                let key = format!("{}.{}", def.id, cdef.id);
                let text = sentence(p, locale, &key, &cdef.sentence);
                let mut line = c.render(
                    "explain.component",
                    &[("sentence", text), ("value", &value_text(&ce.value))],
                );
                if !ce.values.is_empty() {
                    let vals: Vec<String> = ce.values.iter().map(|v| named(c, v)).collect();
                    line.push_str(" — ");
                    line.push_str(&vals.join("; "));
                }
                lines.push(line);
            }
        }
        if d.outcome == Outcome::Undetermined && !d.missing.is_empty() {
            lines.push(c.render("explain.missing", &[("names", &d.missing.join(", "))]));
        }
        run_checks_text(p, d, c, locale, &mut lines);
        if d.outcome == Outcome::Eligible {
            for item in &d.items {
                let Some(def) = p.items().iter().find(|x| x.id == item.id) else {
                    continue;
                };
                let text = sentence(p, locale, &def.id, &def.sentence);
                let show = |x: Decimal| match item.kind {
                    ItemKind::Cash => money(p, x),
                    ItemKind::InKind => format!("{x} {}", item.unit.as_deref().unwrap_or("")),
                };
                let line = if !item.applied {
                    c.render("explain.item.not_applied", &[("sentence", text)])
                } else if let (Some(rate), Some(m)) = (item.rate, item.multiplier) {
                    match item.max_multiplier {
                        Some(max) if max < m => c.render(
                            "explain.item.times_capped",
                            &[
                                ("sentence", text),
                                ("rate", &show(rate)),
                                ("multiplier", &max.to_string()),
                                ("requested", &m.to_string()),
                                ("max", &max.to_string()),
                                ("amount", &show(item.amount)),
                            ],
                        ),
                        _ => c.render(
                            "explain.item.times",
                            &[
                                ("sentence", text),
                                ("rate", &show(rate)),
                                ("multiplier", &m.to_string()),
                                ("amount", &show(item.amount)),
                            ],
                        ),
                    }
                } else {
                    c.render(
                        "explain.item",
                        &[("sentence", text), ("amount", &show(item.amount))],
                    )
                };
                let mut line = line;
                if let Some(ie) = ex.and_then(|e| e.items.iter().find(|x| x.id == item.id)) {
                    if item.applied && !ie.values.is_empty() {
                        let vals: Vec<String> = ie.values.iter().map(|v| named(c, v)).collect();
                        line.push_str(" — ");
                        line.push_str(&vals.join("; "));
                    }
                }
                lines.push(line);
            }
            if let Some(e) = ex {
                for a in &e.adjustments {
                    lines.push(match a {
                        Adjustment::Cap { limit, before } => c.render(
                            "explain.cap",
                            &[
                                ("amount", &money(p, *limit)),
                                ("before", &money(p, *before)),
                            ],
                        ),
                        Adjustment::Floor { limit, before } => c.render(
                            "explain.floor",
                            &[
                                ("amount", &money(p, *limit)),
                                ("before", &money(p, *before)),
                            ],
                        ),
                        Adjustment::Round {
                            step, mode, after, ..
                        } => c.render(
                            "explain.round",
                            &[
                                ("amount", &money(p, *after)),
                                ("mode", &c.render(&format!("explain.mode.{mode}"), &[])),
                                ("step", &step.to_string()),
                            ],
                        ),
                        Adjustment::Zero { before } => {
                            c.render("explain.zero", &[("before", &money(p, *before))])
                        }
                        Adjustment::GroupCap {
                            items,
                            limit,
                            before,
                        } => {
                            let unit = p
                                .items()
                                .iter()
                                .find(|i| items.first() == Some(&i.id))
                                .and_then(|i| i.unit.clone());
                            let show = |x: Decimal| match &unit {
                                Some(u) => format!("{x} {u}"),
                                None => money(p, x),
                            };
                            c.render(
                                "explain.group_cap",
                                &[
                                    ("items", &items.join(" + ")),
                                    ("amount", &show(*limit)),
                                    ("before", &show(*before)),
                                ],
                            )
                        }
                    });
                }
            }
            if let Some(cash) = &d.cash {
                lines.push(c.render("explain.total", &[("amount", &money(p, cash.total))]));
                if let Some(fee) = &p.ir().entitlement.fee {
                    let text = sentence(p, locale, &fee.id, &fee.sentence);
                    lines.push(c.render(
                        "explain.fee",
                        &[("sentence", text), ("amount", &money(p, cash.fee))],
                    ));
                    lines.push(c.render("explain.net", &[("amount", &money(p, cash.net))]));
                }
            }
            for q in d.in_kind.iter().filter(|q| !q.quantity.is_zero()) {
                lines.push(c.render(
                    "explain.in_kind.total",
                    &[("quantity", &format!("{} {}", q.quantity, q.unit))],
                ));
            }
        }
        lines.join("\n")
    }

    /// The compliance and priority conditions of an eligible unit, each with the values that
    /// decided it (when the decision has an explanation) and the state a failing compliance
    /// condition leads to.
    fn run_checks_text(
        p: &Program,
        d: &Decision,
        c: &entitle_dsl::locale::Catalog,
        locale: &str,
        lines: &mut Vec<String>,
    ) {
        let ex = d.explanation.as_ref();
        let run = &p.ir().run;
        let line = |id: &str, outcome: crate::result::Truth, values: Option<&Vec<NamedValue>>| {
            let sentence_of = run
                .compliance
                .iter()
                .map(|r| (&r.id, &r.sentence))
                .chain(run.priority().iter().map(|r| (&r.id, &r.sentence)))
                .find(|(i, _)| *i == id);
            let text = sentence_of
                .map(|(i, s)| sentence(p, locale, i, s))
                .unwrap_or(id);
            let mut l = c.render(
                &format!("explain.rule.{}", outcome.as_str()),
                &[("sentence", text)],
            );
            if let Some(v) = values.filter(|v| !v.is_empty()) {
                let vals: Vec<String> = v.iter().map(|x| named(c, x)).collect();
                l.push_str(" — ");
                l.push_str(&vals.join("; "));
            }
            l
        };
        if !d.compliance.is_empty() {
            lines.push(c.render("explain.compliance", &[]));
            for (k, o) in d.compliance.iter().enumerate() {
                let mut l = line(
                    &o.id,
                    o.outcome,
                    ex.and_then(|e| e.compliance.get(k)).map(|r| &r.values),
                );
                if o.outcome != crate::result::Truth::Met {
                    l.push(' ');
                    // The state as a word of the locale (`suspendu`), not its code.
                    let state = c.render(&format!("state.{}", o.otherwise.as_str()), &[]);
                    l.push_str(&c.render("explain.otherwise", &[("state", &state)]));
                }
                lines.push(l);
            }
        }
        if !d.priority.is_empty() {
            lines.push(c.render("explain.priority", &[]));
            for (k, o) in d.priority.iter().enumerate() {
                lines.push(line(
                    &o.id,
                    o.outcome,
                    ex.and_then(|e| e.priority.get(k)).map(|r| &r.values),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::render::readable;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    #[test]
    fn long_fractions_are_cut_for_people_and_short_ones_kept() {
        let r = |s: &str| readable(Decimal::from_str(s).unwrap());
        assert_eq!(r("5263.3333333333333333333333333"), "5263.3333…");
        assert_eq!(r("1666.6666666666666666666666667"), "1666.6666…");
        assert_eq!(r("-0.0000001"), "-0.0000…");
        assert_eq!(r("0.0000001"), "0.0000…");
        // Up to six places, and a money amount's own places, are written as they are.
        assert_eq!(r("1500.50"), "1500.50");
        assert_eq!(r("0.123456"), "0.123456");
        assert_eq!(r("2500"), "2500");
        assert_eq!(r("2500.0000000000000000000000"), "2500");
        assert_eq!(r("0.1250000000"), "0.125");
    }
}
