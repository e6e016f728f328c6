//! `entitle import`: load registry files into a SQLite store.

use super::registry_error;
use anyhow::{bail, Result};
use entitle_registry::sqlite::{plan, SqliteStore};
use entitle_registry::Location;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `entitle import`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Imports a household registry (groups.csv and members.csv) or an individual one (individuals.csv),
in CSV, TSV, JSON Lines or Parquet, into a SQLite file: the store, created if needed. An import replaces the
store's whole registry in one transaction; decision records and the payment ledger kept in the same
file stay. Every row is imported as it is, bad ones included: running a program on the store gives
the same decisions and the same error records (file, line, column) as running it on the files.

Examples:
  entitle import examples/registry --to sqlite:registry.db
  entitle run examples/programs/child_grant.entitle --registry sqlite:registry.db --as-of 2026-03-01 --out out/cg --record"
)]
pub struct Args {
    /// Directories of registry files, or files named groups.*, members.* or individuals.*.
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<PathBuf>,
    /// The store: `sqlite:FILE` (or just the file).
    #[arg(long, value_name = "sqlite:FILE")]
    pub to: String,
}

/// Runs `entitle import`.
///
/// # Errors
/// Files that cannot be read, or a store that cannot be written.
pub fn main(a: &Args) -> Result<ExitCode> {
    let path = match Location::parse(&a.to) {
        Location::Sqlite(p) => p,
        Location::Files(p) => p,
        other => bail!("cannot import into {other}: `--to` takes a SQLite store, `sqlite:FILE`"),
    };
    let files = plan(&a.files).map_err(registry_error)?;
    let mut store = SqliteStore::open(&path).map_err(registry_error)?;
    let imported = store
        .import(&files, &crate::registry::now())
        .map_err(registry_error)?;
    let parts: Vec<String> = imported
        .iter()
        .map(|f| {
            format!(
                "{} ({}: {} rows, {} columns)",
                f.source,
                f.role.as_str(),
                crate::term::thousands(f.rows),
                f.columns.len()
            )
        })
        .collect();
    println!(
        "imported {} into {} (schema version {})",
        parts.join(", "),
        path.display(),
        store.version()
    );
    Ok(ExitCode::SUCCESS)
}
