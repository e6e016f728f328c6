//! Looking up a few columns per unit in the store, outside any program (a payee's financial
//! address for `entitle pay`), as [`crate::files::lookup`] does in registry files: a group through
//! its member of the given kind whose membership counts on the as-of date, an individual through
//! its own row.

use super::import::Role;
use super::rows::{stored_file, StoreRows};
use super::SqliteStore;
use crate::bind::{parse_date, split_kinds};
use crate::error::RegistryError;
use crate::files::lookup::{Found, Lookup};
use crate::files::rows::{Cells, RowStream, Wanted};
use std::collections::HashMap;

impl SqliteStore {
    /// The values of `lookup`'s columns for every unit of the imported registry: from the members
    /// of groups (`household`), or from the individuals (else the members, by their own id).
    ///
    /// # Errors
    /// [`RegistryError::NotFound`] (G0002) when the store holds no such registry; G0004 when a
    /// column that must be there is not; G0009 when the store cannot be read.
    pub fn lookup(
        &self,
        household: bool,
        lookup: &Lookup,
    ) -> Result<HashMap<String, Found>, RegistryError> {
        let mut wanted = if household {
            vec![
                Wanted::required(&["group_id", "group"]),
                Wanted::optional(&["id", "member_id"]),
                Wanted::optional(&["kind", "kinds"]),
                Wanted::optional(&["start_date"]),
                Wanted::optional(&["end_date"]),
            ]
        } else {
            vec![Wanted::required(&["id"])]
        };
        let first = wanted.len();
        for (name, required) in &lookup.columns {
            wanted.push(Wanted {
                names: vec![name.clone()],
                required: *required,
            });
        }
        let (role, by_id) = match (
            household,
            stored_file(&self.conn, self.path(), Role::Individuals)?,
        ) {
            (false, Some(_)) => (Role::Individuals, false),
            (false, None) => (Role::Members, true),
            (true, _) => (Role::Members, false),
        };
        let file =
            stored_file(&self.conn, self.path(), role)?.ok_or_else(|| RegistryError::NotFound {
                path: self.path().to_path_buf(),
                reason: crate::reason::Reason::key(match role {
                    Role::Groups => "G0002.store_holds_no.groups",
                    Role::Members => "G0002.store_holds_no.members",
                    Role::Individuals => "G0002.store_holds_no.individuals",
                }),
            })?;
        let mut rows = StoreRows::open(self.path(), role, &file, &wanted, by_id, None)?;
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn groups_are_found_through_their_current_head_as_in_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("groups.csv"), "id\nH1\nH2\nH3\n").unwrap();
        std::fs::write(
            dir.path().join("members.csv"),
            "id,group_id,kind,start_date,end_date,account,name\n\
             M1,H1,head,2010-01-01,2020-01-01,mobile:1@x,Old Head\n\
             M2,H1,spouse;head,2020-01-01,,mobile:2@x,New Head\n\
             M3,H1,child,,,,\n\
             M4,H2,child,,,mobile:4@x,Kid\n\
             M5,H3,head,,,mobile:5@x,First Head\n\
             M6,H3,head,2025-01-01,,mobile:6@x,Second Head\n",
        )
        .unwrap();
        let mut store = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        store
            .import(
                &super::super::plan(&[dir.path().to_path_buf()]).unwrap(),
                "t",
            )
            .unwrap();
        let l = Lookup {
            columns: vec![("account".into(), true), ("name".into(), false)],
            kind: "head".into(),
            as_of: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        };
        let found = store.lookup(true, &l).unwrap();
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
        let people = store.lookup(false, &l).unwrap();
        assert_eq!(
            people.len(),
            6,
            "members read as individuals, by their own id"
        );
        let l = Lookup {
            columns: vec![("iban".into(), true)],
            ..l
        };
        assert_eq!(store.lookup(true, &l).unwrap_err().code(), "G0004");
    }
}
