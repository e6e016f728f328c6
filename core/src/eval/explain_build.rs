//! Building the explanation of one unit (only when asked for).

use super::results::ChunkOut;
use super::value::Val;
use super::{Env, State};
use crate::explain::{
    Adjustment, ComponentExplanation, Explanation, ItemExplanation, NamedValue, RuleExplanation,
    ScoreExplanation, Source,
};
use crate::result::{Outcome, Truth};
use entitle_dsl::ir::Ref;
use entitle_dsl::Value;

impl<'a> Env<'a> {
    pub(crate) fn named(&self, st: &mut State<'a>, r: Ref) -> Option<NamedValue> {
        Some(match r {
            Ref::Input(i) => {
                let input = self.p.ir.inputs.get(i)?;
                let raw = self
                    .batch
                    .unit_cols
                    .get(input.slot)
                    .and_then(|c| super::expr::cell(c, self.row));
                let defaulted = raw.is_none() && input.default.is_some();
                let was = std::mem::replace(&mut st.quiet, true);
                let v = self.input(st, i, None);
                st.quiet = was;
                NamedValue {
                    name: input.name.clone(),
                    source: Source::Input,
                    value: v.to_value(&input.ty),
                    in_force_from: None,
                    defaulted,
                }
            }
            Ref::Param(i) => {
                let param = self.p.ir.params.get(i)?;
                let at = self.params.get(i)?;
                NamedValue {
                    name: param.name.clone(),
                    source: Source::Param,
                    value: at.value.cloned().unwrap_or(Value::Unknown),
                    in_force_from: at.from,
                    defaulted: false,
                }
            }
            Ref::Let(pos) => {
                let l = self.p.ir.lets.get(pos)?;
                let v = st.read_let_quiet(pos).unwrap_or(Val::Unknown);
                NamedValue {
                    name: l.name.clone(),
                    source: Source::Let,
                    value: v.to_value(&l.expr.ty),
                    in_force_from: None,
                    defaulted: false,
                }
            }
        })
    }

    pub(crate) fn build_explanation(
        &self,
        st: &mut State<'a>,
        out: &ChunkOut,
        items_start: usize,
        outcome: Outcome,
    ) -> Explanation {
        let p = self.p;
        let n_rules = p.ir.rules.len();
        let truths = out
            .rule_truth
            .get(out.rule_truth.len().saturating_sub(n_rules)..)
            .unwrap_or(&[]);
        let mut e = Explanation::default();
        for (rule, truth) in p.ir.rules.iter().zip(truths) {
            let values = rule
                .refs
                .iter()
                .filter_map(|r| self.named(st, *r))
                .collect();
            e.rules.push(RuleExplanation {
                id: rule.id.clone(),
                kind: rule.kind,
                outcome: *truth,
                values,
            });
        }
        // Scores are explained whatever the decision: a score below a threshold is often the reason.
        for score in &p.ir.scores {
            let value = |st: &mut State<'a>, pos: usize| {
                let ty =
                    p.ir.lets
                        .get(pos)
                        .map(|l| l.expr.ty.clone())
                        .unwrap_or(entitle_dsl::Type::Number);
                st.read_let_quiet(pos)
                    .map(|v| v.to_value(&ty))
                    .unwrap_or(Value::Unknown)
            };
            let total = value(st, score.let_pos);
            let components = score
                .components
                .iter()
                .map(|c| {
                    let v = value(st, c.let_pos);
                    let values = c.refs.iter().filter_map(|r| self.named(st, *r)).collect();
                    ComponentExplanation {
                        id: c.id.clone(),
                        value: v,
                        values,
                    }
                })
                .collect();
            e.scores.push(ScoreExplanation {
                id: score.id.clone(),
                value: total,
                components,
            });
        }
        if outcome != Outcome::Eligible {
            return e;
        }
        let slots = out.items.get(items_start..).unwrap_or(&[]);
        for (item, slot) in p.ir.entitlement.items.iter().zip(slots) {
            let values = item
                .refs
                .iter()
                .filter_map(|r| self.named(st, *r))
                .collect();
            let condition = match slot.condition {
                Some(true) => Truth::Met,
                Some(false) => Truth::NotMet,
                None if slot.superseded => Truth::Unknown,
                None => Truth::Unknown,
            };
            e.items.push(ItemExplanation {
                id: item.id.clone(),
                kind: item.kind,
                condition,
                applied: slot.applied,
                superseded: slot.superseded,
                values,
            });
        }
        e.adjustments.extend(st.group_adjustments.iter().cloned());
        if let Some(c) = out.cash.last() {
            if c.capped {
                e.adjustments.push(Adjustment::Cap {
                    limit: c.cap.unwrap_or_default(),
                    before: c.after_groups,
                });
            }
            if c.floored {
                e.adjustments.push(Adjustment::Floor {
                    limit: c.floor.unwrap_or_default(),
                    before: c.after_cap,
                });
            }
            if c.rounded {
                if let Some((step, mode)) = p.ir.entitlement.round {
                    e.adjustments.push(Adjustment::Round {
                        step,
                        mode: mode.ident().to_string(),
                        before: c.after_floor,
                        after: if c.zeroed { c.after_floor } else { c.total },
                    });
                }
            }
            if c.zeroed {
                e.adjustments.push(Adjustment::Zero {
                    before: c.after_floor,
                });
            }
        }
        if p.run_checks {
            let (compliance, priority, rank) = self.explain_run_checks(st, out);
            e.compliance = compliance;
            e.priority = priority;
            e.rank = rank;
        }
        e
    }
}

impl<'a> State<'a> {
    fn read_let_quiet(&mut self, pos: usize) -> Option<Val<'a>> {
        let was = std::mem::replace(&mut self.quiet, true);
        let v = self.read_let(pos, None).ok();
        self.quiet = was;
        v
    }
}
