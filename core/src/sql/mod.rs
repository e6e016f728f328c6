//! Eligibility rules as SQL: a parameterised `WHERE` clause over the OpenG2P / OpenSPP registry
//! schema (`res_partner`, `g2p_group_membership`), for preview counts, samples and selections made
//! in the database (what `spp_eligibility_sql` and OpenG2P 3.x `sql_query` are used for).
//!
//! The translation is exact or refused: every construct is either translated to SQL that selects
//! exactly the units Entitle finds eligible, or reported as a diagnostic (`E0501`) with its span.
//! Nothing is dropped or approximated, and a rule that cannot be translated never turns into one
//! that matches everyone (the SPP2 bugs #955 and #956).
//!
//! Semantics carried over:
//! - Kleene's logic is SQL's three-valued logic: an unknown value is `NULL`, and `WHERE` keeps the
//!   rows whose condition is true, so undetermined units are not selected. Rules combine in written
//!   order with `AND` (a rule), `AND NOT` (`unless`) and `OR` (`union`).
//! - The base population filter is always applied before any rule: registrants only
//!   (`is_registrant`), active records, not disabled (`disabled IS NULL`), groups or individuals by
//!   the program's target (openspp-program#105).
//! - Members count when their membership counts on the as-of date (start on or before it, end
//!   after it); aggregates over members are correlated subqueries that are unknown (`NULL`) exactly
//!   when Entitle's are.
//! - `age(d) >= n` and its kin become date bounds computed here with Entitle's calendar rules
//!   (29 February, month ends), so the database never computes an age; a birthdate after the as-of
//!   date makes the comparison unknown.
//! - Text inputs are read trimmed, an empty text is unknown; parameters are the values in force at
//!   the as-of date; `let`s are inlined.
//!
//! Not exact, and documented: a unit whose evaluation is an error in Entitle (a division by zero, a
//! birthdate in the future) is never eligible there, while SQL makes that part of the condition
//! unknown, which an `or` can still make true; `lower`, `upper` and `same_text` fold case with the
//! database's rules.

mod expr;

use crate::program::Program;
use chrono::NaiveDate;
use entitle_dsl::ast::{RuleKind, Target};
use entitle_dsl::{Diagnostics, Value};

/// Which SQL the translation writes: where PostgreSQL and SQLite differ (dates of date-times,
/// booleans), it writes each one's form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SqlDialect {
    /// PostgreSQL (OpenG2P and OpenSPP databases).
    #[default]
    Postgres,
    /// SQLite (the embedded store).
    Sqlite,
}

/// Where a record collection lives: a table with a column pointing at the registrant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordTable {
    /// The collection's name in the program (`records reg_ids …`).
    pub collection: String,
    /// The table (`g2p_reg_id`).
    pub table: String,
    /// The column holding the registrant's id (`partner_id`).
    pub partner_column: String,
}

/// The tables and columns the translation reads. The default is OpenG2P's schema; input names are
/// column names of the partner table (as in the registry adapters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlSchema {
    /// The registrants (groups and individuals): `res_partner`.
    pub partner_table: String,
    /// The memberships: `g2p_group_membership`.
    pub membership_table: String,
    /// Membership → group: `group`.
    pub membership_group: String,
    /// Membership → individual: `individual`.
    pub membership_individual: String,
    /// First day the membership counts: `start_date`.
    pub membership_start: String,
    /// First day it no longer counts: `ended_date`.
    pub membership_end: String,
    /// The many-to-many table of membership kinds.
    pub kind_relation_table: String,
    /// Its column pointing at the membership.
    pub kind_relation_membership: String,
    /// Its column pointing at the kind.
    pub kind_relation_kind: String,
    /// The kinds: `g2p_group_membership_kind`.
    pub kind_table: String,
    /// A kind's name: `name`.
    pub kind_name: String,
    /// Record collections the program may read, and their tables.
    pub records: Vec<RecordTable>,
}

impl Default for SqlSchema {
    fn default() -> Self {
        SqlSchema {
            partner_table: "res_partner".into(),
            membership_table: "g2p_group_membership".into(),
            membership_group: "group".into(),
            membership_individual: "individual".into(),
            membership_start: "start_date".into(),
            membership_end: "ended_date".into(),
            kind_relation_table: "g2p_group_membership_g2p_group_membership_kind_rel".into(),
            kind_relation_membership: "g2p_group_membership_id".into(),
            kind_relation_kind: "g2p_group_membership_kind_id".into(),
            kind_table: "g2p_group_membership_kind".into(),
            kind_name: "name".into(),
            records: Vec::new(),
        }
    }
}

/// A translated selection: a `WHERE` condition over the partner table (alias `p`) and its
/// parameters, numbered `$1`, `$2` … in order.
#[derive(Clone, Debug, PartialEq)]
pub struct SqlQuery {
    /// The condition, base population filter included.
    pub condition: String,
    /// The parameters, in order (`$1` is the first): numbers, amounts, dates, texts, truth values.
    pub params: Vec<Value>,
    partner_table: String,
}

impl SqlQuery {
    /// `SELECT p.id FROM res_partner p WHERE …`: the ids of the units the rules select.
    pub fn select_ids(&self) -> String {
        format!(
            "SELECT p.id FROM {} p WHERE {} ORDER BY p.id",
            quote(&self.partner_table),
            self.condition
        )
    }

    /// `SELECT COUNT(*) …`: how many units the rules select (a preview count).
    pub fn count(&self) -> String {
        format!(
            "SELECT COUNT(*) FROM {} p WHERE {}",
            quote(&self.partner_table),
            self.condition
        )
    }

    /// The first `limit` ids, in id order (a preview sample).
    pub fn sample(&self, limit: usize) -> String {
        format!("{} LIMIT {limit}", self.select_ids())
    }
}

/// A quoted SQL identifier.
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Program {
    /// Translates the eligibility rules, at an as-of date, to a SQL condition over `schema`.
    ///
    /// # Errors
    /// Every construct that has no exact translation, as `E0501` diagnostics with their spans.
    ///
    /// ```
    /// use entitle_core::Program;
    /// use entitle_core::sql::{SqlSchema, SqlDialect};
    /// let p = Program::compile(r#"
    /// program p "P"
    ///   target individual
    /// inputs
    ///   person.district: text
    ///   person.birthdate: date
    /// eligible when
    ///   old "Aged 60 or more" age(birthdate) >= 60
    ///   area "In the area" district in ["North", "East"]
    /// test "t" as of 2026-01-01
    ///   person district "North", birthdate 1950-01-01
    ///   expect eligible
    /// "#).unwrap();
    /// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let q = p.to_sql(as_of, &SqlSchema::default(), SqlDialect::Postgres).unwrap();
    /// assert!(q.condition.contains("\"birthdate\""));
    /// assert_eq!(q.params.len(), 4);
    /// ```
    pub fn to_sql(
        &self,
        as_of: NaiveDate,
        schema: &SqlSchema,
        dialect: SqlDialect,
    ) -> Result<SqlQuery, Diagnostics> {
        let mut t = expr::Translator::new(self, as_of, schema, dialect);
        let ir = self.ir();
        let group = ir.target == Target::Household;
        let mut condition = format!(
            "(p.{} AND p.{} AND p.{} IS NULL AND {}p.{})",
            quote("is_registrant"),
            quote("active"),
            quote("disabled"),
            if group { "" } else { "NOT " },
            quote("is_group"),
        );
        // The rules in written order, as the engine folds them (see `eval::unit_inner`).
        let mut rules = String::from("TRUE");
        for rule in &ir.rules {
            let r = t.condition(&rule.expr);
            rules = match (rule.kind, rule.union) {
                (RuleKind::When, true) => format!("({rules} OR {r})"),
                (RuleKind::Unless, _) => format!("({rules} AND NOT {r})"),
                (RuleKind::When, false) => format!("({rules} AND {r})"),
            };
        }
        condition.push_str(" AND ");
        condition.push_str(&rules);
        t.finish().map(|params| SqlQuery {
            condition,
            params,
            partner_table: schema.partner_table.clone(),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{SqlDialect, SqlSchema};
    use crate::Program;

    #[test]
    fn a_count_of_months_that_is_not_whole_is_refused() {
        let p = Program::compile(
            "program p \"P\"
  target individual
inputs
  person.arrived: date
eligible when
  recent \"Arrived recently\" arrived > months_ago(1.5)
  older \"Arrived long ago\" arrived < months_ago(12)
",
        )
        .unwrap();
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let err = p
            .to_sql(as_of, &SqlSchema::default(), SqlDialect::Postgres)
            .unwrap_err();
        let got: Vec<(&str, u32, u32, &str)> = err
            .0
            .iter()
            .map(|d| (d.code, d.span.line, d.span.column, d.message.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![(
                "E0501",
                6,
                39,
                "a count of days, months or years that is not whole cannot be translated to SQL"
            )]
        );
    }
}
