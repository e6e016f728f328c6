//! The layout pass: splits program text into logical lines and collects comments.
//!
//! A physical line continues on the next one when a bracket is still open, when it ends with an
//! operator, a comma or one of the joining words (`and`, `or`, `not`, `in`, `where`, `then`, `else`,
//! `if`, `when`, `times`, `to`, `at`, `from`, `of`, `mod`), or when the next line starts with an
//! operator or with `and`, `or`, `then`, `else`, `where`, `when`, `times`. Strings never span lines.
//! An open bracket does not swallow a following line that starts a section at column 1: the
//! section starts with no bracket open, and the bracket left open is reported where it is
//! (`this `(` is never closed`), in place of the syntax error its statement's lines then gave.
//! Nor, once it is known never to close, the entries after it in its section (see `brackets`). So
//! one missing `)` costs one diagnostic, not the rest of the section or the file.
//!
//! The pass also enforces the size and nesting limits before the grammar runs, so no input can make
//! the parser recurse without bound.

use crate::ast::Comment;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::limits::Limits;
use crate::span::LineIndex;

mod brackets;

pub(crate) use brackets::Unclosed;

/// One logical line: its text (continuation line breaks included) and where it starts.
#[derive(Debug, Clone)]
pub(crate) struct LogicalLine<'a> {
    pub text: &'a str,
    pub start: usize,
    /// The first word (letters, digits, `_`), or "" when the line starts otherwise.
    pub first_word: &'a str,
    /// True when the line does not start at column 1 (an entry of a section, not a section).
    pub indented: bool,
}

/// The words that start a top-level section or statement when they begin a line.
pub(crate) const SECTION_WORDS: &[&str] = &[
    "program",
    "inputs",
    "params",
    "let",
    "eligible",
    "entitlement",
    "translation",
    "test",
    "score",
    "records",
    "codes",
    "functions",
    "compliant",
    "selection",
    "deduplicate",
    "summary",
];

const JOIN_AT_END: &[&str] = &[
    "and", "or", "not", "in", "where", "then", "else", "if", "when", "times", "to", "at", "from",
    "of", "mod",
];
pub(crate) const JOIN_AT_START: &[&str] = &["and", "or", "then", "else", "where", "when", "times"];

/// The words that cannot start a statement of their own: the joining words, and those that
/// continue an expression (`if a then\n  b else "c"` is one statement).
pub(crate) const NOT_A_STATEMENT_WORD: &[&str] = &[
    "and", "or", "not", "in", "where", "then", "else", "if", "when", "times", "to", "at", "from",
    "of", "mod", "up", "down", "half", "true", "false", "unknown", "members",
];

pub(crate) struct Layout<'a> {
    pub lines: Vec<LogicalLine<'a>>,
    pub comments: Vec<Comment>,
    /// Limits passed: the grammar must not run.
    pub diagnostics: Vec<Diagnostic>,
    /// Brackets left open at a section or at the end of the text; the grammar still runs.
    pub unclosed: Vec<Unclosed>,
}

struct PhysLine {
    start: usize,
    /// Byte range of the code part (before any comment), trimmed.
    code_end: usize,
    /// Bracket depth at the end of the line.
    depth_after: usize,
    /// Deepest bracket nesting inside the line.
    ifs: usize,
}

impl PhysLine {
    /// The line's code, without its indentation and comment.
    fn code<'a>(&self, source: &'a str) -> &'a str {
        source
            .get(self.start..self.code_end)
            .unwrap_or("")
            .trim_start()
    }
}

/// Whether a line whose code is `code` asks for more on the next line: it ends with an operator,
/// a comma, an opening bracket or a joining word.
fn ends_joining(code: &str) -> bool {
    matches!(
        code.chars().last(),
        Some('+' | '-' | '*' | '/' | ',' | '=' | '<' | '>' | '(' | '[')
    ) || JOIN_AT_END.contains(&last_word(code))
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

pub(crate) fn first_word(s: &str) -> &str {
    let end = s.bytes().position(|b| !is_word_byte(b)).unwrap_or(s.len());
    s.get(..end).unwrap_or("")
}

fn last_word(s: &str) -> &str {
    let start = s
        .bytes()
        .rposition(|b| !is_word_byte(b))
        .map(|p| p + 1)
        .unwrap_or(0);
    s.get(start..).unwrap_or("")
}

/// Splits `source` into logical lines.
pub(crate) fn layout<'a>(source: &'a str, limits: &Limits) -> Layout<'a> {
    let index = LineIndex::new(source);
    let mut comments = Vec::new();
    let mut diagnostics = Vec::new();
    let mut phys: Vec<PhysLine> = Vec::new();

    // Pass 1: scan characters, tracking strings, comments and bracket depth.
    let bytes = source.as_bytes();
    let mut depth: usize = 0;
    // Where the open brackets are, innermost last (as deep as the limit: deeper stops the parse).
    let mut open: Vec<usize> = Vec::new();
    let mut unclosed = Vec::new();
    // Lines that start an entry while a bracket is open (see `brackets`).
    let mut watch = brackets::Watch::default();
    let mut depth_reported = false;
    // A byte-order mark is skipped: the first line starts after it.
    let origin = crate::span::bom_len(source);
    let mut line_start = origin;
    let mut code_end = origin;
    let mut in_string = false;
    let mut ifs = 0usize;
    let mut i = origin;
    while i <= bytes.len() {
        let b = bytes.get(i).copied();
        match b {
            None | Some(b'\n') => {
                let end = if i > line_start && bytes.get(i - 1) == Some(&b'\r') {
                    i - 1
                } else {
                    i
                };
                let code = source
                    .get(line_start..code_end.max(line_start))
                    .unwrap_or("");
                let trimmed_end = line_start + code.trim_end().len();
                let _ = end;
                let line = PhysLine {
                    start: line_start,
                    code_end: trimmed_end,
                    depth_after: depth,
                    ifs,
                };
                watch.line_ended(source, &line);
                phys.push(line);
                in_string = false;
                ifs = 0;
                line_start = i + 1;
                code_end = line_start;
                // A section at column 1 (or the end of the text) closes the statement: a bracket
                // still open is reported, and the section starts with none.
                let rest = source.get(line_start..).unwrap_or("");
                if depth > 0 && (b.is_none() || SECTION_WORDS.contains(&first_word(rest))) {
                    let until = if b.is_none() { i + 1 } else { line_start };
                    watch.close(source, &mut phys, &open, until, &mut unclosed);
                    depth = 0;
                    open.clear();
                } else if let (true, Some(&inner)) = (depth > 0, open.last()) {
                    // Kept in case the bracket is never closed: its statement is cut here then.
                    let next = rest.split('\n').next().unwrap_or("");
                    watch.line_starts(source, inner, phys.len(), next);
                }
                i += 1;
                continue;
            }
            Some(_) if in_string => {
                if b == Some(b'\\') {
                    i += 1;
                } else if b == Some(b'"') {
                    in_string = false;
                }
                code_end = (i + 1).min(bytes.len());
            }
            Some(b'"') => {
                in_string = true;
                code_end = i + 1;
            }
            Some(b'#') => {
                let end = source
                    .get(i..)
                    .and_then(|r| r.find('\n'))
                    .map(|p| p + i)
                    .unwrap_or(source.len());
                let raw = source.get(i + 1..end).unwrap_or("");
                let raw = raw.strip_suffix('\r').unwrap_or(raw);
                let before = source.get(line_start..i).unwrap_or("");
                comments.push(Comment {
                    text: raw.trim_end().to_string(),
                    span: index.span(i, i + 1 + raw.len()),
                    trailing: !before.trim().is_empty(),
                });
                i = end;
                continue;
            }
            Some(b'(' | b'[') => {
                depth += 1;
                if depth <= limits.max_nesting {
                    open.push(i);
                }
                if depth > limits.max_nesting && !depth_reported {
                    depth_reported = true;
                    diagnostics.push(
                        Diagnostic::new(codes::NESTING_TOO_DEEP, index.span(i, i + 1))
                            .arg("limit", limits.max_nesting)
                            .with_help("E0003.help"),
                    );
                }
                code_end = i + 1;
            }
            Some(b')' | b']') => {
                if depth <= open.len() {
                    open.pop();
                }
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    watch.all_closed();
                }
                code_end = i + 1;
            }
            Some(c) => {
                if c == b'i'
                    && bytes.get(i + 1) == Some(&b'f')
                    && !bytes.get(i + 2).copied().is_some_and(is_word_byte)
                    && (i == 0 || !bytes.get(i - 1).copied().is_some_and(is_word_byte))
                {
                    ifs += 1;
                }
                if !c.is_ascii_whitespace() {
                    code_end = i + 1;
                }
            }
        }
        i += 1;
    }

    // Pass 2: join physical lines into logical lines.
    let mut lines = Vec::new();
    let mut current: Option<(usize, usize, usize)> = None; // (start, end, ifs)
    let mut depth_before = 0usize;
    let mut reported_ifs = false;
    for (n, line) in phys.iter().enumerate() {
        let code = source.get(line.start..line.code_end).unwrap_or("");
        let trimmed = code.trim_start();
        if trimmed.is_empty() {
            // Blank or comment-only lines never end a bracket, but they do not start anything either.
            depth_before = line.depth_after;
            continue;
        }
        let code_start = line.code_end - trimmed.len();
        let starts_section =
            line.start == code_start && SECTION_WORDS.contains(&first_word(trimmed));
        let joins_previous = match current {
            None => false,
            Some((cur_start, cur_end, _)) => {
                let prev = source.get(cur_start..cur_end).unwrap_or("").trim_end();
                // `eligible when` and `compliant when` end in a joining word but are complete section headers.
                // So are their misspellings (`eligble when`), which the parser reports as such.
                let is_header = (matches!(first_word(prev), "eligible" | "compliant")
                    || crate::check::suggest::closest(first_word(prev), ["eligible", "compliant"])
                        .is_some())
                    && last_word(prev) == "when"
                    && prev.split_whitespace().count() == 2;
                let ends_joining = !is_header && ends_joining(prev);
                let starts_joining = matches!(
                    trimmed.chars().next(),
                    Some('+' | '-' | '*' | '/' | '=' | '<' | '>' | '!' | ')' | ']')
                ) || JOIN_AT_START.contains(&first_word(trimmed));
                // A section word at column 1 always starts afresh, even inside an open bracket.
                !starts_section && (depth_before > 0 || ends_joining || starts_joining)
            }
        };
        if joins_previous {
            if let Some((s, _, ifs)) = current {
                current = Some((s, line.code_end, ifs + line.ifs));
            }
        } else {
            if let Some((s, e, _)) = current.take() {
                lines.push(make_line(source, &index, s, e));
            }
            current = Some((code_start, line.code_end, line.ifs));
        }
        if let Some((s, _, ifs)) = current {
            if ifs > limits.max_nesting && !reported_ifs {
                reported_ifs = true;
                diagnostics.push(
                    Diagnostic::new(codes::NESTING_TOO_DEEP, index.span(s, s))
                        .arg("limit", limits.max_nesting)
                        .with_help("E0003.help"),
                );
            }
        }
        depth_before = line.depth_after;
        let _ = n;
    }
    if let Some((s, e, _)) = current.take() {
        lines.push(make_line(source, &index, s, e));
    }
    Layout {
        lines,
        comments,
        diagnostics,
        unclosed,
    }
}

fn make_line<'a>(
    source: &'a str,
    index: &LineIndex<'_>,
    start: usize,
    end: usize,
) -> LogicalLine<'a> {
    let text = source.get(start..end).unwrap_or("");
    let _ = index;
    let indented = start > crate::span::bom_len(source)
        && source
            .as_bytes()
            .get(start - 1)
            .is_some_and(|b| *b != b'\n');
    LogicalLine {
        text,
        start,
        first_word: first_word(text),
        indented,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<String> {
        layout(src, &Limits::default())
            .lines
            .iter()
            .map(|l| l.text.to_string())
            .collect()
    }

    #[test]
    fn lines_continue_inside_brackets_and_after_operators() {
        let src = "let a = 1 +\n  2\nlet b = f(1,\n  2)\nlet c = x\n  and y\nlet d = [\"a\", # c\n \"b\"]\n";
        assert_eq!(
            texts(src),
            vec![
                "let a = 1 +\n  2",
                "let b = f(1,\n  2)",
                "let c = x\n  and y",
                "let d = [\"a\", # c\n \"b\"]"
            ]
        );
    }

    #[test]
    fn comments_are_collected_with_their_position_and_strings_hide_hashes() {
        let src = "# top\nlet a = \"#notacomment\" # trailing\n";
        let l = layout(src, &Limits::default());
        assert_eq!(l.lines.len(), 1);
        assert_eq!(l.lines[0].text, "let a = \"#notacomment\"");
        assert_eq!(l.comments.len(), 2);
        assert_eq!(l.comments[0].text, " top");
        assert!(!l.comments[0].trailing);
        assert_eq!(l.comments[1].text, " trailing");
        assert!(l.comments[1].trailing);
        assert_eq!(l.comments[1].span.line, 2);
    }

    #[test]
    fn an_unclosed_bracket_does_not_swallow_the_next_section() {
        let src = "let a = f(1,\nlet b = 2\n";
        assert_eq!(texts(src), vec!["let a = f(1,", "let b = 2"]);
    }

    #[test]
    fn a_section_starts_with_no_bracket_open_and_the_open_one_is_kept() {
        // The indented lines after each section header are entries of their own, not the header's
        // continuation; the open `(` and its statement's end are kept for the diagnostic. The `(`
        // is never closed, so the rule after it is read on its own (see `brackets`).
        let src = "eligible when\n  ok \"ok\" n > (3 + 1\n  other \"o\" n < 10\n\n\
                   entitlement\n  cash b \"b\" KES 2\n\ntest \"t\" as of 2026-03-01\n  person n [5\n";
        let l = layout(src, &Limits::default());
        let texts: Vec<&str> = l.lines.iter().map(|l| l.text).collect();
        assert_eq!(
            texts,
            vec![
                "eligible when",
                "ok \"ok\" n > (3 + 1",
                "other \"o\" n < 10",
                "entitlement",
                "cash b \"b\" KES 2",
                "test \"t\" as of 2026-03-01",
                "person n [5",
            ]
        );
        assert!(l.diagnostics.is_empty());
        let unclosed: Vec<(usize, usize, char)> = l
            .unclosed
            .iter()
            .map(|u| (u.at, u.until, u.bracket))
            .collect();
        let other = src.find("  other").unwrap_or(0);
        let square = src.find('[').unwrap_or(0);
        assert_eq!(
            unclosed,
            vec![
                (src.find('(').unwrap_or(0), other, '('),
                (square, src.len() + 1, '[')
            ]
        );
        // Closed brackets leave nothing; a `)` too many closes nothing.
        let l = layout("let a = f(g(1), 2))\nlet b = [1]\n", &Limits::default());
        assert!(l.unclosed.is_empty());
        // Of brackets nested and left open, the innermost is kept (it is the first to close).
        let l = layout("let a = f(g[1,\nlet b = 2", &Limits::default());
        let at: Vec<usize> = l.unclosed.iter().map(|u| u.at).collect();
        assert_eq!(at, vec![11]);
    }

    #[test]
    fn deep_nesting_is_reported_once_not_recursed() {
        let src = format!("let a = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
        let l = layout(&src, &Limits::default());
        assert_eq!(l.diagnostics.len(), 1);
        assert_eq!(l.diagnostics[0].code, codes::NESTING_TOO_DEEP);
        assert_eq!(
            l.diagnostics[0].span.column,
            9 + Limits::default().max_nesting as u32
        );
    }

    #[test]
    fn crlf_line_ends_are_accepted() {
        assert_eq!(
            texts("let a = 1\r\nlet b = 2\r\n"),
            vec!["let a = 1", "let b = 2"]
        );
    }
}
