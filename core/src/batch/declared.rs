//! Strict binding ([`crate::EvalOptions::strict`]): the names a unit may carry, and R0011 for one
//! the program does not declare.
//!
//! The names are sorted once, when the program is compiled, so that a unit's keys are each looked
//! up by binary search: a unit with many keys costs no more than its keys, whatever the number of
//! inputs. Nothing here runs unless `strict` is asked for.

use super::Layout;
use crate::error::EvalError;
use crate::model::Unit;
use entitle_dsl::check::suggest::closest;
use entitle_dsl::ir::Input;

/// A unit's keys that give its shape, not inputs: never unknown (as the JSON boundary reads
/// them, `core/src/json.rs`, and the bindings that read units themselves).
pub const UNIT_KEYS: &[&str] = &["id", "members"];

/// A member's keys that give its membership, not inputs: never unknown (`kinds` is `kind`'s
/// other spelling).
pub const MEMBER_KEYS: &[&str] = &["id", "kind", "kinds", "start_date", "end_date"];

/// The declared names of each place, sorted.
#[derive(Clone, Debug, Default)]
pub(crate) struct Declared {
    /// The unit's inputs and the program's record collections.
    unit: Vec<String>,
    /// The member inputs.
    member: Vec<String>,
    /// Each collection's fields, by collection index.
    records: Vec<Vec<String>>,
}

fn sorted<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut v: Vec<String> = names.map(str::to_string).collect();
    entitle_dsl::sorting::sort(&mut v);
    v.dedup();
    v
}

fn names(inputs: &[Input]) -> impl Iterator<Item = &str> {
    inputs.iter().map(|i| i.name.as_str())
}

impl Declared {
    pub(crate) fn new(
        unit_inputs: &[Input],
        member_inputs: &[Input],
        records: &[(String, Vec<Input>)],
    ) -> Declared {
        Declared {
            unit: sorted(names(unit_inputs).chain(records.iter().map(|(n, _)| n.as_str()))),
            member: sorted(names(member_inputs)),
            records: records.iter().map(|(_, f)| sorted(names(f))).collect(),
        }
    }
}

/// The first (in byte order, so that every caller reports the same one whatever order it reads
/// a unit's keys in) of `keys` that is neither in `declared` nor in `structural`.
fn first_unknown<'k>(
    keys: impl IntoIterator<Item = &'k str>,
    declared: &[String],
    structural: &[&str],
) -> Option<&'k str> {
    keys.into_iter()
        .filter(|k| !structural.contains(k) && !has(declared, k))
        .min()
}

fn unknown(field: String, key: &str, declared: &[String]) -> EvalError {
    EvalError::UnknownField {
        field,
        closest: closest(key, declared.iter().map(String::as_str)).map(str::to_string),
    }
}

impl Layout {
    /// R0011 for a unit's own keys (`id`, `members`, its inputs, its record collections …): the
    /// first, in byte order, that the program declares neither as an input of the unit nor as a
    /// record collection, with the closest declared name.
    ///
    /// # Errors
    /// [`EvalError::UnknownField`].
    pub fn check_unit_keys<'k>(
        &self,
        keys: impl IntoIterator<Item = &'k str>,
    ) -> Result<(), EvalError> {
        let declared = &self.declared.unit;
        match first_unknown(keys, declared, UNIT_KEYS) {
            Some(key) => Err(unknown(key.to_string(), key, declared)),
            None => Ok(()),
        }
    }

    /// R0011 for the keys of member `member` (its id): the first, in byte order, that is neither
    /// a member input nor a membership key ([`MEMBER_KEYS`]), named `member <id>: <key>` as the
    /// member's other errors are.
    ///
    /// # Errors
    /// [`EvalError::UnknownField`].
    pub fn check_member_keys<'k>(
        &self,
        member: &str,
        keys: impl IntoIterator<Item = &'k str>,
    ) -> Result<(), EvalError> {
        let declared = &self.declared.member;
        match first_unknown(keys, declared, MEMBER_KEYS) {
            Some(key) => Err(unknown(format!("member {member}: {key}"), key, declared)),
            None => Ok(()),
        }
    }

    /// R0011 for the keys of record number `index` (from 0) of collection `set`: the first, in
    /// byte order, that is not a field of the collection, named `<collection> #<n>: <key>` (`n`
    /// from 1) as a record's other errors are.
    ///
    /// # Errors
    /// [`EvalError::UnknownField`].
    pub fn check_record_keys<'k>(
        &self,
        set: usize,
        index: usize,
        keys: impl IntoIterator<Item = &'k str>,
    ) -> Result<(), EvalError> {
        let declared = self
            .declared
            .records
            .get(set)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        match first_unknown(keys, declared, &[]) {
            Some(key) => {
                let name = self.records.get(set).map(|(n, _)| n.as_str()).unwrap_or("");
                let field = format!("{name} #{}: {key}", index.saturating_add(1));
                Err(unknown(field, key, declared))
            }
            None => Ok(()),
        }
    }

    /// Every name of a name-keyed unit, in the order a unit's errors are found: the unit's own
    /// keys (attributes and record collections), each member's in turn, then each declared
    /// collection's records in turn.
    ///
    /// # Errors
    /// [`EvalError::UnknownField`] for the first name the program does not declare.
    pub fn check_unit(&self, unit: &Unit) -> Result<(), EvalError> {
        let own = unit.attributes.keys().chain(unit.records.keys());
        self.check_unit_keys(own.map(String::as_str))?;
        for m in &unit.members {
            self.check_member_keys(&m.id, m.attributes.keys().map(String::as_str))?;
        }
        for (set, (name, _)) in self.records.iter().enumerate() {
            let records = unit.records.get(name).map(Vec::as_slice).unwrap_or(&[]);
            for (i, r) in records.iter().enumerate() {
                self.check_record_keys(set, i, r.keys().map(String::as_str))?;
            }
        }
        Ok(())
    }

    /// True when the program declares `key` as an input of the unit or a record collection.
    pub(crate) fn declares_unit_key(&self, key: &str) -> bool {
        has(&self.declared.unit, key)
    }

    /// True when the program declares `key` as a member input.
    pub(crate) fn declares_member_key(&self, key: &str) -> bool {
        has(&self.declared.member, key)
    }

    /// True when `collection` is a record collection of the program with a field `key`.
    pub(crate) fn declares_record_key(&self, collection: &str, key: &str) -> bool {
        self.records
            .iter()
            .position(|(n, _)| n == collection)
            .and_then(|set| self.declared.records.get(set))
            .is_some_and(|fields| has(fields, key))
    }

    /// True when `name` is one of the program's record collections.
    pub(crate) fn is_collection(&self, name: &str) -> bool {
        self.records.iter().any(|(n, _)| n == name)
    }

    /// The record collections' names, in the order of their sets.
    pub(crate) fn collection_names(&self) -> impl Iterator<Item = &str> {
        self.records.iter().map(|(n, _)| n.as_str())
    }
}

fn has(sorted: &[String], key: &str) -> bool {
    sorted.binary_search_by(|d| d.as_str().cmp(key)).is_ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::first_unknown;
    use crate::error::EvalError;
    use crate::Program;

    #[test]
    fn the_first_unknown_key_in_byte_order_is_reported_whatever_the_order_given() {
        let declared = ["disabled".to_string(), "region".to_string()];
        let keys = ["zone", "id", "region", "area", "disabeld"];
        assert_eq!(first_unknown(keys, &declared, &["id"]), Some("area"));
        let mut reversed = keys;
        reversed.reverse();
        assert_eq!(first_unknown(reversed, &declared, &["id"]), Some("area"));
        assert_eq!(first_unknown(["id", "region"], &declared, &["id"]), None);
    }

    #[test]
    fn the_close_name_leaves_an_error_no_larger() {
        // Every evaluation result has room for an error: R0008's choices set its size.
        assert_eq!(std::mem::size_of::<EvalError>(), 56);
    }

    #[test]
    fn each_place_has_its_own_names_and_form() {
        let src = "program p \"P\"\ninputs\n  household.region: text\n  member.disabled: bool default false\nrecords visits \"Visits\"\n  visit_date: date\neligible when\n  r \"R\" region == \"North\"\n";
        let p = Program::compile(src).unwrap();
        let layout = p.layout();
        // A collection's name is the unit's; a member input is not.
        assert_eq!(
            layout.check_unit_keys(["id", "members", "visits", "region"]),
            Ok(())
        );
        assert_eq!(
            layout.check_unit_keys(["disabled"]),
            Err(EvalError::UnknownField {
                field: "disabled".into(),
                closest: None
            })
        );
        assert_eq!(
            layout.check_unit_keys(["visit"]),
            Err(EvalError::UnknownField {
                field: "visit".into(),
                closest: Some("visits".into())
            })
        );
        assert_eq!(
            layout.check_member_keys(
                "M1",
                ["kind", "kinds", "start_date", "end_date", "id", "disabeld"]
            ),
            Err(EvalError::UnknownField {
                field: "member M1: disabeld".into(),
                closest: Some("disabled".into())
            })
        );
        assert_eq!(
            layout.check_record_keys(0, 1, ["visit_date", "vist_date"]),
            Err(EvalError::UnknownField {
                field: "visits #2: vist_date".into(),
                closest: Some("visit_date".into())
            })
        );
        // `kind` is a membership key, not a record's.
        assert!(layout.check_record_keys(0, 0, ["kind"]).is_err());
    }
}
