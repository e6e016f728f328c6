//! Parquet registry files: the same registry read from CSV and from Parquet gives the same units,
//! decisions and error records; only the columns a program uses are read; every cell type becomes
//! the text a CSV file would hold; a file that cannot be read stops with its name, never a panic.
//!
//! `support` writes the registry as CSV and as typed Parquet files; `reading` compares what
//! both give, type by type; `errors` is what stops a read.

mod errors;
#[cfg(feature = "sqlite")]
mod import;
mod reading;
mod support;
