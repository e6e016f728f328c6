//! Translations and the tests written inside programs.

use super::suggest::closest;
use super::{Checker, Def};
use crate::ast::{self, Expectation, ExprKind, Item, ItemKind, ProgramFile, RecordKind, Target};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir;
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;
use std::collections::{BTreeMap, HashMap};

impl Checker {
    pub(crate) fn check_translations(
        &mut self,
        file: &ProgramFile,
        rules: &[ir::Rule],
        ent: &ir::Entitlement,
    ) -> BTreeMap<String, BTreeMap<String, String>> {
        let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let sentence_ids: Vec<String> = rules
            .iter()
            .map(|r| r.id.clone())
            .chain(ent.items.iter().map(|i| i.id.clone()))
            .chain(ent.fee.iter().map(|f| f.id.clone()))
            .chain(self.run_ids.iter().cloned())
            .chain(self.score_sentence_ids(file))
            .collect();
        for item in &file.items {
            let Item::Translation(t) = item else { continue };
            let map = out.entry(t.locale.name.clone()).or_default();
            for (id, text) in &t.entries {
                let known = id.name == "title"
                    || sentence_ids.contains(&id.name)
                    || self.unit_names.contains_key(&id.name)
                    || self.member_names.contains_key(&id.name);
                if !known && self.broken_names.contains(&id.name) {
                    // Its line has a syntax error, already reported.
                    continue;
                }
                if !known {
                    let mut d = Diagnostic::new(codes::UNKNOWN_TRANSLATION_KEY, id.span)
                        .arg("name", &id.name);
                    let candidates: Vec<&str> = sentence_ids.iter().map(String::as_str).collect();
                    if let Some(s) = closest(&id.name, candidates) {
                        d = d.arg("suggestion", s).with_help("E0101.help");
                    }
                    self.diags.push(d);
                    continue;
                }
                map.insert(id.name.clone(), text.value.clone());
            }
            for id in &sentence_ids {
                if !map.contains_key(id) {
                    self.diags.push(
                        Diagnostic::new(codes::MISSING_TRANSLATION, t.span)
                            .arg("locale", &t.locale.name)
                            .arg("name", id),
                    );
                }
            }
        }
        out
    }

    pub(crate) fn check_tests(
        &mut self,
        file: &ProgramFile,
        rules: &[ir::Rule],
        ent: &ir::Entitlement,
    ) -> Vec<ir::Test> {
        let mut tests = Vec::new();
        let mut names: HashMap<String, Span> = HashMap::new();
        let mut any = false;
        for item in &file.items {
            let Item::Test(t) = item else { continue };
            any = true;
            if names.insert(t.name.value.clone(), t.name.span).is_some() {
                self.diags.push(
                    Diagnostic::new(codes::DUPLICATE_TEST, t.name.span).arg("name", &t.name.value),
                );
            }
            if let Some(test) = self.check_test(t, rules, ent) {
                tests.push(test);
            }
        }
        if !any && !file.header.id.name.is_empty() {
            self.diags.push(
                Diagnostic::new(codes::NO_TESTS, file.header.id.span).with_help("W0008.help"),
            );
        }
        tests
    }

    fn check_test(
        &mut self,
        t: &ast::TestCase,
        rules: &[ir::Rule],
        ent: &ir::Entitlement,
    ) -> Option<ir::Test> {
        if t.expectations.is_empty() && !t.broken_expect {
            self.diags.push(
                Diagnostic::new(codes::TEST_WITHOUT_EXPECTATION, t.name.span)
                    .arg("name", &t.name.value)
                    .with_help("E0401.help"),
            );
        }
        self.check_test_repeats(t);
        let mut attributes = Vec::new();
        let mut members = Vec::new();
        let mut records = Vec::new();
        for rec in &t.records {
            if rec.kind == RecordKind::Record {
                records.extend(self.test_record(rec));
                continue;
            }
            let allowed = matches!(
                (self.target, rec.kind),
                (
                    Target::Household,
                    RecordKind::Household | RecordKind::Member
                ) | (Target::Individual, RecordKind::Person)
            );
            if !allowed {
                let kind = match rec.kind {
                    RecordKind::Household => "household",
                    RecordKind::Member => "member",
                    RecordKind::Person => "person",
                    RecordKind::Record => "record",
                };
                let target = if self.target == Target::Household {
                    "households"
                } else {
                    "individuals"
                };
                self.diags.push(
                    Diagnostic::new(codes::TEST_WRONG_UNIT_KIND, rec.span)
                        .arg("kind", kind)
                        .arg("target", target),
                );
                continue;
            }
            if rec.kind == RecordKind::Member {
                members.push(self.test_member(rec, members.len() + 1));
            } else {
                for (name, value) in &rec.fields {
                    if name.name == "id" {
                        continue;
                    }
                    let ty = match self.unit_names.get(&name.name) {
                        Some(Def::UnitInput(i)) => self.inputs.get(*i).map(|x| x.ty.clone()),
                        _ => None,
                    };
                    let Some(ty) = ty else {
                        self.unknown_test_field(name, self.unit_scope().keyword(), false);
                        continue;
                    };
                    if let Some(v) = self.test_value(name, value, &ty) {
                        attributes.push((name.name.clone(), v));
                    }
                }
            }
        }
        let mut expectations = Vec::new();
        for e in &t.expectations {
            if let Some(x) = self.expectation(e, rules, ent) {
                expectations.push(x);
            }
        }
        Some(ir::Test {
            name: t.name.value.clone(),
            as_of: t.as_of.0,
            attributes,
            members,
            records,
            expectations,
            span: t.span,
        })
    }

    fn unknown_test_field(&mut self, name: &ast::Ident, scope: &str, member: bool) {
        // An input declared on a line that did not parse: that line's error is the one to fix.
        if self.broken_names.contains(&name.name) {
            return;
        }
        let mut candidates: Vec<String> = self
            .inputs
            .iter()
            .filter(|i| (i.scope == crate::ast::Scope::Member) == member)
            .map(|i| i.name.clone())
            .collect();
        candidates.push("id".into());
        if member {
            candidates.extend(["kind", "start_date", "end_date"].map(String::from));
        }
        let mut d = Diagnostic::new(codes::TEST_UNKNOWN_FIELD, name.span)
            .arg("name", &name.name)
            .arg("scope", scope);
        if let Some(s) = closest(&name.name, candidates.iter().map(String::as_str)) {
            d = d.arg("suggestion", s).with_help("E0402.help");
        }
        self.diags.push(d);
    }

    pub(crate) fn test_value(
        &mut self,
        name: &ast::Ident,
        value: &ast::Expr,
        ty: &Type,
    ) -> Option<Value> {
        let before = self.diags.len();
        let v = self.const_value(value, ty, true);
        if v.is_none() && self.diags.len() > before {
            // Restate the problem as a test-data problem, keeping the precise span.
            if let Some(last) = self.diags.last_mut() {
                if matches!(last.code, codes::TYPE_MISMATCH) {
                    *last = Diagnostic::new(codes::TEST_VALUE_TYPE, value.span)
                        .arg("name", &name.name)
                        .arg("expected", ty)
                        .arg(
                            "found",
                            last.args()
                                .iter()
                                .find(|(k, _)| *k == "found")
                                .map(|(_, v)| v.clone())
                                .unwrap_or_default(),
                        );
                }
            }
        }
        v
    }

    fn test_member(&mut self, rec: &ast::TestRecord, n: usize) -> ir::TestMember {
        let mut m = ir::TestMember {
            id: format!("M{n}"),
            kinds: Vec::new(),
            start_date: None,
            end_date: None,
            attributes: Vec::new(),
        };
        for (name, value) in &rec.fields {
            match name.name.as_str() {
                "id" => {
                    if let Some(Value::Text(s)) = self.test_value(name, value, &Type::Text) {
                        m.id = s;
                    }
                }
                "kind" => match &value.kind {
                    ExprKind::List(_) => {
                        if let Some(Value::List(items)) = self.test_value(
                            name,
                            value,
                            &Type::List {
                                of: Box::new(Type::Text),
                            },
                        ) {
                            m.kinds = items
                                .into_iter()
                                .filter_map(|v| {
                                    if let Value::Text(t) = v {
                                        Some(t)
                                    } else {
                                        None
                                    }
                                })
                                .collect();
                        }
                    }
                    _ => {
                        if let Some(Value::Text(s)) = self.test_value(name, value, &Type::Text) {
                            m.kinds = vec![s];
                        }
                    }
                },
                "start_date" | "end_date" => {
                    if let Some(Value::Date(d)) = self.test_value(name, value, &Type::Date) {
                        if name.name == "start_date" {
                            m.start_date = Some(d);
                        } else {
                            m.end_date = Some(d);
                        }
                    }
                }
                other => {
                    let ty = match self.member_names.get(other) {
                        Some(Def::MemberInput(i)) => self.inputs.get(*i).map(|x| x.ty.clone()),
                        _ => None,
                    };
                    match ty {
                        Some(ty) => {
                            if let Some(v) = self.test_value(name, value, &ty) {
                                m.attributes.push((other.to_string(), v));
                            }
                        }
                        None => self.unknown_test_field(name, "member", true),
                    }
                }
            }
        }
        m
    }

    fn expectation(
        &mut self,
        e: &Expectation,
        rules: &[ir::Rule],
        ent: &ir::Entitlement,
    ) -> Option<ir::Expectation> {
        let money = |this: &mut Checker, x: &ast::Expr| {
            let ty = this.money(x.span);
            this.const_value(x, &ty, true)
        };
        Some(match e {
            Expectation::Decision(d, _) => ir::Expectation::Decision(*d),
            Expectation::Cash(x, _) => ir::Expectation::Cash(money(self, x)?),
            Expectation::Net(x, _) => ir::Expectation::Net(money(self, x)?),
            Expectation::Fee(x, _) => ir::Expectation::Fee(money(self, x)?),
            Expectation::Item(id, x, _) => {
                let Some(item) = ent.items.iter().find(|i| i.id == id.name) else {
                    if self.broken_names.contains(&id.name) {
                        return None;
                    }
                    self.diags.push(
                        Diagnostic::new(codes::TEST_UNKNOWN_REFERENCE, id.span)
                            .arg("name", &id.name)
                            .arg("what", "an entitlement item"),
                    );
                    return None;
                };
                let v = match (item.kind, &item.unit) {
                    (ItemKind::Cash, _) => money(self, x)?,
                    (ItemKind::InKind, Some(unit)) => {
                        self.const_value(x, &Type::Quantity { unit: unit.clone() }, true)?
                    }
                    (ItemKind::InKind, None) => return None,
                };
                ir::Expectation::Item(id.name.clone(), v)
            }
            Expectation::Value(id, x, _) => {
                if !ent
                    .items
                    .iter()
                    .any(|i| i.id == id.name && i.valued.is_some())
                {
                    self.diags.push(
                        Diagnostic::new(codes::TEST_UNKNOWN_REFERENCE, id.span)
                            .arg("name", &id.name)
                            .arg("what", "a valued in-kind item"),
                    );
                    return None;
                }
                ir::Expectation::ItemValue(id.name.clone(), money(self, x)?)
            }
            Expectation::Score(id, component, x, _) => {
                let name = match component {
                    Some(c) => format!("{}.{}", id.name, c.name),
                    None => id.name.clone(),
                };
                let is_score = file_scores(self, &id.name);
                let ty = match self.unit_names.get(&name).copied() {
                    Some(Def::Let(i)) if is_score => self.lets.get(i).map(|l| l.ty.clone()),
                    _ => None,
                };
                let Some(ty) = ty else {
                    let what = if component.is_some() {
                        "a score component"
                    } else {
                        "a score"
                    };
                    self.diags.push(
                        Diagnostic::new(codes::TEST_UNKNOWN_REFERENCE, x.span)
                            .arg("name", &name)
                            .arg("what", what),
                    );
                    return None;
                };
                ir::Expectation::Score(
                    id.name.clone(),
                    component.as_ref().map(|c| c.name.clone()),
                    self.const_value(x, &ty, true)?,
                )
            }
            Expectation::Failed(id, _) | Expectation::Passed(id, _) => {
                if !rules.iter().any(|r| r.id == id.name) && !self.check_ids.contains(&id.name) {
                    if self.broken_names.contains(&id.name) {
                        return None;
                    }
                    self.diags.push(
                        Diagnostic::new(codes::TEST_UNKNOWN_REFERENCE, id.span)
                            .arg("name", &id.name)
                            .arg("what", "a rule"),
                    );
                    return None;
                }
                if matches!(e, Expectation::Failed(..)) {
                    ir::Expectation::Failed(id.name.clone())
                } else {
                    ir::Expectation::Passed(id.name.clone())
                }
            }
            Expectation::Missing(id, _) => {
                // Besides inputs, a household's decision lists the membership facts it lacked:
                // `head` (no member is the head), and a member's `kind`, `start_date`, `end_date`.
                let membership_fact = self.target == Target::Household
                    && ir::MISSING_FACTS.contains(&id.name.as_str());
                if !membership_fact && !self.inputs.iter().any(|i| i.name == id.name) {
                    self.diags.push(
                        Diagnostic::new(codes::TEST_UNKNOWN_REFERENCE, id.span)
                            .arg("name", &id.name)
                            .arg("what", "an input"),
                    );
                    return None;
                }
                ir::Expectation::Missing(id.name.clone())
            }
            Expectation::Error(id, _) => {
                // A unit's evaluation errors are the `R00xx` codes of the message catalogue
                // (`R01xx` fail a whole run, never one unit).
                let mut known: Vec<&str> = crate::locale::english()
                    .keys()
                    .filter(|k| k.len() == 5 && k.starts_with("R00"))
                    .collect();
                crate::sorting::sort(&mut known);
                if !known.contains(&id.name.as_str()) {
                    let mut d = Diagnostic::new(codes::TEST_UNKNOWN_REFERENCE, id.span)
                        .arg("name", &id.name)
                        .arg("what", "an evaluation error code");
                    if let (Some(first), Some(last)) = (known.first(), known.last()) {
                        d = d
                            .arg("first", first)
                            .arg("last", last)
                            .with_help("E0405.help.error");
                    }
                    self.diags.push(d);
                    return None;
                }
                ir::Expectation::Error(id.name.clone())
            }
        })
    }
}

/// Whether `name` is a score (its components are lets named `name.component`).
fn file_scores(c: &Checker, name: &str) -> bool {
    c.score_names.contains(name)
}
