//! The files a run is given besides the registry: the units' previous states, and the reference
//! list of the units that should be covered.

use anyhow::{bail, Context, Result};
use entitle_core::run_model::MembershipState;
use serde_json::Value as Json;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The file's text, without the byte-order mark a spreadsheet's "CSV UTF-8" starts with.
fn read_text(path: &Path) -> Result<String> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
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

/// The message for a state that is not one.
fn not_a_state(word: &str) -> String {
    let states: Vec<&str> = MembershipState::ALL.iter().map(|s| s.as_str()).collect();
    if word.trim().is_empty() {
        format!("the state is empty; write one of {}", states.join(", "))
    } else {
        format!(
            "`{}` is not a membership state; write one of {}",
            word.trim(),
            states.join(", ")
        )
    }
}

/// Reads previous states: JSON lines with `unit_id` and `state`, or a CSV with those columns.
/// A unit given twice, or without an id, is an error: which state would hold is not for us to
/// guess.
pub(super) fn read_previous(path: &Path) -> Result<HashMap<String, MembershipState>> {
    let text = read_text(path)?;
    let mut out = HashMap::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let bad = |n: usize, what: &str| anyhow::anyhow!("{}:{n}: {what}", path.display());
    let mut put = |n: usize, id: &str, state: MembershipState| -> Result<()> {
        let id = id.trim();
        if id.is_empty() {
            return Err(bad(n, "the row has no unit_id"));
        }
        if let Some(first) = first_line.insert(id.to_string(), n) {
            return Err(bad(
                n,
                &format!("the unit `{id}` is listed twice; the first is on line {first}"),
            ));
        }
        out.insert(id.to_string(), state);
        Ok(())
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(n, l)| (n + 1, l))
        .filter(|(_, l)| !l.trim().is_empty());
    if path
        .extension()
        .is_some_and(|e| e == "jsonl" || e == "json")
    {
        for (n, line) in lines {
            let v: Json = serde_json::from_str(line).map_err(|e| bad(n, &e.to_string()))?;
            let id = v
                .get("unit_id")
                .and_then(Json::as_str)
                .ok_or_else(|| bad(n, "no `unit_id`"))?;
            let word = v.get("state").and_then(Json::as_str).unwrap_or("");
            let state = state_of(word).ok_or_else(|| bad(n, &not_a_state(word)))?;
            put(n, id, state)?;
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
        bail!(
            "{}: the first line must name the columns `unit_id` and `state`",
            path.display()
        );
    };
    for (n, line) in lines {
        let row = cells(line, sep);
        let id = row.get(ci).copied().unwrap_or("");
        let word = row.get(cs).copied().unwrap_or("");
        let state = state_of(word).ok_or_else(|| bad(n, &not_a_state(word)))?;
        put(n, id, state)?;
    }
    Ok(out)
}

/// Reads a reference list: one unit id per line, or the first column of a CSV (a `unit_id` or
/// `id` header line is skipped).
pub(super) fn read_reference(path: &Path) -> Result<BTreeSet<String>> {
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
            .ends_with("noid.csv:2: the row has no unit_id"));
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
