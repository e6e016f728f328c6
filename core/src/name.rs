//! [`Name`]: a name from the program (a rule's, an item's, a unit of measure's) as decisions
//! carry it.
//!
//! Every decision repeats the same few names, and a run writes millions of decisions: a name of up
//! to 23 bytes (nearly every one) is held in place, and a longer one shared, so that a copy is
//! neither an allocation nor, for the short ones, a reference count. A count is an atomic
//! operation, and on this machine's Xeon the counts of a decision's dozen names, up when it was
//! built and down when it was dropped, were a tenth of one household's `evaluate`.

use serde::{Serialize, Serializer};
use smol_str::SmolStr;
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

/// A shared, immutable name. It reads as a `str` (`&*name`, `name.as_str()`, `name == "poor"`)
/// and serialises as a plain JSON string.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(SmolStr);

impl Name {
    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `self` and `other` are the same name (a kept decision's names are left in place
    /// when they are).
    pub(crate) fn same(&self, other: &Name) -> bool {
        self.0 == other.0
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// As a string's, so that debug output reads as it did when names were `String`s.
impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name(SmolStr::new(s))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name(SmolStr::from(s))
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Name {
        Name(SmolStr::new(s))
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.0.to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

/// The names a program's decisions carry, made once when the program is compiled.
#[derive(Debug, Default)]
pub(crate) struct DecisionNames {
    /// Each rule's, in written order.
    pub rules: Vec<Name>,
    /// Each entitlement item's.
    pub items: Vec<Name>,
    /// Each compliance condition's.
    pub compliance: Vec<Name>,
    /// Each priority condition's.
    pub priority: Vec<Name>,
    /// Each score's, with its components'.
    pub scores: Vec<(Name, Vec<Name>)>,
}

impl DecisionNames {
    pub(crate) fn new(ir: &entitle_dsl::ir::Program) -> DecisionNames {
        fn names<'i>(ids: impl Iterator<Item = &'i String>) -> Vec<Name> {
            ids.map(Name::from).collect()
        }
        DecisionNames {
            rules: names(ir.rules.iter().map(|r| &r.id)),
            items: names(ir.entitlement.items.iter().map(|i| &i.id)),
            compliance: names(ir.run.compliance.iter().map(|r| &r.id)),
            priority: names(ir.run.priority().iter().map(|r| &r.id)),
            scores: ir
                .scores
                .iter()
                .map(|s| (Name::from(&s.id), names(s.components.iter().map(|c| &c.id))))
                .collect(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::Name;

    #[test]
    fn a_name_reads_compares_and_serialises_as_its_string() {
        let n = Name::from("has_child");
        assert_eq!(n, "has_child");
        assert_eq!("has_child", n);
        assert_eq!(n, String::from("has_child"));
        assert_ne!(n, "poor");
        assert_eq!(n.len(), 9);
        assert_eq!(format!("{n} {n:?}"), "has_child \"has_child\"");
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"has_child\"");
        let copy = n.clone();
        assert!(copy.same(&n) && !Name::from("poor").same(&n));
        // Past the bytes held in place, a name is shared; it reads the same.
        let long = Name::from("a_rule_name_longer_than_twenty_three_bytes_é");
        assert_eq!(long.clone(), "a_rule_name_longer_than_twenty_three_bytes_é");
        assert_eq!(String::from(long.clone()).len(), long.len());
        let mut sorted = vec![Name::from("b"), Name::from("a")];
        sorted.sort();
        assert_eq!(sorted, ["a", "b"]);
    }

    #[test]
    fn decisions_carry_the_programs_names() {
        use crate::{Member, Program, Unit};
        let src = include_str!("../../examples/programs/child_grant.entitle");
        let p = Program::compile(src).unwrap();
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let unit = |id: &str| {
            Unit::new(id)
                .with("region", "North")
                .with("monthly_income", "KES 1000")
                .with_member(Member::new("M1", "child").with("birthdate", "2020-01-01"))
        };
        let (a, b) = (
            p.evaluate(&unit("A"), as_of).unwrap(),
            p.evaluate(&unit("B"), as_of).unwrap(),
        );
        let rules: Vec<&str> = a.rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(rules, ["has_child", "poor", "covered", "pensioner"]);
        let items: Vec<&str> = a.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(items, ["base", "per_child", "disabled", "maize"]);
        assert!(a.rules.iter().zip(&b.rules).all(|(x, y)| x.id.same(&y.id)));
        assert!(a.items.iter().zip(&b.items).all(|(x, y)| x.id.same(&y.id)));
        let (maize, total) = (a.items[3].unit.as_ref().unwrap(), &a.in_kind[0].unit);
        assert!(maize == "kg" && maize.same(total));
        assert_eq!(
            serde_json::to_value(&a.in_kind).unwrap(),
            serde_json::json!([{"unit": "kg", "quantity": "10"}])
        );
    }
}
