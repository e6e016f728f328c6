//! From evaluated batches to the compact records a run works on.
//!
//! A [`Collector`] is made once per run (it resolves the names of summary dimensions to input
//! slots) and then reads each evaluated batch: decisions, run-check columns, and the few registry
//! values deduplication and summaries need. A registry too large for memory is read chunk by chunk,
//! and only these records are kept.

use super::error::RunError;
use super::RunUnit;
use crate::batch::{Batch, Column};
use crate::eval::results::{BatchResult, UnitStatus};
use crate::program::Program;
use crate::result::Outcome;
use chrono::NaiveDate;
use entitle_dsl::ast::Scope;
use entitle_dsl::run::DedupCriterion;
use entitle_dsl::{Type, Value};

/// Where a summary dimension's value comes from.
#[derive(Clone, Debug, PartialEq)]
enum Field {
    /// A unit-level input.
    Unit { slot: usize, ty: Type },
    /// A member input, read from the household's head.
    Head { slot: usize, ty: Type },
    /// A member truth value: true when some member's is true (a household with a disabled member).
    AnyMember { slot: usize },
}

/// One input of a `same` rule.
#[derive(Clone, Debug)]
struct KeyPart {
    member: bool,
    slot: usize,
    ty: Type,
}

/// Builds [`RunUnit`]s from evaluated batches.
#[derive(Clone, Debug)]
pub struct Collector {
    program: Program,
    as_of: NaiveDate,
    shared_members: bool,
    same: Vec<Vec<KeyPart>>,
    dims: Vec<(String, Field)>,
    age: Option<Field>,
}

impl Collector {
    /// A collector for `program` at `as_of`, reading the summary dimensions `dims` and the date
    /// input `age` (for age quartiles). A dimension is a unit input (`region`), a member input of the
    /// head (`head.gender`), or a member truth value held by any member (`member.disabled`).
    ///
    /// # Errors
    /// [`RunError::UnknownField`] for a name that is none of these.
    pub fn new(
        program: &Program,
        as_of: NaiveDate,
        dims: &[String],
        age: Option<&str>,
    ) -> Result<Collector, RunError> {
        let ir = program.ir();
        let layout = program.layout();
        let mut same = Vec::new();
        let mut shared_members = false;
        for rule in &ir.run.dedup {
            match &rule.criterion {
                DedupCriterion::SharedMembers => shared_members = true,
                DedupCriterion::Same(inputs) => {
                    let parts = inputs
                        .iter()
                        .filter_map(|i| ir.inputs.get(*i))
                        .map(|input| KeyPart {
                            member: input.scope == Scope::Member,
                            slot: input.slot,
                            ty: input.ty.clone(),
                        })
                        .collect();
                    same.push(parts);
                }
            }
        }
        let resolve = |name: &str| -> Result<Field, RunError> {
            let unknown = || RunError::UnknownField {
                field: name.to_string(),
            };
            let field = match name.split_once('.') {
                Some(("head", f)) if layout.has_members() => {
                    let slot = layout.member_slot(f).ok_or_else(unknown)?;
                    let ty = layout
                        .member_inputs()
                        .get(slot)
                        .map(|i| i.ty.clone())
                        .ok_or_else(unknown)?;
                    Field::Head { slot, ty }
                }
                Some(("member", f)) if layout.has_members() => {
                    let slot = layout.member_slot(f).ok_or_else(unknown)?;
                    match layout.member_inputs().get(slot).map(|i| &i.ty) {
                        Some(Type::Bool) => Field::AnyMember { slot },
                        _ => return Err(unknown()),
                    }
                }
                Some((scope, f)) if scope == layout.unit_scope().keyword() => {
                    unit_field(layout, f).ok_or_else(unknown)?
                }
                Some(_) => return Err(unknown()),
                None => unit_field(layout, name).ok_or_else(unknown)?,
            };
            Ok(field)
        };
        let dims = dims
            .iter()
            .map(|d| resolve(d.trim()).map(|f| (d.trim().to_string(), f)))
            .collect::<Result<Vec<_>, _>>()?;
        let age = match age {
            Some(a) => {
                let f = resolve(a.trim())?;
                match &f {
                    Field::Unit { ty: Type::Date, .. } | Field::Head { ty: Type::Date, .. } => {
                        Some(f)
                    }
                    _ => {
                        return Err(RunError::InvalidOption {
                            option: "age".into(),
                            reason: format!("`{a}` is not a date input"),
                        });
                    }
                }
            }
            None => None,
        };
        Ok(Collector {
            program: program.clone(),
            as_of,
            shared_members,
            same,
            dims,
            age,
        })
    }

    /// A collector for the dimensions and ages the program's `summary by` line names (none without
    /// one).
    ///
    /// # Errors
    /// As [`Collector::new`] (the checker has already verified the names).
    pub fn for_program(program: &Program, as_of: NaiveDate) -> Result<Collector, RunError> {
        let spec = program
            .ir()
            .run
            .summary
            .clone()
            .unwrap_or(entitle_dsl::run::SummarySpec {
                by: Vec::new(),
                ages: None,
            });
        Collector::new(program, as_of, &spec.by, spec.ages.as_deref())
    }

    /// The names of the summary dimensions, in order.
    pub fn dimensions(&self) -> Vec<String> {
        self.dims.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Appends one record per unit of `result` to `out`.
    pub fn collect(&self, result: &BatchResult<'_>, out: &mut Vec<RunUnit>) {
        let p = self.program.inner();
        let batch = result.batch;
        out.reserve(result.len());
        for i in 0..result.len() {
            let mut u = RunUnit {
                unit_id: result.unit_id(i).to_string(),
                ..RunUnit::default()
            };
            match result.status(i) {
                UnitStatus::Error => {
                    // The registry facts still count: a unit kept enrolled despite an error still
                    // holds its members and ID documents against new duplicates, and the summary
                    // still knows its region.
                    u.error = result.error(i).map(|e| e.code().to_string());
                    self.registry_facts(batch, i, &mut u);
                    out.push(u);
                    continue;
                }
                UnitStatus::Eligible => u.outcome = Some(Outcome::Eligible),
                UnitStatus::NotEligible => u.outcome = Some(Outcome::NotEligible),
                UnitStatus::Undetermined => {
                    u.outcome = Some(Outcome::Undetermined);
                    u.missing = result
                        .decision(i)
                        .map(|d| d.missing.into_iter().map(String::from).collect())
                        .unwrap_or_default();
                }
            }
            if u.outcome == Some(Outcome::NotEligible) {
                let truths = result.rule_truths(i);
                u.failed =
                    p.ir.rules
                        .iter()
                        .zip(truths)
                        .filter(|(r, t)| crate::result::decides_against(r.kind, **t))
                        .map(|(r, _)| r.id.clone())
                        .collect();
            }
            u.compliance = result.compliance_slots(i).to_vec();
            u.priority = result.priority_slots(i).to_vec();
            u.rank_keys = result.rank_key_slots(i).to_vec();
            u.cash = result.cash_total(i);
            u.in_kind = u.outcome == Some(Outcome::Eligible)
                && result
                    .in_kind_totals(i)
                    .iter()
                    .any(|q| *q > rust_decimal::Decimal::ZERO);
            self.registry_facts(batch, i, &mut u);
            out.push(u);
        }
    }

    /// What deduplication and the summary read from the registry for unit `i`, whatever its
    /// decision: its members on the as-of date, its deduplication keys, its summary dimensions and
    /// its age.
    fn registry_facts(&self, batch: &Batch, i: usize, u: &mut RunUnit) {
        let active = self.active_members(batch, i);
        if self.shared_members {
            u.members = active
                .iter()
                .filter_map(|r| batch.member_ids.get(*r))
                .map(|s| s.to_string())
                .collect();
        }
        u.dedup_keys = self
            .same
            .iter()
            .map(|parts| dedup_keys(batch, i, &active, parts))
            .collect();
        u.groups = self
            .dims
            .iter()
            .map(|(_, f)| self.field_value(batch, i, &active, f))
            .collect();
        u.age = self
            .age
            .as_ref()
            .and_then(|f| match self.field_value(batch, i, &active, f) {
                Value::Date(d) => whole_years(d, self.as_of),
                _ => None,
            });
    }

    /// Member rows of unit `i` whose membership counts on the as-of date.
    fn active_members(&self, batch: &Batch, i: usize) -> Vec<usize> {
        batch
            .members_of(i)
            .filter(|r| {
                let start = batch.member_start.get(*r).copied().flatten();
                let end = batch.member_end.get(*r).copied().flatten();
                start.is_none_or(|s| s <= self.as_of) && end.is_none_or(|e| self.as_of < e)
            })
            .collect()
    }

    fn field_value(&self, batch: &Batch, i: usize, active: &[usize], f: &Field) -> Value {
        let input_default = |member: bool, slot: usize| -> Option<Value> {
            let layout = self.program.layout();
            let inputs = if member {
                layout.member_inputs()
            } else {
                layout.unit_inputs()
            };
            inputs.get(slot).and_then(|x| x.default.clone())
        };
        let read = |col: Option<&Column>, row: usize, ty: &Type| {
            col.map(|c| c.value(row, ty)).unwrap_or_default()
        };
        match f {
            Field::Unit { slot, ty } => {
                let v = read(batch.unit_cols.get(*slot), i, ty);
                if v.is_unknown() {
                    input_default(false, *slot).unwrap_or(v)
                } else {
                    v
                }
            }
            Field::Head { slot, ty } => {
                let head = active
                    .iter()
                    .find(|r| batch.member_is_head.get(**r).copied().unwrap_or(false));
                match head {
                    Some(r) => {
                        let v = read(batch.member_cols.get(*slot), *r, ty);
                        if v.is_unknown() {
                            input_default(true, *slot).unwrap_or(v)
                        } else {
                            v
                        }
                    }
                    None => Value::Unknown,
                }
            }
            Field::AnyMember { slot } => {
                // Kleene "any": true if some member's is true; false if all are known false.
                let mut unknown = false;
                for r in active {
                    let mut v = read(batch.member_cols.get(*slot), *r, &Type::Bool);
                    if v.is_unknown() {
                        v = input_default(true, *slot).unwrap_or(Value::Unknown);
                    }
                    match v {
                        Value::Bool(true) => return Value::Bool(true),
                        Value::Bool(false) => {}
                        _ => unknown = true,
                    }
                }
                if unknown {
                    Value::Unknown
                } else {
                    Value::Bool(false)
                }
            }
        }
    }
}

fn unit_field(layout: &crate::batch::Layout, name: &str) -> Option<Field> {
    let slot = layout.unit_slot(name)?;
    let ty = layout.unit_inputs().get(slot)?.ty.clone();
    Some(Field::Unit { slot, ty })
}

/// Whole years from `birth` to `as_of` (the language's `age`); `None` for a date after `as_of`.
fn whole_years(birth: NaiveDate, as_of: NaiveDate) -> Option<u32> {
    crate::eval::ops::age(birth, as_of)
        .ok()
        .and_then(|y| u32::try_from(y).ok())
}

/// The normalised form of one value for deduplication: case, spaces and the punctuation `-./()` are
/// ignored in texts, so `ab-123` and `AB 123` match, and `+254 712-345` matches `+254712345`.
/// Unknown and empty values never match anything.
pub fn normalise(v: &Value) -> Option<String> {
    let s = match v {
        Value::Unknown | Value::List(_) => return None,
        Value::Text(t) => t
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '/' | '(' | ')'))
            .flat_map(char::to_uppercase)
            .collect(),
        Value::Number(n) => n.normalize().to_string(),
        Value::Money(m) => m.amount.normalize().to_string(),
        Value::Quantity(q) => q.amount.normalize().to_string(),
        Value::Date(d) => d.to_string(),
        Value::Bool(b) => b.to_string(),
    };
    (!s.is_empty()).then_some(s)
}

/// The keys of one `same` rule for unit `i`: one for the unit's own inputs, or one per active member
/// for member inputs; a list input gives one key per element.
fn dedup_keys(batch: &Batch, i: usize, active: &[usize], parts: &[KeyPart]) -> Vec<String> {
    let read = |part: &KeyPart, row: usize| -> Value {
        let col = if part.member {
            batch.member_cols.get(part.slot)
        } else {
            batch.unit_cols.get(part.slot)
        };
        col.map(|c| c.value(row, &part.ty)).unwrap_or_default()
    };
    let key_of = |row_of: &dyn Fn(&KeyPart) -> usize| -> Vec<String> {
        if let [single] = parts {
            if let Value::List(items) = read(single, row_of(single)) {
                return items.iter().filter_map(normalise).collect();
            }
        }
        let mut key = String::new();
        for (k, part) in parts.iter().enumerate() {
            let Some(v) = normalise(&read(part, row_of(part))) else {
                return Vec::new();
            };
            if k > 0 {
                key.push('\u{1f}');
            }
            key.push_str(&v);
        }
        vec![key]
    };
    let mut keys = if parts.iter().any(|p| p.member) {
        active
            .iter()
            .flat_map(|r| key_of(&|p: &KeyPart| if p.member { *r } else { i }))
            .collect()
    } else {
        key_of(&|_: &KeyPart| i)
    };
    entitle_dsl::sorting::sort(&mut keys);
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_keys_ignore_case_spaces_and_punctuation() {
        assert_eq!(
            normalise(&Value::Text(" ab-123 ".into())),
            Some("AB123".into())
        );
        assert_eq!(
            normalise(&Value::Text("+254 (712) 345.678".into())),
            Some("+254712345678".into())
        );
        assert_eq!(normalise(&Value::Text(" - ".into())), None);
        assert_eq!(normalise(&Value::Unknown), None);
        assert_eq!(
            normalise(&Value::Number(rust_decimal::Decimal::new(1200, 2))),
            Some("12".into())
        );
    }

    #[test]
    fn whole_years_follow_the_age_rule() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(whole_years(d(2000, 2, 29), d(2026, 2, 28)), Some(25));
        assert_eq!(whole_years(d(2000, 2, 29), d(2026, 3, 1)), Some(26));
        assert_eq!(whole_years(d(2027, 1, 1), d(2026, 3, 1)), None);
    }
}
