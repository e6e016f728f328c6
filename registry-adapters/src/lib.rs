//! Entitle's registry adapters: where beneficiaries come from.
//!
//! A registry source reads units (households with their members, or individuals) for one compiled
//! program, in chunks of columnar [`Batch`](entitle_core::Batch)es, reading only the columns the
//! program uses. Every row read yields a unit in a batch or a [`RowError`] (file, line, column,
//! code, reason): nothing is dropped, and [`ReadCounts`] reconcile.
//!
//! The embedded sources are CSV and JSON Lines files ([`files`], cargo features `csv` and `jsonl`),
//! and Parquet files (cargo feature `parquet`, not a default).
//! Other sources implement [`RegistrySource`].
//!
//! ```
//! use entitle_registry::{open_files, RegistrySource, SourceOptions};
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("groups.csv"), "id,region,monthly_income\nH1,North,5000\nH2,East,50000\n")?;
//! std::fs::write(dir.path().join("members.csv"),
//!     "id,group_id,kind,birthdate\nM1,H1,head,1990-01-01\nM2,H1,child,2020-05-01\nM3,H2,head,1980-01-01\nM4,H9,head,1970-01-01\n")?;
//! let program = entitle_core::Program::compile(include_str!("../../examples/programs/child_grant.entitle"))?;
//! let mut source = open_files(dir.path(), &program, &SourceOptions::default())?;
//! let chunk = source.next_chunk(1000)?.expect("a chunk");
//! assert_eq!(chunk.batch.len(), 2);
//! assert_eq!(chunk.lines, [2, 3]);
//! assert_eq!(chunk.errors[0].code, "G0107"); // M4's group H9 does not exist
//! assert_eq!(chunk.errors[0].line, 5);
//! let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date");
//! let result = program.run(&chunk.batch, as_of, &Default::default());
//! assert_eq!(result.cash_total(0).map(|d| d.to_string()).as_deref(), Some("2000"));
//! let counts = source.counts();
//! assert_eq!((counts.units, counts.decided, counts.unit_errors, counts.row_errors), (2, 2, 0, 1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(
    clippy::panic,            // a host process must never be brought down by a registry file
    clippy::unwrap_used,      // every failure is a RegistryError or a RowError with a code
    clippy::expect_used,      // same
    clippy::indexing_slicing, // use get(), so a wrong assumption is an error, not a panic
    missing_docs,             // the public API is what other adapters and bindings read
)]

pub mod bind;
#[cfg(feature = "dci")]
pub mod dci;
pub mod error;
pub mod files;
pub mod location;
pub mod mapping;
pub mod order;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod reason;
pub mod record;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod runs;
pub mod source;
#[cfg(feature = "sqlite")]
pub mod sqlite;

pub use error::RegistryError;
pub use files::{discover, open_files, open_registry_files, RegistryFiles};
pub use location::Location;
pub use mapping::Mapping;
pub use reason::Reason;
pub use record::RowError;
pub use source::{
    AbsentInput, Chunk, JoinMode, Progress, ReadCounts, RegistrySource, SourceOptions,
};
