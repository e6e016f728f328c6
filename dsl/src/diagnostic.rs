//! Diagnostics: one shape for syntax, name, type and program-test problems.

use crate::codes::{self, Severity};
use crate::locale::{self, Catalog};
use crate::span::{LineIndex, Span};
use serde::Serialize;
use std::fmt;

/// A problem found in program text: a stable code, a severity, where it is, what is wrong and,
/// optionally, how to fix it.
///
/// The message and help are rendered from the message catalogue (English by default); the
/// arguments are kept so that [`Diagnostic::localized`] can render them in another language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code such as `E0101`; never reused or renumbered (see [`crate::codes`]).
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// Where the problem is.
    pub span: Span,
    /// What is wrong, in the catalogue's language.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip)]
    args: Vec<(&'static str, String)>,
    #[serde(skip)]
    help_key: Option<&'static str>,
    /// The catalogue key of the message when it is not the code itself (`E0305.not_a_choice`).
    #[serde(skip)]
    message_key: Option<&'static str>,
}

impl Diagnostic {
    /// A diagnostic with `code` at `span`; its severity comes from the code table.
    pub fn new(code: &'static str, span: Span) -> Diagnostic {
        let mut d = Diagnostic {
            code,
            severity: codes::severity(code),
            span,
            message: String::new(),
            help: None,
            args: Vec::new(),
            help_key: None,
            message_key: None,
        };
        d.render(locale::english());
        d
    }

    /// Adds an argument for the message's placeholders.
    #[must_use]
    pub fn arg(mut self, name: &'static str, value: impl fmt::Display) -> Diagnostic {
        self.args.push((name, value.to_string()));
        self.render(locale::english());
        self
    }

    /// Adds help from catalogue key `key` (usually `CODE.help` or `CODE.help.variant`).
    #[must_use]
    pub fn with_help(mut self, key: &'static str) -> Diagnostic {
        self.help_key = Some(key);
        self.render(locale::english());
        self
    }

    /// Takes the message from catalogue key `key` (`CODE.variant`) instead of the code's own: the
    /// same problem said in the words that fit the case, under the same stable code.
    #[must_use]
    pub fn with_message(mut self, key: &'static str) -> Diagnostic {
        self.message_key = Some(key);
        self.render(locale::english());
        self
    }

    /// The arguments the message was rendered from.
    pub fn args(&self) -> &[(&'static str, String)] {
        &self.args
    }

    /// True for errors (a program with an error does not compile).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The same diagnostic rendered with `catalog`.
    pub fn localized(&self, catalog: &Catalog) -> Diagnostic {
        let mut d = self.clone();
        d.render(catalog);
        d
    }

    fn render(&mut self, catalog: &Catalog) {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.message = catalog.render(self.message_key.unwrap_or(self.code), &args);
        self.help = self.help_key.map(|k| catalog.render(k, &args));
    }

    /// Renders rustc-style: the code and message, the location, the source line and a caret under the
    /// span, then the help.
    ///
    /// ```text
    /// error[E0101]: unknown name `incme`
    ///  --> child_grant.entitle:12:20
    ///    |
    /// 12 | let per_person = incme / count(members)
    ///    |                  ^^^^^
    ///    = help: did you mean `income`?
    /// ```
    pub fn render_with_source(&self, source: &str, file: &str) -> String {
        self.render_with_index(&LineIndex::new(source), source, file)
    }

    /// [`Diagnostic::render_with_source`] with the source's lines already found (a program with
    /// thousands of diagnostics would otherwise scan its whole text for each).
    fn render_with_index(&self, index: &LineIndex<'_>, source: &str, file: &str) -> String {
        let line_text = index.line_text(self.span.line);
        let line_no = self.span.line.to_string();
        let pad = " ".repeat(line_no.len());
        let spanned = source
            .get(self.span.start..self.span.end)
            .map(|s| s.split('\n').next().unwrap_or(""))
            .unwrap_or("");
        let mut out = format!(
            "{}[{}]: {}\n{pad}--> {file}:{}:{}\n{pad} |\n{line_no} | {line_text}\n{pad} | {}\n",
            self.severity,
            self.code,
            self.message,
            self.span.line,
            self.span.column,
            caret_line(line_text, self.span.column, spanned)
        );
        if let Some(help) = &self.help {
            out.push_str(&format!("{pad} = help: {help}\n"));
        }
        out
    }
}

/// The line under a source line: padding up to character `column` (from 1), then one caret per
/// terminal cell of `spanned` (at least one). The padding copies the line's tabs, and gives a wide character
/// (CJK, most emoji) two cells and a combining mark none, so that the caret sits under the text a
/// terminal shows there; the column number itself stays a count of characters.
fn caret_line(line_text: &str, column: u32, spanned: &str) -> String {
    let before = (column.max(1) as usize).saturating_sub(1);
    let mut out: String = String::with_capacity(before + 8);
    for c in line_text.chars().take(before) {
        if c == '\t' {
            out.push('\t');
        } else {
            out.extend(std::iter::repeat_n(' ', cells(c)));
        }
    }
    let carets: usize = spanned.chars().map(cells).sum();
    out.extend(std::iter::repeat_n('^', carets.max(1)));
    out
}

/// Terminal cells of `c` outside a tab: 2 for wide characters, 0 for combining marks and
/// zero-width characters (control characters, which have no width of their own, count as 0).
fn cells(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}] at {}:{}: {}",
            self.severity, self.code, self.span.line, self.span.column, self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// Every diagnostic of one program, in source order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    /// All diagnostics, rendered with their source lines, separated by blank lines.
    pub fn render_with_source(&self, source: &str, file: &str) -> String {
        let index = LineIndex::new(source);
        self.0
            .iter()
            .map(|d| d.render_with_index(&index, source, file))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The message of a program that does not compile, as every binding gives it: the count of
    /// errors, then every diagnostic rendered with its source line and caret under `file`.
    pub fn compile_failure_message(&self, source: &str, file: &str) -> String {
        let count = match self.errors().count() {
            1 => "1 error".to_string(),
            n => format!("{n} errors"),
        };
        format!(
            "the program does not compile ({count})\n{}",
            self.render_with_source(source, file)
        )
    }

    /// The same diagnostics rendered with `catalog`.
    pub fn localized(&self, catalog: &Catalog) -> Diagnostics {
        Diagnostics(self.0.iter().map(|d| d.localized(catalog)).collect())
    }

    pub(crate) fn sort(&mut self) {
        crate::sorting::sort_by_key(&mut self.0, |d| (d.span.start, d.span.end, d.code));
        self.0.dedup_by(|a, b| {
            a.code == b.code && a.span.range() == b.span.range() && a.message == b.message
        });
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
