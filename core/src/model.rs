//! Units of evaluation: individuals, and groups (households) with their memberships.
//!
//! These are the name-keyed, owned forms that registry adapters and bindings build. Before
//! evaluation a unit is bound to a compiled program ([`crate::Program::bind`]), which places each
//! attribute in the program's input slot and checks its type; evaluation itself never looks a name up.

use chrono::NaiveDate;
use entitle_dsl::Value;
use serde::Serialize;
use std::collections::BTreeMap;

/// A unit: a household with members, or an individual (no members).
///
/// Attribute values may be typed ([`Value::Money`], [`Value::Date`] …) or plain text, which is
/// parsed by the input's declared type when the unit is bound (so a CSV reader can pass cells as
/// they are). A missing attribute, or [`Value::Unknown`], is unknown.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Unit {
    /// The unit's identifier (registrant or group id).
    pub id: String,
    /// Attributes by input name.
    pub attributes: BTreeMap<String, Value>,
    /// Members with their memberships (empty for individuals).
    pub members: Vec<Member>,
    /// Records by collection name (`records visits …` in the program): each record's field values
    /// by field name. A collection the program does not declare is ignored (R0011 with strict
    /// binding, [`crate::EvalOptions::strict`], as is any other name it does not declare); one it
    /// declares but the unit lacks has no records.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub records: BTreeMap<String, Vec<Record>>,
}

/// One record of a collection: field values by field name.
pub type Record = BTreeMap<String, Value>;

/// A member of a household, with the membership that links them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Member {
    /// The individual's identifier.
    pub id: String,
    /// Membership kinds (`head`, `spouse`, `child` …); OpenG2P allows several per membership.
    pub kinds: Vec<String>,
    /// First day the membership counts (none: always has).
    pub start_date: Option<NaiveDate>,
    /// First day the membership no longer counts (none: still counts).
    pub end_date: Option<NaiveDate>,
    /// Attributes by input name.
    pub attributes: BTreeMap<String, Value>,
}

impl Member {
    /// Whether the membership counts on `day`: started on or before it, and not yet ended.
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.start_date.is_none_or(|s| s <= day) && self.end_date.is_none_or(|e| day < e)
    }

    /// Whether one of the kinds is `head`, in any case.
    pub fn is_head(&self) -> bool {
        self.kinds
            .iter()
            .any(|k| k.trim().eq_ignore_ascii_case("head"))
    }
}

impl Unit {
    /// A unit with this id and no attributes.
    pub fn new(id: impl Into<String>) -> Unit {
        Unit {
            id: id.into(),
            ..Unit::default()
        }
    }

    /// Sets an attribute (builder style).
    #[must_use]
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Unit {
        self.attributes.insert(name.to_string(), value.into());
        self
    }

    /// Adds a member (builder style).
    #[must_use]
    pub fn with_member(mut self, member: Member) -> Unit {
        self.members.push(member);
        self
    }

    /// Adds a record to a collection (builder style).
    #[must_use]
    pub fn with_record(mut self, collection: &str, record: Record) -> Unit {
        self.records
            .entry(collection.to_string())
            .or_default()
            .push(record);
        self
    }
}

impl Member {
    /// A member with this id and membership kind.
    pub fn new(id: impl Into<String>, kind: &str) -> Member {
        Member {
            id: id.into(),
            kinds: vec![kind.to_string()],
            ..Member::default()
        }
    }

    /// Sets an attribute (builder style).
    #[must_use]
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Member {
        self.attributes.insert(name.to_string(), value.into());
        self
    }
}
