//! Test lines that say one thing twice: a field given twice, an expectation repeated or
//! contradicted, and expectations beside `expect error`, which gives no decision to check them on.
//!
//! Without these checks a test would silently keep the last value of a field, or check only one of
//! two contradicting expectations, and `entitle check` would say it is fine.

use super::Checker;
use crate::ast::{self, Expectation, RecordKind};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use std::collections::HashMap;

/// What an expectation is about: two expectations with the same key repeat or contradict each
/// other (`eligible` and `not_eligible`, `failed poor` and `passed poor`, two `cash`).
fn key(e: &Expectation) -> (String, Span) {
    match e {
        Expectation::Decision(_, s) => ("decision".into(), *s),
        Expectation::Cash(_, s) => ("cash".into(), *s),
        Expectation::Net(_, s) => ("net".into(), *s),
        Expectation::Fee(_, s) => ("fee".into(), *s),
        Expectation::Item(id, _, s) => (format!("item {}", id.name), *s),
        Expectation::Value(id, _, s) => (format!("value {}", id.name), *s),
        Expectation::Score(id, c, _, s) => match c {
            Some(c) => (format!("score {}.{}", id.name, c.name), *s),
            None => (format!("score {}", id.name), *s),
        },
        Expectation::Failed(id, s) | Expectation::Passed(id, s) => {
            (format!("rule {}", id.name), *s)
        }
        Expectation::Missing(id, s) => (format!("missing {}", id.name), *s),
        Expectation::Error(_, s) => ("error".into(), *s),
    }
}

impl Checker {
    /// Reports fields given twice for one unit, member or record (E0407), expectations given twice
    /// or contradicting (E0408), and expectations beside `expect error` (E0409).
    pub(crate) fn check_test_repeats(&mut self, t: &ast::TestCase) {
        // The household's (or person's) fields may be spread over several lines; a member's or a
        // record's are on its own line.
        let mut unit_fields: HashMap<&str, Span> = HashMap::new();
        for rec in &t.records {
            let mut line_fields: HashMap<&str, Span> = HashMap::new();
            let seen = match rec.kind {
                RecordKind::Household | RecordKind::Person => &mut unit_fields,
                RecordKind::Member | RecordKind::Record => &mut line_fields,
            };
            for (name, _) in &rec.fields {
                if let Some(first) = seen.get(name.name.as_str()) {
                    self.diags.push(
                        Diagnostic::new(codes::TEST_REPEATED_FIELD, name.span)
                            .arg("name", &name.name)
                            .arg("line", first.line)
                            .arg("column", first.column)
                            .with_help("E0407.help"),
                    );
                } else {
                    seen.insert(&name.name, name.span);
                }
            }
        }
        let mut expected: HashMap<String, Span> = HashMap::new();
        for e in &t.expectations {
            let (k, span) = key(e);
            if let Some(first) = expected.get(&k) {
                self.diags.push(
                    Diagnostic::new(codes::TEST_REPEATED_EXPECTATION, span)
                        .arg("line", first.line)
                        .arg("column", first.column)
                        .with_help("E0408.help"),
                );
            } else {
                expected.insert(k, span);
            }
        }
        let error = t.expectations.iter().find_map(|e| match e {
            Expectation::Error(id, _) => Some(id.name.as_str()),
            _ => None,
        });
        if let Some(code) = error {
            for e in &t.expectations {
                if matches!(e, Expectation::Error(..)) {
                    continue;
                }
                self.diags.push(
                    Diagnostic::new(codes::TEST_EXPECTATION_WITHOUT_DECISION, key(e).1)
                        .arg("code", code)
                        .with_help("E0409.help"),
                );
            }
        }
    }
}
