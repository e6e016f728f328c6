//! The terminal: colours when writing to one, plain text otherwise, and a progress bar on stderr.

use entitle_dsl::locale::{self, Catalog};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// When to colour output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl Color {
    /// Whether to colour text written to stderr (`stderr = true`) or stdout.
    pub fn enabled(self, stderr: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                let tty = if stderr {
                    std::io::stderr().is_terminal()
                } else {
                    std::io::stdout().is_terminal()
                };
                tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const CYAN: &str = "\x1b[1;36m";
const GREEN: &str = "\x1b[1;32m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Paints `text` when `on`.
pub fn paint(on: bool, style: &str, text: &str) -> String {
    if on {
        format!("{style}{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// Green for success.
pub fn green(on: bool, text: &str) -> String {
    paint(on, GREEN, text)
}

/// Red for failure.
pub fn red(on: bool, text: &str) -> String {
    paint(on, RED, text)
}

/// Bold.
pub fn bold(on: bool, text: &str) -> String {
    paint(on, BOLD, text)
}

/// Colours a rustc-style diagnostic rendered by `Diagnostic::render_with_source`: the severity,
/// the location arrow, the gutter, the carets and the help.
pub fn colour_diagnostic(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let coloured = if let Some(rest) = body.strip_prefix("error") {
            let (head, msg) = rest.split_once(':').unwrap_or((rest, ""));
            format!("{RED}error{head}{RESET}{BOLD}:{msg}{RESET}")
        } else if let Some(rest) = body.strip_prefix("warning") {
            let (head, msg) = rest.split_once(':').unwrap_or((rest, ""));
            format!("{YELLOW}warning{head}{RESET}{BOLD}:{msg}{RESET}")
        } else if let Some((gutter, rest)) = body.split_once('|') {
            if rest.trim_start().starts_with('^') {
                format!("{BLUE}{gutter}|{RESET}{RED}{rest}{RESET}")
            } else {
                format!("{BLUE}{gutter}|{RESET}{rest}")
            }
        } else if let Some((pad, rest)) = body.split_once("--> ") {
            format!("{pad}{BLUE}-->{RESET} {rest}")
        } else if let Some((pad, rest)) = body.split_once("= help:") {
            format!("{pad}{CYAN}= help:{RESET}{rest}")
        } else {
            body.to_string()
        };
        out.push_str(&coloured);
        out.push_str(nl);
    }
    out
}

/// The catalogue of the prefixes `error`, `warning` and `note`: the locale of the command's
/// `--locale`, set once by `main` (a command without one keeps English). Global because those
/// lines are printed from every corner of a command, and from `main` for the error that ends it.
static CATALOG: std::sync::OnceLock<&'static Catalog> = std::sync::OnceLock::new();

/// Prints the prefixes of stderr's lines in the language of `catalog` from now on.
pub fn speak(catalog: &'static Catalog) {
    let _ = CATALOG.set(catalog);
}

/// The catalogue the terminal's lines speak (English until [`speak`]).
pub fn catalog() -> &'static Catalog {
    CATALOG.get().copied().unwrap_or_else(locale::english)
}

/// Prints `prefix: message` on stderr, the prefix from the catalogue (`term.error` …) in `style`.
fn line(key: &str, style: &str, message: &str) {
    let on = Color::Auto.enabled(true);
    let catalog = catalog();
    let prefix = paint(on, style, &catalog.render(key, &[]));
    eprintln!(
        "{}",
        catalog.render("term.line", &[("prefix", &prefix), ("message", message)])
    );
}

/// Prints `error: message` on stderr (`erreur : message` in French).
pub fn error(message: &str) {
    line("term.error", RED, message);
}

/// Prints `warning: message` on stderr.
pub fn warning(message: &str) {
    line("term.warning", YELLOW, message);
}

/// Prints `note: message` on stderr.
pub fn note(message: &str) {
    line("term.note", CYAN, message);
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
pub struct ProgressBar {
    enabled: bool,
    start: Instant,
    last: Option<Instant>,
    label: &'static str,
}

impl ProgressBar {
    /// A bar for work counted in `label` (`households`), visible when `enabled` and stderr is a
    /// terminal.
    pub fn new(enabled: bool, label: &'static str) -> ProgressBar {
        ProgressBar {
            enabled: enabled && std::io::stderr().is_terminal(),
            start: Instant::now(),
            last: None,
            label,
        }
    }

    /// Redraws the bar (at most ten times a second).
    pub fn update(&mut self, units: u64, done: u64, total: Option<u64>) {
        if !self.enabled
            || self
                .last
                .is_some_and(|t| t.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(Instant::now());
        let width = 30usize;
        let fraction = total
            .filter(|t| *t > 0)
            .map(|t| (done as f64 / t as f64).clamp(0.0, 1.0));
        let bar = match fraction {
            Some(f) => {
                let filled = (f * width as f64).round() as usize;
                format!(
                    "[{}{}] {:>3.0}%",
                    "#".repeat(filled),
                    "-".repeat(width - filled.min(width)),
                    f * 100.0
                )
            }
            None => String::new(),
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[K{bar} {} {} {:.1} s",
            thousands(units),
            self.label,
            self.start.elapsed().as_secs_f64()
        );
        let _ = err.flush();
    }

    /// Erases the bar.
    pub fn finish(&mut self) {
        if self.enabled && self.last.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    group_digits(&n.to_string())
}

/// Groups the integer digits of a decimal text by three: `1234567.50` → `1,234,567.50`.
pub fn group_digits(text: &str) -> String {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut out = String::with_capacity(text.len() + text.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped() {
        for (a, b) in [
            ("0", "0"),
            ("999", "999"),
            ("1000", "1,000"),
            ("1234567.50", "1,234,567.50"),
            ("-12345", "-12,345"),
        ] {
            assert_eq!(group_digits(a), b);
        }
    }

    #[test]
    fn diagnostics_are_coloured_line_by_line() {
        let plain = "error[E0101]: unknown name `incme`\n --> p.entitle:12:20\n   |\n12 | let x = incme\n   |         ^^^^^\n   = help: did you mean `income`?\n";
        let c = colour_diagnostic(plain);
        assert!(c.starts_with("\x1b[1;31merror[E0101]\x1b[0m"));
        assert!(c.contains("\x1b[1;31m ^^^^^") || c.contains("\x1b[1;31m         ^^^^^"));
        let stripped: String = {
            let mut s = String::new();
            let mut skip = false;
            for ch in c.chars() {
                if ch == '\x1b' {
                    skip = true;
                } else if skip && ch == 'm' {
                    skip = false;
                } else if !skip {
                    s.push(ch);
                }
            }
            s
        };
        assert_eq!(stripped, plain);
    }
}
