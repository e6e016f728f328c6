//! The plan's values for one run: parameters on the as-of date, text tests decided once per
//! distinct text of each dictionary, lists of `in` resolved.

use super::exec::Span;
use super::num::Fx;
use super::plan::{Fixed, Op, Plan, Scalar, Source, TextPred, TextSrc};
use crate::batch::{Batch, Column};
use crate::eval::expr::holds;
use crate::program::Inner;
use chrono::NaiveDate;
use entitle_dsl::ir::{Builtin, CmpOp};
use entitle_dsl::Value;

/// What a text test gives for each dictionary code of its column, and for an empty cell.
#[derive(Clone, Debug, Default)]
pub(crate) struct TextTable {
    codes: Vec<Option<bool>>,
    empty: Option<bool>,
    /// The result for a text that is unknown whatever the default (a household without a head).
    unknown: Option<bool>,
    /// The test's fixed values, resolved (for membership kinds, tested lane by lane).
    pred: Option<ResolvedPred>,
}

#[derive(Clone, Debug)]
enum ResolvedPred {
    Cmp(CmpOp, Option<String>),
    In(Option<Vec<String>>, bool),
    Fn(Builtin, Option<String>),
    Known,
    HasKind(Option<String>),
}

impl ResolvedPred {
    fn on(&self, s: &str, inner: &Inner) -> Option<bool> {
        match self {
            ResolvedPred::Cmp(op, t) => t.as_deref().map(|t| holds(*op, s.cmp(t))),
            ResolvedPred::In(list, negated) => {
                list.as_ref().map(|l| l.iter().any(|x| x == s) != *negated)
            }
            ResolvedPred::Fn(f, p) => {
                let p = p.as_deref()?;
                Some(match f {
                    Builtin::Contains => s.contains(p),
                    Builtin::StartsWith => s.starts_with(p),
                    Builtin::EndsWith => s.ends_with(p),
                    Builtin::SameText => s.trim().to_lowercase() == p.trim().to_lowercase(),
                    _ => inner.regexes.get(p).is_some_and(|re| re.is_match(s)),
                })
            }
            ResolvedPred::Known => Some(true),
            ResolvedPred::HasKind(_) => None,
        }
    }

    /// The result for an unknown text.
    fn unknown(&self) -> Option<bool> {
        match self {
            ResolvedPred::Known => Some(false),
            _ => None,
        }
    }
}

/// The plan with the values of one run: parameters on the as-of date, text tests per dictionary.
pub(crate) struct Bound<'a> {
    pub as_of: NaiveDate,
    params: Vec<Option<&'a Value>>,
    /// For each operation (main, then fee), its text table or resolved list.
    pub(super) texts: Vec<Option<TextTable>>,
    pub(super) lists: Vec<Option<Vec<Scalar>>>,
}

impl<'a> Bound<'a> {
    pub(super) fn resolve(&self, f: &'a Fixed) -> Option<&'a Value> {
        match f {
            Fixed::Value(v) => Some(v),
            Fixed::Param(i) => self.params.get(*i).copied().flatten(),
        }
    }

    fn text(&self, f: &'a Fixed) -> Option<String> {
        match self.resolve(f)? {
            Value::Text(t) => Some(t.clone()),
            _ => None,
        }
    }
}

fn params_used(op: &Op, out: &mut Vec<usize>) {
    let mut add = |f: &Fixed| {
        if let Fixed::Param(i) = f {
            out.push(*i);
        }
    };
    match op {
        Op::Fixed { v, .. } | Op::In { list: v, .. } => add(v),
        Op::Text {
            pred:
                TextPred::Cmp(_, v) | TextPred::In(v, _) | TextPred::Fn(_, v) | TextPred::HasKind(v),
            ..
        } => add(v),
        _ => {}
    }
}

fn list_scalar(v: &Value) -> Option<Scalar> {
    match v {
        Value::Number(d) => Fx::from_dec(d.normalize()).map(Scalar::Num),
        Value::Money(m) => Fx::from_dec(m.amount.normalize()).map(Scalar::Num),
        Value::Quantity(q) => Fx::from_dec(q.amount.normalize()).map(Scalar::Num),
        other => super::plan::scalar(other),
    }
}

impl Plan {
    /// The plan's values for one batch and as-of date; `None` when a parameter it reads has no value
    /// on that date (the interpreter reports that error, unit by unit).
    pub(crate) fn bind<'a>(
        &'a self,
        inner: &'a Inner,
        batch: &Batch,
        as_of: NaiveDate,
    ) -> Option<Bound<'a>> {
        let params: Vec<Option<&Value>> = inner
            .ir
            .params
            .iter()
            .map(|p| p.value_on(as_of).map(|v| &v.value))
            .collect();
        let mut used = Vec::new();
        for op in self.main.iter().chain(&self.fee_ops) {
            params_used(op, &mut used);
        }
        if used
            .iter()
            .any(|i| params.get(*i).copied().flatten().is_none())
        {
            return None;
        }
        let mut bound = Bound {
            as_of,
            params,
            texts: Vec::new(),
            lists: Vec::new(),
        };
        for op in self.main.iter().chain(&self.fee_ops) {
            let text = match op {
                Op::Text { src, pred, .. } => Some(text_table(&bound, inner, batch, src, pred)),
                _ => None,
            };
            let list = match op {
                Op::In { list, .. } => Some(match bound.resolve(list) {
                    Some(Value::List(items)) => items.iter().filter_map(list_scalar).collect(),
                    _ => Vec::new(),
                }),
                _ => None,
            };
            bound.texts.push(text);
            bound.lists.push(list);
        }
        Some(bound)
    }
}

fn text_table<'a>(
    bound: &Bound<'a>,
    inner: &Inner,
    batch: &Batch,
    src: &TextSrc,
    pred: &'a TextPred,
) -> TextTable {
    let resolved = match pred {
        TextPred::Cmp(op, f) => ResolvedPred::Cmp(*op, bound.text(f)),
        TextPred::In(f, negated) => ResolvedPred::In(
            match bound.resolve(f) {
                Some(Value::List(items)) => Some(
                    items
                        .iter()
                        .filter_map(|v| {
                            if let Value::Text(t) = v {
                                Some(t.clone())
                            } else {
                                None
                            }
                        })
                        .collect(),
                ),
                _ => None,
            },
            *negated,
        ),
        TextPred::Fn(f, p) => ResolvedPred::Fn(*f, bound.text(p)),
        TextPred::Known => ResolvedPred::Known,
        TextPred::HasKind(k) => ResolvedPred::HasKind(bound.text(k)),
    };
    let (col, default) = match src {
        TextSrc::Col(Source::Unit(slot), d) => (batch.unit_column(*slot), d),
        TextSrc::Col(Source::Member(slot) | Source::Head(slot), d) => {
            (batch.member_column(*slot), d)
        }
        TextSrc::Kind => {
            return TextTable {
                codes: Vec::new(),
                empty: resolved.unknown(),
                unknown: resolved.unknown(),
                pred: Some(resolved),
            }
        }
    };
    let codes = match col {
        Some(Column::Text(t)) => t
            .dictionary()
            .iter()
            .map(|s| resolved.on(s, inner))
            .collect(),
        _ => Vec::new(),
    };
    let empty = match default {
        Some(d) => resolved.on(d, inner),
        None => resolved.unknown(),
    };
    TextTable {
        codes,
        empty,
        unknown: resolved.unknown(),
        pred: Some(resolved),
    }
}

pub(super) fn text_lanes(
    d: &mut [Option<bool>],
    table: &TextTable,
    src: &TextSrc,
    inner: &Inner,
    batch: &Batch,
    span: &Span,
    head: &[Option<usize>],
) {
    let lookup = |col: Option<&Column>, row: Option<usize>| -> Option<bool> {
        let code = match (col, row) {
            (Some(Column::Text(t)), Some(r)) => t.code(r),
            _ => None,
        };
        match code {
            Some(c) => table.codes.get(c as usize).copied().flatten(),
            None => table.empty,
        }
    };
    match src {
        TextSrc::Col(Source::Unit(slot), _) => {
            let col = batch.unit_column(*slot);
            for (i, x) in d.iter_mut().enumerate() {
                *x = lookup(col, Some(span.unit0 + i));
            }
        }
        TextSrc::Col(Source::Member(slot), _) => {
            let col = batch.member_column(*slot);
            for (i, x) in d.iter_mut().enumerate() {
                *x = lookup(col, Some(span.member0 + i));
            }
        }
        TextSrc::Col(Source::Head(slot), _) => {
            let col = batch.member_column(*slot);
            for (i, x) in d.iter_mut().enumerate() {
                // No head: unknown (the interpreter reports `head` as missing).
                *x = match head.get(i).copied().flatten() {
                    Some(r) => lookup(col, Some(r)),
                    None => table.unknown,
                };
            }
        }
        TextSrc::Kind => {
            let Some(pred) = &table.pred else { return };
            for (i, x) in d.iter_mut().enumerate() {
                let kinds = batch.member_kinds.get(span.member0 + i);
                *x = match pred {
                    ResolvedPred::HasKind(k) => match (kinds, k) {
                        (Some(ks), Some(k)) => {
                            Some(ks.iter().any(|x| x.eq_ignore_ascii_case(k.trim())))
                        }
                        _ => None,
                    },
                    _ => match kinds.and_then(|ks| ks.first()) {
                        Some(s) => pred.on(s, inner),
                        None => pred.unknown(),
                    },
                };
            }
        }
    }
}
