//! PostgreSQL with the OpenG2P/OpenSPP schema (feature `postgres`, on by default).
//!
//! Units are read from `res_partner`, members from `g2p_group_membership` with their kinds
//! (`g2p_group_membership_kind` through `g2p_group_membership_g2p_group_membership_kind_rel`) and
//! dates, as an Odoo database of OpenG2P or OpenSPP holds them:
//!
//! - **Population.** OpenG2P's base filter is always applied (reference A2): registrants only
//!   (`is_registrant`), `active`, not disabled (`disabled IS NULL`), groups for household programs
//!   and individuals (`is_group` not true) for individual programs. Members are every membership
//!   of those groups; whether one counts on the as-of date is decided by its `start_date` and
//!   `ended_date` (or `end_date`), read as dates (`is_ended` is computed against today by Odoo, so it
//!   is not used).
//! - **Inputs.** A program input is read from the column a [`Mapping`] names
//!   (`--map region=x_cst_grp_region`), else from the one column among its own name and the custom
//!   field names `x_cst_{grp|indv}_<input>`, `z_ind_{grp|indv}_<input>`, `x_cst_<input>` and
//!   `z_ind_<input>` that exists (several is an error asking for a mapping). The structural columns
//!   `id`, `active`, `disabled`, `is_registrant` and `is_group` are never matched by name: OpenG2P's
//!   `disabled` is the time a registrant was disabled (taken out of the registry), not a disability,
//!   so a program's `disabled` input reads `x_cst_indv_disabled` (or whatever the mapping says).
//!   Mapping a date or time stamp column to a truth input reads "is set" (`--map
//!   deactivated=disabled`).
//! - **Ids.** Units and members are identified by `id` (the partner's key), or by the column
//!   `--map id=COLUMN` names (such as `ref`); error records give the row's `id` as its line.
//!   Members are joined to their group by that id, so a household program's groups that share a
//!   mapped id (Odoo does not keep `ref` unique) are each an error (G0106), never one group
//!   decided with the members of all.
//! - **Safety.** Only the columns the program reads are selected. Every identifier comes from the
//!   catalog and is quoted; the only value a query takes (`entitle explain`'s unit) is a bind
//!   parameter. Types are checked before reading: a column whose type cannot hold its input is an
//!   error up front (G0012); a text column holding a bad value gives that unit an error record.
//! - **Streaming.** Rows come through two server-side cursors (`DECLARE … CURSOR`, `FETCH 2048`)
//!   in one read-only, repeatable-read transaction (planned to be read to the end, with
//!   `work_mem` raised to 64 MB for that transaction only, so the sorts stay in memory).
//! - **Connection.** A `postgres://user:password@host:port/database` URL or a `key=value` string
//!   (libpq's forms); `options=-csearch_path=openg2p` picks a schema. No TLS: connect over a local
//!   socket, a private network or an SSH tunnel. Passwords never appear in messages or summaries
//!   ([`redact`]).
//!
//! Decision records can be written back into tables of Entitle's own ([`PgRecorder`]).

mod catalog;
mod query;
mod record;
mod rows;

pub use record::PgRecorder;

use crate::bind::ProgramColumns;
use crate::error::RegistryError;
use crate::files::assemble::{wanted, FileSource};
use crate::files::rows::RowStream;
use crate::mapping::Mapping;
use crate::source::{RegistrySource, SourceOptions};
use entitle_core::Program;
use entitle_dsl::ast::Target;
use postgres::{Client, NoTls};
use rows::{CursorRows, Shared};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

/// A connection string without its password (`postgres://user:secret@h/db` →
/// `postgres://user@h/db`), for messages and summaries.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let authority = match authority.rsplit_once('@') {
            Some((user, host)) => format!("{}@{host}", user.split(':').next().unwrap_or("")),
            None => authority.to_string(),
        };
        let tail = match tail.split_once('?') {
            Some((path, query)) => {
                let kept: Vec<&str> = query
                    .split('&')
                    .filter(|p| !p.to_ascii_lowercase().starts_with("password="))
                    .collect();
                if kept.is_empty() {
                    path.to_string()
                } else {
                    format!("{path}?{}", kept.join("&"))
                }
            }
            None => tail.to_string(),
        };
        format!("{scheme}://{authority}{tail}")
    } else {
        url.split_whitespace()
            .map(|kv| {
                if kv.to_ascii_lowercase().starts_with("password=") {
                    "password=***"
                } else {
                    kv
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

pub(crate) fn db_error(database: &str, action: &str, e: &postgres::Error) -> RegistryError {
    // The driver's text names the server's problem; the server's own message (as_db_error) never
    // quotes row values for the statements built here, which cast every value to text.
    let reason = match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => {
            // "error connecting to server: Connection refused (os error 111)"
            let mut text = e.to_string();
            let mut cause = std::error::Error::source(e);
            while let Some(c) = cause {
                text.push_str(": ");
                text.push_str(&c.to_string());
                cause = c.source();
            }
            text
        }
    };
    RegistryError::Database {
        database: database.to_string(),
        action: action.to_string(),
        reason,
    }
}

/// Connects to `url` (with a 10-second connection timeout unless the URL sets one) and sets the
/// session so values read as Entitle expects: ISO dates, UTC, shortest exact floats.
///
/// # Errors
/// [`RegistryError::Database`] (G0009) naming the database (without password).
pub fn connect(url: &str) -> Result<Client, RegistryError> {
    let database = redact(url);
    let mut config = postgres::Config::from_str(url).map_err(|e| RegistryError::Database {
        database: database.clone(),
        action: "read the connection string".into(),
        reason: e.to_string(),
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(10));
    }
    config.application_name("entitle");
    let mut client = config
        .connect(NoTls)
        .map_err(|e| db_error(&database, "connect", &e))?;
    client
        .batch_execute(
            "SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET extra_float_digits = 1",
        )
        .map_err(|e| db_error(&database, "set up the session", &e))?;
    Ok(client)
}

/// Opens the OpenG2P/OpenSPP registry at `url` for `program`.
///
/// # Errors
/// G0009 when the database cannot be reached or read; G0010 when a table is missing; G0011 when a
/// column the program needs (or the mapping names, or the base filter uses) is missing; G0012 when
/// a column's type cannot hold its input; G0015 for an invalid or ambiguous mapping.
pub fn open_postgres(
    url: &str,
    program: &Program,
    options: &SourceOptions,
    mapping: &Mapping,
) -> Result<Box<dyn RegistrySource>, RegistryError> {
    mapping.check(program)?;
    let database = redact(url);
    let mut client = connect(url)?;
    let household = program.target() == Target::Household;
    let cat = catalog::Catalog::load(
        &mut client,
        &[
            query::PARTNER,
            query::MEMBERSHIP,
            query::KIND_REL,
            query::KIND,
        ],
        &database,
    )?;
    let cols = ProgramColumns::for_program(program);
    let (unit_wanted, member_wanted) = wanted(&cols, household);
    let plan = query::Plan {
        catalog: &cat,
        database: &database,
        columns: &cols,
        mapping,
        household,
        only: options.only_unit.is_some(),
    };
    let queries = plan.build(&unit_wanted, &member_wanted)?;
    let fail = |action: &str| {
        let database = database.clone();
        let action = action.to_string();
        move |e: postgres::Error| db_error(&database, &action, &e)
    };
    // The cursors are read to the end: plan for the whole result, and sort in memory where the
    // server allows (for this transaction only).
    client
        .batch_execute(
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
             SET LOCAL cursor_tuple_fraction = 1.0;
             SET LOCAL work_mem = '64MB';",
        )
        .map_err(fail("start a read-only transaction"))?;
    let only: Vec<&(dyn postgres::types::ToSql + Sync)> = match &options.only_unit {
        Some(id) => vec![id],
        None => Vec::new(),
    };
    let total: i64 = client
        .query_one(queries.count.as_str(), &only)
        .and_then(|r| r.try_get(0))
        .map_err(fail("count the units"))?;
    client
        .execute(
            format!(
                "DECLARE entitle_units NO SCROLL CURSOR FOR {}",
                queries.units
            )
            .as_str(),
            &only,
        )
        .map_err(fail("read res_partner"))?;
    if let Some(m) = &queries.members {
        client
            .execute(
                format!("DECLARE entitle_members NO SCROLL CURSOR FOR {m}").as_str(),
                &only,
            )
            .map_err(fail("read g2p_group_membership"))?;
    }
    let shared = Arc::new(Mutex::new(Shared {
        client,
        database: database.clone(),
    }));
    let mut units = CursorRows::new(
        Arc::clone(&shared),
        "entitle_units",
        query::PARTNER,
        u64::try_from(total).ok(),
        queries.unit_absent.clone(),
    );
    if queries.id_counts {
        units = units.with_id_counts();
    }
    let members: Option<Box<dyn RowStream>> = queries.members.as_ref().map(|_| {
        Box::new(CursorRows::new(
            Arc::clone(&shared),
            "entitle_members",
            query::MEMBERSHIP,
            None,
            queries.member_absent.clone(),
        )) as Box<dyn RowStream>
    });
    let describe = if household {
        format!("{database} ({}, {})", query::PARTNER, query::MEMBERSHIP)
    } else {
        format!("{database} ({})", query::PARTNER)
    };
    let source = FileSource::new(
        program,
        describe,
        Box::new(units),
        members,
        options.join,
        options.only_unit.clone(),
    )?;
    Ok(Box::new(source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        let rows = [
            ("postgres://u:secret@h:5432/db", "postgres://u@h:5432/db"),
            (
                "postgresql://u@h/db?password=secret&sslmode=disable",
                "postgresql://u@h/db?sslmode=disable",
            ),
            (
                "postgres:///db?host=/tmp/pg&password=x",
                "postgres:///db?host=/tmp/pg",
            ),
            (
                "host=/tmp user=u password=secret dbname=d",
                "host=/tmp user=u password=*** dbname=d",
            ),
            ("postgres://h/db", "postgres://h/db"),
        ];
        for (url, want) in rows {
            assert_eq!(redact(url), want, "{url}");
        }
    }

    #[test]
    fn an_unreachable_database_is_a_clear_error() {
        let program = Program::compile(include_str!(
            "../../../examples/programs/child_grant.entitle"
        ))
        .unwrap();
        let url = "postgres://entitle:secret@127.0.0.1:9/registry?connect_timeout=2";
        let e = open_postgres(url, &program, &Default::default(), &Mapping::new())
            .err()
            .unwrap();
        assert_eq!(e.code(), "G0009");
        let text = e.to_string();
        assert!(
            text.starts_with(
                "postgres://entitle@127.0.0.1:9/registry?connect_timeout=2: cannot connect"
            ),
            "{text}"
        );
        assert!(!text.contains("secret"), "{text}");
    }
}
