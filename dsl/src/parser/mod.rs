//! From program text to the AST: the layout pass, then the grammar on each logical line.
//!
//! Each logical line is parsed on its own, so a syntax error costs one line: the other lines are
//! still parsed and checked, and every diagnostic comes back at once.

mod decl_lines;
mod entitlement_lines;
mod exprs;
mod lines;
mod misspelled;
mod pest_errors;
mod run_lines;
mod run_on;
mod sections;
mod test_lines;

use crate::ast::*;
use crate::codes;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::layout::{layout, LogicalLine};
use crate::limits::Limits;
use crate::span::{LineIndex, Span};
use pest::iterators::Pair;
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
struct EntitleParser;

/// The result of parsing: the AST of everything that parsed, and the syntax diagnostics.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The program as far as it could be parsed (lines with syntax errors are left out).
    pub program: ProgramFile,
    /// Syntax diagnostics (empty when the text follows the grammar).
    pub diagnostics: Diagnostics,
    /// Names declared on lines that did not parse (`let x = (`): the checker treats them as defined,
    /// so one broken line does not also make every use of its name an error.
    pub broken_names: Vec<String>,
}

/// Parses program text with the default [`Limits`].
pub fn parse(source: &str) -> Parsed {
    parse_with_limits(source, &Limits::default())
}

/// Parses program text.
pub fn parse_with_limits(source: &str, limits: &Limits) -> Parsed {
    let mut diags = Vec::new();
    let index = LineIndex::new(source);
    let empty_header = Header {
        id: Ident {
            name: String::new(),
            span: Span::default(),
        },
        title: None,
        version: None,
        target: None,
        currency: None,
        cycle: None,
        span: Span::default(),
    };
    let mut program = ProgramFile {
        header: empty_header,
        items: Vec::new(),
        comments: Vec::new(),
    };

    if source.len() > limits.max_source_bytes {
        diags.push(
            Diagnostic::new(codes::PROGRAM_TOO_LARGE, index.span(0, 0))
                .arg("size", source.len())
                .arg("limit", limits.max_source_bytes),
        );
        return Parsed {
            program,
            diagnostics: Diagnostics(diags),
            broken_names: Vec::new(),
        };
    }
    if let Some(pos) = source.find('\0') {
        diags.push(
            Diagnostic::new(codes::INVALID_TEXT, index.span(pos, pos + 1))
                .arg("what", "a NUL character"),
        );
        return Parsed {
            program,
            diagnostics: Diagnostics(diags),
            broken_names: Vec::new(),
        };
    }

    let laid = layout(source, limits);
    program.comments = laid.comments;
    if !laid.diagnostics.is_empty() {
        // Nesting beyond the limit: stop before the grammar could recurse that deep.
        diags.extend(laid.diagnostics);
        return Parsed {
            program,
            diagnostics: Diagnostics(diags),
            broken_names: Vec::new(),
        };
    }

    let mut broken_names = Vec::new();
    let mut ctx = lines::LineParser {
        index: &index,
        limits,
        diags: &mut diags,
    };
    let mut state = State::Start;
    let mut saw_program = false;
    let mut counts = ItemCounts::default();
    // A line split in two (`run_on`) puts its parts back here, to be read next.
    let mut pending: Vec<LogicalLine> = laid.lines;
    pending.reverse();
    while let Some(next_line) = pending.pop() {
        let line = &next_line;
        // The entries of the newer sections are names (fields, components, codes, functions) that
        // may be any word: an indented line there is an entry, even `program: text` or `score: number`.
        let first_word = match state {
            State::Score | State::Records | State::Codes | State::Functions if line.indented => "",
            _ => line.first_word,
        };
        if let Some(section) = ctx.misspelled_section(line, &mut program) {
            state = section;
            continue;
        }
        let before = ctx.diags.len();
        match first_word {
            "program" => {
                if saw_program {
                    ctx.diags.push(
                        Diagnostic::new(codes::DUPLICATE_SECTION, ctx.span_of(line, 0, 7))
                            .arg("section", "program"),
                    );
                    state = State::Header;
                    continue;
                }
                saw_program = true;
                if let Some(h) = ctx.program_line(line) {
                    program.header = h;
                }
                state = State::Header;
            }
            "target" | "currency" if state == State::Header => {
                ctx.header_property(line, &mut program.header);
            }
            "cycle" if state == State::Header => {
                ctx.cycle_property(line, &mut program.header);
            }
            "compliant" => {
                state = State::Compliance;
                if let Some(span) = ctx.bare_header(line, Rule::compliant_line) {
                    program.items.push(Item::Compliance(Section {
                        entries: Vec::new(),
                        span,
                    }));
                }
            }
            "selection" => {
                state = State::Selection;
                if let Some(span) = ctx.bare_header(line, Rule::selection_line) {
                    program.items.push(Item::Selection(Section {
                        entries: Vec::new(),
                        span,
                    }));
                }
            }
            "summary" => {
                state = State::AfterStatement;
                if let Some(s) = ctx.summary_line(line) {
                    program.items.push(Item::Summary(s));
                }
            }
            "deduplicate" => {
                state = State::Deduplicate;
                if let Some(span) = ctx.bare_header(line, Rule::deduplicate_line) {
                    program.items.push(Item::Deduplicate(Section {
                        entries: Vec::new(),
                        span,
                    }));
                }
            }
            "inputs" => {
                state = State::Inputs;
                if let Some(span) = ctx.bare_header(line, Rule::inputs_line) {
                    program.items.push(Item::Inputs(Section {
                        entries: Vec::new(),
                        span,
                    }));
                }
            }
            "params" => {
                state = State::Params;
                if let Some(span) = ctx.bare_header(line, Rule::params_line) {
                    program.items.push(Item::Params(Section {
                        entries: Vec::new(),
                        span,
                    }));
                }
            }
            "let" => {
                state = State::AfterStatement;
                match ctx.let_line(line) {
                    Some(l) => {
                        if counts.bump(&mut ctx, line, "let", limits) {
                            program.items.push(Item::Let(l));
                        }
                    }
                    None => broken_names.extend(declared_name(line.text, true)),
                }
            }
            "eligible" => {
                state = State::Rules;
                if let Some(span) = ctx.bare_header(line, Rule::eligible_line) {
                    program.items.push(Item::Eligibility(Section {
                        entries: Vec::new(),
                        span,
                    }));
                }
            }
            "entitlement" => {
                state = State::Entitlement;
                if let Some(sec) = ctx.entitlement_line(line) {
                    program.items.push(Item::Entitlement(sec));
                }
            }
            "translation" => {
                state = State::Translation;
                if let Some(t) = ctx.translation_line(line) {
                    program.items.push(Item::Translation(t));
                }
            }
            "score" => {
                state = State::Score;
                if let Some(sec) = ctx.score_line(line) {
                    program.items.push(Item::Score(sec));
                }
            }
            "records" => {
                state = State::Records;
                match ctx.records_line(line) {
                    Some(sec) => program.items.push(Item::Records(sec)),
                    None => broken_names.extend(declared_name(
                        line.text.trim_start().trim_start_matches("records"),
                        false,
                    )),
                }
            }
            "codes" => {
                state = State::Codes;
                if let Some(sec) = ctx.codes_line(line) {
                    program.items.push(Item::Codes(sec));
                }
            }
            "functions" => {
                state = State::Functions;
                if let Some(span) = ctx.bare_header(line, Rule::functions_line) {
                    program.items.push(Item::Functions(Section {
                        entries: Vec::new(),
                        span,
                    }));
                }
            }
            "test" => {
                state = State::Test;
                if let Some(t) = ctx.test_line(line) {
                    if counts.bump(&mut ctx, line, "test", limits) {
                        program.items.push(Item::Test(t));
                    }
                }
            }
            _ => {
                let last = program.items.last_mut();
                match (state, last) {
                    (State::Inputs, Some(Item::Inputs(sec))) => match ctx.input_line(line) {
                        Some(d) => {
                            if counts.bump(&mut ctx, line, "input", limits) {
                                sec.entries.push(d);
                            }
                        }
                        None => broken_names.extend(declared_name(line.text, true)),
                    },
                    (State::Params, Some(Item::Params(sec))) => match ctx.param_line(line) {
                        Some(d) => {
                            if counts.bump(&mut ctx, line, "param", limits) {
                                sec.entries.push(d);
                            }
                        }
                        None => broken_names.extend(declared_name(line.text, false)),
                    },
                    (State::Rules, Some(Item::Eligibility(sec))) => match ctx.rule_line(line) {
                        Some(r) => {
                            if counts.bump(&mut ctx, line, "rule", limits) {
                                sec.entries.push(r);
                            }
                        }
                        None => broken_names.extend(named_after(line.text, &["unless", "union"])),
                    },
                    (State::Entitlement, Some(Item::Entitlement(sec))) => {
                        match ctx.entitlement_entry(line) {
                            Some(e) => {
                                if counts.bump(&mut ctx, line, "entitlement", limits) {
                                    sec.entries.push(e);
                                }
                            }
                            // Only items and the fee have names (not caps, floors, rounding).
                            None => broken_names.extend(
                                named_after(line.text, &ITEM_WORDS)
                                    .filter(|_| starts_with_word(line.text, &ITEM_WORDS)),
                            ),
                        }
                    }
                    (State::Translation, Some(Item::Translation(t))) => {
                        if let Some(e) = ctx.translated_line(line) {
                            if counts.bump(&mut ctx, line, "translation", limits) {
                                t.entries.push(e);
                            }
                        }
                    }
                    (State::Test, Some(Item::Test(t))) => ctx.test_entry(line, t),
                    (State::Compliance, Some(Item::Compliance(sec))) => {
                        if let Some(e) = ctx.compliance_line(line) {
                            if counts.bump(&mut ctx, line, "compliance condition", limits) {
                                sec.entries.push(e);
                            }
                        }
                    }
                    (State::Selection, Some(Item::Selection(sec))) => {
                        if let Some(e) = ctx.selection_entry(line) {
                            if counts.bump(&mut ctx, line, "selection line", limits) {
                                sec.entries.push(e);
                            }
                        }
                    }
                    (State::Deduplicate, Some(Item::Deduplicate(sec))) => {
                        if let Some(e) = ctx.dedup_line(line) {
                            if counts.bump(&mut ctx, line, "deduplication rule", limits) {
                                sec.entries.push(e);
                            }
                        }
                    }
                    (State::Score, Some(Item::Score(sec))) => match ctx.component_line(line) {
                        Some(c) => {
                            if counts.bump(&mut ctx, line, "score component", limits) {
                                sec.components.push(c);
                            }
                        }
                        None => broken_names.extend(
                            declared_name(line.text, false).map(|c| format!("{}.{c}", sec.id.name)),
                        ),
                    },
                    (State::Records, Some(Item::Records(sec))) => match ctx.field_line(line) {
                        Some(f) => {
                            if counts.bump(&mut ctx, line, "record field", limits) {
                                sec.fields.push(f);
                            }
                        }
                        None => broken_names.extend(declared_name(line.text, false)),
                    },
                    (State::Codes, Some(Item::Codes(sec))) => {
                        if let Some(c) = ctx.code_line(line) {
                            if counts.bump(&mut ctx, line, "code", limits) {
                                sec.entries.push(c);
                            }
                        }
                    }
                    (State::Functions, Some(Item::Functions(sec))) => match ctx.function_line(line)
                    {
                        Some(f) => {
                            if counts.bump(&mut ctx, line, "function", limits) {
                                sec.entries.push(f);
                            }
                        }
                        None => broken_names.extend(declared_name(line.text, false)),
                    },
                    // A section whose header failed to parse: its lines are skipped silently, the
                    // header's own diagnostic already says what is wrong.
                    (
                        State::Inputs
                        | State::Params
                        | State::Rules
                        | State::Entitlement
                        | State::Translation
                        | State::Test
                        | State::Compliance
                        | State::Selection
                        | State::Deduplicate
                        | State::Score
                        | State::Records
                        | State::Codes
                        | State::Functions,
                        _,
                    ) => {}
                    (State::Start, _) if !saw_program => {
                        ctx.diags.push(
                            Diagnostic::new(codes::SYNTAX, ctx.word_span(line))
                                .arg("expected", "`program`")
                                .arg("found", pest_errors::describe_found(line.text, 0))
                                .with_help("E0001.help.program_first"),
                        );
                        saw_program = true; // report it once
                    }
                    _ => {
                        ctx.diags.push(
                            Diagnostic::new(codes::SYNTAX, ctx.word_span(line))
                                .arg("expected", SECTION_EXPECTED)
                                .arg("found", pest_errors::describe_found(line.text, 0))
                                .with_help("E0001.help.outside_section"),
                        );
                    }
                }
            }
        }
        if let Some(next) = ctx.header_not_entry(line, before, state) {
            state = next;
        }
        if let Some((head, tail)) =
            run_on::split_run_on(line, ctx.diags.get(before..).unwrap_or(&[]))
        {
            ctx.diags.truncate(before);
            pending.extend([tail, head]);
        }
    }
    if !saw_program {
        diags.push(
            Diagnostic::new(codes::SYNTAX, index.span(0, 0))
                .arg("expected", "`program`")
                .arg(
                    "found",
                    if source.trim().is_empty() {
                        "an empty text".to_string()
                    } else {
                        "no `program` line".to_string()
                    },
                )
                .with_help("E0001.help.program_first"),
        );
    }
    crate::layout::Unclosed::report(&laid.unclosed, &index, &mut diags);
    let mut diagnostics = Diagnostics(diags);
    diagnostics.sort();
    Parsed {
        program,
        diagnostics,
        broken_names,
    }
}

/// The words that start an entitlement line declaring a name.
const ITEM_WORDS: [&str; 3] = ["cash", "in_kind", "fee"];

/// Whether the line's first word is one of `words`.
fn starts_with_word(text: &str, words: &[&str]) -> bool {
    declared_name(text, false).is_some_and(|w| words.contains(&w.as_str()))
}

/// The name a rule or item line declares, after one of `keywords` if it starts with one (for the
/// checker not to report, as unknown, what a test or translation says of a line that did not parse).
fn named_after(text: &str, keywords: &[&str]) -> Option<String> {
    let rest = text.trim_start();
    let rest = match declared_name(rest, false) {
        Some(w) if keywords.contains(&w.as_str()) => rest.get(w.len()..).unwrap_or(""),
        _ => rest,
    };
    declared_name(rest, false)
}

/// The name a broken declaration line declares: `let [member.]NAME`, `SCOPE.NAME:`, `NAME:`.
fn declared_name(text: &str, after_keyword_or_scope: bool) -> Option<String> {
    let word = |s: &str| -> Option<String> {
        let w: String = s
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        (!w.is_empty()).then_some(w)
    };
    let rest = text.trim_start();
    if !after_keyword_or_scope {
        return word(rest);
    }
    let rest = rest
        .strip_prefix("let")
        .map(str::trim_start)
        .unwrap_or(rest);
    // `scope.name`: the scope may be the mistake (`individual.age`), the name is still declared.
    let rest = match rest.split_once('.') {
        Some((scope, tail))
            if !scope.trim().is_empty()
                && scope
                    .trim()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            tail
        }
        _ => rest,
    };
    word(rest)
}

/// What a line at column 1 that is no section was expected to be.
const SECTION_EXPECTED: &str = "a section (`inputs`, `records`, `codes`, `functions`, `params`, `let`, `score`, `eligible when`, `entitlement`, `compliant when`, `deduplicate`, `selection`, `summary`, `translation`, `test`)";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Start,
    Header,
    Inputs,
    Params,
    Rules,
    Entitlement,
    Translation,
    Test,
    Compliance,
    Selection,
    Deduplicate,
    Score,
    Records,
    Codes,
    Functions,
    AfterStatement,
}

#[derive(Default)]
struct ItemCounts {
    counts: std::collections::HashMap<&'static str, usize>,
    reported: std::collections::HashSet<&'static str>,
}

impl ItemCounts {
    /// Counts one more item of `kind`; false (with one diagnostic) once the limit is passed.
    fn bump(
        &mut self,
        ctx: &mut lines::LineParser<'_, '_>,
        line: &LogicalLine<'_>,
        kind: &'static str,
        limits: &Limits,
    ) -> bool {
        let n = self.counts.entry(kind).or_insert(0);
        *n += 1;
        if *n > limits.max_items {
            if self.reported.insert(kind) {
                ctx.diags.push(
                    Diagnostic::new(codes::TOO_MANY_ITEMS, ctx.word_span(line))
                        .arg("kind", kind)
                        .arg("limit", limits.max_items),
                );
            }
            return false;
        }
        true
    }
}

/// Internal-shape failure: the grammar produced a tree the builder did not expect. Never a panic.
fn internal(span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(codes::SYNTAX, span)
        .arg("expected", what)
        .arg("found", "something else")
}

/// The inner pairs of `pair`, as a vector (the builders index into it by shape).
fn inner(pair: Pair<'_, Rule>) -> Vec<Pair<'_, Rule>> {
    pair.into_inner().collect()
}

/// Parses `rule` on a logical line; pest errors become diagnostics.
fn run<'i>(
    ctx: &mut lines::LineParser<'_, '_>,
    rule: Rule,
    line: &LogicalLine<'i>,
) -> Option<Pair<'i, Rule>> {
    match EntitleParser::parse(rule, line.text) {
        Ok(mut pairs) => pairs.next(),
        // pest's own guards (its stack, and a budget of parser calls when the host sets one):
        // the line nests too deep for the parser, whatever its brackets count.
        Err(pest::error::Error {
            variant: pest::error::ErrorVariant::CustomError { .. },
            ..
        }) => {
            ctx.diags.push(
                Diagnostic::new(codes::NESTING_TOO_DEEP, ctx.word_span(line))
                    .arg("limit", ctx.limits.max_nesting)
                    .with_help("E0003.help"),
            );
            None
        }
        Err(e) => {
            ctx.diags
                .push(pest_errors::to_diagnostic(&e, line, ctx.index));
            None
        }
    }
}
