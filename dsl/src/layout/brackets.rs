//! Brackets left open: where the statement of a bracket that is never closed ends, and its
//! diagnostic.
//!
//! While a bracket is open, the lines after it continue its statement. When the bracket is never
//! closed (it is still open where a section starts, or at the end of the text), its statement is
//! cut at the first later line that starts an entry of its own (a rule, an item, a test line, a
//! parameter), so that each of those lines is read, and checked, as if the bracket had been
//! closed: one missing `)` costs one diagnostic, not the rest of its section. A bracket that is
//! closed later is never cut, so a program whose brackets all close is laid out as before.

use super::{first_word, PhysLine, NOT_A_STATEMENT_WORD, SECTION_WORDS};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::span::LineIndex;

/// The section words whose statement is one line (with its continuations), not a header of
/// indented entries.
const ONE_STATEMENT_SECTIONS: &[&str] = &["let", "summary"];

/// A bracket that is never closed.
pub(crate) struct Unclosed {
    /// Where the bracket is (one byte).
    pub at: usize,
    /// Where its statement ends (exclusive): the start of the line that starts the next entry or
    /// section, or just past the end of the text. Every line from the bracket up to there belongs
    /// to the bracket's logical line.
    pub until: usize,
    /// Where the statement's code ends (the last line read as part of it).
    pub last: usize,
    /// `(` or `[`.
    pub bracket: char,
}

/// A physical line read while a bracket is open that starts like an entry of its own: where the
/// statement is cut if that bracket turns out never to be closed.
struct Candidate {
    /// The index of the physical line.
    phys: usize,
    /// The innermost bracket open when the line starts.
    inner: usize,
}

/// The line of an open bracket, as far as cutting its statement needs it.
#[derive(Clone, Copy)]
struct Opening {
    /// The bracket.
    at: usize,
    /// The indentation of its line.
    indent: usize,
    /// Whether its line is a section header with indented entries (`test "…" as of (…`).
    header: bool,
}

/// What the layout keeps while brackets are open, to cut the statement of one that is never
/// closed. Each step costs the length of the line it looks at, so a long text stays linear.
#[derive(Default)]
pub(super) struct Watch {
    candidates: Vec<Candidate>,
    /// The innermost open bracket last looked at (a bracket's line is read once, not per line).
    opening: Option<Opening>,
    /// The code of the last physical line that has some, without its indentation.
    last_code: (usize, usize),
}

impl Watch {
    /// Notes the physical line just ended.
    pub(super) fn line_ended(&mut self, source: &str, line: &PhysLine) {
        let code = line.code(source);
        if !code.is_empty() {
            self.last_code = (line.code_end - code.len(), line.code_end);
        }
    }

    /// Notes the physical line `next` (index `phys`), which starts while the bracket at `inner`
    /// is the innermost open one: it is a candidate if it starts an entry of its own.
    pub(super) fn line_starts(&mut self, source: &str, inner: usize, phys: usize, next: &str) {
        let opening = match self.opening {
            Some(o) if o.at == inner => o,
            _ => opening(source, inner),
        };
        self.opening = Some(opening);
        let prev = source.get(self.last_code.0..self.last_code.1).unwrap_or("");
        if starts_an_entry(opening, prev, next) {
            self.candidates.push(Candidate { phys, inner });
        }
    }

    /// Forgets the candidates: every bracket they were kept for is closed.
    pub(super) fn all_closed(&mut self) {
        self.candidates.clear();
    }

    /// Closes the brackets still open (`open`, outermost first) where a section starts or the
    /// text ends (`until`): each one that has a line after it starting an entry is cut there,
    /// and the depth of the lines from there on no longer counts it; the brackets left are the
    /// statement that runs to `until`. Of the brackets one cut closes, the innermost is reported
    /// (it is the first to close).
    pub(super) fn close(
        &mut self,
        source: &str,
        phys: &mut [PhysLine],
        open: &[usize],
        until: usize,
        unclosed: &mut Vec<Unclosed>,
    ) {
        let bracket = |at: usize| char::from(source.as_bytes().get(at).copied().unwrap_or(b'('));
        let mut cut = 0usize;
        for (i, &at) in open.iter().enumerate() {
            let Some(c) = self.candidates.iter().find(|c| c.inner == at) else {
                continue;
            };
            let Some(line) = phys.get(c.phys) else {
                continue;
            };
            unclosed.push(Unclosed {
                at,
                until: line.start,
                last: last_code_end(source, phys, c.phys),
                bracket: bracket(at),
            });
            let removed = i + 1 - cut;
            cut = i + 1;
            for p in phys.iter_mut().skip(c.phys.saturating_sub(1)) {
                p.depth_after = p.depth_after.saturating_sub(removed);
            }
        }
        if cut < open.len() {
            if let Some(&at) = open.last() {
                unclosed.push(Unclosed {
                    at,
                    until,
                    last: self.last_code.1,
                    bracket: bracket(at),
                });
            }
        }
        self.candidates.clear();
    }
}

impl Unclosed {
    /// Puts the diagnostic of each bracket left open in place of the syntax errors (E0001) its
    /// logical line gave at or after it, which are its consequence (`expected `)`, found …`): an
    /// error before the bracket stays.
    pub(crate) fn report(all: &[Unclosed], index: &LineIndex<'_>, diags: &mut Vec<Diagnostic>) {
        for u in all {
            diags.retain(|d| !(d.code == codes::SYNTAX && (u.at..u.until).contains(&d.span.start)));
            let closing = if u.bracket == '[' { ']' } else { ')' };
            let at = index.span(u.at, u.at + 1);
            let last = index.span(u.last.max(u.at + 1) - 1, u.last.max(u.at + 1));
            // Lines read into the bracket's statement are worth naming: they were not checked.
            let help = if last.line > at.line {
                "E0001.help.unclosed_lines"
            } else {
                "E0001.help.unclosed"
            };
            diags.push(
                Diagnostic::new(codes::SYNTAX, at)
                    .with_message("E0001.unclosed")
                    .arg("bracket", u.bracket)
                    .arg("closing", closing)
                    .arg("line", at.line)
                    .arg("column", at.column)
                    .arg("last", last.line)
                    .with_help(help),
            );
        }
    }
}

/// The line of the bracket at `at`.
fn opening(source: &str, at: usize) -> Opening {
    let line_start = source
        .get(..at)
        .and_then(|s| s.rfind('\n'))
        .map_or(crate::span::bom_len(source), |p| p + 1);
    let line = source.get(line_start..at).unwrap_or("");
    let code = line.trim_start_matches([' ', '\t']);
    let word = first_word(code);
    let indent = line.len() - code.len();
    Opening {
        at,
        indent,
        header: indent == 0
            && SECTION_WORDS.contains(&word)
            && !ONE_STATEMENT_SECTIONS.contains(&word),
    }
}

/// Whether `next`, a physical line that starts while the bracket `opening` is the innermost open
/// one, starts an entry of its own rather than continuing the bracket's expression: the line
/// before it (`prev_code`) does not ask for more (a comma, an operator, a joining word), `next`
/// starts with a word that cannot continue an expression, and it is indented no deeper than the
/// line of the bracket, or that line is a section header (`test "…" as of (2026-03-01`), whose
/// entries are indented.
fn starts_an_entry(opening: Opening, prev_code: &str, next: &str) -> bool {
    if super::ends_joining(prev_code) {
        return false;
    }
    let code = next.trim_start_matches([' ', '\t']);
    let word = first_word(code);
    if word.is_empty()
        || word.starts_with(|c: char| c.is_ascii_digit())
        || NOT_A_STATEMENT_WORD.contains(&word)
    {
        return false;
    }
    opening.header || next.len() - code.len() <= opening.indent
}

/// The end of the code of the last line before the physical line `before` that has code.
fn last_code_end(source: &str, phys: &[PhysLine], before: usize) -> usize {
    phys.get(..before)
        .unwrap_or(phys)
        .iter()
        .rev()
        .find(|p| !p.code(source).is_empty())
        .map_or(0, |p| p.code_end)
}

#[cfg(test)]
mod tests {
    use crate::layout::layout;
    use crate::limits::Limits;

    /// The logical lines of `src`, and the (line, column) of each bracket reported never closed
    /// with the line its statement was read up to.
    fn laid(src: &str) -> (Vec<&str>, Vec<(u32, u32, u32)>) {
        let l = layout(src, &Limits::default());
        let index = crate::span::LineIndex::new(src);
        let unclosed = l
            .unclosed
            .iter()
            .map(|u| {
                let at = index.span(u.at, u.at + 1);
                (at.line, at.column, index.span(u.last - 1, u.last).line)
            })
            .collect();
        (l.lines.iter().map(|l| l.text).collect(), unclosed)
    }

    #[test]
    fn a_bracket_never_closed_ends_its_statement_where_an_entry_starts() {
        type Row = (
            &'static str,
            &'static [&'static str],
            &'static [(u32, u32, u32)],
        );
        let rows: &[Row] = &[
            // A rule, then rules at the same indentation: each is read.
            (
                "eligible when\n  a \"A\" n < min(1, 2\n  b \"B\" n > 0\n  unless c \"C\" m\n",
                &["eligible when", "a \"A\" n < min(1, 2", "b \"B\" n > 0", "unless c \"C\" m"],
                &[(2, 16, 2)],
            ),
            // A continuation more indented than the bracket's line stays in its statement.
            (
                "eligible when\n  a \"A\" n < min(1,\n      2\n  b \"B\" n > 0\n",
                &["eligible when", "a \"A\" n < min(1,\n      2", "b \"B\" n > 0"],
                &[(2, 16, 3)],
            ),
            // After a comma, a word at the same indentation is still the bracket's.
            (
                "params\n  r: list of text = [\"a\",\n  b\n  s: number = 1\n",
                &["params", "r: list of text = [\"a\",\n  b", "s: number = 1"],
                &[(2, 21, 3)],
            ),
            // Blank lines and comments before the next entry do not hide it.
            (
                "entitlement\n  cash a \"A\" KES 1 times min(n, 4\n\n  # note\n  cap cash at KES 9\n",
                &["entitlement", "cash a \"A\" KES 1 times min(n, 4", "cap cash at KES 9"],
                &[(2, 29, 2)],
            ),
            // Two rules each with its own bracket left open: both reported, three rules read.
            (
                "eligible when\n  a \"A\" f(1\n  b \"B\" [2\n  c \"C\" 3\n",
                &["eligible when", "a \"A\" f(1", "b \"B\" [2", "c \"C\" 3"],
                &[(2, 10, 2), (3, 9, 3)],
            ),
            // A section header with a bracket: its indented entries are entries.
            (
                "test \"t\" as of (2026-03-01\n  person n 5\n  expect eligible\n",
                &["test \"t\" as of (2026-03-01", "person n 5", "expect eligible"],
                &[(1, 16, 1)],
            ),
            // `let` is one statement: its indented lines continue it up to the next section.
            (
                "let a = f(1\n  b\nlet c = 2\n",
                &["let a = f(1\n  b", "let c = 2"],
                &[(1, 10, 2)],
            ),
            // Brackets that close later are never cut, whatever their lines start with.
            (
                "eligible when\n  a \"A\" any([\n  x, y\n  ])\n  b \"B\" f(1\n  + g(2)\n  )\n",
                &["eligible when", "a \"A\" any([\n  x, y\n  ])", "b \"B\" f(1\n  + g(2)\n  )"],
                &[],
            ),
            // A word that continues an expression is not an entry.
            (
                "eligible when\n  a \"A\" f(1\n  and x\n  b \"B\" 2\n",
                &["eligible when", "a \"A\" f(1\n  and x", "b \"B\" 2"],
                &[(2, 10, 3)],
            ),
        ];
        for (src, lines, unclosed) in rows {
            let (got_lines, got_unclosed) = laid(src);
            assert_eq!(&got_lines, lines, "{src}");
            assert_eq!(&got_unclosed, unclosed, "{src}");
        }
    }
}
