//! The formatter: one canonical layout for program text.
//!
//! Its output parses back to the same syntax tree, and formatting it again changes nothing. Comments
//! are kept, each whole: a comment on its own line stays above the line that follows it, and a
//! comment at the end of a line stays on that line (comments inside a line continued over several
//! go above it, one per line). One blank line separates sections; blank lines between entries
//! of a section and between `let` statements are kept (at most one). Rules, items and translations
//! are aligned in columns. A logical line that was continued over several lines is joined, except
//! that a long condition made of `and` / `or` is broken before each of them.

use crate::ast::*;
use crate::diagnostic::Diagnostics;
use crate::parser::parse;
use crate::span::{LineIndex, Span};
use std::fmt::Write as _;

mod decls;
mod exprs;
mod run;

use decls::{expectation, expectation_span, field, input, pad, param, type_expr, widest};
use exprs::{expr, quote, wrapped};

const WIDTH: usize = 100;

/// Formats program text.
///
/// # Errors
/// The syntax diagnostics, when the text does not parse (a broken program is never rewritten).
pub fn format(source: &str) -> Result<String, Diagnostics> {
    let parsed = parse(source);
    if parsed.diagnostics.has_errors() {
        return Err(parsed.diagnostics);
    }
    let index = LineIndex::new(source);
    let mut f = Formatter {
        out: String::new(),
        comments: &parsed.program.comments,
        next_comment: 0,
        index: &index,
        last_line: 0,
    };
    f.program(&parsed.program);
    Ok(f.out)
}

/// A span's last line.
fn end_line(index: &LineIndex<'_>, span: Span) -> u32 {
    index
        .span(span.end.saturating_sub(1).max(span.start), span.end)
        .line
}

struct Formatter<'a> {
    out: String,
    comments: &'a [Comment],
    next_comment: usize,
    index: &'a LineIndex<'a>,
    /// Last source line printed so far (for blank-line preservation).
    last_line: u32,
}

impl Formatter<'_> {
    /// Emits the comments that come before source line `line`, each on its own line. A comment
    /// at the end of a line is normally printed with that line; one still here ended a line
    /// printed later than where it stood (a test's expectations are printed as one line after its
    /// records), so it goes on its own line rather than be lost.
    fn leading(&mut self, line: u32, indent: &str) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.span.line >= line {
                break;
            }
            if c.span.line > self.last_line + 1
                && !c.trailing
                && !self.out.is_empty()
                && !self.out.ends_with("\n\n")
            {
                self.out.push('\n');
            }
            let _ = writeln!(self.out, "{indent}#{}", c.text);
            self.last_line = self.last_line.max(c.span.line);
            self.next_comment += 1;
        }
    }

    /// Emits one printed line for a source unit spanning `span`, with its trailing comment.
    fn line(&mut self, span: Span, indent: &str, text: &str, keep_blank: bool) {
        self.leading(span.line, indent);
        if keep_blank
            && span.line > self.last_line + 1
            && !self.out.ends_with("\n\n")
            && !self.out.is_empty()
        {
            self.out.push('\n');
        }
        let last = end_line(self.index, span).max(span.line);
        // The comments written inside this unit (a logical line may be continued over several).
        let comments = self.comments;
        let first = self.next_comment;
        let mut end = first;
        while comments.get(end).is_some_and(|c| c.span.line <= last) {
            end += 1;
        }
        self.next_comment = end;
        let inside = comments.get(first..end).unwrap_or(&[]);
        // One comment at the end of a line stays at the end of the printed line. Several, or one
        // on a line of its own inside a continued line, go above it, each on its own line: joined
        // into one they would no longer be the comments that were written.
        let trailing = match inside {
            [c] if c.trailing => Some(c.text.as_str()),
            _ => None,
        };
        if trailing.is_none() {
            for c in inside {
                let _ = writeln!(self.out, "{indent}#{}", c.text);
            }
        }
        self.out.push_str(indent);
        self.out.push_str(text);
        if let Some(t) = trailing {
            let _ = write!(self.out, "  #{t}");
        }
        self.out.push('\n');
        self.last_line = last;
    }

    fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// Prints the header where it stands in the text: items written before the `program` line stay
    /// before it, so every comment keeps its place and its line.
    fn program(&mut self, p: &ProgramFile) {
        let header_line = p.header.span.line;
        let mut header_done = false;
        let mut prev_let = false;
        for item in &p.items {
            if !header_done && item.span().line > header_line {
                self.blank();
                self.header(&p.header);
                header_done = true;
                prev_let = false;
            }
            let is_let = matches!(item, Item::Let(_));
            if !(is_let && prev_let) {
                self.blank();
            }
            prev_let = is_let;
            self.item(item);
        }
        if !header_done {
            self.blank();
            self.header(&p.header);
        }
        // Comments after the last line.
        self.leading(u32::MAX, "");
    }

    fn header(&mut self, h: &Header) {
        let mut first = format!("program {}", h.id.name);
        if let Some(t) = &h.title {
            let _ = write!(first, " {}", quote(&t.value));
        }
        if let Some(v) = &h.version {
            let _ = write!(first, " version {}", quote(&v.value));
        }
        self.line(h.span, "", &first, false);
        if let Some((t, span)) = h.target {
            let word = if t == Target::Individual {
                "individual"
            } else {
                "household"
            };
            self.line(span, "  ", &format!("target {word}"), false);
        }
        if let Some(c) = &h.currency {
            self.line(c.span, "  ", &format!("currency {}", c.name), false);
        }
        if let Some(c) = &h.cycle {
            self.line(c.span, "  ", &run::cycle_line(c), false);
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Inputs(s) => {
                self.line(s.span, "", "inputs", false);
                for d in &s.entries {
                    let text = input(d);
                    self.line(d.span, "  ", &text, true);
                }
            }
            Item::Params(s) => {
                self.line(s.span, "", "params", false);
                for d in &s.entries {
                    let text = param(d);
                    self.line(d.span, "  ", &text, true);
                }
            }
            Item::Let(l) => {
                let head = match (&l.per_member, &l.sentence) {
                    (true, Some(s)) => {
                        format!("let member.{} {} = ", l.name.name, quote(&s.value))
                    }
                    (true, None) => format!("let member.{} = ", l.name.name),
                    (false, Some(s)) => format!("let {} {} = ", l.name.name, quote(&s.value)),
                    (false, None) => format!("let {} = ", l.name.name),
                };
                let text = wrapped(&head, &l.expr, "    ");
                self.line(l.span, "", &text, true);
            }
            Item::Eligibility(s) => {
                self.line(s.span, "", "eligible when", false);
                let heads: Vec<String> = s
                    .entries
                    .iter()
                    .map(|r| match (r.kind, r.union) {
                        (RuleKind::Unless, _) => format!("unless {}", r.id.name),
                        (_, true) => format!("union {}", r.id.name),
                        _ => r.id.name.clone(),
                    })
                    .collect();
                let w1 = widest(&heads);
                let w2 = widest(s.entries.iter().map(|r| quote(&r.sentence.value)));
                for (r, head) in s.entries.iter().zip(&heads) {
                    let prefix =
                        format!("{} {} ", pad(head, w1), pad(&quote(&r.sentence.value), w2));
                    let text = wrapped(&prefix, &r.expr, "      ");
                    self.line(r.span, "  ", &text, true);
                }
            }
            Item::Entitlement(s) => {
                let head = if s.mode == SelectionMode::FirstMatch {
                    "entitlement first match"
                } else {
                    "entitlement"
                };
                self.line(s.span, "", head, false);
                self.entitlement(s);
            }
            Item::Translation(t) => {
                self.line(t.span, "", &format!("translation {}", t.locale.name), false);
                let w = t
                    .entries
                    .iter()
                    .map(|(id, _)| id.name.chars().count())
                    .max()
                    .unwrap_or(0);
                for (id, text) in &t.entries {
                    let line = format!("{} {}", pad(&id.name, w), quote(&text.value));
                    self.line(id.span.to(text.span), "  ", &line, true);
                }
            }
            Item::Test(t) => self.test(t),
            Item::Compliance(s) => self.compliance(s),
            Item::Selection(s) => self.selection(s),
            Item::Deduplicate(s) => self.deduplicate(s),
            Item::Score(sc) => {
                let head = match &sc.sentence {
                    Some(t) => format!("score {} {}", sc.id.name, quote(&t.value)),
                    None => format!("score {}", sc.id.name),
                };
                self.line(sc.span, "", &head, false);
                let w1 = widest(sc.components.iter().map(|c| c.id.name.as_str()));
                let w2 = widest(sc.components.iter().map(|c| quote(&c.sentence.value)));
                for c in &sc.components {
                    let prefix = format!(
                        "{} {} ",
                        pad(&c.id.name, w1),
                        pad(&quote(&c.sentence.value), w2)
                    );
                    let text = wrapped(&prefix, &c.expr, "      ");
                    self.line(c.span, "  ", &text, true);
                }
            }
            Item::Records(r) => {
                let mut head = format!("records {}", r.name.name);
                if let Some(l) = &r.label {
                    let _ = write!(head, " {}", quote(&l.value));
                }
                if let Some(d) = &r.dated_by {
                    let _ = write!(head, " dated by {}", d.name);
                }
                self.line(r.span, "", &head, false);
                for f in &r.fields {
                    let text = field(f);
                    self.line(f.span, "  ", &text, true);
                }
            }
            Item::Codes(c) => {
                let head = match &c.label {
                    Some(l) => format!("codes {} {}", c.name.name, quote(&l.value)),
                    None => format!("codes {}", c.name.name),
                };
                self.line(c.span, "", &head, false);
                let w1 = widest(c.entries.iter().map(|e| e.name.name.as_str()));
                let w2 = c
                    .entries
                    .iter()
                    .map(|e| {
                        e.label
                            .as_ref()
                            .map(|l| quote(&l.value).chars().count())
                            .unwrap_or(0)
                    })
                    .max()
                    .unwrap_or(0);
                for e in &c.entries {
                    let label = e
                        .label
                        .as_ref()
                        .map(|l| quote(&l.value))
                        .unwrap_or_default();
                    let codes: Vec<String> = e.codes.iter().map(|t| quote(&t.value)).collect();
                    let mut text = pad(&e.name.name, w1);
                    if w2 > 0 {
                        text.push(' ');
                        text.push_str(&pad(&label, w2));
                    }
                    let _ = write!(text, " = {}", codes.join(", "));
                    self.line(e.span, "  ", &text, true);
                }
            }
            Item::Functions(sec) => {
                self.line(sec.span, "", "functions", false);
                for f in &sec.entries {
                    let args: Vec<&str> = f.args.iter().map(|a| a.name.as_str()).collect();
                    let mut text =
                        format!("{}({}): {}", f.name.name, args.join(", "), type_expr(&f.ty));
                    if let Some(l) = &f.label {
                        let _ = write!(text, " {}", quote(&l.value));
                    }
                    self.line(f.span, "  ", &text, true);
                }
            }
            Item::Summary(s) => {
                let text = run::summary_line(s);
                self.line(s.span, "", &text, true);
            }
        }
    }

    fn entitlement(&mut self, s: &EntitlementSection) {
        let heads: Vec<Option<String>> = s
            .entries
            .iter()
            .map(|e| match e {
                EntitlementEntry::Item(it) => Some(format!(
                    "{} {}",
                    if it.kind == ItemKind::Cash {
                        "cash"
                    } else {
                        "in_kind"
                    },
                    it.id.name
                )),
                _ => None,
            })
            .collect();
        let w1 = heads
            .iter()
            .flatten()
            .map(|h| h.chars().count())
            .max()
            .unwrap_or(0);
        let w2 = s
            .entries
            .iter()
            .filter_map(|e| {
                if let EntitlementEntry::Item(it) = e {
                    Some(quote(&it.sentence.value).chars().count())
                } else {
                    None
                }
            })
            .max()
            .unwrap_or(0);
        for (e, head) in s.entries.iter().zip(&heads) {
            match e {
                EntitlementEntry::Item(it) => {
                    let mut text = format!(
                        "{} {} {}",
                        pad(head.as_deref().unwrap_or(""), w1),
                        pad(&quote(&it.sentence.value), w2),
                        expr(&it.amount)
                    );
                    if let Some(t) = &it.times {
                        let _ = write!(text, " times {}", expr(t));
                        if let Some(u) = &it.up_to {
                            let _ = write!(text, " up to {}", expr(u));
                        }
                    }
                    if let Some(v) = &it.valued {
                        let _ = write!(text, " valued at {}", expr(v));
                    }
                    if let Some(c) = &it.condition {
                        let _ = write!(text, " when {}", expr(c));
                    }
                    self.line(it.span, "  ", &text, true);
                }
                EntitlementEntry::Fee {
                    id,
                    sentence,
                    amount,
                    span,
                } => {
                    let text = format!(
                        "fee {} {} {}",
                        id.name,
                        quote(&sentence.value),
                        expr(amount)
                    );
                    self.line(*span, "  ", &text, true);
                }
                EntitlementEntry::Limit {
                    kind,
                    items,
                    amount,
                    span,
                } => {
                    let word = if *kind == LimitKind::Cap {
                        "cap"
                    } else {
                        "floor"
                    };
                    let target = if items.is_empty() {
                        "cash".to_string()
                    } else {
                        items
                            .iter()
                            .map(|i| i.name.as_str())
                            .collect::<Vec<_>>()
                            .join(" + ")
                    };
                    self.line(
                        *span,
                        "  ",
                        &format!("{word} {target} at {}", expr(amount)),
                        true,
                    );
                }
                EntitlementEntry::Round { step, mode, span } => {
                    self.line(
                        *span,
                        "  ",
                        &format!("round cash to {} {}", expr(step), mode.0.words()),
                        true,
                    );
                }
            }
        }
    }

    fn test(&mut self, t: &TestCase) {
        self.line(
            t.span,
            "",
            &format!(
                "test {} as of {}",
                quote(&t.name.value),
                t.as_of.0.format("%Y-%m-%d")
            ),
            false,
        );
        for r in &t.records {
            let kind = match (r.kind, &r.collection) {
                (RecordKind::Household, _) => "household".to_string(),
                (RecordKind::Member, _) => "member".to_string(),
                (RecordKind::Person, _) => "person".to_string(),
                (RecordKind::Record, Some(c)) => format!("record {}", c.name),
                (RecordKind::Record, None) => "record".to_string(),
            };
            let fields: Vec<String> = r
                .fields
                .iter()
                .map(|(n, v)| format!("{} {}", n.name, expr(v)))
                .collect();
            let text = if fields.is_empty() {
                kind
            } else {
                format!("{kind} {}", fields.join(", "))
            };
            self.line(r.span, "  ", &text, true);
        }
        if !t.expectations.is_empty() {
            let parts: Vec<String> = t.expectations.iter().map(expectation).collect();
            let first = t
                .expectations
                .first()
                .map(expectation_span)
                .unwrap_or_default();
            let last = t
                .expectations
                .last()
                .map(expectation_span)
                .unwrap_or_default();
            self.line(
                first.to(last),
                "  ",
                &format!("expect {}", parts.join(", ")),
                true,
            );
        }
    }
}
