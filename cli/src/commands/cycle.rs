//! `entitle cycle` and `entitle simulate`: the run model over a whole registry.
//!
//! Both read every unit of the registry (chunk by chunk, keeping one compact record per unit),
//! then give each unit its membership state, deduplicate, select (priority, ranking, top N,
//! budget) and approve against a fund (`entitle_core::run_model`). `cycle` writes every unit's
//! record; `simulate` prints only aggregates, and can compare the run with another program's over
//! the same registry.

use super::{parse_date, registry_error, OutputFormat};
use crate::decisions::{csv_cell, csv_error, ERRORS_HEADER};
use crate::output::OutputSet;
use crate::program_file::compile_or_report;
use crate::term::{self, thousands};
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use entitle_core::run_model::summary::{compare, summarize, Summary};
use entitle_core::run_model::{
    run, BudgetMode, Collector, ComplianceCheck, Enrolment, Fund, MembershipState, RunOptions,
    RunOutcome, RunUnit, UnitRun,
};
use entitle_core::{EvalOptions, Program};
use entitle_registry::{JoinMode, ReadCounts, RowError, SourceOptions};
use rust_decimal::Decimal;
use serde_json::{json, Value as Json};
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where the units come from.
#[derive(clap::Args, Debug)]
pub struct Registry {
    /// The program file (.entitle).
    pub program: PathBuf,
    #[arg(long, value_name = "PATH", help = crate::registry::REGISTRY_HELP)]
    pub registry: PathBuf,
    #[arg(long = "map", value_name = "INPUT=COLUMN", help = crate::registry::MAP_HELP)]
    pub map: Vec<String>,
    /// The members file, when it is not `members.csv` beside the groups file.
    #[arg(long, value_name = "FILE")]
    pub members: Option<PathBuf>,
    /// Units per batch: memory grows with it.
    #[arg(long, value_name = "N", default_value_t = 65_536, hide = true)]
    pub batch_size: usize,
}

/// How the run selects and approves (each overrides what the program says).
#[derive(clap::Args, Debug, Default)]
pub struct Selection {
    /// The units' states before this run: a `run.jsonl` of an earlier cycle, or a CSV with
    /// `unit_id` and `state` columns (draft, enrolled, paused, exited, not_eligible, duplicated).
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Select at most this many units (needs `rank by` in the program).
    #[arg(long, value_name = "N")]
    pub top: Option<u64>,
    /// The budget, in the program's currency.
    #[arg(long, value_name = "AMOUNT")]
    pub budget: Option<Decimal>,
    /// How the budget applies: rank_order (keep units while they fit) or proportional (reduce every amount).
    #[arg(long, value_name = "MODE", value_parser = ["rank_order", "proportional"])]
    pub budget_mode: Option<String>,
    /// Approve the selected entitlements against a fund with this much posted.
    #[arg(long, value_name = "AMOUNT")]
    pub fund: Option<Decimal>,
    /// What was already approved against the fund.
    #[arg(long, value_name = "AMOUNT", requires = "fund")]
    pub approved: Option<Decimal>,
    /// Approve every selected entitlement (when there is no fund).
    #[arg(long, conflicts_with = "fund")]
    pub auto_approve: bool,
    /// To whom compliance conditions apply: enrolled (units enrolled or paused before), all, never.
    #[arg(long, value_name = "WHO", value_parser = ["enrolled", "all", "never"])]
    pub compliance: Option<String>,
    /// Enrol nobody new in this run: only units enrolled before can be selected.
    #[arg(long)]
    pub closed: bool,
}

/// What the summary reports.
#[derive(clap::Args, Debug)]
pub struct Report {
    /// Summarise by these inputs (comma-separated): `region`, `head.gender`, `member.disabled`
    /// (default: the program's `summary by` line).
    #[arg(long, value_name = "DIMS", value_delimiter = ',')]
    pub summary_by: Option<Vec<String>>,
    /// The date input of the age quartiles, such as `head.birthdate`.
    #[arg(long, value_name = "FIELD")]
    pub age: Option<String>,
    /// The units that should be covered (one id per line, or the first column of a CSV), for
    /// leakage and under-coverage.
    #[arg(long, value_name = "FILE")]
    pub reference: Option<PathBuf>,
}

/// Arguments of `entitle cycle`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Writes into DIR: run.jsonl (one record per unit: decision, previous state, state and its reason,
rank, whether selected and why, the cash decided and allocated, approval), run.csv (the same in
columns), errors.csv (registry rows that gave no unit) and summary.json (totals and the summary).
With --all-cycles, one such directory per cycle of the program's `cycle` line (cycle-01, cycle-02 …),
each run from the states and the fund the previous one left.

Examples:
  entitle cycle program.entitle --registry registry/ --as-of 2026-03-01 --out out/march --previous out/feb/run.jsonl --fund 500000
  entitle cycle program.entitle --registry registry/ --all-cycles --out out/year --fund 6000000"
)]
pub struct CycleArgs {
    #[command(flatten)]
    pub registry: Registry,
    /// The cycle's date (required unless --all-cycles).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, required_unless_present = "all_cycles")]
    pub as_of: Option<NaiveDate>,
    /// Run every cycle of the program's `cycle` line, one after the other.
    #[arg(long, conflicts_with = "as_of")]
    pub all_cycles: bool,
    /// The directory to write into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Overwrite output files that already exist.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub selection: Selection,
    #[command(flatten)]
    pub report: Report,
    /// Print the totals as text or as JSON (the content of summary.json).
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Arguments of `entitle simulate`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Prints aggregates only (no unit's data): coverage and amounts overall and by each dimension,
disparity ratios, entitlement and age quartiles, the Gini coefficient and the Lorenz curve, and with
--reference the confusion matrix with leakage and under-coverage. --compare runs another program
(another scenario) over the same registry with the same options and reports the overlap.

Example:
  entitle simulate scenario.entitle --registry registry/ --as-of 2026-03-01 --summary-by region,head.gender,member.disabled --reference survey.csv --compare current.entitle"
)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub registry: Registry,
    /// The date of the simulated cycle.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: NaiveDate,
    #[command(flatten)]
    pub selection: Selection,
    #[command(flatten)]
    pub report: Report,
    /// Another program to run over the same registry, and compare with.
    #[arg(long, value_name = "PROGRAM")]
    pub compare: Option<PathBuf>,
    /// Also write the JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the result as text or as JSON.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Every unit of the registry, decided and collected, with the rows that gave none.
struct Collected {
    records: Vec<RunUnit>,
    read: ReadCounts,
    row_errors: Vec<RowError>,
    describe: String,
    dimensions: Vec<String>,
}

fn collect(
    program: &Program,
    reg: &Registry,
    as_of: NaiveDate,
    report: &Report,
) -> Result<Collected> {
    let spec = program.ir().run.summary.clone();
    let dims = report
        .summary_by
        .clone()
        .or_else(|| spec.as_ref().map(|s| s.by.clone()))
        .unwrap_or_default();
    let age = report.age.clone().or_else(|| spec.and_then(|s| s.ages));
    let collector = Collector::new(program, as_of, &dims, age.as_deref())
        .map_err(|e| anyhow::anyhow!("{e} [{}]", e.code()))?;
    // Members are read into memory by group id, so the files need not be sorted.
    let options = SourceOptions {
        join: JoinMode::Indexed,
        only_unit: None,
        members: reg.members.clone(),
    };
    let mut source = crate::registry::open(&reg.registry, &reg.map, program, &options)
        .map_err(registry_error)?;
    let mut records = Vec::new();
    let mut row_errors = Vec::new();
    while let Some(chunk) = source
        .next_chunk(reg.batch_size.max(1))
        .map_err(registry_error)?
    {
        let result = program.run(&chunk.batch, as_of, &EvalOptions::default());
        collector.collect(&result, &mut records);
        row_errors.extend(chunk.errors);
    }
    Ok(Collected {
        records,
        read: source.counts(),
        row_errors,
        describe: source.describe(),
        dimensions: collector.dimensions(),
    })
}

/// Reads previous states: JSON lines with `unit_id` and `state`, or a CSV with those columns.
fn read_previous(path: &Path) -> Result<HashMap<String, MembershipState>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = HashMap::new();
    let bad = |n: usize, what: &str| anyhow::anyhow!("{}:{n}: {what}", path.display());
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    if path
        .extension()
        .is_some_and(|e| e == "jsonl" || e == "json")
    {
        for (n, line) in lines {
            let v: Json = serde_json::from_str(line).map_err(|e| bad(n + 1, &e.to_string()))?;
            let id = v
                .get("unit_id")
                .and_then(Json::as_str)
                .ok_or_else(|| bad(n + 1, "no `unit_id`"))?;
            let state = v
                .get("state")
                .and_then(Json::as_str)
                .and_then(MembershipState::from_word)
                .ok_or_else(|| bad(n + 1, "no valid `state`"))?;
            out.insert(id.to_string(), state);
        }
        return Ok(out);
    }
    let Some((_, header)) = lines.next() else {
        return Ok(out);
    };
    let cols: Vec<&str> = header
        .split(',')
        .map(|c| c.trim().trim_matches('"'))
        .collect();
    let (Some(ci), Some(cs)) = (
        cols.iter().position(|c| *c == "unit_id"),
        cols.iter().position(|c| *c == "state"),
    ) else {
        bail!(
            "{}: the first line must name the columns `unit_id` and `state`",
            path.display()
        );
    };
    for (n, line) in lines {
        let cells: Vec<&str> = line
            .split(',')
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        let id = cells.get(ci).ok_or_else(|| bad(n + 1, "no unit_id"))?;
        let state = cells
            .get(cs)
            .and_then(|s| MembershipState::from_word(s))
            .ok_or_else(|| bad(n + 1, "not a membership state"))?;
        out.insert((*id).to_string(), state);
    }
    Ok(out)
}

/// Reads a reference list: one unit id per line, or the first column of a CSV (a `unit_id` or
/// `id` header line is skipped).
fn read_reference(path: &Path) -> Result<BTreeSet<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text
        .lines()
        .map(|l| {
            l.split(',')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"')
                .to_string()
        })
        .filter(|id| !id.is_empty() && id != "unit_id" && id != "id")
        .collect())
}

fn run_options(
    s: &Selection,
    previous: HashMap<String, MembershipState>,
    approved: Decimal,
) -> RunOptions {
    RunOptions {
        previous,
        compliance: match s.compliance.as_deref() {
            Some("all") => ComplianceCheck::All,
            Some("never") => ComplianceCheck::Never,
            _ => ComplianceCheck::Enrolled,
        },
        enrolment: if s.closed {
            Enrolment::Closed
        } else {
            Enrolment::Open
        },
        top: s.top,
        budget: s.budget,
        budget_mode: s.budget_mode.as_deref().map(|m| {
            if m == "proportional" {
                BudgetMode::Proportional
            } else {
                BudgetMode::RankOrder
            }
        }),
        fund: s.fund.map(|posted| Fund { posted, approved }),
        auto_approve: s.auto_approve,
    }
}

fn run_error(e: entitle_core::run_model::RunError) -> anyhow::Error {
    anyhow::anyhow!("{e} [{}]", e.code())
}

fn opt(d: Option<Decimal>) -> String {
    d.map(|x| x.to_string()).unwrap_or_default()
}

/// `run.csv`: one line per unit.
fn csv_record(out: &mut Vec<u8>, u: &UnitRun) {
    let cells = [
        u.unit_id.clone(),
        u.decision
            .map(|d| d.as_str().to_string())
            .unwrap_or_else(|| "error".into()),
        u.previous_state
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        u.state.as_str().to_string(),
        serde_json::to_value(u.state_reason.code)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        u.state_reason.rules.join(";"),
        u.state_reason.with.join(";"),
        u.rank.map(|r| r.to_string()).unwrap_or_default(),
        u.selected.to_string(),
        serde_json::to_value(u.selection)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        opt(u.cash),
        opt(u.allocated),
        u.approval
            .and_then(|a| serde_json::to_value(a).ok())
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
    ];
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        csv_cell(out, c);
    }
    out.push(b'\n');
}

const RUN_CSV_HEADER: &str = "unit_id,decision,previous_state,state,reason,reason_rules,duplicate_of,rank,selected,selection,cash,allocated,approval\n";

/// The files one cycle writes.
const CYCLE_OUTPUTS: [&str; 4] = ["run.jsonl", "run.csv", "errors.csv", "summary.json"];

fn header_json(
    program: &Program,
    program_file: &str,
    as_of: NaiveDate,
    c: &Collected,
) -> serde_json::Map<String, Json> {
    let p = program.program_ref();
    let mut m = serde_json::Map::new();
    m.insert(
        "program".into(),
        json!({"id": p.id, "version": p.version, "hash": p.hash}),
    );
    m.insert("program_file".into(), json!(program_file));
    m.insert("as_of".into(), json!(as_of.to_string()));
    m.insert("registry".into(), json!(c.describe));
    m.insert("rows".into(), json!({"units": c.read.units, "members": c.read.member_rows, "row_errors": c.row_errors.len()}));
    m
}

/// Writes one cycle's files and returns its outcome.
#[allow(clippy::too_many_arguments)]
fn write_cycle(
    dir: &Path,
    force: bool,
    program: &Program,
    program_file: &str,
    as_of: NaiveDate,
    c: &Collected,
    outcome: &RunOutcome,
    summary: &Summary,
) -> Result<Json> {
    let mut out = OutputSet::prepare(dir, &CYCLE_OUTPUTS, force)?;
    let mut jsonl = Vec::new();
    let mut csv = RUN_CSV_HEADER.as_bytes().to_vec();
    for u in &outcome.units {
        serde_json::to_writer(&mut jsonl, u).context("cannot write a unit's record")?;
        jsonl.push(b'\n');
        csv_record(&mut csv, u);
    }
    let mut errors = ERRORS_HEADER.as_bytes().to_vec();
    for e in &c.row_errors {
        csv_error(&mut errors, e);
    }
    let mut m = header_json(program, program_file, as_of, c);
    m.insert(
        "totals".into(),
        serde_json::to_value(&outcome.totals).unwrap_or(Json::Null),
    );
    m.insert(
        "summary".into(),
        serde_json::to_value(summary).unwrap_or(Json::Null),
    );
    let doc = Json::Object(m);
    let mut text = serde_json::to_vec_pretty(&doc).context("cannot render the summary")?;
    text.push(b'\n');
    out.write("run.jsonl", &jsonl)?;
    out.write("run.csv", &csv)?;
    out.write("errors.csv", &errors)?;
    out.write("summary.json", &text)?;
    out.commit()?;
    Ok(doc)
}

fn totals_text(label: &str, outcome: &RunOutcome) -> String {
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

/// Runs `entitle cycle`.
///
/// # Errors
/// A program that does not compile, a registry or file that cannot be read, a run option that
/// does not fit the program, outputs that cannot be written.
pub fn cycle_main(a: &CycleArgs) -> Result<ExitCode> {
    let (file, program) = compile_or_report(&a.registry.program)?;
    let reference = a
        .report
        .reference
        .as_deref()
        .map(read_reference)
        .transpose()?;
    let mut previous = match &a.selection.previous {
        Some(p) => read_previous(p)?,
        None => HashMap::new(),
    };
    let dates: Vec<(String, NaiveDate)> = match a.as_of {
        Some(d) => vec![(String::new(), d)],
        None => {
            let cycles = program.cycles();
            if cycles.is_empty() {
                bail!("{} has no `cycle` line with a start date, so --all-cycles has no cycles to run", file.path);
            }
            cycles
                .iter()
                .map(|c| (format!("cycle-{:02}", c.number), c.start))
                .collect()
        }
    };
    let mut approved = a.selection.approved.unwrap_or_default();
    let mut stdout = std::io::stdout().lock();
    let mut docs = Vec::new();
    for (sub, as_of) in dates {
        let collected = collect(&program, &a.registry, as_of, &a.report)?;
        let options = run_options(&a.selection, previous.clone(), approved);
        let outcome = run(&program, as_of, &collected.records, &options).map_err(run_error)?;
        let summary = summarize(
            &outcome,
            &collected.records,
            &collected.dimensions,
            reference.as_ref(),
        );
        let dir = if sub.is_empty() {
            a.out.clone()
        } else {
            a.out.join(&sub)
        };
        let doc = write_cycle(
            &dir, a.force, &program, &file.path, as_of, &collected, &outcome, &summary,
        )?;
        for e in collected.row_errors.iter().take(5) {
            term::warning(&e.to_string());
        }
        approved += outcome.totals.approved;
        previous = outcome
            .units
            .iter()
            .map(|u| (u.unit_id.clone(), u.state))
            .collect();
        if a.format == OutputFormat::Text {
            let label = format!(
                "{} {as_of} → {}",
                if sub.is_empty() {
                    "cycle"
                } else {
                    sub.as_str()
                },
                dir.display()
            );
            stdout.write_all(totals_text(&label, &outcome).as_bytes())?;
        }
        docs.push(doc);
    }
    if a.format == OutputFormat::Json {
        let doc = if docs.len() == 1 {
            docs.pop().unwrap_or(Json::Null)
        } else {
            Json::Array(docs)
        };
        stdout.write_all(
            serde_json::to_string_pretty(&doc)
                .context("cannot render the summary")?
                .as_bytes(),
        )?;
        stdout.write_all(b"\n")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn summary_text(s: &Summary) -> String {
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

/// Runs `entitle simulate`.
///
/// # Errors
/// As `entitle cycle`.
pub fn simulate_main(a: &SimulateArgs) -> Result<ExitCode> {
    let (file, program) = compile_or_report(&a.registry.program)?;
    let reference = a
        .report
        .reference
        .as_deref()
        .map(read_reference)
        .transpose()?;
    let previous = match &a.selection.previous {
        Some(p) => read_previous(p)?,
        None => HashMap::new(),
    };
    let options = run_options(
        &a.selection,
        previous,
        a.selection.approved.unwrap_or_default(),
    );
    let collected = collect(&program, &a.registry, a.as_of, &a.report)?;
    let outcome = run(&program, a.as_of, &collected.records, &options).map_err(run_error)?;
    let summary = summarize(
        &outcome,
        &collected.records,
        &collected.dimensions,
        reference.as_ref(),
    );
    let mut m = header_json(&program, &file.path, a.as_of, &collected);
    m.insert(
        "totals".into(),
        serde_json::to_value(&outcome.totals).unwrap_or(Json::Null),
    );
    m.insert(
        "summary".into(),
        serde_json::to_value(&summary).unwrap_or(Json::Null),
    );
    let mut text = String::new();
    text.push_str(&totals_text(
        &format!("{} as of {}", program.ir().id, a.as_of),
        &outcome,
    ));
    text.push_str(&summary_text(&summary));
    if let Some(other_path) = &a.compare {
        let (other_file, other) = compile_or_report(other_path)?;
        let other_collected = collect(&other, &a.registry, a.as_of, &a.report)?;
        let other_outcome =
            run(&other, a.as_of, &other_collected.records, &options).map_err(run_error)?;
        let c = compare(&outcome, &other_outcome);
        text.push_str(&format!(
            "compared with {}: covered {} and {}, in both {}, only in the first {}, only in the second {}, overlap {}, total difference {}\n",
            other_file.path,
            thousands(c.a.covered),
            thousands(c.b.covered),
            thousands(c.both),
            thousands(c.only_a),
            thousands(c.only_b),
            c.overlap.map(|x| x.to_string()).unwrap_or_else(|| "–".into()),
            c.difference
        ));
        m.insert(
            "compared_with".into(),
            json!({"program": other.program_ref().id, "program_file": other_file.path}),
        );
        m.insert(
            "comparison".into(),
            serde_json::to_value(&c).unwrap_or(Json::Null),
        );
    }
    let doc = Json::Object(m);
    let mut pretty = serde_json::to_vec_pretty(&doc).context("cannot render the summary")?;
    pretty.push(b'\n');
    if let Some(out) = &a.out {
        let dir = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = out
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("simulation.json");
        let mut set = OutputSet::prepare(dir, &[name], true)?;
        set.write(name, &pretty)?;
        set.commit()?;
    }
    let mut stdout = std::io::stdout().lock();
    match a.format {
        OutputFormat::Json => stdout.write_all(&pretty)?,
        OutputFormat::Text => stdout.write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("entitle-cycle-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn previous_states_from_csv_and_jsonl() {
        let csv = temp("prev.csv", "unit_id,state\nH1,enrolled\n\"H2\",paused\n");
        let got = read_previous(&csv).unwrap();
        assert_eq!(got.get("H1"), Some(&MembershipState::Enrolled));
        assert_eq!(got.get("H2"), Some(&MembershipState::Paused));
        let jsonl = temp("run.jsonl", "{\"unit_id\":\"H3\",\"state\":\"exited\"}\n");
        assert_eq!(
            read_previous(&jsonl).unwrap().get("H3"),
            Some(&MembershipState::Exited)
        );
        let bad = temp("bad.csv", "unit_id,state\nH1,asleep\n");
        assert!(read_previous(&bad).unwrap_err().to_string().contains(":2:"));
    }

    fn fidelity(path: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/fidelity")
            .join(path)
    }

    fn registry(program: &str) -> Registry {
        Registry {
            program: fidelity(program),
            registry: fidelity("data/I6"),
            map: Vec::new(),
            members: None,
            batch_size: 2,
        }
    }

    fn report() -> Report {
        Report {
            summary_by: None,
            age: None,
            reference: Some(fidelity("data/I6/reference.csv")),
        }
    }

    /// The I6 conformance case's numbers, from CSV files through the command.
    #[test]
    fn simulate_reads_the_registry_and_gives_the_aggregates() {
        let out = std::env::temp_dir()
            .join(format!("entitle-sim-{}", std::process::id()))
            .join("sim.json");
        let a = SimulateArgs {
            registry: registry("I6_simulation.entitle"),
            as_of: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            selection: Selection::default(),
            report: report(),
            compare: None,
            out: Some(out.clone()),
            format: OutputFormat::Json,
        };
        simulate_main(&a).unwrap();
        let doc: Json = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(doc["summary"]["gini"], "0.327273");
        assert_eq!(doc["summary"]["targeting"]["leakage_rate"], "0.5");
        assert_eq!(doc["summary"]["by"][2]["dimension"], "member.disabled");
        assert_eq!(doc["totals"]["allocated"], "5500");
        assert_eq!(doc["rows"]["units"], 5);
    }

    #[test]
    fn cycle_writes_every_unit_and_approves_against_the_fund() {
        let dir = std::env::temp_dir().join(format!("entitle-cycle-run-{}", std::process::id()));
        let a = CycleArgs {
            registry: registry("I6_simulation.entitle"),
            as_of: Some(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            all_cycles: false,
            out: dir.clone(),
            force: true,
            selection: Selection {
                fund: Some(Decimal::from(3000)),
                ..Selection::default()
            },
            report: report(),
            format: OutputFormat::Json,
        };
        cycle_main(&a).unwrap();
        let lines: Vec<Json> = std::fs::read_to_string(dir.join("run.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 5);
        // Unit id order: H1 1500 (1500 left), H2 1000 (500 left), H4 1000 does not fit: H4 and H5 wait.
        let approval: Vec<&str> = lines
            .iter()
            .map(|l| l["approval"].as_str().unwrap_or("-"))
            .collect();
        assert_eq!(
            approval,
            vec![
                "approved",
                "approved",
                "-",
                "pending_validation",
                "pending_validation"
            ]
        );
        let csv = std::fs::read_to_string(dir.join("run.csv")).unwrap();
        assert!(csv.starts_with(RUN_CSV_HEADER), "{csv}");
        assert!(
            csv.contains("H3,not_eligible,,not_eligible,not_eligible,poor,"),
            "{csv}"
        );
        let summary: Json =
            serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap())
                .unwrap();
        assert_eq!(summary["totals"]["fund"]["remaining"], "500");
        // A second cycle from the states the first left.
        let b = CycleArgs {
            as_of: Some(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()),
            out: dir.join("april"),
            selection: Selection {
                previous: Some(dir.join("run.jsonl")),
                closed: true,
                ..Selection::default()
            },
            ..a
        };
        cycle_main(&b).unwrap();
        let april = std::fs::read_to_string(dir.join("april/run.jsonl")).unwrap();
        assert!(april.contains("\"previous_state\":\"enrolled\""), "{april}");
    }

    #[test]
    fn reference_lists_skip_headers_and_blank_lines() {
        let f = temp("ref.csv", "unit_id,note\nH1,x\n\nH7\n");
        assert_eq!(
            read_reference(&f).unwrap(),
            ["H1", "H7"].iter().map(|s| s.to_string()).collect()
        );
    }
}
