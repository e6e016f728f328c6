//! `entitle cycle` and `entitle simulate`: the run model over a whole registry.
//!
//! Both read every unit of the registry (chunk by chunk, keeping one compact record per unit),
//! then give each unit its membership state, deduplicate, select (priority, ranking, top N,
//! budget) and approve against a fund (`entitle_core::run_model`). `cycle` writes every unit's
//! record; `simulate` prints only aggregates, and can compare the run with another program's over
//! the same registry.

mod collect;
mod inputs;
mod options;
mod outputs;
mod text;

use super::{check_locale, parse_date, OutputFormat};
use crate::output::OutputSet;
use crate::program_file::compile_or_report;
use crate::term;
use crate::words::Words;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use collect::collect;
use entitle_core::run_model::run;
use entitle_core::run_model::summary::{compare, summarize};
use inputs::{read_previous, read_reference};
use options::{run_error, run_options};
use outputs::{header_json, write_cycle};
use rust_decimal::Decimal;
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use text::{previous_absent_text, summary_text, totals_text};

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
    /// The language of what is printed for people (totals, summaries, warnings, errors), of the
    /// messages in errors.csv, and of the program's diagnostics: en, fr. The files keep their
    /// codes and keys.
    #[arg(long, value_name = "LOCALE", default_value = "en")]
    pub locale: String,
}

/// Arguments of `entitle cycle`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Writes into DIR: run.jsonl (one record per unit: decision, previous state, state and its reason,
rank, whether selected and why, the cash decided and allocated, approval), run.csv (the same in
columns), errors.csv (registry rows that gave no unit, and units that could not be evaluated) and
summary.json (totals and the summary). A unit whose row could not be read, when its id could, has a
record without a decision that keeps its previous state, so the next cycle's --previous still has it.
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
    /// Replace the file given to --out if it exists.
    #[arg(long)]
    pub force: bool,
    /// Print the result as text or as JSON.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Runs `entitle cycle`.
///
/// # Errors
/// A program that does not compile, a registry or file that cannot be read, a run option that
/// does not fit the program, outputs that cannot be written.
pub fn cycle_main(a: &CycleArgs) -> Result<ExitCode> {
    check_locale(&a.report.locale)?;
    let words = Words::new(&a.report.locale);
    let (file, program) = compile_or_report(&a.registry.program, words.catalog())?;
    let reference = a
        .report
        .reference
        .as_deref()
        .map(read_reference)
        .transpose()
        .map_err(|e| run_error(e, words))?;
    let mut previous = match &a.selection.previous {
        Some(p) => read_previous(p).map_err(|e| run_error(e, words))?,
        None => HashMap::new(),
    };
    let dates: Vec<(String, NaiveDate)> = match a.as_of {
        Some(d) => vec![(String::new(), d)],
        None => {
            let cycles = program.cycles();
            if cycles.is_empty() {
                bail!(words.text("cycle.no_cycles", &[("path", &file.path)]));
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
        let mut collected = collect(&program, &a.registry, as_of, &a.report)?;
        collect::carry_unread_units(&mut collected);
        let options = run_options(&a.selection, previous.clone(), approved);
        let outcome =
            run(&program, as_of, &collected.records, &options).map_err(|e| run_error(e, words))?;
        if !outcome.previous_not_in_run.is_empty() {
            term::warning(&previous_absent_text(words, &outcome.previous_not_in_run));
        }
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
            &dir,
            a.force,
            &program,
            &file.path,
            &crate::registry::shown(&a.registry.registry),
            as_of,
            &collected,
            &outcome,
            &summary,
            words,
        )?;
        for e in collected.errors.iter().take(5) {
            term::warning(&e.render(words.catalog()));
        }
        if let Some(more) = collected.errors.len().checked_sub(5).filter(|n| *n > 0) {
            term::note(&crate::commands::run::more_errors(
                words,
                more as u64,
                &dir.join("errors.csv").display().to_string(),
            ));
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
                    words.text("cycle.label", &[])
                } else {
                    sub.clone()
                },
                dir.display()
            );
            stdout
                .write_all(totals_text(words, &label, &outcome, program.currency()).as_bytes())?;
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

/// Runs `entitle simulate`.
///
/// # Errors
/// As `entitle cycle`.
pub fn simulate_main(a: &SimulateArgs) -> Result<ExitCode> {
    check_locale(&a.report.locale)?;
    let words = Words::new(&a.report.locale);
    let (file, program) = compile_or_report(&a.registry.program, words.catalog())?;
    let reference = a
        .report
        .reference
        .as_deref()
        .map(read_reference)
        .transpose()
        .map_err(|e| run_error(e, words))?;
    let previous = match &a.selection.previous {
        Some(p) => read_previous(p).map_err(|e| run_error(e, words))?,
        None => HashMap::new(),
    };
    let options = run_options(
        &a.selection,
        previous,
        a.selection.approved.unwrap_or_default(),
    );
    let collected = collect(&program, &a.registry, a.as_of, &a.report)?;
    // Aggregates only, so no unit's record is shown; but figures over fewer units than the
    // registry holds must say so.
    if let Some(w) = left_out(words, &collected) {
        term::warning(&w);
    }
    let outcome =
        run(&program, a.as_of, &collected.records, &options).map_err(|e| run_error(e, words))?;
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
    let title = words.text(
        "simulate.title",
        &[
            ("program", &program.ir().id),
            ("as_of", &a.as_of.to_string()),
        ],
    );
    text.push_str(&totals_text(words, &title, &outcome, program.currency()));
    text.push_str(&summary_text(words, &summary, program.currency()));
    if let Some(other_path) = &a.compare {
        let (other_file, other) = compile_or_report(other_path, words.catalog())?;
        if other.target() != program.target() {
            bail!(words.text(
                "simulate.different_units",
                &[
                    ("first", &file.path),
                    ("first_target", &target_words(words, &program)),
                    ("second", &other_file.path),
                    ("second_target", &target_words(words, &other)),
                ],
            ));
        }
        // The difference of two totals is only money when both are in one currency.
        if other.currency() != program.currency() {
            let code = |p: &entitle_core::Program| {
                p.currency()
                    .map_or("-".to_string(), |c| c.code().to_string())
            };
            bail!(words.text(
                "simulate.different_currency",
                &[
                    ("first", &file.path),
                    ("first_currency", &code(&program)),
                    ("second", &other_file.path),
                    ("second_currency", &code(&other)),
                ],
            ));
        }
        let other_collected = collect(&other, &a.registry, a.as_of, &a.report)?;
        let other_outcome = run(&other, a.as_of, &other_collected.records, &options)
            .map_err(|e| run_error(e, words))?;
        let c = compare(&outcome, &other_outcome);
        let n = |n: u64| words.number(n);
        text.push_str(&words.text(
            "simulate.compared",
            &[
                ("path", &other_file.path),
                ("first", &n(c.a.covered)),
                ("second", &n(c.b.covered)),
                ("both", &n(c.both)),
                ("only_first", &n(c.only_a)),
                ("only_second", &n(c.only_b)),
                ("overlap", &text::percent(words, c.overlap)),
                (
                    "difference",
                    &text::money(words, program.currency(), c.difference),
                ),
            ],
        ));
        text.push('\n');
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
        let mut set = OutputSet::prepare(dir, &[name], a.force)?;
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

/// What a program decides, in words.
fn target_words(w: Words, p: &entitle_core::Program) -> String {
    match p.target() {
        entitle_dsl::ast::Target::Household => w.text("simulate.target.household", &[]),
        entitle_dsl::ast::Target::Individual => w.text("simulate.target.individual", &[]),
    }
}

/// The warning that the figures leave rows or units out, if they do.
fn left_out(w: Words, c: &collect::Collected) -> Option<String> {
    let rows = (c.row_errors > 0).then(|| w.count("simulate.rows_left_out", c.row_errors as u64));
    let units =
        (c.unit_errors > 0).then(|| w.count("simulate.units_left_out", c.unit_errors as u64));
    let subject = match (rows, units) {
        (Some(rows), Some(units)) => w.text(
            "simulate.left_out.both",
            &[("rows", &rows), ("units", &units)],
        ),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => return None,
    };
    Some(w.text("simulate.left_out", &[("subject", &subject)]))
}

#[cfg(test)]
mod tests {
    use super::outputs::RUN_CSV_HEADER;
    use super::*;

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
            locale: "en".into(),
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
            force: false,
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
}
