//! The check that French text leaves no English word of the English it translates, shared by
//! the catalogue's test (`dsl/tests/french.rs`) and the engine's rendered errors
//! (`core/tests/french.rs`), so that the two agree on what a word and a shared word are.

/// The words of a message a person reads: without code in backticks and `{placeholders}`,
/// lower-cased.
pub fn prose_words(text: &str) -> Vec<String> {
    let mut prose = String::new();
    let (mut code, mut placeholder) = (false, false);
    for c in text.chars() {
        match c {
            '`' => code = !code,
            '{' if !code => placeholder = true,
            '}' if placeholder => placeholder = false,
            _ if code || placeholder => {}
            _ => prose.push(c),
        }
        if c == '`' || c == '}' {
            prose.push(' ');
        }
    }
    // File names and options (`errors.csv`, `--all-cycles`) are names, not words.
    let name = |t: &str| {
        t.starts_with("--")
            || t.char_indices()
                .any(|(i, c)| c == '.' && t[i + 1..].starts_with(char::is_alphabetic))
    };
    prose
        .split_whitespace()
        .filter(|t| !name(t))
        .flat_map(|t| t.split(|c: char| !c.is_alphabetic()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Words that French and English write alike, and names and standards that are no language's.
const SHARED: &[&str] = &[
    "a",
    "date",
    "dates",
    "type",
    "total",
    "score",
    "section",
    "test",
    "tests",
    "code",
    "codes",
    "cycle",
    "budget",
    "table",
    "division",
    "expression",
    "expressions",
    "condition",
    "conditions",
    "simple",
    "iso",
    "utf",
    "latin",
    "windows",
    "sql",
    "utc",
    "json",
    "kes",
    "kg",
    "entitle",
    "nul",
    "non",
    "fin",
    "plus",
    "options",
    "option",
    "union",
    "z",
    "mm",
    "accents",
    "place",
    "sections",
    "argument",
    "positive",
    "dimension",
    "exact",
    "apostrophe",
    "multiplication",
    "collection",
    "mode",
    "invisible",
    "point",
    "position",
    "compile",
    "validation",
    "net",
    "second",
    "min",
    "max",
    "q",
    "gini",
    "usd",
    "true",
    "false",
    "yes",
    "no",
    "note",
    "format",
    "points",
    "social",
    "csv",
    "dci",
    "nan",
    "unicode",
    "powershell",
    "import",
    "tables",
    "version",
    "session",
    "migration",
    "transaction",
    "postgresql",
    "sqlite",
    "action",
    "message",
    "base",
    "population",
    "openg",
    "p",
    "openspp",
    "parquet",
    "arrow",
    "snappy",
    "zstandard",
    "gzip",
    "compression",
];

/// The English words of `en` (not shared with French) that its French rendering `fr` still has.
pub fn english_left(en: &str, fr: &str) -> Vec<String> {
    let french = prose_words(fr);
    let mut left: Vec<String> = prose_words(en)
        .into_iter()
        .filter(|w| !SHARED.contains(&w.as_str()) && french.contains(w))
        .collect();
    left.dedup();
    left
}
