//! A statement run into the next one: a line that ends with a joining word (`up to`, `and`,
//! `when` …) continues on the next line, by the layout's rules, even when what is missing is the
//! end of the statement and the next line starts a statement of its own:
//!
//! ```text
//!   cash a "a" KES 1 times n up to      <- the maximum is missing here
//!   cash b "b" KES 2                    <- read as the maximum: `cash`, then `b` is unexpected
//! ```
//!
//! When the one syntax error of such a line is on a later physical line that starts like a
//! statement (`ID "sentence"` or `KEYWORD ID "sentence"`), the line is parsed again as two: the
//! part before, whose error is then at its end where the text is missing, and the statement after,
//! which is read as it would have been on its own.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::layout::{first_word, LogicalLine, JOIN_AT_START, NOT_A_STATEMENT_WORD};

/// The two statements of `line` when `new` (the diagnostics its parse gave) is one syntax error
/// on a physical line that starts a statement of its own, after a line the layout joined to it.
pub(super) fn split_run_on<'a>(
    line: &LogicalLine<'a>,
    new: &[Diagnostic],
) -> Option<(LogicalLine<'a>, LogicalLine<'a>)> {
    let [d] = new else { return None };
    if d.code != codes::SYNTAX || !line.indented {
        return None;
    }
    let at = d.span.start.checked_sub(line.start)?;
    // The physical line the error is on, and everything before it.
    let newline = line.text.get(..at)?.rfind('\n')?;
    let before = line.text.get(..newline)?;
    let head = code_of(before)?;
    let rest = line.text.get(newline + 1..)?;
    let tail = rest.trim_start();
    let tail_at = newline + 1 + (rest.len() - tail.len());
    if !starts_a_statement(tail) {
        return None;
    }
    let head = LogicalLine {
        text: head,
        start: line.start,
        first_word: line.first_word,
        indented: line.indented,
    };
    let tail = LogicalLine {
        text: tail,
        start: line.start + tail_at,
        first_word: first_word(tail),
        indented: tail_at > newline + 1,
    };
    Some((head, tail))
}

/// `text` up to the end of its code, without the comments and blank lines after it, when its
/// brackets are all closed (an open bracket joins lines for another reason); `None` otherwise.
fn code_of(text: &str) -> Option<&str> {
    let (mut depth, mut in_string, mut escaped) = (0i64, false, false);
    let (mut code_end, mut comment) = (0, false);
    for (i, c) in text.char_indices() {
        if comment {
            comment = c != '\n';
            continue;
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' | '\n' => in_string = false,
                _ => {}
            }
        } else {
            match c {
                '"' => in_string = true,
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                '#' => {
                    comment = true;
                    continue;
                }
                _ => {}
            }
        }
        if !c.is_whitespace() {
            code_end = i + c.len_utf8();
        }
    }
    let code = text.get(..code_end)?;
    (depth == 0 && !code.is_empty()).then_some(code)
}

/// Whether `text` starts like a statement with an identifier and a sentence: `ID "…"` or
/// `KEYWORD ID "…"` (a rule, an `unless` rule, an item, a fee), and not like the rest of an
/// expression.
fn starts_a_statement(text: &str) -> bool {
    let mut rest = text;
    for words in 1..=2 {
        let word = first_word(rest);
        if word.is_empty()
            || word.starts_with(|c: char| c.is_ascii_digit())
            || NOT_A_STATEMENT_WORD.contains(&word)
            || (words == 1 && JOIN_AT_START.contains(&word))
        {
            return false;
        }
        let after = rest.get(word.len()..).unwrap_or("");
        let trimmed = after.trim_start_matches([' ', '\t']);
        if trimmed.len() == after.len() {
            return false; // `a.b`, `f(`: not a word on its own
        }
        if trimmed.starts_with('"') {
            return true;
        }
        rest = trimmed;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_start_with_an_identifier_and_a_sentence() {
        for yes in ["ok \"ok\" n > 1", "cash b \"b\" KES 2", "unless d \"D\" x"] {
            assert!(starts_a_statement(yes), "{yes}");
        }
        for no in [
            "3 when n > 1",
            "b else \"c\"",
            "and x \"y\"",
            "household.x \"y\"",
            "f(\"x\")",
            "a b c \"d\"",
            "n",
        ] {
            assert!(!starts_a_statement(no), "{no}");
        }
    }

    #[test]
    fn the_code_before_is_cut_at_its_comment_and_needs_its_brackets_closed() {
        assert_eq!(code_of("a and # (\n b to"), Some("a and # (\n b to"));
        assert_eq!(code_of("a \"#\" up to  # max"), Some("a \"#\" up to"));
        assert_eq!(code_of("a up to # max\n  # more\n"), Some("a up to"));
        assert_eq!(code_of("f(a,\n b) to"), Some("f(a,\n b) to"));
        assert_eq!(code_of("f(a, to"), None);
    }
}
