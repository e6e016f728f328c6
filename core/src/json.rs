//! The JSON boundary: units in, decisions and errors out.
//!
//! | value | JSON in | JSON out |
//! | --- | --- | --- |
//! | unknown | `null`, or the key absent | `null` |
//! | bool | `true`/`false`, the number `1`/`0`, or a string (`"yes"`, `"on"`, `"0"`: see [`crate::parse`]); another number is an error | `true`/`false` |
//! | number | a JSON number (read exactly, never as a float; `1e-7` too) or a decimal string (no exponent) | decimal string `"12.5"` |
//! | money | a number or string in the program's currency (`"1500.50"`, `"KES 1500.50"`), or `{"amount": "1500.50", "currency": "KES"}` | amount string plus a `currency` field |
//! | date | `"2026-03-01"` (a date-time keeps its date) | `"2026-03-01"` |
//! | text | a string | a string |
//! | list | an array (each element read as the element type, as above: `["2026-01-05", "2026-02-05"]` is a list of dates), or a string separated by `;` | an array |
//!
//! A unit is an object with `id` and its attributes; a household has `members`, an array of objects
//! with `id`, `kind` (a string or an array of strings), optional `start_date` and `end_date`, and
//! the member's attributes. The records of a collection (`records visits …` in the program) are an
//! array of objects under the collection's name: `"visits": [{"visit_date": "2026-01-05"}]` (an
//! array of objects is always a collection of records, unless every object is an amount
//! `{"amount": …, "currency": …}`; under the name of an input that is no collection, the unit
//! fails with R0005 naming the input). Keys the program does not declare are ignored, unless the
//! evaluation is strict ([`EvalOptions::strict`]): the unit then fails with R0011 naming the key
//! (`member M1: disabeld` for a member's, `visits #2: vist_date` for a record's) and the closest
//! declared name, if one is close. `id` and `members` of a unit, `id`, `kind`, `kinds`,
//! `start_date` and `end_date` of a member ([`crate::batch::UNIT_KEYS`],
//! [`crate::batch::MEMBER_KEYS`]) and the name of a declared record collection are never unknown.

use crate::batch::MEMBER_KEYS;
use crate::error::EvalError;
use crate::eval::EvalOptions;
use crate::model::{Member, Unit};
use crate::parse::parse_date;
use crate::program::Program;
use crate::result::{Decision, UnitError};
use chrono::NaiveDate;
use entitle_dsl::locale::{self, Catalog};
use entitle_dsl::{Currency, Money, Value};
use serde_json::{json, Value as Json};

fn scalar(v: &Json, field: &str) -> Result<Value, EvalError> {
    Ok(match v {
        Json::Null => Value::Unknown,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => {
            // With serde_json's arbitrary_precision the text is exact; an exponent (`1e-7`, as
            // JavaScript prints small numbers) is read exactly, as Python's `Decimal("1E-7")` is.
            let text = n.to_string();
            match rust_decimal::Decimal::from_str_exact(&text)
                .ok()
                .or_else(|| crate::parse::parse_scientific(&text))
            {
                Some(d) => Value::Number(d),
                None => {
                    return Err(EvalError::InvalidValue {
                        field: field.into(),
                        reason: "the number is out of range or not exact".into(),
                    })
                }
            }
        }
        Json::String(s) => Value::Text(s.clone()),
        Json::Array(items) => Value::List(
            items
                .iter()
                .map(|x| scalar(x, field))
                .collect::<Result<_, _>>()?,
        ),
        Json::Object(o) => {
            let amount = o.get("amount").ok_or_else(|| EvalError::InvalidValue {
                field: field.into(),
                reason: "an object must be an amount with a currency".into(),
            })?;
            let currency = o
                .get("currency")
                .and_then(Json::as_str)
                .and_then(Currency::from_code)
                .ok_or_else(|| EvalError::InvalidValue {
                    field: field.into(),
                    reason: "the amount has no valid currency".into(),
                })?;
            let text = match amount {
                Json::String(s) => s.clone(),
                Json::Number(n) => n.to_string(),
                _ => {
                    return Err(EvalError::InvalidValue {
                        field: field.into(),
                        reason: "the amount is not a number".into(),
                    })
                }
            };
            let amount = crate::parse::parse_decimal(&text)
                .or_else(|| {
                    matches!(amount, Json::Number(_))
                        .then(|| crate::parse::parse_scientific(&text))
                        .flatten()
                })
                .ok_or_else(|| EvalError::InvalidValue {
                    field: field.into(),
                    reason: "the amount is not a number".into(),
                })?;
            Value::Money(Money { amount, currency })
        }
    })
}

fn id_of(v: Option<&Json>) -> Option<String> {
    match v {
        Some(Json::String(s)) => Some(s.clone()),
        Some(Json::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

fn date_of(v: Option<&Json>, field: &str) -> Result<Option<NaiveDate>, EvalError> {
    match v {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Json::String(s)) => {
            parse_date(s.trim())
                .map(Some)
                .ok_or_else(|| EvalError::InvalidValue {
                    field: field.into(),
                    reason: crate::parse::date_problem(s.trim()).to_string(),
                })
        }
        Some(_) => Err(EvalError::InvalidValue {
            field: field.into(),
            reason: "expected a date string".into(),
        }),
    }
}

/// Reads a unit from its JSON form.
///
/// # Errors
/// [`EvalError::InvalidUnit`] or [`EvalError::InvalidValue`] when the shape is wrong.
pub fn unit_from_json(v: &Json) -> Result<Unit, EvalError> {
    let obj = v.as_object().ok_or_else(|| EvalError::InvalidUnit {
        reason: "a unit must be a JSON object".into(),
    })?;
    let id = id_of(obj.get("id")).ok_or_else(|| EvalError::InvalidUnit {
        reason: "the unit has no `id` (a string or a number)".into(),
    })?;
    let mut unit = Unit::new(id);
    for (k, v) in obj {
        match k.as_str() {
            "id" => {}
            "members" => {
                let members = match v {
                    Json::Null => continue,
                    Json::Array(a) => a,
                    _ => {
                        return Err(EvalError::InvalidUnit {
                            reason: "`members` must be an array".into(),
                        })
                    }
                };
                for (i, m) in members.iter().enumerate() {
                    unit.members.push(member_from_json(m, i)?);
                }
            }
            _ => match v {
                Json::Array(items) if is_records(items) => {
                    let mut records = Vec::with_capacity(items.len());
                    for (i, r) in items.iter().enumerate() {
                        let mut record = crate::model::Record::new();
                        for (field, value) in r.as_object().into_iter().flatten() {
                            record.insert(
                                field.clone(),
                                scalar(value, &format!("{k} #{}: {field}", i + 1))?,
                            );
                        }
                        records.push(record);
                    }
                    unit.records.insert(k.clone(), records);
                }
                _ => {
                    unit.attributes.insert(k.clone(), scalar(v, k)?);
                }
            },
        }
    }
    Ok(unit)
}

/// An array of objects that are not all amounts: the records of a collection.
fn is_records(items: &[Json]) -> bool {
    let is_amount = |o: &serde_json::Map<String, Json>| {
        o.len() == 2 && o.contains_key("amount") && o.contains_key("currency")
    };
    !items.is_empty()
        && items.iter().all(Json::is_object)
        && !items.iter().all(|x| x.as_object().is_some_and(is_amount))
}

fn member_from_json(m: &Json, index: usize) -> Result<Member, EvalError> {
    let obj = m.as_object().ok_or_else(|| EvalError::InvalidUnit {
        reason: format!("the member at position {} is not a JSON object", index + 1),
    })?;
    let id = id_of(obj.get("id")).unwrap_or_else(|| format!("#{}", index + 1));
    let kinds = match obj.get("kind").or_else(|| obj.get("kinds")) {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::String(s)) => vec![s.clone()],
        // Every element must be a string: dropping one would change what the member counts as.
        Some(Json::Array(a)) if a.iter().all(Json::is_string) => a
            .iter()
            .filter_map(|k| k.as_str().map(String::from))
            .collect(),
        Some(_) => {
            return Err(EvalError::InvalidUnit {
                reason: format!("member {id}: `kind` must be a string or an array of strings"),
            })
        }
    };
    let mut member = Member {
        start_date: date_of(obj.get("start_date"), &format!("member {id}: start_date"))?,
        end_date: date_of(obj.get("end_date"), &format!("member {id}: end_date"))?,
        id,
        kinds,
        ..Member::default()
    };
    for (k, v) in obj {
        if MEMBER_KEYS.contains(&k.as_str()) {
            continue;
        }
        member.attributes.insert(k.clone(), scalar(v, k)?);
    }
    Ok(member)
}

/// A unit's error as JSON: `{"unit_id": …, "error": {"code": "R0001", "message": …, …}}`.
pub fn error_to_json(e: &UnitError) -> Json {
    error_to_json_in(e, locale::english())
}

/// A unit's error as JSON with its `message` in the catalogue's language (the other fields,
/// `reason` among them, stay as tools read them).
pub fn error_to_json_in(e: &UnitError, catalog: &Catalog) -> Json {
    let mut detail = serde_json::to_value(&e.error).unwrap_or(Json::Null);
    if let Json::Object(o) = &mut detail {
        o.insert("message".into(), Json::String(e.error.message(catalog)));
    }
    json!({"unit_id": e.unit_id, "error": detail})
}

/// Units given as the JSON text of an array, as [`units_from_json_text`] reads them.
#[derive(Debug, Default)]
pub struct JsonUnits {
    /// The units in order; a unit that could not be read is `null` here.
    pub units: Vec<Json>,
    /// `(index, error record)` for each unit that could not be read, in order: the record
    /// (`{"unit_id", "error"}`, an R0010) is that unit's result.
    pub unreadable: Vec<(usize, Json)>,
}

/// Reads the JSON text of an array of units so that one unit's text cannot lose the others: a
/// unit the JSON reader refuses on its own (nested deeper than its limit of 128 levels, a string
/// with half of a UTF-16 surrogate pair) is that unit's R0010, with its `id` when that can be
/// read. Fails only when the text is not a JSON array of values at all.
pub fn units_from_json_text(text: &str) -> Result<JsonUnits, serde_json::Error> {
    // The whole array at once first: the one pass every readable batch takes.
    let first = match serde_json::from_str::<Vec<Json>>(text) {
        Ok(units) => {
            return Ok(JsonUnits {
                units,
                unreadable: Vec::new(),
            })
        }
        Err(e) => e,
    };
    // Skipping over a value (as a raw value) checks its syntax but neither its depth nor its
    // strings' escapes, so each unit is then read, and refused, on its own.
    let raws = match serde_json::from_str::<Vec<&serde_json::value::RawValue>>(text) {
        Ok(raws) => raws,
        Err(_) => return Err(first),
    };
    let mut out = JsonUnits::default();
    for (i, raw) in raws.into_iter().enumerate() {
        match serde_json::from_str::<Json>(raw.get()) {
            Ok(unit) => out.units.push(unit),
            Err(e) => {
                out.units.push(Json::Null);
                let error = EvalError::InvalidUnit {
                    reason: unreadable_reason(&e),
                };
                let unit_id = unreadable_id(raw.get());
                out.unreadable
                    .push((i, error_to_json(&UnitError { unit_id, error })));
            }
        }
    }
    Ok(out)
}

/// The reader's limit, as [`units_from_json_text`] names it.
const JSON_DEPTH: usize = 128;

fn unreadable_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.starts_with("recursion limit exceeded") {
        format!("the unit is nested more than {JSON_DEPTH} levels deep (objects and arrays), more than the engine's JSON reader takes")
    } else if text.contains("surrogate") || text.contains("hex escape") {
        // In text the raw pass accepted, a `\u` escape fails only as half of a surrogate pair.
        "a string holds half of a character (a lone UTF-16 surrogate, as when an emoji is cut in two), which the engine's JSON reader refuses".into()
    } else {
        format!("the unit's JSON text cannot be read ({text})")
    }
}

/// The `id` of a unit whose text could not be read as a whole: only `id` is read, the other
/// values are skipped unchecked (their depth and escapes are what failed).
fn unreadable_id(text: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Id {
        id: Option<Json>,
    }
    serde_json::from_str::<Id>(text)
        .ok()
        .and_then(|u| id_of(u.id.as_ref()))
        .unwrap_or_default()
}

/// Results as the texts of JSON arrays of at most `max_bytes` bytes each, in order: one array,
/// unless together they are longer. A binding hands each text to its host as one string, and a
/// host's strings have a longest length (V8's: 2^29 - 24 UTF-16 code units; UTF-8 text has at
/// least as many bytes as code units): a result longer than `max_bytes` on its own is replaced by
/// [`oversized_result`], so no result is dropped and one cannot fail the others.
pub fn results_json_texts(results: &[Json], max_bytes: usize) -> Vec<String> {
    if let Ok(whole) = serde_json::to_string(results) {
        if whole.len() <= max_bytes {
            return vec![whole];
        }
    }
    let mut texts = Vec::new();
    let mut text = String::new();
    for r in results {
        let mut one = r.to_string();
        // The brackets (or a comma) around it count too.
        if one.len().saturating_add(2) > max_bytes {
            one = oversized_result(r, max_bytes).to_string();
        }
        if !text.is_empty() && text.len().saturating_add(one.len()).saturating_add(2) > max_bytes {
            text.push(']');
            texts.push(std::mem::take(&mut text));
        }
        text.push(if text.is_empty() { '[' } else { ',' });
        text.push_str(&one);
    }
    if !text.is_empty() {
        text.push(']');
        texts.push(text);
    }
    texts
}

/// The error record (R0010) that stands for a unit's result, decision or explanation, when its
/// text is longer than `max_bytes`, the most a binding hands its host as one string.
pub fn oversized_result(result: &Json, max_bytes: usize) -> Json {
    let unit_id = result.get("unit_id").and_then(Json::as_str).unwrap_or("");
    const MIB: usize = 1 << 20;
    let size = if max_bytes >= MIB && max_bytes % MIB == 0 {
        format!("{} MiB", max_bytes / MIB)
    } else {
        format!("{max_bytes} bytes")
    };
    let reason = format!("its result is longer than {size} of JSON, more than one JavaScript string is given to hold; the unit's data is too large");
    error_to_json(&UnitError {
        unit_id: unit_id.to_string(),
        error: EvalError::InvalidUnit { reason },
    })
}

/// Why an as-of date was refused (the reason of an R0010; `phrase.…` entries translate it).
const BAD_AS_OF: &str = "the as-of date must be an ISO 8601 date such as 2026-03-01";

/// A decision as JSON (the shape documented in [`crate::result`]).
pub fn decision_to_json(d: &Decision) -> Json {
    serde_json::to_value(d).unwrap_or(Json::Null)
}

impl Program {
    /// Evaluates a JSON unit at an ISO as-of date; gives the decision's JSON or the error's JSON.
    /// Never fails: a malformed unit or date is reported in the error shape.
    pub fn evaluate_json(&self, unit: &Json, as_of: &str, options: &EvalOptions) -> Json {
        self.evaluate_json_in(unit, as_of, options, locale::english())
    }

    /// [`Program::evaluate_json`] with an error's `message` in the catalogue's language: a
    /// façade that explains in French (`explain(…, {locale: "fr"})`) says in French that the
    /// as-of date or the unit is malformed too.
    pub fn evaluate_json_in(
        &self,
        unit: &Json,
        as_of: &str,
        options: &EvalOptions,
        catalog: &Catalog,
    ) -> Json {
        let id = unit
            .get("id")
            .and_then(|v| id_of(Some(v)))
            .unwrap_or_default();
        let Some(date) = parse_date(as_of.trim()) else {
            let error = EvalError::InvalidUnit {
                reason: BAD_AS_OF.into(),
            };
            return error_to_json_in(&UnitError { unit_id: id, error }, catalog);
        };
        match unit_from_json(unit).map(|u| self.evaluate_with(&u, date, options)) {
            Ok(Ok(d)) => decision_to_json(&d),
            Ok(Err(e)) => error_to_json_in(&e, catalog),
            Err(error) => error_to_json_in(&UnitError { unit_id: id, error }, catalog),
        }
    }

    /// Evaluates a JSON array of units; one result (decision or error) per unit, in order.
    pub fn evaluate_batch_json(
        &self,
        units: &[Json],
        as_of: &str,
        options: &EvalOptions,
    ) -> Vec<Json> {
        let Some(date) = parse_date(as_of.trim()) else {
            return units
                .iter()
                .map(|u| {
                    let id = u.get("id").and_then(|v| id_of(Some(v))).unwrap_or_default();
                    error_to_json(&UnitError {
                        unit_id: id,
                        error: EvalError::InvalidUnit {
                            reason: BAD_AS_OF.into(),
                        },
                    })
                })
                .collect();
        };
        let mut parsed: Vec<Unit> = Vec::with_capacity(units.len());
        let mut bad: Vec<(usize, UnitError)> = Vec::new();
        for (i, u) in units.iter().enumerate() {
            match unit_from_json(u) {
                Ok(x) => parsed.push(x),
                Err(error) => {
                    let id = u.get("id").and_then(|v| id_of(Some(v))).unwrap_or_default();
                    bad.push((i, UnitError { unit_id: id, error }));
                    parsed.push(Unit::new(""));
                }
            }
        }
        let results = self.evaluate_batch_with(&parsed, date, options);
        let mut bad = bad.into_iter().peekable();
        results
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                if bad.peek().is_some_and(|(j, _)| *j == i) {
                    if let Some((_, e)) = bad.next() {
                        return error_to_json(&e);
                    }
                }
                match r {
                    Ok(d) => decision_to_json(&d),
                    Err(e) => error_to_json(&e),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{oversized_result, results_json_texts, unit_from_json, units_from_json_text};
    use crate::{EvalOptions, Program};
    use serde_json::json;

    #[test]
    fn a_number_with_an_exponent_is_read_exactly_or_refused() {
        let read = |x: serde_json::Value| unit_from_json(&json!({"id": "P", "x": x}));
        let number = |x: serde_json::Value| {
            read(x)
                .map(|u| u.attributes.get("x").map(ToString::to_string))
                .map_err(|e| e.to_string())
        };
        let parsed = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap_or_default();
        assert_eq!(number(parsed("1e-7")), Ok(Some("0.0000001".into())));
        assert_eq!(number(parsed("1.5E+3")), Ok(Some("1500".into())));
        let amount = read(json!({"amount": parsed("2.5e2"), "currency": "KES"}))
            .map(|u| u.attributes.get("x").map(ToString::to_string));
        assert_eq!(amount.ok().flatten().as_deref(), Some("KES 250"));
        assert_eq!(
            number(parsed("1e-29")),
            Err("`x`: the number is out of range or not exact".into())
        );
    }

    #[test]
    fn the_elements_of_an_array_are_read_as_the_list_s_element_type() {
        let src = "program p \"P\"\n  target individual\ninputs\n  person.days: list of date\n  person.flags: list of bool\neligible when\n  d \"D\" 2026-02-05 in days\n  f \"F\" true in flags\n";
        let p = Program::compile(src).unwrap_or_else(|e| panic!("{e:?}"));
        let run =
            |unit: serde_json::Value| p.evaluate_json(&unit, "2026-03-01", &EvalOptions::default());
        let arrays = json!({"id": "P", "days": ["2026-01-05", " 2026-02-05 "], "flags": ["no", 1]});
        let texts = json!({"id": "P", "days": "2026-01-05;2026-02-05", "flags": "no;1"});
        assert_eq!(run(arrays.clone())["decision"], "eligible");
        assert_eq!(run(arrays)["explanation"], run(texts)["explanation"]);
        let bad = run(json!({"id": "P", "days": ["2026-01-05", "05/02/2026"]}));
        assert_eq!(
            bad["error"]["message"],
            "`days`: expected a date in ISO 8601 form, such as 2026-03-01"
        );
        let bad = run(json!({"id": "P", "flags": [true, 2]}));
        assert_eq!(
            bad["error"]["message"],
            "`flags`: expected a truth value (true/false, yes/no, on/off, 1/0)"
        );
    }

    #[test]
    fn a_truth_value_is_1_or_0_as_a_number_and_on_or_off_as_text_for_a_member_too() {
        let src = "program p \"P\"\ninputs\n  member.flag: bool\neligible when\n  f \"F\" any(members where flag)\n";
        let p = Program::compile(src).unwrap_or_else(|e| panic!("{e:?}"));
        let run = |flag: serde_json::Value| {
            let unit = json!({"id": "H1", "members": [{"id": "M1", "flag": flag}]});
            p.evaluate_json(&unit, "2026-03-01", &EvalOptions::default())
        };
        for (flag, want) in [
            (json!(1), "eligible"),
            (json!(0), "not_eligible"),
            (json!(1.0), "eligible"),
            (json!("on"), "eligible"),
            (json!("Off"), "not_eligible"),
        ] {
            assert_eq!(run(flag.clone())["decision"], want, "{flag}");
        }
        for flag in [json!(2), json!(0.5), json!(-1), json!("2")] {
            let out = run(flag.clone());
            assert_eq!(out["error"]["code"], "R0005", "{flag}");
            assert_eq!(
                out["error"]["message"],
                "`member M1: flag`: expected a truth value (true/false, yes/no, on/off, 1/0)",
                "{flag}"
            );
        }
    }

    #[test]
    fn a_unit_the_json_reader_refuses_fails_alone_with_its_id() {
        let deep = format!("{}1{}", "[".repeat(130), "]".repeat(130));
        let text = format!(
            r#"[{{"id": "H1"}}, {{"id": "H2", "notes": {deep}}}, {{"id": 3, "region": "No\ud800rth"}}, {{"id": "H4"}}]"#
        );
        let read = units_from_json_text(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.units.len(), 4);
        assert_eq!(read.units[0], json!({"id": "H1"}));
        assert_eq!(read.units[1], serde_json::Value::Null);
        assert_eq!(read.units[3], json!({"id": "H4"}));
        let records: Vec<_> = read
            .unreadable
            .iter()
            .map(|(i, r)| (*i, r["unit_id"].clone(), r["error"]["code"].clone()))
            .collect();
        assert_eq!(
            records,
            [
                (1, json!("H2"), json!("R0010")),
                (2, json!("3"), json!("R0010"))
            ]
        );
        assert_eq!(
            read.unreadable[0].1["error"]["message"],
            "the unit's data is malformed: the unit is nested more than 128 levels deep (objects and arrays), more than the engine's JSON reader takes"
        );
        assert_eq!(
            read.unreadable[1].1["error"]["reason"],
            "a string holds half of a character (a lone UTF-16 surrogate, as when an emoji is cut in two), which the engine's JSON reader refuses"
        );
        // A readable array is read in one pass; text that is not an array of values is refused.
        assert!(units_from_json_text(r#"[{"id": "H1"}]"#).is_ok_and(|r| r.unreadable.is_empty()));
        assert!(units_from_json_text(r#"[{"id": "H1"},"#).is_err());
        assert!(units_from_json_text(r#"{"id": "H1"}"#).is_err());
    }

    #[test]
    fn results_too_long_for_one_string_are_split_and_one_too_long_alone_is_its_units_r0010() {
        let results: Vec<_> = (0..5)
            .map(|i| json!({"unit_id": format!("U{i}"), "note": "x".repeat(if i == 2 { 500 } else { 150 })}))
            .collect();
        let whole = serde_json::to_string(&results).unwrap_or_default();
        assert_eq!(results_json_texts(&results, whole.len()), [whole]);
        let texts = results_json_texts(&results, 400);
        assert!(texts.iter().all(|t| t.len() <= 400), "{texts:?}");
        let read: Vec<serde_json::Value> = texts
            .iter()
            .flat_map(|t| serde_json::from_str::<Vec<serde_json::Value>>(t).unwrap_or_default())
            .collect();
        assert_eq!(read.len(), 5);
        assert_eq!(read[0], results[0]);
        assert_eq!(read[4], results[4]);
        assert_eq!(read[2]["unit_id"], "U2");
        assert_eq!(
            read[2]["error"]["message"],
            "the unit's data is malformed: its result is longer than 400 bytes of JSON, more than one JavaScript string is given to hold; the unit's data is too large"
        );
        assert_eq!(
            oversized_result(&results[0], 1 << 28)["error"]["reason"]
                .as_str()
                .map(|r| r.contains("256 MiB")),
            Some(true)
        );
    }

    #[test]
    fn a_kind_list_with_a_non_string_is_refused_not_shortened() {
        let ok = json!({"id": "H1", "members": [{"id": "M1", "kind": ["head", "spouse"]}]});
        let unit = unit_from_json(&ok).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(unit.members[0].kinds, ["head", "spouse"]);
        for kind in [json!(["child", 3]), json!(["child", null]), json!(7)] {
            let bad = json!({"id": "H1", "members": [{"id": "M1", "kind": kind}]});
            let err = unit_from_json(&bad).map(|_| ()).unwrap_err();
            assert_eq!(err.code(), "R0010");
            assert_eq!(
                err.to_string(),
                "the unit's data is malformed: member M1: `kind` must be a string or an array of strings"
            );
        }
    }
}
