//! The database's own description of its tables (`information_schema.columns`), and how each
//! input finds its column there.
//!
//! Every identifier that goes into a query is a name read from the catalog, never a name taken
//! from a program, a mapping or the command line: a name that the catalog does not hold is an error
//! ([`RegistryError::MissingColumn`], G0011), and a name it holds is quoted ([`quote`]), so even a
//! hostile column name that exists in the database is only ever a column name.

use crate::error::RegistryError;
use crate::mapping::Mapping;
use crate::reason::Reason;
use entitle_dsl::Type;
use postgres::Client;
use std::collections::HashMap;

/// A column as the catalog describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Column {
    /// Its name, exactly.
    pub name: String,
    /// `information_schema.columns.data_type` (`integer`, `character varying`, `ARRAY` …).
    pub data_type: String,
}

/// The columns of the tables a source reads, in the connection's current schema.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    tables: HashMap<String, Vec<Column>>,
}

/// Quotes an identifier read from the catalog.
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The SQL type families Entitle reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Bool,
    Integer,
    Decimal,
    Text,
    Date,
    Timestamp,
    Array,
    /// Enumerations, UUIDs and other types with a plain text form.
    Textual,
    /// JSON, binary and anything else without a plain text value.
    Opaque,
}

impl Column {
    pub fn family(&self) -> Family {
        match self.data_type.as_str() {
            "boolean" => Family::Bool,
            "smallint" | "integer" | "bigint" => Family::Integer,
            "numeric" | "real" | "double precision" => Family::Decimal,
            "text" | "character varying" | "character" | "name" | "citext" => Family::Text,
            "date" => Family::Date,
            "timestamp without time zone" | "timestamp with time zone" => Family::Timestamp,
            "ARRAY" => Family::Array,
            "USER-DEFINED" | "uuid" => Family::Textual,
            _ => Family::Opaque,
        }
    }

    /// The SQL expression that gives this column's value (of the table aliased `alias`) as text
    /// an input of type `ty` reads, or `None` when the type cannot hold such a value.
    ///
    /// A date or time stamp read as a truth value is "is set" (OpenG2P's `disabled` is the time a
    /// registrant was disabled): `true` when it holds a value, `false` when it is NULL.
    pub fn text_expr(&self, alias: &str, ty: &Type) -> Option<String> {
        let col = format!("{alias}.{}", quote(&self.name));
        let f = self.family();
        let plain = format!("{col}::text");
        match ty {
            Type::Bool => match f {
                Family::Bool | Family::Integer | Family::Text | Family::Textual => Some(plain),
                Family::Date | Family::Timestamp => Some(format!(
                    "CASE WHEN {col} IS NULL THEN 'false' ELSE 'true' END"
                )),
                _ => None,
            },
            Type::Number | Type::Money { .. } | Type::Quantity { .. } => match f {
                Family::Integer | Family::Decimal | Family::Text => Some(plain),
                _ => None,
            },
            Type::Date => match f {
                Family::Date | Family::Text => Some(plain),
                Family::Timestamp => Some(format!("({col})::date::text")),
                _ => None,
            },
            Type::Text => match f {
                Family::Opaque | Family::Array => None,
                Family::Timestamp => Some(plain),
                _ => Some(plain),
            },
            Type::List { .. } => match f {
                Family::Text => Some(plain),
                Family::Array => Some(format!("array_to_string({col}, ';')")),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Column names an input is never matched with by its own name: they hold OpenG2P's structure
/// and base population filter (`disabled` is when a registrant was disabled, not a disability).
pub(crate) const STRUCTURAL: &[&str] = &["id", "active", "disabled", "is_registrant", "is_group"];

impl Catalog {
    /// Reads the columns of `tables` in the current schema.
    pub fn load(
        client: &mut Client,
        tables: &[&str],
        database: &str,
    ) -> Result<Catalog, RegistryError> {
        let names: Vec<String> = tables.iter().map(|t| t.to_string()).collect();
        let rows = client
            .query(
                "SELECT table_name::text, column_name::text, data_type::text
                 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = ANY($1)
                 ORDER BY table_name, ordinal_position",
                &[&names],
            )
            .map_err(|e| super::db_error(database, "read the catalog", &e))?;
        let mut cat = Catalog::default();
        for r in rows {
            let (t, name, data_type): (String, String, String) = (r.get(0), r.get(1), r.get(2));
            cat.tables
                .entry(t)
                .or_default()
                .push(Column { name, data_type });
        }
        Ok(cat)
    }

    /// Whether the table exists (and is visible to this user).
    pub fn has_table(&self, table: &str) -> bool {
        self.tables.contains_key(table)
    }

    /// A column of a table, by its exact name.
    pub fn column(&self, table: &str, name: &str) -> Option<&Column> {
        self.tables
            .get(table)
            .and_then(|cols| cols.iter().find(|c| c.name == name))
    }

    fn names(&self, table: &str) -> impl Iterator<Item = &str> {
        self.tables
            .get(table)
            .into_iter()
            .flatten()
            .map(|c| c.name.as_str())
    }

    /// A column the source needs, or [`RegistryError::MissingColumn`] (G0011).
    pub fn require(
        &self,
        database: &str,
        table: &str,
        name: &str,
        reason: Reason,
    ) -> Result<&Column, RegistryError> {
        self.column(table, name)
            .ok_or_else(|| self.missing(database, table, name, reason))
    }

    /// [`RegistryError::MissingColumn`] (G0011): `reason` says why the column is needed, with a
    /// close column name when the table has one.
    pub fn missing(
        &self,
        database: &str,
        table: &str,
        name: &str,
        reason: Reason,
    ) -> RegistryError {
        RegistryError::MissingColumn {
            database: database.to_string(),
            table: table.to_string(),
            column: name.to_string(),
            reason: match crate::files::rows::closest(name, self.names(table)) {
                Some(c) => reason.within("G0011.closest", "why", &[("closest", c)]),
                None => reason,
            },
        }
    }

    /// The column an input is read from in `table`: the mapped column, else the one column among
    /// the input's name and its OpenG2P/OpenSPP custom-field names (`x_cst_{tag}_…`,
    /// `z_ind_{tag}_…`, `x_cst_…`, `z_ind_…`) that exists. `Ok(None)` when none exists.
    ///
    /// # Errors
    /// G0011 when the mapped column does not exist; G0015 when several default names exist.
    pub fn input_column(
        &self,
        database: &str,
        table: &str,
        tag: &str,
        input: &str,
        mapping: &Mapping,
    ) -> Result<Option<&Column>, RegistryError> {
        if let Some(mapped) = mapping.column(input) {
            return self
                .require(
                    database,
                    table,
                    mapped,
                    Reason::with("G0011.mapped", &[("input", input)]),
                )
                .map(Some);
        }
        let mut candidates = Vec::new();
        if !STRUCTURAL.contains(&input) {
            candidates.push(input.to_string());
        }
        for prefix in ["x_cst", "z_ind"] {
            candidates.push(format!("{prefix}_{tag}_{input}"));
        }
        for prefix in ["x_cst", "z_ind"] {
            candidates.push(format!("{prefix}_{input}"));
        }
        let found: Vec<&Column> = candidates
            .iter()
            .filter_map(|c| self.column(table, c))
            .collect();
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            many => {
                let columns = many
                    .iter()
                    .map(|c| format!("`{}`", c.name))
                    .collect::<Vec<_>>()
                    .join(", ");
                Err(RegistryError::Mapping {
                    entry: input.to_string(),
                    reason: Reason::with(
                        "G0015.several",
                        &[("table", table), ("columns", &columns), ("input", input)],
                    ),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_any_name_a_name() {
        assert_eq!(quote("region"), "\"region\"");
        assert_eq!(
            quote("a\"; DROP TABLE x; --"),
            "\"a\"\"; DROP TABLE x; --\""
        );
    }

    #[test]
    fn types_are_read_by_family() {
        let col = |t: &str| Column {
            name: "c".into(),
            data_type: t.into(),
        };
        let money = Type::Money {
            currency: entitle_dsl::Currency::from_code("KES").unwrap(),
        };
        let rows: &[(&str, Type, Option<&str>)] = &[
            ("boolean", Type::Bool, Some("p.\"c\"::text")),
            (
                "timestamp without time zone",
                Type::Bool,
                Some("CASE WHEN p.\"c\" IS NULL THEN 'false' ELSE 'true' END"),
            ),
            ("numeric", money.clone(), Some("p.\"c\"::text")),
            ("double precision", Type::Number, Some("p.\"c\"::text")),
            ("date", money, None),
            (
                "timestamp with time zone",
                Type::Date,
                Some("(p.\"c\")::date::text"),
            ),
            ("jsonb", Type::Text, None),
            ("bytea", Type::Bool, None),
            ("character varying", Type::Date, Some("p.\"c\"::text")),
            ("USER-DEFINED", Type::Text, Some("p.\"c\"::text")),
        ];
        for (t, ty, want) in rows {
            assert_eq!(col(t).text_expr("p", ty).as_deref(), *want, "{t} as {ty}");
        }
    }
}
