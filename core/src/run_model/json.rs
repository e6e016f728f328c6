//! The JSON boundary of a run, for the bindings and the conformance corpus.
//!
//! Options (every key optional; unknown keys are an error, so a typo is not silently ignored):
//!
//! ```json
//! {"previous": {"H1": "enrolled", "H2": "paused"},
//!  "compliance": "enrolled",
//!  "top": 100, "budget": "150000", "budget_mode": "proportional",
//!  "enrolment": "open",
//!  "fund": {"posted": "200000", "approved": "50000"}, "auto_approve": false,
//!  "summary": {"by": ["region", "head.gender", "member.disabled"], "age": "head.birthdate",
//!              "reference": ["H1", "H7"]},
//!  "compare_with": {"budget": "100000", "budget_mode": "proportional"}}
//! ```
//!
//! Without `by` or `age`, the summary uses the program's `summary by … with ages of …` line.
//!
//! The result is `{"units": [...], "totals": {...}, "summary": {...}, "comparison": {...}}`
//! (`summary` and `comparison` only when asked for: the comparison is with the same units run with
//! the `compare_with` options), each unit as [`super::UnitRun`] serialises; a run that cannot be
//! carried out gives
//! `{"error": {"code": "R0102", "message": "…", …}}`.

use super::{
    run, BudgetMode, Collector, ComplianceCheck, Enrolment, Fund, MembershipState, RunError,
    RunOptions, RunUnit,
};
use crate::eval::EvalOptions;
use crate::model::Unit;
use crate::parse::parse_date;
use crate::program::Program;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{json, Value as Json};
use std::collections::{BTreeSet, HashMap};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SummaryJson {
    #[serde(default)]
    by: Option<Vec<String>>,
    #[serde(default)]
    age: Option<String>,
    #[serde(default)]
    reference: Option<Vec<Json>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct OptionsJson {
    #[serde(default)]
    previous: HashMap<String, MembershipState>,
    #[serde(default)]
    compliance: Option<ComplianceCheck>,
    #[serde(default)]
    enrolment: Option<Enrolment>,
    #[serde(default)]
    compare_with: Option<Json>,
    #[serde(default)]
    top: Option<u64>,
    #[serde(default)]
    budget: Option<Json>,
    #[serde(default)]
    budget_mode: Option<BudgetMode>,
    #[serde(default)]
    fund: Option<FundJson>,
    #[serde(default)]
    auto_approve: bool,
    #[serde(default)]
    summary: Option<SummaryJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FundJson {
    posted: Json,
    #[serde(default)]
    approved: Option<Json>,
}

/// The run options of `options`; an option that cannot be read is refused under its own name
/// (`prefix` and its key: `top`, `compare_with.budget_mode`), not as the options as a whole.
fn read_options(options: &Json, prefix: &str) -> Result<OptionsJson, RunError> {
    serde_json::from_value(options.clone()).map_err(|whole| {
        // Each option alone, in order: the first that fails on its own is the one to name.
        let one = options.as_object().and_then(|fields| {
            fields.iter().find_map(|(key, value)| {
                let mut alone = serde_json::Map::new();
                alone.insert(key.clone(), value.clone());
                let alone = Json::Object(alone);
                serde_json::from_value::<OptionsJson>(alone)
                    .err()
                    .map(|e| (format!("{prefix}{key}"), e))
            })
        });
        let (option, e) = one.unwrap_or_else(|| {
            let name = prefix.strip_suffix('.').unwrap_or("options");
            (name.to_string(), whole)
        });
        RunError::InvalidOption {
            option,
            reason: e.to_string(),
        }
    })
}

fn amount(v: &Json, option: &str) -> Result<Decimal, RunError> {
    let text = match v {
        Json::String(s) => s.trim().to_string(),
        Json::Number(n) => n.to_string(),
        _ => String::new(),
    };
    crate::parse::parse_decimal(&text).ok_or_else(|| RunError::InvalidOption {
        option: option.into(),
        reason: "expected a decimal amount".into(),
    })
}

impl OptionsJson {
    fn run_options(&self) -> Result<RunOptions, RunError> {
        let fund = match &self.fund {
            Some(f) => Some(Fund {
                posted: amount(&f.posted, "fund.posted")?,
                approved: f
                    .approved
                    .as_ref()
                    .map(|a| amount(a, "fund.approved"))
                    .transpose()?
                    .unwrap_or_default(),
            }),
            None => None,
        };
        Ok(RunOptions {
            previous: self.previous.clone(),
            compliance: self.compliance.unwrap_or_default(),
            enrolment: self.enrolment.unwrap_or_default(),
            top: self.top,
            budget: self
                .budget
                .as_ref()
                .map(|b| amount(b, "budget"))
                .transpose()?,
            budget_mode: self.budget_mode,
            fund,
            auto_approve: self.auto_approve,
        })
    }
}

fn id_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn error_json(e: &RunError) -> Json {
    let mut detail = serde_json::to_value(e).unwrap_or(Json::Null);
    if let Json::Object(o) = &mut detail {
        o.insert("message".into(), Json::String(e.to_string()));
    }
    json!({ "error": detail })
}

impl Program {
    /// Runs the program over JSON units at an ISO as-of date with JSON options (see
    /// [`crate::run_model::json`]). Never fails: a problem with the run is reported in the error
    /// shape, and a malformed unit becomes an error record of that unit.
    pub fn run_cycle_json(&self, units: &[Json], as_of: &str, options: &Json) -> Json {
        match self.run_cycle_json_inner(units, as_of, options) {
            Ok(v) => v,
            Err(e) => error_json(&e),
        }
    }

    fn run_cycle_json_inner(
        &self,
        units: &[Json],
        as_of: &str,
        options: &Json,
    ) -> Result<Json, RunError> {
        let invalid = |option: &str, reason: String| RunError::InvalidOption {
            option: option.into(),
            reason,
        };
        let date = parse_date(as_of.trim()).ok_or_else(|| {
            invalid(
                "as_of",
                "expected an ISO 8601 date such as 2026-03-01".into(),
            )
        })?;
        let o: OptionsJson = if options.is_null() {
            OptionsJson::default()
        } else {
            read_options(options, "")?
        };
        let run_options = o.run_options()?;
        let other = match &o.compare_with {
            Some(c) => {
                let other = read_options(c, "compare_with.")?;
                if other.compare_with.is_some() || other.summary.is_some() {
                    return Err(invalid(
                        "compare_with",
                        "the other run takes run options only (no `summary`, no `compare_with`)"
                            .into(),
                    ));
                }
                Some(other.run_options()?)
            }
            None => None,
        };
        let wants_summary = o.summary.is_some();
        let summary = o.summary.unwrap_or_default();
        // Without `by` (or `age`), the program's own `summary by` line applies.
        let spec = self.ir().run.summary.clone();
        let by = summary
            .by
            .clone()
            .or_else(|| spec.as_ref().map(|s| s.by.clone()))
            .unwrap_or_default();
        let age = summary.age.clone().or_else(|| spec.and_then(|s| s.ages));
        let collector = Collector::new(self, date, &by, age.as_deref())?;
        // Malformed units keep their place as error records.
        let mut parsed: Vec<Unit> = Vec::with_capacity(units.len());
        let mut bad: Vec<Option<RunUnit>> = Vec::with_capacity(units.len());
        for u in units {
            match self.read_json_unit(u, &crate::EvalOptions::default()) {
                Ok(x) => {
                    parsed.push(x);
                    bad.push(None);
                }
                Err(e) => {
                    let id = u.get("id").and_then(id_text).unwrap_or_default();
                    bad.push(Some(RunUnit {
                        unit_id: id,
                        error: Some(e.code().to_string()),
                        ..RunUnit::default()
                    }));
                }
            }
        }
        let batch = self.bind(&parsed);
        let result = self.run(&batch, date, &EvalOptions::default());
        let mut good = Vec::with_capacity(parsed.len());
        collector.collect(&result, &mut good);
        let mut good = good.into_iter();
        let records: Vec<RunUnit> = bad
            .into_iter()
            .filter_map(|b| b.or_else(|| good.next()))
            .collect();
        let outcome = run(self, date, &records, &run_options)?;
        let comparison = match &other {
            Some(other) => Some(super::summary::compare(
                &outcome,
                &run(self, date, &records, other)?,
            )),
            None => None,
        };
        let mut out = json!({ "units": outcome.units, "totals": outcome.totals });
        // The previous states' units that were not given (none: no key, as before).
        if let (false, Json::Object(m)) = (outcome.previous_not_in_run.is_empty(), &mut out) {
            m.insert(
                "previous_not_in_run".into(),
                serde_json::to_value(&outcome.previous_not_in_run).unwrap_or(Json::Null),
            );
        }
        if let (Some(c), Json::Object(m)) = (comparison, &mut out) {
            m.insert(
                "comparison".into(),
                serde_json::to_value(c).unwrap_or(Json::Null),
            );
        }
        if wants_summary {
            let reference: Option<BTreeSet<String>> = summary
                .reference
                .map(|r| entitle_dsl::sorting::btree_set(r.iter().filter_map(id_text)));
            let s = super::summary::summarize(
                &outcome,
                &records,
                &collector.dimensions(),
                reference.as_ref(),
            );
            if let Json::Object(m) = &mut out {
                m.insert(
                    "summary".into(),
                    serde_json::to_value(s).unwrap_or(Json::Null),
                );
            }
        }
        Ok(out)
    }
}
