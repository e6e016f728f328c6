//! Bounds that keep hostile program text from exhausting memory or stack.
//!
//! Checked before and while parsing, so a server or a browser tab that compiles untrusted text stays
//! safe. Every bound has one home here; bindings pass `None` to mean "the default".

/// Limits on program text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest program text, in bytes (default 1 MiB).
    pub max_source_bytes: usize,
    /// Deepest nesting of brackets and `if`s on one logical line (default 64).
    pub max_nesting: usize,
    /// Greatest height of one expression tree, counting each operator (default 256): a sum of 255
    /// terms fits, and evaluating the deepest tree stays far inside a 1 MiB stack.
    pub max_expression_depth: usize,
    /// Most items of each kind: inputs, params, lets, rules, entitlement lines, tests (default 10,000).
    pub max_items: usize,
    /// Most elements in one list literal (default 10,000).
    pub max_list_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_source_bytes: 1 << 20,
            max_nesting: 64,
            max_expression_depth: 256,
            max_items: 10_000,
            max_list_len: 10_000,
        }
    }
}

/// Compiles the pattern of `matches`, within bounds on its compiled size (1 MiB) and its nesting
/// (64), so that a hostile pattern cannot exhaust memory. The checker reports a pattern this
/// refuses (E0214), and the engine compiles each pattern with it once: a program that checks
/// always compiles.
///
/// # Errors
/// When the text is not a regular expression, or it passes the bounds.
pub fn compile_pattern(pattern: &str) -> Result<regex_lite::Regex, regex_lite::Error> {
    regex_lite::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .nest_limit(64)
        .build()
}
