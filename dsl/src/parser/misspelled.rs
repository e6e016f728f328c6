//! A section header with its keyword misspelled (`eligble when`, `entitlements`, `input`): reported
//! with the keyword it was meant to be, and read as that section, so that its entries are not
//! reported one by one as entries of the section before.

use super::lines::LineParser;
use super::{State, SECTION_EXPECTED};
use crate::ast::{EntitlementSection, Item, ProgramFile, Section, SelectionMode};
use crate::check::suggest::closest;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::layout::{LogicalLine, SECTION_WORDS};

/// The sections whose header is only their keyword (and `when`, or `first match`).
const BARE: &[(&str, &str)] = &[
    ("inputs", "inputs"),
    ("params", "params"),
    ("eligible", "eligible when"),
    ("entitlement", "entitlement"),
    ("compliant", "compliant when"),
    ("selection", "selection"),
    ("deduplicate", "deduplicate"),
    ("functions", "functions"),
];

/// The bare section `line` misspells, when it is a header at column 1 (at most three words, with
/// no quote, `:` or `=`, so that an entry written at column 1 is never taken for one).
fn misspelled(line: &LogicalLine<'_>) -> Option<(&'static str, &'static str)> {
    let word = line.first_word;
    if line.indented
        || word.is_empty()
        || SECTION_WORDS.contains(&word)
        || line.text.contains(['"', ':', '='])
        || line.text.split_whitespace().count() > 3
    {
        return None;
    }
    let meant = closest(word, BARE.iter().map(|(w, _)| *w))?;
    BARE.iter().find(|(w, _)| *w == meant).copied()
}

impl LineParser<'_, '_> {
    /// Reports `line` when it misspells a section header, and opens that section; returns the
    /// section's state, or `None` when the line is something else.
    pub(super) fn misspelled_section(
        &mut self,
        line: &LogicalLine<'_>,
        program: &mut ProgramFile,
    ) -> Option<State> {
        let (word, header) = misspelled(line)?;
        self.diags.push(
            Diagnostic::new(codes::SYNTAX, self.word_span(line))
                .arg("expected", SECTION_EXPECTED)
                .arg("found", format!("`{}`", line.first_word))
                .arg("suggestion", header)
                .with_help("E0001.help.section"),
        );
        let span = self.line_span(line);
        fn section<T>(span: crate::span::Span) -> Section<T> {
            Section {
                entries: Vec::new(),
                span,
            }
        }
        let (state, item) = match word {
            "inputs" => (State::Inputs, Item::Inputs(section(span))),
            "params" => (State::Params, Item::Params(section(span))),
            "eligible" => (State::Rules, Item::Eligibility(section(span))),
            "compliant" => (State::Compliance, Item::Compliance(section(span))),
            "selection" => (State::Selection, Item::Selection(section(span))),
            "deduplicate" => (State::Deduplicate, Item::Deduplicate(section(span))),
            "functions" => (State::Functions, Item::Functions(section(span))),
            _ => (
                State::Entitlement,
                Item::Entitlement(EntitlementSection {
                    mode: if line.text.contains("first match") {
                        SelectionMode::FirstMatch
                    } else {
                        SelectionMode::All
                    },
                    entries: Vec::new(),
                    span,
                }),
            ),
        };
        program.items.push(item);
        Some(state)
    }
}
