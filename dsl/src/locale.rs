//! Message catalogues: every diagnostic and explanation sentence comes from here.
//!
//! A catalogue is a UTF-8 file of `key = text` lines (blank lines and lines starting with `#` are
//! ignored). Texts may hold placeholders `{name}` that are filled from a message's arguments; `{{` and
//! `}}` stand for literal braces. The files in `dsl/locales/` are embedded at build time (`en` and `fr`
//! ship complete); adding a language is adding a file there. A catalogue can also be loaded at run
//! time with [`Catalog::parse`]. A key missing from a catalogue falls back to English.

use std::collections::HashMap;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// One locale's messages.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    locale: String,
    messages: HashMap<String, String>,
    /// The `phrase.…` entries, English words first, longest first.
    phrases: Vec<(String, String)>,
}

/// The arguments whose values are English words from the checker (`a number`, `a quoted text`,
/// `compared`, `rule`) or from the SQL translation (`construct`: `a nested aggregate`), which a
/// catalogue's `phrase.…` entries translate; the others are names, codes and values from the
/// program, never translated.
const WORDED_ARGS: &[&str] = &[
    "expected",
    "found",
    "what",
    "action",
    "reason",
    "target",
    "kind",
    "left",
    "right",
    "construct",
];

/// A problem in a catalogue file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("catalogue line {line}: {reason}")]
pub struct CatalogError {
    /// Line number, from 1.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl Catalog {
    /// Parses a catalogue file.
    ///
    /// # Errors
    /// A line that is neither blank, a comment nor `key = text`, or a key given twice.
    pub fn parse(locale: &str, text: &str) -> Result<Catalog, CatalogError> {
        let mut messages = HashMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(CatalogError {
                    line: i + 1,
                    reason: "expected `key = text`".into(),
                });
            };
            let key = key.trim();
            if key.is_empty() || key.contains(char::is_whitespace) {
                return Err(CatalogError {
                    line: i + 1,
                    reason: format!("invalid key `{key}`"),
                });
            }
            if messages
                .insert(key.to_string(), value.trim().to_string())
                .is_some()
            {
                return Err(CatalogError {
                    line: i + 1,
                    reason: format!("key `{key}` given twice"),
                });
            }
        }
        let mut phrases: Vec<(String, String)> = messages
            .iter()
            .filter_map(|(k, v)| {
                let english = k.strip_prefix("phrase.")?.replace('_', " ");
                Some((english, v.clone()))
            })
            .collect();
        crate::sorting::sort_by(&mut phrases, |a, b| {
            b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0))
        });
        Ok(Catalog {
            locale: locale.to_string(),
            messages,
            phrases,
        })
    }

    /// The locale tag (`en`, `fr`).
    pub fn locale(&self) -> &str {
        &self.locale
    }

    /// The raw text for `key`, if this catalogue has it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.messages.get(key).map(String::as_str)
    }

    /// The keys this catalogue defines.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }

    /// `n` things of `key` (`count.errors` …): its `.zero`, `.one` or `.other` form, since
    /// languages do not agree on whether zero is plural ("0 errors", "0 erreur").
    pub fn count(&self, key: &str, n: usize) -> String {
        let form = match n {
            0 => "zero",
            1 => "one",
            _ => "other",
        };
        self.render(&format!("{key}.{form}"), &[("count", &n.to_string())])
    }

    /// Renders `key` with `args`, falling back to English, then to the key itself. The English
    /// words of worded arguments (`expected`, `found`, `what` …) are put in this catalogue's
    /// language by its `phrase.…` entries.
    pub fn render(&self, key: &str, args: &[(&str, &str)]) -> String {
        let template = self.get(key).or_else(|| english().get(key)).unwrap_or(key);
        if self.phrases.is_empty() {
            return fill(template, args);
        }
        let translated: Vec<(&str, String)> = args
            .iter()
            .map(|(k, v)| {
                let v = if WORDED_ARGS.contains(k) {
                    self.translate_phrases(v)
                } else {
                    (*v).to_string()
                };
                (*k, v)
            })
            .collect();
        let refs: Vec<(&str, &str)> = translated.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fill(template, &refs)
    }

    /// `text` with every phrase this catalogue translates replaced, longest first, whole words
    /// only; code in backticks that is not part of a phrase is kept as written.
    pub fn translate_phrases(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 16);
        let mut i = 0;
        let mut at_word_start = true;
        while let Some(rest) = text.get(i..) {
            let Some(c) = rest.chars().next() else { break };
            if at_word_start {
                let hit = self.phrases.iter().find(|(en, _)| {
                    rest.starts_with(en.as_str())
                        && !rest
                            .get(en.len()..)
                            .and_then(|r| r.chars().next())
                            .is_some_and(|n| n.is_alphanumeric() || n == '_')
                });
                if let Some((en, tr)) = hit {
                    out.push_str(tr);
                    i += en.len();
                    at_word_start = !en.ends_with(|n: char| n.is_alphanumeric() || n == '_');
                    continue;
                }
            }
            if c == '`' {
                // Code: kept whole, up to its closing backtick.
                let end = rest
                    .get(1..)
                    .and_then(|r| r.find('`'))
                    .map_or(rest.len(), |e| e + 2);
                out.push_str(rest.get(..end).unwrap_or(rest));
                i += end;
                at_word_start = true;
                continue;
            }
            out.push(c);
            i += c.len_utf8();
            at_word_start = !(c.is_alphanumeric() || c == '_');
        }
        out
    }
}

/// Fills `{name}` placeholders; an unknown placeholder is left as written.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(pos) = rest.find(['{', '}']) {
        let (before, after) = rest.split_at(pos);
        out.push_str(before);
        if let Some(tail) = after.strip_prefix("{{") {
            out.push('{');
            rest = tail;
        } else if let Some(tail) = after.strip_prefix("}}") {
            out.push('}');
            rest = tail;
        } else if let Some(tail) = after.strip_prefix('{') {
            match tail.find('}') {
                Some(end) => {
                    let name = tail.get(..end).unwrap_or("");
                    match args.iter().find(|(k, _)| *k == name) {
                        Some((_, v)) => out.push_str(v),
                        None => {
                            out.push('{');
                            out.push_str(name);
                            out.push('}');
                        }
                    }
                    rest = tail.get(end + 1..).unwrap_or("");
                }
                None => {
                    out.push_str(after);
                    rest = "";
                }
            }
        } else {
            out.push_str(after.get(..1).unwrap_or(""));
            rest = after.get(1..).unwrap_or("");
        }
    }
    out.push_str(rest);
    out
}

fn embedded() -> &'static Vec<Catalog> {
    static CATALOGS: OnceLock<Vec<Catalog>> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        EMBEDDED
            .iter()
            // The embedded files are checked by a unit test; a broken one is skipped, never a panic.
            .filter_map(|(locale, text)| Catalog::parse(locale, text).ok())
            .collect()
    })
}

/// The English catalogue (always present).
pub fn english() -> &'static Catalog {
    static EMPTY: OnceLock<Catalog> = OnceLock::new();
    embedded()
        .iter()
        .find(|c| c.locale == "en")
        .unwrap_or_else(|| EMPTY.get_or_init(Catalog::default))
}

/// The embedded catalogue for `locale` (`fr`, `fr-FR` and `fr_FR` all find `fr`), or English.
pub fn catalog(locale: &str) -> &'static Catalog {
    let base = locale
        .split(['-', '_'])
        .next()
        .unwrap_or(locale)
        .to_ascii_lowercase();
    embedded()
        .iter()
        .find(|c| c.locale == base)
        .unwrap_or_else(english)
}

/// The locales that are embedded, in alphabetical order.
pub fn available_locales() -> Vec<&'static str> {
    embedded().iter().map(|c| c.locale.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_their_language_s_form_for_zero_one_and_more() {
        let (en, fr) = (catalog("en"), catalog("fr"));
        let counts = |c: &Catalog| [0, 1, 2].map(|n| c.count("count.errors", n));
        assert_eq!(counts(en), ["0 errors", "1 error", "2 errors"]);
        assert_eq!(counts(fr), ["0 erreur", "1 erreur", "2 erreurs"]);
    }

    #[test]
    fn embedded_catalogues_parse_and_french_is_complete() {
        for (locale, text) in EMBEDDED {
            Catalog::parse(locale, text).unwrap_or_else(|e| panic!("{locale}: {e}"));
        }
        let en = english();
        let fr = catalog("fr");
        assert_eq!(fr.locale(), "fr");
        // `phrase.…` entries translate the English words of arguments: English needs none.
        let mut missing: Vec<_> = en.keys().filter(|k| fr.get(k).is_none()).collect();
        missing.sort_unstable();
        assert!(missing.is_empty(), "French lacks: {missing:?}");
        let mut extra: Vec<_> = fr
            .keys()
            .filter(|k| en.get(k).is_none() && !k.starts_with("phrase."))
            .collect();
        extra.sort_unstable();
        assert!(extra.is_empty(), "French has keys English lacks: {extra:?}");
    }

    #[test]
    fn locale_tags_fall_back() {
        assert_eq!(catalog("fr-FR").locale(), "fr");
        assert_eq!(catalog("FR_ca").locale(), "fr");
        assert_eq!(catalog("xx").locale(), "en");
    }

    #[test]
    fn placeholders_are_filled_and_braces_escaped() {
        assert_eq!(
            fill("a {x} b {y} {{z}}", &[("x", "1"), ("y", "2")]),
            "a 1 b 2 {z}"
        );
        assert_eq!(fill("{missing} {", &[]), "{missing} {");
        assert_eq!(fill("é{x}é", &[("x", "ü")]), "éüé");
    }

    #[test]
    fn bad_catalogue_lines_are_reported_with_their_number() {
        let err = Catalog::parse("xx", "# c\na = b\nnot a pair\n").unwrap_err();
        assert_eq!(err.line, 3);
        let err = Catalog::parse("xx", "a = b\na = c\n").unwrap_err();
        assert_eq!(err.line, 2);
    }
}
