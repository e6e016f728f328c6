//! Where a registry is, as a user writes it (`entitle run --registry …`): registry files, the
//! SQLite store, PostgreSQL, or DCI search responses.
//!
//! | written | source |
//! | --- | --- |
//! | `registry/`, `groups.csv`, `persons.jsonl` | CSV or JSON Lines files ([`crate::files`]) |
//! | `sqlite:registry.db` | the embedded store ([`crate::sqlite`]) |
//! | `postgres://user@host/db`, `postgresql://…` | OpenG2P/OpenSPP in PostgreSQL ([`crate::postgres`]) |
//! | `dci:on-search.json`, `dci:pages/` | DCI search responses ([`crate::dci`]) |
//!
//! ```
//! use entitle_registry::Location;
//! assert_eq!(Location::parse("sqlite:store.db"), Location::Sqlite("store.db".into()));
//! assert_eq!(Location::parse("postgres://u:secret@db/registry").to_string(), "postgres://u@db/registry");
//! assert_eq!(Location::parse("examples/registry"), Location::Files("examples/registry".into()));
//! ```

use crate::error::RegistryError;
use crate::mapping::Mapping;
use crate::reason::Reason;
use crate::source::{RegistrySource, SourceOptions};
use entitle_core::Program;
use std::path::PathBuf;

/// Where a registry is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A directory of registry files, or one file.
    Files(PathBuf),
    /// An Entitle store (`sqlite:PATH`).
    Sqlite(PathBuf),
    /// A PostgreSQL database with the OpenG2P/OpenSPP schema (the connection string, password
    /// included: never print it, print the [`Location`] instead).
    Postgres(String),
    /// A DCI search response, or a directory of them (`dci:PATH`).
    Dci(PathBuf),
}

impl Location {
    /// Reads a location as written on a command line.
    pub fn parse(text: &str) -> Location {
        if let Some(p) = text.strip_prefix("sqlite:") {
            Location::Sqlite(PathBuf::from(p))
        } else if let Some(p) = text.strip_prefix("dci:") {
            Location::Dci(PathBuf::from(p))
        } else if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Location::Postgres(text.to_string())
        } else {
            Location::Files(PathBuf::from(text))
        }
    }

    /// G0008 with the catalogue entry `key`, which names the registry.
    fn unsupported(&self, key: &'static str) -> RegistryError {
        RegistryError::Unsupported {
            reason: Reason::with(key, &[("registry", &self.to_string())]),
        }
    }

    /// Opens the registry for `program`. The mapping applies to PostgreSQL and DCI registries (files
    /// and the store have columns named as the inputs); `options.members` only to files.
    ///
    /// # Errors
    /// Whatever the source's opening gives (see each module), [`RegistryError::Unsupported`]
    /// (G0008) when this build lacks the source's feature or an option does not apply to it.
    pub fn open(
        &self,
        program: &Program,
        options: &SourceOptions,
        mapping: &Mapping,
    ) -> Result<Box<dyn RegistrySource>, RegistryError> {
        if options.members.is_some() && !matches!(self, Location::Files(_)) {
            return Err(self.unsupported("G0008.members_file"));
        }
        if !mapping.is_empty() && matches!(self, Location::Files(_) | Location::Sqlite(_)) {
            return Err(self.unsupported("G0008.mapping"));
        }
        match self {
            Location::Files(path) => crate::files::open_files(path, program, options),
            // Reading never creates a store: a missing file is an error, not an empty registry.
            #[cfg(feature = "sqlite")]
            Location::Sqlite(path) if !path.exists() => Err(RegistryError::NotFound {
                path: path.clone(),
                reason: Reason::key("G0002.no_store"),
            }),
            #[cfg(feature = "sqlite")]
            Location::Sqlite(path) => {
                crate::sqlite::SqliteStore::open(path)?.source(program, options)
            }
            #[cfg(feature = "postgres")]
            Location::Postgres(url) => {
                crate::postgres::open_postgres(url, program, options, mapping)
            }
            #[cfg(feature = "dci")]
            Location::Dci(path) => crate::dci::open_dci(path, program, options, mapping),
            #[allow(unreachable_patterns)]
            _ => Err(self.unsupported("G0008.this_build_registry")),
        }
    }

    /// Starts recording a run's decisions in this database (see [`crate::runs`]).
    ///
    /// # Errors
    /// [`RegistryError::Unsupported`] (G0008) for files and DCI responses, which are not databases;
    /// G0009 when the database cannot be written; G0014 when a SQLite file is not a store.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub fn recorder(
        &self,
        info: crate::runs::RunInfo,
    ) -> Result<Box<dyn crate::runs::RunRecorder>, RegistryError> {
        match self {
            #[cfg(feature = "sqlite")]
            Location::Sqlite(path) => crate::sqlite::SqliteStore::open(path)?.recorder(info),
            #[cfg(feature = "postgres")]
            Location::Postgres(url) => Ok(Box::new(crate::postgres::PgRecorder::begin(url, info)?)),
            _ => Err(self.unsupported("G0008.record")),
        }
    }
}

impl std::fmt::Display for Location {
    /// The location as written, without any password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Files(p) => write!(f, "{}", p.display()),
            Location::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            #[cfg(feature = "postgres")]
            Location::Postgres(url) => f.write_str(&crate::postgres::redact(url)),
            #[cfg(not(feature = "postgres"))]
            Location::Postgres(_) => f.write_str("postgres://…"),
            Location::Dci(p) => write!(f, "dci:{}", p.display()),
        }
    }
}

impl std::str::FromStr for Location {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Location, Self::Err> {
        Ok(Location::parse(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_that_do_not_apply_are_refused() {
        let program =
            Program::compile(include_str!("../../examples/programs/child_grant.entitle")).unwrap();
        let map = Mapping::from_entries(["region=x"]).unwrap();
        let files = Location::parse("examples/registry");
        let e = files
            .open(&program, &SourceOptions::default(), &map)
            .err()
            .unwrap();
        assert_eq!(e.code(), "G0008");
        let with_members = SourceOptions {
            members: Some("m.csv".into()),
            ..Default::default()
        };
        let e = Location::parse("dci:x.json")
            .open(&program, &with_members, &Mapping::new())
            .err()
            .unwrap();
        assert_eq!(e.code(), "G0008");
        assert!(
            e.to_string().ends_with("(the registry is dci:x.json)"),
            "{e}"
        );
    }
}
