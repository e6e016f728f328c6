//! A section header with its keyword misspelled (`eligble when`, `entitlements`, `input`): reported
//! with the keyword it was meant to be, and read as that section, so that its entries are not
//! reported one by one as entries of the section before. The same holds for a header with
//! arguments (`tset "t" as of …`) or an unknown word (`rulez`) at column 1 that no entry of the
//! current section can be.

use super::lines::LineParser;
use super::{State, SECTION_EXPECTED};
use crate::ast::{EntitlementSection, Item, ProgramFile, Section, SelectionMode};
use crate::check::suggest::closest;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::layout::{LogicalLine, SECTION_WORDS};
use crate::span::Span;

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

/// The headers that take more than their keyword, and the state their entries are read in. A
/// misspelled one is not read (its own words may be wrong too), so its entries are skipped, as
/// under any header that did not parse.
const WITH_ARGUMENTS: &[(&str, State)] = &[
    ("test", State::Test),
    ("let", State::AfterStatement),
    ("score", State::Score),
    ("records", State::Records),
    ("codes", State::Codes),
    ("translation", State::Translation),
    ("summary", State::AfterStatement),
];

/// The state a bare section's entries are read in.
fn bare_state(word: &str) -> State {
    match word {
        "inputs" => State::Inputs,
        "params" => State::Params,
        "eligible" => State::Rules,
        "compliant" => State::Compliance,
        "selection" => State::Selection,
        "deduplicate" => State::Deduplicate,
        "functions" => State::Functions,
        _ => State::Entitlement,
    }
}

/// Whether `line` is words only (no text, `:`, `=` or `.`), as a bare header is.
fn words_only(line: &LogicalLine<'_>) -> bool {
    !line.text.contains(['"', ':', '=', '.']) && line.text.split_whitespace().count() <= 3
}

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
        fn section<T>(span: Span) -> Section<T> {
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

    /// Reports, as a header, a line at column 1 that failed as an entry of the section it is in
    /// (its diagnostics are those from `before` on), when it reads as one: its first word close
    /// to a section keyword, or a lone word that the section did not expect at all. Returns the
    /// state to read the next lines in, or `None` when the line is left as a broken entry.
    pub(super) fn header_not_entry(
        &mut self,
        line: &LogicalLine<'_>,
        before: usize,
        state: State,
    ) -> Option<State> {
        let word = line.first_word;
        let scoped = line
            .text
            .get(word.len()..)
            .is_some_and(|r| r.starts_with('.'));
        // A scoped name (`persn.age`) is an entry whatever its scope; before `program` the
        // diagnostic asks for `program`.
        if line.indented
            || word.is_empty()
            || scoped
            || state == State::Start
            || self.diags.len() <= before
            || SECTION_WORDS.contains(&word)
        {
            return None;
        }
        let span = self.word_span(line);
        let bare = BARE.iter().map(|(w, _)| *w);
        let keywords = bare.chain(WITH_ARGUMENTS.iter().map(|(w, _)| *w));
        let (help, next) = match closest(word, keywords) {
            Some(meant) => match BARE.iter().find(|(w, _)| *w == meant) {
                Some((w, header)) => (Some(*header), bare_state(w)),
                None => (
                    Some(meant),
                    WITH_ARGUMENTS
                        .iter()
                        .find(|(w, _)| *w == meant)
                        .map_or(state, |(_, s)| *s),
                ),
            },
            // Outside a section the diagnostic already asks for one.
            None if matches!(state, State::Header | State::AfterStatement) => return None,
            None => {
                let unexpected_word = self
                    .diags
                    .get(before..)
                    .is_some_and(|new| new.iter().any(|d| d.span.start == span.start));
                if !words_only(line) || !unexpected_word {
                    return None;
                }
                (None, state)
            }
        };
        self.diags.truncate(before);
        let d = Diagnostic::new(codes::SYNTAX, span)
            .arg("expected", SECTION_EXPECTED)
            .arg("found", format!("`{word}`"));
        self.diags.push(match help {
            Some(header) => d.arg("suggestion", header).with_help("E0001.help.section"),
            None => d,
        });
        Some(next)
    }
}
