//! `entitle explain`: the decision for one unit, with its reasons.

use super::{check_locale, parse_date, registry_error, OutputFormat};
use crate::program_file::compile_or_report;
use crate::term;
use anyhow::{bail, Result};
use chrono::NaiveDate;
use entitle_core::explain::render::decision_text;
use entitle_core::json::decision_to_json;
use entitle_core::{Decision, EvalOptions, Program};
use entitle_registry::{JoinMode, RegistryError, RowError, SourceOptions};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `entitle explain`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Reads the registry as `entitle run` does, but decides only the unit asked for, and prints each
rule with the values that decided it, each item with its amount, and the totals. When the unit's
rows have a problem, prints that instead (file, line, column), with exit code 1.

Example:
  entitle explain examples/programs/child_grant.entitle --registry examples/registry --as-of 2026-03-01 --id H0000001 --locale fr"
)]
pub struct Args {
    /// The program file (.entitle).
    pub program: PathBuf,
    #[arg(long, value_name = "PATH", help = crate::registry::REGISTRY_HELP)]
    pub registry: PathBuf,
    #[arg(long = "map", value_name = "INPUT=COLUMN", help = crate::registry::MAP_HELP)]
    pub map: Vec<String>,
    /// The members file, when it is not `members.csv` beside the groups file.
    #[arg(long, value_name = "FILE")]
    pub members: Option<PathBuf>,
    /// The date the decision is made for.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: NaiveDate,
    /// The unit's id (the group id, or the person's id for individual programs).
    #[arg(long, value_name = "UNIT")]
    pub id: String,
    /// The language of the explanation and of the program's diagnostics: en, fr.
    #[arg(long, value_name = "LOCALE", default_value = "en")]
    pub locale: String,
    /// Text for people, or the decision record with its explanation as JSON.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Reads the registry for one unit: its decision (if it got one) and the error records about it.
fn find(
    a: &Args,
    program: &Program,
    join: JoinMode,
) -> Result<(Option<Decision>, Vec<RowError>, String), RegistryError> {
    let options = SourceOptions {
        join,
        only_unit: Some(a.id.clone()),
        members: a.members.clone(),
    };
    let mut source = crate::registry::open(&a.registry, &a.map, program, &options)?;
    let unit_file = source.unit_file();
    let mut decision = None;
    let mut errors = Vec::new();
    while let Some(chunk) = source.next_chunk(65_536)? {
        errors.extend(
            chunk
                .errors
                .into_iter()
                .filter(|e| e.unit_id.as_deref() == Some(a.id.as_str())),
        );
        if chunk.batch.is_empty() || decision.is_some() {
            continue;
        }
        let result = program.run(
            &chunk.batch,
            a.as_of,
            &EvalOptions {
                explain: true,
                ..Default::default()
            },
        );
        match result.decision(0) {
            Ok(d) => decision = Some(d),
            Err(e) => {
                let line = chunk.lines.first().copied().unwrap_or(0);
                errors.insert(
                    0,
                    RowError::unit(&unit_file, line, Some(&e.unit_id), e.code(), e.error),
                );
            }
        }
    }
    // Said once the files are read (JSON Lines tells only then), by the pass that read them.
    let words = crate::words::Words::new(&a.locale);
    crate::summary::warn_absent(&source.absent_inputs(), &[], words);
    Ok((decision, errors, unit_file.to_string()))
}

/// Runs `entitle explain`.
///
/// # Errors
/// A program that does not compile or a registry that cannot be read.
pub fn main(a: &Args) -> Result<ExitCode> {
    check_locale(&a.locale)?;
    let (_, program) = compile_or_report(&a.program, entitle_dsl::locale::catalog(&a.locale))?;
    let found = match find(a, &program, JoinMode::Sorted) {
        Err(RegistryError::NotSorted { .. }) => find(a, &program, JoinMode::Indexed),
        other => other,
    };
    let (decision, errors, unit_file) = found.map_err(registry_error)?;
    let mut stdout = std::io::stdout().lock();
    match (decision, a.format) {
        (None, _) if errors.is_empty() => bail!(entitle_dsl::locale::catalog(&a.locale).render(
            "explain.no_unit",
            &[("unit", a.id.as_str()), ("file", unit_file.as_str())]
        )),
        (None, OutputFormat::Json) => {
            let records: Vec<_> = errors
                .iter()
                .map(|e| serde_json::to_value(e).unwrap_or_default())
                .collect();
            writeln!(
                stdout,
                "{}",
                serde_json::to_string_pretty(
                    &serde_json::json!({"unit_id": a.id, "errors": records})
                )?
            )?;
            Ok(ExitCode::from(crate::FAILED))
        }
        (None, OutputFormat::Text) => {
            let catalog = entitle_dsl::locale::catalog(&a.locale);
            let line = catalog.render("explain.not_decided", &[("unit", a.id.as_str())]);
            writeln!(stdout, "{line}")?;
            for e in &errors {
                writeln!(stdout, "  {}", e.render(catalog))?;
            }
            Ok(ExitCode::from(crate::FAILED))
        }
        (Some(d), format) => {
            let catalog = entitle_dsl::locale::catalog(&a.locale);
            for e in &errors {
                term::warning(&e.render(catalog));
            }
            match format {
                OutputFormat::Json => writeln!(
                    stdout,
                    "{}",
                    serde_json::to_string_pretty(&decision_to_json(&d))?
                )?,
                OutputFormat::Text => {
                    writeln!(stdout, "{}", decision_text(&program, &d, &a.locale))?
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
