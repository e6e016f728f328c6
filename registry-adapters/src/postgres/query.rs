//! The two queries a household program reads through (units, and members with their kinds), or the
//! one an individual program reads through, built from catalog names only.
//!
//! ```sql
//! -- units: the base population filter of OpenG2P's default eligibility manager, always applied
//! SELECT p.id::bigint, p."id"::text, p."x_cst_grp_region"::text, …
//! FROM res_partner p
//! WHERE p.is_registrant IS TRUE AND p.is_group IS TRUE AND p.active IS TRUE AND p.disabled IS NULL
//! ORDER BY p."id"
//! -- members: every membership of those groups, with its kinds and dates
//! SELECT m.id::bigint, i."id"::text, g."id"::text,
//!        mk.kinds, (m."start_date")::date::text, (m."ended_date")::date::text, i."birthdate"::text, …
//! FROM g2p_group_membership m JOIN res_partner g ON g.id = m."group" JOIN res_partner i ON i.id = m."individual"
//! LEFT JOIN (SELECT r.g2p_group_membership_id AS mid, string_agg(k.name, ';' ORDER BY k.name) AS kinds
//!            FROM <kind relation> r JOIN g2p_group_membership_kind k … GROUP BY 1) mk ON mk.mid = m.id
//! WHERE <the same filter on g>
//! ORDER BY g."id", m.id
//! ```
//!
//! For an individual program the units are individuals (`is_group IS NOT TRUE`). The only value a
//! query takes is the unit asked for by `entitle explain`, as the bind parameter `$1`. When a
//! household program's ids come from another column than the key (`--map id=ref`), the units
//! query also counts the groups with each id (`count(p."ref") OVER (PARTITION BY p."ref")`).

use super::catalog::{quote, Catalog, Family};
use crate::bind::ProgramColumns;
use crate::error::RegistryError;
use crate::files::rows::{Absent, Wanted};
use crate::mapping::Mapping;
use crate::reason::Reason;
use entitle_dsl::Type;

pub(crate) const PARTNER: &str = "res_partner";
pub(crate) const MEMBERSHIP: &str = "g2p_group_membership";
pub(crate) const KIND_REL: &str = "g2p_group_membership_g2p_group_membership_kind_rel";
pub(crate) const KIND: &str = "g2p_group_membership_kind";

/// The queries of a source, and the filter it counts units with.
#[derive(Debug)]
pub(crate) struct Queries {
    pub units: String,
    pub members: Option<String>,
    pub count: String,
    /// The wanted columns of units, then of members, that the tables lack (read as NULL: an
    /// input with a default takes it).
    pub unit_absent: Vec<Absent>,
    pub member_absent: Vec<Absent>,
    /// The units query ends with how many units of the population have each row's id: a
    /// household program whose ids come from a column other than the key (`--map id=ref`),
    /// which Odoo does not keep unique. Members are joined to their group by that id, so a
    /// shared one would give the first group the members of all.
    pub id_counts: bool,
}

/// What the queries are built from.
pub(crate) struct Plan<'a> {
    pub catalog: &'a Catalog,
    pub database: &'a str,
    pub columns: &'a ProgramColumns,
    pub mapping: &'a Mapping,
    pub household: bool,
    pub only: bool,
}

impl Plan<'_> {
    /// The column `name` of `table`, needed for the reason the catalogue entry `why` says.
    fn require(&self, table: &str, name: &str, why: &'static str) -> Result<String, RegistryError> {
        let reason = Reason::key(why);
        self.catalog
            .require(self.database, table, name, reason)
            .map(|c| c.name.clone())
    }

    /// The base population filter on the partner aliased `a`.
    fn population(&self, a: &str, group: bool) -> Result<String, RegistryError> {
        let reason = "G0011.population";
        let reg = quote(&self.require(PARTNER, "is_registrant", reason)?);
        let grp = quote(&self.require(PARTNER, "is_group", reason)?);
        let active = quote(&self.require(PARTNER, "active", reason)?);
        let disabled = quote(&self.require(PARTNER, "disabled", reason)?);
        let kind = if group { "IS TRUE" } else { "IS NOT TRUE" };
        Ok(format!(
            "{a}.{reg} IS TRUE AND {a}.{grp} {kind} AND {a}.{active} IS TRUE AND {a}.{disabled} IS NULL"
        ))
    }

    /// The column that identifies units and members, and whether it orders as text.
    fn id(&self) -> Result<(String, bool), RegistryError> {
        let name = self.mapping.id_column().unwrap_or("id");
        let col = self
            .catalog
            .require(self.database, PARTNER, name, Reason::key("G0011.id"))?;
        let text = matches!(col.family(), Family::Text | Family::Textual);
        Ok((quote(&col.name), text))
    }

    /// The expression for a wanted input (or an optional plain column) of the partner aliased `a`.
    fn input(
        &self,
        w: &Wanted,
        a: &str,
        tag: &str,
        inputs: &[crate::bind::InputColumn],
    ) -> Result<Option<String>, RegistryError> {
        let name = w.name();
        let input = inputs.iter().find(|i| i.name == name);
        let ty = input.map_or(Type::Text, |i| i.ty.clone());
        let column = self
            .catalog
            .input_column(self.database, PARTNER, tag, name, self.mapping)?;
        match column {
            Some(col) => col
                .text_expr(a, &ty)
                .map(Some)
                .ok_or_else(|| RegistryError::ColumnType {
                    database: self.database.to_string(),
                    column: format!("{PARTNER}.{}", col.name),
                    sql_type: col.data_type.clone(),
                    input: Reason::with(
                        "G0012.input",
                        &[("input", name), ("type", &ty.to_string())],
                    ),
                }),
            None if w.required && input.is_some() => Err(self.catalog.missing(
                self.database,
                PARTNER,
                name,
                Reason::with("G0011.input", &[("input", name), ("tag", tag)]),
            )),
            None => Ok(None),
        }
    }

    /// [`Plan::input`] of wanted column `k`, or NULL when the table lacks it (noted in `absent`).
    fn input_or_null(
        &self,
        (k, w): (usize, &Wanted),
        a: &str,
        tag: &str,
        inputs: &[crate::bind::InputColumn],
        absent: &mut Vec<Absent>,
    ) -> Result<String, RegistryError> {
        Ok(match self.input(w, a, tag, inputs)? {
            Some(expr) => expr,
            None => {
                // No close name offered: a partner table has hundreds of columns, most of them
                // Odoo's own, and a mapping names columns of any spelling.
                absent.push(Absent {
                    wanted: k,
                    closest: None,
                    table: Some(PARTNER),
                });
                "NULL::text".into()
            }
        })
    }

    /// The join that gives each membership `m` its kinds as `mk.kinds` (`Head;Other`): one
    /// aggregate over the kind relation, joined by hash rather than a subquery per row.
    fn kinds(&self, mid: &str) -> Result<String, RegistryError> {
        if !self.catalog.has_table(KIND_REL) || !self.catalog.has_table(KIND) {
            return Err(RegistryError::MissingTable {
                database: self.database.to_string(),
                table: if self.catalog.has_table(KIND_REL) {
                    KIND
                } else {
                    KIND_REL
                }
                .to_string(),
                reason: Reason::key("G0010.kinds"),
            });
        }
        let why = "G0011.kinds";
        let rm = quote(&self.require(KIND_REL, "g2p_group_membership_id", why)?);
        let rk = quote(&self.require(KIND_REL, "g2p_group_membership_kind_id", why)?);
        let kid = quote(&self.require(KIND, "id", why)?);
        let name_col = self
            .catalog
            .require(self.database, KIND, "name", Reason::key(why))?;
        // Odoo keeps translatable names as JSON by language.
        let name = match name_col.family() {
            Family::Opaque => format!("k.{}->>'en_US'", quote(&name_col.name)),
            _ => format!("k.{}::text", quote(&name_col.name)),
        };
        Ok(format!(
            "LEFT JOIN (SELECT r.{rm} AS mid, string_agg({name}, ';' ORDER BY {name}) AS kinds \
             FROM {} r JOIN {} k ON k.{kid} = r.{rk} GROUP BY r.{rm}) mk ON mk.mid = m.{mid}",
            quote(KIND_REL),
            quote(KIND)
        ))
    }

    /// A membership date column as `YYYY-MM-DD` text.
    fn date(&self, names: &[&str]) -> Result<String, RegistryError> {
        let col = names
            .iter()
            .find_map(|n| self.catalog.column(MEMBERSHIP, n))
            .ok_or_else(|| {
                self.catalog.missing(
                    self.database,
                    MEMBERSHIP,
                    names.first().copied().unwrap_or(""),
                    Reason::key("G0011.dates"),
                )
            })?;
        col.text_expr("m", &Type::Date)
            .ok_or_else(|| RegistryError::ColumnType {
                database: self.database.to_string(),
                column: format!("{MEMBERSHIP}.{}", col.name),
                sql_type: col.data_type.clone(),
                input: Reason::key("G0012.membership_date"),
            })
    }

    /// Builds the queries for the wanted columns of units and members.
    pub fn build(
        &self,
        unit_wanted: &[Wanted],
        member_wanted: &[Wanted],
    ) -> Result<Queries, RegistryError> {
        if !self.catalog.has_table(PARTNER) {
            return Err(RegistryError::MissingTable {
                database: self.database.to_string(),
                table: PARTNER.into(),
                reason: Reason::key("G0010.registrants"),
            });
        }
        let (id, text_id) = self.id()?;
        let collate = if text_id { " COLLATE \"C\"" } else { "" };
        let pk = quote(&self.require(PARTNER, "id", "G0011.error_rows")?);
        let tag = if self.household { "grp" } else { "indv" };
        let mut select = vec![format!("p.{pk}::bigint"), format!("p.{id}::text")];
        let mut unit_absent = Vec::new();
        for kw in unit_wanted.iter().enumerate().skip(1) {
            select.push(self.input_or_null(kw, "p", tag, &self.columns.unit, &mut unit_absent)?);
        }
        let id_counts = self.household && id != pk;
        if id_counts {
            // Over the filtered population; a NULL id counts none (it is "no id" already).
            select.push(format!("(count(p.{id}) OVER (PARTITION BY p.{id}))::text"));
        }
        let only = if self.only {
            format!(" AND p.{id}::text = $1")
        } else {
            String::new()
        };
        let filter = self.population("p", self.household)?;
        let units = format!(
            "SELECT {} FROM {} p WHERE {filter}{only} ORDER BY p.{id}{collate}",
            select.join(", "),
            quote(PARTNER)
        );
        let count = format!(
            "SELECT count(*) FROM {} p WHERE {filter}{only}",
            quote(PARTNER)
        );
        if !self.household {
            return Ok(Queries {
                units,
                members: None,
                count,
                unit_absent,
                member_absent: Vec::new(),
                id_counts,
            });
        }
        if !self.catalog.has_table(MEMBERSHIP) {
            return Err(RegistryError::MissingTable {
                database: self.database.to_string(),
                table: MEMBERSHIP.into(),
                reason: Reason::key("G0010.members"),
            });
        }
        let why = "G0011.members";
        let mid = quote(&self.require(MEMBERSHIP, "id", why)?);
        let group = quote(&self.require(MEMBERSHIP, "group", why)?);
        let individual = quote(&self.require(MEMBERSHIP, "individual", why)?);
        let mut select = vec![
            format!("m.{mid}::bigint"),
            format!("i.{id}::text"),
            format!("g.{id}::text"),
            "mk.kinds".to_string(),
            self.date(&["start_date"])?,
            self.date(&["ended_date", "end_date"])?,
        ];
        let mut member_absent = Vec::new();
        for (k, w) in member_wanted.iter().enumerate().skip(5) {
            // An input named as a membership fact reads that fact, as in a members file.
            let expr = match w.name() {
                "kind" | "kinds" => "mk.kinds".to_string(),
                "start_date" => self.date(&["start_date"])?,
                "end_date" => self.date(&["ended_date", "end_date"])?,
                _ => self.input_or_null(
                    (k, w),
                    "i",
                    "indv",
                    &self.columns.member,
                    &mut member_absent,
                )?,
            };
            select.push(expr);
        }
        let only = if self.only {
            format!(" AND g.{id}::text = $1")
        } else {
            String::new()
        };
        let members = format!(
            "SELECT {} FROM {} m JOIN {p} g ON g.{pk} = m.{group} JOIN {p} i ON i.{pk} = m.{individual} \
             {} WHERE {}{only} ORDER BY g.{id}{collate}, m.{mid}",
            select.join(", "),
            quote(MEMBERSHIP),
            self.kinds(&mid)?,
            self.population("g", true)?,
            p = quote(PARTNER),
        );
        Ok(Queries {
            units,
            members: Some(members),
            count,
            unit_absent,
            member_absent,
            id_counts,
        })
    }
}
