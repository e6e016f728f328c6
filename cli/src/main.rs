//! `entitle`: check, test and run social-protection programs over a registry, from a shell.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // failures are messages with exit codes

mod commands;
mod decisions;
mod generate;
mod output;
mod program_file;
mod registry;
mod summary;
mod term;
mod words;
mod writeback;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

const ABOUT: &str =
    "Entitle: who is eligible for a social-protection program, what they receive, and why.

A program file (.entitle) says what a program reads from the registry, who is eligible and what each
beneficiary is entitled to, with its own tests. `entitle` checks it, runs its tests, decides every
household (or person) of a registry export, explains single decisions and exports payments.";

const AFTER: &str = "Examples:
  entitle check examples/programs/child_grant.entitle
  entitle test examples/programs/*.entitle
  entitle run examples/programs/child_grant.entitle --registry examples/registry --as-of 2026-03-01 --out out/child_grant
  entitle explain examples/programs/child_grant.entitle --registry examples/registry --as-of 2026-03-01 --id H0000001

Run `entitle help COMMAND` for the options of one command.";

/// The `entitle` command line.
#[derive(Parser, Debug)]
#[command(name = "entitle", version, about = ABOUT, after_help = AFTER, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a program for errors and warnings (exit code 1 when it has errors).
    Check(commands::check::Args),
    /// Run the tests written inside programs; ends with a line `N passed, M failed`.
    Test(commands::test::Args),
    /// Decide every unit of a registry: writes decisions, a summary and errors to a directory.
    Run(commands::run::Args),
    /// Explain the decision for one unit of a registry.
    Explain(commands::explain::Args),
    /// Format program files in the standard layout (or check that they are).
    Fmt(commands::fmt::Args),
    /// Export the payable entitlements of a run as disbursement files.
    Pay(commands::pay::Args),
    /// Import registry files into a SQLite store (`--registry sqlite:FILE` then reads it).
    Import(commands::import::Args),
    /// Generate a synthetic registry (households with members) for trials and benchmarks.
    Generate(generate::Args),
    /// Run a cycle over a registry: membership states, deduplication, selection, approval.
    Cycle(commands::cycle::CycleArgs),
    /// Simulate a program over a registry: coverage, disparity, Gini, leakage (aggregates only).
    Simulate(commands::cycle::SimulateArgs),
}

impl Command {
    /// The `--locale` of a command that takes one: its stderr lines speak that language.
    fn locale(&self) -> Option<&str> {
        match self {
            Command::Check(a) => Some(&a.locale),
            Command::Test(a) => Some(&a.locale),
            Command::Run(a) => Some(&a.locale),
            Command::Explain(a) => Some(&a.locale),
            Command::Cycle(a) => Some(&a.report.locale),
            Command::Simulate(a) => Some(&a.report.locale),
            Command::Fmt(_) | Command::Pay(_) | Command::Import(_) | Command::Generate(_) => None,
        }
    }
}

fn main() -> ExitCode {
    // mimalloc asks for transparent huge pages, so each fresh or purged 2 MiB of a run's chunk
    // buffers was zeroed whole on first touch: 15 % of `entitle run`'s CPU on a million households.
    // Without them the run takes 15 % less wall time and a quarter less memory (BENCHMARKS.md).
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_thp_disable(true);
    let cli = Cli::parse();
    if let Some(locale) = cli.command.locale() {
        // An unknown locale is refused by the command itself, in English (the catalogue falls back).
        term::speak(entitle_dsl::locale::catalog(locale));
    }
    let result = match cli.command {
        Command::Check(a) => commands::check::main(&a),
        Command::Test(a) => commands::test::main(&a),
        Command::Run(a) => commands::run::main(&a),
        Command::Explain(a) => commands::explain::main(&a),
        Command::Fmt(a) => commands::fmt::main(&a),
        Command::Pay(a) => commands::pay::main(&a),
        Command::Import(a) => commands::import::main(&a),
        Command::Generate(a) => generate::main(&a),
        Command::Cycle(a) => commands::cycle::cycle_main(&a),
        Command::Simulate(a) => commands::cycle::simulate_main(&a),
    };
    match result {
        Ok(code) => code,
        // The reader of our output went away (`entitle explain … | head`): it has what it wanted,
        // which is no error of ours to report.
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            term::error(&format!("{e:#}"));
            ExitCode::from(2)
        }
    }
}

/// Whether `e` is a write to a pipe whose reader has closed it.
fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Exit codes: 0 success, 1 the program or data has errors (diagnostics, failed tests, a unit that
/// could not be explained), 2 the command could not do its work (a missing file, bad arguments).
pub(crate) const FAILED: u8 = 1;
