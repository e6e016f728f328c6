//! The files a run is given besides the registry: the units' previous states, and the reference
//! list of the units that should be covered.

use entitle_core::run_model::{MembershipState, RunError};
use serde_json::Value as Json;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The file's text, without the byte-order mark a spreadsheet's "CSV UTF-8" starts with.
fn read_text(path: &Path) -> Result<String, RunError> {
    let text = std::fs::read_to_string(path).map_err(|e| RunError::ListUnreadable {
        file: path.display().to_string(),
        reason: e.to_string(),
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// The separator of the CSV file at `path` whose text is `text`, by the rule the registry's files
/// are read with: a comma, a semicolon (as spreadsheets save CSV where the comma is the decimal
/// mark, in French for one) or a tab when the header has one and no comma, a tab for `.tsv`.
fn separator(path: &Path, text: &str) -> char {
    char::from(entitle_registry::files::field_delimiter(
        path,
        text.as_bytes(),
    ))
}

/// The cells of one CSV line, without their surrounding spaces and quotes.
fn cells(line: &str, sep: char) -> Vec<&str> {
    line.split(sep)
        .map(|c| c.trim().trim_matches('"'))
        .collect()
}

/// A membership state as written, in any case (spreadsheets capitalise).
fn state_of(word: &str) -> Option<MembershipState> {
    MembershipState::from_word(&word.trim().to_ascii_lowercase())
}

/// Reads previous states: JSON lines with `unit_id` and `state`, or a CSV with those columns.
/// A unit given twice, or without an id, is an error: which state would hold is not for us to
/// guess.
///
/// # Errors
/// R0105 to R0110 ([`RunError`]), naming the file and the line.
pub(super) fn read_previous(path: &Path) -> Result<HashMap<String, MembershipState>, RunError> {
    let text = read_text(path)?;
    let file = path.display().to_string();
    let mut out = HashMap::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut put = |line: u64, id: &str, word: &str| -> Result<(), RunError> {
        let id = id.trim();
        if id.is_empty() {
            return Err(RunError::ListNoUnit {
                file: file.clone(),
                line,
            });
        }
        let state = state_of(word).ok_or_else(|| RunError::ListNotAState {
            file: file.clone(),
            line,
            state: word.trim().to_string(),
        })?;
        if let Some(first) = first_line.insert(id.to_string(), line) {
            return Err(RunError::ListRepeated {
                file: file.clone(),
                line,
                unit: id.to_string(),
                first,
            });
        }
        out.insert(id.to_string(), state);
        Ok(())
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(n, l)| (n as u64 + 1, l))
        .filter(|(_, l)| !l.trim().is_empty());
    if path
        .extension()
        .is_some_and(|e| e == "jsonl" || e == "json")
    {
        for (n, line) in lines {
            // A line that is JSON but not an object has no `unit_id` (R0108).
            let v: Json = serde_json::from_str(line).map_err(|e| RunError::ListNotJson {
                file: path.display().to_string(),
                line: n,
                reason: e.to_string(),
            })?;
            let id = v.get("unit_id").and_then(Json::as_str).unwrap_or("");
            let word = v.get("state").and_then(Json::as_str).unwrap_or("");
            put(n, id, word)?;
        }
        return Ok(out);
    }
    let Some((_, header)) = lines.next() else {
        return Ok(out);
    };
    let sep = separator(path, header);
    let cols = cells(header, sep);
    let (Some(ci), Some(cs)) = (
        cols.iter().position(|c| *c == "unit_id"),
        cols.iter().position(|c| *c == "state"),
    ) else {
        return Err(RunError::ListColumns {
            file: path.display().to_string(),
        });
    };
    for (n, line) in lines {
        let row = cells(line, sep);
        let id = row.get(ci).copied().unwrap_or("");
        let word = row.get(cs).copied().unwrap_or("");
        put(n, id, word)?;
    }
    Ok(out)
}

/// Reads a reference list: one unit id per line, or the first column of a CSV (a `unit_id` or
/// `id` header line is skipped).
///
/// # Errors
/// R0105 ([`RunError`]) when the file cannot be read.
pub(super) fn read_reference(path: &Path) -> Result<BTreeSet<String>, RunError> {
    let text = read_text(path)?;
    let sep = separator(path, &text);
    Ok(text
        .lines()
        .map(|l| cells(l, sep).first().copied().unwrap_or("").to_string())
        .filter(|id| !id.is_empty() && id != "unit_id" && id != "id")
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn temp(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("entitle-cycle-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn previous_states_from_csv_and_jsonl() {
        let csv = temp("prev.csv", "unit_id,state\nH1,enrolled\n\"H2\",paused\n");
        let got = read_previous(&csv).unwrap();
        assert_eq!(got.get("H1"), Some(&MembershipState::Enrolled));
        assert_eq!(got.get("H2"), Some(&MembershipState::Paused));
        let jsonl = temp("run.jsonl", "{\"unit_id\":\"H3\",\"state\":\"exited\"}\n");
        assert_eq!(
            read_previous(&jsonl).unwrap().get("H3"),
            Some(&MembershipState::Exited)
        );
        let bad = temp("bad.csv", "unit_id,state\nH1,asleep\n");
        assert!(read_previous(&bad).unwrap_err().to_string().ends_with(
            "bad.csv:2: `asleep` is not a membership state; write one of draft, enrolled, paused, \
             exited, not_eligible, duplicated"
        ));
    }

    #[test]
    fn previous_states_as_spreadsheets_write_them_and_lists_with_mistakes() {
        // A byte-order mark, CR LF and capitals, as "CSV UTF-8" from a spreadsheet.
        let csv = temp(
            "bom.csv",
            "\u{feff}unit_id,state\r\nH1,Enrolled\r\nH2, PAUSED \r\n",
        );
        let got = read_previous(&csv).unwrap();
        assert_eq!(got.get("H1"), Some(&MembershipState::Enrolled));
        assert_eq!(got.get("H2"), Some(&MembershipState::Paused));
        let err =
            |name: &str, text: &str| read_previous(&temp(name, text)).unwrap_err().to_string();
        assert!(err("twice.csv", "unit_id,state\nH4,enrolled\nH4,paused\n")
            .ends_with("twice.csv:3: the unit `H4` is listed twice; the first is on line 2"));
        assert!(err("noid.csv", "unit_id,state\n,enrolled\n")
            .ends_with("noid.csv:2: the row has no `unit_id`"));
        assert!(err("nostate.csv", "unit_id,state\nH5\n").ends_with(
            "nostate.csv:2: the state is empty; write one of draft, enrolled, paused, exited, \
             not_eligible, duplicated"
        ));
        assert!(err(
            "twice.jsonl",
            "{\"unit_id\":\"H3\",\"state\":\"exited\"}\n\n{\"unit_id\":\"H3\",\"state\":\"enrolled\"}\n"
        )
        .ends_with("twice.jsonl:3: the unit `H3` is listed twice; the first is on line 1"));
    }

    /// Every mistake in a list has its code, its file and line, and its message in English and
    /// French, as the registry's errors do.
    #[test]
    fn list_errors_have_codes_lines_and_messages_in_english_and_french() {
        let fr = entitle_dsl::locale::catalog("fr");
        let cases: [(&str, &str, &str, &str, &str); 7] = [
            (
                "codes-twice.csv",
                "unit_id,state\nH4,enrolled\n\nH4,paused\n",
                "R0110",
                ":4: the unit `H4` is listed twice; the first is on line 2",
                ":4 : l'unité `H4` figure deux fois ; la première est à la ligne 2",
            ),
            (
                "codes-noid.csv",
                "unit_id,state\n,enrolled\n",
                "R0108",
                ":2: the row has no `unit_id`",
                ":2 : la ligne n'a pas de `unit_id`",
            ),
            (
                "codes-asleep.csv",
                "unit_id,state\nH1,asleep\n",
                "R0109",
                ":2: `asleep` is not a membership state; write one of draft, enrolled, paused, \
                 exited, not_eligible, duplicated",
                ":2 : `asleep` n'est pas un état d'appartenance ; écrivez l'un de draft, enrolled, \
                 paused, exited, not_eligible, duplicated",
            ),
            (
                "codes-nostate.csv",
                "unit_id,state\nH5\n",
                "R0109",
                ":2: the state is empty; write one of draft,",
                ":2 : l'état est vide ; écrivez l'un de draft,",
            ),
            (
                "codes-header.csv",
                "id,status\nH1,enrolled\n",
                "R0106",
                ": the first line must name the columns `unit_id` and `state`",
                " : la première ligne doit nommer les colonnes `unit_id` et `state`",
            ),
            (
                "codes-broken.jsonl",
                "{\"unit_id\":\"H1\",\"state\":\"enrolled\"}\n{\"unit_id\": \"H2\"\n",
                "R0107",
                ":2: the line is not a JSON object with `unit_id` and `state` (",
                ":2 : la ligne n'est pas un objet JSON avec `unit_id` et `state` (",
            ),
            (
                "codes-array.jsonl",
                "[\"H1\", \"enrolled\"]\n",
                "R0108",
                ":1: the row has no `unit_id`",
                ":1 : la ligne n'a pas de `unit_id`",
            ),
        ];
        for (name, text, code, en, fr_text) in cases {
            let path = temp(name, text);
            let e = read_previous(&path).unwrap_err();
            let file = path.display().to_string();
            assert_eq!(e.code(), code, "{name}");
            let (m_en, m_fr) = (e.message(entitle_dsl::locale::english()), e.message(fr));
            assert!(m_en.starts_with(&format!("{file}{en}")), "{name}: {m_en}");
            assert!(
                m_fr.starts_with(&format!("{file}{fr_text}")),
                "{name}: {m_fr}"
            );
        }
        // A file that is not there, for either list.
        let missing = std::env::temp_dir().join("entitle-no-such-dir/previous.csv");
        for e in [
            read_previous(&missing).unwrap_err(),
            read_reference(&missing).unwrap_err(),
        ] {
            assert_eq!(e.code(), "R0105");
            let file = missing.display().to_string();
            assert!(
                e.to_string().starts_with(&format!("cannot read {file}: ")),
                "{e}"
            );
            assert!(
                e.message(fr)
                    .starts_with(&format!("impossible de lire {file} : ")),
                "{}",
                e.message(fr)
            );
        }
    }

    #[test]
    fn reference_lists_skip_headers_and_blank_lines() {
        let f = temp("ref.csv", "unit_id,note\nH1,x\n\nH7\n");
        assert_eq!(
            read_reference(&f).unwrap(),
            ["H1", "H7"].iter().map(|s| s.to_string()).collect()
        );
        // The header after a byte-order mark is still a header, not an id.
        let f = temp("ref-bom.csv", "\u{feff}unit_id,score\r\nH1,3\r\n");
        assert_eq!(
            read_reference(&f).unwrap(),
            ["H1"].iter().map(|s| s.to_string()).collect()
        );
    }

    #[test]
    fn lists_saved_with_semicolons_or_tabs_are_read_by_their_columns() {
        // A spreadsheet in French saves CSV with semicolons: the ids are the first column, not
        // the whole line (which matched no unit, so every covered unit counted as leakage).
        let f = temp("ref-fr.csv", "unit_id;score;note\nH1;3,5;x\nH7;2;\n");
        assert_eq!(
            read_reference(&f).unwrap(),
            ["H1", "H7"].iter().map(|s| s.to_string()).collect()
        );
        let f = temp("ref-tab.csv", "id\tscore\nH2\t3\n");
        assert_eq!(
            read_reference(&f).unwrap(),
            ["H2"].iter().map(|s| s.to_string()).collect()
        );
        let csv = temp("prev-fr.csv", "unit_id;state\r\nH1;Inscrit\r\n");
        assert!(read_previous(&csv)
            .unwrap_err()
            .to_string()
            .ends_with("prev-fr.csv:2: `Inscrit` is not a membership state; write one of draft, enrolled, paused, exited, not_eligible, duplicated"));
        let csv = temp("prev-fr2.csv", "state;unit_id\nenrolled;H1\nPaused;H2\n");
        let got = read_previous(&csv).unwrap();
        assert_eq!(
            (got.get("H1"), got.get("H2")),
            (
                Some(&MembershipState::Enrolled),
                Some(&MembershipState::Paused)
            )
        );
    }
}
