//! Why a row gave no decision, kept as words to be said in the reader's language.
//!
//! A [`RowError`](crate::RowError) is made while a registry is read, long before anyone knows who
//! reads it: the terminal of a French officer, an English `errors.csv` for a tool. So its reason
//! is kept as a catalogue entry and its arguments (or the engine's own error), and put in words by
//! [`Reason::render`] with the catalogue of whoever prints it. The English catalogue's rendering
//! is the record's `message`.

use entitle_core::EvalError;
use entitle_dsl::locale::{self, Catalog};

/// Why a row gave no decision. Its arguments are names, codes, line numbers and the program's
/// own values (an input's choices), never a registrant's value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// A catalogue entry (keys named by code: `G0107`, `G0101.date.day_first` …) with its
    /// arguments.
    Entry {
        /// The catalogue key.
        key: &'static str,
        /// The arguments, by placeholder name (boxed, as the engine's error is: a reason is part
        /// of every error result, and is kept small).
        args: Box<[(&'static str, Arg)]>,
    },
    /// An engine error of a unit (`R0003` …), in the engine's words.
    Engine(Box<EvalError>),
    /// A value outside an input's declared choices (G0102). Unlike the engine's R0008 it does not
    /// name the input: the record's location names the column already.
    NotAChoice {
        /// The first choices, as the program writes them.
        choices: Box<[String]>,
        /// How many choices the input declares.
        total: usize,
        /// Whether the input is text (a value then matches a choice written as declared).
        text: bool,
    },
    /// English from the engine's parser (`expected a date in ISO 8601 form …`), which a
    /// catalogue's `phrase.…` entries put in its language, as they do for the engine's R0005.
    Worded(String),
    /// Text kept as it comes (from a driver, or a reason no catalogue entry says yet).
    Text(String),
}

/// An argument of a catalogue entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Kept as written: a name, a code, a number, a currency.
    Text(String),
    /// Another catalogue entry, filled with the same arguments (a part of a sentence that has
    /// several forms, such as what a number cell should look like).
    Entry(&'static str),
}

impl Reason {
    /// A catalogue entry without arguments.
    pub fn key(key: &'static str) -> Reason {
        Reason::Entry {
            key,
            args: Box::default(),
        }
    }

    /// A catalogue entry with arguments kept as written.
    pub fn with(key: &'static str, args: &[(&'static str, &str)]) -> Reason {
        Reason::Entry {
            key,
            args: args
                .iter()
                .map(|(k, v)| (*k, Arg::Text((*v).to_string())))
                .collect(),
        }
    }

    /// The same entry with one more argument that is itself an entry.
    #[must_use]
    pub fn and_entry(mut self, name: &'static str, key: &'static str) -> Reason {
        if let Reason::Entry { args, .. } = &mut self {
            let mut all = std::mem::take(args).into_vec();
            all.push((name, Arg::Entry(key)));
            *args = all.into_boxed_slice();
        }
        self
    }

    /// This entry as the part `name` of the entry `outer`, which has the same arguments and
    /// `extra` (`{why}; did you mean `{closest}`?`). A reason that is not an entry is kept.
    #[must_use]
    pub fn within(
        self,
        outer: &'static str,
        name: &'static str,
        extra: &[(&'static str, &str)],
    ) -> Reason {
        match self {
            Reason::Entry { key, args } => {
                let mut all = args.into_vec();
                all.extend(extra.iter().map(|(k, v)| (*k, Arg::Text((*v).to_string()))));
                all.push((name, Arg::Entry(key)));
                Reason::Entry {
                    key: outer,
                    args: all.into_boxed_slice(),
                }
            }
            other => other,
        }
    }

    /// The reason in the language of `catalog` (a key it lacks is said in English).
    pub fn render(&self, catalog: &Catalog) -> String {
        match self {
            Reason::Entry { key, args } => {
                let texts: Vec<(&str, &str)> = args
                    .iter()
                    .filter_map(|(k, v)| match v {
                        Arg::Text(t) => Some((*k, t.as_str())),
                        Arg::Entry(_) => None,
                    })
                    .collect();
                let entries: Vec<(&str, String)> = args
                    .iter()
                    .filter_map(|(k, v)| match v {
                        Arg::Entry(e) => Some((*k, catalog.render(e, &texts))),
                        Arg::Text(_) => None,
                    })
                    .collect();
                let mut all = texts.clone();
                all.extend(entries.iter().map(|(k, v)| (*k, v.as_str())));
                catalog.render(key, &all)
            }
            Reason::Engine(e) => e.message(catalog),
            Reason::NotAChoice {
                choices,
                total,
                text,
            } => {
                let mut list = choices.join(", ");
                if *total > choices.len() {
                    list = catalog.render(
                        "R0008.more",
                        &[("choices", &list), ("count", &total.to_string())],
                    );
                }
                let key = match (total, text) {
                    (0, _) => "G0102.none",
                    (_, true) => "G0102.text",
                    (_, false) => "G0102",
                };
                catalog.render(key, &[("choices", &list)])
            }
            Reason::Worded(t) => catalog.translate_phrases(t),
            Reason::Text(t) => t.clone(),
        }
    }

    /// The reason in English, as a record's `message` says it.
    pub fn english(&self) -> String {
        self.render(locale::english())
    }
}

/// The English words, as messages that are not rendered for a reader (`Display` of errors) say.
impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english())
    }
}

impl From<EvalError> for Reason {
    fn from(e: EvalError) -> Reason {
        Reason::Engine(Box::new(e))
    }
}

impl From<String> for Reason {
    fn from(t: String) -> Reason {
        Reason::Text(t)
    }
}

impl From<&str> for Reason {
    fn from(t: &str) -> Reason {
        Reason::Text(t.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_said_in_the_catalogue_s_language_with_their_parts() {
        let fr = locale::catalog("fr");
        let r = Reason::with("G0107.group", &[("group", "H9")]);
        assert_eq!(
            r.english(),
            "the member's group `H9` is not in the groups file"
        );
        assert_eq!(
            r.render(fr),
            "le groupe du membre, `H9`, n'est pas dans le fichier des groupes"
        );
        let choices = Reason::NotAChoice {
            choices: vec!["North".to_string(), "East".to_string()].into(),
            total: 3,
            text: false,
        };
        assert_eq!(
            choices.english(),
            "the value is not one of the declared choices: North, East, … (3 in all)"
        );
        assert_eq!(
            choices.render(fr),
            "la valeur ne fait pas partie des choix déclarés : North, East, … (3 en tout)"
        );
        let engine = Reason::from(EvalError::FutureDate {
            at: "children".into(),
        });
        assert_eq!(
            engine.render(fr),
            "`children` calcule un âge à partir d'une date postérieure à la date de référence"
        );
        assert_eq!(Reason::from("as it comes").render(fr), "as it comes");
        // Kept small: every error result of a row has room for one.
        assert!(std::mem::size_of::<Reason>() <= 40);
    }
}
