//! Looking up a few columns per unit, outside any program: a payee's financial address, say.
//!
//! A group is represented by one of its members, the member of a given membership kind (`head` by
//! default, as OpenG2P pays a group through its head) whose membership counts on the as-of date;
//! an individual by their own row. A group with several such members is represented by the first,
//! and [`Found::matches`] says how many there are.

use super::rows::{RowStream, Wanted};
use super::{open_stream, RegistryFiles};
use crate::bind::{parse_date, split_kinds};
use crate::error::RegistryError;
use chrono::NaiveDate;
use std::collections::HashMap;

/// What to look up.
#[derive(Clone, Debug)]
pub struct Lookup {
    /// Columns to read, each with whether the file must have it.
    pub columns: Vec<(String, bool)>,
    /// The membership kind of the member that represents a group.
    pub kind: String,
    /// The day the membership must count on.
    pub as_of: NaiveDate,
}

/// The values found for one unit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// The member whose row was used (groups).
    pub member_id: Option<String>,
    /// The line of that row.
    pub line: u64,
    /// The values, in the order of [`Lookup::columns`] (`None` when empty).
    pub values: Vec<Option<String>>,
    /// How many members of the kind count on the as-of date (1 for an individual); the values are
    /// the first one's. More than one (two current heads) means the group has no single payee.
    pub matches: usize,
}

/// Reads the columns of [`Lookup`] for every unit of a registry: from the members file for groups
/// (`files.members`), from the units file for individuals.
///
/// # Errors
/// A stopping [`RegistryError`] (a missing file or column …).
pub fn lookup(
    files: &RegistryFiles,
    lookup: &Lookup,
) -> Result<HashMap<String, Found>, RegistryError> {
    let mut wanted = Vec::new();
    let household = files.members.is_some();
    if household {
        wanted.extend([
            Wanted::required(&["group_id", "group"]),
            Wanted::optional(&["id", "member_id"]),
            Wanted::optional(&["kind", "kinds"]),
            Wanted::optional(&["start_date"]),
            Wanted::optional(&["end_date"]),
        ]);
    } else {
        wanted.push(Wanted::required(&["id"]));
    }
    let first = wanted.len();
    for (name, required) in &lookup.columns {
        wanted.push(Wanted {
            names: vec![name.clone()],
            required: *required,
        });
    }
    let path = files.members.as_ref().unwrap_or(&files.units);
    let mut rows: Box<dyn RowStream> = open_stream(path, &wanted)?;
    let mut found: HashMap<String, Found> = HashMap::new();
    while rows.advance()? {
        let Ok(Some(unit)) = rows.cell(0) else {
            continue;
        };
        let mut member_id = None;
        if household {
            let kind_ok = matches!(rows.cell(2), Ok(Some(k)) if split_kinds(k).any(|x| x.eq_ignore_ascii_case(&lookup.kind)));
            let date = |k| match rows.cell(k) {
                Ok(Some(t)) => parse_date(t).map(Some).ok_or(()),
                Ok(None) => Ok(None),
                Err(_) => Err(()),
            };
            let active = match (date(3), date(4)) {
                (Ok(s), Ok(e)) => {
                    s.is_none_or(|s| s <= lookup.as_of) && e.is_none_or(|e| lookup.as_of < e)
                }
                _ => false,
            };
            if !kind_ok || !active {
                continue;
            }
            // Another current member of the kind: counted, so that the caller can see that the
            // group has no single payee instead of paying the first one.
            if let Some(f) = found.get_mut(unit) {
                f.matches = f.matches.saturating_add(1);
                continue;
            }
            member_id = rows.cell(1).ok().flatten().map(str::to_string);
        } else if found.contains_key(unit) {
            continue;
        }
        let values = (first..wanted.len())
            .map(|k| rows.cell(k).ok().flatten().map(str::to_string))
            .collect();
        found.insert(
            unit.to_string(),
            Found {
                member_id,
                line: rows.line(),
                values,
                matches: 1,
            },
        );
    }
    Ok(found)
}

#[cfg(all(test, feature = "csv"))] // the test reads a CSV file
mod tests {
    use super::*;

    #[test]
    fn groups_are_represented_by_their_current_head() {
        let dir = tempfile::tempdir().unwrap();
        let members = dir.path().join("members.csv");
        std::fs::write(
            &members,
            "id,group_id,kind,start_date,end_date,account,name\n\
             M1,H1,head,2010-01-01,2020-01-01,mobile:1@x,Old Head\n\
             M2,H1,spouse;head,2020-01-01,,mobile:2@x,New Head\n\
             M3,H1,child,,,,\n\
             M4,H2,child,,,mobile:4@x,Kid\n\
             M5,H3,head,,,mobile:5@x,First Head\n\
             M6,H3,head,2025-01-01,,mobile:6@x,Second Head\n",
        )
        .unwrap();
        let files = RegistryFiles {
            units: dir.path().join("groups.csv"),
            members: Some(members),
        };
        let l = Lookup {
            columns: vec![("account".into(), true), ("name".into(), false)],
            kind: "head".into(),
            as_of: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        };
        let found = lookup(&files, &l).unwrap();
        assert_eq!(found.len(), 2);
        let h1 = &found["H1"];
        assert_eq!((h1.member_id.as_deref(), h1.line), (Some("M2"), 3));
        assert_eq!(h1.matches, 1, "the old head's membership has ended");
        // Two current heads: the first is given, and the count says it is not the only one.
        let h3 = &found["H3"];
        assert_eq!((h3.member_id.as_deref(), h3.matches), (Some("M5"), 2));
        assert_eq!(
            h1.values,
            [Some("mobile:2@x".to_string()), Some("New Head".to_string())]
        );
        let l = Lookup {
            columns: vec![("iban".into(), true)],
            ..l
        };
        assert_eq!(lookup(&files, &l).unwrap_err().code(), "G0004");
    }
}
