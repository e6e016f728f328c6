//! `entitle pay`: a run's payable entitlements (or a cycle's approved allocations) as
//! disbursement files.
//!
//! The export itself is [`entitle_payments::export_run`]; this command finds each unit's payee.
//! Payees come from an account-mapper file (`--account-mapper`), or from the registry when the payer
//! configuration has a `[payees]` table (read here and not passed on):
//!
//! ```toml
//! [payees]
//! from = "registry"          # or "mapper", with `mapper = "accounts.csv"`
//! column = "account"         # the financial address column (default `account`)
//! name_column = "name"       # the payee's name (optional)
//! kind = "head"              # a group is paid through its member of this kind (default `head`)
//! registry = "registry/"     # default: the registry the run read
//! ```

use super::{parse_date, registry_error};
use crate::term::{group_digits, thousands};
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use entitle_dsl::ast::Target;
use entitle_payments::{
    export_run, ExportOptions, ExportReport, Format, Payee, Payees, PayerConfig, PaymentError,
    PlanOptions,
};
use entitle_registry::discover;
use entitle_registry::files::lookup::{lookup, Lookup};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `entitle pay`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Formats: g2p-connect, g2p-bridge, ph-ee, pain.001.001.03, pain.001.001.09, mojaloop.

Reads RUN_DIR/summary.json and RUN_DIR/decisions.jsonl (written by `entitle run`; refused when the
decisions do not add up to the summary's counts and totals): eligible units with a positive net
amount are payable. A directory written by `entitle cycle` (run.jsonl) pays what the
cycle approved: units whose allocation is approved and above zero, for the allocated amount (a cycle
of a program with a transfer fee is refused: its allocations are before the fee).

Each payable unit needs a payee: from --account-mapper (a CSV with unit_id,financial_address,name,…),
or from a registry column when PAYER.toml has a [payees] table (`column = \"account\"`,
`kind = \"head\"`: a household is paid through its head; one with two current heads goes to the
exceptions as `several_payees`). Units without a usable payee go to the exceptions file, never
silently out of the batch. The requested execution date is PAYER.toml's `execution_date`,
which must not be before today (--today), else the run's as-of date or today, whichever is
later. Nothing is written unless the whole export is valid.

Example:
  entitle pay out/child_grant --format g2p-connect --payer examples/payer.toml --out out/payments"
)]
pub struct Args {
    /// A directory written by `entitle run`, or by `entitle cycle`.
    pub run_dir: PathBuf,
    /// The disbursement format.
    #[arg(long, value_name = "FORMAT")]
    pub format: String,
    /// The payer configuration (TOML).
    #[arg(long, value_name = "PAYER.toml")]
    pub payer: PathBuf,
    /// The directory to write the batch files, the exceptions and the manifest into.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Overwrite existing output files.
    #[arg(long)]
    pub force: bool,
    /// An account-mapper CSV file (unit_id,financial_address,…), instead of the payer's [payees].
    #[arg(long, value_name = "FILE")]
    pub account_mapper: Option<PathBuf>,
    /// A SQLite ledger of exported entitlements, so that nothing is paid twice.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    /// The cycle in every reference (default: the payer's `cycle`, else the as-of month).
    #[arg(long, value_name = "CYCLE")]
    pub cycle: Option<String>,
    /// Export these units again under a new reference (needs --ledger).
    #[arg(long, value_name = "UNIT")]
    pub reissue: Vec<String>,
    /// Leave out units the ledger has already exported.
    #[arg(long)]
    pub skip_exported: bool,
    /// The day of the export (default: today's local date): an `execution_date` before it is
    /// refused, and without one payment is asked for on the as-of date or this day, whichever is
    /// later. The files are dated at its start (00:00 UTC) unless PAYER.toml sets `created_at`.
    /// Give an earlier export's day to make its files again.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
}

/// The `[payees]` table of a payer configuration.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PayeesConfig {
    from: Option<String>,
    column: Option<String>,
    name_column: Option<String>,
    kind: Option<String>,
    registry: Option<PathBuf>,
    members: Option<PathBuf>,
    mapper: Option<PathBuf>,
}

/// What the run's summary says about where its units came from.
#[derive(Debug, Deserialize)]
struct RunSummary {
    as_of: String,
    registry_path: Option<PathBuf>,
    target: Option<String>,
}

/// The `[payees]` table of the payer file, read on its own (the payments crate reads the rest and
/// leaves this table alone), so that an error in either is reported at its line in the file.
#[derive(Debug, Default, Deserialize)]
struct PayeesFile {
    #[serde(default)]
    payees: Option<PayeesConfig>,
}

/// The payments crate's configuration and our `[payees]` table, from one payer file.
fn read_payer(path: &Path) -> Result<(PayerConfig, Option<PayeesConfig>)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the payer configuration {}", path.display()))?;
    let config = PayerConfig::from_toml_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e} [{}]", path.display(), e.code()))?;
    let payees = toml::from_str::<PayeesFile>(&text)
        .map_err(|e| {
            let at = entitle_payments::toml_error(&text, &e);
            anyhow::anyhow!("{}: [payees]: {at}", path.display())
        })?
        .payees;
    Ok((config, payees))
}

fn relative_to(base: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

/// Payees read from the registry's column, a group through its member of the configured kind,
/// and the groups with more than one current member of that kind, which have no single payee.
fn registry_payees(
    a: &Args,
    cfg: &PayeesConfig,
    base: &Path,
) -> Result<(HashMap<String, Payee>, BTreeSet<String>)> {
    let summary_path = a.run_dir.join("summary.json");
    let text = std::fs::read_to_string(&summary_path)
        .with_context(|| format!("cannot read {}", summary_path.display()))?;
    let summary: RunSummary = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a run summary", summary_path.display()))?;
    let as_of = NaiveDate::parse_from_str(&summary.as_of, "%Y-%m-%d")
        .with_context(|| format!("{}: `as_of` is not a date", summary_path.display()))?;
    let registry = match (&cfg.registry, &summary.registry_path) {
        (Some(r), _) => relative_to(base, r),
        (None, Some(r)) => r.clone(),
        (None, None) => bail!("the payer's [payees] table needs `registry`: {} does not say which registry the run read", summary_path.display()),
    };
    let target = if summary.target.as_deref() == Some("individual") {
        Target::Individual
    } else {
        Target::Household
    };
    let members = cfg.members.as_ref().map(|m| relative_to(base, m));
    let column = cfg.column.clone().unwrap_or_else(|| "account".into());
    let mut columns = vec![(column, true)];
    if let Some(n) = &cfg.name_column {
        columns.push((n.clone(), true));
    }
    let l = Lookup {
        columns,
        kind: cfg.kind.clone().unwrap_or_else(|| "head".into()),
        as_of,
    };
    // A run over the SQLite store (`sqlite:FILE`) finds payees in the store.
    let found = match registry.to_str().and_then(|r| r.strip_prefix("sqlite:")) {
        Some(db) => entitle_registry::sqlite::SqliteStore::open(Path::new(db))
            .and_then(|store| store.lookup(target == Target::Household, &l)),
        None => discover(&registry, target, members.as_deref()).and_then(|f| lookup(&f, &l)),
    }
    .map_err(registry_error)?;
    let several = found
        .iter()
        .filter(|(_, f)| f.matches > 1)
        .map(|(unit, _)| unit.clone())
        .collect();
    let payees = found
        .into_iter()
        .map(|(unit, f)| {
            let mut values = f.values.into_iter();
            let financial_address = values.next().flatten();
            let name = values.next().flatten();
            (
                unit,
                Payee {
                    financial_address,
                    name,
                    ..Payee::default()
                },
            )
        })
        .collect();
    Ok((payees, several))
}

/// A payment error as the command line reports it: the options it names are this command's flags
/// (`--force`, `--reissue`, `--skip-exported`, `--cycle`), not the library's option names.
fn message(e: &PaymentError) -> String {
    match e {
        PaymentError::OutputExists { path } => format!(
            "output `{}` already exists; pass --force to overwrite it",
            path.display()
        ),
        PaymentError::InvalidOption { option, reason } => format!("invalid --{option}: {reason}"),
        PaymentError::AlreadyExported {
            count,
            first_unit_id,
            batch_id,
        } => format!(
            "{count} entitlement(s) already exported in an earlier batch (first: unit \
             {first_unit_id} in batch {batch_id}); leave them out with --skip-exported, or export \
             one again under a new reference with --reissue UNIT"
        ),
        PaymentError::AmountChanged {
            unit_id,
            batch_id,
            recorded,
            new,
            ..
        } => format!(
            "unit {unit_id} was exported in batch {batch_id} for {recorded}, but this run pays it \
             {new}{}: pass --reissue {unit_id} to pay it under a new reference (once the earlier \
             payment is cancelled or failed), or --cycle to export the run as a new cycle",
            e.others_clause()
        ),
        PaymentError::AccountChanged {
            unit_id, batch_id, ..
        } => format!(
            "unit {unit_id} was exported in batch {batch_id} to another payee account than it has \
             now{}: pass --reissue {unit_id} to pay the new account under a new reference (once \
             the earlier payment is cancelled or failed), --skip-exported if the earlier payment \
             stands, or --cycle to export the run as a new cycle",
            e.others_clause()
        ),
        PaymentError::PastExecutionDate { .. } => format!(
            "{e}; to make again the files of an export made on an earlier day, pass --today with \
             that day"
        ),
        other => other.to_string(),
    }
}

/// The figures printed after an export. They add up: payable = exported + exceptions + already
/// exported (the last shown when --skip-exported is given or something was skipped).
fn console(report: &ExportReport, skip_exported: bool) -> String {
    let c = &report.counts;
    let t = &report.totals;
    let money = |amount: &rust_decimal::Decimal| match &report.currency {
        Some(code) => format!(" ({code} {})", group_digits(&amount.to_string())),
        None => String::new(),
    };
    let count = |n: usize| thousands(u64::try_from(n).unwrap_or(u64::MAX));
    let mut out = format!(
        "{} payments for {} as of {} (cycle {})\n",
        report.format, report.program.id, report.as_of, report.cycle
    );
    out.push_str(&format!(
        "  payable           {}{}\n",
        count(c.payable),
        money(&t.payable)
    ));
    out.push_str(&format!(
        "  exported          {}{}\n",
        count(c.exported),
        money(&t.exported)
    ));
    out.push_str(&format!(
        "  exceptions        {}{}\n",
        count(c.exceptions),
        money(&t.exceptions)
    ));
    // Each reason with its count, the most frequent first: what to correct, without opening
    // the exceptions file.
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &report.exceptions {
        *reasons.entry(e.reason.code()).or_default() += 1;
    }
    let mut reasons: Vec<(&str, usize)> = reasons.into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (code, n) in &reasons {
        out.push_str(&format!("    {code:<30}{}\n", count(*n)));
    }
    if let Some((_, n)) = reasons.iter().find(|(code, _)| *code == "national_msisdn") {
        out.push_str(&format!(
            "note: {} MSISDN(s) in national form were not exported: set `msisdn_country_code` in \
             the payer configuration (such as \"254\") to write them with their country code\n",
            count(*n)
        ));
    }
    if !t.rounding_difference.is_zero() {
        out.push_str(&format!(
            "  rounding          {}\n",
            money(&t.rounding_difference).trim_start()
        ));
    }
    if skip_exported || c.already_exported > 0 {
        out.push_str(&format!(
            "  already exported  {}{}\n",
            count(c.already_exported),
            money(&t.already_exported)
        ));
    }
    out
}

/// Runs `entitle pay`.
///
/// # Errors
/// An unknown format, an unreadable run or payer file, or any payment error (nothing is written then).
pub fn main(a: &Args) -> Result<ExitCode> {
    // A run killed while moving its outputs into place is completed first, never read half-done.
    crate::output::recover(&a.run_dir)?;
    let format: Format = a
        .format
        .parse()
        .map_err(|e: entitle_payments::PaymentError| anyhow::anyhow!("{e} [{}]", e.code()))?;
    let (payer, payees_cfg) = read_payer(&a.payer)?;
    let base = a.payer.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut several_payees = BTreeSet::new();
    let payees = match (&a.account_mapper, &payees_cfg) {
        (Some(m), _) => Payees::Mapper(m.clone()),
        (None, Some(cfg)) => match cfg.from.as_deref().unwrap_or("registry") {
            "registry" => {
                let (map, several) = registry_payees(a, cfg, &base)?;
                several_payees = several;
                Payees::Map(map)
            }
            "mapper" => match &cfg.mapper {
                Some(m) => Payees::Mapper(relative_to(&base, m)),
                None => bail!(
                    "{}: [payees] from = \"mapper\" needs `mapper = \"FILE\"`",
                    a.payer.display()
                ),
            },
            other => bail!(
                "{}: [payees] from = \"{other}\": expected \"registry\" or \"mapper\"",
                a.payer.display()
            ),
        },
        (None, None) => Payees::Map(HashMap::new()),
    };
    let options = ExportOptions {
        payees,
        ledger: a.ledger.clone(),
        force: a.force,
        plan: PlanOptions {
            cycle: a.cycle.clone(),
            reissue: a.reissue.clone(),
            skip_exported: a.skip_exported,
            today: Some(a.today.unwrap_or_else(|| chrono::Local::now().date_naive())),
            several_payees,
            ..PlanOptions::default()
        },
    };
    let report = export_run(&a.run_dir, format, &payer, &a.out, &options)
        .map_err(|e| anyhow::anyhow!("{} [{}]", message(&e), e.code()))?;
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", console(&report, a.skip_exported))?;
    for name in report
        .files
        .iter()
        .map(|f| f.name.clone())
        .chain([format!("{}-manifest.json", report.format)])
    {
        writeln!(stdout, "wrote {}", a.out.join(name).display())?;
    }
    Ok(ExitCode::SUCCESS)
}
