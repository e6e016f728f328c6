//! A DCI social-registry search request for a program: `query_type: predicate`, asking for groups
//! (household programs) or members (individual programs), with conditions on the inputs the program
//! reads.
//!
//! The conditions are those the caller gives ([`SearchOptions::conditions`]) and, when
//! [`SearchOptions::derive_from_rules`] is set, those read off the program's `when` rules that
//! compare a household's (or person's) input directly with a constant or a parameter
//! (`region in covered_regions` becomes `region in "North,East"` with the parameter's value on the
//! as-of date). Such a condition only narrows the request to units that can be eligible: units the
//! registry leaves out get no decision at all, so leave it unset to decide every unit.
//!
//! The request is emitted strictly by the DCI schema (`SearchRequest` and `MsgHeader_V1.0.0` of
//! `social_api_v1.0.0.yaml`): `total_count` is a number; `attribute_value` is a string (numbers
//! and amounts as exact decimal text, dates as `YYYY-MM-DD`, an `in` list as one comma-separated
//! string) or a truth value; conditions are one per predicate item, `seq_num` from 1, each after
//! the first joined by `condition: "and"`. Nothing reads the clock: the caller gives ids and
//! timestamps.
//!
//! ```
//! use entitle_registry::dci::{search_request, SearchOptions};
//! let program = entitle_core::Program::compile(include_str!("../../../examples/programs/child_grant.entitle"))?;
//! let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date");
//! let mut options = SearchOptions::new("txn-1", "msg-1", "2026-03-01T08:00:00Z", "sp-mis", as_of);
//! options.derive_from_rules = true;
//! let request = search_request(&program, &Default::default(), &options)?;
//! let criteria = &request["message"]["search_request"][0]["search_criteria"];
//! assert_eq!(criteria["response_entity"], "Group");
//! assert_eq!(criteria["query"][0]["expression1"]["attribute_name"], "region");
//! assert_eq!(criteria["query"][0]["expression1"]["attribute_value"], "North,East");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::error::RegistryError;
use crate::mapping::Mapping;
use chrono::NaiveDate;
use entitle_core::Program;
use entitle_dsl::ast::{RuleKind, Scope};
use entitle_dsl::ir::{CmpOp, TExpr, TKind};
use entitle_dsl::{Type, Value};
use serde_json::{json, Value as Json};

/// A predicate operator (the DCI enum).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// `gt`
    Gt,
    /// `lt`
    Lt,
    /// `eq`
    Eq,
    /// `ge`
    Ge,
    /// `le`
    Le,
    /// `in` (the value is a list)
    In,
}

impl Operator {
    /// The DCI word.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Gt => "gt",
            Operator::Lt => "lt",
            Operator::Eq => "eq",
            Operator::Ge => "ge",
            Operator::Le => "le",
            Operator::In => "in",
        }
    }

    fn of(op: CmpOp) -> Option<Operator> {
        match op {
            CmpOp::Eq => Some(Operator::Eq),
            CmpOp::Lt => Some(Operator::Lt),
            CmpOp::Le => Some(Operator::Le),
            CmpOp::Gt => Some(Operator::Gt),
            CmpOp::Ge => Some(Operator::Ge),
            CmpOp::Ne => None,
        }
    }

    /// The operator with its operands swapped (`3 < x` is `x > 3`).
    fn flipped(self) -> Operator {
        match self {
            Operator::Gt => Operator::Lt,
            Operator::Lt => Operator::Gt,
            Operator::Ge => Operator::Le,
            Operator::Le => Operator::Ge,
            other => other,
        }
    }
}

/// A condition on one input of the program.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// The input's name.
    pub input: String,
    /// How it compares.
    pub operator: Operator,
    /// The value compared with (a list for [`Operator::In`]).
    pub value: Value,
}

/// What a search request says besides its conditions.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchOptions {
    /// `message.transaction_id`.
    pub transaction_id: String,
    /// `header.message_id`; also the search request's `reference_id`.
    pub message_id: String,
    /// `header.message_ts` and the request's `timestamp` (RFC 3339).
    pub timestamp: String,
    /// `header.sender_id`.
    pub sender_id: String,
    /// `header.receiver_id`, if known.
    pub receiver_id: Option<String>,
    /// The as-of date whose parameter values derived conditions use.
    pub as_of: NaiveDate,
    /// Conditions given by the caller.
    pub conditions: Vec<Condition>,
    /// Add the conditions the program's `when` rules imply (see the module documentation).
    pub derive_from_rules: bool,
    /// Records per page.
    pub page_size: u32,
    /// The page asked for, from 1.
    pub page_number: u32,
}

impl SearchOptions {
    /// Options with no conditions, pages of 1000 records, the first page.
    pub fn new(
        transaction_id: impl Into<String>,
        message_id: impl Into<String>,
        timestamp: impl Into<String>,
        sender_id: impl Into<String>,
        as_of: NaiveDate,
    ) -> SearchOptions {
        SearchOptions {
            transaction_id: transaction_id.into(),
            message_id: message_id.into(),
            timestamp: timestamp.into(),
            sender_id: sender_id.into(),
            receiver_id: None,
            as_of,
            conditions: Vec::new(),
            derive_from_rules: false,
            page_size: 1000,
            page_number: 1,
        }
    }
}

/// A value as a DCI `attribute_value`: a string or a truth value; `None` when it has no such form
/// (unknown, or a list item holding a comma). Numbers are written as exact decimal strings, as the
/// samples do: the schema's `oneOf` of `integer` and `number` refuses every whole JSON number,
/// which matches both.
fn attribute_value(v: &Value) -> Option<Json> {
    let number = |d: &rust_decimal::Decimal| Some(Json::String(d.to_string()));
    match v {
        Value::Unknown => None,
        Value::Bool(b) => Some(Json::Bool(*b)),
        Value::Number(d) => number(d),
        Value::Money(m) => number(&m.amount),
        Value::Quantity(q) => number(&q.amount),
        Value::Date(d) => Some(Json::String(d.to_string())),
        Value::Text(t) => Some(Json::String(t.clone())),
        Value::List(items) => {
            let mut parts = Vec::new();
            for item in items {
                let text = match attribute_value(item)? {
                    Json::String(s) => s,
                    other => other.to_string(),
                };
                if text.contains(',') {
                    return None;
                }
                parts.push(text);
            }
            Some(Json::String(parts.join(",")))
        }
    }
}

/// The conditions one `when` rule implies, if it compares unit-level inputs with constants.
fn derive(program: &Program, e: &TExpr, as_of: NaiveDate, out: &mut Vec<Condition>) {
    let inputs = program.inputs();
    let unit_input = |x: &TExpr| match &x.kind {
        TKind::Input(i) => inputs
            .get(*i)
            .filter(|inp| matches!(inp.scope, Scope::Household | Scope::Person)),
        _ => None,
    };
    let constant = |x: &TExpr| -> Option<Value> {
        match &x.kind {
            TKind::Const(v) => Some(v.clone()),
            TKind::Param(p) => program
                .params()
                .get(*p)
                .and_then(|p| p.value_on(as_of))
                .map(|v| v.value.clone()),
            _ => None,
        }
    };
    match &e.kind {
        TKind::And(a, b) => {
            derive(program, a, as_of, out);
            derive(program, b, as_of, out);
        }
        TKind::Input(_) if e.ty == Type::Bool => {
            if let Some(i) = unit_input(e) {
                out.push(Condition {
                    input: i.name.clone(),
                    operator: Operator::Eq,
                    value: Value::Bool(true),
                });
            }
        }
        TKind::Compare(op, a, b) => {
            let Some(op) = Operator::of(*op) else { return };
            let found = match (unit_input(a), constant(b), unit_input(b), constant(a)) {
                (Some(i), Some(v), _, _) => Some((i, op, v)),
                (_, _, Some(i), Some(v)) => Some((i, op.flipped(), v)),
                _ => None,
            };
            if let Some((i, operator, value)) = found {
                out.push(Condition {
                    input: i.name.clone(),
                    operator,
                    value,
                });
            }
        }
        TKind::In {
            value,
            list,
            negated: false,
        } => {
            if let (Some(i), Some(v)) = (unit_input(value), constant(list)) {
                out.push(Condition {
                    input: i.name.clone(),
                    operator: Operator::In,
                    value: v,
                });
            }
        }
        _ => {}
    }
}

/// The DCI attribute an input is searched by: its mapped field, else its alias, else its name.
fn attribute(mapping: &Mapping, input: &str) -> String {
    mapping
        .column(input)
        .map(str::to_string)
        .or_else(|| super::fields_for(input).next().map(str::to_string))
        .unwrap_or_else(|| input.to_string())
}

/// Builds the search request (header and message) for `program`.
///
/// # Errors
/// [`RegistryError::Unsupported`] (G0008) when a given condition names an input the program does
/// not read, or has a value with no DCI form (unknown, a list item holding a comma, `in` without
/// a list); G0015 when the mapping names an input the program lacks.
pub fn search_request(
    program: &Program,
    mapping: &Mapping,
    options: &SearchOptions,
) -> Result<Json, RegistryError> {
    mapping.check(program)?;
    let unsupported = |reason: String| RegistryError::Unsupported {
        reason: reason.into(),
    };
    let mut conditions = Vec::new();
    for c in &options.conditions {
        let read = program.inputs().iter().any(|i| i.name == c.input && i.used);
        if !read {
            return Err(unsupported(format!(
                "the search condition names `{}`, which the program does not read",
                c.input
            )));
        }
        if (c.operator == Operator::In) != matches!(c.value, Value::List(_)) {
            return Err(unsupported(format!(
                "the search condition on `{}`: `in` takes a list, and only `in` does",
                c.input
            )));
        }
        conditions.push(c.clone());
    }
    if options.derive_from_rules {
        for rule in program.rules().iter().filter(|r| r.kind == RuleKind::When) {
            derive(program, &rule.expr, options.as_of, &mut conditions);
        }
    }
    let mut query = Vec::new();
    for (k, c) in conditions.iter().enumerate() {
        let value = match attribute_value(&c.value) {
            Some(v) => v,
            // A derived condition without a DCI form is left out: it only narrowed the search.
            None if k >= options.conditions.len() => continue,
            None => {
                return Err(unsupported(format!(
                    "the search condition on `{}` has a value with no DCI form",
                    c.input
                )))
            }
        };
        let mut item = json!({
            "seq_num": query.len() + 1,
            "expression1": {
                "attribute_name": attribute(mapping, &c.input),
                "operator": c.operator.as_str(),
                "attribute_value": value,
            },
        });
        if let (false, Some(o)) = (query.is_empty(), item.as_object_mut()) {
            o.insert("condition".into(), json!("and"));
        }
        query.push(item);
    }
    let entity = match program.target() {
        entitle_dsl::ast::Target::Household => "Group",
        entitle_dsl::ast::Target::Individual => "Member",
    };
    let mut header = json!({
        "version": "1.0.0",
        "message_id": options.message_id,
        "message_ts": options.timestamp,
        "action": "search",
        "sender_id": options.sender_id,
        "total_count": 1,
        "is_msg_encrypted": false,
    });
    if let (Some(r), Some(o)) = (&options.receiver_id, header.as_object_mut()) {
        o.insert("receiver_id".into(), json!(r));
    }
    Ok(json!({
        "header": header,
        "message": {
            "transaction_id": options.transaction_id,
            "search_request": [{
                "reference_id": options.message_id,
                "timestamp": options.timestamp,
                "search_criteria": {
                    "version": "1.0.0",
                    "query_type": "predicate",
                    "response_entity": entity,
                    "query": query,
                    "pagination": {
                        "page_size": options.page_size,
                        "page_number": options.page_number,
                    },
                },
            }],
        },
    }))
}
