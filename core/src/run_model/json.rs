//! The JSON boundary of a run, for the bindings and the conformance corpus.
//!
//! Options (every key optional; unknown keys are an error, so a typo is not silently ignored):
//!
//! ```json
//! {"previous": {"H1": "enrolled", "H2": "paused"},
//!  "compliance": "enrolled",
//!  "top": 100, "budget": "150000", "budget_mode": "proportional",
//!  "fund": {"posted": "200000", "approved": "50000"}, "auto_approve": false,
//!  "summary": {"by": ["region", "head.gender", "member.disabled"], "age": "head.birthdate",
//!              "reference": ["H1", "H7"]}}
//! ```
//!
//! The result is `{"units": [...], "totals": {...}, "summary": {...}}` (`summary` only when asked
//! for), each unit as [`super::UnitRun`] serialises; a run that cannot be carried out gives
//! `{"error": {"code": "R0102", "message": "…", …}}`.

use super::{run, BudgetMode, Collector, ComplianceCheck, Fund, MembershipState, RunError, RunOptions, RunUnit};
use crate::eval::EvalOptions;
use crate::json::unit_from_json;
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
    by: Vec<String>,
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

fn amount(v: &Json, option: &str) -> Result<Decimal, RunError> {
    let text = match v {
        Json::String(s) => s.trim().to_string(),
        Json::Number(n) => n.to_string(),
        _ => String::new(),
    };
    crate::parse::parse_decimal(&text).ok_or_else(|| RunError::InvalidOption { option: option.into(), reason: "expected a decimal amount".into() })
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

    fn run_cycle_json_inner(&self, units: &[Json], as_of: &str, options: &Json) -> Result<Json, RunError> {
        let invalid = |option: &str, reason: String| RunError::InvalidOption { option: option.into(), reason };
        let date = parse_date(as_of.trim()).ok_or_else(|| invalid("as_of", "expected an ISO 8601 date such as 2026-03-01".into()))?;
        let o: OptionsJson = if options.is_null() { OptionsJson::default() } else { serde_json::from_value(options.clone()).map_err(|e| invalid("options", e.to_string()))? };
        let fund = match &o.fund {
            Some(f) => Some(Fund { posted: amount(&f.posted, "fund.posted")?, approved: f.approved.as_ref().map(|a| amount(a, "fund.approved")).transpose()?.unwrap_or_default() }),
            None => None,
        };
        let run_options = RunOptions {
            previous: o.previous,
            compliance: o.compliance.unwrap_or_default(),
            top: o.top,
            budget: o.budget.as_ref().map(|b| amount(b, "budget")).transpose()?,
            budget_mode: o.budget_mode,
            fund,
            auto_approve: o.auto_approve,
        };
        let wants_summary = o.summary.is_some();
        let summary = o.summary.unwrap_or_default();
        let collector = Collector::new(self, date, &summary.by, summary.age.as_deref())?;
        // Malformed units keep their place as error records.
        let mut parsed: Vec<Unit> = Vec::with_capacity(units.len());
        let mut bad: Vec<Option<RunUnit>> = Vec::with_capacity(units.len());
        for u in units {
            match unit_from_json(u) {
                Ok(x) => {
                    parsed.push(x);
                    bad.push(None);
                }
                Err(e) => {
                    let id = u.get("id").and_then(id_text).unwrap_or_default();
                    bad.push(Some(RunUnit { unit_id: id, error: Some(e.code().to_string()), ..RunUnit::default() }));
                }
            }
        }
        let batch = self.bind(&parsed);
        let result = self.run(&batch, date, &EvalOptions::default());
        let mut good = Vec::with_capacity(parsed.len());
        collector.collect(&result, &mut good);
        let mut good = good.into_iter();
        let records: Vec<RunUnit> = bad.into_iter().filter_map(|b| b.or_else(|| good.next())).collect();
        let outcome = run(self, date, &records, &run_options)?;
        let mut out = json!({ "units": outcome.units, "totals": outcome.totals });
        if wants_summary {
            let reference: Option<BTreeSet<String>> = summary.reference.map(|r| r.iter().filter_map(id_text).collect());
            let s = super::summary::summarize(&outcome, &records, &collector.dimensions(), reference.as_ref());
            if let Json::Object(m) = &mut out {
                m.insert("summary".into(), serde_json::to_value(s).unwrap_or(Json::Null));
            }
        }
        Ok(out)
    }
}
