//! The summary of a run: counts per decision, totals, errors; as `summary.json` and as text.

use crate::term::bold;
use crate::words::Words;
use entitle_core::{Decision, Name, Outcome, Program};
use entitle_dsl::ast::Target;
use entitle_registry::{AbsentInput, ReadCounts, RowError};
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
    /// The inputs with a default that the registry has no column for.
    pub absent: &'a [AbsentInput],
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
        "defaults_for_absent_columns": absent_json(r.absent),
        "files": {"decisions_csv": "decisions.csv", "decisions_jsonl": "decisions.jsonl", "errors": "errors.csv"},
        "entitle_version": env!("CARGO_PKG_VERSION"),
    })
}

/// Each input every unit or member took the default of, for want of a column.
pub(crate) fn absent_json(absent: &[AbsentInput]) -> Json {
    absent
        .iter()
        .map(|a| {
            json!({
                "file": a.file,
                "input": a.input,
                "scope": if a.member { "member" } else { "unit" },
                "default": a.default,
                "closest_column": a.closest,
            })
        })
        .collect()
}

/// Warns of each input of `absent` left at its default for want of a column, but those of
/// `said` (warned of already: JSON Lines tells only once read, so a command warns twice, before
/// and after reading, and each input once), in the locale of `w`.
pub fn warn_absent(absent: &[AbsentInput], said: &[AbsentInput], w: Words) {
    for a in absent.iter().filter(|a| !said.contains(a)) {
        crate::term::warning(&absent_warning(a, w));
    }
}

/// The warning for an input left at its default for want of a column, in the locale of `w`.
fn absent_warning(a: &AbsentInput, w: Words) -> String {
    let key = match (a.member, a.closest.is_some()) {
        (false, false) => "run.absent.unit",
        (false, true) => "run.absent.unit_close",
        (true, false) => "run.absent.member",
        (true, true) => "run.absent.member_close",
    };
    w.text(
        key,
        &[
            ("file", &a.file),
            ("input", &a.input),
            ("default", &a.default),
            ("closest", a.closest.as_deref().unwrap_or("")),
        ],
    )
}

/// The summary as a person reads it, in the locale of `w`.
pub fn summary_text(r: &RunInfo<'_>, out_dir: &str, colour: bool, w: Words) -> String {
    let s = r.stats;
    let p = r.program;
    let (count, noun) = match p.target() {
        Target::Household => ("count.households", "run.label.households"),
        Target::Individual => ("count.individuals", "run.label.individuals"),
    };
    let units = |n: u64| w.count(count, n);
    let label = |key: &str| format!("{:<14}", w.text(key, &[]));
    // The program's own title in the locale when its `translation` block gives one.
    let title = p
        .ir()
        .translations
        .get(w.catalog().locale())
        .and_then(|t| t.get("title"))
        .or(p.ir().title.as_ref())
        .unwrap_or(&p.ir().id)
        .clone();
    let version = p
        .ir()
        .version
        .as_deref()
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let mut t = w.text(
        "run.title",
        &[
            ("title", &bold(colour, &title)),
            ("id", &p.ir().id),
            ("version", &version),
            ("as_of", &r.as_of.to_string()),
        ],
    );
    t.push('\n');
    t.push_str(&label("run.label.registry"));
    t.push_str(&w.text(
        "run.registry",
        &[("registry", &r.registry), ("units", &units(r.read.units))],
    ));
    if r.read.member_rows > 0 {
        let rows = w.count("count.member_rows", r.read.member_rows);
        t.push_str(&format!(", {rows}"));
    }
    t.push('\n');
    let width = w.number(r.read.units).chars().count();
    let line = |key: &str, n: u64| format!("  {}{:>width$}\n", label(key), w.number(n));
    t.push_str(&line("run.label.eligible", s.eligible));
    t.push_str(&line("run.label.not_eligible", s.not_eligible));
    t.push_str(&line("run.label.undetermined", s.undetermined));
    t.push_str(&line("run.label.errors", s.unit_errors));
    t.push_str(&format!("  {:<14}{:>width$}\n", "", "-".repeat(width)));
    t.push_str(&line(noun, r.read.units));
    for (c, v) in &s.cash {
        let money = |d: &Decimal| format!("{c} {}", w.digits(&d.to_string()));
        t.push_str(&label("run.label.cash"));
        t.push_str(&w.text(
            "run.cash",
            &[("amount", &money(&v.total)), ("units", &units(v.units))],
        ));
        if !v.fee.is_zero() {
            t.push(' ');
            t.push_str(&w.text(
                "run.fees",
                &[("fee", &money(&v.fee)), ("net", &money(&v.net))],
            ));
        }
        t.push('\n');
    }
    for (u, q) in s.in_kind.iter().filter(|(_, q)| !q.is_zero()) {
        t.push_str(&format!(
            "{}{} {u}\n",
            label("run.label.in_kind"),
            w.digits(&q.to_string())
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
            (0, r) => w.count("count.rows", r),
            (u, r) => w.text(
                "run.both",
                &[
                    ("units", &units(u)),
                    ("rows", &w.count("count.other_rows", r)),
                ],
            ),
        };
        t.push_str(&label("run.label.errors"));
        t.push_str(&w.text(
            "run.not_decided",
            &[
                ("subject", &what),
                ("codes", &codes.join(", ")),
                ("path", &format!("{out_dir}/errors.csv")),
            ],
        ));
        t.push('\n');
    }
    t.push_str(&format!(
        "{}{out_dir}/decisions.csv, decisions.jsonl, summary.json, errors.csv\n",
        label("run.label.wrote")
    ));
    t
}
