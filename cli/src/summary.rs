//! The summary of a run: counts per decision, totals, errors; as `summary.json` and as text.

use crate::term::{bold, counted, group_digits, thousands};
use entitle_core::{Decision, Name, Outcome, Program};
use entitle_dsl::ast::Target;
use entitle_registry::{ReadCounts, RowError};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

/// Cash totals in one currency.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CashSum {
    /// Units with cash.
    pub units: u64,
    /// Sum of totals.
    pub total: Decimal,
    /// Sum of fees.
    pub fee: Decimal,
    /// Sum of net amounts.
    pub net: Decimal,
}

/// What a run decided, added up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Eligible units.
    pub eligible: u64,
    /// Units not eligible.
    pub not_eligible: u64,
    /// Undetermined units.
    pub undetermined: u64,
    /// Cash totals per currency code.
    pub cash: BTreeMap<String, CashSum>,
    /// Per item id: units it was given to and the amount.
    pub items: BTreeMap<Name, (u64, Decimal)>,
    /// In-kind quantity per unit of measure.
    pub in_kind: BTreeMap<Name, Decimal>,
    /// Error records per code, and how many stand for units.
    pub errors_by_code: BTreeMap<String, u64>,
    /// Error records that stand for units.
    pub unit_errors: u64,
    /// Error records of rows outside any unit.
    pub row_errors: u64,
}

impl Stats {
    /// Counts one decision.
    pub fn add_decision(&mut self, d: &Decision) {
        match d.outcome {
            Outcome::Eligible => self.eligible += 1,
            Outcome::NotEligible => self.not_eligible += 1,
            Outcome::Undetermined => self.undetermined += 1,
        }
        if let Some(c) = &d.cash {
            let s = self.cash.entry(c.currency.code().to_string()).or_default();
            s.units += 1;
            s.total += c.total;
            s.fee += c.fee;
            s.net += c.net;
        }
        for it in d.items.iter().filter(|i| i.applied) {
            let e = self.items.entry(it.id.clone()).or_default();
            e.0 += 1;
            e.1 += it.amount;
        }
        for q in &d.in_kind {
            *self.in_kind.entry(q.unit.clone()).or_default() += q.quantity;
        }
    }

    /// Counts one error record.
    pub fn add_error(&mut self, e: &RowError) {
        *self.errors_by_code.entry(e.code.to_string()).or_default() += 1;
        if e.counts_as_unit {
            self.unit_errors += 1;
        } else {
            self.row_errors += 1;
        }
    }

    /// Adds another part's counts.
    pub fn merge(&mut self, o: Stats) {
        self.eligible += o.eligible;
        self.not_eligible += o.not_eligible;
        self.undetermined += o.undetermined;
        for (k, v) in o.cash {
            let s = self.cash.entry(k).or_default();
            s.units += v.units;
            s.total += v.total;
            s.fee += v.fee;
            s.net += v.net;
        }
        for (k, (n, a)) in o.items {
            let e = self.items.entry(k).or_default();
            e.0 += n;
            e.1 += a;
        }
        for (k, v) in o.in_kind {
            *self.in_kind.entry(k).or_default() += v;
        }
        for (k, v) in o.errors_by_code {
            *self.errors_by_code.entry(k).or_default() += v;
        }
        self.unit_errors += o.unit_errors;
        self.row_errors += o.row_errors;
    }

    /// Decisions written.
    pub fn decisions(&self) -> u64 {
        self.eligible + self.not_eligible + self.undetermined
    }
}

/// Everything the summary says about a run.
pub struct RunInfo<'a> {
    /// The program.
    pub program: &'a Program,
    /// The program file as given.
    pub program_file: &'a str,
    /// The as-of date.
    pub as_of: chrono::NaiveDate,
    /// Where the units came from.
    pub registry: String,
    /// The registry path as given.
    pub registry_path: String,
    /// What the source read.
    pub read: ReadCounts,
    /// What was decided.
    pub stats: &'a Stats,
    /// Explanations included, in this locale.
    pub explain: Option<&'a str>,
}

fn dec(d: &Decimal) -> Json {
    Json::String(d.to_string())
}

/// `summary.json`: the program, the as-of date and the registry (what `entitle pay` reads), the
/// counts (which reconcile: `units = decisions + errors.units`), totals and errors by code.
pub fn summary_json(r: &RunInfo<'_>) -> Json {
    let s = r.stats;
    let p = r.program.program_ref();
    let mut program = Map::new();
    program.insert("id".into(), json!(p.id));
    if let Some(v) = &p.version {
        program.insert("version".into(), json!(v));
    }
    program.insert("hash".into(), json!(p.hash));
    let cash: Vec<Json> = s.cash.iter().map(|(c, v)| json!({"currency": c, "units": v.units, "total": dec(&v.total), "fee": dec(&v.fee), "net": dec(&v.net)})).collect();
    let items: Vec<Json> = r
        .program
        .items()
        .iter()
        .map(|it| {
            let (n, a) = s.items.get(it.id.as_str()).cloned().unwrap_or_default();
            json!({"id": it.id, "units": n, "amount": dec(&a)})
        })
        .collect();
    let in_kind: Vec<Json> = s
        .in_kind
        .iter()
        .map(|(u, q)| json!({"unit": u, "quantity": dec(q)}))
        .collect();
    json!({
        "program": Json::Object(program),
        "program_file": r.program_file,
        "target": match r.program.target() { Target::Household => "household", Target::Individual => "individual" },
        "as_of": r.as_of.to_string(),
        "registry": r.registry,
        "registry_path": r.registry_path,
        "counts": {
            "units": r.read.units,
            "decisions": s.decisions(),
            "eligible": s.eligible,
            "not_eligible": s.not_eligible,
            "undetermined": s.undetermined,
            "errors": s.unit_errors,
        },
        "rows": {"units": r.read.units, "members": r.read.member_rows},
        "totals": {"cash": cash, "items": items, "in_kind": in_kind},
        "errors": {"units": s.unit_errors, "rows": s.row_errors, "by_code": s.errors_by_code},
        "explanations": r.explain,
        "files": {"decisions_csv": "decisions.csv", "decisions_jsonl": "decisions.jsonl", "errors": "errors.csv"},
        "entitle_version": env!("CARGO_PKG_VERSION"),
    })
}

/// The summary as a person reads it.
pub fn summary_text(r: &RunInfo<'_>, out_dir: &str, colour: bool) -> String {
    let s = r.stats;
    let p = r.program;
    let (one, noun) = match p.target() {
        Target::Household => ("household", "households"),
        Target::Individual => ("individual", "individuals"),
    };
    let units = |n: u64| counted(n, one, noun);
    let title = p.ir().title.clone().unwrap_or_else(|| p.ir().id.clone());
    let version = p
        .ir()
        .version
        .as_deref()
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let mut t = String::new();
    t.push_str(&format!(
        "{} ({}{version}) as of {}\n",
        bold(colour, &title),
        p.ir().id,
        r.as_of
    ));
    t.push_str(&format!(
        "registry      {}: {}",
        r.registry,
        units(r.read.units)
    ));
    if r.read.member_rows > 0 {
        let rows = counted(r.read.member_rows, "member row", "member rows");
        t.push_str(&format!(", {rows}"));
    }
    t.push('\n');
    let width = thousands(r.read.units).len();
    let line = |label: &str, n: u64| format!("  {label:<14}{:>width$}\n", thousands(n));
    t.push_str(&line("eligible", s.eligible));
    t.push_str(&line("not eligible", s.not_eligible));
    t.push_str(&line("undetermined", s.undetermined));
    t.push_str(&line("errors", s.unit_errors));
    t.push_str(&format!("  {:<14}{:>width$}\n", "", "-".repeat(width)));
    t.push_str(&line(noun, r.read.units));
    for (c, v) in &s.cash {
        t.push_str(&format!(
            "cash          {c} {} to {}",
            group_digits(&v.total.to_string()),
            units(v.units)
        ));
        if !v.fee.is_zero() {
            t.push_str(&format!(
                " (fees {c} {}, net {c} {})",
                group_digits(&v.fee.to_string()),
                group_digits(&v.net.to_string())
            ));
        }
        t.push('\n');
    }
    for (u, q) in s.in_kind.iter().filter(|(_, q)| !q.is_zero()) {
        t.push_str(&format!(
            "in kind       {} {u}\n",
            group_digits(&q.to_string())
        ));
    }
    if s.unit_errors + s.row_errors > 0 {
        let codes: Vec<String> = s
            .errors_by_code
            .iter()
            .map(|(c, n)| format!("{c} ×{n}"))
            .collect();
        // Only what there is: "1 household could not be decided", not "… and 0 other rows".
        let what = match (s.unit_errors, s.row_errors) {
            (u, 0) => units(u),
            (0, r) => counted(r, "row", "rows"),
            (u, r) => format!("{} and {}", units(u), counted(r, "other row", "other rows")),
        };
        t.push_str(&format!(
            "errors        {what} could not be decided ({}): see {out_dir}/errors.csv\n",
            codes.join(", ")
        ));
    }
    t.push_str(&format!(
        "wrote         {out_dir}/decisions.csv, decisions.jsonl, summary.json, errors.csv\n"
    ));
    t
}
