//! `entitle run`: decide every unit of a registry.
//!
//! The registry is read in chunks by a reader thread while the previous chunk is evaluated (in
//! parallel) and written, so memory stays flat however large the registry is. Outputs are written
//! under temporary names and moved into place only when the run has succeeded.

use super::{check_locale, parse_date, registry_error, OutputFormat};
use crate::decisions::{
    csv_decision, csv_error, csv_header, csv_line, fast_path_agrees, json_line, json_line_generic,
    ERRORS_HEADER,
};
use crate::output::OutputSet;
use crate::program_file::compile_or_report;
use crate::summary::{summary_json, summary_text, warn_absent, RunInfo, Stats};
use crate::term::{self, Color, ProgressBar};
use crate::words::Words;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use entitle_core::{Decision, EvalOptions, Program};
use entitle_dsl::ast::Target;
use entitle_registry::{
    AbsentInput, Chunk, JoinMode, Progress, ReadCounts, RegistryError, RegistrySource, RowError,
    SourceOptions,
};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The files a run writes.
pub const OUTPUTS: [&str; 4] = [
    "decisions.csv",
    "decisions.jsonl",
    "summary.json",
    "errors.csv",
];

/// Arguments of `entitle run`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Writes into DIR: decisions.csv and decisions.jsonl (one decision per unit: eligible,
not_eligible or undetermined, each item's amount, cash totals, in-kind quantities, rule outcomes,
missing inputs, the program's hash), errors.csv (one record per row that got no decision: file,
line, column, code, reason) and summary.json (counts, totals, errors). Counts reconcile:
units = decisions + errors.

The registry is a directory with groups.csv and members.csv (or .jsonl, .parquet) for household
programs, or individuals.csv (persons.csv, members.csv) for individual programs; or a file. Columns
are named as the program's inputs; members have id, group_id, kind, start_date and end_date. Only
the columns the program uses are read. A CSV file whose header has semicolons and no comma is read
with `;` (as spreadsheets write it where the comma is the decimal mark; amounts are still written
with a point); a file saved as UTF-16 is refused (save it as CSV UTF-8). In a Parquet file, an
error's line is the row's number.

The registry can also be a store made by `entitle import` (`sqlite:FILE`), an OpenG2P/OpenSPP
database (`postgres://…`, inputs found as `x_cst_`/`z_ind_` columns or named with `--map`) or DCI
search responses (`dci:FILE`). `--record` keeps the decisions in the store or database too.

Example:
  entitle run examples/programs/child_grant.entitle --registry examples/registry --as-of 2026-03-01 --out out/child_grant"
)]
pub struct Args {
    /// The program file (.entitle).
    pub program: PathBuf,
    #[arg(long, value_name = "PATH", help = crate::registry::REGISTRY_HELP)]
    pub registry: PathBuf,
    #[arg(long = "map", value_name = "INPUT=COLUMN", help = crate::registry::MAP_HELP)]
    pub map: Vec<String>,
    /// Also record the decisions and error records in a database, replacing those of the same
    /// program and as-of date: the registry's own (`sqlite:` or `postgres://`), or the one given.
    #[arg(long, value_name = "DATABASE", num_args = 0..=1, default_missing_value = "")]
    pub record: Option<String>,
    /// The members file, when it is not `members.csv` beside the groups file.
    #[arg(long, value_name = "FILE")]
    pub members: Option<PathBuf>,
    /// The date the decisions are made for: ages, memberships and parameters are taken on that day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: NaiveDate,
    /// The directory to write the decisions, the summary and the errors into (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Overwrite output files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Add each decision's explanation (an `explanation` in decisions.jsonl, a column in decisions.csv).
    #[arg(long)]
    pub explain: bool,
    /// The language of explanations, of the printed summary, warnings and errors, of the messages
    /// in errors.csv, and of the program's diagnostics: en, fr (the files' headers, keys and codes
    /// are the same in every locale).
    #[arg(long, value_name = "LOCALE", default_value = "en")]
    pub locale: String,
    /// Print the summary as text or as JSON (the content of summary.json).
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Never draw the progress bar (it is drawn only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
    /// Units per batch: memory grows with it.
    #[arg(long, value_name = "N", default_value_t = 65_536, hide = true)]
    pub batch_size: usize,
}

/// What one pass over the registry produced.
struct Executed {
    stats: Stats,
    read: ReadCounts,
    /// The inputs left at their default for want of a column, as known at the end.
    absent: Vec<AbsentInput>,
    describe: String,
    preview: Vec<RowError>,
}

/// A chunk and how far the reader had got.
type Message = Result<(Chunk, Option<Progress>), RegistryError>;

fn open(a: &Args, program: &Program, join: JoinMode) -> Result<Box<dyn RegistrySource>> {
    let options = SourceOptions {
        join,
        only_unit: None,
        members: a.members.clone(),
    };
    crate::registry::open(&a.registry, &a.map, program, &options).map_err(registry_error)
}

/// Runs `entitle run`.
///
/// # Errors
/// A program that does not compile, a registry that cannot be read, outputs that cannot be written.
pub fn main(a: &Args) -> Result<ExitCode> {
    check_locale(&a.locale)?;
    let words = Words::new(&a.locale);
    let (file, program) = compile_or_report(&a.program, words.catalog())?;
    let mut join = JoinMode::Sorted;
    let mut source = open(a, &program, join)?;
    // Said before the run's figures, which these inputs' defaults shaped (JSON Lines can tell
    // only once read: those are said after).
    let said = source.absent_inputs();
    warn_absent(&said, &[], words);
    let mut out = OutputSet::prepare(&a.out, &OUTPUTS, a.force)?;
    let executed = loop {
        match execute(a, &program, source, &mut out) {
            Ok(x) => break x,
            Err(e) => match e.downcast::<RegistryError>() {
                Ok(RegistryError::NotSorted { path, line, .. }) if join == JoinMode::Sorted => {
                    term::note(&words.text(
                        "run.not_sorted",
                        &[
                            ("path", &path.display().to_string()),
                            ("line", &line.to_string()),
                        ],
                    ));
                    join = JoinMode::Indexed;
                    source = open(a, &program, join)?;
                }
                Ok(other) => return Err(registry_error(other)),
                Err(e) => return Err(e),
            },
        }
    };
    let read = executed.read;
    let stats = &executed.stats;
    warn_absent(&executed.absent, &said, words);
    if read.units != stats.decisions() + stats.unit_errors {
        term::warning(&words.text(
            "run.not_reconciled",
            &[
                ("units", &read.units.to_string()),
                ("decisions", &stats.decisions().to_string()),
                ("errors", &stats.unit_errors.to_string()),
            ],
        ));
    }
    let info = RunInfo {
        program: &program,
        program_file: &file.path,
        as_of: a.as_of,
        registry: executed.describe.clone(),
        registry_path: crate::registry::shown(&a.registry),
        read,
        stats,
        explain: a.explain.then_some(a.locale.as_str()),
        absent: &executed.absent,
    };
    let summary = summary_json(&info);
    let mut text = serde_json::to_vec_pretty(&summary).context("cannot render the summary")?;
    text.push(b'\n');
    out.write("summary.json", &text)?;
    out.commit()?;
    let out_dir = a.out.display().to_string();
    for e in &executed.preview {
        term::warning(&e.render(words.catalog()));
    }
    let more = (stats.unit_errors + stats.row_errors).saturating_sub(executed.preview.len() as u64);
    if more > 0 {
        term::note(&more_errors(words, more, &format!("{out_dir}/errors.csv")));
    }
    let mut stdout = std::io::stdout().lock();
    match a.format {
        OutputFormat::Json => stdout.write_all(&text)?,
        OutputFormat::Text => stdout.write_all(
            summary_text(&info, &out_dir, Color::Auto.enabled(false), words).as_bytes(),
        )?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The note that more error records are in a file than were shown (the English keeps
/// "records" for one too, as it always said).
pub(crate) fn more_errors(words: Words, more: u64, path: &str) -> String {
    let form = if more == 1 { "one" } else { "other" };
    words.text(
        &format!("more_errors.{form}"),
        &[("count", &words.number(more)), ("path", path)],
    )
}

/// The output of one part of a chunk, built in parallel.
#[derive(Default)]
struct Part {
    csv: Vec<u8>,
    jsonl: Vec<u8>,
    /// Evaluation errors, with their unit's index in the chunk.
    errors: Vec<(usize, RowError)>,
    stats: Stats,
}

/// A chunk's reading errors and its units' evaluation errors (in unit order) as one list in
/// the order they would come one unit at a time: each unit's evaluation error after the errors
/// found up to reading it. So `errors.csv` is the same whatever the chunk size.
pub(crate) fn in_reading_order<'a>(
    chunk: &'a Chunk,
    evaluation: impl Iterator<Item = &'a (usize, RowError)>,
) -> Vec<&'a RowError> {
    let mut out = Vec::with_capacity(chunk.errors.len());
    let mut taken = 0usize;
    for (i, e) in evaluation {
        let through = chunk
            .errors_through
            .get(*i)
            .copied()
            .unwrap_or(chunk.errors.len())
            .min(chunk.errors.len());
        if through > taken {
            out.extend(chunk.errors.get(taken..through).unwrap_or(&[]));
            taken = through;
        }
        out.push(e);
    }
    out.extend(chunk.errors.get(taken..).unwrap_or(&[]));
    out
}

/// Writers of the three streamed outputs.
struct Writers {
    csv: std::io::BufWriter<std::fs::File>,
    jsonl: std::io::BufWriter<std::fs::File>,
    errors: std::io::BufWriter<std::fs::File>,
    dir: PathBuf,
    /// The decisions being recorded in a database (`--record`).
    recording: Option<crate::registry::Recording>,
    /// Writes the decision files back to disk as they grow.
    writeback: Option<crate::writeback::Writeback>,
}

impl Writers {
    fn create(out: &mut OutputSet, program: &Program, explain: bool) -> Result<Writers> {
        let mut w = Writers {
            csv: out.create("decisions.csv")?,
            jsonl: out.create("decisions.jsonl")?,
            errors: out.create("errors.csv")?,
            dir: out.dir().to_path_buf(),
            recording: None,
            writeback: None,
        };
        let files = [w.csv.get_ref().try_clone(), w.jsonl.get_ref().try_clone()];
        w.writeback = Some(crate::writeback::Writeback::start(
            files.into_iter().flatten().collect(),
        ));
        let mut header = Vec::new();
        csv_line(&mut header, &csv_header(program, explain));
        w.put("decisions.csv", &header)?;
        w.put("errors.csv", ERRORS_HEADER.as_bytes())?;
        Ok(w)
    }

    fn put(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let w = match name {
            "decisions.csv" => &mut self.csv,
            "decisions.jsonl" => &mut self.jsonl,
            _ => &mut self.errors,
        };
        w.write_all(bytes)
            .with_context(|| format!("cannot write {}", self.dir.join(name).display()))
    }

    fn flush(&mut self) -> Result<()> {
        if let Some(wb) = self.writeback.take() {
            wb.finish();
        }
        for (name, w) in [
            ("decisions.csv", &mut self.csv),
            ("decisions.jsonl", &mut self.jsonl),
            ("errors.csv", &mut self.errors),
        ] {
            w.flush()
                .with_context(|| format!("cannot write {}", self.dir.join(name).display()))?;
        }
        Ok(())
    }
}

fn execute(
    a: &Args,
    program: &Program,
    mut source: Box<dyn RegistrySource>,
    out: &mut OutputSet,
) -> Result<Executed> {
    let mut writers = Writers::create(out, program, a.explain)?;
    writers.recording =
        crate::registry::Recording::start(a.record.as_deref(), &a.registry, program, a.as_of)?;
    let describe = source.describe();
    let unit_file = source.unit_file();
    let noun = if program.target() == Target::Household {
        "households"
    } else {
        "individuals"
    };
    let mut bar = ProgressBar::new(!a.no_progress, noun);
    let mut stats = Stats::default();
    let mut preview: Vec<RowError> = Vec::new();
    let fast = AtomicBool::new(!a.explain);
    let batch_size = a.batch_size.max(1);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Message>(2);
    let (result, (read, absent)) = std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut reading = std::time::Duration::ZERO;
            loop {
                let t = std::time::Instant::now();
                let next = source.next_chunk(batch_size);
                reading += t.elapsed();
                let progress = source.progress();
                let stop = match next {
                    Ok(Some(chunk)) => tx.send(Ok((chunk, progress))).is_err(),
                    Ok(None) => true,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        true
                    }
                };
                if stop {
                    break;
                }
            }
            if std::env::var_os("ENTITLE_TIMINGS").is_some() {
                eprintln!("timings: reading {:.3} s", reading.as_secs_f64());
            }
            (source.counts(), source.absent_inputs())
        });
        let mut result: Result<()> = Ok(());
        let mut units = 0u64;
        let mut spare: Vec<Part> = Vec::new();
        while let Ok(message) = rx.recv() {
            let step = message
                .map_err(anyhow::Error::from)
                .and_then(|(chunk, progress)| {
                    units += (chunk.batch.len()
                        + chunk.errors.iter().filter(|e| e.counts_as_unit).count())
                        as u64;
                    process(
                        a,
                        program,
                        &chunk,
                        &unit_file,
                        &fast,
                        &mut writers,
                        &mut stats,
                        &mut preview,
                        &mut spare,
                    )?;
                    if let Some(p) = progress {
                        bar.update(units, p.done, p.total);
                    }
                    Ok(())
                });
            if let Err(e) = step {
                result = Err(e);
                break;
            }
        }
        drop(rx);
        let read = reader.join().unwrap_or_default();
        (result, read)
    });
    bar.finish();
    result?;
    writers.flush()?;
    if let Some(r) = writers.recording.take() {
        r.commit(&read)?;
    }
    Ok(Executed {
        stats,
        read,
        absent,
        describe,
        preview,
    })
}

/// Checks, on a few decisions of the chunk, that the fast JSON writer gives the core's bytes.
fn check_fast_path(result: &entitle_core::BatchResult<'_>, fast: &AtomicBool) {
    if !fast.load(Ordering::Relaxed) {
        return;
    }
    let mut seen_eligible = false;
    for i in 0..result.len().min(512) {
        let eligible = result.status(i) == entitle_core::UnitStatus::Eligible;
        if i > 0 && (seen_eligible || !eligible) {
            continue;
        }
        seen_eligible |= eligible;
        if let Ok(d) = result.decision(i) {
            if !fast_path_agrees(&d) {
                fast.store(false, Ordering::Relaxed);
                return;
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn process(
    a: &Args,
    program: &Program,
    chunk: &Chunk,
    unit_file: &Arc<str>,
    fast: &AtomicBool,
    writers: &mut Writers,
    stats: &mut Stats,
    preview: &mut Vec<RowError>,
    spare: &mut Vec<Part>,
) -> Result<()> {
    let options = EvalOptions {
        explain: a.explain,
        ..Default::default()
    };
    let t0 = std::time::Instant::now();
    let result = program.run(&chunk.batch, a.as_of, &options);
    let t1 = std::time::Instant::now();
    check_fast_path(&result, fast);
    let use_fast = fast.load(Ordering::Relaxed);
    let explain = a.explain.then_some(a.locale.as_str());
    const PART: usize = 2048;
    let n = result.len();
    // The parts' buffers are the previous chunk's, emptied: growing fresh ones to a megabyte each
    // copied every line again and faulted in new pages.
    let mut parts: Vec<Part> = (0..n.div_ceil(PART))
        .map(|_| spare.pop().unwrap_or_default())
        .collect();
    parts.par_iter_mut().enumerate().for_each(|(k, part)| {
        // One record per part, rewritten for each unit: no allocation per decision.
        let mut record: Option<Decision> = None;
        for i in k * PART..((k + 1) * PART).min(n) {
            let got = match &mut record {
                Some(d) => result.decision_into(i, d),
                None => result.decision(i).map(|d| {
                    record = Some(d);
                }),
            };
            match got {
                Ok(()) => {
                    let Some(d) = record.as_ref() else { continue };
                    part.stats.add_decision(d);
                    if use_fast {
                        json_line(&mut part.jsonl, d);
                    } else {
                        json_line_generic(&mut part.jsonl, d);
                    }
                    csv_decision(&mut part.csv, program, d, explain);
                }
                Err(e) => {
                    let line = chunk.lines.get(i).copied().unwrap_or(0);
                    part.errors.push((
                        i,
                        RowError::unit(unit_file, line, Some(&e.unit_id), e.code(), e.error),
                    ));
                }
            }
        }
    });
    let t2 = std::time::Instant::now();
    let mut errors = Vec::new();
    for e in in_reading_order(chunk, parts.iter().flat_map(|p| p.errors.iter())) {
        stats.add_error(e);
        csv_error(&mut errors, e, entitle_dsl::locale::catalog(&a.locale));
        if let Some(r) = &mut writers.recording {
            r.error(e)?;
        }
        if preview.len() < 5 {
            preview.push(e.clone());
        }
    }
    writers.put("errors.csv", &errors)?;
    for mut p in parts {
        writers.put("decisions.csv", &p.csv)?;
        writers.put("decisions.jsonl", &p.jsonl)?;
        if let Some(r) = &mut writers.recording {
            r.decisions(&p.jsonl)?;
        }
        stats.merge(std::mem::take(&mut p.stats));
        p.csv.clear();
        p.jsonl.clear();
        p.errors.clear();
        spare.push(p);
    }
    if let Some(wb) = &writers.writeback {
        wb.nudge();
    }
    if std::env::var_os("ENTITLE_TIMINGS").is_some() {
        eprintln!(
            "timings: chunk of {n}: evaluating {:.3} s, records {:.3} s, writing {:.3} s",
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64(),
            t2.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
