//! Running the tests written inside a program.

use crate::model::{Member, Unit};
use crate::program::Program;
use crate::result::{Decision, Outcome, Truth};
use entitle_dsl::ast::{ExpectedDecision, RuleKind};
use entitle_dsl::ir::{Expectation, Test};
use entitle_dsl::locale::Catalog;
use entitle_dsl::{Money, Quantity, Value};
use rust_decimal::Decimal;
use serde::Serialize;

/// The outcome of one program test.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TestOutcome {
    /// The test's name.
    pub name: String,
    /// Line of the `test` line.
    pub line: u32,
    /// True when every expectation held.
    pub passed: bool,
    /// One sentence per expectation that did not hold.
    pub failures: Vec<String>,
}

fn amount(v: &Value) -> Option<Decimal> {
    match v {
        Value::Money(m) => Some(m.amount),
        Value::Quantity(q) => Some(q.amount),
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// What a decision gave, written as the expected value `like` is (with its currency or unit), so
/// that a failure reads `expected KES 2400, got KES 2500`.
fn text_of(d: Option<Decimal>, like: &Value) -> String {
    let Some(x) = d.map(|x| x.normalize()) else {
        return "nothing".into();
    };
    match like {
        Value::Money(m) => Money {
            amount: x,
            currency: m.currency,
        }
        .to_string(),
        Value::Quantity(q) => Quantity {
            amount: x,
            unit: q.unit.clone(),
        }
        .to_string(),
        _ => x.to_string(),
    }
}

impl Program {
    /// The unit a test describes.
    pub fn test_unit(&self, t: &Test) -> Unit {
        let mut u = Unit::new(format!("test: {}", t.name));
        for (k, v) in &t.attributes {
            u.attributes.insert(k.clone(), v.clone());
        }
        for m in &t.members {
            let mut member = Member {
                id: m.id.clone(),
                kinds: m.kinds.clone(),
                start_date: m.start_date,
                end_date: m.end_date,
                ..Member::default()
            };
            for (k, v) in &m.attributes {
                member.attributes.insert(k.clone(), v.clone());
            }
            u.members.push(member);
        }
        for (set, fields) in &t.records {
            u.records
                .entry(set.clone())
                .or_default()
                .push(fields.iter().cloned().collect());
        }
        u
    }

    /// Runs every test written in the program, with messages from `catalog`.
    pub fn run_tests_localized(&self, catalog: &Catalog) -> Vec<TestOutcome> {
        self.ir()
            .tests
            .iter()
            .map(|t| self.run_test(t, catalog))
            .collect()
    }

    /// Runs every test written in the program.
    pub fn run_tests(&self) -> Vec<TestOutcome> {
        self.run_tests_localized(entitle_dsl::locale::english())
    }

    fn run_test(&self, t: &Test, catalog: &Catalog) -> TestOutcome {
        let unit = self.test_unit(t);
        let result = self.evaluate(&unit, t.as_of);
        let mut failures = Vec::new();
        // The words of a failure are translated (`cash`, `rule poor`'s `rule`, `nothing`); the
        // names, codes and values in it never are, even when they are English words.
        let words = |s: &str| match s {
            "nothing" | "an outcome" => catalog.translate_phrases(s),
            _ => s.to_string(),
        };
        let mut fail = |what: &str, expected: String, actual: String| {
            let subject = match what.split_once(' ') {
                Some((head, name)) => format!("{} {name}", catalog.translate_phrases(head)),
                None => catalog.translate_phrases(what),
            };
            failures.push(catalog.render(
                "test.failure",
                &[
                    ("subject", &subject),
                    ("wanted", &words(&expected)),
                    ("got", &words(&actual)),
                ],
            ));
        };
        match result {
            Err(e) => {
                let code = e.code();
                let wanted_error = t
                    .expectations
                    .iter()
                    .any(|x| matches!(x, Expectation::Error(c) if c == code));
                if !wanted_error {
                    fail(
                        "evaluation",
                        catalog.render("test.no_error", &[]),
                        format!("{code}: {}", e.error.message(catalog)),
                    );
                }
                for x in &t.expectations {
                    if let Expectation::Error(c) = x {
                        if c != code {
                            fail("error", c.clone(), code.to_string());
                        }
                    }
                }
            }
            Ok(d) => {
                for x in &t.expectations {
                    check(&d, x, catalog, &mut fail);
                }
            }
        }
        TestOutcome {
            name: t.name.clone(),
            line: t.span.line,
            passed: failures.is_empty(),
            failures,
        }
    }
}

/// The decision a test did not expect, with what decided it: the rules that decided against the
/// unit (`not_eligible (failed rules: poor, rich)`), or the inputs whose absence left it open
/// (`undetermined (missing: income)`), or, when no input is named, the rules left unknown.
fn decision_text(d: &Decision, catalog: &Catalog) -> String {
    let outcome = d.outcome.as_str();
    let ids = |keep: &dyn Fn(&crate::result::RuleOutcome) -> bool| {
        d.rules
            .iter()
            .filter(|r| keep(r))
            .map(|r| r.id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (key, arg, list) = match d.outcome {
        Outcome::NotEligible => (
            "test.decided_by",
            "rules",
            ids(&crate::result::RuleOutcome::decided_against),
        ),
        Outcome::Undetermined if !d.missing.is_empty() => {
            ("test.left_open_by", "inputs", d.missing.join(", "))
        }
        Outcome::Undetermined => (
            "test.left_open_rules",
            "rules",
            ids(&|r| r.outcome == Truth::Unknown),
        ),
        Outcome::Eligible => return outcome.into(),
    };
    if list.is_empty() {
        return outcome.into();
    }
    catalog.render(key, &[("outcome", outcome), (arg, &list)])
}

fn check(
    d: &Decision,
    x: &Expectation,
    catalog: &Catalog,
    fail: &mut impl FnMut(&str, String, String),
) {
    match x {
        Expectation::Decision(want) => {
            let want = match want {
                ExpectedDecision::Eligible => Outcome::Eligible,
                ExpectedDecision::NotEligible => Outcome::NotEligible,
                ExpectedDecision::Undetermined => Outcome::Undetermined,
            };
            if d.outcome != want {
                fail("decision", want.as_str().into(), decision_text(d, catalog));
            }
        }
        Expectation::Cash(v) => {
            let got = d.cash.as_ref().map(|c| c.total);
            if got.is_none_or(|g| Some(g) != amount(v)) {
                fail("cash", v.to_string(), text_of(got, v));
            }
        }
        Expectation::Net(v) => {
            let got = d.cash.as_ref().map(|c| c.net);
            if got.is_none_or(|g| Some(g) != amount(v)) {
                fail("net", v.to_string(), text_of(got, v));
            }
        }
        Expectation::Fee(v) => {
            let got = d.cash.as_ref().map(|c| c.fee);
            if got.is_none_or(|g| Some(g) != amount(v)) {
                fail("fee", v.to_string(), text_of(got, v));
            }
        }
        Expectation::Item(id, v) => {
            let got = d.item(id).filter(|i| i.applied).map(|i| i.amount);
            let want = amount(v);
            let ok = match (got, want) {
                (Some(g), Some(w)) => g == w,
                (None, Some(w)) => w.is_zero(),
                _ => false,
            };
            if !ok {
                fail(&format!("item {id}"), v.to_string(), text_of(got, v));
            }
        }
        Expectation::ItemValue(id, v) => {
            let got = d.item(id).filter(|i| i.applied).and_then(|i| i.value);
            let ok = match (got, amount(v)) {
                (Some(g), Some(w)) => g == w,
                (None, Some(w)) => w.is_zero() && d.item(id).is_some(),
                _ => false,
            };
            if !ok {
                fail(&format!("value {id}"), v.to_string(), text_of(got, v));
            }
        }
        Expectation::Score(score, component, v) => {
            let s = d.score(score);
            let got = match component {
                None => s.and_then(|s| s.value),
                Some(c) => s
                    .and_then(|s| s.components.iter().find(|x| &x.id == c))
                    .and_then(|x| x.value),
            };
            if got.is_none() || got != amount(v) {
                let what = match component {
                    Some(c) => format!("score {score}.{c}"),
                    None => format!("score {score}"),
                };
                fail(&what, v.to_string(), text_of(got, v));
            }
        }
        Expectation::Failed(rule) | Expectation::Passed(rule) => {
            // An eligibility rule, or a compliance or priority condition (evaluated for eligible units).
            let found = d
                .rules
                .iter()
                .find(|r| &r.id == rule)
                .map(|r| (r.kind, r.outcome))
                .or_else(|| {
                    d.compliance
                        .iter()
                        .find(|c| &c.id == rule)
                        .map(|c| (RuleKind::When, c.outcome))
                })
                .or_else(|| {
                    d.priority
                        .iter()
                        .find(|c| &c.id == rule)
                        .map(|c| (RuleKind::When, c.outcome))
                });
            let Some((kind, outcome)) = found else {
                fail(
                    &format!("rule {rule}"),
                    "an outcome".into(),
                    "nothing".into(),
                );
                return;
            };
            let favourable = match kind {
                RuleKind::When => Truth::Met,
                RuleKind::Unless => Truth::NotMet,
            };
            let want_favourable = matches!(x, Expectation::Passed(_));
            let is_favourable = outcome == favourable;
            let is_unfavourable = outcome != favourable && outcome != Truth::Unknown;
            if (want_favourable && !is_favourable) || (!want_favourable && !is_unfavourable) {
                let word = if want_favourable { "passed" } else { "failed" };
                fail(
                    &format!("rule {rule}"),
                    word.into(),
                    outcome.as_str().into(),
                );
            }
        }
        Expectation::Missing(name) => {
            if !d.missing.iter().any(|m| m == name) {
                fail(
                    "missing",
                    name.clone(),
                    if d.missing.is_empty() {
                        "nothing".into()
                    } else {
                        d.missing.join(", ")
                    },
                );
            }
        }
        Expectation::Error(code) => fail("error", code.clone(), d.outcome.as_str().into()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::program::Program;

    #[test]
    fn a_failure_writes_what_was_got_as_the_expectation_is_written() {
        let src = include_str!("../../examples/programs/child_grant.entitle").replace(
            "expect eligible, cash KES 2500, item maize 30 kg",
            "expect eligible, cash KES 2400, item maize 20 kg, item disabled KES 300",
        );
        let outcomes = Program::compile(&src).unwrap().run_tests();
        assert_eq!(
            outcomes.first().map(|t| t.failures.clone()),
            Some(vec![
                "cash: expected KES 2400, got KES 2500".to_string(),
                "item maize: expected 20 kg, got 30 kg".to_string(),
                "item disabled: expected KES 300, got KES 0".to_string(),
            ])
        );
        // French: the figures are written the same way.
        let fr = Program::compile(&src)
            .unwrap()
            .run_tests_localized(entitle_dsl::locale::catalog("fr"));
        let first = fr
            .first()
            .map(|t| t.failures.join("\n"))
            .unwrap_or_default();
        assert!(
            first.contains("KES 2400") && first.contains("KES 2500"),
            "{first}"
        );
    }

    const WHY: &str = r#"program why "Why" version "1"
  target individual
  currency KES

inputs
  person.income: money
  person.region: text

eligible when
  poor "Poor" income < KES 100
  north "North" region == "North"
  unless capital "Capital" region == "Capital"

test "rules" as of 2026-03-01
  person income KES 500, region "Capital"
  expect eligible

test "missing" as of 2026-03-01
  person region "North"
  expect eligible

test "open" as of 2026-03-01
  person income KES 5, region "North"
  expect not_eligible
"#;

    #[test]
    fn a_wrong_decision_names_the_rules_that_decided_or_the_inputs_that_were_missing() {
        let program = Program::compile(WHY).unwrap();
        let failures = |outcomes: Vec<crate::testing::TestOutcome>| {
            outcomes.into_iter().map(|t| t.failures).collect::<Vec<_>>()
        };
        assert_eq!(
            failures(program.run_tests()),
            vec![
                vec![
                    "decision: expected eligible, got not_eligible (failed rules: poor, north, capital)"
                        .to_string()
                ],
                vec!["decision: expected eligible, got undetermined (missing: income)".to_string()],
                vec!["decision: expected not_eligible, got eligible".to_string()],
            ]
        );
        assert_eq!(
            failures(program.run_tests_localized(entitle_dsl::locale::catalog("fr"))),
            vec![
                vec![
                    "décision : attendu eligible, obtenu not_eligible (règles non remplies : poor, north, capital)"
                        .to_string()
                ],
                vec![
                    "décision : attendu eligible, obtenu undetermined (données manquantes : income)"
                        .to_string()
                ],
                vec!["décision : attendu not_eligible, obtenu eligible".to_string()],
            ]
        );
    }

    #[test]
    fn french_failures_translate_their_words_and_keep_names() {
        // An input named `value` and a rule named `text`: names, never translated.
        let src = r#"program words "Words" version "1"
  target individual
  currency KES

inputs
  person.value: money

eligible when
  text "Text" value < KES 100

entitlement
  cash item "Item" KES 100

test "t" as of 2026-03-01
  person value KES 500
  expect not_eligible, cash KES 100, passed text, missing value
"#;
        let outcomes = Program::compile(src)
            .unwrap()
            .run_tests_localized(entitle_dsl::locale::catalog("fr"));
        assert_eq!(
            outcomes.first().map(|t| t.failures.clone()),
            Some(vec![
                "cash : attendu KES 100, obtenu rien".to_string(),
                "règle text : attendu passed, obtenu not_met".to_string(),
                "manquant : attendu value, obtenu rien".to_string(),
            ])
        );
    }
}
