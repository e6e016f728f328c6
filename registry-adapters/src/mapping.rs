//! Which registry column (or DCI field) each program input is read from.
//!
//! Without a mapping, each source looks an input up by its own rules: a column of the same name in
//! files and the SQLite store; the same name or an OpenG2P/OpenSPP custom field (`x_cst_grp_…`,
//! `z_ind_indv_…`) in PostgreSQL; the same field or a DCI alias (`birthdate` ← `birth_date`) in DCI
//! responses. A [`Mapping`] overrides that per input, and can also name the column that identifies
//! units (`id=ref`):
//!
//! ```
//! use entitle_registry::Mapping;
//! let m = Mapping::from_entries(["region=x_cst_grp_region", "id=ref"])?;
//! assert_eq!(m.column("region"), Some("x_cst_grp_region"));
//! assert_eq!(m.id_column(), Some("ref"));
//! assert_eq!(Mapping::from_entries(["region"]).unwrap_err().code(), "G0015");
//! # Ok::<(), entitle_registry::RegistryError>(())
//! ```
//!
//! A mapping only says where to look: each source still checks that the column exists (against the
//! database's catalog, never by building a query from the name) and that its type suits the input.

use crate::error::RegistryError;
use crate::reason::Reason;
use entitle_core::Program;
use std::collections::BTreeMap;

/// The key that names the id column instead of an input.
pub const ID_KEY: &str = "id";

/// Input names (and `id`) mapped to the registry column or field each is read from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping {
    entries: BTreeMap<String, String>,
}

fn invalid(entry: &str, reason: Reason) -> RegistryError {
    RegistryError::Mapping {
        entry: entry.to_string(),
        reason,
    }
}

/// Whether `name` is written like an input name: a letter or `_`, then letters, digits or `_`.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Mapping {
    /// An empty mapping: every source uses its own default rules.
    pub fn new() -> Mapping {
        Mapping::default()
    }

    /// Adds one `input=column` entry (spaces around either side are ignored).
    ///
    /// # Errors
    /// [`RegistryError::Mapping`] (G0015) when the entry has no `=`, the input is not written like
    /// an input name, the column is empty or holds control characters, or the input was mapped
    /// already.
    pub fn add_entry(&mut self, entry: &str) -> Result<(), RegistryError> {
        let (input, column) = entry
            .split_once('=')
            .ok_or_else(|| invalid(entry, Reason::key("G0015.form")))?;
        let (input, column) = (input.trim(), column.trim());
        if !is_name(input) {
            return Err(invalid(entry, Reason::key("G0015.input_name")));
        }
        if column.is_empty() {
            return Err(invalid(entry, Reason::key("G0015.empty_column")));
        }
        if column.chars().any(char::is_control) {
            return Err(invalid(entry, Reason::key("G0015.control")));
        }
        if self.entries.contains_key(input) {
            return Err(invalid(
                entry,
                Reason::with("G0015.twice", &[("input", input)]),
            ));
        }
        self.entries.insert(input.to_string(), column.to_string());
        Ok(())
    }

    /// A mapping from `input=column` entries, as given by `--map` options.
    ///
    /// # Errors
    /// As [`Mapping::add_entry`].
    pub fn from_entries<I, S>(entries: I) -> Result<Mapping, RegistryError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut m = Mapping::new();
        for e in entries {
            m.add_entry(e.as_ref())?;
        }
        Ok(m)
    }

    /// The column an input is mapped to, if it is.
    pub fn column(&self, input: &str) -> Option<&str> {
        self.entries.get(input).map(String::as_str)
    }

    /// The column that identifies units and members, if mapped (`id=ref`).
    pub fn id_column(&self) -> Option<&str> {
        self.column(ID_KEY)
    }

    /// True when nothing is mapped.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, by input name.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Checks that every mapped name is an input `program` declares (or `id`), so that a typo in a
    /// mapping is an error rather than a mapping silently unused.
    ///
    /// # Errors
    /// [`RegistryError::Mapping`] (G0015) naming the first unknown input, with a close name.
    pub fn check(&self, program: &Program) -> Result<(), RegistryError> {
        let names: Vec<&str> = program.inputs().iter().map(|i| i.name.as_str()).collect();
        for (input, column) in self.entries() {
            if input == ID_KEY || names.contains(&input) {
                continue;
            }
            let reason = match crate::files::rows::closest(input, names.iter().copied()) {
                Some(c) => {
                    Reason::with("G0015.no_input.closest", &[("input", input), ("column", c)])
                }
                None => Reason::with("G0015.no_input", &[("input", input)]),
            };
            return Err(invalid(&format!("{input}={column}"), reason));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_checked() {
        let rows = [
            ("region=x_cst_grp_region", None),
            (" region = x_cst_grp_region ", None),
            ("id=ref", None),
            ("region", Some("G0015")),
            ("=x", Some("G0015")),
            ("re gion=x", Some("G0015")),
            ("region=", Some("G0015")),
            ("region=a\u{0}b", Some("G0015")),
            ("region=\"; DROP TABLE res_partner; --", None),
        ];
        for (entry, want) in rows {
            let got = Mapping::from_entries([entry]).err().map(|e| e.code());
            assert_eq!(got, want, "{entry}");
        }
        let e = Mapping::from_entries(["a=b", "a=c"]).unwrap_err();
        assert!(e.to_string().contains("mapped twice"));
    }

    #[test]
    fn mapped_names_must_be_inputs_of_the_program() {
        let program =
            Program::compile(include_str!("../../examples/programs/child_grant.entitle")).unwrap();
        assert!(Mapping::from_entries(["region=x", "id=ref"])
            .unwrap()
            .check(&program)
            .is_ok());
        let e = Mapping::from_entries(["regoin=x"])
            .unwrap()
            .check(&program)
            .unwrap_err();
        assert_eq!(e.code(), "G0015");
        assert!(e.to_string().contains("did you mean `region`"), "{e}");
    }
}
